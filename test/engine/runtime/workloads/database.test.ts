import test from 'ava';
import {createCluster} from '../../../../source/engine/index.js';
import type {Cluster} from '../../../../source/engine/index.js';
import {databaseLog} from '../../../../source/engine/storage/inspect.js';
import '../../../../source/engine/runtime/workloads/database.js';

function database(image: string, dataDir: string, replicas = 3) {
	return {
		apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name: 'db'},
		spec: {
			serviceName: 'db',
			replicas,
			selector: {matchLabels: {app: 'db'}},
			template: {metadata: {labels: {app: 'db'}}, spec: {containers: [{name: 'db', image, env: [{name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: '1'}, {name: 'POSTGRES_PASSWORD', value: 'secret'}], volumeMounts: [{name: 'data', mountPath: dataDir}]}]}},
			volumeClaimTemplates: [{metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}}],
		},
	};
}

type Result = {stdout: string; stderr: string; exitCode: number};

/** `kubectl exec <pod> -- kv ...`. */
function kv(cluster: Cluster, podName: string, ...args: string[]): Result {
	return cluster.exec(podName, ['kv', ...args]);
}

/** File system calls on the database's files that the container made after `from` (the exec's own, once time has moved on). */
function fileCalls(cluster: Cluster, podName: string, from: number): string[] {
	return cluster.syscalls(podName, {container: 'db'}).slice(from)
		.filter(call => ['openat', 'read', 'write', 'pwrite64', 'fsync', 'close'].includes(call.name))
		.map(call => `${call.name}(${call.args}) = ${call.ret}`)
		.filter(line => /kv\.ibd|binlog|^(write|pwrite64|read|fsync|close)\((23|24)[,)]/.test(line));
}

function started(image = 'mysql:8.0', dataDir = '/var/lib/mysql', replicas = 3, seed = 40): Cluster {
	const cluster = createCluster({seed});
	cluster.apply(database(image, dataDir, replicas));
	cluster.advance(90_000);
	return cluster;
}

test('ordinal 0 is the primary; replicas clone their predecessor, then follow', t => {
	const cluster = started();
	const status = cluster.replication('db');
	t.deepEqual(status.map(s => [s.pod, s.role, s.state]), [['db-0', 'primary', 'primary'], ['db-1', 'replica', 'following'], ['db-2', 'replica', 'following']]);
	t.deepEqual(status.map(s => s.clonedFrom), [undefined, 'db-0', 'db-1']);
	const log = databaseLog(cluster.context, 'db-2');
	t.regex(log[0]!, /xtrabackup: cloning from db-1\.db:3307$/);
	t.regex(log[1]!, /xtrabackup: completed OK!/);
	t.true(log.some(line => line.includes("connected to source 'root@db-0.db:3306'")));
});

test('a key written on the primary reaches every replica after its lag', t => {
	const cluster = started();
	const write = kv(cluster, 'db-0', 'set', 'greeting', 'hello');
	t.deepEqual([write.stdout, write.exitCode], ['Query OK, 1 row affected (0.01 sec)\n', 0]);
	const right = cluster.replication('db');
	t.deepEqual(right.map(s => s.behind), [0, 1, 1], 'replicas lag behind at first');
	t.is(kv(cluster, 'db-1', 'get', 'greeting').exitCode, 1);
	cluster.advance(2000);
	const later = cluster.replication('db');
	t.deepEqual(later.map(s => s.position), [1, 1, 1]);
	for (const pod of ['db-0', 'db-1', 'db-2']) t.is(kv(cluster, pod, 'get', 'greeting').stdout, 'hello\n', pod);
	t.deepEqual(cluster.volumeData('data-db-2').database?.rows, {greeting: 'hello'});
});

