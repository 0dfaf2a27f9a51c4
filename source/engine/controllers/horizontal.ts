import type {Controller, ControllerContext} from '../controller.js';
import type {Pod} from '../api/types.js';
import {keyOf, objectKey} from '../store.js';
import {parseTime, rfc3339} from '../clock.js';
import {labelSelectorFromObject, matchesLabels, selectorIsEmpty} from '../api/selectors.js';
import {writeStatusIfChanged} from './controller-utils.js';
import {podUsage} from '../runtime/inspect.js';
import '../api/autoscaling-objects.js';
import type {HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, HpaCondition, MetricSpec, MetricStatus, ScalingRules} from '../api/autoscaling-objects.js';
import {
	downscaleStabilisationWindowMs, limitWithBehaviors, limitWithRules, rawResourceReplicas, resourceReplicas, resourceValue,
	stabilizeRecommendation, stabilizeWithBehaviors, storeScaleEvent, syncPeriodMs,
	type PodMetric, type Recommendation, type ReplicaProposal, type ScaleEvent,
} from './horizontal-util.js';

export const hpaControllerName = 'horizontal-pod-autoscaler';

/** The HPA controller's saved history, by HPA key (see its part in `createHorizontalPodAutoscalerController`). */
type SavedHorizontal = {
	recommendations: Array<[key: string, list: Array<[recommendation: number, timestamp: number]>]>;
	scaleUpEvents: Array<[key: string, list: Array<[replicaChange: number, timestamp: number, outdated: boolean]>]>;
	scaleDownEvents: Array<[key: string, list: Array<[replicaChange: number, timestamp: number, outdated: boolean]>]>;
};

/** The kinds with a scale subresource, and how errors name that subresource. */
const scalable: Record<string, string> = {Deployment: 'deployments/scale.apps', ReplicaSet: 'replicasets/scale.apps', StatefulSet: 'statefulsets/scale.apps'};

/** How long the metrics API says a sample covers (metrics-server's window). */
const metricWindowMs = 15_000;

/** A pod's `resource` use as the resource metrics API reports it, sampled at metrics-server's 15 s resolution. */
function podMetric(context: ControllerContext, pod: Pod, resource: string, container: string | undefined, now: number): PodMetric | undefined {
	// metrics-server reports a container from its second scrape on: nothing for one resolution after it started.
	const started = (pod.status?.containerStatuses ?? []).map(s => parseTime(s.state?.running?.startedAt)).filter((t): t is number => t !== undefined);
	if (started.length === 0 || now - Math.max(...started) < metricWindowMs) return undefined;
	const usage = podUsage(context, pod);
	if (!usage) return undefined;
	const containers = container ? usage.containers.filter(c => c.name === container) : usage.containers;
	if (containers.length === 0) return undefined;
	const value = containers.reduce((sum, c) => sum + (resource === 'cpu' ? c.cpuMilli : resource === 'memory' ? c.memoryBytes : 0), 0);
	return {value, timestamp: Math.floor(now / metricWindowMs) * metricWindowMs, windowMs: metricWindowMs};
}

function quantityOf(resource: string, value: number): string {
	return resource === 'cpu' ? `${value}m` : String(value);
}

/** `setCondition`: a new transition time only when the status changes. */
function setCondition(conditions: HpaCondition[], type: HpaCondition['type'], status: HpaCondition['status'], reason: string, message: string, now: string): void {
	const existing = conditions.find(c => c.type === type);
	if (!existing) {
		conditions.push({type, status, lastTransitionTime: now, reason, message});
		return;
	}
	if (existing.status !== status) existing.lastTransitionTime = now;
	existing.status = status;
	existing.reason = reason;
	existing.message = message;
}

/** A metric that failed: the error the compute step reports, and the warning event's (and condition's) own text. */
type MetricResult = {replicas: number; name: string; status: MetricStatus} | {error: string; reason: string; event: string; status: MetricStatus};

/**
 * The HorizontalPodAutoscaler controller (`pkg/controller/podautoscaler`):
 * every 15 s it reads the target's scale and its pods' CPU or memory from
 * the metrics the kubelets report, computes the replicas the targets ask
 * for, stabilizes and rate-limits that recommendation (the default rules or
 * the HPA's behavior), scales the target and writes the status, the
 * conditions and the events. An HPA costs one timer per sync period.
 */
