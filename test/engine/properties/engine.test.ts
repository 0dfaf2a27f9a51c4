import test from 'ava';
import fc from 'fast-check';
import {checkEngine, determinismProperty} from '../../../fuzz/engine/scenario.js';

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
