/**
 * Every shipped scenario, through the engine's facade: the symptom shows
 * (with its status and event texts, as the file declares them), grading
 * fails before any fix, the reference solution passes and keeps passing
 * for 30 simulated seconds, and a plausible wrong fix fails.
 */
import test from 'ava';
import {loadScenarios} from '../../source/practice/scenario.js';
import {runSteps} from '../../source/practice/steps.js';

const required = [
	'image-tag-typo', 'configmap-key-missing', 'secret-missing', 'crashloop-bad-command', 'oom-killed', 'readiness-probe-wrong-port',
	'liveness-probe-wrong-path', 'service-selector-mismatch', 'service-targetport-wrong', 'insufficient-cpu', 'untolerated-taint',
	'node-selector-no-match', 'pvc-no-storageclass', 'pvc-wrong-storageclass', 'pvc-access-mode-mismatch', 'node-not-ready',
	'rollout-progress-deadline', 'statefulset-stuck-ordinal', 'job-backoff-limit', 'cronjob-forbid-stuck', 'namespace-stuck-terminating',
	'init-container-waiting', 'rwo-multi-attach', 'volume-pinned-to-lost-node', 'quota-exceeded', 'pdb-blocks-drain',
];

const scenarios = loadScenarios();

test('the catalogue holds the required scenarios, each id once', t => {
	const ids = scenarios.map(s => s.id);
	t.deepEqual([...new Set(ids)].length, ids.length);
	for (const id of required) t.true(ids.includes(id), `scenario ${id}`);
});

for (const scenario of scenarios) {
	test(`${scenario.id}: symptom, no pass before the fix, the solution passes, the wrong fix fails`, t => {
		const cluster = scenario.create({seed: 7});
		const symptom = scenario.symptom(cluster);
		for (const check of symptom.checks) t.true(check.passed, `symptom: ${check.name}: ${check.detail}`);
		t.true(scenario.spec.symptom.some(c => 'event' in c || 'field' in c), 'the symptom names a status or an event');

		const before = scenario.grade(cluster);
		t.false(before.passed, 'grading fails before any fix');
		t.true(before.checks.some(c => !c.passed));

		scenario.solve(cluster);
		let waited = 0;
		while (!scenario.grade(cluster).passed && waited < 15 * 60_000) {
			cluster.advance(5000);
			waited += 5000;
		}
		const after = scenario.grade(cluster);
		t.true(after.passed, `the reference solution passes: ${after.checks.filter(c => !c.passed).map(c => `${c.name}: ${c.detail}`).join('; ')}`);
		for (let i = 0; i < 6; i++) {
			cluster.advance(5000);
			t.true(scenario.grade(cluster).passed, `still passing ${(i + 1) * 5}s later`);
		}

		t.true(scenario.spec.wrongFix.length > 0, 'the file names a wrong fix');
		const wrong = scenario.create({seed: 7});
		runSteps(wrong, scenario.spec.wrongFix, scenario.namespace);
		wrong.advance(3 * 60_000);
		t.false(scenario.grade(wrong).passed, 'the wrong fix does not pass');
	});
}
