/**
 * Pod actions over the container runtime: logs (`l`, `p` previous), shell
 * (`s`), and the live system-call trace (`t`). Each page reads through one
 * facade query (`cluster.logs`, `cluster.openShell`, `cluster.syscalls`).
 */
import type {Cluster, ExecResult, KubeObject, ShellSession} from '../../engine/index.js';
import {registerActions, type Selection} from '../app/contract.js';
import {logsPage, type LogSource} from '../details/logs/logs-page.js';
import {execPage, type ExecSession} from '../details/exec/exec-page.js';
import {sanitizeLine} from '../sanitize.js';
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
 * A shell session, as k9s opens one (`command -v bash && exec bash || exec
 * sh`): one interactive shell in the container through `cluster.openShell`,
 * so the directory and variables last from line to line and the prompt is
 * that shell's own. A container without a shell answers every line with
 * the exec's error.
 */
export function podExecSession(cluster: Cluster, pod: KubeObject, container?: string): ExecSession {
	const options = {namespace: pod.metadata.namespace, container};
	let opened: {session?: ShellSession; result?: ExecResult} | undefined;
	const open = () => {
		if (!opened) {
			opened = cluster.openShell(pod.metadata.name, ['bash'], options);
			if (!opened.session) opened = cluster.openShell(pod.metadata.name, ['sh'], options);
		}
		return opened;
	};
	return {
		prompt: () => open().session?.prompt() ?? '',
		run(line) {
			const {session, result} = open();
			if (!session) return {...result!, exited: false};
			return session.run(line);
		},
		close: () => opened?.session?.close(),
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
