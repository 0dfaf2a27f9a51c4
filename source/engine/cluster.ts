import {parseAllDocuments} from 'yaml';
import {apiVersionOf, qualifiedKind, qualifiedResource, type ResourceType} from './api/registry.js';
import type {KubeObject, ManagedFieldsEntry, Manifest, WatchEvent} from './api/types.js';
import {applyDefaults, writeStrategies} from './api/defaults.js';
import {validateKind, validateReplicas} from './api/validate-kinds.js';
import {validateMetadata} from './api/validate-metadata.js';
import {labelSelectorFromObject, objectSelector} from './api/selectors.js';
import {alreadyExists, badRequest, conflict, invalid, KubeError, notFound, type FieldError} from './errors.js';
import {SeededRandom, VirtualClock, epochMs, rfc3339, rfc3339Micro, type PendingTimer} from './clock.js';
import {authorityFromKey, clientCertificateIdentity, issueServingCertificate, seededAuthorityKey, type CertificateAuthority, type ClientIdentity} from './pki/x509.js';
import {republishRootCa} from './controllers/serviceaccount.js';
import {updateApproval, type ApprovalOptions} from './api/certificates-objects.js';
import {LoadError, Store, keyOf, prepareForCreate, sameJson, type ObjectCheck} from './store.js';
import {savedObjectProblem} from './api/saved-object-check.js';
import {EventRecorder} from './events.js';
import {deleteObject, previewDelete} from './deletion.js';
import {WorkQueue, customResourceWatch, type Controller, type ControllerContext, type SavedWorkQueue} from './controller.js';
import {createEngineServices} from './services.js';
import {controllerFactories} from './controllers/index.js';
import {bootstrapCluster, kubeletVersion} from './bootstrap.js';
import {describeVolumeData, replicationStatus, type VolumeDataView} from './storage/inspect.js';
import type {ReplicaStatus} from './runtime/workloads/database.js';
import {triggerCronJob, suspendCronJob} from './commands/cronjob.js';
import type {CronJob, Job} from './api/batch-objects.js';
import {systemDaemonSets} from './controllers/daemonset.js';
import {demoManifests} from './demo.js';
import type {ClusterOptions} from './cluster-options.js';
import {threeWayMerge} from './api/apply-merge.js';
import {decodeManifest} from './api/decode.js';
import './api/service-account.js';
import {isProtectedNamespace} from './controllers/namespace.js';
import * as nodes from './commands/nodes.js';
import {evictPod, type EvictionOptions} from './policy/eviction.js';
import {updateEphemeralContainers, type EphemeralContainersOptions} from './api/ephemeral-containers.js';
import './api/policy-objects.js';
import type {NodeFault} from './node/heartbeat.js';
import {exposeManifest, type ExposeOptions} from './commands/expose.js';
import {autoscaleManifest, type AutoscaleOptions} from './commands/autoscale.js';
import {trafficService, type StreamOptions, type TrafficOptions, type TrafficStats} from './network/traffic.js';
import {registerPodNetwork} from './network/pod-network.js';
import {demoIngressManifest, ingressNginxManifests} from './network/ingress-nginx.js';
import {rollbackDeployment, rolloutHistory, restartWorkload, setImage, setPaused, type RollbackOptions, type RolloutRevision} from './commands/rollout.js';
import {clusterUsage, registerScrapes, scrapeUsage, execInPod, nodeCriLog, podLogs, podSyscalls, podUsage, portForwardRequest, shellInPod, type ContainerTarget, type ShellOptions, type ForwardedReply, type ForwardedRequest, type ExecOptions, type LogOptions, type NodeUsage, type PodUsage, type ScrapeOptions, type SyscallOptions, type UsageReport} from './runtime/inspect.js';
import type {CriCall, ExecResult, ShellSession} from './runtime/cri.js';
import type {Syscall} from './runtime/syscalls.js';
import type {Pod} from './api/types.js';
import {authorize, escalationMessage, rulesFor, userGroups, type AccessAttributes, type AccessDecision} from './rbac/authorizer.js';
import {storePolicy} from './rbac/policy.js';
import {adminUser} from './rbac/bootstrap-policy.js';
import {admitCustomObject, statusErrors, type FieldValidation} from './api/custom-resources.js';
import './api/crd-objects.js';
import type {PolicyRule} from './api/rbac-objects.js';
import {restoreRows, rowsOf} from './runtime/workloads/database.js';
import {StateParts, loadingFrom, madeAtOnce, savingFrom, stateFormat, type Loading, type SavedParts} from './state.js';
import {baseOf, sameJsonText, decodeArgs, encodeArgs, firstDifference, isAppliedEntry, readSnapshot, snapshotVersion, SnapshotError, type ClusterSnapshot, type JournalEntry, type SavedTimer, type SnapshotBase, type SnapshotOptions, type VolumeSnapshot} from './snapshot.js';
import {volumeData} from './storage/volume-data.js';
import {customResourceType, type CustomResourceDefinition} from './api/crd-objects.js';
import type {KubeEvent} from './api/types.js';
import {ensureSystemPriorityClasses, installPriorityAdmission, systemClassDeleteError} from './api/scheduling-objects.js';

export type {Admission} from './services.js';


export type ListOptions = {
	/** Only this namespace; all namespaces when absent. */
	namespace?: string;
	/** kubectl label selector string, e.g. `app=web,tier in (a,b)`. */
	labelSelector?: string;
	/** kubectl field selector string, e.g. `spec.nodeName=node-1`. */
	fieldSelector?: string;
};

/** How a create or replace is checked, as the API server's query parameters say. */
export type WriteOptions = {
	/** Check everything, write nothing. */
	dryRun?: boolean;
	/** Fields a custom resource's schema does not declare: refused (Strict) or pruned (Warn, Ignore, the default). */
	fieldValidation?: FieldValidation;
	/** Who writes, as the API server authenticated them (a CertificateSigningRequest's requestor); default the admin, `kubernetes-admin`. */
	user?: {user: string; groups: readonly string[]};
};

export type DeleteOptions = {
	namespace?: string;
	propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
	gracePeriodSeconds?: number;
	/** Check and answer, write nothing (`dryRun=All`). */
	dryRun?: boolean;
};

export type WatchListener = (event: WatchEvent) => void;

/** How much work one `advance` may do before it stops; what is left is owed to the next call. */
export type AdvanceOptions = {
	/** Wall-time budget in ms: the advance stops after the timer or reconcile that passes it. */
	budgetMs?: number;
	/** Asked after every timer and reconcile: true stops the advance there. */
	shouldYield?: () => boolean;
};

/** What an `advance` reached. */
export type AdvanceResult = {
	/** Every timer and reconcile due by the requested time ran. */
	done: boolean;
	/** Virtual time now. */
	now: number;
	/** Virtual ms still owed (0 when done). */
	behindMs: number;
};

/**
 * A restore from a snapshot that replays its history a slice at a time
 * (`restoreCluster`), so that a caller can keep its event loop turning
 * (signals, a progress line) through a long replay.
 */
export type ClusterRestore = {
	/**
	 * Go on until `stop` returns true (it is asked between two parts of a
	 * saved state as they load, and between timers, reconciles and calls)
	 * or the restore is done: a snapshot's saved state, part by part; else
	 * the work that saved objects leave pending (a restore from objects, or
	 * a snapshot with a base), then the replay of the history. The cluster
	 * once it is restored (a replay checked against the snapshot), else
	 * undefined. Throws SnapshotError as `createCluster({snapshot})` does.
	 */
	step(stop: () => boolean): Cluster | undefined;
	/** How far the replay is: virtual ms of the saved history replayed, and all of it. */
	progress(): {replayedMs: number; totalMs: number};
	/** How far the load of a saved state is: the parts loaded, and all of them (0 of 0 when the restore loads none). */
	loaded(): {parts: number; totalParts: number};
};

/**
 * A snapshot made a piece at a time (`Cluster.snapshotInSteps`), so that a
 * caller can keep its event loop turning while a big cluster is saved.
 */
export type ClusterSnapshotSteps = {
	/**
	 * Go on until `stop` returns true (it is asked between two pieces: the
	 * parts of the state, a node's runtime, a few hundred pod workers or a
	 * few thousand events) or the snapshot is made: the snapshot then (the
	 * same one at every later call), else undefined.
	 */
	step(stop: () => boolean): ClusterSnapshot | undefined;
	/** Give up a snapshot under way: the cluster no longer waits for it. */
	cancel(): void;
};

/** A snapshot made in steps: its steps, then what they made, or how they failed. */
type SteppedSnapshot = {steps: Iterator<void, ClusterSnapshot>; made?: ClusterSnapshot; failed?: {error: unknown}};

/** Where an exact restore's replay stands. */
type Replaying = {
	snapshot: ClusterSnapshot;
	/** Virtual time where the replay started, and the history's length. */
	from: number;
	totalMs: number;
	/** The journal entry to replay next. */
	index: number;
	/** The advance being replayed in slices: its yield checks so far, whether it began, whether it reached the saved stop. */
	advance?: {checks: number; started: boolean; stopped: boolean};
	progress?: () => void;
};

/** One controller failure, kept for diagnostics (controllers retry, as in client-go). */
export type ControllerError = {controller: string; key: string; message: string; at: number};

type Registered = {controller: Controller; queue: WorkQueue};

/**
 * The facade's calls that change the cluster, journaled for snapshots
 * (`advance` and `openShell` journal themselves). A new command belongs
 * here, or a restored cluster would miss what it did (the restore then
 * refuses the snapshot, as its replay reaches another state).
 */
export const journaledCalls = [
	'apply', 'create', 'replace', 'replaceStatus', 'delete', 'killNode', 'restoreNode', 'failNodeRuntime', 'repairNodeRuntime',
	'cordon', 'uncordon', 'drain', 'stopDrain', 'evict', 'replaceEphemeralContainers', 'replaceApproval', 'addNode', 'expose', 'autoscale', 'startTraffic', 'stopTraffic',
	'scale', 'rollback', 'restart', 'setImage', 'pause', 'resume', 'triggerCronJob', 'suspendCronJob', 'exec', 'portForward',
] as const satisfies ReadonlyArray<keyof Cluster>;

type JournaledCall = (typeof journaledCalls)[number];

/**
 * The cluster facade: every command a user, the dashboard, a scenario or a
 * test can run, plus queries and watch. Commands validate all input first;
 * a failed command throws a KubeError and changes nothing.
 */
