import test from 'ava';
import fc from 'fast-check';
import {createCluster, type KubeObject, type Pod} from '../../../source/engine/index.js';
import {engineSource} from '../../../source/ui/model/engine-source.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {buildTable, IncrementalTable, type TableQuery, type TableSource} from '../../../source/ui/model/table-data.js';
import {parseFilter, type Filter} from '../../../source/ui/model/filter.js';
import {naturalWidths} from '../../../source/ui/components/table/table.js';
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

test('the incremental pods table has the same rows, order, total and widths as a full build after any changes', t => {
	fc.assert(
		fc.property(fc.array(fc.tuple(stepArbitrary, fc.boolean()), {minLength: 1, maxLength: 40}), steps => {
			const cluster = createCluster({seed: 7, nodes: 1});
			const model = new ClusterModel(engineSource(cluster));
			const table = new IncrementalTable(podColumns);
			const source = (): TableSource => ({
				version: model.version('Pod'),
				list: () => model.list('Pod'),
				byUid: uid => model.byUid('Pod', uid),
				changedSince: since => model.changedSince('Pod', since),
			});
			let query: TableQuery = {namespace: 'all', namespaced: true, filter: {type: 'none'}, wide: false, faultsOnly: false};
			let selectorKey = '';
			const check = () => {
				const context = {now: cluster.now()};
				const labelSelector = query.filter.type === 'label' ? query.filter.selector : '';
				const withSelector = labelSelector ? {...query, allowed: new Set(cluster.list('Pod', {labelSelector}).map(p => p.metadata.uid))} : query;
				const got = table.update(source(), withSelector, context, selectorKey);
				const want = buildTable(podColumns, model.list('Pod'), withSelector, context);
				t.deepEqual(got.rows.map(r => r.id), want.rows.map(r => r.id));
				t.deepEqual(got.ids, want.rows.map(r => r.id));
				t.is(got.total, want.total);
				t.deepEqual(got.columns.map(c => c.name), want.columns.map(c => c.name));
				const headerless = got.columns.map(c => ({...c, name: ''}));
				t.deepEqual(naturalWidths(headerless, got.rows, undefined, got.cellWidths), naturalWidths(headerless, want.rows));
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
				// Sometimes several changes pile up between two frames.
				if (look) check();
			}
			check();
			model.dispose();
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
