import type {ControllerContext} from '../controller.js';
import type {TimerHandle} from '../clock.js';
import type {SavedTimerRef} from '../state.js';
import type {Endpoints} from '../api/endpoint-objects.js';
import type {Pod} from '../api/types.js';
import {badRequest, notFound} from '../errors.js';
import {connectionAllowed, type Source} from './policy.js';
import {ingressNginxName, ingressNginxNamespace, routeIngressRequest} from './ingress-nginx.js';

/**
 * Simulated client traffic to a Service, as kube-proxy would spread it: a
 * steady stream of requests over the Service's ready endpoints, counted once
 * per virtual second (never one timer per request). Requests fail when no
 * endpoint is ready, or when the chosen pod's node is down (the connection
 * times out until the node controller takes the pod out of the endpoints).
 * NetworkPolicies are honoured: a denied connection times out. Traffic to
 * the ingress-nginx controller's Service is routed by the Ingresses, with
 * the request's host and path; it answers 404 and 503 as ingress-nginx does.
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
	/** Requests by outcome: the HTTP status (`200`, `404`, `503`...), `timeout` or `refused`. */
	outcomes: Record<string, number>;
	/** The Host header and path of each request. */
	host?: string;
	path: string;
	/** The client pod (`namespace/name`), when not outside the cluster. */
	from?: string;
	/** The last seconds, oldest first (at most `recentCapacity`). */
	recent: TrafficSample[];
};

export type TrafficOptions = {
	namespace?: string;
	/** Requests per second (default 10). */
	rps?: number;
	/** The Host header (ingress-nginx routes on it). */
	host?: string;
	/** The request path (default `/`). */
	path?: string;
	/** The client pod, `namespace/name` or a name in the default namespace; outside the cluster when unset. */
	from?: string;
};

/** Where the requests come from: the kind network's gateway, as traffic from the host. */
export const clientAddress = '172.18.0.1';

export const defaultRps = 10;
export const maxRps = 100_000;
/** Seconds of per-second history kept per stream. */
export const recentCapacity = 300;
const tickMs = 1000;

type Target = {uid: string; name: string; alive: boolean; port?: number; nodeName?: string};

type Stream = {
	namespace: string;
	name: string;
	rps: number;
	running: boolean;
	carry: number;
	rotate: number;
	/** The endpoint a ClientIP-affinity Service pins our client to. */
	affinity?: string;
	host?: string;
	path: string;
	from?: string;
	total: number;
	failed: number;
	perPod: Map<string, number>;
	outcomes: Map<string, number>;
	recent: TrafficSample[];
	timer?: TimerHandle;
};

/** A stream as saved, by its key: every field, its seconds as `[time, requests, failed]`, its next second's timer. */
type SavedStream = [key: string, stream: {
	namespace: string; name: string; rps: number; running: boolean; carry: number; rotate: number;
	affinity: string | null; host: string | null; path: string; from: string | null;
	total: number; failed: number; perPod: Array<[string, number]>; outcomes: Array<[string, number]>;
	recent: Array<[time: number, requests: number, failed: number]>;
	timer: SavedTimerRef | null;
}];

export type StreamOptions = {namespace?: string; host?: string; path?: string; from?: string};

export type TrafficService = {
	start(service: string, options?: TrafficOptions): TrafficStats;
	stop(service: string, options?: StreamOptions): TrafficStats;
	stats(service: string, options?: StreamOptions): TrafficStats;
};

