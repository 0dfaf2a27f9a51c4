import {customResourceWatch, type Controller, type ControllerContext} from '../controller.js';
import type {KubeObject} from '../api/types.js';
import {rfc3339} from '../clock.js';
import {deleteObject, prepareForDelete} from '../deletion.js';
import {cleanupFinalizer, customResourceType, storageVersion, type CustomResourceDefinition, type CrdNames} from '../api/crd-objects.js';
import {resourceTypes} from '../api/registry.js';
import {sameJson} from '../store.js';

/**
 * The API server's CustomResourceDefinition controllers in one: naming
 * (accepts the names unless another definition of the group, or a kind the
 * cluster serves, has them), establishing (the kind is served from then on),
 * and the finalizer (a deleted definition deletes its objects, waits for them
 * to go, then goes). Fed by writes of definitions and of custom objects only.
 */

const component = 'apiextensions-controllers';
/** How long the finalizer waits for objects held by their own finalizers before it says so. */
const instanceCheckMs = 60_000;

type Condition = NonNullable<NonNullable<CustomResourceDefinition['status']>['conditions']>[number];

function setCondition(conditions: Condition[], next: Omit<Condition, 'lastTransitionTime'>, now: string): Condition[] {
	const current = conditions.find(c => c.type === next.type);
	if (current && current.status === next.status && current.reason === next.reason && current.message === next.message) return conditions;
	const updated = {...next, lastTransitionTime: current && current.status === next.status ? current.lastTransitionTime : now};
	return current ? conditions.map(c => (c.type === next.type ? updated : c)) : [...conditions, updated];
}

// A deleted definition keeps its objects' kind served until they are gone: the
// REST storage adds the cleanup finalizer and says deletion is pending.
prepareForDelete.set('CustomResourceDefinition', ({store, clock}, object) => {
	const crd = object as CustomResourceDefinition;
	if (crd.metadata.finalizers?.includes(cleanupFinalizer)) return object;
	const conditions = setCondition(crd.status?.conditions ?? [], {
		type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending',
		message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
	}, rfc3339(clock.now()));
	return store.update({
		...crd,
		metadata: {...crd.metadata, finalizers: [...(crd.metadata.finalizers ?? []), cleanupFinalizer], resourceVersion: ''},
		status: {...crd.status, conditions},
	});
});

