import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';

test('idle quotas, limit ranges and budgets cost nothing per step: their controllers sync nothing while nothing changes', t => {
	const cluster = createCluster({seed: 61, nodes: 2});
	cluster.apply([
		{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.27', resources: {requests: {cpu: '100m'}, limits: {cpu: '200m'}}}]}}}},
		{apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'compute'}, spec: {hard: {pods: '10', 'requests.cpu': '2', 'limits.cpu': '4'}}},
		{apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'defaults'}, spec: {limits: [{type: 'Container', default: {memory: '128Mi'}}]}},
		{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web-pdb'}, spec: {maxUnavailable: 1, selector: {matchLabels: {app: 'web'}}}},
	]);
	cluster.advance(60_000);
	const quota = cluster.context.queue('resourcequota-controller');
	const disruption = cluster.context.queue('disruption-controller');
	const before = [quota.taken, disruption.taken];
	t.true(before[0]! > 0 && before[1]! > 0);
	cluster.advance(600_000);
	t.deepEqual([quota.taken, disruption.taken], before);
	t.like(cluster.get('PodDisruptionBudget', 'web-pdb')!.status, {disruptionsAllowed: 1, currentHealthy: 3});
	t.is(cluster.get('ResourceQuota', 'compute')!.status.used['pods'], '3');
});
