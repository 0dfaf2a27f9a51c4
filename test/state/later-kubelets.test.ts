import test from 'ava';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {laterRecords, opened, randomCallsAfterTheOpen, same, savedRightAway} from './later-files.js';
import {runSliced} from '../engine/history-calls.js';

/**
 * A state file opened with its lines kept (as the app opens one) leaves
 * each node's pod workers, when their record is long, as text until that
 * node's kubelet is first asked (`LaterState`): the cluster goes on as the
 * one that never stopped, whatever reaches a worker first (its timer, a
 * sync, a container's exit, an exec, a scrape, a node halted), and a save
 * writes the records nothing used as they were read.
 */

/** 17 nodes (a list of more than 16 records is written a record a line), 60 running pods each: every node's workers make a record long enough to be read later. */
function settledCluster(seed: number): Cluster {
	const cluster = createCluster({seed, nodes: 17});
	cluster.apply([{
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},
		spec: {
			replicas: 1020, selector: {matchLabels: {app: 'web'}},
			template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}},
		},
	}, {
		// Containers that end on their own: their runtimes report the exits, which reach the workers.
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'crash', namespace: 'default'},
		spec: {
			replicas: 17, selector: {matchLabels: {app: 'crash'}},
			template: {metadata: {labels: {app: 'crash'}}, spec: {containers: [{name: 'crash', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 25; exit 1']}]}},
		},
	}]);
	cluster.advance(120_000);
	return cluster;
}

test.serial('a settled cluster\'s file: every node\'s workers are read later, and the first save writes the file\'s bytes again', async t => {
	const original = settledCluster(3);
	t.is(original.list('pods').filter(pod => pod.metadata.labels?.['app'] === 'web' && pod.status?.phase === 'Running').length, 1020);
	const {text, lines, snapshot} = await opened(original);
	t.is(laterRecords(snapshot, 'kubelets').length, 17, 'each node\'s workers are text until used');
	const restored = createCluster({snapshot});
	// The save an exit right after the start makes: the records nothing used are written as they were read.
	const {unchecked, checked} = savedRightAway(restored, lines);
	t.is(unchecked, text);
	t.is(checked, text);
	t.is(same(restored), same(original));
});

test.serial('time alone reaches the workers through their containers\' exits and their timers: the cluster goes on as the one that never stopped', async t => {
	const original = settledCluster(4);
	const restored = createCluster({snapshot: (await opened(original)).snapshot});
	for (const cluster of [original, restored]) cluster.advance(90_000);
	t.is(same(restored), same(original));
});

test.serial('random calls after the open reach the workers read later: the cluster goes on as the one that never stopped', async t => {
	await randomCallsAfterTheOpen(t, settledCluster, 37);
});

test.serial('a pod deleted, a scale past what the nodes admit, an exec, logs, a node halted and started: each reaches workers read later as it would loaded ones', async t => {
	const original = settledCluster(5);
	const restored = createCluster({snapshot: (await opened(original)).snapshot});
	const pods = original.list('pods').filter(pod => pod.metadata.labels?.['app'] === 'web').map(pod => pod.metadata.name);
	for (const cluster of [original, restored]) {
		// Before anything reaches the workers: a pod force-deleted (its worker found by uid and key), another made under its name.
		cluster.delete('pod', pods[0]!, {gracePeriodSeconds: 0});
		cluster.advance(2000);
		// More pods than the nodes' 110 each admit: the kubelets count what their workers already run.
		runSliced(cluster, {op: 'scale', kind: 'Deployment', name: 'web', replicas: 1900});
		cluster.advance(20_000);
		cluster.exec(pods[9]!, ['sh', '-c', 'echo hi > /tmp/x; cat /tmp/x']);
		cluster.logs(pods[20]!);
		runSliced(cluster, {op: 'killNode', node: 'kubarium-worker2'});
		cluster.advance(5000);
		runSliced(cluster, {op: 'restoreNode', node: 'kubarium-worker2'});
		cluster.advance(60_000);
	}
	t.is(same(restored), same(original));
});

test.serial('the usage scrape reaches a node\'s workers read later: the report is the one of the cluster that never stopped', async t => {
	const original = settledCluster(6);
	const restored = createCluster({snapshot: (await opened(original)).snapshot});
	t.deepEqual(restored.metrics(), original.metrics());
	for (const cluster of [original, restored]) cluster.advance(30_000);
	t.is(same(restored), same(original));
});
