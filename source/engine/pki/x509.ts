/**
 * The cluster's certificate authority: what kube-controller-manager's
 * csrsigning controller does with an approved CertificateSigningRequest
 * (`pkg/controller/certificates/authority`), and what the API server's
 * x509 authenticator asks of a client certificate. PKCS #10 requests are
 * read here (a subject, a public key, a signature, the SANs asked for);
 * certificates are written here and signed with node:crypto.
 *
 * The authority's key is Ed25519, whose signatures are a function of the
 * key and the data: the same calls sign the same certificate, so a cluster
 * replays exactly. Requests may use RSA, ECDSA or Ed25519 keys.
 */
import {createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject} from 'node:crypto';
import {
	bitString, childrenOf, contentOf, derTrue, encodingOf, explicit, extension, namedBits, octetString, oid, oidText, pem, pemBlocks,
	readDer, sequence, set, smallInteger, stringOf, time, timeOf, tlv, unsignedInteger, DerError, type Der,
} from './der.js';

const ed25519 = '1.3.101.112';
const subjectAltName = '2.5.29.17';
const extensionRequest = '1.2.840.113549.1.9.14';
const commonName = '2.5.4.3';
const organization = '2.5.4.10';

/** A certificate authority: its key, its certificate, and what an issued certificate names of it. */
export type CertificateAuthority = {
	key: KeyObject;
	/** The CA certificate, PEM. */
	certificate: string;
	publicKey: KeyObject;
	/** Its subject (DER): the issuer of every certificate it signs. */
	subject: Buffer;
	/** Its SubjectKeyIdentifier: the AuthorityKeyIdentifier of what it signs. */
	keyId: Buffer;
	notBefore: number;
	notAfter: number;
};

/** kubeadm's CA lifetime: ten years. */
const authorityLifetimeMs = 10 * 365 * 24 * 3600_000;

/** A new Ed25519 key for a cluster's authority (PEM, PKCS #8). */
export function newAuthorityKey(): string {
	return generateKeyPairSync('ed25519').privateKey.export({type: 'pkcs8', format: 'pem'}) as string;
}

/** An Ed25519 key made from a cluster's seed: the same in every run of that seed (a cluster no one gave a key of its own). */
export function seededAuthorityKey(seed: number): string {
	const secret = createHash('sha256').update(`kubarium cluster certificate authority ${seed}`).digest();
	// PKCS #8 of an Ed25519 key holds just its 32-byte seed (RFC 8410).
	const der = sequence(smallInteger(0), sequence(oid(ed25519)), octetString(octetString(secret)));
	return createPrivateKey({key: der, format: 'der', type: 'pkcs8'}).export({type: 'pkcs8', format: 'pem'}) as string;
}

/**
 * The authority of an Ed25519 key (PEM): a self-signed certificate as
 * kubeadm's `ca.crt` is (CN=kubernetes, a CA for ten years from
 * `notBefore`), made from the key alone, so it is the same each time.
 * Throws for a key that is not Ed25519.
 */
export function authorityFromKey(keyPem: string, notBefore: number): CertificateAuthority {
	const key = createPrivateKey(keyPem);
	if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the certificate authority's key must be Ed25519, not ${key.asymmetricKeyType ?? 'a symmetric key'}`);
	const publicKey = createPublicKey(key);
	const spki = publicKey.export({type: 'spki', format: 'der'});
	const keyId = subjectKeyId(spki);
	const subject = issuedSubject([[commonName, 'kubernetes']]);
	const notAfter = notBefore + authorityLifetimeMs;
	const extensions = [
		extension('2.5.29.15', true, namedBits([0, 2, 5])),
		extension('2.5.29.19', true, sequence(derTrue)),
		extension('2.5.29.14', false, octetString(keyId)),
		extension(subjectAltName, false, sequence(tlv(0x82, Buffer.from('kubernetes', 'ascii')))),
	];
	// The serial: from the key, so the same key makes the same certificate.
	const serial = createHash('sha256').update(spki).digest().subarray(0, 16);
	const der = signed(key, tbs(serial, subject, notBefore, notAfter, subject, spki, extensions));
	return {key, certificate: pem('CERTIFICATE', der), publicKey, subject, keyId, notBefore, notAfter};
}

/** SHA-1 of the public key's bits, as Go's x509 makes a CA's SubjectKeyIdentifier. */
function subjectKeyId(spki: Buffer): Buffer {
	const bits = childrenOf(readDer(spki))[1]!;
	return createHash('sha1').update(contentOf(bits).subarray(1)).digest();
}

