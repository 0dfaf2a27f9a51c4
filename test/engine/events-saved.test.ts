import test from 'ava';
import fc from 'fast-check';
import {SeededRandom, VirtualClock} from '../../source/engine/clock.js';
import {EventRecorder, type SavedEventRecorder} from '../../source/engine/events.js';
import {Store} from '../../source/engine/store.js';
import type {KubeEvent, KubeObject} from '../../source/engine/api/types.js';

/** What events are about: namespaced and cluster-scoped objects, two of the same name, and one of a kind the store does not serve (its events are dropped). */
const objects: KubeObject[] = [
	{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', namespace: 'default', uid: 'u-c', resourceVersion: '1', creationTimestamp: ''}},
	{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'c', namespace: 'default', uid: 'u-p', resourceVersion: '1', creationTimestamp: ''}},
	{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'q', namespace: 'other', uid: 'u-q', resourceVersion: '1', creationTimestamp: ''}},
	{apiVersion: 'v1', kind: 'Node', metadata: {name: 'node-1', uid: 'u-n', resourceVersion: '1', creationTimestamp: ''}},
	{apiVersion: 'x/v1', kind: 'Unserved', metadata: {name: 'x', namespace: 'default', uid: 'u-x', resourceVersion: '1', creationTimestamp: ''}},
] as KubeObject[];

type Step =
	| {op: 'record'; object: number; warning: boolean; reason: string; message: string; component: string; fieldPath?: string}
	| {op: 'advance'; ms: number}
	| {op: 'remove'; index: number}
	| {op: 'trim'}
	/** Many kinds of similar events (one object each): the aggregator's cache evicts its least recently used. */
	| {op: 'spread'; count: number; offset: number}
	/** Many events in one instant: names count up within the millisecond, the ring trims at its capacity and compacts. */
	| {op: 'flood'; count: number};

const step: fc.Arbitrary<Step> = fc.oneof(
	{
		arbitrary: fc.record({
			op: fc.constant('record' as const),
			object: fc.nat(objects.length - 1),
			warning: fc.boolean(),
			reason: fc.constantFrom('Pulled', 'Failed'),
			message: fc.constantFrom(...Array.from({length: 14}, (_, i) => `message ${i}`)),
			component: fc.constantFrom('kubelet', 'scheduler'),
			fieldPath: fc.option(fc.constant('spec.containers{c}'), {nil: undefined}),
		}, {requiredKeys: ['op', 'object', 'warning', 'reason', 'message', 'component']}),
		weight: 12,
	},
	{arbitrary: fc.record({op: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, 999, 1000, 60_000, 601_000, 3_500_000)}), weight: 4},
	{arbitrary: fc.record({op: fc.constant('remove' as const), index: fc.nat(40)}), weight: 2},
	{arbitrary: fc.record({op: fc.constant('trim' as const)}), weight: 1},
	{arbitrary: fc.record({op: fc.constant('spread' as const), count: fc.integer({min: 1, max: 30}), offset: fc.nat(20)}), weight: 1},
	{arbitrary: fc.record({op: fc.constant('flood' as const), count: fc.integer({min: 100, max: 5000})}), weight: 1},
);

type Side = {store: Store; clock: VirtualClock; random: SeededRandom; recorder: EventRecorder};

function run(side: Side, step: Step): unknown {
	const {store, clock, recorder} = side;
	switch (step.op) {
		case 'record':
			recorder.record(objects[step.object]!, step.warning ? 'Warning' : 'Normal', step.reason, step.message, {component: step.component, host: 'node-1'}, step.fieldPath);
			break;
		case 'advance': clock.advanceTo(clock.now() + step.ms, () => undefined); break;
		case 'remove': {
			const events = store.list('Event');
			if (events.length > 0) store.remove(events[step.index % events.length]!);
			break;
		}
		case 'trim': recorder.trim(); break;
		case 'spread':
			for (let i = 0; i < step.count; i++) {
				const object = {...objects[0]!, metadata: {...objects[0]!.metadata, name: `s${step.offset + i}`, uid: `u-s${step.offset + i}`}};
				recorder.normal(object, 'Spread', `message ${i % 3}`, {component: 'test'});
			}
			break;
		case 'flood':
			for (let i = 0; i < step.count; i++) recorder.normal(objects[i % 2]!, 'Flood', `message ${i}`, {component: 'test'});
			break;
	}
	return {events: store.list('Event') as KubeEvent[], dropped: recorder.dropped, resourceVersion: store.resourceVersion};
}

/**
 * Record `steps` on one recorder; at `cut`, save it through JSON, make a
 * second store from the first one's objects and a fresh recorder over it
 * that loads the saved state, then run the remaining steps on both: the
 * stores must hold the same Events after every step.
 */
function sameAfterLoad(steps: readonly Step[], cut: number, capacity: number, similarCapacity: number): void {
	const clock = new VirtualClock();
	const random = new SeededRandom(7);
	const store = new Store(clock, random);
	const live: Side = {store, clock, random, recorder: new EventRecorder(store, clock, capacity, similarCapacity)};
	const at = Math.min(cut, steps.length);
	for (const each of steps.slice(0, at)) run(live, each);
	const saved = JSON.parse(JSON.stringify(live.recorder.save())) as SavedEventRecorder;
	const restoredClock = new VirtualClock(clock.now());
	const restoredRandom = new SeededRandom(0, random.state());
	const restoredStore = new Store(restoredClock, restoredRandom);
	restoredStore.load(store.all(), store.resourceVersion);
	const restored: Side = {store: restoredStore, clock: restoredClock, random: restoredRandom, recorder: new EventRecorder(restoredStore, restoredClock, capacity, similarCapacity)};
	restored.recorder.load(saved);
	if (JSON.stringify(restored.recorder.save()) !== JSON.stringify(saved)) throw new Error('the loaded recorder saves differently');
	for (const [index, each] of steps.slice(at).entries()) {
		const expected = JSON.stringify(run(live, each));
		const actual = JSON.stringify(run(restored, each));
		if (expected !== actual) throw new Error(`step ${at + index} (${JSON.stringify(each)}) records differently after the load`);
	}
	if (JSON.stringify(restored.recorder.save()) !== JSON.stringify(live.recorder.save())) throw new Error('the recorders\' states differ at the end');
}

