/**
 * Home: live panels (pods, Deployments, StatefulSets, volumes), a nodes
 * strip and the latest events, laid out for the terminal: a 2×2 grid when
 * each panel gets a few rows, else one row of as many panels as are
 * readable side by side (Tab brings the others in). Tab/Shift+Tab move
 * between panels, j/k move in the focused panel, Enter opens the panel's
 * full view on the selected row; back on home, the same panel and row.
 */
import React, {useEffect, useMemo, useRef} from 'react';
import {Box, Text} from 'ink';
import {useApp, useLive, usePageKeys, useSelection, type PageProps} from '../app/contract.js';
import type {KubeEvent, KubeObject, Node} from '../../engine/index.js';
import {Table, cursorIndex, shrinkWidths, useTableInput, useTableState, type TableState} from '../components/table/index.js';
import {buildTable, tableKey, type IdList, type IncrementalTable, type RowList, type TableQuery, type TableRow} from '../model/table-data.js';
import {rankedRows} from '../model/ranked-rows.js';
import type {TableCache} from '../model/table-cache.js';
import {columnSetFor} from '../render/registry.js';
import {nodeStatus} from '../render/node-columns.js';
import {eventColumns} from '../render/event-columns.js';
import type {Column, RenderContext, RowStatus} from '../render/columns.js';
import {cleanCell} from '../components/table/table.js';
import {displayWidth, fitToWidth} from '../text-width.js';
import type {Theme} from '../theme/theme.js';

type PanelId = 'pods' | 'deployments' | 'statefulsets' | 'volumes';
const panels: Array<{id: PanelId; title: string; kind: string}> = [
	{id: 'pods', title: 'Pods', kind: 'Pod'},
	{id: 'deployments', title: 'Deployments', kind: 'Deployment'},
	{id: 'statefulsets', title: 'StatefulSets', kind: 'StatefulSet'},
	{id: 'volumes', title: 'Volumes', kind: 'PersistentVolumeClaim'},
];

const panelColumns: Record<PanelId, string[]> = {
	pods: ['NAME', 'READY', 'STATUS', 'AGE'],
	deployments: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE'],
	statefulsets: ['NAME', 'READY', 'AGE'],
	volumes: ['NAME', 'STATUS', 'CAPACITY'],
};

/** A panel with room for them (90 columns) also shows these. */
const widePanelColumns: Record<PanelId, string[]> = {
	pods: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'IP', 'NODE', 'AGE'],
	deployments: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
	statefulsets: ['NAME', 'READY', 'AGE'],
	volumes: ['NAME', 'STATUS', 'CAPACITY'],
};

/** Keep only some columns of a built table. */
function project(columns: Column[], rows: TableRow[], names: string[]): {columns: Column[]; rows: TableRow[]} {
	const at = names.map(n => columns.findIndex(c => c.name === n)).filter(i => i >= 0);
	return {
		columns: at.map(i => columns[i]!),
		rows: rows.map(r => ({...r, cells: at.map(i => r.cells[i] ?? ''), sort: undefined})),
	};
}

/** A panel's rows: faults first (errors, then pending, then terminating rows), then the rest, each in name order. */
export type PanelData = {columns: Column[]; rows: RowList; ids: IdList; faults: number};

/** The statuses of a panel's faults, in the order they come first. */
const faultParts: ReadonlyArray<ReadonlySet<RowStatus>> = [new Set(['error']), new Set(['pending']), new Set(['terminating'])];

/** A panel's rows cut to its columns, made once per table row (so a frame draws the same row objects and keeps their measured widths). */
const panelRowCache = new Map<string, WeakMap<TableRow, TableRow>>();

function panelView(rows: RowList, at: readonly number[], layout: string): RowList {
	let cache = panelRowCache.get(layout);
	if (!cache) panelRowCache.set(layout, (cache = new WeakMap()));
	const made = cache;
	const cut = (row: TableRow): TableRow => {
		let shown = made.get(row);
		if (!shown) made.set(row, (shown = {...row, cells: at.map(i => row.cells[i] ?? ''), sort: undefined}));
		return shown;
	};
	return {
		get length() {
			return rows.length;
		},
		at: index => {
			const row = rows.at(index);
			return row && cut(row);
		},
		slice: (start, end) => rows.slice(start, end).map(cut),
	};
}

/**
 * The incremental tables home's panels read, by name, taken from the
 * model's cache and given back when home closes: each frame applies only
 * what changed since the last (a pod's change re-renders and places that
 * pod), where the panels used to build and sort every row at each change.
 */
export class PanelTables {
	private readonly held = new Map<string, IncrementalTable>();

	constructor(private readonly cache: TableCache) {}

