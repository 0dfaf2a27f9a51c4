import type {Controller, ControllerContext} from '../controller.js';
import type {Pod} from '../api/types.js';
import {parseTime, rfc3339} from '../clock.js';
import {podsByNode} from './node-lifecycle.js';

/**
 * The pod garbage collector (`pkg/controller/podgc`): every 20 s, and when a
 * Node goes, it force-deletes pods bound to nodes that no longer exist (once
 * a node has been missing for the quarantine time, so a node that comes back
 * under the same name keeps its pods), deletes terminating pods that were
 * never scheduled, and keeps the number of terminated pods under the
 * threshold, oldest first.
 */

/** `gcCheckPeriod`. */
export const podGcPeriodMs = 20_000;
/** `quarantineTime`: how long a node must stay missing before its pods are orphans. */
export const orphanQuarantineMs = 40_000;
/** `--terminated-pod-gc-threshold` default. */
export const defaultTerminatedPodThreshold = 12_500;

const component = 'pod-garbage-collector';

function isTerminal(pod: Pod): boolean {
	return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function createPodGc(context: ControllerContext): Controller {
	const {store, clock} = context;
	const index = podsByNode(context);
	/** Names of nodes found missing, and when (the controller's nodeQueue). */
	const missingSince = new Map<string, number>();

	/** True once `nodeName` has been missing for the quarantine time; starts the clock otherwise. */
	function quarantineOver(nodeName: string): boolean {
		const since = missingSince.get(nodeName);
		if (since !== undefined && clock.now() - since >= orphanQuarantineMs) {
			missingSince.delete(nodeName);
			return true;
		}
		if (since === undefined) missingSince.set(nodeName, clock.now());
		queue().addAfter(`node:${nodeName}`, (missingSince.get(nodeName) ?? clock.now()) + orphanQuarantineMs - clock.now());
		return false;
	}

	function forceDelete(pod: Pod): void {
		const current = store.getByUid(pod.metadata.uid) as Pod | undefined;
		if (current) store.markDeleted(current, 0);
	}

	/** Failed + DisruptionTarget, then grace-0 deletion: "PodGC: node no longer exists". */
	function collectOrphan(pod: Pod): void {
		let current = pod;
		if (!isTerminal(pod)) {
			const stamp = rfc3339(clock.now());
			current = store.patch(pod, draft => {
				const conditions = (draft.status?.conditions ?? []).filter(c => c.type !== 'DisruptionTarget');
				conditions.push({type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastProbeTime: null, lastTransitionTime: stamp});
				draft.status = {...draft.status!, phase: 'Failed', conditions};
			}, {status: true});
		}
		forceDelete(current);
	}

	// Kept from the watch, so that a run finds out without a pass over every pod
	// whether there is anything to collect (there seldom is).
	const unscheduledTerminating = new Set<string>();
	const terminal = new Set<string>();
	const track = (pod: Pod, gone: boolean) => {
		const uid = pod.metadata.uid;
		if (!gone && !pod.spec?.nodeName && pod.metadata.deletionTimestamp) unscheduledTerminating.add(uid);
		else unscheduledTerminating.delete(uid);
		if (!gone && isTerminal(pod)) terminal.add(uid);
		else terminal.delete(uid);
	};
	for (const pod of store.list('Pod') as Pod[]) track(pod, false);
	store.subscribe(({type, object}) => track(object as Pod, type === 'DELETED'), ['Pod']);
	/** Saved: when each missing node was first found missing; the pod sets are rebuilt from the store's pods. */
	context.state.register<Array<[node: string, since: number]>>('podGc', {
		save: () => [...missingSince],
		load(saved) {
			missingSince.clear();
			for (const [node, since] of saved) missingSince.set(node, since);
			unscheduledTerminating.clear();
			terminal.clear();
			for (const pod of store.list('Pod') as Pod[]) track(pod, false);
		},
	});

	function run(): void {
		const nodes = new Set(store.list('Node').map(n => n.metadata.name));
		for (const name of missingSince.keys()) if (nodes.has(name)) missingSince.delete(name);
		const threshold = context.services.terminatedPodThreshold ?? defaultTerminatedPodThreshold;
		const orphans = index.nodeNames().some(name => !nodes.has(name));
		if (!orphans && unscheduledTerminating.size === 0 && !(threshold > 0 && terminal.size > threshold)) return;
		const terminated: Pod[] = [];
		const orphaned = new Set<string>();
		for (const pod of store.list('Pod') as Pod[]) {
			const nodeName = pod.spec?.nodeName;
			if (nodeName && !nodes.has(nodeName)) {
				orphaned.add(nodeName);
				continue;
			}
			if (!nodeName && pod.metadata.deletionTimestamp) {
				forceDelete(pod);
				continue;
			}
			if (isTerminal(pod)) terminated.push(pod);
		}
		for (const nodeName of orphaned) collectOrphansOf(nodeName);
		if (threshold > 0 && terminated.length > threshold) {
			terminated.sort((a, b) => (parseTime(a.metadata.creationTimestamp) ?? 0) - (parseTime(b.metadata.creationTimestamp) ?? 0));
			for (const pod of terminated.slice(0, terminated.length - threshold)) forceDelete(pod);
		}
	}

	/** Every `gcCheckPeriod` (20 s): a pass over every pod. */
	const resync = clock.kind<null>('podGc.resync', () => {
		queue()?.add('all');
		clock.after(podGcPeriodMs, resync, null);
	});

	return {
		name: component,
		watches: {
			Node: ({type, object}) => (type === 'DELETED' ? `node:${object.metadata.name}` : undefined),
		},
		start() {
			clock.after(podGcPeriodMs, resync, null);
		},
		sync(key) {
			if (key === 'all') {
				run();
				return;
			}
			collectOrphansOf(key.slice(5));
		},
	};

	function collectOrphansOf(nodeName: string): void {
		if (store.get('Node', undefined, nodeName)) {
			missingSince.delete(nodeName);
			return;
		}
		if (index.pods(nodeName).length === 0) {
			missingSince.delete(nodeName);
			return;
		}
		if (!quarantineOver(nodeName)) return;
		for (const pod of index.pods(nodeName)) collectOrphan(pod);
	}


	function queue() {
		return context.queue(component);
	}
}
