/**
 * The API server's health endpoints (`k8s.io/apiserver/pkg/server/healthz`):
 * `/livez`, `/readyz` and the older `/healthz` each run a list of named
 * checks, a kube-apiserver 1.31's: `ok` when all pass, each check's line
 * with `?verbose`, a check left out with `?exclude=NAME`, and one check on
 * its own at `/readyz/NAME`. The simulated control plane is always up, so
 * every check passes.
 */

export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';

export const healthEndpoints: readonly HealthEndpoint[] = ['healthz', 'livez', 'readyz'];

/** kube-apiserver's post-start hooks, in the order it registers them. */
const postStartHooks = [
	'start-apiserver-admission-initializer', 'generic-apiserver-start-informers', 'priority-and-fairness-config-consumer',
	'priority-and-fairness-filter', 'storage-object-count-tracker-hook', 'start-apiextensions-informers', 'start-apiextensions-controllers',
	'crd-informer-synced', 'start-system-namespaces-controller', 'start-cluster-authentication-info-controller',
	'start-kube-apiserver-identity-lease-controller', 'start-kube-apiserver-identity-lease-garbage-collector',
	'start-legacy-token-tracking-controller', 'start-service-ip-repair-controllers', 'rbac/bootstrap-roles',
	'scheduling/bootstrap-system-priority-classes', 'priority-and-fairness-config-producer', 'bootstrap-controller',
	'aggregator-reload-proxy-client-cert', 'start-kube-aggregator-informers', 'apiservice-status-local-available-controller',
	'apiservice-status-remote-available-controller', 'apiservice-registration-controller', 'apiservice-discovery-controller',
	'kube-apiserver-autoregistration',
].map(hook => `poststarthook/${hook}`);

/** What the aggregator adds after the hooks. */
const aggregatorChecks = ['autoregister-completion', 'poststarthook/apiservice-openapi-controller', 'poststarthook/apiservice-openapiv3-controller'];

/** Liveness's checks, which /healthz runs too. */
const liveChecks = ['ping', 'log', 'etcd', ...postStartHooks, ...aggregatorChecks];

/** The checks of each endpoint, in the order the server runs and prints them: readiness adds etcd's readiness, the informers' sync and the shutdown. */
const checks: Record<HealthEndpoint, readonly string[]> = {
	healthz: liveChecks,
	livez: liveChecks,
	readyz: ['ping', 'log', 'etcd', 'etcd-readiness', 'informer-sync', ...postStartHooks, ...aggregatorChecks, 'shutdown'],
};

/** Whether `name` is a check of `endpoint` (what `/readyz/NAME` serves). */
export function isHealthCheck(endpoint: HealthEndpoint, name: string): boolean {
	return checks[endpoint].includes(name);
}

/**
 * The body of a health endpoint (all checks, or the one `check` names): `ok`;
 * with `verbose`, a line a check (`[+]NAME ok`, or `excluded: ok` for one
 * the `exclude` values name), a warning for excluded names that match no
 * check, and `NAME check passed`.
 */
export function healthBody(endpoint: HealthEndpoint, check: string | undefined, query: URLSearchParams): string {
	if (check !== undefined) return 'ok';
	if (!query.has('verbose')) return 'ok';
	const excluded = new Set(query.getAll('exclude'));
	let out = '';
	for (const name of checks[endpoint]) {
		if (excluded.delete(name)) out += `[+]${name} excluded: ok\n`;
		else out += `[+]${name} ok\n`;
	}
	if (excluded.size > 0) out += `warn: some health checks cannot be excluded: no matches for ${[...excluded].sort().map(name => JSON.stringify(name)).join(',')}\n`;
	return `${out}${endpoint} check passed\n`;
}
