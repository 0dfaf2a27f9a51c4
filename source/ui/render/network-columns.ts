/**
 * HorizontalPodAutoscalers, Ingresses, IngressClasses and NetworkPolicies,
 * with k9s' columns (render/hpa.go, ing.go, netpol.go; IngressClass as the
 * server's Table prints it).
 */
import type {KubeObject} from '../../engine/index.js';
import {age, ageColumn, labelsText, nameColumn, terminating, type ColumnSet} from './columns.js';

/** k9s' TARGETS%: `current/target` per metric, `<unknown>` before the first sync. */
export function hpaTargets(object: KubeObject): string {
	const specs: any[] = object.spec?.metrics ?? [];
	const statuses: any[] = object.status?.currentMetrics ?? [];
	if (specs.length === 0) return '<none>';
	return specs.map((spec, i) => {
		const source = spec.resource ?? spec.containerResource;
		const current = statuses[i]?.resource?.current ?? statuses[i]?.containerResource?.current;
		if (!source) return '<unknown type>';
		if (source.target?.averageValue !== undefined) return `${current?.averageValue ?? '<unknown>'}/${source.target.averageValue}`;
		const now = current?.averageUtilization === undefined ? '<unknown>' : `${current.averageUtilization}%`;
		return `${now}/${source.target?.averageUtilization ?? '<auto>'}%`;
	}).join(', ');
}

