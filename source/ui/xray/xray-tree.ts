/**
 * Xray: the owner tree of a kind down to containers, as k9s' `:xray`, with
 * the ConfigMaps, Secrets and claims each pod uses and a health mark per
 * node. Pure: built from a list function, so tests pass the cluster itself.
 */
import type {Container, ContainerStatus, KubeObject, Volume} from '../../engine/index.js';
import {sanitizeLine} from '../sanitize.js';
import {budgetNodes, budgetTree, quotaTree} from './policy-nodes.js';

export type Health = 'ok' | 'warn' | 'fault';

export type XrayNode = {
	/** Unique within the tree (path of kind/name). */
	id: string;
	kind: string;
	name: string;
	namespace?: string;
	/** The object, when the node stands for one (a container's node carries its pod). */
	object?: KubeObject;
	/** Container name for container nodes. */
	container?: string;
	health: Health;
	/** Short status text, e.g. `3/3`, `Running`, `CrashLoopBackOff`, `not found`. */
	info: string;
	children: XrayNode[];
};

/** What the builder reads: a structural subset of the facade. */
export type XraySource = {
	list(kind: string, options?: {namespace?: string; labelSelector?: string}): KubeObject[];
	get(kind: string, name: string, namespace?: string): KubeObject | undefined;
};

/** The resources `:xray` accepts, by alias. */
export const xrayKinds: Record<string, string> = {
	deploy: 'Deployment', deployments: 'Deployment', deployment: 'Deployment', dp: 'Deployment',
	sts: 'StatefulSet', statefulsets: 'StatefulSet', statefulset: 'StatefulSet',
	svc: 'Service', services: 'Service', service: 'Service',
	po: 'Pod', pods: 'Pod', pod: 'Pod',
	rs: 'ReplicaSet', replicasets: 'ReplicaSet', replicaset: 'ReplicaSet',
	ds: 'DaemonSet', daemonsets: 'DaemonSet', daemonset: 'DaemonSet',
	pdb: 'PodDisruptionBudget', poddisruptionbudgets: 'PodDisruptionBudget', poddisruptionbudget: 'PodDisruptionBudget',
	quota: 'ResourceQuota', resourcequotas: 'ResourceQuota', resourcequota: 'ResourceQuota',
	ing: 'Ingress', ingresses: 'Ingress', ingress: 'Ingress',
	netpol: 'NetworkPolicy', networkpolicies: 'NetworkPolicy', networkpolicy: 'NetworkPolicy',
	sa: 'ServiceAccount', serviceaccounts: 'ServiceAccount', serviceaccount: 'ServiceAccount',
};

/**
 * The forest for `:xray <resource> [namespace]`: one Namespace node per
 * namespace that has such objects, each with the objects' trees below.
 */
export function buildXray(cluster: XraySource, kind: string, namespace?: string): XrayNode[] {
	// A fresh wrapper per build, so the owner indexes live for this build only.
	const source: XraySource = {list: (k, options) => cluster.list(k, options), get: (k, name, ns) => cluster.get(k, name, ns)};
	const roots = source.list(kind, namespace && namespace !== 'all' ? {namespace} : {})
		.slice()
		.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
	const byNamespace = new Map<string, XrayNode[]>();
	for (const object of roots) {
		const ns = object.metadata.namespace ?? '';
		let list = byNamespace.get(ns);
		if (!list) byNamespace.set(ns, (list = []));
		list.push(objectTree(source, object, `${ns}`));
	}
	return [...byNamespace].map(([ns, children]) => ({
		id: `Namespace/${ns}`,
		kind: 'Namespace',
		name: ns,
		object: source.get('Namespace', ns),
		health: worst(children.map(c => c.health)),
		info: `${children.length}`,
		children,
	}));
}

