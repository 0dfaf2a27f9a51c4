import test from 'ava';
import fc from 'fast-check';
import {VirtualClock} from '../../../source/engine/clock.js';
import {ItemExponentialBackoff, WorkQueue} from '../../../source/engine/controller.js';
import {WorkerPool} from '../../../source/engine/controllers/worker-pool.js';
import {ClientRateLimiter} from '../../../source/engine/controllers/client-rate-limiter.js';
import {ControllerExpectations} from '../../../source/engine/controllers/controller-utils.js';

/**
 * One part under test: a live instance on its own clock, the steps run on it
 * (each gives what it returned or caused), its saved state, and how a fresh
 * instance takes that state on a clock at the same time.
 */
type Part<Step> = {
	make(clock: VirtualClock): {run(step: Step): unknown; save(): unknown};
	load(saved: unknown, clock: VirtualClock, original: VirtualClock): {run(step: Step): unknown; save(): unknown};
};

/**
 * Run `steps` on one instance; at `cut`, save it, pass the state through
 * JSON, load it into a fresh instance and run the remaining steps on both:
 * each step must give the same on both, and so must their states and their
 * clocks' pending timers at the end.
 */
function sameAfterLoad<Step>(part: Part<Step>, steps: readonly Step[], cut: number): void {
	const clock = new VirtualClock();
	const live = part.make(clock);
	const at = Math.min(cut, steps.length);
	for (const step of steps.slice(0, at)) live.run(step);
	const saved = JSON.parse(JSON.stringify(live.save())) as unknown;
	const restoredClock = new VirtualClock(clock.now());
	const restored = part.load(saved, restoredClock, clock);
	if (JSON.stringify(restored.save()) !== JSON.stringify(saved)) throw new Error('the loaded state saves differently');
	for (const [index, step] of steps.slice(at).entries()) {
		const expected = JSON.stringify(live.run(step));
		const actual = JSON.stringify(restored.run(step));
		if (expected !== actual) throw new Error(`step ${at + index} (${JSON.stringify(step)}): ${actual} after the load, ${expected} without`);
	}
	if (JSON.stringify(restored.save()) !== JSON.stringify(live.save())) throw new Error('the states differ at the end');
	if (JSON.stringify(restoredClock.timers()) !== JSON.stringify(clock.timers())) throw new Error('the pending timers differ at the end');
}

/** Load into `to` (whose kinds are defined by now) the clock state of `from`, through JSON: what a restore does after the parts are made. */
function copyTimers(from: VirtualClock, to: VirtualClock): void {
	to.load(JSON.parse(JSON.stringify(from.state())));
}

function advance(clock: VirtualClock, ms: number): void {
	clock.advanceTo(clock.now() + ms, () => undefined);
}

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const runs = {numRuns: 300};

// ----- work queue ----------------------------------------------------------------------------

type QueueStep =
	| {op: 'add' | 'addRateLimited' | 'forget' | 'numRequeues'; key: string}
	| {op: 'addAfter'; key: string; ms: number}
	| {op: 'take'; count: number}
	| {op: 'many'; count: number}
	| {op: 'advance'; ms: number};

const queueStep: fc.Arbitrary<QueueStep> = fc.oneof(
	{arbitrary: fc.record({op: fc.constantFrom('add' as const, 'addRateLimited' as const, 'forget' as const, 'numRequeues' as const), key}), weight: 6},
	{arbitrary: fc.record({op: fc.constant('addAfter' as const), key, ms: fc.integer({min: 0, max: 100})}), weight: 3},
	{arbitrary: fc.record({op: fc.constant('take' as const), count: fc.integer({min: 1, max: 1500})}), weight: 3},
	{arbitrary: fc.record({op: fc.constant('many' as const), count: fc.integer({min: 1, max: 2500})}), weight: 1},
	{arbitrary: fc.record({op: fc.constant('advance' as const), ms: fc.integer({min: 0, max: 80})}), weight: 3},
);

