import test, {type ExecutionContext} from 'ava';
import fc from 'fast-check';
import {createCluster, type Cluster} from '../../../source/engine/index.js';
import type {KubeObject} from '../../../source/engine/api/types.js';
import type {Manifest} from '../../../source/engine/api/types.js';
import {checkKeptStates, keptStatesChecked, LaterState, loadingFrom, savingFrom, type Saving} from '../../../source/engine/state.js';
import type {ShellSession} from '../../../source/engine/runtime/cri.js';
import type {MockRuntime, SavedRuntime} from '../../../source/engine/runtime/mock-runtime.js';
import {FileTree} from '../../../source/engine/runtime/filetree.js';
import {sameSimulation} from '../same-simulation.js';

/**
 * A node's container runtime saves its state as data and loads it back:
 * two twin clusters make the same calls; on one, every node's runtime is
 * saved, sent through JSON and loaded back in place at several points
 * (its load first returns it to the state it was made with, so what a save
 * forgets shows). Both must then save the same runtimes, and go on alike:
 * the same objects, clock, generator, container logs, system calls and CRI
 * logs.
 */

type Runtimes = Map<string, MockRuntime>;

function runtimes(cluster: Cluster): Runtimes {
	const out: Runtimes = new Map();
	const kubelet = cluster.context.services.kubelet!;
	for (const node of cluster.list('nodes')) {
		const runtime = kubelet.runtimeFor(node.metadata.name) as MockRuntime | undefined;
		if (runtime) out.set(node.metadata.name, runtime);
	}
	return out;
}

/** A runtime's state as data: these runtimes were loaded, none holds a state still as text (`loadLater`). */
function savedData(runtime: MockRuntime, saving: Saving): SavedRuntime {
	const saved = runtime.save(saving);
	if (saved instanceof LaterState) throw new Error('a runtime of these tests holds a state still as text');
	return saved;
}

function saves(cluster: Cluster): Array<[string, SavedRuntime]> {
	const saving = savingFrom(cluster.context.store);
	return [...runtimes(cluster)].map(([name, runtime]) => [name, JSON.parse(JSON.stringify(runtime.save(saving))) as SavedRuntime]);
}

/** Every node's runtime saved, through JSON, and loaded back in place (the generator kept where it was, as a restore loads it last). */
function reload(cluster: Cluster, shells: Shells): void {
	const {store, clock, random} = cluster.context;
	const saved = saves(cluster);
	const state = random.state();
	const loading = loadingFrom(store, clock.pendingByNumber());
	const all = runtimes(cluster);
	for (const [name, data] of saved) all.get(name)!.load(data, loading);
	random.load(state);
	// A holder of sessions finds each again by its number.
	for (const held of shells) {
		if (!held.session) continue;
		held.session = all.get(held.node)?.shellSession(held.session.id!) ?? closedSession(held.session.shell);
	}
}

function closedSession(shell: string): ShellSession {
	return {shell, cwd: () => '/', variable: () => undefined, prompt: () => '$ ', run: () => ({stdout: '', stderr: '', exitCode: 0, exited: true}), close() {}};
}

type Shells = Array<{node: string; session?: ShellSession; said: unknown[]}>;

/** A line typed at a held shell; what it answers, and its prompt after, are kept to compare. */
function line(shells: Shells, index: number, text: string): void {
	const held = shells[index];
	if (!held?.session) return;
	held.said.push(held.session.run(text), held.session.cwd(), held.session.prompt(), held.session.variable('GREETING') ?? null);
}

