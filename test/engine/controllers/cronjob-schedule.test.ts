import test from 'ava';
import fc from 'fast-check';
import {nextScheduleTime, parseSchedule, scheduleTimesBetween} from '../../../source/engine/api/cron-schedule.js';
import {formatIndexes, parseIndexes} from '../../../source/engine/controllers/job-util.js';

const bounds: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];

/** The values a normalised field part stands for. */
function values(part: string, [min, max]: [number, number]): number[] {
	const [range, stepText] = part.split('/');
	const step = stepText ? Number(stepText) : 1;
	let low = min;
	let high = max;
	if (range !== '*') {
		const [a, b] = range!.split('-').map(Number);
		low = a!;
		high = b ?? (stepText ? max : a!);
	}
	const out: number[] = [];
	for (let v = low; v <= high; v += step) out.push(v);
	return out;
}

/** robfig's match: every field, with day-of-month OR day-of-week when both are restricted. */
function matches(expression: string, ms: number): boolean {
	const fields = expression.split(' ');
	const sets = fields.map((field, i) => new Set(field.split(',').flatMap(part => values(part, bounds[i]!))));
	const date = new Date(ms);
	const [minute, hour, dom, month, dow] = sets;
	if (!minute!.has(date.getUTCMinutes()) || !hour!.has(date.getUTCHours()) || !month!.has(date.getUTCMonth() + 1)) return false;
	// robfig: only `*` (or `*/1`) counts as unrestricted; `*/2` restricts.
	const domStar = fields[2] === '*';
	const dowStar = fields[4] === '*';
	const domOk = dom!.has(date.getUTCDate());
	const dowOk = dow!.has(date.getUTCDay());
	if (domStar || dowStar) return domOk && dowOk;
	return domOk || dowOk;
}

const field = (min: number, max: number) => fc.oneof(
	fc.constant('*'),
	fc.integer({min, max}).map(String),
	fc.tuple(fc.integer({min, max}), fc.integer({min, max})).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
	fc.integer({min: 1, max: 15}).map(step => `*/${step}`),
	fc.tuple(fc.integer({min, max}), fc.integer({min: 1, max: 10})).map(([a, step]) => `${a}/${step}`),
);

test('the next scheduled time matches the expression and no earlier minute does', t => {
	const start = Date.parse('2026-01-01T09:00:00Z');
	fc.assert(fc.property(
		field(0, 59), field(0, 23), field(1, 28), fc.constant('*'), field(0, 6), fc.integer({min: 0, max: 60 * 24 * 60}),
		(minute, hour, dom, month, dow, offsetMinutes) => {
			const schedule = `${minute} ${hour} ${dom} ${month} ${dow}`;
			const parsed = parseSchedule(schedule);
			if (!('expression' in parsed)) return false;
			const after = start + offsetMinutes * 60_000 + 1234;
			const next = nextScheduleTime(schedule, undefined, after);
			if (next <= after || next % 60_000 !== 0 || !matches(parsed.expression, next)) return false;
			// No minute in between matches (checked over at most two days).
			for (let m = Math.ceil(after / 60_000) * 60_000; m < next && m < after + 2 * 86_400_000; m += 60_000) {
				if (matches(parsed.expression, m)) return false;
			}
			return true;
		},
	), {numRuns: 60});
	t.pass();
});

test('missed schedule times are counted and the newest is found', t => {
	const start = Date.parse('2026-01-01T09:00:00Z');
	const hourly = scheduleTimesBetween('0 * * * *', undefined, start, start + 5.5 * 3_600_000);
	t.is(hourly.missed, 5);
	t.is(new Date(hourly.mostRecent!).toISOString(), '2026-01-01T14:00:00.000Z');
	t.is(new Date(hourly.next).toISOString(), '2026-01-01T15:00:00.000Z');
	const many = scheduleTimesBetween('* * * * *', undefined, start, start + 300 * 60_000);
	t.is(many.missed, 101, 'counting stops past the limit');
	t.is(many.mostRecent, start + 300 * 60_000);
	const none = scheduleTimesBetween('0 0 1 1 *', undefined, start, start + 60_000);
	t.is(none.mostRecent, undefined);
	t.is(new Date(none.next).toISOString(), '2027-01-01T00:00:00.000Z');
	const every = scheduleTimesBetween('@every 90s', undefined, start, start + 10 * 60_000);
	t.is(every.missed, 6);
	t.is(every.mostRecent, start + 540_000);
});

test('completed indexes survive a round trip through their text', t => {
	fc.assert(fc.property(fc.uniqueArray(fc.integer({min: 0, max: 200})), indexes => {
		const text = formatIndexes(indexes);
		const back = [...parseIndexes(text, 1000)].sort((a, b) => a - b);
		return JSON.stringify(back) === JSON.stringify([...indexes].sort((a, b) => a - b));
	}));
	t.pass();
});
