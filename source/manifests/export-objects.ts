/**
 * `:export FILE`: the user's objects as multi-document YAML that a real
 * cluster accepts, like a cleaned `kubectl get -o yaml`. Left out: what a
 * cluster makes by itself (its namespaces and everything in kube-system,
 * kube-public and kube-node-lease, the `kubernetes` Service, each
 * namespace's `default` ServiceAccount and `kube-root-ca.crt` ConfigMap, the
 * bootstrap RBAC and default StorageClass, events, leases, nodes, endpoints
 * of Services with a selector, endpoint slices, controller revisions,
 * dynamically provisioned volumes, a StatefulSet's claims, and whatever a
 * controller owns: a Deployment's ReplicaSets and their pods, a CronJob's
 * Jobs). Taken off each object: status, the server's metadata (uid,
 * resourceVersion, creationTimestamp, generation, managedFields, owner
 * references, the last-applied annotation and the controllers'
 * annotations and finalizers) and the spec fields the server fills in
 * (a Service's cluster IPs, a pod's node and service-account token volume,
 * a Job's generated selector, a claim's bound volume, a volume's claim uid).
 */
import {stringify} from 'yaml';
import type {KubeObject} from '../engine/index.js';

/** What an export needs of a cluster (the embedded engine's facade has it). */
export type ExportSource = {
	/** Every kind the cluster serves (custom ones too). */
	resourceTypes(): ReadonlyArray<{kind: string; namespaced: boolean}>;
	/** Every object of a kind, in all namespaces. */
	list(kind: string): KubeObject[];
};

/** Namespaces every cluster has, with what the cluster itself puts in them. */
const systemNamespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
/** Namespaces whose contents are the cluster's own. */
const systemContentNamespaces = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Kinds whose objects the cluster makes and keeps by itself. */
const generatedKinds = new Set([
	'Event', 'Lease', 'Node', 'EndpointSlice', 'ControllerRevision', 'ComponentStatus', 'Binding',
	'CertificateSigningRequest', 'APIService', 'FlowSchema', 'PriorityLevelConfiguration',
]);

/**
 * Kinds in the order a cluster accepts them (Helm's install order): a
 * namespace before what lives in it, quotas and limits before the pods they
 * judge, definitions before their objects. Kinds not listed follow, by name.
 */
export const installOrder = [
	'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret',
	'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition',
	'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'Endpoints', 'DaemonSet', 'Pod',
	'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
	'IngressClass', 'Ingress',
];

/** Annotations the API server, kubectl or a controller writes. */
const serverAnnotations = [
	/^kubectl\.kubernetes\.io\/last-applied-configuration$/,
	/^deployment\.kubernetes\.io\//,
	/^deprecated\.daemonset\.template\.generation$/,
	/^pv\.kubernetes\.io\//,
	/^volume\.kubernetes\.io\//,
	/^volume\.beta\.kubernetes\.io\//,
	/^endpoints\.kubernetes\.io\/last-change-trigger-time$/,
	/^control-plane\.alpha\.kubernetes\.io\/leader$/,
	/^local\.path\.provisioner\//,
];

/** Finalizers the API server and controllers add and remove themselves. */
const serverFinalizers = new Set([
	'kubernetes', 'kubernetes.io/pvc-protection', 'kubernetes.io/pv-protection', 'service.kubernetes.io/load-balancer-cleanup',
	'foregroundDeletion', 'orphan', 'batch.kubernetes.io/job-tracking', 'customresourcecleanup.apiextensions.k8s.io',
	'external-attacher/csi', 'kubernetes.io/pv-controller',
]);

/** Labels the Job controller puts on a Job's pod template (and its generated selector). */
const jobGeneratedLabels = ['batch.kubernetes.io/controller-uid', 'controller-uid', 'batch.kubernetes.io/job-name', 'job-name'];

type Json = Record<string, unknown>;

