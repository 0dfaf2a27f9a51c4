import type {Store} from '../store.js';
import type {Pod, Container} from '../api/types.js';
import type {NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort} from '../api/networking-objects.js';
import {labelSelectorFromObject, matchesLabels} from '../api/selectors.js';
import {parseCidr} from '../api/cidr.js';
import '../api/networking-objects.js';

/**
 * NetworkPolicy as a CNI that enforces it (Calico, Cilium) applies it to a
 * new connection: a pod selected by a policy of a direction allows only
 * what one of those policies' rules allows in that direction (policies add
 * up, never subtract); a pod no policy selects allows everything. Ingress
 * is checked at the destination pod, egress at the source pod. Denied
 * packets are dropped, so the client's connection times out.
 */

/** Where a connection comes from: a pod, or an address outside the pod network. */
export type Source = {pod: Pod} | {ip: string};

function selects(policy: NetworkPolicy, pod: Pod): boolean {
	return matchesLabels(labelSelectorFromObject(policy.spec?.podSelector ?? {}), pod.metadata.labels);
}

function policiesFor(store: Store, pod: Pod, direction: 'Ingress' | 'Egress'): NetworkPolicy[] {
	const namespace = pod.metadata.namespace ?? 'default';
	const out: NetworkPolicy[] = [];
	for (const policy of store.list('NetworkPolicy', namespace) as NetworkPolicy[]) {
		if ((policy.spec?.policyTypes ?? ['Ingress']).includes(direction) && selects(policy, pod)) out.push(policy);
	}
	return out;
}

function inBlock(ip: string | undefined, block: NonNullable<NetworkPolicyPeer['ipBlock']>): boolean {
	if (!ip) return false;
	const cidr = parseCidr(block.cidr);
	if (!cidr?.contains(ip)) return false;
	return !(block.except ?? []).some(text => parseCidr(text)?.contains(ip));
}

/** Whether `peer` of a policy in `policyNamespace` covers the other end of the connection. */
function peerMatches(store: Store, peer: NetworkPolicyPeer, policyNamespace: string, other: Source): boolean {
	if (peer.ipBlock) return inBlock('pod' in other ? other.pod.status?.podIP : other.ip, peer.ipBlock);
	if (!('pod' in other)) return false;
	const pod = other.pod;
	const namespace = pod.metadata.namespace ?? 'default';
	if (peer.namespaceSelector) {
		const labels = store.get('Namespace', undefined, namespace)?.metadata.labels ?? {'kubernetes.io/metadata.name': namespace};
		if (!matchesLabels(labelSelectorFromObject(peer.namespaceSelector), labels)) return false;
	} else if (namespace !== policyNamespace) return false;
	return !peer.podSelector || matchesLabels(labelSelectorFromObject(peer.podSelector), pod.metadata.labels);
}

/** Whether a rule's port list covers `port` of the destination pod (a named port is looked up there). */
function portMatches(ports: NetworkPolicyPort[] | undefined, port: number, destination: Pod | undefined, protocol: 'TCP' | 'UDP'): boolean {
	if (!ports || ports.length === 0) return true;
	return ports.some(rule => {
		if ((rule.protocol ?? 'TCP') !== protocol) return false;
		if (rule.port === undefined) return true;
		if (typeof rule.port === 'number') return port >= rule.port && port <= (rule.endPort ?? rule.port);
		const named = (destination?.spec?.containers ?? []).flatMap((c: Container) => c.ports ?? []).find(p => p.name === rule.port);
		return named?.containerPort === port;
	});
}

/**
 * Whether a connection from `source` to `destination`'s `port` (the
 * container port, after any Service) is let through by both ends' policies:
 * TCP, or UDP (a DNS query).
 */
export function connectionAllowed(store: Store, source: Source, destination: Pod, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): boolean {
	const ingress = policiesFor(store, destination, 'Ingress');
	if (ingress.length > 0) {
		const namespace = destination.metadata.namespace ?? 'default';
		const allowed = ingress.some(policy => (policy.spec?.ingress ?? []).some(rule =>
			portMatches(rule.ports, port, destination, protocol)
			&& (!rule.from || rule.from.length === 0 || rule.from.some(peer => peerMatches(store, peer, namespace, source)))));
		if (!allowed) return false;
	}
	if ('pod' in source) {
		const egress = policiesFor(store, source.pod, 'Egress');
		if (egress.length > 0) {
			const namespace = source.pod.metadata.namespace ?? 'default';
			const target: Source = {pod: destination};
			return egress.some(policy => (policy.spec?.egress ?? []).some(rule =>
				portMatches(rule.ports, port, destination, protocol)
				&& (!rule.to || rule.to.length === 0 || rule.to.some(peer => peerMatches(store, peer, namespace, target)))));
		}
	}
	return true;
}
