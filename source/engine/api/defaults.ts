import type {Container, KubeObject, PodSpec, Probe, ResourceRequirements, Toleration, Volume} from './types.js';

/**
 * Defaulting as the API server applies it on create and update
 * (`pkg/apis/<group>/v1/defaults.go`). Each function returns a new object.
 * Other parts of the engine register defaulters for their kinds here.
 */
export type Defaulter = (object: KubeObject) => KubeObject;

export const defaulters = new Map<string, Defaulter>();

/**
 * A kind's strategy for a write of the object itself (the registry's
 * `PrepareForCreate` and `PrepareForUpdate`): what the API server sets or
 * keeps whatever the writer sent, before validation. `existing` is the
 * stored object an update replaces; `requestor` is who writes.
 */
export type WriteStrategy = (object: KubeObject, existing: KubeObject | undefined, requestor: {user: string; groups: readonly string[]}) => KubeObject;

export const writeStrategies = new Map<string, WriteStrategy>();

export function applyDefaults(object: KubeObject): KubeObject {
	const defaulter = defaulters.get(object.kind);
	return defaulter ? defaulter(object) : object;
}

/** `IfNotPresent`, or `Always` when the tag is `latest` or missing. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
	if (image.includes('@')) return 'IfNotPresent';
	const lastSegment = image.slice(image.lastIndexOf('/') + 1);
	const colon = lastSegment.indexOf(':');
	const tag = colon < 0 ? 'latest' : lastSegment.slice(colon + 1);
	return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * SetDefaults_Probe and SetDefaults_HTTPGetAction: a zero timeout, period or
 * threshold takes its default, an HTTP check `/` over HTTP. The same probe
 * when it is already defaulted (a pod made from a defaulted template).
 */
export function defaultProbe(probe: Probe | undefined): Probe | undefined {
	if (typeof probe !== 'object' || probe === null) return probe;
	const get = probe.httpGet;
	const httpGet = typeof get === 'object' && get !== null && (!get.path || !get.scheme) ? {...get, path: get.path || '/', scheme: get.scheme || 'HTTP'} : get;
	if (probe.timeoutSeconds && probe.periodSeconds && probe.successThreshold && probe.failureThreshold && httpGet === get) return probe;
	return {
		...probe,
		...(httpGet ? {httpGet} : {}),
		timeoutSeconds: probe.timeoutSeconds || 1,
		periodSeconds: probe.periodSeconds || 10,
		successThreshold: probe.successThreshold || 1,
		failureThreshold: probe.failureThreshold || 3,
	};
}

export function defaultContainer(container: Container): Container {
	const pullPolicy = defaultPullPolicy(container.image ?? '');
	const defaulted: Container = {
		terminationMessagePath: '/dev/termination-log',
		terminationMessagePolicy: 'File',
		imagePullPolicy: pullPolicy,
		resources: {},
		...container,
		ports: container.ports?.map(port => ({protocol: 'TCP', ...port, ...(port?.protocol === '' ? {protocol: 'TCP'} : {})})),
	};
	// An empty text is no value (Go's zero string): it takes the default as a missing one does, in the default's place.
	defaulted.terminationMessagePath ||= '/dev/termination-log';
	defaulted.terminationMessagePolicy ||= 'File';
	defaulted.imagePullPolicy ||= pullPolicy;
	for (const field of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
		if (defaulted[field] !== undefined) defaulted[field] = defaultProbe(defaulted[field]);
	}
	return defaulted;
}

/** A downward API item's fieldRef names its API version (SetDefaults_ObjectFieldSelector). */
function defaultFieldRefs<T extends {items?: Array<{fieldRef?: {apiVersion?: string; fieldPath: string}}>}>(source: T): T {
	if (!Array.isArray(source.items) || source.items.every(item => !item?.fieldRef || item.fieldRef.apiVersion)) return source;
	return {...source, items: source.items.map(item => (item?.fieldRef && !item.fieldRef.apiVersion ? {...item, fieldRef: {apiVersion: 'v1', ...item.fieldRef}} : item))};
}

/**
 * SetDefaults_Volume and the volume sources' defaults: a volume with no
 * source is an emptyDir; ConfigMap, Secret, downward API and projected
 * files are mode 0644 (420) unless given; a projected token lives an hour;
 * a hostPath's type is the empty string (no check).
 */
