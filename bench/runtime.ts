/**
 * Container-runtime benchmark: 10,000 nginx pods bound to 100 nodes (bare
 * Pods with spec.nodeName, so the figures are the kubelets' and runtimes',
 * not the scheduler's), with syscall traces and logs on. Idle `advance(1000)` median, memory
 * retained with every trace still a recipe and after every trace was read
 * (spelled out), and the rings' bound per container (entries and bytes when
 * full).
 */
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import type {Pod} from '../source/engine/api/types.js';
import type {KubeletService} from '../source/engine/node/kubelet.js';
import {MockRuntime, containerLogCapacity} from '../source/engine/runtime/mock-runtime.js';
import {containerTraceCapacity} from '../source/engine/runtime/syscalls.js';
import {formatMb, formatMs, median, settledMemory, timeMs} from './measure.js';

const podCount = 10_000;
const nodes = 100;

function manifest(i: number, nodeName: string) {
	return {
		apiVersion: 'v1', kind: 'Pod', metadata: {name: `web-${i}`, namespace: 'default', labels: {app: `web-${Math.floor(i / 10)}`}},
		spec: {nodeName, containers: [{name: 'nginx', image: 'nginx:1.25', ports: [{containerPort: 80}]}]},
	};
}

function running(pod: Pod): boolean {
	return pod.status?.phase === 'Running' && pod.status.containerStatuses?.[0]?.state.running !== undefined;
}

export function runRuntimeBench(): BenchRow[] {
	const before = settledMemory();
	const cluster = createCluster({seed: 1, nodes});
	let count = 0;
	let virtual = 0;
	const converge = timeMs(() => {
		const nodeNames = cluster.list('Node').map(n => n.metadata.name);
		cluster.apply(Array.from({length: podCount}, (_, i) => manifest(i, nodeNames[i % nodeNames.length]!)));
		for (let step = 0; step < 600 && count < podCount; step++) {
			cluster.advance(1000);
			virtual += 1000;
			count = (cluster.list('Pod') as Pod[]).filter(running).length;
		}
	});
	if (count !== podCount) throw new Error(`only ${count} of ${podCount} pods running after ${virtual / 1000} s`);
	const idle: number[] = [];
	for (let i = 0; i < 30; i++) idle.push(timeMs(() => cluster.advance(1000)));
	const recipes = settledMemory() - before;

	// Read every container's trace: each start-up burst is spelled out.
	const kubelet = cluster.context.services.kubelet!;
	const pods = cluster.list('Pod') as Pod[];
	let entries = 0;
	const readAll = timeMs(() => {
		for (const pod of pods) entries += cluster.syscalls(pod.metadata.name).length;
	});
	const spelled = settledMemory() - before;
	const idleAfter: number[] = [];
	for (let i = 0; i < 10; i++) idleAfter.push(timeMs(() => cluster.advance(1000)));

	// Fill 100 containers' rings with requests to measure the bound (heap growth per full container).
	const filled = pods.slice(0, 100).map(pod => ({runtime: kubelet.runtimeFor(pod.spec!.nodeName!) as MockRuntime, id: kubelet.containerIdOf(pod.metadata.uid, 'nginx')!}));
	const beforeFill = settledMemory();
	for (const {runtime, id} of filled) for (let i = 0; i < 3000; i++) runtime.handleRequest(id, {path: `/item/${i}`, from: '10.244.3.1'});
	const perContainer = (settledMemory() - beforeFill) / filled.length;
	const full = filled[0]!.runtime.footprint(filled[0]!.id)!;
	const usage = timeMs(() => cluster.metrics());
	return [
		{name: `start ${count} nginx pods on ${nodes} nodes`, value: `${formatMs(converge)} (${virtual / 1000} s virtual)`},
		{name: 'idle advance(1000), median of 30, traces on', value: formatMs(median(idle)), aim: '< 5 ms'},
		{name: 'heap retained, traces as start-up recipes', value: formatMb(recipes), aim: '< 500 MB'},
		{name: `read every pod's trace (${entries} entries)`, value: formatMs(readAll)},
		{name: 'heap retained, every trace spelled out', value: formatMb(spelled), aim: '< 500 MB'},
		{name: 'idle advance(1000) after reading, median of 10', value: formatMs(median(idleAfter)), aim: '< 5 ms'},
		{name: 'ring bound per container: syscalls / log lines', value: `${full.syscalls} / ${full.logLines} (caps ${containerTraceCapacity} / ${containerLogCapacity})`},
		{name: 'ring bound per container: heap when full (measured over 100 busy containers)', value: `${Math.round(perContainer / 1024)} KiB`},
		{name: 'cluster.metrics() over 10,000 pods', value: formatMs(usage)},
	];
}

export const section: BenchSection = {title: 'Container runtime', run: runRuntimeBench};
