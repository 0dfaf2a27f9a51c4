import type {ControllerContext} from '../controller.js';
import type {TimerHandle} from '../clock.js';
import type {Endpoints} from '../api/endpoint-objects.js';
import type {Pod} from '../api/types.js';
import {badRequest, notFound} from '../errors.js';

/**
 * Simulated client traffic to a Service, as kube-proxy would spread it: a
 * steady stream of requests over the Service's ready endpoints, counted once
 * per virtual second (never one timer per request). Requests fail when no
 * endpoint is ready, or when the chosen pod's node is down (the connection
 * times out until the node controller takes the pod out of the endpoints).
 */

/** One second of traffic. */
export type TrafficSample = {
	/** Virtual time at the end of the second, ms since the epoch. */
	time: number;
	requests: number;
	failed: number;
};

export type TrafficStats = {
	service: string;
	namespace: string;
	/** Still sending. */
	running: boolean;
	/** Requests per second while running. */
	rps: number;
	total: number;
	succeeded: number;
	failed: number;
	/** Successful requests served by each pod, by pod name. */
	perPod: Record<string, number>;
	/** The last seconds, oldest first (at most `recentCapacity`). */
	recent: TrafficSample[];
};

export type TrafficOptions = {
	namespace?: string;
	/** Requests per second (default 10). */
	rps?: number;
};

/** Where the requests come from: the kind network's gateway, as traffic from the host. */
export const clientAddress = '172.18.0.1';

export const defaultRps = 10;
export const maxRps = 100_000;
/** Seconds of per-second history kept per stream. */
export const recentCapacity = 300;
const tickMs = 1000;

type Stream = {
	namespace: string;
	name: string;
	rps: number;
	running: boolean;
	carry: number;
	rotate: number;
	/** The endpoint a ClientIP-affinity Service pins our client to. */
	affinity?: string;
	total: number;
	failed: number;
	perPod: Map<string, number>;
	recent: TrafficSample[];
	timer?: TimerHandle;
};

export type TrafficService = {
	start(service: string, options?: TrafficOptions): TrafficStats;
	stop(service: string, options?: {namespace?: string}): TrafficStats;
	stats(service: string, options?: {namespace?: string}): TrafficStats;
};

/** The cluster's traffic generator (created on first use). */
export function trafficService(context: ControllerContext): TrafficService {
	const existing = context.services.traffic;
	if (existing) return existing;
	const service = createTraffic(context);
	context.services.traffic = service;
	return service;
}

