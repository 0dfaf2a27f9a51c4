import {alreadyExists, conflict, notFound} from './errors.js';
import {qualifiedResource, ResourceTypes, type ResourceType} from './api/registry.js';
import type {KubeObject} from './api/types.js';
import {deletionTime, rfc3339, type SeededRandom, type VirtualClock} from './clock.js';
import {flat} from './memory.js';
import {isTextList} from './state.js';

/** Saved objects the store cannot take back (`Store.load`). */
/** What a load asks of each object of a known kind beyond its metadata: the reason it is refused, or undefined. */
export type ObjectCheck = (type: ResourceType, object: KubeObject) => string | undefined;

export class LoadError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'LoadError';
	}
}

/** What the store tells its listeners after every write. */
export type StoreEvent = {
	type: 'ADDED' | 'MODIFIED' | 'DELETED';
	object: KubeObject;
	/** The object as it was before this write (MODIFIED and DELETED). */
	old?: KubeObject;
};

export type StoreListener = (event: StoreEvent) => void;

/**
 * One stored object's place in the indexes (by kind, name and uid), which
 * all hold the same slot: an update only writes the slot's object instead
 * of setting three maps, two of them as large as the cluster.
 */
type Slot = {object: KubeObject};

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(namespace: string | undefined, name: string): string {
	return namespace ? `${namespace}/${name}` : name;
}

export function keyOf(object: KubeObject): string {
	return objectKey(object.metadata.namespace, object.metadata.name);
}

/**
 * Per-kind hooks run on create once the uid is assigned, as the API server's
 * strategy PrepareForCreate does (a Job's selector is generated from its uid).
 */
export const prepareForCreate = new Map<string, (object: KubeObject) => KubeObject>();

/**
 * Admission that every create passes once the object's name is known,
 * whoever writes it: the API server's admission chain runs for controllers'
 * requests as much as for users' (LimitRanger defaults, ResourceQuota). It
 * returns the object to store, or throws to refuse; with `dryRun` it only
 * checks and records nothing.
 */
export type CreateAdmission = (object: KubeObject, options: {dryRun: boolean; pending?: () => readonly KubeObject[]}) => KubeObject;

/** Admission of an update over `old`; throws to refuse, records nothing with `dryRun`. */
export type UpdateAdmission = (object: KubeObject, old: KubeObject, options: {dryRun: boolean}) => void;

/** Kinds whose metadata.generation tracks spec changes. */
const generationKinds = new Set([
	'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
	'Service', 'PersistentVolumeClaim', 'PersistentVolume', 'Node',
	'PodDisruptionBudget',
]);

/**
 * The versioned object store: the single source of truth. Every write stores
 * a new object with a new resourceVersion (stored objects are never mutated),
 * keeps the indexes current and tells the listeners synchronously.
 */
export class Store {
	private revision = 0;
	/**
	 * kind → uid → slot, in insertion order (list order). Keyed by uid, which
	 * never changes while an object lives, so writes build no key string.
	 */
	private readonly kinds = new Map<string, Map<string, Slot>>();
	private readonly byUid = new Map<string, Slot>();
	/** owner uid → dependents (any kind), by dependent uid. */
	private readonly dependents = new Map<string, Map<string, KubeObject>>();
	/**
	 * kind → namespace ('' when cluster-scoped) → name → object, beside
	 * `kinds` (which keeps list order): `get` runs hundreds of
	 * thousands of times in a busy cluster and this way builds no key string.
	 */
	private readonly byName = new Map<string, Map<string, Map<string, Slot>>>();
	/** How many writes (creates, updates, removals, as the listeners hear them) each kind has had: see `writes`. */
	private readonly writesByKind = new Map<string, number>();
	/** Listeners to every kind, in subscription order. */
	private readonly listeners: StoreListener[] = [];
	/**
	 * Per kind: the listeners that hear it (all-kinds ones and those naming
	 * it), in subscription order, so a write only calls the listeners that
	 * care and their relative order never changes.
	 */
	private readonly listenersByKind = new Map<string, StoreListener[]>();
	/** Admission run on every create, in order (see CreateAdmission). */
	readonly admission: CreateAdmission[] = [];
	/** Admission run on every update that is not a status write: throws to refuse (ResourceQuota on a Service or a claim). */
	readonly updateAdmission: UpdateAdmission[] = [];
	/** The kinds this cluster serves, custom ones included. */
	readonly types = new ResourceTypes();

