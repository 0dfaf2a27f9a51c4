import type {Controller, ControllerContext} from '../controller.js';
import {createScheduler} from './scheduler.js';
import {createKubelets} from '../node/kubelet.js';
import {createNamespaceController} from './namespace.js';
import {createJobController} from './job.js';
import {createCronJobController} from './cronjob.js';
import {createNodeHeartbeats} from '../node/heartbeat.js';
import {createNodeLifecycleController} from './node-lifecycle.js';
import {createPodGc} from './pod-gc.js';
import {createServiceController} from './service.js';
import {createEndpointsController} from './endpoints.js';

/**
 * Every control loop of the cluster, in the order the work queues drain.
 * Add a controller by adding its factory here.
 */
export const controllerFactories: Array<(context: ControllerContext) => Controller> = [
	createScheduler,
	createKubelets,
	createNamespaceController,
	createJobController,
	createCronJobController,
	createNodeHeartbeats,
	createNodeLifecycleController,
	createPodGc,
	createServiceController,
	createEndpointsController,
];
