/**
 * The real-time loop: every tick it advances virtual time by speed × the
 * wall time elapsed, flushes the batched model changes, and tells listeners
 * (the screen) whether anything they show changed. Nothing renders when
 * nothing changed: paused and idle, a tick costs a few microseconds.
 *
 * The engine works in slices of at most `sliceMs` of wall time, so keys and
 * frames never wait long behind it. When the cluster cannot keep up with the
 * speed, the time it owes is carried over (`behindMs`), and the loop comes
 * back for more after a short pause for input instead of a whole tick.
 * The metrics scrape, while a view shows metrics, goes on node by node in
 * what is left of each slice, and then the name order of a kind that grew
 * large after start-up is built ahead, so its first view does not wait on
 * a sort: while some remains, the loop comes back for it in slices a few
 * ms apart (100,000 pods take a few tenths of a second).
 */
import type {ClusterSource} from './cluster-source.js';
import type {ClusterModel} from './cluster-model.js';

export type TickInfo = {
	/** Kinds that changed in this tick. */
	changed: ReadonlySet<string>;
	/** Virtual time after the tick. */
	now: number;
	/** Virtual second changed (clocks and AGE cells). */
	secondChanged: boolean;
	/** A metrics scrape completed that no view has shown yet (CPU and MEM cells, also while paused). */
	metricsChanged: boolean;
};

export type TickListener = (tick: TickInfo) => void;

export type SimulationOptions = {
	/** Initial speed: 0 paused, 1, 10, 60 (default 1). */
	speed?: number;
	/** Wall ms between ticks (default 100: at most 10 frames per second). */
	tickMs?: number;
	/** Wall clock (tests pass a fake). */
	wallNow?: () => number;
	/** Longest wall gap credited in one tick (a suspended laptop does not jump hours). */
	maxStepMs?: number;
	/** Wall ms the engine may run in one slice before the loop yields to keys and frames (default 25). */
	sliceMs?: number;
};

/**
 * Wall ms of the engine's slice given up while other work runs in slices of
 * its own between turns of the event loop (`shareSlices`: a background
 * save): a slice of each may run back to back before keys are read.
 */
export const sharedSliceMs = 10;

/** Wall ms the metrics scrape gets in a tick when the engine used the whole slice. */
const scrapeMinMs = 5;
/** Wall ms building name orders ahead gets in a tick when the engine and the scrape used the whole slice. */
const prepareMinMs = 2;

export class Simulation {
	readonly cluster: ClusterSource;
	readonly model: ClusterModel;
	readonly tickMs: number;
	private speedValue: number;
	private resumeSpeed: number;
	private readonly wallNow: () => number;
	private readonly maxStepMs: number;
	private readonly sliceMs: number;
	private behind = 0;
	/** Virtual ms the loop has to run and has not yet: what the wall time since the last step asks (while the cluster stood still for a snapshot, more than one tick's worth). */
	private waited = 0;
	private lastNotify = Number.NEGATIVE_INFINITY;
	private lastWall: number;
	private lastSecond: number;
	private timer: ReturnType<typeof setTimeout> | undefined;
	/** Set while name orders remain to build between ticks. */
	private prepareTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly listeners = new Set<TickListener>();
	private readonly speedListeners = new Set<() => void>();
	private lastError: string | undefined;
	private highlighted = false;
	/** Whether other work is running in slices now (`shareSlices`). */
	private sharing: () => boolean = () => false;

	constructor(cluster: ClusterSource, model: ClusterModel, options: SimulationOptions = {}) {
		this.cluster = cluster;
		this.model = model;
		this.speedValue = options.speed ?? 1;
		this.resumeSpeed = this.speedValue || 1;
		this.tickMs = options.tickMs ?? 100;
		this.wallNow = options.wallNow ?? (() => performance.now());
		this.maxStepMs = options.maxStepMs ?? 1000;
		this.sliceMs = options.sliceMs ?? 25;
		this.lastWall = this.wallNow();
		this.lastSecond = Math.floor(cluster.now() / 1000);
	}

	get speed(): number {
		return this.speedValue;
	}

	get paused(): boolean {
		return this.speedValue === 0;
	}

	/** Virtual ms the cluster still owes the chosen speed (0 when it keeps up), the time it stood still for a snapshot included. */
	get behindMs(): number {
		return this.behind + this.waited;
	}

	/** The last error the engine threw while advancing (shown once by the app). */
	takeError(): string | undefined {
		const error = this.lastError;
		this.lastError = undefined;
		return error;
	}

	setSpeed(speed: number): void {
		if (!Number.isFinite(speed) || speed < 0) throw new Error(`Invalid speed ${speed}`);
		this.speedValue = speed;
		if (speed > 0) this.resumeSpeed = speed;
		this.lastWall = this.wallNow();
		for (const listener of this.speedListeners) listener();
	}

