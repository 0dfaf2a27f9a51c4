/**
 * Scaling benchmark: the cost of a workload grows with its size, not with
 * its square. A ReplicaSet scaled up to 1k, 2k, 4k and 8k replicas (until all
 * are ready) and down again (until 3 remain); one `advance` right after
 * scaling a 5,000-replica Deployment up, down, and after deleting it; and the
 * controller syncs a node kill costs under a settled Deployment.
 * `npm run bench -- scaling`.
 */
import type {BenchRow, BenchSection} from './run.js';
import {createCluster, type Cluster} from '../source/engine/cluster.js';
import type {ReplicaSet} from '../source/engine/api/types.js';
import {formatMs, timeMs} from './measure.js';

const sizes = [1000, 2000, 4000, 8000];
/** Nodes roomy enough that the scheduler's per-pod cost stays the same at every size. */
const nodeShape = {pods: 2000, cpu: 2000, memoryGi: 8000};

function template(name: string) {
	return {
		metadata: {labels: {app: name}},
		spec: {containers: [{name: 'web', image: 'nginx:1.25'}]},
	};
}

function replicaSet(name: string, replicas: number) {
	return {apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name}, spec: {replicas, selector: {matchLabels: {app: name}}, template: template(name)}};
}

function deployment(name: string, replicas: number) {
	return {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name}, spec: {replicas, selector: {matchLabels: {app: name}}, template: template(name)}};
}

/** Advance in 1 s steps until `done`, at most `limitMs` of virtual time; returns the virtual ms it took. */
function advanceUntil(cluster: Cluster, done: () => boolean, limitMs = 600_000): number {
	let spent = 0;
	while (!done() && spent < limitMs) {
		cluster.advance(1000);
		spent += 1000;
	}
	if (!done()) throw new Error('did not converge');
	return spent;
}

const podCount = (cluster: Cluster) => cluster.context.store.count('Pod');

type Timing = {wall: number; cpu: number};

/** Wall and CPU time to scale a ReplicaSet from 0 to `size` (all ready) and back to 3 (the rest gone). */
function replicaSetRound(size: number): {up: Timing; down: Timing; syncs: number} {
	const cluster = createCluster({seed: 1, nodes: 10, node: nodeShape});
	cluster.apply(replicaSet('rs', 0));
	cluster.advance(1000);
	const rs = () => cluster.get('ReplicaSet', 'rs') as ReplicaSet;
	const queue = cluster.context.queue('replicaset-controller');
	const before = queue.taken;
	const up = timeWithCpu(() => {
		cluster.scale('ReplicaSet', 'rs', size);
		advanceUntil(cluster, () => rs().status?.readyReplicas === size);
	});
	const down = timeWithCpu(() => {
		cluster.scale('ReplicaSet', 'rs', 3);
		advanceUntil(cluster, () => podCount(cluster) === 3 && rs().status?.replicas === 3);
	});
	return {up, down, syncs: queue.taken - before};
}

/** Wall and CPU time of `fn` in ms (CPU time says more on a busy machine). */
function timeWithCpu(fn: () => void): Timing {
	const start = process.cpuUsage();
	const wall = timeMs(fn);
	const used = process.cpuUsage(start);
	return {wall, cpu: (used.user + used.system) / 1000};
}

const both = ({wall, cpu}: Timing) => `${formatMs(wall)} (CPU ${formatMs(cpu)})`;

/** One `advance(1000)` right after each change of a 5,000-replica Deployment. */
function bigWorkload(): BenchRow[] {
	const cluster = createCluster({seed: 1, nodes: 10, node: nodeShape});
	cluster.apply(deployment('big', 10));
	advanceUntil(cluster, () => podCount(cluster) === 10);
	cluster.advance(30_000);
	const ready = () => (cluster.get('Deployment', 'big')?.status?.readyReplicas ?? 0);
	const up = timeWithCpu(() => {
		cluster.scale('Deployment', 'big', 5000);
		cluster.advance(1000);
	});
	advanceUntil(cluster, () => ready() === 5000);
	const down = timeWithCpu(() => {
		cluster.scale('Deployment', 'big', 10);
		cluster.advance(1000);
	});
	advanceUntil(cluster, () => podCount(cluster) === 10);
	cluster.scale('Deployment', 'big', 5000);
	advanceUntil(cluster, () => ready() === 5000);
	const gone = timeWithCpu(() => {
		cluster.delete('Deployment', 'big');
		cluster.advance(1000);
	});
	advanceUntil(cluster, () => podCount(cluster) === 0);
	return [
		{name: '5,000-replica Deployment: advance(1000) after scaling up from 10', value: both(up), aim: '< 2 s'},
		{name: '5,000-replica Deployment: advance(1000) after scaling down to 10', value: both(down), aim: '< 2 s'},
		{name: '5,000-replica Deployment: advance(1000) after deleting it', value: both(gone), aim: '< 2 s'},
	];
}

/** A node killed under a Deployment whose rollout finished long ago: syncs until the pods are replaced. */
function nodeKill(): BenchRow[] {
	const cluster = createCluster({seed: 1, nodes: 3});
	cluster.apply(deployment('web', 30));
	cluster.advance(60_000);
	cluster.advance(11 * 60_000);
	const node = 'kubarium-worker';
	const touched = cluster.context.store.list('Pod').filter(p => p.spec?.nodeName === node).length;
	const deployments = cluster.context.queue('deployment-controller');
	const replicaSets = cluster.context.queue('replicaset-controller');
	const before = {d: deployments.taken, rs: replicaSets.taken};
	const wall = timeMs(() => {
		cluster.killNode(node);
		cluster.advance(400_000);
	});
	const d = deployments.taken - before.d;
	const rs = replicaSets.taken - before.rs;
	return [
		{name: `node kill under a settled 30-replica Deployment (${touched} pods on the node): Deployment syncs in 400 s`, value: String(d), aim: 'in proportion to pods touched'},
		{name: 'same: ReplicaSet syncs in 400 s', value: String(rs)},
		{name: 'same: wall time of advance(400_000)', value: formatMs(wall)},
	];
}

export function runScalingBench(): BenchRow[] {
	const rows: BenchRow[] = [];
	const rounds = new Map<number, {up: Timing; down: Timing; syncs: number}>();
	for (const size of sizes) {
		globalThis.gc?.();
		const round = replicaSetRound(size);
		rounds.set(size, round);
		rows.push({name: `ReplicaSet scale 0 → ${size} (all ready)`, value: both(round.up)});
		rows.push({name: `ReplicaSet scale ${size} → 3 (the rest gone)`, value: both(round.down)});
		rows.push({name: `ReplicaSet syncs for both, ${size}`, value: String(round.syncs)});
	}
	const first = rounds.get(sizes[0]!)!;
	const last = rounds.get(sizes.at(-1)!)!;
	// CPU time: on a shared machine wall time says more about the neighbours than about the engine.
	rows.push({name: `scale-up t(${sizes.at(-1)! / 1000}k) / t(${sizes[0]! / 1000}k), CPU time`, value: (last.up.cpu / first.up.cpu).toFixed(1), aim: '≤ 9'});
	rows.push({name: `scale-down t(${sizes.at(-1)! / 1000}k) / t(${sizes[0]! / 1000}k), CPU time`, value: (last.down.cpu / first.down.cpu).toFixed(1), aim: '≤ 9'});
	globalThis.gc?.();
	rows.push(...bigWorkload());
	globalThis.gc?.();
	rows.push(...nodeKill());
	return rows;
}

export const section: BenchSection = {title: 'scaling', run: runScalingBench};
