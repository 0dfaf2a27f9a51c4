/**
 * A learner's run of one scenario on one cluster: the simulated timer, the
 * hints taken, grading on demand (`check`) and as simulated time moves
 * (`observe`), and the 30-second rule: the run is solved once every check
 * has passed, without a break, for 30 simulated seconds. A pod that turns
 * Ready and then crashes again breaks the streak.
 */
import type {Cluster} from '../engine/index.js';
import type {GradeResult} from './checks.js';
import type {Scenario} from './scenario.js';

/** How long every check must keep passing. */
export const solvedAfterMs = 30_000;
/** Simulated time between two gradings while the run goes on. */
export const gradeEveryMs = 5_000;

export type SessionState =
	/** Not every check passes. */
	| 'working'
	/** Every check passes; waiting out the 30 seconds. */
	| 'verifying'
	| 'solved';

export type SolvedRun = {
	/** Simulated ms from the start to the moment the checks began to pass for good. */
	elapsedMs: number;
	hintsUsed: number;
};

export class PracticeSession {
	readonly startedAt: number;
	private hintsTaken = 0;
	private lastGrade: GradeResult | undefined;
	private lastGradeAt = Number.NEGATIVE_INFINITY;
	private passingSince: number | undefined;
	private solvedRun: SolvedRun | undefined;
	private readonly solvedListeners = new Set<(run: SolvedRun) => void>();

	constructor(readonly scenario: Scenario, readonly cluster: Cluster) {
		this.startedAt = cluster.now();
	}

	get hintsUsed(): number {
		return this.hintsTaken;
	}

	/** The hints given so far, in order. */
	hintsShown(): readonly string[] {
		return this.scenario.hints.slice(0, this.hintsTaken);
	}

	/** The next hint (counted as used), or undefined when all have been given. */
	nextHint(): {number: number; of: number; text: string} | undefined {
		if (this.hintsTaken >= this.scenario.hints.length) return undefined;
		this.hintsTaken++;
		return {number: this.hintsTaken, of: this.scenario.hints.length, text: this.scenario.hints[this.hintsTaken - 1]!};
	}

	/** Simulated ms since the start; frozen once solved. */
	elapsedMs(now = this.cluster.now()): number {
		if (this.solvedRun) return this.solvedRun.elapsedMs;
		return Math.max(0, now - this.startedAt);
	}

	get state(): SessionState {
		if (this.solvedRun) return 'solved';
		return this.passingSince !== undefined ? 'verifying' : 'working';
	}

	get solved(): SolvedRun | undefined {
		return this.solvedRun;
	}

	/** The last grading, if any. */
	get grade(): GradeResult | undefined {
		return this.lastGrade;
	}

	/** Simulated ms the checks have passed without a break (0 when they do not pass). */
	passingForMs(now = this.cluster.now()): number {
		return this.passingSince === undefined ? 0 : now - this.passingSince;
	}

	/** Grade now (`:check`), and count it toward the 30-second rule. */
	check(): GradeResult {
		const now = this.cluster.now();
		const result = this.scenario.grade(this.cluster);
		this.record(result, now);
		return result;
	}

	/** Called as simulated time moves: grades every few seconds and declares the run solved. */
	observe(now = this.cluster.now()): void {
		if (this.solvedRun) return;
		if (now - this.lastGradeAt < gradeEveryMs) return;
		this.record(this.scenario.grade(this.cluster), now);
	}

	onSolved(listener: (run: SolvedRun) => void): () => void {
		this.solvedListeners.add(listener);
		return () => this.solvedListeners.delete(listener);
	}

	private record(result: GradeResult, now: number): void {
		this.lastGrade = result;
		this.lastGradeAt = now;
		if (this.solvedRun) return;
		if (!result.passed) {
			this.passingSince = undefined;
			return;
		}
		this.passingSince ??= now;
		if (now - this.passingSince >= solvedAfterMs) {
			this.solvedRun = {elapsedMs: this.passingSince - this.startedAt, hintsUsed: this.hintsTaken};
			for (const listener of [...this.solvedListeners]) listener(this.solvedRun);
		}
	}
}
