/**
 * A one-line text field as plain data, with readline's keys: Ctrl+A/Home,
 * Ctrl+E/End, Left/Right, Alt+B/Alt+F (word motion), Backspace and Delete,
 * Ctrl+U (kill to the start), Ctrl+K (kill to the end), Ctrl+W and
 * Alt+Backspace (kill one word back), Up/Down through a history. No React:
 * every prompt of the dashboard (`:`, `/`, dialogs, the exec shell, the
 * trace filter, describe search) runs its keys through `editText`.
 */
import type {KeyEvent} from '../../app/contract.js';

export type TextInputState = {
	/** The text. */
	value: string;
	/** Cursor position in code points, 0 … length. */
	cursor: number;
	/** Earlier entries, newest first; Up walks back into them. */
	history: readonly string[];
	/** Position in the history while walking it; -1 = the line being typed. */
	historyIndex: number;
	/** The line being typed, kept while walking the history. */
	draft: string;
};

/** What a key did to the field. */
export type TextInputOutcome =
	/** The text or cursor changed (or the key was a text key that changed nothing). */
	| 'edit'
	/** Enter. */
	| 'submit'
	/** Esc. */
	| 'cancel'
	/** Not a key of the field (Tab, PgUp, Ctrl+L...): the caller may use it. */
	| 'ignored';

export function createTextInput(value = '', history: readonly string[] = []): TextInputState {
	return {value, cursor: [...value].length, history, historyIndex: -1, draft: ''};
}

/** Set the whole text, cursor at the end (a picked suggestion, a reset). */
export function setText(state: TextInputState, value: string): TextInputState {
	return {...state, value, cursor: [...value].length, historyIndex: -1};
}

/**
 * Text typed or pasted as characters: controls are dropped, except DEL and
 * BS, which delete the character before them (a burst of Backspaces that
 * arrived as text).
 */
export function applyControlEdits(value: string): string {
	if (!/[\u0000-\u001f\u007f]/.test(value)) return value;
	const out: string[] = [];
	for (const char of value) {
		if (char === '\u007f' || char === '\b') out.pop();
		else if (char >= ' ') out.push(char);
	}
	return out.join('');
}

const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}_]/u.test(char);

/** Start of the word before `at` (readline's backward-word). */
export function wordStart(chars: readonly string[], at: number): number {
	let i = at;
	while (i > 0 && !isWordChar(chars[i - 1])) i--;
	while (i > 0 && isWordChar(chars[i - 1])) i--;
	return i;
}

/** End of the word after `at` (readline's forward-word). */
export function wordEnd(chars: readonly string[], at: number): number {
	let i = at;
	while (i < chars.length && !isWordChar(chars[i])) i++;
	while (i < chars.length && isWordChar(chars[i])) i++;
	return i;
}

/** Ctrl+W: the word before the cursor and the spaces after it, as in a shell (whitespace-delimited). */
function shellWordStart(chars: readonly string[], at: number): number {
	let i = at;
	while (i > 0 && /\s/.test(chars[i - 1]!)) i--;
	while (i > 0 && !/\s/.test(chars[i - 1]!)) i--;
	return i;
}

function splice(state: TextInputState, from: number, to: number, insert: string): TextInputState {
	const chars = [...state.value];
	const added = [...insert];
	chars.splice(from, to - from, ...added);
	return {...state, value: chars.join(''), cursor: from + added.length, historyIndex: -1};
}

/** Insert text at the cursor. */
export function insertText(state: TextInputState, text: string): TextInputState {
	let next = state;
	for (const char of text) {
		if (char === '\u007f' || char === '\b') next = next.cursor > 0 ? splice(next, next.cursor - 1, next.cursor, '') : next;
		else if (char >= ' ') next = splice(next, next.cursor, next.cursor, char);
	}
	return next;
}

function walkHistory(state: TextInputState, by: 1 | -1): TextInputState {
	if (state.history.length === 0) return state;
	const index = Math.max(-1, Math.min(state.history.length - 1, state.historyIndex + by));
	if (index === state.historyIndex) return state;
	const draft = state.historyIndex === -1 ? state.value : state.draft;
	const value = index === -1 ? draft : state.history[index]!;
	return {...state, value, cursor: [...value].length, historyIndex: index, draft};
}

/** Apply one key. Returns the new state (the same object when nothing changed) and what the key was. */
export function editText(state: TextInputState, key: KeyEvent): {state: TextInputState; outcome: TextInputOutcome} {
	const chars = [...state.value];
	const move = (cursor: number) => ({state: cursor === state.cursor ? state : {...state, cursor}, outcome: 'edit' as const});
	const edit = (next: TextInputState) => ({state: next, outcome: 'edit' as const});
	switch (key.name) {
		case 'enter': return {state, outcome: 'submit'};
		case 'esc': return {state, outcome: 'cancel'};
		case 'ctrl-a':
		case 'home': return move(0);
		case 'ctrl-e':
		case 'end': return move(chars.length);
		case 'left':
		case 'ctrl-b': return move(Math.max(0, state.cursor - 1));
		case 'right':
		case 'ctrl-f': return move(Math.min(chars.length, state.cursor + 1));
		case 'alt-b': return move(wordStart(chars, state.cursor));
		case 'alt-f': return move(wordEnd(chars, state.cursor));
		case 'backspace': return edit(state.cursor > 0 ? splice(state, state.cursor - 1, state.cursor, '') : state);
		case 'delete': return edit(state.cursor < chars.length ? splice(state, state.cursor, state.cursor + 1, '') : state);
		case 'ctrl-u': return edit(splice(state, 0, state.cursor, ''));
		case 'ctrl-k': return edit(splice(state, state.cursor, chars.length, ''));
		case 'ctrl-w': return edit(splice(state, shellWordStart(chars, state.cursor), state.cursor, ''));
		case 'alt-backspace':
		case 'alt-d': return key.name === 'alt-d'
			? edit(splice(state, state.cursor, wordEnd(chars, state.cursor), ''))
			: edit(splice(state, wordStart(chars, state.cursor), state.cursor, ''));
		case 'up': return state.history.length > 0 ? edit(walkHistory(state, 1)) : {state, outcome: 'ignored'};
		case 'down': return state.history.length > 0 ? edit(walkHistory(state, -1)) : {state, outcome: 'ignored'};
		default: {
			if (key.ctrl || key.meta || key.input === '') return {state, outcome: 'ignored'};
			return edit(insertText(state, key.input));
		}
	}
}

/** The text before and after the cursor, and the character under it (' ' at the end). */
export function cursorParts(state: Pick<TextInputState, 'value' | 'cursor'>): {before: string; at: string; after: string} {
	const chars = [...state.value];
	return {before: chars.slice(0, state.cursor).join(''), at: chars[state.cursor] ?? ' ', after: chars.slice(state.cursor + 1).join('')};
}
