/** Nodes: kubectl's STATUS (Ready, NotReady, Unknown, ,SchedulingDisabled) and ROLES. */
import type {KubeObject, Node} from '../../engine/index.js';
import {age, ageColumn, cpuText, memText, nameColumn, type ColumnSet} from './columns.js';

function percent(value: number | undefined): string {
	return value === undefined ? 'n/a' : `${Math.round(value)}%`;
}

/** kubectl's node STATUS text (printers.go printNode). */
export function nodeStatus(node: Node): string {
	const ready = node.status?.conditions?.find(c => c.type === 'Ready');
	const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
	if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
	return parts.join(',');
}

/** ROLES from `node-role.kubernetes.io/<role>` labels, or `<none>`. */
export function nodeRoles(node: KubeObject): string {
	const roles = Object.keys(node.metadata.labels ?? {})
		.filter(k => k.startsWith('node-role.kubernetes.io/'))
		.map(k => k.slice('node-role.kubernetes.io/'.length))
		.filter(Boolean)
		.sort();
	return roles.length ? roles.join(',') : '<none>';
}

export const nodeColumns: ColumnSet = {
	kind: 'Node',
	nameFromMetadata: true,
	columns: [
		nameColumn,
		{name: 'STATUS', sortKey: 's'},
		{name: 'ROLE', drop: 2},
		{name: 'TAINTS', drop: 2, numeric: true, align: 'right'},
		{name: 'VERSION', drop: 3},
		{name: 'PODS', align: 'right', live: (object, {podsOnNode}) => String(podsOnNode?.(object.metadata.name) ?? 0)},
		{name: 'CPU', align: 'right', live: (object, {metrics}) => cpuText(metrics?.nodes.get(object.metadata.name)?.cpuMilli)},
		{name: '%CPU', drop: 4, align: 'right', live: (object, {metrics}) => percent(metrics?.nodes.get(object.metadata.name)?.cpuPercent)},
		{name: 'CPU/A', drop: 1, align: 'right'},
		{name: 'MEM', align: 'right', live: (object, {metrics}) => memText(metrics?.nodes.get(object.metadata.name)?.memoryBytes)},
		{name: '%MEM', drop: 4, align: 'right', live: (object, {metrics}) => percent(metrics?.nodes.get(object.metadata.name)?.memoryPercent)},
		{name: 'MEM/A', drop: 1, align: 'right'},
		{name: 'ARCH', wide: true},
		{name: 'OS-IMAGE', wide: true},
		{name: 'KERNEL', wide: true},
		{name: 'INTERNAL-IP', wide: true, ellipsis: 'middle'},
		ageColumn,
	],
	row(object, {now, podsOnNode}) {
		const node = object as Node;
		const [ageText, ageMs] = age(object, now);
		const taints = node.spec?.taints?.length ?? 0;
		const pods = podsOnNode?.(node.metadata.name);
		const info = node.status?.nodeInfo ?? {};
		const memKi = /^(\d+)Ki$/.exec(node.status?.allocatable?.memory ?? '');
		return {
			cells: [
				node.metadata.name,
				nodeStatus(node),
				nodeRoles(node),
				String(taints),
				info['kubeletVersion'] ?? '',
				pods === undefined ? '' : String(pods),
				'',
				'',
				node.status?.allocatable?.cpu ?? '',
				'',
				'',
				memKi ? `${Math.round(Number(memKi[1]) / 1024)}Mi` : (node.status?.allocatable?.memory ?? ''),
				info['architecture'] ?? '',
				info['osImage'] ?? '',
				info['kernelVersion'] ?? '',
				node.status?.addresses?.find(a => a.type === 'InternalIP')?.address ?? '',
				ageText,
			],
			sort: [undefined, undefined, undefined, taints, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health(object) {
		const status = nodeStatus(object as Node);
		if (object.metadata.deletionTimestamp) return 'terminating';
		if (!status.startsWith('Ready')) return 'error';
		if (status.includes('SchedulingDisabled')) return 'pending';
		return 'normal';
	},
};
