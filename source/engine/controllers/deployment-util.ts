/**
 * The Deployment controller's arithmetic and bookkeeping as pure functions,
 * after `pkg/controller/deployment/util/deployment_util.go` and
 * `pkg/api/v1/pod/util.go`: fenceposts, proportions, revisions, the
 * pod-template-hash, conditions and pod availability. Table-tested in
 * test/engine/controllers/deployment-util.test.ts.
 */
import type {Condition, Deployment, DeploymentStatus, IntOrString, PodTemplateSpec, ReplicaSet} from '../api/types.js';
import {parseTime, rfc3339} from '../clock.js';
import {sameJson} from '../store.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
export const podTemplateHashLabel = 'pod-template-hash';
export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';
/** Longest revision-history annotation the controller writes (`maxRevHistoryLengthInChars`). */
export const maxRevisionHistoryChars = 2000;

/** Annotations never copied between a Deployment and its ReplicaSets. */
export const annotationsToSkip = new Set([
	lastAppliedAnnotation,
	revisionAnnotation,
	revisionHistoryAnnotation,
	desiredReplicasAnnotation,
	maxReplicasAnnotation,
	'deprecated.deployment.rollback.to',
]);

// Condition types and reasons (`deployment_util.go`).
export const reasons = {
	newRS: 'NewReplicaSetCreated',
	foundNewRS: 'FoundNewReplicaSet',
	rsUpdated: 'ReplicaSetUpdated',
	newRSAvailable: 'NewReplicaSetAvailable',
	timedOut: 'ProgressDeadlineExceeded',
	failedRSCreate: 'ReplicaSetCreateError',
	paused: 'DeploymentPaused',
	resumed: 'DeploymentResumed',
	minimumAvailable: 'MinimumReplicasAvailable',
	minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

// ----- fenceposts ------------------------------------------------------------

/**
 * `intstr.GetScaledValueFromIntOrPercent`: an int as is, a percentage of
 * `total` rounded up or down.
 */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
	if (value === undefined) return 0;
	if (typeof value === 'number') return value;
	const percent = Number.parseInt(value.replace('%', ''), 10);
	const scaled = (percent * total) / 100;
	return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** `ResolveFenceposts`: surge rounds up, unavailable down; both 0 makes unavailable 1. */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): {surge: number; unavailable: number} {
	const surge = scaledValue(maxSurge ?? 0, desired, true);
	let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
	if (surge === 0 && unavailable === 0) unavailable = 1;
	return {surge, unavailable};
}

export function isRollingUpdate(d: Deployment): boolean {
	return d.spec!.strategy?.type !== 'Recreate';
}

/** `MaxSurge`: 0 unless RollingUpdate. */
export function maxSurge(d: Deployment): number {
	if (!isRollingUpdate(d)) return 0;
	const rolling = d.spec!.strategy.rollingUpdate;
	return resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, d.spec!.replicas).surge;
}

/** `MaxUnavailable`: 0 unless RollingUpdate with replicas; never more than replicas. */
export function maxUnavailable(d: Deployment): number {
	const replicas = d.spec!.replicas;
	if (!isRollingUpdate(d) || replicas === 0) return 0;
	const rolling = d.spec!.strategy.rollingUpdate;
	return Math.min(resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, replicas).unavailable, replicas);
}

/** `MinAvailable`: replicas − MaxUnavailable (0 for Recreate). */
export function minAvailable(d: Deployment): number {
	if (!isRollingUpdate(d)) return 0;
	return d.spec!.replicas - maxUnavailable(d);
}

// ----- replica counts -----------------------------------------------------------

export const specReplicas = (rs: ReplicaSet): number => rs.spec?.replicas ?? 0;

/** Σ spec.replicas (`GetReplicaCountForReplicaSets`). */
export function replicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
	let total = 0;
	for (const rs of sets) if (rs) total += specReplicas(rs);
	return total;
}

/** Σ status.replicas (`GetActualReplicaCountForReplicaSets`). */
export function actualReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
	let total = 0;
	for (const rs of sets) if (rs) total += rs.status?.replicas ?? 0;
	return total;
}

