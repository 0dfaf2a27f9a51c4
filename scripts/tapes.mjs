#!/usr/bin/env node
/**
 * `npm run tapes`: records every tape in tapes/ with the built app, one after
 * another, and stops at the first that fails (its FILE:LINE message says why).
 */
import {spawnSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const tapes = readdirSync(join(root, 'tapes')).filter(name => name.endsWith('.tape') && (only.length === 0 || only.some(word => name.includes(word)))).sort();
for (const name of tapes) {
	const result = spawnSync(process.execPath, [join(root, 'dist/bundle/cli.js'), 'record', join('tapes', name)], {cwd: root, stdio: 'inherit', env: {...process.env, NODE_ENV: 'production'}});
	if (result.status !== 0) process.exit(result.status ?? 1);
}
