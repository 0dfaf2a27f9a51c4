import test from 'ava';
import {parseAllDocuments} from 'yaml';
import {createCluster, type Cluster, type KubeObject} from '../../source/engine/index.js';
import {exportYaml, userObjects} from '../../source/manifests/export-objects.js';
import {hasKubectl, serve} from '../apiserver/harness.js';

type Doc = {apiVersion: string; kind: string; metadata: Record<string, unknown> & {name: string; namespace?: string}; [field: string]: unknown};

function documents(text: string): Doc[] {
	return parseAllDocuments(text).map(d => d.toJS() as Doc);
}

/** The demo, advanced, with what a user adds by hand: a scale, a bare pod, a Job, a static volume and claim, a Service without selector and its Endpoints. */
function userCluster(): Cluster {
	const cluster = createCluster({seed: 5, demo: true});
	cluster.advance(20_000);
	cluster.scale('Deployment', 'web', 5, {namespace: 'shop'});
	cluster.apply([
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'debug', namespace: 'shop', labels: {run: 'debug'}}, spec: {containers: [{name: 'sh', image: 'busybox:1.36', command: ['sleep', '3600']}]}},
		{apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'migrate', namespace: 'shop'}, spec: {template: {spec: {restartPolicy: 'Never', containers: [{name: 'm', image: 'busybox:1.36', command: ['true']}]}}}},
		{apiVersion: 'v1', kind: 'PersistentVolume', metadata: {name: 'archive'}, spec: {capacity: {storage: '1Gi'}, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: {path: '/data/archive'}}},
		{apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name: 'archive', namespace: 'shop'}, spec: {accessModes: ['ReadWriteOnce'], storageClassName: 'manual', resources: {requests: {storage: '1Gi'}}}},
		{apiVersion: 'v1', kind: 'Service', metadata: {name: 'legacy', namespace: 'shop'}, spec: {ports: [{port: 5432}]}},
		{apiVersion: 'v1', kind: 'Endpoints', metadata: {name: 'legacy', namespace: 'shop'}, subsets: [{addresses: [{ip: '192.168.10.5'}], ports: [{port: 5432}]}]},
	]);
	cluster.advance(30_000);
	return cluster;
}

/** What the workloads are: kind/namespace/name with their desired replicas and images. */
function workloads(cluster: Cluster): string[] {
	const out: string[] = [];
	for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Service', 'ConfigMap', 'Secret', 'Ingress', 'PersistentVolumeClaim']) {
		for (const object of cluster.list(kind)) {
			if (object.metadata.namespace?.startsWith('kube-') || object.metadata.name === 'kube-root-ca.crt' || object.metadata.ownerReferences?.length) continue;
			if (kind === 'Service' && object.metadata.name === 'kubernetes') continue;
			if (kind === 'PersistentVolumeClaim' && object.metadata.name.startsWith('data-db-')) continue;
			const spec = object.spec as {replicas?: number; template?: {spec?: {containers?: Array<{image: string}>}}; ports?: Array<{port: number}>} | undefined;
			const images = spec?.template?.spec?.containers?.map(c => c.image).join(',') ?? '';
			const ports = spec?.ports?.map(p => p.port).join(',') ?? '';
			out.push(`${kind}/${object.metadata.namespace ?? ''}/${object.metadata.name} replicas=${spec?.replicas ?? ''} images=${images} ports=${ports}`);
		}
	}
	return out.sort();
}

/** Running pods per owner kind and namespace, e.g. `ReplicaSet/shop 8`. */
function runningPods(cluster: Cluster): Record<string, number> {
	const out: Record<string, number> = {};
	for (const pod of cluster.list('Pod')) {
		if (pod.metadata.namespace?.startsWith('kube-')) continue;
		const key = `${pod.metadata.ownerReferences?.[0]?.kind ?? 'none'}/${pod.metadata.namespace}`;
		out[key] = (out[key] ?? 0) + 1;
	}
	return out;
}

