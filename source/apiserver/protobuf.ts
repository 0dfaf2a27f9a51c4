/**
 * Protobuf request bodies. kubectl 1.32's generator commands (`create
 * deployment|service|configmap|secret|namespace|job`) POST
 * `application/vnd.kubernetes.protobuf` and do not fall back to JSON. This
 * reads the `k8s\0` envelope (runtime.Unknown) and the messages those
 * generators send, field by field, into the Kubernetes JSON form. Field
 * numbers are those of the upstream generated.proto files. Fields written
 * with their zero value (proto2 writes every non-pointer field) are left out;
 * a non-empty field this reader does not know is refused, never guessed.
 */
import {ApiError} from './status.js';

type Field =
	| {name: string; type: 'string' | 'int' | 'bool' | 'bytes' | 'time' | 'quantity' | 'intOrString'; repeated?: boolean; pointer?: boolean}
	| {name: string; type: 'message'; message: string; repeated?: boolean; /** Embedded in Go: its fields sit in the parent's JSON. */ inline?: boolean}
	| {name: string; type: 'map'; value: 'string' | 'bytes' | 'quantity'}
	/** Read and dropped (status on create). */
	| {name: string; type: 'skip'};

type Schema = Record<number, Field>;

const s = (name: string, extra: {repeated?: boolean; pointer?: boolean} = {}): Field => ({name, type: 'string', ...extra});
const i = (name: string, extra: {pointer?: boolean} = {}): Field => ({name, type: 'int', ...extra});
const b = (name: string, extra: {pointer?: boolean} = {}): Field => ({name, type: 'bool', ...extra});
const m = (name: string, message: string, repeated = false): Field => ({name, type: 'message', message, repeated});
const map = (name: string, value: 'string' | 'bytes' | 'quantity' = 'string'): Field => ({name, type: 'map', value});
const skip = (name: string): Field => ({name, type: 'skip'});

