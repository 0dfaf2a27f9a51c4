import test from 'ava';
import fc from 'fast-check';
import {SeededRandom, VirtualClock, epochMs, rfc3339, rfc3339Micro, timeMs} from '../../source/engine/clock.js';

test('timers run in time order, ties in scheduling order, and time ends at the target', t => {
	const clock = new VirtualClock();
	const seen: string[] = [];
	const note = clock.kind<string>('test.note', label => seen.push(`${label}@${clock.now() - epochMs}`));
	clock.after(300, note, 'c');
	clock.after(100, note, 'a');
	clock.after(100, note, 'b');
	const cancelled = clock.after(200, note, 'cancelled');
	cancelled.cancel();
	clock.advanceTo(epochMs + 250, () => {});
	t.deepEqual(seen, ['a@100', 'b@100']);
	t.is(clock.now(), epochMs + 250);
	clock.advanceTo(epochMs + 1000, () => {});
	t.deepEqual(seen, ['a@100', 'b@100', 'c@300']);
});

test('a timer scheduled by a timer at the same instant still runs in the same advance', t => {
	const clock = new VirtualClock();
	let ran = 0;
	const inner = clock.kind<null>('test.inner', () => ran++);
	const outer = clock.kind<null>('test.outer', () => clock.after(0, inner, null));
	clock.after(10, outer, null);
	clock.advanceTo(epochMs + 10, () => {});
	t.is(ran, 1);
});

test('pending timers are data: their time, number, kind and argument, in the order they run; a kind\'s name is unique', t => {
	const clock = new VirtualClock();
	const beat = clock.kind<{node: string}>('test.beat', () => {});
	const sync = clock.kind<[string, number]>('test.sync', () => {});
	clock.after(500, beat, {node: 'node-1'});
	const gone = clock.after(100, sync, ['default/web', 3]);
	clock.at(epochMs + 100, sync, ['default/db', 1]);
	gone.cancel();
	t.deepEqual(clock.timers(), [
		{at: epochMs + 100, seq: 2, kind: 'test.sync', arg: ['default/db', 1]},
		{at: epochMs + 500, seq: 0, kind: 'test.beat', arg: {node: 'node-1'}},
	]);
	t.throws(() => clock.kind('test.beat', () => {}), {message: 'timer kind test.beat is already defined'});
});

