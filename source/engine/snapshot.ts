/**
 * Whole-simulation snapshots: what `cluster.snapshot()` returns and
 * `createCluster({snapshot})` reads back.
 *
 * A snapshot holds the cluster's options (seed, nodes, demo, ...), the
 * journal of every call that changed it, and the state those calls reached:
 * the store's objects and resourceVersion, the clock and its pending timers,
 * the random generator's state, and what the volumes hold (files and
 * database rows). A restore makes a cluster from the options and replays the
 * journal: the engine is deterministic (same seed, same calls, same cluster),
 * so the replay rebuilds every part of the simulation, the parts held in
 * closures included (timers, work queues and backoffs, kubelets' pod workers,
 * running shell scripts mid-loop, traffic streams, events' aggregation).
 * The replayed state is then checked against the saved one, so a snapshot
 * that this build would replay differently is refused rather than restored
 * into a different cluster.
 */
import type {KubeObject} from './api/types.js';
import type {ClusterOptions} from './cluster-options.js';
import type {PendingTimer} from './clock.js';
import type {SavedParts} from './state.js';

/**
 * The snapshot format this build writes (4: the state of every part of the
 * simulation, which a restore loads; 3: each pending timer's kind and
 * argument; 2: an optional `base`); it reads versions 1 (no base), 2 (timers
 * by time and number only) and 3 (no state: the journal is replayed) too.
 */
export const snapshotVersion = 4;

/** One call of the cluster's facade, as data. */
export type JournalEntry = {
	/** The facade method (`apply`, `advance`, ...), or `shell.run` / `shell.close` for an open shell. */
	call: string;
	/** Its arguments, JSON-safe; an argument that was `undefined` is listed in `undefinedArgs`. */
	args: unknown[];
	/** Positions of arguments that were `undefined`. */
	undefinedArgs?: number[];
	/** The call threw (it is replayed all the same: a refused call may still have drawn from the generator). */
	threw?: boolean;
	/** An `advance` that stopped at its budget: after how many yield checks it stopped. */
	stopAfter?: number;
	/** An `openShell` that opened a session: the session's number, which `shell.*` entries name. */
	session?: number;
};

/** Files and database rows of one PersistentVolume. */
export type VolumeSnapshot = {
	volume: string;
	/** Path → content, sorted by path. */
	files: Array<[string, string]>;
	/** The database kept on the volume: its rows, sorted by key. */
	rows?: Array<[string, string]>;
};

/** The options a snapshot's cluster was made with: `createCluster`'s, `snapshot` aside. */
export type SnapshotOptions = Omit<ClusterOptions, 'snapshot' | 'restore' | 'objectsIntact' | 'onReplay'>;

/**
 * The saved objects a cluster restored from objects only started from
 * (`createCluster({snapshot, restore: 'objects'})`): what it was made of,
 * before the calls the journal records.
 */
export type SnapshotBase = {
	store: {resourceVersion: string; objects: KubeObject[]};
	/** The configurations objects were last applied with, by uid (what kubectl keeps in an annotation). */
	applied?: Array<[string, unknown]>;
	clock: {now: number};
	random: {state: number[]};
	volumes: VolumeSnapshot[];
};

/** A pending timer as a snapshot has it: versions 1 and 2 give its time and number only. */
export type SavedTimer = Omit<PendingTimer, 'kind'> & {kind?: string};

/** A whole simulation as JSON-safe data (`JSON.parse(JSON.stringify(s))` restores identically). */
export type ClusterSnapshot = {
	kind: 'KubariumSnapshot';
	version: 1 | 2 | 3 | typeof snapshotVersion;
	options: SnapshotOptions;
	/** The objects the cluster was restored from, when it was made from a snapshot's objects rather than from its options alone; the journal starts there. */
	base?: SnapshotBase;
	/**
	 * Saved without its history (`snapshot({history: false})`, as the state
	 * file is): the journal is empty and there is no base, so it is restored
	 * from its state (or its objects), never by replay.
	 */
	history?: false;
	/** Every call that changed the cluster since it was made, in order. */
	journal: JournalEntry[];
	/** Open `advance` work: virtual ms still owed by an advance that stopped at its budget. */
	behindMs: number;
	store: {resourceVersion: string; objects: KubeObject[]};
	/** The configuration each object was last applied with, by uid: apply's merge compares against it (version 2). */
	applied?: Array<[string, unknown]>;
	/** The pending timers, in the order they run: their kind and argument too (version 3). */
	clock: {now: number; timers: SavedTimer[]};
	random: {state: number[]};
	volumes: VolumeSnapshot[];
	/** The state of every part of the simulation outside the objects, and the clock's next timer number: what a restore loads instead of replaying the journal. */
	state?: {format: number; seq: number; parts: SavedParts};
};

