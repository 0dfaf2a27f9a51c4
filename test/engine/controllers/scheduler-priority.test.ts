import test from 'ava';
import {createCluster, type Cluster} from '../../../source/engine/index.js';
import type {KubeEvent, Pod} from '../../../source/engine/index.js';
import {sameParts} from '../twins.js';
import {sameSimulation} from '../same-simulation.js';

const priorityClass = (name: string, value: number, preemptionPolicy?: 'Never') => ({
	apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: {name}, value, ...(preemptionPolicy ? {preemptionPolicy} : {}),
});

/** A pod asking for `cpu`, of the named PriorityClass (none: priority 0). */
const pod = (name: string, cpu: string, priorityClassName?: string, spec: Record<string, unknown> = {}) => ({
	apiVersion: 'v1', kind: 'Pod', metadata: {name},
	spec: {...(priorityClassName ? {priorityClassName} : {}), containers: [{name: 'app', image: 'nginx:1.25', resources: {requests: {cpu}}}], ...spec},
});

function eventsOf(cluster: Cluster, name: string, reason: string): KubeEvent[] {
	return (cluster.list('events') as KubeEvent[]).filter(e => e.involvedObject.name === name && e.reason === reason);
}

const nodeOf = (cluster: Cluster, name: string) => (cluster.get('pod', name) as Pod | undefined)?.spec?.nodeName;

test('PrioritySort: of two waiting pods, the one of higher priority is scheduled first, though queued later', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply([priorityClass('top', 1000), priorityClass('high', 100), priorityClass('low', 10)]);
	cluster.apply(pod('filler', '3', 'top'));
	cluster.advance(1000);
	cluster.apply(pod('low', '3', 'low'));
	cluster.advance(10);
	cluster.apply(pod('high', '3', 'high'));
	cluster.advance(2000);
	t.is(nodeOf(cluster, 'low'), undefined);
	t.is(nodeOf(cluster, 'high'), undefined);
	cluster.delete('pod', 'filler', {gracePeriodSeconds: 0});
	cluster.advance(2000);
	t.is(nodeOf(cluster, 'high'), 'kubarium-worker', 'taken first from the queue');
	t.is(nodeOf(cluster, 'low'), undefined);
	t.regex(eventsOf(cluster, 'low', 'FailedScheduling')[0]!.message, /^0\/1 nodes are available: 1 Insufficient cpu\./);
});

/** Fill a node with pods of the class, each asking for `cpu`. */
function fill(cluster: Cluster, node: string, prefix: string, count: number, cpu: string, priorityClassName: string, spec: Record<string, unknown> = {}): void {
	for (let i = 0; i < count; i++) {
		cluster.apply(pod(`${prefix}-${i}`, cpu, priorityClassName, {nodeSelector: {'kubernetes.io/hostname': node}, ...spec}));
		// Started one after the other: victims are told apart by their start.
		cluster.advance(1000);
	}
}

const preemptedCondition = (cluster: Cluster, name: string) => (cluster.get('pod', name) as Pod | undefined)?.status?.conditions?.find(c => c.type === 'DisruptionTarget');

