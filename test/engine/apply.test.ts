import test from 'ava';
import {createCluster, KubeError, type Cluster} from '../../source/engine/index.js';
import {threeWayMerge} from '../../source/engine/api/apply-merge.js';

test('re-applying a pod keeps what the scheduler and kubelet set', t => {
	const cluster = createCluster({seed: 4});
	const manifest = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web', labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}};
	cluster.apply(manifest);
	cluster.advance(10_000);
	const running = cluster.get('pod', 'web')!;
	t.truthy(running.spec.nodeName);
	cluster.apply({...manifest, metadata: {...manifest.metadata, labels: {app: 'web', tier: 'front'}}});
	const after = cluster.get('pod', 'web')!;
	t.is(after.spec.nodeName, running.spec.nodeName);
	t.is(after.status.phase, 'Running');
	t.deepEqual(after.metadata.labels, {app: 'web', tier: 'front'});
	
});

test('a field the previous apply set and the new one leaves out is removed; others stay', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cfg', labels: {a: '1', b: '2'}}, data: {x: '1'}, binaryData: {y: 'AA=='}});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cfg', labels: {a: '1'}}, data: {x: '2'}});
	const cfg = cluster.get('cm', 'cfg')!;
	t.deepEqual(cfg['data'], {x: '2'});
	t.is(cfg['binaryData'], undefined);
	t.deepEqual(cfg.metadata.labels, {a: '1'});
});

test('re-applying a NodePort Service keeps its allocated cluster IP and node port', t => {
	const cluster = createCluster({seed: 4});
	const service = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {type: 'NodePort', selector: {app: 'web'}, ports: [{port: 80}]}};
	const [first] = cluster.apply(service);
	const [second] = cluster.apply(service);
	t.is(second!.spec.clusterIP, first!.spec.clusterIP);
	t.is(second!.spec.ports[0].nodePort, first!.spec.ports[0].nodePort);
});

test('lists of objects merge by their key; scalars and plain lists are replaced', t => {
	const live = {containers: [{name: 'a', image: 'x:1', terminationMessagePath: '/dev/termination-log'}], args: ['1', '2']};
	const previous = {containers: [{name: 'a', image: 'x:1'}], args: ['1', '2']};
	const desired = {containers: [{name: 'a', image: 'x:2'}, {name: 'b', image: 'y:1'}], args: ['3']};
	t.deepEqual(threeWayMerge(live, previous, desired), {
		containers: [{name: 'a', image: 'x:2', terminationMessagePath: '/dev/termination-log'}, {name: 'b', image: 'y:1'}],
		args: ['3'],
	});
});

test('a pod manifest without a spec or containers is refused with the field, not a crash', t => {
	const cluster = createCluster({seed: 4});
	for (const spec of [undefined, {}]) {
		const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'bare'}, ...(spec === undefined ? {} : {spec})}));
		t.is((error as {code?: string}).code, 'Invalid');
		t.true(error!.message.startsWith('Pod "bare" is invalid: '), error!.message);
	}
	const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'bare'}, spec: {containers: 'nginx'}}));
	t.is((error as {code?: string}).code, 'BadRequest');
	t.is(error!.message, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
	t.is(cluster.get('pod', 'bare'), undefined);
});

/** Everything a failed call could have written, to compare before and after. */
function snapshot(cluster: Cluster): string {
	return JSON.stringify(['Namespace', 'ConfigMap', 'Service', 'Deployment', 'ReplicaSet', 'Pod', 'Event'].map(kind => cluster.list(kind)));
}

function refused(t: any, cluster: Cluster, call: () => unknown): KubeError {
	const before = snapshot(cluster);
	const error = t.throws(call, {instanceOf: KubeError}) as KubeError;
	t.is(snapshot(cluster), before, 'a failed call changes nothing');
	return error;
}

const configMap = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cm'}, data: {a: '1'}};

