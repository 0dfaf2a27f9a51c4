/**
 * A cluster's snapshot as the text of a state file, made cheaply again and
 * again, as the chunks of bytes the file is written from. The text is JSON:
 * the snapshot's, except that most of the store's objects are written as
 * what differs from an earlier one like it (object-delta.ts), which makes
 * them about a third of their size; `parseSnapshotJson` and
 * `readSnapshotText` give the snapshot back.
 *
 * The store's objects are never changed in place (an update stores a new
 * object), so each object's line is kept beside it (a WeakMap, let go with
 * the object) while the object it refers to is the same, and only the
 * objects that changed since the last save are serialised again; the
 * chunks are written one after another, never joined into one string (at
 * 10,000 pods, joining and encoding them took longer than serialising what
 * changed). A snapshot's base (the objects a cluster restarted from, which
 * never change) and a part's frozen state (given again unchanged) are
 * serialised once and kept too.
 *
 * Each of the store's objects, and each part's state, is on a line of its
 * own, and a part that is a long list (each node's runtime) a record a line
 * (JSON allows the whitespace; `JSON.stringify` never writes a raw newline
 * inside a value), so `parseSnapshotJson` can read them back a few at a
 * time.
 */

import {createHash, type Hash} from 'node:crypto';
import {keptStatesChecked, LaterState, SaveCache} from '../engine/index.js';
import {applyDelta, objectDelta} from './object-delta.js';

type SnapshotLike = {store?: {resourceVersion?: unknown; objects?: unknown}};

/**
 * A snapshot's JSON as far as it can be made at once: the text around its
 * objects and its parts' state, made when the snapshot was taken (the
 * journal and the rest may change afterwards), and the objects and the
 * parts' state themselves, which can be serialised later, a few at a time
 * (`fill`): the objects are never changed, and a part's saved state is
 * data of its own, which the part does not change afterwards.
 */
export type PreparedSnapshot = {
	objects: readonly unknown[];
	/** How many of `objects` have their line (in order). */
	filled: number;
	/**
	 * The chunks so far: everything up to the store's object list, then each object's line (the object, or what
	 * differs from an earlier one: `objectLine`) after its line break, as
	 * `assemble` gives them (made as the lines are, so that assembling
	 * costs little beside the slices).
	 */
	lines: Buffer[];
	/** The last object of each reference key, and of each kind, among those filled: where a delta looks back to. */
	lastOfKey: Map<string, number>;
	lastOfKind: Map<string, number>;
	/** The SHA-256 of the objects' lines so far (see `objectsDigestKey`), and its hex once they are all filled. */
	digest: Hash;
	objectsSha256?: string;
	/** Everything after the objects, up to the parts' state (or to the end, base aside). */
	middle: Buffer;
	/** The parts' state as text and values still to serialise, in order (empty when the snapshot has none). */
	state: Array<Buffer | Buffer[] | Pending>;
	/** How many of `state` are made (in order). */
	stateFilled: number;
	/** The base's object, when the snapshot has one (never changed: its bytes are kept). */
	base: object | undefined;
	/** Whether the snapshot's closing brace comes right after the parts' state (it has a state and no base). */
	closesAfterState: boolean;
	/** The SHA-256 of each list part's record long enough to be read later (`laterRecordBytes`), in order. */
	later: Buffer[];
} | {whole: Buffer};

/**
 * A value of the parts' state still to serialise, or the items of a long
 * array (`next` the first not serialised yet, `done` those that are,
 * comma-separated; with `lines`, each on a line of its own).
 */
type Pending = {value: unknown} | {items: readonly unknown[]; next: number; done: Buffer[]; lines?: boolean}
	/** Around the pieces of a frozen value whose bytes are not kept yet: once they are made, they are kept for it. */
	| {opens: object} | {closes: object};

/**
 * How the parts' state is split into values serialised one at a time: down
 * to `stateDepth` levels, an object or a short array is opened, while each
 * item of a long one (a node's runtime, a pod's worker, an event) is one
 * `JSON.stringify`: a few thousand values, none of them large.
 */
const stateDepth = 6;
const longArray = 16;
/** From this depth on (a part's own state and below: `{format, seq, parts}`, the parts, a part's name and state sit above it), a long array's items are records. */
const recordDepth = stateDepth - 2;

/** Around and between the store's objects: one object a line. */
const newline = Buffer.from('\n');
const commaNewline = Buffer.from(',\n');
const commaBuffer = Buffer.from(',');
const newlineByte = 0x0a;
const commaByte = 0x2c;
const closeBracketByte = 0x5d;
const openBracketByte = 0x5b;
const openBraceByte = 0x7b;
const quoteByte = 0x22;
const backslashByte = 0x5c;
const closeBracket = Buffer.from(']');
const closeBrace = Buffer.from('}');
/** How much of a list `parseSnapshotJson` parses in one go (whole lines of it): big enough that a call costs little beside it, small enough to stop often. */
const pieceBytes = 64 * 1024;

