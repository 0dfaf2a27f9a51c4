/**
 * Static pods (`pkg/kubelet/config/file.go`, `mirror_client.go`): a pod
 * manifest in a node's /etc/kubernetes/manifests runs on that node, and
 * its kubelet makes a mirror pod of it in the API, named
 * `<name>-<node>`, annotated with the manifest's hash and owned by the
 * Node. A manifest removed stops its pod; one changed replaces it; a
 * mirror pod deleted through the API comes back while its manifest is
 * there, and the pod it mirrors runs on (the kubelet's part). The kubelet watches the folder (inotify), so a change shows
 * within a second; here each node whose folder a pod has reached (a
 * hostPath of the node, as `kubectl debug node` mounts its root) is read
 * every second. What the manifest holds is defaulted and validated as the
 * kubelet does; one that is no pod, or no valid one, runs nothing.
 */
import {createHash} from 'node:crypto';
import {parse} from 'yaml';
import type {Controller, ControllerContext} from '../controller.js';
import type {TimerHandle} from '../clock.js';
import {rfc3339Micro} from '../clock.js';
import type {KubeObject, Node, Pod} from '../api/types.js';
import {applyDefaults} from '../api/defaults.js';
import {validateKind} from '../api/validate-kinds.js';
import {validateMetadata} from '../api/validate-metadata.js';
import type {SavedTimerRef} from '../state.js';
import {staticPodPath} from '../runtime/node-files.js';

/** How often a watched folder is read: the kubelet's inotify answers at once, its relist every 20 s. */
export const staticPodCheckMs = 1000;

/** Mirror pods' annotations (`kubetypes`). */
export const configMirrorAnnotation = 'kubernetes.io/config.mirror';
const configHashAnnotation = 'kubernetes.io/config.hash';
const configSeenAnnotation = 'kubernetes.io/config.seen';
const configSourceAnnotation = 'kubernetes.io/config.source';

const component = 'kubelet-static-pods';

/**
 * What the source offers: the runtime tells it a node's manifests folder
 * became reachable; the kubelet asks whether a mirror pod is of a manifest
 * still there (one deleted through the API is made again, its pod kept
 * running, as `syncPod` keeps a static pod whose mirror went).
 */
export type StaticPodService = {
	watch(nodeName: string): void;
	/** Whether a manifest on `nodeName` makes the mirror pod `namespace/name` with this config hash. */
	wants(nodeName: string, namespace: string, name: string, hash: string): boolean;
};

type Known = Map<string, {hash: string; pod: string; namespace: string}>;

type SavedStaticPods = {
	watched: Array<[node: string, timer: SavedTimerRef | null]>;
	known: Array<[node: string, file: string, hash: string, pod: string, namespace: string]>;
};

/**
 * The pod a manifest file describes, as the kubelet's file source makes
 * it (`applyDefaults` in pkg/kubelet/config/common.go): named
 * `<name>-<node>`, in `default` when it names no namespace, bound to the
 * node, tolerating every NoExecute taint, its hash from the file's text
 * and where it came from. Undefined for a file that is no v1 Pod.
 */
export function staticPod(text: string, file: string, node: Node, nowMs: number): Pod | undefined {
	let manifest: unknown;
	try {
		manifest = parse(text);
	} catch {
		return undefined;
	}
	if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return undefined;
	const pod = manifest as Pod;
	if (pod.kind !== 'Pod' || pod.apiVersion !== 'v1' || typeof pod.metadata?.name !== 'string' || typeof pod.spec !== 'object' || pod.spec === null) return undefined;
	const nodeName = node.metadata.name;
	const hash = createHash('sha256').update(text).update(`host:${nodeName}`).update(`file:${file}`).digest('hex').slice(0, 32);
	const tolerations = [...(pod.spec.tolerations ?? [])];
	if (!tolerations.some(t => t.operator === 'Exists' && !t.key && t.effect === 'NoExecute')) tolerations.push({operator: 'Exists', effect: 'NoExecute'});
	return {
		...pod,
		metadata: {
			...pod.metadata,
			name: `${pod.metadata.name}-${nodeName.toLowerCase()}`,
			namespace: pod.metadata.namespace || 'default',
			uid: '', resourceVersion: '', creationTimestamp: '',
			annotations: {
				...pod.metadata.annotations,
				[configHashAnnotation]: hash, [configMirrorAnnotation]: hash,
				[configSeenAnnotation]: `${rfc3339Micro(nowMs).slice(0, -1)}000Z`, [configSourceAnnotation]: 'file',
			},
			ownerReferences: [{apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid, controller: true}],
		},
		spec: {...pod.spec, nodeName, tolerations},
		status: {phase: 'Pending'},
	} as Pod;
}

