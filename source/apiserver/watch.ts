/**
 * Watch: a cache of recent changes keyed by resourceVersion (as the API
 * server's watch cache), so a watch can start from a version and replay what
 * came after it, or get 410 Expired when that version has fallen out. Each
 * watcher's events are queued and written once per turn of the event loop,
 * so many watchers cost the engine nothing while it writes.
 *
 * A watch with a selector sees a change as the watch cache words it for
 * that selector: an object that comes to match is ADDED, one that stops
 * matching is DELETED (its content before the change, at the change's
 * version), and one that never matched is not sent.
 */
import type {Cluster, KubeObject, WatchEvent} from '../engine/index.js';

export type CachedEvent = WatchEvent & {rv: number};

/** What one watch wants: a kind, maybe a namespace, and a filter over objects. */
export type WatchFilter = {kind: string; namespace?: string; matches: (object: KubeObject) => boolean};

export type Watcher = {
	filter: WatchFilter;
	/** Called with the events of one turn, in order. */
	deliver: (events: CachedEvent[]) => void;
	pending: CachedEvent[];
};

export class WatchCache {
	private readonly events: CachedEvent[] = [];
	/** Oldest resourceVersion a watch may start from: every change after it is held. */
	private floor: number;
	private readonly watchers = new Map<string, Set<Watcher>>();
	private flushScheduled = false;
	private readonly unsubscribe: () => void;

	constructor(private readonly cluster: Cluster, private readonly capacity = 20_000) {
		this.floor = Number(cluster.resourceVersion);
		this.unsubscribe = cluster.watch(event => this.record(event));
	}

	close(): void {
		this.unsubscribe();
		this.watchers.clear();
	}

	/** How many watchers are listening. */
	get size(): number {
		let count = 0;
		for (const set of this.watchers.values()) count += set.size;
		return count;
	}

	/** The oldest version a watch can resume from. */
	get oldest(): number {
		return this.floor;
	}

	private record(event: WatchEvent): void {
		const cached: CachedEvent = {type: event.type, object: event.object, rv: Number(event.object.metadata.resourceVersion), ...(event.old ? {old: event.old} : {})};
		this.events.push(cached);
		// Trimmed in batches of a quarter of the capacity, so a change costs O(1) however many come: a
		// one-at-a-time trim would move the whole cache on every change of a busy cluster.
		if (this.events.length > this.capacity + Math.max(1, this.capacity >> 2)) {
			const dropped = this.events.splice(0, this.events.length - this.capacity);
			this.floor = dropped[dropped.length - 1]!.rv;
		}
		const watchers = this.watchers.get(event.object.kind);
		if (!watchers || watchers.size === 0) return;
		for (const watcher of watchers) {
			const seen = this.seenBy(watcher.filter, cached);
			if (seen) watcher.pending.push(seen);
		}
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			setImmediate(() => this.flush());
		}
	}

	/** The event as a watch with `filter` sees it, if at all. */
	private seenBy(filter: WatchFilter, event: CachedEvent): CachedEvent | undefined {
		const now = this.wanted(filter, event.object);
		if (event.type !== 'MODIFIED' || !event.old) return now ? event : undefined;
		const before = this.wanted(filter, event.old);
		if (now) return before ? event : {type: 'ADDED', object: event.object, rv: event.rv};
		if (!before) return undefined;
		const old = event.old;
		return {type: 'DELETED', object: {...old, metadata: {...old.metadata, resourceVersion: event.object.metadata.resourceVersion}}, rv: event.rv};
	}

	private wanted(filter: WatchFilter, object: KubeObject): boolean {
		if (filter.namespace !== undefined && object.metadata.namespace !== filter.namespace) return false;
		return filter.matches(object);
	}

	private flush(): void {
		this.flushScheduled = false;
		for (const watchers of this.watchers.values()) {
			for (const watcher of watchers) {
				if (watcher.pending.length === 0) continue;
				const batch = watcher.pending;
				watcher.pending = [];
				watcher.deliver(batch);
			}
		}
	}

	/** Changes after `rv` that pass the filter; undefined when `rv` is older than the cache holds. */
	since(rv: number, filter: WatchFilter): CachedEvent[] | undefined {
		if (rv < this.floor) return undefined;
		const seen: CachedEvent[] = [];
		for (const event of this.events) {
			if (event.rv <= rv || event.object.kind !== filter.kind) continue;
			const view = this.seenBy(filter, event);
			if (view) seen.push(view);
		}
		return seen;
	}

	/** Every change to `kind` after `rv`, oldest first, unfiltered; undefined when `rv` is older than the cache holds. */
	changesAfter(rv: number, kind: string): CachedEvent[] | undefined {
		if (rv < this.floor) return undefined;
		return this.events.filter(event => event.rv > rv && event.object.kind === kind);
	}

	/** Start hearing changes; returns the function that stops it. */
	add(filter: WatchFilter, deliver: Watcher['deliver']): () => void {
		const watcher: Watcher = {filter, deliver, pending: []};
		let set = this.watchers.get(filter.kind);
		if (!set) this.watchers.set(filter.kind, (set = new Set()));
		set.add(watcher);
		return () => set!.delete(watcher);
	}
}
