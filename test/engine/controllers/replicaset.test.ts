import test from 'ava';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';
import type {Pod, ReplicaSet} from '../../../source/engine/api/types.js';
import {comparePodsForDeletion, concurrentReplicaSetSyncs, podsToDelete} from '../../../source/engine/controllers/replicaset.js';
import {kubeApiBurst, kubeApiQps} from '../../../source/engine/controllers/client-rate-limiter.js';
import {epochMs, rfc3339} from '../../../source/engine/clock.js';

function replicaSet(name = 'front', replicas = 3, extra: Record<string, unknown> = {}) {
	return {
		apiVersion: 'apps/v1',
		kind: 'ReplicaSet',
		metadata: {name},
		spec: {
			replicas,
			selector: {matchLabels: {app: name}},
			template: {metadata: {labels: {app: name, tier: 'web'}}, spec: {containers: [{name: 'main', image: 'nginx:1.25'}]}},
			...extra,
		},
	};
}

function setup(replicas = 3, extra: Record<string, unknown> = {}): Cluster {
	const cluster = createCluster({seed: 5, nodes: 3});
	cluster.apply(replicaSet('front', replicas, extra));
	cluster.advance(30_000);
	return cluster;
}

const getRS = (cluster: Cluster, name = 'front') => cluster.get('ReplicaSet', name) as ReplicaSet;
const pods = (cluster: Cluster) => cluster.list('Pod') as Pod[];
const live = (cluster: Cluster) => pods(cluster).filter(p => !p.metadata.deletionTimestamp);
/** `kubectl annotate --overwrite`: a metadata-only patch. */
function annotate(cluster: Cluster, pod: Pod, annotations: Record<string, string>): void {
	cluster.context.store.patch(pod, draft => {
		draft.metadata.annotations = {...draft.metadata.annotations, ...annotations};
	});
}

const messages = (cluster: Cluster, name = 'front') => cluster.eventsFor(getRS(cluster, name)).map(e => `${String(e['reason'])}: ${String(e['message'])}`);

test('creates pods named from generateName with a controller reference, and reports status', t => {
	const cluster = setup(3);
	const rs = getRS(cluster);
	const all = pods(cluster);
	t.is(all.length, 3);
	for (const pod of all) {
		t.is(pod.metadata.generateName, 'front-');
		t.regex(pod.metadata.name, /^front-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
		t.deepEqual(pod.metadata.labels, {app: 'front', tier: 'web'});
		t.deepEqual(pod.metadata.ownerReferences, [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'front', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true}]);
	}
	t.deepEqual(rs.status, {replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1});
	t.deepEqual(messages(cluster).sort(), all.map(p => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort());
});

test('scale down deletes pods with SuccessfulDelete; a terminating pod no longer counts', t => {
	const cluster = setup(3);
	cluster.scale('replicaset', 'front', 1);
	cluster.advance(0);
	const deleting = pods(cluster).filter(p => p.metadata.deletionTimestamp);
	t.is(deleting.length, 2);
	t.is(getRS(cluster).status!.replicas, 1);
	for (const pod of deleting) t.true(messages(cluster).includes(`SuccessfulDelete: Deleted pod: ${pod.metadata.name}`));
	cluster.advance(40_000);
	t.is(pods(cluster).length, 1);
});

test('a deleted pod is replaced at once', t => {
	const cluster = setup(2);
	const victim = pods(cluster)[0]!;
	cluster.delete('pod', victim.metadata.name);
	cluster.advance(0);
	t.is(live(cluster).length, 2);
	t.is(pods(cluster).length, 3, 'the old one is still terminating');
	t.false(live(cluster).some(p => p.metadata.name === victim.metadata.name));
});

test('the pod with the lowest pod-deletion-cost goes first', t => {
	const cluster = setup(3);
	const [a, b, c] = pods(cluster);
	for (const [pod, cost] of [[a!, '100'], [b!, '-5'], [c!, '7']] as const) annotate(cluster, pod, {'controller.kubernetes.io/pod-deletion-cost': cost});
	cluster.scale('replicaset', 'front', 1);
	cluster.advance(0);
	t.deepEqual(live(cluster).map(p => p.metadata.name), [a!.metadata.name]);
});

test('adopts matching orphan pods and releases pods whose labels stop matching', t => {
	const cluster = createCluster({seed: 9, nodes: 2});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'stray', labels: {app: 'front'}}, spec: {containers: [{name: 'main', image: 'nginx:1.25'}]}});
	cluster.apply(replicaSet('front', 2));
	cluster.advance(10_000);
	const rs = getRS(cluster);
	const stray = cluster.get('Pod', 'stray') as Pod;
	t.is(stray.metadata.ownerReferences?.[0]?.uid, rs.metadata.uid);
	t.is(pods(cluster).length, 2, 'only one new pod: the orphan counts');
	t.is(rs.status!.fullyLabeledReplicas, 1, 'the adopted pod lacks the template\'s tier label');
	// `kubectl label pod stray app=other --overwrite`
	cluster.context.store.patch(cluster.get('Pod', 'stray')!, draft => {
		draft.metadata.labels = {app: 'other'};
	});
	cluster.advance(10_000);
	t.is((cluster.get('Pod', 'stray') as Pod).metadata.ownerReferences, undefined);
	t.is(live(cluster).filter(p => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid).length, 2);
});

