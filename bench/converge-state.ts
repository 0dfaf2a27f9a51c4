/**
 * A 10,000-pod converge (1,000 Deployments × 10 on 100 nodes) driven as the
 * dashboard drives the engine, `advance(100, {budgetMs: 25})` with the event
 * loop turning between calls, in a process of its own (a fresh heap, as a
 * user's start has). With `--state` the cluster is autosaved as
 * `--state FILE` saves it (every 2 s of wall time while it changes); without,
 * it is not saved, for comparison.
 *
 * `node dist/bench/converge-state.js [--state]` prints
 * `{wallMs, applyMs, longestAdvanceMs, saves, longestSaveMs, longestHoldMs, pods}`
 * as JSON: the apply of the Deployments (one call), the longest advance, the longest
 * an autosave held the event loop at a time (its snapshot, or a slice of its
 * JSON), and the longest the event loop went without turning in all (a
 * 1 ms ticker's widest gap: what a key press may wait, garbage collection
 * pauses included).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {limitHeapGrowth} from '../source/start/heap.js';
import {createCluster, type Pod} from '../source/engine/index.js';
import {autosaveCluster} from '../source/state/cluster-state.js';
import {sharedSliceMs} from '../source/ui/model/simulation.js';
import {isRunningReady, manifest} from './engine.js';
import {holdTicker} from './measure.js';

// As the app's start sets it.
limitHeapGrowth();

const saving = process.argv.includes('--state');
const dir = mkdtempSync(join(tmpdir(), 'kubarium-bench-converge-'));
try {
	const cluster = createCluster({seed: 1, nodes: 100});
	const total = 10_000;
	const readyPods = new Set<string>();
	const stopWatch = cluster.watch(({type, object}) => {
		if (type !== 'DELETED' && isRunningReady(object as Pod)) readyPods.add(object.metadata.uid);
		else readyPods.delete(object.metadata.uid);
	}, {kind: 'Pod'});
	const saves: number[] = [];
	const autosave = saving ? autosaveCluster(cluster, join(dir, 'state.json'), {onSaved: info => saves.push(info.blockedMs)}) : undefined;
	const holds = holdTicker();
	const started = performance.now();
	const virtualStart = cluster.now();
	cluster.apply(Array.from({length: 1000}, (_, i) => manifest(i, 10)));
	const applyMs = performance.now() - started;
	// The apply is one call, reported on its own: the holds are counted from the loop that follows it.
	await new Promise(resolve => setImmediate(resolve));
	holds.restart();
	let longestAdvanceMs = 0;
	while (readyPods.size < total && cluster.now() - virtualStart < 3_600_000) {
		// As the dashboard's loop, it waits while a save takes the snapshot in steps.
		if (cluster.snapshotting) {
			await new Promise(resolve => setImmediate(resolve));
			continue;
		}
		const before = performance.now();
		// As the dashboard's loop, its slice is shorter while a save works in slices of its own.
		const {done} = cluster.advance(100, {budgetMs: autosave?.slicing ? 25 - sharedSliceMs : 25});
		longestAdvanceMs = Math.max(longestAdvanceMs, performance.now() - before);
		if (done) autosave?.changed();
		await new Promise(resolve => setImmediate(resolve));
	}
	const wallMs = performance.now() - started;
	await autosave?.settled();
	const longestHoldMs = holds.stop();
	autosave?.detach();
	stopWatch();
	process.stdout.write(`${JSON.stringify({wallMs, applyMs, longestAdvanceMs, saves: saves.length, longestSaveMs: Math.max(0, ...saves), longestHoldMs, pods: readyPods.size})}\n`);
} finally {
	rmSync(dir, {recursive: true, force: true});
}
