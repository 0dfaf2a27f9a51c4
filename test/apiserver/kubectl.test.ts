import test from 'ava';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {kubectlSuite, serve, until} from './harness.js';

const fixture = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.25", ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1", b: "2"}
`;

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(fixture);
	cluster.advance(60_000);
}, {what: 'the kubectl tests'});

const lines = (...rows: string[]) => rows.map(r => `${r}\n`).join('');

// Expected texts: kubectl 1.32's own printer over the server's Table, whose columns and
// cells follow pkg/printers/internalversion/printers.go (v1.32); the same commands
// against a kind v1.31 cluster print these columns and these forms of cell.
run('get prints the real columns per kind, wide ones with -o wide', async t => {
	const pods = await served().kubectl(['get', 'pods']);
	t.is(pods.code, 0);
	t.is(pods.stdout, lines(
		'NAME                   READY   STATUS    RESTARTS   AGE',
		'web-6cf59bd4d9-8cks8   1/1     Running   0          60s',
		'web-6cf59bd4d9-qgxcc   1/1     Running   0          60s',
	));
	t.is((await served().kubectl(['get', 'deploy', '-o', 'wide'])).stdout, lines(
		'NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR',
		'web    2/2     2            2           60s   nginx        nginx:1.25   app=web',
	));
	t.is((await served().kubectl(['get', 'svc,ep,cm'])).stdout, lines(
		'NAME                 TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE',
		'service/kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP   60s',
		'service/web          ClusterIP   10.96.141.165   <none>        80/TCP    60s',
		'',
		'NAME                   ENDPOINTS                     AGE',
		'endpoints/kubernetes   172.18.0.2:6443               60s',
		'endpoints/web          10.244.0.2:80,10.244.1.2:80   60s',
		'',
		'NAME                         DATA   AGE',
		'configmap/kube-root-ca.crt   1      60s',
		'configmap/settings           2      60s',
	));
	t.is((await served().kubectl(['get', 'nodes,sc'])).stdout, lines(
		'NAME                    STATUS   ROLES    AGE   VERSION',
		'node/kubarium-worker    Ready    <none>   60s   v1.32.0',
		'node/kubarium-worker2   Ready    <none>   60s   v1.32.0',
		'',
		'NAME                                             PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE',
		'storageclass.storage.k8s.io/standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  60s',
	));
	const wide = await served().kubectl(['get', 'pods', '-o', 'wide']);
	t.is(wide.stdout.split('\n')[0], 'NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE               NOMINATED NODE   READINESS GATES');
});

run('selectors, all namespaces, names and plain objects', async t => {
	t.is((await served().kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout, lines('pod/web-6cf59bd4d9-8cks8', 'pod/web-6cf59bd4d9-qgxcc'));
	t.is((await served().kubectl(['get', 'pods', '--field-selector', 'spec.nodeName=kubarium-worker2', '-o', 'name'])).stdout, lines('pod/web-6cf59bd4d9-qgxcc'));
	// No match: kubectl's own line on stderr, exit 0.
	const none = await served().kubectl(['get', 'pods', '-l', 'app=nope']);
	t.deepEqual([none.code, none.stdout, none.stderr], [0, '', 'No resources found in default namespace.\n']);
	const all = await served().kubectl(['get', 'deploy', '-A']);
	t.is(all.stdout.split('\n')[0], 'NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE');
	// In etcd's key order: namespace, then name, byte by byte, whatever order they were made in.
	served().cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a-made-last', namespace: 'kube-system'}, data: {}});
	const keys = (await served().kubectl(['get', 'cm', '-A', '--no-headers', '-o', 'custom-columns=NS:.metadata.namespace,NAME:.metadata.name'])).stdout.trim().split('\n').map(line => line.replace(/\s+/, '/'));
	t.deepEqual(keys.filter(k => k.startsWith('kube-system/')).slice(0, 2), ['kube-system/a-made-last', 'kube-system/kube-root-ca.crt']);
	t.true(keys.some(k => k.startsWith('default/')) && keys.some(k => k.startsWith('kube-public/')));
	t.deepEqual(keys, [...keys].sort());
	const yaml = await served().kubectl(['get', 'cm', 'settings', '-o', 'yaml']);
	t.regex(yaml.stdout, /^apiVersion: v1\ndata:\n {2}a: "1"\n {2}b: "2"\nkind: ConfigMap\n/);
	t.is((await served().kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout, '2');
	const json = JSON.parse((await served().kubectl(['get', 'svc', '-o', 'json'])).stdout);
	t.is(json.kind, 'List');
	t.deepEqual(json.items.map((i: any) => i.metadata.name), ['kubernetes', 'web']);
});

run('errors come back as the API server words them', async t => {
	const missing = await served().kubectl(['get', 'deploy', 'nope']);
	t.deepEqual([missing.code, missing.stderr], [1, 'Error from server (NotFound): deployments.apps "nope" not found\n']);
	const unknown = await served().kubectl(['get', 'widgets']);
	t.deepEqual([unknown.code, unknown.stderr], [1, 'error: the server doesn\'t have a resource type "widgets"\n']);
	const invalid = await served().kubectl(['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":-1}}']);
	t.deepEqual([invalid.code, invalid.stderr], [1, 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n']);
	const unauthorized = await served().call('GET', '/api/v1/pods', {token: 'wrong'});
	t.is(unauthorized.code, 401);
	t.deepEqual(JSON.parse(unauthorized.body), {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401});
});

run('bad requests get a Status and change nothing', async t => {
	const before = served().cluster.resourceVersion;
	const cases: Array<[string, string, {body?: string | Buffer; type?: string}, number, string]> = [
		['POST', '/api/v1/namespaces/default/configmaps', {body: '{"kind":', type: 'application/json'}, 400, 'BadRequest'],
		['POST', '/api/v1/namespaces/default/configmaps', {body: Buffer.alloc(3 * 1024 * 1024 + 1, 0x20), type: 'application/json'}, 413, 'RequestEntityTooLarge'],
		['POST', '/api/v1/namespaces/default/configmaps', {body: '<x/>', type: 'application/xml'}, 415, 'UnsupportedMediaType'],
		['POST', '/api/v1/namespaces/default/configmaps', {body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"other"}}', type: 'application/json'}, 400, 'BadRequest'],
		['PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {body: '[{"op":"remove","path":"/spec/nope"}]', type: 'application/json-patch+json'}, 422, 'Invalid'],
		['GET', '/apis/nope/v1/things', {}, 404, 'NotFound'],
		['GET', '/api/v1/namespaces/default/pods?labelSelector=a%20in%20(', {}, 400, 'BadRequest'],
		['PUT', '/version', {}, 405, 'MethodNotAllowed'],
	];
	for (const [method, url, options, code, reason] of cases) {
		const reply = await served().call(method, url, options);
		t.is(reply.code, code, `${method} ${url}`);
		const status = JSON.parse(reply.body);
		t.like(status, {kind: 'Status', status: 'Failure', reason, code}, `${method} ${url}`);
	}
	t.is(served().cluster.resourceVersion, before);
});

run('get --raw of the health endpoints: ok, each check with ?verbose, one left out with ?exclude, one on its own', async t => {
	t.is((await served().kubectl(['get', '--raw', '/livez'])).stdout, 'ok');
	const ready = await served().kubectl(['get', '--raw', '/readyz?verbose']);
	t.is(ready.code, 0);
	const readyLines = ready.stdout.trimEnd().split('\n');
	t.deepEqual(readyLines.slice(0, 5), ['[+]ping ok', '[+]log ok', '[+]etcd ok', '[+]etcd-readiness ok', '[+]informer-sync ok']);
	t.true(readyLines.includes('[+]poststarthook/rbac/bootstrap-roles ok'));
	t.deepEqual(readyLines.slice(-2), ['[+]shutdown ok', 'readyz check passed']);
	// Liveness runs no readiness checks.
	const live = (await served().kubectl(['get', '--raw', '/livez?verbose'])).stdout;
	t.false(live.split('\n').includes('[+]informer-sync ok'));
	t.true(live.endsWith('[+]poststarthook/apiservice-openapiv3-controller ok\nlivez check passed\n'));
	const excluded = (await served().kubectl(['get', '--raw', '/readyz?verbose&exclude=etcd&exclude=nope'])).stdout;
	t.true(excluded.includes('[+]etcd excluded: ok\n'));
	t.true(excluded.endsWith('[+]shutdown ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n'));
	t.is((await served().kubectl(['get', '--raw', '/readyz/poststarthook/rbac/bootstrap-roles'])).stdout, 'ok');
	const unknown = await served().kubectl(['get', '--raw', '/readyz/nope']);
	t.is(unknown.code, 1);
	t.is(unknown.stderr, 'Error from server (NotFound): the server could not find the requested resource\n');
});

run('get --raw /metrics: apiserver_request_total counts the requests answered by verb, scope and code, and apiserver_storage_objects the stored objects by resource', async t => {
	const series = async () => (await served().kubectl(['get', '--raw', '/metrics'])).stdout.split('\n');
	const count = (lines: string[], labels: string) => Number(lines.find(line => line.startsWith(`apiserver_request_total{${labels}} `))?.split(' ')[1] ?? 0);
	const listPods = 'code="200",component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="",verb="LIST",version="v1"';
	const missing = 'code="404",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="GET",version="v1"';
	const before = await series();
	await served().kubectl(['get', 'pods', '-n', 'default']);
	await served().kubectl(['get', 'deployment', 'no-such-deployment']);
	const after = await series();
	t.is(count(after, listPods), count(before, listPods) + 1);
	t.is(count(after, missing), count(before, missing) + 1);
	t.true(after.includes('# TYPE apiserver_request_total counter'));
	t.true(after.includes('# TYPE apiserver_storage_objects gauge'));
	const cluster = served().cluster;
	t.true(after.includes(`apiserver_storage_objects{resource="pods"} ${cluster.list('Pod').length}`));
	t.true(after.includes(`apiserver_storage_objects{resource="deployments.apps"} ${cluster.list('Deployment').length}`));
	const stored = after.filter(line => line.startsWith('apiserver_storage_objects{'));
	t.deepEqual(stored, [...stored].sort(), 'series sorted by their labels');
});

run('get componentstatuses: each component Healthy, with the deprecation warning; nothing else is served', async t => {
	const warning = 'Warning: v1 ComponentStatus is deprecated in v1.19+\n';
	const all = await served().kubectl(['get', 'cs']);
	t.is(all.code, 0);
	t.is(all.stdout, lines(
		'NAME                 STATUS    MESSAGE   ERROR',
		'scheduler            Healthy   ok        ',
		'controller-manager   Healthy   ok        ',
		'etcd-0               Healthy   ok        ',
	));
	t.is(all.stderr, warning);
	const one = await served().kubectl(['get', 'componentstatus', 'etcd-0', '-o', 'json']);
	t.deepEqual(JSON.parse(one.stdout), {apiVersion: 'v1', kind: 'ComponentStatus', metadata: {name: 'etcd-0', creationTimestamp: null}, conditions: [{type: 'Healthy', status: 'True', message: 'ok'}]});
	const missing = await served().kubectl(['get', 'cs', 'kube-proxy']);
	t.is(missing.stderr, `${warning}Error from server (NotFound): componentstatus "kube-proxy" not found\n`);
	const before = served().cluster.resourceVersion;
	t.is((await served().kubectl(['delete', 'cs', 'scheduler'])).code, 1);
	t.is(served().cluster.resourceVersion, before);
	t.regex((await served().kubectl(['api-resources'])).stdout, /^componentstatuses +cs +v1 +false +ComponentStatus$/m);
});

run('apply, create and replace -f, client-side and server-side', async t => {
	const manifest = (replicas: number, value: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: hello}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec:
      containers: [{name: web, image: "nginx:1.25", env: [{name: A, value: "${value}"}]}]
`;
	const first = await served().kubectl(['apply', '-f', '-'], manifest(1, '1'));
	t.deepEqual([first.code, first.stdout, first.stderr], [0, 'deployment.apps/hello created\n', '']);
	const again = await served().kubectl(['apply', '-f', '-'], manifest(1, '1'));
	t.is(again.stdout, 'deployment.apps/hello unchanged\n');
	const changed = await served().kubectl(['apply', '-f', '-'], manifest(3, '2'));
	t.is(changed.stdout, 'deployment.apps/hello configured\n');
	const hello = served().cluster.get('Deployment', 'hello')!;
	t.is(hello.spec.replicas, 3);
	t.deepEqual(hello.spec.template.spec.containers[0].env, [{name: 'A', value: '2'}]);
	const exists = await served().kubectl(['create', '-f', '-'], manifest(1, '1'));
	t.deepEqual([exists.code, exists.stderr], [1, 'Error from server (AlreadyExists): error when creating "STDIN": deployments.apps "hello" already exists\n']);
	// Server-side apply over fields kubectl-client-side-apply set is a conflict until forced, as on a real cluster.
	const conflicting = await served().kubectl(['apply', '--server-side', '-f', '-'], manifest(2, '3'));
	t.is(conflicting.code, 1);
	t.true(conflicting.stderr.startsWith('error: Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].env[name="A"].value\n'), conflicting.stderr);
	const serverSide = await served().kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], manifest(2, '3'));
	t.deepEqual([serverSide.code, serverSide.stdout], [0, 'deployment.apps/hello serverside-applied\n']);
	t.is(served().cluster.get('Deployment', 'hello')!.spec.replicas, 2);
	const stale = manifest(2, '3').replace('metadata: {name: hello}', 'metadata: {name: hello, resourceVersion: "1"}');
	const conflict = await served().kubectl(['replace', '-f', '-'], stale);
	t.deepEqual([conflict.code, conflict.stderr], [1, 'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on deployments.apps "hello": the object has been modified; please apply your changes to the latest version and try again\n']);
	const created = await served().kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fresh}\ndata: {k: v}\n');
	t.is(created.stdout, 'configmap/fresh created\n');
	// Server-side dry runs check and write nothing: diff exits 1 with the change, --dry-run=server says so.
	const before = served().cluster.resourceVersion;
	const diff = await served().kubectl(['diff', '-f', '-'], manifest(2, '4'));
	t.is(diff.code, 1, diff.stderr);
	t.regex(diff.stdout, /\n- {10}value: "3"\n\+ {10}value: "4"\n/);
	const dry = await served().kubectl(['create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server']);
	t.is(dry.stdout, 'configmap/dry created (server dry run)\n');
	t.is(served().cluster.resourceVersion, before);
});

