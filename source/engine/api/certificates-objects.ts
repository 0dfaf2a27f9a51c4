/**
 * certificates.k8s.io/v1 CertificateSigningRequest (`pkg/apis/certificates`,
 * `pkg/registry/certificates`): its defaults and validation, and what the
 * API server's strategies let each way in change. A create takes its
 * requestor from the request (`spec.username`, `spec.groups`) and starts
 * with no status; an update of the object changes only its metadata; the
 * `approval` subresource changes only the Approved and Denied conditions
 * (what `kubectl certificate approve` and `deny` write); the signer writes
 * the certificate through `status`. Registered when this module is imported.
 */
import {badRequest, conflict, invalid, notFound, type FieldError} from '../errors.js';
import type {Store} from '../store.js';
import {rfc3339} from '../clock.js';
import {parseCertificateRequest, requestSignatureProblem, RequestError} from '../pki/x509.js';
import type {KubeObject} from './types.js';
import {defaulters, writeStrategies} from './defaults.js';
import {validators} from './validate-kinds.js';
import {unsupported, validateDNS1123Label, validateDNS1123Subdomain} from './validate-metadata.js';

export type CsrConditionType = 'Approved' | 'Denied' | 'Failed' | string;

export type CsrCondition = {
	type: CsrConditionType;
	status: string;
	reason?: string;
	message?: string;
	lastUpdateTime?: string;
	lastTransitionTime?: string;
};

export type CsrSpec = {
	/** The PKCS #10 request, PEM, base64 as JSON gives bytes. */
	request: string;
	signerName: string;
	expirationSeconds?: number;
	usages?: string[];
	username?: string;
	uid?: string;
	groups?: string[];
	extra?: Record<string, string[]>;
};

export type CertificateSigningRequest = KubeObject<CsrSpec, {
	conditions?: CsrCondition[];
	/** The issued certificate, PEM, base64. */
	certificate?: string;
}>;

/** The signers kube-controller-manager runs (`certificates/v1` constants). */
export const kubeApiServerClientSigner = 'kubernetes.io/kube-apiserver-client';
export const kubeletClientSigner = 'kubernetes.io/kube-apiserver-client-kubelet';
export const kubeletServingSigner = 'kubernetes.io/kubelet-serving';
export const legacyUnknownSigner = 'kubernetes.io/legacy-unknown';

/** Every usage a request may name (`allValidUsages`), sorted as the API server lists them. */
export const csrUsages: readonly string[] = [
	'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only',
	'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement',
	'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping',
];

/** Conditions whose status may only be True. */
const trueOnly = new Set(['Approved', 'Denied', 'Failed']);
const conditionStatuses = ['False', 'True', 'Unknown'];

/** Who asks: the API server's authenticated user. */
export type Requestor = {user: string; groups: readonly string[]};

/** The bytes of a base64 field as Go's encoding/json reads them (line breaks skipped), or the API server's 400 for text that is not base64. */
export function base64Field(kind: string, value: unknown): Buffer {
	if (typeof value !== 'string') throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${typeof value === 'number' ? 'number' : value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value} into Go value of type []uint8`);
	const text = value.replace(/[\r\n]/g, '');
	const bad = text.search(/[^A-Za-z0-9+/=]/);
	const padding = text.indexOf('=');
	const at = bad >= 0 ? bad : padding >= 0 && !/^=*$/.test(text.slice(padding)) ? padding : text.length % 4 !== 0 ? text.length - (text.length % 4) : -1;
	if (at >= 0) throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: illegal base64 data at input byte ${at}`);
	return Buffer.from(text, 'base64');
}

/** Go's `%#v` of a []byte, as a field error shows the value. */
function goBytes(bytes: Buffer): string {
	return `[]byte{${[...bytes].map(byte => `0x${byte.toString(16)}`).join(', ')}}`;
}

