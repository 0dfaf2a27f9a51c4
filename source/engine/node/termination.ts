import type {Pod} from '../api/types.js';
import {rfc3339} from '../clock.js';
import {cancelTimer, exitOf, workerTimer, type ExitStatus, type KubeletCore, type PodWorker} from './pod-worker.js';
import {terminatedState} from './container-lifecycle.js';
import {stopProbes} from './probes.js';

/**
 * A pod being deleted: the kubelet stops its containers with the grace
 * period (the stop signal, then KILL), tears down the sandbox once the
 * slowest has stopped, and finishes the deletion in the store.
 */
export function terminate(core: KubeletCore, worker: PodWorker, pod: Pod): void {
	if (worker.terminating) return;
	worker.terminating = true;
	worker.pod = pod;
	const runtime = core.runtimeFor(worker.nodeName);
	// killContainer's floor: a grace period under 2 s becomes 2 s.
	const grace = Math.max(2, pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
	let longest = 0;
	for (const slot of worker.slots) {
		cancelTimer(worker, slot.timer);
		slot.timer = undefined;
		stopProbes(worker, slot);
		if (slot.containerId && slot.state.running) {
			core.containerEvent(worker, slot, 'Normal', 'Killing', `Stopping container ${slot.spec.name}`);
			const {durationMs, status} = runtime.stopContainer(slot.containerId, grace);
			longest = Math.max(longest, durationMs);
			slot.ready = false;
			core.after(worker, durationMs, containerTerminated, {slot: worker.slots.indexOf(slot), exit: exitOf(status)});
		}
	}
	core.publish(worker);
	core.after(worker, longest, podTerminated, {});
}

/** One of the pod's containers stopped (`exit`: as the stop said it ends). */
const containerTerminated = workerTimer<{slot: number; exit: ExitStatus}>('kubelet.terminateContainer', (core, worker, {slot, exit}) => {
	worker.slots[slot]!.state = {terminated: terminatedState(exit, core.context.clock.now())};
});

/** The slowest container stopped: the sandbox goes, every container ends, and the pod's deletion finishes. */
const podTerminated = workerTimer('kubelet.terminatePod', (core, worker) => {
	const {store, clock} = core.context;
	const runtime = core.runtimeFor(worker.nodeName);
	if (worker.sandboxId) {
		runtime.stopPodSandbox(worker.sandboxId);
		runtime.removePodSandbox(worker.sandboxId);
	}
	for (const slot of worker.slots) {
		if (slot.containerId) core.byContainerId.delete(slot.containerId);
		if (!slot.state.terminated) slot.state = {terminated: {exitCode: 0, reason: 'Completed', finishedAt: rfc3339(clock.now())}};
	}
	core.publish(worker);
	const current = store.get('Pod', worker.pod.metadata.namespace, worker.pod.metadata.name);
	core.forget(worker);
	if (current && current.metadata.uid === worker.uid) store.markDeleted(current, 0);
});
