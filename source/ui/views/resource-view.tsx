/**
 * A resource table page (k9s' Browser): one kind, a namespace (or all), an
 * optional label/field selector or owner, the `/` filter, sort keys, wide
 * columns, faults only, and Enter to drill down. The selection is published
 * so the actions registered for the kind apply.
 */
import React, {useEffect, useMemo, useRef} from 'react';
import {Box, Text} from 'ink';
import {actionsFor, useApp, useLive, usePageKeys, usePageKind, useSelection, type KeyBinding, type PageProps} from '../app/contract.js';
import {useAppInternals} from '../app/app-internals.js';
import {objectSelector, type KubeObject, type ResourceType} from '../../engine/index.js';
import type {ColumnSet} from '../render/columns.js';
import {columnsFor, kindType} from '../app/kinds.js';
import {Table, cursorIndex, useTableInput, useTableState, type TableState} from '../components/table/index.js';
import {sidewaysBindings, sidewaysHandlers} from '../components/scroll-keys.js';
import {buildTable, sortsByMetrics, tableKey, type IncrementalTable, type SortSpec} from '../model/table-data.js';
import {parseFilter, type Filter} from '../model/filter.js';
import {containerColumnList, containerRows} from '../render/container-columns.js';
import {selectorString} from '../render/selectors.js';
import {viewTitle} from './titles.js';
import {sanitizeLine} from '../sanitize.js';
import type {Column, Row} from '../render/columns.js';

/** Saved across pushes and pops of the same page. */
export type ViewMemory = {
	table?: TableState;
	wide?: boolean;
	faultsOnly?: boolean;
	/** The flex column (an event's MESSAGE) wrapped onto more lines (`w`), or seen from column `left` (←/→). */
	wrap?: boolean;
	left?: number;
	/** The kind's type and columns as last served: a custom kind's view outlives its definition, empty. */
	served?: {type: ResourceType; set: ColumnSet};
};

export type ResourceViewProps = PageProps & {
	kind: string;
	/** Fixed namespace for this page ('all' or a name); else the app's current one. */
	namespace?: string;
	labelSelector?: string;
	fieldSelector?: string;
	ownerUid?: string;
	memory: ViewMemory;
};

/** Per-kind sort key bindings from the columns' sort letters (k9s: shift-n name, shift-a age...). */
export function sortBindings(columns: Column[]): KeyBinding[] {
	const out: KeyBinding[] = [];
	for (const column of columns) {
		if (!column.sortKey) continue;
		out.push({key: `shift-${column.sortKey}`, action: `sort.${column.name.toLowerCase().replace(/[^a-z]+/g, '-')}`, description: `Sort ${column.name}`, visible: false});
	}
	return out;
}

/**
 * A label and field selector as a test of one object, parsed once with the
 * API's grammar (the same parse and match as a list with selectors), so a
 * change of one object is tested alone instead of listing the kind again.
 */
function selectorTest(options: {labelSelector?: string; fieldSelector?: string}): {matches?: (object: KubeObject) => boolean; error?: string} {
	if (!options.labelSelector && !options.fieldSelector) return {};
	try {
		return {matches: objectSelector(options)};
	} catch (error) {
		return {matches: () => false, error: (error as Error).message};
	}
}

/** The kind's type and column set, kept in the page's memory for when a custom kind stops being served. */
function servedKind(cluster: Parameters<typeof kindType>[0], kind: string, memory: ViewMemory): {type: ResourceType; set: ColumnSet} {
	try {
		const set = columnsFor(cluster, kind);
		if (set) memory.served = {type: kindType(cluster, kind), set};
	} catch {
		// The definition is gone: the last known columns stay, over no objects.
	}
	if (!memory.served) throw new Error(`the server doesn't have a resource type "${kind}"`);
	return memory.served;
}

