/**
 * The shell's tokenizer: words (with their quoted, unquoted and `$(...)`
 * parts) and operators, as busybox `sh` reads them; bash's `[[ ... ]]`
 * arrives as one run of words.
 */

/** A script the shell cannot read (unterminated quote, unexpected token). */
export class ShellSyntaxError extends Error {}

export type Part = {text: string; quote: 0 | 1 | 2} | {command: string; quote: 0 | 2};
export type Word = {parts: Part[]; raw: string};
export type Token = {type: 'word'; word: Word} | {type: 'op'; op: string};

const operators = ['&&', '||', '2>&1', '1>&2', '>&2', '&>', '>>', '2>', '<<<', '<<-', '<<', ';', '|', '&', '>', '<', '\n', '(', ')'];

/** Where the `$(` at `at` closes: its matching parenthesis. */
function substitutionEnd(text: string, at: number): number {
	let depth = 0;
	let j = at + 1;
	for (; j < text.length; j++) {
		if (text[j] === '(') depth++;
		else if (text[j] === ')' && --depth === 0) break;
	}
	if (j >= text.length) throw new ShellSyntaxError('syntax error: unterminated $(');
	return j;
}

/** A here-document whose delimiter was read: its body is read after the line ends, into the word that held the delimiter. */
type PendingHeredoc = {token: {type: 'word'; word: Word}; stripTabs: boolean};

/**
 * The body of a here-document (`<<WORD`, `<<-WORD`): the lines after the one
 * that names it, up to a line that is the delimiter alone (leading tabs
 * taken off both with `<<-`). A quoted delimiter keeps the body literal;
 * else `$VAR` and `$(...)` expand in it as in double quotes. Returns the
 * body's parts and where the script goes on.
 */
function heredocBody(script: string, from: number, delimiter: string, literal: boolean, stripTabs: boolean): {parts: Part[]; next: number; closed: boolean} {
	const lines: string[] = [];
	let at = from;
	let closed = false;
	while (at < script.length) {
		const end = script.indexOf('\n', at);
		let line = script.slice(at, end < 0 ? script.length : end);
		at = end < 0 ? script.length : end + 1;
		if (stripTabs) line = line.replace(/^\t+/, '');
		if (line === delimiter) {
			closed = true;
			break;
		}
		lines.push(line);
	}
	const body = lines.length > 0 ? `${lines.join('\n')}\n` : '';
	if (literal) return {parts: body ? [{text: body, quote: 1}] : [], next: at, closed};
	const parts: Part[] = [];
	let text = '';
	for (let i = 0; i < body.length;) {
		if (body[i] === '\\' && '$\\`'.includes(body[i + 1] ?? '')) {
			text += body[i + 1];
			i += 2;
		} else if (body.startsWith('$(', i)) {
			const j = substitutionEnd(body, i);
			if (text) parts.push({text, quote: 2});
			text = '';
			parts.push({command: body.slice(i + 2, j), quote: 2});
			i = j + 1;
		} else {
			text += body[i++];
		}
	}
	if (text) parts.push({text, quote: 2});
	return {parts, next: at, closed};
}

/**
 * Whether a script typed line by line is still inside a here-document (its
 * delimiter not yet typed alone on a line): an interactive shell then asks
 * for the next line (its PS2 prompt, `> `) before it runs anything.
 */
export function insideHeredoc(script: string): boolean {
	const seen = {open: false};
	try {
		tokenize(script, seen);
	} catch {
		return false;
	}
	return seen.open;
}

