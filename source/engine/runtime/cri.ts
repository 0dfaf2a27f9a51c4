import type {Container, Pod, Probe} from '../api/types.js';
import type {LaterState, Loading, Saving} from '../state.js';
import type {Syscall} from './syscalls.js';

/**
 * The CRI-shaped contract between a kubelet and its node's container runtime
 * (`k8s.io/cri-api` RuntimeService and ImageService). Calls are synchronous
 * and say how long the real operation would take; the kubelet waits that long
 * on the virtual clock before it acts on the result.
 */

export type SandboxConfig = {
	pod: Pod;
	/** Pod IP the CNI plugin assigned. */
	podIP: string;
	attempt: number;
};

export type ContainerConfig = {
	pod: Pod;
	container: Container;
	/** Restart attempt, 0 for the first start. */
	attempt: number;
	/** Init container (runs to completion before app containers start). */
	init: boolean;
	/** An ephemeral container (`kubectl debug`): its spec is among the pod's ephemeral containers. */
	ephemeral?: boolean;
	/** The container whose process namespace an ephemeral container joins (`targetContainerName`): it sees that container's processes. */
	targetContainerId?: string;
	/**
	 * The environment the kubelet resolved (env, envFrom, ConfigMaps, Secrets,
	 * downward API, service variables). Without it only literal `env` values are used.
	 */
	env?: Record<string, string>;
	/** Node memory, the limit of a container without one (the node's OOM killer). */
	nodeMemoryBytes?: number;
};

export type PullResult =
	/** `generic`: the simulator does not know the image, and runs it as a generic container. */
	| {ok: true; durationMs: number; sizeBytes: number; imageRef: string; generic?: boolean}
	| {ok: false; durationMs: number; message: string; reason?: 'ErrImagePull' | 'InvalidImageName'};

export type CreateResult =
	| {ok: true; containerId: string; durationMs: number}
	| {ok: false; reason: 'CreateContainerConfigError' | 'CreateContainerError'; message: string};

export type ContainerRuntimeState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export type ContainerStatusResult = {
	id: string;
	name: string;
	state: ContainerRuntimeState;
	createdAt: number;
	startedAt?: number;
	finishedAt?: number;
	exitCode?: number;
	/** `Completed`, `Error`, `OOMKilled`, `StartError`, ... (containerd's reasons). */
	reason?: string;
	image: string;
	imageRef: string;
	/** Why it ended, when the runtime says (StartError text, OOM). */
	message?: string;
};

/** A request reaching a container's port (from a Service, a probe or a test). */
export type HttpRequest = {
	method?: string;
	path?: string;
	/** Client IP, as the access log shows it. */
	from?: string;
	/** Container port; default: the first port the process listens on. */
	port?: number;
	userAgent?: string;
	/** Identical requests at once (traffic generators); one access-log line each. */
	count?: number;
};

export type HttpResponse =
	| {ok: true; status: number; body: string; bytes: number; /** The status line and headers as the server sends them, with the blank line after. */ head?: string}
	| {ok: false; error: string};

/** One line of a container's output. */
export type LogLine = {at: number; stream: 'stdout' | 'stderr'; text: string};

/** One runtime call, for the node's CRI call log. */
export type CriCall = {at: number; method: string; request: string; response: string};

/** Simulated resource use, as metrics-server would report it. */
export type Usage = {cpuMilli: number; memoryBytes: number};

export type ExecResult = {stdout: string; stderr: string; exitCode: number};

/** An interactive shell in a container: one process whose directory and variables last from line to line. */
export type ShellSession = {
	/** The runtime's number for it, by which a runtime loaded from saved state finds it again (`MockRuntime.shellSession`). */
	id?: number;
	/** The shell's program name: sh, bash, ash or dash. */
	shell: string;
	/** Its working directory. */
	cwd(): string;
	/** One of its variables (HOME, PS1, ...). */
	variable(name: string): string | undefined;
	/** The prompt it prints before each line, as that shell's default prompt looks in that image. */
	prompt(): string;
	/** Run one typed line; `exited` once the shell has ended (`exit`, or its container stopped). */
	run(line: string): ExecResult & {exited: boolean};
	/** End the shell (the terminal went away). */
	close(): void;
};

