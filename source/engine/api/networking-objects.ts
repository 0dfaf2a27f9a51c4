import type {FieldError} from '../errors.js';
import type {KubeObject, LabelSelector} from './types.js';
import {defaulters} from './defaults.js';
import {validators} from './validate-kinds.js';
import {validateDNS1035Label, validateDNS1123Subdomain, validateLabelSelector, validatePortName} from './validate-metadata.js';
import {parseCidr} from './cidr.js';

/**
 * networking.k8s.io/v1 Ingress, IngressClass and NetworkPolicy: types with
 * Kubernetes' field names, defaulting and the API server's validation
 * (`pkg/apis/networking/validation`), registered when this module is
 * imported. The simulated ingress-nginx is network/ingress-nginx.ts; the
 * traffic simulator honours NetworkPolicies through network/policy.ts.
 */

export type ServiceBackendPort = {name?: string; number?: number};
export type IngressBackend = {
	service?: {name: string; port: ServiceBackendPort};
	resource?: {apiGroup?: string; kind: string; name: string};
};
export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';
export type HTTPIngressPath = {path?: string; pathType?: PathType; backend: IngressBackend};
export type IngressRule = {host?: string; http?: {paths: HTTPIngressPath[]}};
export type IngressTLS = {hosts?: string[]; secretName?: string};
export type IngressSpec = {ingressClassName?: string; defaultBackend?: IngressBackend; rules?: IngressRule[]; tls?: IngressTLS[]};
export type IngressStatus = {loadBalancer?: {ingress?: Array<{ip?: string; hostname?: string; ports?: unknown[]}>}};
export type Ingress = KubeObject<IngressSpec, IngressStatus>;

export type IngressClassSpec = {
	controller?: string;
	parameters?: {apiGroup?: string; kind: string; name: string; scope?: string; namespace?: string};
};
export type IngressClass = KubeObject<IngressClassSpec>;

export type NetworkPolicyPort = {protocol?: 'TCP' | 'UDP' | 'SCTP'; port?: number | string; endPort?: number};
export type IPBlock = {cidr: string; except?: string[]};
export type NetworkPolicyPeer = {podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: IPBlock};
export type NetworkPolicySpec = {
	podSelector: LabelSelector;
	ingress?: Array<{ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[]}>;
	egress?: Array<{ports?: NetworkPolicyPort[]; to?: NetworkPolicyPeer[]}>;
	policyTypes?: Array<'Ingress' | 'Egress'>;
};
export type NetworkPolicy = KubeObject<NetworkPolicySpec>;

/** The annotation that makes an IngressClass the default for Ingresses that name none. */
export const defaultIngressClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
/** The older annotation naming an Ingress's class. */
export const ingressClassAnnotation = 'kubernetes.io/ingress.class';

// ----- defaulting ------------------------------------------------------------------

defaulters.set('NetworkPolicy', object => {
	const spec = (object.spec ?? {}) as NetworkPolicySpec;
	const withProtocol = <T extends {ports?: NetworkPolicyPort[]}>(rule: T): T => (rule?.ports ? {...rule, ports: rule.ports.map(p => ({protocol: 'TCP' as const, ...p}))} : rule);
	const next: NetworkPolicySpec = {...spec, podSelector: spec.podSelector ?? {}};
	if (spec.ingress) next.ingress = spec.ingress.map(withProtocol);
	if (spec.egress) next.egress = spec.egress.map(withProtocol);
	// SetDefaults_NetworkPolicySpec: Ingress always, Egress when there are egress rules.
	if (!spec.policyTypes || spec.policyTypes.length === 0) next.policyTypes = spec.egress && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
	return {...object, spec: next};
});

defaulters.set('Ingress', object => ({...object, status: object.status ?? {loadBalancer: {}}}));

// ----- validation ------------------------------------------------------------------

function notSupported(field: string, value: unknown, allowed: readonly string[]): FieldError {
	return {field, type: 'Unsupported value', value, detail: `supported values: ${allowed.map(v => `"${v}"`).join(', ')}`};
}

/** `IsValidPortNum`. */
function portNumberErrors(port: number): string[] {
	return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

function isIpAddress(host: string): boolean {
	return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host));
}

