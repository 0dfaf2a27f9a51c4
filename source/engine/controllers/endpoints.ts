import type {Controller, ControllerContext} from '../controller.js';
import type {Node, Pod} from '../api/types.js';
import type {Service, ServicePort} from '../api/config-objects.js';
import type {EndpointAddress, EndpointPort, EndpointSlice, EndpointSubset, Endpoints, SliceEndpoint} from '../api/endpoint-objects.js';
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

/** An IPv4 address as one number, so addresses sort without parsing on every comparison. */
export function ipSortKey(ip: string): number {
	let key = 0;
	let part = 0;
	for (let i = 0; i < ip.length; i++) {
		const code = ip.charCodeAt(i);
		if (code === 46) {
			key = key * 256 + part;
			part = 0;
		} else part = part * 10 + (code - 48);
	}
	return key * 256 + part;
}

/**
 * Whether a pod update can change what the pod contributes to a Service
 * (`podEndpointsChanged` and the label check of the endpoint controllers'
 * updatePod): other updates need no sync.
 */
export function podEndpointsChanged(old: Pod, pod: Pod): boolean {
	return old.metadata.labels !== pod.metadata.labels
		|| old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp
		|| old.status?.podIP !== pod.status?.podIP
		|| isPodReady(old) !== isPodReady(pod)
		|| isTerminal(old) !== isTerminal(pod)
		|| old.spec?.nodeName !== pod.spec?.nodeName
		|| old.spec?.hostname !== pod.spec?.hostname
		|| old.spec?.subdomain !== pod.spec?.subdomain
		|| old.spec?.containers !== pod.spec?.containers;
}

/**
 * What one pod contributes to one Service, computed once per pod object (pods
 * are never changed in place): its IP's sort key, its ports, its Endpoints
 * address and its slice endpoint.
 */
type PodEntry = {
	key: number;
	uid: string;
	ports: EndpointPort[];
	groupKey: string;
	address: EndpointAddress;
	/** Listed in the Endpoints (terminating pods are not, unless published when not ready). */
	inEndpoints: boolean;
	ready: boolean;
	endpoint: SliceEndpoint;
};

