import test from 'ava';
import fc from 'fast-check';
import type {Cluster} from '../../../source/engine/index.js';
import {Twins} from '../twins.js';

/*
 * The storage parts (volumes, the claim and volume indexes, the PV
 * controller, attachments) and the databases reloaded in place at points
 * where they hold something: a claim being provisioned, replicas cloning and
 * behind their primary, a volume attached on a dead node, a released volume.
 */

function statefulSet(name: string, image: string, dataDir: string, replicas: number) {
	return {
		apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name},
		spec: {
			serviceName: name,
			replicas,
			selector: {matchLabels: {app: name}},
			template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'db', image, env: [{name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: '1'}, {name: 'POSTGRES_PASSWORD', value: 'secret'}], volumeMounts: [{name: 'data', mountPath: dataDir}]}]}},
			volumeClaimTemplates: [{metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}}],
		},
	};
}

const mysql = statefulSet('db', 'mysql:8.0', '/var/lib/mysql', 3);
const postgres = statefulSet('pg', 'postgres:16', '/var/lib/postgresql/data', 2);

function claim(name: string, spec: Record<string, unknown> = {}) {
	return {apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}, ...spec}};
}

function volume(name: string, spec: Record<string, unknown> = {}) {
	return {apiVersion: 'v1', kind: 'PersistentVolume', metadata: {name}, spec: {capacity: {storage: '1Gi'}, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: {path: `/mnt/${name}`}, ...spec}};
}

function pod(name: string, claimName: string, extra: Record<string, unknown> = {}, command?: string) {
	return {
		apiVersion: 'v1', kind: 'Pod', metadata: {name},
		spec: {
			containers: [{name: 'app', image: 'busybox:1.36', command: ['sh', '-c', command ?? 'while true; do date >> /data/log.txt; sleep 2; done'], volumeMounts: [{name: 'data', mountPath: '/data'}]}],
			volumes: [{name: 'data', persistentVolumeClaim: {claimName}}],
			...extra,
		},
	};
}

const status = (cluster: Cluster) => ({db: cluster.replication('db'), pg: cluster.replication('pg')});

test('replicated mysql and postgres sets, reloaded while provisioning, cloning and replicating: they go on as their twins', t => {
	const twins = new Twins(t, {seed: 40, nodes: 3});
	twins.run(c => c.apply([mysql, postgres]));
	twins.advance(1500);
	twins.reload();
	for (let i = 0; i < 6; i++) {
		twins.advance(7000);
		twins.reload();
		twins.run(status, `status after ${i}`);
	}
	twins.advance(60_000);
	t.deepEqual(twins.run(status).db.map(s => s.state), ['primary', 'following', 'following']);
	for (const [key, value] of [['a', '1'], ['b', '2'], ['c', 'x y']]) {
		twins.run(c => c.exec('db-0', ['kv', 'set', key!, value!]));
		twins.run(c => c.exec('pg-0', ['kv', 'set', key!, value!]));
	}
	// The replicas are behind, their catch-up timers pending.
	t.true(twins.run(status).db.some(s => s.behind > 0));
	twins.reload();
	twins.advance(400);
	twins.reload();
	twins.run(c => c.exec('db-0', ['kv', 'set', 'd', '4']), 'a write on the reloaded primary wakes its replicas');
	twins.advance(3000);
	t.deepEqual(twins.run(status).db.map(s => s.behind), [0, 0, 0]);
	twins.run(c => c.exec('db-2', ['kv', 'get', 'd']));
	// A new set's server table: the old primary's hook wakes nothing, the new one's does.
	twins.run(c => c.delete('statefulset', 'db'));
	twins.advance(40_000);
	twins.reload();
	twins.run(c => c.apply(mysql));
	twins.advance(30_000);
	twins.reload();
	twins.advance(30_000);
	twins.run(c => c.exec('db-0', ['kv', 'set', 'e', '5']));
	twins.reload();
	twins.advance(5000);
	twins.run(status, 'status at the end');
	twins.run(c => c.volumeData('data-db-1'));
	twins.same('at the end');
});

