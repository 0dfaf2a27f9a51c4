import type {ControllerContext} from '../controller.js';
import type {Endpoints} from '../api/endpoint-objects.js';
import type {ExecHandler} from './commands.js';
import type {Pod} from '../api/types.js';
import {clusterDnsAnswers} from '../network/cluster-dns.js';

/**
 * Cluster DNS as CoreDNS answers a pod: `<service>.<namespace>.svc.cluster.local`
 * gives the Service's ClusterIP, or the ready endpoints' addresses for a
 * headless Service; `<hostname>.<service>...` an endpoint by its hostname (a
 * StatefulSet's pods). Short names go through the pod's resolv.conf search
 * path (`<ns>.svc.cluster.local svc.cluster.local cluster.local`, ndots:5).
 */

export const clusterDomain = 'cluster.local';
export const clusterDnsAddress = '10.96.0.10';
const ndots = 5;

export type DnsAnswer = {name: string; addresses: string[]};

/** The search domains a pod in `namespace` has. */
export function searchPath(namespace: string): string[] {
	return [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
}

/** The fully qualified names a resolver tries for `name`, in order. */
export function candidateNames(name: string, namespace: string): string[] {
	const bare = name.replace(/\.$/, '').toLowerCase();
	if (name.endsWith('.')) return [bare];
	const searched = searchPath(namespace).map(domain => `${bare}.${domain}`);
	const dots = bare.split('.').length - 1;
	return dots >= ndots ? [bare, ...searched] : [...searched, bare];
}

/** Answer one fully qualified name from the store, or undefined (NXDOMAIN). */
export function answer(context: ControllerContext, fqdn: string): DnsAnswer | undefined {
	const suffix = `.svc.${clusterDomain}`;
	if (!fqdn.endsWith(suffix)) return undefined;
	const labels = fqdn.slice(0, -suffix.length).split('.');
	if (labels.length !== 2 && labels.length !== 3) return undefined;
	const [host, service, namespace] = labels.length === 3 ? labels : [undefined, ...labels];
	const object = context.store.get('Service', namespace, service!);
	if (!object) return undefined;
	const clusterIP = object.spec?.['clusterIP'] as string | undefined;
	const endpoints = context.store.get('Endpoints', namespace, service!) as Endpoints | undefined;
	const ready = (endpoints?.subsets ?? []).flatMap(subset => subset.addresses ?? []);
	if (host !== undefined) {
		const address = ready.find(a => (a as {hostname?: string}).hostname === host);
		return address ? {name: fqdn, addresses: [address.ip]} : undefined;
	}
	if (clusterIP && clusterIP !== 'None') return {name: fqdn, addresses: [clusterIP]};
	const addresses = [...new Set(ready.map(a => a.ip))];
	return addresses.length > 0 ? {name: fqdn, addresses} : undefined;
}

/** Resolve a name as `pod` would: `unreachable` when no cluster DNS answers it (see `clusterDnsAnswers`). */
export function resolveInCluster(context: ControllerContext, pod: Pod, name: string): {answer?: DnsAnswer; tried: string[]; unreachable?: boolean} {
	if (!clusterDnsAnswers(context, pod)) return {tried: [], unreachable: true};
	const namespace = pod.metadata.namespace ?? 'default';
	const tried: string[] = [];
	for (const candidate of candidateNames(name, namespace)) {
		tried.push(candidate);
		const found = answer(context, candidate);
		if (found) return {answer: found, tried};
	}
	return {tried};
}

/** busybox's `nslookup NAME`: the server, then the answer, or NXDOMAIN for each name tried. */
export const nslookup: ExecHandler = ({argv, resolve}) => {
	const name = argv.slice(1).find(arg => !arg.startsWith('-'));
	if (!name) return {stderr: 'BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n', exitCode: 1};
	const header = `Server:\t\t${clusterDnsAddress}\nAddress:\t${clusterDnsAddress}:53\n\n`;
	const {answer: found, tried, unreachable} = resolve(name);
	// busybox's resolver gives up after its tries when no server answers.
	if (unreachable) return {stdout: ';; connection timed out; no servers could be reached\n\n', exitCode: 1};
	if (!found) return {stdout: `${header}${tried.map(n => `** server can't find ${n}: NXDOMAIN\n\n`).join('')}`, exitCode: 1};
	return {stdout: `${header}${found.addresses.map(a => `Name:\t${found.name}\nAddress: ${a}\n`).join('')}\n`};
};
