import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster, type Cluster} from '../../../source/engine/cluster.js';
import type {KubeEvent} from '../../../source/engine/api/types.js';
import type {HorizontalPodAutoscaler} from '../../../source/engine/api/autoscaling-objects.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/docs/${name}`, import.meta.url), 'utf8');

function hpa(cluster: Cluster, name = 'php-apache'): HorizontalPodAutoscaler {
	return cluster.get('HorizontalPodAutoscaler', name) as HorizontalPodAutoscaler;
}

function condition(cluster: Cluster, type: string, name = 'php-apache') {
	return hpa(cluster, name).status?.conditions?.find(c => c.type === type);
}

function hpaEvents(cluster: Cluster, name = 'php-apache'): KubeEvent[] {
	return cluster.eventsFor(hpa(cluster, name)) as KubeEvent[];
}

function walkthrough(seed = 3): Cluster {
	const cluster = createCluster({seed, nodes: 3});
	cluster.apply(fixture('php-apache.yaml'));
	cluster.apply(fixture('hpa-php-apache.yaml'));
	return cluster;
}

test('the docs walkthrough: idle php-apache stays at one replica at 0% of its 50% target', t => {
	const cluster = walkthrough();
	t.deepEqual(hpa(cluster).spec?.minReplicas, 1);
	t.like(hpa(cluster).status, {currentReplicas: 0, desiredReplicas: 0});
	cluster.advance(90_000);
	const status = hpa(cluster).status!;
	t.is(status.currentReplicas, 1);
	t.is(status.desiredReplicas, 1);
	t.deepEqual(status.currentMetrics, [{type: 'Resource', resource: {name: 'cpu', current: {averageUtilization: 0, averageValue: status.currentMetrics![0]!.resource!.current.averageValue}}}]);
	t.like(condition(cluster, 'AbleToScale'), {status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size'});
	t.like(condition(cluster, 'ScalingActive'), {status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)'});
	t.like(condition(cluster, 'ScalingLimited'), {status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count'});
	t.deepEqual(hpa(cluster).status?.conditions?.map(c => c.type), ['AbleToScale', 'ScalingActive', 'ScalingLimited']);
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 1);
});

test('the docs walkthrough: load raises CPU, the HPA scales up at most to max(2×, 4) per sync, then down after the 5-minute window', t => {
	const cluster = walkthrough();
	cluster.advance(90_000);
	cluster.startTraffic('php-apache', {rps: 100});
	cluster.advance(16_000);
	// One pod capped at its 500m limit: 250% of the 200m request; ceil(1 × 250/50) = 5, limited to 4.
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 4);
	const first = hpaEvents(cluster).find(e => e.reason === 'SuccessfulRescale');
	t.is(first?.message, 'New size: 4; reason: cpu resource utilization (percentage of request) above target');
	t.like(hpa(cluster).status?.currentMetrics?.[0]?.resource?.current, {averageUtilization: 250});
	t.like(condition(cluster, 'ScalingLimited'), {status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate'});
	t.like(condition(cluster, 'AbleToScale'), {status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 4'});
	t.truthy(hpa(cluster).status?.lastScaleTime);
	cluster.advance(5 * 60_000);
	const loaded = cluster.get('Deployment', 'php-apache')!.spec!.replicas as number;
	t.true(loaded > 4 && loaded <= 10, String(loaded));
	const utilization = hpa(cluster).status!.currentMetrics![0]!.resource!.current.averageUtilization!;
	t.true(Math.abs(utilization / 50 - 1) <= 0.1 || loaded === 10, `${utilization}% at ${loaded}`);
	t.is(cluster.get('Deployment', 'php-apache')!.status!.readyReplicas, loaded);

	cluster.stopTraffic('php-apache');
	cluster.advance(4 * 60_000);
	// Recommendations of the last five minutes still hold the size up.
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, loaded);
	t.like(condition(cluster, 'AbleToScale'), {reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation'});
	cluster.advance(2 * 60_000);
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 1);
	t.is(hpaEvents(cluster).filter(e => e.reason === 'SuccessfulRescale').at(-1)?.message, 'New size: 1; reason: All metrics below target');
});

test('a container without a CPU request: ScalingActive False and the controller\'s warning', t => {
	const cluster = createCluster({seed: 5, nodes: 2});
	cluster.apply(fixture('php-apache.yaml').replace(/\s+resources:\n(\s+.*\n){4}/, '\n'));
	cluster.apply(fixture('hpa-php-apache.yaml'));
	cluster.advance(60_000);
	const pod = cluster.list('Pod', {labelSelector: 'run=php-apache'})[0]!;
	const error = `failed to get cpu utilization: missing request for cpu in container php-apache of Pod ${pod.metadata.name}`;
	t.like(condition(cluster, 'ScalingActive'), {status: 'False', reason: 'FailedGetResourceMetric', message: `the HPA was unable to compute the replica count: ${error}`});
	const warnings = hpaEvents(cluster).filter(e => e.type === 'Warning');
	t.true(warnings.some(e => e.reason === 'FailedGetResourceMetric' && e.message === error));
	t.true(warnings.some(e => e.reason === 'FailedComputeMetricsReplicas' && e.message === `invalid metrics (1 invalid out of 1), first error is: ${error}`));
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 1);
});

test('a missing target: AbleToScale False with FailedGetScale', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply(fixture('hpa-php-apache.yaml'));
	cluster.advance(20_000);
	t.like(condition(cluster, 'AbleToScale'), {status: 'False', reason: 'FailedGetScale', message: 'the HPA controller was unable to get the target\'s current scale: deployments/scale.apps "php-apache" not found'});
	t.true(hpaEvents(cluster).some(e => e.reason === 'FailedGetScale' && e.message === 'deployments/scale.apps "php-apache" not found'));
});

test('the target below minReplicas is scaled up to it; above maxReplicas down to it', t => {
	const cluster = walkthrough();
	cluster.advance(30_000);
	cluster.scale('Deployment', 'php-apache', 14);
	cluster.advance(16_000);
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 10);
	t.is(hpaEvents(cluster).find(e => e.reason === 'SuccessfulRescale')?.message, 'New size: 10; reason: Current number of replicas above Spec.MaxReplicas');
	cluster.apply(fixture('hpa-php-apache.yaml').replace('minReplicas: 1', 'minReplicas: 12').replace('maxReplicas: 10', 'maxReplicas: 20'));
	cluster.advance(16_000);
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 12);
	t.true(hpaEvents(cluster).some(e => e.message === 'New size: 12; reason: Current number of replicas below Spec.MinReplicas'));
});

test('a target scaled to zero disables autoscaling', t => {
	const cluster = walkthrough();
	cluster.advance(30_000);
	cluster.scale('Deployment', 'php-apache', 0);
	cluster.advance(16_000);
	t.like(condition(cluster, 'ScalingActive'), {status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero'});
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 0);
});

test('behavior: a Pods policy limits the scale-up rate and a scale-down window of 0 scales down at once', t => {
	const cluster = walkthrough();
	cluster.apply(fixture('hpa-php-apache.yaml').replace('  metrics:', [
		'  behavior:',
		'    scaleUp:',
		'      policies:',
		'      - type: Pods',
		'        value: 1',
		'        periodSeconds: 60',
		'    scaleDown:',
		'      stabilizationWindowSeconds: 0',
		'  metrics:',
	].join('\n')));
	// Defaulting fills what the behavior leaves out.
	t.deepEqual(hpa(cluster).spec?.behavior, {
		scaleUp: {stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{type: 'Pods', value: 1, periodSeconds: 60}]},
		scaleDown: {stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{type: 'Percent', value: 100, periodSeconds: 15}]},
	});
	cluster.advance(60_000);
	cluster.startTraffic('php-apache', {rps: 100});
	cluster.advance(16_000);
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 2);
	t.like(condition(cluster, 'ScalingLimited'), {status: 'True', reason: 'ScaleUpLimit'});
	cluster.advance(30_000);
	// Still within the 60 s period of the last step.
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 2);
	cluster.advance(30_000);
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 3);
	cluster.stopTraffic('php-apache');
	// The newest pod has no metric yet: counted at 100 % while scaling down, so the first step stops at 2.
	cluster.advance(20_000);
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 2);
	cluster.advance(15_000);
	t.is(cluster.get('Deployment', 'php-apache')?.spec?.replicas, 1);
});

