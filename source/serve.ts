/**
 * `kubarium serve`: the simulated cluster without the dashboard, behind a
 * Kubernetes API on 127.0.0.1 that kubectl drives. Time runs at the given
 * speed from a real-time loop; the kubeconfig is written for kubectl.
 */
import path from 'node:path';
import {createCluster, type Cluster} from './engine/index.js';
import {formatElapsed} from './practice/duration.js';
import {findScenario, type Scenario} from './practice/scenario.js';
import {PracticeSession} from './practice/session.js';
import {certificateAuthorityKeyName, serviceAccountKeyName, startApiServer} from './apiserver/server.js';
import {contextName, writeKubeconfig} from './apiserver/kubeconfig.js';
import {resolveConfigDir} from './ui/prefs.js';
import {autosaveCluster, movedAsideNote, openState, restartedNote} from './state/cluster-state.js';
import type {FileLines} from './state/snapshot-json.js';
import type {ReadAhead} from './state/state-file.js';
import {whileHeapOnlyGrows} from './start/heap.js';

export {StateFileError} from './state/state-file.js';

export type ServeFlags = {
	port: number;
	seed?: number;
	nodes?: number;
	empty: boolean;
	/** Images of repositories the simulator does not know fail to pull, as from a real registry. */
	strictImages?: boolean;
	speed: number;
	kubeconfig?: string;
	configDir?: string;
	/** Serve a practice scenario's broken cluster instead of the demo. */
	practice?: string;
	/** Restore the cluster from this file at start, and save it there as it changes and at exit. */
	state?: string;
	/** Move the state file aside and start a fresh cluster. */
	resetState?: boolean;
	help: boolean;
};

export class ServeFlagError extends Error {}

export const serveUsage = `Usage: kubarium serve [flags]

Runs the simulated cluster headless behind a Kubernetes API on 127.0.0.1,
for kubectl and any Kubernetes client. Ctrl+C (or SIGTERM, SIGHUP) stops it.

Flags:
  --port N          port to listen on, 0 for any free one (default 6443)
  --seed N          seed for every random choice (default 1)
  --nodes N         worker nodes to start with, 1-1000 (default 3)
  --empty           start without the demo workloads
  --strict-images   images the simulator does not know fail to pull as a registry would
                    refuse them (default: they run as generic containers, with a warning)
  --speed N         simulation speed: 0 (paused), 1, 10 or 60 (default 1)
  --kubeconfig FILE add the "${contextName}" context to this kubeconfig, keeping its other
                    entries (default: <config>/kubeconfig, a file of its own)
  --config-dir DIR  where the kubeconfig goes (env KUBARIUM_CONFIG_DIR;
                    default $XDG_CONFIG_HOME/kubarium)
  --practice ID     serve a practice scenario's broken cluster (kubarium practice lists
                    them); fix it with kubectl, the checks are graded as time moves
  --state FILE      keep the cluster in FILE: restored from it at start (--seed, --nodes,
                    --empty and --strict-images are then the file's), saved to it as it
                    changes (at most every 2 s) and when the server stops; a file that
                    cannot be read stops the start and is left as it is
  --reset-state     move the --state file aside to FILE.corrupt-<timestamp> and start a
                    fresh cluster
  --help            show this help`;

function integer(flag: string, value: string, min: number, max: number): number {
	if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
		throw new ServeFlagError(`Invalid value for --${flag}: "${value}" (expected an integer ${min}-${max})`);
	}
	return Number(value);
}

