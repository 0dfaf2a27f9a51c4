import test from 'ava';
import fc from 'fast-check';
import type {Deployment, ReplicaSet} from '../../../source/engine/api/types.js';
import {
	computeHash, deploymentProgressing, deploymentTimedOut, equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, fnv32a,
	isPodAvailable, maxSurge, maxUnavailable, newReplicaSetAnnotations, newRSNewReplicas, proportionalSizes, resolveFenceposts,
	roundHalfAway, safeEncodeString, setCondition, newCondition,
} from '../../../source/engine/controllers/deployment-util.js';
import {epochMs} from '../../../source/engine/clock.js';

const template = (image = 'nginx:1.25', labels: Record<string, string> = {app: 'web'}) => ({
	metadata: {labels},
	spec: {containers: [{name: 'c', image}]},
});

function deployment(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', extra: Partial<Deployment['spec']> = {}): Deployment {
	return {
		apiVersion: 'apps/v1', kind: 'Deployment',
		metadata: {name: 'web', namespace: 'default', uid: 'd', resourceVersion: '1', creationTimestamp: '2026-01-01T09:00:00Z', generation: 1},
		spec: {replicas, selector: {matchLabels: {app: 'web'}}, template: template(), strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: surge, maxUnavailable: unavailable}}, ...extra},
		status: {},
	};
}

function rs(name: string, replicas: number, options: {available?: number; created?: string; annotations?: Record<string, string>; image?: string} = {}): ReplicaSet {
	return {
		apiVersion: 'apps/v1', kind: 'ReplicaSet',
		metadata: {name, namespace: 'default', uid: name, resourceVersion: '1', creationTimestamp: options.created ?? '2026-01-01T09:00:00Z', annotations: options.annotations},
		spec: {replicas, selector: {matchLabels: {app: 'web'}}, template: template(options.image)},
		status: {replicas, availableReplicas: options.available ?? replicas},
	};
}

// §3.4 worked examples plus upstream's fencepost cases.
const fenceposts: Array<[number, number | string, number | string, number, number]> = [
	// replicas, maxSurge, maxUnavailable → surge, unavailable
	[10, '25%', '25%', 3, 2],
	[4, '25%', '25%', 1, 1],
	[1, '25%', '25%', 1, 0],
	[3, '25%', '25%', 1, 0],
	[10, 0, 0, 0, 1],
	[10, '0%', '0%', 0, 1],
	[10, 2, '50%', 2, 5],
	[5, '10%', '10%', 1, 0],
	[0, '25%', '25%', 0, 1],
	[7, '100%', '100%', 7, 7],
];

for (const [replicas, surge, unavailable, wantSurge, wantUnavailable] of fenceposts) {
	test(`fenceposts: ${replicas} replicas, surge ${surge}, unavailable ${unavailable}`, t => {
		t.deepEqual(resolveFenceposts(surge, unavailable, replicas), {surge: wantSurge, unavailable: wantUnavailable});
		const d = deployment(replicas, surge, unavailable);
		t.is(maxSurge(d), wantSurge);
		t.is(maxUnavailable(d), replicas === 0 ? 0 : Math.min(wantUnavailable, replicas));
	});
}

test('Recreate has no surge and no unavailability budget', t => {
	const d = deployment(5);
	d.spec!.strategy = {type: 'Recreate'};
	t.is(maxSurge(d), 0);
	t.is(maxUnavailable(d), 0);
	t.is(newRSNewReplicas(d, [rs('old', 5)], rs('new', 0)), 5);
});

// NewRSNewReplicas (upstream TestNewRSNewReplicas).
const newReplicas: Array<{name: string; replicas: number; surge: number; newSize: number; oldSize: number; want: number}> = [
	{name: 'can not scale up - to newRSReplicas', replicas: 1, surge: 1, newSize: 0, oldSize: 2, want: 0},
	{name: 'scale up - to deployment replicas', replicas: 1, surge: 1, newSize: 0, oldSize: 1, want: 1},
	{name: 'surge limits the step', replicas: 10, surge: 3, newSize: 0, oldSize: 10, want: 3},
	{name: 'never past spec.replicas', replicas: 10, surge: 3, newSize: 9, oldSize: 1, want: 10},
	{name: 'already at max total', replicas: 10, surge: 3, newSize: 5, oldSize: 8, want: 5},
];

for (const c of newReplicas) {
	test(`NewRSNewReplicas: ${c.name}`, t => {
		const d = deployment(c.replicas, c.surge, 0);
		const next = rs('new', c.newSize);
		t.is(newRSNewReplicas(d, [rs('old', c.oldSize), next], next), c.want);
	});
}

