/**
 * The Job and CronJob objects (`batch/v1`), with their defaulting and
 * validation as the API server does it (`pkg/apis/batch/v1/defaults.go`,
 * `pkg/apis/batch/validation`, and the Job strategy's generated selector).
 * Registered into the per-kind registries.
 */
import type {FieldError} from '../errors.js';
import type {Condition, KubeObject, LabelSelector, ObjectReference, PodSpec} from './types.js';
import {defaulters, defaultTemplate} from './defaults.js';
import {nonNegative, validators, validatePodSpec, validateTemplateMetadata, validateWorkloadSelector} from './validate-kinds.js';
import {labelSelectorFromObject, matchesLabels} from './selectors.js';
import {validateLabelSelector} from './validate-metadata.js';
import {prepareForCreate, sameJson} from '../store.js';
import {validateCronSchedule, validateTimeZone} from './cron-schedule.js';

export type PodFailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export type PodFailurePolicy = {
	rules: Array<{
		action: PodFailurePolicyAction;
		onExitCodes?: {containerName?: string; operator: 'In' | 'NotIn'; values: number[]};
		onPodConditions?: Array<{type: string; status?: 'True' | 'False' | 'Unknown'}>;
	}>;
};

export type JobSpec = {
	parallelism?: number;
	completions?: number;
	completionMode?: 'NonIndexed' | 'Indexed';
	backoffLimit?: number;
	/** Indexed Jobs: failures allowed per index before the index fails. */
	backoffLimitPerIndex?: number;
	/** With backoffLimitPerIndex: failed indexes allowed before the Job fails. */
	maxFailedIndexes?: number;
	podFailurePolicy?: PodFailurePolicy;
	podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed';
	activeDeadlineSeconds?: number;
	ttlSecondsAfterFinished?: number;
	suspend?: boolean;
	manualSelector?: boolean;
	selector?: {matchLabels?: Record<string, string>};
	template: {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}; spec: PodSpec};
};

export type JobStatus = {
	conditions?: Condition[];
	startTime?: string;
	completionTime?: string;
	active?: number;
	succeeded?: number;
	failed?: number;
	ready?: number;
	terminating?: number;
	completedIndexes?: string;
	failedIndexes?: string;
	uncountedTerminatedPods?: Record<string, string[]>;
};

export type Job = KubeObject<JobSpec, JobStatus>;

export type CronJobSpec = {
	schedule: string;
	timeZone?: string;
	startingDeadlineSeconds?: number;
	concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
	suspend?: boolean;
	successfulJobsHistoryLimit?: number;
	failedJobsHistoryLimit?: number;
	jobTemplate: {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}; spec: Job['spec']};
};

export type CronJobStatus = {
	active?: ObjectReference[];
	lastScheduleTime?: string;
	lastSuccessfulTime?: string;
};

export type CronJob = KubeObject<CronJobSpec, CronJobStatus>;

/** Labels the Job strategy puts on the pod template, and its generated selector key. */
export const jobControllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const legacyControllerUidLabel = 'controller-uid';
export const legacyJobNameLabel = 'job-name';

const maxInt32 = 2_147_483_647;

/** SetDefaults_Job on a JobSpec (also used for a CronJob's jobTemplate when it becomes a Job). */
export function defaultJobSpec(spec: Record<string, any>): Record<string, any> {
	const out: Record<string, any> = {...spec};
	if (out['completions'] === undefined && out['parallelism'] === undefined) {
		out['completions'] = 1;
		out['parallelism'] = 1;
	}
	out['parallelism'] ??= 1;
	out['backoffLimit'] ??= out['backoffLimitPerIndex'] === undefined ? 6 : maxInt32;
	out['completionMode'] ??= 'NonIndexed';
	out['suspend'] ??= false;
	out['manualSelector'] ??= undefined;
	if (out['manualSelector'] === undefined) delete out['manualSelector'];
	out['podReplacementPolicy'] ??= out['podFailurePolicy'] ? 'Failed' : 'TerminatingOrFailed';
	// A pod-conditions pattern's status defaults to True.
	const rules = out['podFailurePolicy']?.rules;
	if (Array.isArray(rules)) {
		out['podFailurePolicy'] = {...out['podFailurePolicy'], rules: rules.map((rule: any) => (Array.isArray(rule?.onPodConditions)
			? {...rule, onPodConditions: rule.onPodConditions.map((p: any) => ({...p, status: p?.status ?? 'True'}))}
			: rule))};
	}
	out['template'] = defaultTemplate(out['template']);
	return out;
}

