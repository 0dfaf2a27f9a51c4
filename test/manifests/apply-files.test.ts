import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {ApplyRefused, applyPath as applyPathAnyway, ManifestFileError, manifestFiles, objectRef, readManifests, resolveUserPath, type ApplyTarget, type AppliedObject, type PathBase} from '../../source/manifests/apply-files.js';

/** The engine answers at once: the lines, not a promise. */
function applyPath(target: ApplyTarget, argument: string, base?: PathBase): AppliedObject[] {
	const result = applyPathAnyway(target, argument, base);
	if (result instanceof Promise) throw new Error('the engine answered with a promise');
	return result;
}

function scratch(t: {teardown: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-apply-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

const configMap = (name: string, data: Record<string, string> = {a: '1'}) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}\n`;

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: nginx
          image: nginx:1.25
`;

test('a multi-document file: one line per object in kubectl\'s words, created then configured or unchanged', t => {
	const dir = scratch(t);
	const cluster = createCluster({seed: 3});
	const file = join(dir, 'app.yaml');
	writeFileSync(file, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n${deployment(2)}---\n${configMap('web-config')}`);
	t.deepEqual(applyPath(cluster, file).map(r => r.line), ['namespace/shop created', 'deployment.apps/web created', 'configmap/web-config created']);
	t.is(cluster.get('deploy', 'web', 'shop')!.spec.replicas, 2);
	cluster.advance(10_000);
	writeFileSync(file, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n${deployment(4)}---\n${configMap('web-config')}`);
	t.deepEqual(applyPath(cluster, file).map(r => r.line), ['namespace/shop unchanged', 'deployment.apps/web configured', 'configmap/web-config unchanged']);
	t.is(cluster.get('deploy', 'web', 'shop')!.spec.replicas, 4);
});

test('a directory: its .json, .yaml and .yml files in bytewise order, not its subdirectories or other files', t => {
	const dir = scratch(t);
	writeFileSync(join(dir, 'b.yaml'), configMap('b'));
	writeFileSync(join(dir, 'A.json'), JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a'}}));
	writeFileSync(join(dir, 'c.yml'), configMap('c'));
	writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
	mkdirSync(join(dir, 'nested.yaml'));
	mkdirSync(join(dir, 'sub'));
	writeFileSync(join(dir, 'sub', 'd.yaml'), configMap('d'));
	t.deepEqual(manifestFiles(dir).map(f => f.file), [join(dir, 'A.json'), join(dir, 'b.yaml'), join(dir, 'c.yml')]);
	const cluster = createCluster({seed: 3});
	t.deepEqual(applyPath(cluster, dir).map(r => r.line), ['configmap/a created', 'configmap/b created', 'configmap/c created']);
	t.is(cluster.get('cm', 'd'), undefined);
});

test('paths: ~ and relative ones resolve against the home and working directories', t => {
	t.is(resolveUserPath('~/app.yaml', {home: '/home/u', cwd: '/srv'}), '/home/u/app.yaml');
	t.is(resolveUserPath('~', {home: '/home/u', cwd: '/srv'}), '/home/u');
	t.is(resolveUserPath('k8s/app.yaml', {home: '/home/u', cwd: '/srv'}), '/srv/k8s/app.yaml');
	t.is(resolveUserPath('/abs.yaml', {home: '/home/u', cwd: '/srv'}), '/abs.yaml');
	const dir = scratch(t);
	writeFileSync(join(dir, 'one.yaml'), configMap('one'));
	const cluster = createCluster({seed: 3});
	t.deepEqual(applyPath(cluster, 'one.yaml', {cwd: dir}).map(r => r.line), ['configmap/one created']);
	t.deepEqual(applyPath(cluster, '~/one.yaml', {home: dir}).map(r => r.line), ['configmap/one unchanged']);
});

test('kubectl\'s messages for a missing path, an empty directory, a YAML syntax error and documents it cannot send', t => {
	const dir = scratch(t);
	const cluster = createCluster({seed: 3});
	const fails = (argument: string) => t.throws(() => applyPath(cluster, argument), {instanceOf: ManifestFileError})!.message;
	t.is(fails(join(dir, 'nope.yaml')), `the path "${join(dir, 'nope.yaml')}" does not exist`);
	mkdirSync(join(dir, 'empty'));
	t.is(fails(join(dir, 'empty')), `error reading [${join(dir, 'empty')}]: recognized file extensions are [.json .yaml .yml]`);
	writeFileSync(join(dir, 'bad.yaml'), 'not: [valid\n');
	t.regex(fails(join(dir, 'bad.yaml')), new RegExp(`^error parsing ${join(dir, 'bad.yaml')}: error converting YAML to JSON: yaml: line \\d+: `));
	writeFileSync(join(dir, 'nokind.yaml'), 'apiVersion: v1\nmetadata: {name: x}\n');
	t.is(fails(join(dir, 'nokind.yaml')), `error validating "${join(dir, 'nokind.yaml')}": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false`);
	writeFileSync(join(dir, 'list.json'), '[1, 2]');
	t.is(fails(join(dir, 'list.json')), `error validating "${join(dir, 'list.json')}": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false`);
	writeFileSync(join(dir, 'blank.yaml'), '---\n---\n');
	t.is(fails(join(dir, 'blank.yaml')), 'no objects passed to apply');
	t.is(cluster.list('ConfigMap', {namespace: 'default'}).filter(c => c.metadata.name !== 'kube-root-ca.crt').length, 0);
});

test('one invalid object refuses the whole apply, naming the file and the document; nothing is written', t => {
	const dir = scratch(t);
	const cluster = createCluster({seed: 3});
	const file = join(dir, 'mixed.yaml');
	writeFileSync(file, `${configMap('good')}---\n${configMap('Bad_Name')}`);
	const before = cluster.resourceVersion;
	const error = t.throws(() => applyPath(cluster, file), {instanceOf: ApplyRefused})!;
	t.true(error.message.startsWith(`Error from server (Invalid): error when creating "${file}" (document 2): ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"`), error.message);
	t.is(cluster.get('cm', 'good'), undefined);
	t.is(cluster.resourceVersion, before);

	writeFileSync(file, deployment(1));
	const missing = t.throws(() => applyPath(cluster, file), {instanceOf: ApplyRefused})!;
	t.is(missing.message, `Error from server (NotFound): error when creating "${file}": namespaces "shop" not found`);

	writeFileSync(file, 'apiVersion: v1\nkind: Foo\nmetadata: {name: x}\n');
	const unknown = t.throws(() => applyPath(cluster, file), {instanceOf: ApplyRefused})!;
	t.is(unknown.message, `resource mapping not found for name: "x" namespace: "" from "${file}": no matches for kind "Foo" in version "v1"; ensure CRDs are installed first`);
});

test('a List stands for its items; the same object twice is created, then unchanged or configured', t => {
	const dir = scratch(t);
	const cluster = createCluster({seed: 3});
	const file = join(dir, 'list.yaml');
	writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items: [
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x'}, data: {a: '1'}},
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x'}, data: {a: '1'}},
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x'}, data: {a: '2'}},
	]}));
	t.deepEqual(readManifests(file).map(d => d.document), [1, 1, 1]);
	t.deepEqual(applyPath(cluster, file).map(r => r.line), ['configmap/x created', 'configmap/x unchanged', 'configmap/x configured']);
});

