/**
 * A live recording in a real terminal: the built app in tmux with --record,
 * a few keys and a resize, then `kill -9`. What is on disk must still be a
 * valid cast and keys file up to the last event.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {parseCast} from '../../source/record/cast.js';
import {parseKeys} from '../../source/record/keys-file.js';
import {canRunE2e, cliPid, keys, killTmux, startApp, startCli, tmux, type, waitFor} from '../ui/e2e/tmux.js';

/** Poll a file (every 50 ms, bounded) until `check` holds on its text. */
async function waitForFile(file: string, check: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let text = '';
	while (Date.now() < deadline) {
		text = existsSync(file) ? readFileSync(file, 'utf8') : '';
		if (check(text)) return text;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	throw new Error(`Timed out waiting for ${what}. ${file}:\n${text}`);
}

function nonDecreasing(times: number[]): boolean {
	return times.every((time, i) => i === 0 || time >= times[i - 1]!);
}

(canRunE2e ? test.serial : test.serial.skip)('--record in tmux, killed with SIGKILL: the cast and the keys file are valid up to their last event', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-rec-'));
	const castFile = join(dir, 'session.cast');
	const keysFile = join(dir, 'session.keys');
	try {
		await startApp(join(dir, 'config'), ['--record', castFile], {cols: 100, rows: 30});
		type(':po');
		keys('Enter');
		await waitFor(s => /pods\(all\)/.test(s), 'the pods view');
		keys('j');
		await waitForFile(keysFile, text => text.includes('"j"'), 'the j in the keys file');
		keys('k');
		await waitForFile(keysFile, text => text.includes('"k","k"'), 'the k in the keys file');
		tmux('resize-window', '-t', 'e2e', '-x', '90', '-y', '28');
		await waitForFile(keysFile, text => text.includes('"90x28"'), 'the resize in the keys file');
		await waitForFile(castFile, text => text.includes('"r","90x28"'), 'the resize in the cast');

		process.kill(cliPid(), 'SIGKILL');
		await waitFor(s => s.includes('app-exit-code=137'), 'the app to be killed');

		const cast = parseCast(readFileSync(castFile, 'utf8'));
		t.like(cast.header, {version: 2, width: 100, height: 30});
		t.true(cast.events.length > 3);
		t.deepEqual([...new Set(cast.events.map(e => e[1]))].sort(), ['o', 'r'], 'only output and resize events');
		t.true(nonDecreasing(cast.events.map(e => e[0])), 'times never decrease');
		t.true(cast.events[0]![2].startsWith('\x1b[?1049h'), 'the recording starts by entering the alternate screen');
		t.true(cast.events.some(e => e[1] === 'o' && e[2].includes('pods(all)')), 'the pods view was drawn');
		t.deepEqual(cast.events.filter(e => e[1] === 'r').map(e => e[2]), ['90x28']);

		const recorded = parseKeys(readFileSync(keysFile, 'utf8'));
		t.like(recorded.header, {kubarium: 'keys', version: 1, seed: 1, nodes: 3, speed: 1, theme: 'default', namespace: 'all', readonly: false, cols: 100, rows: 30, keys: {}});
		t.false(recorded.exited, 'a killed app writes no exit line');
		t.is(recorded.events.filter(e => e[2] === 'k').map(e => e[3]).join(''), ':po\rjk', 'every key pressed, nothing else');
		t.deepEqual(recorded.events.filter(e => e[2] === 'r').map(e => e[3]), ['90x28']);
		t.true(nonDecreasing(recorded.events.map(e => e[0])), 'wall times never decrease');
		t.true(nonDecreasing(recorded.events.map(e => e[1])), 'virtual times never decrease');
	} finally {
		killTmux();
		rmSync(dir, {recursive: true, force: true});
	}
});

(canRunE2e ? test.serial : test.serial.skip)('--record in tmux, quit with :q: the keys file ends with the exit line, the cast with leaving the alternate screen', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-rec-'));
	const castFile = join(dir, 'quit.cast');
	try {
		await startApp(join(dir, 'config'), ['--record', castFile, '--seed', '9', '--speed', '10', '--readonly'], {cols: 100, rows: 30});
		type(':q');
		keys('Enter');
		await waitFor(s => s.includes('app-exit-code=0'), 'the app to exit');
		const cast = parseCast(readFileSync(castFile, 'utf8'));
		t.true(cast.events.at(-1)![2].endsWith('\x1b[?1049l'), 'the last output leaves the alternate screen');
		const recorded = parseKeys(readFileSync(join(dir, 'quit.keys'), 'utf8'));
		t.like(recorded.header, {seed: 9, speed: 10, readonly: true});
		t.true(recorded.exited);
		t.is(recorded.events.at(-1)![2], 'x');
		t.true(recorded.events.at(-1)![0] >= Math.round(cast.events.at(-1)![0] * 1000) - 1, 'the exit line comes after the last output');
	} finally {
		killTmux();
		rmSync(dir, {recursive: true, force: true});
	}
});

(canRunE2e ? test.serial : test.serial.skip)('--record to a missing directory: the message, exit 2, and the screen never changed', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-rec-'));
	try {
		startCli(['--config-dir', join(dir, 'config'), '--record', join(dir, 'nope/session.cast')], {cols: 200, rows: 10});
		const after = await waitFor(s => s.includes('app-exit-code='), 'the app to exit', 60_000);
		t.true(after.includes(`kubarium: cannot record to ${join(dir, 'nope/session.cast')}: directory ${join(dir, 'nope')} does not exist`), after);
		t.regex(after, /app-exit-code=2/);
		t.true(after.includes('shell-before-app'));
	} finally {
		killTmux();
		rmSync(dir, {recursive: true, force: true});
	}
});
