/**
 * OpenAPI v3, one document per group/version, as kubectl reads it:
 * - `apply`, `create` and `replace` validate by default and first check that
 *   the PATCH operation of the kind takes a `fieldValidation` parameter;
 * - `explain` reads `components.schemas`: Kubernetes' own schemas and
 *   descriptions for the built-in kinds (openapi/kubernetes-schemas.json,
 *   made by scripts/openapi-schemas.mjs), and for a custom kind the schema of
 *   its CustomResourceDefinition with apiVersion, kind and metadata added, as
 *   the API server's CRD builder does.
 * The PATCH operations list no strategic-merge media type, so kubectl computes
 * patches from its compiled-in types. The schema file is read at the first
 * OpenAPI request, not at start-up.
 */
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {packageFile} from '../package-files.js';
import {extraVerbs, isExtra} from './extra-apis.js';
import type {Cluster, ResourceType} from '../engine/index.js';
import {groupVersions} from './paths.js';

type Schema = Record<string, unknown>;
type SchemaFile = {source: string; kinds: Record<string, string>; schemas: Record<string, Schema>};

let loaded: SchemaFile | undefined;

/** The package's openapi/ folder (from source/ under tsx, dist/source/ and the bundle). */
function schemaFile(): SchemaFile {
	if (loaded) return loaded;
	const file = packageFile('openapi/kubernetes-schemas.json');
	if (file) {
		loaded = JSON.parse(readFileSync(file, 'utf8')) as SchemaFile;
		return loaded;
	}
	// Without the data (a trimmed install), the documents still serve validation; explain finds no schema.
	loaded = {source: '', kinds: {}, schemas: {}};
	return loaded;
}

function pathKey(group: string, version: string): string {
	return group ? `apis/${group}/${version}` : `api/${version}`;
}

const ref = (name: string) => ({$ref: `#/components/schemas/${name}`});

/** Add `name` and every schema it refers to. */
function addReachable(name: string, all: Record<string, Schema>, into: Record<string, Schema>): void {
	if (into[name] || !all[name]) return;
	into[name] = all[name];
	JSON.stringify(all[name], (key, value: unknown) => {
		if (key === '$ref' && typeof value === 'string') addReachable(value.slice('#/components/schemas/'.length), all, into);
		return value;
	});
}

/** `stable.example.com` → `com.example.stable`: the prefix the API server gives a custom kind's schema. */
function reversedGroup(group: string): string {
	return group.split('.').reverse().join('.');
}

/** A custom kind's schema: its definition's, with the fields every object has, as the CRD OpenAPI builder adds them. */
function customSchema(cluster: Cluster, type: ResourceType, common: Record<string, Schema>): Schema | undefined {
	const definition = cluster.get('CustomResourceDefinition', type.definition!);
	const versions = (definition?.spec?.versions ?? []) as Array<{name: string; schema?: {openAPIV3Schema?: Schema}}>;
	const schema = versions.find(v => v.name === type.version)?.schema?.openAPIV3Schema;
	if (!schema) return undefined;
	const object = common['io.k8s.api.core.v1.ConfigMap']?.['properties'] as Record<string, Schema> | undefined;
	const properties = {...(schema['properties'] as Record<string, Schema> | undefined)};
	if (object) {
		properties['apiVersion'] = object['apiVersion']!;
		properties['kind'] = object['kind']!;
	}
	properties['metadata'] = {allOf: [ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')], description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"};
	return {...schema, type: 'object', properties, 'x-kubernetes-group-version-kind': [{group: type.group, kind: type.kind, version: type.version}]};
}

function buildDocument(cluster: Cluster, servedTypes: readonly ResourceType[], group: string, version: string) {
	const paths: Record<string, unknown> = {};
	const inVersion = servedTypes.filter(t => t.group === group && t.version === version);
	for (const type of inVersion.filter(t => !isExtra(t))) {
		const prefix = `/${pathKey(group, version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}/{name}`;
		paths[prefix] = {
			patch: {
				'x-kubernetes-group-version-kind': {group, version, kind: type.kind},
				parameters: [{name: 'fieldValidation', in: 'query', schema: {type: 'string', uniqueItems: true}}],
			},
		};
	}
	// A read-only kind of its own (ComponentStatus) is found by `kubectl explain` from its GET operation, as the API server lists it.
	for (const type of inVersion.filter(t => isExtra(t) && extraVerbs[t.kind]?.includes('get') && !extraVerbs[t.kind]?.includes('create'))) {
		const prefix = `/${pathKey(group, version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}/{name}`;
		paths[prefix] = {get: {'x-kubernetes-group-version-kind': {group, version, kind: type.kind}, 'x-kubernetes-action': 'get'}};
	}
	const {kinds, schemas: all} = schemaFile();
	const schemas: Record<string, Schema> = {};
	for (const type of inVersion) {
		if (type.definition) {
			const schema = customSchema(cluster, type, all);
			if (!schema) continue;
			const name = `${reversedGroup(type.group)}.${type.version}.${type.kind}`;
			schemas[name] = schema;
			addReachable('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', all, schemas);
			continue;
		}
		const name = kinds[`${group}/${version}/${type.kind}`];
		if (name) addReachable(name, all, schemas);
	}
	const sorted = Object.fromEntries(Object.keys(schemas).sort().map(name => [name, schemas[name]]));
	return {openapi: '3.0.0', info: {title: 'Kubernetes', version: 'v1.32.0-kubarium'}, paths, components: {schemas: sorted}};
}

type Built = {document: unknown; hash: string};
const documents = new WeakMap<Cluster, Map<string, Built>>();

/** The document's cache key: its group/version, and for custom kinds their definitions' versions. */
function cacheKey(cluster: Cluster, servedTypes: readonly ResourceType[], group: string, version: string): string {
	const definitions = servedTypes
		.filter(t => t.group === group && t.version === version && t.definition)
		.map(t => `${t.definition}@${cluster.get('CustomResourceDefinition', t.definition!)?.metadata.resourceVersion ?? ''}`);
	return `${group}/${version}|${definitions.join(',')}`;
}

function built(cluster: Cluster, servedTypes: readonly ResourceType[], group: string, version: string): Built {
	let cache = documents.get(cluster);
	if (!cache) documents.set(cluster, (cache = new Map()));
	const key = cacheKey(cluster, servedTypes, group, version);
	let entry = cache.get(key);
	if (!entry) {
		// Old versions of changed definitions go, now and then.
		if (cache.size > 200) cache.clear();
		const document = buildDocument(cluster, servedTypes, group, version);
		// The hash in each document's URL: kubectl caches documents by URL, so it changes with the content.
		const hash = createHash('sha512').update(JSON.stringify(document)).digest('hex').slice(0, 16).toUpperCase();
		entry = {document, hash};
		cache.set(key, entry);
	}
	return entry;
}

export function openapiDocument(cluster: Cluster, servedTypes: readonly ResourceType[], group: string, version: string): unknown {
	return built(cluster, servedTypes, group, version).document;
}

export function openapiRoot(cluster: Cluster, servedTypes: readonly ResourceType[]) {
	const paths: Record<string, {serverRelativeURL: string}> = {};
	for (const {group, version} of groupVersions(servedTypes)) {
		const key = pathKey(group, version);
		paths[key] = {serverRelativeURL: `/openapi/v3/${key}?hash=${built(cluster, servedTypes, group, version).hash}`};
	}
	return {paths};
}
