/**
 * The dashboard's metrics at scale: the model shows the engine's last
 * complete scrape, its reads move the scrape under way on a little, and the
 * loop moves it on between ticks while a view shows metrics.
 */
import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {engineSource} from '../../../source/ui/model/engine-source.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {Simulation} from '../../../source/ui/model/simulation.js';

/** Twelve pods on four nodes, a model that scrapes one node per read, and a paused loop, all on a fake wall clock. */
function setup() {
	const cluster = createCluster({seed: 9, nodes: 4});
	cluster.apply({
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},
		spec: {replicas: 12, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
	});
	cluster.advance(60_000);
	let wall = 0;
	const source = engineSource(cluster);
	const model = new ClusterModel(source, {highlightMs: 0, now: () => wall, metricsRefreshMs: 0, metricsReadBudgetMs: 0, metricsMinPods: 0});
	const simulation = new Simulation(source, model, {speed: 0, wallNow: () => wall, tickMs: 100});
	return {cluster, model, simulation, passWall: (ms: number) => (wall += ms)};
}

test('the model shows the last complete scrape; each read (once a virtual second) moves the one under way on', t => {
	const {cluster, model} = setup();
	t.is(model.metrics(), undefined, 'one node of four read: no scrape is complete');
	t.is(model.metrics(), undefined);
	cluster.advance(1000);
	t.is(model.metrics(), undefined);
	cluster.advance(1000);
	t.is(model.metrics(), undefined);
	cluster.advance(1000);
	const snapshot = model.metrics();
	t.truthy(snapshot, 'the fourth node completes it');
	const report = cluster.metrics();
	t.is(snapshot!.pods.size, 12);
	t.is(snapshot!.nodes.size, 4);
	t.is(snapshot!.pods.get(`default/${report.pods[0]!.name}`), report.pods[0], 'metrics() answers with the scrape the dashboard completed');
	t.is(snapshot!.podsCpuMilli, report.pods.reduce((sum, p) => sum + p.cpuMilli, 0));
	t.is(snapshot!.podsMemoryBytes, report.pods.reduce((sum, p) => sum + p.memoryBytes, 0));
	t.regex(snapshot!.cpu, /^\d+%$/);
});

test('the loop moves the scrape on while a view shows metrics, not once none has for a while; the new window\'s scrape replaces the old', t => {
	const {cluster, model, simulation, passWall} = setup();
	model.metrics();
	for (let i = 0; i < 3; i++) simulation.tick();
	cluster.advance(1000);
	const first = model.metrics();
	t.truthy(first, 'the ticks finished the scrape the read began');

	// Nobody has looked for 6 s: the loop leaves the next window's scrape alone.
	cluster.advance(15_000);
	passWall(6000);
	for (let i = 0; i < 10; i++) simulation.tick();
	t.is(model.metrics(), first, 'the read moves it on by one node: the last complete scrape is still shown');
	for (let i = 0; i < 3; i++) simulation.tick();
	cluster.advance(1000);
	const second = model.metrics();
	t.not(second, first, 'a view asked again: the ticks finished the new window\'s scrape');
	t.is(second!.pods.size, 12);
});

test('paused, the loop completes the scrape a read began: the tick says so, and the next read shows it in the same virtual second', t => {
	const {cluster, model, simulation} = setup();
	const second = cluster.now();
	t.is(model.metrics(), undefined, 'one node of four read');
	const heard: boolean[] = [];
	simulation.onTick(tick => heard.push(tick.metricsChanged));
	t.true(simulation.tick().metricsChanged, 'the loop finished the scrape');
	t.deepEqual(heard, [true], 'and told the listeners, though nothing else changed');
	t.is(cluster.now(), second, 'paused: virtual time did not move');
	const snapshot = model.metrics();
	t.truthy(snapshot, 'the read takes the completed scrape at once');
	t.is(snapshot!.pods.size, 12);
	t.false(simulation.tick().metricsChanged, 'shown: the next tick has nothing new');
	t.deepEqual(heard, [true]);
});