	/** The table named `name` for `query`, current with the model's `kind`. */
	table(app: ReturnType<typeof useApp>, name: string, kind: string, query: TableQuery, context: RenderContext) {
		const set = columnSetFor(kind)!;
		const table = this.cache.keep(this.held.get(name), set, tableKey(set, query));
		this.held.set(name, table);
		return {table, data: table.update(app.model.tableSource(kind), query, context)};
	}

	/** Give every table back to the model's cache. */
	release(): void {
		for (const table of this.held.values()) this.cache.give(table);
		this.held.clear();
	}
}

/** Rows for one panel; faults first so trouble is visible in a short panel. */
export function panelRows(app: ReturnType<typeof useApp>, tables: PanelTables, id: PanelId, namespace: string, context: RenderContext, wide = false): PanelData {
	const query: TableQuery = {namespace, namespaced: true, filter: {type: 'none'}, wide: false, faultsOnly: false};
	if (id === 'volumes') {
		// Claims and volumes, one list: a few per workload, built whole.
		const pvc = buildTable(columnSetFor('PersistentVolumeClaim')!, app.model.list('PersistentVolumeClaim'), query, context);
		const pv = buildTable(columnSetFor('PersistentVolume')!, app.model.list('PersistentVolume'), {...query, namespaced: false}, context);
		const claims = project(pvc.columns, pvc.rows, ['NAME', 'STATUS', 'CAPACITY']).rows.map(r => ({...r, cells: [`pvc/${r.cells[0]}`, r.cells[1]!, r.cells[2]!]}));
		const volumes = project(pv.columns, pv.rows, ['NAME', 'STATUS', 'CAPACITY']).rows.map(r => ({...r, cells: [`pv/${r.cells[0]}`, r.cells[1]!, r.cells[2]!]}));
		const rows = rank([...claims, ...volumes]);
		return {columns: [{name: 'NAME'}, {name: 'STATUS'}, {name: 'CAPACITY'}], rows, ids: rows.map(row => row.id), faults: rows.filter(isTrouble).length};
	}
	const kind = panels.find(p => p.id === id)!.kind;
	const all = tables.table(app, id, kind, query, context);
	const parts = faultParts.map((statuses, i) => tables.table(app, `${id}:${i}`, kind, {...query, statuses}, context));
	const ranked = rankedRows(all.data, parts, isTrouble);
	const names = (wide ? widePanelColumns : panelColumns)[id];
	const at = names.map(n => all.data.columns.findIndex(c => c.name === n)).filter(i => i >= 0);
	return {
		columns: at.map(i => all.data.columns[i]!),
		rows: panelView(ranked.rows, at, `${kind}:${at.join(',')}`),
		ids: ranked.ids,
		faults: ranked.faults,
	};
}

function isTrouble(row: TableRow): boolean {
	return row.status === 'error' || row.status === 'pending' || row.status === 'terminating';
}

const order: Record<string, number> = {error: 0, pending: 1, terminating: 2};
function rank(rows: TableRow[]): TableRow[] {
	return [...rows].sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3));
}

function Panel(props: {title: string; more: string; rows: RowList; columns: Column[]; faults: number; width: number; height: number; focused: boolean; cursor: number; offset: number; theme: Theme; now: number; growKey: string}) {
	const app = useApp();
	const {theme} = props;
	const border = props.focused ? theme.frame.border.focus : theme.frame.border.fg;
	const inner = Math.max(1, props.width - 2);
	const title = `${props.title} ${props.rows.length}${props.faults ? ` (${props.faults} not ok)` : ''}`;
	return (
		<Box flexDirection="column" width={props.width} height={props.height} borderStyle={props.focused ? 'double' : 'round'} borderColor={border}>
			<Text wrap="truncate">
				<Text color={props.focused ? theme.frame.title.highlight : theme.frame.title.fg} bold>{title}</Text>
				<Text color={theme.frame.title.fg} dimColor>{props.more}</Text>
			</Text>
			<Table columns={props.columns} rows={props.rows} cursor={props.cursor} offset={props.offset} width={inner} height={Math.max(0, props.height - 4)} theme={theme} showCursor={props.focused} context={{now: props.now}} changeOf={id => app.model.recentChange(id)?.type} stale={!app.cluster.status().connected} growKey={props.growKey} />
		</Box>
	);
}

