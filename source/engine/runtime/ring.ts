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
}
