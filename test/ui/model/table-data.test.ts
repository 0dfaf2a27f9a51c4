import test from 'ava';
import fc from 'fast-check';
import {createCluster, matchesLabels, parseLabelSelector, type KubeObject, type Pod} from '../../../source/engine/index.js';
import {engineSource} from '../../../source/ui/model/engine-source.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {buildTable, IncrementalTable, type TableQuery, type TableSource} from '../../../source/ui/model/table-data.js';
import {parseFilter, type Filter} from '../../../source/ui/model/filter.js';
import {podColumns} from '../../../source/ui/render/pod-columns.js';

type Step =
	| {type: 'create'; namespace: string; name: string}
	| {type: 'status'; pick: number; phase: 'Running' | 'Pending' | 'Failed'; restarts: number; ip: string}
	| {type: 'label'; pick: number; value: string}
	| {type: 'delete'; pick: number}
	| {type: 'burst'; namespace: string; name: string; failed: boolean}
	| {type: 'query'; filter: string; sort?: {column: string; ascending: boolean}; faultsOnly: boolean; wide: boolean; namespace: string};

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
	fc.record({type: fc.constant('create' as const), namespace: fc.constantFrom('default', 'shop'), name: fc.stringMatching(/^[a-z]{1,12}$/)}),
	fc.record({type: fc.constant('status' as const), pick: fc.nat(), phase: fc.constantFrom('Running' as const, 'Pending' as const, 'Failed' as const), restarts: fc.nat(12), ip: fc.constantFrom('10.0.0.1', '10.244.123.200', '')}),
	fc.record({type: fc.constant('label' as const), pick: fc.nat(), value: fc.stringMatching(/^[a-z]{1,6}$/)}),
	fc.record({type: fc.constant('delete' as const), pick: fc.nat()}),
	fc.record({type: fc.constant('burst' as const), namespace: fc.constantFrom('default', 'shop'), name: fc.stringMatching(/^[a-z]{1,8}$/), failed: fc.boolean()}),
	fc.record({
		type: fc.constant('query' as const),
		filter: fc.constantFrom('', 'a', '!b', 'Running', '-f ab', '-l app'),
		sort: fc.option(fc.record({column: fc.constantFrom('NAME', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NAMESPACE'), ascending: fc.boolean()}), {nil: undefined}),
		faultsOnly: fc.boolean(),
		wide: fc.boolean(),
		namespace: fc.constantFrom('all', 'default', 'shop'),
	}),
);

function apply(cluster: ReturnType<typeof createCluster>, step: Exclude<Step, {type: 'query'}>): void {
	const store = cluster.context.store;
	if (step.type === 'burst') {
		// Many changes in one batch (the merge path): 70 new pods, then every other existing one deleted.
		const existing = cluster.list('Pod');
		for (let i = 0; i < 70; i++) apply(cluster, {type: 'create', namespace: step.namespace, name: `${step.name}-${i}`});
		existing.forEach((pod, i) => i % 2 === 0 && store.remove(pod));
		if (step.failed) for (const pod of cluster.list('Pod').slice(0, 30)) apply(cluster, {type: 'status', pick: cluster.list('Pod').indexOf(pod), phase: 'Failed', restarts: 1, ip: ''});
		return;
	}
	if (step.type === 'create') {
		if (store.get('Pod', step.namespace, step.name)) return;
		store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: step.name, namespace: step.namespace, labels: {app: step.name.slice(0, 2)}}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
		return;
	}
	const pods = cluster.list('Pod');
	if (pods.length === 0) return;
	const pod = pods[step.pick % pods.length]! as Pod;
	if (step.type === 'delete') store.remove(pod);
	else if (step.type === 'label') store.patch(pod, draft => void (draft.metadata.labels = {...draft.metadata.labels, app: step.value}));
	else {
		store.patch(pod, draft => {
			draft.status = {
				...draft.status,
				phase: step.phase,
				podIP: step.ip || undefined,
				containerStatuses: [{name: 'web', image: 'nginx', imageID: '', containerID: '', restartCount: step.restarts, ready: step.phase === 'Running', started: true, state: step.phase === 'Failed' ? {terminated: {exitCode: 1, reason: 'Error'}} : {running: {startedAt: '2024-01-01T00:00:00Z'}}}],
			} as Pod['status'];
		}, {status: true});
	}
}

test('the incremental pods table has the same rows, cells, order, positions and total as a full build after any changes', t => {
	fc.assert(
		fc.property(fc.array(fc.tuple(stepArbitrary, fc.boolean()), {minLength: 1, maxLength: 40}), steps => {
			const cluster = createCluster({seed: 7, nodes: 1});
			const model = new ClusterModel(engineSource(cluster));
			// A second model keeps the name order, built ahead a few objects at a time while changes come.
			const ordered = new ClusterModel(engineSource(cluster), {prepareOrdersAbove: 0, ordersAtStart: false});
			const plain = new IncrementalTable(podColumns);
			const indexed = new IncrementalTable(podColumns);
			// Updated at every third look only, as a view closed meanwhile and opened again.
			const reopened = new IncrementalTable(podColumns);
			let looks = 0;
			const sourceOf = (over: ClusterModel, order: boolean) => (): TableSource => ({
				version: over.version('Pod'),
				list: () => over.list('Pod'),
				byUid: uid => over.byUid('Pod', uid),
				changedSince: since => over.changedSince('Pod', since),
				order: order ? () => over.nameOrder('Pod') : undefined,
			});
			const source = sourceOf(model, false);
			const orderedSource = sourceOf(ordered, true);
			let query: TableQuery = {namespace: 'all', namespaced: true, filter: {type: 'none'}, wide: false, faultsOnly: false};
			let selectorKey = '';
			const check = () => {
				const context = {now: cluster.now()};
				const labelSelector = query.filter.type === 'label' ? query.filter.selector : '';
				// The view's selector test, and the engine's list with the selector, as sets of uids.
				const selector = labelSelector ? parseLabelSelector(labelSelector) : undefined;
				const withSelector = selector ? {...query, matches: (object: KubeObject) => matchesLabels(selector, object.metadata.labels)} : query;
				if (labelSelector) t.deepEqual(new Set(model.list('Pod').filter(withSelector.matches!).map(p => p.metadata.uid)), new Set(cluster.list('Pod', {labelSelector}).map(p => p.metadata.uid)));
				const want = buildTable(podColumns, model.list('Pod'), withSelector, context);
				const tables: Array<[IncrementalTable, () => TableSource]> = [[plain, source], [indexed, orderedSource]];
				if (looks++ % 3 === 0) tables.push([reopened, orderedSource]);
				for (const [table, from] of tables) {
					const got = table.update(from(), withSelector, context, selectorKey);
					const rows = got.rows.slice();
					t.deepEqual(rows.map(r => r.id), want.rows.map(r => r.id));
					t.deepEqual(rows.map(r => r.cells), want.rows.map(r => r.cells));
					t.deepEqual(Array.from({length: got.ids.length}, (_, i) => got.ids.at(i)), want.rows.map(r => r.id));
					want.rows.forEach((row, i) => t.is(got.ids.indexOf(row.id), i));
					t.is(got.rows.length, want.rows.length);
					t.is(got.total, want.total);
					t.deepEqual(got.columns.map(c => c.name), want.columns.map(c => c.name));
				}
			};
			check();
			for (const [step, look] of steps) {
				if (step.type === 'query') {
					const parsed = parseFilter(step.filter);
					const filter: Filter = 'filter' in parsed ? parsed.filter : {type: 'none'};
					query = {namespace: step.namespace, namespaced: true, filter, wide: step.wide, faultsOnly: step.faultsOnly, sort: step.sort};
					selectorKey = filter.type === 'label' ? filter.selector : '';
				} else {
					apply(cluster, step);
				}
				// The loop's turn: a few more objects placed in the order built ahead (one block at least).
				ordered.prepareOrders(0);
				// Sometimes several changes pile up between two frames.
				if (look) check();
			}
			check();
			model.dispose();
			ordered.dispose();
		}),
		{numRuns: 60},
	);
});

test('changedSince lists changed uids, and nothing when it is too far back', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	const model = new ClusterModel(engineSource(cluster));
	const start = model.version('Pod');
	t.deepEqual(model.changedSince('Pod', start), []);
	const pod = cluster.context.store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a', namespace: 'default'}, spec: {containers: [{name: 'c', image: 'nginx'}]}} as unknown as KubeObject);
	cluster.context.store.remove(pod);
	t.deepEqual(model.changedSince('Pod', start), [pod.metadata.uid, pod.metadata.uid]);
	t.is(model.changedSince('Pod', model.version('Pod') + 1), undefined);
	for (let i = 0; i < 20_000; i++) cluster.context.store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `c${i}`, namespace: 'default'}} as unknown as KubeObject);
	t.is(model.changedSince('ConfigMap', 0), undefined);
	t.is(model.changedSince('ConfigMap', model.version('ConfigMap'))?.length, 0);
	model.dispose();
});

