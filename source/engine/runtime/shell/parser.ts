import {ShellSyntaxError, tokenize, type Part, type Token, type Word} from './tokenizer.js';

/** The shell's parser: tokens into lists of and-or pipelines of commands (simple, loops, `for`, `if`, groups). */

export type Redirect = {op: string; target?: Word};
export type Simple = {kind: 'simple'; assigns: Array<[string, Word]>; words: Word[]; redirects: Redirect[]};
export type Loop = {kind: 'while'; until: boolean; condition: List; body: List};
export type For = {kind: 'for'; name: string; items: Word[]; body: List};
export type If = {kind: 'if'; clauses: Array<{condition: List; body: List}>; otherwise?: List};
export type Group = {kind: 'group'; body: List};
export type Command = Simple | Loop | For | If | Group;
export type Pipeline = {negate: boolean; commands: Command[]};
export type AndOr = {first: Pipeline; rest: Array<{op: '&&' | '||'; pipeline: Pipeline}>};
export type List = AndOr[];

const keywords = new Set(['while', 'until', 'for', 'if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'in', '{', '}', '!']);

function plainWord(token: Token | undefined): string | undefined {
	if (token?.type !== 'word') return undefined;
	const parts = token.word.parts;
	return parts.length === 1 && 'text' in parts[0]! && parts[0].quote === 0 ? parts[0].text : undefined;
}

export function parse(script: string): List {
	const tokens = tokenize(script);
	let pos = 0;
	const peekWord = () => plainWord(tokens[pos]);
	const isOp = (op: string) => tokens[pos]?.type === 'op' && (tokens[pos] as {op: string}).op === op;
	const skipNewlines = () => {
		while (isOp('\n')) pos++;
	};
	const unexpected = (): never => {
		const token = tokens[pos];
		const text = token === undefined ? 'end of file' : token.type === 'op' ? (token.op === '\n' ? 'newline' : `"${token.op}"`) : `"${token.word.raw}"`;
		throw new ShellSyntaxError(`syntax error: unexpected ${text}`);
	};
	const expectKeyword = (word: string) => {
		skipNewlines();
		if (peekWord() !== word) unexpected();
		pos++;
	};

	function list(terminators: string[]): List {
		const out: List = [];
		for (;;) {
			while (isOp('\n') || isOp(';') || isOp('&')) pos++;
			if (pos >= tokens.length) break;
			const word = peekWord();
			if (word !== undefined && terminators.includes(word)) break;
			if (isOp(')')) break;
			out.push(andOr());
		}
		return out;
	}

	function andOr(): AndOr {
		const first = pipeline();
		const rest: AndOr['rest'] = [];
		while (isOp('&&') || isOp('||')) {
			const op = (tokens[pos++] as {op: '&&' | '||'}).op;
			skipNewlines();
			rest.push({op, pipeline: pipeline()});
		}
		return {first, rest};
	}

	function pipeline(): Pipeline {
		let negate = false;
		if (peekWord() === '!') {
			negate = true;
			pos++;
		}
		const commands = [command()];
		while (isOp('|')) {
			pos++;
			skipNewlines();
			commands.push(command());
		}
		return {negate, commands};
	}

	function command(): Command {
		const word = peekWord();
		if (word === 'while' || word === 'until') {
			pos++;
			const condition = list(['do']);
			expectKeyword('do');
			const body = list(['done']);
			expectKeyword('done');
			return {kind: 'while', until: word === 'until', condition, body};
		}
		if (word === 'for') {
			pos++;
			const name = peekWord();
			if (!name || !/^[A-Za-z_]\w*$/.test(name)) unexpected();
			pos++;
			const items: Word[] = [];
			skipNewlines();
			if (peekWord() === 'in') {
				pos++;
				while (tokens[pos]?.type === 'word') items.push((tokens[pos++] as {word: Word}).word);
			}
			if (isOp(';') || isOp('\n')) pos++;
			expectKeyword('do');
			const body = list(['done']);
			expectKeyword('done');
			return {kind: 'for', name: name!, items, body};
		}
		if (word === 'if') {
			pos++;
			const clauses: If['clauses'] = [];
			let otherwise: List | undefined;
			for (;;) {
				const condition = list(['then']);
				expectKeyword('then');
				const body = list(['elif', 'else', 'fi']);
				clauses.push({condition, body});
				const next = peekWord();
				pos++;
				if (next === 'elif') continue;
				if (next === 'else') {
					otherwise = list(['fi']);
					expectKeyword('fi');
				} else if (next !== 'fi') {
					pos--;
					unexpected();
				}
				break;
			}
			return {kind: 'if', clauses, otherwise};
		}
		if (word === '{') {
			pos++;
			const body = list(['}']);
			expectKeyword('}');
			return {kind: 'group', body};
		}
		if (isOp('(')) {
			pos++;
			const body = list([]);
			if (!isOp(')')) unexpected();
			pos++;
			return {kind: 'group', body};
		}
		const simple: Simple = {kind: 'simple', assigns: [], words: [], redirects: []};
		for (;;) {
			const token = tokens[pos];
			if (!token) break;
			if (token.type === 'op') {
				if (['>', '>>', '<', '<<', '<<<', '2>', '&>'].includes(token.op)) {
					pos++;
					const target = tokens[pos];
					if (target?.type !== 'word') unexpected();
					simple.redirects.push({op: token.op, target: (target as {word: Word}).word});
					pos++;
					continue;
				}
				if (token.op === '2>&1' || token.op === '>&2' || token.op === '1>&2') {
					simple.redirects.push({op: token.op === '2>&1' ? '2>&1' : '>&2'});
					pos++;
					continue;
				}
				break;
			}
			const plain = plainWord(token);
			if (simple.words.length === 0 && plain !== undefined && keywords.has(plain) && plain !== '!' && plain !== '{') {
				if (simple.assigns.length === 0 && simple.redirects.length === 0) unexpected();
				break;
			}
			const first = token.word.parts[0];
			const assign = simple.words.length === 0 && first && 'text' in first && first.quote === 0 ? /^([A-Za-z_]\w*)=/.exec(first.text) : null;
			if (assign) {
				const rest: Part[] = [{text: (first as {text: string}).text.slice(assign[0].length), quote: 0}, ...token.word.parts.slice(1)];
				simple.assigns.push([assign[1]!, {parts: rest, raw: token.word.raw}]);
			} else {
				simple.words.push(token.word);
			}
			pos++;
		}
		if (simple.words.length === 0 && simple.assigns.length === 0 && simple.redirects.length === 0) unexpected();
		return simple;
	}

	const result = list([]);
	if (pos < tokens.length) unexpected();
	return result;
}
