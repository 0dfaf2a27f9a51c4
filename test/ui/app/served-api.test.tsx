import test from 'ava';
import {startDashboard} from '../harness.js';

test.serial('the API served beside the dashboard: its address in the header, and how to reach it in the flash', async t => {
	const app = await startDashboard({size: {columns: 120, rows: 40}, api: {url: 'https://127.0.0.1:6443', kubeconfig: '/home/me/.config/kubarium/kubeconfig'}});
	try {
		const frame = await app.waitFor(f => f.includes('Kubernetes API at https://127.0.0.1:6443: export KUBECONFIG=/home/me/.config/kubarium/kubeconfig'), 'the flash');
		t.regex(frame, /Cluster: kubarium 127\.0\.0\.1:6443\s/);
	} finally {
		await app.unmount();
	}
});

test.serial('an API that could not start: the reason as an error flash, and no address in the header', async t => {
	const app = await startDashboard({size: {columns: 120, rows: 40}, api: {error: 'the API could not start: port 7000 on 127.0.0.1 is in use (try --api-port 0 for a free one)'}});
	try {
		const frame = await app.waitFor(f => f.includes('port 7000 on 127.0.0.1 is in use'), 'the error flash');
		t.regex(frame, /Cluster: kubarium\s{2,}/);
		t.false(frame.includes('127.0.0.1:'), 'no address in the header');
	} finally {
		await app.unmount();
	}
});

test.serial('without an API the header names the cluster alone', async t => {
	const app = await startDashboard({size: {columns: 120, rows: 40}});
	try {
		t.regex(app.frame(), /Cluster: kubarium\s{2,}/);
	} finally {
		await app.unmount();
	}
});