	pause(): void {
		this.setSpeed(0);
	}

	resume(): void {
		this.setSpeed(this.resumeSpeed);
	}

	/** Hear about ticks; returns the unsubscribe function. */
	onTick(listener: TickListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Hear about speed changes. */
	onSpeed(listener: () => void): () => void {
		this.speedListeners.add(listener);
		return () => this.speedListeners.delete(listener);
	}

	/**
	 * Other work that runs in slices between turns of the event loop (the
	 * state file's background save): while `busy` says so, the engine's slice
	 * is `sharedSliceMs` shorter, so one of each, back to back, stays within
	 * what a key may wait.
	 */
	shareSlices(busy: () => boolean): void {
		this.sharing = busy;
	}

	/** Advance by the wall time since the last tick (× speed), one slice at most, then flush and notify. */
	tick(): TickInfo {
		const wall = this.wallNow();
		const elapsed = Math.min(Math.max(0, wall - this.lastWall), this.maxStepMs);
		this.lastWall = wall;
		const sliceStart = performance.now();
		// While a save takes the engine's snapshot in steps the cluster stands still: the time it would have run is owed, and run after.
		const standing = this.cluster.simulation?.snapshotting === true;
		if (this.speedValue > 0) this.waited = Math.min(this.waited + elapsed * this.speedValue, this.maxStepMs * this.speedValue);
		if (!standing && this.speedValue > 0 && (this.waited > 0 || this.behind > 0)) {
			const ms = this.waited;
			this.waited = 0;
			this.step(ms, this.sharing() ? Math.max(1, this.sliceMs - sharedSliceMs) : this.sliceMs);
		}
		// The metrics scrape goes on node by node in what is left of the slice (a few ms at least, so it ends even when the engine is behind).
		const scraped = !standing && this.model.scrapeMetrics(Math.max(scrapeMinMs, this.sliceMs - (performance.now() - sliceStart)));
		if (this.model.prepareOrders(Math.max(prepareMinMs, this.sliceMs - (performance.now() - sliceStart))) && this.timer && !this.prepareTimer) this.schedulePrepare();
		// Behind, slices follow each other closely: the screen still changes at most once a tick (a new scrape waits for the next).
		if (this.behind > 0 && wall - this.lastNotify < this.tickMs) return {changed: new Set(), now: this.cluster.now(), secondChanged: false, metricsChanged: false};
		this.lastNotify = wall;
		return this.notify(scraped);
	}

	/** Advance virtual time by `ms` now, to the end (tests and `:step`), then flush and notify. */
	advance(ms: number): TickInfo {
		this.step(ms, undefined);
		return this.notify();
	}

	private step(ms: number, budgetMs: number | undefined): void {
		// A real cluster keeps its own time: the loop only flushes what its watches brought.
		const engine = this.cluster.simulation;
		if (!engine) return;
		try {
			this.behind = engine.advance(Math.round(ms), {budgetMs}).behindMs;
		} catch (error) {
			this.lastError = (error as Error).message;
			this.behind = engine.behindMs();
		}
	}

	private notify(metricsChanged = false): TickInfo {
		const changed = this.model.flush();
		const now = this.cluster.now();
		const second = Math.floor(now / 1000);
		const secondChanged = second !== this.lastSecond;
		this.lastSecond = second;
		// One more frame when the last change highlight fades, so it does not linger.
		const highlighted = this.model.hasHighlights();
		const faded = this.highlighted && !highlighted;
		this.highlighted = highlighted;
		const info = {changed, now, secondChanged, metricsChanged};
		if (changed.size > 0 || secondChanged || metricsChanged || faded) for (const listener of [...this.listeners]) listener(info);
		return info;
	}

	start(): void {
		if (this.timer) return;
		this.lastWall = this.wallNow();
		this.schedule();
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		if (this.prepareTimer) clearTimeout(this.prepareTimer);
		this.prepareTimer = undefined;
	}

	/** A slice of name-order building between ticks, again after a short pause for input while some remains. */
	private schedulePrepare(): void {
		this.prepareTimer = setTimeout(() => {
			this.prepareTimer = undefined;
			if (this.timer && this.model.prepareOrders(this.sliceMs)) this.schedulePrepare();
		}, 5);
	}

	/** The next tick: a whole tick away, or after a short pause for input while the cluster is behind. */
	private schedule(): void {
		this.timer = setTimeout(() => {
			this.tick();
			if (this.timer) this.schedule();
		}, this.behind > 0 && !this.paused ? 5 : this.tickMs);
	}
}
