import type {ControllerContext} from '../controller.js';
import type {TimerHandle} from '../clock.js';
import type {Pod, Probe, Volume} from '../api/types.js';
import type {ConfigMap, Secret} from '../api/config-objects.js';
import {bytes as quantityBytes, milliCpu} from '../api/quantity.js';
import type {
	ContainerConfig, ContainerRuntime, ContainerStatusResult, CreateResult, CriCall, ExecResult, ExitListener,
	HttpRequest, HttpResponse, LogLine, ProbeResult, PullResult, SandboxConfig, Usage,
} from './cri.js';
import {FileTree, MountedFs, normalizePath, volumeProviderOf, type FileSystem, type Mount} from './filetree.js';
import {execCommand, type ProcessInfo} from './commands.js';
import {Shell, isShell, type ShellEffect, type ShellIo} from './shell/interpreter.js';
import {osFiles, resolveImage, type Behaviour, type ResolvedImage} from './images.js';
import {Ring} from './ring.js';
import {Trace, categoryOf as categoryFor, containerTraceCapacity, sandboxTraceCapacity, quoteBuffer, type Syscall} from './syscalls.js';
import {cniSetup, runcStart, serverStart, type Step} from './recipes.js';

/** Lines of output one container keeps. */
export const containerLogCapacity = 1000;
/** CRI calls one node keeps. */
export const criLogCapacity = 1000;
/** Probes identify themselves as the kubelet's version. */
export const probeUserAgent = 'kube-probe/1.31';
/** Access-log lines written per request batch (a traffic tick with many requests). */
const accessLinesPerBatch = 20;

type ServerBehaviour = Extract<Behaviour, {kind: 'server'}>;
type Mode = 'server' | 'shell' | 'program' | 'run' | 'pause';

type Sandbox = {
	id: string;
	config: SandboxConfig;
	podIP: string;
	hostname: string;
	ready: boolean;
	pid: number;
	trace: Trace;
	emptyDirs: Map<string, FileTree>;
	/** Claims with no provider tree: an empty tree that lives with the pod. */
	claims: Map<string, FileTree>;
};

type ContainerRecord = {
	id: string;
	sandbox: Sandbox;
	config: ContainerConfig;
	image: ResolvedImage;
	status: ContainerStatusResult;
	argv: string[];
	env: Record<string, string>;
	mode: Mode;
	found: boolean;
	/** Host pid of the container's PID 1, and of a server's worker. */
	pid: number;
	workerPid: number;
	trace: Trace;
	logs: Ring<LogLine>;
	/** The container's writable layer over the image, made on first use. */
	upper?: FileTree;
	view?: {fs: MountedFs; at: number};
	listenAt: number;
	ports: readonly number[];
	/** Resident memory of the main process (bytes). */
	memoryBytes: number;
	limitBytes: number;
	busy: boolean;
	timers: Set<TimerHandle>;
	stopping: boolean;
	/** Requests served in the current and the previous virtual second. */
	requests: {second: number; count: number; previous: number};
	program?: Generator<ShellEffect, number>;
	execs: number;
	/** Inside StartContainer: an exit now is read from the status, not reported to listeners. */
	starting: boolean;
};

/**
 * The container runtime of one node (containerd + runc, simulated): pulls
 * images from the simulated registry (images.ts), runs each container's
 * main process by its image's behaviour or through the shell, keeps logs and
 * strace-like traces in bounded rings, serves HTTP for web servers, and
 * answers exec and probes. Idle servers cost no timers: their start-up output
 * carries its own timestamps and their start-up trace is spelled out only
 * when read.
 */
export class MockRuntime implements ContainerRuntime {
	private readonly sandboxes = new Map<string, Sandbox>();
	private readonly containers = new Map<string, ContainerRecord>();
	private readonly images = new Map<string, ResolvedImage>();
	private readonly listeners: ExitListener[] = [];
	private readonly calls = new Ring<CriCall>(criLogCapacity);
	private readonly hostPaths = new Map<string, FileTree>();
	private halted = false;
	private nextPid: number;
	private readonly containerdPid = 412;
	private readonly shimPid = 1300;

	constructor(readonly nodeName: string, private readonly context: ControllerContext) {
		this.nextPid = 2000 + context.random.int(0, 999);
	}

	private get now(): number {
		return this.context.clock.now();
	}

	private call(method: string, request: string, response: string): void {
		this.calls.push({at: this.now, method, request, response});
	}

	private pid(): number {
		this.nextPid = this.nextPid >= 4_194_000 ? 300 : this.nextPid + 1;
		return this.nextPid;
	}

	// ----- sandboxes -----------------------------------------------------------------

	runPodSandbox(config: SandboxConfig) {
		const id = this.hexId();
		const pod = config.pod;
		const hostname = pod.spec?.hostname ?? pod.metadata.name.slice(0, 63);
		const trace = new Trace(sandboxTraceCapacity);
		const sandbox: Sandbox = {id, config, podIP: config.podIP, hostname, ready: true, pid: 0, trace, emptyDirs: new Map(), claims: new Map()};
		const pids = {create: this.pid(), stage0: this.pid(), stage1: this.pid(), init: this.pid(), start: this.pid()};
		sandbox.pid = pids.init;
		const at = this.now;
		const containerdPid = this.containerdPid;
		const shimPid = this.shimPid;
		trace.deferred(() => spellSteps(at, [
			...cniSetup(containerdPid, config.podIP, id),
			...runcStart({id, shimPid, pids, hostname, argv: ['/pause'], executable: '/pause', envCount: 1, mounts: [], found: true}),
			[pids.init, 'rt_sigaction', 'SIGINT, {sa_handler=0x401000, sa_mask=[], sa_flags=SA_RESTORER}, NULL, 8', 0],
			[pids.init, 'rt_sigaction', 'SIGTERM, {sa_handler=0x401000, sa_mask=[], sa_flags=SA_RESTORER}, NULL, 8', 0],
			[pids.init, 'rt_sigaction', 'SIGCHLD, {sa_handler=0x401020, sa_mask=[], sa_flags=SA_RESTORER|SA_NOCLDSTOP}, NULL, 8', 0],
			[pids.init, 'pause', '', '?'],
		]));
		this.sandboxes.set(id, sandbox);
		const durationMs = this.context.random.jitter(400);
		this.call('RunPodSandbox', `${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_${config.attempt}`, `pod_sandbox_id=${id.slice(0, 13)} ip=${config.podIP}`);
		return {sandboxId: id, durationMs};
	}

	stopPodSandbox(sandboxId: string): void {
		const sandbox = this.sandboxes.get(sandboxId);
		this.call('StopPodSandbox', sandboxId.slice(0, 13), sandbox ? 'ok' : 'not found (ok)');
		if (!sandbox || !sandbox.ready) return;
		sandbox.ready = false;
		for (const record of this.containers.values()) {
			if (record.sandbox === sandbox && record.status.state === 'CONTAINER_RUNNING') {
				record.trace.emit(this.now, this.shimPid, 'kill', `${record.pid}, SIGKILL`, 0);
				this.finish(record, 137, 'Error', false);
			}
		}
		sandbox.trace.emit(this.now, this.shimPid, 'kill', `${sandbox.pid}, SIGKILL`, 0);
		sandbox.trace.emit(this.now, this.containerdPid, 'umount2', `"/var/run/netns/cni-${sandbox.id.slice(0, 8)}-${sandbox.id.slice(8, 12)}-${sandbox.id.slice(12, 16)}", MNT_DETACH`, 0);
	}

