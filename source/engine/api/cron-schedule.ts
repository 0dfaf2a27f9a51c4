/**
 * CronJob schedules. Kubernetes parses `spec.schedule` with robfig/cron's
 * `ParseStandard` (5 fields or a descriptor); this is a port of that parser's
 * checks with its error messages, and the times themselves come from
 * cron-parser (with the CronJob's IANA `timeZone`).
 */
import {CronExpressionParser, type CronExpression} from 'cron-parser';

type Bounds = {min: number; max: number; names?: Record<string, number>};

const months: Record<string, number> = {jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12};
const days: Record<string, number> = {sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6};

/** minute, hour, day of month, month, day of week. */
const fieldBounds: Bounds[] = [
	{min: 0, max: 59},
	{min: 0, max: 23},
	{min: 1, max: 31},
	{min: 1, max: 12, names: months},
	{min: 0, max: 6, names: days},
];

const descriptors: Record<string, string> = {
	'@yearly': '0 0 1 1 *',
	'@annually': '0 0 1 1 *',
	'@monthly': '0 0 1 * *',
	'@weekly': '0 0 * * 0',
	'@daily': '0 0 * * *',
	'@midnight': '0 0 * * *',
	'@hourly': '0 * * * *',
};

/** A parsed schedule: a 5-field expression in numbers, or a constant delay (`@every`). */
export type ParsedSchedule = {expression: string} | {everyMs: number};

class CronSyntaxError extends Error {}

