import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {buildXray, flattenXray} from '../../../source/ui/xray/xray-tree.js';

function shop() {
	const cluster = createCluster({seed: 7, nodes: 2});
	cluster.apply([
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'web-config'}, data: {mode: 'prod'}},
		{apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{port: 80}]}},
		{
			apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web-1', labels: {app: 'web'}},
			spec: {
				containers: [{name: 'nginx', image: 'nginx:1.27', envFrom: [{secretRef: {name: 'web-creds'}}], env: [{name: 'MODE', valueFrom: {configMapKeyRef: {name: 'web-config', key: 'mode'}}}]}],
				volumes: [{name: 'conf', configMap: {name: 'web-config'}}],
			},
		},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web-2', labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.27'}]}},
	]);
	cluster.advance(30_000);
	return cluster;
}

test('pod xray: containers and the ConfigMaps, Secrets and claims each pod uses, with health marks', t => {
	const cluster = shop();
	const rows = flattenXray(buildXray(cluster, 'Pod', 'default'));
	const text = rows.map(r => `${r.prefix}${r.node.kind}/${r.node.name} ${r.node.health}`);
	t.deepEqual(text, [
		'Namespace/default fault',
		'├─ Pod/web-1 fault',
		'│  ├─ Container/nginx fault',
		'│  ├─ ConfigMap/web-config ok',
		'│  └─ Secret/web-creds fault',
		'└─ Pod/web-2 ok',
		'   └─ Container/nginx ok',
	]);
	t.is(rows.find(r => r.node.kind === 'Secret')!.node.info, 'not found');
	// The kubelet cannot build the container's environment without the Secret.
	t.regex(rows[2]!.node.info, /CreateContainerConfigError/);
});

test('service xray: the pods behind the selector, ready ones counted; a service with no pods is a fault', t => {
	const cluster = shop();
	cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'nobody'}, spec: {selector: {app: 'none'}, ports: [{port: 80}]}});
	const roots = buildXray(cluster, 'Service', 'default');
	const services = roots[0]!.children.filter(n => n.name !== 'kubernetes');
	t.deepEqual(services.map(s => [s.name, s.health, s.children.map(c => c.name)]), [
		['nobody', 'fault', []],
		['web', 'warn', ['web-1', 'web-2']],
	]);
	t.regex(services[1]!.info, /1\/2 endpoints/);
});

test('collapsed nodes hide their children', t => {
	const cluster = shop();
	const roots = buildXray(cluster, 'Pod', 'default');
	const rows = flattenXray(roots, new Set([roots[0]!.children[0]!.id]));
	t.deepEqual(rows.map(r => r.node.name), ['default', 'web-1', 'web-2', 'nginx']);
	t.true(rows[1]!.collapsed);
});

test('service xray counts the endpoints of the Service\'s EndpointSlices, so default/kubernetes shows the apiserver\'s 1/1 that :ep shows', t => {
	const cluster = shop();
	const services = buildXray(cluster, 'Service', 'default')[0]!.children;
	const kubernetes = services.find(n => n.name === 'kubernetes')!;
	t.is(kubernetes.health, 'ok');
	t.regex(kubernetes.info, /^ClusterIP 10\.96\.0\.1 1\/1 endpoints$/);
	const slice = cluster.get('endpointslice', 'kubernetes', 'default')!;
	t.deepEqual(slice.metadata.labels, {'kubernetes.io/service-name': 'kubernetes'});
	t.deepEqual((slice['endpoints'] as Array<{addresses: string[]}>).map(e => e.addresses), [['172.18.0.2']]);
	t.deepEqual(cluster.get('endpoints', 'kubernetes', 'default')!['subsets'], [{addresses: [{ip: '172.18.0.2'}], ports: [{name: 'https', port: 6443, protocol: 'TCP'}]}]);
});

test('service account xray: the bindings that name it, the roles they grant, and the pods running as it', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	cluster.apply([
		{apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'robot'}},
		{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'pod-reader'}, rules: [{apiGroups: [''], resources: ['pods'], verbs: ['get', 'list']}]},
		{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'robot-reads'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader'}, subjects: [{kind: 'ServiceAccount', name: 'robot'}]},
		{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: {name: 'robot-missing'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'gone'}, subjects: [{kind: 'ServiceAccount', name: 'robot', namespace: 'default'}]},
		{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: {name: 'other'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'}, subjects: [{kind: 'ServiceAccount', name: 'robot', namespace: 'elsewhere'}]},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'bot'}, spec: {serviceAccountName: 'robot', containers: [{name: 'c', image: 'nginx:1.27'}]}},
	]);
	cluster.advance(30_000);
	const rows = flattenXray(buildXray(cluster, 'ServiceAccount', 'default'));
	t.deepEqual(rows.map(r => `${r.prefix}${r.node.kind}/${r.node.name} ${r.node.health} ${r.node.info}`), [
		'Namespace/default fault 2',
		'├─ ServiceAccount/default ok 0 bindings, 0 pods',
		'└─ ServiceAccount/robot fault 2 bindings, 1 pod',
		'   ├─ RoleBinding/robot-reads ok Role/pod-reader',
		'   │  └─ Role/pod-reader ok 1 rule',
		'   ├─ ClusterRoleBinding/robot-missing fault ClusterRole/gone',
		'   │  └─ ClusterRole/gone fault not found',
		'   └─ Pod/bot ok Running 1/1',
		'      └─ Container/c ok nginx:1.27 Ready',
	]);
});
