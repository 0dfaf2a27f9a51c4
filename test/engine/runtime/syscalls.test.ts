import test from 'ava';
import fc from 'fast-check';
import {createCluster} from '../../../source/engine/cluster.js';
import {Trace, containerTraceCapacity, countByCategory, formatSyscall, spelling, syscallCategories} from '../../../source/engine/runtime/syscalls.js';
import {Ring} from '../../../source/engine/runtime/ring.js';
import type {Pod} from '../../../source/engine/api/types.js';

test('a started container\'s trace follows runc: clone, setns into the sandbox, unshare of new namespaces, mounts, pivot_root, execve', t => {
	const cluster = createCluster({seed: 21, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web'}, spec: {
		containers: [{name: 'nginx', image: 'nginx:1.25', volumeMounts: [{name: 'scratch', mountPath: '/scratch'}]}],
		volumes: [{name: 'scratch', emptyDir: {}}],
	}});
	cluster.advance(10_000);
	const calls = cluster.syscalls('web', {container: 'nginx'});
	const names = calls.map(c => c.name);
	for (const name of ['clone', 'setns', 'unshare', 'mount', 'pivot_root', 'umount2', 'mknodat', 'keyctl', 'socketpair', 'seccomp', 'execve', 'socket', 'bind', 'listen', 'epoll_wait']) {
		t.true(names.includes(name), name);
	}
	t.true(calls.some(c => c.name === 'unshare' && /CLONE_NEWNS\|CLONE_NEWPID/.test(c.args)));
	t.true(calls.some(c => c.name === 'setns' && c.args.includes('CLONE_NEWNET')));
	t.true(calls.some(c => c.name === 'clone' && c.args.includes('CLONE_PARENT')));
	t.true(calls.some(c => c.name === 'mount' && c.args.includes('kubernetes.io~empty-dir/scratch') && c.args.includes('MS_BIND|MS_REC')));
	t.true(calls.some(c => c.name === 'bind' && c.args.includes('htons(80)')));
	const execve = calls.filter(c => c.name === 'execve').pop()!;
	t.true(execve.args.startsWith('"/docker-entrypoint.sh", ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]'));
	t.true(names.indexOf('pivot_root') < names.lastIndexOf('execve'));
	const counts = countByCategory(calls);
	for (const category of syscallCategories) t.true(counts[category] > 0, category);
	t.true(calls.every((c, i) => i === 0 || c.at >= calls[i - 1]!.at), 'in time order');
	t.regex(formatSyscall(execve), /^\[pid +\d+\] \d\d:\d\d:\d\d\.\d{6} execve\(/);

	const sandbox = cluster.syscalls('web', {sandbox: true});
	t.true(sandbox.some(c => c.name === 'sethostname' && c.args.startsWith('"web"')));
	t.true(sandbox.some(c => c.name === 'unshare' && c.args === 'CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWCGROUP'));
	t.true(sandbox.some(c => c.name === 'execve' && c.args.startsWith('"/pause"')));
	t.true(sandbox.some(c => c.name === 'sendto' && c.args.includes('RTM_NEWADDR')));
	const object = cluster.get('Pod', 'web') as Pod;
	t.true(sandbox.some(c => c.args.includes(object.status!.podIP!)));
	t.true(cluster.syscalls('web').length >= calls.length + sandbox.length);
});

test('traces and logs stay bounded however long a container runs', t => {
	const cluster = createCluster({seed: 22, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'chatty'}, spec: {containers: [{name: 'c', image: 'busybox', command: ['sh', '-c', 'while true; do echo tick; date; sleep 0.1; done']}]}});
	for (let i = 0; i < 12; i++) cluster.advance(10_000);
	const calls = cluster.syscalls('chatty', {container: 'c'});
	t.is(calls.length, containerTraceCapacity);
	t.true(calls.some(c => c.name === 'nanosleep'));
	t.is(calls.at(-1)!.at <= cluster.now(), true);
	const logs = cluster.logs('chatty');
	t.is(logs.length, 1000);
	t.is(logs.at(-2), 'tick');
	t.is(cluster.syscalls('chatty', {tail: 5}).length, 5);
});

