import type {ExecContext, ExecOutput} from './commands.js';
import {FsError, normalizePath} from './filetree.js';
import {readFile, writeOut} from './builtins.js';
import {quoteBuffer} from './syscalls.js';

/**
 * `sed`, as GNU sed runs the common scripts: `s/re/replacement/flags` (g, p,
 * a number, i/I), `p`, `d`, `q`, `=`; addresses by line number, `$` and
 * `/regex/`, ranges `a,b` and `!`; `-n`, `-e`, `-E`/`-r` and `-i` on the
 * container's files. Basic regular expressions unless `-E`. Messages are
 * GNU sed's.
 */

type Address = {kind: 'line'; line: number} | {kind: 'last'} | {kind: 'regex'; regex: RegExp};

type SedCommand = {
	from?: Address;
	to?: Address;
	negate: boolean;
	name: 's' | 'p' | 'd' | 'q' | '=';
	/** For `s`. */
	regex?: RegExp;
	replacement?: string;
	global?: boolean;
	occurrence?: number;
	print?: boolean;
	/** Range state: inside a range that began on an earlier line. */
	active?: boolean;
};

class SedError extends Error {}

const fail = (message: string, exitCode = 1): ExecOutput => ({stderr: `sed: ${message}\n`, exitCode});

/** A POSIX basic or extended regular expression as a JavaScript one. */
export function posixRegex(source: string, extended: boolean, flags = ''): RegExp {
	let out = '';
	for (let i = 0; i < source.length; i++) {
		const c = source[i]!;
		if (c === '\\' && i + 1 < source.length) {
			const next = source[++i]!;
			if (!extended && '(){}+?|'.includes(next)) out += next;
			else if (next === 'n') out += '\\n';
			else if (next === 't') out += '\\t';
			else out += `\\${next}`;
			continue;
		}
		if (c === '[') {
			// A bracket expression is copied as is (its `]` first is literal; classes like [:digit:] mapped).
			let j = i + 1;
			if (source[j] === '^') j++;
			if (source[j] === ']') j++;
			while (j < source.length && source[j] !== ']') j += source.startsWith('[:', j) ? source.indexOf(':]', j) + 2 - j : 1;
			const body = source.slice(i + 1, j)
				.replace(/\[:alpha:\]/g, 'A-Za-z').replace(/\[:digit:\]/g, '0-9').replace(/\[:alnum:\]/g, 'A-Za-z0-9')
				.replace(/\[:space:\]/g, ' \\t\\n\\r\\f\\v').replace(/\[:upper:\]/g, 'A-Z').replace(/\[:lower:\]/g, 'a-z')
				.replace(/\\/g, '\\\\');
			out += `[${body.replace(/^\^?\]/, m => m.replace(']', '\\]'))}]`;
			i = j;
			continue;
		}
		if (!extended && '(){}+?|'.includes(c)) out += `\\${c}`;
		else if (!extended && c === '*' && (out === '' || out === '^')) out += '\\*';
		else out += c;
	}
	return new RegExp(out, flags);
}

