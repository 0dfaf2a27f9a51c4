/**
 * Xray's policy nodes: the PodDisruptionBudget that guards a workload's pods
 * (warn while it allows no disruption, so a drain would wait; fault while
 * fewer pods are healthy than it needs), and `:xray pdb` / `:xray quota`
 * roots (a budget over the pods it selects; a quota over each resource it
 * limits, warn when one is used up).
 */
import {labelSelectorFromObject, matchesLabels, type KubeObject} from '../../engine/index.js';
import {sanitizeLine} from '../sanitize.js';
import type {Health, Reader, Steps, XrayNode, XraySource} from './xray-tree.js';

/** A budget's health: fault below its desired healthy count, warn when it allows no disruption. */
export function budgetHealth(pdb: KubeObject): {health: Health; info: string} {
	const status = pdb.status ?? {};
	const allowed = Number(status.disruptionsAllowed ?? 0);
	const current = Number(status.currentHealthy ?? 0);
	const desired = Number(status.desiredHealthy ?? 0);
	const health: Health = current < desired ? 'fault' : allowed === 0 ? 'warn' : 'ok';
	return {health, info: `${allowed} disruptions allowed, ${current}/${desired} healthy`};
}

function selects(pdb: KubeObject, labels: Record<string, string> | undefined): boolean {
	const selector = pdb.spec?.selector;
	if (selector === undefined || selector === null) return false;
	try {
		return matchesLabels(labelSelectorFromObject(selector), labels ?? {});
	} catch {
		return false;
	}
}

/** The budgets whose selector takes the workload's pod template. */
export function budgetNodes(source: XraySource, workload: KubeObject, parentId: string): XrayNode[] {
	const labels = workload.spec?.template?.metadata?.labels as Record<string, string> | undefined;
	if (!labels) return [];
	return source.list('PodDisruptionBudget', {namespace: workload.metadata.namespace})
		.filter(pdb => selects(pdb, labels))
		.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
		.map(pdb => ({
			id: `${parentId}/PodDisruptionBudget/${pdb.metadata.name}`,
			kind: 'PodDisruptionBudget',
			name: sanitizeLine(pdb.metadata.name),
			namespace: pdb.metadata.namespace,
			object: pdb,
			...budgetHealth(pdb),
			children: [],
		}));
}

/** `:xray pdb`: the budget over the pods it selects. */
export function* budgetTree(source: Reader, pdb: KubeObject, id: string, podTree: (pod: KubeObject, parentId: string) => Steps<XrayNode>): Steps<XrayNode> {
	const children: XrayNode[] = [];
	for (const pod of yield* source.pods(pdb.metadata.namespace, pod => selects(pdb, pod.metadata.labels))) children.push(yield* podTree(pod, id));
	yield;
	return {id, kind: 'PodDisruptionBudget', name: sanitizeLine(pdb.metadata.name), namespace: pdb.metadata.namespace, object: pdb, ...budgetHealth(pdb), children};
}

/** `:xray quota`: one leaf per limited resource, `used/hard`, warn when used up. */
export function quotaTree(quota: KubeObject, id: string): XrayNode {
	const hard = (quota.status?.hard ?? {}) as Record<string, string>;
	const used = (quota.status?.used ?? {}) as Record<string, string>;
	const children: XrayNode[] = Object.keys(hard).sort().map(name => {
		const full = used[name] !== undefined && used[name] === hard[name] && hard[name] !== '0';
		return {id: `${id}/${name}`, kind: 'Resource', name, namespace: quota.metadata.namespace, health: full ? 'warn' : 'ok', info: `${used[name] ?? '0'}/${hard[name]}${full ? ' used up' : ''}`, children: []};
	});
	const health: Health = children.some(c => c.health === 'warn') ? 'warn' : 'ok';
	return {id, kind: 'ResourceQuota', name: sanitizeLine(quota.metadata.name), namespace: quota.metadata.namespace, object: quota, health, info: `${children.length} resources`, children};
}
