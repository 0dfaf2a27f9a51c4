import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster, KubeError} from '../../../source/engine/index.js';
import type {KubeEvent, ResourceQuota} from '../../../source/engine/index.js';

const docs = (file: string) => readFileSync(new URL(`../../fixtures/docs/policy/${file}`, import.meta.url), 'utf8');

function refusal(t: any, run: () => unknown): KubeError {
	const error = t.throws(run, {instanceOf: KubeError}) as KubeError;
	return error;
}

test('the docs quota example: used follows the first pod, the second is refused with the API server\'s text', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(docs('quota-mem-cpu.yaml'));
	cluster.advance(1000);
	let quota = cluster.get('ResourceQuota', 'mem-cpu-demo') as ResourceQuota;
	t.deepEqual(quota.status, {
		hard: {'limits.cpu': '2', 'limits.memory': '2Gi', 'requests.cpu': '1', 'requests.memory': '1Gi'},
		used: {'limits.cpu': '0', 'limits.memory': '0', 'requests.cpu': '0', 'requests.memory': '0'},
	});
	cluster.apply(docs('quota-mem-cpu-pod.yaml'));
	quota = cluster.get('ResourceQuota', 'mem-cpu-demo') as ResourceQuota;
	t.deepEqual(quota.status!.used, {'limits.cpu': '800m', 'limits.memory': '800Mi', 'requests.cpu': '400m', 'requests.memory': '600Mi'});
	const error = refusal(t, () => cluster.apply(docs('quota-mem-cpu-pod-2.yaml')));
	t.is(error.code, 'Forbidden');
	t.is(error.status, 403);
	t.is(error.message, 'pods "quota-mem-cpu-demo-2" is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi');
	t.is(cluster.get('Pod', 'quota-mem-cpu-demo-2'), undefined);
	cluster.advance(30_000);
	// The controller's recount agrees with what admission charged.
	t.deepEqual((cluster.get('ResourceQuota', 'mem-cpu-demo') as ResourceQuota).status!.used, {'limits.cpu': '800m', 'limits.memory': '800Mi', 'requests.cpu': '400m', 'requests.memory': '600Mi'});
	cluster.delete('Pod', 'quota-mem-cpu-demo');
	cluster.advance(60_000);
	t.deepEqual((cluster.get('ResourceQuota', 'mem-cpu-demo') as ResourceQuota).status!.used, {'limits.cpu': '0', 'limits.memory': '0', 'requests.cpu': '0', 'requests.memory': '0'});
	t.notThrows(() => cluster.apply(docs('quota-mem-cpu-pod-2.yaml')));
});

test('a quota on cpu refuses a pod whose containers do not state it', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'compute'}, spec: {hard: {'limits.cpu': '2', 'requests.memory': '1Gi'}}});
	cluster.advance(100);
	const error = refusal(t, () => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'bare'}, spec: {containers: [{name: 'app', image: 'nginx'}, {name: 'side', image: 'busybox', resources: {limits: {cpu: '100m'}}}]}}));
	t.is(error.message, 'pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: app; requests.memory for: app,side');
});

