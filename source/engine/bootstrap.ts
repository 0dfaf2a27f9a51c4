import type {ControllerContext} from './controller.js';
import type {Node} from './api/types.js';
import {rfc3339} from './clock.js';

/** Shape of a simulated worker node. */
export type NodeOptions = {
	/** CPU cores (default 4). */
	cpu?: number;
	/** Memory in GiB (default 16). */
	memoryGi?: number;
	/** Max pods (default 110, the kubelet default). */
	pods?: number;
	/** Extra labels. */
	labels?: Record<string, string>;
	/** Zone label value (default spreads nodes over three zones). */
	zone?: string;
};

/** The nodes' Kubernetes version: the API server's (kind runs every component of one release, and `kubectl version` says v1.32.0). */
export const kubeletVersion = 'v1.32.0';

/** `kubarium-worker`, `kubarium-worker2`, ... as kind names its nodes. */
export function workerName(index: number): string {
	return index === 0 ? 'kubarium-worker' : `kubarium-worker${index + 1}`;
}

/** The Node object a fresh kubelet registers. `index` picks its addresses and pod CIDR. */
export function makeNode(context: ControllerContext, name: string, index: number, options: NodeOptions = {}): Node {
	const now = rfc3339(context.clock.now());
	const cpu = options.cpu ?? 4;
	const memoryKi = (options.memoryGi ?? 16) * 1024 * 1024;
	const pods = options.pods ?? 110;
	const zones = ['zone-a', 'zone-b', 'zone-c'];
	const condition = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
		type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now,
	});
	const ip = `172.18.${Math.floor((index + 2) / 250)}.${((index + 2) % 250) + 1}`;
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: {
			name,
			uid: '', resourceVersion: '', creationTimestamp: '',
			labels: {
				'beta.kubernetes.io/arch': 'amd64',
				'beta.kubernetes.io/os': 'linux',
				'kubernetes.io/arch': 'amd64',
				'kubernetes.io/hostname': name,
				'kubernetes.io/os': 'linux',
				'topology.kubernetes.io/zone': options.zone ?? zones[index % zones.length]!,
				...options.labels,
			},
			annotations: {'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true'},
		},
		spec: {podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`], providerID: `kind://docker/kubarium/${name}`},
		status: {
			capacity: {cpu: String(cpu), 'ephemeral-storage': '102626232Ki', memory: `${memoryKi}Ki`, pods: String(pods)},
			allocatable: {cpu: String(cpu), 'ephemeral-storage': '102626232Ki', memory: `${memoryKi}Ki`, pods: String(pods)},
			conditions: [
				condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
				condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
				condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
				condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
			],
			addresses: [{type: 'InternalIP', address: ip}, {type: 'Hostname', address: name}],
			nodeInfo: {
				architecture: 'amd64',
				bootID: context.random.uuid(),
				containerRuntimeVersion: 'containerd://1.7.18',
				kernelVersion: '6.8.0-kubarium',
				kubeProxyVersion: kubeletVersion,
				kubeletVersion,
				machineID: context.random.uuid().replaceAll('-', ''),
				operatingSystem: 'linux',
				osImage: 'Debian GNU/Linux 12 (bookworm)',
				systemUUID: context.random.uuid(),
			},
		},
	};
}

/** Namespaces and nodes of a fresh cluster; other parts add their own bootstrap objects in `start()`. */
export function bootstrapCluster(context: ControllerContext, options: {nodes: number; node?: NodeOptions}): void {
	const {store} = context;
	for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
		store.create({
			apiVersion: 'v1', kind: 'Namespace',
			metadata: {name, labels: {'kubernetes.io/metadata.name': name}, uid: '', resourceVersion: '', creationTimestamp: ''},
			spec: {finalizers: ['kubernetes']},
			status: {phase: 'Active'},
		});
	}
	for (let i = 0; i < options.nodes; i++) store.create(makeNode(context, workerName(i), i, options.node));
}
