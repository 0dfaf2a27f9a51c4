import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {autosaveCluster, openState, restartedNote} from '../../source/state/cluster-state.js';
import {StateFileError} from '../../source/state/state-file.js';
import {readSnapshotText, SnapshotJson} from '../../source/state/snapshot-json.js';

function scratch(t: {teardown: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-cluster-state-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

/** A real snapshot's text, made once. */
const saved = (() => {
	const cluster = createCluster({seed: 6, nodes: 2});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'kept'}, data: {a: '1'}});
	cluster.advance(3_000);
	return JSON.stringify(cluster.snapshot());
})();

const wrongShape = (() => {
	const data = JSON.parse(saved) as {store: {objects: unknown}};
	data.store.objects = null;
	return JSON.stringify(data);
})();

/** The file as the autosave writes it, one of its objects' delta lines naming an object before the first. */
const damagedDelta = (() => {
	const lines = new SnapshotJson().stringify(JSON.parse(saved)).split('\n');
	const at = lines.findIndex(line => line.startsWith('['));
	lines[at] = lines[at]!.replace(/^\[\d+,/, '[99999,');
	return lines.join('\n');
})();

/** The snapshot with one of its Events' message made a number (a file changed by hand). */
const damagedEvent = (() => {
	const data = JSON.parse(saved) as {store: {objects: Array<{kind: string; message?: unknown}>}};
	data.store.objects.find(object => object.kind === 'Event')!.message = 42;
	return JSON.stringify(data);
})();

/** The file as the autosave writes it, one Event's message made a number in its line (the digest after the objects no longer matches them). */
const damagedEventLine = (() => {
	const lines = new SnapshotJson().stringify(JSON.parse(saved)).split('\n');
	const at = lines.findIndex(line => line.includes('"kind":"Event"') && /"message":"[^"]*"/.test(line));
	lines[at] = lines[at]!.replace(/"message":"[^"]*"/, '"message":42');
	return lines.join('\n');
})();

const cases: Array<[string, string, RegExp]> = [
	['empty', '', /it is empty/],
	['truncated', saved.slice(0, Math.floor(saved.length / 2)), /it is truncated: the JSON stops after \d+ bytes/],
	['not JSON', 'this is not json', /it is not JSON/],
	['of an unknown (newer) version', JSON.stringify({...JSON.parse(saved), version: 7}), /it cannot be restored: snapshot version 7 is newer than this build reads \(4\)/],
	['valid JSON of the wrong shape', wrongShape, /it cannot be restored: snapshot\.store\.objects: expected an array, got null/],
	['whose object written as a delta names no earlier object', damagedDelta, /it cannot be restored: snapshot\.store\.objects\[\d+\]: expected an object, got an array/],
	['with an Event whose message is a number', damagedEvent, /it cannot be restored: Event [\w-]+\/[\w.-]+: message is 42, not a text/],
	['with an Event whose message was made a number in its line', damagedEventLine, /it cannot be restored: Event [\w-]+\/[\w.-]+: message is 42, not a text/],
];

for (const [name, content, reason] of cases) {
	test(`openState: a file ${name} is a StateFileError with the path, the reason and what to do, and is left untouched`, async t => {
		const dir = scratch(t);
		const file = join(dir, 'state.json');
		writeFileSync(file, content);
		const mtime = statSync(file).mtimeMs;
		const error = (await t.throwsAsync(openState(file), {instanceOf: StateFileError}))!;
		t.true(error.message.startsWith(`cannot use the state file ${file}: `), error.message);
		t.regex(error.message, reason);
		t.true(error.message.includes('--reset-state'), error.message);
		t.is(readFileSync(file, 'utf8'), content);
		t.is(statSync(file).mtimeMs, mtime);
		t.deepEqual(readdirSync(dir), ['state.json']);
	});
}

test('openState: no file is a fresh start; --reset-state moves a bad file aside and starts fresh', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	t.deepEqual(await openState(file), {});
	writeFileSync(file, 'garbage');
	const opened = await openState(file, {reset: true, now: new Date('2026-12-05T18:00:00Z')});
	t.is(opened.cluster, undefined);
	t.is(opened.movedAside, `${file}.corrupt-2026-12-05T18-00-00-000Z`);
	t.is(readFileSync(opened.movedAside!, 'utf8'), 'garbage');
	t.deepEqual(readdirSync(dir), ['state.json.corrupt-2026-12-05T18-00-00-000Z']);
});

