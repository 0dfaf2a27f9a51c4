/**
 * Calls of the engine's public API as plain data, the fast-check arbitraries
 * that generate them, and the two ways to use one: run it on a cluster, or
 * print it as the TypeScript line that replays it.
 *
 * Names come from a small pool (`a`, `b`), labels from another (`app: a|b`),
 * so calls keep landing on the same objects and on each other's pods: a
 * StatefulSet re-applied after an Orphan delete, a bare pod that a ReplicaSet
 * selects, a Service over a DaemonSet.
 */
import fc from 'fast-check';
import type {Cluster, Manifest, Pod} from '../../source/engine/index.js';
import {certificateRequest} from '../certificate-requests.js';

export const namePool = ['a', 'b'] as const;
export const appPool = ['a', 'b'] as const;
/** `default` most of the time; `tmp` is created and deleted by the calls themselves. */
export const namespacePool = ['default', 'default', 'default', 'default', 'default', 'tmp'] as const;
/** Good images (nginx serves, so pods turn Ready) and one that does not exist. */
export const imagePool = ['nginx:1.21', 'nginx:1.23', 'httpd:2.4', 'nginx:0.0-no-such-tag'] as const;

/** Kinds whose objects the controllers create, deleted by position (their names are generated). */
export const ownedKinds = ['pods', 'replicasets', 'endpoints', 'endpointslices', 'jobs', 'persistentvolumeclaims', 'controllerrevisions'] as const;

export type DeletePolicy = 'Foreground' | 'Background' | 'Orphan';

/** One call of the public API, as data. */
export type Call =
	/** `spoilt`: how one of the documents was made invalid; the API server refuses the call. */
	| {op: 'apply'; manifests: Manifest[]; spoilt?: string}
	| {op: 'scale'; kind: string; name: string; replicas: number; namespace?: string}
	| {op: 'setImage'; kind: string; name: string; container: string; image: string}
	| {op: 'rollback'; name: string; toRevision?: number}
	| {op: 'restart'; kind: string; name: string}
	| {op: 'delete'; kind: string; name: string; namespace?: string; propagationPolicy?: DeletePolicy; gracePeriodSeconds?: number}
	/** Delete the `index`-th (modulo) object of a kind in `default`, by name order; a no-op when there is none. */
	| {op: 'deleteNth'; kind: (typeof ownedKinds)[number]; index: number; propagationPolicy?: DeletePolicy; gracePeriodSeconds?: number}
	| {op: 'killNode' | 'restoreNode' | 'cordon' | 'uncordon'; node: string}
	| {op: 'drain'; node: string; force?: boolean; ignoreDaemonSets?: boolean; deleteEmptyDirData?: boolean}
	| {op: 'addNode'; name?: string; cpu?: number}
	| {op: 'deleteNode'; node: string}
	| {op: 'triggerCronJob'; name: string; jobName?: string}
	| {op: 'suspendCronJob'; name: string; suspend: boolean}
	| {op: 'expose'; kind: string; name: string; port?: number; serviceName?: string}
	| {op: 'startTraffic'; service: string; rps?: number}
	| {op: 'stopTraffic'; service: string}
	/** `kubectl debug POD`: one more ephemeral container in the nth pod of `default` (its own ones kept, as kubectl sends them). */
	| {op: 'debugPod'; index: number; container: string; image: string; command?: string[]; target?: string}
	/** A CertificateSigningRequest of one user's request (the same PEM in every run of this process) for the client signer, or an odd one. */
	| {op: 'requestCertificate'; name: string; usages: string[]; expirationSeconds?: number}
	/** `kubectl certificate approve|deny` of the nth request by name order; a no-op when there is none. */
	| {op: 'decideCertificate'; index: number; decision: 'Approved' | 'Denied'}
	| {op: 'advance'; ms: number};

/** The request every `requestCertificate` sends: made once, so a failing sequence replays with it. */
const userRequest = Buffer.from(certificateRequest({subject: [['CN', 'fuzz'], ['O', 'dev']], key: 'ec'}).pem).toString('base64');

/** A whole generated case: the cluster and the calls made on it. */
export type Scenario = {seed: number; nodes: number; calls: Call[]};

// ---------------------------------------------------------------- manifests

