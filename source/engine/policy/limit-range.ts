/**
 * The LimitRanger admission plugin (`plugin/pkg/admission/limitranger`):
 * a new pod's containers get their namespace's default limits and requests
 * (with the `kubernetes.io/limit-ranger` annotation saying what was set),
 * then every container, the pod as a whole and every new claim is checked
 * against min, max and maxLimitRequestRatio, with the plugin's messages.
 */
import type {ControllerContext} from '../controller.js';
import type {Container, KubeObject, Pod} from '../api/types.js';
import type {LimitRange, LimitRangeItem} from '../api/policy-objects.js';
import {qosClass} from '../api/defaults.js';
import {compare, formatQuantity, parseQuantityExact, toUsage, type Quantity, type Usage} from '../api/resource-list.js';
import {KubeError, invalid, type FieldError} from '../errors.js';
import type {StoreEvent} from '../store.js';

export const limitRangerAnnotation = 'kubernetes.io/limit-ranger';

/** The LimitRanges of each namespace, kept from the watch. */
class LimitRangeIndex {
	private readonly byNamespace = new Map<string, Map<string, LimitRange>>();

	/** Index `objects` (the store's, in its order) afresh, as the watch would have from the start. */
	rebuild(objects: Iterable<KubeObject>): void {
		this.byNamespace.clear();
		for (const object of objects) this.observe({type: 'ADDED', object});
	}

	observe(event: StoreEvent): void {
		const range = event.object as LimitRange;
		const namespace = range.metadata.namespace ?? '';
		let ranges = this.byNamespace.get(namespace);
		if (event.type === 'DELETED') {
			ranges?.delete(range.metadata.name);
			if (ranges?.size === 0) this.byNamespace.delete(namespace);
			return;
		}
		if (!ranges) this.byNamespace.set(namespace, (ranges = new Map()));
		ranges.set(range.metadata.name, range);
	}

