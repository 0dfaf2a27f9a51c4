/**
 * A cast played into a headless xterm.js terminal, so the screen at any
 * moment can be read cell by cell: the SVG writer draws these screens, and
 * tests check "the screen at each marker" without a real terminal.
 *
 * xterm parses writes asynchronously; every read here waits for the write
 * callbacks first, so the same cast and times always give the same screens.
 */
import xterm from '@xterm/headless';
import {eastAsianWidth} from 'get-east-asian-width';
import {markers, type Cast} from '../cast.js';

const {Terminal} = xterm;
type HeadlessTerminal = InstanceType<typeof Terminal>;
type UnicodeProvider = Parameters<HeadlessTerminal['unicode']['register']>[0];

// string-width's rules for one character: nothing for what does not print, two columns for emoji, else its East Asian Width.
const invisible = /[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}]/u;
const emojiPresentation = /\p{Emoji_Presentation}/u;
const emojiCapable = /\p{Emoji}/u;
const pictographic = /\p{Extended_Pictographic}/u;

// xterm packs a character's properties as (kind << 3) | (width << 1) | joinsPrevious; the kind is the provider's own.
const plain = 0;
const emoji = 1;
const emojiJoiner = 2;
const pack = (kind: number, width: number, joins: boolean) => (kind << 3) | (width << 1) | (joins ? 1 : 0);
const variationSelector16 = 0xFE0F;
const zeroWidthJoiner = 0x200D;

const propertyCache = new Map<number, {width: 0 | 1 | 2; kind: number}>();

function propertiesOf(codepoint: number): {width: 0 | 1 | 2; kind: number} {
	let properties = propertyCache.get(codepoint);
	if (!properties) {
		const character = String.fromCodePoint(codepoint);
		const width = codepoint < 32 ? 0 : invisible.test(character) ? 0 : emojiPresentation.test(character) ? 2 : eastAsianWidth(codepoint) === 2 ? 2 : 1;
		properties = {width, kind: emojiCapable.test(character) ? emoji : plain};
		propertyCache.set(codepoint, properties);
	}
	return properties;
}

/**
 * Character widths as Ink measures them (string-width, over the same East
 * Asian Width tables), so a line the app laid out with an emoji lands in the
 * same columns here; xterm's built-in table is Unicode 6, where emoji take
 * one column. A zero-width character joins the one before it, as in xterm's
 * own providers; VS16 makes the emoji before it two columns wide, and a ZWJ
 * sequence of emoji is one two-column character, as string-width counts them.
 */
const inkWidths: UnicodeProvider = {
	version: 'string-width',
	wcwidth(codepoint) {
		return propertiesOf(codepoint).width;
	},
	charProperties(codepoint, preceding) {
		const precedingKind = preceding >> 3;
		const precedingWidth = (preceding >> 1) & 3;
		if (codepoint === variationSelector16 && precedingKind === emoji) return pack(emoji, 2, true);
		if (codepoint === zeroWidthJoiner && precedingKind === emoji) return pack(emojiJoiner, precedingWidth, true);
		const {width, kind} = propertiesOf(codepoint);
		if (precedingKind === emojiJoiner && pictographic.test(String.fromCodePoint(codepoint))) return pack(emoji, precedingWidth, true);
		if (width === 0 && preceding !== 0 && precedingWidth > 0) return pack(precedingKind, precedingWidth, true);
		return pack(kind, width, false);
	},
};

/** A cell's colour: null for the terminal's default, 0–255 for a palette index, '#rrggbb' for 24-bit colour. */
export type CellColor = number | string | null;

export type Cell = {
	/** The character(s) drawn in the cell; '' for the second column of a wide character, ' ' for an empty cell. */
	char: string;
	/** Columns the character takes: 1, 2 for a wide character, 0 for the column after one. */
	width: number;
	fg: CellColor;
	bg: CellColor;
	bold: boolean;
	italic: boolean;
	underline: boolean;
	inverse: boolean;
	dim: boolean;
};

export type Snapshot = {
	/** Seconds since the start of the cast: the screen shows every event up to and including this time. */
	time: number;
	cols: number;
	rows: number;
	/** `rows` rows of `cols` cells each. */
	cells: Cell[][];
	/** Each row as plain text, trailing blanks trimmed. */
	lines: string[];
	/** Where the cursor is (0-based) and whether it is shown (an app hides it with `ESC[?25l`). */
	cursor: {x: number; y: number; visible: boolean};
};

/** Parses a resize event's data, "COLSxROWS"; undefined for anything else. */
export function parseResize(data: string): {cols: number; rows: number} | undefined {
	const match = /^(\d+)x(\d+)$/.exec(data.trim());
	if (!match) return undefined;
	const cols = Number(match[1]);
	const rows = Number(match[2]);
	return cols > 0 && rows > 0 ? {cols, rows} : undefined;
}

