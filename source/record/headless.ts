/**
 * The dashboard without a terminal, on a recording's clock. Ink renders into
 * a virtual screen (every frame, unthrottled); keys go in as the bytes a
 * terminal sends; time moves only when told. The simulation's wall clock,
 * the change highlights and the dashboard's own timers all read the one
 * recording clock, and each engine tick runs to its end, so the same inputs
 * at the same moments give the same frames on any machine.
 */
import {EventEmitter} from 'node:events';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import React from 'react';
import {render, type Instance} from 'ink';
import chalk from 'chalk';
import {unstable_IdlePriority, unstable_scheduleCallback} from 'scheduler';
import stripAnsi from 'strip-ansi';
import {createCluster, type Cluster} from '../engine/index.js';
import {App} from '../ui/app/app.js';
import {ClusterModel} from '../ui/model/cluster-model.js';
import {engineSource} from '../ui/model/engine-source.js';
import {Simulation} from '../ui/model/simulation.js';
import {Preferences} from '../ui/prefs.js';
import type {Theme} from '../ui/theme/theme.js';
import {VirtualTimers} from './virtual-timers.js';
import '../ui/extensions.js';

export type HeadlessOptions = {
	cols: number;
	rows: number;
	seed: number;
	nodes: number;
	/** The demo cluster (default) or an empty one. */
	cluster?: 'demo' | 'empty';
	/** Simulation speed: virtual ms per recording ms (0 paused). */
	speed: number;
	theme: Theme;
	namespace?: string;
	readonly?: boolean;
	/** Key overrides by action name, as in the preferences. */
	keys?: Record<string, string>;
	/** The view to open on (default home). */
	view?: string;
	/** Favourite namespaces (keys 1-9), as in the preferences. */
	favorites?: string[];
	/** Unknown image repositories fail to pull (--strict-images). */
	strictImages?: boolean;
	/** Where user themes live (for `:skin`); preferences are always fresh. */
	configDir?: string;
	/** The recording clock's tick: the simulation moves and the screen may change this often (default 100 ms). */
	tickMs?: number;
};

class VirtualStdout extends EventEmitter {
	frame = '';
	writes = 0;
	isTTY = true;
	constructor(public columns: number, public rows: number) {
		super();
	}

	write = (data: string): boolean => {
		this.frame = data;
		this.writes++;
		return true;
	};
}

class VirtualStdin extends EventEmitter {
	isTTY = true;
	private chunks: string[] = [];

	send(data: string): void {
		this.chunks.push(data);
		this.emit('readable');
	}

	read = (): string | null => this.chunks.shift() ?? null;
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

const turn = () => new Promise<void>(resolve => setImmediate(resolve));

/**
 * Resolves once React's scheduler has run every task queued before it: an
 * idle-priority task runs after all others, however the scheduler splits
 * its work into slices of wall time on a busy machine.
 */
const reactIdle = () => new Promise<void>(resolve => {
	unstable_scheduleCallback(unstable_IdlePriority, () => {
		resolve();
		return null;
	});
});

/**
 * Colours as a true-colour terminal shows them, whatever terminal runs the
 * recorder. chalk's level is one setting for the process, so it is pinned
 * while any headless dashboard runs and given back when the last one stops.
 */
let pinned = 0;
let levelBefore: typeof chalk.level = chalk.level;

function pinColours(): void {
	if (pinned++ === 0) {
		levelBefore = chalk.level;
		chalk.level = 3;
	}
}

function unpinColours(): void {
	if (--pinned === 0) chalk.level = levelBefore;
}

export class HeadlessDashboard {
	readonly cluster: Cluster;
	readonly simulation: Simulation;
	readonly timers = new VirtualTimers();
	private readonly model: ClusterModel;
	private readonly stdout: VirtualStdout;
	private readonly stdin = new VirtualStdin();
	private readonly instance: Instance;
	private readonly configDir: string;
	private readonly tickMs: number;
	private lastTick = 0;
	private quitFlag = false;
	/** When set, each tick moves the cluster to this virtual time instead of by speed × elapsed. */
	private clusterTarget: ((recordingMs: number) => number) | undefined;

