import {useReducer} from 'react';

/** A one-line prompt's state: the text and the last error shown under it. */
export type PromptState = {value: string; error?: string};

export type PromptAction = {type: 'change'; value: string} | {type: 'error'; message: string};

export function promptReducer(state: PromptState, action: PromptAction): PromptState {
	switch (action.type) {
		case 'change':
			return {value: action.value};
		case 'error':
			return {...state, error: action.message};
	}
}

export function usePromptState(initial: string) {
	return useReducer(promptReducer, {value: initial});
}
