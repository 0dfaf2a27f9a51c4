import type {KubeEvent, KubeObject, ObjectReference} from './api/types.js';
import {apiVersionOf, resolveResource} from './api/registry.js';
import {rfc3339, timeMs} from './clock.js';
import type {Store} from './store.js';
import {isTextList, keptOrMadeInSteps, madeAtOnce} from './state.js';
import type {VirtualClock} from './clock.js';
import {flat, SaveCache} from './memory.js';

/** Who reports an event: `{component: 'kubelet', host: 'node-1'}`. */
export type EventSource = {component: string; host?: string};

/** How many events of the ring a step of a save in steps takes. */
const eventsAStep = 250;

/** How many Event objects the cluster keeps; the oldest go first (a ring). */
export const defaultEventCapacity = 20_000;
/** Events older than this are dropped, as the API server's 1 h event TTL does. */
export const eventTtlMs = 60 * 60 * 1000;
/** client-go's EventAggregator: `defaultAggregateMaxEvents` distinct messages within `defaultAggregateIntervalInSeconds`. */
const aggregateMaxEvents = 10;
const aggregateIntervalMs = 600 * 1000;
const aggregateCacheSize = 4096;
const combinedPrefix = '(combined from similar events): ';

/**
 * Records core/v1 Events in the store, as client-go's recorder does:
 * a repeat of the same reason and message for the same object bumps `count`
 * and `lastTimestamp` instead of adding a new Event.
 */
export class EventRecorder {
	private readonly order: KubeEvent[] = [];
	/** The aggregation key of each event in `order` (same index), to forget it when the event goes. */
	private readonly orderKeys: string[] = [];
	/** Each event's first lastTimestamp in ms (same index): trim compares numbers, not parsed text. */
	private readonly orderSeen: number[] = [];
	private readonly byKey = new Map<string, KubeEvent>();
	private head = 0;
	/** Counts what changes the recorder's own state (`record`, a trim that drops, `adopt`, `load`): `kept` holds while it and the store's Events stand still. */
	private changes = 0;
	private kept: {changes: number; events: number; saved: SavedEventRecorder} | undefined;
	/** The millisecond the last event name was made in, and how many names it gave. */
	private nameMs = -1;
	private nameSequence = 0;
	/** Aggregation of similar events (same source, object, type and reason): the distinct messages seen. */
	private readonly similar: SimilarCache;
	/** The aggregation key and time of each stored Event a save read, kept for the next: a save at 10,000 pods works them out only for the events written since the last. */
	private readonly storedKeys = new SaveCache<KubeEvent, {key: string; seen: number}>();
	/** Events the store refused; they are dropped, as the recorder drops them. */
	dropped = 0;

	/** `similarCapacity`: how many kinds of similar events the aggregator keeps (client-go's 4096). */
	constructor(
		private readonly store: Store,
		private readonly clock: VirtualClock,
		private readonly capacity = defaultEventCapacity,
		similarCapacity = aggregateCacheSize,
	) {
		this.similar = new SimilarCache(similarCapacity);
	}

	normal(object: KubeObject, reason: string, message: string, source: EventSource): void {
		this.record(object, 'Normal', reason, message, source);
	}

	warning(object: KubeObject, reason: string, message: string, source: EventSource): void {
		this.record(object, 'Warning', reason, message, source);
	}

	/**
	 * Record an event. Never throws: as client-go's recorder, a write the
	 * store refuses drops the event and never fails the caller's sync.
	 */
	record(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
		this.changes++;
		try {
			this.write(object, type, reason, message, source, fieldPath);
		} catch {
			this.dropped++;
		}
	}

