import type {FieldError} from '../errors.js';
import type {KubeObject, LabelSelector} from './types.js';
import {defaulters} from './defaults.js';
import {validators} from './validate-kinds.js';
import {validateLabelSelector} from './validate-metadata.js';
import {canonicalQuantity, compare, formatQuantity, parseQuantityExact, type Quantity} from './resource-list.js';

/**
 * ResourceQuota, LimitRange (core/v1) and PodDisruptionBudget (policy/v1):
 * types with Kubernetes' field names, the API server's defaulting
 * (`pkg/apis/core/v1/defaults.go`) and validation
 * (`pkg/apis/core/validation`, `pkg/apis/policy/validation`), registered
 * into the per-kind registries when this module is imported.
 */

export type ResourceQuotaScope = 'Terminating' | 'NotTerminating' | 'BestEffort' | 'NotBestEffort' | 'PriorityClass' | 'CrossNamespacePodAffinity';
export type ResourceQuotaSpec = {
	hard?: Record<string, string>;
	scopes?: ResourceQuotaScope[];
	scopeSelector?: {matchExpressions?: Array<{scopeName: string; operator: string; values?: string[]}>};
};
export type ResourceQuotaStatus = {hard?: Record<string, string>; used?: Record<string, string>};
export type ResourceQuota = KubeObject<ResourceQuotaSpec, ResourceQuotaStatus>;

export type LimitType = 'Container' | 'Pod' | 'PersistentVolumeClaim';
export type LimitRangeItem = {
	type: LimitType;
	max?: Record<string, string>;
	min?: Record<string, string>;
	default?: Record<string, string>;
	defaultRequest?: Record<string, string>;
	maxLimitRequestRatio?: Record<string, string>;
};
export type LimitRange = KubeObject<{limits: LimitRangeItem[]}>;

export type PodDisruptionBudgetSpec = {
	minAvailable?: number | string;
	maxUnavailable?: number | string;
	selector?: LabelSelector | null;
	unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
};
export type PdbCondition = {type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string; observedGeneration?: number; lastTransitionTime: string};
export type PodDisruptionBudgetStatus = {
	observedGeneration?: number;
	disruptedPods?: Record<string, string>;
	disruptionsAllowed: number;
	currentHealthy: number;
	desiredHealthy: number;
	expectedPods: number;
	conditions?: PdbCondition[];
};
export type PodDisruptionBudget = KubeObject<PodDisruptionBudgetSpec, PodDisruptionBudgetStatus>;

// ----- ResourceQuota -----------------------------------------------------------------------

/** `IsStandardQuotaResourceName`: what a quota may name without a `/`. */
const standardQuotaResources = new Set([
	'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
	'services.nodeports', 'services.loadbalancers',
	'cpu', 'memory', 'ephemeral-storage', 'storage',
	'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'requests.storage',
	'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);

/** `IsIntegerResourceName`: counts, which must be whole. */
const integerResources = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

const standardScopes: readonly ResourceQuotaScope[] = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const podObjectCountResources = new Set(['pods', 'count/pods']);
const podComputeResources = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'ephemeral-storage', 'requests.ephemeral-storage', 'limits.ephemeral-storage']);

/** `IsResourceQuotaScopeValidForResource`. */
function scopeValidFor(scope: string, resource: string): boolean {
	if (scope === 'BestEffort') return podObjectCountResources.has(resource);
	return podObjectCountResources.has(resource) || podComputeResources.has(resource) || resource.startsWith('requests.') || resource.startsWith('hugepages-');
}

function canonicalList(list: unknown): unknown {
	if (typeof list !== 'object' || list === null || Array.isArray(list)) return list;
	const out: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(list)) out[name] = canonicalQuantity(value);
	return out;
}

