import type {ExecutionContext} from 'ava';
import fc from 'fast-check';
import {checkKeptStates, createCluster, LaterState, type Cluster} from '../../source/engine/index.js';
import {FileLines, parseSnapshotJson, SnapshotJson} from '../../source/state/snapshot-json.js';
import {callArbitrary} from '../../fuzz/engine/calls.js';
import {goOnAlike} from '../engine/history-calls.js';

/**
 * State files opened as the app opens them, with their lines kept: a list
 * part's long records (each node's runtime, each node's pod workers) are
 * left as text until first used (`LaterState`).
 */

export type Parsed = {state: {parts: Array<[string, unknown]>}};

/** The parse's pause between slices: none. */
export const pause = async () => undefined;

/** The file's text of `cluster`, opened as the app opens one: its long records read later. */
export async function opened(cluster: Cluster): Promise<{text: string; lines: FileLines; snapshot: Parsed}> {
	const text = new SnapshotJson().stringify(cluster.snapshot({history: false}));
	const lines = new FileLines();
	const parsed = await parseSnapshotJson(Buffer.from(text), 0, pause, undefined, lines);
	return {text, lines, snapshot: parsed.snapshot as Parsed};
}

/** The names of a list part's records that a parsed snapshot holds still as text. */
export function laterRecords(snapshot: Parsed, part: string): string[] {
	const records = snapshot.state.parts.find(([name]) => name === part)?.[1] as Array<[string, unknown]> | undefined;
	return (records ?? []).filter(([, state]) => state instanceof LaterState).map(([name]) => name);
}

/**
 * The file an exit right after the open saves, from the file's lines: as
 * the app saves it (kept states unchecked, so nothing read later is
 * loaded) and as the tests do (each loaded and compared).
 */
export function savedRightAway(restored: Cluster, lines: FileLines): {unchecked: string; checked: string} {
	checkKeptStates(false);
	let unchecked: string;
	try {
		const writer = new SnapshotJson();
		writer.seed(lines);
		unchecked = writer.stringify(restored.snapshot({history: false}));
	} finally {
		checkKeptStates(true);
	}
	return {unchecked, checked: new SnapshotJson().stringify(restored.snapshot({history: false}))};
}

/** A cluster as data, to compare two. */
export const same = (cluster: Cluster): string => JSON.stringify(cluster.snapshot({history: false}));

/**
 * Random calls on a settled cluster and on its restore from its file (no
 * snapshot of the restore before them, so what was read later loads as
 * the calls and timers first reach it): both must go on alike.
 */
export async function randomCallsAfterTheOpen(t: ExecutionContext, settled: (seed: number) => Cluster, seed: number): Promise<void> {
	await fc.assert(fc.asyncProperty(fc.array(callArbitrary, {minLength: 1, maxLength: 8}), fc.integer({min: 1, max: 1000}), fc.option(fc.integer({min: 1, max: 60}), {nil: undefined}), async (calls, clusterSeed, yieldEvery) => {
		const original = settled(clusterSeed);
		const restored = createCluster({snapshot: (await opened(original)).snapshot});
		goOnAlike([original, restored], calls, yieldEvery);
		t.is(same(restored), same(original));
	}), {seed, numRuns: 5});
}