test('availableReplicas waits minReadySeconds, with a requeue on virtual time', t => {
	const cluster = createCluster({seed: 2, nodes: 2});
	cluster.apply(replicaSet('front', 2, {minReadySeconds: 30}));
	cluster.advance(10_000);
	t.like(getRS(cluster).status, {readyReplicas: 2, availableReplicas: 0});
	cluster.advance(30_000);
	t.like(getRS(cluster).status, {readyReplicas: 2, availableReplicas: 2});
});

test('pods go out at the controller client\'s rate, a burst of 30 then 20 a second, with the scheduler at work between', t => {
	const cluster = createCluster({seed: 2, nodes: 6});
	const added: Pod[] = [];
	let scheduledBefore31st = 0;
	cluster.watch(({type, object}) => {
		if (object.kind !== 'Pod' || type !== 'ADDED') return;
		added.push(object as Pod);
		if (added.length === kubeApiBurst + 1) scheduledBefore31st = added.filter(p => (cluster.get('Pod', p.metadata.name) as Pod).spec?.nodeName).length;
	});
	cluster.apply(replicaSet('front', 600));
	cluster.advance(0);
	t.is(added.length, kubeApiBurst);
	cluster.advance(1000);
	t.is(added.length, kubeApiBurst + kubeApiQps);
	// The first sync's 500 (burstReplicas), then the next sync's 100: 570 after the burst, at 20 a second.
	cluster.advance(27_000);
	t.is(added.length, kubeApiBurst + 28 * kubeApiQps);
	cluster.advance(500);
	t.is(added.length, 600);
	t.is(scheduledBefore31st, kubeApiBurst);
	cluster.advance(10_000);
	t.is(getRS(cluster).status!.replicas, 600);
});

test('at most 5 ReplicaSets have creates in flight: the others wait for a worker, in the order they came', t => {
	const cluster = createCluster({seed: 2, nodes: 6});
	const firstPodAt = new Map<string, number>();
	const doneAt = new Map<string, number>();
	const names = Array.from({length: concurrentReplicaSetSyncs + 2}, (_, i) => `rs${i}`);
	cluster.watch(({type, object}) => {
		if (object.kind !== 'Pod' || type !== 'ADDED') return;
		const owner = (object as Pod).metadata.ownerReferences?.[0]?.name;
		if (owner && !firstPodAt.has(owner)) firstPodAt.set(owner, cluster.now());
	});
	cluster.apply(names.map(name => replicaSet(name, 40)));
	const start = cluster.now();
	for (let i = 0; i < 400 && doneAt.size < names.length; i++) {
		cluster.advance(100);
		for (const name of names) if (!doneAt.has(name) && pods(cluster).filter(p => p.metadata.ownerReferences?.[0]?.name === name).length === 40) doneAt.set(name, cluster.now());
	}
	t.is(doneAt.size, names.length);
	const firstDone = Math.min(...doneAt.values());
	// The first five share the client's tokens from the start; the sixth and seventh begin only when a run has ended.
	for (const name of names.slice(0, concurrentReplicaSetSyncs)) t.true(firstPodAt.get(name)! < start + 1000, `${name} starts at once`);
	for (const name of names.slice(concurrentReplicaSetSyncs)) t.true(firstPodAt.get(name)! >= firstDone, `${name} waits for a worker`);
	// 280 pods at 20 a second after the burst of 30.
	t.true(Math.max(...doneAt.values()) - start >= ((7 * 40 - kubeApiBurst) / kubeApiQps) * 1000);
});

test('slow start: batches of 1, 2, 4, ...; the first batch with a failure runs to its end, then the run stops', t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'pods'}, spec: {hard: {pods: '5'}}});
	cluster.advance(1000);
	cluster.apply(replicaSet('front', 20));
	cluster.advance(0);
	// Batches 1 and 2 succeed; of the batch of 4 (creates 4 to 7), 4 and 5 pass the quota and 6 and 7 fail; the other 13 are not tried.
	const said = messages(cluster);
	t.is(said.filter(m => m.startsWith('SuccessfulCreate')).length, 5);
	const failed = said.filter(m => m.startsWith('FailedCreate'));
	// The run's batch of 4 fails twice; the pods it made woke the ReplicaSet, whose next sync fails its first batch of 1.
	t.is(failed.length, 3);
	t.regex(failed[0]!, /^FailedCreate: Error creating: pods "front-\w{5}" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=5, limited: pods=5$/);
	t.is(pods(cluster).length, 5);
	t.like(getRS(cluster).status?.conditions?.[0], {type: 'ReplicaFailure', reason: 'FailedCreate'});
});

