import test from 'ava';
import fc from 'fast-check';
import {createCluster, KubeError, type Cluster, type KubeObject} from '../../../source/engine/index.js';
import {inServiceCidr} from '../../../source/engine/controllers/service.js';

const deployment = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
	apiVersion: 'apps/v1', kind: 'Deployment',
	metadata: {name, labels: {app: name}},
	spec: {
		replicas,
		selector: {matchLabels: {app: name}},
		template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'web', image: 'nginx:1.25', ports: [{name: 'http', containerPort: 80}], ...extra}]}},
	},
});

const service = (name: string, spec: Record<string, unknown>) => ({apiVersion: 'v1', kind: 'Service', metadata: {name}, spec});

function throwsKube(t: any, fn: () => unknown, code: string, message: string | RegExp): void {
	const error = t.throws(fn, {instanceOf: KubeError}) as KubeError;
	t.is(error.code, code);
	if (typeof message === 'string') t.is(error.message, message);
	else t.regex(error.message, message);
}

function snapshot(cluster: Cluster): string {
	return JSON.stringify(['Service', 'Endpoints', 'EndpointSlice', 'Pod'].map(kind => cluster.list(kind)));
}

function addresses(cluster: Cluster, name: string): {ready: string[]; notReady: string[]} {
	const endpoints = cluster.get('endpoints', name);
	const ready: string[] = [];
	const notReady: string[] = [];
	for (const subset of endpoints?.['subsets'] as any[] ?? []) {
		for (const a of subset.addresses ?? []) ready.push(a.targetRef.name);
		for (const a of subset.notReadyAddresses ?? []) notReady.push(a.targetRef.name);
	}
	return {ready: ready.sort(), notReady: notReady.sort()};
}

function slices(cluster: Cluster, name: string): KubeObject[] {
	return cluster.list('endpointslice', {labelSelector: `kubernetes.io/service-name=${name}`});
}

test('the kubernetes Service holds 10.96.0.1 and points at the API server', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const kubernetes = cluster.get('service', 'kubernetes')!;
	t.is(kubernetes.spec.clusterIP, '10.96.0.1');
	t.deepEqual(kubernetes.spec.ports, [{name: 'https', port: 443, protocol: 'TCP', targetPort: 6443}]);
	t.deepEqual((cluster.get('endpoints', 'kubernetes') as any).subsets[0].ports, [{name: 'https', port: 6443, protocol: 'TCP'}]);
	throwsKube(t, () => cluster.apply(service('other', {clusterIP: '10.96.0.1', ports: [{port: 80}]})), 'Invalid',
		'Service "other" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.1": failed to allocate IP 10.96.0.1: provided IP is already allocated');
	cluster.delete('service', 'kubernetes');
	cluster.advance(100);
	t.is(cluster.get('service', 'kubernetes')?.spec.clusterIP, '10.96.0.1', 'the API server puts it back');
	t.truthy(cluster.get('endpoints', 'kubernetes'));
});

test('a Service is defaulted and gets a ClusterIP from 10.96.0.0/12; an update keeps it', t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	const [created] = cluster.apply(service('web', {selector: {app: 'web'}, ports: [{port: 80}]}));
	const spec = created!.spec;
	t.is(spec.type, 'ClusterIP');
	t.is(spec.sessionAffinity, 'None');
	t.is(spec.internalTrafficPolicy, 'Cluster');
	t.deepEqual(spec.ipFamilies, ['IPv4']);
	t.is(spec.ipFamilyPolicy, 'SingleStack');
	t.deepEqual(spec.ports, [{port: 80, protocol: 'TCP', targetPort: 80}]);
	t.true(inServiceCidr(spec.clusterIP), spec.clusterIP);
	t.deepEqual(spec.clusterIPs, [spec.clusterIP]);
	t.deepEqual(created!.status, {loadBalancer: {}});
	const [updated] = cluster.apply(service('web', {selector: {app: 'web'}, ports: [{port: 8080}]}));
	t.is(updated!.spec.clusterIP, spec.clusterIP);
	throwsKube(t, () => cluster.apply(service('web', {clusterIP: '10.96.5.5', ports: [{port: 80}]})), 'Invalid',
		'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.5.5": may not change once set');
	const [headless] = cluster.apply(service('db', {clusterIP: 'None', selector: {app: 'db'}}));
	t.is(headless!.spec.clusterIP, 'None');
	t.deepEqual(headless!.spec.clusterIPs, ['None']);
	const [fixed] = cluster.apply(service('pinned', {clusterIP: '10.96.0.10', ports: [{port: 53, protocol: 'UDP'}]}));
	t.is(fixed!.spec.clusterIP, '10.96.0.10');
	const ips = cluster.list('service').map(s => s.spec.clusterIP).filter(ip => ip !== 'None');
	t.is(new Set(ips).size, ips.length);
});

