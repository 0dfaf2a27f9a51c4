/**
 * Saving the state file as the cluster changes: at most once every
 * `intervalMs` of wall time (2 s), soon after the first change of a quiet
 * spell, and once more at exit. Told about changes (`changed()`, from the
 * engine's watch and the simulation's ticks), never polling: a cluster that
 * does not change is not saved again. A save takes the snapshot (at once,
 * or in slices while the cluster stands still for it, when the engine makes
 * it in steps) with the text around its objects, then serialises the
 * objects in slices of at most
 * `sliceMs` between turns of the event loop (they are never changed in
 * place, so what the cluster does meanwhile does not reach them; only the
 * objects changed since the last save are serialised again), then writes
 * the bytes without blocking the event loop. The exit save serialises and
 * writes blocking, since the process ends right after it.
 */
import {rmSync} from 'node:fs';
import {SnapshotJson, type FileLines, type PreparedSnapshot} from './snapshot-json.js';
import {writeStateFile, writeStateFileSync, type StateData, type WriteHooks} from './state-file.js';

export type AutosaveTimers = {
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
};

export type AutosaveOptions = {
	file: string;
	/** The data to save (the cluster's snapshot), taken when a save runs. */
	snapshot: () => unknown;
	/**
	 * The same data made a piece at a time (`Cluster.snapshotInSteps`): a
	 * background save then takes it in slices too. The exit save takes
	 * `snapshot`.
	 */
	snapshotInSteps?: () => SnapshotSteps;
	/** Wall ms between the starts of two saves at least (default 2000). */
	intervalMs?: number;
	/** Wall clock in ms (tests pass a fake). */
	now?: () => number;
	/** Timers (tests pass fake ones); the real ones do not keep the process alive. */
	timers?: AutosaveTimers;
	/** The background write (default: atomic, off the event loop). */
	write?: (file: string, data: StateData, hooks?: WriteHooks) => Promise<void>;
	/** The exit write (default: atomic, blocking). */
	writeSync?: (file: string, data: StateData) => void;
	/** A save failed (disk full, directory gone); the next change tries again. */
	onError?: (error: Error) => void;
	/** A save finished: the longest the snapshot and its serialisation held the event loop at a time, and the size. */
	onSaved?: (info: SaveInfo) => void;
	/**
	 * Wall ms a background save works for before it lets the event loop turn
	 * (default 5): a slice and the dashboard's next engine slice (25 ms) may
	 * run one after the other before keys are read, so the two stay under
	 * 50 ms with a collector's pause between them.
	 */
	sliceMs?: number;
	/** Let the event loop turn between two slices (tests pass their own). */
	pause?: () => Promise<void>;
	/** Where the state file the cluster was opened from held each object and part state (`OpenedState.lines`): the first save reuses those bytes for what did not change. */
	seed?: FileLines;
};

export type SaveInfo = {blockedMs: number; bytes: number};

/** A snapshot made in steps: `step` goes on until `stop` says so, and gives the data once it is made. */
export type SnapshotSteps = {step(stop: () => boolean): unknown; cancel(): void};

const nextTurn = () => new Promise<void>(resolve => setImmediate(resolve));

