import test from 'ava';
import {createCluster, type KubeObject} from '../../../source/engine/index.js';
import {engineSource} from '../../../source/ui/model/engine-source.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {Simulation, sharedSliceMs} from '../../../source/ui/model/simulation.js';

/** A simulation on a fake wall clock whose engine slices do one unit of work each. */
function setup(speed: number) {
	const cluster = createCluster({seed: 7, nodes: 2});
	const model = new ClusterModel(engineSource(cluster), {highlightMs: 0});
	let wall = 0;
	const simulation = new Simulation(engineSource(cluster), model, {speed, wallNow: () => wall, sliceMs: 0, tickMs: 100});
	return {cluster, simulation, passWall: (ms: number) => (wall += ms)};
}

const web = (replicas: number) => ({
	apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'},
	spec: {replicas, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}}},
});

test('a tick runs one slice of the engine; behind, the owed time is carried to the next ticks until the cluster catches up', t => {
	const {cluster, simulation, passWall} = setup(1);
	const start = cluster.now();
	cluster.apply(web(30));
	passWall(1000);
	simulation.tick();
	t.true(simulation.behindMs > 0, 'one slice does not reach the second owed');
	t.true(cluster.now() < start + 1000);
	let ticks = 1;
	while (simulation.behindMs > 0 && ticks < 100_000) {
		passWall(1);
		simulation.tick();
		ticks++;
	}
	t.is(simulation.behindMs, 0);
	t.true(ticks > 10);
	t.is(cluster.now(), start + 1000 + (ticks - 1), 'no owed time is lost or counted twice');
	t.is(cluster.list('pod').length, 30);
});

test('paused, the owed time waits: nothing advances until the speed is set again', t => {
	const {cluster, simulation, passWall} = setup(1);
	cluster.apply(web(10));
	passWall(1000);
	simulation.tick();
	const owed = simulation.behindMs;
	t.true(owed > 0);
	simulation.pause();
	const now = cluster.now();
	passWall(5000);
	simulation.tick();
	t.is(cluster.now(), now);
	t.is(simulation.behindMs, owed);
});

test('advance runs to the end whatever the slice size', t => {
	const {cluster, simulation} = setup(0);
	const start = cluster.now();
	cluster.apply(web(10));
	simulation.advance(30_000);
	t.is(simulation.behindMs, 0);
	t.is(cluster.now(), start + 30_000);
});

test('ticks build the name order of a large kind ahead, a slice at a time, with no view asking', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	for (let i = 0; i < 2000; i++) cluster.context.store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `c-${(i * 7919) % 2000}`, namespace: 'default'}} as unknown as KubeObject);
	const model = new ClusterModel(engineSource(cluster), {prepareOrdersAbove: 1000, ordersAtStart: false});
	// A slice of 0 ms: each tick places what a couple of ms of wall time allows, a block of objects at least.
	const simulation = new Simulation(engineSource(cluster), model, {speed: 0, wallNow: () => 0, sliceMs: 0});
	const all = model.count('ConfigMap');
	t.is(model.ordersToBuild, all);
	simulation.tick();
	t.true(model.ordersToBuild < all, 'built on by a tick');
	let ticks = 1;
	while (model.ordersToBuild > 0 && ticks < 100) {
		simulation.tick();
		ticks++;
	}
	t.is(model.ordersToBuild, 0);
	const order = model.nameOrder('ConfigMap');
	const [start] = order.range('default');
	t.deepEqual(order.slice(start, start + 3).map(key => key.name), ['c-0', 'c-1', 'c-10']);
	t.is(order.length, all);
	model.dispose();
});

test('a shell whose container is gone by the time it opens answers each line with the API\'s refusal, as kubectl exec would, and no prompt', t => {
	const cluster = createCluster({seed: 4, demo: true});
	cluster.advance(20_000);
	const source = engineSource(cluster);
	const pod = cluster.list('pods', {namespace: 'shop'}).find(p => p.metadata.name.startsWith('web-'))!;
	const session = source.openShell(pod.metadata.name, {namespace: 'shop', container: 'nope'});
	t.is(session.prompt(), '');
	const result = session.run('ls') as {stderr: string; exitCode: number; exited: boolean};
	t.is(result.stderr, `error: container nope is not valid for pod ${pod.metadata.name}\n`);
	t.is(result.exitCode, 1);
	t.false(result.exited);
	// A container that never started (its image cannot be pulled): kubectl's words for it.
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'broken', namespace: 'shop'}, spec: {containers: [{name: 'nginx', image: 'nginx:no-such-tag'}]}});
	cluster.advance(5000);
	const never = source.openShell('broken', {namespace: 'shop'});
	t.is(never.prompt(), '');
	t.is((never.run('ls') as {stderr: string}).stderr, 'error: unable to upgrade connection: container not found ("nginx")\n');
	// A pod that is gone too.
	const gone = source.openShell('nothing-here', {namespace: 'shop'});
	t.is(gone.prompt(), '');
	t.regex((gone.run('ls') as {stderr: string}).stderr, /^error: pods "nothing-here" not found\n$/);
});

test('while other work runs in slices (a background save), the engine\'s slice is shorter by sharedSliceMs', t => {
	const cluster = createCluster({seed: 7, nodes: 2});
	const model = new ClusterModel(engineSource(cluster), {highlightMs: 0});
	const source = engineSource(cluster);
	const budgets: Array<number | undefined> = [];
	const engine = source.simulation!;
	const advance = engine.advance.bind(engine);
	engine.advance = (ms, options) => {
		budgets.push(options?.budgetMs);
		return advance(ms, options);
	};
	let wall = 0;
	let busy = false;
	const simulation = new Simulation(source, model, {speed: 1, wallNow: () => wall, sliceMs: 25, tickMs: 100});
	simulation.shareSlices(() => busy);
	wall += 100;
	simulation.tick();
	busy = true;
	wall += 100;
	simulation.tick();
	busy = false;
	wall += 100;
	simulation.tick();
	t.deepEqual(budgets, [25, 25 - sharedSliceMs, 25]);
	model.dispose();
});

test('while a save takes the engine\'s snapshot in steps, ticks leave the cluster standing; the time they owe runs after', t => {
	const cluster = createCluster({seed: 7, nodes: 2});
	const model = new ClusterModel(engineSource(cluster), {highlightMs: 0});
	let wall = 0;
	const simulation = new Simulation(engineSource(cluster), model, {speed: 2, wallNow: () => wall, sliceMs: 10_000, tickMs: 100});
	const start = cluster.now();
	const steps = cluster.snapshotInSteps();
	for (let tick = 0; tick < 3; tick++) {
		wall += 100;
		simulation.tick();
	}
	t.true(cluster.snapshotting, 'no tick made the rest of the snapshot');
	t.is(cluster.now(), start);
	t.is(simulation.behindMs, 600, 'what it owes shows as behind');
	t.truthy(steps.step(() => false));
	wall += 100;
	simulation.tick();
	t.is(cluster.now(), start + 800, 'the 300 ms the cluster stood still, and this tick\'s 100, at twice the speed');
	t.is(simulation.behindMs, 0);
});
