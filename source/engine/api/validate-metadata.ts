/**
 * Name, label, annotation and metadata validation with the API server's
 * messages. A port of apimachinery's `pkg/util/validation`,
 * `pkg/api/validate/content` (label keys and values), `pkg/api/validation`
 * (object names and ObjectMeta) and `pkg/apis/meta/v1/validation`.
 *
 * Lengths are counted in UTF-8 bytes, as Go's `len` does. Upstream words the
 * limits differently by package, and we keep that: DNS names say
 * `must be no more than 253 characters`, label keys and values
 * `must be no more than 63 bytes`.
 */
import type {FieldError} from '../errors.js';

/** Which rule `metadata.name` must follow (reference §2.2). */
export type NameValidator =
	/** DNS-1123 subdomain, 253 characters: most kinds. */
	| 'subdomain'
	/** DNS-1123 label, 63 characters: Namespace, StatefulSet. */
	| 'label'
	/** DNS-1035 label, 63 characters, starts with a letter: Service. */
	| 'dns1035'
	/** Only safe as a URL path segment: not `.` or `..`, no `/` or `%`. */
	| 'path';

/** The metadata fields `validateMetadata` checks; any ObjectMeta fits. */
export type MetadataInput = {
	name?: string;
	generateName?: string;
	namespace?: string;
	generation?: number;
	labels?: Readonly<Record<string, string>>;
	annotations?: Readonly<Record<string, string>>;
	ownerReferences?: ReadonlyArray<{
		apiVersion?: string;
		kind?: string;
		name?: string;
		uid?: string;
		controller?: boolean;
		blockOwnerDeletion?: boolean;
	}>;
	finalizers?: readonly string[];
};

/** How `validateMetadata` treats the object's kind. */
export type MetadataOptions = {
	/** The kind's name rule, as the resource registry records it. */
	nameValidator: NameValidator;
	/** Namespaced kinds need `metadata.namespace`; cluster-scoped kinds must not have one. */
	namespaced: boolean;
	/** Path of the metadata in error messages; `metadata` unless told. */
	fieldPath?: string;
};

/** The most annotation bytes (keys plus values) one object may carry: 256 KiB. */
export const totalAnnotationSizeLimitBytes = 256 * 1024;

// ---------------------------------------------------------------------------
// Message helpers (apimachinery's MaxLenError, RegexError, EmptyError)

/** `pkg/util/validation.MaxLenError`, used for DNS names. */
function maxLengthInCharacters(length: number): string {
	return `must be no more than ${length} characters`;
}

/** `pkg/api/validate/content.MaxLenError`, used for label keys and values. */
function maxLengthInBytes(length: number): string {
	return `must be no more than ${length} bytes`;
}

/** Upstream's wording, including the double space before each ` or `. */
function regexError(message: string, pattern: string, ...examples: string[]): string {
	if (examples.length === 0) {
		return `${message} (regex used for validation is '${pattern}')`;
	}

	const listed = examples.map(example => `'${example}', `).join(' or ');
	return `${message} (e.g. ${listed}regex used for validation is '${pattern}')`;
}

const emptyError = 'must be non-empty';