/**
 * Where the store's objects and the parts' states read from a state file
 * stand in its bytes (`parseSnapshotJson` notes them): the first save after
 * the file was opened gives those bytes again for every object and state
 * that did not change, as it would give the bytes it kept from an earlier
 * save, instead of making them all again (at 10,000 pods about a second,
 * which an exit soon after the start would wait for). They are only
 * consulted until that save is made.
 */
export class FileLines {
	/** The file's bytes (set by the parse). */
	bytes: Buffer = Buffer.alloc(0);
	/** An object's line, whole: its JSON. */
	readonly whole = new Map<object, {start: number; end: number}>();
	/** An object's line as what differs from an earlier one: `[distance, delta]` from `start` to `end`, the delta from `deltaStart`. */
	readonly deltas = new Map<object, {start: number; end: number; deltaStart: number; reference: object; distance: number}>();
	/** A part's state (or a node's runtime), frozen by the part that loaded it: its JSON. */
	readonly states = new Map<object, {start: number; end: number}>();

	/**
	 * Bytes `start` to `end`: a view of the file's bytes, not a copy. The
	 * saves keep such views for the objects that do not change, so the
	 * file's buffer stays while any of them does: at most its own size, no
	 * more than the copies took, and none of their copying (at 10,000 pods,
	 * 68,000 Buffers made and filled in an exit right after the start).
	 */
	view(start: number, end: number): Buffer {
		return this.bytes.subarray(start, end);
	}
}

export class SnapshotJson {
	/** The lines of the state file the cluster was opened from, until the first save made after it (see `FileLines`). */
	private fromFile: FileLines | undefined;

	/** Give the lines of the file the cluster was opened from to the first save (`FileLines`). */
	seed(lines: FileLines): void {
		this.fromFile = lines;
	}

	/** Each object's bytes (a store object, a part's frozen state), kept from a save to the next. */
	private readonly bytes = new SaveCache<object, Buffer>();
	/** The SHA-256 of a long record's line (`noteLater`), by its kept state, with the record's name. */
	private readonly laterHashes = new SaveCache<object, {name: string; hash: Buffer}>();
	/** Each object's delta against the object it was written against, and its line at its last distance back. */
	private readonly deltaLines = new SaveCache<object, {reference: unknown; distance: number; delta: Buffer | undefined; bytes: Buffer | undefined}>();

	/** The state file's text of `snapshot` (the store's key first, the state's and the base's last), in chunks; unchanged objects reuse their lines. */
	chunks(snapshot: unknown): Buffer[] {
		return this.complete(this.prepare(snapshot));
	}

	/** The chunks of a prepared snapshot, its objects serialised in one go. */
	complete(prepared: PreparedSnapshot): Buffer[] {
		this.fill(prepared, () => false);
		return this.assemble(prepared);
	}

