/**
 * A key pressed right after a filter's Enter acts on the row the filtered
 * table shows: keys sent in one write (a paste, tmux send-keys) and keys sent
 * one by one reach the same row, for every row action.
 */
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {encode} from '../harness.js';
import {renderApp, type Harness} from '../actions/harness.js';

type Mode = 'one write' | 'one by one';
const modes: Mode[] = ['one write', 'one by one'];

/** Send keys as one write (one read for the app) or as one write each. */
async function send(app: Harness, mode: Mode, keys: string[]): Promise<void> {
	if (mode === 'one write') await app.press(keys.map(encode).join(''));
	else await app.press(...keys);
}

/** The view of a kind in shop, with the cursor on its first row (an api one, not a web one). */
async function open(app: Harness, command: string): Promise<void> {
	await app.advance(30_000);
	await app.press(':', ...command, 'enter');
	await app.waitFor(f => /^api/m.test(f) && /^web/m.test(f), `the :${command} view`);
	const selected = app.api.selection()?.object.metadata.name ?? '';
	if (!selected.startsWith('api')) throw new Error(`expected the cursor on an api row, found "${selected}"`);
}

const filtered = ['/', 'w', 'e', 'b', 'enter'];

for (const mode of modes) {
	test.serial(`${mode}: /web, Enter, s, a new count, Enter scales web, not the row selected before`, async t => {
		const app = await renderApp({namespace: 'shop'});
		try {
			await open(app, 'deploy');
			await send(app, mode, [...filtered, 's', 'backspace', '5', 'enter']);
			await app.waitFor(f => f.includes('deployment.apps/web scaled to 5'), 'the flash');
			t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.replicas, 5);
			t.is(app.cluster.get('Deployment', 'api', 'shop')!.spec.replicas, 2);
		} finally {
			await app.cleanup();
		}
	});

	test.serial(`${mode}: describe, YAML, restart, set image and delete after /web name web`, async t => {
		const app = await renderApp({namespace: 'shop'});
		try {
			await open(app, 'deploy');
			const cases: Array<[string, RegExp]> = [
				['d', /Name:\s+web\b/],
				['y', /^\s*name: web$/m],
				['r', /Restart deployment\.apps\/web\?/],
				['i', /Set image of deployment\.apps\/web/],
				['ctrl-d', /deployment\.apps\/web/],
			];
			for (const [key, expected] of cases) {
				await send(app, mode, [...filtered, key]);
				const frame = await app.waitFor(f => expected.test(f) || /\bapi\b.*(Restart|Set image|Delete)|Name:\s+api\b|name: api$/m.test(f), `${key} on web`);
				t.regex(frame, expected, `${key} acts on web`);
				await app.press('esc');
				await app.waitFor(f => /deployments\(shop\)/.test(f), 'back to the deployments');
				await app.press('esc');
				await app.waitFor(f => /deployments\(shop\)\[3\]/.test(f), 'the filter cleared');
				await app.press('g');
			}
			t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.replicas, 3, 'nothing changed');
		} finally {
			await app.cleanup();
		}
	});

	test.serial(`${mode}: e after /web edits web`, async t => {
		const dir = mkdtempSync(join(tmpdir(), 'kubarium-editor-'));
		const script = join(dir, 'editor.sh');
		writeFileSync(script, `#!/bin/sh\nsed -i -e 's/^  replicas: .*/  replicas: 4/' "$1"\n`);
		chmodSync(script, 0o755);
		const saved = process.env['KUBE_EDITOR'];
		process.env['KUBE_EDITOR'] = script;
		const app = await renderApp({namespace: 'shop'});
		try {
			await open(app, 'deploy');
			await send(app, mode, [...filtered, 'e']);
			await app.waitFor(f => /deployment\.apps\/\w+ edited/.test(f), 'the flash');
			t.is(app.cluster.get('Deployment', 'web', 'shop')!.spec.replicas, 4);
			t.is(app.cluster.get('Deployment', 'api', 'shop')!.spec.replicas, 2);
		} finally {
			await app.cleanup();
			rmSync(dir, {recursive: true, force: true});
			if (saved === undefined) delete process.env['KUBE_EDITOR'];
			else process.env['KUBE_EDITOR'] = saved;
		}
	});

	test.serial(`${mode}: logs and shell after /web, and j then logs, open the filtered rows' pods`, async t => {
		const app = await renderApp({namespace: 'shop'});
		try {
			await open(app, 'pods');
			const webPods = app.cluster.list('Pod', {namespace: 'shop'}).map(p => p.metadata.name).filter(n => n.startsWith('web-')).sort();
			t.true(webPods.length >= 2);
			for (const [keys, pod] of [[['l'], webPods[0]!], [['s'], webPods[0]!], [['j', 'l'], webPods[1]!]] as const) {
				await send(app, mode, [...filtered, ...keys]);
				const crumbs = (f: string) => f.split('\n').slice(-3).join('\n');
				const frame = await app.waitFor(f => /(logs|shell|exec)/i.test(crumbs(f)), `${keys.join(' ')} on a web pod`);
				t.regex(crumbs(frame), new RegExp(pod), `${keys.join(' ')} opens ${pod}`);
				await app.press('esc');
				await app.waitFor(f => /pods\(shop\)/.test(f), 'back to the pods');
				await app.press('esc');
				await app.waitFor(f => /pods\(shop\)\[\d+\]\s/.test(f) && !/<web>/.test(f), 'the filter cleared');
				await app.press('g');
			}
		} finally {
			await app.cleanup();
		}
	});
}
