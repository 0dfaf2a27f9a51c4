import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster} from '../../../source/engine/cluster.js';
import {KubeError} from '../../../source/engine/errors.js';
import {goFloat} from '../../../source/engine/api/openapi-schema.js';

const docs = (file: string) => readFileSync(new URL(`../../fixtures/docs/${file}`, import.meta.url), 'utf8');

function withCronTabs(file = 'crd-crontab.yaml') {
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply(docs(file));
	cluster.advance(0);
	return cluster;
}

test('a CustomResourceDefinition is accepted and established, and its kind is served under every name', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	const [crd] = cluster.apply(docs('crd-crontab.yaml'));
	// Until the controllers have run, the kind is not served (kubectl: ensure CRDs are installed first).
	t.throws(() => cluster.apply(docs('crd-my-crontab.yaml')), {message: 'no matches for kind "CronTab" in version "stable.example.com/v1"'});
	t.is((crd as any).spec.conversion.strategy, 'None');
	t.is((crd as any).spec.names.listKind, 'CronTabList');
	cluster.advance(0);
	const status = (cluster.get('CustomResourceDefinition', 'crontabs.stable.example.com') as any).status;
	t.like(status.conditions.find((c: any) => c.type === 'NamesAccepted'), {status: 'True', reason: 'NoConflicts', message: 'no conflicts found'});
	t.like(status.conditions.find((c: any) => c.type === 'Established'), {status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted'});
	t.deepEqual(status.acceptedNames, {plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct']});
	t.deepEqual(status.storedVersions, ['v1']);
	for (const name of ['crontabs', 'crontab', 'ct', 'CronTab', 'crontabs.stable.example.com']) {
		t.like(cluster.resolveResource(name), {kind: 'CronTab', group: 'stable.example.com', version: 'v1', namespaced: true, definition: 'crontabs.stable.example.com'});
	}
	t.true(cluster.resourceTypes().some(type => type.kind === 'CronTab'));
	const [object] = cluster.apply(docs('crd-my-crontab.yaml'));
	t.like(object, {apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'my-new-cron-object', namespace: 'default', generation: 1}, spec: {cronSpec: '* * * * */5', image: 'my-awesome-cron-image'}});
	t.is(cluster.list('ct').length, 1);
	// Watch hears custom objects too.
	const seen: string[] = [];
	const stop = cluster.watch(event => seen.push(`${event.type} ${event.object.metadata.name}`), {kind: 'crontabs'});
	cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'second'}, spec: {replicas: 2}});
	cluster.delete('crontab', 'second');
	stop();
	t.deepEqual(seen, ['ADDED second', 'DELETED second']);
});

test('custom objects are pruned of unknown fields and validated against the schema with the API server\'s words', t => {
	const cluster = withCronTabs('crd-crontab-validation.yaml');
	const error = (manifest: string | object) => t.throws(() => cluster.apply(manifest as any), {instanceOf: KubeError})!.message;
	t.is(error(docs('crd-my-crontab-invalid.yaml')),
		'CronTab.stable.example.com "my-new-cron-object" is invalid: [spec.cronSpec: Invalid value: "* * * *": spec.cronSpec in body should match \'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$\', spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10]');
	const crontab = (spec: object) => ({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'x'}, spec});
	t.is(error(crontab({replicas: '1'})), 'CronTab.stable.example.com "x" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
	t.is(error(crontab({replicas: 0})), 'CronTab.stable.example.com "x" is invalid: spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1');
	t.is(error(crontab({replicas: 1.5})), 'CronTab.stable.example.com "x" is invalid: spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"');
	t.is(error({...crontab({}), spec: 'daily'}), 'CronTab.stable.example.com "x" is invalid: spec: Invalid value: "string": spec in body must be of type object: "string"');
	t.is(cluster.list('CronTab').length, 0);
	// Unknown fields are dropped, as the API server prunes structural schemas.
	const [stored] = cluster.apply({...crontab({cronSpec: '*/5 * * * *', replicas: 3, colour: 'blue'}), status: {x: 1}, extra: true});
	t.deepEqual((stored as any).spec, {cronSpec: '*/5 * * * *', replicas: 3});
	t.false('extra' in stored!);
	t.false('status' in stored!);
	// Strict field validation (kubectl's default) refuses them instead.
	t.throws(() => cluster.create({...crontab({colour: 'blue'}), metadata: {name: 'y'}}, {fieldValidation: 'Strict'}), {
		message: 'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.colour"',
	});
});

