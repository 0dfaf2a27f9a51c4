import test from 'ava';
import {createCluster} from '../../../source/engine/cluster.js';
import type {KubeObject, Pod} from '../../../source/engine/api/types.js';
import {VirtualClock} from '../../../source/engine/clock.js';
import {ItemExponentialBackoff, WorkQueue} from '../../../source/engine/controller.js';
import {
	claimObjects, computeHash, ControllerExpectations, controllerRefOf, expectationsTimeoutMs, hashControllerRevision, newControllerRef, writeStatusIfChanged,
} from '../../../source/engine/controllers/controller-utils.js';
import {matchesLabels, labelSelectorFromObject} from '../../../source/engine/api/selectors.js';

test('the rate limiter waits 5 ms, doubling per requeue up to 1000 s, until the key is forgotten', t => {
	const backoff = new ItemExponentialBackoff();
	t.deepEqual([1, 2, 3, 4, 5].map(() => backoff.when('a')), [5, 10, 20, 40, 80]);
	t.is(backoff.when('b'), 5, 'per key');
	t.is(backoff.numRequeues('a'), 5);
	for (let i = 0; i < 40; i++) backoff.when('a');
	t.is(backoff.when('a'), 1_000_000);
	backoff.forget('a');
	t.is(backoff.numRequeues('a'), 0);
	t.is(backoff.when('a'), 5);
});

test('a rate-limited add comes back after its backoff on virtual time', t => {
	const clock = new VirtualClock();
	const queue = new WorkQueue(clock, 'test');
	queue.addRateLimited('k');
	queue.addRateLimited('k');
	t.is(queue.take(), undefined);
	clock.advanceTo(clock.now() + 5, () => {});
	t.is(queue.take(), 'k', 'the earlier pending add wins');
	t.is(queue.numRequeues('k'), 2);
	queue.forget('k');
	t.is(queue.numRequeues('k'), 0);
});

test('expectations: satisfied once every expected create and delete is seen, or after five minutes', t => {
	const clock = new VirtualClock();
	const expectations = new ControllerExpectations(clock);
	t.true(expectations.satisfied('ns/rs'), 'nothing expected yet');
	expectations.expectCreations('ns/rs', 2);
	t.false(expectations.satisfied('ns/rs'));
	expectations.creationObserved('ns/rs');
	t.false(expectations.satisfied('ns/rs'));
	expectations.creationObserved('ns/rs');
	t.true(expectations.satisfied('ns/rs'));
	expectations.expectDeletions('ns/rs', ['a', 'b']);
	expectations.deletionObserved('ns/rs', 'a');
	expectations.deletionObserved('ns/rs', 'a');
	t.false(expectations.satisfied('ns/rs'), 'a pod seen twice counts once');
	clock.advanceTo(clock.now() + expectationsTimeoutMs + 1, () => {});
	t.true(expectations.satisfied('ns/rs'), 'expired');
	expectations.expectDeletions('ns/rs', ['c']);
	expectations.forget('ns/rs');
	t.true(expectations.satisfied('ns/rs'));
});

function pod(name: string, labels: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): Pod {
	return {apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'default', labels, uid: '', resourceVersion: '', creationTimestamp: '', ...extra}, spec: {containers: [{name: 'c', image: 'nginx:1.25'}]}} as Pod;
}

test('claimObjects adopts matching orphans, releases what no longer matches, and leaves others\' and terminating objects alone', t => {
	const cluster = createCluster({seed: 4});
	const {store} = cluster.context;
	const owner = store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'owner', namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: ''}});
	const other = store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'other', namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: ''}});
	const orphan = store.create(pod('orphan', {app: 'a'}));
	const stranger = store.create(pod('stranger', {app: 'b'}));
	const owned = store.create(pod('owned', {app: 'a'}, {ownerReferences: [newControllerRef(owner)]}));
	const moved = store.create(pod('moved', {app: 'b'}, {ownerReferences: [newControllerRef(owner)]}));
	const foreign = store.create(pod('foreign', {app: 'a'}, {ownerReferences: [newControllerRef(other)]}));
	const dying = store.markDeleted(store.create(pod('dying', {app: 'a'}, {finalizers: ['x']})))!;
	const selector = labelSelectorFromObject({matchLabels: {app: 'a'}});
	const match = (p: Pod) => matchesLabels(selector, p.metadata.labels);
	const all = [orphan, stranger, owned, moved, foreign, dying] as Pod[];
	const claimed = claimObjects<Pod>(store, owner, match, {owned: store.dependentsOf(owner.metadata.uid, 'Pod') as Pod[], orphans: all});
	t.deepEqual(claimed.map(p => p.metadata.name).sort(), ['orphan', 'owned']);
	const ref = (name: string) => controllerRefOf(store.get('Pod', 'default', name)!);
	t.like(ref('orphan'), {uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true});
	t.is(ref('moved'), undefined, 'released');
	t.is(ref('foreign')?.uid, other.metadata.uid);
	t.is(ref('dying'), undefined);
	t.is(ref('stranger'), undefined);
	// An owner being deleted neither adopts nor releases.
	const leaving = store.update({...store.get('ConfigMap', 'default', 'owner')!, metadata: {...owner.metadata, finalizers: ['y'], resourceVersion: ''}});
	const marked = store.markDeleted(leaving)!;
	const stray = store.create(pod('stray', {app: 'a'}));
	const mine = claimObjects<Pod>(store, marked, match, {owned: store.dependentsOf(owner.metadata.uid, 'Pod') as Pod[], orphans: [stray as Pod]});
	t.deepEqual(mine.map(p => p.metadata.name).sort(), ['orphan', 'owned']);
	t.is(ref('stray'), undefined);
	// The fresh read: an owner whose stored copy is being deleted adopts nothing, whatever the caller holds.
	const stale = {...marked, metadata: {...marked.metadata, deletionTimestamp: undefined}};
	t.deepEqual(claimObjects<Pod>(store, stale, match, {owned: [], orphans: [stray as Pod]}), []);
	t.is(ref('stray'), undefined);
});

test('writeStatusIfChanged writes only a different status, and never onto a namesake', t => {
	const cluster = createCluster({seed: 5});
	const {store} = cluster.context;
	const first = store.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: ''}, status: {n: 1}});
	t.is(writeStatusIfChanged(store, first, {n: 1}), first, 'same status: no write');
	const written = writeStatusIfChanged(store, first, {n: 2})!;
	t.not(written.metadata.resourceVersion, first.metadata.resourceVersion);
	store.remove(written);
	const namesake = store.create({...first, metadata: {...first.metadata, uid: '', resourceVersion: ''}});
	t.is(writeStatusIfChanged(store, first, {n: 3}), undefined);
	t.deepEqual(store.get('ConfigMap', 'default', 'c')!.status, namesake.status);
});

test('one hash: ComputeHash for template hashes, HashControllerRevision with its probe as text', t => {
	const template = {metadata: {labels: {app: 'a'}}, spec: {containers: [{name: 'c', image: 'nginx'}]}};
	t.is(computeHash(template), computeHash(structuredClone(template)));
	t.not(computeHash(template, 0), computeHash(template));
	t.is(hashControllerRevision(template, 0), hashControllerRevision(template));
	t.not(hashControllerRevision(template, 1), hashControllerRevision(template));
	t.regex(computeHash(template), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});
