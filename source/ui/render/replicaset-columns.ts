/** ReplicaSets: NAME DESIRED CURRENT READY AGE. */
import type {ReplicaSet} from '../../engine/index.js';
import {age, ageColumn, nameColumn, terminating, type ColumnSet} from './columns.js';

export const replicaSetColumns: ColumnSet = {
	kind: 'ReplicaSet',
	nameFromMetadata: true,
	columns: [
		nameColumn,
		{name: 'DESIRED', numeric: true, align: 'right'},
		{name: 'CURRENT', numeric: true, align: 'right'},
		{name: 'READY', numeric: true, align: 'right', sortKey: 'r'},
		{name: 'CONTAINERS', wide: true},
		{name: 'IMAGES', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const rs = object as ReplicaSet;
		const [ageText, ageMs] = age(object, now);
		const desired = rs.spec?.replicas ?? 0;
		const current = rs.status?.replicas ?? 0;
		const ready = rs.status?.readyReplicas ?? 0;
		const containers = rs.spec?.template?.spec?.containers ?? [];
		return {
			cells: [rs.metadata.name, String(desired), String(current), String(ready), containers.map(c => c.name).join(','), containers.map(c => c.image).join(','), ageText],
			sort: [undefined, desired, current, ready, undefined, undefined, ageMs],
		};
	},
	health(object) {
		const rs = object as ReplicaSet;
		if (terminating(rs)) return 'terminating';
		if ((rs.status?.conditions ?? []).some(c => c.type === 'ReplicaFailure' && c.status === 'True')) return 'error';
		if ((rs.status?.readyReplicas ?? 0) < (rs.spec?.replicas ?? 0) || (rs.status?.replicas ?? 0) !== (rs.spec?.replicas ?? 0)) return 'pending';
		return 'normal';
	},
};
