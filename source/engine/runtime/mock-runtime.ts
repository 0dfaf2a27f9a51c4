import type {ControllerContext} from '../controller.js';
import type {TimerHandle, TimerKind, VirtualClock} from '../clock.js';
import type {Container, Node, Pod, Probe} from '../api/types.js';
import {nodeDaemons} from './node-files.js';
import {keptOrMade, keptStatesChecked, LaterState, type Loading, type SavedObject, type SavedTimerRef, type Saving} from '../state.js';
import {bytes as quantityBytes, milliCpu} from '../api/quantity.js';
import type {
	ContainerConfig, ContainerRuntime, ContainerStatusResult, CreateResult, CriCall, ExecResult, ExitListener, ShellSession,
	HttpRequest, HttpResponse, LogLine, ProbeResult, PullResult, SandboxConfig, Usage,
} from './cri.js';
import {FileTree, MountedFs, pathInside, SubPathFs, loadTreeCompanions, saveTreeCompanions, volumeProviderOf, type FileSystem, type SavedFileTree} from './filetree.js';
import type {ProcessInfo} from './commands.js';
import {Shell, shellInvocation, type SavedShell, type SavedShellState, type ShellEffect, type ShellIo, type ShellProgram} from './shell/interpreter.js';
import {insideHeredoc} from './shell/tokenizer.js';
import {resolveInCluster} from './dns.js';
import {corefilePath, corefileProblem} from './workloads/corefile.js';
import {resolveImage, type RegistryOptions, type ResolvedImage} from './workloads/images.js';
import {CriLog, type SavedCriLog} from './cri-log.js';
import {copyWith, flat, SaveCache} from '../memory.js';
import {processIdentity} from './identity.js';
import {shellPrompt} from './shell/prompt.js';
import {Trace, containerTraceCapacity, sandboxTraceCapacity, quoteBuffer, spelling, type GroupCodec, type SavedTrace, type Syscall} from './syscalls.js';
import {cniSetup, runcStart, serverStart, spellSteps} from './recipes.js';
import {expandReferences, processEnv} from './env.js';
import {basename, imageHas, interpreterOutput, planProcess, resolveExecutable, type ProcessMode} from './workloads/programs.js';
import {containerFs, imageKeyOfTree, imageTree, imageTreeByKey, imageTreeKey, mountPlan, writableLayer, type SandboxVolumes} from './container-fs.js';
import {gatewayOf, requestCallCount, requestCalls, responseHeaders, serverResponse, type RequestCallsInput, type ServedRequest, type ServerBehaviour, type ServerResponse} from './workloads/http-server.js';
import {accessLogLine, renderLine, type LineContext} from './workloads/log-templates.js';
import {ContainerLog, type SavedContainerLog} from './container-log.js';
import {podRequest} from '../network/pod-network.js';

/** Lines of output one container keeps. */
export const containerLogCapacity = 1000;
/** CRI calls one node keeps. */
export const criLogCapacity = 1000;
/** Probes identify themselves as the kubelet's version. */
export const probeUserAgent = 'kube-probe/1.31';
/** Access-log lines written per request batch (a traffic tick with many requests). */
const accessLinesPerBatch = 20;

type Sandbox = SandboxVolumes & {
	config: SandboxConfig;
	ready: boolean;
	pid: number;
	/** When RunPodSandbox ran, and the pid of its `runc create` (the start-up trace is spelled from these). */
	createdAt: number;
	runcPid: number;
	trace: Trace;
	/** Its containers, in the order they were made: a list sized exactly (a Set per sandbox costs a hash table). */
	containers: ContainerRecord[];
};

type ContainerRecord = {
	id: string;
	sandbox: Sandbox;
	config: ContainerConfig;
	image: ResolvedImage;
	status: ContainerStatusResult;
	argv: string[];
	env: Record<string, string>;
	mode: ProcessMode;
	found: boolean;
	/** Host pid of the container's PID 1, and of a server's worker. */
	pid: number;
	workerPid: number;
	trace: Trace;
	logs: ContainerLog;
	/** The container's writable layer over the image, made on first use. */
	upper?: FileTree;
	view?: {fs: MountedFs; at: number};
	/** A loaded view, made again from its mounts' places on first use (a claim's tree is the volume provider's, found then). */
	savedView?: SavedView;
	listenAt: number;
	/** When a server's start-up listened (its trace is spelled from this; `listenAt` is cleared when it exits); NaN otherwise. */
	listenedAt: number;
	ports: readonly number[];
	/** Resident memory of the main process (bytes). */
	memoryBytes: number;
	limitBytes: number;
	/** The CPU limit in millicores (4 cores without one), parsed once. */
	cpuLimitMilli: number;
	busy: boolean;
	/** Pending timers (made with the first: an idle server has none). */
	timers?: Set<TimerHandle>;
	stopping: boolean;
	/** Requests served in the current and the previous virtual second. */
	requests: {second: number; count: number; previous: number};
	program?: ShellProgram<number>;
	execs: number;
	/** Inside StartContainer: an exit now is read from the status, not reported to listeners. */
	starting: boolean;
};

/**
 * An interactive shell, as data: the shell between lines (its variables and
 * directory), its process, whether it is open, and who it runs as. The
 * output of the line running is gathered in `out` and `err`.
 */
type OpenShell = {
	id: number;
	record: ContainerRecord;
	argv: string[];
	pid: number;
	/** False once it has ended (`exit`, closed, its container or node gone): it answers no more lines, but still shows where it was. */
	open: boolean;
	shell: Shell;
	out: string;
	err: string;
	/** The user it runs as (from the image's passwd when it opened), and whether that is root. */
	user: string | undefined;
	root: boolean;
	session: ShellSession;
	/** The container's own shell, attached to (`kubectl attach -it`): its end is the container's. */
	attached?: boolean;
	/** Lines typed inside a here-document not yet ended: they run together once its delimiter comes. */
	pending?: string;
};

/**
 * The container runtime of one node (containerd + runc, simulated): pulls
 * images from the simulated registry (workloads/images.ts), runs each container's
 * main process by its image's behaviour or through the shell, keeps logs and
 * strace-like traces in bounded rings, serves HTTP for web servers, and
 * answers exec and probes. Idle servers cost no timers: their start-up output
 * carries its own timestamps and their start-up trace is spelled out only
 * when read.
 */
export class MockRuntime implements ContainerRuntime {
	private readonly sandboxes = new Map<string, Sandbox>();
	/** What each pod version the runtime holds saved as, against which store version (`savedPod`), from one save to the next. */
	private readonly savedPods = new SaveCache<Pod, {current: unknown; saved: SavedPod; text: string}>();
	private readonly containers = new Map<string, ContainerRecord>();
	private readonly images = new Map<string, ResolvedImage>();
	/** What `listImages` last returned, until an image is added. */
	private imageList: Array<{names: string[]; sizeBytes: number}> | undefined;
	private readonly listeners: ExitListener[] = [];
	private calls = new CriLog(criLogCapacity);
	private readonly hostPaths = new Map<string, FileTree>();
	private halted = false;
	private nextPid: number;
	/** Interactive shells by number, in the order they opened (ended ones too: their holders still read where they were). */
	private readonly sessions = new Map<number, OpenShell>();
	private nextSession = 0;
	/**
	 * Counts the calls and timers that may change what `save` gives: every
	 * method but the pure reads, and each of the runtime's timers. `kept`
	 * holds while it stands still.
	 */
	private changes = 0;
	/** The last saved state, while nothing it was made from changed (see `keep`). */
	private kept: KeptRuntime | undefined;
	/** A saved state still as text, loaded when the runtime is first used (`loadLater`), with what its load resolves against and the store's Pod writes then. */
	private later: {state: LaterState; loading: Loading; podWrites: number; keptAsLoaded?: boolean} | undefined;
	private readonly containerdPid = containerdPid;
	private readonly shimPid = shimPid;
	/** The cluster's runtime timer kinds, and its runtimes by node (where a timer finds its container). */
	private readonly kinds: RuntimeTimers;

	constructor(readonly nodeName: string, private readonly context: ControllerContext) {
		this.nextPid = (2000 + context.random.int(0, 999)) | 0;
		this.kinds = MockRuntime.kindsOf(context.clock);
		this.kinds.runtimes.set(nodeName, this);
	}

	/**
	 * The runtime's timer kinds, defined once per cluster (its clock): a timer
	 * names its node and container, and runs only while that runtime runs and
	 * still has that container, as a timer of the container's own would.
	 */
	static kindsOf(clock: VirtualClock): RuntimeTimers {
		const defined = runtimeTimers.get(clock);
		if (defined) return defined;
		const runtimes = new Map<string, MockRuntime>();
		const kind = <A extends ContainerTimer>(name: string, run: (runtime: MockRuntime, record: ContainerRecord, arg: A) => void): TimerKind<A> =>
			clock.kind<A>(name, (arg, timer) => {
				let runtime = runtimes.get(arg.node);
				if (runtime?.later) {
					// Its state loaded first: loaded halted, it is no longer where timers find it.
					runtime.loaded();
					runtime = runtimes.get(arg.node);
				}
				if (runtime) runtime.changes++;
				const record = runtime?.containers.get(arg.id);
				if (!record) return;
				record.timers!.delete(timer);
				if (!runtime!.halted) run(runtime!, record, arg);
			});
		const kinds: RuntimeTimers = {
			runtimes,
			resume: kind('runtime.resume', (runtime, record) => runtime.drive(record)),
			oomKill: kind('runtime.oomKill', (runtime, record) => runtime.oomKill(record)),
			unconfigured: kind<ExitTimer>('runtime.unconfigured', (runtime, record, arg) => runtime.finish(record, arg.exitCode, undefined, true)),
			completed: kind<ExitTimer>('runtime.completed', (runtime, record, arg) => runtime.complete(record, arg.exitCode)),
			shutDown: kind<ExitTimer>('runtime.shutDown', (runtime, record, arg) => {
				record.trace.emit(runtime.now, record.pid, 'exit_group', String(arg.exitCode), '?');
				runtime.finish(record, arg.exitCode, undefined, false);
			}),
			graceKill: kind('runtime.graceKill', (runtime, record) => {
				record.trace.emit(runtime.now, runtime.shimPid, 'kill', `${record.pid}, SIGKILL`, 0);
				runtime.finish(record, 137, 'Error', false);
			}),
		};
		runtimeTimers.set(clock, kinds);
		return kinds;
	}

	/** Strict: repositories the simulator does not know fail to pull (`strictImages`). */
	private get registry(): RegistryOptions {
		return {strict: this.context.services.strictImages ?? false};
	}

	private get now(): number {
		return this.context.clock.now();
	}

	private call(method: string, request: string, response: string): void {
		this.calls.push({at: this.now, method, request: flat(request), response: flat(response)});
	}

	private pid(): number {
		// `| 0` keeps pids small integers to V8: the records that hold five of them per container store them in place, not as a boxed number each.
		this.nextPid = this.nextPid >= 4_194_000 ? 300 : (this.nextPid + 1) | 0;
		return this.nextPid;
	}

	// ----- sandboxes -----------------------------------------------------------------

