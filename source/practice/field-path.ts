/**
 * Field paths as scenarios write them: dotted names, list indexes and list
 * filters, e.g. `status.containerStatuses[0].state.waiting.reason` or
 * `status.conditions[type=Ready].status` (jsonpath's `[?(@.type=="Ready")]`
 * in a shorter spelling); a name with dots in it is quoted in brackets:
 * `spec.hard['requests.cpu']`. Reading follows the path; writing creates what is
 * missing on the way.
 */

/** One step of a path: a field name, a list index, or a list element whose `key` field equals `value`. */
export type PathPart = {field: string} | {index: number} | {key: string; value: string};

const partPattern = /^([A-Za-z_$][\w$-]*)?((?:\[[^\]]*\])*)$/;

/** Parse a path; throws an Error naming what is wrong. */
export function parsePath(path: string): PathPart[] {
	if (typeof path !== 'string' || path.trim() === '') throw new Error('a field path must be a non-empty string such as status.phase');
	const parts: PathPart[] = [];
	for (const segment of splitDots(path)) {
		const match = partPattern.exec(segment);
		if (!match || (!match[1] && !match[2])) throw new Error(`"${path}": "${segment}" is not a field name, an index [0] or a filter [type=Ready]`);
		if (match[1]) parts.push({field: match[1]});
		for (const bracket of match[2]!.match(/\[[^\]]*\]/g) ?? []) {
			const inner = bracket.slice(1, -1);
			const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
			if (quoted) parts.push({field: quoted[1] ?? quoted[2]!});
			else if (/^\d+$/.test(inner)) parts.push({index: Number(inner)});
			else {
				const at = inner.indexOf('=');
				if (at <= 0) throw new Error(`"${path}": "${bracket}" must be an index [0], a filter [key=value] or a quoted name ['a.b']`);
				parts.push({key: inner.slice(0, at), value: inner.slice(at + 1)});
			}
		}
	}
	return parts;
}

/** Split on dots outside brackets (a filter value may hold dots: `[name=app.conf]`). */
function splitDots(path: string): string[] {
	const out: string[] = [];
	let depth = 0;
	let current = '';
	for (const char of path) {
		if (char === '[') depth++;
		if (char === ']') depth--;
		if (char === '.' && depth === 0) {
			out.push(current);
			current = '';
		} else current += char;
	}
	out.push(current);
	return out;
}

/** The value at `path`, or undefined when any step is missing. */
export function readPath(object: unknown, path: string | PathPart[]): unknown {
	let value: unknown = object;
	for (const part of typeof path === 'string' ? parsePath(path) : path) {
		if (value === undefined || value === null) return undefined;
		if ('field' in part) value = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[part.field] : undefined;
		else if ('index' in part) value = Array.isArray(value) ? value[part.index] : undefined;
		else value = Array.isArray(value) ? value.find(item => String((item as Record<string, unknown> | null)?.[part.key]) === part.value) : undefined;
	}
	return value;
}

/**
 * Set the value at `path` in a plain-data object (a copy the caller owns);
 * `undefined` removes the field or list element. Missing objects on the way
 * are created; a list filter that matches nothing appends `{key: value}`.
 */
export function writePath(object: Record<string, unknown>, path: string, value: unknown): void {
	const parts = parsePath(path);
	let parent: unknown = object;
	for (const [i, part] of parts.entries()) {
		const last = i === parts.length - 1;
		const next = parts[i + 1];
		const fresh = () => (next && !('field' in next) ? [] : {});
		if ('field' in part) {
			if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) throw new Error(`"${path}": ${part.field} is not inside an object`);
			const record = parent as Record<string, unknown>;
			if (last) {
				if (value === undefined) delete record[part.field];
				else record[part.field] = value;
				return;
			}
			if (record[part.field] === undefined || record[part.field] === null) record[part.field] = fresh();
			parent = record[part.field];
			continue;
		}
		if (!Array.isArray(parent)) throw new Error(`"${path}": a list step where there is no list`);
		let at = 'index' in part ? part.index : parent.findIndex(item => String((item as Record<string, unknown> | null)?.[part.key]) === part.value);
		if (at < 0 || at >= parent.length) {
			if (value === undefined && last) return;
			if ('index' in part && at > parent.length) throw new Error(`"${path}": index ${part.index} is past the end of a list of ${parent.length}`);
			parent.push('key' in part ? {[part.key]: part.value} : fresh());
			at = parent.length - 1;
		}
		if (last) {
			if (value === undefined) parent.splice(at, 1);
			else parent[at] = value;
			return;
		}
		parent = parent[at];
	}
}
