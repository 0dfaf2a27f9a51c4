import type {VirtualClock} from '../clock.js';

/** kube-controller-manager's `--kube-api-qps`: requests a second each controller's API client may make. */
export const kubeApiQps = 20;
/** kube-controller-manager's `--kube-api-burst`: requests it may make at once after a quiet spell. */
export const kubeApiBurst = 30;

/**
 * A controller's client-side rate limit (client-go's token bucket), on
 * virtual time: `burst` tokens to start with, refilled at `qps` a second up
 * to `burst`. Each call reserves the next token, as a goroutine waiting in
 * the limiter does: calls are served in the order they asked, and one that
 * finds none gets the time its token will be there.
 */
export class ClientRateLimiter {
	private tokens: number;
	private at: number;

	constructor(private readonly clock: VirtualClock, readonly qps = kubeApiQps, readonly burst = kubeApiBurst) {
		this.tokens = burst;
		this.at = clock.now();
	}

	/** Reserve a token: the virtual time the call may go (now when one is there). */
	reserve(): number {
		const now = this.clock.now();
		if (now > this.at) {
			this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.qps) / 1000);
			this.at = now;
		}
		this.tokens -= 1;
		return this.tokens >= 0 ? now : now + Math.ceil((-this.tokens * 1000) / this.qps);
	}

	/**
	 * The bucket as data: its tokens (a fraction, negative while calls wait
	 * for tokens yet to come) and the virtual time they were counted at.
	 * A number survives JSON exactly, so the next reservation is the same.
	 */
	save(): SavedClientRateLimiter {
		return {tokens: this.tokens, at: this.at};
	}

	/** Take a saved bucket into this one (made with the same rate and burst). */
	load(saved: SavedClientRateLimiter): void {
		this.tokens = saved.tokens;
		this.at = saved.at;
	}
}

/** A `ClientRateLimiter` as data: tokens left and when they were counted (ms of virtual time). */
export type SavedClientRateLimiter = {tokens: number; at: number};
