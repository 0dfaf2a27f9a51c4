import type {FieldError} from '../errors.js';
import type {Container, KubeObject, PodSpec} from './types.js';
import {labelSelectorFromObject, matchesLabels} from './selectors.js';
import {unsupported, validateAnnotations, validateDNS1123Label, validateLabels} from './validate-metadata.js';
import {sameJson} from '../store.js';
import {validateContainerFields, validateLeaseSpec, validateNodeTaints, validatePodSpecFields} from './validate-container.js';

/**
 * Kind-specific validation as the API server runs it after defaulting
 * (`pkg/apis/<group>/validation`). `old` is the stored object on update.
 * Other parts of the engine register validators for their kinds here.
 */
export type Validator = (object: KubeObject, old?: KubeObject) => FieldError[];

export const validators = new Map<string, Validator>();

export function validateKind(object: KubeObject, old?: KubeObject): FieldError[] {
	return validators.get(object.kind)?.(object, old) ?? [];
}

const required = (field: string): FieldError => ({field, type: 'Required value', detail: ''});

/** An optional integer field that must not be negative. */
export function nonNegative(value: unknown, field: string): FieldError[] {
	if (value === undefined || value === null) return [];
	if (typeof value !== 'number' || !Number.isInteger(value)) return [{field, type: 'Invalid value', value, detail: 'must be an integer'}];
	return value < 0 ? [{field, type: 'Invalid value', value, detail: 'must be greater than or equal to 0'}] : [];
}

export function validateReplicas(value: unknown, field: string): FieldError[] {
	if (value === undefined) return [];
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		return [{field, type: 'Invalid value', value, detail: 'must be an integer'}];
	}
	if (value < 0) return [{field, type: 'Invalid value', value, detail: 'must be greater than or equal to 0'}];
	return [];
}

/** A container's name and image, then what `validateContainerFields` checks (`validateContainers`, one container). */
function validateContainer(container: Container, field: string, names: Set<string>, init: boolean, volumeNames: ReadonlySet<string>): FieldError[] {
	const errors: FieldError[] = [];
	if (!container.name) errors.push(required(`${field}.name`));
	else {
		for (const detail of validateDNS1123Label(container.name)) errors.push({field: `${field}.name`, type: 'Invalid value', value: container.name, detail});
		if (names.has(container.name)) errors.push({field: `${field}.name`, type: 'Duplicate value', value: container.name, detail: ''});
		names.add(container.name);
	}
	if (!container.image || typeof container.image !== 'string' || container.image.trim() === '') errors.push(required(`${field}.image`));
	errors.push(...validateContainerFields(container as Record<string, any>, field, init, volumeNames));
	return errors;
}

export function validatePodSpec(spec: PodSpec | undefined, field: string): FieldError[] {
	if (!spec) return [required(field)];
	if (spec.containers === undefined) return [required(`${field}.containers`)];
	if (!Array.isArray(spec.containers)) {
		// Not a list: the API server cannot even decode it; nothing below can be checked.
		return [{field: `${field}.containers`, type: 'Invalid value', value: spec.containers, detail: 'must be a list of containers'}];
	}
	// In `ValidatePodSpec`'s order: the volumes, the containers (which mount them), the init containers, the restart policy, the spec's own fields.
	const errors: FieldError[] = [];
	const volumeNames = new Set<string>();
	for (const [i, volume] of (spec.volumes ?? []).entries()) {
		const at = `${field}.volumes[${i}]`;
		errors.push(...validateVolumeSource(volume, at));
		if (typeof volume.name !== 'string' || volume.name === '') errors.push(required(`${at}.name`));
		else for (const detail of validateDNS1123Label(volume.name)) errors.push({field: `${at}.name`, type: 'Invalid value', value: volume.name, detail});
		if (volumeNames.has(volume.name)) errors.push({field: `${at}.name`, type: 'Duplicate value', value: volume.name, detail: ''});
		volumeNames.add(volume.name);
	}
	const names = new Set<string>();
	if (spec.containers.length === 0) errors.push(required(`${field}.containers`));
	else spec.containers.forEach((c, i) => errors.push(...validateContainer(c, `${field}.containers[${i}]`, names, false, volumeNames)));
	(spec.initContainers ?? []).forEach((c, i) => errors.push(...validateContainer(c, `${field}.initContainers[${i}]`, names, true, volumeNames)));
	errors.push(...validateEphemeralContainers(spec, field, names, volumeNames));
	if (spec.restartPolicy && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
		errors.push({field: `${field}.restartPolicy`, type: 'Unsupported value', value: spec.restartPolicy, detail: 'supported values: "Always", "OnFailure", "Never"'});
	}
	errors.push(...validatePodSpecFields(spec as Record<string, any>, field));
	return errors;
}

