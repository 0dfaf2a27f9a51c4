/**
 * metadata.managedFields, as the API server's field manager keeps them
 * (apiserver/pkg/endpoints/handlers/fieldmanager and sigs.k8s.io/structured-merge-diff):
 *
 * - Every create, update and patch is an `Update` by its field manager (the
 *   `fieldManager` parameter, else the client's user agent up to its first
 *   `/`): the fields it added or changed become its own and leave every other
 *   manager; fields it removed leave everyone.
 * - A server-side apply is an `Apply`: the manager owns exactly the fields of
 *   its configuration. Changing a field another manager owns is a conflict
 *   (409, the API server's message and one cause per field) unless it forces,
 *   which takes the field over.
 *
 * Field sets are paths of FieldsV1 elements: `f:name` for a field, `k:{...}`
 * for an item of a keyed list, `v:value` for a set's member. The list keys
 * and atomic fields are the API types' (listType/listMapKeys, mapType atomic).
 * An Update's set marks a map, list or object it added as its own (`.`); an
 * Apply's set holds the leaves and list items of the configuration.
 */
import type {KubeObject} from '../engine/index.js';
import {ApiError} from './status.js';

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};
type JsonObject = {[key: string]: Json};
type Entry = NonNullable<KubeObject['metadata']['managedFields']>[number];

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keyed lists (x-kubernetes-list-map-keys), by field name; ports by where they are. */
const listKeys: Record<string, string[]> = {
	containers: ['name'], initContainers: ['name'], ephemeralContainers: ['name'], env: ['name'], volumes: ['name'],
	volumeMounts: ['mountPath'], volumeDevices: ['devicePath'], hostAliases: ['ip'], imagePullSecrets: ['name'],
	conditions: ['type'], ownerReferences: ['uid'], resourceClaims: ['name'], topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
	subsets: [], addresses: [],
};
/** Lists of scalars kept as sets (x-kubernetes-list-type: set). */
const setLists = new Set(['finalizers']);
/** Maps whose keys are data, not fields. */
const freeMaps = new Set(['labels', 'annotations', 'data', 'binaryData', 'stringData', 'nodeSelector', 'matchLabels', 'limits', 'requests', 'capacity', 'allocatable', 'hard', 'used', 'parameters', 'selector']);
/** Objects the API treats as one value (x-kubernetes-map-type: atomic). */
const atomicObjects = new Set(['selector']);
/** Server-owned metadata the field manager leaves out (fieldmanager's stripMeta). */
const strippedMeta = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName']);

/** Kinds whose `selector` is a plain map (a Service's), not a LabelSelector. */
function selectorIsMap(kind: string): boolean {
	return kind === 'Service' || kind === 'ReplicationController';
}

function keysOf(field: string, parentPath: string[], items: Json[]): string[] | undefined {
	if (field === 'ports') {
		if (items.some(i => isObject(i) && 'containerPort' in i)) return ['containerPort', 'protocol'];
		if (parentPath.includes('f:spec')) return ['port', 'protocol'];
		return undefined;
	}
	const keys = listKeys[field];
	return keys && keys.length > 0 ? keys : undefined;
}

/** `k:{"name":"web"}`, keys in order, as FieldsV1 writes them; a port's protocol defaults to TCP. */
function keyElement(item: JsonObject, keys: string[]): string {
	const parts = keys.map(key => `${JSON.stringify(key)}:${JSON.stringify(item[key] ?? (key === 'protocol' ? 'TCP' : null))}`);
	return `k:{${parts.join(',')}}`;
}

type Paths = Set<string>;
const join = (path: string[]) => JSON.stringify(path);

/**
 * The field set of `value` at `path`. `base` is what was there before (for
 * an Update's `.` on what was added); without a base (an Apply), only leaves
 * and list items are members, as structured-merge-diff's ToFieldSet has it.
 */
