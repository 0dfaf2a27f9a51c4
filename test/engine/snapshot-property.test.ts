import test, {type ExecutionContext} from 'ava';
import fc from 'fast-check';
import {createCluster, restoreCluster, SnapshotError, type Cluster} from '../../source/engine/index.js';
import {callArbitrary, runCall, validManifest, type Call} from '../../fuzz/engine/calls.js';
import {cutHistory, history, richCall, richCluster, runRich, runSliced, shop} from './history-calls.js';
import {sameSimulation, state, stepToEnd} from './same-simulation.js';

/**
 * A restored cluster is one that never stopped: run calls, snapshot at a
 * random point, send the snapshot through JSON, restore it, make the same
 * following calls on both, and require the same objects (events included),
 * volume files, database rows, clock, pending timers and generator state.
 * These restores replay the journal (`restore: 'replay'`, how a snapshot of
 * format 3 or older comes back); snapshot-state.test.ts checks the restore
 * that loads the saved state the same way.
 */


function roundTrip(cluster: Cluster, restore: 'replay' | 'exact' = 'replay'): Cluster {
	const text = JSON.stringify(cluster.snapshot());
	return createCluster({snapshot: JSON.parse(text), restore});
}

/** A fuzz call; a refused one is refused alike on both clusters, which the comparison checks. */
function run(cluster: Cluster, call: Call): void {
	try {
		runCall(cluster, call, () => undefined);
	} catch {
		// Refused alike on both; compared below.
	}
}

/**
 * Make `calls[0..split)` on `original`, restore its snapshot (replayed, or as `restore` says), then
 * make the rest on both and let a minute pass: the two must agree at the
 * restore and after. `make` makes one call (refused calls are refused alike).
 */
function restoredMidway(t: ExecutionContext, original: Cluster, calls: readonly Call[], split: number, make = run, restore: 'replay' | 'exact' = 'replay'): void {
	for (const call of calls.slice(0, split)) make(original, call);
	const restored = roundTrip(original, restore);
	t.deepEqual(state(restored), state(original), 'the restore itself');
	for (const call of calls.slice(split)) {
		make(original, call);
		make(restored, call);
	}
	original.advance(60_000);
	restored.advance(60_000);
	t.deepEqual(state(restored), state(original));
}


test('a restored demo cluster (rows, a looping writer, a drain held by a budget, a CronJob, traffic) goes on exactly as the one that never stopped', t => {
	const base = richCluster(5);
	const drained = base.list('nodes').find(n => (n.spec as {unschedulable?: boolean} | undefined)?.unschedulable)?.metadata.name;
	t.truthy(drained);
	t.deepEqual(base.drainStatus(drained!)?.blocked.length, 1, 'the drain waits on the disruption budget');
	t.true(base.list('jobs', {namespace: 'shop'}).some(j => j.metadata.name.startsWith('minutely-')), 'the CronJob has run');
	t.true(base.trafficStats('web', shop).total > 0);
	const saved = JSON.stringify(base.snapshot());
	fc.assert(fc.property(
		fc.array(richCall, {minLength: 2, maxLength: 10}),
		fc.nat(),
		(calls, at) => {
			const split = at % (calls.length + 1);
			const original = createCluster({snapshot: JSON.parse(saved)});
			const shellA: {session?: ReturnType<Cluster['openShell']>['session']} = {};
			for (const call of calls.slice(0, split)) runRich(original, call, shellA);
			const restored = roundTrip(original);
			// A shell open across the snapshot is gone with the old process: both clusters' users open a new one.
			shellA.session = undefined;
			const shellB: typeof shellA = {};
			for (const call of calls.slice(split)) {
				runRich(original, call, shellA);
				runRich(restored, call, shellB);
			}
			original.advance(45_000);
			restored.advance(45_000);
			const a = sameSimulation(t, restored, original);
			const writer = a.volumes.find(v => v.files.some(([path]) => path === '/log.txt'));
			t.truthy(writer, 'the looping writer wrote into its volume');
			t.true(a.volumes.some(v => v.rows?.some(([key]) => key === 'greeting')), 'the row written with kv set is kept');
			t.deepEqual(restored.logs('writer', shop), original.logs('writer', shop));
			t.deepEqual(restored.trafficStats('web', shop), original.trafficStats('web', shop));
			t.deepEqual(restored.drainStatus(drained!), original.drainStatus(drained!));
			t.deepEqual(restored.replication('db', shop), original.replication('db', shop));
		},
	), {seed: 16, numRuns: 3});
});

