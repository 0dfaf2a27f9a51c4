import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject, Manifest, Pod} from '../api/types.js';
import type {Service} from '../api/config-objects.js';
import type {Ingress, IngressBackend, IngressClass, HTTPIngressPath} from '../api/networking-objects.js';
import {defaultIngressClassAnnotation, ingressClassAnnotation} from '../api/networking-objects.js';
import {keyOf} from '../store.js';
import {writeStatusIfChanged} from '../controllers/controller-utils.js';
import {labelSelectorFromObject, matchesLabels} from '../api/selectors.js';

/**
 * A simulated ingress-nginx (kubernetes/ingress-nginx): the controller
 * Deployment and its LoadBalancer Service in the `ingress-nginx` namespace,
 * the `nginx` IngressClass marked default, and what the controller does
 * with Ingresses of that class. It publishes its Service's address in each
 * Ingress's status.loadBalancer (`--publish-service`), records the `Sync`
 * event, and routes requests as its nginx.conf does: a server per host
 * (exact names, then `*.` wildcards, then the catch-all), and in a server
 * Exact locations first, then the longest prefix. An unmatched request gets
 * the default backend's 404; a backend with no ready endpoint, 503.
 */

export const ingressNginxNamespace = 'ingress-nginx';
export const ingressNginxController = 'k8s.io/ingress-nginx';
export const ingressNginxName = 'ingress-nginx-controller';
const component = 'nginx-ingress-controller';

/** The install manifests (the deploy/static/provider/cloud YAML, cut to what the simulation runs). */
export const ingressNginxManifests: Manifest[] = [
	{
		apiVersion: 'v1',
		kind: 'Namespace',
		metadata: {
			name: 'ingress-nginx',
			labels: {'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/name': 'ingress-nginx'},
		},
	},
	{
		apiVersion: 'v1',
		kind: 'ServiceAccount',
		metadata: {
			name: 'ingress-nginx',
			namespace: 'ingress-nginx',
			labels: {
				'app.kubernetes.io/component': 'controller',
				'app.kubernetes.io/instance': 'ingress-nginx',
				'app.kubernetes.io/name': 'ingress-nginx',
			},
		},
	},
	{
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {
			name: 'ingress-nginx-controller',
			namespace: 'ingress-nginx',
			labels: {
				'app.kubernetes.io/component': 'controller',
				'app.kubernetes.io/instance': 'ingress-nginx',
				'app.kubernetes.io/name': 'ingress-nginx',
			},
		},
		spec: {
			replicas: 1,
			selector: {
				matchLabels: {
					'app.kubernetes.io/component': 'controller',
					'app.kubernetes.io/instance': 'ingress-nginx',
					'app.kubernetes.io/name': 'ingress-nginx',
				},
			},
			template: {
				metadata: {
					labels: {
						'app.kubernetes.io/component': 'controller',
						'app.kubernetes.io/instance': 'ingress-nginx',
						'app.kubernetes.io/name': 'ingress-nginx',
					},
				},
				spec: {
					serviceAccountName: 'ingress-nginx',
					containers: [
						{
							name: 'controller',
							image: 'registry.k8s.io/ingress-nginx/controller:v1.11.3',
							args: ['/nginx-ingress-controller', '--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller', '--election-id=ingress-nginx-leader', '--controller-class=k8s.io/ingress-nginx', '--ingress-class=nginx'],
							env: [
								{name: 'POD_NAME', valueFrom: {fieldRef: {fieldPath: 'metadata.name'}}},
								{
									name: 'POD_NAMESPACE',
									valueFrom: {fieldRef: {fieldPath: 'metadata.namespace'}},
								},
							],
							ports: [
								{name: 'http', containerPort: 80, protocol: 'TCP'},
								{name: 'https', containerPort: 443, protocol: 'TCP'},
							],
							resources: {requests: {cpu: '100m', memory: '90Mi'}},
						},
					],
				},
			},
		},
	},
	{
		apiVersion: 'v1',
		kind: 'Service',
		metadata: {
			name: 'ingress-nginx-controller',
			namespace: 'ingress-nginx',
			labels: {
				'app.kubernetes.io/component': 'controller',
				'app.kubernetes.io/instance': 'ingress-nginx',
				'app.kubernetes.io/name': 'ingress-nginx',
			},
		},
		spec: {
			type: 'LoadBalancer',
			externalTrafficPolicy: 'Local',
			ports: [
				{name: 'http', port: 80, protocol: 'TCP', targetPort: 'http'},
				{name: 'https', port: 443, protocol: 'TCP', targetPort: 'https'},
			],
			selector: {
				'app.kubernetes.io/component': 'controller',
				'app.kubernetes.io/instance': 'ingress-nginx',
				'app.kubernetes.io/name': 'ingress-nginx',
			},
		},
	},
	{
		apiVersion: 'networking.k8s.io/v1',
		kind: 'IngressClass',
		metadata: {
			name: 'nginx',
			labels: {
				'app.kubernetes.io/component': 'controller',
				'app.kubernetes.io/instance': 'ingress-nginx',
				'app.kubernetes.io/name': 'ingress-nginx',
			},
			annotations: {'ingressclass.kubernetes.io/is-default-class': 'true'},
		},
		spec: {controller: 'k8s.io/ingress-nginx'},
	},
];

