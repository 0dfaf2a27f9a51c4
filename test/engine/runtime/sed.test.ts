import test from 'ava';
import {execCommand} from '../../../source/engine/runtime/commands.js';
import {FileTree} from '../../../source/engine/runtime/filetree.js';
import {SeededRandom} from '../../../source/engine/clock.js';
import type {Container, Pod} from '../../../source/engine/api/types.js';

const conf = 'worker_processes 1;\nlisten 80;\nserver_name localhost;\n# listen 8080;\nroot /usr/share/nginx/html;\n';

function sed(argv: string[], options: {stdin?: string; fs?: FileTree} = {}) {
	const fs = options.fs ?? FileTree.from({'/etc/nginx.conf': conf, '/etc/ro/x': 'a\n'});
	const result = execCommand('sed')!({
		pod: {} as Pod, container: {name: 'c', image: 'nginx'} as Container, fs, random: new SeededRandom(1), hostname: 'box',
		processes: () => [], listening: () => false, resolve: (name: string) => ({tried: [name]}), argv: ['sed', ...argv], env: {}, cwd: '/etc', stdin: options.stdin ?? '', now: 0, trace: () => {},
	});
	return {stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.exitCode ?? 0, fs};
}

const cases: Array<[string[], string, {stdout?: string; stderr?: string; status?: number}]> = [
	[['s/o/0/'], 'foo boo\n', {stdout: 'f0o boo\n'}],
	[['s/o/0/g'], 'foo boo\n', {stdout: 'f00 b00\n'}],
	[['s/o/0/2'], 'foo boo\n', {stdout: 'fo0 boo\n'}],
	[['s/o/0/2g'], 'foo boo\n', {stdout: 'fo0 b00\n'}],
	[['s|/usr|/opt|'], '/usr/bin\n', {stdout: '/opt/bin\n'}],
	[['s/\\(key\\)=\\(.*\\)/\\2=\\1 [&]/'], 'key=val\n', {stdout: 'val=key [key=val]\n'}],
	[['-E', 's/([a-z]+)-([0-9]+)/\\2:\\1/'], 'web-2\n', {stdout: '2:web\n'}],
	[['s/a+/X/'], 'aa a+\n', {stdout: 'aa X\n'}, ],
	[['s/HELLO/bye/I'], 'hello\n', {stdout: 'bye\n'}],
	[['-n', '2p'], 'a\nb\nc\n', {stdout: 'b\n'}],
	[['-n', '$p'], 'a\nb\nc\n', {stdout: 'c\n'}],
	[['-n', '/b/,$p'], 'a\nb\nc\n', {stdout: 'b\nc\n'}],
	[['2,3d'], 'a\nb\nc\nd\n', {stdout: 'a\nd\n'}],
	[['/^#/d'], 'x\n# y\nz\n', {stdout: 'x\nz\n'}],
	[['/^#/!d'], 'x\n# y\nz\n', {stdout: '# y\n'}],
	[['-n', 's/b/B/p'], 'a\nb\nc\n', {stdout: 'B\n'}],
	[['-n', '/start/,/end/p'], 'x\nstart\n1\nend\ny\n', {stdout: 'start\n1\nend\n'}],
	[['2q'], 'a\nb\nc\n', {stdout: 'a\nb\n'}],
	[['-n', '$='], 'a\nb\nc\n', {stdout: '3\n'}],
	[['-e', 's/a/b/', '-e', 's/b/c/'], 'a\n', {stdout: 'c\n'}],
	[['s/a/b/;s/b/c/'], 'a\n', {stdout: 'c\n'}],
	[['s/x/y/'], 'no newline', {stdout: 'no newline'}],
	[['p'], 'a\n', {stdout: 'a\na\n'}],
	[['s/a/b'], '', {stderr: "sed: -e expression #1, char 5: unterminated `s' command\n", status: 1}],
	[['s/a/b/x'], '', {stderr: "sed: -e expression #1, char 7: unknown option to `s'\n", status: 1}],
	[['k'], '', {stderr: "sed: -e expression #1, char 1: unknown command: `k'\n", status: 1}],
	[[], '', {stderr: 'sed: no script specified\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n', status: 1}],
	[['p', 'missing'], '', {stderr: "sed: can't read missing: No such file or directory\n", status: 2}],
	[['-n', '/listen/p', 'nginx.conf'], '', {stdout: 'listen 80;\n# listen 8080;\n'}],
];

for (const [argv, stdin, expected] of cases) {
	test(`sed ${argv.map(a => JSON.stringify(a)).join(' ')}`, t => {
		const result = sed(argv, {stdin});
		if (expected.stdout !== undefined) t.is(result.stdout, expected.stdout);
		if (expected.stderr !== undefined) t.is(result.stderr, expected.stderr);
		t.is(result.status, expected.status ?? 0);
	});
}

test('sed -i edits the container\'s file in place and prints nothing', t => {
	const result = sed(['-i', '-e', 's/listen 80;/listen 8080;/', '-e', '/^#/d', '/etc/nginx.conf']);
	t.is(result.stdout, '');
	t.is(result.status, 0);
	t.is(result.fs.read('/etc/nginx.conf'), 'worker_processes 1;\nlisten 8080;\nserver_name localhost;\nroot /usr/share/nginx/html;\n');
});

test('sed -i on a read-only file system fails as GNU sed does', t => {
	const fs = FileTree.from({'/etc/nginx.conf': conf}, {readOnly: true});
	const result = sed(['-i', 's/a/b/', 'nginx.conf'], {fs});
	t.is(result.status, 4);
	t.regex(result.stderr, /^sed: couldn't open temporary file \/etc\/sed[A-Za-z0-9]{6}: Read-only file system\n$/);
	t.is(fs.read('/etc/nginx.conf'), conf);
});
