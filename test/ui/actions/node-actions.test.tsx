import test from 'ava';
import {renderApp} from './harness.js';

async function selectNode(app: Awaited<ReturnType<typeof renderApp>>, name: string) {
	await app.press(':', 'n', 'o', 'enter');
	await app.waitFor(f => f.includes(name), 'the nodes view');
	// The first row is kubarium-worker (sorted by name); the filter narrows to the others.
	if (name !== 'kubarium-worker') await app.press('/', ...name, 'enter');
}

const ready = (app: Awaited<ReturnType<typeof renderApp>>, name: string) =>
	app.cluster.get('Node', name)!.status.conditions.find((c: {type: string}) => c.type === 'Ready')!.status;

test.serial('nodes: c cordons, u uncordons, r drains through its dialog', async t => {
	const app = await renderApp({namespace: 'all'});
	try {
		await app.advance(30_000);
		await selectNode(app, 'kubarium-worker');
		await app.press('c');
		await app.waitFor(f => f.includes('node/kubarium-worker cordoned'), 'the cordon flash');
		t.true(app.cluster.get('Node', 'kubarium-worker')!.spec.unschedulable);
		await app.press('u');
		await app.waitFor(f => f.includes('node/kubarium-worker uncordoned'), 'the uncordon flash');
		t.falsy(app.cluster.get('Node', 'kubarium-worker')!.spec.unschedulable);
		await app.press('r');
		await app.waitFor(f => f.includes('Cordon it, then evict its pods'), 'the drain dialog');
		await app.press('down', 'enter');
		await app.waitFor(f => /node\/kubarium-worker drained \(\d+ evicted, 2 DaemonSet pods ignored\)/.test(f), 'the drain flash');
		t.true(app.cluster.get('Node', 'kubarium-worker')!.spec.unschedulable);
		await app.advance(60_000);
		const left = app.cluster.list('Pod', {fieldSelector: 'spec.nodeName=kubarium-worker'})
			.filter(p => !p.metadata.ownerReferences?.some(r => r.kind === 'DaemonSet'));
		t.deepEqual(left.map(p => p.metadata.name), []);
	} finally {
		await app.cleanup();
	}
});

test.serial('nodes: ctrl-k asks before killing; No keeps it, Yes kills it; R restores it', async t => {
	const app = await renderApp({namespace: 'all'});
	try {
		await selectNode(app, 'kubarium-worker2');
		await app.press('ctrl-k');
		await app.waitFor(f => f.includes('Kill node kubarium-worker2?'), 'the confirm dialog');
		await app.press('esc');
		await app.waitFor(f => !f.includes('Kill node kubarium-worker2?'), 'the dialog to close');
		await app.advance(120_000);
		t.is(ready(app, 'kubarium-worker2'), 'True');
		await app.press('ctrl-k');
		await app.waitFor(f => f.includes('Kill node kubarium-worker2?'), 'the confirm dialog');
		await app.press('y');
		await app.waitFor(f => f.includes('node/kubarium-worker2 killed'), 'the kill flash');
		await app.advance(120_000);
		t.is(ready(app, 'kubarium-worker2'), 'Unknown');
		await app.press('shift-r');
		await app.waitFor(f => f.includes('node/kubarium-worker2 restored'), 'the restore flash');
		await app.advance(30_000);
		t.is(ready(app, 'kubarium-worker2'), 'True');
	} finally {
		await app.cleanup();
	}
});

test.serial('o on a pod shows its node', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await app.press(':', 'p', 'o', 'enter');
		await app.waitFor(f => /\bapi-/.test(f), 'the pods view');
		await app.press('/', ...'api-', 'enter');
		// The pod on the first row, the one `o` acts on.
		const filtered = await app.waitFor(f => /<\/api->/.test(f) && /\bapi-[a-z0-9]+-[a-z0-9]+\b/.test(f), 'the filtered pods');
		const name = /\b(api-[a-z0-9]+-[a-z0-9]+)\b/.exec(filtered)![1]!;
		const node = (app.cluster.get('Pod', name, 'shop') as {spec: {nodeName: string}}).spec.nodeName;
		await app.press('o');
		const frame = await app.waitFor(f => f.includes(`nodes[1] <metadata.name=${node}>`), 'the view of that pod\'s node');
		t.regex(frame, new RegExp(`^${node} +Ready `, 'm'));
	} finally {
		await app.cleanup();
	}
});
