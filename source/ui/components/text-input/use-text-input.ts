import {useCallback, useReducer, useRef} from 'react';
import type {KeyEvent} from '../../app/contract.js';
import {createTextInput, editText, setText, type TextInputState} from './text-input-state.js';

export type TextInputOptions = {
	/** Text at first. */
	initial?: string;
	/** Earlier entries, newest first (Up/Down walk them). */
	history?: readonly string[];
	/** Enter, with the text as it stands after every key read before it. */
	onSubmit?: (value: string) => void;
	/** Esc; without it Esc is left to the page (which usually pops). */
	onCancel?: () => void;
	/** The text changed. */
	onChange?: (value: string) => void;
};

export type TextInput = {
	state: TextInputState;
	/** Feed one key from the dispatcher; true when the field used it. */
	handleKey: (event: KeyEvent) => boolean;
	/** Replace the text (cursor at the end). */
	set: (value: string) => void;
};

/**
 * The text field's input hook: its state lives in a ref and each key is
 * applied at once, so text and Enter read together (a paste) submit the
 * whole text; a render follows.
 */
export function useTextInput(options: TextInputOptions = {}): TextInput {
	const [, bump] = useReducer((n: number) => n + 1, 0);
	const ref = useRef<TextInputState>(undefined as unknown as TextInputState);
	if (!ref.current) ref.current = createTextInput(options.initial, options.history);
	if (options.history && options.history !== ref.current.history) ref.current = {...ref.current, history: options.history, historyIndex: -1};
	const latest = useRef(options);
	latest.current = options;
	const handleKey = useCallback((event: KeyEvent): boolean => {
		const before = ref.current;
		const {state, outcome} = editText(before, event);
		if (outcome === 'ignored') return false;
		if (outcome === 'cancel') {
			if (!latest.current.onCancel) return false;
			latest.current.onCancel();
			return true;
		}
		if (state !== before) {
			ref.current = state;
			if (state.value !== before.value) latest.current.onChange?.(state.value);
			bump();
		}
		if (outcome === 'submit') latest.current.onSubmit?.(ref.current.value);
		return true;
	}, []);
	const set = useCallback((value: string) => {
		ref.current = setText(ref.current, value);
		latest.current.onChange?.(value);
		bump();
	}, []);
	return {state: ref.current, handleKey, set};
}
