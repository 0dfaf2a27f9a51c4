import {KubeError, type FieldError} from '../errors.js';
import type {Store} from '../store.js';
import {fixedUidOptions} from '../controllers/controller-utils.js';
import type {KubeObject, Pod} from './types.js';
import {defaulters} from './defaults.js';
import {validators} from './validate-kinds.js';
import {unsupported} from './validate-metadata.js';

/**
 * scheduling.k8s.io/v1 PriorityClass (`pkg/apis/scheduling`): its defaults and
 * validation, the two system classes the API server makes at every start,
 * and the Priority admission plugin, which gives each new pod the value of
 * its class (`spec.priority`) and its preemption policy. Registered when this
 * module is imported.
 */

export type PreemptionPolicy = 'PreemptLowerPriority' | 'Never';
export type PriorityClass = KubeObject & {value: number; globalDefault?: boolean; description?: string; preemptionPolicy?: PreemptionPolicy};

/** `HighestUserDefinablePriority`: values above it belong to the system classes. */
export const highestUserDefinablePriority = 1_000_000_000;
const systemPrefix = 'system-';
const preemptionPolicies: readonly PreemptionPolicy[] = ['PreemptLowerPriority', 'Never'];

/** `SystemPriorityClasses()`: made by the API server's post-start hook, never deleted. */
export const systemPriorityClasses: ReadonlyArray<{name: string; value: number; description: string}> = [
	{name: 'system-node-critical', value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.'},
	{name: 'system-cluster-critical', value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'},
];

function systemClass(name: string, value: number, description: string): PriorityClass {
	return {
		apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass',
		metadata: {name, uid: '', resourceVersion: '', creationTimestamp: ''},
		value, description, preemptionPolicy: 'PreemptLowerPriority',
	};
}

/** Make the system classes that are missing (a new cluster, or one saved before they existed), with fixed uids. */
export function ensureSystemPriorityClasses(store: Store): void {
	for (const {name, value, description} of systemPriorityClasses) {
		if (!store.get('PriorityClass', undefined, name)) store.create(systemClass(name, value, description), fixedUidOptions(store, `PriorityClass/${name}`));
	}
}

/** The refusal of a delete of a system class, or undefined. */
export function systemClassDeleteError(name: string): KubeError | undefined {
	if (!systemPriorityClasses.some(system => system.name === name)) return undefined;
	return new KubeError('Forbidden', `priorityclasses.scheduling.k8s.io "${name}" is forbidden: this is a system priority class and cannot be deleted`);
}

// ----- defaulting and validation ---------------------------------------------------

defaulters.set('PriorityClass', object => {
	const priorityClass = object as PriorityClass;
	return {...priorityClass, value: priorityClass.value ?? 0, preemptionPolicy: priorityClass.preemptionPolicy || 'PreemptLowerPriority'};
});

validators.set('PriorityClass', (object, old) => {
	const priorityClass = object as PriorityClass;
	const errors: FieldError[] = [];
	const name = priorityClass.metadata.name;
	if (name.startsWith(systemPrefix)) {
		// IsKnownSystemPriorityClass: a known name, its value, and not the default.
		const known = systemPriorityClasses.find(system => system.name === name);
		const why = !known
			? `${name} is not a known system priority class`
			: known.value !== priorityClass.value
				? `value of ${name} PriorityClass must be ${known.value}`
				: priorityClass.globalDefault
					? `globalDefault of ${name} PriorityClass must be false`
					: undefined;
		if (why) errors.push({field: 'metadata.name', type: 'Forbidden', detail: `priority class names with '${systemPrefix}' prefix are reserved for system use only. error: ${why}`});
	} else if (priorityClass.value > highestUserDefinablePriority) {
		errors.push({field: 'value', type: 'Forbidden', detail: `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`});
	}
	if (priorityClass.preemptionPolicy !== undefined && !preemptionPolicies.includes(priorityClass.preemptionPolicy)) {
		errors.push(unsupported('preemptionPolicy', priorityClass.preemptionPolicy, preemptionPolicies));
	}
	if (old) {
		const before = old as PriorityClass;
		if (before.value !== priorityClass.value) errors.push({field: 'value', type: 'Forbidden', detail: 'may not be changed in an update.'});
		if (before.preemptionPolicy !== priorityClass.preemptionPolicy) {
			errors.push({field: 'preemptionPolicy', type: 'Invalid value', value: priorityClass.preemptionPolicy ?? '', detail: 'field is immutable'});
		}
	}
	return errors;
});

// ----- the Priority admission plugin ------------------------------------------------

/**
 * Install the plugin in the store's create admission (upstream runs it after
 * ServiceAccount, before ResourceQuota). On a pod: the named class's value
 * and policy, or the global default class's (whose name the pod then
 * carries), or priority 0 when there is none. On a PriorityClass: at most
 * one global default.
 */
export function installPriorityAdmission(store: Store): void {
	const oneDefault = (priorityClass: PriorityClass) => {
		if (!priorityClass.globalDefault) return;
		const other = defaultClass(store);
		if (other && other.metadata.name !== priorityClass.metadata.name) {
			throw new KubeError('Forbidden', `priorityclasses.scheduling.k8s.io "${priorityClass.metadata.name}" is forbidden: PriorityClass ${other.metadata.name} is already marked as default. Only one default can exist`);
		}
	};
	store.updateAdmission.push(object => {
		if (object.kind === 'PriorityClass') oneDefault(object as PriorityClass);
	});
	store.admission.push(object => {
		if (object.kind === 'PriorityClass') {
			oneDefault(object as PriorityClass);
			return object;
		}
		if (object.kind !== 'Pod') return object;
		const pod = object as Pod;
		const spec = pod.spec;
		if (typeof spec !== 'object' || spec === null) return object;
		const forbidden = (message: string) => new KubeError('Forbidden', `pods "${pod.metadata.name || pod.metadata.generateName || ''}" is forbidden: ${message}`);
		let name = spec.priorityClassName ?? '';
		let value = 0;
		let policy: PreemptionPolicy = 'PreemptLowerPriority';
		if (name === '') {
			const fallback = defaultClass(store);
			if (fallback) {
				name = fallback.metadata.name;
				value = fallback.value;
				policy = fallback.preemptionPolicy ?? policy;
			}
		} else {
			const named = store.get('PriorityClass', undefined, name) as PriorityClass | undefined;
			if (!named) throw forbidden(`no PriorityClass with name ${name} was found`);
			value = named.value;
			policy = named.preemptionPolicy ?? policy;
		}
		if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value) {
			throw forbidden(`the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
		}
		if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== policy) {
			throw forbidden(`the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
		}
		return {...pod, spec: {...spec, ...(name ? {priorityClassName: name} : {}), priority: value, preemptionPolicy: policy}};
	});
}

/** The global default class: of several (made before the check), the one of lowest value, as the plugin picks it. */
function defaultClass(store: Store): PriorityClass | undefined {
	let found: PriorityClass | undefined;
	for (const candidate of store.list('PriorityClass') as PriorityClass[]) {
		if (candidate.globalDefault && (!found || candidate.value < found.value)) found = candidate;
	}
	return found;
}
