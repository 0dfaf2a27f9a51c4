/**
 * Paged lists (`limit` and `continue`), as the API server pages over etcd
 * (staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go, storage/continue.go):
 *
 * - The first page is read at the current resourceVersion; its `continue`
 *   token is opaque to clients: base64url of {"v":"meta.k8s.io/v1","rv":RV,
 *   "start":"<next key>\u0000"}, the key relative to the list's prefix.
 * - Every later page is read at the token's RV, so the pages together are
 *   one consistent list: the state at RV is the present with the watch
 *   cache's later changes undone.
 * - A token whose RV has left the watch cache (etcd's compaction here) gets
 *   410 Expired, with a new token that continues at the latest version.
 * - `remainingItemCount` counts what is left after the page, when the list
 *   has no label or field selector (with one, etcd cannot count it).
 */
import type {Cluster, KubeObject} from '../engine/index.js';
import {ApiError, badRequest} from './status.js';
import type {WatchCache} from './watch.js';

type Token = {v: string; rv: number; start: string};

const inconsistentContinue = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** The key of an object under the list's prefix: `namespace/name` across namespaces, `name` within one or for cluster-scoped kinds. */
export function listKey(object: KubeObject, acrossNamespaces: boolean): string {
	return acrossNamespaces && object.metadata.namespace !== undefined ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
}

export function encodeContinue(rv: number, start: string): string {
	return Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv, start})).toString('base64url');
}

/** The token's version and start key; BadRequest when it is not one this server wrote. */
function decodeContinue(value: string): Token {
	const invalid = (why: string) => badRequest(`invalid continue token: continue key is not valid: ${why}`);
	let token: Partial<Token>;
	try {
		if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new Error('illegal base64 data');
		token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Token>;
	} catch (error) {
		throw invalid((error as Error).message);
	}
	if (typeof token !== 'object' || token === null || token.v !== 'meta.k8s.io/v1') throw invalid(`server does not recognize this encoded version "${String((token as Partial<Token> | null)?.v ?? '')}"`);
	if (typeof token.rv !== 'number' || token.rv === 0 || !Number.isInteger(token.rv) || token.rv < -1) throw invalid('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
	if (typeof token.start !== 'string' || token.start === '') throw invalid('encoded start key is empty');
	if (token.start.startsWith('/') || token.start.split('/').includes('..')) throw invalid('path traversal attempt detected');
	return token as Token;
}

export type ListRequest = {limit?: number; token?: Token};

/** `limit` and `continue` of a list; a limit of 0 or less means all. */
export function listRequest(query: URLSearchParams): ListRequest {
	const limitText = query.get('limit');
	let limit: number | undefined;
	if (limitText !== null && limitText !== '') {
		if (!/^-?\d+$/.test(limitText)) throw badRequest(`limit: Invalid value: "${limitText}": must be an integer`);
		limit = Number(limitText) > 0 ? Number(limitText) : undefined;
	}
	const continued = query.get('continue');
	if (continued === null || continued === '') return {limit};
	const rv = query.get('resourceVersion');
	if (rv !== null && rv !== '') throw badRequest('specifying resource version is not allowed when using continue');
	return {limit, token: decodeContinue(continued)};
}

/**
 * The objects of `kind` as they were at `rv`: the present, with every later
 * change the watch cache holds undone, newest first. Undefined when `rv` is
 * older than the cache.
 */
function snapshotAt(cluster: Cluster, watchCache: WatchCache, kind: string, namespace: string | undefined, rv: number): KubeObject[] | undefined {
	const changes = watchCache.changesAfter(rv, kind);
	if (!changes) return undefined;
	const objects = new Map<string, KubeObject>();
	const key = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
	for (const object of cluster.list(kind, {namespace})) objects.set(key(object), object);
	for (let i = changes.length - 1; i >= 0; i--) {
		const {type, object, old} = changes[i]!;
		if (namespace !== undefined && object.metadata.namespace !== namespace) continue;
		if (type === 'ADDED') objects.delete(key(object));
		else if (type === 'MODIFIED' && old) objects.set(key(object), old);
		else if (type === 'DELETED') objects.set(key(object), old ?? object);
	}
	return [...objects.values()];
}

export type Page = {
	objects: KubeObject[];
	resourceVersion: string;
	continue?: string;
	remainingItemCount?: number;
};

/**
 * One page of a list. `inOrder` sorts by key; `matches` is the selectors'
 * filter (`filtered` says whether there is one).
 */
export function listPage(
	cluster: Cluster, watchCache: WatchCache, request: ListRequest,
	list: {kind: string; namespace?: string; acrossNamespaces: boolean; matches: (object: KubeObject) => boolean; filtered: boolean; inOrder: (objects: KubeObject[]) => KubeObject[]},
): Page {
	const {limit, token} = request;
	let rv = Number(cluster.resourceVersion);
	let objects: KubeObject[];
	if (token && token.rv !== -1 && token.rv !== rv) {
		const past = snapshotAt(cluster, watchCache, list.kind, list.namespace, token.rv);
		if (!past) {
			const error = new ApiError(410, 'Expired', inconsistentContinue);
			error.listContinue = encodeContinue(-1, token.start);
			throw error;
		}
		objects = past;
		rv = token.rv;
	} else {
		objects = cluster.list(list.kind, {namespace: list.namespace});
	}
	let ordered = list.inOrder(objects.filter(list.matches));
	if (token) ordered = ordered.filter(object => listKey(object, list.acrossNamespaces) >= token.start);
	if (limit === undefined || ordered.length <= limit) return {objects: ordered, resourceVersion: String(rv)};
	const page = ordered.slice(0, limit);
	const last = page[page.length - 1]!;
	return {
		objects: page,
		resourceVersion: String(rv),
		continue: encodeContinue(rv, `${listKey(last, list.acrossNamespaces)}\u0000`),
		...(list.filtered ? {} : {remainingItemCount: ordered.length - limit}),
	};
}