test('volumes provisioned, bound, released and reclaimed, a read-only claim, an attachment on a dead node: reloaded at each step', t => {
	const twins = new Twins(t, {seed: 43, nodes: 2});
	twins.run(c => c.apply([
		volume('disk'),
		volume('kept', {persistentVolumeReclaimPolicy: 'Retain'}),
		volume('shared', {accessModes: ['ReadOnlyMany']}),
		claim('data', {storageClassName: 'manual', volumeName: 'disk'}),
		claim('keep', {storageClassName: 'manual', volumeName: 'kept'}),
		claim('ro', {storageClassName: 'manual', accessModes: ['ReadOnlyMany']}),
		claim('fresh'),
		claim('gone'),
	]));
	twins.run(c => c.apply([
		{...pod('old', 'data'), spec: {...pod('old', 'data').spec, nodeName: 'kubarium-worker'}},
		pod('keeper', 'keep'),
		pod('reader', 'ro', {}, 'while true; do ls /data; sleep 5; done'),
		pod('fresh', 'fresh'),
		pod('short', 'gone', {restartPolicy: 'Never'}, 'echo done > /data/x'),
	]));
	twins.advance(300);
	t.true((twins.part('persistentvolume-controller') as {provisioning: string[]}).provisioning.length > 0, 'a volume is being provisioned');
	twins.reload();
	twins.advance(1200);
	twins.reload();
	twins.advance(20_000);
	twins.reload();
	t.is(twins.run(c => c.get('pod', 'old')?.status?.phase), 'Running');
	twins.run(c => c.exec('reader', ['ls', '/data']));
	t.true((twins.part('volumes') as Array<[string, unknown, unknown]>).some(([name, , view]) => name === 'shared' && view !== null), 'a read-only view of a volume');
	twins.run(c => c.killNode('kubarium-worker'));
	twins.advance(30_000);
	twins.run(c => c.delete('pod', 'old', {gracePeriodSeconds: 0}));
	twins.advance(0);
	t.true((twins.part('attachdetach-controller') as {unsafe: unknown[]}).unsafe.length > 0, 'a forced detach is due');
	twins.reload();
	twins.run(c => c.apply({...pod('new', 'data'), spec: {...pod('new', 'data').spec, nodeName: 'kubarium-worker2'}}));
	twins.advance(60_000);
	twins.reload();
	t.is(twins.run(c => c.get('pod', 'new')?.status?.phase), 'Pending', 'waiting for the forced detach');
	// Released volumes: Retain keeps it Released, Delete reclaims it.
	twins.run(c => c.delete('pod', 'keeper', {gracePeriodSeconds: 0}));
	twins.run(c => c.delete('pod', 'short', {gracePeriodSeconds: 0}));
	twins.advance(2000);
	twins.run(c => c.delete('pvc', 'keep'));
	twins.run(c => c.delete('pvc', 'gone'));
	twins.advance(500);
	twins.reload();
	twins.advance(20_000);
	twins.reload();
	twins.run(c => c.restoreNode('kubarium-worker'));
	twins.advance(6 * 60_000);
	twins.reload();
	t.is(twins.run(c => c.get('pod', 'new')?.status?.phase), 'Running', 'attached after the forced detach');
	t.is(twins.run(c => c.get('pv', 'kept')?.status?.phase), 'Released');
	twins.run(c => c.exec('new', ['sh', '-c', 'echo again >> /data/log.txt; cat /data/log.txt']));
	twins.advance(10_000);
	twins.same('at the end');
});

test('a cluster restored from its objects (each told to the indexes in list order), then written to and reloaded: the indexes keep the order the watch gave', t => {
	const base = new Twins(t, {seed: 44, nodes: 2}).twin;
	base.apply([
		volume('a', {capacity: {storage: '2Gi'}}),
		volume('b', {capacity: {storage: '2Gi'}}),
		volume('c', {capacity: {storage: '2Gi'}}),
		claim('shared', {storageClassName: 'manual', accessModes: ['ReadWriteMany'], resources: {requests: {storage: '1Gi'}}}),
	]);
	base.advance(5000);
	// Volume a is written after b and c: the watch's order is no longer the list's.
	base.apply({...volume('a', {capacity: {storage: '2Gi'}}), metadata: {name: 'a', labels: {touched: 'yes'}}});
	base.apply([pod('one', 'shared'), pod('two', 'shared')]);
	base.advance(20_000);
	const twins = new Twins(t, {snapshot: JSON.parse(JSON.stringify(base.snapshot())), restore: 'objects'});
	twins.advance(1000);
	t.not((twins.part('volume-index') as {announced: number | null}).announced, null, 'the restore told the loaded volumes');
	twins.reload();
	twins.run(c => c.apply([claim('first', {storageClassName: 'manual'}), claim('second', {storageClassName: 'manual'})]));
	twins.advance(2000);
	twins.reload();
	twins.run(c => c.apply(pod('three', 'shared')));
	twins.advance(20_000);
	twins.reload();
	twins.run(c => [c.get('pvc', 'first')?.spec?.volumeName, c.get('pvc', 'second')?.spec?.volumeName], 'the volumes bound');
	twins.advance(10_000);
	twins.same('at the end');
});