run('scale, patch in all three types, label and annotate', async t => {
	t.is((await served().kubectl(['scale', 'deploy/web', '--replicas=3'])).stdout, 'deployment.apps/web scaled\n');
	t.is(served().cluster.get('Deployment', 'web')!.spec.replicas, 3);
	t.is((await served().kubectl(['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}'])).stdout, 'deployment.apps/web patched\n');
	t.is(served().cluster.get('Deployment', 'web')!.spec.template.spec.containers[0].image, 'nginx:1.27');
	served().cluster.advance(1000);
	t.is((await served().kubectl(['patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":5}}'])).stdout, 'deployment.apps/web patched\n');
	t.is((await served().kubectl(['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/minReadySeconds","value":0}]'])).stdout, 'deployment.apps/web patched\n');
	t.is(served().cluster.get('Deployment', 'web')!.spec.minReadySeconds, 0);
	t.is((await served().kubectl(['label', 'deploy', 'web', 'tier=front'])).stdout, 'deployment.apps/web labeled\n');
	t.is((await served().kubectl(['annotate', 'deploy', 'web', 'note=hi'])).stdout, 'deployment.apps/web annotated\n');
	const columns = await served().kubectl(['get', 'deploy', 'web', '--no-headers', '-o', 'custom-columns=L:.metadata.labels.tier,A:.metadata.annotations.note']);
	t.is(columns.stdout, 'front   hi\n', columns.stderr);
	const rollback = await served().kubectl(['rollout', 'undo', 'deploy/web']);
	t.is(rollback.stdout, 'deployment.apps/web rolled back\n', rollback.stderr);
	served().cluster.advance(60_000);
	// The old ReplicaSet is reused: the template kubectl sends back hashes the same.
	t.is((await served().kubectl(['get', 'rs', '-l', 'app=web', '-o', 'name'])).stdout.split('\n').filter(Boolean).length, 2);
});

