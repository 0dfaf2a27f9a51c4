import test from 'ava';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';

/** web (nginx) behind Service web, an empty Service none, and a busybox client pod. */
function setup(): Cluster {
	const cluster = createCluster({seed: 41, nodes: 2});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25', ports: [{containerPort: 80}]}]}}}});
	cluster.expose('deployment', 'web', {port: 80});
	cluster.apply({apiVersion: 'v1', kind: 'Service', metadata: {name: 'none'}, spec: {selector: {app: 'nothing'}, ports: [{port: 80}]}});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'client', labels: {role: 'client'}}, spec: {containers: [{name: 'sh', image: 'busybox:1.36', command: ['sleep', '3600']}]}});
	cluster.advance(30_000);
	return cluster;
}

test('wget from a pod reaches a Service by its DNS names, round robin over the endpoints', t => {
	const cluster = setup();
	const ip = cluster.get('Service', 'web')!.spec.clusterIP;
	for (const host of ['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local', ip]) {
		const result = cluster.exec('client', ['wget', '-q', '-O-', `http://${host}`]);
		t.is(result.exitCode, 0, host);
		t.true(result.stdout.includes('<title>Welcome to nginx!</title>'), host);
	}
	const loud = cluster.exec('client', ['wget', '-O-', 'http://web/']);
	t.true(loud.stderr.startsWith(`Connecting to web (${ip}:80)\nwriting to stdout\n`));
	// Both nginx pods logged requests from the client pod.
	const client = cluster.get('Pod', 'client')!.status!.podIP!;
	for (const pod of cluster.list('Pod', {labelSelector: 'app=web'})) {
		t.true(cluster.logs(pod.metadata.name).some(line => line.startsWith(`${client} - - [`) && line.includes('"Wget"')), pod.metadata.name);
	}
	// wget without -O saves the file.
	t.is(cluster.exec('client', ['sh', '-c', 'cd /tmp && wget -q http://web/ && head -n 1 index.html']).stdout, '<!DOCTYPE html>\n');
});

test('wget and curl errors: unknown host, no endpoints, HTTP errors', t => {
	const cluster = setup();
	t.like(cluster.exec('client', ['wget', '-q', '-O-', 'http://nope']), {stderr: "wget: bad address 'nope'\n", exitCode: 1});
	const none = cluster.get('Service', 'none')!.spec.clusterIP;
	t.like(cluster.exec('client', ['wget', '-q', '-O-', 'http://none']), {stderr: `wget: can't connect to remote host (${none}): Connection refused\n`, exitCode: 1});
	t.like(cluster.exec('client', ['wget', '-q', '-O-', 'http://web/missing']), {stderr: 'wget: server returned error: HTTP/1.1 404 Not Found\n', exitCode: 1});
	t.like(cluster.exec('client', ['curl', '-sS', 'http://nope']), {stderr: 'curl: (6) Could not resolve host: nope\n', exitCode: 6});
	t.like(cluster.exec('client', ['curl', '-s', 'http://none']), {stderr: '', exitCode: 7});
	t.like(cluster.exec('client', ['curl', '-fsS', 'http://web/missing']), {stderr: 'curl: (22) The requested URL returned error: 404\n', exitCode: 22});
	t.true(cluster.exec('client', ['curl', '-s', 'http://web/']).stdout.includes('Welcome to nginx!'));
});

test('a NetworkPolicy that denies the client: wget and curl time out, after their timeout in a running shell', t => {
	const cluster = setup();
	cluster.apply({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'web-from-frontend'}, spec: {
		podSelector: {matchLabels: {app: 'web'}}, ingress: [{from: [{podSelector: {matchLabels: {role: 'frontend'}}}]}],
	}});
	t.like(cluster.exec('client', ['wget', '-q', '-T', '2', '-O-', 'http://web']), {stderr: 'wget: download timed out\n', exitCode: 1});
	t.like(cluster.exec('client', ['curl', '-sS', '--connect-timeout', '3', 'http://web']), {stderr: 'curl: (28) Failed to connect to web port 80 after 3000 ms: Timeout was reached\n', exitCode: 28});
	// In the container's own shell the timeout takes virtual time.
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'prober', labels: {role: 'client'}}, spec: {restartPolicy: 'Never', containers: [{name: 'sh', image: 'busybox:1.36', command: ['sh', '-c', 'wget -q -T 5 -O- http://web; echo "exit $?"']}]}});
	cluster.advance(3000);
	t.deepEqual(cluster.logs('prober'), []);
	cluster.advance(5000);
	t.deepEqual(cluster.logs('prober'), ['wget: download timed out', 'exit 1']);
	// The frontend role is let in.
	const patched = structuredClone(cluster.get('Pod', 'client')!);
	patched.metadata.labels = {role: 'frontend'};
	cluster.replace(patched);
	t.is(cluster.exec('client', ['wget', '-q', '-T', '2', '-O-', 'http://web']).exitCode, 0);
});

test('a node\'s address reaches the pod on its host network that declares the port, whichever other host-network pods it runs', t => {
	const cluster = createCluster({seed: 41, nodes: 1});
	const node = cluster.list('Node')[0]!;
	const nodeIp = node.status.addresses.find((a: {type: string}) => a.type === 'InternalIP').address;
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'agent'}, spec: {hostNetwork: true, containers: [{name: 'agent', image: 'busybox:1.36', command: ['sleep', '3600']}]}});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'edge'}, spec: {hostNetwork: true, containers: [{name: 'nginx', image: 'nginx:1.25', ports: [{containerPort: 80}]}]}});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'client'}, spec: {containers: [{name: 'sh', image: 'busybox:1.36', command: ['sleep', '3600']}]}});
	cluster.advance(30_000);
	const result = cluster.exec('client', ['wget', '-q', '-O-', `http://${nodeIp}/`]);
	t.is(result.exitCode, 0, result.stderr);
	t.true(result.stdout.includes('<title>Welcome to nginx!</title>'));
});
