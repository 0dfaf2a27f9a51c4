/**
 * The tape language: VHS's (https://github.com/charmbracelet/vhs), so its
 * users already know it, plus Kubarium's own `Marker`, `Apply` and `Advance`.
 * Parsing is pure: text in, steps or a `FILE:LINE: reason` error out. Files
 * named by the tape are resolved against the tape's folder and checked here,
 * so a bad tape fails before anything is recorded.
 */
import {existsSync, statSync} from 'node:fs';
import {dirname, extname, resolve} from 'node:path';
import {parseDuration} from './duration.js';

export class TapeError extends Error {
	constructor(readonly file: string, readonly line: number, readonly reason: string) {
		super(`${file}:${line}: ${reason}`);
	}
}

export type OutputFormat = 'cast' | 'svg' | 'html' | 'txt';
export const outputFormats: readonly OutputFormat[] = ['cast', 'svg', 'html', 'txt'];

/** A key VHS names, as the bytes a terminal sends for it. */
const namedKeys: Record<string, string> = {
	Enter: '\r',
	Escape: '\x1b',
	Tab: '\t',
	Backspace: '\x7f',
	Delete: '\x1b[3~',
	Space: ' ',
	Up: '\x1b[A',
	Down: '\x1b[B',
	Right: '\x1b[C',
	Left: '\x1b[D',
	PageUp: '\x1b[5~',
	PageDown: '\x1b[6~',
	Home: '\x1b[H',
	End: '\x1b[F',
	Insert: '\x1b[2~',
};

export type Settings = {
	cols: number;
	rows: number;
	theme: string | undefined;
	seed: number;
	nodes: number;
	cluster: 'demo' | 'empty';
	speed: number;
	typingSpeedMs: number;
	idleTimeLimitMs: number | undefined;
	waitTimeoutMs: number;
	title: string | undefined;
};

export const defaultSettings: Settings = {
	cols: 120,
	rows: 36,
	theme: undefined,
	seed: 1,
	nodes: 3,
	cluster: 'demo',
	speed: 1,
	typingSpeedMs: 50,
	idleTimeLimitMs: undefined,
	waitTimeoutMs: 15_000,
	title: undefined,
};

export type Step = {line: number} & (
	| {type: 'keys'; name: string; bytes: string; count: number; delayMs: number | undefined}
	| {type: 'type'; text: string; delayMs: number | undefined}
	| {type: 'typing-speed'; ms: number}
	| {type: 'sleep'; ms: number}
	| {type: 'wait'; scope: 'screen' | 'line'; regex: RegExp; timeoutMs: number | undefined}
	| {type: 'hide'}
	| {type: 'show'}
	| {type: 'screenshot'; path: string; format: 'txt' | 'svg'}
	| {type: 'marker'; title: string}
	| {type: 'apply'; path: string}
	| {type: 'advance'; ms: number}
);

export type Tape = {
	file: string;
	settings: Settings;
	outputs: Array<{path: string; format: OutputFormat; line: number}>;
	steps: Step[];
	/** Lines VHS would honour but a terminal recording has no use for (fonts, window, shell). */
	warnings: string[];
	/** The line of the `Set Theme` that took effect, to name it when the theme does not load. */
	themeLine: number | undefined;
};

const actions = [
	'Type', 'Enter', 'Escape', 'Tab', 'Backspace', 'Delete', 'Space', 'Up', 'Down', 'Left', 'Right', 'PageUp', 'PageDown',
	'Home', 'End', 'Insert', 'Sleep', 'Wait', 'Hide', 'Show', 'Screenshot', 'Marker', 'Apply', 'Advance',
];
const commands = ['Output', 'Set', ...actions, 'Ctrl', 'Alt', 'Shift'];

const settingNames = ['Cols', 'Rows', 'Theme', 'Seed', 'Nodes', 'Cluster', 'Speed', 'TypingSpeed', 'IdleTimeLimit', 'WaitTimeout', 'Title'];
/** VHS settings about the picture or the shell: read, said to be ignored, no error. */
const ignoredSettings = new Set([
	'Shell', 'FontSize', 'FontFamily', 'LetterSpacing', 'LineHeight', 'Padding', 'Margin', 'MarginFill', 'WindowBar',
	'WindowBarSize', 'BorderRadius', 'Framerate', 'PlaybackSpeed', 'LoopOffset', 'CursorBlink',
]);
/** VHS commands that have no meaning here, with the reason given. */
const unsupported: Record<string, string> = {
	Require: 'Require checks for programs on PATH; a Kubarium tape records the dashboard only',
	Source: 'Source includes another tape; Kubarium tapes are one file',
	Copy: 'Copy uses the clipboard, which a recording has none of',
	Paste: 'Paste uses the clipboard, which a recording has none of',
	Env: 'Env sets a shell variable; a Kubarium tape records the dashboard, not a shell',
};

