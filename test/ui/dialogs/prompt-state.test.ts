import test from 'ava';
import {applyControlEdits, promptReducer} from '../../../source/ui/dialogs/use-prompt-state.js';

test('a burst of backspaces that arrives as text deletes, other controls are dropped', t => {
	const cases: Array<[string, string]> = [['3\x7f\x7f\x7f6', '6'], ['12\b3', '13'], ['ab\x1b[Dc', 'ab[Dc'], ['plain', 'plain']];
	for (const [input, expected] of cases) t.is(applyControlEdits(input), expected, JSON.stringify(input));
	t.deepEqual(promptReducer({value: '3', error: 'old'}, {type: 'change', value: '3\x7f5'}), {value: '5'});
});