function collect(value: Json, path: string[], into: Paths, kind: string, base: Json | undefined, update: boolean): void {
	const field = path.length > 0 ? path[path.length - 1]!.slice(2) : '';
	const isField = path.length > 0 && path[path.length - 1]!.startsWith('f:');
	if (value === null || typeof value !== 'object') {
		into.add(join(path));
		return;
	}
	const added = update && base === undefined && path.length > 0;
	if (Array.isArray(value)) {
		const keys = isField ? keysOf(field, path, value) : undefined;
		if (keys || setLists.has(field)) {
			if (added) into.add(join(path));
			const baseList = Array.isArray(base) ? base : [];
			for (const item of value) {
				const element = keys && isObject(item) ? keyElement(item, keys) : `v:${JSON.stringify(item)}`;
				const itemPath = [...path, element];
				into.add(join(itemPath));
				if (keys && isObject(item)) {
					const before = baseList.find(b => isObject(b) && keyElement(b, keys) === element);
					collectObject(item, itemPath, into, kind, before as Json | undefined, update, false);
				}
			}
			return;
		}
		// Any other list is atomic: one leaf.
		into.add(join(path));
		return;
	}
	if (value && Object.keys(value).length === 0) {
		into.add(join(path));
		return;
	}
	if (isField && atomicObjects.has(field) && !(field === 'selector' && selectorIsMap(kind) && path.length === 2)) {
		into.add(join(path));
		return;
	}
	if (added) into.add(join(path));
	const free = isField && freeMaps.has(field) && !(field === 'selector' && !(selectorIsMap(kind) && path.length === 2));
	collectObject(value, path, into, kind, base, update, free);
}

function collectObject(value: JsonObject, path: string[], into: Paths, kind: string, base: Json | undefined, update: boolean, free: boolean): void {
	const before = isObject(base) ? base : undefined;
	for (const [key, child] of Object.entries(value)) {
		if (path.length === 0 && (key === 'apiVersion' || key === 'kind' || key === 'status')) continue;
		if (path.length === 1 && path[0] === 'f:metadata' && strippedMeta.has(key)) continue;
		const childPath = [...path, `f:${key}`];
		if (free && (child === null || typeof child !== 'object')) {
			into.add(join(childPath));
			continue;
		}
		collect(child, childPath, into, kind, before && key in before ? before[key] : undefined, update);
	}
}

/**
 * What an empty object of a kind already holds, as the API's Go types write
 * a zero value: the objects that are not pointers (metadata, spec, a
 * template's metadata and spec, a Deployment's strategy) and lists written
 * as null. A create adds the rest.
 */
const zeroObject: JsonObject = {
	metadata: {},
	spec: {containers: null, strategy: {}, template: {metadata: {}, spec: {containers: null}}, jobTemplate: {metadata: {}, spec: {template: {metadata: {}, spec: {containers: null}}}}},
};

/** The fields of an object (or an applied configuration). */
export function fieldSet(object: unknown, kind: string, base?: unknown, update = false): Paths {
	const paths: Paths = new Set();
	if (isObject(object)) collectObject(object, [], paths, kind, (base ?? (update ? zeroObject : undefined)) as Json | undefined, update, false);
	return paths;
}

/** Leaf values by path, to tell which fields an update changed. */
function valuesByPath(object: unknown, kind: string): Map<string, string> {
	const values = new Map<string, string>();
	const walk = (value: Json, path: string[]) => {
		// A list item stands for itself (its fields are compared one by one); anything else is compared whole.
		const last = path[path.length - 1] ?? '';
		values.set(join(path), last.startsWith('k:') ? 'item' : JSON.stringify(value));
	};
	// Reuse the set's paths, then read each one's value.
	for (const path of fieldSet(object, kind)) {
		const elements = JSON.parse(path) as string[];
		walk(valueAt(object as Json, elements), elements);
	}
	return values;
}

function valueAt(object: Json, path: string[]): Json {
	let node: Json = object;
	for (const element of path) {
		if (element.startsWith('f:') && isObject(node)) node = node[element.slice(2)] ?? null;
		else if (element.startsWith('k:') && Array.isArray(node)) {
			const keys = JSON.parse(element.slice(2)) as Record<string, Json>;
			node = node.find(item => isObject(item) && Object.entries(keys).every(([k, v]) => JSON.stringify(item[k] ?? (k === 'protocol' ? 'TCP' : null)) === JSON.stringify(v))) ?? null;
		} else if (element.startsWith('v:')) node = JSON.parse(element.slice(2)) as Json;
		else return null;
	}
	return node;
}

/** FieldsV1: the set as a trie; a member that has members below it carries `.`. */
export function toFieldsV1(paths: Paths): Record<string, unknown> {
	type Node = {member: boolean; children: Map<string, Node>};
	const root: Node = {member: false, children: new Map()};
	for (const path of paths) {
		let node = root;
		for (const element of JSON.parse(path) as string[]) {
			let next = node.children.get(element);
			if (!next) node.children.set(element, (next = {member: false, children: new Map()}));
			node = next;
		}
		node.member = true;
	}
	const render = (node: Node): Record<string, unknown> => {
		const out: Record<string, unknown> = {};
		if (node.member && node.children.size > 0) out['.'] = {};
		for (const key of [...node.children.keys()].sort()) out[key] = render(node.children.get(key)!);
		return out;
	};
	return render(root);
}

