import {X509Certificate} from 'node:crypto';
import test from 'ava';
import {createCluster, newAuthorityKey} from '../../../source/engine/index.js';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
	apiVersion: 'v1', kind: 'Pod', metadata: {name},
	spec: {containers: [{name: 'main', image: 'busybox:1.36', command: ['sleep', '3600']}], ...extra},
});

const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

test('kube-root-ca.crt holds the cluster\'s certificate authority: written back when changed, republished when the authority changes', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.advance(0);
	const caOf = (namespace: string) => (cluster.get('configmap', 'kube-root-ca.crt', namespace)!['data'] as Record<string, string>)['ca.crt'];
	t.is(caOf('default'), cluster.certificateAuthority());
	t.is(new X509Certificate(caOf('default')!).subject, 'CN=kubernetes');
	// Changed by hand: the publisher puts it back.
	const current = cluster.get('configmap', 'kube-root-ca.crt', 'default')!;
	cluster.replace({...current, data: {'ca.crt': 'edited', extra: 'x'}});
	cluster.advance(0);
	t.deepEqual(cluster.get('configmap', 'kube-root-ca.crt', 'default')!['data'], {'ca.crt': cluster.certificateAuthority()});
	// Another authority (a served cluster's kept key): every namespace gets its certificate.
	const other = createCluster({seed: 2});
	const before = cluster.certificateAuthority();
	cluster.useCertificateAuthority(newAuthorityKey());
	t.not(cluster.certificateAuthority(), before);
	cluster.advance(0);
	for (const namespace of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) t.is(caOf(namespace), cluster.certificateAuthority(), namespace);
	t.not(other.certificateAuthority(), cluster.certificateAuthority());
});

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

const template = (extra: Record<string, unknown> = {}) => ({
	metadata: {labels: {app: 'x'}},
	spec: {containers: [{name: 'main', image: 'busybox:1.36', command: ['sleep', '3600']}], ...extra},
});
const selector = {matchLabels: {app: 'x'}};

/** A workload of each kind whose template names no service account. */
function workloads(namespace: string) {
	const meta = (name: string) => ({name, namespace});
	return [
		{apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('deploy'), spec: {replicas: 1, selector, template: template()}},
		{apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('rs'), spec: {replicas: 1, selector: {matchLabels: {app: 'rs'}}, template: {...template(), metadata: {labels: {app: 'rs'}}}}},
		{apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('sts'), spec: {replicas: 1, serviceName: 'sts', selector: {matchLabels: {app: 'sts'}}, template: {...template(), metadata: {labels: {app: 'sts'}}}}},
		{apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('ds'), spec: {selector: {matchLabels: {app: 'ds'}}, template: {...template(), metadata: {labels: {app: 'ds'}}}}},
		{apiVersion: 'batch/v1', kind: 'Job', metadata: meta('job'), spec: {template: {spec: {...template().spec, restartPolicy: 'Never'}}}},
		{apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('cron'), spec: {schedule: '* * * * *', jobTemplate: {spec: {template: {spec: {...template().spec, restartPolicy: 'Never'}}}}}},
	];
}

function templateSpecOf(object: {kind: string; spec?: any}) {
	return object.kind === 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec;
}

