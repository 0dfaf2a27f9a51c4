/**
 * `npm run fuzz:api -- --seed S --calls N`: random Kubernetes API calls,
 * valid and invalid, against `kubarium serve` run from outside as a user
 * runs it (the built app, HTTPS, the kubeconfig it writes), time paused so
 * that only the calls write. What every answer must keep:
 *  - no 5xx and no dropped connection;
 *  - a refusal is a `Status` (`kind: Status`, `status: Failure`, its
 *    `code` the HTTP status, a message);
 *  - a refused call and a dry run write nothing: the store's
 *    resourceVersion (a list's) is the same after them;
 *  - the server still answers at the end, and SIGTERM ends it with exit 0.
 * Prints each broken rule once with the call that broke it; exit 1 then.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {request} from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator} from 'pure-rand';
import {parse as parseYaml} from 'yaml';
import {fuzzFlags} from './flags.js';
import {certificateRequest} from './certificate-requests.js';

const usage = `usage: npm run fuzz:api -- [--seed S] [--calls N]

  --seed S    seed of the calls (integer; default: a random one, printed)
  --calls N   calls to make (default 2000)`;

const {seed, values, fail} = fuzzFlags('fuzz:api', usage, ['calls']);
const calls = values.calls ?? 2000;
if (!(calls >= 1)) fail(`--calls must be at least 1, got "${calls}"`);

const generator: RandomGenerator = xoroshiro128plus(seed);
const below = (n: number) => unsafeUniformIntDistribution(0, n - 1, generator);
const chance = (p: number) => below(1_000_000) < p * 1_000_000;
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;

// ----- the server ---------------------------------------------------------

const configDir = mkdtempSync(join(tmpdir(), 'kubarium-fuzz-api-'));
const root = new URL('../..', import.meta.url);
const server = spawn(process.execPath, ['dist/bundle/cli.js', 'serve', '--port', '0', '--speed', '0', '--config-dir', configDir], {
	cwd: root, env: {...process.env, NODE_ENV: 'production'}, stdio: ['ignore', 'pipe', 'pipe'],
});
let printed = '';
let stderr = '';
let ended: {code: number | null; signal: string | null} | undefined;
server.stdout.setEncoding('utf8').on('data', (text: string) => (printed += text));
server.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
const exited = new Promise<void>(resolve => server.on('exit', (code, signal) => {
	ended = {code, signal};
	resolve();
}));
// However this process ends (a crash of the fuzzer itself included), its server and config dir go with it.
process.on('exit', () => {
	if (!ended) server.kill('SIGKILL');
	rmSync(configDir, {recursive: true, force: true});
});
const deadline = Date.now() + 30_000;
while (!/export KUBECONFIG=\S+\n/.test(printed)) {
	if (ended || Date.now() > deadline) fail(`kubarium serve did not start: ${stderr || printed}`);
	await new Promise(resolve => setTimeout(resolve, 50));
}
type Kubeconfig = {clusters: Array<{name: string; cluster: {server: string; 'certificate-authority-data': string}}>; users: Array<{name: string; user: {token: string}}>};
const kubeconfig = parseYaml(readFileSync(/export KUBECONFIG=(\S+)/.exec(printed)![1]!, 'utf8')) as Kubeconfig;
const {server: address, 'certificate-authority-data': caData} = kubeconfig.clusters[0]!.cluster;
const token = kubeconfig.users[0]!.user.token;
const ca = Buffer.from(caData, 'base64');
const {hostname, port} = new URL(address);

type Answer = {status: number; text: string};

function call(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Answer> {
	return new Promise(resolve => {
		const headers: Record<string, string | number> = {authorization: `Bearer ${token}`, accept: 'application/json'};
		if (body !== undefined) Object.assign(headers, {'content-type': contentType, 'content-length': Buffer.byteLength(body)});
		const outgoing = request({hostname, port, method, path, ca, headers, timeout: 10_000}, response => {
			let text = '';
			response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({status: response.statusCode ?? 0, text}));
		});
		outgoing.on('error', error => resolve({status: 0, text: String(error)}));
		outgoing.on('timeout', () => {
			outgoing.destroy();
			resolve({status: 0, text: 'no answer within 10 s'});
		});
		outgoing.end(body);
	});
}

async function resourceVersion(): Promise<string> {
	const answer = await call('GET', '/api/v1/namespaces');
	return (JSON.parse(answer.text) as {metadata: {resourceVersion: string}}).metadata.resourceVersion;
}

// ----- the calls -----------------------------------------------------------

/** Group-version path, plural, kind, apiVersion, namespaced. */
type Resource = [string, string, string, string, boolean];
const resources: Resource[] = [
	['/api/v1', 'pods', 'Pod', 'v1', true], ['/api/v1', 'services', 'Service', 'v1', true],
	['/api/v1', 'configmaps', 'ConfigMap', 'v1', true], ['/api/v1', 'secrets', 'Secret', 'v1', true],
	['/api/v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', 'v1', true], ['/api/v1', 'serviceaccounts', 'ServiceAccount', 'v1', true],
	['/api/v1', 'resourcequotas', 'ResourceQuota', 'v1', true], ['/api/v1', 'limitranges', 'LimitRange', 'v1', true],
	['/apis/apps/v1', 'deployments', 'Deployment', 'apps/v1', true], ['/apis/apps/v1', 'statefulsets', 'StatefulSet', 'apps/v1', true],
	['/apis/apps/v1', 'daemonsets', 'DaemonSet', 'apps/v1', true], ['/apis/apps/v1', 'replicasets', 'ReplicaSet', 'apps/v1', true],
	['/apis/batch/v1', 'jobs', 'Job', 'batch/v1', true], ['/apis/batch/v1', 'cronjobs', 'CronJob', 'batch/v1', true],
	['/apis/networking.k8s.io/v1', 'ingresses', 'Ingress', 'networking.k8s.io/v1', true],
	['/apis/policy/v1', 'poddisruptionbudgets', 'PodDisruptionBudget', 'policy/v1', true],
	['/apis/autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', 'autoscaling/v2', true],
	['/apis/rbac.authorization.k8s.io/v1', 'roles', 'Role', 'rbac.authorization.k8s.io/v1', true],
	['/apis/rbac.authorization.k8s.io/v1', 'rolebindings', 'RoleBinding', 'rbac.authorization.k8s.io/v1', true],
	['/api/v1', 'nodes', 'Node', 'v1', false], ['/api/v1', 'namespaces', 'Namespace', 'v1', false],
	['/api/v1', 'persistentvolumes', 'PersistentVolume', 'v1', false],
	['/apis/storage.k8s.io/v1', 'storageclasses', 'StorageClass', 'storage.k8s.io/v1', false],
	['/apis/rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRole', 'rbac.authorization.k8s.io/v1', false],
	['/apis/certificates.k8s.io/v1', 'certificatesigningrequests', 'CertificateSigningRequest', 'certificates.k8s.io/v1', false],
];
/** A request that is one (a user's), base64 as the API takes it. */
const validRequest = Buffer.from(certificateRequest({subject: [['CN', 'fuzz'], ['O', 'dev']], key: 'ec'}).pem).toString('base64');
// The demo's own names come up often, so that calls meet objects that exist.
const names = ['web', 'web', 'api', 'api', 'worker', 'db', 'x', 'x', 'y', 'kubernetes', 'default', 'shop', 'kube-system', 'a-b', 'Bad_Name', '', 'a'.repeat(300), '..', 'ü'];
const namespaces = ['default', 'default', 'shop', 'shop', 'shop', 'kube-system', 'missing', 'Bad', ''];
const oddValues: unknown[] = [null, -1, 0, 1, 3, 2.5, 1e9, 'x', '', true, [], {}, {a: 1}, 'é'.repeat(100), 2 ** 53];
const queries = ['', '', '?dryRun=All', '?fieldManager=fuzz', '?labelSelector=app%3D%3Dx', '?labelSelector=%21%21', '?limit=-1', '?limit=2&continue=garbage',
	'?fieldSelector=spec.nodeName%3Dx', '?fieldSelector=bogus%3D1', '?propagationPolicy=Foreground', '?gracePeriodSeconds=-5', '?dryRun=Bogus'];

