/**
 * Runs the bundled app (a classic script wrapped in one function, see
 * scripts/bundle.mjs) with V8's code cache. Node 20 compiles ES modules
 * afresh at every start; a script compiled through `vm.Script` can instead
 * be given the code V8 made last time (`cachedData`), which skips parsing the
 * bundle and compiling each function the start runs. The cache is made once,
 * right after the first frame (so it holds every function the start ran, or
 * at exit when the app quits before that runs), and only when there was none
 * or V8 refused it (another V8 build or flags). A command that draws nothing
 * (--help, serve) reads the cache but never makes one.
 */
import {createRequire} from 'node:module';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import vm from 'node:vm';
import {codeCacheDir, codeCacheName, readCodeCache, writeCodeCache} from './code-cache.js';
import {limitHeapGrowth} from './heap.js';
import {readAhead} from './read-ahead.js';
import type {StartHost} from '../main.js';

export type LaunchOptions = {
	/** The bundle: ASCII only, its whole text one function expression. */
	file: string;
	/** A hash of the bundle's text, made when it was built. */
	hash: string;
	/** The config dir whose cache/ folder holds the code cache. */
	configDir: string;
	/** The `--state` file the command line names: read ahead while the app's code loads. */
	stateFile?: string;
};

/** What became of the cache at this start. */
export type CacheUse = 'accepted' | 'missing' | 'rejected';

export type Launched = {
	cache: CacheUse;
	/** The cache file this start reads and, when it has to, writes. */
	cacheFile: string;
	/** Makes and writes the cache now if this start owes one (what firstFrame schedules); returns whether it wrote one. */
	saveCache: () => boolean;
	/** What the app was given. */
	host: StartHost;
};

/** The function the bundle's text evaluates to. */
type Wrapped = (require: NodeJS.Require, module: {exports: unknown}, exports: unknown, filename: string, dirname: string, host: StartHost) => void;

export function launch(options: LaunchOptions): Launched {
	limitHeapGrowth();
	// Started first, so the read goes on while the bundle is read, compiled and run.
	const stateReadAhead = options.stateFile === undefined ? undefined : readAhead(options.stateFile);
	const dir = codeCacheDir(options.configDir);
	const cacheFile = join(dir, codeCacheName(options.hash));
	// latin1 reads the ASCII bundle straight into a one-byte string (UTF-8 decoding takes several times longer).
	const source = readFileSync(options.file, 'latin1');
	const cachedData = readCodeCache(cacheFile);
	const script = new vm.Script(source, {
		filename: options.file,
		...(cachedData ? {cachedData} : {}),
		// A dynamic import left in the bundle (none is expected) goes to Node's own loader.
		importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
	});
	const cache: CacheUse = cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted';
	let owed = cache !== 'accepted';
	const saveCache = () => {
		if (!owed) return false;
		owed = false;
		let data: Buffer;
		try {
			data = script.createCachedData();
		} catch {
			return false;
		}
		return writeCodeCache(cacheFile, data, dir) === undefined;
	};
	const host: StartHost = {
		...(stateReadAhead ? {stateReadAhead} : {}),
		firstFrame: () => {
			if (!owed) return;
			setImmediate(saveCache);
			process.once('exit', saveCache);
		},
	};
	const module = {exports: {}};
	(script.runInThisContext() as Wrapped)(createRequire(options.file), module, module.exports, options.file, dirname(options.file), host);
	return {cache, cacheFile, saveCache, host};
}
