/** A list of choices with a highlighted one (delete policy, drain mode). Plain data. */
export type SelectListState = {index: number; count: number};

export type SelectListAction = {type: 'move'; by: number} | {type: 'to'; index: number};

export function selectListReducer(state: SelectListState, action: SelectListAction): SelectListState {
	if (state.count === 0) return state;
	switch (action.type) {
		case 'move':
			return {...state, index: (state.index + action.by + state.count * Math.abs(action.by)) % state.count};
		case 'to':
			return {...state, index: Math.max(0, Math.min(state.count - 1, action.index))};
	}
}