/** What each container and node shows: logs, system calls, CRI calls, usage, files, by container id. */
function observed(cluster: Cluster): unknown {
	const out: unknown[] = [];
	for (const [name, runtime] of runtimes(cluster)) {
		out.push(name, runtime.criLog(), runtime.listImages());
		const saved = savedData(runtime, savingFrom(cluster.context.store));
		for (const sandbox of saved.sandboxes) out.push(sandbox.id, runtime.syscalls(sandbox.id));
		for (const container of saved.containers) {
			out.push(container.id, runtime.containerLogs(container.id), runtime.syscalls(container.id), runtime.containerUsage(container.id));
		}
	}
	for (const pod of cluster.list('pods', {allNamespaces: true} as never)) {
		const namespace = pod.metadata.namespace;
		try {
			out.push(pod.metadata.name, cluster.syscalls(pod.metadata.name, {namespace}));
		} catch (error) {
			out.push(String(error));
		}
	}
	return JSON.parse(JSON.stringify(out)) as unknown;
}

function same(t: ExecutionContext, actual: Cluster, expected: Cluster, when: string): void {
	t.deepEqual(saves(actual), saves(expected), `${when}: the same saved runtimes`);
	t.deepEqual(observed(actual), observed(expected), `${when}: the same logs, calls and traces`);
}