function objectTree(source: XraySource, object: KubeObject, parentId: string): XrayNode {
	const id = `${parentId}/${object.kind}/${object.metadata.name}`;
	const base = {id, kind: object.kind, name: sanitizeLine(object.metadata.name), namespace: object.metadata.namespace, object};
	switch (object.kind) {
		case 'Deployment': {
			const sets = dependents(source, object, 'ReplicaSet').sort(byRevisionDesc);
			const children = [...autoscalers(source, object, id), ...sets.map(rs => objectTree(source, rs, id)), ...budgetNodes(source, object, id)];
			const {health, info} = workloadHealth(object.spec?.replicas ?? 1, object.status?.availableReplicas ?? 0, object.status?.readyReplicas ?? 0);
			return {...base, health: worst([health, ...children.map(c => c.health)]), info, children};
		}
		case 'ReplicaSet':
		case 'StatefulSet':
		case 'DaemonSet':
		case 'Job': {
			const pods = dependents(source, object, 'Pod').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
			const children = [...(object.kind === 'DaemonSet' || object.kind === 'Job' ? [] : autoscalers(source, object, id)), ...pods.map(pod => objectTree(source, pod, id))];
			// A budget shows under the workload that owns the pods: a Deployment's, not its ReplicaSets'.
			if (object.kind === 'StatefulSet' || (object.kind === 'ReplicaSet' && !object.metadata.ownerReferences?.some(ref => ref.controller))) children.push(...budgetNodes(source, object, id));
			const desired = object.kind === 'DaemonSet' ? object.status?.desiredNumberScheduled ?? 0 : object.spec?.replicas ?? object.spec?.completions ?? 1;
			const ready = object.kind === 'DaemonSet' ? object.status?.numberReady ?? 0 : object.status?.readyReplicas ?? object.status?.succeeded ?? 0;
			const {health, info} = workloadHealth(desired, ready, ready);
			const revision = object.metadata.annotations?.['deployment.kubernetes.io/revision'];
			return {...base, health: worst([health, ...children.map(c => c.health)]), info: revision ? `${info} rev ${revision}` : info, children};
		}
		case 'Service': {
			const selector = object.spec?.selector as Record<string, string> | undefined;
			const pods = selector && Object.keys(selector).length > 0
				? source.list('Pod', {namespace: object.metadata.namespace, labelSelector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')})
				: [];
			const children = pods.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).map(pod => objectTree(source, pod, id));
			const {ready, total} = serviceEndpoints(source, object);
			const selects = Boolean(selector && Object.keys(selector).length > 0);
			const health: Health = total === 0 ? (selects ? 'fault' : 'ok') : ready === 0 ? 'fault' : ready < total ? 'warn' : 'ok';
			return {...base, health, info: `${object.spec?.type ?? 'ClusterIP'} ${object.spec?.clusterIP ?? ''} ${ready}/${total} endpoints`.replace(/\s+/g, ' '), children};
		}
		case 'Pod':
			return podTree(source, object, id);
		case 'PodDisruptionBudget':
			return budgetTree(source, object, id, (pod, parent) => objectTree(source, pod, parent));
		case 'ResourceQuota':
			return quotaTree(object, id);
		case 'Ingress':
			return ingressTree(source, object, id, base);
		case 'NetworkPolicy': {
			const selector = object.spec?.podSelector ?? {};
			const text = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
			const pods = (selector.matchExpressions ?? []).length > 0 ? [] : source.list('Pod', {namespace: object.metadata.namespace, ...(text ? {labelSelector: text} : {})});
			const children = pods.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).map(pod => objectTree(source, pod, id));
			const types: string[] = object.spec?.policyTypes ?? ['Ingress'];
			return {...base, health: 'ok', info: `${types.join('+')} ${pods.length} pods`, children};
		}
		case 'ServiceAccount':
			return serviceAccountTree(source, object, id);
		default:
			return {...base, health: 'ok', info: '', children: []};
	}
}

/** The HorizontalPodAutoscalers that scale `target`, each a leaf with its TARGETS and replicas. */
function autoscalers(source: XraySource, target: KubeObject, parentId: string): XrayNode[] {
	return source.list('HorizontalPodAutoscaler', {namespace: target.metadata.namespace})
		.filter(hpa => hpa.spec?.scaleTargetRef?.kind === target.kind && hpa.spec?.scaleTargetRef?.name === target.metadata.name)
		.map(hpa => {
			const conditions: Array<{type: string; status: string}> = hpa.status?.conditions ?? [];
			const failing = conditions.some(c => (c.type === 'AbleToScale' || c.type === 'ScalingActive') && c.status === 'False');
			const atMax = (hpa.status?.currentReplicas ?? 0) >= (hpa.spec?.maxReplicas ?? 0);
			const metrics = (hpa.spec?.metrics ?? []).map((metric: any, i: number) => {
				const source = metric.resource ?? metric.containerResource;
				const current = hpa.status?.currentMetrics?.[i]?.resource?.current ?? hpa.status?.currentMetrics?.[i]?.containerResource?.current;
				if (!source) return metric.type;
				return source.target?.averageValue === undefined
					? `${source.name} ${current?.averageUtilization === undefined ? '<unknown>' : `${current.averageUtilization}%`}/${source.target?.averageUtilization}%`
					: `${source.name} ${current?.averageValue ?? '<unknown>'}/${source.target.averageValue}`;
			}).join(' ');
			return {
				id: `${parentId}/HorizontalPodAutoscaler/${hpa.metadata.name}`, kind: 'HorizontalPodAutoscaler', name: sanitizeLine(hpa.metadata.name), namespace: hpa.metadata.namespace, object: hpa,
				health: failing ? 'fault' : atMax ? 'warn' : 'ok',
				info: sanitizeLine(`${metrics} ${hpa.status?.currentReplicas ?? 0}/${hpa.spec?.minReplicas ?? 1}-${hpa.spec?.maxReplicas ?? 0}`),
				children: [],
			};
		});
}

