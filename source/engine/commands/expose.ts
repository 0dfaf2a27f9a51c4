import type {ControllerContext} from '../controller.js';
import type {ContainerPort, KubeObject, Manifest, PodSpec} from '../api/types.js';
import type {Service, ServicePort} from '../api/config-objects.js';
import {resolveResource, qualifiedResource} from '../api/registry.js';
import {alreadyExists, badRequest, notFound} from '../errors.js';

/** `kubectl expose` flags. */
export type ExposeOptions = {
	/** `--port`: the Service port; default the resource's (container) port(s). */
	port?: number;
	/** `--target-port`: number or port name; default the port. */
	targetPort?: number | string;
	/** `--type`: ClusterIP (default), NodePort, LoadBalancer or ExternalName. */
	type?: string;
	/** `--name`: default the resource's name. */
	name?: string;
	/** `--protocol`: default the container port's protocol (TCP). */
	protocol?: string;
	/** `--cluster-ip`, e.g. `None` for a headless Service. */
	clusterIP?: string;
	/** `--selector`, `k=v,k2=v2`: overrides the resource's selector. */
	selector?: string;
	/** `--external-name`, for type ExternalName. */
	externalName?: string;
	namespace?: string;
};

/** Kinds `kubectl expose` accepts (`polymorphichelpers/canbeexposed.go`). */
const exposable = new Set(['Pod', 'Service', 'Deployment', 'ReplicaSet', 'ReplicationController']);

/**
 * The Service manifest `kubectl expose` would POST for a resource. Throws
 * kubectl's errors; the caller writes the manifest through the API path so
 * defaulting, validation and allocation apply.
 */
export function exposeManifest(context: ControllerContext, kind: string, name: string, options: ExposeOptions = {}): Manifest {
	const type = resolveResource(kind);
	if (!exposable.has(type.kind)) throw badRequest(`cannot expose a ${type.kind}`);
	const namespace = options.namespace ?? 'default';
	const object = context.store.get(type.kind, namespace, name);
	if (!object) throw notFound(qualifiedResource(type), name);
	if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535)) {
		throw badRequest(`invalid argument "${String(options.port)}" for "--port" flag: must be an integer between 1 and 65535`);
	}
	const selector = options.selector !== undefined ? parseMapSelector(options.selector) : selectorOf(object);
	const serviceName = options.name ?? name;
	if (context.store.get('Service', namespace, serviceName)) throw alreadyExists('services', serviceName);
	const ports = portsOf(object, options);
	if (ports.length === 0 && options.type !== 'ExternalName' && options.clusterIP !== 'None') {
		throw badRequest("couldn't find port via --port flag or introspection");
	}
	const spec: Record<string, unknown> = {ports, selector};
	if (options.type !== undefined) spec['type'] = options.type;
	if (options.clusterIP !== undefined) spec['clusterIP'] = options.clusterIP;
	if (options.externalName !== undefined) spec['externalName'] = options.externalName;
	const labels = object.metadata.labels;
	return {
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {name: serviceName, namespace, ...(labels ? {labels: {...labels}} : {})},
		spec,
	};
}

/** `MapBasedSelectorForObject`. */
function selectorOf(object: KubeObject): Record<string, string> {
	switch (object.kind) {
		case 'Pod': {
			if (!object.metadata.labels || Object.keys(object.metadata.labels).length === 0) throw badRequest('the pod has no labels and cannot be exposed');
			return {...object.metadata.labels};
		}
		case 'Service': {
			const selector = (object as Service).spec?.selector;
			if (!selector) throw badRequest('the service has no pod selector set');
			return {...selector};
		}
		case 'ReplicationController': {
			return {...object.spec?.selector};
		}
		default: {
			const selector = object.spec?.selector ?? {};
			if (selector.matchExpressions?.length > 0) {
				throw badRequest(`couldn't convert expressions - "${JSON.stringify(selector.matchExpressions)}" to map-based selector format`);
			}
			return {...selector.matchLabels};
		}
	}
}

function parseMapSelector(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const part of text.split(',')) {
		const [key, value, ...rest] = part.split('=');
		if (!key || value === undefined || rest.length > 0) throw badRequest(`invalid selector: "${text}": expected key=value pairs separated by commas`);
		out[key.trim()] = value.trim();
	}
	return out;
}

function containerPorts(spec: PodSpec | undefined): ContainerPort[] {
	return (spec?.containers ?? []).flatMap(c => c.ports ?? []);
}

/** `--port` or the introspected ports: one port as is, several named `port-1`, `port-2`, ... */
function portsOf(object: KubeObject, options: ExposeOptions): ServicePort[] {
	const found: Array<{port: number; protocol: string}> = [];
	if (object.kind === 'Service') {
		for (const port of (object as Service).spec?.ports ?? []) found.push({port: port.port, protocol: port.protocol ?? 'TCP'});
	} else {
		const spec = object.kind === 'Pod' ? object.spec as PodSpec : object.spec?.template?.spec as PodSpec | undefined;
		for (const port of containerPorts(spec)) found.push({port: port.containerPort, protocol: port.protocol ?? 'TCP'});
	}
	if (options.port !== undefined) {
		const protocol = options.protocol ?? found.find(p => p.port === options.port)?.protocol ?? found[0]?.protocol ?? 'TCP';
		return [{port: options.port, protocol, targetPort: options.targetPort ?? options.port}];
	}
	if (found.length === 1) {
		const only = found[0]!;
		return [{port: only.port, protocol: options.protocol ?? only.protocol, targetPort: options.targetPort ?? only.port}];
	}
	const mixed = new Set(found.map(p => p.protocol)).size > 1;
	return found.map((p, i) => ({
		name: mixed ? `port-${i + 1}-${p.protocol.toLowerCase()}` : `port-${i + 1}`,
		port: p.port,
		protocol: options.protocol ?? p.protocol,
		targetPort: options.targetPort ?? p.port,
	}));
}
