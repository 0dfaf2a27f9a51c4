import test from 'ava';
import {createCluster, type KubeObject} from '../../../source/engine/index.js';
import '../../../source/ui/extensions.js';
import {startDashboard} from '../harness.js';
import {podName, shownPods} from './big-pods.js';


test.serial('pods: a list of 5,000 pods scrolls by page, to the bottom and back, showing the right rows; a changed pod keeps its place', async t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	const store = cluster.context.store;
	// Created out of order: the view orders them by namespace/name.
	for (let k = 0; k < 5000; k++) {
		const i = (k * 7919) % 5000;
		store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: podName(i), namespace: 'bulk'}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	}
	const shell = await startDashboard({cluster, namespace: 'bulk', size: {columns: 120, rows: 30}});
	try {
		await shell.press(':', ...'po', 'enter');
		let frame = await shell.waitFor(f => f.includes('pods(bulk)[5000]'), 'the pods view');
		let shown = shownPods(frame);
		t.true(shown.length >= 15);
		t.deepEqual(shown, shown.map((_, i) => podName(i)), 'the first page, by name');
		const page = shown.length;
		// A page down moves the cursor by a page less one line: to the bottom row, then a page further.
		await shell.press('pgdn', 'pgdn');
		frame = await shell.waitFor(f => !shownPods(f).includes(podName(0)), 'the next page');
		shown = shownPods(frame);
		t.is(shown.at(-1), podName(2 * page - 2));
		t.deepEqual(shown, shown.map((_, i) => podName(page - 1 + i)));
		await shell.press('shift-g');
		frame = await shell.waitFor(f => shownPods(f).includes(podName(4999)), 'the bottom');
		shown = shownPods(frame);
		t.deepEqual(shown, shown.map((_, i) => podName(5000 - shown.length + i)), 'the last page');
		// A pod on screen changes: it keeps its place, the screen stays on it.
		store.patch(store.get('Pod', 'bulk', podName(4990))!, draft => void (draft.metadata.labels = {touched: 'yes'}));
		store.remove(store.get('Pod', 'bulk', podName(4980))!);
		await shell.advance(1000);
		frame = await shell.waitFor(f => f.includes('pods(bulk)[4999]'), 'one pod gone');
		shown = shownPods(frame);
		t.false(shown.includes(podName(4980)));
		t.is(shown.at(-1), podName(4999), 'the cursor stays on the last pod');
		t.deepEqual(shown.slice(-10), Array.from({length: 10}, (_, i) => podName(4990 + i)));
		await shell.press('g');
		frame = await shell.waitFor(f => shownPods(f).includes(podName(0)), 'the top');
		t.deepEqual(shownPods(frame).slice(0, 3), [podName(0), podName(1), podName(2)]);
	} finally {
		await shell.unmount();
	}
});

test.serial('pods: column widths grow as longer names scroll into view and do not shrink when they scroll out', async t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	const store = cluster.context.store;
	for (let i = 0; i < 200; i++) {
		const name = i === 190 ? `big-00190-${'x'.repeat(30)}` : podName(i);
		store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'bulk'}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	}
	const shell = await startDashboard({cluster, namespace: 'bulk', size: {columns: 160, rows: 30}});
	const readyAt = (frame: string) => frame.split('\n').find(line => /\bNAME\b.*\bREADY\b/.test(line))!.indexOf('READY');
	try {
		await shell.press(':', ...'po', 'enter');
		let frame = await shell.waitFor(f => f.includes('pods(bulk)[200]'), 'the pods view');
		const narrow = readyAt(frame);
		t.true(narrow < 20, 'NAME as wide as the names on screen');
		await shell.press('shift-g');
		frame = await shell.waitFor(f => f.includes('xxxxxxxxxx'), 'the long name on screen');
		const wide = readyAt(frame);
		t.true(wide > narrow + 25, 'NAME grew');
		await shell.press('g');
		frame = await shell.waitFor(f => shownPods(f).includes(podName(0)), 'back at the top');
		t.is(readyAt(frame), wide, 'and stays as wide');
	} finally {
		await shell.unmount();
	}
});
