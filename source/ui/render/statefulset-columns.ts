/** StatefulSets: NAME READY SERVICE AGE (k9s), containers and images wide. */
import type {KubeObject} from '../../engine/index.js';
import {age, ageColumn, nameColumn, orNone, terminating, type ColumnSet} from './columns.js';

export const statefulSetColumns: ColumnSet = {
	kind: 'StatefulSet',
	columns: [
		nameColumn,
		{name: 'READY', sortKey: 'r'},
		{name: 'SERVICE'},
		{name: 'CONTAINERS', wide: true},
		{name: 'IMAGES', wide: true},
		ageColumn,
	],
	row(object: KubeObject, {now}) {
		const [ageText, ageMs] = age(object, now);
		const containers: Array<{name: string; image: string}> = object.spec?.template?.spec?.containers ?? [];
		return {
			cells: [
				object.metadata.name,
				`${object.status?.readyReplicas ?? 0}/${object.spec?.replicas ?? 0}`,
				orNone(object.spec?.serviceName),
				containers.map(c => c.name).join(','),
				containers.map(c => c.image).join(','),
				ageText,
			],
			sort: [undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health(object) {
		if (terminating(object)) return 'terminating';
		const desired = object.spec?.replicas ?? 0;
		if ((object.status?.readyReplicas ?? 0) < desired || (object.status?.replicas ?? 0) !== desired) return 'pending';
		return 'normal';
	},
};
