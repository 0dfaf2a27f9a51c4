import {kubectlSuite} from './harness.js';

/**
 * A server started read-only (the dashboard's --readonly): reads, the
 * reviews behind `auth can-i` and `auth whoami`, and port-forward are
 * answered; every write, exec included, is refused with 403 Forbidden in the
 * API server's words for a refused request (User "kubernetes-admin" cannot
 * VERB resource ...), with the reason after it, which kubectl prints as
 * `Error from server (Forbidden): ...`.
 */

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.25"}]
`);
	cluster.advance(30_000);
}, {what: 'the read-only kubectl tests', server: {readOnly: true}});

const reason = ': the cluster is served read-only (kubarium --readonly)';

run('reads are answered, writes are Forbidden with the reason', async t => {
	const get = await served().kubectl(['get', 'deploy']);
	t.is(get.code, 0);
	t.regex(get.stdout, /^NAME {3}READY/);
	t.is((await served().kubectl(['auth', 'can-i', 'get', 'pods'])).stdout, 'yes\n');
	const rv = served().cluster.resourceVersion;
	const writes: Array<[string[], string]> = [
		[['scale', 'deploy', 'web', '--replicas=3'], `Error from server (Forbidden): deployments.apps "web" is forbidden: User "kubernetes-admin" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"${reason}\n`],
		[['delete', 'deploy', 'web'], `Error from server (Forbidden): deployments.apps "web" is forbidden: User "kubernetes-admin" cannot delete resource "deployments" in API group "apps" in the namespace "default"${reason}\n`],
		[['create', 'configmap', 'x', '--from-literal=a=b'], `error: failed to create configmap: configmaps is forbidden: User "kubernetes-admin" cannot create resource "configmaps" in API group "" in the namespace "default"${reason}\n`],
		[['label', 'deploy', 'web', 'a=b'], `Error from server (Forbidden): deployments.apps "web" is forbidden: User "kubernetes-admin" cannot patch resource "deployments" in API group "apps" in the namespace "default"${reason}\n`],
	];
	for (const [args, message] of writes) {
		const result = await served().kubectl(args);
		t.is(result.code, 1, args.join(' '));
		t.is(result.stderr, message, args.join(' '));
	}
	const pod = served().cluster.list('Pod', {namespace: 'default'})[0]!.metadata.name;
	const exec = await served().kubectl(['exec', pod, '--', 'ls']);
	t.is(exec.code, 1);
	t.true(exec.stderr.includes(`cannot create resource "pods/exec" in API group "" in the namespace "default"${reason}`), exec.stderr);
	t.is(served().cluster.resourceVersion, rv);
});
