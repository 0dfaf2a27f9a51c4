import type {FieldError} from '../errors.js';
import type {KubeObject} from './types.js';
import {defaulters} from './defaults.js';
import {validators} from './validate-kinds.js';
import {isIpAddress, parseCidr, specialIpErrors} from './cidr.js';
import {portProtocols} from './validate-container.js';
import {unsupported, validateDNS1123Label, validateDNS1123Subdomain, validateLabels} from './validate-metadata.js';

/**
 * Defaulting and validation of ConfigMaps, Secrets and Services, as the API
 * server does it (`pkg/apis/core/v1/defaults.go`, `pkg/apis/core/validation`).
 * Registered into the per-kind registries when this module is imported.
 * Allocation of ClusterIPs and NodePorts needs the cluster's state and lives
 * in controllers/service.ts.
 */

/** `MaxSecretSize`, used for ConfigMaps too. */
export const maxConfigSizeBytes = 1024 * 1024;
const maxKeyLength = 253;
const configKeyPattern = /^[-._a-zA-Z0-9]+$/;
const configKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const immutableMessage = 'field is immutable when `immutable` is set';

export type ConfigMap = KubeObject & {data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean};
export type Secret = KubeObject & {data?: Record<string, string>; stringData?: Record<string, string>; type?: string; immutable?: boolean};

