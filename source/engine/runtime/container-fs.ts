import type {ControllerContext} from '../controller.js';
import type {Container, Pod, Volume} from '../api/types.js';
import type {ConfigMap, Secret} from '../api/config-objects.js';
import {FileTree, MountedFs, normalizePath, pathInside, SubPathFs, volumeProviderOf, type FileSystem, type Mount} from './filetree.js';
import {imageCreated, osFiles, type ResolvedImage} from './workloads/images.js';
import {fieldValue} from './env.js';
import {nodeFiles, seedHostPath, staticPodPath} from './node-files.js';
import {sameJsonText} from '../snapshot.js';

/**
 * A container's filesystem: the image's files (one read-only tree per image
 * and tag), the container's writable layer with the files the kubelet
 * manages (/etc/hosts, /etc/hostname, /etc/resolv.conf), its volume mounts
 * (emptyDir, ConfigMap, Secret, downward API, claims, hostPath), and the
 * mount plan runc's start-up trace shows.
 */

/** The volumes that live with a pod's sandbox, and its address. */
export type SandboxVolumes = {
	id: string;
	podIP: string;
	hostname: string;
	/** Made when the first emptyDir is mounted: most pods have none. */
	emptyDirs?: Map<string, FileTree>;
	/** Claims with no provider tree: an empty tree that lives with the pod (made on first use). */
	claims?: Map<string, FileTree>;
	/** The projected tokens the kubelet got for the pod, by path and lifetime: the one it holds until its refresh. */
	tokens?: Map<string, {issuedAt: number; token: string}>;
	/** The read-only volumes' trees by volume name, with the files they were made from: kept while those read the same. */
	volumeTrees?: Map<string, {files: Record<string, string>; mode: number | undefined; now: number; tree: FileTree}>;
};

/** Where a container's volumes come from: the store, the volume provider, the node's host paths. */
export type VolumeSources = {context: ControllerContext; hostPaths: Map<string, FileTree>};

const imageTrees = new Map<string, FileTree>();

/** The key an image's tree is kept under: its repository and tag. */
export function imageTreeKey(image: ResolvedImage): string {
	return `${image.reference.repository}:${image.tag}`;
}

/**
 * The key of a shared image tree, for saving a container's layer that sits
 * on it (`layer.save(imageKeyOfTree)`); undefined for any other tree.
 */
export function imageKeyOfTree(tree: FileTree): string | undefined {
	for (const [key, held] of imageTrees) if (held === tree) return key;
	return undefined;
}

/**
 * The image tree kept under `key`, for loading a saved layer
 * (`FileTree.fromSaved(data, {lower: imageTreeByKey})`): undefined until
 * `imageTree` has made it in this process, so a loader resolves each
 * container's image first.
 */
export function imageTreeByKey(key: string): FileTree | undefined {
	return imageTrees.get(key);
}

/** The image's files, shared read-only by every container of that image and tag, dated when the image was built. */
export function imageTree(image: ResolvedImage): FileTree {
	const key = imageTreeKey(image);
	let tree = imageTrees.get(key);
	if (!tree) {
		const files: Record<string, string> = {...osFiles(image.spec.os)};
		for (const [path, content] of Object.entries(image.spec.files ?? {})) files[path] = content.replace(/nginx\/\{version\}/g, `nginx/${image.version}`);
		tree = FileTree.from(files, {readOnly: true, now: imageCreated(image)});
		for (const dir of ['/tmp', '/var', '/usr/bin', '/etc', '/root', '/home']) {
			if (!tree.exists(dir)) {
				tree.readOnly = false;
				tree.mkdir(dir, {parents: true});
				tree.readOnly = true;
			}
		}
		if (image.spec.workingDir && !tree.exists(image.spec.workingDir)) {
			tree.readOnly = false;
			tree.mkdir(image.spec.workingDir, {parents: true});
			tree.readOnly = true;
		}
		imageTrees.set(key, tree);
	}
	return tree;
}

/** The container's writable layer over its image, with the files the kubelet writes into every container. */
export function writableLayer(image: ResolvedImage, sandbox: SandboxVolumes, namespace: string): FileTree {
	const upper = new FileTree({lower: imageTree(image)});
	upper.mkdir('/etc', {parents: true});
	upper.mkdir('/dev', {parents: true});
	upper.write('/etc/hostname', `${sandbox.hostname}\n`);
	upper.write('/etc/hosts', `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${sandbox.podIP}\t${sandbox.hostname}\n`);
	upper.write('/etc/resolv.conf', `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`);
	upper.write('/dev/termination-log', '');
	return upper;
}

