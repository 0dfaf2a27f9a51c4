/** The table's navigation keys: the shared scrolling keymap, each key only dispatches. */
import type {Dispatch} from 'react';
import type {Keymap} from '../../app/contract.js';
import {scrollBindings, scrollHandlers} from '../scroll-keys.js';
import type {TableAction} from './use-table-state.js';
import type {IdList} from '../../model/table-data.js';

/** Navigation handlers for a table showing `ids` in `height` rows. */
export function useTableInput(dispatch: Dispatch<TableAction>, ids: IdList, height: number): Keymap {
	return {
		bindings: scrollBindings,
		handlers: scrollHandlers({
			down: () => dispatch({type: 'move', delta: 1, ids, height}),
			up: () => dispatch({type: 'move', delta: -1, ids, height}),
			pageDown: () => dispatch({type: 'move', delta: Math.max(1, height - 1), ids, height}),
			pageUp: () => dispatch({type: 'move', delta: -Math.max(1, height - 1), ids, height}),
			top: () => dispatch({type: 'top', ids}),
			bottom: () => dispatch({type: 'bottom', ids, height}),
		}),
	};
}
