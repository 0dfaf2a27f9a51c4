import test from 'ava';
import {createCluster, KubeError} from '../../../source/engine/index.js';
import type {Cluster, KubeEvent, KubeObject, Pod} from '../../../source/engine/index.js';
import {formatIndexes, parseIndexes, remainingBackoffMs} from '../../../source/engine/controllers/job-util.js';

type JobOptions = Record<string, unknown> & {script?: string; restartPolicy?: string; name?: string};

function job(options: JobOptions = {}) {
	const {script = 'exit 0', restartPolicy = 'Never', name = 'work', ...spec} = options;
	return {
		apiVersion: 'batch/v1',
		kind: 'Job',
		metadata: {name},
		spec: {
			...spec,
			template: {spec: {restartPolicy, containers: [{name: 'main', image: 'busybox:1.36', command: ['sh', '-c', script]}]}},
		},
	};
}

function jobPods(cluster: Cluster, name = 'work'): Pod[] {
	return cluster.list('pods', {namespace: 'default', labelSelector: `batch.kubernetes.io/job-name=${name}`}) as Pod[];
}

function reasons(cluster: Cluster, object: KubeObject): string[] {
	return (cluster.eventsFor(object) as KubeEvent[]).map(e => `${e.type} ${e.reason}: ${e.message}`);
}

function conditionTypes(object: KubeObject | undefined): string[] {
	return (object?.status?.conditions ?? []).filter((c: {status: string}) => c.status === 'True').map((c: {type: string}) => c.type);
}

