import type {ControllerContext} from '../controller.js';
import type {ContainerStatus, Node, Pod} from '../api/types.js';
import type {KubeletService, RunContainer} from '../node/kubelet.js';
import {badRequest, notFound} from '../errors.js';
import {bytes, milliCpu} from '../api/quantity.js';
import {rfc3339Micro} from '../clock.js';
import type {ContainerRuntime, CriCall, ExecResult, ShellSession} from './cri.js';
import {isShell, shellInvocation} from './shell/interpreter.js';
import type {Syscall} from './syscalls.js';

/**
 * The runtime's queries behind the cluster facade: `kubectl exec`, `kubectl
 * logs`, syscall traces, the CRI call log and metrics-server style usage.
 * Errors are kubectl's (or the API server's) and change nothing.
 */

export type ContainerTarget = {namespace?: string; container?: string};
/**
 * `attach`: the container's own shell, its main process waiting on its
 * terminal (`kubectl attach -it`, `kubectl run -it`), instead of a new one;
 * the command is then not read.
 */
export type ShellOptions = ContainerTarget & {attach?: boolean};
export type LogOptions = ContainerTarget & {previous?: boolean; tail?: number; timestamps?: boolean};
export type SyscallOptions = ContainerTarget & {
	/** Only the sandbox (pause process, CNI). */
	sandbox?: boolean;
	/** Only the last N entries. */
	tail?: number;
};

export type ContainerUsage = {name: string; cpuMilli: number; memoryBytes: number};
export type PodUsage = {namespace: string; name: string; node: string; cpuMilli: number; memoryBytes: number; containers: ContainerUsage[]};
export type NodeUsage = {name: string; cpuMilli: number; memoryBytes: number; cpuPercent: number; memoryPercent: number};

function kubelet(context: ControllerContext): KubeletService {
	return context.services.kubelet!;
}

function podOf(context: ControllerContext, name: string, namespace = 'default'): Pod {
	const pod = context.store.get('Pod', namespace, name) as Pod | undefined;
	if (!pod) throw notFound('pods', name);
	return pod;
}

function runtimeOf(context: ControllerContext, pod: Pod): ContainerRuntime | undefined {
	return pod.spec?.nodeName ? kubelet(context).runtimeFor(pod.spec.nodeName) : undefined;
}

/** The status the pod reports for a container of that name: app, init or ephemeral. */
function containerStatus(pod: Pod, name: string): ContainerStatus | undefined {
	const status = pod.status;
	return (status?.containerStatuses ?? []).find(s => s.name === name) ?? (status?.initContainerStatuses ?? []).find(s => s.name === name) ?? (status?.ephemeralContainerStatuses ?? []).find(s => s.name === name);
}

