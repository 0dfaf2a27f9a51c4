import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster} from '../../../source/engine/index.js';
import {startDashboard} from '../harness.js';
import {describe} from '../../../source/ui/details/describe/describe.js';
import {certificateSigningRequestColumns, clusterRoleBindingColumns, crdColumns, roleBindingColumns} from '../../../source/ui/render/rbac-columns.js';
import {certificateRequest, csrManifest} from '../../../fuzz/certificate-requests.js';
import {customColumnSet} from '../../../source/ui/render/custom-columns.js';
import {parseCommand} from '../../../source/ui/app/commands.js';

const docs = (file: string) => readFileSync(new URL(`../../fixtures/docs/${file}`, import.meta.url), 'utf8');

function clusterWithCronTabs() {
	const cluster = createCluster({seed: 9, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'development'}});
	cluster.apply(docs('rbac-examples.yaml'));
	cluster.apply(docs('crd-crontab-defaults-columns.yaml'));
	cluster.advance(1000);
	cluster.apply(docs('crd-my-crontab.yaml'));
	cluster.advance(5000);
	return cluster;
}

test('RBAC and definition rows are k9s\'s', t => {
	const cluster = clusterWithCronTabs();
	const now = cluster.now();
	const row = (set: typeof roleBindingColumns, kind: string, name: string, namespace?: string) => set.row(cluster.get(kind, name, namespace)!, {now}).cells;
	t.deepEqual(roleBindingColumns.columns.map(c => c.name), ['NAME', 'ROLE', 'KIND', 'SUBJECTS', 'LABELS', 'AGE']);
	t.deepEqual(row(roleBindingColumns, 'RoleBinding', 'read-pods'), ['read-pods', 'pod-reader', 'USR', 'jane', '<none>', '6s']);
	t.deepEqual(clusterRoleBindingColumns.columns.map(c => c.name), ['NAME', 'CLUSTERROLE', 'SUBJECT-KIND', 'SUBJECTS', 'LABELS', 'AGE']);
	t.deepEqual(row(clusterRoleBindingColumns, 'ClusterRoleBinding', 'read-secrets-global').slice(0, 4), ['read-secrets-global', 'secret-reader', 'GRP', 'manager']);
	t.deepEqual(row(crdColumns, 'CustomResourceDefinition', 'crontabs.stable.example.com').slice(0, 8), ['crontabs', 'stable.example.com', 'CronTab', 'v1', 'Namespaced', 'ct', '<none>', 'OK']);
	// A custom kind: NAME and the printer columns, the creation-time column as the live AGE.
	const set = customColumnSet(cluster.get('crd', 'crontabs.stable.example.com')!);
	t.deepEqual(set.columns.map(c => c.name), ['NAME', 'SPEC', 'REPLICAS', 'AGE']);
	t.deepEqual(set.row(cluster.get('CronTab', 'my-new-cron-object')!, {now}).cells, ['my-new-cron-object', '* * * * */5', '1', '5s']);
});

test('describe prints roles\' rules and bindings\' subjects as kubectl does, without events', t => {
	const cluster = clusterWithCronTabs();
	cluster.apply({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'r1'},
		rules: [{apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], verbs: ['get', 'list']}, {apiGroups: [''], resources: ['pods'], verbs: ['watch']}]});
	t.is(describe(cluster.get('Role', 'r1')!, cluster), [
		'Name:         r1',
		'Labels:       <none>',
		'Annotations:  <none>',
		'PolicyRule:',
		'  Resources         Non-Resource URLs  Resource Names  Verbs',
		'  ---------         -----------------  --------------  -----',
		'  deployments       []                 []              [get list]',
		'  pods              []                 []              [get list watch]',
		'  deployments.apps  []                 []              [get list]',
		'  pods.apps         []                 []              [get list]',
	].join('\n'));
	t.is(describe(cluster.get('RoleBinding', 'read-pods')!, cluster), [
		'Name:         read-pods',
		'Labels:       <none>',
		'Annotations:  <none>',
		'Role:',
		'  Kind:  Role',
		'  Name:  pod-reader',
		'Subjects:',
		'  Kind  Name  Namespace',
		'  ----  ----  ---------',
		'  User  jane',
	].join('\n'));
	t.regex(describe(cluster.get('ClusterRole', 'system:discovery')!, cluster), /\n {2} +\[\/healthz\] +\[\] +\[get\]\n/);
});

