import test from 'ava';
import {renderApp} from './harness.js';

test.serial('s on a deployment opens the replicas prompt; a valid number scales it and new pods appear', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await app.press(':', 'd', 'e', 'p', 'l', 'o', 'y', 'enter');
		await app.waitFor(f => /web/.test(f) && /api/.test(f), 'the deployments view');
		await app.press('/', 'w', 'e', 'b', 'enter');
		await app.press('s');
		await app.waitFor(f => f.includes('Replicas:'), 'the scale prompt');
		await app.press('backspace', 'backspace', '5', 'enter');
		await app.waitFor(f => f.includes('scaled to 5'), 'the flash');
		t.is(app.cluster.get('Deployment', 'web', 'shop')?.spec.replicas, 5);
	} finally {
		await app.cleanup();
	}
});
