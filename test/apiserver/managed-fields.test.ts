import {writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {hasKubectl, serve, type Served} from './harness.js';
import {fieldSet, fromFieldsV1, pathText, toFieldsV1} from '../../source/apiserver/managed-fields.js';

/**
 * metadata.managedFields as the API server's field manager keeps them.
 * Expected texts: the FieldsV1 of `kubectl apply` (client-side) on a
 * Deployment and the conflict messages are those a kind v1.31 cluster
 * answers (fieldmanager's NewConflictError and printManager: `conflict with
 * "kubectl" with subresource "scale" using apps/v1: .spec.replicas`);
 * kubectl 1.32 hides managedFields unless --show-managed-fields and prints
 * its own advice after a conflict.
 */

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.25", ports: [{containerPort: 80}]}]
`;

let served: Served;
let file: string;
const run = hasKubectl ? test.serial : test.serial.skip;
if (!hasKubectl) console.log('kubectl is not on PATH: the kubectl managedFields tests are skipped');

test.before(async () => {
	served = await serve(cluster => cluster.advance(1000));
	file = path.join(served.dir, 'web.yaml');
	writeFileSync(file, deployment);
});
test.after.always(async () => {
	await served?.close();
});

type Entry = {manager: string; operation: string; apiVersion: string; subresource?: string; fieldsV1: Record<string, unknown>};
const managed = (): Entry[] => served.cluster.get('Deployment', 'web')!.metadata.managedFields as Entry[];

test('FieldsV1 and paths: keyed list items, set members, `.` for a node that holds members', t => {
	const paths = fieldSet({metadata: {name: 'x', finalizers: ['a/b']}, spec: {template: {spec: {containers: [{name: 'web', image: 'i', args: ['-v']}]}}}}, 'Deployment');
	t.deepEqual([...paths].map(pathText).sort(), [
		'.metadata.finalizers[="a/b"]',
		'.spec.template.spec.containers[name="web"]',
		'.spec.template.spec.containers[name="web"].args',
		'.spec.template.spec.containers[name="web"].image',
		'.spec.template.spec.containers[name="web"].name',
	]);
	const fields = toFieldsV1(paths);
	t.deepEqual(fields, {
		'f:metadata': {'f:finalizers': {'v:"a/b"': {}}},
		'f:spec': {'f:template': {'f:spec': {'f:containers': {'k:{"name":"web"}': {'.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {}}}}}},
	});
	t.deepEqual([...fromFieldsV1(fields)].sort(), [...paths].sort());
});

run('kubectl apply records its fields as kubectl-client-side-apply, shown with --show-managed-fields only', async t => {
	t.is((await served.kubectl(['apply', '-f', file])).stdout, 'deployment.apps/web created\n');
	const yaml = (await served.kubectl(['get', 'deploy', 'web', '-o', 'yaml'])).stdout;
	t.false(yaml.includes('managedFields'));
	const shown = (await served.kubectl(['get', 'deploy', 'web', '-o', 'yaml', '--show-managed-fields'])).stdout;
	const start = shown.indexOf('  managedFields:\n');
	const end = shown.indexOf('  name: web\n');
	t.is(shown.slice(start, end).replace(/time: "[^"]+"/, 'time: TIME'), [
		'  managedFields:',
		'  - apiVersion: apps/v1',
		'    fieldsType: FieldsV1',
		'    fieldsV1:',
		'      f:metadata:',
		'        f:annotations:',
		'          .: {}',
		'          f:kubectl.kubernetes.io/last-applied-configuration: {}',
		'        f:labels:',
		'          .: {}',
		'          f:app: {}',
		'      f:spec:',
		'        f:progressDeadlineSeconds: {}',
		'        f:replicas: {}',
		'        f:revisionHistoryLimit: {}',
		'        f:selector: {}',
		'        f:strategy:',
		'          f:rollingUpdate:',
		'            .: {}',
		'            f:maxSurge: {}',
		'            f:maxUnavailable: {}',
		'          f:type: {}',
		'        f:template:',
		'          f:metadata:',
		'            f:labels:',
		'              .: {}',
		'              f:app: {}',
		'          f:spec:',
		'            f:containers:',
		'              k:{"name":"nginx"}:',
		'                .: {}',
		'                f:image: {}',
		'                f:imagePullPolicy: {}',
		'                f:name: {}',
		'                f:ports:',
		'                  .: {}',
		'                  k:{"containerPort":80,"protocol":"TCP"}:',
		'                    .: {}',
		'                    f:containerPort: {}',
		'                    f:protocol: {}',
		'                f:resources: {}',
		'                f:terminationMessagePath: {}',
		'                f:terminationMessagePolicy: {}',
		'            f:dnsPolicy: {}',
		'            f:restartPolicy: {}',
		'            f:schedulerName: {}',
		'            f:securityContext: {}',
		'            f:terminationGracePeriodSeconds: {}',
		'    manager: kubectl-client-side-apply',
		'    operation: Update',
		'    time: TIME',
		'',
	].join('\n'));
});

run('an update takes the fields it changes from other managers; kubectl label and set image are their own managers', async t => {
	await served.kubectl(['label', 'deploy', 'web', 'tier=front']);
	await served.kubectl(['set', 'image', 'deploy/web', 'nginx=nginx:1.26']);
	const entries = managed();
	t.deepEqual(entries.map(e => `${e.manager} ${e.operation}`), ['kubectl-client-side-apply Update', 'kubectl-label Update', 'kubectl-set Update']);
	t.deepEqual(entries[1]!.fieldsV1, {'f:metadata': {'f:labels': {'f:tier': {}}}});
	t.deepEqual(entries[2]!.fieldsV1, {'f:spec': {'f:template': {'f:spec': {'f:containers': {'k:{"name":"nginx"}': {'f:image': {}}}}}}});
	const csa = JSON.stringify(entries[0]!.fieldsV1);
	t.false(csa.includes('"f:image"'));
	t.true(csa.includes('"f:imagePullPolicy"'));
});

run('server-side apply: a field another manager changed is a conflict with the API server\'s message; --force-conflicts takes it', async t => {
	t.is((await served.kubectl(['scale', 'deploy', 'web', '--replicas=3'])).code, 0);
	t.like(managed().find(e => e.subresource === 'scale'), {manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', fieldsV1: {'f:spec': {'f:replicas': {}}}});
	const conflict = await served.kubectl(['apply', '--server-side', '-f', file]);
	t.is(conflict.code, 1);
	t.true(conflict.stderr.startsWith([
		'error: Apply failed with 2 conflicts: conflicts with "kubectl" with subresource "scale" using apps/v1:',
		'- .spec.replicas',
		'conflicts with "kubectl-set" using apps/v1:',
		'- .spec.template.spec.containers[name="nginx"].image',
		'Please review the fields above--they currently have other managers.',
	].join('\n')), conflict.stderr);
	const status = JSON.parse((await served.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl', {body: deployment, type: 'application/apply-patch+yaml'})).body);
	t.like(status, {code: 409, reason: 'Conflict'});
	t.deepEqual(status.details.causes, [
		{reason: 'FieldManagerConflict', message: 'conflict with "kubectl" with subresource "scale" using apps/v1', field: '.spec.replicas'},
		{reason: 'FieldManagerConflict', message: 'conflict with "kubectl-set" using apps/v1', field: '.spec.template.spec.containers[name="nginx"].image'},
	]);
	t.is(served.cluster.get('Deployment', 'web')!.spec.replicas, 3);
	const forced = await served.kubectl(['apply', '--server-side', '--force-conflicts', '-f', file]);
	t.is(forced.stdout, 'deployment.apps/web serverside-applied\n');
	t.is(served.cluster.get('Deployment', 'web')!.spec.replicas, 2);
	const entries = managed();
	t.is(entries.find(e => e.subresource === 'scale'), undefined, 'the scale manager lost its only field');
	t.is(entries.find(e => e.manager === 'kubectl-set'), undefined);
	const applied = entries.find(e => e.manager === 'kubectl' && e.operation === 'Apply')!;
	t.deepEqual(applied.fieldsV1, {
		'f:metadata': {'f:labels': {'f:app': {}}},
		'f:spec': {'f:replicas': {}, 'f:selector': {}, 'f:template': {'f:metadata': {'f:labels': {'f:app': {}}}, 'f:spec': {'f:containers': {'k:{"name":"nginx"}': {'.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': {'k:{"containerPort":80,"protocol":"TCP"}': {'.': {}, 'f:containerPort': {}}}}}}}},
	});
	// Applying the same again changes nothing and conflicts with no one.
	t.is((await served.kubectl(['apply', '--server-side', '-f', file])).code, 0);
});

test.serial('server-side apply needs a field manager', async t => {
	const missing = JSON.parse((await served.call('PATCH', '/api/v1/namespaces/default/configmaps/x', {body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', type: 'application/apply-patch+yaml'})).body);
	t.like(missing, {code: 400, message: 'PATCH, application/apply-patch+yaml requests must have a fieldManager specified'});
});

run('server-side apply removes what its manager applied before and leaves out now, unless another manager owns it too', async t => {
	const cm = (data: string, labels: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, labels: {${labels}}}\ndata: {${data}}\n`;
	const cmFile = path.join(served.dir, 'cfg.yaml');
	writeFileSync(cmFile, cm('a: "1", b: "2"', 'keep: "yes", drop: "yes"'));
	t.is((await served.kubectl(['apply', '--server-side', '-f', cmFile])).stdout, 'configmap/cfg serverside-applied\n');
	// Another applier sets the same value of one label: both own it now, with no conflict.
	const other = await served.call('PATCH', '/api/v1/namespaces/default/configmaps/cfg?fieldManager=other', {body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, labels: {keep: "yes"}}\n', type: 'application/apply-patch+yaml'});
	t.is(other.code, 200);
	writeFileSync(cmFile, cm('a: "1"', ''));
	t.is((await served.kubectl(['apply', '--server-side', '-f', cmFile])).stdout, 'configmap/cfg serverside-applied\n');
	const stored = served.cluster.get('ConfigMap', 'cfg')!;
	t.deepEqual(stored['data'], {a: '1'});
	t.deepEqual(stored.metadata.labels, {keep: 'yes'});
});
