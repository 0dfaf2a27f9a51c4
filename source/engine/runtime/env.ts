import type {Container, Pod} from '../api/types.js';
import type {ConfigMap, Secret} from '../api/config-objects.js';
import type {Store} from '../store.js';
import {expandReferences, fieldValue} from './mock-runtime.js';
import {milliCpu, bytes} from '../api/quantity.js';

/**
 * The kubelet's `makeEnvironmentVariables`: a container's environment from
 * `envFrom` (ConfigMaps and Secrets, with prefixes), then `env` (literals
 * with `$(VAR)` expansion, ConfigMap and Secret keys, downward-API fields,
 * resource fields). A missing object or key that is not optional is the
 * CreateContainerConfigError message, in the kubelet's words.
 */

export type EnvResult =
	| {ok: true; env: Record<string, string>; skipped: Array<{kind: 'configMap' | 'secret'; name: string; keys: string[]}>}
	| {ok: false; message: string};

const envNamePattern = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function resolveEnv(store: Store, pod: Pod, container: Container, options: {podIP?: string; serviceEnv?: Record<string, string>} = {}): EnvResult {
	const namespace = pod.metadata.namespace ?? 'default';
	const env: Record<string, string> = {...options.serviceEnv};
	const skipped: Array<{kind: 'configMap' | 'secret'; name: string; keys: string[]}> = [];
	const configMap = (name: string) => store.get('ConfigMap', namespace, name) as ConfigMap | undefined;
	const secret = (name: string) => store.get('Secret', namespace, name) as Secret | undefined;
	const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');

	for (const source of container.envFrom ?? []) {
		const prefix = source.prefix ?? '';
		if (source.configMapRef) {
			const object = configMap(source.configMapRef.name);
			if (!object) {
				if (source.configMapRef.optional) continue;
				return {ok: false, message: `configmap "${source.configMapRef.name}" not found`};
			}
			const invalid: string[] = [];
			for (const [key, value] of Object.entries(object.data ?? {})) {
				if (envNamePattern.test(prefix + key)) env[prefix + key] = value;
				else invalid.push(key);
			}
			if (invalid.length > 0) skipped.push({kind: 'configMap', name: source.configMapRef.name, keys: invalid.sort()});
		} else if (source.secretRef) {
			const object = secret(source.secretRef.name);
			if (!object) {
				if (source.secretRef.optional) continue;
				return {ok: false, message: `secret "${source.secretRef.name}" not found`};
			}
			const invalid: string[] = [];
			for (const [key, value] of Object.entries(object.data ?? {})) {
				if (envNamePattern.test(prefix + key)) env[prefix + key] = decode(value);
				else invalid.push(key);
			}
			if (invalid.length > 0) skipped.push({kind: 'secret', name: source.secretRef.name, keys: invalid.sort()});
		}
	}

	for (const variable of container.env ?? []) {
		const from = variable.valueFrom;
		if (!from) {
			env[variable.name] = expandReferences(variable.value ?? '', env);
			continue;
		}
		if (from.configMapKeyRef) {
			const ref = from.configMapKeyRef;
			const object = configMap(ref.name);
			if (!object) {
				if (ref.optional) continue;
				return {ok: false, message: `configmap "${ref.name}" not found`};
			}
			const value = object.data?.[ref.key];
			if (value === undefined) {
				if (ref.optional) continue;
				return {ok: false, message: `couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name}`};
			}
			env[variable.name] = value;
		} else if (from.secretKeyRef) {
			const ref = from.secretKeyRef;
			const object = secret(ref.name);
			if (!object) {
				if (ref.optional) continue;
				return {ok: false, message: `secret "${ref.name}" not found`};
			}
			const value = object.data?.[ref.key];
			if (value === undefined) {
				if (ref.optional) continue;
				return {ok: false, message: `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`};
			}
			env[variable.name] = decode(value);
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

