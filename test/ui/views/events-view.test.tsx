import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {renderApp} from '../actions/harness.js';

const long = `Back-off pulling image "registry.example.com/team/${'very-long-path/'.repeat(8)}app:v1" because the registry answered slowly END-MARK`;

function clusterWithLongEvent() {
	const cluster = createCluster({seed: 3});
	cluster.apply({
		apiVersion: 'v1', kind: 'Event',
		metadata: {name: 'web.long', namespace: 'default'},
		involvedObject: {kind: 'Pod', name: 'web', namespace: 'default'},
		reason: 'BackOff', message: long, type: 'Warning', count: 1,
		firstTimestamp: '2026-01-01T09:00:00Z', lastTimestamp: '2026-01-01T09:00:00Z',
		source: {component: 'kubelet'},
	});
	return cluster;
}

test.serial(':ev — a long MESSAGE: →/l scroll it sideways with the columns shown in its header while the other columns stay, w wraps it onto more lines under its column', async t => {
	const app = await renderApp({cluster: clusterWithLongEvent(), namespace: 'default'});
	try {
		await app.press(':', 'e', 'v', 'enter');
		let frame = await app.waitFor(f => f.includes('BackOff'), 'the events view');
		t.false(frame.includes('END-MARK'));
		t.regex(frame, /MESSAGE cols 1-\d+\/\d+→/);
		await app.press('/', ...'BackOff', 'enter');
		await app.press('right');
		frame = await app.waitFor(f => /MESSAGE ←cols 9-/.test(f), 'the message eight columns on');
		t.regex(frame, /BackOff\s+pod\/web\s+pulling image "registry/, 'TYPE, REASON and OBJECT stay; the message moves');
		await app.press('l', 'shift-right', 'shift-right', 'shift-right', 'shift-right');
		frame = await app.waitFor(f => f.includes('END-MARK'), 'the end of the message');
		t.regex(frame, /←cols \d+-(\d+)\/\1\s/);
		await app.press('h');
		await app.waitFor(f => !f.includes('END-MARK'), 'back to the left');
		await app.press('w');
		frame = await app.waitFor(f => f.includes('END-MARK'), 'the message wrapped');
		t.false(frame.includes('cols '), 'nothing to scroll sideways');
		const lines = frame.split('\n');
		const firstLine = lines.findIndex(l => /Warning\s+BackOff/.test(l));
		const column = lines[firstLine]!.indexOf('Back-off');
		const rest = lines.slice(firstLine + 1).filter(l => l.trim() !== '' && !/home|events/.test(l));
		t.true(rest.length >= 1, 'the message goes on below');
		t.is(rest[0]!.search(/\S/), column, 'under the MESSAGE column');
		t.true(rest.some(l => l.includes('END-MARK')));
		await app.press('w');
		await app.waitFor(f => !f.includes('END-MARK') && /MESSAGE cols 1-/.test(f), 'cut again');
	} finally {
		await app.cleanup();
	}
});

test.serial(':ev wrapped: the row under the cursor is drawn whole at the bottom of the list, and the rows fill the height without overflowing it', async t => {
	const cluster = createCluster({seed: 3});
	for (let i = 0; i < 30; i++) {
		const at = `2026-01-01T08:${String(i).padStart(2, '0')}:00Z`;
		cluster.apply({
			apiVersion: 'v1', kind: 'Event', metadata: {name: `web.${i}`, namespace: 'default'},
			involvedObject: {kind: 'Pod', name: `web-${i}`, namespace: 'default'},
			reason: 'BackOff', message: `${'word '.repeat(30)}END-${i}`, type: 'Normal', count: 1,
			firstTimestamp: at, lastTimestamp: at,
		});
	}
	const app = await renderApp({cluster, namespace: 'default'});
	try {
		await app.press(':', 'e', 'v', 'enter');
		await app.waitFor(f => f.includes('web-29'), 'the events view');
		await app.press('/', ...'BackOff', 'enter', 'w');
		let frame = await app.waitFor(f => f.includes('END-29'), 'wrapped, newest first');
		t.is(frame.split('\n').length, 39, 'the frame stays one line short of the terminal');
		await app.press('shift-g');
		frame = await app.waitFor(f => f.includes('END-0') && f.includes('pod/web-0'), 'the oldest event, whole, at the bottom');
		t.false(frame.includes('END-29'));
		t.is(frame.split('\n').length, 39);
		await app.press('g');
		await app.waitFor(f => f.includes('END-29'), 'back at the top');
	} finally {
		await app.cleanup();
	}
});