test('a recorder loaded from its saved state records the same Events as the one that never stopped: names, counts, combined messages and trims', t => {
	t.notThrows(() => fc.assert(fc.property(
		fc.array(step, {maxLength: 60}), fc.nat(60), fc.integer({min: 2, max: 40}), fc.integer({min: 2, max: 12}),
		(steps, cut, capacity, similarCapacity) => sameAfterLoad(steps, cut, capacity, similarCapacity),
	), {numRuns: 200}));
});

test('the saved recorder: the ring oldest first, the counted keys by ring position, the aggregator least recently used first', t => {
	const clock = new VirtualClock();
	const store = new Store(clock, new SeededRandom(1));
	const recorder = new EventRecorder(store, clock, 3, 2);
	const [configMap, pod] = objects;
	recorder.normal(configMap!, 'Seen', 'one', {component: 'test'});
	recorder.normal(pod!, 'Seen', 'two', {component: 'test'});
	recorder.normal(configMap!, 'Seen', 'three', {component: 'test'});
	clock.advanceTo(clock.now() + 1500, () => undefined);
	recorder.normal(configMap!, 'Seen', 'one', {component: 'test'});
	// Removed by someone else: the store no longer gives its key.
	const two = (store.list('Event') as KubeEvent[]).find(event => event.message === 'two')!;
	store.remove(two);
	const saved = recorder.save();
	const second = Math.floor(clock.now() / 1000) * 1000 - 1000;
	const names = (store.list('Event') as KubeEvent[]).map(event => event.metadata.name);
	t.deepEqual(saved.ring, [
		['default', names[0]!],
		['default', two.metadata.name, `test\u0000\u0000u-p\u0000Normal\u0000Seen\u0000\u0000two`, second],
		['default', names[1]!],
	], 'keys and times are left out where the store\'s Event gives them');
	t.deepEqual(saved.counted, [0, 1, 2]);
	t.deepEqual(saved.similar, [
		[`test\u0000\u0000u-p\u0000Normal\u0000Seen`, 'two', clock.now() - 1500],
		[`test\u0000\u0000u-c\u0000Normal\u0000Seen`, ['one', 'three'], clock.now()],
	]);
	t.deepEqual([saved.nameSequence, saved.dropped], [3, 0], 'three names made in the first millisecond');
	t.is((store.list('Event') as KubeEvent[]).find(event => event.message === 'one')!.count, 2);
});

test('adopted events without valid timestamps are saved with null times and loaded as never seen', t => {
	const clock = new VirtualClock();
	const store = new Store(clock, new SeededRandom(1));
	const event = (name: string, uid: string, reason: string, firstTimestamp: string, lastTimestamp: string) => ({
		apiVersion: 'v1', kind: 'Event', metadata: {name, namespace: 'default', uid, resourceVersion: '1', creationTimestamp: ''},
		involvedObject: {kind: 'ConfigMap', namespace: 'default', name: 'c', uid: 'u-c'}, reason, message: 'old', type: 'Normal',
		source: {component: 'test'}, firstTimestamp, lastTimestamp, count: 1,
	}) as unknown as KubeEvent;
	// The first is trimmed at once, though its kind of similar events stays; the second stays in the ring while its live copy is fresh.
	const events = [event('c.2', 'e2', 'Gone', '', ''), event('c.1', 'e1', 'Seen', '', '2026-01-01T09:00:00Z')];
	store.load(events, '1');
	const recorder = new EventRecorder(store, clock, 5);
	recorder.adopt(events);
	const saved = JSON.parse(JSON.stringify(recorder.save())) as SavedEventRecorder;
	t.deepEqual(saved.ring, [['default', 'c.1']], 'its time is unknown in the store as well');
	t.deepEqual(saved.similar.map(([, , lastMs]) => lastMs), [null, clock.now()]);
	const restored = new EventRecorder(store, clock, 5);
	restored.load(saved);
	t.deepEqual(restored.save(), recorder.save());
	restored.load(saved);
	t.deepEqual(restored.save(), recorder.save(), 'a second load replaces the first');
	restored.normal(objects[0]!, 'Seen', 'old', {component: 'test'});
	t.is((store.get('Event', 'default', 'c.1') as KubeEvent).count, 2, 'a repeat counts up the adopted event');
	// Its message changed by someone else, the store no longer gives its key: the entry keeps it, and its unknown time as null.
	const current = store.get('Event', 'default', 'c.1') as KubeEvent;
	store.update({...current, message: 'edited'});
	const edited = JSON.parse(JSON.stringify(restored.save())) as SavedEventRecorder;
	t.deepEqual(edited.ring, [['default', 'c.1', 'test\u0000\u0000u-c\u0000Normal\u0000Seen\u0000\u0000old', null]]);
	const again = new EventRecorder(store, clock, 5);
	again.load(edited);
	t.deepEqual(again.save(), restored.save());
});
