/**
 * Storage benchmark: 200 StatefulSets × 3 replicas running mysql, each pod
 * with a claim from the default class (WaitForFirstConsumer, provisioned per
 * node), on 20 nodes. Wall time until every pod is Running and Ready and every
 * claim Bound, the median wall time of one idle `advance(1000)` afterwards,
 * and memory held by the cluster.
 */
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import type {Pod} from '../source/engine/api/types.js';
import {formatMb, formatMs, median, settledMemory, timeMs} from './measure.js';

const statefulSets = 200;
const replicas = 3;
const nodes = 20;

function manifest(i: number) {
	const name = `db-${i}`;
	return {
		apiVersion: 'apps/v1',
		kind: 'StatefulSet',
		metadata: {name, namespace: 'default'},
		spec: {
			serviceName: name,
			replicas,
			selector: {matchLabels: {app: name}},
			template: {
				metadata: {labels: {app: name}},
				spec: {containers: [{name: 'mysql', image: 'mysql:8.0', env: [{name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: '1'}], volumeMounts: [{name: 'data', mountPath: '/var/lib/mysql'}]}]},
			},
			volumeClaimTemplates: [{metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}}],
		},
	};
}

function isRunningReady(pod: Pod): boolean {
	return pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp
		&& pod.status.conditions?.some(c => c.type === 'Ready' && c.status === 'True') === true;
}

export function runStorageBench(): BenchRow[] {
	const before = settledMemory();
	const cluster = createCluster({seed: 1, nodes});
	let virtualMs = 0;
	let ready = 0;
	let bound = 0;
	const converge = timeMs(() => {
		cluster.apply(Array.from({length: statefulSets}, (_, i) => manifest(i)));
		for (let step = 0; step < 900; step++) {
			cluster.advance(1000);
			virtualMs += 1000;
			ready = 0;
			for (const pod of cluster.list('Pod') as Pod[]) if (isRunningReady(pod)) ready++;
			bound = 0;
			for (const claim of cluster.list('PersistentVolumeClaim')) if (claim.status?.phase === 'Bound') bound++;
			if (ready === statefulSets * replicas && bound === statefulSets * replicas) break;
		}
	});
	const idle: number[] = [];
	for (let i = 0; i < 20; i++) idle.push(timeMs(() => cluster.advance(1000)));
	const held = settledMemory() - before;
	const errors = cluster.controllerErrors().length;
	return [
		{name: `converge ${statefulSets} StatefulSets × ${replicas} (${ready} pods ready, ${bound} claims bound, ${virtualMs / 1000} s virtual)`, value: formatMs(converge)},
		{name: 'idle advance(1000), median of 20', value: formatMs(median(idle))},
		{name: `memory held (${cluster.list('PersistentVolume').length} PVs, ${errors} controller errors)`, value: formatMb(held)},
	];
}

export const section: BenchSection = {
	title: 'storage',
	run: runStorageBench,
};
