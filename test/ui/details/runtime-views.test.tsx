import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {renderApp} from '../actions/harness.js';

const hostile = () => {
	const cluster = createCluster({seed: 4});
	cluster.apply({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'evil'},
		spec: {containers: [{name: 'c', image: 'busybox', command: ['sh', '-c', 'echo "x\x1b[2Jy\x1b]52;c;ZXZpbA==\x07z" > /tmp/evil; echo "start \x1b]0;pwned\x07 mid \x1b[2J end"; echo "second line"; sleep 3600']}]},
	});
	cluster.advance(30_000);
	return cluster;
};

const controls = /\x1b|\x07|\x9b|\x9d/;

async function selectPod(app: Awaited<ReturnType<typeof renderApp>>, name: string) {
	await app.press(':', 'p', 'o', 'enter');
	await app.waitFor(f => f.includes(name), 'the pods view');
	await app.press('/', ...name, 'enter');
}

test.serial('l shows the logs with escape sequences made inert; t, w and s toggle timestamps, wrap and autoscroll, p asks for the previous instance', async t => {
	const app = await renderApp({cluster: hostile(), namespace: 'default'});
	try {
		await selectPod(app, 'evil');
		await app.press('l');
		let frame = await app.waitFor(f => f.includes('second line'), 'the logs');
		t.regex(frame, /start 0;pwned mid {2}end|start {1,2}mid {1,2}end/);
		t.false(controls.test(frame), 'no control sequence reaches the frame');
		t.regex(frame, /Autoscroll:On\s+Timestamps:Off\s+Wrap:Off\s+Previous:Off/);
		await app.press('t');
		frame = await app.waitFor(f => f.includes('Timestamps:On'), 'timestamps on');
		t.regex(frame, /^\s*2026-01-01T09:00:\d\d\.\d+Z start/m);
		await app.press('w');
		await app.waitFor(f => f.includes('Wrap:On'), 'wrap on');
		await app.press('s');
		await app.waitFor(f => f.includes('Autoscroll:Off'), 'autoscroll off');
		await app.press('p');
		await app.waitFor(f => f.includes('previous terminated container "c" in pod "evil" not found'), 'the previous-logs error');
		t.pass();
	} finally {
		await app.cleanup();
	}
});

