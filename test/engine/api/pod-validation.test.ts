import test from 'ava';
import {createCluster, KubeError} from '../../../source/engine/index.js';

/** A pod of one container `c` with `container`'s fields and `spec`'s. */
const pod = (container: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
	apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'},
	spec: {containers: [{name: 'c', image: 'nginx:1.25', ...container}], ...spec},
});

/** What the API server says of each pod, as `kubectl apply` prints it after `The Pod "p" is invalid:`. */
const refusals: Array<[string, Record<string, unknown>, Record<string, unknown>, string]> = [
	['a probe with a negative period', {livenessProbe: {exec: {command: ['true']}, periodSeconds: -1}}, {}, 'spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0'],
	['a probe with no handler', {readinessProbe: {periodSeconds: 5}}, {}, 'spec.containers[0].readinessProbe: Required value: must specify a handler type'],
	['a probe with two handlers', {livenessProbe: {exec: {command: ['true']}, tcpSocket: {port: 80}}}, {}, 'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'],
	['an exec probe without a command', {startupProbe: {exec: {command: []}}}, {}, 'spec.containers[0].startupProbe.exec.command: Required value'],
	['an HTTP probe on a port name that is no port name', {readinessProbe: {httpGet: {path: '/', port: 'http_port'}}}, {}, 'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "http_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
	['a liveness probe that must succeed twice', {livenessProbe: {exec: {command: ['true']}, successThreshold: 2}}, {}, 'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
	['a readiness probe with a grace period', {readinessProbe: {exec: {command: ['true']}, terminationGracePeriodSeconds: 5}}, {}, 'spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes'],
	['a preStop hook with no handler', {lifecycle: {preStop: {}}}, {}, 'spec.containers[0].lifecycle.preStop: Required value: must specify a handler type'],
	['a port protocol that is none', {ports: [{containerPort: 80, protocol: 'HTTP'}]}, {}, 'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
	['two ports of one name', {ports: [{containerPort: 80, name: 'web'}, {containerPort: 81, name: 'web'}]}, {}, 'spec.containers[0].ports[1].name: Duplicate value: "web"'],
	['a port name too long', {ports: [{containerPort: 80, name: 'metrics-exporter-port'}]}, {}, 'spec.containers[0].ports[0].name: Invalid value: "metrics-exporter-port": must be no more than 15 characters'],
	['a request over its limit', {resources: {requests: {cpu: '2'}, limits: {cpu: '1'}}}, {}, 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
	['a negative request', {resources: {requests: {memory: '-1Gi'}}}, {}, 'spec.containers[0].resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0'],
	// Defaulting gives a limit without a request that request too.
	['a resource no container has', {resources: {limits: {gpu: '1'}}}, {}, '[spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers, spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers]'],
	['a variable without a name', {env: [{name: '', value: 'x'}]}, {}, 'spec.containers[0].env[0].name: Required value'],
	['a variable name with =', {env: [{name: 'A=B', value: 'x'}]}, {}, 'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\''],
	['a value and a valueFrom', {env: [{name: 'A', value: 'x', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}}]}, {}, 'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty'],
	['envFrom with no source', {envFrom: [{prefix: 'APP_'}]}, {}, 'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`'],
	['a pull policy that is none', {imagePullPolicy: 'Sometimes'}, {}, 'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
	['a termination message policy that is none', {terminationMessagePolicy: 'Sometimes'}, {}, 'spec.containers[0].terminationMessagePolicy: Invalid value: "Sometimes": must be \'File\' or \'FallbackToLogsOnError\''],
	['two mounts at one path', {volumeMounts: [{name: 'v', mountPath: '/data'}, {name: 'v', mountPath: '/data'}]}, {volumes: [{name: 'v', emptyDir: {}}]}, 'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique'],
	['a mount without a path', {volumeMounts: [{name: 'v', mountPath: ''}]}, {volumes: [{name: 'v', emptyDir: {}}]}, 'spec.containers[0].volumeMounts[0].mountPath: Required value'],
	['a hostPath of an unknown type', {}, {volumes: [{name: 'v', hostPath: {path: '/srv', type: 'Folder'}}]}, 'spec.volumes[0].hostPath.type: Unsupported value: "Folder": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"'],
	['a DNS policy that is none', {}, {dnsPolicy: 'Cluster'}, 'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
	['a node selector key with a space', {}, {nodeSelector: {'disk type': 'ssd'}}, 'spec.nodeSelector: Invalid value: "disk type": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')'],
	['a negative user id', {}, {securityContext: {runAsUser: -1}}, 'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive'],
	['a host port that is not the container port on the host network', {ports: [{containerPort: 80, hostPort: 8080}]}, {hostNetwork: true}, 'spec.containers[0].ports[0].containerPort: Invalid value: 80: must match `hostPort` when `hostNetwork` is true'],
	['a service account name that is none', {}, {serviceAccountName: 'Build_Bot'}, 'spec.serviceAccountName: Invalid value: "Build_Bot": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'],
	['a deadline of no time', {}, {activeDeadlineSeconds: 0}, 'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'],
	['a toleration of an unknown operator', {}, {tolerations: [{key: 'gpu', operator: 'Maybe'}]}, 'spec.tolerations[0].operator: Unsupported value: "Maybe": supported values: "Equal", "Exists"'],
	['a toleration that exists with a value', {}, {tolerations: [{key: 'gpu', operator: 'Exists', value: 'yes'}]}, 'spec.tolerations[0].operator: Invalid value: core.Toleration{Key:"gpu", Operator:"Exists", Value:"yes", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\''],
	['a toleration with seconds but not NoExecute', {}, {tolerations: [{key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60}]}, 'spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set'],
];

for (const [what, container, spec, message] of refusals) {
	test(`a pod is refused as the API server refuses it: ${what}`, t => {
		const cluster = createCluster({seed: 6});
		const error = t.throws(() => cluster.apply(pod(container, spec) as never), {instanceOf: KubeError});
		t.is(error?.message, `Pod "p" is invalid: ${message}`);
		t.is(cluster.get('pod', 'p'), undefined);
	});
}

test('errors come in the API server\'s order: the volumes, each container\'s own in turn, then the spec\'s fields', t => {
	const cluster = createCluster({seed: 6});
	const manifest = pod(
		{imagePullPolicy: 'Sometimes', livenessProbe: {exec: {command: ['true']}, periodSeconds: -1}, volumeMounts: [{name: 'v', mountPath: ''}]},
		{dnsPolicy: 'Cluster', volumes: [{name: 'v', emptyDir: {}, hostPath: {path: '/srv'}}]},
	);
	t.is(t.throws(() => cluster.apply(manifest as never))?.message, 'Pod "p" is invalid: ['
		+ 'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type, '
		+ 'spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0, '
		+ 'spec.containers[0].volumeMounts[0].mountPath: Required value, '
		+ 'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never", '
		+ 'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]');
});

test('a workload\'s template is held to the same checks under its path, and an init container that is no sidecar has no probe', t => {
	const cluster = createCluster({seed: 6});
	const template = {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'c', image: 'nginx:1.25', readinessProbe: {httpGet: {path: '/', port: 80}, periodSeconds: -5}}]}};
	const deployment = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {selector: {matchLabels: {app: 'web'}}, template}};
	t.is(t.throws(() => cluster.apply(deployment as never))?.message, 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].readinessProbe.periodSeconds: Invalid value: -5: must be greater than or equal to 0');
	const init = pod({}, {initContainers: [{name: 'setup', image: 'busybox:1.36', command: ['true'], readinessProbe: {exec: {command: ['true']}}}]});
	t.is(t.throws(() => cluster.apply(init as never))?.message, 'Pod "p" is invalid: spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always');
	const restarts = pod({restartPolicy: 'Always'}, {initContainers: [{name: 'setup', image: 'busybox:1.36', restartPolicy: 'OnFailure'}]});
	t.is(t.throws(() => cluster.apply(restarts as never))?.message, 'Pod "p" is invalid: [spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers, spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"]');
	const sidecar = pod({}, {initContainers: [{name: 'proxy', image: 'nginx:1.25', restartPolicy: 'Always', readinessProbe: {exec: {command: ['true']}}}]});
	t.notThrows(() => cluster.apply(sidecar as never), 'a sidecar (an init container that restarts) may have probes');
	t.deepEqual(cluster.list('Deployment'), []);
});

test('what defaulting fills in passes: zero probe fields, ports without a protocol, host-network ports without a host port', t => {
	const cluster = createCluster({seed: 6});
	const made = cluster.apply(pod(
		{ports: [{containerPort: 80}], readinessProbe: {httpGet: {port: 80}, periodSeconds: 0, timeoutSeconds: 0}, env: [{name: 'my.env-name', value: 'x'}]},
		{hostNetwork: true, tolerations: [{operator: 'Exists'}]},
	) as never)[0]!;
	const container = made.spec.containers[0];
	t.is(container.readinessProbe.periodSeconds, 10);
	t.is(container.readinessProbe.httpGet.path, '/');
	t.is(container.ports[0].protocol, 'TCP');
});

test('a node\'s taints and a lease\'s times are held to the API server\'s checks', t => {
	const cluster = createCluster({seed: 6, nodes: 1});
	const node = cluster.get('Node', 'kubarium-worker')!;
	const withTaints = (taints: unknown[]) => ({...node, spec: {...node.spec, taints}}) as never;
	const cases: Array<[unknown[], string]> = [
		[[{key: 'gpu', effect: 'Sometimes'}], 'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'],
		[[{key: 'gpu'}], 'spec.taints[0].effect: Required value'],
		[[{key: 'gpu', effect: 'NoSchedule'}, {key: 'gpu', value: 'b', effect: 'NoSchedule'}], 'spec.taints[1]: Duplicate value: core.Taint{Key:"gpu", Value:"b", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair'],
	];
	for (const [taints, message] of cases) t.is(t.throws(() => cluster.replace(withTaints(taints)))?.message, `Node "kubarium-worker" is invalid: ${message}`);
	t.deepEqual(cluster.get('Node', 'kubarium-worker')!.spec.taints, node.spec.taints, 'nothing was written');
	cluster.replace(withTaints([{key: 'gpu', effect: 'NoSchedule'}, {key: 'gpu', effect: 'NoExecute'}]));
	const lease = cluster.list('Lease', {namespace: 'kube-node-lease'})[0]!;
	t.is(t.throws(() => cluster.replace({...lease, spec: {...lease.spec, leaseDurationSeconds: -40}} as never))?.message, 'Lease.coordination.k8s.io "kubarium-worker" is invalid: spec.leaseDurationSeconds: Invalid value: -40: must be greater than 0');
});

test('a Service\'s port used twice is named as the API server prints its key', t => {
	const cluster = createCluster({seed: 6});
	const service = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{name: 'a', port: 80}, {name: 'b', port: 80}]}};
	t.is(t.throws(() => cluster.apply(service as never))?.message, 'Service "web" is invalid: spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}');
});

