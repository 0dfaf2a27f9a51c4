import test from 'ava';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import chalk from 'chalk';
import stripAnsi from 'strip-ansi';
import {parseCast, serializeCast, markers} from '../../source/record/cast.js';
import {recordTape} from '../../source/record/recorder.js';
import {parseTape, TapeError} from '../../source/record/tape/parse.js';
import {screenAt} from '../../source/record/output/terminal.js';

const dir = mkdtempSync(join(tmpdir(), 'kubarium-rec-'));

function tape(name: string, text: string) {
	const file = join(dir, name);
	writeFileSync(file, text);
	return parseTape(text, file);
}

const story = [
	'Set Cols 100',
	'Set Rows 30',
	'Set Seed 7',
	'Sleep 1s',
	'Marker "Pods"',
	'Type ":pods"',
	'Enter',
	'Wait /Running/',
	'Sleep 1s',
	'Marker "Deployments"',
	'Type ":deploy"',
	'Enter',
	'Sleep 500ms',
	'Advance 5m',
	'Sleep 500ms',
].join('\n');

test('a recording is valid asciicast v2: the header, times that never go back, only o, m and r events', async t => {
	const recording = await recordTape(tape('story.tape', story));
	const text = serializeCast(recording.cast);
	const cast = parseCast(text);
	t.deepEqual(
		{version: cast.header.version, width: cast.header.width, height: cast.header.height},
		{version: 2, width: 100, height: 30},
	);
	t.is(cast.header.timestamp, undefined, 'no wall-clock timestamp');
	let last = 0;
	for (const [time, code] of cast.events) {
		t.true(time >= last);
		t.true(['o', 'm', 'r'].includes(code));
		last = time;
	}
	t.deepEqual(markers(cast).map(marker => marker.title), ['Pods', 'Deployments']);
	// The clock on the screen is simulated time: 09:00 at the start, five minutes on after Advance.
	t.regex(recording.finalText.join('\n'), /Clock:\s+01-01 09:05:0\d/);
	t.regex(recording.finalText.join('\n'), /deployments\(all\)\[5\]/);
	// Typing ":pods" at 50 ms a key, Enter, the Wait, sleeps: a few seconds, no more.
	t.true(cast.header.duration! > 3 && cast.header.duration! < 6, `duration ${cast.header.duration}`);
});

test('two recordings of the same tape are the same bytes', async t => {
	const one = serializeCast((await recordTape(tape('same.tape', story))).cast);
	const two = serializeCast((await recordTape(tape('same.tape', story))).cast);
	t.is(one, two);
});

test('a Wait that times out fails with its line, the pattern and the last screen', async t => {
	const error = await t.throwsAsync(recordTape(tape('wait.tape', 'Set Cols 80\nSet Rows 24\nType ":pods"\nEnter\nWait@2s /Evicted by magic/')), {instanceOf: TapeError});
	t.true(error!.message.startsWith(`${join(dir, 'wait.tape')}:5: Wait timed out after 2s: /Evicted by magic/ is not on the screen; the last screen:\n`));
	t.regex(error!.message, /pods\(all\)/);
});

test('a hidden stretch is cut from the recording, and Show repaints the screen', async t => {
	const recording = await recordTape(tape('hide.tape', 'Sleep 1s\nHide\nType ":pods"\nEnter\nSleep 5s\nShow\nSleep 1s'));
	const {events, header} = recording.cast;
	t.is(header.duration, 2);
	const shown = events.filter(event => event[0] === 1);
	t.true(shown.some(event => event[1] === 'o' && stripAnsi(event[2]).includes('pods(all)')), 'the screen after Show is the pods view');
	t.false(events.some(event => event[1] === 'o' && event[0] < 1 && stripAnsi(event[2]).includes(':pods')), 'nothing typed while hidden is shown');
});

test('Apply creates the objects at that moment, and Advance moves the clock on the screen at once', async t => {
	writeFileSync(join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: recorded\n');
	const recording = await recordTape(tape('apply.tape', 'Set Cluster empty\nApply ns.yaml\nType ":ns"\nEnter\nSleep 300ms\nAdvance 1h'));
	const screen = recording.finalText.join('\n');
	t.regex(screen, /recorded\s+Active/);
	t.regex(screen, /Clock:\s+01-01 10:00/);
	t.true(recording.clusterMs >= 3_600_000);
});

test('a key after the dashboard quit is an error naming both lines', async t => {
	const error = await t.throwsAsync(recordTape(tape('quit.tape', 'Type ":q"\nEnter\nType "x"')), {instanceOf: TapeError});
	t.is(error!.message, `${join(dir, 'quit.tape')}:3: the dashboard has quit (line 2); nothing can be typed after that`);
});

test('a tape that quits the dashboard ends on its last screen, not on an empty one', async t => {
	const recording = await recordTape(tape('ends.tape', 'Type ":deploy"\nEnter\nSleep 1s\nType ":q"\nEnter\nSleep 1s'));
	t.regex(recording.finalText.join('\n'), /deployments\(all\)\[5\]/);
	const end = await screenAt(recording.cast, recording.cast.header.duration!);
	t.regex(end.lines.join('\n'), /deployments\(all\)\[5\]/, 'a player ends on the last screen');
});

test('an unknown theme fails at its Set line, naming the themes', async t => {
	const error = await t.throwsAsync(recordTape(tape('theme.tape', 'Set Cols 80\nSet Theme nosuch\nSleep 1s')), {instanceOf: TapeError});
	t.is(error!.message, `${join(dir, 'theme.tape')}:2: unknown theme "nosuch"; themes: default, high-contrast, light, mono`);
});

test('a tape in another theme records in its colours, and says them in the header', async t => {
	const light = await recordTape(tape('light.tape', 'Set Theme light\nSleep 500ms'));
	const plain = await recordTape(tape('plain.tape', 'Sleep 500ms'));
	t.not(light.cast.header.theme!.bg, plain.cast.header.theme!.bg);
	t.not(light.cast.events[0]![2], plain.cast.events[0]![2]);
});

test.serial('recordings made at the same time in one process do not change each other', async t => {
	// As in a process whose output is not a terminal: no colours until a recording pins them.
	const level = chalk.level;
	chalk.level = 0;
	t.teardown(() => {
		chalk.level = level;
	});
	const long = tape('long.tape', 'Type ":pods"\nEnter\nSleep 3s');
	const short = tape('short.tape', 'Sleep 100ms');
	const alone = serializeCast((await recordTape(long)).cast);
	const [, together] = await Promise.all([recordTape(short), recordTape(long)]);
	t.is(serializeCast(together.cast), alone);
});
