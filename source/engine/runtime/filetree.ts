/**
 * Container filesystems, in memory. A `FileTree` maps absolute paths to files
 * and directories; a tree may sit over a shared, read-only lower tree (an
 * image layer) and copy on write, as overlayfs does. A container sees a
 * `MountedFs`: its root tree plus volume mounts (emptyDir, configMap, secret,
 * downward API, persistentVolumeClaim), each mount a tree of its own.
 *
 * PersistentVolumeClaim data comes from the storage layer through the
 * `volumeProvider` service:
 *
 * ```ts
 * context.services.volumeProvider = {
 *   treeForClaim(namespace, claimName) { return treeOfTheBoundVolume; },
 * } satisfies VolumeProvider);
 * ```
 *
 * The runtime asks it each time a container's filesystem is assembled (exec,
 * probes, served files, shell redirections), so the same tree object must be
 * returned for as long as the data should live. With no provider, or when it
 * answers undefined, the mount is an empty tree that lives with the pod.
 */

import {isTextList} from '../state.js';

export type FsErrorCode = 'ENOENT' | 'EROFS' | 'EISDIR' | 'ENOTDIR' | 'EEXIST' | 'ENOTEMPTY' | 'EINVAL';

const errorText: Record<FsErrorCode, string> = {
	ENOENT: 'No such file or directory',
	EROFS: 'Read-only file system',
	EISDIR: 'Is a directory',
	ENOTDIR: 'Not a directory',
	EEXIST: 'File exists',
	ENOTEMPTY: 'Directory not empty',
	EINVAL: 'Invalid argument',
};

/** A failed filesystem operation; `message` reads like coreutils: `/x: No such file or directory`. */
export class FsError extends Error {
	constructor(readonly code: FsErrorCode, readonly path: string) {
		super(`${path}: ${errorText[code]}`);
		this.name = 'FsError';
	}

	/** The errno text alone, e.g. `No such file or directory`. */
	get reason(): string {
		return errorText[this.code];
	}
}

/** `mtime`: ms of virtual time since the Unix epoch, as stat's st_mtime. */
export type FileStat = {type: 'file' | 'dir'; size: number; mode: number; mtime: number};

type Entry = {type: 'file'; content: string; mode: number; mtime: number} | {type: 'dir'; mode: number; mtime: number};

/** What every filesystem view offers (a tree, or a container's tree with mounts). */
export interface FileSystem {
	readonly readOnly: boolean;
	/** File content, or undefined when the path is not a file. */
	read(path: string): string | undefined;
	/** Write (or append to) a file; parent directories must exist. Throws FsError. */
	write(path: string, content: string, options?: {append?: boolean; mode?: number}): void;
	/** Make a directory; with `parents`, like `mkdir -p`. Throws FsError. */
	mkdir(path: string, options?: {parents?: boolean}): void;
	/** Remove a file or directory; a non-empty directory needs `recursive`. Throws FsError. */
	remove(path: string, options?: {recursive?: boolean}): void;
	stat(path: string): FileStat | undefined;
	/** Names in a directory, sorted; undefined when not a directory. */
	list(path: string): string[] | undefined;
	exists(path: string): boolean;
}

/** `/a/./b//c/../d/` → `/a/b/d`; relative paths resolve against `cwd`. */
export function normalizePath(path: string, cwd = '/'): string {
	// Most paths the runtime passes around are normal already: one pass over them, nothing built.
	if (isNormalPath(path)) return path;
	const parts: string[] = [];
	for (const part of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
		if (part === '' || part === '.') continue;
		if (part === '..') parts.pop();
		else parts.push(part);
	}
	return `/${parts.join('/')}`;
}

/** Where `path` is inside the directory `root` (`/` for `root` itself), or undefined when it is not under it; both normal. */
export function pathInside(path: string, root: string): string | undefined {
	if (root === '/') return path;
	if (path === root) return '/';
	return path.startsWith(`${root}/`) ? path.slice(root.length) : undefined;
}