test('NodePorts are allocated in 30000-32767; out-of-range and duplicate ports are refused with the API server\'s words', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	const [auto] = cluster.apply(service('a', {type: 'NodePort', selector: {app: 'a'}, ports: [{name: 'http', port: 80}, {name: 'https', port: 443}]}));
	const ports = auto!.spec.ports.map((p: {nodePort: number}) => p.nodePort);
	t.true(ports.every((p: number) => p >= 30_000 && p <= 32_767), String(ports));
	t.not(ports[0], ports[1]);
	t.is(auto!.spec.externalTrafficPolicy, 'Cluster');
	const [again] = cluster.apply(service('a', {type: 'NodePort', selector: {app: 'a'}, ports: [{name: 'http', port: 80}, {name: 'https', port: 443}]}));
	t.deepEqual(again!.spec.ports.map((p: {nodePort: number}) => p.nodePort), ports, 'an update keeps its NodePorts');
	cluster.apply(service('b', {type: 'NodePort', ports: [{port: 80, nodePort: 30080}]}));
	const cases: Array<[string, unknown, string]> = [
		['out of range', service('c', {type: 'NodePort', ports: [{port: 80, nodePort: 80}]}),
			'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767'],
		['taken', service('c', {type: 'NodePort', ports: [{port: 80, nodePort: 30080}]}),
			'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'],
		['twice in one Service', service('c', {type: 'NodePort', ports: [{name: 'a', port: 80, nodePort: 31000}, {name: 'b', port: 81, nodePort: 31000}]}),
			'Service "c" is invalid: spec.ports[1].nodePort: Invalid value: 31000: provided port is already allocated'],
		['on a ClusterIP Service', service('c', {ports: [{port: 80, nodePort: 31000}]}),
			"Service \"c\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
	];
	for (const [name, manifest, message] of cases) {
		const before = snapshot(cluster);
		throwsKube(t, () => cluster.apply(manifest as any), 'Invalid', message);
		t.is(snapshot(cluster), before, name);
	}
	// A batch with a bad second document writes neither.
	const before = snapshot(cluster);
	throwsKube(t, () => cluster.apply([service('d', {type: 'NodePort', ports: [{port: 80, nodePort: 31500}]}), service('e', {type: 'NodePort', ports: [{port: 80, nodePort: 31500}]})]), 'Invalid', /e" is invalid: .*already allocated/);
	t.is(snapshot(cluster), before);
});

test('Service validation: ports, names, protocols, types, headless NodePort', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	const cases: Array<[Record<string, unknown>, string]> = [
		[{selector: {app: 'x'}}, 'spec.ports: Required value'],
		[{ports: [{port: 0, targetPort: 80}]}, 'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
		[{ports: [{port: 80, targetPort: 'no_such--name'}]}, "spec.ports[0].targetPort: Invalid value: \"no_such--name\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), contain at least one letter (a-z), not start or end with a hyphen, and not contain consecutive hyphens, and be no more than 15 characters"],
		[{ports: [{port: 80}, {port: 81}]}, '[spec.ports[0].name: Required value, spec.ports[1].name: Required value]'],
		[{ports: [{name: 'a', port: 80}, {name: 'a', port: 81}]}, 'spec.ports[1].name: Duplicate value: "a"'],
		[{ports: [{port: 80, protocol: 'HTTP'}]}, 'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
		[{type: 'Magic', ports: [{port: 80}]}, 'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
		[{type: 'NodePort', clusterIP: 'None', ports: [{port: 80}]}, "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"],
		[{type: 'ExternalName'}, 'spec.externalName: Required value'],
		[{sessionAffinity: 'Sticky', ports: [{port: 80}]}, 'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
		[{clusterIP: '1.2.3.4', ports: [{port: 80}]}, 'spec.clusterIPs[0]: Invalid value: "1.2.3.4": failed to allocate IP 1.2.3.4: the provided IP (1.2.3.4) is not in the valid range. The range of valid IPs is 10.96.0.0/12'],
	];
	for (const [spec, message] of cases) {
		const before = snapshot(cluster);
		throwsKube(t, () => cluster.apply(service('bad', spec)), 'Invalid', `Service "bad" is invalid: ${message}`);
		t.is(snapshot(cluster), before);
	}
	throwsKube(t, () => cluster.apply(service('Bad', {ports: [{port: 80}]})), 'Invalid', /^Service "Bad" is invalid: metadata\.name: Invalid value: "Bad": a DNS-1035 label/);
	const [external] = cluster.apply(service('ext', {type: 'ExternalName', externalName: 'example.com'}));
	t.is(external!.spec.clusterIP, undefined);
});

test('LoadBalancer Services get an external IP from the simulated cloud, with the controller\'s events', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	const [lb] = cluster.apply(service('front', {type: 'LoadBalancer', selector: {app: 'front'}, ports: [{port: 80}]}));
	t.true(lb!.spec.allocateLoadBalancerNodePorts);
	t.true(lb!.spec.ports[0].nodePort >= 30_000);
	t.deepEqual(lb!.status, {loadBalancer: {}}, 'EXTERNAL-IP <pending> at first');
	cluster.advance(10_000);
	const ready = cluster.get('service', 'front')!;
	t.deepEqual(ready.status.loadBalancer.ingress, [{ip: '172.18.255.200', ipMode: 'VIP'}]);
	t.true(ready.metadata.finalizers?.includes('service.kubernetes.io/load-balancer-cleanup'));
	t.deepEqual(cluster.eventsFor(ready).map(e => e['reason']), ['EnsuringLoadBalancer', 'EnsuredLoadBalancer']);
	cluster.apply(service('second', {type: 'LoadBalancer', ports: [{port: 80}]}));
	cluster.advance(10_000);
	t.is(cluster.get('service', 'second')!.status.loadBalancer.ingress[0].ip, '172.18.255.201');
	cluster.delete('service', 'front');
	cluster.advance(1000);
	t.is(cluster.get('service', 'front'), undefined);
	t.true(cluster.eventsFor(ready).map(e => e['reason']).includes('DeletedLoadBalancer'));
	cluster.apply(service('third', {type: 'LoadBalancer', ports: [{port: 80}]}));
	cluster.advance(10_000);
	t.is(cluster.get('service', 'third')!.status.loadBalancer.ingress[0].ip, '172.18.255.200', 'the released address is reused');
});

test('Endpoints and EndpointSlices follow pod readiness, hold notReadyAddresses, and drop deleted pods', t => {
	const cluster = createCluster({seed: 6, nodes: 2});
	cluster.apply(deployment('web', 3, {readinessProbe: {httpGet: {path: '/', port: 80}, initialDelaySeconds: 30, periodSeconds: 5}}));
	cluster.apply(service('web', {selector: {app: 'web'}, ports: [{name: 'http', port: 80, targetPort: 'http'}]}));
	cluster.advance(15_000);
	let current = addresses(cluster, 'web');
	t.is(current.ready.length, 0);
	t.is(current.notReady.length, 3, 'running but not yet ready');
	const [slice] = slices(cluster, 'web');
	t.is(slice!.metadata.labels!['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
	t.is(slice!.metadata.ownerReferences![0]!.kind, 'Service');
	t.deepEqual(slice!['ports'], [{name: 'http', port: 80, protocol: 'TCP'}], 'the named target port resolves to the container port');
	t.true((slice!['endpoints'] as any[]).every(e => e.conditions.ready === false && e.conditions.serving === false));
	cluster.advance(30_000);
	current = addresses(cluster, 'web');
	t.is(current.ready.length, 3);
	t.is(current.notReady.length, 0);
	const endpoints = slices(cluster, 'web')[0]!['endpoints'] as any[];
	t.true(endpoints.every(e => e.conditions.ready && e.nodeName && e.zone && e.targetRef.kind === 'Pod'));
	const gone = current.ready[0]!;
	cluster.delete('pod', gone);
	cluster.advance(100);
	t.false(addresses(cluster, 'web').ready.includes(gone), 'a terminating pod leaves Endpoints at once');
	const terminating = (slices(cluster, 'web')[0]!['endpoints'] as any[]).find(e => e.targetRef.name === gone);
	t.like(terminating?.conditions, {ready: false, terminating: true}, 'slices keep it as terminating');
	cluster.advance(60_000);
	t.is(addresses(cluster, 'web').ready.length, 3);
	t.false(addresses(cluster, 'web').ready.includes(gone));
	cluster.delete('service', 'web');
	cluster.advance(100);
	t.is(cluster.get('endpoints', 'web'), undefined);
	t.is(slices(cluster, 'web').length, 0);
});

test('a headless Service publishes pod hostnames for pods whose subdomain names it', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	cluster.apply(service('db', {clusterIP: 'None', selector: {app: 'db'}, ports: [{port: 5432}]}));
	cluster.apply(['db-0', 'db-1'].map(name => ({
		apiVersion: 'v1', kind: 'Pod', metadata: {name, labels: {app: 'db'}},
		spec: {hostname: name, subdomain: 'db', containers: [{name: 'db', image: 'nginx:1.25'}]},
	})));
	cluster.advance(30_000);
	const endpoints = cluster.get('endpoints', 'db') as any;
	t.deepEqual(endpoints.subsets[0].addresses.map((a: {hostname: string}) => a.hostname).sort(), ['db-0', 'db-1']);
	t.is(endpoints.metadata.labels['service.kubernetes.io/headless'], '');
	t.deepEqual((slices(cluster, 'db')[0]!['endpoints'] as any[]).map(e => e.hostname).sort(), ['db-0', 'db-1']);
	t.is(cluster.get('endpoints', 'kubernetes')!.metadata.name, 'kubernetes');
});

test('expose builds the Service from the resource as kubectl does, and refuses in kubectl\'s words', t => {
	const cluster = createCluster({seed: 8, nodes: 1});
	cluster.apply(deployment('web', 2));
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'naked'}, spec: {containers: [{name: 'c', image: 'busybox:1.36'}]}});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'portless', labels: {app: 'portless'}}, spec: {containers: [{name: 'c', image: 'busybox:1.36'}]}});
	cluster.advance(10_000);
	const svc = cluster.expose('deployment', 'web', {port: 80, targetPort: 8080, type: 'NodePort'});
	t.is(svc.metadata.name, 'web');
	t.deepEqual(svc.metadata.labels, {app: 'web'});
	t.deepEqual(svc.spec.selector, {app: 'web'});
	t.is(svc.spec.type, 'NodePort');
	t.like(svc.spec.ports[0], {port: 80, targetPort: 8080, protocol: 'TCP'});
	t.true(svc.spec.ports[0].nodePort >= 30_000);
	const introspected = cluster.expose('deployment', 'web', {name: 'web-direct'});
	t.deepEqual(introspected.spec.ports, [{port: 80, protocol: 'TCP', targetPort: 80}]);
	const cases: Array<[() => unknown, string, string]> = [
		[() => cluster.expose('deployment', 'web', {port: 80}), 'AlreadyExists', 'services "web" already exists'],
		[() => cluster.expose('deployment', 'nope', {port: 80}), 'NotFound', 'deployments.apps "nope" not found'],
		[() => cluster.expose('pod', 'portless', {}), 'BadRequest', "couldn't find port via --port flag or introspection"],
		[() => cluster.expose('pod', 'naked', {port: 80}), 'BadRequest', 'the pod has no labels and cannot be exposed'],
		[() => cluster.expose('configmap', 'x', {port: 80}), 'BadRequest', 'cannot expose a ConfigMap'],
		[() => cluster.expose('deployment', 'web', {port: 80, name: 'web2', type: 'Bogus'}), 'Invalid', 'Service "web2" is invalid: spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
		[() => cluster.expose('deployment', 'web', {port: 70_000, name: 'web3'}), 'BadRequest', 'invalid argument "70000" for "--port" flag: must be an integer between 1 and 65535'],
	];
	for (const [fn, code, message] of cases) {
		const before = snapshot(cluster);
		throwsKube(t, fn, code, message);
		t.is(snapshot(cluster), before);
	}
	const fromPod = cluster.expose('pod', 'portless', {port: 9000, name: 'portless-svc'});
	t.deepEqual(fromPod.spec.selector, {app: 'portless'});
	cluster.advance(1000);
	t.deepEqual(addresses(cluster, 'web').ready.length, 2);
});

