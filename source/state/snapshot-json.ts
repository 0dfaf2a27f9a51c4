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

const comma = Buffer.from(',');

export class SnapshotJson {
	private readonly bytes = new WeakMap<object, Buffer>();

	/** The bytes of `JSON.stringify(snapshot)` (the store's key first), in chunks; unchanged objects reuse their bytes. */
	chunks(snapshot: unknown): Buffer[] {
		const store = (snapshot as SnapshotLike | null)?.store;
		if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot) || !store || !Array.isArray(store.objects)) {
			return [Buffer.from(JSON.stringify(snapshot) ?? 'null')];
		}
		// The store goes first, so the place of its (emptied) object list is known: right after its other fields.
		const emptyStore = {...store, objects: []};
		const rest: Record<string, unknown> = {store: emptyStore};
		// The base (the objects a cluster restarted from) never changes: its bytes are made once, and go last.
		const base = (snapshot as {base?: unknown}).base;
		for (const [key, value] of Object.entries(snapshot)) if (key !== 'store' && key !== 'base') rest[key] = value;
		let text = JSON.stringify(rest);
		const baseBytes = typeof base === 'object' && base !== null ? this.objectBytes(base) : undefined;
		const storeText = JSON.stringify(emptyStore);
		const at = '{"store":'.length + storeText.indexOf('"objects":[]') + '"objects":['.length;
		const out: Buffer[] = [Buffer.from(text.slice(0, at))];
		const objects = store.objects as unknown[];
		for (let i = 0; i < objects.length; i++) {
			if (i > 0) out.push(comma);
			out.push(this.objectBytes(objects[i]));
		}
		if (baseBytes) {
			// `text` ends with the snapshot's closing brace: the base goes before it.
			text = text.slice(0, -1);
			out.push(Buffer.from(text.slice(at)), Buffer.from(',"base":'), baseBytes, Buffer.from('}'));
			return out;
		}
		out.push(Buffer.from(text.slice(at)));
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
