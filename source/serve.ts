/**
 * `kubarium serve`: the simulated cluster without the dashboard, behind a
 * Kubernetes API on 127.0.0.1 that kubectl drives. Time runs at the given
 * speed from a real-time loop; the kubeconfig is written for kubectl.
 */
import path from 'node:path';
import {createCluster, type Cluster} from './engine/index.js';
import {findScenario, formatElapsed, PracticeSession, type Scenario} from './practice/index.js';
import {startApiServer} from './apiserver/server.js';
import {contextName, writeKubeconfig} from './apiserver/kubeconfig.js';
import {resolveConfigDir} from './ui/prefs.js';

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
	help: boolean;
};

export class ServeFlagError extends Error {}

export const serveUsage = `Usage: kubarium serve [flags]

Runs the simulated cluster headless behind a Kubernetes API on 127.0.0.1,
for kubectl and any Kubernetes client. Ctrl+C stops it.

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
		if (name === 'empty' || name === 'help' || name === 'strict-images') {
			if (value !== undefined) throw new ServeFlagError(`Flag --${name} takes no value`);
			if (name === 'strict-images') flags.strictImages = true;
			else flags[name] = true;
			continue;
		}
		if (!['port', 'seed', 'nodes', 'speed', 'kubeconfig', 'config-dir', 'practice'].includes(name)) throw new ServeFlagError(`Unknown flag --${name} (see kubarium serve --help)`);
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

/** Run until SIGINT or SIGTERM. */
export async function runServe(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
	const start = Date.now();
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
		cluster = createCluster({seed: flags.seed, nodes: flags.nodes, demo: !flags.empty, startTime: start, ...(flags.strictImages ? {strictImages: true} : {})});
	}
	let server;
	try {
		server = await startApiServer(cluster, {port: flags.port});
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
	// Virtual time follows the wall clock at the chosen speed, so clients' ages agree at x1.
	let last = Date.now();
	const timer = setInterval(() => {
		const now = Date.now();
		const elapsed = now - last;
		last = now;
		if (flags.speed > 0) cluster.advance(elapsed * flags.speed);
		report();
	}, 100);
	await new Promise<void>(resolve => {
		const stop = () => resolve();
		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
	});
	clearInterval(timer);
	await server.close();
}
