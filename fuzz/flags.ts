/**
 * The fuzzers' command lines: `--seed S` and integer flags of their own,
 * `-h` for the usage. A flag that is unknown or not an integer ends the
 * process with its message, the usage and exit code 2.
 */
import {parseArgs} from 'node:util';

export type FuzzFlags<N extends string> = {
	/** The seed given, or a random one (print it: it replays the run). */
	seed: number;
	/** The other flags given, as numbers. */
	values: Partial<Record<N, number>>;
	/** End the process with `message` and the usage (exit 2). */
	fail(message: string): never;
};

export function fuzzFlags<N extends string>(tool: string, usage: string, names: readonly N[]): FuzzFlags<N> {
	const fail = (message: string): never => {
		process.stderr.write(`${tool}: ${message}\n\n${usage}\n`);
		process.exit(2);
	};
	let parsed: Record<string, string | boolean | undefined>;
	try {
		const options = Object.fromEntries([['seed', {type: 'string'}], ...names.map(name => [name, {type: 'string'}]), ['help', {type: 'boolean', short: 'h'}]]);
		parsed = parseArgs({options, strict: true}).values as Record<string, string | boolean | undefined>;
	} catch (error) {
		return fail((error as Error).message);
	}
	if (parsed['help']) {
		process.stdout.write(`${usage}\n`);
		process.exit(0);
	}
	const values: Partial<Record<N, number>> = {};
	for (const flag of ['seed', ...names]) {
		const text = parsed[flag];
		if (text === undefined) continue;
		if (typeof text !== 'string' || !/^-?\d+$/.test(text)) fail(`--${flag} must be an integer, got "${String(text)}"`);
		if (flag !== 'seed') values[flag as N] = Number(text);
	}
	const seed = parsed['seed'] === undefined ? (Date.now() ^ (Math.random() * 2 ** 31)) | 0 : Number(parsed['seed']);
	return {seed, values, fail};
}