test('saved and opened again: the same objects, clock and next names; a change is saved by the watch', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	const cluster = createCluster({seed: 8, demo: true});
	cluster.advance(5_000);
	const autosave = autosaveCluster(cluster, file, {intervalMs: 0});
	cluster.scale('Deployment', 'web', 5, {namespace: 'shop'});
	t.true(autosave.pending, 'the scale was heard through the watch');
	await new Promise(resolve => setTimeout(resolve, 20));
	await autosave.settled();
	t.false(autosave.pending);
	t.is(autosave.saves, 1);
	const restored = (await openState(file)).cluster!;
	t.is(restored.get('deploy', 'web', 'shop')!.spec.replicas, 5);
	t.is(restored.now(), cluster.now());
	cluster.advance(10_000);
	restored.advance(10_000);
	const names = (c: typeof cluster) => c.list('Pod', {namespace: 'shop'}).map(p => `${p.metadata.name} ${p.status.phase}`).sort();
	t.deepEqual(names(restored), names(cluster), 'the same pods, with the same generated names');
	autosave.detach();
});

/** A file another build saved: its parts' state is in another form, and this build replays its journal differently (its clock is not where the journal leads). */
const otherBuild = (() => {
	const data = JSON.parse(saved) as {clock: {now: number}; state: {format: number}};
	data.clock.now += 1000;
	data.state.format += 1;
	return JSON.stringify(data);
})();

test('openState: a file another build saved comes back from its objects, with the notice; the file is left for the autosave, after which it restores exactly', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	writeFileSync(file, otherBuild);
	const mtime = statSync(file).mtimeMs;
	t.throws(() => createCluster({snapshot: JSON.parse(otherBuild)}), {message: /^snapshot\.state\.format: the snapshot's parts saved their state in form \d+, this build's in form \d+: it was saved by another build/});
	t.throws(() => createCluster({snapshot: JSON.parse(otherBuild), restore: 'replay'}), {message: /saved by a build whose engine behaves differently/});
	const opened = await openState(file);
	t.is(opened.restarted, 'another build');
	const cluster = opened.cluster!;
	t.is((cluster.get('ConfigMap', 'kept') as any)?.data?.a, '1');
	t.is(cluster.now(), JSON.parse(otherBuild).clock.now);
	t.is(restartedNote(file, opened.restarted!), `the state file ${file} was saved by another build; the cluster was restarted from its saved objects, as after minikube stop and start (pods restarted once)`);
	t.is(readFileSync(file, 'utf8'), otherBuild, 'opening writes nothing');
	t.is(statSync(file).mtimeMs, mtime);
	const autosave = autosaveCluster(cluster, file, {intervalMs: 0});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'later'}, data: {b: '2'}});
	await new Promise(resolve => setTimeout(resolve, 20));
	await autosave.settled();
	autosave.detach();
	const again = await openState(file);
	t.is(again.restarted, undefined, 'the next start restores exactly');
	t.is((again.cluster!.get('ConfigMap', 'later') as any)?.data?.b, '2');
	t.deepEqual(again.cluster!.list('ConfigMap').map(c => c.metadata.uid), cluster.list('ConfigMap').map(c => c.metadata.uid));
});

test('openState: a file whose simulation state this build cannot load comes back from its objects, and the notice says so (not another build)', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	const data = JSON.parse(saved) as {state: {parts: Array<[string, unknown]>}};
	const at = data.state.parts.findIndex(([name]) => name === 'runtimes');
	data.state.parts[at]![1] = 'not a runtime';
	const text = JSON.stringify(data);
	writeFileSync(file, text);
	const opened = await openState(file);
	t.is(opened.restarted, 'state not loadable');
	t.is((opened.cluster!.get('ConfigMap', 'kept') as any)?.data?.a, '1');
	t.is(restartedNote(file, opened.restarted!), `the state file ${file} holds a simulation state this build could not load; the cluster was restarted from its saved objects, as after minikube stop and start (pods restarted once)`);
	t.is(readFileSync(file, 'utf8'), text, 'opening writes nothing');
});

