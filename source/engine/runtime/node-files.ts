/**
 * A node's own files and processes, as a pod that reaches into the node
 * sees them (`kubectl debug node/NAME` mounts the node's root at /host and
 * shares its process namespace): the kubelet's configuration as kubeadm
 * writes it on a kind worker, its kubeconfig and the cluster's CA, the
 * kubelet's systemd drop-in, containerd's configuration; and the node's
 * daemons (systemd, journald, containerd, the kubelet with its flags).
 */
import type {ControllerContext} from '../controller.js';
import type {Node} from '../api/types.js';
import {pathInside, type FileTree} from './filetree.js';
import type {ProcessInfo} from './commands.js';

/** The kubelet's `staticPodPath` (kubeadm's): the folder of the node's static pod manifests. */
export const staticPodPath = '/etc/kubernetes/manifests';

/** The pause image the kubelet's flags name (kind v0.25's). */
const pauseImage = 'registry.k8s.io/pause:3.10';

function internalIp(node: Node | undefined): string {
	return node?.status?.addresses?.find(address => address.type === 'InternalIP')?.address ?? '';
}

/** The kubelet's command line on a kind node: kubeadm's drop-in with its flags file spelled out. */
export function kubeletCommand(node: Node | undefined, nodeName: string): string {
	return [
		'/usr/bin/kubelet',
		'--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf',
		'--kubeconfig=/etc/kubernetes/kubelet.conf',
		'--config=/var/lib/kubelet/config.yaml',
		...kubeadmFlags(node, nodeName),
	].join(' ');
}

function kubeadmFlags(node: Node | undefined, nodeName: string): string[] {
	return [
		'--container-runtime-endpoint=unix:///run/containerd/containerd.sock',
		`--node-ip=${internalIp(node)}`,
		'--node-labels=',
		`--pod-infra-container-image=${pauseImage}`,
		`--provider-id=${node?.spec?.providerID ?? `kind://docker/kubarium/${nodeName}`}`,
	];
}

/** The node's daemons, as its process namespace lists them before any pod's processes. */
export function nodeDaemons(node: Node | undefined, nodeName: string): ProcessInfo[] {
	return [
		{pid: 1, user: 'root', command: '/sbin/init'},
		{pid: 95, user: 'root', command: '/lib/systemd/systemd-journald'},
		{pid: 412, user: 'root', command: '/usr/local/bin/containerd'},
		{pid: 590, user: 'root', command: kubeletCommand(node, nodeName)},
	];
}

const kubeletConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
cgroupRoot: /kubelet
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
evictionHard:
  imagefs.available: 0%
  nodefs.available: 0%
  nodefs.inodesFree: 0%
evictionPressureTransitionPeriod: 0s
failSwapOn: false
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageGCHighThresholdPercent: 100
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
`;

const kubeadmDropIn = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

const containerdConfig = `version = 2

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    restrict_oom_score_adj = false
    sandbox_image = "${pauseImage}"
    tolerate_missing_hugepages_controller = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      discard_unpacked_layers = true
      snapshotter = "overlayfs"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          base_runtime_spec = "/etc/containerd/cri-base.json"
          runtime_type = "io.containerd.runc.v2"
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            SystemdCgroup = true
`;

const osRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';

/** The node's files by absolute path (a path ending in `/.keep` makes its directory, empty). */
export function nodeFiles(context: ControllerContext, nodeName: string): Record<string, string> {
	const node = context.store.get('Node', undefined, nodeName) as Node | undefined;
	const ca = context.services.certificateAuthority?.().certificate ?? '';
	const kubeconfig = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${Buffer.from(ca).toString('base64')}
    server: https://kubarium-control-plane:6443
  name: default-cluster
contexts:
- context:
    cluster: default-cluster
    namespace: default
    user: default-auth
  name: default-context
current-context: default-context
kind: Config
preferences: {}
users:
- name: default-auth
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
`;
	return {
		'/etc/os-release': osRelease,
		'/etc/hostname': `${nodeName}\n`,
		'/etc/kubernetes/kubelet.conf': kubeconfig,
		'/etc/kubernetes/pki/ca.crt': ca,
		'/etc/kubernetes/manifests/.keep': '',
		'/etc/systemd/system/kubelet.service.d/10-kubeadm.conf': kubeadmDropIn,
		'/etc/containerd/config.toml': containerdConfig,
		'/var/lib/kubelet/config.yaml': kubeletConfig,
		'/var/lib/kubelet/kubeadm-flags.env': `KUBELET_KUBEADM_ARGS="${kubeadmFlags(node, nodeName).join(' ')}"\n`,
		'/usr/bin/kubelet': '',
		'/usr/local/bin/containerd': '',
		...Object.fromEntries(['bin', 'boot', 'dev', 'home', 'kind', 'lib', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'var/log'].map(dir => [`/${dir}/.keep`, ''])),
	};
}

/**
 * Fill a new hostPath tree of the node at `root` with the node's files
 * under that path (none for a path the node keeps nothing under).
 */
export function seedHostPath(tree: FileTree, root: string, files: Record<string, string>): void {
	for (const [path, content] of Object.entries(files)) {
		const inside = pathInside(path, root);
		// A path the tree is not above, or the tree's root itself (a hostPath of a file), takes nothing.
		if (inside === undefined || inside === '/') continue;
		tree.mkdir(inside.slice(0, inside.lastIndexOf('/')) || '/', {parents: true});
		if (!inside.endsWith('/.keep')) tree.write(inside, content);
	}
}
