/**
 * ResourceQuota: what each object costs (the quota evaluators of
 * `pkg/quota/v1/evaluator/core` and the generic object counter), the
 * admission plugin that refuses a create that would exceed a quota and
 * charges the quota's status.used at once
 * (`apiserver/pkg/admission/plugin/resourcequota/controller.go`), and the
 * quota controller that recalculates status.hard and status.used when a
 * quota changes or an object it counts goes away
 * (`pkg/controller/resourcequota`).
 *
 * Nothing here runs per step: the controller is fed by watch events, and
 * only in namespaces that have a quota.
 */
import {customResourceWatch, type Controller, type ControllerContext} from '../controller.js';
import type {Container, KubeObject, Pod} from '../api/types.js';
import type {ResourceQuota} from '../api/policy-objects.js';
import {qosClass} from '../api/defaults.js';
import {resourceTypes, resolveResource, type ResourceType, type ResourceTypes} from '../api/registry.js';
import {add, compare, fromUsage, max, parseQuantityExact, prettyPrint, toUsage, zero, type Quantity, type Usage} from '../api/resource-list.js';
import {KubeError} from '../errors.js';
import {keyOf, sameJson, type StoreEvent} from '../store.js';
import {parseTime} from '../clock.js';
import {installLimitRanger} from './limit-range.js';

const controllerName = 'resourcequota-controller';
const one: Quantity = {nano: 1_000_000_000n, format: 'DecimalSI'};

/** `count/<resource>[.<group>]`: the object-count name of a kind. */
export function objectCountName(type: ResourceType): string {
	return type.group ? `count/${type.plural}.${type.group}` : `count/${type.plural}`;
}

/** The names quotas used before count/: each counts every object of its kind. */
const legacyCountNames: Record<string, string> = {
	ConfigMap: 'configmaps', Secret: 'secrets', ResourceQuota: 'resourcequotas', ReplicationController: 'replicationcontrollers',
};

/** What one kind's objects cost, as its quota evaluator measures it. */
type Evaluator = {
	/** Whether `name` is a resource this kind's objects are charged for. */
	matches(name: string): boolean;
	/** The object's usage; only resources it consumes are present. */
	usage(object: KubeObject, now: number): Usage;
	/** Scope matching (only pods have scopes). */
	matchesScope?(scope: {scopeName: string; operator: string; values?: string[]}, object: KubeObject): boolean;
	/** `failed quota` check: a quota that tracks cpu or memory needs every container to state it. */
	constraints?(required: string[], object: KubeObject): string | undefined;
};

// ----- pods (pkg/quota/v1/evaluator/core/pods.go) -------------------------------------------