export function createHorizontalPodAutoscalerController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const source = {component: hpaControllerName};
	const recommendations = new Map<string, Recommendation[]>();
	const scaleUpEvents = new Map<string, ScaleEvent[]>();
	const scaleDownEvents = new Map<string, ScaleEvent[]>();
	/** Saved: each HPA's history, by key: its recommendations and its scale events up and down. */
	context.state.register<SavedHorizontal>('horizontal', {
		save: () => ({
			recommendations: [...recommendations].map(([key, list]) => [key, list.map(r => [r.recommendation, r.timestamp])]),
			scaleUpEvents: [...scaleUpEvents].map(([key, list]) => [key, list.map(e => [e.replicaChange, e.timestamp, e.outdated])]),
			scaleDownEvents: [...scaleDownEvents].map(([key, list]) => [key, list.map(e => [e.replicaChange, e.timestamp, e.outdated])]),
		}),
		load(saved) {
			recommendations.clear();
			scaleUpEvents.clear();
			scaleDownEvents.clear();
			for (const [key, list] of saved.recommendations) recommendations.set(key, list.map(([recommendation, timestamp]) => ({recommendation, timestamp})));
			for (const [key, list] of saved.scaleUpEvents) scaleUpEvents.set(key, list.map(([replicaChange, timestamp, outdated]) => ({replicaChange, timestamp, outdated})));
			for (const [key, list] of saved.scaleDownEvents) scaleDownEvents.set(key, list.map(([replicaChange, timestamp, outdated]) => ({replicaChange, timestamp, outdated})));
		},
	});

	function computeMetric(hpa: HorizontalPodAutoscaler, metric: MetricSpec, currentReplicas: number, pods: Pod[], now: number): MetricResult {
		const containerSource = metric.type === 'ContainerResource' ? metric.containerResource : undefined;
		const resourceSource = metric.type === 'Resource' ? metric.resource : containerSource;
		if (!resourceSource) {
			// Only the resource metrics API is served: custom and external metrics have no adapter behind them.
			const custom = 'unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered';
			const namespace = hpa.metadata.namespace ?? 'default';
			if (metric.type === 'Pods') {
				const event = `unable to get metric ${metric.pods?.metric.name ?? ''}: ${custom}`;
				return {error: `failed to get pods metric value: ${event}`, event, reason: 'FailedGetPodsMetric', status: {type: metric.type}};
			}
			if (metric.type === 'Object') {
				const ref = metric.object?.describedObject;
				const event = `unable to get metric ${metric.object?.metric.name ?? ''}: ${ref?.kind ?? ''} on ${namespace} ${ref?.name ?? ''}/${custom}`;
				return {error: `failed to get object metric value: ${event}`, event, reason: 'FailedGetObjectMetric', status: {type: metric.type}};
			}
			const event = `unable to get external metric ${namespace}/${metric.external?.metric.name ?? ''}/nil: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered`;
			return {error: `failed to get external metric value: ${event}`, event, reason: 'FailedGetExternalMetric', status: {type: metric.type}};
		}
		const resource = resourceSource.name;
		const container = containerSource?.container;
		const metrics = new Map<string, PodMetric>();
		for (const pod of pods) {
			const sample = podMetric(context, pod, resource, container, now);
			if (sample) metrics.set(pod.metadata.name, sample);
		}
		const target = resourceSource.target;
		const reason = containerSource ? 'FailedGetContainerResourceMetric' : 'FailedGetResourceMetric';
		const empty: MetricStatus = {type: metric.type};
		let proposal: ReplicaProposal | string;
		let name: string;
		if (target.averageValue !== undefined) {
			proposal = rawResourceReplicas(currentReplicas, resourceValue(resource, target.averageValue), resource, pods, metrics, now);
			name = `${resource} resource`;
		} else {
			proposal = resourceReplicas(currentReplicas, target.averageUtilization ?? 0, resource, pods, metrics, now, container);
			name = `${resource} resource utilization (percentage of request)`;
		}
		if (typeof proposal === 'string') {
			const detail = target.averageValue !== undefined ? `failed to get ${resource} usage: ${proposal}` : `failed to get ${resource} utilization: ${proposal}`;
			return {error: detail, event: detail, reason, status: empty};
		}
		if (container) name = `${resource} container resource utilization (percentage of request)`;
		const current = {
			...(target.averageValue === undefined ? {averageUtilization: proposal.utilization} : {}),
			averageValue: quantityOf(resource, proposal.rawAverage),
		};
		const status: MetricStatus = containerSource
			? {type: 'ContainerResource', containerResource: {name: resource, container: container!, current}}
			: {type: 'Resource', resource: {name: resource, current}};
		return {replicas: proposal.replicas, name, status};
	}

	function targetPods(namespace: string, selector: ReturnType<typeof labelSelectorFromObject>): Pod[] {
		return (store.list('Pod', namespace) as Pod[]).filter(pod => matchesLabels(selector, pod.metadata.labels));
	}

	function reconcile(hpa: HorizontalPodAutoscaler, key: string): void {
		const now = clock.now();
		const nowText = rfc3339(now);
		const spec = hpa.spec!;
		const namespace = hpa.metadata.namespace ?? 'default';
		const conditions: HpaCondition[] = (hpa.status?.conditions ?? []).map(c => ({...c}));
		const previous = hpa.status ?? {};
		const write = (status: HorizontalPodAutoscalerStatus) => {
			writeStatusIfChanged(store, hpa, {...status, conditions});
		};
		const ref = spec.scaleTargetRef;
		const subresource = scalable[ref.kind];
		const target = subresource ? store.get(ref.kind, namespace, ref.name) : undefined;
		if (!target) {
			const error = subresource
				? `${subresource} "${ref.name}" not found`
				: `no matches for kind "${ref.kind}" in group "${(ref.apiVersion ?? '').split('/').length > 1 ? ref.apiVersion!.split('/')[0] : ''}"`;
			events.warning(hpa, 'FailedGetScale', error, source);
			setCondition(conditions, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${error}`, nowText);
			write({...previous, currentReplicas: previous.currentReplicas ?? 0, desiredReplicas: previous.desiredReplicas ?? 0});
			return;
		}
		setCondition(conditions, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", nowText);
		const currentReplicas: number = target.spec?.replicas ?? 1;
		const minReplicas = spec.minReplicas ?? 1;
		let desiredReplicas = 0;
		let rescaleReason = '';
		let metricStatuses: MetricStatus[] | undefined = previous.currentMetrics ?? undefined;
		if (currentReplicas === 0 && minReplicas !== 0) {
			setCondition(conditions, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', nowText);
			desiredReplicas = 0;
		} else if (currentReplicas > spec.maxReplicas) {
			rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
			desiredReplicas = spec.maxReplicas;
		} else if (currentReplicas < minReplicas) {
			rescaleReason = 'Current number of replicas below Spec.MinReplicas';
			desiredReplicas = minReplicas;
		} else {
			const selectorObject = target.spec?.selector;
			const selector = selectorObject ? labelSelectorFromObject(selectorObject) : undefined;
			if (!selector || selectorIsEmpty(selector)) {
				events.warning(hpa, 'SelectorRequired', 'selector is required', source);
				setCondition(conditions, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector", nowText);
				write({...previous, currentReplicas, desiredReplicas: previous.desiredReplicas ?? 0});
				return;
			}
			const pods = targetPods(namespace, selector);
			const results = (spec.metrics ?? []).map(metric => computeMetric(hpa, metric, currentReplicas, pods, now));
			metricStatuses = results.map(r => r.status);
			let metricReplicas = 0;
			let metricName = '';
			let firstError: {error: string; reason: string; event: string} | undefined;
			let invalid = 0;
			for (const result of results) {
				if ('error' in result) {
					invalid++;
					firstError ??= result;
					events.warning(hpa, result.reason, result.event, source);
					continue;
				}
				if (metricName === '' || result.replicas > metricReplicas) {
					metricReplicas = result.replicas;
					metricName = result.name;
				}
			}
			if (firstError && invalid >= results.length) {
				setCondition(conditions, 'ScalingActive', 'False', firstError.reason, `the HPA was unable to compute the replica count: ${firstError.event}`, nowText);
				events.warning(hpa, 'FailedComputeMetricsReplicas', `invalid metrics (${invalid} invalid out of ${results.length}), first error is: ${firstError.error}`, source);
				write({...previous, currentReplicas, desiredReplicas: previous.desiredReplicas ?? 0, currentMetrics: metricStatuses});
				return;
			}
			setCondition(conditions, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metricName}`, nowText);
			desiredReplicas = metricReplicas;
			if (desiredReplicas > currentReplicas) rescaleReason = `${metricName} above target`;
			if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
			desiredReplicas = normalize(hpa, key, conditions, currentReplicas, desiredReplicas, minReplicas, now, nowText);
		}
		const rescale = desiredReplicas !== currentReplicas;
		let lastScaleTime = previous.lastScaleTime;
		if (rescale) {
			store.patch(target, draft => {
				draft.spec = {...draft.spec, replicas: desiredReplicas};
			});
			setCondition(conditions, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`, nowText);
			events.normal(hpa, 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`, source);
			rememberScaleEvent(hpa, key, currentReplicas, desiredReplicas, now);
			lastScaleTime = nowText;
		}
		write({
			...(lastScaleTime ? {lastScaleTime} : {}),
			currentReplicas,
			desiredReplicas,
			...(metricStatuses ? {currentMetrics: metricStatuses} : {}),
		});
	}

	function normalize(hpa: HorizontalPodAutoscaler, key: string, conditions: HpaCondition[], current: number, prenormalized: number, min: number, now: number, nowText: string): number {
		const history = recommendations.get(key) ?? [];
		recommendations.set(key, history);
		const behavior = hpa.spec!.behavior;
		if (!behavior) {
			const stabilized = stabilizeRecommendation(history, prenormalized, now);
			if (stabilized !== prenormalized) {
				setCondition(conditions, 'AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation', nowText);
			} else {
				setCondition(conditions, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', nowText);
			}
			const limited = limitWithRules(current, stabilized, min, hpa.spec!.maxReplicas);
			setCondition(conditions, 'ScalingLimited', limited.replicas === stabilized ? 'False' : 'True', limited.reason, limited.message, nowText);
			return limited.replicas;
		}
		const up: ScalingRules = behavior.scaleUp ?? {};
		const down: ScalingRules = {...behavior.scaleDown, stabilizationWindowSeconds: behavior.scaleDown?.stabilizationWindowSeconds ?? downscaleStabilisationWindowMs / 1000};
		const stabilized = stabilizeWithBehaviors(history, current, prenormalized, up.stabilizationWindowSeconds ?? 0, down.stabilizationWindowSeconds!, now);
		if (stabilized.replicas !== prenormalized) setCondition(conditions, 'AbleToScale', 'True', stabilized.reason, stabilized.message, nowText);
		else setCondition(conditions, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', nowText);
		const limited = limitWithBehaviors(current, stabilized.replicas, min, hpa.spec!.maxReplicas, up, down, scaleUpEvents.get(key) ?? [], scaleDownEvents.get(key) ?? [], now);
		setCondition(conditions, 'ScalingLimited', limited.replicas === stabilized.replicas ? 'False' : 'True', limited.reason, limited.message, nowText);
		return limited.replicas;
	}

	function rememberScaleEvent(hpa: HorizontalPodAutoscaler, key: string, previous: number, next: number, now: number): void {
		const behavior = hpa.spec!.behavior;
		if (!behavior) return;
		const longest = (rules: ScalingRules | undefined) => Math.max(0, ...(rules?.policies ?? []).map(p => p.periodSeconds));
		if (next > previous) {
			const list = scaleUpEvents.get(key) ?? [];
			scaleUpEvents.set(key, list);
			storeScaleEvent(list, next - previous, longest(behavior.scaleUp), now);
		} else if (next < previous) {
			const list = scaleDownEvents.get(key) ?? [];
			scaleDownEvents.set(key, list);
			storeScaleEvent(list, previous - next, longest(behavior.scaleDown), now);
		}
	}

	return {
		name: hpaControllerName,
		watches: {
			// As the real controller, an added or changed HPA waits one sync period in the queue.
			HorizontalPodAutoscaler: ({type, object}) => {
				const key = keyOf(object);
				if (type === 'DELETED') {
					recommendations.delete(key);
					scaleUpEvents.delete(key);
					scaleDownEvents.delete(key);
					return undefined;
				}
				context.queue(hpaControllerName).addAfter(key, syncPeriodMs);
				return undefined;
			},
		},
		sync(key) {
			const hpa = store.getByKey('HorizontalPodAutoscaler', key) as HorizontalPodAutoscaler | undefined;
			if (!hpa) return;
			context.queue(hpaControllerName).addAfter(key, syncPeriodMs);
			if (hpa.metadata.deletionTimestamp) return;
			reconcile(hpa, objectKey(hpa.metadata.namespace, hpa.metadata.name));
		},
	};
}

