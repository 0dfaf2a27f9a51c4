import type {Node} from '../api/types.js';

/** The host addresses a node's pods hold, and where the search for a free one starts. */
type NodeIps = {
	used: Set<number>;
	/** Every host below this one is used: a node's pods start one after another, and each would otherwise step over all the earlier ones. */
	lowestFree: number;
};

/**
 * Pod IPs, as the node's CNI plugin (host-local IPAM) hands them out: the
 * lowest free host address of the node's podCIDR, from .2 (.1 is the
 * gateway); released when the pod goes, all forgotten when the node halts.
 */
export class PodIpAllocator {
	private readonly nodes = new Map<string, NodeIps>();
	/** The first three octets of each podCIDR seen. */
	private readonly prefixes = new Map<string, string>();

	allocate(node: Node | undefined): string {
		const cidr = node?.spec?.podCIDR ?? '10.244.0.0/24';
		let prefix = this.prefixes.get(cidr);
		if (prefix === undefined) this.prefixes.set(cidr, (prefix = cidr.split('/')[0]!.split('.').slice(0, 3).join('.')));
		const name = node?.metadata.name ?? '';
		let ips = this.nodes.get(name);
		if (!ips) this.nodes.set(name, (ips = {used: new Set(), lowestFree: 2}));
		for (let host = ips.lowestFree; host < 255; host++) {
			if (!ips.used.has(host)) {
				ips.used.add(host);
				ips.lowestFree = host + 1;
				return `${prefix}.${host}`;
			}
		}
		return `${prefix}.254`;
	}

	release(nodeName: string, ip: string): void {
		const ips = this.nodes.get(nodeName);
		const host = Number(ip.split('.')[3]);
		if (ips?.used.delete(host) && host < ips.lowestFree) ips.lowestFree = host;
	}

	/** The node went down: its allocations go with it. */
	forgetNode(nodeName: string): void {
		this.nodes.delete(nodeName);
	}
}
