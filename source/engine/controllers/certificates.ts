import type {Controller, ControllerContext} from '../controller.js';
import {parseTime, rfc3339} from '../clock.js';
import {kubeApiServerClientSigner, kubeletClientSigner, kubeletServingSigner, base64Field, type CertificateSigningRequest, type CsrCondition, stampConditions} from '../api/certificates-objects.js';
import {issueCertificate, parseCertificateRequest, readCertificate, requestNames, type CertificateRequest} from '../pki/x509.js';
import {pemBlocks} from '../pki/der.js';

/**
 * kube-controller-manager's certificate controllers
 * (`pkg/controller/certificates`):
 * - csrsigning: an approved request for one of the built-in signers
 *   (`kubernetes.io/kube-apiserver-client`, `…-client-kubelet`,
 *   `kubernetes.io/kubelet-serving`) gets its certificate, signed by the
 *   cluster's authority, or, when it is not one that signer issues, the
 *   condition Failed (SignerValidationFailure) saying why;
 * - csrcleaner: every hour, requests are deleted once issued or denied
 *   or failed an hour ago, pending for a day, or their certificate expired.
 */

const signing = 'csrsigning-controller';
const cleaning = 'csrcleaner';

/** `--cluster-signing-duration`: a year. */
export const clusterSigningDurationMs = 365 * 24 * 3600_000;
/** The signer's backdating of NotBefore (and of a long certificate's NotAfter), and what counts as short. */
const backdateMs = 5 * 60_000;
const shortMs = 8 * 3600_000;
/** The cleaner's poll, and how long requests stay. */
export const csrCleanerPeriodMs = 3600_000;
const approvedExpirationMs = 3600_000;
const deniedExpirationMs = 3600_000;
const pendingExpirationMs = 24 * 3600_000;

const has = (csr: CertificateSigningRequest, type: string) => (csr.status?.conditions ?? []).some(c => c.type === type && c.status === 'True');

/** The usages as Go prints a sorted set: `[client auth digital signature key encipherment]`. */
const setText = (usages: readonly string[]) => `[${[...usages].sort().join(' ')}]`;
const sameSet = (a: readonly string[], b: readonly string[]) => new Set(a).size === new Set(b).size && a.every(x => b.includes(x)) && b.every(x => a.includes(x));

/** Why `signerName` does not issue this request (its isRequestForSigner check), or undefined. */
export function signerRefusal(signerName: string, request: CertificateRequest, usages: readonly string[]): string | undefined {
	if (signerName === kubeApiServerClientSigner) {
		for (const usage of usages) {
			if (usage !== 'digital signature' && usage !== 'key encipherment' && usage !== 'client auth') return `invalid usage for client certificate: ${usage}`;
		}
		return usages.includes('client auth') ? undefined : 'missing required usage for client certificate: client auth';
	}
	const names = requestNames(request);
	if (names.organization.length !== 1 || names.organization[0] !== 'system:nodes') return 'subject organization is not system:nodes';
	const nodeName = names.commonName.startsWith('system:node:');
	if (signerName === kubeletClientSigner) {
		if (names.dnsNames.length > 0) return 'DNS subjectAltNames are not allowed';
		if (names.emailAddresses.length > 0) return 'Email subjectAltNames are not allowed';
		if (names.ipAddresses.length > 0) return 'IP subjectAltNames are not allowed';
		if (names.uris.length > 0) return 'URI subjectAltNames are not allowed';
		if (!nodeName) return 'subject common name does not begin with system:node:';
		const required = ['digital signature', 'key encipherment', 'client auth'];
		if (!sameSet(usages, required) && !sameSet(usages, ['digital signature', 'client auth'])) return `usages did not match ${setText(required)}`;
		return undefined;
	}
	if (names.dnsNames.length === 0 && names.ipAddresses.length === 0) return 'DNS or IP subjectAltName is required';
	if (names.emailAddresses.length > 0) return 'Email subjectAltNames are not allowed';
	if (names.uris.length > 0) return 'URI subjectAltNames are not allowed';
	const required = ['digital signature', 'key encipherment', 'server auth'];
	if (!sameSet(usages, required) && !sameSet(usages, ['digital signature', 'server auth'])) return `usages did not match ${setText(required)}`;
	if (!nodeName) return 'subject common name does not begin with system:node:';
	return undefined;
}

