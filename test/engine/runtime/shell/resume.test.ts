import test, {type ExecutionContext} from 'ava';
import fc from 'fast-check';
import {Shell, type SavedShell, type ShellEffect, type ShellIo, type ShellProgram} from '../../../../source/engine/runtime/shell/interpreter.js';
import {FileTree} from '../../../../source/engine/runtime/filetree.js';
import {SeededRandom} from '../../../../source/engine/clock.js';
import type {Container, Pod} from '../../../../source/engine/api/types.js';

/**
 * A suspended script saved as data and resumed in a fresh shell goes on
 * exactly as the one that never stopped: same effects, output, syscalls,
 * files and status, from every point where it waits.
 */

/** What a shell sees outside itself: its files, the virtual clock and the pid counter. */
type World = {fs: FileTree; now: number; pid: number};
type Event = [string, ...unknown[]];

function world(): World {
	return {fs: FileTree.from({'/etc/hostname': 'box\n', '/tmp/.keep': '', '/data/.keep': ''}), now: Date.UTC(2026, 10, 27, 17, 40, 31), pid: 100};
}

function copy(of: World): World {
	return {fs: FileTree.from(Object.fromEntries(of.fs.files())), now: of.now, pid: of.pid};
}

/** An io over `world` that records every write and syscall in `events`. */
function recording(world: World, events: Event[]): ShellIo {
	return {
		base: {
			pod: {} as Pod,
			container: {name: 'c', image: 'busybox'} as Container,
			fs: world.fs,
			random: new SeededRandom(1),
			hostname: 'box',
			processes: () => [{pid: 1, user: 'root', command: 'sh'}],
			listening: () => false,
			resolve: (name: string) => ({tried: [name]}),
			request: () => ({error: 'timeout', ip: '10.0.0.9'}),
		},
		now: () => world.now,
		out: text => events.push(['out', text]),
		err: text => events.push(['err', text]),
		trace: (pid, name, args, ret) => events.push(['trace', pid, name, args, ret]),
		nextPid: () => ++world.pid,
		pid: 1,
		exec: false,
	};
}

type Start = {script: string} | {argv: string[]};

function start(io: ShellIo, what: Start): ShellProgram<number> {
	const shell = new Shell(io, {HOME: '/root', PATH: '/bin:/usr/bin'});
	if ('argv' in what) return shell.program(what.argv);
	if (what.script.startsWith('set -x; ')) shell.setOptions(['-x']);
	return shell.script(what.script);
}

/** Take `effects` more effects from `program` (the clock moves on with each sleep); records them and the status it ends with. */
function drive(program: ShellProgram<number>, world: World, events: Event[], effects: number): number {
	let taken = 0;
	while (taken < effects) {
		const step = program.next();
		if (step.done) {
			events.push(['exit', step.value]);
			return taken;
		}
		taken++;
		events.push(['effect', step.value]);
		const effect: ShellEffect = step.value;
		if (effect.kind === 'sleep' && Number.isFinite(effect.ms)) world.now += effect.ms;
	}
	return taken;
}

/** Stop after every effect in turn, save, resume a copy, and compare both ends with a run that never stopped. */
function checkResumes(t: ExecutionContext, what: Start, limit = 12): number {
	const reference: Event[] = [];
	const referenceWorld = world();
	const total = drive(start(recording(referenceWorld, reference), what), referenceWorld, reference, limit);
	let saves = 0;
	for (let stop = 0; stop <= total; stop++) {
		const events: Event[] = [];
		const first = world();
		const program = start(recording(first, events), what);
		const taken = drive(program, first, events, stop);
		if (events.at(-1)?.[0] === 'exit') break;
		const saved = JSON.parse(JSON.stringify(program.save())) as SavedShell;
		saves++;
		const second = copy(first);
		const resumed: Event[] = [...events];
		drive(Shell.resume(recording(second, resumed), saved), second, resumed, limit - taken);
		drive(program, first, events, limit - taken);
		const label = `${JSON.stringify(what)} saved after ${stop} effects`;
		t.deepEqual(events, reference, label);
		t.deepEqual(resumed, reference, label);
		t.deepEqual(second.fs.files(), referenceWorld.fs.files(), label);
		t.is(second.pid, referenceWorld.pid, label);
	}
	return saves;
}