export type ProbeResult = {success: boolean; output: string};

/** A container exited by itself (not through StopContainer). */
export type ExitListener = (status: ContainerStatusResult) => void;

export interface ContainerRuntime {
	/** The node this runtime runs on. */
	readonly nodeName: string;
	runPodSandbox(config: SandboxConfig): {sandboxId: string; durationMs: number};
	stopPodSandbox(sandboxId: string): void;
	removePodSandbox(sandboxId: string): void;
	/** Image present on the node? */
	imageStatus(image: string): {present: boolean; sizeBytes?: number; imageRef?: string; generic?: boolean};
	pullImage(image: string): PullResult;
	createContainer(sandboxId: string, config: ContainerConfig): CreateResult;
	/** Start the container's process; an exit is reported later to the exit listeners. */
	startContainer(containerId: string): {ok: true} | {ok: false; message: string};
	/** Send TERM, then KILL after `timeoutSeconds`; returns when the process is gone. */
	stopContainer(containerId: string, timeoutSeconds: number): {durationMs: number; status: ContainerStatusResult};
	removeContainer(containerId: string): void;
	containerStatus(containerId: string): ContainerStatusResult | undefined;
	listContainers(filter?: {podUid?: string}): ContainerStatusResult[];
	execSync(containerId: string, argv: string[], timeoutSeconds?: number, stdin?: string): ExecResult;
	/** An interactive shell (`kubectl exec -it`); `result` says why there is none. */
	openShell(containerId: string, argv: string[], options?: {attach?: boolean}): {session?: ShellSession; result?: ExecResult};
	/** Run a probe (exec, httpGet, tcpSocket, grpc) against a running container. */
	probe(containerId: string, probe: Probe): ProbeResult;
	onContainerExit(listener: ExitListener): void;
	/** The machine stops: every process ends with no exit reported (node failure). */
	halt(): void;
	/**
	 * A request to a container's port: the server answers and logs it (an
	 * access-log line, accept/recv/send in the trace). Services reach pods
	 * through the kubelet's `network.requestHandler` service, which calls this.
	 */
	handleRequest(containerId: string, request: HttpRequest): HttpResponse;
	/** A process in the container writes a line (other parts of the engine, e.g. a database's replication, log through it). */
	writeLog(containerId: string, stream: 'stdout' | 'stderr', text: string): void;
	/** The container's output, oldest first. */
	containerLogs(containerId: string): LogLine[];
	/** System calls of a container, or of a sandbox (pause, CNI) when given a sandbox id. */
	syscalls(id: string): Syscall[];
	/** The node's recent CRI calls, oldest first. */
	criLog(): CriCall[];
	/** CPU and memory of one container (undefined when it is not running). */
	containerUsage(containerId: string): Usage | undefined;
	/** Images on the node, as node.status.images lists them. */
	listImages(): Array<{names: string[]; sizeBytes: number}>;
	/**
	 * The runtime's state as data (`StatePart`): its sandboxes and containers,
	 * images in pull order, CRI log, host paths and counters. A runtime that
	 * cannot save (one a test plugs in) leaves it undefined.
	 */
	save?(saving: Saving): unknown;
	/** Replace the runtime's state with a saved one (see `StatePart.load`). */
	load?(saved: unknown, loading: Loading): void;
	/** `load` a state still as text when the runtime is first used; until then `loaded` does it (every way to the runtime calls it first). */
	loadLater?(saved: LaterState, loading: Loading): void;
	/** Load what `loadLater` left for first use, if anything. */
	loaded?(): void;
	/** The interactive shell of number `id` (a session's `id`), open or ended, once the runtime's state was loaded. */
	shellSession?(id: number): ShellSession | undefined;
	/** The files of a folder of the node, as the host paths its pods mounted hold them (undefined when none reaches it). */
	nodeFiles?(dir: string): Array<{name: string; content: string}> | undefined;
}

/** Makes the runtime for one node; the engine keeps one per node. */
export type RuntimeFactory = (nodeName: string) => ContainerRuntime;
