import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import test from 'ava';
import {codeCacheDir, codeCacheName, readCodeCache, writeCodeCache} from '../../source/start/code-cache.js';
import {configDirArgument, resolveConfigDir} from '../../source/ui/config-dir.js';

const freshDir = () => codeCacheDir(mkdtempSync(join(tmpdir(), 'kubarium-cache-')));

test('a written cache reads back byte for byte; the file name holds the bundle hash, Node version and architecture', t => {
	const dir = freshDir();
	const file = join(dir, codeCacheName('0123abcd', 'v20.19.0', 'arm64'));
	t.is(file.slice(dir.length + 1), 'start-0123abcd-v20.19.0-arm64.v8cache');
	const data = Buffer.from(Array.from({length: 5000}, (_, i) => (i * 7) % 256));
	t.is(writeCodeCache(file, data, dir), undefined);
	t.deepEqual(readCodeCache(file), data);
	t.is(codeCacheName('h'), `start-h-${process.version}-${process.arch}.v8cache`);
});

test('a missing, torn, corrupted or foreign file reads as no cache', t => {
	const dir = freshDir();
	const file = join(dir, codeCacheName('h'));
	t.is(readCodeCache(file), undefined, 'missing');
	writeCodeCache(file, Buffer.alloc(4096, 9), dir);
	const whole = readFileSync(file);
	writeFileSync(file, whole.subarray(0, whole.length - 1));
	t.is(readCodeCache(file), undefined, 'torn');
	const flipped = Buffer.from(whole);
	flipped[flipped.length - 100]! ^= 1;
	writeFileSync(file, flipped);
	t.is(readCodeCache(file), undefined, 'one bit changed');
	writeFileSync(file, 'not a cache at all');
	t.is(readCodeCache(file), undefined, 'foreign');
	writeFileSync(file, '');
	t.is(readCodeCache(file), undefined, 'empty');
});

test('writing a cache removes the start caches of other bundles and Node versions, and nothing else', t => {
	const dir = freshDir();
	writeCodeCache(join(dir, codeCacheName('old', 'v20.18.0')), Buffer.alloc(10), dir);
	writeFileSync(join(dir, 'notes.txt'), 'kept');
	const current = join(dir, codeCacheName('new'));
	t.is(writeCodeCache(current, Buffer.alloc(10, 1), dir), undefined);
	t.false(existsSync(join(dir, codeCacheName('old', 'v20.18.0'))));
	t.true(existsSync(join(dir, 'notes.txt')));
	t.deepEqual(readCodeCache(current), Buffer.alloc(10, 1));
});

test('a cache that cannot be written is an error returned, not thrown', t => {
	const dir = freshDir();
	writeFileSync(join(dir, '..', 'blocker'), '');
	const blocked = join(dir, '..', 'blocker', 'cache');
	const error = writeCodeCache(join(blocked, codeCacheName('h')), Buffer.alloc(1), blocked);
	t.truthy(error);
	t.regex(error!.message, /ENOTDIR|EEXIST/);
});

test('the launcher finds --config-dir in any command line, as the flag parsers read it', t => {
	t.is(configDirArgument([]), undefined);
	t.is(configDirArgument(['--seed', '3', '--config-dir', '/x/y']), '/x/y');
	t.is(configDirArgument(['serve', '--config-dir=/a', '--port', '0']), '/a');
	t.is(configDirArgument(['--config-dir', '/a', '--config-dir=/b']), '/b', 'the last one wins');
	t.is(configDirArgument(['--config-dir', '--readonly']), undefined, 'a flag is no value');
	t.is(configDirArgument(['--config-dir']), undefined);
	t.is(resolveConfigDir(configDirArgument(['--config-dir', 'rel'])), resolve('rel'));
	t.is(resolveConfigDir(undefined, {KUBARIUM_CONFIG_DIR: '/env'}), '/env');
	t.is(resolveConfigDir(undefined, {XDG_CONFIG_HOME: '/xdg'}), '/xdg/kubarium');
});
