/**
 * A fixed-capacity ring buffer: pushing past the capacity drops the oldest
 * entry. Used for syscall traces, container logs and the CRI call log so that
 * a long-running cluster's memory stays bounded.
 */
export class Ring<T> {
	private readonly items: T[] = [];
	private head = 0;
	/** Entries pushed over the ring's lifetime, dropped ones included. */
	total = 0;

	constructor(readonly capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`);
	}

	push(item: T): void {
		this.total++;
		if (this.items.length < this.capacity) {
			this.items.push(item);
			return;
		}
		this.items[this.head] = item;
		this.head = (this.head + 1) % this.capacity;
	}

	get length(): number {
		return this.items.length;
	}

	/** Entries dropped because the ring was full. */
	get dropped(): number {
		return this.total - this.items.length;
	}

	/** Oldest first; the last `limit` entries when a limit is given. */
	toArray(limit?: number): T[] {
		const out = this.head === 0 ? this.items.slice() : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
		return limit === undefined || limit >= out.length ? out : out.slice(out.length - limit);
	}

	clear(): void {
		this.items.length = 0;
		this.head = 0;
	}

	/**
	 * The ring as data: its entries oldest first (through `encode`, for
	 * entries that are not JSON as they are) and the lifetime count, which
	 * `dropped` reads. Where in the backing array the oldest entry sits is
	 * not kept: a ring loaded with the oldest first drops the same entries
	 * in the same order.
	 */
	save<S = T>(encode: (item: T) => S = item => item as unknown as S): SavedRing<S> {
		return {capacity: this.capacity, total: this.total, items: this.toArray().map(item => encode(item))};
	}

	/** A ring that reads and goes on as the one `data` was saved from; `decode` undoes the save's `encode`. */
	static fromSaved<T, S = T>(data: SavedRing<S>, decode: (item: S) => T = item => item as unknown as T): Ring<T> {
		const ring = new Ring<T>(data.capacity);
		if (data.items.length > data.capacity || data.total < data.items.length) throw new Error(`a saved ring of ${data.capacity} cannot hold ${data.items.length} of ${data.total} entries`);
		for (const item of data.items) ring.items.push(decode(item));
		ring.total = data.total;
		return ring;
	}
}

/** A ring as data (`Ring.save`): its capacity, lifetime count, and entries oldest first. */
export type SavedRing<S> = {capacity: number; total: number; items: S[]};
