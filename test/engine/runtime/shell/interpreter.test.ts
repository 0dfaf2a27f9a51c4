import test from 'ava';
import {Shell, sleepMs, type ShellEffect, type ShellIo} from '../../../../source/engine/runtime/shell/interpreter.js';
import {parse} from '../../../../source/engine/runtime/shell/parser.js';
import {FileTree} from '../../../../source/engine/runtime/filetree.js';
import {SeededRandom} from '../../../../source/engine/clock.js';
import type {Container, Pod} from '../../../../source/engine/api/types.js';

/** Run a script: output, exit status (undefined while it still runs) and the effects it asked for. */
function run(script: string, options: {exec?: boolean; env?: Record<string, string>; fs?: FileTree} = {}) {
	let stdout = '';
	let stderr = '';
	const fs = options.fs ?? FileTree.from({'/etc/hostname': 'box\n', '/tmp/.keep': ''});
	const io: ShellIo = {
		base: {pod: {} as Pod, container: {name: 'c', image: 'busybox'} as Container, fs, random: new SeededRandom(1), hostname: 'box', processes: () => [{pid: 1, user: 'root', command: 'sh'}], listening: () => false, resolve: (name: string) => ({tried: [name]})},
		now: () => Date.UTC(2026, 10, 27, 17, 40, 31),
		out: text => {
			stdout += text;
		},
		err: text => {
			stderr += text;
		},
		trace: () => {},
		nextPid: () => 7,
		pid: 1,
		exec: options.exec ?? false,
	};
	const generator = new Shell(io, options.env ?? {HOME: '/root'}).script(script);
	const effects: ShellEffect[] = [];
	let step = generator.next();
	while (!step.done && effects.length < 20) {
		effects.push(step.value);
		if (step.value.kind === 'block' || step.value.kind === 'busy' || (step.value.kind === 'alloc' && step.value.grow)) break;
		step = generator.next();
	}
	return {stdout, stderr, status: step.done ? step.value : undefined, effects};
}

const cases: Array<[string, {stdout?: string; stderr?: string; status?: number | undefined}]> = [
	['echo hello; sleep 5', {stdout: 'hello\n', status: 0}],
	['exit 1', {stdout: '', status: 1}],
	['exit 300', {status: 44}],
	['false || echo or; true && echo and; false && echo never; echo $?', {stdout: 'or\nand\n1\n'}],
	['X=1; export Y=2; echo $X ${Y} "$X $Y" \'$X\'', {stdout: '1 2 1 2 $X\n'}],
	['echo ${UNSET:-fallback}', {stdout: 'fallback\n'}],
	['for i in a b c; do echo $i; done', {stdout: 'a\nb\nc\n'}],
	['i=0; while [ $i -lt 3 ]; do echo $i; i=$((i + 1)); done', {stdout: '0\n1\n2\n'}],
	['until [ "$n" = xxx ]; do n="${n}x"; done; echo $n', {stdout: 'xxx\n'}],
	['if [ -f /etc/hostname ]; then echo yes; else echo no; fi', {stdout: 'yes\n'}],
	['if test -d /nope; then echo a; elif [ 1 -eq 1 ]; then echo b; fi', {stdout: 'b\n'}],
	['echo "a b" | wc -w', {stdout: '2\n'}],
	['printf "%s=%d\\n" answer 42', {stdout: 'answer=42\n'}],
	['echo $(hostname)-$(cat /etc/hostname)', {stdout: 'box-box\n'}],
	['echo hi > /tmp/f; echo there >> /tmp/f; cat /tmp/f | grep -c h', {stdout: '2\n'}],
	['cat /missing', {stderr: 'cat: /missing: No such file or directory\n', status: 1}],
	['nosuch arg', {stderr: 'sh: nosuch: not found\n', status: 127}],
	['cd /tmp && pwd', {stdout: '/tmp\n'}],
	['cd /nowhere', {stderr: "sh: cd: can't cd to /nowhere: No such file or directory\n", status: 2}],
	['! true; echo $?', {stdout: '1\n'}],
	['date', {stdout: 'Fri Nov 27 17:40:31 UTC 2026\n'}],
	['echo "unterminated', {stderr: 'sh: syntax error: unterminated quoted string\n', status: 2}],
	['done', {stderr: 'sh: syntax error: unexpected "done"\n', status: 2}],
	['if true; then echo x', {stderr: 'sh: syntax error: unexpected end of file\n', status: 2}],
	['seq 3 | sort -r | head -n 2', {stdout: '3\n2\n'}],
	['ls /; mkdir -p /a/b && ls /a', {stdout: 'etc\ntmp\nb\n'}],
	['echo x 2>&1 > /dev/null; echo y', {stdout: 'y\n'}],
	['echo oops >&2; echo fine', {stdout: 'fine\n', stderr: 'oops\n'}],
	['echo oops 1>&2 && exit 3', {stderr: 'oops\n', status: 3}],
	['sleep abc', {stderr: "sleep: invalid number 'abc'\n", status: 1}],
	['[[ web-2 =~ -([0-9]+)$ ]] && echo ${BASH_REMATCH[1]}', {stdout: '2\n'}],
	['[[ $(hostname) =~ -([0-9]+)$ ]] || exit 1', {status: 1}],
	['[[ -f /etc/hostname && abc == a* ]] && echo both', {stdout: 'both\n'}],
	['cp /etc/hostname /tmp/ && cat /tmp/hostname', {stdout: 'box\n'}],
	['mysqladmin ping', {status: 1}],
	// set -e: the first failing command ends the script with its status...
	['set -e; echo one; cat /missing; echo never', {stdout: 'one\n', stderr: 'cat: /missing: No such file or directory\n', status: 1}],
	['set -e; nosuch; echo never', {stdout: '', status: 127}],
	['set -o errexit; false; echo never', {stdout: '', status: 1}],
	['set -e; true && false; echo never', {stdout: '', status: 1}],
	['set -e; for f in a b; do echo $f; false; done; echo never', {stdout: 'a\n', status: 1}],
	['set -e; { echo in; false; }; echo never', {stdout: 'in\n', status: 1}],
	// ...except in the places POSIX exempts: conditions, all but the last of && and ||, ! pipelines
	['set -e; if false; then echo no; fi; while false; do :; done; echo on', {stdout: 'on\n', status: 0}],
	['set -e; false || echo recovered; false && echo no; ! true; echo $?', {stdout: 'recovered\n1\n', status: 0}],
	['set -e; false | true; echo piped', {stdout: 'piped\n', status: 0}],
	['set -e; set +e; false; echo off', {stdout: 'off\n', status: 0}],
	['sh -ec "echo a; false; echo b"; echo rc=$?', {stdout: 'a\nrc=1\n'}],
	['sh -e -c "false; echo b"; echo rc=$?', {stdout: 'rc=1\n'}],
	['echo web-2 | sed -E "s/.*-([0-9]+)$/\\1/"', {stdout: '2\n'}],
	['sed -i "s/box/pod/" /etc/hostname && cat /etc/hostname', {stdout: 'pod\n'}],
	['set -e; sed "s/a/b" /etc/hostname; echo never', {stderr: "sed: -e expression #1, char 5: unterminated `s' command\n", status: 1}],
];

