import type {ControllerContext} from '../controller.js';
import type {Container, ContainerState, Pod, PodSpec} from '../api/types.js';
import {validatePodSpec} from '../api/validate-kinds.js';
import type {ContainerRuntime, ContainerStatusResult} from '../runtime/cri.js';
import type {TimerArg, TimerHandle} from '../clock.js';
import type {Loading, SavedObject, Saving} from '../state.js';
import {keyOf, sameJson} from '../store.js';

/**
 * A kubelet's record of one pod it runs (the pod worker) and of each of its
 * containers (a slot: the container's state, restarts, back-off and probe
 * timers), and what the kubelet's parts share to drive them.
 */

export type ContainerSlot = {
	spec: Container;
	init: boolean;
	/** An ephemeral container (`kubectl debug`): added to the running pod, started once, never restarted, no part of the pod's readiness or phase. */
	ephemeral?: true;
	containerId?: string;
	attempt: number;
	state: ContainerState;
	lastState: ContainerState;
	ready: boolean;
	started: boolean;
	restartCount: number;
	/** Next restart delay; 0 until the first crash. */
	backoffMs: number;
	pullBackoffMs: number;
	timer?: TimerHandle;
	probeTimer?: TimerHandle;
	/** The last exited container, kept for `logs --previous` until the next restart. */
	previousId?: string;
	livenessTimer?: TimerHandle;
	startupTimer?: TimerHandle;
	/** Killed because its definition changed (a new image): it starts again whatever the restart policy. */
	specChanged?: boolean;
};

export type PodWorker = {
	uid: string;
	key: string;
	nodeName: string;
	pod: Pod;
	podIP: string;
	sandboxId?: string;
	slots: ContainerSlot[];
	startTime: number;
	terminating: boolean;
	finished: boolean;
	/** The pod as the runtime was last given it (`runtimePod`). */
	runtimePod?: Pod;
	/** Its pending timers; made at the first and dropped when empty (most workers have none once their pod runs). */
	timers?: Set<TimerHandle>;
	/** Volume set-up retry delay (500 ms doubling to 2m2s), 0 until a mount fails. */
	mountBackoffMs?: number;
};

/** What the kubelet's parts (container start and restart, probes, termination) share. */
export type KubeletCore = {
	context: ControllerContext;
	/** The node's runtime, made on first use. */
	runtimeFor(nodeName: string): ContainerRuntime;
	/** A timer of the worker's, of a kind made with `workerTimer`: it does not fire once the worker is gone or replaced. */
	after<A extends WorkerTimerData>(worker: PodWorker, ms: number, kind: WorkerTimer<A>, arg: A): TimerHandle;
	/** Write the pod's status as the worker sees it (when it changed). */
	publish(worker: PodWorker): void;
	/** An event on the pod about one of its containers. */
	containerEvent(worker: PodWorker, slot: ContainerSlot, type: 'Normal' | 'Warning', reason: string, message: string): void;
	/** Containers by id, for routing their exits. */
	byContainerId: Map<string, {worker: PodWorker; slot: ContainerSlot}>;
	/** A container of a worker exited (the runtime said so, or a kill finished). */
	onExit(status: ExitStatus): void;
	/** Drop the worker: its timers, its containers' ids, its pod IP. */
	forget(worker: PodWorker): void;
};

/** What the kubelet reads of an exited container's status: which container, and how and when it ran and ended. */
export type ExitStatus = Pick<ContainerStatusResult, 'id' | 'startedAt' | 'finishedAt' | 'exitCode' | 'reason' | 'message'>;

/** The exit of a container's status as data a timer carries (read when it fires). */
export function exitOf(status: ExitStatus): ExitStatus {
	return {id: status.id, startedAt: status.startedAt, finishedAt: status.finishedAt, exitCode: status.exitCode, reason: status.reason, message: status.message};
}

/** A worker timer's own data: JSON-safe, naming what it acts on by slot index or container id, with what it was set with. */
export type WorkerTimerData = {readonly [key: string]: TimerArg | undefined};

/** What a worker's timer carries: its pod's key and uid (the worker that set it), then its own data. */
export type WorkerTimerArg<A extends WorkerTimerData = WorkerTimerData> = {readonly pod: string; readonly uid: string} & A;

/**
 * A kind of timer a pod worker sets: its name and what runs when one is
 * due, given the kubelets, the worker (found by the timer's pod key; a
 * timer of a worker gone or replaced does not run) and the timer's data.
 * Defined once (`workerTimer`); the kubelets make each a kind of their clock.
 */
