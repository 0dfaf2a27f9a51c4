/**
 * Pods bound to each node (the nodes view's PODS column), kept current from
 * the model's changes: a pod change moves one count instead of the nodes
 * view walking every pod each time a pod changes.
 */
import type {KubeObject} from '../../engine/index.js';

/** Where the counts read pods: the model, for the Pod kind. */
export type PodSource = {
	version: number;
	list(): readonly KubeObject[];
	byUid(uid: string): KubeObject | undefined;
	/** Uids changed since an earlier version, or undefined when that is too far back (full count). */
	changedSince(version: number): readonly string[] | undefined;
};

export class PodsPerNode {
	private version = -1;
	/** The node each counted pod is bound to, by uid. */
	private readonly nodeOf = new Map<string, string>();
	private readonly counts = new Map<string, number>();

	/** Bring the counts up to `source.version`; returns the count for a node name. */
	update(source: PodSource): (node: string) => number {
		if (source.version !== this.version) {
			const changed = this.version < 0 ? undefined : source.changedSince(this.version);
			if (changed) {
				for (const uid of new Set(changed)) this.place(uid, source.byUid(uid));
			} else {
				this.nodeOf.clear();
				this.counts.clear();
				for (const pod of source.list()) this.place(pod.metadata.uid, pod);
			}
			this.version = source.version;
		}
		const counts = this.counts;
		return node => counts.get(node) ?? 0;
	}

	private place(uid: string, pod: KubeObject | undefined): void {
		const before = this.nodeOf.get(uid);
		const after = pod?.spec?.nodeName as string | undefined;
		if (before === after) return;
		if (before !== undefined) {
			this.counts.set(before, this.counts.get(before)! - 1);
			this.nodeOf.delete(uid);
		}
		if (after) {
			this.counts.set(after, (this.counts.get(after) ?? 0) + 1);
			this.nodeOf.set(uid, after);
		}
	}
}