/** Parse a sed script into commands; throws SedError with GNU's message. */
function parseScript(script: string, extended: boolean, expression: number): SedCommand[] {
	const commands: SedCommand[] = [];
	let pos = 0;
	const error = (message: string, at = pos): never => {
		throw new SedError(`-e expression #${expression}, char ${at}: ${message}`);
	};
	const skipBlanks = () => {
		while (pos < script.length && (script[pos] === ' ' || script[pos] === '\t')) pos++;
	};
	/** Text up to the next unescaped delimiter; the delimiter itself is consumed. */
	const delimited = (delimiter: string, what: string): string => {
		let text = '';
		while (pos < script.length) {
			const c = script[pos]!;
			if (c === '\\' && pos + 1 < script.length) {
				const next = script[pos + 1]!;
				text += next === delimiter && delimiter !== '\\' ? next : `\\${next}`;
				pos += 2;
				continue;
			}
			if (c === delimiter) {
				pos++;
				return text;
			}
			if (c === '\n' && what !== 's-replacement') break;
			text += c;
			pos++;
		}
		return error(what === 'address' ? 'unterminated address regex' : "unterminated `s' command", script.length);
	};
	const compile = (source: string, flags = ''): RegExp => {
		try {
			return posixRegex(source, extended, flags);
		} catch {
			return error('Invalid regular expression');
		}
	};
	const address = (): Address | undefined => {
		const c = script[pos];
		if (c !== undefined && /\d/.test(c)) {
			const match = /^\d+/.exec(script.slice(pos))![0];
			pos += match.length;
			const line = Number(match);
			if (line === 0) error('invalid usage of line address 0');
			return {kind: 'line', line};
		}
		if (c === '$') {
			pos++;
			return {kind: 'last'};
		}
		if (c === '/' || c === '\\') {
			let delimiter = '/';
			if (c === '\\') {
				delimiter = script[pos + 1] ?? error('unexpected `,\'');
				pos++;
			}
			pos++;
			const source = delimited(delimiter, 'address');
			const insensitive = script[pos] === 'I';
			if (insensitive) pos++;
			return {kind: 'regex', regex: compile(source, insensitive ? 'i' : '')};
		}
		return undefined;
	};

	while (pos < script.length) {
		while (pos < script.length && /[\s;]/.test(script[pos]!)) pos++;
		if (pos >= script.length) break;
		const from = address();
		let to: Address | undefined;
		if (from && script[pos] === ',') {
			pos++;
			to = address() ?? error('unexpected `,\'');
		}
		skipBlanks();
		let negate = false;
		while (script[pos] === '!') {
			negate = true;
			pos++;
			skipBlanks();
		}
		const name = script[pos];
		if (name === undefined) return error('missing command', script.length);
		pos++;
		const command: SedCommand = {from, to, negate, name: name as SedCommand['name']};
		switch (name) {
			case 'p':
			case 'd':
			case '=':
				break;
			case 'q':
				if (to) error('command only uses one address', pos);
				break;
			case 's': {
				const delimiter = script[pos];
				if (delimiter === undefined || delimiter === '\n' || delimiter === '\\') return error("unterminated `s' command", script.length);
				pos++;
				const pattern = delimited(delimiter, 's-pattern');
				const replacement = delimited(delimiter, 's-replacement');
				let regexFlags = '';
				for (; pos < script.length && !/[\s;}]/.test(script[pos]!); pos++) {
					const flag = script[pos]!;
					if (flag === 'g') command.global = true;
					else if (flag === 'p') command.print = true;
					else if (flag === 'i' || flag === 'I') regexFlags += 'i';
					else if (/\d/.test(flag)) {
						const digits = /^\d+/.exec(script.slice(pos))![0];
						command.occurrence = Number(digits);
						if (command.occurrence === 0) error("number option to `s' command may not be zero", pos + 1);
						pos += digits.length - 1;
					} else error("unknown option to `s'", pos + 1);
				}
				command.regex = compile(pattern, `g${regexFlags}`);
				command.replacement = replacement;
				break;
			}
			default:
				error(`unknown command: \`${name}'`);
		}
		commands.push(command);
		skipBlanks();
		if (pos < script.length && !/[;\n}]/.test(script[pos]!)) error(`extra characters after command`, pos + 1);
	}
	return commands;
}

/** The replacement text for one match: `&`, `\1`-`\9`, `\n`, `\t`, `\&`. */
function expand(replacement: string, match: RegExpExecArray): string {
	let out = '';
	for (let i = 0; i < replacement.length; i++) {
		const c = replacement[i]!;
		if (c === '&') out += match[0];
		else if (c === '\\' && i + 1 < replacement.length) {
			const next = replacement[++i]!;
			if (/\d/.test(next)) out += match[Number(next)] ?? '';
			else if (next === 'n') out += '\n';
			else if (next === 't') out += '\t';
			else out += next;
		} else out += c;
	}
	return out;
}

