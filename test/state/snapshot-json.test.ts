import {createHash} from 'node:crypto';
import test from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {parseSnapshotJson, readSnapshotText, SnapshotJson} from '../../source/state/snapshot-json.js';

test('the chunks are JSON that reads back as the snapshot; again after changes, still the same', t => {
	const cluster = createCluster({seed: 3, demo: true});
	cluster.advance(30_000);
	const json = new SnapshotJson();
	const first = cluster.snapshot();
	t.deepEqual(readSnapshotText(json.stringify(first)), JSON.parse(JSON.stringify(first)));
	cluster.scale('Deployment', 'web', 4, {namespace: 'shop'});
	cluster.exec('db-0', ['kv', 'set', 'k', 'v'], {namespace: 'shop'});
	cluster.advance(3_000);
	const second = cluster.snapshot();
	const text = json.stringify(second);
	t.deepEqual(readSnapshotText(text), JSON.parse(JSON.stringify(second)));
	const objects = second.store.objects.length;
	const parts = second.state!.parts.length;
	// A part that is a long list (the controllers' queues here) has a line opening it, one for each record and one closing it.
	const listLines = second.state!.parts.reduce((sum, [, state]) => sum + (Array.isArray(state) && state.length > 16 ? state.length + 1 : 0), 0);
	t.true(listLines > 0);
	t.is(text.split('\n').length, objects + parts + listLines + 3, 'the store\'s key first, each object and each part on a line of its own');
	const lines = text.split('\n').slice(1, objects + 1);
	const deltas = lines.filter(line => line.startsWith('['));
	t.true(deltas.length > objects / 2, `${deltas.length} of ${objects} objects written as what differs from an earlier one`);
	t.true(text.length < JSON.stringify(second).length * 0.8, 'shorter than the snapshot\'s JSON');
	// A new pod's line is what differs from the last pod of its ReplicaSet.
	const pod = second.store.objects.findLast(object => object.kind === 'Pod' && object.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet')!;
	const line = lines[second.store.objects.indexOf(pod)]!.replace(/,$/, '');
	const [distance] = JSON.parse(line) as [number];
	const reference = second.store.objects[second.store.objects.indexOf(pod) - distance]!;
	t.is(reference.metadata.ownerReferences?.[0]?.uid, pod.metadata.ownerReferences?.[0]?.uid);
});

test('objects read from their lines share what did not change with the object they were written against', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {
		replicas: 3, selector: {matchLabels: {app: 'web'}},
		template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}},
	}});
	cluster.advance(30_000);
	const read = readSnapshotText(new SnapshotJson().stringify(cluster.snapshot({history: false}))) as {store: {objects: Array<{kind: string; spec?: {tolerations?: unknown}}>}};
	const pods = read.store.objects.filter(object => object.kind === 'Pod');
	t.is(pods.length, 3);
	t.is(pods[1]!.spec!.tolerations, pods[0]!.spec!.tolerations, 'one list of tolerations for the pods of a ReplicaSet');
	t.true(Object.isFrozen(pods[1]), 'frozen in the tests: a change in place would reach the others');
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
	t.deepEqual(readSnapshotText(Buffer.concat(chunks).toString('utf8')), JSON.parse(JSON.stringify(before)));
	cluster.scale('Deployment', 'web', 4, {namespace: 'shop'});
	cluster.advance(3_000);
	const after = cluster.snapshot();
	const again = json.chunks(after);
	t.deepEqual(readSnapshotText(Buffer.concat(again).toString('utf8')), JSON.parse(JSON.stringify(after)));
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
	t.deepEqual(readSnapshotText(Buffer.concat(json.assemble(prepared)).toString('utf8')), JSON.parse(expected));
});

test('parseSnapshotJson reads the objects and the parts a piece at a time, letting the event loop turn, to the data JSON.parse gives; other text is parsed in one piece', async t => {
	const cluster = createCluster({seed: 5, demo: true});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'tricky', namespace: 'default'}, data: {a: 'line one\n]\nline, two', b: ',\n]', c: 'ünïcödé ✓ 漢字'}});
	cluster.advance(10_000);
	const snapshot = cluster.snapshot({history: false});
	const text = new SnapshotJson().stringify(snapshot);
	const expected = JSON.parse(JSON.stringify(snapshot)) as {store: {objects: unknown[]}};
	t.deepEqual(readSnapshotText(text), expected);
	let pauses = 0;
	const pause = async () => {
		pauses++;
	};
	t.deepEqual((await parseSnapshotJson(Buffer.from(text), 0, pause)).snapshot, expected);
	// A piece of about 64 KB of whole lines at a time.
	t.true(pauses >= Math.floor(text.length / 65_536) && pauses > 1, `${pauses} turns of the event loop for ${text.length} bytes`);
	// A part spread over lines by hand: one piece too.
	const part = text.replace('\n["cluster",', '\n["cluster",\n');
	t.not(part, text);
	t.deepEqual((await parseSnapshotJson(Buffer.from(part), 0, pause)).snapshot, expected);
	// The same data written by JSON.stringify (no line for each object) or pretty-printed, as the snapshot or as the file's text: one piece.
	for (const other of [JSON.stringify(expected), JSON.stringify(expected, null, 2), JSON.stringify(JSON.parse(text)), JSON.stringify(JSON.parse(text), null, 1)]) {
		pauses = 0;
		t.deepEqual((await parseSnapshotJson(Buffer.from(other), 0, pause)).snapshot, expected);
		t.is(pauses, 0);
	}
	// An object spread over lines by hand: the line that is not an object sends it back to one piece.
	const edited = text.replace('"kind":"ConfigMap",', '"kind":"ConfigMap",\n');
	t.deepEqual((await parseSnapshotJson(Buffer.from(edited), 0, pause)).snapshot, readSnapshotText(edited));
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

