/**
 * The built app in a real terminal (tmux, 120x40), as a person starts it:
 * spawn to the first full frame, how long a key waits while a Deployment
 * scales to 99,999 (the engine works in slices under the dashboard), and
 * how long Ctrl+C takes to end the process under that load.
 */
import {execFileSync, spawnSync} from 'node:child_process';
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
	pid(): number | undefined;
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
		pid() {
			try {
				const pid = Number(tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim());
				return Number.isFinite(pid) && pid > 0 ? pid : undefined;
			} catch {
				return undefined;
			}
		},
		close: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
		...{started},
	};
}

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

function run(): BenchRow[] {
	if (spawnSync('tmux', ['-V']).status !== 0) return [{name: 'terminal figures', value: 'skipped: tmux is not installed'}];
	if (!existsSync(cli)) return [{name: 'terminal figures', value: 'skipped: dist/bundle/cli.js is missing (npm run build)'}];
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-bench-'));
	try {
		const starts: number[] = [];
		for (let i = 0; i < 5; i++) {
			const from = performance.now();
			const pane = open(configDir);
			pane.waitFor(/Events/);
			starts.push(performance.now() - from);
			pane.close();
		}
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
			const pid = pane.pid();
			const from = performance.now();
			pane.keys('C-c');
			let exited = Number.POSITIVE_INFINITY;
			if (pid !== undefined) {
				while (performance.now() - from < 10_000) {
					if (!alive(pid)) {
						exited = performance.now() - from;
						break;
					}
				}
			}
			return [
				{name: 'spawn to the first full frame (bundled app in tmux), median of 5', value: formatMs(median(starts)), aim: '< 500 ms'},
				{name: 'scaling web to 99,999: a view command typed to its frame, median / worst of 4', value: `${formatMs(median(waits))} / ${formatMs(Math.max(...waits))}`},
				{name: 'scaling web to 99,999: Ctrl+C to the end of the process', value: Number.isFinite(exited) ? formatMs(exited) : 'did not exit in 10 s', aim: '< 1 s'},
			];
		} finally {
			pane.close();
		}
	} finally {
		rmSync(configDir, {recursive: true, force: true});
	}
}

export const section: BenchSection = {title: 'terminal', run};