test('traffic spreads over ready endpoints, counts per pod, and fails when none is ready', t => {
	const cluster = createCluster({seed: 9, nodes: 3});
	cluster.apply(deployment('web', 3));
	cluster.expose('deployment', 'web', {port: 80});
	cluster.advance(20_000);
	cluster.startTraffic('web', {rps: 30});
	cluster.advance(10_000);
	let stats = cluster.trafficStats('web');
	t.is(stats.total, 300);
	t.is(stats.failed, 0);
	t.deepEqual(Object.values(stats.perPod).sort(), [100, 100, 100]);
	t.is(stats.recent.length, 10);
	t.deepEqual(stats.recent.at(-1), {time: cluster.now(), requests: 30, failed: 0});
	cluster.scale('deployment', 'web', 0);
	cluster.advance(5000);
	stats = cluster.trafficStats('web');
	t.true(stats.recent.at(-1)!.failed === 30, 'no endpoint: every request fails');
	const failedSoFar = stats.failed;
	cluster.scale('deployment', 'web', 1);
	cluster.advance(20_000);
	stats = cluster.trafficStats('web');
	t.is(stats.recent.at(-1)!.failed, 0);
	t.true(failedSoFar >= 4 * 30);
	t.is(stats.failed, failedSoFar + stats.recent.slice(-20).reduce((sum, s) => sum + s.failed, 0));
	const stopped = cluster.stopTraffic('web');
	t.false(stopped.running);
	cluster.advance(10_000);
	t.is(cluster.trafficStats('web').total, stopped.total, 'nothing is sent after stop');
	t.is(stats.total, stats.succeeded + stats.failed);
});

