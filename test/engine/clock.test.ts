import test from 'ava';
import {SeededRandom, VirtualClock, epochMs, rfc3339, rfc3339Micro} from '../../source/engine/clock.js';

test('timers run in time order, ties in scheduling order, and time ends at the target', t => {
	const clock = new VirtualClock();
	const seen: string[] = [];
	clock.after(300, () => seen.push(`c@${clock.now() - epochMs}`));
	clock.after(100, () => seen.push(`a@${clock.now() - epochMs}`));
	clock.after(100, () => seen.push(`b@${clock.now() - epochMs}`));
	const cancelled = clock.after(200, () => seen.push('cancelled'));
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
	clock.after(10, () => clock.after(0, () => ran++));
	clock.advanceTo(epochMs + 10, () => {});
	t.is(ran, 1);
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
