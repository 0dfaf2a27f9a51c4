import test from 'ava';
import {renderApp} from '../actions/harness.js';

/** Index of each policy in the dialog; the select list moves with ↓ and selects with Enter. */
const policies: Array<['Background' | 'Foreground' | 'Orphan', number]> = [['Background', 0], ['Foreground', 1], ['Orphan', 2]];

for (const [policy, index] of policies) {
	test.serial(`ctrl-d deletes a deployment with the ${policy} policy`, async t => {
		const app = await renderApp({namespace: 'shop'});
		try {
			await app.advance(30_000);
			const deployment = app.cluster.get('Deployment', 'web', 'shop')!;
			const sets = app.cluster.list('ReplicaSet', {namespace: 'shop'}).filter(rs => rs.metadata.ownerReferences?.some(r => r.uid === deployment.metadata.uid));
			t.is(sets.length, 1);
			await app.press(':', 'd', 'p', 'enter');
			await app.waitFor(f => /\bweb\b/.test(f), 'the deployments view');
			await app.press('/', 'w', 'e', 'b', 'enter', 'ctrl-d');
			await app.waitFor(f => f.includes('Propagation policy'), 'the delete dialog');
			t.true(app.frame().includes('Background') && app.frame().includes('Foreground') && app.frame().includes('Orphan'));
			for (let i = 0; i < index; i++) await app.press('down');
			await app.press('enter');
			await app.waitFor(f => f.includes(`deployment.apps/web deleted (${policy.toLowerCase()})`), 'the flash');
			if (policy !== 'Background') {
				const terminating = app.cluster.get('Deployment', 'web', 'shop');
				t.truthy(terminating?.metadata.deletionTimestamp, 'the owner waits for the garbage collector');
				t.true(terminating?.metadata.finalizers?.includes(policy === 'Foreground' ? 'foregroundDeletion' : 'orphan'));
			} else {
				t.is(app.cluster.get('Deployment', 'web', 'shop'), undefined);
			}
			await app.advance(60_000);
			t.is(app.cluster.get('Deployment', 'web', 'shop'), undefined);
			const rs = app.cluster.get('ReplicaSet', sets[0]!.metadata.name, 'shop');
			if (policy === 'Orphan') {
				t.truthy(rs, 'the ReplicaSet stays');
				t.deepEqual(rs?.metadata.ownerReferences ?? [], [], 'and loses its owner');
			} else {
				t.is(rs, undefined, 'the garbage collector removed the ReplicaSet');
			}
		} finally {
			await app.cleanup();
		}
	});
}

test.serial('Esc closes the delete dialog and deletes nothing', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.press(':', 'd', 'p', 'enter');
		await app.waitFor(f => /\bapi\b/.test(f), 'the deployments view');
		await app.press('/', 'a', 'p', 'i', 'enter', 'ctrl-d');
		await app.waitFor(f => f.includes('Propagation policy'), 'the delete dialog');
		await app.press('esc');
		await app.waitFor(f => !f.includes('Propagation policy'), 'the dialog to close');
		await app.advance(10_000);
		t.truthy(app.cluster.get('Deployment', 'api', 'shop'));
	} finally {
		await app.cleanup();
	}
});

test.serial('read-only mode removes delete, scale and edit from the keys', async t => {
	const app = await renderApp({namespace: 'shop', readonly: true});
	try {
		await app.press(':', 'd', 'p', 'enter');
		await app.waitFor(f => /\bweb\b/.test(f), 'the deployments view');
		await app.press('/', 'w', 'e', 'b', 'enter', 'ctrl-d', 's');
		await app.advance(1000);
		const frame = app.frame();
		t.false(frame.includes('Propagation policy'));
		t.false(frame.includes('Replicas:'));
		t.false(/<ctrl-d>|<s> Scale|<e> Edit/.test(frame));
		t.regex(frame, /<d> Describe/);
		t.truthy(app.cluster.get('Deployment', 'web', 'shop'));
	} finally {
		await app.cleanup();
	}
});
