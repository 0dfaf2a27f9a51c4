/**
 * The streams of a real cluster: a container's log, followed as
 * `kubectl logs -f --tail N` follows it, and an interactive shell over the
 * exec WebSocket (client-node's `Exec`, which offers v5.channel.k8s.io and
 * v4), opened with a terminal as `kubectl exec -it` opens it: bash when the
 * container has it, else sh. A line typed is sent with its Enter; the
 * terminal echoes it, then the output comes, then the shell's next prompt,
 * which ends the answer.
 */
import {PassThrough, Writable} from 'node:stream';
import type {KubeConfig} from '@kubernetes/client-node';
import {Exec} from './kubernetes-client.js';
import type {KubeObject} from '../../engine/index.js';
import type {LogStream, LogStreamOptions, ShellOutput, ShellSession} from '../model/cluster-source.js';
import {KubeApiError, type KubeHttp} from './kube-http.js';

/** `kubectl logs -f`: the last `tail` lines, then each new one as it comes. */
export function openRemoteLogs(http: KubeHttp, pod: string, options: LogStreamOptions): LogStream {
	const tail = options.tail ?? 5000;
	const lines: string[] = [];
	let partial = '';
	let failure: KubeApiError | undefined;
	const stop = http.stream(`/api/v1/namespaces/${encodeURIComponent(options.namespace ?? 'default')}/pods/${encodeURIComponent(pod)}/log`, {
		follow: !options.previous,
		tailLines: tail,
		timestamps: options.timestamps ? true : undefined,
		previous: options.previous ? true : undefined,
		container: options.container,
	}, chunk => {
		const parts = (partial + chunk).split('\n');
		partial = parts.pop() ?? '';
		lines.push(...parts);
		if (lines.length > tail) lines.splice(0, lines.length - tail);
	}, error => {
		failure = error;
	});
	return {
		text() {
			if (failure && lines.length === 0) throw failure;
			return lines.join('\n') + (partial ? `\n${partial}` : '');
		},
		close: stop,
	};
}

/** The prompt a shell prints when it waits for a line: `root@web-1:/# `, `/ # `, `$ `. */
const promptPattern = /[#$%>] $/;

type Pending = {resolve: (output: ShellOutput) => void; line: string; from: number; timer: ReturnType<typeof setTimeout>};

/** One shell in a container of a real cluster. */
export function openRemoteShell(config: KubeConfig, reader: {get(kind: string, name: string, namespace?: string): KubeObject | undefined}, pod: string, options: {namespace?: string; container?: string}): ShellSession {
	const namespace = options.namespace ?? 'default';
	const object = reader.get('Pod', pod, namespace);
	const container = options.container ?? (object?.spec?.containers as Array<{name: string}> | undefined)?.[0]?.name ?? '';
	let output = '';
	let prompt = '';
	let exited = false;
	let failure: string | undefined;
	let pending: Pending | undefined;
	let socket: {close(): void} | undefined;
	const stdin = new PassThrough();

	const settle = (done: ShellOutput) => {
		if (!pending) return;
		clearTimeout(pending.timer);
		const {resolve} = pending;
		pending = undefined;
		resolve(done);
	};
	/** The answer to the pending line, once the next prompt ends it. */
	const check = () => {
		const text = output.replace(/\r/g, '');
		if (!pending) {
			const last = text.slice(text.lastIndexOf('\n') + 1);
			if (promptPattern.test(last)) prompt = last;
			return;
		}
		const answer = text.slice(pending.from);
		const end = answer.lastIndexOf('\n');
		const last = answer.slice(end + 1);
		if (!promptPattern.test(last) || end < 0) return;
		prompt = last;
		const lines = answer.slice(0, end).split('\n');
		// The terminal's echo of the line typed.
		if (lines[0]?.trimEnd() === pending.line.trimEnd()) lines.shift();
		settle({stdout: lines.length > 0 ? `${lines.join('\n')}\n` : '', stderr: '', exitCode: 0});
	};
	const sink = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			output += chunk.toString('utf8');
			if (output.length > 1_000_000) output = output.slice(-500_000);
			check();
			callback();
		},
	});

	const open = async (shell: string): Promise<boolean> => {
		let status: {status?: string; message?: string} | undefined;
		const closed = new Promise<void>(resolve => {
			void new Exec(config).exec(namespace, pod, container, [shell], sink, null, stdin, true, s => {
				status = s;
			}).then(ws => {
				socket = ws;
				ws.on('close', () => resolve());
			}, (error: Error) => {
				status = {status: 'Failure', message: error.message};
				resolve();
			});
		});
		// The shell is open once its first prompt arrives; a missing one ends at once with a Failure.
		await Promise.race([closed, new Promise<void>(resolve => {
			const poll = setInterval(() => {
				if (prompt) {
					clearInterval(poll);
					resolve();
				}
			}, 20);
			closed.then(() => clearInterval(poll), () => clearInterval(poll));
		})]);
		if (prompt) {
			void closed.then(() => {
				exited = true;
				settle({stdout: '', stderr: '', exitCode: 0, exited: true});
			});
			return true;
		}
		failure = status?.message ?? `unable to start ${shell} in the container`;
		return false;
	};
	const ready = (async () => {
		if (await open('bash')) return;
		output = '';
		failure = undefined;
		if (!(await open('sh'))) exited = true;
	})();

	return {
		prompt: () => prompt,
		async run(line) {
			await ready;
			if (exited) {
				if (failure) throw new Error(failure);
				return {stdout: '', stderr: '', exitCode: 0, exited: true};
			}
			return new Promise<ShellOutput>(resolve => {
				const timer = setTimeout(() => {
					// No prompt came back: show what arrived.
					const answer = output.replace(/\r/g, '').slice(pending?.from ?? 0);
					settle({stdout: answer, stderr: '', exitCode: 0});
				}, 15_000);
				pending = {resolve, line, from: output.replace(/\r/g, '').length, timer};
				stdin.write(`${line}\r`);
			});
		},
		close() {
			exited = true;
			stdin.end();
			socket?.close();
		},
	};
}