/** Quantities are stored in their canonical form (`0.5` → `500m`), as the API server serializes them. */
defaulters.set('ResourceQuota', object => {
	const spec = object.spec;
	if (typeof spec !== 'object' || spec === null) return object;
	return {...object, spec: {...spec, ...(spec.hard ? {hard: canonicalList(spec.hard)} : {})}};
});

function validateQuantityList(list: unknown, field: string, errors: FieldError[], integers = false): Map<string, Quantity> {
	const out = new Map<string, Quantity>();
	if (list === undefined || list === null) return out;
	if (typeof list !== 'object' || Array.isArray(list)) {
		errors.push({field, type: 'Invalid value', value: list, detail: 'must be a map of resource names to quantities'});
		return out;
	}
	for (const [name, value] of Object.entries(list as Record<string, unknown>)) {
		const path = `${field}[${name}]`;
		const quantity = parseQuantityExact(value);
		if (!quantity) {
			errors.push({field: path, type: 'Invalid value', value, detail: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"});
			continue;
		}
		if (quantity.nano < 0n) errors.push({field: path, type: 'Invalid value', value: formatQuantity(quantity), detail: 'must be greater than or equal to 0'});
		else if (integers && integerResources.has(name) && quantity.nano % 1_000_000_000n !== 0n) errors.push({field: path, type: 'Invalid value', value: formatQuantity(quantity), detail: 'must be an integer'});
		out.set(name, quantity);
	}
	return out;
}

validators.set('ResourceQuota', object => {
	const errors: FieldError[] = [];
	const spec = (object.spec ?? {}) as ResourceQuotaSpec;
	const hard = validateQuantityList(spec.hard, 'spec.hard', errors, true);
	for (const name of hard.keys()) {
		if (!name.includes('/') && !standardQuotaResources.has(name) && !name.startsWith('hugepages-') && !name.startsWith('requests.hugepages-')) {
			errors.push({field: `spec.hard[${name}]`, type: 'Invalid value', value: name, detail: 'must be a standard resource for quota'});
		}
	}
	const scopes = spec.scopes ?? [];
	if (!Array.isArray(scopes)) {
		errors.push({field: 'spec.scopes', type: 'Invalid value', value: scopes, detail: 'must be a list of scopes'});
		return errors;
	}
	for (const scope of scopes) {
		if (!standardScopes.includes(scope)) {
			errors.push({field: 'spec.scopes', type: 'Invalid value', value: scopes, detail: 'unsupported scope'});
			continue;
		}
		for (const name of hard.keys()) {
			if (!scopeValidFor(scope, name)) errors.push({field: 'spec.scopes', type: 'Invalid value', value: scopes, detail: 'unsupported scope applied to resource'});
		}
	}
	if ((scopes.includes('Terminating') && scopes.includes('NotTerminating')) || (scopes.includes('BestEffort') && scopes.includes('NotBestEffort'))) {
		errors.push({field: 'spec.scopes', type: 'Invalid value', value: scopes, detail: 'conflicting scopes'});
	}
	// validateScopeSelector
	const path = 'spec.scopeSelector.matchExpressions';
	for (const requirement of spec.scopeSelector?.matchExpressions ?? []) {
		const scope = requirement.scopeName as ResourceQuotaScope;
		if (!standardScopes.includes(scope)) errors.push({field: `${path}.scopeName`, type: 'Invalid value', value: requirement.scopeName, detail: 'unsupported scope'});
		for (const name of hard.keys()) {
			if (standardQuotaResources.has(name) && standardScopes.includes(scope) && !scopeValidFor(scope, name)) {
				errors.push({field: path, type: 'Invalid value', value: spec.scopeSelector, detail: 'unsupported scope applied to resource'});
			}
		}
		if (scope !== 'PriorityClass' && standardScopes.includes(scope) && requirement.operator !== 'Exists') {
			errors.push({field: `${path}.operator`, type: 'Invalid value', value: requirement.operator, detail: "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"});
		}
		const values = requirement.values ?? [];
		if (requirement.operator === 'In' || requirement.operator === 'NotIn') {
			if (values.length === 0) errors.push({field: `${path}.values`, type: 'Required value', detail: "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"});
		} else if (requirement.operator === 'Exists' || requirement.operator === 'DoesNotExist') {
			if (values.length > 0) errors.push({field: `${path}.values`, type: 'Invalid value', value: values, detail: "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"});
		} else {
			errors.push({field: `${path}.operator`, type: 'Invalid value', value: requirement.operator, detail: 'not a valid selector operator'});
		}
	}
	return errors;
});

// ----- LimitRange --------------------------------------------------------------------------

/** `SetDefaults_LimitRangeItem`: a Container item's default limit falls back to max, its default request to the default limit, then to min. */
defaulters.set('LimitRange', object => {
	const spec = object.spec;
	if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.limits)) return object;
	const limits = spec.limits.map((item: LimitRangeItem) => {
		if (typeof item !== 'object' || item === null) return item;
		const out: Record<string, unknown> = {...item};
		for (const field of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const) {
			if (item[field] !== undefined) out[field] = canonicalList(item[field]);
		}
		if (item.type !== 'Container') return out;
		const defaults = {...(out['default'] as Record<string, string> | undefined)};
		const requests = {...(out['defaultRequest'] as Record<string, string> | undefined)};
		for (const [name, value] of Object.entries((out['max'] ?? {}) as Record<string, string>)) defaults[name] ??= value;
		for (const [name, value] of Object.entries(defaults)) requests[name] ??= value;
		for (const [name, value] of Object.entries((out['min'] ?? {}) as Record<string, string>)) requests[name] ??= value;
		if (Object.keys(defaults).length > 0) out['default'] = defaults;
		if (Object.keys(requests).length > 0) out['defaultRequest'] = requests;
		return out;
	});
	return {...object, spec: {...spec, limits}};
});

