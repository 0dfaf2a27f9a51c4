import test from 'ava';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';
import type {KubeObject, Pod, ReplicaSet} from '../../../source/engine/api/types.js';
import {concurrentGCSyncs, garbageCollectorQps} from '../../../source/engine/controllers/garbage-collector.js';
import {kubeApiBurst} from '../../../source/engine/controllers/client-rate-limiter.js';

function web(replicas = 2) {
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name: 'web'},
		spec: {
			replicas,
			selector: {matchLabels: {app: 'web'}},
			template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'main', image: 'nginx:1.25'}]}},
		},
	};
}

function setup(): Cluster {
	const cluster = createCluster({seed: 11, nodes: 2});
	cluster.apply(web());
	cluster.advance(30_000);
	return cluster;
}

const count = (cluster: Cluster, kind: string) => cluster.list(kind).length;
const configMap = (name: string, metadata: Record<string, unknown> = {}) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, ...metadata}, data: {a: '1'}});

test('Background: the owner goes at once, then its ReplicaSets, then their pods (gracefully)', t => {
	const cluster = setup();
	t.is(cluster.delete('deployment', 'web'), undefined);
	t.is(cluster.get('Deployment', 'web'), undefined);
	cluster.advance(0);
	t.is(count(cluster, 'ReplicaSet'), 0);
	const pods = cluster.list('Pod') as Pod[];
	t.is(pods.length, 2);
	t.true(pods.every(p => p.metadata.deletionTimestamp !== undefined), 'pods are Terminating');
	cluster.advance(40_000);
	t.is(count(cluster, 'Pod'), 0);
});

test('Foreground: the owner waits with foregroundDeletion until every blocking dependent is gone', t => {
	const cluster = setup();
	const rsName = cluster.list('ReplicaSet')[0]!.metadata.name;
	const owner = cluster.delete('deployment', 'web', {propagationPolicy: 'Foreground'})!;
	t.truthy(owner.metadata.deletionTimestamp);
	t.deepEqual(owner.metadata.finalizers, ['foregroundDeletion']);
	cluster.advance(0);
	const rs = cluster.get('ReplicaSet', rsName) as ReplicaSet;
	t.truthy(rs.metadata.deletionTimestamp, 'the ReplicaSet is deleted in the foreground too');
	t.deepEqual(rs.metadata.finalizers, ['foregroundDeletion']);
	t.true((cluster.list('Pod') as Pod[]).every(p => p.metadata.deletionTimestamp));
	t.truthy(cluster.get('Deployment', 'web'), 'still there while its ReplicaSet is');
	// No replacement pods while terminating.
	t.is(count(cluster, 'Pod'), 2);
	cluster.advance(40_000);
	t.is(count(cluster, 'Pod'), 0);
	t.is(cluster.get('ReplicaSet', rsName), undefined);
	t.is(cluster.get('Deployment', 'web'), undefined);
});

test('Orphan: dependents lose the owner reference and keep running; a new owner adopts them', t => {
	const cluster = setup();
	const rsBefore = cluster.list('ReplicaSet')[0] as ReplicaSet;
	const podsBefore = cluster.list('Pod').map(p => p.metadata.name).sort();
	cluster.delete('deployment', 'web', {propagationPolicy: 'Orphan'});
	cluster.advance(0);
	t.is(cluster.get('Deployment', 'web'), undefined);
	const rs = cluster.get('ReplicaSet', rsBefore.metadata.name) as ReplicaSet;
	t.is(rs.metadata.ownerReferences, undefined);
	t.is(rs.metadata.uid, rsBefore.metadata.uid);
	cluster.advance(30_000);
	t.deepEqual(cluster.list('Pod').map(p => p.metadata.name).sort(), podsBefore);
	cluster.apply(web());
	cluster.advance(10_000);
	const adopted = cluster.get('ReplicaSet', rsBefore.metadata.name) as ReplicaSet;
	t.is(adopted.metadata.ownerReferences?.[0]?.uid, cluster.get('Deployment', 'web')!.metadata.uid);
	t.is(count(cluster, 'ReplicaSet'), 1, 'the same template: no new ReplicaSet');
	t.deepEqual(cluster.list('Pod').map(p => p.metadata.name).sort(), podsBefore);
});

