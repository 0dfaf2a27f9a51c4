import type {ExecutionContext} from 'ava';
import type {Cluster, ClusterSnapshot} from '../../source/engine/index.js';

/** A cluster's whole simulation as its snapshot, sent through JSON. */
export function state(cluster: Cluster): ClusterSnapshot {
	return JSON.parse(JSON.stringify(cluster.snapshot())) as ClusterSnapshot;
}

/**
 * Two clusters ran the same: the same objects (events included), volume
 * files and database rows, clock and pending timers, generator state, and
 * journal. Their options and bases may differ (one restored from objects).
 */
export function sameSimulation(t: ExecutionContext, actual: Cluster, expected: Cluster): ClusterSnapshot {
	const a = state(expected);
	const b = state(actual);
	t.deepEqual(b.store, a.store);
	t.deepEqual(b.volumes, a.volumes);
	t.deepEqual(b.clock, a.clock);
	t.deepEqual(b.random, a.random);
	t.deepEqual(b.journal, a.journal);
	return a;
}
