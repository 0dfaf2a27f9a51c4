/**
 * The dashboard's actions as kubectl 1.32 makes them against a real API
 * server:
 *  - scale: a merge patch of the scale subresource (`kubectl scale`);
 *  - delete: DELETE with DeleteOptions (propagationPolicy, gracePeriodSeconds);
 *  - set image: a strategic-merge patch of the named containers;
 *  - restart: a strategic-merge patch of the template's
 *    `kubectl.kubernetes.io/restartedAt` annotation;
 *  - rollback: `rollout undo`: the earlier ReplicaSet's template (without its
 *    pod-template-hash) and annotations, as one JSON patch;
 *  - cordon, uncordon: a strategic-merge patch of `spec.unschedulable`;
 *  - drain: cordon, then an Eviction per pod, asking again every 5 s while a
 *    disruption budget refuses (429);
 *  - apply: server-side apply (the dashboard is the field manager);
 *  - trigger a CronJob: `kubectl create job --from=cronjob/NAME`.
 * Reads come from the informers' caches; a refused request rejects with the
 * server's Status message.
 */
import {
	apiVersionOf, planDrain, qualifiedResource, resolveResource,
	type DeleteOptions, type DrainOptions, type DrainReport, type KubeObject, type ListOptions, type RolloutRevision, type RollbackOptions,
} from '../../engine/index.js';
import {parseAllDocuments} from 'yaml';
import {KubeApiError, resourcePath, type KubeHttp} from './kube-http.js';

type Reader = {
	get(kind: string, name: string, namespace?: string): KubeObject | undefined;
	list(kind: string, options?: ListOptions): KubeObject[];
};

const strategic = 'application/strategic-merge-patch+json';
const merge = 'application/merge-patch+json';
const jsonPatch = 'application/json-patch+json';
const revisionAnnotation = 'deployment.kubernetes.io/revision';
const hashLabel = 'pod-template-hash';
/** Annotations `rollout undo` keeps from the Deployment instead of copying them from the ReplicaSet. */
const annotationsToSkip = new Set([
	'kubectl.kubernetes.io/last-applied-configuration', revisionAnnotation, 'deployment.kubernetes.io/revision-history',
	'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to',
]);
/** How long kubectl drain waits before asking again for an eviction a budget refused. */
export const evictionRetryMs = 5000;