/** The demo shop's Ingress: the storefront at shop.example, its API at api.shop.example. */
export const demoIngressManifest: Manifest[] = [
	{
		apiVersion: 'networking.k8s.io/v1',
		kind: 'Ingress',
		metadata: {name: 'shop', namespace: 'shop'},
		spec: {
			ingressClassName: 'nginx',
			rules: [
				{
					host: 'shop.example',
					http: {
						paths: [
							{
								path: '/',
								pathType: 'Prefix',
								backend: {service: {name: 'web', port: {number: 80}}},
							},
						],
					},
				},
				{
					host: 'api.shop.example',
					http: {
						paths: [
							{
								path: '/',
								pathType: 'Prefix',
								backend: {service: {name: 'api', port: {number: 8080}}},
							},
						],
					},
				},
			],
		},
	},
];

/** The IngressClass an Ingress belongs to: its ingressClassName, the old annotation, or none. */
function classNameOf(ingress: Ingress): string | undefined {
	return ingress.spec?.ingressClassName ?? ingress.metadata.annotations?.[ingressClassAnnotation];
}

/** Whether ingress-nginx serves this Ingress: its class names the ingress-nginx controller. */
export function servedByNginx(context: Pick<ControllerContext, 'store'>, ingress: Ingress): boolean {
	const name = classNameOf(ingress);
	if (!name) return false;
	const ingressClass = context.store.get('IngressClass', undefined, name) as IngressClass | undefined;
	// ingress-nginx also takes Ingresses whose annotation names its class when no IngressClass object exists.
	if (!ingressClass) return name === 'nginx' && !ingress.spec?.ingressClassName;
	return ingressClass.spec?.controller === ingressNginxController;
}

