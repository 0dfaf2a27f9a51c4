import type {ExecContext, ExecHandler, ExecOutput} from './commands.js';
import {FsError, normalizePath} from './filetree.js';

/**
 * busybox `wget` and `curl`: one GET over the cluster network from the pod
 * (see network/pod-network.ts), with the clients' own messages. A
 * connection that is dropped (a NetworkPolicy, a node that is down) takes
 * the client's timeout before it fails: busybox wget's `-T` (900 s by
 * default), curl's `--connect-timeout` or `-m`.
 */

const reasons: Record<number, string> = {
	200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
	403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

type Url = {host: string; port: number; path: string};

function parseUrl(text: string): Url | undefined {
	const match = /^(?:(https?):\/\/)?([^/:?#]+)(?::(\d+))?([^#]*)?$/.exec(text);
	if (!match) return undefined;
	const scheme = match[1] ?? 'http';
	const port = match[3] ? Number(match[3]) : scheme === 'https' ? 443 : 80;
	let path = match[4] || '/';
	if (!path.startsWith('/')) path = `/${path}`;
	return {host: match[2]!, port, path};
}

/** The host of a `Host: name` header; undefined for any other header. */
function hostOf(header: string | undefined): string | undefined {
	const match = /^\s*host\s*:\s*(\S+)\s*$/i.exec(header ?? '');
	return match?.[1];
}

function seconds(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function save(context: ExecContext, file: string, body: string): string | undefined {
	try {
		context.fs.write(normalizePath(file, context.cwd), body);
		return undefined;
	} catch (error) {
		if (!(error instanceof FsError)) throw error;
		return error.reason;
	}
}

const wget: ExecHandler = context => {
	const {argv} = context;
	let quiet = false;
	let output: string | undefined;
	let timeout = 900;
	let spider = false;
	let target: string | undefined;
	let hostHeader: string | undefined;
	for (let i = 1; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--header' || arg.startsWith('--header=')) hostHeader = hostOf(arg === '--header' ? argv[++i] : arg.slice(9)) ?? hostHeader;
		else if (arg === '-q' || arg === '--quiet') quiet = true;
		else if (arg === '-O') output = argv[++i];
		else if (arg.startsWith('-O')) output = arg.slice(2);
		else if (arg === '-T') timeout = seconds(argv[++i]) ?? timeout;
		else if (arg.startsWith('--timeout=')) timeout = seconds(arg.slice(10)) ?? timeout;
		else if (arg === '--spider' || arg === '-s') spider = true;
		else if (arg === '-qO-' || arg === '-qO') {
			quiet = true;
			output = arg === '-qO-' ? '-' : argv[++i];
		} else if (!arg.startsWith('-')) target = arg;
	}
	if (!target) return {stderr: 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n', exitCode: 1};
	const url = parseUrl(target);
	if (!url) return {stderr: `wget: bad address '${target}'\n`, exitCode: 1};
	const reply = context.request?.(url.host, url.port, url.path, hostHeader) ?? {error: 'bad address' as const};
	if ('error' in reply && reply.error === 'bad address') return {stderr: `wget: bad address '${url.host}'\n`, exitCode: 1};
	const connecting = quiet ? '' : `Connecting to ${url.host} (${reply.ip}:${url.port})\n`;
	if ('error' in reply) {
		if (reply.error === 'refused') return {stderr: `${connecting}wget: can't connect to remote host (${reply.ip}): Connection refused\n`, exitCode: 1};
		return {stderr: `${connecting}wget: download timed out\n`, exitCode: 1, delayMs: timeout * 1000};
	}
	if (reply.status >= 400) return {stderr: `${connecting}wget: server returned error: HTTP/1.1 ${reply.status} ${reply.reason ?? reasons[reply.status] ?? ''}\n`, exitCode: 1};
	if (spider) return {stderr: quiet ? '' : `${connecting}remote file exists\n`};
	const size = Buffer.byteLength(reply.body);
	if (output === '-') {
		const progress = quiet ? '' : `writing to stdout\n-                    100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA\nwritten to stdout\n`;
		return {stdout: reply.body, stderr: connecting + progress};
	}
	const file = output ?? (url.path.replace(/[?#].*$/, '').split('/').pop() || 'index.html');
	const problem = save(context, file, reply.body);
	if (problem) return {stderr: `${connecting}wget: can't open '${file}': ${problem}\n`, exitCode: 1};
	return {stderr: quiet ? '' : `${connecting}saving to '${file}'\n${file.padEnd(20)} 100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA\n'${file}' saved\n`};
};

const curl: ExecHandler = context => {
	const {argv} = context;
	let silent = false;
	let showError = false;
	let fail = false;
	let output: string | undefined;
	let maxTime: number | undefined;
	let connectTimeout: number | undefined;
	let target: string | undefined;
	let hostHeader: string | undefined;
	let include = false;
	const resolve = new Map<string, string>();
	for (let i = 1; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '-H' || arg === '--header') hostHeader = hostOf(argv[++i]) ?? hostHeader;
		else if (arg === '--resolve') {
			// host:port:address
			const [name, port, address] = (argv[++i] ?? '').split(':');
			if (name && port && address) resolve.set(`${name}:${port}`, address);
		} else if (arg === '-i' || arg === '--include') include = true;
		else if (arg === '--max-time' || arg === '-m') maxTime = seconds(argv[++i]);
		else if (arg === '--connect-timeout') connectTimeout = seconds(argv[++i]);
		else if (arg === '-o' || arg === '--output') output = argv[++i];
		else if (arg === '--silent') silent = true;
		else if (arg === '--show-error') showError = true;
		else if (arg === '--fail') fail = true;
		else if (/^-[a-zA-Z]+$/.test(arg)) {
			if (arg.includes('s')) silent = true;
			if (arg.includes('S')) showError = true;
			if (arg.includes('f')) fail = true;
			if (arg.includes('i')) include = true;
			if (arg.endsWith('o')) output = argv[++i];
			else if (arg.endsWith('m')) maxTime = seconds(argv[++i]);
		} else if (!arg.startsWith('-')) target = arg;
	}
	const error = (code: number, message: string, delayMs?: number): ExecOutput => ({stderr: !silent || showError ? `curl: (${code}) ${message}\n` : '', exitCode: code, ...(delayMs ? {delayMs} : {})});
	if (!target) return {stderr: "curl: try 'curl --help' or 'curl --manual' for more information\n", exitCode: 2};
	const url = parseUrl(target);
	if (!url) return error(3, `URL rejected: Malformed input to a URL function`);
	// --resolve sends the connection to the address given and keeps the name in the Host header.
	const address = resolve.get(`${url.host}:${url.port}`);
	const reply = context.request?.(address ?? url.host, url.port, url.path, hostHeader ?? (address ? url.host : undefined)) ?? {error: 'bad address' as const};
	if ('error' in reply) {
		if (reply.error === 'bad address') return error(6, `Could not resolve host: ${url.host}`);
		if (reply.error === 'refused') return error(7, `Failed to connect to ${url.host} port ${url.port} after 0 ms: Couldn't connect to server`);
		// Linux gives up on a connection with no answer after about 130 s of SYN retries.
		const waited = Math.min(...[connectTimeout, maxTime, 130].filter((v): v is number => v !== undefined)) * 1000;
		return error(28, `Failed to connect to ${url.host} port ${url.port} after ${Math.round(waited)} ms: Timeout was reached`, waited);
	}
	if (fail && reply.status >= 400) return error(22, `The requested URL returned error: ${reply.status}`);
	if (output !== undefined && output !== '-') {
		const problem = save(context, output, reply.body);
		if (problem) return error(23, `Failure writing output to destination, passed ${Buffer.byteLength(reply.body)} returned 0`);
		return {};
	}
	const head = include ? `HTTP/1.1 ${reply.status} ${reply.reason ?? reasons[reply.status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(reply.body)}\r\n\r\n` : '';
	return {stdout: head + reply.body};
};

/** Registered with the builtins (see commands.ts). */
export const httpClientCommands: Readonly<Record<string, ExecHandler>> = {wget, curl};