test('workload templates get no service account from defaulting (SetDefaults_PodSpec sets none); the pods made from them get default at admission, with the deprecated serviceAccount alias', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'apps'}});
	cluster.advance(0);
	for (const manifest of workloads('apps')) cluster.apply(manifest);
	cluster.advance(90_000);
	for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']) {
		const objects = cluster.list(kind, {namespace: 'apps'});
		t.true(objects.length > 0, kind);
		for (const object of objects) {
			const spec = templateSpecOf(object);
			t.false('serviceAccountName' in spec, `${kind} ${object.metadata.name} template has no serviceAccountName`);
			t.false('serviceAccount' in spec, `${kind} ${object.metadata.name} template has no serviceAccount`);
			t.is(spec.dnsPolicy, 'ClusterFirst', 'the rest of the pod spec is still defaulted');
		}
	}
	const pods = cluster.list('Pod', {namespace: 'apps'});
	const owners = new Set(pods.map(p => p.metadata.ownerReferences?.[0]?.kind));
	t.deepEqual([...owners].sort(), ['DaemonSet', 'Job', 'ReplicaSet', 'StatefulSet']);
	for (const pod of pods) {
		t.is(pod.spec.serviceAccountName, 'default', pod.metadata.name);
		t.is(pod.spec.serviceAccount, 'default', pod.metadata.name);
		t.true(pod.spec.volumes.some((v: {name: string}) => v.name.startsWith('kube-api-access-')), `${pod.metadata.name} has the token volume`);
	}
	const deploy = cluster.get('Deployment', 'deploy', 'apps')!;
	cluster.apply({...workloads('apps')[0]!, spec: {...workloads('apps')[0]!.spec, replicas: 2}});
	cluster.advance(30_000);
	t.is(cluster.list('ReplicaSet', {namespace: 'apps'}).filter(rs => rs.metadata.ownerReferences?.[0]?.uid === deploy.metadata.uid).length, 1, 'applying the same template again starts no rollout');
});

test('a template that names a service account keeps it (and its alias), and its pods run as it; the deprecated serviceAccount alone names it too', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'robot'}});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'bot'}, spec: {replicas: 1, selector, template: template({serviceAccountName: 'robot'})}});
	cluster.apply({...pod('legacy'), spec: {...pod('legacy').spec, serviceAccount: 'robot'}});
	cluster.advance(30_000);
	const spec = cluster.get('Deployment', 'bot')!.spec.template.spec;
	t.is(spec.serviceAccountName, 'robot');
	t.is(spec.serviceAccount, 'robot');
	const pods = cluster.list('Pod', {labelSelector: 'app=x'});
	t.is(pods.length, 1);
	t.is(pods[0]!.spec.serviceAccountName, 'robot');
	t.is(pods[0]!.spec.serviceAccount, 'robot');
	const legacy = cluster.get('Pod', 'legacy')!;
	t.is(legacy.spec.serviceAccountName, 'robot');
	t.is(legacy.spec.serviceAccount, 'robot');
	const token = cluster.exec('legacy', ['cat', `${mountPath}/token`]).stdout;
	t.is(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub, 'system:serviceaccount:default:robot');
});

test('a dry-run pod create shows the default service account admission gives it, and writes nothing', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	const answered = cluster.create(pod('dry'), {dryRun: true});
	t.is(answered.spec.serviceAccountName, 'default');
	t.is(answered.spec.serviceAccount, 'default');
	t.is(cluster.get('Pod', 'dry'), undefined);
});

test('the projected token is the one the kubelet got when the pod was set up, until 80 % of its 3607 s have passed: then a new one, and the files of the volume date from it', t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.apply(pod('app'));
	cluster.advance(20_000);
	const startedAt = Math.floor(Date.parse(cluster.get('pod', 'app')!.status.startTime) / 1000);
	const read = () => {
		const token = cluster.exec('app', ['cat', `${mountPath}/token`]).stdout;
		return {token, claims: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {iat: number; exp: number; nbf: number}};
	};
	const first = read();
	t.is(first.claims.iat, startedAt, 'issued when the pod was set up');
	t.is(first.claims.nbf, startedAt);
	cluster.advance(60_000);
	t.is(read().token, first.token, 'a read a minute later sees the same token');
	// 80 % of 3607 s is 2885.6 s: the kubelet's next request is at 2886 s.
	cluster.advance((startedAt + 2885) * 1000 - cluster.now());
	t.is(read().token, first.token, 'still the same just before 80 % of its lifetime');
	cluster.advance(1000);
	const second = read();
	t.is(second.claims.iat, startedAt + 2886, 'a new token once 80 % of its lifetime has passed');
	t.is(second.claims.exp - second.claims.iat, first.claims.exp - first.claims.iat, 'with the same lifetime');
	const listing = cluster.exec('app', ['ls', '-l', `${mountPath}/namespace`]);
	t.is(listing.exitCode, 0, listing.stderr);
	t.true(listing.stdout.includes(` ${new Date((startedAt + 2886) * 1000).toISOString().slice(11, 16)} `), listing.stdout);
});