export type WorkerTimer<A extends WorkerTimerData> = {
	readonly name: string;
	/** Its place in `workerTimers`. */
	readonly index: number;
	readonly run: (core: KubeletCore, worker: PodWorker, arg: WorkerTimerArg<A>) => void;
};

const definedTimers: Array<WorkerTimer<any>> = [];

/** Every kind of worker timer, in the order they were defined. */
export const workerTimers: ReadonlyArray<WorkerTimer<any>> = definedTimers;

/** A kind of worker timer, named as the clock names it (`kubelet.pull`); made once, when its module loads. */
export function workerTimer<A extends WorkerTimerData>(name: string, run: (core: KubeletCore, worker: PodWorker, arg: WorkerTimerArg<A>) => void): WorkerTimer<A> {
	const kind: WorkerTimer<A> = {name, index: definedTimers.length, run};
	definedTimers.push(kind);
	return kind;
}

/**
 * A container the kubelet stopped (its definition changed, or a probe
 * failed) is gone: its exit is handled as the runtime reports it, or as
 * the stop said it would end when the runtime no longer has it. Nothing
 * happens if the slot runs another container by then.
 */
export const containerStopped = workerTimer<{slot: number; container: string; exit: ExitStatus}>('kubelet.stopped', (core, worker, {slot, container, exit}) => {
	if (worker.slots[slot]!.containerId !== container) return;
	core.onExit(core.runtimeFor(worker.nodeName).containerStatus(container) ?? exit);
});

/**
 * Cancel a timer of the worker's and let go of its handle: a worker whose
 * container crash-loops cancels its probes at every exit, and would
 * otherwise hold (and save) every cancelled handle for its whole life.
 */
export function cancelTimer(worker: PodWorker, handle: TimerHandle | undefined): void {
	if (!handle) return;
	handle.cancel();
	if (worker.timers?.delete(handle) && worker.timers.size === 0) worker.timers = undefined;
}

/** The kubelet's component name on events. */
export const kubeletComponent = 'kubelet';

/** A new worker for a pod bound to `nodeName`: every container waiting, init containers first, ephemeral containers last. */
export function newPodWorker(pod: Pod, nodeName: string, podIP: string, now: number): PodWorker {
	const hasInit = (pod.spec!.initContainers ?? []).length > 0;
	const slot = (spec: Container, init: boolean): ContainerSlot => ({
		spec, init, attempt: 0, state: {waiting: {reason: init || hasInit ? 'PodInitializing' : 'ContainerCreating'}}, lastState: {},
		ready: false, started: false, restartCount: 0, backoffMs: 0, pullBackoffMs: 0,
	});
	// concat sizes the array exactly (a spread reserves 17 slots).
	const slots = (pod.spec!.initContainers ?? []).map(c => slot(c, true)).concat(pod.spec!.containers.map(c => slot(c, false)));
	for (const container of pod.spec!.ephemeralContainers ?? []) slots.push(ephemeralSlot(container));
	return {
		uid: pod.metadata.uid,
		key: keyOf(pod),
		nodeName,
		pod,
		podIP,
		slots,
		startTime: now,
		terminating: false,
		finished: false,
	};
}

/** The slot of an ephemeral container, waiting to be started. */
export function ephemeralSlot(spec: Container): ContainerSlot {
	return {
		spec, init: false, ephemeral: true, attempt: 0, state: {waiting: {reason: 'ContainerCreating'}}, lastState: {},
		ready: false, started: false, restartCount: 0, backoffMs: 0, pullBackoffMs: 0,
	};
}

/** The list of the pod's spec a slot's container comes from: its init containers, its containers, or its ephemeral containers. */
export function specContainers(spec: PodSpec | undefined, slot: Pick<ContainerSlot, 'init' | 'ephemeral'>): Container[] | undefined {
	return slot.ephemeral ? spec?.ephemeralContainers : slot.init ? spec?.initContainers : spec?.containers;
}

/** Where a slot's container stands in the pod's spec, as events name it (`spec.containers{web}`). */
export function containerFieldPath(slot: Pick<ContainerSlot, 'init' | 'ephemeral' | 'spec'>): string {
	return `spec.${slot.ephemeral ? 'ephemeralContainers' : slot.init ? 'initContainers' : 'containers'}{${slot.spec.name}}`;
}

/** The pod as the kubelet names it in messages: `name_namespace(uid)`. */
export function podRef(worker: PodWorker): string {
	return `${worker.pod.metadata.name}_${worker.pod.metadata.namespace}(${worker.uid})`;
}