/** Absolute, with no empty, `.` or `..` part and no trailing slash (or `/` itself). */
function isNormalPath(path: string): boolean {
	const slash = 47;
	const dot = 46;
	if (path.charCodeAt(0) !== slash) return false;
	if (path.length === 1) return true;
	let start = 1;
	for (let i = 1; i <= path.length; i++) {
		if (i < path.length && path.charCodeAt(i) !== slash) continue;
		const length = i - start;
		if (length === 0) return false;
		if (path.charCodeAt(start) === dot && (length === 1 || (length === 2 && path.charCodeAt(start + 1) === dot))) return false;
		start = i + 1;
	}
	return true;
}

function parentOf(path: string): string {
	const index = path.lastIndexOf('/');
	return index <= 0 ? '/' : path.slice(0, index);
}

export type FileTreeOptions = {
	readOnly?: boolean;
	/** A shared tree read through until a path is written or removed here. */
	lower?: FileTree;
	/** When the tree was made (its root's mtime), and the time of every write while it has no clock. */
	now?: number;
	/** Virtual time of each write from now on (ms since the Unix epoch). */
	clock?: () => number;
};

/**
 * A tree of files. `lower` (optional) is a shared tree read through until a
 * path is written or removed here (copy-on-write with whiteouts).
 *
 * Every file and directory has a modification time, in virtual time: a
 * write sets the file's, and making or removing an entry sets its
 * directory's (copied up from the lower tree, as overlayfs does). A tree
 * with a `clock` stamps each write when it happens; one without stamps its
 * `now`, and remembers those writes until `useClock` gives it a clock and
 * the time they stand for (a container's layer is made before it is known
 * to whom it belongs).
 */
export class FileTree implements FileSystem {
	private readonly entries = new Map<string, Entry>();
	private readonly whiteouts = new Set<string>();
	private readonly lower?: FileTree;
	private clock?: () => number;
	/** Written while the tree had no clock: stamped again when it gets one. */
	private unstamped?: Set<string>;
	private readonly made: number;
	readOnly: boolean;
	/** Bumped on every change, so readers can tell a tree changed. */
	version = 0;
	/** The clock is `from`'s, fixed at `made`: saved as that, since a function is not data. */
	private fixedClock = false;

	constructor(options: FileTreeOptions = {}) {
		this.readOnly = options.readOnly ?? false;
		this.lower = options.lower;
		this.clock = options.clock;
		this.made = options.now ?? options.clock?.() ?? 0;
		// Over a lower tree, the root is the lower one's until it changes here.
		if (!this.lower) this.entries.set('/', {type: 'dir', mode: 0o755, mtime: this.made});
	}

	/** A tree holding `files` (path → content), every entry stamped `now`; parent directories are made. */
	static from(files: Record<string, string>, options: {readOnly?: boolean; mode?: number; now?: number} = {}): FileTree {
		const now = options.now ?? 0;
		const tree = new FileTree({now, clock: () => now});
		for (const [path, content] of Object.entries(files)) {
			tree.mkdir(parentOf(normalizePath(path)), {parents: true});
			tree.write(path, content, {mode: options.mode});
		}
		tree.readOnly = options.readOnly ?? false;
		tree.fixedClock = true;
		return tree;
	}

	/**
	 * The tree as data: its own entries in the order it holds them (a
	 * directory `[path, mode, mtime]`, a file `[path, mode, mtime, content]`),
	 * its whiteouts, the paths written before it had a clock, when it was
	 * made, its version and whether it is read-only. The lower tree is not
	 * copied: `lowerKey` names it (an image's key, a volume's name) and the
	 * loader finds it again by that name. The clock is kept as what it is:
	 * none yet, the simulation's (given to the loader), or fixed at `made`
	 * (a tree made by `from`).
	 */
	save(lowerKey?: (lower: FileTree) => string | undefined): SavedFileTree {
		const entries: SavedFileTree['entries'] = [];
		for (const [path, entry] of this.entries) entries.push(entry.type === 'file' ? [path, entry.mode, entry.mtime, entry.content] : [path, entry.mode, entry.mtime]);
		let lower: string | undefined;
		if (this.lower) {
			lower = lowerKey?.(this.lower);
			if (lower === undefined) throw new Error('a tree over a lower tree is saved with a key for the lower tree');
		}
		return {
			entries,
			whiteouts: [...this.whiteouts],
			...(this.unstamped ? {unstamped: [...this.unstamped]} : {}),
			made: this.made,
			readOnly: this.readOnly,
			version: this.version,
			clock: this.fixedClock ? 'fixed' : this.clock ? 'live' : 'none',
			...(lower === undefined ? {} : {lower}),
		};
	}