	runPodSandbox(config: SandboxConfig) {
		this.changes++;
		const id = this.hexId();
		const pod = config.pod;
		// On the host's network a pod shares the node's UTS namespace, and so its hostname.
		const hostname = pod.spec?.hostNetwork === true ? pod.spec.nodeName ?? '' : pod.spec?.hostname ?? pod.metadata.name.slice(0, 63);
		const trace = new Trace(sandboxTraceCapacity);
		const runcPid = this.pid();
		this.pid();
		this.pid();
		const init = this.pid();
		this.pid();
		const sandbox: Sandbox = {id, config, podIP: config.podIP, hostname, ready: true, pid: init, createdAt: this.now, runcPid, trace, containers: []};
		trace.deferred(sandboxStart, sandbox);
		this.sandboxes.set(id, sandbox);
		const durationMs = this.context.random.jitter(400);
		this.call('RunPodSandbox', `${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_${config.attempt}`, `pod_sandbox_id=${id.slice(0, 13)} ip=${config.podIP}`);
		return {sandboxId: id, durationMs};
	}

	stopPodSandbox(sandboxId: string): void {
		this.changes++;
		const sandbox = this.sandboxes.get(sandboxId);
		this.call('StopPodSandbox', sandboxId.slice(0, 13), sandbox ? 'ok' : 'not found (ok)');
		if (!sandbox || !sandbox.ready) return;
		sandbox.ready = false;
		for (const record of sandbox.containers) {
			if (record.status.state === 'CONTAINER_RUNNING') {
				record.trace.emit(this.now, this.shimPid, 'kill', `${record.pid}, SIGKILL`, 0);
				this.finish(record, 137, 'Error', false);
			}
		}
		sandbox.trace.emit(this.now, this.shimPid, 'kill', `${sandbox.pid}, SIGKILL`, 0);
		sandbox.trace.emit(this.now, this.containerdPid, 'umount2', `"/var/run/netns/cni-${sandbox.id.slice(0, 8)}-${sandbox.id.slice(8, 12)}-${sandbox.id.slice(12, 16)}", MNT_DETACH`, 0);
	}

	removePodSandbox(sandboxId: string): void {
		this.changes++;
		const sandbox = this.sandboxes.get(sandboxId);
		if (sandbox?.ready) this.stopPodSandbox(sandboxId);
		this.call('RemovePodSandbox', sandboxId.slice(0, 13), 'ok');
		for (const record of sandbox?.containers ?? []) {
			this.cancelTimers(record);
			this.containers.delete(record.id);
		}
		if (sandbox) sandbox.containers = [];
		this.sandboxes.delete(sandboxId);
	}

	// ----- images ------------------------------------------------------------------------

	imageStatus(image: string) {
		this.changes++;
		const found = this.lookupImage(image);
		this.call('ImageStatus', image, found ? `${found.reference.normalized} size=${found.size}` : 'not present');
		return found ? {present: true, sizeBytes: found.size, imageRef: imageRefOf(found), ...(found.spec.generic ? {generic: true} : {})} : {present: false};
	}

	pullImage(image: string): PullResult {
		this.changes++;
		const resolved = resolveImage(image, this.registry);
		if (!resolved.ok) {
			const durationMs = resolved.reason === 'InvalidImageName' ? 0 : this.context.random.jitter(900);
			this.call('PullImage', image, `error: ${resolved.message}`);
			return {ok: false, durationMs, message: resolved.message, reason: resolved.reason};
		}
		const found = resolved.image;
		if (this.images.get(found.reference.normalized) !== found) {
			this.images.set(found.reference.normalized, found);
			this.imageList = undefined;
		}
		// Registry latency plus transfer and unpack at about 40 MB/s.
		const durationMs = this.context.random.jitter(300 + found.size / 40_000, 0.25);
		this.call('PullImage', image, `image_ref=${imageRefOf(found)}`);
		return {ok: true, durationMs, sizeBytes: found.size, imageRef: imageRefOf(found), ...(found.spec.generic ? {generic: true} : {})};
	}

	listImages(): Array<{names: string[]; sizeBytes: number}> {
		// The same frozen list until an image is added: the kubelet's status sync asks every 10 s.
		this.imageList ??= Object.freeze([...this.images.values()].map(image => Object.freeze({names: Object.freeze([imageRefOf(image), image.reference.normalized]) as string[], sizeBytes: image.size}))) as Array<{names: string[]; sizeBytes: number}>;
		return this.imageList;
	}

	private lookupImage(image: string): ResolvedImage | undefined {
		const resolved = resolveImage(image, this.registry);
		return resolved.ok ? this.images.get(resolved.image.reference.normalized) : undefined;
	}

	// ----- containers ----------------------------------------------------------------------

	createContainer(sandboxId: string, config: ContainerConfig): CreateResult {
		this.changes++;
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
		const env = processEnv(image, config, sandbox.hostname);
		const command = container.command ?? image.spec.entrypoint ?? [];
		const args = container.args ?? (container.command ? [] : image.spec.cmd ?? []);
		const argv = [...command, ...args].map(word => expandReferences(word, env));
		const {mode, found} = planProcess(image, argv);
		const limit = quantityBytes(container.resources?.limits?.memory);
		// The resolved environment lives on in `env` (merged with the image's): the config need not hold it too.
		const {env: _resolved, ...kept} = config;
		const record: ContainerRecord = {
			id, sandbox, config: kept, image, argv, env, mode, found,
			status: {id, name: container.name, state: 'CONTAINER_CREATED', createdAt: this.now, image: container.image, imageRef: imageRefOf(image)},
			pid: 0, workerPid: 0,
			trace: new Trace(containerTraceCapacity),
			logs: new ContainerLog(containerLogCapacity),
			listenAt: Number.POSITIVE_INFINITY,
			listenedAt: Number.NaN,
			ports: [],
			memoryBytes: 0,
			limitBytes: limit > 0 ? limit : (config.nodeMemoryBytes ?? 16 * 2 ** 30),
			cpuLimitMilli: milliCpu(config.container.resources?.limits?.cpu) || 4000,
			busy: false,
			stopping: false,
			requests: {second: 0, count: 0, previous: 0},
			execs: 0,
			starting: false,
		};
		this.containers.set(id, record);
		sandbox.containers = sandbox.containers.concat([record]);
		this.call('CreateContainer', name, `container_id=${id.slice(0, 13)}`);
		return {ok: true, containerId: id, durationMs: this.context.random.jitter(80)};
	}

	startContainer(containerId: string) {
		this.changes++;
		const record = this.containers.get(containerId);
		if (!record) {
			this.call('StartContainer', containerId.slice(0, 13), 'error: not found');
			return {ok: false as const, message: `failed to start container "${containerId}": container not found`};
		}
		const start = this.now;
		record.pid = this.pid();
		// runc create, init stages 0 and 1, and runc start take the next four pids (`spellContainerStart` counts them again from the container's).
		for (let i = 0; i < 4; i++) this.pid();
		record.status = copyWith(record.status, {state: 'CONTAINER_RUNNING', startedAt: start});
		record.memoryBytes = Math.round(record.image.spec.memoryBytes * (0.9 + 0.2 * hashUnit(record.id, 0)));
		this.call('StartContainer', containerId.slice(0, 13), record.found ? 'ok' : 'error: executable file not found');
		// Spelled from the record when read: a closure over its parts would cost each container a few hundred bytes.
		record.trace.deferred(containerStart, record);
		if (!record.found) {
			const what = record.argv[0] === undefined ? 'no command specified' : `exec: "${record.argv[0]}": executable file not found in $PATH`;
			this.finish(record, 128, 'StartError', false, `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${what}: unknown`);
			return {ok: true as const};
		}
		record.starting = true;
		try {
			this.run(record, start);
		} finally {
			record.starting = false;
		}
		return {ok: true as const};
	}

	private run(record: ContainerRecord, start: number): void {
		switch (record.mode) {
			case 'server':
				this.startServer(record, start);
				break;
			case 'run':
				this.startRun(record, start);
				break;
			case 'pause':
				// It only waits: its trace is the start-up's, ending in pause().
				break;
			default:
				this.startShell(record);
		}
	}

	private startServer(record: ContainerRecord, start: number): void {
		const behaviour = record.image.spec.behaviour as ServerBehaviour;
		const missing = behaviour.requires && !behaviour.requires.anyEnv.some(name => record.env[name]);
		if (missing) {
			for (const line of behaviour.requires!.lines) this.log(record, start, 'stderr', renderLine(line, lineContext(record), start));
			this.timer(record, 60, this.kinds.unconfigured, {exitCode: behaviour.requires!.exitCode});
			return;
		}
		if (behaviour.config === 'corefile') {
			const where = corefilePath(record.argv, record.config.container.workingDir ?? record.image.spec.workingDir ?? '/');
			const problem = corefileProblem(where, this.fsOf(record).read(where.path));
			if (problem) {
				this.log(record, start, 'stderr', problem);
				this.timer(record, 60, this.kinds.unconfigured, {exitCode: 1});
				return;
			}
		}
		// A server's start-up lines are kept as their catalog lines, rendered when read: thousands of pods print them.
		const context = lineContext(record);
		record.logs.begin(start, behaviour.startup, context);
		// A generic image's program listens where the container says it does.
		record.ports = record.image.spec.generic ? declaredPorts(record.config.container) : behaviour.ports;
		record.listenAt = start + behaviour.readyAfterMs;
		record.workerPid = behaviour.accessLog === 'nginx' && behaviour.http === 'static' ? this.pid() : record.pid;
		record.listenedAt = record.listenAt;
		this.checkMemory(record, behaviour.readyAfterMs / 2 + 200);
	}

	private startRun(record: ContainerRecord, start: number): void {
		const {run, interpreted} = runPlan(record);
		const [min, max] = interpreted && run.durationMs[1] === 0 ? [2000, 8000] : run.durationMs;
		const duration = min + Math.round(this.context.random.next() * (max - min));
		const exitCode = interpreted ? 0 : run.exitCode;
		record.busy = interpreted;
		this.checkMemory(record, 300);
		this.timer(record, duration, this.kinds.completed, {exitCode});
	}

	/** A run-to-completion container's end: what it prints (its image's lines, or what its script computes), then its exit. */
	private complete(record: ContainerRecord, exitCode: number): void {
		const {run, interpreted} = runPlan(record);
		const output = interpreted ? interpreterOutput(record.argv) : run.lines;
		for (const line of output) this.log(record, this.now, 'stdout', line);
		if (output.length > 0) record.trace.emit(this.now, record.pid, 'write', `1, ${quoteBuffer(output.join('\n') + '\n')}, ${output.join('\n').length + 1}`, output.join('\n').length + 1);
		record.trace.emit(this.now, record.pid, 'exit_group', String(exitCode), '?');
		this.finish(record, exitCode, undefined, true);
	}

	/** What the container's main program runs with: its output goes to the container's log, its calls to its trace. */
	private programIo(record: ContainerRecord): ShellIo {
		return {
			base: this.execBase(record),
			now: () => this.now,
			out: text => this.logText(record, 'stdout', text),
			err: text => this.logText(record, 'stderr', text),
			trace: (pid, name, args, ret) => record.trace.emit(this.now, pid, name, args, ret),
			nextPid: () => this.pid(),
			pid: record.pid,
			exec: false,
		};
	}