	in(namespace: string | undefined): LimitRange[] {
		const ranges = this.byNamespace.get(namespace ?? '');
		if (!ranges) return [];
		return [...ranges.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
	}
}

function items(ranges: LimitRange[], type: LimitRangeItem['type']): LimitRangeItem[] {
	return ranges.flatMap(range => (range.spec?.limits ?? []).filter(item => item.type === type));
}

/** `mergeContainerResources`: fill what the container left out; returns the container and what was set. */
function withDefaults(container: Container, limits: Record<string, string>, requests: Record<string, string>): {container: Container; setLimits: string[]; setRequests: string[]} {
	const ownLimits = {...container.resources?.limits};
	const ownRequests = {...container.resources?.requests};
	const setLimits: string[] = [];
	const setRequests: string[] = [];
	for (const [name, value] of Object.entries(limits)) {
		if (ownLimits[name] !== undefined) continue;
		ownLimits[name] = value;
		setLimits.push(name);
	}
	for (const [name, value] of Object.entries(requests)) {
		// A request the API server already defaulted to the container's own limit is not the LimitRange's to set.
		if (ownRequests[name] !== undefined || container.resources?.limits?.[name] !== undefined) continue;
		ownRequests[name] = value;
		setRequests.push(name);
	}
	if (setLimits.length === 0 && setRequests.length === 0) return {container, setLimits, setRequests};
	const resources = {
		...container.resources,
		...(Object.keys(ownLimits).length > 0 ? {limits: ownLimits} : {}),
		...(Object.keys(ownRequests).length > 0 ? {requests: ownRequests} : {}),
	};
	return {container: {...container, resources}, setLimits: setLimits.sort(), setRequests: setRequests.sort()};
}

/** The plugin's mutation: default limits and requests of Container items, and the annotation. */
export function applyLimitRangeDefaults(pod: Pod, ranges: LimitRange[]): Pod {
	const containerItems = items(ranges, 'Container');
	if (containerItems.length === 0 || !pod.spec || !Array.isArray(pod.spec.containers)) return pod;
	const limits: Record<string, string> = {};
	const requests: Record<string, string> = {};
	for (const item of containerItems) {
		Object.assign(limits, item.default);
		Object.assign(requests, item.defaultRequest);
	}
	const notes: string[] = [];
	const apply = (list: Container[], kind: string): Container[] => list.map(container => {
		const merged = withDefaults(container, limits, requests);
		if (merged.setRequests.length > 0) notes.push(`${merged.setRequests.join(', ')} request for ${kind} ${container.name}`);
		if (merged.setLimits.length > 0) notes.push(`${merged.setLimits.join(', ')} limit for ${kind} ${container.name}`);
		return merged.container;
	});
	const containers = apply(pod.spec.containers, 'container');
	const initContainers = pod.spec.initContainers ? apply(pod.spec.initContainers, 'init container') : undefined;
	if (notes.length === 0) return pod;
	const spec = {...pod.spec, containers, ...(initContainers ? {initContainers} : {})};
	return {
		...pod,
		metadata: {...pod.metadata, annotations: {...pod.metadata.annotations, [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}`}},
		spec,
		...(pod.status ? {status: {...pod.status, qosClass: qosClass(spec)}} : {}),
	};
}

function requestsOf(container: Container): Usage {
	// The API server defaults a missing request to the limit before admission.
	return toUsage({...container.resources?.limits, ...container.resources?.requests});
}

const text = formatQuantity;

function minConstraint(limitType: string, resource: string, enforced: Quantity, requests: Usage, limits: Usage): string | undefined {
	const request = requests.get(resource);
	const limit = limits.get(resource);
	if (!request) return `minimum ${resource} usage per ${limitType} is ${text(enforced)}.  No request is specified`;
	if (compare(request, enforced) < 0) return `minimum ${resource} usage per ${limitType} is ${text(enforced)}, but request is ${text(request)}`;
	if (limit && compare(limit, enforced) < 0) return `minimum ${resource} usage per ${limitType} is ${text(enforced)}, but limit is ${text(limit)}`;
	return undefined;
}

function maxConstraint(limitType: string, resource: string, enforced: Quantity, requests: Usage, limits: Usage): string | undefined {
	const request = requests.get(resource);
	const limit = limits.get(resource);
	if (!limit) return `maximum ${resource} usage per ${limitType} is ${text(enforced)}.  No limit is specified`;
	if (compare(limit, enforced) > 0) return `maximum ${resource} usage per ${limitType} is ${text(enforced)}, but limit is ${text(limit)}`;
	if (request && compare(request, enforced) > 0) return `maximum ${resource} usage per ${limitType} is ${text(enforced)}, but request is ${text(request)}`;
	return undefined;
}

function ratioConstraint(limitType: string, resource: string, enforced: Quantity, requests: Usage, limits: Usage): string | undefined {
	const request = requests.get(resource);
	const limit = limits.get(resource);
	if (!request || request.nano === 0n) return `${resource} max limit to request ratio per ${limitType} is ${text(enforced)}, but no request is specified or request is 0`;
	if (!limit || limit.nano === 0n) return `${resource} max limit to request ratio per ${limitType} is ${text(enforced)}, but no limit is specified or limit is 0`;
	const observed = Number(limit.nano) / Number(request.nano);
	if (observed * 1e9 > Number(enforced.nano)) return `${resource} max limit to request ratio per ${limitType} is ${text(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
	return undefined;
}

function sortedEntries(list: Record<string, string> | undefined): Array<[string, Quantity]> {
	const out: Array<[string, Quantity]> = [];
	for (const name of Object.keys(list ?? {}).sort()) {
		const q = parseQuantityExact(list![name]);
		if (q) out.push([name, q]);
	}
	return out;
}

function checkItem(item: LimitRangeItem, requests: Usage, limits: Usage, errors: string[]): void {
	for (const [name, q] of sortedEntries(item.min)) {
		const error = minConstraint(item.type, name, q, requests, limits);
		if (error) errors.push(error);
	}
	for (const [name, q] of sortedEntries(item.max)) {
		const error = maxConstraint(item.type, name, q, requests, limits);
		if (error) errors.push(error);
	}
	for (const [name, q] of sortedEntries(item.maxLimitRequestRatio)) {
		const error = ratioConstraint(item.type, name, q, requests, limits);
		if (error) errors.push(error);
	}
}

/** Sum of the containers, raised to any init container's (the pod's own requests or limits). */
function podTotal(pod: Pod, pick: (container: Container) => Usage): Usage {
	const total: Usage = new Map();
	for (const container of pod.spec?.containers ?? []) {
		for (const [name, q] of pick(container)) total.set(name, {nano: (total.get(name)?.nano ?? 0n) + q.nano, format: total.get(name)?.format ?? q.format});
	}
	for (const container of pod.spec?.initContainers ?? []) {
		for (const [name, q] of pick(container)) if (!total.has(name) || compare(q, total.get(name)!) > 0) total.set(name, q);
	}
	return total;
}

/** `PodValidateLimitFunc` over every LimitRange of the namespace: the errors, in order. */
export function podLimitErrors(pod: Pod, ranges: LimitRange[]): string[] {
	const errors: string[] = [];
	for (const range of ranges) {
		for (const item of range.spec?.limits ?? []) {
			if (item.type === 'Container') {
				for (const container of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
					checkItem(item, requestsOf(container), toUsage(container.resources?.limits), errors);
				}
			} else if (item.type === 'Pod') {
				checkItem(item, podTotal(pod, requestsOf), podTotal(pod, c => toUsage(c.resources?.limits)), errors);
			}
		}
	}
	return errors;
}

/** `PersistentVolumeClaimValidateLimitFunc`: a claim's storage request against min and max. */
export function claimLimitErrors(claim: KubeObject, ranges: LimitRange[]): string[] {
	const errors: string[] = [];
	const requests = toUsage(claim.spec?.resources?.requests);
	for (const item of items(ranges, 'PersistentVolumeClaim')) {
		for (const [name, q] of sortedEntries(item.min)) {
			const error = minConstraint(item.type, name, q, requests, new Map());
			if (error) errors.push(error);
		}
		for (const [name, q] of sortedEntries(item.max)) {
			const request = requests.get(name);
			if (!request) errors.push(`maximum ${name} usage per ${item.type} is ${text(q)}.  No request is specified`);
			else if (compare(request, q) > 0) errors.push(`maximum ${name} usage per ${item.type} is ${text(q)}, but request is ${text(request)}`);
		}
	}
	return errors;
}

/** `ValidateResourceRequirements`: each request at most its limit. */
function requestsAboveLimits(pod: Pod): FieldError[] {
	const errors: FieldError[] = [];
	const check = (container: Container, path: string) => {
		const requests = toUsage(container.resources?.requests);
		const limits = toUsage(container.resources?.limits);
		for (const name of [...requests.keys()].sort()) {
			const request = requests.get(name)!;
			const limit = limits.get(name);
			if (limit && compare(request, limit) > 0) errors.push({field: `${path}.resources.requests`, type: 'Invalid value', value: text(request), detail: `must be less than or equal to ${name} limit of ${text(limit)}`});
		}
	};
	(pod.spec?.containers ?? []).forEach((c, i) => check(c, `spec.containers[${i}]`));
	(pod.spec?.initContainers ?? []).forEach((c, i) => check(c, `spec.initContainers[${i}]`));
	return errors;
}

function forbidden(resource: string, name: string, errors: string[]): KubeError {
	const message = errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
	return new KubeError('Forbidden', `${resource} "${name}" is forbidden: ${message}`);
}

/** Install the plugin as create admission (it runs before ResourceQuota, as upstream orders them). */
export function installLimitRanger(context: Pick<ControllerContext, 'store' | 'state'>): void {
	const {store} = context;
	const index = new LimitRangeIndex();
	for (const range of store.list('LimitRange')) index.observe({type: 'ADDED', object: range});
	store.subscribe(event => index.observe(event), ['LimitRange']);
	// Nothing is saved: the LimitRanges are indexed again from the store.
	context.state.register<null>('limitRange', {save: () => null, load: () => index.rebuild(store.list('LimitRange'))});
	store.admission.unshift(object => {
		if (object.kind !== 'Pod' && object.kind !== 'PersistentVolumeClaim') return object;
		const ranges = index.in(object.metadata.namespace);
		if (ranges.length === 0) return object;
		if (object.kind === 'PersistentVolumeClaim') {
			const errors = claimLimitErrors(object, ranges);
			if (errors.length > 0) throw forbidden('persistentvolumeclaims', object.metadata.name, errors);
			return object;
		}
		const pod = applyLimitRangeDefaults(object as Pod, ranges);
		if (pod !== object) {
			// Validation runs on the defaulted pod: a default limit below the container's own request makes it invalid.
			const invalidRequests = requestsAboveLimits(pod);
			if (invalidRequests.length > 0) throw invalid('Pod', pod.metadata.name, invalidRequests);
		}
		const errors = podLimitErrors(pod, ranges);
		if (errors.length > 0) throw forbidden('pods', pod.metadata.name, errors);
		return pod;
	});
}