export class Cluster {
	readonly name: string;
	readonly seed: number;
	/** Shared engine context: store, clock, random, events, services. Not for the UI. */
	readonly context: ControllerContext;
	private readonly registered: Registered[] = [];
	private readonly errors: ControllerError[] = [];
	/**
	 * The configuration each object was last applied with, by uid: the third
	 * side of apply's merge (kubectl keeps it in an annotation, which caps an
	 * applied object at 256 KiB; here it is kept beside the store).
	 */
	private readonly lastApplied = new Map<string, unknown>();
	private draining = false;
	/** Where the queue rounds stand: the controller whose turn it is, and how many of its keys are left this round. */
	private readonly round = {index: 0, left: -1, worked: false, rounds: 0};
	/** The virtual time an advance that stopped at its budget still has to reach. */
	private owedUntil: number | undefined;
	/** The last advance stopped inside the reconciles after a timer (see `advanceBy`). */
	private stoppedInLoop = false;
	/** The options the cluster was made with, as a snapshot records them. */
	private readonly options: SnapshotOptions;
	/** Every call that changed the cluster, in order: what a snapshot replays. */
	private readonly journal: JournalEntry[] = [];
	/**
	 * False once the cluster was restored from a snapshot saved without its
	 * history: a journal from here on would not replay from its options, so
	 * none is kept (and none is saved).
	 */
	private historyKept = true;
	/** How deep in journaled calls the cluster is: calls that calls make (and the bootstrap's) are not journaled themselves. */
	private depth = 1;
	/**
	 * Open shells by number, so their lines are journaled and replayed
	 * against the same session: the session handed out, the node's runtime
	 * session it runs on (found again by node and number after a load).
	 */
	private readonly shells = new Map<number, FacadeShell>();
	private shellCount = 0;
	/** The saved objects the cluster was made of (a restore from objects): a snapshot records them, as its journal starts there. */
	private readonly base: SnapshotBase | undefined;
	/** What a restore asks of each saved object: the API server's validation, unless the caller knows the objects are as stored (`objectsIntact`). */
	private readonly savedObjectCheck: ObjectCheck | undefined;
	/** A snapshot made in steps while it is under way: the cluster stands still until it is made (see `snapshotInSteps`). */
	private steppedSnapshot: SteppedSnapshot | undefined;
	/** An exact restore's replay while it runs: the snapshot, where the replay stands in its journal. */
	private replaying: Replaying | undefined;
	/** Made from saved objects in slices (`Cluster.restore`): the work they leave pending is still to run before anything else. */
	private settling = false;
	/** The key of the cluster's certificate authority, when one was given (`useCertificateAuthority`), and the authority once made. */
	private authorityKey: string | undefined;
	private authority: CertificateAuthority | undefined;
	/**
	 * A restore from state under way: the store's objects still to load
	 * (`objects`, a step at a time), then the parts, from `next` on (`steps`:
	 * the rest of a part that loads in steps).
	 */
	private loadingState: {snapshot: ClusterSnapshot; saved: NonNullable<ClusterSnapshot['state']>; objects?: Iterator<void, void>; loading?: Loading; next: number; steps?: {next(): boolean}} | undefined;

	/**
	 * `deferReplay`: an exact restore's replay is left for `replaySlice` to
	 * run (what `Cluster.restore` does); else it runs here.
	 */
	constructor(options: ClusterOptions = {}, deferReplay = false) {
		// A snapshot is checked before anything is made.
		const restore = options.restore;
		if (restore !== undefined && restore !== 'exact' && restore !== 'replay' && restore !== 'objects') {
			throw badRequest(`restore: must be "exact", "replay" or "objects", got ${JSON.stringify(restore) ?? String(restore)}`);
		}
		if (restore !== undefined && options.snapshot === undefined) throw badRequest('restore: there is no snapshot to restore');
		if (options.onReplay !== undefined && typeof options.onReplay !== 'function') throw badRequest(`onReplay: must be a function, got ${typeof options.onReplay}`);
		if (options.objectsIntact !== undefined && typeof options.objectsIntact !== 'boolean') throw badRequest(`objectsIntact: must be a boolean, got ${typeof options.objectsIntact}`);
		if (options.objectsIntact !== undefined && options.snapshot === undefined) throw badRequest('objectsIntact: there is no snapshot to restore');
		const snapshot = options.snapshot === undefined ? undefined : readSnapshot(options.snapshot);
		if (snapshot?.history === false && restore === 'replay') {
			throw new SnapshotError('snapshot.history: the snapshot was saved without its history (the journal of calls), which a replay needs; restore it from its state or its objects');
		}
		// The saved state of every part is loaded instead of replaying the journal (a snapshot of an older build has none: its journal is replayed).
		const fromState = (restore ?? 'exact') === 'exact' ? snapshot?.state : undefined;
		// What the cluster is made of before any journaled call: saved objects (a restore from objects, now or when the snapshot's cluster was made), or its options alone.
		const base = snapshot && (restore === 'objects' ? baseOf(snapshot) : snapshot.base);
		const basePath = restore === 'objects' ? 'snapshot' : 'snapshot.base';
		// Read before the snapshot's own options replace the caller's.
		const onReplay = options.onReplay;
		this.savedObjectCheck = options.objectsIntact === true ? undefined : savedObjectProblem;
		if (snapshot) options = snapshot.options;
		this.options = optionsOf(options);
		this.base = base;
		this.seed = options.seed ?? 1;
		this.name = options.name ?? 'kubarium';
		if (options.startTime !== undefined && !Number.isFinite(options.startTime)) {
			throw badRequest(`startTime: must be a finite number of milliseconds since the Unix epoch, got ${String(options.startTime)}`);
		}
		const clock = new VirtualClock(base ? base.clock.now : options.startTime);
		const random = new SeededRandom(this.seed, base?.random.state);
		const store = new Store(clock, random);
		const events = new EventRecorder(store, clock);
		const queues = new Map<string, WorkQueue>();
		let registered = false;
		const queueOf = (name: string) => {
			let queue = queues.get(name);
			if (!queue) {
				// A queue no controller drains would lose its keys silently.
				if (registered) throw new Error(`no controller named ${name}`);
				queues.set(name, (queue = new WorkQueue(clock, name)));
			}
			return queue;
		};
		const state = new StateParts();
		this.context = {store, clock, random, events, services: {...createEngineServices(), ...(options.strictImages ? {strictImages: true} : {})}, queue: queueOf, state};
		// The authority is made when first used (a signing, a client certificate), from its key and the cluster's first instant.
		const authorityStart = options.startTime ?? epochMs;
		const seed = this.seed;
		this.context.services.certificateAuthority = () => (this.authority ??= authorityFromKey(this.authorityKey ?? seededAuthorityKey(seed), authorityStart));
		state.register('store', {save: () => ({kinds: store.kindOrder()}), load: saved => store.orderKinds(saved.kinds)});
		state.register('cluster', {save: () => this.saveOwnState(), load: saved => this.loadOwnState(saved)});
		state.register('events', {save: () => events.save(), saveInSteps: () => events.saveInSteps(), load: saved => events.load(saved)});
		state.register('queues', {
			save: () => [...queues].map(([name, queue]) => [name, queue.save()] as [string, SavedWorkQueue]),
			load(saved) {
				for (const [name, queue] of saved) {
					const owner = queues.get(name);
					if (!owner) throw new Error(`load: no work queue named ${name}`);
					owner.load(queue);
				}
			},
		});
		// The drains' timer kind is the cluster's from its start, as every other kind is.
		nodes.drains(this.context);
		// Volumes' trees are made before the kubelets, whose containers mount them: a restore loads them first.
		volumeData(this.context);
		// Parts kept per cluster outside any controller: traffic streams (made now, so their timer kind is too), in-pod round robin, the metrics store.
		trafficService(this.context);
		registerPodNetwork(this.context);
		registerScrapes(this.context);
		// The Priority admission plugin, ahead of ResourceQuota, which a quota scoped by PriorityClass needs.
		installPriorityAdmission(store);
		const byKind = new Map<string, Array<{queue: WorkQueue; map: Controller['watches'][string]}>>();
		for (const factory of controllerFactories) {
			const controller = factory(this.context);
			if (this.registered.some(r => r.controller.name === controller.name)) throw new Error(`two controllers named ${controller.name}`);
			const queue = queueOf(controller.name);
			this.registered.push({controller, queue});
			for (const [kind, map] of Object.entries(controller.watches)) {
				let list = byKind.get(kind);
				if (!list) byKind.set(kind, (list = []));
				list.push({queue, map});
			}
		}
		registered = true;
		state.register('shells', {save: () => this.saveShells(), load: saved => this.loadShells(saved)});
		for (const name of queues.keys()) {
			if (!this.registered.some(r => r.controller.name === name)) throw new Error(`no controller named ${name}`);
		}
		const custom = byKind.get(customResourceWatch) ?? [];
		store.subscribe(event => {
			const kind = event.object.kind;
			const watchers = byKind.get(kind) ?? (store.types.byKind(kind) ? custom : undefined);
			for (const {queue, map} of watchers ?? []) {
				const keys = map(event);
				if (keys === undefined) continue;
				if (typeof keys === 'string') queue.add(keys);
				else for (const key of keys) queue.add(key);
			}
			if (event.type === 'DELETED') this.lastApplied.delete(event.object.metadata.uid);
		});
		if (fromState) {
			// Built as the saved cluster was, the start-up work aside (it is in the saved state), then its state loaded (part by part in slices when the restore is).
			this.loadingState = this.startLoadingState(snapshot!, fromState);
			if (!deferReplay) this.loadStateSlice(never);
			return;
		}
		if (base) this.loadBase(base, basePath);
		else bootstrapCluster(this.context, {nodes: options.nodes ?? 3, node: options.node});
		// The API server's post-start hook: the system PriorityClasses, as the objects of an older build's cluster may lack them.
		ensureSystemPriorityClasses(store);
		for (const {controller} of this.registered) controller.start?.();
		// What saved objects leave pending (every controller and kubelet hearing of every object) is worked out in slices too when the restore is.
		this.settling = Boolean(base && deferReplay);
		if (!this.settling) this.runQueues();
		// Saved objects are the whole cluster: nothing of the options' own is added over them.
		if (!base) this.addOptionalObjects(options);
		this.depth = 0;
		if (snapshot && restore !== 'objects') {
			const from = this.now();
			this.replaying = {snapshot, from, totalMs: Math.max(0, snapshot.clock.now - from), index: 0};
			if (onReplay) {
				this.replaying.progress = () => {
					const {replayedMs, totalMs} = this.replayProgress();
					onReplay(replayedMs, totalMs);
				};
			}
			if (!deferReplay) this.replaySlice(never);
		}
	}

	/** The facade's own state: where the queue rounds and an unfinished advance stand, the shells' numbering, what objects were applied with, the controllers' errors. */
	private saveOwnState(): SavedClusterState {
		return {
			round: {...this.round},
			owedUntil: this.owedUntil ?? null,
			stoppedInLoop: this.stoppedInLoop,
			shellCount: this.shellCount,
			applied: [...this.lastApplied],
			errors: this.errors.map(error => ({...error})),
		};
	}

	private loadOwnState(saved: SavedClusterState): void {
		checkOwnState(saved);
		Object.assign(this.round, saved.round);
		this.owedUntil = saved.owedUntil ?? undefined;
		this.stoppedInLoop = saved.stoppedInLoop;
		this.shellCount = saved.shellCount;
		this.lastApplied.clear();
		for (const [uid, applied] of saved.applied) this.lastApplied.set(uid, applied);
		this.errors.length = 0;
		this.errors.push(...saved.errors);
	}

	/** The open shells, by number, with where each runs (its node's runtime loads first: this part is the last). */
	private saveShells(): SavedShell[] {
		return [...this.shells].map(([id, {node, inner}]) => [id, node, inner.id ?? null, inner.shell]);
	}

	private loadShells(saved: SavedShell[]): void {
		const kept = new Map(this.shells);
		this.shells.clear();
		for (const [id, node, inner, program] of saved) {
			// A session whose node's runtime is gone (the node was killed) answers as ended.
			const found = (inner === null ? undefined : this.context.services.kubelet?.runtimeFor(node)?.shellSession?.(inner)) ?? endedShell(program);
			const shell = kept.get(id);
			if (shell) shell.inner = found;
			this.shells.set(id, shell ?? this.facadeShell(id, node, found));
		}
	}

	/**
	 * Save the state of the named parts (every part when no name is given),
	 * send it through JSON and load it back into the same parts, while every
	 * other part and the objects stay as they are: what a restore from state
	 * does to those parts, checked in place (a part's tests use it).
	 */
	reloadParts(names?: readonly string[]): void {
		const {store, clock, state} = this.context;
		if (this.depth > 0) throw badRequest('reloadParts: the cluster is in the middle of a call');
		for (const name of names ?? []) if (!state.names().includes(name)) throw badRequest(`reloadParts: no state part named ${name}`);
		const saved = this.partsThroughJson(names);
		// A load may make parts again (a node's runtime draws its first pid): the generator is loaded after the parts, as a restore does.
		const random = this.context.random.state();
		state.load(saved, loadingFrom(store, clock.pendingByNumber()));
		this.context.random.load(random);
	}