test('objectRef names objects as kubectl\'s result lines do', t => {
	t.is(objectRef({apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}}), 'service/web');
	t.is(objectRef({apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'shop'}}), 'ingress.networking.k8s.io/shop');
	t.is(objectRef({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: {name: 'x'}}), 'clusterrole.rbac.authorization.k8s.io/x');
});

test('a cluster that answers later (an API): the same lines once it has, and the refusal as a rejection', async t => {
	const dir = scratch(t);
	const cluster = createCluster({seed: 3});
	const later: ApplyTarget = {
		apply: async manifests => cluster.apply(manifests),
		get: (kind, name, namespace) => cluster.get(kind, name, namespace),
	};
	const file = join(dir, 'two.yaml');
	writeFileSync(file, `${configMap('one')}---\n${configMap('two')}`);
	const pending = applyPathAnyway(later, file);
	t.true(pending instanceof Promise);
	t.deepEqual((await pending).map(r => r.line), ['configmap/one created', 'configmap/two created']);
	writeFileSync(file, `${configMap('one', {a: '2'})}---\n${configMap('Bad')}`);
	const error = await t.throwsAsync(Promise.resolve(applyPathAnyway(later, file)), {instanceOf: ApplyRefused});
	t.regex(error!.message, /^Error from server \(Invalid\): error when creating ".*two\.yaml" \(document 2\): ConfigMap "Bad" is invalid/);
	t.deepEqual(cluster.get('cm', 'one')!['data'], {a: '1'});
});
