import {useContext, useEffect, useLayoutEffect, useRef} from 'react';
import type {Selection} from './contract.js';
import {PageContext} from './page-context.js';

/** Publish the object under the page's cursor (or undefined). */
export function useSelection(selection: Selection | undefined): void {
	const channel = useContext(PageContext);
	const uid = selection ? `${selection.kind}/${selection.object.metadata.uid}/${selection.object.metadata.resourceVersion}/${selection.container ?? ''}` : '';
	const ref = useRef(selection);
	ref.current = selection;
	useLayoutEffect(() => {
		channel?.setSelection(ref.current);
	}, [channel, uid]);
	useEffect(() => () => channel?.setSelection(undefined), [channel]);
}