/** The named container, or the only one; kubectl's errors otherwise. */
function containerName(pod: Pod, requested: string | undefined, purpose: 'logs' | 'exec'): string {
	const apps = pod.spec?.containers.map(c => c.name) ?? [];
	const inits = pod.spec?.initContainers?.map(c => c.name) ?? [];
	const ephemerals = pod.spec?.ephemeralContainers?.map(c => c.name) ?? [];
	if (requested !== undefined) {
		if (!apps.includes(requested) && !inits.includes(requested) && !ephemerals.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
		return requested;
	}
	if (apps.length === 1 || purpose === 'exec') return apps[0]!;
	throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${apps.join(' ')}]${inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : ''}${ephemerals.length > 0 ? ` or one of the ephemeral containers: [${ephemerals.join(' ')}]` : ''}`);
}

/** `kubectl exec pod -- argv`: runs in the container; its system calls land in the trace. */
export type ExecOptions = ContainerTarget & {
	/** Standard input for the command (`kubectl exec -i`), read to its end. */
	stdin?: string;
};

/** The running container an exec goes into, with kubectl's errors for a pod or container that is not there. */
function execTarget(context: ControllerContext, name: string, argv: readonly string[] | undefined, options: ContainerTarget): {runtime: ContainerRuntime; id: string} {
	if (argv !== undefined && (!Array.isArray(argv) || argv.length === 0 || argv.some(a => typeof a !== 'string'))) throw badRequest('you must specify at least one command for the container');
	const pod = podOf(context, name, options.namespace);
	const container = containerName(pod, options.container, 'exec');
	const phase = pod.status?.phase;
	if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
	const runtime = runtimeOf(context, pod);
	const id = kubelet(context).containerIdOf(pod.metadata.uid, container);
	const status = containerStatus(pod, container);
	if (!runtime || !id || !status?.state.running || runtime.containerStatus(id)?.state !== 'CONTAINER_RUNNING') {
		throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
	}
	return {runtime, id};
}

export function execInPod(context: ControllerContext, name: string, argv: readonly string[], options: ExecOptions = {}): ExecResult {
	if (options.stdin !== undefined && typeof options.stdin !== 'string') throw badRequest('stdin: must be a string');
	const {runtime, id} = execTarget(context, name, argv, options);
	return runtime.execSync(id, [...argv], undefined, options.stdin ?? '');
}

/**
 * `kubectl exec -it pod -- sh`: an interactive shell in the container. A
 * command that is not a shell, or one the image lacks, gets its exec result
 * instead (what it printed, or why it could not start).
 */
export function shellInPod(context: ControllerContext, name: string, argv: readonly string[], options: ShellOptions = {}): {session?: ShellSession; result?: ExecResult; node?: string} {
	if (options.attach) {
		const {runtime, id} = execTarget(context, name, undefined, options);
		return {...runtime.openShell(id, [], {attach: true}), node: runtime.nodeName};
	}
	const {runtime, id} = execTarget(context, name, argv, options);
	if (!isShell(argv) || shellInvocation(argv).script !== undefined) return {result: runtime.execSync(id, [...argv])};
	return {...runtime.openShell(id, [...argv]), node: runtime.nodeName};
}

/** `kubectl logs`: the container's lines (or its previous instance's), oldest first. */
export function podLogs(context: ControllerContext, name: string, options: LogOptions = {}): string[] {
	if (options.tail !== undefined && (!Number.isInteger(options.tail) || options.tail < -1)) throw badRequest(`tail: Invalid value: ${String(options.tail)}: must be an integer >= -1`);
	const pod = podOf(context, name, options.namespace);
	const container = containerName(pod, options.container, 'logs');
	const service = kubelet(context);
	const runtime = runtimeOf(context, pod);
	const status = containerStatus(pod, container);
	let id: string | undefined;
	if (options.previous) {
		id = service.previousContainerIdOf(pod.metadata.uid, container);
		if (!id || !runtime?.containerStatus(id)) throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
	} else {
		id = service.containerIdOf(pod.metadata.uid, container);
		if (!id || !runtime?.containerStatus(id)) {
			const waiting = status?.state.waiting;
			const why = waiting?.reason === 'ErrImagePull' || waiting?.reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : waiting?.reason ?? 'ContainerCreating';
			if (waiting || !status) throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${why}`);
			return [];
		}
	}
	let lines = runtime!.containerLogs(id);
	if (options.tail !== undefined && options.tail >= 0) lines = lines.slice(Math.max(0, lines.length - options.tail));
	return lines.map(line => options.timestamps ? `${rfc3339Micro(line.at).replace(/(\.\d{6})Z$/, '$1000Z')} ${line.text}` : line.text);
}

/** System calls of a pod: one container's, the sandbox's, or all of them merged in time order. */
export function podSyscalls(context: ControllerContext, name: string, options: SyscallOptions = {}): Syscall[] {
	if (options.tail !== undefined && (!Number.isInteger(options.tail) || options.tail < 0)) throw badRequest(`tail: Invalid value: ${String(options.tail)}: must be an integer >= 0`);
	const pod = podOf(context, name, options.namespace);
	const runtime = runtimeOf(context, pod);
	const service = kubelet(context);
	if (options.container !== undefined) containerName(pod, options.container, 'exec');
	if (!runtime) return [];
	let entries: Syscall[];
	const sandboxId = service.sandboxIdOf(pod.metadata.uid);
	if (options.sandbox) {
		entries = sandboxId ? runtime.syscalls(sandboxId) : [];
	} else if (options.container !== undefined) {
		const id = service.containerIdOf(pod.metadata.uid, options.container);
		entries = id ? runtime.syscalls(id) : [];
	} else {
		entries = sandboxId ? runtime.syscalls(sandboxId) : [];
		for (const container of [...pod.spec?.initContainers ?? [], ...pod.spec?.containers ?? [], ...pod.spec?.ephemeralContainers ?? []]) {
			const id = service.containerIdOf(pod.metadata.uid, container.name);
			if (id) entries = entries.concat(runtime.syscalls(id));
		}
		entries.sort((a, b) => a.at - b.at);
	}
	return options.tail !== undefined ? entries.slice(Math.max(0, entries.length - options.tail)) : entries;
}

