import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster, KubeError} from '../../../source/engine/index.js';
import type {KubeEvent, LimitRange, Pod} from '../../../source/engine/index.js';

const docs = (file: string) => readFileSync(new URL(`../../fixtures/docs/policy/${file}`, import.meta.url), 'utf8');

test('the docs memory defaults: a container without resources gets the default request and limit, and the annotation says so', t => {
	const cluster = createCluster({seed: 31});
	cluster.apply(docs('memory-defaults.yaml'));
	cluster.apply(docs('memory-defaults-pod.yaml'));
	const pod = cluster.get('Pod', 'default-mem-demo') as Pod;
	t.deepEqual(pod.spec!.containers[0]!.resources, {limits: {memory: '512Mi'}, requests: {memory: '256Mi'}});
	t.is(pod.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: memory request for container default-mem-demo-ctr; memory limit for container default-mem-demo-ctr');
	t.is(pod.status!.qosClass, 'Burstable');
	cluster.advance(30_000);
	t.is((cluster.get('Pod', 'default-mem-demo') as Pod).status!.phase, 'Running');
});

test('the docs memory constraints: max defaults the limit and the request; a pod over max is refused', t => {
	const cluster = createCluster({seed: 32});
	cluster.apply(docs('memory-constraints.yaml'));
	const range = cluster.get('LimitRange', 'mem-min-max-demo-lr') as LimitRange;
	t.deepEqual(range.spec!.limits[0], {type: 'Container', max: {memory: '1Gi'}, min: {memory: '500Mi'}, default: {memory: '1Gi'}, defaultRequest: {memory: '1Gi'}});
	const error = t.throws(() => cluster.apply(docs('memory-constraints-pod-2.yaml')), {instanceOf: KubeError})!;
	t.is(error.code, 'Forbidden');
	t.is(error.message, 'pods "constraints-mem-demo-2" is forbidden: maximum memory usage per Container is 1Gi, but limit is 1536Mi');
	t.is(cluster.get('Pod', 'constraints-mem-demo-2'), undefined);
	const low = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'low'}, spec: {containers: [{name: 'c', image: 'nginx', resources: {limits: {memory: '800Mi'}, requests: {memory: '100Mi'}}}]}}), {instanceOf: KubeError})!;
	t.is(low.message, 'pods "low" is forbidden: minimum memory usage per Container is 500Mi, but request is 100Mi');
});

test('maxLimitRequestRatio and Pod-type limits; several errors are listed together', t => {
	const cluster = createCluster({seed: 33});
	cluster.apply({apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'lr'}, spec: {limits: [
		{type: 'Container', maxLimitRequestRatio: {cpu: '2'}},
		{type: 'Pod', max: {cpu: '1'}},
	]}});
	const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {containers: [
		{name: 'a', image: 'nginx', resources: {requests: {cpu: '100m'}, limits: {cpu: '800m'}}},
		{name: 'b', image: 'nginx', resources: {requests: {cpu: '400m'}, limits: {cpu: '400m'}}},
	]}}), {instanceOf: KubeError})!;
	t.is(error.message, 'pods "p" is forbidden: [cpu max limit to request ratio per Container is 2, but provided ratio is 8.000000, maximum cpu usage per Pod is 1, but limit is 1200m]');
});

test('a ReplicaSet whose template breaks a LimitRange records FailedCreate with the plugin\'s text', t => {
	const cluster = createCluster({seed: 34});
	cluster.apply({apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'lr'}, spec: {limits: [{type: 'Container', max: {memory: '256Mi'}}]}});
	cluster.apply({apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'big'}, spec: {replicas: 1, selector: {matchLabels: {app: 'big'}}, template: {metadata: {labels: {app: 'big'}}, spec: {containers: [{name: 'c', image: 'nginx', resources: {limits: {memory: '1Gi'}}}]}}}});
	cluster.advance(10_000);
	const failed = (cluster.eventsFor(cluster.get('ReplicaSet', 'big')!) as KubeEvent[]).find(e => e.reason === 'FailedCreate')!;
	t.regex(failed.message!, /^Error creating: pods "big-[a-z0-9]{5}" is forbidden: maximum memory usage per Container is 256Mi, but limit is 1Gi$/);
	t.is(cluster.list('Pod').length, 0);
});

