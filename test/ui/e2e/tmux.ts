/**
 * Helpers for end-to-end tests in a real terminal: the built app
 * (`node dist/bundle/cli.js`, `npm test` builds first) in a tmux pane on a
 * server of this test process's own, with CI unset (Ink draws nothing under
 * CI) and NODE_ENV=production.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, rmSync} from 'node:fs';
import {join, resolve} from 'node:path';

export const root = resolve(import.meta.dirname, '../../..');
export const cli = join(root, 'dist/bundle/cli.js');
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;
/** tmux is installed and the app is built: the end-to-end tests can run. */
export const canRunE2e = hasTmux && existsSync(cli);

const socket = `kubarium-e2e-${process.pid}`;
export const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
export const screen = () => tmux('capture-pane', '-p', '-t', 'e2e');
export const keys = (...k: string[]) => tmux('send-keys', '-t', 'e2e', ...k);
export const type = (text: string) => tmux('send-keys', '-t', 'e2e', '-l', text);
/** Ends the pane and everything in it. */
export const killTmux = () => spawnSync('tmux', ['-L', socket, 'kill-server']);

/**
 * End the pane, then wait (up to 20 s) for the app that ran in it to exit:
 * killed with its pane, an app with `--state` saves the cluster on its way
 * out, which takes a while on a loaded machine.
 */
export async function killTmuxAndWait(): Promise<void> {
	let pid: number | undefined;
	try {
		pid = cliPid();
	} catch {
		// No pane, or nothing running in it.
	}
	killTmux();
	if (pid === undefined) return;
	for (let i = 0; i < 400; i++) {
		try {
			process.kill(pid, 0);
		} catch {
			return;
		}
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

/** Remove a test's config dir; the app killed with its pane may still be writing its code cache there as it exits. */
export const removeDir = (dir: string) => rmSync(dir, {recursive: true, force: true, maxRetries: 10, retryDelay: 100});

/** Poll the pane (every 50 ms, bounded) until `check` holds; returns the screen. */
export async function waitFor(check: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let text = '';
	while (Date.now() < deadline) {
		text = screen();
		if (check(text)) return text;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	throw new Error(`Timed out waiting for ${what}. Screen:\n${text}`);
}

/**
 * Run the built cli with `args` in a `cols`x`rows` pane from a shell that
 * prints a line before it and its exit code after it, then runs `after` (a
 * shell command) if given. `before` runs first (`trap : INT` keeps the
 * shell, as an interactive one is kept, when Ctrl+C interrupts the app).
 */
export function startCli(args: readonly string[], size: {cols: number; rows: number} = {cols: 120, rows: 40}, after?: string, before?: string): void {
	const script = [
		...(before ? [before] : []),
		'printf "shell-before-app\\n"',
		`env -u CI -u CONTINUOUS_INTEGRATION NODE_ENV=production node ${[cli, ...args].map(arg => JSON.stringify(arg)).join(' ')}`,
		'printf "app-exit-code=%s\\n" "$?"',
		...(after ? [after] : []),
		'exec sleep 600',
	].join('; ');
	for (let attempt = 1; ; attempt++) {
		try {
			tmux('new-session', '-d', '-s', 'e2e', '-x', String(size.cols), '-y', String(size.rows), 'sh', '-c', script);
			return;
		} catch (error) {
			// The server a test just killed on this socket may still be exiting: the new session's client reaches it and tmux says so. Once it is gone, a new one starts.
			if (attempt >= 5 || !String((error as {stderr?: unknown}).stderr).includes('server exited unexpectedly')) throw error;
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
		}
	}
}

/** Start the app (120x40 unless told) and wait for its first frame on the alternate screen. */
export async function startApp(configDir: string, args: readonly string[] = [], size?: {cols: number; rows: number}): Promise<void> {
	startCli(['--config-dir', configDir, ...args], size);
	await waitFor(s => s.includes('Cluster:') && !s.includes('shell-before-app'), 'the app on the alternate screen', 60_000);
}

/** The process id of the cli running in the pane (the child of the pane's shell). */
export function cliPid(): number {
	const shell = tmux('display-message', '-p', '-t', 'e2e', '#{pane_pid}').trim();
	const child = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], {encoding: 'utf8'}).trim().split(/\s+/)[0];
	if (!child) throw new Error(`no process under the pane's shell ${shell}`);
	return Number(child);
}

/** `:deploy shop`, filter to `web`, and open its scale prompt with `s`, as a person would. */
export async function openWebScalePrompt(): Promise<void> {
	type(':deploy shop');
	keys('Enter');
	await waitFor(s => /deployments\(shop\)/.test(s) && /\bweb\b/.test(s), 'the deployments view');
	type('/web');
	keys('Enter');
	await waitFor(s => /deployments\(shop\)\[1\/\d+\]/.test(s), 'the filtered row');
	type('s');
	await waitFor(s => s.includes('Replicas:'), 'the scale prompt');
}
