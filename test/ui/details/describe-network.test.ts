import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster} from '../../../source/engine/index.js';
import {describe} from '../../../source/ui/details/describe/describe.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/docs/${name}`, import.meta.url), 'utf8');

test('describe hpa: kubectl\'s layout, metrics as ( current / target ), conditions and events', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	cluster.apply(fixture('php-apache.yaml'));
	cluster.apply(fixture('hpa-php-apache.yaml'));
	cluster.advance(60_000);
	const text = describe(cluster.get('HorizontalPodAutoscaler', 'php-apache')!, cluster);
	const usage = (cluster.get('HorizontalPodAutoscaler', 'php-apache') as any).status.currentMetrics[0].resource.current.averageValue;
	t.is(text.split('\nEvents:')[0], [
		'Name:                                                  php-apache',
		'Namespace:                                             default',
		'Labels:                                                <none>',
		'Annotations:                                           <none>',
		'CreationTimestamp:                                     Thu, 01 Jan 2026 09:00:00 +0000',
		'Reference:                                             Deployment/php-apache',
		'Metrics:                                               ( current / target )',
		`  resource cpu on pods  (as a percentage of request):  0% (${usage}) / 50%`,
		'Min replicas:                                          1',
		'Max replicas:                                          10',
		'Deployment pods:                                       1 current / 1 desired',
		'Conditions:',
		'  Type            Status  Reason            Message',
		'  ----            ------  ------            -------',
		'  AbleToScale     True    ReadyForNewScale  recommended size matches current size',
		'  ScalingActive   True    ValidMetricFound  the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
		'  ScalingLimited  True    TooFewReplicas    the desired replica count is less than the minimum replica count',
	].join('\n'));
	t.regex(text, /Warning\s+FailedGetResourceMetric\s+\S+\s+horizontal-pod-autoscaler\s+failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API/);
});

test('describe ingress and networkpolicy: kubectl\'s text', t => {
	const cluster = createCluster({seed: 3, nodes: 2, ingressNginx: true});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'hello-app', image: 'gcr.io/google-samples/hello-app:1.0'}]}}}});
	cluster.expose('deployment', 'web', {type: 'NodePort', port: 8080});
	cluster.apply(fixture('example-ingress.yaml'));
	cluster.apply({apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'secure'}, spec: {
		tls: [{hosts: ['secure.example'], secretName: 'hello-tls'}],
		defaultBackend: {service: {name: 'web', port: {number: 8080}}},
		rules: [{host: 'secure.example', http: {paths: [
			{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 8080}}}},
			{path: '/api', pathType: 'Exact', backend: {service: {name: 'nope', port: {name: 'http'}}}},
		]}}],
	}});
	cluster.apply(fixture('test-networkpolicy.yaml'));
	cluster.advance(30_000);
	const ip = (cluster.get('Ingress', 'example-ingress') as any).status.loadBalancer.ingress[0].ip;
	const pod = cluster.list('Pod', {labelSelector: 'app=web'})[0]!.status!.podIP;
	t.is(describe(cluster.get('Ingress', 'example-ingress')!, cluster).split('\nEvents:')[0], [
		'Name:             example-ingress',
		'Labels:           <none>',
		'Namespace:        default',
		`Address:          ${ip}`,
		'Ingress Class:    nginx',
		'Default backend:  <default>',
		'Rules:',
		'  Host                 Path  Backends',
		'  ----                 ----  --------',
		// kubectl pads the host cell with trailing spaces; the dashboard's tab writer trims line ends.
		'  hello-world.example',
		`                       /   web:8080 (${pod}:8080)`,
		'Annotations:           <none>',
	].join('\n'));
	t.is(describe(cluster.get('Ingress', 'secure')!, cluster).split('\nEvents:')[0], [
		'Name:             secure',
		'Labels:           <none>',
		'Namespace:        default',
		`Address:          ${ip}`,
		'Ingress Class:    nginx',
		`Default backend:  web:8080 (${pod}:8080)`,
		'TLS:',
		'  hello-tls terminates secure.example',
		'Rules:',
		'  Host            Path  Backends',
		'  ----            ----  --------',
		'  secure.example',
		`                  /      web:8080 (${pod}:8080)`,
		'                  /api   nope:http (<error: services "nope" not found>)',
		'Annotations:      <none>',
	].join('\n'));
	t.is(describe(cluster.get('NetworkPolicy', 'test-network-policy')!, cluster).split('\nEvents:')[0], [
		'Name:         test-network-policy',
		'Namespace:    default',
		'Created on:   2026-01-01 09:00:00 +0000 UTC',
		'Labels:       <none>',
		'Annotations:  <none>',
		'Spec:',
		'  PodSelector:     role=db',
		'  Allowing ingress traffic:',
		'    To Port: 6379/TCP',
		'    From:',
		'      IPBlock:',
		'        CIDR: 172.17.0.0/16',
		'        Except: 172.17.1.0/24',
		'    From:',
		'      NamespaceSelector: project=myproject',
		'    From:',
		'      PodSelector: role=frontend',
		'  Allowing egress traffic:',
		'    To Port: 5978/TCP',
		'    To:',
		'      IPBlock:',
		'        CIDR: 10.0.0.0/24',
		'        Except:',
		'  Policy Types: Ingress, Egress',
	].join('\n'));
});
