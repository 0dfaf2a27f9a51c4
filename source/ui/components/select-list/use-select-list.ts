import {useReducer, useRef} from 'react';
import {usePageKeys} from '../../app/use-page-keys.js';
import {selectListReducer} from './select-list-state.js';

export type SelectItem<V> = {label: string; value: V};

/**
 * The select list's input: ↑/↓ (j/k) move, 1–9 jump, Enter picks. Keys come
 * from the app's dispatcher through the keymap of the page or modal the
 * list is in.
 */
export function useSelectList<V>(items: ReadonlyArray<SelectItem<V>>, onSelect: (item: SelectItem<V>) => void): number {
	const [state, dispatch] = useReducer(selectListReducer, {index: 0, count: items.length});
	const index = useRef(state.index);
	index.current = state.index;
	const move = (by: number) => {
		const next = selectListReducer({index: index.current, count: items.length}, {type: 'move', by});
		index.current = next.index;
		dispatch({type: 'to', index: next.index});
	};
	usePageKeys({
		bindings: [
			{key: 'down', action: 'select.down', description: 'Down', visible: false},
			{key: 'j', action: 'select.down', description: 'Down', visible: false},
			{key: 'up', action: 'select.up', description: 'Up', visible: false},
			{key: 'k', action: 'select.up', description: 'Up', visible: false},
			{key: 'enter', action: 'select.pick', description: 'Select'},
		],
		handlers: {
			'select.down': () => move(1),
			'select.up': () => move(-1),
			'select.pick': () => {
				const item = items[index.current];
				if (item) onSelect(item);
			},
		},
		onKey: event => {
			if (!/^[1-9]$/.test(event.name)) return false;
			const at = Number(event.name) - 1;
			if (at < items.length) {
				index.current = at;
				dispatch({type: 'to', index: at});
			}
			return true;
		},
	});
	return state.index;
}
