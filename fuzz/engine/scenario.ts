/**
 * Run one generated scenario on a fresh cluster, checking after every call
 * and once the cluster has settled; and the fast-check properties built on it.
 */
import fc from 'fast-check';
import {createCluster, DrainRefused, KubeError, resourceTypes} from '../../source/engine/index.js';
import type {Cluster, KubeObject} from '../../source/engine/index.js';
import {callArbitrary, runCall, scenarioArbitrary, type Call, type Scenario} from './calls.js';
import {checkGuarantees, type Violation} from './guarantees.js';

/** The codes the readme documents for a KubeError. */
export const documentedCodes = new Set(['NotFound', 'AlreadyExists', 'Invalid', 'Conflict', 'BadRequest', 'Forbidden', 'TooManyRequests', 'InternalError']);

/** Virtual time the cluster gets to settle before the guarantees are checked. */
export const settleMs = 15 * 60_000;

export type RunOptions = {
	/** Violations whose `rule: detail` matches are not counted (known defects, while their fixes land). */
	ignore?: RegExp;
	/** Report a single call slower than this (wall ms); off by default, since timings vary with load. */
	maxCallMs?: number;
	/** Skip the settled-cluster guarantees (per-call checks only). */
	skipGuarantees?: boolean;
};

export type Outcome = {
	/** What broke; empty when the scenario passed. */
	violations: Violation[];
	/** The calls made, as replayable lines of code, up to the one that broke something. */
	program: string[];
	/** Index of the call after which the violations were seen, or `calls.length` for the settled check. */
	at: number;
};

/** One controller-error watermark: how many there were and the last one, since the list is a capped ring. */
function errorMark(cluster: Cluster): {length: number; last: unknown} {
	const errors = cluster.controllerErrors();
	return {length: errors.length, last: errors.at(-1)};
}

function newControllerErrors(cluster: Cluster, mark: {length: number; last: unknown}): Violation[] {
	const errors = cluster.controllerErrors();
	if (errors.length === mark.length && errors.at(-1) === mark.last) return [];
	const from = errors.length > mark.length ? mark.length : Math.max(0, errors.indexOf(mark.last as never) + 1);
	const fresh = errors.slice(from).filter(e => !isHashCollision(cluster, e));
	const distinct = new Map<string, number>();
	for (const e of fresh) {
		const head = `${e.controller} ${e.message.split('\n').slice(0, 2).join(' | ')}`;
		distinct.set(head, (distinct.get(head) ?? 0) + 1);
	}
	return [...distinct].map(([head, n]) => ({rule: 'controller-error', detail: `${n}× ${head}`}));
}

/**
 * The Deployment controller's sync that meets a ReplicaSet of its new
 * template's name it does not own (a Deployment deleted and made again
 * before the garbage collector took the old one's ReplicaSet) bumps
 * status.collisionCount and fails, to be retried under another name: an
 * error upstream logs too, not a broken guarantee.
 */
function isHashCollision(cluster: Cluster, error: {controller: string; key: string; message: string}): boolean {
	if (error.controller !== 'deployment-controller' || !/replicasets\.apps "[^"]+" already exists/.test(error.message)) return false;
	const slash = error.key.indexOf('/');
	const deployment = cluster.get('Deployment', error.key.slice(slash + 1), error.key.slice(0, slash)) as (KubeObject & {status?: {collisionCount?: number}}) | undefined;
	return (deployment?.status?.collisionCount ?? 0) > 0;
}

