/**
 * Required node affinity (`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`),
 * as `component-helpers/scheduling/corev1/nodeaffinity` evaluates it: terms
 * are ORed, the expressions and fields inside a term ANDed, an empty term
 * matches nothing. Fields support `metadata.name`, as upstream does.
 */
import type {KubeObject, Labels} from './types.js';

export type NodeSelectorRequirement = {key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'; values?: string[]};
export type NodeSelectorTerm = {matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[]};
export type NodeAffinity = {
	requiredDuringSchedulingIgnoredDuringExecution?: {nodeSelectorTerms: NodeSelectorTerm[]};
	preferredDuringSchedulingIgnoredDuringExecution?: Array<{weight: number; preference: NodeSelectorTerm}>;
};

function requirementMatches(requirement: NodeSelectorRequirement, values: Labels): boolean {
	const has = Object.hasOwn(values, requirement.key);
	const value = values[requirement.key];
	const wanted = requirement.values ?? [];
	switch (requirement.operator) {
		case 'In': return has && wanted.includes(value!);
		case 'NotIn': return !has || !wanted.includes(value!);
		case 'Exists': return has;
		case 'DoesNotExist': return !has;
		case 'Gt':
		case 'Lt': {
			if (!has || wanted.length !== 1) return false;
			const left = Number.parseInt(value!, 10);
			const right = Number.parseInt(wanted[0]!, 10);
			if (Number.isNaN(left) || Number.isNaN(right)) return false;
			return requirement.operator === 'Gt' ? left > right : left < right;
		}
		default: return false;
	}
}

export function termMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
	const expressions = term.matchExpressions ?? [];
	const fields = term.matchFields ?? [];
	if (expressions.length === 0 && fields.length === 0) return false;
	const labels = node.metadata.labels ?? {};
	const nodeFields = {'metadata.name': node.metadata.name};
	return expressions.every(r => requirementMatches(r, labels)) && fields.every(r => requirementMatches(r, nodeFields));
}

/** The pod's required node affinity, if it has one. */
export function requiredNodeAffinity(pod: KubeObject): NodeAffinity['requiredDuringSchedulingIgnoredDuringExecution'] {
	return (pod.spec?.affinity as {nodeAffinity?: NodeAffinity} | undefined)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
}

/** True when the pod's required node affinity (if any) admits the node. */
export function matchesRequiredNodeAffinity(pod: KubeObject, node: KubeObject): boolean {
	const required = requiredNodeAffinity(pod);
	if (!required) return true;
	return (required.nodeSelectorTerms ?? []).some(term => termMatches(term, node));
}

/** The node a pod is pinned to by a `metadata.name` matchFields term (a DaemonSet pod's target), if any. */
export function targetNodeName(pod: KubeObject): string | undefined {
	if (pod.spec?.nodeName) return pod.spec.nodeName;
	const terms = requiredNodeAffinity(pod)?.nodeSelectorTerms ?? [];
	for (const term of terms) {
		for (const field of term.matchFields ?? []) {
			if (field.key === 'metadata.name' && field.operator === 'In' && field.values?.length === 1) return field.values[0];
		}
	}
	return undefined;
}
