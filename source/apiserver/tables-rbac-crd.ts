/**
 * Table printers of the RBAC kinds and CustomResourceDefinitions (upstream
 * printers.go and the apiextensions server's default convertor), and of
 * custom objects: Name, then the definition's additionalPrinterColumns (Age
 * when it lists none), each cell found by the column's JSONPath.
 */
import type {KubeObject} from '../engine/index.js';
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

type Step = {field: string} | {index: number} | {filter: {path: string[]; value: string}};

/** The simple JSONPath of a printer column (`.spec.replicas`, `.status.conditions[?(@.type=="Ready")].status`, `.items[0]`). */
export function parseColumnPath(path: string): Step[] | undefined {
	const text = path.trim().replace(/^\{(.*)\}$/, '$1');
	const steps: Step[] = [];
	const pattern = /\.([A-Za-z0-9_-]+)|\['([^']+)'\]|\[(\d+)\]|\[\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*==\s*["']([^"']*)["']\)\]/y;
	let at = 0;
	while (at < text.length) {
		pattern.lastIndex = at;
		const match = pattern.exec(text);
		if (!match) return undefined;
		if (match[1] !== undefined || match[2] !== undefined) steps.push({field: (match[1] ?? match[2])!});
		else if (match[3] !== undefined) steps.push({index: Number(match[3])});
		else steps.push({filter: {path: match[4]!.slice(1).split('.'), value: match[5]!}});
		at = pattern.lastIndex;
	}
	return steps;
}

function evaluate(object: unknown, steps: Step[]): unknown {
	let value: unknown = object;
	for (const step of steps) {
		if (value === undefined || value === null) return undefined;
		if ('field' in step) value = (value as Record<string, unknown>)[step.field];
		else if ('index' in step) value = Array.isArray(value) ? value[step.index] : undefined;
		else {
			if (!Array.isArray(value)) return undefined;
			value = value.find(item => String(step.filter.path.reduce<any>((v, key) => v?.[key], item)) === step.filter.value);
		}
	}
	return value;
}

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
		row: (o, now) => [o.metadata.name, ...custom.map((c, i) => (paths[i] ? cellFor(c, evaluate(o, paths[i]!), now) : null))],
	};
}