/** The cluster's traffic generator (made when the cluster is built, so its part and timer kind are there before any traffic). */
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
			outcomes: Object.fromEntries(stream.outcomes),
			...(stream.host === undefined ? {} : {host: stream.host}),
			path: stream.path,
			...(stream.from ? {from: stream.from} : {}),
			recent: stream.recent.map(s => ({...s})),
		};
	}

	/** Ready endpoints of a Service (for its port named `portName`, else its first), each with whether its node still answers. */
	function targets(namespace: string, name: string, portName?: string): Target[] {
		if (!store.get('Service', namespace, name)) return [];
		const endpoints = store.get('Endpoints', namespace, name) as Endpoints | undefined;
		const kubelet = context.services.kubelet;
		const out: Target[] = [];
		for (const subset of endpoints?.subsets ?? []) {
			const port = (portName ? subset.ports?.find(p => p.name === portName) : undefined) ?? subset.ports?.[0];
			for (const address of subset.addresses ?? []) {
				const nodeName = address.nodeName;
				const alive = !nodeName || (Boolean(store.get('Node', undefined, nodeName)) && !kubelet?.isHalted(nodeName));
				out.push({uid: address.targetRef?.uid ?? address.ip, name: address.targetRef?.name ?? address.ip, alive, port: port?.port, nodeName});
			}
		}
		return out;
	}

	/**
	 * Hand one second's requests to the pod's container (`handleRequest`, one
	 * call with a count), so the server answers and writes its access lines.
	 * The outcome: the HTTP status, `refused`, or `timeout` when a
	 * NetworkPolicy drops the connection or the node does not answer.
	 */
	function deliver(stream: Stream, target: Target, count: number, source: Source): string {
		// An address outside the cluster (hand-made Endpoints) is taken to answer.
		if (!target.nodeName) return '200';
		const kubelet = context.services.kubelet;
		const runtime = kubelet?.runtimeFor(target.nodeName);
		if (!runtime) return 'timeout';
		const pod = store.getByUid(target.uid) as Pod | undefined;
		if (pod && target.port !== undefined && !connectionAllowed(store, source, pod, target.port)) return 'timeout';
		const containers = pod?.spec?.containers ?? [];
		const container = containers.find(c => c.ports?.some(p => p.containerPort === target.port)) ?? containers[0];
		const containerId = container ? kubelet!.containerIdOf(target.uid, container.name) : undefined;
		if (!containerId) return 'refused';
		const from = 'pod' in source ? source.pod.status?.podIP ?? clientAddress : source.ip;
		const response = runtime.handleRequest(containerId, {method: 'GET', path: stream.path, from, port: target.port, userAgent: 'kubarium-traffic/1.0', count});
		return response.ok ? String(response.status) : 'refused';
	}

	/** A ready ingress-nginx controller pod: where routed requests come from. */
	function ingressControllerPod(): Pod | undefined {
		return (targets(ingressNginxNamespace, ingressNginxName, 'http').map(t => store.getByUid(t.uid)).find(p => p?.kind === 'Pod')) as Pod | undefined;
	}

	function count(stream: Stream, outcome: string, n: number): void {
		if (n > 0) stream.outcomes.set(outcome, (stream.outcomes.get(outcome) ?? 0) + n);
	}

	/** A second whose requests all failed the same way. */
	function allFailed(stream: Stream, outcome: string, requests: number): void {
		count(stream, outcome, requests);
		stream.total += requests;
		stream.failed += requests;
		stream.recent.push({time: clock.now(), requests, failed: requests});
		if (stream.recent.length > recentCapacity) stream.recent.shift();
	}

	function tick(stream: Stream): void {
		const due = stream.rps + stream.carry;
		const requests = Math.floor(due);
		stream.carry = due - requests;
		let failed = 0;
		let list: Target[];
		/** Through ingress-nginx: a backend that does not answer becomes its 504. */
		let proxied = false;
		let source: Source = {ip: clientAddress};
		if (stream.from) {
			const slash = stream.from.indexOf('/');
			const client = store.get('Pod', stream.from.slice(0, slash), stream.from.slice(slash + 1)) as Pod | undefined;
			if (!client || client.status?.phase !== 'Running') {
				// No client left to send from.
				stream.recent.push({time: clock.now(), requests: 0, failed: 0});
				if (stream.recent.length > recentCapacity) stream.recent.shift();
				return;
			}
			source = {pod: client};
		}
		if (stream.namespace === ingressNginxNamespace && stream.name === ingressNginxName) {
			// The request reaches ingress-nginx, which proxies it to the backend its Ingresses name.
			const controller = ingressControllerPod();
			const route = controller ? routeIngressRequest(context, stream.host ?? '', stream.path) : undefined;
			if (!controller || route!.status !== 200) {
				const outcome = controller ? String(route!.status) : 'timeout';
				allFailed(stream, outcome, requests);
				return;
			}
			const clientSource = source;
			if (!connectionAllowed(store, clientSource, controller, 80)) {
				allFailed(stream, 'timeout', requests);
				return;
			}
			source = {pod: controller};
			proxied = true;
			const backend = route as Extract<typeof route, {status: 200}>;
			const servicePort = backend.service.spec?.ports?.find(p => p.port === backend.port);
			list = targets(backend.service.metadata.namespace ?? 'default', backend.service.metadata.name, servicePort?.name);
			if (list.length === 0) {
				allFailed(stream, '503', requests);
				return;
			}
		} else list = targets(stream.namespace, stream.name);
		// ClientIP affinity: our one client sticks to one endpoint while it stays in the Service.
		const service = store.get('Service', stream.namespace, stream.name);
		if (service?.spec?.sessionAffinity === 'ClientIP' && list.length > 0) {
			const sticky = list.find(t => t.uid === stream.affinity) ?? list[stream.rotate % list.length]!;
			stream.affinity = sticky.uid;
			list = [sticky];
		}
		if (list.length === 0) {
			failed = requests;
			count(stream, 'refused', requests);
		} else {
			const base = Math.floor(requests / list.length);
			const extra = requests - base * list.length;
			for (let i = 0; i < list.length; i++) {
				const target = list[(stream.rotate + i) % list.length]!;
				const share = base + (i < extra ? 1 : 0);
				if (share === 0) continue;
				let outcome = target.alive ? deliver(stream, target, share, source) : 'timeout';
				if (proxied && outcome === 'timeout') outcome = '504';
				else if (proxied && outcome === 'refused') outcome = '502';
				count(stream, outcome, share);
				if (!/^[1-4]\d\d$/.test(outcome)) {
					failed += share;
					continue;
				}
				stream.perPod.set(target.name, (stream.perPod.get(target.name) ?? 0) + share);
			}
			stream.rotate = (stream.rotate + extra) % list.length;
		}
		stream.total += requests;
		stream.failed += failed;
		stream.recent.push({time: clock.now(), requests, failed});
		if (stream.recent.length > recentCapacity) stream.recent.shift();
	}

	/** A running stream's next second, by the stream's key. */
	const nextSecond = clock.kind<string>('traffic.tick', key => {
		const stream = streams.get(key)!;
		if (!stream.running) return;
		tick(stream);
		schedule(key, stream);
	});

	function schedule(key: string, stream: Stream): void {
		stream.timer = clock.after(tickMs, nextSecond, key);
	}

	context.state.register<SavedStream[]>('traffic', {
		save: saving => [...streams].map(([key, stream]) => [key, {
			namespace: stream.namespace, name: stream.name, rps: stream.rps, running: stream.running, carry: stream.carry, rotate: stream.rotate,
			affinity: stream.affinity ?? null, host: stream.host ?? null, path: stream.path, from: stream.from ?? null,
			total: stream.total, failed: stream.failed, perPod: [...stream.perPod], outcomes: [...stream.outcomes],
			recent: stream.recent.map(({time, requests, failed}) => [time, requests, failed]),
			timer: stream.timer ? saving.timer(stream.timer) : null,
		}]),
		load(saved, loading) {
			streams.clear();
			for (const [key, s] of saved) {
				const stream: Stream = {
					namespace: s.namespace, name: s.name, rps: s.rps, running: s.running, carry: s.carry, rotate: s.rotate, path: s.path,
					total: s.total, failed: s.failed, perPod: new Map(s.perPod), outcomes: new Map(s.outcomes),
					recent: s.recent.map(([time, requests, failed]) => ({time, requests, failed})),
				};
				if (s.affinity !== null) stream.affinity = s.affinity;
				if (s.host !== null) stream.host = s.host;
				if (s.from !== null) stream.from = s.from;
				if (s.timer) stream.timer = loading.timer(s.timer);
				streams.set(key, stream);
			}
		},
	});

	function keyFor(service: string, options: StreamOptions): {key: string; namespace: string; host?: string; path: string; from?: string} {
		if (typeof service !== 'string' || service === '') throw badRequest('a service name is required');
		const ns = options.namespace ?? 'default';
		const path = options.path ?? '/';
		if (typeof path !== 'string' || !path.startsWith('/')) throw badRequest(`path: Invalid value: ${JSON.stringify(path)}: must be an absolute path`);
		if (options.host !== undefined && (typeof options.host !== 'string' || !/^[a-z0-9.*-]*(:\d+)?$/i.test(options.host))) throw badRequest(`host: Invalid value: ${JSON.stringify(options.host)}: must be a DNS name`);
		let from: string | undefined;
		if (options.from !== undefined) {
			if (typeof options.from !== 'string' || options.from === '') throw badRequest('from: a pod name is required');
			from = options.from.includes('/') ? options.from : `default/${options.from}`;
		}
		const suffix = options.host === undefined && path === '/' ? '' : ` ${options.host ?? ''}${path}`;
		return {key: `${ns}/${service}${suffix}${from ? ` from ${from}` : ''}`, namespace: ns, host: options.host, path, from};
	}

	return {
		start(service, options = {}) {
			const {key, namespace, host, path, from} = keyFor(service, options);
			if (from && !store.get('Pod', from.slice(0, from.indexOf('/')), from.slice(from.indexOf('/') + 1))) throw notFound('pods', from.slice(from.indexOf('/') + 1));
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
			stream ??= {namespace, name: service, rps, running: true, carry: 0, rotate: 0, host, path, from, total: 0, failed: 0, perPod: new Map(), outcomes: new Map(), recent: []};
			stream.rps = rps;
			stream.running = true;
			streams.set(key, stream);
			schedule(key, stream);
			return snapshot(stream);
		},
		stop(service, options = {}) {
			const {key} = keyFor(service, options);
			const stream = streams.get(key);
			if (!stream?.running) throw badRequest(`no traffic is running to service "${key}"`);
			stream.running = false;
			stream.timer?.cancel();
			stream.timer = undefined;
			return snapshot(stream);
		},
		stats(service, options = {}) {
			const {key} = keyFor(service, options);
			const stream = streams.get(key);
			if (!stream) throw badRequest(`no traffic has been sent to service "${key}"; start it with startTraffic`);
			return snapshot(stream);
		},
	};
}
