import type {Container, Pod} from '../api/types.js';
import type {ConfigMap, Secret, Service} from '../api/config-objects.js';
import type {Store} from '../store.js';
import type {ContainerConfig} from './cri.js';
import type {ResolvedImage} from './workloads/images.js';
import {milliCpu, bytes} from '../api/quantity.js';
import {flat} from '../memory.js';

/**
 * A container's environment variables, in one place: what the kubelet
 * resolves (`makeEnvironmentVariables`: the Services' Docker-links variables,
 * `envFrom` and `env` with ConfigMap and Secret keys, downward-API and
 * resource fields, `$(VAR)` expansion), the CreateContainerConfigError
 * message when a source is missing, and the process environment the runtime
 * starts the container's main process with (image ENV under the resolved env).
 */

export type EnvResult =
	| {ok: true; env: Record<string, string>; skipped: Array<{kind: 'configMap' | 'secret'; name: string; keys: string[]}>}
	| {ok: false; message: string};

const envNamePattern = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The kind as the kubelet's messages spell it: `configmap "x" not found`, `couldn't find key k in ConfigMap ns/x`. */
const kindWords = {configMap: {lower: 'configmap', title: 'ConfigMap'}, secret: {lower: 'secret', title: 'Secret'}} as const;

/**
 * The kubelet's `makeEnvironmentVariables`: service variables, then
 * `envFrom` (ConfigMaps and Secrets, with prefixes), then `env`. A missing
 * object or key that is not optional is the CreateContainerConfigError message.
 */
export function resolveEnv(store: Store, pod: Pod, container: Container, options: {podIP?: string} = {}): EnvResult {
	const namespace = pod.metadata.namespace ?? 'default';
	const env: Record<string, string> = {...cachedServiceEnv(store, pod)};
	const skipped: Array<{kind: 'configMap' | 'secret'; name: string; keys: string[]}> = [];
	/** A ConfigMap's data, or a Secret's decoded. */
	const dataOf = (kind: 'configMap' | 'secret', name: string): Record<string, string> | undefined => {
		if (kind === 'configMap') {
			const object = store.get('ConfigMap', namespace, name) as ConfigMap | undefined;
			return object && (object.data ?? {});
		}
		const object = store.get('Secret', namespace, name) as Secret | undefined;
		if (!object) return undefined;
		const data: Record<string, string> = {};
		for (const [key, value] of Object.entries(object.data ?? {})) data[key] = Buffer.from(value, 'base64').toString('utf8');
		return data;
	};

	for (const source of container.envFrom ?? []) {
		const prefix = source.prefix ?? '';
		const ref = source.configMapRef ? {kind: 'configMap' as const, ...source.configMapRef} : source.secretRef ? {kind: 'secret' as const, ...source.secretRef} : undefined;
		if (!ref) continue;
		const data = dataOf(ref.kind, ref.name);
		if (!data) {
			if (ref.optional) continue;
			return {ok: false, message: `${kindWords[ref.kind].lower} "${ref.name}" not found`};
		}
		const invalid: string[] = [];
		for (const [key, value] of Object.entries(data)) {
			if (envNamePattern.test(prefix + key)) env[prefix + key] = value;
			else invalid.push(key);
		}
		if (invalid.length > 0) skipped.push({kind: ref.kind, name: ref.name, keys: invalid.sort()});
	}

	for (const variable of container.env ?? []) {
		const from = variable.valueFrom;
		if (!from) {
			env[variable.name] = expandReferences(variable.value ?? '', env);
			continue;
		}
		const keyRef = from.configMapKeyRef ? {kind: 'configMap' as const, ...from.configMapKeyRef} : from.secretKeyRef ? {kind: 'secret' as const, ...from.secretKeyRef} : undefined;
		if (keyRef) {
			const data = dataOf(keyRef.kind, keyRef.name);
			if (!data) {
				if (keyRef.optional) continue;
				return {ok: false, message: `${kindWords[keyRef.kind].lower} "${keyRef.name}" not found`};
			}
			const value = data[keyRef.key];
			if (value === undefined) {
				if (keyRef.optional) continue;
				return {ok: false, message: `couldn't find key ${keyRef.key} in ${kindWords[keyRef.kind].title} ${namespace}/${keyRef.name}`};
			}
			env[variable.name] = value;
		} else if (from.fieldRef) {
			env[variable.name] = fieldValue(pod, from.fieldRef.fieldPath, options.podIP) ?? '';
		} else if (from.resourceFieldRef) {
			const target = from.resourceFieldRef.containerName
				? [...pod.spec?.containers ?? [], ...pod.spec?.initContainers ?? []].find(c => c.name === from.resourceFieldRef!.containerName) ?? container
				: container;
			const [kind, resource] = from.resourceFieldRef.resource.split('.') as ['limits' | 'requests', string];
			const quantity = target.resources?.[kind]?.[resource];
			if (resource === 'cpu') env[variable.name] = String(Math.max(1, Math.ceil(milliCpu(quantity ?? (kind === 'limits' ? '4' : '0')) / 1000)));
			else env[variable.name] = String(quantity === undefined ? (kind === 'limits' ? 16 * 2 ** 30 : 0) : bytes(quantity));
		}
	}
	return {ok: true, env, skipped};
}

