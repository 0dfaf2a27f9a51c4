/**
 * Renders the real app over a cluster for keyboard tests: keys in, frame
 * out, engine state checked. Time moves only through `advance` (the
 * simulation is paused); every write and render runs inside React's act()
 * because the dialogs use ink-select-input and ink-text-input.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import React, {act} from 'react';
import {render} from 'ink-testing-library';
import {createCluster, type Cluster} from '../../../source/engine/index.js';
import {App} from '../../../source/ui/app/app.js';
import {ClusterModel} from '../../../source/ui/model/cluster-model.js';
import {Simulation} from '../../../source/ui/model/simulation.js';
import {Preferences} from '../../../source/ui/prefs.js';
import {loadTheme} from '../../../source/ui/theme/load.js';
import '../../../source/ui/extensions.js';

(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = true;

export type Harness = {
	cluster: Cluster;
	simulation: Simulation;
	frame(): string;
	/** Type keys: a string of characters, or named keys ('enter', 'esc', 'ctrl-d', 'up'...). */
	press(...keys: string[]): Promise<void>;
	/** Advance virtual time and let the screen catch up. */
	advance(ms: number): Promise<void>;
	/** Poll until the frame satisfies `check` (bounded), then return the frame. */
	waitFor(check: (frame: string) => boolean, what?: string): Promise<string>;
	cleanup(): Promise<void>;
};

const named: Record<string, string> = {
	enter: '\r', esc: '\x1b', tab: '\t', backspace: '\x7f', up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D',
	pgup: '\x1b[5~', pgdn: '\x1b[6~', space: ' ',
};

function encode(key: string): string {
	if (named[key] !== undefined) return named[key]!;
	const shift = /^shift-([a-z])$/.exec(key);
	if (shift) return shift[1]!.toUpperCase();
	const ctrl = /^ctrl-([a-z])$/.exec(key);
	if (ctrl) return String.fromCharCode(ctrl[1]!.charCodeAt(0) - 96);
	return key;
}

const settle = () => new Promise<void>(resolve => setImmediate(resolve));

export async function renderApp(options: {cluster?: Cluster; readonly?: boolean; initialView?: string; namespace?: string} = {}): Promise<Harness> {
	const cluster = options.cluster ?? createCluster({seed: 1, demo: true});
	const model = new ClusterModel(cluster, {highlightMs: 0});
	const simulation = new Simulation(cluster, model, {speed: 0});
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-test-'));
	const prefs = new Preferences(configDir);
	const {theme} = loadTheme('default', {configDir});
	let ui!: ReturnType<typeof render>;
	await act(async () => {
		ui = render(
			<App
				cluster={cluster} model={model} simulation={simulation} prefs={prefs} theme={theme}
				readonly={options.readonly} namespace={options.namespace} configDir={configDir}
				size={{columns: 120, rows: 40}} initialView={options.initialView ?? 'home'}
				runExternal={fn => fn()}
			/>,
		);
	});
	for (let i = 0; i < 200 && ui.stdin.listenerCount('readable') === 0; i++) await act(settle);
	const harness: Harness = {
		cluster,
		simulation,
		frame: () => ui.lastFrame() ?? '',
		async press(...keys) {
			for (const key of keys) {
				await act(async () => {
					ui.stdin.write(encode(key));
					await settle();
				});
				await act(settle);
			}
		},
		async advance(ms) {
			await act(async () => {
				simulation.advance(ms);
				await settle();
			});
		},
		async waitFor(check, what = 'the expected frame') {
			for (let i = 0; i < 300; i++) {
				const frame = harness.frame();
				if (check(frame)) return frame;
				await act(async () => {
					await new Promise(resolve => setTimeout(resolve, 5));
				});
			}
			throw new Error(`Timed out waiting for ${what}. Last frame:\n${harness.frame()}`);
		},
		async cleanup() {
			await act(async () => {
				ui.unmount();
			});
			model.dispose();
			rmSync(configDir, {recursive: true, force: true});
		},
	};
	return harness;
}
