/**
 * `kubarium practice`: the list of scenarios with the learner's status and
 * best time, and the arguments that open one (`kubarium practice ID`,
 * `kubarium practice --file my.yaml`). Parsing has no side effects, so
 * every message is tested.
 */
import {formatElapsed} from '../../practice/duration.js';
import {loadScenarioFile, type Scenario} from '../../practice/scenario.js';
import {FlagError, parseFlags, valued, type Flags} from '../flags.js';
import type {PracticeRecord} from '../prefs.js';

export const practiceUsage = `Usage: kubarium practice [--config-dir DIR]          list the scenarios
       kubarium practice ID [flags]                   open the dashboard on scenario ID
       kubarium practice --file SCENARIO.yaml [flags] open your own scenario

Troubleshooting practice: a cluster broken the same way every time, a goal,
up to three hints, a timer on the simulated clock, and graded checks.
In the dashboard: :hint, :check, :reset, :solution, :next. A scenario is
solved when every check passes and keeps passing for 30 simulated seconds.

Flags: --seed N, --speed N, --theme NAME, --readonly, --config-dir DIR, --api-port N,
--no-api (as for kubarium). The dashboard serves the scenario's cluster to kubectl.`;

export type PracticeArgs = {id?: string; file?: string; help: boolean; flags: Flags};

/** Flags the scenario decides, refused here. */
const scenarioOwned = ['nodes', 'namespace', 'strict-images', 'record', 'kubeconfig', 'context', 'state', 'reset-state'];

export function parsePracticeArgs(argv: readonly string[]): PracticeArgs {
	let id: string | undefined;
	let file: string | undefined;
	const rest: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--file' || arg.startsWith('--file=')) {
			const value = arg === '--file' ? argv[++i] : arg.slice('--file='.length);
			if (!value || value.startsWith('--')) throw new FlagError('Flag --file needs a value: a scenario file (see kubarium practice --help)');
			file = value;
			continue;
		}
		const name = /^--([^=]+)/.exec(arg)?.[1];
		if (name && scenarioOwned.includes(name)) throw new FlagError(`Flag --${name} is not for practice: the scenario sets up its own cluster`);
		if (!arg.startsWith('--')) {
			if (id !== undefined) throw new FlagError(`Unexpected argument "${arg}": kubarium practice takes one scenario id`);
			id = arg;
			continue;
		}
		rest.push(arg);
		// A valued flag's value follows it.
		if (!arg.includes('=') && valued.has(arg.slice(2)) && argv[i + 1] !== undefined) rest.push(argv[++i]!);
	}
	if (id !== undefined && file !== undefined) throw new FlagError('Give a scenario id or --file, not both');
	const flags = parseFlags(rest);
	return {id, file, help: flags.help, flags};
}

/** The scenario to open: by id from the catalogue, or a user's file. Throws an Error with the message to print. */
export function practiceScenario(args: PracticeArgs, catalogue: readonly Scenario[]): Scenario {
	if (args.file !== undefined) return loadScenarioFile(args.file);
	const found = catalogue.find(s => s.id === args.id);
	if (!found) throw new Error(`no scenario "${args.id}" (run kubarium practice to list them; the ids are: ${catalogue.map(s => s.id).join(', ')})`);
	return found;
}

function pad(text: string, width: number): string {
	return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The list `kubarium practice` prints: id, title, category, difficulty, status and best time. */
export function practiceListing(catalogue: readonly Scenario[], records: Readonly<Record<string, PracticeRecord>>): string {
	const rows = [['ID', 'TITLE', 'CATEGORY', 'DIFFICULTY', 'STATUS', 'BEST']];
	for (const scenario of catalogue) {
		const record = records[scenario.id];
		const best = record?.bestMs !== undefined ? `${formatElapsed(record.bestMs)}${record.hints ? ` (${record.hints} hint${record.hints === 1 ? '' : 's'})` : ''}` : '-';
		rows.push([scenario.id, scenario.title, scenario.category, scenario.difficulty, record?.status ?? 'new', best]);
	}
	const widths = rows[0]!.map((_, column) => Math.max(...rows.map(row => row[column]!.length)));
	const solved = catalogue.filter(s => records[s.id]?.status === 'solved').length;
	return [
		...rows.map(row => row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, widths[column]!))).join('   ').trimEnd()),
		'',
		`${solved} of ${catalogue.length} solved. Open one with: kubarium practice ID`,
	].join('\n');
}