	private startShell(record: ContainerRecord): void {
		const shell = new Shell(this.programIo(record), {...record.env}, record.config.container.workingDir ?? record.image.spec.workingDir ?? '/');
		if (record.mode === 'shell') {
			const invocation = shellInvocation(record.argv);
			shell.setOptions(invocation.options);
			// No script and no script file: the shell reads its standard input, which stays open with `stdin: true` (else it reads end of file and exits).
			record.program = waitsOnTerminal(record) ? shell.waitOnTerminal() : shell.script(invocation.script ?? '');
		} else {
			record.program = shell.program(record.argv);
		}
		if (this.checkMemory(record, 200)) return;
		// exec of the shell or program: a few ms before it runs.
		this.timer(record, this.context.random.int(3, 25), this.kinds.resume);
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
				this.timer(record, effect.ms, this.kinds.resume);
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
				this.timer(record, Math.max(200, Math.round(headroom / 500_000)), this.kinds.oomKill);
				return;
			}
			record.memoryBytes += effect.bytes;
			if (this.checkMemory(record, 500 + Math.round(effect.bytes / 1_000_000))) return;
		}
	}

	/** Over its memory limit, the container's process is OOM-killed after `afterMs`. True when it will be. */
	private checkMemory(record: ContainerRecord, afterMs: number): boolean {
		if (record.memoryBytes <= record.limitBytes) return false;
		this.timer(record, afterMs, this.kinds.oomKill);
		return true;
	}

	private oomKill(record: ContainerRecord): void {
		if (record.status.state !== 'CONTAINER_RUNNING') return;
		record.memoryBytes = record.limitBytes;
		record.trace.emit(this.now, record.pid, 'kill', `${record.pid}, SIGKILL /* oom-kill: constraint=CONSTRAINT_MEMCG, task_memcg=/kubepods/pod${record.config.pod.metadata.uid} */`, 0);
		this.finish(record, 137, 'OOMKilled', true);
	}

	stopContainer(containerId: string, timeoutSeconds: number) {
		this.changes++;
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
			// Kept as catalog lines, as the start-up lines are: thousands of pods stopping at once print them. Their timestamps read the stop signal's time.
			const context = lineContext(record);
			const signalledAt = this.now;
			behaviour.shutdown!.lines.forEach((line, index) => record.logs.push({at: signalledAt + Math.min(index, durationMs), stream: 'stderr', template: line, context, renderAt: signalledAt}));
			record.trace.emit(this.now, record.pid, 'rt_sigreturn', `{mask=[]}`, 0);
			const exitCode = behaviour.shutdown!.exitCode;
			this.cancelTimers(record);
			this.timer(record, durationMs, this.kinds.shutDown, {exitCode});
			return {durationMs, status: copyWith(record.status, {state: 'CONTAINER_EXITED', exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: finishAt})};
		}
		// PID 1 without a handler ignores the signal: KILL when the grace period ends.
		const finishAt = this.now + graceMs;
		this.cancelTimers(record);
		this.timer(record, graceMs, this.kinds.graceKill);
		return {durationMs: graceMs, status: copyWith(record.status, {state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error', finishedAt: finishAt})};
	}

	removeContainer(containerId: string): void {
		this.changes++;
		const record = this.containers.get(containerId);
		this.call('RemoveContainer', containerId.slice(0, 13), 'ok');
		if (!record) return;
		this.cancelTimers(record);
		this.containers.delete(containerId);
		record.sandbox.containers = record.sandbox.containers.filter(other => other !== record);
	}

	containerStatus(containerId: string) {
		this.changes++;
		const status = this.containers.get(containerId)?.status;
		this.call('ContainerStatus', containerId.slice(0, 13), status ? status.state : 'not found');
		return status;
	}

	listContainers(filter: {podUid?: string} = {}) {
		this.changes++;
		const out: ContainerStatusResult[] = [];
		for (const record of this.containers.values()) {
			if (!filter.podUid || record.config.pod.metadata.uid === filter.podUid) out.push(record.status);
		}
		this.call('ListContainers', filter.podUid ? `pod_uid=${filter.podUid}` : '', `${out.length} containers`);
		return out;
	}

	// ----- exec and probes --------------------------------------------------------------

	execSync(containerId: string, argv: string[], timeoutSeconds?: number, stdin = ''): ExecResult {
		this.changes++;
		const record = this.containers.get(containerId);
		const request = `${containerId.slice(0, 13)} ${JSON.stringify(argv)}${timeoutSeconds ? ` timeout=${timeoutSeconds}` : ''}`;
		if (!record || record.status.state !== 'CONTAINER_RUNNING') {
			const message = `rpc error: code = NotFound desc = failed to exec in container: container ${containerId} is not running`;
			this.call('ExecSync', request, 'error: container not running');
			return {stdout: '', stderr: message, exitCode: 126};
		}
		const result = this.exec(record, argv, stdin);
		this.call('ExecSync', request, `exit_code=${result.exitCode}`);
		return result;
	}

	/**
	 * An interactive shell in the container (`kubectl exec -it pod -- sh`, the
	 * dashboard's shell): one shell process whose state (directory,
	 * variables) lasts from line to line. Undefined when the container is not
	 * running or has no such shell (`result` then says why, as exec would).
	 */
	openShell(containerId: string, argv: string[], options: {attach?: boolean} = {}): {session?: ShellSession; result?: ExecResult} {
		this.changes++;
		const record = this.containers.get(containerId);
		const running = record?.status.state === 'CONTAINER_RUNNING';
		if (options.attach) this.call('Attach', `${containerId.slice(0, 13)} tty=true stdin=true`, running ? 'ok' : 'error: container not running');
		else this.call('Exec', `${containerId.slice(0, 13)} ${JSON.stringify(argv)} tty=true stdin=true`, running ? 'ok' : 'error: container not running');
		if (!record || !running) {
			return {result: {stdout: '', stderr: `rpc error: code = NotFound desc = failed to ${options.attach ? 'attach to' : 'exec in'} container: container ${containerId} is not running`, exitCode: 126}};
		}
		if (options.attach && !waitsOnTerminal(record)) {
			return {result: {stdout: '', stderr: `container ${record.config.container.name} has no shell waiting on its standard input to attach to (stdin: true, tty: true, and a shell as its command)`, exitCode: 1}};
		}
		// Attaching joins the main process; an exec starts a new one in the container's namespaces.
		const pid = options.attach ? record.pid : this.enterContainer(record);
		const shellArgv = options.attach ? [...record.argv] : [...argv];
		const name = shellArgv[0] ?? '';
		if (!options.attach && !imageHas(record.image.spec, name)) return {result: this.notFound(record, pid, argv)};
		const open: OpenShell = {id: this.nextSession++, record, argv: shellArgv, pid, open: true, shell: undefined!, out: '', err: '', user: undefined, root: false, session: undefined!};
		if (options.attach) open.attached = true;
		open.shell = new Shell(this.sessionIo(open), {...record.env}, record.config.container.workingDir ?? record.image.spec.workingDir ?? '/');
		open.shell.setOptions(shellInvocation(shellArgv).options);
		if (!options.attach) record.execs++;
		// Who the shell runs as, read from the image's passwd when it starts (the prompt shows it).
		const identity = processIdentity(record.config.pod, record.config.container, this.fsOf(record));
		open.user = identity.userName;
		open.root = identity.uid === 0;
		open.session = this.sessionOf(open);
		this.sessions.set(open.id, open);
		return {session: open.session};
	}

	/**
	 * The interactive shell of number `id` (a session's `id`), open or ended:
	 * how a holder of sessions finds each again after the runtime's state
	 * was loaded.
	 */
	shellSession(id: number): ShellSession | undefined {
		this.changes++;
		return this.sessions.get(id)?.session;
	}

	/** An interactive shell's process: what a line prints is kept for the line's answer, its calls go to the container's trace. */
	private sessionIo(open: OpenShell): ShellIo {
		return {
			// An attached shell is the container's own process, not one more beside it.
			base: this.execBase(open.record, open.attached ? undefined : open.argv),
			now: () => this.now,
			out: text => {
				open.out += text;
			},
			err: text => {
				open.err += text;
			},
			trace: (tracePid, call, args, ret) => open.record.trace.emit(this.now, tracePid, call, args, ret),
			nextPid: () => this.pid(),
			pid: open.pid,
			exec: true,
		};
	}

	/** The session an open shell is used through: its state is `open`'s, so a loaded shell answers as the saved one would. */
	private sessionOf(open: OpenShell): ShellSession {
		const {record, shell} = open;
		const name = open.argv[0] ?? '';
		const program = name.slice(name.lastIndexOf('/') + 1);
		// A session of a state since replaced by a load is ended: its holder finds the loaded one by number.
		const live = () => open.open && this.sessions.get(open.id) === open;
		const close = (status: number, detached = false) => {
			if (!live()) return;
			open.open = false;
			if (!open.attached) {
				record.execs--;
				record.trace.emit(this.now, open.pid, 'exit_group', String(status), '?');
				return;
			}
			// The container's own shell: `exit` ends the container; a detach closes its input only with stdinOnce, and end of input ends the shell.
			if (detached && record.config.container.stdinOnce !== true) return;
			if (record.status.state !== 'CONTAINER_RUNNING') return;
			record.program = undefined;
			record.trace.emit(this.now, open.pid, 'exit_group', String(status), '?');
			this.finish(record, status, undefined, true);
		};
		return {
			id: open.id,
			shell: program,
			cwd: () => shell.cwd,
			variable: name => shell.variable(name),
			// Inside a here-document the shell asks for the next line with its PS2.
			prompt: () => open.pending !== undefined ? '> ' : shellPrompt(program, {
				cwd: shell.cwd,
				home: shell.variable('HOME'),
				user: open.user ?? 'I have no name!',
				root: open.root,
				hostname: record.sandbox.hostname,
				busybox: !this.fsOf(record).read('/etc/os-release') || /^ID=alpine$/m.test(this.fsOf(record).read('/etc/os-release') ?? ''),
			}),
			run: line => {
				if (!live()) return {stdout: '', stderr: '', exitCode: 0, exited: true};
				open.out = '';
				open.err = '';
				if (record.status.state !== 'CONTAINER_RUNNING') {
					close(137);
					return {stdout: '', stderr: '', exitCode: 137, exited: true};
				}
				const text = open.pending === undefined ? line : `${open.pending}\n${line}`;
				// The lines kept are the session's state, which a save holds.
				this.changes++;
				if (insideHeredoc(text)) {
					open.pending = text;
					return {stdout: '', stderr: '', exitCode: 0, exited: false};
				}
				open.pending = undefined;
				const program = shell.line(text);
				let step = program.next();
				while (!step.done) step = program.next();
				if (step.value.exited) close(step.value.status);
				return {stdout: open.out, stderr: open.err, exitCode: step.value.status, exited: step.value.exited};
			},
			close: () => close(0, true),
		};
	}

	/** The runtime's side of an exec: runc exec joins the container's namespaces; returns the new process's pid. */
	private enterContainer(record: ContainerRecord): number {
		const pid = this.pid();
		const now = this.now;
		const trace = record.trace;
		trace.emit(now, this.shimPid, 'clone', 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', pid);
		trace.emit(now, pid, 'execve', `"/usr/bin/runc", ["runc", "exec", "--process", "/tmp/runc-process", ${JSON.stringify(record.id)}], 0x7ffc /* 12 vars */`, 0);
		// A container on the host's network has no UTS or network namespace of its own to join.
		const namespaces = hostNetwork(record.sandbox) ? containerNamespaces.filter(([ns]) => ns !== 'uts' && ns !== 'net') : containerNamespaces;
		for (const [ns, flag] of namespaces) trace.emit(now, pid, 'setns', `${ns === 'mnt' ? 10 : 6} /* /proc/${record.pid}/ns/${ns} */, ${flag}`, 0);
		return pid;
	}

	/** An exec of a program the image does not have. */
	private notFound(record: ContainerRecord, pid: number, argv: readonly string[]): ExecResult {
		const name = argv[0] ?? '';
		record.trace.emit(this.now, pid, 'execve', `${quoteBuffer(resolveExecutable(name), 64)}, [${argv.slice(0, 4).map(a => quoteBuffer(a)).join(', ')}], 0x7ffc /* ${Object.keys(record.env).length} vars */`, '-1 ENOENT (No such file or directory)');
		return {stdout: '', stderr: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown`, exitCode: 126};
	}

	private exec(record: ContainerRecord, argv: string[], stdin = ''): ExecResult {
		const pid = this.enterContainer(record);
		const now = this.now;
		const trace = record.trace;
		const name = argv[0] ?? '';
		const available = record.image.spec.shell ? imageHas(record.image.spec, name) : Boolean(record.image.spec.serves?.includes(name));
		if (!available) return this.notFound(record, pid, argv);
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
		const program = shell.program(argv, stdin);
		let step = program.next();
		while (!step.done) step = program.next();
		trace.emit(now, pid, 'exit_group', String(step.value), '?');
		record.execs--;
		return {stdout, stderr, exitCode: step.value};
	}

	probe(containerId: string, probe: Probe): ProbeResult {
		this.changes++;
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
		this.changes++;
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
		const response = this.respond(record, behaviour, {method, path, from, userAgent, port});
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
		const version = record.image.version;
		const calls = requestCallCount({method, behaviour, response, accessLine});
		// What the trace keeps of the answer: strace shows at most 32 bytes of a buffer.
		// Only the fields it has: the trace is saved as plain JSON, which has no undefined.
		const answer = {status: response.status, bytes: response.bytes, body: response.body.slice(0, 33), ...(response.file === undefined ? {} : {file: response.file})};
		for (let i = 0; i < lines; i++) {
			if (accessLine) this.log(record, at, 'stdout', accessLine);
			// The calls of one request, spelled out only when someone reads the trace.
			const fd = 13 + (i % 4);
			const clientPort = 40000 + ((at + i) % 20000);
			record.trace.group(at, calls, servedRequest, {pid: worker, fd, listenFd: portIndex, clientPort, from, method, path, host, userAgent, behaviour, version, response: answer, now: at, ...(accessLine === undefined ? {} : {accessLine})});
		}
		return {ok: true, status: response.status, body: response.body, bytes: response.bytes, head: responseHeaders({behaviour, version, response, now: at})};
	}

	/** The server's answer. Its own method: the closures it hands out stay out of the scope that request traces keep alive. */
	private respond(record: ContainerRecord, behaviour: ServerBehaviour, request: ServedRequest): ServerResponse {
		return serverResponse(behaviour, request, {
			hostname: record.sandbox.hostname,
			podIP: record.sandbox.podIP,
			version: record.image.version,
			startedAt: record.status.startedAt ?? this.now,
			now: this.now,
			fs: () => this.fsOf(record),
		});
	}

	// ----- output, traces, usage ----------------------------------------------------------------

	writeLog(containerId: string, stream: 'stdout' | 'stderr', text: string): void {
		this.changes++;
		const record = this.containers.get(containerId);
		if (!record || record.status.state !== 'CONTAINER_RUNNING') return;
		this.logText(record, stream, text);
		record.trace.emit(this.now, record.pid, 'write', `${stream === 'stdout' ? 1 : 2}, ${quoteBuffer(text)}, ${text.length}`, text.length);
	}

	containerLogs(containerId: string): LogLine[] {
		this.changes++;
		const record = this.containers.get(containerId);
		if (!record) return [];
		const now = this.now;
		return record.logs.lines().filter(line => line.at <= now);
	}

	syscalls(id: string): Syscall[] {
		this.changes++;
		const now = this.now;
		const trace = this.containers.get(id)?.trace ?? this.sandboxes.get(id)?.trace;
		return trace ? trace.entries().filter(entry => Math.floor(entry.at) <= now) : [];
	}

	/** Entries and an estimate of the bytes a container's rings hold (for the benchmark). */
	footprint(id: string): {syscalls: number; logLines: number; bytes: number} | undefined {
		this.changes++;
		const record = this.containers.get(id);
		if (!record) return undefined;
		const entries = record.trace.entries();
		const lines = record.logs.lines();
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
		const limit = record.cpuLimitMilli;
		const rps = Math.floor(this.now / 1000) === record.requests.second ? Math.max(record.requests.count, record.requests.previous) : Math.floor(this.now / 1000) === record.requests.second + 1 ? record.requests.count : 0;
		const base = record.busy ? 1000 : record.image.spec.cpuMilli;
		const cpu = Math.min(limit, base * (0.7 + 0.6 * hashUnit(record.id, bucket)) + rps * (record.image.spec.cpuMilliPerRequest ?? 0.4));
		const memory = Math.min(record.limitBytes, record.memoryBytes * (0.97 + 0.06 * hashUnit(record.id, bucket + 7)) + rps * 2048);
		return {cpuMilli: Math.max(0, Math.round(cpu)), memoryBytes: Math.round(memory)};
	}

	onContainerExit(listener: ExitListener): void {
		this.listeners.push(listener);
	}

	halt(): void {
		this.changes++;
		this.halted = true;
		// The shells end with the machine, as its processes do.
		for (const open of this.sessions.values()) open.open = false;
		for (const record of this.containers.values()) this.cancelTimers(record);
		if (this.kinds.runtimes.get(this.nodeName) === this) this.kinds.runtimes.delete(this.nodeName);
	}

	// ----- state as data ---------------------------------------------------------------------

	/**
	 * The runtime's state as data: its counters, images in pull order, CRI
	 * log and host paths, its sandboxes and containers (each pointing at the
	 * other by id, the pod versions they hold saved once each), and its
	 * interactive shells. Records that were removed but that a shell ran in
	 * are saved too, marked gone. The exit listeners are its
	 * owner's and stay as they are.
	 */
	save(saving: Saving): SavedRuntime | LaterState {
		if (this.later) {
			// Unused since the restore, no pod it may hold changed, and a state a save gives back as loaded: the state is the one loaded, its text as it was read.
			const later = this.later;
			later.keptAsLoaded ??= !notKeptWhenLoaded.some(mark => later.state.includes(mark));
			if (this.context.store.writes('Pod') === later.podWrites && later.keptAsLoaded && !keptStatesChecked()) return later.state;
			// Else loaded, and saved as any loaded runtime is (kept states checked: the text is compared with the state made now).
			this.loaded();
		}
		const stale = `runtime of ${this.nodeName}: the saved state it kept is not the one made now`;
		const kept = this.kept && this.kept.changes === this.changes && this.keptHolds(this.kept) ? this.kept.saved : undefined;
		if (kept !== undefined) return keptOrMade(kept, () => this.saveNow(saving, []), stale);
		const held: Pod[] = [];
		const saved = keptOrMade(undefined, () => this.saveNow(saving, held), stale);
		this.kept = this.keep(saved, held);
		return saved;
	}

	/**
	 * What a later save may give again while nothing changed: a state with
	 * no open shell, no filesystem view (saved only while a second old) and
	 * nothing other parts keep beside its trees (a database's, which changes
	 * without the runtime), with what else it was made from: the store's
	 * version of each pod it holds (a pod held is saved by reference or as
	 * what differs from it) and the version of each tree (another holder
	 * of a claim's or an emptyDir's tree writes it without the runtime).
	 * Trees come and go only through the runtime's own calls.
	 */
	private keep(saved: SavedRuntime, held: readonly Pod[]): KeptRuntime | undefined {
		if (this.sessions.size > 0 || saved.trees || saved.containers.some(container => container.view)) return undefined;
		const {store} = this.context;
		// Frozen (a loaded state too): given again as it is, it is never changed (and a snapshot's JSON keeps its bytes: see SnapshotJson).
		return {
			changes: this.changes,
			saved: Object.freeze(saved),
			podWrites: store.writes('Pod'),
			pods: held.map(pod => [pod, store.getByUid(pod.metadata.uid)]),
			trees: [...this.trees()].map(([, tree]) => [tree, tree.version]),
		};
	}

	/** Whether the store's pods and the trees are still the ones `kept` was made from (no call or timer came since: see `changes`). */
	private keptHolds(kept: KeptRuntime): boolean {
		const {store} = this.context;
		const podWrites = store.writes('Pod');
		if (podWrites !== kept.podWrites) {
			for (const [pod, current] of kept.pods) if (store.getByUid(pod.metadata.uid) !== current) return false;
			kept.podWrites = podWrites;
		}
		for (const [tree, version] of kept.trees) if (tree.version !== version || saveTreeCompanions(tree)) return false;
		return true;
	}

	private saveNow(saving: Saving, held: Pod[]): SavedRuntime {
		this.savedPods.nextSave();
		// Each pod version once: copies that read the same are one (whether two holders shared a copy is not the runtime's state: the kubelet's copy is made again after a load).
		const pods: SavedPod[] = [];
		const podIndex = new Map<Pod, number>();
		const byText = new Map<string, number>();
		const podOf = (pod: Pod): number => {
			let at = podIndex.get(pod);
			if (at === undefined) {
				held.push(pod);
				const {saved, text} = this.savedPod(pod, saving);
				at = byText.get(text);
				if (at === undefined) {
					byText.set(text, (at = pods.length));
					pods.push(saved);
				}
				podIndex.set(pod, at);
			}
			return at;
		};
		// Records a shell holds after they were removed, and their sandboxes.
		const goneRecords: ContainerRecord[] = [];
		for (const open of this.sessions.values()) {
			if (this.containers.get(open.record.id) !== open.record && !goneRecords.includes(open.record)) goneRecords.push(open.record);
		}
		const sandboxes: Sandbox[] = [...this.sandboxes.values()];
		const goneSandboxes = new Set<Sandbox>();
		for (const record of goneRecords) {
			if (this.sandboxes.get(record.sandbox.id) !== record.sandbox && !goneSandboxes.has(record.sandbox)) goneSandboxes.add(record.sandbox);
		}
		const savedSandboxes = [...sandboxes, ...goneSandboxes].map(sandbox => this.saveSandbox(sandbox, podOf(sandbox.config.pod), goneSandboxes.has(sandbox)));
		// Environments as indexes into one table of variables: a namespace's service variables are in every container's.
		const variables: Array<[string, string]> = [];
		const variableIndex = new Map<string, Map<string, number>>();
		const envOf = (env: Record<string, string>): number[] => {
			const out: number[] = [];
			for (const [key, value] of Object.entries(env)) {
				let values = variableIndex.get(key);
				if (!values) variableIndex.set(key, (values = new Map()));
				let at = values.get(value);
				if (at === undefined) {
					values.set(value, (at = variables.length));
					variables.push([key, value]);
				}
				out.push(at);
			}
			return out;
		};
		const containers = [...this.containers.values()].map(record => this.saveRecord(record, saving, podOf(record.config.pod), envOf(record.env), false));
		for (const record of goneRecords) containers.push(this.saveRecord(record, saving, podOf(record.config.pod), envOf(record.env), true));
		const shells: SavedOpenShell[] = [];
		for (const open of this.sessions.values()) {
			shells.push({
				id: open.id, container: open.record.id, argv: [...open.argv], pid: open.pid, open: open.open, user: open.user ?? null, root: open.root,
				shell: packShellState(open.shell.saveState(), open.record.env), ...(open.attached ? {attached: true as const} : {}),
				...(open.pending !== undefined ? {pending: open.pending} : {}),
			});
		}
		return {
			nextPid: this.nextPid,
			halted: this.halted,
			images: [...this.images.keys()],
			calls: this.calls.save(),
			hostPaths: [...this.hostPaths].map(([path, tree]) => [path, tree.save()]),
			pods,
			variables,
			sandboxes: savedSandboxes,
			containers,
			shells,
			nextShell: this.nextSession,
			...this.savedCompanions(),
		};
	}

	/**
	 * Replace the runtime's state with `saved`: first back to the state it
	 * was made with (no sandboxes, containers, images or shells), then the
	 * saved one, each record re-linked to its sandbox, its image and the
	 * image's files, its main program resumed where it waited. It sets no
	 * timer (the clock has them; the records get their handles back by
	 * number) and draws nothing from the generator. Interactive shells are
	 * new sessions over the saved state: their holders find them again by
	 * number (`shellSession`).
	 */
	load(saved: SavedRuntime, loading: Loading): void {
		this.changes++;
		this.kept = undefined;
		this.later = undefined;
		this.sandboxes.clear();
		this.containers.clear();
		this.images.clear();
		this.imageList = undefined;
		this.hostPaths.clear();
		this.sessions.clear();
		this.halted = false;
		this.calls = CriLog.fromSaved(saved.calls);
		this.nextPid = saved.nextPid;
		this.nextSession = saved.nextShell;
		for (const key of saved.images) this.images.set(key, this.imageByKey(key));
		const clock = () => this.context.clock.now();
		for (const [path, tree] of saved.hostPaths) this.hostPaths.set(path, FileTree.fromSaved(tree, {clock}));
		const pods = saved.pods.map(pod => ('from' in pod ? podFrom(loading.object<Pod>({uid: pod.from}), pod) : loading.object<Pod>(pod)));
		const sandboxes = new Map<string, Sandbox>();
		for (const data of saved.sandboxes) {
			const sandbox = this.loadSandbox(data, pods);
			sandboxes.set(sandbox.id, sandbox);
			if (!data.gone) this.sandboxes.set(sandbox.id, sandbox);
		}
		const records = new Map<string, ContainerRecord>();
		for (const data of saved.containers) {
			const sandbox = sandboxes.get(data.sandbox);
			if (!sandbox) throw new Error(`load: container ${data.id} names sandbox ${data.sandbox}, which is not saved`);
			const record = this.loadRecord(data, sandbox, pods, saved.variables, loading);
			records.set(record.id, record);
			if (data.gone) continue;
			this.containers.set(record.id, record);
			sandbox.containers.push(record);
		}
		for (const data of saved.shells) {
			const record = records.get(data.container);
			if (!record) throw new Error(`load: shell ${data.id} runs in container ${data.container}, which is not saved`);
			const open: OpenShell = {id: data.id, record, argv: [...data.argv], pid: data.pid, open: data.open, shell: undefined!, out: '', err: '', user: data.user ?? undefined, root: data.root, session: undefined!};
			if (data.attached) open.attached = true;
			if (data.pending !== undefined) open.pending = data.pending;
			open.shell = Shell.fromState(this.sessionIo(open), unpackShellState(data.shell, record.env));
			open.session = this.sessionOf(open);
			this.sessions.set(open.id, open);
		}
		for (const [where, companions] of saved.trees ?? []) {
			const tree = this.treeAt(where);
			if (!tree) throw new Error(`load: no tree at ${JSON.stringify(where)} for what is kept beside it`);
			loadTreeCompanions(tree, companions);
		}
		// A running runtime is where its containers' timers find them; a halted one is not.
		if (!saved.halted) this.kinds.runtimes.set(this.nodeName, this);
		else if (this.kinds.runtimes.get(this.nodeName) === this) this.kinds.runtimes.delete(this.nodeName);
		this.halted = saved.halted;
		// Loaded, the runtime saves what it loaded: that is kept, as a save would keep it (the first save after a restore costs nothing).
		this.kept = this.keep(saved, pods);
	}

	/**
	 * `load` a saved state still as text when the runtime is first used
	 * (`loaded`, which the kubelet's every way to a runtime and the runtime's
	 * timers call first): a restore then parses and loads only the runtimes
	 * something uses, each when it does. The state is loaded against the
	 * objects and timers as they were at this point of the restore
	 * (`Loading.lasting`), so it loads as it would have now; until then
	 * nothing reaches the runtime, so nothing in it changes, and a save
	 * gives the text again (unless a pod it may hold changed, or the state
	 * is one a save would not give back as loaded: see `save`).
	 */
	loadLater(saved: LaterState, loading: Loading): void {
		this.changes++;
		this.kept = undefined;
		this.later = {state: saved, loading: loading.lasting(), podWrites: this.context.store.writes('Pod')};
		// Where its timers find it: a timer of a runtime saved halted loads it, which takes it out again.
		this.kinds.runtimes.set(this.nodeName, this);
	}

	/** Load the state `loadLater` left for first use, if any. */
	loaded(): void {
		const later = this.later;
		if (!later) return;
		this.load(later.state.value() as SavedRuntime, later.loading);
		// A pod changed since the restore: the state as read names the store's pods as they were then, so a save makes it anew.
		if (this.context.store.writes('Pod') !== later.podWrites) this.kept = undefined;
		// Else what a save gives while nothing changed is the state as read: its text is written again as it was.
		else if (this.kept) this.kept.saved = later.state;
	}

	/** What other parts keep beside this runtime's trees, by where each tree is (nothing when they keep nothing). */
	private savedCompanions(): {trees?: NonNullable<SavedRuntime['trees']>} {
		const trees: NonNullable<SavedRuntime['trees']> = [];
		for (const [where, tree] of this.trees()) {
			const companions = saveTreeCompanions(tree);
			if (companions) trees.push([where, companions]);
		}
		return trees.length > 0 ? {trees} : {};
	}

	/** The runtime's own trees, each with where it is: host paths, sandboxes' emptyDirs and claims, containers' writable layers. */
	private *trees(): Generator<[TreeLocator, FileTree]> {
		for (const [path, tree] of this.hostPaths) yield [{hostPath: path}, tree];
		for (const sandbox of this.sandboxes.values()) {
			for (const [name, tree] of sandbox.emptyDirs ?? []) yield [{sandbox: sandbox.id, emptyDir: name}, tree];
			for (const [name, tree] of sandbox.claims ?? []) yield [{sandbox: sandbox.id, claim: name}, tree];
		}
		for (const record of this.containers.values()) if (record.upper) yield [{container: record.id}, record.upper];
	}

	/**
	 * Where `tree` is in this runtime, as data: a container's writable layer,
	 * a sandbox's emptyDir or claim, or a host path (what a database kept in
	 * one is found by again after a load, with `treeAt`).
	 */
	locateTree(tree: FileTree): TreeLocator | undefined {
		for (const [where, held] of this.trees()) if (held === tree) return where;
		return undefined;
	}

	/** The tree `locator` names (see `locateTree`); undefined when there is none. */
	treeAt(locator: TreeLocator): FileTree | undefined {
		if ('hostPath' in locator) return this.hostPaths.get(locator.hostPath);
		if ('container' in locator) return this.containers.get(locator.container)?.upper;
		const sandbox = this.sandboxes.get(locator.sandbox);
		return 'emptyDir' in locator ? sandbox?.emptyDirs?.get(locator.emptyDir) : sandbox?.claims?.get(locator.claim);
	}

	/**
	 * `savePod` and its text, kept beside the pod version while the store's
	 * version of that pod is the one it was saved against: a save at 10,000
	 * pods then compares no pod that did not change since the last.
	 */
	private savedPod(pod: Pod, saving: Saving): {saved: SavedPod; text: string} {
		const current = this.context.store.getByUid(pod.metadata.uid);
		const kept = this.savedPods.get(pod);
		if (kept && kept.current === current) return kept;
		const saved = this.savePod(pod, saving);
		const made = {current, saved, text: JSON.stringify(saved)};
		this.savedPods.set(pod, made);
		return made;
	}

	/**
	 * A pod version a sandbox or container holds: the store's own by uid;
	 * else, most often, the kubelet's copy of an earlier version (the status
	 * without its lists), saved as what differs from the store's version of
	 * it now (its resourceVersion, its status); else a copy.
	 */
	private savePod(pod: Pod, saving: Saving): SavedPod {
		const saved = saving.object(pod);
		if (!('object' in saved)) return saved;
		const current = this.context.store.getByUid(pod.metadata.uid) as Pod | undefined;
		if (!current || current.kind !== 'Pod') return saved;
		const diff: SavedPodChanges = {from: pod.metadata.uid};
		if (pod.metadata !== current.metadata) {
			if (JSON.stringify(pod.metadata) === JSON.stringify({...current.metadata, resourceVersion: pod.metadata.resourceVersion})) diff.rv = pod.metadata.resourceVersion;
			else diff.metadata = pod.metadata;
		}
		if (pod.spec !== current.spec && JSON.stringify(pod.spec) !== JSON.stringify(current.spec)) diff.spec = pod.spec;
		if (JSON.stringify(pod.status) !== JSON.stringify(withoutLists(current.status))) diff.status = pod.status ?? null;
		// Its metadata, spec and status read the same made again: the rest (kind, apiVersion, the order of the fields) is checked here.
		const made = podFrom(current, diff) as Record<string, unknown>;
		const keys = Object.keys(pod);
		const same = keys.length === Object.keys(made).length && Object.keys(made).every((key, index) => key === keys[index]
			&& (key === 'metadata' || key === 'spec' || key === 'status' || (pod as Record<string, unknown>)[key] === made[key] || JSON.stringify((pod as Record<string, unknown>)[key]) === JSON.stringify(made[key])));
		return same ? diff : saved;
	}

	/** A pulled image by its normalized reference (the registry answers the same for it). */
	private imageByKey(key: string): ResolvedImage {
		const found = this.images.get(key);
		if (found) return found;
		const resolved = resolveImage(key, this.registry);
		if (!resolved.ok || resolved.image.reference.normalized !== key) throw new Error(`load: image ${key} does not resolve to itself`);
		return resolved.image;
	}

	private saveSandbox(sandbox: Sandbox, pod: number, gone: boolean): SavedSandbox {
		if (sandbox.podIP !== sandbox.config.podIP) throw new Error(`sandbox ${sandbox.id} has the address ${sandbox.podIP}, its configuration ${sandbox.config.podIP}`);
		return {
			id: sandbox.id, pod, ip: sandbox.podIP, attempt: sandbox.config.attempt, hostname: sandbox.hostname, ready: sandbox.ready,
			pid: sandbox.pid, createdAt: sandbox.createdAt, runcPid: sandbox.runcPid, trace: sandbox.trace.save(),
			...(sandbox.emptyDirs ? {emptyDirs: [...sandbox.emptyDirs].map(([name, tree]) => [name, tree.save()] as [string, SavedFileTree])} : {}),
			...(sandbox.claims ? {claims: [...sandbox.claims].map(([name, tree]) => [name, tree.save()] as [string, SavedFileTree])} : {}),
			...(sandbox.tokens ? {tokens: [...sandbox.tokens].map(([key, held]) => [key, held.issuedAt, held.token] as [string, number, string])} : {}),
			// A read-only volume's tree is made from its files, mode and time alone: those are saved, not the tree.
			...(sandbox.volumeTrees ? {volumes: [...sandbox.volumeTrees].map(([name, held]) => [name, held.files, held.mode ?? null, held.now] as SavedVolume)} : {}),
			...(gone ? {gone: true as const} : {}),
		};
	}

	private loadSandbox(data: SavedSandbox, pods: Pod[]): Sandbox {
		const clock = () => this.context.clock.now();
		const pod = pods[data.pod];
		if (!pod) throw new Error(`load: sandbox ${data.id} names pod ${data.pod} of ${pods.length}`);
		const sandbox: Sandbox = {
			id: data.id, config: {pod, podIP: data.ip, attempt: data.attempt}, podIP: data.ip, hostname: data.hostname, ready: data.ready,
			pid: data.pid, createdAt: data.createdAt, runcPid: data.runcPid, trace: undefined!, containers: [],
		};
		sandbox.trace = Trace.fromSaved(data.trace, {owner: sandbox});
		if (data.emptyDirs) sandbox.emptyDirs = new Map(data.emptyDirs.map(([name, tree]) => [name, FileTree.fromSaved(tree, {clock})]));
		if (data.claims) sandbox.claims = new Map(data.claims.map(([name, tree]) => [name, FileTree.fromSaved(tree, {clock})]));
		if (data.tokens) sandbox.tokens = new Map(data.tokens.map(([key, issuedAt, token]) => [key, {issuedAt, token}]));
		if (data.volumes) {
			sandbox.volumeTrees = new Map(data.volumes.map(([name, files, mode, now]) => [name, {files, mode: mode ?? undefined, now, tree: FileTree.from(files, {readOnly: true, mode: mode ?? undefined, now})}]));
		}
		return sandbox;
	}

	private saveRecord(record: ContainerRecord, saving: Saving, pod: number, env: number[], gone: boolean): SavedContainer {
		const {config, status} = record;
		const specs = (config.ephemeral ? config.pod.spec?.ephemeralContainers : config.init ? config.pod.spec?.initContainers : config.pod.spec?.containers) ?? [];
		let index = specs.indexOf(config.container);
		// The same spec in another object (the pod version was copied since): by its place too, as a load gives it back.
		if (index < 0) {
			const named = specs.findIndex(spec => spec.name === config.container.name);
			if (named >= 0 && JSON.stringify(specs[named]) === JSON.stringify(config.container)) index = named;
		}
		const {id: _id, name: _name, image: _image, imageRef: _imageRef, ...state} = status;
		const imageKey = imageTreeKey(record.image);
		const behaviour = record.image.spec.behaviour as Partial<ServerBehaviour>;
		// A view older than a second is made again on next use, as none would be: it is not saved.
		const view = record.savedView ? (this.now - record.savedView.at < 1000 ? record.savedView : undefined) : record.view && this.now - record.view.at < 1000 ? this.saveView(record, record.view) : undefined;
		return {
			id: record.id, sandbox: record.sandbox.id, pod, container: index >= 0 ? index : config.container, attempt: config.attempt, init: config.init,
			...(config.ephemeral ? {ephemeral: true} : {}), ...(config.targetContainerId ? {target: config.targetContainerId} : {}),
			...(config.nodeMemoryBytes === undefined ? {} : {nodeMemory: config.nodeMemoryBytes}),
			image: record.image.reference.normalized,
			status: state,
			argv: record.argv, env, mode: record.mode, found: record.found, pid: record.pid, workerPid: record.workerPid,
			trace: record.trace.save(this.requestCodec(record)),
			logs: record.logs.save(lines => {
				if (lines !== behaviour.startup) throw new Error(`container ${record.id}: its start-up lines are not its image's`);
				return 'image';
			}),
			...(record.upper ? {upper: record.upper.save(lower => (lower === imageTreeByKey(imageKey) ? imageKey : imageKeyOfTree(lower)))} : {}),
			...(view ? {view} : {}),
			listenAt: Number.isFinite(record.listenAt) ? record.listenAt : null,
			listenedAt: Number.isNaN(record.listenedAt) ? null : record.listenedAt,
			ports: [...record.ports],
			memoryBytes: record.memoryBytes,
			busy: record.busy,
			stopping: record.stopping,
			requests: [record.requests.second, record.requests.count, record.requests.previous],
			...(record.timers?.size ? {timers: [...record.timers].map(timer => saving.timer(timer))} : {}),
			...(record.program ? {program: packProgram(record.program.save(), record.env)} : {}),
			execs: record.execs,
			...(gone ? {gone: true as const} : {}),
		};
	}

	private loadRecord(data: SavedContainer, sandbox: Sandbox, pods: Pod[], variables: Array<[string, string]>, loading: Loading): ContainerRecord {
		const pod = pods[data.pod];
		if (!pod) throw new Error(`load: container ${data.id} names pod ${data.pod} of ${pods.length}`);
		const container = typeof data.container === 'number' ? ((data.ephemeral ? pod.spec?.ephemeralContainers : data.init ? pod.spec?.initContainers : pod.spec?.containers) ?? [])[data.container] : data.container;
		if (!container) throw new Error(`load: container ${data.id} names container ${String(data.container)} of its pod`);
		const image = this.imageByKey(data.image);
		const config: ContainerConfig = {pod, container, attempt: data.attempt, init: data.init, nodeMemoryBytes: data.nodeMemory};
		if (data.ephemeral) config.ephemeral = true;
		if (data.target !== undefined) config.targetContainerId = data.target;
		const limit = quantityBytes(container.resources?.limits?.memory);
		const {state, createdAt, ...rest} = data.status;
		const record: ContainerRecord = {
			id: data.id, sandbox, config, image, argv: data.argv, env: envFrom(data.env, variables), mode: data.mode, found: data.found,
			status: {id: data.id, name: container.name, state, createdAt, image: container.image, imageRef: imageRefOf(image), ...rest},
			pid: data.pid, workerPid: data.workerPid,
			trace: undefined!,
			logs: ContainerLog.fromSaved(data.logs, key => {
				const startup = (image.spec.behaviour as Partial<ServerBehaviour>).startup;
				if (key !== 'image' || !startup) throw new Error(`load: container ${data.id}'s start-up lines (${key}) are not its image's`);
				return startup;
			}),
			listenAt: data.listenAt ?? Number.POSITIVE_INFINITY,
			listenedAt: data.listenedAt ?? Number.NaN,
			ports: data.ports,
			memoryBytes: data.memoryBytes,
			// The limits are read from the configuration, as when it was made.
			limitBytes: limit > 0 ? limit : (config.nodeMemoryBytes ?? 16 * 2 ** 30),
			cpuLimitMilli: milliCpu(container.resources?.limits?.cpu) || 4000,
			busy: data.busy,
			stopping: data.stopping,
			requests: {second: data.requests[0], count: data.requests[1], previous: data.requests[2]},
			execs: data.execs,
			starting: false,
		};
		record.trace = Trace.fromSaved(data.trace, {owner: record, ...this.requestCodec(record)});
		if (data.upper) {
			const key = imageTreeKey(image);
			record.upper = FileTree.fromSaved(data.upper, {clock: () => this.context.clock.now(), lower: lower => (lower === key ? imageTree(image) : imageTreeByKey(lower))});
		}
		if (data.view) record.savedView = data.view;
		if (data.timers) record.timers = new Set(data.timers.map(timer => loading.timer(timer)));
		if (data.program) record.program = Shell.resume(this.programIo(record), unpackProgram(data.program, record.env));
		return record;
	}

	/** A served request's burst keeps the server's behaviour: saved as the container's image's, not copied. */
	private requestCodec(record: ContainerRecord): GroupCodec {
		const behaviour = record.image.spec.behaviour;
		return {
			encode: (name, input) => {
				if (name !== servedRequest.name) return input;
				const {behaviour: held, ...rest} = input as RequestCallsInput;
				if (held !== behaviour) throw new Error(`container ${record.id}: a request it served has a behaviour other than its image's`);
				return rest;
			},
			decode: (name, input) => (name === servedRequest.name ? {...(input as object), behaviour} : input),
		};
	}

	/** A view of a container's filesystem as data: when it was made, and where each mount's tree is. */
	private saveView(record: ContainerRecord, view: {fs: MountedFs; at: number}): SavedView {
		if (view.fs.root !== record.upper) throw new Error(`container ${record.id}: its view is not over its layer`);
		const namespace = record.config.pod.metadata.namespace ?? 'default';
		const mounts: SavedView['mounts'] = view.fs.mounts.map(mount => {
			const sub = mount.tree instanceof SubPathFs ? mount.tree.subPath : null;
			const tree = mount.tree instanceof SubPathFs ? mount.tree.base : mount.tree;
			if (!(tree instanceof FileTree)) throw new Error(`container ${record.id}: its mount ${mount.path} is not a tree`);
			return [mount.path, this.mountPlace(record, namespace, mount.volume, tree), sub, mount.readOnly, mount.volume, mount.fsType];
		});
		return {at: view.at, mounts};
	}

	/** Where a mounted tree is: one of the runtime's, the volume provider's for a claim, or (a volume's tree since replaced) the tree itself. */
	private mountPlace(record: ContainerRecord, namespace: string, volume: string, tree: FileTree): MountPlace {
		const {sandbox} = record;
		if (sandbox.volumeTrees?.get(volume)?.tree === tree) return {sandbox: sandbox.id, volume};
		for (const [name, held] of sandbox.emptyDirs ?? []) if (held === tree) return {sandbox: sandbox.id, emptyDir: name};
		for (const [name, held] of sandbox.claims ?? []) if (held === tree) return {sandbox: sandbox.id, claim: name};
		for (const [path, held] of this.hostPaths) if (held === tree) return {hostPath: path};
		const claim = record.config.pod.spec?.volumes?.find(v => v.name === volume)?.persistentVolumeClaim?.claimName;
		if (claim !== undefined && volumeProviderOf(this.context.services)?.treeForClaim(namespace, claim) === tree) return {namespace, claim};
		return {tree: tree.save()};
	}

	/** A saved view made again: its mounts' trees found where they were (a sandbox place is the container's own sandbox). */
	private viewFrom(record: ContainerRecord, saved: SavedView): MountedFs {
		const {sandbox} = record;
		const mounts = saved.mounts.map(([path, place, sub, readOnly, volume, fsType]) => {
			let tree: FileTree | undefined;
			if ('tree' in place) tree = FileTree.fromSaved(place.tree, {clock: () => this.context.clock.now()});
			else if ('namespace' in place) tree = volumeProviderOf(this.context.services)?.treeForClaim(place.namespace, place.claim);
			else if ('hostPath' in place) tree = this.hostPaths.get(place.hostPath);
			else if ('volume' in place) tree = sandbox.volumeTrees?.get(place.volume)?.tree;
			else if ('emptyDir' in place) tree = sandbox.emptyDirs?.get(place.emptyDir);
			else if ('claim' in place) tree = sandbox.claims?.get(place.claim);
			if (!tree) throw new Error(`load: container ${record.id}'s mount ${path} is not found`);
			const fs: FileSystem = sub === null ? tree : new SubPathFs(tree, sub);
			return {path, tree: fs, readOnly, volume, fsType};
		});
		return new MountedFs(record.upper!, mounts);
	}

	// ----- filesystem ------------------------------------------------------------------------

	/** The container's filesystem: its layer over the image, with its volume mounts (one view per virtual second). */
	fsOf(record: ContainerRecord): MountedFs {
		this.changes++;
		if (record.savedView) {
			const saved = record.savedView;
			record.savedView = undefined;
			if (this.now - saved.at < 1000) record.view = {fs: this.viewFrom(record, saved), at: saved.at};
		}
		if (record.view && this.now - record.view.at < 1000) return record.view.fs;
		record.upper ??= writableLayer(record.image, record.sandbox, record.config.pod.metadata.namespace ?? 'default');
		const fs = containerFs(record.upper, {context: this.context, hostPaths: this.hostPaths}, record.sandbox, record.config.pod, record.config.container);
		record.view = {fs, at: this.now};
		return fs;
	}

	private execBase(record: ContainerRecord, execArgv?: string[]): ShellIo['base'] {
		const runtime = this;
		return {
			pod: record.config.pod,
			container: record.config.container,
			request: (host, port, path, hostHeader) => podRequest(this.context, (this.context.store.getByUid(record.config.pod.metadata.uid) ?? record.config.pod) as Pod, host, port, path, hostHeader),
			get fs() {
				return runtime.fsOf(record);
			},
			random: this.context.random,
			hostname: record.sandbox.hostname,
			listening: (port: number) => {
				for (const other of record.sandbox.containers) if (this.listening(other, port)) return true;
				return false;
			},
			resolve: (name: string) => resolveInCluster(this.context, (this.context.store.getByUid(record.config.pod.metadata.uid) ?? record.config.pod) as Pod, name),
			processes: (): ProcessInfo[] => {
				// A pod in the node's process namespace (`hostPID`, as kubectl debug node makes): the node's daemons, then every pod's shim, pause and processes.
				if (record.config.pod.spec?.hostPID === true) return this.nodeProcesses(execArgv);
				// A pod that shares one process namespace (`shareProcessNamespace`): the sandbox's pause is pid 1, then every running container's processes.
				if (record.config.pod.spec?.shareProcessNamespace === true) {
					const all: ProcessInfo[] = [{pid: 1, user: 'root', command: '/pause'}];
					let next = 8;
					for (const other of record.sandbox.containers) {
						if (other.status.state !== 'CONTAINER_RUNNING') continue;
						all.push(...containerProcesses(other, next, next + 6));
						next += 7;
					}
					if (execArgv) all.push({pid: next + record.execs, user: 'root', command: execArgv.join(' ')});
					return all;
				}
				// An ephemeral container with a target shares its process namespace: the target's processes come first, its own after them.
				const target = record.config.targetContainerId === undefined ? undefined : this.containers.get(record.config.targetContainerId);
				const shift = target ? 30 : 0;
				const list = target?.status.state === 'CONTAINER_RUNNING' ? containerProcesses(target, 1, 29) : [];
				list.push(...containerProcesses(record, 1 + shift, 29 + shift));
				if (execArgv) list.push({pid: 30 + record.execs + shift, user: 'root', command: execArgv.join(' ')});
				return list;
			},
		};
	}

	nodeFiles(dir: string): Array<{name: string; content: string}> | undefined {
		// The host path that holds the folder: the longest one it is under.
		let root: string | undefined;
		let inside: string | undefined;
		for (const path of this.hostPaths.keys()) {
			const within = pathInside(dir, path);
			if (within !== undefined && (root === undefined || path.length > root.length)) {
				root = path;
				inside = within;
			}
		}
		if (root === undefined || inside === undefined) return undefined;
		const tree = this.hostPaths.get(root)!;
		const names = tree.list(inside);
		if (!names) return undefined;
		const files: Array<{name: string; content: string}> = [];
		for (const name of names) {
			const content = tree.read(`${inside === '/' ? '' : inside}/${name}`);
			if (content !== undefined) files.push({name, content});
		}
		return files;
	}

	/** Every process of the node, by pid: its daemons, and each ready sandbox's shim and pause with its running containers' processes (nginx's workers by uid, which the node's passwd does not name). */
	private nodeProcesses(execArgv?: string[]): ProcessInfo[] {
		const node = this.context.store.get('Node', undefined, this.nodeName) as Node | undefined;
		const all = nodeDaemons(node, this.nodeName);
		for (const sandbox of this.sandboxes.values()) {
			if (!sandbox.ready) continue;
			all.push({pid: sandbox.runcPid + 1, user: 'root', command: `/usr/local/bin/containerd-shim-runc-v2 -namespace k8s.io -id ${sandbox.id} -address /run/containerd/containerd.sock`});
			all.push({pid: sandbox.pid, user: '65535', command: '/pause'});
			for (const record of sandbox.containers) {
				if (record.status.state !== 'CONTAINER_RUNNING' || record.pid === undefined) continue;
				all.push({pid: record.pid, user: 'root', command: record.argv.join(' ')});
				if (record.workerPid && record.workerPid !== record.pid) all.push({pid: record.workerPid, user: '101', command: 'nginx: worker process'});
			}
		}
		// What runs the command is the next process the node starts.
		if (execArgv) all.push({pid: this.nextPid, user: 'root', command: execArgv.join(' ')});
		return all.sort((a, b) => a.pid - b.pid);
	}

	// ----- helpers ---------------------------------------------------------------------------------

	private log(record: ContainerRecord, at: number, stream: 'stdout' | 'stderr', text: string): void {
		record.logs.push({at, stream, text: flat(text)});
	}

	/** Program output split into lines (a last partial line counts as a line). */
	private logText(record: ContainerRecord, stream: 'stdout' | 'stderr', text: string): void {
		const lines = text.split('\n');
		if (lines[lines.length - 1] === '') lines.pop();
		for (const line of lines) this.log(record, this.now, stream, line);
	}

	/**
	 * A timer of the container's, naming its node and id before its own data:
	 * cancelled when it exits or goes, or the runtime halts.
	 */
	private timer(record: ContainerRecord, ms: number, kind: TimerKind<ContainerTimer>): void;
	private timer<A extends ContainerTimer>(record: ContainerRecord, ms: number, kind: TimerKind<A>, data: Omit<A, keyof ContainerTimer>): void;
	private timer(record: ContainerRecord, ms: number, kind: TimerKind<any>, data?: object): void {
		const handle = this.context.clock.after(ms, kind, {node: this.nodeName, id: record.id, ...data});
		(record.timers ??= new Set()).add(handle);
	}

	private cancelTimers(record: ContainerRecord): void {
		if (!record.timers) return;
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
		record.status = copyWith(record.status, {state: 'CONTAINER_EXITED', exitCode, reason: reason ?? (exitCode === 0 ? 'Completed' : 'Error'), finishedAt: this.now});
		if (message) record.status.message = message;
		if (notify && !this.halted && !record.starting) for (const listener of this.listeners) listener(record.status);
	}

	/** 64 hex digits from eight 32-bit draws, each written as eight digits. */
	private hexId(): string {
		// Eight 32-bit draws, as ever, written as hex digits into one reused array of character codes: one flat string, nothing else made.
		const codes = idCodes;
		for (let i = 0; i < 8; i++) {
			let value = this.context.random.int(0, 0xffffffff);
			for (let at = i * 8 + 7; at >= i * 8; at--) {
				codes[at] = hexDigits[value & 15]!;
				value >>>= 4;
			}
		}
		return String.fromCharCode.apply(null, codes);
	}
}

