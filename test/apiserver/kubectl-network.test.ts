import {readFileSync} from 'node:fs';
import {kubectlSuite} from './harness.js';

const fixtures = new URL('../fixtures/docs/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(fixture('php-apache.yaml'));
	cluster.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: hello-app, image: "gcr.io/google-samples/hello-app:1.0"}]
`);
	cluster.expose('deployment', 'web', {port: 8080});
	cluster.advance(30_000);
}, {what: 'the kubectl tests'});

run('kubectl autoscale (autoscaling/v1 in protobuf) and get hpa: REFERENCE, TARGETS as cpu: 0%/50%, MINPODS, MAXPODS, REPLICAS', async t => {
	const created = await served().kubectl(['autoscale', 'deployment', 'php-apache', '--cpu-percent=50', '--min=1', '--max=10']);
	t.is(created.stdout.trim(), 'horizontalpodautoscaler.autoscaling/php-apache autoscaled', created.stderr);
	served().cluster.advance(30_000);
	const got = await served().kubectl(['get', 'hpa']);
	t.regex(got.stdout, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\n/);
	t.regex(got.stdout, /php-apache\s+Deployment\/php-apache\s+cpu: 0%\/50%\s+1\s+10\s+1\s+\S+\n/);
	const v1 = await served().call('GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/php-apache');
	t.like(JSON.parse(v1.body), {apiVersion: 'autoscaling/v1', spec: {maxReplicas: 10, minReplicas: 1, targetCPUUtilizationPercentage: 50}, status: {currentReplicas: 1, currentCPUUtilizationPercentage: 0}});
	const described = await served().kubectl(['describe', 'hpa', 'php-apache']);
	t.regex(described.stdout, /resource cpu on pods {2}\(as a percentage of request\):\s+0% \(\d+m\) \/ 50%/);
	t.regex(described.stdout, /ScalingActive\s+True\s+ValidMetricFound\s+the HPA was able to successfully calculate a replica count from cpu resource utilization \(percentage of request\)/);
	const invalid = await served().kubectl(['apply', '-f', '-'], fixture('hpa-php-apache.yaml').replace('maxReplicas: 10', 'maxReplicas: 0').replace('name: php-apache\nspec', 'name: bad\nspec'));
	t.is(invalid.code, 1);
	t.is(invalid.stderr.trim(), 'The HorizontalPodAutoscaler "bad" is invalid: \n* spec.maxReplicas: Invalid value: 0: must be greater than 0\n* spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`');
});

run('kubectl create ingress (protobuf), get ing and get ingressclass with the server\'s columns', async t => {
	served().cluster.apply(`apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
`);
	const created = await served().kubectl(['create', 'ingress', 'demo', '--rule=foo.example/bar*=web:8080,tls=my-cert', '--default-backend=web:8080']);
	t.is(created.stdout.trim(), 'ingress.networking.k8s.io/demo created', created.stderr);
	const ingress = served().cluster.get('Ingress', 'demo')!;
	t.is(ingress.spec.ingressClassName, 'nginx');
	t.deepEqual(ingress.spec.rules, [{host: 'foo.example', http: {paths: [{path: '/bar', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 8080}}}}]}}]);
	t.deepEqual(ingress.spec.tls, [{hosts: ['foo.example'], secretName: 'my-cert'}]);
	const got = await served().kubectl(['get', 'ing']);
	t.regex(got.stdout, /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE\ndemo\s+nginx\s+foo\.example\s+80, 443\s+\S+\n$/);
	const classes = await served().kubectl(['get', 'ingressclass']);
	t.regex(classes.stdout, /nginx\s+k8s\.io\/ingress-nginx\s+<none>\s+\S+/);
	const bad = await served().kubectl(['create', 'ingress', 'bad', '--rule=10.0.0.1/=web:8080']);
	t.is(bad.code, 1);
	t.regex(bad.stderr, /spec.rules\[0\].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address/);
});

run('kubectl get netpol and describe it', async t => {
	await served().kubectl(['apply', '-f', '-'], fixture('test-networkpolicy.yaml'));
	const got = await served().kubectl(['get', 'netpol']);
	t.regex(got.stdout, /^NAME\s+POD-SELECTOR\s+AGE\ntest-network-policy\s+role=db\s+\S+\n$/);
	const described = await served().kubectl(['describe', 'netpol', 'test-network-policy']);
	t.regex(described.stdout, /Allowing ingress traffic:\n\s+To Port: 6379\/TCP/);
});
