/**
 * A Service in front of a big workload: the wall cost of 10 virtual seconds
 * after applying N pods (bare pods, so the figures are the endpoint
 * controllers', not a ReplicaSet's), with and without a Service selecting
 * them. The Service's share should grow linearly with N.
 */
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import {formatMs, timeMs} from './measure.js';

const sizes = [1000, 2000, 4000];

function startPods(count: number, withService: boolean): number {
	const cluster = createCluster({seed: 1, nodes: Math.ceil(count / 100) + 1});
	if (withService) cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{port: 80}]}});
	cluster.advance(0);
	cluster.apply(Array.from({length: count}, (_, i) => ({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: `web-${i}`, labels: {app: 'web'}},
		spec: {containers: [{name: 'web', image: 'nginx:1.25', ports: [{containerPort: 80}]}]},
	})));
	return timeMs(() => cluster.advance(10_000));
}

export function runEndpointsBench(): BenchRow[] {
	const rows: BenchRow[] = [];
	const share = new Map<number, number>();
	// Warm the JIT first, so the smallest size is not charged for it.
	startPods(200, false);
	startPods(200, true);
	for (const count of sizes) {
		const without = startPods(count, false);
		const withService = startPods(count, true);
		share.set(count, Math.max(0, withService - without));
		rows.push({name: `${count} pods start, 10 virtual s: without / with a Service`, value: `${formatMs(without)} / ${formatMs(withService)}`});
	}
	const first = share.get(sizes[0]!)!;
	const last = share.get(sizes.at(-1)!)!;
	rows.push({
		name: `the Service's share at ${sizes.join(' / ')} pods`,
		value: sizes.map(count => formatMs(share.get(count)!)).join(' / '),
		aim: `t(${sizes.at(-1)! / 1000}k) ≤ ${(sizes.at(-1)! / sizes[0]!) * 1.25} × t(1k)`,
	});
	rows.push({name: 'ratio of the Service\'s share, 4k / 1k', value: first > 0 ? `${(last / first).toFixed(1)} ×` : 'n/a'});
	return rows;
}

export const section: BenchSection = {title: 'endpoints', run: runEndpointsBench};