/** An Ingress: its class and address, then each backend Service (with its pods), `not found` for a missing one. */
function ingressTree(source: XraySource, ingress: KubeObject, id: string, base: Omit<XrayNode, 'health' | 'info' | 'children'>): XrayNode {
	const namespace = ingress.metadata.namespace;
	const names: string[] = [];
	const add = (backend: any) => {
		const name = backend?.service?.name;
		if (name && !names.includes(name)) names.push(name);
	};
	add(ingress.spec?.defaultBackend);
	for (const rule of ingress.spec?.rules ?? []) for (const path of rule.http?.paths ?? []) add(path.backend);
	const children = names.map(name => {
		const service = source.get('Service', name, namespace);
		if (service) return objectTree(source, service, id);
		return {id: `${id}/Service/${name}`, kind: 'Service', name: sanitizeLine(name), namespace, health: 'fault' as Health, info: 'not found', children: []};
	});
	const address = (ingress.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).join(',');
	const hosts = (ingress.spec?.rules ?? []).map((r: any) => r.host).filter(Boolean).join(',') || '*';
	const health: Health = worst([address ? 'ok' : 'warn', ...children.map(c => c.health)]);
	return {...base, health, info: sanitizeLine(`${ingress.spec?.ingressClassName ?? '<none>'} ${hosts} ${address || '<pending>'}`), children};
}

type Binding = KubeObject & {roleRef?: {kind?: string; name?: string}; subjects?: Array<{kind: string; name: string; namespace?: string}>};

/**
 * A ServiceAccount's RBAC and users: the RoleBindings (of its namespace) and
 * ClusterRoleBindings that name it, each with the role it grants (a fault
 * when that role does not exist, as it then grants nothing), and the pods
 * that run as it.
 */
function serviceAccountTree(source: XraySource, account: KubeObject, id: string): XrayNode {
	const namespace = account.metadata.namespace ?? '';
	const name = account.metadata.name;
	const names = (binding: Binding, bindingNamespace: string) => (binding.subjects ?? []).some(s => s.kind === 'ServiceAccount' && s.name === name && (s.namespace || bindingNamespace) === namespace);
	const bindings = [
		...(source.list('RoleBinding', {namespace}) as Binding[]).filter(b => names(b, namespace)),
		...(source.list('ClusterRoleBinding') as Binding[]).filter(b => names(b, '')),
	];
	const bindingNodes = bindings.map(binding => {
		const bindingId = `${id}/${binding.kind}/${binding.metadata.name}`;
		const ref = binding.roleRef ?? {};
		const role = ref.kind === 'Role' ? source.get('Role', ref.name ?? '', namespace) : source.get('ClusterRole', ref.name ?? '');
		const rules = (role?.['rules'] as unknown[] | undefined)?.length ?? 0;
		const roleNode: XrayNode = {
			id: `${bindingId}/${ref.kind}/${ref.name}`, kind: ref.kind ?? 'Role', name: sanitizeLine(ref.name ?? ''), namespace: ref.kind === 'Role' ? namespace : undefined,
			object: role, health: role ? 'ok' : 'fault', info: role ? `${rules} ${rules === 1 ? 'rule' : 'rules'}` : 'not found', children: [],
		};
		return {id: bindingId, kind: binding.kind, name: sanitizeLine(binding.metadata.name), namespace: binding.metadata.namespace, object: binding, health: roleNode.health, info: `${ref.kind}/${sanitizeLine(ref.name ?? '')}`, children: [roleNode]};
	});
	const pods = source.list('Pod', {namespace})
		.filter(pod => (pod.spec?.serviceAccountName ?? 'default') === name)
		.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
		.map(pod => podTree(source, pod, id));
	const children = [...bindingNodes, ...pods];
	return {
		id, kind: 'ServiceAccount', name: sanitizeLine(name), namespace, object: account,
		health: worst(children.map(c => c.health)), info: `${bindingNodes.length} ${bindingNodes.length === 1 ? 'binding' : 'bindings'}, ${pods.length} ${pods.length === 1 ? 'pod' : 'pods'}`, children,
	};
}

