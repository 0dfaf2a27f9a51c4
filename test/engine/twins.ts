import type {ExecutionContext} from 'ava';
import {createCluster, type Cluster, type ClusterOptions} from '../../source/engine/index.js';
import {savingFrom, type SavedParts} from '../../source/engine/state.js';
import {sameSimulation} from './same-simulation.js';

/**
 * Two clusters made alike that take the same calls; one has its state parts
 * reloaded in place at the points a scenario chooses. After each reload both
 * must save the same parts, each call must answer alike on both, and at the
 * end both must hold the same objects, volumes, clock, timers and generator.
 */
export class Twins {
	readonly twin: Cluster;
	readonly reloaded: Cluster;
	private reloads = 0;

	constructor(private readonly t: ExecutionContext, options: ClusterOptions) {
		this.twin = createCluster(structuredClone(options));
		this.reloaded = createCluster(structuredClone(options));
	}

	/** The same call on both; its answers (or refusals) must be alike. */
	run<T>(call: (cluster: Cluster) => T, what = 'a call'): T {
		const expected = attempt(() => call(this.twin));
		const actual = attempt(() => call(this.reloaded));
		this.t.deepEqual(json(actual), json(expected), `${what} answers alike`);
		if ('error' in expected) throw new Error(`${what} was refused: ${expected.error}`);
		return expected.value;
	}

	advance(ms: number): void {
		this.run(cluster => {
			cluster.advance(ms);
		}, `advance ${ms}`);
	}

	/** Reload every part (or the named ones) of one twin; both must then save the same parts, which it returns by name. */
	reload(names?: readonly string[]): Map<string, any> {
		this.reloaded.reloadParts(names);
		this.reloads++;
		return sameParts(this.t, this.reloaded, this.twin, `at reload ${this.reloads}`);
	}

	/** Both went on alike: the simulation and every part. */
	same(when: string): void {
		sameSimulation(this.t, this.reloaded, this.twin);
		sameParts(this.t, this.reloaded, this.twin, when);
	}

	/** The part named, as the twin saves it (for a scenario to check it reached what it meant to). */
	part(name: string): unknown {
		return new Map(parts(this.twin)).get(name);
	}
}

function attempt<T>(call: () => T): {value: T} | {error: string} {
	try {
		return {value: call()};
	} catch (error) {
		return {error: error instanceof Error ? error.message : String(error)};
	}
}

function json(value: unknown): unknown {
	return JSON.parse(JSON.stringify(value, (_key, v: unknown) => v instanceof Map ? [...v] : v) ?? 'null');
}

export function parts(cluster: Cluster): SavedParts {
	return JSON.parse(JSON.stringify(cluster.context.state.save(savingFrom(cluster.context.store)))) as SavedParts;
}

/** Both clusters save the same parts (compared part by part, so a difference names its part); the expected ones, by name. */
export function sameParts(t: ExecutionContext, actual: Cluster, expected: Cluster, when: string): Map<string, any> {
	const a = new Map(parts(expected));
	const b = new Map(parts(actual));
	t.deepEqual([...b.keys()], [...a.keys()], `${when}: the same parts`);
	for (const [name, saved] of a) t.deepEqual(b.get(name), saved, `${when}: part ${name}`);
	return a;
}
