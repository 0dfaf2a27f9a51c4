#!/usr/bin/env node
/**
 * Bundles the app for start-up speed into two files in dist/bundle/:
 *
 * - app.js: source/start/app-entry.ts and everything it imports (Ink, React,
 *   the engine, every view and subcommand), one classic script whose text is
 *   a single function expression. Node 20 can cache V8's compiled code only
 *   for classic scripts (`vm.Script` with `cachedData`), not for ES modules,
 *   so the app is no module: imports become esbuild's CommonJS wrappers, a
 *   dynamic import() only runs the imported module's body then (rarely used
 *   views and subcommands still load lazily, at no cost before), and
 *   import.meta.url is the bundle's own URL. The text is ASCII only, so the
 *   launcher reads it as a one-byte string without decoding UTF-8.
 * - cli.js: the launcher (source/start/launcher.ts), a CommonJS module of a
 *   few lines with app.js's hash written in; it runs app.js with the code
 *   cache.
 * - kubernetes-client.cjs: what the dashboard uses of @kubernetes/client-node
 *   (source/ui/remote/kubernetes-client.ts), a CommonJS module that app.js
 *   requires only when a real cluster is opened: a third of the code, which
 *   every start of the simulation would otherwise read.
 *
 * Two packages do not fit a classic script as published: yoga-layout loads
 * its WebAssembly with a top-level await (source/start/yoga.ts stands in for
 * it), and Ink's reconciler awaits React's devtools and its package.json only
 * when DEV=true (both are left out: devtools are not installed).
 *
 * `--if-stale` bundles only when a source, theme or package file is newer
 * than the bundle, so `npm start` starts at once on an up-to-date tree.
 */
import {createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist/bundle');
const entry = join(outdir, 'cli.js');
const app = join(outdir, 'app.js');

function newestMtime(path) {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
	return newest;
}

if (process.argv.includes('--if-stale') && existsSync(entry) && existsSync(app)) {
	const inputs = ['source', 'package.json', 'package-lock.json', 'scripts/bundle.mjs'].map(p => newestMtime(join(root, p)));
	if (Math.max(...inputs) < Math.min(statSync(entry).mtimeMs, statSync(app).mtimeMs)) process.exit(0);
}

const yogaStandIn = join(root, 'source/start/yoga.ts');
const kubernetesClient = join(root, 'source/ui/remote/kubernetes-client.ts');
const inkOutputClass = join(root, 'source/ui/ink/output-class.ts');

/** The two packages above, made fit for a classic script. */
const classicScript = {
	name: 'classic-script',
	setup(build) {
		build.onResolve({filter: /^yoga-layout$/}, args => (args.importer === yogaStandIn ? undefined : {path: yogaStandIn}));
		build.onResolve({filter: /[\\/]kubernetes-client\.js$/}, args => (join(args.resolveDir, args.path).replace(/\.js$/, '.ts') === kubernetesClient ? {path: './kubernetes-client.cjs', external: true} : undefined));
		// Ink's Output class, which the app reaches by a top-level await on its file URL: imported directly.
		build.onLoad({filter: /[\\/]ink[\\/]output-class\.ts$/}, args => (args.path === inkOutputClass ? {contents: `export {default} from ${JSON.stringify(join(root, 'node_modules/ink/build/output.js'))};`, loader: 'ts', resolveDir: root} : undefined));
		build.onLoad({filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/}, args => {
			const replacements = [
				["await import('./devtools.js');", "throw Object.assign(new Error('React devtools are not bundled'), {code: 'ERR_MODULE_NOT_FOUND'});"],
				['? await loadPackageJson()', '? {name: undefined, version: undefined}'],
			];
			let text = readFileSync(args.path, 'utf8');
			for (const [from, to] of replacements) {
				if (!text.includes(from)) throw new Error(`${args.path} no longer holds ${JSON.stringify(from)}: see scripts/bundle.mjs`);
				text = text.replace(from, to);
			}
			return {contents: text, loader: 'js'};
		});
	},
};

const common = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	jsx: 'automatic',
	define: {'process.env.NODE_ENV': '"production"'},
	minifySyntax: true,
	minifyWhitespace: true,
	legalComments: 'none',
	logLevel: 'warning',
};

/** Escapes what esbuild leaves outside ASCII (it does in regular expression literals). */
function ascii(text) {
	return text.replace(/[^\x00-\x7f]/g, (char, at) => {
		if (text[at - 1] === '\\') throw new Error(`dist/bundle/app.js: an escaped non-ASCII character at ${at}; escape it in the source instead`);
		return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
	});
}

rmSync(outdir, {recursive: true, force: true});
await build({
	...common,
	entryPoints: {app: join(root, 'source/start/app-entry.ts')},
	outdir,
	format: 'cjs',
	// Ink imports React's devtools only when DEV is set; they are not installed.
	external: ['react-devtools-core'],
	define: {...common.define, 'import.meta.url': 'kubariumUrl'},
	plugins: [classicScript],
	// The whole text is one function expression: launch.ts calls it with these.
	banner: {js: '(function (require, module, exports, __filename, __dirname, kubariumHost) {"use strict";const kubariumUrl = require("node:url").pathToFileURL(__filename).href;'},
	footer: {js: '})'},
});
/**
 * esbuild's `__toESM` makes a fresh namespace object, one getter per export,
 * at every module that imports a CommonJS one: 76 copies of React's exports,
 * 15 of node:path's, about 20 ms of the start. The namespace only reads
 * through to the module, so one per module (and import mode) serves them
 * all: the helper is wrapped in a cache right after esbuild defines it.
 */
function shareNamespaces(text) {
	const head = /var __toESM=\([\w$]+,[\w$]+,[\w$]+\)=>\(/.exec(text);
	if (!head) throw new Error('dist/bundle/app.js: esbuild\'s __toESM helper is not where scripts/bundle.mjs expects it');
	let depth = 1;
	let at = head.index + head[0].length;
	for (; depth > 0 && at < text.length; at++) {
		if (text[at] === '(') depth++;
		else if (text[at] === ')') depth--;
	}
	if (text[at] !== ';') throw new Error('dist/bundle/app.js: esbuild\'s __toESM helper does not end where scripts/bundle.mjs expects it');
	const cached = '__toESM=((toESM,shared)=>(mod,isNodeMode)=>{if(mod==null||typeof mod!="object"&&typeof mod!="function")return toESM(mod,isNodeMode);let made=shared.get(mod);made||shared.set(mod,made=[]);return made[isNodeMode?1:0]??=toESM(mod,isNodeMode)})(__toESM,new WeakMap);';
	return text.slice(0, at + 1) + cached + text.slice(at + 1);
}

const text = ascii(shareNamespaces(readFileSync(app, 'utf8')));
writeFileSync(app, text);
const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);

await build({
	...common,
	entryPoints: {'kubernetes-client': kubernetesClient},
	outdir,
	outExtension: {'.js': '.cjs'},
	format: 'cjs',
});

// The launcher is CommonJS (dist/bundle/package.json says so): Node then loads it
// synchronously, without its ES module loader's asynchronous reads and turns of the event loop.
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({type: 'commonjs'})}\n`);
await build({
	...common,
	entryPoints: {cli: join(root, 'source/start/launcher.ts')},
	outdir,
	format: 'cjs',
	define: {...common.define, kubariumAppHash: JSON.stringify(hash), 'import.meta.url': 'kubariumLauncherUrl'},
	banner: {js: 'const kubariumLauncherUrl = require("node:url").pathToFileURL(__filename).href;'},
});
