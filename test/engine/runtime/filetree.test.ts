import test from 'ava';
import {posix} from 'node:path';
import fc from 'fast-check';
import {FileTree, FsError, MountedFs, normalizePath, type SavedFileTree} from '../../../source/engine/runtime/filetree.js';

test('paths normalise like the kernel resolves them', t => {
	t.is(normalizePath('/a/./b//c/../d/'), '/a/b/d');
	t.is(normalizePath('x/y', '/home'), '/home/x/y');
	t.is(normalizePath('../../..', '/a'), '/');
});

test('files and directories: write, append, list, remove, errors', t => {
	const tree = new FileTree();
	tree.mkdir('/var/log', {parents: true});
	tree.write('/var/log/app.log', 'one\n');
	tree.write('/var/log/app.log', 'two\n', {append: true});
	t.is(tree.read('/var/log/app.log'), 'one\ntwo\n');
	t.deepEqual(tree.list('/var'), ['log']);
	t.is(tree.stat('/var/log/app.log')?.size, 8);
	t.throws(() => tree.write('/nope/x', ''), {instanceOf: FsError, message: '/nope/x: No such file or directory'});
	t.throws(() => tree.write('/var', ''), {message: '/var: Is a directory'});
	t.throws(() => tree.remove('/var'), {message: '/var: Directory not empty'});
	tree.remove('/var', {recursive: true});
	t.false(tree.exists('/var/log/app.log'));
	t.deepEqual(tree.list('/'), []);
});

test('a container layer copies on write over a shared image tree, with whiteouts', t => {
	const image = FileTree.from({'/etc/os-release': 'ID=debian\n', '/usr/share/doc/readme': 'hi'}, {readOnly: true});
	const a = new FileTree({lower: image});
	const b = new FileTree({lower: image});
	a.write('/etc/os-release', 'ID=changed\n');
	a.remove('/usr/share/doc', {recursive: true});
	t.is(a.read('/etc/os-release'), 'ID=changed\n');
	t.false(a.exists('/usr/share/doc/readme'));
	t.deepEqual(a.list('/usr/share'), []);
	t.is(b.read('/etc/os-release'), 'ID=debian\n');
	t.is(image.read('/usr/share/doc/readme'), 'hi');
	t.throws(() => image.write('/x', ''), {message: '/x: Read-only file system'});
	a.write('/usr/share/doc', 'now a file');
	t.is(a.read('/usr/share/doc'), 'now a file');
});

test('mounts: the longest mount path wins, read-only mounts refuse writes, mount points are listed', t => {
	const root = FileTree.from({'/etc/hostname': 'web\n', '/data/.keep': ''});
	const volume = new FileTree();
	const config = FileTree.from({'/app.conf': 'x=1\n'}, {readOnly: true});
	const fs = new MountedFs(root, [
		{path: '/data', tree: volume, readOnly: false, volume: 'data', fsType: 'ext4'},
		{path: '/etc/config', tree: config, readOnly: true, volume: 'cfg', fsType: 'tmpfs'},
	]);
	fs.write('/data/file', 'payload');
	t.is(volume.read('/file'), 'payload');
	t.is(root.read('/data/file'), undefined);
	t.is(fs.read('/etc/config/app.conf'), 'x=1\n');
	t.throws(() => fs.write('/etc/config/app.conf', 'y'), {message: '/etc/config/app.conf: Read-only file system'});
	t.deepEqual(fs.list('/etc'), ['config', 'hostname']);
	t.true(fs.exists('/etc/config'));
	t.throws(() => fs.remove('/data'), {message: '/data: Invalid argument'});
	t.deepEqual(volume.files(), [['/file', 'payload']]);
});

test('normalizePath resolves as POSIX path resolution does, for normal and odd paths alike', t => {
	const resolved = (path: string, cwd: string) => posix.resolve(cwd, path);
	for (const path of ['/', '//', '/.', '/..', '/a', '/a/', '/a/.', '/a/..', '/.a', '/..a', '/a..', '/a/.b/..c/d', 'a', '', '.', '/a//b', '/a/./b', '/a/../b', '/...']) {
		t.is(normalizePath(path, '/w'), resolved(path, '/w'), JSON.stringify(path));
	}
	const part = fc.constantFrom('', '.', '..', 'a', '.a', '..a', 'a.', '...', 'bc');
	fc.assert(fc.property(fc.boolean(), fc.array(part, {maxLength: 6}), (absolute, parts) => {
		const path = `${absolute ? '/' : ''}${parts.join('/')}`;
		return normalizePath(path, '/w/x') === resolved(path, '/w/x');
	}), {numRuns: 3000});
});