test('kubectl autoscale: the HPA it creates, with the server\'s default 80% CPU target', t => {
	const cluster = walkthrough();
	const created = cluster.autoscale('deployment', 'php-apache', {max: 5, name: 'other'}) as HorizontalPodAutoscaler;
	t.deepEqual(created.spec, {
		scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'php-apache'},
		minReplicas: 1,
		maxReplicas: 5,
		metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: 80}}}],
	});
	t.throws(() => cluster.autoscale('deployment', 'php-apache', {max: 0}), {message: '--max=MAXPODS is required and must be at least 1, max: 0'});
	t.throws(() => cluster.autoscale('deployment', 'php-apache', {max: 2, min: 3}), {message: '--max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 3'});
	t.throws(() => cluster.autoscale('deployment', 'php-apache', {max: 3}), {message: 'horizontalpodautoscalers.autoscaling "php-apache" already exists'});
	t.throws(() => cluster.autoscale('deployment', 'nope', {max: 3}), {message: 'deployments.apps "nope" not found'});
	t.throws(() => cluster.autoscale('service', 'php-apache', {max: 3}), {message: /cannot autoscale a Service/});
});

test('validation: the API server\'s messages, and nothing stored', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const base = {apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: {name: 'bad'}};
	const ref = {apiVersion: 'apps/v1', kind: 'Deployment', name: 'web'};
	t.throws(() => cluster.apply({...base, spec: {scaleTargetRef: ref, minReplicas: 3, maxReplicas: 2}}), {
		message: 'HorizontalPodAutoscaler.autoscaling "bad" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
	});
	t.throws(() => cluster.apply({...base, spec: {scaleTargetRef: ref, minReplicas: 0, maxReplicas: 0}}), {
		message: 'HorizontalPodAutoscaler.autoscaling "bad" is invalid: [spec.minReplicas: Invalid value: 0: must be greater than or equal to 1, spec.maxReplicas: Invalid value: 0: must be greater than 0, spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas]',
	});
	t.throws(() => cluster.apply({...base, spec: {scaleTargetRef: {name: 'web'}, maxReplicas: 2}}), {
		message: 'HorizontalPodAutoscaler.autoscaling "bad" is invalid: spec.scaleTargetRef.kind: Required value',
	});
	t.throws(() => cluster.apply({...base, spec: {scaleTargetRef: ref, maxReplicas: 2, metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: 0}}}]}}), {
		message: 'HorizontalPodAutoscaler.autoscaling "bad" is invalid: spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
	});
	t.throws(() => cluster.apply({...base, spec: {scaleTargetRef: ref, maxReplicas: 2, metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization'}}}]}}), {
		message: 'HorizontalPodAutoscaler.autoscaling "bad" is invalid: spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
	});
	t.throws(() => cluster.apply({...base, spec: {scaleTargetRef: ref, maxReplicas: 2, behavior: {scaleDown: {stabilizationWindowSeconds: 4000, selectPolicy: 'Fastest', policies: [{type: 'Pods', value: 0, periodSeconds: 2000}]}}}}), {
		message: 'HorizontalPodAutoscaler.autoscaling "bad" is invalid: [spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600, spec.behavior.scaleDown.selectPolicy: Unsupported value: "Fastest": supported values: "Disabled", "Max", "Min", spec.behavior.scaleDown.policies[0].value: Invalid value: 0: must be greater than zero, spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800]',
	});
	t.is(cluster.get('HorizontalPodAutoscaler', 'bad'), undefined);
});

test('a Pods metric: no custom metrics API is served, so ScalingActive is False with the controller\'s words', t => {
	const cluster = walkthrough();
	cluster.apply(fixture('hpa-php-apache.yaml').replace(/  metrics:\n[\s\S]*$/, [
		'  metrics:',
		'  - type: Pods',
		'    pods:',
		'      metric:',
		'        name: packets-per-second',
		'      target:',
		'        type: AverageValue',
		'        averageValue: 1k',
		'',
	].join('\n')));
	cluster.advance(60_000);
	const event = 'unable to get metric packets-per-second: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered';
	t.like(condition(cluster, 'ScalingActive'), {status: 'False', reason: 'FailedGetPodsMetric', message: `the HPA was unable to compute the replica count: ${event}`});
	t.true(hpaEvents(cluster).some(e => e.reason === 'FailedGetPodsMetric' && e.message === event));
	t.true(hpaEvents(cluster).some(e => e.reason === 'FailedComputeMetricsReplicas' && e.message === `invalid metrics (1 invalid out of 1), first error is: failed to get pods metric value: ${event}`));
});