export function readyReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
	let total = 0;
	for (const rs of sets) if (rs) total += rs.status?.readyReplicas ?? 0;
	return total;
}

export function availableReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
	let total = 0;
	for (const rs of sets) if (rs) total += rs.status?.availableReplicas ?? 0;
	return total;
}

/** `FilterActiveReplicaSets`: those with spec.replicas > 0. */
export function activeReplicaSets(sets: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
	return sets.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

/**
 * `NewRSNewReplicas`: how big the new RS may be now. RollingUpdate grows it
 * up to replicas + surge in total; Recreate goes straight to replicas.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
	const replicas = d.spec!.replicas;
	if (!isRollingUpdate(d)) return replicas;
	const maxTotal = replicas + maxSurge(d);
	const current = replicaCount(allRSs);
	if (current >= maxTotal) return specReplicas(newRS);
	const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS));
	return specReplicas(newRS) + scaleUp;
}

// ----- ordering --------------------------------------------------------------------

/** `ReplicaSetsByCreationTimestamp`: older first, then by name. */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
	const ta = a.metadata.creationTimestamp;
	const tb = b.metadata.creationTimestamp;
	if (ta === tb) return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
	return ta < tb ? -1 : 1;
}

/** `ReplicaSetsBySizeOlder`: larger first; equal sizes older first (scaling down). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
	if (specReplicas(a) === specReplicas(b)) return byCreationTimestamp(a, b);
	return specReplicas(b) - specReplicas(a);
}

/** `ReplicaSetsBySizeNewer`: larger first; equal sizes newer first (scaling up). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
	if (specReplicas(a) === specReplicas(b)) return byCreationTimestamp(b, a);
	return specReplicas(b) - specReplicas(a);
}

/** `ReplicaSetsByRevision`: lower revision first, then older. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
	const ra = revisionOf(a);
	const rb = revisionOf(b);
	if (ra === rb) return byCreationTimestamp(a, b);
	return ra - rb;
}

// ----- revisions and annotations -----------------------------------------------------

/** The RS's revision annotation as a number; 0 when missing or malformed. */
export function revisionOf(rs: {metadata: {annotations?: Record<string, string>}}): number {
	const text = rs.metadata.annotations?.[revisionAnnotation];
	if (!text || !/^\d+$/.test(text)) return 0;
	return Number(text);
}

export function maxRevision(sets: readonly ReplicaSet[]): number {
	let max = 0;
	for (const rs of sets) max = Math.max(max, revisionOf(rs));
	return max;
}

/**
 * `SetNewReplicaSetAnnotations`: copy the Deployment's annotations, raise the
 * revision (recording the old one in revision-history when an old RS comes
 * back), and for an RS about to be created the replica annotations.
 * Returns the new annotations and whether anything changed.
 */
export function newReplicaSetAnnotations(
	d: Deployment,
	rs: ReplicaSet,
	newRevision: number,
	exists: boolean,
): {annotations: Record<string, string>; changed: boolean} {
	const annotations = {...rs.metadata.annotations};
	let changed = false;
	for (const [key, value] of Object.entries(d.metadata.annotations ?? {})) {
		if (annotationsToSkip.has(key) || annotations[key] === value) continue;
		annotations[key] = value;
		changed = true;
	}
	const oldText = annotations[revisionAnnotation];
	const had = oldText !== undefined;
	let oldRevision = 0;
	if (had) {
		if (!/^\d+$/.test(oldText)) {
			if (oldText !== '') return {annotations, changed};
		} else oldRevision = Number(oldText);
	}
	if (oldRevision < newRevision) {
		annotations[revisionAnnotation] = String(newRevision);
		changed = true;
	}
	if (had && oldRevision < newRevision) {
		const history = annotations[revisionHistoryAnnotation] ?? '';
		const old = String(oldRevision);
		if (history === '') annotations[revisionHistoryAnnotation] = old;
		else {
			let parts = history.split(',');
			let total = history.length + old.length + 1;
			let start = 0;
			while (total > maxRevisionHistoryChars && start < parts.length) {
				total -= parts[start]!.length + 1;
				start++;
			}
			if (total <= maxRevisionHistoryChars) {
				parts = [...parts.slice(start), old];
				annotations[revisionHistoryAnnotation] = parts.join(',');
			}
		}
	}
	if (!exists) {
		const replicas = d.spec!.replicas;
		const next = replicasAnnotations(annotations, replicas, replicas + maxSurge(d));
		if (next) {
			Object.assign(annotations, next);
			changed = true;
		}
	}
	return {annotations, changed};
}

