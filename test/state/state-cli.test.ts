/**
 * `--state FILE` from the command line (the built CLI when present): a file
 * that cannot be restored exits 2 with its path, the reason and what to do,
 * and is left untouched, for the dashboard and for `kubarium serve`;
 * `--reset-state` moves it aside; `kubarium serve --state` keeps kubectl's
 * changes and a database row across SIGTERM, and across SIGKILL (what the
 * last save held, at most 2 s old).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import test from 'ava';
import {createCluster, snapshotVersion} from '../../source/engine/index.js';
import {FlagError, parseFlags} from '../../source/ui/flags.js';
import {parseServeFlags, ServeFlagError} from '../../source/serve.js';
import {parsePracticeArgs} from '../../source/ui/practice/practice-command.js';
import {hasKubectl} from '../apiserver/harness.js';

const built = resolve(import.meta.dirname, '../../dist/bundle/cli.js');
const cliArgs = existsSync(built) ? [built] : ['--import=tsx', resolve(import.meta.dirname, '../../source/cli.tsx')];

function run(args: string[]) {
	return spawnSync(process.execPath, [...cliArgs, ...args], {encoding: 'utf8', env: {...process.env, CI: 'false', NODE_ENV: 'production'}, timeout: 60_000});
}

function scratch(t: {teardown: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-state-cli-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

const snapshot = (() => {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.advance(1_000);
	return JSON.stringify(cluster.snapshot());
})();

const badFiles: Array<[string, string, string]> = [
	['empty', '', 'it is empty'],
	['truncated', snapshot.slice(0, 200), 'it is truncated: the JSON stops after 200 bytes'],
	['not JSON', '<html>state</html>', 'it is not JSON (Unexpected token \'<\''],
	['of an unknown version', JSON.stringify({...JSON.parse(snapshot), version: 99}), 'it cannot be restored: snapshot version 99 is newer than this build reads (4)'],
	['of the wrong shape', JSON.stringify({...JSON.parse(snapshot), journal: 'none'}), 'it cannot be restored: snapshot.journal: expected an array, got the string "none"'],
];

test('flags: --state FILE and --reset-state, and what they cannot go with', t => {
	t.like(parseFlags(['--state', 'cluster.json']), {state: 'cluster.json'});
	t.like(parseFlags(['--state=cluster.json', '--reset-state']), {state: 'cluster.json', resetState: true});
	t.throws(() => parseFlags(['--reset-state']), {instanceOf: FlagError, message: 'Flag --reset-state needs --state FILE: it moves that file aside'});
	t.throws(() => parseFlags(['--state', '']), {instanceOf: FlagError, message: 'Invalid value for --state: empty path'});
	t.throws(() => parseFlags(['--state', 'a.json', '--record', 'x.cast']), {instanceOf: FlagError, message: 'Flags --state and --record cannot be used together: a recording replays from a fresh cluster of its seed'});
	t.throws(() => parsePracticeArgs(['image-tag-typo', '--state', 'a.json']), {instanceOf: FlagError, message: 'Flag --state is not for practice: the scenario sets up its own cluster'});
	t.like(parseServeFlags(['--state', 's.json', '--reset-state']), {state: 's.json', resetState: true});
	t.throws(() => parseServeFlags(['--reset-state']), {instanceOf: ServeFlagError, message: 'Flag --reset-state needs --state FILE: it moves that file aside'});
	t.throws(() => parseServeFlags(['--practice', 'image-tag-typo', '--state', 's.json']), {instanceOf: ServeFlagError, message: '--practice sets up its own cluster: drop --state (a practice run starts from its scenario)'});
	t.regex(run(['--help']).stdout, /--state FILE {6}keep the cluster in FILE/);
	t.regex(run(['serve', '--help']).stdout, /--reset-state {5}move the --state file aside/);
});

for (const [name, content, reason] of badFiles) {
	test(`a state file ${name}: the dashboard and serve exit 2 with the path, the reason and --reset-state; the file is untouched`, t => {
		const dir = scratch(t);
		const file = join(dir, 'cluster.json');
		writeFileSync(file, content);
		const mtime = statSync(file).mtimeMs;
		for (const args of [['--state', file, '--config-dir', dir], ['serve', '--state', file, '--port', '0', '--config-dir', dir]]) {
			const result = run(args);
			t.is(result.status, 2, `${args[0]}: ${result.stderr}`);
			t.is(result.stdout, '');
			t.true(result.stderr.startsWith(`kubarium: cannot use the state file ${file}: ${reason}`), result.stderr);
			t.true(result.stderr.trimEnd().endsWith(`to start a fresh cluster, run again with --reset-state, which moves it aside to ${file}.corrupt-<timestamp>`), result.stderr);
			t.is(readFileSync(file, 'utf8'), content, 'the file is as it was');
			t.is(statSync(file).mtimeMs, mtime);
			t.deepEqual(readdirSync(dir).sort(), ['cluster.json'], 'nothing written beside it (not even the kubeconfig)');
		}
	});
}

/** A `kubarium serve` child: its output so far, a wait for a line, and its end. */
function startServe(args: string[], dir: string): {process: ChildProcess; output: () => string; until: (pattern: RegExp, what: string) => Promise<void>; exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>} {
	const child = spawn(process.execPath, [...cliArgs, 'serve', '--port', '0', '--config-dir', dir, ...args], {env: {...process.env, NODE_ENV: 'production', HOME: dir}});
	let out = '';
	child.stdout!.on('data', chunk => (out += chunk));
	child.stderr!.on('data', chunk => (out += chunk));
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => child.on('exit', (code, signal) => resolve({code, signal})));
	return {
		process: child,
		output: () => out,
		async until(pattern, what) {
			for (let i = 0; i < 1200; i++) {
				if (pattern.test(out)) return;
				await new Promise(r => setTimeout(r, 50));
			}
			throw new Error(`timed out waiting for ${what}:\n${out}`);
		},
		exited,
	};
}

