import test from 'ava';
import {jsonPatch, mergePatch, strategicMergePatch} from '../../source/apiserver/patch.js';
import {humanDuration} from '../../source/apiserver/tables.js';
import {decodeProtobufObject} from '../../source/apiserver/protobuf.js';

// The body kubectl 1.32 sends for `create deployment x --image=nginx --replicas=2 --port=80`, captured with -v=9.
const createDeploymentBody = Buffer.from([
	'6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b0010a1b',
	'0a017812001a0022002a003200380042005a080a036170701201781282010802',
	'120a0a080a036170701201781a6a0a1a0a0012001a0022002a00320038004200',
	'5a080a03617070120178124c122e0a056e67696e7812056e67696e782a00320a',
	'0a001000185022002a0042006a007200800100880100900100a201001a003200',
	'42004a0052005800600068008201008a01009a0100c2010022020a0028003800',
	'1a0c0800100018002000280038001a002200',
].join(''), 'hex');

test('a protobuf create body reads as the object it encodes; a field not understood is refused', t => {
	t.deepEqual(decodeProtobufObject(createDeploymentBody), {
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'x', labels: {app: 'x'}},
		spec: {replicas: 2, selector: {matchLabels: {app: 'x'}}, template: {metadata: {labels: {app: 'x'}}, spec: {containers: [{name: 'nginx', image: 'nginx', ports: [{containerPort: 80}]}]}}},
	});
	t.like(t.throws(() => decodeProtobufObject(Buffer.from('k8s\0\x0a', 'latin1'))), {code: 400});
	// Field 99 of the Deployment, with a value.
	const unknown = Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from('0a150a07617070732f7631120a4465706c6f796d656e7412049a060161', 'hex')]);
	t.like(t.throws(() => decodeProtobufObject(unknown)), {code: 415});
});

const deployment = {
	spec: {
		replicas: 1,
		strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: '25%', maxUnavailable: '25%'}},
		template: {spec: {containers: [
			{name: 'web', image: 'nginx:1.25', env: [{name: 'A', value: '1'}, {name: 'B', value: '1'}], ports: [{containerPort: 80, protocol: 'TCP'}]},
			{name: 'side', image: 'busybox'},
		]}},
	},
	metadata: {finalizers: ['a']},
};

// Bodies as kubectl 1.32 sends them (../shared/reference/kubectl-api.md, "apply" and "set image").
test('strategic merge patch merges containers and env by name and keeps the order asked for', t => {
	const patched = strategicMergePatch(deployment, {spec: {replicas: 3, template: {spec: {
		'$setElementOrder/containers': [{name: 'side'}, {name: 'web'}],
		containers: [{'$setElementOrder/env': [{name: 'A'}, {name: 'B'}], env: [{name: 'A', value: '2'}], image: 'nginx:1.26', name: 'web'}],
	}}}}) as any;
	t.is(patched.spec.replicas, 3);
	t.deepEqual(patched.spec.template.spec.containers.map((c: any) => c.name), ['side', 'web']);
	const web = patched.spec.template.spec.containers[1];
	t.is(web.image, 'nginx:1.26');
	t.deepEqual(web.env, [{name: 'A', value: '2'}, {name: 'B', value: '1'}]);
	t.deepEqual(web.ports, [{containerPort: 80, protocol: 'TCP'}]);
	t.is(deployment.spec.template.spec.containers[0]!.image, 'nginx:1.25', 'the input is untouched');
});

test('strategic merge patch directives: $patch delete, null, $retainKeys, $deleteFromPrimitiveList, set-like finalizers', t => {
	const patched = strategicMergePatch(deployment, {
		metadata: {finalizers: ['b'], '$deleteFromPrimitiveList/finalizers': ['a']},
		spec: {
			strategy: {'$retainKeys': ['type'], rollingUpdate: null, type: 'Recreate'},
			template: {spec: {containers: [{env: null, name: 'web'}, {'$patch': 'delete', name: 'side'}]}},
		},
	}) as any;
	t.deepEqual(patched.spec.strategy, {type: 'Recreate'});
	t.deepEqual(patched.spec.template.spec.containers, [{name: 'web', image: 'nginx:1.25', ports: [{containerPort: 80, protocol: 'TCP'}]}]);
	t.deepEqual(patched.metadata.finalizers, ['b']);
	t.deepEqual((strategicMergePatch({spec: {a: {b: 1, c: 2}}}, {spec: {a: {'$patch': 'replace', d: 3}}}) as any).spec.a, {d: 3});
});

test('JSON merge patch (RFC 7386) and JSON patch (RFC 6902)', t => {
	t.deepEqual(mergePatch({a: {b: 1, c: 2}, l: [1]}, {a: {b: null, d: 3}, l: [2]}), {a: {c: 2, d: 3}, l: [2]});
	t.deepEqual(jsonPatch({a: [1, 2], b: {c: 1}}, [
		{op: 'add', path: '/a/-', value: 3}, {op: 'remove', path: '/b/c'}, {op: 'replace', path: '/a/0', value: 0},
		{op: 'copy', from: '/a', path: '/d'}, {op: 'move', from: '/d', path: '/e'}, {op: 'test', path: '/e/2', value: 3},
	]), {a: [0, 2, 3], b: {}, e: [0, 2, 3]});
	const error = t.throws(() => jsonPatch({a: 1}, [{op: 'replace', path: '/x/y', value: 1}])) as any;
	t.is(error.code, 422);
	t.throws(() => jsonPatch({a: 1}, [{op: 'test', path: '/a', value: 2}]));
});

// k8s.io/apimachinery/pkg/util/duration/duration_test.go (HumanDuration cases).
test('ages read as kubectl prints them', t => {
	const cases: Array<[number, string]> = [
		[-2000, '<invalid>'], [-1000, '0s'], [0, '0s'], [119_000, '119s'], [120_000, '2m'], [150_000, '2m30s'],
		[600_000, '10m'], [3 * 3600_000, '3h'], [3 * 3600_000 + 60_000, '3h1m'], [8 * 3600_000, '8h'],
		[48 * 3600_000, '2d'], [49 * 3600_000, '2d1h'], [8 * 86400_000, '8d'], [2 * 365 * 86400_000, '2y'], [(2 * 365 + 1) * 86400_000, '2y1d'],
		[8 * 365 * 86400_000, '8y'],
	];
	for (const [ms, text] of cases) t.is(humanDuration(ms), text, `${ms} ms`);
});
