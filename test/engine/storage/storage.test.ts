import test from 'ava';
import {createCluster, KubeError} from '../../../source/engine/index.js';
import type {Cluster, KubeEvent, KubeObject, Pod} from '../../../source/engine/index.js';
import fc from 'fast-check';
import {volumeProviderOf} from '../../../source/engine/runtime/filetree.js';
import {findBestMatch} from '../../../source/engine/storage/pv-controller.js';
import type {PersistentVolume, PersistentVolumeClaim} from '../../../source/engine/index.js';

function eventLines(cluster: Cluster, object: KubeObject): string[] {
	return (cluster.eventsFor(object) as KubeEvent[]).map(e => `${e.type} ${e.reason}: ${e.message}`);
}

function claim(name: string, spec: Record<string, unknown> = {}) {
	return {
		apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name},
		spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}, ...spec},
	};
}

function volume(name: string, size: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>) {
	return {
		apiVersion: 'v1', kind: 'PersistentVolume', metadata: {name, ...(labels ? {labels} : {})},
		spec: {capacity: {storage: size}, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: {path: `/mnt/${name}`}, ...spec},
	};
}

function pod(name: string, claims: string[], extra: Record<string, unknown> = {}) {
	return {
		apiVersion: 'v1', kind: 'Pod', metadata: {name},
		spec: {
			containers: [{name: 'app', image: 'nginx:1.27', volumeMounts: claims.map((_, i) => ({name: `v${i}`, mountPath: `/data${i}`}))}],
			volumes: claims.map((claimName, i) => ({name: `v${i}`, persistentVolumeClaim: {claimName}})),
			...extra,
		},
	};
}

const get = (cluster: Cluster, kind: string, name: string) => cluster.get(kind, name)!;
const phase = (cluster: Cluster, kind: string, name: string) => cluster.get(kind, name)?.status?.phase;

