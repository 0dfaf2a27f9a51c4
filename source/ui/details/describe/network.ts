/** HorizontalPodAutoscalers, Ingresses, IngressClasses and NetworkPolicies, as kubectl describes them (describe.go). */
import type {KubeObject} from '../../../engine/index.js';
import {Writer, annotations, labels, selectorText, type DescribeSource} from './writer.js';
import {rfc1123z} from '../time-format.js';
import {sanitizeLine} from '../../sanitize.js';

type Rules = {stabilizationWindowSeconds?: number; selectPolicy?: string; policies?: Array<{type: string; value: number; periodSeconds: number}>};

function directionBehavior(w: Writer, direction: string, rules: Rules | undefined): void {
	if (!rules) return;
	w.line(1, `${direction}:`);
	if (rules.stabilizationWindowSeconds !== undefined) w.raw(`    Stabilization Window: ${rules.stabilizationWindowSeconds} seconds`);
	if ((rules.policies ?? []).length > 0) {
		w.raw(`    Select Policy: ${sanitizeLine(rules.selectPolicy ?? 'Max')}`);
		w.raw('    Policies:');
		for (const p of rules.policies!) w.line(3, `- Type: ${p.type}`, `Value: ${p.value}`, `Period: ${p.periodSeconds} seconds`);
	}
}

export function describeHorizontalPodAutoscaler(w: Writer, hpa: KubeObject): void {
	const spec = hpa.spec ?? {};
	const status = hpa.status ?? {};
	w.line(0, 'Name:', hpa.metadata.name);
	w.line(0, 'Namespace:', hpa.metadata.namespace ?? '');
	labels(w, 0, 'Labels', hpa.metadata.labels);
	annotations(w, 0, hpa.metadata.annotations);
	w.line(0, 'CreationTimestamp:', rfc1123z(hpa.metadata.creationTimestamp));
	w.line(0, 'Reference:', `${spec.scaleTargetRef?.kind ?? ''}/${spec.scaleTargetRef?.name ?? ''}`);
	w.line(0, 'Metrics:', '( current / target )');
	for (const [i, metric] of (spec.metrics ?? []).entries()) {
		const source = metric.resource ?? metric.containerResource;
		if (!source) continue;
		const current = status.currentMetrics?.[i]?.resource?.current ?? status.currentMetrics?.[i]?.containerResource?.current;
		const of = metric.containerResource ? `resource ${source.name} of container "${metric.containerResource.container}" on pods` : `resource ${source.name} on pods`;
		if (source.target?.averageValue !== undefined) {
			w.line(1, `${of}:`, `${current?.averageValue ?? '<unknown>'} / ${source.target.averageValue}`);
		} else {
			const now = current?.averageUtilization === undefined ? '<unknown>' : `${current.averageUtilization}% (${current.averageValue})`;
			const target = source.target?.averageUtilization === undefined ? '<auto>' : `${source.target.averageUtilization}%`;
			w.line(1, `${of}  (as a percentage of request):`, `${now} / ${target}`);
		}
	}
	w.line(0, 'Min replicas:', spec.minReplicas === undefined ? '<unset>' : String(spec.minReplicas));
	w.line(0, 'Max replicas:', String(spec.maxReplicas ?? 0));
	if (spec.behavior) {
		w.raw('Behavior:');
		directionBehavior(w, 'Scale Up', spec.behavior.scaleUp);
		directionBehavior(w, 'Scale Down', spec.behavior.scaleDown);
	}
	w.line(0, `${spec.scaleTargetRef?.kind ?? ''} pods:`, `${status.currentReplicas ?? 0} current / ${status.desiredReplicas ?? 0} desired`);
	const conditions: Array<{type: string; status: string; reason?: string; message?: string}> = status.conditions ?? [];
	if (conditions.length > 0) {
		w.raw('Conditions:');
		w.line(1, 'Type', 'Status', 'Reason', 'Message');
		w.line(1, '----', '------', '------', '-------');
		for (const c of conditions) w.line(1, c.type, c.status, c.reason ?? '', c.message ?? '');
	}
}

/** `svc:port (ip:port,...)` as describeBackendV1 prints a service backend. */
function backendText(source: DescribeSource, namespace: string, backend: any): string {
	if (!backend?.service) {
		const r = backend?.resource;
		return r ? `APIGroup: ${r.apiGroup ?? ''}, Kind: ${r.kind}, Name: ${r.name}` : '';
	}
	const name = backend.service.name;
	const port = backend.service.port?.name ?? String(backend.service.port?.number ?? '');
	const service = source.get('Service', name, namespace);
	if (!service) return `${name}:${port} (<error: services "${name}" not found>)`;
	const servicePort = (service.spec?.ports ?? []).find((p: any) => (backend.service.port?.name ? p.name === backend.service.port.name : p.port === backend.service.port?.number));
	const endpoints = source.get('Endpoints', name, namespace);
	const list: string[] = [];
	for (const subset of endpoints?.['subsets'] as any[] ?? []) {
		const target = (subset.ports ?? []).find((p: any) => !servicePort?.name || p.name === servicePort.name) ?? subset.ports?.[0];
		for (const address of subset.addresses ?? []) list.push(target ? `${address.ip}:${target.port}` : address.ip);
	}
	const shown = list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',');
	return `${name}:${port} (${shown || '<none>'})`;
}

