import type {FieldError} from '../errors.js';
import type {KubeObject} from './types.js';
import {defaulters} from './defaults.js';
import {validators} from './validate-kinds.js';
import {isQuantity, parseQuantity} from './quantity.js';

/**
 * autoscaling/v2 HorizontalPodAutoscaler: types with Kubernetes' field
 * names, the API server's defaulting (`pkg/apis/autoscaling/v2/defaults.go`)
 * and validation (`pkg/apis/autoscaling/validation`), registered into the
 * per-kind registries when this module is imported. The controller is
 * controllers/horizontal.ts.
 */

export type CrossVersionObjectReference = {kind: string; name: string; apiVersion?: string};
export type MetricTarget = {type: 'Utilization' | 'Value' | 'AverageValue'; averageUtilization?: number; averageValue?: string; value?: string};
export type ResourceMetricSource = {name: string; target: MetricTarget};
export type ContainerResourceMetricSource = ResourceMetricSource & {container: string};
export type MetricSpec = {
	type: 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';
	resource?: ResourceMetricSource;
	containerResource?: ContainerResourceMetricSource;
	pods?: {metric: {name: string}; target: MetricTarget};
	object?: {describedObject: CrossVersionObjectReference; metric: {name: string}; target: MetricTarget};
	external?: {metric: {name: string}; target: MetricTarget};
};
export type ScalingPolicy = {type: 'Pods' | 'Percent'; value: number; periodSeconds: number};
export type ScalingRules = {stabilizationWindowSeconds?: number; selectPolicy?: 'Max' | 'Min' | 'Disabled'; policies?: ScalingPolicy[]};
export type HorizontalPodAutoscalerSpec = {
	scaleTargetRef: CrossVersionObjectReference;
	minReplicas?: number;
	maxReplicas: number;
	metrics?: MetricSpec[];
	behavior?: {scaleUp?: ScalingRules; scaleDown?: ScalingRules};
};
export type MetricValueStatus = {averageUtilization?: number; averageValue?: string; value?: string};
export type MetricStatus = {
	type: MetricSpec['type'];
	resource?: {name: string; current: MetricValueStatus};
	containerResource?: {name: string; container: string; current: MetricValueStatus};
};
export type HpaCondition = {type: 'AbleToScale' | 'ScalingActive' | 'ScalingLimited'; status: 'True' | 'False' | 'Unknown'; lastTransitionTime: string; reason: string; message: string};
export type HorizontalPodAutoscalerStatus = {
	observedGeneration?: number;
	lastScaleTime?: string;
	currentReplicas?: number;
	desiredReplicas?: number;
	currentMetrics?: MetricStatus[] | null;
	conditions?: HpaCondition[];
};
export type HorizontalPodAutoscaler = KubeObject<HorizontalPodAutoscalerSpec, HorizontalPodAutoscalerStatus>;

/** `autoscaling.DefaultCPUUtilization`: the target when a spec names no metric. */
export const defaultCpuUtilization = 80;

/** The scale-up rules an HPA with a behavior but no scaleUp gets (`GenerateHPAScaleUpRules`). */
export function defaultScaleUpRules(): Required<ScalingRules> {
	return {stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{type: 'Pods', value: 4, periodSeconds: 15}, {type: 'Percent', value: 100, periodSeconds: 15}]};
}

/** The scale-down rules (`GenerateHPAScaleDownRules`); the window stays unset, so the controller's 300 s applies. */
export function defaultScaleDownRules(): ScalingRules {
	return {selectPolicy: 'Max', policies: [{type: 'Percent', value: 100, periodSeconds: 15}]};
}

function fillRules(rules: ScalingRules | undefined, defaults: ScalingRules): ScalingRules {
	if (!rules) return defaults;
	return {
		...rules,
		...(rules.stabilizationWindowSeconds === undefined && defaults.stabilizationWindowSeconds !== undefined ? {stabilizationWindowSeconds: defaults.stabilizationWindowSeconds} : {}),
		selectPolicy: rules.selectPolicy ?? 'Max',
		policies: rules.policies ?? defaults.policies,
	};
}

defaulters.set('HorizontalPodAutoscaler', object => {
	const spec = (object.spec ?? {}) as HorizontalPodAutoscalerSpec;
	const next: HorizontalPodAutoscalerSpec = {...spec, minReplicas: spec.minReplicas ?? 1};
	if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
		next.metrics = [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: defaultCpuUtilization}}}];
	}
	if (spec.behavior) {
		next.behavior = {scaleUp: fillRules(spec.behavior.scaleUp, defaultScaleUpRules()), scaleDown: fillRules(spec.behavior.scaleDown, defaultScaleDownRules())};
	}
	return {...object, spec: next, status: object.status ?? {currentReplicas: 0, desiredReplicas: 0}};
});

