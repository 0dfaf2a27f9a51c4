import test from 'ava';
import {createCluster, KubeError} from '../../../source/engine/index.js';
import type {Cluster, KubeEvent, Node, Pod, Taint} from '../../../source/engine/index.js';
import {nodeShouldRunDaemonPod, safeEncode, scaledValue, templateHash} from '../../../source/engine/controllers/daemonset-util.js';

function daemonSet(spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}, image = 'nginx:1.25') {
	return {
		apiVersion: 'apps/v1',
		kind: 'DaemonSet',
		metadata: {name: 'agent'},
		spec: {
			selector: {matchLabels: {app: 'agent'}},
			...spec,
			template: {metadata: {labels: {app: 'agent'}}, spec: {containers: [{name: 'agent', image}], ...podSpec}},
		},
	};
}

function agentPods(cluster: Cluster, options: {live?: boolean} = {}): Pod[] {
	const pods = cluster.list('pods', {namespace: 'default', labelSelector: 'app=agent'}) as Pod[];
	return options.live ? pods.filter(p => !p.metadata.deletionTimestamp) : pods;
}

function nodesOf(pods: Pod[]): string[] {
	return pods.map(p => p.spec!.nodeName ?? '').sort();
}

function nodeNames(cluster: Cluster): string[] {
	return cluster.list('nodes').map(n => n.metadata.name).sort();
}

/** Set a node's taints through `apply`, as `kubectl taint` would leave it. */
function taintNode(cluster: Cluster, name: string, taints: Taint[]): void {
	const node = cluster.get('node', name) as Node;
	cluster.apply({apiVersion: 'v1', kind: 'Node', metadata: {name, labels: node.metadata.labels}, spec: {...node.spec, taints}});
}

test('a DaemonSet runs one pod per node, pinned by node affinity and bound by the scheduler', t => {
	const cluster = createCluster({seed: 1});
	const [created] = cluster.apply(daemonSet());
	t.deepEqual(created!.spec.updateStrategy, {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}});
	t.is(created!.spec.revisionHistoryLimit, 10);
	cluster.advance(10_000);
	const pods = agentPods(cluster);
	t.deepEqual(nodesOf(pods), nodeNames(cluster));
	const hash = templateHash(cluster.get('ds', 'agent')!.spec.template);
	for (const pod of pods) {
		t.regex(pod.metadata.name, /^agent-[a-z0-9]{5}$/);
		t.is(pod.status!.phase, 'Running');
		t.is(pod.metadata.labels!['controller-revision-hash'], hash);
		t.is(pod.metadata.labels!['pod-template-generation'], '1');
		t.deepEqual(pod.spec!.affinity, {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
			{matchFields: [{key: 'metadata.name', operator: 'In', values: [pod.spec!.nodeName]}]},
		]}}});
		const tolerations = pod.spec!.tolerations!.map(t => `${t.key}:${t.effect}:${t.tolerationSeconds ?? '-'}`);
		t.deepEqual(tolerations, [
			'node.kubernetes.io/not-ready:NoExecute:-',
			'node.kubernetes.io/unreachable:NoExecute:-',
			'node.kubernetes.io/disk-pressure:NoSchedule:-',
			'node.kubernetes.io/memory-pressure:NoSchedule:-',
			'node.kubernetes.io/pid-pressure:NoSchedule:-',
			'node.kubernetes.io/unschedulable:NoSchedule:-',
		]);
		t.is(pod.metadata.ownerReferences![0]!.kind, 'DaemonSet');
	}
	const ds = cluster.get('ds', 'agent')!;
	t.deepEqual(ds.status, {
		currentNumberScheduled: 3,
		numberMisscheduled: 0,
		desiredNumberScheduled: 3,
		numberReady: 3,
		observedGeneration: 1,
		updatedNumberScheduled: 3,
		numberAvailable: 3,
	});
	const created3 = (cluster.eventsFor(ds) as KubeEvent[]).filter(e => e.reason === 'SuccessfulCreate').map(e => e.message).sort();
	t.deepEqual(created3, pods.map(p => `Created pod: ${p.metadata.name}`).sort());
	t.deepEqual(cluster.list('controllerrevisions', {namespace: 'default'}).map(r => [r.metadata.name, r['revision']]), [[`agent-${hash}`, 1]]);
});