test('traffic to pods on a killed node fails until the node controller takes them out of the endpoints', t => {
	const cluster = createCluster({seed: 10, nodes: 3});
	cluster.apply(deployment('web', 3));
	cluster.expose('deployment', 'web', {port: 80});
	cluster.advance(20_000);
	const victim = cluster.list('pod')[0]!.spec.nodeName as string;
	cluster.startTraffic('web', {rps: 9});
	cluster.advance(5000);
	cluster.killNode(victim);
	cluster.advance(20_000);
	t.true(cluster.trafficStats('web').recent.at(-1)!.failed > 0, 'requests to the dead pod time out');
	cluster.advance(60_000);
	t.is(cluster.trafficStats('web').recent.at(-1)!.failed, 0, 'once NotReady, the pod is out of the rotation');
});

test('traffic commands refuse bad input', t => {
	const cluster = createCluster({seed: 11, nodes: 1});
	cluster.apply(service('web', {selector: {app: 'web'}, ports: [{port: 80}]}));
	throwsKube(t, () => cluster.startTraffic('nope'), 'NotFound', 'services "nope" not found');
	throwsKube(t, () => cluster.startTraffic('web', {rps: -1}), 'BadRequest', 'rps: Invalid value: -1: must be greater than 0 and at most 100000');
	throwsKube(t, () => cluster.stopTraffic('web'), 'BadRequest', 'no traffic is running to service "default/web"');
	throwsKube(t, () => cluster.trafficStats('web'), 'BadRequest', 'no traffic has been sent to service "default/web"; start it with startTraffic');
	cluster.startTraffic('web', {rps: 0.5});
	cluster.advance(4000);
	const stats = cluster.trafficStats('web');
	t.is(stats.total, 2, 'fractional rates carry over');
	t.is(stats.failed, 2, 'no pods behind the Service');
});

