import test, {type ExecutionContext} from 'ava';
import {createCluster, type Cluster} from '../../../source/engine/index.js';
import {parts, sameParts} from '../twins.js';
import type {Container, KubeEvent, Pod} from '../../../source/engine/api/types.js';
import type {SavedKubelets, SavedNodeWorkers} from '../../../source/engine/node/kubelet.js';
import {sameSimulation} from '../same-simulation.js';

/**
 * The kubelets, their nodes' runtimes and heartbeats save as data and load
 * back: two clusters go through pulls that fail and back off, probes that
 * fail and pass, crash loops, image updates, graceful deletions, a node
 * killed and restored, a runtime fault, a cordon and a drain; one has its
 * parts reloaded in place along the way, and both must save the same parts
 * and go on alike.
 */

function pod(name: string, containers: Array<Partial<Container> & {name: string; image: string}>, spec: Record<string, unknown> = {}) {
	return {apiVersion: 'v1', kind: 'Pod', metadata: {name}, spec: {containers, ...spec}};
}



function withImage(cluster: Cluster, name: string, image: string): void {
	const current = structuredClone(cluster.get('Pod', name)!) as Pod;
	current.spec!.containers[0]!.image = image;
	cluster.replace(current);
}

/** A call a cluster may refuse (alike on both twins). */
function tried(call: () => unknown): void {
	try {
		call();
	} catch {
		// Refused alike; the comparisons check it.
	}
}

const first = 'kubarium-worker';
const second = 'kubarium-worker2';