	removePodSandbox(sandboxId: string): void {
		const sandbox = this.sandboxes.get(sandboxId);
		if (sandbox?.ready) this.stopPodSandbox(sandboxId);
		this.call('RemovePodSandbox', sandboxId.slice(0, 13), 'ok');
		for (const [id, record] of this.containers) {
			if (record.sandbox.id === sandboxId) {
				this.cancelTimers(record);
				this.containers.delete(id);
			}
		}
		this.sandboxes.delete(sandboxId);
	}

	// ----- images ------------------------------------------------------------------------

	imageStatus(image: string) {
		const found = this.lookupImage(image);
		this.call('ImageStatus', image, found ? `${found.reference.normalized} size=${found.size}` : 'not present');
		return found ? {present: true, sizeBytes: found.size, imageRef: imageRefOf(found)} : {present: false};
	}

	pullImage(image: string): PullResult {
		const resolved = resolveImage(image);
		if (!resolved.ok) {
			const durationMs = resolved.reason === 'InvalidImageName' ? 0 : this.context.random.jitter(900);
			this.call('PullImage', image, `error: ${resolved.message}`);
			return {ok: false, durationMs, message: resolved.message, reason: resolved.reason};
		}
		const found = resolved.image;
		this.images.set(found.reference.normalized, found);
		// Registry latency plus transfer and unpack at about 40 MB/s.
		const durationMs = this.context.random.jitter(300 + found.size / 40_000, 0.25);
		this.call('PullImage', image, `image_ref=${imageRefOf(found)}`);
		return {ok: true, durationMs, sizeBytes: found.size, imageRef: imageRefOf(found)};
	}

	listImages(): Array<{names: string[]; sizeBytes: number}> {
		return [...this.images.values()].map(image => ({names: [imageRefOf(image), image.reference.normalized], sizeBytes: image.size}));
	}

	private lookupImage(image: string): ResolvedImage | undefined {
		const resolved = resolveImage(image);
		return resolved.ok ? this.images.get(resolved.image.reference.normalized) : undefined;
	}

	// ----- containers ----------------------------------------------------------------------

	createContainer(sandboxId: string, config: ContainerConfig): CreateResult {
		const sandbox = this.sandboxes.get(sandboxId);
		const {container, pod} = config;
		const name = `${container.name}_${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_${config.attempt}`;
		if (!sandbox || !sandbox.ready) {
			const message = `failed to create containerd container: sandbox ${sandboxId.slice(0, 13)} is not ready`;
			this.call('CreateContainer', name, `error: ${message}`);
			return {ok: false, reason: 'CreateContainerError', message};
		}
		const image = this.lookupImage(container.image);
		if (!image) {
			const message = `failed to create containerd container: error unpacking image: image "${container.image}": not found`;
			this.call('CreateContainer', name, `error: ${message}`);
			return {ok: false, reason: 'CreateContainerError', message};
		}
		const id = this.hexId();
		const env = buildEnv(image, config, sandbox.hostname);
		const command = container.command ?? image.spec.entrypoint ?? [];
		const args = container.args ?? (container.command ? [] : image.spec.cmd ?? []);
		const argv = [...command, ...args].map(word => expandReferences(word, env));
		const {mode, found} = planProcess(image, argv);
		const limit = quantityBytes(container.resources?.limits?.memory);
		const record: ContainerRecord = {
			id, sandbox, config, image, argv, env, mode, found,
			status: {id, name: container.name, state: 'CONTAINER_CREATED', createdAt: this.now, image: container.image, imageRef: imageRefOf(image)},
			pid: 0, workerPid: 0,
			trace: new Trace(containerTraceCapacity),
			logs: new Ring(containerLogCapacity),
			listenAt: Number.POSITIVE_INFINITY,
			ports: [],
			memoryBytes: 0,
			limitBytes: limit > 0 ? limit : (config.nodeMemoryBytes ?? 16 * 2 ** 30),
			busy: false,
			timers: new Set(),
			stopping: false,
			requests: {second: 0, count: 0, previous: 0},
			execs: 0,
			starting: false,
		};
		this.containers.set(id, record);
		this.call('CreateContainer', name, `container_id=${id.slice(0, 13)}`);
		return {ok: true, containerId: id, durationMs: this.context.random.jitter(80)};
	}

	startContainer(containerId: string) {
		const record = this.containers.get(containerId);
		if (!record) {
			this.call('StartContainer', containerId.slice(0, 13), 'error: not found');
			return {ok: false as const, message: `failed to start container "${containerId}": container not found`};
		}
		const start = this.now;
		record.pid = this.pid();
		const pids = {create: this.pid(), stage0: this.pid(), stage1: this.pid(), init: record.pid, start: this.pid()};
		record.status = {...record.status, state: 'CONTAINER_RUNNING', startedAt: start};
		record.memoryBytes = Math.round(record.image.spec.memoryBytes * (0.9 + 0.2 * hashUnit(record.id, 0)));
		const mounts = this.mountPlan(record);
		const executable = resolveExecutable(record.argv[0] ?? '');
		const runc = {id: record.id, shimPid: this.shimPid, pids, sandboxPid: record.sandbox.pid, hostname: record.sandbox.hostname,
			argv: record.argv, executable, envCount: Object.keys(record.env).length, mounts, found: record.found};
		this.call('StartContainer', containerId.slice(0, 13), record.found ? 'ok' : 'error: executable file not found');
		if (!record.found) {
			record.trace.deferred(() => spellSteps(start, runcStart(runc)));
			const what = record.argv[0] === undefined ? 'no command specified' : `exec: "${record.argv[0]}": executable file not found in $PATH`;
			this.finish(record, 128, 'StartError', false, `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${what}: unknown`);
			return {ok: true as const};
		}
		record.starting = true;
		try {
			this.run(record, runc, start);
		} finally {
			record.starting = false;
		}
		return {ok: true as const};
	}

	private run(record: ContainerRecord, runc: Parameters<typeof runcStart>[0], start: number): void {
		switch (record.mode) {
			case 'server':
				this.startServer(record, runc, start);
				break;
			case 'run':
				this.startRun(record, runc, start);
				break;
			case 'pause':
				record.trace.deferred(() => spellSteps(start, [...runcStart(runc), [record.pid, 'pause', '', '?']]));
				break;
			default:
				record.trace.deferred(() => spellSteps(start, runcStart(runc)));
				this.startShell(record);
		}
	}

