import test from 'ava';
import {createCluster, KubeError} from '../../../source/engine/index.js';
import type {Cluster, KubeEvent, KubeObject} from '../../../source/engine/index.js';
import {rfc1123z, rfc3339InZone} from '../../../source/engine/controllers/cronjob.js';
import {validateCronSchedule} from '../../../source/engine/api/cron-schedule.js';

const minute = 60_000;

function cronJob(spec: Record<string, unknown> & {script?: string; name?: string} = {}) {
	const {script = 'exit 0', name = 'tick', ...rest} = spec;
	return {
		apiVersion: 'batch/v1',
		kind: 'CronJob',
		metadata: {name},
		spec: {
			schedule: '*/1 * * * *',
			...rest,
			jobTemplate: {
				metadata: {labels: {team: 'ops'}},
				spec: {backoffLimit: 0, template: {spec: {restartPolicy: 'Never', containers: [{name: 'main', image: 'busybox:1.36', command: ['sh', '-c', script]}]}}},
			},
		},
	};
}

function jobNames(cluster: Cluster): string[] {
	return cluster.list('jobs', {namespace: 'default'}).filter(j => !j.metadata.deletionTimestamp).map(j => j.metadata.name).sort();
}

function eventLines(cluster: Cluster, object: KubeObject): string[] {
	return (cluster.eventsFor(object) as KubeEvent[]).map(e => `${e.type} ${e.reason}: ${e.message}`);
}

/** The Job name for a scheduled minute after the cluster's start (09:00 UTC, 1 Jan 2026). */
function jobAt(cluster: Cluster, minutesAfterStart: number, name = 'tick'): string {
	const start = Date.parse('2026-01-01T09:00:00Z');
	return `${name}-${Math.floor((start + minutesAfterStart * minute) / minute)}`;
}

test('a CronJob creates a Job on every scheduled minute, named by the minute, annotated with the time', t => {
	const cluster = createCluster({seed: 1});
	const [created] = cluster.apply(cronJob({successfulJobsHistoryLimit: 10}));
	t.is(created!.spec.concurrencyPolicy, 'Allow');
	t.is(created!.spec.suspend, false);
	t.is(created!.spec.successfulJobsHistoryLimit, 10);
	t.is(created!.spec.failedJobsHistoryLimit, 1);
	let jobsSeen = 0;
	cluster.watch(event => {
		if (event.type === 'ADDED') jobsSeen++;
	}, {kind: 'Job'});
	cluster.advance(5 * minute + 30_000);
	t.is(jobsSeen, 5);
	t.deepEqual(jobNames(cluster), [1, 2, 3, 4, 5].map(m => jobAt(cluster, m)));
	const first = cluster.get('job', jobAt(cluster, 1))!;
	t.is(first.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-01-01T09:01:00Z');
	t.is(first.metadata.labels!['team'], 'ops');
	t.is(first.metadata.ownerReferences![0]!.kind, 'CronJob');
	t.is(first.metadata.ownerReferences![0]!.uid, created!.metadata.uid);
	t.is(first.spec.backoffLimit, 0);
	t.deepEqual(first.spec.selector, {matchLabels: {'batch.kubernetes.io/controller-uid': first.metadata.uid}});
	t.true(first.status.conditions.some((c: {type: string}) => c.type === 'Complete'));
	const status = cluster.get('cronjob', 'tick')!.status;
	t.is(status.lastScheduleTime, '2026-01-01T09:05:00Z');
	t.truthy(status.lastSuccessfulTime);
	t.is(status.active, undefined, 'every Job has finished');
	const lines = eventLines(cluster, cluster.get('cronjob', 'tick')!);
	t.true(lines.includes(`Normal SuccessfulCreate: Created job ${jobAt(cluster, 1)}`));
	t.true(lines.includes(`Normal SawCompletedJob: Saw completed job: ${jobAt(cluster, 1)}, status: Complete`));
});

test('no timer fires between schedule times: the controller sleeps until the next minute', t => {
	const cluster = createCluster({seed: 1});
	cluster.apply(cronJob({schedule: '0 * * * *'}));
	cluster.advance(59 * minute);
	t.deepEqual(jobNames(cluster), []);
	t.is(cluster.get('cronjob', 'tick')!.status.lastScheduleTime, undefined);
	cluster.advance(1 * minute + 1000);
	t.deepEqual(jobNames(cluster), [jobAt(cluster, 60)]);
});

test('the active list holds running Jobs; Forbid skips a run while one is active', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply(cronJob({concurrencyPolicy: 'Forbid', script: 'sleep 3600'}));
	cluster.advance(3 * minute + 30_000);
	t.deepEqual(jobNames(cluster), [jobAt(cluster, 1)]);
	const cj = cluster.get('cronjob', 'tick')!;
	t.deepEqual(cj.status.active.map((ref: {name: string}) => ref.name), [jobAt(cluster, 1)]);
	const skipped = (cluster.eventsFor(cj) as KubeEvent[]).find(e => e.reason === 'JobAlreadyActive')!;
	t.is(skipped.message, 'Not starting job because prior execution is running and concurrency policy is Forbid');
	t.is(skipped.count, 2, 'skipped at 09:02 and 09:03');
});