test('required, enum and string rules, and defaults from the schema', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply({
		apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'widgets.example.com'},
		spec: {
			group: 'example.com', scope: 'Cluster', names: {plural: 'widgets', kind: 'Widget'},
			versions: [{name: 'v1alpha1', served: true, storage: true, schema: {openAPIV3Schema: {
				type: 'object', required: ['spec'],
				properties: {spec: {type: 'object', required: ['size'], properties: {
					size: {type: 'string', enum: ['small', 'large']},
					label: {type: 'string', maxLength: 5, minLength: 2},
					tags: {type: 'array', items: {type: 'string'}, maxItems: 2},
					colour: {type: 'string', default: 'red'},
				}}},
			}}}],
		},
	});
	cluster.advance(0);
	const widget = (spec?: object) => ({apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: {name: 'w'}, ...(spec ? {spec} : {})});
	const error = (manifest: object) => t.throws(() => cluster.apply(manifest as any), {instanceOf: KubeError})!.message;
	t.is(error(widget()), 'Widget.example.com "w" is invalid: spec: Required value');
	t.is(error(widget({})), 'Widget.example.com "w" is invalid: spec.size: Required value');
	t.is(error(widget({size: 'medium'})), 'Widget.example.com "w" is invalid: spec.size: Unsupported value: "medium": supported values: "small", "large"');
	t.is(error(widget({size: 'small', label: 'toolong'})), 'Widget.example.com "w" is invalid: spec.label: Too long: may not be more than 5 bytes');
	t.is(error(widget({size: 'small', label: 'a'})), 'Widget.example.com "w" is invalid: spec.label: Invalid value: "a": spec.label in body should be at least 2 chars long');
	t.is(error(widget({size: 'small', tags: ['a', 'b', 'c']})), 'Widget.example.com "w" is invalid: spec.tags: Too many: 3: must have at most 2 items');
	t.is(error(widget({size: 'small', tags: [1]})), 'Widget.example.com "w" is invalid: spec.tags[0]: Invalid value: "integer": spec.tags[0] in body must be of type string: "integer"');
	const [stored] = cluster.apply(widget({size: 'large'}));
	t.deepEqual((stored as any).spec, {size: 'large', colour: 'red'});
	t.is(stored!.metadata.namespace, undefined);
	t.is(goFloat(1), '1');
	t.is(goFloat(1_000_000), '1e+06');
	t.is(goFloat(0.5), '0.5');
});

test('the docs\' defaults fill cronSpec and replicas', t => {
	const cluster = withCronTabs('crd-crontab-defaults-columns.yaml');
	const [stored] = cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'my-new-cron-object'}, spec: {image: 'my-awesome-cron-image'}});
	t.deepEqual((stored as any).spec, {cronSpec: '5 0 * * *', image: 'my-awesome-cron-image', replicas: 1});
});

test('CustomResourceDefinitions are validated with the API server\'s messages', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	const error = (manifest: object) => t.throws(() => cluster.apply(manifest as any), {instanceOf: KubeError})!.message;
	const crd = (name: string, spec: object) => ({apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name}, spec});
	const version = {name: 'v1', served: true, storage: true, schema: {openAPIV3Schema: {type: 'object'}}};
	t.is(error(crd('tabs.stable.example.com', {group: 'stable.example.com', scope: 'Namespaced', names: {plural: 'crontabs', kind: 'CronTab'}, versions: [version]})),
		'CustomResourceDefinition.apiextensions.k8s.io "tabs.stable.example.com" is invalid: metadata.name: Invalid value: "tabs.stable.example.com": must be spec.names.plural+"."+spec.group');
	t.is(error(crd('crontabs.example', {group: 'example', scope: 'Global', names: {plural: 'crontabs', kind: 'CronTab'}, versions: [version]})),
		'CustomResourceDefinition.apiextensions.k8s.io "crontabs.example" is invalid: [spec.group: Invalid value: "example": should be a domain with at least one dot, spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"]');
	t.is(error(crd('crontabs.stable.example.com', {group: 'stable.example.com', scope: 'Namespaced', names: {plural: 'crontabs', kind: 'CronTab'}, versions: [{name: 'v1', served: true, storage: false}]})),
		'CustomResourceDefinition.apiextensions.k8s.io "crontabs.stable.example.com" is invalid: [spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required, spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:false, ...}}: must have exactly one version marked as storage version]');
	t.is(error(crd('crontabs.stable.example.com', {group: 'stable.example.com', scope: 'Namespaced', names: {plural: 'crontabs', kind: 'CronTab'},
		versions: [{...version, schema: {openAPIV3Schema: {type: 'object', properties: {spec: {properties: {}}}}}}]})),
		'CustomResourceDefinition.apiextensions.k8s.io "crontabs.stable.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields');
	t.is(cluster.list('crd').length, 0);
});

