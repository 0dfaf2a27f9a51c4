import test from 'ava';
import fc from 'fast-check';
import {checkEngine, determinismProperty, runScenario} from '../../../fuzz/engine/scenario.js';
import {checkGuarantees} from '../../../fuzz/engine/guarantees.js';
import type {Scenario} from '../../../fuzz/engine/calls.js';
import {createCluster} from '../../../source/engine/index.js';

/**
 * Random sequences over the whole public API, with a fixed seed so the run is
 * the same every time; `npm run fuzz` runs the same property for longer.
 * A failure prints the shrunk program of calls and what broke.
 */
test('random calls: failures are documented KubeErrors that change nothing, no controller fails, and the settled cluster keeps Kubernetes\' guarantees', t => {
	const result = checkEngine({seed: 19, runs: 40, maxCalls: 30});
	if (result.failed) t.fail(`${result.report}\nreplay: npm run fuzz -- --seed ${result.seed} --path ${result.path}`);
	else t.pass();
});

test('virtual time is deterministic: the same seed and calls give identical store contents', t => {
	fc.assert(determinismProperty({maxCalls: 12}), {seed: 7, numRuns: 15});
	t.pass();
});

test('a drain refused for a DaemonSet pod leaves the node cordoned, as kubectl does, and that is the only write the checker allows it', t => {
	const daemonSet = {apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: 'a', namespace: 'default'}, spec: {selector: {matchLabels: {app: 'a'}}, template: {metadata: {labels: {app: 'a'}}, spec: {containers: [{name: 'main', image: 'nginx:1.21'}]}}}};
	const outcome = runScenario({seed: 1, nodes: 1, calls: [
		{op: 'apply', manifests: [daemonSet]},
		{op: 'advance', ms: 30_000},
		{op: 'drain', node: 'kubarium-worker', force: false, ignoreDaemonSets: false, deleteEmptyDirData: false},
	]} as Scenario, {skipGuarantees: true});
	t.deepEqual(outcome.violations, []);
	t.true(outcome.program.some(line => line.includes('BadRequest: unable to drain node "kubarium-worker"')), outcome.program.join('\n'));
});

test('a Deployment made again before the garbage collector took its old ReplicaSet counts a hash collision and goes on under another name, which the checker allows', t => {
	const deployment = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'b', namespace: 'default'}, spec: {replicas: 1, selector: {matchLabels: {app: 'a'}}, template: {metadata: {labels: {app: 'a'}}, spec: {containers: [{name: 'main', image: 'nginx:1.21'}]}}}};
	const scenario = {seed: 1, nodes: 1, calls: [
		{op: 'apply', manifests: [deployment]},
		{op: 'advance', ms: 30_000},
		{op: 'delete', kind: 'deploy', name: 'b'},
		{op: 'apply', manifests: [deployment]},
	]} as Scenario;
	t.deepEqual(runScenario(scenario).violations, []);
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply(deployment);
	cluster.advance(30_000);
	const first = cluster.list('ReplicaSet')[0]!.metadata.name;
	cluster.delete('deploy', 'b');
	cluster.apply(deployment);
	cluster.advance(30_000);
	const d = cluster.get('Deployment', 'b')!;
	t.is(d['status'].collisionCount, 1);
	const names = cluster.list('ReplicaSet').map(rs => rs.metadata.name);
	t.deepEqual(names.length, 1);
	t.not(names[0], first);
	t.is(cluster.list('Pod').filter(p => !p.metadata.deletionTimestamp).length, 1);
});

