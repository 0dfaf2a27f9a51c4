/**
 * The Deployment controller (`pkg/controller/deployment/`): one sync per
 * Deployment that claims its ReplicaSets, finds or creates the new one
 * (pod-template-hash), rolls out with RollingUpdate or Recreate, scales
 * proportionally when spec.replicas changes mid-rollout, keeps
 * revisionHistoryLimit old ReplicaSets and writes status and conditions.
 * The arithmetic lives in deployment-util.ts.
 */
import type {Controller, ControllerContext, KeyMapper} from '../controller.js';
import type {Deployment, DeploymentStatus, KubeObject, Pod, ReplicaSet} from '../api/types.js';
import {matchesLabels, selectorIsEmpty, type Selector} from '../api/selectors.js';
import {KubeError} from '../errors.js';
import {parseTime} from '../clock.js';
import {keyOf, objectKey, sameJson} from '../store.js';
import {deleteObject} from '../deletion.js';
import {claimObjects, controlledBy, controllerRefOf, newControllerRef, onlyStatusChanged, OrphanIndex, type SavedOrphans, SelectorCache} from './controller-utils.js';
import {
	activeReplicaSets, actualReplicaCount, availableReplicaCount, byCreationTimestamp, byRevision, computeHash,
	deploymentComplete, deploymentProgressing, deploymentTimedOut, desiredReplicasOf, equalIgnoreHash, findActiveOrLatest,
	findNewReplicaSet, getCondition, hasProgressDeadline, isSaturated, maxRevision, maxSurge, maxUnavailable,
	newCondition, newReplicaSetAnnotations, newRSNewReplicas, podTemplateHashLabel, proportionalSizes, readyReplicaCount,
	reasons, removeCondition, replicaCount, replicasAnnotations, revisionAnnotation, setCondition, specReplicas,
} from './deployment-util.js';

export const deploymentComponent = 'deployment-controller';

