import test from 'ava';
import {createCluster, type Pod} from '../../../source/engine/index.js';

function cluster() {
	const c = createCluster({seed: 5, nodes: 1});
	c.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web'}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}});
	c.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'box'}, spec: {containers: [{name: 'box', image: 'busybox:1.36', command: ['sleep', '3600']}]}});
	c.advance(30_000);
	for (const name of ['web', 'box']) if ((c.get('pod', name) as Pod).status?.phase !== 'Running') throw new Error(`${name} is not running`);
	return c;
}

test('exec -i: the command reads its standard input to the end (a script for sh, text for cat)', t => {
	const c = cluster();
	t.like(c.exec('web', ['sh'], {stdin: 'echo hi\ncd /etc\npwd\n'}), {stdout: 'hi\n/etc\n', exitCode: 0});
	t.like(c.exec('web', ['cat'], {stdin: 'piped\ntext\n'}), {stdout: 'piped\ntext\n', exitCode: 0});
	t.like(c.exec('web', ['sh'], {stdin: 'exit 4\necho never\n'}), {stdout: '', exitCode: 4});
	t.throws(() => c.exec('web', ['cat'], {stdin: 5 as unknown as string}), {message: 'stdin: must be a string'});
});

test('exec -it sh: one shell whose directory and variables last from line to line, with dash\'s prompt on Debian and ash\'s on busybox', t => {
	const c = cluster();
	const {session} = c.openShell('web', ['sh']);
	t.truthy(session);
	t.is(session!.prompt(), '# ');
	t.like(session!.run('cd /etc'), {stdout: '', exitCode: 0, exited: false});
	t.like(session!.run('pwd'), {stdout: '/etc\n', exited: false});
	t.like(session!.run('GREETING=hello; export GREETING'), {exitCode: 0});
	t.like(session!.run('echo $GREETING from $(pwd)'), {stdout: 'hello from /etc\n'});
	t.like(session!.run('nosuch'), {stderr: 'sh: nosuch: not found\n', exitCode: 127, exited: false});
	t.like(session!.run('echo $?'), {stdout: '127\n'});
	t.like(session!.run('exit 3'), {exitCode: 3, exited: true});
	t.like(session!.run('echo after'), {stdout: '', exited: true});
	const box = c.openShell('box', ['sh']).session!;
	t.is(box.prompt(), '/ # ');
	box.run('cd /tmp');
	t.is(box.prompt(), '/tmp # ');
});

test('exec -it bash shows Debian\'s bash prompt, with ~ for the home directory', t => {
	const c = cluster();
	const bash = c.openShell('web', ['/bin/bash']).session!;
	t.is(bash.shell, 'bash');
	t.is(bash.prompt(), 'root@web:/# ');
	bash.run('cd /root');
	t.is(bash.prompt(), 'root@web:~# ');
});

test('exec -it of a command that is not a shell runs it once; a program the image lacks fails as runc says; a missing container is refused', t => {
	const c = cluster();
	const listing = c.openShell('web', ['ls', '/']);
	t.is(listing.session, undefined);
	t.regex(listing.result!.stdout, /\betc\b/);
	t.like(c.openShell('web', ['sh', '-c', 'echo once']).result, {stdout: 'once\n'});
	t.like(c.openShell('web', ['zsh']).result, {exitCode: 126, stderr: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "zsh": executable file not found in $PATH: unknown'});
	t.throws(() => c.openShell('web', ['sh'], {container: 'nope'}), {message: 'container nope is not valid for pod web'});
});

test('an interactive shell ends when its container stops', t => {
	const c = cluster();
	const session = c.openShell('web', ['sh']).session!;
	c.delete('pod', 'web', {gracePeriodSeconds: 0});
	c.advance(5_000);
	t.like(session.run('echo hi'), {exited: true, exitCode: 137});
});

test('busybox and Alpine images have ash but no bash, as the real images', t => {
	const c = cluster();
	const missing = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown';
	t.like(c.openShell('box', ['bash']).result, {exitCode: 126, stderr: missing});
	t.like(c.exec('box', ['bash', '-c', 'echo hi']), {exitCode: 126, stderr: missing});
	t.is(c.openShell('box', ['ash']).session!.prompt(), '/ # ');
	c.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'alp'}, spec: {restartPolicy: 'Never', containers: [{name: 'a', image: 'alpine:3.20', command: ['bash', '-c', 'echo hi']}]}});
	c.advance(30_000);
	const status = (c.get('pod', 'alp') as Pod).status!.containerStatuses![0]!;
	t.is(status.state.terminated?.reason, 'StartError');
});