test('documents of one apply go in order: a later one updates what an earlier one created', t => {
	const cluster = createCluster({seed: 4});
	const stored = cluster.apply([configMap, {...configMap, data: {b: '2'}}]);
	t.is(stored.length, 2);
	t.deepEqual(cluster.get('cm', 'cm')!['data'], {b: '2'});
	t.is(stored[1]!.metadata.uid, stored[0]!.metadata.uid);
	// The second document's merge is against the first: a key the first set and the second leaves out goes.
	cluster.apply([{...configMap, metadata: {name: 'two'}, data: {a: '1', b: '2'}}, {...configMap, metadata: {name: 'two'}, data: {b: '3'}}]);
	t.deepEqual(cluster.get('cm', 'two')!['data'], {b: '3'});
});

test('a later document of one apply keeps what the earlier one\'s create set from its uid: a Job\'s selector and pod labels', t => {
	const cluster = createCluster({seed: 4, nodes: 2});
	const job = (parallelism: number) => ({apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'a'}, spec: {completions: 4, parallelism, template: {spec: {restartPolicy: 'Never', containers: [{name: 'main', image: 'busybox:1.36', command: ['sleep', '30']}]}}}});
	cluster.apply([job(3), job(2)]);
	const stored = cluster.get('Job', 'a')!;
	const uid = stored.metadata.uid;
	t.deepEqual(stored.spec.selector, {matchLabels: {'batch.kubernetes.io/controller-uid': uid}});
	t.like(stored.spec.template.metadata.labels, {'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'a'});
	t.is(stored.spec.parallelism, 2);
	// Its controller counts the pods it makes, so it makes two and stops (it made pods without end before).
	cluster.advance(1000);
	t.is(cluster.list('Pod').filter(p => p.metadata.ownerReferences?.[0]?.uid === uid).length, 2);
});

test('when any document of an apply is refused, none is written, and the error names it', t => {
	const cluster = createCluster({seed: 4});
	const badPod = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {containers: [{name: 'c'}]}};
	let error = refused(t, cluster, () => cluster.apply([configMap, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team'}}, badPod]));
	t.is(error.code, 'Invalid');
	t.is(error.message, 'Pod "p" is invalid: spec.containers[0].image: Required value');
	t.is(error.document, 2);
	error = refused(t, cluster, () => cluster.apply([configMap, {...configMap, metadata: {name: 'cm', namespace: 'nowhere'}}]));
	t.is(error.message, 'namespaces "nowhere" not found');
	t.is(error.document, 1);
	// A stale resourceVersion is refused before anything is written, not half way.
	cluster.apply(configMap);
	error = refused(t, cluster, () => cluster.apply([{...configMap, metadata: {name: 'other'}}, {...configMap, metadata: {name: 'cm', resourceVersion: '1'}}]));
	t.is(error.code, 'Conflict');
	t.is(error.message, 'Operation cannot be fulfilled on configmaps "cm": the object has been modified; please apply your changes to the latest version and try again');
	t.is(cluster.get('cm', 'other'), undefined);
});

const deployment = (container: Record<string, unknown>, podSpec: Record<string, unknown> = {}) => ({
	apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'},
	spec: {
		replicas: 1, selector: {matchLabels: {app: 'web'}},
		template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25', ...container}], ...podSpec}},
	},
});

test('fields of the wrong JSON type are refused as the API server decodes them', t => {
	const cluster = createCluster({seed: 4});
	const cases: Array<[unknown, string]> = [
		[deployment({resources: [{limits: {cpu: '1'}}]}), 'json: cannot unmarshal array into Go struct field Container.spec.template.spec.containers.resources of type v1.ResourceRequirements'],
		[deployment({env: 'A=1'}), 'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.env of type []v1.EnvVar'],
		[deployment({ports: ['80']}), 'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.ports of type v1.ContainerPort'],
		[deployment({env: [{name: 'A', value: 1}]}), 'json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string'],
		[deployment({resources: {limits: ['1']}}), 'json: cannot unmarshal array into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList'],
		[deployment({}, {terminationGracePeriodSeconds: 1.5}), 'json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.template.spec.terminationGracePeriodSeconds of type int64'],
		[{...deployment({}), spec: {...deployment({}).spec, replicas: '3'}}, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
	];
	for (const [manifest, message] of cases) {
		const error = refused(t, cluster, () => cluster.apply([configMap, manifest as never]));
		t.is(error.code, 'BadRequest');
		t.is(error.message, `Deployment in version "v1" cannot be handled as a Deployment: ${message}`);
	}
	const error = refused(t, cluster, () => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {containers: [{name: 'c', image: 'nginx', resources: []}]}}));
	t.is(error.message, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field Container.spec.containers.resources of type v1.ResourceRequirements');
});

test('labels that are not texts, on an object or its pod template, are refused as the decoder refuses them; a text that is no label value, by validation', t => {
	const cluster = createCluster({seed: 4});
	const labelled = (labels: Record<string, unknown>) => ({...deployment({}), spec: {...deployment({}).spec, template: {metadata: {labels: {app: 'web', ...labels}}, spec: deployment({}).spec.template.spec}}});
	let error = refused(t, cluster, () => cluster.apply(labelled({tier: []})));
	t.is(error.code, 'BadRequest');
	t.is(error.message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal array into Go struct field ObjectMeta.spec.template.metadata.labels of type string');
	error = refused(t, cluster, () => cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', annotations: {note: 3}}} as never));
	t.is(error.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string');
	error = refused(t, cluster, () => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', labels: {a: ['x']}}, spec: {containers: [{name: 'c', image: 'nginx'}]}} as never));
	t.is(error.message, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type string');
	error = refused(t, cluster, () => cluster.apply(labelled({tier: 'Bad Value!'})));
	t.is(error.code, 'Invalid');
	t.true(error.message.startsWith('Deployment.apps "web" is invalid: spec.template.labels: Invalid value: "Bad Value!": a valid label must be an empty string'), error.message);
	t.deepEqual(cluster.list('Deployment'), []);
	t.deepEqual(cluster.list('Pod'), []);
});

test('a Deployment\'s or ReplicaSet\'s pods must restart Always', t => {
	const cluster = createCluster({seed: 4});
	let error = refused(t, cluster, () => cluster.apply(deployment({}, {restartPolicy: 'Never'})));
	t.is(error.code, 'Invalid');
	t.is(error.message, 'Deployment.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"');
	error = refused(t, cluster, () => cluster.apply({...deployment({}, {restartPolicy: 'OnFailure'}), kind: 'ReplicaSet'}));
	t.is(error.message, 'ReplicaSet.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"');
	cluster.apply(deployment({}, {restartPolicy: 'Always'}));
	t.truthy(cluster.get('deploy', 'web'));
});

const podUpdateForbidden = 'Pod "p0" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const pod = (container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => ({
	apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p0', labels: {app: 'p'}},
	spec: {containers: [{name: 'c', image: 'nginx:1.25', resources: {requests: {cpu: '100m'}}, ...container}], ...spec},
});

test('a running pod\'s spec is immutable but for images, a shorter deadline and added tolerations', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply(pod());
	cluster.advance(10_000);
	t.is(cluster.get('pod', 'p0')!.status.phase, 'Running');
	let error = refused(t, cluster, () => cluster.apply(pod({resources: {requests: {cpu: '3900m'}}})));
	t.is(error.code, 'Invalid');
	t.is(error.message, podUpdateForbidden);
	error = refused(t, cluster, () => cluster.apply(pod({}, {nodeName: 'kubarium-worker9'})));
	t.is(error.message, podUpdateForbidden);
	error = refused(t, cluster, () => cluster.apply({...pod(), spec: {containers: [...pod().spec.containers, {name: 'side', image: 'busybox'}]}}));
	t.is(error.message, 'Pod "p0" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers');
	// What may change does: the image, labels, a deadline set then shortened, an added toleration.
	cluster.apply(pod({image: 'nginx:1.26'}, {activeDeadlineSeconds: 600}));
	cluster.apply(pod({image: 'nginx:1.26'}, {activeDeadlineSeconds: 300, tolerations: [{key: 'gpu', operator: 'Exists', effect: 'NoSchedule'}]}));
	const updated = cluster.get('pod', 'p0')!;
	t.is(updated.spec.containers[0].image, 'nginx:1.26');
	t.is(updated.spec.activeDeadlineSeconds, 300);
	t.true(updated.spec.tolerations.some((t: {key: string}) => t.key === 'gpu'));
	error = refused(t, cluster, () => cluster.apply(pod({image: 'nginx:1.26'}, {activeDeadlineSeconds: 900})));
	t.is(error.message, 'Pod "p0" is invalid: spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value');
	t.deepEqual(cluster.controllerErrors(), []);
});

test('re-applying an unchanged pod passes: fields the scheduler and defaults set are kept, not compared away', t => {
	const cluster = createCluster({seed: 4});
	const manifest = pod({}, {tolerations: [{key: 'gpu', operator: 'Exists', effect: 'NoSchedule'}], restartPolicy: 'Always'});
	cluster.apply(manifest);
	cluster.advance(10_000);
	const before = cluster.get('pod', 'p0')!;
	t.truthy(before.spec.nodeName);
	cluster.apply(manifest);
	cluster.apply(manifest);
	t.deepEqual(cluster.get('pod', 'p0')!.spec, before.spec);
});

test('every live object applied back as read (what an edit without changes sends) is accepted and keeps its spec', t => {
	const cluster = createCluster({seed: 1, demo: true});
	cluster.advance(120_000);
	for (const kind of ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'ConfigMap', 'PersistentVolumeClaim']) {
		for (const object of cluster.list(kind)) {
			const [stored] = cluster.apply(structuredClone(object) as never);
			t.deepEqual(stored!.spec, object.spec, `${kind} ${object.metadata.name}`);
		}
	}
	t.deepEqual(cluster.controllerErrors(), []);
});

test('an apply that changes nothing writes nothing: the same resourceVersion and no watch event, as kubectl\'s "unchanged"', t => {
	const cluster = createCluster({seed: 4});
	const deployment = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}}}};
	const [first] = cluster.apply(deployment);
	cluster.advance(5_000);
	const settled = cluster.get('deploy', 'web')!;
	let events = 0;
	const stop = cluster.watch(() => events++, {kind: 'Deployment'});
	const [again] = cluster.apply(deployment);
	stop();
	t.is(again, settled, 'the stored object itself comes back');
	t.is(events, 0);
	t.is(cluster.get('deploy', 'web')!.metadata.resourceVersion, settled.metadata.resourceVersion);
	t.not(first!.metadata.resourceVersion, '');
	// A manifest that says the same thing more explicitly changes what was last applied: that is a write.
	const [explicit] = cluster.apply({...deployment, spec: {...deployment.spec, revisionHistoryLimit: 10}});
	t.not(explicit!.metadata.resourceVersion, settled.metadata.resourceVersion);
	const [changed] = cluster.apply({...deployment, spec: {...deployment.spec, replicas: 3}});
	t.not(changed!.metadata.resourceVersion, explicit!.metadata.resourceVersion);
	t.is(changed!.spec.replicas, 3);
});

