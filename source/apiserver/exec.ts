/**
 * `kubectl exec` over WebSocket, the way kubectl 1.30+ asks for it
 * (subprotocol `v5.channel.k8s.io`, or v4). Each binary message starts with
 * its channel: 0 standard input, 1 standard output, 2 standard error, 3 the
 * result Status (with the exit code for a non-zero exit), 4 terminal resize,
 * and in v5 255 "this stream is closed". The framing is the `ws` library's.
 *
 * - Without `-i`, the command runs at once and its output is sent.
 * - With `-i` alone, standard input is read until kubectl closes it (v5's
 *   close signal, or the connection's end), then the command runs with it.
 * - With `-it` and a shell, the shell is interactive: the server plays the
 *   terminal's line discipline (echo, backspace, Ctrl+U/W, Ctrl+C, Ctrl+D on
 *   an empty line), runs each line in one shell process and prints the
 *   shell's prompt; `\n` goes out as `\r\n`, as a terminal sends it.
 * - `attach` (`kubectl attach`, `run -it`, `run -i`) reaches the container's
 *   own shell when it waits on its terminal, the same way; otherwise it
 *   streams the container's output.
 */
import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {WebSocketServer, type RawData, type WebSocket} from 'ws';
import type {Cluster, ExecResult, PodSpec, ShellSession} from '../engine/index.js';
import type {ResourceTarget} from './paths.js';
import {ApiError, badRequest, statusFromError, type Status} from './status.js';

const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const stdinChannel = 0;
const stdoutChannel = 1;
const stderrChannel = 2;
const errorChannel = 3;
const closeChannel = 255;

