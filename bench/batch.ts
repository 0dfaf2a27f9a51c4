/**
 * Jobs, CronJobs and DaemonSets: the wall cost of kind's two kube-system
 * DaemonSets on 100 nodes (start and a rolling update of kube-proxy), of
 * 200 Jobs running 1,000 pods to completion, and of 50 CronJobs ticking
 * every minute for 15 virtual minutes.
 */
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import {formatMs, timeMs} from './measure.js';

const nodes = 100;

function job(name: string) {
	return {
		apiVersion: 'batch/v1', kind: 'Job', metadata: {name},
		spec: {completions: 5, parallelism: 2, template: {spec: {restartPolicy: 'Never', containers: [{name: 'work', image: 'busybox:1.36', command: ['sh', '-c', 'exit 0']}]}}},
	};
}

function cronJob(name: string) {
	return {
		apiVersion: 'batch/v1', kind: 'CronJob', metadata: {name},
		spec: {schedule: '* * * * *', jobTemplate: {spec: {template: {spec: {restartPolicy: 'OnFailure', containers: [{name: 'tick', image: 'busybox:1.36', command: ['sh', '-c', 'exit 0']}]}}}}},
	};
}

export function runBatchBench(): BenchRow[] {
	const rows: BenchRow[] = [];
	let cluster = createCluster({seed: 1, nodes});
	const start = timeMs(() => {
		cluster = createCluster({seed: 1, nodes, systemDaemonSets: true});
		cluster.advance(60_000);
	});
	const daemonPods = cluster.list('pods', {namespace: 'kube-system'}).length;
	rows.push({name: `${nodes} nodes with kube-proxy and kindnet (${daemonPods} pods), 1 virtual minute`, value: formatMs(start)});
	const rollout = timeMs(() => {
		cluster.restart('daemonset', 'kube-proxy', {namespace: 'kube-system'});
		const done = () => {
			const ds = cluster.get('daemonset', 'kube-proxy', 'kube-system')!;
			return ds.status.observedGeneration === ds.metadata.generation && ds.status.updatedNumberScheduled === nodes && ds.status.numberAvailable === nodes;
		};
		cluster.advance(1000);
		for (let i = 0; i < 200 && !done(); i++) cluster.advance(10_000);
	});
	const status = cluster.get('daemonset', 'kube-proxy', 'kube-system')!.status;
	rows.push({name: `kube-proxy rollout restart over ${nodes} nodes (${status.updatedNumberScheduled} updated)`, value: formatMs(rollout)});

	const jobs = createCluster({seed: 2, nodes});
	const run = timeMs(() => {
		jobs.apply(Array.from({length: 200}, (_, i) => job(`job-${i}`)));
		jobs.advance(120_000);
	});
	const complete = jobs.list('jobs').filter(j => j.status?.conditions?.some((c: {type: string; status: string}) => c.type === 'Complete' && c.status === 'True')).length;
	rows.push({name: `200 Jobs × 5 completions, 2 virtual minutes (${complete} complete)`, value: formatMs(run)});

	const crons = createCluster({seed: 3, nodes: 10});
	crons.apply(Array.from({length: 50}, (_, i) => cronJob(`cron-${i}`)));
	const quarter = timeMs(() => crons.advance(900_000));
	rows.push({name: `50 CronJobs every minute, 15 virtual minutes (${crons.list('jobs').length} Jobs kept)`, value: formatMs(quarter)});
	return rows;
}

export const section: BenchSection = {title: 'jobs, cronjobs and daemonsets', run: runBatchBench};
