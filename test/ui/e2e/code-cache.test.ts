/**
 * The built app's code cache in a real terminal (tmux): a first start writes
 * it under <config dir>/cache/ once the first frame is drawn, the next start
 * takes it and writes nothing, and a corrupt cache or a stale one (another
 * bundle) never stops the app: it starts, draws, and the cache is made anew.
 * --help draws nothing and makes no cache.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {readCodeCache} from '../../../source/start/code-cache.js';
import {canRunE2e, cli, killTmux, keys, startApp, type, waitFor, removeDir} from './tmux.js';

const caches = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter(name => name.endsWith('.v8cache')) : []);

async function until(check: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 20_000;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

/** Start the app, wait for the first frame, quit with :q. */
async function startAndQuit(configDir: string, after: () => Promise<void> = async () => {}): Promise<void> {
	try {
		await startApp(configDir);
		await waitFor(s => s.includes('Events'), 'the home view');
		await after();
		type(':q');
		keys('Enter');
		await waitFor(s => s.includes('app-exit-code=0'), 'the app to exit');
	} finally {
		killTmux();
	}
}

(canRunE2e ? test.serial : test.serial.skip)('the built app writes its code cache after the first frame, takes it next time, and replaces a corrupt or stale one', async t => {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-cache-'));
	const dir = join(configDir, 'cache');
	try {
		const help = spawnSync(process.execPath, [cli, '--help', '--config-dir', configDir], {encoding: 'utf8'});
		t.is(help.status, 0);
		t.deepEqual(caches(dir), [], '--help draws nothing and writes no cache');

		await startAndQuit(configDir, () => until(() => caches(dir).length === 1, 'the cache file'));
		const [name] = caches(dir);
		t.regex(name!, new RegExp(`^start-[0-9a-f]{16}-${process.version.replaceAll('.', '\\.')}-${process.arch}\\.v8cache$`));
		const file = join(dir, name!);
		t.truthy(readCodeCache(file), 'a whole cache, its checksum right');
		const made = statSync(file).mtimeMs;

		await startAndQuit(configDir);
		t.is(statSync(file).mtimeMs, made, 'the second start took the cache and wrote nothing');

		writeFileSync(file, 'KUBARIUM-V8-CACHE-1\nthis is not what V8 wrote');
		const stale = join(dir, 'start-0123456789abcdef-v20.0.0-x64.v8cache');
		writeFileSync(stale, 'an older bundle\'s cache');
		await startAndQuit(configDir, () => until(() => readCodeCache(file) !== undefined && !existsSync(stale), 'the cache made anew'));
		t.deepEqual(caches(dir), [name], 'the stale cache is gone');
	} finally {
		removeDir(configDir);
	}
});
