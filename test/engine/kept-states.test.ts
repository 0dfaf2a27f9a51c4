import test from 'ava';
import fc from 'fast-check';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import type {Manifest} from '../../source/engine/api/types.js';
import {checkKeptStates, keptStatesChecked, savingFrom} from '../../source/engine/state.js';
import {cutHistory, richCall, richCluster, runRich, runSliced} from './history-calls.js';

/**
 * A settled cluster's biggest parts (each node's runtime, the event
 * recorder, the kubelets) give the state they saved last, frozen, until
 * something they are made from changes; the tests check each kept state
 * against one made again (test/check-kept-states.ts), and an uncounted
 * change fails that check.
 */

function settled(): Cluster {
	const cluster = createCluster({seed: 3, nodes: 2});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {
		replicas: 4, selector: {matchLabels: {app: 'web'}},
		template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}},
	}} as Manifest);
	cluster.advance(60_000);
	return cluster;
}

function parts(cluster: Cluster): Map<string, unknown> {
	return new Map(cluster.context.state.save(savingFrom(cluster.context.store), ['runtimes', 'events', 'kubelets']));
}

/** The kubelets' records' states: their own, then each node's workers. */
function kubeletStates(saved: Map<string, unknown>): unknown[] {
	return (saved.get('kubelets') as Array<[string, unknown]>).map(([, state]) => state);
}

/** Each node's runtime state in the runtimes part. */
function runtimeStates(saved: Map<string, unknown>): unknown[] {
	return (saved.get('runtimes') as Array<[string, unknown]>).map(([, state]) => state);
}

test('a settled cluster\'s runtimes, event recorder and kubelets give their kept states again, frozen, until a change', t => {
	t.true(keptStatesChecked());
	const cluster = settled();
	const before = parts(cluster);
	cluster.advance(120_000);
	const after = parts(cluster);
	t.is(after.get('events'), before.get('events'), 'the event recorder');
	t.deepEqual(kubeletStates(after), kubeletStates(before));
	kubeletStates(after).forEach((state, index) => t.is(state, kubeletStates(before)[index], `the kubelets' record ${index}`));
	const runtimes = runtimeStates(after);
	runtimes.forEach((state, index) => t.is(state, runtimeStates(before)[index], `runtime ${index}`));
	for (const state of [after.get('events'), ...kubeletStates(after), ...runtimes]) t.true(Object.isFrozen(state));
	cluster.scale('Deployment', 'web', 5);
	cluster.advance(30_000);
	const scaled = parts(cluster);
	t.not(scaled.get('events'), after.get('events'), 'new events');
	t.true(kubeletStates(scaled).some((state, index) => state !== kubeletStates(after)[index]), 'a new worker');
	t.true(runtimeStates(scaled).some((state, index) => state !== runtimes[index]), 'a new container');
	t.deepEqual(JSON.parse(JSON.stringify([...parts(cluster)])), JSON.parse(JSON.stringify([...scaled])));
});

test('a change a kept state did not count is found by the check', t => {
	const cluster = settled();
	parts(cluster);
	const {kubelet} = cluster.context.services;
	const [pod] = cluster.list('pods');
	const [slot] = kubelet!.containersOf(pod!.metadata.uid)!;
	(slot as unknown as {restartCount: number}).restartCount += 1;
	t.throws(() => parts(cluster), {message: 'kubelets: the saved state they kept is not the one made now'});
	(slot as unknown as {restartCount: number}).restartCount -= 1;
	parts(cluster);
	const recorder = cluster.context.events as unknown as {nameSequence: number};
	recorder.nameSequence += 1;
	t.throws(() => parts(cluster), {message: 'event recorder: the saved state it kept is not the one made now'});
	checkKeptStates(false);
	try {
		t.notThrows(() => parts(cluster), 'unchecked, the kept states are given');
	} finally {
		checkKeptStates(true);
	}
});

test('random histories, saved after every call and again a few seconds on: every kept state reads as one made again', t => {
	fc.assert(fc.property(cutHistory, ({seed, nodes, calls, yieldEvery}) => {
		const cluster = createCluster({seed, nodes});
		for (const call of calls) {
			runSliced(cluster, call, yieldEvery);
			cluster.snapshot({history: false});
			cluster.advance(3000);
			cluster.snapshot({history: false});
		}
	}), {numRuns: 30, seed: 41});
	t.pass();
});

test('the rich demo (rows, a looping writer, a drain held by a budget, a CronJob, traffic, a shell), saved after every call: every kept state reads as one made again', t => {
	fc.assert(fc.property(fc.integer({min: 1, max: 50}), fc.array(richCall, {minLength: 4, maxLength: 10}), (seed, calls) => {
		const cluster = richCluster(seed);
		const shell = {};
		for (const call of calls) {
			runRich(cluster, call, shell);
			cluster.snapshot({history: false});
			cluster.snapshot({history: false});
		}
	}), {numRuns: 10, seed: 43});
	t.pass();
});

test('a cluster restored from its state saves, at first, the states it loaded (kept as a save would keep them)', t => {
	const cluster = settled();
	const snapshot = JSON.parse(JSON.stringify(cluster.snapshot({history: false}))) as ReturnType<Cluster['snapshot']>;
	const loaded = new Map(snapshot.state!.parts);
	const restored = createCluster({snapshot});
	const saved = parts(restored);
	t.is(saved.get('events'), loaded.get('events'));
	const loadedKubelets = loaded.get('kubelets') as Array<[string, unknown]>;
	kubeletStates(saved).forEach((state, index) => t.is(state, loadedKubelets[index]![1]));
	const runtimes = loaded.get('runtimes') as Array<[string, unknown]>;
	runtimeStates(saved).forEach((state, index) => t.is(state, runtimes[index]![1]));
	// And they read as the states made again (the check, on in the tests, compared them).
	restored.advance(30_000);
	cluster.advance(30_000);
	t.deepEqual(JSON.parse(JSON.stringify([...parts(restored)])), JSON.parse(JSON.stringify([...parts(cluster)])));
});
