/**
 * Ink's (input, key) pairs → k9s key names. Ink hands a run of plain
 * characters that arrived in one read (a paste, tmux send-keys, fast typing)
 * as one string; it is split here into one key per character.
 */
import type {Key} from 'ink';
import type {KeyEvent} from './contract.js';

function plain(char: string): KeyEvent {
	if (char === ' ') return {name: 'space', input: ' ', ctrl: false, shift: false, meta: false};
	if (char === '\r' || char === '\n') return {name: 'enter', input: '', ctrl: false, shift: false, meta: false};
	if (char === '\t') return {name: 'tab', input: '', ctrl: false, shift: false, meta: false};
	if (char === '\x7f' || char === '\b') return {name: 'backspace', input: '', ctrl: false, shift: false, meta: false};
	if (/^[A-Z]$/.test(char)) return {name: `shift-${char.toLowerCase()}`, input: char, ctrl: false, shift: true, meta: false};
	return {name: char, input: char, ctrl: false, shift: false, meta: false};
}

/** The key events in one Ink input callback, in order. */
export function keyEvents(input: string, key: Key): KeyEvent[] {
	const base = {ctrl: key.ctrl, shift: key.shift, meta: key.meta && !key.escape};
	const special = (name: string): KeyEvent[] => [{name, input: '', ...base}];
	if (key.upArrow) return special('up');
	if (key.downArrow) return special('down');
	if (key.leftArrow) return special(key.shift ? 'shift-left' : 'left');
	if (key.rightArrow) return special(key.shift ? 'shift-right' : 'right');
	if (key.pageUp) return special('pgup');
	if (key.pageDown) return special('pgdn');
	if (key.home) return special('home');
	if (key.end) return special('end');
	if (key.return) return special('enter');
	if (key.escape) return [{name: 'esc', input: '', ctrl: false, shift: false, meta: false}];
	if (key.tab) return special(key.shift ? 'shift-tab' : 'tab');
	if (key.backspace || key.delete) return special('backspace');
	if (key.ctrl && input.length === 1) {
		if (input === ' ') return [{name: 'ctrl-space', input: '', ...base}];
		return [{name: `ctrl-${input.toLowerCase()}`, input: '', ...base}];
	}
	if (key.meta && input.length === 1) return [{name: `alt-${input}`, input: '', ...base}];
	if (input.length === 0) return [];
	return [...input].map(plain);
}

/** Printable text a key adds to a prompt, or '' for keys that are not text. */
export function keyText(event: KeyEvent): string {
	if (event.ctrl || event.meta) return '';
	return event.input;
}