	private startServer(record: ContainerRecord, runc: Parameters<typeof runcStart>[0], start: number): void {
		const behaviour = record.image.spec.behaviour as ServerBehaviour;
		const missing = behaviour.requires && !behaviour.requires.anyEnv.some(name => record.env[name]);
		if (missing) {
			record.trace.deferred(() => spellSteps(start, runcStart(runc)));
			for (const line of behaviour.requires!.lines) this.log(record, start, 'stderr', renderLine(line, record, start));
			this.timer(record, 60, () => this.finish(record, behaviour.requires!.exitCode, undefined, true));
			return;
		}
		for (const {at, line, stream} of behaviour.startup) this.log(record, start + at, stream ?? 'stdout', renderLine(line, record, start + at));
		record.ports = behaviour.ports;
		record.listenAt = start + behaviour.readyAfterMs;
		record.workerPid = behaviour.accessLog === 'nginx' && behaviour.http === 'static' ? this.pid() : record.pid;
		const listenAt = record.listenAt;
		const config = behaviour.accessLog === 'nginx' ? '/etc/nginx/nginx.conf' : undefined;
		record.trace.deferred(() => [
			...spellSteps(start, runcStart(runc)),
			...spellSteps(listenAt, serverStart(record.pid, record.workerPid, behaviour.ports, config)),
		]);
		this.checkMemory(record, behaviour.readyAfterMs / 2 + 200);
	}

	private startRun(record: ContainerRecord, runc: Parameters<typeof runcStart>[0], start: number): void {
		const behaviour = record.image.spec.behaviour;
		const run = behaviour.kind === 'run' ? behaviour : {durationMs: [2000, 8000] as [number, number], exitCode: 0, lines: []};
		const interpreted = !record.image.spec.serves?.includes(record.argv[0] ?? '') && !record.image.spec.serves?.includes(basename(record.argv[0] ?? ''));
		const [min, max] = interpreted && run.durationMs[1] === 0 ? [2000, 8000] : run.durationMs;
		const duration = min + Math.round(this.context.random.next() * (max - min));
		const output = interpreted ? interpreterOutput(record.argv) : run.lines;
		const exitCode = interpreted ? 0 : run.exitCode;
		record.busy = interpreted;
		record.trace.deferred(() => spellSteps(start, runcStart(runc)));
		this.checkMemory(record, 300);
		this.timer(record, duration, () => {
			for (const line of output) this.log(record, this.now, 'stdout', line);
			if (output.length > 0) record.trace.emit(this.now, record.pid, 'write', `1, ${quoteBuffer(output.join('\n') + '\n')}, ${output.join('\n').length + 1}`, output.join('\n').length + 1);
			record.trace.emit(this.now, record.pid, 'exit_group', String(exitCode), '?');
			this.finish(record, exitCode, undefined, true);
		});
	}

	private startShell(record: ContainerRecord): void {
		const io: ShellIo = {
			base: this.execBase(record),
			now: () => this.now,
			out: text => this.logText(record, 'stdout', text),
			err: text => this.logText(record, 'stderr', text),
			trace: (pid, name, args, ret) => record.trace.emit(this.now, pid, name, args, ret),
			nextPid: () => this.pid(),
			pid: record.pid,
			exec: false,
		};
		const shell = new Shell(io, {...record.env}, record.config.container.workingDir ?? record.image.spec.workingDir ?? '/');
		if (record.mode === 'shell') {
			const args = record.argv.slice(1);
			const index = args.indexOf('-c');
			record.program = shell.script(index >= 0 ? args.slice(index + 1).join(' ') : '');
		} else {
			record.program = shell.program(record.argv);
		}
		if (this.checkMemory(record, 200)) return;
		// exec of the shell or program: a few ms before it runs.
		this.timer(record, this.context.random.int(3, 25), () => this.drive(record));
	}

	/** Run the main program until it waits, spins, allocates for ever or ends. */
	private drive(record: ContainerRecord): void {
		const program = record.program;
		if (!program || record.status.state !== 'CONTAINER_RUNNING') return;
		for (;;) {
			let step: IteratorResult<ShellEffect, number>;
			try {
				step = program.next();
			} catch (error) {
				this.log(record, this.now, 'stderr', `sh: ${(error as Error).message}`);
				this.finish(record, 2, undefined, true);
				return;
			}
			if (step.done) {
				record.trace.emit(this.now, record.pid, 'exit_group', String(step.value), '?');
				this.finish(record, step.value, undefined, true);
				return;
			}
			const effect = step.value;
			if (effect.kind === 'sleep') {
				this.timer(record, effect.ms, () => this.drive(record));
				return;
			}
			if (effect.kind === 'block') return;
			if (effect.kind === 'busy') {
				record.busy = true;
				return;
			}
			if (effect.grow) {
				// Allocates as fast as pages fault in (~500 MB/s) until the limit kills it.
				const headroom = Math.max(0, record.limitBytes - record.memoryBytes);
				record.busy = true;
				this.timer(record, Math.max(200, Math.round(headroom / 500_000)), () => this.oomKill(record));
				return;
			}
			record.memoryBytes += effect.bytes;
			if (this.checkMemory(record, 500 + Math.round(effect.bytes / 1_000_000))) return;
		}
	}

	/** Over its memory limit, the container's process is OOM-killed after `afterMs`. True when it will be. */
	private checkMemory(record: ContainerRecord, afterMs: number): boolean {
		if (record.memoryBytes <= record.limitBytes) return false;
		this.timer(record, afterMs, () => this.oomKill(record));
		return true;
	}

	private oomKill(record: ContainerRecord): void {
		if (record.status.state !== 'CONTAINER_RUNNING') return;
		record.memoryBytes = record.limitBytes;
		record.trace.emit(this.now, record.pid, 'kill', `${record.pid}, SIGKILL /* oom-kill: constraint=CONSTRAINT_MEMCG, task_memcg=/kubepods/pod${record.config.pod.metadata.uid} */`, 0);
		this.finish(record, 137, 'OOMKilled', true);
	}

	stopContainer(containerId: string, timeoutSeconds: number) {
		const record = this.containers.get(containerId);
		if (!record) {
			this.call('StopContainer', `${containerId.slice(0, 13)} timeout=${timeoutSeconds}`, 'not found (ok)');
			const status: ContainerStatusResult = {id: containerId, name: '', state: 'CONTAINER_EXITED', createdAt: this.now, finishedAt: this.now, exitCode: 0, reason: 'Completed', image: '', imageRef: ''};
			return {durationMs: 0, status};
		}
		this.call('StopContainer', `${containerId.slice(0, 13)} timeout=${timeoutSeconds}`, 'ok');
		if (record.status.state !== 'CONTAINER_RUNNING') return {durationMs: 0, status: record.status};
		if (record.stopping) {
			const pending = record.status.finishedAt ?? this.now;
			return {durationMs: Math.max(0, pending - this.now), status: record.status};
		}
		record.stopping = true;
		const behaviour = record.mode === 'server' ? record.image.spec.behaviour as ServerBehaviour : undefined;
		const signal = behaviour?.stopSignal ?? 'SIGTERM';
		record.trace.emit(this.now, this.shimPid, 'kill', `${record.pid}, ${signal}`, 0);
		const graceMs = Math.max(0, timeoutSeconds) * 1000;
		const handles = behaviour?.shutdown && this.now >= record.listenAt;
		if (handles && behaviour.shutdown!.afterMs <= graceMs) {
			const durationMs = this.context.random.jitter(behaviour.shutdown!.afterMs);
			const finishAt = this.now + durationMs;
			behaviour.shutdown!.lines.forEach((line, index) => this.log(record, this.now + Math.min(index, durationMs), 'stderr', renderLine(line, record, this.now)));
			record.trace.emit(this.now, record.pid, 'rt_sigreturn', `{mask=[]}`, 0);
			const exitCode = behaviour.shutdown!.exitCode;
			this.cancelTimers(record);
			this.timer(record, durationMs, () => {
				record.trace.emit(this.now, record.pid, 'exit_group', String(exitCode), '?');
				this.finish(record, exitCode, undefined, false);
			});
			return {durationMs, status: {...record.status, state: 'CONTAINER_EXITED' as const, exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: finishAt}};
		}
		// PID 1 without a handler ignores the signal: KILL when the grace period ends.
		const finishAt = this.now + graceMs;
		this.cancelTimers(record);
		this.timer(record, graceMs, () => {
			record.trace.emit(this.now, this.shimPid, 'kill', `${record.pid}, SIGKILL`, 0);
			this.finish(record, 137, 'Error', false);
		});
		return {durationMs: graceMs, status: {...record.status, state: 'CONTAINER_EXITED' as const, exitCode: 137, reason: 'Error', finishedAt: finishAt}};
	}

