/**
 * `kubarium play FILE.cast`: plays a recording in this terminal, as
 * `asciinema play` does. Output events are written at their times (divided
 * by the speed, pauses first cut to the idle time limit); markers, input and
 * resizes change nothing on the screen. Any key quits at once, and the
 * terminal is put back however playing ends.
 */
import {readFileSync} from 'node:fs';
import {cappedEventTimes, CastFormatError, parseCast, type Cast, type CastEvent} from './cast.js';

export const playUsage = `Usage: kubarium play FILE.cast [--speed N] [--idle-time-limit SECONDS]

Plays an asciicast v2 recording (kubarium --record, kubarium record, asciinema rec)
in this terminal at the pace it was recorded. Any key quits.

Flags:
  --speed N                  play N times as fast (default 1; 0.5 is half speed)
  --idle-time-limit SECONDS  cut longer pauses to SECONDS (default: the recording's
                             idle_time_limit, else pauses are kept as recorded)
  --help                     show this help`;

/** A bad argument or an unreadable recording; the message is what to print after "kubarium: ". */
export class PlayError extends Error {}

export type PlayArgs = {
	file?: string;
	/** Times as fast as recorded (> 0). */
	speed: number;
	/** Longest pause in recorded seconds; absent: the cast's own limit, if any. */
	idleTimeLimit?: number;
	help: boolean;
};

function positiveNumber(flag: string, value: string): number {
	const n = Number(value);
	if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new PlayError(`Invalid value for --${flag}: "${value}" (expected a number greater than 0)`);
	return n;
}

/** Parse `play`'s arguments (after the word play). Throws PlayError with the message to print. */
export function parsePlayArgs(argv: readonly string[]): PlayArgs {
	const args: PlayArgs = {speed: 1, help: false};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--help' || arg === '-h') {
			args.help = true;
			continue;
		}
		if (!arg.startsWith('-') || arg === '-') {
			if (args.file !== undefined) throw new PlayError(`play takes one recording, got "${args.file}" and "${arg}"`);
			args.file = arg;
			continue;
		}
		const eq = arg.indexOf('=');
		const name = arg.slice(arg.startsWith('--') ? 2 : 1, eq < 0 ? undefined : eq);
		const flag = name === 's' ? 'speed' : name === 'i' ? 'idle-time-limit' : name;
		if (flag !== 'speed' && flag !== 'idle-time-limit') throw new PlayError(`Unknown flag ${arg.slice(0, eq < 0 ? undefined : eq)} for play (see kubarium play --help)`);
		let value = eq < 0 ? undefined : arg.slice(eq + 1);
		if (value === undefined) {
			value = argv[++i];
			if (value === undefined) throw new PlayError(`Flag --${flag} needs a value`);
		}
		if (flag === 'speed') args.speed = positiveNumber(flag, value);
		else args.idleTimeLimit = positiveNumber(flag, value);
	}
	if (!args.help && args.file === undefined) throw new PlayError('play needs a recording: kubarium play FILE.cast (see kubarium play --help)');
	return args;
}

/** Reads and checks a recording. Throws PlayError "FILE: reason" (parseCast's reasons name the line). */
export function loadCast(file: string): Cast {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
		throw new PlayError(`${file}: ${reason}`);
	}
	try {
		return parseCast(text);
	} catch (error) {
		if (error instanceof CastFormatError) throw new PlayError(`${file}: ${error.message}`);
		throw error;
	}
}

export type ScheduledEvent = {
	event: CastEvent;
	/** Wall ms since the previous event (or the start) before this one is played. */
	delayMs: number;
	/** Wall ms since the start of playing. */
	atMs: number;
};

/**
 * When each event plays, as asciinema play times it: every pause between
 * events (the first counts from 0) is cut to `idleTimeLimit` seconds when one
 * is given, then divided by `speed`. Every event is scheduled; the player
 * writes only the "o" ones.
 */
