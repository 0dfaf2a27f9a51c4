/** Deployments: NAME READY UP-TO-DATE AVAILABLE AGE. */
import type {Deployment} from '../../engine/index.js';
import {age, ageColumn, labelsText, nameColumn, terminating, type ColumnSet} from './columns.js';

export const deploymentColumns: ColumnSet = {
	kind: 'Deployment',
	nameFromMetadata: true,
	columns: [
		nameColumn,
		{name: 'READY', sortKey: 'r'},
		{name: 'UP-TO-DATE', numeric: true, align: 'right'},
		{name: 'AVAILABLE', numeric: true, align: 'right'},
		{name: 'CONTAINERS', wide: true},
		{name: 'IMAGES', wide: true},
		{name: 'LABELS', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const d = object as Deployment;
		const [ageText, ageMs] = age(object, now);
		const s = d.status ?? {};
		const containers = d.spec?.template?.spec?.containers ?? [];
		return {
			cells: [
				d.metadata.name,
				`${s.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
				String(s.updatedReplicas ?? 0),
				String(s.availableReplicas ?? 0),
				containers.map(c => c.name).join(','),
				containers.map(c => c.image).join(','),
				labelsText(d.metadata.labels),
				ageText,
			],
			sort: [undefined, undefined, s.updatedReplicas ?? 0, s.availableReplicas ?? 0, undefined, undefined, undefined, ageMs],
		};
	},
	health(object) {
		const d = object as Deployment;
		if (terminating(d)) return 'terminating';
		const conditions = d.status?.conditions ?? [];
		if (conditions.some(c => (c.type === 'Progressing' && c.status === 'False') || (c.type === 'ReplicaFailure' && c.status === 'True'))) return 'error';
		const desired = d.spec?.replicas ?? 0;
		if ((d.status?.availableReplicas ?? 0) < desired || (d.status?.updatedReplicas ?? 0) < desired || (d.status?.replicas ?? 0) > desired) return 'pending';
		return 'normal';
	},
};
