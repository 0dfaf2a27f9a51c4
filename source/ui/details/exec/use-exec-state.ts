import {useReducer} from 'react';

/** Lines of scrollback the exec page keeps. */
export const scrollbackCapacity = 2000;

/** Lines typed that the history keeps. */
export const historyCapacity = 200;

/** An in-app exec session's screen: the lines run (newest first) and the scrollback. */
export type ExecState = {
	/** Lines run, newest first (the text input walks them with ↑/↓). */
	history: string[];
	/** Output lines, oldest first, bounded. */
	output: string[];
	/** Lines scrolled back from the end (0 = at the end). */
	back: number;
};

export type ExecAction =
	| {type: 'submitted'; line: string; output: string[]}
	| {type: 'print'; output: string[]}
	| {type: 'clear'}
	| {type: 'scroll'; by: number; height: number};

export function initialExecState(banner: string[] = []): ExecState {
	return {history: [], output: banner, back: 0};
}

function append(output: string[], lines: string[]): string[] {
	const all = [...output, ...lines];
	return all.length > scrollbackCapacity ? all.slice(all.length - scrollbackCapacity) : all;
}

export function execReducer(state: ExecState, action: ExecAction): ExecState {
	switch (action.type) {
		case 'submitted': {
			const history = action.line.trim() && state.history[0] !== action.line ? [action.line, ...state.history].slice(0, historyCapacity) : state.history;
			return {history, output: append(state.output, action.output), back: 0};
		}
		case 'print':
			return {...state, output: append(state.output, action.output), back: 0};
		case 'clear':
			return {...state, output: [], back: 0};
		case 'scroll': {
			const max = Math.max(0, state.output.length - action.height);
			return {...state, back: Math.min(max, Math.max(0, state.back - action.by))};
		}
	}
}

export function useExecState(banner: string[]) {
	return useReducer(execReducer, banner, initialExecState);
}