const name = fc.constantFrom(...namePool);
const app = fc.constantFrom(...appPool);
const namespace = fc.constantFrom(...namespacePool);
const image = fc.constantFrom(...imagePool, 'nginx:1.21', 'nginx:1.23');
/** Mostly small, sometimes a few hundred. */
const replicas = fc.oneof(
	{weight: 8, arbitrary: fc.integer({min: 0, max: 5})},
	{weight: 2, arbitrary: fc.integer({min: 6, max: 40})},
	{weight: 1, arbitrary: fc.integer({min: 100, max: 300})},
);
/** No requests (so hundreds of pods fit), or some up to most of a node. */
const resources = fc.option(
	fc.record({requests: fc.record({cpu: fc.constantFrom('50m', '100m', '500m', '3900m')}, {requiredKeys: []})}),
	{nil: undefined, freq: 2},
);

const container = fc.record({image, resources}).map(({image, resources}) => ({
	name: 'main', image, ports: [{containerPort: 80, name: 'http'}],
	...(resources ? {resources} : {}),
}));

function podSpec(extra: fc.Arbitrary<Record<string, unknown>> = fc.constant({})) {
	return fc.tuple(container, extra).map(([c, rest]) => ({containers: [c], ...rest}));
}

const meta = (kind: string) => fc.record({name, namespace}).map(m => ({...m, kind}));

const deployment = fc.record({
	m: meta('Deployment'), app, replicas, spec: podSpec(),
	strategy: fc.constantFrom(
		undefined,
		// A live RollingUpdate Deployment's defaulted rollingUpdate must be dropped by name to turn it Recreate.
		{type: 'Recreate', rollingUpdate: null},
		{type: 'RollingUpdate', rollingUpdate: {maxSurge: 1, maxUnavailable: 0}},
		{type: 'RollingUpdate', rollingUpdate: {maxSurge: '50%', maxUnavailable: '50%'}},
	),
}).map(({m, app, replicas, spec, strategy}) => ({
	apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: m.name, namespace: m.namespace},
	spec: {
		replicas, selector: {matchLabels: {app}}, ...(strategy ? {strategy} : {}),
		template: {metadata: {labels: {app}}, spec},
	},
}));

const replicaSet = fc.record({m: meta('ReplicaSet'), app, replicas, spec: podSpec()}).map(({m, app, replicas, spec}) => ({
	apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: m.name, namespace: m.namespace},
	spec: {replicas, selector: {matchLabels: {app}}, template: {metadata: {labels: {app}}, spec}},
}));

const statefulSet = fc.record({
	m: meta('StatefulSet'), app, replicas: fc.oneof({weight: 6, arbitrary: fc.integer({min: 0, max: 4})}, {weight: 1, arbitrary: fc.integer({min: 5, max: 30})}),
	spec: podSpec(), claims: fc.boolean(), parallel: fc.boolean(),
}).map(({m, app, replicas, spec, claims, parallel}) => ({
	apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name: m.name, namespace: m.namespace},
	spec: {
		serviceName: m.name, replicas, selector: {matchLabels: {app}},
		...(parallel ? {podManagementPolicy: 'Parallel'} : {}),
		template: {
			metadata: {labels: {app}},
			spec: claims ? {...spec, containers: spec.containers.map(c => ({...c, volumeMounts: [{name: 'data', mountPath: '/data'}]}))} : spec,
		},
		...(claims ? {volumeClaimTemplates: [{metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}}]} : {}),
	},
}));

const daemonSet = fc.record({m: meta('DaemonSet'), app, spec: podSpec(fc.constantFrom({}, {hostNetwork: true}))}).map(({m, app, spec}) => ({
	apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: m.name, namespace: m.namespace},
	spec: {selector: {matchLabels: {app}}, template: {metadata: {labels: {app}}, spec}},
}));

const script = fc.constantFrom('exit 0', 'exit 1', 'sleep 30', 'sleep 600');
const jobSpec = fc.record({
	script, completions: fc.integer({min: 1, max: 4}), parallelism: fc.integer({min: 1, max: 3}), backoffLimit: fc.integer({min: 0, max: 3}),
}).map(({script, ...spec}) => ({
	...spec,
	template: {spec: {restartPolicy: 'Never', containers: [{name: 'main', image: 'busybox:1.36', command: ['sh', '-c', script]}]}},
}));

