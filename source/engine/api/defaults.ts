import type {Container, KubeObject, PodSpec} from './types.js';

/**
 * Defaulting as the API server applies it on create and update
 * (`pkg/apis/<group>/v1/defaults.go`). Each function returns a new object.
 * Other parts of the engine register defaulters for their kinds here.
 */
export type Defaulter = (object: KubeObject) => KubeObject;

export const defaulters = new Map<string, Defaulter>();

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

export function defaultContainer(container: Container): Container {
	return {
		terminationMessagePath: '/dev/termination-log',
		terminationMessagePolicy: 'File',
		imagePullPolicy: defaultPullPolicy(container.image ?? ''),
		resources: {},
		...container,
		ports: container.ports?.map(port => ({protocol: 'TCP', ...port})),
	};
}

/**
 * SetDefaults_PodSpec and friends. No service account: the ServiceAccount
 * admission plugin names `default` on pods only (service-account.ts), so a
 * workload's template keeps what its author wrote.
 */
export function defaultPodSpec(spec: PodSpec): PodSpec {
	if (!Array.isArray(spec.containers)) return spec;
	const defaulted: PodSpec = {
		restartPolicy: 'Always',
		terminationGracePeriodSeconds: 30,
		dnsPolicy: 'ClusterFirst',
		schedulerName: 'default-scheduler',
		securityContext: {},
		enableServiceLinks: true,
		...spec,
		containers: (spec.containers ?? []).map(defaultContainer),
	};
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
 * list, as stored objects are never changed in place.
 */
export const defaultNoExecuteTolerations = Object.freeze([
	Object.freeze({key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300}),
	Object.freeze({key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300}),
] as const);

defaulters.set('Pod', object => {
	// A pod without a spec is left for validation to refuse (spec.containers: Required value).
	if (typeof object.spec !== 'object' || object.spec === null) return object;
	const spec = defaultPodSpec(object.spec as PodSpec);
	const tolerations = [...(spec.tolerations ?? [])];
	for (const toleration of defaultNoExecuteTolerations) {
		if (!tolerations.some(t => t.key === toleration.key && (t.effect === 'NoExecute' || !t.effect))) {
			tolerations.push(toleration);
		}
	}
	spec.tolerations = tolerations;
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

defaulters.set('Deployment', object => {
	const spec = object.spec ?? {};
	const strategy = spec.strategy?.type === 'Recreate'
		? {type: 'Recreate'}
		: {
			type: 'RollingUpdate',
			rollingUpdate: {maxUnavailable: '25%', maxSurge: '25%', ...spec.strategy?.rollingUpdate},
		};
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
