import type {Pod} from '../api/types.js';
import type {ScalingRules} from '../api/autoscaling-objects.js';
import {milliCpu, bytes} from '../api/quantity.js';
import {parseTime} from '../clock.js';

/**
 * The HorizontalPodAutoscaler's arithmetic, after `pkg/controller/podautoscaler`
 * (replica_calculator.go and horizontal.go): pure functions over pods,
 * metrics and the controller's remembered recommendations and scale events.
 */

/** `--horizontal-pod-autoscaler-tolerance`. */
export const tolerance = 0.1;
/** `--horizontal-pod-autoscaler-cpu-initialization-period`. */
export const cpuInitializationPeriodMs = 5 * 60_000;
/** `--horizontal-pod-autoscaler-initial-readiness-delay`. */
export const initialReadinessDelayMs = 30_000;
/** `--horizontal-pod-autoscaler-downscale-stabilization`. */
export const downscaleStabilisationWindowMs = 5 * 60_000;
/** `--horizontal-pod-autoscaler-sync-period`. */
export const syncPeriodMs = 15_000;

/** One pod's metric as the resource metrics API reports it: milli-cores or bytes. */
export type PodMetric = {value: number; timestamp: number; windowMs: number};

/** A resource quantity of one container spec, in the unit the metrics use (milli-cores for cpu, bytes otherwise). */
export function resourceValue(resource: string, quantity: string | number | undefined): number {
	return resource === 'cpu' ? milliCpu(quantity) : bytes(quantity);
}

/** `groupPods`: which pods count as ready, which are unready, missing a metric, or ignored. */
export function groupPods(pods: Pod[], metrics: Map<string, PodMetric>, resource: string, now: number): {readyPodCount: number; unready: Set<string>; missing: Set<string>; ignored: Set<string>} {
	let readyPodCount = 0;
	const unready = new Set<string>();
	const missing = new Set<string>();
	const ignored = new Set<string>();
	for (const pod of pods) {
		const name = pod.metadata.name;
		if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
			ignored.add(name);
			continue;
		}
		if (pod.status?.phase === 'Pending') {
			unready.add(name);
			continue;
		}
		const metric = metrics.get(name);
		if (!metric) {
			missing.add(name);
			continue;
		}
		if (resource === 'cpu') {
			const condition = pod.status?.conditions?.find(c => c.type === 'Ready');
			const startTime = parseTime(pod.status?.startTime as string | undefined);
			let isUnready: boolean;
			if (!condition || startTime === undefined) isUnready = true;
			else {
				const transition = parseTime(condition.lastTransitionTime) ?? 0;
				if (startTime + cpuInitializationPeriodMs > now) {
					isUnready = condition.status === 'False' || metric.timestamp < transition + metric.windowMs;
				} else {
					isUnready = condition.status === 'False' && startTime + initialReadinessDelayMs > transition;
				}
			}
			if (isUnready) {
				unready.add(name);
				continue;
			}
		}
		readyPodCount++;
	}
	return {readyPodCount, unready, missing, ignored};
}

/** `calculatePodRequests`: each pod's summed request of `resource`; an error naming the first container without one. */
export function podRequests(pods: Pod[], resource: string, container?: string): Map<string, number> | string {
	const out = new Map<string, number>();
	for (const pod of pods) {
		let total = 0;
		for (const c of pod.spec?.containers ?? []) {
			if (container && c.name !== container) continue;
			const request = c.resources?.requests?.[resource];
			if (request === undefined) return `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`;
			total += resourceValue(resource, request);
		}
		out.set(pod.metadata.name, total);
	}
	return out;
}

/** `GetResourceUtilizationRatio`: the ratio to the target, the whole-percent utilization and the raw average. */
export function utilizationRatio(metrics: Map<string, PodMetric>, requests: Map<string, number>, targetUtilization: number): {ratio: number; utilization: number; rawAverage: number} | string {
	let metricsTotal = 0;
	let requestsTotal = 0;
	let entries = 0;
	for (const [pod, metric] of metrics) {
		const request = requests.get(pod);
		if (request === undefined) continue;
		metricsTotal += metric.value;
		requestsTotal += request;
		entries++;
	}
	if (requestsTotal === 0) return 'no metrics returned matched known pods';
	const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
	return {ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / entries)};
}

