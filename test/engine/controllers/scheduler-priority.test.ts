import test from 'ava';
import {createCluster, type Cluster} from '../../../source/engine/index.js';
import type {KubeEvent, Pod} from '../../../source/engine/index.js';

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
