/**
 * Rule helpers of RBAC's own (k8s.io/component-helpers/auth/rbac and
 * rbac/v1/helpers), shared by the escalation check and the describers.
 */
import type {PolicyRule} from '../api/rbac-objects.js';

/** `BreakdownRule`: one rule per group, resource and verb (or per URL and verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
	const out: PolicyRule[] = [];
	for (const group of rule.apiGroups ?? []) {
		for (const resource of rule.resources ?? []) {
			for (const verb of rule.verbs ?? []) out.push({apiGroups: [group], resources: [resource], verbs: [verb], ...(rule.resourceNames?.length ? {resourceNames: [...rule.resourceNames]} : {})});
		}
	}
	for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs ?? []) out.push({nonResourceURLs: [url], verbs: [verb]});
	return out;
}

/** `CompactRules`: simple rules (one group, one resource, no names) that differ only in verbs become one. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
	const simple = new Map<string, PolicyRule>();
	const out: PolicyRule[] = [];
	for (const rule of rules) {
		const isSimple = rule.apiGroups?.length === 1 && rule.resources?.length === 1 && !rule.resourceNames?.length && !rule.nonResourceURLs?.length;
		if (!isSimple) {
			out.push(rule);
			continue;
		}
		const key = `${rule.apiGroups![0]}\u0000${rule.resources![0]}`;
		const known = simple.get(key);
		if (known) {
			for (const verb of rule.verbs) if (!known.verbs.includes(verb)) known.verbs.push(verb);
			continue;
		}
		const copy = {apiGroups: [...rule.apiGroups!], resources: [...rule.resources!], verbs: [...rule.verbs]};
		simple.set(key, copy);
		out.push(copy);
	}
	return out;
}

/** `CompactString`: the rule's non-empty fields, `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}`. */
export function compactRuleString(rule: PolicyRule): string {
	const list = (values: readonly string[]) => `[${values.map(v => JSON.stringify(v)).join(' ')}]`;
	const parts: string[] = [];
	if (rule.apiGroups?.length) parts.push(`APIGroups:${list(rule.apiGroups)}`);
	if (rule.resources?.length) parts.push(`Resources:${list(rule.resources)}`);
	if (rule.resourceNames?.length) parts.push(`ResourceNames:${list(rule.resourceNames)}`);
	if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${list(rule.nonResourceURLs)}`);
	if (rule.verbs?.length) parts.push(`Verbs:${list(rule.verbs)}`);
	return `{${parts.join(', ')}}`;
}
