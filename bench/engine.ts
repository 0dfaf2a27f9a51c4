/**
 * Engine benchmark: 1,000 Deployments × 10 replicas on 100 nodes. Wall time
 * until all 10,000 pods are Running and Ready, the median wall time of one idle
 * `advance(1000)` afterwards, and peak memory.
 */
import {cpus, loadavg} from 'node:os';
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import type {Pod} from '../source/engine/api/types.js';
import {formatMb, formatMs, median, settledMemory, timeMs} from './measure.js';

const deployments = 1000;
const replicas = 10;
const nodes = 100;
/** Images the simulated registry serves, so pods mix pulls and cached starts. */
const images = ['nginx:1.25', 'nginx:1.27', 'nginx:1.23', 'httpd:2.4', 'nginx:alpine'];

/** Deployment `app-<i>` with `count` replicas of one of the registry's images. */
export function manifest(i: number, count = replicas) {
	const name = `app-${i}`;
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name, namespace: 'default'},
		spec: {
			replicas: count,
			selector: {matchLabels: {app: name}},
			template: {
				metadata: {labels: {app: name}},
				spec: {containers: [{name: 'web', image: images[i % images.length]!}]},
			},
		},
	};
}

export function isRunningReady(pod: Pod): boolean {
	return pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp
		&& pod.status.conditions?.some(c => c.type === 'Ready' && c.status === 'True') === true;
}

/** The figures, also used by the profiling entry point below. */
export function runEngineBench(): BenchRow[] {
	let peakRss = process.memoryUsage().rss;
	let peakHeap = process.memoryUsage().heapUsed;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	};
	const before = settledMemory();
	const cluster = createCluster({seed: 1, nodes});
	let ready = 0;
	let virtualMs = 0;
	const cpuStart = process.cpuUsage();
	const converge = timeMs(() => {
		cluster.apply(Array.from({length: deployments}, (_, i) => manifest(i)));
		for (let step = 0; step < 600; step++) {
			cluster.advance(1000);
			virtualMs += 1000;
			sample();
			const pods = cluster.list('Pod') as Pod[];
			ready = 0;
			for (const pod of pods) if (isRunningReady(pod)) ready++;
			if (ready === deployments * replicas && pods.length === ready) break;
		}
	});
	const cpu = process.cpuUsage(cpuStart);
	if (ready !== deployments * replicas) throw new Error(`only ${ready} of ${deployments * replicas} pods Running and Ready after ${virtualMs / 1000} s of virtual time`);
	const idle: number[] = [];
	for (let i = 0; i < 30; i++) idle.push(timeMs(() => cluster.advance(1000)));
	sample();
	const retained = settledMemory() - before;
	return [
		{name: `converge ${deployments * replicas} pods (${deployments} deployments × ${replicas}, ${nodes} nodes)`, value: `${formatMs(converge)} (${virtualMs / 1000} s virtual)`, aim: '< 10 s'},
		{name: 'converge: CPU time of the process (user + system)', value: formatMs((cpu.user + cpu.system) / 1000)},
		{name: 'idle advance(1000), median of 30', value: formatMs(median(idle)), aim: '< 5 ms'},
		{name: 'peak RSS', value: formatMb(peakRss), aim: '< 500 MB'},
		{name: 'peak heap used', value: formatMb(peakHeap)},
		{name: 'heap retained by the cluster (after GC)', value: formatMb(retained)},
		// Wall times mean little on a busy machine: say how busy it was.
		{name: 'machine load (1-minute average) / cores', value: `${loadavg()[0]!.toFixed(1)} / ${cpus().length}`},
	];
}

export const section: BenchSection = {title: 'engine', run: runEngineBench};

// `node dist/bench/engine.js` runs this section alone (for `--cpu-prof`).
if (process.argv[1]?.endsWith('engine.js') || process.argv[1]?.endsWith('engine.ts')) {
	for (const row of runEngineBench()) process.stdout.write(`${row.name} | ${row.value}${row.aim ? ` | aim ${row.aim}` : ''}\n`);
}
