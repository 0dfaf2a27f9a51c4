/** ResourceQuotas, LimitRanges and PodDisruptionBudgets, as kubectl describes them (and the namespace's quota and limit sections). */
import {formatQuantity, parseQuantityExact, type KubeObject} from '../../../engine/index.js';
import {Writer, selectorText, type DescribeSource} from './writer.js';

const scopeHelp: Record<string, string> = {
	Terminating: 'Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.',
	NotTerminating: 'Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.',
	BestEffort: 'Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.',
	NotBestEffort: 'Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
};

/** Used, shown in the hard limit's format when they differ (`0` → `0`, `536870912` under `1G`). */
function usedText(used: string | undefined, hard: string): string {
	const h = parseQuantityExact(hard);
	const u = parseQuantityExact(used ?? '0');
	if (!h || !u) return used ?? '0';
	if (u.format === h.format) return formatQuantity(u);
	const whole = (u.nano + 999_999_999n) / 1_000_000_000n;
	return formatQuantity({nano: whole * 1_000_000_000n, format: h.format});
}

/** The Resource/Used/Hard rows; `describe quota` shows used in the hard limit's format, the namespace's section as stored. */
function quotaRows(w: Writer, level: number, quota: KubeObject, rule: string): void {
	const hard = (quota.status?.hard ?? {}) as Record<string, string>;
	const used = (quota.status?.used ?? {}) as Record<string, string>;
	w.line(level, 'Resource', 'Used', 'Hard');
	w.line(level, '--------', rule, rule);
	for (const name of Object.keys(hard).sort()) w.line(level, name, level === 0 ? usedText(used[name], hard[name]!) : used[name] ?? '0', hard[name]);
}

function scopes(w: Writer, level: number, quota: KubeObject, bullet: string): void {
	const list = [...((quota.spec?.scopes ?? []) as string[])].sort();
	if (list.length === 0) return;
	w.line(level, 'Scopes:', list.join(', '));
	for (const scope of list) if (scopeHelp[scope]) w.raw(`${'  '.repeat(level)}${bullet}${scopeHelp[scope]}`);
}

export function describeResourceQuota(w: Writer, quota: KubeObject): void {
	w.line(0, 'Name:', quota.metadata.name);
	w.line(0, 'Namespace:', quota.metadata.namespace);
	scopes(w, 0, quota, ' * ');
	quotaRows(w, 0, quota, '----');
}

function limitRangeRows(w: Writer, level: number, range: KubeObject, prefix: string): void {
	for (const item of (range.spec?.limits ?? []) as Array<Record<string, unknown>>) {
		const lists = ['min', 'max', 'defaultRequest', 'default', 'maxLimitRequestRatio'].map(field => (item[field] ?? {}) as Record<string, string>);
		const names = new Set(lists.flatMap(list => Object.keys(list)));
		for (const name of [...names].sort()) w.line(level, `${prefix}${String(item['type'] ?? '')}`, name, ...lists.map(list => list[name] ?? '-'));
	}
}

const limitHeader = ['Type', 'Resource', 'Min', 'Max', 'Default Request', 'Default Limit', 'Max Limit/Request Ratio'];
const limitRule = ['----', '--------', '---', '---', '---------------', '-------------', '-----------------------'];

export function describeLimitRange(w: Writer, range: KubeObject): void {
	w.line(0, 'Name:', range.metadata.name);
	w.line(0, 'Namespace:', range.metadata.namespace);
	w.line(0, ...limitHeader);
	w.line(0, ...limitRule);
	limitRangeRows(w, 0, range, '');
}

export function describePodDisruptionBudget(w: Writer, pdb: KubeObject): void {
	const spec = pdb.spec ?? {};
	w.line(0, 'Name:', pdb.metadata.name);
	w.line(0, 'Namespace:', pdb.metadata.namespace);
	if (spec.minAvailable !== undefined && spec.minAvailable !== null) w.line(0, 'Min available:', String(spec.minAvailable));
	else if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) w.line(0, 'Max unavailable:', String(spec.maxUnavailable));
	w.line(0, 'Selector:', spec.selector ? selectorText(spec.selector) : '<unset>');
	w.line(0, 'Status:');
	const status = pdb.status ?? {};
	w.line(2, 'Allowed disruptions:', status.disruptionsAllowed ?? 0);
	w.line(2, 'Current:', status.currentHealthy ?? 0);
	w.line(2, 'Desired:', status.desiredHealthy ?? 0);
	w.line(2, 'Total:', status.expectedPods ?? 0);
}

/** The namespace's `Resource Quotas` and `Resource Limits` sections (`DescribeResourceQuotas`, `DescribeLimitRanges`). */
export function describeNamespacePolicies(w: Writer, namespace: string, source: DescribeSource): void {
	const quotas = source.list('ResourceQuota', {namespace}).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
	w.raw('');
	if (quotas.length === 0) w.raw('No resource quota.');
	else {
		w.raw('Resource Quotas');
		for (const quota of quotas) {
			w.line(1, 'Name:', quota.metadata.name);
			scopes(w, 1, quota, '* ');
			quotaRows(w, 1, quota, '---');
		}
	}
	const ranges = source.list('LimitRange', {namespace});
	w.raw('');
	if (ranges.length === 0) {
		w.raw('No LimitRange resource.');
		return;
	}
	w.raw('Resource Limits');
	for (const range of ranges) {
		w.line(0, ` ${limitHeader[0]}`, ...limitHeader.slice(1));
		w.line(0, ` ${limitRule[0]}`, ...limitRule.slice(1));
		limitRangeRows(w, 0, range, ' ');
	}
}