test('the seeded generator replays and spreads', t => {
	const a = new SeededRandom(42);
	const b = new SeededRandom(42);
	const c = new SeededRandom(43);
	const draw = (r: SeededRandom) => Array.from({length: 20}, () => r.int(0, 1000));
	const first = draw(a);
	t.deepEqual(first, draw(b));
	t.notDeepEqual(first, draw(c));
	const suffix = new SeededRandom(1).nameSuffix();
	t.regex(suffix, /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
	t.regex(new SeededRandom(1).uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('timestamps serialise at second precision like metav1.Time', t => {
	t.is(rfc3339(epochMs + 1999), '2026-01-01T09:00:01Z');
});

test('MicroTime timestamps carry the milliseconds and three zeros, at any millisecond of a second, before 1970 and for a fraction of one', t => {
	t.is(rfc3339Micro(epochMs + 1999), '2026-01-01T09:00:01.999000Z');
	t.is(rfc3339Micro(epochMs + 1000), '2026-01-01T09:00:01.000000Z');
	t.is(rfc3339Micro(epochMs + 7.9), '2026-01-01T09:00:00.007000Z');
	t.is(rfc3339Micro(-1), '1969-12-31T23:59:59.999000Z');
	t.is(rfc3339Micro(-1.5), '1969-12-31T23:59:59.999000Z');
	for (let ms = epochMs - 2500; ms < epochMs + 2500; ms += 7) t.is(rfc3339Micro(ms), `${new Date(ms).toISOString().slice(0, -1)}000Z`);
});

test('a clock saved as data and loaded into another runs the same timers in the same order, those its timers set included', t => {
	fc.assert(fc.property(
		fc.array(fc.record({delay: fc.integer({min: 0, max: 50}), spawn: fc.integer({min: 0, max: 2}), cancel: fc.boolean()}), {minLength: 1, maxLength: 30}),
		fc.integer({min: 0, max: 120}),
		(plan, savedAt) => {
			/** A clock whose kinds log what runs, a timer setting `spawn` more (each at most three deep). */
			const make = () => {
				const clock = new VirtualClock();
				const log: string[] = [];
				const tick = clock.kind<{id: string; spawn: number; depth: number}>('test.tick', arg => {
					log.push(`${arg.id}@${clock.now() - epochMs}`);
					if (arg.depth < 3) for (let i = 0; i < arg.spawn; i++) clock.after(7 * (i + 1), tick, {id: `${arg.id}.${i}`, spawn: arg.spawn, depth: arg.depth + 1});
				});
				return {clock, log, tick};
			};
			const first = make();
			const handles = plan.map((step, i) => first.clock.after(step.delay, first.tick, {id: String(i), spawn: step.spawn, depth: 0}));
			plan.forEach((step, i) => step.cancel && handles[i]!.cancel());
			first.clock.advanceTo(epochMs + savedAt, () => {});
			const second = make();
			const loaded = second.clock.load(JSON.parse(JSON.stringify(first.clock.state())));
			t.deepEqual([...loaded.keys()].sort((a, b) => a - b), first.clock.timers().map(timer => timer.seq).sort((a, b) => a - b));
			const before = first.log.length;
			first.clock.advanceTo(epochMs + 400, () => {});
			second.clock.advanceTo(epochMs + 400, () => {});
			t.deepEqual(second.log, first.log.slice(before));
			t.deepEqual(second.clock.state(), first.clock.state());
		},
	), {numRuns: 200});
});

test('a loaded timer of a kind not defined yet waits for its owner to define it; numbers used twice are refused', t => {
	const clock = new VirtualClock();
	clock.kind<null>('test.known', () => {});
	clock.load({now: epochMs, seq: 2, timers: [{at: epochMs + 5, seq: 0, kind: 'test.later', arg: 'x'}]});
	t.deepEqual(clock.undefinedKinds(), ['test.later']);
	const ran: unknown[] = [];
	const later = clock.kind<string>('test.later', arg => ran.push(arg));
	t.deepEqual(clock.undefinedKinds(), []);
	t.throws(() => clock.kind('test.later', () => {}), {message: 'timer kind test.later is already defined'});
	clock.advanceTo(epochMs + 10, () => {});
	t.deepEqual(ran, ['x'], 'the loaded timer runs as its owner defined it');
	clock.after(1, later, 'y');
	clock.advanceTo(epochMs + 20, () => {});
	t.deepEqual(ran, ['x', 'y']);
	const early = new VirtualClock();
	early.load({now: epochMs, seq: 1, timers: [{at: epochMs, seq: 0, kind: 'test.never', arg: null}]});
	t.throws(() => early.advanceTo(epochMs + 1, () => {}), {message: 'timer kind test.never is not defined'});
	t.throws(() => new VirtualClock().load({now: epochMs, seq: 1, timers: [{at: epochMs, seq: 1, kind: 'x'}]}), {message: /^load: timer number 1/});
	const other = new VirtualClock();
	other.kind<null>('test.known', () => {});
	t.throws(() => other.load({now: epochMs, seq: 1, timers: [{at: epochMs, seq: 0, kind: 'test.known', arg: null}, {at: epochMs, seq: 0, kind: 'test.known', arg: null}]}), {message: 'load: timer number 0 is used twice or not below the next (1)'});
});

test('timeMs reads every timestamp as Date.parse does: the forms the cluster writes, near misses and other texts', t => {
	const pad = (n: number, width: number) => String(n).padStart(width, '0');
	// Fields past their ranges too: the calendar's judgement is Date.parse's.
	const written = fc.tuple(
		fc.integer({min: 0, max: 9999}), fc.integer({min: 0, max: 13}), fc.integer({min: 0, max: 32}),
		fc.integer({min: 0, max: 25}), fc.integer({min: 0, max: 61}), fc.integer({min: 0, max: 61}),
		fc.option(fc.integer({min: 0, max: 999_999}), {nil: undefined}),
	).map(([y, mo, d, h, mi, s, micros]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${micros === undefined ? '' : `.${pad(micros, 6)}`}Z`);
	// One character of a written form changed: a digit, a separator, the zone.
	const nearMiss = fc.tuple(written, fc.nat(), fc.constantFrom('0', '9', '-', ':', 'T', 'Z', '.', ' ', 'x', '+')).map(([text, at, char]) => {
		const index = at % text.length;
		return text.slice(0, index) + char + text.slice(index + 1);
	});
	fc.assert(fc.property(fc.oneof(written, nearMiss, fc.string(), fc.date({noInvalidDate: true}).map(date => date.toISOString())), text => {
		const expected = Date.parse(text);
		t.is(timeMs(text), expected, text);
	}), {numRuns: 20_000});
	// A field of a hand-edited object may hold anything: it reads as Date.parse reads it, and never throws.
	for (const value of [undefined, null, 0, 1_767_258_000_000, true, [], {}, ['2026-01-01T09:00:00Z']]) {
		t.is(timeMs(value as unknown as string), Date.parse(value as unknown as string), String(value));
	}
	for (const ms of [0, epochMs, epochMs + 123, -62_167_219_200_000, 253_402_300_799_999]) {
		t.is(timeMs(rfc3339(ms)), Math.floor(ms / 1000) * 1000);
		t.is(timeMs(rfc3339Micro(ms)), ms);
	}
});
