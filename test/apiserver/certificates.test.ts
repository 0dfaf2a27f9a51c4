import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {certificateRequest, csrManifest} from '../../fuzz/certificate-requests.js';
import {createCluster} from '../../source/engine/index.js';
import {kubectlSuite, serve, type Served} from './harness.js';

/**
 * A user made with the certificates API, as the CKA's task has it: a
 * CertificateSigningRequest applied, `kubectl certificate approve`, the
 * certificate into a kubeconfig user, and RBAC deciding what that user may.
 */

const lines = (...rows: string[]) => rows.map(r => `${r}\n`).join('');

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(`
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1"}
`);
}, {what: 'the certificates API tests'});

const john = certificateRequest({subject: [['CN', 'john'], ['O', 'developers']]});

/** kubectl with `args`, as `user`: a kubeconfig user of the certificate and key (PEM), beside the admin's. */
async function as(served: Served, certificate: string, key: string, ...args: string[]) {
	const dir = path.dirname(served.kubeconfig);
	writeFileSync(path.join(dir, 'user.crt'), certificate);
	writeFileSync(path.join(dir, 'user.key'), key);
	await served.kubectl(['config', 'set-credentials', 'user', `--client-certificate=${path.join(dir, 'user.crt')}`, `--client-key=${path.join(dir, 'user.key')}`, '--embed-certs']);
	await served.kubectl(['config', 'set-context', 'user', '--cluster=kubarium', '--user=user']);
	return served.kubectl(['--context=user', ...args]);
}

const keyPem = (request: typeof john) => request.key.export({type: 'pkcs8', format: 'pem'}) as string;

run('a request applied and approved with kubectl gets a certificate that logs its user in; RBAC decides what the user may', async t => {
	const file = path.join(path.dirname(served().kubeconfig), 'john.json');
	writeFileSync(file, JSON.stringify(csrManifest('john', john.pem, {expirationSeconds: 86400})));
	t.is((await served().kubectl(['apply', '-f', file])).stdout, 'certificatesigningrequest.certificates.k8s.io/john created\n');
	t.is((await served().kubectl(['get', 'csr'])).stdout, lines(
		'NAME   AGE   SIGNERNAME                            REQUESTOR          REQUESTEDDURATION   CONDITION',
		'john   0s    kubernetes.io/kube-apiserver-client   kubernetes-admin   24h                 Pending',
	));
	// kubectl's typed client writes the approval as protobuf.
	t.is((await served().kubectl(['certificate', 'approve', 'john'])).stdout, 'certificatesigningrequest.certificates.k8s.io/john approved\n');
	served().cluster.advance(1000);
	t.regex((await served().kubectl(['get', 'csr', 'john', '--no-headers'])).stdout, /Approved,Issued\n$/);
	const certificate = Buffer.from((await served().kubectl(['get', 'csr', 'john', '-o', 'jsonpath={.status.certificate}'])).stdout, 'base64').toString('utf8');
	t.regex(certificate, /^-----BEGIN CERTIFICATE-----\n/);
	t.is((await as(served(), certificate, keyPem(john), 'auth', 'whoami')).stdout, lines(
		'ATTRIBUTE   VALUE',
		'Username    john',
		'Groups      [developers system:authenticated]',
	));
	const refused = await as(served(), certificate, keyPem(john), 'get', 'configmaps');
	t.deepEqual([refused.code, refused.stderr], [1, 'Error from server (Forbidden): configmaps is forbidden: User "john" cannot list resource "configmaps" in API group "" in the namespace "default"\n']);
	t.is((await served().kubectl(['create', 'rolebinding', 'developers-view', '--clusterrole=view', '--group=developers'])).code, 0);
	t.is((await as(served(), certificate, keyPem(john), 'get', 'configmaps', 'settings', '-o', 'name')).stdout, 'configmap/settings\n');
	// A user may not approve requests for a signer it may not approve for.
	t.is((await served().kubectl(['create', 'clusterrole', 'csr-writer', '--verb=get,list,update', '--resource=certificatesigningrequests,certificatesigningrequests/approval'])).code, 0);
	t.is((await served().kubectl(['create', 'clusterrolebinding', 'john-csr', '--clusterrole=csr-writer', '--user=john'])).code, 0);
	writeFileSync(file, JSON.stringify(csrManifest('second', john.pem)));
	await served().kubectl(['create', '-f', file]);
	const approving = await as(served(), certificate, keyPem(john), 'certificate', 'approve', 'second');
	t.deepEqual([approving.code, approving.stderr], [1, 'Error from server (Forbidden): certificatesigningrequests.certificates.k8s.io "second" is forbidden: user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"\n']);
	t.is((await served().kubectl(['certificate', 'deny', 'second'])).stdout, 'certificatesigningrequest.certificates.k8s.io/second denied\n');
	const both = await served().kubectl(['certificate', 'approve', 'second']);
	t.deepEqual([both.code, both.stderr], [1, 'error: certificate signing request "second" is already Denied\n']);
	// A certificate of another authority, or once expired, logs no one in.
	served().cluster.advance(86_400_000);
	const expired = await as(served(), certificate, keyPem(john), 'auth', 'whoami');
	t.deepEqual([expired.code, expired.stderr], [1, 'error: You must be logged in to the server (Unauthorized)\n']);
});

