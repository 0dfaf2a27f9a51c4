import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster, KubeError} from '../../../source/engine/index.js';
import type {Cluster, KubeEvent, Pod, PodDisruptionBudget} from '../../../source/engine/index.js';

const docs = (file: string) => readFileSync(new URL(`../../fixtures/docs/policy/${file}`, import.meta.url), 'utf8');

function zookeeper(cluster: Cluster, replicas = 3): void {
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'zk'}, spec: {replicas, selector: {matchLabels: {app: 'zookeeper'}}, template: {metadata: {labels: {app: 'zookeeper'}}, spec: {containers: [{name: 'zk', image: 'nginx:1.27'}]}}}});
	cluster.advance(30_000);
}

const pdb = (cluster: Cluster, name = 'zk-pdb') => cluster.get('PodDisruptionBudget', name) as PodDisruptionBudget;

test('the docs minAvailable budget over three ready pods: one disruption allowed, SufficientPods', t => {
	const cluster = createCluster({seed: 21});
	zookeeper(cluster);
	cluster.apply(docs('zookeeper-pod-disruption-budget-minavailable.yaml'));
	cluster.advance(1000);
	const status = pdb(cluster).status!;
	t.like(status, {currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1});
	t.like(status.conditions![0], {type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1});
});

test('the docs maxUnavailable budget counts the Deployment\'s scale; a scale-up raises expected pods', t => {
	const cluster = createCluster({seed: 22});
	zookeeper(cluster);
	cluster.apply(docs('zookeeper-pod-disruption-budget-maxunavailable.yaml'));
	cluster.advance(1000);
	t.like(pdb(cluster).status, {currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1});
	cluster.scale('Deployment', 'zk', 5);
	cluster.advance(1);
	t.like(pdb(cluster).status, {currentHealthy: 3, desiredHealthy: 4, expectedPods: 5, disruptionsAllowed: 0});
	t.like(pdb(cluster).status!.conditions![0], {status: 'False', reason: 'InsufficientPods'});
	cluster.advance(30_000);
	t.like(pdb(cluster).status, {currentHealthy: 5, desiredHealthy: 4, expectedPods: 5, disruptionsAllowed: 1});
});

test('percentages round up; a budget over nothing says NoPods', t => {
	const cluster = createCluster({seed: 23});
	zookeeper(cluster, 3);
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'half'}, spec: {minAvailable: '50%', selector: {matchLabels: {app: 'zookeeper'}}}});
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'none'}, spec: {maxUnavailable: '10%', selector: {matchLabels: {app: 'nothing'}}}});
	cluster.advance(1000);
	t.like(pdb(cluster, 'half').status, {desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1});
	t.like(pdb(cluster, 'none').status, {desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0, currentHealthy: 0});
	t.true((cluster.eventsFor(pdb(cluster, 'none')) as KubeEvent[]).some(e => e.reason === 'NoPods' && e.message === 'No matching pods found'));
});

