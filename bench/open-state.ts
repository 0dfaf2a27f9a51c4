/**
 * Open a state file as the app does at start, in a process of its own (a
 * fresh heap, as a user's start has): `node dist/bench/open-state.js FILE`
 * prints `{openMs, longestHoldMs, pods, restarted}` as JSON. The longest
 * hold is the longest the event loop went without turning while the file
 * opened (a 1 ms ticker's widest gap): what Ctrl+C or a signal may wait.
 */
import {limitHeapGrowth, whileHeapOnlyGrows} from '../source/start/heap.js';
import {openState} from '../source/state/cluster-state.js';
import {holdTicker} from './measure.js';

// As the app's start sets it.
limitHeapGrowth();

const file = process.argv[2];
if (!file) {
	process.stderr.write('usage: node dist/bench/open-state.js FILE\n');
	process.exit(2);
}
const holds = holdTicker();
const started = performance.now();
const opened = await whileHeapOnlyGrows(() => openState(file));
const openMs = performance.now() - started;
const longest = holds.stop();
process.stdout.write(`${JSON.stringify({openMs, longestHoldMs: longest, pods: opened.cluster?.list('Pod').length ?? 0, restarted: opened.restarted ?? null})}\n`);