/** Refuse an upgrade with a plain HTTP reply carrying the Status. */
export function refuseUpgrade(socket: Duplex, status: Status): void {
	const body = JSON.stringify(status);
	const reason = {400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed'}[status.code] ?? 'Error';
	socket.end(`HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** An exec, or (`attach`) a connection to the container's own process: its shell when it waits on a terminal, else its output as it comes. */
type ExecRequest = {name: string; namespace?: string; container?: string; command: string[]; stdin: boolean; tty: boolean; attach: boolean};

/** How often an attach to a process that is no shell looks for new output (wall time). */
const attachPollMs = 200;

/** The exec endpoint of one API server: upgrades requests and keeps the sessions, so closing the server ends them. */
export class ExecServer {
	private readonly sockets = new WebSocketServer({
		noServer: true,
		perMessageDeflate: false,
		handleProtocols: offered => protocols.find(p => offered.has(p)) ?? false,
	});

	constructor(private readonly cluster: Cluster) {}

	/** Check the request, then upgrade it; every failure before the upgrade is thrown as a Status. */
	upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, target: ResourceTarget, query: URLSearchParams): void {
		const exec = this.check(request, target, query);
		this.sockets.handleUpgrade(request, socket, head, ws => this.run(ws, exec));
	}

	close(): void {
		for (const client of this.sockets.clients) client.terminate();
		this.sockets.close();
	}

	private check(request: IncomingMessage, target: ResourceTarget, query: URLSearchParams): ExecRequest {
		const name = target.name!;
		const pod = this.cluster.get('Pod', name, target.namespace);
		if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`, {name, kind: 'pods'});
		const container = query.get('container') ?? undefined;
		const spec = pod.spec as PodSpec | undefined;
		if (container && ![...spec?.containers ?? [], ...spec?.initContainers ?? [], ...spec?.ephemeralContainers ?? []].some(c => c.name === container)) {
			throw badRequest(`container ${container} is not valid for pod ${name}`);
		}
		const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map(p => p.trim());
		if (String(request.headers.upgrade ?? '').toLowerCase() !== 'websocket' || typeof request.headers['sec-websocket-key'] !== 'string') {
			throw badRequest('exec is served over WebSocket (v5.channel.k8s.io), as kubectl 1.30 and newer ask for it; SPDY is not supported');
		}
		if (!protocols.some(p => offered.includes(p))) {
			throw badRequest(`unable to upgrade: none of the offered subprotocols is supported (offered: ${offered.join(', ')}; supported: ${protocols.join(', ')})`);
		}
		const attach = target.subresource === 'attach';
		const command = query.getAll('command');
		if (command.length === 0 && !attach) throw badRequest('you must specify at least one command for the container');
		return {name, namespace: target.namespace, container, command, stdin: query.get('stdin') === 'true', tty: query.get('tty') === 'true', attach};
	}

	private run(ws: WebSocket, exec: ExecRequest): void {
		ws.on('error', () => ws.terminate());
		const out = new Output(ws, exec);
		if (exec.attach) {
			this.attach(ws, exec, out);
			return;
		}
		if (exec.stdin && exec.tty) {
			let opened: {session?: ShellSession; result?: ExecResult};
			try {
				opened = this.cluster.openShell(exec.name, exec.command, {namespace: exec.namespace, container: exec.container});
			} catch (error) {
				out.refused(error);
				return;
			}
			if (opened.session) new Terminal(ws, opened.session, out);
			else out.result(opened.result!);
			return;
		}
		if (!exec.stdin) {
			this.runOnce(out, exec, '');
			return;
		}
		const input: Buffer[] = [];
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			this.runOnce(out, exec, Buffer.concat(input).toString('utf8'));
		};
		ws.on('message', (data: RawData) => {
			const message = toBuffer(data);
			if (message[0] === stdinChannel) input.push(message.subarray(1));
			else if (message[0] === closeChannel && message[1] === stdinChannel) finish();
		});
		ws.on('close', () => {
			done = true;
		});
	}

	/**
	 * `kubectl attach`, `kubectl run -it`: with a terminal, the container's own
	 * shell, waiting on its standard input, answers; otherwise (or when its
	 * process is no such shell) the container's output is passed on as it
	 * comes, until the container stops or kubectl goes.
	 */
	private attach(ws: WebSocket, exec: ExecRequest, out: Output): void {
		const target = {namespace: exec.namespace, container: exec.container};
		if (exec.stdin) {
			let opened: {session?: ShellSession; result?: ExecResult};
			try {
				opened = this.cluster.openShell(exec.name, [], {...target, attach: true});
			} catch (error) {
				out.refused(error);
				return;
			}
			if (opened.session && exec.tty) {
				new Terminal(ws, opened.session, out);
				return;
			}
			if (opened.session) {
				pipeInto(ws, opened.session, out);
				return;
			}
		}
		// Lines with their times, so that what is new is found after the last one sent even once the log's ring drops old lines.
		const lines = (): string[] | undefined => {
			try {
				return this.cluster.logs(exec.name, {...target, timestamps: true});
			} catch {
				return undefined;
			}
		};
		let last = lines()?.at(-1);
		const timer = setInterval(() => {
			const all = lines();
			if (!all) {
				clearInterval(timer);
				out.finish(0);
				return;
			}
			const seen = last === undefined ? -1 : all.lastIndexOf(last);
			const time = (line: string) => line.slice(0, line.indexOf(' '));
			const fresh = seen >= 0 || last === undefined ? all.slice(seen + 1) : all.filter(line => time(line) > time(last!));
			if (fresh.length === 0) return;
			out.write(stdoutChannel, fresh.map(line => `${line.slice(line.indexOf(' ') + 1)}\n`).join(''));
			last = fresh.at(-1);
		}, attachPollMs);
		ws.on('close', () => clearInterval(timer));
	}

	private runOnce(out: Output, exec: ExecRequest, stdin: string): void {
		let result: ExecResult;
		try {
			result = this.cluster.exec(exec.name, exec.command, {namespace: exec.namespace, container: exec.container, stdin});
		} catch (error) {
			out.refused(error);
			return;
		}
		out.result(result);
	}
}

function toBuffer(data: RawData): Buffer {
	if (Buffer.isBuffer(data)) return data;
	if (Array.isArray(data)) return Buffer.concat(data);
	return Buffer.from(data);
}

/** What goes back to kubectl: output on its channels, then the result Status and the close. */
class Output {
	constructor(private readonly ws: WebSocket, private readonly exec: ExecRequest) {}

	write(channel: number, text: string): void {
		if (!text || this.ws.readyState !== this.ws.OPEN) return;
		// With a terminal there is no separate error stream (kubectl would log "Unknown stream id 2"), and lines end in \r\n.
		const data = this.exec.tty ? text.replace(/\r?\n/g, '\r\n') : text;
		this.ws.send(Buffer.concat([Buffer.from([this.exec.tty ? stdoutChannel : channel]), Buffer.from(data)]));
	}

	result(result: ExecResult): void {
		this.write(stdoutChannel, result.stdout);
		this.write(stderrChannel, result.stderr);
		this.finish(result.exitCode);
	}

	/** A command the runtime refuses is reported after the upgrade, on the status channel, as the kubelet does. */
	refused(error: unknown): void {
		this.send({...statusFromError(error), code: 500, reason: 'InternalError'});
	}

	finish(exitCode: number): void {
		// An attach ends as its stream does; kubectl reads the exit from the pod.
		this.send(exitCode === 0 || this.exec.attach
			? {metadata: {}, status: 'Success'}
			: {metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: `command terminated with non-zero exit code: error executing command [${this.exec.command.join(' ')}], exit code ${exitCode}`,
				details: {causes: [{reason: 'ExitCode', message: String(exitCode)}]}});
	}

