import test from 'ava';
import {act} from 'react';
import {renderApp} from '../actions/harness.js';
import {xrayPage} from '../../../source/ui/xray/xray-page.js';

test.serial(':xray deploy draws Deployment → ReplicaSet → pods → containers with refs and marks; actions work on the node', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await app.press(':', ...'xray deploy', 'enter');
		const frame = await app.waitFor(f => f.includes('deployment/web'), 'the xray tree');
		t.regex(frame, /namespace\/shop/);
		t.regex(frame, /├─ [✔◐✘] deployment\/api|└─ [✔◐✘] deployment\/api/);
		t.regex(frame, /[├└]─ ✔ replicaset\/web-[a-z0-9]+\s+3\/3 rev 1/);
		t.regex(frame, /[├└]─ ✔ pod\/web-[a-z0-9]+-[a-z0-9]+\s+Running 1\/1/);
		t.regex(frame, /[├└]─ ✔ nginx\s+nginx:1\.25 Ready/);
		t.regex(frame, /[├└]─ ✔ configmap\/web-config/);
		t.regex(frame, /[├└]─ ✔ secret\/db-credentials/);
		t.regex(frame, /✘ deployment\/worker/);
		// The cursor starts on the namespace; move to the first deployment and describe it.
		await app.press('j', 'd');
		await app.waitFor(f => /Name:\s+api/.test(f), 'describe of the node under the cursor');
		await app.press('esc', 'enter');
		await app.waitFor(f => f.includes('⊕ deployment/api') && !/replicaset\/api-/.test(f), 'the branch folded');
	} finally {
		await app.cleanup();
	}
});

test.serial(':xray with a bad resource or namespace flashes an error', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.press(':', ...'xray cm', 'enter');
		await app.waitFor(f => f.includes('Unsupported xray resource "cm": use deploy, sts, svc, po, rs, ds, ing or netpol'), 'the error');
		await app.press(':', ...'xray po nowhere', 'enter');
		await app.waitFor(f => f.includes('namespaces "nowhere" not found'), 'the namespace error');
		t.pass();
	} finally {
		await app.cleanup();
	}
});

test.serial(':xray sts shows the StatefulSet pods and their claims', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(60_000);
		await app.press(':', ...'xray sts', 'enter');
		const frame = await app.waitFor(f => f.includes('statefulset/db'), 'the xray tree');
		t.regex(frame, /pod\/db-0/);
		t.regex(frame, /persistentvolumeclaim\/data-db-0\s+Bound pvc-/);
	} finally {
		await app.cleanup();
	}
});

test.serial('a tree built over many turns: the page says it is reading, then draws the tree; a change keeps the last tree on screen until the next is built, and keys work meanwhile', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		// One step a turn: the shop's tree takes dozens of turns between keys and frames.
		await act(async () => app.api.pushPage(xrayPage('Deployment', 'shop', {stepsPerTurn: 1})));
		t.regex(app.frame(), /Reading the Deployment tree…/);
		t.notRegex(app.frame(), /deployment\/web/);
		await app.waitFor(f => /deployment\/api\s+2\/2/.test(f), 'the whole tree');
		app.cluster.scale('Deployment', 'api', 1, {namespace: 'shop'});
		await app.advance(10_000);
		t.regex(app.frame(), /deployment\/api\s+2\/2/, 'the last whole tree stays while the next is built');
		await app.press('j', 'd');
		await app.waitFor(f => /Name:\s+api/.test(f), 'describe of the node under the cursor, read while the tree was being built');
		await app.press('esc');
		await app.waitFor(f => /deployment\/api\s+1\/1/.test(f), 'the tree after the scale');
	} finally {
		await app.cleanup();
	}
});