/** The node's recent CRI calls. */
export function nodeCriLog(context: ControllerContext, nodeName: string): CriCall[] {
	if (!context.store.get('Node', undefined, nodeName)) throw notFound('nodes', nodeName);
	return kubelet(context).runtimeFor(nodeName)?.criLog() ?? [];
}

/** Usage of one pod's running containers (undefined when none runs), as `kubectl top pod` shows it. */
export function podUsage(context: ControllerContext, pod: Pod): PodUsage | undefined {
	const runtime = runtimeOf(context, pod);
	if (!runtime) return undefined;
	const containers = kubelet(context).containersOf(pod.metadata.uid);
	return containers && usageOf(runtime, pod, containers);
}

/**
 * A pod's usage from the containers its kubelet runs: init containers first,
 * then the app's, as in the pod's spec (the scrape reads every running pod:
 * no lists made but the answer's).
 */
function usageOf(runtime: ContainerRuntime, pod: Pod, running: readonly RunContainer[]): PodUsage | undefined {
	let containers: ContainerUsage[] | undefined;
	let cpuMilli = 0;
	let memoryBytes = 0;
	for (const container of running) {
		const id = container.containerId;
		const usage = id ? runtime.containerUsage(id) : undefined;
		if (!usage) continue;
		(containers ??= []).push({name: container.spec.name, cpuMilli: usage.cpuMilli, memoryBytes: usage.memoryBytes});
		cpuMilli += usage.cpuMilli;
		memoryBytes += usage.memoryBytes;
	}
	if (!containers) return undefined;
	return {namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, node: pod.spec!.nodeName!, cpuMilli, memoryBytes, containers};
}

/** The node's system daemons (kubelet, containerd, OS) before any pod. */
const systemCpuMilli = 90;
const systemMemoryBytes = 620 * 2 ** 20;

/**
 * How often usage is sampled: metrics-server scrapes the kubelets every 15 s
 * (`--metric-resolution=15s` in its upstream manifests), so `kubectl top`
 * and k9s's CPU and MEM columns show values that change at that pace.
 */
export const metricResolutionMs = 15_000;

export type UsageReport = {
	pods: PodUsage[];
	nodes: NodeUsage[];
	/** The pods by `namespace/name`, and their sums (a dashboard reads these, and need not walk every pod). */
	byKey: ReadonlyMap<string, PodUsage>;
	podsCpuMilli: number;
	podsMemoryBytes: number;
};

/** What one step of a scrape may spend. */
export type ScrapeOptions = {
	/** Wall ms the step may take, looked at between nodes (none: the scrape is finished in this step). */
	budgetMs?: number;
	/** Asked between nodes: true ends the step. */
	shouldYield?: () => boolean;
	/**
	 * Pods a step scrapes before it looks at the budget (default 250, a ms or
	 * two of work): a cluster that small is scraped in one piece, whatever
	 * the wall clock says. A step always scrapes one node at least.
	 */
	minPods?: number;
};

/** A scrape under way: the nodes it visits, in order, and what it found so far. */
type Scrape = {window: number; nodes: string[]; next: number; pods: PodUsage[]; nodeUsage: NodeUsage[]; byKey: Map<string, PodUsage>; cpuMilli: number; memoryBytes: number};

/**
 * The metrics store, as metrics-server keeps one: the last complete scrape
 * (with the 15 s window it began in), and the node-by-node scrape under way.
 */
type Scrapes = {done?: {window: number; usage: UsageReport}; running?: Scrape};

const scrapes = new WeakMap<ControllerContext, Scrapes>();

