/**
 * Pure helpers of the DaemonSet controller (`pkg/controller/daemon/util`):
 * the tolerations every daemon pod gets, whether a node should run a daemon
 * pod, the template hash and int-or-percent scaling.
 */
import type {IntOrString, KubeObject, Node, Pod, PodSpec, Toleration} from '../api/types.js';
import {matchesRequiredNodeAffinity, type NodeAffinity} from '../api/node-affinity.js';
import {tolerates} from './scheduler.js';
import {computeHash} from './controller-utils.js';

/**
 * AddOrUpdateDaemonPodTolerations: daemon pods stay on not-ready and
 * unreachable nodes (NoExecute, no tolerationSeconds) and ignore the
 * pressure, unschedulable and (for host networking) network-unavailable taints.
 */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
	const list: Toleration[] = [
		{key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute'},
		{key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute'},
		{key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule'},
		{key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule'},
		{key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule'},
		{key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule'},
	];
	if (hostNetwork) list.push({key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule'});
	return list;
}

/** The template's tolerations with the daemon ones added (an existing toleration for the same key and effect wins). */
export function withDaemonTolerations(spec: PodSpec): Toleration[] {
	const out = [...(spec.tolerations ?? [])];
	for (const toleration of daemonPodTolerations(spec['hostNetwork'] === true)) {
		if (!out.some(t => t.key === toleration.key && t.effect === toleration.effect)) out.push(toleration);
	}
	return out;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: pin the pod to one node by `metadata.name`. */
export function pinToNode(affinity: unknown, nodeName: string): {nodeAffinity: NodeAffinity; [other: string]: unknown} {
	const term = {matchFields: [{key: 'metadata.name', operator: 'In' as const, values: [nodeName]}]};
	const base = (affinity ?? {}) as {nodeAffinity?: NodeAffinity; [other: string]: unknown};
	return {
		...base,
		nodeAffinity: {...base.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [term]}},
	};
}

export type NodeVerdict = {shouldRun: boolean; shouldContinueRunning: boolean};

/**
 * NodeShouldRunDaemonPod: node selector and required affinity must match
 * (else neither run nor stay); an untolerated NoSchedule/NoExecute taint
 * stops new pods, and only an untolerated NoExecute one evicts running pods.
 */
export function nodeShouldRunDaemonPod(spec: PodSpec, node: Node): NodeVerdict {
	for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
		if (node.metadata.labels?.[key] !== value) return {shouldRun: false, shouldContinueRunning: false};
	}
	if (!matchesRequiredNodeAffinity({metadata: {name: ''}, spec} as unknown as KubeObject, node)) return {shouldRun: false, shouldContinueRunning: false};
	const tolerations = withDaemonTolerations(spec);
	const untolerated = (effects: string[]) => (node.spec?.taints ?? []).some(taint =>
		effects.includes(taint.effect) && !tolerations.some(t => tolerates(t, taint)));
	if (untolerated(['NoSchedule', 'NoExecute'])) return {shouldRun: false, shouldContinueRunning: !untolerated(['NoExecute'])};
	return {shouldRun: true, shouldContinueRunning: true};
}

export {fnv32a, safeEncodeString as safeEncode, isPodAvailable} from './controller-utils.js';

/** The `controller-revision-hash` of a pod template: `ComputeHash` with the DaemonSet's collision count, when it has one. */
export function templateHash(template: unknown, collisionCount?: number): string {
	return collisionCount ? computeHash(template, collisionCount) : computeHash(template);
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
	if (value === undefined) return 0;
	if (typeof value === 'number') return value;
	const percent = Number.parseInt(value, 10);
	if (Number.isNaN(percent)) return 0;
	const exact = (percent * total) / 100;
	return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
