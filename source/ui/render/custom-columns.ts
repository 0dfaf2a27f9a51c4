/**
 * Custom objects as k9s shows a CRD's kind (the server's Table through its
 * generic browser): NAME, then the definition's additionalPrinterColumns of
 * the storage version (priority > 0 only with wide on), AGE when it lists none.
 */
import {parseColumnPath, readColumnPath, type KubeObject} from '../../engine/index.js';
import {age, ageColumn, humanDuration, nameColumn, terminating, timeOf, type Column, type ColumnSet} from './columns.js';

type PrinterColumn = {name: string; type: string; priority?: number; jsonPath: string};

function cellText(column: PrinterColumn, value: unknown, now: number): string {
	if (value === undefined || value === null) return '<none>';
	if (column.type === 'date') {
		const at = typeof value === 'string' ? timeOf(value) : undefined;
		return at === undefined ? '<invalid>' : humanDuration(now - at);
	}
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const cache = new WeakMap<KubeObject, ColumnSet>();

/** The column set of a custom kind, from its CustomResourceDefinition (cached per stored definition). */
export function customColumnSet(definition: KubeObject): ColumnSet {
	const cached = cache.get(definition);
	if (cached) return cached;
	const spec = (definition.spec ?? {}) as {names?: {kind?: string}; versions?: Array<{storage?: boolean; additionalPrinterColumns?: PrinterColumn[]}>};
	const declared = (spec.versions ?? []).find(v => v.storage)?.additionalPrinterColumns ?? [];
	const custom = declared.filter(c => !(c.type === 'date' && c.jsonPath.trim() === '.metadata.creationTimestamp'));
	const paths = custom.map(c => parseColumnPath(c.jsonPath));
	const hasAge = declared.length === 0 || declared.length !== custom.length;
	const columns: Column[] = [nameColumn, ...custom.map(c => ({
		name: c.name.toUpperCase(),
		...(c.priority ? {wide: true} : {}),
		...(c.type === 'integer' || c.type === 'number' ? {numeric: true, align: 'right' as const} : {}),
		...(c.type === 'date' ? {live: (object: KubeObject, {now}: {now: number}) => cellText(c, readColumnPath(object, paths[custom.indexOf(c)]), now)} : {}),
	})), ...(hasAge ? [ageColumn] : [])];
	const set: ColumnSet = {
		kind: spec.names?.kind ?? definition.metadata.name,
		columns,
		row(object, {now}) {
			const [ageText, ageMs] = age(object, now);
			const values = custom.map((c, i) => readColumnPath(object, paths[i]));
			return {
				cells: [object.metadata.name, ...custom.map((c, i) => cellText(c, values[i], now)), ...(hasAge ? [ageText] : [])],
				sort: [undefined, ...custom.map((c, i) => (typeof values[i] === 'number' ? values[i] as number : undefined)), ...(hasAge ? [ageMs] : [])],
			};
		},
		health: object => (terminating(object) ? 'terminating' : 'normal'),
	};
	cache.set(definition, set);
	return set;
}
