/**
 * The StatefulSet object (`apps/v1`): its type with Kubernetes' field names,
 * the API server's defaulting (`pkg/apis/apps/v1/defaults.go`) and validation
 * (`pkg/apis/apps/validation`), registered into the per-kind registries when
 * this module is imported.
 */
import type {FieldError} from '../errors.js';
import type {KubeObject, LabelSelector, ObjectMeta, PodTemplateSpec} from './types.js';
import {defaulters, defaultPodSpec} from './defaults.js';
import {validators, validatePodSpec, validateReplicas, validateTemplateMetadata, validateWorkloadSelector} from './validate-kinds.js';
import {unsupported, validateDNS1123Label, validateDNS1123Subdomain} from './validate-metadata.js';
import {sortKeys, validateClaimSpec, type PersistentVolumeClaimSpec} from './storage-objects.js';

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

/** Fields of a StatefulSet spec that may change after creation (`ValidateStatefulSetUpdate`). */
const mutableStatefulSetFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

validators.set('StatefulSet', (object, old) => {
	const spec = object.spec as StatefulSetSpec;
	const errors: FieldError[] = [
		...validateReplicas(spec.replicas, 'spec.replicas'),
		...validateWorkloadSelector(object, old),
		...validateTemplateMetadata(spec.template, 'spec.template'),
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
