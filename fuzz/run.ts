/**
 * `npm run fuzz -- --seed S --runs N`: the engine property for as long as
 * asked. On a failure, prints the shrunk counterexample as a program of
 * engine calls, and the seed and path that replay it.
 * Run with NODE_ENV=production (the npm script does).
 */
import {parseArgs} from 'node:util';
import {checkEngine} from './engine/scenario.js';

const usage = `usage: npm run fuzz -- [--seed S] [--runs N] [--seconds T] [--path P] [--max-calls N] [--ignore REGEX] [--max-call-ms MS]

  --seed S         fast-check seed (integer; default: a random one, printed)
  --runs N         scenarios to try (default 100)
  --seconds T      stop trying new scenarios after T seconds of wall time
  --path P         replay one counterexample: the path printed with a failure (needs its seed)
  --max-calls N    longest call sequence per scenario (default 30)
  --ignore REGEX   do not count violations whose "rule: detail" matches (known defects)
  --max-call-ms MS also report a single call slower than MS of wall time
  --quiet          no progress lines`;

/** One shell word: single-quoted, with embedded single quotes closed and escaped. */
function shellQuote(word: string): string {
	return `'${word.replaceAll("'", `'\\''`)}'`;
}

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

let tried = 0;
const started = Date.now();
process.stderr.write(`fuzz: seed ${seed}, ${flags.path ? `replaying path ${flags.path}` : `${runs} runs`}, up to ${maxCalls} calls each\n`);
const result = checkEngine({
	seed, runs, maxCalls, path: flags.path, ignore, maxCallMs,
	timeLimitMs: seconds ? seconds * 1000 : undefined,
	onScenario() {
		tried++;
		if (!flags.quiet && tried % 10 === 0) process.stderr.write(`fuzz: ${tried} scenarios, ${Math.round((Date.now() - started) / 1000)} s\n`);
	},
});
if (!result.failed) {
	process.stdout.write(`fuzz: ${result.runs} scenarios passed (seed ${seed}${result.interrupted ? ', stopped at the time limit' : ''})\n`);
	process.exit(0);
}
const extra = [
	flags['max-calls'] !== undefined ? `--max-calls ${maxCalls}` : '',
	flags.ignore !== undefined ? `--ignore ${shellQuote(flags.ignore)}` : '',
	maxCallMs !== undefined ? `--max-call-ms ${maxCallMs}` : '',
].filter(Boolean).join(' ');
process.stdout.write(`fuzz: ${result.report}\n\nreplay: npm run fuzz -- --seed ${result.seed} --path ${result.path}${extra ? ` ${extra}` : ''}\n`);
process.exit(1);
