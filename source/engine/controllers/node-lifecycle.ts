import type {Controller, ControllerContext} from '../controller.js';
import type {Condition, Node, Pod, Taint, Toleration} from '../api/types.js';
import type {TimerHandle} from '../clock.js';
import type {Lease} from '../node/heartbeat.js';
import {leaseNamespace} from '../node/heartbeat.js';
import {parseTime, rfc3339} from '../clock.js';
import {tolerates} from './scheduler.js';
import type {SavedObject, SavedTimerRef} from '../state.js';

/** The node lifecycle controller's saved state (see its part in `createNodeLifecycleController`). */
type SavedNodeLifecycle = {
	known: Array<[name: string, node: SavedObject]>;
	evictions: Array<[uid: string, at: number, handle: SavedTimerRef, pod: SavedObject]>;
};

/**
 * The node lifecycle controller and its taint manager
 * (`pkg/controller/nodelifecycle`). A node whose Lease has not been renewed
 * for the grace period gets Ready=Unknown, the unreachable taints, and its
 * pods Ready=False; NoExecute taints evict pods that do not tolerate them,
 * at once or after their tolerationSeconds.
 */

/** `node-monitor-period`. */
export const nodeMonitorPeriodMs = 5000;
/**
 * `node-monitor-grace-period`: 50 s, the default since v1.32 (PR #126287;
 * 40 s before). Our kubelets renew every 10 s, so a node is declared lost
 * 50-55 s after its last renewal.
 */
export const nodeMonitorGracePeriodMs = 50_000;

export const taintKeys = {
	notReady: 'node.kubernetes.io/not-ready',
	unreachable: 'node.kubernetes.io/unreachable',
	unschedulable: 'node.kubernetes.io/unschedulable',
} as const;

const component = 'node-controller';
const taintManager = 'taint-eviction-controller';

/** Pods bound to each node, kept from the watch; shared by the node controllers and the facade. */
export type PodsByNode = {
	pods(nodeName: string): Pod[];
	/** Names of the nodes that pods are bound to (existing or not). */
	nodeNames(): string[];
};

export function podsByNode(context: ControllerContext): PodsByNode {
	const existing = context.services.podsByNode;
	if (existing) return existing;
	const index = new Map<string, Map<string, Pod>>();
	const placed = new Map<string, string>();
	const put = (pod: Pod) => {
		const uid = pod.metadata.uid;
		const nodeName = pod.spec?.nodeName;
		const before = placed.get(uid);
		if (before && before !== nodeName) index.get(before)?.delete(uid);
		if (!nodeName) {
			placed.delete(uid);
			return;
		}
		// A pod's writes mostly leave it where it was: only a move (or its first write) sets where it is.
		if (before !== nodeName) placed.set(uid, nodeName);
		let bucket = index.get(nodeName);
		if (!bucket) index.set(nodeName, (bucket = new Map()));
		bucket.set(uid, pod);
	};
	for (const pod of context.store.list('Pod') as Pod[]) put(pod);
	context.store.subscribe(({type, object}) => {
		if (object.kind !== 'Pod') return;
		if (type === 'DELETED') {
			const before = placed.get(object.metadata.uid);
			if (before) index.get(before)?.delete(object.metadata.uid);
			placed.delete(object.metadata.uid);
		} else {
			put(object as Pod);
		}
	}, ['Pod']);
	const service: PodsByNode = {
		pods: nodeName => [...(index.get(nodeName)?.values() ?? [])],
		nodeNames: () => [...index].filter(([, bucket]) => bucket.size > 0).map(([name]) => name),
	};
	context.services.podsByNode = service;
	/**
	 * Saved: each node's pods' uids in the order they were bound there, nodes
	 * in the order first bound to (empty ones too: they keep their place).
	 * The pods are the store's: each bucket holds a pod's latest version.
	 */
	context.state.register<Array<[node: string, pods: string[]]>>('podsByNode', {
		save: () => [...index].map(([name, bucket]) => [name, [...bucket.keys()]]),
		load(saved) {
			index.clear();
			placed.clear();
			for (const [name, uids] of saved) {
				const bucket = new Map<string, Pod>();
				index.set(name, bucket);
				for (const uid of uids) {
					bucket.set(uid, context.store.getByUid(uid) as Pod);
					placed.set(uid, name);
				}
			}
		},
	});
	return service;
}