	/** The state of every part (or of the named ones) as a snapshot saves it, sent through JSON as a file would. */
	private partsThroughJson(names?: readonly string[]): SavedParts {
		return JSON.parse(JSON.stringify(this.context.state.save(savingFrom(this.context.store), names))) as SavedParts;
	}

	/**
	 * Make a cluster from a snapshot as `createCluster({snapshot})` does, but
	 * a slice at a time (`restoreCluster`): the work saved objects leave
	 * pending (`restore: 'objects'`, or a base), then the replay of the history.
	 */
	static restore(options: ClusterOptions & {snapshot: unknown}): ClusterRestore {
		const cluster = new Cluster(options, true);
		let done = false;
		/** A saved state's parts, once all are loaded. */
		let loaded = {parts: 0, totalParts: 0};
		return {
			step(stop) {
				if (!done && cluster.loadingState) {
					const totalParts = cluster.loadingState.saved.parts.length;
					if (!cluster.loadStateSlice(stop)) return undefined;
					loaded = {parts: totalParts, totalParts};
					done = true;
				}
				if (!done && cluster.settling) {
					if (!cluster.runQueues(stop)) return undefined;
					cluster.settling = false;
				}
				if (!done) done = cluster.replaying === undefined || cluster.replaySlice(stop);
				return done ? cluster : undefined;
			},
			progress: () => cluster.replayProgress(),
			loaded: () => (cluster.loadingState ? {parts: cluster.loadingState.next, totalParts: cluster.loadingState.saved.parts.length} : loaded),
		};
	}

	/** How far the replay is (nothing to replay: 0 of 0). */
	private replayProgress(): {replayedMs: number; totalMs: number} {
		const replaying = this.replaying;
		return replaying ? {replayedMs: Math.min(replaying.totalMs, this.now() - replaying.from), totalMs: replaying.totalMs} : {replayedMs: 0, totalMs: 0};
	}

	/** What the options add to a new cluster: the system DaemonSets, the demo, ingress-nginx. */
	private addOptionalObjects(options: ClusterOptions): void {
		if (options.systemDaemonSets ?? options.demo) {
			this.apply(systemDaemonSets(kubeletVersion));
			this.runQueues();
		}
		if (options.demo) {
			this.apply(demoManifests);
			this.runQueues();
		}
		if (options.ingressNginx ?? options.demo) {
			this.apply(ingressNginxManifests);
			this.runQueues();
		}
		if (options.demo && (options.ingressNginx ?? true)) {
			this.apply(demoIngressManifest);
			this.runQueues();
		}
	}

	/** Serve the kinds of the loaded Established CRDs, and check every loaded object is of a kind served. */
	private serveCustomKinds(objects: readonly KubeObject[], path: string): void {
		const {store} = this.context;
		for (const crd of store.list('CustomResourceDefinition') as CustomResourceDefinition[]) {
			const established = crd.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True');
			if (established && crd.status?.acceptedNames?.kind && !crd.metadata.deletionTimestamp) store.types.define(customResourceType(crd));
		}
		// Saved objects come kind by kind: a kind is looked up once for each run of it.
		let served: string | undefined;
		for (let index = 0; index < objects.length; index++) {
			const kind = objects[index]!.kind;
			if (kind === served) continue;
			if (store.types.find(kind)?.kind !== kind) throw new SnapshotError(`${path}.store.objects[${index}].kind: ${JSON.stringify(kind)} is not a kind this cluster serves`);
			served = kind;
		}
	}

	/**
	 * Begin loading a snapshot's state into this cluster, built as the saved
	 * one was (its parts registered, their timer kinds defined) but without
	 * its start-up work. `loadStateSlice` then loads the objects (no
	 * listener told: every part's state already holds what it made of
	 * them), serves the custom kinds, loads the clock with its pending
	 * timers, every part's state, then the generator (building the parts may
	 * have drawn from it).
	 */
	private startLoadingState(snapshot: ClusterSnapshot, saved: NonNullable<ClusterSnapshot['state']>): NonNullable<Cluster['loadingState']> {
		const {store, clock, state} = this.context;
		// Another build's state is refused before anything is loaded.
		if (saved.format !== stateFormat) {
			throw new SnapshotError(`snapshot.state.format: the snapshot's parts saved their state in form ${saved.format}, this build's in form ${stateFormat}: it was saved by another build; restore it from its objects`, 'another build');
		}
		const names = state.names();
		const savedNames = saved.parts.map(([name]) => name);
		if (JSON.stringify(names) !== JSON.stringify(savedNames)) {
			throw new SnapshotError(`snapshot.state.parts: the snapshot saved the parts ${savedNames.join(', ')}, this build has ${names.join(', ')}: it was saved by another build; restore it from its objects`, 'another build');
		}
		return {snapshot, saved, objects: store.loadInSteps(snapshot.store.objects, snapshot.store.resourceVersion, 'snapshot.store.objects', this.savedObjectCheck), next: 0};
	}

	/** Load the store's objects a step at a time until `stop` says so (false) or all are in; then serve their custom kinds and load the clock (true). */
	private loadObjectsSlice(stop: () => boolean): boolean {
		const loadingState = this.loadingState!;
		const {snapshot, saved} = loadingState;
		const {store, clock} = this.context;
		try {
			while (!loadingState.objects!.next().done) if (stop()) return false;
		} catch (error) {
			if (error instanceof LoadError) throw new SnapshotError(error.message);
			throw error;
		}
		loadingState.objects = undefined;
		this.serveCustomKinds(snapshot.store.objects, 'snapshot');
		try {
			const timers = clock.load({now: snapshot.clock.now, seq: saved.seq, timers: snapshot.clock.timers.map(timer => ({...timer, kind: timer.kind ?? ''}))});
			loadingState.loading = loadingFrom(store, timers);
		} catch (error) {
			throw notLoadable(error as Error);
		}
		return true;
	}

	/**
	 * Load the store's objects (2,000 a step), then the saved parts from
	 * where the restore stands, a part (or a piece of one that loads in
	 * steps, such as a node's runtime) at a time, until
	 * `stop` says so (asked between two) or all are loaded; then the
	 * generator. True when the cluster is restored.
	 */
	private loadStateSlice(stop: () => boolean): boolean {
		const loadingState = this.loadingState!;
		if (loadingState.objects && !this.loadObjectsSlice(stop)) return false;
		const {snapshot, saved} = loadingState;
		const loading = loadingState.loading!;
		const {clock, random, state} = this.context;
		while (loadingState.next < saved.parts.length) {
			try {
				loadingState.steps ??= state.loadPartInSteps(saved.parts[loadingState.next]!, loading);
				if (loadingState.steps.next()) {
					loadingState.steps = undefined;
					loadingState.next++;
				}
			} catch (error) {
				throw notLoadable(error as Error);
			}
			if (loadingState.next < saved.parts.length && stop()) return false;
		}
		const missing = clock.undefinedKinds();
		if (missing.length > 0) throw new SnapshotError(`snapshot.clock.timers: no part of this build defines the timer kinds ${missing.join(', ')}: it was saved by another build; restore it from its objects`, 'another build');
		random.load(snapshot.random.state);
		ensureSystemPriorityClasses(this.context.store);
		if (snapshot.history === false) this.historyKept = false;
		else this.journal.push(...snapshot.journal.map(entry => ({...entry})));
		this.loadingState = undefined;
		this.depth = 0;
		return true;
	}

	/**
	 * Make the cluster of saved objects, as a cluster stopped and started
	 * again comes back: the API server's objects as they were (no admission,
	 * nothing counted as created), the volumes' files and rows, the events
	 * the recorder keeps trimming, the custom kinds served; then every
	 * controller and kubelet hears of every object as its informer's first
	 * list (ADDED), and works out again what was pending.
	 */
	private loadBase(base: SnapshotBase, path: string): void {
		const {store, events} = this.context;
		try {
			store.load(base.store.objects, base.store.resourceVersion, `${path}.store.objects`, this.savedObjectCheck);
		} catch (error) {
			if (error instanceof LoadError) throw new SnapshotError(error.message);
			throw error;
		}
		this.serveCustomKinds(base.store.objects, path);
		const data = volumeData(this.context);
		for (const saved of base.volumes) {
			const {tree} = data.contents(saved.volume);
			for (const [file, content] of saved.files) {
				const parent = file.slice(0, file.lastIndexOf('/')) || '/';
				tree.mkdir(parent, {parents: true});
				tree.write(file, content);
			}
			if (saved.rows) restoreRows(tree, saved.rows);
		}
		// What objects were last applied with stays with them, as kubectl's annotation does in etcd.
		for (const [uid, applied] of base.applied ?? []) if (store.getByUid(uid)) this.lastApplied.set(uid, applied);
		events.adopt(store.list('Event') as KubeEvent[]);
		store.announce();
	}

	static {
		// The facade's calls that change the cluster are journaled (a
		// snapshot replays them); queries and watches are not.
		for (const name of journaledCalls) {
			const method = Cluster.prototype[name] as (...args: unknown[]) => unknown;
			Object.defineProperty(Cluster.prototype, name, {
				configurable: true,
				writable: true,
				value(this: Cluster, ...args: unknown[]) {
					return this.journaled(name, args, () => method.apply(this, args));
				},
			});
		}
	}

	/** Keep a call in the journal (when the cluster keeps its history). */
	private journalPush(entry: JournalEntry): void {
		if (this.historyKept) this.journal.push(entry);
	}

	/** Run a call of the facade, journaling it unless it is part of another call. */
	private journaled<T>(call: string, args: readonly unknown[], run: () => T): T {
		if (this.depth > 0) return run();
		this.finishSnapshot();
		const entry: JournalEntry = {call, ...encodeArgs(args)};
		this.journalPush(entry);
		this.depth++;
		try {
			return run();
		} catch (error) {
			entry.threw = true;
			throw error;
		} finally {
			this.depth--;
		}
	}

	/**
	 * The whole simulation as JSON-safe data, for `createCluster({snapshot})`:
	 * the options, the journal of calls, and the state they reached (objects,
	 * resourceVersion, clock and timers, the generator, volumes' files and
	 * database rows). Restoring gives a cluster that the same calls then
	 * take exactly where this one goes. Objects are shared with the store, which never changes them in place: do not change them either.
	 *
	 * `history: false` leaves the history out (the journal, and the objects
	 * it starts from): the snapshot then restores from its state or its
	 * objects, never by replay, and its size follows the cluster's alone (the
	 * state file saves so). A cluster restored from such a snapshot keeps no
	 * history either.
	 */
	snapshot(options: {history?: boolean} = {}): ClusterSnapshot {
		return madeAtOnce(this.snapshotSteps(options));
	}

	/**
	 * `snapshot`, made a piece at a time: `step` goes on until its `stop`
	 * says so. The snapshot is of the cluster as it stands when this is
	 * called. While it is under way the cluster stands still: a caller that
	 * drives the simulation waits for it (`snapshotting`), and any call
	 * that may change the cluster (every journaled call, `advance`, shells,
	 * logs, traces and metrics, which move the runtimes' rings and the
	 * metrics scrape) first makes the rest of it at once. Queries and
	 * watches do not. One snapshot is under way at a time: a new one first
	 * makes the one before.
	 */
	snapshotInSteps(options: {history?: boolean} = {}): ClusterSnapshotSteps {
		this.finishSnapshot();
		const pending: SteppedSnapshot = {steps: this.snapshotSteps(options)};
		// The checks and the snapshot's own fields come at once, as `snapshot` makes them: the parts' states are the steps.
		const first = pending.steps.next();
		if (first.done) pending.made = first.value;
		else this.steppedSnapshot = pending;
		return {
			step: stop => {
				while (!pending.made) {
					if (pending.failed) throw pending.failed.error;
					let next: IteratorResult<void, ClusterSnapshot>;
					try {
						next = pending.steps.next();
					} catch (error) {
						// A snapshot that failed no longer holds the cluster.
						if (this.steppedSnapshot === pending) this.steppedSnapshot = undefined;
						throw error;
					}
					if (next.done) {
						pending.made = next.value;
						if (this.steppedSnapshot === pending) this.steppedSnapshot = undefined;
					} else if (stop()) return undefined;
				}
				return pending.made;
			},
			cancel: () => {
				if (this.steppedSnapshot === pending) this.steppedSnapshot = undefined;
			},
		};
	}

