import type {Controller, ControllerContext} from '../controller.js';
import type {Condition, KubeObject, Node} from '../api/types.js';
import type {TimerHandle} from '../clock.js';
import {rfc3339, rfc3339Micro} from '../clock.js';

/**
 * The kubelets' heartbeats: each live node renews its Lease in
 * `kube-node-lease` every 10 s (lease duration 40 s) and posts its node
 * status when it changes, or at least every 5 minutes. One timer per node;
 * a halted node (machine down) simply stops renewing.
 */

/** `nodeLeaseRenewInterval`: a quarter of the lease duration, 10 s. */
export const leaseRenewIntervalMs = 10_000;
export const leaseDurationSeconds = 40;
/** `nodeStatusReportFrequency`: status is posted at least this often when nothing changed. */
export const nodeStatusReportMs = 5 * 60_000;
export const leaseNamespace = 'kube-node-lease';

/**
 * The heartbeats as saved, per node: its next beat, when its status was
 * last posted and its Lease last renewed (virtual ms), and its fault.
 */
export type SavedHeartbeats = {
	beats: Array<[nodeName: string, seq: number, at: number]>;
	lastStatus: Array<[nodeName: string, ms: number]>;
	renewed: Array<[nodeName: string, ms: number]>;
	faults: Array<[nodeName: string, fault: NodeFault]>;
};

export type Lease = KubeObject<{holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string; leaseTransitions?: number}>;

/** What the facade asks of the heartbeats. */
export type HeartbeatService = {
	/** The kubelet came back: renew and post Ready at once, then keep beating. */
	resume(nodeName: string): void;
	/** When the node's Lease was last renewed (virtual ms), if it has one. */
	lastRenewal(nodeName: string): number | undefined;
	/** A runtime fault the live kubelet reports as Ready=False (none: healthy again); posted at once. */
	setFault(nodeName: string, fault: NodeFault | undefined): void;
	fault(nodeName: string): NodeFault | undefined;
};

/** What makes a live kubelet report NotReady: the CNI plugin or the container runtime. */
export type NodeFault = 'network' | 'runtime';

/** The kubelet's runtime-state errors behind Ready=False/KubeletNotReady (`pkg/kubelet/runtime.go`). */
export const faultMessages: Record<NodeFault, string> = {
	network: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
	runtime: 'container runtime is down',
};

/** `nodeStatusMaxImages`: the kubelet reports the 50 largest images. */
export const nodeStatusMaxImages = 50;

export function heartbeatService(context: ControllerContext): HeartbeatService {
	return context.services.heartbeat!;
}