test('traffic shows a rolling update with readiness gates as zero-downtime, and Recreate as an outage', t => {
	const run = (strategy: Record<string, unknown>) => {
		const cluster = createCluster({seed: 12, nodes: 3});
		const manifest = deployment('web', 3, {readinessProbe: {httpGet: {path: '/', port: 80}, initialDelaySeconds: 5, periodSeconds: 2}});
		cluster.apply({...manifest, spec: {...manifest.spec, strategy}});
		cluster.expose('deployment', 'web', {port: 80});
		cluster.advance(30_000);
		cluster.startTraffic('web', {rps: 20});
		cluster.advance(5000);
		cluster.setImage('deployment', 'web', 'web', 'nginx:1.27');
		cluster.advance(180_000);
		const stats = cluster.trafficStats('web');
		const pods = cluster.list('pod').filter(p => !p.metadata.deletionTimestamp);
		t.true(pods.length === 3 && pods.every(p => p.spec.containers[0].image === 'nginx:1.27'), 'the rollout finished');
		t.true(Object.keys(stats.perPod).length >= 6, 'old and new pods both served requests');
		return stats;
	};
	const rolling = run({type: 'RollingUpdate', rollingUpdate: {maxSurge: 1, maxUnavailable: 0}});
	t.is(rolling.failed, 0);
	t.is(rolling.total, 185 * 20);
	const recreate = run({type: 'Recreate'});
	t.true(recreate.failed >= 5 * 20, `Recreate dropped ${recreate.failed} requests`);
});

