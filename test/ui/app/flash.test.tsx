import test from 'ava';
import {renderApp} from '../actions/harness.js';

test.serial('read-only mode: a dangerous key flashes that the dashboard is read-only and changes nothing', async t => {
	const app = await renderApp({namespace: 'shop', readonly: true});
	try {
		await app.advance(30_000);
		await app.press(':', 'd', 'p', 'enter');
		await app.waitFor(f => /\bweb\b/.test(f), 'the deployments view');
		await app.press('/', ...'web', 'enter');
		const before = app.cluster.get('Deployment', 'web', 'shop')!.metadata.resourceVersion;
		await app.press('ctrl-d');
		await app.waitFor(f => f.includes('Delete: not allowed, the dashboard is read-only (--readonly)'), 'the read-only flash for delete');
		t.false(app.frame().includes('Propagation'));
		await app.press('r');
		await app.waitFor(f => f.includes('Restart: not allowed, the dashboard is read-only'), 'the read-only flash for restart');
		t.false(app.frame().includes('Restart deployment.apps/web?'));
		await app.press('h');
		await app.waitFor(f => f.includes('CHANGE-CAUSE'), 'the history, which only reads');
		await app.press('enter');
		await app.waitFor(f => f.includes('Roll back to revision: not allowed, the dashboard is read-only'), 'the read-only flash in the history');
		t.is(app.cluster.get('Deployment', 'web', 'shop')!.metadata.resourceVersion, before);
	} finally {
		await app.cleanup();
	}
});

test.serial('a flash clears when the view changes: a new page, going back, a dialog', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await app.press(':', 'd', 'p', 'enter');
		await app.waitFor(f => /\bweb\b/.test(f), 'the deployments view');
		await app.press('/', ...'web', 'enter');
		await app.press(':', ...'pause', 'enter');
		await app.waitFor(f => f.includes('Simulation paused'));
		await app.press('d');
		let frame = await app.waitFor(f => f.includes('describe deployment'), 'the describe page');
		t.false(frame.includes('Simulation paused'), 'a new page clears it');
		await app.press(':', ...'pause', 'enter');
		await app.waitFor(f => f.includes('Simulation paused'));
		await app.press('esc');
		await app.waitFor(f => !f.includes('describe deployment') && !f.includes('Simulation paused'), 'back, without the flash');
		await app.press(':', ...'pause', 'enter');
		await app.waitFor(f => f.includes('Simulation paused'));
		await app.press('s');
		frame = await app.waitFor(f => f.includes('Replicas:'), 'the scale dialog');
		t.false(frame.includes('Simulation paused'), 'a dialog clears it');
		await app.press('esc');
		// A warning said while opening a view stays with the view it belongs to.
		await app.press(':', ...'no shop', 'enter');
		await app.waitFor(f => f.includes('nodes are not namespaced'), 'the warning on the new view');
	} finally {
		await app.cleanup();
	}
});
