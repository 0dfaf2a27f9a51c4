import type {Controller, ControllerContext} from '../controller.js';
import type {Condition, Container, KubeObject, Pod, PodSpec} from '../api/types.js';
import type {Job, JobStatus, PodFailurePolicy, PodFailurePolicyAction} from '../api/batch-objects.js';
import {applyDefaults} from '../api/defaults.js';
import {keyOf} from '../store.js';
import {adoptersOf, claimObjects, controlledBy, newControllerRef, orphanPods, SelectorCache, writeStatusIfChanged} from './controller-utils.js';
import {matchesLabels, type Selector} from '../api/selectors.js';
import {rfc3339} from '../clock.js';
import {deleteObject} from '../deletion.js';
import '../api/batch-objects.js';
import {
	formatIndexes, hasCondition, isPodFailed, isPodReady, isTerminal, nextIndexes, parseIndexes,
	podChangeMatters, podFinishedAt, podIndex, podRestarts, remainingBackoffMs, setCondition,
} from './job-util.js';

export const jobControllerName = 'job-controller';
/** Finalizer that keeps a finished pod until the Job has counted it. */
export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
/** Annotation and label with an Indexed Job pod's completion index. */
export const completionIndexKey = 'batch.kubernetes.io/job-completion-index';


/** Annotation with the failures an Indexed Job's index had before this pod (backoffLimitPerIndex). */
export const indexFailureCountKey = 'batch.kubernetes.io/job-index-failure-count';

function indexFailureCount(pod: Pod): number {
	const text = pod.metadata.annotations?.[indexFailureCountKey];
	return text && /^\d+$/.test(text) ? Number(text) : 0;
}

/**
 * `matchPodFailurePolicy`: the first rule whose exit codes (a non-zero exit
 * of a terminated container, by name if given) or pod conditions match the
 * failed pod. Ignore does not count the failure; FailJob fails the Job with
 * the message kubectl describe shows; FailIndex fails the pod's index.
 */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): {count: boolean; action?: PodFailurePolicyAction; message?: string} {
	for (const [index, rule] of (policy?.rules ?? []).entries()) {
		if (!['FailJob', 'FailIndex', 'Ignore', 'Count'].includes(rule.action)) continue;
		let message: string | undefined;
		if (rule.onExitCodes) {
			const requirement = rule.onExitCodes;
			const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
			const hit = statuses.find(status => {
				const code = status.state?.terminated?.exitCode;
				if (code === undefined || code === 0) return false;
				if (requirement.containerName && requirement.containerName !== status.name) return false;
				return requirement.values.includes(code) === (requirement.operator === 'In');
			});
			if (!hit) continue;
			message = `Container ${hit.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${hit.state!.terminated!.exitCode} matching ${rule.action} rule at index ${index}`;
		} else if (rule.onPodConditions) {
			const hit = (pod.status?.conditions ?? []).find(c => rule.onPodConditions!.some(p => p.type === c.type && (p.status ?? 'True') === c.status));
			if (!hit) continue;
			message = `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${hit.type} matching ${rule.action} rule at index ${index}`;
		} else continue;
		return {count: rule.action !== 'Ignore', action: rule.action, ...(rule.action === 'FailJob' ? {message} : {})};
	}
	return {count: true};
}

/** Per-job memory the API does not hold (as the controller's backoff store). */
type BackoffRecord = {failures: number; lastFailureMs?: number};

/**
 * The Job controller: runs pods to `completions` with `parallelism` at a
 * time (NonIndexed or Indexed), counts finished pods through the
 * job-tracking finalizer, re-creates failed pods with the 10 s doubling
 * back-off, fails the Job past `backoffLimit` or `activeDeadlineSeconds`,
 * suspends and resumes, and deletes a finished Job after
 * `ttlSecondsAfterFinished` (the TTL-after-finished controller's job).
 */
