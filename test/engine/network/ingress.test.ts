import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';
import type {KubeEvent} from '../../../source/engine/api/types.js';

const exampleIngress = readFileSync(new URL('../../fixtures/docs/example-ingress.yaml', import.meta.url), 'utf8');
const nginx = {namespace: 'ingress-nginx'};

/** `kubectl create deployment NAME --image=gcr.io/google-samples/hello-app:TAG` and `kubectl expose deployment NAME --type=NodePort --port=8080`. */
function helloApp(cluster: Cluster, name: string, tag: string): void {
	cluster.apply({
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, labels: {app: name}},
		spec: {selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'hello-app', image: `gcr.io/google-samples/hello-app:${tag}`}]}}},
	});
	cluster.expose('deployment', name, {type: 'NodePort', port: 8080});
}

function send(cluster: Cluster, host: string, path: string, seconds = 2) {
	cluster.startTraffic('ingress-nginx-controller', {...nginx, host, path, rps: 10});
	cluster.advance(seconds * 1000);
	return cluster.stopTraffic('ingress-nginx-controller', {...nginx, host, path});
}

function setup(seed = 21): Cluster {
	const cluster = createCluster({seed, nodes: 2, ingressNginx: true});
	helloApp(cluster, 'web', '1.0');
	cluster.apply(exampleIngress);
	cluster.advance(30_000);
	return cluster;
}

test('ingress-nginx installs its namespace, controller, LoadBalancer Service and the default nginx IngressClass', t => {
	const cluster = createCluster({seed: 20, nodes: 2, ingressNginx: true});
	cluster.advance(30_000);
	const ingressClass = cluster.get('IngressClass', 'nginx')!;
	t.is(ingressClass.spec.controller, 'k8s.io/ingress-nginx');
	t.is(ingressClass.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
	t.like(cluster.get('Deployment', 'ingress-nginx-controller', 'ingress-nginx')!.status, {readyReplicas: 1});
	t.truthy((cluster.get('Service', 'ingress-nginx-controller', 'ingress-nginx') as any).status.loadBalancer.ingress[0].ip);
	const pod = cluster.list('Pod', nginx)[0]!;
	t.true(cluster.logs(pod.metadata.name, nginx).some(line => line === 'NGINX Ingress controller'));
});

test('the docs example: the Ingress gets the controller\'s address and hello-world.example reaches web', t => {
	const cluster = setup();
	const address = (cluster.get('Service', 'ingress-nginx-controller', 'ingress-nginx') as any).status.loadBalancer.ingress[0].ip;
	t.deepEqual(cluster.get('Ingress', 'example-ingress')!.status, {loadBalancer: {ingress: [{ip: address}]}});
	t.true((cluster.eventsFor(cluster.get('Ingress', 'example-ingress')!) as KubeEvent[]).some(e => e.reason === 'Sync' && e.message === 'Scheduled for sync' && e.source?.component === 'nginx-ingress-controller'));
	const stats = send(cluster, 'hello-world.example', '/');
	t.deepEqual(stats.outcomes, {200: 20});
	const web = cluster.list('Pod', {labelSelector: 'app=web'})[0]!;
	t.deepEqual(stats.perPod, {[web.metadata.name]: 20});
	// The pod's access log shows the request coming from the ingress controller pod.
	const controller = cluster.list('Pod', nginx)[0]!;
	t.true(cluster.logs(web.metadata.name).some(line => line.startsWith(`${controller.status!.podIP!} - - [`)));
	// Another host matches no rule: the default backend's 404.
	t.deepEqual(send(cluster, 'other.example', '/').outcomes, {404: 20});
});

test('the docs example, second step: /v2 goes to web2, the rest to web', t => {
	const cluster = setup();
	helloApp(cluster, 'web2', '2.0');
	cluster.apply(exampleIngress.replace(/(\s+)- path: \/\n/, `$1- path: /\n`).replace('                  number: 8080\n', [
		'                  number: 8080',
		'          - path: /v2',
		'            pathType: Prefix',
		'            backend:',
		'              service:',
		'                name: web2',
		'                port:',
		'                  number: 8080',
		'',
	].join('\n')));
	cluster.advance(30_000);
	const web2 = cluster.list('Pod', {labelSelector: 'app=web2'})[0]!;
	t.deepEqual(Object.keys(send(cluster, 'hello-world.example', '/v2').perPod), [web2.metadata.name]);
	t.deepEqual(Object.keys(send(cluster, 'hello-world.example', '/v2/x').perPod), [web2.metadata.name]);
	// Prefix matches whole path elements: /v2extra is not under /v2.
	t.notDeepEqual(Object.keys(send(cluster, 'hello-world.example', '/v2extra').perPod), [web2.metadata.name]);
});

test('path precedence: Exact before the longest Prefix; ImplementationSpecific is a plain prefix', t => {
	const cluster = setup();
	helloApp(cluster, 'exact', '1.0');
	helloApp(cluster, 'impl', '1.0');
	cluster.apply({
		apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'more'},
		spec: {rules: [{host: 'hello-world.example', http: {paths: [
			{path: '/api', pathType: 'Exact', backend: {service: {name: 'exact', port: {number: 8080}}}},
			{path: '/img', pathType: 'ImplementationSpecific', backend: {service: {name: 'impl', port: {number: 8080}}}},
		]}}]},
	});
	cluster.advance(30_000);
	const served = (path: string) => Object.keys(send(cluster, 'hello-world.example', path).perPod)[0]!.replace(/-[a-z0-9]+-[a-z0-9]+$/, '');
	t.is(served('/api'), 'exact');
	t.is(served('/api/v1'), 'web');
	t.is(served('/imgs'), 'impl');
	t.is(served('/'), 'web');
	// The Ingress named no class: the admission plugin gave it the default one.
	t.is(cluster.get('Ingress', 'more')!.spec.ingressClassName, 'nginx');
});