test('LimitRange validation in the API server\'s words', t => {
	const cluster = createCluster({seed: 35});
	const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'bad'}, spec: {limits: [
		{type: 'Container', min: {memory: '1Gi'}, max: {memory: '512Mi'}},
		{type: 'Pod', default: {cpu: '1'}},
	]}}), {instanceOf: KubeError})!;
	t.is(error.code, 'Invalid');
	t.is(error.message, 'LimitRange "bad" is invalid: [spec.limits[0].min[memory]: Invalid value: "1Gi": min value 1Gi is greater than max value 512Mi, spec.limits[0].defaultRequest[memory]: Invalid value: "512Mi": min value 1Gi is greater than default request value 512Mi, spec.limits[0].default[memory]: Invalid value: "1Gi": min value 1Gi is greater than default value 512Mi, spec.limits[1].default: Forbidden: may not be specified when `type` is \'Pod\']');
	t.is(cluster.get('LimitRange', 'bad'), undefined);
});

test('a PersistentVolumeClaim-type limit bounds a claim\'s storage request', t => {
	const cluster = createCluster({seed: 36});
	cluster.apply({apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'storage'}, spec: {limits: [{type: 'PersistentVolumeClaim', min: {storage: '1Gi'}, max: {storage: '2Gi'}}]}});
	const claim = (name: string, storage: string) => ({apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage}}}});
	t.is(t.throws(() => cluster.apply(claim('big', '5Gi')), {instanceOf: KubeError})!.message, 'persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi');
	t.is(t.throws(() => cluster.apply(claim('small', '500Mi')), {instanceOf: KubeError})!.message, 'persistentvolumeclaims "small" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi');
	t.notThrows(() => cluster.apply(claim('fits', '1536Mi')));
});

test('a dry-run create shows the LimitRange defaults and the quota check, and writes nothing', t => {
	const cluster = createCluster({seed: 37});
	cluster.apply(docs('memory-defaults.yaml'));
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'q'}, spec: {hard: {'requests.memory': '300Mi'}}});
	cluster.advance(100);
	const pod = cluster.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'dry'}, spec: {containers: [{name: 'c', image: 'nginx'}]}}, {dryRun: true}) as Pod;
	t.deepEqual(pod.spec!.containers[0]!.resources, {limits: {memory: '512Mi'}, requests: {memory: '256Mi'}});
	t.is(cluster.get('Pod', 'dry'), undefined);
	t.is(cluster.get('ResourceQuota', 'q')!.status.used['requests.memory'], '0');
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'real'}, spec: {containers: [{name: 'c', image: 'nginx'}]}});
	const error = t.throws(() => cluster.create({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'dry'}, spec: {containers: [{name: 'c', image: 'nginx'}]}}, {dryRun: true}), {instanceOf: KubeError})!;
	t.is(error.message, 'pods "dry" is forbidden: exceeded quota: q, requested: requests.memory=256Mi, used: requests.memory=256Mi, limited: requests.memory=300Mi');
});

test('a default limit below the container\'s own request makes the pod invalid, as the API server validates the defaulted pod', t => {
	const cluster = createCluster({seed: 38});
	cluster.apply({apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'small'}, spec: {limits: [{type: 'Container', default: {cpu: '50m', memory: '50M'}}]}});
	const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'podtest3'}, spec: {containers: [{name: 'c', image: 'nginx', resources: {requests: {cpu: '300m', memory: '400M'}}}]}}), {instanceOf: KubeError})!;
	t.is(error.code, 'Invalid');
	t.is(error.message, 'Pod "podtest3" is invalid: [spec.containers[0].resources.requests: Invalid value: "300m": must be less than or equal to cpu limit of 50m, spec.containers[0].resources.requests: Invalid value: "400M": must be less than or equal to memory limit of 50M]');
});

test('a container with its own limit keeps it as its request: the LimitRange\'s default request does not apply to that resource', t => {
	const cluster = createCluster({seed: 39});
	cluster.apply({apiVersion: 'v1', kind: 'LimitRange', metadata: {name: 'lr'}, spec: {limits: [{type: 'Container', default: {memory: '128Mi', cpu: '500m'}}]}});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {containers: [{name: 'c', image: 'nginx', resources: {limits: {memory: '64Mi'}}}]}});
	const pod = cluster.get('Pod', 'p') as Pod;
	t.deepEqual(pod.spec!.containers[0]!.resources, {limits: {memory: '64Mi', cpu: '500m'}, requests: {memory: '64Mi', cpu: '500m'}});
	t.is(pod.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for container c; cpu limit for container c');
});
