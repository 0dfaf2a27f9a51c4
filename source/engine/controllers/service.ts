import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject} from '../api/types.js';
import type {TimerHandle} from '../clock.js';
import type {FieldError} from '../errors.js';
import {invalid} from '../errors.js';
import {keyOf} from '../store.js';
import {isIPv4, type Service, type ServicePort, type ServiceSpec} from '../api/config-objects.js';
import '../api/config-objects.js';
import type {SavedTimerRef} from '../state.js';

/**
 * Services: the API server's allocators (ClusterIPs from the kubeadm range
 * 10.96.0.0/12, NodePorts from 30000-32767) run as admission when a Service
 * is written; the service controller of a simulated cloud provider gives
 * LoadBalancer Services an external IP.
 */

/** kubeadm's `DefaultServicesSubnet`. */
export const serviceCidr = '10.96.0.0/12';
export const nodePortBase = 30_000;
export const nodePortSize = 2768;
/** The simulated cloud's pool of load-balancer addresses (kind's docker network, as cloud-provider-kind does). */
export const loadBalancerPool = {prefix: '172.18.255.', first: 200, last: 250};
/** How long the simulated cloud takes to provision a load balancer. */
export const loadBalancerProvisionMs = 3000;

const cidrBase = ipToNumber('10.96.0.0');
const cidrSize = 1 << 20;
/** Lower band kept for static picks: min(max(16, size/16), 256). */
const clusterIpStaticBand = Math.min(Math.max(16, cidrSize / 16), 256);
/** Lower band of the NodePort range kept for static picks: min(max(16, size/32), 128). */
const nodePortStaticBand = Math.min(Math.max(16, Math.floor(nodePortSize / 32)), 128);

const component = 'service-controller';
const cleanupFinalizer = 'service.kubernetes.io/load-balancer-cleanup';