test('Replace deletes the running Job and starts the new one', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(cronJob({concurrencyPolicy: 'Replace', script: 'sleep 3600'}));
	cluster.advance(3 * minute + 30_000);
	t.deepEqual(jobNames(cluster), [jobAt(cluster, 3)]);
	const cj = cluster.get('cronjob', 'tick')!;
	t.deepEqual(cj.status.active.map((ref: {name: string}) => ref.name), [jobAt(cluster, 3)]);
	const lines = eventLines(cluster, cj);
	t.true(lines.includes(`Normal SuccessfulDelete: Deleted job ${jobAt(cluster, 1)}`));
	t.true(lines.includes(`Normal SuccessfulDelete: Deleted job ${jobAt(cluster, 2)}`));
	cluster.advance(60_000);
	const running = cluster.list('pods', {namespace: 'default'}).filter(p => !p.metadata.deletionTimestamp);
	t.is(running.length, 1, 'the replaced Jobs\' pods are gone');
});

test('Allow lets runs overlap', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply(cronJob({script: 'sleep 3600'}));
	cluster.advance(3 * minute + 30_000);
	t.deepEqual(jobNames(cluster), [1, 2, 3].map(m => jobAt(cluster, m)));
	t.is(cluster.get('cronjob', 'tick')!.status.active.length, 3);
});

test('history limits keep the newest finished Jobs: 3 successful and 1 failed by default', t => {
	const cluster = createCluster({seed: 5});
	cluster.apply(cronJob());
	cluster.apply(cronJob({name: 'fail', script: 'exit 1'}));
	cluster.advance(6 * minute + 30_000);
	const names = jobNames(cluster);
	t.deepEqual(names.filter(n => n.startsWith('tick-')), [4, 5, 6].map(m => jobAt(cluster, m)));
	t.deepEqual(names.filter(n => n.startsWith('fail-')), [jobAt(cluster, 6, 'fail')]);
	const failed = cluster.get('cronjob', 'fail')!;
	const lines = eventLines(cluster, failed);
	t.true(lines.includes(`Normal SawCompletedJob: Saw completed job: ${jobAt(cluster, 1, 'fail')}, status: Failed`));
	t.true(lines.includes(`Normal SuccessfulDelete: Deleted job ${jobAt(cluster, 1, 'fail')}`));
	t.is(failed.status.lastSuccessfulTime, undefined);
});

test('a suspended CronJob starts nothing; resumed, it runs the most recent missed time', t => {
	const cluster = createCluster({seed: 6});
	cluster.apply(cronJob());
	cluster.advance(30_000);
	const suspended = cluster.suspendCronJob('tick', true);
	t.is(suspended.spec!.suspend, true);
	cluster.advance(3 * minute);
	t.deepEqual(jobNames(cluster), []);
	cluster.suspendCronJob('tick', false);
	cluster.advance(1000);
	t.deepEqual(jobNames(cluster), [jobAt(cluster, 3)]);
	t.is(cluster.get('cronjob', 'tick')!.status.lastScheduleTime, '2026-01-01T09:03:00Z');
});

test('more than 100 missed start times give TooManyMissedTimes', t => {
	const cluster = createCluster({seed: 7});
	cluster.apply(cronJob({suspend: true}));
	cluster.advance(102 * minute);
	cluster.suspendCronJob('tick', false);
	cluster.advance(1000);
	const warning = (cluster.eventsFor(cluster.get('cronjob', 'tick')!) as KubeEvent[]).find(e => e.reason === 'TooManyMissedTimes')!;
	t.is(warning.type, 'Warning');
	t.regex(warning.message, /^too many missed start times: \d+\. Set or decrease \.spec\.startingDeadlineSeconds or check clock skew$/);
	t.deepEqual(jobNames(cluster), [jobAt(cluster, 102)]);
});