test('a replica refuses writes with the server\'s message and changes nothing', t => {
	const cluster = started();
	kv(cluster, 'db-0', 'set', 'a', '1');
	cluster.advance(2000);
	const refused = kv(cluster, 'db-1', 'set', 'a', '2');
	t.is(refused.exitCode, 1);
	t.is(refused.stderr, 'ERROR 1290 (HY000): The MySQL server is running with the --super-read-only option so it cannot execute this statement\n');
	cluster.advance(2000);
	for (const pod of ['db-0', 'db-1', 'db-2']) t.is(kv(cluster, pod, 'get', 'a').stdout, '1\n');
	t.deepEqual(cluster.replication('db').map(s => s.position), [1, 1, 1]);
});

test('postgres: the same roles, with postgres\' read-only error', t => {
	const cluster = started('postgres:16', '/var/lib/postgresql/data', 2, 41);
	t.is(kv(cluster, 'db-0', 'set', 'k', 'v').stdout, 'INSERT 0 1\n');
	t.is(kv(cluster, 'db-1', 'set', 'k', 'w').stderr, 'ERROR:  cannot execute INSERT in a read-only transaction\n');
	cluster.advance(2000);
	t.is(kv(cluster, 'db-1', 'get', 'k').stdout, 'v\n');
	t.true(cluster.volumeData('data-db-0').files.some(f => f.path === '/PG_VERSION'));
});

test('a new replica clones then follows; writes after the clone reach it', t => {
	const cluster = started();
	kv(cluster, 'db-0', 'set', 'before', '1');
	cluster.advance(2000);
	cluster.scale('statefulset', 'db', 4);
	cluster.advance(60_000);
	const fourth = cluster.replication('db')[3]!;
	t.like(fourth, {pod: 'db-3', state: 'following', position: 1, clonedFrom: 'db-2'});
	t.is(kv(cluster, 'db-3', 'get', 'before').stdout, '1\n');
	kv(cluster, 'db-0', 'set', 'after', '2');
	cluster.advance(2000);
	t.is(kv(cluster, 'db-3', 'keys').stdout, 'after\nbefore\n');
	t.true(cluster.volumeData('data-db-3').files.some(f => f.path === '/xtrabackup_binlog_info'));
});

test('data survives pod deletion and scale down/up; a returning replica resumes instead of cloning', t => {
	const cluster = started();
	kv(cluster, 'db-0', 'set', 'a', '1');
	cluster.advance(2000);
	cluster.delete('pod', 'db-0');
	cluster.advance(60_000);
	t.is(cluster.get('pod', 'db-0')!.status.phase, 'Running');
	t.is(kv(cluster, 'db-0', 'get', 'a').stdout, '1\n');

	cluster.scale('statefulset', 'db', 1);
	cluster.advance(60_000);
	kv(cluster, 'db-0', 'set', 'b', '2');
	t.is(cluster.volumeData('data-db-2').database?.position, 1, 'the scaled-down replica keeps its data');
	cluster.scale('statefulset', 'db', 3);
	cluster.advance(60_000);
	const status = cluster.replication('db');
	t.deepEqual(status.map(s => s.position), [2, 2, 2]);
	t.is(kv(cluster, 'db-2', 'get', 'b').stdout, '2\n');
	t.false(databaseLog(cluster.context, 'db-2').slice(-3).some(line => line.includes('cloning')), 'no second clone');
});

