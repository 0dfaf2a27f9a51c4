import test, {type ExecutionContext} from 'ava';
import {readFileSync} from 'node:fs';
import type {Cluster, ClusterOptions} from '../../../source/engine/index.js';
import {Twins} from '../twins.js';

/**
 * The controllers' parts through what random histories seldom reach: two
 * twin clusters make the same moves, one has every part saved, sent through
 * JSON and loaded back in place after each move, and both must save the
 * same parts right then and hold the same simulation at the end. Each
 * scenario also checks that the moment it aims at was reached (parked pods,
 * runs in flight, pending evictions...), so it tests what it says.
 */

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/docs/${name}`, import.meta.url), 'utf8');

type Move = (cluster: Cluster) => void;



/** Run `moves` on twins, reloading every part of one after each move; returns the parts saved after each. */
function twins(t: ExecutionContext, options: ClusterOptions, moves: Move[]): Array<Map<string, any>> {
	const pair = new Twins(t, options);
	const saved = moves.map((move, i) => {
		pair.run(move, `move ${i}`);
		return pair.reload();
	});
	pair.advance(30_000);
	pair.same('at the end');
	return saved;
}

const advance = (ms: number): Move => cluster => {
	cluster.advance(ms);
};

function deployment(name: string, replicas: number, extra: {cpu?: string; nodeSelector?: Record<string, string>; image?: string; tolerationSeconds?: number} = {}): string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${extra.nodeSelector ? `      nodeSelector: ${JSON.stringify(extra.nodeSelector)}\n` : ''}${extra.tolerationSeconds === undefined ? '' : `      tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: ${extra.tolerationSeconds}}]\n`}      containers:
      - name: ${name}
        image: ${extra.image ?? 'nginx:1.25'}
        resources: {requests: {cpu: ${extra.cpu ?? '10m'}}}
`;
}

test('unschedulable pods are parked, flushed after five minutes and scheduled when a fitting node comes', t => {
	const saved = twins(t, {seed: 11, nodes: 3}, [
		cluster => cluster.apply(deployment('ssd', 4, {nodeSelector: {disk: 'ssd'}})),
		cluster => cluster.apply(deployment('huge', 2, {cpu: '64'})),
		advance(1500),
		advance(40_000),
		advance(5 * 60_000),
		cluster => cluster.addNode({labels: {disk: 'ssd'}}),
		advance(3000),
		cluster => cluster.apply(deployment('web', 12)),
		advance(20_000),
	]);
	t.true(saved[3]!.get('scheduler').parked.length >= 6);
	t.true(saved[3]!.get('scheduler').flushPending);
	t.true(saved[6]!.get('scheduler').parked.length === 2, 'the huge pods stay parked');
});

test('with more than 100 nodes, filtering starts where the last pod stopped', t => {
	const saved = twins(t, {seed: 18, nodes: 130, node: {pods: 4}}, [
		cluster => cluster.apply(deployment('web', 40)),
		advance(1000),
		cluster => cluster.apply(deployment('more', 30)),
		advance(5000),
	]);
	t.true(saved.some(parts => parts.get('scheduler').nextStartNodeIndex > 0));
});

test('a Deployment rollout in slow-start batches with deletes waiting for their tokens', t => {
	const saved = twins(t, {seed: 12, nodes: 3}, [
		cluster => cluster.apply(deployment('web', 60)),
		advance(300),
		advance(1000),
		advance(30_000),
		cluster => cluster.setImage('Deployment', 'web', 'web', 'nginx:1.27'),
		advance(200),
		advance(700),
		advance(4000),
		cluster => cluster.scale('Deployment', 'web', 4),
		advance(100),
		advance(1500),
		advance(30_000),
	]);
	const runs = saved.flatMap(parts => parts.get('replicaset').runs as Array<Record<string, unknown>>);
	t.true(runs.some(run => 'remaining' in run), 'a create run waited');
	t.true(runs.some(run => 'victims' in run), 'a delete run waited');
});

