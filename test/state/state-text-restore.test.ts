import test from 'ava';
import fc from 'fast-check';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {parseSnapshotJson, SnapshotJson} from '../../source/state/snapshot-json.js';
import {cutHistory, goOnAlike, goOnAlikeRich, richCall, richCluster, runRich, runSliced, type HeldShell, type RichCall} from '../engine/history-calls.js';

/**
 * A cluster restored from a state file's text (its objects written as what
 * differs from earlier ones, read back sharing what did not change, frozen
 * in the tests) is the one that never stopped: the same calls on both, the
 * same history-less snapshot at the restore and after.
 */

async function throughFile(cluster: Cluster): Promise<Cluster> {
	const text = new SnapshotJson().stringify(cluster.snapshot({history: false}));
	return createCluster({snapshot: (await parseSnapshotJson(Buffer.from(text), 0, async () => undefined)).snapshot});
}

function same(t: {is(actual: unknown, expected: unknown, message?: string): void}, actual: Cluster, expected: Cluster, when: string): void {
	t.is(JSON.stringify(actual.snapshot({history: false})), JSON.stringify(expected.snapshot({history: false})), when);
}

test('random calls, the state file written at a random point and read back: the cluster goes on as the one that never stopped', async t => {
	await fc.assert(fc.asyncProperty(cutHistory, async ({seed, nodes, calls, split, yieldEvery}) => {
		const original = createCluster({seed, nodes});
		for (const call of calls.slice(0, split)) runSliced(original, call, yieldEvery);
		const restored = await throughFile(original);
		same(t, restored, original, 'at the restore');
		goOnAlike([original, restored], calls.slice(split), yieldEvery);
		same(t, restored, original, 'a minute after the last call');
	}), {seed: 21, numRuns: 16});
});

test('the rich demo, its state file read back at a random point, goes on as the one that never stopped', async t => {
	await fc.assert(fc.asyncProperty(fc.array(richCall, {minLength: 2, maxLength: 8}), fc.nat(), async (calls: RichCall[], at) => {
		const split = at % (calls.length + 1);
		const original = richCluster(7);
		const shells: [HeldShell, HeldShell] = [{}, {}];
		for (const call of calls.slice(0, split)) runRich(original, call, shells[0]);
		const restored = await throughFile(original);
		goOnAlikeRich([original, restored], calls.slice(split), shells, 30_000);
		same(t, restored, original, 'after the calls');
	}), {seed: 22, numRuns: 6});
});
