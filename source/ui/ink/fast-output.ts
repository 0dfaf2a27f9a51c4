/**
 * A faster way for Ink's output pass to read a line's styled characters.
 *
 * Every frame Ink builds the whole 120x40 grid again: each line written by
 * a <Text> (colours as ANSI codes) is cut into graphemes with
 * Intl.Segmenter and every character becomes a new object with its own
 * copy of the active styles, in a cache that lives one frame. That was
 * most of a frame's CPU. Lines of printable ASCII with SGR colour codes
 * (nearly everything the dashboard draws) are read here without the
 * segmenter, and their characters are shared objects, one per character
 * and style, kept across frames. Any other line goes to Ink's own reader
 * (`@alcalzone/ansi-tokenize`), which also supplies the styles of each run
 * of codes, so the frame is the same string, byte for byte.
 */
import Output, {type InkOutputCaches, type InkStyledChar} from './output-class.js';

type Caches = InkOutputCaches & {__kubariumFast?: true};

const cachesPrototype = Object.getPrototypeOf(new Output({width: 0, height: 0}).caches) as Caches;
const inkGetStyledChars = cachesPrototype.getStyledChars;

/** Entries a cache keeps before it is emptied (lines seen, runs of codes seen). */
const cacheLimit = 4096;
/** Lines read, across frames: most lines of a frame are the ones of the frame before. */
const lines = new Map<string, InkStyledChar[]>();
/** Styles after a run of SGR codes, and each character drawn in them. */
const runs = new Map<string, {styles: unknown[]; chars: Map<string, InkStyledChar>}>();

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
	if (map.size >= cacheLimit) map.clear();
	map.set(key, value);
	return value;
}

/** Ink's reader, on caches of its own (Ink's caches live one frame). */
function inkRead(line: string): InkStyledChar[] {
	return inkGetStyledChars.call(new Output({width: 0, height: 0}).caches, line);
}

/** The styles of the characters after `codes` (SGR sequences only), as Ink's reader gives them. */
function runOf(codes: string) {
	return runs.get(codes) ?? remember(runs, codes, {styles: inkRead(`${codes}x`)[0]!.styles, chars: new Map()});
}

const escape = 0x1b;

/** End (exclusive) of the SGR sequence `ESC [ digits/semicolons m` at `start`, or -1. */
function sgrEnd(line: string, start: number): number {
	if (line.charCodeAt(start + 1) !== 0x5b) return -1;
	for (let i = start + 2; i < line.length; i++) {
		const code = line.charCodeAt(i);
		if (code === 0x6d) return i + 1;
		if (code === 0x3b || (code >= 0x30 && code <= 0x39)) continue;
		return -1;
	}
	return -1;
}

/** A line of printable ASCII and SGR codes as styled characters, or undefined for any other line. */
export function fastStyledChars(line: string): InkStyledChar[] | undefined {
	const chars: InkStyledChar[] = [];
	let codes = '';
	let run = runOf('');
	for (let i = 0; i < line.length; i++) {
		const code = line.charCodeAt(i);
		if (code === escape) {
			const end = sgrEnd(line, i);
			if (end < 0) return undefined;
			codes += line.slice(i, end);
			i = end - 1;
			// Codes after a character start a new run; consecutive codes are read together.
			if (line.charCodeAt(end) !== escape) run = runOf(codes);
			continue;
		}
		if (code < 0x20 || code > 0x7e) return undefined;
		const value = line[i]!;
		let char = run.chars.get(value);
		if (!char) {
			char = {type: 'char', value, fullWidth: false, styles: run.styles};
			run.chars.set(value, char);
		}
		chars.push(char);
	}
	return chars;
}

function getStyledChars(this: InkOutputCaches, line: string): InkStyledChar[] {
	return lines.get(line) ?? remember(lines, line, fastStyledChars(line) ?? inkGetStyledChars.call(this, line));
}

/** Puts the fast reader in place of Ink's (once). */
export function installFastOutput(): void {
	// Another Ink whose output pass reads lines otherwise keeps its own reader.
	if (cachesPrototype.__kubariumFast || typeof inkGetStyledChars !== 'function') return;
	cachesPrototype.getStyledChars = getStyledChars;
	cachesPrototype.__kubariumFast = true;
}

/** Ink's own reader, for tests that compare. */
export const inkStyledChars = inkRead;