/**
 * The fields an ephemeral container may not set (`allowedEphemeralContainerFields`
 * says which of the container's it may), in the order the Container type declares them.
 */
const notForEphemeral = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

/** Whether a field holds something (Go's zero value, an empty object or list, does not). */
function isSet(value: unknown): boolean {
	if (value === undefined || value === null || value === false || value === '' || value === 0) return false;
	if (Array.isArray(value)) return value.length > 0;
	if (typeof value === 'object') return Object.values(value).some(isSet);
	return true;
}

/**
 * `validateEphemeralContainers`: each is checked as any container, its name
 * unique among all the pod's containers, its target one of the pod's own
 * containers, and none of the fields it may not have. A pod template may
 * hold none.
 */
function validateEphemeralContainers(spec: PodSpec, field: string, names: Set<string>, volumeNames: ReadonlySet<string>): FieldError[] {
	const ephemeral = spec.ephemeralContainers;
	if (!Array.isArray(ephemeral) || ephemeral.length === 0) return [];
	if (field.endsWith('template.spec')) return [{field: `${field}.ephemeralContainers`, type: 'Forbidden', detail: 'ephemeral containers not allowed in pod template'}];
	const targets = new Set(names);
	const errors: FieldError[] = [];
	ephemeral.forEach((container, i) => {
		const at = `${field}.ephemeralContainers[${i}]`;
		errors.push(...validateContainer(container, at, names, false, volumeNames));
		const target = container.targetContainerName;
		if (target !== undefined && target !== '' && !targets.has(target)) errors.push({field: `${at}.targetContainerName`, type: 'Not found', value: target, detail: ''});
		for (const key of notForEphemeral) {
			if (isSet((container as Record<string, unknown>)[key])) errors.push({field: `${at}.${key}`, type: 'Forbidden', detail: 'cannot be set for an Ephemeral Container'});
		}
		(container.volumeMounts ?? []).forEach((mount, m) => {
			for (const key of ['subPath', 'subPathExpr']) {
				if (isSet((mount as Record<string, unknown>)[key])) errors.push({field: `${at}.volumeMounts[${m}].${key}`, type: 'Forbidden', detail: 'cannot be set for an Ephemeral Container'});
			}
		});
	});
	return errors;
}

/**
 * `ValidatePodEphemeralContainersUpdate`'s own part: the ephemeral
 * containers a pod has may be neither removed nor changed, only others
 * added (through the `ephemeralcontainers` subresource).
 */
export function validateEphemeralContainersUpdate(next: PodSpec, old: PodSpec): FieldError[] {
	const errors: FieldError[] = [];
	const byName = new Map((next.ephemeralContainers ?? []).map(c => [c.name, c]));
	for (const existing of old.ephemeralContainers ?? []) {
		const now = byName.get(existing.name);
		if (!now) errors.push({field: 'spec.ephemeralContainers', type: 'Forbidden', detail: `existing ephemeral containers "${existing.name}" may not be removed\n`});
		else if (!sameJson(now, existing)) errors.push({field: 'spec.ephemeralContainers', type: 'Forbidden', detail: `existing ephemeral containers "${existing.name}" may not be changed\n`});
	}
	return errors;
}

type KeyToPath = {key?: unknown; path?: unknown} | null;
type ItemsSource = {items?: KeyToPath[]} | null | undefined;

