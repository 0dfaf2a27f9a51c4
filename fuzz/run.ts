/**
 * `npm run fuzz -- --seed S --runs N`: the engine property for as long as
 * asked. On a failure, prints the shrunk counterexample as a program of
 * engine calls, and the seed and path that replay it.
 * Run with NODE_ENV=production (the npm script does).
 */
import fc from 'fast-check';
import {parseArgs} from 'node:util';
import {scenarioArbitrary} from './engine/calls.js';
import {describeOutcome, runScenario, type RunOptions} from './engine/scenario.js';
import type {Scenario} from './engine/calls.js';

const usage = `usage: npm run fuzz -- [--seed S] [--runs N] [--seconds T] [--path P] [--max-calls N] [--ignore REGEX] [--max-call-ms MS]

  --seed S         fast-check seed (integer; default: a random one, printed)
  --runs N         scenarios to try (default 100)
  --seconds T      stop trying new scenarios after T seconds of wall time
  --path P         replay one counterexample: the path printed with a failure (needs its seed)
  --max-calls N    longest call sequence per scenario (default 30)
  --ignore REGEX   do not count violations whose "rule: detail" matches (known defects)
  --max-call-ms MS also report a single call slower than MS of wall time
  --quiet          no progress lines`;

function fail(message: string): never {
	process.stderr.write(`fuzz: ${message}\n\n${usage}\n`);
	process.exit(2);
}

function integer(flag: string, value: string | undefined, min: number): number | undefined {
	if (value === undefined) return undefined;
	if (!/^-?\d+$/.test(value)) fail(`--${flag} must be an integer, got "${value}"`);
	const n = Number(value);
	if (!Number.isSafeInteger(n) || n < min) fail(`--${flag} must be an integer >= ${min}, got "${value}"`);
	return n;
}

let parsed;
try {
	parsed = parseArgs({
		options: {
			seed: {type: 'string'}, runs: {type: 'string'}, seconds: {type: 'string'}, path: {type: 'string'},
			'max-calls': {type: 'string'}, ignore: {type: 'string'}, 'max-call-ms': {type: 'string'},
			quiet: {type: 'boolean'}, help: {type: 'boolean', short: 'h'},
		},
		strict: true, allowPositionals: false,
	});
} catch (error) {
	fail((error as Error).message);
}
const flags = parsed.values;
if (flags.help) {
	process.stdout.write(`${usage}\n`);
	process.exit(0);
}
const seed = integer('seed', flags.seed, -(2 ** 31)) ?? (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
const runs = integer('runs', flags.runs, 1) ?? 100;
const seconds = integer('seconds', flags.seconds, 1);
const maxCalls = integer('max-calls', flags['max-calls'], 1) ?? 30;
const maxCallMs = integer('max-call-ms', flags['max-call-ms'], 1);
if (flags.path !== undefined && !/^\d+(:\d+)*$/.test(flags.path)) fail(`--path must look like 12:0:3, got "${flags.path}"`);
if (flags.path !== undefined && flags.seed === undefined) fail('--path needs the --seed it was printed with');
let ignore: RegExp | undefined;
if (flags.ignore !== undefined) {
	try {
		ignore = new RegExp(flags.ignore);
	} catch (error) {
		fail(`--ignore is not a valid regular expression: ${(error as Error).message}`);
	}
}

const options: RunOptions = {ignore, maxCallMs};
let tried = 0;
const started = Date.now();
const property = fc.property(scenarioArbitrary({maxCalls}), scenario => {
	tried++;
	if (!flags.quiet && tried % 10 === 0) process.stderr.write(`fuzz: ${tried} scenarios, ${Math.round((Date.now() - started) / 1000)} s\n`);
	return runScenario(scenario, options).violations.length === 0;
});

process.stderr.write(`fuzz: seed ${seed}, ${flags.path ? `replaying path ${flags.path}` : `${runs} runs`}, up to ${maxCalls} calls each\n`);
const details = fc.check(property, {
	seed, numRuns: runs, path: flags.path, endOnFailure: false,
	...(seconds ? {interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false} : {}),
});

if (!details.failed) {
	process.stdout.write(`fuzz: ${details.numRuns} scenarios passed (seed ${seed}${details.interrupted ? ', stopped at the time limit' : ''})\n`);
	process.exit(0);
}
const [scenario] = details.counterexample as [Scenario];
const outcome = runScenario(scenario, options);
const extra = [
	flags['max-calls'] !== undefined ? `--max-calls ${maxCalls}` : '',
	flags.ignore !== undefined ? `--ignore '${flags.ignore}'` : '',
	maxCallMs !== undefined ? `--max-call-ms ${maxCallMs}` : '',
].filter(Boolean).join(' ');
process.stdout.write([
	`fuzz: failed after ${details.numRuns} scenarios, shrunk ${details.numShrinks} times`,
	describeOutcome(outcome),
	'',
	`scenario: ${JSON.stringify(scenario)}`,
	'',
	`replay: npm run fuzz -- --seed ${details.seed} --path ${details.counterexamplePath}${extra ? ` ${extra}` : ''}`,
	'',
].join('\n'));
process.exit(1);