test('object counts: pods, count/<resource>.<group>, configmaps; a Deployment\'s ReplicaSet reports FailedCreate with the quota\'s text', t => {
	const cluster = createCluster({seed: 5});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'counts'}, spec: {hard: {pods: '2', 'count/deployments.apps': '1', configmaps: '2'}}});
	cluster.advance(100);
	let quota = cluster.get('ResourceQuota', 'counts') as ResourceQuota;
	// kube-root-ca.crt is already there.
	t.deepEqual(quota.status!.used, {configmaps: '1', 'count/deployments.apps': '0', pods: '0'});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.27'}]}}}});
	const second = refusal(t, () => cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'api'}, spec: {selector: {matchLabels: {app: 'api'}}, template: {metadata: {labels: {app: 'api'}}, spec: {containers: [{name: 'api', image: 'nginx:1.27'}]}}}}));
	t.is(second.message, 'deployments.apps "api" is forbidden: exceeded quota: counts, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1');
	cluster.advance(30_000);
	t.is(cluster.list('Pod', {labelSelector: 'app=web'}).length, 2);
	quota = cluster.get('ResourceQuota', 'counts') as ResourceQuota;
	t.deepEqual(quota.status!.used, {configmaps: '1', 'count/deployments.apps': '1', pods: '2'});
	const rs = cluster.list('ReplicaSet')[0]!;
	const failed = (cluster.eventsFor(rs) as KubeEvent[]).find(e => e.reason === 'FailedCreate')!;
	t.is(failed.type, 'Warning');
	t.regex(failed.message!, /^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: counts, requested: pods=1, used: pods=2, limited: pods=2$/);
	// The ReplicaSet's ReplicaFailure condition reaches the Deployment, as kubectl describe deploy shows it.
	t.like((cluster.get('Deployment', 'web') as any).status.conditions.find((c: any) => c.type === 'ReplicaFailure'), {status: 'True', reason: 'FailedCreate'});
	// Raising the quota lets the ReplicaSet's retry through.
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'counts'}, spec: {hard: {pods: '3', 'count/deployments.apps': '1', configmaps: '2'}}});
	cluster.advance(120_000);
	t.is(cluster.list('Pod', {labelSelector: 'app=web'}).length, 3);
	t.is((cluster.get('ResourceQuota', 'counts') as ResourceQuota).status!.used!['pods'], '3');
});

test('finished pods stop counting against pods; count/pods still counts them', t => {
	const cluster = createCluster({seed: 6});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'q'}, spec: {hard: {pods: '5', 'count/pods': '5'}}});
	cluster.advance(100);
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'once'}, spec: {restartPolicy: 'Never', containers: [{name: 'c', image: 'busybox', command: ['true']}]}});
	t.deepEqual((cluster.get('ResourceQuota', 'q') as ResourceQuota).status!.used, {'count/pods': '1', pods: '1'});
	cluster.advance(60_000);
	t.is(cluster.get('Pod', 'once')!.status.phase, 'Succeeded');
	t.deepEqual((cluster.get('ResourceQuota', 'q') as ResourceQuota).status!.used, {'count/pods': '1', pods: '0'});
});

test('quota validation in the API server\'s words; bad input changes nothing', t => {
	const cluster = createCluster({seed: 7});
	const error = refusal(t, () => cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'bad'}, spec: {hard: {pods: '1.5', cpu: '-1', widgets: '3'}}}));
	t.is(error.code, 'Invalid');
	t.is(error.message, 'ResourceQuota "bad" is invalid: [spec.hard[pods]: Invalid value: "1500m": must be an integer, spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0, spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota]');
	t.is(cluster.get('ResourceQuota', 'bad'), undefined);
	const scope = refusal(t, () => cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'be'}, spec: {hard: {'requests.cpu': '1'}, scopes: ['BestEffort']}}));
	t.is(scope.message, 'ResourceQuota "be" is invalid: spec.scopes: Invalid value: ["BestEffort"]: unsupported scope applied to resource');
});

test('a BestEffort-scoped quota counts only pods without requests or limits', t => {
	const cluster = createCluster({seed: 8});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'be'}, spec: {hard: {pods: '1'}, scopes: ['BestEffort']}});
	cluster.advance(100);
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a'}, spec: {containers: [{name: 'c', image: 'nginx'}]}});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'sized'}, spec: {containers: [{name: 'c', image: 'nginx', resources: {requests: {cpu: '100m'}}}]}});
	const error = refusal(t, () => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'b'}, spec: {containers: [{name: 'c', image: 'nginx'}]}}));
	t.is(error.message, 'pods "b" is forbidden: exceeded quota: be, requested: pods=1, used: pods=1, limited: pods=1');
});

