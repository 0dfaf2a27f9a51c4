/**
 * The Eviction subresource (`POST pods/NAME/eviction`, policy/v1 Eviction)
 * as the API server serves it (`pkg/registry/core/pod/storage/eviction.go`):
 * a pod that is finished, pending or already terminating is deleted at once;
 * otherwise the one PodDisruptionBudget that selects it must allow a
 * disruption, which the eviction takes (disruptionsAllowed − 1, the pod in
 * disruptedPods). A budget that allows none answers 429 TooManyRequests
 * with the DisruptionBudget cause. An evicted pod gets DisruptionTarget=True
 * (EvictionByEvictionAPI), then a graceful delete.
 */
import type {ControllerContext} from '../controller.js';
import type {Pod} from '../api/types.js';
import type {PodDisruptionBudget} from '../api/policy-objects.js';
import {labelSelectorFromObject, matchesLabels, selectorIsEmpty} from '../api/selectors.js';
import {isPodReady} from '../controllers/controller-utils.js';
import {KubeError, notFound} from '../errors.js';
import {rfc3339} from '../clock.js';
import {budgetIndex, disruptionAllowedCondition} from './disruption.js';

export type EvictionOptions = {
	namespace?: string;
	/** The Eviction's deleteOptions.gracePeriodSeconds; the pod's own when unset. */
	gracePeriodSeconds?: number;
	/** Check everything and change nothing. */
	dryRun?: boolean;
};

/** The refusal of a budget that allows no disruption now (429, with its cause). */
export const budgetViolation = "Cannot evict pod as it would violate the pod's disruption budget.";

function tooManyRequests(cause: string, retryAfterSeconds = 0): KubeError {
	return new KubeError('TooManyRequests', budgetViolation, {causes: [{reason: 'DisruptionBudget', message: cause}], retryAfterSeconds});
}

/** Budgets of the pod's namespace whose selector takes it; an empty selector takes nothing here, as upstream's eviction reads it. */
export function budgetsForPod(context: Pick<ControllerContext, 'store'>, pod: Pod): PodDisruptionBudget[] {
	return budgetIndex(context).in(pod.metadata.namespace).filter(pdb => {
		const selector = pdb.spec?.selector;
		if (selector === undefined || selector === null) return false;
		const parsed = labelSelectorFromObject(selector);
		return !selectorIsEmpty(parsed) && matchesLabels(parsed, pod.metadata.labels);
	}).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** Mark the pod DisruptionTarget=True (EvictionByEvictionAPI) and delete it gracefully. */
function deleteEvicted(context: ControllerContext, pod: Pod, grace: number | undefined): void {
	const {store, clock} = context;
	let current = pod;
	const phase = pod.status?.phase;
	if (phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp) {
		current = store.patch(pod, draft => {
			const conditions = (draft.status?.conditions ?? []).filter(c => c.type !== 'DisruptionTarget');
			conditions.push({type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: rfc3339(clock.now())});
			draft.status = {...draft.status!, conditions};
		}, {status: true});
	}
	store.markDeleted(current, grace ?? current.spec?.terminationGracePeriodSeconds ?? 30);
}

/** Evict one pod; throws the API server's refusal (NotFound, 429 TooManyRequests, 500, Forbidden). */
export function evictPod(context: ControllerContext, name: string, options: EvictionOptions = {}): void {
	const {store, clock} = context;
	const namespace = options.namespace ?? 'default';
	const grace = options.gracePeriodSeconds;
	if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
		throw new KubeError('BadRequest', `gracePeriodSeconds: Invalid value: ${String(grace)}: must be a non-negative integer`);
	}
	const pod = store.get('Pod', namespace, name) as Pod | undefined;
	if (!pod) throw notFound('pods', name);
	const phase = pod.status?.phase;
	// canIgnorePDB: a finished, pending or terminating pod is deleted without asking a budget.
	if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp) {
		if (!options.dryRun) deleteEvicted(context, pod, grace);
		return;
	}
	const budgets = budgetsForPod(context, pod);
	if (budgets.length > 1) {
		throw new KubeError('InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
	}
	const pdb = budgets[0];
	if (pdb) {
		const status = pdb.status ?? {disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0};
		// An unready pod does not count as healthy: evicting it takes nothing from the budget
		// when the budget is met anyway (IfHealthyBudget), or always with AlwaysAllow.
		const unhealthyAllowed = !isPodReady(pod) && (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0));
		if (!unhealthyAllowed) {
			if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
				throw tooManyRequests(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`, 10);
			}
			if (status.disruptionsAllowed < 0) {
				throw new KubeError('Forbidden', `poddisruptionbudgets.policy "${pdb.metadata.name}" is forbidden: pdb disruptions allowed is negative`);
			}
			if (Object.keys(status.disruptedPods ?? {}).length > 2000) {
				throw new KubeError('Forbidden', `poddisruptionbudgets.policy "${pdb.metadata.name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`);
			}
			if (status.disruptionsAllowed === 0) {
				throw tooManyRequests(`The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`);
			}
			if (options.dryRun) return;
			store.patch(pdb, draft => {
				const next = {...status, disruptionsAllowed: status.disruptionsAllowed - 1, disruptedPods: {...status.disruptedPods, [name]: rfc3339(clock.now())}};
				if (next.disruptionsAllowed === 0) next.conditions = disruptionAllowedCondition(next, clock.now());
				draft.status = next;
			}, {status: true});
		}
	}
	if (!options.dryRun) deleteEvicted(context, pod, grace);
}
