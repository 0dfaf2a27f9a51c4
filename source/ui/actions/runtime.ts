/**
 * Pod actions over the container runtime: logs (`l`, `p` previous), shell
 * (`s`), and the live system-call trace (`t`). Each page reads through one
 * facade query (`cluster.logs`, `cluster.exec`, `cluster.syscalls`).
 */
import type {Cluster, KubeObject} from '../../engine/index.js';
import {registerActions, type Selection} from '../app/contract.js';
import {logsPage, type LogSource} from '../details/logs/logs-page.js';
import {execPage, type ExecSession} from '../details/exec/exec-page.js';
import {sanitizeLine} from '../sanitize.js';
import {shellQuote} from './shell-quote.js';
import {tracePage, type TraceSource} from '../trace/trace-page.js';

/** Lines of log kept on screen (k9s caps its buffer at 5000). */
export const logTailLines = 5000;

function target(selection: Selection): {pod: KubeObject; container: string | undefined; title: string} {
	const pod = selection.object;
	const container = selection.container;
	const title = sanitizeLine(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}${container ? `:${container}` : ''}`);
	return {pod, container, title};
}

export function podLogSource(cluster: Cluster, pod: KubeObject, container?: string): LogSource {
	return ({previous, timestamps}) => cluster.logs(pod.metadata.name, {namespace: pod.metadata.namespace, container, previous, timestamps, tail: logTailLines}).join('\n');
}

export function podTraceSource(cluster: Cluster, pod: KubeObject, container?: string): TraceSource {
	return () => cluster.syscalls(pod.metadata.name, {namespace: pod.metadata.namespace, container});
}

/**
 * A shell session: each line runs as `sh -c` in the container through
 * `cluster.exec`, in the working directory the session tracks (a `cd` line
 * is resolved by the container's own shell, which prints the new `pwd`).
 */
export function podExecSession(cluster: Cluster, pod: KubeObject, container?: string): ExecSession {
	let cwd = '/';
	const exec = (script: string) => cluster.exec(pod.metadata.name, ['sh', '-c', script], {namespace: pod.metadata.namespace, container});
	// The prompt names the user the container runs as, as bash does: what `whoami` prints there
	// (`I have no name!` for a user id without a passwd entry), and `#` for root only. Asked once.
	let user: {name: string; root: boolean} | undefined;
	const identity = (): {name: string; root: boolean} => {
		if (user !== undefined) return user;
		try {
			const [uid, name] = exec('id -u; whoami 2>/dev/null').stdout.split('\n');
			user = /^\d+$/.test(uid ?? '') ? {name: name || 'I have no name!', root: uid === '0'} : {name: '', root: true};
		} catch {
			user = {name: '', root: true};
		}
		return user;
	};
	return {
		prompt: () => {
			const {name, root} = identity();
			return `${name ? `${name}@` : ''}${pod.metadata.name}:${cwd}${root ? '#' : '$'} `;
		},
		run(line) {
			const cd = /^\s*cd(?:\s+(.*?))?\s*$/.exec(line);
			if (cd) {
				const result = exec(`cd ${shellQuote(cwd)} && cd ${cd[1] ? cd[1] : '/'} && pwd`);
				if (result.exitCode === 0) cwd = result.stdout.trim() || cwd;
				return {...result, stdout: ''};
			}
			return exec(cwd === '/' ? line : `cd ${shellQuote(cwd)} && ${line}`);
		},
	};
}

registerActions('Pod', [
	{
		binding: {key: 'l', action: 'pod.logs', description: 'Logs'},
		handler: ({app, selection}) => {
			const {pod, container, title} = target(selection);
			app.pushPage(logsPage(title, podLogSource(app.cluster, pod, container)));
		},
	},
	{
		binding: {key: 'p', action: 'pod.logs-previous', description: 'Logs Previous'},
		handler: ({app, selection}) => {
			const {pod, container, title} = target(selection);
			app.pushPage(logsPage(title, podLogSource(app.cluster, pod, container), {previous: true}));
		},
	},
	{
		binding: {key: 's', action: 'pod.shell', description: 'Shell', dangerous: true},
		handler: ({app, selection}) => {
			const {pod, container, title} = target(selection);
			if (pod.status?.phase !== 'Running') {
				app.flash(`cannot exec into a container in a completed pod; current phase is ${sanitizeLine(pod.status?.phase ?? 'Pending')}`, 'error');
				return;
			}
			app.pushPage(execPage(title, podExecSession(app.cluster, pod, container), ['Type commands to run in the container; `exit` or Esc leaves.']));
		},
	},
	{
		binding: {key: 't', action: 'pod.trace', description: 'Trace'},
		handler: ({app, selection}) => {
			const {pod, container, title} = target(selection);
			app.pushPage(tracePage(title, podTraceSource(app.cluster, pod, container)));
		},
	},
]);