test('property: any sequence of Service creates, updates and deletes never shares a ClusterIP or NodePort', t => {
	fc.assert(fc.property(
		fc.array(fc.record({
			op: fc.constantFrom('create', 'create', 'delete', 'update'),
			name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
			type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
			nodePort: fc.option(fc.integer({min: 29_990, max: 30_010}), {nil: undefined}),
		}), {maxLength: 25}),
		fc.integer({min: 1, max: 1000}),
		(steps, seed) => {
			const cluster = createCluster({seed, nodes: 1});
			for (const step of steps) {
				const before = snapshot(cluster);
				try {
					if (step.op === 'delete') {
						if (cluster.get('service', step.name)) cluster.delete('service', step.name);
					} else {
						const port = step.type === 'ClusterIP' || step.nodePort === undefined ? {port: 80} : {port: 80, nodePort: step.nodePort};
						cluster.apply(service(step.name, {type: step.type, selector: {app: step.name}, ports: [port]}));
					}
				} catch (error) {
					if (!(error instanceof KubeError)) throw error;
					if (snapshot(cluster) !== before) return false;
				}
				cluster.advance(500);
				const live = cluster.list('service').filter(s => !s.metadata.deletionTimestamp);
				const ips = live.map(s => s.spec.clusterIP);
				const ports = live.flatMap(s => s.spec.ports.map((p: {nodePort?: number}) => p.nodePort).filter(Boolean));
				if (new Set(ips).size !== ips.length || new Set(ports).size !== ports.length) return false;
				if (!ips.every(ip => inServiceCidr(ip))) return false;
				if (!ports.every(p => p >= 30_000 && p <= 32_767)) return false;
			}
			return true;
		},
	), {numRuns: 40});
	t.pass();
});

