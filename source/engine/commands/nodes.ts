import type {ControllerContext} from '../controller.js';
import type {TimerKind} from '../clock.js';
import type {SavedObject} from '../state.js';
import type {Node, Pod} from '../api/types.js';
import type {KubeletService} from '../node/kubelet.js';
import {badRequest, invalid, KubeError, notFound, type FieldError} from '../errors.js';
import {makeNode, workerName, type NodeOptions} from '../bootstrap.js';
import {validateDNS1123Subdomain, validateLabels} from '../api/validate-metadata.js';
import {heartbeatService, type NodeFault} from '../node/heartbeat.js';
import {podsByNode, reconcileTaints} from '../controllers/node-lifecycle.js';
import {evictPod} from '../policy/eviction.js';
import {planDrain} from './drain-filter.js';

/**
 * Node maintenance and failure, as the facade offers them: a machine that
 * stops and comes back, `kubectl cordon/uncordon/drain`, a new worker, and a
 * machine removed from the cloud. Each validates first and changes nothing
 * when it fails.
 */

export type DrainOptions = {
	/** `--force`: also delete pods that declare no controller. */
	force?: boolean;
	/** `--ignore-daemonsets`: leave DaemonSet-managed pods in place. */
	ignoreDaemonSets?: boolean;
	/** `--delete-emptydir-data`: also evict pods with emptyDir volumes. */
	deleteEmptyDirData?: boolean;
	/** `--grace-period`: seconds each pod gets; -1 (default) uses the pod's own. */
	gracePeriodSeconds?: number;
	/** `--timeout`: give up after this many seconds of a disruption budget's refusals; 0 (default) waits forever. */
	timeoutSeconds?: number;
};

export type DrainReport = {
	node: string;
	/** `namespace/name` of each pod evicted. */
	evicted: string[];
	/** `namespace/name` of DaemonSet-managed pods left in place. */
	ignored: string[];
	/** kubectl's warning line, when there is one. */
	warning?: string;
	/** What `kubectl drain` prints, line by line. */
	lines: string[];
	/** `namespace/name` of pods a disruption budget still blocks; the drain asks again every 5 s. */
	blocked: string[];
	/** The drain has ended: the node is drained, or it gave up (`error`), or it was stopped; false while a budget blocks it. */
	done: boolean;
	/** Why the drain gave up (the timeout, or an eviction the API refused otherwise), as kubectl's last line says it. */
	error?: string;
};

/**
 * A drain that needs a flag: kubectl has already cordoned the node, which
 * stays cordoned. `lines` is what kubectl prints, the cordon line included.
 */
export class DrainRefused extends KubeError {
	readonly lines: string[];

	constructor(message: string, lines: string[]) {
		super('BadRequest', message);
		this.lines = lines;
	}
}

export type AddNodeOptions = NodeOptions & {
	/** Node name; default the next kind-style worker name. */
	name?: string;
};

const cloudComponent = 'cloud-node-lifecycle-controller';

function kubeletOf(context: ControllerContext): KubeletService {
	return context.services.kubelet!;
}

function getNode(context: ControllerContext, name: string): Node {
	if (typeof name !== 'string' || name === '') throw badRequest('a node name is required');
	const node = context.store.get('Node', undefined, name) as Node | undefined;
	if (!node) throw notFound('nodes', name);
	return node;
}

