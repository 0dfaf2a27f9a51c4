import type {FieldError} from '../errors.js';
import type {KubeObject, LabelSelector, ObjectMeta, PodTemplateSpec, ResourceList} from './types.js';
import {defaulters, defaultPodSpec} from './defaults.js';
import {validators, validatePodSpec, validateReplicas, validateWorkloadSelector} from './validate-kinds.js';
import {bytes, isQuantity} from './quantity.js';
import {labelSelectorFromObject} from './selectors.js';
import {validateDNS1123Label, validateDNS1123Subdomain} from './validate-metadata.js';

/**
 * PersistentVolume, PersistentVolumeClaim, StorageClass and StatefulSet:
 * types with Kubernetes' field names, the API server's defaulting
 * (`pkg/apis/core/v1/defaults.go`, `pkg/apis/apps/v1/defaults.go`,
 * `pkg/apis/storage/v1/defaults.go`) and validation, registered into the
 * per-kind registries when this module is imported.
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

export type StatefulSetSpec = {
	replicas: number;
	selector: LabelSelector;
	template: PodTemplateSpec;
	serviceName?: string;
	volumeClaimTemplates?: Array<{apiVersion?: string; kind?: string; metadata: Partial<ObjectMeta>; spec: PersistentVolumeClaimSpec}>;
	podManagementPolicy: 'OrderedReady' | 'Parallel';
	updateStrategy: {type: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: {partition?: number; maxUnavailable?: number | string}};
	revisionHistoryLimit: number;
	minReadySeconds: number;
	persistentVolumeClaimRetentionPolicy: {whenDeleted: 'Retain' | 'Delete'; whenScaled: 'Retain' | 'Delete'};
	ordinals?: {start?: number};
};
export type StatefulSetStatus = {
	observedGeneration?: number;
	replicas: number;
	readyReplicas?: number;
	currentReplicas?: number;
	updatedReplicas?: number;
	availableReplicas?: number;
	currentRevision?: string;
	updateRevision?: string;
	collisionCount?: number;
	conditions?: unknown[];
};
export type StatefulSet = KubeObject<StatefulSetSpec, StatefulSetStatus>;

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

defaulters.set('StatefulSet', object => {
	const spec = object.spec ?? {};
	const strategy = spec.updateStrategy?.type === 'OnDelete'
		? {type: 'OnDelete'}
		: {...spec.updateStrategy, type: spec.updateStrategy?.type ?? 'RollingUpdate', rollingUpdate: {partition: 0, ...spec.updateStrategy?.rollingUpdate}};
	return {
		...object,
		spec: {
			replicas: 1,
			podManagementPolicy: 'OrderedReady',
			revisionHistoryLimit: 10,
			minReadySeconds: 0,
			...spec,
			updateStrategy: strategy,
			persistentVolumeClaimRetentionPolicy: {whenDeleted: 'Retain', whenScaled: 'Retain', ...spec.persistentVolumeClaimRetentionPolicy},
			template: {...spec.template, metadata: spec.template?.metadata ?? {}, spec: defaultPodSpec(spec.template?.spec ?? {containers: []})},
			volumeClaimTemplates: spec.volumeClaimTemplates?.map((template: any) => ({
				apiVersion: 'v1',
				kind: 'PersistentVolumeClaim',
				...template,
				metadata: template?.metadata ?? {},
				spec: {volumeMode: 'Filesystem', ...template?.spec},
			})),
		},
		status: object.status ?? {replicas: 0, availableReplicas: 0},
	};
});

// ----- validation ------------------------------------------------------------------

const unsupported = (field: string, value: unknown, allowed: readonly string[]): FieldError => ({
	field, type: 'Unsupported value', value, detail: `supported values: ${allowed.map(v => `"${v}"`).join(', ')}`,
});

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

/** Fields of a StatefulSet spec that may change after creation (`ValidateStatefulSetUpdate`). */
const mutableStatefulSetFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

