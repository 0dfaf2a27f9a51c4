/** Command-line flags: parsed without side effects, so tests can check every message. */

export type Flags = {
	seed?: number;
	nodes?: number;
	namespace?: string;
	theme?: string;
	readonly: boolean;
	/** Images of repositories the simulator does not know fail to pull, as from a real registry. */
	strictImages?: boolean;
	configDir?: string;
	speed?: number;
	/** Record the session to this asciicast file (and its keys beside it). */
	record?: string;
	/** Port for the Kubernetes API the dashboard serves (default 6443, or any free one when it is taken). */
	apiPort?: number;
	/** Serve no Kubernetes API. */
	noApi?: boolean;
	/** A real cluster: this kubeconfig file instead of the simulation. */
	kubeconfig?: string;
	/** A real cluster: this context of the kubeconfig (`$KUBECONFIG` or ~/.kube/config without --kubeconfig). */
	context?: string;
	/** Restore the cluster from this file at start, and save it there as it changes and at exit. */
	state?: string;
	/** Move the state file aside (to FILE.corrupt-<timestamp>) and start a fresh cluster. */
	resetState?: boolean;
	help: boolean;
	version: boolean;
};

export class FlagError extends Error {}

export const usage = `Usage: kubarium [flags]
       kubarium record DEMO.tape [-o FILE]...   (see kubarium record --help)
       kubarium play FILE.cast [--speed N] [--idle-time-limit SECONDS]
       kubarium serve [flags]    (see kubarium serve --help)
       kubarium practice [ID | --file SCENARIO.yaml] [flags]   (see kubarium practice --help)

A k9s-style dashboard over a simulated Kubernetes cluster.

Flags:
  --seed N          seed for every random choice (default 1); same seed, same cluster
  --nodes N         worker nodes to start with, 1-1000 (default 3)
  --namespace NAME  namespace to start in, or "all" (default: all)
  --theme NAME      theme: default, light, high-contrast, mono, or a file in <config>/themes
  --readonly        hide and disable every action that changes the cluster
  --strict-images   images the simulator does not know fail to pull as a registry would
                    refuse them (default: they run as generic containers, with a warning)
  --config-dir DIR  preferences and user themes (env KUBARIUM_CONFIG_DIR;
                    default $XDG_CONFIG_HOME/kubarium)
  --speed N         simulation speed: 0 (paused), 1, 10 or 60 (default 1)
  --record FILE     record the session to FILE, asciicast v2 (as asciinema rec); its
                    input goes beside it (FILE with .keys) for a re-render; no API is
                    served while recording, since kubectl's changes would not replay
  --api-port N      port of the Kubernetes API served on 127.0.0.1 while the dashboard
                    runs, 0 for any free one (default 6443, or a free one when taken);
                    its kubeconfig is <config>/kubeconfig
  --no-api          serve no Kubernetes API
  --kubeconfig FILE open a real cluster through this kubeconfig instead of the simulation
  --context NAME    a context of the kubeconfig (alone: of $KUBECONFIG, else ~/.kube/config,
                    as kubectl reads them); :ctx lists the contexts and switches
  --state FILE      keep the cluster in FILE: restored from it at start (--seed, --nodes and
                    --strict-images are then the file's), saved to it as it changes (at
                    most every 2 s) and at exit; a file that cannot be read stops the start
  --reset-state     move the --state file aside to FILE.corrupt-<timestamp> and start a
                    fresh cluster
  --help            show this help
  --version         print the version

Keys: ':' command (:po, :deploy, :svc, :no, :q), '/' filter, '?' help, Esc back.
Play: shows a recording in this terminal at its own pace (--speed 2 is twice as
fast; pauses longer than the idle time limit are cut to it); any key quits.
Environment: NO_COLOR turns colours off.`;

/** Flags that take a value. */
export const valued = new Set(['seed', 'nodes', 'namespace', 'theme', 'config-dir', 'speed', 'record', 'api-port', 'kubeconfig', 'context', 'state']);
const booleans = new Set(['readonly', 'strict-images', 'no-api', 'help', 'version', 'reset-state']);

function integer(flag: string, value: string, min: number, max: number): number {
	if (!/^\d+$/.test(value)) throw new FlagError(`Invalid value for --${flag}: "${value}" (expected an integer ${min}-${max})`);
	const n = Number(value);
	if (n < min || n > max) throw new FlagError(`Invalid value for --${flag}: ${value} (expected an integer ${min}-${max})`);
	return n;
}

