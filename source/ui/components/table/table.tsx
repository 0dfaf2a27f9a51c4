/**
 * The resource table: header plus only the visible slice of rows (a frame
 * costs the visible rows, not the list). One <Text> per row with pre-padded
 * cells; colours by row status from the theme; the cursor row inverted.
 */
import React, {memo, useMemo, useRef} from 'react';
import {Box, Text} from 'ink';
import type {Theme} from '../../theme/theme.js';
import type {Column, RenderContext, RowStatus} from '../../render/columns.js';
import type {RowList, TableRow} from '../../model/table-data.js';
import {windowOffset} from './use-table-state.js';
import {sanitizeLine} from '../../sanitize.js';
import {displayWidth, fitToWidth, sliceColumns, wrapToWidth} from '../../text-width.js';
import {columnIndicator} from '../scroll-keys.js';

export type TableProps = {
	columns: Column[];
	/** An array, or a live view over an incremental table (only the visible slice is read). */
	rows: RowList;
	/** Cursor index into rows. */
	cursor: number;
	/** Scroll offset from the state (adjusted here to keep the cursor visible). */
	offset: number;
	width: number;
	/** Rows available for data (the header line is extra). */
	height: number;
	theme: Theme;
	sort?: {column: string; ascending: boolean};
	/** Show the cursor (false for an unfocused home panel). */
	showCursor?: boolean;
	/** For live columns (AGE...): computed for the visible rows only. */
	context?: RenderContext;
	/** Recent change of a visible row (brief highlight), looked up at draw time. */
	changeOf?: (id: string) => 'ADDED' | 'MODIFIED' | undefined;
	/**
	 * Column widths from the rows shown, grow-only while this key stays the
	 * same (k9s: widths may grow as you scroll, never shrink or jitter from
	 * frame to frame); the view changes the key to start again. Without it,
	 * widths are measured over every row.
	 */
	growKey?: string;
	/**
	 * The flex column (an event's MESSAGE) seen sideways: from column `left`,
	 * or wrapped onto more lines under its column. `report` hears how far it
	 * can scroll and how wide it is, at each draw.
	 */
	flex?: {left: number; wrap: boolean; report?: (maxLeft: number, width: number) => void};
	/** The rows are the last known ones (the cluster's connection is lost): drawn greyed out. */
	stale?: boolean;
};

/** A row's lines: one, or more when the flex column wraps. */
type DrawnRow = {row: TableRow; lines: string[]};

const gap = 2;
/** Control characters (C0, DEL, C1) never reach the terminal from a cell. */
/** Whole control sequences (CSI, OSC, DCS...) and control characters are removed, not just their ESC. */
export function cleanCell(text: string): string {
	return sanitizeLine(text);
}

/** Widest cell per column over all rows, without the header (live columns: 0; the view adds its visible cells). */
export function cellNeeds(columns: Column[], rows: readonly TableRow[], cellWidths?: readonly number[]): number[] {
	if (cellWidths) return columns.map((c, i) => (c.live ? 0 : cellWidths[i] ?? 0));
	const needs = columns.map(() => 0);
	const scan = columns.map((c, i) => (c.live ? -1 : i)).filter(i => i >= 0);
	for (const row of rows) {
		for (const i of scan) {
			const length = displayWidth(row.cells[i] ?? '');
			if (length > needs[i]!) needs[i] = length;
		}
	}
	return needs;
}

/** Widest cell per column over all rows and the header (live columns: header only; the view adds its visible cells). */
export function naturalWidths(columns: Column[], rows: readonly TableRow[], sort?: {column: string}, cellWidths?: readonly number[]): number[] {
	const needs = cellNeeds(columns, rows, cellWidths);
	return columns.map((c, i) => Math.max(headerWidth(c, sort), needs[i]!));
}

function headerWidth(column: Column, sort?: {column: string}): number {
	return column.name.length + (sort?.column === column.name ? 1 : 0);
}

/** Column widths that fit `width`: natural widths, then `shrinkWidths`. */
export function fitWidths(columns: Column[], rows: readonly TableRow[], width: number, sort?: {column: string}): number[] {
	return shrinkWidths(naturalWidths(columns, rows, sort), columns, width, cellNeeds(columns, rows));
}

