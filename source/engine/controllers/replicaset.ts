/**
 * The ReplicaSet controller (`pkg/controller/replicaset/replica_set.go`):
 * claims the pods its selector matches (adopting orphans, releasing pods
 * whose labels moved away), creates missing pods in slow-start batches,
 * deletes surplus pods in the upstream preference order, and writes status.
 */
import type {Controller, ControllerContext, KeyMapper} from '../controller.js';
import type {KubeObject, OwnerReference, Pod, ReplicaSet} from '../api/types.js';
import {applyDefaults} from '../api/defaults.js';
import {labelSelectorFromObject, matchesLabels, selectorFromMap, type Selector} from '../api/selectors.js';
import {parseTime, rfc3339} from '../clock.js';
import {keyOf, objectKey, sameJson} from '../store.js';
import {deleteObject} from '../deletion.js';
import {availableAt, isPodActive, isPodAvailable, isPodReady, podDeletionCostAnnotation, readyCondition} from './deployment-util.js';

export const replicaSetComponent = 'replicaset-controller';
/** Most pods one sync creates or deletes (`BurstReplicas`). */
export const burstReplicas = 500;
/** First slow-start batch (`SlowStartInitialBatchSize`). */
export const slowStartInitialBatchSize = 1;

/** The controller reference of an object, if it has one. */
export function controllerRefOf(object: KubeObject): OwnerReference | undefined {
	const refs = object.metadata.ownerReferences;
	if (!refs) return undefined;
	for (const ref of refs) if (ref.controller) return ref;
	return undefined;
}

/** `metav1.NewControllerRef`: controller and blockOwnerDeletion both true. */
export function newControllerRef(owner: KubeObject): OwnerReference {
	return {apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true};
}

/**
 * Runs `count` calls in batches of 1, 2, 4, ... (`slowStartBatch`); the first
 * batch with a failure ends the run. Returns how many succeeded and the first error.
 */
export function slowStartBatch(count: number, initialBatchSize: number, fn: () => void): {successes: number; error?: Error} {
	let remaining = count;
	let successes = 0;
	for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
		let error: Error | undefined;
		for (let i = 0; i < batch; i++) {
			try {
				fn();
				successes++;
			} catch (caught) {
				error ??= caught as Error;
			}
		}
		if (error) return {successes, error};
		remaining -= batch;
	}
	return {successes};
}

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

/**
 * `ActivePodsWithRanks.Less` as a comparator: negative when `a` should be
 * deleted before `b`. `rank` counts related active pods on the pod's node.
 */
export function comparePodsForDeletion(a: Pod, rankA: number, b: Pod, rankB: number, now: number): number {
	const less = (x: boolean) => (x ? -1 : 1);
	const nodeA = a.spec?.nodeName ?? '';
	const nodeB = b.spec?.nodeName ?? '';
	if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return less(nodeA === '');
	const phaseA = phaseOrdinal[a.status?.phase ?? ''] ?? 3;
	const phaseB = phaseOrdinal[b.status?.phase ?? ''] ?? 3;
	if (phaseA !== phaseB) return less(phaseA < phaseB);
	const readyA = isPodReady(a);
	const readyB = isPodReady(b);
	if (readyA !== readyB) return less(!readyA);
	const costA = deletionCost(a);
	const costB = deletionCost(b);
	if (costA !== costB) return less(costA < costB);
	if (rankA !== rankB) return less(rankA > rankB);
	if (readyA && readyB) {
		const timeA = parseTime(readyCondition(a)?.lastTransitionTime);
		const timeB = parseTime(readyCondition(b)?.lastTransitionTime);
		if (timeA !== timeB) {
			if (!timeA || !timeB) return less(afterOrZero(timeA, timeB));
			const diff = logBucket(timeA, now) - logBucket(timeB, now);
			if (diff !== 0) return less(diff < 0);
			// Same bucket: fall through to the next rule.
		}
	}
	const restartsA = maxRestarts(a);
	const restartsB = maxRestarts(b);
	if (restartsA !== restartsB) return less(restartsA > restartsB);
	const createdA = parseTime(a.metadata.creationTimestamp);
	const createdB = parseTime(b.metadata.creationTimestamp);
	if (createdA !== createdB) {
		if (!createdA || !createdB) return less(afterOrZero(createdA, createdB));
		const diff = logBucket(createdA, now) - logBucket(createdB, now);
		if (diff === 0) return a.metadata.uid < b.metadata.uid ? -1 : a.metadata.uid > b.metadata.uid ? 1 : 0;
		return less(diff < 0);
	}
	return 0;
}