/** A cluster with a few of everything a state file holds: pods of a ReplicaSet (written as deltas), events, runtimes, kubelets. */
function busyCluster() {
	const cluster = createCluster({seed: 11, nodes: 3});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {
		replicas: 6, selector: {matchLabels: {app: 'web'}},
		template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}},
	}});
	cluster.advance(40_000);
	return cluster;
}

test('the first save after an open reuses the file\'s lines for what did not change: the same file again, and after a change the same bytes a save from scratch makes', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	const text = new SnapshotJson().stringify(busyCluster().snapshot({history: false}));
	writeFileSync(file, text);
	const opened = await openState(file);
	t.truthy(opened.lines);
	const seeded = new SnapshotJson();
	seeded.seed(opened.lines!);
	t.is(seeded.stringify(opened.cluster!.snapshot({history: false})), text, 'nothing changed: the file as it was');

	const again = await openState(file);
	again.cluster!.advance(30_000);
	again.cluster!.scale('Deployment', 'web', 4);
	again.cluster!.advance(10_000);
	const after = again.cluster!.snapshot({history: false});
	const fromFile = new SnapshotJson();
	fromFile.seed(again.lines!);
	t.is(fromFile.stringify(after), new SnapshotJson().stringify(after));
});

test('the lines reused are the file\'s own: an object line spaced out by hand stays so in the first save, as long as its object does not change', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	const lines = new SnapshotJson().stringify(busyCluster().snapshot({history: false})).split('\n');
	const at = lines.findIndex(line => line.startsWith('{"apiVersion":"v1","kind":"Namespace"'));
	t.true(at > 0);
	lines[at] = lines[at]!.replace('"kind":"Namespace"', '"kind": "Namespace"');
	writeFileSync(file, lines.join('\n'));
	const opened = await openState(file);
	const autosave = autosaveCluster(opened.cluster!, file, {seed: opened.lines});
	autosave.changed();
	autosave.flush();
	const written = readFileSync(file, 'utf8').split('\n');
	t.true(written.includes(lines[at]!), 'the hand-spaced line is written as the file had it');
	const fresh = new SnapshotJson().stringify(opened.cluster!.snapshot({history: false})).split('\n');
	t.false(fresh.includes(lines[at]!), 'a save from scratch writes it as JSON.stringify does');
	t.deepEqual(readSnapshotText(written.join('\n')), readSnapshotText(fresh.join('\n')), 'the same data (the digests of the two files\' objects aside)');
});

test('openState takes the bytes read ahead of the file it opens, and only of that file, and not after --reset-state moved it aside', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	writeFileSync(file, saved);
	const reference = await openState(file);
	// Bytes read ahead that differ from the file's show which of the two the open took.
	const other = JSON.parse(saved) as {store: {objects: Array<{metadata: {name: string}; data?: Record<string, string>}>}};
	other.store.objects.find(object => object.metadata.name === 'kept')!.data = {a: 'read ahead'};
	const aheadBytes = Buffer.from(JSON.stringify(other));
	const keptData = (opened: Awaited<ReturnType<typeof openState>>) => (opened.cluster!.get('ConfigMap', 'kept') as {data?: Record<string, string>}).data;
	t.deepEqual(keptData(reference), {a: '1'});
	t.deepEqual(keptData(await openState(file, {readAhead: {file, bytes: Promise.resolve(aheadBytes)}})), {a: 'read ahead'});
	// Of another file, or nothing read (not a regular file, a failed read): the file's own bytes.
	t.deepEqual(keptData(await openState(file, {readAhead: {file: join(dir, 'other.json'), bytes: Promise.resolve(aheadBytes)}})), {a: '1'});
	t.deepEqual(keptData(await openState(file, {readAhead: {file, bytes: Promise.resolve(undefined)}})), {a: '1'});
	// Moved aside first: a fresh start, whatever was read ahead.
	const reset = await openState(file, {reset: true, readAhead: {file, bytes: Promise.resolve(aheadBytes)}});
	t.truthy(reset.movedAside);
	t.is(reset.cluster, undefined);
});

