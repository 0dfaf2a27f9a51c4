/** Field paths: names, indexes, filters, quoted names with dots; reading and writing. */
import test from 'ava';
import {parsePath, readPath, writePath} from '../../source/practice/field-path.js';

const pod = {
	metadata: {labels: {'app.kubernetes.io/name': 'web'}},
	spec: {containers: [{name: 'web', image: 'nginx:1.25'}, {name: 'side', image: 'busybox'}]},
	status: {conditions: [{type: 'PodScheduled', status: 'True'}, {type: 'Ready', status: 'False'}]},
};

test('reads names, indexes, filters and quoted names', t => {
	t.is(readPath(pod, 'spec.containers[1].image'), 'busybox');
	t.is(readPath(pod, 'status.conditions[type=Ready].status'), 'False');
	t.is(readPath(pod, "metadata.labels['app.kubernetes.io/name']"), 'web');
	t.is(readPath(pod, 'spec.containers[name=nope].image'), undefined);
	t.is(readPath(pod, 'status.missing.deeper'), undefined);
});

test('writes in place, creating what is missing; undefined removes', t => {
	const copy = structuredClone(pod) as unknown as Record<string, unknown>;
	writePath(copy, 'spec.containers[name=web].image', 'nginx:1.27');
	writePath(copy, 'spec.containers[name=web].env[name=A].value', '1');
	writePath(copy, "spec.nodeSelector['disk.type']", 'ssd');
	writePath(copy, 'status.conditions[type=Ready]', undefined);
	t.is(readPath(copy, 'spec.containers[0].image'), 'nginx:1.27');
	t.deepEqual(readPath(copy, 'spec.containers[0].env'), [{name: 'A', value: '1'}]);
	t.deepEqual(readPath(copy, 'spec.nodeSelector'), {'disk.type': 'ssd'});
	t.is((readPath(copy, 'status.conditions') as unknown[]).length, 1);
});

test('a malformed path says what is wrong', t => {
	t.throws(() => parsePath('status..phase'), {message: '"status..phase": "" is not a field name, an index [0] or a filter [type=Ready]'});
	t.throws(() => parsePath('spec.containers[web]'), {message: '"spec.containers[web]": "[web]" must be an index [0], a filter [key=value] or a quoted name [\'a.b\']'});
	t.throws(() => parsePath(''), {message: 'a field path must be a non-empty string such as status.phase'});
});