test('timeZone: the schedule runs in the zone and the annotation carries its offset', t => {
	const cluster = createCluster({seed: 8});
	cluster.apply(cronJob({schedule: '5 10 * * *', timeZone: 'Europe/Paris'}));
	cluster.advance(6 * minute);
	const [name] = jobNames(cluster);
	t.is(name, jobAt(cluster, 5), '10:05 in Paris is 09:05 UTC in January');
	t.is(cluster.get('job', name!)!.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-01-01T10:05:00+01:00');
});

test('triggerCronJob creates a manual Job from the template now', t => {
	const cluster = createCluster({seed: 9});
	const [cj] = cluster.apply(cronJob({schedule: '0 0 * * *'}));
	const job = cluster.triggerCronJob('tick');
	t.regex(job.metadata.name, /^tick-manual-[a-z0-9]{3}$/);
	t.is(job.metadata.annotations!['cronjob.kubernetes.io/instantiate'], 'manual');
	t.is(job.metadata.labels!['team'], 'ops');
	t.deepEqual(job.metadata.ownerReferences, [{apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: cj!.metadata.uid, controller: true}]);
	cluster.advance(20_000);
	t.true(cluster.get('job', job.metadata.name)!.status.conditions.some((c: {type: string}) => c.type === 'Complete'));
	const named = cluster.triggerCronJob('tick', {jobName: 'by-hand'});
	t.is(named.metadata.name, 'by-hand');
	t.throws(() => cluster.triggerCronJob('tick', {jobName: 'by-hand'}), {instanceOf: KubeError, message: 'jobs.batch "by-hand" already exists'});
	t.throws(() => cluster.triggerCronJob('nope'), {instanceOf: KubeError, message: 'cronjobs.batch "nope" not found'});
	t.throws(() => cluster.triggerCronJob('tick', {jobName: 'Bad_Name'}), {instanceOf: KubeError, message: /^Job\.batch "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/});
	t.throws(() => cluster.suspendCronJob('nope', true), {instanceOf: KubeError, message: 'cronjobs.batch "nope" not found'});
	t.deepEqual(jobNames(cluster), ['by-hand', job.metadata.name].sort());
});

const badSchedules: Array<[string, string]> = [
	['bad', 'expected exactly 5 fields, found 1: [bad]'],
	['61 * * * *', 'end of range (61) above maximum (59): 61'],
	['*/0 * * * *', 'step of range should be a positive number: */0'],
	['* * * * 8', 'end of range (8) above maximum (6): 8'],
	['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
	['@fortnightly', 'unrecognized descriptor: @fortnightly'],
	['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
	['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
];

for (const [schedule, detail] of badSchedules) {
	test(`a bad schedule is rejected with robfig/cron's message and changes nothing: ${schedule}`, t => {
		const cluster = createCluster({seed: 1});
		const error = t.throws(() => cluster.apply(cronJob({schedule})), {instanceOf: KubeError});
		t.is(error!.message, `CronJob.batch "tick" is invalid: spec.schedule: Invalid value: ${JSON.stringify(schedule)}: ${detail}`);
		t.is(cluster.list('cronjobs').length, 0);
	});
}

test('updating a CronJob to a bad schedule fails and leaves the old one running', t => {
	const cluster = createCluster({seed: 1});
	cluster.apply(cronJob());
	const before = cluster.get('cronjob', 'tick')!;
	t.throws(() => cluster.apply(cronJob({schedule: 'every minute'})), {instanceOf: KubeError, message: /spec\.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: \[every minute\]/});
	t.is(cluster.get('cronjob', 'tick'), before);
	cluster.advance(minute + 1000);
	t.deepEqual(jobNames(cluster), [jobAt(cluster, 1)]);
});

test('other CronJob validation: zone, policy, TZ in schedule, name length', t => {
	const cluster = createCluster({seed: 1});
	const cases: Array<[Record<string, unknown>, string]> = [
		[{timeZone: 'Mars/Olympus'}, 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'],
		[{concurrencyPolicy: 'Sometimes'}, 'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'],
		[{schedule: 'TZ=UTC 0 * * * *'}, 'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
		[{name: 'a'.repeat(53)}, `metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`],
		[{startingDeadlineSeconds: -5}, 'spec.startingDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0'],
	];
	for (const [spec, detail] of cases) {
		const error = t.throws(() => cluster.apply(cronJob(spec)), {instanceOf: KubeError});
		t.true(error!.message.endsWith(detail), error!.message);
	}
	const always = cronJob();
	always.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always';
	t.throws(() => cluster.apply(always), {instanceOf: KubeError, message: 'CronJob.batch "tick" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'});
	t.is(cluster.list('cronjobs').length, 0);
	t.deepEqual(validateCronSchedule('@every 90s'), []);
	t.deepEqual(validateCronSchedule('0 9 * jan mon-fri'), []);
});

test('time formats the CronJob controller writes', t => {
	const at = Date.parse('2026-07-04T12:30:00Z');
	t.is(rfc3339InZone(at, undefined), '2026-07-04T12:30:00Z');
	t.is(rfc3339InZone(at, 'America/New_York'), '2026-07-04T08:30:00-04:00');
	t.is(rfc3339InZone(at, 'Asia/Kolkata'), '2026-07-04T18:00:00+05:30');
	t.is(rfc1123z(at), 'Sat, 04 Jul 2026 12:30:00 +0000');
});
