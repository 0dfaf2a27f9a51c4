import type {KubeObject} from './api/types.js';
import type {ControllerContext} from './controller.js';

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
	let grace = gracePeriodSeconds;
	if (current.kind === 'Pod') grace ??= current.spec?.terminationGracePeriodSeconds ?? 30;
	return store.markDeleted(current, current.kind === 'Pod' ? grace : undefined);
}