	private send(status: object): void {
		if (this.ws.readyState !== this.ws.OPEN) return;
		this.ws.send(Buffer.concat([Buffer.from([errorChannel]), Buffer.from(JSON.stringify(status))]));
		this.ws.close(1000);
	}
}

/**
 * Standard input without a terminal (`kubectl run -i`, `attach -i`): each
 * whole line runs in the shell as it arrives, with no echo and no prompt;
 * the end of input is the shell's end of file.
 */
function pipeInto(ws: WebSocket, session: ShellSession, out: Output): void {
	let pending = '';
	let ended = false;
	const end = (exitCode: number) => {
		if (ended) return;
		ended = true;
		session.close();
		out.finish(exitCode);
	};
	const run = (line: string) => {
		if (ended || line.trim() === '') return;
		const result = session.run(line);
		out.write(stdoutChannel, result.stdout);
		out.write(stderrChannel, result.stderr);
		if (result.exited) end(result.exitCode);
	};
	ws.on('message', (data: RawData) => {
		const message = toBuffer(data);
		if (message[0] === stdinChannel) {
			pending += message.subarray(1).toString('utf8');
			let newline = pending.indexOf('\n');
			while (newline >= 0 && !ended) {
				run(pending.slice(0, newline));
				pending = pending.slice(newline + 1);
				newline = pending.indexOf('\n');
			}
		} else if (message[0] === closeChannel && message[1] === stdinChannel) {
			run(pending);
			end(0);
		}
	});
	ws.on('close', () => {
		ended = true;
		session.close();
	});
}

/**
 * The terminal side of an interactive shell: a cooked-mode line discipline
 * over the keys kubectl forwards, one line at a time into the session.
 */
class Terminal {
	private line = '';
	/** An escape sequence being read (arrow keys and the like, which cooked mode ignores here). */
	private escape = '';
	private ended = false;

	constructor(private readonly ws: WebSocket, private readonly session: ShellSession, private readonly out: Output) {
		out.write(stdoutChannel, session.prompt());
		ws.on('message', (data: RawData) => {
			const message = toBuffer(data);
			if (message[0] === stdinChannel) this.keys(message.subarray(1).toString('utf8'));
			else if (message[0] === closeChannel && message[1] === stdinChannel) this.end(0);
		});
		ws.on('close', () => {
			this.ended = true;
			session.close();
		});
	}

	private echo(text: string): void {
		this.out.write(stdoutChannel, text);
	}

	private keys(text: string): void {
		for (const key of text) {
			if (this.ended) return;
			if (this.escape) {
				this.escape += key;
				if (/^\x1b(?:\[[0-9;?]*[@-~]|O.|[^[O])$/.test(this.escape)) this.escape = '';
				continue;
			}
			switch (key) {
				case '\x1b':
					this.escape = key;
					break;
				case '\r':
				case '\n':
					this.echo('\n');
					this.enter();
					break;
				case '\x7f':
				case '\b':
					if (this.line) {
						this.line = this.line.slice(0, -1);
						this.echo('\b \b');
					}
					break;
				case '\x15': // Ctrl+U: the whole line
					this.echo('\b \b'.repeat([...this.line].length));
					this.line = '';
					break;
				case '\x17': { // Ctrl+W: the last word
					const kept = this.line.replace(/\S+\s*$/, '');
					this.echo('\b \b'.repeat([...this.line].length - [...kept].length));
					this.line = kept;
					break;
				}
				case '\x03': // Ctrl+C: the line is dropped
					this.echo('^C\n');
					this.line = '';
					this.echo(this.session.prompt());
					break;
				case '\x04': // Ctrl+D: end of input on an empty line
					if (!this.line) {
						if (this.session.shell === 'bash') this.echo('exit\n');
						this.end(this.session.run('exit').exitCode);
					}
					break;
				default:
					if (key >= ' ') {
						this.line += key;
						this.echo(key);
					}
			}
		}
	}

	private enter(): void {
		const line = this.line;
		this.line = '';
		if (line.trim() === '') {
			this.echo(this.session.prompt());
			return;
		}
		const result = this.session.run(line);
		this.echo(result.stdout);
		this.echo(result.stderr);
		// An interactive bash says so as it exits.
		if (result.exited && this.session.shell === 'bash') this.echo('exit\n');
		if (result.exited) this.end(result.exitCode);
		else this.echo(this.session.prompt());
	}

	private end(exitCode: number): void {
		if (this.ended) return;
		this.ended = true;
		this.session.close();
		this.out.finish(exitCode);
	}
}