test('ClientIP session affinity pins the traffic to one pod until it leaves the endpoints', t => {
	const cluster = createCluster({seed: 13, nodes: 2});
	cluster.apply(deployment('web', 3));
	cluster.apply(service('web', {selector: {app: 'web'}, sessionAffinity: 'ClientIP', ports: [{port: 80}]}));
	t.deepEqual(cluster.get('service', 'web')!.spec.sessionAffinityConfig, {clientIP: {timeoutSeconds: 10_800}});
	cluster.advance(20_000);
	cluster.startTraffic('web', {rps: 10});
	cluster.advance(10_000);
	const [first, ...others] = Object.entries(cluster.trafficStats('web').perPod);
	t.deepEqual(others, []);
	t.is(first![1], 100);
	cluster.delete('pod', first![0]);
	cluster.advance(10_000);
	const after = cluster.trafficStats('web');
	t.is(Object.keys(after.perPod).length, 2, 'a new endpoint takes over');
	t.is(after.failed, 0);
});

test('requests reach the containers: nginx logs each one, and a wrong targetPort is refused', t => {
	const cluster = createCluster({seed: 14, nodes: 1});
	cluster.apply(deployment('web', 1));
	cluster.expose('deployment', 'web', {port: 80});
	cluster.expose('deployment', 'web', {port: 80, targetPort: 9999, name: 'web-wrong'});
	cluster.advance(20_000);
	cluster.startTraffic('web', {rps: 3});
	cluster.startTraffic('web-wrong', {rps: 3});
	cluster.advance(5000);
	t.like(cluster.trafficStats('web'), {total: 15, failed: 0});
	t.like(cluster.trafficStats('web-wrong'), {total: 15, failed: 15, perPod: {}});
	const pod = cluster.list('pod')[0]!;
	const kubelet = cluster.context.services.kubelet as {runtimeFor(node: string): any; containerIdOf(uid: string, name: string): string};
	const logs = kubelet.runtimeFor(pod.spec.nodeName).containerLogs(kubelet.containerIdOf(pod.metadata.uid, 'web')) as Array<{text: string}>;
	const access = logs.filter(line => line.text.includes('"GET / HTTP/1.1" 200'));
	t.is(access.length, 15);
	t.true(access.every(line => line.text.startsWith('172.18.0.1 - - [')));
});

test('EndpointSlices hold at most 100 endpoints each; extra slices go when the Service shrinks', t => {
	const cluster = createCluster({seed: 15, nodes: 2});
	const manifest = deployment('many', 150);
	cluster.apply({...manifest, kind: 'ReplicaSet'});
	cluster.apply(service('many', {selector: {app: 'many'}, ports: [{port: 80}]}));
	cluster.advance(30_000);
	let found = slices(cluster, 'many').map(s => (s['endpoints'] as unknown[]).length).sort((a, b) => b - a);
	t.deepEqual(found, [100, 50]);
	t.is(addresses(cluster, 'many').ready.length, 150);
	cluster.scale('replicaset', 'many', 40);
	cluster.advance(60_000);
	found = slices(cluster, 'many').map(s => (s['endpoints'] as unknown[]).length);
	t.deepEqual(found, [40]);
});

test('Endpoints and EndpointSlices deleted by hand are recreated', t => {
	const cluster = createCluster({seed: 6, nodes: 2});
	cluster.apply(deployment('web', 2));
	cluster.apply(service('web', {selector: {app: 'web'}, ports: [{port: 80, targetPort: 80}]}));
	cluster.advance(30_000);
	const before = addresses(cluster, 'web');
	t.is(before.ready.length, 2);
	const [slice] = slices(cluster, 'web');
	const sliceEndpoints = slice!['endpoints'];
	cluster.delete('endpoints', 'web');
	cluster.delete('endpointslice', slice!.metadata.name);
	cluster.advance(1000);
	t.deepEqual(addresses(cluster, 'web'), before);
	const again = slices(cluster, 'web');
	t.is(again.length, 1);
	t.not(again[0]!.metadata.uid, slice!.metadata.uid);
	t.deepEqual(again[0]!['endpoints'], sliceEndpoints);
	t.deepEqual(cluster.controllerErrors(), []);
});
