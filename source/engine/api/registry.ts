import {KubeError} from '../errors.js';

/** One resource type the cluster serves, as `kubectl api-resources` lists it. */
export type ResourceType = {
	/** Kind, e.g. `Deployment`. */
	kind: string;
	/** Lower-case plural, e.g. `deployments`. */
	plural: string;
	/** Lower-case singular, e.g. `deployment`. */
	singular: string;
	/** kubectl short names, e.g. `deploy`. */
	shortNames: string[];
	/** API group; empty for the core group. */
	group: string;
	version: string;
	namespaced: boolean;
	/** Which name validator the API server applies to metadata.name. */
	nameValidator: 'subdomain' | 'label' | 'dns1035' | 'path';
	/** A kind defined by a CustomResourceDefinition: the definition's name (`crontabs.stable.example.com`). */
	definition?: string;
	/** Categories (`kubectl get all`, a CRD's spec.names.categories). */
	categories?: string[];
	/** Subresources a CustomResourceDefinition turns on (`status`, `scale`). */
	subresources?: string[];
	/** Every version a CustomResourceDefinition serves (`version` is the one objects are stored in). */
	servedVersions?: string[];
};

function resource(
	kind: string,
	plural: string,
	group: string,
	version: string,
	namespaced: boolean,
	shortNames: string[] = [],
	nameValidator: ResourceType['nameValidator'] = 'subdomain',
): ResourceType {
	return {kind, plural, singular: kind.toLowerCase(), shortNames, group, version, namespaced, nameValidator};
}

/** Every kind the simulated API server knows. */
export const resourceTypes: readonly ResourceType[] = [
	resource('Pod', 'pods', '', 'v1', true, ['po']),
	resource('Node', 'nodes', '', 'v1', false, ['no']),
	resource('Namespace', 'namespaces', '', 'v1', false, ['ns'], 'label'),
	resource('Service', 'services', '', 'v1', true, ['svc'], 'dns1035'),
	resource('Endpoints', 'endpoints', '', 'v1', true, ['ep']),
	resource('ConfigMap', 'configmaps', '', 'v1', true, ['cm']),
	resource('Secret', 'secrets', '', 'v1', true),
	resource('Event', 'events', '', 'v1', true, ['ev']),
	resource('PersistentVolume', 'persistentvolumes', '', 'v1', false, ['pv']),
	resource('PersistentVolumeClaim', 'persistentvolumeclaims', '', 'v1', true, ['pvc']),
	resource('ServiceAccount', 'serviceaccounts', '', 'v1', true, ['sa']),
	resource('Deployment', 'deployments', 'apps', 'v1', true, ['deploy', 'dp']),
	resource('ReplicaSet', 'replicasets', 'apps', 'v1', true, ['rs']),
	resource('StatefulSet', 'statefulsets', 'apps', 'v1', true, ['sts'], 'label'),
	resource('DaemonSet', 'daemonsets', 'apps', 'v1', true, ['ds']),
	resource('ControllerRevision', 'controllerrevisions', 'apps', 'v1', true),
	resource('Job', 'jobs', 'batch', 'v1', true),
	resource('CronJob', 'cronjobs', 'batch', 'v1', true, ['cj']),
	resource('StorageClass', 'storageclasses', 'storage.k8s.io', 'v1', false, ['sc']),
	resource('EndpointSlice', 'endpointslices', 'discovery.k8s.io', 'v1', true),
	resource('Lease', 'leases', 'coordination.k8s.io', 'v1', true),
	resource('ResourceQuota', 'resourcequotas', '', 'v1', true, ['quota']),
	resource('LimitRange', 'limitranges', '', 'v1', true, ['limits']),
	resource('PodDisruptionBudget', 'poddisruptionbudgets', 'policy', 'v1', true, ['pdb']),
	resource('HorizontalPodAutoscaler', 'horizontalpodautoscalers', 'autoscaling', 'v2', true, ['hpa']),
	resource('Ingress', 'ingresses', 'networking.k8s.io', 'v1', true, ['ing']),
	resource('IngressClass', 'ingressclasses', 'networking.k8s.io', 'v1', false),
	resource('PriorityClass', 'priorityclasses', 'scheduling.k8s.io', 'v1', false, ['pc']),
	resource('NetworkPolicy', 'networkpolicies', 'networking.k8s.io', 'v1', true, ['netpol']),
	resource('Role', 'roles', 'rbac.authorization.k8s.io', 'v1', true, [], 'path'),
	resource('ClusterRole', 'clusterroles', 'rbac.authorization.k8s.io', 'v1', false, [], 'path'),
	resource('RoleBinding', 'rolebindings', 'rbac.authorization.k8s.io', 'v1', true, [], 'path'),
	resource('ClusterRoleBinding', 'clusterrolebindings', 'rbac.authorization.k8s.io', 'v1', false, [], 'path'),
	resource('CertificateSigningRequest', 'certificatesigningrequests', 'certificates.k8s.io', 'v1', false, ['csr'], 'path'),
	resource('CustomResourceDefinition', 'customresourcedefinitions', 'apiextensions.k8s.io', 'v1', false, ['crd', 'crds']),
];