	/** The part of the JSON that must be made now, while the snapshot is what it was when taken. */
	prepare(snapshot: unknown): PreparedSnapshot {
		this.bytes.nextSave();
		this.deltaLines.nextSave();
		this.laterHashes.nextSave();
		const store = (snapshot as SnapshotLike | null)?.store;
		if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot) || !store || !Array.isArray(store.objects)) {
			return {whole: Buffer.from(JSON.stringify(snapshot) ?? 'null')};
		}
		// The store goes first, so the place of its (emptied) object list is known: right after its other fields.
		const emptyStore = {...store, objects: []};
		const rest: Record<string, unknown> = {store: emptyStore};
		// The base (the objects a cluster restarted from) never changes: its bytes are made once, and go last; the parts' state goes before it.
		const base = (snapshot as {base?: unknown}).base;
		const state = (snapshot as {state?: unknown}).state;
		for (const [key, value] of Object.entries(snapshot)) if (key !== 'store' && key !== 'base' && key !== 'state') rest[key] = value;
		const text = JSON.stringify(rest);
		const storeText = JSON.stringify(emptyStore);
		const at = '{"store":'.length + storeText.indexOf('"objects":[]') + '"objects":['.length;
		const hasBase = typeof base === 'object' && base !== null;
		const pieces: Array<string | Pending> = [];
		const fromFile = this.fromFile;
		const hasBytes = (value: object) => this.bytes.has(value) || fromFile?.states.has(value) === true;
		if (state !== undefined) {
			pieces.push(',"state":');
			if (isPartsState(state)) {
				// Each part on a line of its own, as the objects are.
				pieces.push(`{"format":${JSON.stringify(state.format)},"seq":${JSON.stringify(state.seq)},"parts":[`);
				state.parts.forEach((part, index) => {
					pieces.push(index > 0 ? ',\n' : '\n');
					if (isListPart(part)) {
						// A part that is a long list (each node's runtime): a record a line, so the file is read a record at a time.
						pieces.push(`[${JSON.stringify(part[0])},[`, {items: part[1], next: 0, done: [], lines: true}, '\n]]');
					} else {
						plan(part, stateDepth - 2, pieces, hasBytes);
					}
				});
				pieces.push(state.parts.length > 0 ? '\n]}' : ']}');
			} else {
				plan(state, stateDepth, pieces, hasBytes);
			}
		}
		// `text` ends with the snapshot's closing brace: the state and the base go before it.
		const closes = hasBase || state !== undefined;
		return {
			objects: store.objects as unknown[],
			filled: 0,
			// Everything up to the store's object list first.
			lines: [Buffer.from(text.slice(0, at))],
			lastOfKey: new Map(),
			lastOfKind: new Map(),
			digest: createHash('sha256'),
			middle: Buffer.from(closes ? text.slice(at, -1) : text.slice(at)),
			state: merged(pieces),
			stateFilled: 0,
			base: hasBase ? base : undefined,
			closesAfterState: !hasBase && state !== undefined,
			later: [],
		};
	}

	/**
	 * Serialise the objects whose bytes are not kept yet, in order, then the
	 * parts' state, asking `stop` between two values; true when everything
	 * (and the base) has its bytes, false when it stopped first (call again
	 * to go on).
	 */
	fill(prepared: PreparedSnapshot, stop: () => boolean): boolean {
		if ('whole' in prepared) return true;
		const {objects, state} = prepared;
		while (prepared.filled < objects.length) {
			const line = this.objectLine(prepared, prepared.filled);
			if (prepared.filled > 0) prepared.digest.update(commaNewline);
			prepared.digest.update(line);
			prepared.lines.push(prepared.filled > 0 ? commaNewline : newline, line);
			prepared.filled++;
			if (prepared.filled < objects.length && stop()) return false;
		}
		while (prepared.stateFilled < state.length) {
			const piece = state[prepared.stateFilled]!;
			if (Buffer.isBuffer(piece) || Array.isArray(piece)) {
				prepared.stateFilled++;
			} else if ('opens' in piece) {
				prepared.stateFilled++;
			} else if ('closes' in piece) {
				// Every piece since its opening is made by now (in order): its bytes are the frozen value's, kept for the next save.
				let from = prepared.stateFilled - 1;
				while (!('opens' in (state[from] as object) && (state[from] as {opens: object}).opens === piece.closes)) from--;
				const made: Buffer[] = [];
				for (let at = from + 1; at < prepared.stateFilled; at++) {
					const done = state[at] as Buffer | Buffer[] | {opens: object} | {closes: object};
					if (Buffer.isBuffer(done)) made.push(done);
					else if (Array.isArray(done)) made.push(...done);
				}
				this.bytes.set(piece.closes, Buffer.concat(made));
				prepared.stateFilled++;
			} else if ('value' in piece) {
				state[prepared.stateFilled++] = isKept(piece.value) ? this.objectBytes(piece.value) : Buffer.from(JSON.stringify(piece.value) ?? 'null');
				if (prepared.stateFilled < state.length && stop()) return false;
			} else {
				const {items, done} = piece;
				while (piece.next < items.length) {
					this.recordBytes(items[piece.next], piece.lines ? (piece.next > 0 ? ',\n' : '\n') : piece.next > 0 ? ',' : '', done, piece.lines ? prepared.later : undefined);
					piece.next++;
					if (stop()) return false;
				}
				state[prepared.stateFilled++] = done;
			}
		}
		if (prepared.base) this.objectBytes(prepared.base);
		// What the file gave is kept as any save's bytes are: the file itself is no longer needed.
		this.fromFile = undefined;
		return true;
	}

	/** The chunks of a filled snapshot. */
	assemble(prepared: PreparedSnapshot): Buffer[] {
		if ('whole' in prepared) return [prepared.whole];
		const out = [...prepared.lines];
		if (prepared.objects.length > 0) out.push(newline);
		// The digest of the objects' lines goes right after the snapshot's kind, which follows them.
		if (prepared.objects.length > 0 && prepared.middle.subarray(0, afterObjects.length).equals(afterObjects)) {
			prepared.objectsSha256 ??= prepared.digest.digest('hex');
			out.push(afterObjects, Buffer.from(`,${JSON.stringify(objectsDigestKey)}:${JSON.stringify(prepared.objectsSha256)}`), prepared.middle.subarray(afterObjects.length));
		} else {
			out.push(prepared.middle);
		}
		for (const piece of prepared.state) {
			if (Array.isArray(piece)) out.push(...piece);
			else if (Buffer.isBuffer(piece)) out.push(piece);
		}
		if (prepared.later.length > 0) out.push(Buffer.from(`,${JSON.stringify(laterDigestKey)}:${JSON.stringify(createHash('sha256').update(Buffer.concat(prepared.later)).digest('hex'))}`));
		if (prepared.base) out.push(Buffer.from(',"base":'), this.objectBytes(prepared.base), closeBrace);
		else if (prepared.closesAfterState) out.push(closeBrace);
		return out;
	}

	/** The same as one string (tests, small snapshots). */
	stringify(snapshot: unknown): string {
		return Buffer.concat(this.chunks(snapshot)).toString('utf8');
	}

	/**
	 * A record of the parts' state, after `before` (a comma, a line break), onto `out`.
	 * A state a part gives again while it is unchanged (a settled node's
	 * runtime) is frozen: its bytes are kept beside it, whether it is the
	 * record or one of the record's items (a node's name and its runtime),
	 * so it costs nothing to serialise again. The rest is written as
	 * `JSON.stringify` writes it (null for what an array cannot hold).
	 */
	private recordBytes(item: unknown, before: string, out: Buffer[], later?: Buffer[]): void {
		if (before) out.push(before === ',' ? commaBuffer : before === ',\n' ? commaNewline : before === '\n' ? newline : Buffer.from(before));
		const from = out.length;
		if (isKept(item)) {
			out.push(this.objectBytes(item));
		} else if (!Array.isArray(item) || !item.some(isKept)) {
			out.push(Buffer.from(JSON.stringify(item) ?? 'null'));
		} else {
			let text = '[';
			for (let i = 0; i < item.length; i++) {
				if (i > 0) text += ',';
				const element: unknown = item[i];
				if (isKept(element)) {
					out.push(Buffer.from(text));
					out.push(this.objectBytes(element));
					text = '';
				} else {
					text += (element === undefined || typeof element === 'function' || typeof element === 'symbol' ? undefined : JSON.stringify(element)) ?? 'null';
				}
			}
			out.push(Buffer.from(`${text}]`));
		}
		if (later) this.noteLater(item, out, from, later);
	}

	/**
	 * A record's line (`out` from `from`) long enough to be read later: its
	 * SHA-256 onto `later` (see `laterDigestKey`), kept beside its state
	 * while that is given again unchanged (a settled node's runtime).
	 */
	private noteLater(item: unknown, out: readonly Buffer[], from: number, later: Buffer[]): void {
		let length = 0;
		for (let at = from; at < out.length; at++) length += out[at]!.length;
		if (length < laterRecordBytes) return;
		const state = Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && isKept(item[1]) ? item[1] as object : undefined;
		const kept = state && this.laterHashes.get(state);
		if (kept && kept.name === (item as [string])[0]) {
			later.push(kept.hash);
			return;
		}
		const hash = createHash('sha256');
		for (let at = from; at < out.length; at++) hash.update(out[at]!);
		const made = hash.digest();
		if (state) this.laterHashes.set(state, {name: (item as [string])[0], hash: made});
		later.push(made);
	}

	/**
	 * The line of the store's object at `index`: written as what differs
	 * from the last object before it with the same reference key (a pod of
	 * the same owner, an Event of the same reason, else one of the same
	 * kind), `[distance back, delta]`, when that is shorter; else the object
	 * itself. A line is kept beside its object while the object it refers to
	 * is the same.
	 */
	private objectLine(prepared: Extract<PreparedSnapshot, {objects: unknown}>, index: number): Buffer {
		const object = prepared.objects[index];
		if (typeof object !== 'object' || object === null || Array.isArray(object)) return Buffer.from(JSON.stringify(object) ?? 'null');
		const kind = String((object as {kind?: unknown}).kind);
		const key = referenceKey(object);
		const at = prepared.lastOfKey.get(key) ?? prepared.lastOfKind.get(kind);
		prepared.lastOfKey.set(key, index);
		prepared.lastOfKind.set(kind, index);
		if (at === undefined) return this.objectBytes(object);
		const reference = prepared.objects[at];
		const distance = index - at;
		let line = this.deltaLines.get(object) ?? this.deltaLineFromFile(object);
		if (!line || line.reference !== reference) {
			const delta = objectDelta(reference, object);
			const text = delta && JSON.stringify(delta);
			// Worth it when shorter than the object (whose text is not kept then).
			const whole = text === undefined ? 0 : this.bytes.get(object)?.length ?? JSON.stringify(object).length;
			line = {reference, distance: -1, delta: text !== undefined && text.length + 12 < whole ? Buffer.from(text) : undefined, bytes: undefined};
			this.deltaLines.set(object, line);
		}
		if (!line.delta) return this.objectBytes(object);
		if (line.distance !== distance || !line.bytes) {
			line.distance = distance;
			line.bytes = Buffer.concat([Buffer.from(`[${distance},`), line.delta, closeBracket]);
		}
		return line.bytes;
	}

	private objectBytes(object: unknown): Buffer {
		if (typeof object !== 'object' || object === null) return Buffer.from(JSON.stringify(object) ?? 'null');
		let bytes = this.bytes.get(object);
		if (bytes === undefined) {
			const read = this.fromFile?.whole.get(object) ?? this.fromFile?.states.get(object);
			bytes = read ? this.fromFile!.view(read.start, read.end) : Buffer.from(JSON.stringify(object));
			this.bytes.set(object, bytes);
		}
		return bytes;
	}

	/** An object's delta line as the file it was read from has it, in the form `objectLine` keeps one. */
	private deltaLineFromFile(object: object): {reference: unknown; distance: number; delta: Buffer | undefined; bytes: Buffer | undefined} | undefined {
		const read = this.fromFile?.deltas.get(object);
		if (!read) return undefined;
		const lines = this.fromFile!;
		const line = {reference: read.reference, distance: read.distance, delta: lines.view(read.deltaStart, read.end - 1), bytes: lines.view(read.start, read.end)};
		this.deltaLines.set(object, line);
		return line;
	}
}

