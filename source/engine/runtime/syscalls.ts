import {flat} from '../memory.js';

/**
 * System-call traces, strace-like: every sandbox and container keeps a bounded
 * ring of the calls its processes (and runc on its behalf) made, each in one of
 * the five classic categories.
 */

export type SyscallCategory = 'process control' | 'file management' | 'device management' | 'information maintenance' | 'communications';

export const syscallCategories: readonly SyscallCategory[] = ['process control', 'file management', 'device management', 'information maintenance', 'communications'];

export type Syscall = {
	/** Virtual time, ms since the epoch (fractions give µs order within a burst). */
	at: number;
	/** Host pid of the calling process. */
	pid: number;
	name: string;
	/** Arguments as strace prints them, without the parentheses. */
	args: string;
	/** Return value: a number, or text such as `-1 ENOENT (No such file or directory)` or `?`. */
	ret: number | string;
	category: SyscallCategory;
};

/** Which category each system call belongs to. Unknown names count as process control. */
const categoryTable: Record<SyscallCategory, readonly string[]> = {
	'process control': ['clone', 'clone3', 'fork', 'vfork', 'execve', 'exit', 'exit_group', 'wait4', 'waitid', 'kill', 'tgkill', 'unshare', 'setns',
		'prctl', 'setsid', 'setuid', 'setgid', 'setresuid', 'setresgid', 'setgroups', 'capset', 'capget', 'prlimit64', 'seccomp', 'nanosleep',
		'clock_nanosleep', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'pause', 'brk', 'mmap', 'munmap', 'mprotect', 'futex', 'sched_yield', 'set_tid_address'],
	'file management': ['open', 'openat', 'read', 'write', 'writev', 'readv', 'pread64', 'pwrite64', 'close', 'mount', 'umount2', 'pivot_root', 'chdir', 'fchdir',
		'chroot', 'umask', 'dup2', 'dup3', 'mkdirat', 'mkdir', 'symlinkat', 'unlinkat', 'renameat2', 'statfs', 'fstat', 'newfstatat', 'stat', 'lstat', 'getdents64',
		'lseek', 'fsync', 'fdatasync', 'fcntl', 'sendfile', 'ftruncate', 'fchmod', 'fchown', 'mount_setattr', 'open_tree', 'move_mount', 'access', 'faccessat2', 'readlinkat'],
	'device management': ['ioctl', 'mknodat', 'mknod'],
	'information maintenance': ['sethostname', 'setdomainname', 'gethostname', 'uname', 'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid',
		'keyctl', 'clock_gettime', 'gettimeofday', 'time', 'sysinfo', 'getrusage', 'getrandom', 'times'],
	communications: ['socket', 'socketpair', 'bind', 'listen', 'accept', 'accept4', 'connect', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'shutdown',
		'setsockopt', 'getsockopt', 'getsockname', 'getpeername', 'pipe2', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait', 'poll', 'select', 'pselect6'],
};

const categoryByName = new Map<string, SyscallCategory>();
for (const [category, names] of Object.entries(categoryTable) as Array<[SyscallCategory, readonly string[]]>) {
	for (const name of names) categoryByName.set(name, category);
}

export function categoryOf(name: string): SyscallCategory {
	return categoryByName.get(name) ?? 'process control';
}

/** Entries one container keeps; older ones are dropped. */
export const containerTraceCapacity = 2000;
/** Entries one pod sandbox (pause, CNI) keeps. */
export const sandboxTraceCapacity = 500;

/**
 * How a trace spells out on read what it keeps as a recipe (a served
 * request's calls, a start-up burst): by name, so a trace holds a spelling's
 * name and its input, which are data, rather than a closure.
 */
export type Spelling<I> = {readonly name: string; readonly spell: (input: I) => Syscall[]};

const spellings = new Map<string, Spelling<any>>();

/** A spelling, by a name no other spelling has. */
export function spelling<I>(name: string, spell: (input: I) => Syscall[]): Spelling<I> {
	if (spellings.has(name)) throw new Error(`spelling ${name} is already defined`);
	const defined: Spelling<I> = {name, spell};
	spellings.set(name, defined);
	return defined;
}

/** A burst kept as its spelling and input, spelled out on read (a served request's accept/recv/send). */
type Group = {at: number; count: number; spelling: Spelling<any>; input: unknown};
type Item = Syscall | Group;

const isGroup = (item: Item): item is Group => 'spelling' in item;

/** A burst as a saved trace has it: its spelling by name, its input as the saver wrote it. */
export type SavedGroup = {at: number; count: number; spelling: string; input: unknown};

/**
 * A trace as data: its calls and kept bursts oldest first, how many it has
 * held in all, the time of its last call, and its start-up recipe by
 * spelling (its input is the trace's owner, which the loader gives back).
 */
export type SavedTrace = {capacity: number; total: number; lastAt: number; prologue?: string; items: Array<Syscall | SavedGroup>};

/** How a saver writes a burst's input, and a loader reads it back (a server's behaviour by its image, say). */
export type GroupCodec = {
	encode?: (spelling: string, input: unknown) => unknown;
	decode?: (spelling: string, input: unknown) => unknown;
};

/**
 * One process group's trace, bounded to `capacity` entries (the oldest go
 * first). A start-up burst and each served request are kept as recipes and
 * spelled out each time someone reads the trace (never stored), so ten
 * thousand containers cost a recipe each rather than hundreds of entries,
 * and a busy server's ring holds recipes rather than strings.
 */
export class Trace {
	private items: Array<Item | undefined> = [];
	private head = 0;
	/** Entries held (a group counts as its calls). */
	private held = 0;
	private total = 0;
	/** The start-up burst's spelling and what it reads (its owner: a shared spelling, not a closure per trace). */
	private prologue?: Spelling<any>;
	private prologueOwner: unknown;
	/** Micro-steps within the same ms keep calls in order. */
	private lastAt = 0;

	constructor(readonly capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`trace capacity must be a positive integer, got ${capacity}`);
	}

	/** Record one call at virtual time `at`. */
	emit(at: number, pid: number, name: string, args: string, ret: number | string): void {
		const time = at <= this.lastAt ? this.lastAt + 0.001 : at;
		this.lastAt = time;
		this.push({at: time, pid, name, args: flat(args), ret, category: categoryOf(name)}, 1);
	}

	/** Record `count` calls made at `at`, spelled out by `spelling` from `input` only when read. */
	group<I>(at: number, count: number, spelling: Spelling<I>, input: I): void {
		const time = at <= this.lastAt ? this.lastAt + 0.001 : at;
		this.lastAt = time + count * 0.001;
		this.push({at: time, count, spelling, input}, count);
	}

	/**
	 * Keep the start-up burst as a recipe (replacing an earlier one): its
	 * spelling reads `owner` and runs on each read. A shared spelling over the
	 * owner's own fields costs nothing per trace, where a closure would hold a
	 * context and the values it captured.
	 */
	deferred<T>(spelling: Spelling<T>, owner: T): void {
		this.prologue = spelling;
		this.prologueOwner = owner;
	}

	/** Oldest first; the last `limit` entries when given. */
	entries(limit?: number): Syscall[] {
		let out: Syscall[] = this.prologue ? this.prologue.spell(this.prologueOwner) : [];
		for (let i = this.head; i < this.items.length; i++) {
			const item = this.items[i]!;
			if (isGroup(item)) out = out.concat(item.spelling.spell(item.input));
			else out.push(item);
		}
		// Calls made while the recipe's later steps were still ahead (a server binding its port) interleave by time.
		if (this.prologue) out.sort((a, b) => a.at - b.at);
		if (out.length > this.capacity) out = out.slice(out.length - this.capacity);
		return limit === undefined || limit >= out.length ? out : out.slice(out.length - limit);
	}

	get length(): number {
		return this.prologue ? this.entries().length : this.held;
	}

	/** Calls dropped because the trace was full. */
	get dropped(): number {
		return this.total - this.held;
	}

	/** The trace as data; `codec.encode` writes each burst's input (as is without it). */
	save(codec: GroupCodec = {}): SavedTrace {
		const items: Array<Syscall | SavedGroup> = [];
		for (let i = this.head; i < this.items.length; i++) {
			const item = this.items[i]!;
			items.push(isGroup(item)
				? {at: item.at, count: item.count, spelling: item.spelling.name, input: codec.encode ? codec.encode(item.spelling.name, item.input) : item.input}
				: item);
		}
		return this.prologue
			? {capacity: this.capacity, total: this.total, lastAt: this.lastAt, prologue: this.prologue.name, items}
			: {capacity: this.capacity, total: this.total, lastAt: this.lastAt, items};
	}

	/**
	 * A trace from `save()`: it reads and goes on as the saved one. `owner` is
	 * what its start-up recipe reads (the sandbox or container the trace is
	 * of); `codec.decode` reads each burst's input back.
	 */
	static fromSaved(saved: SavedTrace, options: GroupCodec & {owner?: unknown} = {}): Trace {
		const trace = new Trace(saved.capacity);
		const named = (name: string) => {
			const found = spellings.get(name);
			if (!found) throw new Error(`trace: spelling ${name} is not defined`);
			return found;
		};
		let held = 0;
		for (const item of saved.items) {
			if ('spelling' in item) {
				trace.items.push({at: item.at, count: item.count, spelling: named(item.spelling), input: options.decode ? options.decode(item.spelling, item.input) : item.input});
				held += item.count;
			} else {
				trace.items.push({...item});
				held++;
			}
		}
		if (held > saved.capacity || saved.total < held) throw new Error(`trace: ${held} calls held of ${saved.total} in all, for a capacity of ${saved.capacity}`);
		trace.held = held;
		trace.total = saved.total;
		trace.lastAt = saved.lastAt;
		if (saved.prologue !== undefined) {
			trace.prologue = named(saved.prologue);
			trace.prologueOwner = options.owner;
		}
		return trace;
	}

	private push(item: Item, count: number): void {
		this.items.push(item);
		this.held += count;
		this.total += count;
		while (this.held > this.capacity && this.head < this.items.length) {
			const old = this.items[this.head]!;
			this.held -= isGroup(old) ? old.count : 1;
			this.items[this.head++] = undefined;
		}
		// The start-up burst is older than everything held: once the ring is full it is gone.
		if (this.prologue && this.held >= this.capacity) {
			this.prologue = undefined;
			this.prologueOwner = undefined;
		}
		if (this.head > 256 && this.head * 2 > this.items.length) {
			this.items = this.items.slice(this.head);
			this.head = 0;
		}
	}
}

