import {badRequest, KubeError, type FieldError} from '../errors.js';
import type {Store} from '../store.js';
import type {KubeObject} from './types.js';
import type {ResourceType} from './registry.js';
import {storageVersion, type CustomResourceDefinition} from './crd-objects.js';
import {applySchemaDefaults, pruneUnknown, validateAgainstSchema} from './openapi-schema.js';

/** How the API server treats fields a schema does not declare (`fieldValidation`). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * A custom object on its way into the store, as the API server's custom
 * resource handler takes it: unknown fields pruned (refused under Strict
 * field validation), schema defaults filled, status kept from the stored
 * object when the status subresource is on, and the object checked against
 * its version's openAPIV3Schema. Returns the object to store and the field
 * errors; throws for what is refused outright.
 */
export function admitCustomObject(
	store: Store,
	type: ResourceType,
	object: KubeObject,
	existing: KubeObject | undefined,
	fieldValidation?: FieldValidation,
	requestedVersion?: unknown,
): {object: KubeObject; errors: FieldError[]} {
	const crd = store.get('CustomResourceDefinition', undefined, type.definition!) as CustomResourceDefinition | undefined;
	if (!crd) throw new KubeError('NotFound', `the server could not find the requested resource`);
	if (!existing && crd.metadata.deletionTimestamp) {
		throw new KubeError('MethodNotAllowed', 'create not allowed while custom resource definition is terminating');
	}
	// The request's version is checked against its own schema; the object is stored in the storage version
	// (conversion None: only apiVersion changes).
	const storage = storageVersion(crd);
	const asked = typeof requestedVersion === 'string' ? crd.spec?.versions.find(v => `${type.group}/${v.name}` === requestedVersion) : undefined;
	const version = asked ?? storage;
	const schema = version?.schema?.openAPIV3Schema;
	const copy = structuredClone(object);
	if (storage) copy.apiVersion = `${type.group}/${storage.name}`;
	const pruned = pruneUnknown(copy, schema);
	if (pruned.length > 0 && fieldValidation === 'Strict') {
		throw badRequest(`${type.kind} in version "${version?.name ?? type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${pruned.map(path => `unknown field "${path}"`).join(', ')}`);
	}
	applySchemaDefaults(copy, schema);
	if (storage?.subresources?.status) {
		// With the status subresource, the main resource cannot write status: a create starts without one, an update keeps the stored one.
		if (existing?.status !== undefined) copy.status = existing.status;
		else delete copy.status;
	}
	const {apiVersion: _a, kind: _k, metadata: _m, ...fields} = copy;
	const errors = validateAgainstSchema(fields, schema ? {...schema, properties: withoutMeta(schema.properties)} : undefined);
	return {object: copy, errors};
}

/** A status written through the status subresource, checked against the schema's `status` (pruned of undeclared fields first). */
export function statusErrors(store: Store, type: ResourceType, status: unknown): FieldError[] {
	const crd = store.get('CustomResourceDefinition', undefined, type.definition!) as CustomResourceDefinition | undefined;
	const schema = crd && storageVersion(crd)?.schema?.openAPIV3Schema?.properties?.['status'];
	if (!schema || status === undefined || status === null) return [];
	pruneUnknown(status, schema, 'status', false);
	return validateAgainstSchema(status, schema, 'status');
}

function withoutMeta<T>(properties: Record<string, T> | undefined): Record<string, T> | undefined {
	if (!properties) return properties;
	const {apiVersion: _a, kind: _k, metadata: _m, ...rest} = properties;
	return rest;
}
