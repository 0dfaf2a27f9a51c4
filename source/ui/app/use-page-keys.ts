import {useContext, useEffect, useLayoutEffect, useRef} from 'react';
import type {ActionHandler, Keymap} from './contract.js';
import {PageContext} from './page-context.js';

/**
 * Declare the page's keymap. Bindings are read at every key, handlers
 * through a ref, so passing fresh objects each render is fine; the hints
 * update when the list of action names changes.
 */
export function usePageKeys(keymap: Keymap): void {
	const channel = useContext(PageContext);
	const ref = useRef(keymap);
	ref.current = keymap;
	const signature = keymap.bindings.map(b => `${b.key}=${b.action}`).join(',');
	useLayoutEffect(() => {
		if (!channel) return;
		channel.setKeymap({
			bindings: ref.current.bindings,
			handlers: new Proxy({}, {
				get: (_target, action: string) => ref.current.handlers[action],
				has: (_target, action: string) => action in ref.current.handlers,
			}) as Record<string, ActionHandler>,
			onKey: event => ref.current.onKey?.(event) ?? false,
		});
	}, [channel, signature]);
	useEffect(() => () => channel?.setKeymap(undefined), [channel]);
}
