/** Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs. */
import type {KubeObject, Volume} from '../../../engine/index.js';
import {Writer, annotations, conditionsTable, controlledBy, header, labels, mapSelectorText, podsStatus, selectorText, type DescribeSource} from './writer.js';
import {rfc1123z, since} from '../time-format.js';
import {podTemplate} from './pods.js';

export function describeDeployment(w: Writer, deployment: KubeObject, source: DescribeSource): void {
	const spec = deployment.spec ?? {};
	const status = deployment.status ?? {};
	header(w, deployment);
	w.line(0, 'CreationTimestamp:', rfc1123z(deployment.metadata.creationTimestamp));
	labels(w, 0, 'Labels', deployment.metadata.labels);
	annotations(w, 0, deployment.metadata.annotations);
	w.line(0, 'Selector:', selectorText(spec.selector));
	w.line(0, 'Replicas:', `${spec.replicas ?? 1} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable`);
	w.line(0, 'StrategyType:', spec.strategy?.type ?? 'RollingUpdate');
	w.line(0, 'MinReadySeconds:', spec.minReadySeconds ?? 0);
	if (spec.strategy?.rollingUpdate) {
		const ru = spec.strategy.rollingUpdate;
		w.line(0, 'RollingUpdateStrategy:', `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`);
	}
	podTemplate(w, spec.template);
	conditionsTable(w, status.conditions);
	const sets = source.list('ReplicaSet', {namespace: deployment.metadata.namespace})
		.filter(rs => rs.metadata.ownerReferences?.some(reference => reference.uid === deployment.metadata.uid));
	const revision = (rs: KubeObject) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
	const newest = sets.reduce<KubeObject | undefined>((best, rs) => (!best || revision(rs) > revision(best) ? rs : best), undefined);
	const old = sets.filter(rs => rs !== newest && ((rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0));
	const created = (rs: KubeObject) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`;
	w.line(0, 'OldReplicaSets:', old.length === 0 ? '<none>' : old.map(created).join(', '));
	w.line(0, 'NewReplicaSet:', newest ? created(newest) : '<none>');
}

export function describeReplicaSet(w: Writer, rs: KubeObject, source: DescribeSource): void {
	header(w, rs);
	w.line(0, 'Selector:', selectorText(rs.spec?.selector));
	labels(w, 0, 'Labels', rs.metadata.labels);
	annotations(w, 0, rs.metadata.annotations);
	controlledBy(w, rs);
	w.line(0, 'Replicas:', `${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired`);
	w.line(0, 'Pods Status:', podsStatus(source, rs));
	podTemplate(w, rs.spec?.template);
	conditionsTable(w, rs.status?.conditions);
}

export function describeStatefulSet(w: Writer, sts: KubeObject, source: DescribeSource): void {
	const spec = sts.spec ?? {};
	header(w, sts);
	w.line(0, 'CreationTimestamp:', rfc1123z(sts.metadata.creationTimestamp));
	w.line(0, 'Selector:', selectorText(spec.selector));
	labels(w, 0, 'Labels', sts.metadata.labels);
	annotations(w, 0, sts.metadata.annotations);
	w.line(0, 'Replicas:', `${spec.replicas ?? 1} desired | ${sts.status?.replicas ?? 0} total`);
	w.line(0, 'Update Strategy:', spec.updateStrategy?.type ?? 'RollingUpdate');
	if (spec.updateStrategy?.rollingUpdate?.partition !== undefined) w.line(1, 'Partition:', spec.updateStrategy.rollingUpdate.partition);
	w.line(0, 'Pods Status:', podsStatus(source, sts));
	podTemplate(w, spec.template);
	const claims: KubeObject[] = spec.volumeClaimTemplates ?? [];
	if (claims.length === 0) w.line(0, 'Volume Claims:', '<none>');
	else {
		w.line(0, 'Volume Claims:');
		for (const claim of claims) {
			w.line(1, 'Name:', claim.metadata?.name);
			w.line(1, 'StorageClass:', claim.spec?.storageClassName ?? '');
			labels(w, 1, 'Labels', claim.metadata?.labels);
			annotations(w, 1, claim.metadata?.annotations);
			w.line(1, 'Capacity:', claim.spec?.resources?.requests?.storage ?? '');
			w.line(1, 'Access Modes:', `[${(claim.spec?.accessModes ?? []).join(' ')}]`);
		}
	}
}

export function describeDaemonSet(w: Writer, ds: KubeObject, source: DescribeSource): void {
	const status = ds.status ?? {};
	header(w, ds);
	w.line(0, 'Selector:', selectorText(ds.spec?.selector));
	w.line(0, 'Node-Selector:', mapSelectorText(ds.spec?.template?.spec?.nodeSelector));
	labels(w, 0, 'Labels', ds.metadata.labels);
	annotations(w, 0, ds.metadata.annotations);
	w.line(0, 'Desired Number of Nodes Scheduled:', status.desiredNumberScheduled ?? 0);
	w.line(0, 'Current Number of Nodes Scheduled:', status.currentNumberScheduled ?? 0);
	w.line(0, 'Number of Nodes Scheduled with Up-to-date Pods:', status.updatedNumberScheduled ?? 0);
	w.line(0, 'Number of Nodes Scheduled with Available Pods:', status.numberAvailable ?? 0);
	w.line(0, 'Number of Nodes Misscheduled:', status.numberMisscheduled ?? 0);
	w.line(0, 'Pods Status:', podsStatus(source, ds));
	podTemplate(w, ds.spec?.template);
}

export function describeJob(w: Writer, job: KubeObject, source: DescribeSource): void {
	const spec = job.spec ?? {};
	const status = job.status ?? {};
	header(w, job);
	w.line(0, 'Selector:', selectorText(spec.selector));
	labels(w, 0, 'Labels', job.metadata.labels);
	annotations(w, 0, job.metadata.annotations);
	controlledBy(w, job);
	w.line(0, 'Parallelism:', spec.parallelism ?? 1);
	w.line(0, 'Completions:', spec.completions ?? '<unset>');
	w.line(0, 'Completion Mode:', spec.completionMode ?? 'NonIndexed');
	w.line(0, 'Suspend:', spec.suspend ?? false);
	w.line(0, 'Backoff Limit:', spec.backoffLimit ?? 6);
	if (status.startTime) w.line(0, 'Start Time:', rfc1123z(status.startTime));
	if (status.completionTime) {
		w.line(0, 'Completed At:', rfc1123z(status.completionTime));
		if (status.startTime) w.line(0, 'Duration:', since(status.startTime, Date.parse(status.completionTime)));
	}
	w.line(0, 'Pods Statuses:', `${status.active ?? 0} Active (${status.ready ?? 0} Ready) / ${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed`);
	podTemplate(w, spec.template);
	void source;
}

export function describeCronJob(w: Writer, cronJob: KubeObject, _source: DescribeSource): void {
	const spec = cronJob.spec ?? {};
	const status = cronJob.status ?? {};
	header(w, cronJob);
	labels(w, 0, 'Labels', cronJob.metadata.labels);
	annotations(w, 0, cronJob.metadata.annotations);
	w.line(0, 'Schedule:', spec.schedule ?? '');
	w.line(0, 'Concurrency Policy:', spec.concurrencyPolicy ?? 'Allow');
	w.line(0, 'Suspend:', spec.suspend ? 'True' : 'False');
	w.line(0, 'Successful Job History Limit:', spec.successfulJobsHistoryLimit ?? 3);
	w.line(0, 'Failed Job History Limit:', spec.failedJobsHistoryLimit ?? 1);
	w.line(0, 'Starting Deadline Seconds:', spec.startingDeadlineSeconds === undefined ? '<unset>' : `${spec.startingDeadlineSeconds}s`);
	const jobSpec = spec.jobTemplate?.spec ?? {};
	w.line(0, 'Selector:', jobSpec.selector ? selectorText(jobSpec.selector) : '<unset>');
	w.line(0, 'Parallelism:', jobSpec.parallelism ?? '<unset>');
	w.line(0, 'Completions:', jobSpec.completions ?? '<unset>');
	podTemplate(w, jobSpec.template);
	w.line(0, 'Last Schedule Time:', status.lastScheduleTime ? rfc1123z(status.lastScheduleTime) : '<unset>');
	const active: Array<{name: string}> = status.active ?? [];
	w.line(0, 'Active Jobs:', active.length === 0 ? '<none>' : active.map(job => job.name).join(', '));
}

