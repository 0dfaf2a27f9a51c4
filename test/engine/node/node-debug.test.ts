/**
 * What a pod that reaches into its node sees, as `kubectl debug node/NAME`
 * makes one (hostPID, hostNetwork, the node's root at /host): the node's
 * daemons and every pod's processes, and the node's own files.
 */
import test from 'ava';
import {X509Certificate} from 'node:crypto';
import {createCluster, type Cluster, type KubeEvent, type Node, type Pod} from '../../../source/engine/index.js';

/** The pod `kubectl debug node/NAME --image=busybox:1.36 --profile=general -- sleep 1d` creates. */
function nodeDebugger(cluster: Cluster, node: string) {
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'node-debugger'}, spec: {
		nodeName: node, hostIPC: true, hostNetwork: true, hostPID: true, restartPolicy: 'Never',
		containers: [{name: 'debugger', image: 'busybox:1.36', command: ['sleep', '1d'], volumeMounts: [{name: 'host-root', mountPath: '/host'}]}],
		volumes: [{name: 'host-root', hostPath: {path: '/'}}],
		tolerations: [{operator: 'Exists'}],
	}});
	cluster.advance(10_000);
}

test('a pod in the node\'s process namespace lists the node\'s daemons, the kubelet with its flags, and every pod\'s shim, pause and processes', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web'}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}});
	cluster.advance(10_000);
	const node = cluster.list('Node')[0] as Node;
	nodeDebugger(cluster, node.metadata.name);
	const ps = cluster.exec('node-debugger', ['ps']).stdout;
	const rows = ps.trimEnd().split('\n').slice(1).map(line => line.trim().split(/ +/));
	const ip = node.status!.addresses!.find(address => address.type === 'InternalIP')!.address;
	t.deepEqual(rows.slice(0, 3).map(row => row.slice(2).join(' ')), ['/sbin/init', '/lib/systemd/systemd-journald', '/usr/local/bin/containerd']);
	t.is(rows[3]!.slice(2).join(' '), `/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=${ip} --node-labels= --pod-infra-container-image=registry.k8s.io/pause:3.10 --provider-id=kind://docker/kubarium/${node.metadata.name}`);
	const commands = rows.map(row => row.slice(2).join(' '));
	t.is(commands.filter(command => command === '/pause').length, 2, 'a pause a pod');
	t.is(commands.filter(command => command.startsWith('/usr/local/bin/containerd-shim-runc-v2 -namespace k8s.io -id ')).length, 2);
	t.true(commands.includes('/docker-entrypoint.sh nginx -g daemon off;'));
	t.deepEqual(rows.find(row => row.slice(2).join(' ') === 'nginx: worker process')!.slice(1, 2), ['101'], 'nginx\'s workers by uid: the node has no nginx user');
	t.true(commands.includes('sleep 1d'));
	t.is(commands.at(-1), 'ps');
	const pids = rows.map(row => Number(row[0]));
	t.deepEqual(pids, [...pids].sort((a, b) => a - b), 'in pid order');
	t.is(new Set(pids).size, pids.length, 'no pid twice');
	// A pod of its own namespace sees only itself.
	t.deepEqual(cluster.exec('web', ['ps']).stdout.trimEnd().split('\n').slice(1).map(line => line.trim().split(/ +/).slice(2).join(' ')), ['/docker-entrypoint.sh nginx -g daemon off;', 'nginx: worker process', 'ps']);
});