const wildcardMessage = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function hostErrors(host: string): string[] {
	if (host.includes('*')) return /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host) ? [] : [wildcardMessage];
	return validateDNS1123Subdomain(host);
}

function validateBackend(backend: IngressBackend, field: string): FieldError[] {
	const errors: FieldError[] = [];
	if (backend.resource && backend.service) return [{field, type: 'Invalid value', value: '', detail: 'cannot set both resource and service backends'}];
	if (backend.resource) {
		const r = backend.resource;
		if (!r.kind) errors.push({field: `${field}.resource.kind`, type: 'Required value', detail: 'kind is required'});
		if (!r.name) errors.push({field: `${field}.resource.name`, type: 'Required value', detail: 'name is required'});
		return errors;
	}
	if (!backend.service) return [{field, type: 'Invalid value', value: '', detail: 'resource or service backend is required'}];
	const service = backend.service;
	if (!service.name) errors.push({field: `${field}.service.name`, type: 'Required value', detail: ''});
	else for (const detail of validateDNS1035Label(service.name)) errors.push({field: `${field}.service.name`, type: 'Invalid value', value: service.name, detail});
	const name = service.port?.name ?? '';
	const number = service.port?.number ?? 0;
	if (name && number) errors.push({field, type: 'Invalid value', value: '', detail: 'cannot set both port name & port number'});
	else if (name) for (const detail of validatePortName(name)) errors.push({field: `${field}.service.port.name`, type: 'Invalid value', value: name, detail});
	else if (number) for (const detail of portNumberErrors(number)) errors.push({field: `${field}.service.port.number`, type: 'Invalid value', value: number, detail});
	else errors.push({field, type: 'Required value', detail: 'port name or number is required'});
	return errors;
}

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validatePath(path: HTTPIngressPath, field: string): FieldError[] {
	if (!path.pathType) return [{field: `${field}.pathType`, type: 'Required value', detail: 'pathType must be specified'}];
	const errors: FieldError[] = [];
	const text = path.path ?? '';
	if (path.pathType === 'Exact' || path.pathType === 'Prefix') {
		if (!text.startsWith('/')) errors.push({field: `${field}.path`, type: 'Invalid value', value: text, detail: 'must be an absolute path'});
		for (const sequence of ['//', '/./', '/../', '%2f', '%2F']) if (text.includes(sequence)) errors.push({field: `${field}.path`, type: 'Invalid value', value: text, detail: `must not contain '${sequence}'`});
		for (const suffix of ['/..', '/.']) if (text.endsWith(suffix)) errors.push({field: `${field}.path`, type: 'Invalid value', value: text, detail: `cannot end with '${suffix}'`});
	} else if (path.pathType === 'ImplementationSpecific') {
		if (text && !text.startsWith('/')) errors.push({field: `${field}.path`, type: 'Invalid value', value: text, detail: 'must be an absolute path'});
	} else {
		errors.push(notSupported(`${field}.pathType`, path.pathType, pathTypes));
	}
	errors.push(...validateBackend(path.backend ?? {}, `${field}.backend`));
	return errors;
}