test('attach: the container\'s own shell, waiting on its terminal, answers; its exit ends the container, and a detach does so only with stdinOnce', t => {
	const c = createCluster({seed: 5, nodes: 1});
	const shellPod = (name: string, stdinOnce: boolean) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name}, spec: {restartPolicy: 'Never', containers: [
		{name: 'sh', image: 'busybox:1.36', command: ['sh'], stdin: true, stdinOnce, tty: true},
	]}});
	c.apply(shellPod('once', true));
	c.apply(shellPod('stays', false));
	c.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'sleeper'}, spec: {containers: [{name: 'box', image: 'busybox:1.36', command: ['sleep', '3600']}]}});
	c.advance(30_000);
	const phase = (name: string) => (c.get('Pod', name) as Pod).status?.phase;
	const attached = c.openShell('once', [], {attach: true}).session!;
	t.is(attached.prompt(), '/ # ');
	t.like(attached.run('cd /tmp; echo here > mark; pwd'), {stdout: '/tmp\n', exitCode: 0, exited: false});
	// It is the main process: pid 1 is the shell, and no exec was counted.
	t.regex(attached.run('ps').stdout, /^ +1 root +sh$/m);
	t.like(attached.run('exit 3'), {exitCode: 3, exited: true});
	c.advance(5000);
	t.is(phase('once'), 'Failed');
	t.like((c.get('Pod', 'once') as Pod).status?.containerStatuses?.[0]?.state.terminated, {exitCode: 3, reason: 'Error'});
	// Detaching without stdinOnce leaves the shell waiting; a later attach finds it where it was.
	const first = c.openShell('stays', [], {attach: true}).session!;
	first.run('cd /etc');
	first.close();
	c.advance(5000);
	t.is(phase('stays'), 'Running');
	t.is(c.openShell('stays', [], {attach: true}).session!.run('pwd').stdout, '/\n', 'the main shell keeps its own directory; an attach session starts at the container\'s');
	// With stdinOnce, a detach is the end of its input: the shell exits 0.
	c.apply(shellPod('eof', true));
	c.advance(30_000);
	c.openShell('eof', [], {attach: true}).session!.close();
	c.advance(5000);
	t.is(phase('eof'), 'Succeeded');
	// A process that is no shell on a terminal cannot be attached to as one.
	const refused = c.openShell('sleeper', [], {attach: true});
	t.is(refused.session, undefined);
	t.regex(refused.result!.stderr, /has no shell waiting on its standard input/);
	// The attach is journaled as any shell: a replay of the history comes to the same end.
	const replayed = createCluster({snapshot: c.snapshot(), restore: 'replay'});
	t.is((replayed.get('Pod', 'once') as Pod).status?.phase, 'Failed');
	t.is((replayed.get('Pod', 'eof') as Pod).status?.phase, 'Succeeded');
});

test('a here-document typed line by line: the shell asks for each line with > and runs the whole once its delimiter comes, a save and load between', t => {
	const c = cluster();
	const box = c.openShell('box', ['sh']).session!;
	t.like(box.run('NAME=web'), {exitCode: 0});
	t.like(box.run('cat > /tmp/pod.yaml <<EOF'), {stdout: '', exitCode: 0, exited: false});
	t.is(box.prompt(), '> ');
	box.run('kind: Pod');
	box.run('name: $NAME');
	// The lines typed so far are the session's state: saved and loaded back, the session goes on where it was.
	c.reloadParts();
	t.is(box.prompt(), '> ');
	t.like(box.run('EOF'), {stdout: '', exitCode: 0});
	t.is(box.prompt(), '/ # ');
	t.like(box.run('cat /tmp/pod.yaml'), {stdout: 'kind: Pod\nname: web\n'});
	// A quoted delimiter keeps the lines as typed; <<- drops their leading tabs.
	t.like(c.exec('box', ['sh', '-c', "cat <<'END'\n$HOME $(echo x)\nEND"]), {stdout: '$HOME $(echo x)\n'});
	t.like(c.exec('box', ['sh', '-c', 'cat <<-END\n\t\tone\n\tEND\necho two']), {stdout: 'one\ntwo\n'});
	t.like(c.exec('box', ['sh', '-c', 'cat <<']), {stderr: 'sh: syntax error: unexpected end of file\n', exitCode: 2});
	// A here-string: the word, expanded, then a newline.
	t.like(c.exec('box', ['sh', '-c', 'X=b; wc -l <<< "a $X"; cat <<<$HOME; cat <<< \'$X\'; grep b <<< "a $X"']), {stdout: '1\n/root\n$X\na b\n', exitCode: 0});
});
