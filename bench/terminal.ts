/**
 * The built app in a real terminal (a pseudo-terminal, and tmux, 120x40), as a person starts it:
 * spawn to the first full frame (the first start, which makes the code cache,
 * and the later ones, which use it) and how long a key waits while a Deployment
 * scales to 99,999 (the engine works in slices under the dashboard); then,
 * in a pseudo-terminal under a waiting parent, how long Ctrl+C takes to
 * restore the terminal and end the process under that load.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import type {BenchRow, BenchSection} from './run.js';
import {formatMs, median} from './measure.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/bundle/cli.js');

type Pane = {
	screen(): string;
	keys(...keys: string[]): void;
	type(text: string): void;
	/** Wall ms until `pattern` shows, polling the pane; Infinity past `limitMs`. */
	waitFor(pattern: RegExp, limitMs?: number): number;
	close(): void;
};

let opened = 0;

function open(configDir: string): Pane {
	// A socket per pane: a server still shutting down never meets the next session.
	const socket = `kubarium-bench-${process.pid}-${opened++}`;
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	const started = performance.now();
	tmux('new-session', '-d', '-s', 'bench', '-x', '120', '-y', '40',
		`env -u CI NODE_ENV=production ${process.execPath} ${cli} --config-dir ${configDir}`);
	const screen = () => {
		try {
			return tmux('capture-pane', '-p', '-t', 'bench');
		} catch {
			return '';
		}
	};
	return {
		screen,
		keys: (...keys) => void tmux('send-keys', '-t', 'bench', ...keys),
		type: text => void tmux('send-keys', '-t', 'bench', '-l', text),
		waitFor(pattern, limitMs = 30_000) {
			const from = performance.now();
			while (performance.now() - from < limitMs) if (pattern.test(screen())) return performance.now() - from;
			return Number.POSITIVE_INFINITY;
		},
		close: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
		...{started},
	};
}


/**
 * Spawn to the first full frame in a pseudo-terminal (`script`), as a shell
 * starts the app: from the spawn to the output holding the frame's last
 * panel (Events). The first start with a fresh config directory has no code
 * cache yet; the ones after it do. tmux's pane polling is not in these figures.
 */
async function spawnToFrame(runs: number): Promise<{first: number; later: number[]}> {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-bench-pty-'));
	const env: NodeJS.ProcessEnv = {...process.env, NODE_ENV: 'production', TERM: 'xterm-256color'};
	delete env['CI'];
	delete env['CONTINUOUS_INTEGRATION'];
	const times: number[] = [];
	try {
		for (let i = 0; i < runs; i++) {
			const from = performance.now();
			const child = spawn('script', ['-qfc', `stty cols 120 rows 40; exec ${process.execPath} ${cli} --config-dir ${configDir}`, '/dev/null'], {env, stdio: ['pipe', 'pipe', 'ignore']});
			let output = '';
			const took = await new Promise<number>(resolve => {
				const timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), 10_000);
				child.stdout.on('data', (chunk: Buffer) => {
					output += chunk.toString('latin1');
					if (output.includes('Events')) {
						clearTimeout(timer);
						resolve(performance.now() - from);
					}
				});
			});
			times.push(took);
			// Quit as a user does, so the code cache is written as it would be.
			child.stdin.write('\u0003');
			await new Promise(resolve => {
				child.on('exit', resolve);
				setTimeout(() => {
					child.kill('SIGKILL');
					resolve(undefined);
				}, 3000);
			});
		}
	} finally {
		rmSync(configDir, {recursive: true, force: true});
	}
	return {first: times[0]!, later: times.slice(1)};
}

/**
 * Ctrl+C under a 99,999 scale, in a pseudo-terminal whose parent waits for
 * the app as a shell does (`script`): to the terminal restored (the app
 * leaves the alternate screen), and to the end of the process, when a shell
 * would prompt again. tmux is not used here: it reaps its pane's process up to
 * seconds late on a busy machine, which no user's shell does.
 */