function tbs(serial: Buffer, issuer: Buffer, notBefore: number, notAfter: number, subject: Buffer, spki: Buffer, extensions: Buffer[]): Buffer {
	return sequence(
		explicit(0, smallInteger(2)),
		unsignedInteger(serial),
		sequence(oid(ed25519)),
		issuer,
		sequence(time(notBefore), time(notAfter)),
		subject,
		spki,
		explicit(3, sequence(...extensions)),
	);
}

function signed(key: KeyObject, toBeSigned: Buffer): Buffer {
	return sequence(toBeSigned, sequence(oid(ed25519)), bitString(sign(null, toBeSigned, key)));
}

// ----- certificate requests ----------------------------------------------------------

/** A PKCS #10 request as read: what it asks to be certified, and its signature. */
export type CertificateRequest = {
	/** The signed part (CertificationRequestInfo, DER). */
	info: Buffer;
	/** The subject's attributes in order: type (dotted) and text. */
	subject: Array<[type: string, value: string]>;
	/** SubjectPublicKeyInfo, DER. */
	publicKey: Buffer;
	signatureAlgorithm: string;
	signature: Buffer;
	/** The subjectAltName extension the request asks for (its GeneralNames, DER), if any. */
	altNames?: Buffer;
};

/** Why a request cannot be read, as the API server says it (`ParseCSR`, Go's x509). */
export class RequestError extends Error {}

/**
 * The request in a PEM text (the bytes of `spec.request`): its first PEM
 * block must be a CERTIFICATE REQUEST. Throws RequestError.
 */
export function parseCertificateRequest(text: Buffer): CertificateRequest {
	const block = pemBlocks(text.toString('latin1'))[0];
	if (!block || block.label !== 'CERTIFICATE REQUEST') throw new RequestError('PEM block type must be CERTIFICATE REQUEST');
	try {
		const outer = readDer(block.bytes);
		const [info, algorithm, signature] = childrenOf(outer);
		if (outer.tag !== 0x30 || !info || info.tag !== 0x30 || !algorithm || !signature || signature.tag !== 0x03) throw new DerError('x509: malformed certificate request');
		const [version, subject, publicKey, attributes] = childrenOf(info);
		if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30 || !publicKey || publicKey.tag !== 0x30) throw new DerError('x509: malformed certificate request');
		return {
			info: encodingOf(info),
			subject: nameAttributes(subject),
			publicKey: encodingOf(publicKey),
			signatureAlgorithm: oidText(childrenOf(algorithm)[0]!),
			signature: contentOf(signature).subarray(1),
			altNames: attributes?.tag === 0xa0 ? requestedAltNames(attributes) : undefined,
		};
	} catch (error) {
		if (error instanceof DerError) throw new RequestError(error.message);
		throw error;
	}
}

function nameAttributes(name: Der): Array<[string, string]> {
	const out: Array<[string, string]> = [];
	for (const rdn of childrenOf(name)) {
		for (const attribute of childrenOf(rdn)) {
			const [type, value] = childrenOf(attribute);
			if (type && value) out.push([oidText(type), stringOf(value)]);
		}
	}
	return out;
}

/** The subjectAltName among a request's extensionRequest attribute, as its GeneralNames. */
function requestedAltNames(attributes: Der): Buffer | undefined {
	for (const attribute of childrenOf(attributes)) {
		const [type, values] = childrenOf(attribute);
		if (!type || !values || oidText(type) !== extensionRequest) continue;
		for (const extensions of childrenOf(values)) {
			for (const entry of childrenOf(extensions)) {
				const parts = childrenOf(entry);
				if (oidText(parts[0]!) === subjectAltName) return contentOf(parts[parts.length - 1]!);
			}
		}
	}
	return undefined;
}

/** How each signature algorithm is checked: the digest for node:crypto (null for Ed25519), or why Go's x509 refuses it. */
const signatureDigests: Record<string, string | null> = {
	'1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
	'1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
	[ed25519]: null,
};
const insecure: Record<string, string> = {'1.2.840.113549.1.1.5': 'SHA1-RSA', '1.2.840.10045.4.1': 'ECDSA-SHA1', '1.2.840.113549.1.1.4': 'MD5-RSA'};

