/**
 * Table printers of the RBAC kinds and CustomResourceDefinitions (upstream
 * printers.go and the apiextensions server's default convertor), and of
 * custom objects: Name, then the definition's additionalPrinterColumns (Age
 * when it lists none), each cell found by the column's JSONPath.
 */
import {parseColumnPath, readColumnPath, type KubeObject} from '../engine/index.js';
import {column, humanDuration, since, type Cell, type Column, type Printer} from './tables.js';

const nameColumn = column('Name', 'string', 0, 'name');

/** The default convertor's `Created At`: the creation time in RFC 3339, UTC. */
const createdAt: Column = {...column('Created At', 'date'), description: 'Created At'};
const createdAtCell = (o: any) => o.metadata.creationTimestamp ?? '';

function subjectStrings(subjects: any[] | undefined): [string, string, string] {
	const users: string[] = [];
	const groups: string[] = [];
	const accounts: string[] = [];
	for (const subject of subjects ?? []) {
		if (subject.kind === 'ServiceAccount') accounts.push(`${subject.namespace ?? ''}/${subject.name}`);
		else if (subject.kind === 'User') users.push(subject.name);
		else if (subject.kind === 'Group') groups.push(subject.name);
	}
	return [users.join(', '), groups.join(', '), accounts.join(', ')];
}

const binding: Printer = {
	columns: [nameColumn, column('Role'), column('Age'), ...['Users', 'Groups', 'ServiceAccounts'].map(n => column(n, 'string', 1))],
	row: (o, now) => [o.metadata.name, `${o.roleRef?.kind}/${o.roleRef?.name}`, since(o.metadata.creationTimestamp, now), ...subjectStrings(o.subjects)],
};

const createdPrinter: Printer = {columns: [nameColumn, createdAt], row: o => [o.metadata.name, createdAtCell(o)]};

export const rbacPrinters: Record<string, Printer> = {
	Role: createdPrinter,
	ClusterRole: createdPrinter,
	RoleBinding: binding,
	ClusterRoleBinding: binding,
	CustomResourceDefinition: createdPrinter,
};

type CustomColumn = {name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string};

function cellFor(column: CustomColumn, value: unknown, now: number): Cell {
	if (value === undefined || value === null) return null;
	switch (column.type) {
		case 'date': {
			if (typeof value !== 'string') return null;
			const at = Date.parse(value);
			return Number.isNaN(at) ? '<invalid>' : humanDuration(now - at);
		}
		case 'integer': return typeof value === 'number' ? Math.trunc(value) : null;
		case 'number': return typeof value === 'number' ? value : null;
		case 'boolean': return typeof value === 'boolean' ? value : null;
		default: return typeof value === 'object' ? JSON.stringify(value) : String(value);
	}
}

/** The printer of a custom kind from its definition's storage version. */
export function customPrinter(definition: KubeObject | undefined, version: string): Printer {
	const spec = (definition?.spec ?? {}) as {versions?: Array<{name: string; additionalPrinterColumns?: CustomColumn[]}>};
	const declared = spec.versions?.find(v => v.name === version)?.additionalPrinterColumns;
	const custom: CustomColumn[] = declared?.length ? declared : [{name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp'}];
	const paths = custom.map(c => parseColumnPath(c.jsonPath));
	return {
		columns: [nameColumn, ...custom.map(c => ({name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0}))],
		row: (o, now) => [o.metadata.name, ...custom.map((c, i) => (paths[i] ? cellFor(c, readColumnPath(o, paths[i]), now) : null))],
	};
}
