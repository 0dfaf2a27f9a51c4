/**
 * The client-side rollout commands of kubectl, as the Cluster facade runs
 * them: `rollout undo` (`pkg/polymorphichelpers/rollback.go`), `rollout
 * history`, `rollout restart`, `rollout pause|resume` and `set image`.
 * Each validates everything first and then writes once.
 */
import type {ControllerContext} from '../controller.js';
import type {Container, Deployment, KubeObject, PodTemplateSpec, ReplicaSet} from '../api/types.js';
import {qualifiedResource, resolveResource} from '../api/registry.js';
import {badRequest, KubeError, notFound} from '../errors.js';
import {rfc3339} from '../clock.js';
import {replicaSetsOf} from '../controllers/deployment.js';
import {annotationsToSkip, changeCauseAnnotation, equalIgnoreHash, restartedAtAnnotation, revisionAnnotation, withoutHash} from '../controllers/deployment-util.js';

/** One row of `kubectl rollout history`. */
export type RolloutRevision = {
	revision: number;
	/** The `kubernetes.io/change-cause` annotation, or undefined (kubectl shows `<none>`). */
	changeCause?: string;
	/** Container images of the revision's template, in order. */
	images: string[];
	/** Name of the ReplicaSet that holds the revision. */
	replicaSet: string;
};

export type RollbackOptions = {namespace?: string; toRevision?: number};

const deploymentsResource = 'deployments.apps';

function getDeployment(context: ControllerContext, name: string, namespace = 'default'): Deployment {
	const d = context.store.get('Deployment', namespace, name) as Deployment | undefined;
	if (!d) throw notFound(deploymentsResource, name);
	return d;
}

/** Revisions by number (`deploymentutil.Revision` of each owned ReplicaSet); malformed ones are skipped. */
function revisions(context: ControllerContext, d: Deployment): Array<{revision: number; rs: ReplicaSet}> {
	const out: Array<{revision: number; rs: ReplicaSet}> = [];
	for (const rs of replicaSetsOf(context, d)) {
		const text = rs.metadata.annotations?.[revisionAnnotation];
		if (text === undefined || !/^\d+$/.test(text)) continue;
		out.push({revision: Number(text), rs});
	}
	return out;
}

/** `rsForRevision`: the given revision, or with 0 the second newest. */
function replicaSetForRevision(context: ControllerContext, d: Deployment, toRevision: number): {revision: number; rs: ReplicaSet} {
	let latest: {revision: number; rs: ReplicaSet} | undefined;
	let previous: {revision: number; rs: ReplicaSet} | undefined;
	for (const entry of revisions(context, d)) {
		if (toRevision === 0) {
			if (!latest || latest.revision < entry.revision) {
				previous = latest;
				latest = entry;
			} else if (!previous || previous.revision < entry.revision) previous = entry;
		} else if (entry.revision === toRevision) return entry;
	}
	if (toRevision > 0) throw badRequest(`unable to find specified revision ${toRevision} in history`);
	if (!previous) throw badRequest(`no rollout history found for deployment "${d.metadata.name}"`);
	return previous;
}

/**
 * `kubectl rollout undo`: put the template of an earlier revision back into
 * the Deployment, with that ReplicaSet's annotations. The controller then
 * finds the old ReplicaSet as the new one and gives it the next revision.
 */
