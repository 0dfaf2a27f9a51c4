/**
 * Cluster-wide figures for pulse: CPU and memory used by running pods (the
 * runtime's simulated usage, as `kubectl top`) against node allocatable, and
 * requests served by Services. Only the simulated cluster has these figures.
 */
import {bytes, milliCpu} from '../../engine/index.js';
import type {ClusterSource} from '../model/cluster-source.js';
import type {Usage} from './pulse-model.js';

export type ClusterUsage = Usage & {cpuCapacity: number; memoryCapacity: number};

export function clusterUsage(cluster: ClusterSource): ClusterUsage | undefined {
	const simulation = cluster.simulation;
	if (!simulation) return undefined;
	let cpuMilli = 0;
	let memoryBytes = 0;
	for (const pod of simulation.metrics().pods) {
		cpuMilli += pod.cpuMilli;
		memoryBytes += pod.memoryBytes;
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
			requestsTotal += simulation.trafficStats(service.metadata.name, {namespace: service.metadata.namespace}).total;
		} catch {
			// No traffic was ever sent to this Service.
		}
	}
	return {cpuMilli, memoryBytes, requestsTotal, cpuCapacity, memoryCapacity};
}