	/**
	 * A tree that reads and goes on as the one `data` was saved from.
	 * `lower` finds the lower tree by the key `save` was given (the same
	 * shared tree, not a copy); `clock` is the simulation's clock, used when
	 * the saved tree had one.
	 */
	static fromSaved(data: SavedFileTree, deps: {clock?: () => number; lower?: (key: string) => FileTree | undefined} = {}): FileTree {
		checkSavedTree(data);
		let lower: FileTree | undefined;
		if (data.lower !== undefined) {
			lower = deps.lower?.(data.lower);
			if (!lower) throw new Error(`the lower tree ${data.lower} of a saved tree is not found`);
		}
		if (data.clock === 'live' && !deps.clock) throw new Error('a saved tree that had a clock is loaded with one');
		const made = data.made;
		const clock = data.clock === 'live' ? deps.clock : data.clock === 'fixed' ? () => made : undefined;
		const tree = new FileTree({readOnly: data.readOnly, lower, now: made, clock});
		tree.entries.clear();
		for (const saved of data.entries) {
			const [path, mode, mtime, content] = saved;
			tree.entries.set(path, saved.length === 4 ? {type: 'file', content: content!, mode, mtime} : {type: 'dir', mode, mtime});
		}
		for (const path of data.whiteouts) tree.whiteouts.add(path);
		if (data.unstamped) tree.unstamped = new Set(data.unstamped);
		tree.version = data.version;
		tree.fixedClock = data.clock === 'fixed';
		return tree;
	}

	/**
	 * Stamp writes from now on with `clock`; what was written before (with no
	 * clock) is dated `at`. A tree that has a clock keeps it.
	 */
	useClock(clock: () => number, at: number = clock()): void {
		if (this.clock) return;
		this.clock = clock;
		for (const path of this.unstamped ?? []) {
			const entry = this.entries.get(path);
			if (entry) entry.mtime = at;
		}
		this.unstamped = undefined;
	}

	/** The time of a write to `path` now. */
	private stamp(path: string): number {
		if (this.clock) return this.clock();
		(this.unstamped ??= new Set()).add(path);
		return this.made;
	}

	/** A directory's entries changed: its mtime is now (a directory of the lower tree is copied up). */
	private touchDir(path: string, at: number): void {
		const own = this.entries.get(path);
		if (own) {
			own.mtime = at;
			if (!this.clock) this.unstamped?.add(path);
			return;
		}
		const below = this.entry(path);
		if (below?.type === 'dir') this.entries.set(path, {type: 'dir', mode: below.mode, mtime: this.stamp(path)});
	}

	private entry(path: string): Entry | undefined {
		const own = this.entries.get(path);
		if (own) return own;
		if (!this.lower || this.hidden(path)) return undefined;
		return this.lower.entry(path);
	}

	/** A whiteout here hides the path and everything under it. */
	private hidden(path: string): boolean {
		if (this.whiteouts.size === 0) return false;
		for (let p = path; ; p = parentOf(p)) {
			if (this.whiteouts.has(p)) return true;
			if (p === '/') return false;
		}
	}

	read(path: string): string | undefined {
		const entry = this.entry(normalizePath(path));
		return entry?.type === 'file' ? entry.content : undefined;
	}

	write(path: string, content: string, options: {append?: boolean; mode?: number} = {}): void {
		const target = normalizePath(path);
		if (this.readOnly) throw new FsError('EROFS', target);
		const parent = this.entry(parentOf(target));
		if (!parent) throw new FsError('ENOENT', target);
		if (parent.type !== 'dir') throw new FsError('ENOTDIR', target);
		const existing = this.entry(target);
		if (existing?.type === 'dir') throw new FsError('EISDIR', target);
		const before = options.append && existing?.type === 'file' ? existing.content : '';
		this.whiteouts.delete(target);
		const at = this.stamp(target);
		this.entries.set(target, {type: 'file', content: before + content, mode: options.mode ?? (existing?.mode ?? 0o644), mtime: at});
		if (!existing) this.touchDir(parentOf(target), at);
		this.version++;
	}

