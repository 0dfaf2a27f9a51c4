import test from 'ava';
import {createCluster, type KubeObject} from '../../../source/engine/index.js';
import {engineSource} from '../../../source/ui/model/engine-source.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {TableCache} from '../../../source/ui/model/table-cache.js';
import {tableKey, type TableQuery, type TableSource} from '../../../source/ui/model/table-data.js';
import {podColumns} from '../../../source/ui/render/pod-columns.js';
import {jobColumns} from '../../../source/ui/render/job-columns.js';
import {PanelTables} from '../../../source/ui/views/home.js';

const query = (namespace: string): TableQuery => ({namespace, namespaced: true, filter: {type: 'none'}, wide: false, faultsOnly: false});

test('a table given back is taken again for the same query; one held is never handed to a second view; a few per kind are kept', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const model = new ClusterModel(engineSource(cluster));
	const source: TableSource = {version: model.version('Pod'), list: () => model.list('Pod'), byUid: uid => model.byUid('Pod', uid), changedSince: since => model.changedSince('Pod', since)};
	const cache = new TableCache({perSet: 2});
	const keyOf = (namespace: string) => tableKey(podColumns, query(namespace));
	const a = cache.take(podColumns, keyOf('all'));
	a.update(source, query('all'), {now: 0});
	t.is(a.key, keyOf('all'));
	// A second view open at once gets a table of its own.
	const b = cache.take(podColumns, keyOf('all'));
	t.not(b, a);
	cache.give(a);
	t.true(cache.has(podColumns, keyOf('all')));
	t.false(cache.has(podColumns, keyOf('default')));
	t.is(cache.take(podColumns, keyOf('all')), a);
	t.false(cache.has(podColumns, keyOf('all')), 'taken: no longer idle');
	cache.give(a);
	cache.give(a);
	t.is(cache.size, 1, 'given back twice, kept once');
	// Bounded: the least recently given back go first.
	for (const namespace of ['default', 'shop']) {
		const table = cache.take(podColumns, keyOf(namespace));
		table.update(source, query(namespace), {now: 0});
		cache.give(table);
	}
	t.is(cache.size, 2);
	t.false(cache.has(podColumns, keyOf('all')));
	t.true(cache.has(podColumns, keyOf('shop')));
	t.not(cache.take(jobColumns, keyOf('shop')), cache.take(podColumns, keyOf('shop')), 'per column set');
	cache.clear();
	t.is(cache.size, 0);
	model.dispose();
});

test('idle tables are dropped, least recently given back first, beyond the rows they may hold between them', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	for (const name of ['a', 'b', 'c', 'd']) cluster.context.store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'default'}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	const model = new ClusterModel(engineSource(cluster));
	const pods = model.count('Pod');
	t.is(pods, 4);
	const source: TableSource = {version: model.version('Pod'), list: () => model.list('Pod'), byUid: uid => model.byUid('Pod', uid), changedSince: since => model.changedSince('Pod', since)};
	const cache = new TableCache({perSet: 5, maxRows: 2 * pods});
	const sorted = (column: string): TableQuery => ({...query('all'), sort: {column, ascending: true}});
	const tables = ['NAME', 'AGE', 'STATUS'].map(column => {
		const table = cache.take(podColumns, tableKey(podColumns, sorted(column)));
		table.update(source, sorted(column), {now: 0});
		t.is(table.rowsHeld, pods);
		return table;
	});
	for (const table of tables) cache.give(table);
	t.is(cache.size, 2);
	t.false(cache.has(podColumns, tableKey(podColumns, sorted('NAME'))));
	t.true(cache.has(podColumns, tableKey(podColumns, sorted('STATUS'))));
	model.dispose();
});

test('the model drops its idle tables when disposed', t => {
	const model = new ClusterModel(engineSource(createCluster({seed: 1, nodes: 1})));
	model.tables.give(model.tables.take(podColumns, ''));
	t.is(model.tables.size, 1);
	model.dispose();
	t.is(model.tables.size, 0);
});

test('home\'s tables (name order and one per fault status) and a view\'s all come back from the cache: home → pods view → home builds nothing again', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	for (const name of ['a', 'b', 'c']) cluster.context.store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'default'}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	const model = new ClusterModel(engineSource(cluster));
	const app = {model} as unknown as Parameters<PanelTables['table']>[0];
	const home = new PanelTables(model.tables);
	const open = () => ['pods', 'pods:0', 'pods:1', 'pods:2'].map((name, i) => home.table(app, name, 'Pod', i === 0 ? query('all') : {...query('all'), statuses: new Set([(['error', 'pending', 'terminating'] as const)[i - 1]!])}, {now: 0}).table);
	const first = open();
	home.release();
	// The pods view, in another namespace: a table of its own, given back when it closes.
	const view = model.tables.take(podColumns, tableKey(podColumns, query('default')));
	view.update({version: model.version('Pod'), list: () => model.list('Pod'), byUid: uid => model.byUid('Pod', uid), changedSince: since => model.changedSince('Pod', since)}, query('default'), {now: 0});
	model.tables.give(view);
	const again = open();
	t.deepEqual(again, first, 'the same four tables');
	t.deepEqual(again.map(table => table.builds), first.map(() => 1), 'none built a second time');
	home.release();
	model.dispose();
});
