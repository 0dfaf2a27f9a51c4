/**
 * `kubectl exec` over WebSocket, the way kubectl 1.30+ asks for it
 * (subprotocol `v5.channel.k8s.io`, or v4): the command runs in the pod's
 * container through the engine, its output goes out on channel 1 (stdout) and
 * 2 (stderr), and channel 3 carries the result Status, with the exit code for
 * a non-zero exit. The handshake and the few frames needed are written here;
 * no WebSocket library is needed for them. Standard input is not passed on yet.
 */
import {createHash} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import type {Cluster} from '../engine/index.js';
import type {ResourceTarget} from './paths.js';
import {ApiError, badRequest, statusFromError, type Status} from './status.js';

const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const websocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
	const size = payload.length;
	const header = size < 126
		? Buffer.from([0x80 | opcode, size])
		: size < 65536
			? Buffer.from([0x80 | opcode, 126, size >> 8, size & 0xff])
			: Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => {
				const length = Buffer.alloc(8);
				length.writeBigUInt64BE(BigInt(size));
				return length;
			})()]);
	return Buffer.concat([header, payload]);
}

/** One binary message on a channel. */
function channel(number: number, data: Buffer): Buffer {
	return frame(0x2, Buffer.concat([Buffer.from([number]), data]));
}

/** Refuse an upgrade with a plain HTTP reply carrying the Status. */
export function refuseUpgrade(socket: Duplex, status: Status): void {
	const body = JSON.stringify(status);
	const reason = {400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed'}[status.code] ?? 'Error';
	socket.end(`HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Run the exec a WebSocket upgrade asks for and stream its result; every failure is answered with a Status. */
export function execOverWebSocket(cluster: Cluster, request: IncomingMessage, socket: Duplex, target: ResourceTarget, query: URLSearchParams): void {
	const name = target.name!;
	const pod = cluster.get('Pod', name, target.namespace);
	if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`, {name, kind: 'pods'});
	const container = query.get('container');
	if (container && !(pod.spec?.containers ?? []).some((c: {name: string}) => c.name === container)) {
		throw badRequest(`container ${container} is not valid for pod ${name}`);
	}
	const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map(p => p.trim());
	const protocol = protocols.find(p => offered.includes(p));
	const key = request.headers['sec-websocket-key'];
	if (String(request.headers.upgrade ?? '').toLowerCase() !== 'websocket' || typeof key !== 'string') {
		throw badRequest('exec is served over WebSocket (v5.channel.k8s.io), as kubectl 1.30 and newer ask for it; SPDY is not supported');
	}
	if (!protocol) throw badRequest(`unable to upgrade: none of the offered subprotocols is supported (offered: ${offered.join(', ')}; supported: ${protocols.join(', ')})`);
	const command = query.getAll('command');
	if (command.length === 0) throw badRequest('you must specify at least one command for the container');
	// A command the runtime refuses is reported after the upgrade, on the status channel, as the kubelet does.
	let result: {stdout: string; stderr: string; exitCode: number};
	let refused: Status | undefined;
	try {
		result = cluster.exec(name, command, {namespace: target.namespace, container: container ?? undefined});
	} catch (error) {
		result = {stdout: '', stderr: '', exitCode: -1};
		refused = {...statusFromError(error), code: 500, reason: 'InternalError'};
	}
	const accept = createHash('sha1').update(`${key}${websocketGuid}`).digest('base64');
	socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
	const tty = query.get('tty') === 'true';
	const out: Buffer[] = [];
	if (result.stdout) out.push(channel(1, Buffer.from(result.stdout)));
	// With a terminal there is no separate error stream: kubectl would log "Unknown stream id 2".
	if (result.stderr) out.push(channel(tty ? 1 : 2, Buffer.from(result.stderr)));
	const status = refused ?? (result.exitCode === 0
		? {metadata: {}, status: 'Success'}
		: {metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${result.exitCode}`,
			details: {causes: [{reason: 'ExitCode', message: String(result.exitCode)}]}});
	out.push(channel(3, Buffer.from(JSON.stringify(status))));
	out.push(frame(0x8, Buffer.from([0x03, 0xe8])));
	socket.on('error', () => socket.destroy());
	// What the client sends (stdin, resize, its close) is read and dropped.
	socket.on('data', () => {});
	socket.end(Buffer.concat(out));
}