/**
 * Ready and all endpoints of a Service, read from its EndpointSlices (label
 * `kubernetes.io/service-name`), as `:ep` and kube-proxy see them: the
 * apiserver's own slice for `kubernetes`, the controller's for the rest. A
 * nil `ready` counts as ready, as the API says.
 */
function serviceEndpoints(source: XraySource, service: KubeObject): {ready: number; total: number} {
	const slices = source.list('EndpointSlice', {namespace: service.metadata.namespace, labelSelector: `kubernetes.io/service-name=${service.metadata.name}`});
	let ready = 0;
	let total = 0;
	for (const slice of slices) {
		for (const endpoint of (slice['endpoints'] ?? []) as Array<{conditions?: {ready?: boolean | null}}>) {
			total++;
			if (endpoint.conditions?.ready !== false) ready++;
		}
	}
	return {ready, total};
}

function podTree(source: XraySource, pod: KubeObject, id: string): XrayNode {
	const statuses: ContainerStatus[] = pod.status?.containerStatuses ?? [];
	const containers: XrayNode[] = ((pod.spec?.containers ?? []) as Container[]).map(container => {
		const status = statuses.find(s => s.name === container.name);
		const {health, info} = containerHealth(status);
		return {id: `${id}/container/${container.name}`, kind: 'Container', name: sanitizeLine(container.name), namespace: pod.metadata.namespace, object: pod, container: container.name, health, info: `${sanitizeLine(container.image)} ${info}`, children: []};
	});
	const refs = podReferences(pod);
	const namespace = pod.metadata.namespace;
	const referenced: XrayNode[] = [];
	for (const [kind, names] of [['ConfigMap', refs.configMaps], ['Secret', refs.secrets], ['PersistentVolumeClaim', refs.claims]] as const) {
		for (const name of [...names].sort()) {
			const object = source.get(kind, name, namespace);
			let health: Health = object ? 'ok' : 'fault';
			let info = object ? '' : 'not found';
			if (object && kind === 'PersistentVolumeClaim') {
				const phase = object.status?.phase ?? 'Pending';
				health = phase === 'Bound' ? 'ok' : phase === 'Lost' ? 'fault' : 'warn';
				info = `${phase}${object.spec?.volumeName ? ` ${object.spec.volumeName}` : ''}`;
			}
			referenced.push({id: `${id}/${kind}/${name}`, kind, name: sanitizeLine(name), namespace, object, health, info, children: []});
		}
	}
	const children = [...containers, ...referenced];
	const {health, info} = podHealth(pod);
	return {id, kind: 'Pod', name: sanitizeLine(pod.metadata.name), namespace, object: pod, health: worst([health, ...referenced.map(r => r.health)]), info, children};
}

/** ConfigMaps, Secrets and claims a pod uses: volumes, env `valueFrom`, `envFrom`. */
export function podReferences(pod: KubeObject): {configMaps: Set<string>; secrets: Set<string>; claims: Set<string>} {
	const configMaps = new Set<string>();
	const secrets = new Set<string>();
	const claims = new Set<string>();
	for (const volume of (pod.spec?.volumes ?? []) as Volume[]) {
		if (volume.configMap?.name) configMaps.add(volume.configMap.name);
		if (volume.secret?.secretName) secrets.add(volume.secret.secretName);
		if (volume.persistentVolumeClaim?.claimName) claims.add(volume.persistentVolumeClaim.claimName);
		// The service-account token volume every pod gets (its kube-root-ca.crt) is left out, as k9s leaves it.
		const projected = volume.name.startsWith('kube-api-access-') ? undefined : volume['projected'] as {sources?: Array<{configMap?: {name: string}; secret?: {name: string}}>} | undefined;
		for (const item of projected?.sources ?? []) {
			if (item.configMap?.name) configMaps.add(item.configMap.name);
			if (item.secret?.name) secrets.add(item.secret.name);
		}
	}
	for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])] as Container[]) {
		for (const variable of container.env ?? []) {
			if (variable.valueFrom?.configMapKeyRef?.name) configMaps.add(variable.valueFrom.configMapKeyRef.name);
			if (variable.valueFrom?.secretKeyRef?.name) secrets.add(variable.valueFrom.secretKeyRef.name);
		}
		for (const from of container.envFrom ?? []) {
			if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
			if (from.secretRef?.name) secrets.add(from.secretRef.name);
		}
	}
	return {configMaps, secrets, claims};
}

/** Objects of a kind by owner uid, built once per kind and source (a tree build reads each kind once). */
const ownerIndexes = new WeakMap<XraySource, Map<string, Map<string, KubeObject[]>>>();