// ----- state as data ------------------------------------------------------------------------------------

/**
 * Where a tree of a node's runtime is, as data: a container's writable
 * layer, a sandbox's emptyDir or claim (one with no volume behind it), or
 * a host path.
 */
export type TreeLocator =
	| {container: string}
	| {sandbox: string; emptyDir: string}
	| {sandbox: string; claim: string}
	| {hostPath: string};

/** Where a view's mounted tree is: a runtime tree, a sandbox's read-only volume, a claim's volume (the provider's), or the tree itself. */
type MountPlace = TreeLocator | {sandbox: string; volume: string} | {namespace: string; claim: string} | {tree: SavedFileTree};

/** A container's filesystem view, kept a virtual second: when it was made, and each mount (path, tree, subPath, read-only, volume, type). */
type SavedView = {at: number; mounts: Array<[path: string, place: MountPlace, sub: string | null, readOnly: boolean, volume: string, fsType: string]>};

/** What the text of a saved runtime holds when a save would not give it back as loaded (see `MockRuntime.keep`): an open shell, a filesystem view, what other parts keep beside a tree. */
const notKeptWhenLoaded = ['"shells":[{', '"view":', '"trees":'];

/** A runtime's last saved state and what it was made from (`MockRuntime.keep`). */
type KeptRuntime = {
	changes: number;
	/** The state, or the text it was loaded from (`loadLater`). */
	saved: SavedRuntime | LaterState;
	/** The store's Pod writes when the pods below were last found unchanged (none since: no need to look again). */
	podWrites: number;
	/** Each pod version held, with the store's version of that pod then. */
	pods: Array<[held: Pod, current: unknown]>;
	/** Each of the runtime's trees with its version then. */
	trees: Array<[FileTree, number]>;
};

