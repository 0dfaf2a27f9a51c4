/** Node actions: kill and restore the machine, cordon, uncordon, drain. */
import React from 'react';
import {Box, Text} from 'ink';
import type {KubeObject} from '../../engine/index.js';
import {registerActions, type AppApi} from '../app/contract.js';
import {sanitizeLine} from '../sanitize.js';
import {SelectList} from '../components/select-list/select-list.js';
import {run} from './run.js';
import {simulationOnly, then} from '../model/cluster-source.js';

const nodeName = (node: KubeObject) => sanitizeLine(node.metadata.name);

async function killNode(app: AppApi, node: KubeObject): Promise<void> {
	const yes = await app.confirm({
		title: 'Kill node',
		message: `Kill node ${nodeName(node)}? Its machine stops: kubelet and containers halt, heartbeats stop.`,
		yes: 'Kill',
		no: 'Cancel',
	});
	if (!yes) return;
	run(app, () => {
		simulationControls(app).killNode(node.metadata.name);
		return `node/${nodeName(node)} killed`;
	});
}

/** The engine's controls, or the error a real cluster answers with. */
function simulationControls(app: AppApi) {
	if (!app.cluster.simulation) throw new Error(`Kill and restore node: ${simulationOnly}`);
	return app.cluster.simulation;
}

type DrainChoice = 'drain' | 'force' | 'cancel';

const drainItems: Array<{label: string; value: DrainChoice}> = [
	{label: 'Drain  (--ignore-daemonsets --delete-emptydir-data)', value: 'drain'},
	{label: 'Drain  (--ignore-daemonsets --delete-emptydir-data --force)', value: 'force'},
	{label: 'Cancel', value: 'cancel'},
];

/**
 * Run a drain and flash kubectl's last line (or its warning, or the
 * refusal); a drain a disruption budget blocks says so as a warning, and
 * goes on retrying every 5 s in the cluster.
 */
export function drainNode(app: AppApi, node: KubeObject, force: boolean): void {
	run(app, () => then(app.cluster.drain(node.metadata.name, {ignoreDaemonSets: true, deleteEmptyDirData: true, force}), report => {
		if (!report.done) {
			const pods = report.blocked.length === 1 ? `pod/${report.blocked[0]!.split('/')[1]}` : `${report.blocked.length} pods`;
			app.flash(sanitizeLine(`node/${node.metadata.name}: ${pods} blocked by a disruption budget, retrying every 5s (${report.evicted.length} evicted)`), 'warn');
			return;
		}
		if (report.error) {
			app.flash(sanitizeLine(`unable to drain node "${node.metadata.name}" due to error: ${report.error}`), 'error');
			return;
		}
		const last = report.lines[report.lines.length - 1] ?? `node/${node.metadata.name} drained`;
		return `${last} (${report.evicted.length} evicted${report.ignored.length > 0 ? `, ${report.ignored.length} DaemonSet pods ignored` : ''})`;
	}));
}

function openDrain(app: AppApi, node: KubeObject): void {
	app.showModal({
		title: `Drain node/${nodeName(node)}`,
		render: ({close}) => (
			<Box flexDirection="column">
				<Text bold color={app.theme.dialog.label}>Drain node/{nodeName(node)}?</Text>
				<Text color={app.theme.dialog.fg}>Cordon it, then evict its pods:</Text>
				<SelectList items={drainItems} onSelect={item => {
					close();
					if (item.value !== 'cancel') drainNode(app, node, item.value === 'force');
				}}/>
			</Box>
		),
	});
}

registerActions('Node', [
	{binding: {key: 'ctrl-k', action: 'node.kill', description: 'Kill Node', dangerous: true, simulation: true}, handler: ({app, selection}) => void killNode(app, selection.object)},
	{
		binding: {key: 'shift-r', action: 'node.restore', description: 'Restore Node', dangerous: true, simulation: true},
		handler: ({app, selection}) => run(app, () => {
			simulationControls(app).restoreNode(selection.object.metadata.name);
			return `node/${nodeName(selection.object)} restored`;
		}),
	},
	{binding: {key: 'c', action: 'node.cordon', description: 'Cordon', dangerous: true}, handler: ({app, selection}) => run(app, () => app.cluster.cordon(selection.object.metadata.name))},
	{binding: {key: 'u', action: 'node.uncordon', description: 'Uncordon', dangerous: true}, handler: ({app, selection}) => run(app, () => app.cluster.uncordon(selection.object.metadata.name))},
	{binding: {key: 'r', action: 'node.drain', description: 'Drain', dangerous: true}, handler: ({app, selection}) => openDrain(app, selection.object)},
]);
