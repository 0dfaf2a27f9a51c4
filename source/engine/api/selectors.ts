/**
 * Label and field selectors: the string grammar kubectl sends (`-l`,
 * `--field-selector`), the structured `metav1.LabelSelector`, matching and
 * the canonical string form. A port of apimachinery's `pkg/labels/selector.go`,
 * `pkg/fields/selector.go` and `LabelSelectorAsSelector`, with its error texts.
 */
import {KubeError, badRequest, renderFieldError, type FieldError} from '../errors.js';
import {validateLabelKey, validateLabelValue} from './validate-metadata.js';

/**
 * How a requirement relates a label's value to `values`. `a==b` parses to
 * `Equals` (apimachinery's DoubleEquals matches identically), so the
 * canonical string prints it as `a=b`. `GreaterThan` and `LessThan` exist in
 * the string grammar only (`a>1`, `a<5`), never in a `metav1.LabelSelector`.
 */
export type Operator =
	| 'In'
	| 'NotIn'
	| 'Exists'
	| 'DoesNotExist'
	| 'Equals'
	| 'NotEquals'
	| 'GreaterThan'
	| 'LessThan';

/** One condition on one label key; a selector ANDs them. */
export type Requirement = {
	/** Label key, e.g. `app` or `app.kubernetes.io/name`. */
	key: string;
	operator: Operator;
	/** One value for Equals/NotEquals/Gt/Lt, one or more for In/NotIn, none for Exists/DoesNotExist. */
	values: string[];
};

/**
 * A label selector: requirements ANDed, sorted by key. No requirements
 * matches everything. `nothing: true` is apimachinery's `labels.Nothing()`,
 * what a nil `metav1.LabelSelector` converts to: it matches no object at all.
 */
export type Selector = {
	requirements: Requirement[];
	/** Set only by `nothingSelector()`: match no labels whatever the requirements. */
	nothing?: boolean;
};

/** Field selector operators; `==` parses to `Equals`. */
export type FieldOperator = 'Equals' | 'NotEquals';

/** One `path=value` or `path!=value` term of a field selector. */
export type FieldRequirement = {
	/** Dotted path into the object, e.g. `status.phase`. */
	field: string;
	operator: FieldOperator;
	/** Unescaped value; an absent field reads as the empty string. */
	value: string;
};

/** A field selector: terms ANDed. No terms matches everything. */
export type FieldSelector = {requirements: FieldRequirement[]};

/** `metav1.LabelSelector` as it appears in a spec. */
export type LabelSelectorObject = {
	matchLabels?: Record<string, string>;
	matchExpressions?: Array<{key: string; operator: string; values?: string[]}>;
};

/** A selector that matches nothing (`labels.Nothing()`); prints as the empty string. */
export function nothingSelector(): Selector {
	return {requirements: [], nothing: true};
}

/** True only for the match-nothing selector a nil `metav1.LabelSelector` converts to. */
export function selectorMatchesNothing(selector: Selector): boolean {
	return selector.nothing === true;
}

/** True when the selector does not restrict anything (matches every label set). */
export function selectorIsEmpty(selector: Selector): boolean {
	return selector.nothing !== true && selector.requirements.length === 0;
}

// ---------------------------------------------------------------------------
// Requirements (apimachinery's NewRequirement)

/** The operator words apimachinery lists in "expected: ..." messages. */
const binaryOperatorWords = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/**
 * Checks a requirement as `labels.NewRequirement` does and returns the field
 * errors (paths `key`, `values`, `values[i]`, `values[i][key]`), or none.
 * `values` is rendered as given, so pass `null` where Go would pass a nil slice.
 */