/**
 * The Job strategy's generateSelector: the selector on the job's uid and the
 * four labels on its pod template. Needs the uid, so it runs once the uid is
 * known (on create, and again on every update so a re-applied manifest keeps
 * them); a selector the update names is kept, for validation to compare.
 */
export function withGeneratedSelector(job: KubeObject): KubeObject {
	if (job.spec?.manualSelector === true || !job.metadata.uid) return job;
	const uid = job.metadata.uid;
	const name = job.metadata.name;
	const template = job.spec.template ?? {};
	const labels = {
		...template.metadata?.labels,
		[jobControllerUidLabel]: uid,
		[jobNameLabel]: name,
		[legacyControllerUidLabel]: uid,
		[legacyJobNameLabel]: name,
	};
	// An update that names a selector keeps it, so that validation sees a changed one (immutable, as upstream).
	const selector: LabelSelector = job.spec.selector ?? {matchLabels: {[jobControllerUidLabel]: uid}};
	return {
		...job,
		spec: {...job.spec, selector, template: {...template, metadata: {...template.metadata, labels}}},
	};
}

defaulters.set('Job', object => withGeneratedSelector({
	...object,
	spec: defaultJobSpec(object.spec ?? {}),
	status: object.status ?? {},
}));

prepareForCreate.set('Job', withGeneratedSelector);

defaulters.set('CronJob', object => {
	const spec = object.spec ?? {};
	const jobTemplate = spec.jobTemplate ?? {};
	return {
		...object,
		spec: {
			concurrencyPolicy: 'Allow',
			suspend: false,
			successfulJobsHistoryLimit: 3,
			failedJobsHistoryLimit: 1,
			...spec,
			jobTemplate: {
				...jobTemplate,
				metadata: jobTemplate.metadata ?? {},
				spec: {...jobTemplate.spec, template: defaultTemplate(jobTemplate.spec?.template)},
			},
		},
		status: object.status ?? {},
	};
});

// ----- validation ------------------------------------------------------------

function positive(value: unknown, field: string): FieldError[] {
	if (value === undefined || value === null) return [];
	if (typeof value !== 'number' || !Number.isInteger(value)) return [{field, type: 'Invalid value', value, detail: 'must be an integer'}];
	return value <= 0 ? [{field, type: 'Invalid value', value, detail: 'must be greater than 0'}] : [];
}