export function tokenize(script: string, seen: {open: boolean} = {open: false}): Token[] {
	const tokens: Token[] = [];
	const heredocs: PendingHeredoc[] = [];
	/** After `<<`: the next word is a here-document's delimiter. */
	let delimiterNext: {stripTabs: boolean} | undefined;
	/** Read the bodies of the here-documents the line named, in order, from `i`. */
	const readHeredocs = () => {
		for (const {token, stripTabs} of heredocs.splice(0)) {
			const delimiter = token.word.parts.map(part => ('text' in part ? part.text : '')).join('');
			const literal = token.word.parts.some(part => part.quote !== 0) || token.word.raw.includes('\\');
			const {parts, next, closed} = heredocBody(script, i, delimiter, literal, stripTabs);
			if (!closed) seen.open = true;
			token.word = {parts, raw: token.word.raw};
			i = next;
		}
	};
	let i = 0;
	while (i < script.length) {
		const c = script[i]!;
		if (c === ' ' || c === '\t' || c === '\r') {
			i++;
			continue;
		}
		if (c === '\\' && script[i + 1] === '\n') {
			i += 2;
			continue;
		}
		if (c === '#') {
			while (i < script.length && script[i] !== '\n') i++;
			continue;
		}
		if (script.startsWith('[[', i) && /\s/.test(script[i + 2] ?? '')) {
			// bash's [[ ... ]]: words up to ]] (parentheses and && || inside are its own).
			const end = script.indexOf(']]', i + 2);
			if (end < 0) throw new ShellSyntaxError("syntax error: missing ']]'");
			tokens.push({type: 'word', word: {parts: [{text: '[[', quote: 0}], raw: '[['}});
			for (const piece of splitWords(script.slice(i + 2, end))) {
				const literal = /[()]/.test(piece.replace(/\$\([^)]*\)/g, '')) || piece === '&&' || piece === '||';
				const inner = literal ? undefined : tokenize(piece)[0];
				tokens.push(inner?.type === 'word' ? inner : {type: 'word', word: {parts: [{text: piece, quote: 1}], raw: piece}});
			}
			tokens.push({type: 'word', word: {parts: [{text: ']]', quote: 0}], raw: ']]'}});
			i = end + 2;
			continue;
		}
		const op = operators.find(o => script.startsWith(o, i));
		if (op) {
			if (delimiterNext) throw new ShellSyntaxError(`syntax error: unexpected ${op === '\n' ? 'newline' : `"${op}"`}`);
			tokens.push({type: 'op', op: op === '<<-' ? '<<' : op});
			i += op.length;
			if (op === '<<' || op === '<<-') delimiterNext = {stripTabs: op === '<<-'};
			if (op === '\n') readHeredocs();
			continue;
		}
		const parts: Part[] = [];
		const start = i;
		let text = '';
		const flush = (quote: 0 | 1 | 2) => {
			if (text) parts.push({text, quote});
			text = '';
		};
		const substitution = (quote: 0 | 2) => {
			const j = substitutionEnd(script, i);
			flush(quote);
			parts.push({command: script.slice(i + 2, j), quote});
			i = j + 1;
		};
		while (i < script.length) {
			const ch = script[i]!;
			if (' \t\r\n;&|<>()'.includes(ch)) break;
			if (ch === '\\') {
				text += script[i + 1] ?? '';
				i += 2;
			} else if (ch === "'") {
				flush(0);
				const end = script.indexOf("'", i + 1);
				if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
				parts.push({text: script.slice(i + 1, end), quote: 1});
				i = end + 1;
			} else if (ch === '"') {
				flush(0);
				i++;
				while (i < script.length && script[i] !== '"') {
					if (script[i] === '\\' && '"\\$`'.includes(script[i + 1] ?? '')) {
						text += script[i + 1];
						i += 2;
					} else if (script.startsWith('$(', i)) {
						substitution(2);
					} else {
						text += script[i++];
					}
				}
				if (i >= script.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
				i++;
				parts.push({text, quote: 2});
				text = '';
			} else if (script.startsWith('$(', i)) {
				substitution(0);
			} else if (ch === '`') {
				const end = script.indexOf('`', i + 1);
				if (end < 0) throw new ShellSyntaxError('syntax error: unterminated `');
				flush(0);
				parts.push({command: script.slice(i + 1, end), quote: 0});
				i = end + 1;
			} else {
				text += ch;
				i++;
			}
		}
		flush(0);
		const token = {type: 'word' as const, word: {parts, raw: script.slice(start, i)}};
		tokens.push(token);
		if (delimiterNext) {
			heredocs.push({token, stripTabs: delimiterNext.stripTabs});
			delimiterNext = undefined;
		}
	}
	if (delimiterNext) throw new ShellSyntaxError('syntax error: unexpected end of file');
	// A script that ends on the line naming a here-document: its body is empty.
	readHeredocs();
	return tokens;
}

/** Split on blanks outside quotes, backticks and `$(...)`. */
function splitWords(text: string): string[] {
	const words: string[] = [];
	let current = '';
	let quote = '';
	let depth = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quote) {
			if (c === quote) quote = '';
		} else if (c === "'" || c === '"' || c === '`') {
			quote = c;
		} else if (c === '(' && text[i - 1] === '$') {
			depth++;
		} else if (c === ')' && depth > 0) {
			depth--;
		} else if (/\s/.test(c) && depth === 0) {
			if (current) words.push(current);
			current = '';
			continue;
		}
		current += c;
	}
	if (current) words.push(current);
	return words;
}
