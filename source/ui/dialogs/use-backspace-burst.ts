import {useEffect, useRef} from 'react';
import {useStdin} from 'ink';

/**
 * Ink 6.8 turns several Backspaces that arrive in one read (key repeat, tmux
 * send-keys, a paste) into one key with an empty name and no flags, so
 * ink-text-input never sees them. This hook reads the raw input event and
 * reports how many Backspaces such a burst held; a single Backspace still
 * reaches the text input normally and is not reported here.
 */
export function useBackspaceBurst(onBurst: (count: number) => void, isActive = true): void {
	const {internal_eventEmitter: emitter} = useStdin() as ReturnType<typeof useStdin> & {internal_eventEmitter?: NodeJS.EventEmitter};
	const handler = useRef(onBurst);
	handler.current = onBurst;
	useEffect(() => {
		if (!isActive || !emitter) return;
		const listener = (input: unknown) => {
			if (typeof input === 'string' && input.length > 1 && /^[\x7f\b]+$/.test(input)) handler.current(input.length);
		};
		emitter.on('input', listener);
		return () => {
			emitter.removeListener('input', listener);
		};
	}, [emitter, isActive]);
}
