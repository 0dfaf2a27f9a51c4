import test from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {parseSnapshotJson, SnapshotJson} from '../../source/state/snapshot-json.js';

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
	const objects = second.store.objects.length;
	const parts = second.state!.parts.length;
	t.is(json.stringify(second).length, JSON.stringify(second).length + objects + 1 + parts + 1, 'the same text, the store\'s key moved first, each object and each part on a line of its own');
	t.is(json.stringify(second).split('\n').length, objects + parts + 3);
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

test('parseSnapshotJson reads the objects a few at a time, letting the event loop turn, to the data JSON.parse gives; other text is parsed in one piece', async t => {
	const cluster = createCluster({seed: 5, demo: true});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'tricky', namespace: 'default'}, data: {a: 'line one\n]\nline, two', b: ',\n]', c: 'ünïcödé ✓ 漢字'}});
	cluster.advance(10_000);
	const text = new SnapshotJson().stringify(cluster.snapshot({history: false}));
	const expected = JSON.parse(text) as {store: {objects: unknown[]}};
	let pauses = 0;
	const pause = async () => {
		pauses++;
	};
	t.deepEqual(await parseSnapshotJson(Buffer.from(text), 0, pause), expected);
	t.true(pauses > expected.store.objects.length / 2, `${pauses} turns of the event loop for ${expected.store.objects.length} objects`);
	// A part spread over lines by hand: one piece too.
	const part = text.replace('\n["cluster",', '\n["cluster",\n');
	t.not(part, text);
	t.deepEqual(await parseSnapshotJson(Buffer.from(part), 0, pause), expected);
	// The same data written by JSON.stringify (no line for each object) or pretty-printed: one piece.
	for (const other of [JSON.stringify(expected), JSON.stringify(expected, null, 2)]) {
		pauses = 0;
		t.deepEqual(await parseSnapshotJson(Buffer.from(other), 0, pause), expected);
		t.is(pauses, 0);
	}
	// An object spread over lines by hand: the line that is not an object sends it back to one piece.
	const edited = text.replace('"kind":"ConfigMap",', '"kind":"ConfigMap",\n');
	t.deepEqual(await parseSnapshotJson(Buffer.from(edited), 0, pause), JSON.parse(edited));
	// Truncated, or broken in an object: JSON.parse's error, as for the whole text.
	for (const broken of [text.slice(0, Math.floor(text.length / 2)), text.replace('"kind":"ConfigMap"', '"kind":"ConfigMap"}')]) {
		const error = await t.throwsAsync(parseSnapshotJson(Buffer.from(broken), 0, pause));
		t.is(error?.message, (() => {
			try {
				JSON.parse(broken);
			} catch (whole) {
				return (whole as Error).message;
			}
			return 'parsed';
		})());
	}
});
