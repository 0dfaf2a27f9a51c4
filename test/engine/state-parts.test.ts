import test, {type ExecutionContext} from 'ava';
import fc from 'fast-check';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {parts, sameParts} from './twins.js';
import {cutHistory, goOnAlike, richCall, richCluster, runRich, runSliced, type RichCall} from './history-calls.js';
import {sameSimulation} from './same-simulation.js';

/**
 * Every part of the simulation with state outside the objects saves it as
 * data and loads it back: two clusters make the same calls, one has its
 * parts saved, sent through JSON and loaded back in place at a random point
 * (`reloadParts`), and both must then save the same parts and go on alike.
 * A part that saves less than it keeps, or loads less than it saved, goes
 * on differently, since its load first returns it to the state it was built
 * with.
 */



test('random calls, every part reloaded at a random point: the cluster saves the same parts and goes on as its twin', t => {
	fc.assert(fc.property(
		cutHistory,
		({seed, nodes, calls, split, yieldEvery}) => {
			const twin = createCluster({seed, nodes});
			const reloaded = createCluster({seed, nodes});
			for (const call of calls.slice(0, split)) {
				runSliced(twin, call, yieldEvery);
				runSliced(reloaded, call, yieldEvery);
			}
			reloaded.reloadParts();
			sameParts(t, reloaded, twin, 'at the reload');
			goOnAlike([twin, reloaded], calls.slice(split), yieldEvery);
			sameSimulation(t, reloaded, twin);
			sameParts(t, reloaded, twin, 'a minute after the last call');
		},
	), {seed: 41, numRuns: 16});
});

test('the demo with rows, a looping writer, a drain held by a budget, a CronJob and traffic, every part reloaded: it goes on as its twin', t => {
	const saved = JSON.stringify(richCluster(7).snapshot());
	fc.assert(fc.property(
		fc.array(richCall, {minLength: 2, maxLength: 10}),
		fc.nat(),
		(calls: RichCall[], at) => {
			const split = at % (calls.length + 1);
			const twin = createCluster({snapshot: JSON.parse(saved)});
			const reloaded = createCluster({snapshot: JSON.parse(saved)});
			const shells = [{}, {}] as Array<{session?: ReturnType<Cluster['openShell']>['session']}>;
			for (const call of calls.slice(0, split)) {
				runRich(twin, call, shells[0]!);
				runRich(reloaded, call, shells[1]!);
			}
			reloaded.reloadParts();
			sameParts(t, reloaded, twin, 'at the reload');
			for (const call of calls.slice(split)) {
				runRich(twin, call, shells[0]!);
				runRich(reloaded, call, shells[1]!);
			}
			twin.advance(45_000);
			reloaded.advance(45_000);
			sameSimulation(t, reloaded, twin);
			sameParts(t, reloaded, twin, 'after 45 s more');
		},
	), {seed: 43, numRuns: 4});
});

test('parts register when the cluster is built, not on first use: traffic, scrapes, in-pod requests and drains add none later', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	const built = cluster.context.state.names();
	for (const name of ['drains', 'volumes', 'traffic', 'pod-network', 'scrapes', 'claim-users', 'volume-index', 'persistentvolume-controller', 'attachdetach-controller', 'database-replication']) {
		t.true(built.includes(name), `${name} is registered`);
	}
	// A database's volume is loaded before the databases kept in it.
	t.true(built.indexOf('volumes') < built.indexOf('database-replication'));
	cluster.apply([
		{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.27'}]}}}},
		{apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{port: 80}]}},
	]);
	cluster.advance(30_000);
	cluster.startTraffic('web', {rps: 5});
	cluster.metrics();
	cluster.scrapeMetrics({shouldYield: () => true, minPods: 0});
	cluster.drain('kubarium-worker', {ignoreDaemonSets: true, force: true});
	cluster.advance(5000);
	t.deepEqual(cluster.context.state.names(), built);
});