/** `IsConfigMapKey`: the messages for one key. */
export function validateConfigKey(key: string): string[] {
	const errors: string[] = [];
	if (key.length > maxKeyLength) errors.push(`must be no more than ${maxKeyLength} characters`);
	if (!configKeyPattern.test(key)) errors.push(configKeyMessage);
	else if (key === '.' || key === '..') errors.push(`must not be '${key}'`);
	else if (key.startsWith('..')) errors.push("must not start with '..'");
	return errors;
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decoded length of a base64 string, or an error text for a malformed one. */
function decodedLength(value: unknown): number | string {
	if (typeof value !== 'string') return 'must be a base64-encoded string';
	if (!base64Pattern.test(value)) return 'illegal base64 data';
	const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
	return (value.length / 4) * 3 - padding;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateKeys(map: unknown, field: string, errors: FieldError[]): string[] {
	if (map === undefined || map === null) return [];
	if (!isPlainMap(map)) {
		errors.push({field, type: 'Invalid value', value: map, detail: 'must be a map of string keys to values'});
		return [];
	}
	const keys = Object.keys(map);
	for (const key of keys) {
		for (const detail of validateConfigKey(key)) errors.push({field: `${field}[${key}]`, type: 'Invalid value', value: key, detail});
	}
	return keys;
}

/** `data` and `immutable` checks against the stored object, for both kinds. */
function validateImmutable(object: ConfigMap | Secret, old: KubeObject | undefined, fields: string[]): FieldError[] {
	if (!old || old['immutable'] !== true) return [];
	const errors: FieldError[] = [];
	if (object.immutable !== true) errors.push({field: 'immutable', type: 'Forbidden', detail: immutableMessage});
	for (const field of fields) {
		if (JSON.stringify(object[field] ?? {}) !== JSON.stringify(old[field] ?? {})) errors.push({field, type: 'Forbidden', detail: immutableMessage});
	}
	return errors;
}

export function validateConfigMap(object: KubeObject, old?: KubeObject): FieldError[] {
	const configMap = object as ConfigMap;
	const errors: FieldError[] = [];
	const dataKeys = validateKeys(configMap.data, 'data', errors);
	const binaryKeys = new Set(validateKeys(configMap.binaryData, 'binaryData', errors));
	let size = 0;
	for (const key of dataKeys) {
		const value = configMap.data![key];
		if (typeof value !== 'string') {
			errors.push({field: `data[${key}]`, type: 'Invalid value', value, detail: 'must be a string'});
			continue;
		}
		size += Buffer.byteLength(value, 'utf8');
		if (binaryKeys.has(key)) errors.push({field: `data[${key}]`, type: 'Invalid value', value: key, detail: 'duplicate of key present in binaryData'});
	}
	for (const key of binaryKeys) {
		const length = decodedLength(configMap.binaryData![key]);
		if (typeof length === 'string') errors.push({field: `binaryData[${key}]`, type: 'Invalid value', value: configMap.binaryData![key], detail: length});
		else size += length;
	}
	if (size > maxConfigSizeBytes) errors.push({field: 'data', type: 'Too long', detail: `must have at most ${maxConfigSizeBytes} bytes`});
	if (configMap.immutable !== undefined && typeof configMap.immutable !== 'boolean') {
		errors.push({field: 'immutable', type: 'Invalid value', value: configMap.immutable, detail: 'must be a boolean'});
	}
	errors.push(...validateImmutable(configMap, old, ['data', 'binaryData']));
	return errors;
}

const required = (field: string, detail = ''): FieldError => ({field, type: 'Required value', detail});

export function validateSecret(object: KubeObject, old?: KubeObject): FieldError[] {
	const secret = object as Secret;
	const errors: FieldError[] = [];
	const keys = validateKeys(secret.data, 'data', errors);
	const data = (isPlainMap(secret.data) ? secret.data : {}) as Record<string, string>;
	let size = 0;
	for (const key of keys) {
		const length = decodedLength(data[key]);
		if (typeof length === 'string') errors.push({field: `data[${key}]`, type: 'Invalid value', value: '<secret contents redacted>', detail: length});
		else size += length;
	}
	if (size > maxConfigSizeBytes) errors.push({field: 'data', type: 'Too long', detail: `must have at most ${maxConfigSizeBytes} bytes`});
	const type = secret.type ?? 'Opaque';
	if (typeof type !== 'string' || type === '') errors.push({field: 'type', type: 'Invalid value', value: type, detail: 'must be a non-empty string'});
	const requireKey = (key: string) => {
		if (!(key in data)) errors.push(required(`data[${key}]`));
	};
	switch (type) {
		case 'kubernetes.io/service-account-token': {
			if (!secret.metadata.annotations?.['kubernetes.io/service-account.name']) errors.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
			break;
		}
		case 'kubernetes.io/dockercfg': {
			requireKey('.dockercfg');
			errors.push(...jsonKeyErrors(data, '.dockercfg'));
			break;
		}
		case 'kubernetes.io/dockerconfigjson': {
			requireKey('.dockerconfigjson');
			errors.push(...jsonKeyErrors(data, '.dockerconfigjson'));
			break;
		}
		case 'kubernetes.io/basic-auth': {
			if (!('username' in data) && !('password' in data)) errors.push(required('data[username]'), required('data[password]'));
			break;
		}
		case 'kubernetes.io/ssh-auth': {
			requireKey('ssh-privatekey');
			break;
		}
		case 'kubernetes.io/tls': {
			requireKey('tls.key');
			requireKey('tls.crt');
			break;
		}
		default:
	}
	if (old && (old['type'] ?? 'Opaque') !== type) errors.push({field: 'type', type: 'Invalid value', value: type, detail: 'field is immutable'});
	errors.push(...validateImmutable(secret, old, ['data']));
	return errors;
}

function jsonKeyErrors(data: Record<string, string>, key: string): FieldError[] {
	const value = data[key];
	if (typeof value !== 'string' || typeof decodedLength(value) === 'string') return [];
	try {
		JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
		return [];
	} catch (error) {
		return [{field: `data[${key}]`, type: 'Invalid value', value: '<secret contents redacted>', detail: (error as Error).message}];
	}
}

/** `stringData` is write-only: the server merges it into `data` (base64), its keys winning. */
export function defaultSecret(object: KubeObject): KubeObject {
	const secret = object as Secret;
	const out: Secret = {...secret, type: secret.type ?? 'Opaque'};
	if (isPlainMap(secret.stringData)) {
		const data: Record<string, string> = isPlainMap(secret.data) ? {...secret.data} : {};
		for (const [key, value] of Object.entries(secret.stringData)) {
			data[key] = Buffer.from(typeof value === 'string' ? value : String(value), 'utf8').toString('base64');
		}
		out.data = data;
		delete out.stringData;
	}
	return out;
}

// ----- Service --------------------------------------------------------------------

export type ServicePort = {
	name?: string;
	protocol?: string;
	port: number;
	targetPort?: number | string;
	nodePort?: number;
	appProtocol?: string;
};

export type ServiceSpec = {
	type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
	selector?: Record<string, string>;
	ports?: ServicePort[];
	clusterIP?: string;
	clusterIPs?: string[];
	externalName?: string;
	externalIPs?: string[];
	loadBalancerSourceRanges?: string[];
	sessionAffinity?: 'None' | 'ClientIP';
	sessionAffinityConfig?: {clientIP?: {timeoutSeconds?: number}};
	externalTrafficPolicy?: 'Cluster' | 'Local';
	internalTrafficPolicy?: 'Cluster' | 'Local';
	ipFamilies?: string[];
	ipFamilyPolicy?: string;
	allocateLoadBalancerNodePorts?: boolean;
	publishNotReadyAddresses?: boolean;
	loadBalancerClass?: string;
};

export type Service = KubeObject<ServiceSpec, {loadBalancer?: {ingress?: Array<{ip?: string; hostname?: string; ipMode?: string}>}}>;

export const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const ianaServiceName = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** SetDefaults_Service. */
export function defaultService(object: KubeObject): KubeObject {
	const spec: ServiceSpec = {...(object.spec as ServiceSpec | undefined)};
	spec.type ??= 'ClusterIP';
	spec.sessionAffinity ??= 'None';
	if (spec.sessionAffinity === 'ClientIP') {
		spec.sessionAffinityConfig = {clientIP: {timeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10_800}};
	}
	if (Array.isArray(spec.ports)) {
		spec.ports = spec.ports.map(port => (isPlainMap(port)
			? {...port, protocol: port.protocol ?? 'TCP', targetPort: port.targetPort ?? port.port}
			: port));
	}
	if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
	if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
	if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
	if (spec.clusterIP !== undefined && spec.clusterIPs === undefined && spec.clusterIP !== '') spec.clusterIPs = [spec.clusterIP];
	return {...object, spec, status: object.status ?? {loadBalancer: {}}};
}

function validPortNumber(value: unknown): boolean {
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65_535;
}

/** ValidateService, without the allocation checks (controllers/service.ts). */
export function validateService(object: KubeObject, old?: KubeObject): FieldError[] {
	const spec = (object.spec ?? {}) as ServiceSpec;
	const errors: FieldError[] = [];
	const type = spec.type ?? 'ClusterIP';
	if (!(serviceTypes as readonly string[]).includes(type)) {
		errors.push({field: 'spec.type', type: 'Unsupported value', value: type, detail: 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'});
	}
	if (!['None', 'ClientIP'].includes(spec.sessionAffinity ?? 'None')) {
		errors.push({field: 'spec.sessionAffinity', type: 'Unsupported value', value: spec.sessionAffinity, detail: 'supported values: "ClientIP", "None"'});
	}
	const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
	if (spec.sessionAffinity === 'ClientIP' && timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0 || timeout > 86_400)) {
		errors.push({field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', type: 'Invalid value', value: timeout, detail: 'must be greater than 0 and less than 86400'});
	}
	const headless = spec.clusterIP === 'None';
	if (type === 'ExternalName') {
		// A CNAME, which may end in a dot to say it is fully qualified.
		const cname = typeof spec.externalName === 'string' ? spec.externalName.replace(/\.$/, '') : '';
		if (!cname) errors.push(required('spec.externalName'));
		else for (const detail of validateDNS1123Subdomain(cname)) errors.push({field: 'spec.externalName', type: 'Invalid value', value: cname, detail});
	} else if (spec.externalName) {
		errors.push({field: 'spec.externalName', type: 'Forbidden', detail: 'may only be set when `type` is \'ExternalName\''});
	}
	if (headless && (type === 'NodePort' || type === 'LoadBalancer')) {
		errors.push({field: 'spec.clusterIPs[0]', type: 'Invalid value', value: 'None', detail: `may not be set to 'None' for ${type} services`});
	}
	if (spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== 'None' && !isIPv4(spec.clusterIP)) {
		errors.push({field: 'spec.clusterIPs[0]', type: 'Invalid value', value: spec.clusterIP, detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'});
	}
	const ports = spec.ports;
	if (ports !== undefined && !Array.isArray(ports)) {
		errors.push({field: 'spec.ports', type: 'Invalid value', value: ports, detail: 'must be a list of ports'});
	} else if ((ports ?? []).length === 0) {
		if (!headless && type !== 'ExternalName') errors.push(required('spec.ports'));
	} else {
		const names = new Set<string>();
		const seen = new Set<string>();
		for (const [i, port] of ports!.entries()) {
			const field = `spec.ports[${i}]`;
			if (!isPlainMap(port)) {
				errors.push({field, type: 'Invalid value', value: port, detail: 'must be an object'});
				continue;
			}
			if (ports!.length > 1 && !port.name) errors.push(required(`${field}.name`));
			if (port.name) {
				const nameErrors = validateDNS1123Label(String(port.name));
				for (const detail of nameErrors) errors.push({field: `${field}.name`, type: 'Invalid value', value: port.name, detail});
				if (nameErrors.length === 0 && names.has(port.name)) {
					errors.push({field: `${field}.name`, type: 'Duplicate value', value: port.name, detail: ''});
				}
				names.add(port.name);
			}
			if (!validPortNumber(port.port)) errors.push({field: `${field}.port`, type: 'Invalid value', value: port.port, detail: 'must be between 1 and 65535, inclusive'});
			const protocol = port.protocol ?? 'TCP';
			if (!portProtocols.includes(protocol)) errors.push(unsupported(`${field}.protocol`, protocol, portProtocols));
			const target = port.targetPort;
			if (typeof target === 'number') {
				if (!validPortNumber(target)) errors.push({field: `${field}.targetPort`, type: 'Invalid value', value: target, detail: 'must be between 1 and 65535, inclusive'});
			} else if (typeof target === 'string') {
				if (target.length > 15 || !ianaServiceName.test(target) || target.includes('--')) {
					errors.push({field: `${field}.targetPort`, type: 'Invalid value', value: target, detail: 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), contain at least one letter (a-z), not start or end with a hyphen, and not contain consecutive hyphens, and be no more than 15 characters'});
				}
			} else if (target !== undefined) {
				errors.push({field: `${field}.targetPort`, type: 'Invalid value', value: target, detail: 'must be an integer or a port name'});
			}
			if (port.nodePort !== undefined && port.nodePort !== 0) {
				if (type === 'ClusterIP' || type === 'ExternalName') {
					errors.push({field: `${field}.nodePort`, type: 'Forbidden', detail: `may not be used when \`type\` is '${type}'`});
				} else if (!Number.isInteger(port.nodePort)) {
					errors.push({field: `${field}.nodePort`, type: 'Invalid value', value: port.nodePort, detail: 'must be an integer'});
				}
			}
			const identity = `${port.port}/${protocol}`;
			// The key the API server looks ports up by, printed as its Go struct.
			const shown = `core.ServicePort{Name:"", Protocol:${JSON.stringify(String(protocol))}, AppProtocol:(*string)(nil), Port:${Number(port.port)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
			if (seen.has(identity)) errors.push({field, type: 'Duplicate value', value: {port: port.port, protocol}, shown, detail: ''});
			seen.add(identity);
		}
	}
	if (spec.selector !== undefined && spec.selector !== null) {
		if (!isPlainMap(spec.selector)) errors.push({field: 'spec.selector', type: 'Invalid value', value: spec.selector, detail: 'must be a map of labels'});
		else errors.push(...validateLabels(spec.selector as Record<string, string>, 'spec.selector'));
	}
	for (const [i, ip] of (Array.isArray(spec.externalIPs) ? spec.externalIPs : []).entries()) {
		errors.push(...ipErrors(ip, `spec.externalIPs[${i}]`));
	}
	const ranges = spec.loadBalancerSourceRanges;
	if (Array.isArray(ranges) && ranges.length > 0) {
		// The API server's own spelling of the field, and the list as Go's %v prints it.
		const field = 'spec.LoadBalancerSourceRanges';
		if (type !== 'LoadBalancer') errors.push({field, type: 'Forbidden', detail: "may only be used when `type` is 'LoadBalancer'"});
		if (ranges.some(range => typeof range !== 'string' || !parseCidr(range.trim()))) {
			errors.push({field, type: 'Invalid value', value: `[${ranges.join(' ')}]`, detail: 'must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 '});
		}
	}
	if (spec.externalTrafficPolicy !== undefined && !['Cluster', 'Local'].includes(spec.externalTrafficPolicy)) {
		errors.push({field: 'spec.externalTrafficPolicy', type: 'Unsupported value', value: spec.externalTrafficPolicy, detail: 'supported values: "Cluster", "Local"'});
	}
	if (spec.internalTrafficPolicy !== undefined && !['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
		errors.push({field: 'spec.internalTrafficPolicy', type: 'Unsupported value', value: spec.internalTrafficPolicy, detail: 'supported values: "Cluster", "Local"'});
	}
	if (old) {
		const before = (old.spec ?? {}) as ServiceSpec;
		const changed = before.clusterIP && spec.clusterIP && before.clusterIP !== spec.clusterIP
			&& type !== 'ExternalName' && before.type !== 'ExternalName';
		if (changed) errors.push({field: 'spec.clusterIPs[0]', type: 'Invalid value', value: spec.clusterIP, detail: 'may not change once set'});
	}
	return errors;
}

/** `IsValidIP`, then `ValidateNonSpecialIP`: an address traffic may be sent to. */
function ipErrors(ip: unknown, field: string): FieldError[] {
	if (typeof ip !== 'string' || !isIpAddress(ip)) return [{field, type: 'Invalid value', value: ip, detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'}];
	return specialIpErrors(ip).map(detail => ({field, type: 'Invalid value', value: ip, detail}));
}

/**
 * `ValidateEndpoints`' subsets: each has addresses, ready or not, that are
 * addresses traffic may be sent to (with a DNS label for a hostname), and
 * ports with a number, a known protocol, and a name each when there are
 * several.
 */
function validateEndpoints(object: KubeObject): FieldError[] {
	const errors: FieldError[] = [];
	const subsets = Array.isArray(object['subsets']) ? object['subsets'] as unknown[] : [];
	for (const [i, subset] of subsets.entries()) {
		const at = `subsets[${i}]`;
		if (!isPlainMap(subset)) continue;
		const addresses = Array.isArray(subset['addresses']) ? subset['addresses'] : [];
		const notReady = Array.isArray(subset['notReadyAddresses']) ? subset['notReadyAddresses'] : [];
		if (addresses.length === 0 && notReady.length === 0) errors.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
		for (const [list, items] of [['addresses', addresses], ['notReadyAddresses', notReady]] as const) {
			for (const [j, address] of items.entries()) {
				if (!isPlainMap(address)) continue;
				const place = `${at}.${list}[${j}]`;
				errors.push(...ipErrors(address['ip'], `${place}.ip`));
				const hostname = address['hostname'];
				if (typeof hostname === 'string' && hostname !== '') for (const detail of validateDNS1123Label(hostname)) errors.push({field: `${place}.hostname`, type: 'Invalid value', value: hostname, detail});
			}
		}
		const ports = Array.isArray(subset['ports']) ? subset['ports'] : [];
		for (const [j, port] of ports.entries()) {
			if (!isPlainMap(port)) continue;
			const place = `${at}.ports[${j}]`;
			const name = port['name'];
			if (ports.length > 1 && !name) errors.push(required(`${place}.name`));
			else if (typeof name === 'string' && name !== '') for (const detail of validateDNS1123Label(name)) errors.push({field: `${place}.name`, type: 'Invalid value', value: name, detail});
			if (!validPortNumber(port['port'])) errors.push({field: `${place}.port`, type: 'Invalid value', value: port['port'], detail: 'must be between 1 and 65535, inclusive'});
			const protocol = port['protocol'];
			if (protocol !== undefined && !portProtocols.includes(protocol as string)) errors.push(unsupported(`${place}.protocol`, protocol, portProtocols));
		}
	}
	return errors;
}

export function isIPv4(value: string): boolean {
	const parts = value.split('.');
	return parts.length === 4 && parts.every(p => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

defaulters.set('Secret', defaultSecret);
validators.set('Secret', validateSecret);
validators.set('ConfigMap', validateConfigMap);
defaulters.set('Service', defaultService);
validators.set('Service', validateService);
validators.set('Endpoints', validateEndpoints);