function requirementErrors(key: string, operator: Operator, values: string[] | null): FieldError[] {
	const errors: FieldError[] = [];
	const list = values ?? [];
	const keyErrors = validateLabelKey(key);
	if (keyErrors.length > 0) {
		errors.push({field: 'key', type: 'Invalid value', value: key, detail: keyErrors.join('; ')});
	}

	switch (operator) {
		case 'In':
		case 'NotIn': {
			if (list.length === 0) {
				errors.push({field: 'values', type: 'Invalid value', value: values, detail: 'for \'in\', \'notin\' operators, values set can\'t be empty'});
			}

			break;
		}

		case 'Equals':
		case 'NotEquals': {
			if (list.length !== 1) {
				errors.push({field: 'values', type: 'Invalid value', value: values, detail: 'exact-match compatibility requires one single value'});
			}

			break;
		}

		case 'Exists':
		case 'DoesNotExist': {
			if (list.length > 0) {
				errors.push({field: 'values', type: 'Invalid value', value: values, detail: 'values set must be empty for exists and does not exist'});
			}

			break;
		}

		case 'GreaterThan':
		case 'LessThan': {
			if (list.length !== 1) {
				errors.push({field: 'values', type: 'Invalid value', value: values, detail: 'for \'Gt\', \'Lt\' operators, exactly one value is required'});
			}

			for (const [index, value] of list.entries()) {
				if (parseInt64(value) === undefined) {
					errors.push({field: `values[${index}]`, type: 'Invalid value', value, detail: 'for \'Gt\', \'Lt\' operators, the value must be an integer'});
				}
			}

			break;
		}
	}

	for (const [index, value] of list.entries()) {
		const valueErrors = validateLabelValue(value);
		if (valueErrors.length > 0) {
			errors.push({field: `values[${index}][${key}]`, type: 'Invalid value', value, detail: valueErrors.join('; ')});
		}
	}

	return errors;
}

/** Renders field errors as Go's `utilerrors.Aggregate` does: one as is, several as `[a, b]`, duplicates dropped. */
function aggregate(errors: FieldError[]): string {
	const messages = [...new Set(errors.map(error => renderFieldError(error)))];
	return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}

/** `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits within int64, else undefined. */
function parseInt64(text: string): bigint | undefined {
	if (!/^[+-]?\d+$/.test(text)) {
		return undefined;
	}

	const value = BigInt(text);
	return value < -(2n ** 63n) || value >= 2n ** 63n ? undefined : value;
}

function byKey(a: Requirement, b: Requirement): number {
	return a.key < b.key ? -1 : (a.key > b.key ? 1 : 0);
}

// ---------------------------------------------------------------------------
// Label selector string grammar (apimachinery's Lexer and Parser)

type TokenKind =
	| 'EndOfString'
	| 'ClosedPar'
	| 'Comma'
	| 'DoesNotExist'
	| 'DoubleEquals'
	| 'Equals'
	| 'GreaterThan'
	| 'Identifier'
	| 'In'
	| 'LessThan'
	| 'NotEquals'
	| 'NotIn'
	| 'OpenPar';

type Token = {kind: TokenKind; literal: string};

const keywordTokens: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
	[')', 'ClosedPar'],
	[',', 'Comma'],
	['!', 'DoesNotExist'],
	['==', 'DoubleEquals'],
	['=', 'Equals'],
	['>', 'GreaterThan'],
	['in', 'In'],
	['<', 'LessThan'],
	['!=', 'NotEquals'],
	['notin', 'NotIn'],
	['(', 'OpenPar'],
]);

function isWhitespace(char: string): boolean {
	return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}

function isSpecialSymbol(char: string): boolean {
	return '=!(),><'.includes(char);
}

/** Splits a selector string into tokens; the last one is always EndOfString. */
function lex(text: string): Token[] {
	const tokens: Token[] = [];
	let position = 0;
	// As in Go, a NUL byte ends the input.
	const at = (index: number) => (index < text.length ? text[index]! : '\0');
	for (;;) {
		while (isWhitespace(at(position))) {
			position++;
		}

		const char = at(position);
		if (char === '\0') {
			tokens.push({kind: 'EndOfString', literal: ''});
			return tokens;
		}

		if (isSpecialSymbol(char)) {
			// The longest run of special symbols that is still a token: `!=` and `==`, not `=!`.
			let end = position + 1;
			while (isSpecialSymbol(at(end)) && keywordTokens.has(text.slice(position, end + 1))) {
				end++;
			}

			const literal = text.slice(position, end);
			tokens.push({kind: keywordTokens.get(literal)!, literal});
			position = end;
			continue;
		}

		let end = position;
		while (at(end) !== '\0' && !isSpecialSymbol(at(end)) && !isWhitespace(at(end))) {
			end++;
		}

		const literal = text.slice(position, end);
		const keyword = keywordTokens.get(literal);
		tokens.push({kind: keyword ?? 'Identifier', literal});
		position = end;
	}
}