const workloads: Manifest[] = [
	{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'conf', namespace: 'default'}, data: {'app.conf': 'a=1\n'}},
	{
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'looper', namespace: 'default', labels: {app: 'looper'}},
		spec: {
			volumes: [{name: 'data', emptyDir: {}}, {name: 'conf', configMap: {name: 'conf'}}, {name: 'host', hostPath: {path: '/var/log/looper'}}],
			containers: [{
				name: 'loop', image: 'busybox:1.36',
				volumeMounts: [{name: 'data', mountPath: '/data'}, {name: 'conf', mountPath: '/etc/app'}, {name: 'host', mountPath: '/host'}],
				command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $(date) >> /data/log; echo "n $i" | tee -a /host/n; sleep 5; done'],
			}, {
				name: 'side', image: 'alpine:3.19', volumeMounts: [{name: 'data', mountPath: '/data', subPath: 'side'}],
				command: ['sh', '-c', 'for w in a b c d e f; do echo $w >> /data/w; sleep 7; done; tail -f /dev/null'],
			}],
		},
	},
	{
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'default'},
		spec: {
			replicas: 3, selector: {matchLabels: {app: 'web'}},
			template: {
				metadata: {labels: {app: 'web'}},
				spec: {containers: [{
					name: 'nginx', image: 'nginx:1.25', ports: [{containerPort: 80}],
					readinessProbe: {httpGet: {path: '/', port: 80}, periodSeconds: 5},
					livenessProbe: {httpGet: {path: '/', port: 80}, periodSeconds: 10},
				}]},
			},
		},
	},
	{apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'default'}, spec: {selector: {app: 'web'}, ports: [{port: 80, targetPort: 80}]}},
	{
		apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'once', namespace: 'default'},
		spec: {template: {spec: {restartPolicy: 'Never', containers: [{name: 'job', image: 'busybox:1.36', command: ['sh', '-c', 'echo start; sleep 12; echo done']}]}}},
	},
	{
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'hog', namespace: 'default'},
		spec: {containers: [{name: 'hog', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 20; tail /dev/zero'], resources: {limits: {memory: '64Mi'}}}]},
	},
];

/** Each step runs on both twins; `reload` marks where one of them has its runtimes reloaded. */
type Step = (cluster: Cluster, shells: Shells) => void;

function openShell(cluster: Cluster, shells: Shells, pod: string, container: string): void {
	const object = cluster.get('pods', pod) as KubeObject & {spec?: {nodeName?: string}};
	const node = object.spec?.nodeName;
	if (!node) return;
	const kubelet = cluster.context.services.kubelet!;
	const id = kubelet.containerIdOf(object.metadata.uid!, container);
	const runtime = kubelet.runtimeFor(node);
	if (!id || !runtime) return;
	const opened = runtime.openShell(id, ['sh']);
	shells.push({node, session: opened.session, said: []});
}

const steps: Step[] = [
	cluster => cluster.apply(workloads),
	cluster => cluster.advance(20_000),
	(cluster, shells) => openShell(cluster, shells, 'looper', 'loop'),
	(_cluster, shells) => line(shells, 0, 'cd /data && export GREETING=hi && echo $GREETING > g && ls'),
	cluster => cluster.startTraffic('web', {rps: 7}),
	cluster => cluster.advance(13_000),
	cluster => cluster.exec('looper', ['sh', '-c', 'cat /data/log | wc -l; echo x >> /data/x'], {container: 'loop'}),
	(_cluster, shells) => line(shells, 0, 'cat g; cd /; pwd; echo $GREETING'),
	cluster => cluster.advance(4_300),
	cluster => cluster.replace({...cluster.get('configmaps', 'conf'), data: {'app.conf': 'a=2\n'}} as Manifest),
	cluster => cluster.exec('looper', ['cat', '/etc/app/app.conf'], {container: 'loop'}),
	cluster => cluster.advance(700),
	cluster => cluster.exec('looper', ['cat', '/etc/app/app.conf'], {container: 'loop'}),
	(cluster, shells) => openShell(cluster, shells, 'looper', 'side'),
	(_cluster, shells) => line(shells, 1, 'ls /data; echo side >> /data/s'),
	cluster => cluster.advance(31_000),
	cluster => {
		const used = ['hog', 'looper'].map(pod => (cluster.get('pods', pod) as {spec?: {nodeName?: string}}).spec?.nodeName);
		const other = cluster.list('nodes').map(n => n.metadata.name).find(n => !used.includes(n) && !n.includes('control-plane'));
		if (other) cluster.killNode(other);
	},
	cluster => cluster.advance(50_000),
	cluster => {
		for (const node of cluster.list('nodes')) {
			const ready = (node.status as {conditions?: Array<{type: string; status: string}>} | undefined)?.conditions?.find(c => c.type === 'Ready');
			if (ready?.status !== 'True') cluster.restoreNode(node.metadata.name);
		}
	},
	cluster => cluster.advance(25_000),
	(_cluster, shells) => line(shells, 0, 'echo still; exit 3'),
	cluster => cluster.scale('deploy', 'web', 1),
	cluster => cluster.advance(9_000),
	(_cluster, shells) => line(shells, 1, 'pwd'),
	cluster => cluster.delete('pods', 'looper'),
	cluster => cluster.advance(40_000),
	(_cluster, shells) => line(shells, 1, 'echo after'),
];

function twins(): [Cluster, Cluster] {
	return [createCluster({seed: 11, nodes: 3}), createCluster({seed: 11, nodes: 3})];
}

test('every node\'s runtime reloaded at several points: it saves the same and goes on as its twin', t => {
	const [twin, reloaded] = twins();
	const shells: [Shells, Shells] = [[], []];
	const seen = new Set<string>();
	for (const [index, step] of steps.entries()) {
		step(twin, shells[0]);
		step(reloaded, shells[1]);
		if (index % 2 === 1) {
			for (const [, runtime] of saves(reloaded)) {
				for (const container of runtime.containers) {
					if (container.view) seen.add('view');
					if (container.gone) seen.add('gone container');
					if (container.program) seen.add('program');
					if (container.timers) seen.add('timers');
				}
				for (const sandbox of runtime.sandboxes) {
					if (sandbox.gone) seen.add('gone sandbox');
					if (sandbox.volumes) seen.add('volume');
					if (sandbox.tokens) seen.add('token');
					if (sandbox.emptyDirs) seen.add('emptyDir');
				}
				if (runtime.shells.length > 0) seen.add('shell');
			}
			reload(reloaded, shells[1]);
			same(t, reloaded, twin, `after step ${index}`);
		}
	}
	t.deepEqual(shells[1].map(held => held.said), shells[0].map(held => held.said));
	t.deepEqual([...seen].sort(), ['emptyDir', 'gone container', 'gone sandbox', 'program', 'shell', 'timers', 'token', 'view', 'volume']);
	twin.advance(60_000);
	reloaded.advance(60_000);
	sameSimulation(t, reloaded, twin);
	same(t, reloaded, twin, 'a minute after the last step');
});

test('a loaded runtime keeps its shell programs, views, layers and trees', t => {
	const [twin] = twins();
	const shells: Shells = [];
	for (const step of steps.slice(0, 9)) step(twin, shells);
	const saved = saves(twin);
	const all = saved.flatMap(([, runtime]) => runtime.containers);
	t.true(all.some(container => container.program !== undefined), 'a suspended shell program');
	t.true(all.some(container => container.upper !== undefined), 'a writable layer');
	t.true(all.some(container => container.timers !== undefined), 'pending timers');
	t.true(all.some(container => container.trace.items.some(item => 'spelling' in item)), 'served requests kept as recipes');
	t.true(saved.some(([, runtime]) => runtime.shells.length > 0), 'an open shell');
	t.true(saved.some(([, runtime]) => runtime.hostPaths.length > 0), 'a host path');
	t.true(saved.some(([, runtime]) => runtime.pods.some(pod => 'from' in pod)), 'a pod version saved as what differs from the store\'s');
	// An inherited environment is not saved twice.
	const program = all.find(container => container.program)!.program!;
	t.true((program.shell as {env?: true}).env);
});

test('a tree is found again by where it is, after a load too', t => {
	const [cluster] = twins();
	const shells: Shells = [];
	for (const step of steps.slice(0, 9)) step(cluster, shells);
	const found: unknown[] = [];
	for (const runtime of runtimes(cluster).values()) {
		const saved = savedData(runtime, savingFrom(cluster.context.store));
		for (const container of saved.containers) {
			const tree = runtime.treeAt({container: container.id});
			if (tree) found.push(runtime.locateTree(tree));
		}
		for (const sandbox of saved.sandboxes) {
			for (const [name] of sandbox.emptyDirs ?? []) {
				const tree = runtime.treeAt({sandbox: sandbox.id, emptyDir: name});
				t.true(tree instanceof FileTree);
				found.push(runtime.locateTree(tree!));
			}
		}
		for (const [path] of saved.hostPaths) found.push(runtime.locateTree(runtime.treeAt({hostPath: path})!));
	}
	t.true(found.length >= 3);
	reload(cluster, shells);
	for (const locator of found) {
		const runtime = [...runtimes(cluster).values()].find(r => r.treeAt(locator as never));
		t.deepEqual(runtime?.locateTree(runtime.treeAt(locator as never)!), locator);
	}
	t.is(runtimes(cluster).values().next().value!.locateTree(new FileTree()), undefined);
});

/** Random sequences of the steps' kinds of calls, reloaded at random points. */
const call = fc.oneof(
	fc.integer({min: 200, max: 30_000}).map(ms => ({op: 'advance' as const, ms})),
	fc.constantFrom('loop', 'side').map(container => ({op: 'exec' as const, container})),
	fc.constantFrom(0, 1, 2).map(index => ({op: 'shell' as const, index})),
	fc.constantFrom('cd /data; echo r >> r; cat r | wc -l', 'export A=$((A+1)); echo $A', 'exit', 'ls /').map(line => ({op: 'line' as const, line})),
	fc.constantFrom(0, 5, 30).map(rps => ({op: 'traffic' as const, rps})),
	fc.integer({min: 0, max: 4}).map(replicas => ({op: 'scale' as const, replicas})),
	fc.constantFrom(0, 1, 2).map(index => ({op: 'kill' as const, index})),
	fc.constant({op: 'restore' as const}),
	fc.constant({op: 'reload' as const}),
);
type Call = typeof call extends fc.Arbitrary<infer T> ? T : never;

function run(cluster: Cluster, shells: Shells, step: Call): void {
	try {
		switch (step.op) {
			case 'advance':
				cluster.advance(step.ms);
				return;
			case 'exec':
				cluster.exec('looper', ['sh', '-c', 'date >> /data/e; cat /data/e | wc -l'], {container: step.container});
				return;
			case 'shell':
				openShell(cluster, shells, 'looper', step.index === 0 ? 'loop' : 'side');
				return;
			case 'line':
				line(shells, shells.length - 1, step.line);
				return;
			case 'traffic':
				if (step.rps === 0) cluster.stopTraffic('web');
				else cluster.startTraffic('web', {rps: step.rps});
				return;
			case 'scale':
				cluster.scale('deploy', 'web', step.replicas);
				return;
			case 'kill': {
				const node = cluster.list('nodes')[step.index]?.metadata.name;
				if (node) cluster.killNode(node);
				return;
			}
			case 'restore':
				for (const node of cluster.list('nodes')) cluster.restoreNode(node.metadata.name);
				return;
			case 'reload':
				return;
		}
	} catch {
		// Refused alike on both twins.
	}
}

test('random calls with reloads between them: the reloaded cluster goes on as its twin', t => {
	fc.assert(fc.property(fc.array(call, {minLength: 3, maxLength: 12}), calls => {
		const [twin, reloaded] = twins();
		const shells: [Shells, Shells] = [[], []];
		twin.apply(workloads);
		reloaded.apply(workloads);
		twin.advance(15_000);
		reloaded.advance(15_000);
		for (const step of calls) {
			run(twin, shells[0], step);
			run(reloaded, shells[1], step);
			if (step.op === 'reload') {
				reload(reloaded, shells[1]);
				t.deepEqual(saves(reloaded), saves(twin));
			}
		}
		reload(reloaded, shells[1]);
		twin.advance(30_000);
		reloaded.advance(30_000);
		sameSimulation(t, reloaded, twin);
		same(t, reloaded, twin, 'after the calls');
		t.deepEqual(shells[1].map(held => held.said), shells[0].map(held => held.said));
	}), {seed: 7, numRuns: 12});
});

test('a shell open on a node that fails ends with it, reloaded or not', t => {
	const [twin, reloaded] = twins();
	const shells: [Shells, Shells] = [[], []];
	for (const [cluster, held] of [[twin, shells[0]], [reloaded, shells[1]]] as const) {
		cluster.apply(workloads);
		cluster.advance(15_000);
		openShell(cluster, held, 'looper', 'loop');
		line(held, 0, 'echo before');
		cluster.killNode(held[0]!.node);
	}
	reload(reloaded, shells[1]);
	for (const held of shells) line(held, 0, 'echo after');
	// A halted runtime is not saved (its node's kubelet drops it): the shell's answers agree, not where it was.
	const answers = (held: Shells) => held[0]!.said.filter((_, index) => index % 4 === 0);
	t.deepEqual(answers(shells[1]), answers(shells[0]));
	t.like(shells[0][0]!.said[4] as object, {exited: true});
});

test('a runtime made fresh loads the saved state of another and saves it back the same', async t => {
	const {MockRuntime} = await import('../../../source/engine/runtime/mock-runtime.js');
	const [cluster] = twins();
	const shells: Shells = [];
	for (const step of steps.slice(0, 16)) step(cluster, shells);
	const {context} = cluster;
	const loading = loadingFrom(context.store, context.clock.pendingByNumber());
	for (const [name, saved] of saves(cluster)) {
		const random = context.random.state();
		const fresh = new MockRuntime(name, context);
		fresh.load(JSON.parse(JSON.stringify(saved)) as SavedRuntime, loading);
		t.deepEqual(JSON.parse(JSON.stringify(fresh.save(savingFrom(context.store)))), saved, name);
		for (const {node, session} of shells) if (node === name && session) t.is(fresh.shellSession(session.id!)?.cwd(), session.cwd());
		// The node's own runtime again is where its timers find their containers.
		runtimes(cluster).get(name)!.load(saved, loading);
		context.random.load(random);
	}
});

test('the demo with rows, a looping writer on a claim, a drain, a CronJob and traffic, its runtimes reloaded: it goes on as its twin', async t => {
	const {richCall, richCluster, runRich} = await import('../history-calls.js');
	const saved = JSON.stringify(richCluster(5).snapshot());
	// The facade's shells hold the sessions they opened (it finds them again by number only once it saves its own part): not typed here.
	const calls = fc.array(richCall.filter(call => call.op !== 'shell'), {minLength: 2, maxLength: 8});
	fc.assert(fc.property(calls, fc.nat(), (steps, at) => {
		const split = at % (steps.length + 1);
		const twin = createCluster({snapshot: JSON.parse(saved)});
		const reloaded = createCluster({snapshot: JSON.parse(saved)});
		const none = [{}, {}];
		for (const step of steps.slice(0, split)) {
			runRich(twin, step, none[0]!);
			runRich(reloaded, step, none[1]!);
		}
		reloaded.exec('writer', ['cat', '/data/log.txt'], {namespace: 'shop'});
		twin.exec('writer', ['cat', '/data/log.txt'], {namespace: 'shop'});
		const views = saves(twin).flatMap(([, runtime]) => runtime.containers.flatMap(container => container.view?.mounts ?? []));
		t.true(views.some(([, place]) => 'namespace' in place), 'a view with a claim\'s volume');
		reload(reloaded, []);
		t.deepEqual(saves(reloaded), saves(twin));
		for (const step of steps.slice(split)) {
			runRich(twin, step, none[0]!);
			runRich(reloaded, step, none[1]!);
		}
		twin.advance(30_000);
		reloaded.advance(30_000);
		sameSimulation(t, reloaded, twin);
		same(t, reloaded, twin, 'after the calls');
	}), {seed: 3, numRuns: 6});
});

test('a settled runtime saves the state it kept until a call, a timer, its pods in the store or its trees change; a change it did not count fails the check', t => {
	t.true(keptStatesChecked(), 'the tests check kept states');
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {
		replicas: 2, selector: {matchLabels: {app: 'web'}},
		template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25', volumeMounts: [{name: 'scratch', mountPath: '/scratch'}]}], volumes: [{name: 'scratch', emptyDir: {}}]}},
	}});
	cluster.advance(30_000);
	const [runtime] = runtimes(cluster).values();
	const saving = savingFrom(cluster.context.store);
	const save = () => savedData(runtime!, saving);
	const first = save();
	cluster.advance(60_000);
	t.is(save(), first, 'a minute of a settled node: the state kept is saved again');
	const [pod] = cluster.list('pods');
	// A call: an exec writes into the container's emptyDir.
	cluster.exec(pod!.metadata.name, ['sh', '-c', 'echo hi > /scratch/a']);
	t.true(save().containers.some(container => container.view), 'the container\'s view of its files, a second old at most, is saved');
	t.not(save(), save(), 'and not kept: it is saved only while a second old');
	cluster.advance(2000);
	const afterExec = save();
	t.not(afterExec, first);
	t.is(save(), afterExec);
	// The store's version of a pod the runtime holds.
	const held = cluster.get('pods', pod!.metadata.name)!;
	cluster.replace({...held, metadata: {...held.metadata, labels: {...held.metadata.labels, touched: 'yes'}}} as Manifest);
	const afterLabel = save();
	t.not(afterLabel, afterExec);
	t.is(save(), afterLabel);
	// A tree written behind the runtime's back (another holder of it).
	const [tree] = [...(runtime as unknown as {trees(): Iterable<[unknown, FileTree]>}).trees()].map(([, held]) => held);
	t.truthy(tree, 'the emptyDir is one of the runtime\'s trees');
	tree!.write('/b', 'there');
	const afterWrite = save();
	t.not(afterWrite, afterLabel);
	t.true(JSON.stringify(afterWrite).includes('there'));
	// A change the runtime does not count: the check makes the state again and refuses the kept one.
	const [record] = (runtime as unknown as {containers: Map<string, {memoryBytes: number}>}).containers.values();
	record!.memoryBytes += 1;
	t.throws(save, {message: /runtime of kubarium-control-plane|runtime of \S+: the saved state it kept is not the one made now/});
	checkKeptStates(false);
	try {
		t.is(save(), afterWrite, 'unchecked, the kept state is given');
	} finally {
		checkKeptStates(true);
	}
});
