/**
 * The line a terminal shows while a state file is read in (parsed and its
 * state loaded) or its long history replayed: redrawn in place at most
 * every 100 ms, cleared at the end, and nothing at all when stderr is not a
 * terminal or the restore is quick.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {replayProgress} from '../../source/state/replay-progress.js';
import {openState} from '../../source/state/cluster-state.js';
import {writeStateFileSync} from '../../source/state/state-file.js';
import {SnapshotJson} from '../../source/state/snapshot-json.js';

/** A state file's path in a directory of its own, removed after the test. */
function stateFile(t: ExecutionContext): string {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-progress-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	return join(dir, 'cluster.json');
}

function terminal(isTTY = true) {
	const written: string[] = [];
	return {isTTY, write: (text: string) => written.push(text), written};
}

test('on a terminal: nothing in the first 100 ms, then one line redrawn in place at most every 100 ms, cleared when done', t => {
	const stream = terminal();
	let wall = 0;
	const progress = replayProgress('/tmp/c.json', stream, () => wall);
	progress.onReplay!(1000, 600_000);
	wall = 99;
	progress.onReplay!(2000, 600_000);
	t.deepEqual(stream.written, [], 'a restore this quick shows nothing');
	wall = 100;
	progress.onReplay!(150_000, 600_000);
	wall = 150;
	progress.onReplay!(160_000, 600_000);
	wall = 260;
	progress.onReplay!(450_000, 600_000);
	t.deepEqual(stream.written, [
		'\r\u001B[Kkubarium: restoring the cluster saved in /tmp/c.json: 2m30s of its 10m replayed (25 %)',
		'\r\u001B[Kkubarium: restoring the cluster saved in /tmp/c.json: 7m30s of its 10m replayed (75 %)',
	]);
	progress.done();
	t.is(stream.written.at(-1), '\r\u001B[K');
	progress.done();
	t.is(stream.written.length, 3, 'cleared once');
});

test('not a terminal: no reports asked for, nothing written', t => {
	const stream = terminal(false);
	const progress = replayProgress('/tmp/c.json', stream, () => 1e9);
	t.is(progress.onReplay, undefined);
	progress.done();
	t.deepEqual(stream.written, []);
});

test('openState draws on its progress stream while the long history of a file without saved state (format 3) replays, between its slices, and leaves the line clear', async t => {
	const file = stateFile(t);
	const cluster = createCluster({seed: 2, nodes: 2, demo: true});
	cluster.advance(600_000);
	const {state: _, ...journalOnly} = cluster.snapshot();
	writeStateFileSync(file, JSON.stringify({...journalOnly, version: 3}));
	const stream = terminal();
	// A wall clock 100 ms on at each look: every report draws; slices of one timer or reconcile each.
	let wall = 0;
	const opened = await openState(file, {progress: stream, wallNow: () => (wall += 100), sliceMs: 0});
	t.is(opened.cluster!.now(), cluster.now());
	const lines = stream.written.slice(0, -1);
	t.true(lines.length > 100, `${lines.length} lines`);
	const prefix = `\r\u001B[Kkubarium: restoring the cluster saved in ${file}: `;
	t.true(lines.every(line => line.startsWith(prefix) && / of its 10m replayed \(\d+ %\)$/.test(line)));
	t.true(lines.at(-1)!.endsWith('(99 %)') || lines.at(-1)!.endsWith('(100 %)'));
	t.is(stream.written.at(-1), '\r\u001B[K', 'the line is cleared');
});

test('openState draws how much of a saved state is read in (parsed, then its parts loaded), in percent, between its slices, and leaves the line clear', async t => {
	const file = stateFile(t);
	const cluster = createCluster({seed: 2, nodes: 2, demo: true});
	cluster.advance(60_000);
	// As the autosave writes it: an object and a part's state a line.
	writeStateFileSync(file, Buffer.concat(new SnapshotJson().chunks(cluster.snapshot({history: false}))).toString('utf8'));
	const stream = terminal();
	let wall = 0;
	const opened = await openState(file, {progress: stream, wallNow: () => (wall += 100), sliceMs: 0});
	t.is(opened.cluster!.now(), cluster.now());
	const lines = stream.written.slice(0, -1);
	const prefix = `\r\u001B[Kkubarium: restoring the cluster saved in ${file}: `;
	t.true(lines.length > 10, `${lines.length} lines`);
	const percents = lines.map(line => {
		t.true(line.startsWith(prefix), line);
		return Number(/^(\d+) %$/.exec(line.slice(prefix.length))?.[1]);
	});
	t.deepEqual(percents, [...percents].sort((a, b) => a - b), 'it only goes up');
	t.true(percents[0]! < 70 && percents.some(percent => percent >= 70 && percent < 100), `${percents.join(' ')}: the parse, then the parts`);
	t.is(stream.written.at(-1), '\r\u001B[K', 'the line is cleared');
});

test('onLoad: a percent of the state read in, at most every 100 ms', t => {
	const stream = terminal();
	let wall = 0;
	const progress = replayProgress('/tmp/c.json', stream, () => wall);
	progress.onLoad!(0.2);
	wall = 100;
	progress.onLoad!(0.456);
	wall = 150;
	progress.onLoad!(0.6);
	wall = 200;
	progress.onLoad!(1);
	t.deepEqual(stream.written, ['\r\u001B[Kkubarium: restoring the cluster saved in /tmp/c.json: 45 %', '\r\u001B[Kkubarium: restoring the cluster saved in /tmp/c.json: 100 %']);
});