test('a pod stuck terminating on a dead node stops counting once its grace period has passed again', t => {
	const cluster = createCluster({seed: 9, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'q'}, spec: {hard: {pods: '1'}}});
	cluster.advance(100);
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a'}, spec: {terminationGracePeriodSeconds: 30, containers: [{name: 'c', image: 'nginx'}]}});
	cluster.advance(20_000);
	cluster.killNode('kubarium-worker');
	cluster.delete('Pod', 'a');
	cluster.advance(30_000);
	t.truthy(cluster.get('Pod', 'a')?.metadata.deletionTimestamp, 'still terminating: the kubelet is gone');
	t.is((cluster.get('ResourceQuota', 'q') as ResourceQuota).status!.used!['pods'], '1');
	cluster.advance(31_000);
	t.truthy(cluster.get('Pod', 'a'));
	t.is((cluster.get('ResourceQuota', 'q') as ResourceQuota).status!.used!['pods'], '0');
});

test('claims and services: requests.storage, per-class claims, services.nodeports', t => {
	const cluster = createCluster({seed: 10});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'objects'}, spec: {hard: {
		'requests.storage': '5Gi', 'standard.storageclass.storage.k8s.io/persistentvolumeclaims': '1', 'services.nodeports': '1', services: '3',
	}}});
	cluster.advance(100);
	cluster.apply({apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '2Gi'}}}});
	const second = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name: 'more'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '4Gi'}}}}), {instanceOf: KubeError})!;
	t.is(second.message, 'persistentvolumeclaims "more" is forbidden: exceeded quota: objects, requested: requests.storage=4Gi,standard.storageclass.storage.k8s.io/persistentvolumeclaims=1, used: requests.storage=2Gi,standard.storageclass.storage.k8s.io/persistentvolumeclaims=1, limited: requests.storage=5Gi,standard.storageclass.storage.k8s.io/persistentvolumeclaims=1');
	const ports = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'np'}, spec: {type: 'NodePort', selector: {app: 'x'}, ports: [{name: 'a', port: 80}, {name: 'b', port: 81}]}}), {instanceOf: KubeError})!;
	t.is(ports.message, 'services "np" is forbidden: exceeded quota: objects, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1');
	t.deepEqual((cluster.get('ResourceQuota', 'objects') as ResourceQuota).status!.used, {
		'requests.storage': '2Gi', services: '1', 'services.nodeports': '0', 'standard.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
	});
});

test('a Job, a StatefulSet and a DaemonSet refused by a quota record FailedCreate and go on once it allows', t => {
	const cluster = createCluster({seed: 12, nodes: 2});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'q'}, spec: {hard: {pods: '0'}}});
	cluster.advance(100);
	const template = {metadata: {labels: {app: 'x'}}, spec: {containers: [{name: 'c', image: 'nginx:1.27'}]}};
	cluster.apply([
		{apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'once'}, spec: {template: {spec: {restartPolicy: 'Never', containers: [{name: 'c', image: 'busybox', command: ['true']}]}}}},
		{apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name: 'db'}, spec: {replicas: 1, serviceName: 'db', selector: {matchLabels: {app: 'x'}}, template}},
		{apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: 'agent'}, spec: {selector: {matchLabels: {app: 'x'}}, template}},
	]);
	cluster.advance(10_000);
	const failed = (kind: string, name: string) => (cluster.eventsFor(cluster.get(kind, name)!) as KubeEvent[]).find(e => e.reason === 'FailedCreate')?.message;
	t.regex(failed('Job', 'once')!, /^Error creating: pods "once-[a-z0-9]{5}" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0$/);
	t.is(failed('StatefulSet', 'db'), 'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0');
	t.regex(failed('DaemonSet', 'agent')!, /^Error creating: pods "agent-[a-z0-9]{5}" is forbidden: exceeded quota: q/);
	t.deepEqual(cluster.controllerErrors(), []);
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'q'}, spec: {hard: {pods: '10'}}});
	cluster.advance(600_000);
	t.is(cluster.list('Pod', {labelSelector: 'app=x'}).length, 3);
	t.is((cluster.get('Job', 'once') as any).status.succeeded, 1);
});

