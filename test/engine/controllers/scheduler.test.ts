import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import type {KubeEvent, Pod} from '../../../source/engine/index.js';

const pod = (name: string, spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
	apiVersion: 'v1',
	kind: 'Pod',
	metadata: {name},
	spec: {containers: [{name: 'app', image: 'nginx:1.25', ...container}], ...spec},
});

function eventsOf(cluster: ReturnType<typeof createCluster>, name: string, reason: string): KubeEvent[] {
	return (cluster.list('events') as KubeEvent[]).filter(e => e.involvedObject.name === name && e.reason === reason);
}

test('a pod is bound to a node with a Scheduled event and PodScheduled=True', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(pod('web'));
	cluster.advance(0);
	const bound = cluster.get('pod', 'web') as Pod;
	t.truthy(bound.spec!.nodeName);
	t.is(bound.status!.conditions!.find(c => c.type === 'PodScheduled')!.status, 'True');
	t.is(eventsOf(cluster, 'web', 'Scheduled')[0]!.message, `Successfully assigned default/web to ${bound.spec!.nodeName}`);
});

test('requests that fit nowhere give FailedScheduling with the real message and stay Pending', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(pod('big', {}, {resources: {requests: {cpu: '64'}}}));
	cluster.advance(5000);
	const pending = cluster.get('pod', 'big') as Pod;
	t.is(pending.spec!.nodeName, undefined);
	t.is(pending.status!.phase, 'Pending');
	const condition = pending.status!.conditions!.find(c => c.type === 'PodScheduled')!;
	t.is(condition.reason, 'Unschedulable');
	const [event] = eventsOf(cluster, 'big', 'FailedScheduling');
	t.is(event!.type, 'Warning');
	// In v1.32 any shortage of resources is one preemption might resolve: the dry run finds no pod of lower priority to remove.
	t.is(event!.message, '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
});

test('an unschedulable pod is parked: no retry while nothing changes, then one every 5 minutes, as kube-scheduler\'s queue does', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(pod('big', {}, {resources: {requests: {cpu: '64'}}}));
	cluster.advance(0);
	const count = () => eventsOf(cluster, 'big', 'FailedScheduling')[0]!.count;
	t.is(count(), 1);
	cluster.advance(4 * 60_000);
	t.is(count(), 1, 'no timer retries a parked pod');
	cluster.advance(90_000);
	t.is(count(), 2, 'the leftover flush tries it again after 5 minutes (checked every 30 s)');
	cluster.advance(5 * 60_000 + 30_000);
	t.is(count(), 3);
});

