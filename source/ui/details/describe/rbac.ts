/**
 * Roles, ClusterRoles and their bindings, as kubectl's RoleDescriber and
 * RoleBindingDescriber print them (no namespace line, no events); and
 * CertificateSigningRequests as its CertificateSigningRequestDescriber does.
 */
import {breakdownRule, compactRules, compactRuleString, csrConditionText, requestDetails, type CertificateSigningRequest, type KubeObject, type PolicyRule} from '../../../engine/index.js';
import {Writer, annotations, labels} from './writer.js';
import {humanDuration} from '../../render/columns.js';

const goList = (values: string[] | undefined) => `[${(values ?? []).join(' ')}]`;

export function describeRole(w: Writer, role: KubeObject): void {
	w.line(0, 'Name:', role.metadata.name);
	labels(w, 0, 'Labels', role.metadata.labels);
	annotations(w, 0, role.metadata.annotations);
	const rules = compactRules(((role['rules'] as PolicyRule[] | undefined) ?? []).flatMap(breakdownRule))
		.sort((a, b) => (compactRuleString(a) < compactRuleString(b) ? -1 : compactRuleString(a) > compactRuleString(b) ? 1 : 0));
	w.line(0, 'PolicyRule:');
	w.line(1, 'Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs');
	w.line(1, '---------', '-----------------', '--------------', '-----');
	for (const rule of rules) {
		const resource = rule.resources?.[0] ?? '';
		const group = rule.apiGroups?.[0] ?? '';
		w.line(1, resource && group ? `${resource}.${group}` : resource, goList(rule.nonResourceURLs), goList(rule.resourceNames), goList(rule.verbs));
	}
}

export function describeRoleBinding(w: Writer, binding: KubeObject): void {
	w.line(0, 'Name:', binding.metadata.name);
	labels(w, 0, 'Labels', binding.metadata.labels);
	annotations(w, 0, binding.metadata.annotations);
	const ref = (binding['roleRef'] ?? {}) as {kind?: string; name?: string};
	w.line(0, 'Role:');
	w.line(1, 'Kind:', ref.kind ?? '');
	w.line(1, 'Name:', ref.name ?? '');
	w.line(0, 'Subjects:');
	w.line(1, 'Kind', 'Name', 'Namespace');
	w.line(1, '----', '----', '---------');
	for (const subject of (binding['subjects'] as Array<{kind: string; name: string; namespace?: string}> | undefined) ?? []) {
		w.line(1, subject.kind, subject.name, subject.namespace ?? '');
	}
}

/** A list as kubectl's printListHelper writes it: the title and first item, then one item a line. */
function listLines(w: Writer, title: string, items: readonly string[]): void {
	items.forEach((item, i) => w.line(0, '', i === 0 ? `${title}:` : '', item));
}

export function describeCertificateSigningRequest(w: Writer, object: KubeObject): void {
	const csr = object as CertificateSigningRequest;
	w.line(0, 'Name:', csr.metadata.name);
	labels(w, 0, 'Labels', csr.metadata.labels);
	annotations(w, 0, csr.metadata.annotations);
	w.line(0, 'CreationTimestamp:', new Date(Date.parse(csr.metadata.creationTimestamp)).toUTCString().replace('GMT', '+0000'));
	w.line(0, 'Requesting User:', csr.spec?.username ?? '');
	w.line(0, 'Signer:', csr.spec?.signerName ?? '');
	if (typeof csr.spec?.expirationSeconds === 'number') w.line(0, 'Requested Duration:', humanDuration(csr.spec.expirationSeconds * 1000));
	w.line(0, 'Status:', csrConditionText(csr));
	const details = requestDetails(Buffer.from(csr.spec?.request ?? '', 'base64'));
	if (!details) return;
	w.line(0, 'Subject:');
	w.line(0, '', 'Common Name:', details.commonName);
	w.line(0, '', 'Serial Number:', details.serialNumber);
	listLines(w, 'Organization', details.organization);
	listLines(w, 'Organizational Unit', details.organizationalUnit);
	listLines(w, 'Country', details.country);
	listLines(w, 'Locality', details.locality);
	listLines(w, 'Province', details.province);
	listLines(w, 'StreetAddress', details.streetAddress);
	listLines(w, 'PostalCode', details.postalCode);
	if (details.dnsNames.length + details.emailAddresses.length + details.ipAddresses.length + details.uris.length === 0) return;
	w.line(0, 'Subject Alternative Names:');
	listLines(w, 'DNS Names', details.dnsNames);
	listLines(w, 'Email Addresses', details.emailAddresses);
	listLines(w, 'IP Addresses', details.ipAddresses);
	listLines(w, 'URIs', details.uris);
}