/**
 * When the kubelet set the pod up (its volumes, the files it writes into
 * each container): the pod's start time, else its creation.
 */
function podSetUpAt(pod: Pod, now: number): number {
	const at = Date.parse(pod.status?.startTime ?? pod.metadata.creationTimestamp ?? '');
	return Number.isFinite(at) && at <= now ? at : now;
}

/**
 * The container's filesystem: its layer with its volume mounts. Files are
 * dated in virtual time: the layer's writes when they happen (what the
 * kubelet wrote into it, when the pod was set up), the image's files when
 * the image was built, volumes from when the pod was set up.
 */
export function containerFs(upper: FileTree, sources: VolumeSources, sandbox: SandboxVolumes, pod: Pod, container: Container): MountedFs {
	const {clock} = sources.context;
	const now = () => clock.now();
	const setUpAt = podSetUpAt(pod, clock.now());
	upper.useClock(now, setUpAt);
	const out: Mount[] = [];
	for (const volumeMount of container.volumeMounts ?? []) {
		const volume = pod.spec?.volumes?.find(v => v.name === volumeMount.name);
		if (!volume) continue;
		const source = volumeTree(sources, sandbox, pod, volume, setUpAt);
		if (!source) continue;
		let tree = source.tree;
		if (volumeMount.subPath) {
			// The kubelet creates a missing subPath directory in a writable volume before it bind-mounts it.
			const sub = normalizePath(volumeMount.subPath);
			if (!tree.exists(sub) && !source.readOnly && !tree.readOnly) tree.mkdir(sub, {parents: true});
			tree = new SubPathFs(tree, sub);
		}
		out.push({path: normalizePath(volumeMount.mountPath), tree, readOnly: Boolean(volumeMount.readOnly) || source.readOnly, volume: volume.name, fsType: source.fsType});
	}
	return new MountedFs(upper, out);
}

