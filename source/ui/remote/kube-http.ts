/**
 * Requests to a real API server with the kubeconfig's credentials
 * (client-node's `applyToHTTPSOptions`: its CA, client certificate, bearer
 * token or exec plug-in). An answer other than 2xx becomes a `KubeApiError`
 * carrying the server's Status: its message is already in the API server's
 * words (`deployments.apps "x" not found`, `pods is forbidden: User "jane"
 * cannot list resource "pods" in API group "" in the namespace "shop"`).
 */
import http from 'node:http';
import https from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node';

/** A Status the server answered with (or a transport failure, code 0). */
export class KubeApiError extends Error {
	readonly code: number;
	readonly reason: string;
	constructor(message: string, code: number, reason = '') {
		super(message);
		this.code = code;
		this.reason = reason;
	}
}

export type RequestOptions = {
	method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	/** Query parameters; undefined values are left out. */
	query?: Record<string, string | number | boolean | undefined>;
	body?: unknown;
	/** Content type of the body (patches name their kind: strategic merge, merge, JSON patch). */
	contentType?: string;
	/** Give up after this many ms (default 30 s). */
	timeoutMs?: number;
	signal?: AbortSignal;
};

/** Requests with one kubeconfig's current context. */
export class KubeHttp {
	constructor(readonly config: KubeConfig) {}

	/** The API server's URL of the current context. */
	server(): string {
		const cluster = this.config.getCurrentCluster();
		if (!cluster) throw new KubeApiError('error: the current context names no cluster', 0);
		return cluster.server;
	}

	/** One JSON request; resolves with the parsed body. */
	async request<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
		const url = new URL(this.server().replace(/\/$/, '') + path);
		for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
		const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
		const requestOptions: https.RequestOptions = {
			method: options.method ?? 'GET',
			headers: {
				Accept: 'application/json',
				...(body ? {'Content-Type': options.contentType ?? 'application/json', 'Content-Length': String(body.length)} : {}),
			},
		};
		await this.config.applyToHTTPSOptions(requestOptions);
		const transport = url.protocol === 'http:' ? http : https;
		return new Promise<T>((resolve, reject) => {
			const request = transport.request(url, {...requestOptions, signal: options.signal}, response => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('error', error => reject(transportError(error, url)));
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					const status = response.statusCode ?? 0;
					let parsed: unknown;
					try {
						parsed = text ? JSON.parse(text) : undefined;
					} catch {
						parsed = undefined;
					}
					if (status >= 200 && status < 300) {
						resolve(parsed as T);
						return;
					}
					const object = parsed as {kind?: string; message?: string; reason?: string} | undefined;
					const message = object?.kind === 'Status' && object.message ? object.message : `the server responded with ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
					reject(new KubeApiError(message, status, object?.reason ?? ''));
				});
			});
			request.setTimeout(options.timeoutMs ?? 30_000, () => request.destroy(new Error('request timed out')));
			request.on('error', error => reject(transportError(error, url)));
			if (body) request.write(body);
			request.end();
		});
	}

	/**
	 * A streamed GET (`logs -f`): `onData` hears each chunk of a 2xx body;
	 * `onEnd` hears how it ended (an error for a refused request or a lost
	 * connection). Returns the function that stops it.
	 */
	stream(path: string, query: RequestOptions['query'], onData: (text: string) => void, onEnd: (error?: KubeApiError) => void): () => void {
		const controller = new AbortController();
		let ended = false;
		const end = (error?: KubeApiError) => {
			if (ended) return;
			ended = true;
			onEnd(error);
		};
		void (async () => {
			const url = new URL(this.server().replace(/\/$/, '') + path);
			for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
			const requestOptions: https.RequestOptions = {method: 'GET', headers: {Accept: '*/*'}};
			await this.config.applyToHTTPSOptions(requestOptions);
			const transport = url.protocol === 'http:' ? http : https;
			const request = transport.request(url, {...requestOptions, signal: controller.signal}, response => {
				const status = response.statusCode ?? 0;
				response.setEncoding('utf8');
				if (status < 200 || status >= 300) {
					let text = '';
					response.on('data', (chunk: string) => (text += chunk));
					response.on('end', () => {
						let message = `the server responded with ${status}`;
						try {
							const object = JSON.parse(text) as {kind?: string; message?: string};
							if (object.kind === 'Status' && object.message) message = object.message;
						} catch {
							// Not a Status: keep the code.
						}
						end(new KubeApiError(message, status));
					});
					return;
				}
				response.on('data', (chunk: string) => onData(chunk));
				response.on('end', () => end());
				response.on('error', error => end(transportError(error, url)));
			});
			request.on('error', error => end(controller.signal.aborted ? undefined : transportError(error, url)));
			request.end();
		})().catch((error: Error) => end(transportError(error, new URL(this.server()))));
		return () => {
			ended = true;
			controller.abort();
		};
	}

}

/** kubectl's words for a server it cannot reach. */
function transportError(error: Error & {code?: string}, url: URL): KubeApiError {
	if (error.name === 'AbortError') return new KubeApiError('the request was cancelled', 0, 'Aborted');
	const message = error.code === 'ECONNREFUSED'
		? `The connection to the server ${url.host} was refused - did you specify the right host or port?`
		: `Unable to connect to the server: ${error.message}`;
	return new KubeApiError(message, 0, 'Unreachable');
}

/** `/api/v1/namespaces/ns/pods/name`, `/apis/apps/v1/deployments`, ... */
export function resourcePath(type: {group: string; version: string; plural: string; namespaced: boolean}, namespace?: string, name?: string, subresource?: string): string {
	const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
	const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
	return `${base}${ns}/${type.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}${subresource ? `/${subresource}` : ''}`;
}