/** What `kubectl describe csr` shows of a request: its subject's attributes and the names it asks for. */
export type RequestDetails = {
	commonName: string;
	serialNumber: string;
	organization: string[];
	organizationalUnit: string[];
	country: string[];
	locality: string[];
	province: string[];
	streetAddress: string[];
	postalCode: string[];
	dnsNames: string[];
	emailAddresses: string[];
	ipAddresses: string[];
	uris: string[];
};

type AltNames = Pick<RequestDetails, 'dnsNames' | 'emailAddresses' | 'ipAddresses' | 'uris'>;

/** The values of one attribute of a subject, in order. */
function valuesOf(subject: ReadonlyArray<[string, string]>, type: string): string[] {
	return subject.filter(([t]) => t === type).map(([, value]) => value);
}

/** An attribute's last value, as Go's pkix.Name keeps a single-valued one (the common name), or ''. */
function lastOf(subject: ReadonlyArray<[string, string]>, type: string): string {
	return valuesOf(subject, type).pop() ?? '';
}

function subjectDetails(subject: ReadonlyArray<[string, string]>): Omit<RequestDetails, keyof AltNames> {
	return {
		commonName: lastOf(subject, commonName), serialNumber: lastOf(subject, '2.5.4.5'),
		organization: valuesOf(subject, organization), organizationalUnit: valuesOf(subject, '2.5.4.11'), country: valuesOf(subject, '2.5.4.6'),
		locality: valuesOf(subject, '2.5.4.7'), province: valuesOf(subject, '2.5.4.8'), streetAddress: valuesOf(subject, '2.5.4.9'), postalCode: valuesOf(subject, '2.5.4.17'),
	};
}

/** The names of a subjectAltName's GeneralNames, by kind (other kinds left out). Throws DerError for names that do not read. */
function altNameLists(altNames: Buffer | undefined): AltNames {
	const names: AltNames = {dnsNames: [], emailAddresses: [], ipAddresses: [], uris: []};
	for (const name of altNames ? childrenOf(readDer(altNames)) : []) {
		const content = contentOf(name);
		if (name.tag === 0x82) names.dnsNames.push(content.toString('latin1'));
		else if (name.tag === 0x81) names.emailAddresses.push(content.toString('latin1'));
		else if (name.tag === 0x86) names.uris.push(content.toString('latin1'));
		else if (name.tag === 0x87) names.ipAddresses.push(content.length === 4 ? [...content].join('.') : [...Array(8).keys()].map(i => content.readUInt16BE(i * 2).toString(16)).join(':'));
	}
	return names;
}

/** What a request asks for: its subject's attributes and its names (what a signer checks). Throws DerError for names that do not read. */
export function requestNames(request: CertificateRequest): RequestDetails {
	return {...subjectDetails(request.subject), ...altNameLists(request.altNames)};
}

/** The details of the request in a PEM text, or undefined when it is not one; names that do not read are not shown. */
export function requestDetails(text: Buffer): RequestDetails | undefined {
	let request: CertificateRequest;
	try {
		request = parseCertificateRequest(text);
	} catch {
		return undefined;
	}
	let names: AltNames;
	try {
		names = altNameLists(request.altNames);
	} catch {
		names = altNameLists(undefined);
	}
	return {...subjectDetails(request.subject), ...names};
}

/** Undefined when the request is signed by the key it holds (`CheckSignature`), else Go's reason. */
export function requestSignatureProblem(request: CertificateRequest): string | undefined {
	const weak = insecure[request.signatureAlgorithm];
	if (weak) return `x509: cannot verify signature: insecure algorithm ${weak}`;
	const digest = signatureDigests[request.signatureAlgorithm];
	if (digest === undefined) return 'x509: cannot verify signature: algorithm unimplemented';
	let key: KeyObject;
	try {
		key = createPublicKey({key: request.publicKey, format: 'der', type: 'spki'});
	} catch {
		return 'x509: unsupported public key algorithm';
	}
	const type = key.asymmetricKeyType;
	let ok = false;
	try {
		ok = verify(digest, request.info, type === 'ec' ? {key, dsaEncoding: 'der'} : key, request.signature);
	} catch {
		ok = false;
	}
	if (ok) return undefined;
	return type === 'rsa' ? 'crypto/rsa: verification error' : type === 'ec' ? 'x509: ECDSA verification failure' : `x509: ${type === 'ed25519' ? 'Ed25519' : type} verification failure`;
}

// ----- issuing -----------------------------------------------------------------------

