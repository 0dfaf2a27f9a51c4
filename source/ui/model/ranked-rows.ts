/**
 * A table's rows with its faults first, as home's panels list them: the
 * rows of each fault table in turn (errors, then pending, then terminating
 * rows), then every other row of the whole table; each part in the table's
 * order. Every part is an incremental table the model keeps current, and the
 * list is a view over them: a frame reads the rows it shows, each found in
 * O(log² n) (where the k-th row that is no fault stands in the whole table,
 * by binary search over the faults before each place), and no row is
 * copied, ranked or sorted again.
 */
import type {IdList, IncrementalTable, IncrementalTableData, RowList, TableRow} from './table-data.js';

/** A fault table: its rows are those of the whole table of some statuses, in the same order. */
export type RankedPart = {table: IncrementalTable; data: IncrementalTableData};

export type RankedRows = {rows: RowList; ids: IdList; faults: number};

/**
 * `all`'s rows with the rows of `parts` first. `faulty` says whether a row
 * of `all` is one of the parts' (its status is one of theirs): the parts
 * hold exactly those rows of `all`, in its order.
 */
export function rankedRows(all: IncrementalTableData, parts: readonly RankedPart[], faulty: (row: TableRow) => boolean): RankedRows {
	const sizes = parts.map(part => part.data.rows.length);
	const faults = sizes.reduce((sum, size) => sum + size, 0);
	const length = all.rows.length;
	/** Fault rows before `row` in the table's order. */
	const faultsBefore = (row: TableRow) => parts.reduce((sum, part) => sum + part.table.countBefore(row.object), 0);
	/** How many rows of `all` from its first to the one at `index` (included) are no fault. */
	const keptUpTo = (index: number): number => {
		const row = all.rows.at(index);
		if (!row) return index + 1;
		return index - faultsBefore(row) + (faulty(row) ? 0 : 1);
	};
	/** The row of `all` that is the `k`-th (from 0) of those that are no fault: at `k` at the earliest, `k + faults` at the latest. */
	const keptAt = (k: number): TableRow | undefined => {
		let low = k;
		let high = Math.min(length - 1, k + faults);
		if (low > high) return undefined;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (keptUpTo(middle) >= k + 1) high = middle;
			else low = middle + 1;
		}
		const row = all.rows.at(low);
		return row && !faulty(row) ? row : undefined;
	};
	const at = (index: number): TableRow | undefined => {
		if (index < 0) index += length;
		if (index < 0 || index >= length) return undefined;
		let offset = index;
		for (let part = 0; part < parts.length; part++) {
			if (offset < sizes[part]!) return parts[part]!.data.rows.at(offset);
			offset -= sizes[part]!;
		}
		return keptAt(offset);
	};
	const indexOf = (id: string): number => {
		let offset = 0;
		for (let part = 0; part < parts.length; part++) {
			const found = parts[part]!.data.ids.indexOf(id);
			if (found >= 0) return offset + found;
			offset += sizes[part]!;
		}
		const found = all.ids.indexOf(id);
		const row = found < 0 ? undefined : all.rows.at(found);
		if (!row || faulty(row)) return -1;
		return faults + found - faultsBefore(row);
	};
	const rows: RowList = {
		length,
		at,
		slice(start = 0, end = length) {
			const out: TableRow[] = [];
			for (let index = Math.max(0, start); index < Math.min(length, end); index++) {
				const row = at(index);
				if (row) out.push(row);
			}
			return out;
		},
	};
	const ids: IdList = {length, at: index => at(index)?.id, indexOf};
	return {rows, ids, faults};
}
