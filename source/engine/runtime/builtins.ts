import type {ExecContext, ExecHandler, ExecOutput} from './commands.js';
import {processIdentity} from './identity.js';
import {FsError, MountedFs, normalizePath} from './filetree.js';
import {quoteBuffer} from './syscalls.js';
import {fnmatchRegex} from './fnmatch.js';

/**
 * The userland programs every image with a shell has (coreutils and
 * busybox applets), as registry handlers. Outputs follow GNU coreutils.
 */

/** busybox and Alpine images have busybox's applets, where a few outputs differ from coreutils'. */
function busyboxUserland(context: ExecContext): boolean {
	const release = context.fs.read('/etc/os-release');
	return !release || /^ID=alpine$/m.test(release);
}

const ok = (stdout = ''): ExecOutput => ({stdout, exitCode: 0});
const fail = (program: string, message: string, exitCode = 1): ExecOutput => ({stderr: `${program}: ${message}\n`, exitCode});

/** Split argv into flags (single-letter, bundled) and operands; `--` ends flags. */
function parseFlags(args: readonly string[], withValue = ''): {flags: Map<string, string>; operands: string[]} {
	const flags = new Map<string, string>();
	const operands: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (arg === '--') {
			operands.push(...args.slice(i + 1));
			break;
		}
		if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
			for (let j = 1; j < arg.length; j++) {
				const flag = arg[j]!;
				if (withValue.includes(flag)) {
					const value = arg.slice(j + 1) || args[++i] || '';
					flags.set(flag, value);
					break;
				}
				flags.set(flag, '');
			}
		} else {
			operands.push(arg);
		}
	}
	return {flags, operands};
}

export function readFile(context: ExecContext, program: string, path: string): {content?: string; error?: ExecOutput} {
	if (path === '-') return {content: context.stdin};
	if (path === '/dev/null') return {content: ''};
	const full = normalizePath(path, context.cwd);
	const stat = context.fs.stat(full);
	if (!stat) {
		context.trace('openat', `AT_FDCWD, ${quoteBuffer(full, 64)}, O_RDONLY`, '-1 ENOENT (No such file or directory)');
		return {error: fail(program, `${path}: No such file or directory`)};
	}
	if (stat.type === 'dir') return {error: fail(program, `${path}: Is a directory`)};
	const content = context.fs.read(full) ?? '';
	context.trace('openat', `AT_FDCWD, ${quoteBuffer(full, 64)}, O_RDONLY`, 3);
	context.trace('read', `3, ${quoteBuffer(content)}, 131072`, Buffer.byteLength(content));
	context.trace('close', '3', 0);
	return {content};
}

export function writeOut(context: ExecContext, output: ExecOutput): ExecOutput {
	if (output.stdout) context.trace('write', `1, ${quoteBuffer(output.stdout)}, ${Buffer.byteLength(output.stdout)}`, Buffer.byteLength(output.stdout));
	if (output.stderr) context.trace('write', `2, ${quoteBuffer(output.stderr)}, ${Buffer.byteLength(output.stderr)}`, Buffer.byteLength(output.stderr));
	return output;
}