for (const [script, expected] of cases) {
	test(`sh -c ${JSON.stringify(script)}`, t => {
		const result = run(script);
		if (expected.stdout !== undefined) t.is(result.stdout, expected.stdout);
		if (expected.stderr !== undefined) t.is(result.stderr, expected.stderr);
		if ('status' in expected) t.is(result.status, expected.status);
	});
}

test('time-taking programs are effects: sleep, tail -f, loops without sleep, stress, tail /dev/zero', t => {
	t.deepEqual(run('echo a; sleep 2; echo b').effects, [{kind: 'sleep', ms: 2000}]);
	t.deepEqual(run('while true; do echo tick; sleep 1; done').effects.slice(0, 3), [{kind: 'sleep', ms: 1000}, {kind: 'sleep', ms: 1000}, {kind: 'sleep', ms: 1000}]);
	t.deepEqual(run('tail -f /dev/null').effects, [{kind: 'block'}]);
	t.deepEqual(run('sleep infinity').effects, [{kind: 'block'}]);
	t.deepEqual(run('while true; do :; done').effects, [{kind: 'busy'}]);
	t.deepEqual(run('stress --vm 1 --vm-bytes 250M').effects, [{kind: 'alloc', bytes: 250 * 2 ** 20, grow: false}, {kind: 'block'}]);
	t.deepEqual(run('tail /dev/zero').effects, [{kind: 'alloc', bytes: Number.POSITIVE_INFINITY, grow: true}]);
});

test('in exec mode sleeping takes no time and blocking ends the command', t => {
	t.deepEqual(run('echo a; sleep 100; echo b', {exec: true}), {stdout: 'a\nb\n', stderr: '', status: 0, effects: []});
	t.is(run('tail -f /dev/null', {exec: true}).status, 124);
	t.is(run('while true; do :; done', {exec: true}).status, 124);
});

test('sleep durations', t => {
	t.is(sleepMs('5'), 5000);
	t.is(sleepMs('0.5'), 500);
	t.is(sleepMs('2m'), 120_000);
	t.is(sleepMs('1h'), 3_600_000);
	t.is(sleepMs('infinity'), Number.POSITIVE_INFINITY);
	t.is(sleepMs('x'), undefined);
});

test('the parser keeps keywords as words outside command position', t => {
	t.is(run('echo done if then').stdout, 'done if then\n');
	t.notThrows(() => parse('while true; do\n  echo x\n  sleep 1\ndone'));
});