test('a backend without ready endpoints answers 503, a missing Service too; a defaultBackend takes unmatched hosts', t => {
	const cluster = setup();
	cluster.scale('Deployment', 'web', 0);
	cluster.advance(40_000);
	t.deepEqual(send(cluster, 'hello-world.example', '/').outcomes, {503: 20});
	cluster.delete('Service', 'web');
	t.deepEqual(send(cluster, 'hello-world.example', '/gone').outcomes, {503: 20});
	helloApp(cluster, 'fallback', '2.0');
	cluster.apply({apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'fallback'}, spec: {defaultBackend: {service: {name: 'fallback', port: {number: 8080}}}}});
	cluster.advance(30_000);
	t.deepEqual(send(cluster, 'unknown.example', '/anything').outcomes, {200: 20});
});

test('TLS: the Ingress lists the secret and port 443 and routes as before; an Ingress of another class is left alone', t => {
	const cluster = setup();
	cluster.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'hello-tls'}, type: 'kubernetes.io/tls', data: {'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5'}});
	cluster.apply({
		apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'secure'},
		spec: {tls: [{hosts: ['secure.example'], secretName: 'hello-tls'}], rules: [{host: 'secure.example', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 8080}}}}]}}]},
	});
	cluster.apply({
		apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'elsewhere'},
		spec: {ingressClassName: 'traefik', rules: [{host: 'elsewhere.example', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 8080}}}}]}}]},
	});
	cluster.advance(10_000);
	t.deepEqual(send(cluster, 'secure.example', '/').outcomes, {200: 20});
	t.deepEqual(cluster.get('Ingress', 'elsewhere')!.status, {loadBalancer: {}});
	t.deepEqual(send(cluster, 'elsewhere.example', '/').outcomes, {404: 20});
});