export type ReplicaProposal = {replicas: number; utilization: number; rawAverage: number};

/**
 * `GetResourceReplicas`: the replica count a utilization target asks for.
 * Unready pods count as using nothing when scaling up; pods without a
 * metric count as at the target when scaling down and as idle when scaling
 * up; within the tolerance nothing changes.
 */
export function resourceReplicas(currentReplicas: number, targetUtilization: number, resource: string, pods: Pod[], metricsIn: Map<string, PodMetric>, now: number, container?: string): ReplicaProposal | string {
	if (metricsIn.size === 0) return `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`;
	if (pods.length === 0) return 'no pods returned by selector while calculating replica count';
	const metrics = new Map(metricsIn);
	const {readyPodCount, unready, missing, ignored} = groupPods(pods, metrics, resource, now);
	for (const name of [...ignored, ...unready]) metrics.delete(name);
	if (metrics.size === 0) return 'did not receive metrics for targeted pods (pods might be unready)';
	const requests = podRequests(pods, resource, container);
	if (typeof requests === 'string') return requests;
	const first = utilizationRatio(metrics, requests, targetUtilization);
	if (typeof first === 'string') return first;
	const {ratio, utilization, rawAverage} = first;
	const scaleUpWithUnready = unready.size > 0 && ratio > 1;
	if (!scaleUpWithUnready && missing.size === 0) {
		if (Math.abs(1 - ratio) <= tolerance) return {replicas: currentReplicas, utilization, rawAverage};
		return {replicas: Math.ceil(ratio * readyPodCount), utilization, rawAverage};
	}
	if (missing.size > 0) {
		const fallback = Math.max(100, targetUtilization);
		for (const name of missing) {
			const value = ratio < 1 ? Math.trunc(((requests.get(name) ?? 0) * fallback) / 100) : 0;
			if (ratio !== 1) metrics.set(name, {value, timestamp: now, windowMs: 0});
		}
	}
	if (scaleUpWithUnready) for (const name of unready) metrics.set(name, {value: 0, timestamp: now, windowMs: 0});
	const second = utilizationRatio(metrics, requests, targetUtilization);
	if (typeof second === 'string') return second;
	const newRatio = second.ratio;
	if (Math.abs(1 - newRatio) <= tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) {
		return {replicas: currentReplicas, utilization, rawAverage};
	}
	const replicas = Math.ceil(newRatio * metrics.size);
	if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return {replicas: currentReplicas, utilization, rawAverage};
	return {replicas, utilization, rawAverage};
}

