import test from 'ava';
import fc from 'fast-check';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import type {Manifest} from '../../source/engine/api/types.js';
import {cutHistory, runSliced} from './history-calls.js';
import {stepToEnd} from './same-simulation.js';

/**
 * A snapshot made in steps (`snapshotInSteps`) is the snapshot of the
 * cluster as it stood when it began, whatever its steps and whatever is
 * read meanwhile; a call that may change the cluster makes the rest of it
 * first.
 */

const web = (replicas: number): Manifest => ({
	apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'},
	spec: {replicas, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
} as Manifest);

function busy(): Cluster {
	const cluster = createCluster({seed: 5, nodes: 3});
	cluster.apply(web(12));
	cluster.advance(20_000);
	return cluster;
}

test('made in steps, the snapshot is the one taken at once; the cluster stands still while it is under way', t => {
	const cluster = busy();
	const atOnce = JSON.stringify(cluster.snapshot());
	const steps = cluster.snapshotInSteps();
	t.true(cluster.snapshotting);
	const {made, stops} = stepToEnd(steps, 1, () => {
		// Queries read the cluster as it stands, and leave the snapshot under way.
		t.is(cluster.list('Pod').length, 12);
		t.truthy(cluster.get('Deployment', 'web'));
		t.true(cluster.snapshotting);
	});
	t.true(stops > 10, `stopped ${stops} times: between the parts, and inside the runtimes, kubelets and events`);
	t.false(cluster.snapshotting);
	t.is(JSON.stringify(made), atOnce);
	t.is(steps.step(() => true), made, 'the same snapshot at every later call');
});

test('a call that may change the cluster makes the rest of the snapshot first: the snapshot is of the cluster before the call', t => {
	for (const change of [
		(c: Cluster) => c.scale('Deployment', 'web', 3),
		(c: Cluster) => c.advance(5000),
		// Stopped early, as a budget stops it, but after the same work on both clusters (a wall-time budget stops where the machine's load has it).
		(c: Cluster) => c.advance(5000, {shouldYield: () => true}),
		(c: Cluster) => c.logs(c.list('Pod')[0]!.metadata.name),
		(c: Cluster) => c.scrapeMetrics({budgetMs: 0}),
		(c: Cluster) => c.openShell(c.list('Pod')[0]!.metadata.name, ['sh']),
	]) {
		const cluster = busy();
		const twin = busy();
		const before = JSON.stringify(cluster.snapshot());
		const steps = cluster.snapshotInSteps();
		t.is(steps.step(() => true), undefined);
		change(cluster);
		t.false(cluster.snapshotting);
		t.is(JSON.stringify(steps.step(() => true)), before);
		// And the call went as it goes on a cluster that took no snapshot.
		change(twin);
		t.is(JSON.stringify(cluster.snapshot()), JSON.stringify(twin.snapshot()));
	}
});

test('cancelled, a snapshot under way no longer holds the cluster; a second one makes the first before it begins', t => {
	const cluster = busy();
	const first = cluster.snapshotInSteps();
	first.step(() => true);
	first.cancel();
	t.false(cluster.snapshotting);
	const before = JSON.stringify(cluster.snapshot());
	const second = cluster.snapshotInSteps();
	second.step(() => true);
	const third = cluster.snapshotInSteps();
	t.is(JSON.stringify(second.step(() => true)), before, 'made at once when the third began');
	t.true(cluster.snapshotting);
	t.is(JSON.stringify(stepToEnd(third, 3).made), before);
});

test('snapshotInSteps refuses what snapshot refuses, at once', t => {
	const cluster = busy();
	t.throws(() => cluster.snapshotInSteps({history: 'no' as unknown as boolean}), {message: 'snapshot: history must be true or false, got no'});
	t.false(cluster.snapshotting);
	let inside: string | undefined;
	const stop = cluster.watch(() => {
		try {
			cluster.snapshotInSteps();
		} catch (error) {
			inside = (error as Error).message;
		}
	});
	cluster.scale('Deployment', 'web', 2);
	stop();
	t.is(inside, 'snapshot: the cluster is in the middle of a call');
	t.false(cluster.snapshotting);
});

test('property: over random histories, a snapshot in random steps with calls between is the snapshot at its start, and the cluster goes on as one that took none', t => {
	fc.assert(fc.property(cutHistory, fc.integer({min: 1, max: 7}), fc.boolean(), ({seed, nodes, calls, split, yieldEvery}, every, interrupt) => {
		const cluster = createCluster({seed, nodes});
		const twin = createCluster({seed, nodes});
		for (const call of calls.slice(0, split)) for (const c of [cluster, twin]) runSliced(c, call, yieldEvery);
		const before = JSON.stringify(cluster.snapshot({history: false}));
		const steps = cluster.snapshotInSteps({history: false});
		const rest = calls.slice(split);
		let made: unknown;
		if (interrupt && rest.length > 0) {
			// A few steps, then the next call comes while the snapshot is under way.
			for (let i = 0; i < every && made === undefined; i++) made = steps.step(() => true);
			runSliced(cluster, rest[0]!, yieldEvery);
			made ??= steps.step(() => false);
			runSliced(twin, rest[0]!, yieldEvery);
			rest.shift();
		} else made = stepToEnd(steps, every).made;
		if (JSON.stringify(made) !== before) return false;
		for (const call of rest) for (const c of [cluster, twin]) runSliced(c, call, yieldEvery);
		return JSON.stringify(cluster.snapshot({history: false})) === JSON.stringify(twin.snapshot({history: false}));
	}), {numRuns: 25});
	t.pass();
});

test('a snapshot whose steps fail no longer holds the cluster: the failure goes to whoever steps it, and a call that came meanwhile goes on', t => {
	for (const when of ['stepping', 'a call'] as const) {
		const cluster = busy();
		let fail = false;
		cluster.context.state.register<null>('failing', {
			save: () => null,
			*saveInSteps() {
				yield;
				if (fail) throw new Error('the part could not be saved');
				return null;
			},
			load: () => undefined,
		});
		fail = true;
		const steps = cluster.snapshotInSteps();
		t.true(cluster.snapshotting);
		if (when === 'a call') {
			t.notThrows(() => cluster.scale('Deployment', 'web', 2));
			t.is(cluster.get('Deployment', 'web')?.spec?.replicas, 2);
		}
		t.throws(() => stepToEnd(steps, 1), {message: 'the part could not be saved'});
		t.false(cluster.snapshotting, `after the failure while ${when}`);
		fail = false;
		t.truthy(cluster.snapshot(), 'the next snapshot is made');
	}
});