/** `validateKeyToPath`: a key, and a path inside the volume (`validateLocalNonReservedPath`). A null item decodes to an empty one. */
function validateItems(source: ItemsSource, field: string): FieldError[] {
	const errors: FieldError[] = [];
	for (const [i, item] of (Array.isArray(source?.items) ? source.items : []).entries()) {
		const at = `${field}.items[${i}]`;
		if (typeof item?.key !== 'string' || item.key === '') errors.push(required(`${at}.key`));
		errors.push(...validateItemPath(item?.path, `${at}.path`));
	}
	return errors;
}

function validateItemPath(path: unknown, field: string): FieldError[] {
	if (typeof path !== 'string' || path === '') return [required(field)];
	const errors: FieldError[] = [];
	if (path.startsWith('/')) errors.push({field, type: 'Invalid value', value: path, detail: 'must be a relative path'});
	if (path.split('/').includes('..')) errors.push({field, type: 'Invalid value', value: path, detail: "must not contain '..'"});
	else if (path.startsWith('..')) errors.push({field, type: 'Invalid value', value: path, detail: "must not start with '..'"});
	return errors;
}

/**
 * A pod volume's sources, in the order `validateVolumeSource` checks them,
 * with the field each is reported under (the API server's own spelling,
 * `downwarAPI` included).
 */
const podVolumeSources: ReadonlyArray<readonly [key: string, reported: string]> = [
	['emptyDir', 'emptyDir'], ['hostPath', 'hostPath'], ['gitRepo', 'gitRepo'], ['gcePersistentDisk', 'gcePersistentDisk'],
	['awsElasticBlockStore', 'awsElasticBlockStore'], ['secret', 'secret'], ['nfs', 'nfs'], ['iscsi', 'iscsi'], ['glusterfs', 'glusterfs'],
	['flocker', 'flocker'], ['persistentVolumeClaim', 'persistentVolumeClaim'], ['rbd', 'rbd'], ['cinder', 'cinder'], ['cephfs', 'cephFS'],
	['quobyte', 'quobyte'], ['downwardAPI', 'downwarAPI'], ['fc', 'fc'], ['flexVolume', 'flexVolume'], ['configMap', 'configMap'],
	['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'], ['photonPersistentDisk', 'photonPersistentDisk'],
	['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'], ['storageos', 'storageos'], ['projected', 'projected'],
	['scaleIO', 'scaleIO'], ['csi', 'csi'], ['ephemeral', 'ephemeral'], ['image', 'image'],
];

/**
 * A volume's source, as `validateVolumeSource` checks it: the sources in
 * its order, the first one's fields checked and every later one refused;
 * a volume with none needs one (defaulting gives a volume without a source
 * an `emptyDir`, so only a write that skips defaults meets that).
 */
function validateVolumeSource(volume: Record<string, unknown>, field: string): FieldError[] {
	const errors: FieldError[] = [];
	let found = false;
	for (const [key, reported] of podVolumeSources) {
		// A null source decodes to no source at all.
		if (volume[key] === undefined || volume[key] === null) continue;
		if (found) {
			errors.push({field: `${field}.${reported}`, type: 'Forbidden', detail: 'may not specify more than 1 volume type'});
			continue;
		}
		found = true;
		errors.push(...validateSourceFields(key, volume[key] as Record<string, any>, `${field}.${key}`));
	}
	if (!found) errors.push({field, type: 'Required value', detail: 'must specify a volume type'});
	return errors;
}

/** A name a volume source needs (`field.Required`), when the source is there. */
function named(source: Record<string, unknown> | null | undefined, key: string, field: string): FieldError[] {
	if (source === undefined || source === null) return [];
	return typeof source[key] === 'string' && source[key] !== '' ? [] : [required(`${field}.${key}`)];
}

