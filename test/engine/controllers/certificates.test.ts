import test from 'ava';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {createCluster} from '../../../source/engine/cluster.js';
import type {CertificateSigningRequest} from '../../../source/engine/api/certificates-objects.js';
import {newAuthorityKey} from '../../../source/engine/pki/x509.js';
import {certificateRequest, csrManifest} from '../../../fuzz/certificate-requests.js';

/** The certificates API: a request's requestor and validation, approval, the signers, the cleaner, and the client certificates the API server takes. */

const john = certificateRequest({subject: [['CN', 'john'], ['O', 'dev'], ['O', 'ops']]});

function issued(csr: CertificateSigningRequest | undefined): X509Certificate {
	return new X509Certificate(Buffer.from(csr!.status!.certificate!, 'base64'));
}

const csrOf = (cluster: ReturnType<typeof createCluster>, name: string) => cluster.get('CertificateSigningRequest', name) as CertificateSigningRequest | undefined;

test('a new request is its requestor\'s and starts with no status, whatever it says', t => {
	const cluster = createCluster({seed: 1});
	const created = cluster.create({
		...csrManifest('john', john.pem, {username: 'mallory', groups: ['system:masters']}),
		status: {conditions: [{type: 'Approved', status: 'True'}], certificate: 'Zm9v'},
	}) as CertificateSigningRequest;
	t.like(created.spec, {username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated']});
	t.deepEqual(created.status, {});
	const asJane = cluster.create(csrManifest('jane', john.pem), {user: {user: 'jane', groups: ['dev', 'system:authenticated']}}) as CertificateSigningRequest;
	t.like(asJane.spec, {username: 'jane', groups: ['dev', 'system:authenticated']});
	cluster.advance(5000);
	t.deepEqual(csrOf(cluster, 'john')!.status, {}, 'pending: nothing signs it');
});

test('a request is refused in the API server\'s words, and nothing is written', t => {
	const cluster = createCluster({seed: 1});
	const refusal = (manifest: object) => t.throws(() => cluster.create(manifest as never))!.message;
	t.is(refusal(csrManifest('a', 'hello')), 'CertificateSigningRequest.certificates.k8s.io "a" is invalid: spec.request: Invalid value: []byte{0x68, 0x65, 0x6c, 0x6c, 0x6f}: PEM block type must be CERTIFICATE REQUEST');
	t.regex(refusal(csrManifest('a', john.pem, {usages: []})), /is invalid: spec\.usages: Required value$/);
	t.regex(refusal(csrManifest('a', john.pem, {usages: ['client auth', 'nope', 'client auth']})), /spec\.usages\[1\]: Unsupported value: "nope": supported values: "any", "cert sign", .*, spec\.usages\[2\]: Duplicate value: "client auth"\]$/);
	t.regex(refusal(csrManifest('a', john.pem, {signerName: 'signer'})), /spec\.signerName: Invalid value: "signer": must be a fully qualified domain and path of the form 'example\.com\/signer-name'$/);
	t.regex(refusal(csrManifest('a', john.pem, {signerName: ''})), /spec\.signerName: Required value$/);
	t.regex(refusal(csrManifest('a', john.pem, {signerName: 'kubernetes.io/legacy-unknown'})), /spec\.signerName: Invalid value: "kubernetes\.io\/legacy-unknown": the legacy signerName is not allowed via this API version$/);
	t.regex(refusal(csrManifest('a', john.pem, {expirationSeconds: 599})), /spec\.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds \(10 minutes\)$/);
	t.is(refusal({...csrManifest('a', john.pem), spec: {...csrManifest('a', john.pem).spec, request: 'no!base64'}}), 'CertificateSigningRequest in version "v1" cannot be handled as a CertificateSigningRequest: illegal base64 data at input byte 2');
	// A request whose signature is not its key's.
	const forged = john.pem.replace(/\n([A-Za-z0-9+/]{10})([A-Za-z0-9+/])/, (_, head: string, c: string) => `\n${head}${c === 'A' ? 'B' : 'A'}`);
	t.regex(refusal(csrManifest('a', forged)), /spec\.request: Invalid value: \[\]byte\{0x2d, .*\}: (crypto\/rsa: verification error|asn1: .*|x509: .*)$/);
	t.is(cluster.list('CertificateSigningRequest').length, 0);
});

test('an approved request for the client signer gets its certificate: the subject, the key, the usages, backdated five minutes, for the duration asked', t => {
	const cluster = createCluster({seed: 1});
	cluster.create(csrManifest('john', john.pem, {expirationSeconds: 86400, usages: ['digital signature', 'key encipherment', 'client auth']}));
	const approved = cluster.replaceApproval('john', [{type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.'}]) as CertificateSigningRequest;
	const stamp = new Date(cluster.now()).toISOString().replace('.000Z', 'Z');
	t.deepEqual(approved.status!.conditions, [{type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.', lastUpdateTime: stamp, lastTransitionTime: stamp}]);
	cluster.advance(1000);
	const signedAt = Date.parse(stamp);
	const certificate = issued(csrOf(cluster, 'john'));
	t.is(certificate.subject, 'O=dev + O=ops\nCN=john');
	t.is(certificate.issuer, 'CN=kubernetes');
	t.is(Date.parse(certificate.validFrom), signedAt - 5 * 60_000);
	t.is(Date.parse(certificate.validTo), signedAt + 86_400_000 - 5 * 60_000, 'a long certificate ends backdated too');
	t.deepEqual(certificate.keyUsage, ['1.3.6.1.5.5.7.3.2']);
	t.false(certificate.ca);
	t.true(certificate.checkPrivateKey(john.key));
	t.true(certificate.verify(new X509Certificate(cluster.certificateAuthority()).publicKey));
	t.deepEqual(cluster.clientCertificateUser(certificate.raw), {user: 'john', groups: ['dev', 'ops']});
	t.is(csrOf(cluster, 'john')!.status!.conditions!.length, 1, 'no condition says it was issued: the certificate does');
});

test('a short certificate is not backdated at its end, and the duration is at least ten minutes and at most the signer\'s year', t => {
	const cluster = createCluster({seed: 1});
	for (const [name, seconds] of [['short', 3600], ['long', 10 * 365 * 86400], ['default', undefined]] as const) {
		cluster.create(csrManifest(name, john.pem, seconds === undefined ? {} : {expirationSeconds: seconds}));
		cluster.replaceApproval(name, [{type: 'Approved', status: 'True'}]);
	}
	cluster.advance(1000);
	const lifetime = (name: string) => Date.parse(issued(csrOf(cluster, name)).validTo) - Date.parse(issued(csrOf(cluster, name)).validFrom);
	t.is(lifetime('short'), 3600_000 + 5 * 60_000);
	t.is(lifetime('long'), 365 * 86_400_000);
	t.is(lifetime('default'), 365 * 86_400_000);
});

test('a request a signer does not issue fails with why; a denied or pending one is never signed', t => {
	const cluster = createCluster({seed: 1});
	const node = certificateRequest({subject: [['CN', 'system:node:worker'], ['O', 'system:nodes']], key: 'ec', dnsNames: ['worker']});
	const cases: Array<[string, Record<string, unknown>, string]> = [
		['server', {usages: ['server auth']}, 'invalid usage for client certificate: server auth'],
		['signing', {usages: ['digital signature']}, 'missing required usage for client certificate: client auth'],
		['kubelet-client', {signerName: 'kubernetes.io/kube-apiserver-client-kubelet'}, 'subject organization is not system:nodes'],
		['kubelet-dns', {signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], request: Buffer.from(node.pem).toString('base64')}, 'DNS subjectAltNames are not allowed'],
		['kubelet-usages', {signerName: 'kubernetes.io/kubelet-serving', usages: ['server auth'], request: Buffer.from(node.pem).toString('base64')}, 'usages did not match [digital signature key encipherment server auth]'],
	];
	for (const [name, spec] of cases) {
		cluster.create(csrManifest(name, john.pem, spec));
		cluster.replaceApproval(name, [{type: 'Approved', status: 'True'}]);
	}
	cluster.create(csrManifest('serving', node.pem, {signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth']}));
	cluster.replaceApproval('serving', [{type: 'Approved'}]);
	cluster.create(csrManifest('denied', john.pem));
	cluster.replaceApproval('denied', [{type: 'Denied', status: 'True', reason: 'KubectlDeny'}]);
	cluster.create(csrManifest('other', john.pem, {signerName: 'example.com/mine'}));
	cluster.replaceApproval('other', [{type: 'Approved', status: 'True'}]);
	cluster.advance(1000);
	for (const [name, , message] of cases) {
		const status = csrOf(cluster, name)!.status!;
		t.is(status.certificate, undefined, name);
		t.like(status.conditions![1], {type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message}, name);
	}
	t.deepEqual(issued(csrOf(cluster, 'serving')).subjectAltName, 'DNS:worker');
	t.deepEqual(issued(csrOf(cluster, 'serving')).keyUsage, ['1.3.6.1.5.5.7.3.1']);
	t.is(csrOf(cluster, 'denied')!.status!.certificate, undefined);
	t.is(csrOf(cluster, 'other')!.status!.certificate, undefined, 'another signer\'s request waits for that signer');
});

test('approval may add Approved or Denied, never both, never take one away; an update of the object changes only its metadata', t => {
	const cluster = createCluster({seed: 1});
	cluster.create(csrManifest('john', john.pem));
	t.regex(t.throws(() => cluster.replaceApproval('john', [{type: 'Approved', status: 'True'}, {type: 'Denied', status: 'True'}]))!.message,
		/status\.conditions\[1\]\.type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive/);
	t.regex(t.throws(() => cluster.replaceApproval('john', [{type: 'Approved', status: 'False'}]))!.message,
		/status\.conditions\[0\]\.status: Unsupported value: "False": supported values: "True"/);
	t.regex(t.throws(() => cluster.replaceApproval('john', [{type: 'Custom', status: 'True'}, {type: 'Custom', status: 'True'}]))!.message,
		/status\.conditions\[1\]\.type: Duplicate value: "Custom"/);
	cluster.replaceApproval('john', [{type: 'Approved', status: 'True'}]);
	t.regex(t.throws(() => cluster.replaceApproval('john', []))!.message, /status\.conditions: Forbidden: updates may not remove a condition of type "Approved"/);
	t.throws(() => cluster.replaceApproval('gone', []), {message: 'certificatesigningrequests.certificates.k8s.io "gone" not found'});
	const before = csrOf(cluster, 'john')!;
	const replaced = cluster.replace({...before, metadata: {...before.metadata, labels: {team: 'dev'}}, spec: {...before.spec!, usages: ['server auth']}, status: {}}) as CertificateSigningRequest;
	t.deepEqual(replaced.metadata.labels, {team: 'dev'});
	t.deepEqual(replaced.spec, before.spec);
	t.deepEqual(replaced.status, before.status);
	// A dry run answers and writes nothing.
	cluster.create(csrManifest('dry', john.pem));
	const answered = cluster.replaceApproval('dry', [{type: 'Denied', status: 'True'}], {dryRun: true}) as CertificateSigningRequest;
	t.is(answered.status!.conditions![0]!.type, 'Denied');
	t.deepEqual(csrOf(cluster, 'dry')!.status, {});
});

test('the cleaner deletes requests issued, denied or failed an hour ago, pending ones after a day', t => {
	const cluster = createCluster({seed: 1});
	cluster.create(csrManifest('issued', john.pem));
	cluster.replaceApproval('issued', [{type: 'Approved', status: 'True'}]);
	cluster.create(csrManifest('denied', john.pem));
	cluster.replaceApproval('denied', [{type: 'Denied', status: 'True'}]);
	cluster.create(csrManifest('pending', john.pem));
	const names = () => cluster.list('CertificateSigningRequest').map(csr => csr.metadata.name).sort();
	cluster.advance(3600_000);
	t.deepEqual(names(), ['denied', 'issued', 'pending'], 'an hour is not past yet at the first poll');
	cluster.advance(3600_000);
	t.deepEqual(names(), ['pending']);
	cluster.advance(22 * 3600_000);
	t.deepEqual(names(), ['pending']);
	cluster.advance(3600_000);
	t.deepEqual(names(), []);
});

test('the API server takes a client certificate only from the cluster\'s authority, while it is valid, for client auth', t => {
	const cluster = createCluster({seed: 1});
	const sign = (name: string, spec: Record<string, unknown>, request = john) => {
		cluster.create(csrManifest(name, request.pem, spec));
		cluster.replaceApproval(name, [{type: 'Approved', status: 'True'}]);
		cluster.advance(1000);
		return issued(csrOf(cluster, name)).raw;
	};
	const short = sign('short', {expirationSeconds: 600});
	t.deepEqual(cluster.clientCertificateUser(short), {user: 'john', groups: ['dev', 'ops']});
	const noName = sign('no-name', {}, certificateRequest({subject: [['O', 'dev']], key: 'ed25519'}));
	t.deepEqual(cluster.clientCertificateUser(noName), {error: 'common name of user\'s certificate is empty'});
	cluster.advance(600_000);
	t.regex((cluster.clientCertificateUser(short) as {error: string}).error, /^x509: certificate has expired or is not yet valid: current time \S+ is after \S+$/);
	// Another cluster's authority (another key) signed nothing this one takes.
	const other = createCluster({seed: 1});
	other.useCertificateAuthority(newAuthorityKey());
	t.deepEqual(other.clientCertificateUser(noName), {error: 'x509: certificate signed by unknown authority'});
	t.throws(() => other.useCertificateAuthority(createPrivateKey(newAuthorityKey()).export({type: 'pkcs8', format: 'pem'}).toString().replace('PRIVATE', 'PUBLIC')));
});

test('the same seed and calls sign the same certificate; the authority is kubeadm\'s shape, ten years from the cluster\'s start', t => {
	const run = () => {
		const cluster = createCluster({seed: 3});
		cluster.create(csrManifest('john', john.pem));
		cluster.replaceApproval('john', [{type: 'Approved', status: 'True'}]);
		cluster.advance(1000);
		return csrOf(cluster, 'john')!.status!.certificate;
	};
	t.is(run(), run());
	const authority = new X509Certificate(createCluster({seed: 3}).certificateAuthority());
	t.true(authority.ca);
	t.is(authority.subject, 'CN=kubernetes');
	t.is(authority.subjectAltName, 'DNS:kubernetes');
	t.is(Date.parse(authority.validTo) - Date.parse(authority.validFrom), 10 * 365 * 86_400_000);
	t.not(new X509Certificate(createCluster({seed: 4}).certificateAuthority()).fingerprint256, authority.fingerprint256, 'each seed its own key');
});
