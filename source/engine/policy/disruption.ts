/**
 * The disruption controller (`pkg/controller/disruption/disruption.go`):
 * each PodDisruptionBudget's status says how many of its pods are healthy,
 * how many must be, how many are expected, and so how many disruptions the
 * Eviction API may allow now, with the DisruptionAllowed condition
 * (SufficientPods, InsufficientPods, SyncFailed).
 *
 * Fed by watch events, only in namespaces that have a budget: an idle
 * budget costs nothing per step.
 */
import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject, Pod} from '../api/types.js';
import type {PdbCondition, PodDisruptionBudget, PodDisruptionBudgetStatus} from '../api/policy-objects.js';
import {labelSelectorFromObject, matchesLabels, nothingSelector, type Selector} from '../api/selectors.js';
import {controllerRefOf, isPodReady} from '../controllers/controller-utils.js';
import {scaledValue} from '../controllers/deployment-util.js';
import {keyOf, sameJson, type StoreEvent} from '../store.js';
import {parseTime, rfc3339} from '../clock.js';

export const disruptionController = 'disruption-controller';
/** How long an eviction the API allowed may take before the controller counts the pod again (`DeletionTimeout`). */
export const deletionTimeoutMs = 2 * 60 * 1000;

/** The budget's selector: a missing one selects nothing, an empty one every pod of the namespace (policy/v1). */
export function budgetSelector(pdb: PodDisruptionBudget): Selector {
	const selector = pdb.spec?.selector;
	if (selector === undefined || selector === null) return nothingSelector();
	return labelSelectorFromObject(selector);
}

/** The PodDisruptionBudgets of each namespace, kept from the watch. */
export class BudgetIndex {
	private readonly byNamespace = new Map<string, Map<string, PodDisruptionBudget>>();

	/** Index `objects` (the store's, in its order) afresh, as the watch would have from the start. */
	rebuild(objects: Iterable<KubeObject>): void {
		this.byNamespace.clear();
		for (const object of objects) this.observe({type: 'ADDED', object});
	}

	observe(event: StoreEvent): void {
		const pdb = event.object as PodDisruptionBudget;
		const namespace = pdb.metadata.namespace ?? '';
		let budgets = this.byNamespace.get(namespace);
		if (event.type === 'DELETED') {
			budgets?.delete(pdb.metadata.name);
			if (budgets?.size === 0) this.byNamespace.delete(namespace);
			return;
		}
		if (!budgets) this.byNamespace.set(namespace, (budgets = new Map()));
		budgets.set(pdb.metadata.name, pdb);
	}

	in(namespace: string | undefined): PodDisruptionBudget[] {
		const budgets = this.byNamespace.get(namespace ?? '');
		return budgets ? [...budgets.values()] : [];
	}

	has(namespace: string | undefined): boolean {
		return this.byNamespace.has(namespace ?? '');
	}
}

/** The cluster's budget index, made on first use and kept from the watch. */
export function budgetIndex(context: Pick<ControllerContext, 'store'>): BudgetIndex {
	const existing = indexes.get(context.store);
	if (existing) return existing;
	const index = new BudgetIndex();
	for (const pdb of context.store.list('PodDisruptionBudget')) index.observe({type: 'ADDED', object: pdb});
	context.store.subscribe(event => index.observe(event), ['PodDisruptionBudget']);
	indexes.set(context.store, index);
	return index;
}

const indexes = new WeakMap<object, BudgetIndex>();

/** `SetStatusCondition` for DisruptionAllowed: the transition time moves only when the status does. */
export function setDisruptionAllowed(status: PodDisruptionBudgetStatus, allowed: boolean, reason: string, message: string, now: number): PdbCondition[] {
	const conditions = (status.conditions ?? []).filter(c => c.type !== 'DisruptionAllowed');
	const previous = status.conditions?.find(c => c.type === 'DisruptionAllowed');
	const value = allowed ? 'True' : 'False';
	conditions.push({
		type: 'DisruptionAllowed',
		status: value,
		...(status.observedGeneration !== undefined ? {observedGeneration: status.observedGeneration} : {}),
		lastTransitionTime: previous && previous.status === value ? previous.lastTransitionTime : rfc3339(now),
		reason,
		message,
	});
	return conditions;
}