/**
 * Why a snapshot that cannot be restored exactly can still be restored from
 * its objects (`restore: 'objects'`): another build saved it (its parts'
 * state in another form, or a journal this build replays differently), or
 * its parts' state is in this build's form but a part cannot load it.
 */
export type FromObjectsReason = 'another build' | 'state not loadable';

/** A snapshot that cannot be restored: a newer or unknown version, the wrong shape (the message names the path), or one that replays differently. */
export class SnapshotError extends Error {
	/** Set when the snapshot is well formed and its objects still restore the cluster (`restore: 'objects'`): why it cannot be restored exactly. */
	readonly fromObjects: FromObjectsReason | undefined;

	constructor(message: string, fromObjects?: FromObjectsReason) {
		super(message);
		this.name = 'SnapshotError';
		this.fromObjects = fromObjects;
	}
}

type Checker = (value: unknown, path: string) => void;

const fail = (path: string, expected: string, value: unknown): never => {
	throw new SnapshotError(`${path}: expected ${expected}, got ${describe(value)}`);
};

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
	return `${typeof value} ${String(value)}`;
}

const object: Checker = (value, path) => {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
};
const array: Checker = (value, path) => {
	if (!Array.isArray(value)) fail(path, 'an array', value);
};
const string: Checker = (value, path) => {
	if (typeof value !== 'string') fail(path, 'a string', value);
};
const finite: Checker = (value, path) => {
	if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a finite number', value);
};
const integer: Checker = (value, path) => {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(path, 'a non-negative integer', value);
};

/**
 * Check every item of an array. `fine` tells a well-formed item at a glance,
 * so an item's path is written out only to check one that is not (a
 * snapshot holds tens of thousands of objects).
 */
function each(value: unknown, path: string, check: Checker, fine?: (item: unknown) => boolean): void {
	array(value, path);
	const list = value as unknown[];
	for (let index = 0; index < list.length; index++) {
		const item = list[index];
		if (!fine?.(item)) check(item, `${path}[${index}]`);
	}
}

function optional(value: unknown, path: string, check: Checker): void {
	if (value !== undefined) check(value, path);
}

const pair: Checker = (value, path) => {
	array(value, path);
	const list = value as unknown[];
	if (list.length !== 2) fail(path, 'a pair', value);
	string(list[0], `${path}[0]`);
	string(list[1], `${path}[1]`);
};

const entry: Checker = (value, path) => {
	object(value, path);
	const e = value as Record<string, unknown>;
	string(e['call'], `${path}.call`);
	array(e['args'], `${path}.args`);
	optional(e['undefinedArgs'], `${path}.undefinedArgs`, (v, p) => each(v, p, integer));
	optional(e['threw'], `${path}.threw`, (v, p) => typeof v === 'boolean' || fail(p, 'a boolean', v));
	optional(e['stopAfter'], `${path}.stopAfter`, integer);
	optional(e['session'], `${path}.session`, integer);
};

const storedObject: Checker = (value, path) => {
	object(value, path);
	const o = value as Record<string, unknown>;
	string(o['kind'], `${path}.kind`);
	object(o['metadata'], `${path}.metadata`);
	string((o['metadata'] as Record<string, unknown>)['name'], `${path}.metadata.name`);
};

/** What `storedObject` accepts, without naming anything. */
function isStoredObject(value: unknown): boolean {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const metadata = (value as Record<string, unknown>)['metadata'];
	return typeof (value as Record<string, unknown>)['kind'] === 'string'
		&& typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
		&& typeof (metadata as Record<string, unknown>)['name'] === 'string';
}

/**
 * Check that `data` is a snapshot this build reads, naming the first path
 * that is wrong (`snapshot.store.objects: expected an array, got null`).
 * Throws SnapshotError; returns the data typed.
 */