/** The share of the width a flex column (MESSAGE) keeps before the other columns are cut. */
export function flexFloor(natural: number, column: Column, width: number): number {
	return Math.min(natural, Math.max(column.name.length, 30, Math.floor(width * 0.35)));
}

/**
 * Widths that fit `width` columns. Every column gets what its values need
 * while there is room. When there is not: a column with nothing in it
 * (`needs` 0, e.g. an empty REASON) is left out (width 0); a flex column
 * (MESSAGE) gives up its width down to a readable share; the first
 * optional columns (`drop` 1: a pod's IP, a node's CPU/A) are left out;
 * columns cut in the middle are cut, widest first (NAME down to 16, NODE,
 * IP, CLAIM down to 10, so `…worker2` and `…worker3` stay apart); the
 * other optional columns leave (a pod's CPU and MEM); then the widest
 * column is cut, the others down to 10 (short values such as `Bound` stay
 * whole), then every column down to its header (at most four letters),
 * NAME last.
 */
export function shrinkWidths(natural: readonly number[], columns: Column[], width: number, needs?: readonly number[]): number[] {
	const widths = [...natural];
	let shown = columns.length;
	const available = () => width - gap * Math.max(0, shown - 1) - 1;
	let total = widths.reduce((a, b) => a + b, 0);
	if (total <= available()) return widths;
	if (needs) {
		for (let i = 0; i < widths.length && total > available(); i++) {
			if (needs[i] !== 0 || columns[i]!.live || columns[i]!.name === 'NAME') continue;
			total -= widths[i]!;
			widths[i] = 0;
			shown--;
		}
	}
	const isName = (i: number) => columns[i]!.name === 'NAME';
	// Optional columns leave, lowest `drop` first, before a column is cut below what it needs.
	const droppable = columns.map((c, i) => i).filter(i => columns[i]!.drop !== undefined && !columns[i]!.wide && widths[i]! > 0).sort((a, b) => columns[a]!.drop! - columns[b]!.drop!);
	const leave = (upTo: number) => {
		for (const i of droppable) {
			if (total <= available() || columns[i]!.drop! > upTo) return;
			if (widths[i] === 0) continue;
			total -= widths[i]!;
			widths[i] = 0;
			shown--;
		}
	};
	const header = (i: number) => (widths[i] === 0 ? 0 : Math.min(columns[i]!.name.length, 4));
	const share = (i: number) => (columns[i]!.flex ? flexFloor(natural[i]!, columns[i]!, width) : Math.min(natural[i]!, 10));
	// Shrink the widest column above its floor by one, until the row fits or no column can give.
	const shrink = (floor: (i: number) => number) => {
		while (total > available()) {
			let widest = -1;
			for (const allowName of [false, true]) {
				for (let i = 0; i < widths.length; i++) {
					if (!allowName && isName(i)) continue;
					if (widths[i]! > floor(i) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
				}
				if (widest >= 0) break;
			}
			if (widest < 0) return;
			widths[widest]!--;
			total--;
		}
	};
	// Flex columns down to their share first, then the first optional columns (drop 1) leave.
	shrink(i => (isName(i) || !columns[i]!.flex ? widths[i]! : share(i)));
	leave(1);
	// Columns cut in the middle (NAME down to 16, NODE, IP, CLAIM) before those cut at the end (STATUS reads whole).
	const nameFloor = (i: number) => Math.min(natural[i]!, 16);
	const middle = (i: number) => columns[i]!.ellipsis === 'middle';
	const widestFirst = (floor: (i: number) => number) => {
		while (total > available()) {
			let widest = -1;
			for (let i = 0; i < widths.length; i++) if (widths[i]! > floor(i) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
			if (widest < 0) return;
			widths[widest]!--;
			total--;
		}
	};
	widestFirst(i => (!middle(i) ? widths[i]! : isName(i) ? nameFloor(i) : Math.max(header(i), share(i))));
	// Then the other optional columns leave (a pod's CPU and MEM), before a value is cut at its end.
	leave(Infinity);
	shrink(i => (isName(i) ? nameFloor(i) : Math.max(header(i), share(i))));
	shrink(header);
	return widths;
}

function fit(text: string, width: number, column: Column, ellipsis = column.ellipsis): string {
	return fitToWidth(cleanCell(text), width, column.align, ellipsis);
}

/** One line of text for a row's cells (a column of width 0 is left out, with its gap). */
export function formatRow(cells: readonly string[], columns: Column[], widths: number[], options: {header?: boolean} = {}): string {
	let line = '';
	let first = true;
	for (let i = 0; i < columns.length; i++) {
		if (widths[i] === 0) continue;
		if (!first) line += ' '.repeat(gap);
		first = false;
		// A cut header keeps its start (NAMESP…): cutting names in the middle is for values.
		line += fit(cells[i] ?? '', widths[i]!, columns[i]!, options.header ? 'end' : columns[i]!.ellipsis);
	}
	return line;
}

export function statusColor(theme: Theme, status: RowStatus, change?: 'ADDED' | 'MODIFIED'): string | undefined {
	if (status === 'normal' && change === 'ADDED') return theme.status.add;
	if (status === 'normal' && change === 'MODIFIED') return theme.status.modify;
	switch (status) {
		case 'normal': return theme.status.new;
		case 'added': return theme.status.add;
		case 'modified': return theme.status.modify;
		case 'error': return theme.status.error;
		case 'pending': return theme.status.pending;
		case 'terminating': return theme.status.kill;
		case 'completed': return theme.status.completed;
		case 'highlight': return theme.status.highlight;
	}
}

/** Display widths of a row's own cells (live columns: -1), per rendered row. */
const rowWidths = new WeakMap<TableRow, number[]>();

function widthsOf(row: TableRow, columns: Column[]): number[] {
	let widths = rowWidths.get(row);
	if (!widths || widths.length !== columns.length) {
		widths = columns.map((c, i) => (c.live ? -1 : displayWidth(row.cells[i] ?? '')));
		rowWidths.set(row, widths);
	}
	return widths;
}

/** Grow-only widths of the cells seen while a key stays the same. */
type Grown = {key: string; columns: Column[]; needs: number[]};

function TableView({columns, rows, cursor, offset, width, height, theme, sort, showCursor = true, context, changeOf, growKey, flex, stale = false}: TableProps) {
	const all = useMemo(() => (growKey === undefined ? cellNeeds(columns, Array.isArray(rows) ? rows as TableRow[] : rows.slice()) : undefined), [columns, rows, growKey]);
	const grownRef = useRef<Grown | undefined>(undefined);
	const start = windowOffset(offset, cursor, height, rows.length);
	const visible = rows.slice(start, start + Math.max(0, height));
	// Live cells (AGE, RESTARTS ago...) for the visible rows only.
	const live = context ? columns.map((c, i) => (c.live ? i : -1)).filter(i => i >= 0) : [];
	const cellsOf = (row: TableRow): readonly string[] => {
		if (live.length === 0) return row.cells;
		const cells = [...row.cells];
		for (const i of live) cells[i] = columns[i]!.live!(row.object, context!);
		return cells;
	};
	const visibleCells = visible.map(cellsOf);
	let needs: number[];
	if (growKey === undefined) {
		needs = all!;
	} else {
		let kept = grownRef.current;
		if (!kept || kept.key !== growKey || kept.columns.length !== columns.length || kept.columns.some((c, i) => c.name !== columns[i]!.name)) {
			kept = grownRef.current = {key: growKey, columns, needs: columns.map(() => 0)};
		}
		const seen = kept.needs;
		visible.forEach((row, r) => {
			const own = widthsOf(row, columns);
			for (let i = 0; i < columns.length; i++) {
				const length = own[i]! >= 0 ? own[i]! : displayWidth(visibleCells[r]![i] ?? '');
				if (length > seen[i]!) seen[i] = length;
			}
		});
		needs = [...seen];
	}
	const natural = columns.map((c, i) => Math.max(headerWidth(c, sort), needs[i]!));
	const grown = [...natural];
	const grownNeeds = [...needs];
	for (const cells of visibleCells) {
		for (const i of live) {
			grown[i] = Math.max(grown[i]!, displayWidth(cells[i]!));
			grownNeeds[i] = Math.max(grownNeeds[i]!, displayWidth(cells[i]!));
		}
	}
	const widths = shrinkWidths(grown, columns, width, grownNeeds);
	const flexAt = flex ? columns.findIndex((c, i) => c.flex && widths[i]! > 0) : -1;
	const flexWidth = flexAt >= 0 ? widths[flexAt]! : 0;
	const maxLeft = flexAt >= 0 && !flex!.wrap ? Math.max(0, needs[flexAt]! - flexWidth) : 0;
	const left = Math.min(flex?.left ?? 0, maxLeft);
	flex?.report?.(maxLeft, flexWidth);
	const headerCells = columns.map(c => (sort?.column === c.name ? `${c.name}${sort.ascending ? '↑' : '↓'}` : c.name));
	if (flexAt >= 0 && !flex!.wrap) {
		const shown = columnIndicator(left, flexWidth, needs[flexAt]!);
		if (shown) headerCells[flexAt] = `${headerCells[flexAt]} ${shown}`;
	}
	const header = formatRow(headerCells, columns, widths, {header: true});
	// Rows drawn: the visible slice, or with a wrapping flex column as many rows as their lines fit (the cursor's row whole).
	let drawn: DrawnRow[];
	let first = start;
	if (flexAt >= 0 && flex!.wrap) {
		const blank = columns.map(() => '');
		const linesOf = (index: number): string[] => {
			const cells = cellsOf(rows.at(index)!);
			const pieces = wrapToWidth(cells[flexAt] ?? '', Math.max(1, flexWidth));
			return pieces.map((piece, k) => {
				const line = k === 0 ? [...cells] : [...blank];
				line[flexAt] = piece;
				return formatRow(line, columns, widths);
			});
		};
		const heights = new Map<number, string[]>();
		const lines = (index: number) => heights.get(index) ?? heights.set(index, linesOf(index)).get(index)!;
		first = Math.min(start, cursor);
		const used = () => {
			let sum = 0;
			for (let i = first; i <= cursor && i < rows.length; i++) sum += lines(i).length;
			return sum;
		};
		while (first < cursor && used() > height) first++;
		drawn = [];
		let room = Math.max(0, height);
		for (let i = first; i < rows.length && room > 0; i++) {
			const rowLines = lines(i).slice(0, room);
			drawn.push({row: rows.at(i)!, lines: rowLines});
			room -= rowLines.length;
		}
	} else {
		drawn = visible.map((row, i) => {
			const cells = visibleCells[i]!;
			if (flexAt < 0 || left === 0) return {row, lines: [formatRow(cells, columns, widths)]};
			const moved = [...cells];
			moved[flexAt] = sliceColumns(moved[flexAt] ?? '', left, Number.MAX_SAFE_INTEGER);
			return {row, lines: [formatRow(moved, columns, widths)]};
		});
	}
	const tableTheme = theme.views.table;
	return (
		<Box flexDirection="column" width={width}>
			<Text color={tableTheme.header.fg} backgroundColor={tableTheme.header.bg} bold wrap="truncate">{header}</Text>
			{drawn.flatMap(({row, lines}, i) => {
				const selected = showCursor && first + i === cursor;
				const change = changeOf ? changeOf(row.id) : row.change;
				return lines.map((line, k) => {
					const key = k === 0 ? row.id : `${row.id}:${k}`;
					if (selected) {
						return theme.mono
							? <Text key={key} inverse wrap="truncate">{line}</Text>
							: <Text key={key} color={tableTheme.cursorFg} backgroundColor={tableTheme.cursorBg} wrap="truncate">{line}</Text>;
					}
					if (stale) return <Text key={key} dimColor wrap="truncate">{line}</Text>;
					return (
						<Text key={key} color={statusColor(theme, row.status, change)} bold={change !== undefined && theme.mono} wrap="truncate">
							{line}
						</Text>
					);
				});
			})}
		</Box>
	);
}

export const Table = memo(TableView);
