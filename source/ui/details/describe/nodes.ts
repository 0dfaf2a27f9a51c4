/** Nodes: conditions, addresses, capacity, the non-terminated pods and allocated resources. */
import type {Container, KubeObject} from '../../../engine/index.js';
import {Writer, annotations, labels, type DescribeSource} from './writer.js';
import {rfc1123z, since} from '../time-format.js';

export function describeNode(w: Writer, node: KubeObject, source: DescribeSource): void {
	const spec = node.spec ?? {};
	const status = node.status ?? {};
	w.line(0, 'Name:', node.metadata.name);
	const roles = Object.keys(node.metadata.labels ?? {}).filter(key => key.startsWith('node-role.kubernetes.io/')).map(key => key.slice('node-role.kubernetes.io/'.length));
	w.line(0, 'Roles:', roles.length === 0 ? '<none>' : roles.join(','));
	labels(w, 0, 'Labels', node.metadata.labels);
	annotations(w, 0, node.metadata.annotations);
	w.line(0, 'CreationTimestamp:', rfc1123z(node.metadata.creationTimestamp));
	const taints: Array<{key: string; value?: string; effect: string}> = spec.taints ?? [];
	if (taints.length === 0) w.line(0, 'Taints:', '<none>');
	taints.forEach((t, i) => w.line(0, i === 0 ? 'Taints:' : '', `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`));
	w.line(0, 'Unschedulable:', spec.unschedulable ? 'true' : 'false');
	const conditions: Array<{type: string; status: string; lastHeartbeatTime?: string; lastTransitionTime?: string; reason?: string; message?: string}> = status.conditions ?? [];
	w.line(0, 'Conditions:');
	w.line(1, 'Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message');
	w.line(1, '----', '------', '-----------------', '------------------', '------', '-------');
	for (const c of conditions) w.line(1, c.type, c.status, rfc1123z(c.lastHeartbeatTime), rfc1123z(c.lastTransitionTime), c.reason ?? '', c.message ?? '');
	w.line(0, 'Addresses:');
	for (const address of (status.addresses ?? []) as Array<{type: string; address: string}>) w.line(1, `${address.type}:`, address.address);
	for (const [title, list] of [['Capacity', status.capacity], ['Allocatable', status.allocatable]] as const) {
		w.line(0, `${title}:`);
		for (const key of Object.keys(list ?? {}).sort()) w.line(1, `${key}:`, list[key]);
	}
	const info: Record<string, string> = status.nodeInfo ?? {};
	w.line(0, 'System Info:');
	for (const [title, key] of [
		['Machine ID', 'machineID'], ['System UUID', 'systemUUID'], ['Boot ID', 'bootID'], ['Kernel Version', 'kernelVersion'],
		['OS Image', 'osImage'], ['Operating System', 'operatingSystem'], ['Architecture', 'architecture'],
		['Container Runtime Version', 'containerRuntimeVersion'], ['Kubelet Version', 'kubeletVersion'], ['Kube-Proxy Version', 'kubeProxyVersion'],
	] as const) w.line(1, `${title}:`, info[key] ?? '');
	if (spec.podCIDR) w.line(0, 'PodCIDR:', spec.podCIDR);
	if (spec.podCIDRs) w.line(0, 'PodCIDRs:', spec.podCIDRs.join(','));
	if (spec.providerID) w.line(0, 'ProviderID:', spec.providerID);
	const pods = source.list('Pod').filter(pod => pod.spec?.nodeName === node.metadata.name && !['Succeeded', 'Failed'].includes(pod.status?.phase));
	w.line(0, `Non-terminated Pods:`, `(${pods.length} in total)`);
	w.line(1, 'Namespace', 'Name', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age');
	w.line(1, '---------', '----', '------------', '----------', '---------------', '-------------', '---');
	for (const pod of pods) {
		const sum = (field: 'requests' | 'limits', resource: string) => {
			const values = (pod.spec?.containers ?? []).map((c: Container) => c.resources?.[field]?.[resource]).filter(Boolean) as string[];
			return values.length === 0 ? '0 (0%)' : values.join('+');
		};
		w.line(1, pod.metadata.namespace, pod.metadata.name, sum('requests', 'cpu'), sum('limits', 'cpu'), sum('requests', 'memory'), sum('limits', 'memory'), since(pod.metadata.creationTimestamp, source.now()));
	}
}