test('eviction takes the budget\'s one disruption, then answers 429 with the DisruptionBudget cause', t => {
	const cluster = createCluster({seed: 24});
	zookeeper(cluster);
	cluster.apply(docs('zookeeper-pod-disruption-budget-minavailable.yaml'));
	cluster.advance(1000);
	const [first, second] = cluster.list('Pod', {labelSelector: 'app=zookeeper'}) as Pod[];
	cluster.evict(first!.metadata.name);
	const evicted = cluster.get('Pod', first!.metadata.name) as Pod;
	t.truthy(evicted.metadata.deletionTimestamp);
	t.like(evicted.status!.conditions!.find(c => c.type === 'DisruptionTarget'), {status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting'});
	t.like(pdb(cluster).status, {disruptionsAllowed: 0});
	t.truthy(pdb(cluster).status!.disruptedPods?.[first!.metadata.name]);
	cluster.advance(1);
	const error = t.throws(() => cluster.evict(second!.metadata.name), {instanceOf: KubeError})!;
	t.is(error.code, 'TooManyRequests');
	t.is(error.status, 429);
	t.is(error.message, "Cannot evict pod as it would violate the pod's disruption budget.");
	t.deepEqual(error.causes, [{reason: 'DisruptionBudget', message: 'The disruption budget zk-pdb needs 2 healthy pods and has 2 currently'}]);
	t.falsy((cluster.get('Pod', second!.metadata.name) as Pod).metadata.deletionTimestamp);
	// The replacement becomes ready and the budget allows one again.
	cluster.advance(60_000);
	t.like(pdb(cluster).status, {currentHealthy: 3, disruptionsAllowed: 1});
	t.notThrows(() => cluster.evict(second!.metadata.name));
	t.throws(() => cluster.evict('ghost'), {instanceOf: KubeError, message: 'pods "ghost" not found'});
});

test('drain retries every 5 s while a budget blocks it, printing what kubectl drain prints, and finishes once the budget allows', t => {
	const cluster = createCluster({seed: 25, nodes: 2});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {
		containers: [{name: 'web', image: 'nginx:1.27'}],
		affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: 'web'}}, topologyKey: 'kubernetes.io/hostname'}]}},
	}}}});
	cluster.advance(30_000);
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web-pdb'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'web'}}}});
	cluster.advance(1000);
	const node = 'kubarium-worker';
	const victim = (cluster.list('Pod', {fieldSelector: `spec.nodeName=${node}`}) as Pod[]).find(p => p.metadata.labels?.['app'] === 'web')!;
	const name = victim.metadata.name;
	const report = cluster.drain(node, {ignoreDaemonSets: true});
	const blocked = `error when evicting pods/"${name}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`;
	t.false(report.done);
	t.deepEqual(report.blocked, [`default/${name}`]);
	t.deepEqual(report.lines, [`node/${node} cordoned`, `evicting pod default/${name}`, blocked]);
	cluster.advance(5000);
	t.deepEqual(cluster.drainStatus(node)!.lines.slice(3), [`evicting pod default/${name}`, blocked]);
	cluster.advance(5000);
	t.is(cluster.drainStatus(node)!.lines.length, 7);
	// Relaxing the budget lets the next retry through.
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web-pdb'}, spec: {minAvailable: 1, selector: {matchLabels: {app: 'web'}}}});
	cluster.advance(5000);
	const done = cluster.drainStatus(node)!;
	t.true(done.done);
	t.deepEqual(done.lines.slice(-3), [`evicting pod default/${name}`, `pod/${name} evicted`, `node/${node} drained`]);
	t.deepEqual(done.evicted, [`default/${name}`]);
	cluster.advance(20_000);
	t.is(cluster.drainStatus(node)!.lines.length, done.lines.length);
});

test('stopDrain ends the retries; the node stays cordoned', t => {
	const cluster = createCluster({seed: 26, nodes: 1});
	zookeeper(cluster, 1);
	cluster.apply(docs('zookeeper-pod-disruption-budget-minavailable.yaml'));
	cluster.advance(1000);
	const report = cluster.drain('kubarium-worker', {ignoreDaemonSets: true});
	t.false(report.done);
	const stopped = cluster.stopDrain('kubarium-worker');
	cluster.advance(30_000);
	t.is(cluster.drainStatus('kubarium-worker')!.lines.length, stopped.lines.length);
	t.true(cluster.get('Node', 'kubarium-worker')!.spec.unschedulable);
	t.throws(() => cluster.stopDrain('kubarium-worker'), {instanceOf: KubeError, message: 'no drain of node "kubarium-worker" is in progress'});
});

test('PodDisruptionBudget validation in the API server\'s words', t => {
	const cluster = createCluster({seed: 27});
	const both = t.throws(() => cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'bad'}, spec: {minAvailable: 1, maxUnavailable: '150%', selector: {matchLabels: {app: 'x'}}}}), {instanceOf: KubeError})!;
	t.is(both.code, 'Invalid');
	t.regex(both.message, /^PodDisruptionBudget\.policy "bad" is invalid: \[spec: Invalid value: .*: minAvailable and maxUnavailable cannot be both set, spec\.maxUnavailable: Invalid value: "150%": must not be greater than 100%\]$/);
	const percent = t.throws(() => cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'bad'}, spec: {minAvailable: 'half'}}), {instanceOf: KubeError})!;
	t.is(percent.message, `PodDisruptionBudget.policy "bad" is invalid: spec.minAvailable: Invalid value: "half": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`);
	t.is(cluster.get('PodDisruptionBudget', 'bad'), undefined);
});