/** One line per node: name, status, pods on it (the model's counts, kept current from the pods' changes), as many as the line shows. */
function NodesStrip({nodes, podsOn, width, theme}: {nodes: readonly KubeObject[]; podsOn: (node: string) => number; width: number; theme: Theme}) {
	const title = `Nodes ${nodes.length}  `;
	const chips: Array<{text: string; color: Theme['status']['new']}> = [];
	// Chips up to the first one that crosses the line's end (Ink cuts it there, with its ellipsis): a thousand nodes make one line, not a thousand chips to measure and cut.
	let used = displayWidth(title);
	for (const node of [...nodes].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
		if (used > width) break;
		const status = nodeStatus(node as Node);
		const ok = status === 'Ready';
		const text = `${ok ? '●' : '○'} ${cleanCell(node.metadata.name)} ${status} ${podsOn(node.metadata.name)}p`;
		chips.push({text, color: ok ? theme.status.new : status.startsWith('Ready') ? theme.status.pending : theme.status.error});
		used += displayWidth(text) + 3;
	}
	return (
		<Text wrap="truncate">
			<Text color={theme.frame.title.fg} bold>{title}</Text>
			{chips.map((chip, i) => (
				<Text key={i} color={chip.color}>{chip.text}{i < chips.length - 1 || chips.length < nodes.length ? '   ' : ''}</Text>
			))}
		</Text>
	);
}

/** Each event's last time, parsed once per stored version (objects are never changed in place). */
const eventTimes = new WeakMap<KubeObject, number>();

function lastSeen(event: KubeObject): number {
	let at = eventTimes.get(event);
	if (at === undefined) eventTimes.set(event, (at = Date.parse((event as KubeEvent).lastTimestamp || event.metadata.creationTimestamp)));
	return at;
}

/** The `count` most recent events, newest first, in one pass (the event list can hold 20,000). */
function newest(events: readonly KubeObject[], count: number): KubeObject[] {
	const top: Array<{at: number; event: KubeObject}> = [];
	for (const event of events) {
		const at = lastSeen(event);
		if (top.length === count && (count === 0 || at <= top[top.length - 1]!.at)) continue;
		let i = top.length;
		while (i > 0 && top[i - 1]!.at < at) i--;
		top.splice(i, 0, {at, event});
		if (top.length > count) top.pop();
	}
	return top.map(t => t.event);
}

/** Event columns on home: LAST SEEN, TYPE, REASON, OBJECT, then MESSAGE in the rest of the line. */
const eventListColumns: Column[] = [{name: 'LAST SEEN', align: 'right'}, {name: 'TYPE'}, {name: 'REASON'}, {name: 'OBJECT', ellipsis: 'middle'}, {name: 'MESSAGE', flex: true}];
const eventListCells = [0, 1, 2, 3, 6];

function EventsList({events, now, width, height, theme}: {events: readonly KubeObject[]; now: number; width: number; height: number; theme: Theme}) {
	const latest = useMemo(() => newest(events, Math.max(0, height - 1)), [events, height]);
	const rows = latest.map(object => {
		const all = eventColumns.row(object, {now}).cells;
		return eventListCells.map(i => cleanCell(all[i] ?? ''));
	});
	// One width per column for every line, so a long REASON never pushes its row out of line.
	const natural = eventListColumns.map((_, c) => Math.max(c === 0 ? 3 : 0, ...rows.map(cells => displayWidth(cells[c]!))));
	const widths = shrinkWidths(natural, eventListColumns, width);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text color={theme.frame.title.fg} bold>{`Events (latest ${latest.length} of ${events.length})`}</Text>
			{latest.map((object, r) => {
				const line = rows[r]!.map((cell, c) => fitToWidth(cell, widths[c]!, eventListColumns[c]!.align, eventListColumns[c]!.ellipsis)).join('  ');
				return <Text key={object.metadata.uid} color={(object as KubeEvent).type === 'Warning' ? theme.status.error : theme.status.new} wrap="truncate">{line}</Text>;
			})}
		</Box>
	);
}

/** What home keeps while a full view is open over it: the focused panel and each panel's cursor. */
export type HomeMemory = {focus?: number; tables?: Partial<Record<PanelId, TableState>>};

/** Columns a panel needs to show NAME, READY and STATUS in full (ImagePullBackOff, a 23-letter pod name). */
const readablePanelWidth = 56;

/**
 * The panel layout for a content area: panels across (1, 2 or 4), rows of
 * panels, and each panel's size. As many panels as fit readably are shown
 * (each at least 56 columns and 8 lines, so four rows); when that is fewer
 * than four, the ones around the focused panel are shown and Tab brings in
 * the others.
 */
export function homeLayout(width: number, height: number): {gridRows: number; across: number; panelWidth: number; panelHeight: number; eventsHeight: number} {
	const eventsHeight = Math.max(3, Math.min(8, Math.floor(height / 4)));
	const area = Math.max(4, height - 1 - eventsHeight);
	const across = width >= 4 * readablePanelWidth ? 4 : width >= 2 * readablePanelWidth ? 2 : 1;
	const gridRows = Math.max(1, Math.min(Math.ceil(panels.length / across), Math.floor(area / 8)));
	return {gridRows, across, panelWidth: Math.floor(width / across), panelHeight: Math.floor(area / gridRows), eventsHeight};
}

