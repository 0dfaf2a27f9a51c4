/* State files for the fuzzers, as `--state` writes them. */
import type {Cluster} from '../source/engine/index.js';
import {autosaveCluster} from '../source/state/cluster-state.js';

/** Save `cluster` to `file` as `--state` does at exit (the autosave's last save). */
export function saveState(cluster: Cluster, file: string): void {
	const autosave = autosaveCluster(cluster, file);
	autosave.changed();
	autosave.flush();
	autosave.detach();
}

/**
 * The demo's 3 nodes made 20, so that each node's runtime is a record of
 * its own line in a state file (a list part has more than 16), and a
 * Deployment `fill` of `pods` pods, so that those records are long enough
 * to be read when first used (`laterRecordBytes`).
 */
export function addLaterRuntimes(cluster: Cluster, pods: number): void {
	for (let added = 0; added < 17; added++) cluster.addNode();
	cluster.apply([{
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'fill', namespace: 'default'},
		spec: {replicas: pods, selector: {matchLabels: {app: 'fill'}}, template: {metadata: {labels: {app: 'fill'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
	}]);
}