/** A node's runtime as data (`MockRuntime.save`). */
export type SavedRuntime = {
	nextPid: number;
	halted: boolean;
	/** Images by normalized reference, in pull order (node status lists ties in it). */
	images: string[];
	calls: SavedCriLog;
	hostPaths: Array<[path: string, tree: SavedFileTree]>;
	/** The pod versions sandboxes and containers hold, each once (they point in by index). */
	pods: SavedPod[];
	/** The environment variables of the containers, each name and value once (a container's environment points in by index, in its order). */
	variables: Array<[name: string, value: string]>;
	/** In the runtime's order; then those only a gone container's shell keeps. */
	sandboxes: SavedSandbox[];
	containers: SavedContainer[];
	shells: SavedOpenShell[];
	nextShell: number;
	/** What other parts keep beside the runtime's trees (a database on a container's files), by where each tree is. */
	trees?: Array<[where: TreeLocator, companions: Array<[name: string, state: unknown]>]>;
};

type SavedSandbox = {
	id: string;
	pod: number;
	ip: string;
	attempt: number;
	hostname: string;
	ready: boolean;
	pid: number;
	createdAt: number;
	runcPid: number;
	trace: SavedTrace;
	emptyDirs?: Array<[name: string, tree: SavedFileTree]>;
	claims?: Array<[name: string, tree: SavedFileTree]>;
	tokens?: Array<[key: string, issuedAt: number, token: string]>;
	volumes?: SavedVolume[];
	/** Removed, and kept only by a shell. */
	gone?: true;
};

