/**
 * APIs served beside the engine's kinds: the metrics API (`kubectl top`,
 * from the engine's simulated usage), and SelfSubjectAccessReview and
 * SelfSubjectRulesReview (`kubectl auth can-i`, `--list`), answered by the
 * engine's RBAC authorizer for the user the request acts as.
 */
import type {ResourceType} from '../engine/index.js';
import {adminUser, type AccessAttributes, type PolicyRule} from '../engine/index.js';
import {decodeBody, mediaType, readBody, sendJson} from './http.js';
import {decodeProtobufObject} from './protobuf.js';
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
	type('SelfSubjectRulesReview', 'selfsubjectrulesreviews', 'authorization.k8s.io', 'v1', false),
	type('SelfSubjectReview', 'selfsubjectreviews', 'authentication.k8s.io', 'v1', false),
	hpaV1Type,
];

/** Verbs of the extra kinds, for discovery. */
export const extraVerbs: Record<string, string[]> = {
	HorizontalPodAutoscalerV1: ['create', 'delete', 'get', 'list'], NodeMetrics: ['get', 'list'], PodMetrics: ['get', 'list'],
	SelfSubjectAccessReview: ['create'], SelfSubjectRulesReview: ['create'], SelfSubjectReview: ['create'],
};

export function isExtra(resource: ResourceType): boolean {
	return extraTypes.includes(resource);
}

export async function handleExtra(context: RequestContext): Promise<void> {
	const {request, response, target, cluster} = context;
	const method = request.method ?? 'GET';
	if (target.type === hpaV1Type) return handleHpaV1(context);
	if (target.type.kind === 'SelfSubjectReview') {
		// kubectl auth whoami: the user the request acts as.
		if (method !== 'POST' || target.name !== undefined) throw methodNotAllowed(method);
		await readBody(request);
		const user = context.user ?? {...adminUser, groups: [...adminUser.groups]};
		sendJson(response, 201, {kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {creationTimestamp: null}, status: {userInfo: {username: user.user, groups: user.groups}}});
		return;
	}
	if (target.type.kind === 'SelfSubjectAccessReview' || target.type.kind === 'SelfSubjectRulesReview') {
		if (method !== 'POST' || target.name !== undefined) throw methodNotAllowed(method);
		const raw = await readBody(request);
		// kubectl's typed client sends protobuf; other clients JSON.
		const body = (mediaType(request) === 'application/vnd.kubernetes.protobuf'
			? decodeProtobufObject(raw)
			: decodeBody(raw, mediaType(request), ['application/json', 'application/yaml'])) as {spec?: Record<string, any>} | null;
		if (typeof body !== 'object' || body === null || typeof body.spec !== 'object' || body.spec === null) {
			throw new ApiError(422, 'Invalid', `${target.type.kind}.authorization.k8s.io "" is invalid: spec: Required value`);
		}
		const user = context.user ?? {...adminUser, groups: [...adminUser.groups]};
		const apiVersion = 'authorization.k8s.io/v1';
		if (target.type.kind === 'SelfSubjectRulesReview') {
			const namespace = typeof body.spec['namespace'] === 'string' ? body.spec['namespace'] : '';
			if (!namespace) throw new ApiError(400, 'BadRequest', 'no namespace on request');
			sendJson(response, 201, {kind: 'SelfSubjectRulesReview', apiVersion, metadata: {creationTimestamp: null}, spec: body.spec, status: rulesReviewStatus(cluster.rulesFor(user, namespace))});
			return;
		}
		const attributes = accessAttributes(body.spec);
		const decision = cluster.authorize(user, attributes);
		sendJson(response, 201, {
			kind: 'SelfSubjectAccessReview', apiVersion, metadata: {creationTimestamp: null}, spec: body.spec,
			status: {allowed: decision.allowed, ...(decision.reason ? {reason: decision.reason} : {})},
		});
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

/** The attributes a SelfSubjectAccessReview asks about; exactly one of resource and non-resource attributes. */
function accessAttributes(spec: Record<string, any>): AccessAttributes {
	const resource = spec['resourceAttributes'];
	const nonResource = spec['nonResourceAttributes'];
	const invalid = (message: string) => new ApiError(422, 'Invalid', `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: ${message}`);
	if (resource && nonResource) throw invalid('spec.nonResourceAttributes: Invalid value: "{}": cannot be specified in combination with resourceAttributes');
	if (nonResource) return {verb: String(nonResource.verb ?? ''), path: String(nonResource.path ?? '')};
	if (!resource) throw invalid('spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
	return {
		verb: String(resource.verb ?? ''),
		group: String(resource.group ?? ''),
		resource: String(resource.resource ?? ''),
		...(resource.subresource ? {subresource: String(resource.subresource)} : {}),
		...(resource.name ? {name: String(resource.name)} : {}),
		...(resource.namespace ? {namespace: String(resource.namespace)} : {}),
	};
}

/** The rules as a SubjectRulesReviewStatus: resource rules and non-resource rules apart. */
function rulesReviewStatus(rules: PolicyRule[]) {
	const resourceRules = rules.filter(r => r.resources?.length).map(r => ({
		verbs: r.verbs, ...(r.apiGroups ? {apiGroups: r.apiGroups} : {}), resources: r.resources, ...(r.resourceNames?.length ? {resourceNames: r.resourceNames} : {}),
	}));
	const nonResourceRules = rules.filter(r => r.nonResourceURLs?.length).map(r => ({verbs: r.verbs, nonResourceURLs: r.nonResourceURLs}));
	return {resourceRules, nonResourceRules, incomplete: false};
}