function createTraffic(context: ControllerContext): TrafficService {
	const {store, clock} = context;
	const streams = new Map<string, Stream>();

	function snapshot(stream: Stream): TrafficStats {
		return {
			service: stream.name,
			namespace: stream.namespace,
			running: stream.running,
			rps: stream.rps,
			total: stream.total,
			succeeded: stream.total - stream.failed,
			failed: stream.failed,
			perPod: Object.fromEntries(stream.perPod),
			recent: stream.recent.map(s => ({...s})),
		};
	}

	/** Ready endpoints of the Service, each with whether its node still answers. */
	function targets(stream: Stream): Array<{uid: string; name: string; alive: boolean; port?: number; nodeName?: string}> {
		if (!store.get('Service', stream.namespace, stream.name)) return [];
		const endpoints = store.get('Endpoints', stream.namespace, stream.name) as Endpoints | undefined;
		const kubelet = context.services.kubelet;
		const out: Array<{uid: string; name: string; alive: boolean; port?: number; nodeName?: string}> = [];
		for (const subset of endpoints?.subsets ?? []) {
			for (const address of subset.addresses ?? []) {
				const nodeName = address.nodeName;
				const alive = !nodeName || (Boolean(store.get('Node', undefined, nodeName)) && !kubelet?.isHalted(nodeName));
				out.push({uid: address.targetRef?.uid ?? address.ip, name: address.targetRef?.name ?? address.ip, alive, port: subset.ports?.[0]?.port, nodeName});
			}
		}
		return out;
	}

	/**
	 * Hand one second's requests to the pod's container (`handleRequest`, one
	 * call with a count), so the server answers and writes its access lines.
	 * False when they fail there: connection refused or a 5xx answer.
	 */
	function deliver(target: {uid: string; port?: number; nodeName?: string}, count: number): boolean {
		// An address outside the cluster (hand-made Endpoints) is taken to answer.
		if (!target.nodeName) return true;
		const kubelet = context.services.kubelet;
		const runtime = kubelet?.runtimeFor(target.nodeName);
		if (!runtime) return false;
		const pod = store.getByUid(target.uid) as Pod | undefined;
		const containers = pod?.spec?.containers ?? [];
		const container = containers.find(c => c.ports?.some(p => p.containerPort === target.port)) ?? containers[0];
		const containerId = container ? kubelet!.containerIdOf(target.uid, container.name) : undefined;
		if (!containerId) return false;
		const response = runtime.handleRequest(containerId, {method: 'GET', path: '/', from: clientAddress, port: target.port, userAgent: 'kubarium-traffic/1.0', count});
		return response.ok && response.status < 500;
	}

	function tick(stream: Stream): void {
		const due = stream.rps + stream.carry;
		const requests = Math.floor(due);
		stream.carry = due - requests;
		let failed = 0;
		let list = targets(stream);
		// ClientIP affinity: our one client sticks to one endpoint while it stays in the Service.
		const service = store.get('Service', stream.namespace, stream.name);
		if (service?.spec?.sessionAffinity === 'ClientIP' && list.length > 0) {
			const sticky = list.find(t => t.uid === stream.affinity) ?? list[stream.rotate % list.length]!;
			stream.affinity = sticky.uid;
			list = [sticky];
		}
		if (list.length === 0) {
			failed = requests;
		} else {
			const base = Math.floor(requests / list.length);
			const extra = requests - base * list.length;
			for (let i = 0; i < list.length; i++) {
				const target = list[(stream.rotate + i) % list.length]!;
				const count = base + (i < extra ? 1 : 0);
				if (count === 0) continue;
				if (!target.alive || !deliver(target, count)) {
					failed += count;
					continue;
				}
				stream.perPod.set(target.name, (stream.perPod.get(target.name) ?? 0) + count);
			}
			stream.rotate = (stream.rotate + extra) % list.length;
		}
		stream.total += requests;
		stream.failed += failed;
		stream.recent.push({time: clock.now(), requests, failed});
		if (stream.recent.length > recentCapacity) stream.recent.shift();
	}

	function schedule(stream: Stream): void {
		stream.timer = clock.after(tickMs, () => {
			if (!stream.running) return;
			tick(stream);
			schedule(stream);
		});
	}

	function keyFor(service: string, namespace: string | undefined): {key: string; namespace: string} {
		if (typeof service !== 'string' || service === '') throw badRequest('a service name is required');
		const ns = namespace ?? 'default';
		return {key: `${ns}/${service}`, namespace: ns};
	}

	return {
		start(service, options = {}) {
			const {key, namespace} = keyFor(service, options.namespace);
			const rps = options.rps ?? defaultRps;
			if (typeof rps !== 'number' || !Number.isFinite(rps) || rps <= 0 || rps > maxRps) {
				throw badRequest(`rps: Invalid value: ${String(rps)}: must be greater than 0 and at most ${maxRps}`);
			}
			if (!store.get('Service', namespace, service)) throw notFound('services', service);
			let stream = streams.get(key);
			if (stream?.running) {
				stream.rps = rps;
				return snapshot(stream);
			}
			stream ??= {namespace, name: service, rps, running: true, carry: 0, rotate: 0, total: 0, failed: 0, perPod: new Map(), recent: []};
			stream.rps = rps;
			stream.running = true;
			streams.set(key, stream);
			schedule(stream);
			return snapshot(stream);
		},
		stop(service, options = {}) {
			const {key} = keyFor(service, options.namespace);
			const stream = streams.get(key);
			if (!stream?.running) throw badRequest(`no traffic is running to service "${key}"`);
			stream.running = false;
			stream.timer?.cancel();
			stream.timer = undefined;
			return snapshot(stream);
		},
		stats(service, options = {}) {
			const {key} = keyFor(service, options.namespace);
			const stream = streams.get(key);
			if (!stream) throw badRequest(`no traffic has been sent to service "${key}"; start it with startTraffic`);
			return snapshot(stream);
		},
	};
}
