import test, {type ExecutionContext} from 'ava';
import fc from 'fast-check';
import {createCluster, SnapshotError, type Cluster, type ClusterSnapshot} from '../../source/engine/index.js';
import type {Manifest} from '../../source/engine/api/types.js';
import {cutHistory, goOnAlike, goOnAlikeRich, richCall, richCluster, runRich, runSliced, type HeldShell, type RichCall} from './history-calls.js';
import {state} from './same-simulation.js';
import {sameParts} from './twins.js';

/**
 * A cluster restored from the state its snapshot saved (no replay) is the
 * one that never stopped: random calls, a snapshot at a random point sent
 * through JSON, a restore that loads every part's state, the same calls on
 * both; the two must save the same snapshot at the restore and after, every
 * part's state included.
 */

function fromState(cluster: Cluster): Cluster {
	return createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot())), });
}

/** The same snapshot, part by part (so a difference names its part). */
function same(t: ExecutionContext, actual: Cluster, expected: Cluster, when: string): void {
	sameParts(t, actual, expected, when);
	t.deepEqual({...state(actual), state: undefined}, {...state(expected), state: undefined}, `${when}: objects, volumes, clock, generator, journal`);
}

test('random calls, a snapshot at a random point restored from its state: the cluster goes on as the one that never stopped', t => {
	fc.assert(fc.property(
		cutHistory,
		({seed, nodes, calls, split, yieldEvery}) => {
			const original = createCluster({seed, nodes});
			for (const call of calls.slice(0, split)) runSliced(original, call, yieldEvery);
			const restored = fromState(original);
			same(t, restored, original, 'at the restore');
			goOnAlike([original, restored], calls.slice(split), yieldEvery);
			same(t, restored, original, 'a minute after the last call');
		},
	), {seed: 16, numRuns: 16});
});

test('the demo with rows, a looping writer, a drain held by a budget, a CronJob and traffic, restored from its state, goes on as the one that never stopped', t => {
	const saved = JSON.stringify(richCluster(5).snapshot());
	fc.assert(fc.property(
		fc.array(richCall, {minLength: 2, maxLength: 10}),
		fc.nat(),
		(calls: RichCall[], at) => {
			const split = at % (calls.length + 1);
			const original = createCluster({snapshot: JSON.parse(saved)});
			const shells: [HeldShell, HeldShell] = [{}, {}];
			for (const call of calls.slice(0, split)) runRich(original, call, shells[0]);
			const restored = fromState(original);
			same(t, restored, original, 'at the restore');
			goOnAlikeRich([original, restored], calls.slice(split), shells, 45_000);
			same(t, restored, original, 'after 45 s more');
		},
	), {seed: 16, numRuns: 4});
});

