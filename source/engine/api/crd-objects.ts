import type {FieldError} from '../errors.js';
import type {KubeObject} from './types.js';
import type {ResourceType} from './registry.js';
import {defaulters} from './defaults.js';
import {validators} from './validate-kinds.js';
import {validateDNS1035Label, validateDNS1123Subdomain} from './validate-metadata.js';
import {validateStructural, type JSONSchemaProps} from './openapi-schema.js';

/**
 * CustomResourceDefinition (apiextensions.k8s.io/v1): its types, the API
 * server's defaulting and validation (`apiextensions/validation`), and the
 * resource type an established definition serves.
 */

export const crdGroup = 'apiextensions.k8s.io';
/** The finalizer the API server puts on a deleted definition until its objects are gone. */
export const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

export type PrinterColumn = {name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string};

export type CrdVersion = {
	name: string;
	served: boolean;
	storage: boolean;
	deprecated?: boolean;
	schema?: {openAPIV3Schema?: JSONSchemaProps};
	subresources?: {status?: Record<string, never>; scale?: {specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string}};
	additionalPrinterColumns?: PrinterColumn[];
};

export type CrdNames = {plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[]};

export type CustomResourceDefinition = KubeObject<{
	group: string;
	names: CrdNames;
	scope: string;
	versions: CrdVersion[];
	conversion?: {strategy: string};
	preserveUnknownFields?: boolean;
}, {
	conditions?: Array<{type: string; status: string; reason: string; message: string; lastTransitionTime: string}>;
	acceptedNames?: CrdNames;
	storedVersions?: string[];
}>;

defaulters.set('CustomResourceDefinition', object => {
	const crd = object as CustomResourceDefinition;
	const spec = crd.spec;
	if (typeof spec !== 'object' || spec === null) return object;
	const names = typeof spec.names === 'object' && spec.names !== null ? {...spec.names} : spec.names;
	if (names && typeof names.kind === 'string' && names.kind) {
		names.singular ||= names.kind.toLowerCase();
		names.listKind ||= `${names.kind}List`;
	}
	return {...crd, spec: {...spec, names, conversion: spec.conversion ?? {strategy: 'None'}}};
});

/** The version objects are stored in (the one marked `storage`). */
export function storageVersion(crd: CustomResourceDefinition): CrdVersion | undefined {
	return (crd.spec?.versions ?? []).find(v => v.storage);
}

/** The resource type an established definition serves: its storage version. */
export function customResourceType(crd: CustomResourceDefinition): ResourceType {
	const names = crd.status?.acceptedNames?.kind ? crd.status.acceptedNames : crd.spec!.names;
	return {
		kind: names.kind,
		plural: names.plural,
		singular: names.singular || names.kind.toLowerCase(),
		shortNames: names.shortNames ?? [],
		group: crd.spec!.group,
		version: storageVersion(crd)?.name ?? crd.spec!.versions[0]!.name,
		namespaced: crd.spec!.scope === 'Namespaced',
		nameValidator: 'subdomain',
		definition: crd.metadata.name,
		...(names.categories?.length ? {categories: names.categories} : {}),
		...(storageVersion(crd)?.subresources?.status ? {subresources: ['status']} : {}),
		servedVersions: crd.spec!.versions.filter(v => v.served).map(v => v.name),
	};
}

/** `[]apiextensions.CustomResourceDefinitionVersion{…}`: the start of Go's `%#v` of the versions. */
function goVersions(versions: CrdVersion[]): string {
	const one = (v: CrdVersion) => `apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(v?.name ?? '')}, Served:${Boolean(v?.served)}, Storage:${Boolean(v?.storage)}, ...}`;
	return `[]apiextensions.CustomResourceDefinitionVersion{${versions.map(one).join(', ')}}`;
}

const kindPattern = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