const job = fc.record({m: meta('Job'), spec: jobSpec}).map(({m, spec}) => ({
	apiVersion: 'batch/v1', kind: 'Job', metadata: {name: m.name, namespace: m.namespace}, spec,
}));

const cronJob = fc.record({
	m: meta('CronJob'), spec: jobSpec,
	schedule: fc.constantFrom('*/1 * * * *', '*/5 * * * *', '0 * * * *'),
	concurrencyPolicy: fc.constantFrom('Allow', 'Forbid', 'Replace'),
	suspend: fc.boolean(),
}).map(({m, spec, schedule, concurrencyPolicy, suspend}) => ({
	apiVersion: 'batch/v1', kind: 'CronJob', metadata: {name: m.name, namespace: m.namespace},
	spec: {schedule, concurrencyPolicy, suspend, successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1, jobTemplate: {spec}},
}));

const service = fc.record({
	m: meta('Service'), app, shape: fc.constantFrom('ClusterIP', 'NodePort', 'headless', 'no-selector'),
	targetPort: fc.constantFrom<number | string>(80, 'http'),
}).map(({m, app, shape, targetPort}) => ({
	apiVersion: 'v1', kind: 'Service', metadata: {name: m.name, namespace: m.namespace},
	spec: {
		...(shape === 'no-selector' ? {} : {selector: {app}}),
		...(shape === 'NodePort' ? {type: 'NodePort'} : {}),
		...(shape === 'headless' ? {clusterIP: 'None'} : {}),
		ports: [{name: 'http', port: 80, targetPort}],
	},
}));

const configMap = fc.record({m: meta('ConfigMap'), value: fc.constantFrom('1', '2')}).map(({m, value}) => ({
	apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: m.name, namespace: m.namespace}, data: {key: value},
}));

const secret = fc.record({m: meta('Secret'), value: fc.constantFrom('MQ==', 'Mg==')}).map(({m, value}) => ({
	apiVersion: 'v1', kind: 'Secret', metadata: {name: m.name, namespace: m.namespace}, type: 'Opaque', data: {key: value},
}));

const pod = fc.record({
	m: meta('Pod'), app, spec: podSpec(fc.constantFrom({}, {}, {hostNetwork: true}, {restartPolicy: 'Never'})), claim: fc.option(name, {nil: undefined, freq: 3}),
}).map(({m, app, spec, claim}) => ({
	apiVersion: 'v1', kind: 'Pod', metadata: {name: m.name, namespace: m.namespace, labels: {app}},
	spec: claim
		? {...spec, volumes: [{name: 'data', persistentVolumeClaim: {claimName: claim}}], containers: spec.containers.map(c => ({...c, volumeMounts: [{name: 'data', mountPath: '/data'}]}))}
		: spec,
}));

const claim = fc.record({m: meta('PersistentVolumeClaim'), size: fc.constantFrom('1Gi', '2Gi')}).map(({m, size}) => ({
	apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name: m.name, namespace: m.namespace},
	spec: {accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: {requests: {storage: size}}},
}));

const namespaceObject = fc.constant({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'tmp'}});

/** A valid manifest of any kind the fuzzer applies. */
export const validManifest: fc.Arbitrary<Manifest> = fc.oneof(
	{weight: 4, arbitrary: deployment},
	{weight: 3, arbitrary: replicaSet},
	{weight: 3, arbitrary: statefulSet},
	{weight: 2, arbitrary: daemonSet},
	{weight: 2, arbitrary: job},
	{weight: 2, arbitrary: cronJob},
	{weight: 3, arbitrary: service},
	{weight: 1, arbitrary: configMap},
	{weight: 1, arbitrary: secret},
	{weight: 3, arbitrary: pod},
	{weight: 2, arbitrary: claim},
	{weight: 2, arbitrary: namespaceObject},
) as fc.Arbitrary<Manifest>;

type Breaker = (m: any) => Manifest;

