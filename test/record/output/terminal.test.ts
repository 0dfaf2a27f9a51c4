import test from 'ava';
import {parseResize, screenAt, screenOfText, screens, screensAtMarkers} from '../../../source/record/output/terminal.js';
import {dashboardCast} from './casts.js';

test('the screen at a time shows every event up to it, with colours and attributes per cell', async t => {
	const cast = dashboardCast();
	const start = await screenAt(cast, 0);
	t.deepEqual(start.lines.slice(0, 4), ['┌────────────┐', '│ pods       │', '└────────────┘', 'web-1 Pending']);
	t.like(start.cells[1]![2], {char: 'p', fg: 2, bold: true, bg: null});
	t.like(start.cells[3]![6], {char: 'P', fg: 3, bold: false});
	t.false(start.cursor.visible, 'ESC[?25l hides the cursor');
	const running = await screenAt(cast, 2.4);
	t.is(running.lines[3], 'web-1 Running');
	t.like(running.cells[3]![6], {char: 'R', fg: '#ffffff', bg: '#204a87'});
	t.like(running.cells[3]![13], {char: ' ', bg: null}, 'ESC[K after the reset clears with the default background');
	t.is(running.cols, 30);
	t.is(running.rows, 6);
});

test('a resize event resizes the terminal, and wide characters take two cells', async t => {
	const screen = await screenAt(dashboardCast(), 3);
	t.is(screen.cols, 36);
	t.is(screen.rows, 7);
	t.is(screen.lines[5], '名前 ok');
	t.like(screen.cells[5]![0], {char: '名', width: 2});
	t.like(screen.cells[5]![1], {char: '', width: 0});
	t.like(screen.cells[5]![4], {char: ' ', width: 1});
	t.is(screen.lines[6], '', 'the clock ticks come after 3 s');
	t.is(screen.cells.length, 7);
	t.true(screen.cells.every(row => row.length === 36));
});

test('the screen at each marker', async t => {
	const marks = await screensAtMarkers(dashboardCast());
	t.deepEqual(marks.map(mark => [mark.time, mark.title, mark.screen.lines[3]]), [
		[1, 'pending', 'web-1 Pending'],
		[3, 'wide', 'web-1 Running'],
	]);
	t.is(marks[1]!.screen.lines[5], '名前 ok');
});

test('without times, one screen per distinct event time; the last shows italic underlined text', async t => {
	const all = [];
	for await (const screen of screens(dashboardCast())) all.push(screen);
	t.deepEqual(all.map(screen => screen.time), [0, 1, 2, 2.5, 3, 3.01, 3.02, 12]);
	t.is(all[5]!.lines[6]!.trim(), '00:01');
	t.is(all[6]!.lines[6]!.trim(), '00:02');
	const last = all.at(-1)!;
	t.is(last.lines[4], 'bye');
	t.like(last.cells[4]![0], {italic: true, underline: true});
});

test('the same cast read twice gives the same screens', async t => {
	const read = async () => {
		const all = [];
		for await (const screen of screens(dashboardCast(), [0.5, 2, 3.015, 100])) all.push(screen);
		return all;
	};
	t.deepEqual(await read(), await read());
});

test('resize data is COLSxROWS', t => {
	t.deepEqual(parseResize('80x24'), {cols: 80, rows: 24});
	t.is(parseResize('0x24'), undefined);
	t.is(parseResize('80 by 24'), undefined);
});

test('characters take the columns Ink gives them: an emoji two, a combining accent none', async t => {
	const sequences = await screenAt({header: {version: 2, width: 20, height: 1}, events: [[0, 'o', '⚠\uFE0Fa👩\u200D💻b1\uFE0F\u20E3c⚠d']]}, 0);
	t.deepEqual(sequences.cells[0]!.slice(0, 11).map(cell => [cell.char, cell.width]), [
		['⚠\uFE0F', 2], ['', 0], ['a', 1], ['👩\u200D💻', 2], ['', 0], ['b', 1], ['1\uFE0F\u20E3', 2], ['', 0], ['c', 1], ['⚠', 1], ['d', 1],
	], 'VS16 and ZWJ sequences are two columns, a text-style sign one');

	const screen = await screenAt({header: {version: 2, width: 12, height: 1}, events: [[0, 'o', '🔒x e\u0301y ✔z']]}, 0);
	t.deepEqual(screen.cells[0]!.slice(0, 9).map(cell => [cell.char, cell.width]), [
		['🔒', 2], ['', 0], ['x', 1], [' ', 1], ['e\u0301', 1], ['y', 1], [' ', 1], ['✔', 1], ['z', 1],
	]);
	t.is(screen.lines[0], '🔒x e\u0301y ✔z');
});

test('the screen of a frame of styled text: each line on its row, the cursor hidden', async t => {
	const screen = await screenOfText('\u001B[1mNAME\u001B[22m  READY\n\u001B[36mweb-1\u001B[39m 1/1\nextra row', {cols: 16, rows: 2});
	t.deepEqual(screen.lines, ['NAME  READY', 'web-1 1/1']);
	t.like(screen.cells[0]![0], {char: 'N', bold: true});
	t.like(screen.cells[1]![0], {char: 'w', fg: 6});
	t.false(screen.cursor.visible);
});
