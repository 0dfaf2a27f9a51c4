import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/docs/${name}`, import.meta.url), 'utf8');
const nginx = {namespace: 'ingress-nginx'};

function deployment(name: string, labels: Record<string, string>, image: string, port: number, namespace = 'default') {
	return {
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace},
		spec: {selector: {matchLabels: labels}, template: {metadata: {labels}, spec: {containers: [{name, image, ports: [{containerPort: port, name: 'serve'}]}]}}},
	};
}

/** A web server (app=web) behind Service web, a client pod (role=frontend) and another (role=other), and a db (role=db, redis) behind Service db. */
function setup(): Cluster {
	const cluster = createCluster({seed: 31, nodes: 2, ingressNginx: true});
	cluster.apply(deployment('web', {app: 'web'}, 'nginx:1.25', 80));
	cluster.expose('deployment', 'web', {port: 80});
	cluster.apply(deployment('db', {role: 'db'}, 'redis:7.2', 6379));
	cluster.expose('deployment', 'db', {port: 6379});
	cluster.apply(deployment('frontend', {role: 'frontend'}, 'busybox:1.36', 8080));
	cluster.apply(deployment('other', {role: 'other'}, 'busybox:1.36', 8080));
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'tools', labels: {project: 'myproject'}}});
	cluster.apply(deployment('probe', {role: 'probe'}, 'busybox:1.36', 8080, 'tools'));
	for (const d of ['frontend', 'other']) cluster.get('Deployment', d)!.spec.template.spec.containers[0].command = ['sleep', '3600'];
	cluster.advance(40_000);
	return cluster;
}

function podOf(cluster: Cluster, selector: string, namespace = 'default'): string {
	return `${namespace}/${cluster.list('Pod', {namespace, labelSelector: selector})[0]!.metadata.name}`;
}

/** Two seconds of 5 requests a second; the outcomes of just those. */
function send(cluster: Cluster, service: string, options: {namespace?: string; from?: string; host?: string; path?: string} = {}) {
	let before: Record<string, number> = {};
	try {
		before = cluster.trafficStats(service, options).outcomes;
	} catch {}
	cluster.startTraffic(service, {...options, rps: 5});
	cluster.advance(2000);
	const after = cluster.stopTraffic(service, options).outcomes;
	return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
}

/** Redis answers an HTTP request with an error: the connection was made. */
const reached = {400: 10};

test('default deny: requests to every pod of the namespace time out; other namespaces are untouched', t => {
	const cluster = setup();
	t.deepEqual(send(cluster, 'web'), {200: 10});
	cluster.apply(fixture('network-policy-default-deny-ingress.yaml'));
	t.deepEqual(cluster.get('NetworkPolicy', 'default-deny-ingress')!.spec, {podSelector: {}, policyTypes: ['Ingress']});
	t.deepEqual(send(cluster, 'web', {}), {timeout: 10});
	t.deepEqual(send(cluster, 'web', {from: podOf(cluster, 'role=frontend')}), {timeout: 10});
	// Through ingress-nginx the proxied connection times out: nginx answers 504.
	cluster.apply({apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'web'}, spec: {rules: [{host: 'web.example', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}]}});
	cluster.advance(5000);
	t.deepEqual(send(cluster, 'ingress-nginx-controller', {...nginx, host: 'web.example'}), {504: 10});
	// Allowing the ingress-nginx namespace lets the proxied requests in.
	cluster.apply({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'from-ingress'}, spec: {
		podSelector: {matchLabels: {app: 'web'}},
		ingress: [{from: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'ingress-nginx'}}}], ports: [{port: 80}]}],
	}});
	t.deepEqual(send(cluster, 'ingress-nginx-controller', {...nginx, host: 'web.example'}), {200: 10});
	// Deleting the deny policy restores direct access (the allow policy still selects web, so only from ingress-nginx).
	cluster.delete('NetworkPolicy', 'default-deny-ingress');
	t.deepEqual(send(cluster, 'web'), {timeout: 10});
	cluster.delete('NetworkPolicy', 'from-ingress');
	t.deepEqual(send(cluster, 'web'), {200: 10});
});

test('the docs policy: db takes 6379 from role=frontend, from namespaces of project myproject and from 172.17.0.0/16 except 172.17.1.0/24', t => {
	const cluster = setup();
	cluster.apply(fixture('test-networkpolicy.yaml'));
	t.deepEqual(send(cluster, 'db', {from: podOf(cluster, 'role=frontend')}), reached);
	t.deepEqual(send(cluster, 'db', {from: podOf(cluster, 'role=other')}), {timeout: 10});
	t.deepEqual(send(cluster, 'db', {from: podOf(cluster, 'role=probe', 'tools')}), reached);
	// Our outside client is 172.18.0.1: not in the block.
	t.deepEqual(send(cluster, 'db'), {timeout: 10});
	cluster.apply(fixture('test-networkpolicy.yaml').replace('172.17.0.0/16', '172.18.0.0/16').replace('172.17.1.0/24', '172.18.1.0/24'));
	t.deepEqual(send(cluster, 'db'), reached);
	cluster.apply(fixture('test-networkpolicy.yaml').replace('172.17.0.0/16', '172.18.0.0/16').replace('172.17.1.0/24', '172.18.0.0/24'));
	t.deepEqual(send(cluster, 'db'), {timeout: 10});
});

test('egress: a policy on the client allows only the listed destinations and ports', t => {
	const cluster = setup();
	const frontend = podOf(cluster, 'role=frontend');
	cluster.apply({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'frontend-egress'}, spec: {
		podSelector: {matchLabels: {role: 'frontend'}},
		policyTypes: ['Egress'],
		egress: [{to: [{podSelector: {matchLabels: {role: 'db'}}}], ports: [{protocol: 'TCP', port: 'serve'}]}],
	}});
	t.deepEqual(send(cluster, 'db', {from: frontend}), reached);
	t.deepEqual(send(cluster, 'web', {from: frontend}), {timeout: 10});
	// Egress rules listed: the policy types default to both directions.
	cluster.apply({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'both'}, spec: {podSelector: {}, egress: [{}]}});
	t.deepEqual(cluster.get('NetworkPolicy', 'both')!.spec.policyTypes, ['Ingress', 'Egress']);
});

test('NetworkPolicy validation: the API server\'s messages, nothing stored', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const policy = (spec: unknown) => ({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'bad'}, spec});
	t.throws(() => cluster.apply(policy({podSelector: {}, ingress: [{from: [{}], ports: [{port: 70000}]}]})), {
		message: 'NetworkPolicy.networking.k8s.io "bad" is invalid: [spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ingress[0].from[0]: Required value: must specify a peer]',
	});
	t.throws(() => cluster.apply(policy({podSelector: {}, ingress: [{from: [{ipBlock: {cidr: '10.0.0.0/16', except: ['192.168.0.0/24']}, podSelector: {}}]}]})), {
		message: 'NetworkPolicy.networking.k8s.io "bad" is invalid: [spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`, spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer]',
	});
	t.throws(() => cluster.apply(policy({podSelector: {}, egress: [{to: [{ipBlock: {cidr: '10.0.0.0'}}], ports: [{protocol: 'ICMP'}]}]})), {
		message: 'NetworkPolicy.networking.k8s.io "bad" is invalid: [spec.egress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP", spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)]',
	});
	t.throws(() => cluster.apply(policy({podSelector: {}, policyTypes: ['Inbound']})), {
		message: 'NetworkPolicy.networking.k8s.io "bad" is invalid: spec.policyTypes[0]: Unsupported value: "Inbound": supported values: "Ingress", "Egress"',
	});
	t.is(cluster.get('NetworkPolicy', 'bad'), undefined);
});