test('a volume source names what it takes from, and the files it puts in place need a key and a path inside the volume; a list of them must be a list', t => {
	const cluster = createCluster({seed: 4});
	const pod = (volumes: unknown[]) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {containers: [{name: 'c', image: 'nginx'}], volumes}}) as never;
	const cases: Array<[unknown[], string]> = [
		[[{name: 'a', projected: {sources: [{configMap: {name: 'x', items: [null]}}]}}], 'Pod "p" is invalid: [spec.volumes[0].projected.sources[0].configMap.items[0].key: Required value, spec.volumes[0].projected.sources[0].configMap.items[0].path: Required value]'],
		[[{name: 'a', configMap: {name: 'x', items: [{key: 'k', path: '../etc'}]}}], 'Pod "p" is invalid: spec.volumes[0].configMap.items[0].path: Invalid value: "../etc": must not contain \'..\''],
		[[{name: 'a', secret: {secretName: 'x', items: [{key: 'k', path: '/etc/k'}]}}], 'Pod "p" is invalid: spec.volumes[0].secret.items[0].path: Invalid value: "/etc/k": must be a relative path'],
		[[{name: 'a', secret: {secretName: 'x', items: 'all'}}], 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field SecretVolumeSource.spec.volumes.secret.items of type []v1.KeyToPath'],
		[[{name: 'a', configMap: {}}, {name: 'b', secret: {}}, {name: 'c', persistentVolumeClaim: {claimName: ''}}], 'Pod "p" is invalid: [spec.volumes[0].configMap.name: Required value, spec.volumes[1].secret.secretName: Required value, spec.volumes[2].persistentVolumeClaim.claimName: Required value]'],
		[[{name: 'a', projected: {sources: [{secret: {items: [{key: 'k', path: 'k'}]}}]}}], 'Pod "p" is invalid: spec.volumes[0].projected.sources[0].secret.name: Required value'],
	];
	for (const [volumes, message] of cases) t.is(refused(t, cluster, () => cluster.apply(pod(volumes))).message, message);
	t.deepEqual(cluster.list('Pod'), []);
	cluster.apply(pod([{name: 'a', configMap: {name: 'x', items: [{key: 'k', path: 'conf/app.yaml'}]}}]));
	t.truthy(cluster.get('Pod', 'p'));
});

