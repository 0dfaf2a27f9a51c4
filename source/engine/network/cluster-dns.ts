/**
 * Whether a pod's DNS queries are answered: a pod's resolv.conf names the
 * kube-dns Service (10.96.0.10), so once a cluster runs CoreDNS behind it
 * (the demo does, as kind does), a lookup is answered only while a CoreDNS
 * pod is a ready endpoint of kube-dns, on a node that runs, and the pod's
 * NetworkPolicies (and CoreDNS's) let its query to UDP port 53 through.
 * CoreDNS scaled to zero, crash-looping, or a default-deny egress policy
 * without a rule for DNS: every lookup times out, as on a real cluster. A
 * cluster without a kube-dns Service answers as it always did.
 */
import type {ControllerContext} from '../controller.js';
import type {Pod} from '../api/types.js';
import type {Endpoints} from '../api/endpoint-objects.js';
import {connectionAllowed} from './policy.js';

export const clusterDnsNamespace = 'kube-system';
export const clusterDnsService = 'kube-dns';
const dnsPort = 53;

/** Whether a DNS query from `source` (a pod) reaches a CoreDNS that answers it. */
export function clusterDnsAnswers(context: ControllerContext, source: Pod): boolean {
	const {store} = context;
	if (!store.get('Service', clusterDnsNamespace, clusterDnsService)) return true;
	const endpoints = store.get('Endpoints', clusterDnsNamespace, clusterDnsService) as Endpoints | undefined;
	for (const subset of endpoints?.subsets ?? []) {
		const port = (subset.ports ?? []).find(p => p.port === dnsPort && p.protocol === 'UDP')?.port ?? (subset.ports ?? []).find(p => p.name === 'dns')?.port;
		if (port === undefined) continue;
		for (const address of subset.addresses ?? []) {
			const pod = address.targetRef?.uid ? store.getByUid(address.targetRef.uid) as Pod | undefined : undefined;
			const nodeName = pod?.spec?.nodeName;
			if (!pod || !nodeName || context.services.kubelet?.isHalted(nodeName)) continue;
			if (connectionAllowed(store, {pod: source}, pod, port, 'UDP')) return true;
		}
	}
	return false;
}
