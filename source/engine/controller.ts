import type {StoreEvent} from './store.js';
import type {VirtualClock, SeededRandom, TimerKind} from './clock.js';
import type {Store} from './store.js';
import type {EventRecorder} from './events.js';
import type {EngineServices} from './services.js';
import {isTextList, type StateParts} from './state.js';

/**
 * What every controller, the scheduler and the kubelets get: the store,
 * the clock, the seeded generator, the event recorder and a way to ask
 * for a key to be synced again later.
 */
export type ControllerContext = {
	store: Store;
	clock: VirtualClock;
	random: SeededRandom;
	events: EventRecorder;
	/** Services that parts of the engine offer each other (kubelets, indexes, storage, ...). */
	services: EngineServices;
	/**
	 * The work queue of the named controller: add a key now, after a delay,
	 * or after its rate-limited backoff (`addRateLimited`).
	 */
	queue(controller: string): WorkQueue;
	/** The parts of the simulation with state outside the objects: each registers here when the cluster is built (snapshots save them, restores load them). */
	state: StateParts;
};

/**
 * The name under `watches` that hears writes of every kind a
 * CustomResourceDefinition defines (those kinds come and go at run time).
 */
export const customResourceWatch = '*custom-resources';

/** Maps a store event to the work-queue keys it concerns. */
export type KeyMapper = (event: StoreEvent) => string | string[] | undefined;

/**
 * A level-triggered reconciler fed by a work queue, as in client-go:
 * `watches` maps store events to keys, `sync` reconciles one key and is safe
 * to run again at any time.
 */
export type Controller = {
	/** Name used in events' `source.component` and in error reports. */
	name: string;
	/** Kinds this controller reacts to, and how each event maps to keys. */
	watches: Record<string, KeyMapper>;
	/** Reconcile one key. */
	sync(key: string): void;
	/** Called once after every controller is registered (bootstrap work). */
	start?(): void;
};

/**
 * client-go's `ItemExponentialFailureRateLimiter`: a key's n-th requeue in a
 * row waits 5 ms × 2ⁿ, at most 1000 s, until the key is forgotten.
 */
export class ItemExponentialBackoff {
	private readonly requeues = new Map<string, number>();

	constructor(
		readonly baseDelayMs = 5,
		readonly maxDelayMs = 1_000_000,
	) {}

	/** The delay before the next requeue of `key`, counting this one. */
	when(key: string): number {
		const count = this.requeues.get(key) ?? 0;
		this.requeues.set(key, count + 1);
		return Math.min(this.baseDelayMs * 2 ** count, this.maxDelayMs);
	}

	numRequeues(key: string): number {
		return this.requeues.get(key) ?? 0;
	}

	forget(key: string): void {
		this.requeues.delete(key);
	}

	/** The requeue counts, by key in the order they were first counted (the delays are the constructor's). */
	save(): SavedBackoff {
		return {requeues: [...this.requeues]};
	}

	/** Replace the counts with those `save()` gave. */
	load(saved: SavedBackoff): void {
		this.requeues.clear();
		for (const [key, count] of saved.requeues) this.requeues.set(key, count);
	}
}

/** An `ItemExponentialBackoff` as data: each key with the requeues counted since it was last forgotten. */
export type SavedBackoff = {requeues: Array<[key: string, count: number]>};

/**
 * A `WorkQueue` as data: the queued keys in the order they are taken, the
 * keys taken so far, the due time of each key's delayed add, and the back-off.
 * A queue that orders its keys by priority (`sortByPriority`) also saves its
 * lanes: each priority, highest first, with how many of `queued` it holds.
 */
export type SavedWorkQueue = {
	queued: string[];
	taken: number;
	delayed: Array<[key: string, at: number]>;
	backoff: SavedBackoff;
	lanes?: Array<[priority: number, keys: number]>;
};

/** The keys of one priority in the order they were added, from `head` on. */
type Lane = {priority: number; keys: string[]; head: number};

/**
 * A deduplicating FIFO work queue with delayed and rate-limited adds on
 * virtual time. The cluster forgets a key's backoff after a sync of it that
 * succeeded without asking for a rate-limited requeue, as a client-go worker
 * calls `Forget` when its sync returns no error. A queue told how to rank
 * its keys (`sortByPriority`) hands out the highest first, and keys of one
 * rank in the order they came, as kube-scheduler's activeQ does.
 */
