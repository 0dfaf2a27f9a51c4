import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';
import {KubeError} from '../../../source/engine/errors.js';
import {parseTime} from '../../../source/engine/clock.js';
import type {Container, ContainerStatus, KubeEvent, Pod} from '../../../source/engine/api/types.js';

function pod(name: string, containers: Array<Partial<Container> & {name: string; image: string}>, spec: Record<string, unknown> = {}) {
	return {apiVersion: 'v1', kind: 'Pod', metadata: {name}, spec: {containers, ...spec}};
}

function status(cluster: Cluster, name: string, container?: string): ContainerStatus {
	const object = cluster.get('Pod', name) as Pod;
	const all = [...object.status?.containerStatuses ?? [], ...object.status?.initContainerStatuses ?? []];
	return container ? all.find(s => s.name === container)! : all[0]!;
}

function events(cluster: Cluster, name: string): string[] {
	return (cluster.eventsFor(cluster.get('Pod', name)!) as KubeEvent[]).map(e => `${e.reason}: ${e.message}`);
}

test('a crash-looping container restarts at once, then after 10 s, 20 s, 40 s, 80 s of back-off', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply(pod('crash', [{name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo boom; exit 1']}]));
	const created = cluster.now();
	const restarts: number[] = [];
	cluster.watch(event => {
		const count = (event.object as Pod).status?.containerStatuses?.[0]?.restartCount ?? 0;
		if (count > restarts.length) restarts.push(cluster.now());
	}, {kind: 'Pod'});
	for (let i = 0; i < 400; i++) cluster.advance(1000);
	t.true(restarts[0]! - created < 2000);
	// Each gap is the back-off plus the fraction of a second a start takes.
	const gaps = restarts.slice(1, 6).map((at, i) => (at - restarts[i]!) / 1000);
	t.deepEqual(gaps.map(Math.floor), [10, 20, 40, 80, 160]);
	const current = status(cluster, 'crash');
	t.is(current.lastState.terminated?.exitCode, 1);
	t.is(current.lastState.terminated?.reason, 'Error');
	t.true(events(cluster, 'crash').some(e => e.startsWith('BackOff: Back-off restarting failed container c in pod crash_default(')));
	t.is((cluster.get('Pod', 'crash') as Pod).status?.phase, 'Running');
});

test('an unknown tag is ErrImagePull with the registry error, then ImagePullBackOff', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply(pod('bad', [{name: 'web', image: 'nginx:doesnotexist'}]));
	const registryError = 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist": failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found';
	let sawErrImagePull = false;
	cluster.watch(event => {
		const waiting = (event.object as Pod).status?.containerStatuses?.[0]?.state.waiting;
		if (waiting?.reason === 'ErrImagePull') {
			sawErrImagePull = true;
			t.is(waiting.message, registryError);
		}
	}, {kind: 'Pod'});
	cluster.advance(5000);
	t.true(sawErrImagePull);
	t.deepEqual(status(cluster, 'bad').state.waiting, {reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:doesnotexist"'});
	const seen = events(cluster, 'bad');
	t.true(seen.includes(`Failed: Failed to pull image "nginx:doesnotexist": ${registryError}`));
	t.true(seen.includes('Failed: Error: ErrImagePull'));
	t.true(seen.includes('BackOff: Back-off pulling image "nginx:doesnotexist"'));
	t.true(seen.includes('Failed: Error: ImagePullBackOff'));
	t.is((cluster.get('Pod', 'bad') as Pod).status?.phase, 'Pending');
});

test('image errors with strict images: unknown repository, unknown registry, invalid name', t => {
	const cluster = createCluster({seed: 1, nodes: 1, strictImages: true});
	cluster.apply([
		pod('norepo', [{name: 'c', image: 'nosuchimage:1.0'}]),
		pod('nohost', [{name: 'c', image: 'registry.example.com/team/app:2'}]),
		pod('upper', [{name: 'c', image: 'Nginx'}]),
	]);
	cluster.advance(5000);
	t.regex(events(cluster, 'norepo').join('\n'), /failed to resolve reference "docker.io\/library\/nosuchimage:1.0": pull access denied, repository does not exist or may require authorization/);
	t.regex(events(cluster, 'nohost').join('\n'), /dial tcp: lookup registry.example.com: no such host/);
	t.deepEqual(status(cluster, 'upper').state.waiting?.reason, 'InvalidImageName');
	t.regex(status(cluster, 'upper').state.waiting?.message ?? '', /repository name must be lowercase/);
});

test('a missing ConfigMap key is CreateContainerConfigError until the ConfigMap has it', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply(pod('app', [{name: 'main', image: 'busybox', command: ['sleep', '3600'], env: [{name: 'MODE', valueFrom: {configMapKeyRef: {name: 'settings', key: 'mode'}}}]}]));
	cluster.advance(5000);
	t.deepEqual(status(cluster, 'app').state.waiting, {reason: 'CreateContainerConfigError', message: 'configmap "settings" not found'});
	t.true(events(cluster, 'app').includes('Failed: Error: configmap "settings" not found'));
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings'}, data: {other: 'x'}});
	cluster.advance(12_000);
	t.deepEqual(status(cluster, 'app').state.waiting, {reason: 'CreateContainerConfigError', message: "couldn't find key mode in ConfigMap default/settings"});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings'}, data: {mode: 'fast'}});
	cluster.advance(12_000);
	t.truthy(status(cluster, 'app').state.running);
	t.is(cluster.exec('app', ['printenv', 'MODE']).stdout, 'fast\n');
});

test('missing Secrets: the kubelet message, and optional references are skipped', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply([
		pod('strict', [{name: 'c', image: 'busybox', command: ['sleep', '60'], envFrom: [{secretRef: {name: 'db'}}]}]),
		pod('keyless', [{name: 'c', image: 'busybox', command: ['sleep', '60'], env: [{name: 'P', valueFrom: {secretKeyRef: {name: 'present', key: 'nope'}}}]}]),
		pod('relaxed', [{name: 'c', image: 'busybox', command: ['sleep', '60'], envFrom: [{secretRef: {name: 'db', optional: true}}], env: [{name: 'X', valueFrom: {configMapKeyRef: {name: 'none', key: 'k', optional: true}}}]}]),
		{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'present'}, data: {user: Buffer.from('admin').toString('base64')}},
	]);
	cluster.advance(5000);
	t.is(status(cluster, 'strict').state.waiting?.message, 'secret "db" not found');
	t.is(status(cluster, 'keyless').state.waiting?.message, "couldn't find key nope in Secret default/present");
	t.truthy(status(cluster, 'relaxed').state.running);
	t.false(cluster.exec('relaxed', ['env']).stdout.includes('X='));
});

test('env shows ConfigMap and Secret values (decoded), envFrom prefixes, downward API and $(VAR) expansion', t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.apply([
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cfg'}, data: {LOG_LEVEL: 'debug'}},
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'extra'}, data: {'1st': 'x', TIER: 'front'}},
		{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'creds'}, data: {password: Buffer.from('s3cret').toString('base64')}},
		pod('envy', [{
			name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'echo started as $(POD); sleep 3600'],
			envFrom: [{configMapRef: {name: 'cfg'}, prefix: 'APP_'}, {configMapRef: {name: 'extra'}}],
			env: [
				{name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: 'creds', key: 'password'}}},
				{name: 'POD', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}},
				{name: 'GREETING', value: 'hello $(POD)'},
			],
		}]),
	]);
	cluster.advance(10_000);
	const env = cluster.exec('envy', ['env']);
	t.is(env.exitCode, 0);
	const lines = env.stdout.split('\n');
	t.true(lines.includes('APP_LOG_LEVEL=debug'));
	t.true(lines.includes('DB_PASSWORD=s3cret'));
	t.true(lines.includes('POD=envy'));
	t.true(lines.includes('GREETING=hello envy'));
	t.true(lines.includes('HOSTNAME=envy'));
	t.true(lines.includes('TIER=front'));
	t.deepEqual(cluster.logs('envy'), ['started as envy']);
	t.true(events(cluster, 'envy').includes('InvalidEnvironmentVariableNames: Keys [1st] from the EnvFrom configMap default/extra were skipped since they are considered invalid environment variable names.'));
});

