/**
 * Keys before the dashboard is drawn: a state file restored at 10,000 pods
 * takes most of a second, and an older file's replay longer. `q` quits then
 * as it does once the dashboard is up (nothing changed yet, so nothing is
 * saved), and Ctrl+C as its signal would. The terminal is in raw mode
 * meanwhile, so each key arrives as it is typed; any other key is dropped,
 * as the dashboard is not there to take it.
 */

/** The terminal's input, as far as this needs it (process.stdin, or a stand-in in tests). */
export type LoadingInput = {
	isTTY?: boolean;
	setRawMode?: (raw: boolean) => unknown;
	on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
};

const quitKey = 'q';
const interruptKey = '\u0003';

/**
 * Listen for `q` (quit: code 0) and Ctrl+C (code 130) on a terminal's
 * input until the returned function is called, which gives the terminal
 * back as it was. Not a terminal: nothing is listened to (its input is not
 * typed keys).
 */
export function quitKeysWhileLoading(input: LoadingInput, quit: (code: number) => void): () => void {
	if (!input.isTTY || typeof input.setRawMode !== 'function') return () => undefined;
	input.setRawMode(true);
	const listener = (chunk: Buffer | string) => {
		const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
		// The first of the two in what arrived decides, as the keys were typed in that order.
		const quitAt = text.indexOf(quitKey);
		const interruptAt = text.indexOf(interruptKey);
		if (interruptAt >= 0 && (quitAt < 0 || interruptAt < quitAt)) quit(130);
		else if (quitAt >= 0) quit(0);
	};
	input.on('data', listener);
	let stopped = false;
	return () => {
		if (stopped) return;
		stopped = true;
		input.off('data', listener);
		// Not paused: the terminal keeps being read for the dashboard's own listener (a stream paused here would not read again for it).
		input.setRawMode?.(false);
	};
}
