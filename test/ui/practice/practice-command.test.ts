/** `kubarium practice` arguments and list, without a terminal. */
import test from 'ava';
import {loadScenarios} from '../../../source/practice/index.js';
import {FlagError} from '../../../source/ui/flags.js';
import {parsePracticeArgs, practiceListing, practiceScenario} from '../../../source/ui/practice/practice-command.js';

test('an id, --file, and the dashboard flags', t => {
	t.like(parsePracticeArgs(['image-tag-typo', '--seed', '4', '--config-dir', '/tmp/x']), {id: 'image-tag-typo', flags: {seed: 4, configDir: '/tmp/x'}});
	t.like(parsePracticeArgs(['--file', 'my.yaml', '--speed=10']), {file: 'my.yaml', flags: {speed: 10}});
	t.like(parsePracticeArgs(['image-tag-typo', '--api-port', '0']), {id: 'image-tag-typo', flags: {apiPort: 0}});
	t.like(parsePracticeArgs([]), {id: undefined, file: undefined, help: false});
	t.true(parsePracticeArgs(['--help']).help);
});

test('bad arguments are refused with what is wrong', t => {
	t.throws(() => parsePracticeArgs(['a', 'b']), {instanceOf: FlagError, message: 'Unexpected argument "b": kubarium practice takes one scenario id'});
	t.throws(() => parsePracticeArgs(['a', '--file', 'x.yaml']), {message: 'Give a scenario id or --file, not both'});
	t.throws(() => parsePracticeArgs(['--file']), {message: 'Flag --file needs a value: a scenario file (see kubarium practice --help)'});
	t.throws(() => parsePracticeArgs(['a', '--nodes', '5']), {message: 'Flag --nodes is not for practice: the scenario sets up its own cluster'});
	t.throws(() => parsePracticeArgs(['a', '--colour']), {message: 'Unknown flag --colour (see --help)'});
	t.throws(() => practiceScenario({id: 'nope', help: false, flags: {readonly: false, help: false, version: false}}, loadScenarios()), {message: /^no scenario "nope" \(run kubarium practice to list them; the ids are: configmap-key-missing, /});
	t.throws(() => practiceScenario({file: '/nonexistent/my.yaml', help: false, flags: {readonly: false, help: false, version: false}}, loadScenarios()), {message: '/nonexistent/my.yaml: cannot read the file: ENOENT'});
});

test('the list shows id, title, category, difficulty, status and best time', t => {
	const text = practiceListing(loadScenarios(), {'image-tag-typo': {status: 'solved', bestMs: 125_000, hints: 1}, 'oom-killed': {status: 'attempted'}});
	const lines = text.split('\n');
	t.regex(lines[0]!, /^ID\s+TITLE\s+CATEGORY\s+DIFFICULTY\s+STATUS\s+BEST$/);
	t.regex(text, /\nimage-tag-typo\s+The shop's web front end is down after an update\s+workloads\s+easy\s+solved\s+2m05s \(1 hint\)\n/);
	t.regex(text, /\noom-killed\s+.*\s+attempted\s+-\n/);
	t.regex(text, /\nsecret-missing\s+.*\s+new\s+-\n/);
	t.is(lines.at(-1), `1 of ${loadScenarios().length} solved. Open one with: kubarium practice ID`);
});

test('the preferences keep the best solve; a malformed practice record is refused with its field', async t => {
	const {mkdtempSync, writeFileSync} = await import('node:fs');
	const {tmpdir} = await import('node:os');
	const {join} = await import('node:path');
	const {Preferences} = await import('../../../source/ui/prefs.js');
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-prefs-'));
	const prefs = new Preferences(dir);
	t.deepEqual(prefs.recordPractice('oom-killed', {solved: false}), {status: 'attempted'});
	t.deepEqual(prefs.recordPractice('oom-killed', {solved: true, elapsedMs: 90_000, hints: 2}), {status: 'solved', bestMs: 90_000, hints: 2});
	t.deepEqual(prefs.recordPractice('oom-killed', {solved: true, elapsedMs: 120_000, hints: 0}), {status: 'solved', bestMs: 90_000, hints: 2}, 'a slower solve keeps the best');
	t.deepEqual(prefs.recordPractice('oom-killed', {solved: false}), {status: 'solved', bestMs: 90_000, hints: 2}, 'opening it again keeps it solved');
	t.deepEqual(new Preferences(dir).get().practice['oom-killed'], {status: 'solved', bestMs: 90_000, hints: 2});
	const bad = mkdtempSync(join(tmpdir(), 'kubarium-prefs-'));
	writeFileSync(join(bad, 'preferences.json'), JSON.stringify({practice: {'oom-killed': {status: 'done'}}}));
	t.regex(new Preferences(bad).warnings[0]!, /`practice\.oom-killed` must be \{status: attempted \| solved, bestMs\?, hints\?\}/);
});
