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

/**
 * The heap's growth between full collections while a state file is read in:
 * five times what the last one kept. The heap only grows then, so a full
 * collection finds little to free, and at the cap's 50 % they came one after
 * another (opening a 10,000-pod file took about 10 % longer in 7 of 8
 * alternated pairs, for the same peak RSS).
 */
export const loadingHeapGrowingPercent = 400;

/** Run `load` (the open of a state file) with the heap growing freely, then cap it again (`limitHeapGrowth`). */
export async function whileHeapOnlyGrows<T>(load: () => Promise<T>): Promise<T> {
	setFlagsFromString(`--heap-growing-percent=${loadingHeapGrowingPercent}`);
	try {
		return await load();
	} finally {
		limitHeapGrowth();
	}
}
