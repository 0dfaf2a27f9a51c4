/**
 * The JSON of a cluster's snapshot, made cheaply again and again, as the
 * chunks of bytes the state file is written from. The store's objects are
 * never changed in place (an update stores a new object), so each object's
 * bytes are kept beside it (a WeakMap, let go with the object) and only the
 * objects that changed since the last save are serialised again; the
 * chunks are written one after another, never joined into one string (at
 * 10,000 pods, 45 MB: joining and encoding them took longer than
 * serialising what changed). A snapshot's base (the objects a cluster
 * restarted from, which never change) is serialised once and kept too.
 */

type SnapshotLike = {store?: {resourceVersion?: unknown; objects?: unknown}};

/**
 * A snapshot's JSON as far as it can be made at once: the text around its
 * objects, made when the snapshot was taken (the journal and the rest may
 * change afterwards), and the objects themselves, which never change and
 * can be serialised later, a few at a time (`fill`).
 */
export type PreparedSnapshot = {
	/** Everything up to the store's object list. */
	head: Buffer;
	objects: readonly unknown[];
	/** How many of `objects` have their bytes (in order). */
	filled: number;
	/** The base's object, when the snapshot has one (never changed: its bytes are kept). */
	base: object | undefined;
	/** Everything after the objects (and before the base, which goes last). */
	tail: Buffer;
} | {whole: Buffer};

const comma = Buffer.from(',');

export class SnapshotJson {
	private readonly bytes = new WeakMap<object, Buffer>();

	/** The bytes of `JSON.stringify(snapshot)` (the store's key first), in chunks; unchanged objects reuse their bytes. */
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
		const store = (snapshot as SnapshotLike | null)?.store;
		if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot) || !store || !Array.isArray(store.objects)) {
			return {whole: Buffer.from(JSON.stringify(snapshot) ?? 'null')};
		}
		// The store goes first, so the place of its (emptied) object list is known: right after its other fields.
		const emptyStore = {...store, objects: []};
		const rest: Record<string, unknown> = {store: emptyStore};
		// The base (the objects a cluster restarted from) never changes: its bytes are made once, and go last.
		const base = (snapshot as {base?: unknown}).base;
		for (const [key, value] of Object.entries(snapshot)) if (key !== 'store' && key !== 'base') rest[key] = value;
		const text = JSON.stringify(rest);
		const storeText = JSON.stringify(emptyStore);
		const at = '{"store":'.length + storeText.indexOf('"objects":[]') + '"objects":['.length;
		const hasBase = typeof base === 'object' && base !== null;
		// `text` ends with the snapshot's closing brace: a base goes before it.
		return {head: Buffer.from(text.slice(0, at)), objects: store.objects as unknown[], filled: 0, base: hasBase ? base : undefined, tail: Buffer.from(hasBase ? text.slice(at, -1) : text.slice(at))};
	}

	/**
	 * Serialise the objects whose bytes are not kept yet, in order, asking
	 * `stop` between two objects; true when every object (and the base) has
	 * its bytes, false when it stopped first (call again to go on).
	 */
	fill(prepared: PreparedSnapshot, stop: () => boolean): boolean {
		if ('whole' in prepared) return true;
		const {objects} = prepared;
		while (prepared.filled < objects.length) {
			this.objectBytes(objects[prepared.filled]);
			prepared.filled++;
			if (prepared.filled < objects.length && stop()) return false;
		}
		if (prepared.base) this.objectBytes(prepared.base);
		return true;
	}

	/** The chunks of a filled snapshot. */
	assemble(prepared: PreparedSnapshot): Buffer[] {
		if ('whole' in prepared) return [prepared.whole];
		const out: Buffer[] = [prepared.head];
		const {objects} = prepared;
		for (let i = 0; i < objects.length; i++) {
			if (i > 0) out.push(comma);
			out.push(this.objectBytes(objects[i]));
		}
		out.push(prepared.tail);
		if (prepared.base) out.push(Buffer.from(',"base":'), this.objectBytes(prepared.base), Buffer.from('}'));
		return out;
	}

	/** The same as one string (tests, small snapshots). */
	stringify(snapshot: unknown): string {
		return Buffer.concat(this.chunks(snapshot)).toString('utf8');
	}

	private objectBytes(object: unknown): Buffer {
		if (typeof object !== 'object' || object === null) return Buffer.from(JSON.stringify(object) ?? 'null');
		let bytes = this.bytes.get(object);
		if (bytes === undefined) {
			bytes = Buffer.from(JSON.stringify(object));
			this.bytes.set(object, bytes);
		}
		return bytes;
	}
}