const scripts = [
	'i=0; while true; do echo tick $i; i=$((i + 1)); sleep 5; done',
	'while true; do echo $(date) >> /data/log; sleep 5; done',
	'i=0; until [ $i -ge 3 ]; do echo $i; i=$((i + 1)); sleep 1; done; echo end $i',
	'for f in $(seq 3) a "b c" $HOME; do echo item $f; sleep 1; echo after $f; done; echo $? $f',
	'if sleep 1; then echo yes; sleep 2; elif false; then echo no; fi; if false; then :; elif sleep 3 && true; then echo elif; sleep 1; else echo else; fi; echo $?',
	'if false; then echo no; else sleep 2; echo otherwise; fi',
	'sleep 1 | cat; echo piped $?; seq 3 | { sleep 2; cat; } | wc -l; echo a | while read x; do echo in $x; sleep 1; done',
	'echo x | ( cat; sleep 1; echo y ) | sed s/x/X/; ( cd /tmp; sleep 1; pwd ); pwd',
	'{ echo in group; sleep 1; echo still; }; echo out',
	'sleep 2 > /tmp/out; echo x >> /tmp/out; cat /tmp/out; wget -q -T 3 -O- http://slow > /tmp/w 2>&1; cat /tmp/w; wget -T 2 -O- http://slow 2> /tmp/w2 | cat; cat /tmp/w2',
	'x=$(echo hi; sleep 3; echo there); echo "$x"; sleep 1; echo $x | sed s/h/H/',
	'set -e; for i in 1 2 3; do echo $i; sleep 1; [ $i -lt 2 ]; done; echo never',
	'set -x; X=1; export Y=2; for i in a b; do echo "$i $X" $Y; sleep 1; done; cd /tmp; sleep 1; pwd',
	'n=0; while true; do n=$((n + 1)); if [ $n -gt 2 ]; then echo bye; exit 7; fi; sleep 1; done',
	'echo a && sleep 1 && echo b || echo c; ! sleep 1; echo $?; false || sleep 1 && echo after',
	'stress --vm 1 --vm-bytes 1M > /tmp/s 2>&1; cat /tmp/s; tail -f /dev/null; echo after block; sleep infinity; echo later',
	'echo start; yes; tail /dev/zero; echo $?; exec sleep 4',
	'i=0; while true; do i=$((i + 1)); done',
	'for k in $(seq 4000); do :; done; tail -f /dev/null; n=0; while true; do n=$((n + 1)); echo $n > /tmp/n; done',
	'sh -c "echo nested; sleep 5"; sleep 1; bash -ec "false; echo no"; echo $?',
	'for a in 1 2; do for b in x y; do while [ "$c" != "$a$b" ]; do c=$a$b; sleep 1; done; echo $a$b; done; done',
];

for (const script of scripts) {
	test(`a script saved while it waits resumes as it would have gone on: ${script}`, t => {
		t.true(checkResumes(t, {script}, script.includes('while true; do i=') || script.includes('while true; do n=') ? 3 : 12) > 0);
	});
}

test('a program run directly (not a shell) is saved and resumed too', t => {
	for (const argv of [['sleep', '3'], ['stress', '--vm-bytes', '1M'], ['tail', '-f', '/dev/null'], ['sh', '-c', 'echo a; sleep 1'], ['nosuch']]) checkResumes(t, {argv});
	t.pass();
});

test('the saved state is data: a waiting loop is a stack of small frames', t => {
	const events: Event[] = [];
	const program = start(recording(world(), events), {script: 'while true; do echo $(date) >> /data/log; sleep 5; done'});
	program.next();
	const saved = program.save();
	t.deepEqual(saved.frames.map(frame => frame.k), ['list', 'andOr', 'pipeline', 'while', 'list', 'andOr', 'pipeline', 'simple', 'argv']);
	t.deepEqual(JSON.parse(JSON.stringify(saved)), saved);
});

/** Random scripts from a small grammar: loops with counters, conditions, pipelines, groups, redirections, sleeps. */
const scriptArbitrary = fc.letrec<{list: string; command: string}>(tie => ({
	command: fc.oneof(
		{depthSize: 'small', withCrossShrink: true},
		fc.constantFrom('echo a', 'sleep 1', 'sleep 2 > /tmp/s', 'x=$((x + 1))', 'echo $x >> /tmp/f', 'cat /tmp/f', 'false', 'true', 'echo $(echo sub; sleep 1)', 'seq 2 | cat', 'sleep 1 | wc -c', 'cd /tmp', 'echo $? >&2'),
		fc.tuple(fc.constantFrom('a b', '$(seq 2)', '1'), tie('list')).map(([items, body]) => `for v in ${items}; do ${body}; done`),
		fc.tuple(tie('list'), tie('list'), tie('list')).map(([condition, body, otherwise]) => `if ${condition}; then ${body}; else ${otherwise}; fi`),
		fc.tuple(fc.nat(1_000_000), tie('list')).map(([n, body]) => `c${n}=0; while [ $c${n} -lt 2 ]; do c${n}=$((c${n} + 1)); ${body}; done`),
		tie('list').map(body => `{ ${body}; }`),
		tie('list').map(body => `echo in | ( ${body} ) | cat`),
	),
	list: fc.array(fc.tuple(tie('command'), fc.constantFrom('; ', ' && ', ' || ', ' | ')), {minLength: 1, maxLength: 3}).map(items => items.map(([command, op], index) => index === items.length - 1 ? command : command + op).join('')),
})).list;

test('random scripts resume from every point where they wait', t => {
	fc.assert(fc.property(scriptArbitrary, fc.boolean(), (script, errexit) => {
		checkResumes(t, {script: errexit ? `set -e; ${script}` : script}, 10);
	}), {numRuns: 60, seed: 5});
	t.pass();
});
