/**
 * End to end in a real terminal: the built app with `--state FILE` in tmux.
 * Scale a Deployment with `s`, write a row with `kv set` in a pod's shell,
 * wait past the 2 s a save may take, kill the process with SIGKILL, start
 * again on the same file, and find both; then `:q` saves, and a bad file
 * stops the start with exit 2.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {writeStateFileSync} from '../../../source/state/state-file.js';
import {canRunE2e, cliPid, keys, killTmux, killTmuxAndWait, openWebScalePrompt, startApp as startAppOnce, startCli, type, waitFor, removeDir} from './tmux.js';

/**
 * Start a tmux session right after the last tmux server was killed: the new
 * one can meet the old server still on its way out ("server exited
 * unexpectedly"), so that one answer is tried again.
 */
async function again<T>(start: () => T | Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await start();
		} catch (error) {
			if (attempt >= 10 || !/server exited unexpectedly/.test((error as Error).message)) throw error;
			killTmux();
			await new Promise(resolve => setTimeout(resolve, 300));
		}
	}
}

const startApp = (dir: string, args: readonly string[]) => again(() => startAppOnce(dir, args));

async function openShellOnDb0(): Promise<void> {
	type(':po shop');
	keys('Enter');
	await waitFor(s => /pods\(shop\)/.test(s), 'the pods view');
	type('/db-0');
	keys('Enter');
	await waitFor(s => /pods\(shop\)\[1\/\d+\]/.test(s) && /db-0\s+1\/1\s+Running/.test(s), 'db-0 running');
	type('s');
	await waitFor(s => s.includes('root@db-0:/#'), 'the shell prompt');
}

(canRunE2e ? test.serial : test.serial.skip)('the built app in tmux with --state: a scale and a kv row survive kill -9; :q saves; a bad file exits 2', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-state-'));
	const file = join(dir, 'cluster.json');
	try {
		await startApp(dir, ['--no-api', '--state', file]);
		await openWebScalePrompt();
		keys('C-u');
		type('6');
		keys('Enter');
		await waitFor(s => s.includes('deployment.apps/web scaled to 6'), 'the scale flash');

		await openShellOnDb0();
		type('kv set colour blue');
		keys('Enter');
		await waitFor(s => s.includes('Query OK, 1 row affected'), 'the row written');
		// A save waits at most 2 s after a change; then the process dies without saving.
		await new Promise(resolve => setTimeout(resolve, 3_000));
		process.kill(cliPid(), 'SIGKILL');
		await waitFor(s => s.includes('app-exit-code=137'), 'the killed app');
		killTmux();

		await startApp(dir, ['--no-api', '--state', file]);
		await waitFor(s => s.replace(/\s+/g, ' ').includes('Restored the cluster saved in'), 'the flash saying where the cluster came from');
		type(':deploy shop');
		keys('Enter');
		await waitFor(s => /^\s*web\s+\d\/6\s+6\b/m.test(s), 'web with its 6 replicas after the restart');
		await openShellOnDb0();
		type('kv get colour');
		keys('Enter');
		const shell = await waitFor(s => /kv get colour\s*\n\s*blue\b/.test(s), 'the row read back');
		t.regex(shell, /blue/);

		// Another row, then :q: the exit saves it at once.
		type('kv set size large');
		keys('Enter');
		await waitFor(s => s.includes('Query OK'), 'the second row');
		keys('Escape');
		await waitFor(s => !s.includes('root@db-0:/#'), 'the shell closed');
		type(':q');
		keys('Enter');
		await waitFor(s => s.includes('app-exit-code=0'), 'the app to exit');
		killTmux();
		const saved = JSON.parse(readFileSync(file, 'utf8')) as {volumes: Array<{rows?: Array<[string, string]>}>};
		t.true(saved.volumes.some(v => v.rows?.some(([key, value]) => key === 'size' && value === 'large')), 'the row written just before :q is in the file');

		writeFileSync(file, '{"kind": "KubariumSnapshot", "vers');
		await again(() => startCli(['--config-dir', dir, '--no-api', '--state', file]));
		const refused = await waitFor(s => s.includes('app-exit-code='), 'the refusal');
		t.regex(refused.replace(/\n/g, ''), /cannot use the state file .*cluster\.json: it is truncated/);
		t.regex(refused, /app-exit-code=2/);
		t.is(readFileSync(file, 'utf8'), '{"kind": "KubariumSnapshot", "vers');
	} finally {
		await killTmuxAndWait();
		removeDir(dir);
	}
});

