/**
 * kubarium/practice: troubleshooting scenarios over the simulated cluster.
 * `scenarios` lists the ones the package ships; each `create`s a cluster
 * that is already broken and `grade`s one. `PracticeSession` adds the timer,
 * the hints and the 30-second rule. See readme.md, "Troubleshooting practice".
 */
import {loadScenarios, type Scenario} from './scenario.js';

export {loadScenarioFile, loadScenarios, findScenario, scenarioFrom, builtinScenariosDir} from './scenario.js';
export type {Scenario} from './scenario.js';
export {PracticeSession, solvedAfterMs, gradeEveryMs} from './session.js';
export type {SessionState, SolvedRun} from './session.js';
export {parseScenario, validateScenario, ScenarioError} from './schema.js';
export type {CheckResult, GradeResult} from './checks.js';
export type {ScenarioSpec, CheckSpec, Step, SolutionStep, Category, Difficulty, Comparator} from './types.js';
export {categories, difficulties, comparators} from './types.js';
export {formatElapsed} from './duration.js';
export {runSteps} from './steps.js';

/** The shipped scenarios (the package's scenarios/ folder, read when this module loads). */
export const scenarios: readonly Scenario[] = loadScenarios();
