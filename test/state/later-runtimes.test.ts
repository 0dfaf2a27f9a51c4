import test from 'ava';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {FileLines, laterDigestKey, parseSnapshotJson} from '../../source/state/snapshot-json.js';
import {laterRecords, opened, pause, randomCallsAfterTheOpen, same, savedRightAway, type Parsed} from './later-files.js';
import {runSliced} from '../engine/history-calls.js';

/**
 * A state file opened with its lines kept (as the app opens one) leaves
 * each node's runtime record, when long, as text until the runtime is first
 * used (`LaterState`): the cluster goes on as the one that never stopped,
 * and a save writes the records it did not use as they were read.
 */

/** 20 nodes, 12 running pods each: every node's runtime record is long enough to be read later. */
function settledCluster(seed: number): Cluster {
	const cluster = createCluster({seed, nodes: 20});
	cluster.apply([{
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},
		spec: {replicas: 240, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
	}]);
	cluster.advance(60_000);
	return cluster;
}

test.serial('a settled cluster\'s file: every runtime is read later, and the first save writes the file\'s bytes again', async t => {
	const original = settledCluster(3);
	t.is(original.list('pods').filter(pod => pod.status?.phase === 'Running').length, 240);
	const {text, lines, snapshot} = await opened(original);
	t.true(text.includes(`"${laterDigestKey}":`), 'the file has the digest of its long records');
	t.is(laterRecords(snapshot, 'runtimes').length, 20, 'each node\'s runtime is text until used');
	const restored = createCluster({snapshot});
	// The save an exit right after the start makes: the records nothing used are written as they were read.
	const {unchecked, checked} = savedRightAway(restored, lines);
	t.is(unchecked, text);
	t.is(checked, text);
	t.is(same(restored), same(original));
});

test.serial('random calls after the open reach the runtimes read later: the cluster goes on as the one that never stopped', async t => {
	await randomCallsAfterTheOpen(t, settledCluster, 31);
});

test.serial('pods relabelled, a node killed and restored, a pod deleted, an exec: each reaches a runtime read later, as it would one loaded', async t => {
	const original = settledCluster(5);
	const restored = createCluster({snapshot: (await opened(original)).snapshot});
	const pod = original.list('pods')[7]!.metadata.name;
	for (const cluster of [original, restored]) {
		// Before anything reaches its node's runtime: the pod that runtime holds is the one of the restore, not this one.
		for (const held of cluster.list('pods').slice(0, 20)) cluster.replace({...held, metadata: {...held.metadata, labels: {...held.metadata.labels, tier: 'front'}}});
		runSliced(cluster, {op: 'killNode', node: 'kubarium-worker3'});
		cluster.advance(5000);
		cluster.delete('pod', pod);
		cluster.exec(cluster.list('pods')[3]!.metadata.name, ['sh', '-c', 'echo hi > /tmp/x; cat /tmp/x']);
		runSliced(cluster, {op: 'restoreNode', node: 'kubarium-worker3'});
		cluster.advance(60_000);
	}
	t.is(same(restored), same(original));
});

test.serial('a long record changed by hand: the file is read whole, a bad record an error of the open', async t => {
	const {text} = await opened(settledCluster(9));
	const at = text.indexOf('"nextPid":');
	t.true(at > text.indexOf('["runtimes",['), 'a runtime record');
	// Still JSON: read whole, the changed value loaded, nothing left as text.
	const changed = `${text.slice(0, at)}"nextPid":1${text.slice(at + '"nextPid":'.length)}`;
	const lines = new FileLines();
	const parsed = await parseSnapshotJson(Buffer.from(changed), 0, pause, undefined, lines);
	t.is(laterRecords(parsed.snapshot as Parsed, 'runtimes').length, 0);
	// Not JSON any more: the open fails, as for any other bad file.
	const broken = `${text.slice(0, at)}"nextPid":+${text.slice(at + '"nextPid":'.length)}`;
	await t.throwsAsync(parseSnapshotJson(Buffer.from(broken), 0, pause, undefined, new FileLines()), {instanceOf: SyntaxError});
});
