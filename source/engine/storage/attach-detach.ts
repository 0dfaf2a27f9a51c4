import type {Controller, ControllerContext} from '../controller.js';
import type {Pod} from '../api/types.js';
import type {PersistentVolumeClaim, StorageClass} from '../api/storage-objects.js';
import {schedulerFilters, schedulerPreBinds, withPreFilter, type FilterPlugin, type PreBindPlugin} from '../controllers/scheduler.js';
import {annSelectedNode, noProvisioner, volumeIndex, volumeMatches} from './pv-controller.js';
import {claimUsers, getClaim, getVolume, isTerminal, modesOf, nodeAffinityAllows, singleNodeOnly} from './claims.js';

/**
 * Volumes between the scheduler, the attach/detach controller and the
 * kubelet's volume manager:
 * - scheduler filters (VolumeRestrictions for ReadWriteOncePod, VolumeBinding
 *   for missing, unbound and node-pinned claims);
 * - attachments: a volume that only one node may write (ReadWriteOnce) is
 *   attached to one node at a time; a pod on a second node gets
 *   FailedAttachVolume "Multi-Attach error" and waits in ContainerCreating;
 * - the `volumeManager` service the kubelet asks before it starts a pod's
 *   sandbox: every claim bound, its volume attached to the pod's node.
 */

/** What the kubelet asks before starting a pod. */
export type VolumeManager = {
	/** undefined when every volume of the pod is ready on its node; else what is still awaited. */
	waitingFor(pod: Pod): string | undefined;
};

const rwopMessage = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

/** VolumeRestrictions and VolumeBinding, as one filter over the pod's claims (skipped for a pod that has none). */
export const volumeFilter: FilterPlugin = withPreFilter((pod, info, context) => {
	const volumes = pod.spec?.volumes;
	if (!volumes || volumes.length === 0) return undefined;
	const users = claimUsers(context);
	for (const volume of volumes) {
		const name = volume.persistentVolumeClaim?.claimName;
		if (!name) continue;
		const claim = getClaim(context, pod.metadata.namespace, name);
		if (!claim) return `persistentvolumeclaim "${name}" not found`;
		if (claim.metadata.deletionTimestamp) return `persistentvolumeclaim "${name}" is being deleted`;
		if ((claim.spec?.accessModes ?? []).includes('ReadWriteOncePod')) {
			const other = users.podsUsing(claim.metadata.namespace!, name)
				.some(user => user.metadata.uid !== pod.metadata.uid && user.spec?.nodeName && !isTerminal(user));
			if (other) return rwopMessage;
		}
	}
	for (const volume of volumes) {
		const name = volume.persistentVolumeClaim?.claimName;
		if (!name) continue;
		const claim = getClaim(context, pod.metadata.namespace, name)!;
		if (claim.spec?.volumeName) {
			const pv = getVolume(context, claim.spec.volumeName);
			if (!pv) return 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
			if (!nodeAffinityAllows(pv, info.node)) return 'node(s) had volume node affinity conflict';
			continue;
		}
		const className = claim.spec?.storageClassName;
		const storageClass = className ? context.store.get('StorageClass', undefined, className) as StorageClass | undefined : undefined;
		if (storageClass?.volumeBindingMode !== 'WaitForFirstConsumer') return 'pod has unbound immediate PersistentVolumeClaims';
		const selected = claim.metadata.annotations?.[annSelectedNode];
		if (selected && selected !== info.node.metadata.name) return "node(s) didn't find available persistent volumes to bind";
		if (storageClass.provisioner === noProvisioner) {
			const fits = volumeIndex(context).candidatesFor(claim).some(pv => volumeMatches(pv, claim, info.node));
			if (!fits) return "node(s) didn't find available persistent volumes to bind";
		}
	}
	return undefined;
}, pod => (pod.spec?.volumes ?? []).some(volume => volume.persistentVolumeClaim !== undefined));

/**
 * VolumeBinding's PreBind: the chosen node goes on each unbound
 * WaitForFirstConsumer claim (`volume.kubernetes.io/selected-node`), where
 * the provisioner or the PV controller picks it up; the pod is bound only
 * once every claim is bound, so provisioning happens as part of scheduling.
 */
export const volumePreBind: PreBindPlugin = {
	name: 'VolumeBinding',
	timedOut: 'binding volumes: context deadline exceeded',
	ready(pod, nodeName, context) {
		let ready = true;
		for (const volume of pod.spec?.volumes ?? []) {
			const name = volume.persistentVolumeClaim?.claimName;
			if (!name) continue;
			const claim = getClaim(context, pod.metadata.namespace, name);
			if (!claim || claim.spec?.volumeName) continue;
			ready = false;
			if (!claim.metadata.annotations?.[annSelectedNode]) {
				context.store.patch(claim, draft => {
					draft.metadata.annotations = {...draft.metadata.annotations, [annSelectedNode]: nodeName};
				});
			}
		}
		return ready;
	},
};