/** The running ingress-nginx controller pods (ready ones). */
function controllerPods(context: Pick<ControllerContext, 'store'>): Pod[] {
	const deployment = context.store.get('Deployment', ingressNginxNamespace, ingressNginxName);
	if (!deployment?.spec?.selector) return [];
	const selector = labelSelectorFromObject(deployment.spec.selector);
	return (context.store.list('Pod', ingressNginxNamespace) as Pod[]).filter(pod =>
		matchesLabels(selector, pod.metadata.labels) && !pod.metadata.deletionTimestamp
		&& pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True'));
}

// ----- routing ----------------------------------------------------------------------------

/** Where ingress-nginx sends one request. */
export type IngressRoute =
	| {status: 404; reason: 'no rule matched'}
	| {status: 503; reason: string; ingress: Ingress; backend: IngressBackend}
	| {status: 200; ingress: Ingress; backend: IngressBackend; service: Service; port: number};

type Location = {ingress: Ingress; path: string; pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific'; backend: IngressBackend};

/** Whether a Prefix path matches element-wise (`/foo` takes `/foo` and `/foo/bar`, not `/foobar`). */
function prefixMatches(prefix: string, path: string): boolean {
	const trimmed = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
	if (trimmed === '/') return true;
	return path === trimmed || path.startsWith(`${trimmed}/`);
}

function locationMatches(location: Location, path: string): boolean {
	if (location.pathType === 'Exact') return path === location.path;
	if (location.pathType === 'Prefix') return prefixMatches(location.path, path);
	// ImplementationSpecific is a plain nginx prefix location.
	return path.startsWith(location.path || '/');
}

/** The locations of the server block for `host` (exact host, then wildcard, then the catch-all). */
function serverLocations(ingresses: Ingress[], host: string): Location[] {
	const byHost = (match: (ruleHost: string) => boolean): Location[] => {
		const out: Location[] = [];
		for (const ingress of ingresses) {
			for (const rule of ingress.spec?.rules ?? []) {
				if (!match(rule.host ?? '')) continue;
				for (const path of rule.http?.paths ?? []) out.push(locationOf(ingress, path));
			}
		}
		return out;
	};
	const exact = byHost(ruleHost => ruleHost !== '' && ruleHost === host);
	if (exact.length > 0 || ingresses.some(i => i.spec?.rules?.some(r => r.host === host))) return exact;
	const wildcard = byHost(ruleHost => ruleHost.startsWith('*.') && host.endsWith(ruleHost.slice(1)) && !host.slice(0, -ruleHost.length + 1).includes('.'));
	if (wildcard.length > 0) return wildcard;
	return byHost(ruleHost => ruleHost === '');
}

function locationOf(ingress: Ingress, path: HTTPIngressPath): Location {
	return {ingress, path: path.path || '/', pathType: path.pathType ?? 'ImplementationSpecific', backend: path.backend};
}

/** The location nginx picks: an Exact match, else the longest matching prefix (oldest Ingress first on a tie). */
export function pickLocation(locations: Location[], path: string): Location | undefined {
	const exact = locations.find(l => l.pathType === 'Exact' && l.path === path);
	if (exact) return exact;
	let best: Location | undefined;
	for (const location of locations) {
		if (location.pathType === 'Exact' || !locationMatches(location, path)) continue;
		if (!best || location.path.length > best.path.length) best = location;
	}
	return best;
}

/**
 * Route one request (`Host` header and path) as ingress-nginx would, over
 * every Ingress it serves. The catch-all server falls back to the oldest
 * Ingress's defaultBackend.
 */
export function routeIngressRequest(context: Pick<ControllerContext, 'store'>, host: string, path: string): IngressRoute {
	const ingresses = (context.store.list('Ingress') as Ingress[])
		.filter(ingress => !ingress.metadata.deletionTimestamp && servedByNginx(context, ingress))
		.sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || keyOf(a).localeCompare(keyOf(b)));
	const cleanPath = path.split('?')[0] || '/';
	const hostname = host.replace(/:\d+$/, '').toLowerCase();
	let location: Pick<Location, 'ingress' | 'backend'> | undefined = pickLocation(serverLocations(ingresses, hostname), cleanPath);
	if (!location) {
		const fallback = ingresses.find(i => i.spec?.defaultBackend);
		const knownHost = ingresses.some(i => i.spec?.rules?.some(r => r.host === hostname));
		if (fallback && !knownHost) location = {ingress: fallback, backend: fallback.spec!.defaultBackend!};
	}
	if (!location) return {status: 404, reason: 'no rule matched'};
	const {ingress, backend} = location;
	if (!backend.service) return {status: 503, reason: 'resource backends are not served', ingress, backend};
	const namespace = ingress.metadata.namespace ?? 'default';
	const service = context.store.get('Service', namespace, backend.service.name) as Service | undefined;
	if (!service) return {status: 503, reason: `service ${namespace}/${backend.service.name} not found`, ingress, backend};
	const wanted = backend.service.port;
	const port = service.spec?.ports?.find(p => (wanted?.name ? p.name === wanted.name : p.port === wanted?.number));
	if (!port) return {status: 503, reason: `service ${namespace}/${backend.service.name} does not have port ${wanted?.name ?? wanted?.number}`, ingress, backend};
	return {status: 200, ingress, backend, service, port: port.port};
}

// ----- the controller -------------------------------------------------------------------------

/**
 * ingress-nginx's status sync and the DefaultIngressClass admission plugin:
 * an Ingress naming no class gets the one marked default; while a
 * controller pod is ready, each Ingress of its class carries the address of
 * the controller's Service. Idle when ingress-nginx is not installed.
 */
export function createIngressNginxController(context: ControllerContext): Controller {
	const {store, events} = context;
	const name = 'ingress-nginx';
	context.services.admission.set('Ingress', (object: KubeObject, existing: KubeObject | undefined) => {
		const ingress = object as Ingress;
		if (existing || ingress.spec?.ingressClassName || ingress.metadata.annotations?.[ingressClassAnnotation]) return object;
		// With several marked default, the most recently created one wins.
		const defaults = (store.list('IngressClass') as IngressClass[])
			.filter(c => c.metadata.annotations?.[defaultIngressClassAnnotation] === 'true')
			.sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name));
		if (defaults.length === 0) return object;
		return {...ingress, spec: {...ingress.spec, ingressClassName: defaults[0]!.metadata.name}};
	});

	const enqueueAll = () => {
		for (const ingress of store.list('Ingress')) context.queue(name).add(keyOf(ingress));
	};

	return {
		name,
		watches: {
			Ingress: ({type, object}) => (type === 'DELETED' ? undefined : keyOf(object)),
			IngressClass: () => {
				enqueueAll();
				return undefined;
			},
			Service: ({object}) => {
				if (object.metadata.namespace === ingressNginxNamespace && object.metadata.name === ingressNginxName) enqueueAll();
				return undefined;
			},
			Pod: ({object, old}) => {
				if (object.metadata.namespace !== ingressNginxNamespace) return undefined;
				const ready = (pod: KubeObject | undefined) => Boolean(pod?.status?.conditions?.some((c: {type: string; status: string}) => c.type === 'Ready' && c.status === 'True'));
				if (ready(object) !== ready(old)) enqueueAll();
				return undefined;
			},
		},
		sync(key) {
			const ingress = store.getByKey('Ingress', key) as Ingress | undefined;
			if (!ingress || ingress.metadata.deletionTimestamp || !servedByNginx(context, ingress)) return;
			const running = controllerPods(context).length > 0;
			const service = store.get('Service', ingressNginxNamespace, ingressNginxName) as Service | undefined;
			const addresses = running ? (service?.status?.loadBalancer?.ingress ?? []).map(i => (i.ip ? {ip: i.ip} : {hostname: i.hostname})) : [];
			const before = ingress.status?.loadBalancer?.ingress ?? [];
			if (running && before.length === 0 && addresses.length > 0) {
				events.normal(ingress, 'Sync', 'Scheduled for sync', {component});
			}
			writeStatusIfChanged(store, ingress, {loadBalancer: addresses.length > 0 ? {ingress: addresses} : {}});
		},
	};
}