	constructor(
		private readonly clock: VirtualClock,
		private readonly random: SeededRandom,
	) {}

	/**
	 * Listen to every write, in order, or only to writes of `kinds`.
	 * Returns an unsubscribe function.
	 */
	subscribe(listener: StoreListener, kinds?: readonly string[]): () => void {
		if (kinds) {
			for (const kind of new Set(kinds)) this.listenersOf(kind).push(listener);
		} else {
			this.listeners.push(listener);
			for (const list of this.listenersByKind.values()) list.push(listener);
		}
		return () => {
			for (const list of [this.listeners, ...this.listenersByKind.values()]) {
				const at = list.indexOf(listener);
				if (at >= 0) list.splice(at, 1);
			}
		};
	}

	private listenersOf(kind: string): StoreListener[] {
		let list = this.listenersByKind.get(kind);
		// A kind nobody named yet is heard by the all-kinds listeners so far.
		if (!list) this.listenersByKind.set(kind, (list = [...this.listeners]));
		return list;
	}

	/** The current resourceVersion of the whole store. */
	get resourceVersion(): string {
		return String(this.revision);
	}

	get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
		return this.byName.get(kind)?.get(namespace || '')?.get(name)?.object;
	}

	/** The object of `kind` at `key` (`namespace/name` as `objectKey` makes it and a controller's queue holds it; a cluster-scoped name has no slash). */
	getByKey(kind: string, key: string): KubeObject | undefined {
		const slash = key.indexOf('/');
		return slash < 0 ? this.get(kind, undefined, key) : this.get(kind, key.slice(0, slash), key.slice(slash + 1));
	}

	getByUid(uid: string): KubeObject | undefined {
		return this.byUid.get(uid)?.object;
	}

	/** Every object by uid, as the store holds them now (a copy: later writes do not change it). */
	objectsByUid(): Map<string, KubeObject> {
		const objects = new Map<string, KubeObject>();
		for (const [uid, slot] of this.byUid) objects.set(uid, slot.object);
		return objects;
	}

	/** All objects of a kind, optionally in one namespace, in key order of insertion. */
	list(kind: string, namespace?: string): KubeObject[] {
		const all = this.kinds.get(kind);
		if (!all) return [];
		const out: KubeObject[] = [];
		for (const {object} of all.values()) {
			if (namespace === undefined || object.metadata.namespace === namespace) out.push(object);
		}
		return out;
	}

	/** Every stored object: kinds in the order they were first written, each kind's objects in list order. */
	all(): KubeObject[] {
		const out: KubeObject[] = [];
		for (const slots of this.kinds.values()) for (const {object} of slots.values()) out.push(object);
		return out;
	}

	/**
	 * The kinds in list order, those whose objects are all gone included: a
	 * kind keeps its place once written, which the objects alone do not say.
	 */
	kindOrder(): string[] {
		return [...this.kinds.keys()];
	}

	/** Put the kinds in `order` (`kindOrder`), after a `load`: kinds not in it keep their order after those in it. */
	orderKinds(order: readonly string[]): void {
		const kinds = new Map(this.kinds);
		this.kinds.clear();
		for (const kind of order) this.kinds.set(kind, kinds.get(kind) ?? new Map());
		for (const [kind, slots] of kinds) if (!this.kinds.has(kind)) this.kinds.set(kind, slots);
	}

	/** How many objects of a kind are stored. */
	count(kind: string): number {
		return this.kinds.get(kind)?.size ?? 0;
	}

	/** Objects whose ownerReferences name `ownerUid`, optionally of one kind. */
	dependentsOf(ownerUid: string, kind?: string): KubeObject[] {
		const found = this.dependents.get(ownerUid);
		if (!found) return [];
		const out: KubeObject[] = [];
		for (const object of found.values()) if (!kind || object.kind === kind) out.push(object);
		return out;
	}

	/**
	 * Store a new object: fills uid, resourceVersion, creationTimestamp,
	 * generation, and a name from generateName. Throws AlreadyExists.
	 * `uid` is for objects every cluster starts with, so making them does not
	 * draw from the seeded generator (which would change every later name).
	 */
	create<T extends KubeObject>(object: T, options: {uid?: string} = {}): T {
		const type = this.types.resolve(object.kind);
		const meta = {...object.metadata};
		if (!type.namespaced) delete meta.namespace;
		else meta.namespace ||= 'default';
		if (!meta.name && meta.generateName) meta.name = this.generateName(type, meta.namespace, meta.generateName);
		if (this.get(type.kind, meta.namespace, meta.name)) throw alreadyExists(qualifiedResource(type), meta.name);
		// The object to store: the caller's is never kept, so it is copied once, here or for admission.
		let own: T | undefined;
		if (this.admission.length > 0) {
			let admitted: KubeObject = {...object, metadata: meta};
			for (const admit of this.admission) admitted = admit(admitted, {dryRun: false});
			if (admitted.metadata !== meta) Object.assign(meta, admitted.metadata);
			// What admission returns is this copy or a new object made from it: nobody else holds it.
			own = admitted as T;
			own.metadata = meta;
		}
		meta.uid = options.uid ?? this.random.uuid();
		meta.creationTimestamp = rfc3339(this.clock.now());
		if (generationKinds.has(type.kind) || type.definition) meta.generation = 1;
		meta.resourceVersion = String(++this.revision);
		own ??= {...object, metadata: meta};
		const prepare = prepareForCreate.get(type.kind);
		const stored = (prepare ? prepare(own) : own) as T;
		this.add(type.kind, stored);
		this.indexOwners(stored, undefined);
		this.emit({type: 'ADDED', object: stored});
		return stored;
	}

	/**
	 * Put saved objects back as they were (the API server starting on an
	 * etcd that holds them): uids, names, resourceVersions, timestamps,
	 * generations and statuses kept, no admission, no defaults, nothing
	 * drawn from the generator, and no listener told (`announce` does that,
	 * once the listeners are ready for it). The store's resourceVersion goes
	 * on from `resourceVersion`. Only for an empty store; throws at the first
	 * object that cannot be stored, naming its place in `objects` (`path`).
	 * Each object's metadata is judged with `check` (the fields the indexes
	 * read, then `check` itself); without one the objects are known to be as
	 * a store held them (a state file whose digest matched), and only what
	 * the store's own indexes could not survive is looked at.
	 */
	load(objects: readonly KubeObject[], resourceVersion: string, path = 'objects', check?: ObjectCheck): void {
		for (const _ of this.loadInSteps(objects, resourceVersion, path, check)) {
			// Every object, in one go.
		}
	}

	/** `load`, `objectsAStep` objects a step (a restore in slices stops between two steps). */
	*loadInSteps(objects: readonly KubeObject[], resourceVersion: string, path = 'objects', check?: ObjectCheck, objectsAStep = 2000): Generator<void, void> {
		if (this.byUid.size > 0) throw new Error('load: the store is not empty');
		const revision = Number(resourceVersion);
		const problem = (index: number, message: string) => new LoadError(`${path}[${index}]${message}`);
		// Saved objects come kind by kind: a kind's type is looked up once for each run of it, not once per object.
		let kind: string | undefined;
		let type: ResourceType | undefined;
		const owned: KubeObject[] = [];
		for (let index = 0; index < objects.length; index++) {
			if (index % objectsAStep === objectsAStep - 1) yield;
			const object = objects[index]!;
			const meta = object.metadata;
			if (typeof meta.uid !== 'string' || meta.uid === '') throw problem(index, '.metadata.uid: expected a non-empty string');
			if (this.byUid.has(meta.uid)) throw problem(index, `.metadata.uid: ${meta.uid} is used twice`);
			if (typeof meta.resourceVersion !== 'string' || !(Number(meta.resourceVersion) <= revision)) {
				throw problem(index, `.metadata.resourceVersion: expected a whole number as a string, at most the store's ${resourceVersion}`);
			}
			const wrong = check && metadataProblem(meta);
			if (wrong) throw problem(index, `.metadata.${wrong}`);
			if (object.kind !== kind) {
				kind = object.kind;
				const found = this.types.find(kind);
				type = found?.kind === kind ? found : undefined;
			}
			if (type && type.namespaced !== Boolean(meta.namespace)) {
				throw problem(index, type.namespaced ? `.metadata.namespace: expected a namespace (${kind} is namespaced)` : `.metadata.namespace: expected none (${kind} is cluster-scoped)`);
			}
			if (this.get(kind, meta.namespace, meta.name)) throw problem(index, `: ${kind} ${objectKey(meta.namespace, meta.name)} is there twice`);
			const refused = type && check?.(type, object);
			if (refused) throw problem(index, `: ${refused}`);
			this.add(kind, object);
			if (meta.ownerReferences !== undefined) owned.push(object);
		}
		// Every write of a dependent moves it last among its owner's dependents: indexed in the order
		// of their last writes, an owner lists its dependents as the store that wrote them did.
		owned.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
		for (const object of owned) this.indexOwners(object, undefined);
		this.revision = revision;
	}

	/**
	 * Tell the listeners of every stored object, as ADDED, in list order: what
	 * an informer's initial list gives its handlers (after `load`).
	 */
	announce(): void {
		for (const object of this.all()) {
			// A listener's write may remove an object not announced yet: it is not announced then.
			if (this.byUid.get(object.metadata.uid)?.object === object) this.emit({type: 'ADDED', object});
		}
	}

	/**
	 * Run create admission without writing anything: the object as it would
	 * be stored, or the refusal. `pending` are the creates the same call
	 * makes before this one, which a quota must also hold.
	 */
	admit(object: KubeObject, pending: () => readonly KubeObject[] = () => []): KubeObject {
		let admitted = object;
		for (const admit of this.admission) admitted = admit(admitted, {dryRun: true, pending});
		return admitted;
	}

	/** Run update admission over the stored object without writing anything; throws the refusal. */
	admitUpdate(object: KubeObject, old: KubeObject): void {
		for (const admit of this.updateAdmission) admit(object, old, {dryRun: true});
	}

	/**
	 * Replace a stored object. A `resourceVersion` on the new object must match
	 * the stored one (optimistic concurrency). Bumps generation when spec or
	 * (for Deployments) annotations change. An object being deleted whose
	 * finalizers become empty is removed.
	 */
	update<T extends KubeObject>(object: T, options: {status?: boolean} = {}): T {
		const type = this.types.resolve(object.kind);
		const slot = this.byName.get(type.kind)?.get(object.metadata.namespace || '')?.get(object.metadata.name);
		if (!slot) throw notFound(qualifiedResource(type), object.metadata.name);
		const current = slot.object;
		const claimed = object.metadata.resourceVersion;
		if (claimed && claimed !== current.metadata.resourceVersion) {
			throw conflict(qualifiedResource(type), object.metadata.name);
		}
		if (!options.status) for (const admit of this.updateAdmission) admit(object, current, {dryRun: false});
		const meta = {
			...object.metadata,
			uid: current.metadata.uid,
			creationTimestamp: current.metadata.creationTimestamp,
			resourceVersion: String(++this.revision),
		};
		if (current.metadata.deletionTimestamp) meta.deletionTimestamp = current.metadata.deletionTimestamp;
		if (current.metadata.generation !== undefined) {
			const changed = !options.status && (
				!sameJson(object.spec, current.spec)
				|| (type.kind === 'Deployment' && !sameJson(object.metadata.annotations, current.metadata.annotations))
			);
			meta.generation = current.metadata.generation + (changed ? 1 : 0);
		}
		const stored = {...object, metadata: meta} as T;
		if (options.status) stored.spec = current.spec;
		// Same kind, namespace, name and uid: every index holds this slot already.
		slot.object = stored;
		this.indexOwners(stored, current);
		this.emit({type: 'MODIFIED', object: stored, old: current});
		if (meta.deletionTimestamp && !(meta.finalizers?.length) && this.removable(stored)) this.remove(stored);
		return stored;
	}

	/** Convenience: read the newest copy, apply `change` to a shallow copy, store it. */
	patch<T extends KubeObject>(object: T, change: (draft: T) => void, options: {status?: boolean} = {}): T {
		const current = (this.get(object.kind, object.metadata.namespace, object.metadata.name) ?? object) as T;
		const draft = {...current, metadata: {...current.metadata}} as T;
		if (current.spec !== undefined) draft.spec = {...current.spec};
		if (current.status !== undefined) draft.status = {...current.status};
		change(draft);
		draft.metadata.resourceVersion = '';
		return this.update(draft, options);
	}

	/**
	 * Mark an object for deletion (deletionTimestamp), or remove it at once
	 * when nothing holds it: no finalizers and not a pod that a kubelet must stop.
	 */
	markDeleted(object: KubeObject, gracePeriodSeconds?: number): KubeObject | undefined {
		if (object.metadata.deletionTimestamp) {
			// Already terminating: a shorter grace period may still shorten it.
			if (gracePeriodSeconds !== undefined && gracePeriodSeconds < (object.metadata.deletionGracePeriodSeconds ?? Infinity)) {
				return this.update({...object, metadata: {...object.metadata, deletionGracePeriodSeconds: gracePeriodSeconds, resourceVersion: ''}});
			}
			return object;
		}
		const meta = {...object.metadata, resourceVersion: ''};
		meta.deletionTimestamp = deletionTime(this.clock.now(), gracePeriodSeconds ?? 0);
		if (gracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = gracePeriodSeconds;
		const marked = {...object, metadata: meta};
		if (!(meta.finalizers?.length) && this.removable(marked)) {
			this.remove(object);
			return undefined;
		}
		return this.update(marked);
	}

	/** Remove an object now, whatever holds it. */
	remove(object: KubeObject): void {
		const namespaces = this.byName.get(object.kind);
		const namespace = object.metadata.namespace || '';
		const names = namespaces?.get(namespace);
		const current = names?.get(object.metadata.name)?.object;
		if (!current) return;
		this.kinds.get(object.kind)!.delete(current.metadata.uid);
		names!.delete(current.metadata.name);
		if (names!.size === 0) namespaces!.delete(namespace);
		this.byUid.delete(current.metadata.uid);
		this.indexOwners(undefined, current);
		this.revision++;
		const last = {...current, metadata: {...current.metadata, resourceVersion: String(this.revision)}};
		this.emit({type: 'DELETED', object: last, old: current});
	}

	/** Whether a marked object without finalizers goes at once (for a dry run's answer). */
	removableNow(object: KubeObject): boolean {
		return this.removable(object);
	}

	/**
	 * A terminating pod that was bound to a node stays until its kubelet has
	 * stopped the containers and deletes it with grace 0.
	 */
	private removable(object: KubeObject): boolean {
		// A namespace waits for its content: the namespace controller clears spec.finalizers.
		if (object.kind === 'Namespace') return !(object.spec?.finalizers?.length);
		if (object.kind !== 'Pod') return true;
		const pod = object as KubeObject<{nodeName?: string}, {phase?: string}>;
		if (!pod.spec?.nodeName) return true;
		if (object.metadata.deletionGracePeriodSeconds === 0) return true;
		return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
	}

	private generateName(type: ResourceType, namespace: string | undefined, prefix: string): string {
		const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
		for (let attempt = 0; attempt < 8; attempt++) {
			const name = flat(base + this.random.nameSuffix());
			if (!this.get(type.kind, namespace, name)) return name;
		}
		throw alreadyExists(qualifiedResource(type), base);
	}

	/** Put a new object in every index, in one slot that its updates write. */
	private add(kind: string, object: KubeObject): void {
		const slot: Slot = {object};
		let bucket = this.kinds.get(kind);
		if (!bucket) this.kinds.set(kind, (bucket = new Map()));
		bucket.set(object.metadata.uid, slot);
		let namespaces = this.byName.get(kind);
		if (!namespaces) this.byName.set(kind, (namespaces = new Map()));
		const namespace = object.metadata.namespace || '';
		let names = namespaces.get(namespace);
		if (!names) namespaces.set(namespace, (names = new Map()));
		names.set(object.metadata.name, slot);
		this.byUid.set(object.metadata.uid, slot);
	}

	private indexOwners(next: KubeObject | undefined, previous: KubeObject | undefined): void {
		const uid = (next ?? previous)!.metadata.uid;
		const refs = next?.metadata.ownerReferences;
		if (refs !== undefined && refs.length === 1 && refs === previous?.metadata.ownerReferences) {
			// The same single owner (a Lease's Node, a Pod's ReplicaSet): the write moves the dependent last among the owner's.
			const set = this.dependents.get(refs[0]!.uid);
			if (set) {
				if (set.size !== 1) set.delete(uid);
				set.set(uid, next!);
				return;
			}
		}
		for (const ref of previous?.metadata.ownerReferences ?? []) this.dependents.get(ref.uid)?.delete(uid);
		for (const ref of next?.metadata.ownerReferences ?? []) {
			let set = this.dependents.get(ref.uid);
			if (!set) this.dependents.set(ref.uid, (set = new Map()));
			set.set(uid, next!);
		}
	}

	/**
	 * How many writes of `kind` the listeners were told of so far: unchanged,
	 * no object of the kind was created, updated or removed since (a part
	 * whose saved state is made from a kind's objects keeps it while so).
	 */
	writes(kind: string): number {
		return this.writesByKind.get(kind) ?? 0;
	}

	private emit(event: StoreEvent): void {
		const {kind} = event.object;
		this.writesByKind.set(kind, (this.writesByKind.get(kind) ?? 0) + 1);
		for (const listener of this.listenersByKind.get(event.object.kind) ?? this.listeners) listener(event);
	}
}