export function ipToNumber(ip: string): number {
	return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function numberToIp(n: number): string {
	return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function inServiceCidr(ip: string): boolean {
	if (!isIPv4(ip)) return false;
	const offset = ipToNumber(ip) - cidrBase;
	return offset > 0 && offset < cidrSize - 1;
}

/** Addresses and ports held by stored Services (and by earlier objects of the same apply). */
function allocated(context: ControllerContext, batch: KubeObject[], except: string | undefined) {
	const ips = new Set<string>();
	const ports = new Set<number>();
	const all = [...context.store.list('Service'), ...batch.filter(o => o.kind === 'Service')];
	for (const service of all as Service[]) {
		if (except && keyOf(service) === except) continue;
		for (const ip of service.spec?.clusterIPs ?? (service.spec?.clusterIP ? [service.spec.clusterIP] : [])) ips.add(ip);
		for (const port of service.spec?.ports ?? []) if (port.nodePort) ports.add(port.nodePort);
	}
	return {ips, ports};
}

/** What a port had before, matched by port and protocol (an update keeps its NodePort). */
function previousNodePort(old: Service | undefined, port: ServicePort): number | undefined {
	return old?.spec?.ports?.find(p => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'))?.nodePort;
}

/**
 * Admission for a Service being written: keep what an update must keep,
 * allocate what is missing, reject addresses and ports already taken.
 * Throws `Service "x" is invalid: ...`; allocates nothing on failure.
 */
export function admitService(context: ControllerContext, object: KubeObject, existing: KubeObject | undefined, batch: KubeObject[]): KubeObject {
	const service = object as Service;
	const old = existing as Service | undefined;
	const spec: ServiceSpec = {...service.spec};
	const type = spec.type ?? 'ClusterIP';
	const errors: FieldError[] = [];
	const taken = allocated(context, batch, old ? keyOf(old) : undefined);
	if (type === 'ExternalName') {
		delete spec.clusterIP;
		delete spec.clusterIPs;
	} else {
		if (!spec.clusterIP && old?.spec?.clusterIP && old.spec.type !== 'ExternalName') spec.clusterIP = old.spec.clusterIP;
		if (spec.clusterIP === 'None') {
			spec.clusterIPs = ['None'];
		} else if (spec.clusterIP) {
			const ip = spec.clusterIP;
			const unchanged = old?.spec?.clusterIP === ip;
			if (!unchanged) {
				if (!inServiceCidr(ip)) {
					errors.push({field: 'spec.clusterIPs[0]', type: 'Invalid value', value: ip, detail: `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${serviceCidr}`});
				} else if (taken.ips.has(ip)) {
					errors.push({field: 'spec.clusterIPs[0]', type: 'Invalid value', value: ip, detail: `failed to allocate IP ${ip}: provided IP is already allocated`});
				}
			}
			spec.clusterIPs = [ip];
		} else {
			const ip = pickClusterIp(context, taken.ips);
			spec.clusterIP = ip;
			spec.clusterIPs = [ip];
		}
		spec.ipFamilies = ['IPv4'];
		spec.ipFamilyPolicy ??= 'SingleStack';
	}
	const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
	const requested = new Set<number>();
	spec.ports = (spec.ports ?? []).map((port, i) => {
		const out = {...port};
		if (!wantsNodePorts) {
			if (type !== 'LoadBalancer') delete out.nodePort;
			return out;
		}
		const previous = previousNodePort(old, port);
		if (!out.nodePort) out.nodePort = previous;
		if (out.nodePort) {
			const value = out.nodePort;
			if (value === previous) {
				requested.add(value);
				return out;
			}
			if (value < nodePortBase || value >= nodePortBase + nodePortSize) {
				errors.push({field: `spec.ports[${i}].nodePort`, type: 'Invalid value', value, detail: `provided port is not in the valid range. The range of valid ports is ${nodePortBase}-${nodePortBase + nodePortSize - 1}`});
			} else if (taken.ports.has(value) || requested.has(value)) {
				errors.push({field: `spec.ports[${i}].nodePort`, type: 'Invalid value', value, detail: 'provided port is already allocated'});
			}
			requested.add(value);
			return out;
		}
		out.nodePort = pickNodePort(context, taken.ports, requested);
		requested.add(out.nodePort);
		return out;
	});
	if (errors.length > 0) throw invalid('Service', service.metadata.name, errors);
	return {...service, spec};
}

function pickClusterIp(context: ControllerContext, taken: Set<string>): string {
	// Dynamic picks prefer the upper band, as the bitmap allocator does.
	for (let attempt = 0; attempt < 64; attempt++) {
		const ip = numberToIp(cidrBase + context.random.int(clusterIpStaticBand, cidrSize - 2));
		if (!taken.has(ip)) return ip;
	}
	for (let offset = 1; offset < cidrSize - 1; offset++) {
		const ip = numberToIp(cidrBase + offset);
		if (!taken.has(ip)) return ip;
	}
	throw invalid('Service', '', [{field: 'spec.clusterIPs', type: 'Internal error', detail: 'range is full'}]);
}

function pickNodePort(context: ControllerContext, taken: Set<number>, requested: Set<number>): number {
	const free = (port: number) => !taken.has(port) && !requested.has(port);
	for (let attempt = 0; attempt < 64; attempt++) {
		const port = nodePortBase + context.random.int(nodePortStaticBand, nodePortSize - 1);
		if (free(port)) return port;
	}
	for (let port = nodePortBase; port < nodePortBase + nodePortSize; port++) if (free(port)) return port;
	throw invalid('Service', '', [{field: 'spec.ports', type: 'Internal error', detail: 'range is full'}]);
}

/** The `default/kubernetes` Service (first address of the range) and its endpoints, as the API server keeps them. */
export const apiServerAddress = '172.18.0.2';
export const apiServerPort = 6443;

function bootstrapKubernetesService(context: ControllerContext): void {
	const {store} = context;
	const meta = (name: string, labels: Record<string, string>) => ({name, namespace: 'default', labels, uid: '', resourceVersion: '', creationTimestamp: ''});
	if (!store.get('Service', 'default', 'kubernetes')) store.create({
		apiVersion: 'v1', kind: 'Service',
		metadata: meta('kubernetes', {component: 'apiserver', provider: 'kubernetes'}),
		spec: {
			clusterIP: numberToIp(cidrBase + 1), clusterIPs: [numberToIp(cidrBase + 1)],
			internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
			ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: apiServerPort}],
			sessionAffinity: 'None', type: 'ClusterIP',
		},
		status: {loadBalancer: {}},
	});
	if (!store.get('Endpoints', 'default', 'kubernetes')) store.create({
		apiVersion: 'v1', kind: 'Endpoints',
		metadata: meta('kubernetes', {'endpointslice.kubernetes.io/skip-mirror': 'true'}),
		subsets: [{addresses: [{ip: apiServerAddress}], ports: [{name: 'https', port: apiServerPort, protocol: 'TCP'}]}],
	});
	if (!store.get('EndpointSlice', 'default', 'kubernetes')) store.create({
		apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
		metadata: meta('kubernetes', {'kubernetes.io/service-name': 'kubernetes'}),
		addressType: 'IPv4',
		endpoints: [{addresses: [apiServerAddress], conditions: {ready: true}}],
		ports: [{name: 'https', port: apiServerPort, protocol: 'TCP'}],
	});
}

/**
 * The cloud provider's service controller: LoadBalancer Services get the
 * cleanup finalizer, EnsuringLoadBalancer, then an ingress IP from the
 * simulated cloud and EnsuredLoadBalancer. Deleting (or changing the type)
 * tears the load balancer down and releases the address.
 */
export function createServiceController(context: ControllerContext): Controller {
	const {store, events, clock} = context;
	context.services.admission.set('Service', (object: KubeObject, existing: KubeObject | undefined, batch: () => KubeObject[]) =>
		admitService(context, object, existing, batch()));
	/** Addresses the cloud holds for load balancers (provisioned or being provisioned), by Service uid. */
	const balancers = new Map<string, string>();
	/** Load balancers still being provisioned, by Service uid. */
	const provisioning = new Map<string, TimerHandle>();
	/** Saved: the addresses held, by Service uid, and the timers of the load balancers still being made. */
	context.state.register<{balancers: Array<[uid: string, ip: string]>; provisioning: Array<[uid: string, handle: SavedTimerRef]>}>('service', {
		save: saving => ({balancers: [...balancers], provisioning: [...provisioning].map(([uid, handle]) => [uid, saving.timer(handle)])}),
		load(saved, loading) {
			balancers.clear();
			provisioning.clear();
			for (const [uid, ip] of saved.balancers) balancers.set(uid, ip);
			for (const [uid, handle] of saved.provisioning) provisioning.set(uid, loading.timer(handle));
		},
	});

	function freeAddress(): string | undefined {
		const used = new Set(balancers.values());
		// Addresses the Services show are held too, adopted or not yet (a restarted controller learns them as it syncs).
		for (const service of store.list('Service') as Service[]) {
			for (const ingress of service.status?.loadBalancer?.ingress ?? []) if (ingress.ip) used.add(ingress.ip);
		}
		for (let n = loadBalancerPool.first; n <= loadBalancerPool.last; n++) {
			const ip = `${loadBalancerPool.prefix}${n}`;
			if (!used.has(ip)) return ip;
		}
		return undefined;
	}

	function queue() {
		return context.queue(component);
	}

	function inPool(ip: string): boolean {
		if (!ip.startsWith(loadBalancerPool.prefix)) return false;
		const n = Number(ip.slice(loadBalancerPool.prefix.length));
		return Number.isInteger(n) && n >= loadBalancerPool.first && n <= loadBalancerPool.last;
	}

	function teardown(service: Service): void {
		const uid = service.metadata.uid;
		provisioning.get(uid)?.cancel();
		provisioning.delete(uid);
		const had = balancers.delete(uid);
		if (!had && !service.metadata.finalizers?.includes(cleanupFinalizer)) return;
		events.normal(service, 'DeletingLoadBalancer', 'Deleting load balancer', {component});
		events.normal(service, 'DeletedLoadBalancer', 'Deleted load balancer', {component});
		store.patch(service, draft => {
			draft.metadata.finalizers = (draft.metadata.finalizers ?? []).filter(f => f !== cleanupFinalizer);
			if (draft.metadata.finalizers.length === 0) delete draft.metadata.finalizers;
			if (!draft.metadata.deletionTimestamp) draft.status = {...draft.status, loadBalancer: {}};
		});
	}

	/** The cloud has made the load balancer of a Service (its key and uid) at the address held for it, unless the Service went meanwhile. */
	const ensured = clock.kind<{key: string; uid: string; ip: string}>('service.loadBalancer', ({key, uid, ip}) => {
		provisioning.delete(uid);
		const current = store.getByKey('Service', key) as Service | undefined;
		if (!current || current.metadata.uid !== uid) {
			balancers.delete(uid);
			return;
		}
		const updated = store.patch(current, draft => {
			draft.status = {...draft.status, loadBalancer: {ingress: [{ip, ipMode: 'VIP'}]}};
		}, {status: true});
		events.normal(updated, 'EnsuredLoadBalancer', 'Ensured load balancer', {component});
		queue()?.add(key);
	});

	return {
		name: component,
		watches: {
			Service: ({object}) => keyOf(object),
		},
		start() {
			bootstrapKubernetesService(context);
		},
		sync(key) {
			const service = store.getByKey('Service', key) as Service | undefined;
			if (!service) {
				// The API server keeps `default/kubernetes` (and its endpoints) in place.
				if (key === 'default/kubernetes') bootstrapKubernetesService(context);
				return;
			}
			const uid = service.metadata.uid;
			const wantsBalancer = service.spec?.type === 'LoadBalancer' && !service.metadata.deletionTimestamp;
			if (!wantsBalancer) {
				teardown(service);
				return;
			}
			const shown = service.status?.loadBalancer?.ingress?.[0]?.ip;
			if (!balancers.has(uid) && shown && inPool(shown) && service.metadata.finalizers?.includes(cleanupFinalizer) && ![...balancers.values()].includes(shown)) {
				// The cloud kept the load balancer while this controller was down (a restart): its address is adopted, not provisioned again.
				balancers.set(uid, shown);
				return;
			}
			if (balancers.has(uid)) {
				const ip = balancers.get(uid)!;
				if (!provisioning.has(uid) && service.status?.loadBalancer?.ingress?.[0]?.ip !== ip) {
					store.patch(service, draft => {
						draft.status = {...draft.status, loadBalancer: {ingress: [{ip, ipMode: 'VIP'}]}};
					}, {status: true});
				}
				return;
			}
			const withFinalizer = service.metadata.finalizers?.includes(cleanupFinalizer)
				? service
				: store.patch(service, draft => {
					draft.metadata.finalizers = [...(draft.metadata.finalizers ?? []), cleanupFinalizer];
				});
			events.normal(withFinalizer, 'EnsuringLoadBalancer', 'Ensuring load balancer', {component});
			const ip = freeAddress();
			if (!ip) {
				events.warning(withFinalizer, 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: no free address in the pool ${loadBalancerPool.prefix}${loadBalancerPool.first}-${loadBalancerPool.last}`, {component});
				context.queue(component).addAfter(key, 30_000);
				return;
			}
			const handle = clock.after(context.random.jitter(loadBalancerProvisionMs), ensured, {key, uid, ip});
			// The address is held while the cloud works.
			balancers.set(uid, ip);
			provisioning.set(uid, handle);
		},
	};
}
