/** The task panel's lines, without a terminal: words wrap whole, and the title and commands stay when rows are short. */
import test from 'ava';
import {findScenario, PracticeSession} from '../../../source/practice/index.js';
import {fitLines, taskPanelLines, wrapWords} from '../../../source/ui/practice/task-panel.js';

test('words wrap whole; a word longer than the line is cut', t => {
	t.deepEqual(wrapWords('Get the web Deployment serving again', 16), ['Get the web', 'Deployment', 'serving again']);
	t.deepEqual(wrapWords('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
});

test('the panel: title with timer and hints, the goal, the last hint, the check lines, the commands', t => {
	const scenario = findScenario('image-tag-typo');
	const session = new PracticeSession(scenario, scenario.create());
	session.nextHint();
	t.false(taskPanelLines(session, {}, 100, session.cluster.now()).some(l => l.tone === 'fail'), 'no checks listed before :check');
	session.check();
	const lines = taskPanelLines(session, {checked: true}, 100, session.cluster.now() + 65_000);
	t.is(lines[0]!.text, 'Practice image-tag-typo (easy, workloads)  ⏱ 1m05s  hints 1/3  broken');
	t.true(lines[1]!.text.startsWith('Goal: Since this morning'));
	t.true(lines.some(l => l.text.startsWith('Hint 1/3: ') && l.tone === 'hint'));
	t.deepEqual(lines.filter(l => l.tone === 'fail').length, 3);
	t.is(lines.at(-1)!.text, ':hint  :check  :reset  :solution  :next');
	const short = fitLines(lines, 3);
	t.deepEqual(short.map(l => l.tone), ['title', 'goal', 'muted']);
});