test('a fresh cluster has kind\'s default StorageClass "standard": local-path, Delete, WaitForFirstConsumer', t => {
	const cluster = createCluster({seed: 1});
	const standard = cluster.get('storageclass', 'standard')!;
	t.is(standard.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
	t.like(standard, {provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer'});
});

test('a claim without a class gets the default one and waits for its first consumer, then is provisioned on the pod\'s node', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply(claim('data'));
	cluster.advance(20_000);
	const pending = get(cluster, 'pvc', 'data');
	t.is(pending.spec.storageClassName, 'standard');
	t.is(pending.status.phase, 'Pending');
	t.deepEqual(pending.metadata.finalizers, ['kubernetes.io/pvc-protection']);
	t.true(eventLines(cluster, pending).includes('Normal WaitForFirstConsumer: waiting for first consumer to be created before binding'));
	t.is(cluster.list('pv').length, 0);

	cluster.apply(pod('app', ['data']));
	cluster.advance(10_000);
	const bound = get(cluster, 'pvc', 'data');
	const node = get(cluster, 'pod', 'app').spec.nodeName;
	const pvName = `pvc-${bound.metadata.uid}`;
	t.is(bound.status.phase, 'Bound');
	t.is(bound.spec.volumeName, pvName);
	t.is(bound.metadata.annotations?.['volume.kubernetes.io/selected-node'], node);
	t.deepEqual(bound.status.capacity, {storage: '1Gi'});
	const pv = get(cluster, 'pv', pvName);
	t.is(pv.status.phase, 'Bound');
	t.is(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
	t.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0], {key: 'kubernetes.io/hostname', operator: 'In', values: [node]});
	t.like(pv.spec.claimRef, {namespace: 'default', name: 'data', uid: bound.metadata.uid});
	t.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
	const lines = eventLines(cluster, bound);
	t.true(lines.includes(`Normal ProvisioningSucceeded: Successfully provisioned volume ${pvName}`));
	t.true(lines.some(l => l.startsWith("Normal ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path'")));
	t.is(phase(cluster, 'pod', 'app'), 'Running');
});

test('the binder picks the smallest volume that fits, with the same class and every access mode', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply([
		volume('small', '5Gi'),
		volume('medium', '10Gi'),
		volume('large', '20Gi'),
		volume('medium-rwx', '10Gi', {accessModes: ['ReadWriteMany']}),
		volume('other-class', '8Gi', {storageClassName: 'slow'}),
	]);
	cluster.apply([
		claim('eight', {storageClassName: 'manual', resources: {requests: {storage: '8Gi'}}}),
		claim('shared', {storageClassName: 'manual', accessModes: ['ReadWriteMany'], resources: {requests: {storage: '1Gi'}}}),
	]);
	cluster.advance(1000);
	t.is(get(cluster, 'pvc', 'eight').spec.volumeName, 'medium');
	t.is(get(cluster, 'pvc', 'shared').spec.volumeName, 'medium-rwx');
	const medium = get(cluster, 'pv', 'medium');
	t.is(medium.status.phase, 'Bound');
	t.is(medium.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
	t.is(get(cluster, 'pvc', 'eight').metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
	t.deepEqual(get(cluster, 'pvc', 'eight').status, {phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: {storage: '10Gi'}});
	for (const name of ['small', 'large', 'other-class']) t.is(phase(cluster, 'pv', name), 'Available');
});

test('a pre-bound claim gets its volume even when a smaller one fits; a label selector narrows the choice', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply([volume('a', '2Gi'), volume('b', '50Gi'), volume('fast', '30Gi', {}, {tier: 'fast'})]);
	cluster.apply([
		claim('pinned', {storageClassName: 'manual', volumeName: 'b'}),
		claim('picky', {storageClassName: 'manual', selector: {matchLabels: {tier: 'fast'}}}),
	]);
	cluster.advance(1000);
	t.is(get(cluster, 'pvc', 'pinned').spec.volumeName, 'b');
	t.is(get(cluster, 'pvc', 'picky').spec.volumeName, 'fast');
	t.is(phase(cluster, 'pv', 'a'), 'Available');
});

test('a claim that cannot bind stays Pending with the controller\'s event', t => {
	const cluster = createCluster({seed: 5});
	cluster.apply(claim('nothing', {storageClassName: ''}));
	cluster.apply(claim('ghost', {storageClassName: 'fast'}));
	cluster.advance(31_000);
	const nothing = get(cluster, 'pvc', 'nothing');
	t.is(nothing.status.phase, 'Pending');
	const failed = (cluster.eventsFor(nothing) as KubeEvent[]).find(e => e.reason === 'FailedBinding')!;
	t.is(failed.type, 'Warning');
	t.is(failed.message, 'no persistent volumes available for this claim and no storage class is set');
	t.true(failed.count >= 3, 'retried on the 15 s resync');
	const ghost = get(cluster, 'pvc', 'ghost');
	t.is(ghost.status.phase, 'Pending');
	t.is(ghost.spec.storageClassName, 'fast');
	t.true(eventLines(cluster, ghost).includes('Warning ProvisioningFailed: storageclass.storage.k8s.io "fast" not found'));

	// The class appears: the claim is provisioned at once (Immediate binding).
	cluster.apply({apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: {name: 'fast'}, provisioner: 'rancher.io/local-path'});
	cluster.advance(5000);
	t.is(phase(cluster, 'pvc', 'ghost'), 'Bound');
});

test('reclaim: Retain keeps a Released volume with its data, Delete removes the volume and its data', t => {
	const cluster = createCluster({seed: 6});
	cluster.apply([volume('keep', '1Gi', {persistentVolumeReclaimPolicy: 'Retain'}), volume('drop', '1Gi', {persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'other', hostPath: {path: '/tmp/drop'}})]);
	cluster.apply([claim('c1', {storageClassName: 'manual'}), claim('c2', {storageClassName: 'other'})]);
	cluster.advance(1000);
	const provider = volumeProviderOf(cluster.context.services)!;
	provider.treeForClaim('default', 'c1')!.write('/note.txt', 'kept');
	provider.treeForClaim('default', 'c2')!.write('/note.txt', 'gone');
	cluster.delete('pvc', 'c1');
	cluster.delete('pvc', 'c2');
	cluster.advance(1000);
	t.is(cluster.get('pvc', 'c1'), undefined);
	const kept = get(cluster, 'pv', 'keep');
	t.is(kept.status.phase, 'Released');
	t.deepEqual(cluster.volumeData('keep').files, [{path: '/note.txt', size: 4}]);
	t.is(cluster.get('pv', 'drop'), undefined);

	// A Released volume is not offered to a new claim.
	cluster.apply(claim('c3', {storageClassName: 'manual'}));
	cluster.advance(1000);
	t.is(phase(cluster, 'pvc', 'c3'), 'Pending');
});

test('a claim in use stays Terminating until its pod is gone; a bound volume keeps its protection finalizer', t => {
	const cluster = createCluster({seed: 7});
	cluster.apply([claim('data'), pod('app', ['data'])]);
	cluster.advance(10_000);
	t.is(phase(cluster, 'pod', 'app'), 'Running');
	const pvName = get(cluster, 'pvc', 'data').spec.volumeName;
	cluster.delete('pv', pvName);
	cluster.delete('pvc', 'data');
	cluster.advance(5000);
	const terminating = get(cluster, 'pvc', 'data');
	t.truthy(terminating.metadata.deletionTimestamp);
	t.deepEqual(terminating.metadata.finalizers, ['kubernetes.io/pvc-protection']);
	t.truthy(get(cluster, 'pv', pvName).metadata.deletionTimestamp);
	cluster.delete('pod', 'app');
	cluster.advance(40_000);
	t.is(cluster.get('pod', 'app'), undefined);
	t.is(cluster.get('pvc', 'data'), undefined);
	t.is(cluster.get('pv', pvName), undefined);
});

test('ReadWriteOncePod: the scheduler refuses a second pod using the claim', t => {
	const cluster = createCluster({seed: 8});
	cluster.apply([claim('solo', {accessModes: ['ReadWriteOncePod']}), pod('first', ['solo'])]);
	cluster.advance(10_000);
	t.is(phase(cluster, 'pod', 'first'), 'Running');
	cluster.apply(pod('second', ['solo']));
	cluster.advance(3000);
	const second = get(cluster, 'pod', 'second');
	t.is(second.spec.nodeName, undefined);
	const failed = (cluster.eventsFor(second) as KubeEvent[]).find(e => e.reason === 'FailedScheduling')!;
	t.true(failed.message.startsWith('0/3 nodes are available: 3 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.'), failed.message);
	cluster.delete('pod', 'first');
	cluster.advance(40_000);
	t.is(phase(cluster, 'pod', 'second'), 'Running');
});

test('ReadWriteOnce: a second node gets a Multi-Attach error and waits; the same node shares the volume', t => {
	const cluster = createCluster({seed: 9});
	cluster.apply([volume('disk', '1Gi'), claim('shared', {storageClassName: 'manual'})]);
	cluster.advance(1000);
	const on = (node: string) => ({nodeSelector: {'kubernetes.io/hostname': node}});
	cluster.apply([pod('a', ['shared'], on('kubarium-worker'))]);
	cluster.advance(10_000);
	t.is(phase(cluster, 'pod', 'a'), 'Running');
	cluster.apply([pod('b', ['shared'], on('kubarium-worker2')), pod('c', ['shared'], on('kubarium-worker'))]);
	cluster.advance(10_000);
	const b = get(cluster, 'pod', 'b') as Pod;
	t.is(b.status!.phase, 'Pending');
	t.is(b.status!.containerStatuses?.[0]?.state.waiting?.reason, 'ContainerCreating');
	// The reconciler names the pods of the waiting pod's namespace that hold the volume on the other node.
	t.true(eventLines(cluster, b).includes('Warning FailedAttachVolume: Multi-Attach error for volume "disk" Volume is already used by pod(s) a, c'));
	t.is(phase(cluster, 'pod', 'c'), 'Running');
	t.deepEqual(cluster.volumeData('shared').attachedTo, ['kubarium-worker']);
	cluster.delete('pod', 'a');
	cluster.delete('pod', 'c');
	cluster.advance(40_000);
	t.is(phase(cluster, 'pod', 'b'), 'Running');
	t.deepEqual(cluster.volumeData('disk').attachedTo, ['kubarium-worker2']);
});

test('ReadOnlyMany claims are mounted read-only', t => {
	const cluster = createCluster({seed: 10});
	cluster.apply([volume('books', '1Gi', {accessModes: ['ReadOnlyMany']}), claim('library', {storageClassName: 'manual', accessModes: ['ReadOnlyMany']})]);
	cluster.advance(1000);
	cluster.apply([pod('reader', ['library'])]);
	cluster.advance(10_000);
	t.is(phase(cluster, 'pod', 'reader'), 'Running');
	const refused = cluster.exec('reader', ['sh', '-c', 'echo x > /data0/x']);
	t.not(refused.exitCode, 0);
	t.regex(refused.stderr, /Read-only file system/);
	t.deepEqual(cluster.volumeData('library').files, []);
});

test('a pod whose claim is missing or unbound is not scheduled, with the scheduler\'s reason', t => {
	const cluster = createCluster({seed: 11});
	cluster.apply([pod('orphan', ['nope']), claim('unbound', {storageClassName: ''}), pod('waiting', ['unbound'])]);
	cluster.advance(3000);
	const message = (name: string) => (cluster.eventsFor(get(cluster, 'pod', name)) as KubeEvent[]).find(e => e.reason === 'FailedScheduling')?.message ?? '';
	t.true(message('orphan').startsWith('0/3 nodes are available: persistentvolumeclaim "nope" not found.'), message('orphan'));
	t.true(message('waiting').startsWith('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'), message('waiting'));
	t.is(get(cluster, 'pod', 'orphan').spec.nodeName, undefined);
	// The claim appears: the pod is scheduled and starts.
	cluster.apply(claim('nope'));
	cluster.advance(15_000);
	t.is(phase(cluster, 'pod', 'orphan'), 'Running');
});

const badClaims: Array<[string, Record<string, unknown>, string]> = [
	['an unknown access mode', {accessModes: ['ReadWriteSometimes']}, 'PersistentVolumeClaim "bad" is invalid: spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
	['no access mode', {accessModes: []}, 'PersistentVolumeClaim "bad" is invalid: spec.accessModes: Required value: at least 1 access mode is required'],
	['ReadWriteOncePod with another mode', {accessModes: ['ReadWriteOncePod', 'ReadWriteOnce']}, 'PersistentVolumeClaim "bad" is invalid: spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes'],
	['no storage request', {resources: {}}, 'PersistentVolumeClaim "bad" is invalid: spec.resources[storage]: Required value'],
	['a malformed size', {resources: {requests: {storage: 'lots'}}}, 'PersistentVolumeClaim "bad" is invalid: spec.resources[storage]: Invalid value: "lots": must be a valid quantity'],
];

for (const [what, spec, message] of badClaims) {
	test(`a claim with ${what} is refused and nothing is stored`, t => {
		const cluster = createCluster({seed: 12});
		const error = t.throws(() => cluster.apply(claim('bad', spec)), {instanceOf: KubeError});
		t.is(error!.message, message);
		t.is(cluster.list('pvc').length, 0);
	});
}

test('a PersistentVolume without a volume source or with a bad reclaim policy is refused', t => {
	const cluster = createCluster({seed: 13});
	t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'PersistentVolume', metadata: {name: 'x'}, spec: {capacity: {storage: '1Gi'}, accessModes: ['ReadWriteOnce']}}),
		{message: 'PersistentVolume "x" is invalid: spec: Required value: must specify a volume type'});
	t.throws(() => cluster.apply(volume('y', '1Gi', {persistentVolumeReclaimPolicy: 'Shred'})),
		{message: 'PersistentVolume "y" is invalid: spec.persistentVolumeReclaimPolicy: Unsupported value: "Shred": supported values: "Delete", "Recycle", "Retain"'});
	t.is(cluster.list('pv').length, 0);
});