/**
 * Service variables per store, by namespace and enableServiceLinks, until a
 * Service changes: every pod of a namespace starts with the same ones, and
 * sharing them spares a copy of each string per container.
 */
const serviceEnvCache = new WeakMap<Store, Map<string, Readonly<Record<string, string>>>>();

function cachedServiceEnv(store: Store, pod: Pod): Readonly<Record<string, string>> {
	let cache = serviceEnvCache.get(store);
	if (!cache) {
		const fresh = new Map<string, Readonly<Record<string, string>>>();
		serviceEnvCache.set(store, (cache = fresh));
		store.subscribe(() => fresh.clear(), ['Service']);
	}
	const key = `${pod.spec?.enableServiceLinks === false ? '-' : '+'}${pod.metadata.namespace ?? 'default'}`;
	let env = cache.get(key);
	if (!env) {
		const computed = serviceEnv(store, pod);
		for (const value of Object.values(computed)) flat(value);
		cache.set(key, (env = computed));
	}
	return env;
}

/** The Docker-links variables of the Services in the pod's namespace (enableServiceLinks) and of `kubernetes`. */
function serviceEnv(store: Store, pod: Pod): Record<string, string> {
	const env: Record<string, string> = {};
	const namespace = pod.metadata.namespace ?? 'default';
	const services = pod.spec?.enableServiceLinks === false ? [] : store.list('Service', namespace) as Service[];
	const master = store.get('Service', 'default', 'kubernetes') as Service | undefined;
	for (const svc of master && namespace !== 'default' ? [...services, master] : services) {
		const ip = svc.spec?.clusterIP;
		if (!ip || ip === 'None') continue;
		const name = svc.metadata.name.toUpperCase().replace(/-/g, '_');
		const ports = svc.spec?.ports ?? [];
		const first = ports[0];
		if (!first) continue;
		env[`${name}_SERVICE_HOST`] = ip;
		env[`${name}_SERVICE_PORT`] = String(first.port);
		for (const port of ports) if (port.name) env[`${name}_SERVICE_PORT_${port.name.toUpperCase().replace(/-/g, '_')}`] = String(port.port);
		const protocol = (first.protocol ?? 'TCP').toLowerCase();
		env[`${name}_PORT`] = `${protocol}://${ip}:${first.port}`;
		for (const port of ports) {
			const proto = (port.protocol ?? 'TCP');
			const prefix = `${name}_PORT_${port.port}_${proto}`;
			env[prefix] = `${proto.toLowerCase()}://${ip}:${port.port}`;
			env[`${prefix}_PROTO`] = proto.toLowerCase();
			env[`${prefix}_PORT`] = String(port.port);
			env[`${prefix}_ADDR`] = ip;
		}
	}
	return env;
}

/** `$(VAR)` references in command, args and env values (`$$(VAR)` escapes), as the kubelet expands them. */
export function expandReferences(text: string, env: Readonly<Record<string, string>>): string {
	return text.replace(/\$\$|\$\(([A-Za-z_][\w.-]*)\)/g, (match, name: string | undefined) => {
		if (match === '$$') return '$';
		return name !== undefined && name in env ? env[name]! : match;
	});
}

/** A downward-API field of the pod (env `fieldRef` and downwardAPI volume items). */
export function fieldValue(pod: Pod, fieldPath: string, podIP?: string): string | undefined {
	const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
	if (label) return (label[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[label[2]!];
	switch (fieldPath) {
		case 'metadata.name': return pod.metadata.name;
		case 'metadata.namespace': return pod.metadata.namespace;
		case 'metadata.uid': return pod.metadata.uid;
		case 'metadata.labels': return Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
		case 'metadata.annotations': return Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).join('\n');
		case 'spec.nodeName': return pod.spec?.nodeName;
		case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
		case 'status.podIP': return podIP ?? pod.status?.podIP;
		case 'status.hostIP': return pod.status?.hostIP;
		default: return undefined;
	}
}

/** The process environment: PATH and HOSTNAME, image ENV, then the kubelet's resolved env (or literal values). */
/** The image's own variables for its version, in the image's order: worked out once per image and version (every container of an image starts with them). */
const imageEnvs = new WeakMap<object, Map<string, ReadonlyArray<readonly [string, string]>>>();

function imageEnv(image: ResolvedImage): ReadonlyArray<readonly [string, string]> {
	let byVersion = imageEnvs.get(image.spec);
	if (!byVersion) imageEnvs.set(image.spec, (byVersion = new Map()));
	let entries = byVersion.get(image.version);
	if (!entries) {
		const major = image.version.split('.')[0] ?? image.version;
		entries = Object.entries(image.spec.env ?? {}).map(([key, value]) => [key, value.replace('{version}', image.version).replace('{major}', major)] as const);
		byVersion.set(image.version, entries);
	}
	return entries;
}

export function processEnv(image: ResolvedImage, config: ContainerConfig, hostname: string): Record<string, string> {
	const env: Record<string, string> = {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: hostname};
	for (const [key, value] of imageEnv(image)) env[key] = value;
	if (config.env) Object.assign(env, config.env);
	else for (const variable of config.container.env ?? []) if (variable.value !== undefined) env[variable.name] = expandReferences(variable.value, env);
	env['HOME'] ??= '/root';
	return env;
}