/** `ValidateSignerName`: a fully qualified domain and a path, `example.com/signer-name`. */
function validateSignerName(field: string, name: unknown): FieldError[] {
	if (typeof name !== 'string' || name === '') return [{field, type: 'Required value', detail: ''}];
	const segments = name.split('/');
	if (segments.length !== 2) return [{field, type: 'Invalid value', value: name, detail: 'must be a fully qualified domain and path of the form \'example.com/signer-name\''}];
	const [domain, path] = segments as [string, string];
	const errors: FieldError[] = [];
	if (domain.length > 253) errors.push({field, type: 'Too long', value: domain, detail: 'must have at most 253 bytes'});
	const labels = domain.split('.');
	for (const label of labels) {
		const wrong = validateDNS1123Label(label);
		if (wrong.length === 0) continue;
		for (const detail of wrong) errors.push({field, type: 'Invalid value', value: domain, detail: `validating label "${label}": ${detail}`});
		break;
	}
	if (labels.length < 2) errors.push({field, type: 'Invalid value', value: domain, detail: 'should be a domain with at least two segments separated by dots'});
	if (path.length > 63) errors.push({field, type: 'Too long', value: path, detail: 'must have at most 63 bytes'});
	for (const segment of path.split('.')) {
		const wrong = validateDNS1123Subdomain(segment);
		if (wrong.length === 0) continue;
		for (const detail of wrong) errors.push({field, type: 'Invalid value', value: path, detail: `validating component "${segment}": ${detail}`});
		break;
	}
	return errors;
}

type ValidationOptions = {
	/** The approval subresource: Approved and Denied may be added. */
	settingApproval?: boolean;
};

/** `validateCertificateSigningRequest` and, over `old`, the update checks of the way in `options` names. */
export function validateCertificateSigningRequest(csr: CertificateSigningRequest, old?: CertificateSigningRequest, options: ValidationOptions = {}): FieldError[] {
	const errors: FieldError[] = [];
	const spec: Partial<CsrSpec> = csr.spec ?? {};
	const request = base64Field('CertificateSigningRequest', spec.request ?? '');
	try {
		const problem = requestSignatureProblem(parseCertificateRequest(request));
		if (problem) errors.push({field: 'spec.request', type: 'Invalid value', shown: goBytes(request), detail: problem});
	} catch (error) {
		if (!(error instanceof RequestError)) throw error;
		errors.push({field: 'spec.request', type: 'Invalid value', shown: goBytes(request), detail: error.message});
	}
	const usages = spec.usages ?? [];
	if (usages.length === 0) errors.push({field: 'spec.usages', type: 'Required value', detail: ''});
	const oldUsages = old?.spec?.usages ?? [];
	const unknownBefore = oldUsages.some(usage => !csrUsages.includes(usage));
	const duplicateBefore = new Set(oldUsages).size !== oldUsages.length;
	const seen = new Set<string>();
	usages.forEach((usage, index) => {
		if (!unknownBefore && !csrUsages.includes(usage)) errors.push(unsupported(`spec.usages[${index}]`, usage, csrUsages));
		if (!duplicateBefore && seen.has(usage)) errors.push({field: `spec.usages[${index}]`, type: 'Duplicate value', value: usage, detail: ''});
		seen.add(usage);
	});
	if (spec.signerName === legacyUnknownSigner && old?.spec?.signerName !== legacyUnknownSigner) {
		errors.push({field: 'spec.signerName', type: 'Invalid value', value: spec.signerName, detail: 'the legacy signerName is not allowed via this API version'});
	} else {
		errors.push(...validateSignerName('spec.signerName', spec.signerName));
	}
	if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) {
		errors.push({field: 'spec.expirationSeconds', type: 'Invalid value', value: spec.expirationSeconds, detail: 'may not specify a duration less than 600 seconds (10 minutes)'});
	}
	errors.push(...validateConditions(csr.status?.conditions ?? [], old));
	if (old) errors.push(...validateConditionUpdate(csr, old, options));
	return errors;
}

