/**
 * `--state FILE` for the dashboard and `kubarium serve`: the cluster is
 * restored from the file at start (or made fresh when there is none, or
 * when `--reset-state` moved it aside), and saved to it as it changes and
 * at exit. A file saved by a build whose engine replays it differently
 * comes back from its saved objects (as a cluster stopped and started
 * again), which the caller tells the user; a file that cannot be restored
 * at all stops the start with a StateFileError (exit 2 in the CLI) and is
 * never written over.
 */
import {restoreCluster, SnapshotError, type Cluster, type FromObjectsReason} from '../engine/index.js';
import {Autosave, type AutosaveOptions} from './autosave.js';
import {checkStateDirectory, moveAside, readStateFile, removeLeftovers, StateFileError, type ReadAhead} from './state-file.js';
import {FileLines} from './snapshot-json.js';
import {replayProgress, type ProgressStream, type ReplayProgress} from './replay-progress.js';

export type OpenedState = {
	/** The cluster the file held; undefined for a fresh start (no file, or moved aside). */
	cluster?: Cluster;
	/** Where `--reset-state` moved the old file. */
	movedAside?: string;
	/**
	 * The file could not be restored exactly, so the cluster was restarted
	 * from its saved objects instead: why (another build saved it, or its
	 * parts' state could not be loaded).
	 */
	restarted?: FromObjectsReason;
	/** Where the file held each object and part state: given to the cluster's autosave (`seed`), its first save reuses what did not change. */
	lines?: FileLines;
};

/** The share of reading a saved state in that its parse takes (the load of its parts takes the rest), for the progress line. */
const parseShare = 0.7;

/** Wall ms of replay between two turns of the event loop while a state file is restored. */
export const restoreSliceMs = 50;

/** What each signal ends a start with while a restore runs, as the shell reports a process it ended (128 + the signal's number). */
const restoreSignals: ReadonlyArray<[NodeJS.Signals, number]> = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];

/**
 * Open the state file: with `reset`, move it aside first; then restore the
 * cluster it holds. At thousands of pods the parse of its objects, the
 * load of the saved state part by part (or the replay of an older file's
 * history, which takes seconds) run in slices of about `sliceMs` (default
 * `restoreSliceMs`), with the event loop turning between them, so Ctrl+C,
 * SIGTERM and SIGHUP end the start at once (the file is left as it was)
 * and, on a terminal `progress`, a line says how far the restore is.
 * Rejects with StateFileError (the file is left as it is).
 */
export async function openState(file: string, options: {reset?: boolean; now?: Date; progress?: ProgressStream; wallNow?: () => number; sliceMs?: number; readAhead?: ReadAhead} = {}): Promise<OpenedState> {
	checkStateDirectory(file);
	const movedAside = options.reset ? moveAside(file, options.now) : undefined;
	let shown: ReplayProgress | undefined;
	const handlers = restoreSignals.map(([signal, code]) => {
		const handler = () => {
			shown?.done();
			process.exit(code);
		};
		process.on(signal, handler);
		return [signal, handler] as const;
	});
	try {
		const sliceMs = options.sliceMs ?? restoreSliceMs;
		shown = options.progress ? replayProgress(file, options.progress, options.wallNow) : undefined;
		// The parse is most of the work of reading a saved state in, the load of its parts the rest.
		const lines = new FileLines();
		// A file moved aside is not the one read ahead.
		const readAhead = movedAside ? undefined : options.readAhead;
		const parsed = await readStateFile(file, {sliceMs, progress: done => shown?.onLoad?.(parseShare * done), lines, readAhead});
		// A write a crash cut short left its temporary file; the state file itself is whole.
		removeLeftovers(file);
		if (parsed === undefined) return movedAside ? {movedAside} : {};
		// Objects as the store saved them are not judged again; a file changed by hand has each judged as the API server would.
		const {snapshot: data, objectsIntact} = parsed;
		// The last objects parsed and the first part of the restore are two pieces: the event loop turns between them.
		await new Promise(resolve => setImmediate(resolve));
		let restartedBecause: FromObjectsReason;
		try {
			return {cluster: await restored({snapshot: data, objectsIntact}, sliceMs, shown), lines};
		} catch (error) {
			if (!(error instanceof Error)) throw error;
			// Another build saved it, or its state does not load (a value no part reads so, in a file changed by hand): its objects still make the cluster, as a cluster stopped and started again.
			const from = error instanceof SnapshotError ? error.fromObjects : 'state not loadable';
			if (!from) throw new StateFileError(file, `it cannot be restored: ${error.message}`);
			restartedBecause = from;
		}
		try {
			return {cluster: await restored({snapshot: data, restore: 'objects', objectsIntact}, sliceMs), restarted: restartedBecause, lines};
		} catch (error) {
			// Not even its objects make a cluster: the file stays as it is, and the start stops with why.
			if (error instanceof Error) throw new StateFileError(file, `it cannot be restored: ${error.message}`);
			throw error;
		}
	} finally {
		shown?.done();
		for (const [signal, handler] of handlers) process.off(signal, handler);
	}
}

/** The restore of a snapshot, a slice at a time (see `openState`). */
async function restored(options: {snapshot: unknown; restore?: 'objects'; objectsIntact: boolean}, sliceMs: number, shown?: ReplayProgress): Promise<Cluster> {
	const restoring = restoreCluster(options);
	for (;;) {
		const deadline = performance.now() + sliceMs;
		const cluster = restoring.step(() => performance.now() >= deadline);
		if (cluster) return cluster;
		const {replayedMs, totalMs} = restoring.progress();
		if (totalMs > 0) shown?.onReplay?.(replayedMs, totalMs);
		const {parts, totalParts} = restoring.loaded();
		if (totalParts > 0) shown?.onLoad?.(parseShare + ((1 - parseShare) * parts) / totalParts);
		await new Promise(resolve => setImmediate(resolve));
	}
}

/**
 * Save `cluster` to `file` as it changes: the engine's watch says when an
 * object changed; `changed()` on the result is for the other changes the
 * caller sees (time moving, a command run). Call `flush()` at exit.
 */
export function autosaveCluster(cluster: Cluster, file: string, options: Omit<AutosaveOptions, 'file' | 'snapshot'> = {}): Autosave & {detach: () => void} {
	const autosave = new Autosave({...options, file, snapshot: () => cluster.snapshot({history: false}), snapshotInSteps: () => cluster.snapshotInSteps({history: false})});
	const stop = cluster.watch(() => autosave.changed());
	return Object.assign(autosave, {
		detach: () => {
			stop();
			autosave.stop();
		},
	});
}

/** What `--reset-state` says it did (before the screen changes, so it stays readable after exit). */
export function movedAsideNote(file: string, movedAside: string): string {
	return `moved the state file ${file} aside to ${movedAside}; starting a fresh cluster`;
}

/** What the user is told when the state file came back from its objects only (`restarted`). */
export function restartedNote(file: string, why: FromObjectsReason): string {
	const what = why === 'another build' ? 'was saved by another build' : 'holds a simulation state this build could not load';
	return `the state file ${file} ${what}; the cluster was restarted from its saved objects, as after minikube stop and start (pods restarted once)`;
}
