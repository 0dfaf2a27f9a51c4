/**
 * Open a state file as the app does at start, in a process of its own (a
 * fresh heap, as a user's start has): `node dist/bench/open-state.js FILE
 * [--read-ahead]` prints `{openMs, sinceStartMs, longestHoldMs, afterMs,
 * longestStepMs, pods, restarted}` as JSON. With `--read-ahead` the file's
 * read begins first, before the code that opens it loads, as the app's
 * launcher begins it (source/start/launch.ts): the open then finds the
 * bytes read, or waits for the rest. `sinceStartMs` is the time from the
 * process's start to the open's end. The longest hold is the longest the
 * event loop went without turning while the file opened (a 1 ms ticker's
 * widest gap): what Ctrl+C or a signal may wait. `afterMs` is the wall time
 * of the first 10 s of virtual time after the open, in steps of 100 ms
 * (`longestStepMs` the longest): what the open left for first use is
 * loaded in them.
 */
import {limitHeapGrowth, whileHeapOnlyGrows} from '../source/start/heap.js';
import {readAhead} from '../source/start/read-ahead.js';

// As the app's launcher does: the heap's growth capped, then the read begun before the rest of the code loads.
limitHeapGrowth();
const file = process.argv[2];
if (!file) {
	process.stderr.write('usage: node dist/bench/open-state.js FILE [--read-ahead]\n');
	process.exit(2);
}
const ahead = process.argv.includes('--read-ahead') ? readAhead(file) : undefined;
const [{openState}, {holdTicker, timeMs}] = await Promise.all([import('../source/state/cluster-state.js'), import('./measure.js')]);

const holds = holdTicker();
const started = performance.now();
const opened = await whileHeapOnlyGrows(() => openState(file, ahead ? {readAhead: ahead} : {}));
const openMs = performance.now() - started;
// performance.now() counts from the process's start.
const sinceStartMs = performance.now();
const longest = holds.stop();
// Then the first 10 s of virtual time, in steps of 100 ms as a frame at x1 takes them: what a restore left for first use (each node's runtime, as its heartbeat reaches it) is loaded in them.
let afterMs = 0;
let longestStepMs = 0;
for (let step = 0; step < 100 && opened.cluster; step++) {
	const stepMs = timeMs(() => opened.cluster!.advance(100));
	afterMs += stepMs;
	longestStepMs = Math.max(longestStepMs, stepMs);
}
process.stdout.write(`${JSON.stringify({openMs, sinceStartMs, longestHoldMs: longest, afterMs, longestStepMs, pods: opened.cluster?.list('Pod').length ?? 0, restarted: opened.restarted ?? null})}\n`);
