/** Services, Endpoints, ConfigMaps and Secrets. */
import type {KubeObject} from '../../../engine/index.js';
import {Writer, header, mapSelectorText, type DescribeSource} from './writer.js';

export function describeService(w: Writer, service: KubeObject, source: DescribeSource): void {
	const spec = service.spec ?? {};
	header(w, service, {labelsFirst: true});
	w.line(0, 'Selector:', mapSelectorText(spec.selector));
	w.line(0, 'Type:', spec.type ?? 'ClusterIP');
	w.line(0, 'IP Family Policy:', spec.ipFamilyPolicy ?? 'SingleStack');
	w.line(0, 'IP Families:', (spec.ipFamilies ?? ['IPv4']).join(','));
	w.line(0, 'IP:', spec.clusterIP ?? '');
	w.line(0, 'IPs:', (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).join(','));
	const endpoints = source.get('Endpoints', service.metadata.name, service.metadata.namespace);
	const addresses = ((endpoints?.['subsets'] ?? []) as Array<{addresses?: Array<{ip: string}>; ports?: Array<{port: number}>}>)
		.flatMap(subset => (subset.addresses ?? []).flatMap(address => (subset.ports ?? [{port: 0}]).map(port => `${address.ip}:${port.port}`)));
	for (const port of (spec.ports ?? []) as Array<{name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number}>) {
		w.line(0, 'Port:', `${port.name || '<unset>'}  ${port.port}/${port.protocol ?? 'TCP'}`);
		w.line(0, 'TargetPort:', `${port.targetPort ?? port.port}/${port.protocol ?? 'TCP'}`);
		if (port.nodePort) w.line(0, 'NodePort:', `${port.name || '<unset>'}  ${port.nodePort}/${port.protocol ?? 'TCP'}`);
		w.line(0, 'Endpoints:', addresses.length === 0 ? '<none>' : addresses.slice(0, 3).join(',') + (addresses.length > 3 ? ` + ${addresses.length - 3} more...` : ''));
	}
	w.line(0, 'Session Affinity:', spec.sessionAffinity ?? 'None');
	w.line(0, 'Internal Traffic Policy:', spec.internalTrafficPolicy ?? 'Cluster');
}

export function describeEndpoints(w: Writer, endpoints: KubeObject): void {
	header(w, endpoints, {labelsFirst: true});
	const subsets = (endpoints['subsets'] ?? []) as Array<{addresses?: Array<{ip: string}>; notReadyAddresses?: Array<{ip: string}>; ports?: Array<{name?: string; port: number; protocol?: string}>}>;
	w.line(0, 'Subsets:');
	for (const subset of subsets) {
		w.line(1, 'Addresses:', (subset.addresses ?? []).map(a => a.ip).join(',') || '<none>');
		w.line(1, 'NotReadyAddresses:', (subset.notReadyAddresses ?? []).map(a => a.ip).join(',') || '<none>');
		w.line(1, 'Ports:');
		w.line(2, 'Name', 'Port', 'Protocol');
		w.line(2, '----', '----', '--------');
		for (const port of subset.ports ?? []) w.line(2, port.name || '<unset>', port.port, port.protocol ?? 'TCP');
	}
}

export function describeConfigMap(w: Writer, configMap: KubeObject): void {
	header(w, configMap, {labelsFirst: true});
	w.raw('');
	w.raw('Data');
	w.raw('====');
	const data = (configMap['data'] ?? {}) as Record<string, string>;
	for (const key of Object.keys(data).sort()) {
		w.line(0, `${key}:`);
		w.raw('----');
		for (const line of String(data[key]).split('\n')) w.line(0, line);
		w.raw('');
	}
	w.raw('');
	w.raw('BinaryData');
	w.raw('====');
	for (const key of Object.keys((configMap['binaryData'] ?? {}) as object).sort()) w.line(0, `${key}: ${((configMap['binaryData'] as Record<string, string>)[key] ?? '').length} bytes`);
	w.raw('');
}

export function describeSecret(w: Writer, secret: KubeObject): void {
	header(w, secret, {labelsFirst: true});
	w.raw('');
	w.line(0, 'Type:', secret['type'] ?? 'Opaque');
	w.raw('');
	w.raw('Data');
	w.raw('====');
	const data = (secret['data'] ?? {}) as Record<string, string>;
	for (const key of Object.keys(data).sort()) w.line(0, `${key}:`, `${Buffer.from(data[key] ?? '', 'base64').length} bytes`);
}

