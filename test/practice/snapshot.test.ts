import test from 'ava';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {scenarios} from '../../source/practice/index.js';

/** Everything but the journal (the restored cluster's journal is checked by the engine's snapshot tests). */
function state(cluster: Cluster): string {
	return JSON.stringify({...cluster.snapshot(), journal: undefined});
}

test('every practice scenario\'s broken cluster restores where it stood: its looping containers, probes and retries go on, and the solution fixes both alike', t => {
	for (const scenario of scenarios) {
		const original = scenario.create({seed: 3});
		original.advance(20_000);
		const restored = createCluster({snapshot: JSON.parse(JSON.stringify(original.snapshot()))});
		t.true(state(restored) === state(original), `${scenario.id}: the restore`);
		original.advance(15_000);
		restored.advance(15_000);
		scenario.solve(original);
		scenario.solve(restored);
		original.advance(60_000);
		restored.advance(60_000);
		t.true(state(restored) === state(original), `${scenario.id}: after the solution`);
		t.deepEqual(scenario.grade(restored), scenario.grade(original), scenario.id);
	}
});
