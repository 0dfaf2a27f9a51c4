/**
 * GET /metrics: the API server's metrics in Prometheus' text format (0.0.4),
 * as `kubectl get --raw /metrics` reads them. Two of kube-apiserver's stable
 * metrics, made from what this server does:
 * - apiserver_request_total: each resource request once answered, by the
 *   labels kube-apiserver gives it (its verb as the metrics name it: LIST,
 *   WATCH, APPLY, CONNECT...; the scope; the HTTP code);
 * - apiserver_storage_objects: the objects stored now, by resource.
 * Series come sorted by their labels, as the Prometheus client writes them.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Cluster, ResourceType} from '../engine/index.js';
import {isExtra} from './extra-apis.js';
import type {ResourceTarget} from './paths.js';

/** The label names of a series, in the order the text writes them (sorted, as the client sorts them). */
const requestLabelNames = ['code', 'component', 'dry_run', 'group', 'resource', 'scope', 'subresource', 'verb', 'version'] as const;

/** Subresources whose requests the metrics count as CONNECT (kube-apiserver's `validConnectRequests`): a log read is one. */
const connectSubresources = new Set(['log', 'exec', 'portforward', 'attach', 'proxy']);

/** The dry_run label (`cleanDryRun`): the values given, sorted and once each; `invalid` when one is not a dry-run value. */
function dryRunLabel(query: URLSearchParams): string {
	const values = query.getAll('dryRun');
	if (values.length === 0) return '';
	if (values.some(value => value !== 'All')) return 'invalid';
	return [...new Set(values)].sort().join(',');
}

/**
 * The verb kube-apiserver's metrics record for a request (`CleanVerb`): a
 * GET of a collection is LIST or WATCH, a DELETE of one DELETECOLLECTION,
 * a server-side apply APPLY, and a log read, exec, attach, port-forward
 * and proxy CONNECT.
 */
export function metricsVerb(method: string, target: ResourceTarget, query: URLSearchParams, contentType: string | undefined): string {
	if (target.subresource !== undefined && connectSubresources.has(target.subresource)) return 'CONNECT';
	if (method === 'GET' || method === 'HEAD') {
		if (query.get('watch') === 'true' || query.get('watch') === '1') return 'WATCH';
		return target.name === undefined ? 'LIST' : 'GET';
	}
	if (method === 'DELETE') return target.name === undefined ? 'DELETECOLLECTION' : 'DELETE';
	if (method === 'PATCH' && contentType?.split(';')[0]?.trim() === 'application/apply-patch+yaml') return 'APPLY';
	return method;
}

/** The scope kube-apiserver's metrics record (`CleanScope`): one object or a create, a namespace's collection, or the cluster's. */
function scopeOf(method: string, target: ResourceTarget): string {
	if (target.name !== undefined || method === 'POST') return 'resource';
	return target.namespace !== undefined ? 'namespace' : 'cluster';
}

/** `pods`, `deployments.apps`: a resource as the storage metrics name it. */
function resourceName(type: ResourceType): string {
	return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** A label value as the text format writes it: backslash, quote and line break escaped. */
function labelValue(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class ApiMetrics {
	/** Requests answered, by their labels (joined in order, code first). */
	private readonly requests = new Map<string, number>();

	/** A resource request, counted with the code it got once its answer is done (a watch's when it ends). */
	track(request: IncomingMessage, response: ServerResponse, target: ResourceTarget, query: URLSearchParams): void {
		const method = request.method ?? 'GET';
		const values: Record<(typeof requestLabelNames)[number], string> = {
			code: '',
			component: 'apiserver',
			dry_run: dryRunLabel(query),
			group: target.type.group,
			resource: target.type.plural,
			scope: scopeOf(method, target),
			subresource: target.subresource ?? '',
			verb: metricsVerb(method, target, query, request.headers['content-type']),
			version: target.type.version,
		};
		response.once('close', () => {
			values.code = String(response.statusCode);
			const key = requestLabelNames.map(name => `${name}="${labelValue(values[name])}"`).join(',');
			this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
		});
	}

	/** The metrics' text. */
	text(cluster: Cluster, types: readonly ResourceType[]): string {
		const lines: string[] = [];
		lines.push('# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.');
		lines.push('# TYPE apiserver_request_total counter');
		for (const key of [...this.requests.keys()].sort()) lines.push(`apiserver_request_total{${key}} ${this.requests.get(key)}`);
		lines.push('# HELP apiserver_storage_objects [STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.');
		lines.push('# TYPE apiserver_storage_objects gauge');
		const stored = new Map<string, number>();
		for (const type of types) {
			// A kind's storage: once, at its stored version (a custom kind served at several versions is one resource), and not the API's own reviews and views.
			if (isExtra(type) || stored.has(resourceName(type))) continue;
			stored.set(resourceName(type), cluster.context.store.count(type.kind));
		}
		for (const name of [...stored.keys()].sort()) lines.push(`apiserver_storage_objects{resource="${labelValue(name)}"} ${stored.get(name)}`);
		return `${lines.join('\n')}\n`;
	}
}
