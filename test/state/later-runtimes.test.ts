import test from 'ava';
import fc from 'fast-check';
import {checkKeptStates, createCluster, LaterState, type Cluster} from '../../source/engine/index.js';
import {FileLines, laterDigestKey, parseSnapshotJson, SnapshotJson} from '../../source/state/snapshot-json.js';
import {callArbitrary} from '../../fuzz/engine/calls.js';
import {goOnAlike, runSliced} from '../engine/history-calls.js';

/**
 * A state file opened with its lines kept (as the app opens one) leaves
 * each node's runtime record, when long, as text until the runtime is first
 * used (`LaterState`): the cluster goes on as the one that never stopped,
 * and a save writes the records it did not use as they were read.
 */

const pause = async () => undefined;

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

/** The file's text of `cluster`, opened as the app opens one: its long records read later. */
async function opened(cluster: Cluster): Promise<{text: string; lines: FileLines; snapshot: {state: {parts: Array<[string, unknown]>}}}> {
	const text = new SnapshotJson().stringify(cluster.snapshot({history: false}));
	const lines = new FileLines();
	const parsed = await parseSnapshotJson(Buffer.from(text), 0, pause, undefined, lines);
	return {text, lines, snapshot: parsed.snapshot as {state: {parts: Array<[string, unknown]>}}};
}

/** The runtimes' records of a parsed snapshot that are still text. */
function laterRecords(snapshot: {state: {parts: Array<[string, unknown]>}}): number {
	const runtimes = snapshot.state.parts.find(([name]) => name === 'runtimes')?.[1] as Array<[string, unknown]> | undefined;
	return (runtimes ?? []).filter(([, state]) => state instanceof LaterState).length;
}

const same = (cluster: Cluster): string => JSON.stringify(cluster.snapshot({history: false}));

test.serial('a settled cluster\'s file: every runtime is read later, and the first save writes the file\'s bytes again', async t => {
	const original = settledCluster(3);
	t.is(original.list('pods').filter(pod => pod.status?.phase === 'Running').length, 240);
	const {text, lines, snapshot} = await opened(original);
	t.true(text.includes(`"${laterDigestKey}":`), 'the file has the digest of its long records');
	t.is(laterRecords(snapshot), 20, 'each node\'s runtime is text until used');
	const restored = createCluster({snapshot});
	// The save an exit right after the start makes: the records nothing used are written as they were read, with kept states unchecked as the app saves (no runtime loaded) and checked as the tests do (each loaded and compared).
	checkKeptStates(false);
	let unchecked: string;
	try {
		const writer = new SnapshotJson();
		writer.seed(lines);
		unchecked = writer.stringify(restored.snapshot({history: false}));
	} finally {
		checkKeptStates(true);
	}
	t.is(unchecked, text);
	t.is(new SnapshotJson().stringify(restored.snapshot({history: false})), text);
	t.is(same(restored), same(original));
});

test.serial('random calls after the open reach the runtimes read later: the cluster goes on as the one that never stopped', async t => {
	await fc.assert(fc.asyncProperty(fc.array(callArbitrary, {minLength: 1, maxLength: 8}), fc.integer({min: 1, max: 1000}), fc.option(fc.integer({min: 1, max: 60}), {nil: undefined}), async (calls, seed, yieldEvery) => {
		const original = settledCluster(seed);
		const {snapshot} = await opened(original);
		const restored = createCluster({snapshot});
		// No snapshot of the restored cluster before the calls: its runtimes load as the calls and timers first reach each.
		goOnAlike([original, restored], calls, yieldEvery);
		t.is(same(restored), same(original));
	}), {seed: 31, numRuns: 5});
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
	t.is(laterRecords(parsed.snapshot as {state: {parts: Array<[string, unknown]>}}), 0);
	// Not JSON any more: the open fails, as for any other bad file.
	const broken = `${text.slice(0, at)}"nextPid":+${text.slice(at + '"nextPid":'.length)}`;
	await t.throwsAsync(parseSnapshotJson(Buffer.from(broken), 0, pause, undefined, new FileLines()), {instanceOf: SyntaxError});
});
