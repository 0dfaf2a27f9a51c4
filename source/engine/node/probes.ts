import type {Container} from '../api/types.js';
import type {TimerHandle} from '../clock.js';
import {cancelTimer, containerStopped, exitOf, workerTimer, type ContainerSlot, type KubeletCore, type PodWorker, type WorkerTimer} from './pod-worker.js';

/**
 * The kubelet's prober: a container's startup probe first, then liveness
 * and readiness, each run every period after its initial delay with its
 * success and failure thresholds. Readiness sets the container's `ready`; a
 * failed liveness or startup probe kills the container, and its restart
 * policy decides what comes next.
 */

/** Startup probe first; once it succeeds (or when there is none), liveness and readiness. */
export function startProbing(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	if (slot.init || slot.ephemeral) return;
	slot.ready = false;
	const startup = slot.spec.startupProbe;
	if (!startup) {
		slot.started = true;
		startLiveness(core, worker, slot);
		startReadiness(core, worker, slot);
		return;
	}
	slot.started = false;
	slot.startupTimer = prober(core, worker, slot, startup, startupProbe);
}

function startReadiness(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	const probe = slot.spec.readinessProbe;
	if (!probe) {
		slot.ready = true;
		return;
	}
	slot.ready = false;
	slot.probeTimer = prober(core, worker, slot, probe, readinessProbe);
}

function startLiveness(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	const probe = slot.spec.livenessProbe;
	if (!probe) return;
	slot.livenessTimer = prober(core, worker, slot, probe, livenessProbe);
}

/**
 * A probe's next run: the slot, the container it probes (a timer for an
 * earlier container does nothing), and the successes and failures in a
 * row so far.
 */
type ProbeRun = {slot: number; container: string | undefined; successes: number; failures: number};

type Probe = NonNullable<Container['livenessProbe']>;

/**
 * What one kind of probe reads and does: its probe in the container's spec,
 * the slot's timer field it keeps its next run in, and what it does when
 * its thresholds are met (`success`, `failed`), which answer whether to
 * keep probing.
 */
type ProbeKind = {
	kind: 'Liveness' | 'Readiness' | 'Startup';
	probe(slot: ContainerSlot): Probe;
	keep(slot: ContainerSlot, timer: TimerHandle | undefined): void;
	success(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): boolean;
	failed(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): boolean;
};

/** Run a probe every period after its initial delay (`run`), starting with no success and no failure. */
function prober(core: KubeletCore, worker: PodWorker, slot: ContainerSlot, probe: Probe, timer: WorkerTimer<ProbeRun>): TimerHandle {
	return core.after(worker, (probe.initialDelaySeconds ?? 0) * 1000 + core.context.random.int(0, 500), timer, {slot: worker.slots.indexOf(slot), container: slot.containerId, successes: 0, failures: 0});
}

/** One run of a probe; the next is set a period later while its kind keeps probing. */
function run(core: KubeletCore, worker: PodWorker, arg: ProbeRun, timer: WorkerTimer<ProbeRun>, on: ProbeKind): void {
	const slot = worker.slots[arg.slot]!;
	on.keep(slot, undefined);
	if (!slot.containerId || slot.containerId !== arg.container || !slot.state.running || worker.terminating) return;
	const probe = on.probe(slot);
	const kind = on.kind;
	let {successes, failures} = arg;
	const result = core.runtimeFor(worker.nodeName).probe(slot.containerId, probe);
	let again = true;
	if (result.success) {
		failures = 0;
		successes++;
		if (successes >= (kind === 'Readiness' ? probe.successThreshold ?? 1 : 1)) again = on.success(core, worker, slot);
	} else {
		successes = 0;
		failures++;
		core.containerEvent(worker, slot, 'Warning', 'Unhealthy', `${kind} probe failed: ${result.output}`);
		if (failures >= (probe.failureThreshold ?? 3)) again = on.failed(core, worker, slot);
	}
	if (again) on.keep(slot, core.after(worker, (probe.periodSeconds ?? 10) * 1000, timer, {slot: arg.slot, container: arg.container, successes, failures}));
}

/** A kind of probe as a kind of worker timer: each timer is its next run. */
function probeTimer(name: string, on: ProbeKind): WorkerTimer<ProbeRun> {
	const timer: WorkerTimer<ProbeRun> = workerTimer<ProbeRun>(name, (core, worker, arg) => run(core, worker, arg, timer, on));
	return timer;
}

/** The startup probe: once it succeeds, liveness and readiness probes start; failed, the container is killed. */
const startupProbe = probeTimer('kubelet.startupProbe', {
	kind: 'Startup',
	probe: slot => slot.spec.startupProbe!,
	keep(slot, timer) {
		slot.startupTimer = timer;
	},
	success(core, worker, slot) {
		cancelTimer(worker, slot.startupTimer);
		slot.startupTimer = undefined;
		slot.started = true;
		startLiveness(core, worker, slot);
		startReadiness(core, worker, slot);
		core.publish(worker);
		return false;
	},
	failed: (core, worker, slot) => kill(core, worker, slot, 'startup'),
});

/** The readiness probe: it sets the container's `ready`, and goes on as long as the container runs. */
const readinessProbe = probeTimer('kubelet.readinessProbe', {
	kind: 'Readiness',
	probe: slot => slot.spec.readinessProbe!,
	keep(slot, timer) {
		slot.probeTimer = timer;
	},
	success(core, worker, slot) {
		if (!slot.ready) {
			slot.ready = true;
			core.publish(worker);
		}
		return true;
	},
	failed(core, worker, slot) {
		if (slot.ready) {
			slot.ready = false;
			core.publish(worker);
		}
		return true;
	},
});

/** The liveness probe: failed, the container is killed. */
const livenessProbe = probeTimer('kubelet.livenessProbe', {
	kind: 'Liveness',
	probe: slot => slot.spec.livenessProbe!,
	keep(slot, timer) {
		slot.livenessTimer = timer;
	},
	success: () => true,
	failed: (core, worker, slot) => kill(core, worker, slot, 'liveness'),
});

export function stopProbes(worker: PodWorker, slot: ContainerSlot): void {
	for (const timer of [slot.probeTimer, slot.livenessTimer, slot.startupTimer]) cancelTimer(worker, timer);
	slot.probeTimer = slot.livenessTimer = slot.startupTimer = undefined;
}

/** A failed liveness or startup probe: the container is killed, then restarted by its policy. */
function kill(core: KubeletCore, worker: PodWorker, slot: ContainerSlot, probe: 'liveness' | 'startup'): boolean {
	const containerId = slot.containerId;
	if (!containerId) return false;
	stopProbes(worker, slot);
	const restarts = (worker.pod.spec?.restartPolicy ?? 'Always') !== 'Never';
	core.containerEvent(worker, slot, 'Normal', 'Killing', `Container ${slot.spec.name} failed ${probe} probe${restarts ? ', will be restarted' : ''}`);
	slot.ready = false;
	core.publish(worker);
	const probeSpec = probe === 'liveness' ? slot.spec.livenessProbe : slot.spec.startupProbe;
	const grace = Math.max(2, (probeSpec as {terminationGracePeriodSeconds?: number} | undefined)?.terminationGracePeriodSeconds ?? worker.pod.spec?.terminationGracePeriodSeconds ?? 30);
	const runtime = core.runtimeFor(worker.nodeName);
	const {durationMs, status} = runtime.stopContainer(containerId, grace);
	core.after(worker, durationMs, containerStopped, {slot: worker.slots.indexOf(slot), container: containerId, exit: exitOf(status)});
	return false;
}
