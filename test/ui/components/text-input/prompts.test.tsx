/** Every prompt of the dashboard is the one text input: readline keys and a paste (text and Enter in one read) work in each. */
import test from 'ava';
import {createCluster} from '../../../../source/engine/index.js';
import {renderApp} from '../../actions/harness.js';

async function openShell(app: Awaited<ReturnType<typeof renderApp>>) {
	await app.advance(30_000);
	await app.press(':', 'p', 'o', 'enter');
	await app.waitFor(f => f.includes('web-'), 'the pods view');
	await app.press('/', ...'web', 'enter', 's');
	await app.waitFor(f => /@web-[a-z0-9-]+:\/#/.test(f), 'the shell prompt');
}

test.serial('exec shell: a pasted line runs; Ctrl+C prints ^C and a new prompt instead of quitting; Ctrl+D leaves', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await openShell(app);
		await app.press('echo pasted-line\r');
		await app.waitFor(f => /^\s*pasted-line\s*$/m.test(f), 'the pasted command ran');
		await app.press(...'sleep 10', 'ctrl-c');
		const frame = await app.waitFor(f => f.includes('sleep 10^C'), 'the interrupted line');
		t.regex(frame, /:\/#\s*$/m, 'a new, empty prompt');
		await app.press(...'ab', 'ctrl-a', 'ctrl-d');
		await app.waitFor(f => /:\/# b/.test(f), 'Ctrl+D deletes forward on a non-empty line');
		await app.press('ctrl-k', 'ctrl-d');
		await app.waitFor(f => !/@web-[a-z0-9-]+:\/#/.test(f), 'Ctrl+D on an empty line leaves the shell');
		t.pass();
	} finally {
		await app.cleanup();
	}
});

test.serial('exec shell: readline keys edit the line; Up recalls the last command', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await openShell(app);
		await app.press(...'echo world', 'ctrl-a', 'alt-f', ...' hello', 'enter');
		await app.waitFor(f => /^\s*hello world\s*$/m.test(f), 'the edited line ran');
		await app.press('up');
		await app.waitFor(f => /:\/# echo hello world/.test(f), 'the history');
		await app.press('ctrl-w', 'enter');
		await app.waitFor(f => /^\s*hello\s*$/m.test(f), 'Ctrl+W deleted one word');
		t.pass();
	} finally {
		await app.cleanup();
	}
});

test.serial('describe search: a pasted query with Enter searches, and the next keys are keys again', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await app.press(':', ...'deploy', 'enter');
		await app.waitFor(f => /\bweb\b/.test(f), 'the deployments view');
		await app.press('/', ...'web', 'enter', 'd');
		await app.waitFor(f => f.includes('Replicas:'), 'describe');
		await app.press('/');
		await app.press('Replicas\r');
		await app.waitFor(f => /\/Replicas \(\d+ matches\)/.test(f), 'the search status');
		await app.press('esc');
		await app.waitFor(f => !/\/Replicas \(/.test(f), 'Esc clears the search');
		t.pass();
	} finally {
		await app.cleanup();
	}
});

test.serial('the : prompt: Ctrl+W deletes one word, Ctrl+A and Left move the cursor', async t => {
	const app = await renderApp({namespace: 'shop', cluster: createCluster({seed: 1, demo: true})});
	try {
		await app.press(':', ...'po kube-system', 'ctrl-w');
		await app.waitFor(f => /:> po \s*$/m.test(f) || f.includes(':> po '), 'one word deleted');
		await app.press('ctrl-u', ...'oo', 'ctrl-a', 'delete', 'end', 'left', 'x', 'home');
		await app.waitFor(f => f.includes(':> xo'), 'edited at the cursor');
		await app.press('ctrl-k', ...'svc', 'enter');
		await app.waitFor(f => f.includes('services('), 'the services view');
		t.pass();
	} finally {
		await app.cleanup();
	}
});

test.serial('scale prompt: Ctrl+U, Ctrl+W, Ctrl+A and Ctrl+E edit instead of typing letters', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await app.press(':', ...'deploy', 'enter');
		await app.waitFor(f => /\bweb\b/.test(f), 'the deployments view');
		await app.press('/', ...'web', 'enter', 's');
		await app.waitFor(f => f.includes('Replicas:'), 'the scale prompt');
		await app.press('ctrl-u', '9', 'ctrl-a', '1', 'ctrl-e', 'ctrl-w', '3', 'enter');
		await app.waitFor(f => f.includes('deployment.apps/web scaled to 3'), 'the flash');
		t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.replicas, 3);
	} finally {
		await app.cleanup();
	}
});
