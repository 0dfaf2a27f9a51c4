import test from 'ava';
import fc from 'fast-check';
import {createCluster, KubeError} from '../../source/engine/index.js';
import {Store} from '../../source/engine/store.js';
import {SeededRandom, VirtualClock} from '../../source/engine/clock.js';

const configMap = (name: string, data: Record<string, string> = {a: '1'}, extra: Record<string, unknown> = {}) => ({
	apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, ...extra}, data,
});

test('create fills server metadata; every write gets a new, larger resourceVersion', t => {
	const cluster = createCluster({seed: 1});
	const [created] = cluster.apply(configMap('settings'));
	t.regex(created!.metadata.uid, /^[0-9a-f-]{36}$/);
	t.is(created!.metadata.namespace, 'default');
	t.is(created!.metadata.creationTimestamp, '2026-01-01T09:00:00Z');
	const [updated] = cluster.apply(configMap('settings', {a: '2'}));
	t.true(Number(updated!.metadata.resourceVersion) > Number(created!.metadata.resourceVersion));
	t.is(updated!.metadata.uid, created!.metadata.uid);
	t.not(updated, created, 'a new object, not a mutated one');
	t.is(created!['data'] && (created!['data'] as Record<string, string>)['a'], '1');
});

test('a stale resourceVersion is a Conflict and changes nothing', t => {
	const cluster = createCluster({seed: 1});
	const [created] = cluster.apply(configMap('settings'));
	cluster.apply(configMap('settings', {a: '2'}));
	const error = t.throws(() => cluster.apply({...configMap('settings', {a: '3'}), metadata: {name: 'settings', resourceVersion: created!.metadata.resourceVersion}}), {instanceOf: KubeError});
	t.is(error!.code, 'Conflict');
	t.is(error!.message, 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again');
	t.deepEqual(cluster.get('cm', 'settings')!['data'], {a: '2'});
});

test('generation moves with spec changes, not with status writes', t => {
	const cluster = createCluster({seed: 1});
	const deployment = (image: string, labels: Record<string, string> = {}) => ({
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', labels},
		spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'c', image}]}}},
	});
	t.is(cluster.apply(deployment('nginx:1.25'))[0]!.metadata.generation, 1);
	t.is(cluster.apply(deployment('nginx:1.25'))[0]!.metadata.generation, 1, 'the same manifest again');
	cluster.advance(5000);
	t.is(cluster.get('deploy', 'web')!.metadata.generation, 1, 'status writes do not count');
	t.is(cluster.apply(deployment('nginx:1.26'))[0]!.metadata.generation, 2);
});