async function ctrlC(configDir: string): Promise<BenchRow[]> {
	const env: NodeJS.ProcessEnv = {...process.env, NODE_ENV: 'production', TERM: 'xterm-256color'};
	delete env['CI'];
	const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${process.execPath} ${cli} --config-dir ${configDir}`, '/dev/null'], {env, stdio: ['pipe', 'pipe', 'ignore']});
	let screen = '';
	child.stdout.on('data', (chunk: Buffer) => {
		screen = (screen + chunk.toString('latin1')).slice(-200_000);
	});
	const exited = new Promise<void>(resolve => child.on('exit', () => resolve()));
	const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
	const until = async (pattern: RegExp, limitMs = 30_000) => {
		const from = performance.now();
		while (performance.now() - from < limitMs) {
			if (pattern.test(screen)) return performance.now() - from;
			await sleep(2);
		}
		return Number.POSITIVE_INFINITY;
	};
	const keys = async (...sequence: string[]) => {
		for (const key of sequence) {
			child.stdin.write(key);
			await sleep(50);
		}
	};
	try {
		await until(/Events/);
		await keys(':', 'deploy shop', '\r');
		await until(/deployments\(shop\)/);
		await keys('/', 'web', '\r', 's');
		await until(/Replicas:/);
		await keys('\u0015', '99999', '\r');
		await sleep(8000);
		screen = '';
		const from = performance.now();
		child.stdin.write('\u0003');
		const restored = await until(/\u001B\[\?1049l/, 10_000);
		const ended = await Promise.race([exited.then(() => performance.now() - from), sleep(10_000).then(() => Number.POSITIVE_INFINITY)]);
		const show = (ms: number) => (Number.isFinite(ms) ? formatMs(ms) : 'not within 10 s');
		return [
			{name: 'scaling web to 99,999: Ctrl+C to the terminal restored (pty, as in a shell)', value: show(restored), aim: '< 1 s'},
			{name: 'scaling web to 99,999: Ctrl+C to the end of the process (pty, as in a shell)', value: show(ended), aim: '< 1 s'},
		];
	} finally {
		child.kill('SIGKILL');
	}
}

async function run(): Promise<BenchRow[]> {
	if (spawnSync('tmux', ['-V']).status !== 0) return [{name: 'terminal figures', value: 'skipped: tmux is not installed'}];
	if (!existsSync(cli)) return [{name: 'terminal figures', value: 'skipped: dist/bundle/cli.js is missing (npm run build)'}];
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-bench-'));
	try {
		if (spawnSync('script', ['--version']).status !== 0) return [...inTmux(configDir), {name: 'pseudo-terminal figures', value: 'skipped: script (util-linux) is not installed'}];
		const pty = await spawnToFrame(8);
		const rows: BenchRow[] = [
			{name: 'spawn to the first full frame in a pseudo-terminal, median of 7 with the code cache', value: formatMs(median(pty.later)), aim: '< 500 ms'},
			{name: 'same, the first start (no code cache yet)', value: formatMs(pty.first)},
		];
		return [...rows, ...inTmux(configDir), ...await ctrlC(configDir)];
	} finally {
		rmSync(configDir, {recursive: true, force: true});
	}
}

/** Start-up and keys under load, in tmux as a person sees them. */
function inTmux(configDir: string): BenchRow[] {
	{
		// The first start has no code cache yet (the config dir is new) and makes it; the next five use it.
		const starts: number[] = [];
		for (let i = 0; i < 6; i++) {
			const from = performance.now();
			const pane = open(configDir);
			pane.waitFor(/Events/);
			starts.push(performance.now() - from);
			pane.close();
		}
		const first = starts.shift()!;
		const pane = open(configDir);
		try {
			pane.waitFor(/Events/);
			pane.keys(':');
			pane.type('deploy shop');
			pane.keys('Enter');
			pane.waitFor(/deployments\(shop\)/);
			pane.keys('/');
			pane.type('web');
			pane.keys('Enter', 's');
			pane.waitFor(/Replicas:/);
			pane.keys('C-u');
			pane.type('99999');
			pane.keys('Enter');
			pane.waitFor(/99999/);
			// Keys while the cluster works through 99,999 pods: open and leave views.
			const waits: number[] = [];
			for (const [command, title] of [['po shop', /pods\(shop\)/], ['ns', /namespaces\[/], ['deploy shop', /deployments\(shop\)/], ['no', /nodes\[/]] as const) {
				const from = performance.now();
				pane.keys(':');
				pane.type(command);
				pane.keys('Enter');
				pane.waitFor(title, 10_000);
				waits.push(performance.now() - from);
			}
			return [
				{name: 'spawn to the first full frame in tmux (its pane polled by capture-pane), median of 5 with the code cache', value: formatMs(median(starts))},
				{name: 'spawn to the first full frame (bundled app in tmux), the first start (no code cache yet)', value: formatMs(first)},
				{name: 'scaling web to 99,999: a view command typed to its frame, median / worst of 4', value: `${formatMs(median(waits))} / ${formatMs(Math.max(...waits))}`},
			];
		} finally {
			pane.close();
		}
	}
}

export const section: BenchSection = {title: 'terminal', run};