/** Where a token is read: inside a value list `in` and `notin` are plain identifiers. */
type Context = 'KeyAndOperator' | 'Values';

class Parser {
	private position = 0;

	constructor(private readonly tokens: Token[]) {}

	lookahead(context: Context): Token {
		return this.asContext(this.tokens[Math.min(this.position, this.tokens.length - 1)]!, context);
	}

	consume(context: Context): Token {
		const token = this.lookahead(context);
		this.position++;
		return token;
	}

	parse(): Requirement[] {
		const requirements: Requirement[] = [];
		for (;;) {
			const token = this.lookahead('Values');
			switch (token.kind) {
				case 'Identifier':
				case 'DoesNotExist': {
					requirements.push(this.requirement());
					const next = this.consume('Values');
					if (next.kind === 'EndOfString') {
						return requirements;
					}

					if (next.kind !== 'Comma') {
						throw badRequest(`found '${next.literal}', expected: ',' or 'end of string'`);
					}

					const after = this.lookahead('Values');
					if (after.kind !== 'Identifier' && after.kind !== 'DoesNotExist') {
						throw badRequest(`found '${after.literal}', expected: identifier after ','`);
					}

					break;
				}

				case 'EndOfString': {
					return requirements;
				}

				default: {
					throw badRequest(`found '${token.literal}', expected: !, identifier, or 'end of string'`);
				}
			}
		}
	}

	private asContext(token: Token, context: Context): Token {
		if (context === 'Values' && (token.kind === 'In' || token.kind === 'NotIn')) {
			return {kind: 'Identifier', literal: token.literal};
		}

		return token;
	}

	/** One requirement; every failure inside it reads `unable to parse requirement: ...`. */
	private requirement(): Requirement {
		try {
			return this.requirementBody();
		} catch (error: unknown) {
			if (error instanceof KubeError) {
				throw badRequest(`unable to parse requirement: ${error.message}`);
			}

			throw error;
		}
	}

	private requirementBody(): Requirement {
		const {key, operator: inferred} = this.keyAndInferredOperator();
		if (inferred) {
			return checkedRequirement(key, inferred, []);
		}

		const operator = this.operator();
		const values = operator === 'In' || operator === 'NotIn' ? this.valueSet() : this.exactValue();
		// `sets.String.List()`: deduplicated and sorted.
		return checkedRequirement(key, operator, [...new Set(values)].sort());
	}

	/** The key, and Exists or DoesNotExist when no binary operator follows. */
	private keyAndInferredOperator(): {key: string; operator?: Operator} {
		let token = this.consume('Values');
		let operator: Operator | undefined;
		if (token.kind === 'DoesNotExist') {
			operator = 'DoesNotExist';
			token = this.consume('Values');
		}

		if (token.kind !== 'Identifier') {
			throw badRequest(`found '${token.literal}', expected: identifier`);
		}

		const keyErrors = validateLabelKey(token.literal);
		if (keyErrors.length > 0) {
			// Go passes a nil field path here, which prints as `<nil>`.
			throw badRequest(renderFieldError({field: '<nil>', type: 'Invalid value', value: token.literal, detail: keyErrors.join('; ')}));
		}

		const next = this.lookahead('Values').kind;
		if (operator === undefined && (next === 'EndOfString' || next === 'Comma')) {
			operator = 'Exists';
		}

		return {key: token.literal, operator};
	}

	private operator(): Operator {
		const token = this.consume('KeyAndOperator');
		switch (token.kind) {
			case 'In': { return 'In'; }
			case 'NotIn': { return 'NotIn'; }
			case 'Equals':
			case 'DoubleEquals': { return 'Equals'; }
			case 'NotEquals': { return 'NotEquals'; }
			case 'GreaterThan': { return 'GreaterThan'; }
			case 'LessThan': { return 'LessThan'; }
			default: {
				throw badRequest(`found '${token.literal}', expected: ${binaryOperatorWords.join(', ')}`);
			}
		}
	}

