/**
 * `:xray deploy|sts|svc|po|rs|ds [namespace]`: the owner tree as k9s draws
 * it. The node under the cursor is the page's selection, so the kind's
 * actions (d, y, e, ctrl-d, l, s, t...) work on it; Enter or space folds a
 * branch.
 */
import React, {useEffect, useMemo, useReducer} from 'react';
import {Box, Text} from 'ink';
import {registerCommand, useApp, usePageKeys, useSelection, type AppApi, type PageProps, type PageSpec, type Selection} from '../app/contract.js';
import {useLive} from '../app/use-live.js';
import {scrollBindings, scrollHandlers} from '../components/scroll-keys.js';
import {flattenXray, healthMarks, xrayKinds, type Health, type XrayNode} from './xray-tree.js';
import {modelSource, XrayBuilder} from './xray-builder.js';
import {cursorRow, newXrayMemory, useXrayState, type XrayMemory} from './use-xray-state.js';

/** Kinds whose changes can alter a tree (Events and Leases, which change all the time, cannot). */
const xrayWatchedKinds = ['Namespace', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Service', 'Pod', 'ConfigMap', 'Secret', 'PersistentVolumeClaim'];

function selectionOf(node: XrayNode | undefined): Selection | undefined {
	if (!node?.object) return undefined;
	if (node.kind === 'Container') return {kind: 'Pod', object: node.object, container: node.container};
	return {kind: node.object.kind, object: node.object};
}

/**
 * The tree as of the last change, built in turns between keys and frames:
 * the last whole tree shows while the next is built (undefined until the
 * first one ends, which for a small tree is at once).
 */
function useXrayTree(memory: XrayMemory, kind: string, namespace: string | undefined, stepsPerTurn: number | undefined): XrayNode[] | undefined {
	const app = useApp();
	const tick = useLive(xrayWatchedKinds);
	memory.builder ??= new XrayBuilder(modelSource(app.cluster, app.model), kind, namespace, stepsPerTurn);
	const builder = memory.builder;
	const [, built] = useReducer((n: number) => n + 1, 0);
	builder.want(tick);
	const busy = builder.busy;
	useEffect(() => {
		if (!busy) return;
		let handle = app.timers.setTimeout(function turn() {
			if (builder.turn()) built();
			if (builder.busy) handle = app.timers.setTimeout(turn, 0);
		}, 0);
		return () => app.timers.clearTimeout(handle);
	}, [app, builder, busy, tick]);
	return builder.roots;
}

function XrayPage({kind, namespace, memory, stepsPerTurn, width, height}: PageProps & {kind: string; namespace?: string; memory: XrayMemory; stepsPerTurn?: number}) {
	const app = useApp();
	const theme = app.theme;
	const roots = useXrayTree(memory, kind, namespace, stepsPerTurn);
	const [state, dispatch] = useXrayState(memory);
	const rows = useMemo(() => flattenXray(roots ?? [], state.collapsed), [roots, state.collapsed]);
	const ids = useMemo(() => rows.map(r => r.node.id), [rows]);
	const cursor = cursorRow(state, ids);
	const current = rows[cursor]?.node;
	useSelection(selectionOf(current));
	usePageKeys({
		bindings: [
			{key: 'enter', action: 'xray.toggle', description: 'Fold/Unfold'},
			{key: 'space', action: 'xray.toggle', description: 'Fold/Unfold', visible: false},
			...scrollBindings,
		],
		handlers: {
			'xray.toggle': () => current && current.children.length > 0 && dispatch({type: 'toggle', id: current.id}),
			...scrollHandlers({
				down: () => dispatch({type: 'move', by: 1, ids}),
				up: () => dispatch({type: 'move', by: -1, ids}),
				pageDown: () => dispatch({type: 'move', by: height - 1, ids}),
				pageUp: () => dispatch({type: 'move', by: -(height - 1), ids}),
				top: () => dispatch({type: 'edge', last: false, ids}),
				bottom: () => dispatch({type: 'edge', last: true, ids}),
			}),
		},
	});
	const colour = (health: Health) => (health === 'ok' ? theme.views.charts.ok : health === 'fault' ? theme.views.charts.fault : theme.status.pending);
	if (!roots) return <Text color={theme.views.xray.fg}>Reading the {kind} tree…</Text>;
	if (rows.length === 0) return <Text color={theme.views.xray.fg}>No {kind} objects{namespace && namespace !== 'all' ? ` in namespace ${namespace}` : ''}.</Text>;
	const offset = Math.min(Math.max(0, cursor - height + 1), Math.max(0, rows.length - height), cursor);
	return (
		<Box flexDirection="column" width={width} height={height}>
			{rows.slice(offset, offset + height).map((row, i) => {
				const selected = offset + i === cursor;
				const fold = row.node.children.length > 0 ? (row.collapsed ? '⊕ ' : '') : '';
				return (
					<Text key={row.node.id} wrap="truncate">
						<Text color={theme.views.xray.graphic}>{row.prefix}</Text>
						<Text color={colour(row.node.health)}>{healthMarks[row.node.health]} </Text>
						<Text inverse={selected} color={selected ? theme.views.xray.cursor : theme.views.xray.fg} bold={row.depth <= 1}>{fold}{row.node.kind === 'Container' ? '' : `${row.node.kind.toLowerCase()}/`}{row.node.name}</Text>
						<Text color={theme.views.xray.graphic}>{row.node.info ? `  ${row.node.info}` : ''}</Text>
					</Text>
				);
			})}
		</Box>
	);
}

/** The page of `:xray`; `stepsPerTurn` sets how much of a build a turn runs (default `xrayStepsPerTurn`). */
export function xrayPage(kind: string, namespace?: string, options: {stepsPerTurn?: number} = {}): PageSpec {
	const memory = newXrayMemory();
	return {title: `xray ${kind.toLowerCase()}${namespace ? `(${namespace})` : ''}`, key: `xray:${kind}:${namespace ?? ''}`, render: props => <XrayPage {...props} kind={kind} namespace={namespace} memory={memory} stepsPerTurn={options.stepsPerTurn}/>};
}

/** `:xray RES [NS]`; errors are thrown for the command line to flash. */
export function runXray(args: string[], app: AppApi): void {
	const [resource, namespace] = args;
	if (!resource) throw new Error('Missing resource: :xray deploy|sts|svc|po|rs|ds|ing|netpol [namespace]');
	const kind = xrayKinds[resource.toLowerCase()];
	if (!kind) throw new Error(`Unsupported xray resource "${resource}": use deploy, sts, svc, po, rs, ds, ing or netpol`);
	if (args.length > 2) throw new Error('Too many arguments: :xray RES [namespace]');
	const ns = namespace ?? app.namespace();
	if (ns !== 'all' && !app.cluster.get('Namespace', ns)) throw new Error(`namespaces "${ns}" not found`);
	app.pushPage(xrayPage(kind, ns));
}

registerCommand({names: ['xray', 'x', 'xr'], description: 'Xray: owner tree of deploy|sts|svc|po|rs|ds|ing|netpol', arguments: ['deploy', 'sts', 'svc', 'po', 'rs', 'ds', 'ing', 'netpol'], run: runXray});
