import {kubectlSuite, until} from './harness.js';
import {describe} from '../../source/ui/details/describe/describe.js';

const fixture = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: web}}
            topologyKey: kubernetes.io/hostname
      containers: [{name: nginx, image: "nginx:1.25", resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-pdb}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute}
spec:
  hard: {pods: "3", requests.cpu: "1", limits.memory: 1Gi}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec:
  limits:
  - type: Container
    default: {cpu: 300m, memory: 256Mi}
    defaultRequest: {cpu: 100m, memory: 128Mi}
`;

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(fixture);
	cluster.advance(60_000);
});

run('kubectl get quota, limits and pdb print kubectl\'s columns', async t => {
	const quota = await served().kubectl(['get', 'quota']);
	t.is(quota.code, 0, quota.stderr);
	t.regex(quota.stdout, /^NAME {6}AGE {3}REQUEST {27}LIMIT\ncompute {3}\d+s {3}pods: 2\/3, requests\.cpu: 200m\/1 {3}limits\.memory: 256Mi\/1Gi\n$/);
	const limits = await served().kubectl(['get', 'limits']);
	t.regex(limits.stdout, /^NAME {7}CREATED AT\ndefaults {3}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
	const pdb = await served().kubectl(['get', 'pdb']);
	t.regex(pdb.stdout, /^NAME {6}MIN AVAILABLE {3}MAX UNAVAILABLE {3}ALLOWED DISRUPTIONS {3}AGE\nweb-pdb {3}2 {15}N\/A {15}0 {21}\d+s\n$/);
});

run('a pod over the quota is refused with the API server\'s text; a LimitRange fills in defaults', async t => {
	// The LimitRange's default cpu limit (300m) would be below this request: the pod would be invalid.
	const invalid = await served().kubectl(['run', 'big', '--image=nginx:1.25', '--overrides={"spec":{"containers":[{"name":"big","image":"nginx:1.25","resources":{"requests":{"cpu":"900m"}}}]}}']);
	t.is(invalid.stderr, 'The Pod "big" is invalid: spec.containers[0].resources.requests: Invalid value: "900m": must be less than or equal to cpu limit of 300m\n');
	const big = await served().kubectl(['run', 'big', '--image=nginx:1.25', '--overrides={"spec":{"containers":[{"name":"big","image":"nginx:1.25","resources":{"requests":{"cpu":"900m"},"limits":{"cpu":"1"}}}]}}']);
	t.is(big.code, 1);
	t.is(big.stderr, 'Error from server (Forbidden): pods "big" is forbidden: exceeded quota: compute, requested: requests.cpu=900m, used: requests.cpu=200m, limited: requests.cpu=1\n');
	const small = await served().kubectl(['run', 'small', '--image=nginx:1.25']);
	t.is(small.code, 0, small.stderr);
	const pod = JSON.parse((await served().kubectl(['get', 'pod', 'small', '-o', 'json'])).stdout);
	t.deepEqual(pod.spec.containers[0].resources, {limits: {cpu: '300m', memory: '256Mi'}, requests: {cpu: '100m', memory: '128Mi'}});
	t.is(pod.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container small; cpu, memory limit for container small');
	const fourth = await served().kubectl(['run', 'fourth', '--image=nginx:1.25']);
	t.is(fourth.stderr, 'Error from server (Forbidden): pods "fourth" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3\n');
	await served().kubectl(['delete', 'pod', 'small', '--wait=false']);
	served().cluster.advance(60_000);
});

run('kubectl drain retries while the budget blocks it, then drains once it is relaxed', async t => {
	const node = served().cluster.list('Pod', {labelSelector: 'app=web'})[0]!.spec.nodeName as string;
	const victim = served().cluster.list('Pod', {labelSelector: 'app=web', fieldSelector: `spec.nodeName=${node}`})[0]!.metadata.name;
	const drain = served().start(['drain', node, '--ignore-daemonsets']);
	// kubectl asks again after 5 s: a second "evicting pod" line.
	await until(() => (drain.output().match(/evicting pod/g) ?? []).length >= 2, 'kubectl retries the eviction');
	t.truthy(served().cluster.get('Pod', victim));
	t.falsy(served().cluster.get('Pod', victim)!.metadata.deletionTimestamp);
	served().cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web-pdb'}, spec: {minAvailable: 1, selector: {matchLabels: {app: 'web'}}}});
	served().cluster.advance(1000);
	await until(() => Boolean(served().cluster.get('Pod', victim)?.metadata.deletionTimestamp), 'the next retry evicts the pod');
	served().cluster.advance(60_000);
	const result = await drain.done;
	t.is(result.code, 0, result.stderr);
	t.regex(result.stderr, /error when evicting pods\/"web-[a-z0-9]+-[a-z0-9]{5}" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.\n/);
	t.regex(result.stdout, new RegExp(`^node/${node} cordoned\\n`));
	t.regex(result.stdout, new RegExp(`pod/web-[a-z0-9]+-[a-z0-9]{5} evicted\\nnode/${node} drained\\n$`));
});

run('the eviction subresource answers 429 with the DisruptionBudget cause', async t => {
	served().cluster.apply({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web-pdb'}, spec: {minAvailable: 5, selector: {matchLabels: {app: 'web'}}}});
	served().cluster.advance(60_000);
	const pod = served().cluster.list('Pod', {labelSelector: 'app=web'}).find(p => !p.metadata.deletionTimestamp)!;
	const body = JSON.stringify({apiVersion: 'policy/v1', kind: 'Eviction', metadata: {name: pod.metadata.name, namespace: 'default'}});
	const reply = await served().call('POST', `/api/v1/namespaces/default/pods/${pod.metadata.name}/eviction`, {body, type: 'application/json'});
	t.is(reply.code, 429);
	const status = JSON.parse(reply.body);
	t.like(status, {kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429, message: "Cannot evict pod as it would violate the pod's disruption budget."});
	t.regex(status.details.causes[0].message, /^The disruption budget web-pdb needs 5 healthy pods and has \d currently$/);
	t.is(status.details.causes[0].reason, 'DisruptionBudget');
	const wrong = await served().call('POST', `/api/v1/namespaces/default/pods/${pod.metadata.name}/eviction`, {body: JSON.stringify({apiVersion: 'policy/v1', kind: 'Eviction', metadata: {name: 'other'}}), type: 'application/json'});
	t.is(wrong.code, 400);
	t.is(JSON.parse(wrong.body).message, 'name in URL does not match name in Eviction object');
});

run('the dashboard\'s describe of a quota, a LimitRange, a budget and their namespace is kubectl describe\'s text', async t => {
	const {cluster} = served();
	cluster.apply({apiVersion: 'v1', kind: 'ResourceQuota', metadata: {name: 'scoped'}, spec: {hard: {pods: '4', memory: '1G'}, scopes: ['NotTerminating']}});
	cluster.advance(1000);
	// kubectl walks a LimitRange's resources in Go's map order, which varies: its lines are compared as a set.
	const lines = (text: string) => text.split('\n').sort();
	for (const [kind, name] of [['ResourceQuota', 'compute'], ['ResourceQuota', 'scoped'], ['LimitRange', 'defaults']] as const) {
		const kubectl = await served().kubectl(['describe', kind.toLowerCase(), name]);
		t.deepEqual(lines(describe(cluster.get(kind, name)!, cluster) + '\n'), lines(kubectl.stdout), `${kind}/${name}`);
	}
	const pdb = await served().kubectl(['describe', 'pdb', 'web-pdb']);
	const ours = describe(cluster.get('PodDisruptionBudget', 'web-pdb')!, cluster);
	// Event ages differ (kubectl counts from the wall clock); the rest is the same.
	t.is(ours.split('\nEvents:')[0], pdb.stdout.split('\nEvents:')[0]);
	const namespace = await served().kubectl(['describe', 'namespace', 'default']);
	t.deepEqual(lines(describe(cluster.get('Namespace', 'default')!, cluster) + '\n'), lines(namespace.stdout));
});

run('kubectl create quota and create pdb (protobuf bodies) make the objects they describe', async t => {
	const quota = await served().kubectl(['create', 'quota', 'made', '--hard=pods=9,requests.cpu=2', '--scopes=NotBestEffort']);
	t.is(quota.stdout, 'resourcequota/made created\n', quota.stderr);
	t.deepEqual(served().cluster.get('ResourceQuota', 'made')!.spec, {hard: {pods: '9', 'requests.cpu': '2'}, scopes: ['NotBestEffort']});
	const pdb = await served().kubectl(['create', 'pdb', 'half', '--selector=app=web', '--min-available=50%']);
	t.is(pdb.stdout, 'poddisruptionbudget.policy/half created\n', pdb.stderr);
	t.deepEqual(served().cluster.get('PodDisruptionBudget', 'half')!.spec, {minAvailable: '50%', selector: {matchLabels: {app: 'web'}}});
	const bad = await served().kubectl(['create', 'pdb', 'worse', '--selector=app=web', '--max-unavailable=150%']);
	t.is(bad.stderr, 'error: failed to create poddisruptionbudgets: PodDisruptionBudget.policy "worse" is invalid: spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%\n');
});
