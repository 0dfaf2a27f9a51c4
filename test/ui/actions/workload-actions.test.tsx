import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {renderApp} from './harness.js';

async function select(app: Awaited<ReturnType<typeof renderApp>>, command: string, name: string) {
	await app.press(':', ...command, 'enter');
	await app.waitFor(f => new RegExp(`\\b${name}\\b`).test(f), `the :${command} view`);
	await app.press('/', ...name, 'enter');
}

/** An $EDITOR that rewrites the file with sed, as a person would in vi. */
function sedEditor(expression: string): {command: string; dispose(): void} {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-editor-'));
	const script = join(dir, 'editor.sh');
	writeFileSync(script, `#!/bin/sh\nsed -i -e '${expression}' "$1"\n`);
	chmodSync(script, 0o755);
	return {command: script, dispose: () => rmSync(dir, {recursive: true, force: true})};
}

test.serial('e edits in $EDITOR and applies the change', async t => {
	const editor = sedEditor('s/^  replicas: .*/  replicas: 5/');
	const saved = process.env['KUBE_EDITOR'];
	process.env['KUBE_EDITOR'] = editor.command;
	const app = await renderApp({namespace: 'shop'});
	try {
		await select(app, 'dp', 'api');
		await app.press('e');
		await app.waitFor(f => f.includes('deployment.apps/api edited'), 'the flash');
		t.is(app.cluster.get('Deployment', 'api', 'shop')!.spec.replicas, 5);
	} finally {
		await app.cleanup();
		editor.dispose();
		if (saved === undefined) delete process.env['KUBE_EDITOR'];
		else process.env['KUBE_EDITOR'] = saved;
	}
});

test.serial('an invalid edit shows the API error and changes nothing; an unchanged file cancels', async t => {
	const saved = process.env['KUBE_EDITOR'];
	const invalid = sedEditor('s/^  replicas: .*/  replicas: -2/');
	const unchanged = sedEditor('s/^#.*$/# touched/');
	const app = await renderApp({namespace: 'shop'});
	try {
		process.env['KUBE_EDITOR'] = invalid.command;
		await select(app, 'dp', 'api');
		const before = app.cluster.get('Deployment', 'api', 'shop')!;
		await app.press('e');
		await app.waitFor(f => /deployment\.apps\/api was not edited: Deployment\.apps "api" is invalid: spec\.replicas: Invalid value: -2/.test(f), 'the error');
		t.is(app.cluster.get('Deployment', 'api', 'shop')!.metadata.resourceVersion, before.metadata.resourceVersion);
		process.env['KUBE_EDITOR'] = unchanged.command;
		await app.press('e');
		await app.waitFor(f => f.includes('Edit cancelled, no changes made.'), 'the cancel message');
		t.is(app.cluster.get('Deployment', 'api', 'shop')!.metadata.resourceVersion, before.metadata.resourceVersion);
	} finally {
		await app.cleanup();
		invalid.dispose();
		unchanged.dispose();
		if (saved === undefined) delete process.env['KUBE_EDITOR'];
		else process.env['KUBE_EDITOR'] = saved;
	}
});

test.serial('set image, rollout history, Enter rolls back to a revision, u undoes', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await select(app, 'dp', 'web');
		await app.press('i');
		await app.waitFor(f => f.includes('Container=Image:'), 'the set image prompt');
		t.regex(app.frame(), /nginx=nginx:1\.25/);
		for (let i = 0; i < 4; i++) await app.press('backspace');
		await app.press(...'1.27', 'enter');
		await app.waitFor(f => f.includes('deployment.apps/web image updated'), 'the flash');
		t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.template.spec.containers[0].image, 'nginx:1.27');
		await app.advance(60_000);
		await app.press('h');
		let frame = await app.waitFor(f => f.includes('CHANGE-CAUSE'), 'the history');
		t.regex(frame, /2 \*\s+.*nginx:1\.27/);
		t.regex(frame, /1\s+initial release\s+web-[a-z0-9]+\s+nginx:1\.25/);
		await app.press('down', 'enter');
		await app.waitFor(f => f.includes('Roll deployment.apps/web back to revision 1?'), 'the rollback question');
		await app.press('y');
		await app.waitFor(f => f.includes('deployment.apps/web rolled back to revision 1'), 'the rollback flash');
		t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.template.spec.containers[0].image, 'nginx:1.25');
		await app.advance(60_000);
		frame = await app.waitFor(f => /3 \*\s+.*nginx:1\.25/.test(f), 'revision 3 in the history');
		await app.press('u');
		await app.waitFor(f => f.includes('Undo the last rollout of deployment.apps/web?'), 'the undo question');
		await app.press('y');
		await app.waitFor(f => /deployment\.apps\/web rolled back\s*$/m.test(f), 'the undo flash');
		t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.template.spec.containers[0].image, 'nginx:1.27');
		t.regex(frame, /2\s+initial release\s+web-[a-z0-9]+\s+nginx:1\.27/);
	} finally {
		await app.cleanup();
	}
});

