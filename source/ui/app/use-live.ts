import {useEffect, useReducer} from 'react';
import {useApp} from './use-app.js';

export type LiveOptions = {
	/** Also re-render when the virtual second changes (AGE cells, clocks). */
	clock?: boolean;
	/**
	 * Also re-render every `pollMs` of wall time while virtual time moves:
	 * logs and traces grow inside the runtime without any object changing
	 * (a paused simulation costs nothing).
	 */
	pollMs?: number;
	/** Also re-render when a metrics scrape completes (CPU and MEM cells), also while paused. */
	metrics?: boolean;
};

/**
 * Re-render the calling page when one of `kinds` changes ('*', the default:
 * any kind). The app renders once per simulation tick for all interested
 * pages, never once per listener. Returns a number that changes with each
 * such change (usable as a memo dependency).
 */
export function useLive(kinds: readonly string[] | '*' = '*', options: LiveOptions = {}): number {
	const app = useApp();
	const key = kinds === '*' ? '*' : kinds.join(',');
	const clock = options.clock ?? false;
	const pollMs = options.pollMs;
	const metrics = options.metrics ?? false;
	const [polls, bump] = useReducer((n: number) => n + 1, 0);
	useEffect(() => app.onTick(tick => {
		const hit = key === '*' ? tick.changed.size > 0 : key.split(',').some(kind => tick.changed.has(kind));
		return hit || (clock && tick.secondChanged) || (metrics && tick.metricsChanged);
	}), [app, key, clock, metrics]);
	useEffect(() => {
		if (!pollMs) return;
		let seen = app.now();
		const timer = app.timers.setInterval(() => {
			const now = app.now();
			if (now !== seen) {
				seen = now;
				bump();
			}
		}, pollMs);
		return () => app.timers.clearInterval(timer);
	}, [app, pollMs]);
	let version = polls;
	for (const kind of kinds === '*' ? ['*'] : kinds) version += app.model.version(kind);
	return clock ? version * 1e6 + (Math.floor(app.now() / 1000) % 1e6) : version;
}