const schemas: Record<string, Schema> = {
	Unknown: {1: m('typeMeta', 'TypeMeta'), 2: {name: 'raw', type: 'bytes'}, 3: s('contentEncoding'), 4: s('contentType')},
	TypeMeta: {1: s('apiVersion'), 2: s('kind')},
	ObjectMeta: {
		1: s('name'), 2: s('generateName'), 3: s('namespace'), 4: s('selfLink'), 5: s('uid'), 6: s('resourceVersion'), 7: i('generation'),
		8: {name: 'creationTimestamp', type: 'time'}, 11: map('labels'), 12: map('annotations'), 13: m('ownerReferences', 'OwnerReference', true), 14: s('finalizers', {repeated: true}),
	},
	OwnerReference: {1: s('kind'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: b('controller', {pointer: true}), 7: b('blockOwnerDeletion', {pointer: true})},
	LabelSelector: {1: map('matchLabels'), 2: m('matchExpressions', 'LabelSelectorRequirement', true)},
	LabelSelectorRequirement: {1: s('key'), 2: s('operator'), 3: s('values', {repeated: true})},
	Deployment: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'DeploymentSpec'), 3: skip('status')},
	DeploymentSpec: {
		1: i('replicas', {pointer: true}), 2: m('selector', 'LabelSelector'), 3: m('template', 'PodTemplateSpec'), 4: m('strategy', 'DeploymentStrategy'),
		5: i('minReadySeconds'), 6: i('revisionHistoryLimit', {pointer: true}), 7: b('paused'), 9: i('progressDeadlineSeconds', {pointer: true}),
	},
	DeploymentStrategy: {1: s('type'), 2: m('rollingUpdate', 'RollingUpdateDeployment')},
	RollingUpdateDeployment: {1: {name: 'maxUnavailable', type: 'intOrString'}, 2: {name: 'maxSurge', type: 'intOrString'}},
	PodTemplateSpec: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec')},
	PodSpec: {
		2: m('containers', 'Container', true), 3: s('restartPolicy'), 4: i('terminationGracePeriodSeconds', {pointer: true}), 5: i('activeDeadlineSeconds', {pointer: true}),
		6: s('dnsPolicy'), 7: map('nodeSelector'), 8: s('serviceAccountName'), 9: s('serviceAccount'), 10: s('nodeName'), 11: b('hostNetwork'), 12: b('hostPID'),
		13: b('hostIPC'), 15: m('imagePullSecrets', 'LocalObjectReference', true), 16: s('hostname'), 17: s('subdomain'), 19: s('schedulerName'),
		20: m('initContainers', 'Container', true), 24: s('priorityClassName'), 30: b('enableServiceLinks', {pointer: true}),
	},
	LocalObjectReference: {1: s('name')},
	Container: {
		1: s('name'), 2: s('image'), 3: s('command', {repeated: true}), 4: s('args', {repeated: true}), 5: s('workingDir'), 6: m('ports', 'ContainerPort', true),
		7: m('env', 'EnvVar', true), 8: m('resources', 'ResourceRequirements'), 13: s('terminationMessagePath'), 14: s('imagePullPolicy'),
		16: b('stdin'), 17: b('stdinOnce'), 18: b('tty'), 20: s('terminationMessagePolicy'),
	},
	ContainerPort: {1: s('name'), 2: i('hostPort'), 3: i('containerPort'), 4: s('protocol'), 5: s('hostIP')},
	EnvVar: {1: s('name'), 2: s('value')},
	ResourceRequirements: {1: map('limits', 'quantity'), 2: map('requests', 'quantity')},
	Service: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ServiceSpec'), 3: skip('status')},
	ServiceSpec: {
		1: m('ports', 'ServicePort', true), 2: map('selector'), 3: s('clusterIP'), 4: s('type'), 5: s('externalIPs', {repeated: true}), 7: s('sessionAffinity'),
		8: s('loadBalancerIP'), 10: s('externalName'), 11: s('externalTrafficPolicy'), 12: i('healthCheckNodePort'), 13: b('publishNotReadyAddresses'),
		18: s('clusterIPs', {repeated: true}),
	},
	ServicePort: {1: s('name'), 2: s('protocol'), 3: i('port'), 4: {name: 'targetPort', type: 'intOrString'}, 5: i('nodePort'), 6: s('appProtocol', {pointer: true})},
	ConfigMap: {1: m('metadata', 'ObjectMeta'), 2: map('data'), 3: map('binaryData', 'bytes'), 4: b('immutable', {pointer: true})},
	Secret: {1: m('metadata', 'ObjectMeta'), 2: map('data', 'bytes'), 3: s('type'), 4: map('stringData'), 5: b('immutable', {pointer: true})},
	Namespace: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'NamespaceSpec'), 3: skip('status')},
	NamespaceSpec: {1: s('finalizers', {repeated: true})},
	Job: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec'), 3: skip('status')},
	JobSpec: {
		1: i('parallelism', {pointer: true}), 2: i('completions', {pointer: true}), 3: i('activeDeadlineSeconds', {pointer: true}), 4: m('selector', 'LabelSelector'),
		5: b('manualSelector', {pointer: true}), 6: m('template', 'PodTemplateSpec'), 7: i('backoffLimit', {pointer: true}), 8: i('ttlSecondsAfterFinished', {pointer: true}),
		9: s('completionMode', {pointer: true}), 10: b('suspend', {pointer: true}),
	},
	ResourceQuota: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ResourceQuotaSpec'), 3: skip('status')},
	ResourceQuotaSpec: {1: map('hard', 'quantity'), 2: s('scopes', {repeated: true}), 3: m('scopeSelector', 'ScopeSelector')},
	ScopeSelector: {1: m('matchExpressions', 'ScopedResourceSelectorRequirement', true)},
	ScopedResourceSelectorRequirement: {1: s('scopeName'), 2: s('operator'), 3: s('values', {repeated: true})},
	PodDisruptionBudget: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodDisruptionBudgetSpec'), 3: skip('status')},
	PodDisruptionBudgetSpec: {
		1: {name: 'minAvailable', type: 'intOrString'}, 2: m('selector', 'LabelSelector'), 3: {name: 'maxUnavailable', type: 'intOrString'},
		4: s('unhealthyPodEvictionPolicy', {pointer: true}),
	},
	// autoscaling/v1, as `kubectl autoscale` sends it.
	HorizontalPodAutoscalerV1: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'HorizontalPodAutoscalerSpecV1'), 3: skip('status')},
	HorizontalPodAutoscalerSpecV1: {1: m('scaleTargetRef', 'CrossVersionObjectReference'), 2: i('minReplicas', {pointer: true}), 3: i('maxReplicas'), 4: i('targetCPUUtilizationPercentage', {pointer: true})},
	CrossVersionObjectReference: {1: s('kind'), 2: s('name'), 3: s('apiVersion')},
	// networking.k8s.io/v1, as `kubectl create ingress` sends it.
	Ingress: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'IngressSpec'), 3: skip('status')},
	IngressSpec: {1: m('defaultBackend', 'IngressBackend'), 2: m('tls', 'IngressTLS', true), 3: m('rules', 'IngressRule', true), 4: s('ingressClassName', {pointer: true})},
	IngressBackend: {3: m('resource', 'TypedLocalObjectReference'), 4: m('service', 'IngressServiceBackend')},
	TypedLocalObjectReference: {1: s('apiGroup', {pointer: true}), 2: s('kind'), 3: s('name')},
	IngressServiceBackend: {1: s('name'), 2: m('port', 'ServiceBackendPort')},
	ServiceBackendPort: {1: s('name'), 2: i('number')},
	IngressTLS: {1: s('hosts', {repeated: true}), 2: s('secretName')},
	IngressRule: {1: s('host'), 2: {name: 'ingressRuleValue', type: 'message', message: 'IngressRuleValue', inline: true}},
	IngressRuleValue: {1: m('http', 'HTTPIngressRuleValue')},
	HTTPIngressRuleValue: {1: m('paths', 'HTTPIngressPath', true)},
	HTTPIngressPath: {1: s('path'), 2: m('backend', 'IngressBackend'), 3: s('pathType', {pointer: true})},
	// rbac.authorization.k8s.io/v1 (kubectl create role|clusterrole|rolebinding|clusterrolebinding).
	Role: {1: m('metadata', 'ObjectMeta'), 2: m('rules', 'PolicyRule', true)},
	ClusterRole: {1: m('metadata', 'ObjectMeta'), 2: m('rules', 'PolicyRule', true), 3: m('aggregationRule', 'AggregationRule')},
	PolicyRule: {1: s('verbs', {repeated: true}), 2: s('apiGroups', {repeated: true}), 3: s('resources', {repeated: true}), 4: s('resourceNames', {repeated: true}), 5: s('nonResourceURLs', {repeated: true})},
	AggregationRule: {1: m('clusterRoleSelectors', 'LabelSelector', true)},
	RoleBinding: {1: m('metadata', 'ObjectMeta'), 2: m('subjects', 'Subject', true), 3: m('roleRef', 'RoleRef')},
	Subject: {1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace')},
	RoleRef: {1: s('apiGroup'), 2: s('kind'), 3: s('name')},
	// authorization.k8s.io/v1 (kubectl auth can-i).
	SelfSubjectAccessReview: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'SelfSubjectAccessReviewSpec'), 3: skip('status')},
	SelfSubjectAccessReviewSpec: {1: m('resourceAttributes', 'ResourceAttributes'), 2: m('nonResourceAttributes', 'NonResourceAttributes')},
	ResourceAttributes: {1: s('namespace'), 2: s('verb'), 3: s('group'), 4: s('version'), 5: s('resource'), 6: s('subresource'), 7: s('name'), 8: skip('fieldSelector'), 9: skip('labelSelector')},
	NonResourceAttributes: {1: s('path'), 2: s('verb')},
	SelfSubjectRulesReview: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'SelfSubjectRulesReviewSpec'), 3: skip('status')},
	SelfSubjectRulesReviewSpec: {1: s('namespace')},
	SelfSubjectReview: {1: m('metadata', 'ObjectMeta'), 2: skip('status')},
};