const registered = Symbol.for('kubarium.storage.schedulerFilters');
if (!(schedulerFilters as unknown as Record<symbol, boolean>)[registered]) {
	(schedulerFilters as unknown as Record<symbol, boolean>)[registered] = true;
	schedulerFilters.push(volumeFilter);
	schedulerPreBinds.push(volumePreBind);
}

export const attachDetachComponent = 'attachdetach-controller';

/** How long the kubelet waits for volumes before it reports FailedMount (the sync's 2 min timeout). */
export const mountTimeoutMs = 120_000;

/** `maxWaitForUnmountDuration`: how long the attach/detach controller waits for a node to confirm an unmount before it detaches by force. */
export const maxWaitForUnmountMs = 6 * 60_000;

type Waiting = {since: number; lastTimeout: number; nextAttachEvent: number; attachBackoff: number};

/** The attachments as saved: volume → node → pod uids, pod uid → what it holds, the pods waiting, the forced detaches' deadlines. */
type SavedAttachments = {
	attached: Array<[volume: string, nodes: Array<[node: string, uids: string[]]>]>;
	held: Array<[uid: string, volumes: Array<[volume: string, node: string]>]>;
	waiting: Array<[uid: string, since: number, lastTimeout: number, nextAttachEvent: number, attachBackoff: number]>;
	unsafe: Array<[uid: string, node: string, deadline: number]>;
};

/**
 * The attach/detach controller's bookkeeping plus the kubelet's volume
 * manager. Attachments are released when the pod using them is gone or has
 * finished.
 */
