/**
 * REST over the engine's facade: list, get, watch, create, replace, patch and
 * delete for every kind, plus the scale, log and eviction subresources. A
 * request that fails changes nothing: every write is one facade call that
 * validates before it stores.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {
	apiVersionOf, KubeError, objectSelector, rfc3339,
	type Cluster, type KubeObject, type Manifest, type Pod, type PodSpec, type ResourceType,
} from '../engine/index.js';
import {decodeBody, decodeObjectBody, mediaType, readBody, sendJson} from './http.js';
import {jsonPatch, mergePatch, strategicMergePatch} from './patch.js';
import type {ResourceTarget} from './paths.js';
import {ApiError, badRequest, methodNotAllowed, notFoundPath, statusFromError, type ErrorSubject} from './status.js';
import {tableType, toTable, wantsTable, type IncludeObject} from './tables.js';
import {listPage, listRequest} from './paging.js';
import {afterApply, afterUpdate, managerOf, pruneApplied} from './managed-fields.js';
import type {CachedEvent, WatchCache, WatchFilter} from './watch.js';
import {handleExtra, isExtra} from './extra-apis.js';
import type {RequestUser} from './authorization.js';
import {customPrinter, rbacPrinters} from './tables-rbac-crd.js';
import type {TokenIssuer} from './tokens.js';

const bodyTypes = ['application/json', 'application/yaml'] as const;
const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

export type RequestContext = {
	cluster: Cluster;
	watchCache: WatchCache;
	request: IncomingMessage;
	response: ServerResponse;
	query: URLSearchParams;
	target: ResourceTarget;
	/** Who the request acts as (the token's admin, or an impersonated user). */
	user?: RequestUser;
	/** Issues ServiceAccount tokens (the TokenRequest subresource); none where the server issues none. */
	tokens?: TokenIssuer;
};

function subjectOf(type: ResourceType, name?: string): ErrorSubject {
	return {resource: type.plural, kind: type.kind, group: type.group, name};
}

function resourceName(type: ResourceType): string {
	return type.group ? `${type.plural}.${type.group}` : type.plural;
}

function notFound(type: ResourceType, name: string): ApiError {
	return new ApiError(404, 'NotFound', `${resourceName(type)} "${name}" not found`, {name, ...(type.group ? {group: type.group} : {}), kind: type.plural});
}

/** The object filter of a list or watch: label and field selectors (400 when they do not parse). */
function selectorFilter(query: URLSearchParams): (object: KubeObject) => boolean {
	return objectSelector({labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined}) ?? (() => true);
}

function includeObject(query: URLSearchParams): IncludeObject {
	const value = query.get('includeObject');
	if (value === null || value === '') return 'Metadata';
	if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
	throw badRequest(`includeObject: Unsupported value: "${value}": supported values: "None", "Metadata", "Object"`);
}

/** Serve one request for a resource; every failure becomes a Status. */
export async function handleResource(context: RequestContext): Promise<void> {
	const {request, target} = context;
	const method = request.method ?? 'GET';
	const {type, name, subresource} = target;
	if (isExtra(type)) return handleExtra(context);
	if (subresource === 'scale') return handleScale(context, method);
	if (subresource === 'log') return method === 'GET' ? handleLog(context) : Promise.reject(methodNotAllowed(method));
	// A plain request (no WebSocket upgrade): kubectl before 1.30 asks for SPDY, which is not served.
	if (subresource === 'attach') throw badRequest('Upgrade request required: attach is served over WebSocket (v5.channel.k8s.io), as kubectl 1.30 and newer ask for it; SPDY is not supported');
	if (subresource === 'exec') throw badRequest('Upgrade request required: exec is served over WebSocket (v5.channel.k8s.io), as kubectl 1.30 and newer ask for it; SPDY is not supported');
	if (subresource === 'portforward') throw badRequest('Upgrade request required');
	if (subresource === 'eviction') return method === 'POST' ? handleEviction(context) : Promise.reject(methodNotAllowed(method));
	if (subresource === 'token') return method === 'POST' ? handleTokenRequest(context) : Promise.reject(methodNotAllowed(method));
	if (subresource === 'ephemeralcontainers') return handleEphemeralContainers(context, method);
	if (subresource === 'approval') return handleApproval(context, method);
	if (subresource === 'status' && method !== 'GET') {
		if (type.definition && (method === 'PUT' || method === 'PATCH')) return handleCustomStatus(context, method);
		throw methodNotAllowed(method);
	}
	if (name === undefined) {
		if (method === 'GET') return context.query.get('watch') === 'true' || context.query.get('watch') === '1' ? handleWatch(context) : handleList(context);
		if (method === 'POST') return handleCreate(context);
		if (method === 'DELETE') return handleDeleteCollection(context);
		throw methodNotAllowed(method);
	}
	switch (method) {
		case 'GET': return handleGet(context, name);
		case 'PUT': return handleReplace(context, name);
		case 'PATCH': return handlePatch(context, name);
		case 'DELETE': return handleDelete(context, name);
		default: throw methodNotAllowed(method);
	}
	void type;
}