validators.set('Ingress', object => {
	const spec = (object.spec ?? {}) as IngressSpec;
	const errors: FieldError[] = [];
	const rules = spec.rules ?? [];
	if (rules.length === 0 && !spec.defaultBackend) {
		// Go prints the nil slice it was given.
		errors.push({field: 'spec', type: 'Invalid value: []networking.IngressRule(nil)', detail: 'either `defaultBackend` or `rules` must be specified'});
	}
	if (spec.defaultBackend) errors.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
	for (const [i, rule] of rules.entries()) {
		const at = `spec.rules[${i}]`;
		if (rule.host) {
			if (isIpAddress(rule.host)) errors.push({field: `${at}.host`, type: 'Invalid value', value: rule.host, detail: 'must be a DNS name, not an IP address'});
			for (const detail of hostErrors(rule.host)) errors.push({field: `${at}.host`, type: 'Invalid value', value: rule.host, detail});
		}
		if (rule.http) {
			if (!rule.http.paths || rule.http.paths.length === 0) errors.push({field: `${at}.http.paths`, type: 'Required value', detail: ''});
			for (const [j, path] of (rule.http.paths ?? []).entries()) errors.push(...validatePath(path ?? {} as HTTPIngressPath, `${at}.http.paths[${j}]`));
		}
	}
	for (const [i, tls] of (spec.tls ?? []).entries()) {
		for (const [j, host] of (tls.hosts ?? []).entries()) {
			for (const detail of hostErrors(host)) errors.push({field: `spec.tls[${i}].hosts[${j}]`, type: 'Invalid value', value: host, detail});
		}
		if (tls.secretName) for (const detail of validateDNS1123Subdomain(tls.secretName)) errors.push({field: `spec.tls[${i}].secretName`, type: 'Invalid value', value: tls.secretName, detail});
	}
	if (spec.ingressClassName !== undefined) {
		for (const detail of validateDNS1123Subdomain(spec.ingressClassName)) errors.push({field: 'spec.ingressClassName', type: 'Invalid value', value: spec.ingressClassName, detail});
	}
	const annotation = object.metadata.annotations?.[ingressClassAnnotation];
	if (annotation !== undefined && spec.ingressClassName !== undefined && annotation !== spec.ingressClassName) {
		errors.push({field: `annotations.${ingressClassAnnotation}`, type: 'Invalid value', value: annotation, detail: 'must match `ingressClassName` when both are specified'});
	}
	return errors;
});

validators.set('IngressClass', (object, old) => {
	const spec = (object.spec ?? {}) as IngressClassSpec;
	const errors: FieldError[] = [];
	if (old && (old.spec as IngressClassSpec | undefined)?.controller !== spec.controller) {
		errors.push({field: 'spec.controller', type: 'Invalid value', value: spec.controller ?? '', detail: 'field is immutable'});
	}
	const controller = spec.controller ?? '';
	if (controller.length > 250) errors.push({field: 'spec.controller', type: 'Too long', detail: 'may not be more than 250 bytes'});
	if (!controller) errors.push({field: 'spec.controller', type: 'Required value', detail: ''});
	else {
		const slash = controller.indexOf('/');
		if (slash < 0) errors.push({field: 'spec.controller', type: 'Invalid value', value: controller, detail: 'must be a domain-prefixed path (such as "acme.io/foo")'});
		else {
			for (const detail of validateDNS1123Subdomain(controller.slice(0, slash))) errors.push({field: 'spec.controller', type: 'Invalid value', value: controller.slice(0, slash), detail});
			if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(controller.slice(slash + 1))) errors.push({field: 'spec.controller', type: 'Invalid value', value: controller.slice(slash + 1), detail: 'Invalid path'});
		}
	}
	const parameters = spec.parameters;
	if (parameters) {
		if (!parameters.kind) errors.push({field: 'spec.parameters.kind', type: 'Required value', detail: 'kind is required'});
		if (!parameters.name) errors.push({field: 'spec.parameters.name', type: 'Required value', detail: 'name is required'});
		if (parameters.scope === undefined) errors.push({field: 'spec.parameters.scope', type: 'Required value', detail: ''});
		else if (!['Cluster', 'Namespace'].includes(parameters.scope)) errors.push(notSupported('spec.parameters.scope', parameters.scope, ['Cluster', 'Namespace']));
		else if (parameters.scope === 'Namespace' && !parameters.namespace) errors.push({field: 'spec.parameters.namespace', type: 'Required value', detail: "`parameters.scope` is set to 'Namespace'"});
		else if (parameters.scope === 'Cluster' && parameters.namespace) errors.push({field: 'spec.parameters.namespace', type: 'Forbidden', detail: "`parameters.scope` is set to 'Cluster'"});
	}
	return errors;
});