validators.set('LimitRange', object => {
	const errors: FieldError[] = [];
	const limits = object.spec?.limits;
	if (!Array.isArray(limits)) {
		if (limits !== undefined) errors.push({field: 'spec.limits', type: 'Invalid value', value: limits, detail: 'must be a list of limit range items'});
		return errors;
	}
	for (const [index, item] of (limits as LimitRangeItem[]).entries()) {
		const path = `spec.limits[${index}]`;
		if (typeof item !== 'object' || item === null) {
			errors.push({field: path, type: 'Invalid value', value: item, detail: 'must be a limit range item'});
			continue;
		}
		const max = validateQuantityList(item.max, `${path}.max`, errors);
		const min = validateQuantityList(item.min, `${path}.min`, errors);
		const defaults = validateQuantityList(item.default, `${path}.default`, errors);
		const defaultRequests = validateQuantityList(item.defaultRequest, `${path}.defaultRequest`, errors);
		const ratios = validateQuantityList(item.maxLimitRequestRatio, `${path}.maxLimitRequestRatio`, errors);
		if (item.type === 'Pod') {
			if (item.default !== undefined) errors.push({field: `${path}.default`, type: 'Forbidden', detail: "may not be specified when `type` is 'Pod'"});
			if (item.defaultRequest !== undefined) errors.push({field: `${path}.defaultRequest`, type: 'Forbidden', detail: "may not be specified when `type` is 'Pod'"});
		}
		const names = new Set([...max.keys(), ...min.keys(), ...defaults.keys(), ...defaultRequests.keys(), ...ratios.keys()]);
		for (const name of [...names].sort()) {
			const lo = min.get(name);
			const hi = max.get(name);
			const limit = defaults.get(name);
			const request = defaultRequests.get(name);
			const ratio = ratios.get(name);
			const text = (q: Quantity) => formatQuantity(q);
			if (lo && hi && compare(lo, hi) > 0) errors.push({field: `${path}.min[${name}]`, type: 'Invalid value', value: text(lo), detail: `min value ${text(lo)} is greater than max value ${text(hi)}`});
			if (request && lo && compare(lo, request) > 0) errors.push({field: `${path}.defaultRequest[${name}]`, type: 'Invalid value', value: text(request), detail: `min value ${text(lo)} is greater than default request value ${text(request)}`});
			if (request && hi && compare(request, hi) > 0) errors.push({field: `${path}.defaultRequest[${name}]`, type: 'Invalid value', value: text(request), detail: `default request value ${text(request)} is greater than max value ${text(hi)}`});
			if (request && limit && compare(request, limit) > 0) errors.push({field: `${path}.defaultRequest[${name}]`, type: 'Invalid value', value: text(request), detail: `default request value ${text(request)} is greater than default limit value ${text(limit)}`});
			if (limit && lo && compare(lo, limit) > 0) errors.push({field: `${path}.default[${name}]`, type: 'Invalid value', value: text(lo), detail: `min value ${text(lo)} is greater than default value ${text(limit)}`});
			if (limit && hi && compare(limit, hi) > 0) errors.push({field: `${path}.default[${name}]`, type: 'Invalid value', value: text(hi), detail: `default value ${text(limit)} is greater than max value ${text(hi)}`});
			if (ratio && ratio.nano < 1_000_000_000n) errors.push({field: `${path}.maxLimitRequestRatio[${name}]`, type: 'Invalid value', value: text(ratio), detail: `ratio ${text(ratio)} is less than 1`});
			if (ratio && lo && hi && lo.nano > 0n) {
				const bound = Number(hi.nano) / Number(lo.nano);
				if (Number(ratio.nano) / 1e9 > bound) errors.push({field: `${path}.maxLimitRequestRatio[${name}]`, type: 'Invalid value', value: text(ratio), detail: `ratio ${text(ratio)} is greater than max/min = ${bound.toFixed(6)}`});
			}
		}
	}
	return errors;
});

