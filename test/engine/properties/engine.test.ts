import test from 'ava';
import fc from 'fast-check';
import {determinismProperty, engineProperty} from '../../../fuzz/engine/scenario.js';

/**
 * Random sequences over the whole public API, with a fixed seed so the run is
 * the same every time; `npm run fuzz` runs the same property for longer.
 * On failure the message holds the shrunk program of calls and what broke.
 */
test('random calls: failures are documented KubeErrors that change nothing, no controller fails, and the settled cluster keeps Kubernetes\' guarantees', t => {
	fc.assert(engineProperty({maxCalls: 25}), {seed: 19, numRuns: 40});
	t.pass();
});

test('virtual time is deterministic: the same seed and calls give identical store contents', t => {
	fc.assert(determinismProperty({maxCalls: 10}), {seed: 7, numRuns: 15});
	t.pass();
});