function validateConditions(conditions: readonly CsrCondition[], old: CertificateSigningRequest | undefined): FieldError[] {
	const errors: FieldError[] = [];
	const before = old?.status?.conditions ?? [];
	const bothBefore = before.some(c => c.type === 'Approved') && before.some(c => c.type === 'Denied');
	const typesBefore = before.map(c => c.type);
	const duplicatesBefore = new Set(typesBefore).size !== typesBefore.length;
	const emptyBefore = typesBefore.includes('');
	const seen = new Set<string>();
	let approved = false;
	let denied = false;
	conditions.forEach((condition, index) => {
		const at = `status.conditions[${index}]`;
		if (!emptyBefore && !condition.type) errors.push({field: `${at}.type`, type: 'Required value', detail: ''});
		const allowed = trueOnly.has(condition.type) ? ['True'] : conditionStatuses;
		if (!condition.status) errors.push({field: `${at}.status`, type: 'Required value', detail: ''});
		else if (!allowed.includes(condition.status)) errors.push(unsupported(`${at}.status`, condition.status, allowed));
		if (!bothBefore) {
			if (condition.type === 'Approved') {
				approved = true;
				if (denied) errors.push({field: `${at}.type`, type: 'Invalid value', value: condition.type, detail: 'Approved and Denied conditions are mutually exclusive'});
			} else if (condition.type === 'Denied') {
				denied = true;
				if (approved) errors.push({field: `${at}.type`, type: 'Invalid value', value: condition.type, detail: 'Approved and Denied conditions are mutually exclusive'});
			}
		}
		if (!duplicatesBefore && seen.has(condition.type)) errors.push({field: `${at}.type`, type: 'Duplicate value', value: condition.type, detail: ''});
		seen.add(condition.type);
	});
	return errors;
}

/** What an update may not do to the conditions and the certificate (`validateCertificateSigningRequestUpdate`). */
function validateConditionUpdate(csr: CertificateSigningRequest, old: CertificateSigningRequest, options: ValidationOptions): FieldError[] {
	const errors: FieldError[] = [];
	const of = (object: CertificateSigningRequest, type: string) => (object.status?.conditions ?? []).filter(c => c.type === type);
	for (const type of ['Approved', 'Denied', 'Failed']) {
		if (of(csr, type).length < of(old, type).length) errors.push({field: 'status.conditions', type: 'Forbidden', detail: `updates may not remove a condition of type "${type}"`});
	}
	if (!options.settingApproval) {
		for (const type of ['Approved', 'Denied']) {
			const before = of(old, type);
			const after = of(csr, type);
			if (after.length > before.length) errors.push({field: 'status.conditions', type: 'Forbidden', detail: `updates may not add a condition of type "${type}"`});
			else if (after.length === before.length && JSON.stringify(after) !== JSON.stringify(before)) errors.push({field: 'status.conditions', type: 'Forbidden', detail: `updates may not modify a condition of type "${type}"`});
		}
	}
	if ((csr.status?.certificate ?? '') !== (old.status?.certificate ?? '')) {
		errors.push({field: 'status.certificate', type: 'Forbidden', detail: 'updates may not set certificate content'});
	}
	return errors;
}

defaulters.set('CertificateSigningRequest', object => {
	const csr = object as CertificateSigningRequest;
	const conditions = csr.status?.conditions;
	if (!Array.isArray(conditions) || conditions.every(c => c.status)) return csr;
	return {...csr, status: {...csr.status, conditions: conditions.map(c => (c.status ? c : {...c, status: 'True'}))}} as CertificateSigningRequest;
});

validators.set('CertificateSigningRequest', (object, old) => validateCertificateSigningRequest(object as CertificateSigningRequest, old as CertificateSigningRequest | undefined));

/**
 * The strategy of a create or an update of the object itself: a new
 * request is its requestor's, whatever it says, and starts with no status
 * (it cannot come pre-approved); an update changes only the metadata.
 */