test.serial('serve --reset-state moves a bad file aside, starts fresh and saves the new cluster at once', async t => {
	const dir = scratch(t);
	const file = join(dir, 'cluster.json');
	writeFileSync(file, 'garbage');
	const serve = startServe(['--state', file, '--reset-state', '--empty'], dir);
	try {
		await serve.until(/export KUBECONFIG=/, 'the server');
		t.regex(serve.output(), new RegExp(`moved the state file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} aside to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.corrupt-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z; starting a fresh cluster`));
		const aside = readdirSync(dir).find(name => name.startsWith('cluster.json.corrupt-'))!;
		t.is(readFileSync(join(dir, aside), 'utf8'), 'garbage');
		for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise(r => setTimeout(r, 50));
		t.is(JSON.parse(readFileSync(file, 'utf8')).kind, 'KubariumSnapshot', 'the fresh cluster is saved');
	} finally {
		serve.process.kill('SIGTERM');
		await serve.exited;
	}
});

(hasKubectl ? test.serial : test.serial.skip)('serve --state: a scale and a kv row survive SIGTERM and SIGKILL; SIGHUP saves too', async t => {
	const dir = scratch(t);
	const file = join(dir, 'cluster.json');
	const kubectl = (...args: string[]) => spawnSync('kubectl', args, {env: {...process.env, KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir}, encoding: 'utf8', timeout: 60_000});
	const first = startServe(['--state', file, '--speed', '10'], dir);
	await first.until(/export KUBECONFIG=/, 'the first server');
	// Wait for the database to run, then change the cluster both ways: an object and a row the runtime keeps.
	for (let i = 0; i < 200 && !/db-0\s+1\/1\s+Running/.test(kubectl('-n', 'shop', 'get', 'pod', 'db-0').stdout); i++) await new Promise(r => setTimeout(r, 100));
	t.is(kubectl('-n', 'shop', 'scale', 'deployment/web', '--replicas=5').status, 0);
	const set = kubectl('-n', 'shop', 'exec', 'db-0', '--', 'kv', 'set', 'colour', 'blue');
	t.is(set.status, 0, set.stderr);
	first.process.kill('SIGTERM');
	t.deepEqual(await first.exited, {code: 0, signal: null});
	t.regex(first.output(), /Saved the cluster to /);

	const second = startServe(['--state', file, '--seed', '5'], dir);
	await second.until(/export KUBECONFIG=/, 'the restored server');
	t.regex(second.output(), /Restored the cluster saved in .* \(--seed ignored: the cluster is the saved one\)/);
	t.is(kubectl('-n', 'shop', 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}').stdout, '5');
	t.is(kubectl('-n', 'shop', 'exec', 'db-0', '--', 'kv', 'get', 'colour').stdout.trim(), 'blue');
	t.is(kubectl('-n', 'shop', 'scale', 'deployment/api', '--replicas=4').status, 0);
	// Saves follow changes (at most 2 s apart: autosave.test.ts times them on a virtual clock; a loaded machine runs them later).
	// The second save to land after the scale began after it; then a kill that saves nothing.
	let mtime = statSync(file).mtimeMs;
	for (let saves = 0, i = 0; saves < 2 && i < 600; i++) {
		await new Promise(r => setTimeout(r, 50));
		const now = statSync(file).mtimeMs;
		if (now !== mtime) saves++;
		mtime = now;
	}
	second.process.kill('SIGKILL');
	await second.exited;

	const third = startServe(['--state', file], dir);
	await third.until(/export KUBECONFIG=/, 'the server after SIGKILL');
	t.is(kubectl('-n', 'shop', 'get', 'deployment', 'api', '-o', 'jsonpath={.spec.replicas}').stdout, '4', 'the change saved before the kill');
	t.is(kubectl('-n', 'shop', 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}').stdout, '5');
	t.is(kubectl('-n', 'shop', 'exec', 'db-0', '--', 'kv', 'get', 'colour').stdout.trim(), 'blue');
	t.is(kubectl('-n', 'shop', 'exec', 'db-0', '--', 'kv', 'set', 'size', 'large').status, 0);
	third.process.kill('SIGHUP');
	t.deepEqual(await third.exited, {code: 0, signal: null});
	const fourth = startServe(['--state', file], dir);
	try {
		await fourth.until(/export KUBECONFIG=/, 'the server after SIGHUP');
		t.is(kubectl('-n', 'shop', 'exec', 'db-0', '--', 'kv', 'get', 'size').stdout.trim(), 'large');
		// The running server's own save may be under way (its clock moves, so it saves every 2 s): only a dead one's file would be left over.
		t.deepEqual(readdirSync(dir).filter(name => name.endsWith('.tmp') && !name.includes(`.${fourth.process.pid}.`)), [], 'no temporary file left');
	} finally {
		fourth.process.kill('SIGTERM');
		await fourth.exited;
	}
});

test.serial('serve: a state file another build saved starts from its objects and says so on stderr; the save at exit (its state, no history) makes the next start exact', async t => {
	const dir = scratch(t);
	const file = join(dir, 'cluster.json');
	const data = JSON.parse(snapshot) as {clock: {now: number}; state: {format: number}};
	// Another form of the parts' state, and a clock the journal does not reach: this build neither loads nor replays the file, as it would another build's.
	data.state.format += 1;
	data.clock.now += 1000;
	writeFileSync(file, JSON.stringify(data));
	const notice = `kubarium: the state file ${file} was saved by another build; the cluster was restarted from its saved objects, as after minikube stop and start (pods restarted once)`;
	const first = startServe(['--state', file], dir);
	await first.until(/export KUBECONFIG=/, 'the server');
	t.true(first.output().includes(notice), first.output());
	t.regex(first.output(), /Restored the cluster saved in /);
	first.process.kill('SIGTERM');
	t.deepEqual(await first.exited, {code: 0, signal: null});
	const resaved = JSON.parse(readFileSync(file, 'utf8')) as {version: number; base?: unknown; history?: boolean; state?: unknown};
	t.is(resaved.version, snapshotVersion);
	t.truthy(resaved.state, 'saved with its state');
	t.is(resaved.history, false, 'saved without its history');
	t.is(resaved.base, undefined);
	const second = startServe(['--state', file], dir);
	try {
		await second.until(/export KUBECONFIG=/, 'the second server');
		t.false(second.output().includes('saved by another build'), second.output());
	} finally {
		second.process.kill('SIGTERM');
		await second.exited;
	}
});
