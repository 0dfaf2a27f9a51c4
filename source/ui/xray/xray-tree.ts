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
	/**
	 * A kind's objects (of one namespace, or all) in namespace, name and uid
	 * order, when the source keeps that order (the dashboard's model keeps
	 * it current); without it a build sorts `list`. A build reads it a few
	 * objects a step: finding 100,000 objects takes tens of ms.
	 */
	sorted?(kind: string, namespace?: string): Iterable<KubeObject>;
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

/** Objects of a kind in namespace, name and uid order (the tables' order; DNS names compare the same by code unit as by locale). */
function byNamespaceName(a: KubeObject, b: KubeObject): number {
	const x = a.metadata.namespace ?? '';
	const y = b.metadata.namespace ?? '';
	if (x !== y) return x < y ? -1 : 1;
	if (a.metadata.name !== b.metadata.name) return a.metadata.name < b.metadata.name ? -1 : 1;
	return a.metadata.uid < b.metadata.uid ? -1 : a.metadata.uid > b.metadata.uid ? 1 : 0;
}

/**
 * What a build keeps from one build to the next: a pod's node, while the
 * pod and the objects it refers to are the same objects (a write makes a
 * new object), so a rebuild of 100,000 unchanged pods reuses their nodes.
 */
export type XrayMemo = {pods: WeakMap<KubeObject, {id: string; refs: PodReference[]; node: XrayNode}>};

/** An object a pod refers to, as the pod's node was made: the object then, or undefined when it was missing. */
type PodReference = {kind: string; name: string; object: KubeObject | undefined};

export function newXrayMemo(): XrayMemo {
	return {pods: new WeakMap()};
}

/**
 * A build in steps: it yields after each object it places (and every few
 * hundred objects it reads), so a driver can stop after a number of steps
 * and go on later; its return value is the forest.
 */
export type XrayBuild = Generator<void, XrayNode[], void>;
export type Steps<T> = Generator<void, T, void>;

/**
 * Objects a build reads (finds, indexes or tests) in one step: about what
 * placing one pod costs (some 10 µs at 100,000 pods, where each object read
 * is a cache miss), so that a turn's count of steps is a bound on its time.
 */
const readsAStep = 16;

/** One build's reading of the source: the sorted lists and owner indexes it made, for this build only. */
export class Reader {
	readonly source: XraySource;
	readonly memo: XrayMemo;
	private readonly sortedLists = new Map<string, readonly KubeObject[]>();
	private readonly owners = new Map<string, Map<string, KubeObject[]>>();

	constructor(source: XraySource, memo: XrayMemo) {
		this.source = source;
		this.memo = memo;
	}

	list(kind: string, options?: {namespace?: string; labelSelector?: string}): KubeObject[] {
		return this.source.list(kind, options);
	}

	get(kind: string, name: string, namespace?: string): KubeObject | undefined {
		return this.source.get(kind, name, namespace);
	}

	/** A kind's objects (of one namespace, or all) in name order (read from the source a step every `readsAStep` objects). */
	*ordered(kind: string, namespace?: string): Steps<readonly KubeObject[]> {
		const key = `${kind}/${namespace ?? ''}`;
		let list = this.sortedLists.get(key);
		if (!list) {
			if (this.source.sorted) {
				const objects: KubeObject[] = [];
				for (const object of this.source.sorted(kind, namespace)) {
					objects.push(object);
					if (objects.length % readsAStep === 0) yield;
				}
				list = objects;
			} else {
				list = this.source.list(kind, namespace === undefined ? {} : {namespace}).sort(byNamespaceName);
			}
			this.sortedLists.set(key, list);
		}
		return list;
	}

