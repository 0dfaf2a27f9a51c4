/**
 * The resource table: header plus only the visible slice of rows (a frame
 * costs the visible rows, not the list). One <Text> per row with pre-padded
 * cells; colours by row status from the theme; the cursor row inverted.
 */
import React, {memo, useMemo} from 'react';
import {Box, Text} from 'ink';
import type {Theme} from '../../theme/theme.js';
import type {Column, RenderContext, RowStatus} from '../../render/columns.js';
import type {TableRow} from '../../model/table-data.js';
import {windowOffset} from './use-table-state.js';
import {sanitizeLine} from '../../sanitize.js';
import {displayWidth, fitToWidth} from '../../text-width.js';

export type TableProps = {
	columns: Column[];
	rows: readonly TableRow[];
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
	 * Widest cell per column over all rows, when the caller keeps it (an
	 * incremental table); else it is measured here from `rows`.
	 */
	cellWidths?: readonly number[];
};

const gap = 2;
/** Control characters (C0, DEL, C1) never reach the terminal from a cell. */
/** Whole control sequences (CSI, OSC, DCS...) and control characters are removed, not just their ESC. */
export function cleanCell(text: string): string {
	return sanitizeLine(text);
}

/** Widest cell per column over all rows (live columns: header only; the view adds its visible cells). */
export function naturalWidths(columns: Column[], rows: readonly TableRow[], sort?: {column: string}, cellWidths?: readonly number[]): number[] {
	const widths = columns.map(c => c.name.length + (sort?.column === c.name ? 1 : 0));
	if (cellWidths) return widths.map((width, i) => (columns[i]!.live ? width : Math.max(width, cellWidths[i] ?? 0)));
	const scan = columns.map((c, i) => (c.live ? -1 : i)).filter(i => i >= 0);
	for (const row of rows) {
		for (const i of scan) {
			const length = displayWidth(row.cells[i] ?? '');
			if (length > widths[i]!) widths[i] = length;
		}
	}
	return widths;
}

/** Column widths that fit `width`: natural widths, the widest shrunk first. */
export function fitWidths(columns: Column[], rows: readonly TableRow[], width: number, sort?: {column: string}): number[] {
	return shrinkWidths(naturalWidths(columns, rows, sort), columns, width);
}

export function shrinkWidths(natural: readonly number[], columns: Column[], width: number): number[] {
	const widths = [...natural];
	const available = width - gap * Math.max(0, columns.length - 1) - 1;
	let total = widths.reduce((a, b) => a + b, 0);
	// Shrink the widest column first, NAME last: the name is what a row is found by.
	const floorOf = (i: number) => Math.min(columns[i]!.name.length, 4);
	while (total > available) {
		let widest = -1;
		for (const allowName of [false, true]) {
			for (let i = 0; i < widths.length; i++) {
				if (!allowName && columns[i]!.name === 'NAME') continue;
				if (widths[i]! > floorOf(i) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
			}
			if (widest >= 0) break;
		}
		if (widest < 0) break;
		widths[widest]!--;
		total--;
	}
	return widths;
}

function fit(text: string, width: number, align: 'left' | 'right' | undefined): string {
	return fitToWidth(cleanCell(text), width, align);
}

/** One line of text for a row's cells. */
export function formatRow(cells: readonly string[], columns: Column[], widths: number[]): string {
	let line = '';
	for (let i = 0; i < columns.length; i++) {
		if (i > 0) line += ' '.repeat(gap);
		line += fit(cells[i] ?? '', widths[i]!, columns[i]!.align);
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

function TableView({columns, rows, cursor, offset, width, height, theme, sort, showCursor = true, context, changeOf, cellWidths}: TableProps) {
	const natural = useMemo(() => naturalWidths(columns, rows, sort, cellWidths), [columns, rows, sort, cellWidths]);
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
	const grown = [...natural];
	for (const cells of visibleCells) for (const i of live) grown[i] = Math.max(grown[i]!, cells[i]!.length);
	const widths = shrinkWidths(grown, columns, width);
	const header = formatRow(columns.map(c => (sort?.column === c.name ? `${c.name}${sort.ascending ? '↑' : '↓'}` : c.name)), columns, widths);
	const tableTheme = theme.views.table;
	return (
		<Box flexDirection="column" width={width}>
			<Text color={tableTheme.header.fg} backgroundColor={tableTheme.header.bg} bold wrap="truncate">{header}</Text>
			{visible.map((row, i) => {
				const selected = showCursor && start + i === cursor;
				const line = formatRow(visibleCells[i]!, columns, widths);
				if (selected) {
					return theme.mono
						? <Text key={row.id} inverse wrap="truncate">{line}</Text>
						: <Text key={row.id} color={tableTheme.cursorFg} backgroundColor={tableTheme.cursorBg} wrap="truncate">{line}</Text>;
				}
				const change = changeOf ? changeOf(row.id) : row.change;
				return (
					<Text key={row.id} color={statusColor(theme, row.status, change)} bold={change !== undefined && theme.mono} wrap="truncate">
						{line}
					</Text>
				);
			})}
		</Box>
	);
}

export const Table = memo(TableView);