function editDistance(a: string, b: string): number {
	const row = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
			diagonal = above;
		}
	}
	return row[b.length]!;
}

/** The closest known name, when one is close enough to be a typo. */
export function didYouMean(word: string, names: readonly string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = Number.POSITIVE_INFINITY;
	for (const name of names) {
		const distance = editDistance(word.toLowerCase(), name.toLowerCase());
		if (distance < bestDistance) {
			best = name;
			bestDistance = distance;
		}
	}
	return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

type Cursor = {text: string; at: number};

function skipSpaces(cursor: Cursor): void {
	while (cursor.at < cursor.text.length && /\s/.test(cursor.text[cursor.at]!)) cursor.at++;
}

/**
 * The parser of one line. Every method throws a TapeError for this line.
 */
class LineParser {
	private readonly cursor: Cursor;

	constructor(readonly file: string, readonly line: number, text: string) {
		this.cursor = {text, at: 0};
	}

	fail(reason: string): never {
		throw new TapeError(this.file, this.line, reason);
	}

	rest(): string {
		skipSpaces(this.cursor);
		return this.cursor.text.slice(this.cursor.at);
	}

	atEnd(): boolean {
		return this.rest() === '' || this.rest().startsWith('#');
	}

	end(what: string): void {
		if (!this.atEnd()) this.fail(`unexpected "${this.rest()}" after ${what}`);
	}

	word(): string {
		skipSpaces(this.cursor);
		const match = /^[^\s"'`]+/.exec(this.cursor.text.slice(this.cursor.at));
		if (!match) return '';
		this.cursor.at += match[0].length;
		return match[0];
	}

	/** A string in double quotes, single quotes or backticks, taken as written (VHS has no escapes). */
	string(what: string): string {
		skipSpaces(this.cursor);
		const quote = this.cursor.text[this.cursor.at];
		if (quote !== '"' && quote !== "'" && quote !== '`') this.fail(`${what} needs a quoted string, e.g. ${what} "text"`);
		const close = this.cursor.text.indexOf(quote, this.cursor.at + 1);
		if (close < 0) this.fail(`unterminated string: a ${quote} is not closed`);
		const value = this.cursor.text.slice(this.cursor.at + 1, close);
		this.cursor.at = close + 1;
		return value;
	}

	/** A string, quoted or not (file names). */
	path(what: string): string {
		skipSpaces(this.cursor);
		const value = /["'`]/.test(this.cursor.text[this.cursor.at] ?? '') ? this.string(what) : this.word();
		if (value === '') this.fail(`${what} needs a file name`);
		return value;
	}

	/** The duration a command takes as its argument (`Sleep 2s`, `Advance 5m`). */
	durationArgument(command: string, example: string): number {
		const value = this.word();
		if (value === '') this.fail(`${command} needs ${example}`);
		this.end(command);
		return this.duration(value, command);
	}

	duration(text: string, what: string): number {
		const ms = parseDuration(text);
		if (ms === undefined) this.fail(`bad duration "${text}" for ${what}: use a number with ms, s, m or h, e.g. 500ms or 2s`);
		return ms;
	}

	integer(text: string, what: string, min: number, max: number): number {
		if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) this.fail(`bad value "${text}" for ${what}: expected an integer ${min}-${max}`);
		return Number(text);
	}

	regex(): RegExp {
		skipSpaces(this.cursor);
		const text = this.cursor.text.slice(this.cursor.at);
		if (!text.startsWith('/')) this.fail('Wait needs a regular expression between slashes, e.g. Wait /Running/');
		const close = text.lastIndexOf('/');
		if (close === 0) this.fail(`bad regex ${text}: no closing /`);
		const source = text.slice(1, close);
		if (source === '') this.fail('bad regex //: it is empty');
		this.cursor.at += close + 1;
		try {
			return new RegExp(source, 'm');
		} catch (error) {
			return this.fail(`bad regex /${source}/: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`);
		}
	}
}

/** `Down@200ms 3` → the delay and the count. */
function modifiers(parser: LineParser, command: string, suffix: string | undefined): {delayMs: number | undefined; count: number} {
	const delayMs = suffix === undefined ? undefined : parser.duration(suffix, command);
	const countText = parser.atEnd() ? '' : parser.word();
	const count = countText === '' ? 1 : parser.integer(countText, `${command}'s count`, 1, 10_000);
	parser.end(command);
	return {delayMs, count};
}

function controlBytes(parser: LineParser, spec: string): {name: string; bytes: string} {
	// Ctrl+C, Ctrl+Alt+X, Alt+F, Shift+Tab, Shift+J
	const parts = spec.split('+');
	const key = parts.pop()!;
	const mods = new Set(parts);
	for (const mod of mods) if (!['Ctrl', 'Alt', 'Shift'].includes(mod)) parser.fail(`unknown modifier "${mod}" in ${spec}: use Ctrl, Alt or Shift`);
	if (key === '') parser.fail(`${spec} names no key`);
	let bytes: string;
	if (mods.has('Ctrl')) {
		const code = key.length === 1 ? key.toUpperCase().charCodeAt(0) : Number.NaN;
		if (!(code >= 64 && code <= 95)) parser.fail(`Ctrl+${key}: a control key is a letter or one of @ [ \\ ] ^ _`);
		bytes = String.fromCharCode(code - 64);
	} else if (mods.has('Shift')) {
		if (key === 'Tab') bytes = '\x1b[Z';
		else if (/^[A-Za-z]$/.test(key)) bytes = key.toUpperCase();
		else return parser.fail(`Shift+${key}: Shift goes with a letter or Tab`);
	} else {
		bytes = namedKeys[key] ?? (key.length === 1 ? key : parser.fail(`${spec}: unknown key "${key}"`));
	}
	if (mods.has('Alt')) bytes = `\x1b${bytes}`;
	return {name: spec, bytes};
}

function checkFile(parser: LineParser, base: string, path: string, what: string): string {
	const full = resolve(base, path);
	if (!existsSync(full)) parser.fail(`${what}: no such file "${path}"`);
	if (statSync(full).isDirectory()) parser.fail(`${what}: "${path}" is a folder, not a file`);
	return full;
}

/** A file's format as its extension names it, lower case (`demo.SVG` → `svg`). */
export function formatOf(path: string): string {
	return extname(path).slice(1).toLowerCase();
}

/**
 * Parses a tape. `file` names it in messages and is the base for the files it
 * names (Output, Apply, Screenshot).
 */
export function parseTape(text: string, file: string): Tape {
	const base = dirname(resolve(file));
	const settings: Settings = {...defaultSettings};
	const outputs: Tape['outputs'] = [];
	const steps: Step[] = [];
	const warnings: string[] = [];
	let firstAction: number | undefined;
	let themeLine: number | undefined;
	const lines = text.split(/\r?\n/);
	for (let index = 0; index < lines.length; index++) {
		const lineNumber = index + 1;
		const parser = new LineParser(file, lineNumber, lines[index]!);
		if (parser.atEnd()) continue;
		const head = parser.word();
		const at = head.indexOf('@');
		const command = at < 0 ? head : head.slice(0, at);
		const suffix = at < 0 ? undefined : head.slice(at + 1);
		const base0 = command.split('+')[0]!;
		if (suffix !== undefined && !(command === 'Type' || command === 'Wait' || command.startsWith('Wait+') || namedKeys[command] !== undefined || ['Ctrl', 'Alt', 'Shift'].includes(base0))) {
			parser.fail(`${command} takes no @ setting`);
		}
		const action = (step: Step) => {
			firstAction ??= lineNumber;
			steps.push(step);
		};
		if (command === 'Output') {
			const path = parser.path('Output');
			parser.end('Output');
			const format = formatOf(path);
			if (!(outputFormats as readonly string[]).includes(format)) {
				const hint = ['gif', 'mp4', 'webm', 'png'].includes(format) ? ' (for a GIF, run agg on the .cast)' : '';
				parser.fail(`Output ${path}: Kubarium writes .cast, .svg, .html and .txt${hint}`);
			}
			outputs.push({path: resolve(base, path), format: format as OutputFormat, line: lineNumber});
			continue;
		}
		if (command === 'Set') {
			const name = parser.word();
			if (name === '') parser.fail('Set needs a setting name, e.g. Set Cols 100');
			if (name === 'Width' || name === 'Height') {
				parser.fail(`Set ${name} is VHS's window size in pixels; a Kubarium recording is sized in characters: Set ${name === 'Width' ? 'Cols' : 'Rows'} N`);
			}
			if (ignoredSettings.has(name)) {
				warnings.push(`${file}:${lineNumber}: Set ${name} is ignored: it sets how VHS draws its video, and a Kubarium recording is text (the .svg and .html follow the theme)`);
				continue;
			}
			if (!settingNames.includes(name)) {
				const guess = didYouMean(name, settingNames);
				parser.fail(`unknown setting "${name}"${guess ? ` (did you mean ${guess}?)` : ''}; Kubarium's settings: ${settingNames.join(', ')}`);
			}
			if (name === 'Title') {
				settings.title = parser.string('Set Title');
				parser.end('Set Title');
			} else {
				const value = name === 'Theme' ? parser.path('Set Theme') : parser.word();
				if (value === '') parser.fail(`Set ${name} needs a value`);
				parser.end(`Set ${name}`);
				if (name === 'TypingSpeed') {
					// As in VHS, the typing speed may change between actions.
					const ms = parser.duration(value, 'TypingSpeed');
					if (firstAction === undefined) settings.typingSpeedMs = ms;
					else steps.push({type: 'typing-speed', ms, line: lineNumber});
					continue;
				}
				if (firstAction !== undefined) parser.fail(`Set ${name} must come before the first action (line ${firstAction})`);
				switch (name) {
					case 'Cols':
						settings.cols = parser.integer(value, 'Cols', 40, 500);
						break;
					case 'Rows':
						settings.rows = parser.integer(value, 'Rows', 10, 200);
						break;
					case 'Theme':
						settings.theme = value;
						themeLine = lineNumber;
						break;
					case 'Seed':
						settings.seed = parser.integer(value, 'Seed', 0, 2 ** 31 - 1);
						break;
					case 'Nodes':
						settings.nodes = parser.integer(value, 'Nodes', 1, 1000);
						break;
					case 'Cluster':
						if (value !== 'demo' && value !== 'empty') parser.fail(`bad value "${value}" for Cluster: expected demo or empty`);
						settings.cluster = value as 'demo' | 'empty';
						break;
					case 'Speed': {
						const speed = Number(value.replace(/^x/i, ''));
						if (!Number.isFinite(speed) || speed < 0 || speed > 1000 || value.trim() === '') parser.fail(`bad value "${value}" for Speed: expected a number 0-1000 (0 pauses the simulation)`);
						settings.speed = speed;
						break;
					}
					case 'IdleTimeLimit':
						settings.idleTimeLimitMs = parser.duration(value, 'IdleTimeLimit');
						break;
					case 'WaitTimeout':
						settings.waitTimeoutMs = parser.duration(value, 'WaitTimeout');
						break;
				}
			}
			continue;
		}
		if (unsupported[command]) parser.fail(unsupported[command]!);
		if (command === 'Type') {
			const delayMs = suffix === undefined ? undefined : parser.duration(suffix, 'Type');
			const text = parser.string('Type');
			parser.end('Type');
			action({type: 'type', text, delayMs, line: lineNumber});
			continue;
		}
		if (namedKeys[command] !== undefined) {
			const {delayMs, count} = modifiers(parser, command, suffix);
			action({type: 'keys', name: command, bytes: namedKeys[command]!, count, delayMs, line: lineNumber});
			continue;
		}
		if (['Ctrl', 'Alt', 'Shift'].includes(base0) && command.includes('+')) {
			const {name, bytes} = controlBytes(parser, command);
			const {delayMs, count} = modifiers(parser, command, suffix);
			action({type: 'keys', name, bytes, count, delayMs, line: lineNumber});
			continue;
		}
		switch (command) {
			case 'Sleep':
				action({type: 'sleep', ms: parser.durationArgument('Sleep', 'a duration, e.g. Sleep 2s'), line: lineNumber});
				continue;
			case 'Wait':
			case 'Wait+Screen':
			case 'Wait+Line': {
				const timeoutMs = suffix === undefined ? undefined : parser.duration(suffix, 'Wait');
				const regex = parser.regex();
				parser.end('Wait');
				action({type: 'wait', scope: command === 'Wait+Line' ? 'line' : 'screen', regex, timeoutMs, line: lineNumber});
				continue;
			}
			case 'Hide':
			case 'Show':
				parser.end(command);
				action({type: command === 'Hide' ? 'hide' : 'show', line: lineNumber});
				continue;
			case 'Screenshot': {
				const path = parser.path('Screenshot');
				parser.end('Screenshot');
				const format = formatOf(path);
				if (format !== 'txt' && format !== 'svg') parser.fail(`Screenshot ${path}: a screenshot is .txt or .svg`);
				action({type: 'screenshot', path: resolve(base, path), format: format as 'txt' | 'svg', line: lineNumber});
				continue;
			}
			case 'Marker': {
				const title = parser.string('Marker');
				parser.end('Marker');
				if (title.trim() === '') parser.fail('Marker needs a title');
				action({type: 'marker', title, line: lineNumber});
				continue;
			}
			case 'Apply': {
				const path = checkFile(parser, base, parser.path('Apply'), 'Apply');
				parser.end('Apply');
				action({type: 'apply', path, line: lineNumber});
				continue;
			}
			case 'Advance':
				action({type: 'advance', ms: parser.durationArgument('Advance', 'a duration of simulated time, e.g. Advance 5m'), line: lineNumber});
				continue;
		}
		const guess = didYouMean(command, [...commands, ...Object.keys(unsupported)]);
		parser.fail(`unknown command "${command}"${guess ? ` (did you mean ${guess}?)` : ''}`);
	}
	return {file, settings, outputs, steps, warnings, themeLine};
}