test('a bound claim\'s spec cannot change, except to grow the request', t => {
	const cluster = createCluster({seed: 14});
	cluster.apply([volume('v', '10Gi'), claim('c', {storageClassName: 'manual'})]);
	cluster.advance(1000);
	t.throws(() => cluster.apply(claim('c', {storageClassName: 'manual', accessModes: ['ReadWriteMany']})),
		{message: 'PersistentVolumeClaim "c" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'});
	// Applying the same manifest again keeps the binding the controller wrote.
	cluster.apply(claim('c', {storageClassName: 'manual', resources: {requests: {storage: '2Gi'}}}));
	cluster.advance(1000);
	t.is(get(cluster, 'pvc', 'c').spec.volumeName, 'v');
	t.is(phase(cluster, 'pvc', 'c'), 'Bound');
});

test('volumeData names an unknown claim or volume with the API error', t => {
	const cluster = createCluster({seed: 15});
	t.throws(() => cluster.volumeData('missing'), {message: 'persistentvolumeclaims "missing" not found'});
});

test('the docs\' "Configure a Pod to Use a PersistentVolume" example binds and runs', t => {
	const cluster = createCluster({seed: 16});
	cluster.apply(`
apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: task-pv-pod
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: task-pv-claim
  containers:
    - name: task-pv-container
      image: nginx
      ports:
        - containerPort: 80
          name: "http-server"
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
`);
	cluster.advance(15_000);
	t.like(get(cluster, 'pv', 'task-pv-volume'), {status: {phase: 'Bound'}, spec: {claimRef: {name: 'task-pv-claim'}}});
	t.like(get(cluster, 'pvc', 'task-pv-claim'), {status: {phase: 'Bound', capacity: {storage: '10Gi'}}, spec: {volumeName: 'task-pv-volume'}});
	t.is(phase(cluster, 'pod', 'task-pv-pod'), 'Running');
});

