import test from 'ava';
import {createCluster, type Cluster} from '../../source/engine/cluster.js';
import {KubeError, type ErrorCode} from '../../source/engine/errors.js';
import type {Deployment, Pod, ReplicaSet} from '../../source/engine/api/types.js';

const subdomainRule = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';
const labelValueRule = 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')';

type Shape = {name?: string; namespace?: string; replicas?: unknown; labels?: Record<string, string>; selector?: unknown; image?: string};

function deployment({name = 'web', namespace, replicas = 2, labels, selector, image = 'nginx:1.25'}: Shape = {}) {
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name, ...(namespace ? {namespace} : {}), ...(labels ? {labels} : {})},
		spec: {
			replicas,
			selector: selector ?? {matchLabels: {app: name}},
			template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'main', image}]}},
		},
	};
}

const multiDoc = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: main
        image: httpd:2.4
`;

/** Everything a command could have changed: the store's version and every object of the kinds in play. */
function snapshot(cluster: Cluster): string {
	const kinds = ['Namespace', 'Deployment', 'ReplicaSet', 'Pod', 'ConfigMap', 'Event'];
	return JSON.stringify({rv: cluster.context.store.resourceVersion, objects: kinds.map(kind => cluster.list(kind))});
}

function settled(): Cluster {
	const cluster = createCluster({seed: 21, nodes: 2});
	cluster.apply(deployment());
	cluster.advance(30_000);
	return cluster;
}

test('apply creates, get and list read, apply again updates in place', t => {
	const cluster = settled();
	const d = cluster.get('deployment', 'web') as Deployment;
	t.is(d.metadata.namespace, 'default');
	t.is(d.metadata.generation, 1);
	t.is(d.spec!.strategy.type, 'RollingUpdate');
	t.deepEqual(d.spec!.strategy.rollingUpdate, {maxUnavailable: '25%', maxSurge: '25%'});
	t.is(d.spec!.revisionHistoryLimit, 10);
	t.is(d.spec!.progressDeadlineSeconds, 600);
	t.is(cluster.get('deploy', 'web'), d, 'short names resolve to the same object');
	t.is(cluster.list('pods', {labelSelector: 'app=web'}).length, 2);
	t.is(cluster.list('pods', {labelSelector: 'app=other'}).length, 0);
	t.is(cluster.list('pods', {namespace: 'kube-system'}).length, 0);
	const [updated] = cluster.apply(deployment({image: 'nginx:1.27'}));
	t.is(updated!.metadata.uid, d.metadata.uid);
	t.is(updated!.metadata.generation, 2);
	t.is(updated!.status!.observedGeneration, 1, 'status is kept by apply');
});

test('multi-document YAML applies every document', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	const stored = cluster.apply(multiDoc);
	t.deepEqual(stored.map(o => `${o.kind}/${o.metadata.name}`), ['ConfigMap/settings', 'Deployment/api']);
	cluster.advance(30_000);
	t.is(cluster.list('pods', {labelSelector: 'app=api'}).length, 3);
	t.is((cluster.get('configmap', 'settings') as {data?: Record<string, string>}).data?.['mode'], 'fast');
});

test('scale changes replicas and the controllers follow; scale down removes pods', t => {
	const cluster = settled();
	const scaled = cluster.scale('deployment', 'web', 5) as Deployment;
	t.is(scaled.spec!.replicas, 5);
	cluster.advance(30_000);
	t.is(cluster.list('pods').length, 5);
	t.like((cluster.get('deployment', 'web') as Deployment).status, {replicas: 5, availableReplicas: 5});
	cluster.scale('deployment', 'web', 1);
	cluster.advance(40_000);
	t.is(cluster.list('pods').length, 1);
	t.is((cluster.list('replicasets')[0] as ReplicaSet).spec!.replicas, 1);
});

test('delete removes the Deployment and, through the garbage collector, everything it owns', t => {
	const cluster = settled();
	cluster.delete('deployment', 'web');
	cluster.advance(40_000);
	t.is(cluster.list('deployments').length, 0);
	t.is(cluster.list('replicasets').length, 0);
	t.is(cluster.list('pods').length, 0);
});

test('a deleted pod of a Deployment comes back under a new name', t => {
	const cluster = settled();
	const victim = (cluster.list('pods') as Pod[])[0]!.metadata.name;
	cluster.delete('pod', victim);
	cluster.advance(40_000);
	const names = cluster.list('pods').map(p => p.metadata.name);
	t.is(names.length, 2);
	t.false(names.includes(victim));
});

// Bad input: the specific error, and nothing written.
const badInput: Array<{name: string; run: (cluster: Cluster) => unknown; code: ErrorCode; message: string}> = [
	{name: 'unknown kind in a manifest', code: 'NotFound', message: 'no matches for kind "Deploymnt" in version "apps/v1"',
		run: c => c.apply({...deployment(), kind: 'Deploymnt'})},
	{name: 'unknown resource type', code: 'NotFound', message: 'the server doesn\'t have a resource type "deploymnt"',
		run: c => c.scale('deploymnt', 'web', 3)},
	{name: 'invalid name', code: 'Invalid', message: `Deployment.apps "Web_1" is invalid: metadata.name: Invalid value: "Web_1": ${subdomainRule}`,
		run: c => c.apply(deployment({name: 'Web_1'}))},
	{name: 'invalid label value', code: 'Invalid', message: `Deployment.apps "web" is invalid: metadata.labels: Invalid value: "a b": ${labelValueRule}`,
		run: c => c.apply(deployment({labels: {tier: 'a b'}}))},
	{name: 'selector that does not match the template', code: 'Invalid', message: 'Deployment.apps "api" is invalid: spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`',
		run: c => c.apply(deployment({name: 'api', selector: {matchLabels: {app: 'other'}}}))},
	{name: 'selector with an unknown operator', code: 'Invalid', message: 'Deployment.apps "api" is invalid: spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Near","values":["x"]}]}: "Near" is not a valid label selector operator',
		run: c => c.apply(deployment({name: 'api', selector: {matchExpressions: [{key: 'app', operator: 'Near', values: ['x']}]}}))},
	{name: 'changing the selector', code: 'Invalid', message: 'Deployment.apps "web" is invalid: [spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`, spec.selector: Invalid value: {"matchLabels":{"app":"other"}}: field is immutable]',
		run: c => c.apply(deployment({selector: {matchLabels: {app: 'other'}}}))},
	{name: 'negative replicas in a manifest', code: 'Invalid', message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
		run: c => c.apply(deployment({replicas: -1}))},
	{name: 'negative replicas to scale', code: 'Invalid', message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0',
		run: c => c.scale('deployment', 'web', -3)},
	{name: 'fractional replicas to scale', code: 'Invalid', message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: 1.5: must be an integer',
		run: c => c.scale('deployment', 'web', 1.5)},
	{name: 'scaling something missing', code: 'NotFound', message: 'deployments.apps "nope" not found',
		run: c => c.scale('deployment', 'nope', 3)},
	{name: 'scaling a kind that does not scale', code: 'BadRequest', message: 'cannot scale configmaps: only deployments, replicasets and statefulsets can be scaled',
		run: c => c.scale('configmap', 'web', 3)},
	{name: 'malformed YAML', code: 'BadRequest', message: 'error converting YAML to JSON: yaml: line 5: Flow sequence in block collection must be sufficiently indented and end with a ] at line 5, column 1:',
		run: c => c.apply('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n')},
	{name: 'multi-document YAML with one bad document writes none', code: 'Invalid', message: 'Deployment.apps "api" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0',
		run: c => c.apply(multiDoc.replace('replicas: 3', 'replicas: -2'))},
	{name: 'a missing namespace', code: 'NotFound', message: 'namespaces "ghost" not found',
		run: c => c.apply(deployment({namespace: 'ghost'}))},
	{name: 'an empty document', code: 'BadRequest', message: 'no objects passed to apply',
		run: c => c.apply('')},
	{name: 'a manifest without kind', code: 'BadRequest', message: 'Object \'Kind\' is missing in manifest',
		run: c => c.apply({apiVersion: 'v1', metadata: {name: 'x'}})},
	{name: 'deleting something missing', code: 'NotFound', message: 'deployments.apps "nope" not found',
		run: c => c.delete('deployment', 'nope')},
	{name: 'an unknown propagation policy', code: 'BadRequest', message: 'propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan"',
		run: c => c.delete('deployment', 'web', {propagationPolicy: 'Sideways' as 'Orphan'})},
	{name: 'an unknown revision', code: 'BadRequest', message: 'unable to find specified revision 7 in history',
		run: c => c.rollback('web', {toRevision: 7})},
	{name: 'rollback without history', code: 'BadRequest', message: 'no rollout history found for deployment "web"',
		run: c => c.rollback('web')},
	{name: 'set image on a missing container', code: 'BadRequest', message: 'unable to find container named "db"',
		run: c => c.setImage('deployment', 'web', 'db', 'postgres:16')},
	{name: 'set image to an empty image', code: 'BadRequest', message: 'invalid image name ""',
		run: c => c.setImage('deployment', 'web', 'main', '')},
	{name: 'a bad label selector in list', code: 'BadRequest', message: 'unable to parse requirement: found \'\', expected: \',\' or \')\'',
		run: c => c.list('pods', {labelSelector: 'app in (a'})},
	{name: 'negative time', code: 'BadRequest', message: 'advance: time must be a finite number of milliseconds >= 0, got -5',
		run: c => c.advance(-5)},
];

for (const bad of badInput) {
	test(`bad input changes nothing: ${bad.name}`, t => {
		const cluster = settled();
		const before = snapshot(cluster);
		const error = t.throws(() => bad.run(cluster), {instanceOf: KubeError});
		t.is(error?.code, bad.code);
		t.is(error?.message, bad.message);
		t.is(snapshot(cluster), before);
		// And the cluster keeps working afterwards.
		cluster.advance(1000);
		t.is(cluster.list('pods').length, 2);
	});
}