/** A model over `count` pods `p-00000`... in two namespaces, straight in the store. */
function manyPods(count: number) {
	const cluster = createCluster({seed: 5, nodes: 1});
	const store = cluster.context.store;
	for (let i = 0; i < count; i++) {
		store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: `p-${String(i).padStart(5, '0')}`, namespace: i % 2 ? 'shop' : 'default'}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	}
	const model = new ClusterModel(engineSource(cluster));
	const source = (): TableSource => ({
		version: model.version('Pod'),
		list: () => model.list('Pod'),
		byUid: uid => model.byUid('Pod', uid),
		changedSince: since => model.changedSince('Pod', since),
	});
	const pod = (namespace: string, name: string) => store.get('Pod', namespace, name)!;
	return {cluster, store, model, source, pod};
}

const allPods: TableQuery = {namespace: 'all', namespaced: true, filter: {type: 'none'}, wide: false, faultsOnly: false};
const names = (rows: {slice(): Array<{object: KubeObject}>}) => rows.slice().map(r => `${r.object.metadata.namespace}/${r.object.metadata.name}`);

test('in the default order, opening 3,000 pods renders no row; reading a screenful renders that screenful', t => {
	const {source, model} = manyPods(3000);
	const table = new IncrementalTable(podColumns);
	const data = table.update(source(), allPods, {now: 0});
	t.is(table.rendered, 0);
	t.is(data.rows.length, 3000);
	const screen = data.rows.slice(1500, 1540);
	t.is(table.rendered, 40);
	t.deepEqual(screen.map(r => r.cells[1]), Array.from({length: 40}, (_, i) => `p-${String(1 + 2 * i).padStart(5, '0')}`), 'default/ first, then shop/, by name');
	t.is(screen[0]!.cells[0], 'shop');
	t.is(data.ids.indexOf(screen[7]!.id), 1507);
	data.rows.slice(1500, 1540);
	t.is(table.rendered, 40, 'read again: cached');
	t.is(data.rows.at(1499)!.cells[1], 'p-02998');
	model.dispose();
});