	/** True while a snapshot made in steps is under way: the cluster stands still for it (see `snapshotInSteps`). */
	get snapshotting(): boolean {
		return this.steppedSnapshot !== undefined;
	}

	/**
	 * Make the rest of a snapshot under way at once, before anything may
	 * change the cluster. Should it fail, the call that came goes on: the
	 * failure is the snapshot's, given to whoever steps it.
	 */
	private finishSnapshot(): void {
		const pending = this.steppedSnapshot;
		if (!pending) return;
		this.steppedSnapshot = undefined;
		try {
			pending.made = madeAtOnce(pending.steps);
		} catch (error) {
			pending.failed = {error};
		}
	}

	private *snapshotSteps(options: {history?: boolean}): Generator<void, ClusterSnapshot> {
		if (this.depth > 0) throw badRequest('snapshot: the cluster is in the middle of a call');
		if (options.history !== undefined && typeof options.history !== 'boolean') throw badRequest(`snapshot: history must be true or false, got ${String(options.history)}`);
		const {store, clock, random} = this.context;
		const history = (options.history ?? true) && this.historyKept;
		const head = {
			kind: 'KubariumSnapshot' as const,
			version: snapshotVersion as ClusterSnapshot['version'],
			options: structuredClone(this.options),
			...(history && this.base ? {base: this.base} : {}),
			...(history ? {} : {history: false as const}),
			journal: history ? this.journal.map(entry => ({...entry})) : [],
			behindMs: this.behindMs(),
			store: {resourceVersion: store.resourceVersion, objects: store.all()},
			applied: [...this.lastApplied],
			clock: {now: clock.now(), timers: clock.timers()},
			random: {state: random.state()},
			volumes: this.volumeSnapshots(),
		};
		const seq = clock.nextSeq;
		yield;
		const parts = yield* this.context.state.saveInSteps(savingFrom(store));
		return {...head, state: {format: stateFormat, seq, parts}};
	}

