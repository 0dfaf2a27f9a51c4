/**
 * The CronJob commands a user runs, as the Cluster facade runs them: trigger
 * (`kubectl create job --from=cronjob/…`) and suspend/resume.
 */
import type {ControllerContext} from '../controller.js';
import type {CronJob, Job} from '../api/batch-objects.js';
import {applyDefaults} from '../api/defaults.js';
import {validateKind} from '../api/validate-kinds.js';
import {validateMetadata} from '../api/validate-metadata.js';
import {alreadyExists, badRequest, invalid, notFound} from '../errors.js';
import {instantiateAnnotation} from '../controllers/cronjob.js';

/**
 * `kubectl create job <name> --from=cronjob/<cronjob>` (k9s "trigger"): a Job
 * from the CronJob's template, named `<cronjob>-manual-<xyz>` unless a name
 * is given, annotated `cronjob.kubernetes.io/instantiate: manual`.
 */
export function triggerCronJob(context: ControllerContext, name: string, options: {namespace?: string; jobName?: string} = {}): Job {
	const {store} = context;
	const namespace = options.namespace ?? 'default';
	const cronJob = store.get('CronJob', namespace, name) as CronJob | undefined;
	if (!cronJob) throw notFound('cronjobs.batch', name);
	const jobName = options.jobName ?? `${name.slice(0, 41)}-manual-${context.random.nameSuffix(3)}`;
	const template = cronJob.spec!.jobTemplate;
	const job = applyDefaults({
		apiVersion: 'batch/v1',
		kind: 'Job',
		metadata: {
			name: jobName,
			namespace,
			annotations: {[instantiateAnnotation]: 'manual', ...template.metadata?.annotations},
			...(template.metadata?.labels ? {labels: {...template.metadata.labels}} : {}),
			ownerReferences: [{apiVersion: 'batch/v1', kind: 'CronJob', name, uid: cronJob.metadata.uid, controller: true}],
			uid: '', resourceVersion: '', creationTimestamp: '',
		},
		spec: structuredClone(template.spec),
		status: {},
	});
	const errors = [
		...validateMetadata(job.metadata, {nameValidator: 'subdomain', namespaced: true}),
		...validateKind(job),
	];
	if (errors.length > 0) throw invalid('Job.batch', jobName, errors);
	if (store.get('Job', namespace, jobName)) throw alreadyExists('jobs.batch', jobName);
	return store.create(job) as Job;
}

/** `kubectl patch cronjob <name> -p '{"spec":{"suspend":true}}'` (k9s "suspend/resume"). */
export function suspendCronJob(context: ControllerContext, name: string, suspend: boolean, options: {namespace?: string} = {}): CronJob {
	const {store} = context;
	if (typeof suspend !== 'boolean') throw badRequest(`suspend must be true or false, got ${JSON.stringify(suspend)}`);
	const cronJob = store.get('CronJob', options.namespace ?? 'default', name) as CronJob | undefined;
	if (!cronJob) throw notFound('cronjobs.batch', name);
	if (cronJob.spec!.suspend === suspend) return cronJob;
	return store.patch(cronJob, draft => {
		draft.spec = {...draft.spec!, suspend};
	});
}