/** The scenario, step by step; a reload may come between any two. */
const steps: Array<[name: string, run: (cluster: Cluster) => void]> = [
	['pods', cluster => cluster.apply([
		pod('crash', [{name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo boom; exit 1']}]),
		pod('bad', [{name: 'web', image: 'nginx:doesnotexist'}]),
		pod('never', [{name: 'c', image: 'redis:7.2', imagePullPolicy: 'Never'}]),
		pod('upper', [{name: 'c', image: 'Nginx'}]),
		pod('liveness-exec', [{
			name: 'liveness', image: 'registry.k8s.io/busybox', args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 20; rm -f /tmp/healthy; sleep 600'],
			livenessProbe: {exec: {command: ['cat', '/tmp/healthy']}, initialDelaySeconds: 5, periodSeconds: 5},
		}], {terminationGracePeriodSeconds: 5}),
		pod('lost', [{name: 'web', image: 'nginx:1.25', readinessProbe: {httpGet: {path: '/healthz', port: 80}, periodSeconds: 2, failureThreshold: 2}}]),
		pod('ready', [{name: 'web', image: 'nginx:1.25', readinessProbe: {httpGet: {path: '/', port: 80}, periodSeconds: 2, successThreshold: 2}}]),
		pod('slow', [{name: 'db', image: 'mysql:8.0', env: [{name: 'MYSQL_ROOT_PASSWORD', value: 'pw'}],
			startupProbe: {tcpSocket: {port: 3306}, periodSeconds: 2, failureThreshold: 30},
			livenessProbe: {tcpSocket: {port: 3306}, periodSeconds: 5}}]),
		pod('impatient', [{name: 'db', image: 'mysql:8.0', env: [{name: 'MYSQL_ROOT_PASSWORD', value: 'pw'}],
			startupProbe: {tcpSocket: {port: 3306}, periodSeconds: 1, failureThreshold: 2}}], {terminationGracePeriodSeconds: 3}),
		pod('mounted', [{name: 'c', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{name: 'conf', mountPath: '/etc/app'}]}],
			{volumes: [{name: 'conf', configMap: {name: 'app-config'}}]}),
		pod('envless', [{name: 'c', image: 'busybox', command: ['sleep', '3600'], env: [{name: 'COLOR', valueFrom: {configMapKeyRef: {name: 'colors', key: 'color'}}}]}]),
		pod('inits', [{name: 'app', image: 'nginx:1.25'}], {initContainers: [
			{name: 'wait', image: 'busybox', command: ['sleep', '3']},
			{name: 'flaky', image: 'busybox', command: ['sh', '-c', 'exit 1']},
		]}),
		pod('once', [{name: 'c', image: 'busybox', command: ['sh', '-c', 'echo done']}], {restartPolicy: 'Never'}),
		// On the node that dies: found ended when it comes back, so it fails without running again.
		pod('one-shot', [{name: 'c', image: 'busybox', command: ['sleep', '3600']}], {restartPolicy: 'Never', nodeName: second}),
		pod('retry', [{name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 2']}], {restartPolicy: 'OnFailure'}),
		pod('sleeper', [{name: 'c', image: 'busybox', command: ['sleep', '3600']}], {terminationGracePeriodSeconds: 20}),
		pod('web', [{name: 'web', image: 'nginx:1.25'}]),
		pod('typo', [{name: 'web', image: 'nginx:1.277'}]),
		{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'app'}, spec: {
			replicas: 4, selector: {matchLabels: {app: 'app'}},
			template: {metadata: {labels: {app: 'app'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25', readinessProbe: {httpGet: {path: '/', port: 80}, periodSeconds: 3}}]}},
		}},
	])],
	['pulls start', cluster => cluster.advance(700)],
	// Bound by hand: the kubelet's own admission counts what its node runs.
	['a pod that takes most of a node', cluster => cluster.apply(pod('hog-a', [{name: 'c', image: 'busybox', command: ['sleep', '3600'], resources: {requests: {cpu: '2500m'}}}], {nodeName: first}))],
	['sandboxes and pulls', cluster => cluster.advance(1500)],
	['first failures', cluster => cluster.advance(2500)],
	['an advance stopped part-way', cluster => {
		let checks = 0;
		cluster.advance(4000, {shouldYield: () => ++checks % 7 === 0});
	}],
	['probes run', cluster => cluster.advance(6000)],
	['a second that does not fit', cluster => cluster.apply(pod('hog-b', [{name: 'c', image: 'busybox', command: ['sleep', '3600'], resources: {requests: {cpu: '2500m'}}}], {nodeName: first}))],
	['the ConfigMap key appears', cluster => cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'colors'}, data: {color: 'blue'}})],
	['liveness fails', cluster => cluster.advance(20_000)],
	['images change in place', cluster => {
		withImage(cluster, 'web', 'nginx:1.27');
		withImage(cluster, 'typo', 'nginx:1.27');
	}],
	['the kubelet sees the new images', cluster => cluster.advance(20)],
	['the old container stops', cluster => cluster.advance(300)],
	['the new images run', cluster => cluster.advance(8000)],
	['a graceful deletion', cluster => cluster.delete('Pod', 'sleeper')],
	['it waits out its grace', cluster => cluster.advance(9000)],
	['the volume appears', cluster => cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'app-config'}, data: {'app.properties': 'color=blue\n'}})],
	['back-offs grow', cluster => cluster.advance(30_000)],
	['a node dies', cluster => tried(() => cluster.killNode(second))],
	['while it is down', cluster => cluster.advance(15_000)],
	['a runtime fault', cluster => tried(() => cluster.failNodeRuntime(first, 'runtime'))],
	['faulted', cluster => cluster.advance(12_000)],
	['repaired', cluster => tried(() => cluster.repairNodeRuntime(first))],
	['the node comes back', cluster => tried(() => cluster.restoreNode(second))],
	['its pods start again', cluster => cluster.advance(20_000)],
	['cordoned', cluster => tried(() => cluster.cordon(second))],
	['a node joins', cluster => tried(() => cluster.addNode({name: 'kubarium-worker3'}))],
	['drained', cluster => tried(() => cluster.drain(first, {force: true, ignoreDaemonSets: true, deleteEmptyDirData: true}))],
	['evictions end', cluster => cluster.advance(7000)],
	['a forced deletion', cluster => tried(() => cluster.delete('Pod', 'lost', {gracePeriodSeconds: 0}))],
	['uncordoned', cluster => tried(() => cluster.uncordon(second))],
	['crash loops at length', cluster => cluster.advance(90_000)],
	['a node goes', cluster => tried(() => cluster.delete('Node', 'kubarium-worker3'))],
	['settled', cluster => cluster.advance(40_000)],
];

function run(t: ExecutionContext, reloadAfter: (index: number) => boolean): Cluster {
	const twin = createCluster({seed: 11, nodes: 2});
	const reloaded = createCluster({seed: 11, nodes: 2});
	let reloads = 0;
	for (const [index, [name, step]] of steps.entries()) {
		step(twin);
		step(reloaded);
		if (reloadAfter(index)) {
			reloaded.reloadParts();
			reloads++;
			sameParts(t, reloaded, twin, `reloaded after "${name}"`);
		}
		sameSimulation(t, reloaded, twin);
	}
	sameParts(t, reloaded, twin, 'at the end');
	t.true(reloads > 0);
	return twin;
}

test('reloaded after every step, the kubelets, runtimes and heartbeats go on as their twin\'s', t => {
	const twin = run(t, () => true);
	// The scenario reached what it is about.
	const reasons = (twin.list('Event') as KubeEvent[]).map(e => e.reason);
	for (const reason of ['BackOff', 'Failed', 'Unhealthy', 'Killing', 'FailedMount', 'NodeNotReady', 'SandboxChanged', 'OutOfcpu']) t.true(reasons.includes(reason), reason);
	t.true((twin.list('Pod') as Pod[]).some(p => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3));
	t.is((twin.get('Pod', 'one-shot') as Pod | undefined)?.status?.phase ?? 'Failed', 'Failed');
	t.is(twin.get('Pod', 'sleeper'), undefined);
	t.is(twin.get('Pod', 'lost'), undefined);

});

test('reloaded at every third step, the kubelets go on as their twin\'s between reloads too', t => {
	run(t, index => index % 3 === 1);
});

test('a saved worker names its pod by uid while the store has the version it holds, and inlines an older one', t => {
	const cluster = createCluster({seed: 11, nodes: 1});
	cluster.apply([pod('web', [{name: 'web', image: 'nginx:1.25'}]), pod('typo', [{name: 'web', image: 'nginx:1.277'}])]);
	cluster.advance(20_000);
	// Every node's saved workers, in the order of the nodes' records.
	const kubelets = () => ({workers: (new Map(parts(cluster)).get('kubelets') as SavedKubelets).slice(1).flatMap(([, state]) => (state as SavedNodeWorkers).workers)});
	const running = kubelets();
	t.is(running.workers.length, 2);
	for (const worker of running.workers) {
		t.true('uid' in worker[0]);
		// Its container by name: the pod's own.
		t.is(worker[7][0]![0], 'web');
	}
	// The store has a newer version than the kubelet has seen yet.
	withImage(cluster, 'typo', 'nginx:1.27');
	const behind = kubelets().workers[1]!;
	t.true('object' in behind[0]);
	t.is(('object' in behind[0] ? behind[0].object as Pod : undefined)?.spec?.containers[0]!.image, 'nginx:1.277');
	cluster.advance(10_000);
	t.true(kubelets().workers.every(worker => 'uid' in worker[0]));
});
