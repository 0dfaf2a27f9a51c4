/**
 * What the workload controllers share, as Kubernetes keeps it in
 * `pkg/controller/controller_utils.go`, `controller_ref_manager.go` and
 * `pkg/api/v1/pod`: pod predicates, controller references, the claim
 * routine (adopt matching orphans, release what no longer matches), the
 * template hash, expectations, and writing status only when it changed.
 */
import type {Condition, KubeObject, OwnerReference, Pod} from '../api/types.js';
import {labelSelectorFromObject, matchesLabels, type Selector} from '../api/selectors.js';
import {parseTime, type VirtualClock} from '../clock.js';
import type {ControllerContext} from '../controller.js';
import {objectKey, sameJson, type Store} from '../store.js';

// ----- pod predicates (pkg/api/v1/pod, controller_utils.go) ---------------------------------

/** `IsPodActive`: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Pod): boolean {
	const phase = pod.status?.phase;
	return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Succeeded or Failed: the pod's containers will not run again. */
export function isPodTerminal(pod: Pod): boolean {
	const phase = pod.status?.phase;
	return phase === 'Succeeded' || phase === 'Failed';
}

export function readyCondition(pod: Pod): Condition | undefined {
	return pod.status?.conditions?.find(c => c.type === 'Ready');
}

/** `IsPodReady`: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
	return readyCondition(pod)?.status === 'True';
}

/**
 * `IsPodAvailable`: Ready, and for minReadySeconds > 0 Ready since strictly
 * more than that long ago.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
	const ready = readyCondition(pod);
	if (ready?.status !== 'True') return false;
	if (minReadySeconds <= 0) return true;
	const since = parseTime(ready.lastTransitionTime);
	return since !== undefined && since + minReadySeconds * 1000 < now;
}

/** When a ready pod that is not yet available becomes available (the first ms it counts), or undefined. */
export function availableAt(pod: Pod, minReadySeconds: number): number | undefined {
	const ready = readyCondition(pod);
	if (ready?.status !== 'True' || minReadySeconds <= 0) return undefined;
	const since = parseTime(ready.lastTransitionTime);
	return since === undefined ? undefined : since + minReadySeconds * 1000 + 1;
}

// ----- controller references --------------------------------------------------------------

/** `metav1.GetControllerOf`: the owner reference with controller true, if any. */
export function controllerRefOf(object: KubeObject): OwnerReference | undefined {
	const refs = object.metadata.ownerReferences;
	if (!refs) return undefined;
	for (const ref of refs) if (ref.controller) return ref;
	return undefined;
}

/** Whether `owner` (by uid) is the controller of `object`. */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
	return controllerRefOf(object)?.uid === owner.metadata.uid;
}

/** `metav1.NewControllerRef`: controller and blockOwnerDeletion both true. */
export function newControllerRef(owner: KubeObject): OwnerReference {
	return {apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true};
}

/** The objects of `kind` that `owner` controls (its dependents whose controller reference names it). */
export function controlledBy<T extends KubeObject>(store: Store, owner: KubeObject, kind: string): T[] {
	const uid = owner.metadata.uid;
	const out: T[] = [];
	for (const object of store.dependentsOf(uid, kind)) if (controllerRefOf(object)?.uid === uid) out.push(object as T);
	return out;
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

// ----- claiming (controller_ref_manager.go) ------------------------------------------------

/** Objects of one kind without a controller reference, by namespace: the candidates for adoption. */
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

	/** Whether some orphan in the namespace passes `match` (without building a list). */
	some(namespace: string | undefined, match: (object: T) => boolean): boolean {
		for (const object of this.in(namespace)) if (match(object)) return true;
		return false;
	}

	/**
	 * The orphans' uids by namespace, in the order they became orphans (a
	 * released object goes last; adoption follows this order), which the
	 * objects alone do not give.
	 */
	save(): SavedOrphans {
		return [...this.byNamespace].map(([namespace, bucket]) => [namespace, [...bucket.keys()]]);
	}

	/** Replace the index with a saved one; `byUid` gives the store's object of each uid. */
	load(saved: SavedOrphans, byUid: (uid: string) => KubeObject | undefined): void {
		this.byNamespace.clear();
		for (const [namespace, uids] of saved) {
			const bucket = new Map<string, T>();
			this.byNamespace.set(namespace, bucket);
			for (const uid of uids) bucket.set(uid, byUid(uid) as T);
		}
	}
}