/** What a ConfigMap, Secret, claim, downward API or projected volume source names and puts in place (the checks of those sources in `validateVolumeSource`). */
function validateSourceFields(key: string, source: Record<string, any>, field: string): FieldError[] {
	switch (key) {
		case 'configMap': return [...named(source, 'name', field), ...validateItems(source, field)];
		case 'secret': return [...named(source, 'secretName', field), ...validateItems(source, field)];
		case 'persistentVolumeClaim': return named(source, 'claimName', field);
		case 'hostPath': {
			// `validateHostPathVolumeSource`: a path without backsteps, a type of the known ones.
			const path = source['path'];
			if (typeof path !== 'string' || path === '') return [required(`${field}.path`)];
			const errors: FieldError[] = path.split('/').includes('..') ? [{field: `${field}.path`, type: 'Invalid value', value: path, detail: "must not contain '..'"}] : [];
			const types = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
			const type = source['type'];
			if (type !== undefined && type !== null && !types.includes(type)) errors.push(unsupported(`${field}.type`, type, types));
			return errors;
		}
		case 'downwardAPI': return (Array.isArray(source['items']) ? source['items'] : []).flatMap((item: {path?: unknown} | null, i: number) => validateItemPath(item?.path, `${field}.items[${i}].path`));
		case 'projected': {
			const errors: FieldError[] = [];
			for (const [i, projection] of (Array.isArray(source['sources']) ? source['sources'] : []).entries()) {
				const at = `${field}.sources[${i}]`;
				errors.push(...named(projection?.configMap, 'name', `${at}.configMap`), ...validateItems(projection?.configMap, `${at}.configMap`));
				errors.push(...named(projection?.secret, 'name', `${at}.secret`), ...validateItems(projection?.secret, `${at}.secret`));
				for (const [j, item] of (Array.isArray(projection?.downwardAPI?.items) ? projection.downwardAPI.items : []).entries()) errors.push(...validateItemPath(item?.path, `${at}.downwardAPI.items[${j}].path`));
				if (projection?.serviceAccountToken) errors.push(...validateItemPath(projection.serviceAccountToken.path, `${at}.serviceAccountToken.path`));
			}
			return errors;
		}
		default: return [];
	}
}

/** A pod template's own labels and annotations (`ValidatePodTemplateSpec`: the field is `<path>.labels`). */
export function validateTemplateMetadata(template: {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}} | undefined, path: string): FieldError[] {
	return [...validateLabels(template?.metadata?.labels, `${path}.labels`), ...validateAnnotations(template?.metadata?.annotations, `${path}.annotations`)];
}

/** Selector and template labels of a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet). */
export function validateWorkloadSelector(object: KubeObject, old?: KubeObject): FieldError[] {
	const errors: FieldError[] = [];
	const spec = object.spec ?? {};
	if (!spec.selector) return [required('spec.selector')];
	let selector;
	try {
		selector = labelSelectorFromObject(spec.selector);
	} catch (error) {
		return [{field: 'spec.selector', type: 'Invalid value', value: spec.selector, detail: (error as Error).message}];
	}
	if (selector.requirements.length === 0) {
		errors.push({field: 'spec.selector', type: 'Invalid value', value: spec.selector, detail: 'empty selector is invalid for deployment'.replace('deployment', object.kind.toLowerCase())});
	} else if (!matchesLabels(selector, spec.template?.metadata?.labels ?? {})) {
		errors.push({field: 'spec.template.metadata.labels', type: 'Invalid value', value: spec.template?.metadata?.labels ?? {}, detail: '`selector` does not match template `labels`'});
	}
	if (old && old !== object && JSON.stringify(old.spec?.selector) !== JSON.stringify(spec.selector)) {
		errors.push({field: 'spec.selector', type: 'Invalid value', value: spec.selector, detail: 'field is immutable'});
	}
	return errors;
}

