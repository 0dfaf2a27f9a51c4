/**
 * The dashboard's timers on a recording's clock: nothing fires by itself;
 * `runUntil(t)` fires every timer due by t, in time order (ties in the order
 * they were set), with the clock at each timer's moment.
 */
import type {TimerHandle, UiTimers} from '../ui/model/ui-timers.js';

type Timer = {id: number; at: number; every: number | undefined; callback: () => void};

export class VirtualTimers implements UiTimers {
	private nowMs = 0;
	private nextId = 1;
	private readonly timers = new Map<number, Timer>();

	now(): number {
		return this.nowMs;
	}

	setTimeout(callback: () => void, ms: number): TimerHandle {
		return this.add(callback, ms, undefined);
	}

	setInterval(callback: () => void, ms: number): TimerHandle {
		return this.add(callback, ms, Math.max(1, ms));
	}

	clearTimeout(handle: TimerHandle | undefined): void {
		if (handle && typeof handle === 'object' && 'id' in handle) this.timers.delete(handle.id as number);
	}

	clearInterval(handle: TimerHandle | undefined): void {
		this.clearTimeout(handle);
	}

	/** When the next timer is due, if any. */
	nextDue(): number | undefined {
		let next: number | undefined;
		for (const timer of this.timers.values()) if (next === undefined || timer.at < next) next = timer.at;
		return next;
	}

	/** Moves the clock to `t`, firing what is due on the way. */
	runUntil(t: number): void {
		for (;;) {
			let due: Timer | undefined;
			for (const timer of this.timers.values()) if (timer.at <= t && (!due || timer.at < due.at)) due = timer;
			if (!due) break;
			this.nowMs = Math.max(this.nowMs, due.at);
			if (due.every === undefined) this.timers.delete(due.id);
			else due.at += due.every;
			due.callback();
		}
		this.nowMs = Math.max(this.nowMs, t);
	}

	private add(callback: () => void, ms: number, every: number | undefined): TimerHandle {
		const id = this.nextId++;
		this.timers.set(id, {id, at: this.nowMs + Math.max(0, ms), every, callback});
		return {id};
	}
}