/** Ways to spoil a manifest, each refused by the real API server. */
const breakers: Array<[string, Breaker]> = [
	['bad name', m => ({...m, metadata: {...m.metadata, name: 'Bad_Name'}})],
	['no kind', m => ({...m, kind: undefined})],
	['unknown version', m => ({...m, apiVersion: 'v9'})],
	['negative replicas', m => (['Deployment', 'ReplicaSet', 'StatefulSet'].includes(m.kind) ? {...m, spec: {...m.spec, replicas: -1}} : {...m, metadata: {...m.metadata, name: 'Bad_Name'}})],
	['selector mismatch', m => (m.spec?.selector ? {...m, spec: {...m.spec, selector: {matchLabels: {app: 'nobody'}}}} : {...m, metadata: {...m.metadata, name: ''}})],
	['no containers', m => mapPodSpec(m, spec => ({...spec, containers: []}))],
	['resources as a list', m => mapPodSpec(m, spec => ({...spec, containers: [{...spec.containers[0], resources: [{cpu: '1'}]}]}))],
	['env as a string', m => mapPodSpec(m, spec => ({...spec, containers: [{...spec.containers[0], env: 'A=1'}]}))],
	// Required in a pod; a template may leave it empty for an admission webhook to fill.
	['empty image', m => (m.kind === 'Pod' ? {...m, spec: {...m.spec, containers: [{...m.spec.containers[0], image: ''}]}} : {...m, metadata: {...m.metadata, name: 'Bad_Name'}})],
	['restartPolicy Never', m => mapPodSpec(m, spec => ({...spec, restartPolicy: m.kind === 'Job' || m.kind === 'CronJob' || m.kind === 'Pod' ? 'Sometimes' : 'Never'}))],
	['bad schedule', m => (m.kind === 'CronJob' ? {...m, spec: {...m.spec, schedule: 'every minute'}} : {...m, metadata: 'oops'})],
	['spec as a string', m => (m.spec ? {...m, spec: 'nope'} : {...m, metadata: {...m.metadata, name: 'Bad_Name'}})],
	// A probe every -1 s: stored, it stopped the clock for good.
	['negative probe period', m => mapPodSpec(m, spec => ({...spec, containers: [{...spec.containers[0], livenessProbe: {exec: {command: ['true']}, periodSeconds: -1}}]}))],
	['probe with two handlers', m => mapPodSpec(m, spec => ({...spec, containers: [{...spec.containers[0], readinessProbe: {exec: {command: ['true']}, tcpSocket: {port: 80}}}]}))],
	['request over its limit', m => mapPodSpec(m, spec => ({...spec, containers: [{...spec.containers[0], resources: {requests: {memory: '2Gi'}, limits: {memory: '1Gi'}}}]}))],
	['unknown pull policy', m => mapPodSpec(m, spec => ({...spec, containers: [{...spec.containers[0], imagePullPolicy: 'Sometimes'}]}))],
	['volume with two sources', m => mapPodSpec(m, spec => ({...spec, volumes: [{name: 'scratch', emptyDir: {}, hostPath: {path: '/tmp'}}]}))],
	['toleration of an unknown operator', m => mapPodSpec(m, spec => ({...spec, tolerations: [{key: 'gpu', operator: 'Maybe'}]}))],
];

/** The pod spec of a manifest, wherever its kind keeps it; other kinds get a bad name instead. */
function mapPodSpec(m: any, change: (spec: any) => any): Manifest {
	if (m.kind === 'Pod') return {...m, spec: change(m.spec)};
	if (m.spec?.template?.spec) return {...m, spec: {...m.spec, template: {...m.spec.template, spec: change(m.spec.template.spec)}}};
	if (m.spec?.jobTemplate) {
		const t = m.spec.jobTemplate.spec.template;
		return {...m, spec: {...m.spec, jobTemplate: {spec: {...m.spec.jobTemplate.spec, template: {...t, spec: change(t.spec)}}}}};
	}
	return {...m, metadata: {...m.metadata, name: '-bad-'}};
}

/** A manifest the API server refuses, with the way it was spoilt. */
export const invalidManifest: fc.Arbitrary<{manifest: Manifest; spoilt: string}> = fc.tuple(validManifest, fc.integer({min: 0, max: breakers.length - 1}))
	.map(([m, i]) => ({manifest: breakers[i]![1](m), spoilt: breakers[i]![0]}));

const anyManifest = fc.oneof(
	{weight: 5, arbitrary: validManifest.map(manifest => ({manifest, spoilt: undefined}))},
	{weight: 1, arbitrary: invalidManifest},
);

// ---------------------------------------------------------------- calls

