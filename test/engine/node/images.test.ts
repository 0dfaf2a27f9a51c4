import test from 'ava';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';
import type {Container, ContainerStatus, KubeEvent, Pod} from '../../../source/engine/api/types.js';

/** Pulls as users write them: real tags, typos, their own repositories, strict registries. */

function pod(name: string, containers: Array<Partial<Container> & {name: string; image: string}>) {
	return {apiVersion: 'v1', kind: 'Pod', metadata: {name}, spec: {containers}};
}

function status(cluster: Cluster, name: string): ContainerStatus {
	return (cluster.get('Pod', name) as Pod).status!.containerStatuses![0]!;
}

function events(cluster: Cluster, name: string): string[] {
	return (cluster.eventsFor(cluster.get('Pod', name)!) as KubeEvent[]).map(e => `${e.type} ${e.reason}: ${e.message}`);
}

function request(cluster: Cluster, name: string, port: number, path = '/') {
	const object = cluster.get('Pod', name) as Pod;
	const kubelet = cluster.context.services.kubelet as {runtimeFor(n: string): any; containerIdOf(u: string, c: string): string};
	return kubelet.runtimeFor(object.spec!.nodeName!).handleRequest(kubelet.containerIdOf(object.metadata.uid, object.spec!.containers[0]!.name), {port, path});
}

const unknownImage = (image: string) => `Warning UnknownImage: Image "${image}" is unknown to the simulator, so its behaviour is generic: it listens on the container's declared ports and answers HTTP 200, and runs its command when that is a shell`;

test('the real tags the issue found failing pull and run', t => {
	const cluster = createCluster({seed: 4, nodes: 2});
	const images = ['nginx:1.24', 'nginx:1.25.5', 'nginx:1.26', 'nginx:1.26.2', 'nginx:1.27.3', 'redis:7', 'redis:6', 'redis:7.2.4'];
	cluster.apply(images.map((image, i) => pod(`p${i}`, [{name: 'c', image}])));
	cluster.advance(20_000);
	for (const [i, image] of images.entries()) {
		t.truthy(status(cluster, `p${i}`).state.running, image);
		t.true(status(cluster, `p${i}`).ready, image);
	}
	t.is(cluster.exec('p2', ['sh', '-c', 'echo $NGINX_VERSION']).stdout, '1.26.3\n');
	t.is(cluster.exec('p7', ['sh', '-c', 'echo $REDIS_VERSION']).stdout, '7.2.4\n');
});

test('a rolling update to nginx:1.26 finishes', t => {
	const cluster = createCluster({seed: 5, nodes: 2});
	const deployment = (image: string) => ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image}]}}}});
	cluster.apply(deployment('nginx:1.25'));
	cluster.advance(30_000);
	cluster.apply(deployment('nginx:1.26'));
	cluster.advance(60_000);
	const web = cluster.get('Deployment', 'web') as any;
	t.like(web.status, {replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3});
	t.is(web.status.conditions.find((c: any) => c.type === 'Progressing').reason, 'NewReplicaSetAvailable');
});

test('a tag past the newest release and a misspelt variant fail with the registry\'s not found', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply([pod('future', [{name: 'c', image: 'nginx:1.32.0'}]), pod('typo', [{name: 'c', image: 'redis:7.4-alpne'}])]);
	cluster.advance(5000);
	t.is(status(cluster, 'future').state.waiting?.reason, 'ImagePullBackOff');
	t.true(events(cluster, 'future').includes('Warning Failed: Failed to pull image "nginx:1.32.0": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.32.0": failed to resolve reference "docker.io/library/nginx:1.32.0": docker.io/library/nginx:1.32.0: not found'));
	t.true(events(cluster, 'typo').includes('Warning Failed: Failed to pull image "redis:7.4-alpne": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/redis:7.4-alpne": failed to resolve reference "docker.io/library/redis:7.4-alpne": docker.io/library/redis:7.4-alpne: not found'));
});

test('a typo of a known repository is denied as Docker Hub denies a repository that does not exist', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	cluster.apply([pod('ngnix', [{name: 'c', image: 'ngnix'}]), pod('reddis', [{name: 'c', image: 'reddis:7'}])]);
	cluster.advance(5000);
	t.deepEqual(events(cluster, 'ngnix').filter(e => e.startsWith('Warning')), [
		'Warning Failed: Failed to pull image "ngnix": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
		'Warning Failed: Error: ErrImagePull',
		'Warning Failed: Error: ImagePullBackOff',
	]);
	t.deepEqual(status(cluster, 'reddis').state.waiting, {reason: 'ImagePullBackOff', message: 'Back-off pulling image "reddis:7"'});
	t.true(events(cluster, 'reddis').some(e => e.endsWith('failed to resolve reference "docker.io/library/reddis:7": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed')));
});

