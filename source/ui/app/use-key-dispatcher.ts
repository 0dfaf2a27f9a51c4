import {useCallback, useEffect, useRef} from 'react';
import {useInput, useStdin} from 'ink';
import type {KeyEvent} from './contract.js';
import {parseKeys} from './keys.js';

/**
 * The one place the dashboard reads keys: every chunk Ink reads from stdin
 * becomes key events (see keys.ts) handed in order to `onKey`. The raw chunk
 * is taken from Ink's input stream (Ink's own key record cannot tell
 * Backspace from Delete), and handled inside Ink's `useInput` callback so
 * the renders a chunk causes are batched. The handler is read through a
 * ref: the subscription never changes, so no key reaches a stale closure.
 */
export function useKeyDispatcher(onKey: (event: KeyEvent) => void): void {
	const {internal_eventEmitter: emitter} = useStdin() as ReturnType<typeof useStdin> & {internal_eventEmitter?: NodeJS.EventEmitter};
	const handler = useRef(onKey);
	handler.current = onKey;
	const chunks = useRef<string[]>([]);
	// Subscribed before useInput's listener (effects run in order), so the chunk is queued when useInput's callback runs.
	useEffect(() => {
		if (!emitter) return;
		const listener = (data: unknown) => {
			if (typeof data === 'string') chunks.current.push(data);
		};
		emitter.on('input', listener);
		return () => {
			emitter.removeListener('input', listener);
		};
	}, [emitter]);
	const onInput = useCallback(() => {
		const pending = chunks.current.splice(0);
		for (const chunk of pending) for (const event of parseKeys(chunk)) handler.current(event);
	}, []);
	useInput(onInput);
}
