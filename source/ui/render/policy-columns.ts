/**
 * ResourceQuotas and LimitRanges: the API server's table columns, which k9s
 * shows for kinds it has no renderer of its own (quota: NAME AGE REQUEST
 * LIMIT; limits: NAME CREATED AT). PodDisruptionBudgets: k9s' render/pdb.go
 * (MIN AVAILABLE, MAX UNAVAILABLE, ALLOWED DISRUPTIONS, CURRENT, DESIRED,
 * EXPECTED, LABELS and VALID wide, AGE), the row in error while fewer pods
 * are healthy than minAvailable asks.
 */
import type {KubeObject} from '../../engine/index.js';
import {age, ageColumn, labelsText, nameColumn, terminating, type ColumnSet} from './columns.js';

/** `printResourceQuota`: `name: used/hard` of each resource, limits.* under LIMIT and the rest under REQUEST. */
export function quotaColumnsText(quota: KubeObject): {request: string; limit: string} {
	const hard = (quota.status?.hard ?? {}) as Record<string, string>;
	const used = (quota.status?.used ?? {}) as Record<string, string>;
	const request: string[] = [];
	const limit: string[] = [];
	for (const name of Object.keys(hard).sort()) (name.startsWith('limits.') ? limit : request).push(`${name}: ${used[name] ?? '0'}/${hard[name]}`);
	return {request: request.join(', '), limit: limit.join(', ')};
}

export const resourceQuotaColumns: ColumnSet = {
	kind: 'ResourceQuota',
	columns: [nameColumn, ageColumn, {name: 'REQUEST'}, {name: 'LIMIT'}, {name: 'LABELS', wide: true}],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const {request, limit} = quotaColumnsText(object);
		return {cells: [object.metadata.name, ageText, request, limit, labelsText(object.metadata.labels)], sort: [undefined, ageMs, undefined, undefined, undefined]};
	},
	health: object => (terminating(object) ? 'terminating' : 'normal'),
};

export const limitRangeColumns: ColumnSet = {
	kind: 'LimitRange',
	columns: [nameColumn, {name: 'CREATED AT', sortKey: 'a'}, {name: 'LABELS', wide: true}],
	row(object) {
		return {cells: [object.metadata.name, object.metadata.creationTimestamp, labelsText(object.metadata.labels)]};
	},
	health: object => (terminating(object) ? 'terminating' : 'normal'),
};

function intOrString(value: unknown): string {
	return value === undefined || value === null ? 'n/a' : String(value);
}

/** k9s' `diagnose`: an integer minAvailable above the healthy count. */
export function budgetProblem(pdb: KubeObject): string | undefined {
	const min = pdb.spec?.minAvailable;
	const healthy = Number(pdb.status?.currentHealthy ?? 0);
	if (typeof min === 'number' && min > healthy) return `expected ${min} but got ${healthy}`;
	return undefined;
}

export const podDisruptionBudgetColumns: ColumnSet = {
	kind: 'PodDisruptionBudget',
	columns: [
		nameColumn,
		{name: 'MIN AVAILABLE', align: 'right'},
		{name: 'MAX UNAVAILABLE', align: 'right'},
		{name: 'ALLOWED DISRUPTIONS', align: 'right', numeric: true},
		{name: 'CURRENT', align: 'right', numeric: true},
		{name: 'DESIRED', align: 'right', numeric: true},
		{name: 'EXPECTED', align: 'right', numeric: true},
		{name: 'LABELS', wide: true},
		{name: 'VALID', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const status = object.status ?? {};
		const allowed = Number(status.disruptionsAllowed ?? 0);
		const current = Number(status.currentHealthy ?? 0);
		const desired = Number(status.desiredHealthy ?? 0);
		const expected = Number(status.expectedPods ?? 0);
		return {
			cells: [object.metadata.name, intOrString(object.spec?.minAvailable), intOrString(object.spec?.maxUnavailable), String(allowed), String(current), String(desired), String(expected),
				labelsText(object.metadata.labels), budgetProblem(object) ?? '', ageText],
			sort: [undefined, undefined, undefined, allowed, current, desired, expected, undefined, undefined, ageMs],
		};
	},
	health: object => (terminating(object) ? 'terminating' : budgetProblem(object) ? 'error' : 'normal'),
};