test('Ingress validation: the API server\'s messages, nothing stored', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const ingress = (spec: unknown) => ({apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'bad'}, spec});
	t.throws(() => cluster.apply(ingress({})), {message: 'Ingress.networking.k8s.io "bad" is invalid: spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified'});
	t.throws(() => cluster.apply(ingress({rules: [{http: {paths: [{path: '/', backend: {service: {name: 'web', port: {number: 80}}}}]}}]})), {
		message: 'Ingress.networking.k8s.io "bad" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
	});
	t.throws(() => cluster.apply(ingress({rules: [{host: '10.0.0.1', http: {paths: [{path: 'api', pathType: 'Prefix', backend: {service: {name: 'web', port: {}}}}]}}]})), {
		message: 'Ingress.networking.k8s.io "bad" is invalid: [spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address, spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path, spec.rules[0].http.paths[0].backend: Required value: port name or number is required]',
	});
	t.throws(() => cluster.apply(ingress({rules: [{http: {paths: [{path: '/', pathType: 'Regex', backend: {service: {name: 'web', port: {number: 80}}}}]}}]})), {
		message: 'Ingress.networking.k8s.io "bad" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
	});
	t.throws(() => cluster.apply({apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name: 'bad'}, spec: {controller: 'nginx'}}), {
		message: 'IngressClass.networking.k8s.io "bad" is invalid: spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
	});
	t.is(cluster.get('Ingress', 'bad'), undefined);
});

test('the demo cluster: ingress-nginx is installed and the shop Ingress serves shop.example and api.shop.example', t => {
	const cluster = createCluster({seed: 22, demo: true});
	cluster.advance(60_000);
	t.truthy((cluster.get('Ingress', 'shop', 'shop') as any).status.loadBalancer.ingress[0].ip);
	t.deepEqual(send(cluster, 'shop.example', '/').outcomes, {200: 20});
	t.deepEqual(send(cluster, 'api.shop.example', '/').outcomes, {200: 20});
	t.deepEqual([...new Set(Object.keys(send(cluster, 'api.shop.example', '/x').perPod).map(name => name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')))], ['api']);
});

test('from a pod: curl --resolve to the load balancer and wget with a Host header reach the backends through ingress-nginx', t => {
	const cluster = setup();
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'client'}, spec: {containers: [{name: 'sh', image: 'busybox:1.36', command: ['sleep', '3600']}]}});
	cluster.advance(20_000);
	const ip = (cluster.get('Service', 'ingress-nginx-controller', 'ingress-nginx') as any).status.loadBalancer.ingress[0].ip;
	const web = cluster.list('Pod', {labelSelector: 'app=web'})[0]!.metadata.name;
	// The docs' check: curl --resolve "hello-world.example:80:$( minikube ip )" -i http://hello-world.example
	const resolved = cluster.exec('client', ['curl', '--resolve', `hello-world.example:80:${ip}`, '-i', 'http://hello-world.example']);
	t.is(resolved.stdout, `HTTP/1.1 200 OK\r\nContent-Length: ${`Hello, world!\nVersion: 1.0.0\nHostname: ${web}\n`.length}\r\n\r\nHello, world!\nVersion: 1.0.0\nHostname: ${web}\n`);
	const byHeader = cluster.exec('client', ['wget', '-q', '-O-', '--header', 'Host: hello-world.example', 'http://ingress-nginx-controller.ingress-nginx']);
	t.is(byHeader.stdout, `Hello, world!\nVersion: 1.0.0\nHostname: ${web}\n`);
	const unmatched = cluster.exec('client', ['curl', '-s', '-H', 'Host: other.example', `http://${ip}/`]);
	t.true(unmatched.stdout.includes('<center><h1>404 Not Found</h1></center>'));
	cluster.scale('Deployment', 'web', 0);
	cluster.advance(40_000);
	t.like(cluster.exec('client', ['wget', '-q', '-O-', '--header=Host: hello-world.example', `http://${ip}/`]), {stderr: 'wget: server returned error: HTTP/1.1 503 Service Temporarily Unavailable\n', exitCode: 1});
	t.true(cluster.exec('client', ['curl', '-s', '-H', 'Host: hello-world.example', `http://${ip}/`]).stdout.includes('503 Service Temporarily Unavailable'));
});
