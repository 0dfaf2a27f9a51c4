/**
 * OpenAPI v3, as far as kubectl needs it: `apply`, `create` and `replace`
 * validate by default and first check that the PATCH operation of the kind
 * takes a `fieldValidation` parameter. No schemas yet, so `explain` is not served;
 * the PATCH operations list no strategic-merge media type, so kubectl
 * computes patches from its compiled-in types.
 */
import {createHash} from 'node:crypto';
import {isExtra} from './extra-apis.js';
import type {ResourceType} from '../engine/index.js';
import {groupVersions} from './paths.js';

function pathKey(group: string, version: string): string {
	return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openapiDocument(servedTypes: readonly ResourceType[], group: string, version: string) {
	const paths: Record<string, unknown> = {};
	for (const type of servedTypes.filter(t => t.group === group && t.version === version && !isExtra(t))) {
		const prefix = `/${pathKey(group, version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}/{name}`;
		paths[prefix] = {
			patch: {
				'x-kubernetes-group-version-kind': {group, version, kind: type.kind},
				parameters: [{name: 'fieldValidation', in: 'query', schema: {type: 'string', uniqueItems: true}}],
			},
		};
	}
	return {openapi: '3.0.0', info: {title: 'Kubernetes', version: 'v1.32.0-kubarium'}, paths};
}

/** The hash in each document's URL: kubectl caches documents by URL, so it changes with the content. */
function hashOf(document: unknown): string {
	return createHash('sha512').update(JSON.stringify(document)).digest('hex').slice(0, 16).toUpperCase();
}

export function openapiRoot(servedTypes: readonly ResourceType[]) {
	const paths: Record<string, {serverRelativeURL: string}> = {};
	for (const {group, version} of groupVersions(servedTypes)) {
		const key = pathKey(group, version);
		paths[key] = {serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(openapiDocument(servedTypes, group, version))}`};
	}
	return {paths};
}
