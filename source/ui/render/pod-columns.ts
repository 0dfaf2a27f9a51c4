/** Pods: k9s' columns and kubectl's STATUS text (printers.go printPod). */
import type {Container, ContainerStatus, KubeObject, Pod} from '../../engine/index.js';
import {age, ageColumn, cpuText, humanDuration, memText, nameColumn, orNone, terminating, timeOf, type ColumnSet, type RowStatus} from './columns.js';
import type {MetricsSnapshot} from '../model/cluster-model.js';

export type PodSummary = {
	/** kubectl's STATUS text. */
	status: string;
	ready: number;
	total: number;
	restarts: number;
	/** Newest lastState.terminated.finishedAt among counted containers, ms. */
	lastRestart?: number;
};

function isRestartableInit(container: Container | undefined): boolean {
	return container?.restartPolicy === 'Always';
}

function terminatedText(terminated: NonNullable<ContainerStatus['state']['terminated']>, prefix: string): string {
	if (terminated.reason) return `${prefix}${terminated.reason}`;
	if (terminated.signal) return `${prefix}Signal:${terminated.signal}`;
	return `${prefix}ExitCode:${terminated.exitCode}`;
}

const summaries = new WeakMap<Pod, PodSummary>();

/**
 * kubectl's pod summary: READY counts, STATUS reason and RESTARTS
 * (k8s-semantics §5.5). Once per stored pod (objects are never changed in
 * place): the row, its health and the live RESTARTS cell all ask.
 */
export function podSummary(pod: Pod): PodSummary {
	let summary = summaries.get(pod);
	if (!summary) summaries.set(pod, (summary = summarize(pod)));
	return summary;
}

