/**
 * Everything the app needs before the first frame, without a terminal:
 * preferences, theme, cluster, model and simulation. Shared by cli.tsx,
 * tests and the benchmark.
 */
import path from 'node:path';
import {createCluster, type Cluster} from '../engine/index.js';
import {ClusterModel} from './model/cluster-model.js';
import type {ClusterSource} from './model/cluster-source.js';
import {engineSource} from './model/engine-source.js';
import {Simulation} from './model/simulation.js';
import {Preferences, resolveConfigDir} from './prefs.js';
import {loadTheme, themeNames} from './theme/load.js';
import type {Theme} from './theme/theme.js';
import type {Flags} from './flags.js';
import '../ui/extensions.js';

export type Booted = {
	/** The embedded engine. */
	cluster: Cluster;
	/** The engine behind the dashboard's seam. */
	source: ClusterSource;
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

/** What `--theme NAME` says when NAME does not load: why, and the themes there are. */
export function themeFlagError(name: string, warnings: readonly string[], configDir: string): string {
	const reasons = warnings.map(w => w.replace(/; using the (built-in )?default( theme)?$/, ''));
	const notFound = reasons.length === 1 && /^Theme ".*" not found/.test(reasons[0]!);
	const why = notFound ? `theme "${name}" not found` : reasons.join('; ');
	return `Invalid value for --theme: ${why} (themes: ${themeNames(configDir).join(', ')}; add your own as ${path.join(configDir, 'themes', 'NAME.yaml')})`;
}

/** What any cluster's dashboard starts with: preferences and theme. */
export type Settings = Pick<Booted, 'prefs' | 'theme' | 'configDir' | 'noColor' | 'warnings'>;

export function bootSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env): Settings {
	const configDir = resolveConfigDir(flags.configDir, env);
	const prefs = new Preferences(configDir);
	const noColor = Boolean(env['NO_COLOR']);
	const themeName = flags.theme ?? prefs.get().theme;
	const loaded = loadTheme(themeName, {configDir, noColor});
	// A theme named on the command line must load; a saved preference only falls back (with a warning).
	if (flags.theme !== undefined && loaded.warnings.length > 0) throw new BootError(themeFlagError(flags.theme, loaded.warnings, configDir));
	return {prefs, theme: loaded.theme, configDir, noColor, warnings: [...prefs.warnings, ...loaded.warnings]};
}

export function boot(flags: Flags, env: NodeJS.ProcessEnv = process.env, options: {cluster?: Cluster; startTime?: number} = {}): Booted {
	const {prefs, theme, configDir, noColor, warnings} = bootSettings(flags, env);
	const cluster = options.cluster ?? createCluster({seed: flags.seed, nodes: flags.nodes, demo: true, ...(options.startTime !== undefined ? {startTime: options.startTime} : {}), ...(flags.strictImages ? {strictImages: true} : {})});
	const namespace = flags.namespace ?? 'all';
	if (namespace !== 'all' && !cluster.get('Namespace', namespace)) {
		throw new BootError(`Invalid value for --namespace: namespaces "${namespace}" not found`);
	}
	const source = engineSource(cluster);
	const model = new ClusterModel(source);
	const simulation = new Simulation(source, model, {speed: flags.speed ?? prefs.get().speed});
	return {cluster, source, model, simulation, prefs, theme, configDir, noColor, namespace, warnings};
}