function queueOn(clock: VirtualClock): WorkQueue {
	return new WorkQueue(clock, 'test');
}

/** Ranks for a queue that sorts by priority: the keys `many` adds rank by their number, the others by their letter. */
const rankOf = (key: string) => (/^k\d+$/.test(key) ? Number(key.slice(1)) % 3 : {a: 2, b: 2, c: 1, d: 1, e: 0, f: -5}[key] ?? 0);

function rankedQueueOn(clock: VirtualClock): WorkQueue {
	const queue = new WorkQueue(clock, 'test');
	queue.sortByPriority(rankOf);
	return queue;
}

function runQueue(queue: WorkQueue, clock: VirtualClock, step: QueueStep): unknown {
	switch (step.op) {
		case 'add': queue.add(step.key); break;
		case 'addRateLimited': queue.addRateLimited(step.key); break;
		case 'forget': queue.forget(step.key); break;
		case 'numRequeues': return queue.numRequeues(step.key);
		case 'addAfter': queue.addAfter(step.key, step.ms); break;
		case 'take': {
			const taken: Array<string | undefined> = [];
			for (let i = 0; i < step.count; i++) taken.push(queue.take());
			return taken;
		}
		case 'many':
			// Many keys at once, some already queued: taking them moves the queue's head far enough to compact it.
			for (let i = 0; i < step.count; i++) queue.add(`k${i % 2000}`);
			break;
		case 'advance': advance(clock, step.ms); break;
	}
	return [queue.length, queue.taken];
}

const workQueue: Part<QueueStep> = {
	make(clock) {
		const queue = queueOn(clock);
		return {run: step => runQueue(queue, clock, step), save: () => queue.save()};
	},
	load(saved, clock, original) {
		const queue = queueOn(clock);
		queue.load(saved as ReturnType<WorkQueue['save']>);
		copyTimers(original, clock);
		return {run: step => runQueue(queue, clock, step), save: () => queue.save()};
	},
};

test('a work queue loaded from its saved state takes the same keys in the same order, with the same delayed adds and back-offs', t => {
	t.notThrows(() => fc.assert(fc.property(fc.array(queueStep, {maxLength: 80}), fc.nat(80), (steps, cut) => sameAfterLoad(workQueue, steps, cut)), runs));
});

const rankedQueue: Part<QueueStep> = {
	make(clock) {
		const queue = rankedQueueOn(clock);
		return {run: step => runQueue(queue, clock, step), save: () => queue.save()};
	},
	load(saved, clock, original) {
		const queue = rankedQueueOn(clock);
		queue.load(saved as ReturnType<WorkQueue['save']>);
		copyTimers(original, clock);
		return {run: step => runQueue(queue, clock, step), save: () => queue.save()};
	},
};

test('a queue sorted by priority, loaded from its saved state, takes the same keys in the same order', t => {
	t.notThrows(() => fc.assert(fc.property(fc.array(queueStep, {maxLength: 80}), fc.nat(80), (steps, cut) => sameAfterLoad(rankedQueue, steps, cut)), runs));
});

test('a queue sorted by priority hands out the highest priority first, and keys of one priority in the order they came', t => {
	const clock = new VirtualClock();
	const queue = rankedQueueOn(clock);
	for (const key of ['e', 'c', 'f', 'a', 'd', 'b']) queue.add(key);
	queue.add('c');
	t.deepEqual(queue.save().lanes, [[2, 2], [1, 2], [0, 1], [-5, 1]]);
	t.deepEqual([queue.take(), queue.take(), queue.take()], ['a', 'b', 'c']);
	queue.add('a');
	t.deepEqual([queue.take(), queue.take(), queue.take(), queue.take(), queue.take()], ['a', 'd', 'e', 'f', undefined]);
	t.deepEqual(queue.save(), {queued: [], taken: 7, delayed: [], backoff: {requeues: []}, lanes: []});
});