function isMap(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The tolerations the DefaultTolerationSeconds admission adds to every pod. */
function isDefaultToleration(toleration: unknown): boolean {
	if (!isMap(toleration)) return false;
	return (toleration['key'] === 'node.kubernetes.io/not-ready' || toleration['key'] === 'node.kubernetes.io/unreachable')
		&& toleration['operator'] === 'Exists' && toleration['effect'] === 'NoExecute' && toleration['tolerationSeconds'] === 300;
}

/** Everything the export looks at across objects. */
type Context = {
	uids: ReadonlySet<string>;
	/** `namespace/name` of Services with a selector (their Endpoints are the controller's). */
	selectorServices: ReadonlySet<string>;
	/** `namespace/claim` of claims StatefulSets made from their templates. */
	statefulSetClaims: (namespace: string, name: string) => boolean;
	/** Names of the volumes the export keeps (a claim bound to one keeps its volumeName). */
	exportedVolumes: ReadonlySet<string>;
};

/** True when the cluster made `object` by itself (see the module comment). */
export function isSystemObject(object: KubeObject, context: Pick<Context, 'uids' | 'selectorServices' | 'statefulSetClaims'>): boolean {
	const {kind, metadata} = object;
	const namespace = metadata.namespace;
	if (generatedKinds.has(kind)) return true;
	if (metadata.deletionTimestamp) return true;
	if (namespace && systemContentNamespaces.has(namespace)) return true;
	if (kind === 'Namespace' && systemNamespaces.has(metadata.name)) return true;
	if (metadata.ownerReferences?.some(ref => ref.controller && context.uids.has(ref.uid))) return true;
	const labels = metadata.labels ?? {};
	const annotations = metadata.annotations ?? {};
	switch (kind) {
		case 'Service':
			return namespace === 'default' && metadata.name === 'kubernetes';
		case 'Endpoints':
			return (namespace === 'default' && metadata.name === 'kubernetes') || context.selectorServices.has(`${namespace}/${metadata.name}`);
		case 'ConfigMap':
			return metadata.name === 'kube-root-ca.crt';
		case 'ServiceAccount':
			return metadata.name === 'default';
		case 'Secret':
			return object['type'] === 'kubernetes.io/service-account-token' && Boolean(annotations['kubernetes.io/service-account.uid']);
		case 'ClusterRole':
		case 'ClusterRoleBinding':
		case 'Role':
		case 'RoleBinding':
			return labels['kubernetes.io/bootstrapping'] === 'rbac-defaults' || /^(system|kubeadm):/.test(metadata.name);
		case 'StorageClass':
			return metadata.name === 'standard' && annotations['storageclass.kubernetes.io/is-default-class'] === 'true';
		case 'PersistentVolume':
			return annotations['pv.kubernetes.io/provisioned-by'] !== undefined;
		case 'PersistentVolumeClaim':
			return context.statefulSetClaims(namespace ?? '', metadata.name);
		case 'PriorityClass':
			return metadata.name.startsWith('system-');
		default:
			return false;
	}
}

function cleanMetadata(object: KubeObject, namespaced: boolean): Json {
	const {metadata} = object;
	const out: Json = {name: metadata.name};
	if (namespaced && metadata.namespace) out['namespace'] = metadata.namespace;
	const labels = {...metadata.labels};
	if (object.kind === 'Namespace') delete labels['kubernetes.io/metadata.name'];
	if (Object.keys(labels).length > 0) out['labels'] = labels;
	const annotations = Object.fromEntries(Object.entries(metadata.annotations ?? {}).filter(([key]) => !serverAnnotations.some(re => re.test(key))));
	if (Object.keys(annotations).length > 0) out['annotations'] = annotations;
	const finalizers = (metadata.finalizers ?? []).filter(f => !serverFinalizers.has(f));
	if (finalizers.length > 0) out['finalizers'] = finalizers;
	return out;
}

/** A pod template (or a pod) without what admission and controllers add. */
function cleanPodSpec(spec: Json, options: {pod: boolean}): Json {
	const out: Json = {...spec};
	delete out['serviceAccount'];
	if (options.pod) {
		delete out['nodeName'];
		const injected = new Set<string>();
		if (Array.isArray(out['volumes'])) {
			const volumes = (out['volumes'] as Json[]).filter(v => {
				const generated = typeof v['name'] === 'string' && /^kube-api-access-[a-z0-9]{5}$/.test(v['name']) && isMap(v['projected']);
				if (generated) injected.add(v['name'] as string);
				return !generated;
			});
			if (volumes.length > 0) out['volumes'] = volumes;
			else delete out['volumes'];
		}
		for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
			if (!Array.isArray(out[field])) continue;
			out[field] = (out[field] as Json[]).map(container => {
				if (!Array.isArray(container['volumeMounts'])) return container;
				const mounts = (container['volumeMounts'] as Json[]).filter(m => !injected.has(m['name'] as string));
				const {volumeMounts: _mounts, ...rest} = container;
				return mounts.length > 0 ? {...rest, volumeMounts: mounts} : rest;
			});
		}
		if (Array.isArray(out['tolerations'])) {
			const tolerations = (out['tolerations'] as unknown[]).filter(t => !isDefaultToleration(t));
			if (tolerations.length > 0) out['tolerations'] = tolerations;
			else delete out['tolerations'];
		}
	}
	return out;
}

