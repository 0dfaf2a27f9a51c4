import test from 'ava';
import {createCluster} from '../../../source/engine/cluster.js';
import {KubeError} from '../../../source/engine/errors.js';
import {forbiddenMessage} from '../../../source/engine/rbac/authorizer.js';

const rbac = 'rbac.authorization.k8s.io/v1';

function cluster() {
	return createCluster({seed: 3, nodes: 1});
}

test('every cluster has the default ClusterRoles and bindings, with admin, edit and view aggregated', t => {
	const c = cluster();
	const names = c.list('ClusterRole').map(r => r.metadata.name);
	for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user']) t.true(names.includes(name), name);
	const rules = (name: string) => (c.get('ClusterRole', name) as any).rules as any[];
	t.deepEqual(rules('cluster-admin'), [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}, {nonResourceURLs: ['*'], verbs: ['*']}]);
	// view = system:aggregate-to-view; edit = its own aggregate plus view; admin = edit plus its aggregate.
	t.deepEqual(rules('view'), rules('system:aggregate-to-view'));
	t.is(rules('edit').length, rules('system:aggregate-to-edit').length + rules('view').length);
	t.is(rules('admin').length, rules('edit').length + rules('system:aggregate-to-admin').length);
	t.like(c.get('ClusterRoleBinding', 'cluster-admin'), {roleRef: {kind: 'ClusterRole', name: 'cluster-admin'}, subjects: [{kind: 'Group', name: 'system:masters'}]});
	t.true(c.authorize({user: 'kubernetes-admin', groups: ['kubeadm:cluster-admins']}, {verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'x'}).allowed);
	t.true(c.authorize({user: 'anyone'}, {verb: 'get', path: '/version'}).allowed);
	t.false(c.authorize({user: 'anyone'}, {verb: 'get', path: '/metrics'}).allowed);
});