/** What `kubectl apply` and edits may change in a pod's spec (updatablePodSpecFields). */
const updatablePodSpecFields = [
	'`spec.containers[*].image`',
	'`spec.initContainers[*].image`',
	'`spec.activeDeadlineSeconds`',
	'`spec.tolerations` (only additions to existing tolerations)',
	'`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** ValidateContainerUpdates: same number of containers, each with an image. */
function validateContainerUpdates(next: Container[], old: Container[], field: string): {errors: FieldError[]; stop: boolean} {
	if (next.length !== old.length) {
		return {errors: [{field, type: 'Forbidden', detail: 'pod updates may not add or remove containers'}], stop: true};
	}
	const errors: FieldError[] = [];
	next.forEach((container, i) => {
		if (typeof container.image === 'string' && container.image.trim() !== container.image) {
			errors.push({field: `${field}[${i}].image`, type: 'Invalid value', value: container.image, detail: 'must not have leading or trailing whitespace'});
		}
	});
	return {errors, stop: false};
}

function withoutSeconds(toleration: Record<string, unknown>): Record<string, unknown> {
	const {tolerationSeconds: _seconds, ...rest} = toleration;
	return rest;
}

/**
 * ValidatePodUpdate: a pod's spec is immutable but for container images,
 * a shorter activeDeadlineSeconds, added tolerations and a negative grace
 * period set to 1. Everything else is compared with the images and those
 * fields taken from the old pod, and any difference is Forbidden.
 */
export function validatePodUpdate(next: PodSpec, old: PodSpec): FieldError[] {
	// The same spec changes nothing (a restore checks a saved pod as such an update).
	if (next === old) return [];
	const errors: FieldError[] = [];
	for (const key of ['containers', 'initContainers'] as const) {
		const result = validateContainerUpdates(next[key] ?? [], old[key] ?? [], `spec.${key}`);
		errors.push(...result.errors);
		if (result.stop) return errors;
	}
	const deadline = next.activeDeadlineSeconds;
	if (deadline !== undefined && deadline !== null) {
		if (deadline < 0 || deadline > 2_147_483_647) {
			return [...errors, {field: 'spec.activeDeadlineSeconds', type: 'Invalid value', value: deadline, detail: 'must be between 0 and 2147483647, inclusive'}];
		}
		if (old.activeDeadlineSeconds !== undefined && old.activeDeadlineSeconds < deadline) {
			return [...errors, {field: 'spec.activeDeadlineSeconds', type: 'Invalid value', value: deadline, detail: 'must be less than or equal to previous value'}];
		}
	} else if (old.activeDeadlineSeconds !== undefined) {
		errors.push({field: 'spec.activeDeadlineSeconds', type: 'Invalid value', value: null, detail: 'must not update from a positive integer to nil value'});
	}
	const tolerations = (next.tolerations ?? []).map(t => withoutSeconds(t as Record<string, unknown>));
	for (const toleration of old.tolerations ?? []) {
		if (!tolerations.some(t => sameJson(t, withoutSeconds(toleration as Record<string, unknown>)))) {
			errors.push({field: 'spec.tolerations', type: 'Forbidden', detail: 'existing toleration can not be modified except its tolerationSeconds'});
			break;
		}
	}
	if (sameJson(next, old)) return errors;
	const munged: PodSpec = {
		...next,
		containers: next.containers.map((c, i) => ({...c, image: old.containers[i]!.image})),
		activeDeadlineSeconds: old.activeDeadlineSeconds,
		tolerations: old.tolerations,
	};
	if (next.initContainers) munged.initContainers = next.initContainers.map((c, i) => ({...c, image: old.initContainers![i]!.image}));
	if ((old.terminationGracePeriodSeconds ?? 0) < 0 && next.terminationGracePeriodSeconds === 1) {
		munged.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
	}
	if (!sameJson(munged, old)) {
		errors.push({field: 'spec', type: 'Forbidden', detail: `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}`});
	}
	return errors;
}

validators.set('Pod', (object, old) => {
	const errors = validatePodSpec(object.spec, 'spec');
	// Only the `ephemeralcontainers` subresource adds them, to a pod that exists.
	if (!old && ((object.spec as PodSpec | undefined)?.ephemeralContainers ?? []).length > 0) {
		errors.push({field: 'spec.ephemeralContainers', type: 'Forbidden', detail: 'cannot be set on create'});
	}
	if (!old?.spec || errors.length > 0) return errors;
	return validatePodUpdate(object.spec as PodSpec, old.spec as PodSpec);
});

/** A ReplicaSet's or Deployment's pods always restart (ValidatePodTemplateSpecForReplicaSet). */
function validateRestartAlways(spec: PodSpec | undefined): FieldError[] {
	const restartPolicy = spec?.restartPolicy;
	if (restartPolicy === undefined || restartPolicy === 'Always') return [];
	return [{field: 'spec.template.spec.restartPolicy', type: 'Unsupported value', value: restartPolicy, detail: 'supported values: "Always"'}];
}

validators.set('Node', object => validateNodeTaints(object.spec?.taints, 'spec.taints'));
validators.set('Lease', object => validateLeaseSpec(object.spec, 'spec'));

validators.set('ReplicaSet', (object, old) => [
	...validateReplicas(object.spec?.replicas, 'spec.replicas'),
	...validateWorkloadSelector(object, old),
	...validateTemplateMetadata(object.spec?.template, 'spec.template'),
	...validatePodSpec(object.spec?.template?.spec, 'spec.template.spec'),
	...validateRestartAlways(object.spec?.template?.spec),
]);

validators.set('Deployment', (object, old) => {
	const spec = object.spec ?? {};
	const errors = [
		...validateReplicas(spec.replicas, 'spec.replicas'),
		...validateWorkloadSelector(object, old),
		...validateTemplateMetadata(spec.template, 'spec.template'),
		...validatePodSpec(spec.template?.spec, 'spec.template.spec'),
		...validateRestartAlways(spec.template?.spec),
	];
	// ValidateDeploymentStrategy.
	const rolling = spec.strategy?.rollingUpdate;
	if (spec.strategy?.type === 'Recreate' && rolling !== undefined && rolling !== null) {
		errors.push({field: 'spec.strategy.rollingUpdate', type: 'Forbidden', detail: "may not be specified when strategy `type` is 'Recreate'"});
	} else if (spec.strategy?.type !== 'RollingUpdate' && spec.strategy?.type !== 'Recreate') {
		// The strategy itself is the value, printed as its Go struct (a rolling update given, which Go shows as a pointer's address, as its JSON).
		const shown = `apps.DeploymentStrategy{Type:${JSON.stringify(String(spec.strategy?.type ?? ''))}, RollingUpdate:${rolling ? JSON.stringify(rolling) : '(*apps.RollingUpdateDeployment)(nil)'}}`;
		errors.push({...unsupported('spec.strategy', spec.strategy, ['Recreate', 'RollingUpdate']), shown});
	} else if (spec.strategy.type === 'RollingUpdate' && rolling) {
		for (const name of ['maxSurge', 'maxUnavailable'] as const) {
			const value = rolling[name];
			const ok = (typeof value === 'number' && Number.isInteger(value) && value >= 0)
				|| (typeof value === 'string' && /^\d+%$/.test(value));
			if (!ok) errors.push({field: `spec.strategy.rollingUpdate.${name}`, type: 'Invalid value', value, detail: "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"});
			if (name === 'maxUnavailable' && typeof value === 'string' && Number.parseInt(value, 10) > 100) {
				errors.push({field: `spec.strategy.rollingUpdate.${name}`, type: 'Invalid value', value, detail: 'must not be greater than 100%'});
			}
		}
		const zero = (v: unknown) => v === 0 || v === '0%';
		if (zero(rolling.maxSurge) && zero(rolling.maxUnavailable)) {
			errors.push({field: 'spec.strategy.rollingUpdate.maxUnavailable', type: 'Invalid value', value: rolling.maxUnavailable, detail: 'may not be 0 when `maxSurge` is 0'});
		}
	}
	for (const name of ['minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds'] as const) {
		const value = spec[name];
		if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
			errors.push({field: `spec.${name}`, type: 'Invalid value', value, detail: 'must be greater than or equal to 0'});
		}
	}
	return errors;
});