test('a bound claim whose volume disappears is Lost', t => {
	const cluster = createCluster({seed: 17});
	cluster.apply([volume('v', '1Gi'), claim('c', {storageClassName: 'manual'})]);
	cluster.advance(1000);
	cluster.context.store.remove(get(cluster, 'pv', 'v'));
	cluster.advance(1000);
	const lost = get(cluster, 'pvc', 'c');
	t.is(lost.status.phase, 'Lost');
	t.true(eventLines(cluster, lost).includes('Warning ClaimLost: Bound claim has lost its PersistentVolume. Data on the volume is lost!'));
});

test('property: the binder returns a matching volume of the smallest capacity, or none when nothing matches', t => {
	const modes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'] as const;
	const arbitraryVolume = fc.record({
		size: fc.integer({min: 1, max: 64}),
		modes: fc.subarray([...modes], {minLength: 1}),
		className: fc.constantFrom('', 'manual', 'fast'),
		tier: fc.constantFrom('gold', 'silver'),
		phase: fc.constantFrom('Available', 'Available', 'Released', 'Bound'),
	});
	const arbitraryClaim = fc.record({
		size: fc.integer({min: 1, max: 64}),
		modes: fc.subarray([...modes], {minLength: 1}),
		className: fc.constantFrom('', 'manual', 'fast'),
		tier: fc.option(fc.constantFrom('gold', 'silver'), {nil: undefined}),
	});
	fc.assert(fc.property(fc.array(arbitraryVolume, {maxLength: 12}), arbitraryClaim, (specs, wanted) => {
		const volumes = specs.map((spec, i) => ({
			apiVersion: 'v1', kind: 'PersistentVolume',
			metadata: {name: `pv-${i}`, labels: {tier: spec.tier}, uid: `u${i}`, resourceVersion: '1', creationTimestamp: ''},
			spec: {capacity: {storage: `${spec.size}Gi`}, accessModes: spec.modes, storageClassName: spec.className, hostPath: {path: '/x'}},
			status: {phase: spec.phase},
		})) as PersistentVolume[];
		const pvc = {
			apiVersion: 'v1', kind: 'PersistentVolumeClaim',
			metadata: {name: 'c', namespace: 'default', uid: 'claim', resourceVersion: '1', creationTimestamp: ''},
			spec: {accessModes: wanted.modes, resources: {requests: {storage: `${wanted.size}Gi`}}, storageClassName: wanted.className, ...(wanted.tier ? {selector: {matchLabels: {tier: wanted.tier}}} : {})},
		} as PersistentVolumeClaim;
		const fits = specs.filter(spec => spec.phase === 'Available' && spec.size >= wanted.size && spec.className === wanted.className
			&& wanted.modes.every(mode => spec.modes.includes(mode)) && (!wanted.tier || spec.tier === wanted.tier));
		const chosen = findBestMatch(volumes, pvc);
		if (fits.length === 0) return chosen === undefined;
		const chosenSpec = specs[Number(chosen!.metadata.name.slice(3))]!;
		return fits.includes(chosenSpec) && chosenSpec.size === Math.min(...fits.map(f => f.size));
	}));
	t.pass();
});