export function rollbackDeployment(context: ControllerContext, name: string, options: RollbackOptions = {}): Deployment {
	const toRevision = options.toRevision ?? 0;
	if (!Number.isInteger(toRevision)) throw badRequest(`invalid revision ${String(toRevision)}: must be an integer`);
	if (toRevision < 0) throw badRequest(`unable to find specified revision ${toRevision} in history`);
	const d = getDeployment(context, name, options.namespace);
	const target = replicaSetForRevision(context, d, toRevision);
	if (d.spec!.paused) {
		throw badRequest("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
	}
	if (equalIgnoreHash(target.rs.spec!.template, d.spec!.template)) {
		throw new KubeError('BadRequest', `skipped rollback (current template already matches revision ${target.revision})`);
	}
	const template = withoutHash(target.rs.spec!.template);
	const annotations: Record<string, string> = {};
	for (const key of annotationsToSkip) {
		const value = d.metadata.annotations?.[key];
		if (value !== undefined) annotations[key] = value;
	}
	for (const [key, value] of Object.entries(target.rs.metadata.annotations ?? {})) {
		if (!annotationsToSkip.has(key)) annotations[key] = value;
	}
	return context.store.update({
		...d,
		metadata: {...d.metadata, annotations, resourceVersion: ''},
		spec: {...d.spec!, template},
	});
}

/** `kubectl rollout history`: one row per revision, oldest first. */
export function rolloutHistory(context: ControllerContext, name: string, options: {namespace?: string} = {}): RolloutRevision[] {
	const d = getDeployment(context, name, options.namespace);
	return revisions(context, d)
		.sort((a, b) => a.revision - b.revision)
		.map(({revision, rs}) => {
			const row: RolloutRevision = {
				revision,
				images: (rs.spec?.template.spec.containers ?? []).map(c => c.image),
				replicaSet: rs.metadata.name,
			};
			const cause = rs.metadata.annotations?.[changeCauseAnnotation];
			if (cause !== undefined) row.changeCause = cause;
			return row;
		});
}

/** Kinds whose pod template `rollout restart` may touch. */
const restartableKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function getWorkload(context: ControllerContext, kind: string, name: string, namespace = 'default'): KubeObject {
	const type = resolveResource(kind);
	const object = context.store.get(type.kind, type.namespaced ? namespace : undefined, name);
	if (!object) throw notFound(qualifiedResource(type), name);
	return object;
}

/**
 * `kubectl rollout restart`: stamp `kubectl.kubernetes.io/restartedAt` on the
 * pod template, which starts a new rollout.
 */
export function restartWorkload(context: ControllerContext, kind: string, name: string, options: {namespace?: string} = {}): KubeObject {
	const type = resolveResource(kind);
	if (!restartableKinds.has(type.kind)) throw badRequest(`${qualifiedResource(type)} "${name}" restarting is not supported`);
	const object = getWorkload(context, kind, name, options.namespace);
	if (type.kind === 'Deployment' && object.spec?.paused) {
		throw badRequest(`can't restart paused deployment (run rollout resume first)`);
	}
	const template = object.spec!.template as PodTemplateSpec;
	const restarted: PodTemplateSpec = {
		...template,
		metadata: {...template.metadata, annotations: {...template.metadata?.annotations, [restartedAtAnnotation]: rfc3339(context.clock.now())}},
	};
	return context.store.update({...object, metadata: {...object.metadata, resourceVersion: ''}, spec: {...object.spec, template: restarted}});
}

/** Kinds `kubectl set image` changes, and where their containers are. */
function containersOf(object: KubeObject): {get(): Container[]; set(containers: Container[]): KubeObject} {
	const spec = object.spec ?? {};
	if (object.kind === 'Pod') return {get: () => spec.containers ?? [], set: containers => ({...object, spec: {...spec, containers}})};
	if (object.kind === 'CronJob') {
		const template = spec.jobTemplate?.spec?.template;
		return {
			get: () => template?.spec?.containers ?? [],
			set: containers => ({...object, spec: {...spec, jobTemplate: {...spec.jobTemplate, spec: {...spec.jobTemplate.spec, template: {...template, spec: {...template.spec, containers}}}}}}),
		};
	}
	return {
		get: () => spec.template?.spec?.containers ?? [],
		set: containers => ({...object, spec: {...spec, template: {...spec.template, spec: {...spec.template.spec, containers}}}}),
	};
}

const settableKinds = new Set(['Pod', 'ReplicationController', 'Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob']);

/** `kubectl set image KIND/NAME CONTAINER=IMAGE`; container `*` sets every container. */
export function setImage(context: ControllerContext, kind: string, name: string, container: string, image: string, options: {namespace?: string} = {}): KubeObject {
	const type = resolveResource(kind);
	if (!settableKinds.has(type.kind)) throw badRequest(`error: ${qualifiedResource(type)}/${name} does not have a pod template`);
	if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) throw badRequest(`invalid image name "${String(image)}"`);
	const object = getWorkload(context, kind, name, options.namespace);
	const access = containersOf(object);
	const containers = access.get();
	if (container !== '*' && !containers.some(c => c.name === container)) throw badRequest(`unable to find container named "${container}"`);
	const updated = containers.map(c => (container === '*' || c.name === container ? {...c, image} : c));
	const next = access.set(updated);
	return context.store.update({...next, metadata: {...object.metadata, resourceVersion: ''}});
}

/** `kubectl rollout pause` / `resume`. */
export function setPaused(context: ControllerContext, name: string, paused: boolean, options: {namespace?: string} = {}): Deployment {
	const d = getDeployment(context, name, options.namespace);
	if (Boolean(d.spec!.paused) === paused) {
		throw badRequest(`deployment.apps/${name} is ${paused ? 'already paused' : 'not paused'}`);
	}
	return context.store.update({...d, metadata: {...d.metadata, resourceVersion: ''}, spec: {...d.spec!, paused}});
}
