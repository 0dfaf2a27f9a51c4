/**
 * Time slices: an advance that stops at its budget and is resumed by later
 * advances does the same work in the same order as one that runs to the end,
 * so the store comes out the same whatever the budget.
 */
import test from 'ava';
import fc from 'fast-check';
import {createCluster, type Cluster} from '../../source/engine/cluster.js';
import {resourceTypes} from '../../source/engine/api/registry.js';
import {KubeError} from '../../source/engine/errors.js';

/** Every object of every kind, with the store's version and the clock. */
function dump(cluster: Cluster): string {
	return JSON.stringify({
		now: cluster.now(),
		rv: cluster.context.store.resourceVersion,
		objects: resourceTypes.map(type => cluster.list(type.kind)),
	});
}

type Step =
	| {op: 'advance'; ms: number}
	| {op: 'scale'; name: 'web' | 'api'; replicas: number}
	| {op: 'kill'; node: number}
	| {op: 'restore'; node: number}
	| {op: 'image'; tag: string};

const step: fc.Arbitrary<Step> = fc.oneof(
	{weight: 4, arbitrary: fc.record({op: fc.constant('advance' as const), ms: fc.integer({min: 0, max: 120_000})})},
	{weight: 2, arbitrary: fc.record({op: fc.constant('scale' as const), name: fc.constantFrom('web' as const, 'api' as const), replicas: fc.integer({min: 0, max: 40})})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('kill' as const), node: fc.integer({min: 0, max: 2})})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('restore' as const), node: fc.integer({min: 0, max: 2})})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('image' as const), tag: fc.constantFrom('1.25', '1.26', 'nope')})},
);

const nodeName = (i: number) => (i === 0 ? 'kubarium-worker' : `kubarium-worker${i + 1}`);

/** Run the steps; each advance is finished by further zero-length advances when a budget stops it. */
function run(steps: Step[], slice: (() => () => boolean) | undefined): {cluster: Cluster; slices: number} {
	const cluster = createCluster({seed: 5, demo: true});
	let slices = 0;
	for (const s of steps) {
		try {
			switch (s.op) {
				case 'advance': {
					let result = cluster.advance(s.ms, slice ? {shouldYield: slice()} : {});
					while (!result.done) {
						slices++;
						result = cluster.advance(0, {shouldYield: slice!()});
					}
					break;
				}
				case 'scale': cluster.scale('deployment', s.name, s.replicas, {namespace: 'shop'}); break;
				case 'kill': cluster.killNode(nodeName(s.node)); break;
				case 'restore': cluster.restoreNode(nodeName(s.node)); break;
				case 'image': cluster.setImage('deployment', 'web', 'nginx', `nginx:${s.tag}`, {namespace: 'shop'}); break;
			}
		} catch (error) {
			if (!(error instanceof KubeError)) throw error;
		}
	}
	return {cluster, slices};
}

test('sliced and unsliced advances leave the same store, whatever the budget', t => {
	let sliced = 0;
	fc.assert(
		fc.property(fc.array(step, {minLength: 1, maxLength: 12}), fc.integer({min: 1, max: 60}), (steps, every) => {
			const whole = run(steps, undefined);
			// Stop after every `every`-th timer or reconcile.
			const parts = run(steps, () => {
				let n = 0;
				return () => ++n % every === 0;
			});
			sliced += parts.slices;
			return dump(whole.cluster) === dump(parts.cluster);
		}),
		{seed: 20261205, numRuns: 25},
	);
	t.true(sliced > 100, `the budgets did cut advances into slices (${sliced})`);
});

test('an advance stopped by its budget is behind, and the owed time is run first by the next advance', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	cluster.apply({
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'},
		spec: {replicas: 20, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}}},
	});
	const start = cluster.now();
	let n = 0;
	const first = cluster.advance(10_000, {shouldYield: () => ++n >= 3});
	t.false(first.done);
	t.true(first.behindMs > 0);
	t.is(cluster.behindMs(), first.behindMs);
	t.is(first.now + first.behindMs, start + 10_000);
	const second = cluster.advance(5000);
	t.deepEqual(second, {done: true, now: start + 15_000, behindMs: 0});
	t.is(cluster.list('pod').length, 20);
});

test('a zero budget still does one unit of work per call, so repeated calls finish', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	let calls = 1;
	let result = cluster.advance(60_000, {budgetMs: 0});
	while (!result.done) {
		result = cluster.advance(0, {budgetMs: 0});
		calls++;
	}
	t.true(calls > 1);
	t.is(cluster.behindMs(), 0);
});

test('a bad budget is refused and changes nothing', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	const before = cluster.now();
	const error = t.throws(() => cluster.advance(1000, {budgetMs: -1}), {instanceOf: KubeError});
	t.is(error?.message, 'advance: budgetMs must be a number of milliseconds >= 0, got -1');
	t.is(cluster.now(), before);
	t.is(cluster.behindMs(), 0);
});
