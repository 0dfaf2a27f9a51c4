/** Services: NAME TYPE CLUSTER-IP EXTERNAL-IP PORTS AGE; Endpoints: NAME ENDPOINTS AGE. */
import type {KubeObject} from '../../engine/index.js';
import {age, ageColumn, nameColumn, terminating, type ColumnSet} from './columns.js';

type ServicePort = {port: number; nodePort?: number; protocol?: string; name?: string};

/** kubectl's PORTS cell: `80/TCP`, `80:30080/TCP`. */
export function servicePorts(ports: ServicePort[] | undefined): string {
	if (!ports?.length) return '<none>';
	return ports.map(p => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIp(service: KubeObject): string {
	const spec = service.spec ?? {};
	const ingress: Array<{ip?: string; hostname?: string}> = service.status?.loadBalancer?.ingress ?? [];
	const external: string[] = spec.externalIPs ?? [];
	switch (spec.type) {
		case 'ExternalName': return spec.externalName ?? '<none>';
		case 'LoadBalancer': {
			const ips = [...ingress.map(i => i.ip ?? i.hostname ?? ''), ...external].filter(Boolean);
			return ips.length ? ips.join(',') : '<pending>';
		}
		default: return external.length ? external.join(',') : '<none>';
	}
}

export const serviceColumns: ColumnSet = {
	kind: 'Service',
	columns: [
		nameColumn,
		{name: 'TYPE'},
		{name: 'CLUSTER-IP'},
		{name: 'EXTERNAL-IP'},
		{name: 'PORTS'},
		{name: 'SELECTOR', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const spec = object.spec ?? {};
		const selector = Object.entries(spec.selector ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(',');
		return {
			cells: [object.metadata.name, spec.type ?? 'ClusterIP', spec.clusterIP ?? '<none>', externalIp(object), servicePorts(spec.ports), selector || '<none>', ageText],
			sort: [undefined, undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health(object) {
		if (terminating(object)) return 'terminating';
		return externalIp(object) === '<pending>' ? 'pending' : 'normal';
	},
};

type Subset = {addresses?: Array<{ip: string}>; notReadyAddresses?: Array<{ip: string}>; ports?: Array<{port: number}>};

/** kubectl's ENDPOINTS cell: up to three `ip:port`, then `+ N more...`. */
export function endpointsText(subsets: Subset[] | undefined): string {
	const all: string[] = [];
	for (const subset of subsets ?? []) {
		for (const address of subset.addresses ?? []) {
			if (subset.ports?.length) for (const port of subset.ports) all.push(`${address.ip}:${port.port}`);
			else all.push(address.ip);
		}
	}
	if (all.length === 0) return '<none>';
	const shown = all.slice(0, 3).join(',');
	return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
}

export const endpointsColumns: ColumnSet = {
	kind: 'Endpoints',
	columns: [nameColumn, {name: 'ENDPOINTS'}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		return {cells: [object.metadata.name, endpointsText(object['subsets'] as Subset[] | undefined), ageText], sort: [undefined, undefined, ageMs]};
	},
	health(object) {
		if (terminating(object)) return 'terminating';
		return endpointsText(object['subsets'] as Subset[] | undefined) === '<none>' ? 'pending' : 'normal';
	},
};
