import type {ControllerContext} from '../controller.js';
import type {KubeObject, Node, Pod} from '../api/types.js';
import type {AccessMode, PersistentVolume, PersistentVolumeClaim, StorageClass} from '../api/storage-objects.js';
import {defaultClassAnnotation} from '../api/storage-objects.js';
import {objectKey, type Store} from '../store.js';

/**
 * Who uses which claim: an index from `namespace/claim` to the pods whose
 * volumes name it, kept current from the store's watch. The scheduler's
 * volume filters, the protection controller and the binder read it.
 */
export type ClaimUsers = {
	/** Pods (live objects) that reference the claim, by pod key. */
	podsUsing(namespace: string, claimName: string): Pod[];
};

/** Claim names a pod's volumes reference, in volume order. */
export function claimNamesOf(pod: Pod): string[] {
	const out: string[] = [];
	for (const volume of pod.spec?.volumes ?? []) {
		const name = volume.persistentVolumeClaim?.claimName;
		if (name) out.push(name);
	}
	return out;
}

export function isTerminal(pod: Pod): boolean {
	return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Whether a pod names a PersistentVolumeClaim among its volumes. */
function usesClaims(pod: Pod): boolean {
	return pod.spec?.volumes?.some(volume => volume.persistentVolumeClaim?.claimName) ?? false;
}

export function claimUsers(context: ControllerContext): ClaimUsers {
	const existing = context.services.claimUsers;
	if (existing) return existing;
	/** Claim key → the pods using it, by pod uid. */
	const byClaim = new Map<string, Map<string, Pod>>();
	/** Pod uid → the claim keys it was last indexed under (only pods that use claims). */
	const claimsOfPod = new Map<string, string[]>();
	function index(pod: Pod, deleted: boolean): void {
		const uid = pod.metadata.uid;
		const previous = claimsOfPod.get(uid);
		if (previous) {
			for (const key of previous) byClaim.get(key)?.delete(uid);
			claimsOfPod.delete(uid);
		}
		if (deleted || !usesClaims(pod)) return;
		const keys = claimNamesOf(pod).map(name => objectKey(pod.metadata.namespace, name));
		claimsOfPod.set(uid, keys);
		for (const key of keys) {
			let users = byClaim.get(key);
			if (!users) byClaim.set(key, (users = new Map()));
			users.set(uid, pod);
		}
	}
	const order = new WriteOrder(context.store);
	context.store.subscribe(({type, object}) => {
		order.heard(type, object);
		index(object as Pod, type === 'DELETED');
	}, ['Pod']);
	// Derived from the pods: each write moves a pod last among its claim's users, so they are indexed again in the order of their writes (only pods that use claims are indexed, so only theirs is ordered).
	context.state.register<number | null>('claim-users', {
		save: () => order.save(),
		load(saved) {
			byClaim.clear();
			claimsOfPod.clear();
			order.load(saved);
			const users = (context.store.list('Pod') as Pod[]).filter(usesClaims);
			for (const pod of order.order(users)) index(pod, false);
		},
	});
	const service: ClaimUsers = {
		podsUsing(namespace, claimName) {
			const users = byClaim.get(objectKey(namespace, claimName));
			return users ? [...users.values()] : [];
		},
	};
	context.services.claimUsers = service;
	return service;
}

/**
 * The order an index kept from the watch holds its objects in: each write
 * moves an object last, so objects are in the order of their last writes
 * (ascending resourceVersion); but objects a restore loaded are told to the
 * listeners all at once (`store.announce`), in the store's list order, so
 * those not written since come first, in that order.
 */
export class WriteOrder {
	/** The store's resourceVersion when its loaded objects were told, if they were. */
	private announced: number | null = null;

	constructor(private readonly store: Store) {}

	/** An event the index heard: a loaded object told (ADDED, older than the store) marks the announce. */
	heard(type: string, object: KubeObject): void {
		if (this.announced !== null || type !== 'ADDED') return;
		const revision = Number(this.store.resourceVersion);
		if (Number(object.metadata.resourceVersion) < revision) this.announced = revision;
	}

	/** `objects` (in the store's list order) in the index's order. */
	order<T extends KubeObject>(objects: T[]): T[] {
		const announced = this.announced ?? 0;
		const told = objects.filter(object => Number(object.metadata.resourceVersion) <= announced);
		const written = objects.filter(object => Number(object.metadata.resourceVersion) > announced);
		written.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
		return [...told, ...written];
	}

	save(): number | null {
		return this.announced;
	}

	load(saved: number | null): void {
		this.announced = saved;
	}
}

/** The StorageClass annotated as the default; the newest wins when several are (as the admission plugin picks). */
export function defaultStorageClass(context: ControllerContext): StorageClass | undefined {
	let best: StorageClass | undefined;
	for (const sc of context.store.list('StorageClass') as StorageClass[]) {
		if (sc.metadata.annotations?.[defaultClassAnnotation] !== 'true' || sc.metadata.deletionTimestamp) continue;
		if (!best || sc.metadata.creationTimestamp > best.metadata.creationTimestamp) best = sc;
	}
	return best;
}

export function getClaim(context: ControllerContext, namespace: string | undefined, name: string): PersistentVolumeClaim | undefined {
	return context.store.get('PersistentVolumeClaim', namespace ?? 'default', name) as PersistentVolumeClaim | undefined;
}

export function getVolume(context: ControllerContext, name: string | undefined): PersistentVolume | undefined {
	return name ? context.store.get('PersistentVolume', undefined, name) as PersistentVolume | undefined : undefined;
}

/** Modes a volume grants (the PV's, else the claim's). */
export function modesOf(volume: PersistentVolume | undefined, claim: PersistentVolumeClaim | undefined): AccessMode[] {
	return volume?.spec?.accessModes ?? claim?.status?.accessModes ?? claim?.spec?.accessModes ?? [];
}

/** A volume whose only write mode binds it to one node (RWO without RWX or ROX). */
export function singleNodeOnly(modes: readonly AccessMode[]): boolean {
	return (modes.includes('ReadWriteOnce') || modes.includes('ReadWriteOncePod')) && !modes.includes('ReadWriteMany') && !modes.includes('ReadOnlyMany');
}

/** Does a PV's required node affinity admit this node? */
export function nodeAffinityAllows(volume: PersistentVolume, node: Node): boolean {
	const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms;
	if (!terms || terms.length === 0) return true;
	const labels = node.metadata.labels ?? {};
	return terms.some(term => (term.matchExpressions ?? []).every(expression => {
		const value = labels[expression.key];
		switch (expression.operator) {
			case 'In': return value !== undefined && (expression.values ?? []).includes(value);
			case 'NotIn': return value === undefined || !(expression.values ?? []).includes(value);
			case 'Exists': return value !== undefined;
			case 'DoesNotExist': return value === undefined;
			default: return false;
		}
	}));
}
