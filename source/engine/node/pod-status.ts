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
	/** Init containers, then app containers, in spec order. */
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
			started: slot.init ? undefined : Boolean(slot.state.running) && slot.started,
		};
		if (slot.containerId) status.containerID = `containerd://${slot.containerId}`;
		if (status.started === undefined) delete status.started;
		return status;
	};
	const apps = observed.containers.filter(s => !s.init);
	const inits = observed.containers.filter(s => s.init);
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
		return keptOrShared(old, out, sharedConditions, conditionKey);
	};
	const conditions: Condition[] = keptOrShared(pod.status?.conditions, [
		condition('PodReadyToStartContainers', observed.sandboxReady),
		condition('Initialized', initDone, completed ? 'PodCompleted' : 'ContainersNotInitialized',
			completed ? undefined : `containers with incomplete status: [${inits.filter(s => s.state.terminated?.exitCode !== 0).map(s => s.spec.name).join(' ')}]`),
		condition('Ready', notReady.length === 0, completed ? 'PodCompleted' : 'ContainersNotReady', completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`),
		condition('ContainersReady', notReady.length === 0, completed ? 'PodCompleted' : 'ContainersNotReady', completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`),
		previousOf('PodScheduled') ?? condition('PodScheduled', true),
		...previousConditions.filter(c => !kubeletConditionTypes.has(c.type)),
	], sharedLists, listKey);
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
	return status;
}

/**
 * Conditions, and lists of them, that pods report alike (the same state
 * since the same second, as pods started together do): one object each,
 * shared by those pods (stored objects are never changed in place), rather
 * than five objects and a list per pod. Bounded: a full cache starts again.
 */
const sharedConditions = new Map<string, Condition>();
const sharedLists = new Map<string, Condition[]>();
const sharedLimit = 4096;

/** The stored part when it reads the same (`kept`), else the one shared with pods whose part reads the same. */
function keptOrShared<T>(previous: T | undefined, next: T, cache: Map<string, T>, keyOf: (value: T) => string): T {
	const chosen = kept(previous, next);
	if (chosen !== next) return chosen;
	const key = keyOf(next);
	const hit = cache.get(key);
	if (hit !== undefined) return hit;
	if (cache.size >= sharedLimit) cache.clear();
	cache.set(key, next);
	return next;
}

/** Every field of a condition, a missing one told apart from any text. */
function conditionKey(c: Condition): string {
	const field = (value: string | null | undefined) => (value === undefined ? '\u0002' : value === null ? '\u0003' : value);
	return `${c.type}\u0000${c.status}\u0000${field(c.lastTransitionTime)}\u0000${field(c.lastProbeTime)}\u0000${field(c.reason)}\u0000${field(c.message)}\u0000${field(c.lastUpdateTime)}\u0000${field(c.lastHeartbeatTime)}`;
}

function listKey(conditions: Condition[]): string {
	return conditions.map(conditionKey).join('\u0001');
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
