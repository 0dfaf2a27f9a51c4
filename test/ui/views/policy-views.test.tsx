import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {renderApp} from '../actions/harness.js';
import {podDisruptionBudgetColumns, resourceQuotaColumns} from '../../../source/ui/render/policy-columns.js';

function policyCluster() {
	const cluster = createCluster({seed: 41});
	cluster.apply([
		{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'zk'}, spec: {replicas: 3, selector: {matchLabels: {app: 'zookeeper'}}, template: {metadata: {labels: {app: 'zookeeper'}}, spec: {containers: [{name: 'zk', image: 'nginx:1.27', resources: {requests: {cpu: '100m'}, limits: {memory: '64Mi'}}}]}}}},
		{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'zk-pdb'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'zookeeper'}}}},
		{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'strict'}, spec: {minAvailable: 4, selector: {matchLabels: {app: 'zookeeper'}}}},
		{apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'compute'}, spec: {hard: {pods: '5', 'requests.cpu': '1', 'limits.memory': '1Gi'}}},
		{apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'defaults'}, spec: {limits: [{type: 'Container', default: {memory: '128Mi'}}]}},
	]);
	cluster.advance(30_000);
	return cluster;
}

test('PodDisruptionBudget rows: k9s columns, and a budget asking more than is healthy shows in error', t => {
	const cluster = policyCluster();
	const context = {now: cluster.now()};
	const zk = podDisruptionBudgetColumns.row(cluster.get('PodDisruptionBudget', 'zk-pdb')!, context).cells;
	t.deepEqual(podDisruptionBudgetColumns.columns.map(c => c.name), ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'CURRENT', 'DESIRED', 'EXPECTED', 'LABELS', 'VALID', 'AGE']);
	t.deepEqual(zk.slice(0, 9), ['zk-pdb', '2', 'n/a', '1', '3', '2', '3', '<none>', '']);
	const strict = cluster.get('PodDisruptionBudget', 'strict')!;
	t.is(podDisruptionBudgetColumns.row(strict, context).cells[8], 'expected 4 but got 3');
	t.is(podDisruptionBudgetColumns.health(strict, context), 'error');
	t.deepEqual(resourceQuotaColumns.row(cluster.get('ResourceQuota', 'compute')!, context).cells.slice(2, 4), ['pods: 3/5, requests.cpu: 300m/1', 'limits.memory: 192Mi/1Gi']);
});

test.serial(':pdb, :quota and :limits open their views; d describes a budget', async t => {
	const app = await renderApp({cluster: policyCluster(), namespace: 'default'});
	try {
		await app.press(':', 'p', 'd', 'b', 'enter');
		let frame = await app.waitFor(f => f.includes('zk-pdb') && f.includes('ALLOWED DISRUPTIONS'), 'the budgets view');
		t.regex(frame, /strict\s+4\s+n\/a\s+0\s+3\s+4\s+3/);
		await app.press('/', ...'zk-pdb', 'enter');
		await app.press('d');
		frame = await app.waitFor(f => f.includes('Allowed disruptions:'), 'describe');
		t.regex(frame, /Min available:\s+2/);
		t.regex(frame, /Selector:\s+app=zookeeper/);
		await app.press('escape', 'escape', 'escape');
		await app.press(':', 'q', 'u', 'o', 't', 'a', 'enter');
		frame = await app.waitFor(f => f.includes('compute') && f.includes('REQUEST'), 'the quota view');
		t.true(frame.includes('pods: 3/5, requests.cpu: 300m/1'));
		await app.press(':', 'l', 'i', 'm', 'i', 't', 's', 'enter');
		frame = await app.waitFor(f => f.includes('defaults') && f.includes('CREATED AT'), 'the limit range view');
		t.pass();
	} finally {
		await app.cleanup();
	}
});

test.serial('a drain a budget blocks flashes a warning naming the blocked pod, and goes on retrying', async t => {
	const cluster = createCluster({seed: 42, nodes: 1});
	cluster.apply([
		{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'zk'}, spec: {replicas: 1, selector: {matchLabels: {app: 'zookeeper'}}, template: {metadata: {labels: {app: 'zookeeper'}}, spec: {containers: [{name: 'zk', image: 'nginx:1.27'}]}}}},
		{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'zk-pdb'}, spec: {minAvailable: 1, selector: {matchLabels: {app: 'zookeeper'}}}},
	]);
	cluster.advance(30_000);
	const app = await renderApp({cluster, namespace: 'all'});
	try {
		await app.press(':', 'n', 'o', 'enter');
		await app.waitFor(f => f.includes('kubarium-worker'), 'the nodes view');
		await app.press('r');
		await app.waitFor(f => f.includes('Cordon it, then evict its pods'), 'the drain dialog');
		await app.press('enter');
		await app.waitFor(f => /node\/kubarium-worker: pod\/zk-[a-z0-9]+-[a-z0-9]{5} blocked by a disruption budget, retrying every 5s \(0 evicted\)/.test(f), 'the warning');
		await app.advance(10_000);
		t.is(cluster.drainStatus('kubarium-worker')!.lines.filter(l => l.startsWith('error when evicting')).length, 3);
	} finally {
		await app.cleanup();
	}
});