	private write(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
		const nowMs = this.clock.now();
		const now = rfc3339(nowMs);
		// The EventAggregator: the tenth distinct message of a kind within ten minutes becomes one combined event.
		const uid = involvedUid(object, source);
		const similarKey = similarKeyOf(source, uid, type, reason);
		const similar = this.similar.use(similarKey);
		if (similar.lastMs + aggregateIntervalMs < nowMs) similar.messages = undefined;
		const distinct = noteMessage(similar, message);
		similar.lastMs = nowMs;
		let key = eventKey(similarKey, fieldPath, message);
		if (distinct >= aggregateMaxEvents) {
			const messages = similar.messages as Set<string>;
			messages.delete(messages.values().next().value!);
			key = similarKey;
			message = `${combinedPrefix}${message}`;
		}
		// Kept by the thousand (the map's key, the ring's, the stored message), as flat strings rather than trees of their pieces.
		key = flat(key);
		message = flat(message);
		const previous = this.byKey.get(key);
		if (previous) {
			const current = this.store.get('Event', previous.metadata.namespace, previous.metadata.name) as KubeEvent | undefined;
			if (current) {
				const updated = this.store.update({...current, count: current.count + 1, message, lastTimestamp: now, metadata: {...current.metadata, resourceVersion: ''}});
				this.byKey.set(key, updated);
				return;
			}
		}
		const type_ = resolveResource(object.kind);
		const {namespace: objectNamespace, name, resourceVersion} = object.metadata;
		// A cluster-scoped object's reference has no namespace (not an undefined one: objects are JSON-safe).
		const involvedObject: ObjectReference = objectNamespace === undefined
			? {kind: object.kind, name, uid, apiVersion: apiVersionOf(type_), resourceVersion}
			: {kind: object.kind, namespace: objectNamespace, name, uid, apiVersion: apiVersionOf(type_), resourceVersion};
		if (fieldPath) involvedObject.fieldPath = flat(fieldPath);
		const namespace = objectNamespace ?? 'default';
		const event = this.store.create<KubeEvent>({
			apiVersion: 'v1',
			kind: 'Event',
			metadata: {
				name: this.nameFor(object.metadata.name, namespace, nowMs),
				namespace,
				uid: '', resourceVersion: '', creationTimestamp: '',
			},
			involvedObject,
			reason,
			message,
			type,
			source,
			firstTimestamp: now,
			lastTimestamp: now,
			count: 1,
			reportingComponent: source.component,
			reportingInstance: source.host ?? '',
		});
		this.byKey.set(key, event);
		this.order.push(event);
		this.orderKeys.push(key);
		// Whole seconds, as lastTimestamp says (RFC 3339 without fractions).
		this.orderSeen.push(Math.floor(nowMs / 1000) * 1000);
		this.trim();
	}

	/**
	 * Take over the Events a restored store holds (oldest first, as the
	 * store lists them): they join the ring, so they are trimmed in turn,
	 * and a repeat of one bumps its count instead of adding another.
	 */
	adopt(events: readonly KubeEvent[]): void {
		this.changes++;
		for (let index = 0; index < events.length; index++) {
			const event = events[index]!;
			const {similarKey, key, combined} = keysOf(event);
			const lastMs = timeMs(event.lastTimestamp);
			const similar = this.similar.use(similarKey);
			if (!combined) noteMessage(similar, messageOf(event));
			similar.lastMs = Math.max(similar.lastMs, Number.isNaN(lastMs) ? Number.NEGATIVE_INFINITY : lastMs);
			this.byKey.set(key, event);
			this.order.push(event);
			this.orderKeys.push(key);
			this.orderSeen.push(storedSeen(event));
		}
		this.trim();
	}

	/**
	 * `<object>.<hex of unix nanoseconds>`, as the recorder names events.
	 * Virtual time has whole milliseconds, so the nanoseconds within one
	 * count the events of that millisecond: names stay unique and replayable.
	 */
	private nameFor(objectName: string, namespace: string, nowMs: number): string {
		if (nowMs !== this.nameMs) {
			this.nameMs = nowMs;
			this.nameSequence = 0;
		}
		for (;;) {
			const nanos = BigInt(nowMs) * 1_000_000n + BigInt(this.nameSequence++ % 1_000_000);
			const name = flat(`${objectName}.${nanos.toString(16)}`);
			if (!this.store.get('Event', namespace, name)) return name;
		}
	}