test('a changed pod moves to its sorted place, rendering only that pod; a deleted one leaves; a new one comes in', t => {
	const {source, model, store, pod} = manyPods(3000);
	const table = new IncrementalTable(podColumns);
	const sorted = {...allPods, sort: {column: 'RESTARTS', ascending: false}};
	table.update(source(), sorted, {now: 0});
	t.is(table.rendered, 3000, 'a column sort renders every row once');
	store.patch(pod('shop', 'p-02001'), draft => {
		draft.status = {...draft.status, phase: 'Running', containerStatuses: [{name: 'web', image: 'nginx', imageID: '', containerID: '', restartCount: 9, ready: true, started: true, state: {running: {startedAt: '2024-01-01T00:00:00Z'}}}]} as Pod['status'];
	}, {status: true});
	let data = table.update(source(), sorted, {now: 0});
	t.is(table.rendered, 3001, 'only the changed pod is rendered again');
	t.deepEqual(names(data.rows).slice(0, 2), ['shop/p-02001', 'default/p-00000']);
	t.is(data.ids.indexOf(pod('shop', 'p-02001').metadata.uid), 0);
	store.remove(pod('shop', 'p-02001'));
	store.remove(pod('default', 'p-00000'));
	data = table.update(source(), sorted, {now: 0});
	t.is(data.rows.length, 2998);
	t.is(data.total, 2998);
	t.deepEqual(names(data.rows).slice(0, 2), ['default/p-00002', 'default/p-00004'], 'equal restarts: by namespace/name');
	t.false(names(data.rows).includes('shop/p-02001'));
	t.is(data.ids.indexOf(data.ids.at(5)!), 5);
	model.dispose();
});