/** `2026-12-05T18:30:00Z`, Go's time.RFC3339. */
function rfc3339Now(): string {
	return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function randomSuffix(length: number): string {
	const letters = 'bcdfghjklmnpqrstvwxz2456789';
	let out = '';
	for (let i = 0; i < length; i++) out += letters[Math.floor(Math.random() * letters.length)];
	return out;
}

/** Stable JSON (sorted keys) to compare templates. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		return `{${Object.keys(value).sort().filter(k => (value as Record<string, unknown>)[k] !== undefined).map(k => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

function withoutHash(template: KubeObject['spec']): Record<string, unknown> {
	const copy = structuredClone(template ?? {}) as {metadata?: {labels?: Record<string, string>}};
	if (copy.metadata?.labels) delete copy.metadata.labels[hashLabel];
	return copy;
}

export function kubectlActions(http: KubeHttp, reader: Reader) {
	const typeOf = (kind: string) => resolveResource(kind);
	const path = (kind: string, name: string, namespace: string | undefined, subresource?: string) => {
		const type = typeOf(kind);
		return resourcePath(type, type.namespaced ? namespace ?? 'default' : undefined, name, subresource);
	};
	const patch = (kind: string, name: string, namespace: string | undefined, body: unknown, contentType: string, subresource?: string) =>
		http.request<KubeObject>(path(kind, name, namespace, subresource), {method: 'PATCH', body, contentType});

	/** Revisions of a Deployment from the ReplicaSets it controls, oldest first. */
	const revisions = (name: string, namespace = 'default') => {
		const deployment = reader.get('Deployment', name, namespace);
		if (!deployment) throw new KubeApiError(`deployments.apps "${name}" not found`, 404, 'NotFound');
		const owned = reader.list('ReplicaSet', {namespace})
			.filter(rs => rs.metadata.ownerReferences?.some(r => r.controller && r.uid === deployment.metadata.uid));
		const out: Array<{revision: number; rs: KubeObject}> = [];
		for (const rs of owned) {
			const text = rs.metadata.annotations?.[revisionAnnotation];
			if (text !== undefined && /^\d+$/.test(text)) out.push({revision: Number(text), rs});
		}
		return {deployment, revisions: out.sort((a, b) => a.revision - b.revision)};
	};

	const cordon = async (name: string, value: boolean): Promise<string> => {
		const node = reader.get('Node', name);
		if (!node) throw new KubeApiError(`nodes "${name}" not found`, 404, 'NotFound');
		if (Boolean(node.spec?.unschedulable) === value) return `node/${name} already ${value ? 'cordoned' : 'uncordoned'}`;
		await patch('Node', name, undefined, {spec: {unschedulable: value ? true : null}}, strategic);
		return `node/${name} ${value ? 'cordoned' : 'uncordoned'}`;
	};

	const evict = (pod: KubeObject, gracePeriodSeconds: number | undefined) => http.request(path('Pod', pod.metadata.name, pod.metadata.namespace, 'eviction'), {
		method: 'POST',
		body: {
			apiVersion: 'policy/v1', kind: 'Eviction',
			metadata: {name: pod.metadata.name, namespace: pod.metadata.namespace},
			...(gracePeriodSeconds === undefined || gracePeriodSeconds < 0 ? {} : {deleteOptions: {gracePeriodSeconds}}),
		},
	});

	return {
		scale: (kind: string, name: string, replicas: number, options: {namespace?: string} = {}) =>
			patch(kind, name, options.namespace, {spec: {replicas}}, merge, 'scale'),

		delete: (kind: string, name: string, options: DeleteOptions = {}) => http.request(path(kind, name, options.namespace), {
			method: 'DELETE',
			body: {
				kind: 'DeleteOptions', apiVersion: 'v1',
				...(options.propagationPolicy ? {propagationPolicy: options.propagationPolicy} : {}),
				...(options.gracePeriodSeconds === undefined ? {} : {gracePeriodSeconds: options.gracePeriodSeconds}),
			},
		}),

		setImage: async (kind: string, name: string, container: string, image: string, options: {namespace?: string} = {}) => {
			const object = reader.get(typeOf(kind).kind, name, options.namespace);
			if (!object) throw new KubeApiError(`${qualifiedResource(typeOf(kind))} "${name}" not found`, 404, 'NotFound');
			const containers = (object.spec?.template?.spec?.containers ?? []) as Array<{name: string}>;
			const named = container === '*' ? containers.map(c => c.name) : containers.some(c => c.name === container) ? [container] : [];
			if (named.length === 0) throw new Error(`error: unable to find container named "${container}"`);
			return patch(kind, name, options.namespace, {spec: {template: {spec: {containers: named.map(n => ({name: n, image}))}}}}, strategic);
		},

		restart: (kind: string, name: string, options: {namespace?: string} = {}) => {
			const type = typeOf(kind);
			if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(type.kind)) throw new Error(`error: ${qualifiedResource(type)} "${name}" restarting is not supported`);
			return patch(kind, name, options.namespace, {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': rfc3339Now()}}}}}, strategic);
		},

		rollback: async (name: string, options: RollbackOptions = {}) => {
			const toRevision = options.toRevision ?? 0;
			const {deployment, revisions: all} = revisions(name, options.namespace);
			let target: {revision: number; rs: KubeObject} | undefined;
			if (toRevision > 0) {
				target = all.find(r => r.revision === toRevision);
				if (!target) throw new Error(`error: unable to find specified revision ${toRevision} in history`);
			} else {
				target = all.length >= 2 ? all[all.length - 2] : undefined;
				if (!target) throw new Error(`error: no rollout history found for deployment "${name}"`);
			}
			if (deployment.spec?.paused) throw new Error(`error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`);
			const template = withoutHash(target.rs.spec?.template);
			if (canonical(template) === canonical(withoutHash(deployment.spec?.template))) {
				throw new Error(`skipped rollback (current template already matches revision ${target.revision})`);
			}
			const annotations: Record<string, string> = {};
			for (const key of annotationsToSkip) {
				const value = deployment.metadata.annotations?.[key];
				if (value !== undefined) annotations[key] = value;
			}
			for (const [key, value] of Object.entries(target.rs.metadata.annotations ?? {})) if (!annotationsToSkip.has(key)) annotations[key] = value;
			return patch('Deployment', name, options.namespace, [
				{op: 'replace', path: '/spec/template', value: template},
				{op: 'replace', path: '/metadata/annotations', value: annotations},
			], jsonPatch);
		},

		rolloutHistory: (name: string, options: {namespace?: string} = {}): RolloutRevision[] => revisions(name, options.namespace).revisions.map(({revision, rs}) => {
			const row: RolloutRevision = {
				revision,
				images: ((rs.spec?.template?.spec?.containers ?? []) as Array<{image: string}>).map(c => c.image),
				replicaSet: rs.metadata.name,
			};
			const cause = rs.metadata.annotations?.['kubernetes.io/change-cause'];
			if (cause !== undefined) row.changeCause = cause;
			return row;
		}),

		cordon: (name: string) => cordon(name, true),
		uncordon: (name: string) => cordon(name, false),

		drain: async (name: string, options: DrainOptions = {}): Promise<DrainReport> => {
			const lines = [await cordon(name, true)];
			const pods = reader.list('Pod', {fieldSelector: `spec.nodeName=${name}`})
				.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
			const ref = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;
			const {toEvict, ignored, problems, warnings} = planDrain(pods, options, (namespace, owner) => Boolean(reader.get('DaemonSet', owner, namespace)));
			if (problems.length > 0) {
				const error = problems.length === 1 ? problems[0]! : `[${problems.join(', ')}]`;
				throw new Error(`unable to drain node "${name}" due to error:${error}`);
			}
			const warning = warnings.length > 0 ? `Warning: ${warnings.join('; ')}` : undefined;
			if (warning) lines.push(warning);
			const report: DrainReport = {node: name, evicted: [], ignored, ...(warning ? {warning} : {}), lines, blocked: [], done: false};
			const grace = options.gracePeriodSeconds;
			const attempt = async (pending: KubeObject[]): Promise<KubeObject[]> => {
				const blocked: KubeObject[] = [];
				for (const pod of pending) {
					lines.push(`evicting pod ${ref(pod)}`);
					try {
						await evict(pod, grace);
						report.evicted.push(ref(pod));
						lines.push(`pod/${pod.metadata.name} evicted`);
					} catch (error) {
						if (error instanceof KubeApiError && error.code === 404) continue;
						if (error instanceof KubeApiError && error.code === 429) {
							lines.push(`error when evicting pods/"${pod.metadata.name}" -n "${pod.metadata.namespace}" (will retry after 5s): ${error.message}`);
							blocked.push(pod);
							continue;
						}
						report.error = (error as Error).message;
						report.done = true;
						return [];
					}
				}
				return blocked;
			};
			let blocked = await attempt(toEvict);
			report.blocked = blocked.map(ref);
			if (blocked.length === 0 && !report.done) {
				report.done = true;
				lines.push(`node/${name} drained`);
			} else if (!report.done) {
				// As kubectl drain does, ask again every 5 s until the budgets allow it.
				const retry = async () => {
					blocked = await attempt(blocked);
					if (blocked.length > 0 && !report.done) setTimeout(() => void retry(), evictionRetryMs).unref?.();
				};
				setTimeout(() => void retry(), evictionRetryMs).unref?.();
			}
			return {...report, lines: [...lines], evicted: [...report.evicted], blocked: [...report.blocked]};
		},

		apply: async (manifest: unknown): Promise<KubeObject[]> => {
			const parsed = typeof manifest === 'string'
				? parseAllDocuments(manifest).map(document => document.toJS() as unknown).filter(Boolean)
				: manifest;
			const objects = (Array.isArray(parsed) ? parsed : [parsed]) as KubeObject[];
			const out: KubeObject[] = [];
			for (const object of objects) {
				const type = resolveResource(object.kind);
				const {managedFields: _managed, ...metadata} = object.metadata as KubeObject['metadata'] & {managedFields?: unknown};
				const body = {...object, apiVersion: object.apiVersion ?? apiVersionOf(type), metadata};
				out.push(await http.request<KubeObject>(resourcePath(type, type.namespaced ? metadata.namespace ?? 'default' : undefined, metadata.name), {
					method: 'PATCH', body, contentType: 'application/apply-patch+yaml', query: {fieldManager: 'kubarium', force: true},
				}));
			}
			return out;
		},

		triggerCronJob: async (name: string, options: {namespace?: string} = {}) => {
			const namespace = options.namespace ?? 'default';
			const cronJob = reader.get('CronJob', name, namespace);
			if (!cronJob) throw new KubeApiError(`cronjobs.batch "${name}" not found`, 404, 'NotFound');
			const template = (cronJob.spec?.jobTemplate ?? {}) as {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}; spec?: unknown};
			const job = {
				apiVersion: 'batch/v1', kind: 'Job',
				metadata: {
					name: `${name}-manual-${randomSuffix(3)}`,
					namespace,
					labels: template.metadata?.labels ?? {},
					annotations: {'cronjob.kubernetes.io/instantiate': 'manual', ...template.metadata?.annotations},
					ownerReferences: [{apiVersion: 'batch/v1', kind: 'CronJob', name, uid: cronJob.metadata.uid, controller: true, blockOwnerDeletion: true}],
				},
				spec: template.spec,
			};
			return http.request<KubeObject>(resourcePath(resolveResource('Job'), namespace), {method: 'POST', body: job});
		},

		suspendCronJob: (name: string, suspend: boolean, options: {namespace?: string} = {}) =>
			patch('CronJob', name, options.namespace, {spec: {suspend}}, merge),
	};
}