	mkdir(path: string, options: {parents?: boolean} = {}): void {
		const target = normalizePath(path);
		const existing = this.entry(target);
		if (existing) {
			if (existing.type === 'dir' && options.parents) return;
			throw new FsError('EEXIST', target);
		}
		if (this.readOnly) throw new FsError('EROFS', target);
		const parent = this.entry(parentOf(target));
		if (!parent) {
			if (!options.parents) throw new FsError('ENOENT', target);
			this.mkdir(parentOf(target), options);
		} else if (parent.type !== 'dir') {
			throw new FsError('ENOTDIR', target);
		}
		this.whiteouts.delete(target);
		const at = this.stamp(target);
		this.entries.set(target, {type: 'dir', mode: 0o755, mtime: at});
		this.touchDir(parentOf(target), at);
		this.version++;
	}

	remove(path: string, options: {recursive?: boolean} = {}): void {
		const target = normalizePath(path);
		if (target === '/') throw new FsError('EINVAL', target);
		const existing = this.entry(target);
		if (!existing) throw new FsError('ENOENT', target);
		if (this.readOnly) throw new FsError('EROFS', target);
		if (existing.type === 'dir' && (this.list(target)?.length ?? 0) > 0 && !options.recursive) throw new FsError('ENOTEMPTY', target);
		const prefix = `${target}/`;
		for (const key of [...this.entries.keys()]) if (key === target || key.startsWith(prefix)) this.entries.delete(key);
		if (this.lower) this.whiteouts.add(target);
		this.touchDir(parentOf(target), this.stamp(parentOf(target)));
		this.version++;
	}

	stat(path: string): FileStat | undefined {
		const entry = this.entry(normalizePath(path));
		if (!entry) return undefined;
		return {type: entry.type, size: entry.type === 'file' ? Buffer.byteLength(entry.content) : 4096, mode: entry.mode, mtime: entry.mtime};
	}

	list(path: string): string[] | undefined {
		const target = normalizePath(path);
		const entry = this.entry(target);
		if (entry?.type !== 'dir') return undefined;
		const names = new Set<string>();
		if (this.lower && !this.hidden(target)) {
			for (const name of this.lower.list(target) ?? []) {
				if (!this.hidden(target === '/' ? `/${name}` : `${target}/${name}`)) names.add(name);
			}
		}
		const prefix = target === '/' ? '/' : `${target}/`;
		for (const key of this.entries.keys()) {
			if (key === target || !key.startsWith(prefix)) continue;
			const rest = key.slice(prefix.length);
			if (!rest.includes('/')) names.add(rest);
		}
		return [...names].sort();
	}

	exists(path: string): boolean {
		return this.entry(normalizePath(path)) !== undefined;
	}

	/** Every file under `path` (default: all), path → content, sorted by path. */
	files(path = '/'): Array<[string, string]> {
		const out: Array<[string, string]> = [];
		const walk = (dir: string) => {
			for (const name of this.list(dir) ?? []) {
				const child = dir === '/' ? `/${name}` : `${dir}/${name}`;
				const entry = this.entry(child);
				if (entry?.type === 'file') out.push([child, entry.content]);
				else if (entry?.type === 'dir') walk(child);
			}
		};
		const root = normalizePath(path);
		const entry = this.entry(root);
		if (entry?.type === 'file') return [[root, entry.content]];
		walk(root);
		return out;
	}

	/** Bytes held in this tree's own entries (the lower tree not counted). */
	ownBytes(): number {
		let total = 0;
		for (const [key, entry] of this.entries) total += key.length + (entry.type === 'file' ? entry.content.length : 0);
		return total;
	}
}

/**
 * A tree as data (`FileTree.save`). `entries` are the tree's own, in its
 * order: `[path, mode, mtime]` a directory, `[path, mode, mtime, content]`
 * a file. `unstamped` is there while the tree has no clock and has been
 * written. `lower` is the key of the tree it sits on.
 */
export type SavedFileTree = {
	entries: Array<[path: string, mode: number, mtime: number] | [path: string, mode: number, mtime: number, content: string]>;
	whiteouts: string[];
	unstamped?: string[];
	made: number;
	readOnly: boolean;
	version: number;
	clock: 'none' | 'live' | 'fixed';
	lower?: string;
};