	/** Files and rows of every volume that holds any, by volume name. */
	private volumeSnapshots(): VolumeSnapshot[] {
		const service = this.context.services.volumeData;
		if (!service) return [];
		const out: VolumeSnapshot[] = [];
		const names = this.context.store.list('PersistentVolume').map(v => v.metadata.name).sort();
		for (const volume of names) {
			const contents = service.peek(volume);
			if (!contents) continue;
			const rows = rowsOf(contents.tree);
			out.push({
				volume,
				files: contents.tree.files(),
				...(rows ? {rows: rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))} : {}),
			});
		}
		return out;
	}

	/**
	 * Replay the snapshot's journal from where it stands until `stop` says
	 * so (asked between timers, reconciles and calls) or the journal is done;
	 * then check that the replay reached the saved state. True when the
	 * cluster is restored. An advance is replayed in as many slices as it
	 * takes, each going on where the last stopped, so its work runs in the
	 * same order as in one go; it is journaled as the snapshot has it.
	 */
	private replaySlice(stop: () => boolean): boolean {
		const replaying = this.replaying!;
		const {journal} = replaying.snapshot;
		while (replaying.index < journal.length) {
			const index = replaying.index;
			const entry = journal[index]!;
			let threw = false;
			try {
				if (entry.call === 'advance') {
					if (!this.replayAdvance(replaying, entry, stop)) return false;
				} else this.replayEntry(entry);
			} catch (error) {
				if (error instanceof SnapshotError) throw error;
				threw = true;
			}
			if (threw !== (entry.threw ?? false)) {
				throw replayedDifferently(`snapshot.journal[${index}]: ${entry.call} ${threw ? 'fails' : 'succeeds'} on replay where it ${threw ? 'succeeded' : 'failed'}`);
			}
			replaying.index++;
			if (replaying.index < journal.length && stop()) return false;
		}
		this.checkReplay(replaying.snapshot);
		this.replaying = undefined;
		return true;
	}

	/**
	 * One slice of a journaled advance: false when `stop` ended the slice
	 * first. Its yield checks are counted across slices, so an advance that
	 * stopped at its budget when it was made stops at the same timer or
	 * reconcile now.
	 */
	private replayAdvance(replaying: Replaying, entry: JournalEntry, stop: () => boolean): boolean {
		const args = decodeArgs(entry);
		if (typeof args[0] !== 'number') throw new SnapshotError(`snapshot.journal: advance needs a number of milliseconds, got ${JSON.stringify(args[0])}`);
		// Refused as `advance` refuses it (before anything is journaled).
		const ms = advanceMs(args[0]);
		const run = (replaying.advance ??= {checks: 0, started: false, stopped: false});
		const stopAfter = entry.stopAfter;
		const yieldNow = () => {
			replaying.progress?.();
			if (stopAfter !== undefined && ++run.checks >= stopAfter) {
				run.stopped = true;
				return true;
			}
			return stop();
		};
		this.depth++;
		let result: AdvanceResult;
		try {
			// A slice after the first goes on with the time the advance still owes, as if it had not stopped.
			result = run.started ? this.advanceBy(0, yieldNow, this.stoppedInLoop) : this.advanceBy(ms, yieldNow);
			run.started = true;
		} catch (error) {
			// Journaled as refused, as `advance` journals an advance that threw.
			replaying.advance = undefined;
			this.journalPush({...entry, args: [...entry.args]});
			throw error;
		} finally {
			this.depth--;
		}
		if (!result.done && !run.stopped) return false;
		replaying.advance = undefined;
		this.journalPush({...entry, args: [...entry.args]});
		return true;
	}

	/** After a replay: the state it reached must be the saved one. */
	private checkReplay(snapshot: ClusterSnapshot): void {
		const saved = snapshot.store.objects;
		const replayed = this.context.store.all();
		const difference = firstDifference(saved, replayed);
		if (difference) throw replayedDifferently(`snapshot.store.objects: ${difference} after the replay`);
		const {clock, random} = this.context;
		const checks: Array<[string, unknown, unknown]> = [
			['store.resourceVersion', snapshot.store.resourceVersion, this.context.store.resourceVersion],
			['clock.now', snapshot.clock.now, clock.now()],
			['behindMs', snapshot.behindMs, this.behindMs()],
			['random.state', snapshot.random.state, random.state()],
			['volumes', snapshot.volumes, this.volumeSnapshots()],
		];
		for (const [path, expected, actual] of checks) {
			if (JSON.stringify(expected) !== JSON.stringify(actual)) throw replayedDifferently(`snapshot.${path}: differs after the replay`);
		}
		const timers = timerDifference(snapshot.clock.timers, clock.timers());
		if (timers) throw replayedDifferently(`snapshot.clock.timers${timers} after the replay`);
		if (snapshot.state) {
			if (snapshot.state.seq !== clock.nextSeq) throw replayedDifferently('snapshot.state.seq: differs after the replay');
			const replayedParts = new Map(this.partsThroughJson());
			for (const [name, part] of snapshot.state.parts) {
				if (!replayedParts.has(name)) throw replayedDifferently(`snapshot.state.parts: this build has no part ${name}`);
				if (!sameJsonText(part, replayedParts.get(name))) throw replayedDifferently(`snapshot.state.parts: part ${name} differs after the replay`);
			}
		}
	}

	/** Replay one journaled call other than an advance (`replayAdvance`). */
	private replayEntry(entry: JournalEntry): void {
		const args = decodeArgs(entry);
		if (entry.call === 'shell.run' || entry.call === 'shell.close') {
			const session = this.shells.get(args[0] as number)?.session;
			if (!session) throw new SnapshotError(`snapshot.journal: ${entry.call} names shell ${String(args[0])}, which no openShell before it opened`);
			if (entry.call === 'shell.run') session.run(args[1] as string);
			else session.close();
			return;
		}
		if (entry.call === 'openShell') {
			const opened = this.openShell(...(args as Parameters<Cluster['openShell']>));
			if ((opened.session === undefined) !== (entry.session === undefined)) {
				throw replayedDifferently(`snapshot.journal: openShell ${opened.session ? 'opens' : 'does not open'} a shell on replay`);
			}
			return;
		}
		if (!(journaledCalls as readonly string[]).includes(entry.call)) throw new SnapshotError(`snapshot.journal: unknown call ${JSON.stringify(entry.call)}`, 'another build');
		(this[entry.call as JournaledCall] as (...args: unknown[]) => unknown)(...args);
	}

	/** Unknown repositories fail to pull instead of running as generic containers (`strictImages`). */
	get strictImages(): boolean {
		return this.context.services.strictImages ?? false;
	}

	/** Virtual time, ms since the Unix epoch. */
	now(): number {
		return this.context.clock.now();
	}

	/**
	 * Create or update objects, like `kubectl apply`: a YAML string (one or
	 * more documents), an object, or an array of objects. All documents are
	 * validated before any is written. Returns the stored objects.
	 */
	apply(input: string | Manifest | Manifest[]): KubeObject[] {
		return this.applyDocuments(input, {});
	}

	private applyDocuments(input: string | Manifest | Manifest[], options: WriteOptions): KubeObject[] {
		const manifests = toManifests(input);
		// Documents apply in order, each over what the ones before it made (a
		// staged view), and nothing is written until every one has passed.
		const staged = new StagedApply();
		for (const [index, manifest] of manifests.entries()) {
			try {
				this.prepareDocument(manifest, staged, options);
			} catch (error) {
				if (error instanceof KubeError && manifests.length > 1) error.document = index;
				throw error;
			}
		}
		const out: KubeObject[] = [];
		for (const staging of staged.documents) {
			const {applied} = staging;
			let {object} = staging;
			const {kind, metadata} = object;
			const current = metadata.name ? this.context.store.get(kind, metadata.namespace, metadata.name) : undefined;
			if (current && !metadata.uid) {
				// Staged over a document this apply creates: what the create set from the new uid (a Job's
				// selector and pod labels, a pod's token volume) carries over, as kubectl's second request
				// patches the live object.
				const prepare = prepareForCreate.get(kind);
				if (prepare) object = prepare({...object, metadata: {...metadata, uid: current.metadata.uid}});
			}
			// An apply that changes nothing writes nothing, as the API server skips a no-op update (kubectl's `unchanged`).
			if (current && unchangedBy(object, current) && sameJson(applied, this.lastApplied.get(current.metadata.uid))) {
				out.push(current);
				continue;
			}
			const stored = current ? this.context.store.update(object) : this.context.store.create(object);
			this.lastApplied.set(stored.metadata.uid, applied);
			out.push(stored);
		}
		return out;
	}

	/** Merge, default, validate and admit one document of an apply over the staged view; throws, writes nothing. */
	private prepareDocument(manifest: Manifest, staged: StagedApply, options: WriteOptions = {}): void {
		const {store} = this.context;
		const type = this.context.store.types.forManifest(manifest.apiVersion, manifest.kind);
		const meta = (manifest.metadata ?? {}) as Partial<KubeObject['metadata']>;
		if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw badRequest('metadata must be an object');
		const namespace = type.namespaced ? (meta.namespace || 'default') : undefined;
		if (type.kind === 'Namespace' && meta.name) staged.namespaces.add(meta.name);
		if (namespace && !staged.namespaces.has(namespace) && !store.get('Namespace', undefined, namespace)) {
			throw notFound('namespaces', namespace);
		}
		const earlier = meta.name ? staged.get(type.kind, namespace, meta.name) : undefined;
		const existing = earlier ? earlier.object : (meta.name ? store.get(type.kind, namespace, meta.name) : undefined);
		if (!existing && namespace && store.get('Namespace', undefined, namespace)?.metadata.deletionTimestamp) {
			throw new KubeError('Forbidden', `${qualifiedResource(type)} "${meta.name || meta.generateName || ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
		}
		if (existing && meta.resourceVersion && meta.resourceVersion !== existing.metadata.resourceVersion) {
			throw conflict(qualifiedResource(type), meta.name!);
		}
		const previous = earlier ? earlier.applied : existing && this.lastApplied.get(existing.metadata.uid);
		decodeManifest(type, manifest);
		const merged = mergeForApply(type, manifest, existing, previous, namespace);
		staged.add(this.admitted(type, merged, existing, () => staged.latest(), options, manifest.apiVersion), appliedConfiguration(manifest));
	}

	/** Default, validate and admit an object about to be written over `existing`; throws, writes nothing. */
	private admitted(type: ResourceType, merged: KubeObject, existing: KubeObject | undefined, batch: () => KubeObject[], options: WriteOptions = {}, requestedVersion?: unknown): KubeObject {
		let object: KubeObject;
		let errors: FieldError[];
		try {
			object = applyDefaults(merged);
			const strategy = writeStrategies.get(type.kind);
			if (strategy) object = strategy(object, existing, options.user ?? adminUser);
			errors = validateMetadata(object.metadata, {nameValidator: type.nameValidator, namespaced: type.namespaced});
			if (type.definition) {
				const custom = admitCustomObject(this.context.store, type, object, existing, options.fieldValidation, requestedVersion);
				object = custom.object;
				errors.push(...custom.errors);
			} else {
				errors.push(...validateKind(object, existing));
			}
		} catch (error) {
			if (error instanceof KubeError) throw error;
			// A field of the wrong shape that defaulting or validation could not read.
			throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${(error as Error).message}`);
		}
		if (errors.length > 0) throw invalid(qualifiedKind(type), object.metadata.name || object.metadata.generateName || '', errors);
		// Admission that needs cluster state (e.g. Service IP and port allocation); throws, writes nothing.
		const admit = this.context.services.admission.get(type.kind);
		const admitted = admit ? admit(object, existing, batch) : object;
		// The admission every write passes (LimitRanger, ResourceQuota), checked here so a refused
		// document writes nothing (and a dry run shows its defaults); the write runs it again and records what it charges.
		if (existing) {
			this.context.store.admitUpdate(admitted, existing);
			return admitted;
		}
		// The earlier documents of this apply that create objects: a quota must hold them and this one together.
		const store = this.context.store;
		// Read only by a quota of the namespace: a large apply elsewhere does not pay for it.
		const pending = () => batch().filter(o => o.metadata.namespace === admitted.metadata.namespace && !(o.metadata.name && store.get(o.kind, o.metadata.namespace, o.metadata.name)));
		return store.admit(admitted, pending);
	}

	/** The store's current resourceVersion: what a List reports and where a watch starts. */
	get resourceVersion(): string {
		return this.context.store.resourceVersion;
	}

	/**
	 * Create one object, as a POST to the API server does: AlreadyExists when
	 * it is there (a `generateName` picks a free name). Returns the stored object;
	 * with `dryRun`, the object as it would be stored, checked and not written.
	 */
	create(manifest: Manifest, options: WriteOptions = {}): KubeObject {
		const type = this.context.store.types.forManifest(manifest?.apiVersion, manifest?.kind);
		const meta = (manifest.metadata ?? {}) as Partial<KubeObject['metadata']>;
		const namespace = type.namespaced ? (meta.namespace || 'default') : undefined;
		if (meta.name && this.context.store.get(type.kind, namespace, meta.name)) throw alreadyExists(qualifiedResource(type), meta.name);
		if (!meta.name && !meta.generateName) {
			throw invalid(qualifiedKind(type), '', [{field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required'}]);
		}
		const {resourceVersion: _rv, ...rest} = meta;
		if (options.dryRun) {
			const staged = new StagedApply();
			this.prepareDocument(structuredClone({...manifest, metadata: rest}), staged, options);
			// Server-set fields as a write would fill them, except the uid and version nothing was given.
			const {object} = staged.documents[0]!;
			const {uid: _uid, resourceVersion: _version, ...metadata} = object.metadata;
			return {...object, metadata: {...metadata, creationTimestamp: rfc3339(this.now())}} as KubeObject;
		}
		return this.applyDocuments({...manifest, metadata: rest}, options)[0]!;
	}

	/**
	 * Replace one object with the one given, as a PUT to the API server does:
	 * fields left out are gone, status and server-set metadata stay. A
	 * `metadata.resourceVersion` must match the stored one (else Conflict).
	 * With `dryRun`, every check runs and nothing is written.
	 */
	replace(manifest: Manifest, options: WriteOptions = {}): KubeObject {
		const {store} = this.context;
		const type = this.context.store.types.forManifest(manifest?.apiVersion, manifest?.kind);
		const meta = (manifest.metadata ?? {}) as Partial<KubeObject['metadata']>;
		const namespace = type.namespaced ? (meta.namespace || 'default') : undefined;
		const existing = meta.name ? store.get(type.kind, namespace, meta.name) : undefined;
		if (!existing) throw notFound(qualifiedResource(type), meta.name ?? '');
		if (meta.resourceVersion && meta.resourceVersion !== existing.metadata.resourceVersion) {
			throw conflict(qualifiedResource(type), meta.name!);
		}
		const copy = structuredClone(manifest);
		decodeManifest(type, copy);
		const {metadata: _m, status: given, ...fields} = copy;
		const metadata: KubeObject['metadata'] = {...existing.metadata, resourceVersion: ''};
		for (const field of ['labels', 'annotations', 'ownerReferences', 'finalizers'] as const) {
			if (meta[field] === undefined || meta[field] === null) delete metadata[field];
			else (metadata as Record<string, unknown>)[field] = structuredClone(meta[field]);
		}
		// Managed fields the writer gives replace the stored ones; left out, the stored ones stay (as the API server keeps them).
		if (Array.isArray(meta.managedFields)) metadata.managedFields = structuredClone(meta.managedFields);
		const merged = {...fields, apiVersion: existing.apiVersion, kind: existing.kind, metadata} as KubeObject;
		// A custom object's status is written with it (unless its status subresource is on, which admission handles).
		if (type.definition && given !== undefined) merged.status = given;
		else if (existing.status !== undefined) merged.status = existing.status;
		const admitted = this.admitted(type, merged, existing, () => [], options, manifest.apiVersion);
		return options.dryRun ? {...admitted, metadata: {...admitted.metadata, resourceVersion: existing.metadata.resourceVersion}} : store.update(admitted);
	}

	/** Every kind the cluster serves now: the built-in ones, then those CustomResourceDefinitions define. */
	resourceTypes(): ResourceType[] {
		return this.context.store.types.all();
	}

	/**
	 * The kind a Kind, plural, singular, short name or `plural.group` names,
	 * custom kinds included; throws kubectl's error for an unknown one.
	 */
	resolveResource(name: string): ResourceType {
		return this.context.store.types.resolve(name);
	}

	/** Bumped whenever the served kinds change (a definition established or gone). */
	get resourceTypesVersion(): number {
		return this.context.store.types.version;
	}

	/**
	 * Write the status of a custom object whose definition turns the status
	 * subresource on (`PUT …/status`): the status is checked against the
	 * schema, the rest of the object stays as stored.
	 */
	replaceStatus(kind: string, name: string, status: unknown, options: {namespace?: string; dryRun?: boolean} = {}): KubeObject {
		const {store} = this.context;
		const type = store.types.resolve(kind);
		if (!type.subresources?.includes('status')) throw new KubeError('NotFound', 'the server could not find the requested resource');
		const namespace = type.namespaced ? (options.namespace ?? 'default') : undefined;
		const existing = store.get(type.kind, namespace, name);
		if (!existing) throw notFound(qualifiedResource(type), name);
		status = structuredClone(status);
		const errors = statusErrors(store, type, status);
		if (errors.length > 0) throw invalid(qualifiedKind(type), name, errors);
		const next = {...existing, metadata: {...existing.metadata, resourceVersion: ''}, status};
		if (status === undefined || status === null) delete next.status;
		return options.dryRun ? {...next, metadata: existing.metadata} : store.update(next, {status: true});
	}

	/** One object, or undefined. `namespace` defaults to `default` for namespaced kinds. */
	get(kind: string, name: string, namespace?: string): KubeObject | undefined {
		const type = this.context.store.types.resolve(kind);
		return this.context.store.get(type.kind, type.namespaced ? (namespace ?? 'default') : undefined, name);
	}

	/** Objects of a kind; all namespaces unless one is named; filtered by selectors. */
	list(kind: string, options: ListOptions = {}): KubeObject[] {
		const type = this.context.store.types.resolve(kind);
		const selected = objectSelector(options);
		const objects = this.context.store.list(type.kind, type.namespaced ? options.namespace : undefined);
		return selected ? objects.filter(selected) : objects;
	}

	/**
	 * Delete an object. Background (default): the object goes, the garbage
	 * collector removes its dependents. Foreground: dependents first, the owner
	 * waits with the foregroundDeletion finalizer. Orphan: dependents stay.
	 * Returns the object as it now stands (terminating), or undefined when gone.
	 */
	delete(kind: string, name: string, options: DeleteOptions = {}): KubeObject | undefined {
		const type = this.context.store.types.resolve(kind);
		const policy = options.propagationPolicy ?? 'Background';
		if (!['Foreground', 'Background', 'Orphan'].includes(policy)) {
			throw badRequest(`propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`);
		}
		const grace = options.gracePeriodSeconds;
		if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
			throw badRequest(`gracePeriodSeconds: Invalid value: ${String(grace)}: must be a non-negative integer`);
		}
		const namespace = type.namespaced ? (options.namespace ?? 'default') : undefined;
		const object = this.context.store.get(type.kind, namespace, name);
		if (!object) throw notFound(qualifiedResource(type), name);
		if (type.kind === 'Namespace' && isProtectedNamespace(name)) {
			throw new KubeError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
		}
		const system = type.kind === 'PriorityClass' ? systemClassDeleteError(name) : undefined;
		if (system) throw system;
		if (options.dryRun) return previewDelete(this.context, object, policy, grace);
		if (type.kind === 'Node') return nodes.deleteNode(this.context, name);
		return deleteObject(this.context, object, policy, grace);
	}

	/** The node's machine stops: kubelet and containers halt silently, heartbeats stop. */
	killNode(name: string): KubeObject {
		return nodes.killNode(this.context, name);
	}

	/** A killed node's machine comes back: kubelet starts, the node turns Ready, bound pods re-sync. */
	restoreNode(name: string): KubeObject {
		return nodes.restoreNode(this.context, name);
	}

	/**
	 * What a volume holds, named by its claim (in `namespace`) or by the
	 * PersistentVolume: files and, when a database runs on it, its rows.
	 */
	volumeData(name: string, options: {namespace?: string} = {}): VolumeDataView {
		this.finishSnapshot();
		return describeVolumeData(this.context, name, options);
	}

	/** Replication of a StatefulSet running mysql or postgres: role, state, position and lag per pod. */
	replication(name: string, options: {namespace?: string} = {}): ReplicaStatus[] {
		this.finishSnapshot();
		return replicationStatus(this.context, name, options);
	}

	/** A live kubelet turns NotReady: `network` (CNI plugin not initialized) or `runtime` (container runtime down). */
	failNodeRuntime(name: string, fault: NodeFault): KubeObject {
		return nodes.failNodeRuntime(this.context, name, fault);
	}

	/** The runtime fault is fixed and the kubelet posts Ready again. */
	repairNodeRuntime(name: string): KubeObject {
		return nodes.repairNodeRuntime(this.context, name);
	}

	/** `kubectl cordon`; returns kubectl's line (`node/x cordoned`). */
	cordon(name: string): string {
		return nodes.cordon(this.context, name);
	}

	/** `kubectl uncordon`; returns kubectl's line. */
	uncordon(name: string): string {
		return nodes.uncordon(this.context, name);
	}

	/** `kubectl drain`: cordon, then evict the node's pods; when a flag is needed it throws DrainRefused and the node stays cordoned. */
	drain(name: string, options: nodes.DrainOptions = {}): nodes.DrainReport {
		return nodes.drain(this.context, name, options);
	}

	/** The latest drain of a node as it stands now: its lines grow every 5 s while a disruption budget blocks it. */
	drainStatus(name: string): nodes.DrainReport | undefined {
		this.finishSnapshot();
		return nodes.drainStatus(this.context, name);
	}

	/** Stop retrying a drain that a disruption budget blocks (as interrupting kubectl drain does); the node stays cordoned. */
	stopDrain(name: string): nodes.DrainReport {
		return nodes.stopDrain(this.context, name);
	}

	/**
	 * The Eviction API (`POST pods/NAME/eviction`): the pod is deleted
	 * gracefully unless the PodDisruptionBudget that selects it allows no
	 * disruption now, which throws TooManyRequests (429) with
	 * `Cannot evict pod as it would violate the pod's disruption budget.`
	 */
	evict(pod: string, options: EvictionOptions = {}): void {
		evictPod(this.context, pod, options);
	}

	/**
	 * The `ephemeralcontainers` subresource (what `kubectl debug POD` writes):
	 * the pod's ephemeral containers become `containers`, the rest of the pod
	 * stays as stored. They may only be added to, never removed or changed;
	 * the pod's kubelet starts each new one in the running pod, once.
	 */
	replaceEphemeralContainers(pod: string, containers: unknown, options: EphemeralContainersOptions = {}): KubeObject {
		return updateEphemeralContainers(this.context.store, pod, containers, options);
	}

	/**
	 * The `approval` subresource of a CertificateSigningRequest (what
	 * `kubectl certificate approve` and `deny` write): its conditions become
	 * `conditions`, the rest stays as stored. Approved and Denied may be
	 * added, never removed; the signer then issues an approved request's
	 * certificate.
	 */
	replaceApproval(name: string, conditions: unknown, options: ApprovalOptions = {}): KubeObject {
		return updateApproval(this.context.store, this.now(), name, conditions, options);
	}

	/**
	 * Sign with, and take the client certificates of, the authority of this
	 * key (PEM, Ed25519) from now on, instead of the one made from the seed:
	 * a served cluster's own, kept beside its config so the certificates it
	 * issued outlast a restart. Not journaled, nor kept in a snapshot.
	 */
	useCertificateAuthority(keyPem: string): void {
		if (typeof keyPem !== 'string') throw badRequest(`useCertificateAuthority: the key must be a PEM text, got ${typeof keyPem}`);
		let authority: CertificateAuthority;
		try {
			authority = authorityFromKey(keyPem, this.options.startTime ?? epochMs);
		} catch (error) {
			throw badRequest(`useCertificateAuthority: ${(error as Error).message}`);
		}
		this.authorityKey = keyPem;
		this.authority = authority;
		// The namespaces' kube-root-ca.crt follow it.
		republishRootCa(this.context);
	}

	/** The cluster's certificate authority's certificate (PEM): what signs the certificates its signers issue. */
	certificateAuthority(): string {
		return this.context.services.certificateAuthority!().certificate;
	}

	/**
	 * A serving certificate for the API server (PEM), signed by the cluster's
	 * authority: CN=kube-apiserver, for `publicKey` (SubjectPublicKeyInfo,
	 * DER) and `names` (IPv4 addresses and DNS names), valid from
	 * `notBefore` to `notAfter` (wall ms: clients check it against their
	 * own clock).
	 */
	issueServingCertificate(publicKey: Uint8Array, names: readonly string[], options: {serial: Uint8Array; notBefore: number; notAfter: number}): string {
		return issueServingCertificate(this.context.services.certificateAuthority!(), Buffer.from(publicKey), names, {...options, serial: Buffer.from(options.serial)});
	}

	/**
	 * Who a client certificate (DER) names, as the API server's x509
	 * authenticator finds it: its common name and organizations, when the
	 * cluster's authority signed it, it is valid now (the cluster's time) and
	 * it may authenticate a client; else why not.
	 */
	clientCertificateUser(certificate: Uint8Array): ClientIdentity {
		return clientCertificateIdentity(this.context.services.certificateAuthority!(), Buffer.from(certificate), this.now());
	}

	/** A new worker node joins (next kind-style name unless `name` is given). */
	addNode(options: nodes.AddNodeOptions = {}): KubeObject {
		return nodes.addNode(this.context, options);
	}

	/** `kubectl expose`: a Service selecting the resource's pods. */
	expose(kind: string, name: string, options: ExposeOptions = {}): KubeObject {
		return this.apply(exposeManifest(this.context, kind, name, options))[0]!;
	}

	/** `kubectl autoscale`: a HorizontalPodAutoscaler for a Deployment, ReplicaSet or StatefulSet. */
	autoscale(kind: string, name: string, options: AutoscaleOptions): KubeObject {
		return this.apply(autoscaleManifest(this.context, kind, name, options))[0]!;
	}

	/** Start (or re-rate) a steady stream of requests to a Service, spread over its ready endpoints. */
	startTraffic(service: string, options: TrafficOptions = {}): TrafficStats {
		return trafficService(this.context).start(service, options);
	}

	/** Stop the stream; its figures stay readable. */
	stopTraffic(service: string, options: StreamOptions = {}): TrafficStats {
		return trafficService(this.context).stop(service, options);
	}

	/** Requests sent to a Service: totals, failures, per pod, and the last seconds. */
	trafficStats(service: string, options: StreamOptions = {}): TrafficStats {
		this.finishSnapshot();
		return trafficService(this.context).stats(service, options);
	}

	/** Set `spec.replicas` of a Deployment, ReplicaSet or StatefulSet, like `kubectl scale`. */
	scale(kind: string, name: string, replicas: number, options: {namespace?: string; /** The object's managedFields after this scale (the API server's bookkeeping). */ managedFields?: ManagedFieldsEntry[]} = {}): KubeObject {
		const type = this.context.store.types.resolve(kind);
		if (!['Deployment', 'ReplicaSet', 'StatefulSet'].includes(type.kind)) {
			throw badRequest(`cannot scale ${qualifiedResource(type)}: only deployments, replicasets and statefulsets can be scaled`);
		}
		const object = this.context.store.get(type.kind, options.namespace ?? 'default', name);
		if (!object) throw notFound(qualifiedResource(type), name);
		const errors = validateReplicas(replicas, 'spec.replicas');
		if (errors.length > 0) throw invalid(qualifiedKind(type), name, errors);
		return this.context.store.patch(object, draft => {
			draft.spec.replicas = replicas;
			if (options.managedFields) draft.metadata.managedFields = options.managedFields;
		});
	}

	/**
	 * `kubectl rollout undo`: the previous revision, or `toRevision`. The old
	 * ReplicaSet is reused and gets the next revision number. Throws kubectl's
	 * errors (unknown revision, no history, paused, template already matching).
	 */
	rollback(name: string, options: RollbackOptions = {}): KubeObject {
		return rollbackDeployment(this.context, name, options);
	}

	/** `kubectl rollout history`: revisions of a Deployment, oldest first. */
	rolloutHistory(name: string, options: {namespace?: string} = {}): RolloutRevision[] {
		return rolloutHistory(this.context, name, options);
	}

	/** `kubectl rollout restart`: a new rollout of a Deployment, StatefulSet or DaemonSet. */
	restart(kind: string, name: string, options: {namespace?: string} = {}): KubeObject {
		return restartWorkload(this.context, kind, name, options);
	}

	/** `kubectl set image KIND/NAME CONTAINER=IMAGE` (`*` for every container). */
	setImage(kind: string, name: string, container: string, image: string, options: {namespace?: string} = {}): KubeObject {
		return setImage(this.context, kind, name, container, image, options);
	}

	/** `kubectl rollout pause`: the Deployment stops rolling out (scaling still works). */
	pause(name: string, options: {namespace?: string} = {}): KubeObject {
		return setPaused(this.context, name, true, options);
	}

	/** `kubectl rollout resume`. */
	resume(name: string, options: {namespace?: string} = {}): KubeObject {
		return setPaused(this.context, name, false, options);
	}

	/**
	 * `kubectl create job --from=cronjob/NAME` (k9s "trigger"): a Job from the
	 * CronJob's template now, named `<cronjob>-manual-<xyz>` unless `jobName` is given.
	 */
	triggerCronJob(name: string, options: {namespace?: string; jobName?: string} = {}): Job {
		return triggerCronJob(this.context, name, options);
	}

	/** Suspend (true) or resume (false) a CronJob's schedule; running Jobs are not affected. */
	suspendCronJob(name: string, suspend: boolean, options: {namespace?: string} = {}): CronJob {
		return suspendCronJob(this.context, name, suspend, options);
	}

	/**
	 * Move virtual time forward by `ms`, running every timer and reconcile due
	 * on the way, in order.
	 *
	 * With `budgetMs` (wall time) or `shouldYield` (asked after each timer and
	 * each reconcile), the work stops early and the rest is owed: the next
	 * `advance` first finishes it, then adds its own `ms`. Work runs in the
	 * same order however it is sliced, so the same seed and the same calls give
	 * the same objects whatever the budget. The result says how far behind the
	 * requested time the cluster still is.
	 */
	advance(ms: number, options: AdvanceOptions = {}): AdvanceResult {
		this.finishSnapshot();
		advanceMs(ms);
		const {budgetMs, shouldYield} = options;
		if (budgetMs !== undefined && (typeof budgetMs !== 'number' || Number.isNaN(budgetMs) || budgetMs < 0)) {
			throw badRequest(`advance: budgetMs must be a number of milliseconds >= 0, got ${String(budgetMs)}`);
		}
		const deadline = budgetMs === undefined || budgetMs === Number.POSITIVE_INFINITY ? undefined : performance.now() + budgetMs;
		const yieldNow = deadline === undefined
			? shouldYield ?? never
			: () => performance.now() >= deadline || (shouldYield?.() ?? false);
		if (this.depth > 0) return this.advanceBy(ms, yieldNow);
		// Journaled with how many yield checks it took to stop, so a replay stops at the same timer or reconcile.
		let checks = 0;
		const counted = () => {
			checks++;
			return yieldNow();
		};
		this.depth++;
		let result: AdvanceResult;
		try {
			result = this.advanceBy(ms, counted);
		} catch (error) {
			this.journalPush({call: 'advance', args: [ms], threw: true});
			throw error;
		} finally {
			this.depth--;
		}
		const last = this.journal.at(-1);
		if (!result.done) this.journalPush({call: 'advance', args: [ms], stopAfter: checks});
		// Advancing twice in a row runs the same timers as advancing once by the sum: one entry keeps a long session's journal short.
		else if (last?.call === 'advance' && last.stopAfter === undefined) last.args = [(last.args[0] as number) + ms];
		else this.journalPush({call: 'advance', args: [ms]});
		return result;
	}

	/**
	 * `resumedInLoop`: this goes on after a stop inside the reconciles that
	 * follow a timer (`stoppedInLoop`), and asks `yieldNow` once they are
	 * done, as the advance would have had it not stopped: a replay that
	 * stops where its history did not counts the same yield checks.
	 */
	private advanceBy(ms: number, yieldNow: () => boolean, resumedInLoop = false): AdvanceResult {
		const {clock} = this.context;
		const target = (this.owedUntil ?? clock.now()) + ms;
		this.owedUntil = target;
		this.stoppedInLoop = false;
		if (!this.runQueues(yieldNow)) {
			this.stoppedInLoop = resumedInLoop;
			return this.behind();
		}
		if (resumedInLoop && yieldNow()) return this.behind();
		while (clock.runNext(target)) {
			if (!this.runQueues(yieldNow)) {
				this.stoppedInLoop = true;
				return this.behind();
			}
			if (yieldNow()) return this.behind();
		}
		clock.moveTo(target);
		this.owedUntil = undefined;
		return {done: true, now: clock.now(), behindMs: 0};
	}

	/** Virtual time still owed by an advance that stopped at its budget (0 when none). */
	behindMs(): number {
		return this.owedUntil === undefined ? 0 : this.owedUntil - this.now();
	}

	private behind(): AdvanceResult {
		return {done: false, now: this.now(), behindMs: this.behindMs()};
	}

	/**
	 * Subscribe to changes: ADDED, MODIFIED and DELETED events, optionally of
	 * one kind. Returns the unsubscribe function.
	 */
	watch(listener: WatchListener, options: {kind?: string} = {}): () => void {
		const kind = options.kind ? this.context.store.types.resolve(options.kind).kind : undefined;
		// A watch of one kind hears only its writes: the store does not call it for the others.
		return this.context.store.subscribe(event => {
			listener(event.type === 'MODIFIED' ? {type: event.type, object: event.object, old: event.old} : {type: event.type, object: event.object});
		}, kind ? [kind] : undefined);
	}

	/**
	 * The RBAC authorizer: may `user` do `verb` on a resource (group, resource,
	 * subresource, name) in a namespace, or on a non-resource `path`? Groups are
	 * those the user authenticated with; `system:authenticated` and a service
	 * account's groups are added, as authentication adds them. The reason names
	 * the binding that allowed it (`RBAC: allowed by RoleBinding "…"`), or is empty.
	 */
	authorize(subject: {user: string; groups?: readonly string[]}, attributes: AccessAttributes): AccessDecision {
		const user = checkedUser(subject);
		if (typeof attributes !== 'object' || attributes === null || typeof attributes.verb !== 'string' || attributes.verb === '') {
			throw badRequest('authorize: verb is required');
		}
		if (attributes.resource === undefined && typeof attributes.path !== 'string') throw badRequest('authorize: a resource or a non-resource path is required');
		return authorize(storePolicy(this.context.store), user, attributes);
	}

	/**
	 * RBAC's escalation check on a Role, ClusterRole or binding about to be
	 * written by `user`: undefined when the user may (it holds every rule it
	 * grants, or may `escalate` roles, or `bind` the role a binding names);
	 * else the API server's message (`user "jane" (groups=[…]) is attempting
	 * to grant RBAC permissions not currently held: …`).
	 */
	escalation(subject: {user: string; groups?: readonly string[]}, manifest: Manifest): string | undefined {
		const user = checkedUser(subject);
		if (user.groups.includes('system:masters')) return undefined;
		const policy = storePolicy(this.context.store);
		const kind = manifest?.kind;
		const namespaced = kind === 'Role' || kind === 'RoleBinding';
		const namespace = namespaced ? (manifest.metadata?.namespace || 'default') : '';
		const name = manifest.metadata?.name ?? '';
		const group = 'rbac.authorization.k8s.io';
		if (kind === 'Role' || kind === 'ClusterRole') {
			if (authorize(policy, user, {verb: 'escalate', group, resource: kind === 'Role' ? 'roles' : 'clusterroles', name, namespace}).allowed) return undefined;
			return escalationMessage(policy, user, namespace, ((manifest as {rules?: PolicyRule[]}).rules ?? []).filter(r => typeof r === 'object' && r !== null));
		}
		if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
			const ref = ((manifest as {roleRef?: {kind?: string; name?: string}}).roleRef ?? {});
			const resource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
			if (authorize(policy, user, {verb: 'bind', group, resource, name: ref.name ?? '', namespace: ref.kind === 'Role' ? namespace : namespace || undefined}).allowed) return undefined;
			const role = ref.kind === 'Role' ? policy.role(namespace, ref.name ?? '') : policy.clusterRole(ref.name ?? '');
			if (!role) return undefined;
			return escalationMessage(policy, user, namespace, role.rules ?? []);
		}
		return undefined;
	}

	/** The RBAC rules `user` holds in `namespace` (cluster-wide ones first), as `kubectl auth can-i --list` lists them. */
	rulesFor(subject: {user: string; groups?: readonly string[]}, namespace = 'default'): PolicyRule[] {
		return rulesFor(storePolicy(this.context.store), checkedUser(subject), namespace);
	}

	/** Events about one object, oldest first (as `kubectl describe` lists them). */
	eventsFor(object: KubeObject): KubeObject[] {
		return this.context.events.about(object);
	}

	/**
	 * `kubectl exec pod -- argv`: runs in the container (default: the first);
	 * the exec's system calls land in the container's trace. Throws kubectl's
	 * errors for a missing pod or container or one that is not running.
	 */
	exec(pod: string, argv: readonly string[], options: ExecOptions = {}): ExecResult {
		return execInPod(this.context, pod, argv, options);
	}

	/**
	 * `kubectl exec -it pod -- sh`: an interactive shell whose directory and
	 * variables last from line to line. For a command that is not a shell (or
	 * one the image lacks) there is no session, only the exec's `result`.
	 */
	openShell(pod: string, argv: readonly string[], options: ShellOptions = {}): {session?: ShellSession; result?: ExecResult} {
		this.finishSnapshot();
		if (this.depth > 0) return shellInPod(this.context, pod, argv, options);
		const entry: JournalEntry = {call: 'openShell', ...encodeArgs([pod, argv, options])};
		this.journalPush(entry);
		this.depth++;
		let opened: {session?: ShellSession; result?: ExecResult; node?: string};
		try {
			opened = shellInPod(this.context, pod, argv, options);
		} catch (error) {
			entry.threw = true;
			throw error;
		} finally {
			this.depth--;
		}
		const {node, ...answer} = opened;
		if (!answer.session) return answer;
		// The session's lines change the container (files, processes): each is journaled against the session's number.
		const id = this.shellCount++;
		entry.session = id;
		const shell = this.facadeShell(id, node ?? '', answer.session);
		this.shells.set(id, shell);
		return {...answer, session: shell.session};
	}

	/** The session the facade hands out for shell `id`: it runs on `inner`, which a load of the node's runtime replaces. */
	private facadeShell(id: number, node: string, inner: ShellSession): FacadeShell {
		const shell: FacadeShell = {
			node,
			inner,
			session: {
				shell: inner.shell,
				cwd: () => shell.inner.cwd(),
				variable: name => shell.inner.variable(name),
				prompt: () => shell.inner.prompt(),
				run: line => this.journaled('shell.run', [id, line], () => shell.inner.run(line)),
				close: () => this.journaled('shell.close', [id], () => shell.inner.close()),
			},
		};
		return shell;
	}

	/**
	 * `kubectl port-forward pod PORT`: one HTTP request to the pod's port,
	 * answered by the container listening there (it arrives from 127.0.0.1,
	 * as the kubelet's forwarder connects inside the pod's network namespace).
	 */
	portForward(pod: string, port: number, request: ForwardedRequest, options: {namespace?: string} = {}): ForwardedReply {
		return portForwardRequest(this.context, pod, port, request, options.namespace);
	}

	/** `kubectl logs pod [-c c] [--previous] [--tail N] [--timestamps]`: lines, oldest first. */
	logs(pod: string, options: LogOptions = {}): string[] {
		this.finishSnapshot();
		return podLogs(this.context, pod, options);
	}

	/** System calls of a pod's container, its sandbox, or all merged (no container named), oldest first. */
	syscalls(pod: string, options: SyscallOptions = {}): Syscall[] {
		this.finishSnapshot();
		return podSyscalls(this.context, pod, options);
	}

	/** The node's recent CRI calls (RunPodSandbox, PullImage, CreateContainer, ...), oldest first. */
	criLog(node: string): CriCall[] {
		this.finishSnapshot();
		return nodeCriLog(this.context, node);
	}

	/** Simulated CPU (millicores) and memory (bytes) of one pod, as `kubectl top pod`; undefined when nothing runs. */
	podMetrics(pod: string, options: {namespace?: string} = {}): PodUsage | undefined {
		this.finishSnapshot();
		const object = this.context.store.get('Pod', options.namespace ?? 'default', pod) as Pod | undefined;
		if (!object) throw notFound('pods', pod);
		return podUsage(this.context, object);
	}

	/** Usage of every running pod and live node, as `kubectl top pods -A` and `kubectl top nodes`. */
	metrics(): UsageReport {
		this.finishSnapshot();
		return clusterUsage(this.context);
	}

	/**
	 * Usage for a dashboard that must not wait: the last complete scrape
	 * (undefined before the first), after moving the current one on, node by
	 * node, for about `budgetMs` of wall time. Changes nothing in the cluster;
	 * `metrics()` stays the engine's own, exact answer.
	 */
	scrapeMetrics(options: ScrapeOptions = {}): UsageReport | undefined {
		this.finishSnapshot();
		return scrapeUsage(this.context, options);
	}

	/** The header's CPU and MEM: usage of live nodes against their allocatable, as k9s shows it (`12%`). */
	clusterMetrics(): {cpu: string; memory: string} | undefined {
		this.finishSnapshot();
		const nodes = clusterUsage(this.context).nodes;
		if (nodes.length === 0) return undefined;
		const average = (values: number[]) => `${Math.round(values.reduce((a, b) => a + b, 0) / values.length)}%`;
		return {cpu: average(nodes.map(n => n.cpuPercent)), memory: average(nodes.map(n => n.memoryPercent))};
	}

	/** Usage of one node (its system daemons plus its pods); undefined when the node is down. */
	nodeMetrics(node: string): NodeUsage | undefined {
		this.finishSnapshot();
		if (!this.context.store.get('Node', undefined, node)) throw notFound('nodes', node);
		return clusterUsage(this.context).nodes.find(n => n.name === node);
	}

	/** Controller failures seen so far (each one was retried). */
	controllerErrors(): readonly ControllerError[] {
		return this.errors;
	}

	/**
	 * Run every queued reconcile until the queues are empty: rounds over the
	 * controllers in order, each taking the keys it had queued when its turn
	 * came. Returns false when `yieldNow` asked to stop; the round's place is
	 * kept, and the next call goes on from there.
	 */
	private runQueues(yieldNow: () => boolean = never): boolean {
		if (this.draining) return true;
		this.draining = true;
		const round = this.round;
		try {
			for (;;) {
				while (round.index < this.registered.length) {
					const {controller, queue} = this.registered[round.index]!;
					if (round.left < 0) round.left = queue.length;
					while (round.left > 0) {
						round.left--;
						const key = queue.take();
						if (key === undefined) {
							round.left = 0;
							break;
						}
						round.worked = true;
						const requeues = queue.numRequeues(key);
						try {
							controller.sync(key);
							// Success without a rate-limited requeue: the key's backoff starts over.
							if (queue.numRequeues(key) === requeues) queue.forget(key);
						} catch (error) {
							this.errors.push({controller: controller.name, key, message: (error as Error).stack ?? String(error), at: this.now()});
							if (this.errors.length > 100) this.errors.shift();
							queue.addRateLimited(key);
						}
						if (yieldNow()) return false;
					}
					round.index++;
					round.left = -1;
				}
				const worked = round.worked;
				round.index = 0;
				round.worked = false;
				if (!worked) {
					round.rounds = 0;
					return true;
				}
				if (++round.rounds > 100_000) {
					round.rounds = 0;
					throw new Error('controllers did not settle after 100000 rounds');
				}
			}
		} finally {
			this.draining = false;
		}
	}
}