test('Go rounding: halves away from zero', t => {
	t.deepEqual([2.5, -2.5, 1.4, -1.6, 0].map(roundHalfAway), [3, -3, 1, -2, 0]);
});

// Proportional scaling (upstream TestScale cases, scaled by max-replicas annotations).
const proportional: Array<{name: string; replicas: number; old: number; oldMax: number; neu: number; neuMax: number; want: [number, number]}> = [
	{name: 'scale up 10 → 20 mid-rollout: 10 more, newer set first', replicas: 20, old: 5, oldMax: 13, neu: 8, neuMax: 13, want: [9, 14]},
	{name: 'scale down 10 → 5 mid-rollout: 5 fewer, larger set first', replicas: 5, old: 5, oldMax: 13, neu: 8, neuMax: 13, want: [3, 5]},
	{name: 'scale down to zero', replicas: 0, old: 5, oldMax: 13, neu: 8, neuMax: 13, want: [0, 0]},
];

for (const c of proportional) {
	test(`proportional sizes: ${c.name}`, t => {
		const d = deployment(c.replicas, 3, 2);
		const old = rs('old', c.old, {created: '2026-01-01T09:00:00Z', annotations: {'deployment.kubernetes.io/max-replicas': String(c.oldMax)}});
		const neu = rs('new', c.neu, {created: '2026-01-01T09:01:00Z', annotations: {'deployment.kubernetes.io/max-replicas': String(c.neuMax)}});
		const {sets, sizes} = proportionalSizes(d, [old, neu]);
		const byName = new Map(sets.map((set, i) => [set.metadata.name, sizes[i]]));
		t.deepEqual([byName.get('old'), byName.get('new')], c.want);
		// The total never exceeds replicas + surge.
		t.true(sizes.reduce((a, b) => a + b, 0) <= (c.replicas === 0 ? 0 : c.replicas + maxSurge(d)));
	});
}

test('proportional sizes add up to replicas + surge from a saturated rollout', t => {
	fc.assert(fc.property(
		fc.integer({min: 1, max: 50}), fc.integer({min: 1, max: 51}), fc.integer({min: 0, max: 60}),
		(from, split, to) => {
			const total = from + 2;
			const oldSize = Math.min(split, total - 1);
			const d = deployment(to, 2, 1);
			const max = String(total);
			const old = rs('old', oldSize, {created: '2026-01-01T09:00:00Z', annotations: {'deployment.kubernetes.io/max-replicas': max}});
			const neu = rs('new', total - oldSize, {created: '2026-01-01T09:01:00Z', annotations: {'deployment.kubernetes.io/max-replicas': max}});
			const {sizes} = proportionalSizes(d, [old, neu]);
			const sum = sizes.reduce((a, b) => a + b, 0);
			return sizes.every(size => size >= 0) && sum === (to === 0 ? 0 : to + 2);
		},
	));
	t.pass();
});

test('FindActiveOrLatest: the only active set, the newest when none is active, none with several', t => {
	const a = rs('a', 0, {created: '2026-01-01T09:00:00Z'});
	const b = rs('b', 0, {created: '2026-01-01T09:05:00Z'});
	t.is(findActiveOrLatest(undefined, [a, b])?.metadata.name, 'b');
	t.is(findActiveOrLatest(rs('n', 0), [a, b])?.metadata.name, 'n');
	t.is(findActiveOrLatest(rs('n', 0), [a, rs('c', 2)])?.metadata.name, 'c');
	t.is(findActiveOrLatest(rs('n', 1), [rs('c', 2)]), undefined);
});

test('FNV-32a and SafeEncodeString match the reference values', t => {
	const bytes = (s: string) => new TextEncoder().encode(s);
	t.is(fnv32a(bytes('')), 0x811c9dc5);
	t.is(fnv32a(bytes('a')), 0xe40c292c);
	t.is(fnv32a(bytes('foobar')), 0xbf9cf968);
	// A string hashes as its UTF-8 bytes, ASCII or not, from any starting hash.
	for (const text of ['', 'foobar', 'kubarium-ca', 'é', 'aé€😀b']) {
		t.is(fnv32a(text), fnv32a(bytes(text)), text);
		t.is(fnv32a(text, 12345), fnv32a(bytes(text), 12345), text);
	}
	t.is(safeEncodeString('0123456789'), '456789bcdf');
});