/**
 * What another part of the engine keeps beside a tree, keyed by the tree
 * (a database on a container's own files): saved and loaded with the tree by
 * the tree's owner (`saveTreeCompanions`, `loadTreeCompanions`).
 */
export type TreeCompanion = {
	/** The companion's state for `tree`, or null when it keeps none. */
	save(tree: FileTree): unknown;
	/** Replace the companion's state for `tree` with `saved` (null: none). */
	load(tree: FileTree, saved: unknown): void;
};

const treeCompanions = new Map<string, TreeCompanion>();

/** Register a companion under a name (a module does it once, when loaded). */
export function registerTreeCompanion(name: string, companion: TreeCompanion): void {
	treeCompanions.set(name, companion);
}

/** What the companions keep beside `tree`, by companion name; undefined when none keeps anything. */
export function saveTreeCompanions(tree: FileTree): Array<[name: string, state: unknown]> | undefined {
	const out: Array<[string, unknown]> = [];
	for (const [name, companion] of treeCompanions) {
		const saved = companion.save(tree);
		if (saved !== null && saved !== undefined) out.push([name, saved]);
	}
	return out.length > 0 ? out : undefined;
}

/** Give each companion its saved state for `tree` (none: it keeps nothing for it). */
export function loadTreeCompanions(tree: FileTree, saved: ReadonlyArray<[name: string, state: unknown]> | undefined): void {
	for (const [name, companion] of treeCompanions) companion.load(tree, saved?.find(([key]) => key === name)?.[1] ?? null);
}


export type Mount = {
	/** Absolute path inside the container. */
	path: string;
	tree: FileSystem;
	readOnly: boolean;
	/** Volume name (for `mount` output and traces). */
	volume: string;
	/** `tmpfs`, `overlay`, `ext4`, ... as `mount` would print. */
	fsType: string;
};

/**
 * A container's view: the root tree with mounts over it. A path inside a
 * mount goes to the mount's tree (the longest mount path wins); a read-only
 * mount refuses writes with EROFS.
 */
export class MountedFs implements FileSystem {
	readonly readOnly = false;
	private readonly sorted: Mount[];

	constructor(readonly root: FileSystem, readonly mounts: readonly Mount[]) {
		this.sorted = [...mounts].sort((a, b) => b.path.length - a.path.length);
	}

	/** The mount a path falls in, and the path inside it. */
	resolve(path: string): {fs: FileSystem; inner: string; mount?: Mount} {
		const target = normalizePath(path);
		for (const mount of this.sorted) {
			if (target === mount.path || target.startsWith(`${mount.path}/`)) {
				return {fs: mount.tree, inner: normalizePath(target.slice(mount.path.length) || '/'), mount};
			}
		}
		return {fs: this.root, inner: target};
	}

	read(path: string): string | undefined {
		const {fs, inner} = this.resolve(path);
		return fs.read(inner);
	}

	write(path: string, content: string, options?: {append?: boolean; mode?: number}): void {
		const {fs, inner, mount} = this.resolve(path);
		if (mount?.readOnly) throw new FsError('EROFS', normalizePath(path));
		try {
			fs.write(inner, content, options);
		} catch (error) {
			throw rethrow(error, path);
		}
	}

	mkdir(path: string, options?: {parents?: boolean}): void {
		const {fs, inner, mount} = this.resolve(path);
		if (mount && inner === '/') {
			if (options?.parents) return;
			throw new FsError('EEXIST', normalizePath(path));
		}
		if (mount?.readOnly) throw new FsError('EROFS', normalizePath(path));
		try {
			fs.mkdir(inner, options);
		} catch (error) {
			throw rethrow(error, path);
		}
	}

	remove(path: string, options?: {recursive?: boolean}): void {
		const {fs, inner, mount} = this.resolve(path);
		if (mount && inner === '/') throw new FsError('EINVAL', normalizePath(path));
		if (mount?.readOnly) throw new FsError('EROFS', normalizePath(path));
		try {
			fs.remove(inner, options);
		} catch (error) {
			throw rethrow(error, path);
		}
	}

	stat(path: string): FileStat | undefined {
		const {fs, inner} = this.resolve(path);
		return fs.stat(inner);
	}

