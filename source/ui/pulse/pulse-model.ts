/**
 * Pulse: counts and faults per kind, and sparklines of cluster CPU, memory
 * and service requests over simulated time. Pure: the sampler reads the
 * cluster through a small structural interface and keeps a bounded history,
 * sampled on virtual time (one point per interval, however fast the app
 * refreshes or the simulation runs).
 */
import type {ContainerStatus, KubeObject} from '../../engine/index.js';

/** Kinds on the pulse grid, in k9s' order. */
export const pulseKinds = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Service', 'PersistentVolume', 'PersistentVolumeClaim', 'HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'Node', 'Event'] as const;

export type KindPulse = {kind: string; total: number; faults: number};

/** One point in time: CPU in millicores, memory in bytes, requests served since the previous point. */
export type PulseSample = {at: number; cpu: number; memory: number; requests: number};

/** Cluster-wide usage the sampler reads; the cluster facade supplies it. */
export type Usage = {cpuMilli: number; memoryBytes: number; requestsTotal: number};

export type PulseSource = {
	now(): number;
	list(kind: string): readonly KubeObject[];
};

const badWaiting = new Set(['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** Is this object faulty, as k9s' pulse counts it (an object not in its healthy state)? */
export function isFaulty(object: KubeObject, source: PulseSource): boolean {
	const status = object.status ?? {};
	const spec = object.spec ?? {};
	switch (object.kind) {
		case 'Pod': {
			if (status.phase === 'Succeeded') return false;
			if (status.phase !== 'Running') return true;
			const statuses: ContainerStatus[] = status.containerStatuses ?? [];
			return statuses.some(s => !s.ready || (s.state?.waiting?.reason && badWaiting.has(s.state.waiting.reason)));
		}
		case 'Deployment':
			return (status.availableReplicas ?? 0) < (spec.replicas ?? 1);
		case 'StatefulSet':
		case 'ReplicaSet':
			return (status.readyReplicas ?? 0) < (spec.replicas ?? 1);
		case 'DaemonSet':
			return (status.numberReady ?? 0) < (status.desiredNumberScheduled ?? 0);
		case 'Job':
			return (status.conditions ?? []).some((c: {type: string; status: string}) => c.type === 'Failed' && c.status === 'True');
		case 'CronJob':
			return false;
		case 'Service': {
			if (!spec.selector || Object.keys(spec.selector).length === 0) return false;
			const endpoints = source.list('Endpoints').find(e => e.metadata.name === object.metadata.name && e.metadata.namespace === object.metadata.namespace);
			const subsets = (endpoints?.['subsets'] ?? []) as Array<{addresses?: unknown[]}>;
			return !subsets.some(s => (s.addresses ?? []).length > 0);
		}
		case 'PersistentVolume':
			return status.phase === 'Failed';
		case 'PersistentVolumeClaim':
			return status.phase !== 'Bound';
		case 'HorizontalPodAutoscaler':
			return (status.conditions ?? []).some((c: {type: string; status: string}) => (c.type === 'AbleToScale' || c.type === 'ScalingActive') && c.status === 'False');
		case 'Ingress':
			return (status.loadBalancer?.ingress ?? []).length === 0;
		case 'Node':
			return spec.unschedulable === true || !(status.conditions ?? []).some((c: {type: string; status: string}) => c.type === 'Ready' && c.status === 'True');
		case 'Event':
			return object['type'] === 'Warning';
		default:
			return false;
	}
}

/** Totals and faults per pulse kind, for a namespace ('all' or undefined = every namespace). */
export function kindPulses(source: PulseSource, namespace?: string): KindPulse[] {
	return pulseKinds.map(kind => {
		let total = 0;
		let faults = 0;
		for (const object of source.list(kind)) {
			if (namespace && namespace !== 'all' && object.metadata.namespace !== undefined && object.metadata.namespace !== namespace) continue;
			total++;
			if (isFaulty(object, source)) faults++;
		}
		return {kind, total, faults};
	});
}

/**
 * The sampler: `sample()` may be called at any rate; it records one point
 * per `intervalMs` of virtual time and keeps the last `capacity` points.
 */
export class PulseHistory {
	private readonly points: PulseSample[] = [];
	private lastAt: number | undefined;
	private lastRequests: number | undefined;

	constructor(
		private readonly usage: () => Usage,
		private readonly now: () => number,
		readonly intervalMs = 5000,
		readonly capacity = 120,
	) {}

	/** Take a point if an interval passed since the last one; returns true when it did. */
	sample(): boolean {
		const at = this.now();
		if (this.lastAt !== undefined && at - this.lastAt < this.intervalMs) return false;
		const usage = this.usage();
		const requests = this.lastRequests === undefined ? 0 : Math.max(0, usage.requestsTotal - this.lastRequests);
		this.lastRequests = usage.requestsTotal;
		this.lastAt = at;
		this.points.push({at, cpu: usage.cpuMilli, memory: usage.memoryBytes, requests});
		if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
		return true;
	}

	samples(): readonly PulseSample[] {
		return this.points;
	}
}

const bars = '▁▂▃▄▅▆▇█';

/** A sparkline of the last `width` values, scaled from 0 to the largest value shown (or `max`). */
export function sparkline(values: readonly number[], width: number, max?: number): string {
	const shown = values.slice(-width);
	const top = max ?? Math.max(0, ...shown);
	const line = shown.map(v => (top <= 0 ? bars[0] : bars[Math.min(bars.length - 1, Math.max(0, Math.round((v / top) * (bars.length - 1))))])).join('');
	return line.padStart(width, ' ');
}