test('a volume has one source and a name that is a DNS label; one without a source is an emptyDir', t => {
	const cluster = createCluster({seed: 4});
	const pod = (name: string, volumes: unknown[]) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name}, spec: {containers: [{name: 'c', image: 'nginx'}], volumes}}) as never;
	const cases: Array<[unknown[], string]> = [
		[[{name: 'a', emptyDir: {}, hostPath: {path: '/srv'}}], 'Pod "p" is invalid: spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type'],
		// Refused in the API server's order of sources, under its own spelling; only the first source's fields are checked.
		[[{name: 'a', configMap: {}, secret: {secretName: 's'}, downwardAPI: {}}], 'Pod "p" is invalid: [spec.volumes[0].downwarAPI: Forbidden: may not specify more than 1 volume type, spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type]'],
		[[{name: '', emptyDir: {}}], 'Pod "p" is invalid: spec.volumes[0].name: Required value'],
		[[{name: 'Data_1', emptyDir: {}}], 'Pod "p" is invalid: spec.volumes[0].name: Invalid value: "Data_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'],
	];
	for (const [volumes, message] of cases) t.is(refused(t, cluster, () => cluster.apply(pod('p', volumes))).message, message);
	// The same for a workload's template, under its path.
	const deployment = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'c', image: 'nginx'}], volumes: [{name: 'a', secret: {secretName: 's'}, persistentVolumeClaim: {claimName: 'c'}}]}}}};
	t.is(refused(t, cluster, () => cluster.apply(deployment as never)).message, 'Deployment.apps "web" is invalid: spec.template.spec.volumes[0].persistentVolumeClaim: Forbidden: may not specify more than 1 volume type');
	t.deepEqual(cluster.list('Pod'), []);
	const [made] = cluster.apply(pod('q', [{name: 'scratch'}]));
	t.deepEqual(made!.spec.volumes[0], {name: 'scratch', emptyDir: {}});
});
