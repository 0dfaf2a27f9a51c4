/**
 * A controller's workers (`--concurrent-replicaset-syncs`,
 * `--concurrent-gc-syncs`, ...) for work that outlives one sync: a key whose
 * API calls wait on the rate-limited client holds a worker until they are
 * made, as an upstream sync blocked in its client holds its goroutine. A key
 * that finds every worker busy waits its turn; when one comes free, the next
 * in line is queued again and takes it at its sync.
 */
export class WorkerPool {
	/** Keys holding a worker. */
	private readonly running = new Set<string>();
	/** Keys that found every worker busy, in the order they came. */
	private readonly waiting = new Set<string>();
	/** Waiting keys queued for a worker that has come free, until their sync. */
	private readonly pulled = new Set<string>();

	constructor(
		readonly size: number,
		/** Queue a key's sync again (its controller's work queue). */
		private readonly requeue: (key: string) => void,
	) {}

	/** Whether `key` holds a worker. */
	holds(key: string): boolean {
		return this.running.has(key);
	}

	/**
	 * Run a key's sync: a worker pulled for it is its to take during `sync`;
	 * after it, a worker it did not need goes to the next in line.
	 */
	sync(key: string, sync: () => void): void {
		this.pulled.delete(key);
		try {
			sync();
		} finally {
			this.pull();
		}
	}

	/** Take a worker for `key`; false when every one is busy, and the key then waits its turn. */
	take(key: string): boolean {
		if (this.running.size >= this.size) {
			this.waiting.add(key);
			return false;
		}
		this.waiting.delete(key);
		this.running.add(key);
		return true;
	}

	/** The key's work is done: its worker goes to the next in line. */
	release(key: string): void {
		this.running.delete(key);
		this.pull();
	}

	/** The key is gone: it no longer waits. */
	forget(key: string): void {
		this.waiting.delete(key);
	}

	/** Queue as many waiting keys as there are free workers (each takes one at its sync, if it still has work). */
	pull(): void {
		for (const key of this.waiting) {
			if (this.running.size + this.pulled.size >= this.size) break;
			this.waiting.delete(key);
			this.pulled.add(key);
			this.requeue(key);
		}
	}

	/** The pool's keys as data: `waiting` in the order they take free workers, the others in the order they came. */
	save(): SavedWorkerPool {
		return {running: [...this.running], waiting: [...this.waiting], pulled: [...this.pulled]};
	}

	/** Replace the pool's keys with a saved pool's (of the same size); nothing is queued again. */
	load(saved: SavedWorkerPool): void {
		this.running.clear();
		this.waiting.clear();
		this.pulled.clear();
		for (const key of saved.running) this.running.add(key);
		for (const key of saved.waiting) this.waiting.add(key);
		for (const key of saved.pulled) this.pulled.add(key);
	}
}

/**
 * A `WorkerPool` as data: the keys holding a worker, the keys waiting for
 * one (first in line first), and the waiting keys already queued for a
 * worker that came free. The pulled keys' syncs are in the work queue's
 * saved state, not here.
 */
export type SavedWorkerPool = {running: string[]; waiting: string[]; pulled: string[]};
