import test from 'ava';
import fc from 'fast-check';
import {renderFieldError, type FieldError} from '../../../source/engine/errors.js';
import {
	validateAnnotations,
	validateDNS1035Label,
	validateDNS1123Label,
	validateDNS1123Subdomain,
	validateLabelKey,
	validateLabels,
	validateLabelSelector,
	validateLabelValue,
	validateMetadata,
	validateObjectName,
	type MetadataInput,
	type MetadataOptions,
	type NameValidator,
} from '../../../source/engine/api/validate-metadata.js';

// Upstream's messages, spelled out so that a change of wording fails here.
const subdomainRule = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';
const labelRule = 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')';
const dns1035Rule = 'a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')';
const keyNameRule = 'must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')';
const keyTooManySlashes = `a valid label key ${keyNameRule} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;
const valueRule = 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')';

const a = (count: number) => 'a'.repeat(count);

type StringCheck = 'subdomain' | 'label' | 'dns1035' | 'labelKey' | 'labelValue' | `name:${NameValidator}` | `prefix:${NameValidator}`;

function runStringCheck(check: StringCheck, input: string): string[] {
	switch (check) {
		case 'subdomain': { return validateDNS1123Subdomain(input); }
		case 'label': { return validateDNS1123Label(input); }
		case 'dns1035': { return validateDNS1035Label(input); }
		case 'labelKey': { return validateLabelKey(input); }
		case 'labelValue': { return validateLabelValue(input); }
		default: {
			const [mode, validator] = check.split(':') as ['name' | 'prefix', NameValidator];
			return validateObjectName(validator, input, mode === 'prefix');
		}
	}
}

/** The string validators: one input, the exact list of messages (empty when valid). */
const stringCases: Array<{check: StringCheck; input: string; errors: string[]}> = [
	{check: 'subdomain', input: 'example.com', errors: []},
	{check: 'subdomain', input: 'web-7d4b9c-x2x7k', errors: []},
	{check: 'subdomain', input: '1.2.3', errors: []},
	{check: 'subdomain', input: a(253), errors: []},
	{check: 'subdomain', input: a(254), errors: ['must be no more than 253 characters']},
	{check: 'subdomain', input: 'Web', errors: [subdomainRule]},
	{check: 'subdomain', input: '', errors: [subdomainRule]},
	{check: 'subdomain', input: '-web', errors: [subdomainRule]},
	{check: 'subdomain', input: 'web.', errors: [subdomainRule]},
	{check: 'subdomain', input: 'web_1', errors: [subdomainRule]},
	{check: 'subdomain', input: `${a(253)}-`, errors: ['must be no more than 253 characters', subdomainRule]},
	{check: 'label', input: 'kube-system', errors: []},
	{check: 'label', input: a(63), errors: []},
	{check: 'label', input: a(64), errors: ['must be no more than 63 characters']},
	{check: 'label', input: 'web.local', errors: ['must not contain dots']},
	{check: 'label', input: 'Web', errors: [labelRule]},
	{check: 'label', input: 'web-', errors: [labelRule]},
	{check: 'dns1035', input: 'my-svc', errors: []},
	{check: 'dns1035', input: '1svc', errors: [dns1035Rule]},
	{check: 'dns1035', input: `s${a(63)}`, errors: ['must be no more than 63 characters']},
	{check: 'labelKey', input: 'simple', errors: []},
	{check: 'labelKey', input: 'Uppercase_Is_OK_123', errors: []},
	{check: 'labelKey', input: 'example.com/Uppercase_Is_OK_123', errors: []},
	{check: 'labelKey', input: 'app.kubernetes.io/name', errors: []},
	{check: 'labelKey', input: '1.2.3.4/5678', errors: []},
	{check: 'labelKey', input: a(63), errors: []},
	{check: 'labelKey', input: `${a(253)}/${'b'.repeat(63)}`, errors: []},
	{check: 'labelKey', input: 'nospecialchars%^=@', errors: [`name part ${keyNameRule}`]},
	{check: 'labelKey', input: 'cantendwithadash-', errors: [`name part ${keyNameRule}`]},
	{check: 'labelKey', input: 'only/one/slash', errors: [keyTooManySlashes]},
	{check: 'labelKey', input: 'Example.com/abc', errors: [`prefix part ${subdomainRule}`]},
	{check: 'labelKey', input: 'example_com/abc', errors: [`prefix part ${subdomainRule}`]},
	{check: 'labelKey', input: 'example.com/', errors: ['name part must be non-empty', `name part ${keyNameRule}`]},
	{check: 'labelKey', input: '/simple', errors: ['prefix part must be non-empty']},
	{check: 'labelKey', input: '', errors: ['name part must be non-empty', `name part ${keyNameRule}`]},
	{check: 'labelKey', input: a(64), errors: ['name part must be no more than 63 bytes']},
	{check: 'labelKey', input: `${a(254)}/abc`, errors: ['prefix part must be no more than 253 bytes']},
	{check: 'labelValue', input: '', errors: []},
	{check: 'labelValue', input: 'end-with-num-1', errors: []},
	{check: 'labelValue', input: a(63), errors: []},
	{check: 'labelValue', input: a(64), errors: ['must be no more than 63 bytes']},
	{check: 'labelValue', input: '-starts-with-dash', errors: [valueRule]},
	{check: 'labelValue', input: 'ends.with.dot.', errors: [valueRule]},
	{check: 'labelValue', input: 'Tama-nui-te-rā', errors: [valueRule]},
	{check: 'labelValue', input: 'ā'.repeat(32), errors: ['must be no more than 63 bytes', valueRule]},
	{check: 'name:subdomain', input: 'web.v2', errors: []},
	{check: 'name:subdomain', input: 'web-', errors: [subdomainRule]},
	{check: 'prefix:subdomain', input: 'web-', errors: []},
	{check: 'prefix:subdomain', input: '-', errors: [subdomainRule]},
	// maskTrailingDash replaces the last two characters, so `a.-` checks as `aa`.
	{check: 'prefix:subdomain', input: 'a.-', errors: []},
	{check: 'prefix:subdomain', input: 'Web-', errors: [subdomainRule]},
	{check: 'name:label', input: 'web.v2', errors: ['must not contain dots']},
	{check: 'prefix:label', input: 'web-0-', errors: []},
	{check: 'name:dns1035', input: '7-up', errors: [dns1035Rule]},
	{check: 'prefix:dns1035', input: 'svc-', errors: []},
	{check: 'name:path', input: 'system:controller', errors: []},
	{check: 'name:path', input: '..', errors: ['may not be \'..\'']},
	{check: 'name:path', input: '.', errors: ['may not be \'.\'']},
	{check: 'name:path', input: 'a/b%c', errors: ['may not contain \'/\'', 'may not contain \'%\'']},
	{check: 'prefix:path', input: '..', errors: []},
];

for (const [index, {check, input, errors}] of stringCases.entries()) {
	test(`${check} #${index}: ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`, t => {
		t.deepEqual(runStringCheck(check, input), errors);
	});
}

