import test from 'ava';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execCommand} from '../../../source/engine/runtime/commands.js';
import {FileTree} from '../../../source/engine/runtime/filetree.js';
import {SeededRandom} from '../../../source/engine/clock.js';
import type {Container, Pod} from '../../../source/engine/api/types.js';

/** The container's tar, checked against the machine's own GNU tar: what one writes, the other reads. */

function tar(argv: string[], options: {stdin?: string; fs?: FileTree} = {}) {
	const fs = options.fs ?? FileTree.from({'/etc/app/app.conf': 'port 80\nname ünïcode\n', '/etc/app/conf.d/extra.conf': 'x\n', '/tmp/.keep': ''});
	const result = execCommand('tar')!({
		pod: {} as Pod, container: {name: 'c', image: 'nginx'} as Container, fs, random: new SeededRandom(1), hostname: 'box',
		processes: () => [], listening: () => false, resolve: (name: string) => ({tried: [name]}), argv: ['tar', ...argv], env: {}, cwd: '/', stdin: options.stdin ?? '', now: 0, trace: () => {},
	});
	return {stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.exitCode ?? 0, fs};
}

function scratch(): string {
	return mkdtempSync(path.join(tmpdir(), 'kubarium-tar-'));
}

test('tar cf - (kubectl cp out of a pod) writes an archive GNU tar reads back, names without the leading slash', t => {
	const made = tar(['cf', '-', '/etc/app']);
	t.is(made.status, 0);
	t.is(made.stderr, 'tar: Removing leading `/\' from member names\n');
	const archive = Buffer.from(made.stdout, 'utf8');
	t.is(archive.length % 10240, 0, 'whole records of 20 blocks');
	const dir = scratch();
	try {
		writeFileSync(path.join(dir, 'out.tar'), archive);
		t.is(execFileSync('tar', ['tf', path.join(dir, 'out.tar')], {encoding: 'utf8'}), 'etc/app/\netc/app/app.conf\netc/app/conf.d/\netc/app/conf.d/extra.conf\n');
		execFileSync('tar', ['xf', path.join(dir, 'out.tar'), '-C', dir]);
		t.is(readFileSync(path.join(dir, 'etc/app/app.conf'), 'utf8'), 'port 80\nname ünïcode\n');
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('tar -xmf - -C DIR (kubectl cp into a pod) unpacks what GNU tar made; a missing directory or a bad archive is refused', t => {
	const dir = scratch();
	try {
		mkdirSync(path.join(dir, 'site/css'), {recursive: true});
		writeFileSync(path.join(dir, 'site/index.html'), '<h1>hé</h1>\n');
		writeFileSync(path.join(dir, 'site/css/main.css'), 'body{}\n');
		const archive = execFileSync('tar', ['cf', '-', '-C', dir, 'site']);
		const unpacked = tar(['-xmf', '-', '-C', '/tmp'], {stdin: archive.toString('utf8')});
		t.deepEqual([unpacked.status, unpacked.stderr], [0, '']);
		t.is(unpacked.fs.read('/tmp/site/index.html'), '<h1>hé</h1>\n');
		t.is(unpacked.fs.read('/tmp/site/css/main.css'), 'body{}\n');
		// GNU tar writes a directory's entries in the order the disk lists them.
		t.deepEqual(tar(['tf', '-'], {stdin: archive.toString('utf8')}).stdout.split('\n').sort(), ['', 'site/', 'site/css/', 'site/css/main.css', 'site/index.html']);
		const missing = tar(['-xmf', '-', '-C', '/nope'], {stdin: archive.toString('utf8')});
		t.deepEqual([missing.status, missing.stderr], [2, 'tar: /nope: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n']);
		const garbage = tar(['xf', '-'], {stdin: 'not an archive at all'.padEnd(600, '!')});
		t.deepEqual([garbage.status, garbage.stderr], [2, 'tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n']);
		t.is(tar(['-xf', '-', '--bogus']).stderr, 'tar: unrecognized option \'--bogus\'\nTry \'tar --help\' or \'tar --usage\' for more information.\n');
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