/**
 * `getPodsToDelete`: the `diff` pods to delete first. With fewer than all of
 * them, pods are ranked by how many related pods share their node.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], diff: number, now: number): Pod[] {
	if (diff >= pods.length) return [...pods];
	const onNode = new Map<string, number>();
	for (const pod of related) {
		if (isPodActive(pod)) onNode.set(pod.spec?.nodeName ?? '', (onNode.get(pod.spec?.nodeName ?? '') ?? 0) + 1);
	}
	const ranked = pods.map(pod => ({pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0}));
	ranked.sort((x, y) => comparePodsForDeletion(x.pod, x.rank, y.pod, y.rank, now));
	return ranked.slice(0, diff).map(entry => entry.pod);
}

/** Pods without a controller, by namespace: the candidates for adoption. */
export class OrphanIndex<T extends KubeObject> {
	private readonly byNamespace = new Map<string, Map<string, T>>();

	observe(type: string, object: T): void {
		const namespace = object.metadata.namespace ?? '';
		const uid = object.metadata.uid;
		const orphan = type !== 'DELETED' && !controllerRefOf(object);
		let bucket = this.byNamespace.get(namespace);
		if (orphan) {
			if (!bucket) this.byNamespace.set(namespace, (bucket = new Map()));
			bucket.set(uid, object);
		} else bucket?.delete(uid);
	}

	in(namespace: string | undefined): Iterable<T> {
		return this.byNamespace.get(namespace ?? '')?.values() ?? [];
	}
}

/** Parsed selectors, cached per object uid and selector JSON. */
export class SelectorCache {
	private readonly cache = new Map<string, {source: unknown; selector: Selector}>();

	for(object: KubeObject): Selector {
		const source = object.spec?.selector;
		const hit = this.cache.get(object.metadata.uid);
		if (hit && (hit.source === source || sameJson(hit.source, source))) return hit.selector;
		const selector = labelSelectorFromObject(source);
		this.cache.set(object.metadata.uid, {source, selector});
		return selector;
	}

	forget(uid: string): void {
		this.cache.delete(uid);
	}
}

/**
 * A write that kept spec and the metadata a controller acts on (a status
 * write keeps the very same spec object): its own status writes need no new sync.
 */
