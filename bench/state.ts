/**
 * `--state FILE` at 10,000 pods (1,000 Deployments × 10 on 100 nodes,
 * converged): the longest an autosave holds the event loop at a time (the
 * snapshot at once, then its objects' JSON in slices; the first and a later
 * one, which serialises only the objects that changed), how long the write then takes off the event loop
 * and the longest the loop waited meanwhile, the blocking save at exit, and
 * opening the file again (read, parse, the state loaded) in a new process,
 * as a start of the app does, and in this one; then the file as
 * another build saved it (refused, restored from its objects), and the file
 * saved after that restart. Last, a 10,000-pod converge driven as the
 * dashboard drives it, with and without autosaves (`converge-state.ts`).
 *
 * `npm run bench -- state` runs this section alone.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/index.js';
import type {Cluster, Pod} from '../source/engine/index.js';
import {autosaveCluster, openState} from '../source/state/cluster-state.js';
import {formatMb, formatMs, timeMs} from './measure.js';
import {isRunningReady, manifest} from './engine.js';

type Opened = {openMs: number; sinceStartMs: number; longestHoldMs: number; afterMs: number; longestStepMs: number; pods: number; restarted: string | null};
type Converged = {wallMs: number; applyMs: number; longestAdvanceMs: number; saves: number; longestSaveMs: number; longestHoldMs: number; pods: number};

/** A 10,000-pod converge driven as the dashboard drives it, in a new process (`converge-state.js`), autosaved as `--state` saves it when `saving`. */
function convergeInNewProcess(saving: boolean): Converged {
	const script = join(dirname(fileURLToPath(import.meta.url)), 'converge-state.js');
	const out = execFileSync(process.execPath, [script, ...(saving ? ['--state'] : [])], {encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}});
	const converged = JSON.parse(out) as Converged;
	if (converged.pods < 10_000) throw new Error(`the converge ended with ${converged.pods} pods Running and Ready`);
	return converged;
}

/**
 * Open `file` as a start of the app does, in a new process (`open-state.js`):
 * a fresh heap, as a user's start has, and the file's read begun at the
 * process's start, as the launcher begins it (`readAhead: false` leaves the
 * whole read to the open, as a library caller's `openState`). Of `runs`
 * such opens, the one of median open time is given: on a shared machine
 * one run's time differs from the next by up to a fifth.
 */
function openInNewProcess(file: string, {readAhead = true, runs = 3} = {}): Opened {
	const script = join(dirname(fileURLToPath(import.meta.url)), 'open-state.js');
	const opened = Array.from({length: runs}, () => {
		const out = execFileSync(process.execPath, [script, file, ...(readAhead ? ['--read-ahead'] : [])], {encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}});
		return JSON.parse(out) as Opened;
	});
	return opened.sort((a, b) => a.openMs - b.openMs)[Math.floor(runs / 2)]!;
}