function ref(pod: Pod): string {
	return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/** The machine stops: the kubelet and its containers halt without reporting, heartbeats stop. */
export function killNode(context: ControllerContext, name: string): Node {
	const node = getNode(context, name);
	const kubelet = kubeletOf(context);
	if (kubelet.isHalted(name)) throw badRequest(`node "${name}" is already down; restore it with restoreNode`);
	kubelet.haltNode(name);
	return node;
}

/** The machine is back: the kubelet starts, renews its Lease, posts Ready and re-syncs the pods bound to it. */
export function restoreNode(context: ControllerContext, name: string): Node {
	getNode(context, name);
	const kubelet = kubeletOf(context);
	if (!kubelet.isHalted(name)) throw badRequest(`node "${name}" is running; only a node that was killed can be restored`);
	kubelet.startNode(name);
	heartbeatService(context).resume(name);
	return context.store.get('Node', undefined, name) as Node;
}

/**
 * The kubelet stays alive (its Lease is renewed) but reports Ready=False,
 * KubeletNotReady: `network` is a CNI plugin that is not initialized,
 * `runtime` a container runtime that is down. The node controller then
 * taints the node not-ready and marks its pods not ready.
 */
export function failNodeRuntime(context: ControllerContext, name: string, fault: NodeFault): Node {
	getNode(context, name);
	if (fault !== 'network' && fault !== 'runtime') throw badRequest(`unknown runtime fault "${String(fault)}": use network (the CNI plugin) or runtime (the container runtime)`);
	if (kubeletOf(context).isHalted(name)) throw badRequest(`node "${name}" is down; restore it with restoreNode first`);
	heartbeatService(context).setFault(name, fault);
	return context.store.get('Node', undefined, name) as Node;
}

/** The runtime fault is fixed: the kubelet posts Ready again at once. */
export function repairNodeRuntime(context: ControllerContext, name: string): Node {
	getNode(context, name);
	if (!heartbeatService(context).fault(name)) throw badRequest(`node "${name}" has no runtime fault to repair`);
	heartbeatService(context).setFault(name, undefined);
	return context.store.get('Node', undefined, name) as Node;
}

/** `kubectl cordon`: spec.unschedulable and the unschedulable:NoSchedule taint. Returns kubectl's line. */
export function cordon(context: ControllerContext, name: string): string {
	const node = getNode(context, name);
	if (node.spec?.unschedulable) return `node/${name} already cordoned`;
	setUnschedulable(context, node, true);
	return `node/${name} cordoned`;
}

/** `kubectl uncordon`. Returns kubectl's line. */
export function uncordon(context: ControllerContext, name: string): string {
	const node = getNode(context, name);
	if (!node.spec?.unschedulable) return `node/${name} already uncordoned`;
	setUnschedulable(context, node, false);
	return `node/${name} uncordoned`;
}

function setUnschedulable(context: ControllerContext, node: Node, value: boolean): void {
	const {store, clock, events} = context;
	const updated = store.patch(node, draft => {
		draft.spec = {...draft.spec};
		if (value) draft.spec.unschedulable = true;
		else delete draft.spec.unschedulable;
		const taints = reconcileTaints(draft as Node, clock.now());
		if (taints) draft.spec.taints = taints;
		if (draft.spec.taints?.length === 0) delete draft.spec.taints;
	});
	const name = node.metadata.name;
	const reason = value ? 'NodeNotSchedulable' : 'NodeSchedulable';
	// The kubelet reports the change; a machine that is down says nothing.
	if (!kubeletOf(context).isHalted(name)) events.normal(updated, reason, `Node ${name} status is now: ${reason}`, {component: 'kubelet', host: name});
}

/**
 * `kubectl drain`: cordon, then evict every pod on the node through the
 * Eviction API, except mirror pods and, with ignoreDaemonSets,
 * DaemonSet-managed ones. When pods need a flag it evicts nothing and throws
 * DrainRefused; the node stays cordoned, as kubectl leaves it.
 */
export function drain(context: ControllerContext, name: string, options: DrainOptions = {}): DrainReport {
	const node = getNode(context, name);
	const grace = options.gracePeriodSeconds ?? -1;
	if (!Number.isInteger(grace) || grace < -1) {
		throw badRequest(`invalid argument "${String(options.gracePeriodSeconds)}" for "--grace-period" flag: must be an integer >= -1`);
	}
	const timeout = options.timeoutSeconds ?? 0;
	if (!Number.isInteger(timeout) || timeout < 0) {
		throw badRequest(`invalid argument "${String(options.timeoutSeconds)}" for "--timeout" flag: must be a whole number of seconds >= 0`);
	}
	const {store} = context;
	const pods = podsByNode(context).pods(name).sort((a, b) => ref(a).localeCompare(ref(b)));
	const {toEvict, ignored, problems, warnings} = planDrain(pods, options, (namespace, owner) => Boolean(store.get('DaemonSet', namespace, owner)));
	// kubectl cordons every node first, then asks for the pods to delete; a refusal leaves the node cordoned.
	const lines = [cordon(context, node.metadata.name)];
	if (problems.length > 0) {
		const error = problems.length === 1 ? problems[0]! : `[${problems.join(', ')}]`;
		const refusal = `unable to drain node "${name}" due to error:${error}`;
		throw new DrainRefused(refusal, [...lines, `error: ${refusal}, continuing command...`, `error: ${error}`]);
	}
	const warning = warnings.length > 0 ? `Warning: ${warnings.join('; ')}` : undefined;
	if (warning) lines.push(warning);
	const report: DrainReport = {node: name, evicted: [], ignored, ...(warning ? {warning} : {}), lines, blocked: [], done: false};
	const {states} = drains(context);
	const drain = (states.get(name)?.drain ?? 0) + 1;
	const state: DrainState = {report, drain, attempt: 0, deadline: timeout > 0 ? context.clock.now() + timeout * 1000 : undefined, timeout, grace, blocked: [], errors: []};
	states.set(name, state);
	evictAll(context, state, toEvict);
	return snapshot(report);
}

/** How long kubectl drain waits before asking again for an eviction a budget refused. */
export const evictionRetryMs = 5000;

type DrainState = {
	report: DrainReport;
	/** The node's drains so far, this one included: a retry of an earlier drain finds another number. */
	drain: number;
	attempt: number;
	/** When `--timeout` runs out (virtual ms), if one was given. */
	deadline: number | undefined;
	timeout: number;
	/** `--grace-period`, -1 for the pods' own. */
	grace: number;
	/** The pods a budget refused in the last round, asked again at the next. */
	blocked: Pod[];
	/** Evictions that failed for good, in kubectl's words. */
	errors: Array<{pod: Pod; message: string}>;
};

/** Go's time.Duration text of whole seconds: `7s`, `1m0s`, `1h2m3s`. */
function goDuration(seconds: number): string {
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const sec = seconds % 60;
	if (h > 0) return `${h}h${m}m${sec}s`;
	if (m > 0) return `${m}m${sec}s`;
	return `${sec}s`;
}

/** A drain's next round, due 5 s after a budget refused an eviction: the node, its drain's number and the round's. */
type DrainRetry = {node: string; drain: number; attempt: number};

/** A cluster's drains: the latest of each node, and the kind of timer of their retries. */
type Drains = {states: Map<string, DrainState>; retry: TimerKind<DrainRetry>};

/** A node's latest drain as saved: the pods it holds by reference (or copy, when the store has moved on). */
type SavedDrain = [node: string, state: {
	report: DrainReport; drain: number; attempt: number; deadline: number | null; timeout: number; grace: number;
	blocked: SavedObject[]; errors: Array<[pod: SavedObject, message: string]>;
}];

const drainsByContext = new WeakMap<object, Drains>();

/** The cluster's drains; the first call (at the cluster's start) defines their timer kind. */
export function drains(context: ControllerContext): Drains {
	let found = drainsByContext.get(context.store);
	if (!found) {
		const states = new Map<string, DrainState>();
		const retry = context.clock.kind<DrainRetry>('drain.retry', ({node, drain, attempt}) => {
			const state = states.get(node);
			// A drain stopped, retried already or replaced by another of the node asks nothing more.
			if (state?.drain !== drain || state.attempt !== attempt) return;
			evictAll(context, state, state.blocked);
		});
		drainsByContext.set(context.store, (found = {states, retry}));
		context.state.register<SavedDrain[]>('drains', {
			// The report grows while a budget blocks the drain: a copy is saved, and loaded.
			save: saving => [...states].map(([node, state]) => [node, {
				report: snapshot(state.report), drain: state.drain, attempt: state.attempt, deadline: state.deadline ?? null, timeout: state.timeout, grace: state.grace,
				blocked: state.blocked.map(pod => saving.object(pod)),
				errors: state.errors.map(({pod, message}) => [saving.object(pod), message]),
			}]),
			load(saved, loading) {
				states.clear();
				for (const [node, state] of saved) {
					states.set(node, {
						report: snapshot(state.report), drain: state.drain, attempt: state.attempt, deadline: state.deadline ?? undefined, timeout: state.timeout, grace: state.grace,
						blocked: state.blocked.map(pod => loading.object<Pod>(pod)),
						errors: state.errors.map(([pod, message]) => ({pod: loading.object<Pod>(pod), message})),
					});
				}
			},
		});
	}
	return found;
}

function snapshot(report: DrainReport): DrainReport {
	return {...report, evicted: [...report.evicted], ignored: [...report.ignored], lines: [...report.lines], blocked: [...report.blocked]};
}

/** The latest drain of a node as it stands (its lines grow while a budget blocks it); undefined when none ran. */
export function drainStatus(context: ControllerContext, name: string): DrainReport | undefined {
	getNode(context, name);
	const state = drains(context).states.get(name);
	return state ? snapshot(state.report) : undefined;
}

/** Stop retrying a drain a budget blocks (kubectl interrupted); the node stays cordoned. */
export function stopDrain(context: ControllerContext, name: string): DrainReport {
	getNode(context, name);
	const state = drains(context).states.get(name);
	if (!state || state.report.done) throw badRequest(`no drain of node "${name}" is in progress`);
	state.attempt++;
	state.report.done = true;
	return snapshot(state.report);
}

/**
 * One round of kubectl's evictions: each pod through the Eviction API. A
 * budget's 429 is printed and the pod asked again 5 s later, until every
 * pod is evicted or gone (the node is drained), or `--timeout` runs out or an
 * eviction fails otherwise (the drain gives up with kubectl's summary).
 */
function evictAll(context: ControllerContext, state: DrainState, pods: Pod[]): void {
	const {report, grace} = state;
	const {store, clock} = context;
	const blocked: Pod[] = [];
	const done: Pod[] = [];
	const timedOut = state.deadline !== undefined && clock.now() >= state.deadline;
	for (const pod of pods) {
		const current = store.getByUid(pod.metadata.uid) as Pod | undefined;
		// kubectl reads the pod again before a retry; one that is gone needs nothing more.
		if (!current && state.attempt > 0) continue;
		report.lines.push(`evicting pod ${ref(pod)}`);
		if (!current) {
			done.push(pod);
			continue;
		}
		const where = `pods/"${pod.metadata.name}" -n "${pod.metadata.namespace}"`;
		if (timedOut) {
			state.errors.push({pod, message: `error when evicting ${where}: global timeout reached: ${goDuration(state.timeout)}`});
			continue;
		}
		try {
			evictPod(context, pod.metadata.name, {namespace: pod.metadata.namespace, ...(grace >= 0 ? {gracePeriodSeconds: grace} : {})});
			done.push(pod);
		} catch (error) {
			if (!(error instanceof KubeError)) throw error;
			if (error.code === 'NotFound') continue;
			if (error.code === 'TooManyRequests') {
				report.lines.push(`error when evicting ${where} (will retry after 5s): ${error.message}`);
				blocked.push(pod);
				continue;
			}
			state.errors.push({pod, message: `error when evicting ${where}: ${error.message}`});
		}
	}
	for (const pod of done) {
		report.lines.push(`pod/${pod.metadata.name} evicted`);
		report.evicted.push(ref(pod));
	}
	report.blocked = blocked.map(ref);
	if (blocked.length > 0) {
		state.blocked = blocked;
		clock.at(clock.now() + evictionRetryMs, drains(context).retry, {node: report.node, drain: state.drain, attempt: ++state.attempt});
		return;
	}
	report.done = true;
	if (state.errors.length === 0) {
		report.lines.push(`node/${report.node} drained`);
		return;
	}
	// kubectl's summary of a drain that gave up: the pods left, the node left, and the errors (aggregated as `[a, b]`).
	const messages = state.errors.map(e => e.message);
	const error = messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
	report.error = error;
	report.lines.push(`There are pending pods in node "${report.node}" when an error occurred: ${error}`);
	for (const {pod} of state.errors) report.lines.push(`pod/${pod.metadata.name}`);
	report.lines.push(`error: unable to drain node "${report.node}" due to error: ${error}, continuing command...`, 'There are pending nodes to be drained:', ` ${report.node}`, error);
}

/** A new worker joins: the next kind-style name (or `options.name`), Ready once its kubelet beats. */
export function addNode(context: ControllerContext, options: AddNodeOptions = {}): Node {
	const {store} = context;
	const errors: FieldError[] = [];
	const positive = (value: unknown, field: string) => {
		if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
			errors.push({field, type: 'Invalid value', value, detail: 'must be a positive number'});
		}
	};
	positive(options.cpu, 'status.capacity.cpu');
	positive(options.memoryGi, 'status.capacity.memory');
	if (options.pods !== undefined && !(Number.isInteger(options.pods) && options.pods > 0)) {
		errors.push({field: 'status.capacity.pods', type: 'Invalid value', value: options.pods, detail: 'must be a positive integer'});
	}
	errors.push(...validateLabels(options.labels, 'metadata.labels'));
	if (options.zone !== undefined) errors.push(...validateLabels({'topology.kubernetes.io/zone': options.zone}, 'metadata.labels'));
	const nodes = store.list('Node') as Node[];
	const names = new Set(nodes.map(n => n.metadata.name));
	let index = 0;
	for (let i = 0; i <= nodes.length + 1000; i++) if (names.has(workerName(i))) index = i + 1;
	const name = options.name ?? workerName(index);
	if (options.name !== undefined) {
		for (const detail of validateDNS1123Subdomain(String(options.name))) errors.push({field: 'metadata.name', type: 'Invalid value', value: options.name, detail});
	}
	if (errors.length > 0) throw invalid('Node', name, errors);
	if (store.get('Node', undefined, name)) throw new KubeError('AlreadyExists', `nodes "${name}" already exists`);
	// The index picks the address and pod CIDR; keep it clear of every existing node's.
	const cidrs = new Set(nodes.map(n => n.spec?.podCIDR));
	let slot = Math.max(index, nodes.length);
	while (cidrs.has(`10.244.${slot}.0/24`)) slot++;
	const {name: _name, ...shape} = options;
	const kubelet = kubeletOf(context);
	// A name that was used by a deleted machine starts with a fresh kubelet.
	if (kubelet.isHalted(name)) kubelet.startNode(name);
	return store.create(makeNode(context, name, slot, shape));
}

/**
 * The machine is deleted in the cloud: the cloud node lifecycle controller
 * deletes the Node object ("DeletingNode"), the node controller forgets it
 * ("RemovingNode") and pod GC force-deletes the pods bound to it.
 */
export function deleteNode(context: ControllerContext, name: string): undefined {
	const node = getNode(context, name);
	const kubelet = kubeletOf(context);
	if (!kubelet.isHalted(name)) kubelet.haltNode(name);
	context.events.normal(node, 'DeletingNode', `Deleting node ${name} because it does not exist in the cloud provider`, {component: cloudComponent});
	context.store.markDeleted(node);
	return undefined;
}