	private constructor(options: HeadlessOptions) {
		pinColours();
		this.tickMs = options.tickMs ?? 100;
		this.cluster = createCluster({seed: options.seed, nodes: options.nodes, demo: (options.cluster ?? 'demo') === 'demo', ...(options.strictImages ? {strictImages: true} : {})});
		const source = engineSource(this.cluster);
		this.model = new ClusterModel(source, {now: () => this.timers.now()});
		this.simulation = new Simulation(source, this.model, {
			speed: options.speed,
			tickMs: this.tickMs,
			wallNow: () => this.timers.now(),
			// Each tick runs to its end: a recording never depends on how fast the machine is.
			sliceMs: Number.POSITIVE_INFINITY,
		});
		this.configDir = mkdtempSync(join(tmpdir(), 'kubarium-record-'));
		const prefs = new Preferences(this.configDir);
		if (options.keys) prefs.set({keys: options.keys});
		if (options.favorites) prefs.set({favorites: options.favorites});
		this.stdout = new VirtualStdout(options.cols, options.rows);
		this.instance = render(
			React.createElement(App, {
				cluster: source,
				model: this.model,
				simulation: this.simulation,
				prefs,
				theme: options.theme,
				readonly: options.readonly,
				namespace: options.namespace ?? 'all',
				configDir: options.configDir,
				size: {columns: options.cols, rows: options.rows},
				initialView: options.view ?? 'home',
				timers: this.timers,
				runExternal: <T,>(fn: () => T): T => fn(),
				onQuit: () => {
					this.quitFlag = true;
				},
			}),
			{
				stdout: this.stdout as unknown as NodeJS.WriteStream,
				stdin: this.stdin as unknown as NodeJS.ReadStream,
				stderr: new VirtualStdout(options.cols, options.rows) as unknown as NodeJS.WriteStream,
				debug: true,
				exitOnCtrlC: false,
				patchConsole: false,
			},
		);
	}

	static async start(options: HeadlessOptions): Promise<HeadlessDashboard> {
		const dashboard = new HeadlessDashboard(options);
		// The key reader subscribes in an effect: wait for it before the first key.
		for (let i = 0; i < 200 && dashboard.stdin.listenerCount('readable') === 0; i++) await turn();
		await dashboard.settle();
		return dashboard;
	}

	/** The recording clock, ms since the start. */
	now(): number {
		return this.timers.now();
	}

	/** The user quit (q, :q, Ctrl+C). */
	get quit(): boolean {
		return this.quitFlag;
	}

	/** The last frame, with its colours: one line per row. */
	frame(): string {
		return this.stdout.frame;
	}

	/** The screen as plain text, one string per row. */
	text(): string[] {
		return stripAnsi(this.stdout.frame).split('\n');
	}

	/** Sends bytes as a terminal would for a key press, and lets the dashboard draw. */
	async press(bytes: string): Promise<void> {
		this.stdin.send(bytes);
		await this.settle();
	}

	/**
	 * Moves the recording clock to `t`: the simulation ticks every `tickMs`,
	 * timers fire when due, and `onFrame` hears each moment the screen may
	 * have changed, with the clock at that moment.
	 */
	async runUntil(t: number, onFrame: () => boolean | void = () => {}): Promise<void> {
		while (this.now() < t) {
			const nextTick = this.lastTick + this.tickMs;
			const nextTimer = this.timers.nextDue();
			const step = Math.min(t, nextTick, nextTimer ?? Number.POSITIVE_INFINITY);
			this.timers.runUntil(step);
			if (step >= nextTick) {
				this.lastTick = nextTick;
				if (this.clusterTarget) this.simulation.advance(Math.max(0, this.clusterTarget(nextTick) - this.cluster.now()));
				else this.simulation.tick();
			}
			await this.settle();
			if (onFrame() === true) return;
		}
	}

	/**
	 * Drive simulated time by a schedule (a live session's, replayed) instead of
	 * by the speed: each tick moves the cluster to `target(recording ms)`.
	 */
	followSchedule(target: (recordingMs: number) => number): void {
		this.clusterTarget = target;
	}

	/** Moves the cluster to a virtual time now, if it is not there yet. */
	async catchUp(virtualMs: number): Promise<void> {
		if (virtualMs > this.cluster.now()) this.simulation.advance(virtualMs - this.cluster.now());
		await this.settle();
	}

	/** Moves simulated time at once (the recording clock stands still). */
	async advanceCluster(ms: number): Promise<void> {
		this.simulation.advance(ms);
		await this.settle();
	}

	/** Applies manifests (YAML, one or more documents) to the cluster now. */
	async apply(yaml: string): Promise<void> {
		this.cluster.apply(yaml);
		this.simulation.advance(0);
		await this.settle();
	}

	async stop(): Promise<void> {
		this.instance.unmount();
		await this.settle();
		this.model.dispose();
		unpinColours();
		rmSync(this.configDir, {recursive: true, force: true});
	}

	/**
	 * Lets React finish: until a round in which React's scheduler ran all it
	 * had queued and the event loop turned twice draws nothing new. It waits
	 * on work, not on time, so a slow machine gives the same frames.
	 */
	private async settle(): Promise<void> {
		for (let round = 0; round < 1000; round++) {
			const before = this.stdout.writes;
			await reactIdle();
			await turn();
			await turn();
			if (this.stdout.writes === before) return;
		}
	}
}
