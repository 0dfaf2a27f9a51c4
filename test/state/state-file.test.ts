import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import {batchesOf, checkStateDirectory, chunksABatch, joinedChunks, leftoverTemporaries, moveAside, readStateFile, removeLeftovers, StateFileError, writeStateFile, writeStateFileSync} from '../../source/state/state-file.js';

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
	t.deepEqual((await readStateFile(join(dir, 'state.json')))?.snapshot, JSON.parse(valid));
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
	t.deepEqual((await readStateFile(file))?.snapshot, JSON.parse(valid));
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

test('chunks written are joined where they go on in the same memory, or repeat the bytes that follow there; the bytes are the same', t => {
	// Lines of a file, each of its own text: {"kind":"Pod","n":"0000"} and so on.
	const text = (index: number) => `{"kind":"Pod","n":"${String(index).padStart(4, '0')}"}`;
	const file = Buffer.from(`${Array.from({length: 1000}, (_, index) => text(index)).join(',\n')}\n`);
	const size = text(0).length + 2;
	const line = (index: number) => file.subarray(index * size, index * size + size - 2);
	const comma = Buffer.from(',\n');
	// Lines of the file with separators of their own between them: one piece, of the file's memory.
	const lines = [line(0), comma, line(1), comma, line(2)];
	const joined = joinedChunks(lines);
	t.is(joined.length, 1);
	t.deepEqual(Buffer.concat(joined), Buffer.concat(lines));
	t.is(joined[0]!.buffer, file.buffer);
	// A separator that is not what follows in the file starts a new piece.
	t.is(joinedChunks([line(0), Buffer.from(';\n'), line(1)]).length, 3);
	// So does a line out of order (the separator after line 1 is still its own).
	t.deepEqual(joinedChunks([line(1), comma, line(0)]).map(String), [`${text(1)},\n`, text(0)]);
	// Small Buffers share a pool: the bytes after one are another's, and are never taken for a separator.
	const small = Buffer.from('{"a":1}');
	t.true(small.buffer.byteLength <= Buffer.poolSize);
	const sameAsNext = Buffer.alloc(2, Buffer.from(small.buffer, small.byteOffset + small.length, 2));
	t.deepEqual(joinedChunks([small, sameAsNext]), [small, sameAsNext]);
	t.deepEqual(joinedChunks([]), []);
	t.deepEqual(joinedChunks([Buffer.alloc(0), line(3)]).map(String), [text(3)]);
});

test('joined chunks hold exactly the bytes of the chunks, whatever their order and sources', t => {
	const file = Buffer.from(Array.from({length: 400}, (_, i) => `line ${i},\n`).join(''));
	const piece = fc.oneof(
		fc.tuple(fc.nat(file.length), fc.nat(40)).map(([start, length]) => file.subarray(start, Math.min(file.length, start + length))),
		fc.string({maxLength: 20}).map(text => Buffer.from(text)),
		fc.constantFrom(',', ',\n', '\n', 'line').map(text => Buffer.from(text)),
	);
	fc.assert(fc.property(fc.array(piece, {maxLength: 60}), chunks => {
		const joined = joinedChunks(chunks);
		t.true(joined.length <= chunks.length);
		return Buffer.concat(joined).equals(Buffer.concat(chunks));
	}));
});

test('a write of many chunks goes out in batches of joined chunks, a writev each: the file holds every byte in order', async t => {
	const dir = scratch(t);
	// Lines in Buffers of their own, as a save of changing objects makes them, with separators between.
	const chunks: Buffer[] = [];
	for (let index = 0; index < chunksABatch * 3 + 17; index++) chunks.push(Buffer.from(`{"n":${index},"pad":"${'x'.repeat(index % 50)}"}`), Buffer.from(',\n'));
	const expected = Buffer.concat(chunks);
	const batches = [...batchesOf(chunks)];
	t.is(batches.length, Math.ceil(chunks.length / chunksABatch));
	for (const batch of batches) t.true(batch.length <= chunksABatch);
	t.true(Buffer.concat(batches.flat()).equals(expected));
	const file = join(dir, 'state.json');
	writeStateFileSync(file, chunks);
	t.true(readFileSync(file).equals(expected));
	await writeStateFile(file, chunks);
	t.true(readFileSync(file).equals(expected));
});
