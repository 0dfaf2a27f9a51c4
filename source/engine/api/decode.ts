import {badRequest} from '../errors.js';
import type {ResourceType} from './registry.js';

/**
 * The API server decodes a manifest into Go structs before it validates
 * anything: a field of the wrong JSON type (a list where an object belongs,
 * a string where a list belongs) is refused with encoding/json's words,
 * `json: cannot unmarshal array into Go struct field
 * Container.spec.template.spec.containers.resources of type
 * v1.ResourceRequirements`, as a BadRequest. This checks the shapes of pod
 * templates and workload specs that way.
 */

/** A Go type as the decoder sees it: its name in errors and what JSON it takes. */
type GoType =
	| {go: string; json: 'string' | 'bool' | 'int' | 'any'}
	| {go: string; json: 'list' | 'map'; of?: GoType}
	| {go: string; json: 'struct'; struct: string; fields: () => Record<string, GoType>};

const string = (go = 'string'): GoType => ({go, json: 'string'});
const bool: GoType = {go: 'bool', json: 'bool'};
const int32: GoType = {go: 'int32', json: 'int'};
const int64: GoType = {go: 'int64', json: 'int'};
const stringList: GoType = {go: '[]string', json: 'list', of: string()};
const stringMap: GoType = {go: 'map[string]string', json: 'map', of: string()};
const listOf = (of: GoType): GoType => ({go: `[]${of.go}`, json: 'list', of});
/** A struct's fields are made when first read (they may refer to types defined after it), then kept. */
const struct = (name: string, fields: () => Record<string, GoType>): GoType => {
	let made: Record<string, GoType> | undefined;
	return {go: `v1.${name}`, json: 'struct', struct: name, fields: () => (made ??= fields())};
};
/** intstr.IntOrString and resource.Quantity take a number or a string; validation judges the value. */
const intOrString: GoType = {go: 'intstr.IntOrString', json: 'any'};
const resourceList: GoType = {go: 'v1.ResourceList', json: 'map', of: {go: 'resource.Quantity', json: 'any'}};

const probe = struct('Probe', () => ({
	initialDelaySeconds: int32, timeoutSeconds: int32, periodSeconds: int32, successThreshold: int32, failureThreshold: int32,
	terminationGracePeriodSeconds: int64,
	exec: struct('ExecAction', () => ({command: stringList})),
	httpGet: struct('HTTPGetAction', () => ({path: string(), port: intOrString, host: string(), scheme: string('v1.URIScheme')})),
	tcpSocket: struct('TCPSocketAction', () => ({port: intOrString, host: string()})),
}));

const container = struct('Container', () => ({
	name: string(),
	image: string(),
	command: stringList,
	args: stringList,
	workingDir: string(),
	ports: listOf(struct('ContainerPort', () => ({name: string(), hostPort: int32, containerPort: int32, protocol: string('v1.Protocol'), hostIP: string()}))),
	envFrom: listOf(struct('EnvFromSource', () => ({prefix: string()}))),
	env: listOf(struct('EnvVar', () => ({name: string(), value: string(), valueFrom: struct('EnvVarSource', () => ({}))}))),
	resources: struct('ResourceRequirements', () => ({limits: resourceList, requests: resourceList})),
	volumeMounts: listOf(struct('VolumeMount', () => ({name: string(), readOnly: bool, mountPath: string(), subPath: string()}))),
	livenessProbe: probe,
	readinessProbe: probe,
	startupProbe: probe,
	imagePullPolicy: string('v1.PullPolicy'),
	stdin: bool,
	tty: bool,
}));

const keyToPath = listOf(struct('KeyToPath', () => ({key: string(), path: string(), mode: int32})));
const downwardItems = listOf(struct('DownwardAPIVolumeFile', () => ({path: string(), mode: int32})));

