import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject, Node, Pod} from '../api/types.js';
import type {Service, ServicePort} from '../api/config-objects.js';
import {keyOf, sameJson} from '../store.js';
import {rfc3339} from '../clock.js';
import {isPodReady, isPodTerminal as isTerminal} from './controller-utils.js';

/**
 * The endpoints and EndpointSlice controllers: for every Service with a
 * selector, the pods it selects become addresses (ready or not ready), kept
 * current as pods come, go and change readiness.
 */

/** `maxCapacity` of the Endpoints controller. */
export const maxEndpointsAddresses = 1000;
/** `--max-endpoints-per-slice` default. */
export const maxEndpointsPerSlice = 100;
const managedBy = 'endpointslice-controller.k8s.io';

export type EndpointAddress = {
	ip: string;
	hostname?: string;
	nodeName?: string;
	targetRef: {kind: 'Pod'; namespace: string; name: string; uid: string};
};
export type EndpointPort = {name?: string; port: number; protocol: string; appProtocol?: string};
export type EndpointSubset = {addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[]};
export type Endpoints = KubeObject & {subsets?: EndpointSubset[]};

export type SliceEndpoint = {
	addresses: string[];
	conditions: {ready: boolean; serving: boolean; terminating: boolean};
	hostname?: string;
	nodeName?: string;
	zone?: string;
	targetRef: EndpointAddress['targetRef'];
};
export type EndpointSlice = KubeObject & {addressType: 'IPv4'; endpoints: SliceEndpoint[]; ports: EndpointPort[]};