export function defaultVolume(volume: Volume): Volume {
	if (typeof volume !== 'object' || volume === null) return volume;
	const keys = Object.keys(volume);
	if (keys.length === 1 && keys[0] === 'name') return {...volume, emptyDir: {}};
	const given = volume as Record<string, any>;
	const changed: Record<string, unknown> = {};
	const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null;
	const withMode = (source: Record<string, any>) => (source['defaultMode'] === undefined ? {...source, defaultMode: 420} : source);
	for (const key of ['configMap', 'secret'] as const) {
		if (isObject(given[key]) && given[key]['defaultMode'] === undefined) changed[key] = withMode(given[key]);
	}
	if (isObject(given['downwardAPI'])) {
		const downward = defaultFieldRefs(withMode(given['downwardAPI']));
		if (downward !== given['downwardAPI']) changed['downwardAPI'] = downward;
	}
	if (isObject(given['projected'])) {
		const projected = given['projected'];
		const sources = Array.isArray(projected['sources']) ? projected['sources'].map((source: unknown) => {
			if (!isObject(source)) return source;
			let next = source;
			const token = source['serviceAccountToken'];
			if (isObject(token) && token['expirationSeconds'] === undefined) next = {...next, serviceAccountToken: {...token, expirationSeconds: 3600}};
			if (isObject(source['downwardAPI'])) {
				const downward = defaultFieldRefs(source['downwardAPI']);
				if (downward !== source['downwardAPI']) next = {...next, downwardAPI: downward};
			}
			return next;
		}) : undefined;
		const sourcesChanged = sources !== undefined && sources.some((source: unknown, i: number) => source !== projected['sources'][i]);
		if (projected['defaultMode'] === undefined || sourcesChanged) {
			changed['projected'] = {...projected, ...(sourcesChanged ? {sources} : {}), defaultMode: projected['defaultMode'] ?? 420};
		}
	}
	if (isObject(given['hostPath']) && given['hostPath']['type'] === undefined) changed['hostPath'] = {...given['hostPath'], type: ''};
	return Object.keys(changed).length === 0 ? volume : {...volume, ...changed} as Volume;
}

/**
 * SetDefaults_PodSpec and friends, for pods and pod templates alike. No
 * service account: the ServiceAccount admission plugin names `default` on
 * pods only (service-account.ts), so a workload's template keeps what its
 * author wrote; nor enableServiceLinks, which SetDefaults_Pod sets on pods.
 */
export function defaultPodSpec(spec: PodSpec): PodSpec {
	if (!Array.isArray(spec.containers)) return spec;
	const defaulted: PodSpec = {
		restartPolicy: 'Always',
		terminationGracePeriodSeconds: 30,
		dnsPolicy: 'ClusterFirst',
		schedulerName: 'default-scheduler',
		securityContext: {},
		...spec,
		containers: (spec.containers ?? []).map(defaultContainer),
	};
	// An empty text takes the default, in the default's place.
	defaulted.restartPolicy ||= 'Always';
	defaulted.dnsPolicy ||= 'ClusterFirst';
	defaulted.schedulerName ||= 'default-scheduler';
	if (Array.isArray(spec.volumes)) {
		const volumes = spec.volumes.map(defaultVolume);
		if (volumes.some((volume, i) => volume !== spec.volumes![i])) defaulted.volumes = volumes;
	}
	aliasServiceAccount(defaulted);
	if (spec.initContainers) defaulted.initContainers = spec.initContainers.map(defaultContainer);
	for (const container of [...defaulted.containers, ...(defaulted.initContainers ?? [])]) {
		if (!container.ports) delete container.ports;
	}
	return defaulted;
}

/**
 * `serviceAccount` is the deprecated alias of `serviceAccountName`
 * (pkg/apis/core/v1/conversion.go): read as the name when the name is
 * empty, and written back equal to the name, so a stored v1 pod spec has
 * both or neither. Sets them on `spec` in place (a spec being built).
 */
export function aliasServiceAccount(spec: PodSpec): void {
	const name = spec.serviceAccountName || spec.serviceAccount;
	if (name) {
		spec.serviceAccountName = name;
		spec.serviceAccount = name;
	} else {
		delete spec.serviceAccountName;
		delete spec.serviceAccount;
	}
}

