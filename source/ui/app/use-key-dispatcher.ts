import {useCallback, useEffect, useLayoutEffect, useReducer, useRef} from 'react';
import {useInput, useStdin} from 'ink';
import type {KeyEvent} from './contract.js';
import {parseKeys} from './keys.js';

export type KeyDispatcherOptions = {
	/**
	 * Whether `event` reads only state that key handling keeps current by
	 * itself (the prompt buffer), and so may run before the keys ahead of it
	 * are drawn. Default: no key may.
	 */
	synchronous?: (event: KeyEvent) => boolean;
	/**
	 * Whether `event` goes ahead of the keys still waiting for a frame, as
	 * soon as it is read (Ctrl+C, which quits): the keys before it are
	 * dropped. Default: none does.
	 */
	interrupt?: (event: KeyEvent) => boolean;
};

/**
 * The one place the dashboard reads keys: every chunk Ink reads from stdin
 * becomes key events (see keys.ts) handed in order to `onKey`. The raw chunk
 * is taken from Ink's input stream (Ink's own key record cannot tell
 * Backspace from Delete), and handled inside Ink's `useInput` callback so
 * the renders a chunk causes are batched. The handler is read through a
 * ref: the subscription never changes, so no key reaches a stale closure.
 *
 * A run of keys in one read (a paste, tmux send-keys, fast typing) acts as
 * the same keys typed one by one: a key that reads what the screen shows
 * (the page's rows, its selection, a dialog's fields) waits until what the
 * keys before it changed has been rendered and committed, so `/web⏎s`
 * scales the row the filtered table shows, not the one selected before.
 * Only keys for the prompt, a model the container updates in place, run
 * straight on, and a key that interrupts (Ctrl+C) goes ahead of the rest.
 */
export function useKeyDispatcher(onKey: (event: KeyEvent) => void, options: KeyDispatcherOptions = {}): void {
	const {internal_eventEmitter: emitter} = useStdin() as ReturnType<typeof useStdin> & {internal_eventEmitter?: NodeJS.EventEmitter};
	const handler = useRef(onKey);
	handler.current = onKey;
	const synchronous = useRef(options.synchronous);
	synchronous.current = options.synchronous;
	const interrupt = useRef(options.interrupt);
	interrupt.current = options.interrupt;
	const chunks = useRef<string[]>([]);
	/** Keys read and not handled yet, in order. */
	const queue = useRef<KeyEvent[]>([]);
	/** A key was handled since the last commit: what it changed may not be on screen yet. */
	const uncommitted = useRef(false);
	const [, render] = useReducer((n: number) => n + 1, 0);

	const pump = useCallback(() => {
		let handled = false;
		while (queue.current.length > 0) {
			const event = queue.current[0]!;
			if (uncommitted.current && !(synchronous.current?.(event) ?? false)) {
				// Ask for a commit even if the keys before changed nothing; the commit resumes the queue.
				render();
				return;
			}
			queue.current.shift();
			uncommitted.current = true;
			handled = true;
			handler.current(event);
		}
		// React renders the updates of a key handler in a microtask queued at their first update, so
		// one queued now runs after it: the next read starts from a drawn screen without asking for
		// a render of its own (a key that redrew only its page never commits this component).
		if (handled) {
			queueMicrotask(() => {
				if (queue.current.length === 0) uncommitted.current = false;
			});
		}
	}, []);

	// After every commit of the dispatcher's component (its pages' effects have run by then):
	// the screen is current, and the keys held back go on, in a microtask so that their
	// own renders are not nested in this commit.
	useLayoutEffect(() => {
		uncommitted.current = false;
		if (queue.current.length > 0) queueMicrotask(pump);
	});

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
		for (const chunk of pending) queue.current.push(...parseKeys(chunk));
		// A key that interrupts does not wait for the frames of the keys read before it (a slow frame at 100,000 pods would hold Ctrl+C).
		const at = interrupt.current ? queue.current.findIndex(event => interrupt.current!(event)) : -1;
		if (at >= 0) {
			const [event] = queue.current.splice(0, at + 1).slice(-1);
			uncommitted.current = true;
			handler.current(event!);
		}
		pump();
	}, [pump]);
	useInput(onInput);
}
