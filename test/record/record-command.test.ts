/**
 * `kubarium record` from outside, as a person runs it: the built app
 * (`npm test` builds first) records a tape into its Output files, and a bad
 * tape gets FILE:LINE: reason, exit 2, and no file at all.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import test from 'ava';
import {parseCast, markers} from '../../source/record/cast.js';
import {screensAtMarkers} from '../../source/record/output/terminal.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/bundle/cli.js');

function record(cwd: string, ...args: string[]) {
	return spawnSync(process.execPath, [cli, 'record', ...args], {cwd, encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}});
}

test('a tape records into every Output it names, and the cast replays to the expected screen at each marker', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-record-'));
	writeFileSync(join(dir, 'demo.tape'), [
		'Output out/demo.cast',
		'Output out/demo.txt',
		'Output out/demo.svg',
		'Output out/demo.html',
		'Set Cols 100',
		'Set Rows 30',
		'Marker "Home"',
		'Sleep 1s',
		'Type ":deploy"',
		'Enter',
		'Wait /web\\s+3\\/3/',
		'Marker "Deployments"',
		'Sleep 1s',
		'Type ":nodes"',
		'Enter',
		'Sleep 1s',
		'Marker "Nodes"',
		'Screenshot out/nodes.txt',
		'Sleep 500ms',
	].join('\n'));
	const result = record(dir, 'demo.tape');
	t.is(result.status, 0, result.stderr);
	t.regex(result.stdout, /^Wrote out\/demo\.cast, out\/demo\.txt, out\/demo\.svg, out\/demo\.html, out\/nodes\.txt: \d+\.\d s of recording in \d+\.\d s\n$/);
	const cast = parseCast(readFileSync(join(dir, 'out/demo.cast'), 'utf8'));
	t.deepEqual(markers(cast).map(marker => marker.title), ['Home', 'Deployments', 'Nodes']);
	const screens = await screensAtMarkers(cast);
	t.regex(screens[0]!.screen.lines.join('\n'), /Cluster:\s+kubarium/);
	t.regex(screens[1]!.screen.lines.join('\n'), /deployments\(all\)\[5\][\s\S]*shop\s+web\s+3\/3/);
	t.regex(screens[2]!.screen.lines.join('\n'), /nodes\[3\][\s\S]*kubarium-worker3\s+Ready/);
	t.regex(readFileSync(join(dir, 'out/nodes.txt'), 'utf8'), /kubarium-worker2\s+Ready/);
	t.regex(readFileSync(join(dir, 'out/demo.txt'), 'utf8'), /nodes\[3\]/);
	t.true(readFileSync(join(dir, 'out/demo.svg'), 'utf8').startsWith('<svg'));
	t.regex(readFileSync(join(dir, 'out/demo.html'), 'utf8'), /<html/i);
});

test('a bad tape gets FILE:LINE: reason, exit 2, and writes nothing', t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-record-'));
	writeFileSync(join(dir, 'typo.tape'), 'Output typo.cast\nTyep ":pods"\n');
	const typo = record(dir, 'typo.tape');
	t.is(typo.status, 2);
	t.is(typo.stderr, 'kubarium record: typo.tape:2: unknown command "Tyep" (did you mean Type?)\n');
	writeFileSync(join(dir, 'wait.tape'), 'Output wait.cast\nOutput wait.txt\nType ":pods"\nEnter\nWait@1s /no such pod/\n');
	const wait = record(dir, 'wait.tape');
	t.is(wait.status, 2);
	t.true(wait.stderr.startsWith('kubarium record: wait.tape:5: Wait timed out after 1s: /no such pod/ is not on the screen; the last screen:\n'), wait.stderr);
	t.deepEqual(readdirSync(dir).sort(), ['typo.tape', 'wait.tape']);
	const missing = record(dir, 'nosuch.tape');
	t.is(missing.status, 2);
	t.is(missing.stderr, 'kubarium record: nosuch.tape: no such file\n');
	t.false(existsSync(join(dir, 'nosuch.cast')));
});

test('the same tape gives the same bytes on every run', t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-record-'));
	writeFileSync(join(dir, 'same.tape'), 'Set Cols 80\nSet Rows 24\nType ":pods"\nEnter\nSleep 2s\nAdvance 5m\nSleep 1s\n');
	t.is(record(dir, 'same.tape', '-o', 'one.cast').status, 0);
	t.is(record(dir, 'same.tape', '-o', 'two.cast').status, 0);
	t.is(readFileSync(join(dir, 'one.cast'), 'utf8'), readFileSync(join(dir, 'two.cast'), 'utf8'));
});

test('record --keys renders a live session again at another size; without -o it says what to write', t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-record-'));
	const start = Date.UTC(2026, 0, 1, 9);
	writeFileSync(join(dir, 'session.keys'), [
		JSON.stringify({kubarium: 'keys', version: 1, seed: 1, nodes: 3, speed: 1, theme: 'default', namespace: 'all', readonly: false, cols: 120, rows: 40, keys: {}}),
		JSON.stringify([400, start + 400, 'k', ':nodes\r']),
		JSON.stringify([2000, start + 2000, 'x', '']),
	].join('\n') + '\n');
	const result = record(dir, '--keys', 'session.keys', '--cols', '90', '--rows', '26', '-o', 'retake.cast', '-o', 'retake.txt');
	t.is(result.status, 0, result.stderr);
	const cast = parseCast(readFileSync(join(dir, 'retake.cast'), 'utf8'));
	t.deepEqual([cast.header.width, cast.header.height], [90, 26]);
	t.regex(readFileSync(join(dir, 'retake.txt'), 'utf8'), /nodes\[3\]/);
	const noOutput = record(dir, '--keys', 'session.keys');
	t.is(noOutput.status, 2);
	t.is(noOutput.stderr, 'kubarium record: Name the recording to write: -o FILE.cast (or .svg, .html, .txt)\n');
	const bad = record(dir, '--keys', 'retake.cast', '-o', 'x.cast');
	t.is(bad.status, 2);
	t.is(bad.stderr, 'kubarium record: retake.cast: line 1: not a Kubarium keys file (the header needs "kubarium":"keys")\n');
});
