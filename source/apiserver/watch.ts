/**
 * Watch: a cache of recent changes keyed by resourceVersion (as the API
 * server's watch cache), so a watch can start from a version and replay what
 * came after it, or get 410 Expired when that version has fallen out. Each
 * watcher's events are queued and written once per turn of the event loop,
 * so many watchers cost the engine nothing while it writes.
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
		const cached = {type: event.type, object: event.object, rv: Number(event.object.metadata.resourceVersion)};
		this.events.push(cached);
		if (this.events.length > this.capacity) {
			const dropped = this.events.splice(0, this.events.length - this.capacity);
			this.floor = dropped[dropped.length - 1]!.rv;
		}
		const watchers = this.watchers.get(event.object.kind);
		if (!watchers || watchers.size === 0) return;
		for (const watcher of watchers) {
			if (this.wanted(watcher.filter, event.object)) watcher.pending.push(cached);
		}
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			setImmediate(() => this.flush());
		}
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
		return this.events.filter(e => e.rv > rv && e.object.kind === filter.kind && this.wanted(filter, e.object));
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
