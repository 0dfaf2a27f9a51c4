/**
 * Steps run against the cluster: the setup that breaks it, and the
 * reference solution. Each is one facade command (apply, killNode, scale,
 * setImage...), so a step does exactly what a learner's key or kubectl
 * command does. `edit` is what an $EDITOR session does: read the object,
 * change fields, write it back whole (a PUT).
 */
import {parseAllDocuments} from 'yaml';
import {resolveResource, type CertificateSigningRequest, type Cluster, type Manifest} from '../engine/index.js';
import {parseDuration} from './duration.js';
import {writePath} from './field-path.js';
import type {Step} from './types.js';

/** Longest single advance a step may ask for. */
const advanceSlice = 60_000;

export function runStep(cluster: Cluster, step: Step, namespace: string): void {
	if ('apply' in step) {
		cluster.apply(withNamespace(step.apply, namespace));
	} else if ('advance' in step) {
		let left = parseDuration(step.advance) ?? 0;
		while (left > 0) {
			const slice = Math.min(left, advanceSlice);
			cluster.advance(slice);
			left -= slice;
		}
	} else if ('killNode' in step) cluster.killNode(step.killNode);
	else if ('restoreNode' in step) cluster.restoreNode(step.restoreNode);
	else if ('deleteNode' in step) cluster.delete('Node', step.deleteNode);
	else if ('cordon' in step) cluster.cordon(step.cordon);
	else if ('uncordon' in step) cluster.uncordon(step.uncordon);
	else if ('drain' in step) {
		const {node, ...options} = step.drain;
		cluster.drain(node, options);
	} else if ('traffic' in step) cluster.startTraffic(step.traffic.service, {namespace: step.traffic.namespace ?? namespace, rps: step.traffic.rps});
	else if ('delete' in step) {
		const {kind, name, selector} = step.delete;
		const ns = step.delete.namespace ?? namespace;
		if (name !== undefined) cluster.delete(kind, name, {namespace: ns});
		// `kubectl delete KIND -l SELECTOR`: every match, none an error.
		else for (const object of cluster.list(kind, {namespace: ns, labelSelector: selector})) cluster.delete(kind, object.metadata.name, {namespace: ns});
	}
	else if ('scale' in step) cluster.scale(step.scale.kind, step.scale.name, step.scale.replicas, {namespace: step.scale.namespace ?? namespace});
	else if ('setImage' in step) {
		const {kind, name, container, image} = step.setImage;
		cluster.setImage(kind, name, container, image, {namespace: step.setImage.namespace ?? namespace});
	} else if ('edit' in step) {
		const {kind, name} = step.edit;
		const current = cluster.get(kind, name, step.edit.namespace ?? namespace);
		if (!current) throw new Error(`${kind} "${name}" not found`);
		const copy = structuredClone(current) as unknown as Record<string, unknown>;
		for (const [path, value] of Object.entries(step.edit.set)) writePath(copy, path, value === null ? undefined : structuredClone(value));
		cluster.replace(copy as unknown as Manifest);
	} else if ('rollback' in step) cluster.rollback(step.rollback.name, {namespace: step.rollback.namespace ?? namespace});
	else if ('expose' in step) {
		const {kind, name, port, targetPort, serviceName} = step.expose;
		cluster.expose(kind, name, {namespace: step.expose.namespace ?? namespace, ...(port !== undefined ? {port} : {}), ...(targetPort !== undefined ? {targetPort} : {}), ...(serviceName ? {name: serviceName} : {})});
	} else if ('trigger' in step) cluster.triggerCronJob(step.trigger.cronJob, {namespace: step.trigger.namespace ?? namespace, jobName: step.trigger.jobName});
	else if ('exec' in step) {
		const {pod, container, command} = step.exec;
		const result = cluster.exec(pod, command, {namespace: step.exec.namespace ?? namespace, container});
		if (result.exitCode !== 0) throw new Error(`exec in pod ${pod}: ${command.join(' ')} exited ${result.exitCode}: ${result.stderr.trim()}`);
	} else if ('approve' in step) {
		// As kubectl certificate approve writes it: the request's conditions, and Approved.
		const current = cluster.get('CertificateSigningRequest', step.approve) as CertificateSigningRequest | undefined;
		if (!current) throw new Error(`certificatesigningrequests.certificates.k8s.io "${step.approve}" not found`);
		const approved = {type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.'};
		cluster.replaceApproval(step.approve, [...current.status?.conditions ?? [], approved]);
	}
}

/** Manifests without a namespace land in the scenario's (as `kubectl apply -n NS` would put them). */
export function withNamespace(yaml: string, namespace: string): Manifest[] {
	const manifests: Manifest[] = [];
	for (const doc of parseAllDocuments(yaml)) {
		if (doc.errors.length > 0) throw new Error(`manifests: ${doc.errors[0]!.message}`);
		const manifest = doc.toJS() as Manifest | null;
		if (!manifest) continue;
		const metadata = (manifest.metadata ??= {} as Manifest['metadata']) as {namespace?: string};
		let namespaced = true;
		try {
			namespaced = resolveResource(String(manifest.kind)).namespaced;
		} catch {
			// An unknown kind: apply says so.
		}
		if (namespaced && !metadata.namespace) metadata.namespace = namespace;
		manifests.push(manifest);
	}
	return manifests;
}

export function runSteps(cluster: Cluster, steps: readonly Step[], namespace: string): void {
	for (const step of steps) runStep(cluster, step, namespace);
}
