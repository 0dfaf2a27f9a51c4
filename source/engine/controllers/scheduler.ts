import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject, Node, Pod, Taint, Toleration} from '../api/types.js';
import {bytes, milliCpu} from '../api/quantity.js';
import {keyOf, objectKey} from '../store.js';
import {rfc3339, timeMs} from '../clock.js';
import {matchesRequiredNodeAffinity, requiredNodeAffinity} from '../api/node-affinity.js';
import {deleteObject} from '../deletion.js';
import {budgetIndex, budgetSelector} from '../policy/disruption.js';
import {matchesLabels, selectorIsEmpty} from '../api/selectors.js';

/** Requests the scheduler counts for a pod; missing requests count as zero for fit. */
export type PodRequests = {cpu: number; memory: number};

/** What the scheduler knows about one node while it schedules. */
export type NodeInfo = {
	node: Node;
	/** Of `node`, worked out at each node write (the filters and scores ask for every pod). */
	ready: boolean;
	/** `node`'s allocatable CPU, memory and pods, parsed at each node write. */
	allocatable: Allocatable;
	requested: PodRequests;
	/** Requests with the scoring defaults (100m CPU, 200 MiB) for containers that set none. */
	nonZero: PodRequests;
	pods: number;
	/** Its index in the scheduler's sorted node list, and so its row in the loop's table (see `hotFields`); -1 before it is listed and once its node is deleted. */
	position: number;
	/** Bound pods on the node, by uid. */
	podUids: Set<string>;
};

/**
 * A filter plugin: undefined when the pod fits the node, else the reason
 * FailedScheduling reports (e.g. `Insufficient cpu`). Other parts of the
 * engine (volumes) add filters with `schedulerFilters.push`. `appliesTo` is
 * its PreFilter: false when the pod gives it nothing to check (upstream's
 * Skip), so it is not run on any node for that pod.
 */
export type FilterPlugin = {
	(pod: Pod, info: NodeInfo, context: ControllerContext): string | undefined;
	appliesTo?: (pod: Pod) => boolean;
};

/** A filter with its PreFilter. */
export function withPreFilter(filter: FilterPlugin, appliesTo: (pod: Pod) => boolean): FilterPlugin {
	return Object.assign(filter, {appliesTo});
}

/**
 * A PreBind plugin, run once a node is chosen and before the pod is bound to
 * it: `ready` is true when the pod may be bound now, false to wait (the
 * scheduler asks again every second, as the volume binder polls, for up to
 * `preBindTimeoutMs`, then fails the pod with `timedOut`). VolumeBinding is
 * one: it writes the chosen node on the pod's WaitForFirstConsumer claims and
 * waits until they are bound.
 */
export type PreBindPlugin = {
	name: string;
	ready(pod: Pod, nodeName: string, context: ControllerContext): boolean;
	/** The plugin's error when the wait runs out (`binding volumes: context deadline exceeded`). */
	timedOut: string;
};

/** PreBind plugins other parts of the engine (volumes) add with `schedulerPreBinds.push`. */
export const schedulerPreBinds: PreBindPlugin[] = [];

/** `bindTimeoutSeconds` of VolumeBinding: how long PreBind waits before the pod goes back to scheduling. */
export const preBindTimeoutMs = 600_000;

/** How often a waiting PreBind looks again (the volume binder's poll). */
const preBindPollMs = 1000;

const schedulerName = 'default-scheduler';

const defaultMilliCpu = 100;
const defaultMemory = 200 * 1024 * 1024;

// Requests depend only on the containers, which stay the same object across a pod's writes:
// computed once per pod instead of once per pod and node.
const nonZeroCache = new WeakMap<object, PodRequests>();
const requestsCache = new WeakMap<object, PodRequests>();

/** Requests as the scoring plugins count them (non-zero defaults per container). */
export function nonZeroRequests(pod: Pod): PodRequests {
	const key = pod.spec?.containers;
	const hit = key && nonZeroCache.get(key);
	if (hit) return hit;
	const computed = computeNonZeroRequests(pod);
	if (key) nonZeroCache.set(key, computed);
	return computed;
}

/** The last pod asked about: the filters ask for the same pod on every node. */
let lastPod: Pod | undefined;
let lastRequests: PodRequests | undefined;

export function podRequests(pod: Pod): PodRequests {
	if (pod === lastPod) return lastRequests!;
	lastRequests = requestsOf(pod);
	lastPod = pod;
	return lastRequests;
}

function requestsOf(pod: Pod): PodRequests {
	const key = pod.spec?.initContainers ? undefined : pod.spec?.containers;
	const hit = key && requestsCache.get(key);
	if (hit) return hit;
	const computed = computePodRequests(pod);
	if (key) requestsCache.set(key, computed);
	return computed;
}

function computeNonZeroRequests(pod: Pod): PodRequests {
	let cpu = 0;
	let memory = 0;
	for (const container of pod.spec?.containers ?? []) {
		cpu += milliCpu(container.resources?.requests?.cpu ?? container.resources?.limits?.cpu) || defaultMilliCpu;
		memory += bytes(container.resources?.requests?.memory ?? container.resources?.limits?.memory) || defaultMemory;
	}
	return {cpu, memory};
}

function computePodRequests(pod: Pod): PodRequests {
	let cpu = 0;
	let memory = 0;
	for (const container of pod.spec?.containers ?? []) {
		cpu += milliCpu(container.resources?.requests?.cpu ?? container.resources?.limits?.cpu);
		memory += bytes(container.resources?.requests?.memory ?? container.resources?.limits?.memory);
	}
	for (const container of pod.spec?.initContainers ?? []) {
		cpu = Math.max(cpu, milliCpu(container.resources?.requests?.cpu));
		memory = Math.max(memory, bytes(container.resources?.requests?.memory));
	}
	return {cpu, memory};
}

/** `corev1helpers.PodPriority`: the pod's spec.priority, 0 when it has none. */
export function podPriority(pod: Pod | undefined): number {
	return pod?.spec?.priority ?? 0;
}

/** ToleratesTaint from core/v1. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
	if (toleration.effect && toleration.effect !== taint.effect) return false;
	if (toleration.key && toleration.key !== taint.key) return false;
	if (!toleration.key && toleration.operator !== 'Exists') return false;
	if ((toleration.operator ?? 'Equal') === 'Exists') return true;
	return (toleration.value ?? '') === (taint.value ?? '');
}

/** VolumeBinding's PreFilter failures: about the pod's claims, the same for every node. */
const preFilterRejection = /^(pod has unbound immediate PersistentVolumeClaims|persistentvolumeclaim ".*" (not found|is being deleted))$/;

