import test from 'ava';
import {createCluster, type KubeObject} from '../../../source/engine/index.js';
import {engineSource} from '../../../source/ui/model/engine-source.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {PodsPerNode, type PodSource} from '../../../source/ui/model/pods-per-node.js';

test('pods per node follow binds, moves and deletions from the changes alone, as a full count would', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	const store = cluster.context.store;
	const create = (name: string, node?: string) => store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'default'}, spec: {nodeName: node, containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	for (let i = 0; i < 50; i++) create(`p-${i}`, i % 5 === 0 ? undefined : `n-${i % 3}`);
	const model = new ClusterModel(engineSource(cluster));
	let lists = 0;
	const source = (): PodSource => ({
		version: model.version('Pod'),
		list: () => (lists++, model.list('Pod')),
		byUid: uid => model.byUid('Pod', uid),
		changedSince: since => model.changedSince('Pod', since),
	});
	const full = (node: string) => model.list('Pod').filter(p => p.spec?.nodeName === node).length;
	const counts = new PodsPerNode();
	let count = counts.update(source());
	t.deepEqual(['n-0', 'n-1', 'n-2', 'n-9'].map(count), ['n-0', 'n-1', 'n-2', 'n-9'].map(full));
	const pod = (name: string) => store.get('Pod', 'default', name)!;
	store.patch(pod('p-5'), draft => void (draft.spec!.nodeName = 'n-9'));
	store.patch(pod('p-1'), draft => void (draft.spec!.nodeName = 'n-2'));
	store.remove(pod('p-2'));
	create('p-new', 'n-0');
	store.patch(pod('p-3'), draft => void (draft.metadata.labels = {a: 'b'}));
	count = counts.update(source());
	t.deepEqual(['n-0', 'n-1', 'n-2', 'n-9'].map(count), ['n-0', 'n-1', 'n-2', 'n-9'].map(full));
	t.is(count('n-9'), 1);
	t.is(lists, 1, 'the pods were listed once, for the first count');
	model.dispose();
});

test('the model keeps the nodes view\'s pod counts between its openings: asked again after changes, it counts only the changed pods', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	const store = cluster.context.store;
	const create = (name: string, node?: string) => store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'default'}, spec: {nodeName: node, containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	for (let i = 0; i < 30; i++) create(`p-${i}`, `n-${i % 3}`);
	const model = new ClusterModel(engineSource(cluster));
	let lists = 0;
	const list = model.list.bind(model);
	model.list = kind => (kind === 'Pod' && lists++, list(kind));
	const full = (node: string) => list('Pod').filter(p => p.spec?.nodeName === node).length;
	t.is(model.podsPerNode()('n-0'), 10);
	t.is(lists, 1, 'the first time, every pod counted');
	// While no nodes view is open: pods come and go.
	create('late', 'n-0');
	store.remove(store.get('Pod', 'default', 'p-1')!);
	const count = model.podsPerNode();
	for (const node of ['n-0', 'n-1', 'n-2']) t.is(count(node), full(node), node);
	t.is(lists, 1, 'then only the changes');
	model.dispose();
});
