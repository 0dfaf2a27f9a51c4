/**
 * `kubectl port-forward` over SPDY/3.1, as the kubelet serves it
 * (pkg/kubelet/cri/streaming/portforward/httpstream.go) behind the API
 * server's `pods/NAME/portforward`:
 *
 * - kubectl 1.31+ first asks for a WebSocket tunnel (subprotocol
 *   `SPDY/3.1+portforward.k8s.io`); that upgrade is refused, and kubectl falls
 *   back, as it does for any server that refuses it, to a POST with
 *   `Upgrade: SPDY/3.1` and `X-Stream-Protocol-Version: portforward.k8s.io`,
 *   answered with 101 and the same protocol.
 * - For each local connection kubectl opens two streams carrying the headers
 *   `streamType` (`error`, then `data`), `port` and `requestID`. Every stream
 *   gets a SYN_REPLY. What arrives on the data stream goes to the pod's port;
 *   the error stream carries the forwarder's error, if any, and is closed when
 *   the pair is done.
 * - The pod's port is the runtime's: each HTTP/1.1 request read from the data
 *   stream is one request to the container listening there (the nginx page,
 *   with its headers), answered on the data stream. When kubectl closes the
 *   data stream (its local connection ended), the pair is closed.
 *
 * SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00): 8-byte frame headers,
 * header blocks compressed with zlib and the protocol's dictionary, one
 * compression context per direction for the whole session. Flow control is
 * not enforced (kubectl's spdystream ignores it too).
 */
import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {constants, createDeflate, createInflate, type Deflate, type Inflate} from 'node:zlib';
import type {Cluster} from '../engine/index.js';
import type {ResourceTarget} from './paths.js';
import {ApiError, badRequest} from './status.js';

/** The SPDY/3 header compression dictionary (§2.6.10.1): length-prefixed header words, then common values. */
const dictionary = (() => {
	const words = [
		'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
		'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
		'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
		'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
		'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
		'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
		'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
	];
	const tail = '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505'
		+ '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized'
		+ '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable'
		+ 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT'
		+ 'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,'
		+ 'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
	const parts: Buffer[] = [];
	for (const word of words) {
		const length = Buffer.alloc(4);
		length.writeUInt32BE(word.length);
		parts.push(length, Buffer.from(word, 'latin1'));
	}
	parts.push(Buffer.from(tail, 'latin1'));
	return Buffer.concat(parts);
})();

const synStream = 1;
const synReply = 2;
const rstStream = 3;
const ping = 6;
const goAway = 7;
const flagFin = 0x01;

/** A zlib context that keeps its state across header blocks; each block is one sync flush. */
class HeaderCodec {
	private output: Buffer[] = [];
	private queue: Promise<unknown> = Promise.resolve();

	constructor(private readonly stream: Deflate | Inflate) {
		stream.on('data', (chunk: Buffer) => this.output.push(chunk));
		stream.on('error', () => {});
	}

	/** Run `data` through the context, in order with earlier blocks. */
	process(data: Buffer): Promise<Buffer> {
		const next = this.queue.then(() => new Promise<Buffer>((resolve, reject) => {
			this.stream.write(data);
			this.stream.flush(constants.Z_SYNC_FLUSH, () => {
				const out = Buffer.concat(this.output);
				this.output = [];
				if (this.stream.destroyed) reject(new Error('header compression failed'));
				else resolve(out);
			});
		}));
		this.queue = next.catch(() => {});
		return next;
	}

	close(): void {
		this.stream.destroy();
	}
}

function decodeHeaders(block: Buffer): Map<string, string> {
	const headers = new Map<string, string>();
	let at = 0;
	const count = block.readUInt32BE(at);
	at += 4;
	for (let i = 0; i < count; i++) {
		const nameLength = block.readUInt32BE(at);
		const name = block.subarray(at + 4, at + 4 + nameLength).toString('latin1').toLowerCase();
		at += 4 + nameLength;
		const valueLength = block.readUInt32BE(at);
		const value = block.subarray(at + 4, at + 4 + valueLength).toString('latin1');
		at += 4 + valueLength;
		headers.set(name, value.split('\0')[0]!);
	}
	return headers;
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt16BE(0x8000 | 3, 0);
	header.writeUInt16BE(type, 2);
	header.writeUInt32BE(payload.length, 4);
	header.writeUInt8(flags, 4);
	return Buffer.concat([header, payload]);
}

