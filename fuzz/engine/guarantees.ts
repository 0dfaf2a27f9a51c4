/**
 * What Kubernetes guarantees once a cluster has settled, checked through the
 * public API only. Each broken guarantee is a `Violation` with a stable rule
 * name (for `--ignore`) and the objects involved.
 */
import {bytes, milliCpu} from '../../source/engine/index.js';
import type {Cluster, KubeObject, LabelSelector, Pod} from '../../source/engine/index.js';

export type Violation = {
	/** Stable name of the rule, e.g. `owner-live`. */
	rule: string;
	/** What was seen, naming the objects. */
	detail: string;
};

const ref = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const controllerOf = (o: KubeObject) => o.metadata.ownerReferences?.find(r => r.controller);
const deleting = (o: KubeObject) => Boolean(o.metadata.deletionTimestamp);
const isReady = (pod: Pod) => pod.status?.conditions?.find(c => c.type === 'Ready')?.status === 'True';
const isTerminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const isActive = (pod: Pod) => !deleting(pod) && !isTerminal(pod);

/** `metav1.LabelSelectorAsSelector` then `Matches`; an empty selector matches everything, a missing one nothing. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
	if (!selector) return false;
	const have = labels ?? {};
	for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (have[key] !== value) return false;
	for (const {key, operator, values = []} of selector.matchExpressions ?? []) {
		const present = Object.hasOwn(have, key);
		if (operator === 'In' && !(present && values.includes(have[key]!))) return false;
		if (operator === 'NotIn' && present && values.includes(have[key]!)) return false;
		if (operator === 'Exists' && !present) return false;
		if (operator === 'DoesNotExist' && present) return false;
	}
	return true;
}

/** Every kind whose objects can carry owner references, with what the fuzzer makes of them. */
const ownedKinds = ['Pod', 'ReplicaSet', 'Job', 'PersistentVolumeClaim', 'ControllerRevision', 'Endpoints', 'EndpointSlice', 'Event'];

/** Index of every live object by uid, over the kinds that can be owners. */
function ownersByUid(cluster: Cluster): Map<string, KubeObject> {
	const byUid = new Map<string, KubeObject>();
	for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Node', 'Pod', 'PersistentVolumeClaim']) {
		for (const object of cluster.list(kind)) byUid.set(object.metadata.uid, object);
	}
	return byUid;
}

/**
 * The settled-cluster guarantees. `orphaned` maps the uid of each owner
 * deleted with propagationPolicy Orphan to the uids of its dependents then.
 */
