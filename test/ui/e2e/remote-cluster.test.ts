/**
 * End to end on a real cluster: the built `kubarium serve` in one process,
 * the built dashboard in a tmux pane on its kubeconfig (`--kubeconfig`),
 * keys that change the served cluster, kubectl reading it back, and a quit
 * that ends at once although watches are open.
 */
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {hasKubectl} from '../../apiserver/harness.js';
import {canRunE2e, cli, keys, killTmux, startCli, type, waitFor, removeDir} from './tmux.js';

(canRunE2e && hasKubectl ? test.serial : test.serial.skip)('the dashboard opens a served cluster by its kubeconfig, scales through the API, and quits at once', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-remote-'));
	const kubeconfig = join(dir, 'kubeconfig');
	const server = spawn('node', [cli, 'serve', '--port', '0', '--kubeconfig', kubeconfig, '--speed', '10'], {env: {...process.env, NODE_ENV: 'production'}, stdio: ['ignore', 'pipe', 'pipe']});
	const kubectl = (...args: string[]) => spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], {encoding: 'utf8', timeout: 30_000});
	try {
		let printed = '';
		server.stdout.on('data', chunk => (printed += chunk));
		const deadline = Date.now() + 60_000;
		while (!printed.includes('export KUBECONFIG') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
		t.regex(printed, /export KUBECONFIG/, 'kubarium serve is up');
		const ready = Date.now() + 60_000;
		while (Date.now() < ready && kubectl('-n', 'shop', 'get', 'deploy', 'web', '-o', 'jsonpath={.status.readyReplicas}').stdout !== '3') await new Promise(resolve => setTimeout(resolve, 200));

		startCli(['--config-dir', join(dir, 'config'), '--kubeconfig', kubeconfig, '--namespace', 'shop']);
		await waitFor(s => /Cluster:\s+kubarium 127\.0\.0\.1:\d+/.test(s), 'the dashboard on the served cluster', 60_000);
		type(':deploy');
		keys('Enter');
		await waitFor(s => /^\s*web\s+3\/3\s/m.test(s), 'web at 3/3 from the API', 30_000);
		type('/web');
		keys('Enter');
		await waitFor(s => /deployments\(shop\)\[1\/3\]/.test(s), 'the filtered row');
		type('s');
		await waitFor(s => s.includes('Replicas:'), 'the scale prompt');
		keys('C-u');
		type('4');
		keys('Enter');
		const flashed = await waitFor(s => s.includes('scaled to 4'), 'the scale flash');
		t.regex(flashed, /deployment\.apps\/web scaled to 4/);
		t.is(kubectl('-n', 'shop', 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}').stdout, '4');
		await waitFor(s => /^\s*web\s+4\/4\s/m.test(s), 'web at 4/4 through the watch', 30_000);

		// Simulation-only keys are not offered on a real cluster.
		type(':po');
		keys('Enter');
		const pods = await waitFor(s => /pods\(shop\)/.test(s), 'the pods view');
		t.notRegex(pods, /<t>\s+Trace/);

		const quitAt = Date.now();
		type(':q');
		keys('Enter');
		const after = await waitFor(s => s.includes('app-exit-code='), 'the app to exit', 10_000);
		t.regex(after, /app-exit-code=0/);
		t.true(Date.now() - quitAt < 5000, 'quitting does not wait on the open watches');
	} finally {
		killTmux();
		server.kill('SIGTERM');
		removeDir(dir);
	}
});
