/**
 * asciicast v2: a header line, then one JSON array per event,
 * `[seconds since the start, code, data]`. The codes Kubarium writes are
 * "o" (output), "m" (marker) and "r" (resize, "COLSxROWS"); readers pass
 * "i" (input) and unknown codes through, as the format asks.
 * https://docs.asciinema.org/manual/asciicast/v2
 */

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
	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	if (lines.length === 0) throw new CastFormatError('line 1: empty file, expected an asciicast v2 header');
	let header: CastHeader;
	try {
		header = JSON.parse(lines[0]!) as CastHeader;
	} catch {
		throw new CastFormatError('line 1: the header is not JSON');
	}
	if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CastFormatError('line 1: the header is not a JSON object');
	if (header.version !== 2) throw new CastFormatError(`line 1: version ${JSON.stringify(header.version)} is not supported, expected 2`);
	if (!isPositiveInteger(header.width) || !isPositiveInteger(header.height)) throw new CastFormatError('line 1: width and height must be positive integers');
	const events: CastEvent[] = [];
	let last = 0;
	for (let index = 1; index < lines.length; index++) {
		const line = lines[index]!;
		if (line.trim() === '') continue;
		let event: unknown;
		try {
			event = JSON.parse(line);
		} catch {
			// A recorder killed mid-write leaves a partial last line; everything before it stands.
			if (index === lines.length - 1) break;
			throw new CastFormatError(`line ${index + 1}: not JSON`);
		}
		if (!Array.isArray(event) || event.length !== 3 || typeof event[0] !== 'number' || typeof event[1] !== 'string' || typeof event[2] !== 'string') {
			throw new CastFormatError(`line ${index + 1}: an event is [time, code, data]`);
		}
		if (!Number.isFinite(event[0]) || event[0] < 0) throw new CastFormatError(`line ${index + 1}: time ${event[0]} is not a number of seconds`);
		if (event[0] < last) throw new CastFormatError(`line ${index + 1}: time ${event[0]} comes before the previous event's ${last}`);
		last = event[0];
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
	const capped = limit !== null && limit !== undefined && limit > 0;
	let previous = 0;
	let shift = 0;
	return cast.events.map(([time]) => {
		if (capped && time - previous > limit) shift += time - previous - limit;
		previous = time;
		return time - shift;
	});
}
