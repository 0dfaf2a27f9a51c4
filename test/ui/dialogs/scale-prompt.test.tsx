import test from 'ava';
import {renderApp} from '../actions/harness.js';

async function openScale(app: Awaited<ReturnType<typeof renderApp>>) {
	await app.advance(30_000);
	await app.press(':', 'd', 'e', 'p', 'l', 'o', 'y', 'enter');
	await app.waitFor(f => /\bweb\b/.test(f), 'the deployments view');
	await app.press('/', 'w', 'e', 'b', 'enter', 's');
	await app.waitFor(f => f.includes('Replicas:'), 'the scale prompt');
}

const invalid: Array<[string, string[], RegExp]> = [
	['not a number', ['x'], /invalid argument "\d+x" for "--replicas" flag/],
	['negative', ['backspace', 'backspace', '-', '3'], /Deployment\.apps "web" is invalid: spec\.replicas: Invalid value: -3: must be greater than or equal to 0/],
];

for (const [name, keys, message] of invalid) {
	test.serial(`scale prompt rejects ${name} input and changes nothing`, async t => {
		const app = await renderApp({namespace: 'shop'});
		try {
			await openScale(app);
			const before = app.cluster.get('Deployment', 'web', 'shop')!;
			await app.press(...keys, 'enter');
			const frame = await app.waitFor(f => message.test(f), 'the error');
			t.true(frame.includes('Replicas:'), 'the prompt stays open');
			const after = app.cluster.get('Deployment', 'web', 'shop')!;
			t.is(after.metadata.resourceVersion, before.metadata.resourceVersion);
			await app.press('esc');
			await app.waitFor(f => !f.includes('Replicas:'), 'the prompt to close');
			t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.replicas, before.spec.replicas);
		} finally {
			await app.cleanup();
		}
	});
}

test.serial('scale prompt: a valid number scales the deployment and its pods follow', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await openScale(app);
		await app.press('backspace', 'backspace', '4', 'enter');
		await app.waitFor(f => f.includes('deployment.apps/web scaled to 4'), 'the flash');
		t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.replicas, 4);
		await app.advance(30_000);
		const ready = app.cluster.list('Pod', {namespace: 'shop', labelSelector: 'app=web'}).filter(p => p.status?.phase === 'Running');
		t.is(ready.length, 4);
	} finally {
		await app.cleanup();
	}
});

test.serial('scale prompt: a number and Enter in one read (a paste, fast typing) submit the number', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await openScale(app);
		await app.press('backspace');
		await app.press('5\r');
		await app.waitFor(f => f.includes('deployment.apps/web scaled to 5'), 'the flash');
		t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.replicas, 5);
	} finally {
		await app.cleanup();
	}
});