function substitute(command: SedCommand, line: string): {text: string; replaced: boolean} {
	const regex = command.regex!;
	regex.lastIndex = 0;
	let out = '';
	let last = 0;
	let count = 0;
	let replaced = false;
	for (let match = regex.exec(line); match; match = regex.exec(line)) {
		count++;
		const wanted = command.occurrence === undefined ? count === 1 || command.global : count === command.occurrence || (command.global && count > command.occurrence);
		if (wanted) {
			out += line.slice(last, match.index) + expand(command.replacement!, match);
			last = match.index + match[0].length;
			replaced = true;
		}
		if (match[0] === '') regex.lastIndex++;
		if (!command.global && command.occurrence === undefined) break;
		if (!command.global && command.occurrence !== undefined && count >= command.occurrence) break;
	}
	return {text: replaced ? out + line.slice(last) : line, replaced};
}

function matches(address: Address, line: string, number: number, last: boolean): boolean {
	if (address.kind === 'line') return number === address.line;
	if (address.kind === 'last') return last;
	address.regex.lastIndex = 0;
	return address.regex.test(line);
}

/** Whether the command applies to this line, advancing its range state. */
function selected(command: SedCommand, line: string, number: number, last: boolean): boolean {
	let hit: boolean;
	if (!command.from) hit = true;
	else if (!command.to) hit = matches(command.from, line, number, last);
	else if (command.active) {
		hit = true;
		const to = command.to;
		if (to.kind === 'line' ? number >= to.line : matches(to, line, number, last)) command.active = false;
	} else if (matches(command.from, line, number, last)) {
		hit = true;
		const to = command.to;
		// A line-number end at or before the start closes the range at once.
		command.active = to.kind === 'line' ? number < to.line : to.kind === 'last' ? !last : true;
	} else hit = false;
	return hit !== command.negate;
}

/** Run the script over the lines of one stream; `quit` is set when `q` ran. */
function runScript(commands: SedCommand[], text: string, quiet: boolean, start: {line: number}): {out: string; quit: boolean} {
	const endsWithNewline = text.endsWith('\n');
	const lines = text === '' ? [] : (endsWithNewline ? text.slice(0, -1) : text).split('\n');
	let out = '';
	for (let i = 0; i < lines.length; i++) {
		const number = ++start.line;
		const last = i === lines.length - 1;
		const newline = last && !endsWithNewline ? '' : '\n';
		let space = lines[i]!;
		let deleted = false;
		let quit = false;
		for (const command of commands) {
			if (!selected(command, space, number, last)) continue;
			if (command.name === 'p') out += `${space}\n`;
			else if (command.name === '=') out += `${number}\n`;
			else if (command.name === 'd') {
				deleted = true;
				break;
			} else if (command.name === 'q') {
				quit = true;
				break;
			} else {
				const result = substitute(command, space);
				space = result.text;
				if (result.replaced && command.print) out += `${space}\n`;
			}
		}
		if (!deleted && !quiet) out += `${space}${newline}`;
		if (quit) return {out, quit: true};
	}
	return {out, quit: false};
}

