import test from 'ava';
import fc from 'fast-check';
import {createCluster, type KubeObject, type Pod} from '../../../source/engine/index.js';
import {engineSource} from '../../../source/ui/model/engine-source.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {buildTable, IncrementalTable, type TableQuery, type TableRow, type TableSource} from '../../../source/ui/model/table-data.js';
import {rankedRows} from '../../../source/ui/model/ranked-rows.js';
import {podColumns} from '../../../source/ui/render/pod-columns.js';
import type {RowStatus} from '../../../source/ui/render/columns.js';

type Step =
	| {type: 'create'; namespace: string; name: string}
	| {type: 'status'; pick: number; phase: 'Running' | 'Pending' | 'Failed'}
	| {type: 'terminate'; pick: number}
	| {type: 'delete'; pick: number}
	| {type: 'burst'; namespace: string; name: string}
	| {type: 'namespace'; namespace: string};

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
	fc.record({type: fc.constant('create' as const), namespace: fc.constantFrom('default', 'shop'), name: fc.stringMatching(/^[a-z]{1,10}$/)}),
	fc.record({type: fc.constant('status' as const), pick: fc.nat(), phase: fc.constantFrom('Running' as const, 'Pending' as const, 'Failed' as const)}),
	fc.record({type: fc.constant('terminate' as const), pick: fc.nat()}),
	fc.record({type: fc.constant('delete' as const), pick: fc.nat()}),
	fc.record({type: fc.constant('burst' as const), namespace: fc.constantFrom('default', 'shop'), name: fc.stringMatching(/^[a-z]{1,6}$/)}),
	fc.record({type: fc.constant('namespace' as const), namespace: fc.constantFrom('all', 'default', 'shop')}),
);

function apply(cluster: ReturnType<typeof createCluster>, step: Exclude<Step, {type: 'namespace'}>): void {
	const store = cluster.context.store;
	if (step.type === 'burst') {
		// Many changes in one batch: 70 new pods, a third of them failed.
		for (let i = 0; i < 70; i++) apply(cluster, {type: 'create', namespace: step.namespace, name: `${step.name}-${i}`});
		cluster.list('Pod').forEach((_, i) => i % 3 === 0 && apply(cluster, {type: 'status', pick: i, phase: 'Failed'}));
		return;
	}
	if (step.type === 'create') {
		if (store.get('Pod', step.namespace, step.name)) return;
		store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: step.name, namespace: step.namespace}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
		return;
	}
	const pods = cluster.list('Pod');
	if (pods.length === 0) return;
	const pod = pods[step.pick % pods.length]! as Pod;
	if (step.type === 'delete') {
		store.remove(pod);
	} else if (step.type === 'terminate') {
		store.patch(pod, draft => void (draft.metadata.deletionTimestamp = '2026-01-01T00:00:00Z'));
	} else {
		store.patch(pod, draft => {
			draft.status = {
				...draft.status,
				phase: step.phase,
				containerStatuses: [{name: 'web', image: 'nginx', imageID: '', containerID: '', restartCount: 0, ready: step.phase === 'Running', started: true, state: step.phase === 'Failed' ? {terminated: {exitCode: 1, reason: 'Error'}} : {running: {startedAt: '2024-01-01T00:00:00Z'}}}],
			} as Pod['status'];
		}, {status: true});
	}
}

const faultStatuses: ReadonlyArray<ReadonlySet<RowStatus>> = [new Set(['error']), new Set(['pending']), new Set(['terminating'])];
const rankOf = (row: TableRow) => faultStatuses.findIndex(statuses => statuses.has(row.status));
const faulty = (row: TableRow) => rankOf(row) >= 0;

test('faults first over incremental tables: the same rows, order and positions as a full build ranked by status, after any changes', t => {
	fc.assert(
		fc.property(fc.array(fc.tuple(stepArbitrary, fc.boolean()), {minLength: 1, maxLength: 40}), steps => {
			const cluster = createCluster({seed: 7, nodes: 1});
			// The model keeps the pods' name order, which the whole table reads (as home's panels do).
			const model = new ClusterModel(engineSource(cluster), {prepareOrdersAbove: 0});
			const all = new IncrementalTable(podColumns);
			const parts = faultStatuses.map(() => new IncrementalTable(podColumns));
			const source = (): TableSource => ({
				version: model.version('Pod'),
				list: () => model.list('Pod'),
				byUid: uid => model.byUid('Pod', uid),
				changedSince: since => model.changedSince('Pod', since),
				order: () => model.nameOrder('Pod'),
			});
			let namespace = 'all';
			const check = () => {
				const context = {now: cluster.now()};
				const query: TableQuery = {namespace, namespaced: true, filter: {type: 'none'}, wide: false, faultsOnly: false};
				// What home's panels listed before: every row built and sorted, then faults moved first (a stable sort by status).
				const built = buildTable(podColumns, model.list('Pod'), query, context).rows;
				const want = built.map((row, i) => ({row, i})).sort((a, b) => ((rankOf(a.row) + 4) % 4) - ((rankOf(b.row) + 4) % 4) || a.i - b.i).map(({row}) => row);
				const ranked = rankedRows(
					all.update(source(), query, context),
					parts.map((table, i) => ({table, data: table.update(source(), {...query, statuses: faultStatuses[i]}, context)})),
					faulty,
				);
				t.is(ranked.rows.length, want.length);
				t.is(ranked.faults, want.filter(faulty).length);
				t.deepEqual(ranked.rows.slice().map(row => row.id), want.map(row => row.id));
				t.deepEqual(Array.from({length: want.length}, (_, i) => ranked.ids.at(i)), want.map(row => row.id));
				want.forEach((row, i) => t.is(ranked.ids.indexOf(row.id), i, `${row.id} at ${i}`));
				if (want.length > 0) t.is(ranked.rows.at(-1)?.id, want.at(-1)!.id);
				t.is(ranked.ids.indexOf('no-such-uid'), -1);
			};
			check();
			for (const [step, look] of steps) {
				if (step.type === 'namespace') namespace = step.namespace;
				else apply(cluster, step);
				model.prepareOrders(0);
				if (look) check();
			}
			check();
			model.dispose();
		}),
		{numRuns: 60},
	);
});