/** A real cluster was asked for (`--kubeconfig` or `--context`). */
export function isRemote(flags: Flags): boolean {
	return flags.kubeconfig !== undefined || flags.context !== undefined;
}

/** Parse argv (without node and the script). Throws FlagError with the message to print. */
export function parseFlags(argv: readonly string[]): Flags {
	const flags: Flags = {readonly: false, help: false, version: false};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (!arg.startsWith('--')) throw new FlagError(`Unexpected argument "${arg}" (kubarium takes only flags; see --help)`);
		const eq = arg.indexOf('=');
		const name = arg.slice(2, eq < 0 ? undefined : eq);
		let value = eq < 0 ? undefined : arg.slice(eq + 1);
		if (booleans.has(name)) {
			if (value !== undefined) throw new FlagError(`Flag --${name} takes no value`);
			if (name === 'readonly') flags.readonly = true;
			if (name === 'strict-images') flags.strictImages = true;
			if (name === 'no-api') flags.noApi = true;
			if (name === 'reset-state') flags.resetState = true;
			if (name === 'help') flags.help = true;
			if (name === 'version') flags.version = true;
			continue;
		}
		if (!valued.has(name)) throw new FlagError(`Unknown flag --${name} (see --help)`);
		if (value === undefined) {
			value = argv[i + 1];
			if (value === undefined || value.startsWith('--')) throw new FlagError(`Flag --${name} needs a value`);
			i++;
		}
		switch (name) {
			case 'seed':
				flags.seed = integer(name, value, 0, 2 ** 31 - 1);
				break;
			case 'nodes':
				flags.nodes = integer(name, value, 1, 1000);
				break;
			case 'speed': {
				const speed = Number(value.replace(/^x/i, ''));
				if (![0, 1, 10, 60].includes(speed) || value.trim() === '') throw new FlagError(`Invalid value for --speed: "${value}" (expected 0, 1, 10 or 60)`);
				flags.speed = speed;
				break;
			}
			case 'namespace':
				if (value !== 'all' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
					throw new FlagError(`Invalid value for --namespace: "${value}" (a lowercase RFC 1123 label, or "all")`);
				}
				flags.namespace = value;
				break;
			case 'theme':
				if (!/^[A-Za-z0-9._-]+$/.test(value)) throw new FlagError(`Invalid value for --theme: "${value}" (a theme name such as default, light, high-contrast, mono)`);
				flags.theme = value;
				break;
			case 'config-dir':
				if (value.trim() === '') throw new FlagError('Invalid value for --config-dir: empty path');
				flags.configDir = value;
				break;
			case 'record':
				if (value.trim() === '') throw new FlagError('Invalid value for --record: empty path');
				flags.record = value;
				break;
			case 'api-port':
				flags.apiPort = integer(name, value, 0, 65535);
				break;
			case 'kubeconfig':
				if (value.trim() === '') throw new FlagError('Invalid value for --kubeconfig: empty path');
				flags.kubeconfig = value;
				break;
			case 'context':
				if (value.trim() === '') throw new FlagError('Invalid value for --context: empty name');
				flags.context = value;
				break;
			case 'state':
				if (value.trim() === '') throw new FlagError('Invalid value for --state: empty path');
				flags.state = value;
				break;
		}
	}
	if (isRemote(flags)) {
		// What only the simulation has cannot be asked of a real cluster.
		const simulated: Array<[string, unknown]> = [
			['seed', flags.seed], ['nodes', flags.nodes], ['speed', flags.speed], ['strict-images', flags.strictImages],
			['record', flags.record], ['api-port', flags.apiPort], ['no-api', flags.noApi], ['state', flags.state], ['reset-state', flags.resetState || undefined],
		];
		const given = simulated.filter(([, v]) => v !== undefined).map(([n]) => `--${n}`);
		if (given.length > 0) {
			throw new FlagError(`${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only to the simulated cluster and cannot be used with ${flags.kubeconfig !== undefined ? '--kubeconfig' : '--context'}`);
		}
	}
	if (flags.resetState && flags.state === undefined) throw new FlagError('Flag --reset-state needs --state FILE: it moves that file aside');
	if (flags.state !== undefined && flags.record !== undefined) {
		throw new FlagError('Flags --state and --record cannot be used together: a recording replays from a fresh cluster of its seed');
	}
	if (flags.apiPort !== undefined && flags.noApi) throw new FlagError('Flags --api-port and --no-api cannot be used together');
	if (flags.apiPort !== undefined && flags.record !== undefined) {
		throw new FlagError('Flags --api-port and --record cannot be used together: changes made through the API would not be in the recording');
	}
	return flags;
}