/** Usage as saved: each pod `[namespace, name, node, cpu, memory, containers as [name, cpu, memory]]`, each node `[name, cpu, memory, cpu %, memory %]`, and the pods' sums. */
type SavedUsage = {
	pods: Array<[namespace: string, name: string, node: string, cpuMilli: number, memoryBytes: number, containers: Array<[name: string, cpuMilli: number, memoryBytes: number]>]>;
	nodes: Array<[name: string, cpuMilli: number, memoryBytes: number, cpuPercent: number, memoryPercent: number]>;
	cpuMilli: number;
	memoryBytes: number;
};

/** The metrics store as saved: the last complete scrape and its window; the one under way, its window, nodes and the next to visit. */
type SavedScrapes = {
	done: [window: number, usage: SavedUsage] | null;
	running: [window: number, nodes: string[], next: number, usage: SavedUsage] | null;
};

function saveUsage(usage: UsageReport): SavedUsage {
	return {
		pods: usage.pods.map(p => [p.namespace, p.name, p.node, p.cpuMilli, p.memoryBytes, p.containers.map(c => [c.name, c.cpuMilli, c.memoryBytes])]),
		nodes: usage.nodes.map(n => [n.name, n.cpuMilli, n.memoryBytes, n.cpuPercent, n.memoryPercent]),
		cpuMilli: usage.podsCpuMilli,
		memoryBytes: usage.podsMemoryBytes,
	};
}

/** A scrape with the saved usage; its index by pod is made again from the pods, in their order. */
function loadScrape(window: number, nodes: string[], next: number, saved: SavedUsage): Scrape {
	const scrape = newScrape(window, nodes);
	scrape.next = next;
	for (const [namespace, name, node, cpuMilli, memoryBytes, containers] of saved.pods) {
		const usage: PodUsage = {namespace, name, node, cpuMilli, memoryBytes, containers: containers.map(([name, cpuMilli, memoryBytes]) => ({name, cpuMilli, memoryBytes}))};
		scrape.pods.push(usage);
		scrape.byKey.set(`${namespace}/${name}`, usage);
	}
	for (const [name, cpuMilli, memoryBytes, cpuPercent, memoryPercent] of saved.nodes) scrape.nodeUsage.push({name, cpuMilli, memoryBytes, cpuPercent, memoryPercent});
	scrape.cpuMilli = saved.cpuMilli;
	scrape.memoryBytes = saved.memoryBytes;
	return scrape;
}

/**
 * The metrics store as a part of the cluster's state (registered when the
 * cluster is built): the last complete scrape, which answers until the next
 * 15 s window, and the one under way.
 */
export function registerScrapes(context: ControllerContext): void {
	context.state.register<SavedScrapes | null>('scrapes', {
		save() {
			const state = scrapes.get(context);
			if (!state) return null;
			const {done, running} = state;
			return {
				done: done ? [done.window, saveUsage(done.usage)] : null,
				running: running ? [running.window, running.nodes, running.next, saveUsage(reportOf(running))] : null,
			};
		},
		load(saved) {
			scrapes.delete(context);
			if (!saved) return;
			const state: Scrapes = {};
			if (saved.done) state.done = {window: saved.done[0], usage: reportOf(loadScrape(saved.done[0], [], 0, saved.done[1]))};
			if (saved.running) state.running = loadScrape(...saved.running);
			scrapes.set(context, state);
		},
	});
}

function scrapesOf(context: ControllerContext): Scrapes {
	let state = scrapes.get(context);
	if (!state) scrapes.set(context, (state = {}));
	return state;
}

/**
 * Every running pod's and every live node's usage, as the last scrape saw
 * it: taken when first asked for within each 15 s of virtual time (walking
 * every pod in one piece), the same object until the next. A scrape of the
 * window that `scrapeUsage` completed is that one.
 */
export function clusterUsage(context: ControllerContext): UsageReport {
	const window = Math.floor(context.clock.now() / metricResolutionMs);
	const state = scrapesOf(context);
	if (state.done?.window === window) return state.done.usage;
	const usage = sampleUsage(context);
	// A complete scrape of this window: one under way has nothing newer to tell.
	state.done = {window, usage};
	state.running = undefined;
	return usage;
}