export function createJobController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const backoffs = new Map<string, BackoffRecord>();
	/** Saved: each Job's failures and when the last one was counted (null: none yet). */
	context.state.register<Array<[uid: string, failures: number, lastFailureMs: number | null]>>('job', {
		save: () => [...backoffs].map(([uid, {failures, lastFailureMs}]) => [uid, failures, lastFailureMs ?? null]),
		load(saved) {
			backoffs.clear();
			for (const [uid, failures, lastFailureMs] of saved) backoffs.set(uid, lastFailureMs === null ? {failures} : {failures, lastFailureMs});
		},
	});
	const source = {component: jobControllerName};

	const queue = () => context.queue(jobControllerName);
	const orphans = orphanPods(context);
	const selectors = new SelectorCache();
	store.subscribe(({type, object}) => {
		if (type === 'DELETED') selectors.forget(object.metadata.uid);
	}, ['Job']);

	/**
	 * `getPodsForJob`: the pods the Job controls, once orphans its selector
	 * matches are adopted and owned pods it no longer matches are released.
	 */
	function ownedPods(job: Job): Pod[] {
		let selector: Selector;
		try {
			selector = selectors.for(job);
		} catch {
			return controlledBy<Pod>(store, job, 'Pod');
		}
		return claimObjects<Pod>(store, job, pod => matchesLabels(selector, pod.metadata.labels), {
			owned: store.dependentsOf(job.metadata.uid, 'Pod') as Pod[],
			orphans: [...orphans.in(job.metadata.namespace)],
		});
	}

	function removeFinalizer(pod: Pod): void {
		if (!pod.metadata.finalizers?.includes(jobTrackingFinalizer)) return;
		store.patch(pod, draft => {
			draft.metadata.finalizers = draft.metadata.finalizers!.filter(f => f !== jobTrackingFinalizer);
			if (draft.metadata.finalizers.length === 0) delete draft.metadata.finalizers;
		});
	}

	function deletePod(job: Job, pod: Pod): void {
		if (pod.metadata.deletionTimestamp) return;
		store.markDeleted(pod, pod.spec?.terminationGracePeriodSeconds ?? 30);
		events.normal(job, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
	}

	/** The failures an index has had so far: its latest failed pod's count, plus one when the policy counted it. */
	function nextIndexFailureCount(job: Job, pods: Pod[], index: number): number {
		let latest: Pod | undefined;
		for (const pod of pods) {
			if (!isPodFailed(pod) || podIndex(pod, completionIndexKey) !== index) continue;
			if (!latest || podFinishedAt(pod, 0) >= podFinishedAt(latest, 0)) latest = pod;
		}
		if (!latest) return 0;
		return indexFailureCount(latest) + (matchPodFailurePolicy(job.spec!.podFailurePolicy, latest).count ? 1 : 0);
	}

	/** Create one pod; false when the API refused it (recorded as FailedCreate, the Job retried with backoff). */
	function createPod(job: Job, index: number | undefined, failureCount?: number): boolean {
		const template = job.spec!.template;
		const name = job.metadata.name;
		const labels = {...template.metadata?.labels};
		const annotations = {...template.metadata?.annotations};
		let spec: PodSpec = {...template.spec};
		let generateName = `${name}-`;
		if (index !== undefined) {
			generateName = `${name}-${index}-`;
			annotations[completionIndexKey] = String(index);
			if (failureCount !== undefined) annotations[indexFailureCountKey] = String(failureCount);
			labels[completionIndexKey] = String(index);
			spec = {
				...spec,
				hostname: spec.hostname || `${name}-${index}`,
				containers: spec.containers.map(withIndexEnv),
				...(spec.initContainers ? {initContainers: spec.initContainers.map(withIndexEnv)} : {}),
			};
		}
		const pod = applyDefaults({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {
				name: '',
				generateName,
				namespace: job.metadata.namespace,
				labels,
				...(Object.keys(annotations).length > 0 ? {annotations} : {}),
				ownerReferences: [newControllerRef(job)],
				finalizers: [jobTrackingFinalizer],
				uid: '', resourceVersion: '', creationTimestamp: '',
			},
			spec,
		}) as Pod;
		let created: KubeObject;
		try {
			created = store.create(pod);
		} catch (error) {
			// RealPodControl records the refusal (a quota, a LimitRange) before the sync fails and is retried.
			events.warning(job, 'FailedCreate', `Error creating: ${(error as Error).message}`, source);
			queue().addRateLimited(keyOf(job));
			return false;
		}
		events.normal(job, 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, source);
		return true;
	}

	/** Pod deletion order: unscheduled, pending, not ready, then newest first (controller.ActivePods). */
	function deletionOrder(a: Pod, b: Pod): number {
		const rank = (pod: Pod) => (pod.spec?.nodeName ? 1 : 0) * 4 + (pod.status?.phase === 'Running' ? 2 : 0) + (isPodReady(pod) ? 1 : 0);
		return rank(a) - rank(b) || b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp);
	}

	function syncJob(key: string): void {
		const job = store.getByKey('Job', key) as Job | undefined;
		if (!job) return;
		const spec = job.spec!;
		const now = clock.now();
		const nowText = rfc3339(now);
		const status: JobStatus = {...job.status};
		let conditions = [...(status.conditions ?? [])];
		const pods = ownedPods(job);
		if (job.metadata.deletionTimestamp) {
			// A Job being deleted lets go of its pods.
			for (const pod of pods) removeFinalizer(pod);
			return;
		}
		const indexed = spec.completionMode === 'Indexed';
		const completions = spec.completions;
		const finished = hasCondition(conditions, 'Complete') ?? hasCondition(conditions, 'Failed');

		// Count pods that finished since the last sync, then let them go.
		const doneIndexes = indexed ? parseIndexes(status.completedIndexes, completions ?? 0) : new Set<number>();
		const perIndex = indexed && spec.backoffLimitPerIndex !== undefined;
		const failedIndexes = perIndex ? parseIndexes(status.failedIndexes, completions ?? 0) : new Set<number>();
		let failJobMessage: string | undefined;
		let succeeded = status.succeeded ?? 0;
		let failed = status.failed ?? 0;
		let record = backoffs.get(job.metadata.uid) ?? {failures: 0};
		for (const pod of pods) {
			if (!pod.metadata.finalizers?.includes(jobTrackingFinalizer)) continue;
			if (spec.suspend === true && pod.metadata.deletionTimestamp && !isTerminal(pod)) {
				// Pods stopped by a suspension are not failures.
				removeFinalizer(pod);
				continue;
			}
			if (pod.status?.phase === 'Succeeded') {
				if (indexed) {
					const index = podIndex(pod, completionIndexKey);
					if (index !== undefined && index < (completions ?? 0) && !doneIndexes.has(index)) {
						doneIndexes.add(index);
						succeeded++;
					}
				} else {
					succeeded++;
				}
				record = {failures: 0};
			} else if (isPodFailed(pod) || (finished && isTerminal(pod))) {
				const match = !finished && isTerminal(pod) ? matchPodFailurePolicy(spec.podFailurePolicy, pod) : {count: true};
				if (match.count) {
					failed++;
					const at = podFinishedAt(pod, now);
					record = {failures: record.failures + 1, lastFailureMs: Math.max(record.lastFailureMs ?? at, at)};
				}
				if (match.action === 'FailJob') failJobMessage ??= match.message;
				const index = perIndex ? podIndex(pod, completionIndexKey) : undefined;
				if (index !== undefined && !doneIndexes.has(index)
					&& (match.action === 'FailIndex' || (match.count && indexFailureCount(pod) >= spec.backoffLimitPerIndex!))) failedIndexes.add(index);
			} else if (!finished) {
				continue;
			}
			removeFinalizer(pod);
		}
		backoffs.set(job.metadata.uid, record);

		const active = pods.filter(p => !isTerminal(p) && !p.metadata.deletionTimestamp);
		const terminating = pods.filter(p => !isTerminal(p) && p.metadata.deletionTimestamp).length;

		if (finished) {
			// A finished Job keeps its pods; only the TTL is left to watch.
			writeStatus(job, {...status, conditions, succeeded, failed, active: active.length, ready: active.filter(isPodReady).length, terminating});
			expireAfterTtl(job, finished);
			return;
		}

		const suspended = spec.suspend === true;
		if (!suspended && !status.startTime) status.startTime = nowText;

		// Terminal decisions: a failure target, then success, then suspension.
		let failureTarget = hasCondition(conditions, 'FailureTarget');
		let successMet = hasCondition(conditions, 'SuccessCriteriaMet');
		if (!failureTarget && !successMet) {
			const backoffLimit = spec.backoffLimit ?? 6;
			const onFailureRestarts = spec.template.spec.restartPolicy === 'OnFailure'
				? active.reduce((sum, pod) => sum + podRestarts(pod), 0)
				: 0;
			const pastRestartLimit = spec.template.spec.restartPolicy === 'OnFailure'
				&& (backoffLimit === 0 ? onFailureRestarts > 0 : onFailureRestarts >= backoffLimit);
			const deadline = spec.activeDeadlineSeconds;
			const startedAt = status.startTime ? Date.parse(status.startTime) : now;
			const maxFailedIndexes = spec.maxFailedIndexes;
			if (failJobMessage) {
				failureTarget = condition('FailureTarget', 'PodFailurePolicy', failJobMessage, nowText);
			} else if (perIndex && maxFailedIndexes !== undefined && failedIndexes.size > maxFailedIndexes) {
				failureTarget = condition('FailureTarget', 'MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes', nowText);
			} else if (perIndex && failedIndexes.size > 0 && doneIndexes.size + failedIndexes.size >= (completions ?? 0)) {
				failureTarget = condition('FailureTarget', 'FailedIndexes', 'Job has failed indexes', nowText);
			} else if (failed > backoffLimit || pastRestartLimit) {
				failureTarget = condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', nowText);
			} else if (deadline !== undefined && !suspended && now - startedAt >= deadline * 1000) {
				failureTarget = condition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', nowText);
			} else if (deadline !== undefined && !suspended) {
				queue().addAfter(key, startedAt + deadline * 1000 - now);
			}
			if (failureTarget) conditions = setCondition(conditions, failureTarget);
		}
		if (!failureTarget && !successMet) {
			const complete = completions === undefined
				? succeeded > 0 && active.length === 0
				: (indexed ? doneIndexes.size : succeeded) >= completions;
			if (complete) {
				successMet = condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', nowText);
				conditions = setCondition(conditions, successMet);
			}
		}

		let activeCount = active.length;
		if (failureTarget || successMet) {
			// Stop what still runs; the terminal condition waits for it to go.
			for (const pod of active) deletePod(job, pod);
			activeCount = 0;
			const stillRunning = terminating + active.length;
			if (stillRunning === 0) {
				if (failureTarget) {
					conditions = setCondition(conditions, condition('Failed', failureTarget.reason!, failureTarget.message!, nowText));
					events.warning(job, failureTarget.reason!, failureTarget.message!, source);
				} else {
					conditions = setCondition(conditions, condition('Complete', successMet!.reason!, successMet!.message!, nowText));
					status.completionTime = nowText;
					events.normal(job, 'Completed', 'Job completed', source);
				}
			}
		} else if (suspended) {
			for (const pod of active) deletePod(job, pod);
			activeCount = 0;
			if (!hasCondition(conditions, 'Suspended')) {
				conditions = setCondition(conditions, condition('Suspended', 'JobSuspended', 'Job suspended', nowText));
				events.normal(job, 'Suspended', 'Job suspended', source);
			}
		} else {
			const wasSuspended = hasCondition(conditions, 'Suspended');
			if (wasSuspended) {
				conditions = setCondition(conditions, {...condition('Suspended', 'JobResumed', 'Job resumed', nowText), status: 'False'});
				events.normal(job, 'Resumed', 'Job resumed', source);
				status.startTime = nowText;
				if (spec.activeDeadlineSeconds !== undefined) queue().addAfter(key, spec.activeDeadlineSeconds * 1000);
			}
			activeCount = manageActive(job, active, indexed ? new Set([...doneIndexes, ...failedIndexes]) : undefined, succeeded, record, key, pods);
		}

		if (indexed) status.completedIndexes = formatIndexes(doneIndexes);
		if (perIndex) status.failedIndexes = formatIndexes(failedIndexes);
		const stillActive = failureTarget || successMet || suspended ? [] : active;
		writeStatus(job, {
			...status,
			conditions,
			active: activeCount,
			succeeded,
			failed,
			ready: stillActive.filter(isPodReady).length,
			terminating: terminating + (active.length - stillActive.length),
		});
	}

	/** manageJob: bring the active pods to the wanted count. Returns the new active count. */
	function manageActive(job: Job, active: Pod[], doneIndexes: Set<number> | undefined, succeeded: number, record: BackoffRecord, key: string, pods: Pod[]): number {
		const spec = job.spec!;
		const parallelism = spec.parallelism ?? 1;
		let want: number;
		if (spec.completions === undefined) want = succeeded > 0 ? active.length : parallelism;
		else want = Math.max(0, Math.min(parallelism, spec.completions - (doneIndexes ? doneIndexes.size : succeeded)));

		if (doneIndexes) {
			// Indexed: one pod per index still to do; duplicates and finished indexes go.
			const seen = new Set<number>();
			const keep: Pod[] = [];
			for (const pod of [...active].sort((a, b) => -deletionOrder(a, b))) {
				const index = podIndex(pod, completionIndexKey);
				if (index === undefined || index >= spec.completions! || doneIndexes.has(index) || seen.has(index)) deletePod(job, pod);
				else {
					seen.add(index);
					keep.push(pod);
				}
			}
			active = keep;
		}
		if (active.length > want) {
			const excess = [...active].sort(deletionOrder).slice(0, active.length - want);
			for (const pod of excess) deletePod(job, pod);
			return want;
		}
		if (active.length < want) {
			const wait = remainingBackoffMs(record.failures, record.lastFailureMs, clock.now());
			if (wait > 0) {
				queue().addAfter(key, wait);
				return active.length;
			}
			const count = want - active.length;
			// A refused create (a quota, a LimitRange) ends the batch; the key is retried with its backoff.
			let created = 0;
			if (doneIndexes) {
				const running = new Set(active.map(p => podIndex(p, completionIndexKey)!));
				for (const index of nextIndexes(spec.completions!, doneIndexes, running, count)) {
					if (!createPod(job, index, spec.backoffLimitPerIndex === undefined ? undefined : nextIndexFailureCount(job, pods, index))) break;
					created++;
				}
			} else {
				for (let i = 0; i < count; i++) {
					if (!createPod(job, undefined)) break;
					created++;
				}
			}
			return active.length + created;
		}
		return active.length;
	}

	function condition(type: string, reason: string, message: string, now: string): Condition {
		return {type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message};
	}

	function writeStatus(job: Job, next: JobStatus): void {
		const status: JobStatus = {};
		if (next.conditions && next.conditions.length > 0) status.conditions = next.conditions;
		if (next.startTime) status.startTime = next.startTime;
		if (next.completionTime) status.completionTime = next.completionTime;
		if (next.active) status.active = next.active;
		if (next.succeeded) status.succeeded = next.succeeded;
		if (next.failed) status.failed = next.failed;
		if (next.completedIndexes !== undefined && job.spec?.completionMode === 'Indexed') status.completedIndexes = next.completedIndexes;
		if (next.failedIndexes !== undefined && job.spec?.backoffLimitPerIndex !== undefined) status.failedIndexes = next.failedIndexes;
		status.ready = next.ready ?? 0;
		status.terminating = next.terminating ?? 0;
		status.uncountedTerminatedPods = {};
		writeStatusIfChanged(store, job, status);
	}

	/** ttlSecondsAfterFinished: delete the Job (and, through the garbage collector, its pods) once the TTL has run out. */
	function expireAfterTtl(job: Job, finished: Condition): void {
		const ttl = job.spec?.ttlSecondsAfterFinished;
		if (ttl === undefined || job.metadata.deletionTimestamp) return;
		const finishedAt = Date.parse(job.status?.completionTime ?? finished.lastTransitionTime ?? '') || clock.now();
		const expireAt = finishedAt + ttl * 1000;
		if (clock.now() < expireAt) {
			queue().addAfter(keyOf(job), expireAt - clock.now());
			return;
		}
		// The TTL-after-finished controller deletes in the foreground: pods first.
		deleteObject(context, job, 'Foreground');
	}

	/** The Job is gone: its pods' tracking finalizers must not hold them. */
	function releaseOrphans(uid: string): void {
		backoffs.delete(uid);
		for (const pod of store.dependentsOf(uid, 'Pod') as Pod[]) removeFinalizer(pod);
	}

	return {
		name: jobControllerName,
		watches: {
			Job: ({type, object}) => (type === 'DELETED' ? `deleted:${object.metadata.uid}` : keyOf(object)),
			Pod: ({type, object, old}) => {
				const ref = object.metadata.ownerReferences?.find(r => r.controller && r.kind === 'Job');
				if (!ref) return type === 'DELETED' ? undefined : adoptersOf(store, selectors, 'Job', object, old);
				if (type === 'MODIFIED' && !podChangeMatters(object as Pod, old as Pod | undefined)) return undefined;
				const owner = store.getByUid(ref.uid);
				return owner ? keyOf(owner) : `deleted:${ref.uid}`;
			},
		},
		sync(key) {
			if (key.startsWith('deleted:')) releaseOrphans(key.slice('deleted:'.length));
			else syncJob(key);
		},
	};
}

function withIndexEnv(container: Container): Container {
	const env = (container.env ?? []).filter(e => e.name !== 'JOB_COMPLETION_INDEX');
	return {
		...container,
		env: [{name: 'JOB_COMPLETION_INDEX', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: `metadata.labels['${completionIndexKey}']`}}}, ...env],
	};
}