(canRunE2e ? test.serial : test.serial.skip)('the built app in tmux with --state: SIGTERM, Ctrl+C and SIGHUP each save what changed since the last save', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-state-'));
	const file = join(dir, 'cluster.json');
	const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: value\n`;
	const apply = async (name: string) => {
		writeFileSync(join(dir, `${name}.yaml`), configMap(name));
		type(`:apply ${join(dir, `${name}.yaml`)}`);
		keys('Enter');
		await waitFor(s => s.includes(`configmap/${name} created`), `the apply of ${name}`);
	};
	/**
	 * Two applies in a row: the first is saved at once, the second would wait for the
	 * 2 s after that save, so only the exit save can hold it.
	 */
	const applyTwo = async (name: string) => {
		await new Promise(resolve => setTimeout(resolve, 2_100));
		await apply(`${name}-1`);
		await apply(`${name}-2`);
	};
	const seeAfterRestart = async (names: string[]) => {
		await startApp(dir, ['--no-api', '--state', file, '--namespace', 'default']);
		type(':cm');
		keys('Enter');
		await waitFor(s => names.every(name => new RegExp(`^\\s*${name}\\s`, 'm').test(s)), `${names.join(', ')} after the restart`);
	};
	try {
		// Paused: time does not move, so only the applies and the exits save.
		await startApp(dir, ['--no-api', '--state', file, '--speed', '0']);
		await applyTwo('sigterm');
		process.kill(cliPid(), 'SIGTERM');
		await waitFor(s => s.includes('app-exit-code=143'), 'the exit on SIGTERM');
		killTmux();

		await seeAfterRestart(['sigterm-1', 'sigterm-2']);
		await applyTwo('ctrl-c');
		keys('C-c');
		await waitFor(s => s.includes('app-exit-code=0'), 'the exit on Ctrl+C');
		killTmux();

		await seeAfterRestart(['sigterm-2', 'ctrl-c-2']);
		await applyTwo('sighup');
		process.kill(cliPid(), 'SIGHUP');
		await waitFor(s => s.includes('app-exit-code=129'), 'the exit on SIGHUP');
		killTmux();

		await seeAfterRestart(['sigterm-2', 'ctrl-c-2', 'sighup-1', 'sighup-2']);
		t.pass();
	} finally {
		await killTmuxAndWait();
		removeDir(dir);
	}
});

(canRunE2e ? test.serial : test.serial.skip)('the built app in tmux with --state: Ctrl+C and SIGTERM during the long replay of a format 3 file end the start within a second, the file untouched', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-state-'));
	const file = join(dir, 'cluster.json');
	// 3,000 pods converged: a history whose replay takes seconds.
	const cluster = createCluster({seed: 5, nodes: 30});
	cluster.apply(Array.from({length: 300}, (_, i) => ({
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: `app-${i}`, namespace: 'default'},
		spec: {replicas: 10, selector: {matchLabels: {app: `app-${i}`}}, template: {metadata: {labels: {app: `app-${i}`}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
	})));
	cluster.advance(200_000);
	// A file of format 3 (no saved state, as an older build wrote it) is restored by replaying its history.
	const {state: _, ...journalOnly} = cluster.snapshot();
	const saved = JSON.stringify({...journalOnly, version: 3});
	writeStateFileSync(file, saved);
	const restoring = (s: string) => s.includes(`restoring the cluster saved in ${file}`.slice(0, 60));
	try {
		for (const [stop, code] of [[() => keys('C-c'), 130], [() => process.kill(cliPid(), 'SIGTERM'), 143]] as const) {
			// Ctrl+C reaches the app's process group: the shell is kept, as an interactive one would be.
			await again(() => startCli(['--config-dir', dir, '--no-api', '--state', file], undefined, undefined, 'trap : INT'));
			await waitFor(restoring, 'the restore under way', 30_000);
			const sent = Date.now();
			stop();
			const ended = await waitFor(s => s.includes('app-exit-code='), 'the exit during the restore', 10_000);
			const tookMs = Date.now() - sent;
			t.true(tookMs < 1000, `ended ${tookMs} ms after the signal`);
			t.regex(ended, new RegExp(`app-exit-code=${code}`));
			t.false(restoring(ended.split('app-exit-code')[0]!.split('\n').at(-2) ?? ''), 'the progress line is cleared');
			t.is(readFileSync(file, 'utf8'), saved, 'the state file is left as it was');
			killTmux();
		}
	} finally {
		await killTmuxAndWait();
		removeDir(dir);
	}
});
