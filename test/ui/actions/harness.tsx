/**
 * Renders the real app over a cluster for the action and detail-view tests:
 * the dashboard harness at 120x40 on the demo cluster (seed 1) with every action
 * registered. Time moves only through `advance`; every write and render runs
 * inside React's act().
 */
import {rmSync} from 'node:fs';
import {createCluster, type Cluster} from '../../../source/engine/index.js';
import '../../../source/ui/extensions.js';
import {startDashboard, type Dashboard} from '../harness.js';

export type Harness = Dashboard & {
	/** Unmount the app and remove its config dir. */
	cleanup(): Promise<void>;
};

export async function renderApp(options: {cluster?: Cluster; readonly?: boolean; initialView?: string; namespace?: string} = {}): Promise<Harness> {
	const shell = await startDashboard({
		cluster: options.cluster ?? createCluster({seed: 1, demo: true}),
		readonly: options.readonly,
		namespace: options.namespace,
		initialView: options.initialView,
		size: {columns: 120, rows: 40},
	});
	return Object.assign(shell, {
		async cleanup() {
			await shell.unmount();
			rmSync(shell.configDir, {recursive: true, force: true});
		},
	});
}