test('a DaemonSet follows nodes as they join and leave', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply(daemonSet());
	cluster.advance(10_000);
	const added = cluster.addNode();
	cluster.advance(10_000);
	t.deepEqual(nodesOf(agentPods(cluster)), nodeNames(cluster));
	t.true(agentPods(cluster).some(p => p.spec!.nodeName === added.metadata.name && p.status!.phase === 'Running'));
	t.is(cluster.get('ds', 'agent')!.status.desiredNumberScheduled, 4);
	cluster.delete('node', 'kubarium-worker2');
	cluster.advance(60_000);
	t.false(nodeNames(cluster).includes('kubarium-worker2'));
	t.deepEqual(nodesOf(agentPods(cluster)), nodeNames(cluster), 'the removed node\'s pod is gone');
	const status = cluster.get('ds', 'agent')!.status;
	t.is(status.desiredNumberScheduled, 3);
	t.is(status.numberReady, 3);
});

test('a tainted node gets no daemon pod unless the template tolerates the taint; cordoned nodes still get one', t => {
	const cluster = createCluster({seed: 3, nodes: 4});
	taintNode(cluster, 'kubarium-worker2', [{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}]);
	cluster.cordon('kubarium-worker3');
	cluster.apply(daemonSet());
	const tolerant = daemonSet({}, {tolerations: [{key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule'}]});
	tolerant.metadata.name = 'gpu-agent';
	tolerant.spec.selector = {matchLabels: {app: 'gpu'}};
	tolerant.spec.template.metadata.labels = {app: 'gpu'};
	cluster.apply(tolerant);
	cluster.advance(10_000);
	t.deepEqual(nodesOf(agentPods(cluster)), ['kubarium-worker', 'kubarium-worker3', 'kubarium-worker4']);
	t.is(cluster.get('ds', 'agent')!.status.desiredNumberScheduled, 3);
	const gpu = cluster.list('pods', {namespace: 'default', labelSelector: 'app=gpu'}) as Pod[];
	t.deepEqual(nodesOf(gpu), ['kubarium-worker', 'kubarium-worker2', 'kubarium-worker3', 'kubarium-worker4']);
});

test('a NoSchedule taint leaves a running daemon pod (misscheduled); a NoExecute taint removes it', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply(daemonSet());
	cluster.advance(10_000);
	taintNode(cluster, 'kubarium-worker', [{key: 'maintenance', effect: 'NoSchedule'}]);
	cluster.advance(5_000);
	t.is(agentPods(cluster, {live: true}).length, 3);
	let status = cluster.get('ds', 'agent')!.status;
	t.is(status.desiredNumberScheduled, 2);
	t.is(status.numberMisscheduled, 1);
	taintNode(cluster, 'kubarium-worker', [{key: 'maintenance', effect: 'NoExecute'}]);
	cluster.advance(40_000);
	t.deepEqual(nodesOf(agentPods(cluster)), ['kubarium-worker2', 'kubarium-worker3']);
	status = cluster.get('ds', 'agent')!.status;
	t.is(status.numberMisscheduled, 0);
	t.is(status.currentNumberScheduled, 2);
	const deleted = (cluster.eventsFor(cluster.get('ds', 'agent')!) as KubeEvent[]).filter(e => e.reason === 'SuccessfulDelete');
	t.is(deleted.length, 1);
});

test('nodeSelector limits the DaemonSet to matching nodes, and it follows label changes', t => {
	const cluster = createCluster({seed: 5});
	cluster.addNode({labels: {disk: 'ssd'}});
	cluster.apply(daemonSet({}, {nodeSelector: {disk: 'ssd'}}));
	cluster.advance(10_000);
	t.deepEqual(nodesOf(agentPods(cluster)), ['kubarium-worker4']);
	const node = cluster.get('node', 'kubarium-worker')!;
	cluster.apply({apiVersion: 'v1', kind: 'Node', metadata: {name: 'kubarium-worker', labels: {...node.metadata.labels, disk: 'ssd'}}, spec: node.spec});
	cluster.advance(10_000);
	t.deepEqual(nodesOf(agentPods(cluster)), ['kubarium-worker', 'kubarium-worker4']);
});

test('RollingUpdate replaces pods node by node, never more than maxUnavailable down', t => {
	const cluster = createCluster({seed: 6, nodes: 4});
	cluster.apply(daemonSet());
	cluster.advance(10_000);
	let worst = 0;
	cluster.watch(() => {
		const ds = cluster.get('ds', 'agent');
		if (!ds) return;
		const available = agentPods(cluster, {live: true}).filter(p => p.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')).length;
		worst = Math.max(worst, 4 - available);
	}, {kind: 'Pod'});
	cluster.apply(daemonSet({}, {}, 'nginx:1.27'));
	cluster.advance(60_000);
	const pods = agentPods(cluster);
	t.deepEqual(nodesOf(pods), nodeNames(cluster));
	t.true(pods.every(p => p.spec!.containers[0]!.image === 'nginx:1.27' && p.metadata.labels!['pod-template-generation'] === '2'));
	t.is(worst, 1, 'maxUnavailable 1');
	const ds = cluster.get('ds', 'agent')!;
	t.is(ds.status.updatedNumberScheduled, 4);
	t.is(ds.status.numberAvailable, 4);
	t.is(ds.status.observedGeneration, 2);
	t.deepEqual(cluster.list('controllerrevisions', {namespace: 'default'}).map(r => r['revision']).sort(), [1, 2]);
});

test('RollingUpdate with maxSurge starts the new pod before the old one goes', t => {
	const cluster = createCluster({seed: 7});
	cluster.apply(daemonSet({updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}}));
	cluster.advance(10_000);
	let fewestReady = 3;
	cluster.watch(() => {
		const ready = agentPods(cluster, {live: true}).filter(p => p.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')).length;
		fewestReady = Math.min(fewestReady, ready);
	}, {kind: 'Pod'});
	cluster.apply(daemonSet({updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}}, {}, 'nginx:1.27'));
	cluster.advance(60_000);
	const pods = agentPods(cluster);
	t.deepEqual(nodesOf(pods), nodeNames(cluster));
	t.true(pods.every(p => p.spec!.containers[0]!.image === 'nginx:1.27'));
	t.is(fewestReady, 3, 'never fewer ready pods than nodes');
});

test('OnDelete keeps old pods until they are deleted by hand', t => {
	const cluster = createCluster({seed: 8});
	cluster.apply(daemonSet({updateStrategy: {type: 'OnDelete'}}));
	cluster.advance(10_000);
	cluster.apply(daemonSet({updateStrategy: {type: 'OnDelete'}}, {}, 'nginx:1.27'));
	cluster.advance(30_000);
	t.true(agentPods(cluster).every(p => p.spec!.containers[0]!.image === 'nginx:1.25'));
	t.is(cluster.get('ds', 'agent')!.status.updatedNumberScheduled, undefined);
	const victim = agentPods(cluster)[0]!;
	cluster.delete('pod', victim.metadata.name);
	cluster.advance(40_000);
	const replaced = agentPods(cluster).find(p => p.spec!.nodeName === victim.spec!.nodeName)!;
	t.is(replaced.spec!.containers[0]!.image, 'nginx:1.27');
	t.is(cluster.get('ds', 'agent')!.status.updatedNumberScheduled, 1);
});

test('invalid DaemonSets are rejected with the API server\'s messages and change nothing', t => {
	const cluster = createCluster({seed: 1});
	const cases: Array<[unknown, string]> = [
		[daemonSet({}, {restartPolicy: 'Never'}), 'DaemonSet.apps "agent" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
		[daemonSet({updateStrategy: {type: 'Sometimes'}}), 'DaemonSet.apps "agent" is invalid: spec.updateStrategy.type: Unsupported value: "Sometimes": supported values: "OnDelete", "RollingUpdate"'],
		[daemonSet({updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: 1}}}), 'DaemonSet.apps "agent" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero'],
		[daemonSet({updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 0}}}), 'DaemonSet.apps "agent" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0'],
		[daemonSet({selector: {matchLabels: {app: 'other'}}}), 'DaemonSet.apps "agent" is invalid: spec.template.metadata.labels: Invalid value: {"app":"agent"}: `selector` does not match template `labels`'],
	];
	for (const [manifest, message] of cases) {
		t.throws(() => cluster.apply(manifest as never), {instanceOf: KubeError, message});
	}
	cluster.advance(5_000);
	t.is(cluster.list('daemonsets').length, 0);
	t.is(cluster.list('pods', {namespace: 'default'}).length, 0);
});

