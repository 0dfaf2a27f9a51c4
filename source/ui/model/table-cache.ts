/**
 * Incremental tables kept between two openings of a view: closing the pods
 * view gives its table back, and opening it again with the same query takes
 * that table and applies only what changed meanwhile (`changedSince`),
 * instead of building 100,000 rows again. A table is held by one view at a
 * time: a second view open at once takes another, so no two share one.
 */
import type {ColumnSet} from '../render/columns.js';
import {IncrementalTable} from './table-data.js';

/**
 * Idle tables kept per column set (kind): the most recently given back.
 * Home gives back four per kind (its name-order table and one per fault
 * status) and a view one more, so going from home to the pods view and back
 * finds all of them.
 */
const defaultPerSet = 6;
/** Rows the idle tables may hold between them (a sorted table of 100,000 pods holds 100,000; the default order holds none). */
const defaultMaxRows = 250_000;

export class TableCache {
	/** Idle tables, least recently given back first. */
	private idle: IncrementalTable[] = [];
	private readonly perSet: number;
	private readonly maxRows: number;

	constructor(options: {perSet?: number; maxRows?: number} = {}) {
		this.perSet = options.perSet ?? defaultPerSet;
		this.maxRows = options.maxRows ?? defaultMaxRows;
	}

	/**
	 * A table for `set` that no one else holds: the idle one last updated
	 * with `key` (`tableKey`) when there is one, else a new one.
	 */
	take(set: ColumnSet, key: string): IncrementalTable {
		const at = this.idle.findLastIndex(table => table.set === set && table.key === key);
		if (at < 0) return new IncrementalTable(set);
		return this.idle.splice(at, 1)[0]!;
	}

	/**
	 * The table a view should hold for `set` and `key`: `held` while it is
	 * for that set and no idle table was last updated with `key`; else
	 * `held` is given back and that idle table (or a new one) is taken.
	 */
	keep(held: IncrementalTable | undefined, set: ColumnSet, key: string): IncrementalTable {
		if (held && held.set === set && (held.key === key || !this.has(set, key))) return held;
		if (held) this.give(held);
		return this.take(set, key);
	}

	/** Whether an idle table was last updated with `key`. */
	has(set: ColumnSet, key: string): boolean {
		return this.idle.some(table => table.set === set && table.key === key);
	}

	/** Give a table back for the next view of its kind; the least recently given back beyond the bounds are dropped. */
	give(table: IncrementalTable): void {
		if (this.idle.includes(table)) return;
		// One idle table per query: an older one for the same is dropped.
		this.idle = this.idle.filter(other => other.set !== table.set || other.key !== table.key);
		this.idle.push(table);
		const sameSet = this.idle.filter(other => other.set === table.set);
		const drop = new Set(sameSet.slice(0, Math.max(0, sameSet.length - this.perSet)));
		let rows = 0;
		for (let i = this.idle.length - 1; i >= 0; i--) {
			const other = this.idle[i]!;
			if (drop.has(other)) continue;
			rows += other.rowsHeld;
			// The table just given back stays, however large.
			if (rows > this.maxRows && other !== table) drop.add(other);
		}
		if (drop.size > 0) this.idle = this.idle.filter(other => !drop.has(other));
	}

	/** Idle tables held (tests and diagnostics). */
	get size(): number {
		return this.idle.length;
	}

	/** Drop every idle table. */
	clear(): void {
		this.idle = [];
	}
}