export function sed(context: ExecContext): ExecOutput {
	const args = context.argv.slice(1);
	const scripts: string[] = [];
	const files: string[] = [];
	let quiet = false;
	let extended = false;
	let inPlace = false;
	// With any -e the operands are all files; otherwise the first operand is the script.
	const hasExpression = args.some(a => /^-[a-zA-Z]*e/.test(a) && !a.startsWith('--') || a.startsWith('--expression='));
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (arg === '--') {
			files.push(...args.slice(i + 1));
			break;
		}
		if (arg === '--quiet' || arg === '--silent') quiet = true;
		else if (arg === '--regexp-extended') extended = true;
		else if (arg === '--in-place' || arg.startsWith('--in-place=')) inPlace = true;
		else if (arg.startsWith('--expression=')) scripts.push(arg.slice('--expression='.length));
		else if (arg.startsWith('-') && arg.length > 1 && !arg.startsWith('--')) {
			for (let j = 1; j < arg.length; j++) {
				const flag = arg[j]!;
				if (flag === 'n') quiet = true;
				else if (flag === 'E' || flag === 'r') extended = true;
				else if (flag === 'i') {
					inPlace = true;
					break; // -iSUFFIX: the rest is a backup suffix
				} else if (flag === 'e') {
					const value = arg.slice(j + 1) || args[++i];
					if (value === undefined) return fail('option requires an argument -- \'e\'');
					scripts.push(value);
					break;
				} else if (flag === 's' || flag === 'u' || flag === 'z') {
					// accepted, no effect here
				} else return fail(`invalid option -- '${flag}'\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...`);
			}
		} else if (!hasExpression && scripts.length === 0) {
			scripts.push(arg);
		} else files.push(arg);
	}
	if (scripts.length === 0) return fail('no script specified\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...', 1);
	let commands: SedCommand[];
	try {
		commands = scripts.flatMap((script, index) => parseScript(script, extended, index + 1));
	} catch (error) {
		if (error instanceof SedError) return fail(error.message);
		throw error;
	}
	if (inPlace) {
		if (files.length === 0) return fail('no input files', 1);
		let stderr = '';
		let exitCode = 0;
		for (const file of files) {
			for (const command of commands) command.active = false;
			const {content, error} = readFile(context, 'sed', file);
			if (error) {
				stderr += `sed: can't read ${file}: No such file or directory\n`;
				exitCode = 2;
				continue;
			}
			const {out} = runScript(commands, content ?? '', quiet, {line: 0});
			const full = normalizePath(file, context.cwd);
			const dir = full.slice(0, full.lastIndexOf('/')) || '/';
			const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
			const suffix = Array.from({length: 6}, () => alphabet[context.random.int(0, alphabet.length - 1)]).join('');
			const temp = `${dir === '/' ? '' : dir}/sed${suffix}`;
			try {
				context.fs.write(full, out);
				context.trace('openat', `AT_FDCWD, ${quoteBuffer(temp, 64)}, O_RDWR|O_CREAT|O_EXCL, 0600`, 4);
				context.trace('write', `4, ${quoteBuffer(out)}, ${Buffer.byteLength(out)}`, Buffer.byteLength(out));
				context.trace('rename', `${quoteBuffer(temp, 64)}, ${quoteBuffer(full, 64)}`, 0);
			} catch (error) {
				if (!(error instanceof FsError)) throw error;
				context.trace('openat', `AT_FDCWD, ${quoteBuffer(temp, 64)}, O_RDWR|O_CREAT|O_EXCL, 0600`, `-1 ${error.code} (${error.reason})`);
				stderr += `sed: couldn't open temporary file ${temp}: ${error.reason}\n`;
				return {stderr, exitCode: 4};
			}
		}
		return {stderr, exitCode};
	}
	let stdout = '';
	let stderr = '';
	let exitCode = 0;
	// Without -i (or -s) the files are one stream: line numbers run on and `$` is the last file's last line.
	const inputs = files.length === 0 ? ['-'] : files;
	let stream = '';
	for (const file of inputs) {
		const {content, error} = readFile(context, 'sed', file);
		if (error) {
			stderr += `sed: can't read ${file}: No such file or directory\n`;
			exitCode = 2;
			continue;
		}
		if (stream && !stream.endsWith('\n')) stream += '\n';
		stream += content ?? '';
	}
	stdout = runScript(commands, stream, quiet, {line: 0}).out;
	return writeOut(context, {stdout, stderr, exitCode});
}