	/** The objects of `kind` that `owner` owns, in name order (the index is made once per kind and build, a step every `readsAStep` objects). */
	*dependents(owner: KubeObject, kind: string): Steps<KubeObject[]> {
		let index = this.owners.get(kind);
		if (!index) {
			index = new Map();
			const objects = yield* this.ordered(kind);
			for (let i = 0; i < objects.length; i++) {
				const object = objects[i]!;
				for (const reference of object.metadata.ownerReferences ?? []) {
					let list = index.get(reference.uid);
					if (!list) index.set(reference.uid, (list = []));
					list.push(object);
				}
				if (i % readsAStep === readsAStep - 1) yield;
			}
			this.owners.set(kind, index);
		}
		return (index.get(owner.metadata.uid) ?? []).slice();
	}

	/** The pods of a namespace that `test` takes, in name order (a step every `readsAStep` pods read). */
	*pods(namespace: string | undefined, test: (pod: KubeObject) => boolean): Steps<KubeObject[]> {
		const pods = yield* this.ordered('Pod', namespace);
		const out: KubeObject[] = [];
		for (let i = 0; i < pods.length; i++) {
			if (test(pods[i]!)) out.push(pods[i]!);
			if (i % readsAStep === readsAStep - 1) yield;
		}
		return out;
	}
}

/**
 * The forest for `:xray <resource> [namespace]`: one Namespace node per
 * namespace that has such objects, each with the objects' trees below.
 */
export function buildXray(source: XraySource, kind: string, namespace?: string, memo: XrayMemo = newXrayMemo()): XrayNode[] {
	const build = xrayBuild(source, kind, namespace, memo);
	for (;;) {
		const next = build.next();
		if (next.done) return next.value;
	}
}

