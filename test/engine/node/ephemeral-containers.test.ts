/**
 * Ephemeral containers (`kubectl debug POD`): added to a running pod through
 * the `ephemeralcontainers` subresource, started once by its kubelet, never
 * restarted, reported apart from the pod's own containers, and refused as
 * the API server refuses them.
 */
import test from 'ava';
import {createCluster, KubeError, type Cluster, type Pod} from '../../../source/engine/index.js';
import {sameSimulation} from '../same-simulation.js';

function running(): Cluster {
	const cluster = createCluster({seed: 7, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web'}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}});
	cluster.advance(10_000);
	return cluster;
}

const pod = (cluster: Cluster) => cluster.get('Pod', 'web') as Pod;

const debugger_ = {name: 'debugger-x7k2p', image: 'busybox:1.36', stdin: true, tty: true, targetContainerName: 'nginx'};

test('an ephemeral container added to a running pod is pulled, created and started in it, and reported apart; the pod stays Running and Ready', t => {
	const cluster = running();
	const before = pod(cluster);
	const written = cluster.replaceEphemeralContainers('web', [debugger_]) as Pod;
	// Defaulted as any container; the rest of the pod as it was.
	t.deepEqual(written.spec!.ephemeralContainers, [{terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent', resources: {}, ...debugger_}]);
	t.deepEqual(written.spec!.containers, before.spec!.containers);
	cluster.advance(5_000);
	const after = pod(cluster);
	t.is(after.status!.phase, 'Running');
	t.deepEqual(after.status!.containerStatuses!.map(s => [s.name, s.ready]), [['nginx', true]]);
	const [status] = after.status!.ephemeralContainerStatuses!;
	t.like(status, {name: 'debugger-x7k2p', ready: false, restartCount: 0, image: 'busybox:1.36', lastState: {}});
	t.truthy(status!.state.running);
	t.regex(status!.containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
	t.false('started' in status!, 'reported as the kubelet reports init containers: no started field');
	const events = cluster.eventsFor(after).filter(e => (e as any).involvedObject.fieldPath === 'spec.ephemeralContainers{debugger-x7k2p}').map(e => e.reason);
	t.deepEqual(events, ['Pulling', 'Pulled', 'Created', 'Started']);
});

test('with a target, the ephemeral container shares its process namespace: ps shows the target\'s processes, then its own', t => {
	const cluster = running();
	cluster.replaceEphemeralContainers('web', [debugger_, {name: 'alone', image: 'busybox:1.36', stdin: true, tty: true}]);
	cluster.advance(5_000);
	const ps = (container: string) => cluster.openShell('web', ['sh'], {container}).session!.run('ps').stdout;
	t.regex(ps('debugger-x7k2p'), /^ +PID USER +COMMAND\n +1 root +\/docker-entrypoint\.sh nginx -g daemon off;\n +29 nginx +nginx: worker process\n +31 root +sh\n/);
	t.notRegex(ps('alone'), /nginx/);
	// A debugging container that is itself nginx lists its own worker apart from the target's.
	cluster.replaceEphemeralContainers('web', [debugger_, {name: 'alone', image: 'busybox:1.36', stdin: true, tty: true}, {name: 'twin', image: 'nginx:1.25', targetContainerName: 'nginx'}]);
	cluster.advance(5_000);
	const pids = cluster.exec('web', ['ps'], {container: 'twin'}).stdout.trim().split('\n').slice(1).map(line => line.trim().split(/ +/)[0]);
	t.deepEqual(pids, [...new Set(pids)], 'no pid listed twice');
	// Its logs and an exec go to it by name.
	t.deepEqual(cluster.logs('web', {container: 'alone'}), []);
	t.is(cluster.exec('web', ['hostname'], {container: 'alone'}).stdout, 'web\n');
});

test('an ephemeral container that exits is not restarted, whatever the pod\'s restart policy; the pod goes on', t => {
	const cluster = running();
	cluster.replaceEphemeralContainers('web', [{name: 'once', image: 'busybox:1.36', command: ['sh', '-c', 'echo looked; exit 3']}]);
	cluster.advance(60_000);
	const after = pod(cluster);
	const [status] = after.status!.ephemeralContainerStatuses!;
	t.like(status!.state.terminated, {exitCode: 3, reason: 'Error'});
	t.is(status!.restartCount, 0);
	t.deepEqual(cluster.logs('web', {container: 'once'}), ['looked']);
	t.is(after.status!.phase, 'Running');
	t.false(cluster.eventsFor(after).some(e => e.reason === 'BackOff'));
});

test('the API server\'s refusals: removed, changed, ports, an unknown target, a name taken, set on create, in a template, or by a plain update; a refused write changes nothing', t => {
	const cluster = running();
	cluster.replaceEphemeralContainers('web', [debugger_]);
	cluster.advance(2_000);
	const version = pod(cluster).metadata.resourceVersion;
	const refused = (call: () => unknown) => {
		const error = t.throws(call, {instanceOf: KubeError});
		return error?.message ?? '';
	};
	t.is(refused(() => cluster.replaceEphemeralContainers('web', [])), 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger-x7k2p" may not be removed\n');
	t.is(refused(() => cluster.replaceEphemeralContainers('web', [{...debugger_, image: 'busybox:1.37'}])), 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger-x7k2p" may not be changed\n');
	t.is(refused(() => cluster.replaceEphemeralContainers('web', [debugger_, {name: 'p', image: 'busybox', ports: [{containerPort: 80}]}])), 'Pod "web" is invalid: spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container');
	t.is(refused(() => cluster.replaceEphemeralContainers('web', [debugger_, {name: 'd', image: 'busybox', targetContainerName: 'db'}])), 'Pod "web" is invalid: spec.ephemeralContainers[1].targetContainerName: Not found: "db"');
	t.is(refused(() => cluster.replaceEphemeralContainers('web', [debugger_, {name: 'nginx', image: 'busybox'}])), 'Pod "web" is invalid: spec.ephemeralContainers[1].name: Duplicate value: "nginx"');
	t.regex(refused(() => cluster.replaceEphemeralContainers('web', {name: 'x'})), /^Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec\.spec\.ephemeralContainers of type \[\]v1\.EphemeralContainer/);
	t.is(refused(() => cluster.replaceEphemeralContainers('nope', [debugger_])), 'pods "nope" not found');
	t.is(pod(cluster).metadata.resourceVersion, version, 'nothing written');
	t.is(refused(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'made'}, spec: {containers: [{name: 'a', image: 'busybox'}], ephemeralContainers: [{name: 'b', image: 'busybox'}]}})),
		'Pod "made" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create');
	t.regex(refused(() => cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'd'}, spec: {selector: {matchLabels: {a: 'b'}}, template: {metadata: {labels: {a: 'b'}}, spec: {containers: [{name: 'a', image: 'busybox'}], ephemeralContainers: [{name: 'b', image: 'busybox'}]}}}})),
		/spec\.template\.spec\.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template/);
	const plain = structuredClone(pod(cluster));
	plain.spec!.ephemeralContainers!.push({name: 'more', image: 'busybox', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', resources: {}});
	t.regex(refused(() => cluster.replace(plain)), /spec: Forbidden: pod updates may not change fields other than/);
	t.is(pod(cluster).metadata.resourceVersion, version, 'still nothing written');
});

test('a pod with an ephemeral container saved and restored goes on as the one that never stopped; restarted from its objects, the container that ran stays ended', t => {
	const cluster = running();
	cluster.replaceEphemeralContainers('web', [debugger_]);
	cluster.advance(5_000);
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot()))});
	for (const c of [cluster, restored]) {
		c.replaceEphemeralContainers('web', [debugger_, {name: 'second', image: 'busybox:1.36', command: ['sleep', '5']}]);
		c.advance(20_000);
	}
	sameSimulation(t, restored, cluster);
	t.like(pod(restored).status!.ephemeralContainerStatuses![1]!.state.terminated, {exitCode: 0, reason: 'Completed'});
	const rebooted = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot())), restore: 'objects'});
	rebooted.advance(30_000);
	const statuses = pod(rebooted).status!.ephemeralContainerStatuses!;
	t.like(statuses[0]!.state.terminated, {exitCode: 255, reason: 'Unknown'});
	t.is(statuses[0]!.restartCount, 0);
	t.is(pod(rebooted).status!.phase, 'Running');
});

test('a pod with shareProcessNamespace: every container sees the pause process and every container\'s processes', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'shared'}, spec: {shareProcessNamespace: true, containers: [
		{name: 'nginx', image: 'nginx:1.25'},
		{name: 'shell', image: 'busybox:1.36', command: ['sleep', '1d']},
	]}});
	cluster.advance(10_000);
	const ps = cluster.exec('shared', ['ps'], {container: 'shell'}).stdout;
	const rows = ps.trimEnd().split('\n').slice(1).map(line => line.trim().split(/ +/));
	// The pause process first, then the containers' in the order they started, then the command that asked.
	t.deepEqual(rows[0], ['1', 'root', '/pause']);
	t.deepEqual(rows.map(row => row.slice(2).join(' ')).sort(), ['/docker-entrypoint.sh nginx -g daemon off;', '/pause', 'nginx: worker process', 'ps', 'sleep 1d']);
	t.deepEqual(rows.at(-1)!.slice(2), ['ps']);
	const pids = rows.map(row => Number(row[0]));
	t.deepEqual(pids, [...pids].sort((a, b) => a - b), 'in pid order');
});
