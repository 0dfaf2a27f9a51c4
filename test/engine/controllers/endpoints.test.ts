import test from 'ava';
import {createCluster, type Cluster, type KubeObject} from '../../../source/engine/index.js';

const replicaSet = (name: string, replicas: number) => ({
	apiVersion: 'apps/v1', kind: 'ReplicaSet',
	metadata: {name},
	spec: {
		replicas,
		selector: {matchLabels: {app: name}},
		template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'main', image: 'nginx:1.21', ports: [{containerPort: 80}]}]}},
	},
});

const service = (name: string, app = name) => ({apiVersion: 'v1', kind: 'Service', metadata: {name}, spec: {selector: {app}, ports: [{port: 80}]}});

function slicesOf(cluster: Cluster, name: string): KubeObject[] {
	return cluster.list('endpointslice').filter(s => s.metadata.labels?.['kubernetes.io/service-name'] === name);
}

test('a Service deleted in the foreground goes: its slices are not recreated while it is terminating', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply(service('b', 'a'));
	cluster.advance(0);
	t.is(slicesOf(cluster, 'b').length, 1);
	cluster.delete('svc', 'b', {propagationPolicy: 'Foreground'});
	cluster.advance(1000);
	t.is(cluster.get('svc', 'b'), undefined);
	t.is(slicesOf(cluster, 'b').length, 0);
	t.is(cluster.get('endpoints', 'b'), undefined);
	t.deepEqual(cluster.controllerErrors(), []);
});

test('a Service deleted in the foreground with ready pods behind it goes, and its pods stay', t => {
	const cluster = createCluster({seed: 2, nodes: 2});
	cluster.apply([replicaSet('web', 3), service('web')]);
	cluster.advance(30_000);
	t.is((slicesOf(cluster, 'web')[0]?.['endpoints'] as unknown[]).length, 3);
	cluster.delete('svc', 'web', {propagationPolicy: 'Foreground'});
	cluster.advance(1000);
	t.is(cluster.get('svc', 'web'), undefined);
	t.is(slicesOf(cluster, 'web').length, 0);
	t.is(cluster.get('endpoints', 'web'), undefined);
	t.is(cluster.list('pod').length, 3);
	t.deepEqual(cluster.controllerErrors(), []);
});

/** The slices' endpoints, each slice's in its order, slices in the order of their first pod (slice names are random). */
function sliceEndpoints(cluster: Cluster, name: string): unknown[] {
	const first = (s: KubeObject) => (s['endpoints'] as Array<{targetRef: {name: string}}>)[0]?.targetRef.name ?? '';
	return slicesOf(cluster, name)
		.sort((a, b) => first(a).localeCompare(first(b)))
		.flatMap(s => (s['endpoints'] as unknown[]));
}

test('slices and Endpoints kept up pod by pod equal those a new Service computes at once, through scaling, deletes and readiness changes', t => {
	const cluster = createCluster({seed: 3, nodes: 4});
	cluster.apply([replicaSet('web', 250), service('web')]);
	cluster.advance(20_000);
	cluster.scale('replicaset', 'web', 180);
	cluster.advance(500);
	const pods = cluster.list('pod');
	for (const pod of pods.slice(0, 40)) cluster.delete('pod', pod.metadata.name, {gracePeriodSeconds: 0});
	cluster.advance(700);
	cluster.killNode('kubarium-worker2');
	cluster.advance(60_000);
	cluster.scale('replicaset', 'web', 260);
	cluster.advance(3000);
	cluster.apply(service('fresh', 'web'));
	cluster.advance(0);
	const kept = sliceEndpoints(cluster, 'web');
	t.true(kept.length > 100);
	t.deepEqual(kept, sliceEndpoints(cluster, 'fresh'));
	t.true(slicesOf(cluster, 'web').every(s => (s['endpoints'] as unknown[]).length <= 100));
	t.deepEqual(cluster.get('endpoints', 'web')!['subsets'], cluster.get('endpoints', 'fresh')!['subsets']);
	t.deepEqual(cluster.controllerErrors(), []);
});
