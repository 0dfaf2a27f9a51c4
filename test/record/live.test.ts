import {chmodSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Writable} from 'node:stream';
import test from 'ava';
import {parseCast} from '../../source/record/cast.js';
import {parseKeys, type KeysHeader} from '../../source/record/keys-file.js';
import {CastWriter, LiveRecording, RecordError, tapReads, teeWrites} from '../../source/record/live.js';

function tempDir(t: {teardown(fn: () => void): void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-live-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

/** A clock the test moves by hand. */
function fakeClock(start = 5000) {
	let now = start;
	return {now: () => now, advance: (ms: number) => (now += ms)};
}

const keysHeader: KeysHeader = {kubarium: 'keys', version: 1, seed: 1, nodes: 3, speed: 1, theme: 'default', namespace: 'all', readonly: false, cols: 100, rows: 30, keys: {}};

test('the streaming writer writes a valid cast, each event on disk as soon as it is written', t => {
	const file = join(tempDir(t), 'a.cast');
	const clock = fakeClock();
	const writer = CastWriter.open(file, {version: 2, width: 100, height: 30}, {now: clock.now});
	t.is(readFileSync(file, 'utf8'), '{"version":2,"width":100,"height":30}\n');
	writer.output('\x1b[?1049h');
	clock.advance(250.0004);
	writer.output('héllo ✓');
	t.is(parseCast(readFileSync(file, 'utf8')).events.length, 2, 'flushed event by event, before close');
	clock.advance(1000);
	writer.resize(80, 24);
	writer.marker('scaled');
	writer.output('');
	writer.close();
	writer.output('after close is ignored');
	const cast = parseCast(readFileSync(file, 'utf8'));
	t.deepEqual(cast.header, {version: 2, width: 100, height: 30});
	t.deepEqual(cast.events, [[0, 'o', '\x1b[?1049h'], [0.25, 'o', 'héllo ✓'], [1.25, 'r', '80x24'], [1.25, 'm', 'scaled']]);
});

test('times never go back, even when the clock does', t => {
	const file = join(tempDir(t), 'b.cast');
	const clock = fakeClock();
	const writer = CastWriter.open(file, {version: 2, width: 80, height: 24}, {now: clock.now});
	clock.advance(100);
	writer.output('a');
	clock.advance(-50);
	writer.output('b');
	writer.close();
	t.deepEqual(parseCast(readFileSync(file, 'utf8')).events.map(e => e[0]), [0.1, 0.1]);
});

test('a recording cut mid-line is still a cast up to its last whole event', t => {
	const file = join(tempDir(t), 'c.cast');
	const writer = CastWriter.open(file, {version: 2, width: 80, height: 24}, {now: fakeClock().now});
	writer.output('one');
	writer.output('two');
	writer.close();
	truncateSync(file, readFileSync(file).length - 5);
	t.deepEqual(parseCast(readFileSync(file, 'utf8')).events, [[0, 'o', 'one']]);
});

test('a bad path is a clear RecordError before anything is written', t => {
	const dir = tempDir(t);
	t.throws(() => CastWriter.open(join(dir, 'missing/x.cast'), {version: 2, width: 80, height: 24}), {
		instanceOf: RecordError,
		message: `cannot record to ${join(dir, 'missing/x.cast')}: directory ${join(dir, 'missing')} does not exist`,
	});
	t.throws(() => CastWriter.open(dir, {version: 2, width: 80, height: 24}), {instanceOf: RecordError, message: `cannot record to ${dir}: it is a directory`});
	if (process.getuid?.() !== 0) {
		const locked = join(dir, 'locked');
		writeFileSync(locked, '');
		chmodSync(locked, 0o400);
		t.throws(() => CastWriter.open(locked, {version: 2, width: 80, height: 24}), {instanceOf: RecordError, message: `cannot record to ${locked}: permission denied`});
	}
	t.throws(() => LiveRecording.start({castPath: join(dir, 'x.keys'), keys: keysHeader, virtualNow: () => 0}), {instanceOf: RecordError, message: /keys file would have the same name/});
});

test('teeWrites sees every write, strings and UTF-8 bytes split across writes, and the stream still gets them', t => {
	const seen: string[] = [];
	const got: Buffer[] = [];
	const stream = new Writable({write(chunk: Buffer, _encoding, done) {
		got.push(chunk);
		done();
	}});
	const restore = teeWrites(stream, data => seen.push(data));
	stream.write('plain');
	const check = Buffer.from('✓', 'utf8');
	stream.write(check.subarray(0, 1));
	stream.write(check.subarray(1));
	stream.write('6869', 'hex');
	restore();
	stream.write('after');
	t.deepEqual(seen, ['plain', '✓', 'hi']);
	t.is(Buffer.concat(got).toString('utf8'), 'plain✓hiafter');
});

test('tapReads sees each chunk read() returns, as read', t => {
	const stdin = new PassThrough();
	stdin.setEncoding('utf8');
	const seen: string[] = [];
	const restore = tapReads(stdin, data => seen.push(data));
	stdin.write('\x1b[A');
	t.is(stdin.read(), '\x1b[A');
	t.is(stdin.read(), null);
	stdin.write('jj');
	t.is(stdin.read(), 'jj');
	restore();
	stdin.write('q');
	t.is(stdin.read(), 'q');
	t.deepEqual(seen, ['\x1b[A', 'jj']);
});

test('a live recording: output to the cast, keys and resizes to the keys file, one time 0, x at exit', t => {
	const dir = tempDir(t);
	const clock = fakeClock();
	let virtual = 1_700_000_000_000;
	const stdout = Object.assign(new PassThrough(), {columns: 100, rows: 30});
	stdout.resume();
	const stdin = new PassThrough();
	stdin.setEncoding('utf8');
	const recording = LiveRecording.start({castPath: join(dir, 'session.cast'), keys: keysHeader, virtualNow: () => virtual, now: clock.now, cast: {env: {TERM: 'xterm-256color'}}});
	recording.attach({stdout, stdin});
	t.is(recording.keysPath, join(dir, 'session.keys'));
	stdout.write('\x1b[?1049h');
	clock.advance(120);
	virtual += 120.4;
	stdin.write(':po\r');
	stdin.read();
	stdout.write('pods');
	clock.advance(30);
	stdout.columns = 80;
	stdout.rows = 24;
	stdout.emit('resize');
	clock.advance(10);
	virtual += 40;
	recording.stop();
	stdout.write('not recorded');

	const cast = parseCast(readFileSync(join(dir, 'session.cast'), 'utf8'));
	t.deepEqual(cast.header, {version: 2, width: 100, height: 30, env: {TERM: 'xterm-256color'}});
	t.deepEqual(cast.events, [[0, 'o', '\x1b[?1049h'], [0.12, 'o', 'pods'], [0.15, 'r', '80x24']]);
	const keys = parseKeys(readFileSync(join(dir, 'session.keys'), 'utf8'));
	t.deepEqual(keys.header, keysHeader);
	t.deepEqual(keys.events, [[120, 1_700_000_000_120, 'k', ':po\r'], [150, 1_700_000_000_120, 'r', '80x24'], [160, 1_700_000_000_160, 'x', '']]);
	t.true(keys.exited);
});