/**
 * An object as the request's version shows it: a custom object stored in
 * another version its definition serves converts by apiVersion alone
 * (conversion strategy None).
 */
function inVersion<T extends KubeObject | undefined>(type: ResourceType, object: T): T {
	if (!object || !type.definition) return object;
	const apiVersion = apiVersionOf(type);
	return object.apiVersion === apiVersion ? object : {...object, apiVersion} as T;
}

/** The printers of this module's kinds: a custom kind's from its definition's printer columns, and the RBAC kinds'; undefined for the table's own. */
function printerOf(cluster: Cluster, type: ResourceType) {
	return type.definition ? customPrinter(cluster.get('CustomResourceDefinition', type.definition), type.version) : rbacPrinters[type.kind];
}

function listNamespace(context: RequestContext): string | undefined {
	return context.target.type.namespaced ? context.target.namespace : undefined;
}

/**
 * A list in etcd's order: by the key `/registry/<resource>/<namespace>/<name>`,
 * compared byte by byte, so `kubectl get -A` shows namespaces, then names, as
 * a real cluster does.
 */
function inKeyOrder<T extends {metadata: {namespace?: string; name: string}}>(objects: T[]): T[] {
	const keyed = objects.map(object => ({object, key: object.metadata.namespace === undefined ? object.metadata.name : `${object.metadata.namespace}/${object.metadata.name}`}));
	keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return keyed.map(entry => entry.object);
}

function handleList({cluster, watchCache, request, response, query, target}: RequestContext): void {
	const {type} = target;
	const namespace = listNamespace({target} as RequestContext);
	const page = listPage(cluster, watchCache, listRequest(query), {
		kind: type.kind,
		namespace,
		acrossNamespaces: type.namespaced && namespace === undefined,
		matches: selectorFilter(query),
		filtered: Boolean(query.get('labelSelector') || query.get('fieldSelector')),
		inOrder: inKeyOrder,
	});
	const {objects, resourceVersion} = page;
	const more = {...(page.continue ? {continue: page.continue} : {}), ...(page.remainingItemCount !== undefined ? {remainingItemCount: page.remainingItemCount} : {})};
	if (wantsTable(request.headers.accept)) {
		sendJson(response, 200, toTable(type.kind, objects, {now: cluster.now(), resourceVersion, includeObject: includeObject(query), printer: printerOf(cluster, type), page: more}), tableType);
		return;
	}
	sendJson(response, 200, {kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: {resourceVersion, ...more}, items: type.definition ? objects.map(o => inVersion(type, o)) : objects});
}

function getObject(cluster: Cluster, target: ResourceTarget, name: string): KubeObject {
	const object = cluster.get(target.type.kind, name, target.namespace);
	if (!object) throw notFound(target.type, name);
	return object;
}

function handleGet({cluster, request, response, query, target}: RequestContext, name: string): void {
	const object = getObject(cluster, target, name);
	if (wantsTable(request.headers.accept)) {
		sendJson(response, 200, toTable(target.type.kind, [object], {now: cluster.now(), resourceVersion: object.metadata.resourceVersion, includeObject: includeObject(query), printer: printerOf(cluster, target.type)}), tableType);
		return;
	}
	sendJson(response, 200, inVersion(target.type, object));
}