function cleanTemplate(template: unknown, options: {job?: boolean} = {}): unknown {
	if (!isMap(template)) return template;
	const out: Json = {...template};
	if (isMap(out['metadata'])) {
		const metadata: Json = {...out['metadata']};
		delete metadata['creationTimestamp'];
		if (options.job && isMap(metadata['labels'])) {
			const labels = {...metadata['labels']};
			for (const label of jobGeneratedLabels) delete labels[label];
			if (Object.keys(labels).length > 0) metadata['labels'] = labels;
			else delete metadata['labels'];
		}
		if (Object.keys(metadata).length > 0) out['metadata'] = metadata;
		else delete out['metadata'];
	}
	if (isMap(out['spec'])) out['spec'] = cleanPodSpec(out['spec'], {pod: false});
	return out;
}

function cleanJobSpec(spec: Json): Json {
	const out: Json = {...spec};
	if (out['manualSelector'] !== true) delete out['selector'];
	out['template'] = cleanTemplate(out['template'], {job: out['manualSelector'] !== true});
	return out;
}

/** The spec as the user could have written it: without the fields the server fills in. */
function cleanSpec(object: KubeObject, context: Context): unknown {
	const spec = object.spec as unknown;
	if (!isMap(spec)) return spec;
	const out: Json = {...spec};
	switch (object.kind) {
		case 'Namespace':
			delete out['finalizers'];
			break;
		case 'Pod':
			return cleanPodSpec(out, {pod: true});
		case 'Service':
			if (out['clusterIP'] !== 'None') {
				delete out['clusterIP'];
				delete out['clusterIPs'];
			}
			break;
		case 'PersistentVolumeClaim': {
			const boundByController = object.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'] !== undefined;
			if (boundByController || (typeof out['volumeName'] === 'string' && !context.exportedVolumes.has(out['volumeName']))) delete out['volumeName'];
			break;
		}
		case 'PersistentVolume':
			if (object.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'] !== undefined) {
				delete out['claimRef'];
			} else if (isMap(out['claimRef'])) {
				const {uid: _uid, resourceVersion: _version, ...claimRef} = out['claimRef'];
				out['claimRef'] = claimRef;
			}
			break;
		case 'Deployment':
		case 'ReplicaSet':
		case 'DaemonSet':
		case 'ReplicationController':
			out['template'] = cleanTemplate(out['template']);
			break;
		case 'StatefulSet':
			out['template'] = cleanTemplate(out['template']);
			if (Array.isArray(out['volumeClaimTemplates'])) {
				out['volumeClaimTemplates'] = (out['volumeClaimTemplates'] as Json[]).map(claim => {
					const {status: _status, ...rest} = claim;
					if (isMap(rest['metadata'])) {
						const {creationTimestamp: _created, ...metadata} = rest['metadata'];
						rest['metadata'] = metadata;
					}
					return rest;
				});
			}
			break;
		case 'Job':
			return cleanJobSpec(out);
		case 'CronJob':
			if (isMap(out['jobTemplate'])) {
				const jobTemplate: Json = {...out['jobTemplate']};
				if (isMap(jobTemplate['spec'])) jobTemplate['spec'] = {...jobTemplate['spec'], template: cleanTemplate(jobTemplate['spec']['template'])};
				if (isMap(jobTemplate['metadata']) && Object.keys(jobTemplate['metadata']).length === 0) delete jobTemplate['metadata'];
				out['jobTemplate'] = jobTemplate;
			}
			break;
	}
	return out;
}