function dependents(source: XraySource, owner: KubeObject, kind: string): KubeObject[] {
	let byKind = ownerIndexes.get(source);
	if (!byKind) ownerIndexes.set(source, (byKind = new Map()));
	let index = byKind.get(kind);
	if (!index) {
		index = new Map();
		for (const object of source.list(kind)) {
			for (const reference of object.metadata.ownerReferences ?? []) {
				let list = index.get(reference.uid);
				if (!list) index.set(reference.uid, (list = []));
				list.push(object);
			}
		}
		byKind.set(kind, index);
	}
	return (index.get(owner.metadata.uid) ?? []).slice();
}

function byRevisionDesc(a: KubeObject, b: KubeObject): number {
	const revision = (o: KubeObject) => Number(o.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
	return revision(b) - revision(a);
}

function workloadHealth(desired: number, available: number, ready: number): {health: Health; info: string} {
	const health: Health = available >= desired ? 'ok' : ready === 0 && desired > 0 ? 'fault' : 'warn';
	return {health, info: `${ready}/${desired}`};
}

const faultReasons = new Set(['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'Error', 'OOMKilled', 'ContainerStatusUnknown']);

function containerHealth(status: ContainerStatus | undefined): {health: Health; info: string} {
	if (!status) return {health: 'warn', info: 'Waiting'};
	const waiting = status.state?.waiting?.reason;
	if (waiting) return {health: faultReasons.has(waiting) ? 'fault' : 'warn', info: waiting};
	const terminated = status.state?.terminated;
	if (terminated) return {health: terminated.exitCode === 0 ? 'ok' : 'fault', info: terminated.reason ?? `exit ${terminated.exitCode}`};
	if (status.state?.running) return {health: status.ready ? 'ok' : 'warn', info: `${status.ready ? 'Ready' : 'Running, not ready'}${status.restartCount > 0 ? ` (${status.restartCount} restarts)` : ''}`};
	return {health: 'warn', info: 'Unknown'};
}

function podHealth(pod: KubeObject): {health: Health; info: string} {
	if (pod.metadata.deletionTimestamp) return {health: 'warn', info: 'Terminating'};
	const phase = pod.status?.phase ?? 'Pending';
	const statuses: ContainerStatus[] = pod.status?.containerStatuses ?? [];
	const reason = statuses.map(s => s.state?.waiting?.reason ?? s.state?.terminated?.reason).find(r => r && faultReasons.has(r));
	const ready = statuses.filter(s => s.ready).length;
	const total = (pod.spec?.containers ?? []).length;
	if (reason) return {health: 'fault', info: `${reason} ${ready}/${total}`};
	if (phase === 'Failed' || phase === 'Unknown') return {health: 'fault', info: `${pod.status?.reason ?? phase} ${ready}/${total}`};
	if (phase === 'Succeeded') return {health: 'ok', info: 'Completed'};
	if (phase === 'Pending') return {health: 'warn', info: `Pending ${ready}/${total}`};
	return {health: ready === total ? 'ok' : 'warn', info: `Running ${ready}/${total}`};
}

function worst(healths: Health[]): Health {
	if (healths.includes('fault')) return 'fault';
	if (healths.includes('warn')) return 'warn';
	return 'ok';
}

/** One drawn row of the tree: the guide graphic (`├─ `, `│  └─ `) and its node. */
export type XrayRow = {node: XrayNode; prefix: string; depth: number; collapsed: boolean};

/** Flatten the forest into rows with tree guides; `collapsed` ids hide their children. */
export function flattenXray(roots: readonly XrayNode[], collapsed: ReadonlySet<string> = new Set()): XrayRow[] {
	const rows: XrayRow[] = [];
	const walk = (node: XrayNode, guide: string, last: boolean, depth: number) => {
		const isCollapsed = collapsed.has(node.id);
		rows.push({node, prefix: depth === 0 ? '' : `${guide}${last ? '└─ ' : '├─ '}`, depth, collapsed: isCollapsed});
		if (isCollapsed) return;
		const childGuide = depth === 0 ? '' : `${guide}${last ? '   ' : '│  '}`;
		node.children.forEach((child, i) => walk(child, childGuide, i === node.children.length - 1, depth + 1));
	};
	roots.forEach((root, i) => walk(root, '', i === roots.length - 1, 0));
	return rows;
}

/** Health mark drawn before each node: ✔ ok, ◐ in progress, ✘ fault (text-only so NO_COLOR keeps it). */
export const healthMarks: Record<Health, string> = {ok: '✔', warn: '◐', fault: '✘'};
