import type {FieldError} from '../errors.js';
import type {KubeObject, LabelSelector, ResourceList} from './types.js';
import {defaulters} from './defaults.js';
import {validators} from './validate-kinds.js';
import {bytes, isQuantity} from './quantity.js';
import {labelSelectorFromObject} from './selectors.js';
import {unsupported, validateDNS1123Subdomain} from './validate-metadata.js';

/**
 * PersistentVolume, PersistentVolumeClaim and StorageClass: types with
 * Kubernetes' field names, the API server's defaulting
 * (`pkg/apis/core/v1/defaults.go`, `pkg/apis/storage/v1/defaults.go`) and
 * validation, registered into the per-kind registries when this module is
 * imported. The StatefulSet, which claims volumes, is in statefulset-objects.ts.
 */

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';
export const accessModes: readonly AccessMode[] = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
/** kubectl's abbreviations, as the ACCESS MODES column prints them. */
export const accessModeShort: Record<AccessMode, string> = {
	ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP',
};

export type ReclaimPolicy = 'Retain' | 'Delete' | 'Recycle';
export type NodeSelectorTerm = {matchExpressions?: Array<{key: string; operator: string; values?: string[]}>};

export type PersistentVolumeSpec = {
	capacity?: ResourceList;
	accessModes?: AccessMode[];
	persistentVolumeReclaimPolicy?: ReclaimPolicy;
	storageClassName?: string;
	volumeMode?: 'Filesystem' | 'Block';
	claimRef?: {kind?: string; apiVersion?: string; namespace: string; name: string; uid?: string; resourceVersion?: string};
	nodeAffinity?: {required?: {nodeSelectorTerms: NodeSelectorTerm[]}};
	mountOptions?: string[];
	hostPath?: {path: string; type?: string};
	local?: {path: string};
	nfs?: {server: string; path: string; readOnly?: boolean};
	csi?: {driver: string; volumeHandle: string; [field: string]: unknown};
	[source: string]: unknown;
};
export type PersistentVolumeStatus = {phase?: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed'; message?: string; reason?: string; lastPhaseTransitionTime?: string};
export type PersistentVolume = KubeObject<PersistentVolumeSpec, PersistentVolumeStatus>;

export type PersistentVolumeClaimSpec = {
	accessModes?: AccessMode[];
	resources?: {requests?: ResourceList; limits?: ResourceList};
	storageClassName?: string;
	volumeName?: string;
	volumeMode?: 'Filesystem' | 'Block';
	selector?: LabelSelector;
	dataSource?: unknown;
};
export type PersistentVolumeClaimStatus = {
	phase?: 'Pending' | 'Bound' | 'Lost';
	accessModes?: AccessMode[];
	capacity?: ResourceList;
	conditions?: unknown[];
};
export type PersistentVolumeClaim = KubeObject<PersistentVolumeClaimSpec, PersistentVolumeClaimStatus>;

/** storage.k8s.io/v1 StorageClass: top-level fields, no spec. */
export type StorageClass = KubeObject & {
	provisioner: string;
	parameters?: Record<string, string>;
	reclaimPolicy?: 'Retain' | 'Delete';
	volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
	allowVolumeExpansion?: boolean;
	mountOptions?: string[];
};

export const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';

/** Requested storage of a claim in bytes. */
export function claimRequest(claim: PersistentVolumeClaim): number {
	return bytes(claim.spec?.resources?.requests?.['storage']);
}

/** Capacity of a volume in bytes. */
export function volumeCapacity(volume: PersistentVolume): number {
	return bytes(volume.spec?.capacity?.['storage']);
}

/** Adds a finalizer to a fresh object's metadata (admission); never to one being deleted. */
function withFinalizer(object: KubeObject, finalizer: string): KubeObject {
	const finalizers = object.metadata.finalizers ?? [];
	if (object.metadata.uid || object.metadata.deletionTimestamp || finalizers.includes(finalizer)) return object;
	return {...object, metadata: {...object.metadata, finalizers: [...finalizers, finalizer]}};
}

// ----- defaulting ------------------------------------------------------------------

export function defaultClaim(object: KubeObject): PersistentVolumeClaim {
	const withProtection = withFinalizer(object, pvcProtectionFinalizer);
	return {
		...withProtection,
		spec: {volumeMode: 'Filesystem', ...object.spec},
		status: object.status ?? {phase: 'Pending'},
	};
}

defaulters.set('PersistentVolumeClaim', defaultClaim);

defaulters.set('PersistentVolume', object => ({
	...withFinalizer(object, pvProtectionFinalizer),
	spec: {persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', ...object.spec},
	status: object.status ?? {phase: 'Pending'},
}));

defaulters.set('StorageClass', object => ({
	reclaimPolicy: 'Delete',
	volumeBindingMode: 'Immediate',
	...object,
}));

// ----- validation ------------------------------------------------------------------


/** Access modes of a claim or volume (`ValidatePersistentVolumeClaimSpec`, `ValidatePersistentVolumeSpec`). */
export function validateAccessModes(modes: unknown, field: string): FieldError[] {
	if (!Array.isArray(modes) || modes.length === 0) return [{field, type: 'Required value', detail: 'at least 1 access mode is required'}];
	const errors: FieldError[] = [];
	for (const mode of modes) {
		if (!accessModes.includes(mode)) errors.push(unsupported(field, mode, accessModes));
	}
	if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
		errors.push({field, type: 'Forbidden', detail: 'may not use ReadWriteOncePod with other access modes'});
	}
	return errors;
}

function validateStorageQuantity(value: unknown, field: string): FieldError[] {
	if (value === undefined) return [{field, type: 'Required value', detail: ''}];
	if (!isQuantity(value)) return [{field, type: 'Invalid value', value, detail: 'must be a valid quantity'}];
	if (bytes(value as string) <= 0) return [{field, type: 'Invalid value', value, detail: 'must be greater than zero'}];
	return [];
}

export function validateClaimSpec(spec: PersistentVolumeClaimSpec | undefined, field: string): FieldError[] {
	if (!spec || typeof spec !== 'object') return [{field, type: 'Required value', detail: ''}];
	const errors = validateAccessModes(spec.accessModes, `${field}.accessModes`);
	errors.push(...validateStorageQuantity(spec.resources?.requests?.['storage'], `${field}.resources[storage]`));
	if (spec.storageClassName) {
		for (const detail of validateDNS1123Subdomain(spec.storageClassName)) {
			errors.push({field: `${field}.storageClassName`, type: 'Invalid value', value: spec.storageClassName, detail});
		}
	}
	if (spec.volumeMode && !['Block', 'Filesystem'].includes(spec.volumeMode)) errors.push(unsupported(`${field}.volumeMode`, spec.volumeMode, ['Block', 'Filesystem']));
	if (spec.selector) {
		try {
			labelSelectorFromObject(spec.selector);
		} catch (error) {
			errors.push({field: `${field}.selector`, type: 'Invalid value', value: spec.selector, detail: (error as Error).message});
		}
	}
	return errors;
}

validators.set('PersistentVolumeClaim', (object, old) => {
	const errors = validateClaimSpec(object.spec, 'spec');
	if (old && errors.length === 0) {
		// What the binder wrote stays when a manifest without it is applied again.
		const before = {...old.spec, resources: undefined};
		const after = {...object.spec, resources: undefined, volumeName: object.spec.volumeName ?? old.spec?.volumeName, storageClassName: object.spec.storageClassName ?? old.spec?.storageClassName};
		if (JSON.stringify(sortKeys(before)) !== JSON.stringify(sortKeys(after))) {
			errors.push({field: 'spec', type: 'Forbidden', detail: 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'});
		} else if (bytes(object.spec.resources?.requests?.storage) < bytes(old.spec?.resources?.requests?.storage)) {
			errors.push({field: 'spec.resources.requests.storage', type: 'Forbidden', detail: 'field can not be less than status.capacity'});
		}
	}
	return errors;
});

const volumeSources = ['hostPath', 'local', 'nfs', 'csi', 'iscsi', 'fc', 'awsElasticBlockStore', 'gcePersistentDisk', 'azureDisk', 'azureFile', 'cephfs', 'rbd'];

validators.set('PersistentVolume', (object, old) => {
	const spec = object.spec as PersistentVolumeSpec | undefined;
	if (!spec) return [{field: 'spec', type: 'Required value', detail: ''}];
	const errors = validateAccessModes(spec.accessModes, 'spec.accessModes');
	errors.push(...validateStorageQuantity(spec.capacity?.['storage'], 'spec.capacity'));
	const sources = volumeSources.filter(source => spec[source] !== undefined);
	if (sources.length === 0) errors.push({field: 'spec', type: 'Required value', detail: 'must specify a volume type'});
	if (sources.length > 1) errors.push({field: `spec.${sources[1]}`, type: 'Forbidden', detail: 'may not specify more than 1 volume type'});
	const policy = spec.persistentVolumeReclaimPolicy;
	if (policy && !['Delete', 'Recycle', 'Retain'].includes(policy)) errors.push(unsupported('spec.persistentVolumeReclaimPolicy', policy, ['Delete', 'Recycle', 'Retain']));
	if (spec.hostPath && !spec.hostPath.path?.startsWith('/')) errors.push({field: 'spec.hostPath.path', type: 'Required value', detail: ''});
	if (old && JSON.stringify(old.spec?.[sources[0] ?? '']) !== JSON.stringify(spec[sources[0] ?? ''])) {
		errors.push({field: 'spec.persistentvolumesource', type: 'Forbidden', detail: 'spec.persistentvolumesource is immutable after creation'});
	}
	return errors;
});

validators.set('StorageClass', (object, old) => {
	const sc = object as StorageClass;
	const errors: FieldError[] = [];
	if (!sc.provisioner) errors.push({field: 'provisioner', type: 'Required value', detail: ''});
	else for (const detail of validateDNS1123Subdomain(sc.provisioner.replaceAll('/', '-').toLowerCase())) errors.push({field: 'provisioner', type: 'Invalid value', value: sc.provisioner, detail});
	if (sc.reclaimPolicy && !['Delete', 'Retain'].includes(sc.reclaimPolicy)) errors.push(unsupported('reclaimPolicy', sc.reclaimPolicy, ['Delete', 'Retain']));
	if (sc.volumeBindingMode && !['Immediate', 'WaitForFirstConsumer'].includes(sc.volumeBindingMode)) {
		errors.push(unsupported('volumeBindingMode', sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
	}
	if (old) {
		const previous = old as StorageClass;
		if (previous.provisioner !== sc.provisioner) errors.push({field: 'provisioner', type: 'Forbidden', detail: 'updates to provisioner are forbidden.'});
		if (JSON.stringify(previous.parameters ?? {}) !== JSON.stringify(sc.parameters ?? {})) errors.push({field: 'parameters', type: 'Forbidden', detail: 'updates to parameters are forbidden.'});
		if (previous.reclaimPolicy !== sc.reclaimPolicy) errors.push({field: 'reclaimPolicy', type: 'Forbidden', detail: 'updates to reclaimPolicy are forbidden.'});
		if (previous.volumeBindingMode !== sc.volumeBindingMode) errors.push({field: 'volumeBindingMode', type: 'Forbidden', detail: 'field is immutable'});
	}
	return errors;
});

/** JSON data with object keys sorted, for order-insensitive comparison. */
export function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(value).sort()) {
			const item = (value as Record<string, unknown>)[key];
			if (item !== undefined) out[key] = sortKeys(item);
		}
		return out;
	}
	return value;
}
