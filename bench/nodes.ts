/**
 * Nodes, Services and traffic: the wall cost of one virtual hour of an idle
 * 100-node cluster (heartbeats, Lease renewals, node monitor, pod GC), of a
 * failure of 5 nodes with their pods evicted and replaced, and of traffic to
 * 50 Services with 10 endpoints each.
 */
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import {formatMs, timeMs} from './measure.js';

const nodes = 100;

/** ReplicaSets rather than Deployments, so the figures are this area's (the Deployment controller has its own section). */
function replicaSet(name: string, replicas: number) {
	return {
		apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name},
		spec: {
			replicas,
			selector: {matchLabels: {app: name}},
			template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'web', image: 'nginx:1.25', ports: [{containerPort: 80}]}]}},
		},
	};
}

export function runNodesBench(): BenchRow[] {
	const rows: BenchRow[] = [];
	const idle = createCluster({seed: 1, nodes});
	const hour = timeMs(() => idle.advance(3_600_000));
	rows.push({name: `idle ${nodes} nodes: 1 virtual hour of heartbeats`, value: formatMs(hour), aim: '< 1 s'});
	rows.push({name: `idle ${nodes} nodes: cost per virtual second`, value: `${((hour / 3600) * 1000).toFixed(1)} µs`});

	const cluster = createCluster({seed: 2, nodes});
	cluster.apply(Array.from({length: 100}, (_, i) => replicaSet(`app-${i}`, 10)));
	cluster.advance(60_000);
	for (let i = 0; i < 50; i++) cluster.expose('replicaset', `app-${i}`, {port: 80});
	cluster.advance(5000);
	for (let i = 0; i < 50; i++) cluster.startTraffic(`app-${i}`, {rps: 20});
	const traffic = timeMs(() => cluster.advance(120_000));
	rows.push({name: '50 Services × 20 rps (with the runtime\'s access logs), 2 virtual minutes', value: formatMs(traffic)});
	for (let i = 10; i < 50; i++) cluster.stopTraffic(`app-${i}`);
	const victims = ['kubarium-worker', 'kubarium-worker2', 'kubarium-worker3', 'kubarium-worker4', 'kubarium-worker5'];
	const evicting = cluster.list('pod').filter(p => victims.includes(p.spec?.nodeName)).length;
	const failure = timeMs(() => {
		for (const name of victims) cluster.killNode(name);
		cluster.advance(420_000);
	});
	rows.push({name: `kill 5 nodes (${evicting} pods evicted and replaced), 7 virtual minutes`, value: formatMs(failure)});
	const failed = Array.from({length: 10}, (_, i) => cluster.trafficStats(`app-${i}`).failed).reduce((a, b) => a + b, 0);
	rows.push({name: 'requests to 10 Services failed while the nodes were unreachable', value: String(failed)});
	return rows;
}

export const section: BenchSection = {title: 'nodes and services', run: runNodesBench};