test('a Job runs 3 completions 2 at a time, keeps its finished pods and reports Complete', t => {
	const cluster = createCluster({seed: 7});
	const [created] = cluster.apply(job({completions: 3, parallelism: 2}));
	const uid = created!.metadata.uid;
	t.deepEqual(created!.spec.selector, {matchLabels: {'batch.kubernetes.io/controller-uid': uid}});
	t.deepEqual(created!.spec.template.metadata.labels, {
		'batch.kubernetes.io/controller-uid': uid,
		'batch.kubernetes.io/job-name': 'work',
		'controller-uid': uid,
		'job-name': 'work',
	});
	t.is(created!.spec.backoffLimit, 6);
	t.is(created!.spec.completionMode, 'NonIndexed');

	cluster.advance(0);
	const first = jobPods(cluster);
	t.is(first.length, 2, 'parallelism 2 at first');
	t.is(cluster.get('job', 'work')!.status.active, 2);
	for (const pod of first) {
		t.regex(pod.metadata.name, /^work-[a-z0-9]{5}$/);
		t.deepEqual(pod.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
		t.deepEqual(pod.metadata.ownerReferences, [{apiVersion: 'batch/v1', kind: 'Job', name: 'work', uid, controller: true, blockOwnerDeletion: true}]);
	}

	cluster.advance(30_000);
	const done = cluster.get('job', 'work')!;
	const pods = jobPods(cluster);
	t.is(pods.length, 3, 'exactly three pods ran; finished pods are kept');
	t.true(pods.every(p => p.status!.phase === 'Succeeded' && !p.metadata.finalizers), 'counted pods lose the tracking finalizer');
	t.is(done.status.succeeded, 3);
	t.is(done.status.active, undefined);
	t.is(done.status.ready, 0);
	t.truthy(done.status.startTime);
	t.truthy(done.status.completionTime);
	t.deepEqual(conditionTypes(done), ['SuccessCriteriaMet', 'Complete']);
	const complete = done.status.conditions.find((c: {type: string}) => c.type === 'Complete');
	t.is(complete.reason, 'CompletionsReached');
	// The third pod was created only after one of the first two succeeded.
	const third = pods.find(p => !first.some(f => f.metadata.uid === p.metadata.uid))!;
	const firstFinished = Math.min(...pods.filter(p => p !== third).map(p => Date.parse(p.status!.containerStatuses![0]!.state.terminated!.finishedAt!)));
	t.true(Date.parse(third.metadata.creationTimestamp) >= Math.floor(firstFinished / 1000) * 1000);
	const seen = reasons(cluster, done);
	t.deepEqual(seen.slice(0, 3).sort(), pods.map(p => `Normal SuccessfulCreate: Created pod: ${p.metadata.name}`).sort());
	t.deepEqual(seen.slice(3), ['Normal Completed: Job completed']);
});

test('a failing Job backs off 10 s, 20 s and stops at its backoff limit with BackoffLimitExceeded', t => {
	const cluster = createCluster({seed: 11});
	cluster.apply(job({script: 'exit 1', backoffLimit: 2}));
	const created: number[] = [];
	cluster.watch(event => {
		if (event.type === 'ADDED') created.push(cluster.now());
	}, {kind: 'Pod'});
	cluster.advance(120_000);
	const failed = cluster.get('job', 'work')!;
	const pods = jobPods(cluster);
	t.is(pods.length, 3, 'backoffLimit 2 allows three attempts');
	t.true(pods.every(p => p.status!.phase === 'Failed'), 'failed pods are kept');
	t.is(failed.status.failed, 3);
	t.deepEqual(conditionTypes(failed), ['FailureTarget', 'Failed']);
	const condition = failed.status.conditions.find((c: {type: string}) => c.type === 'Failed');
	t.is(condition.reason, 'BackoffLimitExceeded');
	t.is(condition.message, 'Job has reached the specified backoff limit');
	t.is(failed.status.completionTime, undefined);
	t.true(reasons(cluster, failed).includes('Warning BackoffLimitExceeded: Job has reached the specified backoff limit'));
	// Back-off between attempts: at least 10 s, then at least 20 s.
	t.true(created[1]! - created[0]! >= 10_000, `second pod after ${created[1]! - created[0]!} ms`);
	t.true(created[2]! - created[1]! >= 20_000, `third pod after ${created[2]! - created[1]!} ms`);
	t.true(created[2]! - created[1]! < 25_000);
});

test('with restartPolicy OnFailure the kubelet restarts the container and restarts count toward the limit', t => {
	const cluster = createCluster({seed: 5});
	cluster.apply(job({script: 'exit 1', restartPolicy: 'OnFailure', backoffLimit: 2}));
	cluster.advance(5_000);
	let pods = jobPods(cluster);
	t.is(pods.length, 1);
	t.is(pods[0]!.status!.phase, 'Running', 'OnFailure: the pod stays Running while its container restarts');
	cluster.advance(120_000);
	const failed = cluster.get('job', 'work')!;
	t.deepEqual(conditionTypes(failed), ['FailureTarget', 'Failed']);
	t.is(failed.status.conditions.find((c: {type: string}) => c.type === 'Failed').reason, 'BackoffLimitExceeded');
	pods = jobPods(cluster);
	t.true(pods.length <= 1, 'the restarting pod was deleted');
	t.is(cluster.list('pods', {namespace: 'default'}).filter(p => !p.metadata.deletionTimestamp).length, 0);
});

test('activeDeadlineSeconds fails the Job with DeadlineExceeded and kills its running pods', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply(job({script: 'sleep 3600', activeDeadlineSeconds: 30, parallelism: 2, completions: 4}));
	cluster.advance(29_000);
	t.deepEqual(conditionTypes(cluster.get('job', 'work')), []);
	t.is(cluster.get('job', 'work')!.status.active, 2);
	cluster.advance(1_000);
	const target = cluster.get('job', 'work')!;
	t.deepEqual(conditionTypes(target), ['FailureTarget'], 'the failure target comes first, while pods terminate');
	// `sh` as PID 1 ignores SIGTERM: the pods go when the 30 s grace period ends.
	cluster.advance(35_000);
	const failed = cluster.get('job', 'work')!;
	t.deepEqual(conditionTypes(failed), ['FailureTarget', 'Failed']);
	const condition = failed.status.conditions.find((c: {type: string}) => c.type === 'Failed');
	t.is(condition.reason, 'DeadlineExceeded');
	t.is(condition.message, 'Job was active longer than specified deadline');
	t.is(failed.status.active, undefined);
	t.is(jobPods(cluster).length, 0, 'running pods were deleted');
	t.true(reasons(cluster, failed).includes('Warning DeadlineExceeded: Job was active longer than specified deadline'));
	t.is(reasons(cluster, failed).filter(r => r.includes('SuccessfulDelete')).length, 2);
});

