/**
 * The table's navigation keys as keymap data (k9s: j/k, arrows, g/G,
 * ctrl-f/ctrl-b, PgUp/PgDn). One line per key: each only dispatches.
 */
import type {Dispatch} from 'react';
import type {KeyBinding, Keymap} from '../../app/contract.js';
import type {TableAction} from './use-table-state.js';

export const tableNavigationBindings: KeyBinding[] = [
	{key: 'j', action: 'table.down', description: 'Down', visible: false},
	{key: 'down', action: 'table.down', description: 'Down', visible: false},
	{key: 'k', action: 'table.up', description: 'Up', visible: false},
	{key: 'up', action: 'table.up', description: 'Up', visible: false},
	{key: 'pgdn', action: 'table.page-down', description: 'Page down', visible: false},
	{key: 'ctrl-f', action: 'table.page-down', description: 'Page down', visible: false},
	{key: 'pgup', action: 'table.page-up', description: 'Page up', visible: false},
	{key: 'ctrl-b', action: 'table.page-up', description: 'Page up', visible: false},
	{key: 'g', action: 'table.top', description: 'Top', visible: false},
	{key: 'home', action: 'table.top', description: 'Top', visible: false},
	{key: 'shift-g', action: 'table.bottom', description: 'Bottom', visible: false},
	{key: 'end', action: 'table.bottom', description: 'Bottom', visible: false},
];

/** Navigation handlers for a table showing `ids` in `height` rows. */
export function useTableInput(dispatch: Dispatch<TableAction>, ids: readonly string[], height: number): Keymap {
	return {
		bindings: tableNavigationBindings,
		handlers: {
			'table.down': () => dispatch({type: 'move', delta: 1, ids, height}),
			'table.up': () => dispatch({type: 'move', delta: -1, ids, height}),
			'table.page-down': () => dispatch({type: 'move', delta: Math.max(1, height - 1), ids, height}),
			'table.page-up': () => dispatch({type: 'move', delta: -Math.max(1, height - 1), ids, height}),
			'table.top': () => dispatch({type: 'top', ids}),
			'table.bottom': () => dispatch({type: 'bottom', ids, height}),
		},
	};
}
