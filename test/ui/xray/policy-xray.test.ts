import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {buildXray, flattenXray} from '../../../source/ui/xray/xray-tree.js';

function cluster() {
	const c = createCluster({seed: 51, nodes: 2});
	c.apply([
		{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.27', resources: {requests: {cpu: '100m'}}}]}}}},
		{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web-pdb'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'web'}}}},
		{apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'compute'}, spec: {hard: {pods: '2', 'requests.cpu': '1'}}},
	]);
	c.advance(30_000);
	return c;
}

test('a Deployment\'s xray shows the budget guarding its pods, warn while it allows no disruption', t => {
	const rows = flattenXray(buildXray(cluster(), 'Deployment', 'default'));
	const budget = rows.find(r => r.node.kind === 'PodDisruptionBudget')!;
	t.is(budget.node.name, 'web-pdb');
	t.is(budget.node.health, 'warn');
	t.is(budget.node.info, '0 disruptions allowed, 2/2 healthy');
	t.is(rows.find(r => r.node.kind === 'Deployment')!.node.health, 'warn');
});

test(':xray pdb and :xray quota: the budget over its pods, the quota over its resources', t => {
	const c = cluster();
	const budget = flattenXray(buildXray(c, 'PodDisruptionBudget', 'default')).map(r => `${r.prefix}${r.node.kind}/${r.node.health}`);
	t.deepEqual(budget.slice(0, 3), ['Namespace/warn', '└─ PodDisruptionBudget/warn', '   ├─ Pod/ok']);
	const quota = flattenXray(buildXray(c, 'ResourceQuota', 'default')).map(r => `${r.prefix}${r.node.name} ${r.node.info}`);
	t.deepEqual(quota, ['default 1', '└─ compute 2 resources', '   ├─ pods 2/2 used up', '   └─ requests.cpu 200m/1']);
});