test.serial('s opens a shell as k9s does (bash, else sh): busybox\'s ash prompt, commands run in one shell so cd and variables last, output is sanitised, exit leaves', async t => {
	const app = await renderApp({cluster: hostile(), namespace: 'default'});
	try {
		await selectPod(app, 'evil');
		await app.press('s');
		let frame = await app.waitFor(f => /^\s*\/ #/m.test(f), 'busybox\'s prompt: the image has no bash');
		await app.press(...'whoami', 'enter');
		await app.waitFor(f => /\/ # whoami\n\s*root\s*$/m.test(f), 'whoami');
		await app.press(...'cat /etc/hostname', 'enter');
		frame = await app.waitFor(f => /^\s*evil\s*$/m.test(f), 'the hostname');
		await app.press(...'cd /etc', 'enter');
		await app.waitFor(f => /^\s*\/etc #/m.test(f), 'the new directory in the prompt');
		await app.press(...'pwd', 'enter');
		await app.waitFor(f => /^\s*\/etc\s*$/m.test(f), 'pwd output');
		await app.press(...'GREETING=hi', 'enter');
		await app.press(...'echo $GREETING', 'enter');
		await app.waitFor(f => /echo \$GREETING\n\s*hi\s*$/m.test(f), 'a variable set on an earlier line');
		await app.press(...'cat /tmp/evil', 'enter');
		frame = await app.waitFor(f => /^\s*xyz\s*$/m.test(f), 'the file text without its escape sequences');
		t.false(controls.test(frame));
		await app.press(...'nosuch', 'enter');
		await app.waitFor(f => f.includes('sh: nosuch: not found'), 'stderr');
		await app.press(...'exit', 'enter');
		await app.waitFor(f => !/^\s*\/etc #/m.test(f), 'the shell to close');
	} finally {
		await app.cleanup();
	}
});

test.serial('the shell\'s prompt follows the container\'s user: bash says "I have no name!" for a user id without a passwd entry, and $ for a user that is not root', async t => {
	const cluster = createCluster({seed: 4});
	cluster.apply({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'nonroot'},
		spec: {securityContext: {runAsUser: 1000}, containers: [{name: 'c', image: 'nginx:1.25'}]},
	});
	cluster.advance(30_000);
	const app = await renderApp({cluster, namespace: 'default'});
	try {
		await selectPod(app, 'nonroot');
		await app.press('s');
		await app.waitFor(f => f.includes('I have no name!@nonroot:/$'), 'the prompt of a user without a name');
		await app.press(...'id', 'enter');
		const frame = await app.waitFor(f => /^\s*uid=1000 gid=0\(root\) groups=0\(root\)\s*$/m.test(f), 'id');
		t.false(frame.includes('root@nonroot'));
	} finally {
		await app.cleanup();
	}
});

test.serial('t opens the live trace: categories filter, call filter, pause, summary', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await selectPod(app, 'web-');
		await app.press('t');
		let frame = await app.waitFor(f => f.includes('[1]process') && /\w+\(.*\) = /.test(f), 'the trace');
		t.regex(frame, /\d\d:\d\d:\d\d\.\d{3}\s+\d+\s+\w+\(/);
		// Each digit once in the hints: the trace's categories take the place of the namespace favourites.
		for (const digit of ['1', '2', '3', '4', '5']) t.is(frame.split(`<${digit}>`).length - 1, 1, `<${digit}> once`);
		t.regex(frame, /<1> Only process control/);
		// Only file management.
		await app.press('2');
		frame = await app.waitFor(f => /calls$/m.test(f) && !/\b(clone|execve|wait4|exit_group|socket|accept4|getpid|ioctl)\(/.test(f), 'file calls only');
		t.regex(frame, /\b(openat|read|write|close|mount|fstat|newfstatat|pivot_root|chdir|mkdirat|writev)\(/);
		await app.press('2');
		await app.waitFor(f => /\b(accept4|clone|execve)\(/.test(f), 'every category again');
		await app.press('5');
		frame = await app.waitFor(f => /calls$/m.test(f) && !/\b(openat|read|write|close|fstat|execve|clone)\(/.test(f), 'communications only');
		await app.press('0', '/', ...'accept', 'enter');
		frame = await app.waitFor(f => f.includes('call:/accept') && /accept4\(/.test(f), 'the call filter by prefix');
		let calls = frame.split('\n').filter(l => /^\d\d:\d\d:\d\d\.\d{3}\s/.test(l.trim()));
		t.true(calls.length > 0 && calls.every(l => l.includes('accept4(')));
		await app.press('/', 'ctrl-u', ...'execve', 'enter');
		frame = await app.waitFor(f => f.includes('call:/execve') && /execve\(/.test(f), 'the call filter');
		calls = frame.split('\n').filter(l => /^\d\d:\d\d:\d\d\.\d{3}\s/.test(l.trim()));
		t.true(calls.length > 0 && calls.every(l => l.includes('execve(')));
		await app.press('space');
		frame = await app.waitFor(f => f.includes('PAUSED'), 'paused');
		await app.advance(30_000);
		t.true(app.frame().includes('PAUSED'));
		await app.press('s');
		frame = await app.waitFor(f => f.includes('% calls') && f.includes('total'), 'the summary');
		t.regex(frame, /100\.00\s+\d+\s+(\d+\s+)?total/);
		t.regex(frame, /process control/);
	} finally {
		await app.cleanup();
	}
});

test.serial('from the containers view, l and t work on that container', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await selectPod(app, 'db-0');
		await app.press('enter');
		await app.waitFor(f => /containers/i.test(f) && f.includes('mysql'), 'the containers view');
		await app.press('l');
		await app.waitFor(f => f.includes('logs shop/db-0:mysql'), 'the container logs');
		await app.press('esc', 't');
		await app.waitFor(f => f.includes('trace shop/db-0:mysql') && f.includes('[1]process'), 'the container trace');
		t.pass();
	} finally {
		await app.cleanup();
	}
});