test('kind\'s kube-system DaemonSets run on every node when asked for', t => {
	const cluster = createCluster({seed: 9, systemDaemonSets: true});
	cluster.advance(15_000);
	t.deepEqual(cluster.list('daemonsets', {namespace: 'kube-system'}).map(d => d.metadata.name).sort(), ['kindnet', 'kube-proxy']);
	for (const app of ['k8s-app=kube-proxy', 'app=kindnet']) {
		const pods = cluster.list('pods', {namespace: 'kube-system', labelSelector: app}) as Pod[];
		t.deepEqual(nodesOf(pods), nodeNames(cluster));
		t.true(pods.every(p => p.status!.phase === 'Running'), app);
	}
	t.is(createCluster({seed: 9}).list('daemonsets').length, 0, 'off by default');
});

test('daemon placement and hashing helpers', t => {
	const node = (taints: Taint[] = [], labels: Record<string, string> = {}) => ({apiVersion: 'v1', kind: 'Node', metadata: {name: 'n', labels, uid: '', resourceVersion: '', creationTimestamp: ''}, spec: {taints}}) as Node;
	const spec = {containers: [{name: 'a', image: 'x'}]};
	t.deepEqual(nodeShouldRunDaemonPod(spec, node()), {shouldRun: true, shouldContinueRunning: true});
	t.deepEqual(nodeShouldRunDaemonPod(spec, node([{key: 'a', effect: 'NoSchedule'}])), {shouldRun: false, shouldContinueRunning: true});
	t.deepEqual(nodeShouldRunDaemonPod(spec, node([{key: 'a', effect: 'NoExecute'}])), {shouldRun: false, shouldContinueRunning: false});
	t.deepEqual(nodeShouldRunDaemonPod(spec, node([{key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'}])), {shouldRun: true, shouldContinueRunning: true});
	t.deepEqual(nodeShouldRunDaemonPod(spec, node([{key: 'node.kubernetes.io/not-ready', effect: 'NoExecute'}])), {shouldRun: true, shouldContinueRunning: true});
	t.deepEqual(nodeShouldRunDaemonPod(spec, node([{key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule'}])).shouldRun, false);
	t.deepEqual(nodeShouldRunDaemonPod({...spec, hostNetwork: true}, node([{key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule'}])).shouldRun, true);
	t.deepEqual(nodeShouldRunDaemonPod({...spec, nodeSelector: {disk: 'ssd'}}, node()), {shouldRun: false, shouldContinueRunning: false});
	t.is(scaledValue('25%', 10, true), 3);
	t.is(scaledValue('25%', 10, false), 2);
	t.is(scaledValue(2, 10, true), 2);
	t.is(safeEncode('0123456789'), '456789bcdf');
	t.is(templateHash({b: 1, a: [1, 2]}), templateHash({a: [1, 2], b: 1}), 'key order does not change the hash');
	t.not(templateHash({a: 1}), templateHash({a: 2}));
});

test('minReadySeconds: pods count as available only after being ready that long', t => {
	const cluster = createCluster({seed: 10});
	cluster.apply(daemonSet({minReadySeconds: 20}));
	cluster.advance(8_000);
	let status = cluster.get('ds', 'agent')!.status;
	t.is(status.numberReady, 3);
	t.is(status.numberAvailable, undefined);
	t.is(status.numberUnavailable, 3);
	cluster.advance(25_000);
	status = cluster.get('ds', 'agent')!.status;
	t.is(status.numberAvailable, 3);
	t.is(status.numberUnavailable, undefined);
});

test('a DaemonSet re-applied after an orphaning delete adopts the pods it left: one pod per node, not two', t => {
	const cluster = createCluster({seed: 1});
	cluster.apply(daemonSet());
	cluster.advance(30_000);
	const before = agentPods(cluster, {live: true}).map(p => p.metadata.name).sort();
	t.is(before.length, nodeNames(cluster).length);
	cluster.delete('daemonset', 'agent', {propagationPolicy: 'Orphan'});
	cluster.advance(5000);
	t.true(agentPods(cluster).every(p => !p.metadata.ownerReferences?.some(r => r.controller)));
	cluster.apply(daemonSet());
	cluster.advance(30_000);
	const ds = cluster.get('daemonset', 'agent')!;
	const after = agentPods(cluster, {live: true});
	t.deepEqual(after.map(p => p.metadata.name).sort(), before);
	t.deepEqual(nodesOf(after), nodeNames(cluster));
	t.true(after.every(p => p.metadata.ownerReferences?.some(r => r.controller && r.blockOwnerDeletion && r.uid === ds.metadata.uid)));
	t.is(ds.status?.currentNumberScheduled, nodeNames(cluster).length);
	t.is(ds.status?.numberReady, nodeNames(cluster).length);
	t.deepEqual(cluster.controllerErrors(), []);
});
