import test from 'ava';
import {createCluster, KubeError} from '../../../source/engine/index.js';
import type {Cluster, KubeEvent, KubeObject} from '../../../source/engine/index.js';
import {claimName, fnv32a, ordinalOf, podName, revisionHash, safeEncode} from '../../../source/engine/controllers/statefulset-util.js';

type Spec = Record<string, unknown>;

function web(spec: Spec = {}, template: Spec = {}) {
	return {
		apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name: 'web'},
		spec: {
			serviceName: 'nginx',
			replicas: 3,
			selector: {matchLabels: {app: 'nginx'}},
			template: {
				metadata: {labels: {app: 'nginx'}},
				spec: {
					containers: [{name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.21', volumeMounts: [{name: 'www', mountPath: '/usr/share/nginx/html'}]}],
					...template,
				},
			},
			volumeClaimTemplates: [{metadata: {name: 'www'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}}],
			...spec,
		},
	};
}

const livePods = (cluster: Cluster) => cluster.list('pods', {namespace: 'default'}).filter(p => !p.metadata.deletionTimestamp);
const podNames = (cluster: Cluster) => livePods(cluster).map(p => p.metadata.name).sort();
const running = (cluster: Cluster) => livePods(cluster).filter(p => p.status?.phase === 'Running').map(p => p.metadata.name).sort();

function eventMessages(cluster: Cluster, object: KubeObject): string[] {
	return (cluster.eventsFor(object) as KubeEvent[]).map(e => `${e.reason}: ${e.message}`);
}

/** Pod names in the order they were created. */
function recordCreations(cluster: Cluster): string[] {
	const order: string[] = [];
	cluster.watch(event => {
		if (event.type === 'ADDED') order.push(event.object.metadata.name);
	}, {kind: 'Pod'});
	return order;
}

/** `kubectl exec <pod> -- sh -c 'printf ... > /usr/share/nginx/html/index.html'`: a file on the pod's claim. */
function writeIndex(cluster: Cluster, pod: string, content: string): void {
	const result = cluster.exec(pod, ['sh', '-c', `printf '%s' '${content}' > /usr/share/nginx/html/index.html`]);
	if (result.exitCode !== 0) throw new Error(result.stderr);
}

/** `kubectl exec <pod> -- cat /usr/share/nginx/html/index.html`. */
function readIndex(cluster: Cluster, pod: string): string {
	return cluster.exec(pod, ['cat', '/usr/share/nginx/html/index.html']).stdout;
}

test('pure helpers: names, ordinals and the revision hash', t => {
	t.is(podName('web', 2), 'web-2');
	t.is(claimName('www', 'web', 0), 'www-web-0');
	const cases: Array<[string, string, number]> = [['web', 'web-0', 0], ['web', 'web-12', 12], ['web', 'web-01', -1], ['web', 'webx-1', -1], ['web', 'web-', -1], ['a-b', 'a-b-3', 3]];
	for (const [set, pod, ordinal] of cases) t.is(ordinalOf(set, pod), ordinal, `${set} ${pod}`);
	t.is(fnv32a(''), 0x811c9dc5);
	t.is(fnv32a('a'), 0xe40c292c);
	// Text hashes as its UTF-8 bytes, whether ASCII or not.
	t.is(fnv32a('foobar'), 0xbf9cf968);
	t.is(fnv32a('ré'), fnv32a(new TextEncoder().encode('ré')));
	t.is(fnv32a('ré'), fnv32a(new Uint8Array([0x72, 0xc3, 0xa9])));
	t.regex(safeEncode('1234567890'), /^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
	const template = {metadata: {labels: {a: 'b'}}, spec: {containers: [{name: 'c', image: 'i'}]}};
	t.is(revisionHash(template), revisionHash(structuredClone(template)));
	t.not(revisionHash(template), revisionHash(template, 1));
});

test('OrderedReady: pods are created one at a time, each after its predecessor is Running and Ready', t => {
	const cluster = createCluster({seed: 21});
	const order = recordCreations(cluster);
	cluster.apply(web({}, {containers: [{name: 'nginx', image: 'nginx:1.27', readinessProbe: {tcpSocket: {port: 80}, initialDelaySeconds: 10}, volumeMounts: [{name: 'www', mountPath: '/usr/share/nginx/html'}]}]}));
	cluster.advance(8000);
	const first = cluster.get('pod', 'web-0')!;
	t.is(first.status?.phase, 'Running');
	t.is(first.status?.conditions?.find((c: {type: string}) => c.type === 'Ready')?.status, 'False');
	t.deepEqual(podNames(cluster), ['web-0'], 'web-1 waits for web-0 to be Ready');
	cluster.advance(60_000);
	t.deepEqual(order, ['web-0', 'web-1', 'web-2']);
	t.deepEqual(running(cluster), ['web-0', 'web-1', 'web-2']);
	const set = cluster.get('statefulset', 'web')!;
	t.like(set.status, {replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1});
	t.is(set.status.currentRevision, set.status.updateRevision);
	t.is(cluster.list('controllerrevisions').length, 1);
	t.is(cluster.list('controllerrevisions')[0]!.metadata.name, set.status.updateRevision);
});

test('each pod has a stable identity: hostname, subdomain, labels, owner, and its own claim', t => {
	const cluster = createCluster({seed: 22});
	cluster.apply(web());
	cluster.advance(40_000);
	const set = cluster.get('statefulset', 'web')!;
	for (const ordinal of [0, 1, 2]) {
		const pod = cluster.get('pod', `web-${ordinal}`)!;
		t.is(pod.spec.hostname, `web-${ordinal}`);
		t.is(pod.spec.subdomain, 'nginx');
		t.like(pod.metadata.labels, {app: 'nginx', 'statefulset.kubernetes.io/pod-name': `web-${ordinal}`, 'apps.kubernetes.io/pod-index': String(ordinal), 'controller-revision-hash': set.status.updateRevision});
		t.like(pod.metadata.ownerReferences![0], {kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true});
		t.deepEqual(pod.spec.volumes.find((v: {name: string}) => v.name === 'www'), {name: 'www', persistentVolumeClaim: {claimName: `www-web-${ordinal}`}});
		const claim = cluster.get('pvc', `www-web-${ordinal}`)!;
		t.is(claim.status.phase, 'Bound');
		t.is(claim.spec.storageClassName, 'standard');
		t.is(claim.metadata.labels?.['app'], 'nginx');
	}
	const messages = eventMessages(cluster, set);
	t.deepEqual(messages.slice(0, 2), ['SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success', 'SuccessfulCreate: create Pod web-0 in StatefulSet web successful']);
	t.true(messages.includes('SuccessfulCreate: create Pod web-2 in StatefulSet web successful'));
});

test('scale down removes the highest ordinal first, one at a time; claims stay and are reattached with their data on scale up', t => {
	const cluster = createCluster({seed: 23});
	cluster.apply(web());
	cluster.advance(40_000);
	const volumes = [0, 1, 2].map(i => cluster.get('pvc', `www-web-${i}`)!.spec.volumeName);
	writeIndex(cluster, 'web-2', 'hello from web-2');
	cluster.scale('statefulset', 'web', 1);
	cluster.advance(100);
	const web2 = cluster.get('pod', 'web-2');
	t.true(!web2 || Boolean(web2.metadata.deletionTimestamp), 'web-2 goes first');
	t.falsy(cluster.get('pod', 'web-1')?.metadata.deletionTimestamp, 'web-1 waits for web-2 to terminate');
	cluster.advance(30_000);
	t.deepEqual(podNames(cluster), ['web-0']);
	const set = cluster.get('statefulset', 'web')!;
	t.true(eventMessages(cluster, set).includes('SuccessfulDelete: delete Pod web-2 in StatefulSet web successful'));
	for (const i of [1, 2]) t.is(cluster.get('pvc', `www-web-${i}`)?.status.phase, 'Bound', `claim ${i} retained`);

	cluster.scale('statefulset', 'web', 3);
	cluster.advance(60_000);
	t.deepEqual(running(cluster), ['web-0', 'web-1', 'web-2']);
	t.deepEqual([0, 1, 2].map(i => cluster.get('pvc', `www-web-${i}`)!.spec.volumeName), volumes, 'same volumes');
	t.is(cluster.list('pvc').length, 3);
	t.deepEqual(cluster.volumeData('www-web-2').files, [{path: '/index.html', size: 16}]);
	t.is(readIndex(cluster, 'web-2'), 'hello from web-2');
});

test('Parallel creates every pod at once', t => {
	const cluster = createCluster({seed: 24});
	cluster.apply(web({podManagementPolicy: 'Parallel', replicas: 4}));
	cluster.advance(100);
	t.deepEqual(podNames(cluster), ['web-0', 'web-1', 'web-2', 'web-3']);
	cluster.advance(30_000);
	t.is(running(cluster).length, 4);
	cluster.scale('statefulset', 'web', 1);
	cluster.advance(100);
	// All three at once: each is terminating or already gone.
	t.deepEqual(['web-1', 'web-2', 'web-3'].map(n => !cluster.get('pod', n) || Boolean(cluster.get('pod', n)!.metadata.deletionTimestamp)), [true, true, true]);
	t.false(cluster.get('pod', 'web-0')!.metadata.deletionTimestamp !== undefined);
});

test('RollingUpdate replaces pods from the highest ordinal down, one at a time, and honours the partition', t => {
	const cluster = createCluster({seed: 25});
	cluster.apply(web());
	cluster.advance(40_000);
	const before = cluster.get('statefulset', 'web')!.status.currentRevision;
	const deletions: string[] = [];
	cluster.watch(event => {
		if (event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp && !deletions.includes(event.object.metadata.name)) deletions.push(event.object.metadata.name);
	}, {kind: 'Pod'});
	cluster.setImage('statefulset', 'web', 'nginx', 'registry.k8s.io/nginx-slim:0.24');
	cluster.advance(100);
	let set = cluster.get('statefulset', 'web')!;
	t.not(set.status.updateRevision, before);
	t.is(set.status.currentRevision, before);
	cluster.advance(90_000);
	t.deepEqual(deletions, ['web-2', 'web-1', 'web-0']);
	set = cluster.get('statefulset', 'web')!;
	t.is(set.status.currentRevision, set.status.updateRevision);
	t.like(set.status, {updatedReplicas: 3, currentReplicas: 3, readyReplicas: 3});
	for (const pod of livePods(cluster)) t.is(pod.spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.24');
	t.is(cluster.list('controllerrevisions').length, 2);

	// Partition 2: only web-2 moves to the next template.
	cluster.apply(web({updateStrategy: {type: 'RollingUpdate', rollingUpdate: {partition: 2}}}, {containers: [{name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.27', volumeMounts: [{name: 'www', mountPath: '/usr/share/nginx/html'}]}]}));
	cluster.advance(60_000);
	const images = Object.fromEntries(livePods(cluster).map(p => [p.metadata.name, p.spec.containers[0].image]));
	t.deepEqual(images, {'web-0': 'registry.k8s.io/nginx-slim:0.24', 'web-1': 'registry.k8s.io/nginx-slim:0.24', 'web-2': 'registry.k8s.io/nginx-slim:0.27'});
	set = cluster.get('statefulset', 'web')!;
	t.like(set.status, {updatedReplicas: 1, currentReplicas: 2});
	t.not(set.status.currentRevision, set.status.updateRevision);
});

test('OnDelete: a template change waits until the user deletes a pod', t => {
	const cluster = createCluster({seed: 26});
	cluster.apply(web({replicas: 2, updateStrategy: {type: 'OnDelete'}}));
	cluster.advance(40_000);
	cluster.setImage('statefulset', 'web', 'nginx', 'nginx:1.27');
	cluster.advance(30_000);
	t.deepEqual(livePods(cluster).map(p => p.spec.containers[0].image), ['registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.21']);
	cluster.delete('pod', 'web-1');
	cluster.advance(60_000);
	t.is(cluster.get('pod', 'web-1')!.spec.containers[0].image, 'nginx:1.27');
	t.is(cluster.get('pod', 'web-0')!.spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.21');
	t.like(cluster.get('statefulset', 'web')!.status, {updatedReplicas: 1, currentReplicas: 1});
});

test('a deleted pod comes back with the same name, claim and data', t => {
	const cluster = createCluster({seed: 27});
	cluster.apply(web({replicas: 2}));
	cluster.advance(40_000);
	writeIndex(cluster, 'web-1', 'persisted');
	const uid = cluster.get('pod', 'web-1')!.metadata.uid;
	const volumeName = cluster.get('pvc', 'www-web-1')!.spec.volumeName;
	cluster.delete('pod', 'web-1');
	cluster.advance(60_000);
	const pod = cluster.get('pod', 'web-1')!;
	t.not(pod.metadata.uid, uid);
	t.is(pod.status.phase, 'Running');
	t.is(cluster.get('pvc', 'www-web-1')!.spec.volumeName, volumeName);
	t.deepEqual(cluster.volumeData('www-web-1').files, [{path: '/index.html', size: 9}]);
	t.is(readIndex(cluster, 'web-1'), 'persisted');
});

test('a node that dies keeps its pod\'s volume; the pod comes back there with its data', t => {
	const cluster = createCluster({seed: 28});
	cluster.apply(web({replicas: 2}));
	cluster.advance(40_000);
	writeIndex(cluster, 'web-0', 'survives');
	const node = cluster.get('pod', 'web-0')!.spec.nodeName;
	cluster.killNode(node);
	cluster.advance(400_000);
	// The local volume is pinned to the dead node: nothing runs web-0 elsewhere.
	const during = cluster.get('pod', 'web-0');
	t.false(during?.status.phase === 'Running' && during.spec.nodeName !== node);
	t.deepEqual(cluster.volumeData('www-web-0').files, [{path: '/index.html', size: 8}]);
	cluster.restoreNode(node);
	cluster.advance(120_000);
	const pod = cluster.get('pod', 'web-0')!;
	t.is(pod.status.phase, 'Running');
	t.is(pod.spec.nodeName, node);
	t.deepEqual(cluster.volumeData('www-web-0').files, [{path: '/index.html', size: 8}]);
	t.is(readIndex(cluster, 'web-0'), 'survives');
});

test('persistentVolumeClaimRetentionPolicy: Retain keeps claims after scale-down and deletion; Delete removes them', t => {
	const cluster = createCluster({seed: 29});
	cluster.apply(web({replicas: 2, persistentVolumeClaimRetentionPolicy: {whenScaled: 'Delete', whenDeleted: 'Delete'}}));
	cluster.advance(40_000);
	cluster.scale('statefulset', 'web', 1);
	cluster.advance(60_000);
	t.deepEqual(cluster.list('pvc').map(c => c.metadata.name), ['www-web-0'], 'the scaled-down claim went with its pod');
	cluster.delete('statefulset', 'web');
	cluster.advance(60_000);
	t.is(cluster.list('pods').length, 0);
	t.is(cluster.list('pvc').length, 0);
	t.is(cluster.list('pv').length, 0, 'the provisioned volumes went too (reclaim policy Delete)');

	const retained = createCluster({seed: 30});
	retained.apply(web({replicas: 2}));
	retained.advance(40_000);
	t.deepEqual(retained.get('statefulset', 'web')!.spec.persistentVolumeClaimRetentionPolicy, {whenDeleted: 'Retain', whenScaled: 'Retain'});
	retained.delete('statefulset', 'web');
	retained.advance(60_000);
	t.is(retained.list('pods').length, 0);
	t.deepEqual(retained.list('pvc').map(c => c.metadata.name).sort(), ['www-web-0', 'www-web-1']);
});

test('a failed pod is deleted and recreated with a warning', t => {
	const cluster = createCluster({seed: 31});
	cluster.apply(web({replicas: 1}));
	cluster.advance(30_000);
	const pod = cluster.get('pod', 'web-0')!;
	cluster.context.store.patch(pod, draft => {
		draft.status = {...draft.status, phase: 'Failed'};
	}, {status: true});
	cluster.advance(30_000);
	t.not(cluster.get('pod', 'web-0')!.metadata.uid, pod.metadata.uid);
	t.true(eventMessages(cluster, cluster.get('statefulset', 'web')!).includes('RecreatingFailedPod: StatefulSet default/web is recreating failed Pod web-0'));
});

test('bad input is refused with the API server\'s message and changes nothing', t => {
	const cluster = createCluster({seed: 32});
	cluster.apply(web({replicas: 2}));
	cluster.advance(40_000);
	const before = cluster.get('statefulset', 'web')!;
	const scale = t.throws(() => cluster.scale('statefulset', 'web', -1), {instanceOf: KubeError});
	t.is(scale!.message, 'StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
	t.is(cluster.get('statefulset', 'web'), before);
	t.throws(() => cluster.apply(web({volumeClaimTemplates: [{metadata: {name: 'www'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '5Gi'}}}}]})),
		{message: "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"});
	t.is(cluster.get('statefulset', 'web'), before);

	const fresh = createCluster({seed: 33});
	const cases: Array<[Spec, Spec, string]> = [
		[{podManagementPolicy: 'Random'}, {}, 'spec.podManagementPolicy: Unsupported value: "Random": supported values: "OrderedReady", "Parallel"'],
		[{}, {restartPolicy: 'Never'}, 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
		[{updateStrategy: {type: 'Sometimes'}}, {}, 'spec.updateStrategy.type: Unsupported value: "Sometimes": supported values: "OnDelete", "RollingUpdate"'],
		[{updateStrategy: {type: 'RollingUpdate', rollingUpdate: {partition: -1}}}, {}, 'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0'],
		[{persistentVolumeClaimRetentionPolicy: {whenDeleted: 'Shred'}}, {}, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Shred": supported values: "Retain", "Delete"'],
		[{volumeClaimTemplates: [{metadata: {name: 'www'}, spec: {accessModes: ['ReadWriteAlways'], resources: {requests: {storage: '1Gi'}}}}]}, {}, 'spec.volumeClaimTemplates[0].spec.accessModes: Unsupported value: "ReadWriteAlways": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
	];
	for (const [spec, template, message] of cases) {
		t.throws(() => fresh.apply(web(spec, template)), {message: `StatefulSet.apps "web" is invalid: ${message}`});
	}
	t.is(fresh.list('statefulsets').length, 0);
	t.is(fresh.list('pods').length, 0);
});

test('the Kubernetes docs\' StatefulSet example with the default class binds and runs', t => {
	const cluster = createCluster({seed: 34});
	cluster.apply(`
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 3
  minReadySeconds: 10
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`);
	cluster.advance(90_000);
	t.deepEqual(running(cluster), ['web-0', 'web-1', 'web-2']);
	t.like(cluster.get('statefulset', 'web')!.status, {availableReplicas: 3, readyReplicas: 3});
	t.deepEqual(cluster.list('pvc').map(c => c.status.phase), ['Bound', 'Bound', 'Bound']);
});

test('rollout restart replaces every pod from the highest ordinal down, keeping the claims', t => {
	const cluster = createCluster({seed: 35});
	cluster.apply(web());
	cluster.advance(40_000);
	const uids = Object.fromEntries(livePods(cluster).map(p => [p.metadata.name, p.metadata.uid]));
	const volumes = [0, 1, 2].map(i => cluster.get('pvc', `www-web-${i}`)!.spec.volumeName);
	const deletions: string[] = [];
	cluster.watch(event => {
		if (event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp && !deletions.includes(event.object.metadata.name)) deletions.push(event.object.metadata.name);
	}, {kind: 'Pod'});
	cluster.restart('statefulset', 'web');
	cluster.advance(90_000);
	t.deepEqual(deletions, ['web-2', 'web-1', 'web-0']);
	for (const pod of livePods(cluster)) t.not(pod.metadata.uid, uids[pod.metadata.name]);
	t.deepEqual([0, 1, 2].map(i => cluster.get('pvc', `www-web-${i}`)!.spec.volumeName), volumes);
	t.deepEqual(running(cluster), ['web-0', 'web-1', 'web-2']);
});

test('Parallel with maxUnavailable 2 updates two pods at a time', t => {
	const cluster = createCluster({seed: 36});
	cluster.apply(web({replicas: 4, podManagementPolicy: 'Parallel', updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 2}}}));
	cluster.advance(40_000);
	cluster.setImage('statefulset', 'web', 'nginx', 'nginx:1.27');
	cluster.advance(100);
	const terminating = cluster.list('pods').filter(p => p.metadata.deletionTimestamp).map(p => p.metadata.name).sort();
	t.deepEqual(terminating, ['web-2', 'web-3']);
	cluster.advance(90_000);
	t.deepEqual(livePods(cluster).map(p => p.spec.containers[0].image), Array(4).fill('nginx:1.27'));
	t.throws(() => cluster.apply(web({podManagementPolicy: 'Parallel', updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 0}}})),
		{message: 'StatefulSet.apps "web" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: must be greater than 0'});
});

test('a StatefulSet deleted with --cascade=orphan leaves its pods; a new one adopts them', t => {
	const cluster = createCluster({seed: 37});
	cluster.apply(web({replicas: 2}));
	cluster.advance(40_000);
	const uids = livePods(cluster).map(p => p.metadata.uid).sort();
	cluster.delete('statefulset', 'web', {propagationPolicy: 'Orphan'});
	cluster.advance(5000);
	t.is(cluster.get('statefulset', 'web'), undefined);
	t.deepEqual(livePods(cluster).map(p => p.metadata.uid).sort(), uids);
	t.true(livePods(cluster).every(p => !p.metadata.ownerReferences?.length));
	cluster.apply(web({replicas: 2}));
	cluster.advance(10_000);
	const set = cluster.get('statefulset', 'web')!;
	t.deepEqual(livePods(cluster).map(p => p.metadata.uid).sort(), uids, 'the same pods, not new ones');
	t.true(livePods(cluster).every(p => p.metadata.ownerReferences?.[0]?.uid === set.metadata.uid));
	t.like(set.status, {replicas: 2, readyReplicas: 2});
});

test('a claim deleted under a running pod waits for the pod; the pod then comes back with a fresh claim', t => {
	const cluster = createCluster({seed: 38});
	cluster.apply(web({replicas: 1}));
	cluster.advance(30_000);
	const oldClaim = cluster.get('pvc', 'www-web-0')!;
	cluster.delete('pvc', 'www-web-0');
	cluster.advance(5000);
	t.truthy(cluster.get('pvc', 'www-web-0')!.metadata.deletionTimestamp, 'Terminating while web-0 uses it');
	cluster.delete('pod', 'web-0');
	cluster.advance(60_000);
	const fresh = cluster.get('pvc', 'www-web-0')!;
	t.not(fresh.metadata.uid, oldClaim.metadata.uid);
	t.is(fresh.status.phase, 'Bound');
	t.is(cluster.get('pod', 'web-0')!.status.phase, 'Running');
});

test('ordinals.start numbers the pods and claims from the start ordinal', t => {
	const cluster = createCluster({seed: 39});
	cluster.apply(web({replicas: 2, ordinals: {start: 5}}));
	cluster.advance(40_000);
	t.deepEqual(running(cluster), ['web-5', 'web-6']);
	t.deepEqual(cluster.list('pvc').map(c => c.metadata.name).sort(), ['www-web-5', 'www-web-6']);
	t.is(cluster.get('pod', 'web-5')!.metadata.labels?.['apps.kubernetes.io/pod-index'], '5');
	cluster.scale('statefulset', 'web', 1);
	cluster.advance(30_000);
	t.deepEqual(podNames(cluster), ['web-5']);
});

test('a StatefulSet re-applied with fewer replicas after an orphaning delete adopts every pod and removes the ordinals past replicas', t => {
	const cluster = createCluster({seed: 1});
	cluster.apply(web());
	cluster.advance(120_000);
	t.deepEqual(running(cluster), ['web-0', 'web-1', 'web-2']);
	cluster.delete('statefulset', 'web', {propagationPolicy: 'Orphan'});
	cluster.advance(5000);
	cluster.apply(web({replicas: 1}));
	cluster.advance(120_000);
	t.deepEqual(podNames(cluster), ['web-0']);
	const set = cluster.get('statefulset', 'web')!;
	const pod = cluster.get('pod', 'web-0')!;
	t.deepEqual(pod.metadata.ownerReferences?.map(r => [r.kind, r.uid, r.controller, r.blockOwnerDeletion]), [['StatefulSet', set.metadata.uid, true, true]]);
	t.is(set.status?.replicas, 1);
	t.deepEqual(cluster.controllerErrors(), []);
});

test('a StatefulSet re-applied while its orphaned pod -0 terminates retries the create with backoff until the old pod is gone', t => {
	const cluster = createCluster({seed: 1});
	cluster.apply(web({replicas: 1}));
	cluster.advance(60_000);
	t.deepEqual(running(cluster), ['web-0']);
	cluster.delete('statefulset', 'web', {propagationPolicy: 'Orphan'});
	cluster.advance(1000);
	cluster.delete('pod', 'web-0');
	t.truthy(cluster.get('pod', 'web-0')?.metadata.deletionTimestamp);
	cluster.apply(web({replicas: 1}));
	cluster.advance(2000);
	const set = cluster.get('statefulset', 'web')!;
	t.true(eventMessages(cluster, set).some(m => m.startsWith('FailedCreate: create Pod web-0 in StatefulSet web failed error: pods "web-0" already exists')));
	cluster.advance(180_000);
	t.deepEqual(running(cluster), ['web-0']);
	const pod = cluster.get('pod', 'web-0')!;
	t.is(pod.metadata.ownerReferences?.[0]?.uid, set.metadata.uid);
	t.is(cluster.get('statefulset', 'web')!.status?.replicas, 1);
	t.is(cluster.get('statefulset', 'web')!.status?.readyReplicas, 1);
	t.deepEqual(cluster.controllerErrors(), []);
});