test('an Indexed Job gives each pod its index (name, annotation, label, hostname, env) and lists completed indexes', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply(job({completions: 4, parallelism: 2, completionMode: 'Indexed'}));
	cluster.advance(0);
	const first = jobPods(cluster).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
	t.deepEqual(first.map(p => p.metadata.annotations!['batch.kubernetes.io/job-completion-index']), ['0', '1']);
	t.deepEqual(first.map(p => p.metadata.labels!['batch.kubernetes.io/job-completion-index']), ['0', '1']);
	t.regex(first[0]!.metadata.name, /^work-0-[a-z0-9]{5}$/);
	t.is(first[1]!.spec!.hostname, 'work-1');
	t.is(first[0]!.spec!.containers[0]!.env![0]!.name, 'JOB_COMPLETION_INDEX');
	cluster.advance(30_000);
	const done = cluster.get('job', 'work')!;
	t.is(done.status.completedIndexes, '0-3');
	t.is(done.status.succeeded, 4);
	t.deepEqual(conditionTypes(done), ['SuccessCriteriaMet', 'Complete']);
	const indexes = jobPods(cluster).map(p => p.metadata.labels!['batch.kubernetes.io/job-completion-index']).sort();
	t.deepEqual(indexes, ['0', '1', '2', '3']);
});

test('a suspended Job runs nothing until resumed, with Suspended and Resumed events', t => {
	const cluster = createCluster({seed: 9});
	cluster.apply(job({suspend: true, completions: 1}));
	cluster.advance(5_000);
	let current = cluster.get('job', 'work')!;
	t.is(jobPods(cluster).length, 0);
	t.is(current.status.startTime, undefined);
	t.deepEqual(conditionTypes(current), ['Suspended']);
	cluster.apply({...job({suspend: false, completions: 1})});
	cluster.advance(20_000);
	current = cluster.get('job', 'work')!;
	t.deepEqual(conditionTypes(current), ['SuccessCriteriaMet', 'Complete']);
	const suspended = current.status.conditions.find((c: {type: string}) => c.type === 'Suspended');
	t.is(suspended.status, 'False');
	t.is(suspended.reason, 'JobResumed');
	const seen = reasons(cluster, current);
	t.true(seen.includes('Normal Suspended: Job suspended'));
	t.true(seen.includes('Normal Resumed: Job resumed'));
});

test('ttlSecondsAfterFinished deletes the finished Job after the TTL', t => {
	const cluster = createCluster({seed: 6});
	cluster.apply(job({ttlSecondsAfterFinished: 60}));
	cluster.advance(20_000);
	const finishedAt = Date.parse(cluster.get('job', 'work')!.status.completionTime);
	t.truthy(finishedAt);
	cluster.advance(finishedAt + 59_000 - cluster.now());
	t.truthy(cluster.get('job', 'work'), 'still there before the TTL');
	cluster.advance(1_000);
	t.is(cluster.get('job', 'work'), undefined);
});

test('a work-queue Job (parallelism, no completions) completes when a pod succeeds and none is active', t => {
	const cluster = createCluster({seed: 12});
	cluster.apply(job({parallelism: 3}));
	cluster.advance(0);
	t.is(jobPods(cluster).length, 3);
	cluster.advance(20_000);
	const done = cluster.get('job', 'work')!;
	t.is(done.spec.completions, undefined);
	t.is(done.status.succeeded, 3);
	t.deepEqual(conditionTypes(done), ['SuccessCriteriaMet', 'Complete']);
});

