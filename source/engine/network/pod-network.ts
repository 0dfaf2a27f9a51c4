import type {ControllerContext} from '../controller.js';
import type {Pod} from '../api/types.js';
import type {Service} from '../api/config-objects.js';
import type {Endpoints} from '../api/endpoint-objects.js';
import {connectionAllowed} from './policy.js';
import {clusterDnsAnswers} from './cluster-dns.js';
import {ingressNginxName, ingressNginxNamespace, routeIngressRequest} from './ingress-nginx.js';

/**
 * One HTTP request from a pod, as its wget or curl makes it: the cluster
 * DNS name of a Service (`web`, `web.shop`, `web.shop.svc.cluster.local`)
 * or an IP (a ClusterIP or a pod's), kube-proxy's choice of a ready
 * endpoint (round robin), NetworkPolicy at both ends, and the serving
 * container's answer. A Service without endpoints refuses the connection
 * (kube-proxy's reject rule); a denied or unreachable one times out.
 * A request to the ingress-nginx controller (its Service or load-balancer
 * address) is routed by the Ingresses on its Host header, and answered with
 * nginx's 404, 502, 503 or 504 pages where ingress-nginx answers them.
 */

export type PodReply =
	| {status: number; body: string; ip: string; /** The status line's reason phrase, when the server words it its own way (nginx). */ reason?: string}
	| {error: 'bad address'}
	| {error: 'refused' | 'timeout'; ip: string};

/** kube-proxy's round robin for requests from pods: the next endpoint's turn, by Service. */
const rotations = new WeakMap<ControllerContext, Map<string, number>>();

/** The rotations as a part of the cluster's state (registered when the cluster is built). */
export function registerPodNetwork(context: ControllerContext): void {
	context.state.register<Array<[string, number]>>('pod-network', {
		save: () => [...rotations.get(context) ?? []],
		load(saved) {
			rotations.delete(context);
			if (saved.length > 0) rotations.set(context, new Map(saved));
		},
	});
}

function nextIndex(context: ControllerContext, key: string, size: number): number {
	let map = rotations.get(context);
	if (!map) rotations.set(context, (map = new Map()));
	const n = map.get(key) ?? 0;
	map.set(key, n + 1);
	return n % size;
}

/** The Service a name means from `namespace`, as cluster DNS resolves it. */
function serviceByName(context: ControllerContext, host: string, namespace: string): Service | undefined {
	const parts = host.toLowerCase().replace(/\.$/, '').split('.');
	if (parts.length === 1) return context.store.get('Service', namespace, parts[0]!) as Service | undefined;
	const [name, ns, ...rest] = parts;
	const suffix = rest.join('.');
	if (suffix !== '' && suffix !== 'svc' && suffix !== 'svc.cluster.local') return undefined;
	return context.store.get('Service', ns!, name!) as Service | undefined;
}

