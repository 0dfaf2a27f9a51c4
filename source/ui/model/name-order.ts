/**
 * A kind's objects in the tables' default order, namespace then name then
 * uid, from the metadata alone. It holds keys, not objects: a modified
 * object keeps its place, so only an added or deleted object moves
 * anything, in O(log n). Built once (a sort, or ahead in slices by
 * `add`), then kept current by the model from its watch events; a lazy
 * table over a namespace reads a range of it without sorting anything.
 */
import type {KubeObject} from '../../engine/index.js';
import {SortedList} from './sorted-list.js';

export type NameKey = {readonly namespace: string; readonly name: string; readonly uid: string};

/** The order of `NameKey`s: as the tables' tie key `namespace\0name\0uid` compares. */
export function compareNames(a: NameKey, b: NameKey): number {
	if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
	if (a.name !== b.name) return a.name < b.name ? -1 : 1;
	return a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}

export function nameKey(object: KubeObject): NameKey {
	return {namespace: object.metadata.namespace ?? '', name: object.metadata.name, uid: object.metadata.uid};
}

export class NameOrder {
	private readonly list: SortedList<NameKey>;
	/** Grows with every insert and removal: a namespace's range is worked out again after one. */
	changes = 0;
	private ranges = new Map<string, [number, number]>();
	private rangesAt = 0;

	constructor(sorted: readonly NameKey[] = []) {
		this.list = new SortedList(compareNames, sorted);
	}

	/** Every object of `objects` in order: one sort. */
	static of(objects: Iterable<KubeObject>): NameOrder {
		const keys: NameKey[] = [];
		for (const object of objects) keys.push(nameKey(object));
		keys.sort(compareNames);
		return new NameOrder(keys);
	}

	get length(): number {
		return this.list.length;
	}

	/** Put an object in its place; nothing when it is there already (its key never changes). */
	add(object: KubeObject): void {
		const key = nameKey(object);
		if (this.list.find(key)) return;
		this.list.insert(key);
		this.changes++;
	}

	/** Take an object out; nothing when it is not here. */
	remove(object: KubeObject): void {
		const found = this.list.find(nameKey(object));
		if (!found) return;
		this.list.remove(found);
		this.changes++;
	}

	at(index: number): NameKey | undefined {
		return this.list.at(index);
	}

	slice(start: number, end: number): NameKey[] {
		return this.list.slice(start, end);
	}

	/** Where an object is in the whole order, or -1. */
	indexOf(object: KubeObject): number {
		const key = nameKey(object);
		const found = this.list.find(key);
		return found ? this.list.rank(found) : -1;
	}

	/** [start, end) of one namespace's objects ('' for a cluster-scoped kind), or of every object (undefined). */
	range(namespace: string | undefined): [number, number] {
		if (namespace === undefined) return [0, this.list.length];
		if (this.rangesAt !== this.changes) {
			this.ranges = new Map();
			this.rangesAt = this.changes;
		}
		let range = this.ranges.get(namespace);
		if (!range) {
			// A name is never empty and never holds \0: (ns, '', '') comes before the namespace's first key, (ns\0, '', '') after its last.
			range = [this.list.rank({namespace, name: '', uid: ''}), this.list.rank({namespace: `${namespace}\u0000`, name: '', uid: ''})];
			this.ranges.set(namespace, range);
		}
		return range;
	}
}