export function describeIngress(w: Writer, ingress: KubeObject, source: DescribeSource): void {
	const spec = ingress.spec ?? {};
	const namespace = ingress.metadata.namespace ?? 'default';
	w.line(0, 'Name:', ingress.metadata.name);
	labels(w, 0, 'Labels', ingress.metadata.labels);
	w.line(0, 'Namespace:', namespace);
	w.line(0, 'Address:', (ingress.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).join(','));
	w.line(0, 'Ingress Class:', spec.ingressClassName ?? '<none>');
	w.line(0, 'Default backend:', spec.defaultBackend ? backendText(source, namespace, spec.defaultBackend) : '<default>');
	if ((spec.tls ?? []).length > 0) {
		w.raw('TLS:');
		for (const tls of spec.tls) {
			const hosts = (tls.hosts ?? []).join(',');
			w.line(1, tls.secretName ? `${tls.secretName} terminates ${hosts}` : `SNI routes ${hosts}`);
		}
	}
	w.line(0, 'Rules:');
	w.line(1, 'Host', 'Path', 'Backends');
	w.line(1, '----', '----', '--------');
	const rules: any[] = spec.rules ?? [];
	if (rules.length === 0 && spec.defaultBackend) w.line(1, '*', '*', backendText(source, namespace, spec.defaultBackend));
	for (const rule of rules) {
		w.line(1, rule.host || '*', '');
		// kubectl writes `\t%s \t%s`: a space after the path.
		for (const path of rule.http?.paths ?? []) w.line(2, '', `${path.path ?? ''} `, backendText(source, namespace, path.backend));
	}
	annotations(w, 0, ingress.metadata.annotations);
}

export function describeIngressClass(w: Writer, ingressClass: KubeObject): void {
	w.line(0, 'Name:', ingressClass.metadata.name);
	labels(w, 0, 'Labels', ingressClass.metadata.labels);
	annotations(w, 0, ingressClass.metadata.annotations);
	w.line(0, 'Controller:', ingressClass.spec?.controller ?? '');
	const p = ingressClass.spec?.parameters;
	if (p) {
		w.line(0, 'Parameters:');
		if (p.apiGroup) w.line(1, 'APIGroup:', p.apiGroup);
		w.line(1, 'Kind:', p.kind);
		w.line(1, 'Name:', p.name);
		if (p.namespace) w.line(1, 'Namespace:', p.namespace);
		if (p.scope) w.line(1, 'Scope:', p.scope);
	}
}

/** Go's time.Time String: `2026-01-01 09:00:00 +0000 UTC`. */
function goTime(timestamp: string | undefined): string {
	if (!timestamp) return '0001-01-01 00:00:00 +0000 UTC';
	return `${new Date(timestamp).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')} +0000 UTC`;
}

function peers(w: Writer, list: any[] | undefined, word: 'From' | 'To', any: string): void {
	if (!list || list.length === 0) {
		w.raw(`    ${word}: ${any}`);
		return;
	}
	for (const peer of list) {
		w.raw(`    ${word}:`);
		if (peer.podSelector && peer.namespaceSelector) {
			w.raw(sanitizeLine(`      NamespaceSelector: ${selectorText(peer.namespaceSelector)}`));
			w.raw(sanitizeLine(`      PodSelector: ${selectorText(peer.podSelector)}`));
		} else if (peer.podSelector) {
			w.raw(sanitizeLine(`      PodSelector: ${selectorText(peer.podSelector)}`));
		} else if (peer.namespaceSelector) {
			w.raw(sanitizeLine(`      NamespaceSelector: ${selectorText(peer.namespaceSelector)}`));
		} else if (peer.ipBlock) {
			w.raw('      IPBlock:');
			w.raw(sanitizeLine(`        CIDR: ${peer.ipBlock.cidr}`));
			w.raw(sanitizeLine(`        Except: ${(peer.ipBlock.except ?? []).join(', ')}`));
		}
	}
}

function policyRules(w: Writer, rules: any[] | undefined, direction: 'ingress' | 'egress'): void {
	if (!rules || rules.length === 0) {
		w.raw(`    <none> (Selected pods are isolated for ${direction} connectivity)`);
		return;
	}
	for (const [i, rule] of rules.entries()) {
		if (!rule.ports || rule.ports.length === 0) w.raw('    To Port: <any> (traffic allowed to all ports)');
		else for (const port of rule.ports) w.raw(sanitizeLine(`    To Port: ${port.port ?? '<nil>'}/${port.protocol ?? 'TCP'}`));
		if (direction === 'ingress') peers(w, rule.from, 'From', '<any> (traffic not restricted by source)');
		else peers(w, rule.to, 'To', '<any> (traffic not restricted by destination)');
		if (i !== rules.length - 1) w.raw('    ----------');
	}
}

export function describeNetworkPolicy(w: Writer, policy: KubeObject): void {
	const spec = policy.spec ?? {};
	w.line(0, 'Name:', policy.metadata.name);
	w.line(0, 'Namespace:', policy.metadata.namespace ?? '');
	w.line(0, 'Created on:', goTime(policy.metadata.creationTimestamp));
	labels(w, 0, 'Labels', policy.metadata.labels);
	annotations(w, 0, policy.metadata.annotations);
	w.raw('Spec:');
	const selector = spec.podSelector ?? {};
	const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
	w.raw(sanitizeLine(`  PodSelector:     ${empty ? '<none> (Allowing the specific traffic to all pods in this namespace)' : selectorText(selector)}`));
	const types: string[] = spec.policyTypes ?? ['Ingress'];
	if (types.includes('Ingress')) {
		w.raw('  Allowing ingress traffic:');
		policyRules(w, spec.ingress, 'ingress');
	} else w.raw('  Not affecting ingress traffic');
	if (types.includes('Egress')) {
		w.raw('  Allowing egress traffic:');
		policyRules(w, spec.egress, 'egress');
	} else w.raw('  Not affecting egress traffic');
	w.raw(sanitizeLine(`  Policy Types: ${types.join(', ')}`));
}