// The deletion order (ActivePodsWithRanks.Less), one rule per case: `first` is deleted before `second`.
const now = epochMs + 3_600_000;
type PodShape = {node?: string; phase?: Pod['status'] extends infer S ? S extends {phase: infer P} ? P : never : never; ready?: boolean; readySince?: number; cost?: string; restarts?: number; created?: number; uid?: string};

function pod(shape: PodShape): Pod {
	return {
		apiVersion: 'v1', kind: 'Pod',
		metadata: {
			name: shape.uid ?? 'p', uid: shape.uid ?? 'p', resourceVersion: '1',
			creationTimestamp: rfc3339(shape.created ?? epochMs),
			...(shape.cost === undefined ? {} : {annotations: {'controller.kubernetes.io/pod-deletion-cost': shape.cost}}),
		},
		spec: {containers: [{name: 'c', image: 'i'}], nodeName: shape.node ?? 'n1'},
		status: {
			phase: shape.phase ?? 'Running',
			conditions: [{type: 'Ready', status: shape.ready === false ? 'False' : 'True', lastTransitionTime: rfc3339(shape.readySince ?? epochMs)}],
			containerStatuses: [{name: 'c', state: {}, lastState: {}, ready: true, restartCount: shape.restarts ?? 0, image: 'i', imageID: ''}],
		},
	};
}

const order: Array<{rule: string; first: [PodShape, number]; second: [PodShape, number]}> = [
	{rule: 'unscheduled before scheduled', first: [{node: ''}, 0], second: [{}, 0]},
	{rule: 'Pending before Running', first: [{phase: 'Pending'}, 0], second: [{}, 0]},
	{rule: 'Pending before Unknown', first: [{phase: 'Pending'}, 0], second: [{phase: 'Unknown'}, 0]},
	{rule: 'Unknown before Running', first: [{phase: 'Unknown'}, 0], second: [{}, 0]},
	{rule: 'not ready before ready', first: [{ready: false}, 0], second: [{}, 0]},
	{rule: 'lower deletion cost first', first: [{cost: '-1'}, 0], second: [{cost: '10'}, 0]},
	{rule: 'deletion cost beats rank', first: [{cost: '1'}, 1], second: [{cost: '2'}, 5]},
	{rule: 'higher rank (doubled up) first', first: [{}, 3], second: [{}, 1]},
	{rule: 'ready more recently first (different log2 buckets)', first: [{readySince: now - 60_000}, 0], second: [{readySince: now - 3_000_000}, 0]},
	{rule: 'more restarts first', first: [{restarts: 4}, 0], second: [{restarts: 1}, 0]},
	{rule: 'same ready bucket falls through to restarts', first: [{readySince: now - 70_000, restarts: 2}, 0], second: [{readySince: now - 80_000}, 0]},
	{rule: 'newer first (different buckets)', first: [{created: now - 60_000, readySince: now - 10_000}, 0], second: [{created: now - 3_000_000, readySince: now - 10_000}, 0]},
	{rule: 'same creation bucket: smaller uid first', first: [{created: now - 70_000, uid: 'a'}, 0], second: [{created: now - 80_000, uid: 'b'}, 0]},
];

for (const {rule, first, second} of order) {
	test(`deletion order: ${rule}`, t => {
		const a = pod({uid: 'a', ...first[0]});
		const b = pod({uid: 'b', ...second[0]});
		t.true(comparePodsForDeletion(a, first[1], b, second[1], now) < 0);
		t.true(comparePodsForDeletion(b, second[1], a, first[1], now) > 0);
	});
}

test('podsToDelete ranks by related pods on the same node', t => {
	const onBusy = [pod({uid: 'b1', node: 'busy'}), pod({uid: 'b2', node: 'busy'})];
	const onQuiet = pod({uid: 'q1', node: 'quiet'});
	const related = [...onBusy, onQuiet, pod({uid: 'other', node: 'busy'})];
	const chosen = podsToDelete([onQuiet, ...onBusy], related, 2, now).map(p => p.metadata.uid);
	t.deepEqual(chosen.sort(), ['b1', 'b2']);
	t.is(podsToDelete([onQuiet, ...onBusy], related, 3, now).length, 3);
});