test('the export holds the user\'s objects without status or server-set fields, and none of the cluster\'s own', t => {
	const cluster = userCluster();
	const {text, count} = exportYaml(cluster);
	const docs = documents(text);
	t.is(docs.length, count);
	const names = docs.map(d => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`);
	for (const expected of ['Namespace//shop', 'Deployment/shop/web', 'StatefulSet/shop/db', 'CronJob/shop/nightly-report', 'Pod/shop/debug', 'Job/shop/migrate', 'PersistentVolume//archive', 'PersistentVolumeClaim/shop/archive', 'Service/shop/legacy', 'Endpoints/shop/legacy', 'Ingress/shop/shop', 'ConfigMap/shop/web-config', 'Secret/shop/db-credentials']) {
		t.true(names.includes(expected), `${expected} is exported`);
	}
	for (const doc of docs) {
		const where = `${doc.kind}/${doc.metadata.name}`;
		t.false('status' in doc, `${where} has no status`);
		for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'ownerReferences', 'deletionTimestamp']) t.false(field in doc.metadata, `${where} has no metadata.${field}`);
		const annotations = (doc.metadata['annotations'] ?? {}) as Record<string, string>;
		t.false('kubectl.kubernetes.io/last-applied-configuration' in annotations);
		t.false('deployment.kubernetes.io/revision' in annotations);
		t.not(doc.metadata.namespace, 'kube-system');
		t.false(['Event', 'Lease', 'Node', 'EndpointSlice', 'ControllerRevision', 'ReplicaSet'].includes(doc.kind), `${where} is the cluster's own`);
		t.false(doc.kind === 'Pod' && doc.metadata.name !== 'debug', `${where}: only the bare pod, not a controller's`);
		t.false(doc.kind === 'ServiceAccount' && doc.metadata.name === 'default');
		t.false(doc.kind === 'ConfigMap' && doc.metadata.name === 'kube-root-ca.crt');
		t.false(doc.kind === 'Endpoints' && doc.metadata.name !== 'legacy', `${where}: the endpoints controller's`);
		t.false(doc.kind === 'PersistentVolume' && doc.metadata.name !== 'archive', `${where}: provisioned by the cluster`);
		t.false(doc.kind === 'PersistentVolumeClaim' && doc.metadata.name.startsWith('data-db-'), `${where}: the StatefulSet's`);
		t.false(doc.kind === 'Namespace' && ['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(doc.metadata.name));
		t.false(['ClusterRole', 'ClusterRoleBinding', 'StorageClass'].includes(doc.kind), `${where}: bootstrap defaults`);
		const finalizers = (doc.metadata['finalizers'] ?? []) as string[];
		t.deepEqual(finalizers.filter(f => f.startsWith('kubernetes.io/') || f.startsWith('service.kubernetes.io/')), []);
	}
	const byName = (kind: string, name: string) => docs.find(d => d.kind === kind && d.metadata.name === name)!;
	const web = byName('Service', 'web')['spec'] as Record<string, unknown>;
	t.false('clusterIP' in web);
	t.false('clusterIPs' in web);
	t.is((byName('Service', 'db')['spec'] as Record<string, unknown>)['clusterIP'], 'None', 'a headless Service keeps its clusterIP: None');
	const pod = byName('Pod', 'debug')['spec'] as {nodeName?: string; volumes?: unknown[]; tolerations?: unknown[]; containers: Array<{volumeMounts?: unknown[]}>};
	t.is(pod.nodeName, undefined);
	t.is(pod.volumes, undefined, 'no service-account token volume');
	t.is(pod.containers[0]!.volumeMounts, undefined);
	t.is(pod.tolerations, undefined, 'no default tolerations');
	const job = byName('Job', 'migrate')['spec'] as {selector?: unknown; template: {metadata?: {labels?: Record<string, string>}}};
	t.is(job.selector, undefined, 'a Job\'s generated selector is the server\'s');
	t.is(job.template.metadata, undefined, 'nor its controller-uid labels');
	t.is((byName('PersistentVolumeClaim', 'archive')['spec'] as Record<string, unknown>)['volumeName'], undefined, 'the binder set the claim\'s volume');
	t.is((byName('PersistentVolume', 'archive')['spec'] as Record<string, unknown>)['claimRef'], undefined, 'the binder set the volume\'s claim');
	t.is(byName('Namespace', 'shop')['spec'], undefined);
	t.is((byName('Namespace', 'shop').metadata['labels'] as Record<string, string> | undefined)?.['kubernetes.io/metadata.name'], undefined);
	t.is((byName('Deployment', 'web')['spec'] as {replicas: number}).replicas, 5, 'the scale is the user\'s');
	t.true(names.indexOf('Namespace//shop') < names.indexOf('ConfigMap/shop/web-config'), 'namespaces come first');
	t.true(names.indexOf('PersistentVolume//archive') < names.indexOf('PersistentVolumeClaim/shop/archive'));
});

test('exporting the demo cluster and applying the file to a fresh empty cluster gives the same workloads', t => {
	const cluster = userCluster();
	const {text} = exportYaml(cluster);
	const fresh = createCluster({seed: 9});
	fresh.apply(text);
	fresh.advance(60_000);
	cluster.advance(30_000);
	t.deepEqual(workloads(fresh), workloads(cluster));
	t.true(workloads(cluster).length >= 12, workloads(cluster).join('\n'));
	const expected = runningPods(cluster);
	t.true((expected['ReplicaSet/shop'] ?? 0) >= 8 && (expected['StatefulSet/shop'] ?? 0) === 3, JSON.stringify(expected));
	// The Job's pod finished and stays; both clusters ran it once.
	t.deepEqual(runningPods(fresh), expected);
	// Applying the export back to the cluster it came from changes no workload: the Deployments are unchanged.
	const [again] = [cluster.apply(text)];
	const deploy = again.find(o => o.kind === 'Deployment' && o.metadata.name === 'web')!;
	t.is(deploy.spec.replicas, 5);
});

test('a custom resource and its definition are exported; the bootstrap RBAC is not, a user\'s role is', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply([
		{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: {name: 'pod-reader'}, rules: [{apiGroups: [''], resources: ['pods'], verbs: ['get', 'list']}]},
		{apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'crontabs.stable.example.com'}, spec: {group: 'stable.example.com', scope: 'Namespaced', names: {plural: 'crontabs', singular: 'crontab', kind: 'CronTab'}, versions: [{name: 'v1', served: true, storage: true, schema: {openAPIV3Schema: {type: 'object', properties: {spec: {type: 'object', properties: {cronSpec: {type: 'string'}}}}}}}]}},
	]);
	cluster.advance(5_000);
	cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'tab'}, spec: {cronSpec: '* * * * */5'}});
	const objects = userObjects(cluster) as Array<{kind: string; metadata: {name: string}}>;
	t.deepEqual(objects.map(o => `${o.kind}/${o.metadata.name}`), ['CustomResourceDefinition/crontabs.stable.example.com', 'ClusterRole/pod-reader', 'CronTab/tab']);
	const definition = objects[0] as unknown as {status?: unknown};
	t.is(definition.status, undefined);
});