test('a pod placed on a node by name with a missing claim waits in ContainerCreating and reports FailedMount after two minutes', t => {
	const cluster = createCluster({seed: 18});
	cluster.apply(pod('pinned', ['absent'], {nodeName: 'kubarium-worker'}));
	cluster.advance(60_000);
	const waiting = get(cluster, 'pod', 'pinned') as Pod;
	t.is(waiting.status!.containerStatuses?.[0]?.state.waiting?.reason, 'ContainerCreating');
	t.false(eventLines(cluster, waiting).some(line => line.includes('FailedMount')));
	cluster.advance(70_000);
	t.true(eventLines(cluster, get(cluster, 'pod', 'pinned')).includes('Warning FailedMount: Unable to attach or mount volumes: unmounted volumes=[v0], unattached volumes=[], failed to process volumes=[v0]: error processing PVC default/absent: failed to fetch PVC from API server: persistentvolumeclaims "absent" not found'));
	cluster.apply(claim('absent'));
	cluster.advance(15_000);
	t.is(phase(cluster, 'pod', 'pinned'), 'Running');
});

test('subPath mounts one directory of a volume (created by the kubelet when missing) or one file of a ConfigMap; the rest of the volume stays out of sight', t => {
	const cluster = createCluster({seed: 41, nodes: 1});
	cluster.apply([
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'web'}, data: {'nginx.conf': 'worker_processes 1;\n', 'other.conf': 'x'}},
		{
			apiVersion: 'v1', kind: 'Pod', metadata: {name: 'sub'},
			spec: {
				volumes: [{name: 'data', emptyDir: {}}, {name: 'conf', configMap: {name: 'web'}}],
				containers: [
					{name: 'a', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{name: 'data', mountPath: '/srv/a', subPath: 'site-a'}, {name: 'conf', mountPath: '/etc/app/nginx.conf', subPath: 'nginx.conf'}]},
					{name: 'b', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{name: 'data', mountPath: '/data'}]},
				],
			},
		},
	]);
	cluster.advance(20_000);
	t.is(cluster.get('pod', 'sub')!.status.phase, 'Running');
	t.is(cluster.exec('sub', ['sh', '-c', 'echo hello > /srv/a/index.html'], {container: 'a'}).exitCode, 0);
	t.is(cluster.exec('sub', ['cat', '/data/site-a/index.html'], {container: 'b'}).stdout, 'hello\n');
	t.is(cluster.exec('sub', ['ls', '/data'], {container: 'b'}).stdout, 'site-a\n');
	t.is(cluster.exec('sub', ['cat', '/etc/app/nginx.conf'], {container: 'a'}).stdout, 'worker_processes 1;\n');
	t.is(cluster.exec('sub', ['ls', '/etc/app'], {container: 'a'}).stdout, 'nginx.conf\n', 'only the one key');
	const error = t.throws(() => cluster.apply({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'bad'},
		spec: {volumes: [{name: 'data', emptyDir: {}}], containers: [{name: 'a', image: 'busybox:1.36', volumeMounts: [{name: 'data', mountPath: '/x', subPath: '../etc'}]}]},
	}))!;
	t.regex(error.message, /spec\.containers\[0\]\.volumeMounts\[0\]\.subPath: Invalid value: "\.\.\/etc": must not contain '\.\.'/);
});

