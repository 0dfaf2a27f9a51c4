import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
	apiVersion: 'v1', kind: 'Pod', metadata: {name},
	spec: {containers: [{name: 'main', image: 'busybox:1.36', command: ['sleep', '3600']}], ...extra},
});

const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

test('every namespace has the default ServiceAccount and the kube-root-ca.crt ConfigMap, and gets them back when they are deleted', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.advance(0);
	for (const namespace of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
		t.truthy(cluster.get('serviceaccount', 'default', namespace), `${namespace}/default`);
		const ca = cluster.get('configmap', 'kube-root-ca.crt', namespace)!;
		t.regex((ca['data'] as Record<string, string>)['ca.crt']!, /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
		t.regex(ca.metadata.annotations!['kubernetes.io/description']!, /^Contains a CA bundle that can be used to verify the kube-apiserver/);
	}
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop'}});
	cluster.advance(0);
	t.truthy(cluster.get('serviceaccount', 'default', 'shop'));
	t.truthy(cluster.get('configmap', 'kube-root-ca.crt', 'shop'));
	cluster.delete('configmap', 'kube-root-ca.crt', {namespace: 'shop'});
	cluster.delete('serviceaccount', 'default', {namespace: 'shop'});
	cluster.advance(0);
	t.truthy(cluster.get('serviceaccount', 'default', 'shop'));
	t.truthy(cluster.get('configmap', 'kube-root-ca.crt', 'shop'));
	cluster.delete('namespace', 'shop');
	cluster.advance(30_000);
	t.is(cluster.get('namespace', 'shop'), undefined, 'a namespace being deleted does not get them back');
});

test('ServiceAccount admission gives each new pod the kube-api-access projected volume, mounted read-only in every container; the files hold the token, ca.crt and the namespace', t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.apply({...pod('app'), spec: {...pod('app').spec, initContainers: [{name: 'init', image: 'busybox:1.36', command: ['true']}]}});
	cluster.advance(20_000);
	const stored = cluster.get('pod', 'app')!;
	const volume = stored.spec.volumes.find((v: {name: string}) => v.name.startsWith('kube-api-access-'));
	t.regex(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
	t.deepEqual(volume.projected, {
		defaultMode: 420,
		sources: [
			{serviceAccountToken: {expirationSeconds: 3607, path: 'token'}},
			{configMap: {name: 'kube-root-ca.crt', items: [{key: 'ca.crt', path: 'ca.crt'}]}},
			{downwardAPI: {items: [{fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}, path: 'namespace'}]}},
		],
	});
	for (const container of [...stored.spec.initContainers, ...stored.spec.containers]) {
		t.deepEqual(container.volumeMounts, [{name: volume.name, readOnly: true, mountPath}], container.name);
	}
	t.is(stored.spec.serviceAccountName, 'default');
	t.is(stored.status.phase, 'Running');
	t.is(cluster.exec('app', ['ls', mountPath]).stdout, 'ca.crt\nnamespace\ntoken\n');
	t.is(cluster.exec('app', ['cat', `${mountPath}/namespace`]).stdout, 'default');
	t.is(cluster.exec('app', ['cat', `${mountPath}/ca.crt`]).stdout, (cluster.get('configmap', 'kube-root-ca.crt')!['data'] as Record<string, string>)['ca.crt']!);
	const token = cluster.exec('app', ['cat', `${mountPath}/token`]).stdout;
	const [header, claims] = token.split('.').slice(0, 2).map(part => JSON.parse(Buffer.from(part, 'base64url').toString()));
	t.is(header.alg, 'RS256');
	t.is(claims.sub, 'system:serviceaccount:default:default');
	t.is(claims.iss, 'https://kubernetes.default.svc.cluster.local');
	t.like(claims['kubernetes.io'], {namespace: 'default', pod: {name: 'app', uid: stored.metadata.uid}, serviceaccount: {name: 'default'}});
	t.is(claims['kubernetes.io'].warnafter - claims.iat, 3607);
	const write = cluster.exec('app', ['sh', '-c', `echo x > ${mountPath}/token`]);
	t.not(write.exitCode, 0, 'the mount is read-only');
});

test('no token volume when the pod opts out, and none in a container that mounts something at the path itself', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply(pod('quiet', {automountServiceAccountToken: false}));
	cluster.apply({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'own'},
		spec: {
			volumes: [{name: 'mine', emptyDir: {}}],
			containers: [
				{name: 'a', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{name: 'mine', mountPath}]},
				{name: 'b', image: 'busybox:1.36', command: ['sleep', '3600']},
			],
		},
	});
	cluster.advance(0);
	t.is(cluster.get('pod', 'quiet')!.spec.volumes, undefined);
	const own = cluster.get('pod', 'own')!;
	t.deepEqual(own.spec.containers[0].volumeMounts, [{name: 'mine', mountPath}]);
	t.is(own.spec.containers[1].volumeMounts[0].mountPath, mountPath);
	t.is(own.spec.volumes.length, 2);
	// A Deployment's template is left alone; its pods get the volume.
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}}});
	cluster.advance(5000);
	t.is(cluster.get('deployment', 'web')!.spec.template.spec.volumes, undefined);
	t.true(cluster.list('pod', {labelSelector: 'app=web'}).every(p => p.spec.volumes.some((v: {name: string}) => v.name.startsWith('kube-api-access-'))));
});
