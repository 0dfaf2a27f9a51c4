/**
 * The simulation's state outside the store's objects, as data: each part of
 * the engine that keeps some (a controller's back-offs, the kubelets'
 * workers, a node's containers, the event recorder) registers a `StatePart`
 * under its name when the cluster is built. A snapshot saves every part; a
 * restore builds the cluster without its start-up work and loads each part
 * back, instead of replaying the history that led there.
 * docs/state-as-data.md is the map of what each part keeps.
 */
import type {KubeObject} from './api/types.js';
import type {TimerHandle} from './clock.js';
import type {Store} from './store.js';

/**
 * An object version a part holds, as saved: the store's own version of it
 * by uid (the part held exactly what the store has), or a copy (an older
 * version, or one the store no longer has).
 */
export type SavedObject = {uid: string} | {object: KubeObject};

/**
 * A timer handle as saved: its number and time. A part may hold the handle
 * of a timer that has run or was cancelled; it loads as a spent handle with
 * the same number and time, so the part behaves as it did with the old one.
 */
export type SavedTimerRef = {seq: number; at: number};

/** What a part's `save` gets: how to save the object versions and timer handles it holds. */
export type Saving = {
	/** `object` as a reference when it is the store's current version of it, else as a copy. */
	object(object: KubeObject): SavedObject;
	/** A timer handle the part holds, pending or not. */
	timer(handle: TimerHandle): SavedTimerRef;
};

/** What a part's `load` gets: the objects and timers its saved state names. */
export type Loading = {
	/** The version `saved` names: the store's own (the same object, as the saved part held it) or the copy. */
	object<T extends KubeObject>(saved: SavedObject): T;
	/** The handle `saved` names: the clock's pending timer of that number (loaded by then), or a spent handle when it is not pending. */
	timer(saved: SavedTimerRef): TimerHandle;
	/**
	 * A Loading that resolves later as this one does now: the store's
	 * objects and the pending timers as they are at this point of the
	 * restore, for a piece of state loaded when first used (`LaterState`).
	 */
	lasting(): Loading;
};

/**
 * A piece of a part's saved state still as the JSON text it was read from,
 * parsed when first needed: a state file's long records (each node's
 * runtime) are read so, which takes their parse and load out of the
 * restore. A part that loads such a piece later holds it, with
 * `Loading.lasting()`, until something first uses what it holds; a part
 * that does not is given the parsed value at its load (`StateParts`).
 * Frozen, it is a state given again unchanged: a save writes its text as
 * it is (snapshot-json.ts), and `JSON.stringify` writes its value.
 */
export class LaterState {
	constructor(
		private readonly text: () => string,
		/** Whether the text holds `part` (a byte search: no parse). */
		readonly includes: (part: string) => boolean,
	) {
		Object.freeze(this);
	}

	/** The value, parsed from the text (again at each call: the holder keeps what it loads, not this). */
	value(): unknown {
		return JSON.parse(this.text()) as unknown;
	}

	toJSON(): unknown {
		return this.value();
	}
}

/** `state` with each piece read later (`LaterState`) parsed: the whole, or a list's records (`[name, state]`) that hold one. */
export function parsedNow(state: unknown): unknown {
	if (state instanceof LaterState) return state.value();
	if (!Array.isArray(state) || !state.some(item => Array.isArray(item) && item.some(element => element instanceof LaterState))) return state;
	return state.map(item => (Array.isArray(item) ? item.map(element => (element instanceof LaterState ? element.value() : element)) : item));
}

/**
 * A part of the simulation with state of its own. `save` gives it as
 * JSON-safe data. `load` first returns the part to the state it had when
 * the cluster was built (every field), then takes the saved state; it
 * writes nothing to the store, records no event, sets no timer and draws
 * nothing from the generator (the clock and the generator are loaded as
 * they were saved). Orders that decide what happens next (a queue's, a
 * node's pods in binding order) are kept exactly.
 */
export type StatePart<S = unknown> = {
	save(saving: Saving): S;
	/**
	 * The same state made a piece at a time (each node's runtime, say): a
	 * snapshot taken in steps stops between two, and nothing the part
	 * saves changes meanwhile (see `Cluster.snapshotInSteps`).
	 */
	saveInSteps?(saving: Saving): Iterator<void, S>;
	/** Its load takes pieces of state still as text (`LaterState`), among its list's records, and keeps them until first used. */
	loadsLater?: boolean;
} & (
	| {load(saved: S, loading: Loading): void}
	/**
	 * A load made a piece at a time (a node's runtime, say): each step loads
	 * one piece, and the load is done when the steps are. A restore in
	 * slices stops between two steps; any other load takes them all at once.
	 */
	| {loadInSteps(saved: S, loading: Loading): Iterator<void, void>}
);

/**
 * The form the parts save their state in. A snapshot records it; a restore
 * loads only a state of its own form (another build's is restored from its
 * objects). Change it with any change to what a part saves:
 * test/engine/state-shape.test.ts compares the parts' saved shapes with the
 * ones recorded for this form.
 */
export const stateFormat = 5;

let checkingKept = false;

/**
 * Check the saved states parts keep while nothing they are made from
 * changed (a settled node's runtime): with it on, each such part makes its
 * state again at every save and throws where the two differ. The tests turn
 * it on; a kept state that a missed change left stale would otherwise go
 * unseen until a restore went another way.
 */
export function checkKeptStates(on = true): void {
	checkingKept = on;
}

/** Whether kept saved states are checked (see `checkKeptStates`). */
export function keptStatesChecked(): boolean {
	return checkingKept;
}