test('a changed pod keeps its namespace/name place in the default order; added and deleted pods come and go there', t => {
	const {source, model, store, pod} = manyPods(2000);
	const table = new IncrementalTable(podColumns);
	table.update(source(), allPods, {now: 0});
	store.patch(pod('default', 'p-00500'), draft => void (draft.metadata.labels = {touched: 'yes'}));
	store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p-00500a', namespace: 'default'}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	store.remove(pod('default', 'p-00502'));
	const data = table.update(source(), allPods, {now: 0});
	t.deepEqual(names(data.rows).slice(249, 253), ['default/p-00498', 'default/p-00500', 'default/p-00500a', 'default/p-00504']);
	t.is(data.rows.at(250)!.object.metadata.labels?.['touched'], 'yes', 'the row is the new version');
	t.is(data.rows.length, 2000);
	model.dispose();
});

test('a filter follows changes: a pod that starts to match comes in, one that stops matching leaves', t => {
	const {source, model, store, pod} = manyPods(1000);
	const table = new IncrementalTable(podColumns);
	const parsed = parseFilter('Error');
	const query = {...allPods, filter: 'filter' in parsed ? parsed.filter : allPods.filter};
	const fail = (name: string, phase: 'Failed' | 'Running') => store.patch(pod('default', name), draft => {
		draft.status = {...draft.status, phase, containerStatuses: [{name: 'web', image: 'nginx', imageID: '', containerID: '', restartCount: 0, ready: false, started: false, state: phase === 'Failed' ? {terminated: {exitCode: 1, reason: 'Error'}} : {running: {startedAt: '2024-01-01T00:00:00Z'}}}]} as Pod['status'];
	}, {status: true});
	let data = table.update(source(), query, {now: 0});
	t.is(data.rows.length, 0);
	t.is(data.total, 1000);
	fail('p-00010', 'Failed');
	fail('p-00020', 'Failed');
	data = table.update(source(), query, {now: 0});
	t.deepEqual(names(data.rows), ['default/p-00010', 'default/p-00020']);
	fail('p-00010', 'Running');
	data = table.update(source(), query, {now: 0});
	t.deepEqual(names(data.rows), ['default/p-00020']);
	t.is(data.ids.indexOf(pod('default', 'p-00010').metadata.uid), -1);
	model.dispose();
});

test('a label selector follows changes one object at a time: a relabelled pod comes in and goes out without the kind being listed again', t => {
	const {source, model, store, pod} = manyPods(2000);
	const table = new IncrementalTable(podColumns);
	const selector = parseLabelSelector('tier=web');
	const query = {...allPods, matches: (object: KubeObject) => matchesLabels(selector, object.metadata.labels)};
	let lists = 0;
	const counted = (): TableSource => ({...source(), list: () => (lists++, model.list('Pod'))});
	let data = table.update(counted(), query, {now: 0}, 'tier=web');
	t.is(data.rows.length, 0);
	store.patch(pod('shop', 'p-00701'), draft => void (draft.metadata.labels = {tier: 'web'}));
	store.patch(pod('default', 'p-00100'), draft => void (draft.metadata.labels = {tier: 'web'}));
	data = table.update(counted(), query, {now: 0}, 'tier=web');
	t.deepEqual(names(data.rows), ['default/p-00100', 'shop/p-00701']);
	store.patch(pod('default', 'p-00100'), draft => void (draft.metadata.labels = {tier: 'db'}));
	data = table.update(counted(), query, {now: 0}, 'tier=web');
	t.deepEqual(names(data.rows), ['shop/p-00701']);
	t.is(lists, 1, 'listed once, when the table was built');
	t.is(table.rendered, 2, 'only the rows read were rendered');
	model.dispose();
});