test('pod-template-hash: alphabet, key order, collision count', t => {
	const hash = computeHash(template());
	t.regex(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
	const reordered = {spec: {containers: [{image: 'nginx:1.25', name: 'c'}]}, metadata: {labels: {app: 'web'}}};
	t.is(computeHash(reordered), hash);
	t.not(computeHash(template('nginx:1.26')), hash);
	t.not(computeHash(template(), 1), hash);
	t.not(computeHash(template(), 1), computeHash(template(), 2));
	t.is(computeHash(template(), 0), computeHash(template(), 0));
});

test('EqualIgnoreHash ignores only the pod-template-hash label', t => {
	t.true(equalIgnoreHash(template('x', {app: 'web', 'pod-template-hash': 'abc'}), template('x', {app: 'web'})));
	t.false(equalIgnoreHash(template('x', {app: 'web', tier: 'a'}), template('x', {app: 'web'})));
	t.false(equalIgnoreHash(template('x'), template('y')));
	t.true(equalIgnoreHash({metadata: {labels: {'pod-template-hash': 'a'}}, spec: {containers: []}}, {metadata: {}, spec: {containers: []}}));
});

test('FindNewReplicaSet picks the oldest matching set', t => {
	const d = deployment(3);
	const older = rs('older', 0, {created: '2026-01-01T09:00:00Z'});
	const newer = rs('newer', 0, {created: '2026-01-01T09:10:00Z'});
	t.is(findNewReplicaSet(d, [newer, older])?.metadata.name, 'older');
	t.is(findNewReplicaSet(d, [rs('other', 1, {image: 'busybox'})]), undefined);
});

test('revision annotations: new revision, history on reuse, copied annotations, replica annotations on create', t => {
	const d = deployment(4, 1, 1);
	d.metadata.annotations = {'kubernetes.io/change-cause': 'set image', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '9'};
	const created = newReplicaSetAnnotations(d, rs('n', 0), 1, false);
	t.deepEqual(created.annotations, {
		'kubernetes.io/change-cause': 'set image',
		'deployment.kubernetes.io/revision': '1',
		'deployment.kubernetes.io/desired-replicas': '4',
		'deployment.kubernetes.io/max-replicas': '5',
	});
	const reused = newReplicaSetAnnotations(d, rs('o', 0, {annotations: {'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/revision-history': '1'}}), 4, true);
	t.is(reused.annotations['deployment.kubernetes.io/revision'], '4');
	t.is(reused.annotations['deployment.kubernetes.io/revision-history'], '1,2');
	t.true(reused.changed);
	const same = newReplicaSetAnnotations({...d, metadata: {...d.metadata, annotations: {}}}, rs('o', 0, {annotations: {'deployment.kubernetes.io/revision': '4'}}), 4, true);
	t.false(same.changed);
});

test('conditions: same status and reason change nothing; a new reason keeps lastTransitionTime', t => {
	const status = {conditions: [newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'a', epochMs)]};
	setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'b', epochMs + 60_000));
	t.is(status.conditions[0]!.message, 'a');
	setCondition(status, newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'c', epochMs + 60_000));
	t.is(status.conditions[0]!.reason, 'ReplicaSetUpdated');
	t.is(status.conditions[0]!.lastTransitionTime, '2026-01-01T09:00:00Z');
	t.is(status.conditions[0]!.lastUpdateTime, '2026-01-01T09:01:00Z');
	setCondition(status, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', 'd', epochMs + 120_000));
	t.is(status.conditions[0]!.lastTransitionTime, '2026-01-01T09:02:00Z');
});

test('progress and timeout checks', t => {
	const d = deployment(3, 1, 0, {progressDeadlineSeconds: 60});
	d.status = {replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2};
	t.true(deploymentProgressing(d, {replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2}));
	t.false(deploymentProgressing(d, {replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2}));
	const status = {conditions: [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', epochMs)]};
	t.false(deploymentTimedOut(d, status, epochMs + 60_000));
	t.true(deploymentTimedOut(d, status, epochMs + 60_001));
});

test('pod availability honours minReadySeconds strictly', t => {
	const pod = {
		apiVersion: 'v1', kind: 'Pod',
		metadata: {name: 'p', uid: 'p', resourceVersion: '1', creationTimestamp: '2026-01-01T09:00:00Z'},
		status: {phase: 'Running' as const, conditions: [{type: 'Ready', status: 'True' as const, lastTransitionTime: '2026-01-01T09:00:00Z'}]},
	};
	t.true(isPodAvailable(pod, 0, epochMs));
	t.false(isPodAvailable(pod, 5, epochMs + 5000));
	t.true(isPodAvailable(pod, 5, epochMs + 5001));
});
