import type {ContainerState, EphemeralContainer, Node} from '../api/types.js';
import {rfc3339} from '../clock.js';
import {bytes} from '../api/quantity.js';
import {resolveEnv} from '../runtime/env.js';
import {cancelTimer, containerStopped, ephemeralSlot, exitOf, kubeletComponent, podRef, runtimePod, specContainers, workerTimer, type ContainerSlot, type ExitStatus, type KubeletCore, type PodWorker} from './pod-worker.js';
import {startProbing, stopProbes} from './probes.js';

/**
 * A pod's containers from start to exit, as the kubelet drives them through
 * the CRI runtime: init containers one by one, then the app containers;
 * each pulls its image (by its pull policy, with back-off on failure), gets
 * its environment, is created and started; an exit restarts it by the pod's
 * restart policy with CrashLoopBackOff, or finishes the pod.
 */

/** Restart back-off: 10 s doubling to 5 min, reset after 10 min of clean running. */
const backoffInitialMs = 10_000;
const backoffMaxMs = 300_000;
const backoffResetMs = 600_000;

/**
 * Start the next init container, or all app containers once init is done;
 * and the ephemeral containers not started yet, which do not wait for the
 * init containers (`computePodActions`).
 */
export function startNext(core: KubeletCore, worker: PodWorker): void {
	if (worker.terminating) return;
	startEphemeral(core, worker);
	const pendingInit = worker.slots.find(s => s.init && !(s.state.terminated?.exitCode === 0));
	if (pendingInit) {
		if (!pendingInit.containerId && !pendingInit.timer) bringUp(core, worker, pendingInit);
		return;
	}
	for (const slot of worker.slots) {
		if (!slot.init && !slot.ephemeral && !slot.containerId && !slot.timer) {
			if (slot.state.waiting?.reason === 'PodInitializing') slot.state = {waiting: {reason: 'ContainerCreating'}};
			bringUp(core, worker, slot);
		}
	}
	core.publish(worker);
}

/** The ephemeral containers that have not started yet (never one that ran: they are not restarted), once the sandbox is up. */
function startEphemeral(core: KubeletCore, worker: PodWorker): void {
	if (!worker.sandboxId || worker.finished) return;
	for (const slot of worker.slots) {
		if (slot.ephemeral && !slot.containerId && !slot.timer && slot.state.waiting?.reason === 'ContainerCreating') bringUp(core, worker, slot);
	}
}