/** Parse the arguments after `serve`. Throws ServeFlagError with the message to print. */
export function parseServeFlags(argv: readonly string[]): ServeFlags {
	const flags: ServeFlags = {port: 6443, empty: false, speed: 1, help: false};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (!arg.startsWith('--')) throw new ServeFlagError(`Unexpected argument "${arg}" (kubarium serve takes only flags; see --help)`);
		const eq = arg.indexOf('=');
		const name = arg.slice(2, eq < 0 ? undefined : eq);
		let value = eq < 0 ? undefined : arg.slice(eq + 1);
		if (name === 'empty' || name === 'help' || name === 'strict-images' || name === 'reset-state') {
			if (value !== undefined) throw new ServeFlagError(`Flag --${name} takes no value`);
			if (name === 'strict-images') flags.strictImages = true;
			else if (name === 'reset-state') flags.resetState = true;
			else flags[name] = true;
			continue;
		}
		if (!['port', 'seed', 'nodes', 'speed', 'kubeconfig', 'config-dir', 'practice', 'state'].includes(name)) throw new ServeFlagError(`Unknown flag --${name} (see kubarium serve --help)`);
		if (value === undefined) {
			value = argv[++i];
			if (value === undefined || value.startsWith('--')) throw new ServeFlagError(`Flag --${name} needs a value`);
		}
		switch (name) {
			case 'port': flags.port = integer(name, value, 0, 65535); break;
			case 'seed': flags.seed = integer(name, value, 0, 2 ** 31 - 1); break;
			case 'nodes': flags.nodes = integer(name, value, 1, 1000); break;
			case 'speed': {
				const speed = Number(value.replace(/^x/i, ''));
				if (value.trim() === '' || ![0, 1, 10, 60].includes(speed)) throw new ServeFlagError(`Invalid value for --speed: "${value}" (expected 0, 1, 10 or 60)`);
				flags.speed = speed;
				break;
			}
			case 'practice':
				if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) throw new ServeFlagError(`Invalid value for --practice: "${value}" (a scenario id; kubarium practice lists them)`);
				flags.practice = value;
				break;
			case 'state':
				if (value.trim() === '') throw new ServeFlagError('Invalid value for --state: empty path');
				flags.state = value;
				break;
			case 'kubeconfig':
			case 'config-dir':
				if (value.trim() === '') throw new ServeFlagError(`Invalid value for --${name}: empty path`);
				if (name === 'kubeconfig') flags.kubeconfig = value;
				else flags.configDir = value;
				break;
		}
	}
	if (flags.practice !== undefined && (flags.empty || flags.nodes !== undefined || flags.strictImages)) {
		throw new ServeFlagError('--practice sets up its own cluster: drop --empty, --nodes and --strict-images');
	}
	if (flags.practice !== undefined && flags.state !== undefined) throw new ServeFlagError('--practice sets up its own cluster: drop --state (a practice run starts from its scenario)');
	if (flags.resetState && flags.state === undefined) throw new ServeFlagError('Flag --reset-state needs --state FILE: it moves that file aside');
	return flags;
}

/**
 * A scenario's broken cluster whose clock stands at the wall clock once the
 * setup has run (so kubectl's ages agree): made once to learn how long the
 * setup takes, then again starting that much earlier.
 */
function practiceCluster(scenario: Scenario, seed: number | undefined): Cluster {
	const probe = scenario.create({seed, startTime: 0});
	return scenario.create({seed, startTime: Date.now() - probe.now()});
}

