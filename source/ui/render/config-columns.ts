/** ConfigMaps: NAME DATA AGE; Secrets: NAME TYPE DATA AGE; Namespaces: NAME STATUS AGE. */
import type {KubeObject} from '../../engine/index.js';
import {age, ageColumn, labelsText, nameColumn, terminating, type ColumnSet} from './columns.js';

function dataCount(object: KubeObject): number {
	const data = object['data'] as Record<string, unknown> | undefined;
	const binary = object['binaryData'] as Record<string, unknown> | undefined;
	const stringData = object['stringData'] as Record<string, unknown> | undefined;
	return Object.keys(data ?? {}).length + Object.keys(binary ?? {}).length + Object.keys(stringData ?? {}).length;
}

export const configMapColumns: ColumnSet = {
	kind: 'ConfigMap',
	columns: [nameColumn, {name: 'DATA', numeric: true, align: 'right'}, {name: 'LABELS', wide: true}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const count = dataCount(object);
		return {cells: [object.metadata.name, String(count), labelsText(object.metadata.labels), ageText], sort: [undefined, count, undefined, ageMs]};
	},
	health: object => (terminating(object) ? 'terminating' : 'normal'),
};

export const secretColumns: ColumnSet = {
	kind: 'Secret',
	columns: [nameColumn, {name: 'TYPE'}, {name: 'DATA', numeric: true, align: 'right'}, {name: 'LABELS', wide: true}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const count = dataCount(object);
		return {
			cells: [object.metadata.name, String(object['type'] ?? 'Opaque'), String(count), labelsText(object.metadata.labels), ageText],
			sort: [undefined, undefined, count, undefined, ageMs],
		};
	},
	health: object => (terminating(object) ? 'terminating' : 'normal'),
};

export const namespaceColumns: ColumnSet = {
	kind: 'Namespace',
	columns: [nameColumn, {name: 'STATUS', sortKey: 's'}, {name: 'LABELS', wide: true}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		return {cells: [object.metadata.name, String(object.status?.phase ?? 'Active'), labelsText(object.metadata.labels), ageText], sort: [undefined, undefined, undefined, ageMs]};
	},
	health: object => (terminating(object) || object.status?.phase === 'Terminating' ? 'terminating' : 'normal'),
};