const volume = struct('Volume', () => ({
	name: string(),
	configMap: struct('ConfigMapVolumeSource', () => ({name: string(), items: keyToPath, defaultMode: int32, optional: bool})),
	secret: struct('SecretVolumeSource', () => ({secretName: string(), items: keyToPath, defaultMode: int32, optional: bool})),
	persistentVolumeClaim: struct('PersistentVolumeClaimVolumeSource', () => ({claimName: string(), readOnly: bool})),
	emptyDir: struct('EmptyDirVolumeSource', () => ({medium: string('v1.StorageMedium'), sizeLimit: {go: 'resource.Quantity', json: 'any'}})),
	hostPath: struct('HostPathVolumeSource', () => ({path: string(), type: string('v1.HostPathType')})),
	downwardAPI: struct('DownwardAPIVolumeSource', () => ({items: downwardItems, defaultMode: int32})),
	projected: struct('ProjectedVolumeSource', () => ({
		defaultMode: int32,
		sources: listOf(struct('VolumeProjection', () => ({
			configMap: struct('ConfigMapProjection', () => ({name: string(), items: keyToPath, optional: bool})),
			secret: struct('SecretProjection', () => ({name: string(), items: keyToPath, optional: bool})),
			downwardAPI: struct('DownwardAPIProjection', () => ({items: downwardItems})),
			serviceAccountToken: struct('ServiceAccountTokenProjection', () => ({audience: string(), expirationSeconds: int64, path: string()})),
		}))),
	})),
}));

/** An ephemeral container decodes as a container, with the container it targets. */
const ephemeralContainer = struct('EphemeralContainer', () => ({...container.json === 'struct' ? container.fields() : {}, targetContainerName: string()}));

const podSpec = struct('PodSpec', () => ({
	volumes: listOf(volume),
	initContainers: listOf(container),
	containers: listOf(container),
	ephemeralContainers: listOf(ephemeralContainer),
	restartPolicy: string('v1.RestartPolicy'),
	terminationGracePeriodSeconds: int64,
	activeDeadlineSeconds: int64,
	dnsPolicy: string('v1.DNSPolicy'),
	nodeSelector: stringMap,
	serviceAccountName: string(),
	serviceAccount: string(),
	automountServiceAccountToken: bool,
	nodeName: string(),
	hostNetwork: bool,
	hostname: string(),
	subdomain: string(),
	schedulerName: string(),
	tolerations: listOf(struct('Toleration', () => ({key: string(), operator: string('v1.TolerationOperator'), value: string(), effect: string('v1.TaintEffect'), tolerationSeconds: int64}))),
	priorityClassName: string(),
	priority: int32,
	preemptionPolicy: string('v1.PreemptionPolicy'),
}));

const objectMeta = struct('ObjectMeta', () => ({
	name: string(), generateName: string(), namespace: string(), uid: string('types.UID'), resourceVersion: string(), generation: int64,
	labels: stringMap, annotations: stringMap, finalizers: stringList,
	ownerReferences: listOf(struct('OwnerReference', () => ({apiVersion: string(), kind: string(), name: string(), uid: string('types.UID'), controller: bool, blockOwnerDeletion: bool}))),
}));

const template = struct('PodTemplateSpec', () => ({metadata: objectMeta, spec: podSpec}));

/** A pod's status: its texts and addresses (what the endpoints, the scheduler's view and the dashboard read of it). */
const podStatus = struct('PodStatus', () => ({
	phase: string('v1.PodPhase'), message: string(), reason: string(), nominatedNodeName: string(), qosClass: string('v1.PodQOSClass'),
	hostIP: string(), hostIPs: listOf(struct('HostIP', () => ({ip: string()}))),
	podIP: string(), podIPs: listOf(struct('PodIP', () => ({ip: string()}))),
}));

function workload(kind: string, fields: Record<string, GoType>): GoType {
	return struct(kind, () => ({spec: struct(`${kind}Spec`, () => ({template, minReadySeconds: int32, revisionHistoryLimit: int32, ...fields}))}));
}

const jobSpec = struct('JobSpec', () => ({
	template, parallelism: int32, completions: int32, activeDeadlineSeconds: int64, backoffLimit: int32, ttlSecondsAfterFinished: int32, suspend: bool,
	backoffLimitPerIndex: int32, maxFailedIndexes: int32,
}));

const labelSelector = struct('LabelSelector', () => ({
	matchLabels: stringMap,
	matchExpressions: listOf(struct('LabelSelectorRequirement', () => ({key: string(), operator: string('v1.LabelSelectorOperator'), values: stringList}))),
}));

