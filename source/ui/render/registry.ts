/** Row renderers by kind. */
import type {ColumnSet} from './columns.js';
import {podColumns} from './pod-columns.js';
import {nodeColumns} from './node-columns.js';
import {deploymentColumns} from './deployment-columns.js';
import {replicaSetColumns} from './replicaset-columns.js';
import {statefulSetColumns} from './statefulset-columns.js';
import {daemonSetColumns} from './daemonset-columns.js';
import {cronJobColumns, jobColumns} from './job-columns.js';
import {endpointsColumns, serviceColumns} from './service-columns.js';
import {configMapColumns, namespaceColumns, secretColumns} from './config-columns.js';
import {persistentVolumeClaimColumns, persistentVolumeColumns, storageClassColumns} from './storage-columns.js';
import {eventColumns} from './event-columns.js';
import {limitRangeColumns, podDisruptionBudgetColumns, resourceQuotaColumns} from './policy-columns.js';
import {hpaColumns, ingressClassColumns, ingressColumns, networkPolicyColumns} from './network-columns.js';
import {certificateSigningRequestColumns, clusterRoleBindingColumns, clusterRoleColumns, crdColumns, namespacedRoleColumns, roleBindingColumns, serviceAccountColumns} from './rbac-columns.js';

export const columnSets: Record<string, ColumnSet> = Object.fromEntries([
	podColumns, nodeColumns, deploymentColumns, replicaSetColumns, statefulSetColumns, daemonSetColumns,
	jobColumns, cronJobColumns, serviceColumns, endpointsColumns, configMapColumns, secretColumns,
	namespaceColumns, persistentVolumeColumns, persistentVolumeClaimColumns, storageClassColumns, eventColumns,
	resourceQuotaColumns, limitRangeColumns, podDisruptionBudgetColumns,
	hpaColumns, ingressColumns, ingressClassColumns, networkPolicyColumns,
	namespacedRoleColumns, clusterRoleColumns, roleBindingColumns, clusterRoleBindingColumns, crdColumns, serviceAccountColumns,
	certificateSigningRequestColumns,
].map(set => [set.kind, set]));

export function columnSetFor(kind: string): ColumnSet | undefined {
	return columnSets[kind];
}
