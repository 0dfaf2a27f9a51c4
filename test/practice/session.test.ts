/**
 * The practice session's rules on virtual time: hints are counted and run
 * out, the timer is the simulated clock, and a run is solved only after
 * every check has kept passing for 30 simulated seconds; a relapse resets
 * the streak.
 */
import test from 'ava';
import {findScenario, PracticeSession, solvedAfterMs, scenarios, formatElapsed} from '../../source/practice/index.js';

test('the library lists the scenarios with their id, title, category, difficulty, goal and hints', t => {
	t.true(scenarios.length >= 24);
	for (const s of scenarios) {
		t.truthy(s.id && s.title && s.category && s.difficulty && s.goal);
		t.true(s.hints.length >= 1 && s.hints.length <= 3, s.id);
		t.is(typeof s.create, 'function');
		t.is(typeof s.grade, 'function');
	}
});

test('hints come one at a time, each counted, up to the last', t => {
	const scenario = findScenario('image-tag-typo');
	const session = new PracticeSession(scenario, scenario.create());
	t.is(session.hintsUsed, 0);
	const first = session.nextHint();
	t.deepEqual(first, {number: 1, of: 3, text: scenario.hints[0]!});
	session.nextHint();
	session.nextHint();
	t.is(session.nextHint(), undefined);
	t.is(session.hintsUsed, 3);
	t.deepEqual(session.hintsShown(), scenario.hints);
});

test('solved only after 30 simulated seconds of passing checks, with the time taken and the hints used', t => {
	const scenario = findScenario('image-tag-typo');
	const cluster = scenario.create();
	const session = new PracticeSession(scenario, cluster);
	const solved: unknown[] = [];
	session.onSolved(run => solved.push(run));
	session.nextHint();
	cluster.advance(60_000);
	session.observe();
	t.is(session.state, 'working');
	t.is(session.elapsedMs(), 60_000);
	cluster.setImage('Deployment', 'web', 'web', 'nginx:1.27', {namespace: 'shop'});
	let passingAt: number | undefined;
	for (let i = 0; i < 60 && session.state !== 'solved'; i++) {
		cluster.advance(1000);
		session.observe();
		if (session.state === 'verifying') passingAt ??= cluster.now();
	}
	t.is(session.state, 'solved');
	t.truthy(passingAt);
	t.true(cluster.now() - passingAt! >= solvedAfterMs - 5000, 'it kept passing for the 30 seconds');
	t.is(solved.length, 1);
	const run = session.solved!;
	t.is(run.hintsUsed, 1);
	t.true(run.elapsedMs > 60_000 && run.elapsedMs < 120_000, formatElapsed(run.elapsedMs));
	const frozen = session.elapsedMs();
	cluster.advance(60_000);
	t.is(session.elapsedMs(), frozen, 'the timer stops once solved');
});

test('a fix that relapses within 30 seconds does not count', t => {
	const scenario = findScenario('image-tag-typo');
	const cluster = scenario.create();
	const session = new PracticeSession(scenario, cluster);
	cluster.setImage('Deployment', 'web', 'web', 'nginx:1.27', {namespace: 'shop'});
	while (session.state !== 'verifying') {
		cluster.advance(1000);
		session.observe();
	}
	// Broken again before the 30 seconds are up: the streak ends.
	cluster.setImage('Deployment', 'web', 'web', 'nginx:1.277', {namespace: 'shop'});
	cluster.scale('Deployment', 'web', 0, {namespace: 'shop'});
	for (let i = 0; i < 40; i++) {
		cluster.advance(1000);
		session.observe();
	}
	t.not(session.state, 'solved');
	t.is(session.state as string, 'working');
	t.false(session.check().passed);
});
