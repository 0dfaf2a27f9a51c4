import test from 'ava';
import {createCluster, type KubeObject} from '../../../source/engine/index.js';
import '../../../source/ui/extensions.js';
import type {IncrementalTable} from '../../../source/ui/model/table-data.js';
import {startDashboard} from '../harness.js';
import {podName, shownPods} from './big-pods.js';


test.serial('pods: reopened, the view takes its table back and applies only what changed while it was closed', async t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	const store = cluster.context.store;
	const create = (i: number) => store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: podName(i), namespace: 'bulk'}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	for (let k = 0; k < 3000; k++) create((k * 7919) % 3000);
	const shell = await startDashboard({cluster, namespace: 'bulk', size: {columns: 120, rows: 30}});
	const tables = shell.simulation.model.tables;
	const taken: IncrementalTable[] = [];
	const take = tables.take.bind(tables);
	tables.take = (set, key) => {
		const table = take(set, key);
		if (set.kind === 'Pod') taken.push(table);
		return table;
	};
	try {
		// By name, descending (shift-n twice): a column sort renders and orders every row.
		await shell.press(':', ...'po', 'enter');
		await shell.waitFor(f => f.includes('pods(bulk)[3000]'), 'the pods view');
		await shell.press('shift-n');
		await shell.waitFor(f => shownPods(f)[0] === podName(0), 'by name');
		await shell.press('shift-n');
		let frame = await shell.waitFor(f => shownPods(f)[0] === podName(2999), 'by name, descending');
		const sorted = taken.at(-1)!;
		const sortedBuilds = sorted.builds;
		const rendered = sorted.rendered;

		await shell.press(':', ...'deploy', 'enter');
		await shell.waitFor(f => f.includes('deployments(bulk)'), 'the deployments view');
		t.true(tables.size >= 1, 'the pods table given back');
		// While the pods view is closed: the first row goes, a new first row comes, a row changes.
		store.remove(store.get('Pod', 'bulk', podName(2999))!);
		create(3000);
		create(3001);
		store.patch(store.get('Pod', 'bulk', podName(2998))!, draft => void (draft.metadata.labels = {touched: 'yes'}));
		// The model has heard (watch events come at once); virtual time stays, so nothing else changes meanwhile.

		await shell.press(':', ...'po', 'enter');
		frame = await shell.waitFor(f => f.includes('pods(bulk)[3001]'), 'the pods view again');
		t.deepEqual(shownPods(frame).slice(0, 4), [podName(3001), podName(3000), podName(2998), podName(2997)]);
		t.is(taken.at(-1), sorted, 'the same table');
		t.is(sorted.builds, sortedBuilds, 'not built again');
		t.is(sorted.rendered, rendered + 3, 'only the new and the changed pods rendered');
		await shell.press('shift-g');
		frame = await shell.waitFor(f => shownPods(f).includes(podName(0)), 'the bottom');
		t.is(shownPods(frame).at(-1), podName(0));

		// The default order: the saved sort cleared while the pods view is closed.
		await shell.press(':', ...'deploy', 'enter');
		await shell.waitFor(f => f.includes('deployments(bulk)'), 'the deployments view');
		shell.prefs.set({sort: {}});
		await shell.press(':', ...'po', 'enter');
		frame = await shell.waitFor(f => f.includes('pods(bulk)[3001]') && shownPods(f)[0] === podName(0), 'the default order');
		const byName = taken.at(-1)!;
		t.not(byName, sorted);
		const builds = byName.builds;
		await shell.press(':', ...'deploy', 'enter');
		await shell.waitFor(f => f.includes('deployments(bulk)'), 'the deployments view');
		store.remove(store.get('Pod', 'bulk', podName(0))!);
		await shell.press(':', ...'po', 'enter');
		frame = await shell.waitFor(f => f.includes('pods(bulk)[3000]'), 'the default order again');
		t.is(shownPods(frame)[0], podName(1));
		t.is(taken.at(-1), byName, 'the same table');
		t.is(byName.builds, builds, 'not built again');
	} finally {
		await shell.unmount();
	}
});