/** Kinds whose protobuf bodies are read, by `group/version/Kind`. */
const roots: Record<string, string> = {
	'autoscaling/v1/HorizontalPodAutoscaler': 'HorizontalPodAutoscalerV1', 'networking.k8s.io/v1/Ingress': 'Ingress',
	'apps/v1/Deployment': 'Deployment', 'batch/v1/Job': 'Job', 'v1/Service': 'Service', 'v1/ConfigMap': 'ConfigMap', 'v1/Secret': 'Secret', 'v1/Namespace': 'Namespace',
	'v1/ResourceQuota': 'ResourceQuota', 'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
	'rbac.authorization.k8s.io/v1/Role': 'Role', 'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
	'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'RoleBinding',
	'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview', 'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
	'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
};

class Reader {
	offset = 0;
	constructor(readonly bytes: Buffer) {}
	done(): boolean {
		return this.offset >= this.bytes.length;
	}
	varint(): bigint {
		let result = 0n;
		let shift = 0n;
		for (;;) {
			if (this.offset >= this.bytes.length) throw malformed('truncated varint');
			const byte = this.bytes[this.offset++]!;
			result |= BigInt(byte & 0x7f) << shift;
			if ((byte & 0x80) === 0) return result;
			shift += 7n;
			if (shift > 70n) throw malformed('varint too long');
		}
	}
	chunk(): Buffer {
		const length = Number(this.varint());
		if (this.offset + length > this.bytes.length) throw malformed('truncated field');
		const out = this.bytes.subarray(this.offset, this.offset + length);
		this.offset += length;
		return out;
	}
}