export function readSnapshot(data: unknown): ClusterSnapshot {
	object(data, 'snapshot');
	const s = data as Record<string, unknown>;
	if (s['kind'] !== 'KubariumSnapshot') {
		throw new SnapshotError(`snapshot.kind: expected "KubariumSnapshot", got ${describe(s['kind'])}: this is not a Kubarium snapshot`);
	}
	const version = s['version'];
	if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
		throw new SnapshotError(`snapshot.version: expected a format version (a whole number from 1), got ${describe(version)}`);
	}
	if (version > snapshotVersion) throw new SnapshotError(`snapshot version ${version} is newer than this build reads (${snapshotVersion})`);
	if (version === 1 && s['base'] !== undefined) fail('snapshot.base', 'nothing in a version 1 snapshot', s['base']);
	object(s['options'], 'snapshot.options');
	const options = s['options'] as Record<string, unknown>;
	optional(options['seed'], 'snapshot.options.seed', finite);
	optional(options['nodes'], 'snapshot.options.nodes', integer);
	optional(options['startTime'], 'snapshot.options.startTime', finite);
	optional(options['name'], 'snapshot.options.name', string);
	optional(options['node'], 'snapshot.options.node', object);
	for (const flag of ['demo', 'ingressNginx', 'systemDaemonSets', 'strictImages']) {
		optional(options[flag], `snapshot.options.${flag}`, (v, p) => typeof v === 'boolean' || fail(p, 'a boolean', v));
	}
	optional(s['base'], 'snapshot.base', base);
	each(s['journal'], 'snapshot.journal', entry);
	finite(s['behindMs'], 'snapshot.behindMs');
	storeState(s['store'], 'snapshot.store');
	optional(s['applied'], 'snapshot.applied', appliedList);
	object(s['clock'], 'snapshot.clock');
	const clock = s['clock'] as Record<string, unknown>;
	finite(clock['now'], 'snapshot.clock.now');
	each(clock['timers'], 'snapshot.clock.timers', (value, path) => {
		object(value, path);
		finite((value as Record<string, unknown>)['at'], `${path}.at`);
		integer((value as Record<string, unknown>)['seq'], `${path}.seq`);
		const kind = (value as Record<string, unknown>)['kind'];
		// From version 3 every timer says what it is.
		if (version >= 3 || kind !== undefined) string(kind, `${path}.kind`);
	});
	object(s['random'], 'snapshot.random');
	each((s['random'] as Record<string, unknown>)['state'], 'snapshot.random.state', finite);
	each(s['volumes'], 'snapshot.volumes', volume);
	if (version < 4 && s['state'] !== undefined) fail('snapshot.state', `nothing in a version ${version} snapshot`, s['state']);
	optional(s['state'], 'snapshot.state', savedState);
	if (s['history'] !== undefined) {
		if (s['history'] !== false) fail('snapshot.history', 'false (or nothing)', s['history']);
		if (version < 4) fail('snapshot.history', `nothing in a version ${version} snapshot`, s['history']);
		if (s['state'] === undefined) fail('snapshot.state', 'the state of a snapshot saved without its history', s['state']);
		if ((s['journal'] as unknown[]).length > 0) fail('snapshot.journal', 'an empty journal in a snapshot saved without its history', s['journal']);
		if (s['base'] !== undefined) fail('snapshot.base', 'nothing in a snapshot saved without its history', s['base']);
	}
	return data as ClusterSnapshot;
}

const savedState: Checker = (value, path) => {
	object(value, path);
	const state = value as Record<string, unknown>;
	integer(state['format'], `${path}.format`);
	integer(state['seq'], `${path}.seq`);
	each(state['parts'], `${path}.parts`, (item, at) => {
		array(item, at);
		if ((item as unknown[]).length !== 2) fail(at, 'a pair of a part\'s name and its state', item);
		string((item as unknown[])[0], `${at}[0]`);
	});
};

const volume: Checker = (value, path) => {
	object(value, path);
	const v = value as Record<string, unknown>;
	string(v['volume'], `${path}.volume`);
	each(v['files'], `${path}.files`, pair);
	optional(v['rows'], `${path}.rows`, (rows, p) => each(rows, p, pair));
};

/** What `appliedList` accepts of one item, without naming anything: a uid and a configuration. */
export function isAppliedEntry(item: unknown): boolean {
	return Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && typeof item[1] === 'object' && item[1] !== null && !Array.isArray(item[1]);
}

const appliedList: Checker = (value, path) => each(value, path, (item, at) => {
	array(item, at);
	const list = item as unknown[];
	if (list.length !== 2) fail(at, 'a pair of a uid and a configuration', item);
	string(list[0], `${at}[0]`);
	object(list[1], `${at}[1]`);
}, isAppliedEntry);

const storeState: Checker = (value, path) => {
	object(value, path);
	const store = value as Record<string, unknown>;
	string(store['resourceVersion'], `${path}.resourceVersion`);
	if (!/^(0|[1-9][0-9]*)$/.test(store['resourceVersion'] as string)) fail(`${path}.resourceVersion`, 'a whole number as a string', store['resourceVersion']);
	each(store['objects'], `${path}.objects`, storedObject, isStoredObject);
};

const base: Checker = (value, path) => {
	object(value, path);
	const b = value as Record<string, unknown>;
	storeState(b['store'], `${path}.store`);
	optional(b['applied'], `${path}.applied`, appliedList);
	object(b['clock'], `${path}.clock`);
	finite((b['clock'] as Record<string, unknown>)['now'], `${path}.clock.now`);
	object(b['random'], `${path}.random`);
	each((b['random'] as Record<string, unknown>)['state'], `${path}.random.state`, finite);
	each(b['volumes'], `${path}.volumes`, volume);
};

