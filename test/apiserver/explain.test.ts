import {readFileSync} from 'node:fs';
import {kubectlSuite} from './harness.js';

/**
 * kubectl explain against the served OpenAPI v3 documents. The layout is
 * kubectl 1.32's own (its plaintext template, pkg/explain/v2/templates); the
 * text is Kubernetes' descriptions as the OpenAPI spec carries them
 * (openapi/kubernetes-schemas.json, from kubernetes-types 1.30.0), so the
 * expected output below is what `kubectl explain` prints against a 1.30
 * cluster: the field types (<DeploymentStrategy>, <IntOrString>,
 * <map[string]Quantity>, <[]ResourceClaim>), -required- and the two
 * descriptions of a field whose type has its own.
 */

const lines = (...rows: string[]) => rows.map(r => `${r}\n`).join('');
const docs = (file: string) => new URL(`../fixtures/docs/${file}`, import.meta.url).pathname;

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(readFileSync(docs('crd-crontab-defaults-columns.yaml'), 'utf8'));
	cluster.advance(1000);
}, {what: 'the kubectl explain tests'});

run('explain prints a kind with its fields, their types and descriptions', async t => {
	const pods = await served().kubectl(['explain', 'pods']);
	t.is(pods.code, 0);
	t.is(pods.stdout, lines(
		'KIND:       Pod',
		'VERSION:    v1',
		'',
		'DESCRIPTION:',
		'    Pod is a collection of containers that can run on a host. This resource is',
		'    created by clients and scheduled onto hosts.',
		'    ',
		'FIELDS:',
		'  apiVersion\t<string>',
		'    APIVersion defines the versioned schema of this representation of an object.',
		'    Servers should convert recognized schemas to the latest internal value, and',
		'    may reject unrecognized values. More info:',
		'    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
		'',
		'  kind\t<string>',
		'    Kind is a string value representing the REST resource this object',
		'    represents. Servers may infer this from the endpoint the client submits',
		'    requests to. Cannot be updated. In CamelCase. More info:',
		'    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
		'',
		'  metadata\t<ObjectMeta>',
		'    Standard object\'s metadata. More info:',
		'    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
		'',
		'  spec\t<PodSpec>',
		'    Specification of the desired behavior of the pod. More info:',
		'    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
		'',
		'  status\t<PodStatus>',
		'    Most recently observed status of the pod. This data may not be up to date.',
		'    Populated by the system. Read-only. More info:',
		'    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
		'',
		'',
	));
});

run('explain follows a field path into the referenced types, and --recursive lists the tree', async t => {
	t.is((await served().kubectl(['explain', 'deployment.spec.strategy'])).stdout, lines(
		'GROUP:      apps',
		'KIND:       Deployment',
		'VERSION:    v1',
		'',
		'FIELD: strategy <DeploymentStrategy>',
		'',
		'',
		'DESCRIPTION:',
		'    The deployment strategy to use to replace existing pods with new ones.',
		'    DeploymentStrategy describes how to replace existing pods with new ones.',
		'    ',
		'FIELDS:',
		'  rollingUpdate\t<RollingUpdateDeployment>',
		'    Rolling update config params. Present only if DeploymentStrategyType =',
		'    RollingUpdate.',
		'',
		'  type\t<string>',
		'    Type of deployment. Can be "Recreate" or "RollingUpdate". Default is',
		'    RollingUpdate.',
		'',
		'',
	));
	t.is((await served().kubectl(['explain', 'deploy.spec.strategy', '--recursive'])).stdout, lines(
		'GROUP:      apps',
		'KIND:       Deployment',
		'VERSION:    v1',
		'',
		'FIELD: strategy <DeploymentStrategy>',
		'',
		'',
		'DESCRIPTION:',
		'    The deployment strategy to use to replace existing pods with new ones.',
		'    DeploymentStrategy describes how to replace existing pods with new ones.',
		'    ',
		'FIELDS:',
		'  rollingUpdate\t<RollingUpdateDeployment>',
		'    maxSurge\t<IntOrString>',
		'    maxUnavailable\t<IntOrString>',
		'  type\t<string>',
		'',
	));
	const resources = (await served().kubectl(['explain', 'pod.spec.containers.resources'])).stdout;
	t.true(resources.includes('FIELD: resources <ResourceRequirements>\n'));
	t.true(resources.includes('  limits\t<map[string]Quantity>\n    Limits describes the maximum amount of compute resources allowed. More info:\n'));
	t.true(resources.includes('  claims\t<[]ResourceClaim>\n'));
	const metric = (await served().kubectl(['explain', 'hpa.spec.metrics.resource'])).stdout;
	t.true(metric.startsWith(lines('GROUP:      autoscaling', 'KIND:       HorizontalPodAutoscaler', 'VERSION:    v2', '', 'FIELD: resource <ResourceMetricSource>')));
	t.true(metric.includes('  name\t<string> -required-\n    name is the name of the resource in question.\n'));
	t.true(metric.includes('  target\t<MetricTarget> -required-\n'));
});

run('explain finds ComponentStatus, a kind the API server only reads, by its GET operation', async t => {
	t.is((await served().kubectl(['explain', 'cs.conditions'])).stdout, lines(
		'KIND:       ComponentStatus',
		'VERSION:    v1',
		'',
		'FIELD: conditions <[]ComponentCondition>',
		'',
		'',
		'DESCRIPTION:',
		'    List of component conditions observed',
		'    Information about the condition of a component.',
		'    ',
		'FIELDS:',
		'  error\t<string>',
		'    Condition error code for a component. For example, a health check error',
		'    code.',
		'',
		'  message\t<string>',
		'    Message about the condition for a component. For example, information about',
		'    a health check.',
		'',
		'  status\t<string> -required-',
		'    Status of the condition for a component. Valid values for "Healthy": "True",',
		'    "False", or "Unknown".',
		'',
		'  type\t<string> -required-',
		'    Type of condition for a component. Valid value: "Healthy"',
		'',
		'',
	));
	const kind = (await served().kubectl(['explain', 'componentstatuses'])).stdout;
	t.true(kind.startsWith(lines('KIND:       ComponentStatus', 'VERSION:    v1', '', 'DESCRIPTION:', '    ComponentStatus (and ComponentStatusList) holds the cluster validation info.', '    Deprecated: This API is deprecated in v1.19+')), kind);
});

run('explain of a custom kind shows its definition\'s schema; unknown fields and kinds are errors', async t => {
	t.is((await served().kubectl(['explain', 'ct.spec', '--recursive'])).stdout, lines(
		'GROUP:      stable.example.com',
		'KIND:       CronTab',
		'VERSION:    v1',
		'',
		'FIELD: spec <Object>',
		'',
		'',
		'DESCRIPTION:',
		'    <empty>',
		'FIELDS:',
		'  cronSpec\t<string>',
		'  image\t<string>',
		'  replicas\t<integer>',
		'',
	));
	const crontabs = (await served().kubectl(['explain', 'crontabs'])).stdout;
	t.true(crontabs.includes('  metadata\t<ObjectMeta>\n    Standard object\'s metadata. More info:\n'));
	t.true(crontabs.includes('  spec\t<Object>\n    <no description>\n'));
	const nope = await served().kubectl(['explain', 'pods.nope']);
	t.is(nope.code, 1);
	t.is(nope.stderr, 'error: field "nope" does not exist\n');
	const unknown = await served().kubectl(['explain', 'nothings']);
	t.is(unknown.code, 1);
	t.is(unknown.stderr, 'the server doesn\'t have a resource type "nothings"\n');
});
