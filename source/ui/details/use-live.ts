import {useEffect, useReducer} from 'react';
import {useApp} from '../app/contract.js';

/**
 * Re-render the calling page whenever the cluster model flushes a change
 * (one batch per simulation step, so at a bounded rate). `kinds` narrows it
 * to changes of those kinds; none means any change. Returns a counter that
 * grows with each change, for memo dependencies.
 */
export function useLive(kinds?: readonly string[]): number {
	const {model} = useApp();
	const [tick, bump] = useReducer((n: number) => n + 1, 0);
	const key = kinds?.join(',') ?? '';
	useEffect(() => model.subscribe(changed => {
		if (!kinds || kinds.some(kind => changed.has(kind))) bump();
	}), [model, key]);
	return tick;
}