function utf8Length(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

// ---------------------------------------------------------------------------
// DNS names

const dns1123LabelFormat = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelPattern = new RegExp(`^${dns1123LabelFormat}$`);
const dns1123LabelMessage = 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character';
const dns1123SubdomainFormat = `${dns1123LabelFormat}(\\.${dns1123LabelFormat})*`;
const dns1123SubdomainPattern = new RegExp(`^${dns1123SubdomainFormat}$`);
const dns1123SubdomainMessage = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character';
const dns1035LabelFormat = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelPattern = new RegExp(`^${dns1035LabelFormat}$`);
const dns1035LabelMessage = 'a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character';

/** A DNS-1123 subdomain: at most 253 characters, lower-case labels joined by dots. */
export function validateDNS1123Subdomain(value: string): string[] {
	return subdomainErrors(value, maxLengthInCharacters(253));
}

/** The subdomain check with the too-long wording of the calling package. */
function subdomainErrors(value: string, tooLong: string): string[] {
	const errors: string[] = [];
	if (utf8Length(value) > 253) {
		errors.push(tooLong);
	}

	if (!dns1123SubdomainPattern.test(value)) {
		errors.push(regexError(dns1123SubdomainMessage, dns1123SubdomainFormat, 'example.com'));
	}

	return errors;
}

/** A DNS-1123 label: at most 63 characters, lower case, digits and `-`, no dots. */
export function validateDNS1123Label(value: string): string[] {
	const errors: string[] = [];
	if (utf8Length(value) > 63) {
		errors.push(maxLengthInCharacters(63));
	}

	if (!dns1123LabelPattern.test(value)) {
		// A valid subdomain that is not a valid label can only be wrong for its dots.
		errors.push(dns1123SubdomainPattern.test(value)
			? 'must not contain dots'
			: regexError(dns1123LabelMessage, dns1123LabelFormat, 'my-name', '123-abc'));
	}

	return errors;
}

/** A DNS-1035 label: like a DNS-1123 label but starting with a letter (Service names). */
export function validateDNS1035Label(value: string): string[] {
	const errors: string[] = [];
	if (utf8Length(value) > 63) {
		errors.push(maxLengthInCharacters(63));
	}

	if (!dns1035LabelPattern.test(value)) {
		errors.push(regexError(dns1035LabelMessage, dns1035LabelFormat, 'my-name', 'abc-123'));
	}

	return errors;
}

/** Whether a name can be a URL path segment; `prefix` skips the exact `.` and `..` checks. */
export function validatePathSegmentName(name: string, prefix = false): string[] {
	if (!prefix && (name === '.' || name === '..')) {
		return [`may not be '${name}'`];
	}

	return ['/', '%'].filter(illegal => name.includes(illegal)).map(illegal => `may not contain '${illegal}'`);
}

/**
 * Checks a `metadata.name` (or, with `prefix`, a `generateName`) against the
 * kind's rule. For a prefix a trailing `-` is masked first, exactly as
 * apimachinery's `maskTrailingDash` does (it replaces the last two characters
 * with `a`). The path rule checks neither emptiness nor length, as upstream.
 */
export function validateObjectName(validator: NameValidator, name: string, prefix = false): string[] {
	const checked = prefix && validator !== 'path' ? maskTrailingDash(name) : name;
	switch (validator) {
		case 'subdomain': { return validateDNS1123Subdomain(checked); }
		case 'label': { return validateDNS1123Label(checked); }
		case 'dns1035': { return validateDNS1035Label(checked); }
		case 'path': { return validatePathSegmentName(checked, prefix); }
	}
}

function maskTrailingDash(name: string): string {
	return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

// ---------------------------------------------------------------------------
// Label keys and values

const labelKeyFormat = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelKeyPattern = new RegExp(`^${labelKeyFormat}$`);
const labelKeyMessage = 'must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character';
const labelValueFormat = `(${labelKeyFormat})?`;
const labelValuePattern = new RegExp(`^${labelValueFormat}$`);
const labelValueMessage = 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character';

/**
 * A label key (apimachinery's `IsLabelKey`, once `IsQualifiedName`): an
 * optional DNS-1123 subdomain prefix and `/`, then a name of 1–63
 * characters, letters of either case, digits, `-`, `_` and `.`.
 */
export function validateLabelKey(key: string): string[] {
	const errors: string[] = [];
	const parts = key.split('/');
	if (parts.length > 2) {
		return [`a valid label key ${regexError(labelKeyMessage, labelKeyFormat, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
	}

	const name = parts.at(-1)!;
	if (parts.length === 2) {
		const prefix = parts[0]!;
		if (prefix.length === 0) {
			errors.push(`prefix part ${emptyError}`);
		} else {
			// The prefix is checked by the content package, which counts bytes.
			errors.push(...subdomainErrors(prefix, maxLengthInBytes(253)).map(message => `prefix part ${message}`));
		}
	}

	if (name.length === 0) {
		errors.push(`name part ${emptyError}`);
	} else if (utf8Length(name) > 63) {
		errors.push(`name part ${maxLengthInBytes(63)}`);
	}

	if (!labelKeyPattern.test(name)) {
		errors.push(`name part ${regexError(labelKeyMessage, labelKeyFormat, 'MyName', 'my.name', '123-abc')}`);
	}

	return errors;
}

/** A label value: empty, or up to 63 characters shaped like a label key's name. */
export function validateLabelValue(value: string): string[] {
	const errors: string[] = [];
	if (utf8Length(value) > 63) {
		errors.push(maxLengthInBytes(63));
	}

	if (!labelValuePattern.test(value)) {
		errors.push(regexError(labelValueMessage, labelValueFormat, 'MyValue', 'my_value', '12345'));
	}

	return errors;
}

/** Every key and value of a label map; errors name the map's path, as upstream. */
export function validateLabels(labels: Readonly<Record<string, string>> | undefined, fieldPath: string): FieldError[] {
	const errors: FieldError[] = [];
	for (const [key, value] of Object.entries(labels ?? {})) {
		for (const detail of validateLabelKey(key)) {
			errors.push({field: fieldPath, type: 'Invalid value', value: key, detail});
		}

		for (const detail of validateLabelValue(value)) {
			errors.push({field: fieldPath, type: 'Invalid value', value, detail});
		}
	}

	return errors;
}

/**
 * Annotation keys follow the label-key rule but case-insensitively; keys and
 * values together may take at most 256 KiB.
 */
export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, fieldPath: string): FieldError[] {
	const errors: FieldError[] = [];
	let totalSize = 0;
	for (const [key, value] of Object.entries(annotations ?? {})) {
		for (const detail of validateLabelKey(key.toLowerCase())) {
			errors.push({field: fieldPath, type: 'Invalid value', value: key, detail});
		}

		totalSize += utf8Length(key) + utf8Length(value);
	}

	if (totalSize > totalAnnotationSizeLimitBytes) {
		errors.push({field: fieldPath, type: 'Too long', detail: `may not be more than ${totalAnnotationSizeLimitBytes} bytes`});
	}

	return errors;
}

/**
 * The API server's check of a spec's `metav1.LabelSelector`
 * (`ValidateLabelSelector`): matchLabels as labels; each expression's
 * operator, value count, key and values. A null selector is valid here.
 */
export function validateLabelSelector(
	selector: {matchLabels?: Readonly<Record<string, string>>; matchExpressions?: ReadonlyArray<{key: string; operator: string; values?: readonly string[]}>} | undefined | null,
	fieldPath: string,
): FieldError[] {
	if (selector === undefined || selector === null) {
		return [];
	}

	const errors = validateLabels(selector.matchLabels, `${fieldPath}.matchLabels`);
	for (const [index, expression] of (selector.matchExpressions ?? []).entries()) {
		const path = `${fieldPath}.matchExpressions[${index}]`;
		const values = expression.values ?? [];
		switch (expression.operator) {
			case 'In':
			case 'NotIn': {
				if (values.length === 0) {
					errors.push({field: `${path}.values`, type: 'Required value', detail: 'must be specified when `operator` is \'In\' or \'NotIn\''});
				}

				break;
			}

			case 'Exists':
			case 'DoesNotExist': {
				if (values.length > 0) {
					errors.push({field: `${path}.values`, type: 'Forbidden', detail: 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''});
				}

				break;
			}

			default: {
				errors.push({field: `${path}.operator`, type: 'Invalid value', value: expression.operator, detail: 'not a valid selector operator'});
			}
		}

		for (const detail of validateLabelKey(expression.key)) {
			errors.push({field: `${path}.key`, type: 'Invalid value', value: expression.key, detail});
		}

		for (const [valueIndex, value] of values.entries()) {
			for (const detail of validateLabelValue(value)) {
				errors.push({field: `${path}.values[${valueIndex}]`, type: 'Invalid value', value, detail});
			}
		}
	}

	return errors;
}

// ---------------------------------------------------------------------------
// ObjectMeta

/**
 * Checks metadata on create, in apimachinery's order (`ValidateObjectMeta`):
 * generateName, name, namespace, generation, labels, annotations,
 * ownerReferences, finalizers. Unlike upstream, which runs after the server
 * has generated the name, an empty name is accepted when generateName is
 * set, so this may run before or after name generation.
 */
export function validateMetadata(meta: MetadataInput, options: MetadataOptions): FieldError[] {
	const path = options.fieldPath ?? 'metadata';
	const errors: FieldError[] = [];
	const {name = '', generateName = '', namespace = ''} = meta;

	if (generateName.length > 0) {
		for (const detail of validateObjectName(options.nameValidator, generateName, true)) {
			errors.push({field: `${path}.generateName`, type: 'Invalid value', value: generateName, detail});
		}
	}

	if (name.length === 0) {
		if (generateName.length === 0) {
			errors.push({field: `${path}.name`, type: 'Required value', detail: 'name or generateName is required'});
		}
	} else {
		for (const detail of validateObjectName(options.nameValidator, name)) {
			errors.push({field: `${path}.name`, type: 'Invalid value', value: name, detail});
		}
	}

	if (options.namespaced) {
		if (namespace.length === 0) {
			errors.push({field: `${path}.namespace`, type: 'Required value', detail: ''});
		} else {
			for (const detail of validateDNS1123Label(namespace)) {
				errors.push({field: `${path}.namespace`, type: 'Invalid value', value: namespace, detail});
			}
		}
	} else if (namespace.length > 0) {
		errors.push({field: `${path}.namespace`, type: 'Forbidden', detail: 'not allowed on this type'});
	}

	if (meta.generation !== undefined && meta.generation < 0) {
		errors.push({field: `${path}.generation`, type: 'Invalid value', value: meta.generation, detail: 'must be greater than or equal to 0'});
	}

	errors.push(
		...validateLabels(meta.labels, `${path}.labels`),
		...validateAnnotations(meta.annotations, `${path}.annotations`),
		...validateOwnerReferences(meta.ownerReferences ?? [], `${path}.ownerReferences`),
		...validateFinalizers(meta.finalizers ?? [], `${path}.finalizers`),
	);
	return errors;
}

/** Required fields, no Event owners, and at most one `controller: true` reference. */
export function validateOwnerReferences(references: NonNullable<MetadataInput['ownerReferences']>, fieldPath: string): FieldError[] {
	const errors: FieldError[] = [];
	let firstController = '';
	for (const [index, reference] of references.entries()) {
		const path = `${fieldPath}[${index}]`;
		const apiVersion = reference.apiVersion ?? '';
		const kind = reference.kind ?? '';
		const groupVersion = parseGroupVersion(apiVersion);
		if (apiVersion.length === 0) {
			errors.push({field: `${path}.apiVersion`, type: 'Required value', detail: 'must not be empty'});
		} else if (groupVersion === undefined || groupVersion.version.length === 0) {
			errors.push({field: `${path}.apiVersion`, type: 'Invalid value', value: apiVersion, detail: 'must be <group>/<version> or <version>'});
		}

		for (const field of ['kind', 'name', 'uid'] as const) {
			if ((reference[field] ?? '').length === 0) {
				errors.push({field: `${path}.${field}`, type: 'Required value', detail: 'must not be empty'});
			}
		}

		const group = groupVersion?.group ?? '';
		const version = groupVersion?.version ?? '';
		if (group === '' && version === 'v1' && kind === 'Event') {
			errors.push({field: path, type: 'Invalid value', value: reference, detail: `${group}/${version}, Kind=${kind} is disallowed from being an owner`});
		}

		if (reference.controller === true) {
			const current = `${kind}/${reference.name ?? ''}`;
			if (firstController === '') {
				firstController = current;
			} else {
				errors.push({
					field: fieldPath,
					type: 'Invalid value',
					value: references,
					detail: `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
				});
			}
		}
	}

	return errors;
}