const pod: MetadataOptions = {nameValidator: 'subdomain', namespaced: true};
const namespace: MetadataOptions = {nameValidator: 'label', namespaced: false};
const service: MetadataOptions = {nameValidator: 'dns1035', namespaced: true};

/** Validators returning field errors, compared as the API server renders them. */
const fieldCases: Array<{title: string; run: () => FieldError[]; errors: string[]}> = [
	{title: 'valid labels', run: () => validateLabels({'app.kubernetes.io/name': 'web', tier: ''}, 'metadata.labels'), errors: []},
	{title: 'no labels', run: () => validateLabels(undefined, 'metadata.labels'), errors: []},
	{
		title: 'bad label key and value',
		run: () => validateLabels({'a/b/c': 'ok', app: 'web server'}, 'metadata.labels'),
		errors: [`metadata.labels: Invalid value: "a/b/c": ${keyTooManySlashes}`, `metadata.labels: Invalid value: "web server": ${valueRule}`],
	},
	{title: 'annotation keys ignore case', run: () => validateAnnotations({'Example.com/Note': 'x y z'}, 'metadata.annotations'), errors: []},
	{
		title: 'bad annotation key',
		run: () => validateAnnotations({'-note': 'x'}, 'metadata.annotations'),
		errors: [`metadata.annotations: Invalid value: "-note": name part ${keyNameRule}`],
	},
	{title: 'annotations at the size limit', run: () => validateAnnotations({k: a((256 * 1024) - 1)}, 'metadata.annotations'), errors: []},
	{
		title: 'annotations over the size limit',
		run: () => validateAnnotations({k: a(128 * 1024), l: a(128 * 1024)}, 'metadata.annotations'),
		errors: ['metadata.annotations: Too long: may not be more than 262144 bytes'],
	},
	{title: 'valid metadata', run: () => validateMetadata({name: 'web', namespace: 'default', labels: {app: 'web'}}, pod), errors: []},
	{title: 'generateName stands in for name', run: () => validateMetadata({generateName: 'web-', namespace: 'default'}, pod), errors: []},
	{title: 'neither name nor generateName', run: () => validateMetadata({namespace: 'default'}, pod), errors: ['metadata.name: Required value: name or generateName is required']},
	{
		title: 'bad name and generateName',
		run: () => validateMetadata({name: 'Web', generateName: 'Web-', namespace: 'default'}, pod),
		errors: [`metadata.generateName: Invalid value: "Web-": ${subdomainRule}`, `metadata.name: Invalid value: "Web": ${subdomainRule}`],
	},
	{
		title: 'name too long',
		run: () => validateMetadata({name: a(254), namespace: 'default'}, pod),
		errors: [`metadata.name: Invalid value: "${a(254)}": must be no more than 253 characters`],
	},
	{title: 'Service names start with a letter', run: () => validateMetadata({name: '1-svc', namespace: 'default'}, service), errors: [`metadata.name: Invalid value: "1-svc": ${dns1035Rule}`]},
	{title: 'Namespace names are labels', run: () => validateMetadata({name: 'team.a'}, namespace), errors: ['metadata.name: Invalid value: "team.a": must not contain dots']},
	{title: 'namespace required', run: () => validateMetadata({name: 'web'}, pod), errors: ['metadata.namespace: Required value']},
	{title: 'namespace format', run: () => validateMetadata({name: 'web', namespace: 'Team_A'}, pod), errors: [`metadata.namespace: Invalid value: "Team_A": ${labelRule}`]},
	{title: 'namespace on a cluster-scoped kind', run: () => validateMetadata({name: 'team-a', namespace: 'default'}, namespace), errors: ['metadata.namespace: Forbidden: not allowed on this type']},
	{title: 'negative generation', run: () => validateMetadata({name: 'web', namespace: 'default', generation: -1}, pod), errors: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']},
	{
		title: 'labels and annotations under a custom path',
		run: () => validateMetadata({name: 'x', labels: {app: '-'}, annotations: {'a/b/c': ''}}, {...namespace, fieldPath: 'spec.template.metadata'}),
		errors: [`spec.template.metadata.labels: Invalid value: "-": ${valueRule}`, `spec.template.metadata.annotations: Invalid value: "a/b/c": ${keyTooManySlashes}`],
	},
	{
		title: 'owner reference fields required',
		run: () => validateMetadata({name: 'web', namespace: 'default', ownerReferences: [{apiVersion: '', kind: '', name: '', uid: ''}]}, pod),
		errors: [
			'metadata.ownerReferences[0].apiVersion: Required value: must not be empty',
			'metadata.ownerReferences[0].kind: Required value: must not be empty',
			'metadata.ownerReferences[0].name: Required value: must not be empty',
			'metadata.ownerReferences[0].uid: Required value: must not be empty',
		],
	},
	{
		title: 'owner reference apiVersion format',
		run: () => validateMetadata({name: 'web', namespace: 'default', ownerReferences: [{apiVersion: 'a/b/c', kind: 'X', name: 'x', uid: '1'}]}, pod),
		errors: ['metadata.ownerReferences[0].apiVersion: Invalid value: "a/b/c": must be <group>/<version> or <version>'],
	},
	{
		title: 'Events cannot own',
		run: () => validateMetadata({name: 'web', namespace: 'default', ownerReferences: [{apiVersion: 'v1', kind: 'Event', name: 'e', uid: '1'}]}, pod),
		errors: ['metadata.ownerReferences[0]: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"1"}: /v1, Kind=Event is disallowed from being an owner'],
	},
	{
		title: 'one controller reference only',
		run: () => validateMetadata({
			name: 'web',
			namespace: 'default',
			ownerReferences: [
				{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: '1', controller: true},
				{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-2', uid: '2', controller: true},
			],
		}, pod),
		errors: [
			'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-2","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/web-1 and ReplicaSet/web-2',
		],
	},
	{
		title: 'finalizers',
		run: () => validateMetadata({name: 'web', namespace: 'default', finalizers: ['orphan', 'foregroundDeletion', 'a/b/c']}, pod),
		errors: [
			`metadata.finalizers: Invalid value: "a/b/c": ${keyTooManySlashes}`,
			'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion","a/b/c"]: finalizer orphan and foregroundDeletion cannot be both set',
		],
	},
	{title: 'null label selector', run: () => validateLabelSelector(null, 'spec.selector'), errors: []},
	{
		title: 'label selector expressions',
		run: () => validateLabelSelector({
			matchLabels: {app: 'web server'},
			matchExpressions: [
				{key: 'tier', operator: 'In'},
				{key: 'env', operator: 'Exists', values: ['prod']},
				{key: 'a/b/c', operator: 'Equals', values: ['-']},
			],
		}, 'spec.selector'),
		errors: [
			`spec.selector.matchLabels: Invalid value: "web server": ${valueRule}`,
			'spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is \'In\' or \'NotIn\'',
			'spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'',
			'spec.selector.matchExpressions[2].operator: Invalid value: "Equals": not a valid selector operator',
			`spec.selector.matchExpressions[2].key: Invalid value: "a/b/c": ${keyTooManySlashes}`,
			`spec.selector.matchExpressions[2].values[0]: Invalid value: "-": ${valueRule}`,
		],
	},
];

for (const [index, {title, run, errors}] of fieldCases.entries()) {
	test(`field errors #${index}: ${title}`, t => {
		t.deepEqual(run().map(error => renderFieldError(error)), errors);
	});
}

// Property tests.

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const labelName = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);

test('a generated label always validates', t => {
	const prefix = fc.array(dnsLabel, {minLength: 1, maxLength: 3}).map(labels => labels.join('.'));
	const key = fc.oneof(labelName, fc.tuple(prefix, labelName).map(([p, name]) => `${p}/${name}`));
	const value = fc.oneof(fc.constant(''), labelName);
	fc.assert(fc.property(fc.dictionary(key, value), labels => {
		const meta: MetadataInput = {name: 'web', namespace: 'default', labels, annotations: labels};
		return validateMetadata(meta, pod).length === 0;
	}));
	t.pass();
});

test('a DNS label is also a subdomain, and a generateName ending in a dash is a valid prefix', t => {
	fc.assert(fc.property(dnsLabel, name => validateDNS1123Label(name).length === 0
		&& validateDNS1123Subdomain(name).length === 0
		&& validateObjectName('label', `${name.slice(0, 57)}-`, true).length === 0));
	t.pass();
});
