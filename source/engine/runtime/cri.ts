import type {Container, Pod, Probe} from '../api/types.js';

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
};

export type PullResult =
	| {ok: true; durationMs: number; sizeBytes: number; imageRef: string}
	| {ok: false; durationMs: number; message: string};

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
};

export type ExecResult = {stdout: string; stderr: string; exitCode: number};

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
	imageStatus(image: string): {present: boolean; sizeBytes?: number; imageRef?: string};
	pullImage(image: string): PullResult;
	createContainer(sandboxId: string, config: ContainerConfig): CreateResult;
	/** Start the container's process; an exit is reported later to the exit listeners. */
	startContainer(containerId: string): {ok: true} | {ok: false; message: string};
	/** Send TERM, then KILL after `timeoutSeconds`; returns when the process is gone. */
	stopContainer(containerId: string, timeoutSeconds: number): {durationMs: number; status: ContainerStatusResult};
	removeContainer(containerId: string): void;
	containerStatus(containerId: string): ContainerStatusResult | undefined;
	listContainers(filter?: {podUid?: string}): ContainerStatusResult[];
	execSync(containerId: string, argv: string[], timeoutSeconds?: number): ExecResult;
	/** Run a probe (exec, httpGet, tcpSocket, grpc) against a running container. */
	probe(containerId: string, probe: Probe): ProbeResult;
	onContainerExit(listener: ExitListener): void;
	/** The machine stops: every process ends with no exit reported (node failure). */
	halt(): void;
}

/** Makes the runtime for one node; the engine keeps one per node. */
export type RuntimeFactory = (nodeName: string) => ContainerRuntime;
