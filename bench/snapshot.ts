/**
 * Snapshot benchmark: `cluster.snapshot()`, its JSON, and
 * `createCluster({snapshot})` at 10,000 pods (1,000 Deployments × 10 on 100
 * nodes, converged), and on the demo cluster after an hour of virtual time.
 * A restore loads the state every part of the simulation saved, so its time
 * follows the cluster's size; the restore that replays the snapshot's
 * journal instead (`restore: 'replay'`, how a format 3 snapshot comes back)
 * follows the simulated history; a restore from the objects only
 * (`restore: 'objects'`) loads them and reboots the nodes, so the pods then
 * start again.
 *
 * `npm run bench -- snapshot` runs this section alone.
 */
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import type {Cluster} from '../source/engine/cluster.js';
import type {Pod} from '../source/engine/api/types.js';
import {formatMb, formatMs, timeMs} from './measure.js';
import {isRunningReady, manifest} from './engine.js';

function size(bytes: number): string {
	return bytes >= 1024 * 1024 ? formatMb(bytes) : `${Math.round(bytes / 1024)} KB`;
}

function converged(): {cluster: Cluster; convergeMs: number} {
	const cluster = createCluster({seed: 1, nodes: 100});
	const convergeMs = timeMs(() => {
		cluster.apply(Array.from({length: 1000}, (_, i) => manifest(i, 10)));
		for (let step = 0; step < 600; step++) {
			cluster.advance(1000);
			const pods = cluster.list('Pod') as Pod[];
			if (pods.length === 10_000 && pods.every(isRunningReady)) return;
		}
		throw new Error('10,000 pods did not turn Running and Ready in 600 s of virtual time');
	});
	return {cluster, convergeMs};
}

/** Snapshot, JSON text, parse and restore of one cluster; checks the restore reached the same objects. */
function measure(label: string, cluster: Cluster, aim?: string): BenchRow[] {
	let snapshot!: ReturnType<Cluster['snapshot']>;
	const snapshotMs = timeMs(() => {
		snapshot = cluster.snapshot();
	});
	let text = '';
	const stringifyMs = timeMs(() => {
		text = JSON.stringify(snapshot);
	});
	let parsed: unknown;
	const parseMs = timeMs(() => {
		parsed = JSON.parse(text);
	});
	let restored!: Cluster;
	const loadMs = timeMs(() => {
		restored = createCluster({snapshot: parsed});
	});
	if (restored.resourceVersion !== cluster.resourceVersion) throw new Error(`${label}: the restore reached resourceVersion ${restored.resourceVersion}, not ${cluster.resourceVersion}`);
	// As a state file whose objects still match their digest is restored: the objects are not judged again.
	let intactParseMs = 0;
	const intactMs = timeMs(() => {
		const started = performance.now();
		const data = JSON.parse(text) as unknown;
		intactParseMs = performance.now() - started;
		createCluster({snapshot: data, objectsIntact: true});
	});
	let replayed!: Cluster;
	const replayMs = timeMs(() => {
		replayed = createCluster({snapshot: JSON.parse(text), restore: 'replay'});
	});
	// Both ways reach the same cluster, and go on alike.
	restored.advance(10_000);
	replayed.advance(10_000);
	if (JSON.stringify(restored.snapshot()) !== JSON.stringify(replayed.snapshot())) throw new Error(`${label}: the restore that loads the state and the one that replays went on differently`);
	const stateBytes = JSON.stringify(snapshot.state ?? null).length;
	let cold!: Cluster;
	const objectsMs = timeMs(() => {
		cold = createCluster({snapshot: JSON.parse(text), restore: 'objects'});
	});
	// Every node boots again: the kubelets restart the pods they find.
	const running = snapshot.store.objects.filter(o => o.kind === 'Pod' && isRunningReady(o as Pod)).length;
	let virtualMs = 0;
	const rebootMs = timeMs(() => {
		for (; virtualMs < 600_000; virtualMs += 1000) {
			if ((cold.list('Pod') as Pod[]).filter(isRunningReady).length >= running) return;
			cold.advance(1000);
		}
		throw new Error(`${label}: the pods did not run again within 600 s of virtual time after the restore from objects`);
	});
	return [
		{name: `${label}: snapshot()`, value: formatMs(snapshotMs), aim},
		{name: `${label}: JSON.stringify`, value: formatMs(stringifyMs)},
		{name: `${label}: JSON size (of it the parts' state)`, value: `${size(text.length)} (${size(stateBytes)})`},
		{name: `${label}: journal entries`, value: String(snapshot.journal.length)},
		{name: `${label}: JSON.parse / createCluster({snapshot}) (loads the state)`, value: `${formatMs(parseMs)} / ${formatMs(loadMs)}`},
		{name: `${label}: JSON.parse + createCluster({snapshot}) (loads the state)`, value: formatMs(parseMs + loadMs), aim},
		{name: `${label}: JSON.parse / createCluster({snapshot, objectsIntact: true}) (the objects not judged again, as a state file whose digest matches them)`, value: `${formatMs(intactParseMs)} / ${formatMs(intactMs - intactParseMs)}`},
		{name: `${label}: JSON.parse + createCluster({snapshot, restore: 'replay'}) (replays the journal)`, value: formatMs(replayMs)},
		{name: `${label}: JSON.parse + createCluster({snapshot, restore: 'objects'}) (loads the objects, nodes reboot)`, value: formatMs(objectsMs), aim},
		{name: `${label}: then every pod Running and Ready again (${Math.round(virtualMs / 1000)} s of virtual time)`, value: formatMs(rebootMs)},
	];
}

/**
 * `snapshot({history: false})` (an autosave's) of the settled cluster every
 * 2 s of virtual time: leases and node statuses change, pods and events do
 * not, so the runtimes, the kubelets and the event recorder give the state
 * they kept (the first snapshot, above, made them whole). The median of five.
 */
function settledSnapshots(cluster: Cluster): BenchRow[] {
	const times: number[] = [];
	for (let i = 0; i < 5; i++) {
		cluster.advance(2000);
		times.push(timeMs(() => cluster.snapshot({history: false})));
	}
	times.sort((a, b) => a - b);
	return [{name: '10,000 pods settled: snapshot({history: false}) every 2 s of virtual time (the parts\' kept states given again), median of 5', value: formatMs(times[2]!)}];
}

export function runSnapshotBench(): BenchRow[] {
	const {cluster, convergeMs} = converged();
	const rows = [
		{name: '10,000 pods: converge (the history a replay replays)', value: formatMs(convergeMs)},
		...measure('10,000 pods', cluster, '< 1 s'),
		...settledSnapshots(cluster),
	];
	const demo = createCluster({seed: 1, demo: true});
	demo.startTraffic('web', {namespace: 'shop', rps: 10});
	for (let i = 0; i < 3600; i++) demo.advance(1000);
	rows.push(...measure('demo after 1 h of virtual time', demo));
	return rows;
}

export const section: BenchSection = {title: 'snapshot', run: runSnapshotBench};
