import type {Condition, Container, ContainerState, ContainerStatus, Pod, PodStatus} from '../api/types.js';
import {rfc3339} from '../clock.js';
import {sameJson} from '../store.js';

/**
 * A pod's status as its kubelet reports it, computed from what the kubelet
 * observes (the kubelet's `generateAPIPodStatus` and `getPhase`): the phase,
 * the conditions it owns, the container statuses, the addresses. Pure: the
 * same observations give the same status.
 */

/** What the status needs of one container slot. */
export type ObservedContainer = {
	spec: Pick<Container, 'name' | 'image'>;
	init: boolean;
	/** An ephemeral container: reported apart, no part of the pod's phase or readiness. */
	ephemeral?: boolean;
	containerId?: string;
	state: ContainerState;
	lastState: ContainerState;
	ready: boolean;
	/** The startup probe passed (or there is none). */
	started: boolean;
	restartCount: number;
};

export type ObservedPod = {
	/** The stored pod: its previous status is the base (conditions keep their transition times). */
	pod: Pod;
	restartPolicy: 'Always' | 'OnFailure' | 'Never';
	/** Init containers, then app containers, in spec order, then ephemeral containers in the order they were added. */
	containers: readonly ObservedContainer[];
	podIP: string;
	hostIP: string;
	/** When the kubelet took the pod (ms). */
	startTime: number;
	now: number;
	/** The sandbox runs (set up and not yet stopped). */
	sandboxReady: boolean;
	/** The pod is being deleted. */
	terminating: boolean;
	/** The image the runtime ran for a container id (asked of the runtime, in status order). */
	imageRefOf(containerId: string): string | undefined;
};

/** Pod conditions the kubelet computes on every status publish (others on the pod are kept). */
const kubeletConditionTypes = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

/** The pod's status (`generateAPIPodStatus`). */
export function podStatus(observed: ObservedPod): PodStatus {
	const {pod} = observed;
	const now = rfc3339(observed.now);
	const toStatus = (slot: ObservedContainer): ContainerStatus => {
		const imageRef = slot.containerId ? observed.imageRefOf(slot.containerId) : undefined;
		const status: ContainerStatus = {
			name: slot.spec.name,
			state: slot.state,
			lastState: slot.lastState,
			ready: slot.ready,
			restartCount: slot.restartCount,
			image: slot.spec.image,
			imageID: imageRef ?? '',
			// Only app containers report it (the kubelet reports ephemeral containers as it does init containers).
			started: slot.init || slot.ephemeral ? undefined : Boolean(slot.state.running) && slot.started,
		};
		if (slot.containerId) status.containerID = `containerd://${slot.containerId}`;
		if (status.started === undefined) delete status.started;
		return status;
	};
	const apps = observed.containers.filter(s => !s.init && !s.ephemeral);
	const inits = observed.containers.filter(s => s.init);
	const ephemerals = observed.containers.filter(s => s.ephemeral);
	const initDone = inits.every(s => s.state.terminated?.exitCode === 0);
	const phase = podPhase(observed.restartPolicy, apps, inits, observed.terminating);
	const notReady = apps.filter(s => !s.ready).map(s => s.spec.name);
	const completed = phase === 'Succeeded' || phase === 'Failed';
	const previousConditions = pod.status?.conditions ?? [];
	// The last condition of a type, as a Map built from the list would hold (a loop: this runs on every publish).
	const previousOf = (type: string): Condition | undefined => {
		let found: Condition | undefined;
		for (const c of previousConditions) if (c.type === type) found = c;
		return found;
	};
	const condition = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
		const status = ok ? 'True' : 'False';
		const old = previousOf(type);
		const out: Condition = {type, status, lastProbeTime: null, lastTransitionTime: old?.status === status ? old.lastTransitionTime : now};
		if (!ok && reason) out.reason = reason;
		if (!ok && message) out.message = message;
		// A new one is shared with the list (`keptOrSharedList`).
		return kept(old, out);
	};
	// A message only a False condition carries, written once for the two readiness conditions.
	const unready = completed || notReady.length === 0 ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
	const conditions: Condition[] = keptOrSharedList(pod.status?.conditions, [
		condition('PodReadyToStartContainers', observed.sandboxReady),
		condition('Initialized', initDone, completed ? 'PodCompleted' : 'ContainersNotInitialized',
			completed || initDone ? undefined : `containers with incomplete status: [${inits.filter(s => s.state.terminated?.exitCode !== 0).map(s => s.spec.name).join(' ')}]`),
		condition('Ready', notReady.length === 0, completed ? 'PodCompleted' : 'ContainersNotReady', unready),
		condition('ContainersReady', notReady.length === 0, completed ? 'PodCompleted' : 'ContainersNotReady', unready),
		previousOf('PodScheduled') ?? condition('PodScheduled', true),
		...previousConditions.filter(c => !kubeletConditionTypes.has(c.type)),
	]);
	const containerStatuses = (slots: readonly ObservedContainer[], previous: ContainerStatus[] | undefined): ContainerStatus[] =>
		kept(previous, slots.map((slot, i) => kept(previous?.[i], toStatus(slot))));
	const {hostIP, podIP} = observed;
	const status: PodStatus = {
		...pod.status,
		phase,
		conditions,
		hostIP,
		hostIPs: kept(pod.status?.hostIPs, hostIP ? [{ip: hostIP}] : []),
		podIP,
		podIPs: kept(pod.status?.podIPs, [{ip: podIP}]),
		startTime: rfc3339(observed.startTime),
		containerStatuses: containerStatuses(apps, pod.status?.containerStatuses),
	};
	if (inits.length > 0) status.initContainerStatuses = containerStatuses(inits, pod.status?.initContainerStatuses);
	else delete status.initContainerStatuses;
	if (ephemerals.length > 0) status.ephemeralContainerStatuses = containerStatuses(ephemerals, pod.status?.ephemeralContainerStatuses);
	else delete status.ephemeralContainerStatuses;
	return status;
}

