import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import '../../../source/ui/extensions.js';
import {startDashboard, type Dashboard} from '../harness.js';
import {homeLayout} from '../../../source/ui/views/home.js';

async function home(columns: number, rows: number): Promise<Dashboard> {
	const shell = await startDashboard({cluster: createCluster({seed: 1, demo: true}), namespace: 'shop', size: {columns, rows}});
	await shell.advance(60_000);
	await shell.waitFor(f => f.includes('Pods 9'), 'the pods panel');
	return shell;
}

/** Lines of the pods panel that hold a pod row. */
const podRows = (frame: string) => frame.split('\n').filter(l => /[║│](worker|api|web|db)-/.test(l));

function fits(t: {true: (v: boolean, m?: string) => void}, frame: string, columns: number, rows: number) {
	const lines = frame.split('\n');
	t.true(lines.length <= rows - 1, `${lines.length} lines`);
	t.true(lines.every(l => [...l].length <= columns), 'no line wider than the terminal');
}

test('the home layout per size: 2×2 when each panel keeps four rows, else fewer panels side by side', t => {
	t.like(homeLayout(120, 31), {gridRows: 2, across: 2});
	t.like(homeLayout(200, 41), {gridRows: 2, across: 2, panelWidth: 100});
	t.like(homeLayout(80, 15), {gridRows: 1, across: 1, panelWidth: 80});
	t.like(homeLayout(70, 11), {gridRows: 1, across: 1});
	t.like(homeLayout(80, 41), {gridRows: 4, across: 1});
});

for (const [columns, rows, least] of [[80, 24, 6], [70, 20, 3]] as const) {
	test.serial(`home at ${columns}x${rows}: the pods panel alone shows ${least}+ rows with whole statuses; Tab brings the others`, async t => {
		const shell = await home(columns, rows);
		try {
			let frame = shell.frame();
			fits(t, frame, columns, rows);
			t.true(podRows(frame).length >= least, frame);
			t.regex(frame, /worker-[0-9a-z]{8,10}-\w+\s+0\/1\s+ImagePullBackOff/);
			t.regex(frame, /Tab: Deployments 3 · StatefulSets 1 · Volumes 6/);
			await shell.press('tab');
			frame = await shell.waitFor(f => /║Deployments 3/.test(f), 'the deployments panel');
			t.regex(frame, /worker\s+0\/1\s+1\s+0/);
			t.false(frame.includes('║Pods'));
		} finally {
			await shell.unmount();
		}
	});
}

test.serial('home at 120x40: four panels in a 2×2 grid, statuses whole', async t => {
	const shell = await home(120, 40);
	try {
		const frame = shell.frame();
		fits(t, frame, 120, 40);
		for (const title of ['Pods 9', 'Deployments 3', 'StatefulSets 1', 'Volumes 6']) t.true(frame.includes(title), title);
		t.regex(frame, /ImagePullBackOff/);
		t.regex(frame, /pvc\/data-db-0\s+Bound\s+1Gi/);
		t.true(podRows(frame).length >= 7);
	} finally {
		await shell.unmount();
	}
});

test.serial('home at 200x50: wide panels add RESTARTS, IP and NODE', async t => {
	const shell = await home(200, 50);
	try {
		const frame = shell.frame();
		fits(t, frame, 200, 50);
		t.regex(frame, /NAME\s+READY\s+STATUS\s+RESTARTS\s+IP\s+NODE\s+AGE/);
		t.regex(frame, /worker-[0-9a-z]{8,10}-\w+\s+0\/1\s+ImagePullBackOff\s+0\s+10\.244\.\d+\.\d+\s+kubarium-worker\d?\s/);
	} finally {
		await shell.unmount();
	}
});

test.serial('Enter on home opens the full view on the selected row; Esc comes back to the same panel and row', async t => {
	const shell = await home(120, 40);
	try {
		await shell.press('j', 'j', 'j');
		const pod = shell.api.selection()!.object;
		await shell.press('enter');
		await shell.waitFor(f => f.includes('pods(shop)'), 'the pods view');
		t.is(shell.api.selection()?.object.metadata.uid, pod.metadata.uid, 'the view opens on the pod selected on home');
		await shell.press('esc');
		await shell.waitFor(f => f.includes('║Pods 9'), 'home, on the pods panel');
		t.is(shell.api.selection()?.object.metadata.uid, pod.metadata.uid, 'on the same row');
		await shell.press('tab', 'tab', 'tab', 'shift-g');
		const volume = shell.api.selection()!.object;
		t.is(volume.kind, 'PersistentVolume');
		await shell.press('enter');
		await shell.waitFor(f => f.includes('persistentvolumes'), 'the PV view');
		t.is(shell.api.selection()?.object.metadata.uid, volume.metadata.uid);
		await shell.press('esc');
		await shell.waitFor(f => f.includes('║Volumes 6'), 'home, on the volumes panel');
		t.is(shell.api.selection()?.object.metadata.uid, volume.metadata.uid);
		await shell.press('tab');
		await shell.waitFor(f => f.includes('║Pods 9'), 'the pods panel again');
		t.is(shell.api.selection()?.object.metadata.uid, pod.metadata.uid, 'each panel keeps its row');
	} finally {
		await shell.unmount();
	}
});

test.serial('the events strip keeps its columns aligned whatever the REASON', async t => {
	const shell = await home(120, 40);
	try {
		const frame = shell.frame();
		const lines = frame.split('\n');
		const start = lines.findIndex(l => l.startsWith('Events (latest'));
		const events = lines.slice(start + 1).filter(l => /^\s*\d+[smh]\s/.test(l));
		t.true(events.length >= 5);
		const objectAt = events.map(l => l.search(/\b(pod|persistentvolumeclaim|statefulset|deployment|replicaset|node|persistentvolume|service|endpoints)\//));
		t.true(objectAt.every(at => at > 0 && at === objectAt[0]), events.join('\n'));
	} finally {
		await shell.unmount();
	}
});

test.serial('Esc from a drill-down returns to the row Enter was pressed on', async t => {
	const shell = await home(120, 40);
	try {
		await shell.press(':', ...'deploy', 'enter');
		await shell.waitFor(f => f.includes('deployments(shop)'), 'the deployments view');
		await shell.press('j');
		const deployment = shell.api.selection()!.object;
		await shell.press('enter');
		await shell.waitFor(f => f.includes('pods(shop)'), "the deployment's pods");
		await shell.press('j', 'enter');
		await shell.waitFor(f => /containers/.test(f), 'the containers view');
		await shell.press('esc');
		await shell.waitFor(f => f.includes('pods(shop)') && !/containers /.test(f), 'back on the pods');
		await shell.press('esc');
		await shell.waitFor(f => f.includes('deployments(shop)'), 'back on the deployments');
		t.is(shell.api.selection()?.object.metadata.uid, deployment.metadata.uid);
	} finally {
		await shell.unmount();
	}
});
