/** Small helpers shared by the benchmark sections. */

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of `fn` in ms (the benchmark is the one place that reads the real clock). */
export function timeMs(fn: () => void): number {
	const start = performance.now();
	fn();
	return performance.now() - start;
}

/**
 * The longest the event loop goes without turning, from now: a 1 ms
 * ticker's widest gap (what a key press or a signal may wait). `restart`
 * counts from now again; `stop` ends the ticker and gives the longest gap,
 * the last one included.
 */
export function holdTicker(): {longestMs: () => number; restart: () => void; stop: () => number} {
	let last = performance.now();
	let longest = 0;
	const ticker = setInterval(() => {
		const now = performance.now();
		longest = Math.max(longest, now - last);
		last = now;
	}, 1);
	return {
		longestMs: () => longest,
		restart() {
			last = performance.now();
			longest = 0;
		},
		stop() {
			clearInterval(ticker);
			return Math.max(longest, performance.now() - last);
		},
	};
}

export function formatMs(ms: number): string {
	return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

export function formatMb(bytes: number): string {
	return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/** Heap plus external memory after a full GC, in bytes. */
export function settledMemory(): number {
	globalThis.gc?.();
	const usage = process.memoryUsage();
	return usage.heapUsed + usage.external + usage.arrayBuffers;
}
