import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {renderApp} from '../actions/harness.js';

async function openDeployments(app: Awaited<ReturnType<typeof renderApp>>, name: string) {
	await app.press(':', 'd', 'p', 'enter');
	await app.waitFor(f => new RegExp(`\\b${name}\\b`).test(f), 'the deployments view');
	await app.press('/', ...name, 'enter');
}

test.serial('d describes the object under the cursor, with its events', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await openDeployments(app, 'web');
		await app.press('d');
		let frame = await app.waitFor(f => f.includes('StrategyType:'), 'describe');
		t.regex(frame, /Name:\s+web/);
		t.regex(frame, /Namespace:\s+shop/);
		t.regex(frame, /Replicas:\s+\d+ desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable/);
		await app.press('shift-g');
		frame = await app.waitFor(f => f.includes('Events:'), 'the end of describe');
		t.regex(frame, /NewReplicaSet:\s+web-[a-z0-9]+ \(\d+\/\d+ replicas created\)/);
		t.regex(frame, /Normal\s+ScalingReplicaSet\s+\d+s\s+deployment-controller\s+Scaled up replica set web-/);
		await app.press('esc');
		await app.waitFor(f => !f.includes('StrategyType:'), 'back to the table');
	} finally {
		await app.cleanup();
	}
});

test.serial('y shows the YAML; / searches it', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(10_000);
		await openDeployments(app, 'web');
		await app.press('y');
		const frame = await app.waitFor(f => f.includes('apiVersion: apps/v1'), 'yaml');
		t.regex(frame, /kind: Deployment/);
		t.regex(frame, /name: web/);
		await app.press('/', ...'replicas', 'enter');
		await app.waitFor(f => /\/replicas \(\d+ matches\)/.test(f), 'the search status');
		t.pass();
	} finally {
		await app.cleanup();
	}
});

test.serial('escape sequences in an annotation reach the frame inert, in the table, describe and YAML', async t => {
	const cluster = createCluster({seed: 2});
	cluster.apply({
		apiVersion: 'v1', kind: 'ConfigMap',
		metadata: {name: 'evil', annotations: {note: 'a\x1b]0;pwned\x07b\x1b[2Jc\x9b31md'}, labels: {app: 'x'}},
		data: {key: 'v\x1b[31mred'},
	});
	const app = await renderApp({cluster, namespace: 'default'});
	try {
		await app.press(':', 'c', 'm', 'enter');
		await app.waitFor(f => f.includes('evil'), 'the configmaps view');
		await app.press('/', ...'evil', 'enter', 'd');
		let frame = await app.waitFor(f => f.includes('Annotations:'), 'describe');
		t.regex(frame, /note: abcd/);
		t.false(/\x1b\]|\x1b\[2J|\x9b|\x07/.test(frame), 'no OSC, no clear screen, no C1 CSI, no BEL');
		t.regex(frame, /vred/);
		await app.press('esc', 'y');
		frame = await app.waitFor(f => f.includes('apiVersion: v1'), 'yaml');
		t.false(/\x1b\]|\x1b\[2J|\x9b|\x07/.test(frame));
		t.regex(frame, /note: "a\\e\]0;pwned\\ab\\e\[2Jcd"/);
	} finally {
		await app.cleanup();
	}
});

test.serial('secrets are masked in YAML until x decodes them', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.press(':', 's', 'e', 'c', 'enter');
		await app.waitFor(f => f.includes('db-credentials'), 'the secrets view');
		await app.press('/', ...'db-cred', 'enter', 'y');
		let frame = await app.waitFor(f => f.includes('kind: Secret'), 'yaml');
		t.regex(frame, /username: "?\*{4,}"?/);
		t.false(frame.includes('c2hvcA=='), 'the base64 value is not shown');
		t.false(/username: shop/.test(frame));
		t.regex(frame, /masked/);
		await app.press('x');
		frame = await app.waitFor(f => /username: shop/.test(f), 'decoded values');
		t.regex(frame, /decoded/);
		await app.press('esc', 'x');
		await app.waitFor(f => /username: shop/.test(f) && f.includes('decoded'), 'x from the table opens decoded YAML');
	} finally {
		await app.cleanup();
	}
});

test.serial('long lines in YAML and describe: →/l and ←/h scroll sideways with the columns shown, w wraps them into rows that scroll and search, w again cuts them', async t => {
	const cluster = createCluster({seed: 2});
	const long = `${'word '.repeat(40)}TAIL-MARK`;
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'wide'}, data: {note: long}});
	const app = await renderApp({cluster, namespace: 'default'});
	try {
		await app.press(':', 'c', 'm', 'enter');
		await app.waitFor(f => f.includes('wide'), 'the configmaps view');
		await app.press('/', ...'wide', 'enter', 'y');
		let frame = await app.waitFor(f => f.includes('kind: ConfigMap'), 'yaml');
		t.false(frame.includes('TAIL-MARK'), 'the end of the long line is cut');
		t.regex(frame, /cols 1-119\/\d+→\s+Wrap:Off/);
		await app.press('right');
		frame = await app.waitFor(f => f.includes('←cols 9-'), 'eight columns to the right');
		t.regex(frame, /^nfigMap\s*$/m, 'every line starts eight columns further right (kind: ConfigMap)');
		await app.press('shift-right', 'l', 'l', 'l', 'l', 'l', 'l', 'l', 'l', 'l', 'l');
		frame = await app.waitFor(f => f.includes('TAIL-MARK'), 'the end of the long line');
		t.regex(frame, /←cols \d+-(\d+)\/\1\s/, 'the last column in view is the widest line\'s last');
		await app.press('h');
		frame = await app.waitFor(f => !f.includes('TAIL-MARK'), 'back to the left');
		await app.press('w');
		frame = await app.waitFor(f => f.includes('Wrap:On'), 'wrapped');
		t.true(frame.includes('TAIL-MARK'));
		t.false(frame.includes('cols '), 'nothing to scroll sideways');
		t.regex(frame, /^kind: ConfigMap/m);
		const rows = (f: string) => Number(/\[\d+-\d+\/(\d+)\]/.exec(f)?.[1]);
		const wrappedRows = rows(frame);
		await app.press('/', ...'TAIL', 'enter');
		frame = await app.waitFor(f => /\/TAIL \(1 matches\)/.test(f), 'the search in wrapped rows');
		await app.press('w');
		frame = await app.waitFor(f => f.includes('Wrap:Off'), 'cut again');
		t.true(rows(frame) < wrappedRows, 'wrapped pieces counted as rows');
		await app.press('esc', 'esc', 'd');
		frame = await app.waitFor(f => f.includes('Annotations:'), 'describe');
		t.regex(frame, /Wrap:Off/);
		await app.press('w');
		frame = await app.waitFor(f => f.includes('Wrap:On'), 'describe wrapped');
		t.true(frame.includes('TAIL-MARK'));
	} finally {
		await app.cleanup();
	}
});
