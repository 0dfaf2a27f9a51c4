/**
 * The ReplicaSet controller (`pkg/controller/replicaset/replica_set.go`):
 * claims the pods its selector matches (adopting orphans, releasing pods
 * whose labels moved away), creates missing pods in slow-start batches,
 * deletes surplus pods in the upstream preference order, and writes status.
 */
import type {Controller, ControllerContext, KeyMapper} from '../controller.js';
import type {Pod, ReplicaSet} from '../api/types.js';
import {applyDefaults} from '../api/defaults.js';
import {matchesLabels, selectorFromMap, type Selector} from '../api/selectors.js';
import {parseTime, rfc3339} from '../clock.js';
import {keyOf, objectKey, sameJson} from '../store.js';
import {deleteObject} from '../deletion.js';
import {ClientRateLimiter, type SavedClientRateLimiter} from './client-rate-limiter.js';
import {WorkerPool, type SavedWorkerPool} from './worker-pool.js';
import type {SavedObject} from '../state.js';
import {podDeletionCostAnnotation} from './deployment-util.js';
import {
	availableAt, claimObjects, ControllerExpectations, type SavedExpectations, controlledBy, controllerKeyOf, controllerRefOf, isPodActive, isPodAvailable,
	isPodReady, newControllerRef, onlyStatusChanged, orphanPods, readyCondition, SelectorCache, writeStatusIfChanged,
} from './controller-utils.js';

export const replicaSetComponent = 'replicaset-controller';
/** Most pods one sync creates or deletes (`BurstReplicas`). */
export const burstReplicas = 500;
/** First slow-start batch (`SlowStartInitialBatchSize`). */
export const slowStartInitialBatchSize = 1;

const phaseOrdinal: Record<string, number> = {Pending: 0, Unknown: 1, Running: 2};

