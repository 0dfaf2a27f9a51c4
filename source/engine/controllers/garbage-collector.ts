/**
 * The garbage collector (`pkg/controller/garbagecollector/`): deletes
 * dependents whose owners are all gone, runs Foreground deletion (dependents
 * first, then the owner's `foregroundDeletion` finalizer comes off) and Orphan
 * deletion (owner references removed, then the `orphan` finalizer), and drops
 * references to owners that no longer exist when other owners remain.
 * The owner index is the store's (`dependentsOf`).
 *
 * Its API calls go through kube-controller-manager's rate-limited client,
 * which for this controller allows twice the usual queries a second (each
 * deletion is two calls: a GET of the item, then its DELETE), and its work
 * is done by `--concurrent-gc-syncs` workers: deleting an owner of 5,000
 * pods sets them Terminating at about 20 a second, as on kind.
 */
import type {Controller, ControllerContext, KeyMapper} from '../controller.js';
import {customResourceWatch} from '../controller.js';
import type {KubeObject, OwnerReference} from '../api/types.js';
import {resourceTypes} from '../api/registry.js';
import {deleteObject} from '../deletion.js';
import {ClientRateLimiter, kubeApiBurst, kubeApiQps, type SavedClientRateLimiter} from './client-rate-limiter.js';
import {WorkerPool, type SavedWorkerPool} from './worker-pool.js';

export const garbageCollectorComponent = 'garbage-collector';
export const foregroundFinalizer = 'foregroundDeletion';
export const orphanFinalizer = 'orphan';
/** `--concurrent-gc-syncs`: the collector's workers. */
export const concurrentGCSyncs = 20;
/** The collector's client: kube-controller-manager doubles `--kube-api-qps` for it, as each deletion takes two calls. */
export const garbageCollectorQps = 2 * kubeApiQps;

/** Whether two lists of owner references name the same owners, in order. */
function sameReferences(a: readonly OwnerReference[], b: readonly OwnerReference[] | undefined): boolean {
	if (a === b) return true;
	if (!b || a.length !== b.length) return false;
	return a.every((ref, i) => ref.uid === b[i]!.uid);
}

const hasFinalizer = (object: KubeObject, name: string) => object.metadata.finalizers?.includes(name) ?? false;

/**
 * One API call of the collector, as data, so that a call waiting for its
 * client's token is a timer a snapshot records: the object's uid, what the
 * call does, and the key whose worker it releases once made, if any (a GET
 * releases its key only when the reading leaves nothing to do).
 */
type GcCall =
	| {call: 'get'; uid: string; key: string}
	| {call: 'delete'; uid: string; policy: 'Foreground' | 'Background' | 'Orphan'; key?: string}
	| {call: 'removeReferences'; uid: string; owners: string[]; key?: string}
	| {call: 'removeFinalizer'; uid: string; finalizer: string; key?: string};