export function createCrdController(context: ControllerContext): Controller {
	const {store, clock} = context;
	/** Kind served for each definition, so a definition that is gone can be unserved. */
	const served = new Map<string, string>();
	/** When each terminating definition started waiting for objects held by finalizers. */
	const waitingSince = new Map<string, number>();
	/**
	 * Saved as data, both small: the kind served for a definition outlives
	 * the definition until its sync, so it is not derived from the store.
	 */
	context.state.register<{served: Array<[name: string, kind: string]>; waitingSince: Array<[name: string, since: number]>}>('crd', {
		save: () => ({served: [...served], waitingSince: [...waitingSince]}),
		load(saved) {
			served.clear();
			waitingSince.clear();
			for (const [name, kind] of saved.served) served.set(name, kind);
			for (const [name, since] of saved.waitingSince) waitingSince.set(name, since);
		},
	});

	function writeStatus(crd: CustomResourceDefinition, status: NonNullable<CustomResourceDefinition['status']>): CustomResourceDefinition {
		if (sameJson(status, crd.status)) return crd;
		return store.update({...crd, metadata: {...crd.metadata, resourceVersion: ''}, status}, {status: true});
	}

	/** The names another definition of the group (or a kind served already) holds. */
	function conflict(crd: CustomResourceDefinition, names: CrdNames): Omit<Condition, 'lastTransitionTime'> | undefined {
		const others = (store.list('CustomResourceDefinition') as CustomResourceDefinition[]).filter(other => other.metadata.uid !== crd.metadata.uid);
		const taken = (field: keyof CrdNames, value: string | undefined) => !!value && others.some(other => {
			if (other.spec?.group !== crd.spec!.group) return false;
			const accepted = other.status?.acceptedNames;
			if (!accepted) return false;
			const values = [accepted.plural, accepted.singular, ...(accepted.shortNames ?? [])];
			return field === 'kind' || field === 'listKind' ? accepted.kind === value || accepted.listKind === value : values.includes(value);
		});
		const inUse = (reason: string, value: string) => ({type: 'NamesAccepted', status: 'False', reason, message: `"${value}" is already in use`});
		if (taken('plural', names.plural)) return inUse('PluralConflict', names.plural);
		if (taken('singular', names.singular)) return inUse('SingularConflict', names.singular!);
		for (const short of names.shortNames ?? []) if (taken('shortNames', short)) return inUse('ShortNamesConflict', short);
		// Objects are kept by kind, so a kind the cluster serves already (built in, or from another group) is taken too.
		const kindServed = resourceTypes.some(t => t.kind === names.kind)
			|| others.some(other => other.status?.acceptedNames?.kind === names.kind);
		if (taken('kind', names.kind) || kindServed) return inUse('KindConflict', names.kind);
		if (taken('listKind', names.listKind)) return inUse('ListKindConflict', names.listKind!);
		return undefined;
	}

	function accept(crd: CustomResourceDefinition): void {
		const now = rfc3339(clock.now());
		const names = crd.spec!.names;
		const refused = conflict(crd, names);
		let conditions = crd.status?.conditions ?? [];
		conditions = setCondition(conditions, refused ?? {type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found'}, now);
		const established = conditions.find(c => c.type === 'Established')?.status === 'True';
		if (!refused || established) {
			conditions = setCondition(conditions, {type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted'}, now);
		} else {
			conditions = setCondition(conditions, {type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted'}, now);
		}
		const storage = storageVersion(crd)?.name;
		const storedVersions = [...(crd.status?.storedVersions ?? [])];
		if (storage && !storedVersions.includes(storage)) storedVersions.push(storage);
		const acceptedNames = refused ? crd.status?.acceptedNames ?? {plural: '', kind: ''} : {...names};
		const updated = writeStatus(crd, {...crd.status, conditions, acceptedNames, storedVersions});
		if (updated.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True') && updated.status.acceptedNames?.kind) {
			const type = customResourceType(updated);
			served.set(updated.metadata.name, type.kind);
			store.types.define(type);
		}
	}

	function finalize(crd: CustomResourceDefinition): void {
		const now = rfc3339(clock.now());
		const kind = served.get(crd.metadata.name);
		const remaining = kind ? store.list(kind) : [];
		for (const object of remaining) if (!object.metadata.deletionTimestamp) deleteObject(context, object, 'Background');
		const left = kind ? store.list(kind) : [];
		let conditions = crd.status?.conditions ?? [];
		if (left.length > 0) {
			if (!waitingSince.has(crd.metadata.name)) waitingSince.set(crd.metadata.name, clock.now());
			const waited = clock.now() - waitingSince.get(crd.metadata.name)! >= instanceCheckMs;
			conditions = setCondition(conditions, waited
				? {type: 'Terminating', status: 'True', reason: 'InstanceDeletionCheck', message: 'could not confirm zero CustomResources remaining: timed out waiting for the condition'}
				: {type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress'}, now);
			writeStatus(crd, {...crd.status, conditions});
			if (!waited) context.queue(component).addAfter(crd.metadata.name, instanceCheckMs);
			return;
		}
		conditions = setCondition(conditions, {type: 'Terminating', status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances'}, now);
		const current = writeStatus(crd, {...crd.status, conditions});
		if (kind) store.types.remove(kind);
		served.delete(crd.metadata.name);
		waitingSince.delete(crd.metadata.name);
		// With the last finalizer gone the store removes the definition.
		store.update({...current, metadata: {...current.metadata, resourceVersion: '', finalizers: (current.metadata.finalizers ?? []).filter(f => f !== cleanupFinalizer)}});
	}

	return {
		name: component,
		watches: {
			CustomResourceDefinition: ({object}) => object.metadata.name,
			[customResourceWatch]: ({type, object}: {type: string; object: KubeObject}) => {
				if (type !== 'DELETED') return undefined;
				const definition = store.types.byKind(object.kind)?.definition;
				return definition && store.get('CustomResourceDefinition', undefined, definition)?.metadata.deletionTimestamp ? definition : undefined;
			},
		},
		sync(name) {
			const crd = store.get('CustomResourceDefinition', undefined, name) as CustomResourceDefinition | undefined;
			if (!crd) {
				const kind = served.get(name);
				if (kind) store.types.remove(kind);
				served.delete(name);
				waitingSince.delete(name);
				return;
			}
			if (crd.metadata.deletionTimestamp) {
				if (crd.metadata.finalizers?.includes(cleanupFinalizer)) finalize(crd);
				return;
			}
			accept(crd);
		},
	};
}