function handleWatch({cluster, watchCache, request, response, query, target}: RequestContext): void {
	const {type} = target;
	const filter: WatchFilter = {kind: type.kind, namespace: listNamespace({target} as RequestContext), matches: selectorFilter(query)};
	const table = wantsTable(request.headers.accept);
	const include = includeObject(query);
	const printer = printerOf(cluster, type);
	const from = query.get('resourceVersion') ?? '';
	let first: CachedEvent[];
	if (from === '' || from === '0') {
		const rv = Number(cluster.resourceVersion);
		first = cluster.list(type.kind, {namespace: filter.namespace}).filter(filter.matches).map(object => ({type: 'ADDED' as const, object, rv}));
	} else {
		if (!/^\d+$/.test(from)) throw badRequest(`resourceVersion: Invalid value: "${from}": must be a non-negative integer`);
		const replay = watchCache.since(Number(from), filter);
		if (!replay) {
			response.writeHead(200, {'Content-Type': table ? tableType : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked'});
			const status = statusFromError(new ApiError(410, 'Expired', `too old resource version: ${from} (${watchCache.oldest})`));
			response.end(`${JSON.stringify({type: 'ERROR', object: status})}\n`);
			return;
		}
		first = replay;
	}
	response.writeHead(200, {'Content-Type': table ? tableType : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked'});
	// As the API server flushes after the header: a client sees its watch open before the first event.
	response.flushHeaders();
	let columnsSent = false;
	const encode = (event: CachedEvent): string => {
		if (!table) return `${JSON.stringify({type: event.type, object: inVersion(type, event.object)})}\n`;
		const object = toTable(type.kind, [event.object], {now: cluster.now(), resourceVersion: event.object.metadata.resourceVersion, includeObject: include, columns: !columnsSent, printer});
		columnsSent = true;
		return `${JSON.stringify({type: event.type, object})}\n`;
	};
	const write = (events: CachedEvent[]) => {
		if (events.length > 0) response.write(events.map(encode).join(''));
	};
	write(first);
	const stop = watchCache.add(filter, write);
	const timers: NodeJS.Timeout[] = [];
	if (query.get('allowWatchBookmarks') === 'true') {
		const bookmark = setInterval(() => {
			const object = {kind: type.kind, apiVersion: apiVersionOf(type), metadata: {resourceVersion: cluster.resourceVersion}};
			response.write(`${JSON.stringify({type: 'BOOKMARK', object})}\n`);
		}, 30_000);
		timers.push(bookmark);
	}
	const timeout = Number(query.get('timeoutSeconds'));
	if (timeout > 0) timers.push(setTimeout(() => response.end(), timeout * 1000));
	const close = () => {
		stop();
		for (const timer of timers) clearTimeout(timer);
	};
	response.on('close', close);
	request.on('close', close);
}

/**
 * The value without nulls, as decoding into the API's Go types leaves it: a
 * null field is the zero value and is not written back (kubectl sends
 * `creationTimestamp: null` in every template it builds).
 */
function withoutNulls(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutNulls);
	if (typeof value !== 'object' || value === null) return value;
	const out: Record<string, unknown> = {};
	for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = withoutNulls(item);
	return out;
}

/** A body for create, replace or apply: kind and apiVersion as the path says, the namespace of the path. */
function checkedManifest(body: unknown, target: ResourceTarget, name?: string): Manifest {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object');
	const manifest = withoutNulls(body) as Manifest;
	const {type} = target;
	manifest.apiVersion ??= apiVersionOf(type);
	manifest.kind ??= type.kind;
	if (manifest.kind !== type.kind || manifest.apiVersion !== apiVersionOf(type)) {
		throw badRequest(`the API version in the data (${String(manifest.apiVersion)}) does not match the expected API version (${apiVersionOf(type)})`);
	}
	if (manifest.metadata !== undefined && (typeof manifest.metadata !== 'object' || manifest.metadata === null || Array.isArray(manifest.metadata))) {
		throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: metadata must be an object`);
	}
	const metadata = (manifest.metadata ??= {});
	if (type.namespaced) {
		const namespace = target.namespace ?? 'default';
		if (metadata.namespace && metadata.namespace !== namespace) {
			throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
		}
		metadata.namespace = namespace;
	}
	if (name !== undefined && metadata.name !== name) {
		throw badRequest(`the name of the object (${String(metadata.name ?? '')}) does not match the name on the URL (${name})`);
	}
	return manifest;
}

/** `dryRun` and `fieldValidation` of a write. */
function writeOptions(query: URLSearchParams): {dryRun: boolean; fieldValidation?: 'Strict' | 'Warn' | 'Ignore'} {
	const dryRun = dryRunOf(query);
	const validation = query.get('fieldValidation');
	return {dryRun, ...(validation ? {fieldValidation: validation as 'Strict' | 'Warn' | 'Ignore'} : {})};
}

/** `dryRun=All`: check everything, write nothing (kubectl diff, --dry-run=server). */
function dryRunOf(query: URLSearchParams): boolean {
	const values = query.getAll('dryRun');
	for (const value of values) if (value !== 'All') throw badRequest(`dryRun: Unsupported value: "${value}": supported values: "All"`);
	const validation = query.get('fieldValidation');
	if (validation && !['Strict', 'Warn', 'Ignore'].includes(validation)) {
		throw badRequest(`fieldValidation: Unsupported value: "${validation}": supported values: "Ignore", "Strict", "Warn"`);
	}
	return values.length > 0;
}

const rbacKinds = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** RBAC's escalation check for an impersonated user writing a role or binding: Forbidden with the API server's message. */
function confirmNoEscalation({cluster, target, user}: RequestContext, manifest: Manifest): void {
	if (!user?.impersonated || !rbacKinds.has(target.type.kind)) return;
	const message = cluster.escalation(user, manifest);
	if (!message) return;
	const name = String(manifest.metadata?.name ?? '');
	throw new ApiError(403, 'Forbidden', `${resourceName(target.type)} "${name}" is forbidden: ${message}`, {name, group: target.type.group, kind: target.type.plural});
}

async function handleCreate(context: RequestContext): Promise<void> {
	const {cluster, request, response, query, target} = context;
	const raw = await readBody(request);
	const body = decodeObjectBody(raw, mediaType(request));
	const options = writeOptions(query);
	const manifest = checkedManifest(body, target);
	confirmNoEscalation(context, manifest);
	const manager = managerOf(query, request.headers['user-agent'], false);
	const created = withSubject(target.type, manifest.metadata?.name, () => {
		// Who creates it: a CertificateSigningRequest records its requestor.
		const user = context.user ? {user: context.user.user, groups: context.user.groups} : undefined;
		const preview = cluster.create(manifest, {...options, dryRun: true, user});
		return cluster.create(withManaged(manifest, afterUpdate(undefined, preview, manager, nowText(cluster))), {...options, user});
	});
	sendJson(response, 201, inVersion(target.type, created));
}

async function handleReplace(context: RequestContext, name: string): Promise<void> {
	const {cluster, request, response, query, target} = context;
	const body = decodeObjectBody(await readBody(request), mediaType(request));
	const options = writeOptions(query);
	const manifest = checkedManifest(body, target, name);
	const live = getObject(cluster, target, name);
	confirmNoEscalation(context, manifest);
	const manager = managerOf(query, request.headers['user-agent'], false);
	sendJson(response, 200, inVersion(target.type, withSubject(target.type, name, () => updateTracked(cluster, live, manifest, manager, options))));
}

async function handlePatch(context: RequestContext, name: string): Promise<void> {
	const {cluster, request, response, query, target} = context;
	const type = mediaType(request);
	const body = decodeBody(await readBody(request), type, patchTypes);
	const options = writeOptions(query);
	const current = inVersion(target.type, cluster.get(target.type.kind, name, target.namespace));
	if (type === 'application/apply-patch+yaml') {
		const manifest = checkedManifest(body, target, name);
		confirmNoEscalation(context, manifest);
		const manager = managerOf(query, request.headers['user-agent'], true);
		const force = query.get('force') === 'true';
		const config = structuredClone(manifest);
		if (!current) {
			sendJson(response, 201, inVersion(target.type, withSubject(target.type, name, () => {
				const preview = cluster.create(manifest, {...options, dryRun: true});
				return cluster.create(withManaged(manifest, afterApply(undefined, preview, config, manager, nowText(cluster), force)), options);
			})));
			return;
		}
		const merged = pruneApplied(current, strategicMergePatch(current, manifest) as KubeObject, config, manager) as Manifest;
		merged.metadata = {...merged.metadata, resourceVersion: current.metadata.resourceVersion};
		sendJson(response, 200, inVersion(target.type, withSubject(target.type, name, () => {
			const preview = cluster.replace(merged, {...options, dryRun: true});
			return cluster.replace(withManaged(merged, afterApply(current, preview, config, manager, nowText(cluster), force)), options);
		})));
		return;
	}
	if (!current) throw notFound(target.type, name);
	const patched = withoutNulls(patchBy(type, current, body)) as Manifest;
	if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) throw new ApiError(422, 'Invalid', 'the patched object is not a JSON object');
	const meta = (patched.metadata && typeof patched.metadata === 'object' ? patched.metadata : {}) as Partial<KubeObject['metadata']>;
	if (meta.name !== name || patched.kind !== current.kind || patched.apiVersion !== current.apiVersion || meta.namespace !== current.metadata.namespace) {
		throw badRequest('the patch may not change the kind, apiVersion, name or namespace of the object');
	}
	confirmNoEscalation(context, patched);
	const manager = managerOf(query, request.headers['user-agent'], false);
	sendJson(response, 200, inVersion(target.type, withSubject(target.type, name, () => updateTracked(cluster, current, patched, manager, options))));
}

/** The virtual time, as managedFields' `time` has it. */
function nowText(cluster: Cluster): string {
	return rfc3339(cluster.now());
}

function withManaged(manifest: Manifest, managedFields: NonNullable<KubeObject['metadata']['managedFields']>): Manifest {
	return {...manifest, metadata: {...manifest.metadata, managedFields}};
}

/** A replace or patch as an Update by `manager`: checked first, so managedFields follow what would be stored. */
function updateTracked(cluster: Cluster, live: KubeObject, manifest: Manifest, manager: string, options: ReturnType<typeof writeOptions>): KubeObject {
	const preview = cluster.replace(manifest, {...options, dryRun: true});
	return cluster.replace(withManaged(manifest, afterUpdate(live, preview, manager, nowText(cluster))), options);
}

function patchBy(type: string, current: unknown, body: unknown): unknown {
	switch (type) {
		case 'application/json-patch+json': return jsonPatch(current, body);
		case 'application/merge-patch+json': return mergePatch(current, body);
		default: return strategicMergePatch(current, body);
	}
}

/** Run a facade call, naming the resource in the Status of what it throws. */
function withSubject<T>(type: ResourceType, name: string | undefined, call: () => T): T {
	try {
		return call();
	} catch (error) {
		if (error instanceof ApiError) throw error;
		const status = statusFromError(error, subjectOf(type, name));
		throw new ApiError(status.code, status.reason!, status.message!, status.details);
	}
}

/** PUT or PATCH of a custom object's status subresource: only the status changes. */
async function handleCustomStatus({cluster, request, response, query, target}: RequestContext, method: string): Promise<void> {
	const name = target.name!;
	const current = inVersion(target.type, getObject(cluster, target, name));
	const type = mediaType(request);
	const body = decodeBody(await readBody(request), type, method === 'PUT' ? bodyTypes : patchTypes);
	const next = (method === 'PUT' ? checkedManifest(body, target, name) : withoutNulls(patchBy(type, current, body))) as KubeObject;
	const precondition = next?.metadata?.resourceVersion;
	if (method === 'PUT' && precondition && precondition !== current.metadata.resourceVersion) {
		throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resourceName(target.type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
	}
	const {dryRun} = writeOptions(query);
	sendJson(response, 200, inVersion(target.type, withSubject(target.type, name, () => cluster.replaceStatus(target.type.kind, name, next?.status, {namespace: target.namespace, dryRun}))));
}

/**
 * The object a PUT or PATCH of a subresource sends, where the write takes
 * a whole object and keeps only its own part of it (ephemeralcontainers,
 * approval): the body, or the stored object patched by it. A JSON object,
 * else 422; with a PUT, the resourceVersion it names (a precondition).
 */
async function subresourceWrite({request, target}: RequestContext, method: string, current: KubeObject): Promise<{next: KubeObject; resourceVersion?: string}> {
	const name = target.name!;
	const type = mediaType(request);
	const body = method === 'PUT' ? decodeObjectBody(await readBody(request), type) : decodeBody(await readBody(request), type, patchTypes);
	const next = (method === 'PUT' ? checkedManifest(body, target, name) : withoutNulls(patchBy(type, current, body))) as KubeObject;
	if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new ApiError(422, 'Invalid', 'the patched object is not a JSON object');
	return {next, resourceVersion: method === 'PUT' ? next.metadata?.resourceVersion : undefined};
}

/**
 * `pods/NAME/ephemeralcontainers` (what `kubectl debug POD` patches): GET
 * gives the pod; PUT and PATCH change its ephemeral containers and nothing
 * else, whatever else the body changes (as the API server's strategy for
 * the subresource drops it).
 */
async function handleEphemeralContainers(context: RequestContext, method: string): Promise<void> {
	const {cluster, response, query, target} = context;
	const name = target.name!;
	if (method === 'GET') return handleGet(context, name);
	if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed(method);
	const {next, resourceVersion} = await subresourceWrite(context, method, getObject(cluster, target, name));
	const spec = (typeof next.spec === 'object' && next.spec !== null ? next.spec : {}) as Partial<PodSpec>;
	const {dryRun} = writeOptions(query);
	sendJson(response, 200, withSubject(target.type, name, () => cluster.replaceEphemeralContainers(name, spec.ephemeralContainers ?? [], {namespace: target.namespace, dryRun, resourceVersion})));
}

/**
 * `certificatesigningrequests/NAME/approval` (what `kubectl certificate
 * approve` and `deny` write): GET gives the request; PUT and PATCH change its
 * conditions and nothing else. Adding Approved or Denied also takes the
 * CertificateApproval admission plugin's check: the user may `approve` for
 * the request's signer (`signers`, by name or by `domain/*`).
 */
async function handleApproval(context: RequestContext, method: string): Promise<void> {
	const {cluster, response, query, target, user} = context;
	const name = target.name!;
	if (method === 'GET') return handleGet(context, name);
	if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed(method);
	const current = getObject(cluster, target, name) as KubeObject<{signerName?: string}, {conditions?: Array<{type?: string}>}>;
	const {next, resourceVersion} = await subresourceWrite(context, method, current);
	const conditions = (next as KubeObject<unknown, {conditions?: unknown}>).status?.conditions;
	const decides = (list: unknown) => (Array.isArray(list) ? list : []).filter(c => c?.type === 'Approved' || c?.type === 'Denied').length;
	if (user?.impersonated === true && decides(conditions) > decides(current.status?.conditions)) {
		const signerName = current.spec?.signerName ?? '';
		const allowed = [signerName, `${signerName.split('/')[0]}/*`].some(signer => cluster.authorize(user, {verb: 'approve', group: 'certificates.k8s.io', resource: 'signers', name: signer}).allowed);
		if (!allowed) throw new ApiError(403, 'Forbidden', `certificatesigningrequests.certificates.k8s.io "${name}" is forbidden: user not permitted to approve requests with signerName "${signerName}"`, {name, group: 'certificates.k8s.io', kind: 'certificatesigningrequests'});
	}
	const {dryRun} = writeOptions(query);
	sendJson(response, 200, withSubject(target.type, name, () => cluster.replaceApproval(name, conditions, {dryRun, resourceVersion})));
}

/** DeleteOptions from the body (JSON) and the query: policy, grace period and dryRun, checked as the API server checks them. */
async function deleteOptions(request: IncomingMessage, query: URLSearchParams): Promise<{propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; gracePeriodSeconds?: number; dryRun: boolean}> {
	const raw = await readBody(request);
	let options: Record<string, unknown> = {};
	if (raw.length > 0 && raw.toString('utf8').trim() !== '') {
		const decoded = decodeBody(raw, mediaType(request) || 'application/json', bodyTypes);
		if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw badRequest('DeleteOptions must be a JSON object');
		options = decoded as Record<string, unknown>;
	}
	const bodyDryRun = options['dryRun'];
	if (bodyDryRun !== undefined && (!Array.isArray(bodyDryRun) || bodyDryRun.some(v => v !== 'All'))) {
		throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(bodyDryRun)}: supported values: "All"`);
	}
	const dryRun = dryRunOf(query) || (Array.isArray(bodyDryRun) && bodyDryRun.length > 0);
	const propagationPolicy = (options['propagationPolicy'] ?? query.get('propagationPolicy') ?? undefined) as 'Foreground' | 'Background' | 'Orphan' | undefined;
	const graceText = options['gracePeriodSeconds'] ?? query.get('gracePeriodSeconds') ?? undefined;
	const gracePeriodSeconds = graceText === undefined || graceText === null ? undefined : Number(graceText);
	return {propagationPolicy, gracePeriodSeconds, dryRun};
}

async function handleDelete({cluster, request, response, query, target}: RequestContext, name: string): Promise<void> {
	const options = await deleteOptions(request, query);
	const existing = getObject(cluster, target, name);
	const remaining = withSubject(target.type, name, () => cluster.delete(target.type.kind, name, {namespace: target.namespace, ...options}));
	if (remaining) {
		sendJson(response, 200, inVersion(target.type, remaining));
		return;
	}
	sendJson(response, 200, {
		kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
		details: {name, ...(target.type.group ? {group: target.type.group} : {}), kind: target.type.plural, uid: existing.metadata.uid},
	});
}

/**
 * DELETE on a collection (`deletecollection`): every object the selectors
 * match, in the namespace of the path, is deleted with the same options; the
 * reply is the list of them as they were, as the API server's registry
 * answers it. Objects already gone meanwhile are skipped; the first other
 * failure is the reply.
 */
async function handleDeleteCollection({cluster, request, response, query, target}: RequestContext): Promise<void> {
	const {type} = target;
	const options = await deleteOptions(request, query);
	const namespace = listNamespace({target} as RequestContext);
	const matches = selectorFilter(query);
	const resourceVersion = cluster.resourceVersion;
	const objects = inKeyOrder(cluster.list(type.kind, {namespace}).filter(matches));
	if (type.kind === 'Namespace') {
		// The API server refuses a namespace collection delete outright (namespaces' REST has no deletecollection).
		throw methodNotAllowed('DELETE');
	}
	for (const object of objects) {
		try {
			cluster.delete(type.kind, object.metadata.name, {namespace: object.metadata.namespace, ...options});
		} catch (error) {
			if (error instanceof KubeError && error.code === 'NotFound') continue;
			throw statusError(type, object.metadata.name, error);
		}
	}
	sendJson(response, 200, {kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: {resourceVersion}, items: objects.map(o => inVersion(type, o))});
}

function statusError(type: ResourceType, name: string, error: unknown): ApiError {
	if (error instanceof ApiError) return error;
	const status = statusFromError(error, subjectOf(type, name));
	return new ApiError(status.code, status.reason!, status.message!, status.details);
}

function scaleOf(object: KubeObject, target: ResourceTarget) {
	const status = object.status ?? {};
	const selector = object.spec?.selector?.matchLabels
		? Object.entries(object.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',')
		: '';
	return {
		kind: 'Scale', apiVersion: 'autoscaling/v1',
		metadata: {name: object.metadata.name, namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion, creationTimestamp: object.metadata.creationTimestamp},
		spec: {replicas: object.spec?.replicas ?? 0},
		status: {replicas: status.replicas ?? 0, ...(selector ? {selector} : {})},
	};
	void target;
}

async function handleScale({cluster, request, response, query, target}: RequestContext, method: string): Promise<void> {
	const name = target.name!;
	const object = getObject(cluster, target, name);
	const scale = scaleOf(object, target);
	if (method === 'GET') {
		sendJson(response, 200, scale);
		return;
	}
	if (method !== 'PATCH' && method !== 'PUT') throw methodNotAllowed(method);
	const type = mediaType(request);
	// kubectl scale --current-replicas replaces the Scale, with no Content-Type.
	const body = method === 'PUT' ? decodeObjectBody(await readBody(request), type) : decodeBody(await readBody(request), type, patchTypes);
	const next = (method === 'PUT' ? body : type === 'application/apply-patch+yaml' ? strategicMergePatch(scale, body) : patchBy(type, scale, body)) as {spec?: {replicas?: unknown}; metadata?: {resourceVersion?: string}};
	const replicas = next?.spec?.replicas;
	if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be an integer`);
	const precondition = next.metadata?.resourceVersion;
	if (precondition && precondition !== object.metadata.resourceVersion) {
		throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resourceName(target.type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
	}
	if (dryRunOf(query)) {
		sendJson(response, 200, {...scale, spec: {replicas}});
		return;
	}
	const manager = managerOf(query, request.headers['user-agent'], false);
	const managedFields = afterUpdate(object, {...object, spec: {...object.spec, replicas}}, manager, nowText(cluster), 'scale');
	const scaled = withSubject(target.type, name, () => cluster.scale(target.type.kind, name, replicas, {namespace: target.namespace, managedFields}));
	sendJson(response, 200, scaleOf(scaled, target));
}

/** How often a followed log is read again (the runtime keeps log lines, it does not announce them). */
const followIntervalMs = 250;

function handleLog({cluster, request, response, query, target}: RequestContext): void {
	const name = target.name!;
	getObject(cluster, target, name);
	const tail = query.get('tailLines');
	const timestamps = query.get('timestamps') === 'true';
	const options = {
		namespace: target.namespace,
		container: query.get('container') ?? undefined,
		previous: query.get('previous') === 'true',
	};
	if (tail !== null && !/^\d+$/.test(tail)) throw badRequest(`tailLines: Invalid value: "${tail}": must be a non-negative integer`);
	// Read with timestamps always, so a followed log knows where it stopped.
	const read = (tailLines?: number) => withSubject(target.type, name, () => cluster.logs(name, {...options, timestamps: true, ...(tailLines !== undefined ? {tail: tailLines} : {})}));
	const shown = (line: string) => `${timestamps ? line : line.slice(line.indexOf(' ') + 1)}\n`;
	let sent = read(tail !== null ? Number(tail) : undefined);
	response.writeHead(200, {'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', ...(query.get('follow') === 'true' ? {'Transfer-Encoding': 'chunked'} : {})});
	// A followed log with no lines yet is open to the client at once.
	response.flushHeaders();
	response.write(sent.map(shown).join(''));
	if (query.get('follow') !== 'true') {
		response.end();
		return;
	}
	let last = sent[sent.length - 1];
	const timer = setInterval(() => {
		if (!cluster.get('Pod', name, target.namespace)) {
			clearInterval(timer);
			response.end();
			return;
		}
		try {
			sent = read();
		} catch {
			return;
		}
		const at = last === undefined ? -1 : sent.lastIndexOf(last);
		const fresh = sent.slice(at + 1);
		if (fresh.length === 0) return;
		last = fresh[fresh.length - 1];
		response.write(fresh.map(shown).join(''));
	}, followIntervalMs);
	const stop = () => clearInterval(timer);
	response.on('close', stop);
	request.on('close', stop);
}

/** `kubectl create token NAME`: a TokenRequest for the ServiceAccount (kubectl sends it as protobuf). */
async function handleTokenRequest({cluster, request, response, target, tokens}: RequestContext): Promise<void> {
	if (!tokens) throw notFoundPath();
	const raw = await readBody(request);
	const body = decodeObjectBody(raw, mediaType(request));
	sendJson(response, 201, tokens.issue(cluster, target.namespace ?? 'default', target.name!, body));
}

async function handleEviction({cluster, request, response, query, target}: RequestContext): Promise<void> {
	const name = target.name!;
	const body = decodeBody(await readBody(request), mediaType(request), bodyTypes) as {metadata?: {name?: string}; deleteOptions?: {gracePeriodSeconds?: number; dryRun?: string[]}} | null;
	if (body?.metadata?.name !== undefined && body.metadata.name !== name) throw badRequest('name in URL does not match name in Eviction object');
	getObject(cluster, target, name);
	const dryRun = dryRunOf(query) || Boolean(body?.deleteOptions?.dryRun?.includes('All'));
	const evict = () => cluster.evict(name, {namespace: target.namespace, gracePeriodSeconds: body?.deleteOptions?.gracePeriodSeconds, dryRun});
	try {
		evict();
	} catch (error) {
		// A budget's refusal carries its own causes and names no object; others are about the pod.
		if (error instanceof KubeError && error.causes) throw error;
		if (error instanceof KubeError && error.code === 'InternalError') throw new ApiError(500, '', error.message);
		withSubject(target.type, name, () => {
			throw error;
		});
	}
	sendJson(response, 201, {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201});
}