/** An `OrphanIndex` as data: per namespace, the orphans' uids in the order they became orphans. */
export type SavedOrphans = Array<[namespace: string, uids: string[]]>;

/** The cluster's orphan pods, kept from the watch; shared by the controllers that adopt pods. */
export function orphanPods(context: Pick<ControllerContext, 'store' | 'services' | 'state'>): OrphanIndex<Pod> {
	const existing = context.services.orphanPods;
	if (existing) return existing;
	const index = new OrphanIndex<Pod>();
	for (const pod of context.store.list('Pod') as Pod[]) index.observe('ADDED', pod);
	context.store.subscribe(({type, object}) => index.observe(type, object as Pod), ['Pod']);
	context.services.orphanPods = index;
	context.state.register<SavedOrphans>('orphanPods', {
		save: () => index.save(),
		load: saved => index.load(saved, uid => context.store.getByUid(uid)),
	});
	return index;
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

/** What `claimObjects` looks at: what the owner controls now, and orphans it may adopt. */
export type ClaimCandidates<T extends KubeObject> = {
	/** Objects whose ownerReferences name the owner (`store.dependentsOf`); others are skipped. */
	owned: Iterable<T>;
	/** Objects that may be orphans (an OrphanIndex, a list); owned, terminating and foreign ones are skipped. */
	orphans: Iterable<T>;
};

/**
 * `ClaimObjects` (`BaseControllerRefManager`): the objects `owner` controls
 * once this is done.
 * - Owned and matching: kept.
 * - Owned and no longer matching: released (the owner reference removed),
 *   unless the owner is being deleted.
 * - Orphans that match: adopted with a controller reference that blocks the
 *   owner's deletion, after one fresh read of the owner shows it is not
 *   being deleted (`RecheckDeletionTimestamp`); never while the orphan itself
 *   is being deleted.
 * - Objects controlled by another owner: ignored.
 */
export function claimObjects<T extends KubeObject>(store: Store, owner: KubeObject, match: (object: T) => boolean, candidates: ClaimCandidates<T>): T[] {
	const uid = owner.metadata.uid;
	const deleting = Boolean(owner.metadata.deletionTimestamp);
	const claimed: T[] = [];
	const release: T[] = [];
	for (const object of candidates.owned) {
		if (controllerRefOf(object)?.uid !== uid) continue;
		if (match(object)) claimed.push(object);
		else if (!deleting) release.push(object);
	}
	for (const object of release) releaseObject(store, object, uid);
	if (deleting) return claimed;
	const adopt: T[] = [];
	for (const object of candidates.orphans) {
		if (object.metadata.deletionTimestamp || controllerRefOf(object)) continue;
		if (object.metadata.namespace !== owner.metadata.namespace || !match(object)) continue;
		adopt.push(object);
	}
	if (adopt.length === 0 || !canAdopt(store, owner)) return claimed;
	for (const object of adopt) {
		const adopted = adoptObject(store, object, owner);
		if (adopted) claimed.push(adopted as T);
	}
	return claimed;
}

/** `RecheckDeletionTimestamp`: the owner, read fresh, is still the same object and not being deleted. */
function canAdopt(store: Store, owner: KubeObject): boolean {
	const fresh = store.get(owner.kind, owner.metadata.namespace, owner.metadata.name);
	return fresh !== undefined && fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
}

/** Add the owner's controller reference, if the object is still a live orphan. */
function adoptObject(store: Store, object: KubeObject, owner: KubeObject): KubeObject | undefined {
	const current = store.getByUid(object.metadata.uid);
	if (!current || current.metadata.deletionTimestamp || controllerRefOf(current)) return undefined;
	return store.patch(current, draft => {
		draft.metadata.ownerReferences = [...(draft.metadata.ownerReferences ?? []), newControllerRef(owner)];
	});
}

/** Remove the owner's reference (`ReleasePod`); an object already gone needs nothing. */
function releaseObject(store: Store, object: KubeObject, ownerUid: string): void {
	const current = store.getByUid(object.metadata.uid);
	if (!current) return;
	store.patch(current, draft => {
		draft.metadata.ownerReferences = (draft.metadata.ownerReferences ?? []).filter(r => r.uid !== ownerUid);
		if (draft.metadata.ownerReferences.length === 0) delete draft.metadata.ownerReferences;
	});
}

// ----- status ------------------------------------------------------------------------------

/**
 * Write a status onto the newest copy of `object`, only when it differs from
 * the stored one. Nothing is written when the object is gone or was replaced
 * by a namesake (another uid). `status` may be computed from the newest copy.
 * Returns the stored object, or undefined when gone.
 */
export function writeStatusIfChanged<T extends KubeObject>(
	store: Store,
	object: T,
	status: T['status'] | ((current: T) => T['status']),
	same: (a: unknown, b: unknown) => boolean = sameJson,
): T | undefined {
	const current = store.get(object.kind, object.metadata.namespace, object.metadata.name) as T | undefined;
	if (!current || current.metadata.uid !== object.metadata.uid) return undefined;
	const next = typeof status === 'function' ? (status as (current: T) => T['status'])(current) : status;
	if (same(next, current.status)) return current;
	return store.update({...current, metadata: {...current.metadata, resourceVersion: ''}, status: next}, {status: true});
}

// ----- expectations (controller_utils.go) -----------------------------------------------------

/** `ExpectationsTimeout`: expectations older than this count as satisfied. */
export const expectationsTimeoutMs = 5 * 60_000;

type Expectation = {adds: number; deletes: Set<string>; at: number};

/**
 * `UIDTrackingControllerExpectations`: the creates and deletes a controller
 * made and has not yet seen in its watch. Until they are seen (or five
 * minutes pass), it does not create or delete again for that key, so it never
 * acts twice on one shortfall. Deletes are tracked by pod uid, so a pod seen
 * both terminating and gone counts once.
 */
export class ControllerExpectations {
	private readonly records = new Map<string, Expectation>();

	constructor(private readonly clock: VirtualClock) {}

	/** `SatisfiedExpectations`: nothing pending, or pending for longer than the timeout. */
	satisfied(key: string): boolean {
		const record = this.records.get(key);
		if (!record) return true;
		if (record.adds <= 0 && record.deletes.size === 0) return true;
		return this.clock.now() - record.at > expectationsTimeoutMs;
	}

	/** `ExpectCreations`. */
	expectCreations(key: string, count: number): void {
		this.records.set(key, {adds: count, deletes: new Set(), at: this.clock.now()});
	}

	/** `ExpectDeletions`, by the uids of the pods being deleted. */
	expectDeletions(key: string, uids: Iterable<string>): void {
		this.records.set(key, {adds: 0, deletes: new Set(uids), at: this.clock.now()});
	}

	/** `CreationObserved` (also called for a create that failed or was skipped). */
	creationObserved(key: string): void {
		const record = this.records.get(key);
		if (record) record.adds--;
	}

	/** `DeletionObserved` for one pod uid (also for a delete that failed). */
	deletionObserved(key: string, uid: string): void {
		this.records.get(key)?.deletes.delete(uid);
	}

	/** `DeleteExpectations`: the controller object is gone. */
	forget(key: string): void {
		this.records.delete(key);
	}

	/** The expectations as data, by controller key in the order they were first set. */
	save(): SavedExpectations {
		return [...this.records].map(([key, {adds, deletes, at}]) => ({key, adds, deletes: [...deletes], at}));
	}

	/** Replace the expectations with saved ones. */
	load(saved: SavedExpectations): void {
		this.records.clear();
		for (const {key, adds, deletes, at} of saved) this.records.set(key, {adds, deletes: new Set(deletes), at});
	}
}

/**
 * `ControllerExpectations` as data: per controller key, the creates not yet
 * seen (negative once more were seen than expected), the uids of the pods
 * whose deletion is not yet seen, and when they were set (ms of virtual time).
 */
export type SavedExpectations = Array<{key: string; adds: number; deletes: string[]; at: number}>;

/** `namespace/name` of an object's controller, when it is of `kind`. */
export function controllerKeyOf(object: KubeObject, kind: string): string | undefined {
	const ref = controllerRefOf(object);
	return ref?.kind === kind ? objectKey(object.metadata.namespace, ref.name) : undefined;
}

// ----- the template hash (controller_utils.go ComputeHash) ----------------------------------

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Array.isArray(value)) return `[${value.map(item => canonicalJson(item === undefined ? null : item)).join(',')}]`;
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record).filter(key => record[key] !== undefined).sort();
	return `{${keys.map(key => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

const encoder = new TextEncoder();

/**
 * A UUID-shaped id derived from a name, for objects the cluster makes at its
 * start (the default RBAC policy, the system PriorityClasses): they take
 * nothing from the seeded generator, so seeds replay as before they existed.
 */
export function fixedUid(name: string): string {
	let hex = '';
	for (let i = 0; hex.length < 32; i++) hex += fnv32a(`${name}#${i}`).toString(16).padStart(8, '0');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The create options of such an object: its fixed uid, unless an object of
 * the store already holds it (a restored file whose objects were edited),
 * when the object takes a new one rather than share it.
 */
