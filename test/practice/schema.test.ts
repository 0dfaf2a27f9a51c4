/**
 * The scenario file's schema: every problem names the file, the field and
 * what is allowed, and a file with any problem is refused whole.
 */
import test from 'ava';
import {parseScenario, scenarioFrom, ScenarioError} from '../../source/practice/index.js';

const valid = `
id: my-scenario
title: Mine
category: workloads
difficulty: easy
goal: The web pods do not start.
manifests: |
  apiVersion: v1
  kind: Pod
  metadata: {name: web, labels: {app: web}}
  spec:
    containers: [{name: web, image: "nginx:1.277"}]
setup:
  - advance: 30s
symptom:
  - check: the pod cannot pull
    kind: Pod
    name: web
    event: {reason: Failed}
hints: [Describe the pod.]
checks:
  - check: web runs
    kind: Pod
    name: web
    field: status.phase
    op: eq
    value: Running
solution:
  - text: Create the pod again with an image tag that exists.
    do:
      - delete: {kind: Pod, name: web}
      - advance: 40s
      - apply: |
          apiVersion: v1
          kind: Pod
          metadata: {name: web, labels: {app: web}}
          spec:
            containers: [{name: web, image: "nginx:1.27"}]
`;

function problems(text: string): string[] {
	try {
		parseScenario(text, 'my.yaml');
	} catch (error) {
		if (error instanceof ScenarioError) return error.problems;
		throw error;
	}
	return [];
}

test('a valid file parses, with the defaults filled in', t => {
	const spec = parseScenario(valid, 'my.yaml');
	t.is(spec.id, 'my-scenario');
	t.is(spec.namespace, 'default');
	t.deepEqual(spec.wrongFix, []);
});

test('each problem names the field and what is allowed; the message names the file', t => {
	const bad = valid
		.replace('category: workloads', 'category: cooking')
		.replace('op: eq', 'op: lt')
		.replace('- advance: 30s', '- advance: soon')
		.replace('hints: [Describe the pod.]', 'hints: []');
	t.deepEqual(problems(bad), [
		'category: must be one of workloads, configuration, scheduling, networking, storage, nodes, batch, namespaces, policy, security, got "cooking"',
		'setup[0].advance: must be a duration such as 30s, 5m or 1m30s, got "soon"',
		'hints: must hold one to three hints, got 0',
		'checks[0].op: must be one of eq, ne, contains, matches, gte, exists, absent, got "lt"',
	]);
	const error = t.throws(() => parseScenario(bad, 'my.yaml'), {instanceOf: ScenarioError})!;
	t.true(error.message.startsWith('my.yaml: 4 problems:'));
});

test('unknown fields and steps, bad field paths and a missing id are refused with the allowed names', t => {
	const bad = valid
		.replace('id: my-scenario\n', '')
		.replace('title: Mine', 'title: Mine\ncolour: red')
		.replace('- advance: 30s', '- reboot: now')
		.replace('field: status.phase', 'field: status..phase');
	const found = problems(bad);
	t.true(found.includes('id: is required: lower-case letters, digits and dashes (e.g. image-tag-typo)'), found.join('\n'));
	t.true(found.some(p => p.startsWith('colour: is not a field here; allowed: id, title, category')));
	t.true(found.includes('setup[0]: "reboot" is not a step; allowed: apply, advance, killNode, restoreNode, deleteNode, cordon, uncordon, drain, traffic, delete, scale, setImage, edit, rollback, trigger, expose, approve, exec'));
	t.true(found.some(p => p.startsWith('checks[0].field: field path "status..phase"')));
});

test('a file that is not YAML, or not a mapping, says so', t => {
	t.regex(problems('id: [unclosed')[0]!, /^not valid YAML: /);
	t.deepEqual(problems('- a\n- b\n'), ['the file must hold one YAML mapping with the fields id, title, category, difficulty, goal, namespace, cluster, manifests, setup, symptom, hints, checks, solution, wrongFix, got a list']);
});

test('a user scenario file runs: created broken, graded, fixed by its solution', t => {
	const scenario = scenarioFrom(parseScenario(valid, 'my.yaml'));
	const cluster = scenario.create();
	t.true(scenario.symptom(cluster).passed);
	t.false(scenario.grade(cluster).passed);
	scenario.solve(cluster);
	cluster.advance(60_000);
	t.true(scenario.grade(cluster).passed, JSON.stringify(scenario.grade(cluster)));
});

test('a setup whose symptom never shows is refused with what is missing', t => {
	const scenario = scenarioFrom(parseScenario(valid.replace('event: {reason: Failed}', 'event: {reason: Evicted}'), 'my.yaml'));
	const error = t.throws(() => scenario.create(), {instanceOf: ScenarioError})!;
	t.regex(error.message, /^my\.yaml: setup failed: the symptom did not show within 30 minutes: the pod cannot pull \(pod\/web: no Evicted event\)$/);
});

test('an access check names a user, a verb and a resource; allowed is true or false', t => {
	const bad = valid.replace(/checks:\n[\s\S]*?\nsolution:/, `checks:
  - check: ann may list pods
    access: {user: ann, verb: list, groups: dev, allowed: maybe, colour: red}
solution:`);
	t.deepEqual(problems(bad), [
		'checks[0].access.colour: is not a field here; allowed: user, groups, verb, resource, group, namespace, allowed',
		'checks[0].access.resource: is required: a resource such as pods',
		'checks[0].access.groups: must be a list of group names',
		'checks[0].access.allowed: must be true or false, got "maybe"',
	]);
});
