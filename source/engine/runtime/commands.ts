import type {Container, Pod} from '../api/types.js';
import type {SeededRandom} from '../clock.js';
import type {FileSystem} from './filetree.js';
import {builtinCommands} from './builtins.js';
import {tar} from './tar.js';
import {clientCommands} from './clients.js';
import {sed} from './sed.js';
import {httpClientCommands} from './http-clients.js';
import type {PodReply} from '../network/pod-network.js';

/**
 * The exec-command registry: what a program name does when a container's
 * shell, `kubectl exec` or an exec probe runs it. The shell builtins
 * (echo, cat, ls, env, ...) are registered here; other parts of the engine add
 * their own programs the same way, e.g. the storage layer's `kv`:
 *
 * ```ts
 * registerExecCommand('kv', ({argv, fs}) => {
 *   fs.write('/var/lib/kv/' + argv[2], argv[3] ?? '');
 *   return {stdout: 'OK\n'};
 * });
 * ```
 *
 * A handler runs synchronously and must not keep state outside the container's
 * filesystem (so a pod restart or a replay with the same seed gives the same
 * result). Commands that take time (`sleep`, `tail -f`, `stress`) are the
 * shell's, not the registry's.
 */

/** A running process in the container, as `ps` lists it. */
export type ProcessInfo = {pid: number; user: string; command: string};

export type ExecContext = {
	pod: Pod;
	container: Container;
	/** argv[0] is the program name as typed (`ls`, `/bin/ls`). */
	argv: readonly string[];
	/** The process environment (the container's, plus shell variables exported). */
	env: Readonly<Record<string, string>>;
	/** The container's filesystem with its volume mounts. */
	fs: FileSystem;
	/** Working directory (absolute). */
	cwd: string;
	/** Standard input (a pipe's output, or empty). */
	stdin: string;
	/** Record a system call made by this command's process. */
	trace(name: string, args: string, ret: number | string): void;
	/** Virtual time, ms since the epoch. */
	now: number;
	random: SeededRandom;
	/** The pod's hostname (UTS namespace). */
	hostname: string;
	/** The container's processes (pid 1 first). */
	processes(): ProcessInfo[];
	/** Something in the pod (any container: they share the network namespace) listens on this TCP port. */
	listening(port: number): boolean;
	/** One HTTP GET over the cluster network from this pod (DNS, Services, NetworkPolicy); absent where there is no network. */
	request?(host: string, port: number, path: string, hostHeader?: string): PodReply;
	/** Cluster DNS from this pod (its namespace's search path): the answer, and every name tried. */
	resolve(name: string): {answer?: {name: string; addresses: string[]}; tried: string[]; unreachable?: boolean};
};

export type ExecOutput = {stdout?: string; stderr?: string; exitCode?: number; /** Virtual time the command takes before its output (a connection timing out). */ delayMs?: number};

export type ExecHandler = (context: ExecContext) => ExecOutput;

const registry = new Map<string, ExecHandler>();

/**
 * Make `name` a program every container with a userland can run. A name
 * already registered is refused unless `replace` is set (tests and
 * plugins must not shadow each other by accident).
 */
export function registerExecCommand(name: string, handler: ExecHandler, options: {replace?: boolean} = {}): void {
	if (!/^[A-Za-z0-9_.[:+-]+$/.test(name)) throw new Error(`exec command name ${JSON.stringify(name)} is not a program name`);
	if (registry.has(name) && !options.replace) throw new Error(`exec command "${name}" is already registered`);
	registry.set(name, handler);
}

/** The handler for a program name or path (`/usr/bin/env` → `env`). */
export function execCommand(name: string): ExecHandler | undefined {
	return registry.get(name) ?? registry.get(name.slice(name.lastIndexOf('/') + 1));
}

for (const [name, handler] of Object.entries({...builtinCommands, sed, tar, ...clientCommands, ...httpClientCommands})) registerExecCommand(name, handler);
