import test from 'ava';
import type {Pod} from '../../../source/engine/index.js';
import {podSummary, restartsText} from '../../../source/ui/render/pod-columns.js';
import {nodeStatus, nodeRoles} from '../../../source/ui/render/node-columns.js';
import {humanDuration} from '../../../source/ui/render/columns.js';
import {endpointsText, servicePorts} from '../../../source/ui/render/service-columns.js';
import {columnSets} from '../../../source/ui/render/registry.js';
import {containerRows} from '../../../source/ui/render/container-columns.js';
import {selectorString} from '../../../source/ui/render/selectors.js';

const t0 = '2026-01-01T09:00:00Z';
const running = {running: {startedAt: t0}};

function pod(status: Partial<NonNullable<Pod['status']>>, spec: Partial<NonNullable<Pod['spec']>> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
	return {
		apiVersion: 'v1', kind: 'Pod',
		metadata: {name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '1', creationTimestamp: t0, ...meta},
		spec: {containers: [{name: 'app', image: 'nginx'}], ...spec},
		status: {phase: 'Running', ...status},
	};
}

const cs = (state: object, extra: object = {}) => ({name: 'app', state, lastState: {}, ready: false, restartCount: 0, image: 'nginx', imageID: '', ...extra});

// kubectl printPod cases (k8s-semantics §5.5; upstream printers_test.go TestPrintPod*).
const cases: Array<[string, Pod, string, string]> = [
	['running and ready', pod({containerStatuses: [cs(running, {ready: true})]}), 'Running', '1/1'],
	['pending, nothing yet', pod({phase: 'Pending'}), 'Pending', '0/1'],
	['container creating', pod({phase: 'Pending', containerStatuses: [cs({waiting: {reason: 'ContainerCreating'}})]}), 'ContainerCreating', '0/1'],
	['crash loop', pod({containerStatuses: [cs({waiting: {reason: 'CrashLoopBackOff'}}, {restartCount: 3})]}), 'CrashLoopBackOff', '0/1'],
	['completed', pod({phase: 'Succeeded', containerStatuses: [cs({terminated: {exitCode: 0, reason: 'Completed'}})]}), 'Completed', '0/1'],
	['terminated without reason, signal', pod({phase: 'Failed', containerStatuses: [cs({terminated: {exitCode: 137, signal: 9}})]}), 'Signal:9', '0/1'],
	['terminated without reason, exit code', pod({phase: 'Failed', containerStatuses: [cs({terminated: {exitCode: 2}})]}), 'ExitCode:2', '0/1'],
	['status reason wins over phase', pod({phase: 'Failed', reason: 'Evicted'}), 'Evicted', '0/1'],
	['scheduling gated', pod({phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'SchedulingGated'}]}), 'SchedulingGated', '0/1'],
	['init container waiting', pod({phase: 'Pending', initContainerStatuses: [cs({waiting: {reason: 'PodInitializing'}}, {name: 'init'})]}, {initContainers: [{name: 'init', image: 'busybox'}]}), 'Init:0/1', '0/1'],
	['init container crash loop', pod({phase: 'Pending', initContainerStatuses: [cs({waiting: {reason: 'CrashLoopBackOff'}}, {name: 'init'})]}, {initContainers: [{name: 'init', image: 'busybox'}]}), 'Init:CrashLoopBackOff', '0/1'],
	['init container failed', pod({phase: 'Pending', initContainerStatuses: [cs({terminated: {exitCode: 1, reason: 'Error'}}, {name: 'init'})]}, {initContainers: [{name: 'init', image: 'busybox'}]}), 'Init:Error', '0/1'],
	['init failed with exit code', pod({phase: 'Pending', initContainerStatuses: [cs({terminated: {exitCode: 3}}, {name: 'init'})]}, {initContainers: [{name: 'init', image: 'busybox'}]}), 'Init:ExitCode:3', '0/1'],
	['second of two init containers', pod({phase: 'Pending', initContainerStatuses: [cs({terminated: {exitCode: 0, reason: 'Completed'}}, {name: 'a'}), cs({running: {startedAt: t0}}, {name: 'b'})]}, {initContainers: [{name: 'a', image: 'x'}, {name: 'b', image: 'x'}]}), 'Init:1/2', '0/1'],
	['sidecar counts toward ready', pod({initContainerStatuses: [cs(running, {name: 'side', started: true, ready: true})], containerStatuses: [cs(running, {ready: true})], conditions: [{type: 'Initialized', status: 'True'}]}, {initContainers: [{name: 'side', image: 'x', restartPolicy: 'Always'}]}), 'Running', '2/2'],
	['first container reason wins (scan from last)', pod({containerStatuses: [cs({waiting: {reason: 'ImagePullBackOff'}}), cs({waiting: {reason: 'CrashLoopBackOff'}}, {name: 'b'})]}, {containers: [{name: 'app', image: 'x'}, {name: 'b', image: 'y'}]}), 'ImagePullBackOff', '0/2'],
	['completed but another running, ready', pod({containerStatuses: [cs({terminated: {exitCode: 0, reason: 'Completed'}}), cs(running, {name: 'b', ready: true})], conditions: [{type: 'Ready', status: 'True'}]}, {containers: [{name: 'app', image: 'x'}, {name: 'b', image: 'y'}]}), 'Running', '1/2'],
	['completed but another running, not ready', pod({containerStatuses: [cs({terminated: {exitCode: 0, reason: 'Completed'}}), cs(running, {name: 'b', ready: true})]}, {containers: [{name: 'app', image: 'x'}, {name: 'b', image: 'y'}]}), 'NotReady', '1/2'],
	['terminating', pod({containerStatuses: [cs(running, {ready: true})]}, {}, {deletionTimestamp: t0}), 'Terminating', '1/1'],
	['terminating on a lost node', pod({reason: 'NodeLost', containerStatuses: [cs(running, {ready: true})]}, {}, {deletionTimestamp: t0}), 'Unknown', '1/1'],
	['deleted after success stays Completed', pod({phase: 'Succeeded', containerStatuses: [cs({terminated: {exitCode: 0, reason: 'Completed'}})]}, {}, {deletionTimestamp: t0}), 'Completed', '0/1'],
];