test('random calls over the public API, a snapshot at a random point: the restored cluster matches the uninterrupted one', t => {
	fc.assert(fc.property(
		cutHistory,
		({seed, nodes, calls, split, yieldEvery}) => {
			const original = createCluster({seed, nodes});
			restoredMidway(t, original, calls, split, (cluster, call) => runSliced(cluster, call, yieldEvery));
		},
	), {seed: 16, numRuns: 16});
});

test('a restore replayed a slice at a time, stopped anywhere, is the restore made in one go, and goes on alike', t => {
	fc.assert(fc.property(
		fc.record({
			...history,
			calls: fc.array(callArbitrary, {minLength: 1, maxLength: 12}),
			// The restore stops every so many asks.
			stopEvery: fc.integer({min: 1, max: 80}),
		}),
		({seed, nodes, setup, calls, yieldEvery, stopEvery}) => {
			const original = createCluster({seed, nodes});
			for (const call of [...setup.map(m => ({op: 'apply' as const, manifests: [m]})), ...calls]) runSliced(original, call, yieldEvery);
			const snapshot = JSON.parse(JSON.stringify(original.snapshot()));
			const whole = createCluster({snapshot, restore: 'replay'});
			const restoring = restoreCluster({snapshot, restore: 'replay'});
			let asks = 0;
			let steps = 0;
			let last = -1;
			let restored: Cluster | undefined;
			while (!(restored = restoring.step(() => ++asks % stopEvery === 0))) {
				const {replayedMs, totalMs} = restoring.progress();
				t.true(replayedMs >= last && replayedMs <= totalMs, 'the progress only grows, up to the whole history');
				last = replayedMs;
				steps++;
			}
			t.true(steps < 100_000);
			t.deepEqual(state(restored), state(whole));
			t.deepEqual(restored.snapshot().journal, snapshot.journal, 'journaled as the snapshot has it');
			for (const cluster of [original, whole, restored]) cluster.advance(30_000);
			t.deepEqual(state(restored), state(original));
			t.deepEqual(state(whole), state(original));
		},
	), {seed: 29, numRuns: 14});
});

test('a restore from objects, and the replay of a snapshot with a base, made a slice at a time are the ones made in one go', t => {
	const original = richCluster(5);
	const snapshot = JSON.parse(JSON.stringify(original.snapshot()));
	for (const every of [1, 7, 40]) {
		const whole = createCluster({snapshot, restore: 'objects'});
		const {made: cold, stops: slices} = stepToEnd(restoreCluster({snapshot, restore: 'objects'}), every);
		t.true(slices > 0, 'the pending work took more than one slice');
		t.deepEqual(state(cold), state(whole));
		// Its own snapshot has a base: replayed from it, in slices too.
		whole.advance(5000);
		cold.advance(5000);
		const withBase = JSON.parse(JSON.stringify(cold.snapshot()));
		t.truthy(withBase.base);
		const {made: again} = stepToEnd(restoreCluster({snapshot: withBase, restore: 'replay'}), every);
		t.deepEqual(state(again), state(cold));
		for (const cluster of [whole, cold, again]) cluster.advance(30_000);
		t.deepEqual(state(cold), state(whole));
		t.deepEqual(state(again), state(whole));
	}
});

test('a restore from state made a slice at a time (a part, or a node\'s runtime, per slice at most) is the one made in one go, and refuses a part it cannot load as the whole one does', t => {
	const original = richCluster(6);
	const snapshot = JSON.parse(JSON.stringify(original.snapshot({history: false})));
	const parts = (snapshot.state.parts as Array<[string, unknown]>);
	const nodes = (parts.find(([name]) => name === 'runtimes')![1] as unknown[]).length;
	const whole = createCluster({snapshot});
	const restoring = restoreCluster({snapshot});
	let slices = 0;
	let restored: Cluster | undefined;
	const loaded: number[] = [];
	while (!(restored = restoring.step(() => true))) {
		slices++;
		loaded.push(restoring.loaded().parts);
	}
	// A slice for each part and one more for each node's runtime (the kubelets' workers go 500 a step), the last one ending the restore.
	t.is(slices, parts.length - 1 + nodes, 'a slice for each part, and for each node\'s runtime');
	t.deepEqual(loaded, [...loaded].sort((a, b) => a - b), 'the parts loaded only go up');
	t.deepEqual(state(restored), state(whole));
	for (const cluster of [whole, restored, original]) cluster.advance(30_000);
	const bare = (cluster: Cluster) => JSON.parse(JSON.stringify(cluster.snapshot({history: false}))) as unknown;
	t.deepEqual(bare(restored), bare(original));
	const damaged = JSON.parse(JSON.stringify(snapshot));
	const at = damaged.state.parts.findIndex(([name]: [string]) => name === 'kubelets');
	damaged.state.parts[at][1] = 7;
	const refusing = restoreCluster({snapshot: damaged});
	const error = t.throws(() => {
		while (!refusing.step(() => true));
	});
	t.regex(error?.message ?? '', /^snapshot\.state: part kubelets: .*; this build cannot load it; restore it from its objects$/);
	t.is((error as SnapshotError).fromObjects, 'state not loadable');
});