/** How long a certificate lives: the signer's duration, or the shorter one asked for (at least ten minutes). */
export function certificateLifetime(expirationSeconds: number | undefined): number {
	if (expirationSeconds === undefined) return clusterSigningDurationMs;
	const asked = expirationSeconds * 1000;
	return asked > clusterSigningDurationMs ? clusterSigningDurationMs : asked < 10 * 60_000 ? 10 * 60_000 : asked;
}

export function createCsrSigningController(context: ControllerContext): Controller {
	const {store, clock, random} = context;

	function writeStatus(csr: CertificateSigningRequest, status: CertificateSigningRequest['status']): void {
		const conditions = stampConditions(status?.conditions ?? [], csr.status?.conditions ?? [], clock.now());
		store.update({...csr, metadata: {...csr.metadata, resourceVersion: ''}, status: {...status, ...(conditions.length > 0 ? {conditions} : {})}}, {status: true});
	}

	return {
		name: signing,
		watches: {CertificateSigningRequest: ({type, object}) => (type === 'DELETED' ? undefined : object.metadata.name)},
		sync(name) {
			const csr = store.get('CertificateSigningRequest', undefined, name) as CertificateSigningRequest | undefined;
			if (!csr?.spec || csr.status?.certificate || !has(csr, 'Approved') || has(csr, 'Failed')) return;
			const spec = csr.spec;
			const signerName = spec.signerName;
			if (signerName !== kubeApiServerClientSigner && signerName !== kubeletClientSigner && signerName !== kubeletServingSigner) return;
			const request = parseCertificateRequest(base64Field('CertificateSigningRequest', spec.request));
			const usages = spec.usages ?? [];
			const refusal = signerRefusal(signerName, request, usages);
			if (refusal) {
				const failed: CsrCondition = {type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: refusal, lastUpdateTime: rfc3339(clock.now())};
				writeStatus(csr, {...csr.status, conditions: [...(csr.status?.conditions ?? []), failed]});
				return;
			}
			const now = clock.now();
			const ttl = certificateLifetime(spec.expirationSeconds);
			const serial = Buffer.from(Array.from({length: 16}, () => random.int(0, 255)));
			const certificate = issueCertificate(context.services.certificateAuthority!(), request, {
				serial, usages,
				notBefore: now - backdateMs,
				notAfter: ttl < shortMs ? now + ttl : now + ttl - backdateMs,
			});
			writeStatus(csr, {...csr.status, certificate: Buffer.from(certificate).toString('base64')});
		},
	};
}

/** When an issued certificate (the status's PEM, base64) stops being valid, or undefined when it cannot be read. */
function certificateEnd(certificate: string): number | undefined {
	try {
		const block = pemBlocks(Buffer.from(certificate, 'base64').toString('latin1'))[0];
		return block ? readCertificate(block.bytes).notAfter : undefined;
	} catch {
		return undefined;
	}
}

export function createCsrCleaner(context: ControllerContext): Controller {
	const {store, clock} = context;
	const olderThan = (stamp: string | undefined, ms: number) => {
		const at = parseTime(stamp);
		return at !== undefined && clock.now() - at > ms;
	};

	/** Whether the cleaner deletes the request now. */
	function expired(csr: CertificateSigningRequest): boolean {
		const conditions = csr.status?.conditions ?? [];
		if (csr.status?.certificate && conditions.some(c => c.type === 'Approved' && olderThan(c.lastUpdateTime, approvedExpirationMs))) return true;
		if (conditions.some(c => (c.type === 'Denied' || c.type === 'Failed') && olderThan(c.lastUpdateTime, deniedExpirationMs))) return true;
		if (conditions.length === 0 && olderThan(csr.metadata.creationTimestamp, pendingExpirationMs)) return true;
		const end = csr.status?.certificate ? certificateEnd(csr.status.certificate) : undefined;
		return end !== undefined && end < clock.now();
	}

	const poll = clock.kind<null>('csrCleaner.poll', () => {
		for (const csr of store.list('CertificateSigningRequest') as CertificateSigningRequest[]) context.queue(cleaning).add(csr.metadata.name);
		clock.after(csrCleanerPeriodMs, poll, null);
	});

	return {
		name: cleaning,
		watches: {},
		start() {
			clock.after(csrCleanerPeriodMs, poll, null);
		},
		sync(name) {
			const csr = store.get('CertificateSigningRequest', undefined, name) as CertificateSigningRequest | undefined;
			if (csr && !csr.metadata.deletionTimestamp && expired(csr)) store.markDeleted(csr);
		},
	};
}
