/**
 * Request paths: which API a URL names. `/api/v1/namespaces/default/pods/web/log`
 * becomes {group '', version v1, namespace default, resource pods, name web, subresource log}.
 */
import type {Cluster, ResourceType} from '../engine/index.js';
import {ApiError, notFoundPath} from './status.js';
import {healthEndpoints, isHealthCheck, type HealthEndpoint} from './health.js';
import {extraTypes} from './extra-apis.js';

const served = new WeakMap<Cluster, {version: number; types: readonly ResourceType[]}>();

/**
 * Every kind served: the engine's (custom kinds included, so the list
 * changes as CustomResourceDefinitions come and go), then the extra APIs.
 */
export function servedTypes(cluster: Cluster): readonly ResourceType[] {
	const cached = served.get(cluster);
	if (cached && cached.version === cluster.resourceTypesVersion) return cached.types;
	const types: ResourceType[] = [];
	for (const type of cluster.resourceTypes()) {
		types.push(type);
		// A custom kind is served at every version its definition serves; objects convert by apiVersion alone.
		for (const version of type.servedVersions ?? []) if (version !== type.version) types.push({...type, version});
	}
	types.push(...extraTypes);
	served.set(cluster, {version: cluster.resourceTypesVersion, types});
	return types;
}

/** The subresources a kind serves: the table's, or those its CustomResourceDefinition turns on. */
export function subresourcesOf(type: ResourceType): string[] | undefined {
	return subresources[type.kind] ?? type.subresources;
}

export type ResourceTarget = {
	type: ResourceType;
	/** The namespace in the path; undefined for cluster-scoped kinds or a list across namespaces. */
	namespace?: string;
	name?: string;
	subresource?: string;
};

export type Target =
	| {kind: 'version'}
	| {kind: 'root'}
	| {kind: 'legacy'}
	| {kind: 'groups'}
	| {kind: 'groupVersion'; group: string; version: string}
	| {kind: 'openapiRoot'}
	| {kind: 'openapi'; group: string; version: string}
	| {kind: 'openapiV2'}
	| {kind: 'health'; endpoint: HealthEndpoint; check?: string}
	| {kind: 'metrics'}
	| ({kind: 'resource'} & ResourceTarget);

/** Subresources served, by kind. */
export const subresources: Record<string, string[]> = {
	Pod: ['log', 'exec', 'attach', 'status', 'eviction', 'portforward', 'ephemeralcontainers'],
	Deployment: ['scale', 'status'],
	ReplicaSet: ['scale', 'status'],
	StatefulSet: ['scale', 'status'],
	DaemonSet: ['status'],
	Job: ['status'],
	CronJob: ['status'],
	Node: ['status'],
	Namespace: ['status'],
	Service: ['status'],
	PersistentVolume: ['status'],
	PersistentVolumeClaim: ['status'],
	HorizontalPodAutoscaler: ['status'],
	Ingress: ['status'],
	ServiceAccount: ['token'],
	CertificateSigningRequest: ['approval', 'status'],
};

/** Every API group/version served, in discovery order (core first). */
export function groupVersions(servedTypes: readonly ResourceType[]): Array<{group: string; version: string}> {
	const seen = new Map<string, {group: string; version: string}>();
	for (const type of servedTypes) {
		const key = `${type.group}/${type.version}`;
		if (!seen.has(key)) seen.set(key, {group: type.group, version: type.version});
	}
	return [...seen.values()];
}

function typeFor(servedTypes: readonly ResourceType[], group: string, version: string, plural: string): ResourceType | undefined {
	return servedTypes.find(t => t.group === group && t.version === version && t.plural === plural);
}

function isServed(servedTypes: readonly ResourceType[], group: string, version: string): boolean {
	return servedTypes.some(t => t.group === group && t.version === version);
}

/** Parse a URL path; throws a 404 Status for anything the server does not serve. */
export function parsePath(pathname: string, servedTypes: readonly ResourceType[]): Target {
	const served = (group: string, version: string) => isServed(servedTypes, group, version);
	const parts = pathname.split('/').filter(Boolean).map(p => {
		try {
			return decodeURIComponent(p);
		} catch {
			throw notFoundPath();
		}
	});
	if (parts.length === 0) return {kind: 'root'};
	if (parts.length === 1 && parts[0] === 'version') return {kind: 'version'};
	if (parts.length === 1 && parts[0] === 'metrics') return {kind: 'metrics'};
	const endpoint = healthEndpoints.find(name => name === parts[0]);
	if (endpoint) {
		// One check on its own: its name may hold slashes (`poststarthook/rbac/bootstrap-roles`).
		const check = parts.length > 1 ? parts.slice(1).join('/') : undefined;
		if (check !== undefined && !isHealthCheck(endpoint, check)) throw notFoundPath();
		return {kind: 'health', endpoint, ...(check !== undefined ? {check} : {})};
	}
	if (parts[0] === 'openapi') {
		if (parts[1] === 'v2' && parts.length === 2) return {kind: 'openapiV2'};
		if (parts[1] === 'v3') {
			if (parts.length === 2) return {kind: 'openapiRoot'};
			if (parts.length === 4 && parts[2] === 'api' && parts[3] === 'v1') return {kind: 'openapi', group: '', version: 'v1'};
			if (parts.length === 5 && parts[2] === 'apis' && served(parts[3]!, parts[4]!)) return {kind: 'openapi', group: parts[3]!, version: parts[4]!};
		}
		throw notFoundPath();
	}
	let group: string;
	let version: string;
	let rest: string[];
	if (parts[0] === 'api') {
		if (parts.length === 1) return {kind: 'legacy'};
		group = '';
		version = parts[1]!;
		rest = parts.slice(2);
	} else if (parts[0] === 'apis') {
		if (parts.length === 1) return {kind: 'groups'};
		if (parts.length === 2) throw notFoundPath();
		group = parts[1]!;
		version = parts[2]!;
		rest = parts.slice(3);
	} else {
		throw notFoundPath();
	}
	if (!served(group, version)) throw notFoundPath();
	if (rest.length === 0) return {kind: 'groupVersion', group, version};
	let namespace: string | undefined;
	if (rest[0] === 'namespaces' && rest.length >= 3) {
		namespace = rest[1];
		rest = rest.slice(2);
	}
	const type = typeFor(servedTypes, group, version, rest[0]!);
	if (!type || rest.length > 3) throw notFoundPath();
	if (namespace !== undefined && !type.namespaced) throw notFoundPath();
	const [, name, subresource] = rest;
	if (subresource !== undefined && !subresourcesOf(type)?.includes(subresource)) throw notFoundPath();
	if (name === '') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
	return {kind: 'resource', type, namespace, name, subresource};
}