test('the store\'s objects load 2,000 a slice and the kubelets of 600 pods 500 pod workers a slice: the restore made so is the one made in one go, and goes on alike', t => {
	const original = createCluster({seed: 12, nodes: 6});
	original.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'many', namespace: 'default'}, spec: {replicas: 600, selector: {matchLabels: {app: 'many'}}, template: {metadata: {labels: {app: 'many'}}, spec: {containers: [{name: 'pause', image: 'registry.k8s.io/pause:3.9'}]}}}});
	original.advance(120_000);
	const snapshot = JSON.parse(JSON.stringify(original.snapshot({history: false})));
	const parts = snapshot.state.parts as Array<[string, unknown]>;
	// The kubelets' own record, then a node's workers a record.
	const workers = (parts.find(([name]) => name === 'kubelets')![1] as Array<[string, {workers?: unknown[]}]>).slice(1).reduce((sum, [, node]) => sum + node.workers!.length, 0);
	t.true(workers > 500, `${workers} pod workers`);
	const whole = createCluster({snapshot});
	const restoring = restoreCluster({snapshot});
	let slices = 0;
	let restored: Cluster | undefined;
	while (!(restored = restoring.step(() => true))) slices++;
	// A slice for each part, each node's runtime, each 500 pod workers past the first and each 2,000 objects.
	const objects = (snapshot.store.objects as unknown[]).length;
	t.true(objects > 2000, `${objects} objects`);
	t.is(slices, parts.length - 1 + 6 + Math.floor(workers / 500) + Math.floor(objects / 2000));
	t.deepEqual(state(restored), state(whole));
	for (const cluster of [whole, restored, original]) cluster.advance(20_000);
	const bare = (cluster: Cluster) => JSON.parse(JSON.stringify(cluster.snapshot({history: false}))) as unknown;
	t.deepEqual(bare(restored), bare(original));
});

test('an advance that stopped at its budget is restored mid-way (loaded or replayed) and finishes at the same timer', t => {
	for (const restore of ['exact', 'replay'] as const) {
		const original = createCluster({demo: true, seed: 9});
		let checks = 0;
		const stopped = original.advance(120_000, {shouldYield: () => ++checks > 40});
		t.false(stopped.done);
		const restored = roundTrip(original, restore);
		t.is(restored.behindMs(), original.behindMs());
		t.deepEqual(state(restored), state(original));
		original.advance(1000);
		restored.advance(1000);
		t.deepEqual(state(restored), state(original));
		t.is(restored.behindMs(), 0);
	}
});

test('a restored snapshot snapshots again to the same data, and restores again (loaded or replayed)', t => {
	const original = richCluster(6);
	const raw = original.snapshot();
	t.deepEqual(JSON.parse(JSON.stringify(raw)), raw, 'plain JSON data: no undefined fields, no non-finite numbers');
	for (const restore of ['exact', 'replay'] as const) {
		const once = roundTrip(original, restore);
		const twice = roundTrip(once, restore);
		t.deepEqual(state(twice), state(original));
	}
	const twice = roundTrip(roundTrip(original));
	for (const cluster of [original, twice]) cluster.advance(30_000);
	t.deepEqual(state(twice), state(original));
});

test('random calls on a cluster restored from its objects, a snapshot at a random point: its restore (loaded, and replayed from its base) matches the cluster that never stopped', t => {
	fc.assert(fc.property(
		fc.record({
			seed: fc.integer({min: 1, max: 1000}),
			nodes: fc.integer({min: 1, max: 4}),
			setup: fc.array(validManifest, {maxLength: 4}),
			before: fc.array(callArbitrary, {maxLength: 6}),
			calls: fc.array(callArbitrary, {minLength: 1, maxLength: 12}),
			at: fc.nat(),
		}),
		({seed, nodes, setup, before, calls, at}) => {
			const first = createCluster({seed, nodes});
			for (const call of [...setup.map(m => ({op: 'apply' as const, manifests: [m]})), ...before]) run(first, call);
			first.advance(20_000);
			const saved = JSON.stringify(first.snapshot());
			for (const restore of ['exact', 'replay'] as const) {
				const cold = createCluster({snapshot: JSON.parse(saved), restore: 'objects'});
				restoredMidway(t, cold, calls, at % (calls.length + 1), run, restore);
			}
		},
	), {seed: 21, numRuns: 12});
});
