/**
 * The real app in ink-testing-library for the dashboard's tests: keys in, frame
 * out, the app API (selection, namespace) and the engine to check. Virtual
 * time moves only through `advance`; the simulation timer never runs.
 */
import {mkdtempSync, writeFileSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import React, {act} from 'react';
import {render} from 'ink-testing-library';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {App, type ServedApi} from '../../source/ui/app/app.js';
import type {AppApi} from '../../source/ui/app/contract.js';
import {ClusterModel} from '../../source/ui/model/cluster-model.js';
import {engineSource} from '../../source/ui/model/engine-source.js';
import {Simulation, type SimulationOptions} from '../../source/ui/model/simulation.js';
import {Preferences, type PreferencesData} from '../../source/ui/prefs.js';
import {loadTheme} from '../../source/ui/theme/load.js';

(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = true;

export type Dashboard = {
	cluster: Cluster;
	simulation: Simulation;
	prefs: Preferences;
	api: AppApi;
	configDir: string;
	frame(): string;
	press(...keys: string[]): Promise<void>;
	advance(ms: number): Promise<void>;
	/** One tick of the real-time loop (`options.simulation` sets its wall clock and slice). */
	tick(): Promise<void>;
	waitFor(check: (frame: string) => boolean, what?: string): Promise<string>;
	/** How many times the app asked to quit (q, :q, Ctrl+C). */
	quits(): number;
	unmount(): Promise<void>;
};

const named: Record<string, string> = {
	enter: '\r', esc: '\x1b', tab: '\t', 'shift-tab': '\x1b[Z', backspace: '\x7f', up: '\x1b[A', down: '\x1b[B',
	right: '\x1b[C', left: '\x1b[D', pgup: '\x1b[5~', pgdn: '\x1b[6~', space: ' ',
	home: '\x1b[H', end: '\x1b[F', delete: '\x1b[3~',
	'shift-right': '\x1b[1;2C', 'shift-left': '\x1b[1;2D',
};

/** Bytes a terminal sends for a key: named keys, `ctrl-<letter>`, `shift-<letter>`, or plain text. */
export function encode(key: string): string {
	if (named[key] !== undefined) return named[key]!;
	const shift = /^shift-([a-z])$/.exec(key);
	if (shift) return shift[1]!.toUpperCase();
	const ctrl = /^ctrl-([a-z])$/.exec(key);
	if (ctrl) return String.fromCharCode(ctrl[1]!.charCodeAt(0) - 96);
	const alt = /^alt-([a-z])$/.exec(key);
	if (alt) return `\x1b${alt[1]}`;
	return key;
}

/** One turn of the event loop: React and Ink finish what a write started. */
export const settle = () => new Promise<void>(resolve => setImmediate(resolve));

/** Type keys into a rendered app one at a time, as separate reads, letting each draw. */
export async function pressKeys(stdin: {write(data: string): void}, keys: readonly string[]): Promise<void> {
	for (const key of keys) {
		await act(async () => {
			stdin.write(encode(key));
			await settle();
		});
		await act(settle);
	}
}

export type DashboardOptions = {
	cluster?: Cluster;
	readonly?: boolean;
	namespace?: string;
	size?: {columns: number; rows: number};
	/** The real-time loop's options (speed, a fake wall clock, the engine's slice). */
	simulation?: SimulationOptions;
	prefs?: Partial<PreferencesData>;
	/** Raw preferences file content (to test corrupt files). */
	prefsFile?: string;
	/** User theme files: name → YAML. */
	themes?: Record<string, string>;
	theme?: string;
	noColor?: boolean;
	/** The page the app opens on (default `home`). */
	initialView?: string;
	/** Least wall time between metrics snapshots (0: a fresh one every virtual second). */
	metricsRefreshMs?: number;
	/** The Kubernetes API served beside the dashboard, as the cli passes it. */
	api?: ServedApi;
};

export function makeConfigDir(options: DashboardOptions = {}): string {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-test-'));
	if (options.prefsFile !== undefined) writeFileSync(join(configDir, 'preferences.json'), options.prefsFile);
	if (options.themes) {
		mkdirSync(join(configDir, 'themes'));
		for (const [name, text] of Object.entries(options.themes)) writeFileSync(join(configDir, 'themes', `${name}.yaml`), text);
	}
	return configDir;
}

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
	const cluster = options.cluster ?? createCluster({seed: 7, demo: true});
	const source = engineSource(cluster);
	const model = new ClusterModel(source, {highlightMs: 0, metricsRefreshMs: options.metricsRefreshMs});
	const simulation = new Simulation(source, model, {speed: 0, ...options.simulation});
	const configDir = makeConfigDir(options);
	const prefs = new Preferences(configDir);
	if (options.prefs) prefs.set(options.prefs);
	const loaded = loadTheme(options.theme ?? prefs.get().theme, {configDir, noColor: options.noColor});
	let api: AppApi | undefined;
	let quits = 0;
	let ui!: ReturnType<typeof render>;
	await act(async () => {
		ui = render(
			<App
				cluster={source} model={model} simulation={simulation} prefs={prefs} theme={loaded.theme}
				readonly={options.readonly} namespace={options.namespace ?? 'default'} configDir={configDir}
				size={options.size ?? {columns: 100, rows: 40}} initialView={options.initialView ?? 'home'}
				startupWarnings={[...prefs.warnings, ...loaded.warnings]}
				runExternal={fn => fn()}
				api={options.api}
				onApi={a => {
					api = a;
				}}
				onQuit={() => {
					quits++;
				}}
			/>,
		);
	});
	// The fake terminal is as wide as the app (ink-testing-library's is 100 columns, which would squeeze wider layouts).
	const columns = options.size?.columns ?? 100;
	Object.defineProperty(ui.stdout, 'columns', {get: () => columns});
	await act(async () => {
		ui.stdout.emit('resize');
	});
	for (let i = 0; i < 200 && ui.stdin.listenerCount('readable') === 0; i++) await act(settle);
	const shell: Dashboard = {
		cluster,
		simulation,
		prefs,
		configDir,
		get api() {
			if (!api) throw new Error('app API not ready');
			return api;
		},
		frame: () => ui.lastFrame() ?? '',
		press: (...keys) => pressKeys(ui.stdin, keys),
		async advance(ms) {
			await act(async () => {
				simulation.advance(ms);
				await settle();
			});
		},
		async tick() {
			await act(async () => {
				simulation.tick();
				await settle();
			});
		},
		async waitFor(check, what = 'the expected frame') {
			// Bounded polling: a few hundred turns of the event loop, then short timers, 10 s at most.
			const deadline = performance.now() + 10_000;
			for (let i = 0; i < 200 || performance.now() < deadline; i++) {
				const frame = ui.lastFrame() ?? '';
				if (check(frame)) return frame;
				await act(i < 200 ? settle : () => new Promise<void>(resolve => setTimeout(resolve, 5)));
			}
			throw new Error(`Timed out waiting for ${what}; last frame:\n${ui.lastFrame()}`);
		},
		quits: () => quits,
		async unmount() {
			await act(async () => {
				ui.unmount();
			});
			model.dispose();
		},
	};
	return shell;
}
