import type {KubeObject, OwnerReference, Pod, PodTemplateSpec, Volume} from '../api/types.js';
import type {PersistentVolumeClaim, StatefulSet} from '../api/storage-objects.js';
import {pvcProtectionFinalizer, sortKeys} from '../api/storage-objects.js';
import {parseTime} from '../clock.js';

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

function readyCondition(pod: Pod) {
	return pod.status?.conditions?.find(c => c.type === 'Ready');
}

/** Running with the Ready condition True. */
export function isRunningAndReady(pod: Pod): boolean {
	return pod.status?.phase === 'Running' && readyCondition(pod)?.status === 'True';
}

/** Ready for at least `minReadySeconds`. */
export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
	if (!isRunningAndReady(pod)) return false;
	if (minReadySeconds <= 0) return true;
	const since = parseTime(readyCondition(pod)?.lastTransitionTime) ?? now;
	return since + minReadySeconds * 1000 <= now;
}

/** Healthy for the ordered sequence: running, ready, available, not terminating. */
export function isHealthy(pod: Pod, minReadySeconds: number, now: number): boolean {
	return !isTerminating(pod) && isRunningAndAvailable(pod, minReadySeconds, now);
}

/** FNV-1a, 32 bits. */
export function fnv32a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash >>> 0;
}

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

/** `rand.SafeEncodeString`: each character mapped into an alphabet without vowels. */
export function safeEncode(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; i++) out += alphanums[text.charCodeAt(i) % alphanums.length];
	return out;
}

/** The revision hash of a template (with the collision count), as `controller-revision-hash` carries it. */
export function revisionHash(template: PodTemplateSpec, collisionCount = 0): string {
	const text = JSON.stringify(sortKeys(template)) + (collisionCount ? String(collisionCount) : '');
	return safeEncode(String(fnv32a(text)));
}

export function controllerRef(set: StatefulSet): OwnerReference {
	return {apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name, uid: set.metadata.uid, controller: true, blockOwnerDeletion: true};
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
