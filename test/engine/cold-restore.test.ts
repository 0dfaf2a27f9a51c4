import test from 'ava';
import {createCluster, snapshotVersion, SnapshotError, type Cluster, type ClusterSnapshot, type KubeObject} from '../../source/engine/index.js';
import {sameSimulation, state} from './same-simulation.js';

/**
 * `createCluster({snapshot, restore: 'objects'})`: the cluster made again
 * from its saved objects, as `minikube stop` and `minikube start` bring one
 * back (the API server's objects kept, every machine rebooted).
 */

const shop = {namespace: 'shop'};

/** The demo run a while: a NodePort Service beside its LoadBalancer and ClusterIP ones, rows in the database, a CronJob run, a node killed. */
function ranCluster(): Cluster {
	const cluster = createCluster({seed: 11, demo: true});
	cluster.apply({
		apiVersion: 'v1', kind: 'Service', metadata: {name: 'web-nodeport', namespace: 'shop'},
		spec: {type: 'NodePort', selector: {app: 'web'}, ports: [{port: 80, targetPort: 80}]},
	});
	cluster.advance(60_000);
	cluster.exec('db-0', ['kv', 'set', 'greeting', 'hello'], shop);
	// The CronJob (every 5 minutes) runs once; then a node goes down.
	cluster.advance(5 * 60_000);
	cluster.killNode('kubarium-worker3');
	cluster.advance(60_000);
	return cluster;
}

const savedText = JSON.stringify(ranCluster().snapshot());
const saved = () => JSON.parse(savedText) as ClusterSnapshot;
const restoredCluster = () => createCluster({snapshot: saved(), restore: 'objects'});

const byUid = (objects: readonly KubeObject[]) => new Map(objects.map(o => [o.metadata.uid, o]));

test('the saved objects come back with their uids, names, creation times and generations; the clock and resourceVersion go on', t => {
	const snapshot = saved();
	const cluster = restoredCluster();
	const now = byUid(cluster.snapshot().store.objects);
	for (const object of snapshot.store.objects) {
		if (object.kind === 'Event') continue;
		const found = now.get(object.metadata.uid);
		t.truthy(found, `${object.kind} ${object.metadata.name} is kept`);
		t.is(found?.metadata.name, object.metadata.name);
		t.is(found?.metadata.namespace, object.metadata.namespace);
		t.is(found?.metadata.creationTimestamp, object.metadata.creationTimestamp);
		// The killed node's unreachable taints go as it boots (a spec change, so a new generation).
		if (object.metadata.name !== 'kubarium-worker3') t.is(found?.metadata.generation, object.metadata.generation, `${object.kind} ${object.metadata.name}`);
	}
	t.is((cluster.get('Node', 'kubarium-worker3') as any).spec.taints, undefined);
	t.is(cluster.now(), snapshot.clock.now);
	// The objects were not created again: no demo pod was made twice, no Deployment got a second ReplicaSet.
	t.is(cluster.list('Deployment', shop).length, 3);
	t.deepEqual(cluster.list('ReplicaSet', shop).map(r => r.metadata.uid).sort(), snapshot.store.objects.filter(o => o.kind === 'ReplicaSet' && o.metadata.namespace === 'shop').map(o => o.metadata.uid).sort());
	const created = cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'after'}, data: {}})[0]!;
	t.true(Number(created.metadata.resourceVersion) > Number(snapshot.store.resourceVersion), 'resourceVersions go on from the saved one');
});

test('every node boots again and posts Ready, the killed one too', t => {
	const snapshot = saved();
	const killed = snapshot.store.objects.find(o => o.kind === 'Node' && o.metadata.name === 'kubarium-worker3') as any;
	t.is(killed.status.conditions.find((c: any) => c.type === 'Ready').status, 'Unknown', 'the killed node was saved NotReady');
	const cluster = restoredCluster();
	const readyNow = (cluster.get('Node', 'kubarium-worker3') as any).status.conditions.find((c: any) => c.type === 'Ready');
	t.like(readyNow, {status: 'True', reason: 'KubeletReady', lastTransitionTime: new Date(cluster.now()).toISOString().replace('.000Z', 'Z')}, 'posted as its kubelet starts');
	t.is(cluster.eventsFor(cluster.get('Node', 'kubarium-worker3')!).filter(e => (e as any).reason === 'NodeReady' && Date.parse((e as any).lastTimestamp) >= cluster.now()).length, 1);
	cluster.advance(20_000);
	for (const node of cluster.list('Node')) {
		t.is((node.status as any).conditions.find((c: any) => c.type === 'Ready').status, 'True', node.metadata.name);
	}
});