test('openState: an event recorder state that names no place in its ring is not loaded: the cluster comes back from its objects, and runs', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	const data = JSON.parse(saved) as {state: {parts: Array<[string, {counted: unknown[]}]>}};
	const recorder = data.state.parts.find(([name]) => name === 'events')![1];
	recorder.counted = [...recorder.counted, '2026-01-01T09:00:00Z'];
	writeFileSync(file, JSON.stringify(data));
	const opened = await openState(file);
	t.is(opened.restarted, 'state not loadable');
	opened.cluster!.advance(30_000);
	t.truthy(opened.cluster!.snapshot({history: false}));
});

test('openState: an Event made through the API without a message, type or times comes back from the objects, and the cluster runs', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	const cluster = createCluster({seed: 6, nodes: 1});
	cluster.advance(2_000);
	cluster.apply({apiVersion: 'v1', kind: 'Event', metadata: {name: 'bare', namespace: 'default'}, involvedObject: {kind: 'Pod', name: 'x', namespace: 'default'}, reason: 'Custom'});
	const data = JSON.parse(JSON.stringify(cluster.snapshot())) as {state: {format: number}};
	// Saved by another build: the restore goes by the objects, the Event among them.
	data.state.format += 1;
	writeFileSync(file, JSON.stringify(data));
	const opened = await openState(file);
	t.is(opened.restarted, 'another build');
	t.truthy(opened.cluster!.get('Event', 'bare', 'default'));
	opened.cluster!.advance(30_000);
	t.truthy(opened.cluster!.get('Event', 'bare', 'default'));
});

/** The demo with a database row, as data: its parts hold a volume's tree, work queues and the facade's own state. */
const demo = (() => {
	const cluster = createCluster({seed: 6, demo: true});
	cluster.advance(60_000);
	cluster.exec('db-0', ['kv', 'set', 'greeting', 'hello'], {namespace: 'shop'});
	return JSON.stringify(cluster.snapshot());
})();

type Damaged = {state: {parts: Array<[string, any]>}; store: {objects: any[]}};
const partDamage: Array<[string, (data: Damaged) => void]> = [
	['a work queue key that is a number', data => data.state.parts.find(([name]) => name === 'queues')![1][0][1].queued.push(1)],
	['a volume file whose content is a list', data => {
		const tree = data.state.parts.find(([name]) => name === 'volumes')![1][0][1];
		tree.entries.find((entry: unknown[]) => entry.length === 4)[3] = [];
	}],
	['a last-applied configuration that is a list', data => (data.state.parts.find(([name]) => name === 'cluster')![1].applied[0][1] = ['x'])],
];

for (const [name, damage] of partDamage) {
	test(`openState: a state with ${name} is not loaded: the cluster comes back from its objects, runs, and its own save opens as saved`, async t => {
		const dir = scratch(t);
		const file = join(dir, 'state.json');
		const data = JSON.parse(demo) as Damaged;
		damage(data);
		writeFileSync(file, JSON.stringify(data));
		const opened = await openState(file);
		t.is(opened.restarted, 'state not loadable');
		opened.cluster!.advance(30_000);
		const again = join(dir, 'again.json');
		const autosave = autosaveCluster(opened.cluster!, again);
		autosave.changed();
		autosave.flush();
		const reopened = await openState(again);
		t.truthy(reopened.cluster);
		t.is(reopened.restarted, undefined, 'what the app saved restores exactly');
	});
}

test('openState: an object whose namespace is not a text is a StateFileError naming it', async t => {
	const dir = scratch(t);
	const file = join(dir, 'state.json');
	const data = JSON.parse(demo) as Damaged;
	data.store.objects.find(object => object.kind === 'Pod').metadata.namespace = ['shop'];
	const content = JSON.stringify(data);
	writeFileSync(file, content);
	const error = (await t.throwsAsync(openState(file), {instanceOf: StateFileError}))!;
	t.regex(error.message, /it cannot be restored: snapshot\.store\.objects\[\d+\]\.metadata\.namespace: expected a string/);
	t.is(readFileSync(file, 'utf8'), content);
});
