import test from 'ava';
import type {KeyEvent} from '../../../../source/ui/app/contract.js';
import {parseKeys} from '../../../../source/ui/app/keys.js';
import {applyControlEdits, createTextInput, editText, insertText, type TextInputState} from '../../../../source/ui/components/text-input/text-input-state.js';
import {visibleWindow} from '../../../../source/ui/components/text-input/text-input.js';

test('a burst of backspaces that arrives as text deletes, other controls are dropped', t => {
	const cases: Array<[string, string]> = [['3\x7f\x7f\x7f6', '6'], ['12\b3', '13'], ['ab\x1b[Dc', 'ab[Dc'], ['plain', 'plain']];
	for (const [input, expected] of cases) t.is(applyControlEdits(input), expected, JSON.stringify(input));
	t.is(insertText(createTextInput('3'), '3\x7f5'.slice(1)).value, '5');
});

/** Type raw terminal input into a field, as the dispatcher would. */
function type(state: TextInputState, raw: string[]): {state: TextInputState; outcomes: string[]} {
	const outcomes: string[] = [];
	for (const chunk of raw) for (const key of parseKeys(chunk)) {
		const result = editText(state, key);
		state = result.state;
		outcomes.push(result.outcome);
	}
	return {state, outcomes};
}

const key = (name: string, input = ''): KeyEvent => ({name, input, ctrl: name.startsWith('ctrl-'), shift: false, meta: name.startsWith('alt-')});

test('readline keys: cursor motion, kills and word edits', t => {
	const cases: Array<[string, string[], string, number]> = [
		// [what, raw input, value, cursor]
		['Ctrl+A then text inserts at the start', ['abc', '\x01', 'X'], 'Xabc', 1],
		['Home and End', ['abc', '\x1b[H', 'X', '\x1b[F', 'Y'], 'XabcY', 5],
		['Ctrl+E after Left', ['abc', '\x1b[D', '\x1b[D', '\x05', 'Z'], 'abcZ', 4],
		['Left then Backspace deletes before the cursor', ['abc', '\x1b[D', '\x7f'], 'ac', 1],
		['Delete removes the character under the cursor', ['abc', '\x01', '\x1b[3~'], 'bc', 0],
		['Ctrl+U kills to the start', ['hello world', '\x1b[D', '\x1b[D', '\x15'], 'ld', 0],
		['Ctrl+K kills to the end', ['hello world', '\x01', '\x1bf', '\x0b'], 'hello', 5],
		['Ctrl+W deletes one word', ['po kube-system', '\x17'], 'po ', 3],
		['Ctrl+W twice', ['set image web', '\x17', '\x17'], 'set ', 4],
		['Alt+B and Alt+F move by words', ['one two three', '\x1bb', '\x1bb', 'X', '\x1bf', 'Y'], 'one XtwoY three', 9],
		['a burst of Backspaces', ['abcdef', '\x7f\x7f\x7f'], 'abc', 3],
		['wide characters are single code points', ['한국어', '\x1b[D', '\x7f'], '한어', 1],
	];
	for (const [what, raw, value, cursor] of cases) {
		const {state} = type(createTextInput(), raw);
		t.is(state.value, value, what);
		t.is(state.cursor, cursor, what);
	}
	// Ctrl+letters never type their letter (scale prompt: `-1u` was the bug).
	t.is(type(createTextInput('-1'), ['\x15', '\x17', '\x01', '\x05']).state.value, '');
});

test('text then Enter in one read submits the whole text', t => {
	const {state, outcomes} = type(createTextInput(), ['ls /\r']);
	t.is(state.value, 'ls /');
	t.is(outcomes[outcomes.length - 1], 'submit');
	t.is(editText(state, key('esc')).outcome, 'cancel');
	t.is(editText(state, key('tab')).outcome, 'ignored');
	t.is(editText(state, key('ctrl-c')).outcome, 'ignored');
});

test('Up and Down walk the history and come back to the draft', t => {
	let state = createTextInput('', ['newest', 'older']);
	state = type(state, ['dr']).state;
	state = editText(state, key('up')).state;
	t.is(state.value, 'newest');
	state = editText(state, key('up')).state;
	t.is(state.value, 'older');
	state = editText(state, key('up')).state;
	t.is(state.value, 'older', 'stays at the oldest');
	state = editText(state, key('down')).state;
	state = editText(state, key('down')).state;
	t.is(state.value, 'dr', 'the draft comes back');
	t.is(editText(createTextInput('x'), key('up')).outcome, 'ignored', 'without a history Up is not the field\'s');
});

test('the visible window keeps the cursor in view, measured by display width', t => {
	const chars = [...'abcdefghij'];
	t.deepEqual(visibleWindow(chars, 10, 5), {start: 6, end: 10});
	t.deepEqual(visibleWindow(chars, 0, 5), {start: 0, end: 5});
	const wide = [...'한국어한국어'];
	const window = visibleWindow(wide, 6, 7);
	t.is(window.end - window.start, 3, 'three wide characters and the cursor cell fit in 7 columns');
});
