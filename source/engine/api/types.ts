/**
 * Resource types with Kubernetes' field names. Objects are plain JSON-safe
 * data; the store never mutates a stored object in place.
 */

export type Labels = Record<string, string>;

export type OwnerReference = {
	apiVersion: string;
	kind: string;
	name: string;
	uid: string;
	controller?: boolean;
	blockOwnerDeletion?: boolean;
};

export type ObjectMeta = {
	name: string;
	generateName?: string;
	namespace?: string;
	uid: string;
	resourceVersion: string;
	generation?: number;
	creationTimestamp: string;
	deletionTimestamp?: string;
	deletionGracePeriodSeconds?: number;
	labels?: Labels;
	annotations?: Record<string, string>;
	ownerReferences?: OwnerReference[];
	finalizers?: string[];
	/** Which field manager set which fields (server-side apply's bookkeeping); kept as the API server writes it. */
	managedFields?: ManagedFieldsEntry[];
};

/** One manager's fields (metadata.managedFields[]), in the FieldsV1 trie format. */
export type ManagedFieldsEntry = {
	manager: string;
	operation: 'Apply' | 'Update';
	apiVersion: string;
	time?: string;
	fieldsType: 'FieldsV1';
	fieldsV1: Record<string, unknown>;
	subresource?: string;
};

/** Any stored object. Kind-specific types narrow `spec` and `status`. */
export type KubeObject<Spec = any, Status = any> = {
	apiVersion: string;
	kind: string;
	metadata: ObjectMeta;
	spec?: Spec;
	status?: Status;
	[extra: string]: unknown;
};

/** What a caller hands to `apply`: metadata may lack server-set fields. */
export type Manifest = {
	apiVersion?: string;
	kind?: string;
	metadata?: Partial<ObjectMeta>;
	[field: string]: unknown;
};

export type LabelSelectorRequirement = {key: string; operator: string; values?: string[]};
export type LabelSelector = {matchLabels?: Labels; matchExpressions?: LabelSelectorRequirement[]};

export type ResourceList = Record<string, string>;
export type ResourceRequirements = {requests?: ResourceList; limits?: ResourceList};

export type EnvVar = {
	name: string;
	value?: string;
	valueFrom?: {
		configMapKeyRef?: {name: string; key: string; optional?: boolean};
		secretKeyRef?: {name: string; key: string; optional?: boolean};
		fieldRef?: {fieldPath: string; apiVersion?: string};
		resourceFieldRef?: {resource: string; containerName?: string};
	};
};

export type EnvFromSource = {
	prefix?: string;
	configMapRef?: {name: string; optional?: boolean};
	secretRef?: {name: string; optional?: boolean};
};

export type Probe = {
	exec?: {command: string[]};
	httpGet?: {path?: string; port: number | string; scheme?: string};
	tcpSocket?: {port: number | string};
	grpc?: {port: number};
	initialDelaySeconds?: number;
	timeoutSeconds?: number;
	periodSeconds?: number;
	successThreshold?: number;
	failureThreshold?: number;
};

export type ContainerPort = {name?: string; containerPort: number; protocol?: string; hostPort?: number};
export type VolumeMount = {name: string; mountPath: string; readOnly?: boolean; subPath?: string};

export type Container = {
	name: string;
	image: string;
	command?: string[];
	args?: string[];
	workingDir?: string;
	/** Keep standard input open (`kubectl run -i`); with `tty`, a terminal. */
	stdin?: boolean;
	stdinOnce?: boolean;
	tty?: boolean;
	ports?: ContainerPort[];
	env?: EnvVar[];
	envFrom?: EnvFromSource[];
	resources?: ResourceRequirements;
	volumeMounts?: VolumeMount[];
	livenessProbe?: Probe;
	readinessProbe?: Probe;
	startupProbe?: Probe;
	imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
	terminationMessagePath?: string;
	terminationMessagePolicy?: string;
	restartPolicy?: 'Always';
};

export type Toleration = {
	key?: string;
	operator?: 'Exists' | 'Equal';
	value?: string;
	effect?: '' | 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
	tolerationSeconds?: number;
};

