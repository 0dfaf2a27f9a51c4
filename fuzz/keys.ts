/**
 * `npm run fuzz:keys -- --seed S --keys N [--scale R] [--speed X]`: random
 * keys typed into the built dashboard in a real terminal (a tmux pane of
 * its own), as a user types them: single keys, readline and control keys,
 * wide characters and commands after `:`. With `--scale R`, `web` is first
 * scaled to R replicas through the dashboard's own Kubernetes API with the
 * real kubectl, so the keys land on a busy simulation. With `--state P`,
 * the dashboard starts from a state file of 20 nodes and P more pods,
 * whose runtimes load as the keys first reach them. What must hold:
 *  - the app never exits on its own and never shows an error or a stack
 *    trace;
 *  - Ctrl+C at the end quits within a second, exit code 0, and the
 *    terminal is back (the shell's line before the app shows again).
 * `q`, `:q` and Ctrl+C are left out of the random keys (they quit, which
 * is right). Prints each broken rule once with the last keys typed; exit 1 then.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {unsafeUniformIntDistribution, xoroshiro128plus} from 'pure-rand';
import {fuzzFlags} from './flags.js';
import {createCluster} from '../source/engine/index.js';
import {addLaterRuntimes, saveState} from './state-files.js';

const usage = `usage: npm run fuzz:keys -- [--seed S] [--keys N] [--scale R] [--speed X] [--state P]

  --seed S    seed of the keys and the terminal size (integer; default: a random one, printed)
  --keys N    keys to type (default 2000)
  --scale R   first scale the demo's web Deployment to R replicas (with kubectl)
  --speed X   the dashboard's --speed (0, 1, 10 or 60; default 10)
  --state P   start from a --state file: the demo on 20 nodes with P more pods, whose runtimes the open reads later`;

const {seed, values, fail} = fuzzFlags('fuzz:keys', usage, ['keys', 'scale', 'speed', 'state']);
const total = values.keys ?? 2000;
const scale = values.scale;
const speed = String(values.speed ?? 10);
if (!(total >= 1)) fail(`--keys must be at least 1, got "${total}"`);
if (!['0', '1', '10', '60'].includes(speed)) fail(`--speed must be 0, 1, 10 or 60, got "${speed}"`);
if (spawnSync('tmux', ['-V']).status !== 0) fail('tmux is not installed');

const generator = xoroshiro128plus(seed);
const below = (n: number) => unsafeUniformIntDistribution(0, n - 1, generator);
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;

/** tmux key names, as `send-keys` takes them. */
const singleKeys = [
	'j', 'k', 'g', 'G', 'h', 'l', 'Enter', 'Escape', 'Tab', 'BTab', 'd', 'y', 't', 's', 'x', 'w', 'e', 'u', 'c', 'r', 'n', 'p', 'a', 'b',
	'o', 'f', 'z', 'i', 'm', 'v', 'J', 'N', 'R', 'S', 'D', 'E', 'L', 'F', 'K', 'Y', '/', ':', '?', '0', '1', '2', '5', '-', 'Space',
	'C-d', 'C-w', 'C-z', 'C-k', 'C-a', 'C-e', 'C-u', 'C-l', 'C-f', 'C-b', 'BSpace', 'DC', 'Left', 'Right', 'Up', 'Down', 'PPage', 'NPage',
	'Home', 'End', 'M-b', 'M-f', '*', '!', '~', '.', '|', '\\', '"', '\'', '%', '&', '(', ')', '[', ']', '{', '}', '<', '>',
];
/** Typed after `:` (then Enter): commands, good and bad. */
const commands = [
	'pods', 'deploy', 'xray deploy', 'pulse', 'sts shop', 'home', 'ns shop', 'svc', 'events', 'nodes', 'pv', 'pvc', 'cm', 'secrets',
	'jobs', 'cj', 'ds', 'rs', 'speed 10', 'speed 0', 'speed 60', 'pause', 'apply /etc/passwd', 'apply /nonexistent', 'ctx', 'help',
	'alias', 'pods -l app=web', 'pods @shop', 'pods shop', '한국어', '😀😀', 'é'.repeat(50), 'x'.repeat(300), 'scale', 'delete', '',
];

