import {readFileSync} from 'node:fs';
import {kubectlSuite} from './harness.js';

/** kubectl against the served cluster: RBAC (can-i, --as, impersonation, the create generators) and CustomResourceDefinitions. */

const docs = (file: string) => new URL(`../fixtures/docs/${file}`, import.meta.url).pathname;
const lines = (...rows: string[]) => rows.map(r => `${r}\n`).join('');

const {run, served} = kubectlSuite(cluster => {
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'development'}});
	cluster.apply(readFileSync(docs('rbac-examples.yaml'), 'utf8'));
	cluster.advance(10_000);
});

run('auth can-i answers for the admin and, with --as and --as-group, for others through RBAC', async t => {
	const can = async (...args: string[]) => {
		const result = await served().kubectl(['auth', 'can-i', ...args]);
		return `${result.stdout.trim()} ${result.code}`;
	};
	t.is(await can('delete', 'nodes'), 'yes 0');
	t.is(await can('list', 'pods', '--as', 'jane'), 'yes 0');
	t.is(await can('list', 'pods', '--as', 'jane', '-n', 'kube-system'), 'no 1');
	t.is(await can('delete', 'pods', '--as', 'jane'), 'no 1');
	t.is(await can('get', 'secrets', '--as', 'dave', '-n', 'development'), 'yes 0');
	t.is(await can('get', 'secrets', '--as', 'dave'), 'no 1');
	t.is(await can('watch', 'secrets', '--as', 'alice', '--as-group', 'manager', '-n', 'kube-system'), 'yes 0');
	t.is((await served().kubectl(['auth', 'whoami'])).stdout, lines(
		'ATTRIBUTE   VALUE',
		'Username    kubernetes-admin',
		'Groups      [kubeadm:cluster-admins system:authenticated]',
	));
	t.is((await served().kubectl(['auth', 'whoami', '--as', 'jane', '--as-group', 'devs'])).stdout, lines(
		'ATTRIBUTE   VALUE',
		'Username    jane',
		'Groups      [devs system:authenticated]',
	));
	const list = await served().kubectl(['auth', 'can-i', '--list', '--as', 'jane']);
	t.is(list.code, 0);
	t.regex(list.stdout, /^pods +\[\] +\[\] +\[get watch list\]$/m);
	t.regex(list.stdout, /^selfsubjectaccessreviews\.authorization\.k8s\.io +\[\] +\[\] +\[create\]$/m);
});

run('an impersonated request RBAC does not allow is refused with the API server\'s Forbidden', async t => {
	const pods = await served().kubectl(['get', 'pods', '-n', 'kube-system', '--as', 'jane']);
	t.is(pods.code, 1);
	t.is(pods.stderr, 'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "kube-system"\n');
	const node = await served().kubectl(['get', 'node', 'kubarium-worker', '--as', 'jane']);
	t.is(node.stderr, 'Error from server (Forbidden): nodes "kubarium-worker" is forbidden: User "jane" cannot get resource "nodes" in API group "" at the cluster scope\n');
	const deploy = await served().kubectl(['create', 'deployment', 'x', '--image=nginx', '--as', 'jane']);
	t.is(deploy.stderr, 'error: failed to create deployment: deployments.apps is forbidden: User "jane" cannot create resource "deployments" in API group "apps" in the namespace "default"\n');
	t.is((await served().kubectl(['get', 'pods', '--as', 'jane'])).code, 0);
	t.is(served().cluster.get('Deployment', 'x'), undefined);
});

