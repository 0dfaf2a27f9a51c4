/**
 * `kubarium play` in a real terminal (the built app in tmux), and its
 * answers to a missing or broken recording.
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {serializeCast, type Cast} from '../../source/record/cast.js';
import {canRunE2e, cli, keys, killTmux, startCli, tmux, waitFor} from '../ui/e2e/tmux.js';

const e2e = canRunE2e ? test.serial : test.serial.skip;

function tempDir(t: {teardown(fn: () => void): void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-play-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

const cursorShown = () => tmux('display-message', '-p', '-t', 'e2e', '#{cursor_flag}').trim() === '1';

/** A full-screen recording: alternate screen, hidden cursor, then a long pause before its last text. */
const fullScreen: Cast = {
	header: {version: 2, width: 60, height: 10, title: 'small'},
	events: [
		[0.05, 'o', '\x1b[?1049h\x1b[H\x1b[?25l'],
		[0.1, 'm', 'start'],
		[0.15, 'o', 'Cluster: kubarium\r\n'],
		[0.2, 'i', 'j'],
		[0.25, 'r', '80x24'],
		[0.3, 'o', '\x1b[31mfinal text of the cast\r\n'],
		[600, 'o', 'never-played'],
	],
};

e2e('play in tmux: the cast\'s text appears, any key quits at once, the terminal is put back', async t => {
	const file = join(tempDir(t), 'small.cast');
	writeFileSync(file, serializeCast(fullScreen));
	try {
		startCli(['play', file], {cols: 80, rows: 24}, 'stty -a | grep -o -- "-*icanon"; printf "after-play\\n"');
		const playing = await waitFor(s => s.includes('final text of the cast'), 'the cast played up to its pause');
		t.false(playing.includes('shell-before-app'), 'the cast entered the alternate screen');
		t.true(playing.includes('Cluster: kubarium'));
		t.false(cursorShown(), 'the cast hid the cursor');
		const pressed = Date.now();
		keys('x');
		const after = await waitFor(s => s.includes('after-play'), 'play to quit', 10_000);
		t.true(Date.now() - pressed < 5000, 'quit at once, not after the 600 s pause');
		t.regex(after, /app-exit-code=0/);
		t.true(after.includes('shell-before-app'), 'the alternate screen was left');
		t.false(after.includes('final text of the cast'));
		t.false(after.includes('never-played'));
		t.regex(after, /^icanon$/m, 'raw mode is off: the terminal is canonical again');
		t.true(cursorShown(), 'the cursor is shown again');
	} finally {
		killTmux();
	}
});

e2e('play in tmux: a short cast plays to its end at --speed 10 and exits by itself', async t => {
	const file = join(tempDir(t), 'short.cast');
	// No alternate screen here, and red left on at the end: only the reset puts the colour back.
	writeFileSync(file, serializeCast({header: {version: 2, width: 80, height: 24}, events: [[1, 'o', 'hello from the cast\r\n'], [5, 'o', '\x1b[31mlast line of the cast\r\n']]}));
	try {
		startCli(['play', file, '--speed', '10'], {cols: 80, rows: 24});
		const started = Date.now();
		const after = await waitFor(s => s.includes('app-exit-code='), 'play to end', 10_000);
		t.true(Date.now() - started >= 400, 'the pauses were kept, a tenth as long');
		t.regex(after, /app-exit-code=0/);
		t.true(after.includes('hello from the cast'));
		t.true(after.includes('last line of the cast'), 'the final text is on the screen');
		// capture-pane -e writes only attribute changes, carried from line to line: a reset must come between.
		const styled = tmux('capture-pane', '-p', '-e', '-t', 'e2e');
		const between = styled.slice(styled.indexOf('last line of the cast'), styled.indexOf('app-exit-code='));
		t.regex(between, /\x1b\[(0|39|)m/, 'attributes were reset: the shell does not print in the cast\'s red');
	} finally {
		killTmux();
	}
});

(canRunE2e ? test : test.skip)('play of a missing or invalid file: "kubarium: FILE: reason" and exit 2', t => {
	const dir = tempDir(t);
	const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'play', ...args], {encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}, timeout: 30_000});
	const missing = join(dir, 'missing.cast');
	let result = run(missing);
	t.is(result.stderr, `kubarium: ${missing}: no such file\n`);
	t.is(result.status, 2);
	const broken = join(dir, 'broken.cast');
	writeFileSync(broken, '{"version":2,"width":80,"height":24}\n[0.5,"o","a"]\n[0.1,"o","b"]\n');
	result = run(broken);
	t.is(result.stderr, `kubarium: ${broken}: line 3: time 0.1 comes before the previous event's 0.5\n`);
	t.is(result.status, 2);
	result = run();
	t.is(result.stderr, 'kubarium: play needs a recording: kubarium play FILE.cast (see kubarium play --help)\n');
	t.is(result.status, 2);
	result = run('--help');
	t.is(result.status, 0);
	t.true(result.stdout.startsWith('Usage: kubarium play FILE.cast'));
});