test('a liveness probe failing kills and restarts the container (docs exec-liveness example)', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	cluster.apply(pod('liveness-exec', [{
		name: 'liveness', image: 'registry.k8s.io/busybox', args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
		livenessProbe: {exec: {command: ['cat', '/tmp/healthy']}, initialDelaySeconds: 5, periodSeconds: 5},
	}], {terminationGracePeriodSeconds: 5}));
	cluster.advance(30_000);
	t.is(status(cluster, 'liveness-exec').restartCount, 0);
	cluster.advance(40_000);
	const seen = events(cluster, 'liveness-exec');
	t.true(seen.includes('Unhealthy: Liveness probe failed: cat: /tmp/healthy: No such file or directory'));
	t.true(seen.includes('Killing: Container liveness failed liveness probe, will be restarted'));
	t.is(status(cluster, 'liveness-exec').restartCount, 1);
	t.is(status(cluster, 'liveness-exec').lastState.terminated?.exitCode, 137);
});

test('readiness waits for the server to listen; an httpGet probe on a missing path fails with the status code', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply([
		pod('ready', [{name: 'web', image: 'nginx:1.25', readinessProbe: {httpGet: {path: '/', port: 80}, periodSeconds: 2}}]),
		pod('lost', [{name: 'web', image: 'nginx:1.25', readinessProbe: {httpGet: {path: '/healthz', port: 80}, periodSeconds: 2}}]),
		pod('db', [{name: 'pg', image: 'postgres:16', env: [{name: 'POSTGRES_PASSWORD', value: 'pw'}], readinessProbe: {tcpSocket: {port: 5432}, periodSeconds: 1}}]),
	]);
	cluster.advance(15_000);
	t.true(status(cluster, 'ready').ready);
	t.false(status(cluster, 'lost').ready);
	t.true(events(cluster, 'lost').includes('Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404'));
	t.true(status(cluster, 'db').ready);
	t.true(cluster.logs('db').includes(cluster.logs('db').find(l => l.endsWith('LOG:  database system is ready to accept connections'))!));
	t.true(cluster.logs('ready').some(l => l.includes('"GET / HTTP/1.1" 200 615 "-" "kube-probe/1.31" "-"')));
});

