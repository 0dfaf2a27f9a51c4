import type {Controller, ControllerContext} from '../controller.js';
import {createScheduler} from './scheduler.js';
import {createKubelets} from '../node/kubelet.js';
import {createStaticPodSource} from '../node/static-pods.js';
import {createNamespaceController} from './namespace.js';
import {createJobController} from './job.js';
import {createCronJobController} from './cronjob.js';
import {createDaemonSetController} from './daemonset.js';
import {createReplicaSetController} from './replicaset.js';
import {createDeploymentController} from './deployment.js';
import {createGarbageCollector} from './garbage-collector.js';
import {createNodeHeartbeats} from '../node/heartbeat.js';
import {createNodeLifecycleController} from './node-lifecycle.js';
import {createPodGc} from './pod-gc.js';
import {createServiceController} from './service.js';
import {createEndpointsController} from './endpoints.js';
import {createStatefulSetController} from './statefulset.js';
import {createPersistentVolumeController} from '../storage/pv-controller.js';
import {createPvcProtectionController, createPvProtectionController} from '../storage/protection.js';
import {createAttachDetachController} from '../storage/attach-detach.js';
import {createDatabaseReplication} from '../runtime/workloads/database.js';
import {createRootCaPublisher, createServiceAccountsController} from './serviceaccount.js';
import {createResourceQuotaController} from '../policy/quota.js';
import {createDisruptionController} from '../policy/disruption.js';
import {createHorizontalPodAutoscalerController} from './horizontal.js';
import {createIngressNginxController} from '../network/ingress-nginx.js';
import '../api/networking-objects.js';
import {createClusterRoleAggregationController} from './clusterrole-aggregation.js';
import {createCrdController} from './crd.js';
import {createCsrCleaner, createCsrSigningController} from './certificates.js';
import '../api/storage-objects.js';
import '../api/policy-objects.js';
import '../api/statefulset-objects.js';

/**
 * Every control loop of the cluster, in the order the work queues drain.
 * Add a controller by adding its factory here.
 */
export const controllerFactories: Array<(context: ControllerContext) => Controller> = [
	createScheduler,
	createKubelets,
	createStaticPodSource,
	createNamespaceController,
	createServiceAccountsController,
	createRootCaPublisher,
	createJobController,
	createCronJobController,
	createDaemonSetController,
	createReplicaSetController,
	createDeploymentController,
	createGarbageCollector,
	createNodeHeartbeats,
	createNodeLifecycleController,
	createPodGc,
	createServiceController,
	createEndpointsController,
	createStatefulSetController,
	createPersistentVolumeController,
	createPvcProtectionController,
	createPvProtectionController,
	createAttachDetachController,
	createDatabaseReplication,
	createResourceQuotaController,
	createDisruptionController,
	createHorizontalPodAutoscalerController,
	createIngressNginxController,
	createClusterRoleAggregationController,
	createCrdController,
	createCsrSigningController,
	createCsrCleaner,
];