/** Node names: the first workers, one that addNode makes, and one that never exists. */
export const nodePool = ['kubarium-worker', 'kubarium-worker2', 'kubarium-worker3', 'kubarium-worker4', 'extra', 'nope'] as const;
const node = fc.constantFrom(...nodePool);
const policy = fc.option(fc.constantFrom<DeletePolicy>('Foreground', 'Background', 'Orphan', 'Orphan'), {nil: undefined, freq: 4});
const grace = fc.option(fc.constantFrom(0, 1, 30), {nil: undefined, freq: 2});
const workloadKind = fc.oneof(
	{weight: 4, arbitrary: fc.constantFrom('deploy', 'rs', 'sts', 'ds', 'pod')},
	{weight: 2, arbitrary: fc.constantFrom('job', 'cj', 'svc', 'pvc')},
	{weight: 1, arbitrary: fc.constantFrom('cm', 'secret', 'deployments.apps', 'nonsense')},
);
const scalableKind = fc.constantFrom('deploy', 'rs', 'sts', 'ds');

export const callArbitrary: fc.Arbitrary<Call> = fc.oneof(
	{weight: 12, arbitrary: fc.array(anyManifest, {minLength: 1, maxLength: 3}).map(list => {
		const spoilt = list.map(d => d.spoilt).filter(Boolean);
		return {op: 'apply' as const, manifests: list.map(d => d.manifest), ...(spoilt.length > 0 ? {spoilt: spoilt.join(', ')} : {})};
	})},
	{weight: 4, arbitrary: fc.record({op: fc.constant('scale' as const), kind: scalableKind, name, replicas: fc.oneof(replicas, fc.constant(-1))})},
	{weight: 2, arbitrary: fc.record({op: fc.constant('setImage' as const), kind: fc.constantFrom('deploy', 'sts', 'ds', 'rs'), name, container: fc.constantFrom('main', '*', 'nope'), image})},
	{weight: 2, arbitrary: fc.record({op: fc.constant('rollback' as const), name, toRevision: fc.option(fc.integer({min: 0, max: 3}), {nil: undefined})}, {requiredKeys: ['op', 'name']})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('restart' as const), kind: fc.constantFrom('deploy', 'sts', 'ds', 'rs'), name})},
	{weight: 6, arbitrary: fc.record({op: fc.constant('delete' as const), kind: workloadKind, name, namespace: fc.constantFrom('default', 'default', 'tmp'), propagationPolicy: policy, gracePeriodSeconds: grace}, {requiredKeys: ['op', 'kind', 'name']})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('delete' as const), kind: fc.constant('namespace'), name: fc.constantFrom('tmp', 'default', 'kube-system')})},
	{weight: 4, arbitrary: fc.record({op: fc.constant('deleteNth' as const), kind: fc.constantFrom(...ownedKinds), index: fc.nat(50), propagationPolicy: policy, gracePeriodSeconds: grace}, {requiredKeys: ['op', 'kind', 'index']})},
	{weight: 2, arbitrary: fc.record({op: fc.constantFrom('killNode' as const, 'restoreNode' as const, 'cordon' as const, 'uncordon' as const), node})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('drain' as const), node, force: fc.boolean(), ignoreDaemonSets: fc.boolean(), deleteEmptyDirData: fc.boolean()})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('addNode' as const), name: fc.option(fc.constantFrom('extra', 'Bad_Node'), {nil: undefined}), cpu: fc.option(fc.constantFrom(1, 8), {nil: undefined})}, {requiredKeys: ['op']})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('deleteNode' as const), node})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('triggerCronJob' as const), name, jobName: fc.option(fc.constantFrom('manual', 'Bad_Job'), {nil: undefined})}, {requiredKeys: ['op', 'name']})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('suspendCronJob' as const), name, suspend: fc.boolean()})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('expose' as const), kind: fc.constantFrom('deploy', 'rs', 'sts', 'pod', 'cm'), name, port: fc.option(fc.constantFrom(80, 8080, 0), {nil: undefined}), serviceName: fc.option(name, {nil: undefined})}, {requiredKeys: ['op', 'kind', 'name']})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('startTraffic' as const), service: name, rps: fc.option(fc.constantFrom(1, 20, -5), {nil: undefined})}, {requiredKeys: ['op', 'service']})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('stopTraffic' as const), service: name})},
	{weight: 1, arbitrary: fc.record({
		op: fc.constant('debugPod' as const), index: fc.nat(50), container: fc.constantFrom('debugger-a', 'debugger-b', 'main', 'Bad_Name'),
		image: fc.constantFrom('busybox:1.36', 'busybox:1.36', 'nginx:1.25', ''),
		command: fc.option(fc.constantFrom(['sleep', '30'], ['sh', '-c', 'exit 2'], ['sh']), {nil: undefined}),
		target: fc.option(fc.constantFrom('main', 'nope'), {nil: undefined}),
	}, {requiredKeys: ['op', 'index', 'container', 'image']})},
	{weight: 1, arbitrary: fc.record({
		op: fc.constant('requestCertificate' as const), name: fc.constantFrom('alice', 'bob'),
		usages: fc.constantFrom(['client auth'], ['digital signature', 'client auth'], ['server auth'], []),
		expirationSeconds: fc.option(fc.constantFrom(600, 3600, 599), {nil: undefined}),
	}, {requiredKeys: ['op', 'name', 'usages']})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('decideCertificate' as const), index: fc.nat(5), decision: fc.constantFrom('Approved' as const, 'Approved' as const, 'Denied' as const)})},
	{weight: 10, arbitrary: fc.record({op: fc.constant('advance' as const), ms: fc.oneof(
		{weight: 5, arbitrary: fc.integer({min: 1000, max: 30_000})},
		{weight: 2, arbitrary: fc.integer({min: 30_000, max: 600_000})},
		{weight: 1, arbitrary: fc.constant(0)},
	)})},
) as fc.Arbitrary<Call>;

