/**
 * `npm run fuzz:state -- --seed S --files N`: state files damaged at random,
 * opened as `--state FILE` opens them. A cluster with some of everything (the
 * demo, a scaled Deployment, a ConfigMap, an Event made through the API
 * without a message, a database row, a node killed, and 20 nodes of a dozen
 * pods, whose runtimes the open reads later) is saved as the autosave
 * writes it; each file then gets one damage: a value of a line replaced by
 * one of another type or an odd one, a key or an item removed, a line
 * dropped, doubled or swapped with another, or the bytes cut short. What
 * every file must give:
 *  - a StateFileError that names the file, says why and what to do
 *    (`--reset-state`), and leaves the file as it was; or
 *  - a cluster (restored, or restarted from its objects) that runs for two
 *    virtual minutes, takes a snapshot, is saved, and opens again from the
 *    file it saved: a file the app wrote always opens.
 * Nothing else may come out of an open: no other error, no hang. Prints each
 * broken rule once with the damage that broke it; exit 1 then.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator} from 'pure-rand';
import {createCluster} from '../source/engine/index.js';
import {openState} from '../source/state/cluster-state.js';
import {addLaterRuntimes, saveState} from './state-files.js';
import {StateFileError} from '../source/state/state-file.js';
import {laterDigestKey} from '../source/state/snapshot-json.js';
import {fuzzFlags} from './flags.js';

const usage = `usage: npm run fuzz:state -- [--seed S] [--files N]

  --seed S    seed of the damage (integer; default: a random one, printed)
  --files N   damaged files to open (default 500)`;

const {seed, values, fail} = fuzzFlags('fuzz:state', usage, ['files']);
const files = values.files ?? 500;
if (!(files >= 1)) fail(`--files must be at least 1, got "${files}"`);

const generator: RandomGenerator = xoroshiro128plus(seed);
const below = (n: number) => unsafeUniformIntDistribution(0, n - 1, generator);
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;

const dir = mkdtempSync(join(tmpdir(), 'kubarium-fuzz-state-'));
process.on('exit', () => rmSync(dir, {recursive: true, force: true}));


// ----- the file every damage starts from ----------------------------------

const original = join(dir, 'original.json');
{
	const cluster = createCluster({seed: 11, demo: true});
	addLaterRuntimes(cluster, 200);
	cluster.advance(60_000);
	cluster.scale('Deployment', 'web', 6, {namespace: 'shop'});
	cluster.apply([
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', namespace: 'shop'}, data: {mode: 'fast'}},
		{apiVersion: 'v1', kind: 'Event', metadata: {name: 'by-hand', namespace: 'shop'}, involvedObject: {kind: 'Deployment', name: 'web', namespace: 'shop'}, reason: 'Noted'},
	]);
	cluster.advance(20_000);
	cluster.exec('db-0', ['kv', 'set', 'fuzz', '1'], {namespace: 'shop'});
	cluster.killNode('kubarium-worker3');
	cluster.advance(30_000);
	saveState(cluster, original);
}
const text = readFileSync(original, 'utf8');
const lines = text.split('\n');
if (!text.includes(`"${laterDigestKey}":`)) throw new Error('fuzz:state: the file damaged holds no record read later: its cluster is too small');

// ----- the damage ----------------------------------------------------------

/** Values a damaged field may take: other types, edges, and texts the engine might read as something. */
const odd: unknown[] = [0, -1, 1, 0.5, -5, 1e300, 2 ** 53, '', 'x', '-1', '2026-01-01T09:00:00Z', 'kubarium-worker', null, true, false, [], {}, [1], ['x'], {a: 1}];

type Path = Array<string | number>;

/** Every place in a JSON value (not the value itself), with what is there. */
function places(value: unknown, path: Path = [], out: Array<[Path, unknown]> = []): Array<[Path, unknown]> {
	if (path.length > 0) out.push([path, value]);
	if (typeof value === 'object' && value !== null) {
		for (const [key, item] of Object.entries(value)) places(item, [...path, Array.isArray(value) ? Number(key) : key], out);
	}
	return out;
}

/** One line's JSON damaged in place: a value replaced or removed; undefined when the line is not JSON of its own. */
function damageValue(line: string): {line: string; what: string} | undefined {
	const comma = line.endsWith(',') ? ',' : '';
	let value: unknown;
	try {
		value = JSON.parse(comma ? line.slice(0, -1) : line);
	} catch {
		return undefined;
	}
	const all = places(value);
	if (all.length === 0) return undefined;
	const [path, before] = pick(all);
	let parent = value as Record<string | number, unknown>;
	for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
	const key = path.at(-1)!;
	let what: string;
	if (below(5) === 0) {
		if (Array.isArray(parent)) parent.splice(Number(key), 1);
		else delete parent[key];
		what = `removed ${path.join('.')}`;
	} else {
		const after = structuredClone(pick(odd));
		parent[key] = after;
		what = `${path.join('.')}: ${JSON.stringify(before)?.slice(0, 60)} → ${JSON.stringify(after)}`;
	}
	return {line: JSON.stringify(value) + comma, what};
}

