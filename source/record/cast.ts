/**
 * asciicast v2: a header line, then one JSON array per event,
 * `[seconds since the start, code, data]`. The codes Kubarium writes are
 * "o" (output), "m" (marker) and "r" (resize, "COLSxROWS"); readers pass
 * "i" (input) and unknown codes through, as the format asks.
 * https://docs.asciinema.org/manual/asciicast/v2
 */

import {readJsonLines} from './json-lines.js';

export type CastTheme = {fg: string; bg: string; palette: string};

export type CastHeader = {
	version: 2;
	width: number;
	height: number;
	timestamp?: number;
	duration?: number;
	idle_time_limit?: number;
	command?: string;
	title?: string;
	env?: Record<string, string>;
	theme?: CastTheme;
};

export type CastCode = 'o' | 'i' | 'm' | 'r';
export type CastEvent = [time: number, code: CastCode | string, data: string];
export type Cast = {header: CastHeader; events: CastEvent[]};

export class CastFormatError extends Error {}

/** Seconds as asciinema writes them: at most six decimals, no float noise. */
export function castTime(ms: number): number {
	return Math.round(ms * 1000) / 1e6;
}

export function formatHeader(header: CastHeader): string {
	// Keys in a fixed order, so two recordings of one tape are the same bytes.
	const ordered: Record<string, unknown> = {version: 2, width: header.width, height: header.height};
	for (const key of ['timestamp', 'duration', 'idle_time_limit', 'command', 'title', 'env', 'theme'] as const) {
		if (header[key] !== undefined) ordered[key] = header[key];
	}
	return JSON.stringify(ordered);
}

export function formatEvent(event: CastEvent): string {
	return JSON.stringify([event[0], event[1], event[2]]);
}

export function serializeCast(cast: Cast): string {
	return [formatHeader(cast.header), ...cast.events.map(formatEvent)].join('\n') + '\n';
}

function isPositiveInteger(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Reads an asciicast v2 file. Throws CastFormatError naming the line for a
 * header that is not v2, an event that is not `[time, code, data]`, or a time
 * that goes backwards. A last line cut short (a killed recorder) is dropped.
 */
export function parseCast(text: string): Cast {
	const fail = (message: string): never => {
		throw new CastFormatError(message);
	};
	const lines = readJsonLines(text, 'an asciicast v2 header', fail);
	const header = lines.header as CastHeader;
	if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('line 1: the header is not a JSON object');
	if (header.version !== 2) fail(`line 1: version ${JSON.stringify(header.version)} is not supported, expected 2`);
	if (!isPositiveInteger(header.width) || !isPositiveInteger(header.height)) fail('line 1: width and height must be positive integers');
	const events: CastEvent[] = [];
	let last = 0;
	for (const {at, value: event} of lines.rows) {
		if (!Array.isArray(event) || event.length !== 3 || typeof event[0] !== 'number' || typeof event[1] !== 'string' || typeof event[2] !== 'string') {
			fail(`${at}: an event is [time, code, data]`);
		}
		const [time] = event as CastEvent;
		if (!Number.isFinite(time) || time < 0) fail(`${at}: time ${time} is not a number of seconds`);
		if (time < last) fail(`${at}: time ${time} comes before the previous event's ${last}`);
		last = time;
		events.push(event as CastEvent);
	}
	return {header, events};
}

/** The markers of a cast: their times and titles, in order. */
export function markers(cast: Cast): Array<{time: number; title: string}> {
	return cast.events.filter(event => event[1] === 'm').map(([time, , title]) => ({time, title}));
}

/**
 * Each event's time as a player shows it, in seconds: every pause longer
 * than `limit` (by default the header's idle_time_limit) is shortened to
 * it, the pause before the first event too. Without a limit the times are
 * the cast's own.
 */
export function cappedTimes(cast: Cast, limit: number | null | undefined = cast.header.idle_time_limit): number[] {
	return cappedEventTimes(cast.events, limit);
}

/** `cappedTimes` for a list of events, with the limit given (null or undefined: none). */
export function cappedEventTimes(events: readonly CastEvent[], limit: number | null | undefined): number[] {
	const capped = limit !== null && limit !== undefined && limit > 0;
	let previous = 0;
	let shift = 0;
	return events.map(([time]) => {
		if (capped && time - previous > limit) shift += time - previous - limit;
		previous = time;
		return time - shift;
	});
}