const names = ['a', 'b', 'etc', 'hosts'];
const anyPath = fc.array(fc.constantFrom(...names, '.', '..'), {minLength: 0, maxLength: 3}).map(parts => `/${parts.join('/')}`);
type TreeOp =
	| {write: string; content: string; append: boolean; mode?: number}
	| {mkdir: string; parents: boolean}
	| {remove: string; recursive: boolean}
	| {read: string}
	| {tick: number}
	| {useClock: number}
	| {readOnly: boolean}
	| {lower: TreeOp};

const readOp: fc.Arbitrary<TreeOp> = anyPath.map(read => ({read}));
const changeOp: fc.Arbitrary<TreeOp> = fc.oneof(
	{weight: 4, arbitrary: fc.record({write: anyPath, content: fc.string({maxLength: 5}), append: fc.boolean(), mode: fc.option(fc.constantFrom(0o600, 0o755), {nil: undefined})}, {requiredKeys: ['write', 'content', 'append']})},
	{weight: 3, arbitrary: fc.record({mkdir: anyPath, parents: fc.boolean()})},
	{weight: 2, arbitrary: fc.record({remove: anyPath, recursive: fc.boolean()})},
);
const treeOp: fc.Arbitrary<TreeOp> = fc.oneof(
	{weight: 6, arbitrary: changeOp},
	{weight: 3, arbitrary: readOp},
	{weight: 2, arbitrary: fc.integer({min: 1, max: 5000}).map(tick => ({tick}))},
	{weight: 1, arbitrary: fc.integer({min: 1_000, max: 9_000}).map(useClock => ({useClock}))},
	{weight: 1, arbitrary: fc.boolean().map(readOnly => ({readOnly}))},
	{weight: 1, arbitrary: changeOp.map(lower => ({lower}))},
);

/** A world of trees the same operations run on: the simulation's time, and a writable tree some layers sit on. */
type World = {time: number; shared: FileTree; lowerAnswer?: unknown};

/** Everything a tree answers about itself, read from outside. */
function everything(tree: FileTree): unknown {
	const out: unknown[] = [tree.version, tree.readOnly, tree.ownBytes(), tree.files()];
	const walk = (dir: string) => {
		out.push(dir, tree.stat(dir), tree.list(dir));
		for (const name of tree.list(dir) ?? []) {
			const child = dir === '/' ? `/${name}` : `${dir}/${name}`;
			out.push(child, tree.stat(child), tree.read(child), tree.exists(child));
			if (tree.stat(child)?.type === 'dir') walk(child);
		}
	};
	walk('/');
	return out;
}

/**
 * Apply one operation to `tree`; what it answers, errors as their text. The
 * world's time and shared tree change once, with `lowerToo` (the tree that
 * was not saved goes first).
 */
function applyTree(world: World, tree: FileTree, step: TreeOp, lowerToo: boolean): unknown {
	const attempt = (run: () => unknown) => {
		try {
			return run();
		} catch (error) {
			return (error as Error).message;
		}
	};
	if ('write' in step) return attempt(() => tree.write(step.write, step.content, {append: step.append, mode: step.mode}));
	if ('mkdir' in step) return attempt(() => tree.mkdir(step.mkdir, {parents: step.parents}));
	if ('remove' in step) return attempt(() => tree.remove(step.remove, {recursive: step.recursive}));
	if ('read' in step) return [tree.read(step.read), tree.stat(step.read), tree.list(step.read), tree.exists(step.read), tree.files(step.read)];
	if ('tick' in step) return lowerToo ? (world.time += step.tick) : world.time;
	if ('useClock' in step) return tree.useClock(() => world.time, step.useClock);
	if ('readOnly' in step) return (tree.readOnly = step.readOnly);
	if (lowerToo) world.lowerAnswer = applyTree(world, world.shared, step.lower, false);
	return world.lowerAnswer;
}

/** The kinds of tree the engine makes: a volume with a clock, a layer with none yet over a shared tree, `from`'s trees, a layer over a writable volume. */
const makers: Record<string, (world: World) => FileTree> = {
	volume: world => new FileTree({now: 500, clock: () => world.time}),
	layer: world => new FileTree({lower: world.shared}),
	from: () => FileTree.from({'/etc/hosts': 'x\n', '/a/b': 'y'}, {now: 700}),
	view: world => new FileTree({lower: world.shared, readOnly: true}),
	layerWithClock: world => new FileTree({lower: world.shared, clock: () => world.time}),
};

