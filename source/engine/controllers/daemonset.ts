import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject, Node, Pod, PodTemplateSpec} from '../api/types.js';
import {applyDefaults} from '../api/defaults.js';
import {targetNodeName} from '../api/node-affinity.js';
import {keyOf, sameJson} from '../store.js';
import {adoptersOf, claimObjects, controlledBy, newControllerRef, orphanPods, SelectorCache, writeStatusIfChanged} from './controller-utils.js';
import {matchesLabels, type Selector} from '../api/selectors.js';
import type {DaemonSet, DaemonSetStatus} from '../api/daemonset-objects.js';
import '../api/daemonset-objects.js';
import './daemonset-images.js';
import {podChangeMatters} from './job-util.js';
import {isPodAvailable, nodeShouldRunDaemonPod, pinToNode, scaledValue, templateHash, withDaemonTolerations} from './daemonset-util.js';

export const daemonSetControllerName = 'daemonset-controller';
export const revisionHashLabel = 'controller-revision-hash';
export const templateGenerationLabel = 'pod-template-generation';

/** Pods created per sync at most (`BurstReplicas`). */
const burstReplicas = 250;
/** Back-off for re-creating a failed daemon pod on a node: 1 s doubling to 15 min. */
const failedBackoffInitialMs = 1000;
const failedBackoffMaxMs = 15 * 60_000;


