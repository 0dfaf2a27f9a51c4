import type {KubeObject} from '../api/types.js';

/** The flags kubectl drain's pod filters read. */
export type DrainFilterOptions = {force?: boolean; ignoreDaemonSets?: boolean; deleteEmptyDirData?: boolean};

/** One node's pods sorted by kubectl drain's filters: whom to evict, whom it leaves, and what it refuses or warns of. */
export type DrainPlan<P extends KubeObject> = {
	toEvict: P[];
	/** DaemonSet-managed pods left in place (`--ignore-daemonsets`), as `namespace/name`. */
	ignored: string[];
	/** Each reason the drain is refused, in kubectl's words; empty when it may go on. */
	problems: string[];
	/** What kubectl prints after `Warning: `, joined with `; `. */
	warnings: string[];
};

const podRef = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/**
 * kubectl drain's filters (`pkg/drain/filters.go`) over one node's pods, in
 * the order given: mirror pods are skipped; DaemonSet-managed pods are
 * refused or, with ignoreDaemonSets, left (one whose DaemonSet is gone is
 * refused, or with force deleted with a warning); pods without a controller
 * need force, pods with emptyDir volumes need deleteEmptyDirData. Shared by
 * the simulated drain and the drain of a real cluster.
 */
export function planDrain<P extends KubeObject>(pods: readonly P[], options: DrainFilterOptions, daemonSetExists: (namespace: string | undefined, name: string) => boolean): DrainPlan<P> {
	const daemonSetPods: string[] = [];
	const unreplicated: string[] = [];
	const localStorage: string[] = [];
	const missingDaemonSets: string[] = [];
	const orphanWarnings: string[] = [];
	const toEvict: P[] = [];
	const ignored: string[] = [];
	for (const pod of pods) {
		if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) continue;
		const phase = (pod.status as {phase?: string} | undefined)?.phase;
		const finished = phase === 'Succeeded' || phase === 'Failed';
		const owner = pod.metadata.ownerReferences?.find(r => r.controller);
		if (owner?.kind === 'DaemonSet') {
			if (!daemonSetExists(pod.metadata.namespace, owner.name)) {
				// An orphaned DaemonSet pod: an error, or with --force deleted with a warning.
				if (!options.force) missingDaemonSets.push(`daemonsets.apps "${owner.name}" not found`);
				else {
					orphanWarnings.push(`daemonsets.apps "${owner.name}" not found`);
					toEvict.push(pod);
				}
				continue;
			}
			if (!options.ignoreDaemonSets) daemonSetPods.push(podRef(pod));
			else ignored.push(podRef(pod));
			continue;
		}
		if (!owner && !finished) unreplicated.push(podRef(pod));
		if (!finished && (pod.spec?.['volumes'] as Array<{emptyDir?: unknown}> | undefined)?.some(v => v.emptyDir)) localStorage.push(podRef(pod));
		toEvict.push(pod);
	}
	const problems: string[] = [...missingDaemonSets];
	if (daemonSetPods.length > 0) problems.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemonSetPods.join(', ')}`);
	if (localStorage.length > 0 && !options.deleteEmptyDirData) problems.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${localStorage.join(', ')}`);
	if (unreplicated.length > 0 && !options.force) problems.push(`cannot delete Pods that declare no controller (use --force to override): ${unreplicated.join(', ')}`);
	const warnings: string[] = [...orphanWarnings];
	if (ignored.length > 0) warnings.push(`ignoring DaemonSet-managed Pods: ${ignored.join(', ')}`);
	if (unreplicated.length > 0) warnings.push(`deleting Pods that declare no controller: ${unreplicated.join(', ')}`);
	if (localStorage.length > 0) warnings.push(`deleting Pods with local storage: ${localStorage.join(', ')}`);
	return {toEvict, ignored, problems, warnings};
}
