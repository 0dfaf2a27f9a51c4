import test from 'ava';
import {registerActions} from '../../../source/ui/app/contract.js';
import {startDashboard} from '../harness.js';
import {columnSetFor} from '../../../source/ui/render/registry.js';
import {kindAliases} from '../../../source/ui/app/commands.js';

// A dangerous and a safe action only these tests use (kind ConfigMap).
let touched = 0;
registerActions('ConfigMap', [
	{binding: {key: 'shift-x', action: 'test.explode', description: 'Explode', dangerous: true}, handler: () => {}},
	{binding: {key: 'shift-w', action: 'test.touch', description: 'Touch'}, handler: () => {
		touched++;
	}},
]);

test.serial('home shows the live panels, the nodes strip and events', async t => {
	const shell = await startDashboard({namespace: 'all'});
	const frame = await shell.waitFor(f => f.includes('Pods') && f.includes('Nodes 3'));
	for (const text of ['Deployments', 'StatefulSets', 'Volumes', 'Events (latest', 'Cluster:', 'Clock:', 'home']) t.true(frame.includes(text), text);
	await shell.unmount();
});

test.serial('every view renders its columns through its command alias', async t => {
	// Wide enough for every column (a narrower terminal leaves optional ones out).
	const shell = await startDashboard({namespace: 'all', size: {columns: 200, rows: 40}});
	for (const [kind, aliases] of Object.entries(kindAliases)) {
		const alias = aliases[aliases.length - 1]!;
		await shell.press(':', ...alias, 'enter');
		const columns = columnSetFor(kind)!.columns.filter(c => !c.wide).map(c => c.name);
		const frame = await shell.waitFor(f => columns.every(c => f.includes(c.slice(0, 5))), `${kind} columns`);
		t.true(frame.includes(columns[0]!), kind);
	}
	await shell.unmount();
});

test.serial('command mode opens a view in a namespace, keeps history and flashes unknown commands', async t => {
	const shell = await startDashboard();
	await shell.press(':', ...'po kube-system', 'enter');
	let frame = await shell.waitFor(f => f.includes('pods(kube-system)'));
	t.true(frame.includes('kube-proxy'));
	t.is(shell.api.namespace(), 'kube-system');
	await shell.press(':', ...'bogus', 'enter');
	frame = await shell.waitFor(f => f.includes('Unknown command "bogus"'));
	t.pass();
	await shell.press(':', ...'po nowhere', 'enter');
	await shell.waitFor(f => f.includes('namespaces "nowhere" not found'));
	await shell.press(':', 'up', 'up', 'up');
	frame = await shell.waitFor(f => f.includes(':> po kube-system'), 'history');
	await shell.press('esc');
	await shell.press(':', ...'dep', 'tab');
	await shell.waitFor(f => f.includes(':> deploy'), 'suggestion accepted');
	await shell.press('enter');
	await shell.waitFor(f => f.includes('deployments(kube-system)'));
	await shell.unmount();
});

test.serial('a burst of Backspaces read at once (key repeat, a paste) edits the command line', async t => {
	const shell = await startDashboard();
	await shell.press(':', ...'deployx');
	await shell.waitFor(f => f.includes(':> deployx'));
	await shell.press('\x7f\x7f\x7f\x7f\x7f');
	await shell.waitFor(f => f.includes(':> de') && !f.includes(':> dep'), 'five characters deleted');
	await shell.press(...'ploy', 'enter');
	await shell.waitFor(f => f.includes('deployments('));
	t.pass();
	await shell.unmount();
});

test.serial('simulation commands pause, resume and set the speed', async t => {
	const shell = await startDashboard();
	await shell.press(':', ...'speed 10', 'enter');
	await shell.waitFor(f => f.includes('x10'));
	t.is(shell.simulation.speed, 10);
	await shell.press(':', ...'pause', 'enter');
	await shell.waitFor(f => f.includes('paused'));
	t.true(shell.simulation.paused);
	await shell.press(':', ...'resume', 'enter');
	await shell.waitFor(f => f.includes('x10'));
	await shell.press(':', ...'speed 7', 'enter');
	await shell.waitFor(f => f.includes('Invalid speed "7"'));
	t.is(shell.simulation.speed, 10);
	t.is(shell.prefs.get().speed, 10);
	await shell.unmount();
});