export function fromFieldsV1(fields: unknown, prefix: string[] = [], into: Paths = new Set()): Paths {
	if (!isObject(fields)) return into;
	for (const [key, child] of Object.entries(fields)) {
		if (key === '.') {
			into.add(join(prefix));
			continue;
		}
		const path = [...prefix, key];
		if (!isObject(child) || Object.keys(child).length === 0) into.add(join(path));
		else fromFieldsV1(child, path, into);
	}
	return into;
}

/** `.spec.template.spec.containers[name="web"].image`, as fieldpath.Path prints it. */
export function pathText(path: string): string {
	return (JSON.parse(path) as string[]).map(element => {
		if (element.startsWith('f:')) return `.${element.slice(2)}`;
		if (element.startsWith('v:')) return `[=${element.slice(2)}]`;
		if (element.startsWith('k:')) {
			const keys = JSON.parse(element.slice(2)) as Record<string, Json>;
			return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
		}
		return `[${element.slice(2)}]`;
	}).join('');
}

/** The manager of a request: `fieldManager`, else the user agent's product (kubectl/v1.32 → kubectl). */
export function managerOf(query: URLSearchParams, userAgent: string | undefined, apply: boolean): string {
	const given = query.get('fieldManager');
	if (given !== null) {
		if (given.length > 128) throw new ApiError(422, 'Invalid', `fieldManager: Too long: may not be more than 128 bytes`);
		if ([...given].some(c => c < ' ' || c === '\u007f')) throw new ApiError(422, 'Invalid', `fieldManager: Invalid value: "${given}": must only contain printable characters`);
		if (given !== '') return given;
	}
	if (apply) throw new ApiError(400, 'BadRequest', 'PATCH, application/apply-patch+yaml requests must have a fieldManager specified');
	return [...(userAgent ?? '').split('/')[0]!].filter(c => c >= ' ' && c !== '\u007f').join('').slice(0, 128);
}

type Managed = {entry: Entry; paths: Paths};

function managedOf(object: KubeObject | undefined): Managed[] {
	return (object?.metadata.managedFields ?? []).map(entry => ({entry, paths: fromFieldsV1(entry.fieldsV1)}));
}

function sameManager(a: Entry, manager: string, operation: 'Apply' | 'Update', subresource?: string): boolean {
	return a.manager === manager && a.operation === operation && (a.subresource ?? '') === (subresource ?? '');
}

/** Paths an update added or changed, and those it removed. */
function changes(live: KubeObject | undefined, next: unknown, kind: string): {changed: Paths; removed: Paths} {
	const before = live ? valuesByPath(live, kind) : new Map<string, string>();
	const after = valuesByPath(next, kind);
	const changed: Paths = new Set();
	for (const [path, value] of after) if (before.get(path) !== value) changed.add(path);
	const removed: Paths = new Set();
	for (const path of before.keys()) if (!after.has(path)) removed.add(path);
	// A node an update added (a new map, list or object) is the updater's too.
	for (const path of fieldSet(next, kind, live, true)) if (!before.has(path) && !after.has(path)) changed.add(path);
	return {changed, removed};
}

function withoutPaths(paths: Paths, gone: Paths): Paths {
	return new Set([...paths].filter(path => !gone.has(path)));
}

function entries(managed: Managed[]): Entry[] {
	return managed.filter(m => m.paths.size > 0).map(m => ({...m.entry, fieldsType: 'FieldsV1' as const, fieldsV1: toFieldsV1(m.paths)}));
}

/** managedFields after an Update (create, replace, patch) by `manager`. */
export function afterUpdate(live: KubeObject | undefined, next: KubeObject, manager: string, time: string, subresource?: string): Entry[] {
	const kind = next.kind;
	const {changed, removed} = changes(live, next, kind);
	const managed = managedOf(live).map(m => ({...m, paths: withoutPaths(withoutPaths(m.paths, removed), sameManager(m.entry, manager, 'Update', subresource) ? new Set() : changed)}));
	let own = managed.find(m => sameManager(m.entry, manager, 'Update', subresource));
	if (!own) {
		if (changed.size === 0) return entries(managed);
		own = {entry: {manager, operation: 'Update', apiVersion: next.apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: {}, ...(subresource ? {subresource} : {})}, paths: new Set()};
		managed.push(own);
	}
	if (changed.size > 0) own.entry = {...own.entry, apiVersion: next.apiVersion, time};
	own.paths = new Set([...own.paths, ...changed]);
	return entries(managed);
}