function volumeTree(sources: VolumeSources, sandbox: SandboxVolumes, pod: Pod, volume: Volume, setUpAt: number): {tree: FileSystem; readOnly: boolean; fsType: string} | undefined {
	const namespace = pod.metadata.namespace ?? 'default';
	const {store, services, clock} = sources.context;
	const now = () => clock.now();
	if (volume.emptyDir) {
		const trees = (sandbox.emptyDirs ??= new Map());
		let tree = trees.get(volume.name);
		if (!tree) trees.set(volume.name, (tree = new FileTree({now: setUpAt, clock: now})));
		return {tree, readOnly: false, fsType: volume.emptyDir.medium === 'Memory' ? 'tmpfs' : 'ext4'};
	}
	if (volume.configMap) {
		const object = store.get('ConfigMap', namespace, volume.configMap.name) as ConfigMap | undefined;
		const data: Record<string, string> = {...object?.data};
		for (const [key, value] of Object.entries(object?.binaryData ?? {})) data[key] = Buffer.from(String(value), 'base64').toString('utf8');
		return {tree: readOnlyTree(sandbox, volume.name, keyFiles(data, volume.configMap.items), volume.configMap.defaultMode ?? 0o644, setUpAt), readOnly: true, fsType: 'tmpfs'};
	}
	if (volume.secret) {
		const object = store.get('Secret', namespace, volume.secret.secretName) as Secret | undefined;
		const data: Record<string, string> = {};
		for (const [key, value] of Object.entries(object?.data ?? {})) data[key] = Buffer.from(String(value), 'base64').toString('utf8');
		return {tree: readOnlyTree(sandbox, volume.name, keyFiles(data, volume.secret.items), volume.secret.defaultMode ?? 0o644, setUpAt), readOnly: true, fsType: 'tmpfs'};
	}
	const downward = volume['downwardAPI'] as {items?: Array<{path: string; fieldRef?: {fieldPath: string}}>} | undefined;
	if (downward) {
		const files: Record<string, string> = {};
		for (const item of downward.items ?? []) {
			if (item.fieldRef) files[item.path] = fieldValue(pod, item.fieldRef.fieldPath, sandbox.podIP) ?? '';
		}
		return {tree: readOnlyTree(sandbox, volume.name, Object.fromEntries(Object.entries(files).map(([k, v]) => [`/${k}`, v])), undefined, setUpAt), readOnly: true, fsType: 'tmpfs'};
	}
	const projected = volume['projected'] as Projected | undefined;
	if (projected) {
		const files: Record<string, string> = {};
		// The kubelet writes a projected volume's files together: they all date from the last write.
		let writtenAt = setUpAt;
		for (const source of projected.sources ?? []) {
			if (source.serviceAccountToken) {
				const {path, expirationSeconds = 3600} = source.serviceAccountToken;
				const issuedAt = tokenIssuedAt(setUpAt, clock.now(), expirationSeconds);
				const key = `${path}\u0000${expirationSeconds}`;
				const tokens = (sandbox.tokens ??= new Map());
				let held = tokens.get(key);
				if (held?.issuedAt !== issuedAt) tokens.set(key, (held = {issuedAt, token: serviceAccountToken(pod, issuedAt, expirationSeconds)}));
				files[`/${path}`] = held.token;
				writtenAt = Math.max(writtenAt, issuedAt);
			}
			if (source.downwardAPI) {
				for (const item of source.downwardAPI.items ?? []) if (item.fieldRef) files[`/${item.path}`] = fieldValue(pod, item.fieldRef.fieldPath, sandbox.podIP) ?? '';
			}
			for (const [ref, kind] of [[source.configMap, 'ConfigMap'], [source.secret, 'Secret']] as const) {
				if (!ref) continue;
				const object = store.get(kind, namespace, ref.name) as (ConfigMap & Secret) | undefined;
				const data: Record<string, string> = kind === 'ConfigMap'
					? {...object?.data}
					: Object.fromEntries(Object.entries(object?.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]));
				const items = ref.items?.length ? ref.items : Object.keys(data).map(key => ({key, path: key}));
				for (const item of items) if (item.key in data) files[`/${item.path}`] = data[item.key]!;
			}
		}
		return {tree: readOnlyTree(sandbox, volume.name, files, projected.defaultMode ?? 0o644, writtenAt), readOnly: true, fsType: 'tmpfs'};
	}
	if (volume.persistentVolumeClaim) {
		const claim = volume.persistentVolumeClaim.claimName;
		let tree: FileTree | undefined = volumeProviderOf(services)?.treeForClaim(namespace, claim);
		if (!tree) {
			const trees = (sandbox.claims ??= new Map());
			tree = trees.get(claim);
			if (!tree) trees.set(claim, (tree = new FileTree({now: setUpAt, clock: now})));
		}
		return {tree, readOnly: Boolean(volume.persistentVolumeClaim.readOnly), fsType: 'ext4'};
	}
	if (volume.hostPath) {
		const path = normalizePath(volume.hostPath.path);
		let tree = sources.hostPaths.get(path);
		if (!tree) {
			tree = new FileTree({clock: now});
			// The node's own files under that path: its kubelet's configuration, its CA (what kubectl debug node shows at /host).
			if (pod.spec?.nodeName) seedHostPath(tree, path, nodeFiles(sources.context, pod.spec.nodeName));
			sources.hostPaths.set(path, tree);
			// A pod can now write static pod manifests: the node's kubelet watches the folder.
			if (pod.spec?.nodeName && pathInside(staticPodPath, path) !== undefined) services.staticPods?.watch(pod.spec.nodeName);
		}
		return {tree, readOnly: false, fsType: 'ext4'};
	}
	return undefined;
}

type KeyItems = {name: string; items?: Array<{key: string; path: string}>};
type Projected = {
	defaultMode?: number;
	sources?: Array<{
		serviceAccountToken?: {path: string; expirationSeconds?: number; audience?: string};
		configMap?: KeyItems;
		secret?: KeyItems;
		downwardAPI?: {items?: Array<{path: string; fieldRef?: {fieldPath: string}}>};
	}>;
};

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * How long the kubelet keeps a projected token, in seconds: it asks for a
 * new one once 80 % of the lifetime it asked for has passed, or the token
 * is a day old (`requiresRefresh` in the kubelet's token manager; it also
 * takes up to 10 s of random jitter off, which is left out here).
 */
export function tokenRefreshSeconds(expirationSeconds: number): number {
	return Math.max(1, Math.min(Math.ceil(expirationSeconds * 0.8), 24 * 3600));
}

/** When the token a pod's volume holds at `now` was issued (ms): when the pod was set up, then at each refresh since. */
export function tokenIssuedAt(setUpAt: number, now: number, expirationSeconds: number): number {
	const start = Math.floor(setUpAt / 1000) * 1000;
	const period = tokenRefreshSeconds(expirationSeconds) * 1000;
	return start + Math.max(0, Math.floor((now - start) / period)) * period;
}

/**
 * The bound token the kubelet asks the API server for (TokenRequest): a
 * JWT for `system:serviceaccount:<ns>:<sa>`, bound to the pod and its node.
 * With the apiserver's default `--service-account-extend-token-expiration`,
 * a token asked for 3607 s lives a year and warns after 3607 s.
 */