/**
 * A container as data. Its limits are read again from its configuration;
 * its status leaves out what the configuration and image say (id, name,
 * image, image ref). The resolved environment is saved, not made again:
 * the ConfigMaps, Secrets and Services it was resolved from may have
 * changed since.
 */
type SavedContainer = {
	id: string;
	sandbox: string;
	pod: number;
	/** The index of its spec in the pod's containers (or init or ephemeral containers), or the spec when the pod has it no more. */
	container: number | Container;
	attempt: number;
	init: boolean;
	ephemeral?: true;
	/** The container whose process namespace it joined (`ContainerConfig.targetContainerId`). */
	target?: string;
	nodeMemory?: number;
	image: string;
	status: Omit<ContainerStatusResult, 'id' | 'name' | 'image' | 'imageRef'>;
	argv: string[];
	/** Its resolved environment, as indexes into the runtime's `variables`. */
	env: number[];
	mode: ProcessMode;
	found: boolean;
	pid: number;
	workerPid: number;
	trace: SavedTrace;
	logs: SavedContainerLog;
	upper?: SavedFileTree;
	view?: SavedView;
	/** Null: never (not listening); listenedAt null: it never listened. */
	listenAt: number | null;
	listenedAt: number | null;
	ports: number[];
	memoryBytes: number;
	busy: boolean;
	stopping: boolean;
	requests: [second: number, count: number, previous: number];
	timers?: SavedTimerRef[];
	program?: SavedShell;
	execs: number;
	gone?: true;
};

