import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {readAhead, stateArgument} from '../../source/start/read-ahead.js';

function scratch(t: {teardown: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-read-ahead-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

test('the --state file the command line names: either form, the last one, none without a value', t => {
	t.is(stateArgument(['--state', 'a.json']), 'a.json');
	t.is(stateArgument(['--state=b.json', '--seed', '3']), 'b.json');
	t.is(stateArgument(['serve', '--port', '0', '--state', 'c.json']), 'c.json');
	t.is(stateArgument(['--state', 'a.json', '--state=d.json']), 'd.json');
	t.is(stateArgument(['--state']), undefined);
	t.is(stateArgument(['--state', '--seed', '3']), undefined);
	t.is(stateArgument(['--seed', '3']), undefined);
});

test('a regular file is read whole, under its absolute path', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	const content = 'x'.repeat(200_000);
	writeFileSync(file, content);
	const started = readAhead(file)!;
	t.is(started.file, file);
	t.is((await started.bytes)?.toString(), content);
});

test('anything but a regular file that opens is left to the app: a missing file, an empty one, a directory, a pipe (without waiting for a writer)', t => {
	const dir = scratch(t);
	t.is(readAhead(join(dir, 'missing.json')), undefined);
	writeFileSync(join(dir, 'empty.json'), '');
	t.is(readAhead(join(dir, 'empty.json')), undefined);
	mkdirSync(join(dir, 'dir'));
	t.is(readAhead(join(dir, 'dir')), undefined);
	const pipe = join(dir, 'pipe');
	execFileSync('mkfifo', [pipe]);
	t.is(readAhead(pipe), undefined);
});