for (const [name, input, status, ready] of cases) {
	test(`pod STATUS: ${name}`, t => {
		const summary = podSummary(input);
		t.is(summary.status, status);
		t.is(`${summary.ready}/${summary.total}`, ready);
	});
}

test('RESTARTS shows the count and how long ago the last one was', t => {
	const p = pod({containerStatuses: [cs(running, {ready: true, restartCount: 4, lastState: {terminated: {exitCode: 1, finishedAt: '2026-01-01T09:00:00Z'}}})]});
	t.is(restartsText(podSummary(p), Date.parse('2026-01-01T09:02:30Z')), '4 (2m30s ago)');
	t.is(restartsText(podSummary(pod({containerStatuses: [cs(running)]})), 0), '0');
});

test('HumanDuration matches apimachinery', t => {
	const s = 1000;
	const table: Array<[number, string]> = [
		[-5 * s, '<invalid>'], [-500, '0s'], [0, '0s'], [59 * s, '59s'], [119 * s, '119s'], [120 * s, '2m'], [150 * s, '2m30s'],
		[10 * 60 * s, '10m'], [179 * 60 * s, '179m'], [3 * 3600 * s, '3h'], [(3 * 60 + 5) * 60 * s, '3h5m'], [8 * 3600 * s, '8h'],
		[47 * 3600 * s, '47h'], [48 * 3600 * s, '2d'], [(2 * 24 + 5) * 3600 * s, '2d5h'], [8 * 24 * 3600 * s, '8d'],
		[400 * 24 * 3600 * s, '400d'], [(2 * 365 + 10) * 24 * 3600 * s, '2y10d'], [9 * 365 * 24 * 3600 * s, '9y'],
	];
	for (const [ms, text] of table) t.is(humanDuration(ms), text, `${ms}`);
});

test('node STATUS and ROLES as kubectl prints them', t => {
	const node = (ready: string | undefined, unschedulable = false, labels: Record<string, string> = {}) => ({
		apiVersion: 'v1', kind: 'Node',
		metadata: {name: 'n', uid: 'n', resourceVersion: '1', creationTimestamp: t0, labels},
		spec: {unschedulable},
		status: {capacity: {}, allocatable: {}, addresses: [], nodeInfo: {}, conditions: ready ? [{type: 'Ready', status: ready as 'True'}] : []},
	});
	t.is(nodeStatus(node('True')), 'Ready');
	t.is(nodeStatus(node('False')), 'NotReady');
	t.is(nodeStatus(node('Unknown')), 'NotReady');
	t.is(nodeStatus(node(undefined)), 'Unknown');
	t.is(nodeStatus(node('True', true)), 'Ready,SchedulingDisabled');
	t.is(nodeRoles(node('True', false, {'node-role.kubernetes.io/control-plane': ''})), 'control-plane');
	t.is(nodeRoles(node('True')), '<none>');
});

