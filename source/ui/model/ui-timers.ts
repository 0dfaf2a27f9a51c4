/**
 * The timers the dashboard itself uses (a flash fading, a view polling for
 * new log lines). The terminal app uses the real ones; a headless recording
 * passes timers driven by its own virtual clock, so what is on screen at a
 * moment of a recording never depends on how fast the machine is.
 */
export type TimerHandle = {readonly id: number} | ReturnType<typeof setTimeout>;

export type UiTimers = {
	setTimeout(callback: () => void, ms: number): TimerHandle;
	clearTimeout(handle: TimerHandle | undefined): void;
	setInterval(callback: () => void, ms: number): TimerHandle;
	clearInterval(handle: TimerHandle | undefined): void;
};

export const realTimers: UiTimers = {
	setTimeout(callback, ms) {
		const timer = setTimeout(callback, ms);
		// A fading flash never keeps the process alive.
		timer.unref?.();
		return timer;
	},
	clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
	setInterval(callback, ms) {
		const timer = setInterval(callback, ms);
		timer.unref?.();
		return timer;
	},
	clearInterval: handle => clearInterval(handle as ReturnType<typeof setInterval>),
};