	removeContainer(containerId: string): void {
		const record = this.containers.get(containerId);
		this.call('RemoveContainer', containerId.slice(0, 13), 'ok');
		if (!record) return;
		this.cancelTimers(record);
		this.containers.delete(containerId);
	}

	containerStatus(containerId: string) {
		const status = this.containers.get(containerId)?.status;
		this.call('ContainerStatus', containerId.slice(0, 13), status ? status.state : 'not found');
		return status;
	}

	listContainers(filter: {podUid?: string} = {}) {
		const out: ContainerStatusResult[] = [];
		for (const record of this.containers.values()) {
			if (!filter.podUid || record.config.pod.metadata.uid === filter.podUid) out.push(record.status);
		}
		this.call('ListContainers', filter.podUid ? `pod_uid=${filter.podUid}` : '', `${out.length} containers`);
		return out;
	}

	// ----- exec and probes --------------------------------------------------------------

	execSync(containerId: string, argv: string[], timeoutSeconds?: number): ExecResult {
		const record = this.containers.get(containerId);
		const request = `${containerId.slice(0, 13)} ${JSON.stringify(argv)}${timeoutSeconds ? ` timeout=${timeoutSeconds}` : ''}`;
		if (!record || record.status.state !== 'CONTAINER_RUNNING') {
			const message = `rpc error: code = NotFound desc = failed to exec in container: container ${containerId} is not running`;
			this.call('ExecSync', request, 'error: container not running');
			return {stdout: '', stderr: message, exitCode: 126};
		}
		const result = this.exec(record, argv);
		this.call('ExecSync', request, `exit_code=${result.exitCode}`);
		return result;
	}

