import type {ControllerContext} from '../controller.js';
import type {FileTree} from '../runtime/filetree.js';
import type {PersistentVolume, PersistentVolumeClaim} from '../api/storage-objects.js';
import type {StatefulSet} from '../api/statefulset-objects.js';
import {notFound} from '../errors.js';
import {getClaim, getVolume} from './claims.js';
import {attachedNodes} from './attach-detach.js';
import {boundVolumeName, volumeData} from './volume-data.js';
import {databaseOf, type DatabaseEngine, type ReplicaStatus, type ServerRole} from '../runtime/workloads/database.js';

/** What the dashboard shows for one volume. */
export type VolumeDataView = {
	/** The PersistentVolume, once the claim is bound. */
	volume?: string;
	/** `namespace/name` of the claim bound to it. */
	claim?: string;
	/** Claim phase (or volume phase when asked by volume name). */
	phase?: string;
	/** Nodes the volume is attached to (pods using it run there). */
	attachedTo: string[];
	/** Files under the volume's root, sorted, with sizes in bytes. */
	files: Array<{path: string; size: number}>;
	/** The database kept there, when one runs on it. */
	database?: {engine: DatabaseEngine; role: ServerRole; state: 'cloning' | 'ready'; position: number; rows: Record<string, string>; clonedFrom?: string};
};

function walk(tree: FileTree, path: string, out: Array<{path: string; size: number}>): void {
	for (const name of tree.list(path) ?? []) {
		const child = path === '/' ? `/${name}` : `${path}/${name}`;
		const stat = tree.stat(child);
		if (stat?.type === 'dir') walk(tree, child, out);
		else if (stat) out.push({path: child, size: stat.size});
	}
}

/** The contents of a volume named by its claim (in `namespace`, default `default`) or by the PersistentVolume's name. */
export function describeVolumeData(context: ControllerContext, name: string, options: {namespace?: string} = {}): VolumeDataView {
	const claim = getClaim(context, options.namespace ?? 'default', name) as PersistentVolumeClaim | undefined;
	let volume: PersistentVolume | undefined;
	let view: VolumeDataView;
	if (claim) {
		const volumeName = boundVolumeName(claim);
		volume = getVolume(context, volumeName);
		view = {claim: `${claim.metadata.namespace}/${claim.metadata.name}`, phase: claim.status?.phase ?? 'Pending', attachedTo: [], files: []};
	} else {
		volume = getVolume(context, name);
		if (!volume) throw notFound('persistentvolumeclaims', name);
		const ref = volume.spec?.claimRef;
		view = {phase: volume.status?.phase, attachedTo: [], files: [], ...(ref ? {claim: `${ref.namespace}/${ref.name}`} : {})};
	}
	if (!volume) return view;
	view.volume = volume.metadata.name;
	view.attachedTo = attachedNodes(context, volume.metadata.name).sort();
	const contents = volumeData(context).peek(volume.metadata.name);
	if (!contents) return view;
	walk(contents.tree, '/', view.files);
	const database = databaseOf(contents.tree);
	if (database) {
		view.database = {
			engine: database.engine, role: database.role, state: database.state, position: database.position,
			rows: Object.fromEntries([...database.rows.entries()].sort(([a], [b]) => a.localeCompare(b))),
			...(database.clonedFrom ? {clonedFrom: database.clonedFrom} : {}),
		};
	}
	return view;
}

/** Replication status of a StatefulSet's database servers, by ordinal. Throws NotFound for an unknown StatefulSet. */
export function replicationStatus(context: ControllerContext, name: string, options: {namespace?: string} = {}): ReplicaStatus[] {
	const namespace = options.namespace ?? 'default';
	const set = context.store.get('StatefulSet', namespace, name) as StatefulSet | undefined;
	if (!set) throw notFound('statefulsets.apps', name);
	const service = context.services.replication;
	return service?.status(namespace, name) ?? [];
}

/** Database server log lines of a pod (startup, clone, replication). */
export function databaseLog(context: ControllerContext, pod: string, options: {namespace?: string} = {}): string[] {
	const service = context.services.replication;
	return service?.logOf(options.namespace ?? 'default', pod) ?? [];
}