export function ResourceView(props: ResourceViewProps) {
	const {kind, width, height, memory} = props;
	const app = useApp();
	const shell = useAppInternals();
	const served = servedKind(app.cluster, kind, memory);
	const {set, type} = served;
	const namespace = props.namespace ?? app.namespace();
	const watched = kind === 'Node' ? ['Node', 'Pod'] : [kind];
	const version = useLive(watched, {clock: true, metrics: kind === 'Pod' || kind === 'Node'});
	const now = Math.floor(app.now() / 1000) * 1000;
	const [state, dispatch] = useTableState(memory.table);
	memory.table = state;
	const wide = memory.wide ?? false;
	const faultsOnly = memory.faultsOnly ?? false;
	const sortPref = shell.prefs.get().sort[kind] as SortSpec | undefined;

	const parsed = parseFilter(props.filter);
	const filter: Filter = 'filter' in parsed ? parsed.filter : {type: 'none'};
	const labelSelector = [props.labelSelector, filter.type === 'label' ? filter.selector : undefined].filter(Boolean).join(',');
	const selection = useMemo(() => selectorTest({labelSelector, fieldSelector: props.fieldSelector}), [labelSelector, props.fieldSelector]);
	const filterError = 'error' in parsed ? parsed.error : selection.error ? `Bad label selector "${labelSelector}": ${selection.error}` : undefined;
	const lastError = useRef<string | undefined>(undefined);
	useEffect(() => {
		if (filterError && filterError !== lastError.current) app.flash(filterError, 'error');
		lastError.current = filterError;
	}, [filterError, app]);

	const podVersion = kind === 'Node' ? app.model.version('Pod') : 0;
	// Kept current by the model from the pods' changes: a pod change moves one count, and reopening the view counts no pod again.
	// eslint-disable-next-line react-hooks/exhaustive-deps
	const podsOnNode = useMemo(() => (kind === 'Node' ? app.model.podsPerNode() : undefined), [app, kind, podVersion]);
	const kindVersion = app.model.version(kind);
	// Kept current from the model's batched changes: a frame re-renders and places only changed rows.
	// Taken from the model's cache and given back on close: reopened with the same query, only what changed meanwhile is applied.
	const tables = app.model.tables;
	const held = useRef<IncrementalTable | undefined>(undefined);
	useEffect(() => () => {
		if (held.current) tables.give(held.current);
		held.current = undefined;
	}, [tables]);
	// Sorted by CPU or MEM (shift-c, shift-m): the order follows each new metrics snapshot.
	const sortMetrics = sortsByMetrics(set.columns, sortPref ?? set.defaultSort) ? app.model.metrics() : undefined;
	const data = useMemo(() => {
		const query = {namespace, namespaced: type.namespaced, filter, matches: selection.matches, wide, faultsOnly, sort: sortPref};
		const context = {now, metrics: sortMetrics};
		if (props.ownerUid) {
			const objects = app.model.list(kind).filter(o => o.metadata.ownerReferences?.some(r => r.uid === props.ownerUid));
			const built = buildTable(set, objects, query, context);
			return {...built, ids: built.rows.map(row => row.id)};
		}
		const selectorKey = `${labelSelector}\u0000${props.fieldSelector ?? ''}`;
		// Another query this view (or an earlier one) had a table for: that one, kept current, rather than a rebuild of this.
		const table = held.current = tables.keep(held.current, set, tableKey(set, query, selectorKey));
		return table.update(app.model.tableSource(kind), query, context, selectorKey);
	// The clock is not a dependency: clock-dependent cells are live columns, drawn per visible row.
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [app, set, tables, kind, namespace, type.namespaced, props.filter, selection, wide, faultsOnly, sortPref, kindVersion, props.ownerUid, sortMetrics]);

	const ids = data.ids;
	const changeOf = (uid: string) => app.model.recentChange(uid)?.type;
	const tableHeight = Math.max(1, height - 2);
	const cursor = cursorIndex(state, ids);
	const current = data.rows.at(cursor);
	useSelection(current ? {kind, object: current.object} : undefined);
	usePageKind(kind);

	const navigation = useTableInput(dispatch, ids, tableHeight);
	const sorts = sortBindings(data.columns);
	// A column that takes the rest of the line (an event's MESSAGE) wraps with `w` and scrolls sideways with ←/→.
	const hasFlex = data.columns.some(c => c.flex);
	const flexView = useRef({maxLeft: 0, width: 0});
	const bindings: KeyBinding[] = [
		{key: 'enter', action: 'view.enter', description: enterDescription(kind)},
		...sorts,
		{key: 'ctrl-w', action: 'view.wide', description: 'Toggle wide'},
		{key: 'ctrl-z', action: 'view.faults', description: 'Toggle faults'},
		...(hasFlex ? [{key: 'w', action: 'view.wrap', description: 'Wrap'}, ...sidewaysBindings] : []),
		...navigation.bindings,
	];
	const handlers: Record<string, () => void> = {
		...navigation.handlers,
		'view.enter': () => current && drillDown(app, shell, kind, current.object),
		'view.wide': () => {
			memory.wide = !wide;
			app.invalidate();
		},
		'view.faults': () => {
			memory.faultsOnly = !faultsOnly;
			app.flash(memory.faultsOnly ? 'Showing faults only' : 'Showing all rows');
		},
		'view.wrap': () => {
			memory.wrap = !memory.wrap;
			memory.left = 0;
			app.invalidate();
		},
		...sidewaysHandlers({
			width: flexView.current.width,
			by: columns => {
				if (memory.wrap) return;
				memory.left = Math.min(flexView.current.maxLeft, Math.max(0, (memory.left ?? 0) + columns));
				app.invalidate();
			},
		}),
	};
	for (const column of data.columns) {
		if (!column.sortKey) continue;
		handlers[`sort.${column.name.toLowerCase().replace(/[^a-z]+/g, '-')}`] = () => {
			const ascending = sortPref?.column === column.name ? !sortPref.ascending : !column.sortDescending;
			shell.prefs.set({sort: {...shell.prefs.get().sort, [kind]: {column: column.name, ascending}}});
			app.invalidate();
		};
	}
	usePageKeys({bindings, handlers});

	const title = viewTitle(kind, type.namespaced ? namespace : undefined, data.rows.length, data.total, props.filter, {wide, faultsOnly, selector: props.fieldSelector ?? props.labelSelector, type});
	const status = app.cluster.status();
	// A kind the user may not list (RBAC) shows the server's reason instead of rows.
	const forbidden = status.forbidden?.get(kind);
	if (forbidden) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<TitleLine text={title} width={width} />
				<Text color={app.theme.frame.flash.error} wrap="wrap">{sanitizeLine(forbidden)}</Text>
			</Box>
		);
	}
	return (
		<Box flexDirection="column" width={width} height={height}>
			<TitleLine text={title} width={width} />
			<Table
				columns={data.columns}
				rows={data.rows}
				cursor={cursor}
				offset={state.offset}
				width={width}
				height={tableHeight}
				theme={app.theme}
				sort={sortPref ?? set.defaultSort}
				context={{now, podsOnNode, metrics: kind === 'Pod' || kind === 'Node' ? app.model.metrics() : undefined}}
				changeOf={changeOf}
				growKey={[kind, namespace, props.labelSelector, props.fieldSelector, props.ownerUid, props.filter, faultsOnly].join('\u0000')}
				stale={!status.connected}
				flex={hasFlex ? {left: memory.left ?? 0, wrap: memory.wrap ?? false, report: (maxLeft, flexWidth) => {
					flexView.current = {maxLeft, width: flexWidth};
				}} : undefined}
			/>
		</Box>
	);
}

