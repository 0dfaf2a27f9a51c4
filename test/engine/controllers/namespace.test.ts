import test from 'ava';
import {createCluster, KubeError} from '../../../source/engine/index.js';

test('deleting a namespace deletes its content, then the namespace', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply([
		{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team'}},
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', namespace: 'team'}, data: {a: '1'}},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'app', namespace: 'team'}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}},
	]);
	cluster.advance(10_000);
	t.is(cluster.get('pod', 'app', 'team')?.status.phase, 'Running');
	const terminating = cluster.delete('namespace', 'team');
	t.truthy(terminating?.metadata.deletionTimestamp);
	cluster.advance(0);
	t.is(cluster.get('ns', 'team')?.status.phase, 'Terminating');
	t.is(cluster.get('cm', 'settings', 'team'), undefined);
	const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'late', namespace: 'team'}}), {instanceOf: KubeError});
	t.is(error!.message, 'configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated');
	cluster.advance(5_000);
	t.is(cluster.get('pod', 'app', 'team'), undefined);
	t.is(cluster.get('ns', 'team'), undefined);
});

test('a finalizer in the namespace keeps it Terminating and says why', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply([
		{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team'}},
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'held', namespace: 'team', finalizers: ['example.com/hold']}},
	]);
	cluster.delete('ns', 'team');
	cluster.advance(1000);
	const namespace = cluster.get('ns', 'team')!;
	t.is(namespace.status.conditions[0].message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'held', namespace: 'team', finalizers: []}});
	cluster.advance(0);
	t.is(cluster.get('ns', 'team'), undefined);
});

test('the system namespaces cannot be deleted', t => {
	const cluster = createCluster({seed: 2});
	const error = t.throws(() => cluster.delete('ns', 'kube-system'), {instanceOf: KubeError});
	t.is(error!.code, 'Forbidden');
	t.is(error!.message, 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
	t.falsy(cluster.get('ns', 'kube-system')!.metadata.deletionTimestamp);
});

test('deleting a namespace leaves its controller without errors', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'tmp'}});
	cluster.delete('namespace', 'tmp');
	cluster.advance(5000);
	t.is(cluster.get('ns', 'tmp'), undefined);
	t.deepEqual(cluster.controllerErrors().map(e => e.message.split('\n')[0]), []);
});
