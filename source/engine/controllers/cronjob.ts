import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject, ObjectReference} from '../api/types.js';
import {applyDefaults} from '../api/defaults.js';
import {isValidSchedule, scheduleTimesBetween} from '../api/cron-schedule.js';
import {keyOf, sameJson} from '../store.js';
import {writeStatusIfChanged} from './controller-utils.js';
import {rfc3339} from '../clock.js';
import {deleteObject} from '../deletion.js';
import '../api/batch-objects.js';
import type {CronJob, CronJobStatus, Job} from '../api/batch-objects.js';

export const cronJobControllerName = 'cronjob-controller';
export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
export const instantiateAnnotation = 'cronjob.kubernetes.io/instantiate';

/** More missed start times than this gives TooManyMissedTimes. */
const missedLimit = 100;
/** The controller requeues this long after the next schedule time (`nextScheduleDelta`). */
const nextScheduleDeltaMs = 100;


/** Complete or Failed, when the Job has finished. */
function finishedAs(job: Job): 'Complete' | 'Failed' | undefined {
	for (const condition of job.status?.conditions ?? []) {
		if ((condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True') return condition.type;
	}
	return undefined;
}

/** RFC 3339 in an IANA zone, as Go's `t.In(loc).Format(time.RFC3339)` writes it. */
export function rfc3339InZone(ms: number, timeZone: string | undefined): string {
	if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC') return rfc3339(ms);
	const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
		timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
	}).formatToParts(new Date(ms)).map(p => [p.type, p.value]));
	const local = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']), Number(parts['second']));
	const offsetMinutes = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
	if (offsetMinutes === 0) return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}:${parts['second']}Z`;
	const sign = offsetMinutes < 0 ? '-' : '+';
	const abs = Math.abs(offsetMinutes);
	const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
	return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}:${parts['second']}${offset}`;
}