/**
 * managedFields after an Apply of `config` by `manager`; throws the API
 * server's 409 Conflict when the apply changes fields others own and does
 * not force.
 */
export function afterApply(live: KubeObject | undefined, next: KubeObject, config: unknown, manager: string, time: string, force: boolean): Entry[] {
	const kind = next.kind;
	const owned = fieldSet(config, kind);
	const {changed, removed} = changes(live, next, kind);
	const managed = managedOf(live);
	const conflicts: Array<{manager: Entry; path: string}> = [];
	for (const other of managed) {
		if (sameManager(other.entry, manager, 'Apply')) continue;
		for (const path of other.paths) if (changed.has(path) && owned.has(path)) conflicts.push({manager: other.entry, path});
	}
	if (conflicts.length > 0 && !force) throw conflictError(conflicts);
	const kept = managed
		.filter(m => !sameManager(m.entry, manager, 'Apply'))
		.map(m => ({...m, paths: withoutPaths(withoutPaths(m.paths, removed), force ? changed : new Set())}));
	kept.push({entry: {manager, operation: 'Apply', apiVersion: next.apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: {}}, paths: owned});
	return entries(kept);
}

/** How the conflict message names a manager: an Update one with the version it used (fieldmanager's printManager). */
function printManager(entry: Entry): string {
	const name = `"${entry.manager}"${entry.subresource ? ` with subresource "${entry.subresource}"` : ''}`;
	return entry.operation === 'Update' ? `${name} using ${entry.apiVersion}` : name;
}

function conflictError(found: Array<{manager: Entry; path: string}>): ApiError {
	// Grouped by manager in the message's order (the API server's comes from a map; this one is stable).
	const conflicts = [...found].sort((a, b) => {
		const [ma, mb] = [printManager(a.manager), printManager(b.manager)];
		return ma < mb ? -1 : ma > mb ? 1 : 0;
	});
	const causes = conflicts.map(c => ({reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathText(c.path)}));
	let message: string;
	if (conflicts.length === 1) {
		message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.manager)}: ${pathText(conflicts[0]!.path)}`;
	} else {
		const byManager = new Map<string, string[]>();
		for (const conflict of conflicts) {
			const name = printManager(conflict.manager);
			byManager.set(name, [...byManager.get(name) ?? [], pathText(conflict.path)]);
		}
		const lines: string[] = [];
		for (const name of [...byManager.keys()].sort()) {
			lines.push(`conflicts with ${name}:`);
			for (const path of byManager.get(name)!) lines.push(`- ${path}`);
		}
		message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
	}
	return new ApiError(409, 'Conflict', message, {causes});
}

/**
 * What an Apply leaves out that its manager applied before goes, unless
 * another manager owns it too (structured-merge-diff's prune): a label
 * dropped from the configuration is removed from the object.
 */
export function pruneApplied(live: KubeObject, merged: KubeObject, config: unknown, manager: string): KubeObject {
	const managed = managedOf(live);
	const previous = managed.find(m => sameManager(m.entry, manager, 'Apply'));
	if (!previous) return merged;
	const owned = fieldSet(config, merged.kind);
	const others = new Set(managed.filter(m => m !== previous).flatMap(m => [...m.paths]));
	const gone = [...previous.paths].filter(path => !owned.has(path) && !others.has(path)).map(path => JSON.parse(path) as string[]);
	if (gone.length === 0) return merged;
	const out = structuredClone(merged) as unknown as Json;
	// Deepest first, so a removed item's own fields are not looked for after it.
	for (const path of gone.sort((a, b) => b.length - a.length)) removeAt(out, path);
	return out as unknown as KubeObject;
}

function removeAt(root: Json, path: string[]): void {
	const last = path[path.length - 1]!;
	const parent = valueAt(root, path.slice(0, -1));
	if (last.startsWith('f:') && isObject(parent)) {
		delete parent[last.slice(2)];
	} else if (Array.isArray(parent)) {
		const target = valueAt(root, path);
		const index = parent.indexOf(target);
		if (index >= 0) parent.splice(index, 1);
	}
}