run('get -w streams changes as Table rows; rollout status follows a rollout to its end', async t => {
	const watch = served().start(['get', 'deploy', 'web', '-w']);
	await until(() => served().server.watchers() > 0 && watch.output().includes('web'), 'kubectl watches');
	served().cluster.scale('Deployment', 'web', 1);
	served().cluster.advance(30_000);
	await until(() => /\nweb +1\/1 /.test(watch.output()), 'the scale-down shows');
	watch.stop();
	await until(() => served().server.watchers() === 0, 'the watch ends');
	t.regex(watch.output(), /^NAME {3}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE\nweb {4}\d\/3 /);
	served().cluster.setImage('Deployment', 'web', 'nginx', 'httpd:2.4');
	const status = served().start(['rollout', 'status', 'deploy/web', '--timeout=20s']);
	await until(() => served().server.watchers() > 0, 'rollout status watches');
	for (let i = 0; i < 12; i++) served().cluster.advance(5_000);
	const result = await status.done;
	t.is(result.code, 0, result.stdout + result.stderr);
	t.regex(result.stdout, /deployment "web" successfully rolled out\n$/);
	const history = await served().kubectl(['rollout', 'history', 'deploy/web']);
	t.regex(history.stdout, /^deployment.apps\/web \nREVISION {2}CHANGE-CAUSE\n/);
});