test('the node\'s root at /host holds the kubelet\'s configuration, its kubeconfig with the cluster\'s CA, and kubeadm\'s flags', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	const node = cluster.list('Node')[0] as Node;
	nodeDebugger(cluster, node.metadata.name);
	const run = (script: string) => cluster.exec('node-debugger', ['sh', '-c', script]);
	t.is(run('ls /host').stdout.split(/\s+/).filter(Boolean).sort().join(' '), 'bin boot dev etc home kind lib mnt opt proc root run sbin srv sys tmp usr var');
	t.regex(run('cat /host/var/lib/kubelet/config.yaml').stdout, /^apiVersion: kubelet\.config\.k8s\.io\/v1beta1\n[\s\S]*clusterDNS:\n- 10\.96\.0\.10\nclusterDomain: cluster\.local\n[\s\S]*staticPodPath: \/etc\/kubernetes\/manifests\n/);
	t.regex(run('cat /host/var/lib/kubelet/kubeadm-flags.env').stdout, /^KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:\/\/\/run\/containerd\/containerd\.sock --node-ip=172\.18\.0\.\d+ /);
	t.is(run('cat /host/etc/hostname').stdout, `${node.metadata.name}\n`);
	t.is(run('ls /host/etc/kubernetes/manifests').stdout, '', 'a worker runs no static pods');
	const ca = run('cat /host/etc/kubernetes/pki/ca.crt').stdout;
	t.is(new X509Certificate(ca).subject, 'CN=kubernetes');
	t.is(ca, cluster.certificateAuthority());
	t.true(run('cat /host/etc/kubernetes/kubelet.conf').stdout.includes(`certificate-authority-data: ${Buffer.from(ca).toString('base64')}\n`));
	t.regex(run('cat /host/etc/systemd/system/kubelet.service.d/10-kubeadm.conf').stdout, /ExecStart=\/usr\/bin\/kubelet \$KUBELET_KUBECONFIG_ARGS \$KUBELET_CONFIG_ARGS \$KUBELET_KUBEADM_ARGS \$KUBELET_EXTRA_ARGS\n$/);
	// What the pod writes there stays on the node: another pod of the same node mounting the same path sees it.
	t.is(run('echo hi > /host/tmp/note && cat /host/tmp/note').stdout, 'hi\n');
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'reader'}, spec: {nodeName: node.metadata.name, containers: [{name: 'c', image: 'busybox:1.36', command: ['sleep', '1d'], volumeMounts: [{name: 'tmp', mountPath: '/node-tmp'}]}], volumes: [{name: 'tmp', hostPath: {path: '/'}}]}});
	cluster.advance(10_000);
	t.is(cluster.exec('reader', ['cat', '/node-tmp/tmp/note']).stdout, 'hi\n');
});

test('a hostPath below the root holds the node\'s files under it; one the node keeps nothing under starts empty', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	const node = cluster.list('Node')[0]!.metadata.name;
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {nodeName: node, containers: [{name: 'c', image: 'busybox:1.36', command: ['sleep', '1d'], volumeMounts: [
		{name: 'kubernetes', mountPath: '/k8s'}, {name: 'data', mountPath: '/data'},
	]}], volumes: [{name: 'kubernetes', hostPath: {path: '/etc/kubernetes'}}, {name: 'data', hostPath: {path: '/srv/data', type: 'DirectoryOrCreate'}}]}});
	cluster.advance(10_000);
	t.is(cluster.exec('p', ['ls', '/k8s']).stdout.split(/\s+/).filter(Boolean).join(' '), 'kubelet.conf manifests pki');
	t.is(cluster.exec('p', ['ls', '/data']).stdout, '');
});

const staticWeb = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: static-web
  labels: {role: static}
spec:
  containers:
  - name: web
    image: ${image}
