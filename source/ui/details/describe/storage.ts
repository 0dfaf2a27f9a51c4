/** PersistentVolumeClaims and PersistentVolumes. */
import type {Container, KubeObject, Volume} from '../../../engine/index.js';
import {Writer, annotations, header, labels, type DescribeSource} from './writer.js';
import {since} from '../time-format.js';

export function describeClaim(w: Writer, claim: KubeObject, source: DescribeSource): void {
	const spec = claim.spec ?? {};
	const status = claim.status ?? {};
	header(w, claim);
	w.line(0, 'StorageClass:', spec.storageClassName ?? '');
	w.line(0, 'Status:', claim.metadata.deletionTimestamp ? `Terminating (lasts ${since(claim.metadata.deletionTimestamp, source.now())})` : status.phase ?? 'Pending');
	w.line(0, 'Volume:', spec.volumeName ?? '');
	labels(w, 0, 'Labels', claim.metadata.labels);
	annotations(w, 0, claim.metadata.annotations);
	w.line(0, 'Finalizers:', `[${(claim.metadata.finalizers ?? []).join(' ')}]`);
	w.line(0, 'Capacity:', status.capacity?.storage ?? '');
	w.line(0, 'Access Modes:', (status.accessModes ?? []).join(','));
	w.line(0, 'VolumeMode:', spec.volumeMode ?? 'Filesystem');
	const users = source.list('Pod', {namespace: claim.metadata.namespace})
		.filter(pod => (pod.spec?.volumes ?? []).some((v: Volume) => v.persistentVolumeClaim?.claimName === claim.metadata.name))
		.map(pod => pod.metadata.name);
	if (users.length === 0) w.line(0, 'Used By:', '<none>');
	users.forEach((name, i) => w.line(0, i === 0 ? 'Used By:' : '', name));
}

export function describeVolume(w: Writer, volume: KubeObject): void {
	const spec = volume.spec ?? {};
	const status = volume.status ?? {};
	w.line(0, 'Name:', volume.metadata.name);
	labels(w, 0, 'Labels', volume.metadata.labels);
	annotations(w, 0, volume.metadata.annotations);
	w.line(0, 'Finalizers:', `[${(volume.metadata.finalizers ?? []).join(' ')}]`);
	w.line(0, 'StorageClass:', spec.storageClassName ?? '');
	w.line(0, 'Status:', status.phase ?? 'Pending');
	w.line(0, 'Claim:', spec.claimRef ? `${spec.claimRef.namespace}/${spec.claimRef.name}` : '');
	w.line(0, 'Reclaim Policy:', spec.persistentVolumeReclaimPolicy ?? 'Retain');
	w.line(0, 'Access Modes:', (spec.accessModes ?? []).join(','));
	w.line(0, 'VolumeMode:', spec.volumeMode ?? 'Filesystem');
	w.line(0, 'Capacity:', spec.capacity?.storage ?? '');
	w.line(0, 'Node Affinity:', spec.nodeAffinity ? 'Required Terms' : '<none>');
	w.line(0, 'Message:', status.message ?? '');
	w.line(0, 'Source:');
	if (spec.hostPath) {
		w.line(1, 'Type:', 'HostPath (bare host directory volume)');
		w.line(1, 'Path:', spec.hostPath.path);
	} else if (spec.local) {
		w.line(1, 'Type:', 'LocalVolume (a persistent volume backed by local storage on a node)');
		w.line(1, 'Path:', spec.local.path);
	} else if (spec.csi) {
		w.line(1, 'Type:', 'CSI (a Container Storage Interface (CSI) volume source)');
		w.line(1, 'Driver:', spec.csi.driver);
		w.line(1, 'VolumeHandle:', spec.csi.volumeHandle);
	}
}

