import test from 'ava';
import type {Pod} from '../../../source/engine/api/types.js';
import {rfc3339} from '../../../source/engine/clock.js';
import {limitWithBehaviors, limitWithRules, resourceReplicas, scaleDownLimit, scaleUpLimit, stabilizeRecommendation, type PodMetric} from '../../../source/engine/controllers/horizontal-util.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A running pod requesting `request` milli-CPU, started `startedAgo` ms ago and Ready since `readyAgo` ms (or not ready). */
function pod(name: string, request: number, options: {phase?: string; ready?: boolean; startedAgo?: number; readyAgo?: number} = {}): Pod {
	const started = now - (options.startedAgo ?? 600_000);
	return {
		apiVersion: 'v1', kind: 'Pod', metadata: {name, uid: name, resourceVersion: '1', creationTimestamp: rfc3339(started)},
		spec: {containers: [{name: 'c', image: 'x', resources: {requests: {cpu: `${request}m`}}}]},
		status: {
			phase: (options.phase ?? 'Running') as any,
			startTime: rfc3339(started),
			conditions: [{type: 'Ready', status: options.ready === false ? 'False' : 'True', lastTransitionTime: rfc3339(now - (options.readyAgo ?? 590_000))}],
		},
	} as Pod;
}

const sample = (value: number): PodMetric => ({value, timestamp: now - 5000, windowMs: 15_000});

const cases: Array<{name: string; current: number; pods: Pod[]; metrics: Record<string, number>; target: number; replicas: number}> = [
	{name: 'within the 10% tolerance nothing changes', current: 2, pods: [pod('a', 100), pod('b', 100)], metrics: {a: 55, b: 54}, target: 50, replicas: 2},
	{name: 'ceil(current × utilization / target)', current: 2, pods: [pod('a', 100), pod('b', 100)], metrics: {a: 90, b: 80}, target: 50, replicas: 4},
	{name: 'scale down', current: 4, pods: [pod('a', 100), pod('b', 100), pod('c', 100), pod('d', 100)], metrics: {a: 10, b: 10, c: 10, d: 10}, target: 50, replicas: 1},
	// 150% alone asks for 3×; with the unready pod at 0 it is 75%: ceil(2 × 1.5) = 3.
	{name: 'an unready pod counts as idle when scaling up', current: 2, pods: [pod('a', 100), pod('b', 100, {ready: false, startedAgo: 60_000, readyAgo: 60_000})], metrics: {a: 150, b: 150}, target: 50, replicas: 3},
	// 100% with the pending pod at 0 is 50%: on target, so no change.
	{name: 'a pending pod counts as idle when scaling up', current: 2, pods: [pod('a', 100), pod('b', 100, {phase: 'Pending'})], metrics: {a: 100}, target: 50, replicas: 2},
	{name: 'a pod without a metric counts as at 100% when scaling down', current: 2, pods: [pod('a', 100), pod('b', 100)], metrics: {a: 10}, target: 50, replicas: 2},
	{name: 'a pod without a metric counts as idle when scaling up', current: 3, pods: [pod('a', 100), pod('b', 100), pod('c', 100)], metrics: {a: 200, b: 200}, target: 50, replicas: 8},
	{name: 'a failed or deleted pod is ignored', current: 2, pods: [pod('a', 100), pod('b', 100, {phase: 'Failed'})], metrics: {a: 100, b: 0}, target: 50, replicas: 2},
];

for (const c of cases) {
	test(`resourceReplicas: ${c.name}`, t => {
		const metrics = new Map(Object.entries(c.metrics).map(([k, v]) => [k, sample(v)]));
		const result = resourceReplicas(c.current, c.target, 'cpu', c.pods, metrics, now);
		t.is(typeof result === 'string' ? result : result.replicas, c.replicas);
	});
}

test('resourceReplicas: the errors the controller reports', t => {
	t.is(resourceReplicas(1, 50, 'cpu', [pod('a', 100)], new Map(), now), 'unable to get metrics for resource cpu: no metrics returned from resource metrics API');
	t.is(resourceReplicas(1, 50, 'cpu', [pod('a', 100, {phase: 'Pending'})], new Map([['a', sample(1)]]), now), 'did not receive metrics for targeted pods (pods might be unready)');
	const noRequest = pod('a', 100);
	noRequest.spec!.containers[0]!.resources = {};
	t.is(resourceReplicas(1, 50, 'cpu', [noRequest], new Map([['a', sample(1)]]), now), 'missing request for cpu in container c of Pod a');
});

test('stabilization keeps the highest recommendation of five minutes', t => {
	const history = [{recommendation: 6, timestamp: now - 240_000}, {recommendation: 9, timestamp: now - 360_000}];
	t.is(stabilizeRecommendation(history, 2, now), 6);
	// The outdated slot is reused for the new recommendation.
	t.deepEqual(history[1], {recommendation: 2, timestamp: now});
});

test('the default rules: min, max, and a step of at most max(2×, 4)', t => {
	t.like(limitWithRules(1, 9, 1, 10), {replicas: 4, reason: 'ScaleUpLimit'});
	t.like(limitWithRules(3, 9, 1, 10), {replicas: 6, reason: 'ScaleUpLimit'});
	t.like(limitWithRules(8, 30, 1, 10), {replicas: 10, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count'});
	t.like(limitWithRules(3, 0, 2, 10), {replicas: 2, reason: 'TooFewReplicas'});
	t.like(limitWithRules(3, 5, 1, 10), {replicas: 5, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range'});
});

test('behavior policies: Max picks the largest change, Min the smallest, within each period', t => {
	const up = {selectPolicy: 'Max' as const, policies: [{type: 'Pods' as const, value: 4, periodSeconds: 15}, {type: 'Percent' as const, value: 100, periodSeconds: 15}]};
	t.is(scaleUpLimit(10, [], up, now), 20);
	t.is(scaleUpLimit(2, [], up, now), 6);
	t.is(scaleUpLimit(10, [], {...up, selectPolicy: 'Min'}, now), 14);
	t.is(scaleUpLimit(10, [], {...up, selectPolicy: 'Disabled'}, now), 10);
	// 3 replicas added 10 s ago count against the 15 s period.
	t.is(scaleUpLimit(10, [{replicaChange: 3, timestamp: now - 10_000, outdated: false}], up, now), 14);
	const down = {selectPolicy: 'Max' as const, policies: [{type: 'Percent' as const, value: 10, periodSeconds: 60}]};
	t.is(scaleDownLimit(10, [], down, now), 9);
	t.like(limitWithBehaviors(10, 2, 1, 20, up, down, [], [], now), {replicas: 9, reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate'});
});
