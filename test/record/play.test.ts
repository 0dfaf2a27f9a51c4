import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import type {CastEvent} from '../../source/record/cast.js';
import {loadCast, parsePlayArgs, PlayError, playSchedule} from '../../source/record/play.js';

const events: CastEvent[] = [[0.5, 'o', 'a'], [1, 'm', 'chapter'], [1.25, 'o', 'b'], [11.25, 'o', 'c'], [11.25, 'r', '80x24'], [12, 'i', 'q']];
const at = (schedule: ReturnType<typeof playSchedule>) => schedule.map(s => Math.round(s.atMs * 1000) / 1000);
const delays = (schedule: ReturnType<typeof playSchedule>) => schedule.map(s => Math.round(s.delayMs * 1000) / 1000);

test('play schedule: events at their recorded times, every event kept in order', t => {
	const schedule = playSchedule(events);
	t.deepEqual(at(schedule), [500, 1000, 1250, 11_250, 11_250, 12_000]);
	t.deepEqual(delays(schedule), [500, 500, 250, 10_000, 0, 750]);
	t.deepEqual(schedule.map(s => s.event), events);
});

test('play schedule: speed divides every pause', t => {
	t.deepEqual(at(playSchedule(events, {speed: 2})), [250, 500, 625, 5625, 5625, 6000]);
	t.deepEqual(at(playSchedule(events, {speed: 0.5})), [1000, 2000, 2500, 22_500, 22_500, 24_000]);
});

test('play schedule: pauses longer than the idle time limit are cut to it, before the speed divides them', t => {
	t.deepEqual(delays(playSchedule(events, {idleTimeLimit: 2})), [500, 500, 250, 2000, 0, 750]);
	t.deepEqual(delays(playSchedule(events, {idleTimeLimit: 0.4})), [400, 400, 250, 400, 0, 400]);
	t.deepEqual(delays(playSchedule(events, {idleTimeLimit: 2, speed: 4})), [125, 125, 62.5, 500, 0, 187.5]);
	t.deepEqual(at(playSchedule(events, {idleTimeLimit: 2})), [500, 1000, 1250, 3250, 3250, 4000]);
});

test('play schedule: nothing to play, and nonsense options', t => {
	t.deepEqual(playSchedule([]), []);
	t.throws(() => playSchedule(events, {speed: 0}), {instanceOf: RangeError});
	t.throws(() => playSchedule(events, {idleTimeLimit: -1}), {instanceOf: RangeError});
});

test('play arguments: the file, --speed and --idle-time-limit in both forms, -s and -i', t => {
	t.deepEqual(parsePlayArgs(['demo.cast']), {file: 'demo.cast', speed: 1, help: false});
	t.deepEqual(parsePlayArgs(['--speed', '2', 'demo.cast', '--idle-time-limit=1.5']), {file: 'demo.cast', speed: 2, idleTimeLimit: 1.5, help: false});
	t.like(parsePlayArgs(['-s', '0.5', '-i', '3', 'x.cast']), {speed: 0.5, idleTimeLimit: 3});
	t.like(parsePlayArgs(['--help']), {help: true});
	const table: Array<[string[], string]> = [
		[[], 'play needs a recording: kubarium play FILE.cast (see kubarium play --help)'],
		[['a.cast', 'b.cast'], 'play takes one recording, got "a.cast" and "b.cast"'],
		[['a.cast', '--speed', '0'], 'Invalid value for --speed: "0" (expected a number greater than 0)'],
		[['a.cast', '--speed=fast'], 'Invalid value for --speed: "fast" (expected a number greater than 0)'],
		[['a.cast', '--idle-time-limit'], 'Flag --idle-time-limit needs a value'],
		[['a.cast', '--loop'], 'Unknown flag --loop for play (see kubarium play --help)'],
	];
	for (const [argv, message] of table) t.throws(() => parsePlayArgs(argv), {instanceOf: PlayError, message}, argv.join(' '));
});

test('loading a recording: a missing or invalid file names the file and what is wrong', t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-play-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	const write = (name: string, text: string) => {
		writeFileSync(join(dir, name), text);
		return join(dir, name);
	};
	t.deepEqual(loadCast(write('ok.cast', '{"version":2,"width":80,"height":24}\n[0.1,"o","hi"]\n')).events, [[0.1, 'o', 'hi']]);
	const cases: Array<[string, string]> = [
		[join(dir, 'missing.cast'), 'no such file'],
		[dir, 'is a directory'],
		[write('empty.cast', ''), 'line 1: empty file, expected an asciicast v2 header'],
		[write('v3.cast', '{"version":3,"term":{"cols":80,"rows":24}}\n'), 'line 1: version 3 is not supported, expected 2'],
		[write('bad.cast', '{"version":2,"width":80,"height":24}\n[0.1,"o","hi"]\nnope\n[0.2,"o","x"]\n'), 'line 3: not JSON'],
		[write('back.cast', '{"version":2,"width":80,"height":24}\n[2,"o","a"]\n[1,"o","b"]\n'), "line 3: time 1 comes before the previous event's 2"],
	];
	for (const [file, reason] of cases) t.throws(() => loadCast(file), {instanceOf: PlayError, message: `${file}: ${reason}`}, reason);
});
