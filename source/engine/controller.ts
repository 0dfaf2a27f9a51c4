import type {StoreEvent} from './store.js';
import type {VirtualClock, SeededRandom} from './clock.js';
import type {Store} from './store.js';
import type {EventRecorder} from './events.js';

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
	/** Shared, typed services that parts of the engine offer each other (runtime, network, ...). */
	services: Map<string, unknown>;
};

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

/** A deduplicating FIFO work queue with delayed adds on virtual time. */
export class WorkQueue {
	private readonly queued = new Set<string>();
	/**
	 * The queued keys in order, from `head` on. Taking from a Set's front is
	 * slow once many keys went (its iterator steps over every removed slot),
	 * so the order lives in an array and the Set only answers "queued?".
	 */
	private order: string[] = [];
	private head = 0;
	private readonly delayed = new Map<string, number>();

	constructor(private readonly clock: VirtualClock) {}

	add(key: string): void {
		if (this.queued.has(key)) return;
		this.queued.add(key);
		this.order.push(key);
	}

	/** Add `key` after `ms` of virtual time; an earlier pending add wins. */
	addAfter(key: string, ms: number): void {
		const at = this.clock.now() + Math.max(0, ms);
		const pending = this.delayed.get(key);
		if (pending !== undefined && pending <= at) return;
		this.delayed.set(key, at);
		this.clock.at(at, () => {
			if (this.delayed.get(key) !== at) return;
			this.delayed.delete(key);
			this.add(key);
		});
	}

	get length(): number {
		return this.queued.size;
	}

	/** Take the oldest key. */
	take(): string | undefined {
		if (this.head >= this.order.length) return undefined;
		const key = this.order[this.head++]!;
		this.queued.delete(key);
		if (this.head === this.order.length) {
			this.order = [];
			this.head = 0;
		} else if (this.head > 1024 && this.head * 2 > this.order.length) {
			this.order = this.order.slice(this.head);
			this.head = 0;
		}
		return key;
	}
}