export function fixedUidOptions(store: Pick<Store, 'getByUid'>, name: string): {uid?: string} {
	const uid = fixedUid(name);
	return store.getByUid(uid) ? {} : {uid};
}

/** FNV-1a, 32 bits, over bytes (a string counts as its UTF-8 bytes), continuing from `hash`. */
export function fnv32a(input: Uint8Array | string, hash = 0x811c9dc5): number {
	let h = hash;
	// ASCII text (names, uids) hashes its char codes, which are its UTF-8 bytes, without encoding it first.
	if (typeof input === 'string' && isAscii(input)) {
		for (let i = 0; i < input.length; i++) {
			h ^= input.charCodeAt(i);
			h = Math.imul(h, 0x01000193) >>> 0;
		}
		return h >>> 0;
	}
	const bytes = typeof input === 'string' ? encoder.encode(input) : input;
	for (const byte of bytes) {
		h ^= byte;
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h >>> 0;
}

function isAscii(text: string): boolean {
	for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
	return true;
}

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery `rand.SafeEncodeString`: each character mapped into an alphabet without vowels or look-alikes. */
export function safeEncodeString(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; i++) out += safeAlphabet[text.charCodeAt(i) % safeAlphabet.length];
	return out;
}

/**
 * `controller.ComputeHash`: FNV-32a of the template (canonical JSON here),
 * then, when given, the collision count as 4 little-endian bytes in an 8-byte
 * buffer, rendered as the decimal hash mapped through SafeEncodeString. The
 * Deployment's `pod-template-hash` and the DaemonSet's
 * `controller-revision-hash` both come from it.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
	let hash = fnv32a(canonicalJson(template));
	if (collisionCount !== undefined) {
		const extra = new Uint8Array(8);
		new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
		hash = fnv32a(extra, hash);
	}
	return safeEncodeString(String(hash));
}

/**
 * `history.HashControllerRevision`, which the StatefulSet names its
 * revisions by: the revision data, then the collision count ("probe") as
 * decimal text when there is one.
 */
export function hashControllerRevision(data: unknown, probe = 0): string {
	return safeEncodeString(String(fnv32a(canonicalJson(data) + (probe ? String(probe) : ''))));
}

/**
 * For a pod event: when the pod is an orphan that just appeared, or whose
 * labels or controller just changed, the keys of the `kind` objects in its
 * namespace whose selector matches it, so that they may adopt it (the
 * controllers' `addPod`/`updatePod` for orphans).
 */
export function adoptersOf(store: Store, selectors: SelectorCache, kind: string, object: KubeObject, old: KubeObject | undefined): string[] {
	if (controllerRefOf(object) || object.metadata.deletionTimestamp) return [];
	if (old && old.metadata.labels === object.metadata.labels && !controllerRefOf(old)) return [];
	const keys: string[] = [];
	for (const owner of store.list(kind, object.metadata.namespace)) {
		try {
			if (matchesLabels(selectors.for(owner), object.metadata.labels)) keys.push(objectKey(owner.metadata.namespace, owner.metadata.name));
		} catch {
			// An unparsable selector matches nothing.
		}
	}
	return keys;
}
