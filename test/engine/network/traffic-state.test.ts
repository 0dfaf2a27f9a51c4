import test from 'ava';
import type {Cluster} from '../../../source/engine/index.js';
import {Twins} from '../twins.js';

/*
 * Traffic streams, kube-proxy's round robin for requests from pods, and the
 * metrics store, reloaded in place while traffic runs at several rates (one
 * Service with ClientIP affinity, one stream from a pod), while `wget`
 * from a pod walks a Service's endpoints, and while a node-by-node scrape
 * is under way.
 */

function deployment(name: string, replicas: number, cpu = '100m') {
	return {
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name},
		spec: {
			replicas, selector: {matchLabels: {app: name}},
			template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'web', image: 'nginx:1.27', ports: [{containerPort: 80}], resources: {requests: {cpu}}}]}},
		},
	};
}

function service(name: string, extra: Record<string, unknown> = {}) {
	return {apiVersion: 'v1', kind: 'Service', metadata: {name}, spec: {selector: {app: name}, ports: [{port: 80, targetPort: 80}], ...extra}};
}

const client = {
	apiVersion: 'v1', kind: 'Pod', metadata: {name: 'client'},
	spec: {containers: [{name: 'client', image: 'busybox:1.36', command: ['sleep', '100000']}]},
};

const stats = (cluster: Cluster) => ({
	web: cluster.trafficStats('web'),
	sticky: cluster.trafficStats('sticky'),
	fromPod: cluster.trafficStats('web', {from: 'client'}),
});

test('traffic at several rates, ClientIP affinity, a stream from a pod, wget from a pod and scrapes, reloaded in place: it goes on as its twin', t => {
	const twins = new Twins(t, {seed: 11, nodes: 3});
	twins.run(c => c.apply([deployment('web', 3), service('web'), deployment('sticky', 2), service('sticky', {sessionAffinity: 'ClientIP'}), client]));
	twins.advance(40_000);
	twins.run(c => c.startTraffic('web', {rps: 7}));
	twins.run(c => c.startTraffic('sticky', {rps: 2.5}));
	twins.run(c => c.startTraffic('web', {rps: 3, from: 'client'}));
	twins.advance(2500);
	twins.reload();
	for (let i = 0; i < 4; i++) twins.run(c => c.exec('client', ['wget', '-q', '-O-', 'http://web']), `wget ${i}`);
	t.true((twins.part('pod-network') as unknown[]).length > 0, 'a round robin under way');
	twins.reload();
	for (let i = 0; i < 3; i++) twins.run(c => c.exec('client', ['wget', '-q', '-O-', 'http://web']), `wget after the reload ${i}`);
	twins.run(c => c.logs(c.list('pods', {labelSelector: 'app=web'})[1]!.metadata.name));
	twins.advance(3300);
	twins.reload();
	twins.run(c => c.startTraffic('web', {rps: 13}));
	twins.run(c => c.stopTraffic('sticky'));
	twins.advance(2000);
	twins.reload();
	twins.run(c => c.startTraffic('sticky', {rps: 4}));
	twins.run(c => c.scale('deploy', 'web', 5));
	twins.advance(15_000);
	twins.run(stats, 'traffic stats');
	// The metrics store: a complete scrape, then one under way node by node.
	twins.run(c => c.metrics(), 'top');
	twins.reload();
	twins.run(c => c.metrics(), 'top after the reload');
	twins.advance(15_000);
	twins.run(c => c.scrapeMetrics({minPods: 0, shouldYield: () => true}), 'a scrape step');
	t.not((twins.part('scrapes') as {running: unknown}).running, null, 'a scrape under way');
	twins.reload();
	for (let i = 0; i < 4; i++) twins.run(c => c.scrapeMetrics({minPods: 0, shouldYield: () => true}), `a scrape step after the reload ${i}`);
	twins.run(c => c.autoscale('deployment', 'web', {min: 2, max: 6, cpuPercent: 50}));
	twins.advance(45_000);
	twins.reload();
	twins.advance(30_000);
	twins.run(stats, 'traffic stats at the end');
	twins.same('at the end');
});
