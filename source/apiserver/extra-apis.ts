/**
 * APIs served beside the engine's kinds: the metrics API (`kubectl top`,
 * from the engine's simulated usage), ComponentStatus, and SelfSubjectAccessReview and
 * SelfSubjectRulesReview (`kubectl auth can-i`, `--list`), answered by the
 * engine's RBAC authorizer for the user the request acts as.
 */
import type {ResourceType} from '../engine/index.js';
import {adminUser, bytes, formatBytes, formatMilliCpu, milliCpu, objectSelector, rfc3339, type AccessAttributes, type KubeObject, type PolicyRule} from '../engine/index.js';
import {decodeObjectBody, mediaType, readBody, sendJson} from './http.js';
import type {RequestContext} from './resources.js';
import {ApiError, badRequest, methodNotAllowed} from './status.js';
import {tableType, toTable, wantsTable, type Column, type Printer} from './tables.js';
import {handleHpaV1, hpaV1Type} from './autoscaling-v1.js';
import {componentStatusType, handleComponentStatus} from './component-status.js';

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
	componentStatusType,
];

/** Verbs of the extra kinds, for discovery. */
export const extraVerbs: Record<string, string[]> = {
	HorizontalPodAutoscalerV1: ['create', 'delete', 'get', 'list'], NodeMetrics: ['get', 'list'], PodMetrics: ['get', 'list'],
	SelfSubjectAccessReview: ['create'], SelfSubjectRulesReview: ['create'], SelfSubjectReview: ['create'], ComponentStatus: ['get', 'list'],
};

export function isExtra(resource: ResourceType): boolean {
	return extraTypes.includes(resource);
}

export async function handleExtra(context: RequestContext): Promise<void> {
	const {request, response, target, cluster} = context;
	const method = request.method ?? 'GET';
	if (target.type === hpaV1Type) return handleHpaV1(context);
	if (target.type === componentStatusType) return handleComponentStatus(context);
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
		const body = decodeObjectBody(raw, mediaType(request)) as {spec?: Record<string, any>} | null;
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
	handleMetrics(context);
}

/**
 * The metrics API as metrics-server serves it: each item carries its pod's
 * or node's labels, a list honours label and field selectors (`kubectl top
 * pod -l app=web`), and `kubectl get podmetrics` gets metrics-server's Table.
 */
function handleMetrics({request, response, query, target, cluster}: RequestContext): void {
	const timestamp = rfc3339(cluster.now());
	const matches = objectSelector({labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined}) ?? (() => true);
	const {pods, nodes} = cluster.metrics();
	const nodeMetrics = target.type.kind === 'NodeMetrics';
	const items: MetricsItem[] = nodeMetrics
		? nodes.filter(n => target.name === undefined || n.name === target.name).map(n => ({
			metadata: {name: n.name, creationTimestamp: timestamp, ...labelsOf(cluster.get('Node', n.name))}, timestamp, window: metricsWindow,
			usage: usage(n.cpuMilli, n.memoryBytes),
		}))
		: pods.filter(p => (target.namespace === undefined || p.namespace === target.namespace) && (target.name === undefined || p.name === target.name)).map(p => ({
			metadata: {name: p.name, namespace: p.namespace, creationTimestamp: timestamp, ...labelsOf(cluster.get('Pod', p.name, p.namespace))}, timestamp, window: metricsWindow,
			containers: p.containers.map(c => ({name: c.name, usage: usage(c.cpuMilli, c.memoryBytes)})),
		}));
	const kind = target.type.kind;
	const apiVersion = 'metrics.k8s.io/v1beta1';
	if (target.name !== undefined) {
		const item = items[0];
		if (!item) throw new ApiError(404, 'NotFound', `${kind.toLowerCase()}.metrics.k8s.io "${nodeMetrics ? target.name : `${target.namespace}/${target.name}`}" not found`);
		if (wantsTable(request.headers.accept)) sendJson(response, 200, metricsTable(kind, [item]), tableType);
		else sendJson(response, 200, {kind, apiVersion, ...item});
		return;
	}
	const selected = items.filter(item => matches(item));
	if (wantsTable(request.headers.accept)) sendJson(response, 200, metricsTable(kind, selected), tableType);
	else sendJson(response, 200, {kind: `${kind}List`, apiVersion, metadata: {}, items: selected});
}

type MetricsItem = {
	metadata: {name: string; namespace?: string; creationTimestamp: string; labels?: Record<string, string>};
	timestamp: string;
	window: string;
	usage?: Usage;
	containers?: Array<{name: string; usage: Usage}>;
};
type Usage = {cpu: string; memory: string};

/** How long each sample spans: metrics-server's scrape interval. */
const metricsWindow = '10s';

function usage(cpuMilli: number, memoryBytes: number): Usage {
	return {cpu: `${Math.round(cpuMilli)}m`, memory: `${Math.round(memoryBytes / 1024)}Ki`};
}

function labelsOf(object: KubeObject | undefined): {labels?: Record<string, string>} {
	const labels = object?.metadata.labels;
	return labels && Object.keys(labels).length > 0 ? {labels: {...labels}} : {};
}

/**
 * metrics-server's Table columns (its addPodMetricsToTable and
 * addNodeMetricsToTable): the name, one quantity column per resource (a
 * pod's summed over its containers), the window.
 */
const quantityColumn = (name: string): Column => ({name, type: 'string', format: 'quantity', description: '', priority: 0});
const metricsPrinter: Printer = {
	columns: [
		{name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0}, quantityColumn('cpu'), quantityColumn('memory'),
		{name: 'Window', type: 'string', format: 'duration', description: '', priority: 0},
	],
	row: (item: MetricsItem) => {
		const all = item.usage ? [item.usage] : (item.containers ?? []).map(c => c.usage);
		const cpu = all.reduce((sum, u) => sum + milliCpu(u.cpu), 0);
		const memory = all.reduce((sum, u) => sum + bytes(u.memory), 0);
		return [item.metadata.name, formatMilliCpu(cpu), formatBytes(memory), item.window];
	},
};

/** The Table of metrics items; metrics-server gives no columns when there is no item. */
function metricsTable(kind: string, items: MetricsItem[]) {
	return toTable(kind, items, {now: 0, printer: metricsPrinter, columns: items.length > 0});
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
