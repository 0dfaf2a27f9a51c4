import test from 'ava';
import fc from 'fast-check';
import {Ring, type SavedRing} from '../../../source/engine/runtime/ring.js';

type Item = {n: number; text: string};
type Op = {push: Item} | {read: number | undefined} | {clear: true};

const op: fc.Arbitrary<Op> = fc.oneof(
	{weight: 6, arbitrary: fc.record({n: fc.integer(), text: fc.string({maxLength: 4})}).map(push => ({push}))},
	{weight: 2, arbitrary: fc.option(fc.nat({max: 12}), {nil: undefined}).map(read => ({read}))},
	{weight: 1, arbitrary: fc.constant({clear: true as const})},
);

/** Apply one operation; what it answers (with the ring's counters after it). */
function apply(ring: Ring<Item>, step: Op): unknown {
	if ('push' in step) ring.push({...step.push});
	else if ('clear' in step) ring.clear();
	return {read: 'read' in step ? ring.toArray(step.read) : undefined, length: ring.length, total: ring.total, dropped: ring.dropped};
}

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

test('a ring saved at any point, loaded from JSON, goes on as the one that was not saved', t => {
	fc.assert(fc.property(fc.integer({min: 1, max: 9}), fc.array(op, {maxLength: 60}), fc.array(op, {maxLength: 60}), (capacity, before, after) => {
		const ring = new Ring<Item>(capacity);
		for (const step of before) apply(ring, step);
		const loaded = Ring.fromSaved<Item>(roundTrip(ring.save()));
		t.deepEqual(loaded.save(), ring.save());
		for (const step of after) t.deepEqual(apply(loaded, step), apply(ring, step));
		t.deepEqual(loaded.save(), ring.save());
	}), {numRuns: 300});
});

test('a ring saves its entries oldest first, through an encoding, and a wrapped ring drops the oldest next', t => {
	const ring = new Ring<{n: number}>(3);
	for (let n = 1; n <= 5; n++) ring.push({n});
	const saved: SavedRing<number> = ring.save(item => item.n);
	t.deepEqual(saved, {capacity: 3, total: 5, items: [3, 4, 5]});
	const loaded = Ring.fromSaved(roundTrip(saved), n => ({n}));
	loaded.push({n: 6});
	t.deepEqual(loaded.toArray(), [{n: 4}, {n: 5}, {n: 6}]);
	t.is(loaded.dropped, 3);
});

test('a saved ring that cannot be is refused', t => {
	t.throws(() => Ring.fromSaved({capacity: 2, total: 3, items: [1, 2, 3]}), {message: /cannot hold/});
	t.throws(() => Ring.fromSaved({capacity: 2, total: 1, items: [1, 2]}), {message: /cannot hold/});
	t.throws(() => Ring.fromSaved({capacity: 0, total: 0, items: []}), {message: /positive integer/});
});