/**
 * What an object is written against in a state file: the last object of the
 * same kind and owner (a ReplicaSet's pods), of the same reason and
 * subject's kind for an Event.
 */
function referenceKey(object: object): string {
	const {kind, metadata, reason, involvedObject} = object as {kind?: unknown; metadata?: {ownerReferences?: Array<{uid?: unknown}>}; reason?: unknown; involvedObject?: {kind?: unknown}};
	const owner = Array.isArray(metadata?.ownerReferences) ? metadata.ownerReferences[0]?.uid : undefined;
	return kind === 'Event' ? `Event/${String(reason)}/${String(involvedObject?.kind)}` : `${String(kind)}/${String(owner)}`;
}

/** A frozen object or array: a part's state given again while unchanged, whose bytes are kept by identity. */
function isKept(value: unknown): boolean {
	return typeof value === 'object' && value !== null && Object.isFrozen(value);
}

/** A part whose state is a long list, written a record a line: `[name, [records]]`, the list neither frozen nor empty of records. */
function isListPart(part: unknown): part is [string, unknown[]] {
	return Array.isArray(part) && part.length === 2 && typeof part[0] === 'string' && Array.isArray(part[1]) && part[1].length > longArray && !isKept(part[1]);
}

/** A snapshot's `state` as the engine makes it: `{format, seq, parts}`, in that order. */
function isPartsState(state: unknown): state is {format: number; seq: number; parts: unknown[]} {
	if (typeof state !== 'object' || state === null || Array.isArray(state)) return false;
	const keys = Object.keys(state);
	return keys.length === 3 && keys[0] === 'format' && keys[1] === 'seq' && keys[2] === 'parts' && Array.isArray((state as {parts: unknown}).parts);
}

