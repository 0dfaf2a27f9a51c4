export {Table, cellNeeds, fitWidths, naturalWidths, shrinkWidths, formatRow, statusColor, cleanCell, type TableProps} from './table.js';
export {useTableState, tableReducer, cursorIndex, windowOffset, initialTableState, type TableState, type TableAction} from './use-table-state.js';
export {useTableInput} from './use-table-input.js';
