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

/** A burst kept as data and a recipe, spelled out on read (a served request's accept/recv/send). */
type Group = {at: number; count: number; expand: () => Syscall[]};
type Item = Syscall | Group;

const isGroup = (item: Item): item is Group => 'expand' in item;

/**
 * One process group's trace, bounded to `capacity` entries (the oldest go
 * first). A start-up burst and each served request are kept as recipes and
 * spelled out each time someone reads the trace (never stored), so ten
 * thousand containers cost a closure each rather than hundreds of entries,
 * and a busy server's ring holds closures rather than strings.
 */
export class Trace {
	private items: Array<Item | undefined> = [];
	private head = 0;
	/** Entries held (a group counts as its calls). */
	private held = 0;
	private total = 0;
	/** The start-up burst's spelling and what it reads (a module function and its record, not a closure per trace). */
	private prologue?: (owner: never) => Syscall[];
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

	/** Record `count` calls made at `at`, spelled out by `expand` only when read. */
	group(at: number, count: number, expand: () => Syscall[]): void {
		const time = at <= this.lastAt ? this.lastAt + 0.001 : at;
		this.lastAt = time + count * 0.001;
		this.push({at: time, count, expand}, count);
	}

	/**
	 * Keep the start-up burst as a recipe (replacing an earlier one): `spell`
	 * reads `owner` and is called on each read. A shared function over the
	 * owner's own fields costs nothing per trace, where a closure would hold a
	 * context and the values it captured.
	 */
	deferred<T>(spell: (owner: T) => Syscall[], owner: T): void {
		this.prologue = spell as (owner: never) => Syscall[];
		this.prologueOwner = owner;
	}

	/** Oldest first; the last `limit` entries when given. */
	entries(limit?: number): Syscall[] {
		let out: Syscall[] = this.prologue ? (this.prologue as (owner: unknown) => Syscall[])(this.prologueOwner) : [];
		for (let i = this.head; i < this.items.length; i++) {
			const item = this.items[i]!;
			if (isGroup(item)) out = out.concat(item.expand());
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
