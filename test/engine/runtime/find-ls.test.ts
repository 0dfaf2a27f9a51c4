import test from 'ava';
import {execCommand} from '../../../source/engine/runtime/commands.js';
import {FileTree} from '../../../source/engine/runtime/filetree.js';
import {SeededRandom} from '../../../source/engine/clock.js';
import {fnmatchRegex} from '../../../source/engine/runtime/fnmatch.js';
import type {Container, Pod} from '../../../source/engine/api/types.js';

/** find and ls -R over a container's files, as GNU findutils and coreutils print them (their order: names sorted). */

const files = {'/etc/app/app.conf': 'a\n', '/etc/app/conf.d/extra.conf': 'x\n', '/etc/app/conf.d/.hidden.conf': 'h\n', '/etc/app/README': 'r\n', '/etc/hosts': '127.0.0.1 localhost\n'};

function run(argv: string[]) {
	const result = execCommand(argv[0]!)!({
		pod: {} as Pod, container: {name: 'c', image: 'nginx'} as Container, fs: FileTree.from(files), random: new SeededRandom(1), hostname: 'box',
		processes: () => [], listening: () => false, resolve: (name: string) => ({tried: [name]}), argv, env: {}, cwd: '/etc', stdin: '', now: 0, trace: () => {},
	});
	return {stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.exitCode ?? 0};
}

test('find walks depth first from each starting point, and filters by name, type, path and depth', t => {
	t.is(run(['find', '/etc/app']).stdout, '/etc/app\n/etc/app/README\n/etc/app/app.conf\n/etc/app/conf.d\n/etc/app/conf.d/.hidden.conf\n/etc/app/conf.d/extra.conf\n');
	t.is(run(['find', '/etc', '-name', '*.conf']).stdout, '/etc/app/app.conf\n/etc/app/conf.d/.hidden.conf\n/etc/app/conf.d/extra.conf\n');
	t.is(run(['find', 'app', '-iname', 'readme']).stdout, 'app/README\n');
	t.is(run(['find', '/etc', '-type', 'd']).stdout, '/etc\n/etc/app\n/etc/app/conf.d\n');
	t.is(run(['find', '/etc', '-maxdepth', '1', '-type', 'f']).stdout, '/etc/hosts\n');
	t.is(run(['find', '/etc/app', '-mindepth', '2']).stdout, '/etc/app/conf.d/.hidden.conf\n/etc/app/conf.d/extra.conf\n');
	t.is(run(['find', '/etc', '-path', '*conf.d*', '-name', '[!.]*']).stdout, '/etc/app/conf.d\n/etc/app/conf.d/extra.conf\n');
	t.is(run(['find']).stdout.split('\n')[0], '.');
	// A starting point is named by its last part, as every other path is.
	t.is(run(['find', '/etc/app', '-maxdepth', '0', '-name', 'app']).stdout, '/etc/app\n');
	t.is(run(['find', '/etc/app/', '-maxdepth', '0', '-name', 'app']).stdout, '/etc/app/\n');
	t.is(run(['find', '/', '-maxdepth', '0', '-name', '/']).stdout, '/\n');
	t.deepEqual(run(['find', '/nope', '/etc/hosts']), {stdout: '/etc/hosts\n', stderr: 'find: \'/nope\': No such file or directory\n', status: 1});
	t.deepEqual(run(['find', '/etc', '-size', '1k']), {stdout: '', stderr: 'find: unknown predicate `-size\'\n', status: 1});
	t.is(run(['find', '/etc', '-type', 'x']).stderr, 'find: Unknown argument to -type: x\n');
});

test('ls -R lists each directory under its heading, subdirectories depth first', t => {
	t.is(run(['ls', '-R', 'app']).stdout, 'app:\nREADME\napp.conf\nconf.d\n\napp/conf.d:\nextra.conf\n');
	t.is(run(['ls', '-aR', '/etc/app/conf.d']).stdout, '/etc/app/conf.d:\n.\n..\n.hidden.conf\nextra.conf\n');
	t.is(run(['ls', 'app']).stdout, 'README\napp.conf\nconf.d\n', 'without -R one directory, no heading');
});

test('fnmatch patterns: stars, marks, sets, ranges, negation and quoting', t => {
	const cases: Array<[string, string, boolean]> = [
		['*.conf', 'a.conf', true], ['*.conf', '.conf', true], ['*.conf', 'a.conf.bak', false], ['?', 'a', true], ['?', 'ab', false],
		['[abc]x', 'bx', true], ['[a-c]x', 'dx', false], ['[!a]x', 'ax', false], ['[^a]x', 'bx', true], ['a\\*', 'a*', true], ['a\\*', 'ab', false],
		['[', '[', true], ['a.b', 'axb', false], ['(x)', '(x)', true], ['*/*', 'a/b', true],
	];
	for (const [pattern, text, matches] of cases) t.is(fnmatchRegex(pattern).test(text), matches, `${pattern} ~ ${text}`);
	t.true(fnmatchRegex('README', {ignoreCase: true}).test('readme'));
});
