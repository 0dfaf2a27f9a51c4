/**
 * End to end: the dashboard's API keeps the user's clock and its --readonly.
 * kubectl works out AGE itself from creationTimestamp against the wall clock
 * (kubectl's printers' translateTimestampSince), so the dashboard that serves
 * an API starts its virtual clock at the wall time: right after start the
 * demo's pods are seconds old, as on a fresh kind cluster. Under --readonly
 * the API refuses writes with 403 Forbidden and says why.
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {hasKubectl} from '../../apiserver/harness.js';
import {canRunE2e, keys, killTmux, startApp, type, waitFor, removeDir} from './tmux.js';

(canRunE2e && hasKubectl ? test.serial : test.serial.skip)('kubectl sees ages in seconds right after start, and a read-only dashboard refuses its writes', async t => {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-ro-'));
	const kubeconfig = join(configDir, 'kubeconfig');
	const kubectl = (...args: string[]) => spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(configDir, 'cache'), ...args], {encoding: 'utf8', timeout: 30_000});
	try {
		await startApp(configDir, ['--api-port', '0', '--readonly']);
		await waitFor(s => /Cluster: kubarium 127\.0\.0\.1:\d+/.test(s), 'the API address in the header');
		const pods = kubectl('-n', 'shop', 'get', 'pods', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name');
		t.is(pods.status, 0, pods.stderr);
		const table = kubectl('-n', 'shop', 'get', 'pods');
		const ages = table.stdout.trim().split('\n').slice(1).map(line => line.trim().split(/\s+/).at(-1)!);
		t.true(ages.length > 0);
		for (const age of ages) t.regex(age, /^\d{1,2}s$/, table.stdout);
		// kubectl describe's event ages are its own arithmetic too.
		const describe = kubectl('-n', 'shop', 'describe', 'deploy', 'web');
		t.regex(describe.stdout, /ScalingReplicaSet +\d{1,2}s +deployment-controller/);

		const scale = kubectl('-n', 'shop', 'scale', 'deployment', 'web', '--replicas=5');
		t.is(scale.status, 1);
		t.is(scale.stderr, 'Error from server (Forbidden): deployments.apps "web" is forbidden: User "kubernetes-admin" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop": the cluster is served read-only (kubarium --readonly)\n');

		type(':q');
		keys('Enter');
		await waitFor(s => s.includes('app-exit-code='), 'the app to exit');
	} finally {
		killTmux();
		removeDir(configDir);
	}
});
