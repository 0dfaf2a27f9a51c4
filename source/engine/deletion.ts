import type {KubeObject} from './api/types.js';
import type {ControllerContext} from './controller.js';
import {deletionTime} from './clock.js';

/**
 * Per-kind steps a delete takes before the object is marked, as the kind's
 * REST storage does (a CustomResourceDefinition gets its cleanup finalizer);
 * each returns the object to mark.
 */
export const prepareForDelete = new Map<string, (context: Pick<ControllerContext, 'store' | 'clock'>, object: KubeObject) => KubeObject>();

/**
 * Start deleting one object with a propagation policy, as the API server's
 * delete does: Foreground and Orphan add their finalizer when the object has
 * dependents, a pod gets its grace period, and the store marks (or removes)
 * the object. Shared by the facade and by controllers that delete what they own.
 */
export function deleteObject(
	context: Pick<ControllerContext, 'store' | 'clock'>,
	object: KubeObject,
	policy: 'Foreground' | 'Background' | 'Orphan',
	gracePeriodSeconds?: number,
): KubeObject | undefined {
	const {store} = context;
	let current = object;
	const prepare = prepareForDelete.get(current.kind);
	if (prepare && !current.metadata.deletionTimestamp) current = prepare(context, current);
	if (!current.metadata.deletionTimestamp) {
		const finalizer = policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
		if (finalizer && store.dependentsOf(current.metadata.uid).length > 0 && !current.metadata.finalizers?.includes(finalizer)) {
			current = store.update({...current, metadata: {...current.metadata, finalizers: [...(current.metadata.finalizers ?? []), finalizer], resourceVersion: ''}});
		}
	}
	return store.markDeleted(current, podGracePeriod(current, gracePeriodSeconds));
}

/** A pod's deletion grace period: the one asked for, else its own (30 s by default); none for other kinds. */
function podGracePeriod(object: KubeObject, requested: number | undefined): number | undefined {
	return object.kind === 'Pod' ? requested ?? object.spec?.terminationGracePeriodSeconds ?? 30 : undefined;
}

/**
 * What `deleteObject` would answer, with nothing written (`dryRun=All`): the
 * object marked for deletion while something holds it (finalizers, a grace
 * period, its kubelet), undefined when it would go at once.
 */
export function previewDelete(
	context: Pick<ControllerContext, 'store' | 'clock'>,
	object: KubeObject,
	policy: 'Foreground' | 'Background' | 'Orphan',
	gracePeriodSeconds?: number,
): KubeObject | undefined {
	const {store, clock} = context;
	const grace = podGracePeriod(object, gracePeriodSeconds);
	if (object.metadata.deletionTimestamp) {
		if (grace !== undefined && object.kind === 'Pod' && grace < (object.metadata.deletionGracePeriodSeconds ?? Infinity)) {
			return {...object, metadata: {...object.metadata, deletionGracePeriodSeconds: grace}};
		}
		return object;
	}
	const finalizers = [...(object.metadata.finalizers ?? [])];
	const finalizer = policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
	if (finalizer && store.dependentsOf(object.metadata.uid).length > 0 && !finalizers.includes(finalizer)) finalizers.push(finalizer);
	const meta = {...object.metadata, deletionTimestamp: deletionTime(clock.now(), object.kind === 'Pod' ? grace ?? 0 : 0)};
	if (object.kind === 'Pod' && grace !== undefined) meta.deletionGracePeriodSeconds = grace;
	if (finalizers.length > 0) meta.finalizers = finalizers;
	const marked = {...object, metadata: meta};
	// A kind with its own delete steps (a definition's cleanup finalizer) stays terminating.
	if (finalizers.length === 0 && !prepareForDelete.has(object.kind) && store.removableNow(marked)) return undefined;
	return marked;
}