/**
 * `value`'s JSON as text and values to serialise one at a time: objects and
 * short arrays are opened `depth` levels deep, a long array's items are
 * values, and so is a frozen one (its bytes are kept); written as
 * `JSON.stringify` writes them (left-out fields, null
 * for what an array cannot hold).
 */
function plan(value: unknown, depth: number, out: Array<string | Pending>, hasBytes: (value: object) => boolean): void {
	if (depth === 0 || value === null || typeof value !== 'object' || typeof (value as {toJSON?: unknown}).toJSON === 'function' || (isKept(value) && hasBytes(value))) {
		out.push({value});
		return;
	}
	if (isKept(value)) {
		// Made a few values at a time like any other, then kept whole.
		out.push({opens: value});
		plan(Array.isArray(value) ? [...value] : {...value as object}, depth, out, hasBytes);
		out.push({closes: value});
		return;
	}
	if (Array.isArray(value)) {
		out.push('[');
		if (value.length > longArray && depth <= recordDepth) {
			// Records: serialised one by one, a slice of them at a time (`fill`).
			out.push({items: value, next: 0, done: []});
		} else {
			for (let i = 0; i < value.length; i++) {
				if (i > 0) out.push(',');
				const item: unknown = value[i];
				plan(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item, depth - 1, out, hasBytes);
			}
		}
		out.push(']');
		return;
	}
	out.push('{');
	let first = true;
	for (const [key, item] of Object.entries(value)) {
		if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
		out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
		first = false;
		plan(item, depth - 1, out, hasBytes);
	}
	out.push('}');
}

/** The pieces with neighbouring texts joined into one Buffer each. */
function merged(pieces: Array<string | Pending>): Array<Buffer | Pending> {
	const out: Array<Buffer | Pending> = [];
	let text = '';
	for (const piece of pieces) {
		if (typeof piece === 'string') {
			text += piece;
			continue;
		}
		if (text) out.push(Buffer.from(text));
		text = '';
		out.push(piece);
	}
	if (text) out.push(Buffer.from(text));
	return out;
}

/**
 * A state file's snapshot, and whether its objects are as the store that
 * saved them held them: the file was laid out as `SnapshotJson` writes it
 * and the digest after them (`objectsDigestKey`) matches their bytes, so
 * no object was changed since (a restore need not judge each again).
 */
export type ParsedState = {snapshot: unknown; objectsIntact: boolean};

/** What opens the store's object list in a snapshot's JSON as `SnapshotJson` writes it, and the parts' list: one object or part a line. */
const storeStart = Buffer.from('{"store":{"resourceVersion":');
const objectsStart = Buffer.from('"objects":[\n');
const partsStart = Buffer.from('"parts":[\n');
/** What follows the store's objects in a state file: the line break ending the list, the store's end, and the snapshot's kind (no line break comes before it inside the list). */
const objectsEnd = Buffer.from('\n]},"kind":"KubariumSnapshot"');
/** What follows the objects' last line in a state file: `objectsEnd` after its line break. */
const afterObjects = objectsEnd.subarray(1);
/**
 * The key after the snapshot's kind in a state file: the SHA-256 (hex) of
 * the store's objects' lines, from the first byte of the first to the end
 * of the last. A file whose objects still match it holds the objects as the
 * store that saved them held them (`ParsedState.objectsIntact`); a file
 * changed by hand no longer does. It is the file's, not the snapshot's: the
 * parse takes it out.
 */
