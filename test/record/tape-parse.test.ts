import test from 'ava';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseTape, TapeError, defaultSettings} from '../../source/record/tape/parse.js';
import {parseDuration} from '../../source/record/tape/duration.js';

const dir = mkdtempSync(join(tmpdir(), 'kubarium-tape-'));
writeFileSync(join(dir, 'web.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n');
const file = join(dir, 'demo.tape');

function parse(text: string) {
	return parseTape(text, file);
}

function failure(t: import('ava').ExecutionContext, text: string): string {
	const error = t.throws(() => parse(text), {instanceOf: TapeError})!;
	return error.message;
}

test('a tape parses into its settings, outputs and steps, in order', t => {
	const tape = parse([
		'# a comment',
		'Output demo.cast',
		'Output "demo page.html"',
		'Set Cols 100',
		'Set Rows 30',
		'Set Theme light',
		'Set Seed 42',
		'Set Nodes 5',
		'Set Cluster empty',
		'Set Speed 10',
		'Set TypingSpeed 80ms',
		'Set IdleTimeLimit 2s',
		'',
		'Type ":pods"',
		'Enter',
		'Down@200ms 3',
		'Ctrl+D',
		'Type@120ms `say "hi"`',
		'Sleep 2s',
		'Wait@30s /Running/',
		'Wait+Line /^web/',
		'Hide',
		'Show',
		'Screenshot shot.txt',
		'Marker "Scaling"',
		'Apply web.yaml',
		'Advance 5m',
		'Set TypingSpeed 20ms',
		'Escape # back home',
		'Alt+F',
		'Shift+Tab',
	].join('\n'));
	t.deepEqual(tape.settings, {...defaultSettings, cols: 100, rows: 30, theme: 'light', seed: 42, nodes: 5, cluster: 'empty', speed: 10, typingSpeedMs: 80, idleTimeLimitMs: 2000});
	t.is(tape.themeLine, 6);
	t.deepEqual(tape.outputs, [
		{path: join(dir, 'demo.cast'), format: 'cast', line: 2},
		{path: join(dir, 'demo page.html'), format: 'html', line: 3},
	]);
	const steps = tape.steps.map(step => {
		const {line, ...rest} = step;
		return 'regex' in rest ? {...rest, regex: String(rest.regex), line} : {...rest, line};
	});
	t.deepEqual(steps, [
		{type: 'type', text: ':pods', delayMs: undefined, line: 14},
		{type: 'keys', name: 'Enter', bytes: '\r', count: 1, delayMs: undefined, line: 15},
		{type: 'keys', name: 'Down', bytes: '\x1b[B', count: 3, delayMs: 200, line: 16},
		{type: 'keys', name: 'Ctrl+D', bytes: '\x04', count: 1, delayMs: undefined, line: 17},
		{type: 'type', text: 'say "hi"', delayMs: 120, line: 18},
		{type: 'sleep', ms: 2000, line: 19},
		{type: 'wait', scope: 'screen', regex: '/Running/m', timeoutMs: 30_000, line: 20},
		{type: 'wait', scope: 'line', regex: '/^web/m', timeoutMs: undefined, line: 21},
		{type: 'hide', line: 22},
		{type: 'show', line: 23},
		{type: 'screenshot', path: join(dir, 'shot.txt'), format: 'txt', line: 24},
		{type: 'marker', title: 'Scaling', line: 25},
		{type: 'apply', path: join(dir, 'web.yaml'), line: 26},
		{type: 'advance', ms: 300_000, line: 27},
		{type: 'typing-speed', ms: 20, line: 28},
		{type: 'keys', name: 'Escape', bytes: '\x1b', count: 1, delayMs: undefined, line: 29},
		{type: 'keys', name: 'Alt+F', bytes: '\x1bF', count: 1, delayMs: undefined, line: 30},
		{type: 'keys', name: 'Shift+Tab', bytes: '\x1b[Z', count: 1, delayMs: undefined, line: 31},
	]);
});

test('durations are written as VHS writes them', t => {
	t.is(parseDuration('500ms'), 500);
	t.is(parseDuration('2s'), 2000);
	t.is(parseDuration('1.5s'), 1500);
	t.is(parseDuration('0.5'), 500);
	t.is(parseDuration('5m'), 300_000);
	t.is(parseDuration('1h'), 3_600_000);
	t.is(parseDuration('2 s'), undefined);
	t.is(parseDuration('-1s'), undefined);
	t.is(parseDuration('5x'), undefined);
});

test('an unknown command names its line and the nearest command', t => {
	t.is(failure(t, 'Output a.cast\nTyep "x"'), `${file}:2: unknown command "Tyep" (did you mean Type?)`);
	t.is(failure(t, 'Entr'), `${file}:1: unknown command "Entr" (did you mean Enter?)`);
	t.is(failure(t, 'Frobnicate now'), `${file}:1: unknown command "Frobnicate"`);
});

test('a bad duration says what a duration looks like', t => {
	t.is(failure(t, 'Sleep 2 seconds'), `${file}:1: unexpected "seconds" after Sleep`);
	t.is(failure(t, 'Sleep 5x'), `${file}:1: bad duration "5x" for Sleep: use a number with ms, s, m or h, e.g. 500ms or 2s`);
	t.is(failure(t, 'Down@fast'), `${file}:1: bad duration "fast" for Down: use a number with ms, s, m or h, e.g. 500ms or 2s`);
	t.is(failure(t, 'Advance soon'), `${file}:1: bad duration "soon" for Advance: use a number with ms, s, m or h, e.g. 500ms or 2s`);
});

test('a bad regex says why', t => {
	t.is(failure(t, 'Wait /(Running/'), `${file}:1: bad regex /(Running/: Unterminated group`);
	t.is(failure(t, 'Wait Running'), `${file}:1: Wait needs a regular expression between slashes, e.g. Wait /Running/`);
	t.is(failure(t, 'Wait /Running'), `${file}:1: bad regex /Running: no closing /`);
});

test('a missing file names the file', t => {
	t.is(failure(t, 'Apply nosuch.yaml'), `${file}:1: Apply: no such file "nosuch.yaml"`);
	t.is(failure(t, 'Output demo.gif'), `${file}:1: Output demo.gif: Kubarium writes .cast, .svg, .html and .txt (for a GIF, run agg on the .cast)`);
	t.is(failure(t, 'Screenshot shot.png'), `${file}:1: Screenshot shot.png: a screenshot is .txt or .svg`);
});

test('a setting after the first action is an error, but the typing speed may change anywhere', t => {
	t.is(failure(t, 'Set Cols 100\nType "x"\nSet Rows 30'), `${file}:3: Set Rows must come before the first action (line 2)`);
	t.notThrows(() => parse('Type "x"\nSet TypingSpeed 10ms\nType "y"'));
});

test('VHS pixel sizes get a message that names the setting to use; picture settings are ignored with a warning', t => {
	t.is(failure(t, 'Set Width 1200'), `${file}:1: Set Width is VHS's window size in pixels; a Kubarium recording is sized in characters: Set Cols N`);
	t.is(failure(t, 'Set Height 600'), `${file}:1: Set Height is VHS's window size in pixels; a Kubarium recording is sized in characters: Set Rows N`);
	const tape = parse('Set FontSize 22\nType "x"');
	t.deepEqual(tape.warnings, [`${file}:1: Set FontSize is ignored: it sets how VHS draws its video, and a Kubarium recording is text (the .svg and .html follow the theme)`]);
	t.is(failure(t, 'Set Colz 100'), `${file}:1: unknown setting "Colz" (did you mean Cols?); Kubarium's settings: Cols, Rows, Theme, Seed, Nodes, Cluster, Speed, TypingSpeed, IdleTimeLimit, WaitTimeout, Title`);
});

test('values out of range, bad keys and stray text are errors on their line', t => {
	t.is(failure(t, 'Set Cols 10'), `${file}:1: bad value "10" for Cols: expected an integer 40-500`);
	t.is(failure(t, 'Set Cluster big'), `${file}:1: bad value "big" for Cluster: expected demo or empty`);
	t.is(failure(t, 'Ctrl+1'), `${file}:1: Ctrl+1: a control key is a letter or one of @ [ \\ ] ^ _`);
	t.is(failure(t, 'Enter please'), `${file}:1: bad value "please" for Enter's count: expected an integer 1-10000`);
	t.is(failure(t, 'Type hello'), `${file}:1: Type needs a quoted string, e.g. Type "text"`);
	t.is(failure(t, 'Type "hello'), `${file}:1: unterminated string: a " is not closed`);
	t.is(failure(t, 'Sleep@1s 2s'), `${file}:1: Sleep takes no @ setting`);
	t.is(failure(t, 'Copy'), `${file}:1: Copy uses the clipboard, which a recording has none of`);
});
