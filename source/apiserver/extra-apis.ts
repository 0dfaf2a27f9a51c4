/**
 * APIs served beside the engine's kinds: the metrics API (`kubectl top`,
 * from the engine's simulated usage) and SelfSubjectAccessReview
 * (`kubectl auth can-i`; yes to everything until RBAC exists).
 */
import type {ResourceType} from '../engine/index.js';
import {decodeBody, mediaType, readBody, sendJson} from './http.js';
import type {RequestContext} from './resources.js';
import {ApiError, badRequest, methodNotAllowed} from './status.js';
import {handleHpaV1, hpaV1Type} from './autoscaling-v1.js';

function type(kind: string, plural: string, group: string, version: string, namespaced: boolean): ResourceType {
	return {kind, plural, singular: kind.toLowerCase(), shortNames: [], group, version, namespaced, nameValidator: 'subdomain'};
}

export const extraTypes: readonly ResourceType[] = [
	type('NodeMetrics', 'nodes', 'metrics.k8s.io', 'v1beta1', false),
	type('PodMetrics', 'pods', 'metrics.k8s.io', 'v1beta1', true),
	type('SelfSubjectAccessReview', 'selfsubjectaccessreviews', 'authorization.k8s.io', 'v1', false),
	hpaV1Type,
];

/** Verbs of the extra kinds, for discovery. */
export const extraVerbs: Record<string, string[]> = {HorizontalPodAutoscalerV1: ['create', 'delete', 'get', 'list'], NodeMetrics: ['get', 'list'], PodMetrics: ['get', 'list'], SelfSubjectAccessReview: ['create']};

export function isExtra(resource: ResourceType): boolean {
	return extraTypes.includes(resource);
}

export async function handleExtra(context: RequestContext): Promise<void> {
	const {request, response, target, cluster} = context;
	const method = request.method ?? 'GET';
	if (target.type === hpaV1Type) return handleHpaV1(context);
	if (target.type.kind === 'SelfSubjectAccessReview') {
		if (method !== 'POST' || target.name !== undefined) throw methodNotAllowed(method);
		const raw = await readBody(request);
		// kubectl's typed client sends protobuf. The answer does not depend on the question
		// (everything is allowed), so such a body is not decoded and its spec is not echoed.
		let spec: unknown = {};
		if (mediaType(request) !== 'application/vnd.kubernetes.protobuf') {
			const body = decodeBody(raw, mediaType(request), ['application/json']) as {spec?: unknown} | null;
			if (typeof body !== 'object' || body === null || typeof body.spec !== 'object') throw badRequest('SelfSubjectAccessReview: spec is required');
			spec = body.spec;
		}
		sendJson(response, 201, {kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec, status: {allowed: true, reason: 'kubarium has no RBAC yet: everything is allowed'}});
		return;
	}
	if (method !== 'GET') throw methodNotAllowed(method);
	const timestamp = new Date(cluster.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
	const usage = (cpuMilli: number, memoryBytes: number) => ({cpu: `${Math.round(cpuMilli)}m`, memory: `${Math.round(memoryBytes / 1024)}Ki`});
	const {pods, nodes} = cluster.metrics();
	if (target.type.kind === 'NodeMetrics') {
		const items = nodes.filter(n => target.name === undefined || n.name === target.name).map(n => ({
			metadata: {name: n.name, creationTimestamp: timestamp}, timestamp, window: '10s', usage: usage(n.cpuMilli, n.memoryBytes),
		}));
		if (target.name !== undefined) {
			if (items.length === 0) throw new ApiError(404, 'NotFound', `nodemetrics.metrics.k8s.io "${target.name}" not found`);
			sendJson(response, 200, {kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...items[0]});
			return;
		}
		sendJson(response, 200, {kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items});
		return;
	}
	const items = pods
		.filter(p => (target.namespace === undefined || p.namespace === target.namespace) && (target.name === undefined || p.name === target.name))
		.map(p => ({
			metadata: {name: p.name, namespace: p.namespace, creationTimestamp: timestamp}, timestamp, window: '10s',
			containers: p.containers.map(c => ({name: c.name, usage: usage(c.cpuMilli, c.memoryBytes)})),
		}));
	if (target.name !== undefined) {
		if (items.length === 0) throw new ApiError(404, 'NotFound', `podmetrics.metrics.k8s.io "${target.namespace}/${target.name}" not found`);
		sendJson(response, 200, {kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...items[0]});
		return;
	}
	sendJson(response, 200, {kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items});
}