/**
 * Conditions, and lists of them, that pods report alike (the same state
 * since the same second, as pods started together do): one object each,
 * shared by those pods (stored objects are never changed in place), rather
 * than five objects and a list per pod. Bounded: a full cache starts again.
 *
 * A condition of the kubelet's shape (`type`, `status`, `lastProbeTime:
 * null`, `lastTransitionTime`, then `reason` and `message` when set, in
 * that order, which JSON shows) is found by its fields in nested maps and
 * numbered; a list of such conditions by their numbers. No key text is
 * built per publish: at thousands of pods those keys were a tenth of
 * everything the simulation allocated.
 */
type Shared = {condition: Condition; id: number};
type ByMessage = Map<string, Shared>;
const sharedConditions = new Map<string, Map<string, Map<string, Map<string, ByMessage>>>>();
const sharedLists = new Map<string, Condition[]>();
const sharedLimit = 4096;
let sharedCount = 0;
let nextSharedId = 0;
/** Stands for a field that is not set (no reason or message is ever this text). */
const unset = '\u0002';

/** The map under `key`, made when there is none (no function to make it is passed: that was a closure per level per publish). */
function level<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
	let next = map.get(key);
	if (next === undefined) map.set(key, (next = new Map<string, V>()));
	return next;
}

/** The fields of a condition the kubelet makes, in its order; the last two are optional. */
const kubeletFields = ['type', 'status', 'lastProbeTime', 'lastTransitionTime', 'reason', 'message'];

