import {useReducer} from 'react';

/** A one-line prompt's state: the text and the last error shown under it. */
export type PromptState = {value: string; error?: string};

export type PromptAction = {type: 'change'; value: string} | {type: 'error'; message: string};

/**
 * Ink hands several keys that arrive in one read as one string, so a burst
 * of Backspaces (a fast typist, tmux send-keys, a paste) reaches the text
 * input as literal DEL/BS characters. Apply them as deletions and drop any
 * other control character.
 */
export function applyControlEdits(value: string): string {
	if (!/[\u0000-\u001f\u007f]/.test(value)) return value;
	const out: string[] = [];
	for (const char of value) {
		if (char === '\u007f' || char === '\b') out.pop();
		else if (char >= ' ' && char !== '\u007f') out.push(char);
	}
	return out.join('');
}

export function promptReducer(state: PromptState, action: PromptAction): PromptState {
	switch (action.type) {
		case 'change':
			return {value: applyControlEdits(action.value)};
		case 'error':
			return {...state, error: action.message};
	}
}

export function usePromptState(initial: string) {
	return useReducer(promptReducer, {value: initial});
}