test('a name another definition of the group holds is not accepted, and a built-in kind is taken', t => {
	const cluster = withCronTabs();
	cluster.apply({apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'crontables.stable.example.com'},
		spec: {group: 'stable.example.com', scope: 'Namespaced', names: {plural: 'crontables', kind: 'CronTable', shortNames: ['ct']}, versions: [{name: 'v1', served: true, storage: true, schema: {openAPIV3Schema: {type: 'object'}}}]}});
	cluster.advance(0);
	const conditions = (cluster.get('crd', 'crontables.stable.example.com') as any).status.conditions;
	t.like(conditions.find((c: any) => c.type === 'NamesAccepted'), {status: 'False', reason: 'ShortNamesConflict', message: '"ct" is already in use'});
	t.like(conditions.find((c: any) => c.type === 'Established'), {status: 'False', reason: 'NotAccepted', message: 'not all names are accepted'});
	t.throws(() => cluster.resolveResource('crontables'));
});

test('finalizers hold a custom object Terminating; deleting the definition deletes its objects, then itself', t => {
	const cluster = withCronTabs();
	cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'held', finalizers: ['stable.example.com/finalizer']}, spec: {replicas: 1}});
	cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'free'}, spec: {replicas: 1}});
	const held = cluster.delete('CronTab', 'held');
	t.truthy(held?.metadata.deletionTimestamp);
	t.truthy(cluster.get('CronTab', 'held')?.metadata.deletionTimestamp);
	// The definition goes Terminating and deletes what it can; the held object keeps it.
	cluster.delete('crd', 'crontabs.stable.example.com');
	cluster.advance(1000);
	let crd = cluster.get('crd', 'crontabs.stable.example.com') as any;
	t.deepEqual(crd.metadata.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
	t.like(crd.status.conditions.find((c: any) => c.type === 'Terminating'), {status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress'});
	t.is(cluster.get('CronTab', 'free'), undefined);
	t.throws(() => cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'new'}}), {message: 'create not allowed while custom resource definition is terminating'});
	cluster.advance(60_000);
	crd = cluster.get('crd', 'crontabs.stable.example.com') as any;
	t.like(crd.status.conditions.find((c: any) => c.type === 'Terminating'), {reason: 'InstanceDeletionCheck'});
	// Removing the finalizer lets the object go, and the definition with it.
	const current = cluster.get('CronTab', 'held')!;
	cluster.replace({...current, metadata: {...current.metadata, finalizers: []}});
	cluster.advance(0);
	t.is(cluster.get('crd', 'crontabs.stable.example.com'), undefined);
	t.throws(() => cluster.list('crontabs'), {message: 'the server doesn\'t have a resource type "crontabs"'});
});

test('deleting a namespace deletes the custom objects in it', t => {
	const cluster = withCronTabs();
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'jobs'}});
	cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'a', namespace: 'jobs', finalizers: ['example.com/hold']}});
	cluster.delete('Namespace', 'jobs');
	cluster.advance(1000);
	t.truthy(cluster.get('Namespace', 'jobs'));
	const held = cluster.get('CronTab', 'a', 'jobs')!;
	t.truthy(held.metadata.deletionTimestamp);
	cluster.replace({...held, metadata: {...held.metadata, finalizers: []}});
	cluster.advance(1000);
	t.is(cluster.get('Namespace', 'jobs'), undefined);
});

