import test from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {SnapshotJson} from '../../source/state/snapshot-json.js';

test('the chunks are the snapshot\'s JSON: parsed, the same data; again after changes, still the same', t => {
	const cluster = createCluster({seed: 3, demo: true});
	cluster.advance(30_000);
	const json = new SnapshotJson();
	const first = cluster.snapshot();
	t.deepEqual(JSON.parse(json.stringify(first)), JSON.parse(JSON.stringify(first)));
	cluster.scale('Deployment', 'web', 4, {namespace: 'shop'});
	cluster.exec('db-0', ['kv', 'set', 'k', 'v'], {namespace: 'shop'});
	cluster.advance(3_000);
	const second = cluster.snapshot();
	t.deepEqual(JSON.parse(json.stringify(second)), JSON.parse(JSON.stringify(second)));
	t.is(json.stringify(second).length, JSON.stringify(second).length, 'the same text, the store\'s key moved first');
});

test('an unchanged object\'s bytes are reused; a changed one is serialised again', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a'}, data: {x: '1'}});
	const json = new SnapshotJson();
	const before = json.chunks(cluster.snapshot());
	const find = (chunks: Buffer[], text: string) => chunks.find(c => c.toString().includes(text));
	const kept = find(before, '"name":"kube-root-ca.crt","namespace":"default"') ?? find(before, 'kube-root-ca.crt');
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a'}, data: {x: '2'}});
	const after = json.chunks(cluster.snapshot());
	t.truthy(kept);
	t.true(after.includes(kept!), 'the same Buffer for an object the store did not replace');
	t.regex(find(after, '"name":"a"')!.toString(), /"x":"2"/);
	t.false(after.includes(find(before, '"name":"a"')!));
});

test('data that is not a snapshot is plain JSON', t => {
	const json = new SnapshotJson();
	t.is(json.stringify({a: [1, 2]}), '{"a":[1,2]}');
	t.is(json.stringify([1]), '[1]');
});

test('a restarted cluster\'s base is serialised once and its bytes reused; the text parses to the snapshot', t => {
	const first = createCluster({seed: 3, demo: true});
	first.advance(10_000);
	const cluster = createCluster({snapshot: JSON.parse(JSON.stringify(first.snapshot())), restore: 'objects'});
	const json = new SnapshotJson();
	const before = cluster.snapshot();
	t.truthy(before.base);
	const chunks = json.chunks(before);
	t.deepEqual(JSON.parse(Buffer.concat(chunks).toString('utf8')), JSON.parse(JSON.stringify(before)));
	cluster.scale('Deployment', 'web', 4, {namespace: 'shop'});
	cluster.advance(3_000);
	const after = cluster.snapshot();
	const again = json.chunks(after);
	t.deepEqual(JSON.parse(Buffer.concat(again).toString('utf8')), JSON.parse(JSON.stringify(after)));
	const baseChunk = chunks.reduce((a, b) => (b.length > a.length ? b : a));
	t.true(baseChunk.length > 100_000, 'the base is one chunk');
	t.true(again.includes(baseChunk), 'the same Buffer for the unchanged base');
});

test('the parts\' state is serialised a few values at a time, and what the cluster does meanwhile does not reach it', t => {
	const cluster = createCluster({seed: 3, demo: true});
	cluster.advance(30_000);
	const json = new SnapshotJson();
	const snapshot = cluster.snapshot();
	const expected = JSON.stringify(snapshot);
	const prepared = json.prepare(snapshot);
	let slices = 1;
	while (!json.fill(prepared, () => true)) {
		slices++;
		// The cluster goes on between two slices, as under the dashboard.
		cluster.scale('Deployment', 'web', 2 + (slices % 5), {namespace: 'shop'});
		cluster.advance(1_000);
	}
	t.true(slices > 50, 'many slices');
	t.deepEqual(JSON.parse(Buffer.concat(json.assemble(prepared)).toString('utf8')), JSON.parse(expected));
});
