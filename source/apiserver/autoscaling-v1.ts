/**
 * autoscaling/v1 HorizontalPodAutoscalers: the older version beside the
 * stored autoscaling/v2, which `kubectl autoscale` (1.32) still creates.
 * Objects are converted as the API server converts them
 * (`pkg/apis/autoscaling/v1/conversion.go`): targetCPUUtilizationPercentage
 * is the CPU Utilization metric, currentCPUUtilizationPercentage its current
 * value. Served: create, get, list and delete.
 */
import type {KubeObject, Manifest, ResourceType} from '../engine/index.js';
import {decodeObjectBody, mediaType, readBody, sendJson} from './http.js';
import type {RequestContext} from './resources.js';
import {ApiError, badRequest, methodNotAllowed, statusFromError} from './status.js';

export const hpaV1Type: ResourceType = {
	kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', shortNames: ['hpa'],
	group: 'autoscaling', version: 'v1', namespaced: true, nameValidator: 'subdomain',
};

type V1Spec = {scaleTargetRef?: {kind?: string; name?: string; apiVersion?: string}; minReplicas?: number; maxReplicas?: number; targetCPUUtilizationPercentage?: number};

/** An autoscaling/v1 body as the stored autoscaling/v2 manifest. */
export function toV2(body: Record<string, unknown>): Manifest {
	const spec = (body['spec'] ?? {}) as V1Spec;
	const {targetCPUUtilizationPercentage: cpu, ...rest} = spec;
	return {
		apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: body['metadata'] as Manifest['metadata'],
		spec: {...rest, ...(cpu === undefined ? {} : {metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: cpu}}}]})},
	};
}

/** A stored autoscaling/v2 object as autoscaling/v1 shows it. */
export function toV1(object: KubeObject): KubeObject {
	const spec = object.spec ?? {};
	const index = (spec.metrics ?? []).findIndex((m: any) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization');
	const target = index >= 0 ? spec.metrics[index].resource.target.averageUtilization : undefined;
	const current = index >= 0 ? object.status?.currentMetrics?.[index]?.resource?.current?.averageUtilization : undefined;
	const status = object.status ?? {};
	return {
		apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: object.metadata,
		spec: {scaleTargetRef: spec.scaleTargetRef, ...(spec.minReplicas === undefined ? {} : {minReplicas: spec.minReplicas}), maxReplicas: spec.maxReplicas, ...(target === undefined ? {} : {targetCPUUtilizationPercentage: target})},
		status: {
			...(status.lastScaleTime ? {lastScaleTime: status.lastScaleTime} : {}),
			currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0,
			...(current === undefined ? {} : {currentCPUUtilizationPercentage: current}),
		},
	};
}

function fail(error: unknown, name?: string): never {
	if (error instanceof ApiError) throw error;
	const status = statusFromError(error, {resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', group: 'autoscaling', name});
	throw new ApiError(status.code, status.reason!, status.message!, status.details);
}

export async function handleHpaV1({cluster, request, response, target}: RequestContext): Promise<void> {
	const method = request.method ?? 'GET';
	const namespace = target.namespace;
	if (target.subresource) throw methodNotAllowed(method);
	if (method === 'GET' && target.name === undefined) {
		const items = cluster.list('HorizontalPodAutoscaler', {namespace}).map(toV1);
		sendJson(response, 200, {kind: 'HorizontalPodAutoscalerList', apiVersion: 'autoscaling/v1', metadata: {resourceVersion: cluster.resourceVersion}, items});
		return;
	}
	if (method === 'GET') {
		const object = cluster.get('HorizontalPodAutoscaler', target.name!, namespace);
		if (!object) throw new ApiError(404, 'NotFound', `horizontalpodautoscalers.autoscaling "${target.name}" not found`, {name: target.name, group: 'autoscaling', kind: 'horizontalpodautoscalers'});
		sendJson(response, 200, toV1(object));
		return;
	}
	if (method === 'POST' && target.name === undefined) {
		const raw = await readBody(request);
		const body = decodeObjectBody(raw, mediaType(request));
		if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object');
		const object = body as Record<string, unknown>;
		if ((object['apiVersion'] ?? 'autoscaling/v1') !== 'autoscaling/v1' || (object['kind'] ?? 'HorizontalPodAutoscaler') !== 'HorizontalPodAutoscaler') {
			throw badRequest(`the API version in the data (${String(object['apiVersion'])}) does not match the expected API version (autoscaling/v1)`);
		}
		const manifest = toV2(object);
		const metadata = {...manifest.metadata};
		if (metadata.namespace && metadata.namespace !== (namespace ?? 'default')) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
		metadata.namespace = namespace ?? 'default';
		let created: KubeObject;
		try {
			created = cluster.create({...manifest, metadata});
		} catch (error) {
			fail(error, metadata.name);
		}
		sendJson(response, 201, toV1(created));
		return;
	}
	if (method === 'DELETE' && target.name !== undefined) {
		const existing = cluster.get('HorizontalPodAutoscaler', target.name, namespace);
		if (!existing) throw new ApiError(404, 'NotFound', `horizontalpodautoscalers.autoscaling "${target.name}" not found`, {name: target.name, group: 'autoscaling', kind: 'horizontalpodautoscalers'});
		try {
			cluster.delete('HorizontalPodAutoscaler', target.name, {namespace});
		} catch (error) {
			fail(error, target.name);
		}
		sendJson(response, 200, {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: {name: target.name, group: 'autoscaling', kind: 'horizontalpodautoscalers', uid: existing.metadata.uid}});
		return;
	}
	throw methodNotAllowed(method);
}
