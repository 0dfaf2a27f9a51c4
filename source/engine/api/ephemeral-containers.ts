/**
 * The `ephemeralcontainers` subresource of a pod (`kubectl debug`): what an
 * update through it may change, as the API server's pod strategy for it has
 * it (`dropNonEphemeralContainerUpdates`, `ValidatePodEphemeralContainersUpdate`).
 */
import {conflict, invalid, notFound} from '../errors.js';
import type {Store} from '../store.js';
import {decodeManifest} from './decode.js';
import {defaultContainer} from './defaults.js';
import type {EphemeralContainer, Pod} from './types.js';
import {validateEphemeralContainersUpdate, validatePodSpec} from './validate-kinds.js';

export type EphemeralContainersOptions = {
	namespace?: string;
	/** Check and return the pod as it would be, writing nothing. */
	dryRun?: boolean;
	/** The pod's resourceVersion the writer read: another one is a Conflict. */
	resourceVersion?: string;
};

/**
 * The pod with its `spec.ephemeralContainers` replaced by `containers` (each
 * defaulted as a container is), everything else kept as it is stored: the
 * API server drops any other change a write through the subresource makes.
 * Refused (Invalid) when a container is not one a pod may run, or when an
 * ephemeral container the pod has would be removed or changed.
 */
export function updateEphemeralContainers(store: Store, name: string, containers: unknown, options: EphemeralContainersOptions = {}): Pod {
	const namespace = options.namespace || 'default';
	const existing = store.get('Pod', namespace, name) as Pod | undefined;
	if (!existing) throw notFound('pods', name);
	if (options.resourceVersion && options.resourceVersion !== existing.metadata.resourceVersion) {
		throw conflict('pods', name);
	}
	const given = structuredClone(containers ?? []);
	const type = store.types.resolve('Pod');
	decodeManifest(type, {apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace}, spec: {containers: [], ephemeralContainers: given}});
	const list = (given as EphemeralContainer[]).map(container => {
		const defaulted = defaultContainer(container) as EphemeralContainer;
		if (!defaulted.ports) delete defaulted.ports;
		return defaulted;
	});
	const {ephemeralContainers: _old, ...rest} = existing.spec!;
	const spec = list.length > 0 ? {...rest, ephemeralContainers: list} : rest;
	const errors = [...validatePodSpec(spec, 'spec'), ...validateEphemeralContainersUpdate(spec, existing.spec!)];
	if (errors.length > 0) throw invalid('Pod', name, errors);
	const next: Pod = {...existing, metadata: {...existing.metadata, resourceVersion: ''}, spec};
	return options.dryRun ? {...next, metadata: existing.metadata} : store.update(next) as Pod;
}