	private exec(record: ContainerRecord, argv: string[]): ExecResult {
		const pid = this.pid();
		const now = this.now;
		const trace = record.trace;
		trace.emit(now, this.shimPid, 'clone', 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', pid);
		trace.emit(now, pid, 'execve', `"/usr/bin/runc", ["runc", "exec", "--process", "/tmp/runc-process", ${JSON.stringify(record.id)}], 0x7ffc /* 12 vars */`, 0);
		for (const [ns, flag] of [['ipc', 'CLONE_NEWIPC'], ['uts', 'CLONE_NEWUTS'], ['net', 'CLONE_NEWNET'], ['pid', 'CLONE_NEWPID'], ['mnt', 'CLONE_NEWNS']] as const) {
			trace.emit(now, pid, 'setns', `${ns === 'mnt' ? 10 : 6} /* /proc/${record.pid}/ns/${ns} */, ${flag}`, 0);
		}
		const name = argv[0] ?? '';
		const executable = resolveExecutable(name);
		const available = record.image.spec.shell
			? Boolean(execCommand(name)) || ['sleep', 'tail', 'stress', 'yes'].includes(basename(name))
			: Boolean(record.image.spec.serves?.includes(name));
		if (!available) {
			trace.emit(now, pid, 'execve', `${quoteBuffer(executable, 64)}, [${argv.slice(0, 4).map(a => quoteBuffer(a)).join(', ')}], 0x7ffc /* ${Object.keys(record.env).length} vars */`, '-1 ENOENT (No such file or directory)');
			return {stdout: '', stderr: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown`, exitCode: 126};
		}
		let stdout = '';
		let stderr = '';
		record.execs++;
		const io: ShellIo = {
			base: this.execBase(record, argv),
			now: () => now,
			out: text => {
				stdout += text;
			},
			err: text => {
				stderr += text;
			},
			trace: (tracePid, call, args, ret) => trace.emit(now, tracePid, call, args, ret),
			nextPid: () => this.pid(),
			pid,
			exec: true,
		};
		const shell = new Shell(io, {...record.env}, record.config.container.workingDir ?? record.image.spec.workingDir ?? '/');
		const program = shell.program(argv);
		let step = program.next();
		while (!step.done) step = program.next();
		trace.emit(now, pid, 'exit_group', String(step.value), '?');
		record.execs--;
		return {stdout, stderr, exitCode: step.value};
	}

	probe(containerId: string, probe: Probe): ProbeResult {
		const record = this.containers.get(containerId);
		if (!record || record.status.state !== 'CONTAINER_RUNNING') return {success: false, output: 'container not running'};
		if (probe.exec) {
			const result = this.execSync(containerId, probe.exec.command, probe.timeoutSeconds ?? 1);
			return {success: result.exitCode === 0, output: (result.stdout + result.stderr).trimEnd()};
		}
		const ip = record.sandbox.podIP;
		if (probe.httpGet) {
			const port = this.portNumber(record, probe.httpGet.port);
			const path = probe.httpGet.path ?? '/';
			const url = `${(probe.httpGet.scheme ?? 'HTTP').toLowerCase()}://${ip}:${port}${path}`;
			const response = this.handleRequest(containerId, {method: 'GET', path, port, from: gatewayOf(ip), userAgent: probeUserAgent});
			if (!response.ok) return {success: false, output: `Get "${url}": dial tcp ${ip}:${port}: connect: connection refused`};
			if (response.status >= 200 && response.status < 400) return {success: true, output: ''};
			return {success: false, output: `HTTP probe failed with statuscode: ${response.status}`};
		}
		const port = this.portNumber(record, probe.tcpSocket?.port ?? probe.grpc?.port ?? 0);
		const listening = this.listening(record, port);
		if (listening) {
			record.trace.emit(this.now, record.workerPid || record.pid, 'accept4', `6, {sa_family=AF_INET, sin_port=htons(${40000 + (this.now % 20000)}), sin_addr=inet_addr("${gatewayOf(ip)}")}, [16], SOCK_CLOEXEC|SOCK_NONBLOCK`, 13);
			record.trace.emit(this.now, record.workerPid || record.pid, 'close', '13', 0);
			return {success: true, output: ''};
		}
		if (probe.grpc) return {success: false, output: `timeout: failed to connect service "${ip}:${port}" within 1s: context deadline exceeded`};
		return {success: false, output: `dial tcp ${ip}:${port}: connect: connection refused`};
	}

	private portNumber(record: ContainerRecord, port: number | string): number {
		if (typeof port === 'number') return port;
		if (/^\d+$/.test(port)) return Number(port);
		return record.config.container.ports?.find(p => p.name === port)?.containerPort ?? 0;
	}

	private listening(record: ContainerRecord, port: number): boolean {
		return record.status.state === 'CONTAINER_RUNNING' && !record.stopping && this.now >= record.listenAt && record.ports.includes(port);
	}

	// ----- HTTP ----------------------------------------------------------------------------

	handleRequest(containerId: string, request: HttpRequest): HttpResponse {
		const record = this.containers.get(containerId);
		if (!record) return {ok: false, error: `container ${containerId} not found`};
		const port = request.port ?? record.ports[0] ?? record.config.container.ports?.[0]?.containerPort ?? 80;
		if (!this.listening(record, port)) return {ok: false, error: `dial tcp ${record.sandbox.podIP}:${port}: connect: connection refused`};
		const behaviour = record.image.spec.behaviour as ServerBehaviour;
		const method = request.method ?? 'GET';
		const path = request.path ?? '/';
		const from = request.from ?? gatewayOf(record.sandbox.podIP);
		const userAgent = request.userAgent ?? 'curl/8.5.0';
		const count = Math.max(1, Math.floor(request.count ?? 1));
		const response = this.respond(record, behaviour, method, path, from, userAgent, port);
		const second = Math.floor(this.now / 1000);
		if (record.requests.second !== second) {
			record.requests.previous = record.requests.second === second - 1 ? record.requests.count : 0;
			record.requests = {second, count: 0, previous: record.requests.previous};
		}
		record.requests.count += count;
		const worker = record.workerPid || record.pid;
		const lines = Math.min(count, accessLinesPerBatch);
		const accessLine = behaviour.accessLog ? accessLogLine(behaviour.accessLog, from, method, path, response.status, response.bytes, userAgent, this.now) : undefined;
		const portIndex = 6 + record.ports.indexOf(port);
		const at = this.now;
		const host = record.sandbox.podIP;
		const status = response.status;
		const size = response.bytes;
		for (let i = 0; i < lines; i++) {
			if (accessLine) this.log(record, at, 'stdout', accessLine);
			// The calls of one request, spelled out only when someone reads the trace.
			const fd = 13 + (i % 4);
			const clientPort = 40000 + ((at + i) % 20000);
			record.trace.group(at, accessLine ? 6 : 5, () => requestCalls(at, worker, fd, portIndex, clientPort, from, method, path, host, status, size, accessLine));
		}
		return {ok: true, ...response};
	}

	private respond(record: ContainerRecord, behaviour: ServerBehaviour, method: string, path: string, from: string, userAgent: string, port: number): {status: number; body: string; bytes: number} {
		const hostname = record.sandbox.hostname;
		const ip = record.sandbox.podIP;
		const reply = (status: number, body: string) => ({status, body, bytes: Buffer.byteLength(body)});
		const cleanPath = path.split('?')[0] ?? '/';
		switch (behaviour.http) {
			case 'static': {
				const fs = this.fsOf(record);
				const root = behaviour.docroot ?? '/usr/share/nginx/html';
				let target = normalizePath(`${root}/${cleanPath}`);
				if (fs.stat(target)?.type === 'dir') target = `${target}/index.html`;
				const content = fs.read(target);
				record.trace.emit(this.now, record.workerPid || record.pid, 'openat', `AT_FDCWD, ${quoteBuffer(target, 64)}, O_RDONLY|O_NONBLOCK`, content === undefined ? '-1 ENOENT (No such file or directory)' : 17);
				if (method !== 'GET' && method !== 'HEAD') return reply(405, errorPage(behaviour, 405, record.image.version));
				if (content === undefined) return reply(404, errorPage(behaviour, 404, record.image.version));
				return reply(200, method === 'HEAD' ? '' : content);
			}
			case 'echo':
				return reply(200, `CLIENT VALUES:\nclient_address=${from}\ncommand=${method}\nreal path=${cleanPath}\nquery=nil\nrequest_version=1.1\nrequest_uri=http://${ip}:${port}${path}\n\nSERVER VALUES:\nserver_version=nginx: 1.10.0 - lua: 10001\n\nHEADERS RECEIVED:\naccept=*/*\nhost=${ip}:${port}\nuser-agent=${userAgent}\nBODY:\n-no body in request-`);
			case 'hello-app':
				return reply(200, `Hello, world!\nVersion: ${record.image.version}\nHostname: ${hostname}\n`);
			case 'ok':
				return reply(200, 'OK!');
			case 'liveness': {
				const age = this.now - (record.status.startedAt ?? this.now);
				if (cleanPath !== '/healthz') return reply(404, '404 page not found\n');
				return age < 10_000 ? reply(200, 'ok') : reply(500, `error: ${(age / 1000).toFixed(6)}`);
			}
			case 'netexec':
				if (cleanPath === '/hostname') return reply(200, hostname);
				if (cleanPath === '/healthz') return reply(200, 'ok');
				return reply(200, `NOW: ${new Date(this.now).toISOString().replace('T', ' ').replace('Z', '000000 +0000 UTC')}`);
			case 'hostname':
				return reply(200, hostname);
			case 'whoami':
				return reply(200, `Hostname: ${hostname}\nIP: 127.0.0.1\nIP: ${ip}\nRemoteAddr: ${from}:${40000 + (this.now % 20000)}\n${method} ${path} HTTP/1.1\nHost: ${ip}:${port}\nUser-Agent: ${userAgent}\nAccept: */*\n`);
			default:
				return reply(400, '');
		}
	}

	// ----- output, traces, usage ----------------------------------------------------------------

	writeLog(containerId: string, stream: 'stdout' | 'stderr', text: string): void {
		const record = this.containers.get(containerId);
		if (!record || record.status.state !== 'CONTAINER_RUNNING') return;
		this.logText(record, stream, text);
		record.trace.emit(this.now, record.pid, 'write', `${stream === 'stdout' ? 1 : 2}, ${quoteBuffer(text)}, ${text.length}`, text.length);
	}

	containerLogs(containerId: string): LogLine[] {
		const record = this.containers.get(containerId);
		if (!record) return [];
		const now = this.now;
		return record.logs.toArray().filter(line => line.at <= now);
	}

	syscalls(id: string): Syscall[] {
		const now = this.now;
		const trace = this.containers.get(id)?.trace ?? this.sandboxes.get(id)?.trace;
		return trace ? trace.entries().filter(entry => Math.floor(entry.at) <= now) : [];
	}

	/** Entries and an estimate of the bytes a container's rings hold (for the benchmark). */
	footprint(id: string): {syscalls: number; logLines: number; bytes: number} | undefined {
		const record = this.containers.get(id);
		if (!record) return undefined;
		const entries = record.trace.entries();
		const lines = record.logs.toArray();
		let size = 0;
		// V8: a 6-field object ~72 bytes, a one-byte string 16 + its length (names are shared literals).
		for (const entry of entries) size += 72 + 16 + entry.args.length + (typeof entry.ret === 'string' ? 16 + entry.ret.length : 0);
		for (const line of lines) size += 48 + 16 + line.text.length;
		return {syscalls: entries.length, logLines: lines.length, bytes: size};
	}

	criLog(): CriCall[] {
		return this.calls.toArray();
	}

	containerUsage(containerId: string): Usage | undefined {
		const record = this.containers.get(containerId);
		if (!record || record.status.state !== 'CONTAINER_RUNNING') return undefined;
		const bucket = Math.floor(this.now / 15_000);
		const limit = milliCpu(record.config.container.resources?.limits?.cpu) || 4000;
		const rps = Math.floor(this.now / 1000) === record.requests.second ? Math.max(record.requests.count, record.requests.previous) : Math.floor(this.now / 1000) === record.requests.second + 1 ? record.requests.count : 0;
		const base = record.busy ? 1000 : record.image.spec.cpuMilli;
		const cpu = Math.min(limit, base * (0.7 + 0.6 * hashUnit(record.id, bucket)) + rps * 0.4);
		const memory = Math.min(record.limitBytes, record.memoryBytes * (0.97 + 0.06 * hashUnit(record.id, bucket + 7)) + rps * 2048);
		return {cpuMilli: Math.max(0, Math.round(cpu)), memoryBytes: Math.round(memory)};
	}

	onContainerExit(listener: ExitListener): void {
		this.listeners.push(listener);
	}

	halt(): void {
		this.halted = true;
		for (const record of this.containers.values()) this.cancelTimers(record);
	}

	// ----- filesystem ------------------------------------------------------------------------

	/** The container's filesystem: its layer over the image, with its volume mounts. */
	fsOf(record: ContainerRecord): MountedFs {
		if (record.view && this.now - record.view.at < 1000) return record.view.fs;
		if (!record.upper) {
			record.upper = new FileTree({lower: imageTree(record.image)});
			const sandbox = record.sandbox;
			record.upper.mkdir('/etc', {parents: true});
			record.upper.mkdir('/dev', {parents: true});
			record.upper.write('/etc/hostname', `${sandbox.hostname}\n`);
			record.upper.write('/etc/hosts', `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${sandbox.podIP}\t${sandbox.hostname}\n`);
			const namespace = record.config.pod.metadata.namespace ?? 'default';
			record.upper.write('/etc/resolv.conf', `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`);
			record.upper.write('/dev/termination-log', '');
		}
		const fs = new MountedFs(record.upper, this.mounts(record));
		record.view = {fs, at: this.now};
		return fs;
	}

	private mounts(record: ContainerRecord): Mount[] {
		const {pod, container} = record.config;
		const out: Mount[] = [];
		for (const volumeMount of container.volumeMounts ?? []) {
			const volume = pod.spec?.volumes?.find(v => v.name === volumeMount.name);
			if (!volume) continue;
			const source = this.volumeTree(record.sandbox, pod, volume);
			if (!source) continue;
			out.push({path: normalizePath(volumeMount.mountPath), tree: source.tree, readOnly: Boolean(volumeMount.readOnly) || source.readOnly, volume: volume.name, fsType: source.fsType});
		}
		return out;
	}

	private volumeTree(sandbox: Sandbox, pod: Pod, volume: Volume): {tree: FileSystem; readOnly: boolean; fsType: string} | undefined {
		const namespace = pod.metadata.namespace ?? 'default';
		const store = this.context.store;
		if (volume.emptyDir) {
			let tree = sandbox.emptyDirs.get(volume.name);
			if (!tree) sandbox.emptyDirs.set(volume.name, (tree = new FileTree()));
			return {tree, readOnly: false, fsType: volume.emptyDir.medium === 'Memory' ? 'tmpfs' : 'ext4'};
		}
		if (volume.configMap) {
			const object = store.get('ConfigMap', namespace, volume.configMap.name) as ConfigMap | undefined;
			const data: Record<string, string> = {...object?.data};
			for (const [key, value] of Object.entries(object?.binaryData ?? {})) data[key] = Buffer.from(String(value), 'base64').toString('utf8');
			return {tree: keyTree(data, volume.configMap.items, volume.configMap.defaultMode), readOnly: true, fsType: 'tmpfs'};
		}
		if (volume.secret) {
			const object = store.get('Secret', namespace, volume.secret.secretName) as Secret | undefined;
			const data: Record<string, string> = {};
			for (const [key, value] of Object.entries(object?.data ?? {})) data[key] = Buffer.from(String(value), 'base64').toString('utf8');
			return {tree: keyTree(data, volume.secret.items, volume.secret.defaultMode ?? 0o644), readOnly: true, fsType: 'tmpfs'};
		}
		const downward = volume['downwardAPI'] as {items?: Array<{path: string; fieldRef?: {fieldPath: string}}>} | undefined;
		if (downward) {
			const files: Record<string, string> = {};
			for (const item of downward.items ?? []) {
				if (item.fieldRef) files[item.path] = fieldValue(pod, item.fieldRef.fieldPath, sandbox.podIP) ?? '';
			}
			return {tree: FileTree.from(Object.fromEntries(Object.entries(files).map(([k, v]) => [`/${k}`, v])), {readOnly: true}), readOnly: true, fsType: 'tmpfs'};
		}
		if (volume.persistentVolumeClaim) {
			const claim = volume.persistentVolumeClaim.claimName;
			let tree: FileTree | undefined = volumeProviderOf(this.context.services)?.treeForClaim(namespace, claim);
			if (!tree) {
				tree = sandbox.claims.get(claim);
				if (!tree) sandbox.claims.set(claim, (tree = new FileTree()));
			}
			return {tree, readOnly: Boolean(volume.persistentVolumeClaim.readOnly), fsType: 'ext4'};
		}
		if (volume.hostPath) {
			const path = normalizePath(volume.hostPath.path);
			let tree = this.hostPaths.get(path);
			if (!tree) this.hostPaths.set(path, (tree = new FileTree()));
			return {tree, readOnly: false, fsType: 'ext4'};
		}
		return undefined;
	}

	private mountPlan(record: ContainerRecord): Array<{source: string; target: string; readOnly: boolean; tmpfs?: boolean}> {
		const {pod, container} = record.config;
		const uid = pod.metadata.uid;
		const out: Array<{source: string; target: string; readOnly: boolean; tmpfs?: boolean}> = [];
		for (const volumeMount of container.volumeMounts ?? []) {
			const volume = pod.spec?.volumes?.find(v => v.name === volumeMount.name);
			if (!volume) continue;
			const plugin = volume.emptyDir ? 'empty-dir' : volume.configMap ? 'configmap' : volume.secret ? 'secret' : volume.persistentVolumeClaim ? 'csi' : volume.hostPath ? 'host-path' : 'projected';
			const source = volume.hostPath ? volume.hostPath.path : `/var/lib/kubelet/pods/${uid}/volumes/kubernetes.io~${plugin}/${volume.name}`;
			out.push({source, target: volumeMount.mountPath, readOnly: Boolean(volumeMount.readOnly) || Boolean(volume.configMap || volume.secret)});
		}
		const base = `/var/lib/kubelet/pods/${uid}`;
		out.push(
			{source: `${base}/etc-hosts`, target: '/etc/hosts', readOnly: false},
			{source: `${base}/containers/${container.name}/${record.id.slice(0, 8)}`, target: '/dev/termination-log', readOnly: false},
			{source: `/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/${record.sandbox.id}/hostname`, target: '/etc/hostname', readOnly: false},
			{source: `/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/${record.sandbox.id}/resolv.conf`, target: '/etc/resolv.conf', readOnly: false},
			{source: `/run/containerd/io.containerd.grpc.v1.cri/sandboxes/${record.sandbox.id}/shm`, target: '/dev/shm', readOnly: false},
		);
		return out;
	}

	private execBase(record: ContainerRecord, execArgv?: string[]): ShellIo['base'] {
		const runtime = this;
		return {
			pod: record.config.pod,
			container: record.config.container,
			get fs() {
				return runtime.fsOf(record);
			},
			random: this.context.random,
			hostname: record.sandbox.hostname,
			listening: (port: number) => {
				for (const other of this.containers.values()) if (other.sandbox === record.sandbox && this.listening(other, port)) return true;
				return false;
			},
			processes: (): ProcessInfo[] => {
				const list: ProcessInfo[] = [{pid: 1, user: 'root', command: record.argv.join(' ')}];
				if (record.workerPid && record.workerPid !== record.pid) list.push({pid: 29, user: 'nginx', command: 'nginx: worker process'});
				if (execArgv) list.push({pid: 30 + record.execs, user: 'root', command: execArgv.join(' ')});
				return list;
			},
		};
	}

	// ----- helpers ---------------------------------------------------------------------------------

	private log(record: ContainerRecord, at: number, stream: 'stdout' | 'stderr', text: string): void {
		// Reading a character makes V8 flatten a concatenated string, so the ring keeps one flat string, not its pieces.
		text.charCodeAt(0);
		record.logs.push({at, stream, text});
	}

	/** Program output split into lines (a last partial line counts as a line). */
	private logText(record: ContainerRecord, stream: 'stdout' | 'stderr', text: string): void {
		const lines = text.split('\n');
		if (lines[lines.length - 1] === '') lines.pop();
		for (const line of lines) this.log(record, this.now, stream, line);
	}

	private timer(record: ContainerRecord, ms: number, fn: () => void): void {
		const handle = this.context.clock.after(ms, () => {
			record.timers.delete(handle);
			if (this.halted || this.containers.get(record.id) !== record) return;
			fn();
		});
		record.timers.add(handle);
	}

	private cancelTimers(record: ContainerRecord): void {
		for (const timer of record.timers) timer.cancel();
		record.timers.clear();
	}

	private finish(record: ContainerRecord, exitCode: number, reason: string | undefined, notify: boolean, message?: string): void {
		if (record.status.state === 'CONTAINER_EXITED') return;
		this.cancelTimers(record);
		record.program = undefined;
		record.busy = false;
		record.stopping = false;
		record.listenAt = Number.POSITIVE_INFINITY;
		record.status = {...record.status, state: 'CONTAINER_EXITED', exitCode, reason: reason ?? (exitCode === 0 ? 'Completed' : 'Error'), finishedAt: this.now};
		if (message) record.status.message = message;
		if (notify && !this.halted && !record.starting) for (const listener of this.listeners) listener(record.status);
	}

	private hexId(): string {
		let id = '';
		for (let i = 0; i < 8; i++) id += this.context.random.int(0, 0xffffffff).toString(16).padStart(8, '0');
		return id;
	}
}

// ----- pure helpers -------------------------------------------------------------------------------------

function basename(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

function imageRefOf(image: ResolvedImage): string {
	return `${image.reference.repository}@sha256:${image.digest}`;
}

function spellSteps(at: number, steps: readonly Step[]): Syscall[] {
	return steps.map(([pid, name, args, ret], index) => ({at: at + index * 0.004, pid, name, args, ret, category: categoryFor(name)}));
}

/** What a container's argv runs, in its image. */
export function planProcess(image: ResolvedImage, argv: readonly string[]): {mode: Mode; found: boolean} {
	const spec = image.spec;
	const first = argv[0];
	if (first === undefined) return {mode: 'program', found: false};
	const name = basename(first);
	if (spec.serves?.includes(first) || spec.serves?.includes(name)) {
		const kind = spec.behaviour.kind;
		return {mode: kind === 'server' ? 'server' : kind === 'pause' ? 'pause' : 'run', found: true};
	}
	if (isShell(argv)) return {mode: 'shell', found: spec.shell};
	if (spec.interpreters?.includes(first) || spec.interpreters?.includes(name)) return {mode: 'run', found: true};
	if (spec.shell && (execCommand(name) || ['sleep', 'tail', 'stress', 'yes'].includes(name))) return {mode: 'program', found: true};
	return {mode: 'program', found: false};
}

function resolveExecutable(name: string): string {
	if (name.includes('/')) return name;
	return ['sh', 'ash', 'bash', 'cat', 'ls', 'echo', 'sleep', 'date', 'hostname'].includes(name) ? `/bin/${name}` : `/usr/bin/${name}`;
}

/** `$(VAR)` references in command, args and env values (`$$(VAR)` escapes), as the kubelet expands them. */
export function expandReferences(text: string, env: Readonly<Record<string, string>>): string {
	return text.replace(/\$\$|\$\(([A-Za-z_][\w.-]*)\)/g, (match, name: string | undefined) => {
		if (match === '$$') return '$';
		return name !== undefined && name in env ? env[name]! : match;
	});
}

/** The process environment: image ENV, then the kubelet's resolved env (or literal values). */
function buildEnv(image: ResolvedImage, config: ContainerConfig, hostname: string): Record<string, string> {
	const major = image.version.split('.')[0] ?? image.version;
	const env: Record<string, string> = {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: hostname};
	for (const [key, value] of Object.entries(image.spec.env ?? {})) env[key] = value.replace('{version}', image.version).replace('{major}', major);
	if (config.env) Object.assign(env, config.env);
	else for (const variable of config.container.env ?? []) if (variable.value !== undefined) env[variable.name] = expandReferences(variable.value, env);
	env['HOME'] ??= '/root';
	return env;
}

const imageTrees = new Map<string, FileTree>();

/** The image's files, shared read-only by every container of that image and tag. */
function imageTree(image: ResolvedImage): FileTree {
	const key = `${image.reference.repository}:${image.tag}`;
	let tree = imageTrees.get(key);
	if (!tree) {
		const files: Record<string, string> = {...osFiles(image.spec.os)};
		for (const [path, content] of Object.entries(image.spec.files ?? {})) files[path] = content.replace(/nginx\/\{version\}/g, `nginx/${image.version}`);
		tree = FileTree.from(files, {readOnly: true});
		for (const dir of ['/tmp', '/var', '/usr/bin', '/etc', '/root', '/home']) {
			if (!tree.exists(dir)) {
				tree.readOnly = false;
				tree.mkdir(dir, {parents: true});
				tree.readOnly = true;
			}
		}
		if (image.spec.workingDir && !tree.exists(image.spec.workingDir)) {
			tree.readOnly = false;
			tree.mkdir(image.spec.workingDir, {parents: true});
			tree.readOnly = true;
		}
		imageTrees.set(key, tree);
	}
	return tree;
}

/** A ConfigMap or Secret volume: one file per key (or per item). */
function keyTree(data: Record<string, string>, items: Array<{key: string; path: string}> | undefined, mode = 0o644): FileTree {
	const files: Record<string, string> = {};
	if (items && items.length > 0) {
		for (const item of items) if (item.key in data) files[`/${item.path}`] = data[item.key]!;
	} else {
		for (const [key, value] of Object.entries(data)) files[`/${key}`] = value;
	}
	return FileTree.from(files, {readOnly: true, mode});
}

/** A downward-API field of the pod. */
export function fieldValue(pod: Pod, fieldPath: string, podIP?: string): string | undefined {
	const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
	if (label) return (label[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[label[2]!];
	switch (fieldPath) {
		case 'metadata.name': return pod.metadata.name;
		case 'metadata.namespace': return pod.metadata.namespace;
		case 'metadata.uid': return pod.metadata.uid;
		case 'metadata.labels': return Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
		case 'metadata.annotations': return Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
		case 'spec.nodeName': return pod.spec?.nodeName;
		case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
		case 'status.podIP': return podIP ?? pod.status?.podIP;
		case 'status.hostIP': return pod.status?.hostIP;
		default: return undefined;
	}
}

function gatewayOf(ip: string): string {
	return `${ip.split('.').slice(0, 3).join('.')}.1`;
}

/** 0..1, stable for an id and a bucket (metrics noise without touching the seeded generator). */
function hashUnit(id: string, bucket: number): number {
	let h = 0x811c9dc5 ^ bucket;
	for (let i = 0; i < id.length; i += 4) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
	h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
	return ((h ^ (h >>> 12)) >>> 0) / 0x1_0000_0000;
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Fill a catalog line's placeholders: `{ts:nginx}`, `{ts:redis}`, `{ts:pg}`, `{ts:httpd}`, `{ts:iso}`, `{ts:iso6}`, `{ts:mysqlEntry}`, `{ts:golog}`, `{unix}`, `{version}`, `{podIP}`, `{hostname}`. */
function renderLine(line: string, record: ContainerRecord, at: number): string {
	if (!line.includes('{')) return line;
	const d = new Date(at);
	const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
	const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	const ms = pad(d.getUTCMilliseconds(), 3);
	return line.replace(/\{([\w:]+)\}/g, (match, key: string) => {
		switch (key) {
			case 'ts:nginx': return `${date.replace(/-/g, '/')} ${time}`;
			case 'ts:redis': return `${pad(d.getUTCDate())} ${monthNames[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time}.${ms}`;
			case 'ts:pg': return `${date} ${time}.${ms}`;
			case 'ts:httpd': return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${monthNames[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${time}.${ms}000 ${d.getUTCFullYear()}`;
			case 'ts:iso': return d.toISOString();
			case 'ts:iso6': return `${date}T${time}.${ms}000Z`;
			case 'ts:mysqlEntry': return `${date} ${time}+00:00`;
			case 'ts:golog': return `${date.replace(/-/g, '/')} ${time}`;
			case 'unix': return String(Math.floor(at / 1000));
			case 'version': return record.image.version;
			case 'podIP': return record.sandbox.podIP;
			case 'hostname': return record.sandbox.hostname;
			default: return match;
		}
	});
}

function accessLogLine(format: 'nginx' | 'httpd', from: string, method: string, path: string, status: number, size: number, userAgent: string, at: number): string {
	const d = new Date(at);
	const time = `${pad(d.getUTCDate())}/${monthNames[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
	const request = `"${method} ${path} HTTP/1.1" ${status} ${size}`;
	return format === 'nginx' ? `${from} - - [${time}] ${request} "-" "${userAgent}" "-"` : `${from} - - [${time}] ${request}`;
}

/** accept4, recvfrom, writev, the access-log write and close of one served request. */
function requestCalls(at: number, pid: number, fd: number, listenFd: number, clientPort: number, from: string, method: string, path: string, host: string, status: number, size: number, accessLine: string | undefined): Syscall[] {
	const steps: Step[] = [
		[pid, 'accept4', `${listenFd}, {sa_family=AF_INET, sin_port=htons(${clientPort}), sin_addr=inet_addr("${from}")}, [16], SOCK_CLOEXEC|SOCK_NONBLOCK`, fd],
		[pid, 'recvfrom', `${fd}, ${quoteBuffer(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`)}, 1024, 0, NULL, NULL`, 78 + path.length],
		[pid, 'writev', `${fd}, [{iov_base=${quoteBuffer(`HTTP/1.1 ${status} ${statusText(status)}\r\n`)}, iov_len=247}], 1`, 247 + size],
	];
	if (accessLine) steps.push([pid, 'write', `1, ${quoteBuffer(`${accessLine}\n`)}, ${accessLine.length + 1}`, accessLine.length + 1]);
	steps.push([pid, 'close', String(fd), 0]);
	return spellSteps(at, steps);
}

function statusText(status: number): string {
	return {200: 'OK', 403: 'Forbidden', 404: 'Not Found', 405: 'Not Allowed', 500: 'Internal Server Error'}[status] ?? 'OK';
}

function errorPage(behaviour: ServerBehaviour, status: number, version: string): string {
	const text = `${status} ${statusText(status)}`;
	if (behaviour.accessLog === 'httpd') return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${text}</title>\n</head><body>\n<h1>${statusText(status)}</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`;
	return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}

/** Output of a script the simulation does not follow; `perl -Mbignum=bpi -wle 'print bpi(N)'` prints π. */
function interpreterOutput(argv: readonly string[]): string[] {
	const script = argv.join(' ');
	const match = /bpi\((\d+)\)/.exec(script);
	if (match) return [piDigits(Math.min(Number(match[1]), 10_000))];
	return [];
}

/** π to `digits` significant digits (Machin's formula on BigInt), as bignum's bpi prints it. */
export function piDigits(digits: number): string {
	if (digits < 1) return '';
	const guard = 10n;
	const scale = 10n ** (BigInt(digits) + guard);
	const arctanInv = (x: bigint) => {
		let sum = 0n;
		let term = scale / x;
		const x2 = x * x;
		for (let n = 1n, sign = 1n; term !== 0n; n += 2n, sign = -sign) {
			sum += sign * (term / n);
			term /= x2;
		}
		return sum;
	};
	const pi = 4n * (4n * arctanInv(5n) - arctanInv(239n));
	// Round to `digits` significant digits.
	const rounded = (pi + 5n * 10n ** (guard - 1n)) / 10n ** guard;
	const text = rounded.toString();
	const truncated = text.slice(0, digits);
	return truncated.length > 1 ? `${truncated[0]}.${truncated.slice(1)}` : truncated;
}

/** The runtime factory the kubelets use by default. */
export function createMockRuntime(context: ControllerContext) {
	return (nodeName: string): ContainerRuntime => new MockRuntime(nodeName, context);
}