test('a parked pod is tried again when the cluster changes, once its back-off is over', t => {
	const cluster = createCluster({seed: 3});
	for (const node of cluster.list('Node')) cluster.cordon(node.metadata.name);
	cluster.apply(pod('waiting'));
	cluster.advance(0);
	t.is(eventsOf(cluster, 'waiting', 'FailedScheduling')[0]!.message,
		'0/3 nodes are available: 3 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
	cluster.advance(200);
	cluster.uncordon('kubarium-worker2');
	cluster.advance(500);
	t.falsy((cluster.get('pod', 'waiting') as Pod).spec!.nodeName, 'the first back-off (1 s) still runs');
	cluster.advance(400);
	t.is((cluster.get('pod', 'waiting') as Pod).spec!.nodeName, 'kubarium-worker2', 'bound as the back-off ends');
});

test('a parked pod edited by someone else is tried again; one waiting on a claim is moved by the claim\'s creation', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	const node = cluster.get('node', 'kubarium-worker')!;
	cluster.apply({...node, metadata: {...node.metadata, resourceVersion: ''}, spec: {...node.spec, taints: [{key: 'dedicated', value: 'db', effect: 'NoSchedule'}]}});
	cluster.apply(pod('tainted'));
	cluster.apply(pod('claimant', {volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'data'}}], tolerations: [{key: 'dedicated', operator: 'Exists'}]}));
	cluster.advance(30_000);
	t.regex(eventsOf(cluster, 'tainted', 'FailedScheduling')[0]!.message, /untolerated taint \{dedicated: db\}/);
	t.regex(eventsOf(cluster, 'claimant', 'FailedScheduling')[0]!.message, /persistentvolumeclaim "data" not found/);
	const waiting = cluster.get('pod', 'tainted') as Pod;
	cluster.apply({...waiting, metadata: {...waiting.metadata, resourceVersion: ''}, spec: {...waiting.spec!, tolerations: [{key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule'}]}});
	cluster.apply({apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}});
	cluster.advance(15_000);
	t.is((cluster.get('pod', 'tainted') as Pod).spec!.nodeName, 'kubarium-worker', 'the added toleration let it in at once');
	t.is((cluster.get('pod', 'claimant') as Pod).spec!.nodeName, 'kubarium-worker', 'the claim was bound and the pod moved, not left for 5 minutes');
});

test('nodeSelector and taints filter nodes; reasons are counted and sorted', t => {
	const cluster = createCluster({seed: 3});
	const node = cluster.get('node', 'kubarium-worker')!;
	cluster.apply({...node, metadata: {...node.metadata, resourceVersion: ''}, spec: {...node.spec, taints: [{key: 'dedicated', value: 'gpu', effect: 'NoSchedule'}]}});
	cluster.apply(pod('picky', {nodeSelector: {disk: 'ssd'}}));
	cluster.advance(0);
	t.is(eventsOf(cluster, 'picky', 'FailedScheduling')[0]!.message,
		"0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
	cluster.apply(pod('tolerant', {tolerations: [{key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule'}], nodeSelector: {'kubernetes.io/hostname': 'kubarium-worker'}}));
	cluster.advance(0);
	t.is((cluster.get('pod', 'tolerant') as Pod).spec!.nodeName, 'kubarium-worker');
});

test('a waiting pod is scheduled once room frees up', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply(pod('first', {}, {resources: {requests: {cpu: '3'}}}));
	cluster.apply(pod('second', {}, {resources: {requests: {cpu: '3'}}}));
	cluster.advance(2000);
	t.falsy((cluster.get('pod', 'second') as Pod).spec!.nodeName);
	cluster.delete('pod', 'first', {gracePeriodSeconds: 0});
	cluster.advance(2000);
	t.is(cluster.get('pod', 'first'), undefined);
	t.is((cluster.get('pod', 'second') as Pod).spec!.nodeName, 'kubarium-worker');
});

test('pods of one owner spread over nodes', t => {
	const cluster = createCluster({seed: 5});
	cluster.apply({
		apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'rs'},
		spec: {replicas: 6, selector: {matchLabels: {app: 'rs'}}, template: {metadata: {labels: {app: 'rs'}}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}}},
	});
	cluster.advance(1000);
	const perNode = new Map<string, number>();
	for (const p of cluster.list('pods') as Pod[]) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
	t.deepEqual([...perNode.values()].sort(), [2, 2, 2]);
});

test('a node holds at most its allocatable pods (110 by default); the rest wait with Too many pods', t => {
	const cluster = createCluster({seed: 3, node: {pods: 2}});
	for (let i = 0; i < 7; i++) cluster.apply(pod(`p${i}`));
	cluster.advance(0);
	const pods = cluster.list('pod') as Pod[];
	t.is(pods.filter(p => p.spec!.nodeName).length, 6);
	const waiting = pods.find(p => !p.spec!.nodeName)!;
	t.is(eventsOf(cluster, waiting.metadata.name, 'FailedScheduling')[0]!.message,
		'0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
	t.is(createCluster({seed: 3}).get('node', 'kubarium-worker')!.status!['allocatable']['pods'], '110');
});

test('in a large cluster the scheduler filters only enough nodes, from where the last pod stopped', async t => {
	const {numFeasibleNodesToFind} = await import('../../../source/engine/controllers/scheduler.js');
	t.is(numFeasibleNodesToFind(3), 3);
	t.is(numFeasibleNodesToFind(100), 100);
	t.is(numFeasibleNodesToFind(150), 100);
	t.is(numFeasibleNodesToFind(1000), 420);
	t.is(numFeasibleNodesToFind(5000), 500);
	t.is(numFeasibleNodesToFind(10_000), 500);
	const cluster = createCluster({seed: 3, nodes: 300});
	for (let i = 0; i < 10; i++) cluster.apply(pod(`p${i}`));
	cluster.advance(0);
	const nodes = new Set((cluster.list('pod') as Pod[]).map(p => p.spec!.nodeName));
	t.false(nodes.has(undefined));
	t.true(nodes.size > 1, 'pods land on different stretches of the node list');
});