export function readyCondition(node: Node): Condition | undefined {
	return node.status?.conditions?.find(c => c.type === 'Ready');
}

/** The not-ready/unreachable taints a node should carry for its Ready condition. */
export function conditionTaints(node: Node): string | undefined {
	const status = readyCondition(node)?.status;
	if (status === 'Unknown') return taintKeys.unreachable;
	if (status === 'False') return taintKeys.notReady;
	return undefined;
}

/** The node's taints with the condition and unschedulable taints brought in line; the same array when nothing changes. */
export function reconcileTaints(node: Node, now: number): Taint[] | undefined {
	const taints = node.spec?.taints ?? [];
	const wanted = conditionTaints(node);
	const managed = new Set<string>([taintKeys.notReady, taintKeys.unreachable]);
	const next: Taint[] = taints.filter(t => !managed.has(t.key) || t.key === wanted);
	if (wanted) {
		for (const effect of ['NoSchedule', 'NoExecute'] as const) {
			if (!next.some(t => t.key === wanted && t.effect === effect)) next.push({key: wanted, effect, timeAdded: rfc3339(now)});
		}
	}
	const cordoned = node.spec?.unschedulable === true;
	const hasUnschedulable = next.some(t => t.key === taintKeys.unschedulable && t.effect === 'NoSchedule');
	if (cordoned && !hasUnschedulable) next.push({key: taintKeys.unschedulable, effect: 'NoSchedule', timeAdded: rfc3339(now)});
	const out = cordoned ? next : next.filter(t => !(t.key === taintKeys.unschedulable && t.effect === 'NoSchedule'));
	if (out.length === taints.length && out.every((t, i) => t === taints[i])) return undefined;
	return out;
}

/**
 * `getMinTolerationTime` over the tolerations that match the NoExecute
 * taints: 0 = evict now (a taint not tolerated, or seconds <= 0), -1 = never,
 * else the smallest tolerationSeconds in ms.
 */
export function evictionDelayMs(taints: Taint[], tolerations: Toleration[] | undefined): number {
	const used: Toleration[] = [];
	for (const taint of taints) {
		const match = (tolerations ?? []).find(t => tolerates(t, taint));
		if (!match) return 0;
		used.push(match);
	}
	let min = Infinity;
	for (const toleration of used) {
		if (toleration.tolerationSeconds === undefined || toleration.tolerationSeconds === null) continue;
		if (toleration.tolerationSeconds <= 0) return 0;
		min = Math.min(min, toleration.tolerationSeconds);
	}
	return min === Infinity ? -1 : min * 1000;
}