const invalidJobs: Array<{title: string; manifest: unknown; message: string}> = [
	{
		title: 'restartPolicy Always',
		manifest: job({restartPolicy: 'Always'}),
		message: 'Job.batch "work" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
	},
	{
		title: 'negative backoffLimit',
		manifest: job({backoffLimit: -1}),
		message: 'Job.batch "work" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
	},
	{
		title: 'Indexed without completions',
		manifest: job({completionMode: 'Indexed', parallelism: 2}),
		message: 'Job.batch "work" is invalid: spec.completions: Required value: when completion mode is Indexed',
	},
	{
		title: 'a selector without manualSelector',
		manifest: job({selector: {matchLabels: {a: 'b'}}}),
		message: 'Job.batch "work" is invalid: spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` not auto-generated',
	},
];

for (const {title, manifest, message} of invalidJobs) {
	test(`an invalid Job is rejected and changes nothing: ${title}`, t => {
		const cluster = createCluster({seed: 1});
		const error = t.throws(() => cluster.apply(manifest as never), {instanceOf: KubeError});
		t.is(error!.message, message);
		t.is(cluster.list('jobs').length, 0);
		cluster.advance(5_000);
		t.is(cluster.list('pods', {namespace: 'default'}).length, 0);
	});
}

test('a Job template is immutable once created', t => {
	const cluster = createCluster({seed: 1});
	cluster.apply(job({script: 'sleep 60'}));
	const error = t.throws(() => cluster.apply(job({script: 'sleep 61'})), {instanceOf: KubeError});
	t.regex(error!.message, /^Job\.batch "work" is invalid: spec\.template: Invalid value: .*: field is immutable$/);
	// Re-applying the same manifest keeps the generated selector and labels.
	t.notThrows(() => cluster.apply(job({script: 'sleep 60'})));
	t.is(cluster.get('job', 'work')!.metadata.generation, 1);
});

test('a Job\'s selector is immutable once created: an update that changes it is refused, not quietly put back', t => {
	const cluster = createCluster({seed: 1});
	cluster.apply(job({script: 'sleep 60'}));
	const stored = cluster.get('job', 'work')!;
	const error = t.throws(() => cluster.apply({...stored, metadata: {name: 'work', namespace: 'default'}, spec: {...stored.spec, selector: {matchLabels: {a: 'b'}}}} as never), {instanceOf: KubeError});
	// kubectl apply's merge adds the key to the live selector, which the API server then refuses.
	t.is(error!.message, `Job.batch "work" is invalid: spec.selector: Invalid value: {"matchLabels":{"batch.kubernetes.io/controller-uid":"${stored.metadata.uid}","a":"b"}}: field is immutable`);
	t.deepEqual(cluster.get('job', 'work')!.spec.selector, stored.spec.selector);
});

test('job pod-failure back-off and completed-index text', t => {
	const cases: Array<[number, number | undefined, number, number]> = [
		[0, undefined, 0, 0],
		[1, 0, 0, 10_000],
		[1, 0, 4_000, 6_000],
		[2, 0, 0, 20_000],
		[3, 0, 0, 40_000],
		[3, 0, 50_000, 0],
		[20, 0, 0, 600_000],
	];
	for (const [failures, last, now, expected] of cases) t.is(remainingBackoffMs(failures, last, now), expected, `${failures} failures at ${now}`);
	t.is(formatIndexes([0, 1, 2, 4, 6, 7]), '0-2,4,6,7');
	t.is(formatIndexes([]), '');
	t.deepEqual([...parseIndexes('0-2,4,6,7', 7)].sort(), [0, 1, 2, 4, 6]);
});

test('deleting a running Job releases its pods\' tracking finalizers so they go too', t => {
	const cluster = createCluster({seed: 13});
	cluster.apply(job({script: 'sleep 3600', parallelism: 2, completions: 4}));
	cluster.advance(10_000);
	t.is(jobPods(cluster).length, 2);
	t.true(jobPods(cluster).every(p => p.metadata.finalizers?.includes('batch.kubernetes.io/job-tracking')));
	cluster.delete('job', 'work');
	cluster.advance(40_000);
	t.is(cluster.get('job', 'work'), undefined);
	t.deepEqual(cluster.list('pods', {namespace: 'default'}), []);
});

