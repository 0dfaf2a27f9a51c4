import type {Controller, ControllerContext} from '../controller.js';
import type {Condition, Container, ContainerState, ContainerStatus, Node, Pod, PodStatus} from '../api/types.js';
import type {ContainerRuntime, ContainerStatusResult, RuntimeFactory} from '../runtime/cri.js';
import type {TimerHandle} from '../clock.js';
import {rfc3339} from '../clock.js';
import {keyOf, sameJson} from '../store.js';
import {createMockRuntime} from '../runtime/mock-runtime.js';
import {resolveEnv} from '../runtime/env.js';
import {bytes} from '../api/quantity.js';

/** Restart back-off: 10 s doubling to 5 min, reset after 10 min of clean running. */
export const backoffInitialMs = 10_000;
export const backoffMaxMs = 300_000;
export const backoffResetMs = 600_000;

type ContainerSlot = {
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
	/** Consecutive readiness results, for thresholds. */
	readySuccesses: number;
	readyFailures: number;
	/** The last exited container, kept for `logs --previous` until the next restart. */
	previousId?: string;
	livenessTimer?: TimerHandle;
	startupTimer?: TimerHandle;
};

type PodWorker = {
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
	timers: Set<TimerHandle>;
	/** Volume set-up retry delay (500 ms doubling to 2m2s), 0 until a mount fails. */
	mountBackoffMs?: number;
};

/** What other parts of the engine may ask of the kubelets. */
export type KubeletService = {
	/** The runtime of a node (for exec, logs, traces). */
	runtimeFor(nodeName: string): ContainerRuntime | undefined;
	/** Container id of a pod's container, when it has one. */
	containerIdOf(podUid: string, container: string): string | undefined;
	/** Stop every kubelet activity on a node (the machine went down). */
	haltNode(nodeName: string): void;
	/** A halted node's kubelet starts again (pods it finds are re-synced). */
	startNode(nodeName: string): void;
	isHalted(nodeName: string): boolean;
	/** The previous (exited) container of a pod's container, kept after a restart. */
	previousContainerIdOf(podUid: string, container: string): string | undefined;
	/** The pod's sandbox id on its node, while it has one. */
	sandboxIdOf(podUid: string): string | undefined;
};

const component = 'kubelet';

/** Pod conditions the kubelet computes on every status publish (others on the pod are kept). */
const kubeletConditionTypes = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

/**
 * The kubelets of every node. Each pod bound to a node gets a worker that
 * drives the CRI runtime (sandbox, image pull, create, start), keeps the
 * container states, restarts crashed containers with back-off, probes
 * readiness, and on deletion stops the containers and removes the pod.
 */
