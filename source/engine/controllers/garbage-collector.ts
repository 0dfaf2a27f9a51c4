/**
 * The garbage collector (`pkg/controller/garbagecollector/`): deletes
 * dependents whose owners are all gone, runs Foreground deletion (dependents
 * first, then the owner's `foregroundDeletion` finalizer comes off) and Orphan
 * deletion (owner references removed, then the `orphan` finalizer), and drops
 * references to owners that no longer exist when other owners remain.
 * The owner index is the store's (`dependentsOf`).
 */
import type {Controller, ControllerContext, KeyMapper} from '../controller.js';
import {customResourceWatch} from '../controller.js';
import type {KubeObject, OwnerReference} from '../api/types.js';
import {resourceTypes} from '../api/registry.js';
import {deleteObject} from '../deletion.js';

export const garbageCollectorComponent = 'garbage-collector';
export const foregroundFinalizer = 'foregroundDeletion';
export const orphanFinalizer = 'orphan';

const hasFinalizer = (object: KubeObject, name: string) => object.metadata.finalizers?.includes(name) ?? false;

export function createGarbageCollector(context: ControllerContext): Controller {
	const {store} = context;

	/** The owner an ownerReference resolves to, if it still exists with that uid. */
	function ownerOf(dependent: KubeObject, ref: OwnerReference): KubeObject | undefined {
		const owner = store.getByUid(ref.uid);
		if (!owner || owner.kind !== ref.kind) return undefined;
		// A namespaced owner must live in the dependent's namespace.
		if (owner.metadata.namespace && owner.metadata.namespace !== dependent.metadata.namespace) return undefined;
		return owner;
	}

	const mapper: KeyMapper = ({type, object, old}) => {
		const keys: string[] = [];
		const uid = object.metadata.uid;
		if (type === 'DELETED') {
			// Its dependents may now be ownerless; owners waiting on it may be free to go.
			keys.push(`owner-gone:${uid}`);
			for (const ref of object.metadata.ownerReferences ?? []) keys.push(`owner:${ref.uid}`);
			return keys;
		}
		if (object.metadata.deletionTimestamp && (hasFinalizer(object, foregroundFinalizer) || hasFinalizer(object, orphanFinalizer))) keys.push(`owner:${uid}`);
		const refs = object.metadata.ownerReferences;
		if (refs) {
			for (const ref of refs) {
				const owner = ownerOf(object, ref);
				if (!owner || (owner.metadata.deletionTimestamp && hasFinalizer(owner, foregroundFinalizer))) {
					keys.push(`item:${uid}`);
					break;
				}
			}
			// A dependent starting to terminate may unblock an owner in foreground deletion.
			if (object.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) {
				for (const ref of refs) keys.push(`owner:${ref.uid}`);
			}
		}
		return keys;
	};

	/**
	 * `attemptToDeleteItem`: delete a dependent with no solid owner left; with
	 * some solid owners, only drop the references to the missing ones.
	 */
	function attemptToDelete(item: KubeObject): void {
		if (item.metadata.deletionTimestamp && !hasFinalizer(item, foregroundFinalizer)) return;
		if (item.metadata.deletionTimestamp) {
			processDeletingDependents(item);
			return;
		}
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
		if (solid.length + dangling.length + waiting.length === 0) return;
		if (solid.length > 0) {
			if (dangling.length === 0 && waiting.length === 0) return;
			const drop = new Set([...dangling, ...waiting].map(ref => ref.uid));
			removeReferences(item, drop);
			return;
		}
		if (waiting.length > 0 && store.dependentsOf(item.metadata.uid).length > 0) {
			// Its owner waits for it, and it has dependents of its own: cascade in the foreground.
			deleteObject(context, item, 'Foreground');
			return;
		}
		const policy = hasFinalizer(item, orphanFinalizer) ? 'Orphan' : hasFinalizer(item, foregroundFinalizer) ? 'Foreground' : 'Background';
		deleteObject(context, item, policy);
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

	function removeReferences(item: KubeObject, uids: Set<string>): void {
		const current = store.getByUid(item.metadata.uid);
		if (!current) return;
		store.patch(current, draft => {
			const kept = (draft.metadata.ownerReferences ?? []).filter(ref => !uids.has(ref.uid));
			if (kept.length > 0) draft.metadata.ownerReferences = kept;
			else delete draft.metadata.ownerReferences;
		});
	}

	function removeFinalizer(owner: KubeObject, name: string): void {
		const current = store.getByUid(owner.metadata.uid);
		if (!current || !hasFinalizer(current, name)) return;
		store.patch(current, draft => {
			draft.metadata.finalizers = (draft.metadata.finalizers ?? []).filter(f => f !== name);
		});
	}

	/** Dependents that still reference this owner. */
	function dependentsReferencing(owner: KubeObject): KubeObject[] {
		return store.dependentsOf(owner.metadata.uid).filter(d => d.metadata.ownerReferences?.some(ref => ref.uid === owner.metadata.uid));
	}

	/** `processDeletingDependentsItem`: delete every dependent; the finalizer goes once no blocking one is left. */
	function processDeletingDependents(owner: KubeObject): void {
		const dependents = dependentsReferencing(owner);
		const blocking = dependents.filter(d => d.metadata.ownerReferences?.some(ref => ref.uid === owner.metadata.uid && ref.blockOwnerDeletion));
		if (blocking.length === 0) {
			removeFinalizer(owner, foregroundFinalizer);
			return;
		}
		for (const dependent of dependents) {
			if (!dependent.metadata.deletionTimestamp) attemptToDelete(dependent);
		}
	}

	/** `orphanDependents`: drop this owner from every dependent, then the `orphan` finalizer. */
	function orphanDependents(owner: KubeObject): void {
		const uids = new Set([owner.metadata.uid]);
		for (const dependent of dependentsReferencing(owner)) removeReferences(dependent, uids);
		removeFinalizer(owner, orphanFinalizer);
	}

	function sync(key: string): void {
		const colon = key.indexOf(':');
		const kind = key.slice(0, colon);
		const uid = key.slice(colon + 1);
		if (kind === 'owner-gone') {
			for (const dependent of store.dependentsOf(uid)) attemptToDelete(dependent);
			return;
		}
		const object = store.getByUid(uid);
		if (!object) return;
		if (kind === 'item') {
			attemptToDelete(object);
			return;
		}
		if (!object.metadata.deletionTimestamp) return;
		if (hasFinalizer(object, orphanFinalizer)) orphanDependents(object);
		else if (hasFinalizer(object, foregroundFinalizer)) processDeletingDependents(object);
	}

	const watches: Record<string, KeyMapper> = {};
	// Every kind but Events, which own nothing and are owned by nothing.
	for (const type of resourceTypes) if (type.kind !== 'Event') watches[type.kind] = mapper;
	watches[customResourceWatch] = mapper;

	return {name: garbageCollectorComponent, watches, sync};
}
