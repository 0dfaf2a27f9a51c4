import test from 'ava';
import {posix} from 'node:path';
import fc from 'fast-check';
import {FileTree, FsError, MountedFs, normalizePath} from '../../../source/engine/runtime/filetree.js';

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
