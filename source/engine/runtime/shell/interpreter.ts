import type {ExecContext} from '../commands.js';
import {execCommand, registerExecCommand} from '../commands.js';
import {FsError, normalizePath} from '../filetree.js';
import {quoteBuffer} from '../syscalls.js';
import {fnmatchRegex} from '../fnmatch.js';
import {parseQuantity} from '../../api/quantity.js';
import {ShellSyntaxError, type Word} from './tokenizer.js';
import {parse, type AndOr, type Command, type For, type If, type List, type Loop, type Pipeline, type Simple} from './parser.js';

/**
 * A small POSIX-ish shell, as busybox `sh` runs it: `;`, `&&`, `||`, `|`,
 * `!`, `while`/`until`, `for`, `if`, `$VAR`, `${VAR}`, `$?`, `$(cmd)`,
 * quotes, `>`, `>>`, `2>&1`, `>&2`, assignments, `export`, `cd`, `exit`, `exec`.
 * Programs come from the exec-command registry; the ones that take time
 * (`sleep`, `tail -f`, `stress`, `yes`) are effects the caller carries out
 * on the virtual clock. The interpreter is a machine that stops at each
 * effect: a stack of frames over the parsed script, each plain data (its
 * position, its locals, its output sinks), so a waiting script can be saved
 * and resumed (`save()`, `Shell.resume`).
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

/**
 * Where output goes, as data: the shell's stdout or stderr, nowhere, the
 * capture of a pipeline stage or the buffer of a redirected file (each named
 * by its frame's place on the stack).
 */
export type ShellSink =
	| {to: 'out'}
	| {to: 'err'}
	| {to: 'null'}
	| {to: 'pipe'; frame: number}
	| {to: 'file'; frame: number; file: number};

const toOut: ShellSink = {to: 'out'};
const toErr: ShellSink = {to: 'err'};
const toNull: ShellSink = {to: 'null'};

type Sinks = {out: ShellSink; err: ShellSink; stdin: string};

/** A file a command's output is redirected to, written when the command ends. */
type RedirectFile = {path: string; append: boolean; text: string};

/**
 * One frame of the machine's stack: plain data. The AST node it runs is not
 * kept in it: it is the child its parent frame is running (the list item at
 * the parent's index, the pipeline stage at its index, the `if` clause in its
 * phase...), so re-parsing the script finds every node again. `i` is the
 * index of the child running, -1 (or -2 for and-or lists) before the first.
 */
export type ShellFrame =
	/** A list; `condition` for the condition of `if`, `while` and `until`, where `set -e` is ignored. */
	| {k: 'list'; i: number; status: number; condition: boolean}
	/** An and-or list: `i` is -1 while its first pipeline runs, then the index of the `&&`/`||` pipeline that ran last. */
	| {k: 'andOr'; i: number; status: number}
	/** A pipeline: the stage running, its input, its captured output, and the sinks to restore. */
	| {k: 'pipeline'; i: number; status: number; input: string; captured: string; out: ShellSink; stdin: string}
	| {k: 'if'; clause: number; phase: 'condition' | 'body' | 'otherwise'}
	| {k: 'for'; items: string[]; i: number; status: number}
	| {k: 'while'; phase: 'start' | 'condition' | 'body' | 'busy'; status: number}
	/** A simple command with its redirections' buffers, while its program runs. */
	| {k: 'simple'; phase: 'start' | 'argv'; files: RedirectFile[]}
	/**
	 * A program run from a simple command, an `exec` or directly: `phase` is
	 * `exec` while the program `exec` replaced the shell with runs, `wait`
	 * while it takes time, and `then` says what it does after: return a
	 * status, block, or write the answer of a command that took its time.
	 */
	| ArgvFrame;

type ArgvFrame = {
	k: 'argv';
	phase: 'start' | 'exec' | 'wait';
	argv: string[];
	assigns: Array<[string, string]>;
	sinks: Sinks;
	direct: boolean;
	external: boolean;
	pid: number;
	then?: {then: 'return'; status: number} | {then: 'block'} | {then: 'answer'; stdout?: string; stderr?: string; status: number};
};

