import type {Controller, ControllerContext} from '../controller.js';
import type {Pod} from '../api/types.js';
import type {PersistentVolume, PersistentVolumeClaim, StorageClass} from '../api/storage-objects.js';
import {claimRequest, defaultClassAnnotation, pvProtectionFinalizer, volumeCapacity} from '../api/storage-objects.js';
import {labelSelectorFromObject, matchesLabels} from '../api/selectors.js';
import {rfc3339} from '../clock.js';
import {keyOf, objectKey} from '../store.js';
import {WriteOrder, claimNamesOf, claimUsers, defaultStorageClass, getClaim, getVolume, isTerminal, nodeAffinityAllows} from './claims.js';
import {volumeData} from './volume-data.js';
import type {Node} from '../api/types.js';

/**
 * The persistentvolume-controller (`pkg/controller/volume/persistentvolume`)
 * together with the local-path external provisioner kind runs: assigns the
 * default StorageClass to claims without one, binds claims to the smallest
 * fitting volume, provisions `pvc-<uid>` volumes (at once, or on the node the
 * scheduler picked for WaitForFirstConsumer), marks claims Lost and volumes
 * Released, and reclaims released volumes (Retain, Delete, Recycle).
 */

export const component = 'persistentvolume-controller';
export const localPathProvisioner = 'rancher.io/local-path';
/** Provisioner name of classes for statically created volumes only. */
export const noProvisioner = 'kubernetes.io/no-provisioner';
/** The PV controller's resync period (`PVClaimBinderSyncPeriod`). */
export const resyncMs = 15_000;

export const annSelectedNode = 'volume.kubernetes.io/selected-node';
export const annStorageProvisioner = 'volume.kubernetes.io/storage-provisioner';
export const annBetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner';
export const annBoundByController = 'pv.kubernetes.io/bound-by-controller';
export const annBindCompleted = 'pv.kubernetes.io/bind-completed';
export const annProvisionedBy = 'pv.kubernetes.io/provisioned-by';

/** The class kind creates: the default, local-path, WaitForFirstConsumer. */
export function standardStorageClass(): StorageClass {
	return {
		apiVersion: 'storage.k8s.io/v1',
		kind: 'StorageClass',
		metadata: {
			name: 'standard',
			annotations: {[defaultClassAnnotation]: 'true'},
			uid: '', resourceVersion: '', creationTimestamp: '',
		},
		provisioner: localPathProvisioner,
		reclaimPolicy: 'Delete',
		volumeBindingMode: 'WaitForFirstConsumer',
	};
}

/**
 * Can `volume` satisfy `claim` (`FindMatchingVolume`)? `node`, when given,
 * must pass the volume's node affinity.
 */