export class WorkQueue {
	private readonly queued = new Set<string>();
	/**
	 * The queued keys in order, by lane, highest priority first (one lane of
	 * priority 0 when the keys are not ranked). Taking from a Set's front is
	 * slow once many keys went (its iterator steps over every removed slot),
	 * so the order lives in arrays and the Set only answers "queued?".
	 */
	private lanes: Lane[] = [{priority: 0, keys: [], head: 0}];
	private priorityOf: ((key: string) => number) | undefined;
	/** Keys taken so far: the syncs this queue fed (read by benchmarks and tests). */
	taken = 0;
	private readonly delayed = new Map<string, number>();
	private readonly backoff = new ItemExponentialBackoff();
	/** A delayed add (kind `queue.<name>`): the key and its due time; stale once the key is due at another time (an earlier add came since). */
	private readonly delayedAdd: TimerKind<{key: string; at: number}>;

	/** `name`: the controller's, which names the queue's timers. */
	constructor(private readonly clock: VirtualClock, readonly name: string) {
		this.delayedAdd = clock.kind<{key: string; at: number}>(`queue.${name}`, ({key, at}) => {
			if (this.delayed.get(key) !== at) return;
			this.delayed.delete(key);
			this.add(key);
		});
	}

	/**
	 * Hand out keys of higher `priorityOf` first, and those of one priority
	 * in the order they were added (the PrioritySort queue-sort plugin). A
	 * key's priority is read once, when it is added.
	 */
	sortByPriority(priorityOf: (key: string) => number): void {
		this.priorityOf = priorityOf;
	}

	add(key: string): void {
		// One hash lookup, not two: a key already queued leaves the set's size as it was.
		const size = this.queued.size;
		this.queued.add(key);
		if (this.queued.size === size) return;
		const lanes = this.lanes;
		(this.priorityOf ? this.laneOf(this.priorityOf(key)) : lanes[0]!).keys.push(key);
	}

	/** The lane of `priority`, made in its place when there is none (the lanes are few: one per PriorityClass in use). */
	private laneOf(priority: number): Lane {
		const lanes = this.lanes;
		let index = 0;
		for (; index < lanes.length; index++) {
			const lane = lanes[index]!;
			if (lane.priority === priority) return lane;
			if (lane.priority < priority) break;
		}
		const lane: Lane = {priority, keys: [], head: 0};
		// The last lane left empty is kept for the next key, whatever its priority.
		if (lanes.length === 1 && lanes[0]!.head >= lanes[0]!.keys.length) lanes[0] = lane;
		else lanes.splice(index, 0, lane);
		return lane;
	}

	/** Add `key` after `ms` of virtual time; an earlier pending add wins. */
	addAfter(key: string, ms: number): void {
		const at = this.clock.now() + Math.max(0, ms);
		const pending = this.delayed.get(key);
		if (pending !== undefined && pending <= at) return;
		this.delayed.set(key, at);
		this.clock.at(at, this.delayedAdd, {key, at});
	}

	/** Add `key` after its backoff (`AddRateLimited`): 5 ms, then doubling with every requeue not yet forgotten. */
	addRateLimited(key: string): void {
		this.addAfter(key, this.backoff.when(key));
	}

	/** How often `key` was requeued with backoff since it was last forgotten. */
	numRequeues(key: string): number {
		return this.backoff.numRequeues(key);
	}

	/** Reset `key`'s backoff (`Forget`). */
	forget(key: string): void {
		this.backoff.forget(key);
	}

	get length(): number {
		return this.queued.size;
	}

	/** Take the first key: the oldest, of the highest priority when the queue ranks its keys. */
	take(): string | undefined {
		const lanes = this.lanes;
		for (let index = 0; index < lanes.length; index++) {
			const lane = lanes[index]!;
			if (lane.head >= lane.keys.length) continue;
			const key = lane.keys[lane.head++]!;
			this.queued.delete(key);
			this.taken++;
			if (lane.head === lane.keys.length) {
				lane.keys = [];
				lane.head = 0;
				if (lanes.length > 1) lanes.splice(index, 1);
			} else if (lane.head > 1024 && lane.head * 2 > lane.keys.length) {
				lane.keys = lane.keys.slice(lane.head);
				lane.head = 0;
			}
			return key;
		}
		return undefined;
	}