/** `UpdateDisruptionAllowedCondition`: SufficientPods when a disruption is allowed, else InsufficientPods. */
export function disruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: number): PdbCondition[] {
	return status.disruptionsAllowed > 0
		? setDisruptionAllowed(status, true, 'SufficientPods', '', now)
		: setDisruptionAllowed(status, false, 'InsufficientPods', '', now);
}

export function createDisruptionController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const index = budgetIndex(context);
	// Nothing is saved: the budgets are indexed again from the store.
	context.state.register<null>('disruption', {save: () => null, load: () => index.rebuild(store.list('PodDisruptionBudget'))});
	const source = {component: disruptionController};
	const queue = () => context.queue(disruptionController);

	/** Budgets in the pod's namespace whose selector takes the pod (by its labels now or before). */
	const budgetsOfPod = (event: StoreEvent): string[] | undefined => {
		const pod = event.object as Pod;
		if (!index.has(pod.metadata.namespace)) return undefined;
		const old = event.old as Pod | undefined;
		if (event.type === 'MODIFIED' && old && old.metadata.labels === pod.metadata.labels
			&& old.metadata.deletionTimestamp === pod.metadata.deletionTimestamp && isPodReady(old) === isPodReady(pod)
			&& sameJson(controllerRefOf(old), controllerRefOf(pod))) return undefined;
		const keys: string[] = [];
		for (const pdb of index.in(pod.metadata.namespace)) {
			const selector = budgetSelector(pdb);
			if (matchesLabels(selector, pod.metadata.labels) || (old && matchesLabels(selector, old.metadata.labels))) keys.push(keyOf(pdb));
		}
		return keys;
	};

	/** A workload's scale changed: every budget of its namespace may expect a different count. */
	const budgetsOfNamespace = (event: StoreEvent): string[] | undefined => {
		if (!index.has(event.object.metadata.namespace)) return undefined;
		if (event.type === 'MODIFIED' && event.old?.spec?.replicas === event.object.spec?.replicas) return undefined;
		return index.in(event.object.metadata.namespace).map(pdb => keyOf(pdb));
	};

	/** `getExpectedScale`: the sum of the scales of the pods' controllers. */
	function expectedScale(pods: Pod[]): {count: number; unmanaged: string[]; error?: string} {
		const scales = new Map<string, number>();
		const unmanaged: string[] = [];
		for (const pod of pods) {
			const ref = controllerRefOf(pod);
			if (!ref) {
				unmanaged.push(pod.metadata.name);
				continue;
			}
			if (scales.has(ref.uid)) continue;
			const found = controllerScale(pod.metadata.namespace!, ref);
			if (!found) return {count: 0, unmanaged, error: `found no controllers for pod "${pod.metadata.name}"`};
			scales.set(found.uid, found.scale);
		}
		let count = 0;
		for (const scale of scales.values()) count += scale;
		return {count, unmanaged};
	}

	/** The finders: a Deployment through its ReplicaSet, a ReplicaSet of its own, a StatefulSet. */
	function controllerScale(namespace: string, ref: {kind: string; name: string; uid: string}): {uid: string; scale: number} | undefined {
		if (ref.kind === 'ReplicaSet') {
			const rs = store.get('ReplicaSet', namespace, ref.name);
			if (!rs || rs.metadata.uid !== ref.uid) return undefined;
			const owner = controllerRefOf(rs);
			if (owner?.kind === 'Deployment') {
				const deployment = store.get('Deployment', namespace, owner.name);
				if (!deployment || deployment.metadata.uid !== owner.uid) return undefined;
				return {uid: deployment.metadata.uid, scale: deployment.spec?.replicas ?? 1};
			}
			return {uid: rs.metadata.uid, scale: rs.spec?.replicas ?? 1};
		}
		if (ref.kind === 'StatefulSet') {
			const set = store.get('StatefulSet', namespace, ref.name);
			if (!set || set.metadata.uid !== ref.uid) return undefined;
			return {uid: set.metadata.uid, scale: set.spec?.replicas ?? 1};
		}
		return undefined;
	}

	function writeStatus(pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): void {
		if (sameJson(pdb.status, status)) return;
		store.patch(pdb, draft => {
			draft.status = status;
		}, {status: true});
	}

	/** `failSafe`: nothing allowed, and the condition says why. */
	function failSafe(pdb: PodDisruptionBudget, message: string): void {
		const status: PodDisruptionBudgetStatus = {...pdb.status!, disruptionsAllowed: 0};
		status.conditions = setDisruptionAllowed(status, false, 'SyncFailed', message, clock.now());
		writeStatus(pdb, status);
	}

	function sync(key: string): void {
		const [namespace, name] = key.split('/') as [string, string];
		const pdb = store.get('PodDisruptionBudget', namespace, name) as PodDisruptionBudget | undefined;
		if (!pdb || pdb.metadata.deletionTimestamp) return;
		const selector = budgetSelector(pdb);
		const pods = (store.list('Pod', namespace) as Pod[]).filter(pod => matchesLabels(selector, pod.metadata.labels));
		if (pods.length === 0) events.normal(pdb, 'NoPods', 'No matching pods found', source);
		const spec = pdb.spec ?? {};
		let expected = 0;
		let desired = 0;
		let unmanaged: string[] = [];
		const byMaxUnavailable = spec.maxUnavailable !== undefined && spec.maxUnavailable !== null;
		if (typeof spec.minAvailable === 'number' && !byMaxUnavailable) {
			desired = spec.minAvailable;
			expected = pods.length;
		} else if (byMaxUnavailable || typeof spec.minAvailable === 'string') {
			// A count or a percentage of the owners' scale: the expected pods come from the controllers.
			const scale = expectedScale(pods);
			if (scale.error) {
				events.warning(pdb, 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${scale.error}`, source);
				failSafe(pdb, scale.error);
				return;
			}
			({count: expected, unmanaged} = scale);
			desired = byMaxUnavailable
				? Math.max(0, expected - scaledValue(spec.maxUnavailable!, expected, true))
				: scaledValue(spec.minAvailable as string, expected, true);
		}
		if (unmanaged.length > 0) {
			events.warning(pdb, 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${selectorText(pdb)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`, source);
		}
		const now = clock.now();
		// buildDisruptedPodMap: evictions the API allowed and that have not happened yet, until their timeout.
		const disrupted: Record<string, string> = {};
		let recheck: number | undefined;
		for (const pod of pods) {
			if (pod.metadata.deletionTimestamp) continue;
			const at = pdb.status?.disruptedPods?.[pod.metadata.name];
			if (at === undefined) continue;
			const expires = (parseTime(at) ?? now) + deletionTimeoutMs;
			if (expires < now) {
				events.warning(pod, 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`, source);
				continue;
			}
			disrupted[pod.metadata.name] = at;
			if (recheck === undefined || expires < recheck) recheck = expires;
		}
		let healthy = 0;
		for (const pod of pods) {
			if (pod.metadata.deletionTimestamp || disrupted[pod.metadata.name] !== undefined) continue;
			if (isPodReady(pod)) healthy++;
		}
		let allowed = healthy - desired;
		if (expected <= 0 || allowed <= 0) allowed = 0;
		const status: PodDisruptionBudgetStatus = {
			...(Object.keys(disrupted).length > 0 ? {disruptedPods: disrupted} : {}),
			observedGeneration: pdb.metadata.generation ?? 1,
			disruptionsAllowed: allowed,
			currentHealthy: healthy,
			desiredHealthy: desired,
			expectedPods: expected,
			conditions: pdb.status?.conditions ?? [],
		};
		status.conditions = disruptionAllowedCondition(status, now);
		writeStatus(pdb, status);
		if (recheck !== undefined) queue().addAfter(key, recheck - now);
	}

	return {
		name: disruptionController,
		watches: {
			PodDisruptionBudget: ({type, object, old}) => {
				if (type === 'DELETED') return undefined;
				// Its own status writes keep the spec; a new generation or a status someone else wrote needs a sync.
				if (old && old.spec === object.spec && old.metadata.labels === object.metadata.labels && (object as PodDisruptionBudget).status?.observedGeneration === object.metadata.generation) return undefined;
				return keyOf(object);
			},
			Pod: budgetsOfPod,
			Deployment: budgetsOfNamespace,
			ReplicaSet: budgetsOfNamespace,
			StatefulSet: budgetsOfNamespace,
		},
		sync,
	};
}

/** The selector as the UnmanagedPods event prints it (Go's %v of a LabelSelector). */
function selectorText(pdb: PodDisruptionBudget): string {
	const labels = pdb.spec?.selector?.matchLabels ?? {};
	const pairs = Object.keys(labels).sort().map(k => `${k}: ${labels[k]},`).join('');
	return `&LabelSelector{MatchLabels:map[string]string{${pairs}},MatchExpressions:[]LabelSelectorRequirement{},}`;
}
