import test from 'ava';
import {createCluster, type Pod} from '../../../source/engine/index.js';

function run(manifest: Record<string, unknown>) {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.apply(manifest);
	cluster.advance(30_000);
	const name = (manifest['metadata'] as {name: string}).name;
	t_running(cluster.get('pod', name) as Pod);
	return (argv: string[], container?: string) => cluster.exec(name, argv, container ? {container} : {});
}

function t_running(pod: Pod): void {
	if (pod.status?.phase !== 'Running') throw new Error(`pod ${pod.metadata.name} is ${pod.status?.phase}`);
}

test('the docs\' security-context demo: id and whoami show runAsUser, runAsGroup, fsGroup and supplementalGroups as busybox prints them', t => {
	const exec = run({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'security-context-demo'},
		spec: {
			securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000]},
			volumes: [{name: 'sec-ctx-vol', emptyDir: {}}],
			containers: [{name: 'sec-ctx-demo', image: 'busybox:1.28', command: ['sh', '-c', 'sleep 1h'], volumeMounts: [{name: 'sec-ctx-vol', mountPath: '/data/demo'}], securityContext: {allowPrivilegeEscalation: false}}],
		},
	});
	t.like(exec(['id']), {stdout: 'uid=1000 gid=3000 groups=2000,3000,4000\n', exitCode: 0});
	t.like(exec(['whoami']), {stderr: 'whoami: unknown uid 1000\n', exitCode: 1});
	t.like(exec(['id', '-u']), {stdout: '1000\n'});
	t.like(exec(['id', '-G']), {stdout: '2000 3000 4000\n'});
});

test('root by default; a container\'s runAsUser overrides the pod\'s, named from the image\'s passwd and group', t => {
	const exec = run({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'two'},
		spec: {
			securityContext: {runAsUser: 1},
			containers: [
				{name: 'web', image: 'nginx:1.25'},
				{name: 'side', image: 'nginx:1.25', securityContext: {runAsUser: 65534}},
			],
		},
	});
	t.like(exec(['id'], 'web'), {stdout: 'uid=1(daemon) gid=1(daemon) groups=1(daemon)\n'});
	t.like(exec(['whoami'], 'side'), {stdout: 'nobody\n', exitCode: 0});
	t.like(exec(['id', '-un'], 'side'), {stdout: 'nobody\n'});
	t.like(exec(['id', '-gn'], 'side'), {stdout: 'nogroup\n'});
	const plain = run({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'plain'}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}});
	t.like(plain(['id']), {stdout: 'uid=0(root) gid=0(root) groups=0(root)\n'});
	t.like(plain(['whoami']), {stdout: 'root\n'});
	t.like(plain(['id', 'nosuchuser']), {stderr: "id: 'nosuchuser': no such user\n", exitCode: 1});
});
