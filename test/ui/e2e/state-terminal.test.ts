/**
 * End to end in a real terminal: the built app with `--state FILE` in tmux.
 * Scale a Deployment with `s`, write a row with `kv set` in a pod's shell,
 * wait past the 2 s a save may take, kill the process with SIGKILL, start
 * again on the same file, and find both; then `:q` saves, and a bad file
 * stops the start with exit 2.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {canRunE2e, cliPid, keys, killTmux, startApp, startCli, type, waitFor} from './tmux.js';

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
		type(':deploy shop');
		keys('Enter');
		await waitFor(s => /deployments\(shop\)/.test(s) && /\bweb\b/.test(s), 'the deployments view');
		type('/web');
		keys('Enter');
		await waitFor(s => /deployments\(shop\)\[1\/\d+\]/.test(s), 'the filtered row');
		type('s');
		await waitFor(s => s.includes('Replicas:'), 'the scale prompt');
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
		startCli(['--config-dir', dir, '--no-api', '--state', file]);
		const refused = await waitFor(s => s.includes('app-exit-code='), 'the refusal');
		t.regex(refused.replace(/\n/g, ''), /cannot use the state file .*cluster\.json: it is truncated/);
		t.regex(refused, /app-exit-code=2/);
		t.is(readFileSync(file, 'utf8'), '{"kind": "KubariumSnapshot", "vers');
	} finally {
		killTmux();
		rmSync(dir, {recursive: true, force: true});
	}
});