test('a startup probe holds liveness and readiness until it succeeds', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply(pod('slow', [{name: 'db', image: 'mysql:8.0', env: [{name: 'MYSQL_ROOT_PASSWORD', value: 'pw'}],
		startupProbe: {tcpSocket: {port: 3306}, periodSeconds: 2, failureThreshold: 30},
		livenessProbe: {tcpSocket: {port: 3306}, periodSeconds: 5}}]));
	cluster.advance(6000);
	t.false(status(cluster, 'slow').started ?? false);
	t.false(status(cluster, 'slow').ready);
	cluster.advance(15_000);
	t.true(status(cluster, 'slow').started);
	t.true(status(cluster, 'slow').ready);
	t.is(status(cluster, 'slow').restartCount, 0);
});

test('memory over the limit is OOMKilled (exit 137)', t => {
	const cluster = createCluster({seed: 6, nodes: 1});
	cluster.apply([
		pod('stress', [{name: 'memory-demo-ctr', image: 'polinux/stress', command: ['stress'], args: ['--vm', '1', '--vm-bytes', '250M', '--vm-hang', '1'],
			resources: {limits: {memory: '100Mi'}, requests: {memory: '50Mi'}}}], {restartPolicy: 'Never'}),
		pod('fits', [{name: 'c', image: 'polinux/stress', command: ['stress'], args: ['--vm', '1', '--vm-bytes', '50M', '--vm-hang', '1'], resources: {limits: {memory: '200Mi'}}}]),
		pod('zero', [{name: 'c', image: 'busybox', command: ['sh', '-c', 'tail /dev/zero'], resources: {limits: {memory: '64Mi'}}}], {restartPolicy: 'Never'}),
		pod('big-db', [{name: 'db', image: 'mysql:8.0', env: [{name: 'MYSQL_ROOT_PASSWORD', value: 'x'}], resources: {limits: {memory: '128Mi'}}}], {restartPolicy: 'Never'}),
	]);
	cluster.advance(20_000);
	for (const name of ['stress', 'zero', 'big-db']) {
		const terminated = status(cluster, name).state.terminated;
		t.is(terminated?.reason, 'OOMKilled', name);
		t.is(terminated?.exitCode, 137, name);
		t.is((cluster.get('Pod', name) as Pod).status?.phase, 'Failed', name);
	}
	t.truthy(status(cluster, 'fits').state.running);
	const usage = cluster.podMetrics('fits')!;
	t.true(usage.memoryBytes > 50 * 1e6 && usage.memoryBytes <= 200 * 2 ** 20);
});

