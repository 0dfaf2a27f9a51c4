/**
 * The simple JSONPath of a CustomResourceDefinition's printer columns, as
 * the API server's Table and k9s read them: fields (`.spec.replicas`,
 * `['a.b']`), indexes (`[0]`) and equality filters
 * (`.status.conditions[?(@.type=="Ready")].status`), with or without braces.
 */
export type ColumnPath = Array<{field: string} | {index: number} | {filter: {path: string[]; value: string}}>;

/** The path's steps, or undefined when it is not a path of that form. */
export function parseColumnPath(path: string): ColumnPath | undefined {
	const text = path.trim().replace(/^\{(.*)\}$/, '$1');
	const steps: ColumnPath = [];
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

/** The value at `steps` in `object`; undefined where the path leads nowhere. */
export function readColumnPath(object: unknown, steps: ColumnPath | undefined): unknown {
	if (!steps) return undefined;
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