// ----- validation ------------------------------------------------------------------

const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const sourceFields: Record<string, string> = {Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource'};

function notSupported(field: string, value: unknown, allowed: readonly string[]): FieldError {
	return {field, type: 'Unsupported value', value, detail: `supported values: ${allowed.map(v => `"${v}"`).join(', ')}`};
}

/** `IsValidPathSegmentName`. */
function pathSegmentErrors(name: string): string[] {
	if (name === '.' || name === '..') return [`may not be '${name}'`];
	for (const bad of ['/', '%']) if (name.includes(bad)) return [`may not contain '${bad}'`];
	return [];
}

function validateReference(ref: Partial<CrossVersionObjectReference> | undefined, field: string): FieldError[] {
	const errors: FieldError[] = [];
	for (const key of ['kind', 'name'] as const) {
		const value = ref?.[key];
		if (!value) errors.push({field: `${field}.${key}`, type: 'Required value', detail: ''});
		else for (const detail of pathSegmentErrors(value)) errors.push({field: `${field}.${key}`, type: 'Invalid value', value, detail});
	}
	return errors;
}

function positiveQuantity(value: unknown): boolean {
	return isQuantity(value) && (parseQuantity(value as string) ?? 0) > 0;
}

function validateTarget(target: Partial<MetricTarget> | undefined, field: string): FieldError[] {
	const errors: FieldError[] = [];
	const t = target ?? {};
	if (!t.type) errors.push({field: `${field}.type`, type: 'Required value', detail: 'must specify a metric target type'});
	if (t.type !== 'Utilization' && t.type !== 'Value' && t.type !== 'AverageValue') {
		errors.push({field: `${field}.type`, type: 'Invalid value', value: t.type ?? '', detail: 'must be either Utilization, Value, or AverageValue'});
	}
	if (t.value !== undefined && !positiveQuantity(t.value)) errors.push({field: `${field}.value`, type: 'Invalid value', value: t.value, detail: 'must be positive'});
	if (t.averageValue !== undefined && !positiveQuantity(t.averageValue)) errors.push({field: `${field}.averageValue`, type: 'Invalid value', value: t.averageValue, detail: 'must be positive'});
	if (t.averageUtilization !== undefined && !(typeof t.averageUtilization === 'number' && t.averageUtilization >= 1)) {
		errors.push({field: `${field}.averageUtilization`, type: 'Invalid value', value: t.averageUtilization, detail: 'must be greater than 0'});
	}
	return errors;
}

function validateResourceSource(source: Partial<ContainerResourceMetricSource>, field: string, container: boolean): FieldError[] {
	const errors: FieldError[] = [];
	if (!source.name) errors.push({field: `${field}.name`, type: 'Required value', detail: 'must specify a resource name'});
	if (container && !source.container) errors.push({field: `${field}.container`, type: 'Required value', detail: 'must specify a container'});
	errors.push(...validateTarget(source.target, `${field}.target`));
	const target = source.target ?? {} as Partial<MetricTarget>;
	if (target.averageUtilization === undefined && target.averageValue === undefined) {
		errors.push({field: `${field}.target.averageUtilization`, type: 'Required value', detail: 'must set either a target raw value or a target utilization'});
	}
	if (target.averageUtilization !== undefined && target.averageValue !== undefined) {
		errors.push({field: `${field}.target.averageValue`, type: 'Forbidden', detail: 'may not set both a target raw value and a target utilization'});
	}
	return errors;
}

function validateMetric(metric: Partial<MetricSpec>, field: string): FieldError[] {
	const errors: FieldError[] = [];
	if (!metric.type) errors.push({field: `${field}.type`, type: 'Required value', detail: 'must specify a metric source type'});
	if (!metricSourceTypes.includes(metric.type ?? '')) errors.push(notSupported(`${field}.type`, metric.type ?? '', metricSourceTypes));
	const present = Object.values(sourceFields).filter(name => (metric as Record<string, unknown>)[name] !== undefined && (metric as Record<string, unknown>)[name] !== null);
	if (present.length >= 1) {
		const first = present[0]!;
		if (first === 'resource') errors.push(...validateResourceSource(metric.resource!, `${field}.resource`, false));
		if (first === 'containerResource') errors.push(...validateResourceSource(metric.containerResource!, `${field}.containerResource`, true));
		if (first === 'pods' || first === 'object' || first === 'external') {
			const source = (metric as Record<string, any>)[first];
			if (!source?.metric?.name) errors.push({field: `${field}.${first}.metric.name`, type: 'Required value', detail: 'must specify a metric name'});
			if (first === 'object') errors.push(...validateReference(source?.describedObject, `${field}.object.describedObject`));
			errors.push(...validateTarget(source?.target, `${field}.${first}.target`));
		}
	}
	const expected = sourceFields[metric.type ?? ''];
	if (expected && !present.includes(expected)) errors.push({field: `${field}.${expected}`, type: 'Required value', detail: 'must populate information for the given metric source'});
	if (!expected) errors.push(notSupported(`${field}.type`, metric.type, metricSourceTypes));
	if (present.length !== 1) {
		for (const name of present) if (name !== expected) errors.push({field: `${field}.${name}`, type: 'Forbidden', detail: 'must populate the given metric source only'});
	}
	return errors;
}

function validateRules(rules: ScalingRules | undefined, field: string): FieldError[] {
	if (!rules) return [];
	const errors: FieldError[] = [];
	const window = rules.stabilizationWindowSeconds;
	if (window !== undefined && window < 0) errors.push({field: `${field}.stabilizationWindowSeconds`, type: 'Invalid value', value: window, detail: 'must be greater than or equal to zero'});
	if (window !== undefined && window > 3600) errors.push({field: `${field}.stabilizationWindowSeconds`, type: 'Invalid value', value: window, detail: 'must be less than or equal to 3600'});
	if (rules.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy)) errors.push(notSupported(`${field}.selectPolicy`, rules.selectPolicy, ['Disabled', 'Max', 'Min']));
	if (!rules.policies || rules.policies.length === 0) errors.push({field: `${field}.policies`, type: 'Required value', detail: 'must specify at least one Policy'});
	for (const [i, policy] of (rules.policies ?? []).entries()) {
		const at = `${field}.policies[${i}]`;
		if (policy.type !== 'Pods' && policy.type !== 'Percent') errors.push(notSupported(`${at}.type`, policy.type ?? '', ['Percent', 'Pods']));
		if (!(policy.value > 0)) errors.push({field: `${at}.value`, type: 'Invalid value', value: policy.value ?? 0, detail: 'must be greater than zero'});
		if (!(policy.periodSeconds > 0)) errors.push({field: `${at}.periodSeconds`, type: 'Invalid value', value: policy.periodSeconds ?? 0, detail: 'must be greater than zero'});
		if (policy.periodSeconds > 1800) errors.push({field: `${at}.periodSeconds`, type: 'Invalid value', value: policy.periodSeconds, detail: 'must be less than or equal to 1800'});
	}
	return errors;
}

