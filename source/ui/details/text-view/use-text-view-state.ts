import {useReducer} from 'react';
import {displayWidth} from '../../text-width.js';

/** A scrollable text with incremental search, as k9s' describe/YAML/log views. */
export type TextViewState = {
	/** First visible line; ignored while following the end. */
	top: number;
	/** Keep the last line in view (logs); scrolling up turns it off. */
	follow: boolean;
	/** Search text being typed (`/`), or the applied one. */
	query: string;
	searching: boolean;
	/** Index into the matching line numbers. */
	match: number;
	/** Long lines wrap onto more rows (`w`); else they are cut at the right edge. */
	wrap: boolean;
	/** First visible column when lines are cut (←/→); 0 while wrapping. */
	left: number;
};

export function initialTextViewState(follow = false, wrap = false): TextViewState {
	return {top: 0, follow, query: '', searching: false, match: 0, wrap, left: 0};
}

/** What the view shows sideways: its width and how far right it can scroll. */
export type Sideways = {width: number; maxLeft: number};

export type TextViewAction =
	| {type: 'scroll'; by: number; total: number; height: number}
	| {type: 'top'}
	| {type: 'bottom'; total: number; height: number}
	| {type: 'follow'; on: boolean}
	| {type: 'search-start'}
	| {type: 'search-set'; query: string}
	| {type: 'search-done'; lines: readonly string[]; height: number; sideways?: Sideways}
	| {type: 'search-cancel'}
	| {type: 'next-match'; lines: readonly string[]; height: number; by: 1 | -1; sideways?: Sideways}
	/** Wrap on or off; `top` is the row that shows the line that was at the top. */
	| {type: 'wrap'; on: boolean; top: number}
	| {type: 'scroll-x'; by: number; maxLeft: number};

/** Line numbers that contain the query, case-insensitively. */
export function matchingLines(lines: readonly string[], query: string): number[] {
	if (!query) return [];
	const needle = query.toLowerCase();
	const out: number[] = [];
	lines.forEach((line, i) => {
		if (line.toLowerCase().includes(needle)) out.push(i);
	});
	return out;
}

/** The first visible line for a state, clamped to the text. */
export function topLine(state: TextViewState, total: number, height: number): number {
	const max = Math.max(0, total - height);
	return state.follow ? max : Math.min(Math.max(0, state.top), max);
}

function centreOn(line: number, total: number, height: number): number {
	return Math.min(Math.max(0, total - height), Math.max(0, line - Math.floor(height / 3)));
}

/** The first column that shows the query's match in `line` (unchanged when it is in view already). */
function revealColumn(state: TextViewState, line: string, sideways: Sideways | undefined): number {
	if (state.wrap || !sideways) return state.left;
	const at = line.toLowerCase().indexOf(state.query.toLowerCase());
	if (at < 0) return state.left;
	const start = displayWidth(line.slice(0, at));
	const end = start + displayWidth(line.slice(at, at + state.query.length));
	// The last column holds the `…` of a cut line.
	if (start >= state.left && end <= state.left + sideways.width - 1) return state.left;
	return Math.min(sideways.maxLeft, Math.max(0, start - Math.floor(sideways.width / 4)));
}

export function textViewReducer(state: TextViewState, action: TextViewAction): TextViewState {
	switch (action.type) {
		case 'scroll': {
			const max = Math.max(0, action.total - action.height);
			const top = Math.min(max, Math.max(0, topLine(state, action.total, action.height) + action.by));
			return {...state, top, follow: state.follow && action.by > 0 ? true : state.follow && top >= max};
		}
		case 'top':
			return {...state, top: 0, follow: false};
		case 'bottom':
			return {...state, top: Math.max(0, action.total - action.height)};
		case 'follow':
			return {...state, follow: action.on};
		case 'search-start':
			return {...state, searching: true, query: ''};
		case 'search-set':
			return {...state, query: action.query};
		case 'search-cancel':
			return {...state, searching: false, query: '', match: 0};
		case 'search-done': {
			const matches = matchingLines(action.lines, state.query);
			const first = matches[0];
			if (first === undefined) return {...state, searching: false, match: 0};
			return {...state, searching: false, match: 0, follow: false, top: centreOn(first, action.lines.length, action.height), left: revealColumn(state, action.lines[first]!, action.sideways)};
		}
		case 'next-match': {
			const matches = matchingLines(action.lines, state.query);
			if (matches.length === 0) return state;
			const match = (state.match + action.by + matches.length) % matches.length;
			const line = matches[match]!;
			return {...state, match, follow: false, top: centreOn(line, action.lines.length, action.height), left: revealColumn(state, action.lines[line]!, action.sideways)};
		}
		case 'wrap':
			return {...state, wrap: action.on, top: action.top, left: 0};
		case 'scroll-x':
			return state.wrap ? state : {...state, left: Math.min(action.maxLeft, Math.max(0, state.left + action.by))};
	}
}

export function useTextViewState(follow = false, wrap = false) {
	return useReducer(textViewReducer, {follow, wrap}, options => initialTextViewState(options.follow, options.wrap));
}
