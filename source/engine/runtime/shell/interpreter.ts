import type {ExecContext} from '../commands.js';
import {execCommand, registerExecCommand} from '../commands.js';
import {FsError, normalizePath} from '../filetree.js';
import {quoteBuffer} from '../syscalls.js';
import {parseQuantity} from '../../api/quantity.js';
import {ShellSyntaxError, type Word} from './tokenizer.js';
import {parse, type AndOr, type Command, type List, type Pipeline, type Simple} from './parser.js';

/**
 * A small POSIX-ish shell, as busybox `sh` runs it: `;`, `&&`, `||`, `|`,
 * `!`, `while`/`until`, `for`, `if`, `$VAR`, `${VAR}`, `$?`, `$(cmd)`,
 * quotes, `>`, `>>`, `2>&1`, `>&2`, assignments, `export`, `cd`, `exit`, `exec`.
 * Programs come from the exec-command registry; the ones that take time
 * (`sleep`, `tail -f`, `stress`, `yes`) are effects the caller carries out
 * on the virtual clock, so the interpreter is a generator.
 */

export type ShellEffect =
	| {kind: 'sleep'; ms: number}
	/** Wait forever (`tail -f /dev/null`, `sleep infinity`). */
	| {kind: 'block'}
	/** Spin on the CPU forever (a loop with no sleep, `yes`). */
	| {kind: 'busy'}
	/** Allocate memory; `grow` keeps allocating until killed (`tail /dev/zero`). */
	| {kind: 'alloc'; bytes: number; grow: boolean};

export type ShellIo = {
	/** The exec context every program gets, minus the per-call fields. */
	base: Omit<ExecContext, 'argv' | 'env' | 'cwd' | 'stdin' | 'trace' | 'now'>;
	now(): number;
	out(text: string): void;
	err(text: string): void;
	trace(pid: number, name: string, args: string, ret: number | string): void;
	nextPid(): number;
	/** The shell's own pid. */
	pid: number;
	/** `kubectl exec`: sleeps take no virtual time; blocking ends the call. */
	exec: boolean;
};

/** `exit N` (or a timed-out exec) unwinding to the top of the script. */
class ShellExit {
	constructor(readonly code: number) {}
}

type State = {
	vars: Map<string, string>;
	exported: Set<string>;
	cwd: string;
	status: number;
	/** Simple commands run since virtual time last moved (a loop guard). */
	spin: number;
	out: (text: string) => void;
	err: (text: string) => void;
	stdin: string;
};

/** Simple commands in a row without a sleep before a loop counts as spinning. */
const spinLimit = 5_000;

/** Shell builtins: run in the shell's own process (no fork/exec). */
const inShell = new Set(['echo', 'printf', 'true', 'false', ':', 'test', '[', '[[', 'pwd', 'cd', 'export', 'exit', 'unset', 'set', 'exec', 'wait', 'trap', 'read', 'sleep']);

/** Seconds as `sleep` reads them: `5`, `0.5`, `2m`, `1h`, `infinity`. */
export function sleepMs(argument: string): number | undefined {
	if (argument === 'infinity' || argument === 'inf') return Number.POSITIVE_INFINITY;
	const match = /^(\d+(?:\.\d+)?|\.\d+)([smhd]?)$/.exec(argument);
	if (!match) return undefined;
	const unit = {'': 1, s: 1, m: 60, h: 3600, d: 86_400}[match[2] as '' | 's' | 'm' | 'h' | 'd'];
	return Math.round(Number(match[1]) * unit * 1000);
}

export class Shell {
	private readonly state: State;
	/** `set -x`: each command is echoed to stderr with a `+ ` before it runs. */
	private xtrace = false;
	/** `set -e`: a failing command ends the shell with its status. */
	private errexit = false;
	/**
	 * Depth of contexts where POSIX ignores `-e`: the condition of `if`,
	 * `elif`, `while` and `until`. (And-or lists but their last pipeline,
	 * and `!` pipelines, are checked in andOr.)
	 */
	private errexitIgnored = 0;

