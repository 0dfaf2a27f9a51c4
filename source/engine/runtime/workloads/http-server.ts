import type {Behaviour} from './images.js';
import {normalizePath, type FileSystem} from '../filetree.js';
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
	/** A call of the serving process (the file a static server opens). */
	trace(name: string, args: string, ret: number | string): void;
};

export type ServerResponse = {status: number; body: string; bytes: number};

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
			const content = fs.read(target);
			server.trace('openat', `AT_FDCWD, ${quoteBuffer(target, 64)}, O_RDONLY|O_NONBLOCK`, content === undefined ? '-1 ENOENT (No such file or directory)' : 17);
			if (method !== 'GET' && method !== 'HEAD') return reply(405, errorPage(behaviour, 405, server.version));
			if (content === undefined) return reply(404, errorPage(behaviour, 404, server.version));
			return reply(200, method === 'HEAD' ? '' : content);
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

/** accept4, recvfrom, writev, the access-log write and close of one served request. */
export function requestCalls(at: number, pid: number, fd: number, listenFd: number, clientPort: number, from: string, method: string, path: string, host: string, status: number, size: number, accessLine: string | undefined): Syscall[] {
	const steps: Step[] = [
		[pid, 'accept4', `${listenFd}, {sa_family=AF_INET, sin_port=htons(${clientPort}), sin_addr=inet_addr("${from}")}, [16], SOCK_CLOEXEC|SOCK_NONBLOCK`, fd],
		[pid, 'recvfrom', `${fd}, ${quoteBuffer(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`)}, 1024, 0, NULL, NULL`, 78 + path.length],
		[pid, 'writev', `${fd}, [{iov_base=${quoteBuffer(`HTTP/1.1 ${status} ${statusText(status)}\r\n`)}, iov_len=247}], 1`, 247 + size],
	];
	if (accessLine) steps.push([pid, 'write', `1, ${quoteBuffer(`${accessLine}\n`)}, ${accessLine.length + 1}`, accessLine.length + 1]);
	steps.push([pid, 'close', String(fd), 0]);
	return spellSteps(at, steps);
}

function statusText(status: number): string {
	return {200: 'OK', 403: 'Forbidden', 404: 'Not Found', 405: 'Not Allowed', 500: 'Internal Server Error'}[status] ?? 'OK';
}

function errorPage(behaviour: ServerBehaviour, status: number, version: string): string {
	const text = `${status} ${statusText(status)}`;
	if (behaviour.accessLog === 'httpd') return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${text}</title>\n</head><body>\n<h1>${statusText(status)}</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`;
	return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}