export function scenarioArbitrary(options: {maxCalls?: number} = {}): fc.Arbitrary<Scenario> {
	const maxCalls = options.maxCalls ?? 30;
	// A few valid objects first, so the random calls find something to act on.
	const setup = fc.array(validManifest, {minLength: 0, maxLength: 4}).map(manifests => manifests.map(m => ({op: 'apply' as const, manifests: [m]})));
	return fc.record({
		seed: fc.integer({min: 1, max: 1000}),
		nodes: fc.integer({min: 1, max: 4}),
		setup,
		calls: fc.array(callArbitrary, {minLength: 1, maxLength: maxCalls, size: 'max'}),
	}).map(({seed, nodes, setup, calls}) => ({seed, nodes, calls: [...setup, ...calls].slice(0, Math.max(maxCalls, 1))}));
}

// ---------------------------------------------------------------- running and printing

/** The object a `deleteNth` call picks now, or undefined when there is none. */
export function nthName(cluster: Cluster, kind: string, index: number): string | undefined {
	const names = cluster.list(kind, {namespace: 'default'}).map(o => o.metadata.name).sort();
	return names.length === 0 ? undefined : names[index % names.length];
}

/**
 * Run one call. Returns the call as the line of code that replays it (with
 * the names a `deleteNth` resolved to), so a failing sequence prints as a
 * program. Throws whatever the engine throws.
 */