export const objectsDigestKey = 'objectsSha256';

/** What ends the parts' list, and the state with it. */
const partsListEnd = Buffer.from('\n]}');

/**
 * A list part's record (`[name, state]`, a line) at least this long is
 * read later, as a `LaterState`, when the file is opened with its lines
 * kept: each node's runtime (hundreds of kB at 100 pods a node) is parsed
 * and loaded when first used, not in the open.
 */
export const laterRecordBytes = 16 * 1024;

/**
 * The key after the parts' state in a state file: the SHA-256 (hex) of the
 * SHA-256s of the records read later (`laterRecordBytes`), each of its
 * line, in order. A record is read later only while its file matches it:
 * the text was written as it is, so its parse and load later cannot fail.
 * A file changed by hand is read whole (a bad record is an error of the
 * open, as any other). It is the file's, not the snapshot's: the parse
 * takes it out.
 */
export const laterDigestKey = 'laterSha256';

/** A list written one item a line: from its first item's first byte to the newline after its last; `list` finds it, emptied, in the rest once parsed. */
type Run = {first: number; end: number; list: (rest: unknown) => unknown};

/**
 * Parse a snapshot's JSON from its bytes, the store's objects and the
 * parts' states a few at a time when the text is laid out as `SnapshotJson`
 * writes it (one a line): the rest first, in one piece, then the objects
 * and the parts in slices of about `sliceMs`, with `pause` between two
 * slices (the event loop turns, so a signal is heard). Each piece is
 * decoded from the bytes as it is parsed: the whole text is never made as
 * one string. Any other text, or one whose lines do not parse so, is parsed
 * in one piece: its errors are `JSON.parse`'s.
 */
export async function parseSnapshotJson(bytes: Buffer, sliceMs: number, pause: () => Promise<void>, progress?: (done: number) => void, lines?: FileLines): Promise<ParsedState> {
	const whole = (): ParsedState => {
		// Parsed in one piece, the lines are not known, nor are the objects' bytes checked against the digest.
		lines?.whole.clear();
		lines?.deltas.clear();
		lines?.states.clear();
		return {snapshot: readSnapshotText(bytes.toString('utf8')), objectsIntact: false};
	};
	if (lines) lines.bytes = bytes;
	const runs = layoutOf(bytes);
	if (!runs) return whole();
	let rest: unknown;
	const lists: unknown[][] = [];
	try {
		let text = '';
		let from = 0;
		for (const run of runs) {
			text += bytes.toString('utf8', from, run.first - 1);
			from = run.end + 1;
		}
		rest = JSON.parse(text + bytes.toString('utf8', from));
		for (const run of runs) {
			const list = run.list(rest);
			if (!Array.isArray(list) || list.length > 0) return whole();
			lists.push(list);
		}
	} catch {
		return whole();
	}
	const digest = takeDigest(rest, objectsDigestKey);
	const objectsIntact = digest !== undefined && digest === createHash('sha256').update(bytes.subarray(runs[0]!.first, runs[0]!.end)).digest('hex');
	const laterDigest = takeDigest(rest, laterDigestKey);
	// Long records read later, each line's SHA-256 in order: with the file's lines kept, and a digest to check them against.
	const later: Buffer[] | undefined = lines && laterDigest !== undefined ? [] : undefined;
	let deadline = Number.NEGATIVE_INFINITY;
	// How much of the text is parsed: the rest at once, then the lines.
	const runBytes = runs.reduce((sum, run) => sum + run.end - run.first, 0);
	let parsed = bytes.length - runBytes;
	for (const [index, {first, end}] of runs.entries()) {
		const list = lists[index]!;
		if (index > 0) {
			// The parts: a part a line, or a list part's records a line each.
			const read = await readPartLines(bytes, first, end, list, lines, later, async at => {
				if (performance.now() < deadline) return;
				progress?.((parsed + at - first) / bytes.length);
				await pause();
				deadline = performance.now() + sliceMs;
			});
			if (!read) return whole();
			parsed += end - first;
			continue;
		}
		let at = first;
		while (at < end) {
			if (performance.now() >= deadline) {
				progress?.((parsed + at - first) / bytes.length);
				await pause();
				deadline = performance.now() + sliceMs;
			}
			// A piece of whole lines, of about `pieceBytes`: it ends at the first line break after that, which follows an object's comma, or at the list's end.
			const next = at + pieceBytes >= end ? -1 : bytes.indexOf(newlineByte, at + pieceBytes);
			const last = next < 0 || next >= end;
			// A line break inside an item, or one not after a comma: not this layout after all (a file edited by hand).
			if (!last && bytes[next - 1] !== commaByte) return whole();
			let items: unknown[];
			try {
				// The lines are the list's own text: between brackets, a list of their items.
				items = JSON.parse(`[${bytes.toString('utf8', at, last ? end : next - 1)}]`) as unknown[];
			} catch {
				// Not items a line: not this layout after all.
				return whole();
			}
			objectsFromLines(bytes, at, last ? end : next - 1, items, list, lines);
			at = last ? end : next + 1;
		}
		parsed += end - first;
	}
	// Records read later whose lines are not the ones written: the file was changed, so it is read whole, its errors the open's.
	if (later && later.length > 0 && createHash('sha256').update(Buffer.concat(later)).digest('hex') !== laterDigest) return whole();
	if (keptStatesChecked()) for (const object of lists[0]!) deepFreeze(object);
	return {snapshot: rest, objectsIntact};
}

