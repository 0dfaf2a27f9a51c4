/**
 * The RBAC authorizer (`plugin/pkg/auth/authorizer/rbac`), as pure
 * functions over the cluster's roles and bindings: whether a user may do a
 * verb on a resource (with subresource and name) in a namespace, or on a
 * non-resource URL, and which binding allowed it; and the rules a user holds
 * in a namespace (`kubectl auth can-i --list`).
 */
import type {ClusterRole, PolicyRule, Role, RoleBinding, Subject} from '../api/rbac-objects.js';
import {breakdownRule, compactRules, compactRuleString} from './rules.js';

/** Who asks: a user name and the groups it belongs to. */
export type UserInfo = {user: string; groups: readonly string[]};

/** What is asked: a resource request (group '' is the core group) or a non-resource URL. */
export type AccessAttributes = {
	verb: string;
	/** API group of the resource; '' for the core group. */
	group?: string;
	/** Lower-case plural, e.g. `pods`. */
	resource?: string;
	subresource?: string;
	name?: string;
	/** Namespace of the request; empty or absent at the cluster scope. */
	namespace?: string;
	/** A non-resource request's path, e.g. `/healthz`. */
	path?: string;
};

export type AccessDecision = {
	allowed: boolean;
	/** `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "jane"`, or '' when nothing allowed it. */
	reason: string;
};

/** The RBAC objects a decision is made over. */
export type RbacPolicy = {
	clusterRoleBindings: readonly RoleBinding[];
	/** RoleBindings of one namespace. */
	roleBindings: (namespace: string) => readonly RoleBinding[];
	role: (namespace: string, name: string) => Role | undefined;
	clusterRole: (name: string) => ClusterRole | undefined;
};

const serviceAccountPrefix = 'system:serviceaccount:';

/** The groups a user name implies beyond those given: service accounts' groups, and authenticated or not. */
export function userGroups(user: string, groups: readonly string[] = []): string[] {
	const out = [...groups];
	const add = (group: string) => {
		if (!out.includes(group)) out.push(group);
	};
	if (user.startsWith(serviceAccountPrefix)) {
		const [namespace] = user.slice(serviceAccountPrefix.length).split(':');
		add('system:serviceaccounts');
		add(`system:serviceaccounts:${namespace}`);
	}
	add(user === 'system:anonymous' ? 'system:unauthenticated' : 'system:authenticated');
	return out;
}

function appliesTo(user: UserInfo, subject: Subject, namespace: string): boolean {
	switch (subject.kind) {
		case 'User': return user.user === subject.name;
		case 'Group': return user.groups.includes(subject.name);
		case 'ServiceAccount': {
			const saNamespace = subject.namespace || namespace;
			if (!saNamespace) return false;
			return user.user === `${serviceAccountPrefix}${saNamespace}:${subject.name}`;
		}
		default: return false;
	}
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
	if (subject.kind === 'ServiceAccount') return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace}"`;
	return `${subject.kind} "${subject.name}"`;
}

function has(list: readonly string[] | undefined, value: string): boolean {
	return !!list && (list.includes('*') || list.includes(value));
}

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
	for (const resource of rule.resources ?? []) {
		if (resource === '*' || resource === combined) return true;
		if (subresource && resource === `*/${subresource}`) return true;
	}
	return false;
}

function urlMatches(rule: PolicyRule, path: string): boolean {
	for (const url of rule.nonResourceURLs ?? []) {
		if (url === '*' || url === path) return true;
		if (url.endsWith('*') && path.startsWith(url.slice(0, -1))) return true;
	}
	return false;
}

/** `RuleAllows`: whether one policy rule covers the request. */
export function ruleAllows(attributes: AccessAttributes, rule: PolicyRule): boolean {
	if (!has(rule.verbs, attributes.verb)) return false;
	if (attributes.resource === undefined) return urlMatches(rule, attributes.path ?? '');
	const subresource = attributes.subresource ?? '';
	const combined = subresource ? `${attributes.resource}/${subresource}` : attributes.resource;
	if (!has(rule.apiGroups, attributes.group ?? '')) return false;
	if (!resourceMatches(rule, combined, subresource)) return false;
	const names = rule.resourceNames ?? [];
	return names.length === 0 || names.includes(attributes.name ?? '');
}

function roleRules(policy: RbacPolicy, binding: RoleBinding, namespace: string): readonly PolicyRule[] | undefined {
	const ref = binding.roleRef;
	if (ref.kind === 'Role') return namespace ? policy.role(namespace, ref.name)?.rules ?? undefined : undefined;
	if (ref.kind === 'ClusterRole') return policy.clusterRole(ref.name)?.rules ?? undefined;
	return undefined;
}

