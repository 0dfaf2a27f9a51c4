import test from 'ava';
import {renderApp} from '../actions/harness.js';
import {kubectlGrace} from '../../../source/ui/dialogs/delete-dialog.js';

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
			await app.waitFor(f => f.includes('Propagation:'), 'the delete dialog');
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
		await app.waitFor(f => f.includes('Propagation:'), 'the delete dialog');
		await app.press('esc');
		await app.waitFor(f => !f.includes('Propagation:'), 'the dialog to close');
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
		t.false(frame.includes('Propagation:'));
		t.false(frame.includes('Replicas:'));
		t.false(/<ctrl-d>|<s> Scale|<e> Edit/.test(frame));
		t.regex(frame, /<d> Describe/);
		t.truthy(app.cluster.get('Deployment', 'web', 'shop'));
	} finally {
		await app.cleanup();
	}
});

async function openPodDelete(app: Awaited<ReturnType<typeof renderApp>>) {
	await app.advance(30_000);
	const pod = app.cluster.list('Pod', {namespace: 'shop', labelSelector: 'app=web'})[0]!;
	await app.press(':', 'p', 'o', 'enter');
	await app.waitFor(f => f.includes(pod.metadata.name), 'the pods view');
	await app.press('/', ...pod.metadata.name, 'enter', 'ctrl-d');
	await app.waitFor(f => f.includes('Propagation:') && f.includes('Grace period:') && f.includes('Force:'), 'the delete dialog');
	return pod;
}

test.serial('the delete dialog sends the grace period typed in it', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		const pod = await openPodDelete(app);
		t.regex(app.frame(), /Grace period:\s+-1\s+seconds; -1 = the object's own \(30s\), 0 needs Force/);
		t.regex(app.frame(), /Force:\s+\[ \]/);
		await app.press('tab', 'ctrl-u', '5', 'enter');
		await app.waitFor(f => f.includes(`pod/${pod.metadata.name} deleted (background, grace 5s)`), 'the flash');
		const terminating = app.cluster.get('Pod', pod.metadata.name, 'shop')!;
		t.is(terminating.metadata.deletionGracePeriodSeconds, 5);
		await app.advance(10_000);
		t.is(app.cluster.get('Pod', pod.metadata.name, 'shop'), undefined);
	} finally {
		await app.cleanup();
	}
});

test.serial('Force deletes a pod at once (grace 0), as kubectl delete --force', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		const pod = await openPodDelete(app);
		await app.press('shift-tab', 'space');
		await app.waitFor(f => /Force:\s+\[x\]/.test(f), 'Force ticked');
		await app.press('enter');
		await app.waitFor(f => f.includes(`pod/${pod.metadata.name} force deleted (background, grace 0s)`), 'the flash');
		t.is(app.cluster.get('Pod', pod.metadata.name, 'shop'), undefined);
	} finally {
		await app.cleanup();
	}
});

test.serial('a grace period that is not a number keeps the dialog open with kubectl\'s message', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		const pod = await openPodDelete(app);
		await app.press('tab', 'ctrl-u', ...'soon', 'enter');
		await app.waitFor(f => f.includes('invalid argument "soon" for "--grace-period" flag'), 'the error');
		t.true(app.frame().includes('Propagation:'));
		t.is(app.cluster.get('Pod', pod.metadata.name, 'shop')?.metadata.deletionTimestamp, undefined);
		await app.press('esc');
		await app.waitFor(f => !f.includes('Propagation:'), 'the dialog to close');
		t.truthy(app.cluster.get('Pod', pod.metadata.name, 'shop'));
	} finally {
		await app.cleanup();
	}
});

test('kubectlGrace: -1 is the object\'s own, 0 needs --force (else 1), --force alone is 0', t => {
	const table: Array<[string, boolean, number | undefined]> = [
		['', false, undefined], ['-1', false, undefined], ['-1', true, 0], ['', true, 0],
		['0', false, 1], ['0', true, 0], ['5', false, 5], ['5', true, 5], [' 12 ', false, 12],
	];
	for (const [text, force, grace] of table) t.is(kubectlGrace(text, force), grace, `${JSON.stringify(text)} force=${force}`);
	t.throws(() => kubectlGrace('1.5', false), {message: 'invalid argument "1.5" for "--grace-period" flag: strconv.ParseInt: parsing "1.5": invalid syntax'});
});
