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

	/**
	 * The allocations as data, per node: its name, where its search starts and
	 * the hosts it holds. Saved rather than worked out from the pods: a pod
	 * bound to a node with no Node object took its address under no node's
	 * name and never gives it back, and a full range hands out .254 again.
	 */
	save(): SavedPodIps {
		return [...this.nodes].map(([name, ips]) => [name, ips.lowestFree, ...ips.used]);
	}

	/** Replace the allocations with saved ones. */
	load(saved: SavedPodIps): void {
		this.nodes.clear();
		this.prefixes.clear();
		for (const [name, lowestFree, ...used] of saved) this.nodes.set(name, {used: new Set(used), lowestFree});
	}
}

/** Pod IP allocations as saved: per node, its name, its lowest free host and the hosts in use. */
export type SavedPodIps = Array<[name: string, lowestFree: number, ...used: number[]]>;
