/**
 * The served API without kubectl: the official JavaScript client
 * (@kubernetes/client-node) lists, watches, patches and execs against
 * `kubarium serve`'s server, and what it reads and writes is the engine's.
 */
import test from 'ava';
import {PassThrough, Writable} from 'node:stream';
import {AppsV1Api, CoreV1Api, Exec, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type V1Status} from '@kubernetes/client-node';
import {serve, until, type Served} from './harness.js';

const settle = (served: Served) => served.cluster.advance(60_000);

async function demo(): Promise<{served: Served; config: KubeConfig}> {
	const served = await serve(cluster => {
		cluster.apply({
			apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},
			spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}}},
		});
	});
	settle(served);
	const config = new KubeConfig();
	config.loadFromFile(served.kubeconfig);
	return {served, config};
}

test('client-node lists the served pods and reads one Deployment as the engine holds it', async t => {
	const {served, config} = await demo();
	t.teardown(() => served.close());
	const core = config.makeApiClient(CoreV1Api);
	const pods = await core.listNamespacedPod({namespace: 'default', labelSelector: 'app=web'});
	const engine = served.cluster.list('Pod', {namespace: 'default', labelSelector: 'app=web'});
	t.deepEqual(pods.items.map(p => p.metadata?.name).sort(), engine.map(p => p.metadata.name).sort());
	t.is(pods.items.length, 2);
	t.true(pods.items.every(p => p.status?.phase === 'Running'));
	const apps = config.makeApiClient(AppsV1Api);
	const deployment = await apps.readNamespacedDeployment({name: 'web', namespace: 'default'});
	t.is(deployment.status?.readyReplicas, 2);
	t.is(deployment.metadata?.resourceVersion, served.cluster.get('Deployment', 'web')!.metadata.resourceVersion);
	// A missing object is the API server's 404 Status.
	const error = await t.throwsAsync(core.readNamespacedPod({name: 'nope', namespace: 'default'}));
	t.regex(String((error as {body?: string}).body ?? error?.message), /pods \\?"nope\\?" not found/);
});

test('client-node watches a Deployment from a resourceVersion and sees the engine scale it', async t => {
	const {served, config} = await demo();
	t.teardown(() => served.close());
	const apps = config.makeApiClient(AppsV1Api);
	const list = await apps.listNamespacedDeployment({namespace: 'default'});
	const seen: Array<{type: string; replicas: number | undefined}> = [];
	let ended: unknown = 'open';
	const controller = await new Watch(config).watch('/apis/apps/v1/namespaces/default/deployments', {resourceVersion: list.metadata?.resourceVersion}, (type, object: {spec?: {replicas?: number}}) => {
		seen.push({type, replicas: object.spec?.replicas});
	}, error => {
		ended = error;
	});
	served.cluster.scale('Deployment', 'web', 4);
	await until(() => seen.some(e => e.type === 'MODIFIED' && e.replicas === 4), 'the watch delivered the scale');
	t.is(seen[0]!.type, 'MODIFIED', 'nothing before the list\'s resourceVersion is replayed');
	controller.abort();
	await until(() => ended !== 'open', 'the watch ended');
});

test('client-node patches: a strategic merge of the image and a merge patch of the scale subresource reach the engine', async t => {
	const {served, config} = await demo();
	t.teardown(() => served.close());
	const apps = config.makeApiClient(AppsV1Api);
	await apps.patchNamespacedDeployment(
		{name: 'web', namespace: 'default', body: {spec: {template: {spec: {containers: [{name: 'nginx', image: 'nginx:1.27'}]}}}}},
		setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
	);
	t.is(served.cluster.get('Deployment', 'web')!.spec.template.spec.containers[0].image, 'nginx:1.27');
	const scale = await apps.patchNamespacedDeploymentScale(
		{name: 'web', namespace: 'default', body: {spec: {replicas: 3}}},
		setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
	);
	t.is(scale.spec?.replicas, 3);
	t.is(served.cluster.get('Deployment', 'web')!.spec.replicas, 3);
	// A bad patch is refused with the server's message and changes nothing.
	const before = served.cluster.get('Deployment', 'web')!.metadata.resourceVersion;
	await t.throwsAsync(apps.patchNamespacedDeploymentScale(
		{name: 'web', namespace: 'default', body: {spec: {replicas: -1}}},
		setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
	));
	t.is(served.cluster.get('Deployment', 'web')!.metadata.resourceVersion, before);
});

test('client-node execs over WebSocket: output on its stream and the exit status', async t => {
	const {served, config} = await demo();
	t.teardown(() => served.close());
	const pod = served.cluster.list('Pod', {namespace: 'default', labelSelector: 'app=web'})[0]!;
	const run = async (command: string[]) => {
		let stdout = '';
		let stderr = '';
		const sink = (append: (text: string) => void) => new Writable({write(chunk: Buffer, _e, done) {
			append(chunk.toString());
			done();
		}});
		let status: V1Status | undefined;
		const socket = await new Exec(config).exec('default', pod.metadata.name, 'nginx', command, sink(s => (stdout += s)), sink(s => (stderr += s)), null, false, s => {
			status = s;
		});
		await new Promise(resolve => socket.on('close', resolve));
		return {stdout, stderr, status};
	};
	const ok = await run(['cat', '/etc/hostname']);
	t.is(ok.stdout.trim(), pod.metadata.name);
	t.is(ok.status?.status, 'Success');
	const failed = await run(['ls', '/no/such/dir']);
	t.is(failed.status?.status, 'Failure');
	t.regex(failed.stderr, /No such file or directory/);
	t.regex(failed.status?.message ?? '', /exit code 2/);
	// Standard input passes through to the command.
	const stdin = new PassThrough();
	let out = '';
	const socket = await new Exec(config).exec('default', pod.metadata.name, 'nginx', ['cat'], new Writable({write(chunk: Buffer, _e, done) {
		out += chunk.toString();
		done();
	}}), null, stdin, false);
	stdin.end('hello from client-node\n');
	await new Promise(resolve => socket.on('close', resolve));
	t.is(out, 'hello from client-node\n');
});