test('a ReplicaSet scaled up by 600 (past the burst of 500) and down again', t => {
	const rs = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: many}
spec:
  replicas: 1
  selector: {matchLabels: {app: many}}
  template:
    metadata: {labels: {app: many}}
    spec:
      containers: [{name: c, image: nginx:1.25, resources: {requests: {cpu: 1m}}}]
`;
	const saved = twins(t, {seed: 13, nodes: 3}, [
		cluster => cluster.apply(rs),
		cluster => cluster.apply(`apiVersion: v1
kind: Service
metadata: {name: many}
spec:
  selector: {app: many}
  ports: [{port: 80}]
`),
		advance(5000),
		cluster => cluster.scale('ReplicaSet', 'many', 601),
		advance(400),
		advance(3000),
		advance(20_000),
		advance(30_000),
		cluster => cluster.scale('ReplicaSet', 'many', 0),
		advance(300),
		advance(2000),
		advance(30_000),
	]);
	t.true(saved.some(parts => parts.get('replicaset').expectations.some((e: {adds: number}) => e.adds > 0)), 'creations expected');
	t.true(saved.some(parts => parts.get('replicaset').workers.running.length > 0), 'a worker held');
	t.true(saved.some(parts => parts.get('scheduler').parked.length > 0), 'pods past the nodes\' room parked');
	t.true(saved.some(parts => parts.get('replicaset').tallies.some(([, pods]: [string, string[]]) => pods.length > 300)), 'a large tally');
});

test('the garbage collector deletes Deployments in the foreground, in the background and orphaning', t => {
	const bare = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: bare}
spec:
  replicas: 5
  selector: {matchLabels: {app: bare}}
  template:
    metadata: {labels: {app: bare}}
    spec:
      containers: [{name: c, image: nginx:1.25}]
`;
	const saved = twins(t, {seed: 14, nodes: 3}, [
		cluster => cluster.apply([deployment('fg', 40), deployment('bg', 40), deployment('orphan', 3)].join('---\n')),
		advance(30_000),
		cluster => cluster.delete('Deployment', 'fg', {propagationPolicy: 'Foreground'}),
		advance(50),
		cluster => cluster.delete('Deployment', 'bg', {propagationPolicy: 'Background'}),
		advance(50),
		cluster => cluster.delete('Deployment', 'orphan', {propagationPolicy: 'Orphan'}),
		advance(500),
		advance(3000),
		cluster => cluster.apply(deployment('orphan', 3)),
		advance(2000),
		cluster => cluster.apply(bare),
		advance(20_000),
		cluster => cluster.delete('ReplicaSet', 'bare', {propagationPolicy: 'Orphan'}),
		advance(2000),
		cluster => cluster.apply(bare.replace('replicas: 5', 'replicas: 3')),
		advance(2000),
	]);
	t.true(saved.some(parts => parts.get('orphanPods').some(([, uids]: [string, string[]]) => uids.length >= 5)), 'orphan pods');
	t.true(saved.some(parts => parts.get('garbageCollector').workers.running.length > 0), 'GC workers held');
});

test('an HPA scales up under load and down after its window, over minutes', t => {
	const saved = twins(t, {seed: 3, nodes: 3}, [
		cluster => cluster.apply(fixture('php-apache.yaml')),
		cluster => cluster.apply(fixture('hpa-php-apache.yaml')),
		advance(90_000),
		cluster => cluster.startTraffic('php-apache', {rps: 100}),
		advance(16_000),
		advance(60_000),
		advance(120_000),
		cluster => cluster.stopTraffic('php-apache'),
		advance(60_000),
		advance(5 * 60_000),
	]);
	t.true(saved[6]!.get('horizontal').recommendations.length > 0);
});

test('an HPA with scaling behavior keeps its scale events over minutes', t => {
	const behavior = `${fixture('hpa-php-apache.yaml')}  behavior:
    scaleUp:
      policies: [{type: Pods, value: 2, periodSeconds: 30}]
    scaleDown:
      stabilizationWindowSeconds: 60
      policies: [{type: Percent, value: 50, periodSeconds: 60}]
`;
	const saved = twins(t, {seed: 5, nodes: 3}, [
		cluster => cluster.apply(fixture('php-apache.yaml')),
		cluster => cluster.apply(behavior),
		advance(90_000),
		cluster => cluster.startTraffic('php-apache', {rps: 100}),
		advance(20_000),
		advance(45_000),
		advance(120_000),
		cluster => cluster.stopTraffic('php-apache'),
		advance(45_000),
		advance(90_000),
		advance(180_000),
	]);
	t.true(saved.some(parts => parts.get('horizontal').scaleUpEvents.some(([, events]: [string, unknown[]]) => events.length > 0)), 'scale-up events');
	t.true(saved.some(parts => parts.get('horizontal').scaleDownEvents.some(([, events]: [string, unknown[]]) => events.length > 0)), 'scale-down events');
});

test('a node killed: taints, pods marked not ready, evictions waiting for their toleration, the node back', t => {
	const saved = twins(t, {seed: 15, nodes: 3}, [
		cluster => cluster.apply([deployment('web', 9), deployment('patient', 6, {tolerationSeconds: 600})].join('---\n')),
		advance(30_000),
		cluster => cluster.killNode('kubarium-worker2'),
		advance(60_000),
		advance(20_000),
		advance(240_000),
		advance(60_000),
		cluster => cluster.restoreNode('kubarium-worker2'),
		advance(30_000),
		cluster => cluster.killNode('kubarium-worker3'),
		advance(70_000),
		cluster => cluster.delete('Node', 'kubarium-worker3'),
		advance(10_000),
		advance(10_000),
		advance(10_000),
		advance(10_000),
		advance(60_000),
	]);
	t.true(saved.some(parts => parts.get('nodeLifecycle').evictions.length > 0), 'evictions pending');
	t.true(saved.some(parts => parts.get('podGc').length > 0), 'a missing node in quarantine');
});