/** Run until SIGINT, SIGTERM or SIGHUP (saving the --state file then). */
export async function runServe(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env, options: {readAhead?: ReadAhead} = {}): Promise<void> {
	const start = Date.now();
	const stateFile = flags.state !== undefined ? path.resolve(flags.state) : undefined;
	let restored = false;
	let lines: FileLines | undefined;
	let session: PracticeSession | undefined;
	let cluster: Cluster;
	if (flags.practice !== undefined) {
		let scenario: Scenario;
		try {
			scenario = findScenario(flags.practice);
		} catch (error) {
			throw new ServeFlagError(`Invalid value for --practice: ${(error as Error).message}`);
		}
		cluster = practiceCluster(scenario, flags.seed);
		session = new PracticeSession(scenario, cluster);
	} else {
		const fromFile = stateFile !== undefined ? await openServeState(flags, stateFile, options.readAhead) : undefined;
		restored = fromFile !== undefined;
		lines = fromFile?.lines;
		cluster = fromFile?.cluster ?? createCluster({seed: flags.seed, nodes: flags.nodes, demo: !flags.empty, startTime: start, ...(flags.strictImages ? {strictImages: true} : {})});
	}
	let server;
	try {
		const configDir = resolveConfigDir(flags.configDir, env);
		server = await startApiServer(cluster, {port: flags.port, serviceAccountKeyFile: path.join(configDir, serviceAccountKeyName), certificateAuthorityKeyFile: path.join(configDir, certificateAuthorityKeyName)});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new ServeFlagError(code === 'EADDRINUSE' ? `port ${flags.port} on 127.0.0.1 is in use (try --port 0 for a free one)` : (error as Error).message);
	}
	const file = flags.kubeconfig ? path.resolve(flags.kubeconfig) : path.join(resolveConfigDir(flags.configDir, env), 'kubeconfig');
	try {
		writeKubeconfig(file, server.url, server.token, server.certificate);
	} catch (error) {
		await server.close();
		throw new ServeFlagError(`cannot write the kubeconfig ${file}: ${(error as Error).message}`);
	}
	process.stdout.write(`Kubernetes API of the simulated cluster at ${server.url} (speed x${flags.speed})\n`);
	process.stdout.write(`export KUBECONFIG=${file}\n`);
	let reported = '';
	if (session) {
		const {scenario} = session;
		process.stdout.write(`\nPractice ${scenario.id}: ${scenario.title}\n${scenario.goal}\nFix it with kubectl; every check must pass for 30 simulated seconds.\n`);
	}
	/** The practice checks, printed when what passes changes, and once when solved. */
	const report = () => {
		if (!session || session.state === 'solved') return;
		session.observe();
		const grade = session.grade;
		if (!grade) return;
		const line = grade.checks.map(c => `${c.passed ? '✓' : '✗'} ${c.name}`).join('\n');
		if (line !== reported) {
			reported = line;
			process.stdout.write(`\nChecks (${grade.checks.filter(c => c.passed).length} of ${grade.checks.length} pass):\n${line}\n`);
		}
		if (session.solved) process.stdout.write(`\nSolved ${session.scenario.id} in ${formatElapsed(session.solved.elapsedMs)}.\n`);
	};
	report();
	// --state: saved as objects change and as time moves, at most every 2 s, and when the server stops.
	const autosave = stateFile !== undefined ? autosaveCluster(cluster, stateFile, {seed: lines, onError: error => process.stderr.write(`kubarium: could not save the cluster to ${stateFile}: ${error.message} (trying again as it changes)\n`)}) : undefined;
	// A fresh cluster is written at once, so the file exists from the start.
	if (autosave && !restored) autosave.changed();
	// Virtual time follows the wall clock at the chosen speed, so clients' ages agree at x1.
	let last = Date.now();
	const timer = setInterval(() => {
		// While a save makes the cluster's snapshot in steps the cluster stands still: the time waits, and runs once it is made.
		if (cluster.snapshotting) return;
		const now = Date.now();
		const elapsed = now - last;
		last = now;
		if (flags.speed > 0 && elapsed > 0) {
			cluster.advance(elapsed * flags.speed);
			autosave?.changed();
		}
		report();
	}, 100);
	await new Promise<void>(resolve => {
		const stop = () => resolve();
		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
		process.once('SIGHUP', stop);
	});
	clearInterval(timer);
	if (autosave) {
		try {
			autosave.flush();
			process.stdout.write(`Saved the cluster to ${stateFile}\n`);
		} catch (error) {
			process.stderr.write(`kubarium: could not save the cluster to ${stateFile}: ${(error as Error).message}\n`);
		}
	}
	await server.close();
}

/** The cluster in the state file (with where the file held its objects), or undefined for a fresh start; a file that cannot be restored is a StateFileError. */
async function openServeState(flags: ServeFlags, file: string, readAhead?: ReadAhead): Promise<{cluster: Cluster; lines?: FileLines} | undefined> {
	const opened = await whileHeapOnlyGrows(() => openState(file, {reset: flags.resetState, progress: process.stderr, readAhead}));
	if (opened.movedAside) process.stderr.write(`kubarium: ${movedAsideNote(file, opened.movedAside)}\n`);
	if (opened.restarted) process.stderr.write(`kubarium: ${restartedNote(file, opened.restarted)}\n`);
	if (!opened.cluster) return undefined;
	const ignored = [flags.seed !== undefined && '--seed', flags.nodes !== undefined && '--nodes', flags.empty && '--empty', flags.strictImages && '--strict-images'].filter(Boolean);
	process.stdout.write(`Restored the cluster saved in ${file}${ignored.length > 0 ? ` (${ignored.join(', ')} ignored: the cluster is the saved one)` : ''}\n`);
	return {cluster: opened.cluster, lines: opened.lines};
}
