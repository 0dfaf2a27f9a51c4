/**
 * Incremental tables kept between two openings of a view: closing the pods
 * view gives its table back, and opening it again with the same query takes
 * that table and applies only what changed meanwhile (`changedSince`),
 * instead of building 100,000 rows again. A table is held by one view at a
 * time: a second view open at once takes another, so no two share one.
 */
import type {ColumnSet} from '../render/columns.js';
import {IncrementalTable} from './table-data.js';

/** Idle tables kept per column set (kind): the most recently given back. */
const defaultPerSet = 3;

export class TableCache {
	private readonly idle = new Map<ColumnSet, IncrementalTable[]>();
	private readonly perSet: number;

	constructor(perSet = defaultPerSet) {
		this.perSet = perSet;
	}

	/**
	 * A table for `set` that no one else holds: the idle one last updated
	 * with `key` (`tableKey`) when there is one, else a new one.
	 */
	take(set: ColumnSet, key: string): IncrementalTable {
		const tables = this.idle.get(set);
		const at = tables ? tables.findLastIndex(table => table.key === key) : -1;
		if (at < 0) return new IncrementalTable(set);
		return tables!.splice(at, 1)[0]!;
	}

	/** Whether an idle table was last updated with `key`. */
	has(set: ColumnSet, key: string): boolean {
		return this.idle.get(set)?.some(table => table.key === key) ?? false;
	}

	/** Give a table back for the next view of its kind; the least recently given back beyond the bound are dropped. */
	give(table: IncrementalTable): void {
		let tables = this.idle.get(table.set);
		if (!tables) this.idle.set(table.set, (tables = []));
		if (tables.includes(table)) return;
		// One idle table per key: an older one for the same query is dropped.
		const same = tables.findIndex(other => other.key === table.key);
		if (same >= 0) tables.splice(same, 1);
		tables.push(table);
		if (tables.length > this.perSet) tables.splice(0, tables.length - this.perSet);
	}

	/** Idle tables held (tests and diagnostics). */
	get size(): number {
		let size = 0;
		for (const tables of this.idle.values()) size += tables.length;
		return size;
	}

	/** Drop every idle table. */
	clear(): void {
		this.idle.clear();
	}
}