writeStrategies.set('CertificateSigningRequest', (object, existing, requestor) => {
	const csr = object as CertificateSigningRequest;
	if (existing) return {...csr, spec: existing.spec, status: existing.status} as KubeObject;
	const {username: _user, uid: _uid, groups: _groups, extra: _extra, ...spec}: Partial<CsrSpec> = csr.spec ?? {};
	const {status: _status, ...rest} = csr;
	return {...rest, spec: {...spec, username: requestor.user, groups: [...requestor.groups]}, status: {}} as KubeObject;
});

/** `populateConditionTimestamps`: a condition without times gets now, or, for its transition, the time of the same condition before. */
export function stampConditions(conditions: readonly CsrCondition[], before: readonly CsrCondition[], nowMs: number): CsrCondition[] {
	const now = rfc3339(nowMs);
	return conditions.map(condition => {
		const {type, status, reason, message, lastUpdateTime, lastTransitionTime, ...rest} = condition;
		const same = lastTransitionTime ? undefined : before.find(c => c.type === type && c.status === status && c.lastTransitionTime);
		// In the order the API server writes a condition's fields.
		return {
			type, status,
			...(reason ? {reason} : {}),
			...(message ? {message} : {}),
			lastUpdateTime: lastUpdateTime || now,
			lastTransitionTime: lastTransitionTime || (same?.lastTransitionTime ?? now),
			...rest,
		};
	});
}

export type ApprovalOptions = {
	/** Check and return the request as it would be, writing nothing. */
	dryRun?: boolean;
	/** The resourceVersion the writer read: another one is a Conflict. */
	resourceVersion?: string;
};

/**
 * The `approval` subresource: the request's conditions become `conditions`
 * (defaulted and stamped), everything else stays as stored. Refused
 * (Invalid) when a condition is removed, Approved and Denied would both be
 * set, or a condition type repeats.
 */
export function updateApproval(store: Store, nowMs: number, name: string, conditions: unknown, options: ApprovalOptions = {}): CertificateSigningRequest {
	const existing = store.get('CertificateSigningRequest', undefined, name) as CertificateSigningRequest | undefined;
	if (!existing) throw notFound('certificatesigningrequests.certificates.k8s.io', name);
	if (options.resourceVersion && options.resourceVersion !== existing.metadata.resourceVersion) throw conflict('certificatesigningrequests.certificates.k8s.io', name);
	if (conditions !== undefined && conditions !== null && !Array.isArray(conditions)) {
		throw badRequest('CertificateSigningRequest in version "v1" cannot be handled as a CertificateSigningRequest: json: cannot unmarshal into Go struct field CertificateSigningRequestStatus.status.conditions of type []v1.CertificateSigningRequestCondition');
	}
	const given = (structuredClone(conditions ?? []) as CsrCondition[]).map(c => (c.status ? c : {...c, status: 'True'}));
	const before = existing.status?.conditions ?? [];
	const stamped = stampConditions(given, before, nowMs);
	const {conditions: _old, ...status} = existing.status ?? {};
	const next: CertificateSigningRequest = {...existing, metadata: {...existing.metadata, resourceVersion: ''}, status: stamped.length > 0 ? {...status, conditions: stamped} : status};
	const errors = validateCertificateSigningRequest(next, existing, {settingApproval: true});
	if (errors.length > 0) throw invalid('CertificateSigningRequest.certificates.k8s.io', name, errors);
	return options.dryRun ? {...next, metadata: existing.metadata} : store.update(next, {status: true}) as CertificateSigningRequest;
}

/** What `kubectl get csr` shows as CONDITION: Denied or Approved (or Pending), then Failed and Issued. */
export function csrConditionText(csr: CertificateSigningRequest): string {
	const types = new Set((csr.status?.conditions ?? []).map(c => c.type));
	let text = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
	if (types.has('Failed')) text += ',Failed';
	if (csr.status?.certificate) text += ',Issued';
	return text;
}