test('eviction without a budget, of a pending pod, of an unready pod the budget can spare, and under two budgets', t => {
	const cluster = createCluster({seed: 28});
	zookeeper(cluster);
	const pods = cluster.list('Pod', {labelSelector: 'app=zookeeper'}) as Pod[];
	// No budget: deleted at once, marked DisruptionTarget.
	cluster.evict(pods[0]!.metadata.name);
	t.truthy(cluster.get('Pod', pods[0]!.metadata.name)!.metadata.deletionTimestamp);
	cluster.advance(60_000);
	cluster.apply(docs('zookeeper-pod-disruption-budget-minavailable.yaml'));
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'second'}, spec: {maxUnavailable: 1, selector: {matchLabels: {app: 'zookeeper'}}}});
	cluster.advance(1000);
	const running = (cluster.list('Pod', {labelSelector: 'app=zookeeper'}) as Pod[]).filter(p => !p.metadata.deletionTimestamp);
	const two = t.throws(() => cluster.evict(running[0]!.metadata.name), {instanceOf: KubeError})!;
	t.is(two.code, 'InternalError');
	t.is(two.status, 500);
	t.is(two.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
	cluster.delete('PodDisruptionBudget', 'second');
	// A pod that never becomes ready (its image does not exist) is Pending: evicted without asking the budget.
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'stuck', labels: {app: 'zookeeper'}}, spec: {containers: [{name: 'c', image: 'registry.example/none:1'}]}});
	cluster.advance(1000);
	t.not((cluster.get('Pod', 'stuck') as Pod).status!.phase, 'Running');
	t.notThrows(() => cluster.evict('stuck'));
	t.like(pdb(cluster).status, {disruptionsAllowed: 1});
	// Running but never ready: the budget is met without it, so it goes without taking a disruption.
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'unready', labels: {app: 'zookeeper'}}, spec: {containers: [{name: 'c', image: 'nginx:1.27', readinessProbe: {exec: {command: ['false']}, periodSeconds: 1}}]}});
	cluster.advance(30_000);
	const unready = cluster.get('Pod', 'unready') as Pod;
	t.is(unready.status!.phase, 'Running');
	t.false(unready.status!.conditions!.some(c => c.type === 'Ready' && c.status === 'True'));
	t.like(pdb(cluster).status, {disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2});
	cluster.evict('unready');
	t.truthy(cluster.get('Pod', 'unready')!.metadata.deletionTimestamp);
	t.like(pdb(cluster).status, {disruptionsAllowed: 1});
	t.throws(() => cluster.evict(running[0]!.metadata.name, {gracePeriodSeconds: -1}), {instanceOf: KubeError, message: 'gracePeriodSeconds: Invalid value: -1: must be a non-negative integer'});
	// A dry run checks and changes nothing.
	cluster.evict(running[0]!.metadata.name, {dryRun: true});
	t.falsy(cluster.get('Pod', running[0]!.metadata.name)!.metadata.deletionTimestamp);
	t.like(pdb(cluster).status, {disruptionsAllowed: 1});
});

test('fields of the wrong JSON type are refused as the API server decodes them', t => {
	const cluster = createCluster({seed: 29});
	const pdbError = t.throws(() => cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'x'}, spec: {minAvailable: 1, selector: 'app=web'}}), {instanceOf: KubeError})!;
	t.is(pdbError.message, 'PodDisruptionBudget in version "v1" cannot be handled as a PodDisruptionBudget: json: cannot unmarshal string into Go struct field PodDisruptionBudgetSpec.spec.selector of type v1.LabelSelector');
	const quotaError = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'x'}, spec: {hard: ['pods']}}), {instanceOf: KubeError})!;
	t.is(quotaError.message, 'ResourceQuota in version "v1" cannot be handled as a ResourceQuota: json: cannot unmarshal array into Go struct field ResourceQuotaSpec.spec.hard of type v1.ResourceList');
	const rangeError = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'x'}, spec: {limits: {type: 'Container'}}}), {instanceOf: KubeError})!;
	t.is(rangeError.message, 'LimitRange in version "v1" cannot be handled as a LimitRange: json: cannot unmarshal object into Go struct field LimitRangeSpec.spec.limits of type []v1.LimitRangeItem');
	t.is(cluster.list('PodDisruptionBudget').length + cluster.list('ResourceQuota').length + cluster.list('LimitRange').length, 0);
});