function checkedUser(subject: {user: string; groups?: readonly string[]}): {user: string; groups: string[]} {
	if (typeof subject !== 'object' || subject === null || typeof subject.user !== 'string' || subject.user === '') throw badRequest('authorize: user is required');
	if (subject.groups !== undefined && (!Array.isArray(subject.groups) || subject.groups.some(g => typeof g !== 'string' || g === ''))) {
		throw badRequest('authorize: groups must be a list of non-empty names');
	}
	return {user: subject.user, groups: userGroups(subject.user, subject.groups)};
}

const never = () => false;

/** An advance's milliseconds, refused unless finite and at least 0. */
function advanceMs(ms: unknown): number {
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
		throw badRequest(`advance: time must be a finite number of milliseconds >= 0, got ${String(ms)}`);
	}
	return ms;
}


/** An open shell of the facade (`Cluster.openShell`). */
type FacadeShell = {session: ShellSession; node: string; inner: ShellSession};

/** An open shell as saved: its number, its node, its number in the node's runtime, its program. */
type SavedShell = [id: number, node: string, inner: number | null, program: string];

/** A shell whose session is gone with its node: its lines do nothing and it says it exited. */
function endedShell(program: string): ShellSession {
	return {
		shell: program,
		cwd: () => '/',
		variable: () => undefined,
		prompt: () => '',
		run: () => ({stdout: '', stderr: '', exitCode: 0, exited: true}),
		close() {},
	};
}