/**
 * The pod as a sandbox's or a container's config carries it to the runtime:
 * without the conditions and container statuses of that moment, which the
 * runtime never reads and which would otherwise stay, one copy per sandbox
 * and per container, for their whole life. The copy made for the sandbox
 * is given to its containers too while the pod reads the same for the
 * runtime (its status writes only move resourceVersion and the lists left
 * out): one old version of the pod kept, not one per config. The copy has
 * no resourceVersion either (the runtime never reads it), so it reads the
 * same whichever of those versions it was made from: a kubelet loaded from
 * its saved state makes it again from the version it holds.
 */
export function runtimePod(worker: PodWorker): Pod {
	const pod = worker.pod;
	const last = worker.runtimePod;
	if (last && readsAlike(last, pod)) return last;
	const metadata = {...pod.metadata, resourceVersion: ''};
	const status = pod.status;
	if (!status || (!status.conditions && !status.containerStatuses && !status.initContainerStatuses)) return (worker.runtimePod = {...pod, metadata});
	const {conditions: _conditions, containerStatuses: _containers, initContainerStatuses: _init, ...rest} = status;
	return (worker.runtimePod = {...pod, metadata, status: rest});
}

/** What a runtime copy leaves out or may hold older: the lists, and the version. */
const notCompared = new Set(['conditions', 'containerStatuses', 'initContainerStatuses', 'resourceVersion']);

function readsAlike(copy: Pod, pod: Pod): boolean {
	return copy.spec === pod.spec && sameFields(copy.metadata, pod.metadata) && sameFields(copy.status, pod.status);
}

/** The same value for every key either has, the keys left out aside. */
function sameFields(a: object | undefined, b: object | undefined): boolean {
	if (a === b) return true;
	if (!a || !b) return false;
	const left = a as Record<string, unknown>;
	const right = b as Record<string, unknown>;
	for (const key in left) if (!notCompared.has(key) && !sameJson(left[key], right[key])) return false;
	for (const key in right) if (!notCompared.has(key) && !(key in left) && right[key] !== undefined) return false;
	return true;
}

/**
 * A slot as saved: its container by name when its spec reads as the pod's
 * container of that name (the spec itself when an update of the pod's image
 * gave it a newer one, or the pod moved on), its flags (`slotFlags`), then
 * its data and its four timers by number (each among its worker's).
 */
export type SavedSlot = [
	spec: string | Container,
	flags: number,
	containerId: string | null,
	attempt: number,
	state: ContainerState,
	lastState: ContainerState,
	restartCount: number,
	backoffMs: number,
	pullBackoffMs: number,
	previousId: string | null,
	timers: [timer: number | null, probe: number | null, liveness: number | null, startup: number | null] | null,
];

/** A worker as saved: its pod (its uid, key and node are the pod's), its data, its flags (`workerFlags`), its timers, its slots. */
export type SavedWorker = [
	pod: SavedObject,
	podIP: string,
	sandboxId: string | null,
	startTime: number,
	flags: number,
	mountBackoffMs: number,
	timers: Array<[seq: number, at: number]>,
	slots: SavedSlot[],
];

const slotFlags = {init: 1, ready: 2, started: 4, specChanged: 8, ephemeral: 16};
/** `listed`: the worker runs its pod (it is the kubelet's by uid and on its node); a pod found ended has a worker that is neither. */
const workerFlags = {terminating: 1, finished: 2, listed: 4};

/** Whether a saved worker runs its pod (see `saveWorker`). */
export function savedListed(saved: SavedWorker): boolean {
	return (saved[4] & workerFlags.listed) !== 0;
}

/** The pod's container a slot of its kind runs, by name. */
function containerOf(pod: Pod, slot: Pick<ContainerSlot, 'init' | 'ephemeral'>, name: string): Container | undefined {
	return specContainers(pod.spec, slot)?.find(c => c.name === name);
}

