import type {ControllerContext} from '../controller.js';
import type {Container, ContainerState, Pod} from '../api/types.js';
import type {ContainerRuntime, ContainerStatusResult} from '../runtime/cri.js';
import type {TimerHandle} from '../clock.js';
import {keyOf} from '../store.js';

/**
 * A kubelet's record of one pod it runs (the pod worker) and of each of its
 * containers (a slot: the container's state, restarts, back-off and probe
 * timers), and what the kubelet's parts share to drive them.
 */

export type ContainerSlot = {
	spec: Container;
	init: boolean;
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
	/** Its pending timers; made at the first (most workers have none once their pod runs). */
	timers?: Set<TimerHandle>;
	/** Volume set-up retry delay (500 ms doubling to 2m2s), 0 until a mount fails. */
	mountBackoffMs?: number;
};

/** What the kubelet's parts (container start and restart, probes, termination) share. */
export type KubeletCore = {
	context: ControllerContext;
	/** The node's runtime, made on first use. */
	runtimeFor(nodeName: string): ContainerRuntime;
	/** A timer of the worker's: it does not fire once the worker is gone. */
	after(worker: PodWorker, ms: number, fn: () => void): TimerHandle;
	/** Write the pod's status as the worker sees it (when it changed). */
	publish(worker: PodWorker): void;
	/** An event on the pod about one of its containers. */
	containerEvent(worker: PodWorker, slot: ContainerSlot, type: 'Normal' | 'Warning', reason: string, message: string): void;
	/** Containers by id, for routing their exits. */
	byContainerId: Map<string, {worker: PodWorker; slot: ContainerSlot}>;
	/** A container of a worker exited (the runtime said so, or a kill finished). */
	onExit(status: ContainerStatusResult): void;
	/** Drop the worker: its timers, its containers' ids, its pod IP. */
	forget(worker: PodWorker): void;
};

/** The kubelet's component name on events. */
export const kubeletComponent = 'kubelet';

/** A new worker for a pod bound to `nodeName`: every container waiting, init containers first. */
export function newPodWorker(pod: Pod, nodeName: string, podIP: string, now: number): PodWorker {
	const hasInit = (pod.spec!.initContainers ?? []).length > 0;
	const slot = (spec: Container, init: boolean): ContainerSlot => ({
		spec, init, attempt: 0, state: {waiting: {reason: init || hasInit ? 'PodInitializing' : 'ContainerCreating'}}, lastState: {},
		ready: false, started: false, restartCount: 0, backoffMs: 0, pullBackoffMs: 0,
	});
	return {
		uid: pod.metadata.uid,
		key: keyOf(pod),
		nodeName,
		pod,
		podIP,
		// concat sizes the array exactly (a spread reserves 17 slots).
		slots: (pod.spec!.initContainers ?? []).map(c => slot(c, true)).concat(pod.spec!.containers.map(c => slot(c, false))),
		startTime: now,
		terminating: false,
		finished: false,
	};
}

/** The pod as the kubelet names it in messages: `name_namespace(uid)`. */
export function podRef(worker: PodWorker): string {
	return `${worker.pod.metadata.name}_${worker.pod.metadata.namespace}(${worker.uid})`;
}

/**
 * The pod as a sandbox's or a container's config carries it to the runtime:
 * without the conditions and container statuses of that moment, which the
 * runtime never reads and which would otherwise stay, one copy per sandbox
 * and per container, for their whole life.
 */
export function runtimePod(pod: Pod): Pod {
	const status = pod.status;
	if (!status || (!status.conditions && !status.containerStatuses && !status.initContainerStatuses)) return pod;
	const {conditions: _conditions, containerStatuses: _containers, initContainerStatuses: _init, ...rest} = status;
	return {...pod, status: rest};
}
