/**
 * The Kubernetes API on loopback: discovery, OpenAPI and REST over one
 * cluster, for real kubectl and any other client. It only serves; time moves
 * when its owner advances the cluster (the `serve` command from a real-time
 * loop, tests by hand).
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {ApiMetrics} from './metrics.js';
import {createServer, type Server} from 'node:https';
import type {Socket} from 'node:net';
import {createPrivateKey, randomBytes} from 'node:crypto';
import {keptOrNewKey} from './key-file.js';
import type {AddressInfo} from 'node:net';
import type {Duplex} from 'node:stream';
import {newAuthorityKey, type Cluster} from '../engine/index.js';
import {aggregatedDiscovery, aggregatedVersion, apiGroupList, apiResourceList, apiVersions, serverVersion} from './discovery.js';
import {sendJson, sendStatus} from './http.js';
import {openapiDocument, openapiRoot} from './openapi.js';
import {parsePath, servedTypes, type Target} from './paths.js';
import {authorizeRequest, confirmReadOnly, requestAttributes, requestUser, type Authenticator} from './authorization.js';
import {handleResource} from './resources.js';
import {badRequest, methodNotAllowed, notFoundPath, statusFromError} from './status.js';
import {TokenIssuer} from './tokens.js';
import {ExecServer, refuseUpgrade} from './exec.js';
import {PortForwardServer} from './port-forward.js';
import {servingCertificate, type Credentials} from './tls.js';
import {WatchCache} from './watch.js';
import {healthBody} from './health.js';

export type ApiServerOptions = {
	/** Port on 127.0.0.1; 0 picks a free one. */
	port?: number;
	/** Bearer token every request must carry; a random one when absent. */
	token?: string;
	/** Key and certificate to serve with; a fresh self-signed pair when absent. */
	tls?: Credentials;
	/** Where the key that signs ServiceAccount tokens is kept, so they outlast a restart (`TokenIssuer`); absent, a key of this server's own. */
	serviceAccountKeyFile?: string;
	/**
	 * Where the key of the cluster's certificate authority is kept (made
	 * there at the first start): the cluster signs approved
	 * CertificateSigningRequests with it, and the server takes the client
	 * certificates it signed, after a restart too. Absent, the cluster's own
	 * (made from its seed).
	 */
	certificateAuthorityKeyFile?: string;
	/** Changes kept for watches to resume from (default 20000); older versions get 410 Expired. */
	watchCacheSize?: number;
	/** Serve reads only: every write is refused with 403 Forbidden (the dashboard's --readonly). */
	readOnly?: boolean;
};

export type ApiServer = {
	/** `https://127.0.0.1:PORT` */
	url: string;
	port: number;
	token: string;
	/** What clients trust the server by (PEM): the cluster's certificate authority, which signed the server's certificate (or the certificate given in `tls`). */
	certificate: string;
	/** How many watches are open now. */
	watchers: () => number;
	/** Stop listening and end every open watch. */
	close: () => Promise<void>;
};