test('a state file carries the digest of its objects\' lines: the parse says they are intact while the digest matches, and takes the digest out of the snapshot', async t => {
	const cluster = createCluster({seed: 6, demo: true});
	cluster.advance(10_000);
	const snapshot = cluster.snapshot({history: false});
	const text = new SnapshotJson().stringify(snapshot);
	const expected = JSON.parse(JSON.stringify(snapshot)) as unknown;
	const digest = /,"objectsSha256":"([0-9a-f]{64})",/.exec(text);
	t.truthy(digest, 'the digest follows the snapshot\'s kind');
	const objects = text.slice(text.indexOf('"objects":[\n') + '"objects":[\n'.length, text.indexOf('\n]},"kind":'));
	t.is(digest![1], createHash('sha256').update(objects).digest('hex'));
	const pause = async () => undefined;
	t.deepEqual(await parseSnapshotJson(Buffer.from(text), 0, pause), {snapshot: expected, objectsIntact: true});
	t.deepEqual(readSnapshotText(text), expected);
	// One object changed in its line, the layout kept: the objects are no longer as saved.
	const edited = text.replace('"kind":"ConfigMap","metadata":{"name":"kube-root-ca.crt"', '"kind":"ConfigMap","metadata":{"name":"kube-root-ca.crt","labels":{"x":"y"}');
	t.not(edited, text);
	const read = await parseSnapshotJson(Buffer.from(edited), 0, pause);
	t.false(read.objectsIntact);
	t.false(JSON.stringify(read.snapshot).includes('objectsSha256'));
	// A digest that is no text, one of another file, none at all, or a file parsed in one piece: not intact.
	for (const other of [text.replace(digest![0], ',"objectsSha256":42,'), text.replace(digest![1]!, '0'.repeat(64)), text.replace(digest![0], ','), JSON.stringify(JSON.parse(text), null, 1)]) {
		const parsed = await parseSnapshotJson(Buffer.from(other), 0, pause);
		t.false(parsed.objectsIntact);
		t.deepEqual(parsed.snapshot, expected);
	}
});

test('a part that is a long list (each node\'s runtime) is written a record a line, and read back a record at a time', async t => {
	const cluster = createCluster({seed: 4, nodes: 20});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'}, spec: {replicas: 40, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.27'}]}}}});
	cluster.advance(20_000);
	const snapshot = cluster.snapshot({history: false});
	const text = new SnapshotJson().stringify(snapshot);
	const lines = text.split('\n');
	const opens = lines.indexOf('["runtimes",[');
	t.true(opens > 0, 'the runtimes part opens on a line of its own');
	const runtimes = snapshot.state!.parts.find(([name]) => name === 'runtimes')![1] as Array<[string, unknown]>;
	t.is(runtimes.length, 20);
	runtimes.forEach(([node, state], index) => {
		const line = lines[opens + 1 + index]!;
		t.deepEqual(JSON.parse(index < runtimes.length - 1 ? line.slice(0, -1) : line), JSON.parse(JSON.stringify([node, state])), node);
	});
	t.regex(lines[opens + 1 + runtimes.length]!, /^\]\],?$/);
	const expected = JSON.parse(JSON.stringify(snapshot)) as unknown;
	t.deepEqual(readSnapshotText(text), expected);
	// Read with the event loop turning before every record: each runtime is a piece of its own.
	let pauses = 0;
	t.deepEqual((await parseSnapshotJson(Buffer.from(text), 0, async () => {
		pauses++;
	})).snapshot, expected);
	t.true(pauses > 20, `${pauses} turns`);
	// A record split over lines by hand, or a list part that never closes: read in one piece, or JSON.parse's error.
	const split = text.replace(`\n${lines[opens + 2]!}`, `\n${lines[opens + 2]!.replace('{', '{\n')}`);
	t.deepEqual((await parseSnapshotJson(Buffer.from(split), 0, async () => {})).snapshot, expected);
	const unclosed = text.replace(/\n\]\],?\n/, '\n');
	t.not(unclosed, text);
	await t.throwsAsync(parseSnapshotJson(Buffer.from(unclosed), 0, async () => {}));
});

test('a frozen part state (given again unchanged) is made a few values at a time the first time, then its bytes are kept', t => {
	const cluster = createCluster({seed: 3, demo: true});
	cluster.advance(30_000);
	const snapshot = cluster.snapshot({history: false});
	const workers = Array.from({length: 200}, (_, i) => ({worker: i, state: 'running'}));
	const frozen = Object.freeze({workers});
	const withFrozen = {...snapshot, state: {...snapshot.state!, parts: [...snapshot.state!.parts, ['extra', frozen]]}};
	const json = new SnapshotJson();
	const slicesOf = () => {
		const prepared = json.prepare(withFrozen);
		let slices = 1;
		while (!json.fill(prepared, () => true)) slices++;
		return {slices, chunks: json.assemble(prepared)};
	};
	const first = slicesOf();
	const second = slicesOf();
	t.true(first.slices - second.slices >= 200, `its 200 records one at a time the first time (${first.slices} slices, then ${second.slices})`);
	const expected = JSON.parse(JSON.stringify(withFrozen)) as unknown;
	t.deepEqual(readSnapshotText(Buffer.concat(first.chunks).toString('utf8')), expected);
	t.deepEqual(readSnapshotText(Buffer.concat(second.chunks).toString('utf8')), expected);
	const kept = second.chunks.find(chunk => chunk.toString('utf8') === JSON.stringify(frozen));
	t.truthy(kept, 'the frozen state is one chunk the second time');
	t.true(slicesOf().chunks.includes(kept!), 'the same Buffer again');
});