test('service PORTS and ENDPOINTS cells', t => {
	t.is(servicePorts([{port: 80, protocol: 'TCP'}, {port: 443, nodePort: 30443}]), '80/TCP,443:30443/TCP');
	t.is(servicePorts([]), '<none>');
	t.is(endpointsText([{addresses: [{ip: '10.0.0.1'}, {ip: '10.0.0.2'}], ports: [{port: 80}]}]), '10.0.0.1:80,10.0.0.2:80');
	t.is(endpointsText([{addresses: [1, 2, 3, 4, 5].map(i => ({ip: `10.0.0.${i}`})), ports: [{port: 80}]}]), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...');
	t.is(endpointsText(undefined), '<none>');
});

test('every renderer gives one cell per column, for an empty object too', t => {
	const bare = {apiVersion: 'v1', kind: 'X', metadata: {name: 'x', namespace: 'default', uid: 'x', resourceVersion: '1', creationTimestamp: t0}, involvedObject: {kind: 'Pod', name: 'p'}, reason: 'R', message: 'm', type: 'Normal', count: 1};
	for (const set of Object.values(columnSets)) {
		const row = set.row({...bare, kind: set.kind}, {now: Date.parse(t0) + 5000});
		t.is(row.cells.length, set.columns.length, set.kind);
		if (row.sort) t.is(row.sort.length, set.columns.length, set.kind);
		t.truthy(set.health({...bare, kind: set.kind}, {now: 0}), set.kind);
	}
});

test('the pods view\'s NOMINATED NODE column shows where preemption made room for a pending pod', t => {
	const set = columnSets['Pod']!;
	const column = set.columns.findIndex(c => c.name === 'NOMINATED NODE');
	const cell = (object: Pod) => set.row(object, {now: Date.parse(t0)}).cells[column];
	t.is(cell(pod({phase: 'Pending', nominatedNodeName: 'kubarium-worker2'})), 'kubarium-worker2');
	t.is(cell(pod({})), '<none>');
});

test('containers view: init containers first, ephemeral ones last, state and probes', t => {
	const p = pod(
		{
			initContainerStatuses: [cs({terminated: {exitCode: 0, reason: 'Completed'}}, {name: 'init'})], containerStatuses: [cs(running, {ready: true, restartCount: 2})],
			ephemeralContainerStatuses: [cs(running, {name: 'debugger-abcde'})],
		},
		{
			initContainers: [{name: 'init', image: 'busybox'}], containers: [{name: 'app', image: 'nginx', readinessProbe: {httpGet: {port: 80}}, ports: [{containerPort: 80, name: 'http'}]}],
			ephemeralContainers: [{name: 'debugger-abcde', image: 'busybox:1.36', targetContainerName: 'app'}],
		},
	);
	const rows = containerRows(p, {now: Date.parse(t0) + 60_000});
	t.deepEqual(rows.map(r => r.cells.slice(0, 8)), [
		['I1', 'init', 'busybox', 'false', 'Completed', '0', 'off:off:off', '<none>'],
		['1', 'app', 'nginx', 'true', 'Running', '2', 'off:on:off', 'http:80'],
		['E1', 'debugger-abcde', 'busybox:1.36', 'false', 'Running', '0', 'off:off:off', '<none>'],
	]);
	t.is(rows[1]!.container, 'app');
	t.is(rows[2]!.container, 'debugger-abcde');
});

test('selectors: structured selectors become engine selector strings', t => {
	t.is(selectorString({matchLabels: {app: 'web'}, matchExpressions: [{key: 'tier', operator: 'In', values: ['a', 'b']}, {key: 'x', operator: 'Exists'}, {key: 'y', operator: 'DoesNotExist'}]}), 'app=web,tier in (a,b),x,!y');
	t.is(selectorString({app: 'web', tier: 'fe'}), 'app=web,tier=fe');
	t.is(selectorString(undefined), '');
});
