/**
 * The DaemonSet object (`apps/v1`), with its defaulting and validation as the
 * API server does it (`pkg/apis/apps/v1/defaults.go`, `pkg/apis/apps/validation`).
 * Registered into the per-kind registries.
 */
import type {FieldError} from '../errors.js';
import type {IntOrString, KubeObject, LabelSelector, PodTemplateSpec} from './types.js';
import {defaulters, defaultTemplate} from './defaults.js';
import {nonNegative, validators, validatePodSpec, validateTemplateMetadata, validateWorkloadSelector} from './validate-kinds.js';

export type DaemonSetSpec = {
	selector: LabelSelector;
	template: PodTemplateSpec;
	updateStrategy: {type: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: {maxUnavailable?: IntOrString; maxSurge?: IntOrString}};
	minReadySeconds?: number;
	revisionHistoryLimit?: number;
};

export type DaemonSetStatus = {
	currentNumberScheduled: number;
	numberMisscheduled: number;
	desiredNumberScheduled: number;
	numberReady: number;
	observedGeneration?: number;
	updatedNumberScheduled?: number;
	numberAvailable?: number;
	numberUnavailable?: number;
};

export type DaemonSet = KubeObject<DaemonSetSpec, DaemonSetStatus>;

defaulters.set('DaemonSet', object => {
	const spec = object.spec ?? {};
	const type = spec.updateStrategy?.type || 'RollingUpdate';
	const strategy = type === 'RollingUpdate'
		? {type, rollingUpdate: {maxUnavailable: 1, maxSurge: 0, ...spec.updateStrategy?.rollingUpdate}}
		: {...spec.updateStrategy, type};
	return {
		...object,
		spec: {revisionHistoryLimit: 10, ...spec, updateStrategy: strategy, template: defaultTemplate(spec.template)},
		status: object.status ?? {currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0},
	};
});

/** An IntOrString that must be a non-negative integer or a percentage. */
function validateIntOrPercent(value: unknown, field: string): FieldError[] {
	if (value === undefined) return [];
	if (typeof value === 'number') return nonNegative(value, field);
	if (typeof value === 'string') {
		if (!/^\d+%$/.test(value)) {
			return [{field, type: 'Invalid value', value, detail: "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"}];
		}
		if (Number.parseInt(value, 10) > 100) return [{field, type: 'Invalid value', value, detail: 'must not be greater than 100%'}];
		return [];
	}
	return [{field, type: 'Invalid value', value, detail: 'must be an integer or percentage (e.g \'5%\')'}];
}

validators.set('DaemonSet', (object, old) => {
	const spec = object.spec ?? {};
	const errors: FieldError[] = [
		...validateWorkloadSelector(object, old),
		...validateTemplateMetadata(spec.template, 'spec.template'),
		...validatePodSpec(spec.template?.spec, 'spec.template.spec'),
	];
	const restartPolicy = spec.template?.spec?.restartPolicy;
	if (restartPolicy !== undefined && restartPolicy !== 'Always') {
		errors.push({field: 'spec.template.spec.restartPolicy', type: 'Unsupported value', value: restartPolicy, detail: 'supported values: "Always"'});
	}
	const strategy = spec.updateStrategy ?? {};
	if (!['RollingUpdate', 'OnDelete'].includes(strategy.type)) {
		errors.push({field: 'spec.updateStrategy.type', type: 'Unsupported value', value: strategy.type, detail: 'supported values: "OnDelete", "RollingUpdate"'});
	}
	const rolling = strategy.rollingUpdate;
	if (strategy.type === 'RollingUpdate' && rolling) {
		errors.push(
			...validateIntOrPercent(rolling.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'),
			...validateIntOrPercent(rolling.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge'),
		);
		const nonZero = (v: unknown) => v !== undefined && v !== 0 && v !== '0%';
		if (nonZero(rolling.maxSurge) && nonZero(rolling.maxUnavailable)) {
			errors.push({field: 'spec.updateStrategy.rollingUpdate.maxSurge', type: 'Invalid value', value: rolling.maxSurge, detail: 'may not be set when maxUnavailable is non-zero'});
		} else if (!nonZero(rolling.maxSurge) && !nonZero(rolling.maxUnavailable)) {
			errors.push({field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', type: 'Required value', detail: 'cannot be 0 when maxSurge is 0'});
		}
	}
	errors.push(
		...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
		...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
	);
	return errors;
});