/** The facade's own state as data (`Cluster.saveOwnState`). */
type SavedClusterState = {
	round: {index: number; left: number; worked: boolean; rounds: number};
	owedUntil: number | null;
	stoppedInLoop: boolean;
	shellCount: number;
	applied: Array<[uid: string, applied: unknown]>;
	errors: ControllerError[];
};

/**
 * The facade's own saved state as `saveOwnState` writes it, or an error
 * naming what is not (a state file changed by hand): what loads is what a
 * save writes again, and what a restore's checks read back.
 */
function checkOwnState(saved: SavedClusterState): void {
	const fail = (what: string) => {
		throw new Error(`cluster: ${what}`);
	};
	const round = saved?.round as Record<string, unknown> | undefined;
	if (typeof round !== 'object' || round === null || !Number.isInteger(round['index']) || !Number.isInteger(round['left']) || typeof round['worked'] !== 'boolean' || !Number.isInteger(round['rounds'])) fail('the controllers\' round is not {index, left, worked, rounds}');
	if (saved.owedUntil !== null && typeof saved.owedUntil !== 'number') fail(`owedUntil is ${JSON.stringify(saved.owedUntil)}, not a time or null`);
	if (typeof saved.stoppedInLoop !== 'boolean' || !Number.isInteger(saved.shellCount)) fail('stoppedInLoop or shellCount is missing');
	if (!Array.isArray(saved.applied)) fail('applied is not a list');
	for (const item of saved.applied) if (!isAppliedEntry(item)) fail(`an applied configuration is ${JSON.stringify(item)?.slice(0, 80)}, not [uid, configuration]`);
	if (!Array.isArray(saved.errors) || !saved.errors.every(error => typeof error === 'object' && error !== null && typeof error.controller === 'string' && typeof error.key === 'string' && typeof error.message === 'string' && typeof error.at === 'number')) fail('errors are not a list of controller errors');
}

