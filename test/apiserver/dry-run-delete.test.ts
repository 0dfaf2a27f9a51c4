import test from 'ava';
import {kubectlSuite} from './harness.js';

/**
 * Server-side dry runs of every write, and deletecollection. Expected texts:
 * kubectl 1.32 appends " (server dry run)" to its usual line
 * (pkg/cmd/util.DryRunServer in each command's printer); the API server's
 * registry answers a dry-run delete with the object as it would be marked (a
 * pod keeps its grace period) or a Success Status, and deletecollection
 * with the list of what it deleted (registry/generic/registry/store.go).
 */

const fixture = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.25"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: one, labels: {set: x}}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: two, labels: {set: x}}
data: {a: "2"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: three, labels: {set: y}}
data: {a: "3"}
`;

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(fixture);
	cluster.advance(30_000);
}, {what: 'the kubectl dry-run tests'});

const podNames = () => served().cluster.list('Pod', {namespace: 'default'}).map(p => p.metadata.name).sort();

run('--dry-run=server on delete, create, apply, patch, scale and label: checked, answered, nothing written', async t => {
	const rv = served().cluster.resourceVersion;
	const pod = podNames()[0]!;
	const cases: Array<[string[], string]> = [
		[['delete', 'pod', pod, '--dry-run=server'], `pod "${pod}" deleted (server dry run)\n`],
		[['delete', 'deploy', 'web', '--cascade=foreground', '--dry-run=server'], 'deployment.apps "web" deleted (server dry run)\n'],
		[['delete', 'cm', '-l', 'set=x', '--dry-run=server'], 'configmap "one" deleted (server dry run)\nconfigmap "two" deleted (server dry run)\n'],
		[['create', 'deployment', 'other', '--image=nginx:1.25', '--dry-run=server'], 'deployment.apps/other created (server dry run)\n'],
		[['create', 'configmap', 'more', '--from-literal=k=v', '--dry-run=server'], 'configmap/more created (server dry run)\n'],
		[['scale', 'deploy', 'web', '--replicas=5', '--dry-run=server'], 'deployment.apps/web scaled (server dry run)\n'],
		[['label', 'cm', 'one', 'extra=yes', '--dry-run=server'], 'configmap/one labeled (server dry run)\n'],
		// kubectl patch prints its line without the suffix (its printer has no dry-run operation).
		[['patch', 'cm', 'one', '-p', '{"data":{"a":"9"}}', '--dry-run=server'], 'configmap/one patched\n'],
		[['set', 'image', 'deploy/web', 'nginx=nginx:1.26', '--dry-run=server'], 'deployment.apps/web image updated (server dry run)\n'],
	];
	for (const [args, expected] of cases) {
		const result = await served().kubectl(args);
		t.is(result.stdout, expected, args.join(' '));
		t.is(result.code, 0, result.stderr);
	}
	t.is(served().cluster.resourceVersion, rv);
	served().cluster.advance(5000);
	t.is(served().cluster.list('Pod', {namespace: 'default'}).length, 2);
	t.is((served().cluster.get('ConfigMap', 'one')!.data as Record<string, string>)['a'], '1');
});

run('a dry run is still validated and admitted', async t => {
	const invalid = await served().kubectl(['create', 'deployment', 'Bad_Name', '--image=nginx', '--dry-run=server']);
	t.is(invalid.code, 1);
	t.is(invalid.stderr, 'error: failed to create deployment: Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')\n');
	const missing = await served().kubectl(['delete', 'pod', 'nope', '--dry-run=server']);
	t.is(missing.code, 1);
	t.is(missing.stderr, 'Error from server (NotFound): pods "nope" not found\n');
});

test.serial('a dry-run delete answers with the pod as it would be marked, and a Success Status for what goes at once', async t => {
	const pod = podNames()[0]!;
	const before = served().cluster.get('Pod', pod)!;
	const reply = await served().call('DELETE', `/api/v1/namespaces/default/pods/${pod}?dryRun=All`);
	t.is(reply.code, 200);
	const marked = JSON.parse(reply.body);
	t.is(marked.metadata.deletionGracePeriodSeconds, 30);
	t.truthy(marked.metadata.deletionTimestamp);
	t.is(marked.metadata.resourceVersion, before.metadata.resourceVersion);
	t.is(served().cluster.get('Pod', pod)!.metadata.deletionTimestamp, undefined);
	const body = JSON.stringify({kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All']});
	const cm = JSON.parse((await served().call('DELETE', '/api/v1/namespaces/default/configmaps/three', {body, type: 'application/json'})).body);
	t.like(cm, {kind: 'Status', status: 'Success', details: {name: 'three', kind: 'configmaps'}});
	t.truthy(served().cluster.get('ConfigMap', 'three'));
	const wrong = await served().call('DELETE', '/api/v1/namespaces/default/configmaps/three?dryRun=Some');
	t.is(wrong.code, 400);
	t.is(JSON.parse(wrong.body).message, 'dryRun: Unsupported value: "Some": supported values: "All"');
});

test.serial('deletecollection deletes what the selectors match and answers with the list', async t => {
	const dry = await served().call('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=set%3Dx&dryRun=All');
	t.is(dry.code, 200);
	t.deepEqual(JSON.parse(dry.body).items.map((i: {metadata: {name: string}}) => i.metadata.name), ['one', 'two']);
	t.truthy(served().cluster.get('ConfigMap', 'one'));
	const reply = await served().call('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=set%3Dx');
	t.is(reply.code, 200);
	const list = JSON.parse(reply.body);
	t.is(list.kind, 'ConfigMapList');
	t.deepEqual(list.items.map((i: {metadata: {name: string}}) => i.metadata.name), ['one', 'two']);
	t.is(served().cluster.get('ConfigMap', 'one'), undefined);
	t.is(served().cluster.get('ConfigMap', 'two'), undefined);
	t.truthy(served().cluster.get('ConfigMap', 'three'));
	// Pods go with their grace period: terminating, then gone once the kubelet has stopped them.
	const pods = await served().call('DELETE', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb', {body: JSON.stringify({gracePeriodSeconds: 5}), type: 'application/json'});
	t.is(JSON.parse(pods.body).items.length, 2);
	t.true(served().cluster.list('Pod', {namespace: 'default'}).every(p => p.metadata.deletionTimestamp !== undefined));
	const namespaces = await served().call('DELETE', '/api/v1/namespaces');
	t.is(namespaces.code, 405);
});

run('deletecollection is authorized as its own verb', async t => {
	served().cluster.apply({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'deleter', namespace: 'default'}, rules: [{apiGroups: [''], resources: ['configmaps'], verbs: ['delete', 'list']}]});
	served().cluster.apply({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'deleter', namespace: 'default'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deleter'}, subjects: [{kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io'}]});
	t.is((await served().kubectl(['auth', 'can-i', 'deletecollection', 'configmaps', '--as', 'jane'])).stdout, 'no\n');
	t.is((await served().kubectl(['auth', 'can-i', 'delete', 'configmaps', '--as', 'jane'])).stdout, 'yes\n');
});
