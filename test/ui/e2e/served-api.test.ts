/**
 * End to end: the built dashboard serves the Kubernetes API while it runs,
 * and real kubectl, in another process, changes the cluster on screen and
 * reads back what the dashboard's own keys did.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {hasKubectl} from '../../apiserver/harness.js';
import {canRunE2e, keys, killTmux, startApp, type, waitFor, removeDir} from './tmux.js';

(canRunE2e && hasKubectl ? test.serial : test.serial.skip)('kubectl drives the cluster the dashboard shows, and sees what the dashboard did', async t => {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-api-'));
	const kubeconfig = join(configDir, 'kubeconfig');
	const kubectl = (...args: string[]) => spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(configDir, 'cache'), ...args], {encoding: 'utf8', timeout: 30_000});
	try {
		await startApp(configDir, ['--api-port', '0']);
		const header = await waitFor(s => /Cluster: kubarium 127\.0\.0\.1:\d+/.test(s), 'the API address in the header');
		const port = /Cluster: kubarium 127\.0\.0\.1:(\d+)/.exec(header)![1];
		t.true(existsSync(kubeconfig), 'the kubeconfig is in the config dir');
		await waitFor(s => s.includes(`export KUBECONFIG=${kubeconfig}`), 'how to reach the API, in the flash');

		const scaled = kubectl('-n', 'shop', 'scale', 'deployment', 'web', '--replicas=5');
		t.is(scaled.stdout.trim(), 'deployment.apps/web scaled', scaled.stderr);
		type(':deploy shop');
		keys('Enter');
		await waitFor(s => /^\s*web\s+5\/5\s+5\s+5\s/m.test(s), 'web at 5/5 on screen', 30_000);

		// The other way: the dashboard scales, kubectl reads it back.
		type('/web');
		keys('Enter');
		await waitFor(s => /deployments\(shop\)\[1\/\d+\]/.test(s), 'the filtered row');
		type('s');
		await waitFor(s => s.includes('Replicas:'), 'the scale prompt');
		keys('C-u');
		type('2');
		keys('Enter');
		await waitFor(s => s.includes('deployment.apps/web scaled to 2'), 'the scale flash');
		t.is(kubectl('-n', 'shop', 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}').stdout, '2');
		t.regex(kubectl('cluster-info').stdout, new RegExp(`https://127\\.0\\.0\\.1:${port}`));

		type(':q');
		keys('Enter');
		const after = await waitFor(s => s.includes('app-exit-code='), 'the app to exit');
		t.regex(after, /app-exit-code=0/);
		t.not(kubectl('get', 'ns', '--request-timeout=2s').status, 0, 'the API ends with the dashboard');
	} finally {
		killTmux();
		removeDir(configDir);
	}
});
