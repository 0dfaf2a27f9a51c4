import test, {type ExecutionContext} from 'ava';
import {readdirSync, readFileSync} from 'node:fs';
import {createCluster, type Cluster} from '../../source/engine/cluster.js';
import type {KubeEvent, Pod} from '../../source/engine/api/types.js';

/**
 * The Kubernetes docs' manifests in test/fixtures/docs, each run to the
 * state its page documents. A fixture without a documented state here fails.
 */

const folder = new URL('../fixtures/docs/', import.meta.url);

function pods(cluster: Cluster, namespace: string, selector: string): Pod[] {
	return cluster.list('Pod', {namespace, labelSelector: selector}) as Pod[];
}

/** Every pod Running, its containers ready, its image pulled by a known repository (no generic stand-in). */
function allRunningAndReady(t: ExecutionContext, cluster: Cluster, list: Pod[]): void {
	for (const pod of list) {
		t.is(pod.status?.phase, 'Running', pod.metadata.name);
		t.true(pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True'), pod.metadata.name);
		t.true(pod.status?.containerStatuses?.every(s => s.ready && s.restartCount === 0), pod.metadata.name);
		const reasons = (cluster.eventsFor(pod) as KubeEvent[]).map(e => e.reason);
		t.true(reasons.includes('Pulled') && reasons.includes('Started'), pod.metadata.name);
		t.false(reasons.includes('UnknownImage') || reasons.includes('Failed') || reasons.includes('BackOff'), pod.metadata.name);
	}
}

function request(cluster: Cluster, pod: Pod, port: number) {
	const kubelet = cluster.context.services.kubelet as {runtimeFor(n: string): any; containerIdOf(u: string, c: string): string};
	return kubelet.runtimeFor(pod.spec!.nodeName!).handleRequest(kubelet.containerIdOf(pod.metadata.uid, pod.spec!.containers[0]!.name), {port});
}

const documented: Record<string, (t: ExecutionContext, manifest: string) => void> = {
	'frontend-replicaset.yaml'(t, manifest) {
		const cluster = createCluster({seed: 11, nodes: 3});
		cluster.apply(manifest);
		cluster.advance(30_000);
		// kubectl get rs: frontend 3 3 3.
		t.like((cluster.get('ReplicaSet', 'frontend') as any).status, {replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3});
		const frontend = pods(cluster, 'default', 'tier=frontend');
		t.is(frontend.length, 3);
		t.true(frontend.every(p => p.metadata.name.startsWith('frontend-') && p.metadata.ownerReferences?.[0]?.name === 'frontend'));
		allRunningAndReady(t, cluster, frontend);
		t.like(request(cluster, frontend[0]!, 80), {ok: true, status: 200});
	},
	'fluentd-daemonset.yaml'(t, manifest) {
		const cluster = createCluster({seed: 12, nodes: 3});
		// A control-plane node: the DaemonSet tolerates its taint.
		const nodes = cluster.list('Node');
		const control = structuredClone(nodes[0]!) as any;
		control.spec.taints = [{key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule'}];
		cluster.replace(control);
		cluster.apply(manifest);
		cluster.advance(30_000);
		t.like((cluster.get('DaemonSet', 'fluentd-elasticsearch', 'kube-system') as any).status, {desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, numberMisscheduled: 0});
		const agents = pods(cluster, 'kube-system', 'name=fluentd-elasticsearch');
		t.deepEqual(agents.map(p => p.spec!.nodeName).sort(), nodes.map(n => n.metadata.name).sort());
		allRunningAndReady(t, cluster, agents);
		t.true(cluster.logs(agents[0]!.metadata.name, {namespace: 'kube-system'}).some(line => line.endsWith('[info]: #0 fluentd worker is now running worker=0')));
	},
	'namespaces-walkthrough.yaml'(t, manifest) {
		const cluster = createCluster({seed: 13, nodes: 3});
		cluster.apply(manifest);
		cluster.advance(30_000);
		t.like((cluster.get('Namespace', 'development') as any).metadata.labels, {name: 'development'});
		t.like((cluster.get('Deployment', 'snowflake', 'development') as any).status, {replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2});
		t.like((cluster.get('Deployment', 'cattle', 'production') as any).status, {replicas: 5, updatedReplicas: 5, readyReplicas: 5, availableReplicas: 5});
		const snowflake = pods(cluster, 'development', 'app=snowflake');
		t.is(snowflake.length, 2);
		allRunningAndReady(t, cluster, snowflake);
		allRunningAndReady(t, cluster, pods(cluster, 'production', 'app=cattle'));
		// No tag: latest, pulled every time; serve_hostname answers with the pod's name.
		t.is(snowflake[0]!.spec!.containers[0]!.imagePullPolicy, 'Always');
		t.like(request(cluster, snowflake[0]!, 9376), {ok: true, status: 200, body: snowflake[0]!.metadata.name});
	},
	'php-apache.yaml'(t, manifest) {
		// The HPA walkthrough's server: one pod requesting 200m CPU, behind the php-apache Service.
		const cluster = createCluster({seed: 14, nodes: 3});
		cluster.apply(manifest);
		cluster.advance(30_000);
		const server = pods(cluster, 'default', 'run=php-apache');
		t.is(server.length, 1);
		allRunningAndReady(t, cluster, server);
		t.like(request(cluster, server[0]!, 80), {ok: true, status: 200});
		t.is((cluster.get('Endpoints', 'php-apache') as any).subsets[0].addresses.length, 1);
	},
	'hpa-php-apache.yaml'(t, manifest) {
		// HorizontalPodAutoscaler Walkthrough: kubectl get hpa shows cpu: 0%/50% and 1 replica; the load generator's
		// wget loop drives it to 7 replicas; once the generator is gone it scales back to 1 after the 5-minute window.
		const cluster = createCluster({seed: 15, nodes: 3});
		cluster.apply(readFileSync(new URL('php-apache.yaml', folder), 'utf8'));
		cluster.apply(manifest);
		cluster.advance(60_000);
		t.like((cluster.get('HorizontalPodAutoscaler', 'php-apache') as any).status, {currentReplicas: 1, desiredReplicas: 1, currentMetrics: [{type: 'Resource', resource: {name: 'cpu', current: {averageUtilization: 0}}}]});
		// kubectl run -i --tty load-generator --rm --image=busybox:1.28 --restart=Never -- /bin/sh -c "while sleep 0.01; do wget -q -O- http://php-apache; done"
		cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'load-generator', labels: {run: 'load-generator'}}, spec: {restartPolicy: 'Never', containers: [{name: 'load-generator', image: 'busybox:1.28', args: ['/bin/sh', '-c', 'while sleep 0.01; do wget -q -O- http://php-apache; done']}]}});
		cluster.advance(3 * 60_000);
		t.is((cluster.get('Deployment', 'php-apache') as any).status.readyReplicas, 7);
		t.deepEqual(cluster.logs('load-generator', {tail: 3}), ['OK!', 'OK!', 'OK!']);
		const events = (cluster.eventsFor(cluster.get('HorizontalPodAutoscaler', 'php-apache')!) as KubeEvent[]).filter(e => e.reason === 'SuccessfulRescale').map(e => e.message);
		t.is(events[0], 'New size: 4; reason: cpu resource utilization (percentage of request) above target');
		cluster.delete('Pod', 'load-generator');
		cluster.advance(7 * 60_000);
		t.is((cluster.get('Deployment', 'php-apache') as any).spec.replicas, 1);
	},
	'example-ingress.yaml'(t, manifest) {
		// Set up Ingress with the NGINX Ingress Controller: web (hello-app 1.0) answers for hello-world.example.
		const cluster = createCluster({seed: 16, nodes: 2, ingressNginx: true});
		cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', labels: {app: 'web'}}, spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'hello-app', image: 'gcr.io/google-samples/hello-app:1.0'}]}}}});
		cluster.expose('deployment', 'web', {type: 'NodePort', port: 8080});
		cluster.apply(manifest);
		cluster.advance(30_000);
		t.truthy((cluster.get('Ingress', 'example-ingress') as any).status.loadBalancer.ingress[0].ip);
		cluster.startTraffic('ingress-nginx-controller', {namespace: 'ingress-nginx', host: 'hello-world.example', rps: 5});
		cluster.advance(2000);
		t.deepEqual(cluster.trafficStats('ingress-nginx-controller', {namespace: 'ingress-nginx', host: 'hello-world.example'}).outcomes, {200: 10});
		const web = pods(cluster, 'default', 'app=web')[0]!;
		t.like(request(cluster, web, 8080), {ok: true, status: 200, body: `Hello, world!\nVersion: 1.0.0\nHostname: ${web.metadata.name}\n`});
	},
	'test-networkpolicy.yaml'(t, manifest) {
		const cluster = createCluster({seed: 17, nodes: 1});
		cluster.apply(manifest);
		t.like((cluster.get('NetworkPolicy', 'test-network-policy') as any).spec, {policyTypes: ['Ingress', 'Egress'], ingress: [{ports: [{protocol: 'TCP', port: 6379}]}]});
	},
	'network-policy-default-deny-ingress.yaml'(t, manifest) {
		// Every pod of the namespace is isolated for ingress: requests time out.
		const cluster = createCluster({seed: 18, nodes: 2});
		cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25', ports: [{containerPort: 80}]}]}}}});
		cluster.expose('deployment', 'web', {port: 80});
		cluster.apply(manifest);
		cluster.advance(30_000);
		cluster.startTraffic('web', {rps: 5});
		cluster.advance(2000);
		t.deepEqual(cluster.trafficStats('web').outcomes, {timeout: 10});
	},
	'rbac-examples.yaml'(t, manifest) {
		const cluster = createCluster({seed: 14, nodes: 1});
		cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'development'}});
		cluster.apply(manifest);
		cluster.advance(1000);
		const can = (user: string, verb: string, resource: string, namespace?: string, groups?: string[]) => cluster.authorize({user, groups}, {verb, resource, namespace}).allowed;
		// jane reads pods in default only; dave reads secrets in development only; the manager group reads secrets anywhere.
		t.true(can('jane', 'list', 'pods', 'default'));
		t.false(can('jane', 'list', 'pods', 'kube-system'));
		t.false(can('jane', 'delete', 'pods', 'default'));
		t.true(can('dave', 'get', 'secrets', 'development'));
		t.false(can('dave', 'get', 'secrets', 'default'));
		t.true(can('alice', 'watch', 'secrets', 'kube-system', ['manager']));
		t.true(can('alice', 'list', 'secrets', undefined, ['manager']));
		// The aggregated roles: monitoring gathers monitoring-endpointslices; view, edit and admin gain crontabs.
		t.deepEqual((cluster.get('ClusterRole', 'monitoring') as any).rules, (cluster.get('ClusterRole', 'monitoring-endpointslices') as any).rules);
		const crontabs = (role: string) => ((cluster.get('ClusterRole', role) as any).rules as any[]).filter(r => r.resources.includes('crontabs')).flatMap(r => r.verbs).sort();
		t.deepEqual(crontabs('view'), ['get', 'list', 'watch']);
		t.deepEqual(crontabs('edit'), ['create', 'delete', 'get', 'get', 'list', 'list', 'patch', 'update', 'watch', 'watch']);
		t.true(crontabs('admin').includes('delete'));
	},
	'crd-crontab.yaml'(t, manifest) {
		// kubectl apply -f resourcedefinition.yaml, then my-crontab.yaml; kubectl get crontab / ct.
		const cluster = createCluster({seed: 15, nodes: 1});
		cluster.apply(manifest);
		cluster.advance(1000);
		cluster.apply(docsFile('crd-my-crontab.yaml'));
		t.deepEqual(cluster.list('ct').map(o => o.metadata.name), ['my-new-cron-object']);
		t.like(cluster.get('crontab', 'my-new-cron-object'), {apiVersion: 'stable.example.com/v1', kind: 'CronTab', spec: {cronSpec: '* * * * */5', image: 'my-awesome-cron-image'}});
		// Deleting the definition deletes the objects and the endpoint.
		cluster.delete('CustomResourceDefinition', 'crontabs.stable.example.com');
		cluster.advance(1000);
		t.throws(() => cluster.list('crontabs'), {message: 'the server doesn\'t have a resource type "crontabs"'});
	},
	'crd-my-crontab.yaml'(t, manifest) {
		const cluster = createCluster({seed: 15, nodes: 1});
		cluster.apply(docsFile('crd-crontab.yaml'));
		cluster.advance(1000);
		t.is(cluster.apply(manifest)[0]!.metadata.name, 'my-new-cron-object');
	},
	'crd-crontab-validation.yaml'(t, manifest) {
		const cluster = createCluster({seed: 15, nodes: 1});
		cluster.apply(manifest);
		cluster.advance(1000);
		t.throws(() => cluster.apply(docsFile('crd-my-crontab-invalid.yaml')), {message: /^CronTab.stable.example.com "my-new-cron-object" is invalid: \[spec.cronSpec: Invalid value: "\* \* \* \*": spec.cronSpec in body should match .*, spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10\]$/});
		t.is(cluster.list('crontabs').length, 0);
	},
	'crd-my-crontab-invalid.yaml'(t, manifest) {
		// Valid under the first schema (no pattern or bounds), refused under the validation one.
		const cluster = createCluster({seed: 15, nodes: 1});
		cluster.apply(docsFile('crd-crontab.yaml'));
		cluster.advance(1000);
		t.like(cluster.apply(manifest)[0], {spec: {replicas: 15}});
	},
	'crd-crontab-defaults-columns.yaml'(t, manifest) {
		const cluster = createCluster({seed: 15, nodes: 1});
		cluster.apply(manifest);
		cluster.advance(1000);
		// The docs' object without cronSpec or replicas gets both defaults.
		const [stored] = cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'my-new-cron-object'}, spec: {image: 'my-awesome-cron-image'}});
		t.like(stored, {spec: {cronSpec: '5 0 * * *', image: 'my-awesome-cron-image', replicas: 1}});
	},
};

function docsFile(file: string): string {
	return readFileSync(new URL(file, folder), 'utf8');
}

test('every docs fixture has its documented state here', t => {
	t.deepEqual(readdirSync(folder).filter(f => f.endsWith('.yaml')).sort(), Object.keys(documented).sort());
});

for (const [file, check] of Object.entries(documented)) {
	test(`docs fixture ${file} reaches its documented state`, t => {
		check(t, readFileSync(new URL(file, folder), 'utf8'));
	});
}