type Move =
	| {op: 'advance'; ms: number}
	| {op: 'kv'; pod: string; key: string}
	| {op: 'traffic'; rps: number}
	| {op: 'wget'}
	| {op: 'kill' | 'restore' | 'drain' | 'stopDrain' | 'uncordon'; node: string}
	| {op: 'scale'; replicas: number}
	| {op: 'claim'; name: string}
	| {op: 'unclaim'; name: string}
	| {op: 'reload'};

const nodes = ['kubarium-worker', 'kubarium-worker2'];
const move: fc.Arbitrary<Move> = fc.oneof(
	{weight: 5, arbitrary: fc.record({op: fc.constant('advance' as const), ms: fc.integer({min: 100, max: 40_000})})},
	{weight: 3, arbitrary: fc.record({op: fc.constant('kv' as const), pod: fc.constantFrom('db-0', 'db-1'), key: fc.constantFrom('a', 'b')})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('traffic' as const), rps: fc.constantFrom(0, 2.5, 9)})},
	{weight: 1, arbitrary: fc.constant({op: 'wget' as const})},
	{weight: 2, arbitrary: fc.record({op: fc.constantFrom('kill' as const, 'restore' as const, 'drain' as const, 'stopDrain' as const, 'uncordon' as const), node: fc.constantFrom(...nodes)})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('scale' as const), replicas: fc.integer({min: 1, max: 3})})},
	{weight: 1, arbitrary: fc.record({op: fc.constantFrom('claim' as const, 'unclaim' as const), name: fc.constantFrom('x', 'y')})},
	{weight: 2, arbitrary: fc.constant({op: 'reload' as const})},
);

function play(twins: Twins, m: Move): void {
	if (m.op === 'reload') {
		twins.reload();
		return;
	}
	if (m.op === 'advance') return twins.advance(m.ms);
	try {
		twins.run(c => {
			switch (m.op) {
				case 'kv': return c.exec(m.pod, ['kv', 'set', m.key, String(c.now())]);
				case 'traffic': return m.rps === 0 ? c.stopTraffic('web') : c.startTraffic('web', {rps: m.rps});
				case 'wget': return c.exec('client', ['wget', '-q', '-O-', 'http://web']);
				case 'kill': return c.killNode(m.node);
				case 'restore': return c.restoreNode(m.node);
				case 'drain': return c.drain(m.node, {ignoreDaemonSets: true, force: true, deleteEmptyDirData: true, timeoutSeconds: 30});
				case 'stopDrain': return c.stopDrain(m.node);
				case 'uncordon': return c.uncordon(m.node);
				case 'scale': return c.scale('statefulset', 'db', m.replicas);
				case 'claim': return c.apply([claim(m.name), pod(`use-${m.name}`, m.name)]);
				case 'unclaim': return [c.delete('pod', `use-${m.name}`, {gracePeriodSeconds: 0}), c.delete('pvc', m.name)];
			}
		}, m.op);
	} catch {
		// Refused alike on both (run compared the refusals).
	}
}

test('random moves over databases, traffic, drains, dead nodes and claims, reloaded at random points: the twins go on alike', t => {
	fc.assert(fc.property(fc.integer({min: 1, max: 500}), fc.array(move, {minLength: 4, maxLength: 16}), (seed, moves) => {
		const twins = new Twins(t, {seed, nodes: 2});
		twins.run(c => c.apply([
			statefulSet('db', 'mysql:8.0', '/var/lib/mysql', 2),
			{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.27', ports: [{containerPort: 80}]}]}}}},
			{apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{port: 80}], sessionAffinity: 'ClientIP'}},
			{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'web'}}}},
			{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'client'}, spec: {containers: [{name: 'c', image: 'busybox:1.36', command: ['sleep', '100000']}]}},
		]));
		twins.advance(60_000);
		twins.run(c => c.startTraffic('web', {rps: 4}));
		for (const m of moves) play(twins, m);
		twins.reload();
		twins.advance(30_000);
		twins.same('after the moves');
	}), {seed: 45, numRuns: 8});
});