test('rings drop the oldest entries; a deferred burst is spelled out on each read and never stored', t => {
	const ring = new Ring<number>(3);
	for (let i = 1; i <= 5; i++) ring.push(i);
	t.deepEqual(ring.toArray(), [3, 4, 5]);
	t.is(ring.dropped, 2);
	t.deepEqual(ring.toArray(2), [4, 5]);
	t.throws(() => new Ring(0), {message: 'ring capacity must be a positive integer, got 0'});
	const trace = new Trace(4);
	let spelled = 0;
	const reads = spelling<{pid: number; times: number[]}>('test.reads', owner => {
		spelled++;
		return owner.times.map(i => ({at: i, pid: owner.pid, name: 'read', args: '', ret: 0, category: 'file management' as const}));
	});
	trace.deferred(reads, {pid: 1, times: [1, 2, 3]});
	t.is(spelled, 0);
	trace.emit(10, 1, 'write', '1, "x", 1', 1);
	t.is(spelled, 0);
	t.deepEqual(trace.entries().map(e => e.name), ['read', 'read', 'read', 'write']);
	t.is(spelled, 1);
	trace.emit(11, 1, 'close', '1', 0);
	t.deepEqual(trace.entries().map(e => e.name), ['read', 'read', 'write', 'close']);
	trace.emit(12, 1, 'close', '2', 0);
	trace.emit(13, 1, 'close', '3', 0);
	t.deepEqual(trace.entries().map(e => e.at), [10, 11, 12, 13]);
	t.is(spelled, 2, 'a recipe older than a full ring is dropped unread');
});

test('a trace saved as data and loaded goes on as the saved one: its calls, kept bursts, start-up recipe, wrap-around and what it dropped', t => {
	const burst = spelling<{pid: number; from: number; n: number}>('test.burst', input => Array.from({length: input.n}, (_, i) => ({at: input.from + i * 0.001, pid: input.pid, name: 'recvfrom', args: String(i), ret: i, category: 'communications' as const})));
	const start = spelling<{pid: number}>('test.start', owner => [{at: 0.5, pid: owner.pid, name: 'execve', args: '"/bin/sh"', ret: 0, category: 'process control' as const}]);
	type Op = {op: 'emit'; at: number} | {op: 'group'; at: number; n: number};
	const op = fc.oneof(
		fc.record({op: fc.constant('emit' as const), at: fc.integer({min: 0, max: 40})}),
		fc.record({op: fc.constant('group' as const), at: fc.integer({min: 0, max: 40}), n: fc.integer({min: 1, max: 4})}),
	);
	fc.assert(fc.property(fc.integer({min: 1, max: 9}), fc.boolean(), fc.array(op, {maxLength: 40}), fc.nat(40), (capacity, withStart, ops, cut) => {
		const owner = {pid: 7};
		const run = (trace: Trace, step: Op) => (step.op === 'emit' ? trace.emit(step.at, 3, 'write', `${step.at}`, 1) : trace.group(step.at, step.n, burst, {pid: 4, from: step.at, n: step.n}));
		const live = new Trace(capacity);
		if (withStart) live.deferred(start, owner);
		const at = Math.min(cut, ops.length);
		for (const step of ops.slice(0, at)) run(live, step);
		const saved = JSON.parse(JSON.stringify(live.save()));
		const loaded = Trace.fromSaved(saved, {owner});
		t.deepEqual(loaded.save(), live.save());
		for (const step of ops.slice(at)) {
			run(live, step);
			run(loaded, step);
			t.deepEqual(loaded.entries(), live.entries());
		}
		t.deepEqual(loaded.entries(), live.entries());
		t.is(loaded.length, live.length);
		t.is(loaded.dropped, live.dropped);
		t.deepEqual(loaded.save(), live.save());
	}), {numRuns: 300});
	t.throws(() => Trace.fromSaved({capacity: 2, total: 1, lastAt: 0, items: [{at: 1, count: 1, spelling: 'test.none', input: null}]}), {message: 'trace: spelling test.none is not defined'});
	t.throws(() => Trace.fromSaved({capacity: 1, total: 3, lastAt: 0, items: [{at: 1, count: 2, spelling: 'test.burst', input: {pid: 1, from: 1, n: 2}}]}), {message: 'trace: 2 calls held of 3 in all, for a capacity of 1'});
	t.throws(() => spelling('test.burst', () => []), {message: 'spelling test.burst is already defined'});
});