test.serial('filter: regex, inverse, fuzzy, label selector and a bad selector', async t => {
	const shell = await startDashboard({namespace: 'all'});
	await shell.press(':', ...'po', 'enter');
	await shell.waitFor(f => f.includes('pods(all)'));
	await shell.press('/', ...'PROXY', 'enter');
	let frame = await shell.waitFor(f => f.includes('</PROXY>'));
	t.true(frame.includes('kube-proxy'));
	t.false(frame.includes('coredns'));
	await shell.press('esc');
	await shell.press('/', ...'!kube', 'enter');
	frame = await shell.waitFor(f => f.includes('</!kube>'));
	t.false(frame.includes('kube-proxy'));
	await shell.press('esc', '/', ...'-f crdns', 'enter');
	frame = await shell.waitFor(f => f.includes('</-f crdns>'));
	t.true(frame.includes('coredns'));
	t.false(frame.includes('kindnet'));
	await shell.press('esc', '/', ...'-l k8s-app=kube-dns', 'enter');
	frame = await shell.waitFor(f => f.includes('</-l k8s-app=kube-dns>'));
	t.true(frame.includes('coredns'));
	t.false(frame.includes('kindnet'));
	await shell.press('esc', '/', ...'-l app in (a', 'enter');
	frame = await shell.waitFor(f => f.includes('Bad label selector'));
	t.regex(frame, /Bad label selector "app in \(a"/);
	await shell.press('esc', '/', ...'web(', 'enter');
	await shell.waitFor(f => f.includes('Invalid filter regex'));
	await shell.unmount();
});

test.serial('sort keys order rows and toggle direction; the choice is saved per view', async t => {
	const shell = await startDashboard({namespace: 'kube-system'});
	await shell.press(':', ...'po', 'enter');
	await shell.waitFor(f => f.includes('pods(kube-system)'));
	const names = (frame: string) => frame.split('\n').filter(l => /^(coredns|kindnet|kube-proxy)/.test(l)).map(l => l.split(/\s+/)[0]!);
	let frame = shell.frame();
	const ascending = names(frame);
	t.deepEqual(ascending, [...ascending].sort());
	await shell.press('N');
	frame = await shell.waitFor(f => f.includes('NAME↑'));
	await shell.press('N');
	frame = await shell.waitFor(f => f.includes('NAME↓'));
	t.deepEqual(names(frame), [...ascending].sort().reverse());
	t.deepEqual(shell.prefs.get().sort['Pod'], {column: 'NAME', ascending: false});
	await shell.unmount();
});

test.serial('navigation keeps the cursor on the same object as rows change', async t => {
	const shell = await startDashboard({namespace: 'kube-system'});
	await shell.press(':', ...'po', 'enter');
	await shell.waitFor(f => f.includes('pods(kube-system)'));
	const first = shell.api.selection()!.object.metadata.name;
	await shell.press('j', 'j');
	const third = shell.api.selection()!.object.metadata.name;
	t.not(first, third);
	await shell.press('G');
	const last = shell.api.selection()!.object.metadata.name;
	await shell.press('g');
	t.is(shell.api.selection()!.object.metadata.name, first);
	await shell.press('j', 'j');
	t.is(shell.api.selection()!.object.metadata.name, third);
	// A new pod that sorts first must not move the cursor off the selected pod.
	shell.cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'aaa-first', namespace: 'kube-system'}, spec: {containers: [{name: 'c', image: 'busybox'}]}});
	await shell.advance(1000);
	await shell.waitFor(f => f.includes('aaa-first'));
	t.is(shell.api.selection()!.object.metadata.name, third);
	t.not(last, first);
	await shell.unmount();
});

test.serial('Enter drills down: pod → containers, node → its pods, deployment → its pods', async t => {
	const shell = await startDashboard({namespace: 'kube-system'});
	await shell.press(':', ...'po', 'enter');
	await shell.waitFor(f => f.includes('pods(kube-system)'));
	await shell.press('enter');
	let frame = await shell.waitFor(f => f.includes('containers(kube-system/'));
	t.true(frame.includes('PROBES(L:R:S)'));
	await shell.press('esc');
	await shell.waitFor(f => f.includes('pods(kube-system)'));
	await shell.press(':', ...'no', 'enter');
	await shell.waitFor(f => f.includes('nodes['));
	const node = shell.api.selection()!.object.metadata.name;
	await shell.press('enter');
	frame = await shell.waitFor(f => f.includes(`spec.nodeName=${node}`));
	const rows = shell.cluster.list('Pod', {fieldSelector: `spec.nodeName=${node}`});
	t.true(rows.length > 0);
	t.regex(frame, new RegExp(`pods\\(all\\)\\[${rows.length}\\]`));
	await shell.unmount();
});

test.serial('namespace favourites switch with digits, 0 is all', async t => {
	const shell = await startDashboard({prefs: {favorites: ['default', 'kube-system']}});
	await shell.press(':', ...'po', 'enter');
	await shell.waitFor(f => f.includes('pods(default)'));
	await shell.press('2');
	await shell.waitFor(f => f.includes('pods(kube-system)'));
	await shell.press('0');
	await shell.waitFor(f => f.includes('pods(all)'));
	t.is(shell.api.namespace(), 'all');
	await shell.unmount();
});

test.serial('help lists the view keys, global keys and namespaces; Esc closes it', async t => {
	const shell = await startDashboard();
	await shell.press(':', ...'cm', 'enter');
	await shell.waitFor(f => f.includes('configmaps('));
	await shell.press('?');
	const frame = await shell.waitFor(f => f.includes('RESOURCE') && f.includes('GENERAL'));
	for (const text of ['<ctrl-w>', 'Toggle wide', '<shift-x>', 'Explode', 'NAVIGATION', 'NAMESPACES']) t.true(frame.includes(text), text);
	await shell.press('esc');
	await shell.waitFor(f => f.includes('configmaps('));
	await shell.unmount();
});

