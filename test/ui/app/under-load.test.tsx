/**
 * Never frozen: while the cluster works through a scale to 99,999 the
 * engine runs in short slices, the header says how far behind the chosen
 * speed it is, and keys keep being handled between slices.
 */
import test from 'ava';
import '../../../source/ui/extensions.js';
import {startDashboard} from '../harness.js';
import {speedText} from '../../../source/ui/app/app-container.js';

test('the speed reads x60, paused, and how far behind the cluster is once it lags by a second', t => {
	t.is(speedText(false, 60, 0), 'x60');
	t.is(speedText(false, 60, 999), 'x60');
	t.is(speedText(false, 60, 12_000), 'x60 (behind 12s)');
	t.is(speedText(false, 1, 200_000), 'x1 (behind 3m20s)');
	t.is(speedText(true, 1, 5000), 'paused (behind 5s)');
});

test('scaling to 99999: ticks run short engine slices, the header shows the lag, and keys still open views', async t => {
	let wall = 0;
	const dash = await startDashboard({size: {columns: 120, rows: 40}, simulation: {speed: 1, sliceMs: 5, wallNow: () => wall}});
	try {
		const shopPods = dash.cluster.list('pod', {namespace: 'shop'}).length;
		await dash.press(':', ...'deploy shop', 'enter');
		await dash.waitFor(frame => frame.includes('deployments(shop)'), 'the deployments view');
		await dash.press('/', ...'web', 'enter');
		await dash.press('s');
		await dash.waitFor(frame => frame.includes('Replicas:'), 'the scale dialog');
		await dash.press('ctrl-u', ...'99999', 'enter');
		t.is((dash.cluster.get('deployment', 'web', 'shop') as {spec: {replicas: number}}).spec.replicas, 99_999);
		for (let i = 0; i < 5; i++) {
			wall += 1000;
			await dash.tick();
		}
		t.true(dash.simulation.behindMs >= 1000, `behind by ${dash.simulation.behindMs} ms`);
		await dash.waitFor(frame => /Clock:.*x1 \(behind \d+s\)/.test(frame), 'the lag in the header');
		// Keys between slices: views open while the cluster is still far behind.
		await dash.press(':', ...'ns', 'enter');
		await dash.waitFor(frame => frame.includes('namespaces['), 'the namespaces view');
		wall += 1000;
		await dash.tick();
		await dash.press(':', ...'po shop', 'enter');
		await dash.waitFor(frame => /pods\(shop\)\[\d+\]/.test(frame), 'the pods view');
		t.true(dash.simulation.behindMs > 0, 'still behind: the keys did not wait for the cluster to catch up');
		const pods = Number(/pods\(shop\)\[(\d+)\]/.exec(dash.frame())![1]);
		// More than the demo's own pods in shop (the ReplicaSet creates 20 a second after a burst of 30), and far from done.
		t.true(pods > shopPods && pods < 99_999, `${pods} pods so far, ${shopPods} before`);
	} finally {
		await dash.unmount();
	}
});