test('the kubelets restart the pods they find as after a reboot: new sandbox (SandboxChanged), each container once more, last state Unknown 255', t => {
	const snapshot = saved();
	const before = new Map(snapshot.store.objects.filter(o => o.kind === 'Pod' && (o.status as any)?.phase === 'Running').map(p => [p.metadata.uid, p as any]));
	t.true(before.size >= 10);
	const cluster = restoredCluster();
	cluster.advance(60_000);
	for (const [uid, old] of before) {
		const pod = cluster.list('Pod', {namespace: old.metadata.namespace}).find(p => p.metadata.uid === uid) as any;
		const name = `${old.metadata.namespace}/${old.metadata.name}`;
		t.truthy(pod, name);
		t.is(pod.status.phase, 'Running', name);
		for (const status of pod.status.containerStatuses) {
			const previous = old.status.containerStatuses.find((c: any) => c.name === status.name);
			t.is(status.restartCount, previous.restartCount + 1, `${name} ${status.name}`);
			t.truthy(status.state.running, `${name} ${status.name} runs`);
			t.not(status.containerID, previous.containerID, 'a new container');
			t.is(status.lastState.terminated?.reason, 'Unknown');
			t.is(status.lastState.terminated?.exitCode, 255);
			t.is(status.lastState.terminated?.containerID, previous.containerID, 'the last state is the container the reboot ended');
		}
		const changed = cluster.eventsFor(pod).filter(e => (e as any).reason === 'SandboxChanged');
		t.is(changed.length, 1, name);
		t.is((changed[0] as any)?.message, 'Pod sandbox changed, it will be killed and re-created.');
		t.is(pod.status.startTime, old.status.startTime, 'the pod keeps its start time');
	}
});

test('the database rows come back with its volume', t => {
	const cluster = restoredCluster();
	cluster.advance(60_000);
	t.is(cluster.exec('db-0', ['kv', 'get', 'greeting'], shop).stdout.trim(), 'hello');
	t.true(cluster.snapshot().volumes.some(v => v.rows?.some(([key, value]) => key === 'greeting' && value === 'hello')));
});

test('load balancers keep their addresses; 50 new Services get no ClusterIP, NodePort or address already taken', t => {
	const snapshot = saved();
	const addresses = (objects: readonly KubeObject[]) => new Map(objects.filter(o => o.kind === 'Service').map(s => [s.metadata.uid, (s.status as any)?.loadBalancer?.ingress?.[0]?.ip]));
	const cluster = restoredCluster();
	cluster.advance(30_000);
	t.deepEqual(addresses(cluster.list('Service')), addresses(snapshot.store.objects));
	t.false(cluster.list('Event').some(e => (e as any).reason === 'EnsuringLoadBalancer' && Date.parse((e as any).firstTimestamp) >= snapshot.clock.now), 'no load balancer is made again');
	const types = ['ClusterIP', 'NodePort', 'LoadBalancer'];
	for (let i = 0; i < 50; i++) {
		cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: `s${i}`}, spec: {type: types[i % 3], selector: {app: `s${i}`}, ports: [{port: 80}]}});
	}
	cluster.advance(30_000);
	const services = cluster.list('Service') as any[];
	const ips = services.map(s => s.spec.clusterIP).filter(ip => ip && ip !== 'None');
	t.is(new Set(ips).size, ips.length, 'ClusterIPs are unique');
	const ports = services.flatMap(s => (s.spec.ports ?? []).map((p: any) => p.nodePort)).filter(Boolean);
	t.is(new Set(ports).size, ports.length, 'NodePorts are unique');
	const balancers = services.map(s => s.status?.loadBalancer?.ingress?.[0]?.ip).filter(Boolean);
	t.is(new Set(balancers).size, balancers.length, 'load balancer addresses are unique');
	t.true(balancers.length >= 18);
});

test('a load balancer address freed and taken again before the save stays with its Service (not handed out again in list order)', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	const balancer = (name: string) => ({apiVersion: 'v1', kind: 'Service', metadata: {name}, spec: {type: 'LoadBalancer', selector: {app: name}, ports: [{port: 80}]}});
	cluster.apply([balancer('a'), balancer('b')]);
	cluster.advance(10_000);
	cluster.delete('Service', 'a');
	cluster.advance(5_000);
	cluster.apply(balancer('c'));
	cluster.advance(10_000);
	const ip = (c: Cluster, name: string) => (c.get('Service', name) as any)?.status?.loadBalancer?.ingress?.[0]?.ip;
	t.is(ip(cluster, 'c'), '172.18.255.200', 'c took the address a freed');
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot())), restore: 'objects'});
	restored.advance(10_000);
	t.is(ip(restored, 'b'), ip(cluster, 'b'));
	t.is(ip(restored, 'c'), ip(cluster, 'c'));
});