/** KeyUsage bits (RFC 5280) of the CertificateSigningRequest usages that are key usages. */
const keyUsageBits: Record<string, number> = {
	'signing': 0, 'digital signature': 0, 'content commitment': 1, 'key encipherment': 2, 'data encipherment': 3,
	'key agreement': 4, 'cert sign': 5, 'crl sign': 6, 'encipher only': 7, 'decipher only': 8,
};
/** ExtKeyUsage OIDs of the others, in Go's order of its ExtKeyUsage constants (it sorts them so). */
const extendedUsages: Array<[usage: string, oid: string]> = [
	['any', '2.5.29.37.0'], ['server auth', '1.3.6.1.5.5.7.3.1'], ['client auth', '1.3.6.1.5.5.7.3.2'], ['code signing', '1.3.6.1.5.5.7.3.3'],
	['email protection', '1.3.6.1.5.5.7.3.4'], ['s/mime', '1.3.6.1.5.5.7.3.4'], ['ipsec end system', '1.3.6.1.5.5.7.3.5'],
	['ipsec tunnel', '1.3.6.1.5.5.7.3.6'], ['ipsec user', '1.3.6.1.5.5.7.3.7'], ['timestamping', '1.3.6.1.5.5.7.3.8'],
	['ocsp signing', '1.3.6.1.5.5.7.3.9'], ['microsoft sgc', '1.3.6.1.4.1.311.10.3.3'], ['netscape sgc', '2.16.840.1.113730.4.1'],
];
const clientAuthOid = '1.3.6.1.5.5.7.3.2';

/** The subject attributes Go's pkix.Name keeps, in the order it writes them back (country first, the common name last). */
const subjectOrder = ['2.5.4.6', organization, '2.5.4.11', '2.5.4.7', '2.5.4.8', '2.5.4.9', '2.5.4.17', '2.5.4.5', commonName];

/** A PrintableString when every character may be one, else a UTF8String, as Go's asn1 writes a string. */
function directoryString(text: string): Buffer {
	return /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(text) ? tlv(0x13, Buffer.from(text, 'ascii')) : tlv(0x0c, Buffer.from(text, 'utf8'));
}

/** The subject as the certificate names it: the kept attributes, one a set, in Go's order. */
function issuedSubject(attributes: ReadonlyArray<[string, string]>): Buffer {
	const rdns: Buffer[] = [];
	for (const type of subjectOrder) {
		const values = valuesOf(attributes, type);
		if (values.length === 0) continue;
		// Go writes one set for all the values of a multi-valued attribute.
		rdns.push(set(...values.map(value => sequence(oid(type), directoryString(value)))));
	}
	return sequence(...rdns);
}

/**
 * Sign `request` as the PermissiveSigningPolicy does: the subject, its key
 * and the SANs it asks for; the usages given (a KeyUsage and an
 * ExtKeyUsage); not a CA; valid from `notBefore` to `notAfter` (cut to the
 * authority's own end). Returns the certificate, PEM.
 */
export function issueCertificate(ca: CertificateAuthority, request: Pick<CertificateRequest, 'subject' | 'publicKey' | 'altNames'>, options: {serial: Buffer; notBefore: number; notAfter: number; usages: readonly string[]}): string {
	const bits = [...new Set(options.usages.map(usage => keyUsageBits[usage]).filter((bit): bit is number => bit !== undefined))];
	const extended = [...new Set(extendedUsages.filter(([usage]) => options.usages.includes(usage)).map(([, id]) => id))];
	const subject = issuedSubject(request.subject);
	const extensions: Buffer[] = [];
	if (bits.length > 0) extensions.push(extension('2.5.29.15', true, namedBits(bits)));
	if (extended.length > 0) extensions.push(extension('2.5.29.37', false, sequence(...extended.map(id => oid(id)))));
	extensions.push(extension('2.5.29.19', true, sequence()));
	extensions.push(extension('2.5.29.35', false, sequence(tlv(0x80, ca.keyId))));
	// A subject with nothing in it makes the SANs critical (RFC 5280 4.2.1.6).
	if (request.altNames) extensions.push(extension(subjectAltName, subject.length === 2, request.altNames));
	const notAfter = Math.min(options.notAfter, ca.notAfter);
	return pem('CERTIFICATE', signed(ca.key, tbs(options.serial, ca.subject, options.notBefore, notAfter, subject, request.publicKey, extensions)));
}

