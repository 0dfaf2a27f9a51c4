import {useEffect, useReducer} from 'react';
import {useApp} from '../app/contract.js';

/**
 * Re-render the calling page whenever the cluster model flushes a change
 * (one batch per simulation step, so at a bounded rate). `kinds` narrows it
 * to changes of those kinds; none means any change. Returns a counter that
 * grows with each change, for memo dependencies.
 */
export function useLive(kinds?: readonly string[], options: {pollMs?: number} = {}): number {
	const {model, cluster} = useApp();
	const [tick, bump] = useReducer((n: number) => n + 1, 0);
	const key = kinds?.join(',') ?? '';
	useEffect(() => model.subscribe(changed => {
		if (!kinds || kinds.some(kind => changed.has(kind))) bump();
	}), [model, key]);
	// Logs and traces grow inside the runtime without any object changing:
	// poll while virtual time moves (a paused simulation costs nothing).
	useEffect(() => {
		if (!options.pollMs) return;
		let seen = cluster.now();
		const timer = setInterval(() => {
			const now = cluster.now();
			if (now !== seen) {
				seen = now;
				bump();
			}
		}, options.pollMs);
		return () => clearInterval(timer);
	}, [cluster, options.pollMs]);
	return tick;
}