function malformed(detail: string): ApiError {
	return new ApiError(400, 'BadRequest', `the protobuf body could not be read: ${detail}`);
}

function unsupported(message: string, field: number): ApiError {
	return new ApiError(415, 'UnsupportedMediaType', `this server cannot read field ${field} of ${message} in a protobuf body yet; send the object as JSON or YAML (kubectl create -f)`);
}

function toInt(value: bigint): number {
	return Number(BigInt.asIntN(64, value));
}

type Raw = {wire: number; value: bigint | Buffer};

function fields(bytes: Buffer): Array<[number, Raw]> {
	const reader = new Reader(bytes);
	const out: Array<[number, Raw]> = [];
	while (!reader.done()) {
		const tag = Number(reader.varint());
		const number = tag >> 3;
		const wire = tag & 7;
		if (wire === 0) out.push([number, {wire, value: reader.varint()}]);
		else if (wire === 2) out.push([number, {wire, value: reader.chunk()}]);
		else if (wire === 1 || wire === 5) {
			reader.offset += wire === 1 ? 8 : 4;
			out.push([number, {wire, value: 1n}]);
		} else throw malformed(`wire type ${wire}`);
	}
	return out;
}

function isEmpty(raw: Raw): boolean {
	return raw.wire === 0 ? raw.value === 0n : raw.wire === 2 ? (raw.value as Buffer).length === 0 : false;
}

function decodeMessage(name: string, bytes: Buffer): Record<string, unknown> {
	const schema = schemas[name]!;
	const out: Record<string, unknown> = {};
	for (const [number, raw] of fields(bytes)) {
		const field = schema[number];
		if (!field) {
			if (isEmpty(raw)) continue;
			throw unsupported(name, number);
		}
		const value = decodeValue(name, number, field, raw);
		if (value === undefined) continue;
		if (field.type === 'message' && field.inline) {
			Object.assign(out, value);
		} else if (field.type === 'map') {
			const [key, item] = value as [string, unknown];
			out[field.name] = {...(out[field.name] as object ?? {}), [key]: item};
		} else if ('repeated' in field && field.repeated) {
			out[field.name] = [...(out[field.name] as unknown[] ?? []), value];
		} else {
			out[field.name] = value;
		}
	}
	return out;
}

