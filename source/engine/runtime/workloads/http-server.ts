import type {Behaviour} from './images.js';
import {normalizePath, type FileStat, type FileSystem} from '../filetree.js';
import {quoteBuffer, type Syscall} from '../syscalls.js';
import {spellSteps, type Step} from '../recipes.js';

/**
 * How the mock web servers answer HTTP: the response by the image's `http`
 * kind (static files, echo, hello-app, liveness, netexec, whoami, ...), their
 * error pages, and the system calls of one served request.
 */

export type ServerBehaviour = Extract<Behaviour, {kind: 'server'}>;

/** One request as the server sees it. */
export type ServedRequest = {method: string; path: string; from: string; userAgent: string; port: number};

/** What the server may read about itself while it answers. */
export type ServerContext = {
	hostname: string;
	podIP: string;
	version: string;
	startedAt: number;
	now: number;
	/** The container's filesystem (read only when the server serves files). */
	fs(): FileSystem;
};

/** The file a static server looked up for a request: its stat, or none when it does not exist. */
export type ServedFile = {path: string; stat?: FileStat};

export type ServerResponse = {
	status: number;
	body: string;
	bytes: number;
	/** The file a static server opened (or failed to open) to answer. */
	file?: ServedFile;
};

/** The response of a server with `behaviour` to `request`. */
export function serverResponse(behaviour: ServerBehaviour, request: ServedRequest, server: ServerContext): ServerResponse {
	const {method, path, from, userAgent, port} = request;
	const {hostname, podIP: ip, now} = server;
	const reply = (status: number, body: string) => ({status, body, bytes: Buffer.byteLength(body)});
	const cleanPath = path.split('?')[0] ?? '/';
	switch (behaviour.http) {
		case 'static': {
			const fs = server.fs();
			const root = behaviour.docroot ?? '/usr/share/nginx/html';
			let target = normalizePath(`${root}/${cleanPath}`);
			if (fs.stat(target)?.type === 'dir') target = `${target}/index.html`;
			// The static handler refuses other methods before it looks for the file.
			if (method !== 'GET' && method !== 'HEAD') return reply(405, errorPage(behaviour, 405, server.version));
			const content = fs.read(target);
			const stat = content === undefined ? undefined : fs.stat(target);
			if (content === undefined || !stat) return {...reply(404, errorPage(behaviour, 404, server.version)), file: {path: target}};
			return {...reply(200, method === 'HEAD' ? '' : content), file: {path: target, stat}};
		}
		case 'echo':
			return reply(200, `CLIENT VALUES:\nclient_address=${from}\ncommand=${method}\nreal path=${cleanPath}\nquery=nil\nrequest_version=1.1\nrequest_uri=http://${ip}:${port}${path}\n\nSERVER VALUES:\nserver_version=nginx: 1.10.0 - lua: 10001\n\nHEADERS RECEIVED:\naccept=*/*\nhost=${ip}:${port}\nuser-agent=${userAgent}\nBODY:\n-no body in request-`);
		case 'hello-app':
			return reply(200, `Hello, world!\nVersion: ${server.version}\nHostname: ${hostname}\n`);
		case 'ok':
			return reply(200, 'OK!');
		case 'liveness': {
			const age = now - server.startedAt;
			if (cleanPath !== '/healthz') return reply(404, '404 page not found\n');
			return age < 10_000 ? reply(200, 'ok') : reply(500, `error: ${(age / 1000).toFixed(6)}`);
		}
		case 'netexec':
			if (cleanPath === '/hostname') return reply(200, hostname);
			if (cleanPath === '/healthz') return reply(200, 'ok');
			return reply(200, `NOW: ${new Date(now).toISOString().replace('T', ' ').replace('Z', '000000 +0000 UTC')}`);
		case 'hostname':
			return reply(200, hostname);
		case 'whoami':
			return reply(200, `Hostname: ${hostname}\nIP: 127.0.0.1\nIP: ${ip}\nRemoteAddr: ${from}:${40000 + (now % 20000)}\n${method} ${path} HTTP/1.1\nHost: ${ip}:${port}\nUser-Agent: ${userAgent}\nAccept: */*\n`);
		default:
			return reply(400, '');
	}
}

/** The pod network's gateway (`.1` of the pod's /24): where Services' and probes' requests come from. */
export function gatewayOf(ip: string): string {
	return `${ip.split('.').slice(0, 3).join('.')}.1`;
}

/** One served request as its system calls show it. */
export type RequestCallsInput = {
	pid: number;
	/** The connection's descriptor and the listening socket's. */
	fd: number;
	listenFd: number;
	clientPort: number;
	from: string;
	method: string;
	path: string;
	host: string;
	userAgent: string;
	/** The server's behaviour and version (nginx or httpd headers, sendfile or not). */
	behaviour: ServerBehaviour;
	version: string;
	response: ServerResponse;
	/** Virtual time of the request (the Date header). */
	now: number;
	/** The access-log line written to stdout, when the server logs requests (absent, not undefined, when it does not: a trace is plain JSON). */
	accessLine?: string;
};

/** How many calls `requestCalls` spells out for a request (known before they are spelled). */
export function requestCallCount(input: Pick<RequestCallsInput, 'method' | 'behaviour' | 'response' | 'accessLine'>): number {
	const {file} = input.response;
	const opened = file?.stat !== undefined;
	const sends = usesSendfile(input.behaviour) && opened && input.method !== 'HEAD' ? 1 : 0;
	return 2 + (file ? 1 : 0) + (opened ? 2 : 0) + 1 + sends + (input.accessLine ? 1 : 0) + 1;
}

