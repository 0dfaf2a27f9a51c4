import {useReducer} from 'react';

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
};

export function initialTextViewState(follow = false): TextViewState {
	return {top: 0, follow, query: '', searching: false, match: 0};
}

export type TextViewAction =
	| {type: 'scroll'; by: number; total: number; height: number}
	| {type: 'top'}
	| {type: 'bottom'; total: number; height: number}
	| {type: 'follow'; on: boolean}
	| {type: 'search-start'}
	| {type: 'search-set'; query: string}
	| {type: 'search-done'; lines: readonly string[]; height: number}
	| {type: 'search-cancel'}
	| {type: 'next-match'; lines: readonly string[]; height: number; by: 1 | -1};

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
			return {...state, searching: false, match: 0, follow: first === undefined ? state.follow : false, top: first === undefined ? state.top : centreOn(first, action.lines.length, action.height)};
		}
		case 'next-match': {
			const matches = matchingLines(action.lines, state.query);
			if (matches.length === 0) return state;
			const match = (state.match + action.by + matches.length) % matches.length;
			return {...state, match, follow: false, top: centreOn(matches[match]!, action.lines.length, action.height)};
		}
	}
}

export function useTextViewState(follow = false) {
	return useReducer(textViewReducer, follow, initialTextViewState);
}