run('a watch with a selector: an object that comes to match is ADDED, one that stops matching is DELETED', async t => {
	const cm = (name: string, tier?: string) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, ...(tier ? {labels: {tier}} : {})}, data: {}});
	const from = served().cluster.resourceVersion;
	const path = `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%3Dfront&resourceVersion=${from}&timeoutSeconds=1`;
	const live = served().call('GET', path);
	await until(() => served().server.watchers() > 0, 'the watch starts');
	served().cluster.apply(cm('sel-a', 'front'));
	served().cluster.apply(cm('sel-b'));
	served().cluster.apply(cm('sel-b', 'front'));
	served().cluster.apply(cm('sel-a', 'back'));
	served().cluster.apply(cm('sel-a', 'other'));
	const expected = [['ADDED', 'sel-a', 'front'], ['ADDED', 'sel-b', 'front'], ['DELETED', 'sel-a', 'front']];
	const seen = (body: string) => body.trim().split('\n').map(line => JSON.parse(line)).map(e => [e.type, e.object.metadata.name, e.object.metadata.labels?.tier]);
	t.deepEqual(seen((await live).body), expected, 'live');
	// The same from the watch cache, replayed from the version before.
	t.deepEqual(seen((await served().call('GET', path)).body), expected, 'replayed');
	const deleted = (await served().call('GET', path)).body.trim().split('\n').map(line => JSON.parse(line))[2];
	t.is(deleted.object.metadata.resourceVersion, served().cluster.get('ConfigMap', 'sel-a')!.metadata.resourceVersion.replace(/\d+$/, n => String(Number(n) - 1)), 'the content before the change, at the change\'s version');
});

run('a watch from a version the cache no longer holds gets 410 Expired', async t => {
	const small = await serve(() => {}, {watchCacheSize: 5});
	try {
		for (let i = 0; i < 10; i++) small.cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `c${i}`}});
		const reply = await small.call('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
		const event = JSON.parse(reply.body.trim());
		t.is(event.type, 'ERROR');
		t.like(event.object, {kind: 'Status', reason: 'Expired', code: 410});
		const rv = Number(small.cluster.resourceVersion) - 1;
		const recent = small.start(['get', 'cm', '-w', '-o', 'name', `--request-timeout=5s`]);
		await until(() => recent.output().includes('configmap/c9'), 'the list shows');
		recent.stop();
		t.true(rv > 0);
	} finally {
		await small.close();
	}
});

run('delete with cascade and grace period, cordon, uncordon and logs', async t => {
	// kubectl waits for the object to go; the garbage collector acts as time moves.
	const deleting = served().start(['delete', 'deploy', 'hello', '--cascade=orphan']);
	await until(() => served().server.watchers() > 0, 'kubectl waits for the deletion');
	served().cluster.advance(1000);
	const orphan = await deleting.done;
	t.is(orphan.stdout, 'deployment.apps "hello" deleted\n');
	const left = served().cluster.list('ReplicaSet', {labelSelector: 'app=hello'});
	t.true(left.length > 0);
	t.true(left.every(rs => !rs.metadata.ownerReferences?.length));
	const pod = served().cluster.list('Pod', {labelSelector: 'app=web'})[0]!.metadata.name;
	const graceful = await served().kubectl(['delete', 'pod', pod, '--grace-period=5', '--wait=false']);
	t.is(graceful.stdout, `pod "${pod}" deleted\n`);
	t.truthy(served().cluster.get('Pod', pod)?.metadata.deletionTimestamp);
	served().cluster.advance(10_000);
	t.is(served().cluster.get('Pod', pod), undefined);
	t.is((await served().kubectl(['cordon', 'kubarium-worker'])).stdout, 'node/kubarium-worker cordoned\n');
	t.is((await served().kubectl(['get', 'node', 'kubarium-worker', '--no-headers'])).stdout.split(/ +/)[1], 'Ready,SchedulingDisabled');
	t.is((await served().kubectl(['uncordon', 'kubarium-worker'])).stdout, 'node/kubarium-worker uncordoned\n');
	const running = served().cluster.list('Pod', {labelSelector: 'app=web'}).find(p => p.status?.phase === 'Running')!.metadata.name;
	const logs = await served().kubectl(['logs', running, '--tail=2']);
	t.is(logs.code, 0);
	t.is(logs.stdout, served().cluster.logs(running, {tail: 2}).map(line => `${line}\n`).join(''));
	const follow = served().start(['logs', '-f', running, '--tail=1']);
	await until(() => follow.output().length > 0, 'the last line shows');
	const before = served().cluster.logs(running).length;
	// Requests to the Service land in the containers' access logs.
	served().cluster.startTraffic('web');
	served().cluster.advance(20_000);
	served().cluster.stopTraffic('web');
	const added = served().cluster.logs(running).slice(before);
	t.true(added.length > 0);
	const expected = [...served().cluster.logs(running).slice(before - 1, before), ...added].map(line => `${line}\n`).join('');
	// Access lines repeat word for word, so wait for all of them, not for the last one's text.
	await until(() => follow.output().length >= expected.length, 'the new lines follow');
	follow.stop();
	t.is(follow.output(), expected);
});

