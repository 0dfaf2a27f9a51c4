/**
 * The one seam between the dashboard and a cluster. The views, actions and
 * the model read and act only through a `ClusterSource`; the embedded
 * engine (`engine-source.ts`) and a real cluster over the Kubernetes API
 * (`source/ui/remote/`) both implement it, so a view does not know which
 * one it has.
 *
 * Reads are synchronous: they answer from what the source holds (the
 * engine's store, or the remote informers' caches). Actions may answer
 * at once (the engine) or later (an API call): they return a value or a
 * promise of it, and `then` chains either without making the engine's
 * answers asynchronous.
 *
 * What only a simulated cluster has (virtual time, killing machines, the
 * system-call trace, Service traffic, usage metrics) sits under
 * `simulation`, absent on a real cluster; the keymap, the help and the
 * commands read it to hide or refuse those features.
 */
import type {
	AdvanceOptions, AdvanceResult, ControllerError, DeleteOptions, DrainOptions, DrainReport, KubeObject, ListOptions,
	NodeUsage, PodUsage, ResourceType, RolloutRevision, RollbackOptions, ScrapeOptions, Syscall, SyscallOptions, TrafficStats, WatchListener,
} from '../../engine/index.js';

/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)` at once for a value, after it resolves for a promise. */
export function then<T, U>(value: MaybePromise<T>, next: (value: T) => U): MaybePromise<U> {
	return value instanceof Promise ? value.then(next) : next(value);
}

/** What a feature says on a cluster that is not simulated. */
export const simulationOnly = 'only in the simulated cluster';

/** Where a `ClusterSource`'s data stands. */
export type SourceStatus = {
	/** Reads are current (the engine always; a remote cluster while its watches run). */
	connected: boolean;
	/** Why not, e.g. `connect ECONNREFUSED 127.0.0.1:6443; retrying in 4s`. */
	message?: string;
	/** Kinds the user may not list (RBAC): the view shows the reason instead of rows. */
	forbidden?: ReadonlyMap<string, string>;
};

/** One container's log, as `kubectl logs [-f]` gives it. */
export type LogStream = {
	/** The text so far (the last lines, up to the tail asked for). */
	text(): string;
	/** Stop following. */
	close(): void;
};

export type LogStreamOptions = {namespace?: string; container?: string; previous?: boolean; timestamps?: boolean; tail?: number};

export type ShellOutput = {stdout: string; stderr: string; exitCode: number; /** The shell has ended (`exit`, or its container stopped). */ exited?: boolean};

/** One interactive shell in one container (k9s' `s`). */
export type ShellSession = {
	/** The prompt text, e.g. `root@web-1:/# `. */
	prompt(): string;
	/** Run one line; throws (or rejects) with kubectl's error when the container is gone. */
	run(line: string): MaybePromise<ShellOutput>;
	close(): void;
};

/**
 * Usage of pods and nodes, as `kubectl top` reports it; the engine's
 * reports also carry the pods by `namespace/name` and their sums.
 */
export type UsageReport = {pods: PodUsage[]; nodes: NodeUsage[]; byKey?: ReadonlyMap<string, PodUsage>; podsCpuMilli?: number; podsMemoryBytes?: number};

/** What only the embedded engine offers. */
export type SimulationControls = {
	readonly seed: number;
	advance(ms: number, options?: AdvanceOptions): AdvanceResult;
	behindMs(): number;
	killNode(name: string): unknown;
	restoreNode(name: string): unknown;
	syscalls(pod: string, options?: SyscallOptions): Syscall[];
	trafficStats(service: string, options?: {namespace?: string}): TrafficStats;
	metrics(): UsageReport;
	/** The last complete scrape (undefined before the first), after moving the current one on node by node for about `budgetMs`. */
	scrapeMetrics(options?: ScrapeOptions): UsageReport | undefined;
	/** True while a save takes the engine's snapshot in steps: the loop does not advance it (or scrape) meanwhile. */
	readonly snapshotting?: boolean;
};

export type ClusterSource = {
	/** The cluster's name for the header (the engine's, or the kubeconfig context's). */
	readonly name: string;
	/** A real cluster's API server URL (the header shows its host). */
	readonly server?: string;
	/** Present only for the embedded engine. */
	readonly simulation?: SimulationControls;
	/** Connection state (the header shows it; views grey their rows while disconnected). */
	status(): SourceStatus;
	/** Hear about status changes; returns the unsubscribe function. */
	onStatus(listener: () => void): () => void;
	/** Stop every watch and stream (quitting). */
	dispose(): void;

	// Reads.
	/** Time now in ms: the virtual clock, or the wall clock of a real cluster. */
	now(): number;
	resourceTypes(): readonly ResourceType[];
	resolveResource(name: string): ResourceType;
	get(kind: string, name: string, namespace?: string): KubeObject | undefined;
	list(kind: string, options?: ListOptions): KubeObject[];
	/** Every change of every kind the source follows; returns the unsubscribe function. */
	watch(listener: WatchListener): () => void;
	/** Events about one object, oldest first (describe's table). */
	eventsFor(object: KubeObject): KubeObject[];
	rolloutHistory(name: string, options?: {namespace?: string}): RolloutRevision[];
	/** Failures of the engine's controllers (none on a real cluster). */
	controllerErrors(): readonly ControllerError[];
	/** A container's log; a real cluster follows it. Throws kubectl's error for a missing pod or container. */
	openLogs(pod: string, options?: LogStreamOptions): LogStream;
	/** A shell in a container, bash when it has one, else sh (as k9s opens it). */
	openShell(pod: string, options?: {namespace?: string; container?: string}): ShellSession;

	// Actions: each is one command, as kubectl makes it; errors are kubectl's words.
	scale(kind: string, name: string, replicas: number, options?: {namespace?: string}): MaybePromise<unknown>;
	delete(kind: string, name: string, options?: DeleteOptions): MaybePromise<unknown>;
	setImage(kind: string, name: string, container: string, image: string, options?: {namespace?: string}): MaybePromise<unknown>;
	restart(kind: string, name: string, options?: {namespace?: string}): MaybePromise<unknown>;
	rollback(name: string, options?: RollbackOptions): MaybePromise<unknown>;
	/** kubectl's line, e.g. `node/x cordoned`. */
	cordon(name: string): MaybePromise<string>;
	uncordon(name: string): MaybePromise<string>;
	drain(name: string, options?: DrainOptions): MaybePromise<DrainReport>;
	/** Create or update, as `kubectl apply` does; the stored objects. */
	apply(manifest: unknown): MaybePromise<KubeObject[]>;
	triggerCronJob(name: string, options?: {namespace?: string}): MaybePromise<KubeObject>;
	suspendCronJob(name: string, suspend: boolean, options?: {namespace?: string}): MaybePromise<unknown>;
};