test('unhealthyPodEvictionPolicy AlwaysAllow lets an unready pod go even when the budget is not met', t => {
	const cluster = createCluster({seed: 30});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'unready', labels: {app: 'db'}}, spec: {containers: [{name: 'c', image: 'nginx:1.27', readinessProbe: {exec: {command: ['false']}, periodSeconds: 1}}]}});
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'db'}, spec: {minAvailable: 1, selector: {matchLabels: {app: 'db'}}}});
	cluster.advance(30_000);
	t.like(pdb(cluster, 'db').status, {currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0});
	const error = t.throws(() => cluster.evict('unready'), {instanceOf: KubeError})!;
	t.deepEqual(error.causes, [{reason: 'DisruptionBudget', message: 'The disruption budget db needs 1 healthy pods and has 0 currently'}]);
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'db'}, spec: {minAvailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: {matchLabels: {app: 'db'}}}});
	cluster.advance(1000);
	cluster.evict('unready');
	t.truthy(cluster.get('Pod', 'unready')!.metadata.deletionTimestamp);
});

test('drain with a timeout gives up as kubectl drain --timeout does, with its summary', t => {
	const cluster = createCluster({seed: 31, nodes: 1});
	zookeeper(cluster, 1);
	cluster.apply(docs('zookeeper-pod-disruption-budget-minavailable.yaml'));
	cluster.advance(1000);
	const name = cluster.list('Pod', {labelSelector: 'app=zookeeper'})[0]!.metadata.name;
	t.throws(() => cluster.drain('kubarium-worker', {timeoutSeconds: -3}), {instanceOf: KubeError, message: 'invalid argument "-3" for "--timeout" flag: must be a whole number of seconds >= 0'});
	cluster.drain('kubarium-worker', {ignoreDaemonSets: true, timeoutSeconds: 7});
	cluster.advance(30_000);
	const report = cluster.drainStatus('kubarium-worker')!;
	const refused = `error when evicting pods/"${name}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`;
	const timeout = `error when evicting pods/"${name}" -n "default": global timeout reached: 7s`;
	t.deepEqual(report.lines, [
		'node/kubarium-worker cordoned',
		`evicting pod default/${name}`, refused,
		`evicting pod default/${name}`, refused,
		`evicting pod default/${name}`,
		`There are pending pods in node "kubarium-worker" when an error occurred: ${timeout}`,
		`pod/${name}`,
		`error: unable to drain node "kubarium-worker" due to error: ${timeout}, continuing command...`,
		'There are pending nodes to be drained:',
		' kubarium-worker',
		timeout,
	]);
	t.true(report.done);
	t.is(report.error, timeout);
	t.falsy(cluster.get('Pod', name)!.metadata.deletionTimestamp);
});

test('drain of a pod under two budgets gives up at once with kubectl\'s summary', t => {
	const cluster = createCluster({seed: 32, nodes: 1});
	zookeeper(cluster, 1);
	cluster.apply(docs('zookeeper-pod-disruption-budget-maxunavailable.yaml'));
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'second'}, spec: {maxUnavailable: 1, selector: {matchLabels: {app: 'zookeeper'}}}});
	cluster.advance(1000);
	const name = cluster.list('Pod', {labelSelector: 'app=zookeeper'})[0]!.metadata.name;
	const report = cluster.drain('kubarium-worker', {ignoreDaemonSets: true});
	const error = `error when evicting pods/"${name}" -n "default": This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.`;
	t.true(report.done);
	t.is(report.error, error);
	t.deepEqual(report.lines.slice(2), [
		`There are pending pods in node "kubarium-worker" when an error occurred: ${error}`,
		`pod/${name}`,
		`error: unable to drain node "kubarium-worker" due to error: ${error}, continuing command...`,
		'There are pending nodes to be drained:',
		' kubarium-worker',
		error,
	]);
});