function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32BE(streamId & 0x7fffffff, 0);
	header.writeUInt32BE(data.length, 4);
	header.writeUInt8(flags, 4);
	return Buffer.concat([header, data]);
}

type PairStream = {id: number; finished: boolean};
type Pair = {error?: PairStream; data?: PairStream; port: number; received: Buffer; closed: boolean};

/** One HTTP/1.1 request read from the forwarded bytes, or undefined until a whole one has arrived. */
function takeRequest(pair: Pair): {method: string; path: string; userAgent?: string; close: boolean} | undefined {
	const end = pair.received.indexOf('\r\n\r\n');
	if (end < 0) return undefined;
	const lines = pair.received.subarray(0, end).toString('latin1').split('\r\n');
	const headers = new Map(lines.slice(1).map(line => {
		const colon = line.indexOf(':');
		return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
	}));
	const length = Number(headers.get('content-length') ?? 0) || 0;
	if (pair.received.length < end + 4 + length) return undefined;
	pair.received = pair.received.subarray(end + 4 + length);
	const [method = 'GET', path = '/'] = lines[0]!.split(' ');
	return {method, path, userAgent: headers.get('user-agent'), close: headers.get('connection')?.toLowerCase() === 'close'};
}

/** One SPDY session: kubectl's port-forward connection to one pod. */
class ForwardSession {
	private readonly inflate = new HeaderCodec(createInflate({dictionary}));
	private readonly deflate = new HeaderCodec(createDeflate({dictionary}));
	private buffer: Buffer = Buffer.alloc(0);
	private queue: Promise<void> = Promise.resolve();
	private readonly pairs = new Map<string, Pair>();
	private readonly byStream = new Map<number, {pair: Pair; requestId: string; type: 'error' | 'data'}>();
	private ended = false;

	constructor(private readonly cluster: Cluster, private readonly socket: Duplex, private readonly pod: {name: string; namespace?: string}) {
		socket.on('data', (chunk: Buffer) => this.receive(chunk));
		socket.on('close', () => this.end());
		socket.on('error', () => this.end());
	}

	receive(chunk: Buffer): void {
		this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
		while (this.buffer.length >= 8) {
			const length = this.buffer.readUInt32BE(4) & 0xffffff;
			if (this.buffer.length < 8 + length) break;
			const frame = this.buffer.subarray(0, 8 + length);
			this.buffer = this.buffer.subarray(8 + length);
			// Frames are handled in order: a stream's header block decompresses before its data is read.
			this.queue = this.queue.then(() => this.frame(frame)).catch(() => this.end());
		}
	}

	end(): void {
		if (this.ended) return;
		this.ended = true;
		this.inflate.close();
		this.deflate.close();
		this.socket.destroy();
	}

	private async frame(frame: Buffer): Promise<void> {
		if (this.ended) return;
		const flags = frame.readUInt8(4);
		const payload = frame.subarray(8);
		if ((frame.readUInt8(0) & 0x80) === 0) {
			this.data(frame.readUInt32BE(0) & 0x7fffffff, flags, payload);
			return;
		}
		const type = frame.readUInt16BE(2);
		if (type === synStream) {
			const id = payload.readUInt32BE(0) & 0x7fffffff;
			const headers = decodeHeaders(await this.inflate.process(payload.subarray(10)));
			await this.reply(id);
			this.stream(id, headers, (flags & flagFin) !== 0);
		} else if (type === rstStream) {
			this.reset(payload.readUInt32BE(0) & 0x7fffffff);
		} else if (type === ping) {
			this.socket.write(controlFrame(ping, 0, payload));
		} else if (type === goAway) {
			this.end();
		}
		// SETTINGS, HEADERS and WINDOW_UPDATE change nothing here.
	}

	private async reply(id: number): Promise<void> {
		const streamId = Buffer.alloc(4);
		streamId.writeUInt32BE(id);
		const block = await this.deflate.process(Buffer.alloc(4));
		if (!this.ended) this.socket.write(controlFrame(synReply, 0, Buffer.concat([streamId, block])));
	}