async function runStateBench(): Promise<BenchRow[]> {
	const cluster = createCluster({seed: 1, nodes: 100});
	cluster.apply(Array.from({length: 1000}, (_, i) => manifest(i, 10)));
	for (let step = 0; step < 600; step++) {
		cluster.advance(1000);
		const pods = cluster.list('Pod') as Pod[];
		if (pods.length === 10_000 && pods.every(isRunningReady)) break;
	}
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-bench-state-'));
	const file = join(dir, 'state.json');
	try {
		const saves: Array<{blockedMs: number; bytes: number}> = [];
		const autosave = autosaveCluster(cluster, file, {intervalMs: 0, onSaved: info => saves.push(info)});
		/** One background save: the snapshot and its JSON in a timer, then the write off the event loop. */
		const save = async () => {
			autosave.changed();
			await new Promise(resolve => setTimeout(resolve, 0));
			const delay = monitorEventLoopDelay({resolution: 5});
			delay.enable();
			const started = performance.now();
			await autosave.settled();
			delay.disable();
			return {writeMs: performance.now() - started, waitMs: delay.max / 1e6};
		};
		const first = await save();
		// Two seconds of a settled cluster: node leases and a few statuses change, most objects do not.
		cluster.advance(2000);
		const second = await save();
		cluster.scale('Deployment', 'app-0', 11, {namespace: 'default'});
		cluster.advance(2000);
		const exitMs = timeMs(() => autosave.flush());
		autosave.detach();
		const fileBytes = statSync(file).size;
		// Opened as a start of the app opens it: in a new process, with a fresh heap.
		const fresh = openInNewProcess(file);
		const freshReadInOpen = openInNewProcess(file, {readAhead: false});
		if (fresh.pods < 10_000 || fresh.restarted) throw new Error(`the file opened in a new process gave ${fresh.pods} pods${fresh.restarted ? `, restarted (${fresh.restarted})` : ''}`);
		// And in this process, beside the cluster that saved it.
		let started = performance.now();
		const openedHere = await openState(file);
		const reopenedHere = openedHere.cluster!;
		const openMs = performance.now() - started;
		const restoredPods = reopenedHere.list('Pod').length;
		if (restoredPods < 10_000) throw new Error(`the restored cluster has ${restoredPods} pods`);
		// An exit right after the open: its save, blocking, with the file's lines (as the app gives them) and without.
		const exitAfterOpen = (seed: typeof openedHere.lines) => {
			const exit = autosaveCluster(reopenedHere, join(dir, 'exit.json'), {seed});
			exit.changed();
			const exitStarted = performance.now();
			exit.flush();
			const ms = performance.now() - exitStarted;
			exit.detach();
			return ms;
		};
		const exitWithLinesMs = exitAfterOpen(openedHere.lines);
		const exitWithoutLinesMs = exitAfterOpen(undefined);
		// Its first autosave: the parts give the states they loaded, kept.
		reopenedHere.advance(2000);
		const afterOpen: Array<{blockedMs: number}> = [];
		const reopenedSave = autosaveCluster(reopenedHere, join(dir, 'again.json'), {intervalMs: 0, onSaved: info => afterOpen.push(info), seed: openedHere.lines});
		reopenedSave.changed();
		await new Promise(resolve => setTimeout(resolve, 0));
		await reopenedSave.settled();
		reopenedSave.detach();
		// The file as another build saved it: its parts' state in another form, its clock not where the journal leads.
		const data = JSON.parse(readFileSync(file, 'utf8')) as {clock: {now: number}; state: {format: number}};
		data.state.format += 1;
		data.clock.now += 1000;
		writeFileSync(file, JSON.stringify(data));
		started = performance.now();
		const opened = await openState(file);
		const otherBuildMs = performance.now() - started;
		if (!opened.restarted) throw new Error('the file another build saved was not restarted from its objects');
		const restarted = opened.cluster!;
		// Saved again, it holds its state (and, as every state file, no history): the next open loads the state.
		restarted.advance(5000);
		const again = autosaveCluster(restarted, file, {intervalMs: 0});
		again.flush();
		again.detach();
		const restartedBytes = statSync(file).size;
		const reopened = openInNewProcess(file);
		if (reopened.restarted) throw new Error('the file saved after the restart did not restore exactly');
		const unsaved = convergeInNewProcess(false);
		const autosaved = convergeInNewProcess(true);
		return [
			{name: '10,000 pods: first autosave, the longest it holds the event loop at a time (the snapshot, then the JSON of every object and of the parts\' state in slices)', value: formatMs(saves[0]!.blockedMs)},
			{name: '10,000 pods: next autosave, the same (only changed objects serialised again)', value: formatMs(saves[1]!.blockedMs)},
			{name: '10,000 pods: autosave write off the event loop (write, fsync, rename)', value: formatMs(second.writeMs)},
			{name: '10,000 pods: longest event-loop wait during the writes', value: formatMs(Math.max(first.waitMs, second.waitMs))},
			{name: '10,000 pods: exit save (snapshot, JSON and a blocking write)', value: formatMs(exitMs)},
			{name: '10,000 pods: state file size', value: formatMb(fileBytes)},
			{name: '10,000 pods: open --state in a new process, as a start does (the read begun at the process\'s start, then the parse and the saved state loaded), median of 3', value: formatMs(fresh.openMs), aim: '< 1 s'},
			{name: '10,000 pods: the same open with the whole read in it (openState alone, as a library caller has it) / from the process\'s start to the open\'s end (the code loaded, then the open)', value: `${formatMs(freshReadInOpen.openMs)} / ${formatMs(fresh.sinceStartMs)}`},
			{name: '10,000 pods: open --state in a new process, the longest the event loop is held at a time (the objects and the parts parsed, then the parts loaded, in slices)', value: formatMs(fresh.longestHoldMs), aim: '< 1 s'},
			{name: '10,000 pods: then the first 10 s of virtual time in steps of 100 ms, each node\'s runtime loaded as its kubelet first reaches it: wall time / the longest step', value: `${formatMs(fresh.afterMs)} / ${formatMs(fresh.longestStepMs)}`},
			{name: '10,000 pods: open --state in this process, beside the cluster that saved it', value: formatMs(openMs)},
			{name: '10,000 pods: the first autosave after that open, the longest it holds the event loop at a time (the parts give the states they loaded)', value: formatMs(afterOpen[0]!.blockedMs)},
			{name: '10,000 pods: an exit save right after that open, with the lines of the file the cluster was opened from / without them (every object and state serialised again)', value: `${formatMs(exitWithLinesMs)} / ${formatMs(exitWithoutLinesMs)}`},
			{name: '10,000 pods: open --state saved by another build (its state refused, then the restore from objects)', value: formatMs(otherBuildMs)},
			{name: '10,000 pods: state file size after that restart (the objects and the state, no history)', value: formatMb(restartedBytes)},
			{name: '10,000 pods: open --state saved after that restart, in a new process as a start does (its state loaded), median of 3', value: formatMs(reopened.openMs), aim: '< 1 s'},
			{name: '10,000 pods converging (1,000 Deployments applied, then advance(100, {budgetMs: 25}) as the dashboard drives it), in a new process: the longest the event loop is held, without --state / with --state autosaving every 2 s (garbage collection pauses included)', value: `${formatMs(unsaved.longestHoldMs)} / ${formatMs(autosaved.longestHoldMs)}`, aim: '< 50 ms'},
			{name: '10,000 pods converging with --state: autosaves during the converge, the longest one held the event loop at a time (the snapshot, or a slice of its JSON)', value: `${autosaved.saves}, ${formatMs(autosaved.longestSaveMs)}`},
			{name: '10,000 pods converging: wall time, without / with --state', value: `${formatMs(unsaved.wallMs)} / ${formatMs(autosaved.wallMs)}`},
		];
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

export const section: BenchSection = {title: 'state', run: runStateBench};