test('PV phase Failed: a released Delete volume no in-tree deleter can remove stays, Failed, with VolumeFailedDelete and the plugin\'s error', t => {
	const cluster = createCluster({seed: 42});
	cluster.apply([
		volume('host', '1Gi', {persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'a'}),
		volume('nfs', '1Gi', {persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'b', hostPath: undefined, nfs: {server: '10.0.0.9', path: '/exports/b'}}),
	]);
	cluster.apply([claim('ca', {storageClassName: 'a'}), claim('cb', {storageClassName: 'b'})]);
	cluster.advance(1000);
	t.is(phase(cluster, 'pvc', 'ca'), 'Bound');
	cluster.delete('pvc', 'ca');
	cluster.delete('pvc', 'cb');
	cluster.advance(20_000);
	const host = get(cluster, 'pv', 'host');
	t.is(host.status.phase, 'Failed');
	t.is(host.status.message, 'host_path deleter only supports /tmp/.+ but received provided /mnt/host');
	t.true(cluster.eventsFor(host).some(e => e['type'] === 'Warning' && e['reason'] === 'VolumeFailedDelete' && e['message'] === 'host_path deleter only supports /tmp/.+ but received provided /mnt/host'));
	const nfs = get(cluster, 'pv', 'nfs');
	t.is(nfs.status.phase, 'Failed');
	t.is(nfs.status.message, 'error getting deleter volume plugin for volume "nfs": no deletable volume plugin matched');
});