/** The pod's port for a Service port: a number as is, a name looked up in the containers. */
function resolveTargetPort(pod: Pod, port: ServicePort): number | undefined {
	const target = port.targetPort ?? port.port;
	if (typeof target === 'number') return target;
	for (const container of pod.spec?.containers ?? []) {
		const found = container.ports?.find(p => p.name === target && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
		if (found) return found.containerPort;
	}
	return undefined;
}

function endpointPorts(pod: Pod, service: Service): EndpointPort[] {
	const out: EndpointPort[] = [];
	const ports = service.spec?.ports ?? [];
	for (const port of ports) {
		const number = resolveTargetPort(pod, port);
		if (number === undefined) continue;
		const item: EndpointPort = {port: number, protocol: port.protocol ?? 'TCP'};
		if (port.name || ports.length > 1) item.name = port.name ?? '';
		if (port.appProtocol) item.appProtocol = port.appProtocol;
		out.push(item);
	}
	return out;
}

/** A pod's hostname in a headless Service's DNS: its spec.hostname when its subdomain is the Service. */
function hostnameFor(pod: Pod, service: Service): string | undefined {
	if (pod.spec?.hostname && pod.spec.subdomain === service.metadata.name) return pod.spec.hostname;
	return undefined;
}

function ipOrder(a: string, b: string): number {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
	return 0;
}

function selects(service: Service, pod: Pod): boolean {
	const selector = service.spec?.selector;
	if (!selector || Object.keys(selector).length === 0) return false;
	const labels = pod.metadata.labels ?? {};
	for (const [key, value] of Object.entries(selector)) if (labels[key] !== value) return false;
	return true;
}

function managed(service: Service): boolean {
	return Boolean(service.spec?.selector && Object.keys(service.spec.selector).length > 0) && service.spec?.type !== 'ExternalName';
}

/**
 * Both controllers, sharing one index of Services per namespace so a pod
 * change touches only the Services of its namespace.
 */
export function createEndpointsController(context: ControllerContext): Controller {
	const {store, clock} = context;
	/** namespace → service key → Service (with a selector). */
	const servicesByNamespace = new Map<string, Map<string, Service>>();
	/** service key → the pods it selects, by uid (kept current from the watch). */
	const members = new Map<string, Map<string, Pod>>();

	store.subscribe(({type, object}) => {
		if (object.kind === 'Service') {
			const namespace = object.metadata.namespace!;
			const key = keyOf(object);
			let bucket = servicesByNamespace.get(namespace);
			if (!bucket) servicesByNamespace.set(namespace, (bucket = new Map()));
			const service = object as Service;
			const previous = bucket.get(key);
			if (type === 'DELETED' || !managed(service)) {
				bucket.delete(key);
				members.delete(key);
				return;
			}
			bucket.set(key, service);
			if (!previous || !sameJson(previous.spec?.selector, service.spec?.selector)) {
				const selected = new Map<string, Pod>();
				for (const pod of store.list('Pod', namespace) as Pod[]) if (selects(service, pod)) selected.set(pod.metadata.uid, pod);
				members.set(key, selected);
			}
			return;
		}
		if (object.kind !== 'Pod') return;
		const pod = object as Pod;
		for (const [key, service] of servicesByNamespace.get(pod.metadata.namespace!) ?? []) {
			const selected = members.get(key);
			if (!selected) continue;
			if (type !== 'DELETED' && selects(service, pod)) selected.set(pod.metadata.uid, pod);
			else selected.delete(pod.metadata.uid);
		}
	}, ['Service', 'Pod']);

	function servicesFor(pod: Pod | undefined, out: Set<string>): void {
		if (!pod) return;
		for (const [key, service] of servicesByNamespace.get(pod.metadata.namespace!) ?? []) if (selects(service, pod)) out.add(key);
	}

	function podsFor(service: Service): Pod[] {
		return [...(members.get(keyOf(service))?.values() ?? [])];
	}

	function syncEndpoints(service: Service, pods: Pod[]): void {
		const namespace = service.metadata.namespace!;
		const name = service.metadata.name;
		const publishNotReady = service.spec?.publishNotReadyAddresses === true;
		const groups = new Map<string, EndpointSubset>();
		let total = 0;
		let truncated = false;
		for (const pod of pods) {
			if (!pod.status?.podIP || isTerminal(pod)) continue;
			if (pod.metadata.deletionTimestamp && !publishNotReady) continue;
			const ports = endpointPorts(pod, service);
			if ((service.spec?.ports ?? []).length > 0 && ports.length === 0) continue;
			if (total >= maxEndpointsAddresses) {
				truncated = true;
				continue;
			}
			total++;
			const address: EndpointAddress = {
				ip: pod.status.podIP,
				targetRef: {kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid},
			};
			const hostname = hostnameFor(pod, service);
			if (hostname) address.hostname = hostname;
			if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
			const groupKey = JSON.stringify(ports);
			let subset = groups.get(groupKey);
			if (!subset) groups.set(groupKey, (subset = {ports}));
			const ready = publishNotReady || isPodReady(pod);
			const list = ready ? (subset.addresses ??= []) : (subset.notReadyAddresses ??= []);
			list.push(address);
		}
		const subsets = [...groups.values()].map(subset => {
			subset.addresses?.sort((a, b) => ipOrder(a.ip, b.ip));
			subset.notReadyAddresses?.sort((a, b) => ipOrder(a.ip, b.ip));
			const out: EndpointSubset = {};
			if (subset.addresses) out.addresses = subset.addresses;
			if (subset.notReadyAddresses) out.notReadyAddresses = subset.notReadyAddresses;
			if (subset.ports && subset.ports.length > 0) out.ports = subset.ports;
			return out;
		});
		const labels: Record<string, string> = {...service.metadata.labels};
		if (service.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
		const existing = store.get('Endpoints', namespace, name) as Endpoints | undefined;
		const annotations: Record<string, string> = {};
		if (truncated) annotations['endpoints.kubernetes.io/over-capacity'] = 'truncated';
		if (existing && sameJson(existing.subsets ?? [], subsets) && sameJson(existing.metadata.labels ?? {}, labels)
			&& Boolean(existing.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']) === truncated) return;
		annotations['endpoints.kubernetes.io/last-change-trigger-time'] = rfc3339(clock.now());
		const object: Endpoints = {
			apiVersion: 'v1', kind: 'Endpoints',
			metadata: existing
				? {...existing.metadata, labels, annotations, resourceVersion: ''}
				: {name, namespace, labels, annotations, uid: '', resourceVersion: '', creationTimestamp: ''},
			subsets,
		};
		if (Object.keys(labels).length === 0) delete object.metadata.labels;
		if (existing) store.update(object);
		else if (!namespaceTerminating(namespace)) store.create(object);
	}

	function syncSlices(service: Service, pods: Pod[]): void {
		const namespace = service.metadata.namespace!;
		const name = service.metadata.name;
		const publishNotReady = service.spec?.publishNotReadyAddresses === true;
		// Endpoints grouped by their port list, as slices carry one port list each.
		const groups = new Map<string, {ports: EndpointPort[]; endpoints: SliceEndpoint[]}>();
		for (const pod of pods) {
			if (!pod.status?.podIP || isTerminal(pod)) continue;
			const ports = endpointPorts(pod, service);
			if ((service.spec?.ports ?? []).length > 0 && ports.length === 0) continue;
			const terminating = Boolean(pod.metadata.deletionTimestamp);
			const podReady = isPodReady(pod);
			const endpoint: SliceEndpoint = {
				addresses: [pod.status.podIP],
				conditions: {ready: publishNotReady || (podReady && !terminating), serving: podReady, terminating},
				targetRef: {kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid},
			};
			const hostname = hostnameFor(pod, service);
			if (hostname) endpoint.hostname = hostname;
			if (pod.spec?.nodeName) {
				endpoint.nodeName = pod.spec.nodeName;
				const zone = (store.get('Node', undefined, pod.spec.nodeName) as Node | undefined)?.metadata.labels?.['topology.kubernetes.io/zone'];
				if (zone) endpoint.zone = zone;
			}
			const groupKey = JSON.stringify(ports);
			let group = groups.get(groupKey);
			if (!group) groups.set(groupKey, (group = {ports, endpoints: []}));
			group.endpoints.push(endpoint);
		}
		const wanted: Array<{ports: EndpointPort[]; endpoints: SliceEndpoint[]}> = [];
		for (const group of groups.values()) {
			group.endpoints.sort((a, b) => ipOrder(a.addresses[0]!, b.addresses[0]!));
			for (let i = 0; i < group.endpoints.length; i += maxEndpointsPerSlice) {
				wanted.push({ports: group.ports, endpoints: group.endpoints.slice(i, i + maxEndpointsPerSlice)});
			}
		}
		// A Service with a selector always has at least one (possibly empty) slice.
		if (wanted.length === 0) wanted.push({ports: [], endpoints: []});
		const existing = slicesOf(service);
		const labels: Record<string, string> = {
			...service.metadata.labels,
			'kubernetes.io/service-name': name,
			'endpointslice.kubernetes.io/managed-by': managedBy,
		};
		if (service.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
		for (const [i, slice] of wanted.entries()) {
			const current = existing[i];
			// A slice port's name is always set, "" when the Service port has none (it is a pointer upstream; kubectl dereferences it).
			const ports = slice.ports.map(port => ({...port, name: port.name ?? ''}));
			if (current && sameJson(current.endpoints, slice.endpoints) && sameJson(current.ports, ports) && sameJson(current.metadata.labels, labels)) continue;
			const body = {apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4' as const, endpoints: slice.endpoints, ports};
			if (current) {
				store.update({...current, ...body, metadata: {...current.metadata, labels, resourceVersion: ''}});
			} else if (!service.metadata.deletionTimestamp && !namespaceTerminating(namespace)) {
				// No new slices for a Service pending deletion (the reconciler's finalize):
				// the garbage collector is deleting them, and recreating them would never end.
				store.create<EndpointSlice>({
					...body,
					metadata: {
						name: '', generateName: `${name}-`, namespace, labels,
						annotations: {'endpoints.kubernetes.io/last-change-trigger-time': rfc3339(clock.now())},
						ownerReferences: [{apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true}],
						uid: '', resourceVersion: '', creationTimestamp: '',
					},
				});
			}
		}
		for (const extra of existing.slice(wanted.length)) store.remove(extra);
	}

	function slicesOf(service: Service): EndpointSlice[] {
		return (store.dependentsOf(service.metadata.uid, 'EndpointSlice') as EndpointSlice[])
			.filter(s => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === managedBy)
			.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
	}

	/** The API server refuses new objects in a terminating namespace; the controllers skip them. */
	function namespaceTerminating(namespace: string): boolean {
		return Boolean(store.get('Namespace', undefined, namespace)?.metadata.deletionTimestamp);
	}

	/** True while this controller writes: the watch events it causes need no sync. */
	let writing = false;

	function removeAll(namespace: string, name: string): void {
		const endpoints = store.get('Endpoints', namespace, name);
		if (endpoints) store.remove(endpoints);
		for (const slice of store.list('EndpointSlice', namespace) as EndpointSlice[]) {
			if (slice.metadata.labels?.['kubernetes.io/service-name'] === name && slice.metadata.labels['endpointslice.kubernetes.io/managed-by'] === managedBy) store.remove(slice);
		}
	}

	return {
		name: 'endpoint-controller',
		watches: {
			Service: ({object}) => keyOf(object),
			// Endpoints or slices deleted or changed by anyone else bring the Service back
			// to sync, as the endpoints controller's onEndpointsDelete and the EndpointSlice
			// controller's slice handlers do; the controller's own writes (the store tells
			// synchronously) need none, as its EndpointSlice tracker knows.
			Endpoints: ({type, object}) => (type === 'DELETED' && !writing ? keyOf(object) : undefined),
			EndpointSlice: ({object, old}) => {
				if (writing) return undefined;
				const labels = object.metadata.labels ?? old?.metadata.labels;
				const service = labels?.['kubernetes.io/service-name'];
				if (!service || labels['endpointslice.kubernetes.io/managed-by'] !== managedBy) return undefined;
				return `${object.metadata.namespace}/${service}`;
			},
			Pod: ({object, old}) => {
				const keys = new Set<string>();
				servicesFor(object as Pod, keys);
				if (old && old.metadata.labels !== object.metadata.labels) servicesFor(old as Pod, keys);
				return keys.size > 0 ? [...keys] : undefined;
			},
		},
		sync(key) {
			writing = true;
			try {
				syncService(key);
			} finally {
				writing = false;
			}
		},
	};

	function syncService(key: string): void {
		const slash = key.indexOf('/');
		const namespace = key.slice(0, slash);
		const name = key.slice(slash + 1);
		const service = store.get('Service', namespace, name) as Service | undefined;
		if (!service || service.metadata.deletionTimestamp && !service.metadata.finalizers?.length) {
			removeAll(namespace, name);
			return;
		}
		if (!managed(service)) {
			// A Service without a selector: Endpoints are the user's; slices we made go.
			for (const slice of slicesOf(service)) store.remove(slice);
			return;
		}
		const pods = podsFor(service);
		syncEndpoints(service, pods);
		syncSlices(service, pods);
	}
}