/** The desired/max replica annotations to write, or undefined when they already hold these values. */
export function replicasAnnotations(annotations: Record<string, string> | undefined, desired: number, max: number): Record<string, string> | undefined {
	if (annotations?.[desiredReplicasAnnotation] === String(desired) && annotations?.[maxReplicasAnnotation] === String(max)) return undefined;
	return {...annotations, [desiredReplicasAnnotation]: String(desired), [maxReplicasAnnotation]: String(max)};
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
	const text = rs.metadata.annotations?.[key];
	if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
	return Number(text);
}

export const desiredReplicasOf = (rs: ReplicaSet) => intAnnotation(rs, desiredReplicasAnnotation);

// ----- proportional scaling -------------------------------------------------------------

/** Go's math.Round: halves away from zero. */
export function roundHalfAway(value: number): number {
	return value < 0 ? -Math.round(-value) : Math.round(value);
}

/** `getReplicaSetFraction`: this RS's share of the change, from its max-replicas annotation. */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
	if (d.spec!.replicas === 0) return -specReplicas(rs);
	const deploymentReplicas = d.spec!.replicas + maxSurge(d);
	const annotated = intAnnotation(rs, maxReplicasAnnotation) ?? d.status?.replicas ?? 0;
	if (annotated === 0) return 0;
	return roundHalfAway((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}

/** `GetProportion`: the fraction, never past what is still to be added or removed. */
export function proportionFor(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
	if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
	const fraction = replicaSetFraction(rs, d);
	const allowed = toAdd - added;
	return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * The sizes proportional scaling gives each active RS (`sync.go` `scale`,
 * rolling branch), in the order they are written, with the scaling direction.
 */
export function proportionalSizes(d: Deployment, active: readonly ReplicaSet[]): {sets: ReplicaSet[]; sizes: number[]; operation: 'up' | 'down' | ''} {
	const total = replicaCount(active);
	const allowed = d.spec!.replicas > 0 ? d.spec!.replicas + maxSurge(d) : 0;
	const toAdd = allowed - total;
	const sets = [...active];
	let operation: 'up' | 'down' | '' = '';
	if (toAdd > 0) {
		sets.sort(bySizeNewer);
		operation = 'up';
	} else if (toAdd < 0) {
		sets.sort(bySizeOlder);
		operation = 'down';
	}
	let added = 0;
	const sizes = sets.map(rs => {
		if (toAdd === 0) return specReplicas(rs);
		const proportion = proportionFor(rs, d, toAdd, added);
		added += proportion;
		return specReplicas(rs) + proportion;
	});
	if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
	return {sets, sizes, operation};
}

/** `FindActiveOrLatest`: the only active RS, or the newest when none is active; undefined with several. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
	if (!newRS && oldRSs.length === 0) return undefined;
	const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
	const active = activeReplicaSets([...newestFirst, newRS]);
	if (active.length === 0) return newRS ?? newestFirst[0];
	if (active.length === 1) return active[0];
	return undefined;
}

/** `IsSaturated`: the new RS has every replica, desired and available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
	if (!rs) return false;
	const desired = desiredReplicasOf(rs);
	if (desired === undefined) return false;
	const replicas = d.spec!.replicas;
	return specReplicas(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

// ----- the pod-template-hash -----------------------------------------------------------

export {canonicalJson, computeHash, fnv32a, safeEncodeString} from './controller-utils.js';

/** The template without the pod-template-hash label. */
export function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
	const labels = template.metadata?.labels;
	if (!labels || !(podTemplateHashLabel in labels)) return template;
	const {[podTemplateHashLabel]: _hash, ...rest} = labels;
	return {...template, metadata: {...template.metadata, labels: rest}};
}

// Stored templates are never mutated, so a comparison holds for as long as both objects live.
const equalCache = new WeakMap<object, WeakMap<object, boolean>>();

/** `EqualIgnoreHash`: templates equal once the pod-template-hash label is dropped. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
	if (!a || !b) return a === b;
	let row = equalCache.get(a);
	const hit = row?.get(b);
	if (hit !== undefined) return hit;
	const result = compareIgnoringHash(a, b);
	if (!row) equalCache.set(a, (row = new WeakMap()));
	row.set(b, result);
	return result;
}

function compareIgnoringHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
	const la = withoutHash(a);
	const lb = withoutHash(b);
	const labelsA = la.metadata?.labels;
	const labelsB = lb.metadata?.labels;
	// Go compares a nil map and an empty one as equal here (both come back as empty after the delete).
	const emptyA = !labelsA || Object.keys(labelsA).length === 0;
	const emptyB = !labelsB || Object.keys(labelsB).length === 0;
	if (emptyA && emptyB) {
		return sameJson({...la.metadata, labels: undefined}, {...lb.metadata, labels: undefined}) && sameJson(la.spec, lb.spec);
	}
	return sameJson(la.metadata ?? {}, lb.metadata ?? {}) && sameJson(la.spec, lb.spec);
}

/** `FindNewReplicaSet`: the oldest RS whose template equals the Deployment's, hash aside. */
export function findNewReplicaSet(d: Deployment, sets: readonly ReplicaSet[]): ReplicaSet | undefined {
	const sorted = [...sets].sort(byCreationTimestamp);
	return sorted.find(rs => equalIgnoreHash(rs.spec?.template, d.spec!.template));
}

// ----- conditions ---------------------------------------------------------------------------

export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
	return status?.conditions?.find(c => c.type === type);
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
	const time = rfc3339(now);
	return {type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message};
}