type ServiceState = {
	service: Service;
	cache: WeakMap<Pod, PodEntry | null>;
	sorted: PodEntry[];
	byUid: Map<string, PodEntry>;
	/** Pods changed since the last sync, or 'all' when everything must be recomputed. */
	dirty: Set<string> | 'all';
	/** How many entries have each port list (slices carry one each). */
	groups: Map<string, number>;
	/** Since the slices were last synced: the first index of `sorted` where entries came or went, and indexes replaced in place. */
	shiftedFrom: number;
	replacedAt: Set<number>;
	/** The slices as the last sync left them; when the store still holds exactly these, unchanged ranges need no look. */
	lastSlices?: EndpointSlice[];
};

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

	store.subscribe(({type, object, old}) => {
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
				computed.delete(key);
				return;
			}
			bucket.set(key, service);
			if (!previous || !sameJson(previous.spec?.selector, service.spec?.selector)) {
				const selected = new Map<string, Pod>();
				for (const pod of store.list('Pod', namespace) as Pod[]) if (selects(service, pod)) selected.set(pod.metadata.uid, pod);
				members.set(key, selected);
				const state = computed.get(key);
				if (state) state.dirty = 'all';
			}
			return;
		}
		if (object.kind === 'Node') {
			// A node's zone is in its pods' slice endpoints.
			const zone = 'topology.kubernetes.io/zone';
			if (old && old.metadata.labels?.[zone] === object.metadata.labels?.[zone]) return;
			for (const state of computed.values()) {
				state.cache = new WeakMap();
				state.dirty = 'all';
			}
			return;
		}
		if (object.kind !== 'Pod') return;
		const pod = object as Pod;
		const uid = pod.metadata.uid;
		for (const [key, service] of servicesByNamespace.get(pod.metadata.namespace!) ?? []) {
			const selected = members.get(key);
			if (!selected) continue;
			if (type !== 'DELETED' && selects(service, pod)) {
				selected.set(uid, pod);
				markDirty(key, uid);
			} else if (selected.delete(uid)) markDirty(key, uid);
		}
	}, ['Service', 'Pod', 'Node']);

	function servicesFor(pod: Pod | undefined, out: Set<string>): void {
		if (!pod) return;
		for (const [key, service] of servicesByNamespace.get(pod.metadata.namespace!) ?? []) if (selects(service, pod)) out.add(key);
	}

	/**
	 * Per Service: its pods' entries sorted by IP, kept current from the pods
	 * changed since the last sync (`dirty`), so a sync costs the pods that
	 * changed rather than every pod of the Service. Entries are computed once
	 * per pod object (pods are never changed in place).
	 */
	const computed = new Map<string, ServiceState>();

	/**
	 * Saved: the selecting Services' keys per namespace, in the index's
	 * order (a pod's Services are queued in it; a Service that lost its
	 * selector and got one back went last). Each Service's pods are selected
	 * again from the store, and the sorted entries are computed again at the
	 * next sync, which then compares every slice (as it does after a slice
	 * it made moved) and writes only the ones that differ.
	 */
	context.state.register<Array<[namespace: string, keys: string[]]>>('endpoints', {
		save: () => [...servicesByNamespace].map(([namespace, bucket]) => [namespace, [...bucket.keys()]]),
		load(saved) {
			servicesByNamespace.clear();
			members.clear();
			computed.clear();
			writing = false;
			for (const [namespace, keys] of saved) {
				const bucket = new Map<string, Service>();
				servicesByNamespace.set(namespace, bucket);
				// The namespace's pods by label, so that each Service looks only at those with its selector's first label.
				const byLabel = new Map<string, Pod[]>();
				if (keys.length > 0) {
					for (const pod of store.list('Pod', namespace) as Pod[]) {
						for (const label in pod.metadata.labels) {
							const entry = `${label}\u0000${pod.metadata.labels[label]}`;
							let list = byLabel.get(entry);
							if (!list) byLabel.set(entry, (list = []));
							list.push(pod);
						}
					}
				}
				for (const key of keys) {
					const service = store.get('Service', namespace, key.slice(key.indexOf('/') + 1)) as Service;
					bucket.set(key, service);
					const [label, value] = Object.entries(service.spec!.selector!)[0]!;
					const selected = new Map<string, Pod>();
					for (const pod of byLabel.get(`${label}\u0000${value}`) ?? []) if (selects(service, pod)) selected.set(pod.metadata.uid, pod);
					members.set(key, selected);
				}
			}
		},
	});

	function markDirty(key: string, uid: string): void {
		const state = computed.get(key);
		if (state && state.dirty !== 'all') state.dirty.add(uid);
	}

	function computeEntry(service: Service, pod: Pod): PodEntry | undefined {
		if (!pod.status?.podIP || isTerminal(pod)) return undefined;
		const ports = endpointPorts(pod, service);
		if ((service.spec?.ports ?? []).length > 0 && ports.length === 0) return undefined;
		const namespace = service.metadata.namespace!;
		const publishNotReady = service.spec?.publishNotReadyAddresses === true;
		const terminating = Boolean(pod.metadata.deletionTimestamp);
		const podReady = isPodReady(pod);
		const targetRef = {kind: 'Pod' as const, namespace, name: pod.metadata.name, uid: pod.metadata.uid};
		const address: EndpointAddress = {ip: pod.status.podIP, targetRef};
		const endpoint: SliceEndpoint = {
			addresses: [pod.status.podIP],
			conditions: {ready: publishNotReady || (podReady && !terminating), serving: podReady, terminating},
			targetRef,
		};
		const hostname = hostnameFor(pod, service);
		if (hostname) {
			address.hostname = hostname;
			endpoint.hostname = hostname;
		}
		if (pod.spec?.nodeName) {
			address.nodeName = pod.spec.nodeName;
			endpoint.nodeName = pod.spec.nodeName;
			const zone = (store.get('Node', undefined, pod.spec.nodeName) as Node | undefined)?.metadata.labels?.['topology.kubernetes.io/zone'];
			if (zone) endpoint.zone = zone;
		}
		return {
			key: ipSortKey(pod.status.podIP), uid: pod.metadata.uid, ports, groupKey: JSON.stringify(ports), address, endpoint,
			inEndpoints: !terminating || publishNotReady,
			ready: publishNotReady || podReady,
		};
	}

	function entryFor(state: ServiceState, pod: Pod): PodEntry | undefined {
		const cached = state.cache.get(pod);
		if (cached !== undefined) return cached ?? undefined;
		const entry = computeEntry(state.service, pod);
		state.cache.set(pod, entry ?? null);
		return entry;
	}

	/** Where `entry` sits (or would sit) in `sorted`: by IP, then uid. */
	function position(sorted: PodEntry[], entry: PodEntry): number {
		let low = 0;
		let high = sorted.length;
		while (low < high) {
			const mid = (low + high) >> 1;
			const other = sorted[mid]!;
			if (other.key < entry.key || (other.key === entry.key && other.uid < entry.uid)) low = mid + 1;
			else high = mid;
		}
		return low;
	}

	/** The state of a Service's pods, brought up to date: their entries sorted by IP. */
	function entriesOf(service: Service): ServiceState {
		const key = keyOf(service);
		let state = computed.get(key);
		if (!state) {
			state = {service, cache: new WeakMap(), sorted: [], byUid: new Map(), dirty: 'all', groups: new Map(), shiftedFrom: 0, replacedAt: new Set()};
			computed.set(key, state);
		}
		if (state.service !== service) {
			state.service = service;
			state.cache = new WeakMap();
			state.dirty = 'all';
		}
		const selected = members.get(key) ?? new Map<string, Pod>();
		if (state.dirty === 'all') {
			state.byUid.clear();
			for (const pod of selected.values()) {
				const entry = entryFor(state, pod);
				if (entry) state.byUid.set(entry.uid, entry);
			}
			state.sorted = [...state.byUid.values()].sort((a, b) => a.key - b.key || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
			state.groups.clear();
			for (const entry of state.sorted) state.groups.set(entry.groupKey, (state.groups.get(entry.groupKey) ?? 0) + 1);
			state.shiftedFrom = 0;
			state.lastSlices = undefined;
		} else {
			const count = (groupKey: string, by: number) => {
				const left = (state!.groups.get(groupKey) ?? 0) + by;
				if (left > 0) state!.groups.set(groupKey, left);
				else state!.groups.delete(groupKey);
			};
			for (const uid of state.dirty) {
				const before = state.byUid.get(uid);
				const pod = selected.get(uid);
				const entry = pod ? entryFor(state, pod) : undefined;
				if (entry === before) continue;
				if (before && entry && before.key === entry.key) {
					// Same place (the IP did not change): replaced in place.
					const at = position(state.sorted, before);
					state.sorted[at] = entry;
					state.replacedAt.add(at);
				} else {
					if (before) {
						const at = position(state.sorted, before);
						state.sorted.splice(at, 1);
						state.shiftedFrom = Math.min(state.shiftedFrom, at);
					}
					if (entry) {
						const at = position(state.sorted, entry);
						state.sorted.splice(at, 0, entry);
						state.shiftedFrom = Math.min(state.shiftedFrom, at);
					}
				}
				if (before) {
					state.byUid.delete(uid);
					count(before.groupKey, -1);
				}
				if (entry) {
					state.byUid.set(uid, entry);
					count(entry.groupKey, 1);
				}
			}
		}
		state.dirty = new Set();
		return state;
	}

	function syncEndpoints(service: Service, entries: PodEntry[]): void {
		const namespace = service.metadata.namespace!;
		const name = service.metadata.name;
		const groups = new Map<string, EndpointSubset>();
		let total = 0;
		let truncated = false;
		for (const entry of entries) {
			if (!entry.inEndpoints) continue;
			if (total >= maxEndpointsAddresses) {
				truncated = true;
				break;
			}
			total++;
			let subset = groups.get(entry.groupKey);
			if (!subset) groups.set(entry.groupKey, (subset = {ports: entry.ports}));
			const list = entry.ready ? (subset.addresses ??= []) : (subset.notReadyAddresses ??= []);
			list.push(entry.address);
		}
		const subsets = [...groups.values()].map(subset => {
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

	/**
	 * Slices of at most 100 endpoints, in IP order, one port list each. With
	 * one port list and the store holding the slices as the last sync left
	 * them, only the slices whose range changed are rebuilt and compared.
	 */
	function syncSlices(service: Service, state: ServiceState): void {
		const namespace = service.metadata.namespace!;
		const name = service.metadata.name;
		const entries = state.sorted;
		const existing = slicesOf(service);
		const wanted: Array<{ports: EndpointPort[]; endpoints: SliceEndpoint[]} | undefined> = [];
		const last = state.lastSlices;
		if (state.groups.size <= 1 && last && last.length === existing.length && last.every((slice, i) => existing[i] === slice)) {
			const chunks = Math.max(1, Math.ceil(entries.length / maxEndpointsPerSlice));
			const ports = entries[0]?.ports ?? [];
			const stale = new Set<number>();
			for (const at of state.replacedAt) stale.add(Math.floor(at / maxEndpointsPerSlice));
			for (let i = Math.floor(state.shiftedFrom / maxEndpointsPerSlice); i < chunks; i++) stale.add(i);
			for (let i = 0; i < chunks; i++) {
				if (!stale.has(i) && existing[i]) {
					wanted.push(undefined);
					continue;
				}
				const endpoints: SliceEndpoint[] = [];
				for (let j = i * maxEndpointsPerSlice; j < Math.min(entries.length, (i + 1) * maxEndpointsPerSlice); j++) endpoints.push(entries[j]!.endpoint);
				wanted.push({ports, endpoints});
			}
		} else {
			// Endpoints grouped by their port list, as slices carry one port list each.
			const groups = new Map<string, {ports: EndpointPort[]; endpoints: SliceEndpoint[]}>();
			for (const entry of entries) {
				let group = groups.get(entry.groupKey);
				if (!group) groups.set(entry.groupKey, (group = {ports: entry.ports, endpoints: []}));
				group.endpoints.push(entry.endpoint);
			}
			for (const group of groups.values()) {
				for (let i = 0; i < group.endpoints.length; i += maxEndpointsPerSlice) {
					wanted.push({ports: group.ports, endpoints: group.endpoints.slice(i, i + maxEndpointsPerSlice)});
				}
			}
		}
		state.shiftedFrom = Number.POSITIVE_INFINITY;
		state.replacedAt.clear();
		// A Service with a selector always has at least one (possibly empty) slice.
		if (wanted.length === 0) wanted.push({ports: [], endpoints: []});
		const labels: Record<string, string> = {
			...service.metadata.labels,
			'kubernetes.io/service-name': name,
			'endpointslice.kubernetes.io/managed-by': managedBy,
		};
		if (service.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
		for (const [i, slice] of wanted.entries()) {
			const current = existing[i];
			if (!slice) continue;
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
		// Slices are matched to ranges in name order; a new slice's generated name may
		// sort anywhere, so after a create the next sync looks at every range again.
		state.lastSlices = wanted.length > existing.length ? undefined : slicesOf(service);
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
			Pod: ({type, object, old}) => {
				if (type === 'ADDED' && !(object as Pod).status?.podIP) return undefined;
				if (type === 'MODIFIED' && old && !podEndpointsChanged(old as Pod, object as Pod)) return undefined;
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
		const state = entriesOf(service);
		syncEndpoints(service, state.sorted);
		syncSlices(service, state);
	}
}
