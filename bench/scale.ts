/**
 * Scale benchmark: 10,000 Deployments × 10 replicas on 1,000 nodes (100,000
 * pods). Wall and CPU time until every pod is Running and Ready, peak RSS,
 * the median idle `advance(1000)` afterwards. Also the longest single
 * `advance(100, {budgetMs: 25})` call (the dashboard loop's slice) during the
 * 10k converge and during a scale of the demo `web` Deployment to 99999.
 *
 * `node dist/bench/scale.js [deployments replicas nodes [budgetMs]]` runs one converge alone (for
 * `--cpu-prof`); `node dist/bench/scale.js 0 [virtualSeconds [budgetMs]]` the demo scale alone.
 */
import {cpus, loadavg} from 'node:os';
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import type {Pod} from '../source/engine/api/types.js';
import {formatMb, formatMs, median, timeMs} from './measure.js';
import {isRunningReady, manifest} from './engine.js';
import {limitHeapGrowth} from '../source/start/heap.js';

export type ConvergeResult = {pods: number; wallMs: number; cpuMs: number; virtualMs: number; peakRss: number; idleMs: number; longestSliceMs: number};

/**
 * Converge `deployments × replicas` pods on `nodes` nodes. With `sliceBudgetMs`
 * the engine is driven as the dashboard drives it, `advance(100, {budgetMs})`,
 * and the longest single call is reported; else by `advance(1000)`.
 */
export function converge(deployments: number, replicas: number, nodes: number, sliceBudgetMs?: number): ConvergeResult {
	let peakRss = process.memoryUsage().rss;
	const cluster = createCluster({seed: 1, nodes});
	const total = deployments * replicas;
	let ready = 0;
	let longestSliceMs = 0;
	const cpuStart = process.cpuUsage();
	const start = cluster.now();
	// Readiness is counted from the watch, as an observer of the API would, rather than by listing every pod again.
	const readyPods = new Set<string>();
	const stopWatch = cluster.watch(({type, object}) => {
		if (type !== 'DELETED' && isRunningReady(object as Pod)) readyPods.add(object.metadata.uid);
		else readyPods.delete(object.metadata.uid);
	}, {kind: 'Pod'});
	const wallMs = timeMs(() => {
		cluster.apply(Array.from({length: deployments}, (_, i) => manifest(i, replicas)));
		let sinceRss = 0;
		for (let step = 0; step < 10_000_000 && cluster.now() - start < 7_200_000; step++) {
			if (sliceBudgetMs === undefined) {
				cluster.advance(1000);
				sinceRss += 1000;
			} else {
				const t0 = performance.now();
				const result = cluster.advance(100, {budgetMs: sliceBudgetMs});
				longestSliceMs = Math.max(longestSliceMs, performance.now() - t0);
				if (result.done) sinceRss += 100;
			}
			if (sinceRss >= 30_000) {
				sinceRss = 0;
				peakRss = Math.max(peakRss, process.memoryUsage().rss);
			}
			if (readyPods.size !== total) continue;
			// Every pod the watch saw is Running and Ready: confirm from the store.
			const pods = cluster.list('Pod') as Pod[];
			ready = 0;
			for (const pod of pods) if (isRunningReady(pod)) ready++;
			if (ready === total && pods.length === ready) break;
		}
	});
	stopWatch();
	const cpu = process.cpuUsage(cpuStart);
	if (ready !== total) throw new Error(`only ${ready} of ${total} pods Running and Ready after ${(cluster.now() - start) / 1000} s of virtual time`);
	const idle: number[] = [];
	for (let i = 0; i < 30; i++) idle.push(timeMs(() => cluster.advance(1000)));
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
	return {pods: total, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, virtualMs: cluster.now() - start, peakRss, idleMs: median(idle), longestSliceMs};
}

/**
 * The demo cluster (3 nodes) with `web` scaled to 99999, driven by
 * `advance(100, {budgetMs})` for `virtualSeconds`: the longest single call,
 * and how many pods were Pending and Running at the end.
 */
export function scaleDemo(replicas: number, virtualSeconds: number, budgetMs: number) {
	const cluster = createCluster({seed: 1, demo: true});
	for (let i = 0; i < 20; i++) cluster.advance(1000);
	cluster.scale('Deployment', 'web', replicas, {namespace: 'shop'});
	let longestSliceMs = 0;
	const cpuStart = process.cpuUsage();
	const start = cluster.now();
	const wallMs = timeMs(() => {
		while (cluster.now() - start < virtualSeconds * 1000) {
			const t0 = performance.now();
			cluster.advance(100, {budgetMs});
			longestSliceMs = Math.max(longestSliceMs, performance.now() - t0);
		}
	});
	const cpu = process.cpuUsage(cpuStart);
	const pods = cluster.list('Pod', {namespace: 'shop'}) as Pod[];
	return {
		longestSliceMs, wallMs, cpuMs: (cpu.user + cpu.system) / 1000,
		pending: pods.filter(p => p.status?.phase === 'Pending').length,
		running: pods.filter(p => p.status?.phase === 'Running').length,
		total: pods.length,
		rss: process.memoryUsage().rss,
	};
}

export function runScaleBench(): BenchRow[] {
	const big = converge(10_000, 10, 1000);
	globalThis.gc?.();
	const sliced = converge(1000, 10, 100, 25);
	globalThis.gc?.();
	const demo = scaleDemo(99_999, 120, 25);
	return [
		{name: `converge ${big.pods} pods (10000 deployments × 10, 1000 nodes)`, value: `${formatMs(big.wallMs)} (${big.virtualMs / 1000} s virtual)`, aim: '< 30 s'},
		{name: 'converge 100k: CPU time of the process (user + system)', value: formatMs(big.cpuMs)},
		{name: 'converge 100k: peak RSS', value: formatMb(big.peakRss), aim: '< 1.5 GB'},
		{name: 'idle advance(1000) at 100k pods, median of 30', value: formatMs(big.idleMs), aim: '< 5 ms'},
		{name: 'longest advance(100, {budgetMs: 25}) during the 10k converge', value: formatMs(sliced.longestSliceMs), aim: '< 50 ms'},
		{name: '10k converge in 25 ms slices: wall / CPU', value: `${formatMs(sliced.wallMs)} / ${formatMs(sliced.cpuMs)}`},
		{name: 'longest advance(100, {budgetMs: 25}) during demo web scaled to 99999 (120 s virtual)', value: formatMs(demo.longestSliceMs), aim: '< 50 ms'},
		{name: 'demo web at 99999 after 120 s: pods Running / Pending', value: `${demo.running} / ${demo.pending}`},
		{name: 'demo web at 99999, 120 s virtual: wall / CPU', value: `${formatMs(demo.wallMs)} / ${formatMs(demo.cpuMs)}`},
		{name: 'machine load (1-minute average) / cores', value: `${loadavg()[0]!.toFixed(1)} / ${cpus().length}`},
	];
}

export const section: BenchSection = {title: 'scale 100k', run: runScaleBench};

if (process.argv[1]?.endsWith('scale.js') || process.argv[1]?.endsWith('scale.ts')) {
	limitHeapGrowth();
	const [d, r, n, b] = process.argv.slice(2).map(Number);
	if (d === 0) {
		const demo = scaleDemo(99_999, r || 60, n || 25);
		process.stdout.write(`${JSON.stringify(demo)}\n`);
	} else {
		const result = converge(d || 10_000, r || 10, n || 1000, b || undefined);
		process.stdout.write(`${JSON.stringify({...result, peakRssMb: Math.round(result.peakRss / 1048576)})}\n`);
	}
}