/** The framed title line: `─── pods(default)[12] </web> ───`. */
export function TitleLine({text, width}: {text: string; width: number}) {
	const app = useApp();
	const theme = app.theme.frame;
	const inner = ` ${text} `;
	const side = Math.max(0, width - inner.length);
	const left = Math.floor(side / 2);
	return (
		<Text wrap="truncate">
			<Text color={theme.border.fg}>{'─'.repeat(left)}</Text>
			<Text color={theme.title.fg} bold>{inner}</Text>
			<Text color={theme.border.fg}>{'─'.repeat(side - left)}</Text>
		</Text>
	);
}

function enterDescription(kind: string): string {
	switch (kind) {
		case 'Pod': return 'Containers';
		case 'Node': case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': case 'Service': return 'Pods';
		case 'CronJob': return 'Jobs';
		case 'Namespace': return 'Use';
		default: return 'Describe';
	}
}

/** Enter on a row: k9s' drill-downs. */
export function drillDown(app: ReturnType<typeof useApp>, shell: ReturnType<typeof useAppInternals>, kind: string, object: KubeObject): void {
	const ns = object.metadata.namespace;
	const name = object.metadata.name;
	switch (kind) {
		case 'Pod':
			shell.openContainers(object.metadata.uid);
			return;
		case 'Node':
			app.openView('Pod', {namespace: 'all', fieldSelector: `spec.nodeName=${name}`, title: `pods on ${name}`});
			return;
		case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
			app.openView('Pod', {namespace: ns, labelSelector: selectorString(object.spec?.selector), title: `pods of ${kind.toLowerCase()}/${name}`});
			return;
		case 'Service': {
			const selector = selectorString(object.spec?.selector);
			if (!selector) {
				app.flash(`service/${name} has no selector: no pods to show`, 'warn');
				return;
			}
			app.openView('Pod', {namespace: ns, labelSelector: selector, title: `pods of service/${name}`});
			return;
		}
		case 'CronJob':
			app.openView('Job', {namespace: ns, ownerUid: object.metadata.uid, title: `jobs of cronjob/${name}`});
			return;
		case 'Namespace':
			shell.setNamespace(name);
			app.openView('Pod', {namespace: name});
			return;
		default: {
			const describe = actionsFor({kind, object}).find(a => a.binding.action === 'describe');
			if (describe) describe.handler({app, selection: {kind, object}, event: {name: 'enter', input: '', ctrl: false, shift: false, meta: false}});
			else app.flash(`No drill-down for ${kind}`, 'warn');
		}
	}
}