test('a Deployment\'s strategy is defaulted and judged as upstream: an unknown type is refused, not made RollingUpdate, and switching to Recreate by apply needs rollingUpdate: null', t => {
	const cluster = createCluster({seed: 6});
	const template = {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}};
	const deployment = (strategy?: unknown) => ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template, ...(strategy === undefined ? {} : {strategy})}}) as never;
	t.is(t.throws(() => cluster.apply(deployment({type: 'BlueGreen'})))?.message, 'Deployment.apps "web" is invalid: spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"');
	t.is(t.throws(() => cluster.apply(deployment({type: 'Recreate', rollingUpdate: {maxSurge: 1}})))?.message, 'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is \'Recreate\'');
	const [made] = cluster.apply(deployment());
	t.deepEqual(made!.spec.strategy, {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: '25%', maxSurge: '25%'}});
	// The live object keeps its defaulted rollingUpdate, which the apply does not remove: the API server refuses the switch.
	t.regex(t.throws(() => cluster.apply(deployment({type: 'Recreate'})))?.message ?? '', /spec\.strategy\.rollingUpdate: Forbidden/);
	const [switched] = cluster.apply(deployment({type: 'Recreate', rollingUpdate: null}));
	t.deepEqual(switched!.spec.strategy, {type: 'Recreate'});
});