export function volumeMatches(volume: PersistentVolume, claim: PersistentVolumeClaim, node?: Node): boolean {
	const spec = volume.spec ?? {};
	const ref = spec.claimRef;
	if (ref && !(ref.namespace === claim.metadata.namespace && ref.name === claim.metadata.name && (!ref.uid || ref.uid === claim.metadata.uid))) return false;
	if (!ref && volume.status?.phase !== 'Available') return false;
	if (volume.metadata.deletionTimestamp) return false;
	if (volumeCapacity(volume) < claimRequest(claim)) return false;
	if ((spec.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) return false;
	if ((spec.storageClassName ?? '') !== (claim.spec?.storageClassName ?? '')) return false;
	const modes = spec.accessModes ?? [];
	if (!(claim.spec?.accessModes ?? []).every(mode => modes.includes(mode))) return false;
	if (claim.spec?.selector && !matchesLabels(labelSelectorFromObject(claim.spec.selector), volume.metadata.labels)) return false;
	if (node && !nodeAffinityAllows(volume, node)) return false;
	return true;
}

/** The pre-bound volume if any, else the smallest matching one. */
export function findBestMatch(volumes: readonly PersistentVolume[], claim: PersistentVolumeClaim, node?: Node): PersistentVolume | undefined {
	let best: PersistentVolume | undefined;
	for (const volume of volumes) {
		if (!volumeMatches(volume, claim, node)) continue;
		if (volume.spec?.claimRef) return volume;
		if (!best || volumeCapacity(volume) < volumeCapacity(best)) best = volume;
	}
	return best;
}

/**
 * PersistentVolumes indexed for matching: the open ones (no claimRef, or
 * pre-bound by name only) and the ones whose claimRef names a claim uid.
 */
export type VolumeIndex = {
	/** Volumes a claim could be matched with: its pre-bound volume first, then every open one. */
	candidatesFor(claim: PersistentVolumeClaim): PersistentVolume[];
	/** The volume whose claimRef carries this claim uid. */
	byClaimUid(uid: string): PersistentVolume | undefined;
};

export function volumeIndex(context: ControllerContext): VolumeIndex {
	const existing = context.services.volumeIndex;
	if (existing) return existing;
	const open = new Map<string, PersistentVolume>();
	const byUid = new Map<string, PersistentVolume>();
	const uidOf = new Map<string, string>();
	function indexVolume(volume: PersistentVolume, deleted: boolean): void {
		const name = volume.metadata.name;
		open.delete(name);
		const previousUid = uidOf.get(name);
		if (previousUid) {
			if (byUid.get(previousUid)?.metadata.name === name) byUid.delete(previousUid);
			uidOf.delete(name);
		}
		if (deleted) return;
		const uid = volume.spec?.claimRef?.uid;
		if (uid) {
			byUid.set(uid, volume);
			uidOf.set(name, uid);
		} else if (!volume.metadata.deletionTimestamp) {
			open.set(name, volume);
		}
	}
	const order = new WriteOrder(context.store);
	context.store.subscribe(({type, object}) => {
		if (object.kind !== 'PersistentVolume') return;
		order.heard(type, object);
		indexVolume(object as PersistentVolume, type === 'DELETED');
	}, ['PersistentVolume']);
	/**
	 * Derived from the volumes, indexed again in the order the watch gave
	 * them (each write moves a volume last among the open ones; see
	 * `WriteOrder`). Saved is only when a restore told loaded volumes, and where a claim uid's volume is not the last one written that names
	 * it: two volumes named one claim and the later was deleted or let go.
	 */
	context.state.register<{announced: number | null; byUid: Array<[uid: string, volume: string | null]>}>('volume-index', {
		save() {
			// What a load derives: for each claim uid, the last volume in the index's order that names it.
			const derived = new Map<string, PersistentVolume>();
			for (const volume of order.order(context.store.list('PersistentVolume') as PersistentVolume[])) {
				const uid = volume.spec?.claimRef?.uid;
				if (uid) derived.set(uid, volume);
			}
			const differ: Array<[string, string | null]> = [];
			for (const [uid, volume] of derived) {
				const name = byUid.get(uid)?.metadata.name;
				if (name !== volume.metadata.name) differ.push([uid, name ?? null]);
			}
			return {announced: order.save(), byUid: differ};
		},
		load(saved) {
			open.clear();
			byUid.clear();
			uidOf.clear();
			order.load(saved.announced);
			for (const volume of order.order(context.store.list('PersistentVolume') as PersistentVolume[])) indexVolume(volume, false);
			for (const [uid, name] of saved.byUid) {
				if (name === null) byUid.delete(uid);
				else byUid.set(uid, getVolume(context, name)!);
			}
		},
	});
	const index: VolumeIndex = {
		candidatesFor(claim) {
			const prebound = byUid.get(claim.metadata.uid);
			return prebound ? [prebound, ...open.values()] : [...open.values()];
		},
		byClaimUid: uid => byUid.get(uid),
	};
	context.services.volumeIndex = index;
	return index;
}

/** A volume the local-path provisioner is making: its claim, its class's name and reclaim policy, and the node it is for, if any. */
type Provisioning = {namespace: string; name: string; uid: string; storageClass: string; reclaimPolicy: 'Retain' | 'Delete'; node?: string};

export function createPersistentVolumeController(context: ControllerContext): Controller {
	const {store, events, clock, random} = context;
	const users = claimUsers(context);
	const data = volumeData(context);
	const index = volumeIndex(context);
	/** Claims waiting for a volume, retried on resync and when volumes or classes appear. */
	const pending = new Set<string>();
	/** Claim uids whose volume the provisioner is making. */
	const provisioning = new Set<string>();
	/** The provisioner's name in its events, drawn when the controller is made (a restore takes the saved one). */
	let provisionerInstance = `${localPathProvisioner}_local-path-provisioner-${random.nameSuffix(10)}-${random.nameSuffix(5)}_${random.uuid()}`;
	context.state.register<{pending: string[]; provisioning: string[]; provisioner: string}>(component, {
		save: () => ({pending: [...pending], provisioning: [...provisioning], provisioner: provisionerInstance}),
		load(saved) {
			pending.clear();
			provisioning.clear();
			for (const key of saved.pending) pending.add(key);
			for (const uid of saved.provisioning) provisioning.add(uid);
			provisionerInstance = saved.provisioner;
		},
	});

	const queue = () => context.queue(component);

	// DefaultStorageClass admission: a new claim that names no class gets the default one.
	context.services.admission.set('PersistentVolumeClaim', (object: PersistentVolumeClaim, existing: PersistentVolumeClaim | undefined) => {
		if (existing || object.spec?.storageClassName !== undefined) return object;
		const fallback = defaultStorageClass(context);
		return fallback ? {...object, spec: {...object.spec, storageClassName: fallback.metadata.name}} : object;
	});

	function bind(volume: PersistentVolume, claim: PersistentVolumeClaim): void {
		let pv = volume;
		if (!pv.spec?.claimRef?.uid) {
			pv = store.patch(pv, draft => {
				draft.spec = {
					...draft.spec,
					claimRef: {
						kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace!, name: claim.metadata.name,
						uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
					},
				};
				if (!volume.spec?.claimRef) draft.metadata.annotations = {...draft.metadata.annotations, [annBoundByController]: 'yes'};
			});
		}
		if (pv.status?.phase !== 'Bound') setVolumePhase(pv, 'Bound');
		let pvc = claim;
		if (pvc.spec?.volumeName !== pv.metadata.name || pvc.metadata.annotations?.[annBindCompleted] !== 'yes') {
			pvc = store.patch(pvc, draft => {
				draft.spec = {...draft.spec, volumeName: pv.metadata.name};
				const annotations: Record<string, string> = {...draft.metadata.annotations, [annBindCompleted]: 'yes'};
				if (!claim.spec?.volumeName) annotations[annBoundByController] = 'yes';
				draft.metadata.annotations = annotations;
			});
		}
		if (pvc.status?.phase !== 'Bound') {
			store.patch(pvc, draft => {
				draft.status = {phase: 'Bound', accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity};
			}, {status: true});
		}
		pending.delete(keyOf(claim));
	}

	/**
	 * Why the in-tree deleter cannot delete a released volume it did not
	 * provision (`findDeletablePlugin`): the host_path deleter only removes
	 * directories under /tmp, and local, NFS and most other sources have no
	 * deleter at all. Provisioned and CSI volumes are deleted.
	 */
	function deleteFailure(volume: PersistentVolume): string | undefined {
		if (volume.metadata.annotations?.[annProvisionedBy] || volume.spec?.csi) return undefined;
		const hostPath = volume.spec?.hostPath?.path;
		if (hostPath !== undefined) return /\/tmp\/.+/.test(hostPath) ? undefined : `host_path deleter only supports /tmp/.+ but received provided ${hostPath}`;
		return `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched`;
	}

	function setVolumePhase(volume: PersistentVolume, phase: NonNullable<PersistentVolume['status']>['phase'], message?: string): PersistentVolume {
		return store.patch(volume, draft => {
			draft.status = {phase, lastPhaseTransitionTime: rfc3339(clock.now()), ...(message ? {message} : {})};
		}, {status: true});
	}

	function waitAgain(claim: PersistentVolumeClaim): void {
		pending.add(keyOf(claim));
		queue()?.addAfter(`claim:${keyOf(claim)}`, resyncMs);
	}

	function syncClaim(namespace: string, name: string): void {
		const claim = getClaim(context, namespace, name);
		if (!claim) {
			pending.delete(objectKey(namespace, name));
			return;
		}
		if (claim.spec?.storageClassName === undefined) {
			// Retroactive default class assignment (GA in 1.28), also what the DefaultStorageClass admission did.
			const fallback = defaultStorageClass(context);
			if (fallback && !claim.spec?.volumeName) {
				store.patch(claim, draft => {
					draft.spec = {...draft.spec, storageClassName: fallback.metadata.name};
				});
				return;
			}
		}
		if (claim.spec?.volumeName) {
			syncBoundClaim(claim);
			return;
		}
		const volumes = index.candidatesFor(claim);
		const className = claim.spec?.storageClassName ?? '';
		const storageClass = className ? store.get('StorageClass', undefined, className) as StorageClass | undefined : undefined;
		if (storageClass?.volumeBindingMode === 'WaitForFirstConsumer') {
			const nodeName = claim.metadata.annotations?.[annSelectedNode];
			const placed = users.podsUsing(namespace, name).find(pod => pod.spec?.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod));
			if (!nodeName && placed) {
				// A consumer already runs on a node (it was scheduled before the claim existed, or named its node).
				store.patch(claim, draft => {
					draft.metadata.annotations = {...draft.metadata.annotations, [annSelectedNode]: placed.spec!.nodeName!};
				});
				return;
			}
			if (!nodeName) {
				const waiting = users.podsUsing(namespace, name).find(pod => !pod.metadata.deletionTimestamp && !isTerminal(pod));
				if (waiting) events.normal(claim, 'WaitForPodScheduled', `waiting for pod ${waiting.metadata.name} to be scheduled`, {component});
				else events.normal(claim, 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', {component});
				waitAgain(claim);
				return;
			}
			const node = store.get('Node', undefined, nodeName) as Node | undefined;
			const match = findBestMatch(volumes, claim, node);
			if (match) {
				bind(match, claim);
				return;
			}
			provision(claim, storageClass, nodeName);
			return;
		}
		const match = findBestMatch(volumes, claim);
		if (match) {
			bind(match, claim);
			return;
		}
		if (!className) {
			events.warning(claim, 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', {component});
			waitAgain(claim);
			return;
		}
		if (!storageClass) {
			events.warning(claim, 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`, {component});
			waitAgain(claim);
			return;
		}
		provision(claim, storageClass, undefined);
	}

	function syncBoundClaim(claim: PersistentVolumeClaim): void {
		const volume = getVolume(context, claim.spec!.volumeName);
		if (!volume) {
			if (claim.status?.phase === 'Bound') {
				store.patch(claim, draft => {
					draft.status = {...draft.status, phase: 'Lost'};
				}, {status: true});
				events.warning(claim, 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!', {component});
			} else if (claim.status?.phase !== 'Lost') {
				waitAgain(claim);
			}
			return;
		}
		const ref = volume.spec?.claimRef;
		if (!ref || (ref.namespace === claim.metadata.namespace && ref.name === claim.metadata.name && (!ref.uid || ref.uid === claim.metadata.uid))) {
			if (!ref && volume.status?.phase !== 'Available') {
				waitAgain(claim);
				return;
			}
			bind(volume, claim);
			return;
		}
		if (claim.status?.phase === 'Bound') {
			store.patch(claim, draft => {
				draft.status = {...draft.status, phase: 'Lost'};
			}, {status: true});
			events.warning(claim, 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly', {component});
			return;
		}
		events.warning(claim, 'FailedBinding', `volume "${volume.metadata.name}" already bound to a different claim.`, {component});
		waitAgain(claim);
	}

	function provision(claim: PersistentVolumeClaim, storageClass: StorageClass, nodeName: string | undefined): void {
		const provisioner = storageClass.provisioner;
		if (claim.metadata.annotations?.[annStorageProvisioner] !== provisioner) {
			claim = store.patch(claim, draft => {
				draft.metadata.annotations = {...draft.metadata.annotations, [annStorageProvisioner]: provisioner, [annBetaStorageProvisioner]: provisioner};
			});
		}
		events.normal(claim, 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`, {component});
		// The cluster runs one provisioner, kind's local-path; a class naming any other waits for one that never comes.
		if (provisioner !== localPathProvisioner) {
			waitAgain(claim);
			return;
		}
		if (provisioning.has(claim.metadata.uid)) return;
		provisioning.add(claim.metadata.uid);
		events.normal(claim, 'Provisioning', `External provisioner is provisioning volume for claim "${keyOf(claim)}"`, {component: provisionerInstance});
		clock.after(random.jitter(1200, 0.3), provisioned, {
			namespace: claim.metadata.namespace!, name: claim.metadata.name, uid: claim.metadata.uid,
			storageClass: storageClass.metadata.name, reclaimPolicy: storageClass.reclaimPolicy ?? 'Delete', ...(nodeName === undefined ? {} : {node: nodeName}),
		});
	}

	/** The provisioner has made a claim's volume (its class as read when it began), unless the claim went or was bound meanwhile. */
	const provisioned = clock.kind<Provisioning>('pv.provision', arg => {
		const {uid} = arg;
		provisioning.delete(uid);
		const current = getClaim(context, arg.namespace, arg.name);
		if (!current || current.metadata.uid !== uid || current.spec?.volumeName || current.metadata.deletionTimestamp) return;
		const name = `pvc-${uid}`;
		if (!getVolume(context, name)) {
			store.create<PersistentVolume>(provisionedVolume(current, arg));
		}
		events.normal(current, 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`, {component: provisionerInstance});
	});

	/** A volume of kind's local-path provisioner for a claim. */
	function provisionedVolume(claim: PersistentVolumeClaim, {storageClass, reclaimPolicy, node: nodeName}: Provisioning): PersistentVolume {
		const name = `pvc-${claim.metadata.uid}`;
		return {
			apiVersion: 'v1',
			kind: 'PersistentVolume',
			metadata: {
				name,
				annotations: {
					[annProvisionedBy]: localPathProvisioner,
					...(nodeName ? {'local.path.provisioner/selected-node': nodeName} : {}),
				},
				finalizers: [pvProtectionFinalizer],
				uid: '', resourceVersion: '', creationTimestamp: '',
			},
			spec: {
				accessModes: claim.spec?.accessModes,
				capacity: {storage: claim.spec?.resources?.requests?.['storage'] ?? '0'},
				claimRef: {
					apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace!, name: claim.metadata.name,
					uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion,
				},
				hostPath: {path: `/var/local-path-provisioner/${name}_${claim.metadata.namespace}_${claim.metadata.name}`, type: 'DirectoryOrCreate'},
				...(nodeName ? {nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName]}]}]}}} : {}),
				persistentVolumeReclaimPolicy: reclaimPolicy,
				storageClassName: storageClass,
				volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
			},
			status: {phase: 'Pending'},
		};
	}

	function syncVolume(name: string): void {
		const volume = getVolume(context, name);
		if (!volume) return;
		const ref = volume.spec?.claimRef;
		if (!ref) {
			if (volume.status?.phase !== 'Available' && volume.status?.phase !== 'Failed') {
				setVolumePhase(volume, 'Available');
				for (const key of pending) queue()?.add(`claim:${key}`);
			}
			return;
		}
		const claim = getClaim(context, ref.namespace, ref.name);
		if (claim && (!ref.uid || claim.metadata.uid === ref.uid)) {
			if (claim.spec?.volumeName === volume.metadata.name) {
				if (volume.status?.phase !== 'Bound') setVolumePhase(volume, 'Bound');
				return;
			}
			if (!ref.uid || !claim.spec?.volumeName) {
				// Pre-bound (or just provisioned) for this claim: the claim's sync binds it.
				if (volume.status?.phase === 'Pending') setVolumePhase(volume, 'Available');
				queue()?.add(`claim:${keyOf(claim)}`);
				return;
			}
			// The claim went to another volume: a volume bound by the controller is freed.
			if (volume.metadata.annotations?.[annBoundByController]) {
				const freed = store.patch(volume, draft => {
					draft.spec = {...draft.spec, claimRef: undefined};
				});
				setVolumePhase(freed, 'Available');
			}
			return;
		}
		if (!ref.uid) {
			if (volume.status?.phase !== 'Available') setVolumePhase(volume, 'Available');
			return;
		}
		// The claim is gone: release and reclaim.
		if (volume.status?.phase === 'Bound' || volume.status?.phase === 'Pending' || volume.status?.phase === 'Available') {
			setVolumePhase(volume, 'Released');
		}
		const current = getVolume(context, name)!;
		if (current.status?.phase !== 'Released') return;
		const policy = current.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
		if (policy === 'Delete') {
			if (current.metadata.deletionTimestamp) return;
			const failure = deleteFailure(current);
			if (failure) {
				// The plugin failed: the volume stays, Failed, with the error (deleteVolumeOperation).
				const failed = setVolumePhase(current, 'Failed', failure);
				events.warning(failed, 'VolumeFailedDelete', failure, {component});
				return;
			}
			data.drop(name);
			store.markDeleted(current);
		} else if (policy === 'Recycle') {
			data.drop(name);
			const scrubbed = store.patch(current, draft => {
				draft.spec = {...draft.spec, claimRef: undefined};
			});
			setVolumePhase(scrubbed, 'Available');
			events.normal(scrubbed, 'VolumeRecycled', 'Volume recycled', {component});
		}
	}

	return {
		name: component,
		watches: {
			PersistentVolumeClaim: ({type, object, old}) => {
				const claim = object as PersistentVolumeClaim;
				const keys: string[] = [];
				if (type === 'DELETED') {
					pending.delete(keyOf(claim));
					if (claim.spec?.volumeName) keys.push(`volume:${claim.spec.volumeName}`);
					const prebound = index.byClaimUid(claim.metadata.uid);
					if (prebound && prebound.metadata.name !== claim.spec?.volumeName) keys.push(`volume:${prebound.metadata.name}`);
					return keys;
				}
				if (type === 'MODIFIED' && old && old.spec === claim.spec && old.metadata.annotations === claim.metadata.annotations && claim.status?.phase === 'Bound') return undefined;
				return `claim:${keyOf(claim)}`;
			},
			PersistentVolume: ({type, object}) => {
				const volume = object as PersistentVolume;
				if (type === 'DELETED') {
					const ref = volume.spec?.claimRef;
					return ref ? `claim:${objectKey(ref.namespace, ref.name)}` : undefined;
				}
				return `volume:${volume.metadata.name}`;
			},
			StorageClass: () => [...pending].map(key => `claim:${key}`),
			Pod: ({type, object, old}) => {
				const pod = object as Pod;
				if (type === 'DELETED' || (type === 'MODIFIED' && old?.spec === pod.spec)) return undefined;
				const names = claimNamesOf(pod);
				return names.length === 0 ? undefined : names.map(name => `pod-claim:${pod.spec?.nodeName ?? ''}:${objectKey(pod.metadata.namespace, name)}`);
			},
		},
		start() {
			if (!store.get('StorageClass', undefined, 'standard')) store.create(standardStorageClass());
		},
		sync(key) {
			if (key.startsWith('volume:')) {
				syncVolume(key.slice('volume:'.length));
				return;
			}
			if (key.startsWith('pod-claim:')) {
				// A pod using the claim was created or scheduled: the scheduler's node choice lands on the claim.
				const rest = key.slice('pod-claim:'.length);
				const colon = rest.indexOf(':');
				const nodeName = rest.slice(0, colon);
				const claimKey = rest.slice(colon + 1);
				const slash = claimKey.indexOf('/');
				const claim = getClaim(context, claimKey.slice(0, slash), claimKey.slice(slash + 1));
				if (nodeName && claim && !claim.spec?.volumeName && !claim.metadata.annotations?.[annSelectedNode]) {
					const className = claim.spec?.storageClassName;
					const storageClass = className ? store.get('StorageClass', undefined, className) as StorageClass | undefined : undefined;
					if (storageClass?.volumeBindingMode === 'WaitForFirstConsumer') {
						store.patch(claim, draft => {
							draft.metadata.annotations = {...draft.metadata.annotations, [annSelectedNode]: nodeName};
						});
					}
				}
				if (claim) syncClaim(claim.metadata.namespace!, claim.metadata.name);
				return;
			}
			const claimKey = key.slice('claim:'.length);
			const slash = claimKey.indexOf('/');
			syncClaim(claimKey.slice(0, slash), claimKey.slice(slash + 1));
		},
	};
}