test('a Job failing with back-off, and a CronJob', t => {
	const job = `apiVersion: batch/v1
kind: Job
metadata: {name: failing}
spec:
  backoffLimit: 4
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.36, command: [sh, -c, 'sleep 2; exit 1']}]
`;
	const cron = `apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: '*/1 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox:1.36, command: [sh, -c, 'echo tick']}]
`;
	const saved = twins(t, {seed: 16, nodes: 3}, [
		cluster => cluster.apply(job),
		cluster => cluster.apply(cron),
		advance(15_000),
		advance(30_000),
		advance(60_000),
		advance(120_000),
		advance(90_000),
	]);
	t.true(saved.some(parts => parts.get('job').some(([, failures]: [string, number]) => failures > 0)), 'failures counted');
	t.true(saved.some(parts => parts.get('cronjob').length > 0), 'a next schedule time kept');
});

test('a LoadBalancer Service being provisioned, then torn down; a budget, a quota and a limit range', t => {
	const service = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80}]
`;
	const pdb = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
`;
	const limits = `apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits: [{type: Container, default: {cpu: 200m}, defaultRequest: {cpu: 100m}}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota}
spec:
  hard: {pods: '6', requests.cpu: '1'}
`;
	const saved = twins(t, {seed: 17, nodes: 3}, [
		cluster => cluster.apply([deployment('web', 3), service, pdb].join('---\n')),
		advance(300),
		advance(30_000),
		cluster => {
			const [first, second] = cluster.list('Pod').filter(pod => pod.metadata.labels?.['app'] === 'web');
			cluster.evict(first!.metadata.name);
			try {
				cluster.evict(second!.metadata.name);
			} catch {
				// The budget refuses the second one.
			}
		},
		advance(5000),
		cluster => cluster.apply(limits),
		cluster => cluster.scale('Deployment', 'web', 12),
		advance(10_000),
		cluster => cluster.delete('Service', 'web'),
		advance(10_000),
	]);
	t.true(saved.some(parts => parts.get('service').provisioning.length > 0), 'a load balancer being made');
	t.true(saved[2]!.get('service').balancers.length > 0, 'a load balancer made');
});

test('pods waiting in PreBind for their claims, one of them on a node that is deleted meanwhile', t => {
	const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 4
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: c, image: nginx:1.25, volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
	const saved = twins(t, {seed: 19, nodes: 3}, [
		cluster => cluster.apply(sts),
		advance(100),
		advance(400),
		advance(1000),
		advance(3000),
		cluster => cluster.delete('Node', 'kubarium-worker'),
		advance(500),
		advance(2000),
		advance(30_000),
		cluster => cluster.scale('StatefulSet', 'db', 6),
		advance(200),
		advance(1000),
		advance(30_000),
	]);
	t.true(saved.some(parts => parts.get('scheduler').preBinding.length > 0), 'pods in PreBind');
});

test('a CustomResourceDefinition deleted while an object of its kind is held by a finalizer', t => {
	const held = (finalizers: string) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: held
  finalizers: ${finalizers}
spec: {cronSpec: '* * * * */5', image: my-awesome-cron-image}
`;
	const saved = twins(t, {seed: 20, nodes: 2}, [
		cluster => cluster.apply(fixture('crd-crontab.yaml')),
		advance(1000),
		cluster => cluster.apply(held('[example.com/hold]')),
		cluster => cluster.delete('CustomResourceDefinition', 'crontabs.stable.example.com'),
		advance(1000),
		advance(30_000),
		cluster => cluster.apply(held('[]')),
		advance(5000),
	]);
	t.true(saved.some(parts => parts.get('crd').waitingSince.length > 0), 'a definition waiting for its objects');
	t.true(saved[1]!.get('crd').served.length > 0, 'a kind served');
});

test('a DaemonSet pod that failed is replaced with a back-off per node', t => {
	const fail = (cluster: Cluster) => {
		const pod = cluster.list('Pod', {namespace: 'kube-system'}).find(p => p.metadata.name.startsWith('fluentd-elasticsearch') && p.spec?.nodeName === 'kubarium-worker2');
		// As the kubelet writes a pod it evicted: the facade has no call for it, and both twins make the same write.
		if (pod) cluster.context.store.patch(pod, draft => {
			draft.status = {...draft.status, phase: 'Failed', reason: 'Evicted'};
		}, {status: true});
	};
	const saved = twins(t, {seed: 21, nodes: 3}, [
		cluster => cluster.apply(fixture('fluentd-daemonset.yaml')),
		advance(20_000),
		fail,
		advance(300),
		advance(2000),
		fail,
		advance(500),
		advance(5000),
		fail,
		advance(30_000),
	]);
	t.true(saved.some(parts => parts.get('daemonset').length > 0), 'a back-off kept');
});