run('a request kubectl describes, and one the API server refuses in its words', async t => {
	const ecdsa = certificateRequest({subject: [['CN', 'ann']], key: 'ec', dnsNames: ['ann.example']});
	const file = path.join(path.dirname(served().kubeconfig), 'ann.json');
	writeFileSync(file, JSON.stringify(csrManifest('ann', ecdsa.pem, {usages: ['digital signature', 'client auth']})));
	await served().kubectl(['create', '-f', file]);
	const described = (await served().kubectl(['describe', 'csr', 'ann'])).stdout;
	t.regex(described, /Requesting User:\s+kubernetes-admin\nSigner:\s+kubernetes\.io\/kube-apiserver-client\nStatus:\s+Pending\nSubject:\n\s+Common Name:\s+ann\n\s+Serial Number:\s+\nSubject Alternative Names:\n\s+DNS Names:\s+ann\.example\n/);
	writeFileSync(file, JSON.stringify(csrManifest('bad', 'not a request', {usages: []})));
	const refused = await served().kubectl(['create', '-f', file]);
	t.is(refused.code, 1);
	t.is(refused.stderr, 'The CertificateSigningRequest "bad" is invalid: \n* spec.request: Invalid value: []byte{0x6e, 0x6f, 0x74, 0x20, 0x61, 0x20, 0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74}: PEM block type must be CERTIFICATE REQUEST\n* spec.usages: Required value\n');
});

// The authority's key kept in a file (the config dir's ca.key) outlasts the server: a restarted one takes the certificates it issued.
run('with its key file, a server started again takes the certificates the cluster issued before', async t => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'kubarium-ca-key-'));
	const keyFile = path.join(dir, 'ca.key');
	const jane = certificateRequest({subject: [['CN', 'jane']], key: 'ed25519'});
	let first: Served | undefined;
	let again: Served | undefined;
	let other: Served | undefined;
	try {
		first = await serve(() => undefined, {certificateAuthorityKeyFile: keyFile}, served().cluster);
		const file = path.join(dir, 'jane.json');
		writeFileSync(file, JSON.stringify(csrManifest('jane', jane.pem)));
		await first.kubectl(['create', '-f', file]);
		await first.kubectl(['certificate', 'approve', 'jane']);
		served().cluster.advance(1000);
		const certificate = Buffer.from((await first.kubectl(['get', 'csr', 'jane', '-o', 'jsonpath={.status.certificate}'])).stdout, 'base64').toString('utf8');
		t.regex(readFileSync(keyFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
		t.is(statSync(keyFile).mode & 0o777, 0o600);
		await first.close();
		first = undefined;
		// The cluster restored in a new process, as `--state` does: the key is not in its snapshot.
		const snapshot = JSON.parse(JSON.stringify(served().cluster.snapshot()));
		again = await serve(() => undefined, {certificateAuthorityKeyFile: keyFile}, createCluster({snapshot}));
		t.is((await as(again, certificate, keyPem(jane), 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}')).stdout, 'jane');
		other = await serve(() => undefined, {}, createCluster({snapshot}));
		const refused = await as(other, certificate, keyPem(jane), 'auth', 'whoami');
		t.deepEqual([refused.code, refused.stderr], [1, 'error: You must be logged in to the server (Unauthorized)\n']);
	} finally {
		await first?.close();
		await again?.close();
		await other?.close();
		rmSync(dir, {recursive: true, force: true});
	}
});

run('the server\'s certificate is the cluster authority\'s: a kubeconfig made from the node\'s /etc/kubernetes/pki/ca.crt trusts it', async t => {
	// A server of its own: a test above gives the suite's cluster another authority under its running server.
	const own = await serve(cluster => cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings'}, data: {a: '1'}}));
	try {
		const {cluster} = own;
		const node = cluster.list('Node')[0]!.metadata.name;
		// The CA file on the node, as `kubectl debug node` shows it at /host.
		cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'ca-reader'}, spec: {nodeName: node, volumes: [{name: 'host', hostPath: {path: '/'}}], containers: [{name: 'sh', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{name: 'host', mountPath: '/host'}]}]}});
		cluster.advance(10_000);
		const nodeCa = cluster.exec('ca-reader', ['cat', '/host/etc/kubernetes/pki/ca.crt']).stdout;
		t.is(nodeCa, cluster.certificateAuthority());
		const kubeconfigCa = (await own.kubectl(['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}'])).stdout;
		t.is(Buffer.from(kubeconfigCa, 'base64').toString('utf8'), nodeCa, 'the kubeconfig\'s certificate authority');
		const dir = path.dirname(own.kubeconfig);
		writeFileSync(path.join(dir, 'node-ca.crt'), nodeCa);
		const server = (await own.kubectl(['config', 'view', '-o', 'jsonpath={.clusters[0].cluster.server}'])).stdout;
		const token = (await own.kubectl(['config', 'view', '--raw', '-o', 'jsonpath={.users[0].user.token}'])).stdout;
		const listed = await own.kubectl(['--kubeconfig=/dev/null', `--server=${server}`, `--certificate-authority=${path.join(dir, 'node-ca.crt')}`, `--token=${token}`, 'get', 'configmap', 'settings', '-o', 'name']);
		t.deepEqual([listed.code, listed.stdout], [0, 'configmap/settings\n']);
		// A server certificate no authority of the cluster's signed is refused by kubectl as any other.
		writeFileSync(path.join(dir, 'other-ca.crt'), createCluster({seed: 99}).certificateAuthority());
		const refused = await own.kubectl(['--kubeconfig=/dev/null', `--server=${server}`, `--certificate-authority=${path.join(dir, 'other-ca.crt')}`, `--token=${token}`, 'get', 'configmap', 'settings']);
		t.is(refused.code, 1);
		t.regex(refused.stderr, /x509: certificate signed by unknown authority/);
	} finally {
		await own.close();
	}
});
