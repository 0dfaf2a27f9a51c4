import React, {useMemo, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {usePageKeys, useTheme, type ActionHandler, type KeyBinding, type KeyEvent} from '../../app/contract.js';
import {keyText} from '../../app/keys.js';
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
	{key: 'j', action: 'text.down', description: 'Down', visible: false},
	{key: 'down', action: 'text.down', description: 'Down', visible: false},
	{key: 'k', action: 'text.up', description: 'Up', visible: false},
	{key: 'up', action: 'text.up', description: 'Up', visible: false},
	{key: 'pgdn', action: 'text.page-down', description: 'Page down', visible: false},
	{key: 'ctrl-f', action: 'text.page-down', description: 'Page down', visible: false},
	{key: 'pgup', action: 'text.page-up', description: 'Page up', visible: false},
	{key: 'ctrl-b', action: 'text.page-up', description: 'Page up', visible: false},
	{key: 'g', action: 'text.top', description: 'Top', visible: false},
	{key: 'shift-g', action: 'text.bottom', description: 'Bottom', visible: false},
];

/** Cut or wrap lines to the width (by code points; object text is already free of controls). */
export function layoutLines(lines: readonly string[], width: number, wrap: boolean): string[] {
	if (!wrap) return lines as string[];
	const out: string[] = [];
	const w = Math.max(1, width);
	for (const line of lines) {
		const chars = [...line];
		if (chars.length <= w) out.push(line);
		else for (let i = 0; i < chars.length; i += w) out.push(chars.slice(i, i + w).join(''));
	}
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
	usePageKeys({
		bindings: [...(props.bindings ?? []), ...textBindings],
		handlers: {
			...props.handlers,
			'text.search': () => dispatch({type: 'search-start'}),
			'text.next': () => dispatch({type: 'next-match', lines, height: textHeight, by: 1}),
			'text.previous': () => dispatch({type: 'next-match', lines, height: textHeight, by: -1}),
			'text.down': () => scroll(1),
			'text.up': () => scroll(-1),
			'text.page-down': () => scroll(textHeight),
			'text.page-up': () => scroll(-textHeight),
			'text.top': () => dispatch({type: 'top'}),
			'text.bottom': () => dispatch({type: 'bottom', total, height: textHeight}),
		},
		onKey: event => {
			if (state.searching) {
				if (event.name === 'esc') dispatch({type: 'search-cancel'});
				else if (event.name === 'enter') dispatch({type: 'search-done', lines, height: textHeight});
				else if (event.name === 'backspace') dispatch({type: 'search-backspace'});
				else if (keyText(event)) dispatch({type: 'search-input', text: keyText(event)});
				return true;
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
	const status = state.searching ? `/${state.query}▏` : `${position}${state.query ? ` /${state.query} (${matches.size} matches)` : ''}${indicator ? `  ${indicator}` : ''}`;
	return (
		<Box flexDirection="column" width={props.width} height={props.height}>
			{visible.map((line, i) => (
				<Line key={top + i} text={line} query={matches.has(top + i) ? state.query : ''} color={props.colorOf?.(line)} highlight={theme.frame.title.highlight} mono={theme.mono}/>
			))}
			{visible.length < textHeight ? <Box height={textHeight - visible.length}/> : null}
			<Text color={theme.frame.title.filter} wrap="truncate">{status}</Text>
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