export function HomeView({width, height, memory}: PageProps & {memory: HomeMemory}) {
	const app = useApp();
	const version = useLive(['Pod', 'Deployment', 'StatefulSet', 'PersistentVolumeClaim', 'PersistentVolume', 'Node', 'Event'], {clock: true});
	const focus = memory.focus ?? 0;
	const now = Math.floor(app.now() / 1000) * 1000;
	const namespace = app.namespace();
	const kinds = ['Pod', 'Deployment', 'StatefulSet', 'PersistentVolumeClaim', 'PersistentVolume'];
	const dataVersion = kinds.map(k => app.model.version(k)).join(',');
	const {gridRows, across, panelWidth, panelHeight} = homeLayout(width, height);
	const widePanels = panelWidth >= 90;
	// The panels' tables, kept current from frame to frame and given back to the model's cache when home closes.
	const tablesRef = useRef<PanelTables | undefined>(undefined);
	const tables = (tablesRef.current ??= new PanelTables(app.model.tables));
	useEffect(() => () => tables.release(), [tables]);
	const data = useMemo(
		() => panels.map(p => panelRows(app, tables, p.id, namespace, {now}, widePanels)),
		// Clock-dependent cells are live columns: the panels rebuild only when objects change.
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[app, tables, namespace, dataVersion, widePanels],
	);
	void version;
	const panelId = panels[focus]!.id;
	const [state, dispatch] = useTableState(memory.tables?.[panelId]);
	memory.tables = {...memory.tables, [panelId]: state};
	const focused = data[focus]!;
	const ids = focused.ids;
	const cursor = cursorIndex(state, ids);
	const current = focused.rows.at(cursor);
	useSelection(current ? {kind: current.object.kind, object: current.object} : undefined);
	const navigation = useTableInput(dispatch, ids, Math.max(1, panelHeight - 4));
	const move = (delta: number) => {
		const next = (focus + delta + panels.length) % panels.length;
		memory.focus = next;
		const saved = memory.tables?.[panels[next]!.id];
		const nextIds = data[next]!.ids;
		if (saved?.cursorId !== undefined && nextIds.indexOf(saved.cursorId) >= 0) dispatch({type: 'select', id: saved.cursorId, ids: nextIds, height: Math.max(1, panelHeight - 4)});
		else dispatch({type: 'top', ids: nextIds});
	};
	usePageKeys({
		bindings: [
			{key: 'tab', action: 'home.next-panel', description: 'Next panel'},
			{key: 'shift-tab', action: 'home.previous-panel', description: 'Previous panel'},
			{key: 'enter', action: 'home.open', description: 'Open view'},
			...navigation.bindings,
		],
		handlers: {
			...navigation.handlers,
			'home.next-panel': () => move(1),
			'home.previous-panel': () => move(-1),
			// The full view opens on the row selected here (a PV row of the volumes panel opens the PVs).
			'home.open': () => app.openView(current?.object.kind ?? panels[focus]!.kind, current ? {select: current.object.metadata.uid} : undefined),
		},
	});
	// Shown: every panel when they all fit, else the page of panels that holds the focused one.
	const pageSize = gridRows * across;
	const shown = panels.map((_, i) => i).filter(i => Math.floor(i / pageSize) === Math.floor(focus / pageSize));
	const hidden = panels.map((_, i) => i).filter(i => !shown.includes(i));
	const more = hidden.length > 0 ? `   Tab: ${hidden.map(i => `${panels[i]!.title} ${data[i]!.rows.length}`).join(' · ')}` : '';
	const boxes = shown.map(i => (
		<Panel
			key={panels[i]!.id}
			title={panels[i]!.title}
			more={i === shown[shown.length - 1] ? more : ''}
			rows={data[i]!.rows}
			columns={data[i]!.columns}
			faults={data[i]!.faults}
			width={panelWidth}
			height={panelHeight}
			focused={i === focus}
			cursor={i === focus ? cursor : 0}
			offset={i === focus ? state.offset : 0}
			theme={app.theme}
			now={now}
			growKey={`${panels[i]!.id}\u0000${namespace}\u0000${widePanels}`}
		/>
	));
	const grid = [];
	for (let r = 0; r < gridRows; r++) grid.push(<Box key={r} flexDirection="row">{boxes.slice(r * across, (r + 1) * across)}</Box>);
	return (
		<Box flexDirection="column" width={width} height={height}>
			{grid}
			<NodesStrip nodes={app.model.list('Node')} podsOn={app.model.podsPerNode()} width={width} theme={app.theme} />
			<EventsList events={app.model.list('Event')} now={now} width={width} height={Math.max(1, height - gridRows * panelHeight - 1)} theme={app.theme} />
		</Box>
	);
}