function validatePolicyPort(port: NetworkPolicyPort, field: string): FieldError[] {
	const errors: FieldError[] = [];
	if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) errors.push(notSupported(`${field}.protocol`, port.protocol, ['TCP', 'UDP', 'SCTP']));
	if (port.port !== undefined) {
		if (typeof port.port === 'number') {
			for (const detail of portNumberErrors(port.port)) errors.push({field: `${field}.port`, type: 'Invalid value', value: port.port, detail});
			if (port.endPort !== undefined) {
				if (port.endPort < port.port) errors.push({field: `${field}.endPort`, type: 'Invalid value', value: port.port, detail: 'must be greater than or equal to `port`'});
				for (const detail of portNumberErrors(port.endPort)) errors.push({field: `${field}.endPort`, type: 'Invalid value', value: port.endPort, detail});
			}
		} else {
			if (port.endPort !== undefined) errors.push({field: `${field}.endPort`, type: 'Invalid value', value: port.endPort, detail: 'may not be specified when `port` is non-numeric'});
			for (const detail of validatePortName(port.port)) errors.push({field: `${field}.port`, type: 'Invalid value', value: port.port, detail});
		}
	} else if (port.endPort !== undefined) {
		errors.push({field: `${field}.endPort`, type: 'Invalid value', value: port.endPort, detail: 'may not be specified when `port` is not specified'});
	}
	return errors;
}

const cidrMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function validatePeer(peer: NetworkPolicyPeer, field: string): FieldError[] {
	const errors: FieldError[] = [];
	let count = 0;
	if (peer.podSelector) {
		count++;
		errors.push(...validateLabelSelector(peer.podSelector, `${field}.podSelector`));
	}
	if (peer.namespaceSelector) {
		count++;
		errors.push(...validateLabelSelector(peer.namespaceSelector, `${field}.namespaceSelector`));
	}
	if (peer.ipBlock) {
		count++;
		const block = peer.ipBlock;
		if (!block.cidr) errors.push({field: `${field}.ipBlock.cidr`, type: 'Required value', detail: ''});
		else {
			const cidr = parseCidr(block.cidr);
			if (!cidr) errors.push({field: `${field}.ipBlock.cidr`, type: 'Invalid value', value: block.cidr, detail: cidrMessage});
			for (const [i, text] of (block.except ?? []).entries()) {
				const except = parseCidr(text);
				if (!except) errors.push({field: `${field}.ipBlock.except[${i}]`, type: 'Invalid value', value: text, detail: cidrMessage});
				else if (cidr && (!cidr.contains(except.base) || cidr.bits >= except.bits)) {
					errors.push({field: `${field}.ipBlock.except[${i}]`, type: 'Invalid value', value: text, detail: 'must be a strict subset of `cidr`'});
				}
			}
		}
	}
	if (count === 0) errors.push({field, type: 'Required value', detail: 'must specify a peer'});
	else if (count > 1 && peer.ipBlock) errors.push({field, type: 'Forbidden', detail: 'may not specify both ipBlock and another peer'});
	return errors;
}

validators.set('NetworkPolicy', object => {
	const spec = (object.spec ?? {}) as NetworkPolicySpec;
	const errors = validateLabelSelector(spec.podSelector, 'spec.podSelector');
	for (const [i, rule] of (spec.ingress ?? []).entries()) {
		for (const [j, port] of (rule?.ports ?? []).entries()) errors.push(...validatePolicyPort(port, `spec.ingress[${i}].ports[${j}]`));
		for (const [j, peer] of (rule?.from ?? []).entries()) errors.push(...validatePeer(peer ?? {}, `spec.ingress[${i}].from[${j}]`));
	}
	for (const [i, rule] of (spec.egress ?? []).entries()) {
		for (const [j, port] of (rule?.ports ?? []).entries()) errors.push(...validatePolicyPort(port, `spec.egress[${i}].ports[${j}]`));
		for (const [j, peer] of (rule?.to ?? []).entries()) errors.push(...validatePeer(peer ?? {}, `spec.egress[${i}].to[${j}]`));
	}
	const types = spec.policyTypes ?? [];
	if (types.length > 2) {
		errors.push({field: 'spec.policyTypes', type: 'Invalid value', value: types, detail: 'may not specify more than two policyTypes'});
		return errors;
	}
	for (const [i, type] of types.entries()) if (type !== 'Ingress' && type !== 'Egress') errors.push(notSupported(`spec.policyTypes[${i}]`, type, ['Ingress', 'Egress']));
	return errors;
});
