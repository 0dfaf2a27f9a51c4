import test from 'ava';
import {createCluster, type KubeObject} from '../../../source/engine/index.js';
import {engineSource} from '../../../source/ui/model/engine-source.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {compareNames, nameKey} from '../../../source/ui/model/name-order.js';

function podsCluster(count: number) {
	const cluster = createCluster({seed: 11, nodes: 1});
	const store = cluster.context.store;
	const create = (namespace: string, name: string) => store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace}, spec: {containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	// Created out of name order, so the order has to be made.
	for (let i = 0; i < count; i++) create(['shop', 'default', 'kube-public'][i % 3]!, `p-${String((i * 7919) % count).padStart(5, '0')}`);
	return {cluster, store, create};
}

const expected = (model: ClusterModel) => model.list('Pod').map(nameKey).sort(compareNames).map(key => key.uid);
const inOrder = (model: ClusterModel) => {
	const order = model.nameOrder('Pod');
	return order.slice(0, order.length).map(key => key.uid);
};

test('the name order built ahead a block at a time is the sorted order, with objects added and deleted while it was built', t => {
	const {cluster, store, create} = podsCluster(3000);
	const model = new ClusterModel(engineSource(cluster), {prepareOrdersAbove: 1000, ordersAtStart: false});
	let turns = 0;
	while (model.prepareOrders(0)) {
		turns++;
		// Meanwhile: one placed and one not yet placed deleted, one new pod.
		const pods = cluster.list('Pod');
		store.remove(pods[turns]!);
		store.remove(pods.at(-turns)!);
		create('default', `new-${turns}`);
	}
	t.true(turns >= 5, `built over ${turns} turns`);
	t.deepEqual(inOrder(model), expected(model));
	// Kept current from then on.
	store.remove(cluster.list('Pod')[100]!);
	create('shop', 'a-first');
	t.deepEqual(inOrder(model), expected(model));
	t.is(model.nameOrder('Pod').at(model.nameOrder('Pod').range('shop')[0])?.name, 'a-first');
	model.dispose();
});

test('a name order asked for while it is being built is finished at once, by placing the rest or by one sort', t => {
	for (const turns of [1, 8]) {
		const {cluster, store, create} = podsCluster(3000);
		const model = new ClusterModel(engineSource(cluster), {prepareOrdersAbove: 1000, ordersAtStart: false});
		for (let i = 0; i < turns; i++) model.prepareOrders(0);
		store.remove(cluster.list('Pod')[2999]!);
		create('kube-public', 'b');
		t.deepEqual(inOrder(model), expected(model));
		t.false(model.prepareOrders(0), 'nothing left to build');
		model.dispose();
	}
});

test('a namespace range holds that namespace\'s objects alone, in name order', t => {
	const {cluster} = podsCluster(300);
	const model = new ClusterModel(engineSource(cluster));
	const order = model.nameOrder('Pod');
	for (const namespace of ['default', 'shop', 'kube-public', 'none', 'kube-system']) {
		const [start, end] = order.range(namespace);
		const want = model.list('Pod').filter(p => p.metadata.namespace === namespace).map(nameKey).sort(compareNames).map(key => key.uid);
		t.deepEqual(order.slice(start, end).map(key => key.uid), want, namespace);
	}
	t.deepEqual(order.range(undefined), [0, order.length]);
	model.dispose();
});

test('a model made over a large kind has its name order from the start: nothing left for the loop to build', t => {
	const {cluster, create} = podsCluster(3000);
	const model = new ClusterModel(engineSource(cluster), {prepareOrdersAbove: 1000});
	t.is(model.ordersToBuild, 0);
	t.false(model.prepareOrders(0));
	create('shop', 'late');
	t.deepEqual(inOrder(model), expected(model));
	model.dispose();
});
