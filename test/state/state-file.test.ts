import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import test from 'ava';
import {checkStateDirectory, leftoverTemporaries, moveAside, readStateFile, removeLeftovers, StateFileError, writeStateFile, writeStateFileSync} from '../../source/state/state-file.js';

const root = resolve(import.meta.dirname, '../..');

function scratch(t: {teardown: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-state-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

const valid = JSON.stringify({kind: 'KubariumSnapshot', version: 1, store: {objects: [{kind: 'Pod', metadata: {name: 'web-1'}}]}, clock: {now: 1}});

/** The file's bytes and times, to show a failed read left it alone. */
function fingerprint(file: string): string {
	const stat = statSync(file);
	return `${readFileSync(file).toString('base64')}|${stat.mtimeMs}|${stat.size}`;
}

test('no file is a fresh start; a good one is read', async t => {
	const dir = scratch(t);
	t.is(await readStateFile(join(dir, 'state.json')), undefined);
	writeFileSync(join(dir, 'state.json'), valid);
	t.deepEqual(await readStateFile(join(dir, 'state.json')), JSON.parse(valid));
});

const bad: Array<[string, string, RegExp]> = [
	['empty', '', /: it is empty\./],
	['blank', '  \n', /: it is empty\./],
	['truncated', valid.slice(0, 60), /: it is truncated: the JSON stops after 60 bytes\./],
	['truncated at a value', valid.slice(0, valid.length - 1), /: it is truncated: the JSON stops after \d+ bytes\./],
	['not JSON', 'kind: KubariumSnapshot\n', /: it is not JSON \(Unexpected token .*\)\./],
	['binary', '\u0000\u0001\u0002garbage', /: it is not JSON \(/],
	['JSON of another kind', JSON.stringify({apiVersion: 'v1', kind: 'List', items: []}), /: it is not a Kubarium state file \(it has no "kind": "KubariumSnapshot"\)\./],
	['a JSON array', '[]', /: it is not a Kubarium state file/],
	['a JSON string', '"state"', /: it is not a Kubarium state file/],
];

for (const [name, content, reason] of bad) {
	test(`a state file that is ${name}: a StateFileError with the path, the reason and --reset-state; the file is untouched`, async t => {
		const dir = scratch(t);
		const file = join(dir, 'state.json');
		writeFileSync(file, content);
		const before = fingerprint(file);
		const error = (await t.throwsAsync(readStateFile(file), {instanceOf: StateFileError}))!;
		t.true(error.message.startsWith(`cannot use the state file ${file}: `), error.message);
		t.regex(error.message, reason);
		t.true(error.message.includes(`run again with --reset-state, which moves it aside to ${file}.corrupt-<timestamp>`), error.message);
		t.is(fingerprint(file), before);
		t.deepEqual(readdirSync(dir), ['state.json']);
	});
}

test('a directory or an unreadable file is refused with what to do', async t => {
	const dir = scratch(t);
	mkdirSync(join(dir, 'state'));
	t.regex((await t.throwsAsync(readStateFile(join(dir, 'state')), {instanceOf: StateFileError}))!.message, /: it is a directory\. Name a file for --state$/);
	t.regex(t.throws(() => checkStateDirectory(join(dir, 'missing', 'state.json')), {instanceOf: StateFileError})!.message, /its directory .*missing does not exist\. Create the directory/);
	t.notThrows(() => checkStateDirectory(join(dir, 'state.json')));
	if (process.getuid?.() !== 0) {
		const file = join(dir, 'locked.json');
		writeFileSync(file, valid, {mode: 0o000});
		t.regex((await t.throwsAsync(readStateFile(file), {instanceOf: StateFileError}))!.message, /it cannot be read \(EACCES/);
	}
});

test('a write replaces the file whole and leaves no temporary file', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	writeStateFileSync(file, valid);
	t.is(readFileSync(file, 'utf8'), valid);
	await writeStateFile(file, '{"kind":"KubariumSnapshot","version":1}');
	t.is(readFileSync(file, 'utf8'), '{"kind":"KubariumSnapshot","version":1}');
	t.deepEqual(readdirSync(dir), ['state.json']);
	t.is(statSync(file).mode & 0o777, 0o600, 'only its owner reads a state file (it holds the cluster\'s Secrets)');
});

test('a crash between the write and the rename leaves the old file whole; the next start removes the temporary', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	writeFileSync(file, valid);
	// A real crash: the child writes the new state through the same code and is killed with SIGKILL just before the rename.
	const script = `
		import {writeStateFileSync} from ${JSON.stringify(join(root, 'source/state/state-file.ts'))};
		writeStateFileSync(${JSON.stringify(file)}, JSON.stringify({kind: 'KubariumSnapshot', version: 1, big: 'x'.repeat(100000)}), {beforeRename: () => process.kill(process.pid, 'SIGKILL')});
	`;
	const child = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], {cwd: root, encoding: 'utf8'});
	t.is(child.signal, 'SIGKILL', child.stderr);
	t.is(readFileSync(file, 'utf8'), valid, 'the old state is intact');
	t.deepEqual(await readStateFile(file), JSON.parse(valid));
	const leftovers = leftoverTemporaries(file);
	t.is(leftovers.length, 1);
	t.is(readFileSync(leftovers[0]!, 'utf8').length, JSON.stringify({kind: 'KubariumSnapshot', version: 1, big: 'x'.repeat(100000)}).length, 'the new state was written in full before the crash');
	removeLeftovers(file);
	t.deepEqual(readdirSync(dir), ['state.json']);
});

test('a failed write removes its temporary file and keeps the old state', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	writeFileSync(file, valid);
	t.throws(() => writeStateFileSync(file, 'new', {beforeRename: () => { throw new Error('disk gone'); }}), {message: 'disk gone'});
	await t.throwsAsync(writeStateFile(file, 'new', {beforeRename: () => { throw new Error('disk gone'); }}), {message: 'disk gone'});
	t.is(readFileSync(file, 'utf8'), valid);
	t.deepEqual(readdirSync(dir), ['state.json']);
});

test('--reset-state moves the file aside to FILE.corrupt-<timestamp>, never over another', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	t.is(moveAside(file), undefined, 'nothing to move');
	writeFileSync(file, 'garbage');
	const when = new Date('2026-12-05T18:30:00.123Z');
	const aside = moveAside(file, when)!;
	t.is(aside, `${file}.corrupt-2026-12-05T18-30-00-123Z`);
	t.is(readFileSync(aside, 'utf8'), 'garbage');
	writeFileSync(file, 'garbage 2');
	t.is(moveAside(file, when), `${file}.corrupt-2026-12-05T18-30-00-123Z-2`);
	t.is(readFileSync(aside, 'utf8'), 'garbage');
	t.is(await readStateFile(file), undefined);
});
