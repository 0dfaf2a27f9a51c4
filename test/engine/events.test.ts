import test from 'ava';
import {createCluster} from '../../source/engine/index.js';

const replicaSet = (replicas: number) => ({
	apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'big'},
	spec: {replicas, selector: {matchLabels: {app: 'big'}}, template: {metadata: {labels: {app: 'big'}}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}}},
});

test('thousands of events in one instant get unique names and never fail a sync', t => {
	// 15 nodes hold 1,650 pods (110 each).
	const cluster = createCluster({seed: 3, nodes: 15});
	// 1,500 pods in one apply: the scheduler places them all in the same virtual millisecond.
	cluster.apply(Array.from({length: 1500}, (_, i) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name: `p${i}`}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}})));
	cluster.advance(0);
	const scheduled = cluster.list('events').filter(e => e['reason'] === 'Scheduled');
	t.is(scheduled.length, 1500);
	t.is(new Set(scheduled.map(e => e['lastTimestamp'])).size, 1);
	t.deepEqual(cluster.controllerErrors().map(e => e.message.split('\n')[0]).slice(0, 3), []);
	const names = cluster.list('events').map(e => e.metadata.name);
	t.is(new Set(names).size, names.length);
	for (const name of names) t.regex(name, /^[a-z0-9.-]+\.[0-9a-f]{16}$/);
});

test('similar events are combined from the tenth distinct message on', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(replicaSet(1500));
	// The controller's client makes 20 calls a second after a burst of 30.
	cluster.advance(80_000);
	t.is(cluster.list('pods', {namespace: 'default'}).length, 1500);
	cluster.scale('rs', 'big', 0);
	cluster.advance(80_000);
	t.deepEqual(cluster.controllerErrors().map(e => e.message.split('\n')[0]).slice(0, 3), []);
	t.is(cluster.list('pods', {namespace: 'default'}).filter(p => !p.metadata.deletionTimestamp).length, 0);
	// Similar events (same source, object, type and reason) are combined from the tenth distinct message on.
	const deletes = cluster.eventsFor(cluster.get('rs', 'big')!).filter(e => e['reason'] === 'SuccessfulDelete');
	t.is(deletes.length, 10);
	const combined = deletes.find(e => String(e['message']).startsWith('(combined from similar events): Deleted pod: big-'))!;
	t.is(combined['count'], 1491);
	t.is(deletes.filter(e => e['count'] === 1).length, 9);
});

test('a repeated event bumps count and lastTimestamp of one Event', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}});
	cluster.advance(1000);
	const pod = cluster.get('pod', 'p')!;
	for (let i = 0; i < 3; i++) {
		cluster.context.events.warning(pod, 'Testing', 'same words', {component: 'test'});
		cluster.advance(2000);
	}
	const events = cluster.eventsFor(pod).filter(e => e['reason'] === 'Testing');
	t.is(events.length, 1);
	t.is(events[0]!['count'], 3);
	t.not(events[0]!['firstTimestamp'], events[0]!['lastTimestamp']);
});

test('similar events are combined only within ten minutes: after a quiet interval the distinct messages count from one again', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}});
	cluster.advance(1000);
	const pod = cluster.get('pod', 'p')!;
	const say = (message: string) => cluster.context.events.warning(pod, 'Testing', message, {component: 'test'});
	const testing = () => cluster.eventsFor(pod).filter(e => e['reason'] === 'Testing').map(e => String(e['message']));
	// One message said again is one distinct message, not two.
	say('m0');
	say('m0');
	for (let i = 1; i < 9; i++) say(`m${i}`);
	t.is(testing().length, 9);
	cluster.advance(601_000);
	say('after the interval');
	t.false(testing().some(m => m.startsWith('(combined')));
	for (let i = 0; i < 8; i++) say(`again ${i}`);
	t.false(testing().some(m => m.startsWith('(combined')));
	say('the tenth');
	t.true(testing().includes('(combined from similar events): the tenth'));
});

test('a recorder on a restored store adopts its Events: they are trimmed at the ring size in turn, and a repeat bumps its count', async t => {
	const {Store} = await import('../../source/engine/store.js');
	const {EventRecorder} = await import('../../source/engine/events.js');
	const {SeededRandom, VirtualClock} = await import('../../source/engine/clock.js');
	const clock = new VirtualClock();
	const random = new SeededRandom(1);
	const first = new Store(clock, random);
	const recorder = new EventRecorder(first, clock, 5);
	const object = first.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: ''}});
	for (let i = 0; i < 5; i++) {
		clock.advanceTo(clock.now() + 1000, () => undefined);
		recorder.normal(object, 'Seen', `message ${i}`, {component: 'test'});
	}
	const saved = first.all();
	const second = new Store(clock, random);
	second.load(saved, first.resourceVersion);
	const adopting = new EventRecorder(second, clock, 5);
	adopting.adopt(second.list('Event') as any);
	clock.advanceTo(clock.now() + 1000, () => undefined);
	adopting.normal(object, 'Seen', 'message 4', {component: 'test'});
	const repeated = second.list('Event').find(e => (e as any).message === 'message 4') as any;
	t.is(repeated.count, 2, 'the same message again bumps the saved event');
	for (let i = 5; i < 8; i++) adopting.normal(object, 'Seen', `message ${i}`, {component: 'test'});
	const messages = second.list('Event').map(e => (e as any).message);
	t.deepEqual(messages, ['message 3', 'message 4', 'message 5', 'message 6', 'message 7'], 'the oldest saved ones went first');
});

test('the ring trims the events the recorder made: one removed and made again by hand under its name is neither removed nor holds the trim back', async t => {
	const {Store} = await import('../../source/engine/store.js');
	const {EventRecorder} = await import('../../source/engine/events.js');
	const {SeededRandom, VirtualClock} = await import('../../source/engine/clock.js');
	const clock = new VirtualClock();
	const store = new Store(clock, new SeededRandom(1));
	const recorder = new EventRecorder(store, clock, 3);
	const object = store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: ''}});
	recorder.normal(object, 'Seen', 'message 0', {component: 'test'});
	const [first] = store.list('Event') as any[];
	store.remove(first);
	// A client makes an event under the same name an hour later (fresh, within the events' TTL).
	clock.advanceTo(clock.now() + 3_600_000, () => undefined);
	store.create({...first, metadata: {name: first.metadata.name, namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: ''}, message: 'by hand', lastTimestamp: '2026-01-01T10:00:00Z'});
	for (let i = 1; i <= 4; i++) recorder.normal(object, 'Seen', `message ${i}`, {component: 'test'});
	const messages = store.list('Event').map(e => (e as any).message);
	t.deepEqual(messages, ['by hand', 'message 2', 'message 3', 'message 4'], 'the hand-made event stays; the ring keeps its last three');
});