	/** Drop events past the capacity or the TTL, oldest first. */
	trim(): void {
		const cutoff = this.clock.now() - eventTtlMs;
		while (this.head < this.order.length) {
			const oldest = this.order[this.head]!;
			const over = this.order.length - this.head > this.capacity;
			// An event's lastTimestamp only grows: when the recorded copy is fresh, so is the live one.
			if (!over && this.orderSeen[this.head]! >= cutoff) break;
			// The event as stored now (a repeat updated it), by uid: an event removed, and another made with its name, is not this one.
			const live = this.store.getByUid(oldest.metadata.uid) as KubeEvent | undefined;
			// Past the capacity the oldest goes whatever its age.
			if (!over && live && timeMs(live.lastTimestamp) >= cutoff) break;
			const key = this.orderKeys[this.head]!;
			this.head++;
			this.changes++;
			this.byKey.delete(key);
			if (live) this.store.remove(live);
		}
		if (this.head > 4096 && this.head * 2 > this.order.length) {
			this.orderKeys.splice(0, this.head);
			this.orderSeen.splice(0, this.head);
			this.order.splice(0, this.head);
			this.head = 0;
		}
	}

	/**
	 * The recorder's state as data, beside the store's Events. The ring keeps
	 * the events not yet trimmed, oldest first, by namespace and name (all it
	 * reads of them: the store holds the events themselves) with their
	 * aggregation keys and first-seen times, which are left out when the
	 * store's Event gives them (almost always: a key is most of an entry's
	 * size). The keys a repeat counts up are ring positions: a key always
	 * names its newest event in the ring, and a key whose older event was
	 * trimmed is no longer counted up even when a newer one is in the ring,
	 * which is why they are saved and not derived.
	 */
	save(): SavedEventRecorder {
		return madeAtOnce(this.saveInSteps());
	}

	/** `save`, a few thousand events of the ring a step (a snapshot in steps stops between two). */
	*saveInSteps(): Generator<void, SavedEventRecorder> {
		const events = this.store.writes('Event');
		const kept = this.kept?.changes === this.changes && this.kept.events === events ? this.kept.saved : undefined;
		const saved = yield* keptOrMadeInSteps(kept, () => this.saveNow(), 'event recorder: the saved state it kept is not the one made now');
		this.kept = {changes: this.changes, events, saved};
		return saved;
	}

	private *saveNow(): Generator<void, SavedEventRecorder> {
		this.storedKeys.nextSave();
		const ring: SavedEventRecorder['ring'] = [];
		const newest = new Map<string, number>();
		for (let index = this.head; index < this.order.length; index++) {
			if ((index - this.head) % eventsAStep === eventsAStep - 1) yield;
			const {namespace, name} = this.order[index]!.metadata;
			const key = this.orderKeys[index]!;
			const seen = this.orderSeen[index]!;
			const stored = this.store.get('Event', namespace, name) as KubeEvent | undefined;
			const given = stored && storedKeyOf(stored, this.storedKeys);
			if (given && given.key === key && given.seen === seen) ring.push([namespace!, name]);
			else ring.push([namespace!, name, key, finiteOrNull(seen)]);
			newest.set(key, index - this.head);
		}
		const counted: number[] = [];
		for (const [key, event] of this.byKey) {
			if (counted.length % eventsAStep === eventsAStep - 1) yield;
			const at = newest.get(key);
			// An update keeps the event's name, and a trim forgets its key: a counted key's event is its newest in the ring.
			if (at === undefined || ring[at]![1] !== event.metadata.name || ring[at]![0] !== event.metadata.namespace) {
				throw new Error(`save: the event counted up for a key is not its newest in the ring (${event.metadata.namespace}/${event.metadata.name})`);
			}
			counted.push(at);
		}
		yield;
		return {ring, counted, nameMs: this.nameMs, nameSequence: this.nameSequence, dropped: this.dropped, similar: this.similar.save()};
	}