test('an ExternalName Service names a host, with or without its final dot', t => {
	const cluster = createCluster({seed: 6});
	const service = (externalName: string) => ({apiVersion: 'v1', kind: 'Service', metadata: {name: 'db'}, spec: {type: 'ExternalName', externalName}}) as never;
	t.regex(t.throws(() => cluster.apply(service('Not A Host')))?.message ?? '', /^Service "db" is invalid: spec\.externalName: Invalid value: "Not A Host": a lowercase RFC 1123 subdomain must consist of/);
	t.is(cluster.apply(service('db.example.com.'))[0]!.spec.externalName, 'db.example.com.');
});

test('addresses Service traffic goes to are IP addresses, and none it may not go to: a Service\'s external IPs, an Endpoints\' addresses; several Endpoints ports need names', t => {
	const cluster = createCluster({seed: 6});
	const service = (externalIPs: string[]) => ({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{port: 80}], externalIPs}}) as never;
	t.is(t.throws(() => cluster.apply(service(['nope'])))?.message, 'Service "web" is invalid: spec.externalIPs[0]: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
	t.is(t.throws(() => cluster.apply(service(['10.0.0.9', '169.254.169.254'])))?.message, 'Service "web" is invalid: spec.externalIPs[1]: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)');
	const endpoints = (subsets: unknown[]) => ({apiVersion: 'v1', kind: 'Endpoints', metadata: {name: 'ext'}, subsets}) as never;
	t.is(t.throws(() => cluster.apply(endpoints([{addresses: [{ip: '127.0.0.1'}], ports: [{port: 80}]}])))?.message, 'Endpoints "ext" is invalid: subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)');
	t.is(t.throws(() => cluster.apply(endpoints([{ports: [{port: 80}]}])))?.message, 'Endpoints "ext" is invalid: subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`');
	t.is(t.throws(() => cluster.apply(endpoints([{addresses: [{ip: '10.0.0.9'}], ports: [{port: 80, name: 'http'}, {port: 443}]}])))?.message, 'Endpoints "ext" is invalid: subsets[0].ports[1].name: Required value');
	t.truthy(cluster.apply(endpoints([{addresses: [{ip: '10.0.0.9'}], ports: [{port: 80}]}]))[0]);
	t.truthy(cluster.apply(service(['10.0.0.9']))[0]);
});

