import test from 'ava';
import {createCluster} from '../../../source/engine/cluster.js';
import type {Pod} from '../../../source/engine/api/types.js';

/** PriorityClasses and the Priority admission plugin (plugin/pkg/admission/priority, pkg/apis/scheduling/validation). */

const pod = (name: string, spec: Record<string, unknown> = {}) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}], ...spec}});
const priorityClass = (name: string, value: number, extra: Record<string, unknown> = {}) => ({apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: {name}, value, ...extra});

test('every cluster has the two system classes, which cannot be deleted; a pod naming one gets its value', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	t.deepEqual(cluster.list('PriorityClass').map(c => [c.metadata.name, c['value'], c['preemptionPolicy'], c['globalDefault']]), [
		['system-node-critical', 2_000_001_000, 'PreemptLowerPriority', undefined],
		['system-cluster-critical', 2_000_000_000, 'PreemptLowerPriority', undefined],
	]);
	t.is(t.throws(() => cluster.delete('PriorityClass', 'system-node-critical'))?.message,
		'priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted');
	cluster.apply(pod('critical', {priorityClassName: 'system-cluster-critical'}));
	t.like((cluster.get('Pod', 'critical') as Pod).spec, {priorityClassName: 'system-cluster-critical', priority: 2_000_000_000, preemptionPolicy: 'PreemptLowerPriority'});
	// A pod naming no class, with no global default: priority 0 and no class name.
	cluster.apply(pod('plain'));
	const plain = (cluster.get('Pod', 'plain') as Pod).spec!;
	t.deepEqual([plain.priorityClassName, plain.priority, plain.preemptionPolicy], [undefined, 0, 'PreemptLowerPriority']);
	// The same classes come back with a cluster restored from its objects, and a state restore keeps them.
	const restored = createCluster({snapshot: cluster.snapshot(), restore: 'objects'});
	t.deepEqual(restored.list('PriorityClass').map(c => c.metadata.uid), cluster.list('PriorityClass').map(c => c.metadata.uid));
});

test('the Priority plugin refuses an unknown class and a priority or policy of the pod\'s own, and a global default names its class on pods', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const refused = (manifest: object) => t.throws(() => cluster.apply(manifest as never))?.message;
	t.is(refused(pod('lost', {priorityClassName: 'gold'})), 'pods "lost" is forbidden: no PriorityClass with name gold was found');
	cluster.apply(priorityClass('gold', 1000, {description: 'paying customers', preemptionPolicy: 'Never'}));
	t.is(refused(pod('own', {priorityClassName: 'gold', priority: 5})),
		'pods "own" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name');
	t.is(refused(pod('policy', {priorityClassName: 'gold', preemptionPolicy: 'PreemptLowerPriority'})),
		'pods "policy" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name');
	t.deepEqual(cluster.list('Pod').map(p => p.metadata.name), [], 'nothing refused was written');
	cluster.apply(pod('gold', {priorityClassName: 'gold', priority: 1000}));
	t.like((cluster.get('Pod', 'gold') as Pod).spec, {priority: 1000, preemptionPolicy: 'Never'});
	cluster.apply(priorityClass('standard', 100, {globalDefault: true}));
	t.is(refused(priorityClass('other', 50, {globalDefault: true})),
		'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass standard is already marked as default. Only one default can exist');
	cluster.apply(pod('defaulted'));
	t.like((cluster.get('Pod', 'defaulted') as Pod).spec, {priorityClassName: 'standard', priority: 100, preemptionPolicy: 'PreemptLowerPriority'});
	// A Deployment's pods go through the same admission.
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {
		metadata: {labels: {app: 'web'}}, spec: {priorityClassName: 'gold', containers: [{name: 'c', image: 'nginx:1.25'}]},
	}}});
	cluster.advance(5000);
	t.deepEqual(cluster.list('Pod', {labelSelector: 'app=web'}).map(p => (p as Pod).spec!.priority), [1000, 1000]);
});

test('a PriorityClass is validated as the API server does: system- names, the user maximum, the policy, and what an update may not change', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const refused = (manifest: object) => t.throws(() => cluster.apply(manifest as never))?.message;
	t.is(refused(priorityClass('system-mine', 10)),
		'PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: priority class names with \'system-\' prefix are reserved for system use only. error: system-mine is not a known system priority class');
	t.is(refused(priorityClass('huge', 1_000_000_001)),
		'PriorityClass.scheduling.k8s.io "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000');
	t.is(refused(priorityClass('odd', 1, {preemptionPolicy: 'Sometimes'})),
		'PriorityClass.scheduling.k8s.io "odd" is invalid: preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"');
	cluster.apply(priorityClass('batch', 10));
	t.is(refused(priorityClass('batch', 20)), 'PriorityClass.scheduling.k8s.io "batch" is invalid: value: Forbidden: may not be changed in an update.');
	t.is(refused(priorityClass('batch', 10, {preemptionPolicy: 'Never'})),
		'PriorityClass.scheduling.k8s.io "batch" is invalid: preemptionPolicy: Invalid value: "Never": field is immutable');
	cluster.apply(priorityClass('batch', 10, {description: 'nightly jobs'}));
	t.is(cluster.get('PriorityClass', 'batch')!['description'], 'nightly jobs');
	t.is(cluster.get('PriorityClass', 'batch')!['preemptionPolicy'], 'PreemptLowerPriority');
});

test('a system class made again on a restore takes a new uid when another object of the file holds its fixed one', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const snapshot = JSON.parse(JSON.stringify(cluster.snapshot()));
	// An edited file: the class's object made a ConfigMap, its uid kept.
	const at = snapshot.store.objects.findIndex((o: {kind: string; metadata: {name: string}}) => o.kind === 'PriorityClass' && o.metadata.name === 'system-node-critical');
	const {uid, resourceVersion, creationTimestamp} = snapshot.store.objects[at].metadata;
	snapshot.store.objects[at] = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'edited', namespace: 'default', uid, resourceVersion, creationTimestamp}, data: {}};
	const restored = createCluster({snapshot});
	const made = restored.get('PriorityClass', 'system-node-critical')!;
	t.is(restored.get('ConfigMap', 'edited')!.metadata.uid, uid);
	t.not(made.metadata.uid, uid);
	// Saved and restored once more, every uid is still one object's.
	const again = createCluster({snapshot: JSON.parse(JSON.stringify(restored.snapshot()))});
	t.is(again.get('PriorityClass', 'system-node-critical')!.metadata.uid, made.metadata.uid);
});
