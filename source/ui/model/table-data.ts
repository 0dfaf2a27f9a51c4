/**
 * Objects → table rows for one view: namespace scope, selector sets, filter,
 * faults only, wide columns and sort. Pure functions (no React); the view
 * memoises them by model version and clock second.
 */
import type {KubeObject} from '../../engine/index.js';
import type {Column, ColumnSet, RenderContext, Row, RowStatus} from '../render/columns.js';
import type {RowChange} from './cluster-model.js';
import {fuzzyMatch, type Filter} from './filter.js';
import {SortedList} from './sorted-list.js';
import type {NameOrder} from './name-order.js';

export type SortSpec = {column: string; ascending: boolean};

export type TableQuery = {
	/** Namespace or 'all'. */
	namespace: string;
	/** Whether the kind is namespaced (adds the NAMESPACE column for 'all'). */
	namespaced: boolean;
	filter: Filter;
	/** Uids allowed by a label or field selector, when one applies. */
	allowed?: ReadonlySet<string>;
	/** A label or field selector's test, when one applies (it depends on the object alone). */
	matches?: (object: KubeObject) => boolean;
	wide: boolean;
	faultsOnly: boolean;
	/** Only rows of these statuses (home's panels list errors, then pending, then terminating rows, each from a table of its own). */
	statuses?: ReadonlySet<RowStatus>;
	sort?: SortSpec;
};

/** A rendered row plus its recent change (for the brief highlight). */
export type TableRow = Row & {
	change?: RowChange['type'];
	/** Cached tie-break key (namespace, name, id), so sorting does not rebuild it each frame. */
	tie?: string;
};

export type TableData = {columns: Column[]; rows: TableRow[]; total: number};

const namespaceColumn: Column = {name: 'NAMESPACE', sortKey: 'p', ellipsis: 'middle'};

type Cached = {cells: string[]; sort?: Array<number | undefined>; status: RowStatus};
const rowCache = new WeakMap<ColumnSet, WeakMap<KubeObject, Cached>>();

/**
 * One object's row, cached per stored object (objects are never mutated, so
 * identity is the version). Cells that depend on the clock are `live`
 * columns, computed at draw time for the visible rows only.
 */
export function renderRow(set: ColumnSet, object: KubeObject, context: RenderContext): Cached {
	let cache = rowCache.get(set);
	if (!cache) rowCache.set(set, (cache = new WeakMap()));
	const hit = cache.get(object);
	if (hit) return hit;
	const {cells, sort} = set.row(object, context);
	const entry = {cells, sort, status: set.health(object, context)};
	cache.set(object, entry);
	return entry;
}

/** Objects' health asked without their rows (a table of statuses), once per stored object and column set. */
const healthCache = new WeakMap<ColumnSet, WeakMap<KubeObject, RowStatus>>();