export function createNodeLifecycleController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const index = podsByNode(context);
	/** Nodes seen, with their last state (for RemovingNode after they are gone). */
	const known = new Map<string, Node>();
	/** Scheduled NoExecute evictions, by pod uid. */
	const evictions = new Map<string, {at: number; handle: TimerHandle; pod: Pod}>();

	const queue = () => context.queue(component);

	/**
	 * Saved: the Nodes known (the last version seen, which the store may no
	 * longer have) and the scheduled evictions with their timers and the pod
	 * version each was scheduled with. The renewal times are parsed again.
	 */
	context.state.register<SavedNodeLifecycle>('nodeLifecycle', {
		save: saving => ({
			known: [...known].map(([name, node]) => [name, saving.object(node)]),
			evictions: [...evictions].map(([uid, {at, handle, pod}]) => [uid, at, saving.timer(handle), saving.object(pod)]),
		}),
		load(saved, loading) {
			known.clear();
			evictions.clear();
			renewals.clear();
			for (const [name, node] of saved.known) known.set(name, loading.object<Node>(node));
			for (const [uid, at, handle, pod] of saved.evictions) evictions.set(uid, {at, handle: loading.timer(handle), pod: loading.object<Pod>(pod)});
		},
	});

	/**
	 * Per node, what `lastRenewal` read last: the Lease and the Node it read
	 * and the times they give, parsed. The monitor reads every node every
	 * 5 s: a Node object it read before gives the same time (its last
	 * heartbeat or its creation), and so does a Lease, renewed every 10 s.
	 */
	type Renewal = {lease: Lease | undefined; leaseMs: number; node: Node | undefined; nodeMs: number};
	const renewals = new Map<string, Renewal>();

	function lastRenewal(node: Node): number {
		const name = node.metadata.name;
		let cached = renewals.get(name);
		if (!cached) renewals.set(name, (cached = {lease: undefined, leaseMs: 0, node: undefined, nodeMs: 0}));
		const lease = store.get('Lease', leaseNamespace, name) as Lease | undefined;
		if (lease !== cached.lease) {
			cached.lease = lease;
			cached.leaseMs = parseTime(lease?.spec?.renewTime) ?? 0;
		}
		if (node !== cached.node) {
			cached.node = node;
			cached.nodeMs = Math.max(parseTime(readyCondition(node)?.lastHeartbeatTime) ?? 0, parseTime(node.metadata.creationTimestamp) ?? 0);
		}
		return Math.max(cached.leaseMs, cached.nodeMs);
	}

	function stale(node: Node): boolean {
		return clock.now() - lastRenewal(node) >= nodeMonitorGracePeriodMs;
	}

	/** Every 5 s (`--node-monitor-period`): queue the nodes whose kubelet stopped posting. */
	const monitor = clock.kind<null>('nodeLifecycle.monitor', () => {
		for (const node of store.list('Node') as Node[]) {
			if (stale(node) && readyCondition(node)?.status !== 'Unknown') queue()?.add(node.metadata.name);
		}
		clock.after(nodeMonitorPeriodMs, monitor, null);
	});

	/** Ready, MemoryPressure, DiskPressure and PIDPressure become Unknown. */
	function markUnknown(node: Node): Node {
		const stamp = rfc3339(clock.now());
		const conditions = [...(node.status?.conditions ?? [])];
		for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']) {
			const at = conditions.findIndex(c => c.type === type);
			const current = at >= 0 ? conditions[at] : undefined;
			if (current?.status === 'Unknown') continue;
			const next: Condition = current
				? {...current, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: stamp}
				: {type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: stamp};
			if (at >= 0) conditions[at] = next;
			else conditions.push(next);
		}
		const updated = store.patch(node, draft => {
			draft.status = {...draft.status!, conditions};
		}, {status: true});
		events.normal(updated, 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`, {component});
		return updated;
	}

	/**
	 * `MarkPodsNotReady`: only the pod's Ready condition turns False (the
	 * container statuses, which kubectl's READY column counts, are the
	 * kubelet's and stay as they were), so the pods leave Service endpoints;
	 * each gets a Warning `NodeNotReady`.
	 */
	function markPodsNotReady(nodeName: string): void {
		const stamp = rfc3339(clock.now());
		for (const pod of index.pods(nodeName)) {
			const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
			if (!ready || ready.status === 'False') continue;
			const updated = store.patch(pod, draft => {
				draft.status = {
					...draft.status!,
					conditions: draft.status!.conditions!.map(c => (c.type === 'Ready' ? {...c, status: 'False' as const, lastTransitionTime: stamp} : c)),
				};
			}, {status: true});
			events.warning(updated, 'NodeNotReady', 'Node is not ready', {component});
		}
	}

	// ----- taint manager ------------------------------------------------------------

	function cancelEviction(uid: string, announce: boolean): void {
		const scheduled = evictions.get(uid);
		if (!scheduled) return;
		scheduled.handle.cancel();
		evictions.delete(uid);
		if (announce) {
			const pod = store.getByUid(uid) ?? scheduled.pod;
			events.normal(pod, 'TaintManagerEviction', `Cancelling deletion of Pod ${pod.metadata.namespace}/${pod.metadata.name}`, {component: taintManager});
		}
	}

	function evict(pod: Pod): void {
		evictions.delete(pod.metadata.uid);
		const current = store.getByUid(pod.metadata.uid) as Pod | undefined;
		if (!current || current.metadata.deletionTimestamp) return;
		const stamp = rfc3339(clock.now());
		const marked = store.patch(current, draft => {
			const conditions = (draft.status?.conditions ?? []).filter(c => c.type !== 'DisruptionTarget');
			conditions.push({type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastProbeTime: null, lastTransitionTime: stamp});
			draft.status = {...draft.status!, conditions};
		}, {status: true});
		events.normal(marked, 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`, {component: taintManager});
		store.markDeleted(marked, marked.spec?.terminationGracePeriodSeconds ?? 30);
	}

	/** A pod's NoExecute eviction, by its uid; a timer the pod's eviction no longer holds (rescheduled meanwhile) does nothing. */
	const taintEviction = clock.kind<string>('nodeLifecycle.taintEviction', (uid, timer) => {
		const scheduled = evictions.get(uid);
		if (scheduled?.handle !== timer) return;
		evict(store.getByUid(uid) as Pod ?? scheduled.pod);
	});

	function handlePod(pod: Pod, node: Node | undefined): void {
		const uid = pod.metadata.uid;
		const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
		if (!node || pod.metadata.deletionTimestamp || terminal || pod.spec?.nodeName !== node.metadata.name) {
			cancelEviction(uid, false);
			return;
		}
		const taints = (node.spec?.taints ?? []).filter(t => t.effect === 'NoExecute');
		if (taints.length === 0) {
			cancelEviction(uid, true);
			return;
		}
		const delay = evictionDelayMs(taints, pod.spec?.tolerations);
		if (delay < 0) {
			cancelEviction(uid, true);
			return;
		}
		if (delay === 0) {
			cancelEviction(uid, false);
			evict(pod);
			return;
		}
		const since = Math.max(...taints.map(t => parseTime(t.timeAdded) ?? clock.now()));
		const at = Math.max(clock.now(), since + delay);
		const scheduled = evictions.get(uid);
		if (scheduled && scheduled.at === at) return;
		scheduled?.handle.cancel();
		const handle = clock.at(at, taintEviction, uid);
		evictions.set(uid, {at, handle, pod});
	}

	function syncNode(name: string): void {
		let node = store.get('Node', undefined, name) as Node | undefined;
		if (!node) {
			renewals.delete(name);
			const last = known.get(name);
			if (last) {
				known.delete(name);
				events.normal(last, 'RemovingNode', `Removing Node ${name} from Controller`, {component});
			}
			for (const [uid, scheduled] of evictions) if (scheduled.pod.spec?.nodeName === name) cancelEviction(uid, false);
			return;
		}
		if (!known.has(name)) events.normal(node, 'RegisteredNode', `Registered Node ${name} in Controller`, {component});
		known.set(name, node);
		if (stale(node) && readyCondition(node)?.status !== 'Unknown') {
			node = markUnknown(node);
		}
		if (readyCondition(node)?.status !== 'True') markPodsNotReady(name);
		const taints = reconcileTaints(node, clock.now());
		if (taints) {
			node = store.patch(node, draft => {
				draft.spec = {...draft.spec, taints};
				if (taints.length === 0) delete draft.spec.taints;
			});
		}
		known.set(name, node);
		// Without a NoExecute taint and with no eviction pending, each pod's handling would only cancel an eviction it does not have:
		// a node's heartbeats and status posts do not walk its pods.
		if (evictions.size === 0 && !node.spec?.taints?.some(t => t.effect === 'NoExecute')) return;
		for (const pod of index.pods(name)) handlePod(pod, node);
	}

	return {
		name: component,
		watches: {
			Node: ({object}) => object.metadata.name,
			Pod: ({type, object}) => {
				const pod = object as Pod;
				if (type === 'DELETED') {
					if (evictions.has(pod.metadata.uid)) return `pod:${pod.metadata.uid}`;
					return undefined;
				}
				const nodeName = pod.spec?.nodeName;
				if (!nodeName) return undefined;
				if (evictions.has(pod.metadata.uid)) return `pod:${pod.metadata.uid}`;
				const node = store.get('Node', undefined, nodeName) as Node | undefined;
				return node?.spec?.taints?.some(t => t.effect === 'NoExecute') ? `pod:${pod.metadata.uid}` : undefined;
			},
		},
		start() {
			clock.after(nodeMonitorPeriodMs, monitor, null);
		},
		sync(key) {
			if (key.startsWith('pod:')) {
				const uid = key.slice(4);
				const pod = store.getByUid(uid) as Pod | undefined;
				if (!pod) {
					cancelEviction(uid, false);
					return;
				}
				handlePod(pod, store.get('Node', undefined, pod.spec?.nodeName ?? '') as Node | undefined);
				return;
			}
			syncNode(key);
		},
	};
}