function summarize(pod: Pod): PodSummary {
	const spec = pod.spec ?? {containers: []};
	const status = pod.status ?? {phase: 'Pending'};
	let restarts = 0;
	let restartableRestarts = 0;
	let total = spec.containers.length;
	let ready = 0;
	let lastRestart: number | undefined;
	let lastRestartableRestart: number | undefined;
	const later = (a: number | undefined, b: string | undefined) => {
		const t = timeOf(b);
		return t !== undefined && (a === undefined || t > a) ? t : a;
	};
	let reason: string = status.phase ?? 'Pending';
	if (status.reason) reason = status.reason;
	for (const condition of status.conditions ?? []) {
		if (condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated') reason = 'SchedulingGated';
	}
	// Made only for pods with init containers: most have none.
	const initSpecs = spec.initContainers ? new Map<string, Container>() : undefined;
	for (const c of spec.initContainers ?? []) {
		initSpecs!.set(c.name, c);
		if (isRestartableInit(c)) total++;
	}
	let initializing = false;
	const initStatuses = status.initContainerStatuses ?? [];
	for (let i = 0; i < initStatuses.length; i++) {
		const c = initStatuses[i]!;
		restarts += c.restartCount;
		lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
		const restartable = isRestartableInit(initSpecs?.get(c.name));
		if (restartable) {
			restartableRestarts += c.restartCount;
			lastRestartableRestart = later(lastRestartableRestart, c.lastState?.terminated?.finishedAt);
		}
		const terminated = c.state.terminated;
		if (terminated && terminated.exitCode === 0) continue;
		if (restartable && c.started) {
			if (c.ready) ready++;
			continue;
		}
		if (terminated) reason = terminatedText(terminated, 'Init:');
		else if (c.state.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
		else reason = `Init:${i}/${spec.initContainers?.length ?? 0}`;
		initializing = true;
		break;
	}
	const initialized = (status.conditions ?? []).some(c => c.type === 'Initialized' && c.status === 'True');
	if (!initializing || initialized) {
		restarts = restartableRestarts;
		lastRestart = lastRestartableRestart;
		let hasRunning = false;
		const statuses = status.containerStatuses ?? [];
		for (let i = statuses.length - 1; i >= 0; i--) {
			const c = statuses[i]!;
			restarts += c.restartCount;
			lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
			if (c.state.waiting?.reason) reason = c.state.waiting.reason;
			else if (c.state.terminated) reason = terminatedText(c.state.terminated, '');
			else if (c.ready && c.state.running) {
				hasRunning = true;
				ready++;
			}
		}
		if (reason === 'Completed' && hasRunning) {
			const podReady = (status.conditions ?? []).some(c => c.type === 'Ready' && c.status === 'True');
			reason = podReady ? 'Running' : 'NotReady';
		}
	}
	if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
	else if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
	return {status: reason, ready, total, restarts, lastRestart};
}

/** RESTARTS cell: `3 (2m ago)` or `0`. */
export function restartsText(summary: PodSummary, now: number): string {
	if (summary.lastRestart === undefined || summary.restarts === 0) return String(summary.restarts);
	return `${summary.restarts} (${humanDuration(now - summary.lastRestart)} ago)`;
}

const pendingReasons = new Set(['Pending', 'ContainerCreating', 'PodInitializing', 'SchedulingGated', 'NotReady']);
const errorReasons = /^(Init:)?(Error|CrashLoopBackOff|ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|CreateContainerConfigError|CreateContainerError|RunContainerError|OOMKilled|ContainerCannotRun|DeadlineExceeded|Evicted|NodeLost|NodeAffinity|Failed|Unknown|Signal:\d+|ExitCode:\d+)$/;

/** Row colour for a pod status text (k9s' pod colorer). */
export function podHealth(summary: PodSummary, pod: KubeObject): RowStatus {
	const s = summary.status;
	if (terminating(pod) || s === 'Terminating') return 'terminating';
	if (s === 'Completed' || s === 'Succeeded') return 'completed';
	if (errorReasons.test(s)) return 'error';
	if (pendingReasons.has(s) || s.startsWith('Init:')) return 'pending';
	if (s === 'Running' && summary.ready < summary.total) return 'pending';
	return 'normal';
}

/** A pod's usage in the metrics snapshot, if it has one. */
function podUsage(pod: KubeObject, metrics: MetricsSnapshot | undefined) {
	return metrics?.pods.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
}

export const podColumns: ColumnSet = {
	kind: 'Pod',
	nameFromMetadata: true,
	columns: [
		nameColumn,
		{name: 'READY', sortKey: 'r'},
		{name: 'STATUS', sortKey: 's'},
		{name: 'RESTARTS', sortKey: 't', numeric: true, align: 'right', live: (object, {now}) => restartsText(podSummary(object as Pod), now)},
		{name: 'CPU', drop: 2, sortKey: 'c', sortDescending: true, numeric: true, align: 'right', live: (object, {metrics}) => cpuText(podUsage(object, metrics)?.cpuMilli), liveSort: (object, {metrics}) => podUsage(object, metrics)?.cpuMilli},
		{name: 'MEM', drop: 2, sortKey: 'm', sortDescending: true, numeric: true, align: 'right', live: (object, {metrics}) => memText(podUsage(object, metrics)?.memoryBytes), liveSort: (object, {metrics}) => podUsage(object, metrics)?.memoryBytes},
		{name: 'IP', drop: 1, sortKey: 'i', ellipsis: 'middle'},
		{name: 'NODE', sortKey: 'o', ellipsis: 'middle'},
		{name: 'QOS', wide: true},
		{name: 'NOMINATED NODE', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const pod = object as Pod;
		const summary = podSummary(pod);
		const [ageText, ageMs] = age(object, now);
		return {
			cells: [
				pod.metadata.name,
				`${summary.ready}/${summary.total}`,
				summary.status,
				restartsText(summary, now),
				'',
				'',
				orNone(pod.status?.podIP),
				orNone(pod.spec?.nodeName),
				pod.status?.qosClass ?? '<none>',
				orNone(pod.status?.nominatedNodeName),
				ageText,
			],
			sort: [undefined, undefined, undefined, summary.restarts, undefined, undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health(object) {
		return podHealth(podSummary(object as Pod), object);
	},
};