	/**
	 * The queue's state as data. The delayed adds are their due times only:
	 * their timers (kind `queue.<name>`, argument `{key, at}`) are the
	 * clock's pending timers, which the clock saves and loads itself. A
	 * timer whose `at` is no longer its key's due time is stale and does
	 * nothing when it runs, so loading the due times beside the same timers
	 * keeps which of them still add their key.
	 */
	save(): SavedWorkQueue {
		const lanes = this.lanes.filter(lane => lane.head < lane.keys.length);
		const queued = lanes.flatMap(lane => lane.keys.slice(lane.head));
		const saved: SavedWorkQueue = {queued, taken: this.taken, delayed: [...this.delayed], backoff: this.backoff.save()};
		if (this.priorityOf) saved.lanes = lanes.map(lane => [lane.priority, lane.keys.length - lane.head]);
		return saved;
	}

	/**
	 * Replace the queue's state with a saved one (the queue is made on the
	 * restored clock with the same name, so its timer kind is defined before
	 * the clock loads the pending timers). It sets no timer: the clock brings back the ones the
	 * saved queue had pending, and a timer set here as well would add twice.
	 */
	load(saved: SavedWorkQueue): void {
		checkSavedQueue(this.name, saved);
		this.queued.clear();
		this.delayed.clear();
		this.lanes = [{priority: 0, keys: [], head: 0}];
		if (saved.lanes && this.priorityOf) {
			let from = 0;
			this.lanes = saved.lanes.map(([priority, count]) => ({priority, keys: saved.queued.slice(from, from += count), head: 0}));
			if (this.lanes.length === 0) this.lanes = [{priority: 0, keys: [], head: 0}];
			for (const key of saved.queued) this.queued.add(key);
		} else {
			// Saved without lanes: each key ranked again as it is added.
			for (const key of saved.queued) this.add(key);
		}
		this.taken = saved.taken;
		for (const [key, at] of saved.delayed) this.delayed.set(key, at);
		this.backoff.load(saved.backoff);
	}
}

/**
 * A saved work queue as `WorkQueue.save` writes it, or an error naming what
 * is not (a state file changed by hand): keys are texts, times and counts
 * numbers.
 */
function checkSavedQueue(name: string, saved: SavedWorkQueue): void {
	const fail = (what: string) => {
		throw new Error(`queue ${name}: ${what}`);
	};
	const isKey = (key: unknown) => typeof key === 'string';
	if (typeof saved !== 'object' || saved === null) fail('its state is not an object');
	if (!isTextList(saved.queued)) fail(`queued keys are ${JSON.stringify(saved.queued)?.slice(0, 80)}, not a list of texts`);
	if (new Set(saved.queued).size !== saved.queued.length) fail('a key is queued twice');
	if (!Number.isInteger(saved.taken) || saved.taken < 0) fail(`taken is ${JSON.stringify(saved.taken)}, not a count`);
	if (!Array.isArray(saved.delayed) || !saved.delayed.every(item => Array.isArray(item) && item.length === 2 && isKey(item[0]) && typeof item[1] === 'number')) fail('delayed adds are not a list of [key, time]');
	const requeues = (saved.backoff as {requeues?: unknown} | undefined)?.requeues;
	if (!Array.isArray(requeues) || !requeues.every(item => Array.isArray(item) && item.length === 2 && isKey(item[0]) && Number.isInteger(item[1]) && item[1] >= 0)) fail('back-off counts are not a list of [key, count]');
	const lanes = saved.lanes as unknown;
	if (lanes !== undefined) {
		if (!Array.isArray(lanes) || !lanes.every(item => Array.isArray(item) && item.length === 2 && Number.isFinite(item[0]) && Number.isInteger(item[1]) && item[1] > 0)) fail('lanes are not a list of [priority, count]');
		const ranks = (lanes as Array<[number, number]>);
		if (ranks.some((lane, index) => index > 0 && lane[0] >= ranks[index - 1]![0])) fail('lanes are not in falling order of priority');
		if (ranks.reduce((sum, lane) => sum + lane[1], 0) !== saved.queued.length) fail('the lanes do not count the queued keys');
	}
}