test.serial('read-only mode removes dangerous actions from hints, help and keys', async t => {
	const shell = await startDashboard({readonly: true});
	await shell.press(':', ...'cm kube-system', 'enter');
	await shell.waitFor(f => f.includes('configmaps(kube-system)'));
	t.false(shell.frame().includes('Explode'));
	t.true(shell.frame().includes('Touch'));
	await shell.press('?');
	const help = await shell.waitFor(f => f.includes('RESOURCE'));
	t.false(help.includes('Explode'));
	t.false(help.includes('<ctrl-d>'));
	await shell.unmount();
});

test.serial('key overrides move an action to another key by its action name', async t => {
	const before = touched;
	const shell = await startDashboard({prefs: {keys: {'test.touch': 'ctrl-t', 'view.wide': 'shift-y'}}});
	shell.cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', namespace: 'kube-system'}, data: {a: '1'}});
	await shell.advance(100);
	await shell.press(':', ...'cm kube-system', 'enter');
	await shell.waitFor(f => f.includes('configmaps(kube-system)'));
	t.true(shell.frame().includes('<ctrl-t> Touch'));
	await shell.press('W');
	t.is(touched, before);
	await shell.press('ctrl-t');
	t.is(touched, before + 1);
	await shell.press('Y');
	await shell.waitFor(f => f.includes('<wide>') && f.includes('LABELS'));
	await shell.unmount();
});

test.serial('wide columns and faults only toggle with ctrl-w and ctrl-z', async t => {
	const shell = await startDashboard({namespace: 'kube-system'});
	await shell.advance(60_000);
	shell.cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'broken', namespace: 'kube-system'}, spec: {containers: [{name: 'c', image: 'no-such-registry.invalid/nope:1'}]}});
	await shell.advance(5_000);
	await shell.press(':', ...'po', 'enter');
	await shell.waitFor(f => f.includes('pods(kube-system)'));
	t.false(shell.frame().includes('QOS'));
	await shell.press('ctrl-w');
	await shell.waitFor(f => f.includes('QOS'));
	await shell.press('ctrl-z');
	const frame = await shell.waitFor(f => f.includes('<faults>'));
	t.true(frame.includes('broken'));
	// Every row left is a fault: not Running with all containers ready.
	const rows = frame.split('\n').filter(l => /^\S+\s+\d+\/\d+\s/.test(l));
	t.true(rows.length > 0);
	for (const row of rows) {
		const [, ready, status] = row.split(/\s+/);
		const [up, total] = ready!.split('/');
		t.false(status === 'Running' && up === total, row);
	}
	await shell.unmount();
});

test.serial('home: Tab moves between panels and Enter opens the focused panel\'s view', async t => {
	const shell = await startDashboard({namespace: 'all'});
	await shell.waitFor(f => f.includes('Pods'));
	await shell.press('tab');
	await shell.press('enter');
	await shell.waitFor(f => f.includes('deployments(all)'));
	await shell.press('esc');
	await shell.waitFor(f => f.includes('║Deployments') && !f.includes('deployments(all)'), 'home again, on the same panel');
	await shell.press('shift-tab', 'enter');
	await shell.waitFor(f => f.includes('pods(all)'));
	t.pass();
	await shell.unmount();
});

test.serial('a terminal that is too small gets a clear message instead of a frame', async t => {
	const shell = await startDashboard({size: {columns: 50, rows: 12}});
	const frame = await shell.waitFor(f => f.includes('Terminal too small'));
	t.true(frame.includes('at least 60x16'));
	t.false(frame.includes('Cluster:'));
	await shell.unmount();
});

test.serial('80x24 fits: the frame has at most rows-1 lines', async t => {
	const shell = await startDashboard({size: {columns: 80, rows: 24}, namespace: 'all'});
	let frame = await shell.waitFor(f => f.includes('Pods'));
	t.true(frame.split('\n').length <= 23);
	await shell.press(':', ...'po', 'enter');
	frame = await shell.waitFor(f => f.includes('pods(all)'));
	t.true(frame.split('\n').length <= 23);
	t.true(frame.split('\n').every(line => line.length <= 80));
	await shell.unmount();
});

test.serial(':theme switches themes; an unknown one is a flash error', async t => {
	const shell = await startDashboard();
	await shell.press(':', ...'theme light', 'enter');
	await shell.waitFor(f => f.includes('Theme light'));
	t.is(shell.api.theme.name, 'light');
	t.is(shell.prefs.get().theme, 'light');
	await shell.press(':', ...'theme nope', 'enter');
	await shell.waitFor(f => f.includes('Theme "nope" not found'));
	t.is(shell.api.theme.name, 'light');
	await shell.unmount();
});
