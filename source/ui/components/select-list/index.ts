export {SelectList, type SelectListProps} from './select-list.js';
export {useSelectList, type SelectItem} from './use-select-list.js';
export {selectListReducer, type SelectListAction, type SelectListState} from './select-list-state.js';