/** An object's health as its row would give it, without drawing the row: home's three fault tables each ask it of every object. */
function healthOf(set: ColumnSet, object: KubeObject, context: RenderContext): RowStatus {
	const rendered = rowCache.get(set)?.get(object);
	if (rendered) return rendered.status;
	let cache = healthCache.get(set);
	if (!cache) healthCache.set(set, (cache = new WeakMap()));
	let status = cache.get(object);
	if (status === undefined) cache.set(object, (status = set.health(object, context)));
	return status;
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

function tieKey(row: TableRow, nsAt: number, nameAt: number): string {
	return `${nsAt >= 0 ? row.cells[nsAt] ?? '' : ''}\u0000${nameAt >= 0 ? row.cells[nameAt] ?? '' : ''}\u0000${row.id}`;
}

/** A row with its sort keys, computed once per row rather than per comparison. */
type Keyed = {row: TableRow; number: number | undefined; text: string; tie: string};
/** What the order compares. */
type SortKeys = {number: number | undefined; text: string; tie: string};

/** Where the sort column is, and its direction; a metrics column's values come from `context`. */
type SortPlan = {at: number; nsAt: number; nameAt: number; direction: number; live?: (row: TableRow) => number | undefined};

function sortPlan(columns: Column[], sort: SortSpec | undefined, context?: RenderContext): SortPlan {
	const at = sort ? columns.findIndex(c => c.name === sort.column) : -1;
	const liveSort = columns[at]?.liveSort;
	return {
		at,
		nameAt: columns.findIndex(c => c.name === 'NAME'),
		nsAt: columns.findIndex(c => c.name === 'NAMESPACE'),
		direction: sort?.ascending === false ? -1 : 1,
		// A pod without usage (n/a) counts as using least: last when the largest come first.
		live: liveSort && context ? row => liveSort(row.object, context) ?? -Infinity : undefined,
	};
}

/** Whether a sort orders by a metrics column (CPU, MEM), whose values change without the objects changing. */
export function sortsByMetrics(columns: Column[], sort: SortSpec | undefined): boolean {
	return Boolean(sort && columns.find(c => c.name === sort.column)?.liveSort);
}

function keyOf(row: TableRow, plan: SortPlan): Keyed {
	const numeric = plan.at < 0 ? undefined : plan.live ? plan.live(row) : row.sort?.[plan.at];
	return {
		row,
		number: numeric,
		text: plan.at >= 0 && numeric === undefined ? row.cells[plan.at] ?? '' : '',
		tie: row.tie ?? tieKey(row, plan.nsAt, plan.nameAt),
	};
}

/** The table order: the sort column (numbers before text), then namespace/name and id, always ascending. */
function compareKeyed(a: SortKeys, b: SortKeys, plan: SortPlan): number {
	if (plan.at >= 0) {
		let c = 0;
		if (a.number !== undefined && b.number !== undefined) c = a.number === b.number ? 0 : a.number < b.number ? -1 : 1;
		else if (a.number !== undefined) c = -1;
		else if (b.number !== undefined) c = 1;
		else c = a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
		if (c !== 0) return c * plan.direction;
	}
	return a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0;
}

/** Sort rows in place by a column name; ties by namespace/name then id, so order is stable. */
export function sortRows(rows: TableRow[], columns: Column[], sort: SortSpec | undefined, context?: RenderContext): void {
	const plan = sortPlan(columns, sort, context);
	// Keys are computed once per row (not per comparison): 10,000 rows sort in a few ms.
	const keyed = rows.map(row => keyOf(row, plan));
	keyed.sort((a, b) => compareKeyed(a, b, plan));
	for (let i = 0; i < keyed.length; i++) rows[i] = keyed[i]!.row;
}

/** Whether one row passes the filter (regex over visible cells, inverse, fuzzy on ns/name). */
export function passesFilter(row: TableRow, filter: Filter): boolean {
	switch (filter.type) {
		case 'none':
		case 'label':
			return true;
		case 'regex':
			return filter.regex.test(row.cells.join(' ')) !== filter.inverse;
		case 'fuzzy':
			return fuzzyMatch(filter.query, row.object.metadata.namespace ? `${row.object.metadata.namespace}/${row.object.metadata.name}` : row.object.metadata.name);
	}
}

/** Keep rows that pass the filter (regex over visible cells, inverse, fuzzy on ns/name). */
export function filterRows(rows: TableRow[], filter: Filter): TableRow[] {
	if (filter.type === 'none' || filter.type === 'label') return rows;
	return rows.filter(row => passesFilter(row, filter));
}

/** Projected rows per column layout, cached per stored object (reused across frames). */
const projectedCache = new WeakMap<ColumnSet, Map<string, WeakMap<KubeObject, TableRow>>>();

function projector(set: ColumnSet, indexes: number[]): WeakMap<KubeObject, TableRow> {
	let layouts = projectedCache.get(set);
	if (!layouts) projectedCache.set(set, (layouts = new Map()));
	const layoutKey = indexes.join(',');
	let projected = layouts.get(layoutKey);
	if (!projected) layouts.set(layoutKey, (projected = new WeakMap()));
	return projected;
}

/** An object's row in a column layout, cached per stored object. */
function projectRow(set: ColumnSet, object: KubeObject, context: RenderContext, columns: Column[], indexes: number[], projected: WeakMap<KubeObject, TableRow>): TableRow {
	let row = projected.get(object);
	if (!row) {
		const rendered = renderRow(set, object, context);
		const cells = indexes.map(i => (i < 0 ? object.metadata.namespace ?? '' : rendered.cells[i] ?? ''));
		const sort = rendered.sort ? indexes.map(i => (i < 0 ? undefined : rendered.sort![i])) : undefined;
		row = {id: object.metadata.uid, cells, sort, status: rendered.status, object};
		row.tie = tieKey(row, columns.findIndex(c => c.name === 'NAMESPACE'), columns.findIndex(c => c.name === 'NAME'));
		projected.set(object, row);
	}
	return row;
}

/** Namespace scope and selector set: whether an object belongs to the table at all. */
function inScope(object: KubeObject, query: TableQuery): boolean {
	if (query.namespaced && query.namespace !== 'all' && object.metadata.namespace !== query.namespace) return false;
	if (query.allowed && !query.allowed.has(object.metadata.uid)) return false;
	if (query.matches && !query.matches(object)) return false;
	return true;
}

/** Build the table for a kind. */
export function buildTable(
	set: ColumnSet,
	objects: readonly KubeObject[],
	query: TableQuery,
	context: RenderContext,
	changeOf?: (uid: string) => RowChange | undefined,
): TableData {
	const {columns, indexes} = visibleColumns(set, query);
	const projected = projector(set, indexes);
	let rows: TableRow[] = [];
	for (const object of objects) {
		if (!inScope(object, query)) continue;
		const row = projectRow(set, object, context, columns, indexes, projected);
		if (query.faultsOnly && !isFault(row.status)) continue;
		if (query.statuses && !query.statuses.has(row.status)) continue;
		rows.push(changeOf ? {...row, change: changeOf(object.metadata.uid)?.type} : row);
	}
	const total = rows.length;
	rows = filterRows(rows, query.filter);
	sortRows(rows, columns, query.sort ?? set.defaultSort, context);
	return {columns, rows, total};
}

/** Where an incremental table reads its objects: the model, for one kind. */
export type TableSource = {
	/** Grows with every change of the kind. */
	version: number;
	/** Every object of the kind. */
	list(): readonly KubeObject[];
	/** The current object for a uid; undefined once deleted. */
	byUid(uid: string): KubeObject | undefined;
	/** Uids changed since an earlier version, or undefined when unknown (full rebuild). */
	changedSince(version: number): readonly string[] | undefined;
	/**
	 * The kind's objects by namespace/name, kept current by the model, when
	 * it keeps one: the default order then needs no sort and no row of its own.
	 */
	order?(): NameOrder;
};

/** Rows as a table reads them: an array, or a live view over an incremental table's sorted rows. */
export type RowList = {
	readonly length: number;
	at(index: number): TableRow | undefined;
	slice(start?: number, end?: number): TableRow[];
};

/** Row ids in table order: an array, or a live view (`indexOf` in O(log n)). */
export type IdList = {
	readonly length: number;
	at(index: number): string | undefined;
	indexOf(id: string): number;
};

/** An incremental table: rows and ids are views over its sorted rows, read for the visible slice only. */
export type IncrementalTableData = {columns: Column[]; rows: RowList; ids: IdList; total: number};

/** A row in the sorted order: its sort keys, and its rendered row once something needed it. */
type Entry = {object: KubeObject; id: string; number: number | undefined; text: string; tie: string; shown: boolean; row?: TableRow};

/** Changes in one batch above which the order is merged in one pass rather than patched row by row: 64, or a quarter of the rows. */
const mergeAbove = (rows: number) => Math.max(64, rows >> 2);

/**
 * What a table is built for: columns, scope, filter, faults, sort and
 * selector. A table updated with another key rebuilds in full; with the
 * same key it applies the changes since its last update.
 */
export function tableKey(set: ColumnSet, query: TableQuery, selectorKey?: string): string {
	const {indexes} = visibleColumns(set, query);
	const sort = query.sort ?? set.defaultSort;
	const filterKey = query.filter.type === 'none' ? '' : `${query.filter.type}:${query.filter.text}`;
	const statuses = query.statuses ? [...query.statuses].sort().join(',') : '';
	return [indexes.join(','), query.namespace, query.namespaced, filterKey, query.faultsOnly, statuses, sort ? `${sort.column}:${sort.ascending}` : '', selectorKey ?? '', query.allowed && selectorKey === undefined ? 'set' : ''].join('\u0000');
}

/** The default order read straight from the model's `NameOrder`: one namespace's range of it, or all of it. */
type Indexed = {order: NameOrder; namespace: string | undefined; byUid: (uid: string) => KubeObject | undefined};

/**
 * A table kept current from the model's batched changes. Rows are held per
 * uid in a sorted list: a changed object is re-rendered (once per version,
 * through the row cache), filtered and moved to its place in O(log n), and
 * nothing else is touched. In the default order of a kind whose NAME is
 * the object's name (`ColumnSet.nameFromMetadata`), without filter or
 * faults, rows are ordered by namespace/name from the metadata and rendered
 * only when read: opening 100,000 pods renders the screenful shown. When
 * the source keeps that order (`TableSource.order`, the model's), such a
 * table holds nothing of its own and reads a range of it: no sort, no entry
 * per row. A column sort, a filter or faults only render every row once to
 * order or test it. The same rows and order as `buildTable` over the same
 * objects; any change of columns, scope, filter or sort rebuilds in full.
 */
export class IncrementalTable {
	readonly set: ColumnSet;
	private queryKey: string | undefined;
	private version = -1;
	private columns: Column[] = [];
	private indexes: number[] = [];
	private projected: WeakMap<KubeObject, TableRow> = new WeakMap();
	private plan: SortPlan = {at: -1, nsAt: -1, nameAt: -1, direction: 1};
	/** Order by metadata, rows rendered only when read. */
	private lazy = false;
	private context: RenderContext = {now: 0};
	/** Rows in scope (namespace, selector, faults), by uid; `shown` when the filter passes too. */
	private readonly entries = new Map<string, Entry>();
	private readonly order = new SortedList<Entry>((a, b) => compareKeyed(a, b, this.plan));
	private data: IncrementalTableData | undefined;
	/** The metrics the order was taken with, when sorted by a metrics column. */
	private sortMetrics: unknown;
	/** Set while the rows are a range of the source's name order. */
	private indexed: Indexed | undefined;
	/** Rows rendered to cells since the table was made (tests and diagnostics). */
	rendered = 0;
	/** Full builds since the table was made (tests and diagnostics). */
	builds = 0;

	constructor(set: ColumnSet) {
		this.set = set;
	}

	/** The `tableKey` of the last update, undefined before the first. */
	get key(): string | undefined {
		return this.queryKey;
	}

	/** Rows the table holds of its own (none while it reads the model's name order). */
	get rowsHeld(): number {
		return this.entries.size;
	}

	/**
	 * The table for `query` now. `selectorKey` names what `query.allowed`
	 * or `query.matches` was made from: while it is unchanged, a new
	 * `allowed` set or test is taken to differ only for changed objects
	 * (label and field selectors depend on the object alone).
	 */
	update(source: TableSource, query: TableQuery, context: RenderContext, selectorKey?: string): IncrementalTableData {
		const {columns, indexes} = visibleColumns(this.set, query);
		const sort = query.sort ?? this.set.defaultSort;
		const key = tableKey(this.set, query, selectorKey);
		// Sorted by CPU or MEM: new metrics reorder every row.
		const metrics = sortsByMetrics(columns, sort) ? context.metrics : undefined;
		const fresh = metrics === this.sortMetrics;
		this.sortMetrics = metrics;
		this.context = context;
		const changed = fresh && this.queryKey === key && this.data && !(selectorKey === undefined && query.allowed) ? source.changedSince(this.version) : undefined;
		if (!changed) {
			this.rebuild(source, query, context, columns, indexes, sort);
			this.queryKey = key;
		} else if (changed.length > 0) {
			if (this.indexed) this.publishIndexed();
			else this.apply(source, changed, query, context);
		}
		this.version = source.version;
		return this.data!;
	}

	private rebuild(source: TableSource, query: TableQuery, context: RenderContext, columns: Column[], indexes: number[], sort: SortSpec | undefined): void {
		this.columns = columns;
		this.indexes = indexes;
		this.projected = projector(this.set, indexes);
		this.plan = sortPlan(columns, sort, context);
		this.lazy = Boolean(this.set.nameFromMetadata) && !sort && !query.faultsOnly && !query.statuses && (query.filter.type === 'none' || query.filter.type === 'label');
		this.builds++;
		this.entries.clear();
		this.indexed = undefined;
		const names = this.lazy ? source.order?.() : undefined;
		const namespace = query.namespaced && query.namespace !== 'all' ? query.namespace : undefined;
		if (names && !query.allowed && !query.matches) {
			// The model's order is the table: nothing to sort, nothing to hold per row.
			this.order.reset([]);
			this.indexed = {order: names, namespace, byUid: uid => source.byUid(uid)};
			this.publishIndexed();
			return;
		}
		const order: Entry[] = [];
		if (names) {
			// A selector over the default order: the model's order walked, only matching rows kept, already in place.
			const [start, end] = names.range(namespace);
			for (const key of names.slice(start, end)) {
				const object = source.byUid(key.uid);
				const entry = object && this.enter(object, query, context);
				if (entry) order.push(entry);
			}
		} else {
			for (const object of source.list()) {
				const entry = this.enter(object, query, context);
				if (entry) order.push(entry);
			}
			order.sort((a, b) => compareKeyed(a, b, this.plan));
		}
		this.order.reset(order);
		this.publish();
	}

	/** The rendered row of an object, cached per stored object and layout. */
	private rowOf(object: KubeObject, context: RenderContext): TableRow {
		const hit = this.projected.get(object);
		if (hit) return hit;
		this.rendered++;
		return projectRow(this.set, object, context, this.columns, this.indexes, this.projected);
	}

	/** Put an object in `entries`; returns its entry when it is shown (passes the filter), undefined otherwise. */
	private enter(object: KubeObject, query: TableQuery, context: RenderContext): Entry | undefined {
		if (!inScope(object, query)) return undefined;
		const id = object.metadata.uid;
		let entry: Entry;
		if (this.lazy) {
			entry = {object, id, number: undefined, text: '', tie: this.metadataTie(object), shown: true};
		} else {
			// A table of some statuses (home's faults) asks each object's health first: the others' rows are never drawn.
			if (query.statuses && !query.statuses.has(healthOf(this.set, object, context))) return undefined;
			const row = this.rowOf(object, context);
			if (query.faultsOnly && !isFault(row.status)) return undefined;
			const {number, text, tie} = keyOf(row, this.plan);
			entry = {object, id, number, text, tie, shown: passesFilter(row, query.filter), row};
		}
		this.entries.set(id, entry);
		return entry.shown ? entry : undefined;
	}

	/**
	 * How many of the rows shown come before `object` in the table's order:
	 * its place, or the one it would take (it need not be in the table). For
	 * a table of its own rows (not one that reads the model's name order).
	 */
	countBefore(object: KubeObject): number {
		if (this.indexed) throw new Error('countBefore: the table reads the model\'s order');
		const keys = this.lazy ? {number: undefined, text: '', tie: this.metadataTie(object)} : keyOf(this.rowOf(object, this.context), this.plan);
		return this.order.rank({object, id: object.metadata.uid, number: keys.number, text: keys.text, tie: keys.tie, shown: true});
	}

	/** The tie key of an object in the default order from its metadata alone (namespace when shown, name, uid), as its rendered row's would be. */
	private metadataTie(object: KubeObject): string {
		const namespace = this.plan.nsAt >= 0 ? object.metadata.namespace ?? '' : '';
		return `${namespace}\u0000${object.metadata.name}\u0000${object.metadata.uid}`;
	}

	private apply(source: TableSource, changed: readonly string[], query: TableQuery, context: RenderContext): void {
		const removed: Entry[] = [];
		const added: Entry[] = [];
		for (const uid of new Set(changed)) {
			const old = this.entries.get(uid);
			const object = source.byUid(uid);
			if (old && object && old.object === object) continue;
			if (old) {
				this.entries.delete(uid);
				if (old.shown) removed.push(old);
			}
			const entry = object ? this.enter(object, query, context) : undefined;
			if (entry) added.push(entry);
		}
		if (removed.length === 0 && added.length === 0) {
			// Only rows hidden by the filter came or went: the same rows, another total.
			if (this.data!.total !== this.entries.size) this.data = {...this.data!, total: this.entries.size};
			return;
		}
		if (removed.length + added.length <= mergeAbove(this.order.length)) {
			// Each change found and placed by binary search: O(log n) a row.
			for (const entry of removed) this.order.remove(entry);
			for (const entry of added) this.order.insert(entry);
		} else {
			// Many changes: merge the kept rows (already in order) with the sorted changed ones; linear, no full sort.
			const gone = new Set(removed);
			added.sort((a, b) => compareKeyed(a, b, this.plan));
			const order: Entry[] = [];
			let j = 0;
			for (const entry of this.order.toArray()) {
				if (gone.has(entry)) continue;
				while (j < added.length && compareKeyed(added[j]!, entry, this.plan) < 0) order.push(added[j++]!);
				order.push(entry);
			}
			while (j < added.length) order.push(added[j++]!);
			this.order.reset(order);
		}
		this.publish();
	}

	/**
	 * New row and id views over a range of the model's name order. They read
	 * the order as it is when read (the model keeps it current with every
	 * event): only the latest is used, as with `publish`.
	 */
	private publishIndexed(): void {
		const {order, namespace, byUid} = this.indexed!;
		const context = () => this.context;
		const rowOf = (uid: string | undefined) => {
			const object = uid === undefined ? undefined : byUid(uid);
			return object ? this.rowOf(object, context()) : undefined;
		};
		const range = () => order.range(namespace);
		const length = () => {
			const [start, end] = range();
			return end - start;
		};
		/** The key at a place in the range (negative: from its end), as `Array.prototype.at`. */
		const keyAt = (index: number) => {
			const [start, end] = range();
			if (index < 0) index += end - start;
			return index >= 0 && start + index < end ? order.at(start + index) : undefined;
		};
		const rows: RowList = {
			get length() {
				return length();
			},
			at: index => rowOf(keyAt(index)?.uid),
			slice: (from = 0, to) => {
				const [start, end] = range();
				const count = end - start;
				const upTo = Math.min(count, to ?? count);
				return order.slice(start + Math.max(0, from), start + upTo).map(key => rowOf(key.uid)!);
			},
		};
		const ids: IdList = {
			get length() {
				return length();
			},
			at: index => keyAt(index)?.uid,
			indexOf: id => {
				const object = byUid(id);
				if (!object || (namespace !== undefined && (object.metadata.namespace ?? '') !== namespace)) return -1;
				const at = order.indexOf(object);
				return at < 0 ? -1 : at - range()[0];
			},
		};
		this.data = {
			columns: this.columns,
			rows,
			ids,
			get total() {
				return length();
			},
		};
	}

	/**
	 * New row and id views over the sorted list, so a memoised table sees a
	 * change. The views read the list as it is now: only the latest is used.
	 */
	private publish(): void {
		const order = this.order;
		const context = () => this.context;
		const rowOf = (entry: Entry | undefined) => (entry ? (entry.row ??= this.rowOf(entry.object, context())) : undefined);
		const entries = this.entries;
		const rows: RowList = {
			length: order.length,
			at: index => rowOf(order.at(index)),
			slice: (start, end) => order.slice(start, end).map(entry => rowOf(entry)!),
		};
		const ids: IdList = {
			length: order.length,
			at: index => order.at(index)?.id,
			indexOf: id => {
				const found = entries.get(id);
				return found?.shown ? order.indexOf(found) : -1;
			},
		};
		this.data = {columns: this.columns, rows, ids, total: this.entries.size};
	}
}