/** Run a scenario; stops at the first call after which something broke. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): Outcome {
	const program: string[] = [`const cluster = createCluster({seed: ${scenario.seed}, nodes: ${scenario.nodes}});`];
	const record = (line: string) => program.push(line);
	const keep = (violations: Violation[]) => violations.filter(v => !options.ignore?.test(`${v.rule}: ${v.detail}`));
	const cluster = createCluster({seed: scenario.seed, nodes: scenario.nodes});
	const writes: KubeObject[] = [];
	cluster.watch(event => writes.push(event.object));
	/** Owner uid → dependents' uids, for each owner deleted with Orphan. */
	const orphaned = new Map<string, string[]>();
	/** Rules broken but ignored on the way: their consequences are ignored too. */
	const ignoredRules = new Set<string>();

	for (const [index, call] of scenario.calls.entries()) {
		const mark = errorMark(cluster);
		writes.length = 0;
		const podsBefore = call.op === 'apply' ? podSpecs(cluster) : undefined;
		const orphanOwner = orphanTarget(cluster, call);
		const dependents = orphanOwner ? dependentsOf(cluster, orphanOwner.metadata.uid) : [];
		const started = performance.now();
		const violations: Violation[] = [];
		let failed = false;
		try {
			runCall(cluster, call, record);
		} catch (error) {
			failed = true;
			// A refused call replays as the assertion that it is refused.
			const line = program.at(-1)!;
			if (error instanceof KubeError && line.startsWith('cluster.')) {
				program[program.length - 1] = `t.throws(() => ${line.slice(0, -1)}, {instanceOf: KubeError}); // ${error.code}: ${error.message.slice(0, 120)}`;
			}
			if (!(error instanceof KubeError)) {
				violations.push({rule: 'crash', detail: (error as Error).stack?.split('\n').slice(0, 4).join(' | ') ?? String(error)});
			} else {
				if (!documentedCodes.has(error.code)) violations.push({rule: 'undocumented-code', detail: `${error.code}: ${error.message}`});
				// kubectl drain cordons before it asks which pods need a flag: a refused drain leaves the node cordoned (the node and its event), and writes nothing else.
				const kept = error instanceof DrainRefused && call.op === 'drain' ? writes.filter(o => !isCordonWrite(o, call.node)) : writes;
				if (kept.length > 0) {
					const written = [...new Set(kept.map(o => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`))];
					violations.push({rule: 'wrote-on-failure', detail: `threw ${error.code} (${error.message}) after writing ${written.join(', ')}`});
				}
			}
		}
		const elapsed = performance.now() - started;
		if (options.maxCallMs !== undefined && elapsed > options.maxCallMs) {
			violations.push({rule: 'slow-call', detail: `${program.at(-1)} took ${Math.round(elapsed)} ms of wall time`});
		}
		if (!failed && orphanOwner && call.op === 'delete' && call.propagationPolicy === 'Orphan') orphaned.set(orphanOwner.metadata.uid, dependents);
		if (!failed && podsBefore) violations.push(...forbiddenPodUpdates(podsBefore, podSpecs(cluster)));
		if (!failed && call.op === 'apply' && call.spoilt) violations.push({rule: 'invalid-accepted', detail: `apply succeeded although a document has ${call.spoilt}`});
		violations.push(...newControllerErrors(cluster, mark));
		for (const v of violations) if (options.ignore?.test(`${v.rule}: ${v.detail}`)) ignoredRules.add(v.rule);
		const kept = keep(violations);
		if (kept.length > 0) return {violations: kept, program, at: index};
	}

	// Settle: every machine back and schedulable, then 15 virtual minutes.
	const mark = errorMark(cluster);
	program.push('// settle');
	try {
		for (const node of cluster.list('nodes')) {
			try {
				cluster.restoreNode(node.metadata.name);
				program.push(`cluster.restoreNode(${JSON.stringify(node.metadata.name)});`);
			} catch (error) {
				if (!(error instanceof KubeError)) throw error;
			}
			if (node.spec?.unschedulable) {
				cluster.uncordon(node.metadata.name);
				program.push(`cluster.uncordon(${JSON.stringify(node.metadata.name)});`);
			}
		}
		program.push(`cluster.advance(${settleMs});`);
		cluster.advance(settleMs);
	} catch (error) {
		return {violations: keep([{rule: 'crash', detail: (error as Error).stack?.split('\n').slice(0, 4).join(' | ') ?? String(error)}]), program, at: scenario.calls.length};
	}
	let guarantees = options.skipGuarantees ? [] : checkGuarantees(cluster, orphaned);
	// A pod whose requests grew in place overcommits its node: one defect, reported at the update.
	if (ignoredRules.has('pod-update-accepted')) guarantees = guarantees.filter(v => v.rule !== 'node-overcommitted');
	const violations = keep([...newControllerErrors(cluster, mark), ...guarantees]);
	return {violations, program, at: scenario.calls.length};
}

/** Every pod's spec by uid. */
function podSpecs(cluster: Cluster): Map<string, KubeObject> {
	return new Map(cluster.list('pods').map(p => [p.metadata.uid, p]));
}

/**
 * The pod spec fields an update may change (ValidatePodUpdate): container and
 * init container images, activeDeadlineSeconds, added tolerations,
 * terminationGracePeriodSeconds. Everything else must stay.
 */
function forbiddenPodUpdates(before: Map<string, KubeObject>, after: Map<string, KubeObject>): Violation[] {
	const mutable = (spec: any) => JSON.stringify({
		...spec,
		containers: spec?.containers?.map((c: any) => ({...c, image: undefined})),
		initContainers: spec?.initContainers?.map((c: any) => ({...c, image: undefined})),
		activeDeadlineSeconds: undefined, tolerations: undefined, terminationGracePeriodSeconds: undefined,
	});
	const out: Violation[] = [];
	for (const [uid, pod] of after) {
		const old = before.get(uid);
		if (!old || old === pod || mutable(old.spec) === mutable(pod.spec)) continue;
		out.push({rule: 'pod-update-accepted', detail: `Pod ${pod.metadata.namespace}/${pod.metadata.name}: an update changed spec fields the API server forbids to change`});
	}
	return out;
}

/** The object a `delete` call is about to delete, when it exists. */
function orphanTarget(cluster: Cluster, call: Call): KubeObject | undefined {
	if (call.op !== 'delete' || call.propagationPolicy !== 'Orphan') return undefined;
	try {
		return cluster.get(call.kind, call.name, call.namespace);
	} catch {
		return undefined;
	}
}

function dependentsOf(cluster: Cluster, uid: string): string[] {
	const out: string[] = [];
	for (const kind of ['Pod', 'ReplicaSet', 'Job', 'PersistentVolumeClaim', 'ControllerRevision']) {
		for (const object of cluster.list(kind)) {
			if (object.metadata.ownerReferences?.some(r => r.uid === uid)) out.push(object.metadata.uid);
		}
	}
	return out;
}

/** A readable account of a failure: what broke, then the program that replays it. */
export function describeOutcome(outcome: Outcome): string {
	const lines = outcome.violations.map(v => `  ✗ ${v.rule}: ${v.detail}`);
	return [`broken after call ${outcome.at + 1}:`, ...lines, '', 'replay:', ...outcome.program.map(line => `  ${line}`)].join('\n');
}

export type CheckOptions = RunOptions & {
	/** fast-check seed. */
	seed: number;
	/** Scenarios to try. */
	runs: number;
	/** Longest call sequence per scenario. */
	maxCalls?: number;
	/** Replay one counterexample path (as printed with a failure). */
	path?: string;
	/** Stop trying new scenarios after this much wall time. */
	timeLimitMs?: number;
	/** Called before each scenario (shrinking included), e.g. for progress. */
	onScenario?: () => void;
};

export type CheckResult = {
	failed: boolean;
	/** Scenarios tried before the failure (or in all). */
	runs: number;
	interrupted: boolean;
	/** The shrunk counterexample, what broke, and how to replay it; undefined when nothing failed. */
	report?: string;
	outcome?: Outcome;
	scenario?: Scenario;
	seed: number;
	path?: string;
};

/**
 * The engine property: no scenario breaks a per-call check or a settled
 * guarantee. Returns the shrunk counterexample as a program of calls.
 */
export function checkEngine(options: CheckOptions): CheckResult {
	const property = fc.property(scenarioArbitrary({maxCalls: options.maxCalls}), scenario => {
		options.onScenario?.();
		return runScenario(scenario, options).violations.length === 0;
	});
	const details = fc.check(property, {
		seed: options.seed, numRuns: options.runs, path: options.path,
		...(options.timeLimitMs ? {interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false} : {}),
	});
	if (!details.failed) return {failed: false, runs: details.numRuns, interrupted: details.interrupted, seed: options.seed};
	if (!details.counterexample) {
		return {failed: true, runs: details.numRuns, interrupted: details.interrupted, seed: details.seed, report: `fast-check failed without a counterexample: ${String(details.errorInstance)}`};
	}
	const [scenario] = details.counterexample;
	const outcome = runScenario(scenario, options);
	const report = [
		`failed after ${details.numRuns} scenarios, shrunk ${details.numShrinks} times`,
		describeOutcome(outcome),
		'',
		`scenario: ${JSON.stringify(scenario)}`,
		`seed ${details.seed}, path ${details.counterexamplePath}`,
	].join('\n');
	return {failed: true, runs: details.numRuns, interrupted: details.interrupted, report, outcome, scenario, seed: details.seed, path: details.counterexamplePath ?? undefined};
}

// ---------------------------------------------------------------- determinism

/** Every stored object of every kind, as JSON: the store's contents through the public API. */
export function storeSnapshot(cluster: Cluster): string {
	return JSON.stringify(resourceTypes.map(type => [type.kind, cluster.list(type.kind)]));
}

/** Run calls on a fresh cluster, ignoring KubeErrors; returns the store's contents. */
export function runForSnapshot(scenario: Scenario): string {
	const cluster = createCluster({seed: scenario.seed, nodes: scenario.nodes});
	for (const call of scenario.calls) {
		try {
			runCall(cluster, call, () => {});
		} catch (error) {
			if (!(error instanceof KubeError)) throw error;
		}
	}
	cluster.advance(60_000);
	return storeSnapshot(cluster);
}

/** Virtual-time determinism: the same seed and the same calls give identical store contents. */
export function determinismProperty(options: {maxCalls?: number} = {}) {
	return fc.property(
		fc.record({seed: fc.integer({min: 1, max: 1000}), nodes: fc.integer({min: 1, max: 3}), calls: fc.array(callArbitrary, {minLength: 1, maxLength: options.maxCalls ?? 12})}),
		scenario => runForSnapshot(scenario) === runForSnapshot(scenario),
	);
}

/** The writes of a cordon: the node itself, and the event its kubelet reports about it. */
function isCordonWrite(object: KubeObject, node: string): boolean {
	if (object.kind === 'Node') return object.metadata.name === node;
	return object.kind === 'Event' && (object as KubeObject & {involvedObject?: {kind?: string; name?: string}}).involvedObject?.kind === 'Node'
		&& (object as KubeObject & {involvedObject?: {name?: string}}).involvedObject?.name === node;
}
