import type {Node} from '../api/types.js';

/**
 * Pod IPs, as the node's CNI plugin (host-local IPAM) hands them out: the
 * lowest free host address of the node's podCIDR, from .2 (.1 is the
 * gateway); released when the pod goes, all forgotten when the node halts.
 */
export class PodIpAllocator {
	private readonly used = new Map<string, Set<number>>();

	allocate(node: Node | undefined): string {
		const cidr = node?.spec?.podCIDR ?? '10.244.0.0/24';
		const base = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
		let used = this.used.get(node?.metadata.name ?? '');
		if (!used) this.used.set(node?.metadata.name ?? '', (used = new Set()));
		for (let host = 2; host < 255; host++) {
			if (!used.has(host)) {
				used.add(host);
				return `${base}.${host}`;
			}
		}
		return `${base}.254`;
	}

	release(nodeName: string, ip: string): void {
		this.used.get(nodeName)?.delete(Number(ip.split('.')[3]));
	}

	/** The node went down: its allocations go with it. */
	forgetNode(nodeName: string): void {
		this.used.delete(nodeName);
	}
}