/** A part (or the clock) cannot load a state in this build's form: the file was changed or damaged (or a build kept the form and changed what it means). */
function notLoadable(error: Error): SnapshotError {
	if (error instanceof SnapshotError) return error;
	return new SnapshotError(`snapshot.state: ${error.message}; this build cannot load it; restore it from its objects`, 'state not loadable');
}

/** A replay that did not reach the saved state (`what` says where): the snapshot is another build's. */
function replayedDifferently(what: string): SnapshotError {
	return new SnapshotError(`${what}; the snapshot was saved by a build whose engine behaves differently, and cannot be restored by this one`, 'another build');
}

/** The options a snapshot records: every one the cluster was made with but `snapshot` (all JSON-safe). */
function optionsOf(options: ClusterOptions): SnapshotOptions {
	const {snapshot: _, restore: _restore, objectsIntact: _intact, onReplay: _onReplay, ...recorded} = options;
	return JSON.parse(JSON.stringify(recorded)) as SnapshotOptions;
}

/** Create a cluster: nodes Ready, namespaces `default`, `kube-system`, `kube-public`, `kube-node-lease`. */
export function createCluster(options: ClusterOptions = {}): Cluster {
	return new Cluster(options);
}

/**
 * `createCluster({snapshot})` a slice at a time: the same checks, the same
 * cluster, but the replay of the saved history runs in `step` calls.
 */
export function restoreCluster(options: ClusterOptions & {snapshot: unknown}): ClusterRestore {
	return Cluster.restore(options);
}

/** The documents of one apply call, prepared in order and not yet written. */
class StagedApply {
	/** Every prepared document, in order: the object to write and its last-applied configuration. */
	readonly documents: Array<{object: KubeObject; applied: unknown}> = [];
	/** Namespaces the call creates, so later documents may live in them. */
	readonly namespaces = new Set<string>();
	/** `kind/namespace/name` → the latest document for that object. */
	private readonly byKey = new Map<string, {object: KubeObject; applied: unknown}>();

	get(kind: string, namespace: string | undefined, name: string): {object: KubeObject; applied: unknown} | undefined {
		return this.byKey.get(`${kind}/${namespace ?? ''}/${name}`);
	}

	add(object: KubeObject, applied: unknown): void {
		const document = {object, applied};
		this.documents.push(document);
		if (object.metadata.name) this.byKey.set(`${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, document);
	}

	/** The latest version of each object the call writes, for admission's view of the batch. */
	latest(): KubeObject[] {
		return this.documents.filter(d => !d.object.metadata.name || this.get(d.object.kind, d.object.metadata.namespace, d.object.metadata.name) === d).map(d => d.object);
	}
}

/**
 * What kubectl would record as the last-applied configuration: the manifest
 * without status and server-set metadata, in the shape the merge compares.
 */
function appliedConfiguration(manifest: Manifest): unknown {
	const {status: _status, metadata, ...rest} = manifest;
	const meta = (metadata ?? {}) as Partial<KubeObject['metadata']>;
	// Only the fields given: the configuration is saved in snapshots as JSON.
	return {...rest, metadata: {...(meta.labels === undefined ? {} : {labels: meta.labels}), ...(meta.annotations === undefined ? {} : {annotations: meta.annotations})}};
}

function toManifests(input: string | Manifest | Manifest[]): Manifest[] {
	let raw: unknown[];
	if (typeof input === 'string') {
		const documents = parseAllDocuments(input);
		const list = Array.isArray(documents) ? documents : [documents];
		raw = [];
		for (const document of list) {
			const error = document.errors[0];
			if (error) {
				const line = error.linePos?.[0]?.line;
				throw badRequest(`error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${error.message.split('\n')[0]}`);
			}
			const value = document.toJS();
			if (value !== null && value !== undefined) raw.push(value);
		}
	} else if (Array.isArray(input)) {
		raw = input;
	} else {
		raw = [input];
	}
	const out: Manifest[] = [];
	for (const item of raw) {
		if (typeof item !== 'object' || item === null || Array.isArray(item)) {
			throw badRequest(`error decoding manifest: expected an object, got ${Array.isArray(item) ? 'an array' : JSON.stringify(item)}`);
		}
		const manifest = item as Manifest;
		if (manifest.kind === 'List' && Array.isArray(manifest['items'])) out.push(...(manifest['items'] as Manifest[]));
		else out.push(structuredClone(manifest));
	}
	if (out.length === 0) throw badRequest('no objects passed to apply');
	return out;
}

/**
 * `object` (about to be written over `current`) would store the same thing:
 * equal but for what the store's update takes from `current` (uid, creation
 * time, generation when the spec is the same) and the resourceVersion.
 */
function unchangedBy(object: KubeObject, current: KubeObject): boolean {
	const {uid, creationTimestamp, generation} = current.metadata;
	const kept = {uid, creationTimestamp, generation, resourceVersion: ''};
	return sameJson({...object, metadata: {...object.metadata, ...kept}}, {...current, metadata: {...current.metadata, ...kept}});
}

/** The object apply would store: the manifest over the live object (status and server metadata kept). */
function mergeForApply(type: ResourceType, manifest: Manifest, existing: KubeObject | undefined, previous: unknown, namespace: string | undefined): KubeObject {
	const meta = (manifest.metadata ?? {}) as Partial<KubeObject['metadata']>;
	const {metadata: _m, status: _s, ...fields} = manifest;
	if (!existing) {
		return {
			...fields,
			apiVersion: apiVersionOf(type),
			kind: type.kind,
			metadata: {
				name: meta.name ?? '',
				...(meta.generateName ? {generateName: meta.generateName} : {}),
				...(namespace ? {namespace} : {}),
				...(meta.labels ? {labels: meta.labels} : {}),
				...(meta.annotations ? {annotations: meta.annotations} : {}),
				...(meta.ownerReferences ? {ownerReferences: meta.ownerReferences} : {}),
				...(meta.finalizers ? {finalizers: meta.finalizers} : {}),
				...(meta.managedFields ? {managedFields: meta.managedFields} : {}),
				uid: '', resourceVersion: '', creationTimestamp: '',
			},
		} as KubeObject;
	}
	const merged = threeWayMerge(
		{...existing, metadata: {labels: existing.metadata.labels, annotations: existing.metadata.annotations}},
		previous,
		{...fields, metadata: {labels: meta.labels, annotations: meta.annotations}},
	) as KubeObject;
	const mergedMeta = merged.metadata as Partial<KubeObject['metadata']>;
	merged.apiVersion = existing.apiVersion;
	merged.kind = existing.kind;
	if (existing.status !== undefined) merged.status = existing.status;
	merged.metadata = {
		...existing.metadata,
		labels: mergedMeta.labels,
		annotations: mergedMeta.annotations,
		finalizers: meta.finalizers ?? existing.metadata.finalizers,
		resourceVersion: meta.resourceVersion ?? '',
	};
	if (!merged.metadata.labels || Object.keys(merged.metadata.labels).length === 0) delete merged.metadata.labels;
	if (!merged.metadata.annotations || Object.keys(merged.metadata.annotations).length === 0) delete merged.metadata.annotations;
	if (!merged.metadata.finalizers) delete merged.metadata.finalizers;
	return merged;
}

export {keyOf, KubeError};

/**
 * Where the replayed pending timers first differ from the saved ones, as a
 * path and what each side has, or undefined when they are the same. A
 * snapshot from a build that recorded only the timers' times and numbers is
 * compared on those.
 */
function timerDifference(saved: readonly SavedTimer[], replayed: readonly PendingTimer[]): string | undefined {
	const describe = (timer: SavedTimer | undefined) => (timer
		? `${timer.kind === undefined ? 'a timer' : `a ${timer.kind} timer`}${timer.arg === undefined ? '' : ` (${JSON.stringify(timer.arg)})`} at ${rfc3339Micro(timer.at)} (#${timer.seq})`
		: 'none');
	for (let i = 0; i < Math.max(saved.length, replayed.length); i++) {
		const a = saved[i];
		const b = replayed[i];
		// What the saved timer says of itself is what is compared of the replayed one.
		const seen: SavedTimer | undefined = b && a && a.kind === undefined ? {at: b.at, seq: b.seq} : b;
		const same = a && seen && a.at === seen.at && a.seq === seen.seq && a.kind === seen.kind && JSON.stringify(a.arg) === JSON.stringify(seen.arg);
		if (!same) return `[${i}]: the snapshot has ${describe(a)}, the replay ${describe(seen)}`;
	}
	return undefined;
}