test('a pod deleted by hand counts as failed and is replaced after the failure back-off', t => {
	const cluster = createCluster({seed: 14});
	cluster.apply(job({script: 'sleep 3600', backoffLimit: 3}));
	cluster.advance(10_000);
	const [first] = jobPods(cluster);
	cluster.delete('pod', first!.metadata.name);
	cluster.advance(1_000);
	const current = cluster.get('job', 'work')!;
	t.is(current.status.failed, 1);
	t.is(current.status.terminating, 1, 'the deleted pod is still terminating');
	t.is(current.status.active, undefined, 'the replacement waits out the 10 s failure back-off');
	cluster.advance(10_000);
	t.is(cluster.get('job', 'work')!.status.active, 1);
	t.is(jobPods(cluster, 'work').filter(p => !p.metadata.deletionTimestamp).length, 1);
});

test('suspending a running Job stops its pods without counting them as failed', t => {
	const cluster = createCluster({seed: 15});
	cluster.apply(job({script: 'sleep 3600', parallelism: 2, completions: 2}));
	cluster.advance(10_000);
	t.is(cluster.get('job', 'work')!.status.active, 2);
	cluster.apply(job({script: 'sleep 3600', parallelism: 2, completions: 2, suspend: true}));
	cluster.advance(40_000);
	const suspended = cluster.get('job', 'work')!;
	t.is(suspended.status.failed, undefined);
	t.is(suspended.status.active, undefined);
	t.deepEqual(conditionTypes(suspended), ['Suspended']);
	t.is(jobPods(cluster).length, 0);
	t.true(reasons(cluster, suspended).filter(r => r.startsWith('Normal SuccessfulDelete')).length === 2);
});

test('a Job with a manual selector adopts the running pods an orphaning delete of its predecessor left', t => {
	const cluster = createCluster({seed: 1});
	const batch = () => {
		const manifest = job({script: 'sleep 3600', parallelism: 2, completions: 2, manualSelector: true, selector: {matchLabels: {app: 'batch'}}});
		return {...manifest, spec: {...manifest.spec, template: {...manifest.spec.template, metadata: {labels: {app: 'batch'}}}}};
	};
	cluster.apply(batch());
	cluster.advance(20_000);
	const pods = () => (cluster.list('pods', {namespace: 'default', labelSelector: 'app=batch'}) as Pod[]).filter(p => !p.metadata.deletionTimestamp);
	const before = pods().map(p => p.metadata.uid).sort();
	t.is(before.length, 2);
	cluster.delete('job', 'work', {propagationPolicy: 'Orphan'});
	cluster.advance(5000);
	t.true(pods().every(p => !p.metadata.ownerReferences?.some(r => r.controller)));
	cluster.apply(batch());
	cluster.advance(20_000);
	const adopted = cluster.get('job', 'work')!;
	t.deepEqual(pods().map(p => p.metadata.uid).sort(), before, 'the same pods, no new ones');
	t.true(pods().every(p => p.metadata.ownerReferences?.some(r => r.controller && r.uid === adopted.metadata.uid)));
	t.is(adopted.status?.active, 2);
	t.deepEqual(cluster.controllerErrors(), []);
});

test('podFailurePolicy FailJob: an exit code the policy names fails the Job at once, with the controller\'s message', t => {
	const cluster = createCluster({seed: 31, nodes: 1});
	cluster.apply(job({script: 'exit 42', backoffLimit: 6, podFailurePolicy: {rules: [
		{action: 'Ignore', onPodConditions: [{type: 'DisruptionTarget'}]},
		{action: 'FailJob', onExitCodes: {containerName: 'main', operator: 'In', values: [42]}},
	]}}));
	const stored = cluster.get('job', 'work')!;
	t.is(stored.spec.podReplacementPolicy, 'Failed');
	t.is(stored.spec.podFailurePolicy.rules[0].onPodConditions[0].status, 'True');
	cluster.advance(30_000);
	const done = cluster.get('job', 'work')!;
	const pods = jobPods(cluster);
	t.is(pods.length, 1, 'no retry');
	const message = `Container main for pod default/${pods[0]!.metadata.name} failed with exit code 42 matching FailJob rule at index 1`;
	t.like(done.status.conditions.find((c: {type: string}) => c.type === 'Failed'), {status: 'True', reason: 'PodFailurePolicy', message});
	t.like(done.status.conditions.find((c: {type: string}) => c.type === 'FailureTarget'), {reason: 'PodFailurePolicy', message});
	t.is(done.status.failed, 1);
	t.true(reasons(cluster, done).includes(`Warning PodFailurePolicy: ${message}`));
});

