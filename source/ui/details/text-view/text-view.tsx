import React, {useMemo, useRef, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {usePageKeys, useTheme, type ActionHandler, type KeyBinding, type KeyEvent} from '../../app/contract.js';
import {columnIndicator, scrollBindings, scrollHandlers, sidewaysBindings, sidewaysHandlers} from '../../components/scroll-keys.js';
import {displayWidth, sliceColumns, wrapToWidth} from '../../text-width.js';
import {TextInput} from '../../components/text-input/text-input.js';
import {useTextInput} from '../../components/text-input/use-text-input.js';
import {matchingLines, topLine, useTextViewState, type TextViewAction, type TextViewState} from './use-text-view-state.js';

export type TextViewProps = {
	/** The text, one entry per line, already sanitised. */
	lines: readonly string[];
	width: number;
	/** Rows for the text and its status line. */
	height: number;
	/** Start with long lines wrapped instead of cut (`w` toggles). */
	wrap?: boolean;
	/** Start following the end (logs). */
	follow?: boolean;
	/** Text after the position in the status line (toggles, mode); a function sees the view's own state (follow). */
	indicator?: string | ((state: TextViewState) => string);
	/** The indicator shows the Wrap flag itself (logs, among their toggles); else the status line ends with it. */
	indicatorHasWrap?: boolean;
	/** Colour for a line (YAML keys, log levels); plain when absent. */
	colorOf?: (line: string) => string | undefined;
	/** The page's own bindings and handlers, merged with the text keys. */
	bindings?: KeyBinding[];
	handlers?: Record<string, ActionHandler>;
	/** Sees keys first (e.g. a prompt of the page); return true when consumed. */
	onKey?: (event: KeyEvent) => boolean;
	/** Hand the state's dispatcher to the parent (logs toggle follow through it). */
	control?: (state: TextViewState, dispatch: (action: TextViewAction) => void) => void;
};

export const textBindings: KeyBinding[] = [
	{key: '/', action: 'text.search', description: 'Search'},
	{key: 'n', action: 'text.next', description: 'Next match', visible: false},
	{key: 'shift-n', action: 'text.previous', description: 'Previous match', visible: false},
	{key: 'w', action: 'text.wrap', description: 'Wrap'},
	...scrollBindings,
	...sidewaysBindings,
];

/** The rows a text takes on screen. */
export type TextLayout = {
	/** One entry per screen row: a wrapped piece, or a whole line (cut when drawn). */
	rows: readonly string[];
	/** The line each row comes from; absent when rows are the lines. */
	origin?: readonly number[];
	/** Display width of the widest line (0 while wrapping: nothing to scroll sideways). */
	widest: number;
};

/**
 * Rows for a text at a width: wrapped pieces (each a row for scrolling and
 * search), or the lines themselves, cut when drawn from the first visible
 * column. Measured by display width (object text is already free of controls).
 */
export function layoutText(lines: readonly string[], width: number, wrap: boolean): TextLayout {
	const w = Math.max(1, width);
	if (!wrap) {
		let widest = 0;
		// A UTF-16 unit takes at most two columns: a line that short cannot be the widest.
		for (const line of lines) if (line.length * 2 > widest) widest = Math.max(widest, displayWidth(line));
		return {rows: lines, widest};
	}
	const rows: string[] = [];
	const origin: number[] = [];
	lines.forEach((line, i) => {
		for (const piece of wrapToWidth(line, w)) {
			rows.push(piece);
			origin.push(i);
		}
	});
	return {rows, origin, widest: 0};
}

/** The row of `layout` where line `line` starts. */
export function rowOfLine(layout: TextLayout, line: number): number {
	if (!layout.origin) return line;
	let low = 0;
	let high = layout.origin.length;
	while (low < high) {
		const mid = (low + high) >> 1;
		if (layout.origin[mid]! < line) low = mid + 1;
		else high = mid;
	}
	return low;
}


/**
 * A scrollable, searchable text page: describe, YAML, logs, shell output.
 * Only the visible lines are rendered.
 */
export function TextView(props: TextViewProps) {
	const theme = useTheme();
	const [state, dispatch] = useTextViewState(props.follow ?? false, props.wrap ?? false);
	const layout = useMemo(() => layoutText(props.lines, props.width, state.wrap), [props.lines, props.width, state.wrap]);
	const lines = layout.rows;
	const textHeight = Math.max(1, props.height - 1);
	props.control?.(state, dispatch);
	const total = lines.length;
	const maxLeft = Math.max(0, layout.widest - props.width);
	const left = Math.min(state.left, maxLeft);
	const sideways = {width: props.width, maxLeft};
	const scroll = (by: number) => dispatch({type: 'scroll', by, total, height: textHeight});
	// Read at every key, so a search typed and submitted in one read (a paste) is not lost.
	const searching = useRef(false);
	searching.current = state.searching;
	const search = useTextInput({
		onChange: query => dispatch({type: 'search-set', query}),
		onSubmit: () => {
			searching.current = false;
			dispatch({type: 'search-done', lines, height: textHeight, sideways});
		},
		onCancel: () => {
			searching.current = false;
			dispatch({type: 'search-cancel'});
		},
	});
	usePageKeys({
		bindings: [...(props.bindings ?? []), ...textBindings],
		handlers: {
			...props.handlers,
			'text.search': () => {
				searching.current = true;
				dispatch({type: 'search-start'});
				search.set('');
			},
			'text.next': () => dispatch({type: 'next-match', lines, height: textHeight, by: 1, sideways}),
			'text.previous': () => dispatch({type: 'next-match', lines, height: textHeight, by: -1, sideways}),
			'text.wrap': () => {
				// The line at the top stays at the top.
				const line = layout.origin?.[topLine(state, total, textHeight)] ?? topLine(state, total, textHeight);
				dispatch({type: 'wrap', on: !state.wrap, top: rowOfLine(layoutText(props.lines, props.width, !state.wrap), line)});
			},
			...sidewaysHandlers({width: props.width, by: columns => dispatch({type: 'scroll-x', by: columns, maxLeft})}),
			...scrollHandlers({
				down: () => scroll(1),
				up: () => scroll(-1),
				pageDown: () => scroll(textHeight),
				pageUp: () => scroll(-textHeight),
				top: () => dispatch({type: 'top'}),
				bottom: () => dispatch({type: 'bottom', total, height: textHeight}),
			}),
		},
		onKey: event => {
			if (searching.current) {
				search.handleKey(event);
				return event.name !== 'ctrl-c';
			}
			if (event.name === 'esc' && state.query) {
				dispatch({type: 'search-cancel'});
				return true;
			}
			return props.onKey?.(event) ?? false;
		},
	});
	const top = topLine(state, total, textHeight);
	const visible = lines.slice(top, top + textHeight);
	const matches = useMemo(() => new Set(matchingLines(lines, state.searching ? '' : state.query)), [lines, state.query, state.searching]);
	const indicator = typeof props.indicator === 'function' ? props.indicator(state) : props.indicator;
	const position = total === 0 ? '[0/0]' : `[${top + 1}-${Math.min(total, top + textHeight)}/${total}]`;
	const columns = state.wrap ? '' : columnIndicator(left, props.width, layout.widest);
	const status = [
		`${position}${state.query ? ` /${state.query} (${matches.size} matches)` : ''}`,
		columns,
		indicator,
		props.indicatorHasWrap ? '' : `Wrap:${state.wrap ? 'On' : 'Off'}`,
	].filter(Boolean).join('  ');
	return (
		<Box flexDirection="column" width={props.width} height={props.height}>
			{visible.map((line, i) => (
				<Line key={top + i} text={state.wrap ? line : sliceColumns(line, left, props.width)} query={matches.has(top + i) ? state.query : ''} color={props.colorOf?.(line)} highlight={theme.frame.title.highlight} mono={theme.mono}/>
			))}
			{visible.length < textHeight ? <Box height={textHeight - visible.length}/> : null}
			{state.searching ? (
				<Box width={props.width}>
					<Text color={theme.frame.title.filter}>/</Text>
					<TextInput value={search.state.value} cursor={search.state.cursor} width={Math.max(1, props.width - 1)} color={theme.frame.title.filter}/>
				</Box>
			) : <Text color={theme.frame.title.filter} wrap="truncate">{status}</Text>}
		</Box>
	);
}

function Line({text, query, color, highlight, mono}: {text: string; query: string; color?: string; highlight?: string; mono: boolean}): ReactNode {
	if (!query) return <Text color={color} wrap="truncate">{text || ' '}</Text>;
	const at = text.toLowerCase().indexOf(query.toLowerCase());
	if (at < 0) return <Text color={color} wrap="truncate">{text}</Text>;
	return (
		<Text color={color} wrap="truncate">
			{text.slice(0, at)}
			<Text inverse={mono || !highlight} backgroundColor={mono ? undefined : highlight} color={mono ? undefined : 'black'}>{text.slice(at, at + query.length)}</Text>
			{text.slice(at + query.length)}
		</Text>
	);
}