function validateNames(names: CrdNames | undefined, errors: FieldError[]): void {
	const n = (names ?? {}) as Partial<CrdNames>;
	if (!n.plural) errors.push({field: 'spec.names.plural', type: 'Required value', detail: ''});
	if (!n.singular) errors.push({field: 'spec.names.singular', type: 'Required value', detail: ''});
	if (!n.kind) errors.push({field: 'spec.names.kind', type: 'Required value', detail: ''});
	if (!n.listKind) errors.push({field: 'spec.names.listKind', type: 'Required value', detail: ''});
	for (const field of ['plural', 'singular'] as const) {
		const value = n[field];
		if (!value) continue;
		const problems = validateDNS1035Label(value);
		if (problems.length) errors.push({field: `spec.names.${field}`, type: 'Invalid value', value, detail: problems.join(',')});
	}
	for (const [i, short] of (n.shortNames ?? []).entries()) {
		const problems = validateDNS1035Label(short);
		if (problems.length) errors.push({field: `spec.names.shortNames[${i}]`, type: 'Invalid value', value: short, detail: problems.join(',')});
	}
	for (const field of ['kind', 'listKind'] as const) {
		const value = n[field];
		if (value && !kindPattern.test(value)) {
			errors.push({field: `spec.names.${field}`, type: 'Invalid value', value, detail: 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'});
		}
	}
	if (n.kind && n.listKind && n.kind === n.listKind) {
		errors.push({field: 'spec.names.listKind', type: 'Invalid value', value: n.listKind, detail: 'kind and listKind may not be the same'});
	}
}

const columnTypes = ['integer', 'number', 'string', 'boolean', 'date'];

function validateVersion(version: CrdVersion, path: string, errors: FieldError[]): void {
	const problems = validateDNS1035Label(String(version.name ?? ''));
	if (problems.length) errors.push({field: `${path}.name`, type: 'Invalid value', value: version.name ?? '', detail: problems.join(',')});
	const schema = version.schema?.openAPIV3Schema;
	if (!schema) errors.push({field: `${path}.schema.openAPIV3Schema`, type: 'Required value', detail: 'schemas are required'});
	else errors.push(...validateStructural(schema, `${path}.schema.openAPIV3Schema`));
	for (const [i, column] of (version.additionalPrinterColumns ?? []).entries()) {
		const at = `${path}.additionalPrinterColumns[${i}]`;
		if (!column.name) errors.push({field: `${at}.name`, type: 'Required value', detail: ''});
		if (!column.type) errors.push({field: `${at}.type`, type: 'Required value', detail: ''});
		else if (!columnTypes.includes(column.type)) errors.push({field: `${at}.type`, type: 'Unsupported value', value: column.type, detail: 'supported values: "boolean", "date", "integer", "number", "string"'});
		if (!column.jsonPath) errors.push({field: `${at}.jsonPath`, type: 'Required value', detail: ''});
		if (column.priority !== undefined && (!Number.isInteger(column.priority) || column.priority < 0)) {
			errors.push({field: `${at}.priority`, type: 'Invalid value', value: column.priority, detail: 'must be greater than or equal to 0'});
		}
	}
}

validators.set('CustomResourceDefinition', (object, old) => {
	const crd = object as CustomResourceDefinition;
	const errors: FieldError[] = [];
	const spec = (crd.spec ?? {}) as Partial<NonNullable<CustomResourceDefinition['spec']>>;
	const names = spec.names;
	if (crd.metadata.name && crd.metadata.name !== `${names?.plural ?? ''}.${spec.group ?? ''}`) {
		errors.push({field: 'metadata.name', type: 'Invalid value', value: crd.metadata.name, detail: 'must be spec.names.plural+"."+spec.group'});
	}
	if (!spec.group) errors.push({field: 'spec.group', type: 'Required value', detail: ''});
	else {
		const problems = validateDNS1123Subdomain(spec.group);
		if (problems.length) errors.push({field: 'spec.group', type: 'Invalid value', value: spec.group, detail: problems.join(',')});
		else if (!spec.group.includes('.')) errors.push({field: 'spec.group', type: 'Invalid value', value: spec.group, detail: 'should be a domain with at least one dot'});
	}
	if (!spec.scope) errors.push({field: 'spec.scope', type: 'Required value', detail: ''});
	else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errors.push({field: 'spec.scope', type: 'Unsupported value', value: spec.scope, detail: 'supported values: "Cluster", "Namespaced"'});
	const versions = Array.isArray(spec.versions) ? spec.versions : [];
	versions.forEach((version, i) => validateVersion(version, `spec.versions[${i}]`, errors));
	if (new Set(versions.map(v => v.name)).size !== versions.length) {
		errors.push({field: 'spec.versions', type: 'Invalid value', detail: `${goVersions(versions)}: must contain unique version names`});
	}
	if (versions.filter(v => v.storage).length !== 1) {
		errors.push({field: 'spec.versions', type: 'Invalid value', detail: `${goVersions(versions)}: must have exactly one version marked as storage version`});
	}
	validateNames(names, errors);
	if (spec.conversion && spec.conversion.strategy !== 'None' && spec.conversion.strategy !== 'Webhook') {
		errors.push({field: 'spec.conversion.strategy', type: 'Unsupported value', value: spec.conversion.strategy, detail: 'supported values: "None", "Webhook"'});
	}
	if (old) {
		const was = (old as CustomResourceDefinition).spec!;
		const established = (old as CustomResourceDefinition).status?.conditions?.some(c => c.type === 'Established' && c.status === 'True');
		if (spec.group !== was.group) errors.push({field: 'spec.group', type: 'Invalid value', value: spec.group ?? '', detail: 'field is immutable'});
		if (established && names?.plural !== was.names.plural) errors.push({field: 'spec.names.plural', type: 'Invalid value', value: names?.plural ?? '', detail: 'field is immutable'});
		if (spec.scope !== was.scope) errors.push({field: 'spec.scope', type: 'Invalid value', value: spec.scope ?? '', detail: 'field is immutable'});
	}
	return errors;
});