/** One object as the export writes it: apiVersion, kind, metadata, then its other fields, no status. */
export function cleanObject(object: KubeObject, namespaced: boolean, context: Context): Json {
	const {apiVersion, kind, metadata: _metadata, status: _status, spec, ...rest} = object;
	const out: Json = {apiVersion, kind, metadata: cleanMetadata(object, namespaced)};
	if (spec !== undefined) {
		const cleaned = cleanSpec(object, context);
		// A Namespace's spec holds only the finalizer the server adds.
		if (!(object.kind === 'Namespace' && isMap(cleaned) && Object.keys(cleaned).length === 0)) out['spec'] = cleaned;
	}
	for (const [key, value] of Object.entries(rest)) if (value !== undefined) out[key] = value;
	return out;
}

function orderOf(kind: string): number {
	const at = installOrder.indexOf(kind);
	return at < 0 ? installOrder.length : at;
}

/** The user's objects, cleaned, in an order a cluster accepts them in. */
export function userObjects(source: ExportSource): Json[] {
	const types = [...source.resourceTypes()].sort((a, b) => orderOf(a.kind) - orderOf(b.kind) || a.kind.localeCompare(b.kind));
	const all = new Map<string, KubeObject[]>();
	const uids = new Set<string>();
	for (const type of types) {
		const objects = source.list(type.kind);
		all.set(type.kind, objects);
		for (const object of objects) uids.add(object.metadata.uid);
	}
	const selectorServices = new Set<string>();
	for (const service of all.get('Service') ?? []) {
		if (isMap(service.spec) && isMap(service.spec['selector']) && Object.keys(service.spec['selector']).length > 0) selectorServices.add(`${service.metadata.namespace}/${service.metadata.name}`);
	}
	const claimPrefixes = new Map<string, string[]>();
	for (const set of all.get('StatefulSet') ?? []) {
		const templates = isMap(set.spec) && Array.isArray(set.spec['volumeClaimTemplates']) ? set.spec['volumeClaimTemplates'] as Json[] : [];
		for (const template of templates) {
			const name = isMap(template['metadata']) ? template['metadata']['name'] : undefined;
			if (typeof name !== 'string') continue;
			const list = claimPrefixes.get(set.metadata.namespace ?? '') ?? [];
			list.push(`${name}-${set.metadata.name}-`);
			claimPrefixes.set(set.metadata.namespace ?? '', list);
		}
	}
	const statefulSetClaims = (namespace: string, name: string) => (claimPrefixes.get(namespace) ?? []).some(prefix => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)));
	const base = {uids, selectorServices, statefulSetClaims};
	const kept = new Map<string, KubeObject[]>();
	for (const type of types) kept.set(type.kind, (all.get(type.kind) ?? []).filter(object => !isSystemObject(object, base)));
	const context: Context = {...base, exportedVolumes: new Set((kept.get('PersistentVolume') ?? []).map(pv => pv.metadata.name))};
	const out: Json[] = [];
	for (const type of types) {
		const objects = [...kept.get(type.kind)!].sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
		for (const object of objects) out.push(cleanObject(object, type.namespaced, context));
	}
	return out;
}

/** The export's text: one YAML document per object, separated by `---`. */
export function exportYaml(source: ExportSource): {text: string; count: number} {
	const objects = userObjects(source);
	const text = objects.map(object => stringify(object, {lineWidth: 0, aliasDuplicateObjects: false})).join('---\n');
	return {text, count: objects.length};
}
