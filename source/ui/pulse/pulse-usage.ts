/**
 * Cluster-wide figures for pulse: CPU and memory used by running pods (the
 * runtime's simulated usage, as `kubectl top`) against node allocatable, and
 * requests served by Services. Only the simulated cluster has these figures.
 * The usage is the model's snapshot of the last complete scrape.
 */
import {bytes, milliCpu} from '../../engine/index.js';
import type {ClusterSource} from '../model/cluster-source.js';
import type {ClusterModel} from '../model/cluster-model.js';
import type {Usage} from './pulse-model.js';

export type ClusterUsage = Usage & {cpuCapacity: number; memoryCapacity: number};

export function clusterUsage(cluster: ClusterSource, model: ClusterModel): ClusterUsage | undefined {
	const simulation = cluster.simulation;
	if (!simulation) return undefined;
	// The model's snapshot of the last complete scrape: no read walks every pod.
	const metrics = model.metrics();
	const cpuMilli = metrics?.podsCpuMilli ?? 0;
	const memoryBytes = metrics?.podsMemoryBytes ?? 0;
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