// Exit codes and messages as kubectl prints them against kind (../shared/reference/kubectl-api.md, "exec").
run('exec runs in the container over WebSocket and passes the exit code on', async t => {
	const pod = served().cluster.list('Pod', {labelSelector: 'app=web'}).find(p => p.status?.phase === 'Running')!.metadata.name;
	const hostname = await served().kubectl(['exec', pod, '--', 'cat', '/etc/hostname']);
	t.deepEqual([hostname.code, hostname.stdout, hostname.stderr], [0, `${pod}\n`, '']);
	const failing = await served().kubectl(['exec', pod, '--', 'sh', '-c', 'echo out; ls /nope; exit 3']);
	t.deepEqual([failing.code, failing.stdout], [3, 'out\n']);
	t.regex(failing.stderr, /^ls: .*\/nope.*\ncommand terminated with exit code 3\n$/);
	const wrong = await served().kubectl(['exec', pod, '-c', 'nope', '--', 'ls']);
	t.deepEqual([wrong.code, wrong.stderr], [1, `Error from server (BadRequest): container nope is not valid for pod ${pod}\n`]);
	// -i: standard input goes to the command, read to its end.
	const script = await served().kubectl(['exec', '-i', pod, '--', 'sh'], 'echo hi\ncd /etc\npwd\nexit 4\necho never\n');
	t.deepEqual([script.code, script.stdout, script.stderr], [4, 'hi\n/etc\n', 'command terminated with exit code 4\n']);
	const piped = await served().kubectl(['exec', '-i', pod, '--', 'cat'], 'one\ntwo\n');
	t.deepEqual([piped.code, piped.stdout], [0, 'one\ntwo\n']);
});

// Columns from kubectl's own top printer (k8s.io/kubectl/pkg/metricsutil); figures from the engine's metrics.
run('top reads the metrics API; auth can-i says yes to the admin', async t => {
	const nodes = await served().kubectl(['top', 'nodes', '--no-headers']);
	t.is(nodes.code, 0, nodes.stderr);
	const usage = served().cluster.metrics();
	const first = usage.nodes.find(n => n.name === 'kubarium-worker')!;
	t.regex(nodes.stdout, new RegExp(`^kubarium-worker +${Math.round(first.cpuMilli)}m +\\d+% +\\d+Mi +\\d+% *\\n`));
	const pods = await served().kubectl(['top', 'pods']);
	t.regex(pods.stdout.split('\n')[0]!, /^NAME +CPU\(cores\) +MEMORY\(bytes\) *$/);
	t.is(pods.stdout.trim().split('\n').length, 1 + usage.pods.filter(p => p.namespace === 'default').length);
	const can = await served().kubectl(['auth', 'can-i', 'delete', 'pods']);
	t.deepEqual([can.code, can.stdout], [0, 'yes\n']);
});

// metrics-server labels each item with its pod's or node's labels and filters by them; its Table has a column per resource and the window.
run('top and get of the metrics API follow label and field selectors; podmetrics print metrics-server\'s columns', async t => {
	const usage = served().cluster.metrics();
	const web = usage.pods.filter(p => p.name.startsWith('web-')).map(p => p.name).sort();
	const top = await served().kubectl(['top', 'pods', '-A', '-l', 'app=web', '--no-headers']);
	t.is(top.code, 0, top.stderr);
	t.deepEqual(top.stdout.trim().split('\n').map(line => line.split(/ +/)[1]).sort(), web);
	const one = await served().kubectl(['top', 'pods', '--field-selector', `metadata.name=${web[0]}`, '--no-headers']);
	t.deepEqual(one.stdout.trim().split('\n').map(line => line.split(/ +/)[0]), [web[0]]);
	const node = await served().kubectl(['top', 'nodes', '-l', 'kubernetes.io/hostname=kubarium-worker2', '--no-headers']);
	t.deepEqual(node.stdout.trim().split('\n').map(line => line.split(/ +/)[0]), ['kubarium-worker2']);
	const table = await served().kubectl(['get', 'podmetrics', '-l', 'app=web']);
	const rows = table.stdout.trim().split('\n');
	t.regex(rows[0]!, /^NAME +CPU +MEMORY +WINDOW$/);
	const pod = usage.pods.find(p => p.name === web[0])!;
	const cpu = pod.containers.reduce((sum, c) => sum + Math.round(c.cpuMilli), 0);
	t.true(rows.some(row => new RegExp(`^${web[0]} +${cpu}m +\\d+Ki +10s$`).test(row)), table.stdout);
	t.is(rows.length, 1 + web.length);
	const bad = await served().kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods?labelSelector=a%20b']);
	t.regex(bad.stderr, /BadRequest/);
});