test('a loaded work queue keeps a stale delayed add stale and sets no timer of its own', t => {
	const clock = new VirtualClock();
	const queue = queueOn(clock);
	queue.addAfter('k', 50);
	// An earlier add wins: the timer at 50 ms is stale from now on.
	queue.addAfter('k', 10);
	queue.addRateLimited('r');
	queue.addRateLimited('r');
	const saved = JSON.parse(JSON.stringify(queue.save()));
	t.deepEqual(saved, {queued: [], taken: 0, delayed: [['k', clock.now() + 10], ['r', clock.now() + 5]], backoff: {requeues: [['r', 2]]}});
	const restoredClock = new VirtualClock(clock.now());
	const restored = queueOn(restoredClock);
	restored.load(saved);
	t.is(restoredClock.timers().length, 0, 'the clock brings the timers back, not the queue');
	copyTimers(clock, restoredClock);
	advance(restoredClock, 100);
	t.deepEqual([restored.take(), restored.take(), restored.take()], ['r', 'k', undefined], 'the stale timer at 50 ms adds nothing');
	t.is(restored.numRequeues('r'), 2);
	restored.add('x');
	restored.addAfter('y', 10);
	restored.load(saved);
	t.deepEqual(restored.save(), saved, 'a load replaces what the queue had');
});

test('a back-off loaded from its saved state goes on doubling from the same count', t => {
	const backoff = new ItemExponentialBackoff();
	for (let i = 0; i < 4; i++) backoff.when('a');
	backoff.when('b');
	const restored = new ItemExponentialBackoff();
	restored.load(JSON.parse(JSON.stringify(backoff.save())));
	t.deepEqual([restored.when('a'), restored.when('b'), restored.numRequeues('a')], [backoff.when('a'), backoff.when('b'), 5]);
	t.deepEqual(restored.save(), backoff.save());
});

// ----- worker pool ---------------------------------------------------------------------------

type PoolStep =
	| {op: 'take' | 'release' | 'forget' | 'holds'; key: string}
	| {op: 'sync'; key: string; take: boolean; release: boolean}
	| {op: 'pull'};

const poolStep: fc.Arbitrary<PoolStep> = fc.oneof(
	fc.record({op: fc.constantFrom('take' as const, 'release' as const, 'forget' as const, 'holds' as const), key}),
	fc.record({op: fc.constant('sync' as const), key, take: fc.boolean(), release: fc.boolean()}),
	fc.record({op: fc.constant('pull' as const)}),
);

function poolPart(size: number): Part<PoolStep> {
	const build = () => {
		const requeued: string[] = [];
		const pool = new WorkerPool(size, key => requeued.push(key));
		const run = (step: PoolStep): unknown => {
			requeued.length = 0;
			let out: unknown;
			switch (step.op) {
				case 'take': out = pool.take(step.key); break;
				case 'release': pool.release(step.key); break;
				case 'forget': pool.forget(step.key); break;
				case 'holds': out = pool.holds(step.key); break;
				case 'pull': pool.pull(); break;
				case 'sync':
					pool.sync(step.key, () => {
						if (step.take) out = pool.take(step.key);
						if (step.release) pool.release(step.key);
					});
					break;
			}
			return {out, requeued};
		};
		return {pool, run};
	};
	return {
		make() {
			const {pool, run} = build();
			return {run, save: () => pool.save()};
		},
		load(saved) {
			const {pool, run} = build();
			pool.load(saved as ReturnType<WorkerPool['save']>);
			return {run, save: () => pool.save()};
		},
	};
}

test('a worker pool loaded from its saved state gives workers to the same keys, the waiting ones first in line first', t => {
	t.notThrows(() => fc.assert(fc.property(fc.integer({min: 1, max: 4}), fc.array(poolStep, {maxLength: 80}), fc.nat(80), (size, steps, cut) => sameAfterLoad(poolPart(size), steps, cut)), runs));
});

// ----- client rate limiter -------------------------------------------------------------------

type LimiterStep = {op: 'reserve'; count: number} | {op: 'advance'; ms: number};

