/**
 * Rollout history of a Deployment (`kubectl rollout history`): revision,
 * change-cause and images, newest first. Enter rolls back to the revision
 * under the cursor (`kubectl rollout undo --to-revision=N`), `u` undoes to
 * the previous one. Each is one `cluster.rollback` call.
 */
import React from 'react';
import {Box, Text} from 'ink';
import {useApp, usePageKeys, type AppApi, type PageProps, type PageSpec} from '../../app/contract.js';
import {confirmThenRun} from '../../actions/run.js';
import {then} from '../../model/cluster-source.js';
import {errorMessage} from '../../dialogs/errors.js';
import {sanitizeLine} from '../../sanitize.js';
import {useLive} from '../../app/use-live.js';
import {scrollBindings, scrollHandlers} from '../../components/scroll-keys.js';
import {objectLabel, type ObjectRef} from '../object-pages.js';
import {useHistoryState} from './use-history-state.js';

export type HistoryRow = {revision: number; changeCause: string; images: string; replicaSet: string; current: boolean};

/** The rows as shown: newest first, the live revision marked. */
export function historyRows(app: Pick<AppApi, 'cluster'>, ref: ObjectRef): HistoryRow[] {
	const deployment = app.cluster.get('Deployment', ref.name, ref.namespace);
	const current = Number(deployment?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
	return app.cluster.rolloutHistory(ref.name, {namespace: ref.namespace}).slice().reverse().map(r => ({
		revision: r.revision,
		changeCause: sanitizeLine(r.changeCause ?? '<none>'),
		images: sanitizeLine(r.images.join(',')),
		replicaSet: sanitizeLine(r.replicaSet),
		current: r.revision === current,
	}));
}

/**
 * Ask, then roll a Deployment back (to a revision, or undo to the previous
 * one) and flash kubectl's line.
 */
export function rollbackTo(app: AppApi, ref: ObjectRef, revision?: number): void {
	const name = sanitizeLine(`deployment.apps/${ref.name}`);
	const confirmation = revision
		? {title: 'Roll back', message: `Roll ${name} back to revision ${revision}?`, yes: 'Roll back'}
		: {title: 'Undo', message: `Undo the last rollout of ${name}? It rolls back to the previous revision.`, yes: 'Undo'};
	confirmThenRun(app, confirmation, () => {
		return then(app.cluster.rollback(ref.name, {namespace: ref.namespace, toRevision: revision}), () => `deployment.apps/${ref.name} rolled back${revision ? ` to revision ${revision}` : ''}`);
	});
}

function HistoryPage({target, width, height}: PageProps & {target: ObjectRef}) {
	const app = useApp();
	const theme = app.theme;
	useLive(['Deployment', 'ReplicaSet']);
	const [state, dispatch] = useHistoryState();
	let rows: HistoryRow[] = [];
	let error: string | undefined;
	try {
		rows = historyRows(app, target);
	} catch (caught) {
		error = errorMessage(caught);
	}
	const cursor = Math.min(state.cursor, Math.max(0, rows.length - 1));
	usePageKeys({
		bindings: [
			{key: 'enter', action: 'history.rollback', description: 'Roll back to revision', dangerous: true},
			{key: 'u', action: 'history.undo', description: 'Undo (previous revision)', dangerous: true},
			...scrollBindings,
		],
		handlers: {
			'history.rollback': () => {
				const row = rows[cursor];
				if (row) rollbackTo(app, target, row.revision);
			},
			'history.undo': () => rollbackTo(app, target),
			...scrollHandlers({
				down: () => dispatch({type: 'move', by: 1, total: rows.length}),
				up: () => dispatch({type: 'move', by: -1, total: rows.length}),
				pageDown: () => dispatch({type: 'move', by: Math.max(1, height - 2), total: rows.length}),
				pageUp: () => dispatch({type: 'move', by: -Math.max(1, height - 2), total: rows.length}),
				top: () => dispatch({type: 'to', index: 0, total: rows.length}),
				bottom: () => dispatch({type: 'to', index: rows.length - 1, total: rows.length}),
			}),
		},
	});
	if (error) return <Text color={theme.frame.flash.error}>{error}</Text>;
	const revisionWidth = Math.max(8, ...rows.map(r => String(r.revision).length + 2));
	const causeWidth = Math.min(40, Math.max(12, ...rows.map(r => r.changeCause.length)));
	const setWidth = Math.max(10, ...rows.map(r => r.replicaSet.length));
	const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(revisionWidth)}  ${b.slice(0, causeWidth).padEnd(causeWidth)}  ${c.padEnd(setWidth)}  ${d}`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.views.table.header.fg} wrap="truncate">{line('REVISION', 'CHANGE-CAUSE', 'REPLICASET', 'IMAGES')}</Text>
			{rows.slice(0, Math.max(0, height - 1)).map((row, i) => (
				<Text key={row.revision} inverse={i === cursor} color={row.current ? theme.status.highlight : theme.views.table.fg} wrap="truncate">
					{line(`${row.revision}${row.current ? ' *' : ''}`, row.changeCause, row.replicaSet, row.images)}
				</Text>
			))}
		</Box>
	);
}

export function historyPage(ref: ObjectRef): PageSpec {
	return {title: `history ${objectLabel(ref)}`, key: `history:${objectLabel(ref)}`, render: props => <HistoryPage {...props} target={ref}/>};
}