`;

test('a manifest written into the node\'s /etc/kubernetes/manifests runs as a static pod with its mirror in the API; deleted, the mirror comes back; removed, the pod stops', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	const node = cluster.list('Node')[0] as Node;
	const nodeName = node.metadata.name;
	nodeDebugger(cluster, nodeName);
	const write = (text: string) => cluster.exec('node-debugger', ['sh', '-c', `cat > /host/etc/kubernetes/manifests/static-web.yaml <<'EOF'\n${text}EOF`]);
	t.is(write(staticWeb('nginx:1.27')).exitCode, 0);
	cluster.advance(5000);
	const mirrorName = `static-web-${nodeName}`;
	const mirror = () => cluster.get('Pod', mirrorName) as Pod | undefined;
	t.is(mirror()?.status?.phase, 'Running');
	t.like(mirror()!.metadata, {namespace: 'default', labels: {role: 'static'}, ownerReferences: [{apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid, controller: true}]});
	const annotations = mirror()!.metadata.annotations!;
	t.regex(annotations['kubernetes.io/config.hash']!, /^[0-9a-f]{32}$/);
	t.is(annotations['kubernetes.io/config.mirror'], annotations['kubernetes.io/config.hash']);
	t.is(annotations['kubernetes.io/config.source'], 'file');
	t.is(mirror()!.spec!.nodeName, nodeName);
	t.deepEqual(mirror()!.spec!.tolerations, [{operator: 'Exists', effect: 'NoExecute'}]);
	t.false((mirror()!.spec!.volumes ?? []).some(volume => volume.name.startsWith('kube-api-access-')), 'a mirror pod gets no ServiceAccount token');
	// Its kubelet's events name the static pod it runs, by the manifest's hash, as kubectl describe looks them up.
	const events = cluster.eventsFor(mirror()!) as KubeEvent[];
	t.deepEqual(events.map(event => event.reason), ['Pulling', 'Pulled', 'Created', 'Started']);
	t.true(events.every(event => event.involvedObject.uid === annotations['kubernetes.io/config.mirror']));
	// Deleted through the API, the mirror comes back while the manifest is there, and the pod it mirrors runs on: the same container, not restarted, nothing killed.
	const uid = mirror()!.metadata.uid;
	const running = mirror()!.status!.containerStatuses![0]!;
	cluster.delete('Pod', mirrorName);
	cluster.advance(5000);
	t.not(mirror()?.metadata.uid, uid);
	t.is(mirror()?.status?.phase, 'Running');
	t.like(mirror()!.status!.containerStatuses![0], {containerID: running.containerID, restartCount: 0, state: running.state, ready: true});
	t.false((cluster.eventsFor(mirror()!) as KubeEvent[]).some(event => event.reason === 'Killing'));
	// Force-deleted, the same.
	cluster.delete('Pod', mirrorName, {gracePeriodSeconds: 0});
	cluster.advance(2000);
	t.is(mirror()!.status!.containerStatuses![0]!.containerID, running.containerID);
	// A changed manifest replaces the pod.
	const hash = annotations['kubernetes.io/config.hash'];
	write(staticWeb('nginx:1.25'));
	cluster.advance(40_000);
	t.is(mirror()!.spec!.containers[0]!.image, 'nginx:1.25');
	t.not(mirror()!.metadata.annotations!['kubernetes.io/config.hash'], hash);
	// Watched after a save and load too; removed, the pod stops and its mirror goes.
	cluster.reloadParts();
	t.is(cluster.exec('node-debugger', ['rm', '/host/etc/kubernetes/manifests/static-web.yaml']).exitCode, 0);
	cluster.advance(40_000);
	t.is(mirror(), undefined);
});

test('a manifest that is no valid pod runs nothing; a hidden file is not read', t => {
	const cluster = createCluster({seed: 7, nodes: 1});
	const nodeName = cluster.list('Node')[0]!.metadata.name;
	nodeDebugger(cluster, nodeName);
	const put = (name: string, text: string) => cluster.exec('node-debugger', ['sh', '-c', `cat > /host/etc/kubernetes/manifests/${name} <<'EOF'\n${text}EOF`]);
	put('broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers: []\n');
	put('service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n');
	put('.hidden.yaml', staticWeb('nginx:1.27'));
	put('notes.txt', 'not: [yaml');
	cluster.advance(5000);
	t.deepEqual(cluster.list('Pod').map(pod => pod.metadata.name), ['node-debugger']);
});