	/** `(a,b,c)`; empty entries are the empty value, so `()` is `{""}`. */
	private valueSet(): string[] {
		const open = this.consume('Values');
		if (open.kind !== 'OpenPar') {
			throw badRequest(`found '${open.literal}' expected: '('`);
		}

		const next = this.lookahead('Values');
		switch (next.kind) {
			case 'Identifier':
			case 'Comma': {
				const values = this.identifierList();
				this.consume('Values'); // The `)` identifierList stopped at.
				return values;
			}

			case 'ClosedPar': {
				this.consume('Values');
				return [''];
			}

			default: {
				throw badRequest(`found '${next.literal}', expected: ',', ')' or identifier`);
			}
		}
	}

	private identifierList(): string[] {
		const values: string[] = [];
		for (;;) {
			const token = this.consume('Values');
			switch (token.kind) {
				case 'Identifier': {
					values.push(token.literal);
					const next = this.lookahead('Values');
					if (next.kind === 'ClosedPar') {
						return values;
					}

					if (next.kind !== 'Comma') {
						throw badRequest(`found '${next.literal}', expected: ',' or ')'`);
					}

					break;
				}

				case 'Comma': {
					if (values.length === 0) {
						values.push(''); // `(,`
					}

					const next = this.lookahead('Values');
					if (next.kind === 'ClosedPar') {
						values.push(''); // `,)`
						return values;
					}

					if (next.kind === 'Comma') {
						values.push(''); // `,,`
					}

					break;
				}

				default: {
					throw badRequest(`found '${token.literal}', expected: ',', or identifier`);
				}
			}
		}
	}

	/** The one value after `=`, `==`, `!=`, `>` or `<`; nothing there is the empty value. */
	private exactValue(): string[] {
		const next = this.lookahead('Values');
		if (next.kind === 'EndOfString' || next.kind === 'Comma') {
			return [''];
		}

		const token = this.consume('Values');
		if (token.kind === 'Identifier') {
			return [token.literal];
		}

		throw badRequest(`found '${token.literal}', expected: identifier`);
	}
}

/** Builds a requirement or throws a BadRequest with NewRequirement's aggregated field errors. */
function checkedRequirement(key: string, operator: Operator, values: string[]): Requirement {
	const errors = requirementErrors(key, operator, values);
	if (errors.length > 0) {
		throw badRequest(aggregate(errors));
	}

	return {key, operator, values};
}

/**
 * Parses kubectl's `-l` grammar: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x,y)`, `a`, `!a`, `a>1`, `a<1`, comma-separated and ANDed.
 * Requirements come back sorted by key, set values deduplicated and sorted.
 * Throws a BadRequest KubeError worded as apimachinery's `labels.Parse`.
 */
export function parseLabelSelector(text: string): Selector {
	const requirements = new Parser(lex(text)).parse();
	return {requirements: requirements.sort(byKey)};
}

/** The operators a `metav1.LabelSelectorRequirement` may use. */
const labelSelectorOperators: ReadonlyMap<string, Operator> = new Map<string, Operator>([
	['In', 'In'],
	['NotIn', 'NotIn'],
	['Exists', 'Exists'],
	['DoesNotExist', 'DoesNotExist'],
]);

/**
 * Converts a `metav1.LabelSelector` as `LabelSelectorAsSelector` does: null or
 * undefined gives the match-nothing selector, `{}` the match-everything one.
 * Throws an Invalid KubeError for an unknown operator or a bad key, value or
 * value count. (The API server's own validation of a spec selector, with field
 * paths, is `validateLabelSelector` in validate-metadata.ts.)
 */
export function labelSelectorFromObject(ls: LabelSelectorObject | undefined | null): Selector {
	if (ls === undefined || ls === null) {
		return nothingSelector();
	}

	const requirements: Requirement[] = [];
	const add = (key: string, operator: Operator, values: string[] | null) => {
		const errors = requirementErrors(key, operator, values);
		if (errors.length > 0) {
			throw new KubeError('Invalid', aggregate(errors));
		}

		requirements.push({key, operator, values: values ?? []});
	};

	for (const key of Object.keys(ls.matchLabels ?? {}).sort()) {
		add(key, 'Equals', [ls.matchLabels![key]!]);
	}

	for (const expression of ls.matchExpressions ?? []) {
		const operator = labelSelectorOperators.get(expression.operator);
		if (operator === undefined) {
			throw new KubeError('Invalid', `${JSON.stringify(expression.operator)} is not a valid label selector operator`);
		}

		// Go copies the values with append([]string(nil), ...), so none renders as null.
		add(expression.key, operator, expression.values && expression.values.length > 0 ? [...expression.values] : null);
	}

	return {requirements: requirements.sort(byKey)};
}