function sampleUsage(context: ControllerContext): UsageReport {
	const scrape = newScrape(0, []);
	const perNode = new Map<string, {cpu: number; memory: number}>();
	for (const pod of context.store.list('Pod') as Pod[]) {
		if (!pod.spec?.nodeName || pod.status?.phase !== 'Running') continue;
		const usage = podUsage(context, pod);
		if (!usage) continue;
		addPod(scrape, usage);
		const sum = perNode.get(usage.node) ?? {cpu: 0, memory: 0};
		sum.cpu += usage.cpuMilli;
		sum.memory += usage.memoryBytes;
		perNode.set(usage.node, sum);
	}
	const service = kubelet(context);
	for (const node of context.store.list('Node') as Node[]) {
		if (service.isHalted(node.metadata.name)) continue;
		const sum = perNode.get(node.metadata.name);
		scrape.nodeUsage.push(nodeUsage(context, node, sum?.cpu ?? 0, sum?.memory ?? 0));
	}
	return reportOf(scrape);
}

/**
 * The scrape as metrics-server makes it, kubelet by kubelet, in steps that
 * each take about `budgetMs` of wall time, so that a dashboard over 100,000
 * pods never does it in one long piece. Each node's pods are read when the
 * step reaches the node (at that virtual time). The answer is the last
 * complete scrape (undefined before the first), the same object until the
 * next completes. A scrape begins when the last complete one is from an
 * earlier 15 s window; one under way is finished even if its window has
 * passed. It reads the cluster and changes nothing in it: the engine's own
 * readers (the HPA controller reads `podUsage`) never see it. Done in one
 * step, it finds what `clusterUsage` would at that moment (the pods grouped
 * by node), and `clusterUsage` answers with it for the rest of its window,
 * as metrics-server answers `kubectl top` and a dashboard from one store.
 */
export function scrapeUsage(context: ControllerContext, options: ScrapeOptions = {}): UsageReport | undefined {
	const {budgetMs, shouldYield, minPods = 250} = options;
	const deadline = budgetMs === undefined ? undefined : performance.now() + budgetMs;
	const state = scrapesOf(context);
	let nodes = 0;
	let pods = 0;
	for (;;) {
		const window = Math.floor(context.clock.now() / metricResolutionMs);
		if (!state.running) {
			if (state.done?.window === window) break;
			state.running = startScrape(context, window);
		}
		const scrape = state.running;
		while (scrape.next < scrape.nodes.length) {
			if (nodes > 0 && pods >= minPods && (shouldYield?.() || (deadline !== undefined && performance.now() >= deadline))) return state.done?.usage;
			pods += scrapeNode(context, scrape, scrape.nodes[scrape.next++]!);
			nodes++;
		}
		state.done = {window: scrape.window, usage: reportOf(scrape)};
		state.running = undefined;
	}
	return state.done?.usage;
}

/** Whether a node-by-node scrape is under way (begun, not finished). */
export function scrapeRunning(context: ControllerContext): boolean {
	return scrapes.get(context)?.running !== undefined;
}

function startScrape(context: ControllerContext, window: number): Scrape {
	const nodes = new Set<string>();
	for (const node of context.store.list('Node')) nodes.add(node.metadata.name);
	// Pods on a node whose object is gone still run, and count, as in `clusterUsage`.
	for (const name of kubelet(context).nodesWithPods()) nodes.add(name);
	return newScrape(window, [...nodes]);
}

function newScrape(window: number, nodes: string[]): Scrape {
	return {window, nodes, next: 0, pods: [], nodeUsage: [], byKey: new Map(), cpuMilli: 0, memoryBytes: 0};
}

/** A running pod's usage, into the scrape's list, index and sums. */
function addPod(scrape: Scrape, usage: PodUsage): void {
	scrape.pods.push(usage);
	scrape.byKey.set(`${usage.namespace}/${usage.name}`, usage);
	scrape.cpuMilli += usage.cpuMilli;
	scrape.memoryBytes += usage.memoryBytes;
}

function reportOf(scrape: Scrape): UsageReport {
	return {pods: scrape.pods, nodes: scrape.nodeUsage, byKey: scrape.byKey, podsCpuMilli: scrape.cpuMilli, podsMemoryBytes: scrape.memoryBytes};
}