test('a Service\'s load-balancer source ranges are CIDR blocks, of a LoadBalancer only, under the API server\'s own spelling of the field', t => {
	const cluster = createCluster({seed: 6});
	const service = (type: string, loadBalancerSourceRanges: string[]) => ({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {type, selector: {app: 'web'}, ports: [{port: 80}], loadBalancerSourceRanges}}) as never;
	t.is(t.throws(() => cluster.apply(service('LoadBalancer', ['10.0.0.0/8', 'office'])))?.message, 'Service "web" is invalid: spec.LoadBalancerSourceRanges: Invalid value: "[10.0.0.0/8 office]": must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ');
	t.is(t.throws(() => cluster.apply(service('ClusterIP', ['10.0.0.0/8'])))?.message, 'Service "web" is invalid: spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is \'LoadBalancer\'');
	t.truthy(cluster.apply(service('LoadBalancer', ['10.0.0.0/8', ' 192.168.0.0/16']))[0]);
});

test('a hook\'s HTTP request without a path or scheme is taken, as the API server defaults them', t => {
	const cluster = createCluster({seed: 6});
	t.truthy(cluster.apply(pod({lifecycle: {preStop: {httpGet: {port: 80}}}}) as never)[0]);
	t.is(t.throws(() => cluster.apply({...pod({lifecycle: {postStart: {httpGet: {port: 80, scheme: 'FTP'}}}}), metadata: {name: 'q'}} as never))?.message, 'Pod "q" is invalid: spec.containers[0].lifecycle.postStart.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"');
});

test('an empty text where defaulting has a value takes the default, as Go\'s zero string does: policies, the protocol', t => {
	const cluster = createCluster({seed: 6});
	const [made] = cluster.apply(pod({imagePullPolicy: '', terminationMessagePolicy: '', ports: [{containerPort: 80, protocol: ''}]}, {dnsPolicy: '', restartPolicy: ''}) as never);
	t.like(made!.spec, {dnsPolicy: 'ClusterFirst', restartPolicy: 'Always'});
	t.like(made!.spec.containers[0], {imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File'});
	t.is(made!.spec.containers[0].ports[0].protocol, 'TCP');
});