	constructor(private readonly io: ShellIo, env: Record<string, string>, cwd = '/') {
		this.state = {
			vars: new Map(Object.entries(env)),
			exported: new Set(Object.keys(env)),
			cwd,
			status: 0,
			spin: 0,
			out: text => io.out(text),
			err: text => io.err(text),
			stdin: '',
		};
	}

	/** Options given on the command line (`sh -e`, `bash -x`), as `set` takes them. */
	setOptions(options: readonly string[]): void {
		for (const option of options) {
			if (option.includes('x')) this.xtrace = option.startsWith('-');
			if (option.includes('e')) this.errexit = option.startsWith('-');
		}
	}

	/** `sh -c script`: exit status of the script (2 on a syntax error). */
	*script(text: string): Generator<ShellEffect, number> {
		return (yield* this.line(text)).status;
	}

	/** Run a program directly (a container whose command is not a shell; an exec), with `stdin` as its input. */
	*program(argv: string[], stdin = ''): Generator<ShellEffect, number> {
		try {
			return yield* this.simpleArgv(argv, [], {out: this.state.out, err: this.state.err, stdin}, true);
		} catch (error) {
			if (error instanceof ShellExit) return error.code;
			throw error;
		}
	}

	/**
	 * One line typed at an interactive shell, or a whole script: it runs in
	 * this shell, so `cd`, variables and exports carry over to the next line.
	 * `exited` is set when it ran `exit` (or `set -e` ended the shell); a
	 * syntax error is status 2.
	 */
	*line(text: string): Generator<ShellEffect, {status: number; exited: boolean}> {
		let tree: List;
		try {
			tree = parse(text);
		} catch (error) {
			if (!(error instanceof ShellSyntaxError)) throw error;
			this.state.err(`sh: ${error.message}\n`);
			this.state.status = 2;
			return {status: 2, exited: false};
		}
		try {
			const status = yield* this.list(tree);
			this.state.status = status;
			return {status, exited: false};
		} catch (error) {
			if (error instanceof ShellExit) return {status: error.code, exited: true};
			throw error;
		}
	}

	/** The working directory and a variable, for the prompt. */
	get cwd(): string {
		return this.state.cwd;
	}

	variable(name: string): string | undefined {
		return this.state.vars.get(name);
	}


	private *list(list: List): Generator<ShellEffect, number> {
		let status = 0;
		for (const item of list) status = yield* this.andOr(item);
		return status;
	}

	private *andOr(item: AndOr): Generator<ShellEffect, number> {
		let status = yield* this.pipeline(item.first);
		let last = item.first;
		for (const {op, pipeline} of item.rest) {
			if ((op === '&&') === (status === 0)) {
				status = yield* this.pipeline(pipeline);
				last = pipeline;
			}
		}
		// `set -e` applies to the pipeline after the final && or || only, not to a `!` pipeline,
		// and not to a compound command whose status comes from a failure that -e ignored.
		const ranLast = last === (item.rest.at(-1)?.pipeline ?? item.first);
		const simple = last.commands.at(-1)?.kind === 'simple';
		if (status !== 0 && this.errexit && this.errexitIgnored === 0 && ranLast && !last.negate && simple) throw new ShellExit(status);
		return status;
	}

	/** A condition of `if`/`while`/`until`: `set -e` does not apply inside. */
	private *condition(list: List): Generator<ShellEffect, number> {
		this.errexitIgnored++;
		try {
			return yield* this.list(list);
		} finally {
			this.errexitIgnored--;
		}
	}