test('a pod of higher priority preempts lower-priority pods in a full cluster: DisruptionTarget, Preempted, nominatedNodeName, then it binds and runs', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	cluster.apply([priorityClass('high', 1000), priorityClass('low', 10)]);
	fill(cluster, 'kubarium-worker', 'a', 2, '2', 'low');
	fill(cluster, 'kubarium-worker2', 'b', 2, '2', 'low');
	cluster.advance(5000);
	const lows = ['a-0', 'a-1', 'b-0', 'b-1'];
	t.true(lows.every(name => (cluster.get('pod', name) as Pod).status!.phase === 'Running'));
	cluster.apply(pod('urgent', '2', 'high'));
	cluster.advance(0);
	const urgent = cluster.get('pod', 'urgent') as Pod;
	const nominated = urgent.status!.nominatedNodeName!;
	t.true(['kubarium-worker', 'kubarium-worker2'].includes(nominated));
	t.is(urgent.spec!.nodeName, undefined, 'it waits for its victims to go');
	t.is(eventsOf(cluster, 'urgent', 'FailedScheduling')[0]!.message, '0/2 nodes are available: 2 Insufficient cpu.', 'preemption made room: no preemption text');
	const victims = lows.filter(name => preemptedCondition(cluster, name));
	t.is(victims.length, 1, 'one pod of 2 cpu is enough');
	const victim = victims[0]!;
	const victimPod = cluster.get('pod', victim) as Pod;
	t.is(victimPod.spec!.nodeName, nominated);
	t.truthy(victimPod.metadata.deletionTimestamp, 'deleted with its grace period');
	t.like(preemptedCondition(cluster, victim), {status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod'});
	const [preempted] = eventsOf(cluster, victim, 'Preempted');
	t.like(preempted, {type: 'Normal', message: `Preempted by pod ${urgent.metadata.uid} on node ${nominated}`});
	t.is(preempted!.source?.component, 'default-scheduler');
	cluster.advance(40_000);
	t.is(cluster.get('pod', victim), undefined, 'its kubelet stopped it and it is gone');
	const running = cluster.get('pod', 'urgent') as Pod;
	t.is(running.spec!.nodeName, nominated, 'bound where room was made');
	t.is(running.status!.phase, 'Running');
	t.is(lows.filter(name => cluster.get('pod', name)).length, 3);
});

test('preemption picks the node whose victims have the lowest priority', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	cluster.apply([priorityClass('high', 1000), priorityClass('mid', 100), priorityClass('low', 10)]);
	fill(cluster, 'kubarium-worker', 'mid', 2, '2', 'mid');
	fill(cluster, 'kubarium-worker2', 'low', 2, '2', 'low');
	cluster.advance(5000);
	cluster.apply(pod('urgent', '2', 'high'));
	cluster.advance(0);
	t.is((cluster.get('pod', 'urgent') as Pod).status!.nominatedNodeName, 'kubarium-worker2');
	t.deepEqual(['mid-0', 'mid-1', 'low-0', 'low-1'].filter(name => preemptedCondition(cluster, name)), ['low-1'], 'the later started of the two is the victim');
	cluster.advance(40_000);
	t.is((cluster.get('pod', 'urgent') as Pod).spec!.nodeName, 'kubarium-worker2');
});

test('preemption reprieves every victim it can: no more pods go than the preemptor needs', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply([priorityClass('high', 1000), priorityClass('low', 10), priorityClass('lowest', 1)]);
	fill(cluster, 'kubarium-worker', 'low', 2, '1', 'low');
	fill(cluster, 'kubarium-worker', 'lowest', 2, '1', 'lowest');
	cluster.advance(5000);
	cluster.apply(pod('urgent', '2', 'high'));
	cluster.advance(0);
	t.deepEqual(['low-0', 'low-1', 'lowest-0', 'lowest-1'].filter(name => preemptedCondition(cluster, name)), ['lowest-0', 'lowest-1'], 'the higher-priority pods are reprieved first');
	t.is(eventsOf(cluster, 'low-0', 'Preempted').length, 0);
	cluster.advance(40_000);
	t.is((cluster.get('pod', 'urgent') as Pod).status!.phase, 'Running');
	t.truthy(cluster.get('pod', 'low-0'));
	t.truthy(cluster.get('pod', 'low-1'));
});

test('a pod whose preemptionPolicy is Never waits and preempts nothing', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply([priorityClass('polite', 1000, 'Never'), priorityClass('low', 10)]);
	fill(cluster, 'kubarium-worker', 'low', 2, '2', 'low');
	cluster.apply(pod('polite', '2', 'polite'));
	cluster.advance(60_000);
	const polite = cluster.get('pod', 'polite') as Pod;
	t.is(polite.spec!.preemptionPolicy, 'Never');
	t.is(polite.spec!.nodeName, undefined);
	t.is(polite.status!.nominatedNodeName, undefined);
	t.is(eventsOf(cluster, 'polite', 'FailedScheduling')[0]!.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
	t.true(['low-0', 'low-1'].every(name => !preemptedCondition(cluster, name) && (cluster.get('pod', name) as Pod).status!.phase === 'Running'));
});

test('pods of equal priority never preempt each other; a preemptor that would not fit even on an emptied node preempts nothing', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	cluster.apply([priorityClass('high', 1000), priorityClass('low', 10)]);
	fill(cluster, 'kubarium-worker', 'a', 2, '2', 'low');
	fill(cluster, 'kubarium-worker2', 'b', 2, '2', 'high');
	cluster.apply(pod('peer', '2', 'low'));
	cluster.advance(5000);
	t.is(eventsOf(cluster, 'peer', 'FailedScheduling')[0]!.message,
		'0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
	cluster.apply(pod('huge', '8', 'high'));
	cluster.advance(5000);
	t.is(eventsOf(cluster, 'huge', 'FailedScheduling')[0]!.message,
		'0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod.');
	cluster.apply(pod('tainted-out', '2', 'high', {nodeSelector: {disk: 'ssd'}}));
	cluster.advance(5000);
	t.is(eventsOf(cluster, 'tainted-out', 'FailedScheduling')[0]!.message,
		"0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.");
	t.is(['a-0', 'a-1', 'b-0', 'b-1'].filter(name => preemptedCondition(cluster, name)).length, 0);
});