// Columns of printers.go for kinds the controllers write: the lease holder, an EndpointSlice's ports and addresses, a revision's owner.
run('leases, endpoint slices and controller revisions print their own columns', async t => {
	const leases = await served().kubectl(['get', 'leases', '-n', 'kube-node-lease']);
	t.regex(leases.stdout, /^NAME {15}HOLDER {13}AGE\nkubarium-worker {4}kubarium-worker {4}\w+\nkubarium-worker2 {3}kubarium-worker2 {3}\w+\n$/);
	const slices = await served().kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
	const slice = served().cluster.list('EndpointSlice', {labelSelector: 'kubernetes.io/service-name=web'})[0] as any;
	const addresses = slice.endpoints.flatMap((e: any) => e.addresses).join(',');
	t.regex(addresses, /^10\.244\.\d+\.\d+(,10\.244\.\d+\.\d+)*$/);
	t.regex(slices.stdout, new RegExp(`^NAME +ADDRESSTYPE +PORTS +ENDPOINTS +AGE\\n${slice.metadata.name} +IPv4 +80 +${addresses.replaceAll('.', '\\.')} +\\w+\\n$`));
	served().cluster.apply(`
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: "busybox:1.36", command: [sleep, "3600"]}]}
`);
	served().cluster.advance(1000);
	const revisions = await served().kubectl(['get', 'controllerrevisions', '-l', 'app=agent']);
	t.regex(revisions.stdout, /^NAME +CONTROLLER +REVISION +AGE\nagent-\w+ +daemonset\.apps\/agent +1 +1s\n$/);
	await served().kubectl(['delete', 'daemonset', 'agent']);
});