type ListFrame = Extract<ShellFrame, {k: 'list'}>;
type PipelineFrame = Extract<ShellFrame, {k: 'pipeline'}>;
type SimpleFrame = Extract<ShellFrame, {k: 'simple'}>;

type Node = List | AndOr | Pipeline | Command | undefined;

/** What a run of the machine is: a script, one interactive line, or a program run directly. */
type Run = {
	mode: 'script' | 'line' | 'program';
	text: string;
	argv: string[];
	stdin: string;
	phase: 'start' | 'running' | 'done';
	stack: ShellFrame[];
	/** The AST node each frame runs (derived, not saved). */
	nodes: Node[];
	/** The status the frame last popped returned. */
	ret: number;
};

/** A suspended script or program as JSON-safe data, for `Shell.resume`. */
export type SavedShell = {
	mode: 'script' | 'program';
	/** The script's text (scripts) or argv and input (programs). */
	text: string;
	argv: string[];
	stdin: string;
	phase: 'start' | 'running' | 'done';
	/** The shell's state, its variables in the order they were set, and its `set -x` / `set -e` options. */
	shell: SavedShellState;
	ret: number;
	frames: ShellFrame[];
};

/** A shell's own state as data: its variables in the order they were set, its directory, last status, sinks and `set -x` / `set -e` options. */
export type SavedShellState = Omit<State, 'vars' | 'exported'> & {
	vars: Array<[string, string]>;
	exported: string[];
	xtrace: boolean;
	errexit: boolean;
	errexitIgnored: number;
};

/**
 * A running script or program: an iterator of the effects it asks for, as a
 * generator would give them, that can also be saved as data while it waits.
 */
/** The program name `waitOnTerminal` runs: no command line can spell it. */
const terminalRead = '\0terminal';

export class ShellProgram<R> implements Iterator<ShellEffect, R> {
	constructor(private readonly shell: Shell, private readonly run: Run) {}

	next(): IteratorResult<ShellEffect, R> {
		return this.shell.step(this.run) as IteratorResult<ShellEffect, R>;
	}

	[Symbol.iterator](): this {
		return this;
	}

	/** The script (or program), the shell's state and the machine's stack, as JSON-safe data. */
	save(): SavedShell {
		return this.shell.save(this.run);
	}
}