	private *pipeline(pipeline: Pipeline): Generator<ShellEffect, number> {
		let status = 0;
		let input = this.state.stdin;
		const {out, stdin} = this.state;
		try {
			for (let i = 0; i < pipeline.commands.length; i++) {
				const last = i === pipeline.commands.length - 1;
				let captured = '';
				this.state.stdin = input;
				this.state.out = last ? out : text => {
					captured += text;
				};
				status = yield* this.command(pipeline.commands[i]!);
				input = captured;
			}
		} finally {
			this.state.out = out;
			this.state.stdin = stdin;
		}
		status = pipeline.negate ? (status === 0 ? 1 : 0) : status;
		this.state.status = status;
		return status;
	}

	private *command(command: Command): Generator<ShellEffect, number> {
		switch (command.kind) {
			case 'simple':
				return yield* this.simple(command);
			case 'group':
				return yield* this.list(command.body);
			case 'if':
				for (const clause of command.clauses) {
					if ((yield* this.condition(clause.condition)) === 0) return yield* this.list(clause.body);
				}
				return command.otherwise ? yield* this.list(command.otherwise) : 0;
			case 'for': {
				let status = 0;
				const items = command.items.length > 0 ? this.expandWords(command.items) : [];
				for (const item of items) {
					this.state.vars.set(command.name, item);
					status = yield* this.list(command.body);
				}
				return status;
			}
			case 'while': {
				let status = 0;
				for (;;) {
					const condition = yield* this.condition(command.condition);
					if ((condition === 0) === command.until) break;
					status = yield* this.list(command.body);
					if (this.state.spin > spinLimit) {
						if (this.io.exec) throw new ShellExit(124);
						yield {kind: 'busy'};
						this.state.spin = 0;
					}
				}
				return status;
			}
		}
	}

	private *simple(command: Simple): Generator<ShellEffect, number> {
		const argv = this.expandWords(command.words);
		const assigns = command.assigns.map(([name, word]) => [name, this.expandWord(word, false).join('')] as [string, string]);
		if (argv.length === 0) {
			for (const [name, value] of assigns) this.state.vars.set(name, value);
			return 0;
		}
		// Redirections: collect the command's output, then write it to the file.
		let out = this.state.out;
		let err = this.state.err;
		let stdin = this.state.stdin;
		const files: Array<{path: string; append: boolean; text: string}> = [];
		for (const redirect of command.redirects) {
			if (redirect.op === '2>&1') {
				err = out;
				continue;
			}
			if (redirect.op === '>&2') {
				out = err;
				continue;
			}
			const target = this.expandWord(redirect.target!, false).join('');
			if (redirect.op === '<') {
				const path = normalizePath(target, this.state.cwd);
				const content = this.io.base.fs.read(path);
				if (content === undefined) {
					this.state.err(`sh: can't open '${target}': No such file or directory\n`);
					return 1;
				}
				stdin = content;
				continue;
			}
			if (target === '/dev/null') {
				if (redirect.op === '2>') err = () => {};
				else if (redirect.op === '&>') out = err = () => {};
				else out = () => {};
				continue;
			}
			if (target === '/dev/stdout' || target === '/proc/1/fd/1') continue;
			if (target === '/dev/stderr' || target === '/proc/1/fd/2') {
				if (redirect.op !== '2>') out = this.state.err;
				continue;
			}
			const file = {path: normalizePath(target, this.state.cwd), append: redirect.op === '>>', text: ''};
			files.push(file);
			const sink = (text: string) => {
				file.text += text;
			};
			if (redirect.op === '2>') err = sink;
			else if (redirect.op === '&>') out = err = sink;
			else out = sink;
		}
		for (const file of files) {
			try {
				if (!file.append || !this.io.base.fs.exists(file.path)) this.io.base.fs.write(file.path, '');
				this.io.trace(this.io.pid, 'openat', `AT_FDCWD, ${quoteBuffer(file.path, 64)}, O_WRONLY|O_CREAT|${file.append ? 'O_APPEND' : 'O_TRUNC'}, 0666`, 3);
			} catch (error) {
				if (!(error instanceof FsError)) throw error;
				this.io.trace(this.io.pid, 'openat', `AT_FDCWD, ${quoteBuffer(file.path, 64)}, O_WRONLY|O_CREAT, 0666`, `-1 ${error.code} (${error.reason})`);
				this.state.err(`sh: can't create ${file.path}: ${error.reason}\n`);
				return 1;
			}
		}
		const status = yield* this.simpleArgv(argv, assigns, {out, err, stdin}, false);
		for (const file of files) {
			if (file.text) this.io.base.fs.write(file.path, file.text, {append: true});
		}
		return status;
	}