export function createStaticPodSource(context: ControllerContext): Controller {
	const {store, clock} = context;
	const watched = new Map<string, TimerHandle | undefined>();
	const known = new Map<string, Known>();
	const kubelet = () => context.services.kubelet;
	const queue = () => context.queue(component);

	const check = clock.kind<string>('kubelet.staticPods', node => {
		// A node gone takes its folder with it.
		if (!store.get('Node', undefined, node)) {
			watched.delete(node);
			known.delete(node);
			return;
		}
		watched.set(node, clock.after(staticPodCheckMs, check, node));
		queue().add(node);
	});

	context.services.staticPods = {
		watch(node) {
			if (watched.has(node)) return;
			watched.set(node, clock.after(staticPodCheckMs, check, node));
		},
		wants(node, namespace, name, hash) {
			for (const entry of known.get(node)?.values() ?? []) if (entry.pod === name && entry.namespace === namespace && entry.hash === hash) return true;
			return false;
		},
	};

	context.state.register<SavedStaticPods>('staticPods', {
		save: saving => ({
			watched: [...watched].map(([node, timer]) => [node, timer ? saving.timer(timer) : null]),
			known: [...known].flatMap(([node, files]) => [...files].map(([file, entry]) => [node, file, entry.hash, entry.pod, entry.namespace] as SavedStaticPods['known'][number])),
		}),
		load(saved, loading) {
			watched.clear();
			known.clear();
			for (const [node, timer] of saved.watched) watched.set(node, timer ? loading.timer(timer) : undefined);
			for (const [node, file, hash, pod, namespace] of saved.known) {
				let files = known.get(node);
				if (!files) known.set(node, (files = new Map()));
				files.set(file, {hash, pod, namespace});
			}
		},
	});

	/** The manifests' pods by file, those that are valid pods. */
	function wanted(node: Node): Map<string, Pod> {
		const out = new Map<string, Pod>();
		const files = kubelet()?.runtimeFor(node.metadata.name)?.nodeFiles?.(staticPodPath) ?? [];
		for (const {name, content} of files) {
			if (name.startsWith('.')) continue;
			const made = staticPod(content, `${staticPodPath}/${name}`, node, clock.now());
			if (!made) continue;
			const pod = applyDefaults(made) as Pod;
			const errors = [...validateMetadata(pod.metadata, {nameValidator: 'subdomain', namespaced: true}), ...validateKind(pod)];
			if (errors.length === 0) out.set(name, pod);
		}
		return out;
	}

	return {
		name: component,
		watches: {},
		sync(nodeName) {
			const node = store.get('Node', undefined, nodeName) as Node | undefined;
			if (!node || kubelet()?.isHalted(nodeName)) return;
			let files = known.get(nodeName);
			if (!files) known.set(nodeName, (files = new Map()));
			const pods = wanted(node);
			// A manifest gone or changed: its mirror pod is deleted, and the kubelet stops the pod.
			for (const [file, entry] of files) {
				const next = pods.get(file);
				if (next && next.metadata.annotations![configHashAnnotation] === entry.hash) continue;
				const mirror = store.get('Pod', entry.namespace, entry.pod) as Pod | undefined;
				if (mirror?.metadata.annotations?.[configMirrorAnnotation] === entry.hash && !mirror.metadata.deletionTimestamp) {
					store.markDeleted(mirror, mirror.spec?.terminationGracePeriodSeconds ?? 30);
				}
				files.delete(file);
			}
			// A manifest without its mirror pod (new, or the mirror deleted through the API): made once the name is free.
			for (const [file, pod] of pods) {
				const hash = pod.metadata.annotations![configHashAnnotation]!;
				const existing = store.get('Pod', pod.metadata.namespace, pod.metadata.name) as Pod | undefined;
				if (existing) {
					if (existing.metadata.annotations?.[configMirrorAnnotation] === hash && !existing.metadata.deletionTimestamp) files.set(file, {hash, pod: pod.metadata.name, namespace: pod.metadata.namespace!});
					continue;
				}
				if (!store.get('Namespace', undefined, pod.metadata.namespace!)) continue;
				try {
					store.create(pod as KubeObject);
					files.set(file, {hash, pod: pod.metadata.name, namespace: pod.metadata.namespace!});
				} catch {
					// Refused by admission (a quota, a priority class that does not exist): the kubelet tries again at its next look.
				}
			}
		},
	};
}