/** A digest a state file's text held (`objectsDigestKey`, `laterDigestKey`), taken out of the snapshot parsed from it. */
function takeDigest(data: unknown, key: string): string | undefined {
	if (typeof data !== 'object' || data === null || Array.isArray(data) || !Object.hasOwn(data, key)) return undefined;
	const digest = (data as Record<string, unknown>)[key];
	delete (data as Record<string, unknown>)[key];
	return typeof digest === 'string' ? digest : undefined;
}

/**
 * The parts' lines from `first` to `end` onto `parts`: a part a line, or,
 * for a part that is a long list, a line opening it (`["runtimes",[`), its
 * records a line each, and a line closing it (`]]`). `between` is awaited
 * before each line (the event loop may turn). False when a line is not so
 * (a file edited by hand): the caller parses the text in one piece.
 */
async function readPartLines(bytes: Buffer, first: number, end: number, parts: unknown[], lines: FileLines | undefined, later: Buffer[] | undefined, between: (at: number) => Promise<void>): Promise<boolean> {
	let records: unknown[] | undefined;
	for (let at = first; at < end;) {
		await between(at);
		const next = bytes.indexOf(newlineByte, at);
		const lineEnd = next < 0 || next > end ? end : next;
		// A line ends with the comma before the next item, except the last of a list.
		const textEnd = bytes[lineEnd - 1] === commaByte ? lineEnd - 1 : lineEnd;
		const lineStart = at;
		at = lineEnd + 1;
		try {
			// A record read later is not decoded now: only its bytes are kept.
			const record = records && later && lines && textEnd - lineStart >= laterRecordBytes ? laterRecord(bytes, lineStart, textEnd, later, lines) : undefined;
			const text = record ? '' : bytes.toString('utf8', lineStart, textEnd);
			if (records && text === ']]') {
				records = undefined;
			} else if (records) {
				const recordRead = record ?? JSON.parse(text) as unknown;
				records.push(recordRead);
				if (lines) noteStateLine(bytes, lineStart, textEnd, recordRead, lines);
			} else if (textEnd === lineEnd && bytes[lineEnd - 1] === openBracketByte) {
				// A list part opens: its name, then its records on the lines that follow.
				const part = JSON.parse(`${text}]]`) as [string, unknown[]];
				parts.push(part);
				records = part[1];
			} else {
				const part: unknown = JSON.parse(text);
				parts.push(part);
				if (lines) noteStateLine(bytes, lineStart, textEnd, part, lines);
			}
		} catch {
			return false;
		}
	}
	return records === undefined;
}

/**
 * The objects of a piece of lines (`from` to `to` in `bytes`: `items`, a
 * line each, comma-separated) onto `list`, as `objectFromLine` makes them;
 * with `lines`, each one's line noted there.
 */
function objectsFromLines(bytes: Buffer, from: number, to: number, items: readonly unknown[], list: unknown[], lines: FileLines | undefined): void {
	let start = from;
	for (let index = 0; index < items.length; index++) {
		const item = items[index];
		const object = objectFromLine(list, item);
		if (lines) {
			const lineEnd = index === items.length - 1 ? to : bytes.indexOf(newlineByte, start) - 1;
			if (object !== item) {
				// A delta line, `[distance,delta]`, made against the object `distance` back.
				const distance = (item as [number, unknown])[0];
				lines.deltas.set(object as object, {start, end: lineEnd, deltaStart: bytes.indexOf(commaByte, start) + 1, reference: list[list.length - distance] as object, distance});
			} else if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
				lines.whole.set(item, {start, end: lineEnd});
			}
			start = lineEnd + 2;
		}
		list.push(object);
	}
}

/**
 * A long record, `[name,{…}]` from `start` to `end` in `bytes`, with its
 * state read later (`LaterState`, a view of the bytes): its line's SHA-256
 * onto `later`. Undefined when the line is not so (it is parsed now).
 */
function laterRecord(bytes: Buffer, start: number, end: number, later: Buffer[], lines: FileLines): [string, LaterState] | undefined {
	if (bytes[start] !== openBracketByte || bytes[start + 1] !== quoteByte || bytes[end - 1] !== closeBracketByte) return undefined;
	// The name: a JSON string, up to its closing quote (one not escaped).
	let at = start + 2;
	while (at < end && bytes[at] !== quoteByte) at += bytes[at] === backslashByte ? 2 : 1;
	if (bytes[at + 1] !== commaByte || bytes[at + 2] !== openBraceByte) return undefined;
	const name = JSON.parse(bytes.toString('utf8', start + 1, at + 1)) as string;
	const state = bytes.subarray(at + 2, end - 1);
	later.push(createHash('sha256').update(bytes.subarray(start, end)).digest());
	return [name, new LaterState(() => state.toString('utf8'), part => state.includes(part))];
}

