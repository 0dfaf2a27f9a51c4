import test from 'ava';
import {renderApp} from '../actions/harness.js';

test.serial(':pulse shows counts and faults per kind and sparklines sampled on virtual time', async t => {
	const app = await renderApp({namespace: 'all'});
	try {
		await app.advance(30_000);
		await app.press(':', ...'pulse', 'enter');
		let frame = await app.waitFor(f => f.includes('Deployments'), 'the pulse view');
		const deployments = app.cluster.list('Deployment');
		const faulty = deployments.filter(d => (d.status?.availableReplicas ?? 0) < d.spec.replicas).length;
		t.regex(frame, new RegExp(`Deployments\\s+${deployments.length}\\s+${faulty > 0 ? `✘ ${faulty}` : '✔'}`));
		t.regex(frame, new RegExp(`Nodes\\s+3\\s+✔`));
		t.regex(frame, /CPU  .*[▁-█]/);
		t.regex(frame, /last 1 of 120/);
		for (let i = 0; i < 4; i++) await app.advance(5000);
		frame = await app.waitFor(f => /last 5 of 120/.test(f), 'more samples');
		t.regex(frame, /MEM  .*[▁-█]{5}/);
		// Enter opens the focused kind's view (Pods is first).
		await app.press('enter');
		await app.waitFor(f => /pods\(all\)\[\d+\]/.test(f), 'the pods view');
	} finally {
		await app.cleanup();
	}
});