test('the CronJob fires at its next schedule, and a Deployment still scales', t => {
	const snapshot = saved();
	const cronJob = snapshot.store.objects.find(o => o.kind === 'CronJob') as any;
	const last = Date.parse(cronJob.status.lastScheduleTime);
	t.false(Number.isNaN(last), 'the CronJob ran before the save');
	const next = last + 5 * 60_000;
	const cluster = restoredCluster();
	cluster.advance(next - cluster.now() + 1000);
	t.truthy(cluster.get('Job', `nightly-report-${next / 60_000}`, 'shop'), 'the job of the next schedule');
	t.is((cluster.get('CronJob', 'nightly-report', 'shop') as any).status.lastScheduleTime, new Date(next).toISOString().replace('.000Z', 'Z'));
	cluster.scale('Deployment', 'web', 5, shop);
	cluster.advance(30_000);
	const web = cluster.list('Pod', {...shop, labelSelector: 'app=web'}).filter(p => (p.status as any).phase === 'Running');
	t.is(web.length, 5);
	t.is((cluster.get('Deployment', 'web', 'shop') as any).status.readyReplicas, 5);
});

test('a Job pod that never restarts (restartPolicy Never) fails with its machine; the Job makes another', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	cluster.apply({apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'j'}, spec: {template: {spec: {restartPolicy: 'Never', containers: [{name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 600']}]}}}});
	cluster.advance(20_000);
	const [first] = cluster.list('Pod');
	t.is((first!.status as any).phase, 'Running');
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot())), restore: 'objects'});
	restored.advance(20_000);
	const ended = restored.get('Pod', first!.metadata.name) as any;
	t.is(ended.status.phase, 'Failed');
	t.like(ended.status.containerStatuses[0].state.terminated, {exitCode: 255, reason: 'Unknown'});
	t.is(ended.status.containerStatuses[0].restartCount, 0);
	t.false(restored.eventsFor(ended).some(e => (e as any).reason === 'SandboxChanged'), 'no sandbox is made again for it');
	const job = restored.get('Job', 'j') as any;
	t.is(job.status.failed, 1);
	t.is(job.status.active, 1);
	t.is(restored.list('Pod').filter(p => (p.status as any).phase === 'Running').length, 1, 'its replacement runs');
});

test('a terminating pod saved mid-deletion finishes its deletion', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'slow'}, spec: {terminationGracePeriodSeconds: 60, containers: [{name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600']}]}});
	cluster.advance(20_000);
	cluster.delete('Pod', 'slow');
	cluster.advance(5_000);
	t.truthy(cluster.get('Pod', 'slow')?.metadata.deletionTimestamp, 'saved while terminating');
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot())), restore: 'objects'});
	restored.advance(5_000);
	t.is(restored.get('Pod', 'slow'), undefined);
});

test('a restored cluster is saved with the objects it started from, and that snapshot restores exactly', t => {
	const restored = restoredCluster();
	restored.scale('Deployment', 'api', 3, shop);
	restored.advance(20_000);
	restored.exec('db-0', ['kv', 'set', 'after', 'yes'], shop);
	const second = state(restored);
	t.is(second.version, snapshotVersion);
	t.truthy(second.base, 'the objects it was made of');
	t.is(second.base!.clock.now, saved().clock.now);
	t.deepEqual(second.journal.map(e => e.call), ['scale', 'advance', 'exec']);
	const exact = createCluster({snapshot: second});
	t.deepEqual(state(exact).store, state(restored).store, 'the restore itself');
	for (const c of [restored, exact]) {
		c.scale('Deployment', 'web', 1, shop);
		c.advance(45_000);
		c.exec('db-0', ['kv', 'set', 'later', '1'], shop);
	}
	sameSimulation(t, exact, restored);
});

