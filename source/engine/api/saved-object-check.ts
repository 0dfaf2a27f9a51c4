/**
 * What a restore asks of each saved object of a built-in kind: that the
 * API server could have stored it. A state file changed by hand or damaged
 * can hold an object no write could make (a Deployment without a selector,
 * a label that is a list, a memory limit that is no quantity), which the
 * controllers were never written for: one such object would be refused
 * with a clear message here rather than loop or throw later.
 */
import {invalid} from '../errors.js';
import {decodeManifest} from './decode.js';
import {qualifiedKind, type ResourceType} from './registry.js';
import type {KubeObject} from './types.js';
import {validateKind} from './validate-kinds.js';

/** The reason the API server would refuse `object` as it stands (its JSON types, then its kind's validation), or undefined. */
export function savedObjectProblem(type: ResourceType, object: KubeObject): string | undefined {
	// A custom kind's objects answer to their definition's schema, which a restore serves after loading them.
	if (type.definition) return undefined;
	try {
		decodeManifest(type, object as unknown as Record<string, unknown>);
		// Judged as an update that changes nothing: what only a create checks (a Job's selector is the generated one) was checked when it was made.
		const errors = validateKind(object, object);
		if (errors.length > 0) return invalid(qualifiedKind(type), object.metadata.name, errors).message;
	} catch (error) {
		return (error as Error).message;
	}
	return undefined;
}