/** ValidateJobSpec: counts, completion mode, restart policy, selector, pod template. */
export function validateJobSpec(spec: Record<string, any> | undefined, path: string, options: {generatedSelector: boolean}): FieldError[] {
	if (!spec) return [{field: path, type: 'Required value', detail: ''}];
	const errors: FieldError[] = [
		...nonNegative(spec['parallelism'], `${path}.parallelism`),
		...nonNegative(spec['completions'], `${path}.completions`),
		...positive(spec['activeDeadlineSeconds'], `${path}.activeDeadlineSeconds`),
		...nonNegative(spec['backoffLimit'], `${path}.backoffLimit`),
		...nonNegative(spec['ttlSecondsAfterFinished'], `${path}.ttlSecondsAfterFinished`),
	];
	const mode = spec['completionMode'];
	if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
		errors.push({field: `${path}.completionMode`, type: 'Unsupported value', value: mode, detail: 'supported values: "NonIndexed", "Indexed"'});
	}
	if (mode === 'Indexed') {
		if (spec['completions'] === undefined || spec['completions'] === null) {
			errors.push({field: `${path}.completions`, type: 'Required value', detail: 'when completion mode is Indexed'});
		} else if (typeof spec['completions'] === 'number' && spec['completions'] > 100_000) {
			errors.push({field: `${path}.completions`, type: 'Invalid value', value: spec['completions'], detail: 'must be less than or equal to 100000 when completion mode is Indexed'});
		}
	}
	if (spec['suspend'] !== undefined && typeof spec['suspend'] !== 'boolean') {
		errors.push({field: `${path}.suspend`, type: 'Invalid value', value: spec['suspend'], detail: 'must be a boolean'});
	}
	if (spec['backoffLimitPerIndex'] !== undefined && spec['backoffLimitPerIndex'] !== null) {
		errors.push(...nonNegative(spec['backoffLimitPerIndex'], `${path}.backoffLimitPerIndex`));
		if (mode !== 'Indexed') errors.push({field: `${path}.backoffLimitPerIndex`, type: 'Forbidden', detail: 'requires indexed completion mode'});
	}
	if (spec['maxFailedIndexes'] !== undefined && spec['maxFailedIndexes'] !== null) {
		errors.push(...nonNegative(spec['maxFailedIndexes'], `${path}.maxFailedIndexes`));
		if (spec['backoffLimitPerIndex'] === undefined || spec['backoffLimitPerIndex'] === null) {
			errors.push({field: `${path}.backoffLimitPerIndex`, type: 'Required value', detail: 'when maxFailedIndexes is specified'});
		}
	}
	errors.push(...validatePodFailurePolicy(spec, path));
	const template = spec['template'];
	if (!template?.spec) {
		errors.push({field: `${path}.template.spec`, type: 'Required value', detail: ''});
		return errors;
	}
	if (spec['podFailurePolicy'] && template.spec.restartPolicy !== 'Never') {
		errors.push({field: `${path}.template.spec.restartPolicy`, type: 'Invalid value', value: template.spec.restartPolicy, detail: 'only "Never" is supported when podFailurePolicy is specified'});
	}
	if (!options.generatedSelector) {
		if (!spec['selector']) errors.push({field: `${path}.selector`, type: 'Required value', detail: ''});
		else {
			errors.push(...validateLabelSelector(spec['selector'], `${path}.selector`));
			try {
				if (!matchesLabels(labelSelectorFromObject(spec['selector']), template.metadata?.labels ?? {})) {
					errors.push({field: `${path}.template.metadata.labels`, type: 'Invalid value', value: template.metadata?.labels ?? {}, detail: '`selector` does not match template `labels`'});
				}
			} catch {
				// The selector's own errors are reported above.
			}
		}
	}
	const restartPolicy = template.spec.restartPolicy;
	if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
		errors.push({field: `${path}.template.spec.restartPolicy`, type: 'Unsupported value', value: restartPolicy, detail: 'supported values: "OnFailure", "Never"'});
	}
	errors.push(...validateTemplateMetadata(template, `${path}.template`));
	errors.push(...validatePodSpec(template.spec, `${path}.template.spec`).filter(e => !e.field.endsWith('.restartPolicy')));
	return errors;
}

/** validatePodFailurePolicy: known actions, one requirement per rule, In/NotIn exit codes. */
function validatePodFailurePolicy(spec: Record<string, any>, path: string): FieldError[] {
	const policy = spec['podFailurePolicy'];
	if (policy === undefined || policy === null) return [];
	const errors: FieldError[] = [];
	const rules = Array.isArray(policy.rules) ? policy.rules : [];
	if (rules.length > 20) errors.push({field: `${path}.podFailurePolicy.rules`, type: 'Too many', value: rules.length, detail: 'must have at most 20 items'});
	for (const [i, rule] of rules.entries()) {
		const at = `${path}.podFailurePolicy.rules[${i}]`;
		const actions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
		if (!actions.includes(rule?.action)) {
			errors.push({field: `${at}.action`, type: 'Unsupported value', value: rule?.action, detail: `supported values: ${actions.map(a => `"${a}"`).join(', ')}`});
		} else if (rule.action === 'FailIndex' && (spec['backoffLimitPerIndex'] === undefined || spec['backoffLimitPerIndex'] === null)) {
			errors.push({field: `${at}.action`, type: 'Invalid value', value: rule.action, detail: 'requires the backoffLimitPerIndex to be set'});
		}
		const onExitCodes = rule?.onExitCodes;
		const onPodConditions = rule?.onPodConditions;
		if ((onExitCodes && onPodConditions) || (!onExitCodes && !onPodConditions)) {
			errors.push({field: at, type: 'Invalid value', value: 'specifying one of OnExitCodes and OnPodConditions is required', detail: ''});
			continue;
		}
		if (onExitCodes) {
			if (onExitCodes.operator !== 'In' && onExitCodes.operator !== 'NotIn') {
				errors.push({field: `${at}.onExitCodes.operator`, type: 'Unsupported value', value: onExitCodes.operator, detail: 'supported values: "In", "NotIn"'});
			}
			const values = Array.isArray(onExitCodes.values) ? onExitCodes.values : [];
			if (values.length === 0) errors.push({field: `${at}.onExitCodes.values`, type: 'Invalid value', value: values, detail: 'at least one value is required'});
			for (const [j, value] of values.entries()) {
				if (value === 0 && onExitCodes.operator === 'In') errors.push({field: `${at}.onExitCodes.values[${j}]`, type: 'Invalid value', value: 0, detail: 'must not be 0 for the In operator'});
			}
		}
	}
	return errors;
}