/**
 * A pod version as saved: the store's own or a copy (`SavedObject`), or
 * what a copy has other than the store's version `from` (uid): another
 * resourceVersion, metadata, spec or status (null: none). A status not
 * given is the store's without its lists (as the kubelet copies it).
 */
type SavedPod = SavedObject | SavedPodChanges;
type SavedPodChanges = {from: string; rv?: string; metadata?: Pod['metadata']; spec?: Pod['spec']; status?: Pod['status'] | null};

/** A pod status without the lists the kubelet leaves out of the copy it hands the runtime. */
function withoutLists(status: Pod['status']): Pod['status'] {
	if (!status) return status;
	const {conditions: _conditions, containerStatuses: _containers, initContainerStatuses: _init, ...rest} = status;
	return rest;
}

/** The pod version `changes` describe against the store's `current`. */
function podFrom(current: Pod, changes: SavedPodChanges): Pod {
	const metadata = changes.metadata ?? (changes.rv === undefined ? current.metadata : {...current.metadata, resourceVersion: changes.rv});
	const status = changes.status === undefined ? withoutLists(current.status) : changes.status ?? undefined;
	const pod: Pod = {...current, metadata, spec: changes.spec ?? current.spec, status};
	if (status === undefined) delete pod.status;
	return pod;
}

