import test from 'ava';
import {podStatus, type ObservedContainer, type ObservedPod} from '../../../source/engine/node/pod-status.js';
import type {ContainerState, ContainerStatus, Pod, PodStatus} from '../../../source/engine/api/types.js';

const now = Date.UTC(2026, 11, 5, 10, 0, 0);
const earlier = '2026-12-05T09:00:00Z';

const waiting = (reason: string): ContainerState => ({waiting: {reason}});
const running: ContainerState = {running: {startedAt: earlier}};
const terminated = (exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error'): ContainerState => ({terminated: {exitCode, reason}});

/** A container slot: an app container unless `init`, with a container id once it has state beyond waiting. */
function slot(name: string, state: ContainerState, extra: Partial<ObservedContainer> = {}): ObservedContainer {
	const hasContainer = Boolean(state.running ?? state.terminated);
	return {
		spec: {name, image: 'nginx:1.27'},
		init: false,
		state,
		lastState: {},
		ready: false,
		started: Boolean(state.running),
		restartCount: 0,
		...(hasContainer ? {containerId: `${name}-id`} : {}),
		...extra,
	};
}

const init = (name: string, state: ContainerState, extra: Partial<ObservedContainer> = {}) => slot(name, state, {init: true, ...extra});

/** `Type=Status`, then ` Reason` and `: message` when the condition has them. */
function conditionText(status: PodStatus): Record<string, string> {
	return Object.fromEntries((status.conditions ?? []).map(c => [c.type, `${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`]));
}

/** `name state[:reason] [ready] [started] [restarts=N] [last=state:reason]`; `started` only where the field is set. */
function containerText(status: ContainerStatus): string {
	const stateText = (state: ContainerState) => state.running ? 'running' : state.terminated ? `terminated:${state.terminated.reason}` : state.waiting ? `waiting:${state.waiting.reason}` : '-';
	return [
		status.name,
		stateText(status.state),
		status.ready ? 'ready' : undefined,
		status.started === undefined ? undefined : status.started ? 'started' : 'not-started',
		status.restartCount ? `restarts=${status.restartCount}` : undefined,
		Object.keys(status.lastState).length > 0 ? `last=${stateText(status.lastState)}` : undefined,
	].filter(Boolean).join(' ');
}

type Case = {
	name: string;
	restartPolicy?: ObservedPod['restartPolicy'];
	containers: ObservedContainer[];
	sandboxReady?: boolean;
	terminating?: boolean;
	/** The pod's status before this publish. */
	previous?: PodStatus;
	phase: PodStatus['phase'];
	conditions: Record<string, string>;
	containerStatuses: string[];
	initContainerStatuses?: string[];
	/** lastTransitionTime of these conditions. */
	transitions?: Record<string, string>;
};

const allTrue = {PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True'};
const notReady = (names: string) => ({Ready: `False ContainersNotReady: containers with unready status: [${names}]`, ContainersReady: `False ContainersNotReady: containers with unready status: [${names}]`});
const completed = {Ready: 'False PodCompleted', ContainersReady: 'False PodCompleted'};

const cases: Case[] = [
	{
		name: 'a new pod waits for its sandbox with its container creating',
		containers: [slot('web', waiting('ContainerCreating'))],
		sandboxReady: false,
		phase: 'Pending',
		conditions: {...allTrue, PodReadyToStartContainers: 'False', ...notReady('web')},
		containerStatuses: ['web waiting:ContainerCreating not-started'],
	},
	{
		name: 'a running container that passed its probes is ready',
		containers: [slot('web', running, {ready: true})],
		phase: 'Running',
		conditions: allTrue,
		containerStatuses: ['web running ready started'],
	},
	{
		name: 'a running container failing readiness keeps the pod unready',
		containers: [slot('web', running)],
		phase: 'Running',
		conditions: {...allTrue, ...notReady('web')},
		containerStatuses: ['web running started'],
	},
	{
		name: 'a container whose startup probe has not passed is not started',
		containers: [slot('web', running, {started: false})],
		phase: 'Running',
		conditions: {...allTrue, ...notReady('web')},
		containerStatuses: ['web running not-started'],
	},
	{
		name: 'an image that cannot be pulled keeps the pod pending',
		containers: [slot('web', waiting('ErrImagePull'))],
		phase: 'Pending',
		conditions: {...allTrue, ...notReady('web')},
		containerStatuses: ['web waiting:ErrImagePull not-started'],
	},
	{
		name: 'a missing ConfigMap key is CreateContainerConfigError, pending',
		containers: [slot('web', waiting('CreateContainerConfigError'))],
		phase: 'Pending',
		conditions: {...allTrue, ...notReady('web')},
		containerStatuses: ['web waiting:CreateContainerConfigError not-started'],
	},
	{
		name: 'a crash-looping container counts as stopped: the pod stays Running',
		containers: [slot('web', waiting('CrashLoopBackOff'), {lastState: terminated(1), restartCount: 3, containerId: 'web-id'})],
		phase: 'Running',
		conditions: {...allTrue, ...notReady('web')},
		containerStatuses: ['web waiting:CrashLoopBackOff not-started restarts=3 last=terminated:Error'],
	},
	{
		name: 'restartPolicy Always: an exited container about to restart keeps the pod Running',
		containers: [slot('web', terminated(0))],
		phase: 'Running',
		conditions: {...allTrue, ...notReady('web')},
		containerStatuses: ['web terminated:Completed not-started'],
	},
	{
		name: 'restartPolicy Never: exit 0 is Succeeded, the conditions say PodCompleted',
		restartPolicy: 'Never',
		containers: [slot('job', terminated(0))],
		sandboxReady: false,
		phase: 'Succeeded',
		conditions: {...allTrue, PodReadyToStartContainers: 'False', ...completed},
		containerStatuses: ['job terminated:Completed not-started'],
	},
	{
		name: 'restartPolicy Never: a non-zero exit is Failed',
		restartPolicy: 'Never',
		containers: [slot('job', terminated(1))],
		sandboxReady: false,
		phase: 'Failed',
		conditions: {...allTrue, PodReadyToStartContainers: 'False', ...completed},
		containerStatuses: ['job terminated:Error not-started'],
	},
	{
		name: 'restartPolicy OnFailure: exit 0 is Succeeded',
		restartPolicy: 'OnFailure',
		containers: [slot('job', terminated(0))],
		phase: 'Succeeded',
		conditions: {...allTrue, ...completed},
		containerStatuses: ['job terminated:Completed not-started'],
	},
	{
		name: 'restartPolicy OnFailure: a failed container waiting to restart keeps the pod Running',
		restartPolicy: 'OnFailure',
		containers: [slot('job', waiting('CrashLoopBackOff'), {lastState: terminated(2), restartCount: 1})],
		phase: 'Running',
		conditions: {...allTrue, ...notReady('job')},
		containerStatuses: ['job waiting:CrashLoopBackOff not-started restarts=1 last=terminated:Error'],
	},
	{
		name: 'an OOM-killed container shows its reason',
		restartPolicy: 'Never',
		containers: [slot('hog', terminated(137, 'OOMKilled'))],
		phase: 'Failed',
		conditions: {...allTrue, ...completed},
		containerStatuses: ['hog terminated:OOMKilled not-started'],
	},
	{
		name: 'a deleted pod whose containers stopped cleanly is Succeeded',
		containers: [slot('web', terminated(0))],
		terminating: true,
		phase: 'Succeeded',
		conditions: {...allTrue, ...completed},
		containerStatuses: ['web terminated:Completed not-started'],
	},
	{
		name: 'a deleted pod whose container was killed is Failed',
		containers: [slot('web', terminated(137))],
		terminating: true,
		phase: 'Failed',
		conditions: {...allTrue, ...completed},
		containerStatuses: ['web terminated:Error not-started'],
	},
	{
		name: 'one container waiting among running ones keeps the pod Pending',
		containers: [slot('web', running, {ready: true}), slot('sidecar', waiting('ContainerCreating'))],
		phase: 'Pending',
		conditions: {...allTrue, ...notReady('sidecar')},
		containerStatuses: ['web running ready started', 'sidecar waiting:ContainerCreating not-started'],
	},
	{
		name: 'an init container running: Pending, not initialized, app containers PodInitializing',
		containers: [init('setup', running), slot('web', waiting('PodInitializing'))],
		phase: 'Pending',
		conditions: {...allTrue, Initialized: 'False ContainersNotInitialized: containers with incomplete status: [setup]', ...notReady('web')},
		containerStatuses: ['web waiting:PodInitializing not-started'],
		initContainerStatuses: ['setup running'],
	},
	{
		name: 'init containers done, the app running: Running and initialized',
		containers: [init('setup', terminated(0)), init('migrate', terminated(0)), slot('web', running, {ready: true})],
		phase: 'Running',
		conditions: allTrue,
		containerStatuses: ['web running ready started'],
		initContainerStatuses: ['setup terminated:Completed', 'migrate terminated:Completed'],
	},
	{
		name: 'a failing init container with restartPolicy Always is retried: Pending',
		containers: [init('setup', waiting('CrashLoopBackOff'), {lastState: terminated(1), restartCount: 2}), slot('web', waiting('PodInitializing'))],
		phase: 'Pending',
		conditions: {...allTrue, Initialized: 'False ContainersNotInitialized: containers with incomplete status: [setup]', ...notReady('web')},
		containerStatuses: ['web waiting:PodInitializing not-started'],
		initContainerStatuses: ['setup waiting:CrashLoopBackOff restarts=2 last=terminated:Error'],
	},
	{
		name: 'a failed init container with restartPolicy Never fails the pod',
		restartPolicy: 'Never',
		containers: [init('setup', terminated(1)), slot('web', waiting('PodInitializing'))],
		sandboxReady: false,
		phase: 'Failed',
		conditions: {...allTrue, PodReadyToStartContainers: 'False', Initialized: 'False PodCompleted', ...completed},
		containerStatuses: ['web waiting:PodInitializing not-started'],
		initContainerStatuses: ['setup terminated:Error'],
	},
	{
		name: 'a condition keeps its transition time while its status holds, and takes now when it flips',
		containers: [slot('web', running, {ready: true})],
		previous: {
			phase: 'Pending',
			conditions: [
				{type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: earlier},
				{type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastProbeTime: null, lastTransitionTime: earlier},
				{type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: earlier},
				{type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', lastTransitionTime: earlier},
			],
		},
		phase: 'Running',
		conditions: {...allTrue, DisruptionTarget: 'True TerminationByKubelet'},
		containerStatuses: ['web running ready started'],
		transitions: {PodReadyToStartContainers: earlier, PodScheduled: earlier, Ready: '2026-12-05T10:00:00Z'},
	},
];

for (const c of cases) {
	test(`pod status: ${c.name}`, t => {
		const pod = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', namespace: 'default', uid: 'u1'}, spec: {containers: []}, status: c.previous} as unknown as Pod;
		const status = podStatus({
			pod,
			restartPolicy: c.restartPolicy ?? 'Always',
			containers: c.containers,
			podIP: '10.244.1.7',
			hostIP: '172.18.0.3',
			startTime: now - 60_000,
			now,
			sandboxReady: c.sandboxReady ?? true,
			terminating: c.terminating ?? false,
			imageRefOf: id => `docker.io/library/nginx@sha256:${id}`,
		});
		t.is(status.phase, c.phase);
		t.deepEqual(conditionText(status), c.conditions);
		t.deepEqual(status.containerStatuses?.map(containerText), c.containerStatuses);
		t.deepEqual(status.initContainerStatuses?.map(containerText), c.initContainerStatuses);
		for (const [type, at] of Object.entries(c.transitions ?? {})) t.is(status.conditions?.find(x => x.type === type)?.lastTransitionTime, at, type);
		// The fields every status carries, whatever the containers do.
		t.is(status.podIP, '10.244.1.7');
		t.deepEqual(status.hostIPs, [{ip: '172.18.0.3'}]);
		t.is(status.startTime, '2026-12-05T09:59:00Z');
		for (const container of [...status.containerStatuses ?? [], ...status.initContainerStatuses ?? []]) {
			const observed = c.containers.find(s => s.spec.name === container.name)!;
			t.is(container.containerID, observed.containerId && `containerd://${observed.containerId}`);
			t.is(container.imageID, observed.containerId ? `docker.io/library/nginx@sha256:${observed.containerId}` : '');
		}
	});
}