/** The first path where two JSON values differ, with both values there (undefined when they are the same). */
function differingPath(a: unknown, b: unknown, path = 'snapshot'): string | undefined {
	if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path}: ${JSON.stringify(a)} against ${JSON.stringify(b)}`;
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	for (const key of keys) {
		const found = differingPath((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
		if (found) return found;
	}
	return `${path}: the same fields in another order`;
}

test('a snapshot is data of its own: what the cluster does after it does not change it, and two clusters restored from one snapshot object share nothing', t => {
	fc.assert(fc.property(
		fc.integer({min: 1, max: 60}), fc.array(richCall, {minLength: 1, maxLength: 14}), fc.array(richCall, {maxLength: 8}),
		(seed, before, after) => {
			const original = richCluster(seed);
			const shell = {};
			for (const call of before) runRich(original, call, shell);
			const saved = original.snapshot();
			const text = JSON.stringify(saved);
			const shared = JSON.parse(text) as unknown;
			const clusters = [original, createCluster({snapshot: shared}), createCluster({snapshot: shared}), createCluster({snapshot: JSON.parse(text)})];
			for (const cluster of clusters) {
				const own = {};
				for (const call of after) runRich(cluster, call, own);
				cluster.advance(20_000);
			}
			t.is(differingPath(JSON.parse(JSON.stringify(saved)), JSON.parse(text)), undefined, 'the snapshot taken before reads the same after');
			const [, first, second, alone] = clusters.map(cluster => JSON.parse(JSON.stringify(cluster.snapshot({history: false}))) as unknown);
			t.is(differingPath(first, alone), undefined, 'the first of two restored from one object goes on as one restored alone');
			t.is(differingPath(second, alone), undefined, 'and so does the second');
		},
	), {seed: 11, numRuns: 12});
});

test('a snapshot restored from its state restores again from its state, and snapshots again to the same data', t => {
	const original = createCluster({seed: 3, nodes: 2});
	original.apply([validManifestExample()]);
	original.advance(20_000);
	const once = fromState(original);
	const twice = fromState(once);
	t.deepEqual(state(twice), state(original));
});

function validManifestExample(): Manifest {
	return {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'}, spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}}};
}

test('a database on a container\'s own files (mysql with no claim) keeps its rows across a restore from state, and goes on alike', t => {
	const original = createCluster({seed: 2, nodes: 2});
	original.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'db', namespace: 'default'}, spec: {replicas: 1, selector: {matchLabels: {app: 'db'}}, template: {metadata: {labels: {app: 'db'}}, spec: {containers: [{name: 'db', image: 'mysql:8.0', env: [{name: 'MYSQL_ROOT_PASSWORD', value: 'x'}]}]}}}});
	original.advance(60_000);
	const pod = original.list('pods')[0]!.metadata.name;
	t.is(original.exec(pod, ['kv', 'set', 'colour', 'blue']).exitCode, 0);
	original.advance(1000);
	const restored = fromState(original);
	same(t, restored, original, 'at the restore');
	t.is(restored.exec(pod, ['kv', 'get', 'colour']).stdout, 'blue\n');
	t.is(original.exec(pod, ['kv', 'get', 'colour']).stdout, 'blue\n');
	for (const cluster of [original, restored]) {
		cluster.exec(pod, ['kv', 'set', 'size', 'big']);
		cluster.advance(5000);
	}
	same(t, restored, original, 'after another row');
});

test('a saved state a part cannot load is refused naming the part (its objects still restore the cluster)', t => {
	const original = createCluster({seed: 3, nodes: 2});
	original.apply(validManifestExample());
	original.advance(20_000);
	const data = JSON.parse(JSON.stringify(original.snapshot()));
	const at = data.state.parts.findIndex(([name]: [string]) => name === 'runtimes');
	data.state.parts[at][1] = 5;
	const error = t.throws(() => createCluster({snapshot: data}), {instanceOf: SnapshotError});
	t.regex(error?.message ?? '', /^snapshot\.state: part runtimes: .*; this build cannot load it; restore it from its objects$/);
	t.is((error as SnapshotError).fromObjects, 'state not loadable');
	t.is(createCluster({snapshot: data, restore: 'objects'}).list('deploy').length, 1);
});

test('a snapshot without its history (as the state file saves) restores from its state to the same cluster, and only from its state or its objects', t => {
	const original = createCluster({seed: 4, nodes: 2});
	original.apply(validManifestExample());
	original.advance(20_000);
	original.scale('Deployment', 'web', 3);
	original.advance(5000);
	const full = JSON.parse(JSON.stringify(original.snapshot())) as ClusterSnapshot;
	const bare = JSON.parse(JSON.stringify(original.snapshot({history: false}))) as ClusterSnapshot;
	t.true(full.journal.length > 0);
	t.is(bare.history, false);
	t.deepEqual(bare.journal, []);
	t.deepEqual({...bare, history: undefined, journal: undefined}, {...full, history: undefined, journal: undefined}, 'the same but for the history');
	const restored = createCluster({snapshot: bare});
	const bareOf = (cluster: Cluster) => JSON.parse(JSON.stringify(cluster.snapshot({history: false}))) as unknown;
	t.deepEqual(bareOf(restored), bareOf(original), 'at the restore');
	// It keeps no history of its own: its snapshots have none either.
	restored.scale('Deployment', 'web', 1);
	original.scale('Deployment', 'web', 1);
	restored.advance(10_000);
	original.advance(10_000);
	const later = restored.snapshot();
	t.is(later.history, false);
	t.deepEqual(later.journal, []);
	t.deepEqual(JSON.parse(JSON.stringify(later)), bareOf(original), 'after more calls');
	t.throws(() => createCluster({snapshot: bare, restore: 'replay'}), {instanceOf: SnapshotError, message: 'snapshot.history: the snapshot was saved without its history (the journal of calls), which a replay needs; restore it from its state or its objects'});
	t.is(createCluster({snapshot: bare, restore: 'objects'}).list('Deployment').length, 1);
	const refused: Array<[unknown, string]> = [
		[{...bare, history: true}, 'snapshot.history: expected false (or nothing), got boolean true'],
		[{...bare, state: undefined}, 'snapshot.state: expected the state of a snapshot saved without its history, got nothing'],
		[{...bare, journal: full.journal}, 'snapshot.journal: expected an empty journal in a snapshot saved without its history, got an array'],
	];
	for (const [data, message] of refused) t.throws(() => createCluster({snapshot: data}), {instanceOf: SnapshotError, message});
	t.throws(() => original.snapshot({history: 'no' as never}), {message: 'snapshot: history must be true or false, got no'});
});