test('a dependent whose owner does not exist is deleted', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply(configMap('dangling', {ownerReferences: [{apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-4000-8000-000000000000'}]}));
	t.truthy(cluster.get('ConfigMap', 'dangling'));
	cluster.advance(0);
	t.is(cluster.get('ConfigMap', 'dangling'), undefined);
});

test('with one owner left, only the reference to the missing owner is dropped', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const [a, b] = cluster.apply([configMap('owner-a'), configMap('owner-b')]);
	const ref = (o: KubeObject) => ({apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid});
	cluster.apply(configMap('shared', {ownerReferences: [ref(a!), ref(b!)]}));
	cluster.delete('configmap', 'owner-a');
	cluster.advance(0);
	const shared = cluster.get('ConfigMap', 'shared')!;
	t.deepEqual(shared.metadata.ownerReferences, [ref(b!)]);
	cluster.delete('configmap', 'owner-b');
	cluster.advance(0);
	t.is(cluster.get('ConfigMap', 'shared'), undefined);
});

test('Foreground waits only for dependents with blockOwnerDeletion; the others go after', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const [owner] = cluster.apply(configMap('owner'));
	const ref = {apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner!.metadata.uid};
	cluster.apply([
		configMap('blocker', {ownerReferences: [{...ref, blockOwnerDeletion: true}], finalizers: ['example.com/hold']}),
		configMap('loose', {ownerReferences: [ref]}),
	]);
	cluster.delete('configmap', 'owner', {propagationPolicy: 'Foreground'});
	cluster.advance(0);
	t.truthy(cluster.get('ConfigMap', 'owner'), 'held by the blocking dependent');
	t.truthy(cluster.get('ConfigMap', 'blocker')!.metadata.deletionTimestamp, 'Terminating, held by its own finalizer');
	t.is(cluster.get('ConfigMap', 'loose'), undefined);
	cluster.apply(configMap('blocker', {ownerReferences: [{...ref, blockOwnerDeletion: true}], finalizers: []}));
	cluster.advance(0);
	t.is(cluster.get('ConfigMap', 'blocker'), undefined);
	t.is(cluster.get('ConfigMap', 'owner'), undefined);
});

test('an object with a finalizer stays Terminating until the finalizer is removed', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply(configMap('held', {finalizers: ['example.com/hold']}));
	const marked = cluster.delete('configmap', 'held')!;
	t.truthy(marked.metadata.deletionTimestamp);
	cluster.advance(60_000);
	t.truthy(cluster.get('ConfigMap', 'held'));
	cluster.apply(configMap('held', {finalizers: []}));
	t.is(cluster.get('ConfigMap', 'held'), undefined);
});

test('deleting a ReplicaSet in the background takes its pods along', t => {
	const cluster = setup();
	const rs = cluster.list('ReplicaSet')[0]!;
	// Orphan the ReplicaSet first so the Deployment does not recreate it.
	cluster.delete('deployment', 'web', {propagationPolicy: 'Orphan'});
	cluster.advance(0);
	cluster.delete('replicaset', rs.metadata.name);
	cluster.advance(0);
	t.true((cluster.list('Pod') as Pod[]).every(p => p.metadata.deletionTimestamp));
	cluster.advance(40_000);
	t.is(count(cluster, 'Pod'), 0);
});

test('an owner in another namespace counts as absent: the dependent goes, with OwnerRefInvalidNamespace', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'other'}});
	const [owner] = cluster.apply({...configMap('owner'), metadata: {name: 'owner', namespace: 'other'}});
	const ref = {apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner!.metadata.uid};
	const [dependent] = cluster.apply(configMap('dependent', {ownerReferences: [ref]}));
	cluster.advance(0);
	t.is(cluster.get('ConfigMap', 'dependent'), undefined);
	const warning = cluster.eventsFor(dependent!).find(e => e['reason'] === 'OwnerRefInvalidNamespace');
	t.is(warning?.['type'], 'Warning');
	t.is(warning?.['message'], `ownerRef [v1/ConfigMap, namespace: default, name: owner, uid: ${owner!.metadata.uid}] does not exist in namespace "default"`);
	t.truthy(cluster.get('ConfigMap', 'owner', 'other'), 'the owner itself stays');
});

test('a large cascade goes at the collector client\'s rate: two calls a pod, 40 calls a second after a burst of 30', t => {
	const cluster = createCluster({seed: 3, nodes: 8});
	cluster.apply(web(600));
	cluster.advance(60_000);
	t.is(count(cluster, 'Pod'), 600);
	const terminatingAt: number[] = [];
	cluster.watch(({type, object, old}) => {
		if (object.kind === 'Pod' && type === 'MODIFIED' && object.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) terminatingAt.push(cluster.now());
	});
	const start = cluster.now();
	cluster.delete('deployment', 'web');
	cluster.advance(0);
	// The burst's 30 tokens: the ReplicaSet's GET and DELETE, then 14 pods' GET and DELETE.
	t.is(terminatingAt.length, (kubeApiBurst - 2) / 2);
	cluster.advance(10_000);
	const afterTen = terminatingAt.length;
	// 20 pods a second (garbageCollectorQps / 2), give or take the pods whose GET went out before the second ended.
	t.true(afterTen >= 14 + 10 * (garbageCollectorQps / 2) - concurrentGCSyncs && afterTen <= 14 + 10 * (garbageCollectorQps / 2), `${afterTen} after 10 s`);
	cluster.advance(25_000);
	t.is(terminatingAt.length, 600);
	t.true(terminatingAt.at(-1)! - start >= ((600 - 14) / (garbageCollectorQps / 2)) * 1000 - 1000);
	cluster.advance(60_000);
	t.is(count(cluster, 'Pod'), 0);
});