/**
 * The calls of one served request, in the order strace shows them:
 * accept4, recvfrom of the request, the file opened and fstat'ed (static
 * servers), writev of the headers (nginx sends the body with sendfile;
 * other servers write headers and body in one writev whose return is the
 * sum of its buffers), the access-log line on stdout, close of the file,
 * close of the connection.
 */
export function requestCalls(at: number, input: RequestCallsInput): Syscall[] {
	const {pid, fd, listenFd, clientPort, from, method, path, host, userAgent, behaviour, response, accessLine} = input;
	const request = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${userAgent}\r\nAccept: */*\r\n\r\n`;
	const steps: Step[] = [
		[pid, 'accept4', `${listenFd}, {sa_family=AF_INET, sin_port=htons(${clientPort}), sin_addr=inet_addr("${from}")}, [16], SOCK_CLOEXEC|SOCK_NONBLOCK`, fd],
		[pid, 'recvfrom', `${fd}, ${quoteBuffer(request)}, 1024, 0, NULL, NULL`, Buffer.byteLength(request)],
	];
	const file = response.file;
	const fileFd = fd + 4;
	const stat = file?.stat;
	if (file) steps.push([pid, 'openat', `AT_FDCWD, ${quoteBuffer(file.path, 64)}, O_RDONLY|O_NONBLOCK`, stat ? fileFd : '-1 ENOENT (No such file or directory)']);
	if (stat) steps.push([pid, 'fstat', `${fileFd}, {st_mode=S_IFREG|${(stat.mode & 0o7777).toString(8).padStart(4, '0')}, st_size=${stat.size}, ...}`, 0]);
	const headers = responseHeaders(input);
	const bodyBytes = response.bytes;
	if (stat && usesSendfile(behaviour) && method !== 'HEAD') {
		steps.push([pid, 'writev', `${fd}, [{iov_base=${quoteBuffer(headers)}, iov_len=${Buffer.byteLength(headers)}}], 1`, Buffer.byteLength(headers)]);
		steps.push([pid, 'sendfile', `${fd}, ${fileFd}, [0] => [${stat.size}], ${stat.size}`, stat.size]);
	} else if (bodyBytes > 0) {
		const total = Buffer.byteLength(headers) + bodyBytes;
		steps.push([pid, 'writev', `${fd}, [{iov_base=${quoteBuffer(headers)}, iov_len=${Buffer.byteLength(headers)}}, {iov_base=${quoteBuffer(response.body)}, iov_len=${bodyBytes}}], 2`, total]);
	} else {
		steps.push([pid, 'writev', `${fd}, [{iov_base=${quoteBuffer(headers)}, iov_len=${Buffer.byteLength(headers)}}], 1`, Buffer.byteLength(headers)]);
	}
	if (accessLine) {
		const line = `${accessLine}\n`;
		steps.push([pid, 'write', `1, ${quoteBuffer(line)}, ${Buffer.byteLength(line)}`, Buffer.byteLength(line)]);
	}
	if (stat) steps.push([pid, 'close', String(fileFd), 0]);
	steps.push([pid, 'close', String(fd), 0]);
	return spellSteps(at, steps);
}

/** nginx hands a static file's body to the kernel with sendfile (`sendfile on;`); httpd 2.4 leaves EnableSendfile off. */
function usesSendfile(behaviour: ServerBehaviour): boolean {
	return behaviour.http === 'static' && behaviour.accessLog !== 'httpd';
}

/** The response's status line and headers, as the server sends them. */
export function responseHeaders(input: Pick<RequestCallsInput, 'behaviour' | 'version' | 'response' | 'now'>): string {
	const {behaviour, version, response, now} = input;
	const date = new Date(now).toUTCString();
	const lines = [`HTTP/1.1 ${response.status} ${statusText(response.status)}`];
	const stat = response.file?.stat;
	if (behaviour.http === 'static' && behaviour.accessLog === 'httpd') {
		lines.push(`Date: ${date}`, `Server: Apache/${version} (Unix)`);
		if (stat) lines.push(`Last-Modified: ${new Date(stat.mtime).toUTCString()}`, `ETag: "${stat.size.toString(16)}-${Math.floor(stat.mtime / 1000).toString(16)}"`, 'Accept-Ranges: bytes');
		lines.push(`Content-Length: ${stat ? stat.size : response.bytes}`, `Content-Type: text/html${stat ? '' : '; charset=iso-8859-1'}`);
	} else if (behaviour.http === 'static') {
		lines.push(`Server: nginx/${version}`, `Date: ${date}`, 'Content-Type: text/html', `Content-Length: ${stat ? stat.size : response.bytes}`);
		if (stat) lines.push(`Last-Modified: ${new Date(stat.mtime).toUTCString()}`);
		lines.push('Connection: keep-alive');
		if (stat) lines.push(`ETag: "${Math.floor(stat.mtime / 1000).toString(16)}-${stat.size.toString(16)}"`, 'Accept-Ranges: bytes');
	} else {
		lines.push(`Date: ${date}`, `Content-Length: ${response.bytes}`, 'Content-Type: text/plain; charset=utf-8');
	}
	return `${lines.join('\r\n')}\r\n\r\n`;
}

function statusText(status: number): string {
	return {200: 'OK', 403: 'Forbidden', 404: 'Not Found', 405: 'Not Allowed', 500: 'Internal Server Error'}[status] ?? 'OK';
}

function errorPage(behaviour: ServerBehaviour, status: number, version: string): string {
	const text = `${status} ${statusText(status)}`;
	if (behaviour.accessLog === 'httpd') return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${text}</title>\n</head><body>\n<h1>${statusText(status)}</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`;
	return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}