export function serviceAccountToken(pod: Pod, now: number, expirationSeconds: number): string {
	const issuer = 'https://kubernetes.default.svc.cluster.local';
	const namespace = pod.metadata.namespace ?? 'default';
	const account = pod.spec?.serviceAccountName ?? 'default';
	const iat = Math.floor(now / 1000);
	const extended = expirationSeconds === 3607 ? 365 * 24 * 3600 : expirationSeconds;
	const header = {alg: 'RS256', kid: base64url(`${issuer}/kubarium`).slice(0, 43)};
	const claims = {
		aud: [issuer], exp: iat + extended, iat, iss: issuer, jti: pod.metadata.uid,
		'kubernetes.io': {
			namespace,
			...(pod.spec?.nodeName ? {node: {name: pod.spec.nodeName}} : {}),
			pod: {name: pod.metadata.name, uid: pod.metadata.uid},
			serviceaccount: {name: account},
			...(extended !== expirationSeconds ? {warnafter: iat + expirationSeconds} : {}),
		},
		nbf: iat, sub: `system:serviceaccount:${namespace}:${account}`,
	};
	const signature = Buffer.from(Array.from({length: 256}, (_, i) => (pod.metadata.uid.charCodeAt(i % pod.metadata.uid.length) * 31 + i * 7 + iat) & 0xff)).toString('base64url');
	return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}.${signature}`;
}

/** A ConfigMap or Secret volume's files: one per key (or per item). */
function keyFiles(data: Record<string, string>, items: Array<{key: string; path: string}> | undefined): Record<string, string> {
	const files: Record<string, string> = {};
	if (items && items.length > 0) {
		for (const item of items) if (item.key in data) files[`/${item.path}`] = data[item.key]!;
	} else {
		for (const [key, value] of Object.entries(data)) files[`/${key}`] = value;
	}
	return files;
}

/**
 * A read-only volume's tree of `files`: the pod's tree from before when it
 * was made from the same files, mode and time (a view of the container's
 * filesystem is made again each virtual second it is read, and most
 * volumes do not change), else a new one.
 */
function readOnlyTree(sandbox: SandboxVolumes, volume: string, files: Record<string, string>, mode: number | undefined, now: number): FileTree {
	const trees = (sandbox.volumeTrees ??= new Map());
	const held = trees.get(volume);
	// The same paths in the same order (a tree lists what was written first first), with the same contents.
	if (held && held.mode === mode && held.now === now && sameJsonText(held.files, files)) return held.tree;
	const tree = FileTree.from(files, {readOnly: true, mode, now});
	trees.set(volume, {files, mode, now, tree});
	return tree;
}

/** The bind mounts runc sets up for a container (its volumes, then the kubelet's and containerd's files). */
export function mountPlan(pod: Pod, container: Container, containerId: string, sandboxId: string): Array<{source: string; target: string; readOnly: boolean; tmpfs?: boolean}> {
	const uid = pod.metadata.uid;
	const out: Array<{source: string; target: string; readOnly: boolean; tmpfs?: boolean}> = [];
	for (const [index, volumeMount] of (container.volumeMounts ?? []).entries()) {
		const volume = pod.spec?.volumes?.find(v => v.name === volumeMount.name);
		if (!volume) continue;
		const plugin = volume.emptyDir ? 'empty-dir' : volume.configMap ? 'configmap' : volume.secret ? 'secret' : volume.persistentVolumeClaim ? 'csi' : volume.hostPath ? 'host-path' : 'projected';
		// A subPath is bind-mounted from the kubelet's volume-subpaths directory.
		const source = volumeMount.subPath
			? `/var/lib/kubelet/pods/${uid}/volume-subpaths/${volume.name}/${container.name}/${index}`
			: volume.hostPath ? volume.hostPath.path : `/var/lib/kubelet/pods/${uid}/volumes/kubernetes.io~${plugin}/${volume.name}`;
		out.push({source, target: volumeMount.mountPath, readOnly: Boolean(volumeMount.readOnly) || Boolean(volume.configMap || volume.secret)});
	}
	const base = `/var/lib/kubelet/pods/${uid}`;
	out.push(
		{source: `${base}/etc-hosts`, target: '/etc/hosts', readOnly: false},
		{source: `${base}/containers/${container.name}/${containerId.slice(0, 8)}`, target: '/dev/termination-log', readOnly: false},
		{source: `/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/${sandboxId}/hostname`, target: '/etc/hostname', readOnly: false},
		{source: `/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/${sandboxId}/resolv.conf`, target: '/etc/resolv.conf', readOnly: false},
		{source: `/run/containerd/io.containerd.grpc.v1.cri/sandboxes/${sandboxId}/shm`, target: '/dev/shm', readOnly: false},
	);
	return out;
}