export function untoleratedTaint(taints: Taint[] | undefined, tolerations: Toleration[] | undefined, effects: string[]): Taint | undefined {
	if (!taints || taints.length === 0) return undefined;
	return taints.find(taint => effects.includes(taint.effect) && !(tolerations ?? []).some(t => tolerates(t, taint)));
}

export function controllerUid(object: KubeObject): string | undefined {
	return object.metadata.ownerReferences?.find(ref => ref.controller)?.uid;
}

function isReady(node: Node): boolean {
	return node.status?.conditions?.find(c => c.type === 'Ready')?.status === 'True';
}

/** The taint effects that keep a pod off a node at scheduling. */
const schedulingEffects = ['NoSchedule', 'NoExecute'];

/** NodeUnschedulable: a cordoned node, unless the pod tolerates its taint. */
const unschedulableFilter: FilterPlugin = (pod, {node}) => {
	if (!node.spec?.unschedulable) return undefined;
	const tolerated = (pod.spec?.tolerations ?? []).some(t => tolerates(t, {key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'}));
	return tolerated ? undefined : 'node(s) were unschedulable';
};

/** TaintToleration. */
const taintFilter: FilterPlugin = (pod, {node}) => {
	const taint = untoleratedTaint(node.spec?.taints, pod.spec?.tolerations, schedulingEffects);
	return taint ? `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}` : undefined;
};

/** NodeAffinity: the pod's nodeSelector and required node affinity. */
const nodeSelectionFilter: FilterPlugin = withPreFilter((pod, {node}) => {
	const selector = pod.spec?.nodeSelector;
	// for...in rather than Object.entries: this runs for every pod on every node.
	for (const key in selector) {
		if (node.metadata.labels?.[key] !== selector[key]) return "node(s) didn't match Pod's node affinity/selector";
	}
	return matchesRequiredNodeAffinity(pod, node) ? undefined : "node(s) didn't match Pod's node affinity/selector";
}, pod => hasNodeSelection(pod));

/** NodeResourcesFit (the scheduler's loop checks the same from its table, `rowFitFailure`). */
const fitFilter: FilterPlugin = (pod, info) => fitFailure(podRequests(pod), info);

/** NodeResourcesFit for a pod with these requests. */
function fitFailure(wanted: PodRequests, info: NodeInfo): string | undefined {
	return usageFitFailure(wanted, info.allocatable, info.requested.cpu, info.requested.memory, info.pods);
}

/** NodeResourcesFit for a pod with these requests on a node of this allocatable where pods request `cpu` and `memory`. */
function usageFitFailure(wanted: PodRequests, allocatable: Allocatable, cpu: number, memory: number, pods: number): string | undefined {
	if (pods + 1 > allocatable.pods) return 'Too many pods';
	if (wanted.cpu > 0 && cpu + wanted.cpu > allocatable.cpu) return 'Insufficient cpu';
	if (wanted.memory > 0 && memory + wanted.memory > allocatable.memory) return 'Insufficient memory';
	return undefined;
}

/** The default filters, in the default plugin order. */
export const schedulerFilters: FilterPlugin[] = [unschedulableFilter, taintFilter, nodeSelectionFilter, fitFilter];

/**
 * Whether `schedulerFilters` still starts with the default filters, which the
 * scheduler's loop then checks directly (a call through the array per node
 * is the loop's largest cost); the filters pushed after them run as given.
 */
function startsWithDefaultFilters(): boolean {
	return schedulerFilters[0] === unschedulableFilter && schedulerFilters[1] === taintFilter
		&& schedulerFilters[2] === nodeSelectionFilter && schedulerFilters[3] === fitFilter;
}

/** Whether a pod names the nodes it may run on (nodeSelector, or required node affinity). */
function hasNodeSelection(pod: Pod): boolean {
	for (const _ in pod.spec?.nodeSelector) return true;
	return Boolean(requiredNodeAffinity(pod));
}

type Allocatable = PodRequests & {pods: number};
const allocatableCache = new WeakMap<object, Allocatable>();
const noAllocatable: Record<string, string> = {};

/** A node's allocatable CPU, memory and pods, parsed once per status object. */
function parseAllocatable(node: Node): Allocatable {
	const allocatable = node.status?.allocatable ?? noAllocatable;
	let parsed = allocatableCache.get(allocatable);
	if (!parsed) {
		parsed = {cpu: milliCpu(allocatable['cpu']), memory: bytes(allocatable['memory']), pods: Number(allocatable['pods'] ?? 110)};
		allocatableCache.set(allocatable, parsed);
	}
	return parsed;
}

/** What the scheduler knows of a node it has just heard of, before counting its pods. */
function newNodeInfo(node: Node): NodeInfo {
	return {node, ready: isReady(node), allocatable: parseAllocatable(node), requested: {cpu: 0, memory: 0}, nonZero: {cpu: 0, memory: 0}, pods: 0, position: -1, podUids: new Set()};
}

/** Point a node's info at its newest write. */
function setNode(info: NodeInfo, node: Node): void {
	info.node = node;
	info.ready = isReady(node);
	info.allocatable = parseAllocatable(node);
}

/** `minFeasibleNodesToFind` and `minFeasibleNodesPercentageToFind` of the scheduler. */
const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;

/**
 * How many feasible nodes the scheduler looks for before it stops filtering
 * (`numFeasibleNodesToFind` with the adaptive `percentageOfNodesToScore`):
 * every node below 100 nodes, else 50% less 1% per 125 nodes, at least 5%
 * and at least 100 nodes.
 */
export function numFeasibleNodesToFind(allNodes: number): number {
	if (allNodes < minFeasibleNodesToFind) return allNodes;
	const percentage = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(allNodes / 125));
	return Math.max(minFeasibleNodesToFind, Math.trunc(allNodes * percentage / 100));
}

/**
 * Whether removing pods from a node could let a pod in: the filter said
 * Unschedulable, not UnschedulableAndUnresolvable. Of the filters here only
 * NodeResourcesFit does, and in v1.32 for any shortage, even of more than
 * the node holds when empty (preemption's dry run then finds it still short).
 */
function resolvableByPreemption(failure: string): boolean {
	return failure === 'Too many pods' || failure === 'Insufficient cpu' || failure === 'Insufficient memory';
}

/** The reason of a node not ready whose taint is not there yet. */
const notReadyReason = 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';

/** How many candidates preemption's dry run looks for: 10% of the nodes it may help on, at least 100 (`DefaultPreemptionArgs`). */
export function numPreemptionCandidates(potentialNodes: number): number {
	return Math.min(potentialNodes, Math.max(100, Math.trunc(potentialNodes * 10 / 100)));
}

/** Requests and count of pods, added to a node's or taken from it. */
type Load = {cpu: number; memory: number; pods: number};

/** A node preemption could make room on, and the pods it would delete there, highest priority first. */
type PreemptionCandidate = {info: NodeInfo; victims: Pod[]; pdbViolations: number};

/** `util.GetPodStartTime`: when the pod started, or now for one bound and not yet started. */
function podStartMs(pod: Pod, now: number): number {
	return pod.status?.startTime ? timeMs(pod.status.startTime) : now;
}

/** `util.MoreImportantPod` as a sort order: higher priority first, then the one that started first. */
function moreImportantFirst(now: number): (a: Pod, b: Pod) => number {
	return (a, b) => podPriority(b) - podPriority(a) || podStartMs(a, now) - podStartMs(b, now);
}

/**
 * `pickOneNodeForPreemption`: the candidate with the fewest PodDisruptionBudget
 * violations, then the lowest priority of its highest victim, then the
 * smallest sum of its victims' priorities, then the fewest victims, then the
 * latest start among its victims of highest priority, then the first.
 */
export function pickOneNodeForPreemption(candidates: readonly PreemptionCandidate[], now: number): PreemptionCandidate | undefined {
	const scores: Array<(candidate: PreemptionCandidate) => number> = [
		candidate => -candidate.pdbViolations,
		candidate => -podPriority(candidate.victims[0]),
		// Each priority raised by 2^31 so that more victims of a negative priority never sum lower.
		candidate => -candidate.victims.reduce((sum, victim) => sum + podPriority(victim) + 2 ** 31, 0),
		candidate => -candidate.victims.length,
		candidate => {
			const highest = podPriority(candidate.victims[0]);
			let earliest = Infinity;
			for (const victim of candidate.victims) if (podPriority(victim) === highest) earliest = Math.min(earliest, podStartMs(victim, now));
			return earliest;
		},
	];
	let left = [...candidates];
	for (const score of scores) {
		if (left.length <= 1) break;
		let best = -Infinity;
		let chosen: PreemptionCandidate[] = [];
		for (const candidate of left) {
			const value = score(candidate);
			if (value > best) {
				best = value;
				chosen = [];
			}
			if (value === best) chosen.push(candidate);
		}
		left = chosen;
	}
	return left[0];
}

/**
 * `filterPodsWithPDBViolation`: the pods (in their order) whose deletion would
 * take a PodDisruptionBudget of theirs below zero disruptions allowed, each
 * deletion counted against the budget's `disruptionsAllowed`, and the others.
 * A pod the budget already lists in `disruptedPods` is not counted again.
 */
function splitByBudgetViolation(pods: readonly Pod[], budgets: ReturnType<typeof budgetIndex>): [violating: Pod[], nonViolating: Pod[]] {
	const allowed = new Map<object, number>();
	const violating: Pod[] = [];
	const nonViolating: Pod[] = [];
	for (const pod of pods) {
		let violated = false;
		const labels = pod.metadata.labels;
		if (labels && Object.keys(labels).length > 0) {
			for (const pdb of budgets.in(pod.metadata.namespace)) {
				let selector;
				try {
					selector = budgetSelector(pdb);
				} catch {
					// An invalid selector matches no pod.
					continue;
				}
				if (selectorIsEmpty(selector) || !matchesLabels(selector, labels)) continue;
				if (pdb.status?.disruptedPods?.[pod.metadata.name] !== undefined) continue;
				const left = (allowed.get(pdb) ?? pdb.status?.disruptionsAllowed ?? 0) - 1;
				allowed.set(pdb, left);
				if (left < 0) violated = true;
			}
		}
		(violated ? violating : nonViolating).push(pod);
	}
	return [violating, nonViolating];
}

/**
 * The numbers the filter and score loop reads for each node, copied from its
 * NodeInfo at every change into one Float64Array, a row of `hotFields` per
 * node in the order of the node list: the loop reads them in a row instead
 * of following each node's objects (a cache miss apiece at 1,000 nodes).
 */
const hotFields = 12;
/** 1 when the node is ready, not cordoned and not tainted: the first filters pass it for any pod. */
const hotPlain = 0;
const hotPods = 1;
const hotAllocatablePods = 2;
const hotRequestedCpu = 3;
const hotRequestedMemory = 4;
const hotAllocatableCpu = 5;
const hotAllocatableMemory = 6;
const hotNonZeroCpu = 7;
const hotNonZeroMemory = 8;
/** The pod turn `hotSameOwner` was set for: the count is that pod's owner's pods on the node. */
const hotOwnerMark = 9;
const hotSameOwner = 10;

/** Copy a node's info into its row of the table. */
function writeRow(table: Float64Array, row: number, info: NodeInfo): void {
	const spec = info.node.spec;
	table[row + hotPlain] = info.ready && !spec?.unschedulable && !(spec?.taints && spec.taints.length > 0) ? 1 : 0;
	table[row + hotPods] = info.pods;
	table[row + hotAllocatablePods] = info.allocatable.pods;
	table[row + hotRequestedCpu] = info.requested.cpu;
	table[row + hotRequestedMemory] = info.requested.memory;
	table[row + hotAllocatableCpu] = info.allocatable.cpu;
	table[row + hotAllocatableMemory] = info.allocatable.memory;
	table[row + hotNonZeroCpu] = info.nonZero.cpu;
	table[row + hotNonZeroMemory] = info.nonZero.memory;
}

/** `fitFailure` from a node's row of the scheduler's table (see `hotFields`). */
function rowFitFailure(wanted: PodRequests, table: Float64Array, row: number): string | undefined {
	if (table[row + hotPods]! + 1 > table[row + hotAllocatablePods]!) return 'Too many pods';
	if (wanted.cpu > 0 && table[row + hotRequestedCpu]! + wanted.cpu > table[row + hotAllocatableCpu]!) return 'Insufficient cpu';
	if (wanted.memory > 0 && table[row + hotRequestedMemory]! + wanted.memory > table[row + hotAllocatableMemory]!) return 'Insufficient memory';
	return undefined;
}

/**
 * Score 0..100 per plugin, weighted like the default profile (fit 1, spread 2),
 * for a pod with these non-zero requests and `same` pods of its owner on the
 * node whose row of the table starts at `row`.
 */
function score(wanted: PodRequests, table: Float64Array, row: number, same: number): number {
	// LeastAllocated, with the scheduler's non-zero defaults for containers without requests.
	const cpu = table[row + hotNonZeroCpu]! + wanted.cpu;
	const memory = table[row + hotNonZeroMemory]! + wanted.memory;
	const cpuFree = Math.max(0, 1 - cpu / Math.max(1, table[row + hotAllocatableCpu]!));
	const memoryFree = Math.max(0, 1 - memory / Math.max(1, table[row + hotAllocatableMemory]!));
	const fit = ((cpuFree + memoryFree) / 2) * 100;
	const spread = 100 / (1 + same);
	return fit + 2 * spread;
}

/** The dry run's reason for a node without pods of lower priority than the preemptor. */
const noVictims = 'No preemption victims found for incoming pod';

/** `podTerminatingByPreemption`: deleted, and marked DisruptionTarget by the scheduler's preemption. */
function terminatingByPreemption(pod: Pod): boolean {
	if (!pod.metadata.deletionTimestamp) return false;
	const condition = pod.status?.conditions?.find(c => c.type === 'DisruptionTarget');
	return condition?.status === 'True' && condition.reason === 'PreemptionByScheduler';
}

/** How long an unschedulable pod waits for a cluster change before it is tried anyway (`podMaxInUnschedulablePodsDuration`). */
const maxUnschedulableMs = 5 * 60_000;
/** How often the queue looks for pods parked that long (`flushUnschedulablePodsLeftover`). */
const unschedulableFlushPeriodMs = 30_000;

/** A pod parked as unschedulable. */
type Parked = {
	/** When it was parked. */
	since: number;
	/** When its back-off ends: an event before then moves it at this time. */
	retryAt: number;
	/** Some node refused it for its volumes, so claim, volume and class changes concern it. */
	volumes: boolean;
	/** The resourceVersion of the scheduler's own status write (undefined while writing): another means someone changed the pod. */
	version: string | undefined;
};

/**
 * A node write that could let a refused pod in, as the filters' queueing
 * hints judge it: schedulability, taints, labels, allocatable or readiness
 * changed. A status report that only renews what was there moves no one.
 */
function mayLetPodsIn(old: Node | undefined, node: Node): boolean {
	if (!old) return true;
	if (Boolean(old.spec?.unschedulable) !== Boolean(node.spec?.unschedulable)) return true;
	if (isReady(old) !== isReady(node)) return true;
	return !sameJson(old.spec?.taints, node.spec?.taints) || !sameJson(old.metadata.labels, node.metadata.labels)
		|| !sameJson(old.status?.allocatable, node.status?.allocatable);
}

function sameJson(a: unknown, b: unknown): boolean {
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Reasons of the volume filters (VolumeBinding, VolumeRestrictions): they name a claim, a volume or a volume's node. */
function isVolumeReason(reason: string): boolean {
	return /persistentvolumeclaim|PersistentVolumeClaim|persistent volumes|pv\(s\)|volume node affinity/.test(reason);
}

/**
 * The scheduler: binds each unbound pod to the best node that passes every
 * filter, or reports FailedScheduling with the real message and parks the
 * pod, as kube-scheduler's queue does. A parked pod is tried again only when
 * something that could let it in happens (a node added or changed, a bound
 * pod deleted, a claim, volume or storage class written for a pod that waits
 * on volumes, the pod itself changed by someone else), once its back-off
 * (1 s doubling to 10 s) is over, and otherwise after 5 minutes
 * (`podMaxInUnschedulablePodsDuration`, checked every 30 s). A cluster full
 * of pods that cannot fit therefore costs nothing while nothing changes.
 */
export function createScheduler(context: ControllerContext): Controller {
	const {store, events, clock} = context;
	const nodes = new Map<string, NodeInfo>();
	const boundTo = new Map<string, string>();
	/** For spreading: for each controller uid, the nodes with a count of its pods. */
	const ownerNodes = new Map<string, Map<NodeInfo, number>>();
	/** Pods nominated to each node (status.nominatedNodeName, not yet bound), by key: the room preemption freed there is theirs. */
	const nominatedOn = new Map<string, Map<string, Pod>>();
	/** The node each nominated pod is nominated to, by key. */
	const nominatedTo = new Map<string, string>();
	/** How many counted pods the nodes hold of each priority: preemption looks for victims only below the preemptor's. */
	const heldPriorities = new Map<number, number>();
	/** Bumped for each pod scheduled, for `hotOwnerMark`. */
	let turn = 0;
	/** The rows of `sorted`'s nodes (see `hotFields`). */
	let table = new Float64Array(0);
	/** The back-off of each pod that failed: the delay its last failure set. */
	const backoff = new Map<string, number>();
	/** Unschedulable pods waiting for a cluster change, in the order they were parked. */
	const parked = new Map<string, Parked>();
	/** Pods whose node is chosen, waiting in PreBind (their claims being provisioned): the node, and since when. */
	const preBinding = new Map<string, {node: string; since: number}>();
	let flushPending = false;
	let sorted: NodeInfo[] | undefined;
	/** Where the next pod's filtering starts in the node list (`nextStartNodeIndex`). */
	let nextStartNodeIndex = 0;

	const infoFor = (name: string): NodeInfo | undefined => nodes.get(name);

	// PrioritySort: the queue hands out pods of higher spec.priority first, then those queued first.
	context.queue(schedulerName).sortByPriority(key => podPriority(store.getByKey('Pod', key) as Pod | undefined));

	/** A node's info changed: so does its row of the table, if it has one. */
	function publish(info: NodeInfo): void {
		if (info.position >= 0) writeRow(table, info.position * hotFields, info);
	}

	function unaccount(pod: KubeObject): void {
		const nodeName = boundTo.get(pod.metadata.uid);
		if (!nodeName) return;
		boundTo.delete(pod.metadata.uid);
		const info = infoFor(nodeName);
		if (!info) return;
		const requests = podRequests(pod as Pod);
		info.requested.cpu -= requests.cpu;
		info.requested.memory -= requests.memory;
		const nonZero = nonZeroRequests(pod as Pod);
		info.nonZero.cpu -= nonZero.cpu;
		info.nonZero.memory -= nonZero.memory;
		info.pods--;
		info.podUids.delete(pod.metadata.uid);
		const priority = podPriority(pod as Pod);
		const held = (heldPriorities.get(priority) ?? 0) - 1;
		if (held > 0) heldPriorities.set(priority, held);
		else heldPriorities.delete(priority);
		const owner = controllerUid(pod);
		if (owner) setOwnerCount(info, owner, (ownerCount(info, owner) ?? 0) - 1);
		publish(info);
	}

	/** Count a pod on its node; `nodeName` assumes it there before it is bound (while PreBind waits). */
	function account(pod: Pod, nodeName = pod.spec?.nodeName): void {
		const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
		if (!nodeName || terminal || boundTo.has(pod.metadata.uid)) return;
		const info = infoFor(nodeName);
		if (!info) return;
		boundTo.set(pod.metadata.uid, nodeName);
		const requests = podRequests(pod);
		info.requested.cpu += requests.cpu;
		info.requested.memory += requests.memory;
		const nonZero = nonZeroRequests(pod);
		info.nonZero.cpu += nonZero.cpu;
		info.nonZero.memory += nonZero.memory;
		info.pods++;
		info.podUids.add(pod.metadata.uid);
		const priority = podPriority(pod);
		heldPriorities.set(priority, (heldPriorities.get(priority) ?? 0) + 1);
		const owner = controllerUid(pod);
		if (owner) setOwnerCount(info, owner, (ownerCount(info, owner) ?? 0) + 1);
		publish(info);
	}

	/** The lowest priority of a pod the nodes hold (Infinity when they hold none). */
	function lowestHeldPriority(): number {
		let lowest = Infinity;
		for (const priority of heldPriorities.keys()) lowest = Math.min(lowest, priority);
		return lowest;
	}

	/** Keep the nominated pods from a pod's write: nominated while it waits for this scheduler, no longer once bound or deleted. */
	function noteNomination(pod: Pod, deleted: boolean): void {
		const wanted = pod.status?.nominatedNodeName;
		if (!wanted && nominatedTo.size === 0) return;
		const key = keyOf(pod);
		const node = !deleted && !pod.spec?.nodeName && (pod.spec?.schedulerName ?? schedulerName) === schedulerName ? wanted : undefined;
		const before = nominatedTo.get(key);
		if (before !== undefined && before !== node) {
			const pods = nominatedOn.get(before);
			if (pods?.delete(key) && pods.size === 0) nominatedOn.delete(before);
			nominatedTo.delete(key);
		}
		if (!node) return;
		nominatedTo.set(key, node);
		let pods = nominatedOn.get(node);
		if (!pods) nominatedOn.set(node, (pods = new Map()));
		pods.set(key, pod);
	}

	/**
	 * What the pods nominated to a node that are of the pod's priority or
	 * higher request there (undefined: none), which kube-scheduler's filters
	 * count as if they ran there (`RunFilterPluginsWithNominatedPods`).
	 */
	function nominatedLoad(pod: Pod, nodeName: string): Load | undefined {
		const pods = nominatedOn.get(nodeName);
		if (!pods) return undefined;
		const priority = podPriority(pod);
		let load: Load | undefined;
		for (const other of pods.values()) {
			if (other.metadata.uid === pod.metadata.uid || podPriority(other) < priority) continue;
			const requests = requestsOf(other);
			load ??= {cpu: 0, memory: 0, pods: 0};
			load.cpu += requests.cpu;
			load.memory += requests.memory;
			load.pods++;
		}
		return load;
	}

	/**
	 * Every filter on one node, as the loop runs them, with the pods
	 * nominated there counted: for the pod's nominated node, tried first,
	 * and for a node in preemption's dry run (an info with pods taken off).
	 */
	function filterOne(pod: Pod, info: NodeInfo): string | undefined {
		if (!info.ready && !untoleratedTaint(info.node.spec?.taints, pod.spec?.tolerations, schedulingEffects)) return notReadyReason;
		for (const filter of schedulerFilters) {
			if (filter.appliesTo && !filter.appliesTo(pod)) continue;
			const failure = filter(pod, info, context);
			if (failure) return failure;
		}
		const extra = nominatedLoad(pod, info.node.metadata.name);
		return extra && usageFitFailure(podRequests(pod), info.allocatable, info.requested.cpu + extra.cpu, info.requested.memory + extra.memory, info.pods + extra.pods);
	}

	/** The pods the scheduler counts on a node, bound there. */
	function podsOn(info: NodeInfo): Pod[] {
		const name = info.node.metadata.name;
		const bound = context.services.podsByNode?.pods(name) ?? (store.list('Pod') as Pod[]).filter(p => p.spec?.nodeName === name);
		return bound.filter(p => info.podUids.has(p.metadata.uid));
	}

	function ownerCount(info: NodeInfo, owner: string): number | undefined {
		return ownerNodes.get(owner)?.get(info);
	}

	/** A count that reaches 0 is dropped, and an owner with none left: a deleted ReplicaSet leaves nothing behind. */
	function setOwnerCount(info: NodeInfo, owner: string, pods: number): void {
		let counts = ownerNodes.get(owner);
		if (pods <= 0) {
			if (counts?.delete(info) && counts.size === 0) ownerNodes.delete(owner);
			return;
		}
		if (!counts) ownerNodes.set(owner, counts = new Map());
		counts.set(info, pods);
	}

	store.subscribe(({type, object}) => {
		if (object.kind === 'Node') {
			if (type !== 'MODIFIED') sorted = undefined;
			if (type === 'DELETED') {
				// Its pods stay bound by name; a node added under that name counts them again.
				const gone = nodes.get(object.metadata.name);
				if (gone) {
					// Its row stays as it was until the list is sorted again without it.
					gone.position = -1;
					for (const uid of gone.podUids) boundTo.delete(uid);
					for (const [owner, counts] of ownerNodes) {
						if (counts.delete(gone) && counts.size === 0) ownerNodes.delete(owner);
					}
				}
				nodes.delete(object.metadata.name);
			} else {
				const info = nodes.get(object.metadata.name);
				if (info) {
					setNode(info, object as Node);
					publish(info);
				}
				else {
					nodes.set(object.metadata.name, newNodeInfo(object as Node));
					const name = object.metadata.name;
					const bound = context.services.podsByNode?.pods(name) ?? (store.list('Pod') as Pod[]).filter(p => p.spec?.nodeName === name);
					for (const pod of bound) account(pod);
				}
			}
		} else if (object.kind === 'Pod') {
			const pod = object as Pod;
			const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
			if (type === 'DELETED' || terminal) unaccount(pod);
			else account(pod);
			noteNomination(pod, type === 'DELETED');
		}
	}, ['Node', 'Pod']);
	context.services.schedulerNodeInfo = infoFor;

	/**
	 * Saved: the queue's data (back-offs, parked pods in parking order, pods
	 * in PreBind with whether their node counts them, the flush, where the
	 * next filtering starts). The node infos are rebuilt from the Nodes and
	 * the bound pods, then the pods PreBind assumes on their node; the
	 * nominated pods from the pods' status.nominatedNodeName; the node
	 * list and its table are sorted again at the next pod.
	 */
	context.state.register<SavedScheduler>('scheduler', {
		save: () => ({
			backoff: [...backoff],
			parked: [...parked].map(([key, entry]) => [key, entry.since, entry.retryAt, entry.volumes, entry.version ?? null]),
			preBinding: [...preBinding].map(([key, {node, since}]) => {
				const pod = store.getByKey('Pod', key);
				return [key, node, since, Boolean(pod && boundTo.get(pod.metadata.uid) === node)];
			}),
			flushPending,
			nextStartNodeIndex,
		}),
		load(saved) {
			nodes.clear();
			boundTo.clear();
			ownerNodes.clear();
			nominatedOn.clear();
			nominatedTo.clear();
			heldPriorities.clear();
			turn = 0;
			table = new Float64Array(0);
			sorted = undefined;
			backoff.clear();
			parked.clear();
			preBinding.clear();
			for (const [key, delay] of saved.backoff) backoff.set(key, delay);
			for (const [key, since, retryAt, volumes, version] of saved.parked) parked.set(key, {since, retryAt, volumes, version: version ?? undefined});
			flushPending = saved.flushPending;
			nextStartNodeIndex = saved.nextStartNodeIndex;
			for (const node of store.list('Node') as Node[]) nodes.set(node.metadata.name, newNodeInfo(node));
			for (const pod of store.list('Pod') as Pod[]) {
				account(pod);
				noteNomination(pod, false);
			}
			for (const [key, node, since, counted] of saved.preBinding) {
				preBinding.set(key, {node, since});
				const pod = store.getByKey('Pod', key) as Pod | undefined;
				if (counted && pod) account(pod, node);
			}
		},
	});

	/** Back to the queue: now when its back-off is over, else when it ends. */
	function move(key: string, entry: Parked): void {
		parked.delete(key);
		const wait = entry.retryAt - clock.now();
		if (wait > 0) queueAfter(key, wait);
		else context.queue(schedulerName).add(key);
	}

	/** A cluster event that may let parked pods in: move those it concerns (all, or those waiting on volumes). */
	function moveParked(onlyVolumes = false): undefined {
		for (const [key, entry] of parked) if (!onlyVolumes || entry.volumes) move(key, entry);
		return undefined;
	}

	/** Every 30 s while pods are parked: move those parked for 5 minutes (`flushUnschedulablePodsLeftover`). */
	function scheduleFlush(): void {
		if (flushPending) return;
		flushPending = true;
		clock.after(unschedulableFlushPeriodMs, flush, null);
	}

	/** The pass `scheduleFlush` sets. */
	const flush = clock.kind<null>('scheduler.flush', () => {
		flushPending = false;
		const now = clock.now();
		for (const [key, entry] of parked) {
			// Parked in time order: the first one that is young enough ends the pass.
			if (now - entry.since < maxUnschedulableMs) break;
			move(key, entry);
		}
		if (parked.size > 0) scheduleFlush();
	});

	return {
		name: schedulerName,
		watches: {
			Pod: ({type, object}) => {
				const pod = object as Pod;
				const key = keyOf(pod);
				if (type === 'DELETED') {
					parked.delete(key);
					preBinding.delete(key);
					// Freed room may let a waiting pod in.
					return pod.spec?.nodeName ? moveParked() : undefined;
				}
				if (pod.spec?.nodeName || pod.metadata.deletionTimestamp) {
					parked.delete(key);
					preBinding.delete(key);
					return undefined;
				}
				// Waiting in PreBind: its own poll brings it back.
				if (preBinding.has(key)) return undefined;
				if ((pod.spec?.schedulerName ?? schedulerName) !== schedulerName) return undefined;
				const entry = parked.get(key);
				if (entry) {
					// A parked pod waits for the cluster to change; its own status write is no change, someone else's edit is.
					if (entry.version === undefined || entry.version === pod.metadata.resourceVersion) return undefined;
					move(key, entry);
					return undefined;
				}
				return key;
			},
			Node: ({type, object, old}) => (type !== 'MODIFIED' || mayLetPodsIn(old as Node | undefined, object as Node) ? moveParked() : undefined),
			PersistentVolumeClaim: () => moveParked(true),
			PersistentVolume: () => moveParked(true),
			StorageClass: () => moveParked(true),
		},
		sync(key) {
			const pod = store.getByKey('Pod', key) as Pod | undefined;
			if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) {
				backoff.delete(key);
				parked.delete(key);
				preBinding.delete(key);
				return;
			}
			// Moved by an event while its back-off was still running: that add is due later.
			if (parked.has(key)) return;
			const waiting = preBinding.get(key);
			if (waiting) {
				if (!nodes.has(waiting.node)) {
					preBinding.delete(key);
					unaccount(pod);
				} else {
					const waitingFor = unreadyPreBind(pod, waiting.node);
					if (!waitingFor) {
						preBinding.delete(key);
						bind(pod, waiting.node);
					} else if (clock.now() - waiting.since < preBindTimeoutMs) {
						queueAfter(key, preBindPollMs);
					} else {
						// Unreserve: the node's room goes back, and the pod to scheduling.
						preBinding.delete(key);
						unaccount(pod);
						fail(pod, key, `running PreBind plugin "${waitingFor.name}": ${waitingFor.timedOut}`, true);
					}
					return;
				}
			}
			const owner = controllerUid(pod);
			const wanted = nonZeroRequests(pod);
			const reasons = new Map<string, number>();
			let best: NodeInfo | undefined;
			let bestScore = -Infinity;
			if (!sorted) {
				sorted = [...nodes.values()].sort((a, b) => a.node.metadata.name.localeCompare(b.node.metadata.name, 'en', {numeric: true}));
				table = new Float64Array(sorted.length * hotFields);
				for (let i = 0; i < sorted.length; i++) {
					sorted[i]!.position = i;
					writeRow(table, i * hotFields, sorted[i]!);
				}
			}
			// The node the pod was nominated to by an earlier preemption is tried first: it is where room was made for it.
			const nominated = pod.status?.nominatedNodeName ? nodes.get(pod.status.nominatedNodeName) : undefined;
			const nominatedFailure = nominated ? filterOne(pod, nominated) : undefined;
			if (nominated && !nominatedFailure) {
				place(pod, key, nominated.node.metadata.name);
				return;
			}
			const candidates = sorted;
			// As the scheduler does: filter from where the last pod stopped, and stop once enough nodes fit.
			const count = candidates.length;
			const wantFeasible = numFeasibleNodesToFind(count);
			let feasible = 0;
			let processed = 0;
			let victimless = 0;
			// Preemption could help only where a pod of lower priority runs: the nodes it may help on are kept only then.
			const priority = podPriority(pod);
			const mayPreempt = pod.spec?.preemptionPolicy !== 'Never' && lowestHeldPriority() < priority;
			const potential: NodeInfo[] = [];
			const nominations = nominatedOn.size > 0;
			// PreFilter: the plugins this pod gives something to check. With the default filters
			// first, they are checked below without a call per node, and only the rest are listed.
			const inline = startsWithDefaultFilters();
			const selects = inline && nodeSelectionFilter.appliesTo!(pod);
			const filters: FilterPlugin[] = [];
			for (let i = inline ? 4 : 0; i < schedulerFilters.length; i++) {
				const filter = schedulerFilters[i]!;
				if (!filter.appliesTo || filter.appliesTo(pod)) filters.push(filter);
			}
			const requests = podRequests(pod);
			const tolerations = pod.spec?.tolerations;
			// Spreading: mark the nodes that have pods of this pod's owner with their count.
			const mark = ++turn;
			const counts = owner ? ownerNodes.get(owner) : undefined;
			if (counts) {
				for (const [info, pods] of counts) {
					if (info.position < 0) continue;
					table[info.position * hotFields + hotOwnerMark] = mark;
					table[info.position * hotFields + hotSameOwner] = pods;
				}
			}
			let index = count > 0 ? nextStartNodeIndex % count : 0;
			for (; processed < count && feasible < wantFeasible; processed++) {
				const info = candidates[index]!;
				const row = index * hotFields;
				if (++index === count) index = 0;
				const plain = table[row + hotPlain] === 1;
				if (!plain && !info.ready && !untoleratedTaint(info.node.spec?.taints, tolerations, schedulingEffects)) {
					// A not-ready node without its taint yet: the scheduler still skips it.
					reasons.set(notReadyReason, (reasons.get(notReadyReason) ?? 0) + 1);
					continue;
				}
				let failure: string | undefined;
				if (inline) {
					// Neither cordoned nor tainted: NodeUnschedulable and TaintToleration pass.
					if (!plain) failure = unschedulableFilter(pod, info, context) || taintFilter(pod, info, context);
					if (!failure && selects) failure = nodeSelectionFilter(pod, info, context);
					failure ||= rowFitFailure(requests, table, row);
				}
				if (!failure) {
					for (const filter of filters) {
						failure = filter(pod, info, context);
						if (failure) break;
					}
				}
				if (!failure && nominations) {
					const extra = nominatedLoad(pod, info.node.metadata.name);
					if (extra) failure = usageFitFailure(requests, info.allocatable, info.requested.cpu + extra.cpu, info.requested.memory + extra.memory, info.pods + extra.pods);
				}
				if (failure) {
					reasons.set(failure, (reasons.get(failure) ?? 0) + 1);
					if (resolvableByPreemption(failure)) {
						victimless++;
						if (mayPreempt) potential.push(info);
					}
					continue;
				}
				feasible++;
				const value = score(wanted, table, row, table[row + hotOwnerMark] === mark ? table[row + hotSameOwner]! : 0);
				if (value > bestScore) {
					best = info;
					bestScore = value;
				}
			}
			if (count > 0) nextStartNodeIndex = (nextStartNodeIndex + processed) % count;
			if (!best) {
				// A PreFilter rejection (the pod's claims, before any node is looked at) is said once, without a node count.
				const parts = [...reasons.entries()].map(([reason, count]) => preFilterRejection.test(reason) ? reason : `${count} ${reason}`).sort();
				const total = nodes.size;
				const volumes = [...reasons.keys()].some(isVolumeReason);
				if (total === 0) {
					fail(pod, key, 'no nodes available to schedule pods', volumes);
					return;
				}
				const fitError = `0/${total} nodes are available: ${parts.join(', ')}.`;
				const outcome = postFilter(pod, total, potential, victimless, nominated, nominatedFailure);
				fail(pod, key, outcome.message ? `${fitError} ${outcome.message}` : fitError, volumes, outcome.nominate);
				// A victim already gone (its delete was final at once) moved no one: the preemptor is tried again after its back-off.
				if (outcome.victims?.some(victim => !store.get('Pod', victim.metadata.namespace, victim.metadata.name))) {
					const entry = parked.get(key);
					if (entry) move(key, entry);
				}
				return;
			}
			place(pod, key, best.node.metadata.name);
		},
	};

	/** The node is chosen: bind the pod, or reserve the node while PreBind waits. */
	function place(pod: Pod, key: string, nodeName: string): void {
		backoff.delete(key);
		parked.delete(key);
		if (unreadyPreBind(pod, nodeName)) {
			// Reserved for the node while PreBind waits (a WaitForFirstConsumer claim being provisioned there).
			preBinding.set(key, {node: nodeName, since: clock.now()});
			account(pod, nodeName);
			queueAfter(key, preBindPollMs);
			return;
		}
		bind(pod, nodeName);
	}

	/**
	 * DefaultPreemption, the PostFilter, for a pod that fits no node: the
	 * text FailedScheduling adds (none when it made room) and what becomes of
	 * the pod's nominated node (undefined: left as it is, '': cleared).
	 * `potential` are the nodes where only resources were short, gathered
	 * only when some node holds a pod of lower priority; `victimless` counts
	 * them when they were not gathered.
	 */
	function postFilter(pod: Pod, total: number, potential: NodeInfo[], victimless: number, nominated: NodeInfo | undefined, nominatedFailure: string | undefined): {message?: string; nominate?: string; victims?: Pod[]} {
		if (pod.spec?.preemptionPolicy === 'Never') return {message: 'preemption: not eligible due to preemptionPolicy=Never.'};
		const priority = podPriority(pod);
		// Victims of its last preemption still terminating on its nominated node: it waits for them rather than preempt more.
		if (nominated && nominatedFailure && resolvableByPreemption(nominatedFailure)) {
			const terminating = podsOn(nominated).some(other => podPriority(other) < priority && terminatingByPreemption(other));
			if (terminating) return {message: 'preemption: not eligible due to a terminating pod on the nominated node.'};
		}
		const statuses = new Map<string, number>();
		const candidates: PreemptionCandidate[] = [];
		if (potential.length === 0 && victimless > 0) {
			// No pod of lower priority anywhere: kube-scheduler finds no victim on any node it could help on.
			statuses.set(noVictims, victimless);
		} else if (potential.length > 0) {
			// DryRunPreemption: from a random node on, until enough candidates are found with one that violates no budget.
			const wanted = numPreemptionCandidates(potential.length);
			const offset = potential.length > wanted ? context.random.int(0, potential.length - 1) : 0;
			const budgets = budgetIndex(context);
			const violating: PreemptionCandidate[] = [];
			for (let i = 0; i < potential.length; i++) {
				const info = potential[(offset + i) % potential.length]!;
				const found = selectVictimsOnNode(pod, info, budgets);
				if (typeof found === 'string') {
					statuses.set(found, (statuses.get(found) ?? 0) + 1);
					continue;
				}
				(found.pdbViolations === 0 ? candidates : violating).push(found);
				if (candidates.length > 0 && candidates.length + violating.length >= wanted) break;
			}
			candidates.push(...violating);
		}
		const chosen = pickOneNodeForPreemption(candidates, clock.now());
		if (!chosen) {
			let counted = 0;
			for (const count of statuses.values()) counted += count;
			if (total > counted) statuses.set('Preemption is not helpful for scheduling', total - counted);
			const parts = [...statuses].map(([reason, count]) => `${count} ${reason}`).sort();
			return {message: `preemption: 0/${total} nodes are available: ${parts.join(', ')}.`, nominate: ''};
		}
		const nodeName = chosen.info.node.metadata.name;
		for (const victim of chosen.victims) preemptPod(pod, victim, nodeName);
		// Pods of lower priority nominated to the node may no longer fit there: their nomination goes, and they are tried again.
		for (const other of [...nominatedOn.get(nodeName)?.values() ?? []]) {
			if (podPriority(other) >= priority) continue;
			store.patch(other, draft => {
				const {nominatedNodeName: _, ...status} = draft.status!;
				draft.status = status;
			}, {status: true});
		}
		return {nominate: nodeName, victims: chosen.victims};
	}

	/**
	 * `SelectVictimsOnNode`: take every pod of lower priority off the node;
	 * if the pod fits then, put them back one by one, highest priority first
	 * (those whose deletion would violate a PodDisruptionBudget before the
	 * others), keeping each that still leaves room. What is left are the
	 * victims; a node where the pod fits even with every one of them gone
	 * gives the filter's reason instead.
	 */
	function selectVictimsOnNode(pod: Pod, info: NodeInfo, budgets: ReturnType<typeof budgetIndex>): PreemptionCandidate | string {
		const priority = podPriority(pod);
		const lower = podsOn(info).filter(other => podPriority(other) < priority);
		if (lower.length === 0) return noVictims;
		const used: Load = {cpu: info.requested.cpu, memory: info.requested.memory, pods: info.pods};
		for (const other of lower) {
			const requests = requestsOf(other);
			used.cpu -= requests.cpu;
			used.memory -= requests.memory;
			used.pods--;
		}
		const failure = filterOne(pod, {...info, requested: {cpu: used.cpu, memory: used.memory}, pods: used.pods});
		if (failure) return failure;
		const order = moreImportantFirst(clock.now());
		lower.sort(order);
		const [violating, nonViolating] = splitByBudgetViolation(lower, budgets);
		const wanted = podRequests(pod);
		const extra = nominatedLoad(pod, info.node.metadata.name) ?? {cpu: 0, memory: 0, pods: 0};
		const victims: Pod[] = [];
		const reprieve = (other: Pod): boolean => {
			const requests = requestsOf(other);
			const fits = !usageFitFailure(wanted, info.allocatable, used.cpu + requests.cpu + extra.cpu, used.memory + requests.memory + extra.memory, used.pods + 1 + extra.pods);
			if (fits) {
				used.cpu += requests.cpu;
				used.memory += requests.memory;
				used.pods++;
			} else {
				victims.push(other);
			}
			return fits;
		};
		let pdbViolations = 0;
		for (const other of violating) if (!reprieve(other)) pdbViolations++;
		for (const other of nonViolating) reprieve(other);
		if (violating.length > 0 && nonViolating.length > 0) victims.sort(order);
		return {info, victims, pdbViolations};
	}

	/**
	 * Preempt one victim as kube-scheduler does: the DisruptionTarget
	 * condition, then a delete with the pod's own grace period (its kubelet
	 * stops it as any deleted pod), then the Preempted event.
	 */
	function preemptPod(preemptor: Pod, victim: Pod, nodeName: string): void {
		const current = store.get('Pod', victim.metadata.namespace, victim.metadata.name) as Pod | undefined;
		if (!current || current.metadata.uid !== victim.metadata.uid) return;
		const message = `${preemptor.spec?.schedulerName ?? schedulerName}: preempting to accommodate a higher priority pod`;
		const previous = current.status?.conditions?.find(c => c.type === 'DisruptionTarget');
		let marked = current;
		if (previous?.status !== 'True' || previous.reason !== 'PreemptionByScheduler' || previous.message !== message) {
			marked = store.patch(current, draft => {
				const conditions = (draft.status?.conditions ?? []).filter(c => c.type !== 'DisruptionTarget');
				conditions.push({type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message, lastProbeTime: null, lastTransitionTime: rfc3339(clock.now())});
				draft.status = {...draft.status!, conditions};
			}, {status: true});
		}
		const deleted = deleteObject(context, marked, 'Background');
		events.normal(deleted ?? marked, 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${nodeName}`, {component: schedulerName});
	}

	/** The first PreBind plugin not yet ready to let the pod be bound to the node, if any. */
	function unreadyPreBind(pod: Pod, nodeName: string): PreBindPlugin | undefined {
		return schedulerPreBinds.find(plugin => !plugin.ready(pod, nodeName, context));
	}

	/**
	 * FailedScheduling: the event, the PodScheduled condition (and the
	 * nominated node preemption chose, or its clearing: ''), and the pod
	 * parked with its back-off.
	 */
	function fail(pod: Pod, key: string, message: string, volumes: boolean, nominate?: string): void {
		const delay = Math.min((backoff.get(key) ?? 500) * 2, 10_000);
		backoff.set(key, delay);
		const now = clock.now();
		const entry: Parked = {since: now, retryAt: now + delay, volumes, version: undefined};
		parked.set(key, entry);
		scheduleFlush();
		events.warning(pod, 'FailedScheduling', message, {component: schedulerName});
		const previous = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
		const renominate = nominate !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominate;
		const written = previous?.status !== 'False' || previous.message !== message || renominate ? store.patch(pod, draft => {
			const {nominatedNodeName, ...status} = draft.status!;
			const node = renominate ? nominate : nominatedNodeName;
			draft.status = {
				...status,
				phase: 'Pending',
				conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: rfc3339(now)}],
				...(node ? {nominatedNodeName: node} : {}),
			};
		}, {status: true}) : pod;
		entry.version = written.metadata.resourceVersion;
	}

	/** The binding sets spec.nodeName and the PodScheduled condition in one write, as the API server's binding does. */
	function bind(pod: Pod, nodeName: string): void {
		const conditions = (pod.status?.conditions ?? []).filter(c => c.type !== 'PodScheduled');
		const bound = store.update({
			...pod,
			metadata: {...pod.metadata, resourceVersion: ''},
			spec: {...pod.spec!, nodeName},
			status: {...pod.status!, conditions: [...conditions, {type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(clock.now())}]},
		});
		events.normal(bound, 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, {component: schedulerName});
	}

	function queueAfter(key: string, ms: number): void {
		context.queue(schedulerName).addAfter(key, ms);
	}
}

/** The scheduler's saved state (see its part in `createScheduler`). */
type SavedScheduler = {
	backoff: Array<[key: string, delayMs: number]>;
	parked: Array<[key: string, since: number, retryAt: number, volumes: boolean, version: string | null]>;
	/** `counted`: its node's info counts it (false once that node was deleted, until PreBind notices). */
	preBinding: Array<[key: string, node: string, since: number, counted: boolean]>;
	flushPending: boolean;
	nextStartNodeIndex: number;
};

export {objectKey};
