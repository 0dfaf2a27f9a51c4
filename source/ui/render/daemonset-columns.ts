/** DaemonSets: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE AGE. */
import type {KubeObject} from '../../engine/index.js';
import {age, ageColumn, nameColumn, terminating, type ColumnSet} from './columns.js';

export const daemonSetColumns: ColumnSet = {
	kind: 'DaemonSet',
	columns: [
		nameColumn,
		{name: 'DESIRED', numeric: true, align: 'right'},
		{name: 'CURRENT', numeric: true, align: 'right'},
		{name: 'READY', numeric: true, align: 'right', sortKey: 'r'},
		{name: 'UP-TO-DATE', numeric: true, align: 'right'},
		{name: 'AVAILABLE', numeric: true, align: 'right'},
		{name: 'NODE SELECTOR', wide: true},
		ageColumn,
	],
	row(object: KubeObject, {now}) {
		const [ageText, ageMs] = age(object, now);
		const s = object.status ?? {};
		const values = [s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0] as number[];
		const selector = Object.entries(object.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(',');
		return {
			cells: [object.metadata.name, ...values.map(String), selector || '<none>', ageText],
			sort: [undefined, ...values, undefined, ageMs],
		};
	},
	health(object) {
		if (terminating(object)) return 'terminating';
		const s = object.status ?? {};
		if ((s.numberReady ?? 0) < (s.desiredNumberScheduled ?? 0)) return 'pending';
		return 'normal';
	},
};
