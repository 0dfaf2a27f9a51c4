import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster} from '../../../source/engine/index.js';
import {buildXray, flattenXray} from '../../../source/ui/xray/xray-tree.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/docs/${name}`, import.meta.url), 'utf8');

test('deployment xray: the HorizontalPodAutoscaler that scales it, with its target and range', t => {
	const cluster = createCluster({seed: 4, nodes: 2});
	cluster.apply(fixture('php-apache.yaml'));
	cluster.apply(fixture('hpa-php-apache.yaml'));
	cluster.advance(60_000);
	const rows = flattenXray(buildXray(cluster, 'Deployment', 'default'));
	const hpa = rows.find(r => r.node.kind === 'HorizontalPodAutoscaler')!;
	t.is(hpa.prefix, '   ├─ ');
	t.is(hpa.node.info, 'cpu 0%/50% 1/1-10');
	t.is(hpa.node.health, 'ok');
	cluster.delete('Deployment', 'php-apache');
	cluster.apply(fixture('php-apache.yaml').replace('cpu: 500m', 'memory: 128Mi').replace('cpu: 200m', 'memory: 64Mi'));
	cluster.advance(40_000);
	const failing = flattenXray(buildXray(cluster, 'Deployment', 'default')).find(r => r.node.kind === 'HorizontalPodAutoscaler')!;
	// No CPU request (nor a CPU limit, which a pod's request would default to): ScalingActive is False.
	t.is(failing.node.health, 'fault');
});

test('ingress xray: class, hosts and address, then each backend Service with its pods; a missing one is a fault', t => {
	const cluster = createCluster({seed: 4, nodes: 2, ingressNginx: true});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'hello-app', image: 'gcr.io/google-samples/hello-app:1.0'}]}}}});
	cluster.expose('deployment', 'web', {port: 8080});
	cluster.apply(fixture('example-ingress.yaml').replace('                  number: 8080\n', '                  number: 8080\n          - path: /old\n            pathType: Prefix\n            backend:\n              service:\n                name: legacy\n                port:\n                  number: 80\n'));
	cluster.advance(30_000);
	const rows = flattenXray(buildXray(cluster, 'Ingress', 'default'));
	const ip = (cluster.get('Ingress', 'example-ingress') as any).status.loadBalancer.ingress[0].ip;
	t.deepEqual(rows.map(r => `${r.prefix}${r.node.kind}/${r.node.name} ${r.node.health}`), [
		'Namespace/default fault',
		'└─ Ingress/example-ingress fault',
		'   ├─ Service/web ok',
		`   │  └─ Pod/${cluster.list('Pod', {labelSelector: 'app=web'})[0]!.metadata.name} ok`,
		'   │     └─ Container/hello-app ok',
		'   └─ Service/legacy fault',
	]);
	t.is(rows[1]!.node.info, `nginx hello-world.example ${ip}`);
});

test('networkpolicy xray: the pods it selects', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'db', labels: {role: 'db'}}, spec: {containers: [{name: 'redis', image: 'redis:7.2'}]}});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'other'}, spec: {containers: [{name: 'redis', image: 'redis:7.2'}]}});
	cluster.apply(fixture('test-networkpolicy.yaml'));
	cluster.advance(20_000);
	const rows = flattenXray(buildXray(cluster, 'NetworkPolicy', 'default'));
	t.deepEqual(rows.map(r => `${r.node.kind}/${r.node.name}`), ['Namespace/default', 'NetworkPolicy/test-network-policy', 'Pod/db', 'Container/redis']);
	t.is(rows[1]!.node.info, 'Ingress+Egress 1 pods');
});
