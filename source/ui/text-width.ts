/**
 * Text measured and cut by display width, the columns a terminal gives it: a
 * CJK character or an emoji takes two. Every line the dashboard cuts to fit
 * goes through here (Ink's own truncation can let a wide character straddle
 * the last column and then add its ellipsis, one column too many).
 */
import stringWidth from 'string-width';

const ascii = /^[\x20-\x7e]*$/;

/** Columns `text` takes. */
export function displayWidth(text: string): number {
	return ascii.test(text) ? text.length : stringWidth(text);
}

/** `text` cut to at most `width` columns, with `…` when cut (never splitting a wide character). */
export function truncateToWidth(text: string, width: number): string {
	if (width <= 0) return '';
	if (displayWidth(text) <= width) return text;
	if (ascii.test(text)) return width === 1 ? text.slice(0, 1) : `${text.slice(0, width - 1)}…`;
	const room = width === 1 ? 1 : width - 1;
	let out = '';
	let used = 0;
	for (const char of text) {
		const w = stringWidth(char);
		if (used + w > room) break;
		out += char;
		used += w;
	}
	return width === 1 ? out : `${out}…`;
}

/**
 * `text` cut to at most `width` columns with `…` in the middle, keeping its
 * start and its end (`kubari…worker2`); a cut at the end below 5 columns.
 */
export function truncateMiddle(text: string, width: number): string {
	if (displayWidth(text) <= width) return text;
	if (width < 5) return truncateToWidth(text, width);
	const chars = [...text];
	const tailRoom = Math.floor((width - 1) / 2);
	let tail = '';
	let used = 0;
	for (let i = chars.length - 1; i >= 0; i--) {
		const w = stringWidth(chars[i]!);
		if (used + w > tailRoom) break;
		tail = chars[i]! + tail;
		used += w;
	}
	const head = truncateToWidth(text, width - used);
	return head.endsWith('…') ? head + tail : `${head.slice(0, -1)}…${tail}`;
}

/** `text` cut or padded to exactly `width` columns (cut at the end, or in the middle). */
export function fitToWidth(text: string, width: number, align: 'left' | 'right' = 'left', ellipsis: 'end' | 'middle' = 'end'): string {
	const cut = ellipsis === 'middle' ? truncateMiddle(text, width) : truncateToWidth(text, width);
	const pad = ' '.repeat(Math.max(0, width - displayWidth(cut)));
	return align === 'right' ? pad + cut : cut + pad;
}

/** `text` in pieces of at most `width` columns (wrapping a long line). */
export function wrapToWidth(text: string, width: number): string[] {
	const w = Math.max(1, width);
	if (displayWidth(text) <= w) return [text];
	const out: string[] = [];
	let line = '';
	let used = 0;
	for (const char of text) {
		const cw = stringWidth(char);
		if (used + cw > w && line) {
			out.push(line);
			line = '';
			used = 0;
		}
		line += char;
		used += cw;
	}
	if (line) out.push(line);
	return out;
}

/**
 * The part of `text` from column `from`, at most `width` columns, with `…`
 * when the text goes on past the right edge (a line scrolled sideways). A
 * wide character cut by the left edge leaves a space.
 */
export function sliceColumns(text: string, from: number, width: number): string {
	if (width <= 0) return '';
	const start = Math.max(0, from);
	if (start === 0) return truncateToWidth(text, width);
	if (ascii.test(text)) return truncateToWidth(text.slice(start), width);
	let used = 0;
	let rest = '';
	for (const char of text) {
		const w = stringWidth(char);
		if (used >= start) rest += char;
		else if (used + w > start) rest += ' '.repeat(used + w - start);
		used += w;
	}
	return truncateToWidth(rest, width);
}
