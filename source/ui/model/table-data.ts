/**
 * Objects → table rows for one view: namespace scope, selector sets, filter,
 * faults only, wide columns and sort. Pure functions (no React); the view
 * memoises them by model version and clock second.
 */
import type {KubeObject} from '../../engine/index.js';
import type {Column, ColumnSet, RenderContext, Row, RowStatus} from '../views/columns.js';
import type {RowChange} from './cluster-model.js';
import {fuzzyMatch, type Filter} from './filter.js';

export type SortSpec = {column: string; ascending: boolean};

export type TableQuery = {
	/** Namespace or 'all'. */
	namespace: string;
	/** Whether the kind is namespaced (adds the NAMESPACE column for 'all'). */
	namespaced: boolean;
	filter: Filter;
	/** Uids allowed by a label or field selector, when one applies. */
	allowed?: ReadonlySet<string>;
	wide: boolean;
	faultsOnly: boolean;
	sort?: SortSpec;
};

/** A rendered row plus its recent change (for the brief highlight). */
export type TableRow = Row & {change?: RowChange['type']};

export type TableData = {columns: Column[]; rows: TableRow[]; total: number};

const namespaceColumn: Column = {name: 'NAMESPACE', sortKey: 'p'};

type Cached = {now: number; cells: string[]; sort?: Array<number | undefined>; status: RowStatus};
const rowCache = new WeakMap<ColumnSet, WeakMap<KubeObject, Cached>>();

/** One object's row, cached per (object, now). */
export function renderRow(set: ColumnSet, object: KubeObject, context: RenderContext): Cached {
	let cache = rowCache.get(set);
	if (!cache) rowCache.set(set, (cache = new WeakMap()));
	const hit = cache.get(object);
	if (hit && hit.now === context.now) return hit;
	const {cells, sort} = set.row(object, context);
	const entry = {now: context.now, cells, sort, status: set.health(object, context)};
	cache.set(object, entry);
	return entry;
}

/** Rows whose status counts as a fault (ctrl-z): errors, and pending pods. */
export function isFault(status: RowStatus): boolean {
	return status === 'error' || status === 'pending';
}

/** Visible columns and their indexes in the renderer's full list. */
export function visibleColumns(set: {columns: Column[]}, query: Pick<TableQuery, 'wide' | 'namespace' | 'namespaced'>): {columns: Column[]; indexes: number[]} {
	const columns: Column[] = [];
	const indexes: number[] = [];
	set.columns.forEach((column, i) => {
		if (column.wide && !query.wide) return;
		columns.push(column);
		indexes.push(i);
	});
	if (query.namespaced && query.namespace === 'all') {
		columns.unshift(namespaceColumn);
		indexes.unshift(-1);
	}
	return {columns, indexes};
}

/** Compare two rows on one column (numeric sort values first, then text). */
function compareAt(a: TableRow, b: TableRow, at: number): number {
	const av = a.sort?.[at];
	const bv = b.sort?.[at];
	if (av !== undefined && bv !== undefined) return av - bv;
	const as = a.cells[at] ?? '';
	const bs = b.cells[at] ?? '';
	return as < bs ? -1 : as > bs ? 1 : 0;
}

/** Sort rows in place by a column name; ties by namespace/name then id, so order is stable. */
export function sortRows(rows: TableRow[], columns: Column[], sort: SortSpec | undefined): void {
	const at = sort ? columns.findIndex(c => c.name === sort.column) : -1;
	const nameAt = columns.findIndex(c => c.name === 'NAME');
	const nsAt = columns.findIndex(c => c.name === 'NAMESPACE');
	const direction = sort?.ascending === false ? -1 : 1;
	rows.sort((a, b) => {
		if (at >= 0) {
			const c = compareAt(a, b, at);
			if (c !== 0) return c * direction;
		}
		if (nsAt >= 0) {
			const c = compareAt(a, b, nsAt);
			if (c !== 0) return c;
		}
		if (nameAt >= 0) {
			const c = compareAt(a, b, nameAt);
			if (c !== 0) return c;
		}
		return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
	});
}

/** Keep rows that pass the filter (regex over visible cells, inverse, fuzzy on ns/name). */
export function filterRows(rows: TableRow[], filter: Filter): TableRow[] {
	switch (filter.type) {
		case 'none':
		case 'label':
			return rows;
		case 'regex':
			return rows.filter(row => filter.regex.test(row.cells.join(' ')) !== filter.inverse);
		case 'fuzzy':
			return rows.filter(row => fuzzyMatch(filter.query, row.object.metadata.namespace ? `${row.object.metadata.namespace}/${row.object.metadata.name}` : row.object.metadata.name));
	}
}

/** Build the table for a kind. */
export function buildTable(
	set: ColumnSet,
	objects: readonly KubeObject[],
	query: TableQuery,
	context: RenderContext,
	changeOf: (uid: string) => RowChange | undefined,
): TableData {
	const {columns, indexes} = visibleColumns(set, query);
	let rows: TableRow[] = [];
	for (const object of objects) {
		if (query.namespaced && query.namespace !== 'all' && object.metadata.namespace !== query.namespace) continue;
		if (query.allowed && !query.allowed.has(object.metadata.uid)) continue;
		const rendered = renderRow(set, object, context);
		if (query.faultsOnly && !isFault(rendered.status)) continue;
		const cells = indexes.map(i => (i < 0 ? object.metadata.namespace ?? '' : rendered.cells[i] ?? ''));
		const sort = rendered.sort ? indexes.map(i => (i < 0 ? undefined : rendered.sort![i])) : undefined;
		rows.push({id: object.metadata.uid, cells, sort, status: rendered.status, object, change: changeOf(object.metadata.uid)?.type});
	}
	const total = rows.length;
	rows = filterRows(rows, query.filter);
	sortRows(rows, columns, query.sort ?? set.defaultSort);
	return {columns, rows, total};
}