test('the docs pi Job image runs perl and exits 0 with π in its log', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	cluster.apply(pod('pi', [{name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)']}], {restartPolicy: 'Never'}));
	cluster.advance(60_000);
	const terminated = status(cluster, 'pi').state.terminated;
	t.is(terminated?.exitCode, 0);
	t.is(terminated?.reason, 'Completed');
	t.is((cluster.get('Pod', 'pi') as Pod).status?.phase, 'Succeeded');
	const [digits] = cluster.logs('pi');
	t.is(digits!.length, 2001);
	t.true(digits!.startsWith('3.14159265358979323846264338327950288419716939937510'));
	t.is(status(cluster, 'pi').state.terminated?.finishedAt !== undefined, true);
	// The Feynman point: six 9s from the 762nd decimal place.
	t.is(digits!.slice(2 + 761, 2 + 767), '999999');
});

test('a sleep pod takes its whole grace period to stop (shell as PID 1 ignores TERM); nginx stops at once', t => {
	const cluster = createCluster({seed: 8, nodes: 1});
	cluster.apply([
		pod('sleeper', [{name: 'c', image: 'busybox', command: ['sleep', '3600']}], {terminationGracePeriodSeconds: 20}),
		pod('web', [{name: 'nginx', image: 'nginx:1.25'}]),
	]);
	cluster.advance(10_000);
	const stops: Record<string, number> = {};
	const deletedAt = cluster.now();
	cluster.watch(event => {
		if (event.type === 'DELETED') stops[event.object.metadata.name] = cluster.now() - deletedAt;
	}, {kind: 'Pod'});
	cluster.delete('Pod', 'sleeper');
	cluster.delete('Pod', 'web');
	cluster.advance(5000);
	t.truthy(stops['web']);
	t.true(stops['web']! < 2000);
	t.truthy(cluster.get('Pod', 'sleeper'));
	t.is((cluster.get('Pod', 'sleeper') as Pod).status?.containerStatuses?.[0]?.state.running !== undefined, true);
	cluster.advance(16_000);
	t.is(cluster.get('Pod', 'sleeper'), undefined);
	t.true(stops['sleeper']! >= 20_000 && stops['sleeper']! < 21_500);
});

test('exec errors are kubectl\'s and change nothing', t => {
	const cluster = createCluster({seed: 9, nodes: 1});
	cluster.apply([
		pod('two', [{name: 'a', image: 'busybox', command: ['sleep', '3600']}, {name: 'b', image: 'busybox', command: ['sleep', '3600']}]),
		pod('pending', [{name: 'c', image: 'nginx:nope'}]),
		pod('done', [{name: 'c', image: 'busybox', command: ['true']}], {restartPolicy: 'Never'}),
		pod('distroless', [{name: 'c', image: 'gcr.io/google-samples/hello-app:1.0'}]),
	]);
	cluster.advance(10_000);
	const version = cluster.get('Pod', 'two')!.metadata.resourceVersion;
	const before = cluster.syscalls('two', {container: 'a'}).length;
	const error = (fn: () => unknown) => {
		const thrown = t.throws(fn, {instanceOf: KubeError});
		return thrown?.message;
	};
	t.is(error(() => cluster.exec('missing', ['ls'])), 'pods "missing" not found');
	t.is(error(() => cluster.exec('two', ['ls'], {container: 'z'})), 'container z is not valid for pod two');
	t.is(error(() => cluster.exec('pending', ['ls'])), 'unable to upgrade connection: container not found ("c")');
	t.is(error(() => cluster.exec('done', ['ls'])), 'cannot exec into a container in a completed pod; current phase is Succeeded');
	t.is(error(() => cluster.exec('two', [])), 'you must specify at least one command for the container');
	t.is(cluster.get('Pod', 'two')!.metadata.resourceVersion, version);
	t.is(cluster.syscalls('two', {container: 'a'}).length, before);
	const notFound = cluster.exec('two', ['nosuchcommand'], {container: 'b'});
	t.is(notFound.exitCode, 126);
	t.is(notFound.stderr, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcommand": executable file not found in $PATH: unknown');
	t.is(cluster.exec('distroless', ['sh', '-c', 'ls']).exitCode, 126);
	const ok = cluster.exec('two', ['sh', '-c', 'hostname && echo $((6 * 7)) > /tmp/x; cat /tmp/x; exit 3']);
	t.deepEqual(ok, {stdout: 'two\n42\n', stderr: '', exitCode: 3});
	const traced = cluster.syscalls('two', {container: 'a'});
	t.true(traced.length > before);
	t.true(traced.some(s => s.name === 'setns' && s.args.includes('CLONE_NEWPID')));
	t.true(traced.some(s => s.name === 'write' && s.args.startsWith('1, "42\\n"')));
});

test('logs: previous instance after a restart, tail, and kubectl\'s errors', t => {
	const cluster = createCluster({seed: 10, nodes: 1});
	cluster.apply([
		pod('counter', [{name: 'c', image: 'busybox', command: ['sh', '-c', 'echo start; date; sleep 5; echo bye; exit 2']}]),
		pod('two', [{name: 'a', image: 'busybox', command: ['sleep', '3600']}, {name: 'b', image: 'busybox', command: ['sleep', '3600']}]),
		pod('waiting', [{name: 'c', image: 'nginx:nope'}]),
	]);
	cluster.advance(3000);
	const error = (fn: () => unknown) => t.throws(fn, {instanceOf: KubeError})?.message;
	t.is(error(() => cluster.logs('counter', {previous: true})), 'previous terminated container "c" in pod "counter" not found');
	t.deepEqual(cluster.logs('counter').length, 2);
	cluster.advance(20_000);
	t.true(status(cluster, 'counter').restartCount >= 1);
	const previous = cluster.logs('counter', {previous: true});
	t.is(previous[0], 'start');
	t.is(previous[2], 'bye');
	t.deepEqual(cluster.logs('counter', {previous: true, tail: 1}), ['bye']);
	t.regex(cluster.logs('counter', {previous: true, timestamps: true})[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z start$/);
	t.is(error(() => cluster.logs('two')), 'a container name must be specified for pod two, choose one of: [a b]');
	t.is(error(() => cluster.logs('two', {container: 'x'})), 'container x is not valid for pod two');
	t.is(error(() => cluster.logs('waiting')), 'container "c" in pod "waiting" is waiting to start: trying and failing to pull image');
	t.is(error(() => cluster.logs('nope')), 'pods "nope" not found');
	t.deepEqual(cluster.logs('two', {container: 'a'}), []);
});

test('web servers log requests and serve files from their volumes', t => {
	const cluster = createCluster({seed: 11, nodes: 1});
	cluster.apply([
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'site'}, data: {'index.html': '<h1>custom</h1>\n'}},
		pod('custom', [{name: 'web', image: 'httpd:2.4', volumeMounts: [{name: 'site', mountPath: '/usr/local/apache2/htdocs'}]}], {volumes: [{name: 'site', configMap: {name: 'site'}}]}),
	]);
	cluster.advance(10_000);
	const object = cluster.get('Pod', 'custom') as Pod;
	const kubelet = cluster.context.services.kubelet as {runtimeFor(n: string): any; containerIdOf(u: string, c: string): string};
	const runtime = kubelet.runtimeFor(object.spec!.nodeName!);
	const id = kubelet.containerIdOf(object.metadata.uid, 'web');
	t.like(runtime.handleRequest(id, {path: '/', from: '10.244.1.7'}), {ok: true, status: 200, body: '<h1>custom</h1>\n', bytes: 16});
	t.is(runtime.handleRequest(id, {path: '/missing', from: '10.244.1.7'}).status, 404);
	t.false(runtime.handleRequest(id, {port: 8080}).ok);
	const access = cluster.logs('custom').filter(l => l.startsWith('10.244.1.7'));
	t.is(access.length, 2);
	t.regex(access[0]!, /^10\.244\.1\.7 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/ HTTP\/1\.1" 200 16$/);
	t.true(cluster.logs('custom').some(l => l.includes('AH00094: Command line: \'httpd -D FOREGROUND\'')));
	const writes = cluster.exec('custom', ['sh', '-c', 'echo x > /usr/local/apache2/htdocs/new.html']);
	t.is(writes.exitCode, 1);
	t.is(writes.stderr, "sh: can't create /usr/local/apache2/htdocs/new.html: Read-only file system\n");
});

test('databases log their start-up and refuse to start without a password', t => {
	const cluster = createCluster({seed: 12, nodes: 1});
	cluster.apply([
		pod('pg', [{name: 'pg', image: 'postgres:16'}], {restartPolicy: 'Never'}),
		pod('redis', [{name: 'redis', image: 'redis:7.2'}]),
	]);
	cluster.advance(10_000);
	t.is(status(cluster, 'pg').state.terminated?.exitCode, 1);
	t.is(cluster.logs('pg')[0], 'Error: Database is uninitialized and superuser password is not specified.');
	t.true(cluster.logs('redis').some(l => /^1:M \d\d \w{3} \d{4} [\d:.]+ \* Ready to accept connections tcp$/.test(l)));
	t.is(cluster.exec('redis', ['sh', '-c', 'echo $REDIS_VERSION']).stdout, '7.2.16\n');
	const redis = cluster.get('Pod', 'redis') as Pod;
	const kubelet = cluster.context.services.kubelet as {runtimeFor(n: string): any; containerIdOf(u: string, c: string): string};
	kubelet.runtimeFor(redis.spec!.nodeName!).writeLog(kubelet.containerIdOf(redis.metadata.uid, 'redis'), 'stdout', '1:M replica connected');
	t.is(cluster.logs('redis').at(-1), '1:M replica connected');
});

test('metrics are plausible and the same for the same seed', t => {
	const run = () => {
		const cluster = createCluster({seed: 13, nodes: 2});
		cluster.apply([pod('a', [{name: 'web', image: 'nginx:1.25'}]), pod('b', [{name: 'db', image: 'redis:7.2'}]), pod('spin', [{name: 'c', image: 'busybox', command: ['sh', '-c', 'while true; do :; done'], resources: {limits: {cpu: '500m'}}}])]);
		cluster.advance(30_000);
		return cluster.metrics();
	};
	const first = run();
	t.deepEqual(first, run());
	const byName = Object.fromEntries(first.pods.map(p => [p.name, p]));
	t.true(byName['a']!.memoryBytes > 5 * 2 ** 20 && byName['a']!.memoryBytes < 10 * 2 ** 20);
	t.true(byName['a']!.cpuMilli <= 3);
	t.is(byName['spin']!.cpuMilli, 500);
	t.is(first.nodes.length, 2);
	t.true(first.nodes.every(n => n.cpuMilli > 50 && n.memoryBytes > 500 * 2 ** 20 && n.memoryPercent < 100));
});

test('usage is scraped every 15 s of virtual time, as metrics-server does: the same report within the window, a pod started since shows at the next', t => {
	const cluster = createCluster({seed: 13, nodes: 1});
	cluster.apply(pod('a', [{name: 'web', image: 'nginx:1.25'}]));
	// Just after a scrape window opens, so the next one is 15 s on.
	cluster.advance(15_000 - (cluster.now() % 15_000) + 100);
	const first = cluster.metrics();
	t.deepEqual(first.pods.map(p => p.name), ['a']);
	cluster.apply(pod('b', [{name: 'db', image: 'redis:7.2'}]));
	cluster.advance(10_000);
	t.is(cluster.metrics(), first, 'within the window: the same scrape, without b');
	cluster.advance(5000);
	t.deepEqual(cluster.metrics().pods.map(p => p.name).sort(), ['a', 'b']);
});

test('the CRI call log shows the kubelet\'s calls in order', t => {
	const cluster = createCluster({seed: 14, nodes: 1});
	cluster.apply(pod('one', [{name: 'c', image: 'nginx:1.25'}]));
	cluster.advance(10_000);
	cluster.delete('Pod', 'one');
	cluster.advance(5000);
	const node = (cluster.list('Node')[0]!).metadata.name;
	const methods = cluster.criLog(node).map(c => c.method).filter(m => m !== 'ContainerStatus' && m !== 'ListContainers');
	t.deepEqual(methods, ['RunPodSandbox', 'ImageStatus', 'PullImage', 'CreateContainer', 'StartContainer', 'StopContainer', 'StopPodSandbox', 'RemovePodSandbox']);
	t.throws(() => cluster.criLog('nope'), {message: 'nodes "nope" not found'});
});

test('a missing ConfigMap volume keeps the pod in ContainerCreating with FailedMount until it exists', t => {
	const cluster = createCluster({seed: 15, nodes: 1});
	cluster.apply(pod('mounted', [{name: 'c', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{name: 'conf', mountPath: '/etc/app'}]}],
		{volumes: [{name: 'conf', configMap: {name: 'app-config'}}, {name: 'maybe', secret: {secretName: 'absent', optional: true}}]}));
	cluster.advance(10_000);
	t.deepEqual(status(cluster, 'mounted').state.waiting, {reason: 'ContainerCreating'});
	t.true(events(cluster, 'mounted').includes('FailedMount: MountVolume.SetUp failed for volume "conf" : configmap "app-config" not found'));
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'app-config'}, data: {'app.properties': 'color=blue\n'}});
	cluster.advance(20_000);
	t.truthy(status(cluster, 'mounted').state.running);
	t.deepEqual(cluster.exec('mounted', ['cat', '/etc/app/app.properties']), {stdout: 'color=blue\n', stderr: '', exitCode: 0});
	t.is(cluster.exec('mounted', ['sh', '-c', 'echo x > /etc/app/new']).stderr, "sh: can't create /etc/app/new: Read-only file system\n");
	// Mounted ConfigMaps follow updates; the environment would not.
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'app-config'}, data: {'app.properties': 'color=green\n'}});
	cluster.advance(2000);
	t.is(cluster.exec('mounted', ['cat', '/etc/app/app.properties']).stdout, 'color=green\n');
});