(hasKubectl ? test : test.skip)('kubectl apply --dry-run=server against kubarium serve accepts the export', async t => {
	const text = exportYaml(userCluster()).text;
	const namespaces = documents(text).filter(d => d.kind === 'Namespace').map(d => d.metadata.name);
	const served = await serve(() => {}, {}, createCluster({seed: 11}));
	try {
		// A dry run creates nothing, so the namespaces the file's objects live in must be there first (as on any cluster).
		for (const namespace of namespaces) served.cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		const result = await served.kubectl(['apply', '--dry-run=server', '-f', '-'], text);
		t.is(result.code, 0, result.stderr);
		const lines = result.stdout.trim().split('\n');
		t.is(lines.length, documents(text).length);
		for (const line of lines) t.regex(line, / (created|configured|unchanged) \(server dry run\)$/);
		t.is(served.cluster.list('Deployment').length, 0, 'nothing was written');
	} finally {
		await served.close();
	}
});

test('objects being deleted are left out', t => {
	const cluster = createCluster({seed: 2});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'going', finalizers: ['example.com/hold']}});
	cluster.delete('ConfigMap', 'going');
	t.truthy((cluster.get('cm', 'going') as KubeObject).metadata.deletionTimestamp);
	t.deepEqual(userObjects(cluster), []);
});
