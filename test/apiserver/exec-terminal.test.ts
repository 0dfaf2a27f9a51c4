/**
 * kubectl exec -it in a real terminal: kubectl runs in a tmux pane (it wants
 * a terminal for -t) against a served cluster in this process, and the
 * keys typed there reach one interactive shell in the container.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import {hasKubectl, serve, until, type Served} from './harness.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `kubarium-exec-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const screen = () => tmux('capture-pane', '-p', '-t', 'exec');
const keys = (...k: string[]) => tmux('send-keys', '-t', 'exec', ...k);
const type = (text: string) => tmux('send-keys', '-t', 'exec', '-l', text);

async function waitFor(check: (text: string) => boolean, what: string): Promise<string> {
	let text = '';
	await until(() => check((text = screen())), `${what}; screen:\n${text}`);
	return text;
}

(hasKubectl && hasTmux ? test.serial : test.serial.skip)('kubectl exec -it: bash\'s prompt, cd and variables that last, line editing, Ctrl+C, and exit with its code', async t => {
	let served: Served | undefined;
	try {
		served = await serve(cluster => {
			cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web'}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}});
			cluster.advance(30_000);
		});
		const command = `KUBECONFIG=${served.kubeconfig} kubectl --cache-dir ${path.join(served.dir, 'cache')} exec -it web -- bash; echo kubectl-exit=$?; sleep 60`;
		tmux('new-session', '-d', '-s', 'exec', '-x', '100', '-y', '20', 'sh', '-c', command);
		await waitFor(s => s.includes('root@web:/#'), 'bash\'s prompt');
		type('cd /usr/share/nginx');
		keys('Enter');
		await waitFor(s => s.includes('root@web:/usr/share/nginx#'), 'the new directory in the prompt');
		type('NAME=kubarium');
		keys('Enter');
		type('echo hello $NAME from $(pwd)X');
		keys('BSpace');
		keys('Enter');
		await waitFor(s => /^hello kubarium from \/usr\/share\/nginx$/m.test(s), 'the echo, its last letter erased');
		type('half a line');
		keys('C-c');
		await waitFor(s => s.includes('half a line^C'), 'Ctrl+C drops the line');
		type('exit 7');
		keys('Enter');
		const after = await waitFor(s => s.includes('kubectl-exit='), 'kubectl to end');
		t.regex(after, /exit 7\nexit\ncommand terminated with exit code 7\nkubectl-exit=7/);
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
		await served?.close();
	}
});