/** Structural equality for JSON data. */
export function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a)) {
		const bb = b as unknown[];
		if (a.length !== bb.length) return false;
		for (let i = 0; i < a.length; i++) if (!sameJson(a[i], bb[i])) return false;
		return true;
	}
	// Counted in place rather than with Object.keys: this runs on every status write.
	const ra = a as Record<string, unknown>;
	const rb = b as Record<string, unknown>;
	let defined = 0;
	for (const k in ra) {
		const value = ra[k];
		if (value === undefined) continue;
		defined++;
		if (!sameJson(value, rb[k])) return false;
	}
	for (const k in rb) if (rb[k] !== undefined) defined--;
	return defined === 0;
}

/** Whether `value` is an object of texts (labels, annotations). */
function isTextMap(value: unknown): boolean {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	for (const item of Object.values(value)) if (typeof item !== 'string') return false;
	return true;
}

/**
 * What is wrong with a saved object's metadata in the fields the store and
 * its indexes read (the uid and resourceVersion are checked apart), as
 * `field: expected …`; undefined when nothing is. An object the API took
 * always passes: this is for a state file changed by hand.
 */
function metadataProblem(meta: KubeObject['metadata']): string | undefined {
	const m = meta as Record<string, unknown>;
	if (m['namespace'] !== undefined && typeof m['namespace'] !== 'string') return 'namespace: expected a string';
	if (m['labels'] !== undefined && !isTextMap(m['labels'])) return 'labels: expected texts by key';
	if (m['annotations'] !== undefined && !isTextMap(m['annotations'])) return 'annotations: expected texts by key';
	if (m['finalizers'] !== undefined && !isTextList(m['finalizers'])) return 'finalizers: expected a list of texts';
	const owners = m['ownerReferences'];
	if (owners !== undefined && !(Array.isArray(owners) && owners.every(ref => typeof ref === 'object' && ref !== null && typeof (ref as {uid?: unknown}).uid === 'string' && typeof (ref as {kind?: unknown}).kind === 'string' && typeof (ref as {name?: unknown}).name === 'string'))) {
		return 'ownerReferences: expected a list of references, each with a kind, a name and a uid';
	}
	for (const field of ['deletionTimestamp', 'creationTimestamp', 'generateName']) {
		if (m[field] !== undefined && typeof m[field] !== 'string') return `${field}: expected a string`;
	}
	for (const field of ['generation', 'deletionGracePeriodSeconds']) {
		if (m[field] !== undefined && !Number.isInteger(m[field])) return `${field}: expected a whole number`;
	}
	return undefined;
}