test('podFailurePolicy Ignore: a failure it matches does not count toward backoffLimit and the pod is replaced', t => {
	const cluster = createCluster({seed: 32, nodes: 1});
	const manifest = job({
		script: 'if [ -f /state/ran ]; then exit 0; fi; touch /state/ran; exit 3',
		backoffLimit: 0,
		podFailurePolicy: {rules: [{action: 'Ignore', onExitCodes: {operator: 'In', values: [3]}}]},
	});
	manifest.spec.template.spec = {...manifest.spec.template.spec, volumes: [{name: 'state', hostPath: {path: '/tmp/job-state'}}]} as never;
	(manifest.spec.template.spec.containers[0] as Record<string, unknown>)['volumeMounts'] = [{name: 'state', mountPath: '/state'}];
	cluster.apply(manifest);
	cluster.advance(60_000);
	const done = cluster.get('job', 'work')!;
	t.deepEqual(conditionTypes(done), ['SuccessCriteriaMet', 'Complete']);
	t.is(done.status.failed, undefined, 'the ignored failure is not counted');
	t.is(jobPods(cluster).length, 2);
});

test('backoffLimitPerIndex: an index that fails past its own limit is marked failed and not retried, the others complete, and the Job fails with FailedIndexes', t => {
	const cluster = createCluster({seed: 33, nodes: 2});
	cluster.apply(job({script: '[ "$JOB_COMPLETION_INDEX" = 1 ] && exit 1; exit 0', completions: 3, parallelism: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1}));
	t.is(cluster.get('job', 'work')!.spec.backoffLimit, 2147483647);
	cluster.advance(120_000);
	const done = cluster.get('job', 'work')!;
	t.is(done.status.completedIndexes, '0,2');
	t.is(done.status.failedIndexes, '1');
	t.is(done.status.failed, 2);
	t.like(done.status.conditions.find((c: {type: string}) => c.type === 'Failed'), {status: 'True', reason: 'FailedIndexes', message: 'Job has failed indexes'});
	const index1 = jobPods(cluster).filter(p => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '1');
	t.deepEqual(index1.map(p => p.metadata.annotations!['batch.kubernetes.io/job-index-failure-count']).sort(), ['0', '1']);
});

test('maxFailedIndexes: more failed indexes than allowed fails the Job with MaxFailedIndexesExceeded', t => {
	const cluster = createCluster({seed: 34, nodes: 2});
	cluster.apply(job({script: 'exit 1', completions: 4, parallelism: 2, completionMode: 'Indexed', backoffLimitPerIndex: 0, maxFailedIndexes: 1}));
	cluster.advance(60_000);
	const done = cluster.get('job', 'work')!;
	t.like(done.status.conditions.find((c: {type: string}) => c.type === 'Failed'), {reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes'});
});

test('podFailurePolicy and backoffLimitPerIndex are validated with the API server\'s messages', t => {
	const cluster = createCluster({seed: 35, nodes: 1});
	const refuse = (manifest: unknown, message: string) => {
		const error = t.throws(() => cluster.apply(manifest as never), {instanceOf: KubeError})!;
		t.true(error.message.includes(message), error.message);
	};
	refuse(job({restartPolicy: 'OnFailure', podFailurePolicy: {rules: [{action: 'FailJob', onExitCodes: {operator: 'In', values: [1]}}]}}),
		'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified');
	refuse(job({backoffLimitPerIndex: 1}), 'spec.backoffLimitPerIndex: Forbidden: requires indexed completion mode');
	refuse(job({completions: 2, completionMode: 'Indexed', podFailurePolicy: {rules: [{action: 'FailIndex', onExitCodes: {operator: 'In', values: [1]}}]}}),
		'spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set');
	t.is(cluster.list('job').length, 0);
});