export function createAttachDetachController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	/** volume → node → pod uids using it there. */
	const attached = new Map<string, Map<string, Set<string>>>();
	/** pod uid → volumes it holds attached. */
	const held = new Map<string, Array<{volume: string; node: string}>>();
	const waiting = new Map<string, Waiting>();

	function release(uid: string): void {
		waiting.delete(uid);
		for (const {volume, node} of held.get(uid) ?? []) {
			const nodes = attached.get(volume);
			const pods = nodes?.get(node);
			pods?.delete(uid);
			if (pods && pods.size === 0) nodes!.delete(node);
			if (nodes && nodes.size === 0) attached.delete(volume);
		}
		held.delete(uid);
	}

	/**
	 * The reconciler's words for a Multi-Attach error: the pods that use the
	 * volume on other nodes, named when they share the waiting pod's namespace
	 * and counted when not; with none left (deleted, the volume not yet
	 * detached), that the volume is exclusively attached.
	 */
	function multiAttachDetail(pod: Pod, volume: string, node: string): string {
		const users: Pod[] = [];
		for (const [other, uids] of attached.get(volume) ?? []) {
			if (other === node) continue;
			for (const uid of uids) {
				const user = store.getByUid(uid) as Pod | undefined;
				if (user) users.push(user);
			}
		}
		if (users.length === 0) return "Volume is already exclusively attached to one node and can't be attached to another";
		const local = users.filter(u => u.metadata.namespace === pod.metadata.namespace).map(u => u.metadata.name);
		const elsewhere = users.length - local.length;
		if (local.length === 0) return `Volume is already used by ${elsewhere} pod(s) in different namespaces`;
		return `Volume is already used by pod(s) ${local.join(', ')}${elsewhere > 0 ? ` and ${elsewhere} pod(s) in different namespaces` : ''}`;
	}

	function attach(pod: Pod, volume: string, node: string): void {
		let nodes = attached.get(volume);
		if (!nodes) attached.set(volume, (nodes = new Map()));
		let pods = nodes.get(node);
		if (!pods) nodes.set(node, (pods = new Set()));
		if (pods.has(pod.metadata.uid)) return;
		pods.add(pod.metadata.uid);
		let list = held.get(pod.metadata.uid);
		if (!list) held.set(pod.metadata.uid, (list = []));
		list.push({volume, node});
	}

	function waitingFor(pod: Pod): string | undefined {
		const node = pod.spec?.nodeName;
		if (!node) return 'pod is not scheduled';
		const unmounted: string[] = [];
		const unattached: string[] = [];
		/** Volumes the desired state could not even take in (claim missing or unbound). */
		const unprocessed: string[] = [];
		let detail: string | undefined;
		let state = waiting.get(pod.metadata.uid);
		const now = clock.now();
		for (const volume of pod.spec?.volumes ?? []) {
			const claimName = volume.persistentVolumeClaim?.claimName;
			if (!claimName) continue;
			const claim = getClaim(context, pod.metadata.namespace, claimName) as PersistentVolumeClaim | undefined;
			if (!claim) {
				unmounted.push(volume.name);
				unprocessed.push(volume.name);
				detail ??= `error processing PVC ${pod.metadata.namespace}/${claimName}: failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found`;
				continue;
			}
			const pv = claim.status?.phase === 'Bound' ? getVolume(context, claim.spec?.volumeName) : undefined;
			if (!pv) {
				unmounted.push(volume.name);
				unprocessed.push(volume.name);
				detail ??= `error processing PVC ${pod.metadata.namespace}/${claimName}: PVC is not bound`;
				continue;
			}
			if (singleNodeOnly(modesOf(pv, claim))) {
				const elsewhere = [...(attached.get(pv.metadata.name)?.entries() ?? [])].some(([other, pods]) => other !== node && pods.size > 0);
				if (elsewhere) {
					unmounted.push(volume.name);
					unattached.push(volume.name);
					state ??= {since: now, lastTimeout: now, nextAttachEvent: now, attachBackoff: 0};
					waiting.set(pod.metadata.uid, state);
					if (now >= state.nextAttachEvent) {
						events.warning(pod, 'FailedAttachVolume', `Multi-Attach error for volume "${pv.metadata.name}" ${multiAttachDetail(pod, pv.metadata.name, node)}`, {component: attachDetachComponent});
						state.attachBackoff = Math.min(state.attachBackoff ? state.attachBackoff * 2 : 500, 122_000);
						state.nextAttachEvent = now + state.attachBackoff;
					}
					continue;
				}
			}
			attach(pod, pv.metadata.name, node);
		}
		if (unmounted.length === 0) {
			waiting.delete(pod.metadata.uid);
			return undefined;
		}
		state ??= {since: now, lastTimeout: now, nextAttachEvent: now, attachBackoff: 0};
		waiting.set(pod.metadata.uid, state);
		// The kubelet's WaitForAttachAndMount error after its 2-minute wait, as `kubectl describe` shows it.
		const message = `Unable to attach or mount volumes: unmounted volumes=[${unmounted.join(' ')}], unattached volumes=[${unattached.join(' ')}], failed to process volumes=[${unprocessed.join(' ')}]: ${detail ?? 'timed out waiting for the condition'}`;
		if (now - state.lastTimeout >= mountTimeoutMs) {
			state.lastTimeout = now;
			events.record(pod, 'Warning', 'FailedMount', message, {component: 'kubelet', host: node});
		}
		return message;
	}

	context.services.volumeManager = {waitingFor};
	context.services.attachments = (volume: string) => [...(attached.get(volume)?.keys() ?? [])];

	/** Pods gone from nodes whose kubelet cannot confirm the unmount: forced detach deadline by pod uid. */
	const unsafe = new Map<string, {node: string; deadline: number}>();

	// Not derivable: attachments outlive their pods on a node that is down.
	context.state.register<SavedAttachments>(attachDetachComponent, {
		save: () => ({
			attached: [...attached].map(([volume, nodes]) => [volume, [...nodes].map(([node, uids]) => [node, [...uids]])]),
			held: [...held].map(([uid, list]) => [uid, list.map(({volume, node}) => [volume, node])]),
			waiting: [...waiting].map(([uid, w]) => [uid, w.since, w.lastTimeout, w.nextAttachEvent, w.attachBackoff]),
			unsafe: [...unsafe].map(([uid, {node, deadline}]) => [uid, node, deadline]),
		}),
		load(saved) {
			attached.clear();
			held.clear();
			waiting.clear();
			unsafe.clear();
			for (const [volume, nodes] of saved.attached) attached.set(volume, new Map(nodes.map(([node, uids]) => [node, new Set(uids)])));
			for (const [uid, list] of saved.held) held.set(uid, list.map(([volume, node]) => ({volume, node})));
			for (const [uid, since, lastTimeout, nextAttachEvent, attachBackoff] of saved.waiting) waiting.set(uid, {since, lastTimeout, nextAttachEvent, attachBackoff});
			for (const [uid, node, deadline] of saved.unsafe) unsafe.set(uid, {node, deadline});
		},
	});

	return {
		name: attachDetachComponent,
		watches: {
			// A pod that is gone or finished no longer holds its volumes: detach.
			Pod: ({type, object}) => {
				if (type !== 'DELETED' && !isTerminal(object as Pod)) return undefined;
				return held.has(object.metadata.uid) || waiting.has(object.metadata.uid) ? object.metadata.uid : undefined;
			},
			// A node that comes back (its kubelet reports the unmount) or is deleted frees what waited on it.
			Node: ({object}) => [...unsafe].filter(([, entry]) => entry.node === object.metadata.name).map(([uid]) => uid),
		},
		sync(uid) {
			const pod = store.getByUid(uid) as Pod | undefined;
			if (pod && !isTerminal(pod)) return;
			// The kubelet reports a volume unmounted before it may be detached. A node that is down
			// cannot: the controller waits maxWaitForUnmountDuration, then detaches by force.
			const node = held.get(uid)?.[0]?.node;
			const nodeDown = node !== undefined && store.get('Node', undefined, node) !== undefined && context.services.kubelet?.isHalted(node) === true;
			const entry = unsafe.get(uid);
			if (nodeDown && (!entry || clock.now() < entry.deadline)) {
				if (!entry) {
					const deadline = clock.now() + maxWaitForUnmountMs;
					unsafe.set(uid, {node, deadline});
					context.queue(attachDetachComponent).addAfter(uid, maxWaitForUnmountMs);
				}
				return;
			}
			unsafe.delete(uid);
			release(uid);
		},
	};
}

/** Nodes a volume is attached to, for the dashboard and tests. */
export function attachedNodes(context: ControllerContext, volume: string): string[] {
	const manager = context.services.attachments;
	return manager ? manager(volume) : [];
}