/** The oldest first; among equals, the one further along (podByCreationTimestampAndPhase). */
function byAge(a: Pod, b: Pod): number {
	return a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * The DaemonSet controller: one pod on every node that passes the pod's
 * node selector, affinity and taints (with the daemon tolerations), pinned
 * by a `metadata.name` node affinity and bound by the scheduler; follows
 * nodes as they come and go, replaces failed pods with back-off, rolls a new
 * template out node by node (maxUnavailable or maxSurge) or on delete, and
 * keeps ControllerRevisions and the status counters.
 */
export function createDaemonSetController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const source = {component: daemonSetControllerName};
	const failedBackoff = new Map<string, {delayMs: number; at: number}>();
	/** Saved: the back-off of each daemon pod that failed on a node (`ds/node`). */
	context.state.register<Array<[key: string, delayMs: number, at: number]>>('daemonset', {
		save: () => [...failedBackoff].map(([key, {delayMs, at}]) => [key, delayMs, at]),
		load(saved) {
			failedBackoff.clear();
			for (const [key, delayMs, at] of saved) failedBackoff.set(key, {delayMs, at});
		},
	});

	const queue = () => context.queue(daemonSetControllerName);
	const orphans = orphanPods(context);
	const selectors = new SelectorCache();
	store.subscribe(({type, object}) => {
		if (type === 'DELETED') selectors.forget(object.metadata.uid);
	}, ['DaemonSet']);

	// Stored objects never change in place, so results can be kept per object.
	const hashes = new WeakMap<object, string>();
	const verdictCache = new WeakMap<Node, WeakMap<object, ReturnType<typeof nodeShouldRunDaemonPod>>>();

	function hashOf(template: PodTemplateSpec): string {
		let hash = hashes.get(template);
		if (hash === undefined) hashes.set(template, (hash = templateHash(template)));
		return hash;
	}

	function verdictFor(spec: PodTemplateSpec['spec'], node: Node): ReturnType<typeof nodeShouldRunDaemonPod> {
		let byTemplate = verdictCache.get(node);
		if (!byTemplate) verdictCache.set(node, (byTemplate = new WeakMap()));
		let verdict = byTemplate.get(spec);
		if (!verdict) byTemplate.set(spec, (verdict = nodeShouldRunDaemonPod(spec, node)));
		return verdict;
	}

	function allDaemonSets(): string[] {
		return store.list('DaemonSet').map(keyOf);
	}

	function ownedPods(ds: DaemonSet): Pod[] {
		return controlledBy<Pod>(store, ds, 'Pod');
	}

	/** `ClaimPods`: adopt the orphans the selector matches (as after an orphaning delete), release owned pods it no longer does. */
	function claimPods(ds: DaemonSet, selector: Selector): void {
		claimObjects<Pod>(store, ds, pod => matchesLabels(selector, pod.metadata.labels), {
			owned: store.dependentsOf(ds.metadata.uid, 'Pod') as Pod[],
			orphans: [...orphans.in(ds.metadata.namespace)],
		});
	}

	function deletePod(ds: DaemonSet, pod: Pod): void {
		if (pod.metadata.deletionTimestamp) return;
		store.markDeleted(pod, pod.spec?.terminationGracePeriodSeconds ?? 30);
		events.normal(ds, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
	}

	/** Create the node's pod; false when the API refused it (recorded as FailedCreate, the DaemonSet retried with backoff). */
	function createPod(ds: DaemonSet, nodeName: string, hash: string): boolean {
		const template = ds.spec!.template;
		const spec = {
			...template.spec,
			tolerations: withDaemonTolerations(template.spec),
			affinity: pinToNode(template.spec.affinity, nodeName),
		};
		const pod = applyDefaults({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {
				name: '',
				generateName: `${ds.metadata.name}-`,
				namespace: ds.metadata.namespace,
				labels: {...template.metadata?.labels, [revisionHashLabel]: hash, [templateGenerationLabel]: String(ds.metadata.generation ?? 1)},
				...(template.metadata?.annotations ? {annotations: {...template.metadata.annotations}} : {}),
				ownerReferences: [newControllerRef(ds)],
				uid: '', resourceVersion: '', creationTimestamp: '',
			},
			spec,
		});
		let created: KubeObject;
		try {
			created = store.create(pod);
		} catch (error) {
			// RealPodControl records the refusal (a quota, a LimitRange) before the sync fails and is retried.
			events.warning(ds, 'FailedCreate', `Error creating: ${(error as Error).message}`, source);
			queue().addRateLimited(keyOf(ds));
			return false;
		}
		events.normal(ds, 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, source);
		return true;
	}

	/** The ControllerRevision for the current template: created, or moved to the newest revision number. */
	function syncRevision(ds: DaemonSet, hash: string): void {
		const revisions = store.dependentsOf(ds.metadata.uid, 'ControllerRevision');
		const name = `${ds.metadata.name}-${hash}`;
		const newest = Math.max(0, ...revisions.map(r => Number(r['revision'] ?? 0)));
		let current = revisions.find(r => r.metadata.name === name);
		const namesake = current ? undefined : store.get('ControllerRevision', ds.metadata.namespace, name);
		if (namesake) {
			// The revision an orphaning delete left: adopt it when it is this template's.
			const selector = selectors.for(ds);
			current = claimObjects(store, ds, r => matchesLabels(selector, r.metadata.labels), {owned: [], orphans: [namesake]})[0];
		}
		if (!current) {
			if (!namesake) {
				store.create({
					apiVersion: 'apps/v1',
					kind: 'ControllerRevision',
					metadata: {
						name,
						namespace: ds.metadata.namespace,
						labels: {...ds.spec!.template.metadata?.labels, [revisionHashLabel]: hash},
						ownerReferences: [newControllerRef(ds)],
						uid: '', resourceVersion: '', creationTimestamp: '',
					},
					data: {spec: {template: {...ds.spec!.template, $patch: 'replace'}}},
					revision: newest + 1,
				});
			}
		} else if (Number(current['revision']) < newest) {
			store.update({...current, revision: newest + 1, metadata: {...current.metadata, resourceVersion: ''}});
		}
		// History: keep revisionHistoryLimit old revisions that no pod uses.
		const limit = ds.spec!.revisionHistoryLimit ?? 10;
		const inUse = new Set(ownedPods(ds).map(p => p.metadata.labels?.[revisionHashLabel]));
		const old = store.dependentsOf(ds.metadata.uid, 'ControllerRevision')
			.filter(r => r.metadata.name !== name && !inUse.has(r.metadata.labels?.[revisionHashLabel]))
			.sort((a, b) => Number(a['revision']) - Number(b['revision']));
		for (const revision of old.slice(0, Math.max(0, old.length - limit))) store.remove(revision);
	}

	function sync(key: string): void {
		const ds = store.getByKey('DaemonSet', key) as DaemonSet | undefined;
		if (!ds || ds.metadata.deletionTimestamp) return;
		let selector: Selector;
		try {
			selector = selectors.for(ds);
		} catch {
			return;
		}
		claimPods(ds, selector);
		const spec = ds.spec!;
		const now = clock.now();
		const hash = hashOf(spec.template);
		syncRevision(ds, hash);
		const nodes = (store.list('Node') as Node[]).filter(n => !n.metadata.deletionTimestamp);
		const podsByNode = ownedPodsByNode(ds);
		const surge = spec.updateStrategy.type === 'RollingUpdate' && scaledValue(spec.updateStrategy.rollingUpdate?.maxSurge, nodes.length, true) > 0;

		// manage: create where missing, delete where it should not run, failed or duplicated.
		const toCreate: string[] = [];
		const toDelete: Pod[] = [];
		const verdicts = new Map<string, ReturnType<typeof nodeShouldRunDaemonPod>>();
		for (const node of nodes) {
			const name = node.metadata.name;
			const verdict = verdictFor(spec.template.spec, node);
			verdicts.set(name, verdict);
			const pods = podsByNode.get(name) ?? [];
			if (verdict.shouldRun && pods.length === 0) {
				toCreate.push(name);
				continue;
			}
			if (!verdict.shouldContinueRunning) {
				toDelete.push(...pods.filter(p => !p.metadata.deletionTimestamp));
				continue;
			}
			const running: Pod[] = [];
			for (const pod of pods) {
				if (pod.metadata.deletionTimestamp) continue;
				if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
					const backoffKey = `${ds.metadata.uid}/${name}`;
					const entry = failedBackoff.get(backoffKey);
					if (entry && now < entry.at + entry.delayMs) {
						queue().addAfter(key, entry.at + entry.delayMs - now);
						continue;
					}
					const delayMs = entry ? Math.min(entry.delayMs * 2, failedBackoffMaxMs) : failedBackoffInitialMs;
					failedBackoff.set(backoffKey, {delayMs, at: now});
					if (pod.status.phase === 'Failed') {
						events.warning(ds, 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${name}, will try to kill it`, source);
					}
					toDelete.push(pod);
				} else {
					running.push(pod);
				}
			}
			if (!surge && running.length > 1) toDelete.push(...running.sort(byAge).slice(1));
			else if (surge && running.length > 2) toDelete.push(...running.sort(byAge).slice(1, -1));
		}
		for (const pod of toDelete) deletePod(ds, pod);
		for (const name of toCreate.slice(0, burstReplicas)) if (!createPod(ds, name, hash)) break;
		if (toCreate.length > burstReplicas) queue().add(key);

		if (spec.updateStrategy.type === 'RollingUpdate') rollingUpdate(ds, nodes, verdicts, podsByNode, hash, surge, key);
		writeStatus(ds, nodes, verdicts, hash, key);
	}

	/** One rolling-update step: replace old pods within maxUnavailable, or surge new ones within maxSurge. */
	function rollingUpdate(ds: DaemonSet, nodes: Node[], verdicts: Map<string, {shouldRun: boolean}>, podsByNode: Map<string, Pod[]>, hash: string, surge: boolean, key: string): void {
		const spec = ds.spec!;
		const now = clock.now();
		const minReady = spec.minReadySeconds ?? 0;
		const desired = nodes.filter(n => verdicts.get(n.metadata.name)?.shouldRun).length;
		const rolling = spec.updateStrategy.rollingUpdate ?? {};
		const live = (name: string) => (podsByNode.get(name) ?? []).filter(p => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
		const updated = (pod: Pod) => pod.metadata.labels?.[revisionHashLabel] === hash;
		/** The live pods on each node that should run one, split into updated and old. */
		const eligible = nodes.filter(node => verdicts.get(node.metadata.name)?.shouldRun).map(node => {
			const pods = live(node.metadata.name);
			return {name: node.metadata.name, pods, fresh: pods.filter(updated), old: pods.filter(p => !updated(p)).sort(byAge)};
		});
		if (!surge) {
			let maxUnavailable = scaledValue(rolling.maxUnavailable, desired, true);
			if (maxUnavailable === 0) maxUnavailable = 1;
			let unavailable = 0;
			const mustGo: Pod[] = [];
			const candidates: Pod[] = [];
			for (const {pods, fresh, old} of eligible) {
				if (fresh.length > 1 || old.length > 1) continue;
				if (pods.length === 0 || (fresh.length === 1 && old.length === 1)) unavailable++;
				else if (fresh.length === 1) {
					if (!isPodAvailable(fresh[0]!, minReady, now)) unavailable++;
				} else if (!isPodAvailable(old[0]!, minReady, now)) mustGo.push(old[0]!);
				else candidates.push(old[0]!);
			}
			const room = Math.max(0, maxUnavailable - unavailable);
			for (const pod of [...mustGo, ...candidates.slice(0, room)]) deletePod(ds, pod);
			return;
		}
		const maxSurge = scaledValue(rolling.maxSurge, desired, true);
		let surging = 0;
		const wantNew: string[] = [];
		const candidates: string[] = [];
		for (const {name, fresh, old} of eligible) {
			if (old.length === 0) continue;
			if (fresh.length > 0) {
				surging++;
				if (isPodAvailable(fresh[0]!, minReady, now)) {
					for (const pod of old) deletePod(ds, pod);
					surging--;
				} else if (minReady > 0) {
					queue().addAfter(key, minReady * 1000 + 1);
				}
				continue;
			}
			if (!isPodAvailable(old[0]!, minReady, now)) wantNew.push(name);
			else candidates.push(name);
		}
		const room = Math.max(0, maxSurge - surging);
		for (const name of [...wantNew, ...candidates.slice(0, room)]) if (!createPod(ds, name, hash)) break;
	}

	/** The DaemonSet's pods grouped by the node each is meant for. */
	function ownedPodsByNode(ds: DaemonSet): Map<string, Pod[]> {
		const podsByNode = new Map<string, Pod[]>();
		for (const pod of ownedPods(ds)) {
			const nodeName = targetNodeName(pod);
			if (!nodeName) continue;
			let list = podsByNode.get(nodeName);
			if (!list) podsByNode.set(nodeName, (list = []));
			list.push(pod);
		}
		return podsByNode;
	}

	function writeStatus(ds: DaemonSet, nodes: Node[], verdicts: Map<string, {shouldRun: boolean}>, hash: string, key: string): void {
		const now = clock.now();
		const minReady = ds.spec!.minReadySeconds ?? 0;
		const podsByNode = ownedPodsByNode(ds);
		let desired = 0;
		let current = 0;
		let misscheduled = 0;
		let ready = 0;
		let available = 0;
		let updatedCount = 0;
		let waitForAvailable = false;
		for (const node of nodes) {
			const pods = podsByNode.get(node.metadata.name) ?? [];
			if (!verdicts.get(node.metadata.name)?.shouldRun) {
				if (pods.length > 0) misscheduled++;
				continue;
			}
			desired++;
			if (pods.length === 0) continue;
			current++;
			const pod = [...pods].sort(byAge)[0]!;
			if (pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')) {
				ready++;
				if (isPodAvailable(pod, minReady, now)) available++;
				else waitForAvailable = true;
			}
			if (pod.metadata.labels?.[revisionHashLabel] === hash) updatedCount++;
		}
		if (waitForAvailable && minReady > 0) queue().addAfter(key, minReady * 1000 + 1);
		const status: DaemonSetStatus = {
			currentNumberScheduled: current,
			numberMisscheduled: misscheduled,
			desiredNumberScheduled: desired,
			numberReady: ready,
			observedGeneration: ds.metadata.generation,
			updatedNumberScheduled: updatedCount,
			numberAvailable: available,
		};
		if (desired - available > 0) status.numberUnavailable = desired - available;
		if (!status.updatedNumberScheduled) delete status.updatedNumberScheduled;
		if (!status.numberAvailable) delete status.numberAvailable;
		writeStatusIfChanged(store, ds, status);
	}

	return {
		name: daemonSetControllerName,
		watches: {
			DaemonSet: ({type, object}) => (type === 'DELETED' ? undefined : keyOf(object)),
			Pod: ({type, object, old}) => {
				const ref = object.metadata.ownerReferences?.find(r => r.controller && r.kind === 'DaemonSet');
				if (!ref) return type === 'DELETED' ? undefined : adoptersOf(store, selectors, 'DaemonSet', object, old);
				if (type === 'MODIFIED' && !podChangeMatters(object as Pod, old as Pod | undefined)) return undefined;
				const owner = store.getByUid(ref.uid);
				return owner ? keyOf(owner) : undefined;
			},
			Node: ({type, object, old}) => {
				if (type !== 'MODIFIED' || !old) return allDaemonSets();
				// Heartbeats change nothing a daemon pod's placement depends on.
				const node = object as Node;
				const before = old as Node;
				const ready = (n: Node) => n.status?.conditions?.find(c => c.type === 'Ready')?.status;
				const relevant = !sameJson(node.metadata.labels, before.metadata.labels)
					|| !sameJson(node.spec?.taints, before.spec?.taints)
					|| node.spec?.unschedulable !== before.spec?.unschedulable
					|| ready(node) !== ready(before)
					|| Boolean(node.metadata.deletionTimestamp) !== Boolean(before.metadata.deletionTimestamp);
				return relevant ? allDaemonSets() : undefined;
			},
		},
		sync,
	};
}

/**
 * The kube-system DaemonSets a kind cluster runs on every node: kube-proxy
 * and the kindnet CNI agent, as `kind create cluster` installs them.
 */
export function systemDaemonSets(version: string): KubeObject[] {
	const meta = (name: string, labels: Record<string, string>) => ({name, namespace: 'kube-system', labels, uid: '', resourceVersion: '', creationTimestamp: ''});
	return [
		{
			apiVersion: 'apps/v1',
			kind: 'DaemonSet',
			metadata: meta('kube-proxy', {'k8s-app': 'kube-proxy'}),
			spec: {
				selector: {matchLabels: {'k8s-app': 'kube-proxy'}},
				updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1}},
				template: {
					metadata: {labels: {'k8s-app': 'kube-proxy'}},
					spec: {
						containers: [{
							name: 'kube-proxy',
							image: `registry.k8s.io/kube-proxy:${version}`,
							command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
							env: [{name: 'NODE_NAME', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'spec.nodeName'}}}],
							securityContext: {privileged: true},
						}],
						hostNetwork: true,
						nodeSelector: {'kubernetes.io/os': 'linux'},
						priorityClassName: 'system-node-critical',
						serviceAccountName: 'kube-proxy',
						tolerations: [{operator: 'Exists'}],
					},
				},
			},
		},
		{
			apiVersion: 'apps/v1',
			kind: 'DaemonSet',
			metadata: meta('kindnet', {app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node'}),
			spec: {
				selector: {matchLabels: {app: 'kindnet'}},
				template: {
					metadata: {labels: {app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node'}},
					spec: {
						containers: [{
							name: 'kindnet-cni',
							image: 'docker.io/kindest/kindnetd:v20241007-36f62932',
							env: [
								{name: 'HOST_IP', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'status.hostIP'}}},
								{name: 'POD_IP', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'status.podIP'}}},
								{name: 'POD_SUBNET', value: '10.244.0.0/16'},
							],
							resources: {requests: {cpu: '100m', memory: '50Mi'}, limits: {cpu: '100m', memory: '50Mi'}},
							securityContext: {capabilities: {add: ['NET_RAW', 'NET_ADMIN']}, privileged: false},
						}],
						hostNetwork: true,
						nodeSelector: {'kubernetes.io/os': 'linux'},
						serviceAccountName: 'kindnet',
						tolerations: [{operator: 'Exists'}],
					},
				},
			},
		},
	];
}