export function playSchedule(events: readonly CastEvent[], options: {speed?: number; idleTimeLimit?: number} = {}): ScheduledEvent[] {
	const speed = options.speed ?? 1;
	const limit = options.idleTimeLimit;
	if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a number greater than 0, got ${speed}`);
	if (limit !== undefined && !(limit > 0)) throw new RangeError(`idleTimeLimit must be greater than 0, got ${limit}`);
	// Pauses are capped as every player caps them, then divided by the speed.
	const times = cappedEventTimes(events, limit);
	let previousAt = 0;
	return events.map((event, index) => {
		const atMs = (times[index]! * 1000) / speed;
		const delayMs = atMs - previousAt;
		previousAt = atMs;
		return {event, delayMs, atMs};
	});
}

/**
 * What puts the terminal back after any recording: end a synchronized update
 * left open, reset colours and attributes, show the cursor, leave the
 * alternate screen (a recording of a full-screen app cut short is still in it).
 */
export const restoreSequence = '\x1b[?2026l\x1b[0m\x1b[?25h\x1b[?1049l';

export type PlayTerminal = {
	stdout: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
};

/**
 * Plays `schedule` to the terminal. Resolves 'done' after the last event, or
 * 'quit' as soon as a key is pressed (stdin in raw mode while playing).
 */
export function play(schedule: readonly ScheduledEvent[], terminal: PlayTerminal): Promise<'done' | 'quit'> {
	const {stdout, stdin} = terminal;
	return new Promise(resolve => {
		let timer: ReturnType<typeof setTimeout> | undefined;
		let next = 0;
		const start = performance.now();
		const listening = Boolean(stdin.isTTY);
		const finish = (how: 'done' | 'quit') => {
			if (timer !== undefined) clearTimeout(timer);
			timer = undefined;
			if (listening) {
				stdin.off('data', onKey);
				stdin.setRawMode(false);
				stdin.pause();
			}
			resolve(how);
		};
		const onKey = () => finish('quit');
		if (listening) {
			stdin.setRawMode(true);
			stdin.on('data', onKey);
			stdin.resume();
		}
		const step = () => {
			timer = undefined;
			const elapsed = performance.now() - start;
			let output = '';
			// Everything due goes out in one write: a late timer catches up instead of drifting.
			while (next < schedule.length && schedule[next]!.atMs <= elapsed) {
				const event = schedule[next++]!.event;
				if (event[1] === 'o') output += event[2];
			}
			if (output !== '') stdout.write(output);
			if (next >= schedule.length) finish('done');
			else timer = setTimeout(step, schedule[next]!.atMs - elapsed);
		};
		step();
	});
}

/** `kubarium play ...`: returns the exit code (2 for a bad argument or file, with the message on stderr). */
export async function playCommand(argv: readonly string[], terminal: PlayTerminal = {stdout: process.stdout, stdin: process.stdin}): Promise<number> {
	let args: PlayArgs;
	let cast: Cast;
	try {
		args = parsePlayArgs(argv);
		if (args.help) {
			terminal.stdout.write(`${playUsage}\n`);
			return 0;
		}
		cast = loadCast(args.file!);
	} catch (error) {
		if (!(error instanceof PlayError)) throw error;
		process.stderr.write(`kubarium: ${error.message}\n`);
		return 2;
	}
	const schedule = playSchedule(cast.events, {speed: args.speed, idleTimeLimit: args.idleTimeLimit ?? cast.header.idle_time_limit});
	const {stdout, stdin} = terminal;
	let restored = false;
	const restore = () => {
		if (restored || !stdout.isTTY) return;
		restored = true;
		if (stdin.isTTY) stdin.setRawMode(false);
		stdout.write(restoreSequence);
	};
	const onSignal = (code: number) => () => {
		restore();
		process.exit(code);
	};
	const signals: Array<[NodeJS.Signals, () => void]> = [['SIGTERM', onSignal(143)], ['SIGHUP', onSignal(129)], ['SIGINT', onSignal(130)]];
	for (const [signal, handler] of signals) process.on(signal, handler);
	process.on('exit', restore);
	try {
		await play(schedule, terminal);
	} finally {
		restore();
		for (const [signal, handler] of signals) process.off(signal, handler);
		process.off('exit', restore);
	}
	return 0;
}