/** `GetRawResourceReplicas` (an averageValue target): the same grouping, against a per-pod value. */
export function rawResourceReplicas(currentReplicas: number, targetAverage: number, resource: string, pods: Pod[], metricsIn: Map<string, PodMetric>, now: number): ReplicaProposal | string {
	if (metricsIn.size === 0) return `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`;
	if (pods.length === 0) return 'no pods returned by selector while calculating replica count';
	const metrics = new Map(metricsIn);
	const {readyPodCount, unready, missing, ignored} = groupPods(pods, metrics, resource, now);
	for (const name of [...ignored, ...unready]) metrics.delete(name);
	if (metrics.size === 0) return 'did not receive metrics for targeted pods (pods might be unready)';
	let total = 0;
	for (const metric of metrics.values()) total += metric.value;
	const rawAverage = Math.trunc(total / metrics.size);
	const ratio = total / (targetAverage * metrics.size);
	const scaleUpWithUnready = unready.size > 0 && ratio > 1;
	if (!scaleUpWithUnready && missing.size === 0) {
		if (Math.abs(1 - ratio) <= tolerance) return {replicas: currentReplicas, utilization: 0, rawAverage};
		return {replicas: Math.ceil(total / targetAverage), utilization: 0, rawAverage};
	}
	for (const name of missing) metrics.set(name, {value: ratio < 1 ? targetAverage : 0, timestamp: now, windowMs: 0});
	if (scaleUpWithUnready) for (const name of unready) metrics.set(name, {value: 0, timestamp: now, windowMs: 0});
	let newTotal = 0;
	for (const metric of metrics.values()) newTotal += metric.value;
	const newRatio = newTotal / (targetAverage * metrics.size);
	if (Math.abs(1 - newRatio) <= tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return {replicas: currentReplicas, utilization: 0, rawAverage};
	const replicas = Math.ceil(newTotal / targetAverage);
	if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return {replicas: currentReplicas, utilization: 0, rawAverage};
	return {replicas, utilization: 0, rawAverage};
}

// ----- normalization -------------------------------------------------------------------

export type Recommendation = {recommendation: number; timestamp: number};
export type ScaleEvent = {replicaChange: number; timestamp: number; outdated: boolean};
export type Limited = {replicas: number; reason: string; message: string};

/** `stabilizeRecommendation` (no behavior): the highest recommendation of the last five minutes. Updates `history`. */
export function stabilizeRecommendation(history: Recommendation[], desired: number, now: number): number {
	let max = desired;
	let reuse = -1;
	const cutoff = now - downscaleStabilisationWindowMs;
	for (const [i, rec] of history.entries()) {
		if (rec.timestamp > cutoff) max = Math.max(max, rec.recommendation);
		else reuse = i;
	}
	if (reuse >= 0) history[reuse] = {recommendation: desired, timestamp: now};
	else history.push({recommendation: desired, timestamp: now});
	return max;
}

/** `convertDesiredReplicasWithRules` (no behavior): min and max, and at most double (at least 4) per step. */
export function limitWithRules(current: number, desired: number, min: number, max: number): Limited {
	const scaleUpLimit = Math.max(2 * current, 4);
	let minimumAllowed: number;
	let minimumReason: string;
	if (min === 0) {
		minimumAllowed = 1;
		minimumReason = 'the desired replica count is zero';
	} else {
		minimumAllowed = min;
		minimumReason = 'the desired replica count is less than the minimum replica count';
	}
	let maximumAllowed: number;
	let maximumCondition: string;
	let maximumReason: string;
	if (max > scaleUpLimit) {
		maximumAllowed = scaleUpLimit;
		maximumCondition = 'ScaleUpLimit';
		maximumReason = 'the desired replica count is increasing faster than the maximum scale rate';
	} else {
		maximumAllowed = max;
		maximumCondition = 'TooManyReplicas';
		maximumReason = 'the desired replica count is more than the maximum replica count';
	}
	if (desired < minimumAllowed) return {replicas: minimumAllowed, reason: 'TooFewReplicas', message: minimumReason};
	if (desired > maximumAllowed) return {replicas: maximumAllowed, reason: maximumCondition, message: maximumReason};
	return {replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range'};
}

/**
 * `stabilizeRecommendationWithBehaviors`: scale up no further than the
 * lowest recommendation of the scale-up window, down no further than the
 * highest of the scale-down window. Updates `history`.
 */
export function stabilizeWithBehaviors(history: Recommendation[], current: number, desired: number, upWindowSeconds: number, downWindowSeconds: number, now: number): Limited {
	let up = desired;
	let down = desired;
	const upCutoff = now - upWindowSeconds * 1000;
	const downCutoff = now - downWindowSeconds * 1000;
	const obsoleteCutoff = now - Math.max(upWindowSeconds, downWindowSeconds) * 1000;
	let reuse = -1;
	for (const [i, rec] of history.entries()) {
		if (rec.timestamp > upCutoff) up = Math.min(up, rec.recommendation);
		if (rec.timestamp > downCutoff) down = Math.max(down, rec.recommendation);
		if (rec.timestamp < obsoleteCutoff) reuse = i;
	}
	let recommendation = current;
	if (recommendation < up) recommendation = up;
	if (recommendation > down) recommendation = down;
	if (reuse >= 0) history[reuse] = {recommendation: desired, timestamp: now};
	else history.push({recommendation: desired, timestamp: now});
	return desired >= current
		? {replicas: recommendation, reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation'}
		: {replicas: recommendation, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation'};
}

/** `getReplicasChangePerPeriod`: replicas added (or removed) within the last `periodSeconds`. */
function changeInPeriod(periodSeconds: number, events: ScaleEvent[], now: number): number {
	const cutoff = now - periodSeconds * 1000;
	let change = 0;
	for (const event of events) if (event.timestamp > cutoff) change += event.replicaChange;
	return change;
}

/** `calculateScaleUpLimitWithScalingRules`. */
export function scaleUpLimit(current: number, events: ScaleEvent[], rules: ScalingRules, now: number): number {
	if (rules.selectPolicy === 'Disabled') return current;
	const useMin = rules.selectPolicy === 'Min';
	let result = useMin ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
	for (const policy of rules.policies ?? []) {
		const periodStart = current - changeInPeriod(policy.periodSeconds, events, now);
		const proposed = policy.type === 'Pods' ? periodStart + policy.value : Math.ceil(periodStart * (1 + policy.value / 100));
		result = useMin ? Math.min(result, proposed) : Math.max(result, proposed);
	}
	return result;
}

/** `calculateScaleDownLimitWithBehaviors`. */
export function scaleDownLimit(current: number, events: ScaleEvent[], rules: ScalingRules, now: number): number {
	if (rules.selectPolicy === 'Disabled') return current;
	const useMin = rules.selectPolicy === 'Min';
	let result = useMin ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
	for (const policy of rules.policies ?? []) {
		const periodStart = current + changeInPeriod(policy.periodSeconds, events, now);
		const proposed = policy.type === 'Pods' ? periodStart - policy.value : Math.trunc(periodStart * (1 - policy.value / 100));
		result = useMin ? Math.max(result, proposed) : Math.min(result, proposed);
	}
	return result;
}

/** `convertDesiredReplicasWithBehaviorRate`: min, max and the policies' rate limits. */
export function limitWithBehaviors(current: number, desired: number, min: number, max: number, up: ScalingRules, down: ScalingRules, upEvents: ScaleEvent[], downEvents: ScaleEvent[], now: number): Limited {
	if (desired > current) {
		const limit = Math.max(scaleUpLimit(current, upEvents, up, now), current);
		let maximumAllowed = max;
		let reason = 'TooManyReplicas';
		let message = 'the desired replica count is more than the maximum replica count';
		if (maximumAllowed > limit) {
			maximumAllowed = limit;
			reason = 'ScaleUpLimit';
			message = 'the desired replica count is increasing faster than the maximum scale rate';
		}
		if (desired > maximumAllowed) return {replicas: maximumAllowed, reason, message};
	} else if (desired < current) {
		const limit = Math.min(scaleDownLimit(current, downEvents, down, now), current);
		let minimumAllowed = min;
		let reason = 'TooFewReplicas';
		let message = 'the desired replica count is less than the minimum replica count';
		if (minimumAllowed < limit) {
			minimumAllowed = limit;
			reason = 'ScaleDownLimit';
			message = 'the desired replica count is decreasing faster than the maximum scale rate';
		}
		if (desired < minimumAllowed) return {replicas: minimumAllowed, reason, message};
	}
	return {replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range'};
}

/** `storeScaleEvent`: remember a rescale for the policies' periods, reusing a slot older than the longest one. */
export function storeScaleEvent(events: ScaleEvent[], change: number, longestPeriodSeconds: number, now: number): void {
	const cutoff = now - longestPeriodSeconds * 1000;
	let reuse = -1;
	for (const [i, event] of events.entries()) {
		if (event.timestamp < cutoff) {
			event.outdated = true;
			reuse = i;
		}
	}
	const fresh = {replicaChange: change, timestamp: now, outdated: false};
	if (reuse >= 0) events[reuse] = fresh;
	else events.push(fresh);
}