function specOf(kind: string): Record<string, unknown> {
	const labels = {app: pick(['web', 'x', 'db'])};
	const podSpec = {containers: [{name: pick(['c', 'web', 'Bad Name']), image: pick(['nginx:1.25', 'busybox', 'redis:7', '', 'missing:latest']), command: pick([undefined, ['sh', '-c', 'sleep 1000'], ['false']])}]};
	const template = {metadata: {labels}, spec: podSpec};
	switch (kind) {
		case 'Pod': return {spec: podSpec};
		case 'Deployment': case 'ReplicaSet': case 'StatefulSet': case 'DaemonSet':
			return {spec: {replicas: pick([0, 1, 2, 5]), selector: {matchLabels: labels}, template, serviceName: 'x'}};
		case 'Job': return {spec: {template: {...template, spec: {...podSpec, restartPolicy: 'Never'}}}};
		case 'CronJob': return {spec: {schedule: pick(['*/1 * * * *', 'bad', '@hourly']), jobTemplate: {spec: {template: {...template, spec: {...podSpec, restartPolicy: 'OnFailure'}}}}}};
		case 'Service': return {spec: {selector: labels, ports: [{port: pick([80, 0, 70_000]), targetPort: 8080}], type: pick(['ClusterIP', 'NodePort', 'LoadBalancer', 'Bogus'])}};
		case 'ConfigMap': return {data: {key: 'value'}};
		case 'Secret': return {stringData: {key: 'value'}};
		case 'PersistentVolumeClaim': return {spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: pick(['1Gi', 'x', '-1Gi'])}}}};
		case 'ResourceQuota': return {spec: {hard: {pods: pick(['10', '0', 'x'])}}};
		case 'PodDisruptionBudget': return {spec: {minAvailable: pick([1, '50%', 'x']), selector: {matchLabels: labels}}};
		case 'HorizontalPodAutoscaler': return {spec: {scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'web'}, minReplicas: 1, maxReplicas: pick([3, 0])}};
		case 'CertificateSigningRequest': return {
			spec: {
				request: pick([validRequest, validRequest, 'bm90IGEgcmVxdWVzdA==', 'no!base64', '']),
				signerName: pick(['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client', 'kubernetes.io/kubelet-serving', 'example.com/x', 'bad', 'kubernetes.io/legacy-unknown']),
				usages: pick([['client auth'], ['client auth'], ['server auth'], [], ['nope'], ['client auth', 'client auth']]),
				expirationSeconds: pick([undefined, 600, 599, 86400]),
			},
			status: pick([undefined, {conditions: [{type: 'Approved', status: 'True'}]}]),
		};
		default: return {};
	}
}