test.serial(':<plural>, :<singular> and :<short name> of a custom kind open it; RBAC views open by k9s\'s aliases', async t => {
	const cluster = clusterWithCronTabs();
	const shell = await startDashboard({cluster, size: {columns: 160, rows: 30}});
	try {
		for (const alias of ['crontabs', 'crontab', 'ct']) {
			t.like(parseCommand(alias, name => (cluster.resolveResource(name).definition ? 'CronTab' : undefined)), {type: 'view', kind: 'CronTab'});
		}
		await shell.press(':', ...'ct', 'enter');
		let frame = await shell.waitFor(f => f.includes('crontabs(default)[1]'), 'the crontabs view');
		t.regex(frame, /NAME\s+SPEC\s+REPLICAS\s+AGE/);
		t.regex(frame, /my-new-cron-object\s+\* \* \* \* \*\/5\s+1\s/);
		// New objects show up; a finalizer keeps one Terminating.
		cluster.apply({apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: {name: 'held', finalizers: ['stable.example.com/finalizer']}, spec: {cronSpec: '1 2 3 4 5', replicas: 3}});
		cluster.delete('CronTab', 'held');
		await shell.advance(1000);
		frame = await shell.waitFor(f => f.includes('crontabs(default)[2]'), 'the new object');
		t.regex(frame, /held\s+1 2 3 4 5\s+3/);
		await shell.press(':', ...'rb', 'enter');
		frame = await shell.waitFor(f => f.includes('rolebindings(default)'), 'rolebindings');
		t.regex(frame, /read-pods\s+pod-reader\s+USR\s+jane/);
		await shell.press(':', ...'sa', 'enter');
		frame = await shell.waitFor(f => f.includes('serviceaccounts(default)'), 'service accounts');
		t.regex(frame, /NAME\s+SECRET\s+AGE/);
		t.regex(frame, /default\s+0\s/);
		await shell.press(':', ...'crd', 'enter');
		frame = await shell.waitFor(f => f.includes('customresourcedefinitions'), 'definitions');
		t.regex(frame, /crontabs\s+stable\.example\.com\s+CronTab\s+v1\s+Namespaced/);
		// The definition goes while its view is open: the view stays, empty; then its alias is unknown again.
		await shell.press(':', ...'crontabs', 'enter');
		await shell.waitFor(f => f.includes('crontabs(default)[2]'), 'back on crontabs');
		const held = cluster.get('CronTab', 'held')!;
		cluster.replace({...held, metadata: {...held.metadata, finalizers: []}});
		cluster.delete('crd', 'crontabs.stable.example.com');
		await shell.advance(1000);
		frame = await shell.waitFor(f => f.includes('crontabs(default)[0]'), 'the emptied view');
		t.regex(frame, /NAME\s+SPEC\s+REPLICAS\s+AGE/);
		await shell.press(':', ...'ct', 'enter');
		await shell.waitFor(f => f.includes('Unknown command "ct"'), 'the alias is gone');
	} finally {
		await shell.unmount();
	}
});

test('describe prints a custom object field by field, as kubectl does', t => {
	const cluster = clusterWithCronTabs();
	const object = cluster.get('CronTab', 'my-new-cron-object')!;
	t.is(describe(object, cluster), [
		'Name:         my-new-cron-object',
		'Namespace:    default',
		'Labels:       <none>',
		'Annotations:  <none>',
		'API Version:  stable.example.com/v1',
		'Kind:         CronTab',
		'Metadata:',
		`  Creation Timestamp:  ${object.metadata.creationTimestamp}`,
		'  Generation:          1',
		`  Resource Version:    ${object.metadata.resourceVersion}`,
		`  UID:                 ${object.metadata.uid}`,
		'Spec:',
		'  Cron Spec:  * * * * */5',
		'  Image:      my-awesome-cron-image',
		'  Replicas:   1',
		'Events:       <none>',
	].join('\n'));
});

test.serial(':csr lists certificate signing requests as k9s shows the API server\'s table; describe is kubectl\'s', async t => {
	const cluster = createCluster({seed: 9, nodes: 1});
	const john = certificateRequest({subject: [['CN', 'john'], ['O', 'dev'], ['O', 'ops']], key: 'ec', dnsNames: ['john.example'], ipAddresses: ['10.0.0.7']});
	cluster.create(csrManifest('john', john.pem, {expirationSeconds: 3600}));
	cluster.create(csrManifest('jane', john.pem, {usages: ['server auth']}));
	cluster.replaceApproval('jane', [{type: 'Approved', status: 'True'}]);
	cluster.create(csrManifest('ann', john.pem));
	cluster.replaceApproval('ann', [{type: 'Approved', status: 'True'}]);
	cluster.advance(2000);
	const now = cluster.now();
	const row = (name: string) => certificateSigningRequestColumns.row(cluster.get('CertificateSigningRequest', name)!, {now}).cells;
	t.deepEqual(certificateSigningRequestColumns.columns.map(c => c.name), ['NAME', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION', 'AGE']);
	t.deepEqual(row('john'), ['john', 'kubernetes.io/kube-apiserver-client', 'kubernetes-admin', '60m', 'Pending', '2s']);
	t.deepEqual(row('jane').slice(3, 5), ['<none>', 'Approved,Failed']);
	t.deepEqual(row('ann').slice(4, 5), ['Approved,Issued']);
	const health = (name: string) => certificateSigningRequestColumns.health(cluster.get('CertificateSigningRequest', name)!, {now});
	t.deepEqual([health('john'), health('jane'), health('ann')], ['pending', 'error', 'normal']);
	t.is(describe(cluster.get('CertificateSigningRequest', 'john')!, cluster), [
		'Name:                john',
		'Labels:              <none>',
		'Annotations:         <none>',
		'CreationTimestamp:   Thu, 01 Jan 2026 09:00:00 +0000',
		'Requesting User:     kubernetes-admin',
		'Signer:              kubernetes.io/kube-apiserver-client',
		'Requested Duration:  60m',
		'Status:              Pending',
		'Subject:',
		'  Common Name:    john',
		'  Serial Number:',
		'  Organization:   dev',
		'                  ops',
		'Subject Alternative Names:',
		'         DNS Names:     john.example',
		'         IP Addresses:  10.0.0.7',
		'Events:  <none>',
	].join('\n'));
	const shell = await startDashboard({cluster, size: {columns: 160, rows: 30}});
	try {
		await shell.press(':', ...'csr', 'enter');
		const frame = await shell.waitFor(f => f.includes('certificatesigningrequests[3]'), 'the csr view');
		t.regex(frame, /NAME\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\s+AGE/);
		t.regex(frame, /ann\s+kubernetes\.io\/kube-apiserver-client\s+kubernetes-admin\s+<none>\s+Approved,Issued/);
	} finally {
		await shell.unmount();
	}
});