type State = {
	vars: Map<string, string>;
	exported: Set<string>;
	cwd: string;
	status: number;
	/** Simple commands run since virtual time last moved (a loop guard). */
	spin: number;
	out: ShellSink;
	err: ShellSink;
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
	 * and `!` pipelines, are checked where an and-or list ends.)
	 */
	private errexitIgnored = 0;

	constructor(private readonly io: ShellIo, env: Record<string, string>, cwd = '/') {
		this.state = {
			vars: new Map(Object.entries(env)),
			exported: new Set(Object.keys(env)),
			cwd,
			status: 0,
			spin: 0,
			out: toOut,
			err: toErr,
			stdin: '',
		};
	}

	/** A script or program saved by `save()`, going on from where it was with `io`. */
	static resume(io: ShellIo, saved: SavedShell): ShellProgram<number> {
		const shell = Shell.fromState(io, saved.shell);
		const run: Run = {mode: saved.mode, text: saved.text, argv: saved.argv, stdin: saved.stdin, phase: saved.phase, stack: structuredClone(saved.frames), nodes: [], ret: saved.ret};
		if (saved.phase === 'running') {
			let node: Node = saved.mode === 'program' ? undefined : parse(saved.text);
			for (const frame of run.stack) {
				if (node === undefined && frame.k !== 'argv') throw new Error(`saved shell frames do not match the script: no node for a ${frame.k} frame`);
				run.nodes.push(node);
				node = childNode(frame, node);
			}
		}
		return new ShellProgram(shell, run);
	}

	/**
	 * A shell with a state `saveState()` gave (an interactive shell between
	 * lines, whose next line runs as the saved one's would).
	 */
	static fromState(io: ShellIo, saved: SavedShellState): Shell {
		const shell = new Shell(io, {}, saved.cwd);
		const state = shell.state;
		for (const [key, value] of saved.vars) state.vars.set(key, value);
		for (const key of saved.exported) state.exported.add(key);
		state.status = saved.status;
		state.spin = saved.spin;
		state.out = saved.out;
		state.err = saved.err;
		state.stdin = saved.stdin;
		shell.xtrace = saved.xtrace;
		shell.errexit = saved.errexit;
		shell.errexitIgnored = saved.errexitIgnored;
		return shell;
	}

	/** The shell's own state as data, with no run in it (see `fromState`). */
	saveState(): SavedShellState {
		const state = this.state;
		return {
			vars: [...state.vars],
			exported: [...state.exported],
			cwd: state.cwd,
			status: state.status,
			spin: state.spin,
			out: state.out,
			err: state.err,
			stdin: state.stdin,
			xtrace: this.xtrace,
			errexit: this.errexit,
			errexitIgnored: this.errexitIgnored,
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
	script(text: string): ShellProgram<number> {
		return new ShellProgram(this, newRun('script', text, [], ''));
	}

	/**
	 * An interactive shell whose standard input is an open terminal nobody
	 * has typed into (a container with `stdin: true` running `sh`, as
	 * `kubectl run -it` makes): it waits to read, and so keeps running.
	 */
	waitOnTerminal(): ShellProgram<number> {
		return new ShellProgram(this, newRun('program', '', [terminalRead], ''));
	}

	/** Run a program directly (a container whose command is not a shell; an exec), with `stdin` as its input. */
	program(argv: string[], stdin = ''): ShellProgram<number> {
		return new ShellProgram(this, newRun('program', '', argv, stdin));
	}

	/**
	 * One line typed at an interactive shell, or a whole script: it runs in
	 * this shell, so `cd`, variables and exports carry over to the next line.
	 * `exited` is set when it ran `exit` (or `set -e` ended the shell); a
	 * syntax error is status 2.
	 */
	line(text: string): ShellProgram<{status: number; exited: boolean}> {
		return new ShellProgram(this, newRun('line', text, [], ''));
	}

	/** The working directory and a variable, for the prompt. */
	get cwd(): string {
		return this.state.cwd;
	}

	variable(name: string): string | undefined {
		return this.state.vars.get(name);
	}

	/** A run's state as data (see `SavedShell`). */
	save(run: Run): SavedShell {
		if (run.mode === 'line') throw new Error('an interactive line runs to its end and is not saved');
		return {
			mode: run.mode,
			text: run.text,
			argv: [...run.argv],
			stdin: run.stdin,
			phase: run.phase,
			shell: this.saveState(),
			ret: run.ret,
			frames: structuredClone(run.stack),
		};
	}

	/**
	 * The iterators' `next`: run until the next effect or the end. `exit`
	 * (and a failing command under `set -e`) unwinds the stack to the top,
	 * restoring what each frame changed, as does an error, which is thrown on.
	 */
	step(run: Run): IteratorResult<ShellEffect, number | {status: number; exited: boolean}> {
		if (run.phase === 'done') return {done: true, value: undefined as never};
		try {
			if (run.phase === 'start') {
				run.phase = 'running';
				if (run.mode === 'program') {
					this.pushArgv(run, run.argv, [], {out: this.state.out, err: this.state.err, stdin: run.stdin}, true);
				} else {
					let tree: List;
					try {
						tree = parse(run.text);
					} catch (error) {
						if (!(error instanceof ShellSyntaxError)) throw error;
						this.write(run, this.state.err, `sh: ${error.message}\n`);
						this.state.status = 2;
						run.phase = 'done';
						return {done: true, value: run.mode === 'line' ? {status: 2, exited: false} : 2};
					}
					this.pushList(run, tree, false);
				}
			}
			const effect = this.advance(run);
			if (effect) return {done: false, value: effect};
			run.phase = 'done';
			const status = run.ret;
			if (run.mode === 'program') return {done: true, value: status};
			this.state.status = status;
			return {done: true, value: run.mode === 'line' ? {status, exited: false} : status};
		} catch (error) {
			this.unwind(run);
			run.phase = 'done';
			if (!(error instanceof ShellExit)) throw error;
			return {done: true, value: run.mode === 'line' ? {status: error.code, exited: true} : error.code};
		}
	}

	/** Pop every frame, undoing what it changed in the shell's state. */
	private unwind(run: Run): void {
		const stack = run.stack;
		while (stack.length > 0) {
			const frame = stack.pop()!;
			run.nodes.pop();
			if (frame.k === 'list' && frame.condition) this.errexitIgnored--;
			else if (frame.k === 'pipeline' && frame.i >= 0) {
				this.state.out = frame.out;
				this.state.stdin = frame.stdin;
			}
		}
	}

	private pushList(run: Run, list: List, condition: boolean): void {
		if (condition) this.errexitIgnored++;
		run.stack.push({k: 'list', i: -1, status: 0, condition});
		run.nodes.push(list);
	}

	private pushCommand(run: Run, command: Command): void {
		switch (command.kind) {
			case 'simple':
				run.stack.push({k: 'simple', phase: 'start', files: []});
				break;
			case 'group':
				this.pushList(run, command.body, false);
				return;
			case 'if':
				run.stack.push({k: 'if', clause: -1, phase: 'condition'});
				break;
			case 'for':
				run.stack.push({k: 'for', items: [], i: -1, status: 0});
				break;
			case 'while':
				run.stack.push({k: 'while', phase: 'start', status: 0});
				break;
		}
		run.nodes.push(command);
	}

	private pushArgv(run: Run, argv: string[], assigns: Array<[string, string]>, sinks: Sinks, direct: boolean): void {
		run.stack.push({k: 'argv', phase: 'start', argv, assigns, sinks, direct, external: false, pid: this.io.pid});
		run.nodes.push(undefined);
	}

	/** Pop the top frame, which returns `status`. */
	private pop(run: Run, status: number): void {
		const frame = run.stack.pop()!;
		run.nodes.pop();
		if (frame.k === 'list' && frame.condition) this.errexitIgnored--;
		run.ret = status;
	}

	private write(run: Run, sink: ShellSink, text: string): void {
		switch (sink.to) {
			case 'out':
				this.io.out(text);
				return;
			case 'err':
				this.io.err(text);
				return;
			case 'null':
				return;
			case 'pipe':
				(run.stack[sink.frame] as PipelineFrame).captured += text;
				return;
			case 'file':
				(run.stack[sink.frame] as SimpleFrame).files[sink.file]!.text += text;
		}
	}

	/** Run the top frames until one asks for an effect (returned) or the stack is empty (undefined). */
	private advance(run: Run): ShellEffect | undefined {
		const stack = run.stack;
		const nodes = run.nodes;
		const state = this.state;
		for (;;) {
			const depth = stack.length - 1;
			if (depth < 0) return undefined;
			const frame = stack[depth]!;
			switch (frame.k) {
				case 'list': {
					const list = nodes[depth] as List;
					if (frame.i >= 0) frame.status = run.ret;
					if (++frame.i < list.length) {
						run.stack.push({k: 'andOr', i: -2, status: 0});
						nodes.push(list[frame.i]);
					} else {
						this.pop(run, frame.status);
					}
					continue;
				}
				case 'andOr': {
					const item = nodes[depth] as AndOr;
					if (frame.i === -2) {
						frame.i = -1;
						this.pushPipeline(run, item.first);
						continue;
					}
					const status = run.ret;
					frame.status = status;
					const rest = item.rest;
					let next = frame.i + 1;
					while (next < rest.length && (rest[next]!.op === '&&') !== (status === 0)) next++;
					if (next < rest.length) {
						frame.i = next;
						this.pushPipeline(run, rest[next]!.pipeline);
						continue;
					}
					// `set -e` applies to the pipeline after the final && or || only, not to a `!` pipeline,
					// and not to a compound command whose status comes from a failure that -e ignored.
					const last = frame.i < 0 ? item.first : rest[frame.i]!.pipeline;
					const ranLast = frame.i === rest.length - 1;
					const simple = last.commands.at(-1)?.kind === 'simple';
					if (status !== 0 && this.errexit && this.errexitIgnored === 0 && ranLast && !last.negate && simple) throw new ShellExit(status);
					this.pop(run, status);
					continue;
				}
				case 'pipeline': {
					const pipeline = nodes[depth] as Pipeline;
					if (frame.i < 0) {
						frame.input = state.stdin;
						frame.out = state.out;
						frame.stdin = state.stdin;
					} else {
						frame.status = run.ret;
						frame.input = frame.captured;
					}
					if (++frame.i < pipeline.commands.length) {
						frame.captured = '';
						state.stdin = frame.input;
						state.out = frame.i === pipeline.commands.length - 1 ? frame.out : {to: 'pipe', frame: depth};
						this.pushCommand(run, pipeline.commands[frame.i]!);
						continue;
					}
					state.out = frame.out;
					state.stdin = frame.stdin;
					const status = pipeline.negate ? (frame.status === 0 ? 1 : 0) : frame.status;
					state.status = status;
					this.pop(run, status);
					continue;
				}
				case 'if': {
					const command = nodes[depth] as If;
					if (frame.phase !== 'condition') {
						this.pop(run, run.ret);
						continue;
					}
					if (frame.clause >= 0 && run.ret === 0) {
						frame.phase = 'body';
						this.pushList(run, command.clauses[frame.clause]!.body, false);
					} else if (++frame.clause < command.clauses.length) {
						this.pushList(run, command.clauses[frame.clause]!.condition, true);
					} else if (command.otherwise) {
						frame.phase = 'otherwise';
						this.pushList(run, command.otherwise, false);
					} else {
						this.pop(run, 0);
					}
					continue;
				}
				case 'for': {
					const command = nodes[depth] as For;
					if (frame.i < 0) frame.items = command.items.length > 0 ? this.expandWords(command.items) : [];
					else frame.status = run.ret;
					if (++frame.i < frame.items.length) {
						state.vars.set(command.name, frame.items[frame.i]!);
						this.pushList(run, command.body, false);
					} else {
						this.pop(run, frame.status);
					}
					continue;
				}
				case 'while': {
					const command = nodes[depth] as Loop;
					switch (frame.phase) {
						case 'condition':
							if ((run.ret === 0) === command.until) {
								this.pop(run, frame.status);
								continue;
							}
							frame.phase = 'body';
							this.pushList(run, command.body, false);
							continue;
						case 'body':
							frame.status = run.ret;
							if (state.spin > spinLimit) {
								if (this.io.exec) throw new ShellExit(124);
								frame.phase = 'busy';
								return {kind: 'busy'};
							}
							break;
						case 'busy':
							state.spin = 0;
							break;
						case 'start':
							break;
					}
					frame.phase = 'condition';
					this.pushList(run, command.condition, true);
					continue;
				}
				case 'simple':
					if (frame.phase === 'start') {
						this.simple(run, frame, nodes[depth] as Simple, depth);
						continue;
					}
					for (const file of frame.files) {
						if (file.text) this.io.base.fs.write(file.path, file.text, {append: true});
					}
					this.pop(run, run.ret);
					continue;
				case 'argv': {
					if (frame.phase === 'exec') throw new ShellExit(run.ret);
					const result = frame.phase === 'start' ? this.simpleArgv(run, frame) : this.afterWait(run, frame);
					if (typeof result !== 'number') return result;
					// `exec` pushed the program that replaces the shell.
					if (stack.length - 1 !== depth) continue;
					this.pop(run, result);
					continue;
				}
			}
		}
	}

	private pushPipeline(run: Run, pipeline: Pipeline): void {
		run.stack.push({k: 'pipeline', i: -1, status: 0, input: '', captured: '', out: toOut, stdin: ''});
		run.nodes.push(pipeline);
	}

	/** A simple command: assignments alone, or redirections opened and its program pushed. */
	private simple(run: Run, frame: SimpleFrame, command: Simple, depth: number): void {
		const argv = this.expandWords(command.words);
		const assigns = command.assigns.map(([name, word]) => [name, this.expandWord(word, false).join('')] as [string, string]);
		if (argv.length === 0) {
			for (const [name, value] of assigns) this.state.vars.set(name, value);
			this.pop(run, 0);
			return;
		}
		// Redirections: collect the command's output, then write it to the file.
		let out = this.state.out;
		let err = this.state.err;
		let stdin = this.state.stdin;
		const files = frame.files;
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
			// A here-document: its body, expanded, is the command's input.
			if (redirect.op === '<<') {
				stdin = target;
				continue;
			}
			// A here-string: the word, expanded, and a newline.
			if (redirect.op === '<<<') {
				stdin = `${target}\n`;
				continue;
			}
			if (redirect.op === '<') {
				const path = normalizePath(target, this.state.cwd);
				const content = this.io.base.fs.read(path);
				if (content === undefined) {
					this.write(run, this.state.err, `sh: can't open '${target}': No such file or directory\n`);
					this.pop(run, 1);
					return;
				}
				stdin = content;
				continue;
			}
			if (target === '/dev/null') {
				if (redirect.op === '2>') err = toNull;
				else if (redirect.op === '&>') out = err = toNull;
				else out = toNull;
				continue;
			}
			if (target === '/dev/stdout' || target === '/proc/1/fd/1') continue;
			if (target === '/dev/stderr' || target === '/proc/1/fd/2') {
				if (redirect.op !== '2>') out = this.state.err;
				continue;
			}
			files.push({path: normalizePath(target, this.state.cwd), append: redirect.op === '>>', text: ''});
			const sink: ShellSink = {to: 'file', frame: depth, file: files.length - 1};
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
				this.write(run, this.state.err, `sh: can't create ${file.path}: ${error.reason}\n`);
				this.pop(run, 1);
				return;
			}
		}
		frame.phase = 'argv';
		this.pushArgv(run, argv, assigns, {out, err, stdin}, false);
	}

	/**
	 * A program's start: a builtin runs here; `exec` pushes the program that
	 * replaces the shell; anything else is traced as a child and run. Returns
	 * its status, or the effect it waits on.
	 */
	private simpleArgv(run: Run, frame: ArgvFrame): number | ShellEffect {
		const state = this.state;
		const io = this.io;
		const {argv, assigns, sinks, direct} = frame;
		const [name = '', ...args] = argv;
		if (this.xtrace) this.write(run, sinks.err, `+ ${argv.map(a => /[\s'"$]/.test(a) || a === '' ? `'${a}'` : a).join(' ')}\n`);
		if (name === terminalRead && argv.length === 1) {
			// The shell waits for its first line on a terminal nobody typed into yet.
			io.trace(io.pid, 'read', '0, ', '?');
			frame.then = {then: 'return', status: 0};
			return {kind: 'block'};
		}
		const program = name.slice(name.lastIndexOf('/') + 1);
		state.spin++;
		switch (program) {
			case 'cd': {
				const target = normalizePath(args[0] ?? state.vars.get('HOME') ?? '/', state.cwd);
				if (io.base.fs.stat(target)?.type !== 'dir') {
					this.write(run, sinks.err, `sh: cd: can't cd to ${args[0]}: No such file or directory\n`);
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
					this.write(run, sinks.err, `sh: exit: Illegal number: ${args[0]}\n`);
					throw new ShellExit(2);
				}
				throw new ShellExit(((code % 256) + 256) % 256);
			}
			case 'exec':
				if (args.length === 0) return 0;
				frame.phase = 'exec';
				this.pushArgv(run, args, assigns, sinks, true);
				return 0;
			case '[[': {
				const end = args.lastIndexOf(']]');
				if (end < 0) {
					this.write(run, sinks.err, "sh: syntax error: missing ']]'\n");
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
		frame.external = external;
		frame.pid = pid;
		const result = this.run(run, frame, program, argv, env, sinks, pid);
		if (typeof result !== 'number') {
			frame.phase = 'wait';
			return result;
		}
		return this.exited(frame, result);
	}

	/** A program run from the shell has ended with `status`. */
	private exited(frame: ArgvFrame, status: number): number {
		const io = this.io;
		if (frame.external && !frame.direct) {
			io.trace(frame.pid, 'exit_group', String(status), '?');
			io.trace(io.pid, 'wait4', `-1, [{WIFEXITED(s) && WEXITSTATUS(s) == ${status}}], 0, NULL`, frame.pid);
		}
		this.state.status = status;
		return status;
	}

	/** A program that took its time goes on as its frame's `then` says. */
	private afterWait(run: Run, frame: ArgvFrame): number | ShellEffect {
		const then = frame.then!;
		switch (then.then) {
			case 'return':
				return this.exited(frame, then.status);
			case 'block':
				return this.block(frame, frame.pid);
			case 'answer':
				if (then.stdout) this.write(run, frame.sinks.out, then.stdout);
				if (then.stderr) this.write(run, frame.sinks.err, then.stderr);
				return this.exited(frame, then.status);
		}
	}

	/** Programs that take time are effects; the rest come from the registry. */
	private run(run: Run, frame: ArgvFrame, program: string, argv: string[], env: Record<string, string>, sinks: Sinks, pid: number): number | ShellEffect {
		const io = this.io;
		const args = argv.slice(1);
		if (program === 'sleep') {
			if (args.length === 0) {
				this.write(run, sinks.err, 'sleep: missing operand\n');
				return 1;
			}
			let total = 0;
			for (const arg of args) {
				const ms = sleepMs(arg);
				if (ms === undefined) {
					this.write(run, sinks.err, `sleep: invalid number '${arg}'\n`);
					return 1;
				}
				total += ms;
			}
			if (total === Number.POSITIVE_INFINITY) return this.block(frame, pid);
			io.trace(pid, 'nanosleep', `{tv_sec=${Math.floor(total / 1000)}, tv_nsec=${(total % 1000) * 1_000_000}}, NULL`, 0);
			if (!io.exec && total > 0) {
				this.state.spin = 0;
				frame.then = {then: 'return', status: 0};
				return {kind: 'sleep', ms: total};
			}
			return 0;
		}
		if (program === 'tail' && (args.includes('-f') || args.includes('-F')) && !args.includes('/dev/zero')) {
			return this.block(frame, pid);
		}
		if ((program === 'tail' || program === 'cat') && args.includes('/dev/zero')) {
			io.trace(pid, 'openat', 'AT_FDCWD, "/dev/zero", O_RDONLY', 3);
			if (io.exec) throw new ShellExit(124);
			frame.then = {then: 'return', status: 137};
			return {kind: 'alloc', bytes: Number.POSITIVE_INFINITY, grow: true};
		}
		if ((program === 'ncat' || program === 'nc') && (args.includes('--listen') || args.includes('-l') || args.includes('-lk'))) {
			io.trace(pid, 'listen', '3, 10', 0);
			return this.block(frame, pid);
		}
		if (program === 'yes') {
			if (io.exec) throw new ShellExit(124);
			frame.then = {then: 'return', status: 0};
			return {kind: 'busy'};
		}
		if (program === 'stress') {
			const bytesFlag = args.indexOf('--vm-bytes');
			const bytes = bytesFlag >= 0 ? parseQuantity((args[bytesFlag + 1] ?? '').replace(/([KMG])$/, '$1i')) : 256 * 2 ** 20;
			if (bytes === undefined) {
				this.write(run, sinks.err, `stress: FAIL: [1] (${args[bytesFlag + 1]}) invalid --vm-bytes\n`);
				return 1;
			}
			this.write(run, sinks.out, `stress: info: [${pid}] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n`);
			io.trace(pid, 'mmap', `NULL, ${Math.round(bytes)}, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0`, '0x7f3a00000000');
			if (io.exec) throw new ShellExit(124);
			frame.then = {then: 'block'};
			return {kind: 'alloc', bytes, grow: false};
		}
		const handler = execCommand(program);
		if (!handler) {
			this.write(run, sinks.err, `sh: ${argv[0]}: not found\n`);
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
			frame.then = {then: 'answer', stdout: result.stdout, stderr: result.stderr, status: result.exitCode ?? 0};
			return {kind: 'sleep', ms: result.delayMs};
		}
		if (result.stdout) this.write(run, sinks.out, result.stdout);
		if (result.stderr) this.write(run, sinks.err, result.stderr);
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
			const pattern = fnmatchRegex(args[2]!);
			return pattern.test(args[0]!) === (args[1] !== '!=');
		}
		const handler = execCommand('test');
		const result = handler?.({...this.io.base, argv: ['test', ...args], env: {}, cwd: this.state.cwd, stdin: '', now: this.io.now(), trace: () => {}});
		return (result?.exitCode ?? 1) === 0;
	}

	private block(frame: ArgvFrame, pid: number): ShellEffect {
		if (this.io.exec) throw new ShellExit(124);
		this.io.trace(pid, 'pause', '', '?');
		frame.then = {then: 'return', status: 0};
		return {kind: 'block'};
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
		const sub = new Shell({...this.io, exec: true, out: text => {
			captured += text;
		}}, this.environment([]), this.state.cwd);
		for (const [key, value] of this.state.vars) sub.state.vars.set(key, value);
		const program = sub.script(script);
		for (let step = program.next(); !step.done; step = program.next()) {
			// effects inside a substitution take no time
		}
		return captured;
	}

	/** `$((i + 1))`: integers, variables, + - * / % and comparisons. */
	private arithmetic(expression: string): string {
		const substituted = expression.replace(/\$?([A-Za-z_]\w*)/g, (_, name: string) => String(Number.parseInt(this.state.vars.get(name) ?? '0', 10) || 0));
		if (!/^[\d\s+\-*/%()<>=!]*$/.test(substituted)) {
			this.io.err('sh: arithmetic syntax error\n');
			return '0';
		}
		try {
			const value = Function(`"use strict"; return (${substituted.trim() || '0'});`)() as number | boolean;
			return String(typeof value === 'boolean' ? Number(value) : Math.trunc(value));
		} catch {
			this.io.err('sh: arithmetic syntax error\n');
			return '0';
		}
	}
}

/** A run of `mode` not started yet. */
function newRun(mode: Run['mode'], text: string, argv: string[], stdin: string): Run {
	return {mode, text, argv, stdin, phase: 'start', stack: [], nodes: [], ret: 0};
}

/** The node the child of `frame` (running `node`) runs: how a resumed stack finds its nodes in the re-parsed script. */
function childNode(frame: ShellFrame, node: Node): Node {
	switch (frame.k) {
		case 'list':
			return (node as List)[frame.i];
		case 'andOr':
			return frame.i < 0 ? (node as AndOr).first : (node as AndOr).rest[frame.i]!.pipeline;
		case 'pipeline': {
			const command = (node as Pipeline).commands[frame.i]!;
			return command.kind === 'group' ? command.body : command;
		}
		case 'if': {
			const command = node as If;
			if (frame.phase === 'otherwise') return command.otherwise;
			const clause = command.clauses[frame.clause]!;
			return frame.phase === 'body' ? clause.body : clause.condition;
		}
		case 'for':
			return (node as For).body;
		case 'while':
			return frame.phase === 'body' ? (node as Loop).body : (node as Loop).condition;
		case 'simple':
		case 'argv':
			return undefined;
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
	const program = shell.script(invocation.script ?? context.stdin);
	let step = program.next();
	while (!step.done) step = program.next();
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