/** Some fields of `value`, at any depth, dropped or set to an odd value. */
function damage(value: unknown, depth = 0): unknown {
	if (value === null || typeof value !== 'object' || depth > 6) return value;
	const record = value as Record<string, unknown>;
	for (const key of Object.keys(record)) {
		if (chance(0.05)) delete record[key];
		// A copy: damaging a shared odd value in place could make it hold itself.
		else if (chance(0.05)) record[key] = structuredClone(pick(oddValues));
		else damage(record[key], depth + 1);
	}
	return value;
}

function manifest([, , kind, apiVersion]: Resource, name: string, namespace: string): string {
	if (chance(0.05)) return pick(['not json', '{', '[]', 'null', '""', '{"kind":1}', '\u0000']);
	const object = {
		apiVersion: chance(0.05) ? 'v9' : apiVersion,
		kind: chance(0.05) ? 'Pod' : kind,
		metadata: {name, namespace: chance(0.1) ? pick(namespaces) : namespace, labels: chance(0.1) ? {'bad key!': 'v'} : {app: 'x'}},
		...specOf(kind),
	};
	return JSON.stringify(chance(0.5) ? damage(object) : object);
}

type Call = {method: string; path: string; body?: string; contentType?: string};

function nextCall(): Call {
	const resource = pick(resources);
	const [group, plural, , , namespaced] = resource;
	const namespace = pick(namespaces);
	const name = pick(names);
	const collection = namespaced ? `${group}/namespaces/${encodeURIComponent(namespace)}/${plural}` : `${group}/${plural}`;
	const item = `${collection}/${encodeURIComponent(name)}`;
	const query = pick(queries);
	const patchType = pick(['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json']);
	switch (pick(['get', 'get', 'list', 'create', 'create', 'replace', 'patch', 'delete', 'deletecollection', 'status', 'scale', 'apply', 'ephemeral', 'approval'])) {
		case 'get': return {method: 'GET', path: item + query};
		case 'list': return {method: 'GET', path: collection + query};
		case 'create': return {method: 'POST', path: collection + query, body: manifest(resource, name, namespace)};
		case 'replace': return {method: 'PUT', path: item + query, body: manifest(resource, name, namespace)};
		case 'patch': return {
			method: 'PATCH', path: item + query, contentType: patchType,
			body: JSON.stringify(patchType === 'application/json-patch+json'
				? pick([[{op: 'replace', path: '/spec/replicas', value: pick(oddValues)}], [{op: 'remove', path: '/metadata'}], [{op: 'bogus'}], 'x', [{op: 'add', path: '/metadata/labels/a', value: 'b'}]])
				: damage({metadata: {labels: {z: pick(['1', null, 'é'])}}, spec: {replicas: pick(oddValues)}})),
		};
		case 'delete': return {
			method: 'DELETE', path: item + query,
			body: chance(0.3) ? JSON.stringify({kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: pick(oddValues), propagationPolicy: pick(['Orphan', 'Bogus', 'Background'])}) : undefined,
		};
		case 'deletecollection': return {method: 'DELETE', path: collection + pick(['?labelSelector=app%3Dx', '?labelSelector=missing%3D1', '?fieldSelector=metadata.name%3Dx', '?dryRun=All'])};
		case 'status': {
			const method = pick(['GET', 'PUT', 'PATCH']);
			if (method === 'GET') return {method, path: `${item}/status`};
			if (method === 'PUT') return {method, path: `${item}/status${query}`, body: manifest(resource, name, namespace)};
			return {method, path: `${item}/status${query}`, body: JSON.stringify({status: {replicas: pick(oddValues)}}), contentType: 'application/merge-patch+json'};
		}
		case 'scale': {
			const method = pick(['GET', 'PUT', 'PATCH']);
			if (method === 'GET') return {method, path: `${item}/scale`};
			if (method === 'PUT') return {method, path: `${item}/scale${query}`, body: JSON.stringify({apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: {name, namespace}, spec: {replicas: pick(oddValues)}})};
			return {method, path: `${item}/scale${query}`, body: JSON.stringify({spec: {replicas: pick(oddValues)}}), contentType: 'application/merge-patch+json'};
		}
		case 'ephemeral': {
			// What kubectl debug POD writes: a pod's ephemeral containers (any kind's path, so that the others get their 404).
			const method = pick(['GET', 'PUT', 'PATCH', 'PATCH']);
			const containers = damage([{name: pick(['debugger-a', 'debugger-b', 'web', 'Bad_Name', '']), image: pick(['busybox:1.36', '', 'missing:latest']), stdin: true, tty: true,
				targetContainerName: pick([undefined, 'c', 'web', 'nope']), ports: pick([undefined, [{containerPort: 80}]])}]);
			if (method === 'GET') return {method, path: `${item}/ephemeralcontainers`};
			if (method === 'PUT') return {method, path: `${item}/ephemeralcontainers${query}`, body: JSON.stringify({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace}, spec: {containers: [], ephemeralContainers: containers}})};
			return {method, path: `${item}/ephemeralcontainers${query}`, body: JSON.stringify({spec: {ephemeralContainers: containers}}), contentType: patchType === 'application/json-patch+json' ? 'application/strategic-merge-patch+json' : patchType};
		}
		case 'approval': {
			// What kubectl certificate approve and deny write (any kind's path, so that the others get their 404).
			const method = pick(['GET', 'PUT', 'PATCH', 'PATCH']);
			const conditions = damage(pick([[{type: 'Approved', status: 'True', reason: 'KubectlApprove'}], [{type: 'Denied', status: 'True'}], [], [{type: 'Approved'}, {type: 'Denied'}], [{type: 'Approved', status: 'False'}], [{type: ''}]]));
			if (method === 'GET') return {method, path: `${item}/approval`};
			if (method === 'PUT') return {method, path: `${item}/approval${query}`, body: JSON.stringify({apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: {name}, status: {conditions}})};
			return {method, path: `${item}/approval${query}`, body: JSON.stringify({status: {conditions}}), contentType: patchType === 'application/strategic-merge-patch+json' ? 'application/merge-patch+json' : patchType};
		}
		default: return {method: 'PATCH', path: `${item}?fieldManager=fuzz${pick(['', '&force=true', '&dryRun=All'])}`, body: manifest(resource, name, namespace), contentType: 'application/apply-patch+yaml'};
	}
}