test('an emptyDir is shared by the pod\'s containers and a Secret volume holds decoded keys', t => {
	const cluster = createCluster({seed: 16, nodes: 1});
	cluster.apply([
		{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'tls'}, data: {'tls.key': Buffer.from('KEY').toString('base64')}},
		pod('pair', [
			{name: 'writer', image: 'busybox', command: ['sh', '-c', 'echo hello > /shared/msg; sleep 3600'], volumeMounts: [{name: 'shared', mountPath: '/shared'}, {name: 'tls', mountPath: '/tls', readOnly: true}]},
			{name: 'reader', image: 'alpine:3.20', command: ['sleep', '3600'], volumeMounts: [{name: 'shared', mountPath: '/data'}]},
		], {volumes: [{name: 'shared', emptyDir: {}}, {name: 'tls', secret: {secretName: 'tls'}}]}),
	]);
	cluster.advance(10_000);
	t.is(cluster.exec('pair', ['cat', '/data/msg'], {container: 'reader'}).stdout, 'hello\n');
	t.is(cluster.exec('pair', ['cat', '/tls/tls.key'], {container: 'writer'}).stdout, 'KEY');
	t.is(cluster.exec('pair', ['cat', '/etc/os-release'], {container: 'reader'}).stdout.split('\n')[1], 'ID=alpine');
	t.is(cluster.exec('pair', ['ls', '/shared'], {container: 'reader'}).exitCode, 2);
});

