/**
 * The node-by-node usage scrape a dashboard drives (`scrapeMetrics`): the
 * same figures as `metrics()`, in pieces when its budget is small, the last
 * complete scrape served until the next one completes, and nothing in the
 * engine changed by it.
 */
import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';
import type {NodeUsage, PodUsage} from '../../../source/engine/runtime/inspect.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/docs/${name}`, import.meta.url), 'utf8');

/** Four nodes: a Deployment of 12, a pod with an init container, and one spinning at its CPU limit. */
function busyCluster(): Cluster {
	const cluster = createCluster({seed: 21, nodes: 4});
	cluster.apply([
		{
			apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},
			spec: {replicas: 12, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
		},
		{
			apiVersion: 'v1', kind: 'Pod', metadata: {name: 'two', namespace: 'default'},
			spec: {initContainers: [{name: 'setup', image: 'busybox', command: ['sh', '-c', 'true']}], containers: [{name: 'db', image: 'redis:7.2'}, {name: 'side', image: 'nginx:1.25'}]},
		},
		{
			apiVersion: 'v1', kind: 'Pod', metadata: {name: 'spin', namespace: 'default'},
			spec: {containers: [{name: 'c', image: 'busybox', command: ['sh', '-c', 'while true; do :; done'], resources: {limits: {cpu: '500m'}}}]},
		},
	]);
	cluster.advance(60_000);
	return cluster;
}

const byName = (pods: readonly PodUsage[]) => [...pods].sort((a, b) => a.name.localeCompare(b.name));
const report = (usage: {pods: PodUsage[]; nodes: NodeUsage[]}) => ({pods: byName(usage.pods), nodes: usage.nodes});
const running = (cluster: Cluster) => cluster.list('Pod').filter(pod => pod.status?.['phase'] === 'Running').length;

test('a scrape done in one step finds what metrics() finds at that moment, pod for pod and node for node', t => {
	const scraped = busyCluster();
	const sampled = busyCluster();
	const usage = scraped.scrapeMetrics()!;
	const expected = sampled.metrics();
	t.is(expected.pods.length, 14);
	t.true(expected.pods.some(p => p.name === 'two' && p.containers.map(c => c.name).join() === 'db,side'));
	t.deepEqual(report(usage), report(expected));
	t.is(usage.byKey?.get('default/spin'), usage.pods.find(p => p.name === 'spin'));
	t.is(usage.podsCpuMilli, expected.pods.reduce((sum, p) => sum + p.cpuMilli, 0));
	t.is(usage.podsMemoryBytes, expected.pods.reduce((sum, p) => sum + p.memoryBytes, 0));
	// The scrape of this window is the one metrics() answers with, as metrics-server has one store.
	t.is(scraped.metrics(), usage);
});

test('with a small budget the scrape goes node by node; readers get the last complete scrape until the next completes', t => {
	const cluster = busyCluster();
	const step = () => cluster.scrapeMetrics({budgetMs: 0, minPods: 0});
	// No scrape is complete before the fourth node is read.
	t.is(step(), undefined);
	t.is(step(), undefined);
	t.is(step(), undefined);
	const first = step();
	t.truthy(first);
	t.is(first!.nodes.length, 4);
	t.is(first!.pods.length, running(cluster));
	t.deepEqual(report(first!), report(busyCluster().metrics()), 'read at one virtual time, the pieces add up to the one-piece figures');
	t.is(step(), first, 'complete for this window: nothing more to scrape');

	// The next window: a new scrape begins, and the old one is served while it runs, even as virtual time goes on.
	cluster.advance(15_000);
	t.is(step(), first);
	cluster.advance(1000);
	t.is(step(), first);
	t.is(step(), first);
	const second = step();
	t.not(second, first);
	t.is(second!.nodes.length, 4);
	t.is(second!.pods.length, running(cluster));
	t.notDeepEqual(second!.nodes.map(n => n.cpuMilli), first!.nodes.map(n => n.cpuMilli), 'a new sample: the system daemons wobble');
});

test('a budget is looked at only after minPods pods: a small cluster is scraped in one piece whatever the budget', t => {
	const cluster = busyCluster();
	const usage = cluster.scrapeMetrics({budgetMs: 0});
	t.is(usage?.pods.length, running(cluster));
	t.is(cluster.scrapeMetrics({shouldYield: () => true, minPods: 0}), usage, 'complete: a step that must yield still answers');
	cluster.advance(15_000);
	let steps = 0;
	while (cluster.scrapeMetrics({shouldYield: () => true, minPods: 0}) === usage) steps++;
	t.is(steps, 3, 'shouldYield: one node a step');
});

test('a scrape under way is finished after its window has passed, then the next begins', t => {
	const cluster = busyCluster();
	const step = () => cluster.scrapeMetrics({budgetMs: 0, minPods: 0});
	step();
	cluster.advance(20_000);
	step();
	step();
	const late = step();
	t.truthy(late, 'the scrape begun in the earlier window completes');
	t.is(step(), late);
	t.is(step(), late);
	t.is(step(), late);
	t.not(step(), late, 'then one of the current window');
});

test('metrics() mid-scrape makes a whole scrape of the window at once, which the step then answers with', t => {
	const cluster = busyCluster();
	const step = () => cluster.scrapeMetrics({budgetMs: 0, minPods: 0});
	step();
	step();
	const whole = cluster.metrics();
	t.is(whole.pods.length, running(cluster));
	t.is(step(), whole);
	t.is(step(), whole);
});

test('the scrape changes nothing in the engine: the HPA scales the same with a dashboard scraping in pieces', t => {
	const walkthrough = (scrape: boolean) => {
		const cluster = createCluster({seed: 3, nodes: 3});
		cluster.apply(fixture('php-apache.yaml'));
		cluster.apply(fixture('hpa-php-apache.yaml'));
		const run = (ms: number) => {
			for (let at = 0; at < ms; at += 1000) {
				cluster.advance(1000);
				if (scrape) cluster.scrapeMetrics({budgetMs: 0, minPods: 0});
			}
		};
		run(90_000);
		cluster.startTraffic('php-apache', {rps: 100});
		run(120_000);
		return {
			hpa: cluster.get('HorizontalPodAutoscaler', 'php-apache')?.status,
			replicas: cluster.get('Deployment', 'php-apache')?.spec?.replicas,
			pods: cluster.list('Pod').map(pod => [pod.metadata.name, pod.status?.['phase']]),
		};
	};
	const quiet = walkthrough(false);
	t.true((quiet.replicas as number) > 1, 'the load scaled php-apache up');
	t.deepEqual(walkthrough(true), quiet);
});