	private stream(id: number, headers: Map<string, string>, finished: boolean): void {
		const type = headers.get('streamtype');
		const requestId = headers.get('requestid') ?? '';
		const port = Number(headers.get('port'));
		if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
			this.reset(id);
			return;
		}
		let pair = this.pairs.get(requestId);
		if (!pair) this.pairs.set(requestId, (pair = {port, received: Buffer.alloc(0), closed: false}));
		pair[type] = {id, finished};
		this.byStream.set(id, {pair, requestId, type});
	}

	private data(id: number, flags: number, data: Buffer): void {
		const entry = this.byStream.get(id);
		if (!entry || entry.type !== 'data') return;
		const {pair} = entry;
		if (data.length > 0) {
			pair.received = pair.received.length === 0 ? data : Buffer.concat([pair.received, data]);
			this.serve(pair, entry.requestId);
		}
		if ((flags & flagFin) !== 0) this.closePair(pair, entry.requestId);
	}

	/** Answer each whole request that has arrived, as the pod's server would. */
	private serve(pair: Pair, requestId: string): void {
		for (let request = takeRequest(pair); request && !pair.closed; request = takeRequest(pair)) {
			let reply: ReturnType<Cluster['portForward']>;
			try {
				reply = this.cluster.portForward(this.pod.name, pair.port, request, {namespace: this.pod.namespace});
			} catch (error) {
				reply = {ok: false, error: (error as Error).message};
			}
			if (!reply.ok) {
				// The forwarder's error, as the kubelet writes it on the error stream; kubectl prints it and stops.
				if (pair.error) this.socket.write(dataFrame(pair.error.id, 0, Buffer.from(reply.error)));
				this.closePair(pair, requestId);
				return;
			}
			const body = request.method === 'HEAD' ? '' : reply.body;
			this.socket.write(dataFrame(pair.data!.id, 0, Buffer.from(reply.head + body, 'latin1')));
			if (request.close) this.closePair(pair, requestId);
		}
	}

	private closePair(pair: Pair, requestId: string): void {
		if (pair.closed) return;
		pair.closed = true;
		for (const stream of [pair.data, pair.error]) {
			if (!stream) continue;
			this.socket.write(dataFrame(stream.id, flagFin, Buffer.alloc(0)));
			this.byStream.delete(stream.id);
		}
		this.pairs.delete(requestId);
	}

	private reset(id: number): void {
		const entry = this.byStream.get(id);
		if (entry) this.closePair(entry.pair, entry.requestId);
		this.byStream.delete(id);
	}
}

/** The port-forward endpoint of one API server: upgrades requests and keeps the sessions, so closing the server ends them. */
export class PortForwardServer {
	private readonly sessions = new Set<ForwardSession>();

	constructor(private readonly cluster: Cluster) {}

	/** Upgrade a SPDY request for `pods/NAME/portforward`; a WebSocket tunnel or a pod that is not running is refused with a Status. */
	upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, target: ResourceTarget): void {
		const upgrade = String(request.headers.upgrade ?? '').toLowerCase();
		if (upgrade !== 'spdy/3.1') throw badRequest('port-forward is served over SPDY/3.1 (Upgrade: SPDY/3.1); the WebSocket tunnel is not supported');
		const protocols = String(request.headers['x-stream-protocol-version'] ?? '').split(',').map(p => p.trim());
		if (!protocols.includes('portforward.k8s.io')) throw badRequest(`unable to upgrade: no common protocol: client supports [${protocols.join(' ')}], server supports [portforward.k8s.io]`);
		const name = target.name!;
		const pod = this.cluster.get('Pod', name, target.namespace);
		if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`, {name, kind: 'pods'});
		if (pod.status?.phase !== 'Running') throw badRequest(`unable to upgrade connection: pod does not exist`);
		socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
		const session = new ForwardSession(this.cluster, socket, {name, namespace: target.namespace});
		this.sessions.add(session);
		socket.on('close', () => this.sessions.delete(session));
		if (head.length > 0) session.receive(head);
	}

	close(): void {
		for (const session of this.sessions) session.end();
		this.sessions.clear();
	}
}
