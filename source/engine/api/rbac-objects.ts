import type {FieldError} from '../errors.js';
import type {KubeObject, LabelSelector} from './types.js';
import {defaulters} from './defaults.js';
import {validators} from './validate-kinds.js';
import {validateDNS1123Subdomain, validateLabelSelector, validatePathSegmentName} from './validate-metadata.js';

/**
 * RBAC objects (rbac.authorization.k8s.io/v1): Role, ClusterRole,
 * RoleBinding and ClusterRoleBinding, with the API server's defaulting
 * (`pkg/apis/rbac/v1/defaults.go`) and validation (`pkg/apis/rbac/validation`).
 */

export const rbacGroup = 'rbac.authorization.k8s.io';

export type PolicyRule = {
	verbs: string[];
	apiGroups?: string[];
	resources?: string[];
	resourceNames?: string[];
	nonResourceURLs?: string[];
};

export type Subject = {kind: string; apiGroup?: string; name: string; namespace?: string};
export type RoleRef = {apiGroup: string; kind: string; name: string};
export type AggregationRule = {clusterRoleSelectors?: LabelSelector[]};

export type Role = KubeObject & {rules?: PolicyRule[]};
export type ClusterRole = Role & {aggregationRule?: AggregationRule};
export type RoleBinding = KubeObject & {subjects?: Subject[]; roleRef: RoleRef};

function defaultSubjects(subjects: unknown): Subject[] | undefined {
	if (!Array.isArray(subjects)) return subjects as undefined;
	return subjects.map(subject => {
		if (typeof subject !== 'object' || subject === null || subject.apiGroup) return subject;
		// SetDefaults_Subject: users and groups belong to the RBAC group, service accounts to the core group.
		if (subject.kind === 'User' || subject.kind === 'Group') return {...subject, apiGroup: rbacGroup};
		if (subject.kind === 'ServiceAccount') return {...subject, apiGroup: ''};
		return subject;
	});
}

function defaultBinding(object: KubeObject): KubeObject {
	const binding = object as RoleBinding;
	const roleRef = binding.roleRef && typeof binding.roleRef === 'object' && !binding.roleRef.apiGroup
		? {...binding.roleRef, apiGroup: rbacGroup}
		: binding.roleRef;
	const subjects = defaultSubjects(binding.subjects);
	return {...binding, roleRef, ...(subjects ? {subjects} : {})};
}

defaulters.set('RoleBinding', defaultBinding);
defaulters.set('ClusterRoleBinding', defaultBinding);

/** A Go `[]string` as `%#v` prints it in a field error. */
function goStrings(values: readonly string[]): string {
	return `[]string{${values.map(v => JSON.stringify(v)).join(', ')}}`;
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value as string[] : []);

function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
	const errors: FieldError[] = [];
	if (typeof rule !== 'object' || rule === null) return [{field: path, type: 'Invalid value', value: rule, detail: 'must be an object'}];
	const verbs = list(rule.verbs);
	const urls = list(rule.nonResourceURLs);
	const groups = list(rule.apiGroups);
	const resources = list(rule.resources);
	const names = list(rule.resourceNames);
	if (verbs.length === 0) errors.push({field: `${path}.verbs`, type: 'Required value', detail: 'verbs must contain at least one value'});
	if (urls.length > 0) {
		if (namespaced) errors.push({field: `${path}.nonResourceURLs`, type: 'Invalid value', detail: `${goStrings(urls)}: namespaced rules cannot apply to non-resource URLs`});
		if (groups.length > 0 || resources.length > 0 || names.length > 0) {
			errors.push({field: `${path}.nonResourceURLs`, type: 'Invalid value', detail: `${goStrings(urls)}: rules cannot apply to both regular resources and non-resource URLs`});
		}
		return errors;
	}
	if (groups.length === 0) errors.push({field: `${path}.apiGroups`, type: 'Required value', detail: 'resource rules must supply at least one api group'});
	if (resources.length === 0) errors.push({field: `${path}.resources`, type: 'Required value', detail: 'resource rules must supply at least one resource'});
	if (names.length > 0 && resources.length > 1) errors.push({field: `${path}.resourceNames`, type: 'Required value', detail: 'resource names cannot apply to multiple resources'});
	return errors;
}

function validateRules(object: KubeObject, namespaced: boolean): FieldError[] {
	const rules = (object as Role).rules;
	if (rules === undefined || rules === null) return [];
	if (!Array.isArray(rules)) return [{field: 'rules', type: 'Invalid value', value: rules, detail: 'must be a list of rules'}];
	return rules.flatMap((rule, i) => validatePolicyRule(rule, namespaced, `rules[${i}]`));
}

