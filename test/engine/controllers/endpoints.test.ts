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
