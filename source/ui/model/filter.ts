/**
 * The `/` filter grammar (k9s): a case-insensitive regex over the row's
 * visible cells; `!re` inverts it; `-f text` is a fuzzy match on
 * namespace/name; `-l selector` is a label selector in the engine's grammar.
 */
export type Filter =
	| {type: 'none'}
	| {type: 'regex'; regex: RegExp; inverse: boolean; text: string}
	| {type: 'fuzzy'; query: string; text: string}
	| {type: 'label'; selector: string; text: string};

export type FilterResult = {filter: Filter} | {error: string};

/** Parse a filter line; regex errors come back as a message. Label selectors are checked by the caller (engine grammar). */
export function parseFilter(text: string): FilterResult {
	const trimmed = text.trim();
	if (trimmed === '') return {filter: {type: 'none'}};
	if (trimmed.startsWith('-f ') || trimmed === '-f') {
		const query = trimmed.slice(2).trim();
		if (!query) return {error: 'Fuzzy filter needs text: /-f web'};
		return {filter: {type: 'fuzzy', query, text: trimmed}};
	}
	if (trimmed.startsWith('-l ') || trimmed === '-l') {
		const selector = trimmed.slice(2).trim();
		if (!selector) return {error: 'Label filter needs a selector: /-l app=web'};
		return {filter: {type: 'label', selector, text: trimmed}};
	}
	const inverse = trimmed.startsWith('!');
	const source = inverse ? trimmed.slice(1) : trimmed;
	if (!source) return {error: 'Inverse filter needs a pattern: /!web'};
	try {
		return {filter: {type: 'regex', regex: new RegExp(source, 'i'), inverse, text: trimmed}};
	} catch (error) {
		return {error: `Invalid filter regex "${source}": ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`};
	}
}

/** Fuzzy match as sahilm/fuzzy: every query character appears in order (case-insensitive). */
export function fuzzyMatch(query: string, target: string): boolean {
	const q = query.toLowerCase();
	const t = target.toLowerCase();
	let at = 0;
	for (const char of q) {
		at = t.indexOf(char, at);
		if (at < 0) return false;
		at++;
	}
	return true;
}
