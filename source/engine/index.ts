/**
 * kubarium/engine: a simulated Kubernetes cluster that runs in-process on
 * virtual time. See readme.md for the API.
 */
export {createCluster, restoreCluster, Cluster} from './cluster.js';
export type {ClusterOptions} from './cluster-options.js';
export type {ListOptions, DeleteOptions, WatchListener, ControllerError, AdvanceOptions, AdvanceResult, ClusterRestore} from './cluster.js';
export {KubeError} from './errors.js';
export type {ErrorCode, FieldError} from './errors.js';
export {parseLabelSelector, matchesLabels, parseFieldSelector, matchesFields, objectSelector} from './api/selectors.js';
export {resolveResource, resourceTypes, apiVersionOf, qualifiedResource} from './api/registry.js';
export {labelSelectorFromObject, selectorFromMap, selectorToString} from './api/selectors.js';
export type {ResourceType} from './api/registry.js';
export * from './api/types.js';
export {parseQuantity, milliCpu, bytes, formatBytes, formatMilliCpu} from './api/quantity.js';
export {rfc3339, epochMs} from './clock.js';
export {checkKeptStates, keptStatesChecked, LaterState} from './state.js';
export {SaveCache} from './memory.js';
export type {DrainOptions, DrainReport, AddNodeOptions} from './commands/nodes.js';
export {DrainRefused} from './commands/nodes.js';
export {planDrain, type DrainPlan} from './commands/drain-filter.js';
export type {NodeFault} from './node/heartbeat.js';
export type {ExposeOptions} from './commands/expose.js';
export type {AutoscaleOptions} from './commands/autoscale.js';
export type {HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus, HpaCondition} from './api/autoscaling-objects.js';
export type {TrafficOptions, TrafficStats, TrafficSample, StreamOptions} from './network/traffic.js';
export type {Ingress, IngressSpec, IngressBackend, IngressRule, IngressClass, NetworkPolicy, NetworkPolicySpec, NetworkPolicyPeer, NetworkPolicyPort} from './api/networking-objects.js';
export type {Service, ServiceSpec, ServicePort, ConfigMap, Secret} from './api/config-objects.js';
export type {Endpoints, EndpointSlice} from './api/endpoint-objects.js';
export type {
	AccessMode, PersistentVolume, PersistentVolumeSpec, PersistentVolumeClaim, PersistentVolumeClaimSpec, StorageClass,
} from './api/storage-objects.js';
export type {StatefulSet, StatefulSetSpec, StatefulSetStatus} from './api/statefulset-objects.js';
export {accessModeShort} from './api/storage-objects.js';
export {csrConditionText, type CertificateSigningRequest} from './api/certificates-objects.js';
export {newAuthorityKey, requestDetails} from './pki/x509.js';
/** DER, for the API server's own serving certificate. */
export * as der from './pki/der.js';
export type {VolumeDataView} from './storage/inspect.js';
export type {ReplicaStatus} from './runtime/workloads/database.js';
export type {RolloutRevision, RollbackOptions} from './commands/rollout.js';
export type {ContainerTarget, ShellOptions, ExecOptions, LogOptions, SyscallOptions, PodUsage, NodeUsage, ContainerUsage, ScrapeOptions, ForwardedRequest, ForwardedReply} from './runtime/inspect.js';
export type {CriCall, ExecResult, HttpRequest, HttpResponse, LogLine, ShellSession} from './runtime/cri.js';
export type {Syscall, SyscallCategory} from './runtime/syscalls.js';
export {syscallCategories, countByCategory, formatSyscall} from './runtime/syscalls.js';
export {registerExecCommand} from './runtime/commands.js';
export type {ExecContext, ExecHandler, ExecOutput} from './runtime/commands.js';
export {FileTree, MountedFs, FsError} from './runtime/filetree.js';
export type {FileSystem, VolumeProvider} from './runtime/filetree.js';
export type {ResourceQuota, ResourceQuotaSpec, ResourceQuotaStatus, LimitRange, LimitRangeItem, PodDisruptionBudget, PodDisruptionBudgetSpec, PodDisruptionBudgetStatus} from './api/policy-objects.js';
export type {EvictionOptions} from './policy/eviction.js';
export type {EphemeralContainersOptions} from './api/ephemeral-containers.js';
export {budgetViolation} from './policy/eviction.js';
export {parseQuantityExact, formatQuantity} from './api/resource-list.js';
export type {Quantity, QuantityFormat} from './api/resource-list.js';
export type {AccessAttributes, AccessDecision, UserInfo} from './rbac/authorizer.js';
export {forbiddenMessage, userGroups} from './rbac/authorizer.js';
export {breakdownRule, compactRules, compactRuleString} from './rbac/rules.js';
export type {PolicyRule, Subject, RoleRef, Role, ClusterRole, RoleBinding} from './api/rbac-objects.js';
export {adminUser} from './rbac/bootstrap-policy.js';
export {parseColumnPath, readColumnPath, type ColumnPath} from './api/column-path.js';
export {snapshotVersion, SnapshotError, type FromObjectsReason} from './snapshot.js';
export type {ClusterSnapshot, JournalEntry, VolumeSnapshot, SnapshotOptions} from './snapshot.js';
