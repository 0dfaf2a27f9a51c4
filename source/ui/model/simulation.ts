/**
 * The real-time loop: every tick it advances virtual time by speed × the
 * wall time elapsed, flushes the batched model changes, and tells listeners
 * (the screen) whether anything they show changed. Nothing renders when
 * nothing changed: paused and idle, a tick costs a few microseconds.
 */
import type {Cluster} from '../../engine/index.js';
import type {ClusterModel} from './cluster-model.js';

export type TickInfo = {
	/** Kinds that changed in this tick. */
	changed: ReadonlySet<string>;
	/** Virtual time after the tick. */
	now: number;
	/** Virtual second changed (clocks and AGE cells). */
	secondChanged: boolean;
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
};

export class Simulation {
	readonly cluster: Cluster;
	readonly model: ClusterModel;
	readonly tickMs: number;
	private speedValue: number;
	private resumeSpeed: number;
	private readonly wallNow: () => number;
	private readonly maxStepMs: number;
	private lastWall: number;
	private lastSecond: number;
	private timer: ReturnType<typeof setInterval> | undefined;
	private readonly listeners = new Set<TickListener>();
	private readonly speedListeners = new Set<() => void>();
	private lastError: string | undefined;
	private highlighted = false;

	constructor(cluster: Cluster, model: ClusterModel, options: SimulationOptions = {}) {
		this.cluster = cluster;
		this.model = model;
		this.speedValue = options.speed ?? 1;
		this.resumeSpeed = this.speedValue || 1;
		this.tickMs = options.tickMs ?? 100;
		this.wallNow = options.wallNow ?? (() => performance.now());
		this.maxStepMs = options.maxStepMs ?? 1000;
		this.lastWall = this.wallNow();
		this.lastSecond = Math.floor(cluster.now() / 1000);
	}

	get speed(): number {
		return this.speedValue;
	}

	get paused(): boolean {
		return this.speedValue === 0;
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

	/** Advance by the wall time since the last tick (× speed), flush, notify. */
	tick(): TickInfo {
		const wall = this.wallNow();
		const elapsed = Math.min(Math.max(0, wall - this.lastWall), this.maxStepMs);
		this.lastWall = wall;
		if (this.speedValue > 0 && elapsed > 0) this.step(elapsed * this.speedValue);
		return this.notify();
	}

	/** Advance virtual time by `ms` now (tests and `:step`), then flush and notify. */
	advance(ms: number): TickInfo {
		this.step(ms);
		return this.notify();
	}

	private step(ms: number): void {
		try {
			this.cluster.advance(Math.round(ms));
		} catch (error) {
			this.lastError = (error as Error).message;
		}
	}

	private notify(): TickInfo {
		const changed = this.model.flush();
		const now = this.cluster.now();
		const second = Math.floor(now / 1000);
		const secondChanged = second !== this.lastSecond;
		this.lastSecond = second;
		// One more frame when the last change highlight fades, so it does not linger.
		const highlighted = this.model.hasHighlights();
		const faded = this.highlighted && !highlighted;
		this.highlighted = highlighted;
		const info = {changed, now, secondChanged};
		if (changed.size > 0 || secondChanged || faded) for (const listener of [...this.listeners]) listener(info);
		return info;
	}

	start(): void {
		if (this.timer) return;
		this.lastWall = this.wallNow();
		this.timer = setInterval(() => this.tick(), this.tickMs);
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}
}