test('a volume held by a pod on a dead node stays attached after the pod is force-deleted, until the 6-minute forced detach lets the new pod attach it', t => {
	const cluster = createCluster({seed: 43, nodes: 2});
	cluster.apply([volume('disk', '1Gi'), claim('data', {storageClassName: 'manual'})]);
	cluster.apply({...pod('old', ['data']), spec: {...pod('old', ['data']).spec, nodeName: 'kubarium-worker'}});
	cluster.advance(20_000);
	t.is(phase(cluster, 'pod', 'old'), 'Running');
	cluster.killNode('kubarium-worker');
	cluster.advance(60_000);
	cluster.delete('pod', 'old', {gracePeriodSeconds: 0});
	cluster.advance(0);
	t.is(cluster.get('pod', 'old'), undefined);
	cluster.apply({...pod('new', ['data']), spec: {...pod('new', ['data']).spec, nodeName: 'kubarium-worker2'}});
	cluster.advance(60_000);
	const waiting = cluster.get('pod', 'new')!;
	t.is(waiting.status.phase, 'Pending');
	t.true(cluster.eventsFor(waiting).some(e => e['reason'] === 'FailedAttachVolume' && String(e['message']).startsWith('Multi-Attach error for volume "disk"')));
	cluster.advance(6 * 60_000);
	t.is(phase(cluster, 'pod', 'new'), 'Running', 'attached after the forced detach');
});

test('a WaitForFirstConsumer claim is provisioned while its pod is being scheduled: the pod is bound only once the claim is', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply([claim('data'), pod('app', ['data'])]);
	let boundAt: number | undefined;
	let claimBoundAt: number | undefined;
	for (let ms = 0; ms < 20_000 && boundAt === undefined; ms += 100) {
		cluster.advance(100);
		if (claimBoundAt === undefined && get(cluster, 'pvc', 'data').spec.volumeName) claimBoundAt = ms;
		if (get(cluster, 'pod', 'app').spec.nodeName) boundAt = ms;
		// While the volume is provisioned, the pod has its node chosen (on the claim) but is not yet bound.
		if (boundAt === undefined && get(cluster, 'pvc', 'data').metadata.annotations?.['volume.kubernetes.io/selected-node']) {
			t.is(get(cluster, 'pod', 'app').status.conditions?.find((c: {type: string}) => c.type === 'PodScheduled')?.status, undefined);
		}
	}
	t.not(claimBoundAt, undefined);
	t.not(boundAt, undefined);
	t.true(boundAt! >= claimBoundAt!);
	const node = get(cluster, 'pod', 'app').spec.nodeName;
	t.is(get(cluster, 'pvc', 'data').metadata.annotations?.['volume.kubernetes.io/selected-node'], node);
	// The scheduler's Scheduled event comes after the provisioner's success, as on a real cluster.
	const at = (object: KubeObject, reason: string) => (cluster.eventsFor(object) as KubeEvent[]).find(e => e.reason === reason)!.metadata.resourceVersion;
	t.true(Number(at(get(cluster, 'pvc', 'data'), 'ProvisioningSucceeded')) < Number(at(get(cluster, 'pod', 'app'), 'Scheduled')));
});

test('a claim whose provisioner is not running keeps its pod in PreBind for 10 minutes, then FailedScheduling with the volume binder\'s error', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply([
		{apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: {name: 'gp3'}, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer'},
		claim('data', {storageClassName: 'gp3'}),
		pod('app', ['data']),
	]);
	cluster.advance(5000);
	const waiting = get(cluster, 'pvc', 'data');
	t.truthy(waiting.metadata.annotations?.['volume.kubernetes.io/selected-node']);
	t.true(eventLines(cluster, waiting).some(line => line.startsWith("Normal ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com'")));
	t.is(get(cluster, 'pod', 'app').spec.nodeName, undefined);
	t.false(eventLines(cluster, get(cluster, 'pod', 'app')).some(line => line.includes('FailedScheduling')));
	cluster.advance(600_000);
	const app = get(cluster, 'pod', 'app');
	t.is(app.spec.nodeName, undefined);
	t.true(eventLines(cluster, app).includes('Warning FailedScheduling: running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded'));
	t.like(app.status.conditions.find((c: {type: string}) => c.type === 'PodScheduled'), {status: 'False', reason: 'Unschedulable'});
});