const podResourceNames = new Set([
	'count/pods', 'pods', 'cpu', 'memory', 'ephemeral-storage',
	'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
	'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const nativeNames = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);
/** Resources a container must state when a quota tracks them (a documented mistake upstream keeps). */
const validationSet = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

function isExtendedQuotaName(name: string): boolean {
	return name.startsWith('requests.') && !nativeNames.has(name.slice('requests.'.length)) && !name.startsWith('requests.hugepages-') && name.slice('requests.'.length).includes('/');
}

/**
 * A container's requests as stored: the API server defaults a missing
 * request to its limit (`SetDefaults_Pod`), which this simulation leaves to
 * the readers of requests.
 */
function containerRequests(container: Container): Record<string, string> {
	const limits = container.resources?.limits ?? {};
	const requests = container.resources?.requests ?? {};
	return {...limits, ...requests};
}

/** `podComputeUsageHelper`: a container's (or pod's) compute usage from requests and limits. */
function computeUsage(requests: Usage, limits: Usage): Usage {
	const out: Usage = new Map([['pods', one]]);
	for (const resource of ['cpu', 'memory', 'ephemeral-storage']) {
		const request = requests.get(resource);
		if (request) {
			out.set(resource, request);
			out.set(`requests.${resource}`, request);
		}
		const limit = limits.get(resource);
		if (limit) out.set(`limits.${resource}`, limit);
	}
	for (const [resource, request] of requests) {
		if (resource.startsWith('hugepages-')) {
			out.set(resource, request);
			out.set(`requests.${resource}`, request);
		} else if (!nativeNames.has(resource) && resource.includes('/')) {
			out.set(`requests.${resource}`, request);
		}
	}
	return out;
}

function sumInto(target: Usage, list: Usage): void {
	for (const [name, q] of list) target.set(name, add(target.get(name) ?? zero, q));
}

function maxInto(target: Usage, list: Usage): void {
	for (const [name, q] of list) target.set(name, max(target.get(name) ?? zero, q));
}

/** `resourcehelper.PodRequests`/`PodLimits`: the containers' sum, raised to any init container's (sidecars add up). */
function podResources(pod: Pod, pick: (container: Container) => Record<string, string>): Usage {
	const total: Usage = new Map();
	for (const container of pod.spec?.containers ?? []) sumInto(total, toUsage(pick(container)));
	const sidecars: Usage = new Map();
	const initMax: Usage = new Map();
	for (const container of pod.spec?.initContainers ?? []) {
		const own = toUsage(pick(container));
		if (container.restartPolicy === 'Always') {
			sumInto(sidecars, own);
			continue;
		}
		const during: Usage = new Map(sidecars);
		sumInto(during, own);
		maxInto(initMax, during);
	}
	sumInto(total, sidecars);
	maxInto(total, initMax);
	return total;
}

/** `QuotaV1Pod`: terminal pods, and pods stuck terminating past their grace period, are not charged. */
export function podChargeable(pod: Pod, now: number): boolean {
	const phase = pod.status?.phase;
	if (phase === 'Succeeded' || phase === 'Failed') return false;
	const deletion = pod.metadata.deletionTimestamp;
	const grace = pod.metadata.deletionGracePeriodSeconds;
	if (deletion && grace !== undefined) {
		const at = parseTime(deletion);
		if (at !== undefined && now > at + grace * 1000) return false;
	}
	return true;
}

type AffinityTerm = {namespaces?: string[]; namespaceSelector?: unknown};

/** `usesCrossNamespacePodAffinity`: a pod (anti-)affinity term that names namespaces or selects them. */
function crossNamespaceAffinity(pod: Pod): boolean {
	const affinity = (pod.spec as {affinity?: Record<string, {requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: Array<{podAffinityTerm?: AffinityTerm}>}>} | undefined)?.affinity;
	const cross = (term: AffinityTerm | undefined) => Boolean(term && ((term.namespaces?.length ?? 0) > 0 || (term.namespaceSelector !== undefined && term.namespaceSelector !== null)));
	for (const kind of ['podAffinity', 'podAntiAffinity']) {
		const rules = affinity?.[kind];
		if (rules?.requiredDuringSchedulingIgnoredDuringExecution?.some(cross)) return true;
		if (rules?.preferredDuringSchedulingIgnoredDuringExecution?.some(weighted => cross(weighted.podAffinityTerm))) return true;
	}
	return false;
}

const podEvaluator: Evaluator = {
	matches: name => podResourceNames.has(name) || name.startsWith('hugepages-') || name.startsWith('requests.hugepages-') || isExtendedQuotaName(name),
	usage(object, now) {
		const pod = object as Pod;
		const out: Usage = new Map([['count/pods', one]]);
		if (!podChargeable(pod, now)) return out;
		const requests = podResources(pod, containerRequests);
		const limits = podResources(pod, c => c.resources?.limits ?? {});
		sumInto(out, computeUsage(requests, limits));
		return out;
	},
	matchesScope(scope, object) {
		const pod = object as Pod;
		const terminating = pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds >= 0;
		const bestEffort = pod.spec ? qosClass(pod.spec) === 'BestEffort' : true;
		switch (scope.scopeName) {
			case 'Terminating': return terminating;
			case 'NotTerminating': return !terminating;
			case 'BestEffort': return bestEffort;
			case 'NotBestEffort': return !bestEffort;
			case 'PriorityClass': {
				const name = (pod.spec as {priorityClassName?: string} | undefined)?.priorityClassName ?? '';
				if (scope.operator === 'Exists') return name !== '';
				if (scope.operator === 'DoesNotExist') return name === '';
				const listed = (scope.values ?? []).includes(name);
				return scope.operator === 'In' ? name !== '' && listed : !(name !== '' && listed);
			}
			case 'CrossNamespacePodAffinity': return crossNamespaceAffinity(pod);
			default: return false;
		}
	},
	constraints(required, object) {
		const pod = object as Pod;
		const wanted = required.filter(name => validationSet.has(name));
		if (wanted.length === 0) return undefined;
		const missing = new Map<string, Set<string>>();
		for (const container of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
			const has = computeUsage(toUsage(containerRequests(container)), toUsage(container.resources?.limits));
			for (const name of wanted) {
				if (has.has(name)) continue;
				let names = missing.get(name);
				if (!names) missing.set(name, (names = new Set()));
				names.add(container.name);
			}
		}
		if (missing.size === 0) return undefined;
		const parts = [...missing.keys()].sort().map(name => `${name} for: ${[...missing.get(name)!].sort().join(',')}`);
		return `must specify ${parts.join('; ')}`;
	},
};

// ----- services, claims and object counts --------------------------------------------------

const serviceEvaluator: Evaluator = {
	matches: name => ['services', 'count/services', 'services.nodeports', 'services.loadbalancers'].includes(name),
	usage(object) {
		const spec = object.spec as {type?: string; ports?: unknown[]} | undefined;
		const out: Usage = new Map([['services', one], ['count/services', one]]);
		const ports = BigInt(spec?.ports?.length ?? 0) * one.nano;
		if (spec?.type === 'NodePort' || spec?.type === 'LoadBalancer') out.set('services.nodeports', {nano: ports, format: 'DecimalSI'});
		if (spec?.type === 'LoadBalancer') out.set('services.loadbalancers', one);
		return out;
	},
};

const storageClassSuffix = '.storageclass.storage.k8s.io/';

const claimEvaluator: Evaluator = {
	matches: name => ['persistentvolumeclaims', 'count/persistentvolumeclaims', 'requests.storage'].includes(name)
		|| (name.includes(storageClassSuffix) && (name.endsWith('/requests.storage') || name.endsWith('/persistentvolumeclaims'))),
	usage(object) {
		const spec = object.spec as {storageClassName?: string; resources?: {requests?: Record<string, string>}} | undefined;
		const out: Usage = new Map([['persistentvolumeclaims', one], ['count/persistentvolumeclaims', one]]);
		const className = spec?.storageClassName ?? '';
		if (className) out.set(`${className}${storageClassSuffix}persistentvolumeclaims`, one);
		const storage = parseQuantityExact(spec?.resources?.requests?.['storage']);
		if (storage) {
			out.set('requests.storage', storage);
			if (className) out.set(`${className}${storageClassSuffix}requests.storage`, storage);
		}
		return out;
	},
};

function countEvaluator(type: ResourceType): Evaluator {
	const names = new Set([objectCountName(type)]);
	const legacy = legacyCountNames[type.kind];
	if (legacy) names.add(legacy);
	return {
		matches: name => names.has(name),
		usage: () => new Map([...names].map(name => [name, one])),
	};
}

const evaluators = new Map<string, Evaluator>();

/**
 * The evaluator of a kind: pods, services and claims have their own, every
 * other kind is counted (`count/<resource>.<group>`); `types` resolves the
 * kinds CustomResourceDefinitions define, whose evaluators are not kept (a
 * kind's group may differ from one cluster to the next).
 */
export function evaluatorFor(kind: string, types?: Pick<ResourceTypes, 'find'>): Evaluator {
	let evaluator = evaluators.get(kind);
	if (!evaluator) {
		if (kind === 'Pod') evaluator = podEvaluator;
		else if (kind === 'Service') evaluator = serviceEvaluator;
		else if (kind === 'PersistentVolumeClaim') evaluator = claimEvaluator;
		else {
			const custom = types?.find(kind);
			if (custom?.definition) return countEvaluator(custom);
			evaluator = countEvaluator(resolveResource(kind));
		}
		evaluators.set(kind, evaluator);
	}
	return evaluator;
}

type ScopeSelector = {scopeName: string; operator: string; values?: string[]};

function scopeSelectors(quota: ResourceQuota): ScopeSelector[] {
	const out: ScopeSelector[] = (quota.spec?.scopes ?? []).map(scope => ({scopeName: scope, operator: 'Exists'}));
	for (const expression of quota.spec?.scopeSelector?.matchExpressions ?? []) out.push(expression);
	return out;
}

/** `generic.Matches`: the quota tracks a resource the object costs, and the object is in every scope. */
function quotaMatches(quota: ResourceQuota, evaluator: Evaluator, object: KubeObject, hard: Record<string, string> | undefined): boolean {
	if (!Object.keys(hard ?? {}).some(name => evaluator.matches(name))) return false;
	for (const scope of scopeSelectors(quota)) {
		if (!evaluator.matchesScope?.(scope, object)) return false;
	}
	return true;
}

/** Usage of `kinds` in a namespace for the quota's hard resources (`quota.CalculateUsage`). */
export function calculateUsage(context: Pick<ControllerContext, 'store' | 'clock'>, quota: ResourceQuota): Usage {
	const hard = Object.keys(quota.spec?.hard ?? {});
	const used: Usage = new Map();
	if (hard.length === 0) return used;
	const namespace = quota.metadata.namespace;
	const now = context.clock.now();
	for (const type of context.store.types.all()) {
		if (!type.namespaced) continue;
		const evaluator = evaluatorFor(type.kind, context.store.types);
		const names = hard.filter(name => evaluator.matches(name));
		if (names.length === 0) continue;
		for (const name of names) used.set(name, used.get(name) ?? zero);
		for (const object of context.store.list(type.kind, namespace)) {
			if (!quotaMatches(quota, evaluator, object, quota.spec?.hard)) continue;
			const usage = evaluator.usage(object, now);
			for (const name of names) {
				const q = usage.get(name);
				if (q) used.set(name, add(used.get(name)!, q));
			}
		}
	}
	return used;
}

// ----- the quotas of each namespace ----------------------------------------------------------

/** The ResourceQuotas of each namespace, kept from the watch. */
export class QuotaIndex {
	private readonly byNamespace = new Map<string, Map<string, ResourceQuota>>();

	/** Index `objects` (the store's, in its order) afresh, as the watch would have from the start. */
	rebuild(objects: Iterable<KubeObject>): void {
		this.byNamespace.clear();
		for (const object of objects) this.observe({type: 'ADDED', object});
	}

	observe(event: StoreEvent): void {
		const quota = event.object as ResourceQuota;
		const namespace = quota.metadata.namespace ?? '';
		let quotas = this.byNamespace.get(namespace);
		if (event.type === 'DELETED') {
			quotas?.delete(quota.metadata.name);
			if (quotas?.size === 0) this.byNamespace.delete(namespace);
			return;
		}
		if (!quotas) this.byNamespace.set(namespace, (quotas = new Map()));
		quotas.set(quota.metadata.name, quota);
	}

	/** The namespace's quotas, by name. */
	in(namespace: string | undefined): ResourceQuota[] {
		const quotas = this.byNamespace.get(namespace ?? '');
		if (!quotas) return [];
		return [...quotas.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
	}

	has(namespace: string | undefined): boolean {
		return this.byNamespace.has(namespace ?? '');
	}
}

// ----- admission -------------------------------------------------------------------------

function forbidden(object: KubeObject, message: string, types?: Pick<ResourceTypes, 'find'>): KubeError {
	const type = types?.find(object.kind) ?? resolveResource(object.kind);
	const resource = type.group ? `${type.plural}.${type.group}` : type.plural;
	return new KubeError('Forbidden', `${resource} "${object.metadata.name}" is forbidden: ${message}`);
}

/**
 * The ResourceQuota admission plugin for a create (`CheckRequest`): every
 * quota of the namespace that tracks what the object costs must hold it.
 * Refuses with the API server's texts; otherwise charges each quota's
 * status.used (unless `dryRun`).
 */
export function admitQuota(context: Pick<ControllerContext, 'store' | 'clock'>, index: QuotaIndex, object: KubeObject, dryRun: boolean, old?: KubeObject, pending: readonly KubeObject[] = []): void {
	const namespace = object.metadata.namespace;
	if (!index.has(namespace)) return;
	const types = context.store.types;
	const evaluator = evaluatorFor(object.kind, types);
	const quotas = index.in(namespace);
	const interesting: ResourceQuota[] = [];
	for (const quota of quotas) {
		const hard = quota.status?.hard;
		if (!quotaMatches(quota, evaluator, object, hard)) continue;
		const restricted = Object.keys(hard ?? {}).filter(name => evaluator.matches(name));
		const failed = evaluator.constraints?.(restricted, object);
		if (failed) throw forbidden(object, `failed quota: ${quota.metadata.name}: ${failed}`, types);
		const unknown = restricted.filter(name => quota.status?.used?.[name] === undefined);
		if (unknown.length > 0) throw forbidden(object, `status unknown for quota: ${quota.metadata.name}, resources: ${[...restricted].sort().join(',')}`, types);
		interesting.push(quota);
	}
	if (interesting.length === 0) return;
	const now = context.clock.now();
	const usage = evaluator.usage(object, now);
	if (old) {
		// An update is charged what it adds (`SubtractWithNonNegativeResult`).
		const before = evaluator.usage(old, now);
		for (const [name, q] of usage) {
			const was = before.get(name);
			if (was) usage.set(name, {nano: q.nano > was.nano ? q.nano - was.nano : 0n, format: q.format});
		}
	}
	for (const [name, q] of [...usage]) if (q.nano === 0n) usage.delete(name);
	if (usage.size === 0) return;
	const updates: Array<{quota: ResourceQuota; used: Usage}> = [];
	for (const quota of interesting) {
		const hard = toUsage(quota.status?.hard);
		const used = toUsage(quota.status?.used);
		// Creates of the same call that come first (a dry run before the writes) count as used.
		for (const earlier of pending) {
			const earlierEvaluator = evaluatorFor(earlier.kind, types);
			if (!quotaMatches(quota, earlierEvaluator, earlier, quota.status?.hard)) continue;
			for (const [name, q] of earlierEvaluator.usage(earlier, now)) if (hard.has(name)) used.set(name, add(used.get(name) ?? zero, q));
		}
		const requested = [...usage.keys()].filter(name => hard.has(name));
		if (requested.length === 0) continue;
		const exceeded = requested.filter(name => compare(add(used.get(name) ?? zero, usage.get(name)!), hard.get(name)!) > 0);
		if (exceeded.length > 0) {
			throw forbidden(object, `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(usage, exceeded)}, used: ${prettyPrint(used, exceeded)}, limited: ${prettyPrint(hard, exceeded)}`, types);
		}
		const next = new Map(used);
		for (const name of requested) next.set(name, add(used.get(name) ?? zero, usage.get(name)!));
		updates.push({quota, used: next});
	}
	if (dryRun) return;
	for (const {quota, used} of updates) {
		const current = context.store.get('ResourceQuota', quota.metadata.namespace, quota.metadata.name) as ResourceQuota | undefined;
		if (!current) continue;
		const merged = {...current.status?.used, ...fromUsage(used)};
		context.store.patch(current, draft => {
			draft.status = {...draft.status, used: sortedList(merged)};
		}, {status: true});
	}
}

function sortedList(list: Record<string, string>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of Object.keys(list).sort()) out[name] = list[name]!;
	return out;
}

// ----- the controller --------------------------------------------------------------------

/**
 * The quota controller: a quota's status.hard follows spec.hard and its
 * status.used is recalculated from the namespace's objects when the quota
 * is created or changed, and when an object it counts is deleted or a pod
 * stops being charged (it finished). Creates are charged by admission.
 * Also installs the admission plugin.
 */
export function createResourceQuotaController(context: ControllerContext): Controller {
	const {store} = context;
	// The admission chain for creates: LimitRanger first (it sets defaults quotas then count), then ResourceQuota.
	installLimitRanger(context);
	const index = new QuotaIndex();
	for (const quota of store.list('ResourceQuota')) index.observe({type: 'ADDED', object: quota});
	store.subscribe(event => index.observe(event), ['ResourceQuota']);
	// Nothing is saved: the quotas are indexed again from the store.
	context.state.register<null>('quota', {save: () => null, load: () => index.rebuild(store.list('ResourceQuota'))});
	store.admission.push((object, {dryRun, pending}) => {
		if (object.metadata.namespace && index.has(object.metadata.namespace)) admitQuota(context, index, object, dryRun, undefined, pending?.());
		return object;
	});
	// Of updates, quota weighs those of Services (a type that takes node ports) and claims (a larger request).
	store.updateAdmission.push((object, old, {dryRun}) => {
		if ((object.kind === 'Service' || object.kind === 'PersistentVolumeClaim') && index.has(object.metadata.namespace)) admitQuota(context, index, object, dryRun, old);
	});

	/** Quotas of the object's namespace that track what its kind costs. */
	const quotasFor = (object: KubeObject): string[] => {
		const evaluator = evaluatorFor(object.kind, store.types);
		return index.in(object.metadata.namespace)
			.filter(quota => Object.keys(quota.spec?.hard ?? {}).some(name => evaluator.matches(name)))
			.map(quota => keyOf(quota));
	};

	const replenish = (event: StoreEvent): string[] | undefined => {
		const {object, old} = event;
		if (event.type === 'ADDED' || !index.has(object.metadata.namespace)) return undefined;
		if (event.type === 'DELETED') return quotasFor(object);
		if (object.kind === 'Pod' && old) {
			const now = context.clock.now();
			const pod = object as Pod;
			const grace = pod.metadata.deletionGracePeriodSeconds;
			if (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp && grace !== undefined) {
				// A pod stuck terminating (its node is gone) stops being charged once its grace period has passed again.
				const at = (parseTime(pod.metadata.deletionTimestamp) ?? now) + grace * 1000 + 1;
				for (const key of quotasFor(object)) context.queue(controllerName).addAfter(key, at - now);
			}
			if (podChargeable(old as Pod, now) !== podChargeable(object as Pod, now)) return quotasFor(object);
			return undefined;
		}
		if ((object.kind === 'Service' || object.kind === 'PersistentVolumeClaim') && old && !sameJson(old.spec, object.spec)) return quotasFor(object);
		return undefined;
	};

	const watches: Controller['watches'] = {
		ResourceQuota: ({type, object, old}) => {
			if (type === 'DELETED') return undefined;
			const quota = object as ResourceQuota;
			if (old && sameJson(old.spec, quota.spec) && quota.status?.hard && quota.status.used) return undefined;
			return keyOf(quota);
		},
	};
	for (const type of resourceTypes) if (type.namespaced && type.kind !== 'ResourceQuota') watches[type.kind] = replenish;
	// Custom objects are counted too (`count/<plural>.<group>`), and replenish when they go.
	watches[customResourceWatch] = replenish;

	return {
		name: controllerName,
		watches,
		sync(key) {
			const [namespace, name] = key.split('/') as [string, string];
			const quota = store.get('ResourceQuota', namespace, name) as ResourceQuota | undefined;
			if (!quota || quota.metadata.deletionTimestamp) return;
			const hard = sortedList({...quota.spec?.hard});
			const used = sortedList(fromUsage(calculateUsage(context, quota)));
			if (sameJson(quota.status?.hard, hard) && sameJson(quota.status?.used, used)) return;
			store.patch(quota, draft => {
				draft.status = {hard, used};
			}, {status: true});
		},
	};
}

