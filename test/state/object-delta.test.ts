import test from 'ava';
import fc from 'fast-check';
import {applyDelta, objectDelta} from '../../source/state/object-delta.js';

/** An object and another made from it by random changes (set, remove, add, change inside), as two versions or two siblings are. */
const related = fc.tuple(fc.object({maxDepth: 3}), fc.array(fc.tuple(fc.nat(), fc.constantFrom('set', 'remove', 'add', 'inside', 'grow', 'shrink'), fc.jsonValue({maxDepth: 2})), {maxLength: 8}))
	.map(([reference, changes]) => {
		const value = structuredClone(reference) as Record<string, unknown>;
		for (const [at, change, json] of changes) {
			const keys = Object.keys(value);
			const key = keys.length > 0 ? keys[at % keys.length]! : 'k';
			const held = value[key];
			if (change === 'set') value[key] = json;
			else if (change === 'remove') delete value[key];
			else if (change === 'add') value[`added${at}`] = json;
			else if (change === 'grow' && Array.isArray(held)) held.push(json);
			else if (change === 'shrink' && Array.isArray(held)) held.pop();
			else if (change === 'inside' && typeof held === 'object' && held !== null) {
				const inner = Object.keys(held);
				if (inner.length > 0) (held as Record<string, unknown>)[inner[at % inner.length]!] = json;
			}
		}
		return [reference, value] as const;
	});

/** What applying a delta read back from its JSON gives, as text (key order included). */
function throughJson(reference: unknown, value: unknown): string | undefined {
	const delta = objectDelta(reference, value);
	if (delta === undefined) return undefined;
	return JSON.stringify(applyDelta(JSON.parse(JSON.stringify(reference)), JSON.parse(JSON.stringify(delta))));
}

test('an object made from another and its delta, through JSON, reads as the object, its keys in their order', t => {
	let deltas = 0;
	fc.assert(fc.property(related, ([reference, value]) => {
		const made = throughJson(reference, value);
		// No delta only when the keys would not come back in their order (a key set again after one removed, say).
		if (made === undefined) return true;
		deltas++;
		return made === JSON.stringify(value);
	}), {numRuns: 2000, seed: 5});
	t.true(deltas > 1500, `${deltas} of 2,000 written as deltas`);
});

test('any two objects: a delta, when there is one, gives the second; equal ones give an empty delta', t => {
	fc.assert(fc.property(fc.object({maxDepth: 3}), fc.object({maxDepth: 3}), (reference, value) => {
		const made = throughJson(reference, value);
		return made === undefined || made === JSON.stringify(value);
	}), {numRuns: 1000, seed: 6});
	t.deepEqual(objectDelta({a: [1, {b: 2}]}, {a: [1, {b: 2}]}), {});
	t.deepEqual(objectDelta({a: 1, b: {c: [1, 2, 3]}}, {a: 1, b: {c: [1, 5]}, d: null}), {b: {c: {1: [5], length: 2}}, d: [null]});
	t.deepEqual(objectDelta({a: 1, b: 2}, {b: 2}), {a: []});
	t.is(objectDelta({a: 1, b: 2}, {b: 2, a: 1}), undefined, 'keys in another order: written whole');
	t.is(objectDelta([1], {a: 1}), undefined);
});

test('what is left out of JSON is left out of a delta; __proto__ is an own key', t => {
	const made = (reference: unknown, value: unknown) => JSON.stringify(applyDelta(reference, JSON.parse(JSON.stringify(objectDelta(reference, value)))));
	t.is(made({a: 1, f: undefined}, {a: 2, g: () => 1, u: undefined}), JSON.stringify({a: 2}));
	t.is(made({a: [1, 2]}, {a: [1, undefined, 3]}), JSON.stringify({a: [1, null, 3]}));
	const proto = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as unknown;
	const other = JSON.parse('{"__proto__": {"x": 2}, "a": 1}') as unknown;
	const out = JSON.parse(JSON.stringify(applyDelta(proto, objectDelta(proto, other) ?? {}))) as object;
	t.deepEqual(Object.getPrototypeOf(out), Object.prototype);
	t.is(JSON.stringify(applyDelta(proto, {a: [2]})), '{"__proto__":{"x":1},"a":2}');
	t.is(Object.getPrototypeOf(applyDelta(proto, {a: [2]})), Object.prototype);
});

test('a delta that does not fit its object gives nothing, and never throws', t => {
	for (const [reference, delta] of [
		[{a: 1}, {b: {c: [1]}}],
		[{a: 'x'}, {a: {b: [1]}}],
		[{a: [1]}, {a: {5: [1]}}],
		[{a: [1]}, {a: {length: -1}}],
		[{a: [1]}, {a: {x: [1]}}],
		[{a: 1}, {a: [1, 2]}],
		[{a: 1}, {b: []}],
		[{a: 1}, [1]],
		[{a: 1}, 'text'],
	] as Array<[unknown, unknown]>) {
		t.is(applyDelta(reference, delta), undefined, JSON.stringify(delta));
	}
	fc.assert(fc.property(fc.jsonValue({maxDepth: 3}), fc.jsonValue({maxDepth: 3}), (reference, delta) => {
		applyDelta(reference, delta);
	}), {numRuns: 2000, seed: 7});
});

test('what did not change is shared with the object it was made from', t => {
	const reference = {metadata: {name: 'a', labels: {app: 'web'}}, spec: {containers: [{name: 'web'}]}};
	const made = applyDelta(reference, objectDelta(reference, {...reference, metadata: {...reference.metadata, name: 'b'}})) as typeof reference;
	t.is(made.metadata.name, 'b');
	t.is(made.spec, reference.spec);
	t.is(made.metadata.labels, reference.metadata.labels);
	t.not(made.metadata, reference.metadata);
});