validators.set('Job', (object, old) => {
	const spec = object.spec ?? {};
	const manual = spec.manualSelector === true;
	const errors = validateJobSpec(spec, 'spec', {generatedSelector: !manual && (!old || old.spec?.manualSelector !== true)});
	if (!old && !manual && spec.selector) {
		errors.push({field: 'spec.selector', type: 'Invalid value', value: spec.selector, detail: '`selector` not auto-generated'});
	}
	if (old) {
		for (const field of ['completionMode', 'selector', 'template'] as const) {
			if (!sameJson(old.spec?.[field], spec[field])) {
				errors.push({field: `spec.${field}`, type: 'Invalid value', value: spec[field], detail: 'field is immutable'});
			}
		}
		if (spec.completionMode !== 'Indexed' && !sameJson(old.spec?.completions, spec.completions)) {
			errors.push({field: 'spec.completions', type: 'Invalid value', value: spec.completions, detail: 'field is immutable'});
		}
	}
	return errors;
});

/** CronJob names leave room for the 11-character scheduled-time suffix of its Jobs. */
const cronJobNameMax = 52;

validators.set('CronJob', (object, old) => {
	const spec = object.spec ?? {};
	const errors: FieldError[] = [];
	if (object.metadata.name && object.metadata.name.length > cronJobNameMax) {
		errors.push({field: 'metadata.name', type: 'Invalid value', value: object.metadata.name, detail: `must be no more than ${cronJobNameMax} characters`});
	}
	if (spec.schedule === undefined || spec.schedule === '') errors.push({field: 'spec.schedule', type: 'Required value', detail: ''});
	else if (typeof spec.schedule !== 'string') errors.push({field: 'spec.schedule', type: 'Invalid value', value: spec.schedule, detail: 'must be a string'});
	else {
		const allowTz = old !== undefined && typeof old.spec?.schedule === 'string' && old.spec.schedule.includes('TZ');
		for (const detail of validateCronSchedule(spec.schedule, {allowTzInSchedule: allowTz, hasTimeZone: spec.timeZone !== undefined})) {
			errors.push({field: 'spec.schedule', type: 'Invalid value', value: spec.schedule, detail});
		}
	}
	if (spec.timeZone !== undefined && spec.timeZone !== null) {
		for (const detail of validateTimeZone(spec.timeZone)) errors.push({field: 'spec.timeZone', type: 'Invalid value', value: spec.timeZone, detail});
	}
	if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) {
		errors.push({field: 'spec.concurrencyPolicy', type: 'Unsupported value', value: spec.concurrencyPolicy, detail: 'supported values: "Allow", "Forbid", "Replace"'});
	}
	if (spec.suspend !== undefined && typeof spec.suspend !== 'boolean') {
		errors.push({field: 'spec.suspend', type: 'Invalid value', value: spec.suspend, detail: 'must be a boolean'});
	}
	errors.push(
		...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'),
		...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'),
		...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'),
	);
	const jobSpec = spec.jobTemplate?.spec;
	errors.push(...validateJobSpec(jobSpec ? {...jobSpec} : undefined, 'spec.jobTemplate.spec', {generatedSelector: jobSpec?.manualSelector !== true}));
	return errors;
});