test('generateName draws the API server suffix; the same seed replays the same names', t => {
	const names = (seed: number) => {
		const cluster = createCluster({seed});
		return [1, 2, 3].map(() => cluster.apply({...configMap(''), metadata: {generateName: 'job-'}})[0]!.metadata.name);
	};
	const first = names(9);
	for (const name of first) t.regex(name, /^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
	t.deepEqual(names(9), first);
	t.notDeepEqual(names(10), first);
});

test('an object with finalizers stays terminating until the list is empty', t => {
	const cluster = createCluster({seed: 1});
	cluster.apply(configMap('held', {a: '1'}, {finalizers: ['example.com/hold']}));
	const terminating = cluster.delete('cm', 'held');
	t.truthy(terminating?.metadata.deletionTimestamp);
	cluster.advance(60_000);
	t.truthy(cluster.get('cm', 'held'));
	cluster.apply({...configMap('held'), metadata: {name: 'held', finalizers: []}});
	t.is(cluster.get('cm', 'held'), undefined);
});

test('watch reports ADDED, MODIFIED and DELETED of one kind', t => {
	const cluster = createCluster({seed: 1});
	const seen: string[] = [];
	const stop = cluster.watch(event => seen.push(`${event.type} ${event.object.metadata.name}`), {kind: 'cm'});
	cluster.apply(configMap('a'));
	cluster.apply(configMap('a', {a: '9'}));
	cluster.delete('configmaps', 'a');
	stop();
	cluster.apply(configMap('b'));
	t.deepEqual(seen, ['ADDED a', 'MODIFIED a', 'DELETED a']);
});

test('bad input is refused with specific errors and changes nothing', t => {
	const cluster = createCluster({seed: 1});
	const before = JSON.stringify(cluster.list('configmaps'));
	const cases: Array<[unknown, KubeError['code'], string]> = [
		[{apiVersion: 'v1', kind: 'Gizmo', metadata: {name: 'x'}}, 'NotFound', 'no matches for kind "Gizmo" in version "v1"'],
		['a: [1, 2', 'BadRequest', 'error converting YAML to JSON'],
		[[configMap('fine'), configMap('Not_Valid')], 'Invalid', 'ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain'],
		[configMap('x', {}, {labels: {'bad key!': 'v'}}), 'Invalid', 'metadata.labels: Invalid value: "bad key!"'],
		[configMap('x', {}, {namespace: 'nowhere'}), 'NotFound', 'namespaces "nowhere" not found'],
	];
	for (const [input, code, message] of cases) {
		const error = t.throws(() => cluster.apply(input as never), {instanceOf: KubeError});
		t.is(error!.code, code);
		t.true(error!.message.includes(message), error!.message);
	}
	t.is(JSON.stringify(cluster.list('configmaps')), before);
	t.is(t.throws(() => cluster.get('gizmos', 'x'), {instanceOf: KubeError})!.message, 'the server doesn\'t have a resource type "gizmos"');
	t.is(t.throws(() => cluster.delete('cm', 'missing'))!.message, 'configmaps "missing" not found');
	t.is(t.throws(() => cluster.advance(-1))!.message, 'advance: time must be a finite number of milliseconds >= 0, got -1');
});

test('a store loaded from saved objects lists each owner\'s dependents in the order the store that wrote them did', t => {
	type Step = {op: 'create' | 'write' | 'adopt' | 'release' | 'remove'; owner: number; dependent: number};
	const step = fc.record({op: fc.constantFrom('create' as const, 'write' as const, 'adopt' as const, 'release' as const, 'remove' as const), owner: fc.nat(2), dependent: fc.nat(7)});
	fc.assert(fc.property(fc.array(step, {maxLength: 60}), (steps: Step[]) => {
		const store = new Store(new VirtualClock(), new SeededRandom(1));
		const owners = [0, 1, 2].map(i => store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `owner-${i}`, namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: ''}}));
		const ref = (i: number) => ({apiVersion: 'v1', kind: 'ConfigMap', name: `owner-${i}`, uid: owners[i]!.metadata.uid});
		const secret = (i: number) => store.get('Secret', 'default', `dependent-${i}`);
		for (const {op, owner, dependent} of steps) {
			const current = secret(dependent);
			if (op === 'create' && !current) store.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: `dependent-${dependent}`, namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: '', ownerReferences: [ref(owner)]}});
			if (!current) continue;
			const refs = current.metadata.ownerReferences ?? [];
			if (op === 'write') store.update({...current, data: {n: String(Number(current['data']?.['n' as never] ?? 0) + 1)}} as typeof current);
			if (op === 'adopt' && !refs.some(r => r.uid === owners[owner]!.metadata.uid)) store.update({...current, metadata: {...current.metadata, ownerReferences: [...refs, ref(owner)]}});
			if (op === 'release') store.update({...current, metadata: {...current.metadata, ownerReferences: refs.filter(r => r.uid !== owners[owner]!.metadata.uid)}});
			if (op === 'remove') store.remove(current);
		}
		const loaded = new Store(new VirtualClock(), new SeededRandom(1));
		loaded.load(JSON.parse(JSON.stringify(store.all())), store.resourceVersion);
		for (const owner of owners) {
			const order = (from: Store) => from.dependentsOf(owner.metadata.uid).map(d => d.metadata.name);
			t.deepEqual(order(loaded), order(store));
		}
	}), {numRuns: 200});
});
