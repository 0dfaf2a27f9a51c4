import test from 'ava';
import {createCluster, DrainRefused, KubeError, type Cluster, type KubeObject} from '../../../source/engine/index.js';
import {leaseRenewIntervalMs} from '../../../source/engine/node/heartbeat.js';
import {evictionDelayMs, nodeMonitorGracePeriodMs, reconcileTaints} from '../../../source/engine/controllers/node-lifecycle.js';
import {orphanQuarantineMs} from '../../../source/engine/controllers/pod-gc.js';

const web = (replicas = 3) => ({
	apiVersion: 'apps/v1', kind: 'Deployment',
	metadata: {name: 'web', labels: {app: 'web'}},
	spec: {
		replicas,
		selector: {matchLabels: {app: 'web'}},
		template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25', ports: [{containerPort: 80}]}]}},
	},
});

const bare = (name: string, nodeName?: string, extra: Record<string, unknown> = {}) => ({
	apiVersion: 'v1', kind: 'Pod',
	metadata: {name, labels: {app: name}},
	spec: {...(nodeName ? {nodeName} : {}), containers: [{name: 'main', image: 'busybox:1.36', command: ['sleep', '3600']}], ...extra},
});

function ready(node: KubeObject | undefined): string | undefined {
	return node?.status?.conditions?.find((c: {type: string}) => c.type === 'Ready')?.status;
}

function podsOn(cluster: Cluster, nodeName: string): KubeObject[] {
	return cluster.list('pod').filter(p => p.spec?.nodeName === nodeName);
}

function reasons(cluster: Cluster, object: KubeObject): string[] {
	return cluster.eventsFor(object).map(e => `${e['reason']}: ${e['message']}`);
}

/** A fingerprint of everything a failed command must leave alone. */
function snapshot(cluster: Cluster): string {
	return JSON.stringify(['Node', 'Pod', 'Lease', 'Service'].map(kind => cluster.list(kind)));
}

function throwsKube(t: any, fn: () => unknown, code: string, message: string | RegExp): void {
	const error = t.throws(fn, {instanceOf: KubeError}) as KubeError;
	t.is(error.code, code);
	if (typeof message === 'string') t.is(error.message, message);
	else t.regex(error.message, message);
}

test('each live node renews its Lease in kube-node-lease every 10 s with a 40 s duration', t => {
	const cluster = createCluster({seed: 3, nodes: 3});
	const leases = cluster.list('lease', {namespace: 'kube-node-lease'});
	t.deepEqual(leases.map(l => l.metadata.name).sort(), ['kubarium-worker', 'kubarium-worker2', 'kubarium-worker3']);
	t.is(leases[0]!.spec.leaseDurationSeconds, 40);
	t.is(leases[0]!.spec.holderIdentity, leases[0]!.metadata.name);
	cluster.advance(60_000);
	for (const lease of cluster.list('lease', {namespace: 'kube-node-lease'})) {
		const age = cluster.now() - Date.parse(lease.spec.renewTime);
		t.true(age >= 0 && age < leaseRenewIntervalMs, `${lease.metadata.name} renewed ${age} ms ago`);
	}
	// Healthy nodes post status only every 5 minutes, so a Node is not rewritten on every beat.
	const before = cluster.get('node', 'kubarium-worker')!.metadata.resourceVersion;
	cluster.advance(60_000);
	t.is(cluster.get('node', 'kubarium-worker')!.metadata.resourceVersion, before);
	t.true(reasons(cluster, cluster.get('node', 'kubarium-worker')!).includes('RegisteredNode: Registered Node kubarium-worker in Controller'));
});

