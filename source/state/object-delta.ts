/**
 * An object written as what differs from another: the state file writes
 * most of the store's objects so, each against an earlier one like it (a
 * pod against the last pod of its ReplicaSet, an Event against the last of
 * its reason), which makes the objects about a third of their size and as
 * much faster to read. Read back, an object shares what did not change with
 * the one it was written against: the store never changes an object in
 * place, so the two may hold the same parts.
 *
 * A delta is a JSON object. For an object, each key names a change: `[v]`
 * sets the key to v (added keys come after the others, in the delta's
 * order), `[]` removes it, and a delta of its own changes the value (an
 * object or an array) inside. For an array, keys are the indexes changed
 * (`[v]` or a delta of their own) and `length`, when it changes, the new
 * length. An object whose keys would not come back in their order is
 * written whole.
 */

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};
type Delta = {[key: string]: Json};

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContainer(value: unknown): value is object {
	return typeof value === 'object' && value !== null;
}

/** `object[key] = value`, also for a key named `__proto__` (an own property, as JSON.parse makes it). */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
	if (key === '__proto__') Object.defineProperty(object, key, {value, enumerable: true, writable: true, configurable: true});
	else object[key] = value;
}

/** The JSON value `value` is (what `JSON.stringify` keeps of it): undefined where a key is left out. */
function jsonOf(value: unknown): unknown {
	return value === undefined || typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
}

/**
 * What turns `reference` into `value` (both as `JSON.stringify` reads
 * them): `{}` when they read the same; undefined when no delta does (not
 * two objects, or keys that would not come back in their order).
 */
export function objectDelta(reference: unknown, value: unknown): Delta | undefined {
	if (!isRecord(reference) || !isRecord(value)) return undefined;
	const delta = changeOf(reference, value);
	return delta === undefined ? {} : Array.isArray(delta) ? undefined : delta;
}

/** `[value]` (written whole), a delta, or undefined when the two read the same. */
function changeOf(reference: unknown, value: unknown): Delta | [unknown] | undefined {
	if (reference === value) return undefined;
	if (!isContainer(reference) || !isContainer(value) || Array.isArray(reference) !== Array.isArray(value)
		|| typeof (value as {toJSON?: unknown}).toJSON === 'function' || typeof (reference as {toJSON?: unknown}).toJSON === 'function') {
		return JSON.stringify(reference) === JSON.stringify(value) ? undefined : [value];
	}
	const delta: Delta = {};
	let changes = 0;
	if (Array.isArray(value)) {
		const before = reference as unknown[];
		for (let index = 0; index < value.length; index++) {
			// JSON writes what an array cannot hold as null.
			const item = jsonOf(value[index]) ?? null;
			const change = index < before.length ? changeOf(jsonOf(before[index]) ?? null, item) : [item];
			if (change === undefined) continue;
			delta[index] = change as Json;
			changes++;
		}
		if (value.length !== before.length) {
			delta['length'] = value.length;
			changes++;
		}
		return changes === 0 ? undefined : delta;
	}
	const before = reference as Record<string, unknown>;
	const after = value as Record<string, unknown>;
	const beforeKeys = Object.keys(before).filter(key => jsonOf(before[key]) !== undefined);
	const afterKeys = Object.keys(after).filter(key => jsonOf(after[key]) !== undefined);
	if (beforeKeys.includes('__proto__') || afterKeys.includes('__proto__')) return [value];
	const kept = new Set(afterKeys);
	// The keys both have must come in the same order, and the new ones after them.
	let at = 0;
	for (const key of beforeKeys) {
		if (!kept.has(key)) {
			delta[key] = [];
			changes++;
			continue;
		}
		if (afterKeys[at] !== key) return [value];
		at++;
	}
	for (const key of afterKeys.slice(0, at)) {
		const change = changeOf(before[key], after[key]);
		if (change === undefined) continue;
		delta[key] = change as Json;
		changes++;
	}
	for (const key of afterKeys.slice(at)) {
		delta[key] = [after[key]] as Json;
		changes++;
	}
	return changes === 0 ? undefined : delta;
}

/**
 * `reference` with `delta` made: a new object along the changed paths,
 * sharing the rest with `reference`. Undefined when the delta does not fit
 * it (a change inside a value that holds none, a malformed change).
 */
export function applyDelta(reference: unknown, delta: unknown): unknown {
	if (!isRecord(delta)) return undefined;
	if (Array.isArray(reference)) {
		const length = delta['length'] ?? reference.length;
		if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > reference.length + Object.keys(delta).length) return undefined;
		const out = reference.slice(0, length);
		for (const key of Object.keys(delta)) {
			if (key === 'length') continue;
			const index = Number(key);
			if (!Number.isInteger(index) || index < 0 || index >= length || String(index) !== key) return undefined;
			const made = changed(reference[index], delta[key]);
			if (made === absent) return undefined;
			out[index] = made;
		}
		for (let index = 0; index < length; index++) if (!(index in out)) return undefined;
		return out;
	}
	if (!isRecord(reference)) return undefined;
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(reference)) {
		if (!Object.hasOwn(delta, key)) {
			setOwn(out, key, reference[key]);
			continue;
		}
		const change = delta[key];
		if (Array.isArray(change) && change.length === 0) continue;
		const made = changed(reference[key], change);
		if (made === absent) return undefined;
		setOwn(out, key, made);
	}
	for (const key of Object.keys(delta)) {
		if (Object.hasOwn(reference, key)) continue;
		const change = delta[key];
		if (!Array.isArray(change) || change.length !== 1) return undefined;
		setOwn(out, key, change[0]);
	}
	return out;
}

const absent = Symbol('absent');

/** A value changed by `change` (`[v]` or a delta inside it), or `absent` when the change is malformed. */
function changed(value: unknown, change: unknown): unknown {
	if (Array.isArray(change)) return change.length === 1 ? change[0] : absent;
	const made = applyDelta(value, change);
	return made === undefined ? absent : made;
}
