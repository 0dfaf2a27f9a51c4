/**
 * The embedded engine as a `ClusterSource`: every read and action is the
 * facade's own call, answered at once; the simulation's controls are the
 * engine itself. The connection never drops.
 */
import {KubeError, type Cluster, type ExecResult, type ShellSession as EngineShell} from '../../engine/index.js';
import type {ClusterSource, LogStream, ShellSession, SourceStatus} from './cluster-source.js';

const connected: SourceStatus = {connected: true};

/** The engine behind the seam. */
export function engineSource(cluster: Cluster): ClusterSource & {readonly engine: Cluster} {
	return {
		engine: cluster,
		name: cluster.name,
		simulation: cluster,
		status: () => connected,
		onStatus: () => () => undefined,
		dispose: () => undefined,
		now: () => cluster.now(),
		resourceTypes: () => cluster.resourceTypes(),
		resolveResource: name => cluster.resolveResource(name),
		get: (kind, name, namespace) => cluster.get(kind, name, namespace),
		list: (kind, options) => cluster.list(kind, options),
		watch: listener => cluster.watch(listener),
		eventsFor: object => cluster.eventsFor(object),
		rolloutHistory: (name, options) => cluster.rolloutHistory(name, options),
		controllerErrors: () => cluster.controllerErrors(),
		openLogs(pod, options = {}): LogStream {
			// The engine's log is read afresh on every look, so it follows by itself.
			return {text: () => cluster.logs(pod, options).join('\n'), close: () => undefined};
		},
		openShell: (pod, options = {}) => engineShell(cluster, pod, options),
		scale: (kind, name, replicas, options) => cluster.scale(kind, name, replicas, options),
		delete: (kind, name, options) => cluster.delete(kind, name, options),
		setImage: (kind, name, container, image, options) => cluster.setImage(kind, name, container, image, options),
		restart: (kind, name, options) => cluster.restart(kind, name, options),
		rollback: (name, options) => cluster.rollback(name, options),
		cordon: name => cluster.cordon(name),
		uncordon: name => cluster.uncordon(name),
		drain: (name, options) => cluster.drain(name, options),
		apply: manifest => cluster.apply(manifest as Parameters<Cluster['apply']>[0]),
		triggerCronJob: (name, options) => cluster.triggerCronJob(name, options),
		suspendCronJob: (name, suspend, options) => cluster.suspendCronJob(name, suspend, options),
	};
}

/**
 * A shell session, as k9s opens one (`command -v bash && exec bash || exec
 * sh`): one interactive shell in the container through `cluster.openShell`,
 * so the directory and variables last from line to line and the prompt is
 * that shell's own. A container without a shell answers every line with
 * the exec's error; so does one the API refuses to open (the pod or its
 * container gone since the page opened), with kubectl's words for it.
 */
function engineShell(cluster: Cluster, pod: string, options: {namespace?: string; container?: string}): ShellSession {
	let opened: {session?: EngineShell; result?: ExecResult} | undefined;
	const open = () => {
		if (!opened) {
			try {
				opened = cluster.openShell(pod, ['bash'], options);
				if (!opened.session) opened = cluster.openShell(pod, ['sh'], options);
			} catch (error) {
				if (!(error instanceof KubeError)) throw error;
				opened = {result: {stdout: '', stderr: `error: ${error.message}\n`, exitCode: 1}};
			}
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