test('a killed node turns Unknown within the grace period, gets unreachable taints, its pods go NotReady', t => {
	const cluster = createCluster({seed: 4, nodes: 3});
	cluster.apply(web(3));
	cluster.advance(30_000);
	const victim = 'kubarium-worker2';
	t.true(podsOn(cluster, victim).length > 0);
	cluster.killNode(victim);
	cluster.advance(40_000);
	t.is(ready(cluster.get('node', victim)), 'True', 'still within the grace period');
	cluster.advance(nodeMonitorGracePeriodMs - 40_000 + leaseRenewIntervalMs + 5000);
	const node = cluster.get('node', victim)!;
	const condition = node.status.conditions.find((c: {type: string}) => c.type === 'Ready');
	t.is(condition.status, 'Unknown');
	t.is(condition.reason, 'NodeStatusUnknown');
	t.is(condition.message, 'Kubelet stopped posting node status.');
	t.true(node.status.conditions.every((c: {status: string}) => c.status === 'Unknown'));
	t.deepEqual(node.spec.taints.map((x: {key: string; effect: string}) => `${x.key}:${x.effect}`).sort(), [
		'node.kubernetes.io/unreachable:NoExecute',
		'node.kubernetes.io/unreachable:NoSchedule',
	]);
	t.true(reasons(cluster, node).includes(`NodeNotReady: Node ${victim} status is now: NodeNotReady`));
	for (const pod of podsOn(cluster, victim)) {
		t.is(pod.status.conditions.find((c: {type: string}) => c.type === 'Ready').status, 'False');
	}
	// Nothing new lands on the unreachable node.
	cluster.scale('deployment', 'web', 6);
	cluster.advance(10_000);
	t.true(podsOn(cluster, victim).every(p => p.status.conditions.find((c: {type: string}) => c.type === 'Ready').status === 'False'));
	t.is(cluster.list('pod').filter(p => p.spec.nodeName === victim).length, podsOn(cluster, victim).length);
});

test('after the 300 s toleration the dead node\'s pods are evicted and replaced on other nodes; restore brings it back', t => {
	const cluster = createCluster({seed: 5, nodes: 3});
	cluster.apply(web(3));
	cluster.advance(30_000);
	const victim = 'kubarium-worker';
	const doomed = podsOn(cluster, victim).map(p => p.metadata.name);
	t.true(doomed.length > 0);
	cluster.killNode(victim);
	cluster.advance(nodeMonitorGracePeriodMs + 20_000);
	t.true(doomed.every(name => !cluster.get('pod', name)!.metadata.deletionTimestamp), 'not evicted before tolerationSeconds');
	cluster.advance(300_000);
	for (const name of doomed) {
		const pod = cluster.get('pod', name)!;
		t.truthy(pod.metadata.deletionTimestamp, `${name} is Terminating`);
		const target = pod.status.conditions.find((c: {type: string}) => c.type === 'DisruptionTarget');
		t.is(target.reason, 'DeletionByTaintManager');
		t.true(reasons(cluster, pod).includes(`TaintManagerEviction: Marking for deletion Pod default/${name}`));
	}
	// The kubelet is gone, so they stay Terminating; their replacements run elsewhere.
	cluster.advance(60_000);
	t.true(doomed.every(name => cluster.get('pod', name) !== undefined));
	const live = cluster.list('pod').filter(p => !p.metadata.deletionTimestamp);
	t.is(live.length, 3);
	t.true(live.every(p => p.spec.nodeName !== victim && p.status.phase === 'Running'));

	cluster.restoreNode(victim);
	cluster.advance(15_000);
	const node = cluster.get('node', victim)!;
	t.is(ready(node), 'True');
	t.is(node.spec.taints, undefined);
	const counts = Object.fromEntries(cluster.eventsFor(node).map(e => [e['reason'], e['count']]));
	t.like(counts, {Starting: 2, NodeReady: 2, NodeNotReady: 1, RegisteredNode: 1}, 'the kubelet started twice and became Ready twice');
	t.true(doomed.every(name => cluster.get('pod', name) === undefined), 'the returning kubelet finishes the deletions');
	t.is(cluster.list('pod').length, 3);
});

test('a node restored before the toleration ends keeps its pods, which become Ready again', t => {
	const cluster = createCluster({seed: 6, nodes: 2});
	cluster.apply(bare('solo', 'kubarium-worker'));
	cluster.advance(20_000);
	cluster.killNode('kubarium-worker');
	cluster.advance(90_000);
	t.is(cluster.get('pod', 'solo')!.status.conditions.find((c: {type: string}) => c.type === 'Ready').status, 'False');
	cluster.restoreNode('kubarium-worker');
	cluster.advance(20_000);
	const pod = cluster.get('pod', 'solo')!;
	t.falsy(pod.metadata.deletionTimestamp);
	t.is(pod.status.phase, 'Running');
	t.is(pod.status.conditions.find((c: {type: string}) => c.type === 'Ready').status, 'True');
	t.true(reasons(cluster, pod).includes('TaintManagerEviction: Cancelling deletion of Pod default/solo'));
	// The machine rebooted: the kubelet makes the sandbox again and the container restarts once, its last state the one the reboot ended.
	t.true(reasons(cluster, pod).includes('SandboxChanged: Pod sandbox changed, it will be killed and re-created.'));
	const [status] = pod.status.containerStatuses;
	t.is(status.restartCount, 1);
	t.like(status.lastState.terminated, {exitCode: 255, reason: 'Unknown'});
	t.truthy(status.state.running);
	cluster.advance(400_000);
	t.falsy(cluster.get('pod', 'solo')!.metadata.deletionTimestamp, 'the cancelled eviction never fires');
});

