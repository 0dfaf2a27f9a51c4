/** PersistentVolumes, PersistentVolumeClaims and StorageClasses, with kubectl's columns. */
import type {KubeObject} from '../../engine/index.js';
import {accessModes, age, ageColumn, nameColumn, orNone, terminating, type ColumnSet, type RowStatus} from './columns.js';

function phaseHealth(object: KubeObject, okPhase: string): RowStatus {
	if (terminating(object)) return 'terminating';
	const phase = object.status?.phase;
	if (phase === okPhase) return 'normal';
	if (phase === 'Pending' || phase === 'Available' || phase === 'Released') return 'pending';
	if (phase === 'Failed' || phase === 'Lost') return 'error';
	return 'normal';
}

export const persistentVolumeColumns: ColumnSet = {
	kind: 'PersistentVolume',
	columns: [
		nameColumn,
		{name: 'CAPACITY'},
		{name: 'ACCESS MODES'},
		{name: 'RECLAIM POLICY'},
		{name: 'STATUS', sortKey: 's'},
		{name: 'CLAIM', ellipsis: 'middle'},
		{name: 'STORAGECLASS'},
		{name: 'REASON'},
		{name: 'VOLUMEMODE', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const spec = object.spec ?? {};
		const claim = spec.claimRef ? `${spec.claimRef.namespace}/${spec.claimRef.name}` : '';
		return {
			cells: [
				object.metadata.name,
				spec.capacity?.storage ?? '',
				accessModes(spec.accessModes),
				spec.persistentVolumeReclaimPolicy ?? 'Retain',
				object.status?.phase ?? 'Pending',
				claim,
				spec.storageClassName ?? '',
				object.status?.reason ?? '',
				spec.volumeMode ?? 'Filesystem',
				ageText,
			],
			sort: [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health: object => phaseHealth(object, 'Bound'),
};

export const persistentVolumeClaimColumns: ColumnSet = {
	kind: 'PersistentVolumeClaim',
	columns: [
		nameColumn,
		{name: 'STATUS', sortKey: 's'},
		{name: 'VOLUME', ellipsis: 'middle'},
		{name: 'CAPACITY'},
		{name: 'ACCESS MODES'},
		{name: 'STORAGECLASS'},
		{name: 'VOLUMEMODE', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const spec = object.spec ?? {};
		const bound = object.status?.phase === 'Bound';
		return {
			cells: [
				object.metadata.name,
				object.status?.phase ?? 'Pending',
				spec.volumeName ?? '',
				bound ? (object.status?.capacity?.storage ?? '') : '',
				bound ? accessModes(object.status?.accessModes) : '',
				orNone(spec.storageClassName),
				spec.volumeMode ?? 'Filesystem',
				ageText,
			],
			sort: [undefined, undefined, undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health: object => phaseHealth(object, 'Bound'),
};

export const storageClassColumns: ColumnSet = {
	kind: 'StorageClass',
	columns: [nameColumn, {name: 'PROVISIONER'}, {name: 'RECLAIMPOLICY'}, {name: 'VOLUMEBINDINGMODE'}, {name: 'ALLOWVOLUMEEXPANSION'}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const isDefault = object.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
		return {
			cells: [
				isDefault ? `${object.metadata.name} (default)` : object.metadata.name,
				String(object['provisioner'] ?? ''),
				String(object['reclaimPolicy'] ?? 'Delete'),
				String(object['volumeBindingMode'] ?? 'Immediate'),
				object['allowVolumeExpansion'] ? 'true' : 'false',
				ageText,
			],
			sort: [undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health: object => (terminating(object) ? 'terminating' : 'normal'),
};