/** Pull the container's image by its pull policy (ErrImagePull, then ImagePullBackOff on failure), then create it. */
function bringUp(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	const runtime = core.runtimeFor(worker.nodeName);
	const image = slot.spec.image;
	const present = runtime.imageStatus(image);
	const policy = slot.spec.imagePullPolicy ?? 'IfNotPresent';
	if (present.present && policy !== 'Always') {
		core.containerEvent(worker, slot, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
		if (present.generic) genericImageWarning(core, worker, slot);
		create(core, worker, slot);
		return;
	}
	if (!present.present && policy === 'Never') {
		slot.state = {waiting: {reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never`}};
		core.containerEvent(worker, slot, 'Warning', 'ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
		core.publish(worker);
		return;
	}
	core.containerEvent(worker, slot, 'Normal', 'Pulling', `Pulling image "${image}"`);
	const result = runtime.pullImage(image);
	slot.timer = core.after(worker, result.durationMs, pulled, result.ok
		? {slot: worker.slots.indexOf(slot), image, ok: true, durationMs: result.durationMs, sizeBytes: result.sizeBytes, generic: result.generic}
		: {slot: worker.slots.indexOf(slot), image, ok: false, reason: result.reason, message: result.message});
}

/**
 * A pull ended: the container is created, or its image failed (ErrImagePull,
 * then ImagePullBackOff a second later; an invalid name stays so). `ok` and
 * what follows it are the pull's result.
 */
const pulled = workerTimer<{slot: number; image: string; ok: boolean; durationMs?: number; sizeBytes?: number; generic?: boolean; reason?: string; message?: string}>('kubelet.pull', (core, worker, result) => {
	const slot = worker.slots[result.slot]!;
	const image = result.image;
	slot.timer = undefined;
	if (worker.terminating) return;
	if (result.ok) {
		slot.pullBackoffMs = 0;
		const seconds = (result.durationMs! / 1000).toFixed(3).replace(/\.?0+$/, '');
		core.containerEvent(worker, slot, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: ${result.sizeBytes} bytes.`);
		if (result.generic) genericImageWarning(core, worker, slot);
		create(core, worker, slot);
		return;
	}
	const message = result.message!;
	if (result.reason === 'InvalidImageName') {
		slot.state = {waiting: {reason: 'InvalidImageName', message}};
		core.containerEvent(worker, slot, 'Warning', 'InspectFailed', message);
		core.containerEvent(worker, slot, 'Warning', 'Failed', 'Error: InvalidImageName');
		core.publish(worker);
		return;
	}
	core.containerEvent(worker, slot, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
	core.containerEvent(worker, slot, 'Warning', 'Failed', 'Error: ErrImagePull');
	slot.state = {waiting: {reason: 'ErrImagePull', message}};
	core.publish(worker);
	slot.pullBackoffMs = slot.pullBackoffMs ? Math.min(slot.pullBackoffMs * 2, backoffMaxMs) : backoffInitialMs;
	// The next sync (about a second later) finds the image in back-off.
	slot.timer = core.after(worker, 1000, pullBackOff, {slot: result.slot, image});
});

/** The image is in back-off: the container waits so, and its pull is tried again when the back-off ends. */
const pullBackOff = workerTimer<{slot: number; image: string}>('kubelet.pullBackOff', (core, worker, {slot: index, image}) => {
	const slot = worker.slots[index]!;
	slot.state = {waiting: {reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"`}};
	core.containerEvent(worker, slot, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
	core.containerEvent(worker, slot, 'Warning', 'Failed', 'Error: ImagePullBackOff');
	core.publish(worker);
	slot.timer = core.after(worker, slot.pullBackoffMs, pullAgain, {slot: index});
});

/** The image's pull back-off ended: it is pulled again (by the container's current image and policy). */
const pullAgain = workerTimer<{slot: number}>('kubelet.pullRetry', (core, worker, {slot: index}) => {
	const slot = worker.slots[index]!;
	slot.timer = undefined;
	bringUp(core, worker, slot);
});

/** The simulator's own word (no real kubelet says it): the image is not one it knows, so the container's behaviour is generic. */
function genericImageWarning(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	core.containerEvent(worker, slot, 'Warning', 'UnknownImage', `Image "${slot.spec.image}" is unknown to the simulator, so its behaviour is generic: it listens on the container's declared ports and answers HTTP 200, and runs its command when that is a shell`);
}

/** Resolve its environment, create and start the container; config and create errors retry on the next sync. */
function create(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	const runtime = core.runtimeFor(worker.nodeName);
	const resolved = resolveEnv(core.context.store, worker.pod, slot.spec, {podIP: worker.podIP});
	if (!resolved.ok) {
		createFailed(core, worker, slot, 'CreateContainerConfigError', resolved.message);
		return;
	}
	for (const skipped of resolved.skipped) {
		core.context.events.record(worker.pod, 'Warning', 'InvalidEnvironmentVariableNames', `Keys [${skipped.keys.join(', ')}] from the EnvFrom ${skipped.kind} ${worker.pod.metadata.namespace}/${skipped.name} were skipped since they are considered invalid environment variable names.`, {component: kubeletComponent, host: worker.nodeName});
	}
	const node = core.context.store.get('Node', undefined, worker.nodeName) as Node | undefined;
	const nodeMemoryBytes = bytes(node?.status?.allocatable?.memory) || undefined;
	// An ephemeral container with a target joins that container's process namespace, so it sees its processes.
	const target = slot.ephemeral ? (slot.spec as EphemeralContainer).targetContainerName : undefined;
	const targetId = target ? worker.slots.find(s => !s.ephemeral && s.spec.name === target)?.containerId : undefined;
	const result = runtime.createContainer(worker.sandboxId!, {
		pod: runtimePod(worker), container: slot.spec, attempt: slot.attempt, init: slot.init, env: resolved.env, nodeMemoryBytes,
		...(slot.ephemeral ? {ephemeral: true} : {}), ...(targetId ? {targetContainerId: targetId} : {}),
	});
	if (!result.ok) {
		createFailed(core, worker, slot, result.reason, result.message);
		return;
	}
	slot.timer = core.after(worker, result.durationMs, created, {slot: worker.slots.indexOf(slot), container: result.containerId});
}

/** The container was created: it is started, and probed once running. */
const created = workerTimer<{slot: number; container: string}>('kubelet.create', (core, worker, {slot: index, container}) => {
	const slot = worker.slots[index]!;
	slot.timer = undefined;
	if (worker.terminating) return;
	const runtime = core.runtimeFor(worker.nodeName);
	slot.containerId = container;
	core.byContainerId.set(container, {worker, slot});
	core.containerEvent(worker, slot, 'Normal', 'Created', `Created container ${slot.spec.name}`);
	const started = runtime.startContainer(container);
	if (!started.ok) {
		slot.state = {waiting: {reason: 'RunContainerError', message: started.message}};
		core.containerEvent(worker, slot, 'Warning', 'Failed', `Error: ${started.message}`);
		core.publish(worker);
		return;
	}
	core.containerEvent(worker, slot, 'Normal', 'Started', `Started container ${slot.spec.name}`);
	const status = runtime.containerStatus(container);
	if (status?.state === 'CONTAINER_EXITED') {
		core.onExit(status);
		return;
	}
	slot.state = {running: {startedAt: rfc3339(status?.startedAt ?? core.context.clock.now())}};
	slot.started = true;
	startProbing(core, worker, slot);
	core.publish(worker);
});

/** The container could not be created: it waits with the reason, and the kubelet retries on its next sync of the pod. */
function createFailed(core: KubeletCore, worker: PodWorker, slot: ContainerSlot, reason: string, message: string): void {
	slot.state = {waiting: {reason, message}};
	core.containerEvent(worker, slot, 'Warning', 'Failed', `Error: ${message}`);
	core.publish(worker);
	slot.timer = core.after(worker, core.context.random.jitter(10_000, 0.1), createAgain, {slot: worker.slots.indexOf(slot)});
}

/** The kubelet's next sync of a pod whose container could not be created: it is tried again. */
const createAgain = workerTimer<{slot: number}>('kubelet.createRetry', (core, worker, {slot: index}) => {
	const slot = worker.slots[index]!;
	slot.timer = undefined;
	create(core, worker, slot);
});

/** A container exited: init done, a restart by the pod's policy (with back-off), or the pod finishes. */
export function containerExited(core: KubeletCore, status: ExitStatus): void {
	const found = core.byContainerId.get(status.id);
	if (!found) return;
	const {worker, slot} = found;
	stopProbes(worker, slot);
	slot.ready = false;
	const startedAt = status.startedAt ?? core.context.clock.now();
	slot.state = {terminated: terminatedState(status, core.context.clock.now())};
	if (worker.terminating) {
		core.publish(worker);
		return;
	}
	if (slot.ephemeral) {
		// Never restarted, whatever the pod's policy; the pod goes on as it was.
		core.publish(worker);
		return;
	}
	const policy = worker.pod.spec?.restartPolicy ?? 'Always';
	if (slot.specChanged) {
		// Killed for a new definition: started again at once, with the new image, whatever the policy.
		slot.specChanged = false;
		slot.lastState = {terminated: terminatedState(status, core.context.clock.now())};
		replaceContainer(core, worker, slot);
		return;
	}
	const restart = slot.init ? status.exitCode !== 0 && policy !== 'Never' : policy === 'Always' || (policy === 'OnFailure' && status.exitCode !== 0);
	if (slot.init && status.exitCode === 0) {
		core.publish(worker);
		startNext(core, worker);
		return;
	}
	if (!restart) {
		core.publish(worker);
		maybeFinish(core, worker);
		return;
	}
	if ((status.finishedAt ?? core.context.clock.now()) - startedAt >= backoffResetMs) slot.backoffMs = 0;
	const delay = slot.backoffMs;
	slot.backoffMs = delay === 0 ? backoffInitialMs : Math.min(delay * 2, backoffMaxMs);
	if (delay === 0) {
		restartContainer(core, worker, slot, status);
		return;
	}
	slot.lastState = {terminated: terminatedState(status, core.context.clock.now())};
	slot.state = {waiting: {reason: 'CrashLoopBackOff', message: `back-off ${formatDelay(delay)} restarting failed container=${slot.spec.name} pod=${podRef(worker)}`}};
	core.containerEvent(worker, slot, 'Warning', 'BackOff', `Back-off restarting failed container ${slot.spec.name} in pod ${podRef(worker)}`);
	core.publish(worker);
	slot.timer = core.after(worker, delay, restartAfterBackOff, {slot: worker.slots.indexOf(slot), exit: exitOf(status)});
}

/** The container's back-off ended: it restarts. `exit`: how its last container ended. */
const restartAfterBackOff = workerTimer<{slot: number; exit: ExitStatus}>('kubelet.restart', (core, worker, {slot, exit}) => restartContainer(core, worker, worker.slots[slot]!, exit));

/** A new container in place of the one that exited (`status`), kept for `logs --previous`. */
function restartContainer(core: KubeletCore, worker: PodWorker, slot: ContainerSlot, status: ExitStatus): void {
	slot.timer = undefined;
	if (worker.terminating) return;
	slot.lastState = {terminated: terminatedState(status, core.context.clock.now())};
	// The exited container stays (for `logs --previous`) until the next one exits.
	if (slot.previousId) core.runtimeFor(worker.nodeName).removeContainer(slot.previousId);
	if (slot.containerId) {
		core.byContainerId.delete(slot.containerId);
		slot.previousId = slot.containerId;
	}
	slot.containerId = undefined;
	slot.restartCount++;
	slot.attempt++;
	create(core, worker, slot);
}

/** A new container for the slot in place of its last one (kept for `logs --previous`), pulled by its image policy. */
function replaceContainer(core: KubeletCore, worker: PodWorker, slot: ContainerSlot): void {
	if (slot.previousId) core.runtimeFor(worker.nodeName).removeContainer(slot.previousId);
	if (slot.containerId) {
		core.byContainerId.delete(slot.containerId);
		slot.previousId = slot.containerId;
		slot.restartCount++;
		slot.attempt++;
	}
	slot.containerId = undefined;
	slot.pullBackoffMs = 0;
	slot.backoffMs = 0;
	bringUp(core, worker, slot);
}

/**
 * The pod was updated: a container whose image changed (the one container
 * field a pod update may change) is, when running, killed ("definition
 * changed") and started again with the new image whatever the restart
 * policy; when waiting (pulling, in back-off, failing to be created), it is
 * tried again at once with the new image, as its restart policy allows.
 * A finished init container is not run again.
 */
export function updateContainers(core: KubeletCore, worker: PodWorker): void {
	if (worker.terminating || worker.finished) return;
	const spec = worker.pod.spec;
	const policy = spec?.restartPolicy ?? 'Always';
	// Ephemeral containers added since (the API server lets them only be added): each gets its slot, and starts once the sandbox is up.
	const ephemeral = spec?.ephemeralContainers;
	if (ephemeral && ephemeral.length > 0) {
		const added = ephemeral.filter(c => !worker.slots.some(s => s.ephemeral && s.spec.name === c.name));
		if (added.length > 0) {
			for (const container of added) worker.slots.push(ephemeralSlot(container));
			startEphemeral(core, worker);
			core.publish(worker);
		}
	}
	for (const slot of worker.slots) {
		if (slot.ephemeral) continue;
		const next = specContainers(spec, slot)?.find(c => c.name === slot.spec.name);
		if (!next || next.image === slot.spec.image) continue;
		slot.spec = next;
		if (slot.specChanged) continue;
		if (slot.init && slot.state.terminated?.exitCode === 0) continue;
		if (slot.state.running && slot.containerId) {
			const containerId = slot.containerId;
			stopProbes(worker, slot);
			slot.specChanged = true;
			slot.ready = false;
			core.containerEvent(worker, slot, 'Normal', 'Killing', `Container ${slot.spec.name} definition changed, will be restarted`);
			core.publish(worker);
			const runtime = core.runtimeFor(worker.nodeName);
			const {durationMs, status} = runtime.stopContainer(containerId, Math.max(2, spec?.terminationGracePeriodSeconds ?? 30));
			core.after(worker, durationMs, containerStopped, {slot: worker.slots.indexOf(slot), container: containerId, exit: exitOf(status)});
			continue;
		}
		// Not running: it starts (again) with the new image if it has never run, or if its policy restarts it.
		const exited = slot.state.terminated ?? slot.lastState.terminated;
		const restarts = !slot.containerId || policy === 'Always' || (policy === 'OnFailure' && (exited?.exitCode ?? 1) !== 0);
		if (!restarts) continue;
		// Its turn has not come (an init container before it has not finished): it starts later, with the new image.
		const index = worker.slots.indexOf(slot);
		if (worker.slots.some((s, i) => s.init && i < index && !(s.state.terminated?.exitCode === 0))) continue;
		cancelTimer(worker, slot.timer);
		slot.timer = undefined;
		replaceContainer(core, worker, slot);
	}
}

/** All containers done and none will restart: the pod is terminal; its sandbox goes. */
function maybeFinish(core: KubeletCore, worker: PodWorker): void {
	// Ephemeral containers have no say in the pod's end (the sandbox's stop ends those still running).
	const done = worker.slots.every(s => s.ephemeral || (s.init ? s.state.terminated?.exitCode === 0 || (s.state.terminated && worker.pod.spec?.restartPolicy === 'Never') : s.state.terminated && !s.timer));
	if (!done || worker.finished) return;
	worker.finished = true;
	if (worker.sandboxId) core.runtimeFor(worker.nodeName).stopPodSandbox(worker.sandboxId);
	core.publish(worker);
}

/** The `terminated` state of an exited container, from the runtime's status. */
export function terminatedState(status: ExitStatus, now: number): NonNullable<ContainerState['terminated']> {
	return {
		exitCode: status.exitCode ?? 0,
		reason: status.reason ?? (status.exitCode ? 'Error' : 'Completed'),
		startedAt: status.startedAt === undefined ? undefined : rfc3339(status.startedAt),
		finishedAt: rfc3339(status.finishedAt ?? now),
		containerID: `containerd://${status.id}`,
		...(status.message ? {message: status.message} : {}),
	};
}

function formatDelay(ms: number): string {
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	const rest = seconds % 60;
	return rest ? `${minutes}m${rest}s` : `${minutes}m0s`;
}