function colorOf(value: number, isDefault: boolean, isRgb: boolean): CellColor {
	if (isDefault) return null;
	if (isRgb) return `#${value.toString(16).padStart(6, '0')}`;
	return value;
}

function readScreen(terminal: HeadlessTerminal, time: number): Snapshot {
	const buffer = terminal.buffer.active;
	const reused = buffer.getNullCell();
	const cells: Cell[][] = [];
	const lines: string[] = [];
	for (let y = 0; y < terminal.rows; y++) {
		const line = buffer.getLine(buffer.baseY + y);
		const row: Cell[] = [];
		for (let x = 0; x < terminal.cols; x++) {
			const cell = line?.getCell(x, reused);
			if (!cell) {
				row.push({char: ' ', width: 1, fg: null, bg: null, bold: false, italic: false, underline: false, inverse: false, dim: false});
				continue;
			}
			const width = cell.getWidth();
			row.push({
				char: width === 0 ? '' : cell.getChars() || ' ',
				width,
				fg: colorOf(cell.getFgColor(), cell.isFgDefault(), cell.isFgRGB()),
				bg: colorOf(cell.getBgColor(), cell.isBgDefault(), cell.isBgRGB()),
				bold: cell.isBold() !== 0,
				italic: cell.isItalic() !== 0,
				underline: cell.isUnderline() !== 0,
				inverse: cell.isInverse() !== 0,
				dim: cell.isDim() !== 0,
			});
		}
		cells.push(row);
		lines.push(line?.translateToString(true) ?? '');
	}
	// The public API has no cursor-visibility flag; DECTCEM's state lives in the core service.
	const core = (terminal as unknown as {_core?: {coreService?: {isCursorHidden?: boolean}}})._core;
	const visible = core?.coreService?.isCursorHidden !== true;
	return {time, cols: terminal.cols, rows: terminal.rows, cells, lines, cursor: {x: buffer.cursorX, y: buffer.cursorY, visible}};
}

/**
 * Plays the cast and yields the screen at each of `times` (seconds since the
 * start; sorted ascending, or they are sorted here). The screen at a time
 * shows every event at or before it. Without `times`, yields the screen after
 * each distinct event time. Resize events ("r", "COLSxROWS") resize the
 * terminal; input and marker events change nothing on screen.
 */
export async function* screens(cast: Cast, times?: Iterable<number>): AsyncGenerator<Snapshot> {
	const samples = times === undefined
		? [...new Set(cast.events.map(event => event[0]))]
		: [...times].sort((a, b) => a - b);
	const terminal = new Terminal({
		cols: cast.header.width,
		rows: cast.header.height,
		// The Unicode API (custom character widths) is a proposed one.
		allowProposedApi: true,
		scrollback: 0,
	});
	terminal.unicode.register(inkWidths);
	terminal.unicode.activeVersion = inkWidths.version;
	let pending: Promise<void> | undefined;
	const settle = async () => {
		if (pending) await pending;
		pending = undefined;
	};
	try {
		let next = 0;
		for (const time of samples) {
			for (; next < cast.events.length && cast.events[next]![0] <= time; next++) {
				const [, code, data] = cast.events[next]!;
				if (code === 'o') {
					// Writes are queued in order; only the last one's callback needs waiting for.
					pending = new Promise(resolve => terminal.write(data, resolve));
				} else if (code === 'r') {
					const size = parseResize(data);
					if (!size) continue;
					await settle();
					terminal.resize(size.cols, size.rows);
				}
			}
			await settle();
			yield readScreen(terminal, time);
		}
	} finally {
		terminal.dispose();
	}
}

/** The screen at `seconds` since the start of the cast (every event at or before it applied). */
export async function screenAt(cast: Cast, seconds: number): Promise<Snapshot> {
	for await (const snapshot of screens(cast, [seconds])) return snapshot;
	throw new Error('unreachable: one time gives one screen');
}

/** The screen at each marker ("m" event) of the cast, with the marker's title. */
export async function screensAtMarkers(cast: Cast): Promise<Array<{time: number; title: string; screen: Snapshot}>> {
	const marks = markers(cast);
	const result: Array<{time: number; title: string; screen: Snapshot}> = [];
	let index = 0;
	for await (const screen of screens(cast, marks.map(mark => mark.time))) {
		result.push({...marks[index]!, screen});
		index++;
	}
	return result;
}

/**
 * The screen that shows `text` (lines of styled text, such as one frame of
 * Ink's output) on a terminal of `cols` × `rows`, each line from the start of
 * its row, the cursor hidden: what a tape's `Screenshot FILE.svg` draws.
 */
export async function screenOfText(text: string, size: {cols: number; rows: number}): Promise<Snapshot> {
	const lines = text.split('\n').slice(0, size.rows).map((line, row) => `\u001B[${row + 1};1H${line}`);
	const cast: Cast = {header: {version: 2, width: size.cols, height: size.rows}, events: [[0, 'o', `\u001B[?25l${lines.join('')}`]]};
	return screenAt(cast, 0);
}
