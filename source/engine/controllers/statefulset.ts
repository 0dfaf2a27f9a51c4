import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject, OwnerReference, Pod, PodTemplateSpec} from '../api/types.js';
import type {PersistentVolumeClaim} from '../api/storage-objects.js';
import type {StatefulSet, StatefulSetStatus} from '../api/statefulset-objects.js';
import {applyDefaults} from '../api/defaults.js';
import {sameJson, keyOf} from '../store.js';
import {adoptersOf, claimObjects, orphanPods, SelectorCache, writeStatusIfChanged} from './controller-utils.js';
import {deleteObject} from '../deletion.js';
import {KubeError} from '../errors.js';
import {
	claimNamesFor, claimsFor, isFailed, isHealthy, isRunningAndAvailable, isRunningAndReady, isTerminating, newPod, newRevision,
	controllerRef, ordinalOf, partitionPods, revisionHash, revisionLabel, runningAvailableAt, templateOf,
} from './statefulset-util.js';
import {matchesLabels} from '../api/selectors.js';

/**
 * The StatefulSet controller (`pkg/controller/statefulset`): pods
 * `<sts>-<ordinal>` with stable hostnames and their claims made from
 * volumeClaimTemplates; OrderedReady (one at a time, each waiting for its
 * predecessor) or Parallel; RollingUpdate from the highest ordinal down to the
 * partition, or OnDelete; ControllerRevisions; the PVC retention policy.
 */

export const component = 'statefulset-controller';

/** `maxUnavailable` as a count of pods: an integer, or a percentage of replicas rounded down (at least 1). */
export function resolveMaxUnavailable(value: number | string | undefined, replicas: number): number {
	if (value === undefined) return 1;
	if (typeof value === 'number') return Math.max(1, value);
	return Math.max(1, Math.floor((Number.parseInt(value, 10) / 100) * replicas));
}

type Revisions = {current: KubeObject; update: KubeObject; collisionCount: number; all: KubeObject[]};

