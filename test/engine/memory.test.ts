import test from 'ava';
import {copyWith, flat} from '../../source/engine/memory.js';
import {createCluster} from '../../source/engine/cluster.js';
import type {Pod} from '../../source/engine/api/types.js';

test('copyWith is a spread copy: keys in place, changes over them, new keys last, the source untouched', t => {
	const source = {name: 'web', image: 'nginx:1.25', volumeMounts: [{name: 'a', mountPath: '/a'}]};
	const copy = copyWith(source, {volumeMounts: [], ports: [80]} as Partial<typeof source>);
	t.deepEqual(Object.keys(copy), ['name', 'image', 'volumeMounts', 'ports']);
	t.deepEqual(copy, {...source, volumeMounts: [], ports: [80]});
	t.is(source.volumeMounts.length, 1);
	t.not(copy, source);
});

test('copyWith copies a key named __proto__ as a key, as a spread does, and leaves the prototype alone', t => {
	const source = JSON.parse('{"name":"web","__proto__":{"polluted":true}}') as Record<string, unknown>;
	const copy = copyWith(source, {image: 'nginx'});
	t.is(Object.getPrototypeOf(copy), Object.prototype);
	t.deepEqual(Object.keys(copy), ['name', '__proto__', 'image']);
	t.is(JSON.stringify(copy), '{"name":"web","__proto__":{"polluted":true},"image":"nginx"}');
});

test('flat gives the same text', t => {
	const pieces = ['kubelet', 'node-1', 'uid', 'Normal', 'Started'];
	let built = '';
	for (const piece of pieces) built += `${piece}\u0000`;
	t.is(flat(built), pieces.map(p => `${p}\u0000`).join(''));
});

test('pods that turned ready together share their condition objects, and each pod still reads its own values', t => {
	const cluster = createCluster({seed: 3, nodes: 2});
	cluster.apply([{
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},
		spec: {replicas: 6, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
	}]);
	cluster.advance(60_000);
	const pods = cluster.list('Pod') as Pod[];
	t.is(pods.length, 6);
	const objects = new Set(pods.flatMap(pod => pod.status!.conditions!));
	t.true(objects.size < pods.length * 5, `${objects.size} condition objects for ${pods.length} pods`);
	for (const pod of pods) {
		const ready = pod.status!.conditions!.find(c => c.type === 'Ready')!;
		t.is(ready.status, 'True');
		t.is(pod.status!.conditions!.length, 5);
	}
	// Pods on a killed node turn Ready=False (the node controller's write); the shared objects the others hold still read True.
	const node = pods[0]!.spec!.nodeName!;
	cluster.killNode(node);
	cluster.advance(120_000);
	const after = (cluster.list('Pod') as Pod[]).filter(pod => pods.some(p => p.metadata.uid === pod.metadata.uid));
	const ready = (pod: Pod) => pod.status!.conditions!.find(c => c.type === 'Ready')!.status;
	t.true(after.some(pod => pod.spec!.nodeName === node && ready(pod) === 'False'));
	for (const pod of after) if (pod.spec!.nodeName !== node) t.is(ready(pod), 'True');
});
