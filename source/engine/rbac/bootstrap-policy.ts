/**
 * The default roles and bindings the API server creates at start
 * (`plugin/pkg/auth/authorizer/rbac/bootstrappolicy`): cluster-admin, the
 * aggregated admin, edit and view with the system:aggregate-to-* roles they
 * gather, and the roles every authenticated user holds (discovery, basic
 * user, public info). Rules are those of Kubernetes 1.32.
 */
import type {ClusterRole, PolicyRule, RoleBinding} from '../api/rbac-objects.js';
import {rbacGroup} from '../api/rbac-objects.js';

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const rule = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({apiGroups, resources, verbs});

const aggregateToAdmin: PolicyRule[] = [
	rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
	rule([rbacGroup], ['rolebindings', 'roles'], all),
];

const aggregateToEdit: PolicyRule[] = [
	rule([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], read),
	rule([''], ['serviceaccounts'], ['impersonate']),
	rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], write),
	rule([''], ['pods/eviction'], ['create']),
	rule([''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], write),
	rule([''], ['serviceaccounts/token'], ['create']),
	rule(['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], write),
	rule(['autoscaling'], ['horizontalpodautoscalers'], write),
	rule(['batch'], ['cronjobs', 'jobs'], write),
	rule(['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale'], write),
	rule(['policy'], ['poddisruptionbudgets'], write),
	rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], write),
	rule(['coordination.k8s.io'], ['leases'], all),
];

const aggregateToView: PolicyRule[] = [
	rule([''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'], read),
	rule([''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'], read),
	rule([''], ['namespaces'], read),
	rule(['discovery.k8s.io'], ['endpointslices'], read),
	rule(['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'], read),
	rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], read),
	rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], read),
	rule(['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale'], read),
	rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], read),
	rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], read),
];

const defaultsLabel = {'kubernetes.io/bootstrapping': 'rbac-defaults'};
const autoupdate = {'rbac.authorization.kubernetes.io/autoupdate': 'true'};

function meta(name: string, labels: Record<string, string> = {}) {
	return {name, uid: '', resourceVersion: '', creationTimestamp: '', labels: {...defaultsLabel, ...labels}, annotations: {...autoupdate}};
}

function clusterRole(name: string, rules: PolicyRule[] | undefined, labels: Record<string, string> = {}, aggregateLabel?: string): ClusterRole {
	return {
		apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRole', metadata: meta(name, labels),
		...(aggregateLabel ? {aggregationRule: {clusterRoleSelectors: [{matchLabels: {[aggregateLabel]: 'true'}}]}} : {}),
		rules: rules ?? [],
	};
}

function clusterRoleBinding(name: string, role: string, groups: string[]): RoleBinding {
	return {
		apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRoleBinding', metadata: meta(name),
		roleRef: {apiGroup: rbacGroup, kind: 'ClusterRole', name: role},
		subjects: groups.map(name => ({apiGroup: rbacGroup, kind: 'Group', name})),
	};
}

const toAdmin = {'rbac.authorization.k8s.io/aggregate-to-admin': 'true'};
const toEdit = {'rbac.authorization.k8s.io/aggregate-to-edit': 'true'};
const toView = {'rbac.authorization.k8s.io/aggregate-to-view': 'true'};

/** The default ClusterRoles, in name order (as the API server lists them). */
export function bootstrapClusterRoles(): ClusterRole[] {
	return [
		clusterRole('admin', undefined, {}, 'rbac.authorization.k8s.io/aggregate-to-admin'),
		clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), {nonResourceURLs: ['*'], verbs: ['*']}]),
		clusterRole('edit', undefined, toAdmin, 'rbac.authorization.k8s.io/aggregate-to-edit'),
		clusterRole('system:aggregate-to-admin', aggregateToAdmin, toAdmin),
		clusterRole('system:aggregate-to-edit', aggregateToEdit, toEdit),
		clusterRole('system:aggregate-to-view', aggregateToView, toView),
		clusterRole('system:basic-user', [
			rule(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create']),
			rule(['authentication.k8s.io'], ['selfsubjectreviews'], ['create']),
		]),
		clusterRole('system:discovery', [{nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get']}]),
		clusterRole('system:public-info-viewer', [{nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get']}]),
		clusterRole('view', undefined, toEdit, 'rbac.authorization.k8s.io/aggregate-to-view'),
	];
}

/**
 * The default ClusterRoleBindings. `kubeadm:cluster-admins` is the binding
 * kubeadm (and so kind) makes for the admin kubeconfig's group.
 */
export function bootstrapClusterRoleBindings(): RoleBinding[] {
	const kubeadm = clusterRoleBinding('kubeadm:cluster-admins', 'cluster-admin', [adminUser.groups[0]!]);
	kubeadm.metadata = {...kubeadm.metadata, labels: {}, annotations: {}};
	return [
		clusterRoleBinding('cluster-admin', 'cluster-admin', ['system:masters']),
		kubeadm,
		clusterRoleBinding('system:basic-user', 'system:basic-user', ['system:authenticated']),
		clusterRoleBinding('system:discovery', 'system:discovery', ['system:authenticated']),
		clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', ['system:authenticated', 'system:unauthenticated']),
	];
}

/** Who the served API's token belongs to: kind's admin user, bound to cluster-admin through its group. */
export const adminUser = {user: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated']} as const;