test('kv leaves file system calls in the trace and answers bad usage clearly', t => {
	const cluster = started('mysql:8.0', '/var/lib/mysql', 1, 42);
	let from = cluster.syscalls('db-0', {container: 'db'}).length;
	t.is(kv(cluster, 'db-0', 'set', 'x', 'y').exitCode, 0);
	cluster.advance(100);
	const write = fileCalls(cluster, 'db-0', from);
	t.deepEqual(write.map(line => line.slice(0, line.indexOf('('))), ['openat', 'write', 'fsync', 'close', 'openat', 'pwrite64', 'fsync', 'close']);
	t.true(write[0]!.includes('"/var/lib/mysql/binlog.000001"'));
	from = cluster.syscalls('db-0', {container: 'db'}).length;
	kv(cluster, 'db-0', 'get', 'x');
	cluster.advance(100);
	t.deepEqual(fileCalls(cluster, 'db-0', from).map(line => line.slice(0, line.indexOf('('))), ['openat', 'read', 'close']);
	t.deepEqual(kv(cluster, 'db-0', 'set', 'only-key'), {stdout: '', stderr: 'usage: kv set KEY VALUE | kv get KEY | kv keys\n', exitCode: 2});
	t.is(kv(cluster, 'db-0', 'get', 'missing').stderr, 'kv: key "missing" not found\n');
	t.deepEqual(cluster.volumeData('data-db-0').database?.rows, {x: 'y'});
	t.throws(() => cluster.replication('nope'), {message: 'statefulsets.apps "nope" not found'});
});

test('the primary\'s node going down stops replication; the data is there when it comes back, and replicas catch up', t => {
	const cluster = started('mysql:8.0', '/var/lib/mysql', 3, 43);
	const node = cluster.get('pod', 'db-0')!.spec.nodeName;
	t.true(['db-1', 'db-2'].every(pod => cluster.get('pod', pod)!.spec.nodeName !== node), 'replicas elsewhere');
	kv(cluster, 'db-0', 'set', 'k', 'v');
	cluster.killNode(node);
	cluster.advance(5000);
	t.deepEqual(cluster.replication('db').map(s => s.state), ['stopped', 'connecting', 'connecting']);
	t.deepEqual(cluster.replication('db').map(s => s.behind), [0, 1, 1]);
	t.is(cluster.volumeData('data-db-0').database?.rows['k'], 'v');
	cluster.restoreNode(node);
	cluster.advance(120_000);
	t.deepEqual(cluster.replication('db').map(s => s.state), ['primary', 'following', 'following']);
	for (const pod of ['db-0', 'db-1', 'db-2']) t.is(kv(cluster, pod, 'get', 'k').stdout, 'v\n', pod);
});

test('kv in a container without a database server says so', t => {
	const cluster = createCluster({seed: 44});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web'}, spec: {containers: [{name: 'nginx', image: 'nginx:1.27'}]}});
	cluster.advance(10_000);
	const result = cluster.exec('web', ['kv', 'keys']);
	t.is(result.exitCode, 1);
	t.is(result.stderr, 'kv: no database server in this container (image "nginx:1.27"); kv talks to mysql or postgres\n');
});

test('without a claim the rows live in the container\'s own data directory and go with the pod', t => {
	const cluster = createCluster({seed: 45});
	const bare = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'solo'}, spec: {containers: [{name: 'db', image: 'mysql:8.0', env: [{name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: '1'}]}]}};
	cluster.apply(bare);
	cluster.advance(15_000);
	t.is(kv(cluster, 'solo', 'set', 'a', '1').exitCode, 0);
	t.regex(cluster.exec('solo', ['ls', '/var/lib/mysql']).stdout, /binlog\.000001/);
	t.is(kv(cluster, 'solo', 'get', 'a').stdout, '1\n');
	cluster.delete('pod', 'solo');
	cluster.advance(40_000);
	cluster.apply(bare);
	cluster.advance(15_000);
	t.is(kv(cluster, 'solo', 'keys').stdout, '');
});

test('the server\'s clone and replication lines reach kubectl logs, after the container\'s own start-up output', t => {
	const cluster = started();
	const logs = cluster.logs('db-2');
	const server = databaseLog(cluster.context, 'db-2');
	for (const line of server.filter(l => /xtrabackup|connected to source/.test(l))) t.true(logs.some(l => l.includes(line)), line);
	t.true(logs.findIndex(l => l.includes('xtrabackup: cloning from db-1.db:3307')) < logs.findIndex(l => l.includes("connected to source 'root@db-0.db:3306'")));
});