/**
 * The toleration every pod gets for not-ready and unreachable nodes
 * (DefaultTolerationSeconds admission): frozen, and shared by every pod's
 * list (the list itself by pods that tolerate nothing else), as stored
 * objects are never changed in place.
 */
export const defaultNoExecuteTolerations = Object.freeze([
	Object.freeze({key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300}),
	Object.freeze({key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300}),
] as const);

/** SetDefaults_Pod: a container's requests default to its limits, resource by resource. */
function requestsFromLimits(container: Container): Container {
	const resources = container.resources as ResourceRequirements | undefined;
	const limits = resources?.limits;
	if (typeof limits !== 'object' || limits === null) return container;
	const requests = resources!.requests ?? {};
	if (Object.keys(limits).every(key => key in requests)) return container;
	return {...container, resources: {...resources, requests: {...limits, ...requests}}};
}

defaulters.set('Pod', object => {
	// A pod without a spec is left for validation to refuse (spec.containers: Required value).
	if (typeof object.spec !== 'object' || object.spec === null) return object;
	const spec = defaultPodSpec(object.spec as PodSpec);
	if (Array.isArray(spec.containers)) {
		// SetDefaults_Pod: on pods only, never on templates.
		spec.enableServiceLinks ??= true;
		spec.containers = spec.containers.map(requestsFromLimits);
		if (spec.initContainers) spec.initContainers = spec.initContainers.map(requestsFromLimits);
	}
	const given = spec.tolerations ?? [];
	// DefaultTolerationSeconds: a toleration of the key, or of every key (no key), for NoExecute or for every effect, is enough.
	const missing = defaultNoExecuteTolerations.filter(toleration => !given.some(t => (t.key === toleration.key || !t.key) && (t.effect === 'NoExecute' || !t.effect)));
	// Most pods tolerate nothing of their own and share the one frozen pair; concat sizes a new array exactly (a spread or push reserves 17 slots).
	spec.tolerations = given.length === 0 ? defaultNoExecuteTolerations as unknown as Toleration[] : given.concat(missing);
	return {...object, spec, status: object.status ?? {phase: 'Pending', qosClass: qosClass(spec)}};
});

/** A pod template with its metadata present and its pod spec defaulted. */
export function defaultTemplate(template: any) {
	return {...template, metadata: template?.metadata ?? {}, spec: defaultPodSpec(template?.spec ?? {containers: []})};
}

defaulters.set('ReplicaSet', object => ({
	...object,
	spec: {replicas: 1, ...object.spec, template: defaultTemplate(object.spec?.template)},
	status: object.status ?? {replicas: 0},
}));

/**
 * SetDefaults_Deployment: no strategy type is RollingUpdate, and a
 * RollingUpdate one gets 25 % each way unless given. Another type is kept as
 * written, with what it holds, for validation to judge (a Recreate strategy
 * with a `rollingUpdate` is refused, not emptied).
 */
defaulters.set('Deployment', object => {
	const spec = object.spec ?? {};
	const written = typeof spec.strategy === 'object' && spec.strategy !== null ? spec.strategy : {};
	// A null rollingUpdate decodes to none, as the API server's nil pointer.
	const {rollingUpdate, ...given} = written;
	const type = given.type || 'RollingUpdate';
	const strategy = type === 'RollingUpdate'
		? {...given, type, rollingUpdate: {maxUnavailable: '25%', maxSurge: '25%', ...rollingUpdate}}
		: {...given, type, ...(rollingUpdate === null || rollingUpdate === undefined ? {} : {rollingUpdate})};
	return {
		...object,
		spec: {
			replicas: 1,
			revisionHistoryLimit: 10,
			progressDeadlineSeconds: 600,
			...spec,
			strategy,
			template: defaultTemplate(spec.template),
		},
		status: object.status ?? {},
	};
});

/** Guaranteed, Burstable or BestEffort, from requests and limits. */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
	const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
	let any = false;
	let guaranteed = true;
	for (const container of containers) {
		const requests = container.resources?.requests ?? {};
		const limits = container.resources?.limits ?? {};
		if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
		for (const resource of ['cpu', 'memory']) {
			const limit = limits[resource];
			const request = requests[resource] ?? limit;
			if (limit === undefined || request !== limit) guaranteed = false;
		}
	}
	if (!any) return 'BestEffort';
	return guaranteed ? 'Guaranteed' : 'Burstable';
}