const realTimers: AutosaveTimers = {
	setTimeout(callback, ms) {
		const timer = setTimeout(callback, ms);
		timer.unref?.();
		return timer;
	},
	clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Autosave {
	readonly file: string;
	readonly intervalMs: number;
	private readonly options: AutosaveOptions;
	private readonly now: () => number;
	private readonly timers: AutosaveTimers;
	/** Changes not saved yet. */
	private dirty = false;
	private timer: unknown;
	private writing: Promise<void> | undefined;
	/** The temporary file the background write under way writes, then renames over the state file. */
	private writingTo: string | undefined;
	private readonly json = new SnapshotJson();
	private lastStart = Number.NEGATIVE_INFINITY;
	private stopped = false;
	private slicingNow = false;
	/** Saves written (background and exit). */
	saves = 0;

	constructor(options: AutosaveOptions) {
		this.options = options;
		this.file = options.file;
		this.intervalMs = options.intervalMs ?? 2000;
		this.now = options.now ?? (() => performance.now());
		this.timers = options.timers ?? realTimers;
		if (options.seed) this.json.seed(options.seed);
	}

	/** Something changed: a save follows, no sooner than `intervalMs` after the last one started. */
	changed(): void {
		if (this.stopped) return;
		this.dirty = true;
		this.schedule();
	}

	/** True while changes wait to be saved. */
	get pending(): boolean {
		return this.dirty;
	}

	/**
	 * True while a background save works in slices between turns of the
	 * event loop (the snapshot, then its JSON): the dashboard's engine then
	 * takes shorter slices, so that one of each, run back to back before
	 * keys are read, stays under 50 ms with a collector's pause.
	 */
	get slicing(): boolean {
		return this.slicingNow;
	}

	private schedule(): void {
		if (this.timer !== undefined || this.writing) return;
		const wait = Math.max(0, this.lastStart + this.intervalMs - this.now());
		this.timer = this.timers.setTimeout(() => {
			this.timer = undefined;
			this.saveInBackground();
		}, wait);
	}

	/** Take the snapshot now with the text around its objects: the part of a save that must happen at once. */
	private prepare(): PreparedSnapshot {
		this.lastStart = this.now();
		this.dirty = false;
		return this.json.prepare(this.options.snapshot());
	}

	private saved(chunks: Buffer[], blockedMs: number): Buffer[] {
		let bytes = 0;
		for (const chunk of chunks) bytes += chunk.length;
		this.options.onSaved?.({blockedMs, bytes});
		return chunks;
	}

	/**
	 * Take the snapshot (in slices when it is made in steps) and serialise
	 * its objects in slices; undefined when the autosave stopped meanwhile
	 * (the exit save wrote instead) or the snapshot failed.
	 */
	private async serialiseInSlices(): Promise<Buffer[] | undefined> {
		this.slicingNow = true;
		try {
			return await this.serialiseSlices();
		} finally {
			this.slicingNow = false;
		}
	}

	private async serialiseSlices(): Promise<Buffer[] | undefined> {
		const sliceMs = this.options.sliceMs ?? 5;
		const pause = this.options.pause ?? nextTurn;
		let longest = 0;
		let started = this.now();
		this.lastStart = started;
		this.dirty = false;
		let prepared: PreparedSnapshot;
		try {
			const steps = this.options.snapshotInSteps?.();
			let snapshot: unknown;
			if (steps) {
				while ((snapshot = steps.step(() => this.now() - started >= sliceMs)) === undefined) {
					longest = Math.max(longest, this.now() - started);
					await pause();
					if (this.stopped) {
						steps.cancel();
						return undefined;
					}
					started = this.now();
				}
				// The text around the objects is a piece of its own.
				longest = Math.max(longest, this.now() - started);
				await pause();
				if (this.stopped) return undefined;
				started = this.now();
			} else snapshot = this.options.snapshot();
			prepared = this.json.prepare(snapshot);
		} catch (error) {
			this.options.onError?.(error as Error);
			return undefined;
		}
		let held = this.now() - started;
		for (;;) {
			started = this.now();
			const done = this.json.fill(prepared, () => this.now() - started >= sliceMs);
			held += this.now() - started;
			longest = Math.max(longest, held);
			if (done) break;
			await pause();
			if (this.stopped) return undefined;
			held = 0;
		}
		started = this.now();
		const chunks = this.json.assemble(prepared);
		return this.saved(chunks, Math.max(longest, held + this.now() - started));
	}

	private saveInBackground(): void {
		if (this.stopped || !this.dirty) return;
		const write = this.options.write ?? writeStateFile;
		this.writing = this.serialiseInSlices().then(
			async data => {
				if (data === undefined) return;
				await write(this.file, data, {temporary: path => (this.writingTo = path)});
				this.saves++;
			},
		).catch((error: Error) => {
			// After the exit save a write that lost its temporary file to it failed as meant to.
			if (this.stopped) return;
			this.dirty = true;
			this.options.onError?.(error);
		}).finally(() => {
			this.writing = undefined;
			this.writingTo = undefined;
			// Changes that came while the bytes were written are saved next.
			if (this.dirty && !this.stopped) this.schedule();
		});
	}

	/** Resolves when the background write under way (if any) is done (tests). */
	async settled(): Promise<void> {
		await this.writing;
	}

	/**
	 * The exit save: if anything changed since the last save, write it now,
	 * blocking, and stop. Throws the write's error (the caller reports it).
	 */
	flush(): void {
		if (this.stopped) return;
		this.stop();
		// A background write under way would not reach its rename before the process ends: write again.
		if (!this.dirty && this.saves > 0 && !this.writing) return;
		// Nor may it reach it after this write: its rename, maybe already with the file system, then finds no file to move.
		if (this.writingTo !== undefined) rmSync(this.writingTo, {force: true});
		const started = this.now();
		const data = this.saved(this.json.complete(this.prepare()), this.now() - started);
		(this.options.writeSync ?? writeStateFileSync)(this.file, data);
		this.saves++;
	}

	/** No more saves (timers cleared); a write under way finishes. */
	stop(): void {
		this.stopped = true;
		if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
		this.timer = undefined;
	}
}