	/**
	 * Take a saved recorder into this fresh one, over a store that holds the
	 * saved cluster's Events (made with the same capacities). Ring entries are
	 * re-linked to the store's events by namespace and name; one the store no
	 * longer holds (removed by someone else) stays as its namespace and name,
	 * as the recorder only looks it up by them.
	 */
	load(saved: SavedEventRecorder): void {
		this.changes++;
		this.kept = undefined;
		this.order.length = 0;
		this.orderKeys.length = 0;
		this.orderSeen.length = 0;
		this.head = 0;
		this.byKey.clear();
		for (const entry of saved.ring) {
			const [namespace, name] = entry;
			const whole = entry.length === 4 && typeof entry[2] === 'string' && (entry[3] === null || typeof entry[3] === 'number');
			if (typeof namespace !== 'string' || typeof name !== 'string' || (entry.length !== 2 && !whole)) {
				throw new Error(`load: a ring entry is ${JSON.stringify(entry)}, not [namespace, name] or [namespace, name, key, first seen]`);
			}
			const stored = this.store.get('Event', namespace, name) as KubeEvent | undefined;
			if (entry.length === 2) {
				if (!stored) throw new Error(`load: the store has no Event ${namespace}/${name}, which gives a ring entry's key`);
				this.order.push(stored);
				this.orderKeys.push(keysOf(stored).key);
				this.orderSeen.push(storedSeen(stored));
			} else {
				this.order.push(stored ?? {metadata: {namespace, name}} as KubeEvent);
				this.orderKeys.push(entry[2]);
				this.orderSeen.push(entry[3] ?? Number.NEGATIVE_INFINITY);
			}
		}
		for (const at of saved.counted) {
			if (!Number.isInteger(at) || at < 0 || at >= this.order.length) throw new Error(`load: a counted event is at ${JSON.stringify(at)}, not a place in the ring of ${this.order.length}`);
			this.byKey.set(this.orderKeys[at]!, this.order[at]!);
		}
		for (const field of ['nameMs', 'nameSequence', 'dropped'] as const) {
			if (!Number.isInteger(saved[field])) throw new Error(`load: ${field} is ${JSON.stringify(saved[field])}, not a whole number`);
		}
		this.nameMs = saved.nameMs;
		this.nameSequence = saved.nameSequence;
		this.dropped = saved.dropped;
		this.similar.load(saved.similar);
		// Loaded, the recorder saves what it loaded: kept, as a save would keep it.
		this.kept = {changes: this.changes, events: this.store.writes('Event'), saved: Object.freeze(saved)};
	}

	/** Events about one object, oldest first. */
	about(object: KubeObject): KubeEvent[] {
		const out: KubeEvent[] = [];
		for (const event of this.store.list('Event', object.metadata.namespace ?? 'default') as KubeEvent[]) {
			const uid = event.involvedObject?.uid;
			// A static pod's: its kubelet's events name the pod it runs (kubectl describe looks them up so), the rest its mirror.
			if (uid === object.metadata.uid || (uid !== undefined && uid === mirrorOf(object))) out.push(event);
		}
		// An Event made through the API may have no lastTimestamp: it sorts first.
		return out.sort((a, b) => (a.lastTimestamp ?? '').localeCompare(b.lastTimestamp ?? ''));
	}
}

/** The static pod's uid of a mirror pod (its `kubernetes.io/config.mirror`: the manifest's hash), or undefined. */
function mirrorOf(object: KubeObject): string | undefined {
	return object.kind === 'Pod' ? object.metadata.annotations?.['kubernetes.io/config.mirror'] : undefined;
}

/**
 * The uid an event names its object by: the object's own, except for a
 * mirror pod's events from its kubelet, which name the static pod it runs,
 * whose uid is the manifest's hash (`kubetypes.ConfigMirrorAnnotationKey`).
 */
function involvedUid(object: KubeObject, source: EventSource): string {
	return (source.component === 'kubelet' ? mirrorOf(object) : undefined) ?? object.metadata.uid;
}

/**
 * An `EventRecorder` as data. `ring`: the events not yet trimmed, oldest
 * first, as namespace and name, then the aggregation key and the whole
 * second it was first seen (null when unknown: an adopted event without a
 * valid firstTimestamp, which then goes as soon as its live copy is stale)
 * unless the store's Event of that name gives both (`keysOf`, `storedSeen`). `counted`: the ring positions of
 * the events a repeat of their key counts up, in the order the keys were
 * first counted. `nameMs`, `nameSequence`: where event names stand within
 * the current millisecond. `similar`: the aggregator's cache.
 */
