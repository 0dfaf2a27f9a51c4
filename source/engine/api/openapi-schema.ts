import type {FieldError} from '../errors.js';

/**
 * A CustomResourceDefinition's structural openAPIV3Schema applied to a
 * custom object as the API server applies it: unknown fields pruned
 * (`apiserver/schema/pruning`), defaults filled (`apiserver/schema/defaulting`),
 * then the object validated (kube-openapi's validator, its errors turned into
 * field errors as `kubeOpenAPIResultToFieldErrors` does). Pure functions over
 * plain JSON.
 */

export type JSONSchemaProps = {
	type?: string;
	properties?: Record<string, JSONSchemaProps>;
	additionalProperties?: JSONSchemaProps | boolean;
	items?: JSONSchemaProps;
	required?: string[];
	enum?: unknown[];
	minimum?: number;
	maximum?: number;
	exclusiveMinimum?: boolean;
	exclusiveMaximum?: boolean;
	minLength?: number;
	maxLength?: number;
	pattern?: string;
	minItems?: number;
	maxItems?: number;
	minProperties?: number;
	maxProperties?: number;
	multipleOf?: number;
	nullable?: boolean;
	default?: unknown;
	format?: string;
	description?: string;
	'x-kubernetes-preserve-unknown-fields'?: boolean;
	'x-kubernetes-int-or-string'?: boolean;
	'x-kubernetes-embedded-resource'?: boolean;
	[other: string]: unknown;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Remove the fields the schema does not declare, in place; returns their
 * paths (`spec.foo`). At the root (and in embedded resources) apiVersion,
 * kind and metadata are kept.
 */
export function pruneUnknown(value: unknown, schema: JSONSchemaProps | undefined, path = '', root = true): string[] {
	const pruned: string[] = [];
	if (!schema) return pruned;
	if (Array.isArray(value)) {
		value.forEach((item, i) => pruned.push(...pruneUnknown(item, schema.items, `${path}[${i}]`, false)));
		return pruned;
	}
	if (!isObject(value)) return pruned;
	const keepMeta = root || schema['x-kubernetes-embedded-resource'];
	for (const key of Object.keys(value)) {
		if (keepMeta && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
		const child = schema.properties?.[key];
		if (child) {
			pruned.push(...pruneUnknown(value[key], child, join(path, key), false));
			continue;
		}
		if (isObject(schema.additionalProperties)) {
			pruned.push(...pruneUnknown(value[key], schema.additionalProperties, join(path, key), false));
			continue;
		}
		if (schema.additionalProperties === true || schema['x-kubernetes-preserve-unknown-fields']) continue;
		delete value[key];
		pruned.push(join(path, key));
	}
	return pruned;
}

/** Fill in the schema's defaults for absent (or null, non-nullable) fields, in place. */
export function applySchemaDefaults(value: unknown, schema: JSONSchemaProps | undefined): void {
	if (!schema) return;
	if (Array.isArray(value)) {
		for (const item of value) applySchemaDefaults(item, schema.items);
		return;
	}
	if (!isObject(value)) return;
	for (const [key, child] of Object.entries(schema.properties ?? {})) {
		const absent = !(key in value) || (value[key] === null && !child.nullable);
		if (absent && child.default !== undefined) value[key] = structuredClone(child.default);
		applySchemaDefaults(value[key], child);
	}
	if (isObject(schema.additionalProperties)) {
		for (const key of Object.keys(value)) if (!schema.properties?.[key]) applySchemaDefaults(value[key], schema.additionalProperties);
	}
}

/** The JSON type name kube-openapi reports for a value of the wrong type. */
function typeName(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

function hasType(value: unknown, schema: JSONSchemaProps): boolean {
	if (value === null) return !!schema.nullable;
	if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
	switch (schema.type) {
		case 'object': return isObject(value);
		case 'array': return Array.isArray(value);
		case 'string': return typeof value === 'string';
		case 'integer': return Number.isInteger(value);
		case 'number': return typeof value === 'number';
		case 'boolean': return typeof value === 'boolean';
		default: return true;
	}
}

/** A float64 as Go's `%v` prints it (`1`, `0.5`, `1e+06`). */
export function goFloat(n: number): string {
	if (n === 0 || !Number.isFinite(n)) return String(n);
	const exp = Math.floor(Math.log10(Math.abs(n)));
	if (exp < -4 || exp >= 21 || (exp >= 6 && Number.isInteger(n))) {
		const [mantissa, power] = n.toExponential().split('e');
		const sign = power!.startsWith('-') ? '-' : '+';
		const digits = power!.replace(/^[+-]/, '');
		return `${mantissa}e${sign}${digits.padStart(2, '0')}`;
	}
	return String(n);
}

/** Go's `%q` of a string (close enough: JSON quoting). */
const quote = (text: string) => JSON.stringify(text);

/** Validate a value against its schema; field errors as the API server renders them, under `path`. */
export function validateAgainstSchema(value: unknown, schema: JSONSchemaProps | undefined, path = ''): FieldError[] {
	if (!schema) return [];
	const errors: FieldError[] = [];
	const name = path || '.';
	if (value === undefined) return errors;
	if ((schema.type || schema['x-kubernetes-int-or-string']) && !hasType(value, schema)) {
		const wanted = schema['x-kubernetes-int-or-string'] ? 'integer,string' : schema.type!;
		const actual = typeName(value);
		return [{field: path, type: 'Invalid value', value: actual, detail: `${name} in body must be of type ${wanted}: ${quote(actual)}`}];
	}
	if (value === null) return errors;
	if (schema.enum && !schema.enum.some(allowed => JSON.stringify(allowed) === JSON.stringify(value))) {
		const supported = schema.enum.map(v => quote(typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
		errors.push({field: path, type: 'Unsupported value', value, detail: `supported values: ${supported}`});
	}
	if (typeof value === 'number') {
		if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
			errors.push({field: path, type: 'Invalid value', value, detail: `${name} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${goFloat(schema.minimum)}`});
		}
		if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
			errors.push({field: path, type: 'Invalid value', value, detail: `${name} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${goFloat(schema.maximum)}`});
		}
		if (schema.multipleOf !== undefined && schema.multipleOf > 0 && !Number.isInteger(value / schema.multipleOf)) {
			errors.push({field: path, type: 'Invalid value', value, detail: `${name} in body should be a multiple of ${goFloat(schema.multipleOf)}`});
		}
	}
	if (typeof value === 'string') {
		const length = [...value].length;
		if (schema.maxLength !== undefined && length > schema.maxLength) {
			errors.push({field: path, type: 'Too long', detail: `may not be more than ${schema.maxLength} ${schema.maxLength === 1 ? 'byte' : 'bytes'}`});
		}
		if (schema.minLength !== undefined && length < schema.minLength) {
			errors.push({field: path, type: 'Invalid value', value, detail: `${name} in body should be at least ${schema.minLength} chars long`});
		}
		if (schema.pattern !== undefined && !patternMatches(schema.pattern, value)) {
			errors.push({field: path, type: 'Invalid value', value, detail: `${name} in body should match '${schema.pattern}'`});
		}
	}
	if (Array.isArray(value)) {
		if (schema.maxItems !== undefined && value.length > schema.maxItems) {
			errors.push({field: path, type: 'Too many', value: value.length, detail: `must have at most ${schema.maxItems} items`});
		}
		if (schema.minItems !== undefined && value.length < schema.minItems) {
			errors.push({field: path, type: 'Invalid value', value: value.length, detail: `${name} in body should have at least ${schema.minItems} items`});
		}
		value.forEach((item, i) => errors.push(...validateAgainstSchema(item, schema.items, `${path}[${i}]`)));
	}
	if (isObject(value)) {
		const count = Object.keys(value).length;
		if (schema.maxProperties !== undefined && count > schema.maxProperties) {
			errors.push({field: path, type: 'Too many', value: count, detail: `must have at most ${schema.maxProperties} items`});
		}
		if (schema.minProperties !== undefined && count < schema.minProperties) {
			errors.push({field: path, type: 'Invalid value', value: count, detail: `${name} in body should have at least ${schema.minProperties} properties`});
		}
		for (const key of schema.required ?? []) {
			if (!(key in value) || value[key] === undefined) errors.push({field: join(path, key), type: 'Required value', detail: ''});
		}
		for (const key of Object.keys(value).sort()) {
			const child = schema.properties?.[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
			if (child) errors.push(...validateAgainstSchema(value[key], child, join(path, key)));
		}
	}
	return errors;
}

const patterns = new Map<string, RegExp | undefined>();

/** ECMA 262 patterns, as the API server reads them; one that does not compile matches nothing. */
function patternMatches(pattern: string, value: string): boolean {
	if (!patterns.has(pattern)) {
		let compiled: RegExp | undefined;
		try {
			compiled = new RegExp(pattern, 'u');
		} catch {
			compiled = undefined;
		}
		patterns.set(pattern, compiled);
	}
	return patterns.get(pattern)?.test(value) ?? false;
}

/**
 * The structural-schema rules the API server checks on a CRD's schema
 * (`apiserver/schema/validation.go`), the common ones: a type at the root
 * and on every property, and items for arrays. Returns field errors under `path`.
 */
export function validateStructural(schema: JSONSchemaProps | undefined, path: string, root = true): FieldError[] {
	const errors: FieldError[] = [];
	if (!isObject(schema)) return errors;
	const intOrString = schema['x-kubernetes-int-or-string'];
	const preserve = schema['x-kubernetes-preserve-unknown-fields'];
	if (!schema.type && !intOrString && !preserve) {
		errors.push({field: `${path}.type`, type: 'Required value', detail: root ? 'must not be empty at the root' : 'must not be empty for specified object fields'});
	}
	if (root && schema.type && schema.type !== 'object') {
		errors.push({field: `${path}.type`, type: 'Invalid value', value: schema.type, detail: 'must be object at the root'});
	}
	if (schema.type && !['object', 'array', 'string', 'integer', 'number', 'boolean'].includes(schema.type)) {
		errors.push({field: `${path}.type`, type: 'Unsupported value', value: schema.type, detail: 'supported values: "array", "boolean", "integer", "number", "object", "string"'});
	}
	if (schema.type === 'array' && !schema.items) errors.push({field: `${path}.items`, type: 'Required value', detail: 'must be specified'});
	if (schema.pattern !== undefined) {
		try {
			new RegExp(schema.pattern, 'u');
		} catch (error) {
			errors.push({field: `${path}.pattern`, type: 'Invalid value', value: schema.pattern, detail: `must be a valid regular expression, but isn't: ${(error as Error).message}`});
		}
	}
	for (const [key, child] of Object.entries(schema.properties ?? {})) errors.push(...validateStructural(child, `${path}.properties[${key}]`, false));
	if (isObject(schema.items)) errors.push(...validateStructural(schema.items, `${path}.items`, false));
	if (isObject(schema.additionalProperties)) errors.push(...validateStructural(schema.additionalProperties, `${path}.additionalProperties`, false));
	return errors;
}
