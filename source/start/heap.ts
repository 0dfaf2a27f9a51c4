import {setFlagsFromString} from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full collection kept,
 * in percent. Left to itself, V8 grows a heap that collects quickly by up to
 * four times its live size before the next full collection; a simulation
 * of 100,000 pods keeps about 650 MB live, so its process reached 1.5 GB.
 * At 50 % the heap stays within about one and a half times what is live,
 * for a few more full collections (their marking runs beside the main
 * thread, mostly on the other core).
 */
export const heapGrowingPercent = 50;

/**
 * Cap the heap's growth between full collections for this process (the
 * app, `serve` and the benchmarks that measure them). It is a process-wide
 * V8 flag, so the engine's library entry leaves it alone. Set it before the
 * app's code is compiled: V8's code cache records the flags it was made
 * with.
 */
export function limitHeapGrowth(): void {
	setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
}