function mustParseInt(text: string): number {
	if (!/^[+-]?\d+$/.test(text)) throw new CronSyntaxError(`failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
	const value = Number.parseInt(text, 10);
	if (value < 0) throw new CronSyntaxError(`negative number (${value}) not allowed: ${text}`);
	return value;
}

function parseIntOrName(text: string, bounds: Bounds): number {
	const named = bounds.names?.[text.toLowerCase()];
	return named ?? mustParseInt(text);
}

/** robfig's getRange: one comma-separated part of a field, normalised to numbers. */
function normaliseRange(expr: string, bounds: Bounds): string {
	const rangeAndStep = expr.split('/');
	const lowAndHigh = rangeAndStep[0]!.split('-');
	const single = lowAndHigh.length === 1;
	let start: number;
	let end: number;
	let star = false;
	if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
		start = bounds.min;
		end = bounds.max;
		star = true;
	} else {
		start = parseIntOrName(lowAndHigh[0]!, bounds);
		if (lowAndHigh.length === 1) end = start;
		else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, bounds);
		else throw new CronSyntaxError(`too many hyphens: ${expr}`);
	}
	let step = 1;
	if (rangeAndStep.length === 2) {
		step = mustParseInt(rangeAndStep[1]!);
		// "N/step" means "N-max/step".
		if (single) end = bounds.max;
	} else if (rangeAndStep.length > 2) {
		throw new CronSyntaxError(`too many slashes: ${expr}`);
	}
	if (start < bounds.min) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
	if (end > bounds.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
	if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
	if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
	if (star && step === 1) return '*';
	if (star) return `*/${step}`;
	if (start === end) return String(start);
	return step === 1 ? `${start}-${end}` : `${start}-${end}/${step}`;
}

/** Go's time.ParseDuration, for `@every`: `1h30m`, `90s`, `1.5h`. */
function parseGoDuration(text: string): number | undefined {
	const units: Record<string, number> = {ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000};
	if (text === '0') return 0;
	const pattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
	let total = 0;
	let at = 0;
	for (;;) {
		pattern.lastIndex = at;
		const match = pattern.exec(text);
		if (!match) break;
		total += Number(match[1]) * units[match[2]!]!;
		at = pattern.lastIndex;
	}
	return at === text.length && at > 0 ? total : undefined;
}

/**
 * Parse a schedule as robfig/cron's ParseStandard does, with its messages
 * (`expected exactly 5 fields, found 1: [bad]`). Throws an Error whose
 * message is robfig's.
 */
export function parseSchedule(schedule: string): ParsedSchedule {
	let spec = schedule.trim();
	if (spec === '') throw new CronSyntaxError('empty spec string');
	if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
		const space = spec.indexOf(' ');
		const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
		if (validateTimeZone(zone).length > 0) throw new CronSyntaxError(`provided bad location ${zone}: unknown time zone ${zone}`);
		spec = space < 0 ? '' : spec.slice(space + 1).trim();
	}
	if (spec.startsWith('@')) {
		if (spec.startsWith('@every ')) {
			const text = spec.slice('@every '.length).trim();
			const ms = parseGoDuration(text);
			if (ms === undefined) throw new CronSyntaxError(`failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(text)}`);
			// robfig rounds the delay up to a whole second.
			return {everyMs: Math.max(1000, Math.ceil(ms / 1000) * 1000)};
		}
		const expression = descriptors[spec];
		if (!expression) throw new CronSyntaxError(`unrecognized descriptor: ${spec}`);
		return {expression};
	}
	const fields = spec.split(/\s+/).filter(Boolean);
	if (fields.length !== 5) throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
	const normalised = fields.map((field, i) => field.split(',').filter(Boolean).map(part => normaliseRange(part, fieldBounds[i]!)).join(','));
	return {expression: normalised.join(' ')};
}

/** The validation errors of a schedule (robfig's parse error, TZ rules), as detail strings. */
export function validateCronSchedule(schedule: string, options: {allowTzInSchedule?: boolean; hasTimeZone?: boolean} = {}): string[] {
	const errors: string[] = [];
	try {
		const parsed = parseSchedule(schedule);
		// cron-parser must accept what robfig accepted (it computes the times).
		if ('expression' in parsed) CronExpressionParser.parse(parsed.expression, {tz: 'UTC'});
	} catch (error) {
		errors.push((error as Error).message);
	}
	if (schedule.includes('TZ')) {
		if (!options.allowTzInSchedule) errors.push('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
		else if (options.hasTimeZone) errors.push('cannot use both timeZone field and TZ or CRON_TZ in schedule');
	}
	return errors;
}

/** True when the schedule parses (cached; for the controller's every sync). */
export function isValidSchedule(schedule: string): boolean {
	try {
		cachedParse(schedule);
		return true;
	} catch {
		return false;
	}
}

/** The validation errors of a `timeZone` (an IANA zone name), as detail strings. */
export function validateTimeZone(zone: unknown): string[] {
	if (typeof zone !== 'string') return ['must be a string'];
	if (zone === '') return ['timeZone must be nil or non-empty string'];
	if (zone.toLowerCase() === 'local') return ['timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'];
	try {
		new Intl.DateTimeFormat('en-US', {timeZone: zone});
		return [];
	} catch {
		return [`unknown time zone ${zone}`];
	}
}

/** The zone a schedule runs in: `timeZone`, a TZ= prefix, or UTC (the controller manager's zone in the sim). */
function zoneOf(schedule: string, timeZone: string | undefined): string {
	const prefix = /^(?:CRON_)?TZ=(\S+)/.exec(schedule.trim());
	return timeZone ?? prefix?.[1] ?? 'UTC';
}

/** Parsed schedules and cron-parser expressions, reused: parsing is the costly part. */
const parsedCache = new Map<string, ParsedSchedule>();
const expressionCache = new Map<string, CronExpression>();
const cacheLimit = 1000;

function cachedParse(schedule: string): ParsedSchedule {
	let parsed = parsedCache.get(schedule);
	if (!parsed) {
		parsed = parseSchedule(schedule);
		if (parsedCache.size >= cacheLimit) parsedCache.clear();
		parsedCache.set(schedule, parsed);
	}
	return parsed;
}

function cachedExpression(expression: string, zone: string, atMs: number): CronExpression {
	const key = `${expression}\u0000${zone}`;
	let parsed = expressionCache.get(key);
	if (!parsed) {
		parsed = CronExpressionParser.parse(expression, {currentDate: new Date(atMs), tz: zone});
		if (expressionCache.size >= cacheLimit) expressionCache.clear();
		expressionCache.set(key, parsed);
	} else {
		parsed.reset(new Date(atMs));
	}
	return parsed;
}

/**
 * The first scheduled time strictly after `afterMs` (ms since the epoch).
 * Throws for a schedule that does not parse.
 */
export function nextScheduleTime(schedule: string, timeZone: string | undefined, afterMs: number): number {
	const parsed = cachedParse(schedule);
	if ('everyMs' in parsed) return Math.floor(afterMs / 1000) * 1000 + parsed.everyMs;
	return cachedExpression(parsed.expression, zoneOf(schedule, timeZone), afterMs).next().getTime();
}

/**
 * The scheduled times in (`earliestMs`, `nowMs`], as the CronJob controller's
 * `mostRecentScheduleTime` sees them: the newest one, how many there were
 * (counting stops past `limit`), and the next one after now.
 */
export function scheduleTimesBetween(
	schedule: string,
	timeZone: string | undefined,
	earliestMs: number,
	nowMs: number,
	limit = 100,
): {mostRecent?: number; missed: number; next: number} {
	let missed = 0;
	let mostRecent: number | undefined;
	let t = nextScheduleTime(schedule, timeZone, earliestMs);
	while (t <= nowMs) {
		mostRecent = t;
		missed++;
		if (missed > limit) {
			// Too many to walk: find the newest by stepping back from now.
			const parsed = cachedParse(schedule);
			if ('everyMs' in parsed) {
				mostRecent = earliestMs + Math.floor((nowMs - earliestMs) / parsed.everyMs) * parsed.everyMs;
			} else {
				mostRecent = cachedExpression(parsed.expression, zoneOf(schedule, timeZone), nowMs + 1).prev().getTime();
			}
			break;
		}
		t = nextScheduleTime(schedule, timeZone, t);
	}
	// Walked to the end, `t` is already the first time after now.
	return {mostRecent, missed, next: t > nowMs ? t : nextScheduleTime(schedule, timeZone, Math.max(nowMs, mostRecent ?? nowMs))};
}
