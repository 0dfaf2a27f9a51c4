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
import {createCluster, SnapshotError, type Cluster} from '../engine/index.js';
import {Autosave, type AutosaveOptions} from './autosave.js';
import {checkStateDirectory, moveAside, readStateFile, removeLeftovers, StateFileError} from './state-file.js';
import {replayProgress, type ProgressStream} from './replay-progress.js';

export type OpenedState = {
	/** The cluster the file held; undefined for a fresh start (no file, or moved aside). */
	cluster?: Cluster;
	/** Where `--reset-state` moved the old file. */
	movedAside?: string;
	/** The file was saved by a build whose engine replays it differently: the cluster was restarted from its saved objects instead. */
	restarted?: boolean;
};

/**
 * Open the state file: with `reset`, move it aside first; then restore the
 * cluster it holds (on a terminal `progress`, a line says how far the replay
 * of its history is).
 * Throws StateFileError (the file is left as it is).
 */
export function openState(file: string, options: {reset?: boolean; now?: Date; progress?: ProgressStream; wallNow?: () => number} = {}): OpenedState {
	checkStateDirectory(file);
	const movedAside = options.reset ? moveAside(file, options.now) : undefined;
	const data = readStateFile(file);
	// A write a crash cut short left its temporary file; the state file itself is whole.
	removeLeftovers(file);
	if (data === undefined) return movedAside ? {movedAside} : {};
	try {
		const shown = options.progress ? replayProgress(file, options.progress, options.wallNow) : undefined;
		try {
			return {cluster: createCluster({snapshot: data, onReplay: shown?.onReplay})};
		} finally {
			shown?.done();
		}
	} catch (error) {
		if (!(error instanceof SnapshotError)) throw error;
		// Another build saved it: its objects still make the cluster, as a cluster stopped and started again.
		if (error.differentBuild) return {cluster: restartFromObjects(file, data), restarted: true};
		throw new StateFileError(file, `it cannot be restored: ${error.message}`);
	}
}

function restartFromObjects(file: string, data: unknown): Cluster {
	try {
		return createCluster({snapshot: data, restore: 'objects'});
	} catch (error) {
		if (error instanceof SnapshotError) throw new StateFileError(file, `it cannot be restored: ${error.message}`);
		throw error;
	}
}

/**
 * Save `cluster` to `file` as it changes: the engine's watch says when an
 * object changed; `changed()` on the result is for the other changes the
 * caller sees (time moving, a command run). Call `flush()` at exit.
 */
export function autosaveCluster(cluster: Cluster, file: string, options: Omit<AutosaveOptions, 'file' | 'snapshot'> = {}): Autosave & {detach: () => void} {
	const autosave = new Autosave({...options, file, snapshot: () => cluster.snapshot()});
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
export function restartedNote(file: string): string {
	return `the state file ${file} was saved by another build; the cluster was restarted from its saved objects, as after minikube stop and start (pods restarted once)`;
}
