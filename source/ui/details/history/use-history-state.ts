import {useReducer} from 'react';

/** Cursor over the revisions of a rollout history (newest first on screen). */
export type HistoryState = {cursor: number};

export type HistoryAction = {type: 'move'; by: number; total: number} | {type: 'to'; index: number; total: number};

export function historyReducer(state: HistoryState, action: HistoryAction): HistoryState {
	const last = Math.max(0, action.total - 1);
	switch (action.type) {
		case 'move':
			return {cursor: Math.min(last, Math.max(0, state.cursor + action.by))};
		case 'to':
			return {cursor: Math.min(last, Math.max(0, action.index))};
	}
}

export function useHistoryState() {
	return useReducer(historyReducer, {cursor: 0});
}