test('every served version is accepted and checked against its own schema; objects are stored in the storage version', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	const schema = (replicas: object) => ({openAPIV3Schema: {type: 'object', properties: {spec: {type: 'object', properties: {replicas}}}}});
	cluster.apply({
		apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'crontabs.stable.example.com'},
		spec: {group: 'stable.example.com', scope: 'Namespaced', names: {plural: 'crontabs', kind: 'CronTab'}, versions: [
			{name: 'v1beta1', served: true, storage: false, schema: schema({type: 'integer', maximum: 3})},
			{name: 'v1', served: true, storage: true, schema: schema({type: 'integer', maximum: 10})},
			{name: 'v1alpha1', served: false, storage: false, schema: schema({type: 'integer'})},
		]},
	});
	cluster.advance(0);
	const crontab = (apiVersion: string, replicas: number) => ({apiVersion, kind: 'CronTab', metadata: {name: 'x'}, spec: {replicas}});
	t.throws(() => cluster.apply(crontab('stable.example.com/v1beta1', 5)), {message: 'CronTab.stable.example.com "x" is invalid: spec.replicas: Invalid value: 5: spec.replicas in body should be less than or equal to 3'});
	t.throws(() => cluster.apply(crontab('stable.example.com/v1alpha1', 1)), {message: 'no matches for kind "CronTab" in version "stable.example.com/v1alpha1"'});
	const [stored] = cluster.apply(crontab('stable.example.com/v1beta1', 2));
	t.is(stored!.apiVersion, 'stable.example.com/v1');
	t.like(cluster.apply(crontab('stable.example.com/v1', 7))[0], {apiVersion: 'stable.example.com/v1', spec: {replicas: 7}});
	t.deepEqual(cluster.resolveResource('crontabs').servedVersions, ['v1beta1', 'v1']);
});

test('the garbage collector deletes a custom object whose owner is gone', t => {
	const cluster = withCronTabs();
	const [owner] = cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'owner'}, data: {}});
	cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'owned', ownerReferences: [{apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner!.metadata.uid}]}, spec: {}});
	cluster.advance(100);
	t.truthy(cluster.get('CronTab', 'owned'));
	cluster.delete('ConfigMap', 'owner');
	cluster.advance(1000);
	t.is(cluster.get('CronTab', 'owned'), undefined);
});

test('idle definitions, custom objects, roles and bindings cost no reconcile per step', t => {
	const cluster = withCronTabs('crd-crontab-defaults-columns.yaml');
	cluster.apply(Array.from({length: 200}, (_, i) => ({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: `c${i}`}, spec: {replicas: 1}})));
	cluster.apply(Array.from({length: 50}, (_, i) => ({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: `b${i}`}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'}, subjects: [{kind: 'User', name: `u${i}`}]})));
	cluster.advance(1000);
	const work = () => ['apiextensions-controllers', 'clusterrole-aggregation-controller', 'garbage-collector', 'namespace-controller'].map(name => cluster.context.queue(name).taken);
	const before = work();
	cluster.advance(120_000);
	t.deepEqual(work(), before);
});

test('custom objects count against a quota\'s count/<plural>.<group>, and a quota of other things lets them in', t => {
	const cluster = withCronTabs();
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'limited'}});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'q', namespace: 'limited'}, spec: {hard: {'count/crontabs.stable.example.com': '1', pods: '5'}}});
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'pods-only'}});
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'p', namespace: 'pods-only'}, spec: {hard: {pods: '5'}}});
	cluster.advance(1000);
	const crontab = (name: string, namespace: string) => ({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name, namespace}, spec: {}});
	t.truthy(cluster.apply(crontab('free', 'pods-only'))[0]);
	cluster.apply(crontab('a', 'limited'));
	cluster.advance(1000);
	t.is((cluster.get('ResourceQuota', 'q', 'limited') as any).status.used['count/crontabs.stable.example.com'], '1');
	t.throws(() => cluster.apply(crontab('b', 'limited')), {
		message: 'crontabs.stable.example.com "b" is forbidden: exceeded quota: q, requested: count/crontabs.stable.example.com=1, used: count/crontabs.stable.example.com=1, limited: count/crontabs.stable.example.com=1',
	});
	cluster.delete('CronTab', 'a', {namespace: 'limited'});
	cluster.advance(1000);
	t.is((cluster.get('ResourceQuota', 'q', 'limited') as any).status.used['count/crontabs.stable.example.com'], '0');
	t.truthy(cluster.apply(crontab('b', 'limited'))[0]);
});