function isIp(host: string): boolean {
	return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** Hand the request to the pod's container listening on `port`. */
function deliver(context: ControllerContext, source: Pod, target: Pod, port: number, path: string): PodReply {
	const ip = target.status?.podIP ?? '';
	const kubelet = context.services.kubelet;
	const nodeName = target.spec?.nodeName;
	if (!nodeName || !kubelet || kubelet.isHalted(nodeName) || !context.store.get('Node', undefined, nodeName)) return {error: 'timeout', ip};
	if (!connectionAllowed(context.store, {pod: source}, target, port)) return {error: 'timeout', ip};
	const runtime = kubelet.runtimeFor(nodeName);
	const containers = target.spec?.containers ?? [];
	const container = containers.find(c => c.ports?.some(p => p.containerPort === port)) ?? containers[0];
	const id = container ? kubelet.containerIdOf(target.metadata.uid, container.name) : undefined;
	if (!runtime || !id) return {error: 'refused', ip};
	const response = runtime.handleRequest(id, {method: 'GET', path, port, from: source.status?.podIP, userAgent: 'Wget'});
	if (!response.ok) return {error: 'refused', ip};
	return {status: response.status, body: response.body, ip};
}

/** nginx's own error page. */
function nginxPage(status: number, text: string): string {
	return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

const nginxErrors: Record<number, string> = {404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out'};

/** The request as ingress-nginx proxies it: from its controller pod to the backend the Ingresses name. */
function throughIngress(context: ControllerContext, controller: Pod, hostHeader: string, path: string, ip: string): PodReply {
	const route = routeIngressRequest(context, hostHeader, path);
	const page = (status: number): PodReply => ({status, body: nginxPage(status, nginxErrors[status]!), ip, reason: nginxErrors[status]});
	if (route.status !== 200) return page(route.status);
	const reply = toService(context, controller, route.service, route.port, path);
	if ('status' in reply) return {...reply, ip};
	if (reply.error === 'refused') return page(route.service.spec?.clusterIP && (context.store.get('Endpoints', route.service.metadata.namespace, route.service.metadata.name) as Endpoints | undefined)?.subsets?.some(s => (s.addresses ?? []).length > 0) ? 502 : 503);
	return page(504);
}

export function podRequest(context: ControllerContext, source: Pod, host: string, port: number, path: string, hostHeader?: string): PodReply {
	const namespace = source.metadata.namespace ?? 'default';
	const {store} = context;
	let service: Service | undefined;
	if (isIp(host)) {
		service = (store.list('Service') as Service[]).find(s => s.spec?.clusterIP === host || s.status?.loadBalancer?.ingress?.some(i => i.ip === host));
		if (!service) {
			// A node's address is held by every pod on its host network: the one that declares the port answers.
			const pods = (store.list('Pod') as Pod[]).filter(p => p.status?.podIP === host && p.status?.phase === 'Running');
			const pod = pods.find(p => (p.spec?.containers ?? []).some(c => c.ports?.some(declared => declared.containerPort === port))) ?? pods[0];
			return pod ? deliver(context, source, pod, port, path) : {error: 'timeout', ip: host};
		}
	} else {
		// A name is looked up first: no answer from cluster DNS is a bad address, as an unknown name is.
		if (!clusterDnsAnswers(context, source)) return {error: 'bad address'};
		service = serviceByName(context, host, namespace);
		if (!service || service.spec?.type === 'ExternalName') return {error: 'bad address'};
	}
	if (service.metadata.namespace === ingressNginxNamespace && service.metadata.name === ingressNginxName) {
		const reached = toService(context, source, service, port, path, true);
		if ('error' in reached) return reached;
		return throughIngress(context, reached.pod, hostHeader ?? host, path, reached.ip);
	}
	return toService(context, source, service, port, path);
}

/** A connection to a Service's port, over kube-proxy's choice of endpoint; with `connectOnly`, the pod reached (nothing is sent). */
function toService(context: ControllerContext, source: Pod, service: Service, port: number, path: string): PodReply;
function toService(context: ControllerContext, source: Pod, service: Service, port: number, path: string, connectOnly: true): {pod: Pod; ip: string} | Extract<PodReply, {error: string}>;
function toService(context: ControllerContext, source: Pod, service: Service, port: number, path: string, connectOnly = false): PodReply | {pod: Pod; ip: string} {
	const {store} = context;
	const clusterIP = service.spec?.clusterIP ?? '';
	const headless = clusterIP === 'None' || clusterIP === '';
	const servicePort = headless ? undefined : service.spec?.ports?.find(p => p.port === port);
	if (!headless && !servicePort) return {error: 'timeout', ip: clusterIP};
	const endpoints = store.get('Endpoints', service.metadata.namespace, service.metadata.name) as Endpoints | undefined;
	const candidates: Array<{pod: Pod; port: number}> = [];
	for (const subset of endpoints?.subsets ?? []) {
		const target = headless ? {port} : (subset.ports ?? []).find(p => !servicePort!.name || p.name === servicePort!.name) ?? subset.ports?.[0];
		if (!target) continue;
		for (const address of subset.addresses ?? []) {
			const pod = address.targetRef?.uid ? store.getByUid(address.targetRef.uid) as Pod | undefined : undefined;
			if (pod) candidates.push({pod, port: target.port});
		}
	}
	if (candidates.length === 0) return {error: 'refused', ip: headless ? service.metadata.name : clusterIP};
	const chosen = candidates[nextIndex(context, `${service.metadata.namespace}/${service.metadata.name}`, candidates.length)]!;
	if (connectOnly) {
		const ip = headless ? chosen.pod.status?.podIP ?? '' : clusterIP;
		const nodeName = chosen.pod.spec?.nodeName;
		if (!nodeName || context.services.kubelet?.isHalted(nodeName)) return {error: 'timeout', ip};
		if (!connectionAllowed(store, {pod: source}, chosen.pod, chosen.port)) return {error: 'timeout', ip};
		return {pod: chosen.pod, ip};
	}
	const reply = deliver(context, source, chosen.pod, chosen.port, path);
	return 'error' in reply && reply.error !== 'bad address' ? {error: reply.error, ip: headless ? reply.ip : clusterIP} : 'status' in reply ? {...reply, ip: headless ? reply.ip : clusterIP} : reply;
}