test('a Recreate Deployment scaled to 0 mid-rollout keeps its two ReplicaSets, as upstream, which the checker allows only while upstream would leave them', t => {
	const manifest = (replicas: number, strategy?: object) => ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'a', namespace: 'default'}, spec: {replicas, selector: {matchLabels: {app: 'a'}}, ...(strategy ? {strategy} : {}), template: {metadata: {labels: {app: 'a'}}, spec: {containers: [{name: 'main', image: 'nginx:1.21'}]}}}});
	const calls = [
		{op: 'apply', manifests: [manifest(8)]},
		{op: 'advance', ms: 30_000},
		{op: 'restart', kind: 'deploy', name: 'a'},
		{op: 'advance', ms: 0},
		{op: 'apply', manifests: [manifest(0, {type: 'Recreate', rollingUpdate: null})]},
	];
	t.deepEqual(runScenario({seed: 1, nodes: 1, calls} as Scenario).violations, []);

	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply(manifest(8));
	cluster.advance(30_000);
	cluster.restart('deploy', 'a');
	cluster.advance(0);
	cluster.apply(manifest(0, {type: 'Recreate', rollingUpdate: null}));
	cluster.advance(15 * 60_000);
	const active = () => cluster.list('ReplicaSet').filter(rs => rs['spec'].replicas > 0);
	t.is(active().length, 2);
	t.deepEqual(checkGuarantees(cluster, new Map()), []);
	const store = cluster.context.store;
	const rules = () => checkGuarantees(cluster, new Map()).map(v => v.rule);
	// Were the sets' desired-replicas already 0, there would be no scaling event and rolloutRecreate
	// would scale them down: two active sets are then a broken guarantee (checked before any sync runs).
	const stale = active();
	for (const rs of stale) {
		store.update({...rs, metadata: {...rs.metadata, resourceVersion: '', annotations: {...rs.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': '0'}}});
	}
	t.deepEqual(rules(), ['deployment-one-replicaset']);
	for (const rs of stale) store.update({...store.get('ReplicaSet', 'default', rs.metadata.name)!, metadata: {...rs.metadata, resourceVersion: ''}});
	t.deepEqual(rules(), []);
	// A rolling update scales them proportionally: not allowed either (and its surge bound applies).
	const d = store.get('Deployment', 'default', 'a')!;
	store.update({...d, metadata: {...d.metadata, resourceVersion: ''}, spec: {...d['spec'], strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: '25%', maxUnavailable: '25%'}}}});
	t.deepEqual(rules().sort(), ['deployment-one-replicaset', 'deployment-surge']);
});

test('a StatefulSet whose ordinal\'s name a ReplicaSet adopted keeps failing to create it (and, OrderedReady, the ordinals after it), as upstream, which the checker allows only while the other owner holds that name', t => {
	const template = {metadata: {labels: {app: 'a'}}, spec: {containers: [{name: 'main', image: 'nginx:1.21'}]}};
	const replicaSet = {apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'a', namespace: 'default'}, spec: {replicas: 1, selector: {matchLabels: {app: 'a'}}, template}};
	const statefulSet = {apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name: 'b', namespace: 'default'}, spec: {serviceName: 'b', replicas: 1, selector: {matchLabels: {app: 'a'}}, template}};
	// Orphaned, b-0 matches the ReplicaSet's selector: the ReplicaSet adopts it (and deletes its own pod, one too many).
	const calls = [
		{op: 'apply', manifests: [replicaSet]},
		{op: 'apply', manifests: [statefulSet]},
		{op: 'advance', ms: 30_000},
		{op: 'delete', kind: 'sts', name: 'b', propagationPolicy: 'Orphan'},
		{op: 'advance', ms: 30_000},
		{op: 'apply', manifests: [statefulSet]},
	];
	t.deepEqual(runScenario({seed: 1, nodes: 1, calls} as Scenario).violations, []);

	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply(replicaSet);
	cluster.apply(statefulSet);
	cluster.advance(30_000);
	cluster.delete('sts', 'b', {propagationPolicy: 'Orphan'});
	cluster.advance(30_000);
	cluster.apply(statefulSet);
	cluster.advance(15 * 60_000);
	const pod = cluster.list('Pod').find(p => p.metadata.name === 'b-0')!;
	t.is(pod.metadata.ownerReferences?.[0]?.name, 'a', 'the ReplicaSet holds b-0');
	type Event = {reason: string; message: string; count: number; involvedObject: {name: string}};
	const failed = (cluster.list('Event') as unknown as Event[]).find(e => e.reason === 'FailedCreate' && e.involvedObject.name === 'b')!;
	t.is(failed.message, 'create Pod b-0 in StatefulSet b failed error: pods "b-0" already exists');
	t.true(failed.count > 5, 'tried again and again');
	t.deepEqual(checkGuarantees(cluster, new Map()), []);
	// OrderedReady: the next ordinal waits for the one that cannot be made.
	cluster.apply({...statefulSet, spec: {...statefulSet.spec, replicas: 2}});
	cluster.advance(60_000);
	t.false(cluster.list('Pod').some(p => p.metadata.name === 'b-1'));
	t.deepEqual(checkGuarantees(cluster, new Map()), []);
	// Were the name free, a StatefulSet without its pod would be a broken guarantee (checked before any sync runs).
	cluster.context.store.remove(pod);
	t.deepEqual(checkGuarantees(cluster, new Map()).map(v => v.rule), ['statefulset-ordinals']);
});