/**
 * A selector requiring exactly these labels (`labels.SelectorFromSet`), as
 * Services and `matchLabels`-only selectors use. Like Go it does not validate;
 * an empty or missing map gives the match-everything selector.
 */
export function selectorFromMap(map: Record<string, string> | undefined | null): Selector {
	const keys = Object.keys(map ?? {}).sort();
	return {requirements: keys.map(key => ({key, operator: 'Equals', values: [map![key]!]}))};
}

/** True when every requirement holds for these labels; the match-nothing selector never matches. */
export function matchesLabels(selector: Selector, labels: Record<string, string> | undefined): boolean {
	if (selector.nothing === true) {
		return false;
	}

	return selector.requirements.every(requirement => requirementMatches(requirement, labels ?? {}));
}

/** One requirement against a label set, as `Requirement.Matches`. */
export function requirementMatches(requirement: Requirement, labels: Record<string, string>): boolean {
	const present = Object.hasOwn(labels, requirement.key);
	const value = present ? labels[requirement.key]! : undefined;
	switch (requirement.operator) {
		case 'In':
		case 'Equals': {
			return value !== undefined && requirement.values.includes(value);
		}

		case 'NotIn':
		case 'NotEquals': {
			return value === undefined || !requirement.values.includes(value);
		}

		case 'Exists': {
			return present;
		}

		case 'DoesNotExist': {
			return !present;
		}

		case 'GreaterThan':
		case 'LessThan': {
			if (value === undefined || requirement.values.length !== 1) {
				return false;
			}

			const actual = parseInt64(value);
			const bound = parseInt64(requirement.values[0]!);
			if (actual === undefined || bound === undefined) {
				return false;
			}

			return requirement.operator === 'GreaterThan' ? actual > bound : actual < bound;
		}
	}
}

/** `x in (a,b)`, `x notin (a)`, `x=v`, `x!=v`, `x`, `!x`, `x>1`, `x<1`; set values printed sorted. */
export function requirementToString(requirement: Requirement): string {
	const {key, values} = requirement;
	const joined = values.length === 1 ? values[0]! : [...values].sort().join(',');
	switch (requirement.operator) {
		case 'In': { return `${key} in (${joined})`; }
		case 'NotIn': { return `${key} notin (${joined})`; }
		case 'Equals': { return `${key}=${joined}`; }
		case 'NotEquals': { return `${key}!=${joined}`; }
		case 'GreaterThan': { return `${key}>${joined}`; }
		case 'LessThan': { return `${key}<${joined}`; }
		case 'Exists': { return key; }
		case 'DoesNotExist': { return `!${key}`; }
	}
}

/**
 * The canonical kubectl form, e.g. `app=web,tier in (a,b)`, in the order the
 * requirements are held (sorted by key after parsing). Both the empty and the
 * match-nothing selector print as the empty string, as in Go.
 */
export function selectorToString(selector: Selector): string {
	if (selector.nothing === true) {
		return '';
	}

	return selector.requirements.map(requirement => requirementToString(requirement)).join(',');
}

// ---------------------------------------------------------------------------
// Field selectors (apimachinery's pkg/fields)

/** Splits on commas not escaped by a backslash. */
function splitFieldTerms(text: string): string[] {
	if (text.length === 0) {
		return [];
	}

	const terms: string[] = [];
	let start = 0;
	let inSlash = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (inSlash) {
			inSlash = false;
		} else if (char === '\\') {
			inSlash = true;
		} else if (char === ',') {
			terms.push(text.slice(start, index));
			start = index + 1;
		}
	}

	terms.push(text.slice(start));
	return terms;
}

const fieldTermOperators: ReadonlyArray<[string, FieldOperator]> = [['!=', 'NotEquals'], ['==', 'Equals'], ['=', 'Equals']];