/** The kubelet's healthy node conditions (`pkg/kubelet/nodestatus/setters.go`). */
const healthy: Array<[type: string, status: 'True' | 'False', reason: string, message: string]> = [
	['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
	['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
	['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
	['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

const component = 'kubelet';

const noImages: Array<{names: string[]; sizeBytes: number}> = [];
const sortedImages = new WeakMap<object, Array<{names: string[]; sizeBytes: number}>>();

export function createNodeHeartbeats(context: ControllerContext): Controller {
	const {store, clock, events, random} = context;
	const timers = new Map<string, TimerHandle>();
	const lastStatus = new Map<string, number>();
	const renewed = new Map<string, number>();
	const faults = new Map<string, NodeFault>();
	/** Per node, the Node object a status look last found as wanted, with the conditions and images it was compared with (a look at the same three finds the same). */
	const upToDate = new Map<string, {node: Node; wanted: typeof healthy; images: Array<{names: string[]; sizeBytes: number}>}>();

	const kubelet = () => context.services.kubelet;

	function renewLease(node: Node): void {
		const name = node.metadata.name;
		const now = clock.now();
		const lease = store.get('Lease', leaseNamespace, name) as Lease | undefined;
		renewed.set(name, now);
		if (lease) {
			// `lease` was just read, so its own resourceVersion passes the store's check (no metadata copy needed).
			store.update({...lease, spec: {...lease.spec, renewTime: rfc3339Micro(now)}});
			return;
		}
		store.create<Lease>({
			apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
			metadata: {
				name, namespace: leaseNamespace, uid: '', resourceVersion: '', creationTimestamp: '',
				ownerReferences: [{apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid}],
			},
			spec: {holderIdentity: name, leaseDurationSeconds, renewTime: rfc3339Micro(now)},
		});
	}

	/** The images setter: the node's images, largest first, at most 50 (one list per runtime list, which stays the same until an image is pulled). */
	function nodeImages(name: string): Array<{names: string[]; sizeBytes: number}> {
		const images = kubelet()?.runtimeFor(name)?.listImages() ?? noImages;
		let sorted = sortedImages.get(images);
		if (!sorted) {
			sorted = [...images].sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, nodeStatusMaxImages);
			sortedImages.set(images, sorted);
		}
		return sorted;
	}

	/** The conditions the kubelet would post now: healthy, or Ready=False/KubeletNotReady for a fault. */
	function wantedConditions(name: string): typeof healthy {
		const fault = faults.get(name);
		if (!fault) return healthy;
		return healthy.map(entry => (entry[0] === 'Ready' ? ['Ready', 'False', 'KubeletNotReady', faultMessages[fault]] : entry));
	}

	/** Post the conditions and images when any differs, or when the last report is 5 minutes old. */
	function postStatus(node: Node, force: boolean): void {
		const name = node.metadata.name;
		const now = clock.now();
		const conditions = node.status?.conditions ?? [];
		const wanted = wantedConditions(name);
		const images = nodeImages(name);
		const due = force || now - (lastStatus.get(name) ?? 0) >= nodeStatusReportMs;
		// The same Node object, conditions and images as the last look found posted: nothing differs.
		const seen = upToDate.get(name);
		if (!due && seen !== undefined && seen.node === node && seen.wanted === wanted && seen.images === images) return;
		// The node's list is the one posted last unless someone else wrote it.
		const posted = node.status?.images ?? noImages;
		const sameImages = posted === images || JSON.stringify(images) === JSON.stringify(posted);
		const differs = !sameImages || wanted.some(([type, status, reason, message]) => {
			const current = conditions.find(c => c.type === type);
			return current?.status !== status || current.reason !== reason || current.message !== message;
		});
		if (!differs && !due) {
			upToDate.set(name, {node, wanted, images});
			return;
		}
		lastStatus.set(name, now);
		const stamp = rfc3339(now);
		const wasReady = conditions.find(c => c.type === 'Ready')?.status === 'True';
		const next: Condition[] = wanted.map(([type, status, reason, message]) => {
			const current = conditions.find(c => c.type === type);
			return {type, status, reason, message, lastHeartbeatTime: stamp, lastTransitionTime: current?.status === status ? current.lastTransitionTime ?? stamp : stamp};
		});
		const others = conditions.filter(c => !wanted.some(([type]) => type === c.type));
		const updated = store.patch(node, draft => {
			draft.status = {...draft.status!, conditions: [...next, ...others]};
			if (images.length > 0) draft.status.images = images;
			else delete draft.status.images;
		}, {status: true});
		upToDate.set(name, {node: updated, wanted, images});
		const ready = next.find(c => c.type === 'Ready')!.status === 'True';
		if (ready && !wasReady) events.normal(updated, 'NodeReady', `Node ${name} status is now: NodeReady`, {component, host: name});
		if (!ready && wasReady) events.normal(updated, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, {component, host: name});
	}

	/** What `kubectl describe node` lists after a kubelet starts. */
	function announceStart(node: Node): void {
		const name = node.metadata.name;
		const source = {component, host: name};
		events.normal(node, 'Starting', 'Starting kubelet.', source);
		for (const reason of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) {
			events.normal(node, reason, `Node ${name} status is now: ${reason}`, source);
		}
		events.normal(node, 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods', source);
	}

	/** A node's kubelet beats (its node's name): it renews the Lease and posts status when due, then beats again after the interval. */
	const beat = clock.kind<string>('kubelet.heartbeat', name => {
		timers.delete(name);
		const node = store.get('Node', undefined, name) as Node | undefined;
		if (!node || kubelet()?.isHalted(name)) return;
		renewLease(node);
		postStatus(node, false);
		timers.set(name, clock.after(leaseRenewIntervalMs, beat, name));
	});

	function begin(name: string, delayMs: number): void {
		timers.get(name)?.cancel();
		timers.set(name, clock.after(delayMs, beat, name));
	}

	const service: HeartbeatService = {
		resume(name) {
			const node = store.get('Node', undefined, name) as Node | undefined;
			if (!node) return;
			announceStart(node);
			timers.get(name)?.cancel();
			timers.delete(name);
			renewLease(node);
			postStatus(store.get('Node', undefined, name) as Node, true);
			begin(name, leaseRenewIntervalMs);
		},
		lastRenewal: name => renewed.get(name),
		setFault(name, fault) {
			if (fault) faults.set(name, fault);
			else faults.delete(name);
			const node = store.get('Node', undefined, name) as Node | undefined;
			if (node && !kubelet()?.isHalted(name)) postStatus(node, true);
		},
		fault: name => faults.get(name),
	};
	context.services.heartbeat = service;

	context.state.register<SavedHeartbeats>('heartbeat', {
		save: saving => ({
			beats: [...timers].map(([name, handle]) => {
				const {seq, at} = saving.timer(handle);
				return [name, seq, at];
			}),
			lastStatus: [...lastStatus],
			renewed: [...renewed],
			faults: [...faults],
		}),
		load(saved, loading) {
			timers.clear();
			lastStatus.clear();
			upToDate.clear();
			renewed.clear();
			faults.clear();
			for (const [name, seq, at] of saved.beats) timers.set(name, loading.timer({seq, at}));
			for (const [name, ms] of saved.lastStatus) lastStatus.set(name, ms);
			for (const [name, ms] of saved.renewed) renewed.set(name, ms);
			for (const [name, fault] of saved.faults) faults.set(name, fault);
		},
	});

	return {
		name: 'node-heartbeat',
		watches: {
			Node: ({type, object}) => (type === 'MODIFIED' ? undefined : `${type}:${object.metadata.name}`),
		},
		start() {
			for (const node of store.list('Node') as Node[]) {
				if (!kubelet()?.isHalted(node.metadata.name)) {
					announceStart(node);
					renewLease(node);
					if (node.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')) {
						events.normal(node, 'NodeReady', `Node ${node.metadata.name} status is now: NodeReady`, {component, host: node.metadata.name});
						lastStatus.set(node.metadata.name, clock.now());
					} else {
						// A node saved NotReady (a cluster restored from its objects) boots: its kubelet posts Ready at once.
						postStatus(store.get('Node', undefined, node.metadata.name) as Node, true);
					}
					// Spread the nodes' beats over the interval, as independent kubelets do.
					begin(node.metadata.name, random.int(1, leaseRenewIntervalMs));
				}
			}
		},
		sync(key) {
			const colon = key.indexOf(':');
			const type = key.slice(0, colon);
			const name = key.slice(colon + 1);
			if (type === 'DELETED') {
				timers.get(name)?.cancel();
				timers.delete(name);
				lastStatus.delete(name);
				renewed.delete(name);
				faults.delete(name);
				const lease = store.get('Lease', leaseNamespace, name);
				if (lease && !store.get('Node', undefined, name)) store.remove(lease);
				return;
			}
			const node = store.get('Node', undefined, name) as Node | undefined;
			if (!node || timers.has(name) || kubelet()?.isHalted(name)) return;
			announceStart(node);
			events.normal(node, 'NodeReady', `Node ${name} status is now: NodeReady`, {component, host: name});
			renewLease(node);
			lastStatus.set(name, clock.now());
			begin(name, leaseRenewIntervalMs);
		},
	};
}