const byAlias = new Map<string, ResourceType>();
for (const type of resourceTypes) {
	const aliases = [type.kind, type.kind.toLowerCase(), type.plural, type.singular, ...type.shortNames];
	if (type.group) aliases.push(`${type.plural}.${type.group}`, `${type.singular}.${type.group}`);
	for (const alias of aliases) byAlias.set(alias, type);
}

/**
 * The resource type for a Kind, plural, singular, short name or `plural.group`.
 * Throws like kubectl does for an unknown one.
 */
export function resolveResource(name: string): ResourceType {
	const type = byAlias.get(name) ?? byAlias.get(name.toLowerCase());
	if (!type) {
		throw new KubeError('NotFound', `the server doesn't have a resource type "${name}"`);
	}
	return type;
}

/** The resource type for a Kind and apiVersion found in a manifest. */
export function resourceForManifest(apiVersion: unknown, kind: unknown, custom?: ResourceTypes): ResourceType {
	if (typeof kind !== 'string' || kind === '') {
		throw new KubeError('BadRequest', "Object 'Kind' is missing in manifest");
	}
	if (typeof apiVersion !== 'string' || apiVersion === '') {
		throw new KubeError('BadRequest', `Object 'apiVersion' is missing in manifest of kind ${kind}`);
	}
	const type = resourceTypes.find(t => t.kind === kind) ?? custom?.byKind(kind);
	const served = type && (apiVersionOf(type) === apiVersion || type.servedVersions?.some(v => `${type.group}/${v}` === apiVersion));
	if (!type || !served) {
		throw new KubeError(
			'NotFound',
			`no matches for kind "${kind}" in version "${apiVersion}"`,
		);
	}
	return type;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(type: ResourceType): string {
	return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `deployments.apps`, or `pods` for the core group: how errors name a resource. */
export function qualifiedResource(type: ResourceType): string {
	return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** `Deployment.apps`, or `Pod`: how validation errors name a kind. */
export function qualifiedKind(type: ResourceType): string {
	return type.group ? `${type.kind}.${type.group}` : type.kind;
}

function aliasesOf(type: ResourceType): string[] {
	const aliases = [type.kind, type.kind.toLowerCase(), type.plural, type.singular, ...type.shortNames];
	if (type.group) aliases.push(`${type.plural}.${type.group}`, `${type.singular}.${type.group}`);
	return aliases;
}

/**
 * The kinds one cluster serves: the built-in ones, and those its
 * CustomResourceDefinitions define (added when a definition is established,
 * removed when it is gone). Built-in names win over a custom kind's.
 */
export class ResourceTypes {
	private readonly custom = new Map<string, ResourceType>();
	private aliases = new Map<string, ResourceType>();
	/** Bumped on every change, so callers can cache what they derive from the list. */
	version = 0;

	/** The type a Kind, plural, singular, short name or `plural.group` names, or undefined. */
	find(name: string): ResourceType | undefined {
		return byAlias.get(name) ?? byAlias.get(name.toLowerCase()) ?? this.aliases.get(name) ?? this.aliases.get(name.toLowerCase());
	}

	/** As `find`, throwing kubectl's error for an unknown name. */
	resolve(name: string): ResourceType {
		const type = this.find(name);
		if (!type) throw new KubeError('NotFound', `the server doesn't have a resource type "${name}"`);
		return type;
	}

	/** The type for a manifest's Kind and apiVersion. */
	forManifest(apiVersion: unknown, kind: unknown): ResourceType {
		return resourceForManifest(apiVersion, kind, this);
	}

	/** The custom type of a Kind. */
	byKind(kind: string): ResourceType | undefined {
		return this.custom.get(kind);
	}

	/** Every kind served: built-in first, then custom ones in the order they were defined. */
	all(): ResourceType[] {
		return this.custom.size === 0 ? [...resourceTypes] : [...resourceTypes, ...this.custom.values()];
	}

	/** The kinds CustomResourceDefinitions define. */
	customTypes(): ResourceType[] {
		return [...this.custom.values()];
	}

	/** Serve a custom kind (or update how it is served). */
	define(type: ResourceType): void {
		const current = this.custom.get(type.kind);
		if (current && JSON.stringify(current) === JSON.stringify(type)) return;
		this.custom.set(type.kind, type);
		this.reindex();
	}

	/** Stop serving a custom kind. */
	remove(kind: string): void {
		if (!this.custom.delete(kind)) return;
		this.reindex();
	}

	private reindex(): void {
		this.version++;
		this.aliases = new Map();
		for (const type of this.custom.values()) {
			for (const alias of [...aliasesOf(type), `${type.kind.toLowerCase()}.${type.group}`]) if (!this.aliases.has(alias)) this.aliases.set(alias, type);
		}
	}
}
