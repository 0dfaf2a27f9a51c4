import type {KubeObject, OwnerReference, Pod, PodTemplateSpec, Volume} from '../api/types.js';
import type {PersistentVolumeClaim} from '../api/storage-objects.js';
import type {StatefulSet} from '../api/statefulset-objects.js';
import {pvcProtectionFinalizer} from '../api/storage-objects.js';
import {availableAt, hashControllerRevision, isPodAvailable, isPodReady, newControllerRef} from './controller-utils.js';

/**
 * The arithmetic of the StatefulSet controller as small pure functions
 * (`pkg/controller/statefulset/stateful_set_utils.go`).
 */

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';
export const revisionLabel = 'controller-revision-hash';

/** `<sts>-<ordinal>` (`getPodName`). */
export function podName(set: string, ordinal: number): string {
	return `${set}-${ordinal}`;
}

/** `<template>-<sts>-<ordinal>` (`getPersistentVolumeClaimName`). */
export function claimName(template: string, set: string, ordinal: number): string {
	return `${template}-${set}-${ordinal}`;
}

/** The ordinal in a pod's name, or -1 when the name is not `<set>-<n>` (`getParentNameAndOrdinal`). */
export function ordinalOf(set: string, pod: string): number {
	if (!pod.startsWith(`${set}-`)) return -1;
	const rest = pod.slice(set.length + 1);
	return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1;
}

export function isTerminating(pod: Pod): boolean {
	return Boolean(pod.metadata.deletionTimestamp);
}

export function isFailed(pod: Pod): boolean {
	return pod.status?.phase === 'Failed';
}

/** Running with the Ready condition True. */
export function isRunningAndReady(pod: Pod): boolean {
	return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** Running and available (`podutil.IsPodAvailable`). */
export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
	return pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
}

/** When a running, ready pod becomes available, or undefined. */
export function runningAvailableAt(pod: Pod, minReadySeconds: number): number | undefined {
	return pod.status?.phase === 'Running' ? availableAt(pod, minReadySeconds) : undefined;
}

/** Healthy for the ordered sequence: running, ready, available, not terminating. */
export function isHealthy(pod: Pod, minReadySeconds: number, now: number): boolean {
	return !isTerminating(pod) && isRunningAndAvailable(pod, minReadySeconds, now);
}

export {fnv32a, safeEncodeString as safeEncode} from './controller-utils.js';

/** The revision hash of a template (with the collision count), as `controller-revision-hash` carries it. */
export function revisionHash(template: PodTemplateSpec, collisionCount = 0): string {
	return hashControllerRevision(template, collisionCount);
}

export function controllerRef(set: StatefulSet): OwnerReference {
	return newControllerRef(set);
}

/** The ControllerRevision holding a template, numbered `revision`. */
export function newRevision(set: StatefulSet, template: PodTemplateSpec, revision: number, collisionCount: number): KubeObject {
	const hash = revisionHash(template, collisionCount);
	return {
		apiVersion: 'apps/v1',
		kind: 'ControllerRevision',
		metadata: {
			name: `${set.metadata.name}-${hash}`,
			namespace: set.metadata.namespace,
			labels: {...template.metadata?.labels, [revisionLabel]: hash},
			ownerReferences: [controllerRef(set)],
			uid: '', resourceVersion: '', creationTimestamp: '',
		},
		data: {spec: {template: {...template, $patch: 'replace'}}},
		revision,
	};
}

/** The template a ControllerRevision stored. */
export function templateOf(revision: KubeObject): PodTemplateSpec {
	const {$patch: _patch, ...template} = (revision['data'] as {spec: {template: PodTemplateSpec & {$patch?: string}}}).spec.template;
	return template;
}

/** Names of one ordinal's claims, in template order. */
export function claimNamesFor(set: StatefulSet, ordinal: number): string[] {
	return (set.spec?.volumeClaimTemplates ?? []).map(template => claimName(template.metadata.name!, set.metadata.name, ordinal));
}

/** The claims of one ordinal, built from the volumeClaimTemplates (`getPersistentVolumeClaims`). */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
	const matchLabels = set.spec?.selector?.matchLabels ?? {};
	return (set.spec?.volumeClaimTemplates ?? []).map(template => ({
		apiVersion: 'v1',
		kind: 'PersistentVolumeClaim',
		metadata: {
			name: claimName(template.metadata.name!, set.metadata.name, ordinal),
			namespace: set.metadata.namespace,
			labels: {...template.metadata.labels, ...matchLabels},
			...(template.metadata.annotations ? {annotations: template.metadata.annotations} : {}),
			finalizers: [pvcProtectionFinalizer],
			uid: '', resourceVersion: '', creationTimestamp: '',
		},
		spec: structuredClone(template.spec),
		status: {phase: 'Pending'},
	}));
}

/** A pod of the set at `ordinal` from `template`, labelled with `revision` (`newVersionedStatefulSetPod`). */
export function newPod(set: StatefulSet, ordinal: number, template: PodTemplateSpec, revision: string): Pod {
	const name = podName(set.metadata.name, ordinal);
	const volumes: Volume[] = (template.spec.volumes ?? []).filter(v => !(set.spec?.volumeClaimTemplates ?? []).some(t => t.metadata.name === v.name));
	for (const claimTemplate of set.spec?.volumeClaimTemplates ?? []) {
		volumes.push({name: claimTemplate.metadata.name!, persistentVolumeClaim: {claimName: claimName(claimTemplate.metadata.name!, set.metadata.name, ordinal)}});
	}
	const spec = {...structuredClone(template.spec), hostname: name};
	if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
	if (volumes.length > 0) spec.volumes = volumes;
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace: set.metadata.namespace,
			labels: {...template.metadata?.labels, [podNameLabel]: name, [podIndexLabel]: String(ordinal), [revisionLabel]: revision},
			...(template.metadata?.annotations ? {annotations: {...template.metadata.annotations}} : {}),
			ownerReferences: [controllerRef(set)],
			uid: '', resourceVersion: '', creationTimestamp: '',
		},
		spec,
	};
}

/** `[start, start+replicas)` membership: which owned pods are kept and which are condemned. */
export function partitionPods(set: StatefulSet, pods: readonly Pod[]): {replicas: Array<Pod | undefined>; condemned: Pod[]} {
	const start = set.spec?.ordinals?.start ?? 0;
	const count = set.spec?.replicas ?? 1;
	const replicas: Array<Pod | undefined> = Array.from({length: count}, () => undefined);
	const condemned: Pod[] = [];
	for (const pod of pods) {
		const ordinal = ordinalOf(set.metadata.name, pod.metadata.name);
		if (ordinal < 0) continue;
		if (ordinal >= start && ordinal < start + count) replicas[ordinal - start] = pod;
		else condemned.push(pod);
	}
	condemned.sort((a, b) => ordinalOf(set.metadata.name, b.metadata.name) - ordinalOf(set.metadata.name, a.metadata.name));
	return {replicas, condemned};
}