	private *simpleArgv(argv: string[], assigns: Array<[string, string]>, sinks: {out: (t: string) => void; err: (t: string) => void; stdin: string}, direct: boolean): Generator<ShellEffect, number> {
		const state = this.state;
		const io = this.io;
		const [name = '', ...args] = argv;
		if (this.xtrace) sinks.err(`+ ${argv.map(a => /[\s'"$]/.test(a) || a === '' ? `'${a}'` : a).join(' ')}\n`);
		const program = name.slice(name.lastIndexOf('/') + 1);
		state.spin++;
		switch (program) {
			case 'cd': {
				const target = normalizePath(args[0] ?? state.vars.get('HOME') ?? '/', state.cwd);
				if (io.base.fs.stat(target)?.type !== 'dir') {
					sinks.err(`sh: cd: can't cd to ${args[0]}: No such file or directory\n`);
					return 2;
				}
				io.trace(io.pid, 'chdir', quoteBuffer(target, 64), 0);
				state.cwd = target;
				return 0;
			}
			case 'export':
			case 'unset':
				for (const arg of args) {
					const eq = arg.indexOf('=');
					const key = eq < 0 ? arg : arg.slice(0, eq);
					if (program === 'unset') {
						state.vars.delete(key);
						state.exported.delete(key);
						continue;
					}
					if (eq >= 0) state.vars.set(key, arg.slice(eq + 1));
					state.exported.add(key);
				}
				return 0;
			case 'exit': {
				const code = args[0] === undefined ? state.status : Number(args[0]);
				if (!Number.isInteger(code)) {
					sinks.err(`sh: exit: Illegal number: ${args[0]}\n`);
					throw new ShellExit(2);
				}
				throw new ShellExit(((code % 256) + 256) % 256);
			}
			case 'exec':
				if (args.length === 0) return 0;
				throw new ShellExit(yield* this.simpleArgv(args, assigns, sinks, true));
			case '[[': {
				const end = args.lastIndexOf(']]');
				if (end < 0) {
					sinks.err("sh: syntax error: missing ']]'\n");
					return 2;
				}
				return this.doubleBracket(args.slice(0, end)) ? 0 : 1;
			}
			case 'set':
				for (let i = 0; i < args.length; i++) {
					const arg = args[i]!;
					if (arg === '-o' || arg === '+o') {
						const option = args[++i];
						if (option === 'errexit') this.errexit = arg === '-o';
						else if (option === 'xtrace') this.xtrace = arg === '-o';
						continue;
					}
					if (/^[-+][a-z]+$/.test(arg)) this.setOptions([arg]);
				}
				return 0;
			case 'wait':
			case 'trap':
			case 'read':
				return 0;
			default:
				break;
		}
		const env = this.environment(assigns);
		const external = !inShell.has(program);
		let pid = io.pid;
		if (external && !direct) {
			pid = io.nextPid();
			io.trace(io.pid, 'clone', 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', pid);
		}
		if (external || direct) io.trace(pid, 'execve', `${quoteBuffer(this.which(name), 64)}, [${argv.slice(0, 4).map(a => quoteBuffer(a)).join(', ')}${argv.length > 4 ? ', ...' : ''}], 0x7ffd2c8 /* ${Object.keys(env).length} vars */`, 0);
		const status = yield* this.run(program, argv, env, sinks, pid);
		if (external && !direct) {
			io.trace(pid, 'exit_group', String(status), '?');
			io.trace(io.pid, 'wait4', `-1, [{WIFEXITED(s) && WEXITSTATUS(s) == ${status}}], 0, NULL`, pid);
		}
		state.status = status;
		return status;
	}

	/** Programs that take time are effects; the rest come from the registry. */
	private *run(program: string, argv: string[], env: Record<string, string>, sinks: {out: (t: string) => void; err: (t: string) => void; stdin: string}, pid: number): Generator<ShellEffect, number> {
		const io = this.io;
		const args = argv.slice(1);
		if (program === 'sleep') {
			if (args.length === 0) {
				sinks.err('sleep: missing operand\n');
				return 1;
			}
			let total = 0;
			for (const arg of args) {
				const ms = sleepMs(arg);
				if (ms === undefined) {
					sinks.err(`sleep: invalid number '${arg}'\n`);
					return 1;
				}
				total += ms;
			}
			if (total === Number.POSITIVE_INFINITY) return yield* this.block(pid);
			io.trace(pid, 'nanosleep', `{tv_sec=${Math.floor(total / 1000)}, tv_nsec=${(total % 1000) * 1_000_000}}, NULL`, 0);
			if (!io.exec && total > 0) {
				this.state.spin = 0;
				yield {kind: 'sleep', ms: total};
			}
			return 0;
		}
		if (program === 'tail' && (args.includes('-f') || args.includes('-F')) && !args.includes('/dev/zero')) {
			return yield* this.block(pid);
		}
		if ((program === 'tail' || program === 'cat') && args.includes('/dev/zero')) {
			io.trace(pid, 'openat', 'AT_FDCWD, "/dev/zero", O_RDONLY', 3);
			if (io.exec) throw new ShellExit(124);
			yield {kind: 'alloc', bytes: Number.POSITIVE_INFINITY, grow: true};
			return 137;
		}
		if ((program === 'ncat' || program === 'nc') && (args.includes('--listen') || args.includes('-l') || args.includes('-lk'))) {
			io.trace(pid, 'listen', '3, 10', 0);
			return yield* this.block(pid);
		}
		if (program === 'yes') {
			if (io.exec) throw new ShellExit(124);
			yield {kind: 'busy'};
			return 0;
		}
		if (program === 'stress') {
			const bytesFlag = args.indexOf('--vm-bytes');
			const bytes = bytesFlag >= 0 ? parseQuantity((args[bytesFlag + 1] ?? '').replace(/([KMG])$/, '$1i')) : 256 * 2 ** 20;
			if (bytes === undefined) {
				sinks.err(`stress: FAIL: [1] (${args[bytesFlag + 1]}) invalid --vm-bytes\n`);
				return 1;
			}
			sinks.out(`stress: info: [${pid}] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n`);
			io.trace(pid, 'mmap', `NULL, ${Math.round(bytes)}, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0`, '0x7f3a00000000');
			if (io.exec) throw new ShellExit(124);
			yield {kind: 'alloc', bytes, grow: false};
			return yield* this.block(pid);
		}
		const handler = execCommand(program);
		if (!handler) {
			sinks.err(`sh: ${argv[0]}: not found\n`);
			return 127;
		}
		const result = handler({
			...io.base,
			argv,
			env,
			cwd: this.state.cwd,
			stdin: sinks.stdin,
			now: io.now(),
			trace: (name, traceArgs, ret) => io.trace(pid, name, traceArgs, ret),
		});
		// A command that waits (a connection timing out) takes its time before it answers.
		if (result.delayMs && !io.exec) {
			this.state.spin = 0;
			yield {kind: 'sleep', ms: result.delayMs};
		}
		if (result.stdout) sinks.out(result.stdout);
		if (result.stderr) sinks.err(result.stderr);
		return result.exitCode ?? 0;
	}

	/** bash's `[[ ... ]]`: `=~` (filling BASH_REMATCH), `==`/`!=` globs, `&&`, `||`, `!`, and test's operators. */
	private doubleBracket(args: string[]): boolean {
		const or = args.indexOf('||');
		if (or >= 0) return this.doubleBracket(args.slice(0, or)) || this.doubleBracket(args.slice(or + 1));
		const and = args.indexOf('&&');
		if (and >= 0) return this.doubleBracket(args.slice(0, and)) && this.doubleBracket(args.slice(and + 1));
		if (args[0] === '!') return !this.doubleBracket(args.slice(1));
		if (args.length === 3 && args[1] === '=~') {
			let match: RegExpExecArray | null = null;
			try {
				match = new RegExp(args[2]!).exec(args[0]!);
			} catch {
				return false;
			}
			for (const key of [...this.state.vars.keys()]) if (key.startsWith('BASH_REMATCH[')) this.state.vars.delete(key);
			match?.forEach((group, index) => this.state.vars.set(`BASH_REMATCH[${index}]`, group ?? ''));
			return match !== null;
		}
		if (args.length === 3 && (args[1] === '==' || args[1] === '=' || args[1] === '!=')) {
			const pattern = new RegExp(`^${args[2]!.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
			return pattern.test(args[0]!) === (args[1] !== '!=');
		}
		const handler = execCommand('test');
		const result = handler?.({...this.io.base, argv: ['test', ...args], env: {}, cwd: this.state.cwd, stdin: '', now: this.io.now(), trace: () => {}});
		return (result?.exitCode ?? 1) === 0;
	}

	private *block(pid: number): Generator<ShellEffect, number> {
		if (this.io.exec) throw new ShellExit(124);
		this.io.trace(pid, 'pause', '', '?');
		yield {kind: 'block'};
		return 0;
	}

	private which(name: string): string {
		if (name.includes('/')) return name;
		return ['cat', 'ls', 'echo', 'date', 'hostname', 'mkdir', 'rm', 'touch', 'sleep', 'sh', 'pwd', 'true', 'false'].includes(name) ? `/bin/${name}` : `/usr/bin/${name}`;
	}

	private environment(assigns: Array<[string, string]>): Record<string, string> {
		const env: Record<string, string> = {};
		for (const key of this.state.exported) {
			const value = this.state.vars.get(key);
			if (value !== undefined) env[key] = value;
		}
		for (const [key, value] of assigns) env[key] = value;
		return env;
	}

	private expandWords(words: Word[]): string[] {
		return words.flatMap(word => this.expandWord(word, true));
	}

	/** Expand `$VAR`, `${VAR}`, `$?`, `$$`, `$(cmd)`; unquoted results split on blanks. */
	private expandWord(word: Word, split: boolean): string[] {
		const fields: string[] = [];
		let current = '';
		let has = false;
		const pushSplit = (text: string) => {
			const pieces = text.split(/[ \t\n]+/);
			pieces.forEach((piece, index) => {
				if (index > 0) {
					if (has || current) fields.push(current);
					current = '';
					has = false;
				}
				current += piece;
				if (piece) has = true;
			});
		};
		for (const part of word.parts) {
			if ('command' in part) {
				const output = this.substitute(part.command).replace(/\n+$/, '');
				if (part.quote === 0 && split) pushSplit(output);
				else {
					current += output;
					has = true;
				}
				continue;
			}
			if (part.quote === 1) {
				current += part.text;
				has = true;
				continue;
			}
			const expanded = part.text.replace(/\$(\{([A-Za-z_]\w*(?:\[\d+\])?)(:?-([^}]*))?\}|([A-Za-z_]\w*)|\?|\$|#|[0-9])/g, (_, _all, braced, _dflt, fallback, plain) => {
				const name = braced ?? plain;
				if (name) {
					const value = this.state.vars.get(name);
					return value === undefined || value === '' ? (fallback ?? '') : value;
				}
				if (_all === '?') return String(this.state.status);
				if (_all === '$') return String(this.io.pid);
				if (_all === '#') return '0';
				return '';
			});
			if (part.quote === 0 && split) pushSplit(expanded);
			else {
				current += expanded;
				has = true;
			}
		}
		if (has || current) fields.push(current);
		return fields;
	}

	/** `$(cmd)`: run it to completion (no waiting) and take its output; `$((expr))` is arithmetic. */
	private substitute(script: string): string {
		if (script.startsWith('(') && script.endsWith(')')) return this.arithmetic(script.slice(1, -1));
		let captured = '';
		const saved = this.state.out;
		this.state.out = text => {
			captured += text;
		};
		try {
			const sub = new Shell({...this.io, exec: true, out: text => {
				captured += text;
			}}, this.environment([]), this.state.cwd);
			for (const [key, value] of this.state.vars) sub.state.vars.set(key, value);
			const generator = sub.script(script);
			for (let step = generator.next(); !step.done; step = generator.next()) {
				// effects inside a substitution take no time
			}
		} finally {
			this.state.out = saved;
		}
		return captured;
	}

	/** `$((i + 1))`: integers, variables, + - * / % and comparisons. */
	private arithmetic(expression: string): string {
		const substituted = expression.replace(/\$?([A-Za-z_]\w*)/g, (_, name: string) => String(Number.parseInt(this.state.vars.get(name) ?? '0', 10) || 0));
		if (!/^[\d\s+\-*/%()<>=!]*$/.test(substituted)) {
			this.state.err('sh: arithmetic syntax error\n');
			return '0';
		}
		try {
			const value = Function(`"use strict"; return (${substituted.trim() || '0'});`)() as number | boolean;
			return String(typeof value === 'boolean' ? Number(value) : Math.trunc(value));
		} catch {
			this.state.err('sh: arithmetic syntax error\n');
			return '0';
		}
	}
}

/** `sh -c "..."` for exec and nested shells: runs to completion, sleeping takes no time. */
function shellCommand(context: ExecContext): {stdout: string; stderr: string; exitCode: number} {
	let stdout = '';
	let stderr = '';
	let pids = 1000;
	const io: ShellIo = {
		base: context,
		now: () => context.now,
		out: text => {
			stdout += text;
		},
		err: text => {
			stderr += text;
		},
		trace: (_pid, name, args, ret) => context.trace(name, args, ret),
		nextPid: () => ++pids,
		pid: 1000,
		exec: true,
	};
	const args = context.argv.slice(1);
	const shell = new Shell(io, {...context.env}, context.cwd);
	const invocation = shellInvocation(context.argv);
	shell.setOptions(invocation.options);
	const generator = shell.script(invocation.script ?? context.stdin);
	let step = generator.next();
	while (!step.done) step = generator.next();
	return {stdout, stderr, exitCode: step.value};
}

registerExecCommand('sh', shellCommand);
registerExecCommand('bash', shellCommand);
registerExecCommand('ash', shellCommand);

/**
 * How `sh` was called: its option letters (`sh -e -c`, `sh -ec`, `bash -xeuc`)
 * and the `-c` script, or no script when it reads stdin.
 */
export function shellInvocation(argv: readonly string[]): {options: string[]; script?: string} {
	const options: string[] = [];
	for (let i = 1; i < argv.length; i++) {
		const arg = argv[i]!;
		if (!/^[-+][a-z]+$/.test(arg)) break;
		const letters = arg.slice(1).replace('c', '');
		if (letters) options.push(`${arg[0]}${letters}`);
		if (arg.includes('c')) return {options, script: argv.slice(i + 1).join(' ')};
	}
	return {options};
}

/** True when argv starts a shell script (`sh -c ...`, `/bin/bash -c ...`). */
export function isShell(argv: readonly string[]): boolean {
	const name = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
	return name === 'sh' || name === 'bash' || name === 'ash' || name === 'dash';
}
