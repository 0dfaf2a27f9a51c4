/**
 * `kubectl describe` for the dashboard: one describer per kind, in the files
 * beside this one, chosen by kind here.
 */
import type {KubeEvent, KubeObject} from '../../../engine/index.js';
import {Writer, type Describer, type DescribeSource} from './writer.js';
import {describePod} from './pods.js';
import {describeCronJob, describeDaemonSet, describeDeployment, describeJob, describeReplicaSet, describeStatefulSet} from './workloads.js';
import {describeNode} from './nodes.js';
import {describeConfigMap, describeEndpoints, describeSecret, describeService} from './services.js';
import {describeClaim, describeVolume} from './storage.js';
import {describeEvent, describeEvents, describeGeneric, describeNamespace} from './generic.js';
import {describeLimitRange, describePodDisruptionBudget, describeResourceQuota} from './policy.js';
import {describeHorizontalPodAutoscaler, describeIngress, describeIngressClass, describeNetworkPolicy} from './network.js';
import {describeCertificateSigningRequest, describeRole, describeRoleBinding} from './rbac.js';
import {describeUnstructured} from './unstructured.js';
import {resourceTypes} from '../../../engine/index.js';

export type {DescribeSource} from './writer.js';
export {probeText} from './pods.js';

/**
 * `kubectl describe` text for any object, with its events at the end. The
 * common kinds have their own layout; others print their fields as nested
 * `Key: value` lines, as kubectl's generic describer does.
 */
export function describe(object: KubeObject, source: DescribeSource): string {
	const w = new Writer();
	// A kind the engine's registry does not hold is a custom one, which kubectl describes field by field.
	const describer = describers[object.kind] ?? (resourceTypes.some(type => type.kind === object.kind) ? describeGeneric : describeUnstructured);
	describer(w, object, source);
	if (!withoutEvents.has(object.kind)) describeEvents(w, source.eventsFor(object) as KubeEvent[], source.now());
	return w.text();
}

const describers: Record<string, Describer> = {
	Pod: describePod,
	Deployment: describeDeployment,
	ReplicaSet: describeReplicaSet,
	StatefulSet: describeStatefulSet,
	DaemonSet: describeDaemonSet,
	Node: describeNode,
	Service: describeService,
	Endpoints: describeEndpoints,
	ConfigMap: describeConfigMap,
	Secret: describeSecret,
	PersistentVolumeClaim: describeClaim,
	PersistentVolume: describeVolume,
	Job: describeJob,
	CronJob: describeCronJob,
	Namespace: describeNamespace,
	Event: describeEvent,
	ResourceQuota: describeResourceQuota,
	LimitRange: describeLimitRange,
	PodDisruptionBudget: describePodDisruptionBudget,
	HorizontalPodAutoscaler: describeHorizontalPodAutoscaler,
	Ingress: describeIngress,
	IngressClass: describeIngressClass,
	NetworkPolicy: describeNetworkPolicy,
	Role: describeRole,
	ClusterRole: describeRole,
	RoleBinding: describeRoleBinding,
	ClusterRoleBinding: describeRoleBinding,
	CertificateSigningRequest: describeCertificateSigningRequest,
};

/** Kinds whose kubectl describe prints no Events table. */
const withoutEvents = new Set(['Event', 'ResourceQuota', 'LimitRange', 'Namespace', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

