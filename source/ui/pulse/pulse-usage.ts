/**
 * Cluster-wide figures for pulse: CPU and memory, and requests served by
 * Services. CPU and memory are the requests of running pods against node
 * allocatable until the runtime reports usage.
 */
import {bytes, milliCpu, type Cluster, type Container} from '../../engine/index.js';
import type {Usage} from './pulse-model.js';

export type ClusterUsage = Usage & {cpuCapacity: number; memoryCapacity: number; source: string};

export function clusterUsage(cluster: Cluster): ClusterUsage {
	let cpuMilli = 0;
	let memoryBytes = 0;
	for (const pod of cluster.list('Pod')) {
		if (pod.status?.phase !== 'Running') continue;
		for (const container of (pod.spec?.containers ?? []) as Container[]) {
			cpuMilli += milliCpu(container.resources?.requests?.['cpu']);
			memoryBytes += bytes(container.resources?.requests?.['memory']);
		}
	}
	let cpuCapacity = 0;
	let memoryCapacity = 0;
	for (const node of cluster.list('Node')) {
		cpuCapacity += milliCpu(node.status?.allocatable?.['cpu']);
		memoryCapacity += bytes(node.status?.allocatable?.['memory']);
	}
	let requestsTotal = 0;
	for (const service of cluster.list('Service')) {
		try {
			requestsTotal += cluster.trafficStats(service.metadata.name, {namespace: service.metadata.namespace}).total;
		} catch {
			// No traffic was ever sent to this Service.
		}
	}
	return {cpuMilli, memoryBytes, requestsTotal, cpuCapacity, memoryCapacity, source: '(requested)'};
}