/** The objects-only state of a snapshot: what `restore: 'objects'` makes a cluster from. */
export function baseOf(snapshot: ClusterSnapshot): SnapshotBase {
	return {
		store: snapshot.store,
		...(snapshot.applied ? {applied: snapshot.applied} : {}),
		clock: {now: snapshot.clock.now},
		random: snapshot.random,
		volumes: snapshot.volumes,
	};
}

/** An argument list as JSON-safe data: `undefined` ones are noted by position. */
export function encodeArgs(args: readonly unknown[]): {args: unknown[]; undefinedArgs?: number[]} {
	let last = args.length;
	while (last > 0 && args[last - 1] === undefined) last--;
	const undefinedArgs: number[] = [];
	const out: unknown[] = [];
	for (let i = 0; i < last; i++) {
		if (args[i] === undefined) {
			undefinedArgs.push(i);
			out.push(null);
		} else {
			out.push(jsonCopy(args[i]));
		}
	}
	Object.freeze(out);
	return undefinedArgs.length > 0 ? {args: out, undefinedArgs} : {args: out};
}

/** The arguments an entry was called with. */
export function decodeArgs(entry: JournalEntry): unknown[] {
	const args = structuredClone(entry.args);
	for (const index of entry.undefinedArgs ?? []) args[index] = undefined;
	return args;
}

/**
 * A JSON round-trip of `value` (functions and `undefined` fields dropped, as
 * the API server would receive it), frozen: snapshots share it with the
 * journal instead of copying it each time.
 */
function jsonCopy(value: unknown): unknown {
	if (value === null || typeof value !== 'object') return value;
	return deepFreeze(JSON.parse(JSON.stringify(value)) as unknown);
}

function deepFreeze(value: unknown): unknown {
	if (value === null || typeof value !== 'object') return value;
	for (const child of Object.values(value)) deepFreeze(child);
	return Object.freeze(value);
}

/** The first difference between two lists of stored objects, for the message of a snapshot that replays differently. */
export function firstDifference(saved: readonly KubeObject[], replayed: readonly KubeObject[]): string | undefined {
	const name = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
	const length = Math.max(saved.length, replayed.length);
	for (let i = 0; i < length; i++) {
		const a = saved[i];
		const b = replayed[i];
		if (!a) return `the replay made ${name(b!)} as well`;
		if (!b) return `the replay did not make ${name(a)}`;
		if (!sameJsonText(a, b)) return `${name(a)} differs`;
	}
	return undefined;
}

/** What JSON writes for a value inside an array or an object: undefined, a function or a symbol is left out of an object, and null in an array. */
function written(value: unknown): unknown {
	if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
	// Infinity and NaN are written as null.
	if (typeof value === 'number' && !Number.isFinite(value)) return null;
	return value;
}

/**
 * Whether `JSON.stringify(a) === JSON.stringify(b)` (key order included),
 * without making the texts: a restore compares every replayed object with
 * the saved one, 44 MB of JSON twice at 10,000 pods.
 */
export function sameJsonText(a: unknown, b: unknown): boolean {
	// The same value, or the same text (0 and -0 are both written 0).
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return written(a) === written(b);
	if (typeof (a as {toJSON?: unknown}).toJSON === 'function' || typeof (b as {toJSON?: unknown}).toJSON === 'function') return JSON.stringify(a) === JSON.stringify(b);
	if (Array.isArray(a)) {
		if (!Array.isArray(b) || a.length !== b.length) return false;
		for (let i = 0; i < a.length; i++) if (!sameJsonText(written(a[i]) ?? null, written(b[i]) ?? null)) return false;
		return true;
	}
	if (Array.isArray(b)) return false;
	const objectA = a as Record<string, unknown>;
	const objectB = b as Record<string, unknown>;
	const keysB = Object.keys(objectB);
	let at = 0;
	for (const key in objectA) {
		// JSON writes own keys only (for...in also lists inherited enumerable ones, which plain objects have none of).
		if (!Object.hasOwn(objectA, key)) continue;
		const value = objectA[key];
		if (written(value) === undefined) continue;
		// The next key of b that JSON writes.
		while (at < keysB.length && written(objectB[keysB[at]!]) === undefined) at++;
		if (keysB[at] !== key || !sameJsonText(value, objectB[key])) return false;
		at++;
	}
	while (at < keysB.length && written(objectB[keysB[at]!]) === undefined) at++;
	return at === keysB.length;
}