validators.set('StatefulSet', (object, old) => {
	const spec = object.spec as StatefulSetSpec;
	const errors: FieldError[] = [
		...validateReplicas(spec.replicas, 'spec.replicas'),
		...validateWorkloadSelector(object, old),
		// Claim templates count as volumes of the pods (the union of both must cover the mounts).
		...validatePodSpec(spec.template?.spec && {
			...spec.template.spec,
			volumes: [
				...(spec.template.spec.volumes ?? []),
				...(spec.volumeClaimTemplates ?? []).filter(t => t?.metadata?.name && !(spec.template.spec.volumes ?? []).some(v => v.name === t.metadata.name))
					.map(t => ({name: t.metadata.name!, persistentVolumeClaim: {claimName: t.metadata.name!}})),
			],
		}, 'spec.template.spec'),
	];
	if (spec.template?.spec?.restartPolicy && spec.template.spec.restartPolicy !== 'Always') {
		errors.push(unsupported('spec.template.spec.restartPolicy', spec.template.spec.restartPolicy, ['Always']));
	}
	if (spec.serviceName) {
		for (const detail of validateDNS1123Label(spec.serviceName)) errors.push({field: 'spec.serviceName', type: 'Invalid value', value: spec.serviceName, detail});
	}
	if (!['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy)) {
		errors.push(unsupported('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']));
	}
	const strategy = spec.updateStrategy;
	if (!['RollingUpdate', 'OnDelete'].includes(strategy?.type)) errors.push(unsupported('spec.updateStrategy.type', strategy?.type, ['OnDelete', 'RollingUpdate']));
	else if (strategy.type === 'OnDelete' && strategy.rollingUpdate) {
		errors.push({field: 'spec.updateStrategy.rollingUpdate', type: 'Invalid value', value: strategy.rollingUpdate, detail: 'only allowed for updateStrategy \'RollingUpdate\''});
	}
	const partition = strategy?.rollingUpdate?.partition;
	if (partition !== undefined && (!Number.isInteger(partition) || partition < 0)) {
		errors.push({field: 'spec.updateStrategy.rollingUpdate.partition', type: 'Invalid value', value: partition, detail: 'must be greater than or equal to 0'});
	}
	const maxUnavailable = strategy?.rollingUpdate?.maxUnavailable;
	if (maxUnavailable !== undefined) {
		const ok = (typeof maxUnavailable === 'number' && Number.isInteger(maxUnavailable) && maxUnavailable >= 1)
			|| (typeof maxUnavailable === 'string' && /^\d+%$/.test(maxUnavailable) && Number.parseInt(maxUnavailable, 10) > 0 && Number.parseInt(maxUnavailable, 10) <= 100);
		if (!ok) errors.push({field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', type: 'Invalid value', value: maxUnavailable, detail: 'must be greater than 0'});
	}
	for (const name of ['revisionHistoryLimit', 'minReadySeconds'] as const) {
		const value = spec[name];
		if (!Number.isInteger(value) || value < 0) errors.push({field: `spec.${name}`, type: 'Invalid value', value, detail: 'must be greater than or equal to 0'});
	}
	const start = spec.ordinals?.start;
	if (start !== undefined && (!Number.isInteger(start) || start < 0)) errors.push({field: 'spec.ordinals.start', type: 'Invalid value', value: start, detail: 'must be greater than or equal to 0'});
	const policy = spec.persistentVolumeClaimRetentionPolicy;
	for (const when of ['whenDeleted', 'whenScaled'] as const) {
		if (!['Retain', 'Delete'].includes(policy?.[when])) errors.push(unsupported(`spec.persistentVolumeClaimRetentionPolicy.${when}`, policy?.[when], ['Retain', 'Delete']));
	}
	const templateNames = new Set<string>();
	for (const [i, template] of (spec.volumeClaimTemplates ?? []).entries()) {
		const field = `spec.volumeClaimTemplates[${i}]`;
		const name = template?.metadata?.name;
		if (!name) errors.push({field: `${field}.metadata.name`, type: 'Required value', detail: 'name or generateName is required'});
		else {
			for (const detail of validateDNS1123Subdomain(name)) errors.push({field: `${field}.metadata.name`, type: 'Invalid value', value: name, detail});
			if (templateNames.has(name)) errors.push({field: `${field}.metadata.name`, type: 'Duplicate value', value: name, detail: ''});
			templateNames.add(name);
		}
		errors.push(...validateClaimSpec(template?.spec, `${field}.spec`));
	}
	if (old) {
		const changed = Object.keys({...old.spec, ...spec}).filter(key =>
			!mutableStatefulSetFields.includes(key) && JSON.stringify(sortKeys(old.spec?.[key])) !== JSON.stringify(sortKeys((spec as Record<string, unknown>)[key])));
		if (changed.length > 0) {
			errors.push({field: 'spec', type: 'Forbidden', detail: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"});
		}
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
