/**
 * The API server's defaulting of pod specs (pkg/apis/core/v1/defaults.go):
 * what SetDefaults_PodSpec, _Probe, _HTTPGetAction and the volume sources set
 * on pods and templates alike, and what SetDefaults_Pod sets on pods only
 * (enableServiceLinks, requests from limits).
 */
import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';

const container = {
	name: 'web', image: 'nginx:1.27',
	resources: {limits: {cpu: '200m', memory: '64Mi'}},
	readinessProbe: {httpGet: {port: 80}, periodSeconds: 5},
	livenessProbe: {tcpSocket: {port: 80}, failureThreshold: 0},
};
const volumes = [
	{name: 'scratch'},
	{name: 'settings', configMap: {name: 'settings'}},
	{name: 'keys', secret: {secretName: 'keys', defaultMode: 256}},
	{name: 'info', downwardAPI: {items: [{path: 'labels', fieldRef: {fieldPath: 'metadata.labels'}}]}},
	{name: 'host', hostPath: {path: '/var/log'}},
];

test('probes, HTTP checks and volumes are defaulted in a Deployment\'s template and in its pods; enableServiceLinks and requests from limits only in the pods', t => {
	const cluster = createCluster({seed: 21, nodes: 1});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 1, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [container], volumes}}}});
	cluster.advance(10_000);
	const template = cluster.get('Deployment', 'web')!.spec.template.spec;
	const [pod] = cluster.list('Pod', {labelSelector: 'app=web'});
	t.truthy(pod);
	for (const [what, spec] of [['template', template], ['pod', pod!.spec]] as const) {
		const [web] = spec.containers;
		t.deepEqual(web.readinessProbe, {httpGet: {port: 80, path: '/', scheme: 'HTTP'}, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3}, what);
		t.deepEqual(web.livenessProbe, {tcpSocket: {port: 80}, failureThreshold: 3, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1}, `${what}: a zero threshold takes the default`);
		const byName = Object.fromEntries(spec.volumes.map((v: {name: string}) => [v.name, v]));
		t.deepEqual(byName['scratch'], {name: 'scratch', emptyDir: {}}, what);
		t.deepEqual(byName['settings'], {name: 'settings', configMap: {name: 'settings', defaultMode: 420}}, what);
		t.deepEqual(byName['keys'], {name: 'keys', secret: {secretName: 'keys', defaultMode: 256}}, `${what}: a given mode stays`);
		t.deepEqual(byName['info'], {name: 'info', downwardAPI: {defaultMode: 420, items: [{path: 'labels', fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.labels'}}]}}, what);
		t.deepEqual(byName['host'], {name: 'host', hostPath: {path: '/var/log', type: ''}}, what);
	}
	t.false('enableServiceLinks' in template, 'SetDefaults_Pod: not on templates');
	t.deepEqual(template.containers[0].resources, {limits: {cpu: '200m', memory: '64Mi'}});
	t.is(pod!.spec.enableServiceLinks, true);
	t.deepEqual(pod!.spec.containers[0].resources, {limits: {cpu: '200m', memory: '64Mi'}, requests: {cpu: '200m', memory: '64Mi'}});
	t.is(pod!.status.qosClass, 'Guaranteed');
});

test('a pod\'s own requests win over its limits; enableServiceLinks: false stays', t => {
	const cluster = createCluster({seed: 22, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {enableServiceLinks: false, containers: [{name: 'c', image: 'busybox:1.36', command: ['sleep', '60'], resources: {requests: {cpu: '50m'}, limits: {cpu: '100m', memory: '32Mi'}}}]}});
	const pod = cluster.get('Pod', 'p')!;
	t.deepEqual(pod.spec.containers[0].resources.requests, {cpu: '50m', memory: '32Mi'});
	t.is(pod.spec.enableServiceLinks, false);
	t.is(pod.status.qosClass, 'Burstable');
});
