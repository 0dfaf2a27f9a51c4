/**
 * Ways the engine keeps what it holds by the thousand (per pod, per
 * container, per event) compact in V8.
 */

/**
 * `text` as one flat string. A string built with `+` or a template is a tree
 * of its pieces in V8 (a cons string), which keeps every piece alive and
 * costs tens of bytes a node; reading a character makes V8 flatten it in
 * place, and the collector then drops the tree.
 */
export function flat(text: string): string {
	text.charCodeAt(0);
	return text;
}

/**
 * A shallow copy of `object` with `changes` over it, as `{...object,
 * ...changes}` (a key already there keeps its place). Spread copies of some
 * objects (a defaulted container, a runtime status) get a hidden class of
 * their own in Node 20's V8, over 300 bytes each; `Object.assign` onto a
 * fresh object shares one class among all copies.
 */
export function copyWith<T extends object>(object: T, changes: Partial<T>): T {
	// Assigning a key named __proto__ (a user's manifest may have one) would set the prototype: a spread copies it as a key.
	if (Object.hasOwn(object, '__proto__')) return {...object, ...changes};
	return Object.assign({}, object, changes);
}

/**
 * A cache beside objects for work a save repeats (an object's bytes, a pod's
 * saved record), kept from one save to the next: what a save did not use is
 * dropped at the start of the one after (`nextSave`). A WeakMap would do it
 * without the call, but each of its entries is an ephemeron: with tens of
 * thousands of them, holding big values, a full collection's final pause
 * marks them one round after another (tens of ms at 10,000 pods).
 */
export class SaveCache<K extends object, V> {
	private used = new Map<K, V>();
	private last = new Map<K, V>();

	get(key: K): V | undefined {
		const value = this.used.get(key);
		if (value !== undefined) return value;
		const kept = this.last.get(key);
		if (kept !== undefined) this.used.set(key, kept);
		return kept;
	}

	has(key: K): boolean {
		return this.get(key) !== undefined;
	}

	set(key: K, value: V): void {
		this.used.set(key, value);
	}

	/** A save begins: what the last one did not use goes. */
	nextSave(): void {
		this.last = this.used;
		this.used = new Map();
	}
}