test('a command the image does not have is StartError (exit 128) with runc\'s message, then back-off', t => {
	const cluster = createCluster({seed: 17, nodes: 1});
	cluster.apply(pod('typo', [{name: 'c', image: 'busybox', command: ['slep', '10']}]));
	cluster.advance(15_000);
	const current = status(cluster, 'typo');
	t.is(current.lastState.terminated?.reason, 'StartError');
	t.is(current.lastState.terminated?.exitCode, 128);
	t.is(current.lastState.terminated?.message, 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "slep": executable file not found in $PATH: unknown');
	t.true(current.restartCount >= 1);
	const metrics = cluster.clusterMetrics()!;
	t.regex(metrics.cpu, /^\d+%$/);
	t.regex(metrics.memory, /^\d+%$/);
});

test('the docs\' replicated MySQL StatefulSet runs: bash init scripts, probes through mysqladmin and mysql, the xtrabackup sidecar', t => {
	const cluster = createCluster({seed: 1, nodes: 3});
	cluster.apply(readFileSync(new URL('../fixtures/mysql-statefulset.yaml', import.meta.url), 'utf8'));
	for (let i = 0; i < 18; i++) cluster.advance(10_000);
	for (const name of ['mysql-0', 'mysql-1', 'mysql-2']) {
		const object = cluster.get('Pod', name) as Pod;
		t.is(object.status?.phase, 'Running', name);
		t.deepEqual(object.status?.containerStatuses?.map(s => [s.name, s.ready, s.restartCount]), [['mysql', true, 0], ['xtrabackup', true, 0]], name);
		t.deepEqual(object.status?.initContainerStatuses?.map(s => s.state.terminated?.exitCode), [0, 0], name);
	}
	t.is(cluster.exec('mysql-1', ['cat', '/etc/mysql/conf.d/server-id.cnf'], {container: 'mysql'}).stdout, '[mysqld]\nserver-id=101\n');
	t.is(cluster.exec('mysql-1', ['ls', '/etc/mysql/conf.d'], {container: 'mysql'}).stdout, 'replica.cnf\nserver-id.cnf\n');
	t.true(cluster.logs('mysql-0', {container: 'init-mysql'}).includes('+ cp /mnt/config-map/primary.cnf /mnt/conf.d/'));
	t.deepEqual(cluster.exec('mysql-2', ['mysqladmin', 'ping']), {stdout: 'mysqld is alive\n', stderr: '', exitCode: 0});
});

test('a pod\'s image changed in place: a running container is killed ("definition changed") and started with the new image; one in ImagePullBackOff pulls the new image at once', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply([pod('web', [{name: 'web', image: 'nginx:1.25'}]), pod('typo', [{name: 'web', image: 'nginx:1.277'}])]);
	cluster.advance(60_000);
	t.truthy(status(cluster, 'web').state.running);
	t.is(status(cluster, 'typo').state.waiting?.reason, 'ImagePullBackOff');

	for (const name of ['web', 'typo']) {
		const current = structuredClone(cluster.get('Pod', name)!) as Pod;
		current.spec!.containers[0]!.image = 'nginx:1.27';
		cluster.replace(current);
	}
	cluster.advance(40_000);
	const web = status(cluster, 'web');
	t.truthy(web.state.running);
	t.is(web.image, 'nginx:1.27');
	t.is(web.restartCount, 1);
	t.is(web.lastState.terminated?.exitCode, 0);
	t.true(events(cluster, 'web').includes('Killing: Container web definition changed, will be restarted'));
	t.true(events(cluster, 'web').some(e => e === 'Pulling: Pulling image "nginx:1.27"' || e === 'Pulled: Container image "nginx:1.27" already present on machine'));

	const typo = status(cluster, 'typo');
	t.truthy(typo.state.running, JSON.stringify(typo.state));
	t.is(typo.restartCount, 0, 'a container that never ran has not restarted');
	t.is((cluster.get('Pod', 'typo') as Pod).status?.phase, 'Running');
});

