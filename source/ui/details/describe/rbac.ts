/** Roles, ClusterRoles and their bindings, as kubectl's RoleDescriber and RoleBindingDescriber print them (no namespace line, no events). */
import type {KubeObject, PolicyRule} from '../../../engine/index.js';
import {Writer, annotations, labels} from './writer.js';

/** `rbac.BreakdownRule`: one rule per group, resource and verb (or per URL and verb). */
function breakdown(rule: PolicyRule): PolicyRule[] {
	const out: PolicyRule[] = [];
	for (const group of rule.apiGroups ?? []) {
		for (const resource of rule.resources ?? []) {
			for (const verb of rule.verbs ?? []) out.push({apiGroups: [group], resources: [resource], verbs: [verb], ...(rule.resourceNames?.length ? {resourceNames: rule.resourceNames} : {})});
		}
	}
	for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs ?? []) out.push({nonResourceURLs: [url], verbs: [verb]});
	return out;
}

/** `rbac.CompactRules`: simple rules (one group, one resource, no names) that differ only in verbs become one. */
function compact(rules: PolicyRule[]): PolicyRule[] {
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

/** `rbacv1helpers.CompactString`, the sort key of SortableRuleSlice. */
function compactString(rule: PolicyRule): string {
	const list = (values: string[] | undefined) => `[${(values ?? []).map(v => JSON.stringify(v)).join(' ')}]`;
	const parts: string[] = [];
	if (rule.apiGroups?.length) parts.push(`APIGroups:${list(rule.apiGroups)}`);
	if (rule.resources?.length) parts.push(`Resources:${list(rule.resources)}`);
	if (rule.resourceNames?.length) parts.push(`ResourceNames:${list(rule.resourceNames)}`);
	if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${list(rule.nonResourceURLs)}`);
	if (rule.verbs?.length) parts.push(`Verbs:${list(rule.verbs)}`);
	return `PolicyRule{${parts.join(', ')}}`;
}

const goList = (values: string[] | undefined) => `[${(values ?? []).join(' ')}]`;

export function describeRole(w: Writer, role: KubeObject): void {
	w.line(0, 'Name:', role.metadata.name);
	labels(w, 0, 'Labels', role.metadata.labels);
	annotations(w, 0, role.metadata.annotations);
	const rules = compact(((role['rules'] as PolicyRule[] | undefined) ?? []).flatMap(breakdown))
		.sort((a, b) => (compactString(a) < compactString(b) ? -1 : compactString(a) > compactString(b) ? 1 : 0));
	w.line(0, 'PolicyRule:');
	w.line(1, 'Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs');
	w.line(1, '---------', '-----------------', '--------------', '-----');
	for (const rule of rules) {
		const resource = rule.resources?.[0] ?? '';
		const group = rule.apiGroups?.[0] ?? '';
		w.line(1, resource && group ? `${resource}.${group}` : resource, goList(rule.nonResourceURLs), goList(rule.resourceNames), goList(rule.verbs));
	}
}

export function describeRoleBinding(w: Writer, binding: KubeObject): void {
	w.line(0, 'Name:', binding.metadata.name);
	labels(w, 0, 'Labels', binding.metadata.labels);
	annotations(w, 0, binding.metadata.annotations);
	const ref = (binding['roleRef'] ?? {}) as {kind?: string; name?: string};
	w.line(0, 'Role:');
	w.line(1, 'Kind:', ref.kind ?? '');
	w.line(1, 'Name:', ref.name ?? '');
	w.line(0, 'Subjects:');
	w.line(1, 'Kind', 'Name', 'Namespace');
	w.line(1, '----', '----', '---------');
	for (const subject of (binding['subjects'] as Array<{kind: string; name: string; namespace?: string}> | undefined) ?? []) {
		w.line(1, subject.kind, subject.name, subject.namespace ?? '');
	}
}