export type SavedEventRecorder = {
	ring: Array<[namespace: string, name: string] | [namespace: string, name: string, key: string, seenMs: number | null]>;
	counted: number[];
	nameMs: number;
	nameSequence: number;
	dropped: number;
	similar: SavedSimilarCache;
};

/**
 * The aggregator's cache as data, least recently used first: each kind of
 * similar event's key, its distinct messages in the order they came (one as
 * a string, several as an array, none as null) and when it was last seen
 * (null before any time was known).
 */
export type SavedSimilarCache = Array<[key: string, messages: string | string[] | null, lastMs: number | null]>;

/** A stored Event's aggregation key and time (`storedKeys` keeps them beside the never changed object from a save to the next). */
function storedKeyOf(stored: KubeEvent, storedKeys: SaveCache<KubeEvent, {key: string; seen: number}>): {key: string; seen: number} {
	let given = storedKeys.get(stored);
	// Not checked again: the recorder wrote it, or a load checked it (what the recorder writes from a damaged object reads as it always has).
	if (!given) storedKeys.set(stored, (given = {key: keysOf(stored, false).key, seen: storedSeen(stored)}));
	return given;
}

/**
 * The aggregation keys of a stored Event: its similar events' key, and the
 * key a repeat of it counts up (the similar one for a combined event).
 */
function keysOf(event: KubeEvent, check = true): {similarKey: string; key: string; combined: boolean} {
	const field = <T>(name: string, value: T | null | undefined, what: 'a text' | 'an object'): T | undefined => (check ? storedField(event, name, value, what) : value ?? undefined);
	const involved: Partial<ObjectReference> = field('involvedObject', event.involvedObject, 'an object') ?? {};
	const source = field('source', event.source, 'an object');
	if (source) {
		field('source.component', source.component, 'a text');
		field('source.host', source.host, 'a text');
	}
	const uid = field('involvedObject.uid', involved.uid, 'a text');
	// A field the Event lacks reads as it always has in the key ("undefined"): only the recorder counts up its own Events, which have them all.
	const type = field('type', event.type, 'a text') as string;
	const reason = field('reason', event.reason, 'a text') as string;
	const similarKey = similarKeyOf(source ?? {component: field('reportingComponent', event.reportingComponent, 'a text') ?? ''}, uid, type, reason);
	const message = check ? messageOf(event) : typeof event.message === 'string' ? event.message : '';
	const combined = message.startsWith(combinedPrefix);
	// Kept by the thousand, as `write` keeps its keys: flat, not a tree of their pieces.
	return {similarKey, key: combined ? similarKey : flat(eventKey(similarKey, field('involvedObject.fieldPath', involved.fieldPath, 'a text'), message)), combined};
}

/** A stored Event's message: none reads as empty, as the API decodes an Event without one. */
function messageOf(event: KubeEvent): string {
	return storedField(event, 'message', event.message, 'a text') ?? '';
}

/**
 * A field of a stored Event the recorder reads: undefined when it has none
 * (or null, as the API decodes a field it omits); a value of another type
 * is a damaged object (a state file changed by hand), and the restore stops
 * with what it found.
 */
function storedField<T>(event: KubeEvent, field: string, value: T | null | undefined, what: 'a text' | 'an object'): T | undefined {
	if (value === undefined || value === null) return undefined;
	const right = what === 'a text' ? typeof value === 'string' : typeof value === 'object' && !Array.isArray(value);
	if (!right) throw new Error(`Event ${event.metadata?.namespace ?? ''}/${event.metadata?.name ?? ''}: ${field} is ${JSON.stringify(value) ?? String(value)}, not ${what}`);
	return value;
}

