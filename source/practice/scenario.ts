/**
 * A scenario made live: `create` builds a new cluster, breaks it by the
 * setup, and advances until the symptom shows; `grade` evaluates the checks
 * now. The catalogue reads the package's scenarios/ folder.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {packageFile} from '../package-files.js';
import {createCluster, type Cluster} from '../engine/index.js';
import {gradeChecks, type GradeResult} from './checks.js';
import {parseScenario, ScenarioError} from './schema.js';
import {runStep, runSteps} from './steps.js';
import type {Category, Difficulty, ScenarioSpec, SolutionStep} from './types.js';

/** How long `create` waits, in virtual time, for the symptom to show after the setup. */
export const symptomTimeoutMs = 30 * 60_000;
const symptomPollMs = 5000;

export type Scenario = {
	id: string;
	title: string;
	category: Category;
	difficulty: Difficulty;
	goal: string;
	hints: readonly string[];
	/** The reference solution, step by step. */
	solution: readonly SolutionStep[];
	/** The namespace the scenario works in. */
	namespace: string;
	/** The file as read. */
	spec: ScenarioSpec;
	/** A new cluster, already broken and advanced until the symptom shows. */
	create(options?: {seed?: number; startTime?: number}): Cluster;
	/** Evaluate the checks now. */
	grade(cluster: Cluster): GradeResult;
	/** Evaluate the symptom's checks now (what the learner should be seeing). */
	symptom(cluster: Cluster): GradeResult;
	/** Run the reference solution's steps (the tests use it; the dashboard shows the steps instead). */
	solve(cluster: Cluster): void;
};

export function scenarioFrom(spec: ScenarioSpec): Scenario {
	const namespace = spec.namespace;
	return {
		id: spec.id,
		title: spec.title,
		category: spec.category,
		difficulty: spec.difficulty,
		goal: spec.goal,
		hints: spec.hints,
		solution: spec.solution,
		namespace,
		spec,
		create(options = {}) {
			const cluster = createCluster({
				seed: options.seed ?? 1,
				...(options.startTime !== undefined ? {startTime: options.startTime} : {}),
				nodes: spec.cluster.nodes ?? 3,
				...(spec.cluster.strictImages ? {strictImages: true} : {}),
				...(spec.cluster.systemDaemonSets ? {systemDaemonSets: true} : {}),
				name: `practice-${spec.id}`,
			});
			try {
				if (namespace !== 'default') cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
				if (spec.manifests) runStep(cluster, {apply: spec.manifests}, namespace);
				runSteps(cluster, spec.setup, namespace);
				for (let waited = 0; !gradeChecks(cluster, spec.symptom, namespace).passed; waited += symptomPollMs) {
					if (waited >= symptomTimeoutMs) {
						const missing = gradeChecks(cluster, spec.symptom, namespace).checks.filter(c => !c.passed).map(c => `${c.name} (${c.detail})`);
						throw new Error(`the symptom did not show within ${symptomTimeoutMs / 60_000} minutes: ${missing.join('; ')}`);
					}
					cluster.advance(symptomPollMs);
				}
			} catch (error) {
				throw new ScenarioError(spec.file, [`setup failed: ${(error as Error).message}`]);
			}
			return cluster;
		},
		grade: cluster => gradeChecks(cluster, spec.checks, namespace),
		symptom: cluster => gradeChecks(cluster, spec.symptom, namespace),
		solve(cluster) {
			for (const step of spec.solution) runSteps(cluster, step.do ?? [], namespace);
		},
	};
}

/** Read one scenario file (a user's own, or one of the package's). */
export function loadScenarioFile(file: string): Scenario {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new ScenarioError(file, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
	}
	return scenarioFrom(parseScenario(text, file));
}

/** The package's scenarios/ folder (works from source/ under tsx, dist/source/, and the bundle). */
export function builtinScenariosDir(): string | undefined {
	const scenario = packageFile('scenarios/image-tag-typo.yaml');
	return scenario && path.dirname(scenario);
}

let catalogue: Scenario[] | undefined;

/** Every scenario the package ships, in file-name order. */
export function loadScenarios(): Scenario[] {
	if (catalogue) return catalogue;
	const dir = builtinScenariosDir();
	if (!dir) throw new Error('the scenarios/ folder of the package was not found');
	catalogue = readdirSync(dir).filter(f => f.endsWith('.yaml')).sort().map(f => loadScenarioFile(path.join(dir, f)));
	return catalogue;
}

/** The scenario with this id, or an error listing the ids there are. */
export function findScenario(id: string): Scenario {
	const all = loadScenarios();
	const found = all.find(s => s.id === id);
	if (!found) throw new Error(`no scenario "${id}"; the scenarios are: ${all.map(s => s.id).join(', ')}`);
	return found;
}