// ----- PodDisruptionBudget -----------------------------------------------------------------

const percentDetail = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`. */
function validateIntOrPercent(value: unknown, field: string): FieldError[] {
	if (typeof value === 'number') {
		if (!Number.isInteger(value)) return [{field, type: 'Invalid value', value, detail: 'must be an integer'}];
		return value < 0 ? [{field, type: 'Invalid value', value, detail: 'must be greater than or equal to 0'}] : [];
	}
	if (typeof value !== 'string' || !/^[0-9]+%$/.test(value)) return [{field, type: 'Invalid value', value, detail: percentDetail}];
	return Number(value.slice(0, -1)) > 100 ? [{field, type: 'Invalid value', value, detail: 'must not be greater than 100%'}] : [];
}

validators.set('PodDisruptionBudget', object => {
	const errors: FieldError[] = [];
	const spec = (object.spec ?? {}) as PodDisruptionBudgetSpec;
	const has = (value: unknown) => value !== undefined && value !== null;
	if (has(spec.minAvailable) && has(spec.maxUnavailable)) {
		errors.push({field: 'spec', type: 'Invalid value', value: spec, detail: 'minAvailable and maxUnavailable cannot be both set'});
	}
	if (has(spec.minAvailable)) errors.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
	if (has(spec.maxUnavailable)) errors.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
	errors.push(...validateLabelSelector(spec.selector ?? undefined, 'spec.selector'));
	const policy = spec.unhealthyPodEvictionPolicy;
	if (policy !== undefined && policy !== null && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
		errors.push({field: 'spec.unhealthyPodEvictionPolicy', type: 'Unsupported value', value: policy, detail: 'supported values: "AlwaysAllow", "IfHealthyBudget"'});
	}
	return errors;
});

/** A new budget's status before the disruption controller has seen it: nothing allowed. */
defaulters.set('PodDisruptionBudget', object => ({
	...object,
	status: object.status ?? {disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0},
}));