test('a user\'s own image runs as a generic container: its ports answer HTTP 200, a Warning says so', t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.apply(pod('shop', [{name: 'api', image: 'acme/shop-api:2.3', ports: [{containerPort: 8080}, {containerPort: 9090, name: 'metrics'}],
		readinessProbe: {httpGet: {path: '/healthz', port: 8080}}, livenessProbe: {tcpSocket: {port: 'metrics'}}}]));
	cluster.advance(15_000);
	t.truthy(status(cluster, 'shop').state.running);
	t.true(status(cluster, 'shop').ready);
	t.is(status(cluster, 'shop').restartCount, 0);
	t.is((cluster.get('Pod', 'shop') as Pod).status?.phase, 'Running');
	const seen = events(cluster, 'shop');
	t.true(seen.includes('Normal Pulling: Pulling image "acme/shop-api:2.3"'));
	t.true(seen.some(e => e.startsWith('Normal Pulled: Successfully pulled image "acme/shop-api:2.3" in ')));
	t.true(seen.includes(unknownImage('acme/shop-api:2.3')));
	t.is(seen.indexOf(unknownImage('acme/shop-api:2.3')), seen.findIndex(e => e.startsWith('Normal Pulled')) + 1);
	t.like(request(cluster, 'shop', 8080, '/orders'), {ok: true, status: 200});
	t.like(request(cluster, 'shop', 9090), {ok: true, status: 200});
	t.like(request(cluster, 'shop', 7000), {ok: false});
	t.regex(status(cluster, 'shop').imageID, /^docker\.io\/acme\/shop-api@sha256:[0-9a-f]{64}$/);
	// It has a shell to exec into.
	t.is(cluster.exec('shop', ['sh', '-c', 'echo inside']).stdout, 'inside\n');
});

test('a generic container runs its command when that is a shell, and the same image again is already present', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply(pod('job', [{name: 'c', image: 'ghcr.io/team/app:1.0', command: ['sh', '-c', 'echo starting; echo done; exit 3']}]));
	cluster.advance(10_000);
	t.deepEqual(cluster.logs('job').slice(0, 2), ['starting', 'done']);
	t.is(status(cluster, 'job').lastState.terminated?.exitCode ?? status(cluster, 'job').state.terminated?.exitCode, 3);
	cluster.apply(pod('again', [{name: 'c', image: 'ghcr.io/team/app:1.0', command: ['sleep', '3600']}]));
	cluster.advance(5000);
	t.truthy(status(cluster, 'again').state.running);
	// A command that is not a shell nor a userland program is the image's own program: it serves the declared ports.
	cluster.apply(pod('own', [{name: 'c', image: 'ghcr.io/team/app:1.0', command: ['python', 'app.py'], ports: [{containerPort: 5000}]}]));
	cluster.advance(5000);
	t.truthy(status(cluster, 'own').state.running);
	t.like(request(cluster, 'own', 5000), {ok: true, status: 200});
	t.deepEqual(events(cluster, 'again').filter(e => /Pulled|UnknownImage/.test(e)), [
		'Normal Pulled: Container image "ghcr.io/team/app:1.0" already present on machine',
		unknownImage('ghcr.io/team/app:1.0'),
	]);
});

test('with strict images, unknown repositories fail as their registries would', t => {
	const cluster = createCluster({seed: 1, nodes: 1, strictImages: true});
	cluster.apply([pod('shop', [{name: 'api', image: 'acme/shop-api:2.3'}]), pod('team', [{name: 'c', image: 'ghcr.io/team/app:1.0'}]), pod('web', [{name: 'c', image: 'nginx:1.26'}])]);
	cluster.advance(5000);
	t.is(status(cluster, 'shop').state.waiting?.reason, 'ImagePullBackOff');
	t.true(events(cluster, 'shop').includes('Warning Failed: Failed to pull image "acme/shop-api:2.3": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/acme/shop-api:2.3": failed to resolve reference "docker.io/acme/shop-api:2.3": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed'));
	t.true(events(cluster, 'team').includes('Warning Failed: Failed to pull image "ghcr.io/team/app:1.0": rpc error: code = Unknown desc = failed to pull and unpack image "ghcr.io/team/app:1.0": failed to resolve reference "ghcr.io/team/app:1.0": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Ateam%2Fapp%3Apull&service=ghcr.io: 401 Unauthorized'));
	t.truthy(status(cluster, 'web').state.running);
	t.false(events(cluster, 'shop').some(e => e.includes('UnknownImage')));
});

test('the demo\'s broken worker still fails on its misspelt tag', t => {
	const cluster = createCluster({seed: 7, demo: true});
	cluster.advance(10_000);
	const worker = (cluster.list('Pod', {namespace: 'shop'}) as Pod[]).find(p => p.metadata.name.startsWith('worker-'))!;
	t.true(['ErrImagePull', 'ImagePullBackOff'].includes(worker.status!.containerStatuses![0]!.state.waiting!.reason!));
	t.regex(worker.status!.containerStatuses![0]!.state.waiting!.message!, /redis:7\.9-typo/);
});
