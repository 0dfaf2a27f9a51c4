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

/**
 * Work made in steps (a snapshot in steps, a restore in slices), stepped
 * until done, stopping at every `every`-th question and running `between`
 * at each stop: what it made, and how many times it stopped.
 */
export function stepToEnd<T>(steps: {step(stop: () => boolean): T | undefined}, every: number, between: () => void = () => undefined): {made: T; stops: number} {
	let asked = 0;
	let stops = 0;
	for (;;) {
		const made = steps.step(() => ++asked % every === 0);
		if (made) return {made, stops};
		stops++;
		between();
	}
}