/** log2 bucket of `now − time` in ns, as `logarithmicRankDiff` computes it (−1 when not in the past). */
function logBucket(time: number, now: number): number {
	const ns = (now - time) * 1e6;
	return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

function deletionCost(pod: Pod): number {
	const text = pod.metadata.annotations?.[podDeletionCostAnnotation];
	if (text === undefined || !/^-?\d+$/.test(text.trim())) return 0;
	const value = Number(text.trim());
	return value < -2147483648 || value > 2147483647 ? 0 : value;
}

function maxRestarts(pod: Pod): number {
	let max = 0;
	for (const status of pod.status?.containerStatuses ?? []) max = Math.max(max, status.restartCount ?? 0);
	return max;
}

/** `afterOrZero`: a zero time counts as the newest. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
	if (!a || !b) return !a;
	return a > b;
}

/** What the deletion ranking reads of one pod, read once (timestamps parsed once, buckets taken once). */
type RankKey = {
	pod: Pod;
	rank: number;
	unassigned: boolean;
	node: string;
	phase: number;
	ready: boolean;
	cost: number;
	readyTime: number | undefined;
	readyBucket: number;
	restarts: number;
	created: number | undefined;
	createdBucket: number;
};

function rankKey(pod: Pod, rank: number, now: number): RankKey {
	const node = pod.spec?.nodeName ?? '';
	const ready = isPodReady(pod);
	const readyTime = ready ? parseTime(readyCondition(pod)?.lastTransitionTime) : undefined;
	const created = parseTime(pod.metadata.creationTimestamp);
	return {
		pod, rank, node, ready, readyTime, created,
		unassigned: node === '',
		phase: phaseOrdinal[pod.status?.phase ?? ''] ?? 3,
		cost: deletionCost(pod),
		readyBucket: readyTime ? logBucket(readyTime, now) : 0,
		restarts: maxRestarts(pod),
		createdBucket: created ? logBucket(created, now) : 0,
	};
}

/** `ActivePodsWithRanks.Less` over read-once keys: negative when `a` should be deleted before `b`. */
function compareRankKeys(a: RankKey, b: RankKey): number {
	const less = (x: boolean) => (x ? -1 : 1);
	if (a.node !== b.node && (a.unassigned || b.unassigned)) return less(a.unassigned);
	if (a.phase !== b.phase) return less(a.phase < b.phase);
	if (a.ready !== b.ready) return less(!a.ready);
	if (a.cost !== b.cost) return less(a.cost < b.cost);
	if (a.rank !== b.rank) return less(a.rank > b.rank);
	if (a.ready && b.ready && a.readyTime !== b.readyTime) {
		if (!a.readyTime || !b.readyTime) return less(afterOrZero(a.readyTime, b.readyTime));
		const diff = a.readyBucket - b.readyBucket;
		if (diff !== 0) return less(diff < 0);
		// Same bucket: fall through to the next rule.
	}
	if (a.restarts !== b.restarts) return less(a.restarts > b.restarts);
	if (a.created !== b.created) {
		if (!a.created || !b.created) return less(afterOrZero(a.created, b.created));
		const diff = a.createdBucket - b.createdBucket;
		if (diff === 0) {
			const uidA = a.pod.metadata.uid;
			const uidB = b.pod.metadata.uid;
			return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
		}
		return less(diff < 0);
	}
	return 0;
}

/**
 * `ActivePodsWithRanks.Less` as a comparator: negative when `a` should be
 * deleted before `b`. `rank` counts related active pods on the pod's node.
 */
export function comparePodsForDeletion(a: Pod, rankA: number, b: Pod, rankB: number, now: number): number {
	return compareRankKeys(rankKey(a, rankA, now), rankKey(b, rankB, now));
}

/**
 * `getPodsToDelete`: the `diff` pods to delete first. With fewer than all of
 * them, pods are ranked by how many related pods share their node, and sorted
 * once on keys read once per pod.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], diff: number, now: number): Pod[] {
	if (diff >= pods.length) return [...pods];
	const onNode = new Map<string, number>();
	for (const pod of related) {
		if (isPodActive(pod)) onNode.set(pod.spec?.nodeName ?? '', (onNode.get(pod.spec?.nodeName ?? '') ?? 0) + 1);
	}
	const ranked = pods.map(pod => rankKey(pod, onNode.get(pod.spec?.nodeName ?? '') ?? 0, now));
	ranked.sort(compareRankKeys);
	return ranked.slice(0, diff).map(entry => entry.pod);
}

/**
 * Whether a pod update can change what a ReplicaSet sees: ownership, labels,
 * deletion, node, phase or readiness. Other writes (container states,
 * restart counts, IPs) need no sync; a sync reads them fresh anyway.
 */
export function countsChanged(old: Pod, next: Pod): boolean {
	const a = old.metadata;
	const b = next.metadata;
	if (a.deletionTimestamp !== b.deletionTimestamp || old.spec?.nodeName !== next.spec?.nodeName) return true;
	if (old.status?.phase !== next.status?.phase) return true;
	if (a.labels !== b.labels && !sameJson(a.labels, b.labels)) return true;
	if (a.ownerReferences !== b.ownerReferences && !sameJson(a.ownerReferences, b.ownerReferences)) return true;
	const readyA = readyCondition(old);
	const readyB = readyCondition(next);
	return readyA?.status !== readyB?.status || readyA?.lastTransitionTime !== readyB?.lastTransitionTime;
}

/** A pod's place in its ReplicaSet's counts, as bits. */
const matchesSelector = 1;
const active = 2;
const fullyLabeled = 4;
const ready = 8;

/**
 * The counts `calculateStatus` needs for one ReplicaSet, kept from the watch
 * so that a sync costs the same whatever the number of pods: its pods by uid
 * with their bits, for the selector and template they were computed with.
 */
type PodTally = {
	selectorSource: unknown;
	template: unknown;
	pods: Map<string, {pod: Pod; bits: number}>;
	/** Owned pods the selector no longer matches: the claim must release them. */
	notMatching: number;
	active: number;
	fullyLabeled: number;
	ready: number;
};

/** Creates or deletes one piece of the controller's work makes before the rest waits for the next step. */
export const callsPerStep = 32;
/** `--concurrent-replicaset-syncs`: the controller's workers; a run waiting on its client holds one. */
export const concurrentReplicaSetSyncs = 5;

/** A sync's creates still to make: slow-start batches over the ReplicaSet as the sync read it. */
type CreateRun = {id: number; key: string; rs: ReplicaSet; remaining: number; batch: number; /** When each call of the current batch may go (its reserved token), in order. */ times: number[]; error?: Error};
/** A sync's deletes: its victims, and the next to delete. */
type DeleteRun = {id: number; key: string; rs: ReplicaSet; victims: Pod[]; next: number; /** When each victim's delete may go. */ times: number[]};
/** The ReplicaSet controller's saved state (see its part in `createReplicaSetController`). */
type SavedReplicaSets = {
	expectations: SavedExpectations;
	client: SavedClientRateLimiter;
	workers: SavedWorkerPool;
	laterErrors: Array<[key: string, message: string]>;
	lastRun: number;
	/** A delete run's victims and times from the next one to delete. */
	runs: Array<
		| {id: number; key: string; rs: SavedObject; remaining: number; batch: number; times: number[]; error: string | null}
		| {id: number; key: string; rs: SavedObject; victims: SavedObject[]; times: number[]}
	>;
	/** By ReplicaSet uid, the uids of the pods it counts, in its order. */
	tallies: Array<[uid: string, pods: string[]]>;
};

/** A run's step waiting for its tokens, as a timer's data: the ReplicaSet's key and the run's id. */
type RunStep = {key: string; run: number};

export function createReplicaSetController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const orphans = orphanPods(context);
	const selectors = new SelectorCache();
	const templateSelectors = new WeakMap<object, Selector>();
	const expectations = new ControllerExpectations(clock);
	/** By ReplicaSet uid; built by a sync, kept current by pod events, dropped when selector or template change. */
	const tallies = new Map<string, PodTally>();
	/** Pod uid → the tally that counts it. */
	const tallyOfPod = new Map<string, PodTally>();
	const source = {component: replicaSetComponent};
	const queue = () => context.queue(replicaSetComponent);
	/** Each ReplicaSet's generateName (`<name>-`), one string for all its pods. */
	const prefixes = new WeakMap<object, string>();
	/** The controller's API client: its creates and deletes are rate-limited. */
	const client = new ClientRateLimiter(clock);
	/** The controller's workers: a ReplicaSet with a run of creates or deletes in flight holds one. */
	const workers = new WorkerPool(concurrentReplicaSetSyncs, key => queue().add(key));
	/** Failures of runs' later steps, by key, for the next sync's status. */
	const laterErrors = new Map<string, Error>();
	/** Runs waiting for their next step's tokens, by id (a ReplicaSet's key may have a second run while the first waits). */
	const waitingRuns = new Map<number, CreateRun | DeleteRun>();
	/** The id of the last run begun. */
	let lastRun = 0;

	/** A run waiting for its next step, no longer waiting: the step is due. */
	function dueRun(id: number): CreateRun | DeleteRun {
		const run = waitingRuns.get(id)!;
		waitingRuns.delete(id);
		return run;
	}
	/** A create run's next slow-start step (the run by id, with its ReplicaSet's key). */
	const createStep = clock.kind<RunStep>('replicaset.slowStart', ({run: id}) => {
		const run = dueRun(id) as CreateRun;
		const error = stepCreates(run);
		if (error) failedLater(run.key, error);
	});
	/** A delete run's next step. */
	const deleteStep = clock.kind<RunStep>('replicaset.deletes', ({run: id}) => {
		const run = dueRun(id) as DeleteRun;
		const later = stepDeletes(run);
		if (later) failedLater(run.key, later);
	});

	/**
	 * Saved: expectations, the client's bucket, the workers, later failures
	 * by message (only the message reaches a status), the runs waiting for
	 * their tokens (the ReplicaSet version each read, the victims still to
	 * delete), and each current tally's pods in the order it counts them
	 * (the order deletes rank ties in); the counts and bits are worked out
	 * again from the store's pods. A tally computed for an older selector or
	 * template counts for nothing (the next use rebuilds it) and is not saved.
	 */
	context.state.register<SavedReplicaSets>('replicaset', {
		save: saving => ({
			expectations: expectations.save(),
			client: client.save(),
			workers: workers.save(),
			laterErrors: [...laterErrors].map(([key, error]) => [key, error.message]),
			lastRun,
			runs: [...waitingRuns.values()].map(run => 'victims' in run
				? {id: run.id, key: run.key, rs: saving.object(run.rs), victims: run.victims.slice(run.next).map(pod => saving.object(pod)), times: run.times.slice(run.next)}
				: {id: run.id, key: run.key, rs: saving.object(run.rs), remaining: run.remaining, batch: run.batch, times: [...run.times], error: run.error?.message ?? null}),
			tallies: [...tallies].flatMap(([uid, tally]) => {
				const rs = store.getByUid(uid) as ReplicaSet | undefined;
				if (!rs || tally.selectorSource !== rs.spec?.selector || tally.template !== rs.spec?.template) return [];
				return [[uid, [...tally.pods.keys()]] as [string, string[]]];
			}),
		}),
		load(saved, loading) {
			expectations.load(saved.expectations);
			client.load(saved.client);
			workers.load(saved.workers);
			laterErrors.clear();
			for (const [key, message] of saved.laterErrors) laterErrors.set(key, new Error(message));
			lastRun = saved.lastRun;
			waitingRuns.clear();
			for (const run of saved.runs) {
				const rs = loading.object<ReplicaSet>(run.rs);
				waitingRuns.set(run.id, 'victims' in run
					? {id: run.id, key: run.key, rs, victims: run.victims.map(pod => loading.object<Pod>(pod)), next: 0, times: [...run.times]}
					: {id: run.id, key: run.key, rs, remaining: run.remaining, batch: run.batch, times: [...run.times], ...(run.error === null ? {} : {error: new Error(run.error)})});
			}
			tallies.clear();
			tallyOfPod.clear();
			for (const [uid, pods] of saved.tallies) {
				const rs = store.getByUid(uid) as ReplicaSet;
				const tally: PodTally = {selectorSource: rs.spec!.selector, template: rs.spec!.template, pods: new Map(), notMatching: 0, active: 0, fullyLabeled: 0, ready: 0};
				tallies.set(uid, tally);
				for (const pod of pods) put(tally, rs, store.getByUid(pod) as Pod);
			}
		},
	});

	function bitsOf(pod: Pod, selector: Selector, template: Selector): number {
		const labels = pod.metadata.labels;
		if (!matchesLabels(selector, labels)) return 0;
		let bits = matchesSelector;
		if (isPodActive(pod)) {
			bits |= active;
			if (matchesLabels(template, labels)) bits |= fullyLabeled;
			if (isPodReady(pod)) bits |= ready;
		}
		return bits;
	}

	function count(tally: PodTally, bits: number, sign: 1 | -1): void {
		if (!(bits & matchesSelector)) tally.notMatching += sign;
		if (bits & active) {
			tally.active += sign;
			if (bits & fullyLabeled) tally.fullyLabeled += sign;
			if (bits & ready) tally.ready += sign;
		}
	}

	function put(tally: PodTally, rs: ReplicaSet, pod: Pod): void {
		const uid = pod.metadata.uid;
		const previous = tally.pods.get(uid);
		if (previous) count(tally, previous.bits, -1);
		const bits = bitsOf(pod, selectors.for(rs), templateSelector(rs));
		tally.pods.set(uid, {pod, bits});
		tallyOfPod.set(uid, tally);
		count(tally, bits, 1);
	}

	function drop(uid: string): void {
		const tally = tallyOfPod.get(uid);
		if (!tally) return;
		tallyOfPod.delete(uid);
		const previous = tally.pods.get(uid);
		if (!previous) return;
		tally.pods.delete(uid);
		count(tally, previous.bits, -1);
	}

	/** The tally of a ReplicaSet, built from the store when missing or computed for another selector or template. */
	function tallyOf(rs: ReplicaSet): PodTally {
		const existing = tallies.get(rs.metadata.uid);
		if (existing && existing.selectorSource === rs.spec!.selector && existing.template === rs.spec!.template) return existing;
		if (existing) for (const uid of existing.pods.keys()) tallyOfPod.delete(uid);
		const tally: PodTally = {selectorSource: rs.spec!.selector, template: rs.spec!.template, pods: new Map(), notMatching: 0, active: 0, fullyLabeled: 0, ready: 0};
		tallies.set(rs.metadata.uid, tally);
		for (const pod of controlledBy<Pod>(store, rs, 'Pod')) put(tally, rs, pod);
		return tally;
	}

	store.subscribe(({type, object, old}) => {
		if (object.kind === 'ReplicaSet') {
			if (type === 'DELETED') {
				selectors.forget(object.metadata.uid);
				expectations.forget(keyOf(object));
				const tally = tallies.get(object.metadata.uid);
				if (tally) for (const uid of tally.pods.keys()) tallyOfPod.delete(uid);
				tallies.delete(object.metadata.uid);
			}
			return;
		}
		const pod = object as Pod;
		const uid = pod.metadata.uid;
		const ref = type === 'DELETED' ? undefined : controllerRefOf(pod);
		const owner = ref?.kind === 'ReplicaSet' ? store.getByUid(ref.uid) as ReplicaSet | undefined : undefined;
		const tally = owner ? tallies.get(owner.metadata.uid) : undefined;
		if (tallyOfPod.get(uid) !== tally) drop(uid);
		if (tally && owner && tally.selectorSource === owner.spec?.selector && tally.template === owner.spec?.template) put(tally, owner, pod);
		else if (tally && owner) tallies.delete(owner.metadata.uid);
		// Expectations: this controller's own creates and deletes, seen in the watch.
		const expected = controllerKeyOf(pod, 'ReplicaSet') ?? (old ? controllerKeyOf(old, 'ReplicaSet') : undefined);
		if (!expected) return;
		if (type === 'ADDED') {
			if (pod.metadata.deletionTimestamp) expectations.deletionObserved(expected, uid);
			else expectations.creationObserved(expected);
		} else if (type === 'DELETED' || (pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp)) {
			expectations.deletionObserved(expected, uid);
		}
	}, ['Pod', 'ReplicaSet']);

	/** Keys of the ReplicaSets in a namespace whose selector matches these labels. */
	function matchingSets(namespace: string | undefined, labels: Record<string, string> | undefined): string[] {
		const keys: string[] = [];
		for (const rs of store.list('ReplicaSet', namespace)) {
			try {
				if (matchesLabels(selectors.for(rs), labels)) keys.push(keyOf(rs));
			} catch {
				// An unparsable selector matches nothing.
			}
		}
		return keys;
	}

	const podKeys: KeyMapper = ({type, object, old}) => {
		if (type === 'MODIFIED' && old && !countsChanged(old as Pod, object as Pod)) return undefined;
		const keys: string[] = [];
		const ref = controllerRefOf(object);
		if (ref?.kind === 'ReplicaSet') keys.push(objectKey(object.metadata.namespace, ref.name));
		const oldRef = old ? controllerRefOf(old) : undefined;
		if (oldRef?.kind === 'ReplicaSet' && oldRef.uid !== ref?.uid) keys.push(objectKey(object.metadata.namespace, oldRef.name));
		if (!ref && type !== 'DELETED' && !object.metadata.deletionTimestamp) keys.push(...matchingSets(object.metadata.namespace, object.metadata.labels));
		return keys;
	};

	function templateSelector(rs: ReplicaSet): Selector {
		const labels = rs.spec!.template.metadata?.labels;
		const holder = rs.spec!.template;
		let selector = templateSelectors.get(holder);
		if (!selector) templateSelectors.set(holder, (selector = selectorFromMap(labels)));
		return selector;
	}

	/**
	 * `claimPods`, only when it has something to do: owned pods the selector
	 * no longer matches, or orphans it does. The tally follows the writes.
	 */
	function claimPods(rs: ReplicaSet, selector: Selector, tally: PodTally): void {
		const match = (pod: Pod) => matchesLabels(selector, pod.metadata.labels);
		const adoptable = !rs.metadata.deletionTimestamp && orphans.some(rs.metadata.namespace, pod => !pod.metadata.deletionTimestamp && match(pod));
		const releasable = tally.notMatching > 0 && !rs.metadata.deletionTimestamp;
		if (!adoptable && !releasable) return;
		claimObjects<Pod>(store, rs, match, {owned: store.dependentsOf(rs.metadata.uid, 'Pod') as Pod[], orphans: [...orphans.in(rs.metadata.namespace)]});
	}

	/** The tally's active pods (those `calculateStatus` counts). */
	function activePods(tally: PodTally): Pod[] {
		const out: Pod[] = [];
		for (const {pod, bits} of tally.pods.values()) if (bits & active) out.push(pod);
		return out;
	}

	/** Pods of every ReplicaSet with the same controller (for a Deployment: all its ReplicaSets). */
	function relatedPods(rs: ReplicaSet): Pod[] {
		const owner = controllerRefOf(rs);
		const sets = owner ? (store.dependentsOf(owner.uid, 'ReplicaSet') as ReplicaSet[]).filter(s => controllerRefOf(s)?.uid === owner.uid) : [rs];
		const out: Pod[] = [];
		for (const set of sets) out.push(...controlledBy<Pod>(store, set, 'Pod'));
		return out;
	}

	function createPod(rs: ReplicaSet): Pod {
		const template = rs.spec!.template;
		let prefix = prefixes.get(rs.metadata);
		if (prefix === undefined) prefixes.set(rs.metadata, (prefix = `${rs.metadata.name}-`));
		const pod = applyDefaults({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {
				name: '',
				generateName: prefix,
				namespace: rs.metadata.namespace,
				// Shared with the template, as the spec is: a hundred thousand pods need not copy their labels.
				...(template.metadata?.labels ? {labels: template.metadata.labels} : {}),
				...(template.metadata?.annotations ? {annotations: {...template.metadata.annotations}} : {}),
				...(template.metadata?.finalizers ? {finalizers: [...template.metadata.finalizers]} : {}),
				ownerReferences: [newControllerRef(rs)],
				uid: '', resourceVersion: '', creationTimestamp: '',
			},
			// Stored objects are never mutated, so the pod may share the template's nested parts.
			spec: template.spec,
		}) as Pod;
		return store.create(pod);
	}

	/**
	 * `manageReplicas`: create or delete pods towards spec.replicas, at most
	 * `burstReplicas` per sync, expecting to see each create and delete.
	 * The calls go through the controller's rate-limited client (20 a second
	 * after a burst of 30, kube-controller-manager's defaults), so a large
	 * scale streams pods in as on kind. A run waiting for its tokens holds one
	 * of the controller's 5 workers, as an upstream sync blocked in its client
	 * does; a ReplicaSet that finds them all busy waits for the next free one.
	 * The calls a step may make are at most `callsPerStep`, so a burst never
	 * holds the simulation in one piece of work.
	 * Returns the first error of the calls made in the sync.
	 */
	function manageReplicas(key: string, rs: ReplicaSet, tally: PodTally): Error | undefined {
		const wanted = rs.spec!.replicas;
		const diff = tally.active - wanted;
		if (diff === 0) return undefined;
		if (!workers.take(key)) return undefined;
		if (diff < 0) {
			const missing = Math.min(-diff, burstReplicas);
			expectations.expectCreations(key, missing);
			const run: CreateRun = {id: ++lastRun, key, rs, remaining: missing, batch: slowStartInitialBatchSize, times: []};
			if (-diff > burstReplicas) queue().add(key);
			reserveBatch(run);
			return stepCreates(run);
		}
		const victims = podsToDelete(activePods(tally), relatedPods(rs), Math.min(diff, burstReplicas), clock.now());
		expectations.expectDeletions(key, victims.map(pod => pod.metadata.uid));
		if (diff > burstReplicas) queue().add(key);
		return stepDeletes({id: ++lastRun, key, rs, victims, next: 0, times: victims.map(() => client.reserve())});
	}

	/** Reserve the client's tokens for the run's next slow-start batch: its calls go in parallel, each when its token is there. */
	function reserveBatch(run: CreateRun): void {
		run.batch = Math.min(run.batch, run.remaining);
		for (let i = 0; i < run.batch; i++) run.times.push(client.reserve());
	}

	/**
	 * The creates of a run whose tokens have come, up to `callsPerStep`, in
	 * slow-start batches (1, 2, 4, ...): the first batch with a failure ends
	 * the run, and the creates it skips are no longer expected. Returns a
	 * failure this step met.
	 */
	function stepCreates(run: CreateRun): Error | undefined {
		const {key, rs, times} = run;
		const before = run.error;
		const now = clock.now();
		for (let calls = 0; times.length > 0 && times[0]! <= now && calls < callsPerStep; calls++) {
			times.shift();
			try {
				const pod = createPod(rs);
				events.normal(rs, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, source);
			} catch (caught) {
				events.warning(rs, 'FailedCreate', `Error creating: ${(caught as Error).message}`, source);
				run.error ??= caught as Error;
				// A create that failed will never be seen.
				expectations.creationObserved(key);
			}
			run.remaining--;
			if (times.length > 0) continue;
			if (run.error) {
				// Creates the run skips will never be seen either.
				for (; run.remaining > 0; run.remaining--) expectations.creationObserved(key);
				break;
			}
			run.batch *= 2;
			if (run.remaining > 0) reserveBatch(run);
		}
		if (times.length > 0) {
			waitingRuns.set(run.id, run);
			clock.at(Math.max(now, times[0]!), createStep, {key, run: run.id});
		} else {
			workers.release(key);
		}
		return run.error === before ? undefined : run.error;
	}

	/** The deletes of a run whose tokens have come, up to `callsPerStep` (all were asked for at once, in parallel); failures are no longer expected. Returns the first failure of this step. */
	function stepDeletes(run: DeleteRun): Error | undefined {
		const {key, rs, victims, times} = run;
		let error: Error | undefined;
		const now = clock.now();
		for (let calls = 0; run.next < victims.length && times[run.next]! <= now && calls < callsPerStep; calls++, run.next++) {
			const pod = victims[run.next]!;
			try {
				deleteObject(context, pod, 'Background');
				events.normal(rs, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
			} catch (caught) {
				error ??= caught as Error;
				expectations.deletionObserved(key, pod.metadata.uid);
				events.warning(rs, 'FailedDelete', `Error deleting: ${(caught as Error).message}`, source);
			}
		}
		if (run.next < victims.length) {
			waitingRuns.set(run.id, run);
			clock.at(Math.max(now, times[run.next]!), deleteStep, {key, run: run.id});
		} else {
			workers.release(key);
		}
		return error;
	}

	/** A failure in a run's later step: the next sync reports it in status and the key backs off, as a failed sync does. */
	function failedLater(key: string, error: Error): void {
		if (!laterErrors.has(key)) laterErrors.set(key, error);
		queue().addRateLimited(key);
	}

	function sync(key: string): void {
		workers.sync(key, () => syncReplicaSet(key));
	}

	function syncReplicaSet(key: string): void {
		let rs = store.getByKey('ReplicaSet', key) as ReplicaSet | undefined;
		if (!rs || !rs.spec) {
			expectations.forget(key);
			workers.forget(key);
			return;
		}
		let selector: Selector;
		try {
			selector = selectors.for(rs);
		} catch {
			return;
		}
		const tally = tallyOf(rs);
		claimPods(rs, selector, tally);
		let error: Error | undefined;
		// Until its last creates and deletes are seen, the ReplicaSet does not act on the counts again.
		if (!rs.metadata.deletionTimestamp && expectations.satisfied(key)) error = manageReplicas(key, rs, tally);
		if (laterErrors.has(key)) {
			error ??= laterErrors.get(key);
			laterErrors.delete(key);
		}
		rs = (store.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name) as ReplicaSet | undefined) ?? rs;
		const minReady = rs.spec!.minReadySeconds ?? 0;
		const pods = minReady > 0 ? activePods(tally) : [];
		writeStatusIfChanged(store, rs, calculateStatus(rs, tally, pods, error));
		// A create or delete that failed (a quota refused it, say) is retried with the key's backoff, as the sync's error is upstream.
		if (error) queue().addRateLimited(key);
		// Pods that are ready but not yet available for minReadySeconds: look again when they will be.
		if (minReady > 0) {
			let next: number | undefined;
			const now = clock.now();
			for (const pod of pods) {
				if (isPodAvailable(pod, minReady, now)) continue;
				const at = availableAt(pod, minReady);
				if (at !== undefined && (next === undefined || at < next)) next = at;
			}
			if (next !== undefined) queue().addAfter(key, Math.max(1, next - now));
		}
	}

	/**
	 * `calculateStatus`, over the pods active once this sync's creations and
	 * deletions are done: the tally's counts (`active` lists the pods only when
	 * availability needs their times).
	 */
	function calculateStatus(rs: ReplicaSet, tally: PodTally, pods: Pod[], error: Error | undefined): ReplicaSet['status'] {
		const now = clock.now();
		const minReady = rs.spec!.minReadySeconds ?? 0;
		let available = tally.ready;
		if (minReady > 0) {
			available = 0;
			for (const pod of pods) if (isPodAvailable(pod, minReady, now)) available++;
		}
		const status: NonNullable<ReplicaSet['status']> = {
			...rs.status,
			replicas: tally.active,
			fullyLabeledReplicas: tally.fullyLabeled,
			readyReplicas: tally.ready,
			availableReplicas: available,
			observedGeneration: rs.metadata.generation,
		};
		const failure = status.conditions?.find(c => c.type === 'ReplicaFailure');
		if (error && !failure) {
			const reason = tally.active < rs.spec!.replicas ? 'FailedCreate' : 'FailedDelete';
			status.conditions = [...(status.conditions ?? []), {type: 'ReplicaFailure', status: 'True', reason, message: error.message, lastTransitionTime: rfc3339(now)}];
		} else if (!error && failure) {
			status.conditions = status.conditions!.filter(c => c.type !== 'ReplicaFailure');
			if (status.conditions.length === 0) delete status.conditions;
		}
		return status;
	}

	return {
		name: replicaSetComponent,
		watches: {
			ReplicaSet: ({type, object, old}) => (type === 'MODIFIED' && old && onlyStatusChanged(old, object) ? undefined : keyOf(object)),
			Pod: podKeys,
		},
		sync,
	};
}
