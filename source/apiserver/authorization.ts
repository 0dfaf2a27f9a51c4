/**
 * Who a request is, and whether it may. The server's own bearer token is the
 * admin user (kind's `kubernetes-admin`, cluster-admin through its group); a
 * ServiceAccount token the server issued (`kubectl create token`) is that
 * account. A user may act as another with the `Impersonate-User` and
 * `Impersonate-Group` headers (`kubectl --as`, `--as-group`) when RBAC lets it
 * impersonate them (the admin always may). Every user but the admin itself is
 * authorized with RBAC through the engine's authorizer, and refused with the
 * API server's 403 Status.
 */
import {timingSafeEqual} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import type {TLSSocket} from 'node:tls';
import {adminUser, forbiddenMessage, userGroups, type AccessAttributes, type Cluster, type UserInfo} from '../engine/index.js';
import type {Target} from './paths.js';
import {ApiError, unauthorized} from './status.js';
import type {TokenIssuer} from './tokens.js';

/** The user a request acts as, and whether RBAC decides what it may do (everyone but the admin's own token). */
export type RequestUser = UserInfo & {impersonated: boolean};

/** What a request's bearer token is checked against: the admin's token, and the ServiceAccount tokens the server issued. */
export type Authenticator = {token: string; tokens: TokenIssuer};

function isToken(given: string, wanted: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(wanted);
	return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The user a request names, before impersonation: the common name and
 * organizations of a client certificate the cluster's authority signed
 * (kube-apiserver's x509 authenticator comes first); else its bearer
 * token's, the admin or a ServiceAccount. 401 Unauthorized when neither
 * names one: no certificate and a missing or unknown token, an expired
 * one, one whose account is gone.
 */
function tokenUser(cluster: Cluster, request: IncomingMessage, authenticator: Authenticator): RequestUser {
	const socket = request.socket as TLSSocket;
	const certificate = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
	if (certificate?.raw) {
		const identity = cluster.clientCertificateUser(certificate.raw);
		if ('user' in identity) return {user: identity.user, groups: userGroups(identity.user, identity.groups), impersonated: true};
	}
	const header = request.headers.authorization ?? '';
	if (!header.startsWith('Bearer ')) throw unauthorized();
	const token = header.slice('Bearer '.length).trim();
	if (isToken(token, authenticator.token)) return {...adminUser, groups: [...adminUser.groups], impersonated: false};
	const account = authenticator.tokens.authenticate(cluster, token);
	if (!account) throw unauthorized();
	return {user: account, groups: userGroups(account), impersonated: true};
}

function headerValues(request: IncomingMessage, name: string): string[] {
	const values = request.headersDistinct?.[name] ?? [];
	return values.map(v => v.trim()).filter(v => v !== '');
}

/** The user the request acts as: the token's, or the one its impersonation headers name (when the token's user may impersonate it). */
export function requestUser(cluster: Cluster, request: IncomingMessage, authenticator: Authenticator): RequestUser {
	const token = tokenUser(cluster, request, authenticator);
	const users = headerValues(request, 'impersonate-user');
	const groups = headerValues(request, 'impersonate-group');
	const uid = headerValues(request, 'impersonate-uid');
	if (users.length === 0) {
		if (groups.length > 0 || uid.length > 0) {
			throw new ApiError(500, 'InternalError', `Internal error occurred: requested [${groups.map(g => `{Group  ${g}  authentication.k8s.io/v1  }`).join(' ')}] without impersonating a user`);
		}
		return token;
	}
	if (users.length > 1) throw new ApiError(400, 'BadRequest', 'only one Impersonate-User header may be sent');
	const user = users[0]!;
	// The impersonation filter: the user first, then each group, each an `impersonate` the token's user must be allowed.
	for (const [resource, name] of [['users', user], ...groups.map(group => ['groups', group])] as Array<[string, string]>) {
		authorizeRequest(cluster, token, {verb: 'impersonate', resource, name});
	}
	return {user, groups: userGroups(user, groups), impersonated: true};
}

const verbByMethod: Record<string, string> = {POST: 'create', PUT: 'update', PATCH: 'patch'};

/** The authorization attributes of a request (`RequestInfoFactory`): verb, resource, subresource, name, namespace; or a non-resource path. */
export function requestAttributes(method: string, target: Target, path: string, query: URLSearchParams): AccessAttributes {
	if (target.kind !== 'resource') return {verb: method === 'GET' || method === 'HEAD' ? 'get' : method.toLowerCase(), path};
	const {type, name, subresource, namespace} = target;
	let verb: string;
	if (method === 'GET' || method === 'HEAD') {
		const watching = query.get('watch') === 'true' || query.get('watch') === '1';
		verb = name !== undefined ? 'get' : watching ? 'watch' : 'list';
	} else if (method === 'DELETE') {
		verb = name !== undefined ? 'delete' : 'deletecollection';
	} else {
		verb = verbByMethod[method] ?? method.toLowerCase();
	}
	// kubectl exec over WebSocket is a GET that creates an exec session.
	if (subresource === 'exec' || subresource === 'portforward') verb = 'create';
	return {
		verb,
		group: type.group,
		resource: type.plural,
		...(subresource ? {subresource} : {}),
		...(name !== undefined ? {name} : {}),
		...(namespace ? {namespace} : {}),
	};
}

/** Refuse an impersonated request RBAC does not allow, with the API server's Forbidden Status. */
export function authorizeRequest(cluster: Cluster, user: RequestUser, attributes: AccessAttributes): void {
	if (!user.impersonated) return;
	if (cluster.authorize(user, attributes).allowed) return;
	const details = attributes.resource === undefined ? undefined : {
		...(attributes.name ? {name: attributes.name} : {}),
		...(attributes.group ? {group: attributes.group} : {}),
		kind: attributes.resource,
	};
	throw new ApiError(403, 'Forbidden', forbiddenMessage(user, attributes), details);
}

/** What a read-only server still answers: reads, the reviews that store nothing, and port-forward. */
const readVerbs = new Set(['get', 'list', 'watch']);
const reviews = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews']);

/**
 * Refuse a write on a server that serves the cluster read-only (the
 * dashboard's --readonly): Forbidden, in the API server's words for a refused
 * request, with the reason after it.
 */
export function confirmReadOnly(user: RequestUser, attributes: AccessAttributes): void {
	if (readVerbs.has(attributes.verb)) return;
	if (attributes.resource !== undefined && reviews.has(attributes.resource)) return;
	if (attributes.resource === 'pods' && attributes.subresource === 'portforward') return;
	const details = attributes.resource === undefined ? undefined : {
		...(attributes.name ? {name: attributes.name} : {}),
		...(attributes.group ? {group: attributes.group} : {}),
		kind: attributes.resource,
	};
	throw new ApiError(403, 'Forbidden', `${forbiddenMessage(user, attributes)}: the cluster is served read-only (kubarium --readonly)`, details);
}
