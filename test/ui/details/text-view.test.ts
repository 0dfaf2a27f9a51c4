import test from 'ava';
import {layoutText, rowOfLine} from '../../../source/ui/details/text-view/text-view.js';
import {columnIndicator} from '../../../source/ui/components/scroll-keys.js';
import {initialTextViewState, matchingLines, textViewReducer} from '../../../source/ui/details/text-view/use-text-view-state.js';
import {sliceColumns} from '../../../source/ui/text-width.js';

const lines = ['short', 'a'.repeat(25), 'b', '中文中文中文'];

test('cut lines are the lines themselves, measured for sideways scrolling; wrapped pieces are rows that remember their line', t => {
	const cut = layoutText(lines, 10, false);
	t.is(cut.rows, lines);
	t.is(cut.widest, 25);
	t.is(layoutText(['中文中文中文'], 10, false).widest, 12, 'wide characters count two columns');
	const wrapped = layoutText(lines, 10, true);
	t.deepEqual(wrapped.rows, ['short', 'a'.repeat(10), 'a'.repeat(10), 'a'.repeat(5), 'b', '中文中文中', '文']);
	t.deepEqual(wrapped.origin, [0, 1, 1, 1, 2, 3, 3]);
	t.is(wrapped.widest, 0);
	t.deepEqual([0, 1, 2, 3].map(line => rowOfLine(wrapped, line)), [0, 1, 4, 5]);
	t.is(rowOfLine(cut, 2), 2);
});

test('a line seen from a column: cut at the right with …, a wide character split by the left edge leaves a space', t => {
	t.is(sliceColumns('abcdefghij', 0, 5), 'abcd…');
	t.is(sliceColumns('abcdefghij', 4, 5), 'efgh…');
	t.is(sliceColumns('abcdefghij', 5, 5), 'fghij');
	t.is(sliceColumns('abc', 8, 5), '');
	t.is(sliceColumns('中文中文', 1, 4), ' 文…');
	t.is(sliceColumns('中文中文', 2, 6), '文中文');
});

test('the column indicator says which columns are in view and where more text is', t => {
	t.is(columnIndicator(0, 80, 80), '');
	t.is(columnIndicator(0, 80, 200), 'cols 1-79/200→');
	t.is(columnIndicator(40, 80, 200), '←cols 41-119/200→');
	t.is(columnIndicator(120, 80, 200), '←cols 121-200/200');
});

test('←/→ stay between the first column and the one that shows the widest line\'s end; wrapping resets them and ignores them', t => {
	let state = initialTextViewState();
	state = textViewReducer(state, {type: 'scroll-x', by: -8, maxLeft: 20});
	t.is(state.left, 0);
	state = textViewReducer(state, {type: 'scroll-x', by: 8, maxLeft: 20});
	state = textViewReducer(state, {type: 'scroll-x', by: 40, maxLeft: 20});
	t.is(state.left, 20);
	state = textViewReducer(state, {type: 'wrap', on: true, top: 3});
	t.deepEqual([state.wrap, state.left, state.top], [true, 0, 3]);
	t.is(textViewReducer(state, {type: 'scroll-x', by: 8, maxLeft: 20}), state);
});

test('a search match off to the right scrolls the view sideways to it; wrapped rows are searched as rows', t => {
	const text = ['top', `${'x'.repeat(150)}needle`, 'end'];
	let state = textViewReducer(initialTextViewState(), {type: 'search-set', query: 'needle'});
	state = textViewReducer(state, {type: 'search-done', lines: text, height: 10, sideways: {width: 80, maxLeft: 76}});
	t.is(state.left, 76);
	t.true(sliceColumns(text[1]!, state.left, 80).includes('needle'));
	const rows = layoutText(text, 80, true).rows;
	t.deepEqual(matchingLines(rows, 'needle'), [2]);
});
