/**
 * Discovery: /version, /api, /apis and each group version, in the legacy
 * shapes and as aggregated discovery (apidiscovery.k8s.io/v2), all built
 * from the engine's resource registry.
 */
import type {ResourceType} from '../engine/index.js';
import {extraVerbs, isExtra} from './extra-apis.js';
import {groupVersions, subresourcesOf} from './paths.js';

/** Reported as 1.32 so kubectl's dispatcher runs its built-in v1.32 client. */
export const serverVersion = {
	major: '1',
	minor: '32',
	gitVersion: 'v1.32.0-kubarium',
	gitCommit: '0000000000000000000000000000000000000000',
	gitTreeState: 'clean',
	buildDate: '2025-01-01T00:00:00Z',
	goVersion: 'go1.23.4',
	compiler: 'gc',
	platform: 'linux/amd64',
};

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** `kubectl get all` lists the kinds in this category. */
const inAll = new Set(['Pod', 'Service', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

function categoriesOf(type: ResourceType): {categories?: string[]} {
	if (inAll.has(type.kind)) return {categories: ['all']};
	return type.categories?.length ? {categories: type.categories} : {};
}

function verbsOf(type: ResourceType): string[] {
	// A kind served at an older version too is keyed by kind and version there.
	const older = extraVerbs[`${type.kind}${type.version.toUpperCase()}`];
	if (older && isExtra(type)) return older;
	if (extraVerbs[type.kind]) return extraVerbs[type.kind]!;
	// Nodes and namespaces have no deletecollection upstream; events and the rest have all.
	if (type.kind === 'Namespace') return allVerbs.filter(v => v !== 'deletecollection');
	// Custom resources: the verbs the apiextensions server lists for them.
	return type.definition ? ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'] : allVerbs;
}

function subresourceKind(type: ResourceType, sub: string): {group: string; version: string; kind: string} {
	if (sub === 'scale') return {group: 'autoscaling', version: 'v1', kind: 'Scale'};
	if (sub === 'eviction') return {group: 'policy', version: 'v1', kind: 'Eviction'};
	if (sub === 'log') return {group: '', version: 'v1', kind: 'Pod'};
	if (sub === 'exec') return {group: '', version: 'v1', kind: 'PodExecOptions'};
	if (sub === 'portforward') return {group: '', version: 'v1', kind: 'PodPortForwardOptions'};
	return {group: type.group, version: type.version, kind: type.kind};
}

function subresourceVerbs(sub: string): string[] {
	if (sub === 'log') return ['get'];
	if (sub === 'eviction') return ['create'];
	if (sub === 'exec' || sub === 'portforward') return ['create', 'get'];
	return ['get', 'patch', 'update'];
}

export function apiVersions(serverAddress: string) {
	return {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress}]};
}

/**
 * Kubernetes' version order (`version.CompareKubeAwareVersionStrings`): GA
 * before beta before alpha, higher numbers first, others last by name.
 */
export function compareVersions(a: string, b: string): number {
	const parse = (v: string) => {
		const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
		if (!match) return undefined;
		return {major: Number(match[1]), stage: match[2] === undefined ? 2 : match[2] === 'beta' ? 1 : 0, minor: Number(match[3] ?? 0)};
	};
	const x = parse(a);
	const y = parse(b);
	if (!x || !y) return x ? -1 : y ? 1 : a.localeCompare(b);
	return y.stage - x.stage || y.major - x.major || y.minor - x.minor;
}

/** The versions of each group, preferred first, groups in the order they are first served. */
function groupsWithVersions(servedTypes: readonly ResourceType[]): Array<{group: string; versions: string[]}> {
	const groups = new Map<string, string[]>();
	for (const {group, version} of groupVersions(servedTypes)) {
		let versions = groups.get(group);
		if (!versions) groups.set(group, (versions = []));
		versions.push(version);
	}
	return [...groups].map(([group, versions]) => ({group, versions: versions.length > 1 ? versions.sort(compareVersions) : versions}));
}

export function apiGroupList(servedTypes: readonly ResourceType[]) {
	return {
		kind: 'APIGroupList',
		apiVersion: 'v1',
		groups: groupsWithVersions(servedTypes).filter(g => g.group).map(({group, versions}) => {
			const listed = versions.map(version => ({groupVersion: `${group}/${version}`, version}));
			return {name: group, versions: listed, preferredVersion: listed[0]};
		}),
	};
}

export function apiResourceList(servedTypes: readonly ResourceType[], group: string, version: string) {
	const resources: unknown[] = [];
	for (const type of servedTypes.filter(t => t.group === group && t.version === version)) {
		resources.push({
			name: type.plural,
			singularName: type.singular,
			namespaced: type.namespaced,
			kind: type.kind,
			verbs: verbsOf(type),
			...(type.shortNames.length ? {shortNames: type.shortNames} : {}),
			...categoriesOf(type),
		});
		for (const sub of subresourcesOf(type) ?? []) {
			const target = subresourceKind(type, sub);
			resources.push({
				name: `${type.plural}/${sub}`,
				singularName: '',
				namespaced: type.namespaced,
				...(target.group !== type.group || target.version !== type.version ? {group: target.group, version: target.version} : {}),
				kind: target.kind,
				verbs: subresourceVerbs(sub),
			});
		}
	}
	return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources};
}

/** Whether the Accept header asks for aggregated discovery, and which version. */
export function aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
	if (!accept) return undefined;
	for (const part of accept.split(',')) {
		if (!part.includes('g=apidiscovery.k8s.io')) continue;
		if (part.includes('v=v2beta1')) return 'v2beta1';
		if (part.includes('v=v2')) return 'v2';
	}
	return undefined;
}

/** APIGroupDiscoveryList for /api (core only) or /apis (every named group). */
export function aggregatedDiscovery(servedTypes: readonly ResourceType[], core: boolean, version: 'v2' | 'v2beta1') {
	const items = groupsWithVersions(servedTypes).filter(g => (g.group === '') === core).map(({group, versions}) => ({
		metadata: {name: group, creationTimestamp: null},
		versions: versions.map(v => ({
			version: v,
			freshness: 'Current',
			resources: servedTypes.filter(t => t.group === group && t.version === v).map(type => ({
				resource: type.plural,
				responseKind: {group, version: v, kind: type.kind},
				scope: type.namespaced ? 'Namespaced' : 'Cluster',
				singularResource: type.singular,
				verbs: verbsOf(type),
				...(type.shortNames.length ? {shortNames: type.shortNames} : {}),
				...categoriesOf(type),
				...(subresourcesOf(type) ? {subresources: subresourcesOf(type)!.map(sub => ({
					subresource: sub,
					responseKind: subresourceKind(type, sub),
					verbs: subresourceVerbs(sub),
				}))} : {}),
			})),
		})),
	}));
	return {kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items};
}