run('the create generators make roles and bindings; a service account subject authorizes', async t => {
	const created = async (...args: string[]) => (await served().kubectl(['create', ...args])).stdout.trim();
	t.is(await created('role', 'r1', '--verb=get,list', '--resource=pods,deployments.apps'), 'role.rbac.authorization.k8s.io/r1 created');
	t.is(await created('clusterrole', 'c1', '--verb=get', '--resource=nodes', '--resource-name=kubarium-worker'), 'clusterrole.rbac.authorization.k8s.io/c1 created');
	t.is(await created('rolebinding', 'rb1', '--role=r1', '--user=bob', '--serviceaccount=default:robot', '--group=g1'), 'rolebinding.rbac.authorization.k8s.io/rb1 created');
	t.is(await created('clusterrolebinding', 'crb1', '--clusterrole=c1', '--serviceaccount=default:robot'), 'clusterrolebinding.rbac.authorization.k8s.io/crb1 created');
	t.like(served().cluster.get('Role', 'r1'), {rules: [{apiGroups: [''], resources: ['pods'], verbs: ['get', 'list']}, {apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list']}]});
	t.like(served().cluster.get('ClusterRole', 'c1'), {rules: [{apiGroups: [''], resources: ['nodes'], resourceNames: ['kubarium-worker'], verbs: ['get']}]});
	t.like(served().cluster.get('RoleBinding', 'rb1'), {roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r1'},
		subjects: [{kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io'}, {kind: 'Group', name: 'g1', apiGroup: 'rbac.authorization.k8s.io'}, {kind: 'ServiceAccount', name: 'robot', namespace: 'default'}]});
	const robot = 'system:serviceaccount:default:robot';
	t.is((await served().kubectl(['auth', 'can-i', 'list', 'deployments.apps', '--as', robot])).stdout.trim(), 'yes');
	t.is((await served().kubectl(['get', 'node', 'kubarium-worker', '--as', robot, '-o', 'name'])).stdout.trim(), 'node/kubarium-worker');
	t.is((await served().kubectl(['get', 'node', 'kubarium-worker2', '--as', robot])).code, 1);
	t.is((await served().kubectl(['get', 'rolebinding', 'rb1', '-o', 'wide'])).stdout, lines(
		'NAME   ROLE      AGE   USERS   GROUPS   SERVICEACCOUNTS',
		'rb1    Role/r1   0s    bob     g1       default/robot',
	));
	const role = await served().kubectl(['get', 'role', 'pod-reader']);
	t.regex(role.stdout, /^NAME +CREATED AT\npod-reader +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
	// roleRef cannot change.
	const patch = await served().kubectl(['patch', 'rolebinding', 'rb1', '--type=merge', '-p', '{"roleRef":{"name":"pod-reader"}}']);
	t.is(patch.stderr, 'The RoleBinding "rb1" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"pod-reader"}: cannot change roleRef\n');
	const describe = await served().kubectl(['describe', 'clusterrole', 'monitoring']);
	t.regex(describe.stdout, /endpointslices\.discovery\.k8s\.io +\[\] +\[\] +\[get list watch\]/);
});

run('a CustomResourceDefinition serves its kind: discovery, get with printer columns, yaml, validation, finalizers, delete', async t => {
	t.is((await served().kubectl(['apply', '-f', docs('crd-crontab-defaults-columns.yaml')])).stdout, 'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n');
	served().cluster.advance(0);
	t.is((await served().kubectl(['api-resources', '--api-group=stable.example.com'])).stdout, lines(
		'NAME       SHORTNAMES   APIVERSION              NAMESPACED   KIND',
		'crontabs   ct           stable.example.com/v1   true         CronTab',
	));
	t.is((await served().kubectl(['apply', '-f', docs('crd-my-crontab.yaml')])).stdout, 'crontab.stable.example.com/my-new-cron-object created\n');
	t.is((await served().kubectl(['get', 'crontabs'])).stdout, lines(
		'NAME                 SPEC          REPLICAS   AGE',
		'my-new-cron-object   * * * * */5   1          0s',
	));
	const yaml = (await served().kubectl(['get', 'ct', 'my-new-cron-object', '-o', 'yaml'])).stdout;
	t.regex(yaml, /^apiVersion: stable\.example\.com\/v1\nkind: CronTab\n/);
	t.regex(yaml, /\nspec:\n {2}cronSpec: '\* \* \* \* \*\/5'\n {2}image: my-awesome-cron-image\n {2}replicas: 1\n/);
	const invalid = await served().kubectl(['apply', '-f', docs('crd-my-crontab-invalid.yaml')]);
	t.is(invalid.code, 1);
	t.is(invalid.stderr, lines(
		'The CronTab "my-new-cron-object" is invalid: ',
		'* spec.cronSpec: Invalid value: "* * * *": spec.cronSpec in body should match \'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$\'',
		'* spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10',
	));
	// kubectl validates strictly: an undeclared field is refused.
	const unknown = await served().kubectl(['create', '-f', '-'], 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: odd}\nspec: {colour: blue}\n');
	t.regex(unknown.stderr, /CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec\.colour"/);
	// A finalizer holds the object Terminating; deleting the definition waits for it.
	await served().kubectl(['patch', 'ct', 'my-new-cron-object', '--type=merge', '-p', '{"metadata":{"finalizers":["stable.example.com/finalizer"]}}']);
	t.is((await served().kubectl(['delete', 'ct', 'my-new-cron-object', '--wait=false'])).stdout, 'crontab.stable.example.com "my-new-cron-object" deleted\n');
	t.truthy(served().cluster.get('CronTab', 'my-new-cron-object')?.metadata.deletionTimestamp);
	await served().kubectl(['delete', 'crd', 'crontabs.stable.example.com', '--wait=false']);
	served().cluster.advance(100);
	const terminating = await served().kubectl(['get', 'crd', 'crontabs.stable.example.com', '-o', 'jsonpath={.status.conditions[?(@.type=="Terminating")].reason}']);
	t.is(terminating.stdout, 'InstanceDeletionInProgress');
	await served().kubectl(['patch', 'ct', 'my-new-cron-object', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
	served().cluster.advance(100);
	t.is((await served().kubectl(['get', 'crd'])).stderr, 'No resources found\n');
	t.is((await served().call('GET', '/apis/stable.example.com/v1/namespaces/default/crontabs')).code, 404);
});

run('the status subresource writes only status', async t => {
	served().cluster.apply({
		apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'gadgets.example.com'},
		spec: {group: 'example.com', scope: 'Namespaced', names: {plural: 'gadgets', kind: 'Gadget'}, versions: [{name: 'v1', served: true, storage: true, subresources: {status: {}},
			schema: {openAPIV3Schema: {type: 'object', properties: {spec: {type: 'object', properties: {size: {type: 'integer'}}}, status: {type: 'object', properties: {ready: {type: 'boolean'}}}}}}}]},
	});
	served().cluster.advance(0);
	served().cluster.apply({apiVersion: 'example.com/v1', kind: 'Gadget', metadata: {name: 'g'}, spec: {size: 1}, status: {ready: true}});
	t.is(served().cluster.get('Gadget', 'g')!.status, undefined);
	const patched = await served().kubectl(['patch', 'gadget', 'g', '--subresource=status', '--type=merge', '-p', '{"status":{"ready":true},"spec":{"size":9}}']);
	t.is(patched.stdout, 'gadget.example.com/g patched\n');
	t.like(served().cluster.get('Gadget', 'g'), {spec: {size: 1}, status: {ready: true}});
	const bad = await served().kubectl(['patch', 'gadget', 'g', '--subresource=status', '--type=merge', '-p', '{"status":{"ready":"yes"}}']);
	t.regex(bad.stderr, /status\.ready: Invalid value: "string": status\.ready in body must be of type boolean: "string"/);
});

run('a definition serving two versions: discovery lists both, the preferred first; each reads objects in its own version', async t => {
	const schema = {openAPIV3Schema: {type: 'object', properties: {spec: {type: 'object', properties: {size: {type: 'integer'}}}}}};
	served().cluster.apply({
		apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'widgets.example.org'},
		spec: {group: 'example.org', scope: 'Namespaced', names: {plural: 'widgets', kind: 'Widget'}, versions: [
			{name: 'v1beta1', served: true, storage: false, schema}, {name: 'v1', served: true, storage: true, schema},
		]},
	});
	served().cluster.advance(0);
	t.is((await served().kubectl(['api-versions'])).stdout.split('\n').filter(l => l.startsWith('example.org/')).join(' '), 'example.org/v1 example.org/v1beta1');
	const created = await served().kubectl(['create', '-f', '-'], 'apiVersion: example.org/v1beta1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 2}\n');
	t.is(created.stdout, 'widget.example.org/w created\n');
	t.is(served().cluster.get('Widget', 'w')!.apiVersion, 'example.org/v1');
	t.is((await served().kubectl(['get', 'widgets.v1beta1.example.org', 'w', '-o', 'jsonpath={.apiVersion}'])).stdout, 'example.org/v1beta1');
	t.is((await served().kubectl(['get', 'widgets', 'w', '-o', 'jsonpath={.apiVersion}'])).stdout, 'example.org/v1');
});

run('an impersonated user may not grant what it does not hold: the API server\'s escalation check', async t => {
	served().cluster.apply([
		{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'role-maker'}, rules: [{apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['create']}]},
		{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'jane-makes-roles'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'role-maker'}, subjects: [{kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io'}]},
	]);
	const refused = await served().kubectl(['create', 'role', 'secret-getter', '--verb=get,list', '--resource=secrets', '--as', 'jane']);
	t.is(refused.stderr, [
		'Error from server (Forbidden): roles.rbac.authorization.k8s.io "secret-getter" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:',
		'{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
		'',
	].join('\n'));
	t.is(served().cluster.get('Role', 'secret-getter'), undefined);
	// What jane holds (pod-reader: get, watch, list pods) she may grant.
	t.is((await served().kubectl(['create', 'role', 'pod-getter', '--verb=get', '--resource=pods', '--as', 'jane'])).stdout, 'role.rbac.authorization.k8s.io/pod-getter created\n');
	t.is((await served().kubectl(['create', 'rolebinding', 'bob-reads', '--role=pod-reader', '--user=bob', '--as', 'jane'])).stdout, 'rolebinding.rbac.authorization.k8s.io/bob-reads created\n');
	const binding = await served().kubectl(['create', 'rolebinding', 'bob-admin', '--clusterrole=admin', '--user=bob', '--as', 'jane']);
	t.regex(binding.stderr, /^error: failed to create rolebinding: rolebindings\.rbac\.authorization\.k8s\.io "bob-admin" is forbidden: user "jane" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n/);
});
