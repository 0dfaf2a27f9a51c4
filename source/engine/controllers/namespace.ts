import {customResourceWatch, type Controller, type ControllerContext} from '../controller.js';
import type {KubeObject} from '../api/types.js';
import {resourceTypes} from '../api/registry.js';
import {rfc3339} from '../clock.js';
import {deleteObject} from '../deletion.js';
import {writeStatusIfChanged} from './controller-utils.js';
import {defaulters} from '../api/defaults.js';

const component = 'namespace-controller';

// The API server gives every namespace the `kubernetes` finalizer, its name label and phase Active.
defaulters.set('Namespace', object => ({
	...object,
	metadata: {...object.metadata, labels: {...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name}},
	spec: {finalizers: ['kubernetes'], ...object.spec},
	status: object.status ?? {phase: 'Active'},
}));
const protectedNamespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * The namespace controller: a deleted namespace turns Terminating, every
 * object in it is deleted, and the namespace goes once it is empty (its
 * `kubernetes` spec finalizer is then removed). Objects held by their own
 * finalizers keep it Terminating with the NamespaceFinalizersRemaining condition.
 */
export function createNamespaceController(context: ControllerContext): Controller {
	const {store, clock} = context;
	const namespacedKinds = resourceTypes.filter(t => t.namespaced).map(t => t.kind);

	function contents(namespace: string): KubeObject[] {
		const out: KubeObject[] = [];
		for (const kind of namespacedKinds) out.push(...store.list(kind, namespace));
		for (const type of store.types.customTypes()) if (type.namespaced) out.push(...store.list(type.kind, namespace));
		return out;
	}

	const watches: Controller['watches'] = {
		Namespace: ({object}) => (object.metadata.deletionTimestamp ? object.metadata.name : undefined),
	};
	const contentDeleted: Controller['watches'][string] = ({type, object}) => {
		if (type !== 'DELETED') return undefined;
		const namespace = store.get('Namespace', undefined, object.metadata.namespace ?? '');
		return namespace?.metadata.deletionTimestamp ? namespace.metadata.name : undefined;
	};
	for (const kind of namespacedKinds) watches[kind] = contentDeleted;
	watches[customResourceWatch] = contentDeleted;

	return {
		name: component,
		watches,
		sync(name) {
			const namespace = store.get('Namespace', undefined, name);
			if (!namespace?.metadata.deletionTimestamp) return;
			const remaining = contents(name);
			// Events go last, with the namespace, as the API server's collection delete does.
			for (const object of remaining) {
				if (object.kind === 'Event' || object.metadata.deletionTimestamp) continue;
				deleteObject(context, object, 'Background', object.kind === 'Pod' ? undefined : 0);
			}
			const left = contents(name).filter(o => o.kind !== 'Event');
			if (left.length === 0) {
				for (const event of store.list('Event', name)) store.remove(event);
				const current = store.get('Namespace', undefined, name)!;
				// With its spec finalizer gone and no metadata finalizers, the update itself removes it.
				store.update({...current, metadata: {...current.metadata, resourceVersion: ''}, spec: {...current.spec, finalizers: []}});
				return;
			}
			const held = left.filter(o => o.metadata.finalizers?.length);
			const conditions = [{
				type: 'NamespaceFinalizersRemaining',
				status: held.length ? 'True' : 'False',
				reason: held.length ? 'SomeFinalizersRemain' : 'ContentHasNoFinalizers',
				message: held.length
					? `Some content in the namespace has finalizers remaining: ${[...new Set(held.flatMap(o => o.metadata.finalizers!))].sort().map(f => `${f} in ${held.filter(o => o.metadata.finalizers!.includes(f)).length} resource instances`).join(', ')}`
					: 'All content-preserving finalizers finished',
				lastTransitionTime: rfc3339(clock.now()),
			}];
			// The same messages are the same status (the transition time is not compared).
			writeStatusIfChanged(store, namespace, {phase: 'Terminating', conditions}, (next, stored) => {
				const a = next as {phase?: string; conditions?: Array<{message: string}>};
				const b = stored as typeof a | undefined;
				return b?.phase === 'Terminating' && JSON.stringify(b.conditions?.map(c => c.message)) === JSON.stringify(a.conditions?.map(c => c.message));
			});
		},
	};
}

/** The API server refuses to delete these. */
export function isProtectedNamespace(name: string): boolean {
	return protectedNamespaces.has(name);
}