// ----- the rules -----------------------------------------------------------

const broken = new Map<string, string>();
const statuses = new Map<number, number>();

function breaks(rule: string, made: Call, answer: Answer, detail = ''): void {
	if (broken.has(rule)) return;
	const body = made.body === undefined ? '' : `\n  body (${made.contentType ?? 'application/json'}): ${made.body.slice(0, 400)}`;
	broken.set(rule, `${rule}${detail ? ` (${detail})` : ''}: ${made.method} ${made.path}${body}\n  answer ${answer.status}: ${answer.text.slice(0, 400)}`);
}

process.stderr.write(`fuzz:api: seed ${seed}, ${calls} calls against ${address}\n`);
const started = Date.now();
for (let i = 0; i < calls && !ended; i++) {
	const made = nextCall();
	const reads = made.method === 'GET';
	const before = reads ? '' : await resourceVersion();
	const answer = await call(made.method, made.path, made.body, made.contentType);
	statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
	if (answer.status === 0 || answer.status >= 500) {
		breaks(answer.status === 0 ? 'connection' : `server-error-${answer.status}`, made, answer);
		continue;
	}
	const dryRun = /[?&]dryRun=All\b/.test(made.path);
	if (answer.status >= 400) {
		let status: {kind?: string; status?: string; code?: number; message?: string} | undefined;
		try {
			status = JSON.parse(answer.text) as typeof status;
		} catch {
			status = undefined;
		}
		if (status?.kind !== 'Status' || status.status !== 'Failure' || status.code !== answer.status || !status.message) breaks('status-shape', made, answer);
	}
	if (!reads && (answer.status >= 400 || dryRun)) {
		const after = await resourceVersion();
		if (after !== before) breaks(answer.status >= 400 ? 'refused-wrote' : 'dry-run-wrote', made, answer, `resourceVersion ${before} → ${after}`);
	}
	if ((i + 1) % 500 === 0) process.stderr.write(`fuzz:api: ${i + 1} calls, ${Math.round((Date.now() - started) / 1000)} s\n`);
}
if (ended) broken.set('server-exited', `kubarium serve exited during the calls (${JSON.stringify(ended)}): ${stderr.slice(-1000)}`);
else {
	const alive = await call('GET', '/version');
	if (alive.status !== 200) broken.set('alive', `GET /version answered ${alive.status} after the calls`);
	server.kill('SIGTERM');
	const quit = await Promise.race([exited.then(() => true), new Promise<boolean>(resolve => setTimeout(() => resolve(false), 5000))]);
	if (!quit) {
		server.kill('SIGKILL');
		broken.set('sigterm', 'kubarium serve was still running 5 s after SIGTERM');
	} else if (ended!.code !== 0) broken.set('sigterm', `kubarium serve exited with ${JSON.stringify(ended)} on SIGTERM: ${stderr.slice(-1000)}`);
}
rmSync(configDir, {recursive: true, force: true});
const tally = [...statuses].sort((a, b) => a[0] - b[0]).map(([status, count]) => `${status}: ${count}`).join(', ');
if (broken.size === 0) {
	process.stdout.write(`fuzz:api: ${calls} calls kept every rule (seed ${seed}; answers ${tally})\n`);
	process.exit(0);
}
process.stdout.write(`fuzz:api: seed ${seed}; answers ${tally}\n${[...broken.values()].join('\n')}\n\nreplay: npm run fuzz:api -- --seed ${seed} --calls ${calls}\n`);
process.exit(1);