test('an update that adds usage is weighed too: a Service turned NodePort beyond services.nodeports is refused and stays as it was', t => {
	const cluster = createCluster({seed: 13});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'ports'}, spec: {hard: {'services.nodeports': '1'}}});
	cluster.advance(100);
	cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{name: 'a', port: 80}, {name: 'b', port: 81}]}});
	const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {type: 'NodePort', selector: {app: 'web'}, ports: [{name: 'a', port: 80}, {name: 'b', port: 81}]}}), {instanceOf: KubeError})!;
	t.is(error.message, 'services "web" is forbidden: exceeded quota: ports, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1');
	t.is(cluster.get('Service', 'web')!.spec.type, 'ClusterIP');
	cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {type: 'NodePort', selector: {app: 'web'}, ports: [{name: 'a', port: 80}]}});
	t.is((cluster.get('ResourceQuota', 'ports') as ResourceQuota).status!.used!['services.nodeports'], '1');
	cluster.advance(1000);
	t.is((cluster.get('ResourceQuota', 'ports') as ResourceQuota).status!.used!['services.nodeports'], '1');
});

test('a CrossNamespacePodAffinity-scoped quota counts only pods whose affinity reaches other namespaces', t => {
	const cluster = createCluster({seed: 14});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'cross'}, spec: {hard: {pods: '0'}, scopeSelector: {matchExpressions: [{scopeName: 'CrossNamespacePodAffinity', operator: 'Exists'}]}}});
	cluster.advance(100);
	t.notThrows(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'local'}, spec: {containers: [{name: 'c', image: 'nginx'}]}}));
	const term = {labelSelector: {matchLabels: {app: 'db'}}, topologyKey: 'kubernetes.io/hostname', namespaceSelector: {}};
	const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'far'}, spec: {affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [term]}}, containers: [{name: 'c', image: 'nginx'}]}}), {instanceOf: KubeError})!;
	t.is(error.message, 'pods "far" is forbidden: exceeded quota: cross, requested: pods=1, used: pods=0, limited: pods=0');
});

test('a quota\'s scopeSelector is validated in the API server\'s words', t => {
	const cluster = createCluster({seed: 15});
	const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'bad'}, spec: {hard: {pods: '1'}, scopeSelector: {matchExpressions: [
		{scopeName: 'BestEffort', operator: 'In', values: ['x']},
		{scopeName: 'PriorityClass', operator: 'In'},
	]}}}), {instanceOf: KubeError})!;
	t.is(error.message, 'ResourceQuota "bad" is invalid: [spec.scopeSelector.matchExpressions.operator: Invalid value: "In": must be \'Exist\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity, spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is \'In\' or \'NotIn\' for scope selector]');
	t.notThrows(() => cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'high'}, spec: {hard: {pods: '1'}, scopeSelector: {matchExpressions: [{scopeName: 'PriorityClass', operator: 'In', values: ['high']}]}}}));
});

test('the docs pod quota example: a Deployment of 3 under pods: 2 runs 2, and says why in its ReplicaFailure condition', t => {
	const cluster = createCluster({seed: 16});
	cluster.apply(docs('quota-pod.yaml'));
	cluster.advance(100);
	cluster.apply(docs('quota-pod-deployment.yaml'));
	cluster.advance(60_000);
	const deployment = cluster.get('Deployment', 'pod-quota-demo') as any;
	t.like(deployment.status, {replicas: 2, readyReplicas: 2, availableReplicas: 2});
	const failure = deployment.status.conditions.find((c: any) => c.type === 'ReplicaFailure');
	t.like(failure, {status: 'True', reason: 'FailedCreate'});
	t.regex(failure.message, /^pods "pod-quota-demo-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2$/);
	t.deepEqual((cluster.get('ResourceQuota', 'pod-demo') as ResourceQuota).status, {hard: {pods: '2'}, used: {pods: '2'}});
});

test('one apply of several documents that together exceed a quota writes none of them', t => {
	const cluster = createCluster({seed: 17});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'q'}, spec: {hard: {pods: '1'}}});
	cluster.advance(100);
	const pod = (name: string) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name}, spec: {containers: [{name: 'c', image: 'nginx'}]}});
	const error = t.throws(() => cluster.apply([pod('a'), pod('b')]), {instanceOf: KubeError})!;
	t.is(error.document, 1);
	t.is(error.message, 'pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1');
	t.is(cluster.list('Pod').length, 0);
	t.is((cluster.get('ResourceQuota', 'q') as ResourceQuota).status!.used!['pods'], '0');
});