const limiterStep: fc.Arbitrary<LimiterStep> = fc.oneof(
	fc.record({op: fc.constant('reserve' as const), count: fc.integer({min: 1, max: 40})}),
	fc.record({op: fc.constant('advance' as const), ms: fc.integer({min: 0, max: 3000})}),
);

function limiterPart(qps: number, burst: number): Part<LimiterStep> {
	const build = (clock: VirtualClock) => {
		const limiter = new ClientRateLimiter(clock, qps, burst);
		const run = (step: LimiterStep): unknown => {
			if (step.op === 'advance') return advance(clock, step.ms);
			return Array.from({length: step.count}, () => limiter.reserve());
		};
		return {limiter, run};
	};
	return {
		make(clock) {
			const {limiter, run} = build(clock);
			return {run, save: () => limiter.save()};
		},
		load(saved, clock) {
			const {limiter, run} = build(clock);
			limiter.load(saved as ReturnType<ClientRateLimiter['save']>);
			return {run, save: () => limiter.save()};
		},
	};
}

test('a client rate limiter loaded from its saved state reserves the same times, fractions of tokens included', t => {
	const rates = fc.tuple(fc.constantFrom(20, 7, 3, 0.5), fc.integer({min: 1, max: 30}));
	t.notThrows(() => fc.assert(fc.property(rates, fc.array(limiterStep, {maxLength: 60}), fc.nat(60), ([qps, burst], steps, cut) => sameAfterLoad(limiterPart(qps, burst), steps, cut)), runs));
});

// ----- expectations --------------------------------------------------------------------------

type ExpectationStep =
	| {op: 'creations'; key: string; count: number}
	| {op: 'deletions'; key: string; uids: string[]}
	| {op: 'created' | 'forget' | 'satisfied'; key: string}
	| {op: 'deleted'; key: string; uid: string}
	| {op: 'advance'; ms: number};

const uid = fc.constantFrom('u1', 'u2', 'u3', 'u4');

const expectationStep: fc.Arbitrary<ExpectationStep> = fc.oneof(
	fc.record({op: fc.constant('creations' as const), key, count: fc.integer({min: 0, max: 4})}),
	fc.record({op: fc.constant('deletions' as const), key, uids: fc.array(uid, {maxLength: 4})}),
	fc.record({op: fc.constantFrom('created' as const, 'forget' as const, 'satisfied' as const), key}),
	fc.record({op: fc.constant('deleted' as const), key, uid}),
	fc.record({op: fc.constant('advance' as const), ms: fc.integer({min: 0, max: 200_000})}),
);

function expectationsPart(): Part<ExpectationStep> {
	const build = (clock: VirtualClock) => {
		const expectations = new ControllerExpectations(clock);
		const run = (step: ExpectationStep): unknown => {
			switch (step.op) {
				case 'creations': expectations.expectCreations(step.key, step.count); break;
				case 'deletions': expectations.expectDeletions(step.key, step.uids); break;
				case 'created': expectations.creationObserved(step.key); break;
				case 'deleted': expectations.deletionObserved(step.key, step.uid); break;
				case 'forget': expectations.forget(step.key); break;
				case 'satisfied': return expectations.satisfied(step.key);
				case 'advance': advance(clock, step.ms); break;
			}
			return ['a', 'b', 'c', 'd', 'e', 'f'].map(key => expectations.satisfied(key));
		};
		return {expectations, run};
	};
	return {
		make(clock) {
			const {expectations, run} = build(clock);
			return {run, save: () => expectations.save()};
		},
		load(saved, clock) {
			const {expectations, run} = build(clock);
			expectations.load(saved as ReturnType<ControllerExpectations['save']>);
			return {run, save: () => expectations.save()};
		},
	};
}

test('expectations loaded from their saved state are satisfied at the same moments', t => {
	t.notThrows(() => fc.assert(fc.property(fc.array(expectationStep, {maxLength: 80}), fc.nat(80), (steps, cut) => sameAfterLoad(expectationsPart(), steps, cut)), runs));
});
