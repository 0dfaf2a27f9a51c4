import type {ControllerContext} from '../controller.js';
import type {Manifest} from '../api/types.js';
import {resolveResource, qualifiedResource} from '../api/registry.js';
import {alreadyExists, badRequest, notFound} from '../errors.js';

/** `kubectl autoscale` flags. */
export type AutoscaleOptions = {
	/** `--max`: required, at least 1. */
	max: number;
	/** `--min`: unset leaves the server's default of 1. */
	min?: number;
	/** `--cpu-percent`: unset leaves the server's default target of 80 %. */
	cpuPercent?: number;
	/** `--name`: default the resource's name. */
	name?: string;
	namespace?: string;
};

/** Kinds `kubectl autoscale` accepts (`polymorphichelpers/canbeautoscaled.go`). */
const autoscalable = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

/**
 * The HorizontalPodAutoscaler `kubectl autoscale` would create for a
 * resource, with kubectl's own errors; the caller writes it through the API
 * path, so defaulting and validation apply.
 */
export function autoscaleManifest(context: ControllerContext, kind: string, name: string, options: AutoscaleOptions): Manifest {
	const type = resolveResource(kind);
	const max = options?.max;
	const min = options?.min;
	if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) throw badRequest(`--max=MAXPODS is required and must be at least 1, max: ${Number.isInteger(max) ? max : 0}`);
	if (min !== undefined && (!Number.isInteger(min) || max < min)) throw badRequest(`--max=MAXPODS must be larger or equal to --min=MINPODS, max: ${max}, min: ${min}`);
	if (!autoscalable.has(type.kind)) throw badRequest(`cannot autoscale a ${type.kind}: not a scalable resource`);
	const namespace = options.namespace ?? 'default';
	if (!context.store.get(type.kind, namespace, name)) throw notFound(qualifiedResource(type), name);
	const hpaName = options.name ?? name;
	if (context.store.get('HorizontalPodAutoscaler', namespace, hpaName)) throw alreadyExists('horizontalpodautoscalers.autoscaling', hpaName);
	const cpu = options.cpuPercent;
	if (cpu !== undefined && (!Number.isInteger(cpu) || cpu < 1)) throw badRequest(`--cpu-percent must be a positive integer, got ${String(cpu)}`);
	return {
		apiVersion: 'autoscaling/v2',
		kind: 'HorizontalPodAutoscaler',
		metadata: {name: hpaName, namespace},
		spec: {
			scaleTargetRef: {apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, name},
			...(min === undefined ? {} : {minReplicas: min}),
			maxReplicas: max,
			...(cpu === undefined ? {} : {metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: cpu}}}]}),
		},
	};
}