/** One kubelet's answer: its running pods' usage and the node's; returns how many pods it looked at. */
function scrapeNode(context: ControllerContext, scrape: Scrape, name: string): number {
	const service = kubelet(context);
	const runtime = service.runtimeFor(name);
	let cpu = 0;
	let memory = 0;
	let looked = 0;
	if (runtime) {
		for (const running of service.podsOn(name)) {
			looked++;
			const pod = context.store.getByUid(running.uid) as Pod | undefined;
			if (pod?.spec?.nodeName !== name || pod.status?.phase !== 'Running') continue;
			const usage = usageOf(runtime, pod, running.slots);
			if (!usage) continue;
			addPod(scrape, usage);
			cpu += usage.cpuMilli;
			memory += usage.memoryBytes;
		}
	}
	const node = context.store.get('Node', undefined, name) as Node | undefined;
	if (node && !service.isHalted(name)) scrape.nodeUsage.push(nodeUsage(context, node, cpu, memory));
	return looked;
}

/** A live node's usage: its system daemons' (which wobble from one 15 s sample to the next) plus its pods'. */
function nodeUsage(context: ControllerContext, node: Node, podsCpuMilli: number, podsMemoryBytes: number): NodeUsage {
	const name = node.metadata.name;
	const wobble = 0.9 + 0.2 * ((Math.floor(context.clock.now() / 15_000) * 7919 + name.length * 104_729) % 1000) / 1000;
	const cpuMilli = Math.round(systemCpuMilli * wobble + podsCpuMilli);
	const memoryBytes = Math.round(systemMemoryBytes * (0.98 + 0.04 * (wobble - 0.9) / 0.2) + podsMemoryBytes);
	const allocatableCpu = milliCpu(node.status?.allocatable?.cpu) || 1;
	const allocatableMemory = bytes(node.status?.allocatable?.memory) || 1;
	return {name, cpuMilli, memoryBytes, cpuPercent: Math.round(100 * cpuMilli / allocatableCpu), memoryPercent: Math.round(100 * memoryBytes / allocatableMemory)};
}

/** One HTTP request that `kubectl port-forward` carries to a pod's port. */
export type ForwardedRequest = {method: string; path: string; userAgent?: string};
export type ForwardedReply = {ok: true; status: number; head: string; body: string} | {ok: false; error: string};

/**
 * `kubectl port-forward`: one HTTP request to the pod's port, as the kubelet's
 * forwarder delivers it: from inside the pod's network namespace, so the
 * server sees it come from 127.0.0.1 and any of the pod's containers that
 * listens on the port answers. A port nobody listens on is refused with the
 * runtime's words.
 */
export function portForwardRequest(context: ControllerContext, name: string, port: number, request: ForwardedRequest, namespace?: string): ForwardedReply {
	const pod = podOf(context, name, namespace);
	const runtime = runtimeOf(context, pod);
	const sandbox = kubelet(context).sandboxIdOf(pod.metadata.uid) ?? '';
	// containerd's words, with the pod's sandbox and its network namespace (named after the sandbox here).
	const netns = `/var/run/netns/cni-${sandbox.slice(0, 8)}-${sandbox.slice(8, 12)}-${sandbox.slice(12, 16)}-${sandbox.slice(16, 20)}-${sandbox.slice(20, 32)}`;
	const refused: ForwardedReply = {ok: false, error: `error forwarding port ${port} to pod ${sandbox}, uid : failed to execute portforward in network namespace "${netns}": failed to connect to localhost:${port} inside namespace "${sandbox}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `};
	if (!runtime || !sandbox || pod.status?.phase !== 'Running' || context.services.kubelet?.isHalted(pod.spec!.nodeName!)) return refused;
	for (const container of pod.spec?.containers ?? []) {
		const id = kubelet(context).containerIdOf(pod.metadata.uid, container.name);
		if (!id) continue;
		const response = runtime.handleRequest(id, {method: request.method, path: request.path, port, from: '127.0.0.1', userAgent: request.userAgent ?? ''});
		if (response.ok) return {ok: true, status: response.status, head: response.head ?? `HTTP/1.1 ${response.status} OK\r\nContent-Length: ${response.bytes}\r\n\r\n`, body: response.body};
	}
	return refused;
}