/** The second a stored Event was first seen (-Infinity when its firstTimestamp is not a time). */
function storedSeen(event: KubeEvent): number {
	const ms = timeMs(event.firstTimestamp);
	return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** A time as JSON: the never-seen -Infinity becomes null. */
function finiteOrNull(ms: number): number | null {
	return Number.isFinite(ms) ? ms : null;
}

/** The aggregator's key: events of one source about one object, of one type and reason, are similar. */
function similarKeyOf(source: EventSource, uid: string | undefined, type: string, reason: string): string {
	return flat(`${source.component}\u0000${source.host ?? ''}\u0000${uid}\u0000${type}\u0000${reason}`);
}

/** The recorder's key: a repeat of the same message about the same field counts up one event. */
function eventKey(similarKey: string, fieldPath: string | undefined, message: string): string {
	return `${similarKey}\u0000${fieldPath ?? ''}\u0000${message}`;
}

/**
 * The distinct messages seen within the interval: none, one (most objects
 * report each reason once, so no set is made for them), or a set.
 */
type Similar = {key: string; messages: Set<string> | string | undefined; lastMs: number; older?: Similar; newer?: Similar};

/** Add a message to the distinct ones seen; returns how many there are now. */
function noteMessage(similar: Similar, message: string): number {
	const seen = similar.messages;
	if (seen === undefined || seen === message) {
		similar.messages = message;
		return 1;
	}
	if (typeof seen === 'string') {
		similar.messages = new Set([seen, message]);
		return 2;
	}
	seen.add(message);
	return seen.size;
}

/**
 * The aggregator's bounded cache, least recently used first out. A list
 * beside the map: evicting from the front of a Map whose front keys were
 * deleted walks every deleted slot, which made each event cost thousands of steps.
 */
class SimilarCache {
	private readonly entries = new Map<string, Similar>();
	/** Least recently used end. */
	private oldest: Similar | undefined;
	private newest: Similar | undefined;

	constructor(private readonly capacity: number) {}

	get size(): number {
		return this.entries.size;
	}

	/** The entries as data, least recently used first. */
	save(): SavedSimilarCache {
		const out: SavedSimilarCache = [];
		for (let entry = this.oldest; entry; entry = entry.newer) {
			const {messages} = entry;
			out.push([entry.key, messages === undefined ? null : typeof messages === 'string' ? messages : [...messages], finiteOrNull(entry.lastMs)]);
		}
		return out;
	}

	/** Replace the entries with saved ones, the first saved the least recently used. */
	load(saved: SavedSimilarCache): void {
		this.entries.clear();
		this.oldest = undefined;
		this.newest = undefined;
		for (const item of saved) {
			const [key, messages, lastMs] = Array.isArray(item) ? item : [];
			const messagesRight = messages === null || typeof messages === 'string' || isTextList(messages);
			if (!Array.isArray(item) || item.length !== 3 || typeof key !== 'string' || !messagesRight || (lastMs !== null && typeof lastMs !== 'number')) {
				throw new Error(`load: an aggregated kind of event is ${JSON.stringify(item)}, not [key, messages, last seen]`);
			}
			const entry: Similar = {key, messages: messages === null ? undefined : typeof messages === 'string' ? messages : new Set(messages), lastMs: lastMs ?? Number.NEGATIVE_INFINITY};
			this.entries.set(key, entry);
			this.linkNewest(entry);
		}
	}

	/** The entry for `key`, made most recently used; a new one (no messages yet) when absent. */
	use(key: string): Similar {
		let entry = this.entries.get(key);
		if (entry) {
			if (entry === this.newest) return entry;
			this.unlink(entry);
		} else {
			entry = {key, messages: undefined, lastMs: Number.NEGATIVE_INFINITY};
			this.entries.set(key, entry);
			if (this.entries.size > this.capacity && this.oldest) {
				const evicted = this.oldest;
				this.unlink(evicted);
				this.entries.delete(evicted.key);
			}
		}
		this.linkNewest(entry);
		return entry;
	}

	/** Put an unlinked entry at the most recently used end. */
	private linkNewest(entry: Similar): void {
		entry.older = this.newest;
		entry.newer = undefined;
		if (this.newest) this.newest.newer = entry;
		else this.oldest = entry;
		this.newest = entry;
	}

	private unlink(entry: Similar): void {
		if (entry.older) entry.older.newer = entry.newer;
		else this.oldest = entry.newer;
		if (entry.newer) entry.newer.older = entry.older;
		else this.newest = entry.older;
		entry.older = entry.newer = undefined;
	}
}
