#!/usr/bin/env node
/**
 * Bundles the dashboard for start-up speed: source/cli.tsx and everything it
 * imports (Ink, React, yaml, ...) become a few ES modules in dist/bundle/, so
 * Node reads and compiles a handful of files instead of several hundred.
 * The entry chunk holds only flag parsing, so --help and bad flags answer
 * before the rest is loaded.
 *
 * `--if-stale` bundles only when a source, theme or package file is newer
 * than the bundle, so `npm start` starts at once on an up-to-date tree.
 */
import {existsSync, readdirSync, rmSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist/bundle');
const entry = join(outdir, 'cli.js');

function newestMtime(path) {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
	return newest;
}

if (process.argv.includes('--if-stale') && existsSync(entry)) {
	const inputs = ['source', 'package.json', 'package-lock.json', 'scripts/bundle.mjs'].map(p => newestMtime(join(root, p)));
	if (Math.max(...inputs) < statSync(entry).mtimeMs) process.exit(0);
}

rmSync(outdir, {recursive: true, force: true});
await build({
	entryPoints: {cli: join(root, 'source/cli.tsx')},
	outdir,
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	jsx: 'automatic',
	// Ink imports React's devtools only when DEV is set; it is not installed.
	external: ['react-devtools-core'],
	define: {'process.env.NODE_ENV': '"production"'},
	// CommonJS packages inside an ES module bundle need require.
	banner: {js: "import {createRequire as __kubariumRequire} from 'node:module'; const require = __kubariumRequire(import.meta.url);"},
	minifySyntax: true,
	minifyWhitespace: true,
	legalComments: 'none',
	logLevel: 'warning',
});