/** A damaged copy of the file's text, and what was done to it. */
function damaged(): {text: string; what: string} {
	const copy = [...lines];
	const at = below(copy.length);
	switch (below(10)) {
		case 0:
			copy.splice(at, 1);
			return {text: copy.join('\n'), what: `line ${at + 1} dropped`};
		case 1:
			copy.splice(at, 0, copy[at]!);
			return {text: copy.join('\n'), what: `line ${at + 1} doubled`};
		case 2: {
			const other = below(copy.length);
			[copy[at], copy[other]] = [copy[other]!, copy[at]!];
			return {text: copy.join('\n'), what: `lines ${at + 1} and ${other + 1} swapped`};
		}
		case 3: {
			const length = below(text.length);
			return {text: text.slice(0, length), what: `cut after ${length} bytes`};
		}
		default:
			for (let tries = 0; tries < 100; tries++) {
				const line = below(copy.length);
				const result = damageValue(copy[line]!);
				if (!result) continue;
				copy[line] = result.line;
				return {text: copy.join('\n'), what: `line ${line + 1}, ${result.what}`};
			}
			return {text: copy.join('\n'), what: 'nothing'};
	}
}

// ----- the rules -------------------------------------------------------------

const broken = new Map<string, string>();
function broke(rule: string, detail: string): void {
	if (!broken.has(rule)) broken.set(rule, detail);
}

const outcomes = {refused: 0, restored: 0, restarted: 0};
const started = performance.now();
process.stdout.write(`fuzz:state: seed ${seed}, ${files} damaged files of ${lines.length} lines\n`);
for (let index = 0; index < files; index++) {
	const {text: content, what} = damaged();
	const file = join(dir, `state-${index}.json`);
	writeFileSync(file, content);
	const damage = `file ${index} (${what})`;
	let opened;
	try {
		opened = await openState(file, {sliceMs: Number.POSITIVE_INFINITY});
	} catch (error) {
		if (!(error instanceof StateFileError)) {
			broke(`an open ends in ${(error as Error).name}: ${(error as Error).message.split('\n')[0]!.slice(0, 160)}`, `${damage}\n  ${(error as Error).stack?.split('\n').slice(1, 4).join('\n  ')}`);
			continue;
		}
		outcomes.refused++;
		if (!error.message.startsWith(`cannot use the state file ${file}: `) || !error.message.includes('--reset-state')) broke('a refusal names the file, why, and --reset-state', `${damage}: ${error.message}`);
		if (readFileSync(file, 'utf8') !== content) broke('a refused file is left as it was', damage);
		rmSync(file, {force: true});
		continue;
	}
	if (!opened.cluster) {
		// A file cut to nothing reads as no file: a fresh start.
		rmSync(file, {force: true});
		continue;
	}
	if (opened.restarted) outcomes.restarted++;
	else outcomes.restored++;
	try {
		opened.cluster.advance(120_000);
		opened.cluster.snapshot({history: false});
		const again = join(dir, `saved-${index}.json`);
		saveState(opened.cluster, again);
		const reopened = await openState(again, {sliceMs: Number.POSITIVE_INFINITY});
		if (!reopened.cluster || reopened.restarted) broke('a file the app saved opens again as it was saved', `${damage}: ${reopened.restarted ?? 'no cluster'}`);
		rmSync(again, {force: true});
	} catch (error) {
		broke(`an opened cluster fails: ${(error as Error).message.split('\n')[0]!.slice(0, 160)}`, `${damage}\n  ${(error as Error).stack?.split('\n').slice(1, 4).join('\n  ')}`);
	}
	rmSync(file, {force: true});
	if ((index + 1) % 100 === 0) process.stdout.write(`fuzz:state: ${index + 1} files\n`);
}

const seconds = Math.round((performance.now() - started) / 1000);
if (broken.size === 0) {
	process.stdout.write(`fuzz:state: ${files} files kept every rule in ${seconds} s (seed ${seed}; refused ${outcomes.refused}, restored ${outcomes.restored}, restarted from their objects ${outcomes.restarted})\n`);
	process.exit(0);
}
process.stdout.write(`fuzz:state: seed ${seed}\n`);
for (const [rule, detail] of broken) process.stdout.write(`${rule}\n  ${detail}\n`);
process.stdout.write(`replay: npm run fuzz:state -- --seed ${seed} --files ${files}\n`);
process.exit(1);