export function createDeploymentController(context: ControllerContext): Controller {
	const {store, clock, events} = context;
	const source = {component: deploymentComponent};
	const orphanSets = new OrphanIndex<ReplicaSet>();
	const selectors = new SelectorCache();

	store.subscribe(({type, object}) => {
		if (object.kind === 'ReplicaSet') orphanSets.observe(type, object as ReplicaSet);
		else if (object.kind === 'Deployment' && type === 'DELETED') selectors.forget(object.metadata.uid);
	}, ['ReplicaSet', 'Deployment']);

	const queue = () => context.queue(deploymentComponent);

	/** Saved: the orphan ReplicaSets in the order they became orphans (the order adoption takes them in). */
	context.state.register<SavedOrphans>('deployment', {
		save: () => orphanSets.save(),
		load: saved => orphanSets.load(saved, uid => store.getByUid(uid)),
	});

	function matchingDeployments(namespace: string | undefined, labels: Record<string, string> | undefined): string[] {
		const keys: string[] = [];
		for (const d of store.list('Deployment', namespace)) {
			try {
				const selector = selectors.for(d);
				if (!selectorIsEmpty(selector) && matchesLabels(selector, labels)) keys.push(keyOf(d));
			} catch {
				// An unparsable selector matches nothing.
			}
		}
		return keys;
	}

	const replicaSetKeys: KeyMapper = ({type, object, old}) => {
		const keys: string[] = [];
		const ref = controllerRefOf(object);
		if (ref?.kind === 'Deployment') keys.push(objectKey(object.metadata.namespace, ref.name));
		const oldRef = old ? controllerRefOf(old) : undefined;
		if (oldRef?.kind === 'Deployment' && oldRef.uid !== ref?.uid) keys.push(objectKey(object.metadata.namespace, oldRef.name));
		if (!ref && type !== 'DELETED') keys.push(...matchingDeployments(object.metadata.namespace, object.metadata.labels));
		return keys;
	};

	/** Recreate waits for old pods to go: their removal (or end) wakes the Deployment. */
	const podKeys: KeyMapper = ({type, object}) => {
		const pod = object as Pod;
		const phase = pod.status?.phase;
		if (type !== 'DELETED' && phase !== 'Succeeded' && phase !== 'Failed') return undefined;
		const rsRef = controllerRefOf(pod);
		if (rsRef?.kind !== 'ReplicaSet') return undefined;
		const rs = store.getByUid(rsRef.uid);
		const dRef = rs ? controllerRefOf(rs) : undefined;
		if (!dRef || dRef.kind !== 'Deployment') return undefined;
		const d = store.getByUid(dRef.uid) as Deployment | undefined;
		return d?.spec?.strategy?.type === 'Recreate' ? keyOf(d) : undefined;
	};

	// ----- reading and claiming ------------------------------------------------------------

	/** `getReplicaSetsForDeployment`: owned sets that match, plus orphans adopted now; others released. */
	function claimReplicaSets(d: Deployment, selector: Selector): ReplicaSet[] {
		return claimObjects<ReplicaSet>(store, d, rs => matchesLabels(selector, rs.metadata.labels), {
			owned: store.dependentsOf(d.metadata.uid, 'ReplicaSet') as ReplicaSet[],
			orphans: [...orphanSets.in(d.metadata.namespace)],
		});
	}

	/** Pods per ReplicaSet uid (`getPodMapForDeployment`), for Recreate. */
	function podsOf(sets: readonly ReplicaSet[]): Map<string, Pod[]> {
		const map = new Map<string, Pod[]>();
		for (const rs of sets) {
			map.set(rs.metadata.uid, controlledBy<Pod>(store, rs, 'Pod'));
		}
		return map;
	}

	/** Sync state of one pass: the Deployment as last written, and its ReplicaSets. */
	type Pass = {d: Deployment; all: ReplicaSet[]};

	function writeStatus(pass: Pass, status: DeploymentStatus, annotations?: Record<string, string>): void {
		const d = pass.d;
		const next: Deployment = {...d, metadata: {...d.metadata, resourceVersion: ''}, status};
		if (annotations) next.metadata.annotations = annotations;
		// A status write never bumps generation, annotations included (the status strategy keeps them).
		pass.d = store.update(next, {status: true});
	}

	function replace(pass: Pass, rs: ReplicaSet): void {
		const at = pass.all.findIndex(s => s.metadata.uid === rs.metadata.uid);
		if (at >= 0) pass.all[at] = rs;
		else pass.all.push(rs);
	}

	function oldSets(pass: Pass, newRS: ReplicaSet | undefined): ReplicaSet[] {
		return pass.all.filter(rs => rs.metadata.uid !== newRS?.metadata.uid);
	}

	// ----- the new ReplicaSet --------------------------------------------------------------

	/**
	 * `getAllReplicaSetsAndSyncRevision` / `getNewReplicaSet`: the new RS with
	 * its revision brought up to date, created when asked and missing.
	 */
	function newReplicaSet(pass: Pass, create: boolean): ReplicaSet | undefined {
		const d = pass.d;
		const existing = findNewReplicaSet(d, pass.all);
		const old = oldSets(pass, existing);
		const newRevision = maxRevision(old) + 1;
		if (existing) {
			const {annotations, changed} = newReplicaSetAnnotations(d, existing, newRevision, true);
			const minReady = d.spec!.minReadySeconds ?? 0;
			if (changed || (existing.spec!.minReadySeconds ?? 0) !== minReady) {
				const updated = store.update({
					...existing,
					metadata: {...existing.metadata, annotations, resourceVersion: ''},
					spec: {...existing.spec!, minReadySeconds: minReady},
				});
				replace(pass, updated);
				return updated;
			}
			const revision = existing.metadata.annotations?.[revisionAnnotation] ?? '';
			let dirty = false;
			let dAnnotations = d.metadata.annotations;
			if (dAnnotations?.[revisionAnnotation] !== revision) {
				dAnnotations = {...dAnnotations, [revisionAnnotation]: revision};
				dirty = true;
			}
			const status: DeploymentStatus = {...d.status};
			if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
				setCondition(status, newCondition('Progressing', 'True', reasons.foundNewRS, `Found new replica set "${existing.metadata.name}"`, clock.now()));
				dirty = true;
			}
			if (dirty) writeStatus(pass, status, dAnnotations);
			return existing;
		}
		if (!create) return undefined;

		const collisionCount = d.status?.collisionCount;
		const hash = computeHash(d.spec!.template, collisionCount);
		const templateLabels = {...d.spec!.template.metadata?.labels, [podTemplateHashLabel]: hash};
		const selector = {
			...d.spec!.selector,
			matchLabels: {...d.spec!.selector.matchLabels, [podTemplateHashLabel]: hash},
		};
		const draft: ReplicaSet = {
			apiVersion: 'apps/v1',
			kind: 'ReplicaSet',
			metadata: {
				name: `${d.metadata.name}-${hash}`,
				namespace: d.metadata.namespace,
				labels: templateLabels,
				ownerReferences: [newControllerRef(d)],
				uid: '', resourceVersion: '', creationTimestamp: '',
			},
			spec: {
				replicas: 0,
				minReadySeconds: d.spec!.minReadySeconds ?? 0,
				selector,
				template: {...d.spec!.template, metadata: {...d.spec!.template.metadata, labels: templateLabels}},
			},
			status: {replicas: 0},
		};
		const count = newRSNewReplicas(d, [...old, draft], draft);
		draft.spec!.replicas = count;
		draft.metadata.annotations = newReplicaSetAnnotations(d, draft, newRevision, false).annotations;
		let created: ReplicaSet;
		let alreadyExisted = false;
		try {
			created = store.create(draft);
		} catch (error) {
			if (error instanceof KubeError && error.code === 'AlreadyExists') {
				const found = store.get('ReplicaSet', d.metadata.namespace, draft.metadata.name) as ReplicaSet;
				if (controllerRefOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec!.template, found.spec?.template)) {
					created = found;
					alreadyExisted = true;
				} else {
					// A hash collision: count it, and the next sync computes another name.
					writeStatus(pass, {...d.status, collisionCount: (collisionCount ?? 0) + 1});
					queue()?.add(keyOf(d));
					throw error;
				}
			} else {
				const message = `Failed to create new replica set "${draft.metadata.name}": ${(error as Error).message}`;
				if (hasProgressDeadline(d)) {
					const status = {...d.status};
					setCondition(status, newCondition('Progressing', 'False', reasons.failedRSCreate, message, clock.now()));
					writeStatus(pass, status);
				}
				events.warning(pass.d, reasons.failedRSCreate, message, source);
				throw error;
			}
		}
		replace(pass, created);
		if (!alreadyExisted && count > 0) {
			events.normal(pass.d, 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${count}`, source);
		}
		let dirty = false;
		let dAnnotations = pass.d.metadata.annotations;
		if (dAnnotations?.[revisionAnnotation] !== String(newRevision)) {
			dAnnotations = {...dAnnotations, [revisionAnnotation]: String(newRevision)};
			dirty = true;
		}
		const status: DeploymentStatus = {...pass.d.status};
		if (!alreadyExisted && hasProgressDeadline(pass.d)) {
			setCondition(status, newCondition('Progressing', 'True', reasons.newRS, `Created new replica set "${created.metadata.name}"`, clock.now()));
			dirty = true;
		}
		if (dirty) writeStatus(pass, status, dAnnotations);
		return created;
	}

	// ----- scaling ------------------------------------------------------------------------------

	/** `scaleReplicaSet`: write size and replica annotations; an event when the size changed. */
	function scaleReplicaSet(pass: Pass, rs: ReplicaSet, size: number, operation: string): {scaled: boolean; rs: ReplicaSet} {
		const d = pass.d;
		const resize = specReplicas(rs) !== size;
		const annotations = replicasAnnotations(rs.metadata.annotations, d.spec!.replicas, d.spec!.replicas + maxSurge(d));
		if (!resize && !annotations) return {scaled: false, rs};
		const from = specReplicas(rs);
		const updated = store.update({
			...rs,
			metadata: {...rs.metadata, annotations: annotations ?? rs.metadata.annotations, resourceVersion: ''},
			spec: {...rs.spec!, replicas: size},
		});
		replace(pass, updated);
		if (resize) {
			events.normal(d, 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${from} to ${size}`, source);
		}
		return {scaled: resize, rs: updated};
	}

	function scaleAndRecord(pass: Pass, rs: ReplicaSet, size: number): {scaled: boolean; rs: ReplicaSet} {
		if (specReplicas(rs) === size) return {scaled: false, rs};
		return scaleReplicaSet(pass, rs, size, specReplicas(rs) < size ? 'up' : 'down');
	}

	/** `scale`: a replicas change while paused or mid-rollout, spread proportionally. */
	function scale(pass: Pass, newRS: ReplicaSet | undefined, old: ReplicaSet[]): void {
		const d = pass.d;
		const only = findActiveOrLatest(newRS, old);
		if (only) {
			if (specReplicas(only) !== d.spec!.replicas) scaleAndRecord(pass, only, d.spec!.replicas);
			return;
		}
		if (isSaturated(d, newRS)) {
			for (const rs of activeReplicaSets(old)) scaleAndRecord(pass, rs, 0);
			return;
		}
		if (d.spec!.strategy.type !== 'RollingUpdate') return;
		const {sets, sizes, operation} = proportionalSizes(d, activeReplicaSets([...old, newRS]));
		sets.forEach((rs, i) => scaleReplicaSet(pass, rs, sizes[i]!, operation));
	}

	// ----- status -----------------------------------------------------------------------------------

	/** `calculateStatus`. */
	function calculateStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentStatus {
		const available = availableReplicaCount(all);
		const total = replicaCount(all);
		const status: DeploymentStatus = {
			observedGeneration: d.metadata.generation,
			replicas: actualReplicaCount(all),
			updatedReplicas: actualReplicaCount([newRS]),
			readyReplicas: readyReplicaCount(all),
			availableReplicas: available,
			unavailableReplicas: Math.max(0, total - available),
		};
		if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
		if (d.status?.conditions) status.conditions = [...d.status.conditions];
		const now = clock.now();
		if (available >= d.spec!.replicas - maxUnavailable(d)) {
			setCondition(status, newCondition('Available', 'True', reasons.minimumAvailable, 'Deployment has minimum availability.', now));
		} else {
			setCondition(status, newCondition('Available', 'False', reasons.minimumUnavailable, 'Deployment does not have minimum availability.', now));
		}
		return status;
	}

	/** `syncDeploymentStatus`: status only, no progress estimate. */
	function syncDeploymentStatus(pass: Pass, newRS: ReplicaSet | undefined): void {
		const status = calculateStatus(pass.d, pass.all, newRS);
		if (!sameJson(status, pass.d.status)) writeStatus(pass, status);
	}

	/** `syncRolloutStatus`: status plus the Progressing condition, and a requeue for the deadline. */
	function syncRolloutStatus(pass: Pass, newRS: ReplicaSet | undefined): void {
		const d = pass.d;
		const status = calculateStatus(d, pass.all, newRS);
		if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
		const current = getCondition(d.status, 'Progressing');
		const complete = status.replicas === status.updatedReplicas && current?.reason === reasons.newRSAvailable;
		const now = clock.now();
		if (hasProgressDeadline(d) && !complete) {
			if (deploymentComplete(d, status)) {
				const message = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
				setCondition(status, newCondition('Progressing', 'True', reasons.newRSAvailable, message, now));
			} else if (deploymentProgressing(d, status)) {
				const message = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
				const condition = newCondition('Progressing', 'True', reasons.rsUpdated, message, now);
				if (current) {
					if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
					removeCondition(status, 'Progressing');
				}
				setCondition(status, condition);
			} else if (deploymentTimedOut(d, status, now)) {
				const message = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
				setCondition(status, newCondition('Progressing', 'False', reasons.timedOut, message, now));
			}
		}
		const failure = [newRS, ...pass.all].find(rs => rs?.status?.conditions?.some(c => c.type === 'ReplicaFailure' && c.status === 'True'));
		const failureCondition = failure?.status?.conditions?.find(c => c.type === 'ReplicaFailure');
		if (failureCondition) setCondition(status, {...failureCondition, lastUpdateTime: failureCondition.lastTransitionTime});
		else removeCondition(status, 'ReplicaFailure');
		if (status.conditions?.length === 0) delete status.conditions;
		if (sameJson(status, d.status)) {
			requeueStuck(d, status);
			return;
		}
		writeStatus(pass, status);
		// What the sync this write would trigger does (its own status writes queue none):
		// the deadline requeue, and the cleanup of a rollout that just completed.
		requeueStuck(pass.d, status);
		if (deploymentComplete(pass.d, status)) cleanup(pass, oldSets(pass, newRS));
	}

	/** `requeueStuckDeployment`: look again when the progress deadline would pass. */
	function requeueStuck(d: Deployment, status: DeploymentStatus): void {
		const current = getCondition(d.status, 'Progressing');
		if (!hasProgressDeadline(d) || !current) return;
		if (deploymentComplete(d, status) || current.reason === reasons.timedOut) return;
		const from = parseTime(current.lastUpdateTime);
		if (from === undefined) return;
		const after = from + d.spec!.progressDeadlineSeconds! * 1000 - clock.now();
		// Less than a second left (or the deadline passed while the condition says the rollout
		// completed earlier): look again after the key's backoff, so that a Deployment that
		// neither progresses nor times out is not synced in a loop.
		if (after < 1000) queue().addRateLimited(keyOf(d));
		else queue().addAfter(keyOf(d), after + 1);
	}

	// ----- rollouts -------------------------------------------------------------------------------------

	/** `cleanupDeployment`: delete the oldest idle ReplicaSets past revisionHistoryLimit. */
	function cleanup(pass: Pass, old: ReplicaSet[]): void {
		const limit = pass.d.spec!.revisionHistoryLimit;
		if (limit === undefined) return;
		const cleanable = old.filter(rs => !rs.metadata.deletionTimestamp);
		const diff = cleanable.length - limit;
		if (diff <= 0) return;
		cleanable.sort(byRevision);
		for (let i = 0; i < diff; i++) {
			const rs = cleanable[i]!;
			if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
			if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
			deleteObject(context, rs, 'Background');
			pass.all = pass.all.filter(s => s.metadata.uid !== rs.metadata.uid);
		}
	}

	/** `sync`: scaling and cleanup only (paused, or a scaling event). */
	function syncScaling(pass: Pass): void {
		const newRS = newReplicaSet(pass, false);
		scale(pass, newRS, oldSets(pass, newRS));
		if (pass.d.spec!.paused) cleanup(pass, oldSets(pass, newRS));
		syncDeploymentStatus(pass, current(pass, newRS));
	}

	function current(pass: Pass, rs: ReplicaSet | undefined): ReplicaSet | undefined {
		return rs ? pass.all.find(s => s.metadata.uid === rs.metadata.uid) : undefined;
	}

	/** `isScalingEvent`: an active RS whose desired-replicas annotation differs from spec.replicas. */
	function isScalingEvent(pass: Pass): boolean {
		const newRS = newReplicaSet(pass, false);
		for (const rs of activeReplicaSets([...oldSets(pass, newRS), current(pass, newRS)])) {
			const desired = desiredReplicasOf(rs);
			if (desired !== undefined && desired !== pass.d.spec!.replicas) return true;
		}
		return false;
	}

	/** `rolloutRolling`: one step of the rolling update. */
	function rolloutRolling(pass: Pass): void {
		let newRS = newReplicaSet(pass, true)!;
		const d = pass.d;
		// reconcileNewReplicaSet
		const replicas = d.spec!.replicas;
		let scaledUp = false;
		if (specReplicas(newRS) > replicas) scaledUp = scaleAndRecord(pass, newRS, replicas).scaled;
		else if (specReplicas(newRS) < replicas) scaledUp = scaleAndRecord(pass, newRS, newRSNewReplicas(d, pass.all, newRS)).scaled;
		newRS = current(pass, newRS)!;
		if (scaledUp) {
			syncRolloutStatus(pass, newRS);
			return;
		}
		if (reconcileOldReplicaSets(pass, newRS)) {
			syncRolloutStatus(pass, current(pass, newRS));
			return;
		}
		if (deploymentComplete(pass.d, pass.d.status ?? {})) cleanup(pass, oldSets(pass, newRS));
		syncRolloutStatus(pass, current(pass, newRS));
	}

	/** `reconcileOldReplicaSets`: scale old sets down within the availability budget. */
	function reconcileOldReplicaSets(pass: Pass, newRS: ReplicaSet): boolean {
		const d = pass.d;
		const old = activeReplicaSets(oldSets(pass, newRS));
		if (replicaCount(old) === 0) return false;
		const allPods = replicaCount(pass.all);
		const minAvail = d.spec!.replicas - maxUnavailable(d);
		const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
		const maxScaledDown = allPods - minAvail - newUnavailable;
		if (maxScaledDown <= 0) return false;
		// cleanupUnhealthyReplicas: unavailable old replicas go first, oldest set first.
		old.sort(byCreationTimestamp);
		let cleaned = 0;
		for (let i = 0; i < old.length; i++) {
			if (cleaned >= maxScaledDown) break;
			const rs = old[i]!;
			const available = rs.status?.availableReplicas ?? 0;
			if (specReplicas(rs) === 0 || specReplicas(rs) === available) continue;
			const count = Math.min(maxScaledDown - cleaned, specReplicas(rs) - available);
			old[i] = scaleAndRecord(pass, rs, specReplicas(rs) - count).rs;
			cleaned += count;
		}
		// scaleDownOldReplicaSetsForRollingUpdate: then available ones, down to minAvailable.
		let scaledDown = 0;
		const availableNow = availableReplicaCount([...old, current(pass, newRS)]);
		if (availableNow > minAvail) {
			const total = availableNow - minAvail;
			for (let i = 0; i < old.length; i++) {
				if (scaledDown >= total) break;
				const rs = old[i]!;
				if (specReplicas(rs) === 0) continue;
				const count = Math.min(specReplicas(rs), total - scaledDown);
				old[i] = scaleAndRecord(pass, rs, specReplicas(rs) - count).rs;
				scaledDown += count;
			}
		}
		return cleaned + scaledDown > 0;
	}

	/** `rolloutRecreate`: old sets to 0, wait for their pods to go, then the new set to full size. */
	function rolloutRecreate(pass: Pass): void {
		let newRS = newReplicaSet(pass, false);
		let scaledDown = false;
		for (const rs of activeReplicaSets(oldSets(pass, newRS))) {
			if (scaleAndRecord(pass, rs, 0).scaled) scaledDown = true;
		}
		if (scaledDown) {
			syncRolloutStatus(pass, current(pass, newRS));
			return;
		}
		if (oldPodsRunning(pass, newRS)) {
			syncRolloutStatus(pass, current(pass, newRS));
			return;
		}
		newRS ??= newReplicaSet(pass, true);
		newRS = current(pass, newRS)!;
		scaleAndRecord(pass, newRS, pass.d.spec!.replicas);
		if (deploymentComplete(pass.d, pass.d.status ?? {})) cleanup(pass, oldSets(pass, newRS));
		syncRolloutStatus(pass, current(pass, newRS));
	}

	function oldPodsRunning(pass: Pass, newRS: ReplicaSet | undefined): boolean {
		const old = oldSets(pass, newRS);
		if (actualReplicaCount(old) > 0) return true;
		for (const pods of podsOf(old).values()) {
			for (const pod of pods) {
				const phase = pod.status?.phase;
				if (phase !== 'Failed' && phase !== 'Succeeded') return true;
			}
		}
		return false;
	}

	/** `checkPausedConditions`: Progressing Unknown while paused, and once on resume. */
	function checkPausedConditions(pass: Pass): void {
		const d = pass.d;
		if (!hasProgressDeadline(d)) return;
		const condition = getCondition(d.status, 'Progressing');
		if (condition?.reason === reasons.timedOut) return;
		const pausedShown = condition?.reason === reasons.paused;
		const status: DeploymentStatus = {...d.status};
		if (d.spec!.paused && !pausedShown) {
			setCondition(status, newCondition('Progressing', 'Unknown', reasons.paused, 'Deployment is paused', clock.now()));
		} else if (!d.spec!.paused && pausedShown) {
			setCondition(status, newCondition('Progressing', 'Unknown', reasons.resumed, 'Deployment is resumed', clock.now()));
		} else return;
		writeStatus(pass, status);
	}

	function sync(key: string): void {
		const d = store.getByKey('Deployment', key) as Deployment | undefined;
		if (!d || !d.spec) return;
		let selector: Selector;
		try {
			selector = selectors.for(d);
		} catch {
			return;
		}
		if (selectorIsEmpty(selector)) {
			events.warning(d, 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.', source);
			if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
				store.update({...d, metadata: {...d.metadata, resourceVersion: ''}, status: {...d.status, observedGeneration: d.metadata.generation}}, {status: true});
			}
			return;
		}
		const pass: Pass = {d, all: claimReplicaSets(d, selector)};
		if (d.metadata.deletionTimestamp) {
			const newRS = newReplicaSet(pass, false);
			syncDeploymentStatus(pass, current(pass, newRS));
			return;
		}
		checkPausedConditions(pass);
		if (pass.d.spec!.paused || isScalingEvent(pass)) {
			syncScaling(pass);
			return;
		}
		if (pass.d.spec!.strategy.type === 'Recreate') rolloutRecreate(pass);
		else rolloutRolling(pass);
	}

	return {
		name: deploymentComponent,
		watches: {
			Deployment: ({type, object, old}) => (type === 'MODIFIED' && old && onlyStatusChanged(old, object) ? undefined : keyOf(object)),
			ReplicaSet: replicaSetKeys,
			Pod: podKeys,
		},
		sync,
	};
}

/** The ReplicaSets a Deployment controls, oldest first. */
export function replicaSetsOf(context: ControllerContext, d: KubeObject): ReplicaSet[] {
	return (context.store.dependentsOf(d.metadata.uid, 'ReplicaSet') as ReplicaSet[])
		.filter(rs => controllerRefOf(rs)?.uid === d.metadata.uid)
		.sort(byCreationTimestamp);
}