// kubectl 1.32 sends these bodies as protobuf (../shared/reference/kubectl-api.md, "create deployment").
run('create generators send protobuf, and the objects come out as asked', async t => {
	const commands: Array<[string[], string]> = [
		[['create', 'deployment', 'gen', '--image=nginx:1.25', '--replicas=2', '--port=80'], 'deployment.apps/gen created\n'],
		[['create', 'service', 'nodeport', 'gen', '--tcp=80:8080'], 'service/gen created\n'],
		[['create', 'configmap', 'gen', '--from-literal=a=1'], 'configmap/gen created\n'],
		[['create', 'secret', 'generic', 'gen', '--from-literal=p=s3cret'], 'secret/gen created\n'],
		[['create', 'namespace', 'gen'], 'namespace/gen created\n'],
		[['create', 'job', 'gen', '--image=busybox', '--', 'echo', 'hi'], 'job.batch/gen created\n'],
		[['create', 'serviceaccount', 'gen'], 'serviceaccount/gen created\n'],
		[['create', 'cronjob', 'gen', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'], 'cronjob.batch/gen created\n'],
		[['create', 'deployment', 'none', '--image=nginx:1.25', '--replicas=0'], 'deployment.apps/none created\n'],
		[['create', 'priorityclass', 'gen', '--value=1000', '--description=generated', '--preemption-policy=Never'], 'priorityclass.scheduling.k8s.io/gen created\n'],
	];
	for (const [args, expected] of commands) {
		const result = await served().kubectl(args);
		t.deepEqual([result.code, result.stdout, result.stderr], [0, expected, ''], args.join(' '));
	}
	const deployment = served().cluster.get('Deployment', 'gen')!;
	t.is(deployment.spec.replicas, 2);
	t.deepEqual(deployment.spec.selector, {matchLabels: {app: 'gen'}});
	t.like(deployment.spec.template.spec.containers[0], {name: 'nginx', image: 'nginx:1.25', ports: [{containerPort: 80, protocol: 'TCP'}]});
	const service = served().cluster.get('Service', 'gen')!;
	t.like(service.spec, {type: 'NodePort', selector: {app: 'gen'}});
	t.like(service.spec.ports[0], {name: '80-8080', port: 80, targetPort: 8080, protocol: 'TCP'});
	t.deepEqual(served().cluster.get('ConfigMap', 'gen')!['data'], {a: '1'});
	t.deepEqual(served().cluster.get('Secret', 'gen')!['data'], {p: Buffer.from('s3cret').toString('base64')});
	t.truthy(served().cluster.get('Namespace', 'gen'));
	t.deepEqual(served().cluster.get('Job', 'gen')!.spec.template.spec.containers[0].command, ['echo', 'hi']);
	t.truthy(served().cluster.get('ServiceAccount', 'gen'));
	const cronJob = served().cluster.get('CronJob', 'gen')!;
	t.is(cronJob.spec.schedule, '*/5 * * * *');
	t.deepEqual(cronJob.spec.jobTemplate.spec.template.spec.containers[0].command, ['date']);
	// A pointer field sent as zero is a zero, not a default: replicas 0 stays 0.
	t.is(served().cluster.get('Deployment', 'none')!.spec.replicas, 0);
	t.like(served().cluster.get('PriorityClass', 'gen'), {value: 1000, description: 'generated', preemptionPolicy: 'Never'});
	t.regex((await served().kubectl(['get', 'priorityclasses'])).stdout, new RegExp([
		'^NAME +VALUE +GLOBAL-DEFAULT +AGE +PREEMPTIONPOLICY',
		'gen +1000 +false +\\w+ +Never',
		'system-cluster-critical +2000000000 +false +\\w+ +PreemptLowerPriority',
		'system-node-critical +2000001000 +false +\\w+ +PreemptLowerPriority\\n$',
	].join('\\n')));
	const system = await served().kubectl(['delete', 'pc', 'system-node-critical']);
	t.is(system.stderr, 'Error from server (Forbidden): priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted\n');
});

// kubectl debug node/NAME sends a Pod in protobuf: host namespaces, the node's root as a hostPath volume, a toleration of everything.
run('kubectl debug node/NAME makes its debugging pod on that node', async t => {
	const result = await served().kubectl(['debug', 'node/kubarium-worker2', '--image=busybox:1.36', '--profile=sysadmin', '--', 'sleep', '3600']);
	t.is(result.code, 0, result.stderr);
	const name = /Creating debugging pod (\S+) with container debugger on node kubarium-worker2\./.exec(result.stdout)?.[1];
	t.truthy(name, result.stdout);
	const pod = served().cluster.get('Pod', name!)!;
	t.like(pod.spec, {nodeName: 'kubarium-worker2', hostNetwork: true, hostPID: true, hostIPC: true, restartPolicy: 'Never', tolerations: [{operator: 'Exists'}]});
	t.deepEqual(pod.spec.volumes[0], {name: 'host-root', hostPath: {path: '/', type: ''}});
	t.like(pod.spec.containers[0], {name: 'debugger', image: 'busybox:1.36', command: ['sleep', '3600'], securityContext: {privileged: true}, volumeMounts: [{name: 'host-root', mountPath: '/host'}]});
	await served().kubectl(['delete', 'pod', name!, '--wait=false']);
});

run('describe reads the object, its events and related objects', async t => {
	const service = await served().kubectl(['describe', 'svc', 'web']);
	t.is(service.code, 0, service.stderr);
	t.regex(service.stdout, /^Name: +web\nNamespace: +default\n/);
	t.regex(service.stdout, /\nEndpoints: +10\.244\.\d+\.\d+:80/);
	const deployment = await served().kubectl(['describe', 'deploy', 'web']);
	t.is(deployment.code, 0, deployment.stderr);
	t.regex(deployment.stdout, /\nNewReplicaSet: +web-\w+ \(\d+\/\d+ replicas created\)\nEvents:\n {2}Type {4}Reason {13}Age/);
});

// An unknown path's 404 carries empty details, as the API server's does: kubectl debug reads them to tell a missing subresource from a missing pod.
run('an unknown path is NotFound with empty details; a missing pod is NotFound naming it', async t => {
	const reply = await served().call('PATCH', '/api/v1/namespaces/default/pods/x/nosuch', {body: '{}', type: 'application/strategic-merge-patch+json'});
	t.is(reply.code, 404);
	t.deepEqual(JSON.parse(reply.body), {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404});
	const missing = await served().call('PATCH', '/api/v1/namespaces/default/pods/x/ephemeralcontainers', {body: '{}', type: 'application/strategic-merge-patch+json'});
	t.is(missing.code, 404);
	t.like(JSON.parse(missing.body), {message: 'pods "x" not found', reason: 'NotFound', details: {name: 'x', kind: 'pods'}});
	const debug = await served().kubectl(['debug', 'x', '--image=busybox:1.36', '--', 'echo', 'hi']);
	t.is(debug.code, 1);
	t.regex(debug.stderr, /Error from server \(NotFound\): pods "x" not found\n$/);
});

// kubectl cp runs tar in the container over exec: `tar -xmf - -C DIR` in, `tar cf - PATH` out.
run('kubectl cp copies a file and a directory into a pod and back out', async t => {
	const pod = served().cluster.list('Pod', {labelSelector: 'app=web'})[0]!.metadata.name;
	const dir = mkdtempSync(path.join(tmpdir(), 'kubarium-cp-'));
	try {
		writeFileSync(path.join(dir, 'note.txt'), 'copied ✓\n');
		mkdirSync(path.join(dir, 'site'));
		writeFileSync(path.join(dir, 'site', 'index.html'), '<h1>in</h1>\n');
		const into = await served().kubectl(['cp', path.join(dir, 'note.txt'), `${pod}:/tmp/note.txt`]);
		t.deepEqual([into.code, into.stderr], [0, '']);
		t.is(served().cluster.exec(pod, ['cat', '/tmp/note.txt']).stdout, 'copied ✓\n');
		t.is((await served().kubectl(['cp', path.join(dir, 'site'), `${pod}:/tmp/site`])).code, 0);
		t.is(served().cluster.exec(pod, ['cat', '/tmp/site/index.html']).stdout, '<h1>in</h1>\n');
		served().cluster.exec(pod, ['sh', '-c', 'echo made in the pod > /tmp/site/made.txt']);
		const out = await served().kubectl(['cp', `${pod}:/tmp/site`, path.join(dir, 'back')]);
		t.is(out.code, 0, out.stderr);
		t.is(readFileSync(path.join(dir, 'back', 'made.txt'), 'utf8'), 'made in the pod\n');
		t.is(readFileSync(path.join(dir, 'back', 'index.html'), 'utf8'), '<h1>in</h1>\n');
		const nowhere = await served().kubectl(['cp', path.join(dir, 'note.txt'), `${pod}:/nope/note.txt`]);
		t.regex(nowhere.stderr, /tar: \/nope: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\ncommand terminated with exit code 2\n$/);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

/** Wait for a kubectl command that waits on the cluster (a pod to run, a container to start), moving time a second at a step while it runs. */
async function ticking<T>(pending: Promise<T>): Promise<T> {
	let done = false;
	void pending.finally(() => {
		done = true;
	});
	while (!done) {
		served().cluster.advance(1000);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
	return pending;
}

// kubectl run -i makes a pod whose shell waits on its standard input, then attaches to it: the lines run there, the pod ends as the shell does.
run('kubectl run -i attaches to the pod\'s own shell: piped lines run in it, its exit code is kubectl\'s, --rm deletes the pod', async t => {
	const piped = await ticking(served().kubectl(['run', 'piped', '--image=busybox:1.36', '--restart=Never', '-i', '--', 'sh'], 'echo hi from $(hostname)\ncd /etc; pwd\nexit 3\n'));
	t.deepEqual([piped.code, piped.stdout], [3, 'hi from piped\n/etc\n']);
	t.like((served().cluster.get('Pod', 'piped') as any).status.containerStatuses[0].state.terminated, {exitCode: 3});
	const removed = await ticking(served().kubectl(['run', 'gone', '--image=busybox:1.36', '--restart=Never', '--rm', '-i', '--', 'sh'], 'echo bye\n'));
	t.deepEqual([removed.code, removed.stdout], [0, 'bye\npod "gone" deleted\n']);
	await ticking(served().kubectl(['delete', 'pod', 'piped']));
});

// kubectl debug POD patches the pod's ephemeralcontainers subresource, waits for the container to run, then attaches to its shell.
run('kubectl debug -i adds an ephemeral container that shares the target\'s processes; its shell runs the piped lines; the pod is left running', async t => {
	served().cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'target'}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}});
	served().cluster.advance(10_000);
	const debug = await ticking(served().kubectl(['debug', 'target', '-i', '--image=busybox:1.36', '--target=nginx', '--profile=general', '--', 'sh'], 'ps\necho from $(hostname)\nexit 4\n'));
	t.is(debug.code, 0, debug.stderr);
	t.regex(debug.stdout, /^Targeting container "nginx"\. If you don't see processes from this container it may be because the container runtime doesn't support this feature\.\nDefaulting debug container name to debugger-[a-z0-9]{5}\.\n +PID USER +COMMAND\n +1 root +\/docker-entrypoint\.sh nginx -g daemon off;\n +29 nginx +nginx: worker process\n +31 root +sh\nfrom target\n$/);
	const pod = served().cluster.get('Pod', 'target') as any;
	const name = pod.spec.ephemeralContainers[0].name as string;
	t.like(pod.spec.ephemeralContainers[0], {image: 'busybox:1.36', targetContainerName: 'nginx', stdin: true, command: ['sh']});
	t.like(pod.status.ephemeralContainerStatuses[0], {name, state: {terminated: {exitCode: 4}}});
	t.is(pod.status.phase, 'Running');
	// What describe shows of it, and the refusal of a change.
	const describe = await served().kubectl(['describe', 'pod', 'target']);
	t.regex(describe.stdout, new RegExp(`Ephemeral Containers:\\n  ${name}:\\n    Container ID:  containerd://[0-9a-f]{64}\\n    Image:         busybox:1\\.36\\n`));
	const patch = await served().kubectl(['patch', 'pod', 'target', '--subresource=ephemeralcontainers', '--type=json', '-p', '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]']);
	t.is(patch.code, 1);
	t.is(patch.stderr, `The Pod "target" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "${name}" may not be removed\n\n`, 'the detail ends with a line break, as upstream\'s does');
	await ticking(served().kubectl(['delete', 'pod', 'target']));
});

// Attaching to a container whose process is no shell on a terminal: its output as it comes.
run('kubectl attach to a container that is no shell streams its new output', async t => {
	served().cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'ticker'}, spec: {containers: [
		{name: 'tick', image: 'busybox:1.36', command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done']},
	]}});
	served().cluster.advance(20_000);
	const before = served().cluster.logs('ticker').length;
	const attach = served().start(['attach', 'ticker']);
	try {
		for (let i = 0; i < 100 && !/tick \d+\n[^]*tick \d+\n/.test(attach.output()); i++) {
			served().cluster.advance(1000);
			await new Promise(resolve => setTimeout(resolve, 50));
		}
		const shown = [...attach.output().matchAll(/tick (\d+)/g)].map(m => Number(m[1]));
		t.true(shown.length >= 2, attach.output());
		t.true(shown[0]! > before, 'only what comes after the attach');
		t.deepEqual(shown, shown.map((_, i) => shown[0]! + i), 'in order, none left out');
	} finally {
		attach.stop();
		await attach.done;
	}
	served().cluster.delete('Pod', 'ticker', {gracePeriodSeconds: 0});
});