test('a pod with a 10 s toleration is evicted 10 s after the taint lands; one tolerating forever stays', t => {
	const cluster = createCluster({seed: 7, nodes: 2});
	cluster.apply([
		bare('forever', 'kubarium-worker2', {tolerations: [{key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute'}]}),
		bare('short', 'kubarium-worker2', {tolerations: [{key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10}]}),
	]);
	cluster.advance(20_000);
	cluster.killNode('kubarium-worker2');
	cluster.advance(nodeMonitorGracePeriodMs + 15_000);
	t.falsy(cluster.get('pod', 'forever')!.metadata.deletionTimestamp);
	t.truthy(cluster.get('pod', 'short')!.metadata.deletionTimestamp);
	cluster.advance(1_000_000);
	t.falsy(cluster.get('pod', 'forever')!.metadata.deletionTimestamp);
});

test('toleration arithmetic: untolerated now, the minimum tolerationSeconds, or never', t => {
	const unreachable = {key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' as const};
	const cases: Array<[string, Parameters<typeof evictionDelayMs>[1], number]> = [
		['no tolerations', [], 0],
		['default 300 s', [{key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300}], 300_000],
		['forever', [{operator: 'Exists'}], -1],
		['zero seconds', [{key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 0}], 0],
		['other key only', [{key: 'x', operator: 'Exists', tolerationSeconds: 5}], 0],
	];
	for (const [name, tolerations, expected] of cases) t.is(evictionDelayMs([unreachable], tolerations), expected, name);
	t.is(evictionDelayMs([unreachable, {key: 'node.kubernetes.io/not-ready', effect: 'NoExecute'}], [
		{key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300},
		{key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 60},
	]), 60_000);
	const node = {apiVersion: 'v1', kind: 'Node', metadata: {name: 'n', uid: '', resourceVersion: '', creationTimestamp: ''}, spec: {unschedulable: true}, status: {conditions: [{type: 'Ready', status: 'False' as const}]}} as KubeObject;
	t.deepEqual(reconcileTaints(node, 0)!.map(x => `${x.key}:${x.effect}`), [
		'node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unschedulable:NoSchedule',
	]);
});

test('killNode, restoreNode and the other node commands refuse bad input and change nothing', t => {
	const cluster = createCluster({seed: 8, nodes: 2});
	cluster.apply(bare('solo', 'kubarium-worker'));
	cluster.advance(10_000);
	const cases: Array<[string, () => unknown, string, string | RegExp]> = [
		['kill unknown', () => cluster.killNode('nope'), 'NotFound', 'nodes "nope" not found'],
		['restore unknown', () => cluster.restoreNode('nope'), 'NotFound', 'nodes "nope" not found'],
		['restore live', () => cluster.restoreNode('kubarium-worker'), 'BadRequest', 'node "kubarium-worker" is running; only a node that was killed can be restored'],
		['cordon unknown', () => cluster.cordon('nope'), 'NotFound', 'nodes "nope" not found'],
		['uncordon unknown', () => cluster.uncordon('nope'), 'NotFound', 'nodes "nope" not found'],
		['drain unknown', () => cluster.drain('nope'), 'NotFound', 'nodes "nope" not found'],
		['drain bad grace', () => cluster.drain('kubarium-worker', {force: true, gracePeriodSeconds: -5}), 'BadRequest', /--grace-period/],
		['delete unknown', () => cluster.delete('node', 'nope'), 'NotFound', 'nodes "nope" not found'],
		['add bad cpu', () => cluster.addNode({cpu: -1}), 'Invalid', /status\.capacity\.cpu: Invalid value: -1: must be a positive number/],
		['add bad name', () => cluster.addNode({name: 'Bad_Name'}), 'Invalid', /metadata\.name: Invalid value: "Bad_Name"/],
		['add existing', () => cluster.addNode({name: 'kubarium-worker'}), 'AlreadyExists', 'nodes "kubarium-worker" already exists'],
		['add bad label', () => cluster.addNode({labels: {'a b': 'x'}}), 'Invalid', /metadata\.labels: Invalid value: "a b"/],
	];
	for (const [name, fn, code, message] of cases) {
		const before = snapshot(cluster);
		throwsKube(t, fn, code, message);
		t.is(snapshot(cluster), before, name);
	}
	cluster.killNode('kubarium-worker');
	const before = snapshot(cluster);
	throwsKube(t, () => cluster.killNode('kubarium-worker'), 'BadRequest', 'node "kubarium-worker" is already down; restore it with restoreNode');
	t.is(snapshot(cluster), before);
});

test('cordon and uncordon set spec.unschedulable with the unschedulable taint, in kubectl\'s words', t => {
	const cluster = createCluster({seed: 9, nodes: 2});
	t.is(cluster.cordon('kubarium-worker'), 'node/kubarium-worker cordoned');
	t.is(cluster.cordon('kubarium-worker'), 'node/kubarium-worker already cordoned');
	let node = cluster.get('node', 'kubarium-worker')!;
	t.true(node.spec.unschedulable);
	t.deepEqual(node.spec.taints.map((x: {key: string; effect: string}) => `${x.key}:${x.effect}`), ['node.kubernetes.io/unschedulable:NoSchedule']);
	t.true(reasons(cluster, node).includes('NodeNotSchedulable: Node kubarium-worker status is now: NodeNotSchedulable'));
	cluster.apply(['a', 'b', 'c', 'd'].map(name => bare(name)));
	cluster.advance(10_000);
	t.true(cluster.list('pod').every(p => p.spec.nodeName === 'kubarium-worker2'));
	t.is(cluster.uncordon('kubarium-worker'), 'node/kubarium-worker uncordoned');
	t.is(cluster.uncordon('kubarium-worker'), 'node/kubarium-worker already uncordoned');
	node = cluster.get('node', 'kubarium-worker')!;
	t.falsy(node.spec.unschedulable);
	t.is(node.spec.taints, undefined);
	cluster.apply(bare('e'));
	cluster.advance(10_000);
	t.is(cluster.get('pod', 'e')!.spec.nodeName, 'kubarium-worker', 'the emptier node is schedulable again');
});

function pods(cluster: Cluster): string {
	return JSON.stringify(cluster.list('pod'));
}

test('drain refuses bare pods without force and lists them, evicting nothing; the node stays cordoned, as kubectl leaves it', t => {
	const cluster = createCluster({seed: 10, nodes: 2});
	cluster.apply([bare('lonely', 'kubarium-worker'), bare('scratch', 'kubarium-worker', {volumes: [{name: 'tmp', emptyDir: {}}]})]);
	cluster.advance(10_000);
	const before = pods(cluster);
	const refusal = t.throws(() => cluster.drain('kubarium-worker'), {instanceOf: DrainRefused})!;
	t.is(refusal.code, 'BadRequest');
	t.is(refusal.message, 'unable to drain node "kubarium-worker" due to error:[cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch, cannot delete Pods that declare no controller (use --force to override): default/lonely, default/scratch]');
	t.deepEqual(refusal.lines, [
		'node/kubarium-worker cordoned',
		'error: unable to drain node "kubarium-worker" due to error:[cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch, cannot delete Pods that declare no controller (use --force to override): default/lonely, default/scratch], continuing command...',
		'error: [cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch, cannot delete Pods that declare no controller (use --force to override): default/lonely, default/scratch]',
	]);
	const node = cluster.get('node', 'kubarium-worker')!;
	t.true(node.spec.unschedulable);
	t.true(node.spec.taints.some((x: {key: string}) => x.key === 'node.kubernetes.io/unschedulable'));
	t.is(pods(cluster), before, 'no pod was touched');
	const again = t.throws(() => cluster.drain('kubarium-worker', {force: true}), {instanceOf: DrainRefused})!;
	t.is(again.message, 'unable to drain node "kubarium-worker" due to error:cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch');
	t.is(again.lines[0], 'node/kubarium-worker already cordoned');
	t.is(pods(cluster), before);
	const report = cluster.drain('kubarium-worker', {force: true, deleteEmptyDirData: true, gracePeriodSeconds: 0});
	t.deepEqual(report.lines, [
		'node/kubarium-worker already cordoned',
		'Warning: deleting Pods that declare no controller: default/lonely, default/scratch; deleting Pods with local storage: default/scratch',
		'evicting pod default/lonely',
		'evicting pod default/scratch',
		'pod/lonely evicted',
		'pod/scratch evicted',
		'node/kubarium-worker drained',
	]);
	t.deepEqual(report.evicted, ['default/lonely', 'default/scratch']);
	cluster.advance(5000);
	t.is(cluster.list('pod').length, 0);
	t.true(cluster.get('node', 'kubarium-worker')!.spec.unschedulable);
});

test('drain skips DaemonSet-managed pods only with ignoreDaemonSets; controlled pods move to other nodes', t => {
	const cluster = createCluster({seed: 11, nodes: 2});
	cluster.apply(web(4));
	cluster.advance(20_000);
	// A DaemonSet-managed pod (the DaemonSet controller belongs to another part; its pod is enough here).
	const [ds] = cluster.apply({
		apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: 'agent', namespace: 'kube-system'},
		spec: {selector: {matchLabels: {app: 'agent'}}, template: {metadata: {labels: {app: 'agent'}}, spec: {containers: [{name: 'agent', image: 'busybox:1.36'}]}}},
	});
	const agentName = 'agent-manual';
	if (!cluster.list('pod', {namespace: 'kube-system'}).some(p => p.spec.nodeName === 'kubarium-worker')) {
		cluster.apply({
			...bare(agentName, 'kubarium-worker'),
			metadata: {name: agentName, namespace: 'kube-system', labels: {app: 'agent'}, ownerReferences: [{apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds!.metadata.uid, controller: true}]},
		});
	}
	cluster.advance(5000);
	const agents = cluster.list('pod', {namespace: 'kube-system'}).filter(p => p.spec.nodeName === 'kubarium-worker').map(p => `kube-system/${p.metadata.name}`);
	t.true(agents.length > 0);
	const before = pods(cluster);
	throwsKube(t, () => cluster.drain('kubarium-worker'), 'BadRequest',
		`unable to drain node "kubarium-worker" due to error:cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${agents.join(', ')}`);
	t.is(pods(cluster), before);
	t.true(cluster.get('node', 'kubarium-worker')!.spec.unschedulable, 'cordoned before the refusal');
	const moving = podsOn(cluster, 'kubarium-worker').filter(p => p.metadata.namespace === 'default').map(p => `default/${p.metadata.name}`).sort();
	const report = cluster.drain('kubarium-worker', {ignoreDaemonSets: true});
	t.deepEqual(report.ignored, agents);
	t.is(report.warning, `Warning: ignoring DaemonSet-managed Pods: ${agents.join(', ')}`);
	t.deepEqual(report.evicted, moving);
	for (const ref of moving) {
		const pod = cluster.get('pod', ref.split('/')[1]!)!;
		t.truthy(pod.metadata.deletionTimestamp);
		t.like(pod.status.conditions.find((c: {type: string}) => c.type === 'DisruptionTarget'), {status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting'});
	}
	t.is(report.lines.at(-1), 'node/kubarium-worker drained');
	cluster.advance(60_000);
	const webPods = cluster.list('pod', {namespace: 'default'}).filter(p => !p.metadata.deletionTimestamp);
	t.is(webPods.length, 4);
	t.true(webPods.every(p => p.spec.nodeName === 'kubarium-worker2'));
	t.true(agents.every(ref => cluster.get('pod', ref.split('/')[1]!, 'kube-system') !== undefined), 'DaemonSet pods stay');
});

test('deleting a Node removes it from the cloud: DeletingNode, RemovingNode, and pod GC force-deletes its pods after the quarantine', t => {
	const cluster = createCluster({seed: 12, nodes: 3});
	cluster.apply(web(3));
	cluster.advance(30_000);
	const victim = 'kubarium-worker3';
	const orphans = podsOn(cluster, victim).map(p => p.metadata.name);
	t.true(orphans.length > 0);
	const node = cluster.get('node', victim)!;
	t.is(cluster.delete('node', victim), undefined);
	cluster.advance(1000);
	t.is(cluster.get('node', victim), undefined);
	t.true(orphans.every(name => cluster.get('pod', name) !== undefined), 'a missing node is quarantined first');
	cluster.advance(orphanQuarantineMs);
	t.true(orphans.every(name => cluster.get('pod', name) === undefined));
	t.is(cluster.get('lease', victim, 'kube-node-lease'), undefined);
	const messages = reasons(cluster, node);
	t.true(messages.includes(`DeletingNode: Deleting node ${victim} because it does not exist in the cloud provider`));
	t.true(messages.includes(`RemovingNode: Removing Node ${victim} from Controller`));
	cluster.advance(30_000);
	const live = cluster.list('pod');
	t.is(live.length, 3);
	t.true(live.every(p => p.spec.nodeName !== victim && p.status.phase === 'Running'));
});

test('pod GC keeps terminated pods under the threshold, oldest first', t => {
	const cluster = createCluster({seed: 13, nodes: 1});
	cluster.context.services.terminatedPodThreshold = 2;
	for (const name of ['one', 'two', 'three', 'four']) {
		cluster.apply({...bare(name), spec: {restartPolicy: 'Never', containers: [{name: 'main', image: 'busybox:1.36', command: ['true']}]}});
		cluster.advance(5000);
	}
	cluster.advance(30_000);
	const left = cluster.list('pod').map(p => p.metadata.name).sort();
	t.deepEqual(left, ['four', 'three']);
});

test('addNode registers the next kind-style worker, which beats and takes pods', t => {
	const cluster = createCluster({seed: 14, nodes: 2});
	const node = cluster.addNode({cpu: 8, labels: {tier: 'big'}});
	t.is(node.metadata.name, 'kubarium-worker3');
	t.is(node.status.capacity.cpu, '8');
	t.not(node.spec.podCIDR, cluster.get('node', 'kubarium-worker')!.spec.podCIDR);
	cluster.advance(30_000);
	t.truthy(cluster.get('lease', 'kubarium-worker3', 'kube-node-lease'));
	t.is(ready(cluster.get('node', 'kubarium-worker3')), 'True');
	cluster.apply({...bare('picky'), spec: {nodeSelector: {tier: 'big'}, containers: [{name: 'main', image: 'busybox:1.36'}]}});
	cluster.advance(10_000);
	t.is(cluster.get('pod', 'picky')!.spec.nodeName, 'kubarium-worker3');
	t.is(cluster.addNode().metadata.name, 'kubarium-worker4');
});

test('pods deleted on an unreachable node stay Terminating until the node returns or is deleted', t => {
	const cluster = createCluster({seed: 15, nodes: 2});
	cluster.apply([bare('first', 'kubarium-worker'), bare('second', 'kubarium-worker')]);
	cluster.advance(20_000);
	cluster.killNode('kubarium-worker');
	cluster.advance(70_000);
	cluster.delete('pod', 'first');
	cluster.delete('pod', 'second');
	cluster.advance(120_000);
	t.truthy(cluster.get('pod', 'first')?.metadata.deletionTimestamp, 'no kubelet confirms the deletion');
	t.truthy(cluster.get('pod', 'second')?.metadata.deletionTimestamp);
	// A force delete needs no kubelet.
	cluster.delete('pod', 'second', {gracePeriodSeconds: 0});
	t.is(cluster.get('pod', 'second'), undefined);
	cluster.restoreNode('kubarium-worker');
	cluster.advance(5000);
	t.is(cluster.get('pod', 'first'), undefined, 'the returning kubelet finishes the deletion');

	const other = createCluster({seed: 16, nodes: 2});
	other.apply(bare('stuck', 'kubarium-worker2'));
	other.advance(20_000);
	other.killNode('kubarium-worker2');
	other.advance(70_000);
	other.delete('pod', 'stuck');
	other.advance(60_000);
	t.truthy(other.get('pod', 'stuck'));
	other.delete('node', 'kubarium-worker2');
	other.advance(orphanQuarantineMs + 1000);
	t.is(other.get('pod', 'stuck'), undefined, 'pod GC force-deletes pods of a node that is gone');
});

test('a NoExecute taint added by hand evicts the pods that do not tolerate it, at once', t => {
	const cluster = createCluster({seed: 17, nodes: 1});
	cluster.apply([
		bare('plain', 'kubarium-worker'),
		bare('tolerant', 'kubarium-worker', {tolerations: [{key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute'}]}),
	]);
	cluster.advance(10_000);
	const node = cluster.get('node', 'kubarium-worker')!;
	cluster.apply({...node, metadata: {name: node.metadata.name}, spec: {...node.spec, taints: [{key: 'dedicated', value: 'db', effect: 'NoExecute'}]}});
	cluster.advance(100);
	const plain = cluster.get('pod', 'plain')!;
	t.truthy(plain.metadata.deletionTimestamp);
	t.true(reasons(cluster, plain).includes('TaintManagerEviction: Marking for deletion Pod default/plain'));
	cluster.advance(60_000);
	t.is(cluster.get('pod', 'plain'), undefined, 'the live kubelet stops it and confirms');
	t.falsy(cluster.get('pod', 'tolerant')!.metadata.deletionTimestamp);
	t.deepEqual(cluster.get('node', 'kubarium-worker')!.spec.taints.map((x: {key: string}) => x.key), ['dedicated'], 'user taints are kept');
});

test('a machine deleted and added again under the same name comes back with a fresh kubelet', t => {
	const cluster = createCluster({seed: 18, nodes: 3});
	cluster.delete('node', 'kubarium-worker3');
	cluster.advance(1000);
	const node = cluster.addNode();
	t.is(node.metadata.name, 'kubarium-worker3');
	cluster.advance(120_000);
	t.is(ready(cluster.get('node', 'kubarium-worker3')), 'True', 'it keeps renewing its Lease');
	cluster.apply(bare('here', 'kubarium-worker3'));
	cluster.advance(10_000);
	t.is(cluster.get('pod', 'here')!.status.phase, 'Running');
});

/** A ReplicaSet of 30 pods asking 100m of CPU each: 15 on each of two nodes. */
const thirtyPodsOf100m = {
	apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'a'},
	spec: {
		replicas: 30, selector: {matchLabels: {app: 'a'}},
		template: {metadata: {labels: {app: 'a'}}, spec: {containers: [{name: 'main', image: 'nginx:1.21', resources: {requests: {cpu: '100m'}}}]}},
	},
};

test('a machine added again under a deleted one\'s name rejects the old pods that do not fit, as kubelet admission does', t => {
	const cluster = createCluster({seed: 1, nodes: 2});
	cluster.apply(thirtyPodsOf100m);
	cluster.advance(10_000);
	const before = new Map(podsOn(cluster, 'kubarium-worker2').map(p => [p.metadata.uid, p.status.containerStatuses[0].containerID]));
	t.is(before.size, 15);
	cluster.delete('node', 'kubarium-worker2');
	const node = cluster.addNode({cpu: 1});
	t.is(node.metadata.name, 'kubarium-worker2');
	cluster.advance(900_000);
	const active = podsOn(cluster, 'kubarium-worker2').filter(p => p.status.phase !== 'Failed' && p.status.phase !== 'Succeeded');
	t.true(active.length <= 10, `${active.length} pods of 100m on one CPU`);
	t.true(active.every(p => p.status.phase === 'Running'));
	// The new machine runs no container of the old one.
	t.true(active.every(p => p.status.containerStatuses[0].containerID !== before.get(p.metadata.uid)));
	const rejected = cluster.list('pod').filter(p => p.status.reason === 'OutOfcpu');
	t.is(rejected.length, 15 - active.length);
	t.true(rejected.every(p => p.status.phase === 'Failed'));
	t.is(rejected[0]?.status.message, 'Pod was rejected: Node didn\'t have enough resource: cpu, requested: 100, used: 1000, capacity: 1000');
	t.true(reasons(cluster, rejected[0]!).includes('OutOfcpu: Node didn\'t have enough resource: cpu, requested: 100, used: 1000, capacity: 1000'));
	t.is(cluster.list('pod').filter(p => p.status.phase === 'Running').length, 30, 'the ReplicaSet replaces the rejected pods');
	t.deepEqual(cluster.controllerErrors(), []);
});

test('the scheduler counts the pods still bound to a machine added again under their node\'s name', t => {
	const cluster = createCluster({seed: 2, nodes: 2});
	cluster.apply(thirtyPodsOf100m);
	cluster.advance(10_000);
	cluster.delete('node', 'kubarium-worker2');
	cluster.addNode({cpu: 1});
	cluster.advance(60_000);
	cluster.apply({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'late'},
		spec: {nodeSelector: {'kubernetes.io/hostname': 'kubarium-worker2'}, containers: [{name: 'main', image: 'nginx:1.21', resources: {requests: {cpu: '500m'}}}]},
	});
	cluster.advance(10_000);
	const late = cluster.get('pod', 'late')!;
	t.is(late.status.phase, 'Pending');
	t.falsy(late.spec.nodeName, 'the full node is not chosen');
	t.true(reasons(cluster, late).some(r => r.startsWith('FailedScheduling:') && r.includes('Insufficient cpu')));
});

test('MarkPodsNotReady: on an unreachable node only the pods\' Ready condition turns False (READY counts container statuses and stays 1/1), each gets Warning NodeNotReady, and they leave the Service\'s endpoints', t => {
	const cluster = createCluster({seed: 4, nodes: 3});
	cluster.apply(web(3));
	cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{port: 80}]}});
	cluster.advance(30_000);
	const victim = 'kubarium-worker2';
	const doomed = podsOn(cluster, victim);
	t.true(doomed.length > 0);
	const readyAddresses = () => (cluster.get('endpoints', 'web')!['subsets'] as Array<{addresses?: unknown[]}>).flatMap(s => s.addresses ?? []).length;
	t.is(readyAddresses(), 3);
	cluster.killNode(victim);
	cluster.advance(nodeMonitorGracePeriodMs + leaseRenewIntervalMs + 5000);
	for (const before of doomed) {
		const pod = cluster.get('pod', before.metadata.name)!;
		t.is(pod.status.conditions.find((c: {type: string}) => c.type === 'Ready').status, 'False');
		t.true(pod.status.containerStatuses.every((c: {ready: boolean}) => c.ready), 'the kubelet is gone: nobody rewrites the container statuses');
		const warning = cluster.eventsFor(pod).find(e => e['reason'] === 'NodeNotReady');
		t.is(warning?.['type'], 'Warning');
		t.is(warning?.['message'], 'Node is not ready');
		const slice = cluster.list('endpointslice').find(s => s.metadata.labels?.['kubernetes.io/service-name'] === 'web')!;
		const endpoint = (slice['endpoints'] as Array<{targetRef: {name: string}; conditions: {ready: boolean; serving: boolean}}>).find(e => e.targetRef.name === pod.metadata.name)!;
		t.deepEqual([endpoint.conditions.ready, endpoint.conditions.serving], [false, false]);
	}
	t.is(readyAddresses(), 3 - doomed.length);
});

test('a live kubelet with a broken CNI plugin posts Ready=False KubeletNotReady with the runtime\'s message: its Lease stays fresh, the node is tainted not-ready and its pods leave endpoints; repaired, it is Ready again', t => {
	const cluster = createCluster({seed: 21, nodes: 2});
	cluster.apply(bare('solo', 'kubarium-worker'));
	cluster.advance(20_000);
	const node = cluster.failNodeRuntime('kubarium-worker', 'network');
	const condition = node.status.conditions.find((c: {type: string}) => c.type === 'Ready');
	t.like(condition, {status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'});
	t.true(reasons(cluster, node).includes('NodeNotReady: Node kubarium-worker status is now: NodeNotReady'));
	cluster.advance(nodeMonitorGracePeriodMs + 20_000);
	const later = cluster.get('node', 'kubarium-worker')!;
	t.is(ready(later), 'False', 'the node controller does not turn a live kubelet Unknown');
	const lease = cluster.get('lease', 'kubarium-worker', 'kube-node-lease')!;
	t.true(cluster.now() - Date.parse(lease.spec.renewTime) < leaseRenewIntervalMs, 'the kubelet still renews its Lease');
	t.deepEqual(later.spec.taints.map((x: {key: string; effect: string}) => `${x.key}:${x.effect}`).sort(), ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
	t.is(cluster.get('pod', 'solo')!.status.conditions.find((c: {type: string}) => c.type === 'Ready').status, 'False');
	const runtime = cluster.failNodeRuntime('kubarium-worker', 'runtime');
	t.is(runtime.status.conditions.find((c: {type: string}) => c.type === 'Ready').message, 'container runtime is down');
	const repaired = cluster.repairNodeRuntime('kubarium-worker');
	t.like(repaired.status.conditions.find((c: {type: string}) => c.type === 'Ready'), {status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status'});
	cluster.advance(10_000);
	t.is(cluster.get('node', 'kubarium-worker')!.spec.taints, undefined);
	throwsKube(t, () => cluster.repairNodeRuntime('kubarium-worker'), 'BadRequest', 'node "kubarium-worker" has no runtime fault to repair');
	throwsKube(t, () => cluster.failNodeRuntime('kubarium-worker', 'disk' as never), 'BadRequest', 'unknown runtime fault "disk": use network (the CNI plugin) or runtime (the container runtime)');
	throwsKube(t, () => cluster.failNodeRuntime('nope', 'network'), 'NotFound', 'nodes "nope" not found');
});

test('node status.images lists the images pulled on the node, digest and tag names with their size, largest first', t => {
	const cluster = createCluster({seed: 22, nodes: 1});
	cluster.apply([bare('a', 'kubarium-worker'), {...bare('b', 'kubarium-worker'), spec: {nodeName: 'kubarium-worker', containers: [{name: 'web', image: 'nginx:1.25'}]}}]);
	cluster.advance(30_000);
	const images = cluster.get('node', 'kubarium-worker')!.status.images as Array<{names: string[]; sizeBytes: number}>;
	t.true(images.length >= 2);
	const names = images.flatMap(i => i.names);
	t.true(names.includes('docker.io/library/busybox:1.36'));
	t.true(names.includes('docker.io/library/nginx:1.25'));
	t.true(images.every(i => /@sha256:[a-f0-9]{64}$/.test(i.names[0]!) && i.sizeBytes > 0));
	t.deepEqual(images.map(i => i.sizeBytes), [...images.map(i => i.sizeBytes)].sort((x, y) => y - x));
});