test('restore from objects refuses what it cannot take back, naming the place', t => {
	const duplicate = saved() as any;
	duplicate.store.objects[5].metadata.uid = duplicate.store.objects[4].metadata.uid;
	t.is(t.throws(() => createCluster({snapshot: duplicate, restore: 'objects'}), {instanceOf: SnapshotError})?.message,
		`snapshot.store.objects[5].metadata.uid: ${duplicate.store.objects[4].metadata.uid} is used twice`);
	const noUid = saved() as any;
	delete noUid.store.objects[2].metadata.uid;
	t.is(t.throws(() => createCluster({snapshot: noUid, restore: 'objects'}), {instanceOf: SnapshotError})?.message,
		'snapshot.store.objects[2].metadata.uid: expected a non-empty string');
	const scoped = saved() as any;
	const at = scoped.store.objects.findIndex((o: any) => o.kind === 'ConfigMap');
	delete scoped.store.objects[at].metadata.namespace;
	t.is(t.throws(() => createCluster({snapshot: scoped, restore: 'objects'}), {instanceOf: SnapshotError})?.message,
		`snapshot.store.objects[${at}].metadata.namespace: expected a namespace (ConfigMap is namespaced)`);
	const unknownKind = saved() as any;
	unknownKind.store.objects[3].kind = 'Gadget';
	t.is(t.throws(() => createCluster({snapshot: unknownKind, restore: 'objects'}), {instanceOf: SnapshotError})?.message,
		'snapshot.store.objects[3].kind: "Gadget" is not a kind this cluster serves');
	t.throws(() => createCluster({snapshot: saved(), restore: 'cold' as any}), {message: 'restore: must be "exact", "replay" or "objects", got "cold"'});
	t.throws(() => createCluster({restore: 'objects'}), {message: 'restore: there is no snapshot to restore'});
});

test('a rollout that cannot progress still times out at its progress deadline, counted from its condition', t => {
	const snapshot = saved();
	const worker = snapshot.store.objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'worker') as any;
	const progressing = worker.status.conditions.find((c: any) => c.type === 'Progressing');
	t.not(progressing.reason, 'ProgressDeadlineExceeded', 'saved before its deadline');
	const deadline = Date.parse(progressing.lastUpdateTime) + worker.spec.progressDeadlineSeconds * 1000;
	const cluster = restoredCluster();
	cluster.advance(deadline - cluster.now() - 2000);
	const reason = () => ((cluster.get('Deployment', 'worker', 'shop') as any).status.conditions.find((c: any) => c.type === 'Progressing')).reason;
	t.not(reason(), 'ProgressDeadlineExceeded');
	cluster.advance(4000);
	t.is(reason(), 'ProgressDeadlineExceeded');
});

test('what objects were last applied with comes back with them: an apply that drops a field removes it', t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', labels: {tier: 'web', team: 'a'}}, data: {a: '1', b: '2'}});
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot())), restore: 'objects'});
	restored.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', labels: {tier: 'web'}}, data: {a: '1'}});
	const settings = restored.get('ConfigMap', 'settings') as any;
	t.deepEqual(settings.data, {a: '1'}, 'the key the new configuration dropped is pruned, as the three-way merge does');
	t.deepEqual(settings.metadata.labels, {tier: 'web'});
});

test('custom resources come back with their definitions, served as before', async t => {
	const {readFileSync} = await import('node:fs');
	const docs = (file: string) => readFileSync(new URL(`../fixtures/docs/${file}`, import.meta.url), 'utf8');
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply(docs('crd-crontab.yaml'));
	cluster.advance(0);
	const [object] = cluster.apply(docs('crd-my-crontab.yaml'));
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot())), restore: 'objects'});
	t.is(restored.list('ct')[0]?.metadata.uid, object!.metadata.uid);
	restored.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'second'}, spec: {replicas: 2}});
	t.deepEqual(restored.list('crontabs').map(o => o.metadata.name), ['my-new-cron-object', 'second']);
	restored.delete('CustomResourceDefinition', 'crontabs.stable.example.com');
	restored.advance(10_000);
	t.is(restored.get('CustomResourceDefinition', 'crontabs.stable.example.com'), undefined, 'its deletion removes the objects of its kind, as before');
	t.throws(() => restored.list('ct'));
});

test('what the user changed in the demo is kept: the demo\'s manifests are not applied again over the saved objects', t => {
	const cluster = createCluster({seed: 11, demo: true});
	cluster.advance(10_000);
	cluster.scale('deployment', 'web', 5, shop);
	cluster.advance(30_000);
	const snapshot = state(cluster);
	const restored = createCluster({snapshot, restore: 'objects'});
	const web = restored.get('Deployment', 'web', 'shop') as any;
	t.is(web.spec.replicas, 5);
	// Its spec was not written again (its status is: the restarted pods are not ready yet).
	t.is(web.metadata.generation, (snapshot.store.objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'web') as any).metadata.generation);
	restored.advance(30_000);
	t.is(restored.list('Pod', shop).filter(p => (p.metadata.labels as any)?.app === 'web' && !p.metadata.deletionTimestamp).length, 5);
});