test.serial('r restarts a deployment; ctrl-l on a ReplicaSet rolls its Deployment back to it', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		const first = app.cluster.list('ReplicaSet', {namespace: 'shop', labelSelector: 'app=web'})[0]!;
		await select(app, 'dp', 'web');
		const before = app.cluster.get('Deployment', 'web', 'shop')!.metadata.resourceVersion;
		await app.press('r');
		await app.waitFor(f => f.includes('Restart deployment.apps/web?'), 'the restart question');
		await app.press('n');
		await app.waitFor(f => !f.includes('Restart deployment.apps/web?'), 'the question to close');
		t.is(app.cluster.get('Deployment', 'web', 'shop')!.metadata.resourceVersion, before, 'No restarts nothing');
		await app.press('r');
		await app.waitFor(f => f.includes('Restart deployment.apps/web?'), 'the restart question');
		await app.press('enter');
		await app.waitFor(f => f.includes('deployment.apps/web restarted'), 'the restart flash');
		t.truthy(app.cluster.get('Deployment', 'web', 'shop')!.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
		await app.advance(60_000);
		await app.press('esc');
		await select(app, 'rs', first.metadata.name);
		await app.press('ctrl-l');
		await app.waitFor(f => f.includes('Roll deployment.apps/web back to revision 1?'), 'the rollback question');
		await app.press('y');
		await app.waitFor(f => f.includes('deployment.apps/web rolled back to revision 1'), 'the rollback flash');
		t.falsy(app.cluster.get('Deployment', 'web', 'shop')!.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']);
	} finally {
		await app.cleanup();
	}
});

test.serial('ctrl-k asks before killing a pod; Esc keeps it, y kills it at once', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		const pod = app.cluster.list('Pod', {namespace: 'shop', labelSelector: 'app=web'})[0]!;
		await select(app, 'po', pod.metadata.name);
		await app.press('ctrl-k');
		await app.waitFor(f => f.includes(`Kill pod/${pod.metadata.name}?`), 'the kill question');
		t.regex(app.frame(), /<y> Kill\s+<n> Cancel/);
		await app.press('esc');
		await app.waitFor(f => !f.includes(`Kill pod/${pod.metadata.name}?`), 'the question to close');
		t.is(app.cluster.get('Pod', pod.metadata.name, 'shop')?.metadata.uid, pod.metadata.uid, 'Esc kills nothing');
		await app.press('ctrl-k');
		await app.waitFor(f => f.includes(`Kill pod/${pod.metadata.name}?`), 'the kill question');
		await app.press('y');
		await app.waitFor(f => f.includes(`pod/${pod.metadata.name} killed`), 'the kill flash');
		t.is(app.cluster.get('Pod', pod.metadata.name, 'shop'), undefined);
	} finally {
		await app.cleanup();
	}
});

test.serial('shift-j on a pod jumps to its owner', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await app.advance(30_000);
		await select(app, 'po', 'web-');
		await app.press('shift-j');
		const frame = await app.waitFor(f => /replicaset/i.test(f.split('\n').slice(-3).join('\n')), 'the owner view');
		t.regex(frame, /web-[a-z0-9]{6,10}\s+3\s+3\s+3/);
	} finally {
		await app.cleanup();
	}
});

test.serial('cronjobs: t triggers a job, s suspends and resumes', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		await select(app, 'cj', 'nightly-report');
		await app.press('t');
		await app.waitFor(f => /job\.batch\/nightly-report-manual-\w+ created/.test(f), 'the trigger flash');
		t.is(app.cluster.list('Job', {namespace: 'shop'}).filter(j => j.metadata.name.startsWith('nightly-report-manual-')).length, 1);
		await app.press('s');
		await app.waitFor(f => f.includes('cronjob.batch/nightly-report suspended'), 'the suspend flash');
		t.true(app.cluster.get('CronJob', 'nightly-report', 'shop')!.spec.suspend);
		await app.advance(1000);
		await app.press('s');
		await app.waitFor(f => f.includes('cronjob.batch/nightly-report resumed'), 'the resume flash');
		t.false(app.cluster.get('CronJob', 'nightly-report', 'shop')!.spec.suspend);
	} finally {
		await app.cleanup();
	}
});

test.serial('s on a pod that is not running is refused as k9s refuses it', async t => {
	const app = await renderApp({namespace: 'shop'});
	try {
		const worker = app.cluster.list('pods', {namespace: 'shop'}).find(pod => pod.metadata.name.startsWith('worker-'))!;
		t.not(worker.status?.phase, 'Running', 'the demo\'s worker waits for an image that does not exist');
		await select(app, 'pods', worker.metadata.name);
		await app.press('s');
		await app.waitFor(f => f.includes(`shop/${worker.metadata.name} is not in a running state`), 'the flash');
	} finally {
		await app.cleanup();
	}
});