/** Per-category counts of a list of calls. */
export function countByCategory(entries: readonly Syscall[]): Record<SyscallCategory, number> {
	const counts = Object.fromEntries(syscallCategories.map(c => [c, 0])) as Record<SyscallCategory, number>;
	for (const entry of entries) counts[entry.category]++;
	return counts;
}

/** strace -f -tt style: `[pid  4242] 12:00:01.000123 execve("/usr/sbin/nginx", ...) = 0`. */
export function formatSyscall(entry: Syscall): string {
	const date = new Date(Math.floor(entry.at));
	const micros = Math.round((entry.at - Math.floor(entry.at)) * 1000) + (Math.floor(entry.at) % 1000) * 1000;
	const time = `${date.toISOString().slice(11, 19)}.${String(Math.min(micros, 999_999)).padStart(6, '0')}`;
	return `[pid ${String(entry.pid).padStart(5)}] ${time} ${entry.name}(${entry.args}) = ${entry.ret}`;
}

/** strace's quoting of a buffer: `"hello\n"`, cut at 32 bytes with `...`. */
export function quoteBuffer(text: string, max = 32): string {
	const cut = text.length > max ? text.slice(0, max) : text;
	const escaped = cut.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
	return `"${escaped}"${text.length > max ? '...' : ''}`;
}
