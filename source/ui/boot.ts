/**
 * Everything the app needs before the first frame, without a terminal:
 * preferences, theme, cluster, model and simulation. Shared by cli.tsx,
 * tests and the benchmark.
 */
import {createCluster, type Cluster} from '../engine/index.js';
import {ClusterModel} from './model/cluster-model.js';
import {Simulation} from './model/simulation.js';
import {Preferences, resolveConfigDir} from './prefs.js';
import {loadTheme} from './theme/load.js';
import type {Theme} from './theme/theme.js';
import type {Flags} from './flags.js';
import '../ui/extensions.js';

export type Booted = {
	cluster: Cluster;
	model: ClusterModel;
	simulation: Simulation;
	prefs: Preferences;
	theme: Theme;
	configDir: string;
	noColor: boolean;
	namespace: string;
	warnings: string[];
};

export class BootError extends Error {}

export function boot(flags: Flags, env: NodeJS.ProcessEnv = process.env, options: {cluster?: Cluster} = {}): Booted {
	const configDir = resolveConfigDir(flags.configDir, env);
	const prefs = new Preferences(configDir);
	const noColor = Boolean(env['NO_COLOR']);
	const themeName = flags.theme ?? prefs.get().theme;
	const loaded = loadTheme(themeName, {configDir, noColor});
	const cluster = options.cluster ?? createCluster({seed: flags.seed, nodes: flags.nodes, demo: true});
	const namespace = flags.namespace ?? 'all';
	if (namespace !== 'all' && !cluster.get('Namespace', namespace)) {
		throw new BootError(`Invalid value for --namespace: namespaces "${namespace}" not found`);
	}
	const model = new ClusterModel(cluster);
	const simulation = new Simulation(cluster, model, {speed: flags.speed ?? prefs.get().speed});
	return {cluster, model, simulation, prefs, theme: loaded.theme, configDir, noColor, namespace, warnings: [...prefs.warnings, ...loaded.warnings]};
}
