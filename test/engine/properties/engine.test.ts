import test from 'ava';
import fc from 'fast-check';
import {checkEngine, determinismProperty, runScenario} from '../../../fuzz/engine/scenario.js';
import type {Scenario} from '../../../fuzz/engine/calls.js';

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

test('a drain refused for a DaemonSet pod leaves the node cordoned, as kubectl does, and that is the only write the checker allows it', t => {
	const daemonSet = {apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: 'a', namespace: 'default'}, spec: {selector: {matchLabels: {app: 'a'}}, template: {metadata: {labels: {app: 'a'}}, spec: {containers: [{name: 'main', image: 'nginx:1.21'}]}}}};
	const outcome = runScenario({seed: 1, nodes: 1, calls: [
		{op: 'apply', manifests: [daemonSet]},
		{op: 'advance', ms: 30_000},
		{op: 'drain', node: 'kubarium-worker', force: false, ignoreDaemonSets: false, deleteEmptyDirData: false},
	]} as Scenario, {skipGuarantees: true});
	t.deepEqual(outcome.violations, []);
	t.true(outcome.program.some(line => line.includes('BadRequest: unable to drain node "kubarium-worker"')), outcome.program.join('\n'));
});
