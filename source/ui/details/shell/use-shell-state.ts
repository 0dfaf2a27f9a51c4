import {useReducer} from 'react';

/** Lines of scrollback the shell keeps. */
export const scrollbackCapacity = 2000;

/** An in-app exec prompt: the line being typed, its history and the scrollback. */
export type ShellState = {
	input: string;
	history: string[];
	/** Position while walking the history with ↑/↓; history.length = the new line. */
	historyIndex: number;
	/** Output lines, oldest first, bounded. */
	output: string[];
	/** Lines scrolled back from the end (0 = at the end). */
	back: number;
};

export type ShellAction =
	| {type: 'type'; text: string}
	| {type: 'backspace'}
	| {type: 'clear-line'}
	| {type: 'history'; by: -1 | 1}
	| {type: 'submitted'; line: string; output: string[]}
	| {type: 'clear'}
	| {type: 'scroll'; by: number; height: number};

export function initialShellState(banner: string[] = []): ShellState {
	return {input: '', history: [], historyIndex: 0, output: banner, back: 0};
}

export function shellReducer(state: ShellState, action: ShellAction): ShellState {
	switch (action.type) {
		case 'type':
			return {...state, input: state.input + action.text};
		case 'backspace':
			return {...state, input: state.input.slice(0, -1)};
		case 'clear-line':
			return {...state, input: ''};
		case 'history': {
			const index = Math.min(state.history.length, Math.max(0, state.historyIndex + action.by));
			return {...state, historyIndex: index, input: index === state.history.length ? '' : state.history[index]!};
		}
		case 'submitted': {
			const history = action.line.trim() && state.history[state.history.length - 1] !== action.line ? [...state.history, action.line].slice(-200) : state.history;
			const output = [...state.output, ...action.output];
			return {input: '', history, historyIndex: history.length, output: output.length > scrollbackCapacity ? output.slice(output.length - scrollbackCapacity) : output, back: 0};
		}
		case 'clear':
			return {...state, output: [], back: 0};
		case 'scroll': {
			const max = Math.max(0, state.output.length - action.height);
			return {...state, back: Math.min(max, Math.max(0, state.back - action.by))};
		}
	}
}

export function useShellState(banner: string[]) {
	return useReducer(shellReducer, banner, initialShellState);
}