/**
 * The API server's serving certificate, as kubeadm makes one (`apiserver.crt`):
 * CN=kube-apiserver, for `publicKey` (SubjectPublicKeyInfo, DER), its names
 * as SANs (a dotted IPv4 address as an IP, any other as a DNS name), for
 * server auth, signed by the cluster's authority, so a client that trusts
 * the authority's certificate (a kubeconfig, the node's
 * /etc/kubernetes/pki/ca.crt) trusts the server.
 */
export function issueServingCertificate(ca: CertificateAuthority, publicKey: Buffer, names: readonly string[], options: {serial: Buffer; notBefore: number; notAfter: number}): string {
	const altNames = sequence(...names.map(name => (/^\d{1,3}(\.\d{1,3}){3}$/.test(name) ? tlv(0x87, Buffer.from(name.split('.').map(Number))) : tlv(0x82, Buffer.from(name, 'ascii')))));
	return issueCertificate(ca, {subject: [[commonName, 'kube-apiserver']], publicKey, altNames}, {...options, usages: ['digital signature', 'key encipherment', 'server auth']});
}

// ----- authenticating ----------------------------------------------------------------

/** What the x509 authenticator makes of a client certificate: the user (its common name) and groups (its organizations), or why it is refused. */
export type ClientIdentity = {user: string; groups: string[]} | {error: string};

/**
 * The user a client certificate (DER) names, when `ca` signed it, it is
 * valid at `nowMs`, and it may be used for client authentication, as
 * kube-apiserver's x509 request authenticator checks it.
 */
export function clientCertificateIdentity(ca: CertificateAuthority, der: Buffer, nowMs: number): ClientIdentity {
	let certificate: CertificateFields;
	try {
		certificate = readCertificate(der);
	} catch {
		return {error: 'x509: malformed certificate'};
	}
	const {subject, notBefore, notAfter, extendedUsages} = certificate;
	if (certificate.signatureAlgorithm !== ed25519 || !verify(null, certificate.info, ca.publicKey, certificate.signature)) {
		return {error: 'x509: certificate signed by unknown authority'};
	}
	if (nowMs < notBefore || nowMs > notAfter) {
		return {error: `x509: certificate has expired or is not yet valid: current time ${new Date(nowMs).toISOString().replace(/\.\d+Z$/, 'Z')} is ${nowMs < notBefore ? 'before' : 'after'} ${new Date(nowMs < notBefore ? notBefore : notAfter).toISOString().replace(/\.\d+Z$/, 'Z')}`};
	}
	if (extendedUsages && !extendedUsages.includes(clientAuthOid) && !extendedUsages.includes('2.5.29.37.0')) return {error: 'x509: certificate specifies an incompatible key usage'};
	const user = lastOf(subject, commonName);
	if (user === '') return {error: 'common name of user\'s certificate is empty'};
	return {user, groups: valuesOf(subject, organization)};
}

/** A certificate as read: its signed part, how it is signed, its subject, its validity, and its extended key usages (undefined when it names none). */
export type CertificateFields = {
	info: Buffer;
	signatureAlgorithm: string;
	signature: Buffer;
	subject: Array<[string, string]>;
	notBefore: number;
	notAfter: number;
	extendedUsages?: string[];
};

/** Read a certificate's DER. Throws for one that does not read. */
export function readCertificate(der: Buffer): CertificateFields {
	const [info, algorithm, signature] = childrenOf(readDer(der));
	if (!info || !algorithm || !signature) throw new DerError('x509: malformed certificate');
	const fields = childrenOf(info);
	// The version ([0]) is there in every v3 certificate, and only then.
	const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
	const validity = childrenOf(fields[offset + 3]!);
	let extendedUsages: string[] | undefined;
	const extensions = fields[offset + 6]?.tag === 0xa3 ? childrenOf(childrenOf(fields[offset + 6]!)[0]!) : [];
	for (const entry of extensions) {
		const parts = childrenOf(entry);
		if (oidText(parts[0]!) === '2.5.29.37') extendedUsages = childrenOf(readDer(contentOf(parts[parts.length - 1]!))).map(oidText);
	}
	return {
		info: encodingOf(info),
		signatureAlgorithm: oidText(childrenOf(algorithm)[0]!),
		signature: contentOf(signature).subarray(1),
		subject: nameAttributes(fields[offset + 4]!),
		notBefore: timeOf(validity[0]!),
		notAfter: timeOf(validity[1]!),
		...(extendedUsages ? {extendedUsages} : {}),
	};
}
