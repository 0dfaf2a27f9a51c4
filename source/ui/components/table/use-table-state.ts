/**
 * Table cursor state as a reducer: the cursor follows an object by id as
 * rows are added, removed or re-sorted; the window (offset) scrolls only as
 * much as needed to keep the cursor visible.
 */
import {useReducer} from 'react';
import type {IdList} from '../../model/table-data.js';

export type TableState = {
	/** Id of the row under the cursor, once one was seen. */
	cursorId?: string;
	/** Last known cursor index (used when the row with cursorId is gone). */
	index: number;
	/** First visible row. */
	offset: number;
};

export type TableAction =
	| {type: 'move'; delta: number; ids: IdList; height: number}
	| {type: 'top'; ids: IdList}
	| {type: 'bottom'; ids: IdList; height: number}
	| {type: 'select'; id: string; ids: IdList; height: number};

export const initialTableState: TableState = {index: 0, offset: 0};

/** Where the cursor is in `ids` now: by id when present, else the clamped last index. */
export function cursorIndex(state: TableState, ids: IdList): number {
	if (ids.length === 0) return 0;
	if (state.cursorId !== undefined) {
		const at = ids.indexOf(state.cursorId);
		if (at >= 0) return at;
	}
	return Math.min(Math.max(state.index, 0), ids.length - 1);
}

/** The offset that keeps `index` visible, moving `offset` as little as possible. */
export function windowOffset(offset: number, index: number, height: number, count: number): number {
	const rows = Math.max(1, height);
	let next = Math.min(offset, index);
	if (index >= next + rows) next = index - rows + 1;
	next = Math.min(next, Math.max(0, count - rows));
	return Math.max(0, next);
}

function at(state: TableState, ids: IdList, index: number, height: number): TableState {
	if (ids.length === 0) return {...state, index: 0, offset: 0};
	const clamped = Math.min(Math.max(index, 0), ids.length - 1);
	return {cursorId: ids.at(clamped), index: clamped, offset: windowOffset(state.offset, clamped, height, ids.length)};
}

export function tableReducer(state: TableState, action: TableAction): TableState {
	switch (action.type) {
		case 'move':
			return at(state, action.ids, cursorIndex(state, action.ids) + action.delta, action.height);
		case 'top':
			return {cursorId: action.ids.at(0), index: 0, offset: 0};
		case 'bottom':
			return at(state, action.ids, action.ids.length - 1, action.height);
		case 'select': {
			const index = action.ids.indexOf(action.id);
			return index < 0 ? state : at(state, action.ids, index, action.height);
		}
	}
}

/** The reducer hook; `initial` restores a saved cursor (e.g. when a page is shown again). */
export function useTableState(initial: TableState = initialTableState) {
	return useReducer(tableReducer, initial);
}