function validateSubject(subject: Subject, namespaced: boolean, path: string): FieldError[] {
	const errors: FieldError[] = [];
	if (typeof subject !== 'object' || subject === null) return [{field: path, type: 'Invalid value', value: subject, detail: 'must be an object'}];
	const name = typeof subject.name === 'string' ? subject.name : '';
	if (name === '') errors.push({field: `${path}.name`, type: 'Required value', detail: ''});
	switch (subject.kind) {
		case 'ServiceAccount':
			if (name) for (const detail of validateDNS1123Subdomain(name)) errors.push({field: `${path}.name`, type: 'Invalid value', value: name, detail});
			if (subject.apiGroup) errors.push({field: `${path}.apiGroup`, type: 'Unsupported value', value: subject.apiGroup, detail: 'supported values: ""'});
			if (!namespaced && !subject.namespace) errors.push({field: `${path}.namespace`, type: 'Required value', detail: ''});
			break;
		case 'User':
		case 'Group':
			if (name === '') errors.push({field: `${path}.name`, type: 'Invalid value', value: name, detail: `${subject.kind === 'User' ? 'user' : 'group'} name cannot be empty`});
			if (subject.apiGroup !== rbacGroup) errors.push({field: `${path}.apiGroup`, type: 'Unsupported value', value: subject.apiGroup ?? '', detail: `supported values: "${rbacGroup}"`});
			break;
		default:
			errors.push({field: `${path}.kind`, type: 'Unsupported value', value: subject.kind ?? '', detail: 'supported values: "ServiceAccount", "User", "Group"'});
	}
	return errors;
}

/** `rbac.RoleRef{APIGroup:"…", Kind:"…", Name:"…"}`, as `%#v` prints it. */
function goRoleRef(ref: RoleRef): string {
	return `rbac.RoleRef{APIGroup:${JSON.stringify(ref?.apiGroup ?? '')}, Kind:${JSON.stringify(ref?.kind ?? '')}, Name:${JSON.stringify(ref?.name ?? '')}}`;
}

function validateBinding(object: KubeObject, old: KubeObject | undefined, namespaced: boolean): FieldError[] {
	const binding = object as RoleBinding;
	const errors: FieldError[] = [];
	const ref = (binding.roleRef ?? {}) as RoleRef;
	if (ref.apiGroup !== rbacGroup) errors.push({field: 'roleRef.apiGroup', type: 'Unsupported value', value: ref.apiGroup ?? '', detail: `supported values: "${rbacGroup}"`});
	const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
	if (!kinds.includes(ref.kind)) {
		errors.push({field: 'roleRef.kind', type: 'Unsupported value', value: ref.kind ?? '', detail: `supported values: ${kinds.map(k => `"${k}"`).join(', ')}`});
	}
	if (!ref.name) errors.push({field: 'roleRef.name', type: 'Required value', detail: ''});
	else for (const detail of validatePathSegmentName(ref.name)) errors.push({field: 'roleRef.name', type: 'Invalid value', value: ref.name, detail});
	const subjects = binding.subjects;
	if (subjects !== undefined && subjects !== null && !Array.isArray(subjects)) {
		errors.push({field: 'subjects', type: 'Invalid value', value: subjects, detail: 'must be a list of subjects'});
	} else {
		for (const [i, subject] of (subjects ?? []).entries()) errors.push(...validateSubject(subject, namespaced, `subjects[${i}]`));
	}
	if (old) {
		const was = (old as RoleBinding).roleRef;
		if (was.apiGroup !== ref.apiGroup || was.kind !== ref.kind || was.name !== ref.name) {
			errors.push({field: 'roleRef', type: 'Invalid value', detail: `${goRoleRef(ref)}: cannot change roleRef`});
		}
	}
	return errors;
}

function validateAggregation(object: KubeObject): FieldError[] {
	const rule = (object as ClusterRole).aggregationRule;
	if (rule === undefined || rule === null) return [];
	const selectors = rule.clusterRoleSelectors ?? [];
	if (!Array.isArray(selectors) || selectors.length === 0) {
		return [{field: 'aggregationRule.clusterRoleSelectors', type: 'Required value', detail: 'at least one clusterRoleSelector required if aggregationRule is non-nil'}];
	}
	return selectors.flatMap((selector, i) => validateLabelSelector(selector, `aggregationRule.clusterRoleSelectors[${i}]`));
}

validators.set('Role', object => validateRules(object, true));
validators.set('ClusterRole', object => [...validateRules(object, false), ...validateAggregation(object)]);
validators.set('RoleBinding', (object, old) => validateBinding(object, old, true));
validators.set('ClusterRoleBinding', (object, old) => validateBinding(object, old, false));
