/**
 * Pod actions over the container runtime: logs (`l`, `p` previous), shell
 * (`s`), and the live system-call trace (`t`, simulation only). Each page
 * reads through the cluster source (`openLogs`, `openShell`, the simulation's `syscalls`).
 */
import type {KubeObject} from '../../engine/index.js';
import {simulationOnly, type ClusterSource, type LogStream} from '../model/cluster-source.js';
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

export function podLogSource(cluster: ClusterSource, pod: KubeObject, container?: string): LogSource {
	// One stream per choice of previous and timestamps, as `kubectl logs` opens one per set of flags.
	let open: {key: string; stream: LogStream} | undefined;
	const source: LogSource = ({previous, timestamps}) => {
		const key = `${previous}:${timestamps}`;
		if (open?.key !== key) {
			open?.stream.close();
			open = undefined;
			open = {key, stream: cluster.openLogs(pod.metadata.name, {namespace: pod.metadata.namespace, container, previous, timestamps, tail: logTailLines})};
		}
		return open.stream.text();
	};
	source.close = () => {
		open?.stream.close();
		open = undefined;
	};
	return source;
}

/** The engine's live system-call trace of one container (only the simulated cluster has one). */
export function podTraceSource(cluster: ClusterSource, pod: KubeObject, container?: string): TraceSource {
	return () => {
		if (!cluster.simulation) throw new Error(`The system-call trace: ${simulationOnly}`);
		return cluster.simulation.syscalls(pod.metadata.name, {namespace: pod.metadata.namespace, container});
	};
}

/** A shell session in the container (see `ClusterSource.openShell`). */
export function podExecSession(cluster: ClusterSource, pod: KubeObject, container?: string): ExecSession {
	return cluster.openShell(pod.metadata.name, {namespace: pod.metadata.namespace, container});
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
			// As k9s refuses it, before any exec is tried.
			if (pod.status?.phase !== 'Running') {
				app.flash(`${sanitizeLine(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`)} is not in a running state`, 'error');
				return;
			}
			app.pushPage(execPage(title, podExecSession(app.cluster, pod, container), ['Type commands to run in the container; `exit` or Esc leaves.']));
		},
	},
	{
		binding: {key: 't', action: 'pod.trace', description: 'Trace', simulation: true},
		handler: ({app, selection}) => {
			const {pod, container, title} = target(selection);
			app.pushPage(tracePage(title, podTraceSource(app.cluster, pod, container)));
		},
	},
]);