/** An environment from indexes into a table of variables. */
function envFrom(indexes: readonly number[], variables: ReadonlyArray<[string, string]>): Record<string, string> {
	const env: Record<string, string> = {};
	for (const at of indexes) {
		const variable = variables[at];
		if (!variable) throw new Error(`load: an environment names variable ${at} of ${variables.length}`);
		env[variable[0]] = variable[1];
	}
	return env;
}

/** A read-only volume's files, mode and time, which make its tree. */
type SavedVolume = [name: string, files: Record<string, string>, mode: number | null, now: number];

/** An interactive shell: its number, container, command, process, whether it is open, its user, and the shell's state between lines. */
type SavedOpenShell = {id: number; container: string; argv: string[]; pid: number; open: boolean; user: string | null; root: boolean; shell: SavedShellState & {env?: true}; attached?: true; pending?: string};

/**
 * A shell's state with the variables it inherited left out when they are
 * still the container's environment, first and unchanged (a shell starts
 * with it): they are most of a shell's size, and the record has them.
 */
function packShellState(state: SavedShellState, env: Record<string, string>): SavedShellState & {env?: true} {
	const entries = Object.entries(env);
	if (entries.length > state.vars.length || entries.length > state.exported.length) return state;
	for (let i = 0; i < entries.length; i++) {
		const [key, value] = entries[i]!;
		const [name, held] = state.vars[i]!;
		if (name !== key || held !== value || state.exported[i] !== key) return state;
	}
	return {...state, vars: state.vars.slice(entries.length), exported: state.exported.slice(entries.length), env: true};
}

function unpackShellState(saved: SavedShellState & {env?: true}, env: Record<string, string>): SavedShellState {
	const {env: inherited, ...state} = saved;
	if (!inherited) return state;
	return {...state, vars: [...Object.entries(env), ...state.vars], exported: [...Object.keys(env), ...state.exported]};
}

function packProgram(saved: SavedShell, env: Record<string, string>): SavedShell {
	return {...saved, shell: packShellState(saved.shell, env)};
}

function unpackProgram(saved: SavedShell, env: Record<string, string>): SavedShell {
	return {...saved, shell: unpackShellState(saved.shell, env)};
}

// ----- pure helpers -------------------------------------------------------------------------------------

/** What a container timer names: its node's runtime and the container. */
type ContainerTimer = {node: string; id: string};
/** A timer that ends the container's process with `exitCode`. */
type ExitTimer = ContainerTimer & {exitCode: number};

/** The runtime's timer kinds of one cluster, and its running runtimes by node. */
export type RuntimeTimers = {
	runtimes: Map<string, MockRuntime>;
	/** The main program runs on (after exec, after a sleep). */
	resume: TimerKind<ContainerTimer>;
	oomKill: TimerKind<ContainerTimer>;
	/** A server missing required configuration exits. */
	unconfigured: TimerKind<ExitTimer>;
	/** A run-to-completion program ends. */
	completed: TimerKind<ExitTimer>;
	/** A server that handles the stop signal finishes shutting down. */
	shutDown: TimerKind<ExitTimer>;
	/** The grace period ends: SIGKILL. */
	graceKill: TimerKind<ContainerTimer>;
};

/** The runtime timers of each cluster, by its clock. */
const runtimeTimers = new WeakMap<VirtualClock, RuntimeTimers>();

/** A run-to-completion container's program: its image's `run` behaviour (or a default one), and whether an interpreter runs a script instead. */
function runPlan(record: ContainerRecord): {run: {durationMs: readonly [number, number]; exitCode: number; lines: readonly string[]}; interpreted: boolean} {
	const behaviour = record.image.spec.behaviour;
	const run = behaviour.kind === 'run' ? behaviour : defaultRun;
	const interpreted = !record.image.spec.serves?.includes(record.argv[0] ?? '') && !record.image.spec.serves?.includes(basename(record.argv[0] ?? ''));
	return {run, interpreted};
}

const defaultRun = {durationMs: [2000, 8000] as [number, number], exitCode: 0, lines: [] as string[]};

/** The TCP ports a container declares. */
function declaredPorts(container: ContainerConfig['container']): number[] {
	return (container.ports ?? []).filter(port => (port.protocol ?? 'TCP') === 'TCP').map(port => port.containerPort);
}

const imageRefs = new WeakMap<ResolvedImage, string>();

/** `repository@sha256:digest`, one string per image (every container's status names it). */
function imageRefOf(image: ResolvedImage): string {
	let ref = imageRefs.get(image);
	if (ref === undefined) imageRefs.set(image, (ref = `${image.reference.repository}@sha256:${image.digest}`));
	return ref;
}

/** containerd's and the shim's pids on every node. */
const containerdPid = 412;
const shimPid = 1300;

/** The pid `count` allocations after `pid`, as `MockRuntime.pid` hands them out (wrapping at the kernel's pid_max). */
function pidAfter(pid: number, count: number): number {
	let next = pid;
	for (let i = 0; i < count; i++) next = next >= 4_194_000 ? 300 : next + 1;
	return next;
}

/** A served request's calls (accept, recv, the answer, the access log), spelled out from what the request was. */
/** A running container's processes as `ps` lists them: its main one at `main`, and nginx's worker at `worker` when it has one. */
function containerProcesses(record: ContainerRecord, main: number, worker: number): ProcessInfo[] {
	const list: ProcessInfo[] = [{pid: main, user: 'root', command: record.argv.join(' ')}];
	if (record.workerPid && record.workerPid !== record.pid) list.push({pid: worker, user: 'nginx', command: 'nginx: worker process'});
	return list;
}

const servedRequest = spelling<RequestCallsInput>('request', input => requestCalls(input.now, input));

/**
 * The container's main process is a shell reading its standard input, which
 * `stdin: true` keeps open: no script (`-c`) and no script file. It waits on
 * its terminal until someone attaches and types.
 */
function waitsOnTerminal(record: ContainerRecord): boolean {
	if (record.mode !== 'shell' || record.config.container.stdin !== true) return false;
	const invocation = shellInvocation(record.argv);
	return invocation.script === undefined && record.argv.length === 1 + invocation.options.length;
}

/** The namespaces `runc exec` joins, in its order. */
const containerNamespaces = [['ipc', 'CLONE_NEWIPC'], ['uts', 'CLONE_NEWUTS'], ['net', 'CLONE_NEWNET'], ['pid', 'CLONE_NEWPID'], ['mnt', 'CLONE_NEWNS']] as const;

function hostNetwork(sandbox: Sandbox): boolean {
	return sandbox.config.pod.spec?.hostNetwork === true;
}

/** A sandbox's start-up trace: CNI set-up, runc starting pause, pause's signal handlers. */
const sandboxStart = spelling<Sandbox>('sandboxStart', sandbox => spellSandboxStart(sandbox));

function spellSandboxStart(sandbox: Sandbox): Syscall[] {
	const create = sandbox.runcPid;
	const pids = {create, stage0: pidAfter(create, 1), stage1: pidAfter(create, 2), init: sandbox.pid, start: pidAfter(create, 4)};
	return spellSteps(sandbox.createdAt, [
		// A pod on the host's network gets no network namespace, so no CNI call.
		...(hostNetwork(sandbox) ? [] : cniSetup(containerdPid, sandbox.podIP, sandbox.id)),
		...runcStart({id: sandbox.id, shimPid, pids, hostNetwork: hostNetwork(sandbox), hostname: sandbox.hostname, argv: ['/pause'], executable: '/pause', envCount: 1, mounts: [], found: true}),
		[pids.init, 'rt_sigaction', 'SIGINT, {sa_handler=0x401000, sa_mask=[], sa_flags=SA_RESTORER}, NULL, 8', 0],
		[pids.init, 'rt_sigaction', 'SIGTERM, {sa_handler=0x401000, sa_mask=[], sa_flags=SA_RESTORER}, NULL, 8', 0],
		[pids.init, 'rt_sigaction', 'SIGCHLD, {sa_handler=0x401020, sa_mask=[], sa_flags=SA_RESTORER|SA_NOCLDSTOP}, NULL, 8', 0],
		[pids.init, 'pause', '', '?'],
	]);
}

/** A container's start-up trace: runc starting its process, then pause's wait or a server's listening sockets. */
const containerStart = spelling<ContainerRecord>('containerStart', record => spellContainerStart(record));

function spellContainerStart(record: ContainerRecord): Syscall[] {
	const init = record.pid;
	const pids = {create: pidAfter(init, 1), stage0: pidAfter(init, 2), stage1: pidAfter(init, 3), init, start: pidAfter(init, 4)};
	const steps = runcStart({
		id: record.id, shimPid, pids, sandboxPid: record.sandbox.pid, hostNetwork: hostNetwork(record.sandbox), hostname: record.sandbox.hostname,
		argv: record.argv, executable: resolveExecutable(record.argv[0] ?? ''), envCount: Object.keys(record.env).length, found: record.found,
		mounts: () => mountPlan(record.config.pod, record.config.container, record.id, record.sandbox.id),
	});
	const start = record.status.startedAt!;
	if (record.found && record.mode === 'pause') return spellSteps(start, [...steps, [record.pid, 'pause', '', '?']]);
	if (!Number.isNaN(record.listenedAt)) {
		const behaviour = record.image.spec.behaviour as ServerBehaviour;
		const config = behaviour.accessLog === 'nginx' ? '/etc/nginx/nginx.conf' : undefined;
		return [...spellSteps(start, steps), ...spellSteps(record.listenedAt, serverStart(record.pid, record.workerPid, record.ports, config))];
	}
	return spellSteps(start, steps);
}

function lineContext(record: ContainerRecord): LineContext {
	return {version: record.image.version, podIP: record.sandbox.podIP, hostname: record.sandbox.hostname};
}

/** 0..1, stable for an id and a bucket (metrics noise without touching the seeded generator). */
function hashUnit(id: string, bucket: number): number {
	let h = 0x811c9dc5 ^ bucket;
	for (let i = 0; i < id.length; i += 4) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
	h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
	return ((h ^ (h >>> 12)) >>> 0) / 0x1_0000_0000;
}

/** The runtime factory the kubelets use by default. */
export function createMockRuntime(context: ControllerContext) {
	// The timer kinds are defined with the cluster, before any node has a runtime: a restore loads the clock's pending timers before the runtimes.
	MockRuntime.kindsOf(context.clock);
	return (nodeName: string): ContainerRuntime => new MockRuntime(nodeName, context);
}

/** Character codes of the hex digits, and a container id's 64 of them (`hexId` writes them). */
const hexDigits = [...'0123456789abcdef'].map(c => c.charCodeAt(0));
const idCodes: number[] = Array.from({length: 64}, () => 48);