export const hpaColumns: ColumnSet = {
	kind: 'HorizontalPodAutoscaler',
	columns: [
		nameColumn,
		{name: 'REFERENCE'},
		{name: 'TARGETS%'},
		{name: 'MINPODS', numeric: true, align: 'right'},
		{name: 'MAXPODS', numeric: true, align: 'right'},
		{name: 'REPLICAS', numeric: true, align: 'right'},
		{name: 'LABELS', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const spec = object.spec ?? {};
		const min = spec.minReplicas ?? 1;
		const max = spec.maxReplicas ?? 0;
		const replicas = object.status?.currentReplicas ?? 0;
		return {
			cells: [object.metadata.name, `${spec.scaleTargetRef?.kind ?? ''}/${spec.scaleTargetRef?.name ?? ''}`, hpaTargets(object), String(min), String(max), String(replicas), labelsText(object.metadata.labels), ageText],
			sort: [undefined, undefined, undefined, min, max, replicas, undefined, ageMs],
		};
	},
	// k9s colours an autoscaler that reached its maximum as an error.
	health(object) {
		if (terminating(object)) return 'terminating';
		const max = object.spec?.maxReplicas ?? 0;
		if ((object.status?.currentReplicas ?? 0) >= max && max > 0) return 'error';
		if (object.status?.conditions?.some((c: {type: string; status: string}) => c.type !== 'ScalingLimited' && c.status === 'False')) return 'error';
		return 'normal';
	},
};

/** kubectl's HOSTS: up to three, `*` for none. */
export function ingressHosts(object: KubeObject): string {
	const rules: Array<{host?: string}> = object.spec?.rules ?? [];
	const hosts = rules.map(r => r.host).filter((h): h is string => Boolean(h));
	if (hosts.length === 0) return '*';
	return rules.length > 3 && hosts.length >= 3 ? `${hosts.slice(0, 3).join(',')} + ${rules.length - 3} more...` : hosts.slice(0, 3).join(',');
}

function ingressAddress(object: KubeObject): string {
	return (object.status?.loadBalancer?.ingress ?? []).map((i: {ip?: string; hostname?: string}) => i.ip || i.hostname).filter(Boolean).join(',');
}

export const ingressColumns: ColumnSet = {
	kind: 'Ingress',
	columns: [nameColumn, {name: 'CLASS'}, {name: 'HOSTS'}, {name: 'ADDRESS'}, {name: 'PORTS'}, {name: 'LABELS', wide: true}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		return {
			cells: [object.metadata.name, object.spec?.ingressClassName ?? '<none>', ingressHosts(object), ingressAddress(object), (object.spec?.tls ?? []).length > 0 ? '80, 443' : '80', labelsText(object.metadata.labels), ageText],
			sort: [undefined, undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	// No address yet: no controller has taken it.
	health: object => (terminating(object) ? 'terminating' : ingressAddress(object) ? 'normal' : 'pending'),
};

export const ingressClassColumns: ColumnSet = {
	kind: 'IngressClass',
	columns: [nameColumn, {name: 'CONTROLLER'}, {name: 'PARAMETERS'}, {name: 'LABELS', wide: true}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const p = object.spec?.parameters;
		const isDefault = object.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true';
		return {
			cells: [isDefault ? `${object.metadata.name} (default)` : object.metadata.name, object.spec?.controller ?? '', p ? `${p.apiGroup ? `${p.kind}.${p.apiGroup}` : p.kind}/${p.name}` : '<none>', labelsText(object.metadata.labels), ageText],
			sort: [undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health: object => (terminating(object) ? 'terminating' : 'normal'),
};

type Selector = {matchLabels?: Record<string, string>; matchExpressions?: Array<{key: string; operator: string; values?: string[]}>};
type Peer = {podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: {cidr: string; except?: string[]}};
type PolicyPort = {protocol?: string; port?: number | string};

/** k9s' mapToStr: sorted `k=v` pairs. */
function mapText(map: Record<string, string> | undefined): string {
	return Object.keys(map ?? {}).sort().map(k => `${k}=${map![k]}`).join(',');
}

function expressionsText(list: Selector['matchExpressions']): string {
	return (list ?? []).map(e => `${e.key}-${e.operator}${(e.values ?? []).join(',')}`).join(',');
}

function peerText(peer: Peer): string {
	let text = '';
	if (peer.podSelector) {
		const m = mapText(peer.podSelector.matchLabels);
		if (m) text += `po:${m}`;
		const e = expressionsText(peer.podSelector.matchExpressions);
		if (e) text += `--${e}`;
	}
	if (peer.namespaceSelector) {
		const m = mapText(peer.namespaceSelector.matchLabels);
		if (m) text += `ns:${m}`;
		const e = expressionsText(peer.namespaceSelector.matchExpressions);
		if (e) text += `--${e}`;
	}
	return text;
}

function blockText(block: NonNullable<Peer['ipBlock']>): string {
	const except = block.except ?? [];
	if (except.length === 0) return block.cidr;
	return except.length > 2 ? `${block.cidr}[${except.slice(0, 2).join(',')}...]` : `${block.cidr}[${except.join(',')}]`;
}

/** One direction's selectors, ports and blocks, as k9s' ingress()/egress() join them. */
export function policyRules(rules: Array<{ports?: PolicyPort[]; from?: Peer[]; to?: Peer[]}> | undefined): {selectors: string; ports: string; blocks: string} {
	const ports: string[] = [];
	const selectors: string[] = [];
	const blocks: string[] = [];
	for (const rule of rules ?? []) {
		const p = (rule.ports ?? []).map(port => `${port.protocol ?? 'n/a'}:${port.port ?? 'n/a'}`).join(',');
		if (p) ports.push(p);
		const peers = rule.from ?? rule.to ?? [];
		const s = peers.map(peerText).filter(Boolean).join(',');
		if (s) selectors.push(s);
		const b = peers.filter(peer => peer.ipBlock).map(peer => blockText(peer.ipBlock!)).join(',');
		if (b) blocks.push(b);
	}
	return {selectors: selectors.join(','), ports: ports.join(','), blocks: blocks.join(',')};
}

export const networkPolicyColumns: ColumnSet = {
	kind: 'NetworkPolicy',
	columns: [
		nameColumn,
		{name: 'POD-SELECTOR'},
		{name: 'ING-SELECTOR', wide: true},
		{name: 'ING-PORTS', wide: true},
		{name: 'ING-BLOCK', wide: true},
		{name: 'EGR-SELECTOR', wide: true},
		{name: 'EGR-PORTS', wide: true},
		{name: 'EGR-BLOCK', wide: true},
		{name: 'LABELS', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const selector: Selector = object.spec?.podSelector ?? {};
		let podSelector = mapText(selector.matchLabels);
		if ((selector.matchExpressions ?? []).length > 0) podSelector += `::${expressionsText(selector.matchExpressions)}`;
		const ingress = policyRules(object.spec?.ingress);
		const egress = policyRules(object.spec?.egress);
		return {
			cells: [object.metadata.name, podSelector, ingress.selectors, ingress.ports, ingress.blocks, egress.selectors, egress.ports, egress.blocks, labelsText(object.metadata.labels), ageText],
			sort: [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health: object => (terminating(object) ? 'terminating' : 'normal'),
};
