import type {ControllerContext} from '../controller.js';
import type {
	ContainerConfig, ContainerRuntime, ContainerStatusResult, CreateResult, ExecResult, ExitListener,
	ProbeResult, PullResult, SandboxConfig,
} from './cri.js';
import type {Probe} from '../api/types.js';

type Sandbox = {id: string; config: SandboxConfig; ready: boolean};
type ContainerRecord = {status: ContainerStatusResult; config: ContainerConfig; sandboxId: string; exitTimer?: {cancel(): void}};

/**
 * A container runtime for one node. Images pull in a time that grows with
 * their size; a container's process runs until it exits by itself or is
 * stopped. The process model is deliberately small here: `sh -c "exit N"`
 * style commands exit, everything else serves forever.
 */
export class MockRuntime implements ContainerRuntime {
	private readonly sandboxes = new Map<string, Sandbox>();
	private readonly containers = new Map<string, ContainerRecord>();
	private readonly images = new Map<string, number>();
	private readonly listeners: ExitListener[] = [];
	private halted = false;

	constructor(readonly nodeName: string, private readonly context: ControllerContext) {}

	runPodSandbox(config: SandboxConfig) {
		const id = this.hexId();
		this.sandboxes.set(id, {id, config, ready: true});
		return {sandboxId: id, durationMs: this.context.random.jitter(400)};
	}

	stopPodSandbox(sandboxId: string): void {
		const sandbox = this.sandboxes.get(sandboxId);
		if (sandbox) sandbox.ready = false;
		for (const record of this.containers.values()) {
			if (record.sandboxId === sandboxId && record.status.state === 'CONTAINER_RUNNING') this.finish(record, 137, 'Error', false);
		}
	}

	removePodSandbox(sandboxId: string): void {
		this.stopPodSandbox(sandboxId);
		for (const [id, record] of this.containers) if (record.sandboxId === sandboxId) this.containers.delete(id);
		this.sandboxes.delete(sandboxId);
	}

	imageStatus(image: string) {
		const size = this.images.get(image);
		return size === undefined ? {present: false} : {present: true, sizeBytes: size, imageRef: this.imageRef(image)};
	}

	pullImage(image: string): PullResult {
		const sizeBytes = 20_000_000 + this.context.random.int(0, 60_000_000);
		this.images.set(image, sizeBytes);
		return {ok: true, durationMs: Math.round(500 + sizeBytes / 40_000), sizeBytes, imageRef: this.imageRef(image)};
	}

	createContainer(sandboxId: string, config: ContainerConfig): CreateResult {
		const id = this.hexId();
		const now = this.context.clock.now();
		this.containers.set(id, {
			sandboxId,
			config,
			status: {id, name: config.container.name, state: 'CONTAINER_CREATED', createdAt: now, image: config.container.image, imageRef: this.imageRef(config.container.image)},
		});
		return {ok: true, containerId: id, durationMs: this.context.random.jitter(100)};
	}

	startContainer(containerId: string) {
		const record = this.containers.get(containerId);
		if (!record) return {ok: false as const, message: `container ${containerId} not found`};
		record.status = {...record.status, state: 'CONTAINER_RUNNING', startedAt: this.context.clock.now()};
		const exit = scriptedExit([...(record.config.container.command ?? []), ...(record.config.container.args ?? [])]);
		if (exit !== undefined) {
			record.exitTimer = this.context.clock.after(this.context.random.jitter(200), () => this.finish(record, exit, exit === 0 ? 'Completed' : 'Error', true));
		}
		return {ok: true as const};
	}

	stopContainer(containerId: string, _timeoutSeconds: number) {
		const record = this.containers.get(containerId)!;
		const durationMs = record.status.state === 'CONTAINER_RUNNING' ? this.context.random.jitter(300) : 0;
		if (record.status.state === 'CONTAINER_RUNNING') this.finish(record, 0, 'Completed', false, this.context.clock.now() + durationMs);
		return {durationMs, status: record.status};
	}

	removeContainer(containerId: string): void {
		this.containers.delete(containerId);
	}

	containerStatus(containerId: string) {
		return this.containers.get(containerId)?.status;
	}

	listContainers(filter: {podUid?: string} = {}) {
		const out: ContainerStatusResult[] = [];
		for (const record of this.containers.values()) {
			if (!filter.podUid || record.config.pod.metadata.uid === filter.podUid) out.push(record.status);
		}
		return out;
	}

	execSync(containerId: string, argv: string[]): ExecResult {
		const record = this.containers.get(containerId);
		if (!record || record.status.state !== 'CONTAINER_RUNNING') return {stdout: '', stderr: 'container not running', exitCode: 126};
		return {stdout: '', stderr: `${argv[0] ?? ''}: not found`, exitCode: 127};
	}

	probe(containerId: string, _probe: Probe): ProbeResult {
		const running = this.containers.get(containerId)?.status.state === 'CONTAINER_RUNNING';
		return {success: running, output: running ? '' : 'container not running'};
	}

	onContainerExit(listener: ExitListener): void {
		this.listeners.push(listener);
	}

	halt(): void {
		this.halted = true;
		for (const record of this.containers.values()) record.exitTimer?.cancel();
	}

	private finish(record: ContainerRecord, exitCode: number, reason: string, notify: boolean, at = this.context.clock.now()): void {
		record.exitTimer?.cancel();
		record.status = {...record.status, state: 'CONTAINER_EXITED', exitCode, reason, finishedAt: at};
		if (notify && !this.halted) for (const listener of this.listeners) listener(record.status);
	}

	private imageRef(image: string): string {
		return `docker.io/library/${image}@sha256:${'0'.repeat(64)}`;
	}

	private hexId(): string {
		let id = '';
		for (let i = 0; i < 64; i++) id += this.context.random.int(0, 15).toString(16);
		return id;
	}
}

/** `sh -c "exit 3"` → 3, `true` → 0, `false` → 1; undefined for a process that keeps running. */
function scriptedExit(argv: string[]): number | undefined {
	const script = argv[0] === 'sh' || argv[0] === '/bin/sh' ? argv.slice(argv.indexOf('-c') + 1).join(' ') : argv.join(' ');
	const match = /^\s*exit\s+(\d+)\s*$/.exec(script);
	if (match) return Number(match[1]);
	if (script.trim() === 'true') return 0;
	if (script.trim() === 'false') return 1;
	return undefined;
}

export function createMockRuntime(context: ControllerContext) {
	return (nodeName: string): ContainerRuntime => new MockRuntime(nodeName, context);
}
