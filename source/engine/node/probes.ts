import type {Container} from '../api/types.js';
import type {TimerHandle} from '../clock.js';
import type {ContainerSlot, KubeletCore, PodWorker} from './pod-worker.js';

/**
 * The kubelet's prober: a container's startup probe first, then liveness
 * and readiness, each run every period after its initial delay with its
 * success and failure thresholds. Readiness sets the container's `ready`; a
 * failed liveness or startup probe kills the container, and its restart
 * policy decides what comes next.
 */

/** Startup probe first; once it succeeds (or when there is none), liveness and readiness. */
export function startProbing(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	if (slot.init) return;
	slot.ready = false;
	const startup = slot.spec.startupProbe;
	if (!startup) {
		slot.started = true;
		startLiveness(core, worker, slot);
		startReadiness(core, worker, slot);
		return;
	}
	slot.started = false;
	slot.startupTimer = prober(core, worker, slot, startup, 'Startup', {
		success() {
			slot.startupTimer?.cancel();
			slot.startupTimer = undefined;
			slot.started = true;
			startLiveness(core, worker, slot);
			startReadiness(core, worker, slot);
			core.publish(worker);
			return false;
		},
		failed: () => kill(core, worker, slot, 'startup'),
	}, timer => {
		slot.startupTimer = timer;
	});
}

function startReadiness(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	const probe = slot.spec.readinessProbe;
	if (!probe) {
		slot.ready = true;
		return;
	}
	slot.ready = false;
	slot.probeTimer = prober(core, worker, slot, probe, 'Readiness', {
		success() {
			if (!slot.ready) {
				slot.ready = true;
				core.publish(worker);
			}
			return true;
		},
		failed() {
			if (slot.ready) {
				slot.ready = false;
				core.publish(worker);
			}
			return true;
		},
	}, timer => {
		slot.probeTimer = timer;
	});
}

function startLiveness(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	const probe = slot.spec.livenessProbe;
	if (!probe) return;
	slot.livenessTimer = prober(core, worker, slot, probe, 'Liveness', {success: () => true, failed: () => kill(core, worker, slot, 'liveness')}, timer => {
		slot.livenessTimer = timer;
	});
}

/**
 * Run a probe every period after its initial delay. `success` and `failed`
 * fire when the thresholds are met; they answer whether to keep probing.
 */
function prober(core: KubeletCore, worker: PodWorker, slot: ContainerSlot, probe: NonNullable<Container['livenessProbe']>, kind: 'Liveness' | 'Readiness' | 'Startup',
	on: {success(): boolean; failed(): boolean}, keep: (timer: TimerHandle | undefined) => void): TimerHandle {
	const period = (probe.periodSeconds ?? 10) * 1000;
	let successes = 0;
	let failures = 0;
	const containerId = slot.containerId;
	const run = () => {
		keep(undefined);
		if (!slot.containerId || slot.containerId !== containerId || !slot.state.running || worker.terminating) return;
		const result = core.runtimeFor(worker.nodeName).probe(slot.containerId, probe);
		let again = true;
		if (result.success) {
			failures = 0;
			successes++;
			if (successes >= (kind === 'Readiness' ? probe.successThreshold ?? 1 : 1)) again = on.success();
		} else {
			successes = 0;
			failures++;
			core.containerEvent(worker, slot, 'Warning', 'Unhealthy', `${kind} probe failed: ${result.output}`);
			if (failures >= (probe.failureThreshold ?? 3)) again = on.failed();
		}
		if (again) keep(core.after(worker, period, run));
	};
	return core.after(worker, (probe.initialDelaySeconds ?? 0) * 1000 + core.context.random.int(0, 500), run);
}

export function stopProbes(slot: ContainerSlot): void {
	for (const timer of [slot.probeTimer, slot.livenessTimer, slot.startupTimer]) timer?.cancel();
	slot.probeTimer = slot.livenessTimer = slot.startupTimer = undefined;
}

/** A failed liveness or startup probe: the container is killed, then restarted by its policy. */
function kill(core: KubeletCore, worker: PodWorker, slot: ContainerSlot, probe: 'liveness' | 'startup'): boolean {
	const containerId = slot.containerId;
	if (!containerId) return false;
	stopProbes(slot);
	const restarts = (worker.pod.spec?.restartPolicy ?? 'Always') !== 'Never';
	core.containerEvent(worker, slot, 'Normal', 'Killing', `Container ${slot.spec.name} failed ${probe} probe${restarts ? ', will be restarted' : ''}`);
	slot.ready = false;
	core.publish(worker);
	const probeSpec = probe === 'liveness' ? slot.spec.livenessProbe : slot.spec.startupProbe;
	const grace = Math.max(2, (probeSpec as {terminationGracePeriodSeconds?: number} | undefined)?.terminationGracePeriodSeconds ?? worker.pod.spec?.terminationGracePeriodSeconds ?? 30);
	const runtime = core.runtimeFor(worker.nodeName);
	const {durationMs, status} = runtime.stopContainer(containerId, grace);
	core.after(worker, durationMs, () => {
		if (slot.containerId !== containerId) return;
		core.onExit(runtime.containerStatus(containerId) ?? status);
	});
	return false;
}