export function createGarbageCollector(context: ControllerContext): Controller {
	const {store, clock} = context;
	const queue = () => context.queue(garbageCollectorComponent);
	const client = new ClientRateLimiter(clock, garbageCollectorQps, kubeApiBurst);
	/** Items and owners whose calls are on their way each hold a worker. */
	const workers = new WorkerPool(concurrentGCSyncs, key => queue().add(key));
	/** Saved: the client's bucket and the workers; the calls waiting for their tokens are the clock's timers. */
	context.state.register<{client: SavedClientRateLimiter; workers: SavedWorkerPool}>('garbageCollector', {
		save: () => ({client: client.save(), workers: workers.save()}),
		load(saved) {
			client.load(saved.client);
			workers.load(saved.workers);
		},
	});

	/** Make one API call through the client: now if a token is there, else when its token comes. */
	function call(request: GcCall): void {
		const at = client.reserve();
		if (at <= clock.now()) make(request);
		else clock.at(at, callKind, request);
	}

	/** A call whose token has come. */
	const callKind = clock.kind<GcCall>('garbageCollector.call', make);

	/** What a call does, then the worker it held comes free. */
	function make(request: GcCall): void {
		switch (request.call) {
			case 'get': {
				// `attemptToDeleteItem`'s GET: the reading decides the next call, made while the worker is held.
				const item = store.getByUid(request.uid);
				const next = item && attemptToDelete(item);
				if (next) call({...next, key: request.key});
				else workers.release(request.key);
				return;
			}
			case 'delete': {
				// The DELETE carries the uid the GET read as its precondition.
				const current = store.getByUid(request.uid);
				if (current) deleteObject(context, current, request.policy);
				break;
			}
			case 'removeReferences':
				removeReferences(request.uid, request.owners);
				break;
			case 'removeFinalizer':
				removeFinalizer(request.uid, request.finalizer);
				break;
		}
		if (request.key !== undefined) workers.release(request.key);
	}

	/** The owner an ownerReference resolves to, if it still exists with that uid. */
	function ownerOf(dependent: KubeObject, ref: OwnerReference): KubeObject | undefined {
		const owner = store.getByUid(ref.uid);
		if (!owner || owner.kind !== ref.kind) return undefined;
		// A namespaced owner must live in the dependent's namespace.
		if (owner.metadata.namespace && owner.metadata.namespace !== dependent.metadata.namespace) return undefined;
		return owner;
	}

	const mapper: KeyMapper = ({type, object, old}) => {
		const uid = object.metadata.uid;
		if (type === 'DELETED') {
			// Its dependents may now be ownerless; owners waiting on it may be free to go.
			const keys = [`owner-gone:${uid}`];
			for (const ref of object.metadata.ownerReferences ?? []) keys.push(`owner:${ref.uid}`);
			return keys;
		}
		// Most writes queue nothing here: the list is made for the first key.
		let keys: string[] | undefined;
		if (object.metadata.deletionTimestamp && (hasFinalizer(object, foregroundFinalizer) || hasFinalizer(object, orphanFinalizer))) (keys ??= []).push(`owner:${uid}`);
		const refs = object.metadata.ownerReferences;
		// As the graph builder, an update queues the item only when its owner references changed.
		if (refs && (type === 'ADDED' || !sameReferences(refs, old?.metadata.ownerReferences))) {
			for (const ref of refs) {
				const owner = ownerOf(object, ref);
				if (!owner || (owner.metadata.deletionTimestamp && hasFinalizer(owner, foregroundFinalizer))) {
					(keys ??= []).push(`item:${uid}`);
					break;
				}
			}
		}
		// A dependent starting to terminate may unblock an owner in foreground deletion.
		if (refs && object.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) {
			for (const ref of refs) (keys ??= []).push(`owner:${ref.uid}`);
		}
		return keys;
	};

	/**
	 * `attemptToDeleteItem`, once its GET has read `item`: the one call to
	 * make, if any. A dependent with no solid owner left is deleted; with some
	 * solid owners, only the references to the missing ones are dropped. An
	 * owner being deleted in the foreground has its dependents queued.
	 */
	function attemptToDelete(item: KubeObject): GcCall | undefined {
		if (item.metadata.deletionTimestamp && !hasFinalizer(item, foregroundFinalizer)) return undefined;
		if (item.metadata.deletionTimestamp) return processDeletingDependents(item);
		const solid: OwnerReference[] = [];
		const dangling: OwnerReference[] = [];
		const waiting: OwnerReference[] = [];
		for (const ref of item.metadata.ownerReferences ?? []) {
			const owner = ownerOf(item, ref);
			if (!owner) {
				dangling.push(ref);
				reportInvalidNamespace(item, ref);
			}
			else if (owner.metadata.deletionTimestamp && hasFinalizer(owner, foregroundFinalizer)) waiting.push(ref);
			else solid.push(ref);
		}
		if (solid.length + dangling.length + waiting.length === 0) return undefined;
		if (solid.length > 0) {
			if (dangling.length === 0 && waiting.length === 0) return undefined;
			return {call: 'removeReferences', uid: item.metadata.uid, owners: [...dangling, ...waiting].map(ref => ref.uid)};
		}
		// Its owner waits for it, and it has dependents of its own: cascade in the foreground.
		const policy = waiting.length > 0 && store.dependentsOf(item.metadata.uid).length > 0 ? 'Foreground'
			: hasFinalizer(item, orphanFinalizer) ? 'Orphan' : hasFinalizer(item, foregroundFinalizer) ? 'Foreground' : 'Background';
		return {call: 'delete', uid: item.metadata.uid, policy};
	}

	/** A namespaced owner in another namespace counts as absent, with a Warning on the dependent. */
	function reportInvalidNamespace(item: KubeObject, ref: OwnerReference): void {
		const owner = store.getByUid(ref.uid);
		if (!owner?.metadata.namespace || owner.metadata.namespace === item.metadata.namespace) return;
		const namespace = item.metadata.namespace ?? '';
		context.events.warning(item, 'OwnerRefInvalidNamespace',
			`ownerRef [${ref.apiVersion}/${ref.kind}, namespace: ${namespace}, name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace "${namespace}"`,
			{component: garbageCollectorComponent});
	}

	/** Drop the references to these owners from an item. */
	function removeReferences(uid: string, owners: readonly string[]): void {
		const current = store.getByUid(uid);
		if (!current) return;
		store.patch(current, draft => {
			const kept = (draft.metadata.ownerReferences ?? []).filter(ref => !owners.includes(ref.uid));
			if (kept.length > 0) draft.metadata.ownerReferences = kept;
			else delete draft.metadata.ownerReferences;
		});
	}

	function removeFinalizer(uid: string, name: string): void {
		const current = store.getByUid(uid);
		if (!current || !hasFinalizer(current, name)) return;
		store.patch(current, draft => {
			draft.metadata.finalizers = (draft.metadata.finalizers ?? []).filter(f => f !== name);
		});
	}

	/** Dependents that still reference this owner. */
	function dependentsReferencing(owner: KubeObject): KubeObject[] {
		return store.dependentsOf(owner.metadata.uid).filter(d => d.metadata.ownerReferences?.some(ref => ref.uid === owner.metadata.uid));
	}

	/** `processDeletingDependentsItem`: queue every dependent for deletion; the finalizer comes off (the call returned) once no blocking one is left. */
	function processDeletingDependents(owner: KubeObject): GcCall | undefined {
		const dependents = dependentsReferencing(owner);
		const blocking = dependents.filter(d => d.metadata.ownerReferences?.some(ref => ref.uid === owner.metadata.uid && ref.blockOwnerDeletion));
		if (blocking.length === 0) return {call: 'removeFinalizer', uid: owner.metadata.uid, finalizer: foregroundFinalizer};
		for (const dependent of dependents) {
			if (!dependent.metadata.deletionTimestamp) queue().add(`item:${dependent.metadata.uid}`);
		}
		return undefined;
	}

	/** `orphanDependents`: drop this owner from every dependent (the calls in parallel), then the `orphan` finalizer. */
	function orphanDependents(key: string, owner: KubeObject): void {
		const owners = [owner.metadata.uid];
		for (const dependent of dependentsReferencing(owner)) call({call: 'removeReferences', uid: dependent.metadata.uid, owners});
		call({call: 'removeFinalizer', uid: owner.metadata.uid, finalizer: orphanFinalizer, key});
	}

	/** An item's work: its GET, then the call that reading decides, holding a worker until both are made. */
	function attemptItem(key: string, uid: string): void {
		call({call: 'get', uid, key});
	}

	function sync(key: string): void {
		workers.sync(key, () => syncKey(key));
	}

	function syncKey(key: string): void {
		const colon = key.indexOf(':');
		const kind = key.slice(0, colon);
		const uid = key.slice(colon + 1);
		if (kind === 'owner-gone') {
			// The graph builder queues each dependent of an owner that is gone.
			for (const dependent of store.dependentsOf(uid)) queue().add(`item:${dependent.metadata.uid}`);
			return;
		}
		// Work already on its way reads the object again when its calls go.
		if (workers.holds(key)) return;
		const object = store.getByUid(uid);
		if (!object) {
			workers.forget(key);
			return;
		}
		if (kind === 'owner') {
			if (!object.metadata.deletionTimestamp) return;
			if (hasFinalizer(object, orphanFinalizer)) {
				if (workers.take(key)) orphanDependents(key, object);
				return;
			}
			if (!hasFinalizer(object, foregroundFinalizer)) return;
		}
		if (workers.take(key)) attemptItem(key, uid);
	}

	const watches: Record<string, KeyMapper> = {};
	// Every kind but Events, which own nothing and are owned by nothing.
	for (const type of resourceTypes) if (type.kind !== 'Event') watches[type.kind] = mapper;
	watches[customResourceWatch] = mapper;

	return {name: garbageCollectorComponent, watches, sync};
}