validators.set('HorizontalPodAutoscaler', object => {
	const spec = (object.spec ?? {}) as Partial<HorizontalPodAutoscalerSpec>;
	const errors: FieldError[] = [];
	const min = spec.minReplicas;
	const max = spec.maxReplicas ?? 0;
	if (min !== undefined && min < 1) errors.push({field: 'spec.minReplicas', type: 'Invalid value', value: min, detail: 'must be greater than or equal to 1'});
	if (max < 1) errors.push({field: 'spec.maxReplicas', type: 'Invalid value', value: max, detail: 'must be greater than 0'});
	if (min !== undefined && max < min) errors.push({field: 'spec.maxReplicas', type: 'Invalid value', value: max, detail: 'must be greater than or equal to `minReplicas`'});
	errors.push(...validateReference(spec.scaleTargetRef, 'spec.scaleTargetRef'));
	for (const [i, metric] of (spec.metrics ?? []).entries()) errors.push(...validateMetric(metric ?? {}, `spec.metrics[${i}]`));
	if (min === 0 && !(spec.metrics ?? []).some(m => m?.type === 'Object' || m?.type === 'External')) {
		errors.push({field: 'spec.metrics', type: 'Forbidden', detail: 'must specify at least one Object or External metric to support scaling to zero replicas'});
	}
	errors.push(...validateRules(spec.behavior?.scaleUp, 'spec.behavior.scaleUp'), ...validateRules(spec.behavior?.scaleDown, 'spec.behavior.scaleDown'));
	return errors;
});