test('the room preemption freed is kept for the preemptor: a pod of lower priority queued meanwhile does not take it', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply([priorityClass('high', 1000), priorityClass('low', 10)]);
	fill(cluster, 'kubarium-worker', 'low', 2, '2', 'low', {terminationGracePeriodSeconds: 0});
	cluster.apply(pod('urgent', '2', 'high'));
	cluster.advance(0);
	t.is((cluster.get('pod', 'urgent') as Pod).status!.nominatedNodeName, 'kubarium-worker');
	cluster.advance(200);
	t.is(cluster.get('pod', 'low-1'), undefined, 'the victim is gone at once');
	t.is((cluster.get('pod', 'urgent') as Pod).spec!.nodeName, undefined, 'the preemptor is still in its back-off');
	cluster.apply(pod('late', '2', 'low'));
	cluster.advance(0);
	t.is(nodeOf(cluster, 'late'), undefined, 'the freed cpu is counted for the nominated pod');
	t.regex(eventsOf(cluster, 'late', 'FailedScheduling')[0]!.message, /^0\/1 nodes are available: 1 Insufficient cpu\./);
	cluster.advance(2000);
	t.is(nodeOf(cluster, 'urgent'), 'kubarium-worker');
	t.is(nodeOf(cluster, 'late'), undefined);
});

test('preemption prefers a node where no victim\'s PodDisruptionBudget would be violated', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	cluster.apply([priorityClass('high', 1000), priorityClass('low', 10)]);
	// Filled last, the first node's victim would be the latest started, which the last tie-break prefers.
	fill(cluster, 'kubarium-worker2', 'free', 2, '2', 'low');
	fill(cluster, 'kubarium-worker', 'guarded', 2, '2', 'low');
	for (const name of ['guarded-0', 'guarded-1']) {
		const guarded = cluster.get('pod', name) as Pod;
		cluster.apply({...guarded, metadata: {...guarded.metadata, resourceVersion: '', labels: {app: 'guarded'}}});
	}
	cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'guarded'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'guarded'}}}});
	cluster.advance(5000);
	t.is((cluster.get('poddisruptionbudget', 'guarded') as {status: {disruptionsAllowed: number}}).status.disruptionsAllowed, 0);
	cluster.apply(pod('urgent', '2', 'high'));
	cluster.advance(0);
	t.is((cluster.get('pod', 'urgent') as Pod).status!.nominatedNodeName, 'kubarium-worker2');
	t.deepEqual(['guarded-0', 'guarded-1', 'free-0', 'free-1'].filter(name => preemptedCondition(cluster, name)), ['free-1']);
});

test('a cluster reloaded from its saved state mid-preemption goes on as its twin: the nominated pod keeps its room and binds there', t => {
	const run = (cluster: Cluster) => {
		cluster.apply([priorityClass('high', 1000), priorityClass('mid', 100), priorityClass('low', 10)]);
		fill(cluster, 'kubarium-worker', 'low', 2, '2', 'low');
		cluster.apply(pod('urgent', '2', 'high'));
		cluster.advance(0);
		cluster.apply(pod('later', '2', 'mid'));
		cluster.apply(pod('waiting', '1', 'low'));
		cluster.advance(300);
	};
	const twin = createCluster({seed: 5, nodes: 1});
	const reloaded = createCluster({seed: 5, nodes: 1});
	run(twin);
	run(reloaded);
	t.is((reloaded.get('pod', 'urgent') as Pod).status!.nominatedNodeName, 'kubarium-worker');
	reloaded.reloadParts();
	sameParts(t, reloaded, twin, 'at the reload');
	for (const cluster of [twin, reloaded]) cluster.advance(60_000);
	sameSimulation(t, reloaded, twin);
	sameParts(t, reloaded, twin, 'a minute later');
	t.is(nodeOf(reloaded, 'urgent'), 'kubarium-worker');
});