async function serve(cluster: Cluster, watchCache: WatchCache, authenticator: Authenticator, metrics: ApiMetrics, readOnly: boolean, address: () => string, request: IncomingMessage, response: ServerResponse): Promise<void> {
	const user = requestUser(cluster, request, authenticator);
	const url = new URL(request.url ?? '/', 'http://127.0.0.1');
	const types = servedTypes(cluster);
	const method = request.method ?? 'GET';
	let target: Target;
	try {
		target = parsePath(url.pathname, types);
	} catch (error) {
		// An unknown path is a non-resource request: an impersonated user learns nothing the authorizer would not tell it.
		authorizeRequest(cluster, user, {verb: method === 'GET' ? 'get' : method.toLowerCase(), path: url.pathname});
		throw error;
	}
	// Counted once answered, refusals included, as kube-apiserver counts them.
	if (target.kind === 'resource') metrics.track(request, response, target, url.searchParams);
	const attributes = requestAttributes(method, target, url.pathname, url.searchParams);
	authorizeRequest(cluster, user, attributes);
	if (target.kind !== 'resource' && method !== 'GET') throw methodNotAllowed(method);
	if (readOnly) confirmReadOnly(user, attributes);
	const accept = request.headers.accept;
	switch (target.kind) {
		case 'version': return sendJson(response, 200, serverVersion);
		case 'metrics': {
			const text = metrics.text(cluster, types);
			response.writeHead(200, {'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text)});
			response.end(text);
			return;
		}
		case 'health': {
			response.writeHead(200, {'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff'});
			response.end(healthBody(target.endpoint, target.check, url.searchParams));
			return;
		}
		case 'root': return sendJson(response, 200, {paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/metrics', '/openapi/v3', '/readyz', '/version']});
		case 'legacy': {
			const aggregated = aggregatedVersion(accept);
			if (aggregated) return sendJson(response, 200, aggregatedDiscovery(types, true, aggregated), `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`);
			return sendJson(response, 200, apiVersions(address()));
		}
		case 'groups': {
			const aggregated = aggregatedVersion(accept);
			if (aggregated) return sendJson(response, 200, aggregatedDiscovery(types, false, aggregated), `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`);
			return sendJson(response, 200, apiGroupList(types));
		}
		case 'groupVersion': return sendJson(response, 200, apiResourceList(types, target.group, target.version));
		case 'openapiRoot': return sendJson(response, 200, openapiRoot(cluster, types));
		case 'openapi': return sendJson(response, 200, openapiDocument(cluster, types, target.group, target.version));
		case 'openapiV2': throw notFoundPath();
		case 'resource': return handleResource({cluster, watchCache, request, response, query: url.searchParams, target, user, tokens: authenticator.tokens});
	}
}

/** The file in the config dir that keeps the key signing ServiceAccount tokens (the dashboard's API and `kubarium serve` share it). */
export const serviceAccountKeyName = 'service-account.key';
/** The file in the config dir that keeps the key of the clusters' certificate authority (shared as that one is). */
export const certificateAuthorityKeyName = 'ca.key';

/** Start serving `cluster` on 127.0.0.1. */
export function startApiServer(cluster: Cluster, options: ApiServerOptions = {}): Promise<ApiServer> {
	const token = options.token ?? randomBytes(24).toString('hex');
	const authenticator: Authenticator = {token, tokens: new TokenIssuer(options.serviceAccountKeyFile)};
	if (options.certificateAuthorityKeyFile) {
		const key = keptOrNewKey(options.certificateAuthorityKeyFile, 'ed25519', () => createPrivateKey(newAuthorityKey()));
		cluster.useCertificateAuthority(key.export({type: 'pkcs8', format: 'pem'}) as string);
	}
	// Signed by the authority the cluster has now (its own key, kept in the config dir).
	const tls = options.tls ?? servingCertificate(cluster);
	const authority = cluster.certificateAuthority();
	const watchCache = new WatchCache(cluster, options.watchCacheSize);
	const metrics = new ApiMetrics();
	const execs = new ExecServer(cluster);
	const forwards = new PortForwardServer(cluster);
	let port = 0;
	// Clients may authenticate with a certificate the cluster's authority signed (one a CertificateSigningRequest got): asked for, never required.
	const server: Server = createServer({key: tls.key, cert: tls.cert, requestCert: true, rejectUnauthorized: false, ca: authority}, (request, response) => {
		serve(cluster, watchCache, authenticator, metrics, options.readOnly ?? false, () => `127.0.0.1:${port}`, request, response).catch(error => {
			// Drain what the client still sends, so the reply is read.
			request.resume();
			sendStatus(response, statusFromError(error));
		});
	});
	server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
		try {
			const user = requestUser(cluster, request, authenticator);
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			const target = parsePath(url.pathname, servedTypes(cluster));
			if (target.kind !== 'resource' || !['exec', 'attach', 'portforward'].includes(target.subresource ?? '')) throw badRequest('only pods/exec, pods/attach and pods/portforward can be upgraded');
			const attributes = requestAttributes(request.method ?? 'GET', target, url.pathname, url.searchParams);
			authorizeRequest(cluster, user, attributes);
			if (options.readOnly) confirmReadOnly(user, attributes);
			if (target.subresource === 'portforward') forwards.upgrade(request, socket, head, target);
			else execs.upgrade(request, socket, head, target, url.searchParams);
		} catch (error) {
			refuseUpgrade(socket, statusFromError(error));
		}
	});
	server.on('clientError', (_error, socket) => socket.destroy());
	// Every connection, from its first byte: one still in its TLS handshake when the server closes is not yet
	// among the HTTP connections closeAllConnections ends, and would go on to open a watch that holds close open.
	const sockets = new Set<Socket>();
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	server.on('tlsClientError', () => {});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			port = (server.address() as AddressInfo).port;
			resolve({
				url: `https://127.0.0.1:${port}`,
				port,
				token,
				certificate: options.tls ? tls.cert : authority,
				watchers: () => watchCache.size,
				close: () => new Promise(done => {
					watchCache.close();
					execs.close();
					forwards.close();
					server.close(() => done());
					server.closeAllConnections();
					for (const socket of sockets) socket.destroy();
				}),
			});
		});
	});
}
