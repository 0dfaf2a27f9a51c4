import test from 'ava';
import {renderApp} from '../actions/harness.js';

type Case = {name: string; view: string; filter: string; open: string[]; shows: string; then?: string[]};

/** Every kind of dialog, and every field of the delete dialog, with text typed where a field takes it. */
const cases: Case[] = [
	{name: 'the delete dialog, on its policy list', view: 'dp', filter: 'web', open: ['ctrl-d'], shows: 'Propagation:'},
	{name: 'the delete dialog, in its grace period field with text typed', view: 'dp', filter: 'web', open: ['ctrl-d'], shows: 'Propagation:', then: ['tab', '<', ')', 'v']},
	{name: 'the delete dialog, on its Force box', view: 'dp', filter: 'web', open: ['ctrl-d'], shows: 'Propagation:', then: ['tab', 'tab']},
	{name: 'the scale prompt with text typed', view: 'dp', filter: 'web', open: ['s'], shows: 'Scale', then: ['1', '2']},
	{name: 'a yes/no confirmation', view: 'no', filter: 'worker2', open: ['ctrl-k'], shows: 'Kill node'},
];

for (const {name, view, filter, open, shows, then = []} of cases) {
	test.serial(`Ctrl+C quits from ${name}`, async t => {
		const app = await renderApp({namespace: 'shop'});
		try {
			await app.press(':', ...view, 'enter');
			await app.waitFor(f => f.includes(filter), `the ${view} view`);
			await app.press('/', ...filter, 'enter', ...open);
			await app.waitFor(f => f.includes(shows), name);
			await app.press(...then);
			t.is(app.quits(), 0);
			await app.press('ctrl-c');
			t.is(app.quits(), 1, 'the app quit');
		} finally {
			await app.cleanup();
		}
	});
}

test.serial('Ctrl+C read with keys still waiting for a frame quits at once: the keys before it are dropped', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.waitFor(f => f.includes('Pods'), 'the home view');
		t.true(app.simulation.paused);
		// One read, as a paste or a burst of typing comes: `:resume⏎` would wait for a frame after `:`, Ctrl+C does not.
		await app.press(':resume\r\x03');
		t.is(app.quits(), 1, 'the app quit');
		t.true(app.simulation.paused, ':resume was not run first');
	} finally {
		await app.cleanup();
	}
});
