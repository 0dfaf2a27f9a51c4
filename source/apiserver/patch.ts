/**
 * The four patch types kubectl sends: JSON merge patch (RFC 7386), JSON
 * patch (RFC 6902), strategic merge patch (Kubernetes' list-aware merge with
 * its `$patch`, `$setElementOrder`, `$retainKeys` and `$deleteFromPrimitiveList`
 * directives), and server-side apply, approximated as a strategic merge.
 * Each is pure: it returns a new document and never touches its inputs.
 */
import {ApiError} from './status.js';

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};
type JsonObject = {[key: string]: Json};

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const clone = <T>(value: T): T => structuredClone(value);

/** RFC 7386. */
export function mergePatch(target: unknown, patch: unknown): unknown {
	if (!isObject(patch)) return clone(patch);
	const out: JsonObject = isObject(target) ? {...target} : {};
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) delete out[key];
		else out[key] = mergePatch(out[key], value) as Json;
	}
	return out;
}

function invalidPatch(message: string): ApiError {
	return new ApiError(422, 'Invalid', message);
}

function pointer(path: string): string[] {
	if (path === '') return [];
	if (!path.startsWith('/')) throw invalidPatch(`the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`);
	return path.slice(1).split('/').map(token => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(document: Json, tokens: string[], path: string): {parent: JsonObject | Json[]; last: string} {
	let node: Json = document;
	for (const token of tokens.slice(0, -1)) {
		if (Array.isArray(node)) node = node[Number(token)] as Json;
		else if (isObject(node)) node = node[token] as Json;
		else node = undefined as unknown as Json;
		if (node === undefined) throw invalidPatch(`the server rejected our request due to an error in our request: missing path "${path}"`);
	}
	if (!Array.isArray(node) && !isObject(node)) throw invalidPatch(`the server rejected our request due to an error in our request: missing path "${path}"`);
	return {parent: node, last: tokens[tokens.length - 1]!};
}

function arrayIndex(list: Json[], token: string, path: string, allowEnd: boolean): number {
	if (allowEnd && token === '-') return list.length;
	const index = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : NaN;
	if (!(index >= 0 && index <= list.length - (allowEnd ? 0 : 1))) throw invalidPatch(`the server rejected our request due to an error in our request: index out of range in "${path}"`);
	return index;
}

function getAt(document: Json, path: string): Json {
	let node: Json = document;
	for (const token of pointer(path)) {
		if (Array.isArray(node)) node = node[arrayIndex(node, token, path, false)]!;
		else if (isObject(node) && token in node) node = node[token]!;
		else throw invalidPatch(`the server rejected our request due to an error in our request: missing path "${path}"`);
	}
	return node;
}

/** RFC 6902; the whole patch applies or nothing does. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
	if (!Array.isArray(operations)) throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
	let document = clone(target) as Json;
	for (const operation of operations) {
		if (!isObject(operation) || typeof operation['op'] !== 'string' || typeof operation['path'] !== 'string') {
			throw invalidPatch('the server rejected our request due to an error in our request: each operation needs "op" and "path"');
		}
		const {op, path} = operation as {op: string; path: string};
		const tokens = pointer(path);
		const add = (value: Json) => {
			if (tokens.length === 0) {
				document = value;
				return;
			}
			const {parent, last} = parentOf(document, tokens, path);
			if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, true), 0, value);
			else parent[last] = value;
		};
		const remove = (): Json => {
			const old = getAt(document, path);
			const {parent, last} = parentOf(document, tokens, path);
			if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, false), 1);
			else delete parent[last];
			return old;
		};
		switch (op) {
			case 'add':
				add(clone(operation['value'] as Json));
				break;
			case 'remove':
				remove();
				break;
			case 'replace':
				if (tokens.length === 0) document = clone(operation['value'] as Json);
				else {
					remove();
					add(clone(operation['value'] as Json));
				}
				break;
			case 'move': {
				const value = (() => {
					const from = String(operation['from']);
					const saved = getAt(document, from);
					const fromTokens = pointer(from);
					const {parent, last} = parentOf(document, fromTokens, from);
					if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, from, false), 1);
					else delete parent[last];
					return saved;
				})();
				add(value);
				break;
			}
			case 'copy':
				add(clone(getAt(document, String(operation['from']))));
				break;
			case 'test':
				if (JSON.stringify(getAt(document, path)) !== JSON.stringify(operation['value'])) {
					throw invalidPatch(`the server rejected our request due to an error in our request: testing value ${path} failed`);
				}
				break;
			default:
				throw invalidPatch(`the server rejected our request due to an error in our request: unexpected operation "${op}"`);
		}
	}
	return document;
}

/** Merge keys of the lists a strategic merge patch merges item by item (from the API types' patchMergeKey tags). */
const mergeKeys: Record<string, string> = {
	containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name',
	volumeMounts: 'mountPath', volumeDevices: 'devicePath', imagePullSecrets: 'name', hostAliases: 'ip',
	topologySpreadConstraints: 'topologyKey', ownerReferences: 'uid', conditions: 'type', resourceClaims: 'name',
};
/** Lists of primitives merged as sets. */
const primitiveSets = new Set(['finalizers']);

function mergeKeyOf(field: string, items: Json[]): string | undefined {
	if (field === 'ports') return items.some(i => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
	return mergeKeys[field];
}

/** Strategic merge patch of `patch` onto `target`. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
	if (!isObject(patch)) throw new ApiError(400, 'BadRequest', 'strategic merge patch: the patch must be a JSON object');
	return mergeObject(isObject(target) ? target : {}, patch);
}

function mergeObject(target: JsonObject, patch: JsonObject): Json | undefined {
	const directive = patch['$patch'];
	if (directive === 'replace') return stripDirectives(patch);
	if (directive === 'delete') return undefined;
	const out: JsonObject = {...target};
	for (const [key, value] of Object.entries(patch)) {
		if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
		if (key.startsWith('$deleteFromPrimitiveList/')) {
			const list = key.slice('$deleteFromPrimitiveList/'.length);
			const drop = Array.isArray(value) ? value : [];
			if (Array.isArray(out[list])) out[list] = (out[list] as Json[]).filter(v => !drop.some(d => d === v));
			continue;
		}
		if (value === null) {
			delete out[key];
		} else if (Array.isArray(value)) {
			const merged = mergeList(key, Array.isArray(out[key]) ? out[key] as Json[] : [], value);
			out[key] = merged;
		} else if (isObject(value)) {
			const merged = mergeObject(isObject(out[key]) ? out[key] as JsonObject : {}, value);
			if (merged === undefined) delete out[key];
			else out[key] = merged;
		} else {
			out[key] = value;
		}
	}
	for (const [key, order] of Object.entries(patch)) {
		if (!key.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
		const list = key.slice('$setElementOrder/'.length);
		if (Array.isArray(out[list])) out[list] = reorder(list, out[list] as Json[], order);
	}
	if (Array.isArray(patch['$retainKeys'])) {
		const keep = new Set(patch['$retainKeys'].map(String));
		for (const key of Object.keys(out)) if (!keep.has(key)) delete out[key];
	}
	return out;
}

function mergeList(field: string, target: Json[], patch: Json[]): Json[] {
	if (patch.some(item => isObject(item) && item['$patch'] === 'replace')) {
		return patch.filter(item => !(isObject(item) && item['$patch'] === 'replace')).map(stripDirectives);
	}
	if (primitiveSets.has(field)) {
		const out = [...target];
		for (const item of patch) if (!out.includes(item)) out.push(item);
		return out;
	}
	const key = mergeKeyOf(field, [...target, ...patch]);
	if (!key || !patch.every(isObject)) return patch.map(stripDirectives);
	const out = [...target];
	for (const item of patch as JsonObject[]) {
		const at = out.findIndex(existing => isObject(existing) && existing[key] === item[key]);
		if (item['$patch'] === 'delete') {
			if (at >= 0) out.splice(at, 1);
			continue;
		}
		const merged = mergeObject(at >= 0 ? out[at] as JsonObject : {}, item);
		if (merged === undefined) continue;
		if (at >= 0) out[at] = merged;
		else out.push(merged);
	}
	return out;
}

function reorder(field: string, list: Json[], order: Json[]): Json[] {
	const key = mergeKeyOf(field, list);
	const identity = (item: Json) => key && isObject(item) ? JSON.stringify(item[key]) : JSON.stringify(item);
	const wanted = order.map(o => key && isObject(o) ? JSON.stringify(o[key]) : JSON.stringify(o));
	const ordered: Json[] = [];
	for (const id of wanted) {
		const found = list.find(item => identity(item) === id);
		if (found !== undefined && !ordered.includes(found)) ordered.push(found);
	}
	for (const item of list) if (!ordered.includes(item)) ordered.push(item);
	return ordered;
}

function stripDirectives(value: Json): Json {
	if (Array.isArray(value)) return value.map(stripDirectives);
	if (!isObject(value)) return value;
	const out: JsonObject = {};
	for (const [key, item] of Object.entries(value)) if (!key.startsWith('$')) out[key] = stripDirectives(item);
	return out;
}