function lines(text: string): string[] {
	if (text === '') return [];
	const out = text.split('\n');
	if (out[out.length - 1] === '') out.pop();
	return out;
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `date`'s default format: `Fri Nov 27 17:40:31 UTC 2026`. */
export function formatDate(ms: number): string {
	const d = new Date(ms);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${weekdays[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * `ls -l`'s time column, from a file's mtime seen at `now` (UTC). GNU
 * coreutils: `Mon dd HH:MM` when the time lies in the last half Gregorian
 * year (15,778,476 s), else `Mon dd  YYYY` (a future time shows its year).
 * BusyBox (`busybox`: its ls, in busybox and Alpine images): recent means
 * younger than 182.5 days and at most 15 minutes ahead.
 */
export function lsTime(mtime: number, now: number, flavour: 'coreutils' | 'busybox' = 'coreutils'): string {
	const age = now - mtime;
	const recent = flavour === 'busybox'
		? age < 182.5 * 86_400_000 && age > -15 * 60_000
		: age < 15_778_476_000 && age >= 0;
	const date = new Date(mtime);
	const day = `${months[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2)}`;
	if (recent) return `${day} ${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
	return `${day} ${String(date.getUTCFullYear()).padStart(5)}`;
}

/** Which ls the container has: GNU coreutils where /etc/os-release names Debian or Ubuntu, else BusyBox's. */
function lsFlavour(fs: ExecContext['fs']): 'coreutils' | 'busybox' {
	const id = /^ID=(.*)$/m.exec(fs.read('/etc/os-release') ?? '')?.[1]?.replace(/"/g, '');
	return id === 'debian' || id === 'ubuntu' ? 'coreutils' : 'busybox';
}

function modeString(type: 'file' | 'dir', mode: number): string {
	let out = type === 'dir' ? 'd' : '-';
	for (let shift = 6; shift >= 0; shift -= 3) {
		const bits = (mode >> shift) & 7;
		out += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
	}
	return out;
}

function test(args: string[], context: ExecContext): boolean {
	if (args.length === 0) return false;
	if (args[0] === '!') return !test(args.slice(1), context);
	if (args.length === 1) return args[0] !== '';
	if (args.length === 2) {
		const [op, value] = args as [string, string];
		const stat = context.fs.stat(normalizePath(value, context.cwd));
		switch (op) {
			case '-z': return value === '';
			case '-n': return value !== '';
			case '-e': return stat !== undefined;
			case '-f': return stat?.type === 'file';
			case '-d': return stat?.type === 'dir';
			case '-s': return (stat?.size ?? 0) > 0;
			case '-r': case '-w': case '-x': return stat !== undefined;
			default: return false;
		}
	}
	const [left, op, right] = args as [string, string, string];
	switch (op) {
		case '=': case '==': return left === right;
		case '!=': return left !== right;
		case '-eq': return Number(left) === Number(right);
		case '-ne': return Number(left) !== Number(right);
		case '-lt': return Number(left) < Number(right);
		case '-le': return Number(left) <= Number(right);
		case '-gt': return Number(left) > Number(right);
		case '-ge': return Number(left) >= Number(right);
		default: return false;
	}
}

const handlers: Record<string, ExecHandler> = {
	true: () => ok(),
	false: () => ({exitCode: 1}),
	':': () => ok(),
	echo(context) {
		let args = context.argv.slice(1);
		let newline = true;
		let escapes = false;
		while (args[0] && /^-[neE]+$/.test(args[0])) {
			if (args[0].includes('n')) newline = false;
			if (args[0].includes('e')) escapes = true;
			args = args.slice(1);
		}
		let text = args.join(' ');
		if (escapes) text = text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
		return writeOut(context, ok(text + (newline ? '\n' : '')));
	},
	printf(context) {
		const [format = '', ...values] = context.argv.slice(1);
		let index = 0;
		const text = format
			.replace(/%([sd%])/g, (_, spec: string) => spec === '%' ? '%' : spec === 'd' ? String(Math.trunc(Number(values[index++] ?? 0))) : values[index++] ?? '')
			.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
		return writeOut(context, ok(text));
	},
	cat(context) {
		const files = context.argv.slice(1).filter(a => a !== '-u');
		if (files.length === 0) return writeOut(context, ok(context.stdin));
		let stdout = '';
		let stderr = '';
		for (const file of files) {
			const {content, error} = readFile(context, 'cat', file);
			if (error) stderr += error.stderr;
			else stdout += content;
		}
		return writeOut(context, {stdout, stderr, exitCode: stderr ? 1 : 0});
	},
	ls(context) {
		const {flags, operands} = parseFlags(context.argv.slice(1));
		const all = flags.has('a');
		const long = flags.has('l');
		const recursive = flags.has('R');
		const targets = operands.length > 0 ? operands : ['.'];
		let stdout = '';
		let stderr = '';
		const flavour = long ? lsFlavour(context.fs) : 'coreutils';
		const entryLine = (name: string, full: string) => {
			if (!long) return `${name}\n`;
			// A directory only a mount makes (the image lacks it) has no entry: dated now.
			const stat = context.fs.stat(full);
			const when = lsTime(stat?.mtime ?? context.now, context.now, flavour);
			return `${modeString(stat?.type ?? 'file', stat?.mode ?? 0o644)} 1 root root ${String(stat?.size ?? 0).padStart(5)} ${when} ${name}\n`;
		};
		for (const target of targets) {
			const full = normalizePath(target, context.cwd);
			const stat = context.fs.stat(full) ?? (context.fs.exists(full) ? {type: 'dir' as const} : undefined);
			if (!stat) {
				stderr += `ls: cannot access '${target}': No such file or directory\n`;
				continue;
			}
			if (stat.type === 'file') {
				stdout += entryLine(target, full);
				continue;
			}
			// -R: the directory, then each subdirectory under it, depth first, each under its own heading.
			const sections: Array<[label: string, path: string]> = [[target, full]];
			while (sections.length > 0) {
				const [label, dir] = sections.shift()!;
				if (targets.length > 1 || recursive) stdout += `${stdout ? '\n' : ''}${label}:\n`;
				context.trace('openat', `AT_FDCWD, ${quoteBuffer(dir, 64)}, O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY`, 3);
				const names = context.fs.list(dir) ?? [];
				context.trace('getdents64', `3, 0x7ffd0000 /* ${names.length + 2} entries */, 32768`, (names.length + 2) * 24);
				context.trace('close', '3', 0);
				const shown = all ? ['.', '..', ...names] : names.filter(n => !n.startsWith('.'));
				if (long) stdout += `total ${shown.length * 4}\n`;
				const below: Array<[string, string]> = [];
				for (const name of shown) {
					const path = `${dir === '/' ? '' : dir}/${name}`;
					stdout += entryLine(name, path);
					if (recursive && name !== '.' && name !== '..' && context.fs.stat(path)?.type === 'dir') below.push([`${label === '/' ? '' : label.replace(/\/$/, '')}/${name}`, path]);
				}
				sections.unshift(...below);
			}
		}
		return writeOut(context, {stdout, stderr, exitCode: stderr ? 2 : 0});
	},
	find(context) {
		// GNU find's common subset: starting points, then -name, -iname, -path, -type f|d, -maxdepth, -mindepth, -print.
		const args = context.argv.slice(1);
		const starts: string[] = [];
		while (args.length > 0 && !args[0]!.startsWith('-')) starts.push(args.shift()!);
		const tests: Array<(path: string, name: string, type: 'file' | 'dir') => boolean> = [];
		let maxDepth = Number.POSITIVE_INFINITY;
		let minDepth = 0;
		while (args.length > 0) {
			const predicate = args.shift()!;
			if (predicate === '-print') continue;
			const value = args.shift();
			if (!['-name', '-iname', '-path', '-type', '-maxdepth', '-mindepth'].includes(predicate)) return fail('find', `unknown predicate \`${predicate}'`);
			if (value === undefined) return fail('find', `missing argument to \`${predicate}'`);
			if (predicate === '-name' || predicate === '-iname') {
				const pattern = fnmatchRegex(value, {ignoreCase: predicate === '-iname'});
				tests.push((_path, name) => pattern.test(name));
			} else if (predicate === '-path') {
				const pattern = fnmatchRegex(value);
				tests.push(path => pattern.test(path));
			} else if (predicate === '-type') {
				if (value !== 'f' && value !== 'd') return fail('find', `Unknown argument to -type: ${value}`);
				tests.push((_path, _name, type) => type === (value === 'f' ? 'file' : 'dir'));
			} else {
				const depth = Number(value);
				if (!/^\d+$/.test(value)) return fail('find', `Expected a positive decimal integer argument to ${predicate}, but got \`${value}'`);
				if (predicate === '-maxdepth') maxDepth = depth;
				else minDepth = depth;
			}
		}
		let stdout = '';
		let stderr = '';
		const visit = (shown: string, full: string, depth: number) => {
			const stat = context.fs.stat(full);
			const type = stat?.type ?? 'dir';
			// -name reads the last part of the path, a starting point's too (`/etc/` is `etc`, `/` is `/`).
			const trimmed = shown.replace(/(.)\/+$/, '$1');
			const name = trimmed === '/' ? '/' : trimmed.slice(trimmed.lastIndexOf('/') + 1);
			if (depth >= minDepth && tests.every(test => test(shown, name, type))) stdout += `${shown}\n`;
			if (type !== 'dir' || depth >= maxDepth) return;
			for (const child of context.fs.list(full) ?? []) visit(`${shown === '/' ? '' : shown.replace(/\/$/, '')}/${child}`, `${full === '/' ? '' : full}/${child}`, depth + 1);
		};
		for (const start of starts.length > 0 ? starts : ['.']) {
			const full = normalizePath(start, context.cwd);
			if (!context.fs.exists(full)) {
				stderr += `find: '${start}': No such file or directory\n`;
				continue;
			}
			visit(start, full, 0);
		}
		return writeOut(context, {stdout, stderr, exitCode: stderr ? 1 : 0});
	},
	env(context) {
		if (context.argv.length > 1) return fail('env', `'${context.argv[1]}': No such file or directory`, 127);
		return writeOut(context, ok(Object.entries(context.env).map(([k, v]) => `${k}=${v}\n`).join('')));
	},
	printenv(context) {
		const names = context.argv.slice(1);
		if (names.length === 0) return writeOut(context, ok(Object.entries(context.env).map(([k, v]) => `${k}=${v}\n`).join('')));
		let stdout = '';
		let missing = false;
		for (const name of names) {
			if (name in context.env) stdout += `${context.env[name]}\n`;
			else missing = true;
		}
		return writeOut(context, {stdout, exitCode: missing ? 1 : 0});
	},
	date: context => writeOut(context, ok(`${formatDate(context.now)}\n`)),
	hostname(context) {
		context.trace('uname', `{sysname="Linux", nodename=${quoteBuffer(context.hostname)}, ...}`, 0);
		return writeOut(context, ok(`${context.hostname}\n`));
	},
	uname(context) {
		const {flags} = parseFlags(context.argv.slice(1));
		context.trace('uname', `{sysname="Linux", nodename=${quoteBuffer(context.hostname)}, ...}`, 0);
		const text = flags.has('a') ? `Linux ${context.hostname} 6.8.0-kubarium #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux` : flags.has('n') ? context.hostname : flags.has('r') ? '6.8.0-kubarium' : 'Linux';
		return writeOut(context, ok(`${text}\n`));
	},
	pwd: context => writeOut(context, ok(`${context.cwd}\n`)),
	whoami(context) {
		const identity = processIdentity(context.pod, context.container, context.fs);
		context.trace('geteuid', '', identity.uid);
		if (identity.userName === undefined) {
			return writeOut(context, {stderr: busyboxUserland(context) ? `whoami: unknown uid ${identity.uid}\n` : `whoami: cannot find name for user ID ${identity.uid}\n`, exitCode: 1});
		}
		return writeOut(context, ok(`${identity.userName}\n`));
	},
	id(context) {
		const identity = processIdentity(context.pod, context.container, context.fs);
		const {flags, operands} = parseFlags(context.argv.slice(1));
		if (operands.length > 0) return fail('id', `'${operands[0]}': no such user`);
		const named = (id: number, name: string | undefined) => (name === undefined ? String(id) : `${id}(${name})`);
		const group = (id: number) => named(id, identity.groupName(id));
		const byName = flags.has('n');
		if (flags.has('u')) {
			if (byName && identity.userName === undefined) return fail('id', `cannot find name for user ID ${identity.uid}`);
			return writeOut(context, ok(`${byName ? identity.userName : identity.uid}\n`));
		}
		if (flags.has('g')) return writeOut(context, ok(`${byName ? identity.groupName(identity.gid) ?? identity.gid : identity.gid}\n`));
		// GNU id puts the primary group first; busybox prints getgroups() as the kernel keeps it, sorted.
		const groups = busyboxUserland(context) ? [...identity.groups].sort((a, b) => a - b) : identity.groups;
		if (flags.has('G')) return writeOut(context, ok(`${groups.map(id => (byName ? identity.groupName(id) ?? id : id)).join(' ')}\n`));
		return writeOut(context, ok(`uid=${named(identity.uid, identity.userName)} gid=${group(identity.gid)} groups=${groups.map(group).join(',')}\n`));
	},
	nproc(context) {
		const limit = context.container.resources?.limits?.cpu;
		const cores = limit ? Math.max(1, Math.ceil(Number.parseFloat(limit) / (limit.endsWith('m') ? 1000 : 1))) : 4;
		return writeOut(context, ok(`${cores}\n`));
	},
	mkdir(context) {
		const {flags, operands} = parseFlags(context.argv.slice(1));
		if (operands.length === 0) return fail('mkdir', 'missing operand');
		for (const dir of operands) {
			const full = normalizePath(dir, context.cwd);
			try {
				context.fs.mkdir(full, {parents: flags.has('p')});
				context.trace('mkdirat', `AT_FDCWD, ${quoteBuffer(full, 64)}, 0777`, 0);
			} catch (error) {
				if (!(error instanceof FsError)) throw error;
				context.trace('mkdirat', `AT_FDCWD, ${quoteBuffer(full, 64)}, 0777`, `-1 ${error.code} (${error.reason})`);
				return fail('mkdir', `cannot create directory '${dir}': ${error.reason}`);
			}
		}
		return ok();
	},
	touch(context) {
		for (const file of context.argv.slice(1).filter(a => !a.startsWith('-'))) {
			const full = normalizePath(file, context.cwd);
			try {
				if (!context.fs.exists(full)) context.fs.write(full, '');
				context.trace('openat', `AT_FDCWD, ${quoteBuffer(full, 64)}, O_WRONLY|O_CREAT|O_NOCTTY|O_NONBLOCK, 0666`, 3);
			} catch (error) {
				if (!(error instanceof FsError)) throw error;
				return fail('touch', `cannot touch '${file}': ${error.reason}`);
			}
		}
		return ok();
	},
	rm(context) {
		const {flags, operands} = parseFlags(context.argv.slice(1));
		let stderr = '';
		for (const file of operands) {
			const full = normalizePath(file, context.cwd);
			const stat = context.fs.stat(full);
			if (!stat) {
				if (!flags.has('f')) stderr += `rm: cannot remove '${file}': No such file or directory\n`;
				continue;
			}
			if (stat.type === 'dir' && !flags.has('r') && !flags.has('R')) {
				stderr += `rm: cannot remove '${file}': Is a directory\n`;
				continue;
			}
			try {
				context.fs.remove(full, {recursive: true});
				context.trace('unlinkat', `AT_FDCWD, ${quoteBuffer(full, 64)}, ${stat.type === 'dir' ? 'AT_REMOVEDIR' : '0'}`, 0);
			} catch (error) {
				if (!(error instanceof FsError)) throw error;
				stderr += `rm: cannot remove '${file}': ${error.reason}\n`;
			}
		}
		return writeOut(context, {stderr, exitCode: stderr ? 1 : 0});
	},
	head: context => headTail(context, 'head'),
	tail: context => headTail(context, 'tail'),
	wc(context) {
		const {flags, operands} = parseFlags(context.argv.slice(1));
		const {content, error} = operands[0] ? readFile(context, 'wc', operands[0]) : {content: context.stdin};
		if (error) return error;
		const text = content ?? '';
		const counts = {l: (text.match(/\n/g) ?? []).length, w: text.split(/\s+/).filter(Boolean).length, c: Buffer.byteLength(text)};
		const chosen = (['l', 'w', 'c'] as const).filter(f => flags.has(f));
		const values = (chosen.length > 0 ? chosen : (['l', 'w', 'c'] as const)).map(f => counts[f]);
		return writeOut(context, ok(`${values.join(' ')}${operands[0] ? ` ${operands[0]}` : ''}\n`));
	},
	grep(context) {
		const {flags, operands} = parseFlags(context.argv.slice(1), 'e');
		const pattern = flags.get('e') ?? operands.shift();
		if (pattern === undefined) return fail('grep', 'no pattern given', 2);
		const {content, error} = operands[0] ? readFile(context, 'grep', operands[0]) : {content: context.stdin};
		if (error) return {...error, exitCode: 2};
		let matcher: RegExp;
		try {
			matcher = new RegExp(pattern, flags.has('i') ? 'i' : '');
		} catch {
			return fail('grep', `Invalid regular expression: ${pattern}`, 2);
		}
		const found = lines(content ?? '').filter(line => matcher.test(line) !== flags.has('v'));
		const stdout = flags.has('c') ? `${found.length}\n` : flags.has('q') ? '' : found.map(l => `${l}\n`).join('');
		return writeOut(context, {stdout, exitCode: found.length > 0 ? 0 : 1});
	},
	sort(context) {
		const {flags, operands} = parseFlags(context.argv.slice(1));
		const {content, error} = operands[0] ? readFile(context, 'sort', operands[0]) : {content: context.stdin};
		if (error) return error;
		const sorted = lines(content ?? '').sort(flags.has('n') ? (a, b) => Number.parseFloat(a) - Number.parseFloat(b) : undefined);
		if (flags.has('r')) sorted.reverse();
		return writeOut(context, ok(sorted.map(l => `${l}\n`).join('')));
	},
	seq(context) {
		const numbers = context.argv.slice(1).map(Number);
		if (numbers.length === 0 || numbers.some(n => !Number.isFinite(n))) return fail('seq', 'missing operand');
		const [first, step, last] = numbers.length === 1 ? [1, 1, numbers[0]!] : numbers.length === 2 ? [numbers[0]!, 1, numbers[1]!] : [numbers[0]!, numbers[1]!, numbers[2]!];
		let stdout = '';
		for (let n = first, count = 0; step > 0 ? n <= last : n >= last; n += step) {
			stdout += `${n}\n`;
			if (++count >= 100_000 || step === 0) break;
		}
		return writeOut(context, ok(stdout));
	},
	expr(context) {
		const [left, op, right] = context.argv.slice(1);
		if (op === undefined) return writeOut(context, {stdout: `${left ?? ''}\n`, exitCode: left && left !== '0' ? 0 : 1});
		const a = Number(left);
		const b = Number(right);
		if (!Number.isInteger(a) || !Number.isInteger(b)) return fail('expr', 'non-integer argument', 2);
		const value = {'+': a + b, '-': a - b, '*': a * b, '/': b === 0 ? Number.NaN : Math.trunc(a / b), '%': b === 0 ? Number.NaN : a % b,
			'<': Number(a < b), '<=': Number(a <= b), '>': Number(a > b), '>=': Number(a >= b), '=': Number(a === b), '!=': Number(a !== b)}[op];
		if (value === undefined) return fail('expr', 'syntax error', 2);
		if (Number.isNaN(value)) return fail('expr', 'division by zero', 2);
		return writeOut(context, {stdout: `${value}\n`, exitCode: value === 0 ? 1 : 0});
	},
	test(context) {
		return {exitCode: test(context.argv.slice(1), context) ? 0 : 1};
	},
	'['(context) {
		const args = context.argv.slice(1);
		if (args[args.length - 1] !== ']') return fail('[', "missing ']'", 2);
		return {exitCode: test(args.slice(0, -1), context) ? 0 : 1};
	},
	ps(context) {
		const rows = context.processes().map(p => `${String(p.pid).padStart(5)} ${p.user.padEnd(8)} ${p.command}\n`);
		return writeOut(context, ok(`  PID USER     COMMAND\n${rows.join('')}`));
	},
	mount(context) {
		const fs = context.fs;
		let stdout = 'overlay on / type overlay (rw,relatime,lowerdir=/var/lib/containerd/...)\nproc on /proc type proc (rw,nosuid,nodev,noexec,relatime)\ntmpfs on /dev type tmpfs (rw,nosuid,size=65536k,mode=755)\n';
		if (fs instanceof MountedFs) {
			for (const mount of [...fs.mounts].sort((a, b) => a.path.localeCompare(b.path))) {
				stdout += `${mount.fsType === 'tmpfs' ? 'tmpfs' : '/dev/sda1'} on ${mount.path} type ${mount.fsType} (${mount.readOnly ? 'ro' : 'rw'},relatime)\n`;
			}
		}
		return writeOut(context, ok(stdout));
	},
};

function headTail(context: ExecContext, program: 'head' | 'tail'): ExecOutput {
	const args = context.argv.slice(1).map(a => /^-\d+$/.test(a) ? `-n${a.slice(1)}` : a);
	const {flags, operands} = parseFlags(args, 'nc');
	const count = Number(flags.get('n') ?? 10);
	if (!Number.isInteger(count) || count < 0) return fail(program, `invalid number of lines: '${flags.get('n')}'`);
	const {content, error} = operands[0] ? readFile(context, program, operands[0]) : {content: context.stdin};
	if (error) return error;
	const all = lines(content ?? '');
	const chosen = program === 'head' ? all.slice(0, count) : all.slice(Math.max(0, all.length - count));
	return writeOut(context, ok(chosen.map(l => `${l}\n`).join('')));
}

/** The programs registered at start (see commands.ts). */
export const builtinCommands: Readonly<Record<string, ExecHandler>> = handlers;