test('a pod on the host network has its node\'s address and hostname, takes none of the pod range and gets no network namespace', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply(pod('agent', [{name: 'agent', image: 'busybox:1.36', command: ['sleep', '3600']}], {hostNetwork: true}));
	cluster.apply(pod('app', [{name: 'app', image: 'busybox:1.36', command: ['sleep', '3600']}]));
	cluster.advance(30_000);
	const node = cluster.list('Node')[0]!;
	const nodeIp = node.status.addresses.find((a: {type: string}) => a.type === 'InternalIP').address;
	const agent = cluster.get('Pod', 'agent') as Pod;
	t.like(agent.status, {phase: 'Running', podIP: nodeIp, hostIP: nodeIp, podIPs: [{ip: nodeIp}]});
	t.is((cluster.get('Pod', 'app') as Pod).status?.podIP, `${node.spec.podCIDR.split('.').slice(0, 3).join('.')}.2`, 'the first address of the range is still free for the next pod');
	t.is(cluster.exec('agent', ['hostname']).stdout, `${node.metadata.name}\n`);
	t.is(cluster.exec('app', ['hostname']).stdout, 'app\n');
	const calls = (name: string) => cluster.syscalls(name).map(call => `${call.name}(${call.args})`).join('\n');
	t.notRegex(calls('agent'), /CLONE_NEWNET|sethostname|CLONE_NEWUTS/);
	t.regex(calls('app'), /setns\(6 \/\* \/var\/run\/netns\/cni-\w+ \*\/, CLONE_NEWNET\)/);
	t.regex(calls('app'), /sethostname\("app", 3\)/);
	// Deleting it gives back no address of the range.
	cluster.delete('Pod', 'agent');
	cluster.advance(60_000);
	cluster.apply(pod('next', [{name: 'next', image: 'busybox:1.36', command: ['sleep', '3600']}]));
	cluster.advance(30_000);
	t.is((cluster.get('Pod', 'next') as Pod).status?.podIP, `${node.spec.podCIDR.split('.').slice(0, 3).join('.')}.3`);
});

