import React, {useMemo, useRef, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {usePageKeys, useTheme, type ActionHandler, type KeyBinding, type KeyEvent} from '../../app/contract.js';
import {scrollBindings, scrollHandlers} from '../../components/scroll-keys.js';
import {truncateToWidth, wrapToWidth} from '../../text-width.js';
import {TextInput} from '../../components/text-input/text-input.js';
import {useTextInput} from '../../components/text-input/use-text-input.js';
import {matchingLines, topLine, useTextViewState, type TextViewAction, type TextViewState} from './use-text-view-state.js';

export type TextViewProps = {
	/** The text, one entry per line, already sanitised. */
	lines: readonly string[];
	width: number;
	/** Rows for the text and its status line. */
	height: number;
	/** Wrap long lines instead of cutting them. */
	wrap?: boolean;
	/** Start following the end (logs). */
	follow?: boolean;
	/** Text after the position in the status line (toggles, mode); a function sees the view's own state (follow). */
	indicator?: string | ((state: TextViewState) => string);
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
	...scrollBindings,
];

/** Cut or wrap lines to the width, measured by display width (object text is already free of controls). */
export function layoutLines(lines: readonly string[], width: number, wrap: boolean): string[] {
	const w = Math.max(1, width);
	if (!wrap) return lines.map(line => truncateToWidth(line, w));
	const out: string[] = [];
	for (const line of lines) out.push(...wrapToWidth(line, w));
	return out;
}

/**
 * A scrollable, searchable text page: describe, YAML, logs, shell output.
 * Only the visible lines are rendered.
 */
export function TextView(props: TextViewProps) {
	const theme = useTheme();
	const [state, dispatch] = useTextViewState(props.follow ?? false);
	const lines = useMemo(() => layoutLines(props.lines, props.width, props.wrap ?? false), [props.lines, props.width, props.wrap]);
	const textHeight = Math.max(1, props.height - 1);
	props.control?.(state, dispatch);
	const total = lines.length;
	const scroll = (by: number) => dispatch({type: 'scroll', by, total, height: textHeight});
	// Read at every key, so a search typed and submitted in one read (a paste) is not lost.
	const searching = useRef(false);
	searching.current = state.searching;
	const search = useTextInput({
		onChange: query => dispatch({type: 'search-set', query}),
		onSubmit: () => {
			searching.current = false;
			dispatch({type: 'search-done', lines, height: textHeight});
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
			'text.next': () => dispatch({type: 'next-match', lines, height: textHeight, by: 1}),
			'text.previous': () => dispatch({type: 'next-match', lines, height: textHeight, by: -1}),
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
	const status = `${position}${state.query ? ` /${state.query} (${matches.size} matches)` : ''}${indicator ? `  ${indicator}` : ''}`;
	return (
		<Box flexDirection="column" width={props.width} height={props.height}>
			{visible.map((line, i) => (
				<Line key={top + i} text={line} query={matches.has(top + i) ? state.query : ''} color={props.colorOf?.(line)} highlight={theme.frame.title.highlight} mono={theme.mono}/>
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