/** Splits at the first operator: everything before it is the field, after it the value. */
function splitFieldTerm(term: string): {field: string; operator: FieldOperator; rest: string} | undefined {
	for (let index = 0; index < term.length; index++) {
		for (const [symbol, operator] of fieldTermOperators) {
			if (term.startsWith(symbol, index)) {
				return {field: term.slice(0, index), operator, rest: term.slice(index + symbol.length)};
			}
		}
	}

	return undefined;
}

/** Undoes `\\`, `\,` and `\=`; any other escape, or a bare `,` or `=`, is an error. */
function unescapeFieldValue(text: string): string {
	if (!/[\\,=]/.test(text)) {
		return text;
	}

	let result = '';
	let inSlash = false;
	for (const char of text) {
		if (inSlash) {
			if (char !== '\\' && char !== ',' && char !== '=') {
				throw badRequest(`invalid field selector: invalid escape sequence: \\${char}`);
			}

			result += char;
			inSlash = false;
		} else if (char === '\\') {
			inSlash = true;
		} else if (char === ',' || char === '=') {
			// Go prints the rune with %v, which is its number.
			throw badRequest(`invalid field selector: unescaped character in value: ${char.codePointAt(0)}`);
		} else {
			result += char;
		}
	}

	if (inSlash) {
		throw badRequest('invalid field selector: invalid escape sequence: \\');
	}

	return result;
}

/** Escapes `\`, `,` and `=` in a field selector value. */
export function escapeFieldValue(value: string): string {
	return value.replaceAll(/[\\,=]/g, char => `\\${char}`);
}

/**
 * Parses `--field-selector`: `path=value`, `path==value`, `path!=value`,
 * comma-separated and ANDed; `\,`, `\=` and `\\` escape inside values.
 * Terms are sorted as strings first, as apimachinery does. No whitespace is
 * trimmed. Throws a BadRequest KubeError worded as `fields.ParseSelector`.
 */
export function parseFieldSelector(text: string): FieldSelector {
	const terms = splitFieldTerms(text).sort();
	const requirements: FieldRequirement[] = [];
	for (const term of terms) {
		if (term === '') {
			continue;
		}

		const split = splitFieldTerm(term);
		if (split === undefined) {
			throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
		}

		requirements.push({field: split.field, operator: split.operator, value: unescapeFieldValue(split.rest)});
	}

	return {requirements};
}

/** `status.phase=Running,spec.nodeName!=node-1`, values escaped. */
export function fieldSelectorToString(selector: FieldSelector): string {
	return selector.requirements
		.map(({field, operator, value}) => `${field}${operator === 'Equals' ? '=' : '!='}${escapeFieldValue(value)}`)
		.join(',');
}

/**
 * The string a field selector compares against: the value at a dotted path,
 * strings as they are, numbers and booleans as Go prints them, anything else
 * (absent, null, objects, arrays) as the empty string.
 */
export function fieldValue(object: unknown, path: string): string {
	let current: unknown = object;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) {
			return '';
		}

		current = (current as Record<string, unknown>)[part];
	}

	switch (typeof current) {
		case 'string': { return current; }
		case 'number':
		case 'bigint':
		case 'boolean': { return String(current); }
		default: { return ''; }
	}
}

/** True when every term holds; an absent field equals the empty string, so `spec.nodeName=` finds unscheduled pods. */
export function matchesFields(selector: FieldSelector, object: unknown): boolean {
	return selector.requirements.every(({field, operator, value}) => {
		const actual = fieldValue(object, field);
		return operator === 'Equals' ? actual === value : actual !== value;
	});
}

/**
 * A list's label and field selectors as one test of an object, each parsed
 * once (throws BadRequest as the parse does); undefined when neither is given.
 */
export function objectSelector(options: {labelSelector?: string; fieldSelector?: string}): ((object: {metadata: {labels?: Record<string, string>}}) => boolean) | undefined {
	const labels = options.labelSelector ? parseLabelSelector(options.labelSelector) : undefined;
	const fields = options.fieldSelector ? parseFieldSelector(options.fieldSelector) : undefined;
	if (!labels && !fields) return undefined;
	return object => (!labels || matchesLabels(labels, object.metadata.labels)) && (!fields || matchesFields(fields, object));
}
