import React from 'react';
import {Text} from 'ink';
import stringWidth from 'string-width';
import {cursorParts} from './text-input-state.js';

export type TextInputProps = {
	/** The text. */
	value: string;
	/** Cursor position in code points. */
	cursor: number;
	/** Columns the field may take (the text scrolls sideways to keep the cursor in view). */
	width: number;
	/** Show the cursor (false while another widget has the keyboard). */
	focus?: boolean;
	/** Text colour. */
	color?: string;
	/** A completion of the text, shown dimmed after it (only while the cursor is at the end). */
	suggestion?: string;
	/** Colour of the suggestion. */
	suggestionColor?: string;
};

/**
 * The slice of `chars` to show in `width` columns with the cursor at
 * `cursor` in view, measured by display width (a wide character takes two).
 */
export function visibleWindow(chars: readonly string[], cursor: number, width: number): {start: number; end: number} {
	const w = (i: number) => (i < chars.length ? Math.max(1, stringWidth(chars[i]!)) : 1);
	const room = Math.max(1, width);
	let start = cursor;
	let end = cursor + 1;
	let used = w(cursor);
	while (start > 0 && used + w(start - 1) <= room) used += w(--start);
	while (end < chars.length && used + w(end) <= room) used += w(end++);
	return {start, end: Math.min(end, chars.length)};
}

/** One line of editable text with a block cursor. */
export function TextInput({value, cursor, width, focus = true, color, suggestion, suggestionColor}: TextInputProps) {
	const chars = [...value];
	const {start, end} = visibleWindow(chars, cursor, width);
	const shown = {value: chars.slice(start, end).join(''), cursor: cursor - start};
	const {before, at, after} = cursorParts(shown);
	const atEnd = cursor >= chars.length;
	const used = stringWidth(before) + stringWidth(at) + stringWidth(after);
	const rest = focus && atEnd && suggestion && suggestion.startsWith(value) ? [...suggestion.slice(value.length)] : [];
	let tail = '';
	let room = width - used;
	for (const char of rest) {
		const cw = stringWidth(char);
		if (cw > room) break;
		tail += char;
		room -= cw;
	}
	return (
		<Text wrap="truncate">
			<Text color={color}>{before}</Text>
			{focus ? <Text inverse>{at}</Text> : <Text color={color}>{at === ' ' && atEnd ? '' : at}</Text>}
			<Text color={color}>{after}</Text>
			{tail ? <Text color={suggestionColor} dimColor>{tail}</Text> : null}
		</Text>
	);
}