test('the authorizer answers with the binding that allowed, and no by default', t => {
	const c = cluster();
	c.apply(`
apiVersion: ${rbac}
kind: Role
metadata: {name: pod-reader, namespace: default}
rules:
- apiGroups: [""]
  resources: ["pods", "pods/log"]
  verbs: ["get", "list"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  resourceNames: ["web"]
  verbs: ["patch"]
---
apiVersion: ${rbac}
kind: RoleBinding
metadata: {name: read-pods, namespace: default}
subjects:
- {kind: User, name: jane}
- {kind: ServiceAccount, name: robot}
- {kind: Group, name: devs}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
`);
	t.deepEqual(c.authorize({user: 'jane'}, {verb: 'list', resource: 'pods', namespace: 'default'}), {
		allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to User "jane"',
	});
	t.false(c.authorize({user: 'jane'}, {verb: 'list', resource: 'pods', namespace: 'kube-system'}).allowed);
	t.false(c.authorize({user: 'jane'}, {verb: 'create', resource: 'pods', namespace: 'default'}).allowed);
	t.true(c.authorize({user: 'jane'}, {verb: 'get', resource: 'pods', subresource: 'log', namespace: 'default'}).allowed);
	t.false(c.authorize({user: 'jane'}, {verb: 'get', resource: 'pods', subresource: 'exec', namespace: 'default'}).allowed);
	t.true(c.authorize({user: 'jane'}, {verb: 'patch', group: 'apps', resource: 'deployments', name: 'web', namespace: 'default'}).allowed);
	t.false(c.authorize({user: 'jane'}, {verb: 'patch', group: 'apps', resource: 'deployments', name: 'api', namespace: 'default'}).allowed);
	// A ServiceAccount subject without a namespace is the binding's; its user name carries the namespace.
	t.deepEqual(c.authorize({user: 'system:serviceaccount:default:robot'}, {verb: 'get', resource: 'pods', namespace: 'default'}).reason,
		'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to ServiceAccount "robot/default"');
	t.false(c.authorize({user: 'system:serviceaccount:other:robot'}, {verb: 'get', resource: 'pods', namespace: 'default'}).allowed);
	t.true(c.authorize({user: 'bob', groups: ['devs']}, {verb: 'get', resource: 'pods', namespace: 'default'}).allowed);
	t.deepEqual(c.authorize({user: 'bob'}, {verb: 'get', resource: 'pods', namespace: 'default'}), {allowed: false, reason: ''});
	// The service accounts of a namespace as a group, through a ClusterRoleBinding to view.
	c.apply({apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: {name: 'sa-view'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'}, subjects: [{kind: 'Group', name: 'system:serviceaccounts:shop', apiGroup: 'rbac.authorization.k8s.io'}]});
	c.advance(100);
	t.is(c.authorize({user: 'system:serviceaccount:shop:default'}, {verb: 'list', group: 'apps', resource: 'deployments', namespace: 'default'}).reason,
		'RBAC: allowed by ClusterRoleBinding "sa-view" of ClusterRole "view" to Group "system:serviceaccounts:shop"');
	t.false(c.authorize({user: 'system:serviceaccount:shop:default'}, {verb: 'list', resource: 'secrets', namespace: 'default'}).allowed);
	// A binding to a role that does not exist grants nothing.
	c.apply({apiVersion: rbac, kind: 'RoleBinding', metadata: {name: 'dangling'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'missing'}, subjects: [{kind: 'User', name: 'eve', apiGroup: 'rbac.authorization.k8s.io'}]});
	t.false(c.authorize({user: 'eve'}, {verb: 'get', resource: 'pods', namespace: 'default'}).allowed);
	t.deepEqual(c.rulesFor({user: 'jane'}, 'default').filter(r => r.resources?.includes('pods')), [{apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list']}]);
});

test('forbidden messages are the API server\'s', t => {
	const jane = {user: 'jane', groups: []};
	t.is(forbiddenMessage(jane, {verb: 'list', group: '', resource: 'pods', namespace: 'default'}), 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"');
	t.is(forbiddenMessage(jane, {verb: 'get', group: 'apps', resource: 'deployments', name: 'web', namespace: 'shop'}), 'deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API group "apps" in the namespace "shop"');
	t.is(forbiddenMessage(jane, {verb: 'list', resource: 'nodes'}), 'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope');
	t.is(forbiddenMessage(jane, {verb: 'get', resource: 'pods', subresource: 'log', name: 'x', namespace: 'default'}), 'pods "x" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "default"');
});

test('RBAC objects are validated with the API server\'s messages, and roleRef is immutable', t => {
	const c = cluster();
	const error = (manifest: object) => t.throws(() => c.apply(manifest as any), {instanceOf: KubeError})!.message;
	t.is(error({apiVersion: rbac, kind: 'Role', metadata: {name: 'r'}, rules: [{resources: ['pods'], verbs: []}]}),
		'Role.rbac.authorization.k8s.io "r" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group]');
	t.is(error({apiVersion: rbac, kind: 'Role', metadata: {name: 'r'}, rules: [{nonResourceURLs: ['/healthz'], verbs: ['get']}]}),
		'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs');
	t.is(error({apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: {name: 'b'}, roleRef: {kind: 'Role', name: 'x'}, subjects: [{kind: 'ServiceAccount', name: 'sa'}]}),
		'ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value]');
	t.is(error({apiVersion: rbac, kind: 'RoleBinding', metadata: {name: 'b'}, roleRef: {kind: 'Role', name: 'x'}, subjects: [{kind: 'Robot', name: 'r2'}]}),
		'RoleBinding.rbac.authorization.k8s.io "b" is invalid: subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"');
	t.is(error({apiVersion: rbac, kind: 'Role', metadata: {name: 'a/b'}}),
		'Role.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain \'/\'');
	// Defaults: roleRef and User subjects get the RBAC group.
	const [binding] = c.apply({apiVersion: rbac, kind: 'RoleBinding', metadata: {name: 'b'}, roleRef: {kind: 'ClusterRole', name: 'view'}, subjects: [{kind: 'User', name: 'jane'}]});
	t.deepEqual((binding as any).roleRef, {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'});
	t.is((binding as any).subjects[0].apiGroup, 'rbac.authorization.k8s.io');
	t.is(error({...binding, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit'}}),
		'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef');
	t.is((c.get('RoleBinding', 'b') as any).roleRef.name, 'view');
});

test('an aggregated ClusterRole follows its sources as they change and go', t => {
	const c = cluster();
	c.apply({apiVersion: rbac, kind: 'ClusterRole', metadata: {name: 'monitoring'}, aggregationRule: {clusterRoleSelectors: [{matchLabels: {'example.com/monitoring': 'true'}}]}, rules: []});
	c.apply({apiVersion: rbac, kind: 'ClusterRole', metadata: {name: 'b-pods', labels: {'example.com/monitoring': 'true'}}, rules: [{apiGroups: [''], resources: ['pods'], verbs: ['get']}]});
	c.apply({apiVersion: rbac, kind: 'ClusterRole', metadata: {name: 'a-svc', labels: {'example.com/monitoring': 'true'}}, rules: [{apiGroups: [''], resources: ['services'], verbs: ['get']}, {apiGroups: [''], resources: ['pods'], verbs: ['get']}]});
	c.advance(10);
	// Sources in name order, duplicates dropped.
	t.deepEqual((c.get('ClusterRole', 'monitoring') as any).rules.map((r: any) => r.resources[0]), ['services', 'pods']);
	c.delete('ClusterRole', 'a-svc');
	c.advance(10);
	t.deepEqual((c.get('ClusterRole', 'monitoring') as any).rules, [{apiGroups: [''], resources: ['pods'], verbs: ['get']}]);
	c.apply({apiVersion: rbac, kind: 'ClusterRole', metadata: {name: 'b-pods'}, rules: [{apiGroups: [''], resources: ['pods'], verbs: ['get']}]});
	c.advance(10);
	t.deepEqual((c.get('ClusterRole', 'monitoring') as any).rules, []);
});

test('authorize refuses bad questions', t => {
	const c = cluster();
	t.throws(() => c.authorize({user: ''}, {verb: 'get', resource: 'pods'}), {message: 'authorize: user is required'});
	t.throws(() => c.authorize({user: 'x'}, {verb: '', resource: 'pods'}), {message: 'authorize: verb is required'});
	t.throws(() => c.authorize({user: 'x', groups: [''] }, {verb: 'get', resource: 'pods'}), {message: 'authorize: groups must be a list of non-empty names'});
});
