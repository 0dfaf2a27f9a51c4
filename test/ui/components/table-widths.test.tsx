import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import '../../../source/ui/extensions.js';
import {formatRow, shrinkWidths} from '../../../source/ui/components/table/table.js';
import type {Column} from '../../../source/ui/render/columns.js';
import {truncateMiddle} from '../../../source/ui/text-width.js';
import {startDashboard} from '../harness.js';

test('truncateMiddle keeps the start and the end', t => {
	t.is(truncateMiddle('kubarium-worker2', 12), 'kubari…rker2');
	t.is(truncateMiddle('kubarium-worker3', 12), 'kubari…rker3');
	t.is(truncateMiddle('short', 12), 'short');
	t.is(truncateMiddle('abcdefgh', 4), 'abc…');
});

test('shrinkWidths: every column whole when there is room', t => {
	const columns: Column[] = [{name: 'NAME'}, {name: 'STATUS'}, {name: 'AGE'}];
	t.deepEqual(shrinkWidths([20, 16, 3], columns, 80, [20, 16, 3]), [20, 16, 3]);
});

test('shrinkWidths: an empty column leaves first, then optional ones by their order, before a value is cut', t => {
	const columns: Column[] = [{name: 'NAME'}, {name: 'STATUS'}, {name: 'REASON'}, {name: 'CPU', drop: 2}, {name: 'IP', drop: 1}, {name: 'AGE'}];
	const natural = [20, 16, 6, 4, 10, 3];
	const needs = [20, 16, 0, 4, 10, 3];
	// 20+16+6+4+10+3 = 59 and 5 gaps of 2: 69 (+1 spare). At 60: REASON goes (-8), IP goes (-12).
	const widths = shrinkWidths(natural, columns, 60, needs);
	t.deepEqual(widths, [20, 16, 0, 4, 0, 3]);
	t.is(formatRow(['web-1', 'Running', '', '5m', '10.0.0.1', '9s'], columns, widths), `${'web-1'.padEnd(20)}  ${'Running'.padEnd(16)}  ${'5m'.padEnd(4)}  9s `);
});

test('shrinkWidths: a flex MESSAGE keeps a readable share; identifiers are cut in the middle before a STATUS is cut', t => {
	const columns: Column[] = [{name: 'NAME', ellipsis: 'middle'}, {name: 'STATUS'}, {name: 'NODE', ellipsis: 'middle'}, {name: 'MESSAGE', flex: true}];
	const widths = shrinkWidths([23, 16, 16, 120], columns, 120, [23, 16, 16, 120]);
	t.is(widths[3], 120 - 1 - 6 - 23 - 16 - 16, 'MESSAGE takes the rest');
	const narrow = shrinkWidths([23, 16, 16, 120], columns, 80, [23, 16, 16, 120]);
	t.is(narrow[3], 30, 'MESSAGE keeps 30 columns');
	t.is(narrow[1], 16, 'STATUS whole');
	t.true(narrow[2]! < 16 && narrow[0]! < 23, 'NAME and NODE gave first');
	t.is(formatRow(['w', 'ImagePullBackOff', 'kubarium-worker2', 'm'], columns, narrow).split(/\s{2,}/)[2], truncateMiddle('kubarium-worker2', narrow[2]!));
});

async function view(columns: number, command: string, keys: string[] = []) {
	const shell = await startDashboard({cluster: createCluster({seed: 1, demo: true}), namespace: 'shop', size: {columns, rows: 30}, metricsRefreshMs: 0});
	await shell.advance(60_000);
	await shell.press(':', ...command, 'enter', ...keys);
	return shell;
}

test.serial(':po at 80 columns: STATUS whole, names and nodes cut in the middle and told apart, IP then CPU and MEM left out', async t => {
	const shell = await view(80, 'po');
	try {
		const frame = await shell.waitFor(f => f.includes('pods(shop)'));
		t.regex(frame, /worker-\S+\s+0\/1\s+ImagePullBackOff\s/);
		t.false(frame.includes(' IP '));
		const names = frame.split('\n').filter(l => /^(api|web|db|worker)-/.test(l)).map(l => l.split(/\s+/)[0]);
		t.is(new Set(names).size, 9, 'every pod name told apart');
		const nodes = new Set(frame.split('\n').filter(l => /^(api|web|db|worker)-/.test(l)).map(l => l.trim().split(/\s+/).at(-2)));
		t.is(nodes.size, 3, [...nodes].join(', '));
		t.true(frame.split('\n').every(l => l.length <= 80));
	} finally {
		await shell.unmount();
	}
});

test.serial(':no at 80 columns after a cordon: Ready,SchedulingDisabled whole', async t => {
	const shell = await view(80, 'no', ['c']);
	try {
		const frame = await shell.waitFor(f => f.includes('cordoned'), 'the cordon');
		t.regex(frame, /kubarium-worker\s+Ready,SchedulingDisabled\s/);
	} finally {
		await shell.unmount();
	}
});

test.serial(':pv at 120 columns: the empty REASON leaves, headers and claims whole', async t => {
	const shell = await view(120, 'pv');
	try {
		const frame = await shell.waitFor(f => f.includes('persistentvolumes'));
		t.regex(frame, /NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+AGE/);
		t.false(frame.includes('REASON'));
		t.regex(frame, /\sshop\/data-db-0\s/);
	} finally {
		await shell.unmount();
	}
});

test.serial(':ev at 120 columns: MESSAGE last and wide, REASON whole, the columns aligned', async t => {
	const shell = await view(120, 'ev');
	try {
		const frame = await shell.waitFor(f => f.includes('events(shop)'));
		const lines = frame.split('\n');
		const header = lines.find(l => l.startsWith('LAST SEEN'))!;
		t.regex(header, /^LAST SEEN\S*\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE( ←?cols \d+-\d+\/\d+→?)?$/);
		const messageAt = header.indexOf('MESSAGE');
		t.true(120 - messageAt >= 42, `MESSAGE has ${120 - messageAt} columns`);
		t.regex(frame, /ProvisioningSucceeded\s+persistentvolumeclaim\/data-db-\d\s+Successfully provisioned volume pvc-/);
		const rows = lines.filter(l => /^\d+[smh]\s/.test(l));
		t.true(rows.every(l => l[messageAt - 1] === ' ' && l[messageAt - 2] === ' '), 'every MESSAGE starts in its column');
	} finally {
		await shell.unmount();
	}
});

test('formatRow: a cut header keeps its start, while a cut value of the same column loses its middle', t => {
	const columns = [{name: 'NAMESPACE', ellipsis: 'middle' as const}, {name: 'NAME'}];
	t.is(formatRow(['NAMESPACE', 'NAME'], columns, [8, 4], {header: true}), 'NAMESPA…  NAME');
	t.is(formatRow(['kube-system', 'web'], columns, [8, 4]), 'kube…tem  web ');
});