/** Go's RFC1123Z in UTC: `Thu, 01 Jan 2026 09:01:00 +0000`. */
export function rfc1123z(ms: number): string {
	const date = new Date(ms);
	const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
	const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
	const two = (n: number) => String(n).padStart(2, '0');
	return `${days[date.getUTCDay()]}, ${two(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** `<cronjob>-<minutes since the epoch>`: one name per scheduled time. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
	return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

function jobReference(job: KubeObject): ObjectReference {
	return {apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: job.metadata.namespace, resourceVersion: job.metadata.resourceVersion, uid: job.metadata.uid};
}

/**
 * The CronJob controller (v2): on each scheduled time it creates a Job from
 * the template, honouring concurrencyPolicy, startingDeadlineSeconds and
 * suspend; it tracks active Jobs, records finished ones, trims the history
 * to the limits, and sleeps on a timer until the next scheduled time.
 */
export function createCronJobController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const source = {component: cronJobControllerName};
	/** Per CronJob uid: the next schedule time, valid while the schedule and lastScheduleTime are unchanged. */
	const nextDue = new Map<string, {key: string; at: number}>();
	/**
	 * Saved: the next schedule times. They are more than a memo: a sync that
	 * finds one still ahead returns before it would warn of missed times or
	 * queue the CronJob again.
	 */
	context.state.register<Array<[uid: string, key: string, at: number]>>('cronjob', {
		save: () => [...nextDue].map(([uid, {key, at}]) => [uid, key, at]),
		load(saved) {
			nextDue.clear();
			for (const [uid, key, at] of saved) nextDue.set(uid, {key, at});
		},
	});

	function requeueAfter(key: string, ms: number): void {
		context.queue(cronJobControllerName).addAfter(key, ms);
	}

	function ownedJobs(cronJob: CronJob): Job[] {
		return (store.dependentsOf(cronJob.metadata.uid, 'Job') as Job[]).filter(job =>
			job.metadata.ownerReferences?.some(ref => ref.controller && ref.uid === cronJob.metadata.uid));
	}

	function deleteJob(cronJob: CronJob, job: Job): void {
		if (!store.get('Job', job.metadata.namespace, job.metadata.name)) return;
		deleteObject(context, job, 'Background');
		events.normal(cronJob, 'SuccessfulDelete', `Deleted job ${job.metadata.name}`, source);
	}

	function createJob(cronJob: CronJob, scheduledMs: number): Job | undefined {
		const template = cronJob.spec!.jobTemplate;
		const name = jobNameFor(cronJob.metadata.name, scheduledMs);
		if (store.get('Job', cronJob.metadata.namespace, name)) return undefined;
		const job = applyDefaults({
			apiVersion: 'batch/v1',
			kind: 'Job',
			metadata: {
				name,
				namespace: cronJob.metadata.namespace,
				...(template.metadata?.labels ? {labels: {...template.metadata.labels}} : {}),
				annotations: {...template.metadata?.annotations, [scheduledTimestampAnnotation]: rfc3339InZone(scheduledMs, cronJob.spec!.timeZone)},
				ownerReferences: [{apiVersion: 'batch/v1', kind: 'CronJob', name: cronJob.metadata.name, uid: cronJob.metadata.uid, controller: true, blockOwnerDeletion: true}],
				uid: '', resourceVersion: '', creationTimestamp: '',
			},
			spec: structuredClone(template.spec),
		});
		const created = store.create(job) as Job;
		events.normal(cronJob, 'SuccessfulCreate', `Created job ${created.metadata.name}`, source);
		return created;
	}

	function sync(key: string): void {
		const cronJob = store.getByKey('CronJob', key) as CronJob | undefined;
		if (!cronJob) return;
		const spec = cronJob.spec!;
		const now = clock.now();
		const status: CronJobStatus = {...cronJob.status, active: [...(cronJob.status?.active ?? [])]};
		const jobs = ownedJobs(cronJob);
		const children = new Set<string>();

		// What happened to the Jobs we know about.
		for (const job of jobs) {
			children.add(job.metadata.uid);
			const found = status.active!.some(ref => ref.uid === job.metadata.uid);
			const finished = finishedAs(job);
			if (!found && !finished) {
				events.warning(cronJob, 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name}`, source);
			} else if (found && finished) {
				status.active = status.active!.filter(ref => ref.uid !== job.metadata.uid);
				events.normal(cronJob, 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, status: ${finished}`, source);
			}
			if (finished === 'Complete' && job.status?.completionTime) {
				if (!status.lastSuccessfulTime || Date.parse(job.status.completionTime) > Date.parse(status.lastSuccessfulTime)) {
					status.lastSuccessfulTime = job.status.completionTime;
				}
			}
		}
		for (const ref of [...status.active!]) {
			if (children.has(ref.uid!)) continue;
			events.normal(cronJob, 'MissingJob', `Active job went missing: ${ref.name}`, source);
			status.active = status.active!.filter(r => r.uid !== ref.uid);
		}

		if (!cronJob.metadata.deletionTimestamp && !spec.suspend && isValidSchedule(spec.schedule)) {
			schedule(cronJob, status, key, now);
		}
		cleanupFinishedJobs(cronJob, status);
		writeStatus(cronJob, status);
	}

	function schedule(cronJob: CronJob, status: CronJobStatus, key: string, now: number): void {
		const spec = cronJob.spec!;
		let earliest = Date.parse(status.lastScheduleTime ?? cronJob.metadata.creationTimestamp);
		if (spec.startingDeadlineSeconds !== undefined) earliest = Math.max(earliest, now - spec.startingDeadlineSeconds * 1000);
		// Most syncs come from Job updates between two schedule times: nothing is due then.
		const memoKey = `${spec.schedule}\u0000${spec.timeZone ?? ''}\u0000${status.lastScheduleTime ?? cronJob.metadata.creationTimestamp}`;
		const memo = nextDue.get(cronJob.metadata.uid);
		if (memo && memo.key === memoKey && now < memo.at && spec.startingDeadlineSeconds === undefined) return;
		const times = scheduleTimesBetween(spec.schedule, spec.timeZone, earliest, now, missedLimit);
		const wakeUp = () => {
			const at = times.next;
			nextDue.set(cronJob.metadata.uid, {key: `${spec.schedule}\u0000${spec.timeZone ?? ''}\u0000${status.lastScheduleTime ?? cronJob.metadata.creationTimestamp}`, at});
			requeueAfter(key, at + nextScheduleDeltaMs - now);
		};
		if (times.missed > missedLimit) {
			events.warning(cronJob, 'TooManyMissedTimes', `too many missed start times: ${times.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`, source);
		}
		const scheduled = times.mostRecent;
		if (scheduled === undefined) {
			wakeUp();
			return;
		}
		if (spec.startingDeadlineSeconds !== undefined && scheduled + spec.startingDeadlineSeconds * 1000 < now) {
			events.warning(cronJob, 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`, source);
			wakeUp();
			return;
		}
		const name = jobNameFor(cronJob.metadata.name, scheduled);
		if (status.active!.some(ref => ref.name === name) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)) {
			wakeUp();
			return;
		}
		if (spec.concurrencyPolicy === 'Forbid' && status.active!.length > 0) {
			events.normal(cronJob, 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', source);
			wakeUp();
			return;
		}
		if (spec.concurrencyPolicy === 'Replace') {
			for (const ref of status.active!) {
				const job = store.get('Job', ref.namespace, ref.name) as Job | undefined;
				if (job) deleteJob(cronJob, job);
			}
			status.active = [];
		}
		const created = createJob(cronJob, scheduled);
		if (created) status.active!.push(jobReference(created));
		status.lastScheduleTime = rfc3339(scheduled);
		wakeUp();
	}

	/** Finished Jobs past the history limits go, oldest first. */
	function cleanupFinishedJobs(cronJob: CronJob, status: CronJobStatus): void {
		const spec = cronJob.spec!;
		const jobs = ownedJobs(cronJob).filter(job => !job.metadata.deletionTimestamp);
		const byStart = (a: Job, b: Job) => {
			const sa = a.status?.startTime;
			const sb = b.status?.startTime;
			if (!sa && sb) return 1;
			if (sa && !sb) return -1;
			if (sa === sb) return a.metadata.name.localeCompare(b.metadata.name);
			return Date.parse(sa!) - Date.parse(sb!);
		};
		for (const [kind, limit] of [['Complete', spec.successfulJobsHistoryLimit], ['Failed', spec.failedJobsHistoryLimit]] as const) {
			if (limit === undefined) continue;
			const finished = jobs.filter(job => finishedAs(job) === kind).sort(byStart);
			for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
				deleteJob(cronJob, job);
				status.active = status.active!.filter(ref => ref.uid !== job.metadata.uid);
			}
		}
	}

	function writeStatus(cronJob: CronJob, next: CronJobStatus): void {
		const status: CronJobStatus = {};
		if (next.active && next.active.length > 0) status.active = next.active;
		if (next.lastScheduleTime) status.lastScheduleTime = next.lastScheduleTime;
		if (next.lastSuccessfulTime) status.lastSuccessfulTime = next.lastSuccessfulTime;
		writeStatusIfChanged(store, cronJob, status, (next, stored) => sameJson(next, stored ?? {}));
	}

	return {
		name: cronJobControllerName,
		watches: {
			CronJob: ({type, object}) => {
				if (type !== 'DELETED') return keyOf(object);
				nextDue.delete(object.metadata.uid);
				return undefined;
			},
			Job: ({object}) => {
				const ref = object.metadata.ownerReferences?.find(r => r.controller && r.kind === 'CronJob');
				if (!ref) return undefined;
				const owner = store.getByUid(ref.uid);
				return owner ? keyOf(owner) : undefined;
			},
		},
		sync,
	};
}