/** A worker as data; `listed` says whether the kubelet runs it by uid and node (see `workerFlags`). */
export function saveWorker(worker: PodWorker, listed: boolean, saving: Saving): SavedWorker {
	const seqOf = (handle: TimerHandle | undefined) => (handle ? handle.seq : null);
	const slots = worker.slots.map((slot): SavedSlot => {
		const own = containerOf(worker.pod, slot, slot.spec.name);
		const timers = slot.timer || slot.probeTimer || slot.livenessTimer || slot.startupTimer
			? [seqOf(slot.timer), seqOf(slot.probeTimer), seqOf(slot.livenessTimer), seqOf(slot.startupTimer)] as NonNullable<SavedSlot[10]>
			: null;
		return [
			own && (own === slot.spec || sameJson(own, slot.spec)) ? slot.spec.name : slot.spec,
			(slot.init ? slotFlags.init : 0) | (slot.ready ? slotFlags.ready : 0) | (slot.started ? slotFlags.started : 0) | (slot.specChanged ? slotFlags.specChanged : 0) | (slot.ephemeral ? slotFlags.ephemeral : 0),
			slot.containerId ?? null, slot.attempt, slot.state, slot.lastState, slot.restartCount, slot.backoffMs, slot.pullBackoffMs, slot.previousId ?? null,
			timers,
		];
	});
	return [
		saving.object(worker.pod),
		worker.podIP,
		worker.sandboxId ?? null,
		worker.startTime,
		(worker.terminating ? workerFlags.terminating : 0) | (worker.finished ? workerFlags.finished : 0) | (listed ? workerFlags.listed : 0),
		worker.mountBackoffMs ?? 0,
		[...worker.timers ?? []].map(handle => {
			const {seq, at} = saving.timer(handle);
			return [seq, at];
		}),
		slots,
	];
}

/**
 * A saved worker made again: its pod as the saved one held it, each slot's
 * spec the pod's container of its name (or the saved spec), and its timers'
 * handles, one handle per number shared by the worker and its slots.
 */
export function loadWorker(saved: SavedWorker, loading: Loading): PodWorker {
	const [pod, podIP, sandboxId, startTime, flags, mountBackoffMs, timers, slots] = saved;
	const worker: PodWorker = {
		uid: '',
		key: '',
		nodeName: '',
		pod: loading.object<Pod>(pod),
		podIP,
		slots: [],
		startTime,
		terminating: (flags & workerFlags.terminating) !== 0,
		finished: (flags & workerFlags.finished) !== 0,
	};
	worker.uid = worker.pod.metadata.uid;
	worker.key = keyOf(worker.pod);
	worker.nodeName = worker.pod.spec!.nodeName!;
	if (sandboxId !== null) worker.sandboxId = sandboxId;
	if (mountBackoffMs !== 0) worker.mountBackoffMs = mountBackoffMs;
	const handles = new Map<number, TimerHandle>();
	for (const [seq, at] of timers) handles.set(seq, loading.timer({seq, at}));
	if (handles.size > 0) worker.timers = new Set(handles.values());
	const handleOf = (seq: number | null | undefined): TimerHandle | undefined => {
		if (seq === null || seq === undefined) return undefined;
		const handle = handles.get(seq);
		if (!handle) throw new Error(`load: a slot of pod ${worker.key} holds timer number ${seq}, which its worker does not`);
		return handle;
	};
	for (const [spec, slotFlag, containerId, attempt, state, lastState, restartCount, backoffMs, pullBackoffMs, previousId, slotTimers] of slots) {
		const init = (slotFlag & slotFlags.init) !== 0;
		const ephemeral = (slotFlag & slotFlags.ephemeral) !== 0;
		const container = typeof spec === 'string' ? containerOf(worker.pod, {init, ephemeral: ephemeral || undefined}, spec) : spec;
		if (!container) throw new Error(`load: pod ${worker.key} has no container ${String(spec)}`);
		if (typeof spec !== 'string') {
			// A container the pod's spec no longer holds (changed since it started) is saved whole: it must be one the API server would take.
			const wrong = typeof spec === 'object' && spec !== null ? validatePodSpec({containers: [spec]} as PodSpec, 'container')[0] : {field: 'container', type: 'Invalid value', detail: 'not an object'};
			if (wrong) throw new Error(`load: pod ${worker.key} runs a container the API server would refuse: ${wrong.field}: ${wrong.type}${wrong.detail ? `: ${wrong.detail}` : ''}`);
		}
		const slot: ContainerSlot = {
			spec: container, init, attempt, state, lastState,
			ready: (slotFlag & slotFlags.ready) !== 0,
			started: (slotFlag & slotFlags.started) !== 0,
			restartCount, backoffMs, pullBackoffMs,
		};
		if (ephemeral) slot.ephemeral = true;
		if (containerId !== null) slot.containerId = containerId;
		if (previousId !== null) slot.previousId = previousId;
		if ((slotFlag & slotFlags.specChanged) !== 0) slot.specChanged = true;
		if (slotTimers) {
			const [timer, probe, liveness, startup] = slotTimers;
			slot.timer = handleOf(timer);
			slot.probeTimer = handleOf(probe);
			slot.livenessTimer = handleOf(liveness);
			slot.startupTimer = handleOf(startup);
		}
		worker.slots.push(slot);
	}
	return worker;
}