test('a shell whose standard input stays open (kubectl run -it) waits on it and keeps running; without stdin it reads end of file and exits', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply(pod('terminal', [{name: 'sh', image: 'busybox:1.36', command: ['sh'], stdin: true, stdinOnce: true, tty: true}]));
	cluster.apply(pod('image-default', [{name: 'sh', image: 'busybox:1.36', stdin: true, tty: true}]));
	cluster.apply(pod('closed', [{name: 'sh', image: 'busybox:1.36', command: ['sh']}]));
	cluster.advance(60_000);
	const running = (c: Cluster, name: string) => [status(c, name).restartCount, Boolean(status(c, name).state.running)];
	t.deepEqual(running(cluster, 'terminal'), [0, true]);
	t.deepEqual(running(cluster, 'image-default'), [0, true]);
	t.true(status(cluster, 'closed').restartCount > 0);
	t.like(status(cluster, 'closed').lastState, {terminated: {exitCode: 0, reason: 'Completed'}});
	const calls = cluster.syscalls('terminal');
	t.deepEqual([calls.at(-1)!.name, calls.at(-1)!.args], ['read', '0, ']);
	// It still waits after a save and a restore.
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot()))});
	restored.advance(60_000);
	t.deepEqual(running(restored, 'terminal'), [0, true]);
});

test('a grace period past what a timestamp can hold marks the pod for the last time RFC 3339 writes; a dry run says the same', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply(pod('long', [{name: 'c', image: 'busybox:1.36', command: ['sleep', '3600']}]));
	cluster.advance(30_000);
	const preview = cluster.delete('Pod', 'long', {gracePeriodSeconds: 2 ** 53, dryRun: true})!;
	t.is(preview.metadata.deletionTimestamp, '9999-12-31T23:59:59Z');
	cluster.delete('Pod', 'long', {gracePeriodSeconds: 2 ** 53});
	cluster.advance(60_000);
	const marked = cluster.get('Pod', 'long')!;
	t.deepEqual([marked.metadata.deletionTimestamp, marked.metadata.deletionGracePeriodSeconds], ['9999-12-31T23:59:59Z', 2 ** 53]);
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot()))});
	t.is(restored.get('Pod', 'long')!.metadata.deletionTimestamp, '9999-12-31T23:59:59Z');
	// A shorter grace still ends it.
	cluster.delete('Pod', 'long', {gracePeriodSeconds: 0});
	cluster.advance(5000);
	t.is(cluster.get('Pod', 'long'), undefined);
});
