/**
 * The services parts of the engine offer each other, one typed field each.
 * A part registers its service when it is created (the kubelets, the
 * scheduler, the storage controllers) or on first use (indexes shared by
 * several controllers); a test or scenario may set the configuration fields.
 * Only types are imported here, so this file adds no runtime dependency.
 */
import type {KubeObject} from './api/types.js';
import type {RuntimeFactory} from './runtime/cri.js';
import type {VolumeProvider} from './runtime/filetree.js';
import type {KubeletService} from './node/kubelet.js';
import type {HeartbeatService} from './node/heartbeat.js';
import type {PodsByNode} from './controllers/node-lifecycle.js';
import type {NodeInfo} from './controllers/scheduler.js';
import type {TrafficService} from './network/traffic.js';
import type {ClaimUsers} from './storage/claims.js';
import type {VolumeDataService} from './storage/volume-data.js';
import type {VolumeIndex} from './storage/pv-controller.js';
import type {VolumeManager} from './storage/attach-detach.js';
import type {ReplicationService} from './runtime/workloads/database.js';
import type {OrphanIndex} from './controllers/controller-utils.js';
import type {Pod} from './api/types.js';
import type {CertificateAuthority} from './pki/x509.js';
import type {StaticPodService} from './node/static-pods.js';

/** Admission with cluster state for one kind (the API server's admission plugins); throws to refuse. */
/** `batch`: the objects the same apply writes before this one (computed when asked, as most admission never needs them). */
export type Admission = (object: KubeObject, existing: KubeObject | undefined, batch: () => KubeObject[]) => KubeObject;

export type EngineServices = {
	/** Admission by kind: Service IP and port allocation, the default StorageClass of a new claim. */
	admission: Map<string, Admission>;
	/** Images of repositories the simulator does not know fail to pull, as from a real registry, instead of running as generic containers. */
	strictImages?: boolean;
	/** Makes each node's container runtime; the kubelets use the mock runtime when unset. */
	runtimeFactory?: RuntimeFactory;
	/** The kubelets: runtimes, container ids, halting and starting nodes. */
	kubelet?: KubeletService;
	/** Hands Service traffic to a pod's serving container (registered by the kubelets). */
	requestHandler?: (request: {podUid: string; port?: number; count: number}) => void;
	/** Node heartbeats: lease renewals and node status posts. */
	heartbeat?: HeartbeatService;
	/** Pods bound to each node, kept from the watch. */
	podsByNode?: PodsByNode;
	/** The scheduler's view of one node: its pods' requests. */
	schedulerNodeInfo?: (nodeName: string) => NodeInfo | undefined;
	/** `--terminated-pod-gc-threshold` of the pod garbage collector (12,500 when unset). */
	terminatedPodThreshold?: number;
	/** The traffic generator behind `startTraffic`. */
	traffic?: TrafficService;
	/** Pods using each claim. */
	claimUsers?: ClaimUsers;
	/** What each volume holds. */
	volumeData?: VolumeDataService;
	/** Where a container's PersistentVolumeClaim mounts find their data. */
	volumeProvider?: VolumeProvider;
	/** PersistentVolumes open for binding, and by claim. */
	volumeIndex?: VolumeIndex;
	/** What the kubelet asks before starting a pod: are its volumes attached? */
	volumeManager?: VolumeManager;
	/** Nodes each volume is attached to. */
	attachments?: (volume: string) => string[];
	/** Pods without a controller, by namespace: what ReplicaSets, StatefulSets, DaemonSets and Jobs may adopt. */
	orphanPods?: OrphanIndex<Pod>;
	/** Database replication of StatefulSets running mysql or postgres. */
	replication?: ReplicationService;
	/** The kubelets' static pod source: told when a node's manifests folder became reachable. */
	staticPods?: StaticPodService;
	/** The cluster's certificate authority (made at its first use): what the csrsigning controller signs with. */
	certificateAuthority?: () => CertificateAuthority;
};

export function createEngineServices(): EngineServices {
	return {admission: new Map()};
}