export function createStatefulSetController(context: ControllerContext): Controller {
	const {store, events, clock} = context;
	const queue = () => context.queue(component);
	const orphans = orphanPods(context);
	const selectors = new SelectorCache();
	store.subscribe(({type, object}) => {
		if (type === 'DELETED') selectors.forget(object.metadata.uid);
	}, ['StatefulSet']);

	function revisionsOf(set: StatefulSet): Revisions {
		const all = store.dependentsOf(set.metadata.uid, 'ControllerRevision').sort((a, b) => Number(a['revision']) - Number(b['revision']));
		let collisionCount = set.status?.collisionCount ?? 0;
		const template = set.spec!.template;
		const latest = all.at(-1);
		let update: KubeObject | undefined;
		const equal = latest && sameJson(templateOf(latest), template) ? latest : all.find(r => sameJson(templateOf(r), template));
		if (equal) {
			update = equal === latest ? equal : store.update({...equal, revision: Number(latest?.['revision'] ?? 0) + 1, metadata: {...equal.metadata, resourceVersion: ''}});
		}
		while (!update) {
			const hash = revisionHash(template, collisionCount);
			const name = `${set.metadata.name}-${hash}`;
			const clash = store.get('ControllerRevision', set.metadata.namespace, name);
			if (clash && !clash.metadata.ownerReferences?.some(ref => ref.controller) && sameJson(templateOf(clash), template)) {
				// An orphaned revision of this template (the set was deleted with --cascade=orphan): adopt it.
				update = store.patch(clash, draft => {
					draft.metadata.ownerReferences = [...(draft.metadata.ownerReferences ?? []), controllerRef(set)];
				});
				break;
			}
			if (clash) {
				collisionCount++;
				continue;
			}
			update = store.create(newRevision(set, template, Number(latest?.['revision'] ?? 0) + 1, collisionCount));
			break;
		}
		const refreshed = store.dependentsOf(set.metadata.uid, 'ControllerRevision').sort((a, b) => Number(a['revision']) - Number(b['revision']));
		const current = refreshed.find(r => r.metadata.name === set.status?.currentRevision) ?? update;
		return {current, update, collisionCount, all: refreshed};
	}

	/**
	 * `ClaimPods` with `isMemberOf`: adopt orphans the selector matches and
	 * whose names are the set's ordinals; release owned pods that are neither.
	 */
	function claimPods(set: StatefulSet): void {
		let selector: ReturnType<SelectorCache['for']>;
		try {
			selector = selectors.for(set);
		} catch {
			return;
		}
		const match = (pod: Pod) => matchesLabels(selector, pod.metadata.labels) && ordinalOf(set.metadata.name, pod.metadata.name) >= 0;
		claimObjects<Pod>(store, set, match, {owned: store.dependentsOf(set.metadata.uid, 'Pod') as Pod[], orphans: [...orphans.in(set.metadata.namespace)]});
	}

	function ownedPods(set: StatefulSet): Pod[] {
		return store.dependentsOf(set.metadata.uid, 'Pod').filter(pod =>
			pod.metadata.ownerReferences?.some(ref => ref.uid === set.metadata.uid && ref.controller)) as Pod[];
	}

	function podEvent(set: StatefulSet, verb: 'create' | 'delete', pod: string, error?: unknown): void {
		if (error) events.warning(set, verb === 'create' ? 'FailedCreate' : 'FailedDelete', `${verb} Pod ${pod} in StatefulSet ${set.metadata.name} failed error: ${(error as Error).message}`, {component});
		else events.normal(set, verb === 'create' ? 'SuccessfulCreate' : 'SuccessfulDelete', `${verb} Pod ${pod} in StatefulSet ${set.metadata.name} successful`, {component});
	}

	/** Create the ordinal's missing claims; false when one cannot be used yet (being deleted, or creation failed). */
	function ensureClaims(set: StatefulSet, ordinal: number, pod: string): boolean {
		let usable = true;
		let missing = false;
		for (const name of claimNamesFor(set, ordinal)) {
			const existing = store.get('PersistentVolumeClaim', set.metadata.namespace, name);
			if (!existing) missing = true;
			else if (existing.metadata.deletionTimestamp) usable = false;
		}
		if (!missing) return usable;
		for (const claim of claimsFor(set, ordinal)) {
			const existing = store.get('PersistentVolumeClaim', claim.metadata.namespace, claim.metadata.name);
			if (existing) continue;
			try {
				const admit = context.services.admission.get('PersistentVolumeClaim');
				const defaulted = applyDefaults(claim);
				store.create(admit ? admit(defaulted, undefined, () => []) : defaulted);
				events.normal(set, 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod} in StatefulSet ${set.metadata.name} success`, {component});
			} catch (error) {
				events.warning(set, 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod} in StatefulSet ${set.metadata.name} failed error: ${(error as Error).message}`, {component});
				usable = false;
			}
		}
		return usable;
	}

	/**
	 * Owner references of an ordinal's claims under the retention policy
	 * (`UpdatePodClaimForRetentionPolicy`): whenDeleted=Delete → owned by the set;
	 * whenScaled=Delete and condemned → owned by the pod.
	 */
	function applyRetention(set: StatefulSet, ordinal: number, pod: Pod | undefined, condemned: boolean): void {
		const policy = set.spec!.persistentVolumeClaimRetentionPolicy;
		for (const name of claimNamesFor(set, ordinal)) {
			const claim = store.get('PersistentVolumeClaim', set.metadata.namespace, name) as PersistentVolumeClaim | undefined;
			if (!claim || claim.metadata.deletionTimestamp) continue;
			const refs = claim.metadata.ownerReferences ?? [];
			let next: OwnerReference[] = refs.filter(ref => !(ref.kind === 'StatefulSet' && ref.name === set.metadata.name && ref.uid !== set.metadata.uid));
			const hasSet = next.some(ref => ref.uid === set.metadata.uid);
			// A condemned claim that goes with its pod is owned by the pod alone.
			const ownedBySet = policy.whenDeleted === 'Delete' && !(condemned && policy.whenScaled === 'Delete');
			if (ownedBySet && !hasSet) next.push({apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name, uid: set.metadata.uid});
			if (!ownedBySet && hasSet) next = next.filter(ref => ref.uid !== set.metadata.uid);
			const podRefs = next.filter(ref => ref.kind === 'Pod');
			if (condemned && policy.whenScaled === 'Delete' && pod) {
				if (!podRefs.some(ref => ref.uid === pod.metadata.uid)) next.push({apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid});
			} else if (!condemned && podRefs.length > 0) {
				next = next.filter(ref => ref.kind !== 'Pod');
			}
			if (!sameJson(next, refs)) {
				store.patch(claim, draft => {
					draft.metadata.ownerReferences = next.length > 0 ? next : undefined;
				});
			}
		}
	}

	function createPod(set: StatefulSet, ordinal: number, revision: KubeObject): boolean {
		const name = `${set.metadata.name}-${ordinal}`;
		if (!ensureClaims(set, ordinal, name)) {
			// A claim is still being deleted (or could not be made): try again shortly, as the controller's retry does.
			queue()?.addAfter(keyOf(set), 1000);
			return false;
		}
		applyRetention(set, ordinal, undefined, false);
		const template: PodTemplateSpec = templateOf(revision);
		const pod = applyDefaults(newPod(set, ordinal, template, revision.metadata.name));
		try {
			store.create(pod);
			podEvent(set, 'create', name);
			return true;
		} catch (error) {
			podEvent(set, 'create', name, error);
			// A namesake the claim could not adopt (still terminating, or another owner's):
			// retry with the key's backoff, as the sync error would be retried upstream.
			// A refused create (a quota, a LimitRange) is retried the same way.
			if (error instanceof KubeError && (error.code === 'AlreadyExists' || error.code === 'Forbidden')) queue().addRateLimited(keyOf(set));
			return false;
		}
	}

	function deletePod(set: StatefulSet, pod: Pod): void {
		deleteObject(context, pod, 'Background');
		podEvent(set, 'delete', pod.metadata.name);
	}

	/** The sequence of one sync (`updateStatefulSet`); stops early where OrderedReady must wait. */
	function reconcile(set: StatefulSet, revisions: Revisions): void {
		const spec = set.spec!;
		const monotonic = spec.podManagementPolicy !== 'Parallel';
		const minReady = spec.minReadySeconds ?? 0;
		const now = clock.now();
		const {replicas, condemned} = partitionPods(set, ownedPods(set));
		const start = spec.ordinals?.start ?? 0;
		const partition = spec.updateStrategy.type === 'RollingUpdate' ? spec.updateStrategy.rollingUpdate?.partition ?? 0 : 0;
		const revisionFor = (ordinal: number) =>
			spec.updateStrategy.type === 'RollingUpdate' && ordinal < partition ? revisions.current : revisions.update;

		let firstUnhealthy: Pod | undefined;
		for (const pod of [...replicas, ...[...condemned].reverse()]) {
			if (pod && !isHealthy(pod, minReady, now)) {
				firstUnhealthy = pod;
				break;
			}
		}

		for (let i = 0; i < replicas.length; i++) {
			const ordinal = start + i;
			let pod = replicas[i];
			if (pod && isFailed(pod)) {
				events.warning(set, 'RecreatingFailedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating failed Pod ${pod.metadata.name}`, {component});
				deletePod(set, pod);
				pod = store.get('Pod', set.metadata.namespace, pod.metadata.name) as Pod | undefined;
				if (pod) {
					if (monotonic) return;
					continue;
				}
			}
			if (!pod) {
				createPod(set, ordinal, revisionFor(ordinal));
				if (monotonic) return;
				continue;
			}
			if (isTerminating(pod)) {
				if (monotonic) return;
				continue;
			}
			ensureClaims(set, ordinal, pod.metadata.name);
			applyRetention(set, ordinal, pod, false);
			if (!isRunningAndAvailable(pod, minReady, now)) {
				const at = runningAvailableAt(pod, minReady);
				if (at !== undefined) queue().addAfter(keyOf(set), at - now);
				if (monotonic) return;
			}
		}

		for (const pod of condemned) {
			if (isTerminating(pod)) {
				if (monotonic) return;
				continue;
			}
			if (monotonic && !isHealthy(pod, minReady, now) && pod !== firstUnhealthy) return;
			applyRetention(set, ordinalOf(set.metadata.name, pod.metadata.name), pod, true);
			deletePod(set, pod);
			if (monotonic) return;
		}

		if (spec.updateStrategy.type !== 'RollingUpdate') return;
		const updateName = revisions.update.metadata.name;
		const maxUnavailable = monotonic ? 1 : resolveMaxUnavailable(spec.updateStrategy.rollingUpdate?.maxUnavailable, replicas.length);
		if (maxUnavailable > 1) {
			// Parallel with maxUnavailable (MaxUnavailableStatefulSet): several outdated pods at once, highest first.
			let unavailable = 0;
			for (let i = 0; i < replicas.length; i++) if (start + i >= partition && (!replicas[i] || !isHealthy(replicas[i]!, minReady, now))) unavailable++;
			for (let i = replicas.length - 1; i >= 0 && start + i >= partition && unavailable < maxUnavailable; i--) {
				const pod = replicas[i];
				if (pod && pod.metadata.labels?.[revisionLabel] !== updateName && !isTerminating(pod) && isHealthy(pod, minReady, now)) {
					deletePod(set, pod);
					unavailable++;
				}
			}
			return;
		}
		for (let i = replicas.length - 1; i >= 0 && start + i >= partition; i--) {
			const pod = replicas[i];
			if (!pod) return;
			if (pod.metadata.labels?.[revisionLabel] !== updateName && !isTerminating(pod)) {
				deletePod(set, pod);
				return;
			}
			if (!isHealthy(pod, minReady, now)) return;
		}
	}

	/** Status from what exists now (`computeReplicaStatus` and `completeRollingUpdate`). */
	function computeStatus(set: StatefulSet, revisions: Revisions): StatefulSetStatus {
		const now = clock.now();
		const minReady = set.spec!.minReadySeconds ?? 0;
		const status: StatefulSetStatus = {
			observedGeneration: set.metadata.generation,
			replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0,
			currentRevision: revisions.current.metadata.name,
			updateRevision: revisions.update.metadata.name,
			collisionCount: revisions.collisionCount,
		};
		for (const pod of ownedPods(set)) {
			if (ordinalOf(set.metadata.name, pod.metadata.name) < 0) continue;
			status.replicas++;
			if (isRunningAndReady(pod) && !isTerminating(pod)) {
				status.readyReplicas!++;
				if (isRunningAndAvailable(pod, minReady, now)) status.availableReplicas!++;
			}
			const revision = pod.metadata.labels?.[revisionLabel];
			if (revision === status.currentRevision) status.currentReplicas!++;
			if (revision === status.updateRevision) status.updatedReplicas!++;
		}
		if (set.spec!.updateStrategy.type === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
			status.currentReplicas = status.updatedReplicas;
			status.currentRevision = status.updateRevision;
		}
		return status;
	}

	/** Keep at most revisionHistoryLimit revisions that no pod uses, oldest go first. */
	function truncateHistory(set: StatefulSet, status: StatefulSetStatus): void {
		const revisions = store.dependentsOf(set.metadata.uid, 'ControllerRevision').sort((a, b) => Number(a['revision']) - Number(b['revision']));
		const live = new Set([status.currentRevision, status.updateRevision]);
		for (const pod of ownedPods(set)) live.add(pod.metadata.labels?.[revisionLabel]);
		const history = revisions.filter(r => !live.has(r.metadata.name));
		const excess = history.length - (set.spec!.revisionHistoryLimit ?? 10);
		for (let i = 0; i < excess; i++) store.remove(history[i]!);
	}

	return {
		name: component,
		watches: {
			StatefulSet: ({type, object}) => (type === 'DELETED' ? undefined : keyOf(object)),
			Pod: ({type, object, old}) => {
				const ref = object.metadata.ownerReferences?.find(r => r.controller && r.kind === 'StatefulSet')
					?? old?.metadata.ownerReferences?.find(r => r.controller && r.kind === 'StatefulSet');
				if (ref) return `${object.metadata.namespace}/${ref.name}`;
				return type === 'DELETED' ? undefined : adoptersOf(store, selectors, 'StatefulSet', object, old);
			},
		},
		sync(key) {
			const set = store.getByKey('StatefulSet', key) as StatefulSet | undefined;
			if (!set || set.metadata.deletionTimestamp || !set.spec) return;
			claimPods(set);
			const revisions = revisionsOf(set);
			reconcile(set, revisions);
			const status = computeStatus(set, revisions);
			// Conditions are not the controller's to compute: the stored ones stay.
			const written = writeStatusIfChanged(store, set, current => ({...status, ...(current.status?.conditions ? {conditions: current.status.conditions} : {})}));
			if (!written) return;
			truncateHistory(set, status);
		},
	};
}