/**
 * A part's saved state: `kept`, the one it saved last, when it may give it
 * again (nothing it is made from changed since), made again and compared
 * while kept states are checked (`stale` is the error then); else `make()`'s,
 * frozen, as a state the part may give again is never changed.
 */
export function keptOrMade<S extends object>(kept: S | undefined, make: () => S, stale: string): S {
	if (kept === undefined) return Object.freeze(make());
	if (checkingKept && JSON.stringify(make()) !== JSON.stringify(kept)) throw new Error(stale);
	return kept;
}

/** `keptOrMade` for a state made in steps (`make` yields between two): the kept one is given at once. */
export function* keptOrMadeInSteps<S extends object>(kept: S | undefined, make: () => Iterator<void, S>, stale: string): Generator<void, S> {
	if (kept !== undefined) return keptOrMade(kept, () => madeAtOnce(make()), stale);
	return Object.freeze(yield* stepsOf(make()));
}

/** Steps taken one by one, stopping between two (for `yield*`): what they make. */
export function* stepsOf<S>(steps: Iterator<void, S>): Generator<void, S> {
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
		yield;
	}
}

/** What steps make, taken all at once. */
export function madeAtOnce<S>(steps: Iterator<void, S>): S {
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
	}
}

/** Whether `value` is a list of texts (saved keys, paths, names, messages): how the loads of saved state check such lists. */
export function isTextList(value: unknown): value is string[] {
	return Array.isArray(value) && value.every(item => typeof item === 'string');
}

/** Saved parts, by name, in the order they were registered. */
export type SavedParts = Array<[name: string, state: unknown]>;

/** The parts of one cluster, by name in the order they registered. */
export class StateParts {
	private readonly parts = new Map<string, StatePart<any>>();

	/** Register `part` under `name` (unique in the cluster). */
	register<S>(name: string, part: StatePart<S>): void {
		if (this.parts.has(name)) throw new Error(`two state parts named ${name}`);
		this.parts.set(name, part);
	}

	names(): string[] {
		return [...this.parts.keys()];
	}

	/** Every part's state (or the named parts'), in registration order. */
	save(saving: Saving, names?: readonly string[]): SavedParts {
		const saved: SavedParts = [];
		for (const [name, part] of this.parts) if (!names || names.includes(name)) saved.push([name, part.save(saving)]);
		return saved;
	}

	/** `save`, stopping between two parts and between the steps of a part that saves in steps. */
	*saveInSteps(saving: Saving): Generator<void, SavedParts> {
		const saved: SavedParts = [];
		for (const [name, part] of this.parts) {
			saved.push([name, part.saveInSteps ? yield* stepsOf(part.saveInSteps(saving)) : part.save(saving)]);
			yield;
		}
		return saved;
	}

	/** Load saved parts, in their order; each must be a part of this cluster. */
	load(saved: SavedParts, loading: Loading): void {
		for (const entry of saved) this.loadPart(entry, loading);
	}

	/** Load one saved part (a restore in slices loads them one at a time, in their order). */
	loadPart(entry: SavedParts[number], loading: Loading): void {
		const steps = this.loadPartInSteps(entry, loading);
		while (!steps.next()) {
			// A piece at a time, to the end.
		}
	}

	/**
	 * Load one saved part a piece at a time: each `next()` loads a piece and
	 * says whether the part is loaded (a part without steps loads in one).
	 * An error names the part.
	 */
	loadPartInSteps([name, saved]: SavedParts[number], loading: Loading): {next(): boolean} {
		const part = this.parts.get(name);
		if (!part) throw new Error(`no state part named ${name}`);
		// Pieces read later reach only the parts that load them later.
		const state = part.loadsLater ? saved : parsedNow(saved);
		const named = <T>(run: () => T): T => {
			try {
				return run();
			} catch (error) {
				throw new Error(`part ${name}: ${(error as Error).message}`);
			}
		};
		if ('load' in part) {
			return {next: () => {
				named(() => part.load(state, loading));
				return true;
			}};
		}
		const steps = named(() => part.loadInSteps(state, loading));
		return {next: () => named(() => steps.next().done === true)};
	}
}

/** How parts save object versions against `store`. */
export function savingFrom(store: Store): Saving {
	return {
		object(object) {
			const uid = object.metadata.uid;
			return uid !== undefined && store.getByUid(uid) === object ? {uid} : {object};
		},
		timer: handle => ({seq: handle.seq, at: handle.at}),
	};
}

/** How parts load object versions from `store` and timer handles from `timers` (the clock's pending ones, by number). */
export function loadingFrom(store: Store, timers: ReadonlyMap<number, TimerHandle>): Loading {
	return loadingOf(uid => store.getByUid(uid), timers, () => {
		// The objects as they are now: a later load finds the versions this one would (the store's change meanwhile).
		const objects = store.objectsByUid();
		const lasting = loadingOf(uid => objects.get(uid), timers, () => lasting);
		return lasting;
	});
}

function loadingOf(find: (uid: string) => KubeObject | undefined, timers: ReadonlyMap<number, TimerHandle>, lasting: () => Loading): Loading {
	let kept: Loading | undefined;
	return {
		object<T extends KubeObject>(saved: SavedObject): T {
			if ('object' in saved) return saved.object as T;
			const object = find(saved.uid);
			if (!object) throw new Error(`load: the store has no object with uid ${saved.uid}`);
			return object as T;
		},
		timer({seq, at}) {
			const timer = timers.get(seq);
			if (timer && timer.at !== at) throw new Error(`load: pending timer number ${seq} is due at ${timer.at}, saved as due at ${at}`);
			return timer ?? {seq, at, cancel() {}};
		},
		lasting: () => (kept ??= lasting()),
	};
}