// kubectl scale --current-replicas checks the count, then replaces the Scale with no Content-Type: the API server reads that as JSON.
run('kubectl scale --current-replicas scales only from the count it names', async t => {
	await served().kubectl(['create', 'deployment', 'counted', '--image=nginx:1.25', '--replicas=2']);
	const scaled = await served().kubectl(['scale', 'deployment', 'counted', '--replicas=4', '--current-replicas=2']);
	t.deepEqual([scaled.code, scaled.stdout, scaled.stderr], [0, 'deployment.apps/counted scaled\n', '']);
	t.is(served().cluster.get('Deployment', 'counted')!.spec.replicas, 4);
	const stale = await served().kubectl(['scale', 'deployment', 'counted', '--replicas=6', '--current-replicas=2']);
	t.deepEqual([stale.code, stale.stderr], [1, 'error: Expected replicas to be 2, was 4\n']);
	const raw = await served().call('PUT', '/apis/apps/v1/namespaces/default/deployments/counted/scale', {body: JSON.stringify({kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: {name: 'counted', namespace: 'default'}, spec: {replicas: 1}}), type: ''});
	t.is(raw.code, 200, raw.body);
	t.is(served().cluster.get('Deployment', 'counted')!.spec.replicas, 1);
	await served().kubectl(['delete', 'deployment', 'counted']);
});
