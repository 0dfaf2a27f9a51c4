#!/usr/bin/env node
/**
 * `kubarium`: the installed command (dist/bundle/cli.js). Finds the config
 * dir the command line names and runs the app bundled beside it
 * (dist/bundle/app.js) with its code cache. `kubariumAppHash` is the
 * bundle's hash, written in when both were built (scripts/bundle.mjs).
 */
import {fileURLToPath} from 'node:url';
import {configDirArgument, resolveConfigDir} from '../ui/config-dir.js';
import {launch} from './launch.js';
import {stateArgument} from './read-ahead.js';

declare const kubariumAppHash: string;

launch({
	file: fileURLToPath(new URL('app.js', import.meta.url)),
	hash: kubariumAppHash,
	configDir: resolveConfigDir(configDirArgument(process.argv.slice(2))),
	stateFile: stateArgument(process.argv.slice(2)),
});