/** A part's line (or a list part's record's), `[name,state]` from `start` to `end` in `bytes`: where its state's JSON is, noted in `lines`. */
function noteStateLine(bytes: Buffer, start: number, end: number, entry: unknown, lines: FileLines): void {
	if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'object' || entry[1] === null) return;
	const prefix = Buffer.from(`[${JSON.stringify(entry[0])},`);
	if (bytes[end - 1] !== closeBracketByte || !bytes.subarray(start, start + prefix.length).equals(prefix)) return;
	lines.states.set(entry[1] as object, {start: start + prefix.length, end: end - 1});
}

/**
 * A store's object made from its line in a state file: a delta line
 * (`[distance back, delta]`) made against the object it names, which it
 * shares what did not change with; anything else is the object as it is
 * (a line that does not read as a delta is the restore's to refuse).
 */
function objectFromLine(list: readonly unknown[], line: unknown): unknown {
	if (!Array.isArray(line) || line.length !== 2) return line;
	const [distance, delta] = line as [unknown, unknown];
	if (typeof distance !== 'number' || !Number.isInteger(distance) || distance < 1 || distance > list.length) return line;
	const reference = list[list.length - distance];
	if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) return line;
	return applyDelta(reference, delta) ?? line;
}

/** The snapshot a state file's text holds, parsed in one piece (`parseSnapshotJson` reads it in slices): its store's objects made from their lines. */
export function readSnapshotText(text: string): unknown {
	const data = JSON.parse(text) as unknown;
	takeDigest(data, objectsDigestKey);
	takeDigest(data, laterDigestKey);
	return withObjectsRead(data);
}

/** A snapshot parsed in one piece, its store's objects made from their lines (see `objectFromLine`). */
function withObjectsRead(data: unknown): unknown {
	const store = (data as SnapshotLike | null)?.store;
	if (typeof store !== 'object' || store === null || !Array.isArray(store.objects)) return data;
	const objects: unknown[] = [];
	for (const line of store.objects) objects.push(objectFromLine(objects, line));
	store.objects = objects;
	if (keptStatesChecked()) for (const object of objects) deepFreeze(object);
	return data;
}

/**
 * Freeze a value and all it holds (the tests do, for the objects read from
 * a state file: they share parts, so a change made in place to one would
 * be made to others, and the store never changes an object in place).
 */
function deepFreeze(value: unknown): void {
	if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
	Object.freeze(value);
	for (const item of Object.values(value)) deepFreeze(item);
}

/**
 * Where the list of one item a line that starts at `from` ends: the first
 * line break followed by `]` (-1 when none). Line breaks are looked for
 * one at a time, a byte being found many times faster than the two bytes
 * of a line break and `]`.
 */
function runEndFrom(bytes: Buffer, from: number): number {
	for (let at = from; ;) {
		const next = bytes.indexOf(newlineByte, at);
		if (next < 0 || bytes[next + 1] === closeBracketByte) return next;
		at = next + 1;
	}
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function isJsonSpace(byte: number): boolean {
	return byte === 0x20 || byte === 0x09 || byte === newlineByte || byte === 0x0d;
}

/** The lists written one item a line (the store's objects, then the parts' states), when the bytes are laid out as `SnapshotJson` writes them. */
function layoutOf(bytes: Buffer): Run[] | undefined {
	if (bytes.length < storeStart.length || !bytes.subarray(0, storeStart.length).equals(storeStart)) return undefined;
	// The store's resourceVersion and then its objects: the list starts within the first few dozen bytes.
	const at = bytes.subarray(0, 100).indexOf(objectsStart);
	if (at < 0) return undefined;
	const first = at + objectsStart.length;
	// The objects end where a state file's snapshot goes on (its kind follows the store): a long pattern is found fast; else line by line.
	const marked = bytes.indexOf(objectsEnd, first);
	const end = marked >= 0 ? marked : runEndFrom(bytes, first);
	if (end < 0) return undefined;
	const runs: Run[] = [{first, end, list: rest => (rest as {store?: {objects?: unknown}} | null)?.store?.objects}];
	// After the objects, the only other newlines are around and between the parts, and a list part's records.
	const parts = bytes.indexOf(partsStart, end + 1);
	if (parts >= 0) {
		const partsFirst = parts + partsStart.length;
		// The list closes the state: a line break, then `]}` (a list part closes with `]]`); it is the file's last line break, which is found from the end (the parts are most of the file).
		let last = bytes.length;
		while (last > 0 && isJsonSpace(bytes[last - 1]!)) last--;
		const partsEnd = bytes.lastIndexOf(partsListEnd, last - partsListEnd.length);
		if (partsEnd < partsFirst - 1) return undefined;
		const after = bytes.indexOf(newlineByte, partsEnd + 1);
		if (after >= 0 && after < last) return undefined;
		runs.push({first: partsFirst, end: partsEnd, list: rest => (rest as {state?: {parts?: unknown}} | null)?.state?.parts});
	}
	return runs;
}