export function onlyStatusChanged(old: KubeObject, next: KubeObject): boolean {
	const a = old.metadata;
	const b = next.metadata;
	return old.spec === next.spec && a.deletionTimestamp === b.deletionTimestamp && a.labels === b.labels
		&& a.ownerReferences === b.ownerReferences && a.finalizers === b.finalizers;
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

export function createReplicaSetController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const orphans = new OrphanIndex<Pod>();
	const selectors = new SelectorCache();
	const templateSelectors = new WeakMap<object, Selector>();
	const source = {component: replicaSetComponent};

	store.subscribe(({type, object}) => {
		if (object.kind === 'Pod') orphans.observe(type, object as Pod);
		else if (object.kind === 'ReplicaSet' && type === 'DELETED') selectors.forget(object.metadata.uid);
	}, ['Pod', 'ReplicaSet']);

	const queue = () => context.queue(replicaSetComponent);

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

	/** `ClaimPods`: owned pods that still match, plus orphans adopted now. Releases the rest. */
	function claimPods(rs: ReplicaSet, selector: Selector): Pod[] {
		const claimed: Pod[] = [];
		const uid = rs.metadata.uid;
		for (const pod of store.dependentsOf(uid, 'Pod') as Pod[]) {
			if (controllerRefOf(pod)?.uid !== uid) continue;
			if (matchesLabels(selector, pod.metadata.labels)) {
				claimed.push(pod);
				continue;
			}
			if (rs.metadata.deletionTimestamp) continue;
			// Release: the pod's labels no longer match.
			store.patch(pod, draft => {
				draft.metadata.ownerReferences = (draft.metadata.ownerReferences ?? []).filter(r => r.uid !== uid);
				if (draft.metadata.ownerReferences.length === 0) delete draft.metadata.ownerReferences;
			});
		}
		if (!rs.metadata.deletionTimestamp) {
			const adopt: Pod[] = [];
			for (const pod of orphans.in(rs.metadata.namespace)) {
				if (pod.metadata.deletionTimestamp || !matchesLabels(selector, pod.metadata.labels)) continue;
				adopt.push(pod);
			}
			for (const pod of adopt) {
				claimed.push(store.patch(pod, draft => {
					draft.metadata.ownerReferences = [...(draft.metadata.ownerReferences ?? []), newControllerRef(rs)];
				}));
			}
		}
		return claimed;
	}

	/** Pods of every ReplicaSet with the same controller (for a Deployment: all its ReplicaSets). */
	function relatedPods(rs: ReplicaSet): Pod[] {
		const owner = controllerRefOf(rs);
		const sets = owner ? (store.dependentsOf(owner.uid, 'ReplicaSet') as ReplicaSet[]).filter(s => controllerRefOf(s)?.uid === owner.uid) : [rs];
		const out: Pod[] = [];
		for (const set of sets) {
			for (const pod of store.dependentsOf(set.metadata.uid, 'Pod') as Pod[]) {
				if (controllerRefOf(pod)?.uid === set.metadata.uid) out.push(pod);
			}
		}
		return out;
	}

	function createPod(rs: ReplicaSet): Pod {
		const template = rs.spec!.template;
		const prefix = `${rs.metadata.name}-`;
		const pod = applyDefaults({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {
				name: '',
				generateName: prefix,
				namespace: rs.metadata.namespace,
				...(template.metadata?.labels ? {labels: {...template.metadata.labels}} : {}),
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

	/** `manageReplicas`: create or delete pods towards spec.replicas. Returns the pods still active. */
	function manageReplicas(rs: ReplicaSet, active: Pod[]): {pods: Pod[]; error?: Error} {
		const wanted = rs.spec!.replicas;
		let diff = active.length - wanted;
		if (diff < 0) {
			const missing = Math.min(-diff, burstReplicas);
			const created: Pod[] = [];
			const {error} = slowStartBatch(missing, slowStartInitialBatchSize, () => {
				try {
					const pod = createPod(rs);
					created.push(pod);
					events.normal(rs, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, source);
				} catch (caught) {
					events.warning(rs, 'FailedCreate', `Error creating: ${(caught as Error).message}`, source);
					throw caught;
				}
			});
			if (-diff > burstReplicas) queue()?.add(keyOf(rs));
			return {pods: [...active, ...created], error};
		}
		if (diff > 0) {
			diff = Math.min(diff, burstReplicas);
			const victims = podsToDelete(active, relatedPods(rs), diff, clock.now());
			const gone = new Set<string>();
			let error: Error | undefined;
			for (const pod of victims) {
				try {
					deleteObject(context, pod, 'Background');
					gone.add(pod.metadata.uid);
					events.normal(rs, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
				} catch (caught) {
					error ??= caught as Error;
					events.warning(rs, 'FailedDelete', `Error deleting: ${(caught as Error).message}`, source);
				}
			}
			if (active.length - wanted > burstReplicas) queue()?.add(keyOf(rs));
			return {pods: active.filter(pod => !gone.has(pod.metadata.uid)), error};
		}
		return {pods: active};
	}

	function sync(key: string): void {
		const slash = key.indexOf('/');
		let rs = store.get('ReplicaSet', key.slice(0, slash), key.slice(slash + 1)) as ReplicaSet | undefined;
		if (!rs || !rs.spec) return;
		let selector: Selector;
		try {
			selector = selectors.for(rs);
		} catch {
			return;
		}
		const claimed = claimPods(rs, selector);
		let active = claimed.filter(isPodActive);
		let error: Error | undefined;
		if (!rs.metadata.deletionTimestamp) ({pods: active, error} = manageReplicas(rs, active));
		rs = (store.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name) as ReplicaSet | undefined) ?? rs;
		const status = calculateStatus(rs, active, error);
		if (!sameJson(status, rs.status)) {
			store.update({...rs, metadata: {...rs.metadata, resourceVersion: ''}, status}, {status: true});
		}
		// Pods that are ready but not yet available for minReadySeconds: look again when they will be.
		const minReady = rs.spec!.minReadySeconds ?? 0;
		if (minReady > 0) {
			let next: number | undefined;
			const now = clock.now();
			for (const pod of active) {
				if (isPodAvailable(pod, minReady, now)) continue;
				const at = availableAt(pod, minReady);
				if (at !== undefined && (next === undefined || at < next)) next = at;
			}
			if (next !== undefined) queue()?.addAfter(key, Math.max(1, next - now));
		}
	}

	/** `calculateStatus`, over the pods active once this sync's creations and deletions are done. */
	function calculateStatus(rs: ReplicaSet, active: Pod[], error: Error | undefined): ReplicaSet['status'] {
		const template = templateSelector(rs);
		const now = clock.now();
		const minReady = rs.spec!.minReadySeconds ?? 0;
		let fullyLabeled = 0;
		let ready = 0;
		let available = 0;
		for (const pod of active) {
			if (matchesLabels(template, pod.metadata.labels)) fullyLabeled++;
			if (isPodReady(pod)) {
				ready++;
				if (isPodAvailable(pod, minReady, now)) available++;
			}
		}
		const status: NonNullable<ReplicaSet['status']> = {
			...rs.status,
			replicas: active.length,
			fullyLabeledReplicas: fullyLabeled,
			readyReplicas: ready,
			availableReplicas: available,
			observedGeneration: rs.metadata.generation,
		};
		const failure = status.conditions?.find(c => c.type === 'ReplicaFailure');
		if (error && !failure) {
			const reason = active.length < rs.spec!.replicas ? 'FailedCreate' : 'FailedDelete';
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
