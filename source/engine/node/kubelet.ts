import type {Controller, ControllerContext} from '../controller.js';
import type {ContainerState, Node, Pod} from '../api/types.js';
import type {ContainerRuntime} from '../runtime/cri.js';
import type {TimerHandle} from '../clock.js';
import {keyOf, sameJson} from '../store.js';
import {rfc3339, timeMs} from '../clock.js';
import {createMockRuntime} from '../runtime/mock-runtime.js';
import {keptOrMadeInSteps, keptStatesChecked, LaterState, madeAtOnce, type Loading, type Saving} from '../state.js';
import {containerFieldPath, kubeletComponent as component, loadWorker, newPodWorker, runtimePod, savedListed, saveWorker, workerTimer, workerTimers, type ContainerSlot, type KubeletCore, type PodWorker, type SavedWorker, type WorkerTimer, type WorkerTimerArg, type WorkerTimerData} from './pod-worker.js';
import {PodIpAllocator, type SavedPodIps} from './pod-ips.js';
import {podStatus} from './pod-status.js';
import {containerExited, startNext, updateContainers} from './container-lifecycle.js';
import {stopProbes} from './probes.js';
import {terminate} from './termination.js';
import {configMirrorAnnotation} from './static-pods.js';
import {podRequests, type PodRequests} from '../controllers/scheduler.js';
import {bytes, milliCpu} from '../api/quantity.js';

/** A container as its kubelet runs it: the spec's name, and its id once it was created. */
export type RunContainer = {readonly spec: {readonly name: string}; readonly containerId?: string};
/** A pod as its kubelet runs it. */
export type RunPod = {readonly uid: string; readonly slots: readonly RunContainer[]};

const noPods: ReadonlySet<RunPod> = new Set();

/** The nodes' runtimes as saved, in the order the kubelets made them: each node's runtime state (null from a runtime that cannot save). */
export type SavedRuntimes = Array<[nodeName: string, state: unknown]>;

/**
 * The kubelets' own saved state: the nodes whose kubelets listed workers,
 * in the order their first came (a node whose pods all went stays listed);
 * the halted nodes; the pod IPs handed out.
 */
export type SavedKubeletsHead = {nodes: string[]; halted: string[]; podIps: SavedPodIps};

/** A node's pod workers as saved, in the order they were made. */
export type SavedNodeWorkers = {workers: SavedWorker[]};

/**
 * The kubelets as saved, a list whose records a state file writes a line
 * each: first the kubelets' own state (named ''), then each node's pod
 * workers, nodes in the order their first worker came. A node's record
 * that a state file reads later (`LaterState`) is loaded when something
 * first asks that node's kubelet, as its runtime is: a restore does not
 * make the workers of every node at once.
 */
export type SavedKubelets = Array<[name: '', head: SavedKubeletsHead] | [nodeName: string, workers: SavedNodeWorkers | LaterState]>;

/** What marks a node's saved workers as holding a pod version the store may not have (`SavedObject`'s copy): such a node is loaded with the rest. */
const heldCopy = '[{"object":';

