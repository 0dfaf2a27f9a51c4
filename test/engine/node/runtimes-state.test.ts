import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {MockRuntime} from '../../../source/engine/runtime/mock-runtime.js';
import {loadingFrom, savingFrom, type Loading, type Saving} from '../../../source/engine/state.js';
import type {SavedRuntimes} from '../../../source/engine/node/kubelet.js';

/**
 * The runtimes part calls each node's runtime through the runtime
 * interface's optional `save` and `load`. Here every MockRuntime saves a
 * stand-in (its node and its images, around what it saves itself when it
 * can) and records the loads it is given, so the part's own work shows: the
 * order it saves in, which runtime each saved state loads into, and that a
 * runtime the load makes reports its containers' exits as one the kubelet
 * made does.
 */

type StandIn = {node: string; images: string[]; own: unknown};

const loads: Array<{runtime: MockRuntime; saved: StandIn}> = [];
const exitListeners = new Map<MockRuntime, number>();
/** The runtime's methods this test wraps (`save` and `load` are optional in the runtime interface). */
type Wrapped = {
	save?(this: MockRuntime, saving: Saving): unknown;
	load?(this: MockRuntime, saved: unknown, loading: Loading): void;
	onContainerExit: MockRuntime['onContainerExit'];
};
const prototype = MockRuntime.prototype as unknown as Wrapped;
const ownSave = prototype.save;
const ownLoad = prototype.load;
const ownListen = prototype.onContainerExit;

prototype.save = function (saving) {
	return {node: this.nodeName, images: this.listImages().map(i => i.names[0]!), own: ownSave?.call(this, saving) ?? null} satisfies StandIn;
};
prototype.load = function (saved, loading) {
	loads.push({runtime: this, saved: saved as StandIn});
	if ((saved as StandIn).own !== null) ownLoad?.call(this, (saved as StandIn).own, loading);
};
prototype.onContainerExit = function (this: MockRuntime, listener) {
	exitListeners.set(this, (exitListeners.get(this) ?? 0) + 1);
	ownListen.call(this, listener);
};

function cluster() {
	const made = createCluster({seed: 21, nodes: 3});
	made.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {
		replicas: 4, selector: {matchLabels: {app: 'web'}},
		template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}},
	}});
	made.advance(20_000);
	return made;
}

function savedRuntimes(made: ReturnType<typeof cluster>): SavedRuntimes {
	const saved = made.context.state.save(savingFrom(made.context.store), ['runtimes']);
	return JSON.parse(JSON.stringify(saved[0]![1])) as SavedRuntimes;
}

test('each node\'s runtime saves in the order the kubelets made them, and a reload loads each into its own runtime', t => {
	const made = cluster();
	const saved = savedRuntimes(made);
	const kubelet = made.context.services.kubelet!;
	t.true(saved.length > 0);
	for (const [node, state] of saved) {
		t.is((state as StandIn).node, node);
		t.true((state as StandIn).images.length > 0);
	}
	loads.length = 0;
	made.reloadParts(['runtimes']);
	t.deepEqual(loads.map(l => l.saved.node), saved.map(([node]) => node));
	for (const {runtime, saved: state} of loads) t.is(kubelet.runtimeFor(state.node), runtime);
	t.deepEqual(savedRuntimes(made), saved);
});

test('a runtime not made yet is made as the kubelet makes it, its exits reported to the kubelet, then loads its saved state', t => {
	const made = cluster();
	const saved = savedRuntimes(made);
	const fresh = createCluster({seed: 21, nodes: 3});
	const kubelet = fresh.context.services.kubelet!;
	for (const [node] of saved) t.is(kubelet.runtimeFor(node), undefined);
	loads.length = 0;
	// The fresh cluster's store does not hold the saved runtimes' pods: only the stand-ins load.
	const standIns = saved.map(([node, state]) => [node, {...(state as StandIn), own: null}]);
	fresh.context.state.load([['runtimes', standIns]], loadingFrom(fresh.context.store, fresh.context.clock.pendingByNumber()));
	t.deepEqual(loads.map(l => l.saved.node), saved.map(([node]) => node));
	for (const {runtime, saved: state} of loads) {
		t.is(kubelet.runtimeFor(state.node), runtime);
		t.is(exitListeners.get(runtime), 1);
	}
	// A state saved by a runtime that cannot save is left out of the load: the runtime is made and stays as made.
	loads.length = 0;
	const other = createCluster({seed: 21, nodes: 3});
	other.context.state.load([['runtimes', saved.map(([node]) => [node, null])]], loadingFrom(other.context.store, other.context.clock.pendingByNumber()));
	t.is(loads.length, 0);
	for (const [node] of saved) t.truthy(other.context.services.kubelet!.runtimeFor(node));
});