/** The kinds whose manifests are shape-checked, by Kind. */
const roots: Record<string, GoType> = {
	Pod: struct('Pod', () => ({spec: podSpec, status: podStatus})),
	Deployment: workload('Deployment', {replicas: int32, paused: bool, progressDeadlineSeconds: int32}),
	ReplicaSet: workload('ReplicaSet', {replicas: int32}),
	StatefulSet: workload('StatefulSet', {replicas: int32, serviceName: string()}),
	DaemonSet: workload('DaemonSet', {}),
	Job: struct('Job', () => ({spec: jobSpec})),
	CronJob: struct('CronJob', () => ({spec: struct('CronJobSpec', () => ({
		schedule: string(), suspend: bool, successfulJobsHistoryLimit: int32, failedJobsHistoryLimit: int32,
		jobTemplate: struct('JobTemplateSpec', () => ({spec: jobSpec})),
	}))})),
	ResourceQuota: struct('ResourceQuota', () => ({spec: struct('ResourceQuotaSpec', () => ({
		hard: resourceList,
		scopes: listOf(string('v1.ResourceQuotaScope')),
		scopeSelector: struct('ScopeSelector', () => ({matchExpressions: listOf(struct('ScopedResourceSelectorRequirement', () => ({
			scopeName: string('v1.ResourceQuotaScope'), operator: string('v1.ScopeSelectorOperator'), values: stringList,
		})))})),
	}))})),
	LimitRange: struct('LimitRange', () => ({spec: struct('LimitRangeSpec', () => ({limits: listOf(struct('LimitRangeItem', () => ({
		type: string('v1.LimitType'), max: resourceList, min: resourceList, default: resourceList, defaultRequest: resourceList, maxLimitRequestRatio: resourceList,
	})))}))})),
	PriorityClass: struct('PriorityClass', () => ({value: int32, globalDefault: bool, description: string(), preemptionPolicy: string('v1.PreemptionPolicy')})),
	PodDisruptionBudget: struct('PodDisruptionBudget', () => ({spec: struct('PodDisruptionBudgetSpec', () => ({
		minAvailable: intOrString, maxUnavailable: intOrString, selector: labelSelector, unhealthyPodEvictionPolicy: string('v1.UnhealthyPodEvictionPolicyType'),
	}))})),
};

/** How encoding/json names a JSON value in its errors. */
function jsonKind(value: unknown): string {
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return 'number';
	if (typeof value === 'string') return 'string';
	return 'object';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first error among an object's `keys`, which the decoder meets in sorted order: checked as they come, and sorted only when one is wrong. */
function firstError(keys: string[], at: (key: string) => string | undefined): string | undefined {
	if (!keys.some(key => at(key) !== undefined)) return undefined;
	for (const key of keys.sort()) {
		const error = at(key);
		if (error) return error;
	}
	return undefined;
}

/**
 * The first decoding error in the order the decoder meets fields (kubectl
 * sends JSON with sorted keys), or undefined. `struct` and `field` say where
 * the value sits, as encoding/json's UnmarshalTypeError does.
 */
function check(value: unknown, type: GoType, struct: string, field: string): string | undefined {
	if (value === null || value === undefined) return undefined;
	const refuse = (what = jsonKind(value)) => `json: cannot unmarshal ${what} into Go struct field ${struct}.${field} of type ${type.go}`;
	switch (type.json) {
		case 'any':
			return undefined;
		case 'string':
			return typeof value === 'string' ? undefined : refuse();
		case 'bool':
			return typeof value === 'boolean' ? undefined : refuse();
		case 'int':
			if (typeof value !== 'number') return refuse();
			return Number.isInteger(value) ? undefined : refuse(`number ${value}`);
		case 'list':
			if (!Array.isArray(value)) return refuse();
			if (!type.of) return undefined;
			for (const item of value) {
				const error = check(item, type.of, struct, field);
				if (error) return error;
			}
			return undefined;
		case 'map':
			if (!isObject(value)) return refuse();
			if (!type.of) return undefined;
			return firstError(Object.keys(value), key => check(value[key], type.of!, struct, field));
		case 'struct': {
			if (!isObject(value)) return refuse();
			const fields = type.fields();
			return firstError(Object.keys(value), key => {
				const inner = fields[key];
				return inner && check(value[key], inner, type.struct, field ? `${field}.${key}` : key);
			});
		}
	}
}

/**
 * Throw the API server's BadRequest when a manifest of a kind with a pod
 * template (or a Pod) has a field of the wrong JSON type.
 */
export function decodeManifest(type: ResourceType, manifest: Record<string, unknown>): void {
	// Every kind's metadata is an ObjectMeta; it comes before `spec` in the decoder's (sorted) order.
	const error = check(manifest['metadata'], objectMeta, type.kind, 'metadata') ?? (roots[type.kind] ? check(manifest, roots[type.kind]!, type.kind, '') : undefined);
	if (error) throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${error}`);
}
