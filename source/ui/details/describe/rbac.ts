/** Roles, ClusterRoles and their bindings, as kubectl's RoleDescriber and RoleBindingDescriber print them (no namespace line, no events). */
import {breakdownRule, compactRules, compactRuleString, type KubeObject, type PolicyRule} from '../../../engine/index.js';
import {Writer, annotations, labels} from './writer.js';

const goList = (values: string[] | undefined) => `[${(values ?? []).join(' ')}]`;

export function describeRole(w: Writer, role: KubeObject): void {
	w.line(0, 'Name:', role.metadata.name);
	labels(w, 0, 'Labels', role.metadata.labels);
	annotations(w, 0, role.metadata.annotations);
	const rules = compactRules(((role['rules'] as PolicyRule[] | undefined) ?? []).flatMap(breakdownRule))
		.sort((a, b) => (compactRuleString(a) < compactRuleString(b) ? -1 : compactRuleString(a) > compactRuleString(b) ? 1 : 0));
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
