import {useContext, useLayoutEffect} from 'react';
import {PageContext} from './page-context.js';

/** Declare the kind a page lists (its registered actions show even when the list is empty). */
export function usePageKind(kind: string | undefined): void {
	const channel = useContext(PageContext);
	useLayoutEffect(() => {
		channel?.setKind?.(kind);
	}, [channel, kind]);
}
