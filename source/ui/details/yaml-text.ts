import {stringify} from 'yaml';
import type {KubeObject} from '../../engine/index.js';
import {sanitize} from '../sanitize.js';

/**
 * An object as `kubectl get -o yaml` prints it: apiVersion, kind, metadata,
 * then the other fields in their stored order, status last. As kubectl
 * (`--show-managed-fields=false`) and k9s' YAML view do, metadata.managedFields
 * is left out unless `managedFields` asks for it. Control sequences in
 * strings are written as YAML escapes by the library (double-quoted
 * `"\e]0;..."`), so the text is inert; the result is sanitised again as a
 * second guard for the screen.
 */
export function objectYaml(object: KubeObject, options: {managedFields?: boolean} = {}): string {
	return sanitize(stringify(printOrder(options.managedFields ? object : withoutManagedFields(object)), {lineWidth: 0, aliasDuplicateObjects: false}));
}

/** The object without metadata.managedFields (the same object when it has none). */
export function withoutManagedFields(object: KubeObject): KubeObject {
	if (object.metadata?.managedFields === undefined) return object;
	const {managedFields: _managed, ...metadata} = object.metadata;
	return {...object, metadata};
}

/** The fields in kubectl's print order: apiVersion, kind, metadata, the rest as stored, status last. */
export function printOrder(object: KubeObject): Record<string, unknown> {
	const {apiVersion, kind, metadata, status, ...rest} = object;
	const ordered: Record<string, unknown> = {apiVersion, kind, metadata, ...rest};
	if (status !== undefined) ordered['status'] = status;
	return ordered;
}

/**
 * A Secret's YAML with `data` values base64-decoded into `stringData`-style
 * text, as k9s' `x` decode shows it. Decoded bytes pass through the sanitiser.
 */
export function decodedSecretYaml(secret: KubeObject): string {
	const data = (secret['data'] ?? {}) as Record<string, string>;
	const decoded: Record<string, string> = {};
	for (const key of Object.keys(data)) decoded[key] = Buffer.from(data[key] ?? '', 'base64').toString('utf8');
	return sanitize(stringify({data: decoded}, {lineWidth: 0}));
}

/** A Secret with every data value replaced by asterisks of the same decoded length (capped). */
export function maskSecret(secret: KubeObject): KubeObject {
	const data = (secret['data'] ?? {}) as Record<string, string>;
	const masked: Record<string, string> = {};
	for (const key of Object.keys(data)) masked[key] = '*'.repeat(Math.min(16, Math.max(4, Buffer.from(data[key] ?? '', 'base64').length)));
	const out: KubeObject = {...secret, data: masked};
	if (secret['stringData']) out['stringData'] = Object.fromEntries(Object.keys(secret['stringData'] as object).map(key => [key, '********']));
	return out;
}
