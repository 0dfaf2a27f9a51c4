import type {Controller, ControllerContext} from '../controller.js';
import type {Pod} from '../api/types.js';
import type {PersistentVolume, PersistentVolumeClaim} from '../api/storage-objects.js';
import {pvcProtectionFinalizer, pvProtectionFinalizer} from '../api/storage-objects.js';
import {keyOf, objectKey} from '../store.js';
import {claimNamesOf, claimUsers, getClaim, getVolume, isTerminal} from './claims.js';

/**
 * The pvc-protection and pv-protection controllers
 * (`pkg/controller/volume/pvcprotection`, `pvprotection`): a claim being
 * deleted keeps `kubernetes.io/pvc-protection` while a scheduled pod that has
 * not finished still uses it; a volume keeps `kubernetes.io/pv-protection`
 * while it is Bound.
 */
export function createPvcProtectionController(context: ControllerContext): Controller {
	const {store} = context;
	const users = claimUsers(context);
	return {
		name: 'pvc-protection-controller',
		watches: {
			PersistentVolumeClaim: ({type, object}) => type !== 'DELETED' && object.metadata.deletionTimestamp ? keyOf(object) : undefined,
			Pod: ({type, object}) => {
				const pod = object as Pod;
				if (type !== 'DELETED' && !isTerminal(pod)) return undefined;
				return claimNamesOf(pod).map(name => objectKey(pod.metadata.namespace, name));
			},
		},
		sync(key) {
			const slash = key.indexOf('/');
			const claim = getClaim(context, key.slice(0, slash), key.slice(slash + 1));
			if (!claim?.metadata.deletionTimestamp || !claim.metadata.finalizers?.includes(pvcProtectionFinalizer)) return;
			const inUse = users.podsUsing(claim.metadata.namespace!, claim.metadata.name)
				.some(pod => Boolean(pod.spec?.nodeName) && !isTerminal(pod));
			if (inUse) return;
			store.patch<PersistentVolumeClaim>(claim, draft => {
				draft.metadata.finalizers = draft.metadata.finalizers!.filter(f => f !== pvcProtectionFinalizer);
			});
		},
	};
}

export function createPvProtectionController(context: ControllerContext): Controller {
	const {store} = context;
	return {
		name: 'pv-protection-controller',
		watches: {
			PersistentVolume: ({type, object}) => type !== 'DELETED' && object.metadata.deletionTimestamp ? object.metadata.name : undefined,
		},
		sync(name) {
			const volume = getVolume(context, name);
			if (!volume?.metadata.deletionTimestamp || !volume.metadata.finalizers?.includes(pvProtectionFinalizer)) return;
			if (volume.status?.phase === 'Bound') return;
			store.patch<PersistentVolume>(volume, draft => {
				draft.metadata.finalizers = draft.metadata.finalizers!.filter(f => f !== pvProtectionFinalizer);
			});
		},
	};
}