test('a tree saved at any point, loaded from JSON over the same lower tree, reads and goes on as the one that was not saved', t => {
	fc.assert(fc.property(fc.constantFrom(...Object.keys(makers)), fc.array(treeOp, {maxLength: 40}), fc.array(treeOp, {maxLength: 40}), (kind, before, after) => {
		const world: World = {time: 1000, shared: FileTree.from({'/etc/hosts': 'image\n', '/etc/a': '', '/b/a/hosts': 'deep'}, {now: 100})};
		world.shared.useClock(() => world.time);
		const tree = makers[kind]!(world);
		for (const step of before) applyTree(world, tree, step, true);
		const saved = JSON.parse(JSON.stringify(tree.save(lower => (lower === world.shared ? 'shared' : undefined)))) as SavedFileTree;
		const loaded = FileTree.fromSaved(saved, {clock: () => world.time, lower: key => (key === 'shared' ? world.shared : undefined)});
		t.deepEqual(everything(loaded), everything(tree));
		for (const step of after) {
			const expected = applyTree(world, tree, step, true);
			t.deepEqual(applyTree(world, loaded, step, false), expected);
		}
		t.deepEqual(everything(loaded), everything(tree));
		const key = (lower: FileTree) => (lower === world.shared ? 'shared' : undefined);
		t.deepEqual(loaded.save(key), tree.save(key));
	}), {numRuns: 400});
});

test('a saved tree keeps entries in order with modes and times, whiteouts, writes waiting for a clock, and names its lower tree', t => {
	const image = FileTree.from({'/etc/os-release': 'ID=debian\n', '/usr/share/doc/readme': 'hi'}, {readOnly: true, now: 5});
	const layer = new FileTree({lower: image});
	layer.write('/etc/hostname', 'web-0\n', {mode: 0o600});
	layer.remove('/usr/share/doc', {recursive: true});
	const saved = layer.save(lower => (lower === image ? 'debian:12' : undefined));
	t.deepEqual(saved, {
		entries: [['/etc/hostname', 0o600, 0, 'web-0\n'], ['/etc', 0o755, 0], ['/usr/share', 0o755, 0]],
		whiteouts: ['/usr/share/doc'],
		unstamped: ['/etc/hostname', '/etc', '/usr/share'],
		made: 0,
		readOnly: false,
		version: 2,
		clock: 'none',
		lower: 'debian:12',
	});
	t.deepEqual(image.save(), {entries: [['/', 0o755, 5], ['/etc', 0o755, 5], ['/etc/os-release', 0o644, 5, 'ID=debian\n'], ['/usr', 0o755, 5], ['/usr/share', 0o755, 5], ['/usr/share/doc', 0o755, 5], ['/usr/share/doc/readme', 0o644, 5, 'hi']], whiteouts: [], made: 5, readOnly: true, version: 6, clock: 'fixed'});
	// The loaded layer sits on the same image tree, and stamps its waiting writes when it gets its clock.
	const loaded = FileTree.fromSaved(JSON.parse(JSON.stringify(saved)) as SavedFileTree, {lower: key => (key === 'debian:12' ? image : undefined)});
	loaded.useClock(() => 9000, 4000);
	layer.useClock(() => 9000, 4000);
	t.is(loaded.stat('/etc/hostname')?.mtime, 4000);
	t.deepEqual(loaded.save(() => 'debian:12'), layer.save(() => 'debian:12'));
	t.is(loaded.read('/etc/os-release'), 'ID=debian\n');
	t.false(loaded.exists('/usr/share/doc/readme'));
});

test('a saved tree over a lower tree needs its key to save and the tree to load; one that had a clock needs a clock', t => {
	const image = FileTree.from({'/a': '1'}, {readOnly: true});
	const layer = new FileTree({lower: image, clock: () => 1});
	t.throws(() => layer.save(), {message: /key for the lower tree/});
	const saved = layer.save(() => 'img');
	t.throws(() => FileTree.fromSaved(saved, {clock: () => 1}), {message: /lower tree img/});
	t.throws(() => FileTree.fromSaved(saved, {lower: () => image}), {message: /had a clock/});
	t.throws(() => FileTree.fromSaved({...saved, entries: [['/x', null as unknown as number, 0]]}, {clock: () => 1, lower: () => image}), {message: /\/x has no mode/});
});