export function runCall(cluster: Cluster, call: Call, record: (line: string) => void): void {
	const c = 'cluster';
	const js = (value: unknown) => JSON.stringify(value);
	const opts = (value: Record<string, unknown>) => {
		const defined = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
		return Object.keys(defined).length === 0 ? '' : `, ${js(defined)}`;
	};
	switch (call.op) {
		case 'apply':
			record(`${c}.apply(${js(call.manifests.length === 1 ? call.manifests[0] : call.manifests)});`);
			cluster.apply(structuredClone(call.manifests.length === 1 ? call.manifests[0]! : call.manifests));
			return;
		case 'scale':
			record(`${c}.scale(${js(call.kind)}, ${js(call.name)}, ${call.replicas});`);
			cluster.scale(call.kind, call.name, call.replicas);
			return;
		case 'setImage':
			record(`${c}.setImage(${js(call.kind)}, ${js(call.name)}, ${js(call.container)}, ${js(call.image)});`);
			cluster.setImage(call.kind, call.name, call.container, call.image);
			return;
		case 'rollback':
			record(`${c}.rollback(${js(call.name)}${opts({toRevision: call.toRevision})});`);
			cluster.rollback(call.name, call.toRevision === undefined ? {} : {toRevision: call.toRevision});
			return;
		case 'restart':
			record(`${c}.restart(${js(call.kind)}, ${js(call.name)});`);
			cluster.restart(call.kind, call.name);
			return;
		case 'delete': {
			const options = {namespace: call.namespace, propagationPolicy: call.propagationPolicy, gracePeriodSeconds: call.gracePeriodSeconds};
			record(`${c}.delete(${js(call.kind)}, ${js(call.name)}${opts(options)});`);
			cluster.delete(call.kind, call.name, withoutUndefined(options));
			return;
		}
		case 'deleteNth': {
			const target = nthName(cluster, call.kind, call.index);
			if (target === undefined) return;
			const options = {propagationPolicy: call.propagationPolicy, gracePeriodSeconds: call.gracePeriodSeconds};
			record(`${c}.delete(${js(call.kind)}, ${js(target)}${opts(options)});`);
			cluster.delete(call.kind, target, withoutUndefined(options));
			return;
		}
		case 'killNode': case 'restoreNode': case 'cordon': case 'uncordon':
			record(`${c}.${call.op}(${js(call.node)});`);
			cluster[call.op](call.node);
			return;
		case 'drain': {
			const options = {force: call.force, ignoreDaemonSets: call.ignoreDaemonSets, deleteEmptyDirData: call.deleteEmptyDirData};
			record(`${c}.drain(${js(call.node)}${opts(options)});`);
			cluster.drain(call.node, withoutUndefined(options));
			return;
		}
		case 'addNode': {
			const options = {name: call.name, cpu: call.cpu};
			record(`${c}.addNode(${opts(options).slice(2)});`);
			cluster.addNode(withoutUndefined(options));
			return;
		}
		case 'deleteNode':
			record(`${c}.delete('node', ${js(call.node)});`);
			cluster.delete('node', call.node);
			return;
		case 'triggerCronJob':
			record(`${c}.triggerCronJob(${js(call.name)}${opts({jobName: call.jobName})});`);
			cluster.triggerCronJob(call.name, withoutUndefined({jobName: call.jobName}));
			return;
		case 'suspendCronJob':
			record(`${c}.suspendCronJob(${js(call.name)}, ${call.suspend});`);
			cluster.suspendCronJob(call.name, call.suspend);
			return;
		case 'expose': {
			const options = {port: call.port, name: call.serviceName};
			record(`${c}.expose(${js(call.kind)}, ${js(call.name)}${opts(options)});`);
			cluster.expose(call.kind, call.name, withoutUndefined(options));
			return;
		}
		case 'startTraffic':
			record(`${c}.startTraffic(${js(call.service)}${opts({rps: call.rps})});`);
			cluster.startTraffic(call.service, withoutUndefined({rps: call.rps}));
			return;
		case 'stopTraffic':
			record(`${c}.stopTraffic(${js(call.service)});`);
			cluster.stopTraffic(call.service);
			return;
		case 'debugPod': {
			const target = nthName(cluster, 'pods', call.index);
			if (target === undefined) return;
			const pod = cluster.get('Pod', target, 'default') as Pod;
			const added = {name: call.container, image: call.image, ...(call.command ? {command: call.command} : {}), ...(call.target ? {targetContainerName: call.target} : {})};
			const containers = [...pod.spec?.ephemeralContainers ?? [], added];
			record(`${c}.replaceEphemeralContainers(${js(target)}, ${js(containers)});`);
			cluster.replaceEphemeralContainers(target, containers);
			return;
		}
		case 'requestCertificate': {
			const manifest = {
				apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: {name: call.name},
				spec: {request: userRequest, signerName: 'kubernetes.io/kube-apiserver-client', usages: call.usages, ...(call.expirationSeconds === undefined ? {} : {expirationSeconds: call.expirationSeconds})},
			};
			record(`${c}.create(${js(manifest)});`);
			cluster.create(manifest);
			return;
		}
		case 'decideCertificate': {
			const names = cluster.list('CertificateSigningRequest').map(o => o.metadata.name).sort();
			if (names.length === 0) return;
			const target = names[call.index % names.length]!;
			const current = (cluster.get('CertificateSigningRequest', target)?.status as {conditions?: unknown[]} | undefined)?.conditions ?? [];
			const conditions = [...current, {type: call.decision, status: 'True', reason: call.decision === 'Approved' ? 'KubectlApprove' : 'KubectlDeny'}];
			record(`${c}.replaceApproval(${js(target)}, ${js(conditions)});`);
			cluster.replaceApproval(target, conditions);
			return;
		}
		case 'advance':
			record(`${c}.advance(${call.ms});`);
			cluster.advance(call.ms);
			return;
	}
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