export function createKubelets(context: ControllerContext): Controller {
	const {store, clock, events, random} = context;
	const factory = (context.services.get('runtimeFactory') as RuntimeFactory | undefined) ?? createMockRuntime(context);
	const runtimes = new Map<string, ContainerRuntime>();
	const workers = new Map<string, PodWorker>();
	const workersByUid = new Map<string, PodWorker>();
	const byContainerId = new Map<string, {worker: PodWorker; slot: ContainerSlot}>();
	const halted = new Set<string>();
	const usedIps = new Map<string, Set<number>>();

	function runtimeFor(nodeName: string): ContainerRuntime {
		let runtime = runtimes.get(nodeName);
		if (!runtime) {
			runtime = factory(nodeName);
			runtime.onContainerExit(status => onExit(status));
			runtimes.set(nodeName, runtime);
		}
		return runtime;
	}

	const service: KubeletService = {
		runtimeFor: name => runtimes.get(name),
		containerIdOf(podUid, container) {
			return workerOf(podUid)?.slots.find(s => s.spec.name === container)?.containerId;
		},
		previousContainerIdOf(podUid, container) {
			return workerOf(podUid)?.slots.find(s => s.spec.name === container)?.previousId;
		},
		sandboxIdOf: podUid => workerOf(podUid)?.sandboxId,
		haltNode(nodeName) {
			halted.add(nodeName);
			runtimes.get(nodeName)?.halt();
			runtimes.delete(nodeName);
			for (const worker of [...workers.values()]) {
				if (worker.nodeName !== nodeName) continue;
				for (const timer of worker.timers) timer.cancel();
				for (const slot of worker.slots) {
					slot.timer?.cancel();
					stopProbes(slot);
					if (slot.containerId) byContainerId.delete(slot.containerId);
				}
				workers.delete(worker.key);
				workersByUid.delete(worker.uid);
			}
			usedIps.delete(nodeName);
		},
		startNode(nodeName) {
			halted.delete(nodeName);
			queue()?.add(`node:${nodeName}`);
		},
		isHalted: nodeName => halted.has(nodeName),
	};
	context.services.set('kubelet', service);

	function workerOf(podUid: string): PodWorker | undefined {
		return workersByUid.get(podUid);
	}

	// Traffic from Services reaches the pod's web server, which logs it (network/traffic.ts).
	context.services.set('network.requestHandler', (request: {podUid: string; port?: number; count: number}) => {
		const worker = workerOf(request.podUid);
		if (!worker || !worker.sandboxId || halted.has(worker.nodeName)) return;
		const runtime = runtimes.get(worker.nodeName);
		const slot = worker.slots.find(s => !s.init && s.containerId && s.state.running
			&& (request.port === undefined || (s.spec.ports ?? []).some(p => p.containerPort === request.port))) ?? worker.slots.find(s => !s.init && s.containerId && s.state.running);
		if (!runtime || !slot?.containerId) return;
		const gateway = `${worker.podIP.split('.').slice(0, 3).join('.')}.1`;
		runtime.handleRequest(slot.containerId, {port: request.port, count: request.count, from: gateway, userAgent: 'Mozilla/5.0 (kubarium traffic)'});
	});

	function queue(): {add(key: string): void} | undefined {
		return context.services.get(`queue:${component}`) as {add(key: string): void} | undefined;
	}

	function after(worker: PodWorker, ms: number, fn: () => void): TimerHandle {
		const handle = clock.after(ms, () => {
			worker.timers.delete(handle);
			if (workers.get(worker.key) !== worker) return;
			fn();
		});
		worker.timers.add(handle);
		return handle;
	}

	function allocateIp(node: Node | undefined): string {
		const cidr = node?.spec?.podCIDR ?? '10.244.0.0/24';
		const base = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
		let used = usedIps.get(node?.metadata.name ?? '');
		if (!used) usedIps.set(node?.metadata.name ?? '', (used = new Set()));
		for (let host = 2; host < 255; host++) {
			if (!used.has(host)) {
				used.add(host);
				return `${base}.${host}`;
			}
		}
		return `${base}.254`;
	}

	function releaseIp(worker: PodWorker): void {
		usedIps.get(worker.nodeName)?.delete(Number(worker.podIP.split('.')[3]));
	}

	function podRef(worker: PodWorker): string {
		return `${worker.pod.metadata.name}_${worker.pod.metadata.namespace}(${worker.uid})`;
	}

	function containerEvent(worker: PodWorker, slot: ContainerSlot, type: 'Normal' | 'Warning', reason: string, message: string): void {
		const field = slot.init ? `spec.initContainers{${slot.spec.name}}` : `spec.containers{${slot.spec.name}}`;
		events.record(worker.pod, type, reason, message, {component, host: worker.nodeName}, field);
	}

	// ----- pod start -------------------------------------------------------

	function startWorker(pod: Pod): void {
		const nodeName = pod.spec!.nodeName!;
		const node = store.get('Node', undefined, nodeName) as Node | undefined;
		const slot = (spec: Container, init: boolean): ContainerSlot => ({
			spec, init, attempt: 0, state: {waiting: {reason: init ? 'PodInitializing' : 'ContainerCreating'}}, lastState: {},
			ready: false, started: false, restartCount: 0, backoffMs: 0, pullBackoffMs: 0, readySuccesses: 0, readyFailures: 0,
		});
		const worker: PodWorker = {
			uid: pod.metadata.uid,
			key: keyOf(pod),
			nodeName,
			pod,
			podIP: allocateIp(node),
			slots: [...(pod.spec!.initContainers ?? []).map(c => slot(c, true)), ...pod.spec!.containers.map(c => slot(c, false))],
			startTime: clock.now(),
			terminating: false,
			finished: false,
			timers: new Set(),
		};
		for (const s of worker.slots) if (!s.init && worker.slots.some(o => o.init)) s.state = {waiting: {reason: 'PodInitializing'}};
		workers.set(worker.key, worker);
		workersByUid.set(worker.uid, worker);
		publish(worker);
		runSandbox(worker);
	}

	/** The volume manager's gate first (claims bound, volumes attached), then the sandbox. */
	function runSandbox(worker: PodWorker): void {
		if (worker.terminating) return;
		// ConfigMap and Secret volumes must exist (unless optional) before the pod's sandbox starts.
		const mountError = missingVolumeSource(worker.pod);
		if (mountError) {
			events.record(worker.pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${mountError.volume}" : ${mountError.message}`, {component, host: worker.nodeName});
			worker.mountBackoffMs = Math.min(worker.mountBackoffMs ? worker.mountBackoffMs * 2 : 500, 122_000);
			after(worker, worker.mountBackoffMs, () => runSandbox(worker));
			return;
		}
		const volumes = context.services.get('volumeManager') as {waitingFor(pod: Pod): string | undefined} | undefined;
		if (volumes?.waitingFor(worker.pod)) {
			after(worker, 1000, () => runSandbox(worker));
			return;
		}
		const runtime = runtimeFor(worker.nodeName);
		const {sandboxId, durationMs} = runtime.runPodSandbox({pod: worker.pod, podIP: worker.podIP, attempt: 0});
		after(worker, durationMs, () => {
			worker.sandboxId = sandboxId;
			startNext(worker);
		});
	}

	function missingVolumeSource(pod: Pod): {volume: string; message: string} | undefined {
		const namespace = pod.metadata.namespace ?? 'default';
		for (const volume of pod.spec?.volumes ?? []) {
			if (volume.configMap && !volume.configMap.optional && !store.get('ConfigMap', namespace, volume.configMap.name)) {
				return {volume: volume.name, message: `configmap "${volume.configMap.name}" not found`};
			}
			if (volume.secret && !volume.secret.optional && !store.get('Secret', namespace, volume.secret.secretName)) {
				return {volume: volume.name, message: `secret "${volume.secret.secretName}" not found`};
			}
		}
		return undefined;
	}

	/** Start the next init container, or all app containers once init is done. */
	function startNext(worker: PodWorker): void {
		if (worker.terminating) return;
		const pendingInit = worker.slots.find(s => s.init && !(s.state.terminated?.exitCode === 0));
		if (pendingInit) {
			if (!pendingInit.containerId && !pendingInit.timer) bringUp(worker, pendingInit);
			return;
		}
		for (const slot of worker.slots) {
			if (!slot.init && !slot.containerId && !slot.timer) {
				if (slot.state.waiting?.reason === 'PodInitializing') slot.state = {waiting: {reason: 'ContainerCreating'}};
				bringUp(worker, slot);
			}
		}
		publish(worker);
	}

	function bringUp(worker: PodWorker, slot: ContainerSlot): void {
		const runtime = runtimeFor(worker.nodeName);
		const image = slot.spec.image;
		const present = runtime.imageStatus(image);
		const policy = slot.spec.imagePullPolicy ?? 'IfNotPresent';
		if (present.present && policy !== 'Always') {
			containerEvent(worker, slot, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
			create(worker, slot);
			return;
		}
		if (!present.present && policy === 'Never') {
			slot.state = {waiting: {reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never`}};
			containerEvent(worker, slot, 'Warning', 'ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
			publish(worker);
			return;
		}
		containerEvent(worker, slot, 'Normal', 'Pulling', `Pulling image "${image}"`);
		const result = runtime.pullImage(image);
		slot.timer = after(worker, result.durationMs, () => {
			slot.timer = undefined;
			if (worker.terminating) return;
			if (result.ok) {
				slot.pullBackoffMs = 0;
				const seconds = (result.durationMs / 1000).toFixed(3).replace(/\.?0+$/, '');
				containerEvent(worker, slot, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: ${result.sizeBytes} bytes.`);
				create(worker, slot);
				return;
			}
			if (result.reason === 'InvalidImageName') {
				slot.state = {waiting: {reason: 'InvalidImageName', message: result.message}};
				containerEvent(worker, slot, 'Warning', 'InspectFailed', result.message);
				containerEvent(worker, slot, 'Warning', 'Failed', 'Error: InvalidImageName');
				publish(worker);
				return;
			}
			containerEvent(worker, slot, 'Warning', 'Failed', `Failed to pull image "${image}": ${result.message}`);
			containerEvent(worker, slot, 'Warning', 'Failed', 'Error: ErrImagePull');
			slot.state = {waiting: {reason: 'ErrImagePull', message: result.message}};
			publish(worker);
			slot.pullBackoffMs = slot.pullBackoffMs ? Math.min(slot.pullBackoffMs * 2, backoffMaxMs) : backoffInitialMs;
			// The next sync (about a second later) finds the image in back-off.
			slot.timer = after(worker, 1000, () => {
				slot.state = {waiting: {reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"`}};
				containerEvent(worker, slot, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
				containerEvent(worker, slot, 'Warning', 'Failed', 'Error: ImagePullBackOff');
				publish(worker);
				slot.timer = after(worker, slot.pullBackoffMs, () => {
					slot.timer = undefined;
					bringUp(worker, slot);
				});
			});
		});
	}

	function create(worker: PodWorker, slot: ContainerSlot): void {
		const runtime = runtimeFor(worker.nodeName);
		const resolved = resolveEnv(store, worker.pod, slot.spec, {podIP: worker.podIP});
		if (!resolved.ok) {
			slot.state = {waiting: {reason: 'CreateContainerConfigError', message: resolved.message}};
			containerEvent(worker, slot, 'Warning', 'Failed', `Error: ${resolved.message}`);
			publish(worker);
			// The kubelet retries on its next sync of the pod.
			slot.timer = after(worker, random.jitter(10_000, 0.1), () => {
				slot.timer = undefined;
				create(worker, slot);
			});
			return;
		}
		for (const skipped of resolved.skipped) {
			const kind = skipped.kind === 'configMap' ? 'configMap' : 'secret';
			events.record(worker.pod, 'Warning', 'InvalidEnvironmentVariableNames', `Keys [${skipped.keys.join(', ')}] from the EnvFrom ${kind} ${worker.pod.metadata.namespace}/${skipped.name} were skipped since they are considered invalid environment variable names.`, {component, host: worker.nodeName});
		}
		const node = store.get('Node', undefined, worker.nodeName) as Node | undefined;
		const nodeMemoryBytes = bytes(node?.status?.allocatable?.memory) || undefined;
		const result = runtime.createContainer(worker.sandboxId!, {pod: worker.pod, container: slot.spec, attempt: slot.attempt, init: slot.init, env: resolved.env, nodeMemoryBytes});
		if (!result.ok) {
			slot.state = {waiting: {reason: result.reason, message: result.message}};
			containerEvent(worker, slot, 'Warning', 'Failed', `Error: ${result.message}`);
			publish(worker);
			// The kubelet retries on its next sync of the pod.
			slot.timer = after(worker, random.jitter(10_000, 0.1), () => {
				slot.timer = undefined;
				create(worker, slot);
			});
			return;
		}
		slot.timer = after(worker, result.durationMs, () => {
			slot.timer = undefined;
			if (worker.terminating) return;
			slot.containerId = result.containerId;
			byContainerId.set(result.containerId, {worker, slot});
			containerEvent(worker, slot, 'Normal', 'Created', `Created container ${slot.spec.name}`);
			const started = runtime.startContainer(result.containerId);
			if (!started.ok) {
				slot.state = {waiting: {reason: 'RunContainerError', message: started.message}};
				containerEvent(worker, slot, 'Warning', 'Failed', `Error: ${started.message}`);
				publish(worker);
				return;
			}
			containerEvent(worker, slot, 'Normal', 'Started', `Started container ${slot.spec.name}`);
			const status = runtime.containerStatus(result.containerId);
			if (status?.state === 'CONTAINER_EXITED') {
				onExit(status);
				return;
			}
			slot.state = {running: {startedAt: rfc3339(status?.startedAt ?? clock.now())}};
			slot.started = true;
			startProbing(worker, slot);
			publish(worker);
		});
	}

	// ----- readiness ---------------------------------------------------------

	/** Startup probe first; once it succeeds (or when there is none), liveness and readiness. */
	function startProbing(worker: PodWorker, slot: ContainerSlot): void {
		if (slot.init) return;
		slot.ready = false;
		const startup = slot.spec.startupProbe;
		if (!startup) {
			slot.started = true;
			startLiveness(worker, slot);
			startReadiness(worker, slot);
			return;
		}
		slot.started = false;
		slot.startupTimer = prober(worker, slot, startup, 'Startup', {
			success() {
				slot.startupTimer?.cancel();
				slot.startupTimer = undefined;
				slot.started = true;
				startLiveness(worker, slot);
				startReadiness(worker, slot);
				publish(worker);
				return false;
			},
			failed: () => kill(worker, slot, 'startup'),
		}, timer => {
			slot.startupTimer = timer;
		});
	}

	function startReadiness(worker: PodWorker, slot: ContainerSlot): void {
		const probe = slot.spec.readinessProbe;
		if (!probe) {
			slot.ready = true;
			return;
		}
		slot.ready = false;
		slot.probeTimer = prober(worker, slot, probe, 'Readiness', {
			success() {
				if (!slot.ready) {
					slot.ready = true;
					publish(worker);
				}
				return true;
			},
			failed() {
				if (slot.ready) {
					slot.ready = false;
					publish(worker);
				}
				return true;
			},
		}, timer => {
			slot.probeTimer = timer;
		});
	}

	function startLiveness(worker: PodWorker, slot: ContainerSlot): void {
		const probe = slot.spec.livenessProbe;
		if (!probe) return;
		slot.livenessTimer = prober(worker, slot, probe, 'Liveness', {success: () => true, failed: () => kill(worker, slot, 'liveness')}, timer => {
			slot.livenessTimer = timer;
		});
	}

	/**
	 * Run a probe every period after its initial delay. `success` and `failed`
	 * fire when the thresholds are met; they answer whether to keep probing.
	 */
	function prober(worker: PodWorker, slot: ContainerSlot, probe: NonNullable<Container['livenessProbe']>, kind: 'Liveness' | 'Readiness' | 'Startup',
		on: {success(): boolean; failed(): boolean}, keep: (timer: TimerHandle | undefined) => void): TimerHandle {
		const period = (probe.periodSeconds ?? 10) * 1000;
		let successes = 0;
		let failures = 0;
		const containerId = slot.containerId;
		const run = () => {
			keep(undefined);
			if (!slot.containerId || slot.containerId !== containerId || !slot.state.running || worker.terminating) return;
			const result = runtimeFor(worker.nodeName).probe(slot.containerId, probe);
			let again = true;
			if (result.success) {
				failures = 0;
				successes++;
				if (successes >= (kind === 'Readiness' ? probe.successThreshold ?? 1 : 1)) again = on.success();
			} else {
				successes = 0;
				failures++;
				containerEvent(worker, slot, 'Warning', 'Unhealthy', `${kind} probe failed: ${result.output}`);
				if (failures >= (probe.failureThreshold ?? 3)) again = on.failed();
			}
			if (again) keep(after(worker, period, run));
		};
		return after(worker, (probe.initialDelaySeconds ?? 0) * 1000 + random.int(0, 500), run);
	}

	function stopProbes(slot: ContainerSlot): void {
		for (const timer of [slot.probeTimer, slot.livenessTimer, slot.startupTimer]) timer?.cancel();
		slot.probeTimer = slot.livenessTimer = slot.startupTimer = undefined;
	}

	/** A failed liveness or startup probe: the container is killed, then restarted by its policy. */
	function kill(worker: PodWorker, slot: ContainerSlot, probe: 'liveness' | 'startup'): boolean {
		const containerId = slot.containerId;
		if (!containerId) return false;
		stopProbes(slot);
		const restarts = (worker.pod.spec?.restartPolicy ?? 'Always') !== 'Never';
		containerEvent(worker, slot, 'Normal', 'Killing', `Container ${slot.spec.name} failed ${probe} probe${restarts ? ', will be restarted' : ''}`);
		slot.ready = false;
		publish(worker);
		const probeSpec = probe === 'liveness' ? slot.spec.livenessProbe : slot.spec.startupProbe;
		const grace = Math.max(2, (probeSpec as {terminationGracePeriodSeconds?: number} | undefined)?.terminationGracePeriodSeconds ?? worker.pod.spec?.terminationGracePeriodSeconds ?? 30);
		const runtime = runtimeFor(worker.nodeName);
		const {durationMs, status} = runtime.stopContainer(containerId, grace);
		after(worker, durationMs, () => {
			if (slot.containerId !== containerId) return;
			onExit(runtime.containerStatus(containerId) ?? status);
		});
		return false;
	}

	// ----- exits and restarts --------------------------------------------------

	function onExit(status: ContainerStatusResult): void {
		const found = byContainerId.get(status.id);
		if (!found) return;
		const {worker, slot} = found;
		stopProbes(slot);
		slot.ready = false;
		const startedAt = status.startedAt ?? clock.now();
		slot.state = {terminated: terminatedState(status)};
		if (worker.terminating) {
			publish(worker);
			return;
		}
		const policy = worker.pod.spec?.restartPolicy ?? 'Always';
		const restart = slot.init ? status.exitCode !== 0 && policy !== 'Never' : policy === 'Always' || (policy === 'OnFailure' && status.exitCode !== 0);
		if (slot.init && status.exitCode === 0) {
			publish(worker);
			startNext(worker);
			return;
		}
		if (!restart) {
			publish(worker);
			maybeFinish(worker);
			return;
		}
		if ((status.finishedAt ?? clock.now()) - startedAt >= backoffResetMs) slot.backoffMs = 0;
		const delay = slot.backoffMs;
		slot.backoffMs = delay === 0 ? backoffInitialMs : Math.min(delay * 2, backoffMaxMs);
		const restartNow = () => {
			slot.timer = undefined;
			if (worker.terminating) return;
			slot.lastState = {terminated: terminatedState(status)};
			// The exited container stays (for `logs --previous`) until the next one exits.
			if (slot.previousId) runtimeFor(worker.nodeName).removeContainer(slot.previousId);
			if (slot.containerId) {
				byContainerId.delete(slot.containerId);
				slot.previousId = slot.containerId;
			}
			slot.containerId = undefined;
			slot.restartCount++;
			slot.attempt++;
			create(worker, slot);
		};
		if (delay === 0) {
			restartNow();
			return;
		}
		slot.lastState = {terminated: terminatedState(status)};
		slot.state = {waiting: {reason: 'CrashLoopBackOff', message: `back-off ${formatDelay(delay)} restarting failed container=${slot.spec.name} pod=${podRef(worker)}`}};
		containerEvent(worker, slot, 'Warning', 'BackOff', `Back-off restarting failed container ${slot.spec.name} in pod ${podRef(worker)}`);
		publish(worker);
		slot.timer = after(worker, delay, restartNow);
	}

	/** All containers done and none will restart: the pod is terminal; its sandbox goes. */
	function maybeFinish(worker: PodWorker): void {
		const done = worker.slots.every(s => s.init ? s.state.terminated?.exitCode === 0 || (s.state.terminated && worker.pod.spec?.restartPolicy === 'Never') : s.state.terminated && !s.timer);
		if (!done || worker.finished) return;
		worker.finished = true;
		if (worker.sandboxId) runtimeFor(worker.nodeName).stopPodSandbox(worker.sandboxId);
		publish(worker);
	}

	// ----- termination ------------------------------------------------------------

	function terminate(worker: PodWorker, pod: Pod): void {
		if (worker.terminating) return;
		worker.terminating = true;
		worker.pod = pod;
		const runtime = runtimeFor(worker.nodeName);
		// killContainer's floor: a grace period under 2 s becomes 2 s.
		const grace = Math.max(2, pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
		let longest = 0;
		for (const slot of worker.slots) {
			slot.timer?.cancel();
			slot.timer = undefined;
			stopProbes(slot);
			if (slot.containerId && slot.state.running) {
				containerEvent(worker, slot, 'Normal', 'Killing', `Stopping container ${slot.spec.name}`);
				const {durationMs, status} = runtime.stopContainer(slot.containerId, grace);
				longest = Math.max(longest, durationMs);
				slot.ready = false;
				const stopped = status;
				after(worker, durationMs, () => {
					slot.state = {terminated: terminatedState(stopped)};
				});
			}
		}
		publish(worker);
		after(worker, longest, () => {
			if (worker.sandboxId) {
				runtime.stopPodSandbox(worker.sandboxId);
				runtime.removePodSandbox(worker.sandboxId);
			}
			for (const slot of worker.slots) {
				if (slot.containerId) byContainerId.delete(slot.containerId);
				if (!slot.state.terminated) slot.state = {terminated: {exitCode: 0, reason: 'Completed', finishedAt: rfc3339(clock.now())}};
			}
			publish(worker);
			const current = store.get('Pod', worker.pod.metadata.namespace, worker.pod.metadata.name);
			forget(worker);
			if (current && current.metadata.uid === worker.uid) store.markDeleted(current, 0);
		});
	}

	function forget(worker: PodWorker): void {
		for (const timer of worker.timers) timer.cancel();
		for (const slot of worker.slots) if (slot.containerId) byContainerId.delete(slot.containerId);
		releaseIp(worker);
		workers.delete(worker.key);
		workersByUid.delete(worker.uid);
	}

	// ----- status ---------------------------------------------------------------------

	function terminatedState(status: ContainerStatusResult): NonNullable<ContainerState['terminated']> {
		return {
			exitCode: status.exitCode ?? 0,
			reason: status.reason ?? (status.exitCode ? 'Error' : 'Completed'),
			startedAt: status.startedAt === undefined ? undefined : rfc3339(status.startedAt),
			finishedAt: rfc3339(status.finishedAt ?? clock.now()),
			containerID: `containerd://${status.id}`,
			...(status.message ? {message: status.message} : {}),
		};
	}

	function publish(worker: PodWorker): void {
		const current = store.get('Pod', worker.pod.metadata.namespace, worker.pod.metadata.name) as Pod | undefined;
		if (!current || current.metadata.uid !== worker.uid) return;
		const status = computeStatus(worker, current);
		if (sameJson(status, current.status)) return;
		// `current` was just read, so its own resourceVersion passes the store's check (no metadata copy needed).
		worker.pod = store.update({...current, status}, {status: true}) as Pod;
	}

	function computeStatus(worker: PodWorker, pod: Pod): PodStatus {
		const now = rfc3339(clock.now());
		const node = store.get('Node', undefined, worker.nodeName) as Node | undefined;
		const hostIP = node?.status?.addresses.find(a => a.type === 'InternalIP')?.address ?? '';
		const toStatus = (slot: ContainerSlot): ContainerStatus => {
			const runtimeStatus = slot.containerId ? runtimes.get(worker.nodeName)?.containerStatus(slot.containerId) : undefined;
			const status: ContainerStatus = {
				name: slot.spec.name,
				state: slot.state,
				lastState: slot.lastState,
				ready: slot.ready,
				restartCount: slot.restartCount,
				image: slot.spec.image,
				imageID: runtimeStatus?.imageRef ?? '',
				started: slot.init ? undefined : Boolean(slot.state.running) && slot.started,
			};
			if (slot.containerId) status.containerID = `containerd://${slot.containerId}`;
			if (status.started === undefined) delete status.started;
			return status;
		};
		const apps = worker.slots.filter(s => !s.init);
		const inits = worker.slots.filter(s => s.init);
		const initDone = inits.every(s => s.state.terminated?.exitCode === 0);
		const phase = podPhase(worker, apps, inits, initDone);
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
			return kept(old, out);
		};
		const conditions: Condition[] = kept(pod.status?.conditions, [
			condition('PodReadyToStartContainers', Boolean(worker.sandboxId) && !worker.finished),
			condition('Initialized', initDone, completed ? 'PodCompleted' : 'ContainersNotInitialized',
				completed ? undefined : `containers with incomplete status: [${inits.filter(s => s.state.terminated?.exitCode !== 0).map(s => s.spec.name).join(' ')}]`),
			condition('Ready', notReady.length === 0, completed ? 'PodCompleted' : 'ContainersNotReady', completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`),
			condition('ContainersReady', notReady.length === 0, completed ? 'PodCompleted' : 'ContainersNotReady', completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`),
			previousOf('PodScheduled') ?? condition('PodScheduled', true),
			...previousConditions.filter(c => !kubeletConditionTypes.has(c.type)),
		]);
		const containerStatuses = (slots: ContainerSlot[], previous: ContainerStatus[] | undefined): ContainerStatus[] =>
			kept(previous, slots.map((slot, i) => kept(previous?.[i], toStatus(slot))));
		const status: PodStatus = {
			...pod.status,
			phase,
			conditions,
			hostIP,
			hostIPs: kept(pod.status?.hostIPs, hostIP ? [{ip: hostIP}] : []),
			podIP: worker.podIP,
			podIPs: kept(pod.status?.podIPs, [{ip: worker.podIP}]),
			startTime: rfc3339(worker.startTime),
			containerStatuses: containerStatuses(apps, pod.status?.containerStatuses),
		};
		if (inits.length > 0) status.initContainerStatuses = containerStatuses(inits, pod.status?.initContainerStatuses);
		else delete status.initContainerStatuses;
		return status;
	}

	/**
	 * The stored part when it reads the same (same JSON text), else the new
	 * one: a publish then keeps the unchanged parts of the pod's status as
	 * they are. Fewer new objects per write, and most of them would live until
	 * the next write, each copied by the garbage collector on the way.
	 */
	function kept<T>(previous: T | undefined, next: T): T {
		return previous !== undefined && sameJsonText(previous, next) ? previous : next;
	}

	function podPhase(worker: PodWorker, apps: ContainerSlot[], inits: ContainerSlot[], initDone: boolean): PodStatus['phase'] {
		const policy = worker.pod.spec?.restartPolicy ?? 'Always';
		if (inits.some(s => s.state.terminated && s.state.terminated.exitCode !== 0) && policy === 'Never') return 'Failed';
		if (!initDone) return 'Pending';
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
			if (policy === 'Always') return worker.terminating ? (succeeded === apps.length ? 'Succeeded' : 'Failed') : 'Running';
			if (succeeded === apps.length) return 'Succeeded';
			if (policy === 'Never') return 'Failed';
			return worker.terminating ? 'Failed' : 'Running';
		}
		return 'Pending';
	}

	return {
		name: component,
		watches: {
			Pod: ({type, object}) => {
				const pod = object as Pod;
				if (type === 'DELETED') return `gone:${pod.metadata.uid}:${keyOf(pod)}`;
				return pod.spec?.nodeName ? keyOf(pod) : undefined;
			},
		},
		sync(key) {
			if (key.startsWith('gone:')) {
				const [, uid, ...rest] = key.split(':');
				const worker = workers.get(rest.join(':'));
				if (worker && worker.uid === uid) {
					// Force-deleted (or node gone): stop whatever still runs.
					const runtime = runtimes.get(worker.nodeName);
					if (runtime && worker.sandboxId) runtime.removePodSandbox(worker.sandboxId);
					forget(worker);
				}
				return;
			}
			if (key.startsWith('node:')) {
				const nodeName = key.slice(5);
				for (const pod of store.list('Pod') as Pod[]) if (pod.spec?.nodeName === nodeName) queue()?.add(keyOf(pod));
				return;
			}
			const slash = key.indexOf('/');
			const pod = store.get('Pod', key.slice(0, slash), key.slice(slash + 1)) as Pod | undefined;
			if (!pod || !pod.spec?.nodeName || halted.has(pod.spec.nodeName)) return;
			let worker = workers.get(key);
			if (worker && worker.uid !== pod.metadata.uid) {
				forget(worker);
				worker = undefined;
			}
			if (!worker) {
				const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
				if (pod.metadata.deletionTimestamp) {
					// Nothing runs for it here (e.g. the node was restarted): finish the deletion.
					store.markDeleted(pod, 0);
					return;
				}
				if (terminal) return;
				startWorker(pod);
				return;
			}
			worker.pod = pod;
			if (pod.metadata.deletionTimestamp) terminate(worker, pod);
		},
	};
}

/** Equal JSON text: equal data with the keys in the same order (undefined values left out, as JSON does). */
function sameJsonText(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a)) {
		const bb = b as unknown[];
		if (a.length !== bb.length) return false;
		for (let i = 0; i < a.length; i++) if (!sameJsonText(a[i], bb[i])) return false;
		return true;
	}
	const ra = a as Record<string, unknown>;
	const rb = b as Record<string, unknown>;
	const ka = Object.keys(ra);
	const kb = Object.keys(rb);
	// Walk both key lists in step, stepping over keys whose value is undefined.
	for (let i = 0, j = 0; ; i++, j++) {
		while (i < ka.length && ra[ka[i]!] === undefined) i++;
		while (j < kb.length && rb[kb[j]!] === undefined) j++;
		if (i === ka.length || j === kb.length) return i === ka.length && j === kb.length;
		if (ka[i] !== kb[j] || !sameJsonText(ra[ka[i]!], rb[kb[j]!])) return false;
	}
}

function formatDelay(ms: number): string {
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	const rest = seconds % 60;
	return rest ? `${minutes}m${rest}s` : `${minutes}m0s`;
}
