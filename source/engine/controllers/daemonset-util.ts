/**
 * Pure helpers of the DaemonSet controller (`pkg/controller/daemon/util`):
 * the tolerations every daemon pod gets, whether a node should run a daemon
 * pod, the template hash, int-or-percent scaling and pod availability.
 */
import type {IntOrString, KubeObject, Node, Pod, PodSpec, Toleration} from '../api/types.js';
import {matchesRequiredNodeAffinity, type NodeAffinity} from '../api/node-affinity.js';
import {tolerates} from './scheduler.js';

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

/** FNV-1a, 32 bits: the hash `controller.ComputeHash` uses. */
export function fnv32a(text: string): number {
	let hash = 0x811c9dc5;
	for (const byte of new TextEncoder().encode(text)) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash >>> 0;
}

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery `rand.SafeEncodeString`: each character mapped into a vowel-free alphabet. */
export function safeEncode(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; i++) out += safeAlphabet[text.charCodeAt(i) % safeAlphabet.length];
	return out;
}

/** The `controller-revision-hash` of a pod template (and collision count), as ComputeHash writes it. */
export function templateHash(template: unknown, collisionCount = 0): string {
	let hash = fnv32a(stableJson(template));
	if (collisionCount) hash = fnv32a(`${hash}:${collisionCount}`);
	return safeEncode(String(hash));
}

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value);
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

/** Ready, and Ready for at least `minReadySeconds` (podutil.IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
	const ready = pod.status?.conditions?.find(c => c.type === 'Ready' && c.status === 'True');
	if (!ready) return false;
	if (minReadySeconds <= 0) return true;
	const since = Date.parse(ready.lastTransitionTime ?? '');
	return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}