/** `buildXray` in steps (see `XrayBuild`). */
export function* xrayBuild(source: XraySource, kind: string, namespace?: string, memo: XrayMemo = newXrayMemo()): XrayBuild {
	const reader = new Reader(source, memo);
	const roots = yield* reader.ordered(kind, namespace && namespace !== 'all' ? namespace : undefined);
	const byNamespace = new Map<string, XrayNode[]>();
	for (const object of roots) {
		const ns = object.metadata.namespace ?? '';
		let list = byNamespace.get(ns);
		if (!list) byNamespace.set(ns, (list = []));
		list.push(yield* objectTree(reader, object, `${ns}`));
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

/** Whether labels carry every key and value of a map selector. */
function selectedBy(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
	for (const key in selector) if (labels?.[key] !== selector[key]) return false;
	return true;
}

function* objectTree(source: Reader, object: KubeObject, parentId: string): Steps<XrayNode> {
	const id = `${parentId}/${object.kind}/${object.metadata.name}`;
	const base = {id, kind: object.kind, name: sanitizeLine(object.metadata.name), namespace: object.metadata.namespace, object};
	switch (object.kind) {
		case 'Deployment': {
			const sets = (yield* source.dependents(object, 'ReplicaSet')).sort(byRevisionDesc);
			const children = [...autoscalers(source, object, id)];
			for (const rs of sets) children.push(yield* objectTree(source, rs, id));
			children.push(...budgetNodes(source, object, id));
			const {health, info} = workloadHealth(object.spec?.replicas ?? 1, object.status?.availableReplicas ?? 0, object.status?.readyReplicas ?? 0);
			yield;
			return {...base, health: worst([health, ...children.map(c => c.health)]), info, children};
		}
		case 'ReplicaSet':
		case 'StatefulSet':
		case 'DaemonSet':
		case 'Job': {
			const pods = yield* source.dependents(object, 'Pod');
			const children = object.kind === 'DaemonSet' || object.kind === 'Job' ? [] : autoscalers(source, object, id);
			for (const pod of pods) children.push(yield* podUnder(source, pod, id));
			// A budget shows under the workload that owns the pods: a Deployment's, not its ReplicaSets'.
			if (object.kind === 'StatefulSet' || (object.kind === 'ReplicaSet' && !object.metadata.ownerReferences?.some(ref => ref.controller))) children.push(...budgetNodes(source, object, id));
			const desired = object.kind === 'DaemonSet' ? object.status?.desiredNumberScheduled ?? 0 : object.spec?.replicas ?? object.spec?.completions ?? 1;
			const ready = object.kind === 'DaemonSet' ? object.status?.numberReady ?? 0 : object.status?.readyReplicas ?? object.status?.succeeded ?? 0;
			const {health, info} = workloadHealth(desired, ready, ready);
			const revision = object.metadata.annotations?.['deployment.kubernetes.io/revision'];
			yield;
			return {...base, health: worst([health, ...children.map(c => c.health)]), info: revision ? `${info} rev ${revision}` : info, children};
		}
		case 'Service': {
			const selector = object.spec?.selector as Record<string, string> | undefined;
			const selects = Boolean(selector && Object.keys(selector).length > 0);
			const pods = selects ? yield* source.pods(object.metadata.namespace, pod => selectedBy(selector!, pod.metadata.labels)) : [];
			const children: XrayNode[] = [];
			for (const pod of pods) children.push(yield* podUnder(source, pod, id));
			const {ready, total} = serviceEndpoints(source, object);
			const health: Health = total === 0 ? (selects ? 'fault' : 'ok') : ready === 0 ? 'fault' : ready < total ? 'warn' : 'ok';
			yield;
			return {...base, health, info: `${object.spec?.type ?? 'ClusterIP'} ${object.spec?.clusterIP ?? ''} ${ready}/${total} endpoints`.replace(/\s+/g, ' '), children};
		}
		case 'Pod':
			return yield* podTree(source, object, id);
		case 'PodDisruptionBudget':
			return yield* budgetTree(source, object, id, (pod, parent) => podUnder(source, pod, parent));
		case 'ResourceQuota':
			yield;
			return quotaTree(object, id);
		case 'Ingress':
			return yield* ingressTree(source, object, id, base);
		case 'NetworkPolicy': {
			const selector = object.spec?.podSelector ?? {};
			const labels = (selector.matchLabels ?? {}) as Record<string, string>;
			const pods = (selector.matchExpressions ?? []).length > 0 ? [] : yield* source.pods(object.metadata.namespace, pod => selectedBy(labels, pod.metadata.labels));
			const children: XrayNode[] = [];
			for (const pod of pods) children.push(yield* podUnder(source, pod, id));
			const types: string[] = object.spec?.policyTypes ?? ['Ingress'];
			yield;
			return {...base, health: 'ok', info: `${types.join('+')} ${pods.length} pods`, children};
		}
		case 'ServiceAccount':
			return yield* serviceAccountTree(source, object, id);
		default:
			yield;
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
function* ingressTree(source: Reader, ingress: KubeObject, id: string, base: Omit<XrayNode, 'health' | 'info' | 'children'>): Steps<XrayNode> {
	const namespace = ingress.metadata.namespace;
	const names: string[] = [];
	const add = (backend: any) => {
		const name = backend?.service?.name;
		if (name && !names.includes(name)) names.push(name);
	};
	add(ingress.spec?.defaultBackend);
	for (const rule of ingress.spec?.rules ?? []) for (const path of rule.http?.paths ?? []) add(path.backend);
	const children: XrayNode[] = [];
	for (const name of names) {
		const service = source.get('Service', name, namespace);
		children.push(service ? yield* objectTree(source, service, id) : {id: `${id}/Service/${name}`, kind: 'Service', name: sanitizeLine(name), namespace, health: 'fault', info: 'not found', children: []});
	}
	yield;
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
function* serviceAccountTree(source: Reader, account: KubeObject, id: string): Steps<XrayNode> {
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
	const children: XrayNode[] = [...bindingNodes];
	for (const pod of yield* source.pods(namespace, pod => (pod.spec?.serviceAccountName ?? 'default') === name)) children.push(yield* podUnder(source, pod, id));
	const pods = children.length - bindingNodes.length;
	yield;
	return {
		id, kind: 'ServiceAccount', name: sanitizeLine(name), namespace, object: account,
		health: worst(children.map(c => c.health)), info: `${bindingNodes.length} ${bindingNodes.length === 1 ? 'binding' : 'bindings'}, ${pods} ${pods === 1 ? 'pod' : 'pods'}`, children,
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

/** A pod's node below `parentId`. */
function podUnder(source: Reader, pod: KubeObject, parentId: string): Steps<XrayNode> {
	return podTree(source, pod, `${parentId}/Pod/${pod.metadata.name}`);
}

/** A pod's node, the one the last build made while the pod and what it refers to are the same objects. */
function* podTree(source: Reader, pod: KubeObject, id: string): Steps<XrayNode> {
	yield;
	const memo = source.memo.pods.get(pod);
	const namespace = pod.metadata.namespace;
	if (memo && memo.id === id && memo.refs.every(ref => source.get(ref.kind, ref.name, namespace) === ref.object)) return memo.node;
	const statuses: ContainerStatus[] = pod.status?.containerStatuses ?? [];
	const containers: XrayNode[] = ((pod.spec?.containers ?? []) as Container[]).map(container => {
		const status = statuses.find(s => s.name === container.name);
		const {health, info} = containerHealth(status);
		return {id: `${id}/container/${container.name}`, kind: 'Container', name: sanitizeLine(container.name), namespace: pod.metadata.namespace, object: pod, container: container.name, health, info: `${sanitizeLine(container.image)} ${info}`, children: []};
	});
	const refs = podReferences(pod);
	const referenced: XrayNode[] = [];
	const objects: PodReference[] = [];
	for (const [kind, names] of [['ConfigMap', refs.configMaps], ['Secret', refs.secrets], ['PersistentVolumeClaim', refs.claims]] as const) {
		for (const name of [...names].sort()) {
			const object = source.get(kind, name, namespace);
			objects.push({kind, name, object});
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
	const node: XrayNode = {id, kind: 'Pod', name: sanitizeLine(pod.metadata.name), namespace, object: pod, health: worst([health, ...referenced.map(r => r.health)]), info, children};
	source.memo.pods.set(pod, {id, refs: objects, node});
	return node;
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

/**
 * One drawn row of the tree: its node and its guide graphic (`├─ `,
 * `│  └─ `). Siblings share the guide of their parent's column, so a row
 * holds no string of its own until it is drawn.
 */
export class XrayRow {
	readonly node: XrayNode;
	readonly depth: number;
	readonly collapsed: boolean;
	/** The columns before this row's branch (`│  ` or three spaces per ancestor below the first level). */
	private readonly guide: string;
	private readonly last: boolean;

	constructor(node: XrayNode, guide: string, last: boolean, depth: number, collapsed: boolean) {
		this.node = node;
		this.guide = guide;
		this.last = last;
		this.depth = depth;
		this.collapsed = collapsed;
	}

	get prefix(): string {
		return this.depth === 0 ? '' : `${this.guide}${this.last ? '└─ ' : '├─ '}`;
	}
}

/** Flatten the forest into rows with tree guides; `collapsed` ids hide their children. */
export function flattenXray(roots: readonly XrayNode[], collapsed: ReadonlySet<string> = new Set()): XrayRow[] {
	const rows: XrayRow[] = [];
	const walk = (node: XrayNode, guide: string, last: boolean, depth: number) => {
		const isCollapsed = collapsed.size > 0 && collapsed.has(node.id);
		rows.push(new XrayRow(node, guide, last, depth, isCollapsed));
		if (isCollapsed || node.children.length === 0) return;
		const childGuide = depth === 0 ? '' : `${guide}${last ? '   ' : '│  '}`;
		const {children} = node;
		for (let i = 0; i < children.length; i++) walk(children[i]!, childGuide, i === children.length - 1, depth + 1);
	};
	roots.forEach((root, i) => walk(root, '', i === roots.length - 1, 0));
	return rows;
}

/** Health mark drawn before each node: ✔ ok, ◐ in progress, ✘ fault (text-only so NO_COLOR keeps it). */
export const healthMarks: Record<Health, string> = {ok: '✔', warn: '◐', fault: '✘'};