export function checkGuarantees(cluster: Cluster, orphaned: ReadonlyMap<string, readonly string[]>): Violation[] {
	const out: Violation[] = [];
	const owners = ownersByUid(cluster);
	const pods = cluster.list('pods') as Pod[];
	const nodes = cluster.list('nodes');
	const nodeNames = new Set(nodes.map(n => n.metadata.name));

	// Every controller reference names a live owner with that uid, whose selector still matches.
	for (const kind of ownedKinds) {
		for (const object of cluster.list(kind)) {
			const controller = controllerOf(object);
			// A dependent the garbage collector is deleting may outlive its owner by its grace period.
			if (!controller || deleting(object)) continue;
			const owner = owners.get(controller.uid);
			if (!owner || owner.kind !== controller.kind || owner.metadata.name !== controller.name) {
				out.push({rule: 'owner-live', detail: `${ref(object)} names controller ${controller.kind} ${controller.name} (uid ${controller.uid}), which does not exist`});
				continue;
			}
			const selector = owner.spec?.selector as LabelSelector | undefined;
			if ((kind === 'Pod' || (kind === 'ReplicaSet' && owner.kind === 'Deployment')) && selector && !selectorMatches(selector, object.metadata.labels)) {
				out.push({rule: 'owner-selector', detail: `${ref(object)} is controlled by ${ref(owner)} but its labels ${JSON.stringify(object.metadata.labels ?? {})} no longer match the selector`});
			}
		}
	}

	// Objects orphaned on purpose carry no reference to the owner that let them go.
	const all = new Map<string, KubeObject>();
	for (const kind of ownedKinds) for (const object of cluster.list(kind)) all.set(object.metadata.uid, object);
	for (const [ownerUid, dependents] of orphaned) {
		for (const uid of dependents) {
			const object = all.get(uid);
			if (object?.metadata.ownerReferences?.some(r => r.uid === ownerUid)) {
				out.push({rule: 'orphan-keeps-ref', detail: `${ref(object)} was orphaned but still references its deleted owner (uid ${ownerUid})`});
			}
		}
	}

	// Matching orphans are adopted (controller-ref manager: ClaimPods / ClaimReplicaSets).
	const claimers = [
		...cluster.list('replicasets'),
		...cluster.list('statefulsets'),
		...cluster.list('daemonsets'),
		...cluster.list('jobs').filter(j => !(j.status?.conditions ?? []).some((c: {type: string; status: string}) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')),
	].filter(o => !deleting(o));
	for (const pod of pods) {
		if (!isActive(pod) || controllerOf(pod)) continue;
		for (const claimer of claimers) {
			if (claimer.metadata.namespace !== pod.metadata.namespace) continue;
			if (!selectorMatches(claimer.spec?.selector, pod.metadata.labels)) continue;
			// A StatefulSet only claims pods named after it (isMemberOf).
			if (claimer.kind === 'StatefulSet' && !new RegExp(`^${claimer.metadata.name}-\\d+$`).test(pod.metadata.name)) continue;
			out.push({rule: 'orphan-not-adopted', detail: `${ref(pod)} has no controller although ${ref(claimer)} selects it`});
		}
	}
	const deployments = cluster.list('deployments');
	for (const rs of cluster.list('replicasets')) {
		if (deleting(rs) || controllerOf(rs)) continue;
		for (const d of deployments) {
			if (!deleting(d) && d.metadata.namespace === rs.metadata.namespace && selectorMatches(d.spec?.selector, rs.metadata.labels)) {
				out.push({rule: 'orphan-not-adopted', detail: `${ref(rs)} has no controller although ${ref(d)} selects it`});
			}
		}
	}

	// A settled Deployment has one ReplicaSet with replicas (but for a Recreate Deployment scaled while two
	// were active, which upstream leaves as it is: recreateScaleLeftAlone); its counts stay within the strategy's bounds.
	const replicaSets = cluster.list('replicasets');
	for (const d of deployments) {
		if (deleting(d) || d.spec?.paused) continue;
		const owned = replicaSets.filter(rs => controllerOf(rs)?.uid === d.metadata.uid && !deleting(rs));
		const want = d.spec.replicas as number;
		const {surge} = fenceposts(d);
		const total = owned.reduce((sum, rs) => sum + (rs.spec?.replicas ?? 0), 0);
		// Only a rolling update bounds the total: upstream's Recreate does not scale proportionally, so
		// two active sets of one template (adopted from an orphaning delete) stay as they are there too.
		if (d.spec.strategy?.type !== 'Recreate' && total > want + surge) {
			out.push({rule: 'deployment-surge', detail: `${ref(d)} wants ${want} (maxSurge ${surge}) but its ReplicaSets ask for ${total}: ${owned.map(rs => `${rs.metadata.name}=${rs.spec?.replicas}`).join(', ')}`});
		}
		const s = d.status ?? {};
		const settled = (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && s.updatedReplicas === want && s.availableReplicas === want && s.replicas === want;
		if (!settled && want > 0) continue;
		const withReplicas = owned.filter(rs => (rs.spec?.replicas ?? 0) > 0);
		if (withReplicas.length !== (want > 0 ? 1 : 0) && !recreateScaleLeftAlone(d, owned)) {
			out.push({rule: 'deployment-one-replicaset', detail: `${ref(d)} settled at ${want} but ${withReplicas.length} ReplicaSets have replicas: ${withReplicas.map(rs => `${rs.metadata.name}=${rs.spec?.replicas}`).join(', ')}`});
		}
	}

	// A StatefulSet's pods are exactly the ordinals 0 … replicas−1 (checked once all its pods run ready),
	// but for an ordinal whose name a live pod of another owner holds: upstream's StatefulSet claims only
	// orphans (ControllerRefManager), so its create of that pod fails with AlreadyExists at every sync
	// for as long as the other owner keeps it (a ReplicaSet that adopted the pod once it was orphaned).
	// With OrderedReady, the ordinals after it wait too: runForAll stops at the first error.
	for (const set of cluster.list('statefulsets')) {
		if (deleting(set)) continue;
		const name = set.metadata.name;
		const owned = pods.filter(p => controllerOf(p)?.uid === set.metadata.uid && !deleting(p));
		const pattern = new RegExp(`^${name}-(0|[1-9]\\d*)$`);
		const stray = owned.filter(p => !pattern.test(p.metadata.name));
		if (stray.length > 0) out.push({rule: 'statefulset-ordinals', detail: `${ref(set)} owns pods not named by ordinal: ${stray.map(p => p.metadata.name).join(', ')}`});
		if (!owned.every(p => p.status?.phase === 'Running' && isReady(p))) continue;
		const have = owned.map(p => p.metadata.name).sort();
		const heldByAnother = (pod: string) => pods.some(p => p.metadata.name === pod && p.metadata.namespace === set.metadata.namespace && controllerOf(p)?.uid !== set.metadata.uid && !deleting(p));
		const ordinals = Array.from({length: set.spec.replicas as number}, (_, i) => `${name}-${i}`);
		const firstHeld = ordinals.findIndex(heldByAnother);
		const reachable = firstHeld < 0 || set.spec.podManagementPolicy === 'Parallel' ? ordinals : ordinals.slice(0, firstHeld);
		const want = reachable.filter(pod => !heldByAnother(pod)).sort();
		if (have.join() !== want.join()) {
			out.push({rule: 'statefulset-ordinals', detail: `${ref(set)} with replicas ${set.spec.replicas} has pods [${have.join(', ')}]`});
		}
	}

	// A pod goes within minutes of its deletion time (kubelet, or pod GC once its node is gone).
	const now = cluster.now();
	for (const pod of pods) {
		const at = pod.metadata.deletionTimestamp;
		if (at && Date.parse(at) + 5 * 60_000 < now) {
			out.push({rule: 'stuck-terminating', detail: `${ref(pod)} (phase ${pod.status?.phase}, node ${pod.spec?.nodeName}, finalizers ${JSON.stringify(pod.metadata.finalizers ?? [])}) was due to go at ${at}`});
		}
	}

	// Pods: unique IPs, on existing nodes, within each node's allocatable.
	const byIp = new Map<string, Pod>();
	for (const pod of pods) {
		if (pod.status?.phase !== 'Running') continue;
		if (!nodeNames.has(pod.spec?.nodeName ?? '')) out.push({rule: 'pod-on-missing-node', detail: `${ref(pod)} runs on node "${pod.spec?.nodeName}", which does not exist`});
		const ip = pod.status.podIP;
		if (!ip || pod.spec?.hostNetwork) continue;
		const other = byIp.get(ip);
		if (other) out.push({rule: 'duplicate-ip', detail: `${ref(pod)} and ${ref(other)} both have IP ${ip}`});
		else byIp.set(ip, pod);
	}
	for (const node of nodes) {
		const bound = pods.filter(p => p.spec?.nodeName === node.metadata.name && !isTerminal(p));
		const allocatable = node.status?.allocatable ?? {};
		let cpu = 0;
		let memory = 0;
		for (const pod of bound) {
			const requests = podRequests(pod);
			cpu += requests.cpu;
			memory += requests.memory;
		}
		if (cpu > milliCpu(allocatable['cpu'] ?? '0') || memory > bytes(allocatable['memory'] ?? '0') || bound.length > Number(allocatable['pods'] ?? 110)) {
			out.push({rule: 'node-overcommitted', detail: `Node ${node.metadata.name} has ${bound.length} pods requesting ${cpu}m CPU and ${memory} bytes, allocatable ${JSON.stringify(allocatable)}`});
		}
	}

	// A bound claim and its volume point at each other.
	const volumes = new Map(cluster.list('persistentvolumes').map(pv => [pv.metadata.name, pv]));
	const claims = cluster.list('persistentvolumeclaims');
	for (const claim of claims) {
		if (claim.status?.phase !== 'Bound') continue;
		const pv = volumes.get(claim.spec?.volumeName ?? '');
		if (!pv || pv.spec?.claimRef?.uid !== claim.metadata.uid) {
			out.push({rule: 'claim-volume', detail: `${ref(claim)} is Bound to volume "${claim.spec?.volumeName}" which ${pv ? `points at ${JSON.stringify(pv.spec?.claimRef)}` : 'does not exist'}`});
		}
	}
	const claimsByUid = new Map(claims.map(c => [c.metadata.uid, c]));
	for (const pv of volumes.values()) {
		if (pv.status?.phase !== 'Bound') continue;
		const claim = claimsByUid.get(pv.spec?.claimRef?.uid ?? '');
		if (!claim || claim.spec?.volumeName !== pv.metadata.name) {
			out.push({rule: 'claim-volume', detail: `${ref(pv)} is Bound to ${JSON.stringify(pv.spec?.claimRef)} which ${claim ? `names volume "${claim.spec?.volumeName}"` : 'does not exist'}`});
		}
	}

	// Every Service with a selector has Endpoints and EndpointSlices listing exactly its ready matching pods.
	for (const service of cluster.list('services')) {
		const selector = service.spec?.selector as Record<string, string> | undefined;
		if (!selector || Object.keys(selector).length === 0 || deleting(service)) continue;
		const namespace = service.metadata.namespace!;
		const want = pods
			.filter(p => p.metadata.namespace === namespace && !deleting(p) && p.status?.podIP && isReady(p) && selectorMatches({matchLabels: selector}, p.metadata.labels))
			.map(p => p.metadata.name).sort();
		const endpoints = cluster.get('endpoints', service.metadata.name, namespace);
		if (!endpoints) {
			out.push({rule: 'endpoints-missing', detail: `${ref(service)} has no Endpoints`});
		} else {
			const have = ((endpoints['subsets'] ?? []) as Array<{addresses?: Array<{targetRef?: {name: string}}>}>)
				.flatMap(s => s.addresses ?? []).map(a => a.targetRef?.name ?? '?').sort();
			if (have.join() !== want.join()) out.push({rule: 'endpoints-stale', detail: `Endpoints ${namespace}/${service.metadata.name} list [${have.join(', ')}], ready matching pods are [${want.join(', ')}]`});
		}
		const slices = cluster.list('endpointslices', {namespace, labelSelector: `kubernetes.io/service-name=${service.metadata.name}`});
		if (slices.length === 0) {
			out.push({rule: 'endpoints-missing', detail: `${ref(service)} has no EndpointSlices`});
		} else {
			const have = slices.flatMap(s => (s['endpoints'] ?? []) as Array<{conditions?: {ready?: boolean}; targetRef?: {name: string}}>)
				.filter(e => e.conditions?.ready).map(e => e.targetRef?.name ?? '?').sort();
			if (have.join() !== want.join()) out.push({rule: 'endpoints-stale', detail: `EndpointSlices of ${namespace}/${service.metadata.name} list ready [${have.join(', ')}], ready matching pods are [${want.join(', ')}]`});
		}
	}
	return out;
}

const desiredReplicas = (rs: KubeObject) => {
	const text = rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'];
	return text !== undefined && /^[-+]?\d+$/.test(text) ? Number(text) : undefined;
};

/** A pod template as compared by `EqualIgnoreHash`: without the pod-template-hash label, no labels as none. */
function templateKey(template: KubeObject['spec'] | undefined): string {
	const {'pod-template-hash': _hash, ...labels} = template?.metadata?.labels ?? {};
	const metadata = {...template?.metadata, labels: Object.keys(labels).length > 0 ? labels : undefined};
	return canonical({...template, metadata});
}

function canonical(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Array.isArray(value)) return `[${value.map(item => canonical(item ?? null)).join(',')}]`;
	const record = value as Record<string, unknown>;
	return `{${Object.keys(record).filter(k => record[k] !== undefined).sort().map(k => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
}

/**
 * A Recreate Deployment whose replicas changed while two or more of its
 * ReplicaSets were active: upstream leaves their sizes alone for good.
 * syncDeployment sees a scaling event (isScalingEvent: an active set's
 * desired-replicas annotation differs from spec.replicas) before it would
 * reach rolloutRecreate, and sync → scale finds no single active set
 * (FindActiveOrLatest), no saturated new set (IsSaturated), and scales
 * proportionally only for a rolling update (IsRollingUpdate). No set is
 * written, so the annotations stay stale (getNewReplicaSet sets them only on
 * a set it creates, SetNewReplicaSetAnnotations with exists=false) and every
 * later sync is the same scaling event.
 */
function recreateScaleLeftAlone(d: KubeObject, owned: readonly KubeObject[]): boolean {
	if (d.spec?.strategy?.type !== 'Recreate') return false;
	const want = d.spec.replicas as number;
	const active = owned.filter(rs => (rs.spec?.replicas ?? 0) > 0);
	if (active.length < 2) return false;
	if (!active.some(rs => {
		const desired = desiredReplicas(rs);
		return desired !== undefined && desired !== want;
	})) return false;
	// FindNewReplicaSet: the oldest set whose template is the Deployment's.
	const template = templateKey(d.spec.template);
	const newRS = [...owned]
		.sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name))
		.find(rs => templateKey(rs.spec?.template) === template);
	const saturated = newRS !== undefined && desiredReplicas(newRS) === want && (newRS.spec?.replicas ?? 0) === want && (newRS.status?.availableReplicas ?? 0) === want;
	return !saturated;
}

/** A pod's effective requests: the sum over containers, or the largest init container's when larger. */
function podRequests(pod: Pod): {cpu: number; memory: number} {
	const sum = {cpu: 0, memory: 0};
	for (const c of pod.spec?.containers ?? []) {
		sum.cpu += milliCpu(c.resources?.requests?.['cpu'] ?? '0');
		sum.memory += bytes(c.resources?.requests?.['memory'] ?? '0');
	}
	for (const c of pod.spec?.initContainers ?? []) {
		sum.cpu = Math.max(sum.cpu, milliCpu(c.resources?.requests?.['cpu'] ?? '0'));
		sum.memory = Math.max(sum.memory, bytes(c.resources?.requests?.['memory'] ?? '0'));
	}
	return sum;
}

/** maxSurge rounds up, maxUnavailable down; both zero means one unavailable (deployment_util.ResolveFenceposts). */
function fenceposts(d: KubeObject): {surge: number; unavailable: number} {
	const want = d.spec.replicas as number;
	if (d.spec.strategy?.type === 'Recreate') return {surge: 0, unavailable: want};
	const rolling = d.spec.strategy?.rollingUpdate ?? {};
	const scaled = (value: number | string | undefined, up: boolean) => {
		const v = value ?? '25%';
		if (typeof v === 'number') return v;
		const percent = Number.parseInt(v, 10) * want / 100;
		return up ? Math.ceil(percent) : Math.floor(percent);
	};
	const surge = scaled(rolling.maxSurge, true);
	let unavailable = scaled(rolling.maxUnavailable, false);
	if (surge === 0 && unavailable === 0) unavailable = 1;
	return {surge, unavailable};
}