/** `schema.ParseGroupVersion`: `v1` or `group/version`; more slashes is an error. */
function parseGroupVersion(apiVersion: string): {group: string; version: string} | undefined {
	if (apiVersion.length === 0 || apiVersion === '/') {
		return {group: '', version: ''};
	}

	const parts = apiVersion.split('/');
	if (parts.length === 1) {
		return {group: '', version: parts[0]!};
	}

	return parts.length === 2 ? {group: parts[0]!, version: parts[1]!} : undefined;
}

/** Finalizers are label keys; `orphan` and `foregroundDeletion` exclude each other. */
export function validateFinalizers(finalizers: readonly string[], fieldPath: string): FieldError[] {
	const errors: FieldError[] = [];
	for (const finalizer of finalizers) {
		for (const detail of validateLabelKey(finalizer)) {
			errors.push({field: fieldPath, type: 'Invalid value', value: finalizer, detail});
		}
	}

	if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
		errors.push({field: fieldPath, type: 'Invalid value', value: finalizers, detail: 'finalizer orphan and foregroundDeletion cannot be both set'});
	}

	return errors;
}

/** `field.NotSupported`: a value not among the ones allowed, which the message lists. */
export const unsupported = (field: string, value: unknown, allowed: readonly string[]): FieldError => ({
	field, type: 'Unsupported value', value, detail: `supported values: ${allowed.map(v => `"${v}"`).join(', ')}`,
});

/** `IsValidPortName` (IANA_SVC_NAME). */
export function validatePortName(name: string): string[] {
	const errors: string[] = [];
	if (name.length > 15) errors.push('must be no more than 15 characters');
	if (!/^[-a-z0-9]+$/.test(name)) errors.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	if (name.includes('--')) errors.push('must not contain consecutive hyphens');
	if (/[a-z]/.test(name) === false) errors.push('must contain at least one letter (a-z)');
	if (name.startsWith('-') || name.endsWith('-')) errors.push('must not begin or end with a hyphen');
	return errors;
}