export type Taint = {key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute'; timeAdded?: string};

export type Volume = {
	name: string;
	emptyDir?: {medium?: string; sizeLimit?: string};
	configMap?: {name: string; optional?: boolean; items?: {key: string; path: string}[]; defaultMode?: number};
	secret?: {secretName: string; optional?: boolean; items?: {key: string; path: string}[]; defaultMode?: number};
	persistentVolumeClaim?: {claimName: string; readOnly?: boolean};
	hostPath?: {path: string; type?: string};
	[other: string]: unknown;
};

/** A container added to a running pod to debug it (`kubectl debug`): no ports, probes, resources or lifecycle. */
export type EphemeralContainer = Container & {
	/** The container whose process namespace it joins (it sees that container's processes). */
	targetContainerName?: string;
};

export type PodSpec = {
	containers: Container[];
	initContainers?: Container[];
	/** Added only through the `ephemeralcontainers` subresource, never removed or changed. */
	ephemeralContainers?: EphemeralContainer[];
	volumes?: Volume[];
	restartPolicy?: 'Always' | 'OnFailure' | 'Never';
	terminationGracePeriodSeconds?: number;
	activeDeadlineSeconds?: number;
	dnsPolicy?: string;
	nodeSelector?: Labels;
	nodeName?: string;
	serviceAccountName?: string;
	/** Deprecated alias of serviceAccountName, kept equal to it (as the v1 conversion writes it). */
	serviceAccount?: string;
	/** false: no service-account token volume (ServiceAccount admission). */
	automountServiceAccountToken?: boolean;
	hostname?: string;
	subdomain?: string;
	schedulerName?: string;
	tolerations?: Toleration[];
	affinity?: unknown;
	priorityClassName?: string;
	/** Set by the Priority admission plugin from the pod's PriorityClass. */
	priority?: number;
	preemptionPolicy?: string;
	enableServiceLinks?: boolean;
	securityContext?: unknown;
	[other: string]: unknown;
};

export type PodTemplateSpec = {metadata?: Partial<ObjectMeta>; spec: PodSpec};

export type Condition = {
	type: string;
	status: 'True' | 'False' | 'Unknown';
	reason?: string;
	message?: string;
	lastTransitionTime?: string;
	lastUpdateTime?: string;
	lastProbeTime?: string | null;
	lastHeartbeatTime?: string;
};

export type ContainerState = {
	waiting?: {reason?: string; message?: string};
	running?: {startedAt: string};
	terminated?: {
		exitCode: number;
		signal?: number;
		reason?: string;
		message?: string;
		startedAt?: string;
		finishedAt?: string;
		containerID?: string;
	};
};

export type ContainerStatus = {
	name: string;
	state: ContainerState;
	lastState: ContainerState;
	ready: boolean;
	started?: boolean;
	restartCount: number;
	image: string;
	imageID: string;
	containerID?: string;
};

export type PodStatus = {
	phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
	conditions?: Condition[];
	message?: string;
	reason?: string;
	hostIP?: string;
	hostIPs?: {ip: string}[];
	podIP?: string;
	podIPs?: {ip: string}[];
	startTime?: string;
	/** The node the scheduler preempted pods on for this pod, where it is expected to run (`status.nominatedNodeName`). */
	nominatedNodeName?: string;
	containerStatuses?: ContainerStatus[];
	initContainerStatuses?: ContainerStatus[];
	ephemeralContainerStatuses?: ContainerStatus[];
	qosClass?: 'Guaranteed' | 'Burstable' | 'BestEffort';
};

export type Pod = KubeObject<PodSpec, PodStatus>;

export type ReplicaSetSpec = {
	replicas: number;
	minReadySeconds?: number;
	selector: LabelSelector;
	template: PodTemplateSpec;
};
export type ReplicaSetStatus = {
	replicas: number;
	fullyLabeledReplicas?: number;
	readyReplicas?: number;
	availableReplicas?: number;
	observedGeneration?: number;
	conditions?: Condition[];
};
export type ReplicaSet = KubeObject<ReplicaSetSpec, ReplicaSetStatus>;

export type IntOrString = number | string;
export type DeploymentStrategy = {
	type: 'RollingUpdate' | 'Recreate';
	rollingUpdate?: {maxSurge?: IntOrString; maxUnavailable?: IntOrString};
};
export type DeploymentSpec = {
	replicas: number;
	selector: LabelSelector;
	template: PodTemplateSpec;
	strategy: DeploymentStrategy;
	minReadySeconds?: number;
	revisionHistoryLimit?: number;
	paused?: boolean;
	progressDeadlineSeconds?: number;
};
export type DeploymentStatus = {
	observedGeneration?: number;
	replicas?: number;
	updatedReplicas?: number;
	readyReplicas?: number;
	availableReplicas?: number;
	unavailableReplicas?: number;
	conditions?: Condition[];
	collisionCount?: number;
};
export type Deployment = KubeObject<DeploymentSpec, DeploymentStatus>;

export type NodeSpec = {
	podCIDR?: string;
	podCIDRs?: string[];
	providerID?: string;
	unschedulable?: boolean;
	taints?: Taint[];
};
export type NodeStatus = {
	capacity: ResourceList;
	allocatable: ResourceList;
	conditions: Condition[];
	addresses: {type: string; address: string}[];
	nodeInfo: Record<string, string>;
	images?: {names: string[]; sizeBytes: number}[];
	phase?: string;
};
export type Node = KubeObject<NodeSpec, NodeStatus>;

export type ObjectReference = {
	kind: string;
	namespace?: string;
	name: string;
	uid?: string;
	apiVersion?: string;
	resourceVersion?: string;
	fieldPath?: string;
};

/** core/v1 Event, as `kubectl get events` reads it. */
export type KubeEvent = KubeObject & {
	involvedObject: ObjectReference;
	reason: string;
	message: string;
	type: 'Normal' | 'Warning';
	source: {component: string; host?: string};
	firstTimestamp: string;
	lastTimestamp: string;
	count: number;
	reportingComponent?: string;
	reportingInstance?: string;
};

/** Watch event delivered to `cluster.watch` listeners. */
export type WatchEvent = {
	type: 'ADDED' | 'MODIFIED' | 'DELETED';
	object: KubeObject;
	/** MODIFIED: the object as it was before the change. */
	old?: KubeObject;
};