function bytesOf(message: string, number: number, raw: Raw): Buffer {
	if (raw.wire !== 2) throw malformed(`field ${number} of ${message} has the wrong wire type`);
	return raw.value as Buffer;
}

function numberOf(message: string, number: number, raw: Raw): bigint {
	if (raw.wire !== 0) throw malformed(`field ${number} of ${message} has the wrong wire type`);
	return raw.value as bigint;
}

function decodeValue(message: string, number: number, field: Field, raw: Raw): unknown {
	const pointer = 'pointer' in field && field.pointer;
	const repeated = 'repeated' in field && field.repeated;
	switch (field.type) {
		case 'skip': return undefined;
		case 'string': {
			const text = bytesOf(message, number, raw).toString('utf8');
			return text === '' && !pointer && !repeated ? undefined : text;
		}
		case 'bytes': return bytesOf(message, number, raw);
		case 'int': {
			const value = toInt(numberOf(message, number, raw));
			return value === 0 && !pointer ? undefined : value;
		}
		case 'bool': {
			const value = numberOf(message, number, raw) !== 0n;
			return !value && !pointer ? undefined : value;
		}
		case 'time': {
			const time = fields(bytesOf(message, number, raw));
			const seconds = time.find(([n]) => n === 1)?.[1];
			if (!seconds || seconds.value === 0n) return undefined;
			return new Date(Number(seconds.value) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		}
		case 'quantity': {
			const text = fields(bytesOf(message, number, raw)).find(([n]) => n === 1)?.[1];
			return text ? (text.value as Buffer).toString('utf8') : undefined;
		}
		case 'intOrString': {
			const parts = new Map(fields(bytesOf(message, number, raw)));
			const type = parts.get(1)?.value ?? 0n;
			if (type === 1n) return (parts.get(3)?.value as Buffer | undefined)?.toString('utf8') ?? '';
			return toInt((parts.get(2)?.value as bigint | undefined) ?? 0n);
		}
		case 'message': {
			const value = decodeMessage(field.message, bytesOf(message, number, raw));
			return Object.keys(value).length === 0 && !repeated ? undefined : value;
		}
		case 'map': {
			const entry = new Map(fields(bytesOf(message, number, raw)));
			const key = (entry.get(1)?.value as Buffer | undefined)?.toString('utf8') ?? '';
			const item = entry.get(2)?.value as Buffer | undefined ?? Buffer.alloc(0);
			if (field.value === 'bytes') return [key, item.toString('base64')];
			if (field.value === 'quantity') return [key, (new Map(fields(item)).get(1)?.value as Buffer | undefined)?.toString('utf8') ?? ''];
			return [key, item.toString('utf8')];
		}
	}
}

/** A `k8s\0`-framed protobuf body as the Kubernetes JSON object it encodes. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
	if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw malformed('the body does not start with the k8s\\0 magic');
	const unknown = decodeMessage('Unknown', body.subarray(4));
	const typeMeta = (unknown['typeMeta'] ?? {}) as {apiVersion?: string; kind?: string};
	const root = roots[`${typeMeta.apiVersion}/${typeMeta.kind}`];
	if (!root) {
		throw new ApiError(415, 'UnsupportedMediaType', `this server cannot read a ${typeMeta.kind ?? 'object'} in a protobuf body yet; send it as JSON or YAML (kubectl create -f)`);
	}
	const raw = unknown['raw'];
	if (!Buffer.isBuffer(raw)) throw malformed('the envelope holds no object');
	return {apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decodeMessage(root, raw)};
}