export type ContainersViewProps = PageProps & {podUid: string; memory: ViewMemory};

/** Containers of one pod (Enter on a pod); Enter runs the 'pod.logs' action when registered. */
export function ContainersView(props: ContainersViewProps) {
	const {width, height, podUid, memory} = props;
	const app = useApp();
	const version = useLive(['Pod'], {clock: true});
	const now = Math.floor(app.now() / 1000) * 1000;
	const [state, dispatch] = useTableState(memory.table);
	memory.table = state;
	const pod = app.model.byUid('Pod', podUid);
	const rows = useMemo<Row[]>(() => (pod ? containerRows(pod, {now}) : []), [pod, now, version]);
	const parsed = parseFilter(props.filter);
	const shown = useMemo(() => {
		if (!('filter' in parsed) || parsed.filter.type !== 'regex') return rows;
		const {regex, inverse} = parsed.filter;
		return rows.filter(r => regex.test(r.cells.join(' ')) !== inverse);
	}, [rows, props.filter]);
	const ids = shown.map(r => r.id);
	const tableHeight = Math.max(1, height - 2);
	const cursor = cursorIndex(state, ids);
	const current = shown[cursor];
	useSelection(current && pod ? {kind: 'Pod', object: pod, container: current.container} : undefined);
	const navigation = useTableInput(dispatch, ids, tableHeight);
	usePageKeys({
		bindings: [{key: 'enter', action: 'view.enter', description: 'Logs'}, ...navigation.bindings],
		handlers: {
			...navigation.handlers,
			'view.enter': () => {
				if (!current || !pod) return;
				const selection = {kind: 'Pod', object: pod, container: current.container};
				const logs = actionsFor(selection).find(a => a.binding.action === 'pod.logs');
				if (logs) logs.handler({app, selection, event: {name: 'enter', input: '', ctrl: false, shift: false, meta: false}});
				else app.flash('Logs are not available', 'warn');
			},
		},
	});
	if (!pod) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<TitleLine text="containers" width={width} />
				<Text color={app.theme.frame.flash.warn}>The pod is gone.</Text>
			</Box>
		);
	}
	const title = `containers(${pod.metadata.namespace}/${pod.metadata.name})[${shown.length}]${props.filter ? ` </${props.filter}>` : ''}`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<TitleLine text={title} width={width} />
			<Table columns={containerColumnList} rows={shown} cursor={cursor} offset={state.offset} width={width} height={tableHeight} theme={app.theme} />
		</Box>
	);
}