/** Whether a condition has the kubelet's fields in the kubelet's order, as text (what a shared one may stand in for). */
function kubeletShaped(c: Condition): boolean {
	let at = 0;
	for (const key in c) {
		while (at >= 4 && at < kubeletFields.length && kubeletFields[at] !== key) at++;
		if (kubeletFields[at] !== key) return false;
		at++;
	}
	return at >= 4 && typeof c.type === 'string' && typeof c.status === 'string' && c.lastProbeTime === null && typeof c.lastTransitionTime === 'string'
		&& (c.reason === undefined || (typeof c.reason === 'string' && c.reason !== unset))
		&& (c.message === undefined || (typeof c.message === 'string' && c.message !== unset));
}

/** The shared entry of the condition that reads as `c` (of the kubelet's shape): `c` itself the first time. */
function sharedEntry(c: Condition): Shared {
	if (sharedCount >= sharedLimit) {
		sharedConditions.clear();
		sharedCount = 0;
	}
	const byStatus = level(sharedConditions, c.type);
	const byTime = level(byStatus, c.status);
	const byReason = level(byTime, c.lastTransitionTime!);
	const byMessage = level(byReason, c.reason ?? unset);
	const message = c.message ?? unset;
	let entry = byMessage.get(message);
	if (entry === undefined) {
		byMessage.set(message, (entry = {condition: c, id: nextSharedId++}));
		sharedCount++;
	}
	return entry;
}

/**
 * The stored list when it reads the same, else the list shared with pods
 * whose list reads the same: its conditions of the kubelet's shape shared,
 * and the list found by their numbers. A list with a condition of another
 * shape is not shared itself.
 */
function keptOrSharedList(previous: Condition[] | undefined, next: Condition[]): Condition[] {
	const chosen = kept(previous, next);
	if (chosen !== next) return chosen;
	let key: string | undefined = '';
	for (let i = 0; i < next.length; i++) {
		if (!kubeletShaped(next[i]!)) {
			key = undefined;
			continue;
		}
		const entry = sharedEntry(next[i]!);
		next[i] = entry.condition;
		if (key !== undefined) key += i === 0 ? String(entry.id) : `,${entry.id}`;
	}
	if (key === undefined) return next;
	const hit = sharedLists.get(key);
	if (hit !== undefined) return hit;
	// Numbers are never given twice, so a list kept past a clear of the conditions is still found only by its own.
	if (sharedLists.size >= sharedLimit) sharedLists.clear();
	sharedLists.set(key, next);
	return next;
}

/**
 * The stored part when it reads the same, else the new one: a publish then
 * keeps the unchanged parts of the pod's status as they are. Fewer new
 * objects per write, and most of them would live until the next write, each
 * copied by the garbage collector on the way.
 */
function kept<T>(previous: T | undefined, next: T): T {
	return previous !== undefined && sameJson(previous, next) ? previous : next;
}

/** The pod's phase from its containers' states (`getPhase`). */
function podPhase(restartPolicy: ObservedPod['restartPolicy'], apps: readonly ObservedContainer[], inits: readonly ObservedContainer[], terminating: boolean): PodStatus['phase'] {
	if (inits.some(s => s.state.terminated && s.state.terminated.exitCode !== 0) && restartPolicy === 'Never') return 'Failed';
	if (!inits.every(s => s.state.terminated?.exitCode === 0)) return 'Pending';
	let running = 0;
	let waiting = 0;
	let stopped = 0;
	let succeeded = 0;
	for (const slot of apps) {
		if (slot.state.running) running++;
		else if (slot.state.terminated) {
			stopped++;
			if (slot.state.terminated.exitCode === 0) succeeded++;
		} else if (slot.state.waiting) {
			if (slot.lastState.terminated) stopped++;
			else waiting++;
		}
	}
	if (waiting > 0) return 'Pending';
	if (running > 0) return 'Running';
	if (stopped === apps.length) {
		if (restartPolicy === 'Always') return terminating ? (succeeded === apps.length ? 'Succeeded' : 'Failed') : 'Running';
		if (succeeded === apps.length) return 'Succeeded';
		if (restartPolicy === 'Never') return 'Failed';
		return terminating ? 'Failed' : 'Running';
	}
	return 'Pending';
}