/** What other parts of the engine may ask of the kubelets. */
export type KubeletService = {
	/** The runtime of a node (for exec, logs, traces). */
	runtimeFor(nodeName: string): ContainerRuntime | undefined;
	/** Container id of a pod's container, when it has one. */
	containerIdOf(podUid: string, container: string): string | undefined;
	/** The pod's containers as its kubelet runs them, init containers first (what the usage scrape reads). */
	containersOf(podUid: string): readonly RunContainer[] | undefined;
	/** The pods a node's kubelet runs (none on a halted node), for scraping a node's usage in one go. */
	podsOn(nodeName: string): Iterable<RunPod>;
	/** The nodes whose kubelets run pods. */
	nodesWithPods(): Iterable<string>;
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

/**
 * The kubelets of every node. Each pod bound to a node gets a worker that
 * sets up its sandbox (volumes first), then drives its containers through
 * the CRI runtime (container-lifecycle.ts), probes them (probes.ts), stops
 * them on deletion (termination.ts), and publishes the pod's status
 * (pod-status.ts) whenever what it observes changes.
 */
export function createKubelets(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const factory = context.services.runtimeFactory ?? createMockRuntime(context);
	const runtimes = new Map<string, ContainerRuntime>();
	const workers = new Map<string, PodWorker>();
	const workersByUid = new Map<string, PodWorker>();
	const byContainerId = new Map<string, {worker: PodWorker; slot: ContainerSlot}>();
	const halted = new Set<string>();
	const podIps = new PodIpAllocator();
	/** The workers of each node: the pods its kubelet admitted. */
	const workersByNode = new Map<string, Set<PodWorker>>();
	/**
	 * What admission counts as used on each node: the pods of its workers that
	 * have not finished, and their requests. Kept up to date as workers come,
	 * finish and go (`recount`), so admitting a pod costs the same on a node
	 * with 10 pods as with 1,000.
	 */
	const usedByNode = new Map<string, {pods: number; cpu: number; memory: number}>();
	/** The requests each counted worker added to its node's `usedByNode`. */
	const counted = new Map<PodWorker, PodRequests>();
	/**
	 * Counts the ways in that change the workers, the nodes' lists and the
	 * pod IPs: a worker's timer, a sync, a container's exit, a node halted
	 * or started, a load. The kubelets' saved state is kept while it and the
	 * store's Pods (a worker's pod is saved against the store's) stand still.
	 */
	let changes = 0;
	let kept: {changes: number; pods: number; records: SavedKubelets} | undefined;
	/** The nodes that ever had a pod worker, in the order their first came: the order of their saved records. */
	const nodeOrder = new Set<string>();
	/**
	 * The saved workers of each node a restore left for first use; what their
	 * loads resolve against and the store's Pod writes at that restore; and,
	 * by the uid and key of each pod bound to one of those nodes then, that node.
	 */
	const pending = new Map<string, LaterState>();
	let restored: {loading: Loading; podWrites: number} | undefined;
	const pendingByUid = new Map<string, string>();
	const pendingByKey = new Map<string, string>();

	const core: KubeletCore = {
		context,
		runtimeFor,
		after,
		publish,
		containerEvent(worker, slot, type, reason, message) {
			events.record(worker.pod, type, reason, message, {component, host: worker.nodeName}, containerFieldPath(slot));
		},
		byContainerId,
		onExit: status => {
			changes++;
			containerExited(core, status);
		},
		forget,
	};

	function runtimeFor(nodeName: string): ContainerRuntime {
		let runtime = runtimeOf(nodeName);
		if (!runtime) {
			runtime = newRuntime(nodeName);
			runtimes.set(nodeName, runtime);
		}
		return runtime;
	}

	/** The node's runtime, if it has one, its state loaded (one a restore left for first use is loaded now: see `loadLater`). */
	function runtimeOf(nodeName: string): ContainerRuntime | undefined {
		const runtime = runtimes.get(nodeName);
		runtime?.loaded?.();
		return runtime;
	}

	/** A node's runtime, its containers' exits reported to its kubelet. */
	function newRuntime(nodeName: string): ContainerRuntime {
		const runtime = factory(nodeName);
		runtime.onContainerExit(status => {
			// The exit of a container whose worker may still be saved for first use.
			loadNode(nodeName);
			core.onExit(status);
		});
		return runtime;
	}

	/** Each node's runtime loaded in turn, a step each: a runtime already made loads in place; one not made yet is made as the kubelet makes it, then loads. */
	function* loadRuntimes(saved: SavedRuntimes, loading: Loading): Generator<void, void> {
		const made = new Map(runtimes);
		runtimes.clear();
		for (const [nodeName, state] of saved) {
			const runtime = made.get(nodeName) ?? newRuntime(nodeName);
			runtimes.set(nodeName, runtime);
			if (state instanceof LaterState) {
				if (runtime.loadLater) runtime.loadLater(state, loading);
				else runtime.load?.(state.value(), loading);
			} else if (state !== null) {
				runtime.load?.(state, loading);
			}
			yield;
		}
	}

	/** Each node's runtime saved in turn, a step each. */
	function* saveRuntimes(saving: Saving): Generator<void, SavedRuntimes> {
		const saved: SavedRuntimes = [];
		for (const [nodeName, runtime] of runtimes) {
			if (saved.length > 0) yield;
			saved.push([nodeName, runtime.save?.(saving) ?? null]);
		}
		return saved;
	}

	// Each node's runtime, then the kubelets that drive them (a kubelet's workers name the runtimes' containers and sandboxes).
	context.state.register<SavedRuntimes>('runtimes', {
		save: saving => madeAtOnce(saveRuntimes(saving)),
		saveInSteps: saveRuntimes,
		loadInSteps: loadRuntimes,
		loadsLater: true,
	});

	/** How many pod workers a step of the kubelets' load makes, and of their save saves (a restore or a snapshot in slices stops between two steps). */
	const workersAStep = 500;
	const workersASaveStep = 100;

	function* saveKubeletsNow(saving: Saving): Generator<void, SavedKubelets> {
		// A node left for first use is saved as read while no pod changed since (its workers name the store's pods as they were then); else it is loaded, a step each.
		if (restored?.podWrites !== store.writes('Pod') || keptStatesChecked()) {
			for (const nodeName of [...pending.keys()]) {
				loadNode(nodeName);
				yield;
			}
		}
		const byNode = new Map<string, SavedWorker[]>();
		for (const nodeName of nodeOrder) if (!pending.has(nodeName)) byNode.set(nodeName, []);
		let made = 0;
		for (const worker of workers.values()) {
			if (made++ % workersASaveStep === workersASaveStep - 1) yield;
			byNode.get(worker.nodeName)!.push(saveWorker(worker, workersByUid.get(worker.uid) === worker, saving));
		}
		// Each record's state frozen: a later save that keeps it gives the same object, whose JSON a state file keeps.
		const records: SavedKubelets = [['', Object.freeze({nodes: [...workersByNode.keys()], halted: [...halted], podIps: podIps.save()})]];
		for (const nodeName of nodeOrder) records.push([nodeName, pending.get(nodeName) ?? Object.freeze({workers: byNode.get(nodeName)!})]);
		return records;
	}

	/**
	 * The kubelets' state: the records they saved last while no worker or
	 * pod changed since, else made again; as a new list each time (a state
	 * file writes a list it is given again a record a line, its records
	 * kept).
	 */
	function* saveKubelets(saving: Saving): Generator<void, SavedKubelets> {
		const pods = store.writes('Pod');
		const records = yield* keptOrMadeInSteps(kept?.changes === changes && kept.pods === pods ? kept.records : undefined, () => saveKubeletsNow(saving), 'kubelets: the saved state they kept is not the one made now');
		kept = {changes, pods, records};
		return [...records];
	}
	context.state.register<SavedKubelets>('kubelets', {
		save: saving => madeAtOnce(saveKubelets(saving)),
		saveInSteps: saveKubelets,
		loadInSteps: loadKubelets,
		loadsLater: true,
	});

	/**
	 * The kubelets' saved state loaded, `workersAStep` pod workers a step;
	 * a node's workers still as text (a state file's long record) are left
	 * for first use (`loadNode`), unless they hold a pod version the store
	 * may not have.
	 */
	function* loadKubelets(saved: SavedKubelets, loading: Loading): Generator<void, void> {
		changes++;
		kept = undefined;
		workers.clear();
		workersByUid.clear();
		byContainerId.clear();
		halted.clear();
		workersByNode.clear();
		usedByNode.clear();
		counted.clear();
		nodeOrder.clear();
		pending.clear();
		restored = undefined;
		pendingByUid.clear();
		pendingByKey.clear();
		const [name, record] = Array.isArray(saved) && Array.isArray(saved[0]) ? saved[0] : [];
		// Their own state is read now, though long (the pod IPs of thousands of pods).
		const first = record instanceof LaterState ? record.value() : record;
		if (name !== '' || typeof first !== 'object' || first === null) throw new Error('load: the kubelets\' first record is not their own state');
		const head = first as SavedKubeletsHead;
		// The rest is the workers' own: by uid, by node in the order they came, by container id, and what admission counts.
		for (const nodeName of head.nodes) workersByNode.set(nodeName, new Set());
		let made = 0;
		for (let index = 1; index < saved.length; index++) {
			const [nodeName, state] = saved[index] as [string, SavedNodeWorkers | LaterState];
			if (typeof nodeName !== 'string' || nodeName === '' || nodeOrder.has(nodeName)) throw new Error(`load: a node's workers are named ${JSON.stringify(nodeName)}, not a node named once`);
			nodeOrder.add(nodeName);
			if (state instanceof LaterState && !state.includes(heldCopy)) {
				pending.set(nodeName, state);
				restored ??= {loading: loading.lasting(), podWrites: store.writes('Pod')};
				continue;
			}
			for (const entry of nodeWorkers(nodeName, state)) {
				if (made++ % workersAStep === workersAStep - 1) yield;
				addLoaded(nodeName, entry, loading);
			}
		}
		// A pod bound to a node left for first use, and its worker there, are found by its uid or key.
		if (pending.size > 0) {
			for (const pod of store.list('Pod') as Pod[]) {
				const nodeName = pod.spec?.nodeName;
				if (nodeName === undefined || !pending.has(nodeName)) continue;
				pendingByUid.set(pod.metadata.uid, nodeName);
				pendingByKey.set(keyOf(pod), nodeName);
			}
		}
		for (const nodeName of head.halted) halted.add(nodeName);
		podIps.load(head.podIps);
		// Loaded, the kubelets save what they loaded: kept, as a save would keep it.
		kept = {changes, pods: store.writes('Pod'), records: Object.freeze([...saved]) as SavedKubelets};
	}

	/** A node's saved workers: the record's, read now when still text. */
	function nodeWorkers(nodeName: string, state: SavedNodeWorkers | LaterState): SavedWorker[] {
		const workersOf = (state instanceof LaterState ? state.value() : state) as SavedNodeWorkers;
		if (typeof workersOf !== 'object' || workersOf === null || !Array.isArray(workersOf.workers)) throw new Error(`load: the workers of node ${nodeName} are not a list`);
		return workersOf.workers;
	}

	/** A saved worker made again on its node, in every index its entry says it is in. */
	function addLoaded(nodeName: string, entry: SavedWorker, loading: Loading): void {
		const worker = loadWorker(entry, loading);
		if (worker.nodeName !== nodeName) throw new Error(`load: pod ${worker.key} is on node ${worker.nodeName}, saved with the workers of ${nodeName}`);
		workers.set(worker.key, worker);
		if (savedListed(entry)) {
			workersByUid.set(worker.uid, worker);
			let onNode = workersByNode.get(worker.nodeName);
			if (!onNode) workersByNode.set(worker.nodeName, (onNode = new Set()));
			onNode.add(worker);
		}
		for (const slot of worker.slots) if (slot.containerId) byContainerId.set(slot.containerId, {worker, slot});
		recount(worker);
	}

	/** Load the workers of a node a restore left for first use, if it did (the same workers an eager load makes: nothing of the simulation changes). */
	function loadNode(nodeName: string): void {
		const later = pending.get(nodeName);
		if (!later || !restored) return;
		pending.delete(nodeName);
		for (const entry of nodeWorkers(nodeName, later)) addLoaded(nodeName, entry, restored.loading);
		if (pending.size === 0) {
			pendingByUid.clear();
			pendingByKey.clear();
		}
	}

	/** Load the node whose saved workers may hold the pod of this uid or key (one bound there when the restore was made). */
	function loadFor(uid: string | undefined, key?: string): void {
		if (pending.size === 0) return;
		if (uid !== undefined) loadNode(pendingByUid.get(uid) ?? '');
		if (key !== undefined) loadNode(pendingByKey.get(key) ?? '');
	}

	const service: KubeletService = {
		runtimeFor: runtimeOf,
		containerIdOf(podUid, container) {
			return workerOf(podUid)?.slots.find(s => s.spec.name === container)?.containerId;
		},
		containersOf: podUid => workerOf(podUid)?.slots,
		podsOn(nodeName) {
			loadNode(nodeName);
			return workersByNode.get(nodeName) ?? noPods;
		},
		nodesWithPods: () => workersByNode.keys(),
		previousContainerIdOf(podUid, container) {
			return workerOf(podUid)?.slots.find(s => s.spec.name === container)?.previousId;
		},
		sandboxIdOf: podUid => workerOf(podUid)?.sandboxId,
		haltNode(nodeName) {
			changes++;
			loadNode(nodeName);
			halted.add(nodeName);
			runtimeOf(nodeName)?.halt();
			runtimes.delete(nodeName);
			for (const worker of [...workers.values()]) {
				if (worker.nodeName !== nodeName) continue;
				for (const timer of worker.timers ?? []) timer.cancel();
				for (const slot of worker.slots) {
					slot.timer?.cancel();
					stopProbes(worker, slot);
					if (slot.containerId) byContainerId.delete(slot.containerId);
				}
				workers.delete(worker.key);
				workersByUid.delete(worker.uid);
				counted.delete(worker);
			}
			workersByNode.delete(nodeName);
			usedByNode.delete(nodeName);
			podIps.forgetNode(nodeName);
		},
		startNode(nodeName) {
			changes++;
			halted.delete(nodeName);
			queue()?.add(`node:${nodeName}`);
		},
		isHalted: nodeName => halted.has(nodeName),
	};
	context.services.kubelet = service;

	function workerOf(podUid: string): PodWorker | undefined {
		loadFor(podUid);
		return workersByUid.get(podUid);
	}

	// Traffic from Services reaches the pod's web server, which logs it (network/traffic.ts).
	context.services.requestHandler = (request: {podUid: string; port?: number; count: number}) => {
		const worker = workerOf(request.podUid);
		if (!worker || !worker.sandboxId || halted.has(worker.nodeName)) return;
		const runtime = runtimeOf(worker.nodeName);
		const slot = worker.slots.find(s => !s.init && !s.ephemeral && s.containerId && s.state.running
			&& (request.port === undefined || (s.spec.ports ?? []).some(p => p.containerPort === request.port))) ?? worker.slots.find(s => !s.init && !s.ephemeral && s.containerId && s.state.running);
		if (!runtime || !slot?.containerId) return;
		// From the pod network's gateway, the runtime's default client address.
		runtime.handleRequest(slot.containerId, {port: request.port, count: request.count, userAgent: 'Mozilla/5.0 (kubarium traffic)'});
	};

	function queue(): {add(key: string): void} | undefined {
		return context.queue(component);
	}

	/**
	 * The clock's kind for each kind of worker timer, at its place in
	 * `workerTimers`. A timer runs only while the worker that set it is its
	 * pod's: the worker its pod key finds is of its uid and holds it (a
	 * worker made after the one that set it was forgotten holds none of its
	 * timers).
	 */
	const timerKinds = workerTimers.map(kind => clock.kind<WorkerTimerArg>(kind.name, (arg, handle) => {
		changes++;
		loadFor(arg.uid, arg.pod);
		const worker = workers.get(arg.pod);
		// Only the worker that set it holds its handle (a worker made again for the pod key holds none of the old one's; a static pod's worker keeps its own as its mirror pod is made again).
		if (!worker || !worker.timers?.delete(handle)) return;
		// An empty set is dropped: a running pod's worker usually has no timer left, and a set costs a hash table.
		if (worker.timers.size === 0) worker.timers = undefined;
		kind.run(core, worker, arg);
	}));

	function after<A extends WorkerTimerData>(worker: PodWorker, ms: number, kind: WorkerTimer<A>, arg: A): TimerHandle {
		const handle = clock.after(ms, timerKinds[kind.index]!, {pod: worker.key, uid: worker.uid, ...arg});
		(worker.timers ??= new Set()).add(handle);
		return handle;
	}

	// ----- pod start -------------------------------------------------------

	function startWorker(pod: Pod): void {
		const nodeName = pod.spec!.nodeName!;
		const node = store.get('Node', undefined, nodeName) as Node | undefined;
		// A pod on the host's network has the node's address; only the others take one of the node's pod range.
		const podIP = pod.spec!.hostNetwork === true ? internalIp(node) : podIps.allocate(node);
		const worker = newPodWorker(pod, nodeName, podIP, clock.now());
		const rebooted = resumeFromStatus(worker, pod);
		workers.set(worker.key, worker);
		nodeOrder.add(nodeName);
		if (rebooted === 'ended') {
			// restartPolicy Never: the kubelet makes no new sandbox for a pod whose containers ran; the pod ends with them.
			worker.finished = true;
			recount(worker);
			publish(worker);
			return;
		}
		workersByUid.set(worker.uid, worker);
		let onNode = workersByNode.get(nodeName);
		if (!onNode) workersByNode.set(nodeName, (onNode = new Set()));
		onNode.add(worker);
		recount(worker);
		// The pod ran here before this kubelet started (the machine rebooted): its sandbox is gone, and is made again.
		if (rebooted) events.normal(pod, 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.', {component, host: nodeName});
		publish(worker);
		runSandbox(core, worker);
	}

	/**
	 * A pod this kubelet finds bound to its node with containers that ran
	 * before (the node rebooted, or the cluster was restarted from its saved
	 * objects): each such container starts again as a restart, its count
	 * one up and its last state the old container, which the reboot ended
	 * (exit code 255, reason Unknown, as containerd reports a container that
	 * died with its machine). A pod that never restarts (restartPolicy
	 * Never) is not started again: its containers stay ended so, and the pod
	 * fails (`ended`). Returns false when no container had run.
	 */
	function resumeFromStatus(worker: PodWorker, pod: Pod): 'restart' | 'ended' | false {
		const never = pod.spec?.restartPolicy === 'Never';
		let ran = false;
		for (const slot of worker.slots) {
			const status = (slot.ephemeral ? pod.status?.ephemeralContainerStatuses : slot.init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses)?.find(c => c.name === slot.spec.name);
			if (!status?.containerID) continue;
			if (slot.ephemeral) {
				// An ephemeral container that ran is not started again: it stays ended, as the reboot left it.
				const running = status.state?.running;
				slot.state = running
					? {terminated: {exitCode: 255, reason: 'Unknown', startedAt: running.startedAt, finishedAt: rfc3339(clock.now()), containerID: status.containerID}}
					: status.state?.terminated ? {terminated: status.state.terminated} : slot.state;
				slot.restartCount = status.restartCount ?? 0;
				continue;
			}
			ran = true;
			const running = status.state?.running;
			const ended: ContainerState = running
				? {terminated: {exitCode: 255, reason: 'Unknown', startedAt: running.startedAt, finishedAt: rfc3339(clock.now()), containerID: status.containerID}}
				: status.state?.terminated ? {terminated: status.state.terminated} : status.lastState ?? {};
			if (never) {
				slot.restartCount = status.restartCount ?? 0;
				slot.state = ended.terminated ? ended : slot.state;
				slot.lastState = status.lastState ?? {};
				slot.containerId = undefined;
				continue;
			}
			slot.restartCount = (status.restartCount ?? 0) + 1;
			slot.attempt = slot.restartCount;
			slot.lastState = ended;
		}
		if (!ran) return false;
		const started = pod.status?.startTime ? timeMs(pod.status.startTime) : Number.NaN;
		if (!Number.isNaN(started)) worker.startTime = started;
		return never ? 'ended' : 'restart';
	}

	/**
	 * The kubelet's resource admission (`lifecycle.NewPredicateAdmitHandler`,
	 * noderesources.Fits): the pod must fit the node's allocatable beside the
	 * pods this kubelet already admitted and that have not finished. Only the
	 * first shortfall is reported, as `OutOf<resource>`.
	 */
	function admissionFailure(pod: Pod, node: Node | undefined): {reason: string; message: string} | undefined {
		const allocatable = node?.status?.allocatable;
		if (!allocatable) return undefined;
		let {pods, cpu, memory} = usedByNode.get(node.metadata.name) ?? {pods: 0, cpu: 0, memory: 0};
		const own = workerOf(pod.metadata.uid);
		const ownRequests = own && counted.get(own);
		if (own?.nodeName === node.metadata.name && ownRequests) {
			pods--;
			cpu -= ownRequests.cpu;
			memory -= ownRequests.memory;
		}
		const wanted = podRequests(pod);
		const short = (resource: string, requested: number, used: number, capacity: number) => ({
			reason: `OutOf${resource}`,
			message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
		});
		const allowedPods = Number(allocatable['pods'] ?? 110);
		if (pods + 1 > allowedPods) return short('pods', 1, pods, allowedPods);
		const cpuCapacity = milliCpu(allocatable['cpu']);
		if (wanted.cpu > 0 && wanted.cpu > cpuCapacity - cpu) return short('cpu', wanted.cpu, cpu, cpuCapacity);
		const memoryCapacity = bytes(allocatable['memory']);
		if (wanted.memory > 0 && wanted.memory > memoryCapacity - memory) return short('memory', wanted.memory, memory, memoryCapacity);
		return undefined;
	}

	/** `rejectPod`: a Warning event, and the pod Failed with the reason (kubelet-owned conditions and container statuses go). */
	function reject(pod: Pod, nodeName: string, failure: {reason: string; message: string}): void {
		events.record(pod, 'Warning', failure.reason, failure.message, {component, host: nodeName});
		const kept = (pod.status?.conditions ?? []).filter(c => !['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'].includes(c.type));
		store.update({
			...pod,
			status: {
				phase: 'Failed',
				...(kept.length > 0 ? {conditions: kept} : {}),
				message: `Pod was rejected: ${failure.message}`,
				reason: failure.reason,
				startTime: pod.status?.startTime ?? rfc3339(clock.now()),
			},
		}, {status: true});
	}

	/** Count the worker in its node's used resources while it runs a pod that has not finished, and only then. */
	function recount(worker: PodWorker): void {
		const counts = workers.get(worker.key) === worker && !worker.finished && !isTerminal(worker.pod);
		const requests = counted.get(worker);
		if (counts === (requests !== undefined)) return;
		let used = usedByNode.get(worker.nodeName);
		if (!used) usedByNode.set(worker.nodeName, (used = {pods: 0, cpu: 0, memory: 0}));
		if (requests) {
			counted.delete(worker);
			used.pods--;
			used.cpu -= requests.cpu;
			used.memory -= requests.memory;
			return;
		}
		const added = podRequests(worker.pod);
		counted.set(worker, added);
		used.pods++;
		used.cpu += added.cpu;
		used.memory += added.memory;
	}

	function forget(worker: PodWorker): void {
		for (const timer of worker.timers ?? []) timer.cancel();
		for (const slot of worker.slots) if (slot.containerId) byContainerId.delete(slot.containerId);
		if (worker.pod.spec!.hostNetwork !== true) podIps.release(worker.nodeName, worker.podIP);
		workers.delete(worker.key);
		workersByUid.delete(worker.uid);
		workersByNode.get(worker.nodeName)?.delete(worker);
		recount(worker);
	}

	// ----- status ---------------------------------------------------------------------

	function internalIp(node: Node | undefined): string {
		return node?.status?.addresses.find(a => a.type === 'InternalIP')?.address ?? '';
	}

	function publish(worker: PodWorker): void {
		publishStatus(worker);
		// A finished worker, or a pod now Succeeded or Failed, no longer counts at admission.
		recount(worker);
	}

	function publishStatus(worker: PodWorker): void {
		const current = store.get('Pod', worker.pod.metadata.namespace, worker.pod.metadata.name) as Pod | undefined;
		if (!current || current.metadata.uid !== worker.uid) return;
		const node = store.get('Node', undefined, worker.nodeName) as Node | undefined;
		const runtime = runtimeOf(worker.nodeName);
		const status = podStatus({
			pod: current,
			restartPolicy: worker.pod.spec?.restartPolicy ?? 'Always',
			containers: worker.slots,
			podIP: worker.podIP,
			hostIP: internalIp(node),
			startTime: worker.startTime,
			now: clock.now(),
			sandboxReady: Boolean(worker.sandboxId) && !worker.finished,
			terminating: worker.terminating,
			imageRefOf: containerId => runtime?.containerStatus(containerId)?.imageRef,
		});
		if (sameJson(status, current.status)) return;
		// `current` was just read, so its own resourceVersion passes the store's check (no metadata copy needed).
		worker.pod = store.update({...current, status}, {status: true}) as Pod;
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
			changes++;
			if (key.startsWith('gone:')) {
				const [, uid, ...rest] = key.split(':');
				loadFor(uid, rest.join(':'));
				const worker = workers.get(rest.join(':'));
				if (worker && worker.uid === uid && !mirrorOfKeptPod(worker)) {
					// Force-deleted (or node gone): stop whatever still runs.
					const runtime = runtimeOf(worker.nodeName);
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
			const pod = store.getByKey('Pod', key) as Pod | undefined;
			if (!pod || !pod.spec?.nodeName || halted.has(pod.spec.nodeName)) return;
			// What the pod's node runs and admitted (its own worker is there), and a worker of an earlier pod of this key on another node, loaded if a restore left them for first use.
			loadNode(pod.spec.nodeName);
			loadFor(undefined, key);
			let worker = workers.get(key);
			if (worker && worker.uid !== pod.metadata.uid) {
				if (mirrorOfKeptPod(worker) && mirrorHash(pod) === mirrorHash(worker.pod) && !pod.metadata.deletionTimestamp) {
					// The mirror pod of a static pod that runs on, made again: the pod's status goes to it.
					workersByUid.delete(worker.uid);
					worker.uid = pod.metadata.uid;
					workersByUid.set(worker.uid, worker);
					worker.pod = pod;
					publish(worker);
					return;
				}
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
				const failure = admissionFailure(pod, store.get('Node', undefined, pod.spec.nodeName) as Node | undefined);
				if (failure) {
					reject(pod, pod.spec.nodeName, failure);
					return;
				}
				startWorker(pod);
				return;
			}
			worker.pod = pod;
			recount(worker);
			if (pod.metadata.deletionTimestamp && mirrorOfKeptPod(worker)) {
				// A static pod's mirror deleted through the API: deleted at once (DeleteMirrorPod, grace 0) and made again by the source; the pod runs on.
				store.markDeleted(pod, 0);
				return;
			}
			if (pod.metadata.deletionTimestamp) terminate(core, worker, pod);
			else updateContainers(core, worker);
		},
	};

	/** Whether the worker's pod is the mirror of a static pod whose manifest is still on its node: the pod runs whatever becomes of the mirror. */
	function mirrorOfKeptPod(worker: PodWorker): boolean {
		const hash = mirrorHash(worker.pod);
		const {namespace, name} = worker.pod.metadata;
		return hash !== undefined && context.services.staticPods?.wants(worker.nodeName, namespace ?? 'default', name, hash) === true;
	}
}

/** A mirror pod's config hash (`kubernetes.io/config.mirror`); undefined for any other pod. */
function mirrorHash(pod: Pod): string | undefined {
	return pod.metadata.annotations?.[configMirrorAnnotation];
}

/** The volume manager's gate first (claims bound, volumes attached), then the sandbox. */
function runSandbox(core: KubeletCore, worker: PodWorker): void {
	if (worker.terminating) return;
	const {context} = core;
	// ConfigMap and Secret volumes must exist (unless optional) before the pod's sandbox starts.
	const mountError = missingVolumeSource(context.store, worker.pod);
	if (mountError) {
		context.events.record(worker.pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${mountError.volume}" : ${mountError.message}`, {component, host: worker.nodeName});
		worker.mountBackoffMs = Math.min(worker.mountBackoffMs ? worker.mountBackoffMs * 2 : 500, 122_000);
		core.after(worker, worker.mountBackoffMs, volumesAgain, {});
		return;
	}
	const volumes = context.services.volumeManager;
	if (volumes?.waitingFor(worker.pod)) {
		core.after(worker, 1000, volumesAgain, {});
		return;
	}
	const runtime = core.runtimeFor(worker.nodeName);
	const {sandboxId, durationMs} = runtime.runPodSandbox({pod: runtimePod(worker), podIP: worker.podIP, attempt: 0});
	core.after(worker, durationMs, sandboxReady, {sandbox: sandboxId});
}

/** The pod's volumes were not ready (a missing ConfigMap or Secret, claims or attachments pending): they are looked at again. */
const volumesAgain = workerTimer('kubelet.volumes', (core, worker) => runSandbox(core, worker));

/** The pod's sandbox is up: its containers start. */
const sandboxReady = workerTimer<{sandbox: string}>('kubelet.sandbox', (core, worker, {sandbox}) => {
	worker.sandboxId = sandbox;
	startNext(core, worker);
});

function missingVolumeSource(store: ControllerContext['store'], pod: Pod): {volume: string; message: string} | undefined {
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

function isTerminal(pod: Pod): boolean {
	return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