const root = fileURLToPath(new URL('../..', import.meta.url));
const socket = `kubarium-fuzz-keys-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const screen = () => tmux('capture-pane', '-p', '-t', 'keys');
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const configDir = mkdtempSync(join(tmpdir(), 'kubarium-fuzz-keys-'));
const stateFile = join(configDir, 'state.json');
if (values.state !== undefined) {
	// Settled and saved as --state saves it: each node's runtime is a record long enough to be read when first used.
	const cluster = createCluster({seed: 1, demo: true});
	addLaterRuntimes(cluster, values.state);
	cluster.advance(90_000);
	saveState(cluster, stateFile);
}
const size = pick([{cols: 120, rows: 40}, {cols: 80, rows: 24}, {cols: 60, rows: 16}, {cols: 200, rows: 50}]);
const exitLine = /app-exit-code=(\d+)/;
const failure = /TypeError|ReferenceError|RangeError|SyntaxError|Unhandled|\bat \S+ \(.*:\d+:\d+\)|✗ Error:/;

const script = [
	'printf "shell-before-app\\n"',
	`env -u CI -u CONTINUOUS_INTEGRATION NODE_ENV=production KUBE_EDITOR=true EDITOR=true node dist/bundle/cli.js --config-dir ${JSON.stringify(configDir)} --speed ${speed} --api-port 0${values.state !== undefined ? ` --state ${JSON.stringify(stateFile)}` : ''}`,
	'printf "app-exit-code=%s\\n" "$?"',
	'exec sleep 600',
].join('; ');
tmux('new-session', '-d', '-s', 'keys', '-x', String(size.cols), '-y', String(size.rows), '-c', root, 'sh', '-c', script);

const broken = new Map<string, string>();
const typed: string[] = [];
function breaks(rule: string, detail: string): void {
	if (!broken.has(rule)) broken.set(rule, `${rule}: ${detail}\n  last keys: ${typed.slice(-40).join(' ')}\n  screen:\n${screen().replace(/^/gm, '    ')}`);
}

async function waitFor(check: (text: string) => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (check(screen())) return true;
		await sleep(20);
	}
	return false;
}

/** Why the run could not start (the tmux server is ended before it is told). */
let notStarted: string | undefined;
try {
	if (!await waitFor(text => /Cluster:|Clock:/.test(text), 30_000)) notStarted = `the dashboard did not start:\n${screen()}`;
	else if (scale !== undefined) {
		const scaled = spawnSync('kubectl', ['--kubeconfig', join(configDir, 'kubeconfig'), '-n', 'shop', 'scale', 'deployment/web', `--replicas=${scale}`], {encoding: 'utf8'});
		if (scaled.status !== 0) notStarted = `kubectl scale failed: ${scaled.stderr || scaled.stdout}`;
	}
	if (notStarted === undefined) await typeKeys();
} finally {
	spawnSync('tmux', ['-L', socket, 'kill-server']);
	rmSync(configDir, {recursive: true, force: true, maxRetries: 10, retryDelay: 100});
}
if (notStarted !== undefined) fail(notStarted);
if (broken.size === 0) {
	process.stdout.write(`fuzz:keys: ${typed.length} keys kept every rule (seed ${seed})\n`);
	process.exit(0);
}
const extra = `${scale === undefined ? '' : ` --scale ${scale}`}${values.speed === undefined ? '' : ` --speed ${speed}`}`;
process.stdout.write(`fuzz:keys: seed ${seed}\n${[...broken.values()].join('\n')}\nreplay: npm run fuzz:keys -- --seed ${seed} --keys ${total}${extra}\n`);
process.exit(1);

/** The random keys, then Ctrl+C. */
async function typeKeys(): Promise<void> {
	process.stderr.write(`fuzz:keys: seed ${seed}, ${total} keys at ${size.cols}x${size.rows}, speed ${speed}${scale === undefined ? '' : `, web scaled to ${scale}`}\n`);
	while (typed.length < total && broken.size === 0) {
		for (let i = 0; i < 10; i++) {
			if (below(100) < 8) {
				const command = pick(commands);
				tmux('send-keys', '-t', 'keys', ':');
				tmux('send-keys', '-t', 'keys', '-l', command);
				tmux('send-keys', '-t', 'keys', 'Enter');
				typed.push(`:${command}⏎`);
			} else {
				const key = pick(singleKeys);
				tmux('send-keys', '-t', 'keys', key);
				typed.push(key);
			}
		}
		await sleep(30);
		const text = screen();
		if (exitLine.test(text)) breaks('exited', `the app exited by itself (${exitLine.exec(text)![0]})`);
		else if (failure.test(text)) breaks('error-shown', 'an error or a stack trace is on the screen');
		if (typed.length % 500 === 0) process.stderr.write(`fuzz:keys: ${typed.length} keys\n`);
	}
	if (broken.size === 0) {
		const sent = Date.now();
		tmux('send-keys', '-t', 'keys', 'C-c');
		const quit = await waitFor(text => exitLine.test(text), 10_000);
		const tookMs = Date.now() - sent;
		const text = screen();
		if (!quit) breaks('quit', 'Ctrl+C did not end the app within 10 s');
		else {
			if (tookMs > 1000) breaks('quit-time', `Ctrl+C took ${tookMs} ms to end the app`);
			if (exitLine.exec(text)![1] !== '0') breaks('exit-code', `the app exited with ${exitLine.exec(text)![1]}`);
			if (!text.includes('shell-before-app')) breaks('terminal', 'the terminal was not given back (the shell\'s screen did not come back)');
		}
		process.stderr.write(`fuzz:keys: Ctrl+C ended the app in ${tookMs} ms\n`);
	}
}