type Visitor = (source: string, rule: PolicyRule) => boolean;

/** `VisitRulesFor`: every rule that applies to the user in the namespace, ClusterRoleBindings first; the visitor returns false to stop. */
function visitRules(policy: RbacPolicy, user: UserInfo, namespace: string, visit: Visitor): void {
	for (const binding of policy.clusterRoleBindings) {
		const subject = (binding.subjects ?? []).find(s => appliesTo(user, s, ''));
		if (!subject) continue;
		const source = `ClusterRoleBinding "${binding.metadata.name}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, '')}`;
		for (const rule of roleRules(policy, binding, '') ?? []) if (!visit(source, rule)) return;
	}
	if (!namespace) return;
	for (const binding of policy.roleBindings(namespace)) {
		const subject = (binding.subjects ?? []).find(s => appliesTo(user, s, namespace));
		if (!subject) continue;
		const source = `RoleBinding "${binding.metadata.name}/${namespace}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, namespace)}`;
		for (const rule of roleRules(policy, binding, namespace) ?? []) if (!visit(source, rule)) return;
	}
}

/** The RBAC decision for one request. */
export function authorize(policy: RbacPolicy, user: UserInfo, attributes: AccessAttributes): AccessDecision {
	let reason = '';
	visitRules(policy, user, attributes.namespace ?? '', (source, rule) => {
		if (!ruleAllows(attributes, rule)) return true;
		reason = `RBAC: allowed by ${source}`;
		return false;
	});
	return {allowed: reason !== '', reason};
}

/** Every rule the user holds in the namespace (cluster-wide rules included), in the order RBAC visits them. */
export function rulesFor(policy: RbacPolicy, user: UserInfo, namespace: string): PolicyRule[] {
	const rules: PolicyRule[] = [];
	visitRules(policy, user, namespace, (_source, rule) => {
		rules.push(rule);
		return true;
	});
	return rules;
}

/**
 * The API server's Forbidden message for a refused request
 * (`responsewriters.forbiddenMessage` inside `errors.NewForbidden`):
 * `pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"`.
 */
export function forbiddenMessage(user: UserInfo, attributes: AccessAttributes): string {
	if (attributes.resource === undefined) return `forbidden: User "${user.user}" cannot ${attributes.verb} path "${attributes.path ?? ''}"`;
	const group = attributes.group ?? '';
	const qualified = group ? `${attributes.resource}.${group}` : attributes.resource;
	const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
	const scope = attributes.namespace ? `in the namespace "${attributes.namespace}"` : 'at the cluster scope';
	const what = `User "${user.user}" cannot ${attributes.verb} resource "${resource}" in API group "${group}" ${scope}`;
	return attributes.name ? `${qualified} "${attributes.name}" is forbidden: ${what}` : `${qualified} is forbidden: ${what}`;
}

function hasAll(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
	return (wanted ?? []).every(value => owner?.includes(value));
}

/** `ruleCovers` (component-helpers/auth/rbac/validation): whether an owner's rule holds everything a single-verb rule asks. */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
	const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
	const groups = (owner.apiGroups ?? []).includes('*') || hasAll(owner.apiGroups, sub.apiGroups);
	const resources = (sub.resources ?? []).every(resource => (owner.resources ?? []).some(o => {
		if (o === '*' || o === resource) return true;
		const slash = resource.indexOf('/');
		return slash >= 0 && (o === `${resource.slice(0, slash)}/*` || o === `*${resource.slice(slash)}`);
	}));
	const urls = (sub.nonResourceURLs ?? []).every(url => (owner.nonResourceURLs ?? []).some(o => o === '*' || o === url || (o.endsWith('*') && url.startsWith(o.slice(0, -1)))));
	const names = (sub.resourceNames ?? []).length === 0 ? (owner.resourceNames ?? []).length === 0 : (owner.resourceNames ?? []).length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
	return verbs && groups && resources && urls && names;
}



/**
 * `ConfirmNoEscalation`: undefined when the user's own rules in the namespace
 * cover `rules`; else the API server's message listing what is missing
 * (verbs of one group and resource gathered, as `CompactRules` does).
 */
export function escalationMessage(policy: RbacPolicy, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): string | undefined {
	const owned = rulesFor(policy, user, namespace);
	const missing = rules.flatMap(breakdownRule).filter(sub => !owned.some(owner => ruleCovers(owner, sub)));
	if (missing.length === 0) return undefined;
	const lines = [...new Set(compactRules(missing).map(compactRuleString))].sort();
	const groups = `[${user.groups.map(g => JSON.stringify(g)).join(' ')}]`;
	return `user "${user.user}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
}