/**
 * `SetDeploymentCondition`: nothing changes when status and reason are the
 * same; lastTransitionTime is kept when only the reason changes.
 */
export function setCondition(status: DeploymentStatus, condition: Condition): void {
	const current = getCondition(status, condition.type);
	if (current && current.status === condition.status && current.reason === condition.reason) return;
	const next = {...condition};
	if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
	status.conditions = [...(status.conditions ?? []).filter(c => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
	if (!status.conditions?.some(c => c.type === type)) return;
	status.conditions = status.conditions.filter(c => c.type !== type);
}

export function hasProgressDeadline(d: Deployment): boolean {
	const seconds = d.spec!.progressDeadlineSeconds;
	return seconds !== undefined && seconds !== 2147483647;
}

/** `DeploymentComplete`: every replica updated and available, and the newest spec observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
	const replicas = d.spec!.replicas;
	return (status.updatedReplicas ?? 0) === replicas
		&& (status.replicas ?? 0) === replicas
		&& (status.availableReplicas ?? 0) === replicas
		&& (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** `DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones. */
export function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
	const old = d.status ?? {};
	const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
	const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
	return (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0)
		|| newOld < oldOld
		|| (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0)
		|| (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** `DeploymentTimedOut`: Progressing's lastUpdateTime + deadline is before now. */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: number): boolean {
	if (!hasProgressDeadline(d)) return false;
	const condition = getCondition(status, 'Progressing');
	if (!condition) return false;
	if (condition.reason === reasons.newRSAvailable) return false;
	if (condition.reason === reasons.timedOut) return true;
	const from = parseTime(condition.lastUpdateTime);
	if (from === undefined) return false;
	return from + d.spec!.progressDeadlineSeconds! * 1000 < now;
}

// ----- pods ------------------------------------------------------------------------------------

export {availableAt, isPodActive, isPodAvailable, isPodReady, readyCondition} from './controller-utils.js';
