/**
 * Text that comes from objects (names, labels, annotations, log lines, exec
 * output, system-call arguments) is untrusted: a terminal would obey any
 * control sequence in it (retitle the window, clear the screen, move the
 * cursor, hide text, write the clipboard through OSC 52). Everything here
 * removes those sequences whole, payload included, so what reaches Ink is
 * printable text only.
 */

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;

/**
 * Characters that need handling: C0 and C1 controls, DEL, and the invisible
 * format characters that reorder or hide text (bidi overrides and isolates,
 * "trojan source"; zero-width characters; the BOM; interlinear annotations).
 */
const special = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

export type SanitizeOptions = {
	/** Keep line feeds (multi-line text such as logs or YAML). Default true. */
	multiline?: boolean;
	/** Tab stop width for expanding tabs; tabs are expanded because Ink measures them as one column. Default 8. */
	tabWidth?: number;
};

/**
 * Remove every terminal control sequence and control character from `text`:
 * CSI (`ESC [` … final byte, and 8-bit `0x9b`), OSC (`ESC ]` … BEL or ST, and
 * `0x9d`), DCS/SOS/PM/APC strings (`ESC P|X|^|_` … ST, and `0x90 0x98 0x9e 0x9f`),
 * two- and three-byte escapes (`ESC c`, `ESC ( B`, `ESC 7`), every other C0 and
 * C1 control, DEL, and invisible bidi/format characters. Tabs become spaces; line
 * feeds stay unless `multiline` is false (then they become spaces); a carriage
 * return, which would let a line overwrite itself, is dropped.
 */
export function sanitize(text: string, options: SanitizeOptions = {}): string {
	const multiline = options.multiline ?? true;
	const tabWidth = options.tabWidth ?? 8;
	if (isPlain(text)) return text;
	let out = '';
	let i = 0;
	const n = text.length;
	special.lastIndex = 0;
	while (i < n) {
		// Copy the plain run up to the next character that needs handling.
		special.lastIndex = i;
		const found = special.exec(text);
		const at = found ? found.index : n;
		if (at > i) out += text.slice(i, at);
		if (!found) break;
		i = at;
		const code = text.charCodeAt(i);
		if (code === ESC) {
			i = skipEscape(text, i + 1);
		} else if (code === 0x9b) {
			i = skipCsi(text, i + 1);
		} else if (code === 0x9d || code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) {
			i = skipString(text, i + 1);
		} else if (code === 0x0a) {
			out += multiline ? '\n' : ' ';
			i++;
		} else if (code === 0x09) {
			const column = [...out.slice(out.lastIndexOf('\n') + 1)].length;
			out += ' '.repeat(tabWidth - (column % tabWidth));
			i++;
		} else {
			// Any other C0/C1 control, DEL, or an invisible format character: dropped.
			i++;
		}
	}
	return out;
}

/** One line for a table cell or a title: like `sanitize`, with line feeds turned into spaces. */
export function sanitizeLine(text: string): string {
	return sanitize(text, {multiline: false});
}

/** True when the text has nothing to remove (the common case, kept cheap). */
function isPlain(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
		if (code >= 0x200b && code <= 0x206f) return false;
		if (code >= 0xfeff) return false;
	}
	return true;
}

/** After an ESC: skip the whole sequence it introduces; returns the index after it. */
function skipEscape(text: string, i: number): number {
	if (i >= text.length) return i;
	const next = text.charCodeAt(i);
	if (next === 0x5b) return skipCsi(text, i + 1); // [
	if (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f) return skipString(text, i + 1); // ] P X ^ _
	// nF escapes: intermediate bytes 0x20-0x2f then one final byte 0x30-0x7e (`ESC ( B`, `ESC # 8`).
	let j = i;
	while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
	if (j < text.length) {
		const final = text.charCodeAt(j);
		if (final >= 0x30 && final <= 0x7e) return j + 1;
	}
	// A lone ESC before something else: drop only the ESC.
	return j;
}

/** Skip a control sequence's parameter and intermediate bytes and its final byte. */
function skipCsi(text: string, i: number): number {
	let j = i;
	while (j < text.length) {
		const code = text.charCodeAt(j);
		if (code >= 0x40 && code <= 0x7e) return j + 1;
		if (code === CAN || code === SUB) return j + 1;
		if (code < 0x20 || code >= 0x7f) return j;
		j++;
	}
	return j;
}

/**
 * Skip an OSC/DCS/SOS/PM/APC string up to BEL, ST (`ESC \` or 0x9c), CAN or SUB.
 * An unterminated string ends at the line feed, so one bad line cannot hide the rest of a log.
 */
function skipString(text: string, i: number): number {
	let j = i;
	while (j < text.length) {
		const code = text.charCodeAt(j);
		if (code === BEL || code === 0x9c || code === CAN || code === SUB) return j + 1;
		if (code === ESC) return text.charCodeAt(j + 1) === 0x5c ? j + 2 : j + 1;
		if (code === 0x0a) return j;
		j++;
	}
	return j;
}
