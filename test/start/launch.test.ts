/**
 * The launcher on a small script of the bundle's shape (one function
 * expression taking the host): the code cache is made after the first frame,
 * taken by the next start, and a corrupt, refused or stale one is replaced.
 */
import {existsSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {codeCacheDir, codeCacheName, readCodeCache, writeCodeCache} from '../../source/start/code-cache.js';
import {launch} from '../../source/start/launch.js';

type Seen = {host: {firstFrame?: () => void}; file: string; dir: string; sum: number};
const seen = () => (globalThis as {launchTest?: Seen}).launchTest!;
const nextTurn = () => new Promise(resolve => setImmediate(resolve));

function bundle(): {file: string; configDir: string} {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-launch-'));
	const file = join(dir, 'app.js');
	// Enough functions for V8's cache to be worth its bytes; each start runs them.
	const functions = Array.from({length: 50}, (_, i) => `function f${i}(x) { return x * ${i} + String(x).length; }`).join('\n');
	writeFileSync(file, `(function (require, module, exports, __filename, __dirname, kubariumHost) {"use strict";
${functions}
let sum = 0; for (let i = 0; i < 50; i++) sum += eval('f' + i)(i);
globalThis.launchTest = {host: kubariumHost, file: __filename, dir: __dirname, sum, path: require('node:path').sep};
})`);
	return {file, configDir: join(dir, 'config')};
}

test('a first start has no cache and makes one after its first frame; the next start takes it and writes nothing', async t => {
	const {file, configDir} = bundle();
	const first = launch({file, hash: 'aaaa', configDir});
	t.is(first.cache, 'missing');
	t.is(seen().file, file, 'the script gets its own file name');
	t.is(seen().sum, 40_515, 'and runs (the sum of i² + digits of i for i < 50)');
	t.false(existsSync(first.cacheFile), 'nothing is written before the first frame');
	seen().host.firstFrame!();
	await nextTurn();
	t.truthy(readCodeCache(first.cacheFile), 'written right after it');
	t.is(first.cacheFile, join(codeCacheDir(configDir), codeCacheName('aaaa')));
	const written = statSync(first.cacheFile).mtimeMs;

	const second = launch({file, hash: 'aaaa', configDir});
	t.is(second.cache, 'accepted');
	seen().host.firstFrame!();
	await nextTurn();
	t.false(second.saveCache(), 'an accepted cache is not made again');
	t.is(statSync(second.cacheFile).mtimeMs, written);
});

test('a corrupt cache is ignored (the script still runs) and replaced; a stale one is removed', async t => {
	const {file, configDir} = bundle();
	const dir = codeCacheDir(configDir);
	const stale = join(dir, codeCacheName('0ld0', 'v20.0.0'));
	writeCodeCache(stale, Buffer.alloc(64, 1), dir);
	const cacheFile = join(dir, codeCacheName('bbbb'));
	writeFileSync(cacheFile, 'KUBARIUM-V8-CACHE-1\n garbage that is no cache');
	const started = launch({file, hash: 'bbbb', configDir});
	t.is(started.cache, 'missing');
	t.is(seen().sum, 40_515);
	seen().host.firstFrame!();
	await nextTurn();
	t.truthy(readCodeCache(cacheFile));
	t.false(existsSync(stale), 'the other bundle\'s cache is gone');
	t.is(launch({file, hash: 'bbbb', configDir}).cache, 'accepted');
});

test('a cache V8 refuses (well formed, but not its data) is replaced', async t => {
	const {file, configDir} = bundle();
	const dir = codeCacheDir(configDir);
	const cacheFile = join(dir, codeCacheName('cccc'));
	writeCodeCache(cacheFile, Buffer.alloc(4096, 7), dir);
	const started = launch({file, hash: 'cccc', configDir});
	t.is(started.cache, 'rejected');
	t.true(started.saveCache());
	t.notDeepEqual(readCodeCache(cacheFile), Buffer.alloc(4096, 7));
	t.is(launch({file, hash: 'cccc', configDir}).cache, 'accepted');
});

test('the --state file is read ahead and handed to the app with the host; without one, or one that is not a regular file, nothing is', async t => {
	const {file, configDir} = bundle();
	const state = join(configDir, '..', 'state.json');
	writeFileSync(state, '{"kind":"KubariumSnapshot"}');
	launch({file, hash: 'cccc', configDir, stateFile: state});
	const {stateReadAhead} = seen().host as {stateReadAhead?: {file: string; bytes: Promise<Buffer | undefined>}};
	t.is(stateReadAhead?.file, state);
	t.is((await stateReadAhead?.bytes)?.toString(), '{"kind":"KubariumSnapshot"}');
	launch({file, hash: 'cccc', configDir});
	t.false('stateReadAhead' in seen().host);
	launch({file, hash: 'cccc', configDir, stateFile: join(configDir, 'missing.json')});
	t.false('stateReadAhead' in seen().host);
});