	list(path: string): string[] | undefined {
		const target = normalizePath(path);
		const {fs, inner} = this.resolve(target);
		const prefix = target === '/' ? '/' : `${target}/`;
		// runc creates the mount points of mounts below a directory the image lacks.
		const names = fs.list(inner) ?? (this.mounts.some(m => m.path.startsWith(prefix)) ? [] : undefined);
		if (!names) return undefined;
		const out = new Set(names);
		for (const mount of this.mounts) {
			if (mount.path.startsWith(prefix)) {
				const rest = mount.path.slice(prefix.length);
				out.add(rest.split('/')[0]!);
			}
		}
		return [...out].sort();
	}

	exists(path: string): boolean {
		const target = normalizePath(path);
		if (this.mounts.some(m => m.path === target || m.path.startsWith(`${target}/`))) return true;
		const {fs, inner} = this.resolve(target);
		return fs.exists(inner);
	}
}

/**
 * A volume mounted with `subPath`: the volume seen from one of its
 * directories, or one of its files (a ConfigMap key mounted as a single
 * file), which is the mount's root.
 */
export class SubPathFs implements FileSystem {
	constructor(readonly base: FileSystem, readonly subPath: string) {}

	get readOnly(): boolean {
		return this.base.readOnly;
	}

	private map(path: string): string {
		return normalizePath(`${this.subPath}/${normalizePath(path)}`);
	}

	read(path: string): string | undefined {
		return this.base.read(this.map(path));
	}

	write(path: string, content: string, options?: {append?: boolean; mode?: number}): void {
		this.base.write(this.map(path), content, options);
	}

	mkdir(path: string, options?: {parents?: boolean}): void {
		this.base.mkdir(this.map(path), options);
	}

	remove(path: string, options?: {recursive?: boolean}): void {
		this.base.remove(this.map(path), options);
	}

	stat(path: string): FileStat | undefined {
		return this.base.stat(this.map(path));
	}

	list(path: string): string[] | undefined {
		return this.base.list(this.map(path));
	}

	exists(path: string): boolean {
		return this.base.exists(this.map(path));
	}
}

/** An error from a mount's tree names the path as the container sees it. */
function rethrow(error: unknown, path: string): unknown {
	return error instanceof FsError ? new FsError(error.code, normalizePath(path)) : error;
}

/** Where PersistentVolumeClaim data comes from (the storage layer registers it). */
export type VolumeProvider = {
	/** The tree of the volume bound to the claim, or undefined when there is none yet. */
	treeForClaim(namespace: string, claimName: string): FileTree | undefined;
};

/** The registered volume provider, if any. */
export function volumeProviderOf(services: {volumeProvider?: VolumeProvider}): VolumeProvider | undefined {
	return services.volumeProvider;
}

/**
 * A saved tree as `FileTree.save` writes it, or an error naming what is
 * not (a state file changed by hand): a tree that loaded is one a save
 * writes again as it was read.
 */
function checkSavedTree(data: SavedFileTree): void {
	const fail = (what: string) => {
		throw new Error(`a saved tree's ${what}`);
	};
	if (typeof data !== 'object' || data === null) fail('data is not an object');
	if (!Array.isArray(data.entries)) fail('entries are not a list');
	for (const saved of data.entries) {
		if (!Array.isArray(saved) || (saved.length !== 3 && saved.length !== 4) || typeof saved[0] !== 'string') fail(`entry ${JSON.stringify(saved)} is not [path, mode, time] or [path, mode, time, content]`);
		const [path, mode, mtime, content] = saved;
		if (typeof mode !== 'number' || typeof mtime !== 'number') fail(`entry ${path} has no mode or time`);
		if (saved.length === 4 && typeof content !== 'string') fail(`file ${path} has content ${JSON.stringify(content)}, not a text`);
	}
	if (!isTextList(data.whiteouts)) fail('whiteouts are not a list of paths');
	if (data.unstamped !== undefined && !isTextList(data.unstamped)) fail('unstamped paths are not a list of paths');
	if (typeof data.made !== 'number' || !Number.isInteger(data.version) || typeof data.readOnly !== 'boolean') fail('time made, version or read-only flag is missing');
	if (data.clock !== 'live' && data.clock !== 'fixed' && data.clock !== 'none') fail(`clock is ${JSON.stringify(data.clock)}, not live, fixed or none`);
	if (data.lower !== undefined && typeof data.lower !== 'string') fail('lower tree is not named by a text');
}
