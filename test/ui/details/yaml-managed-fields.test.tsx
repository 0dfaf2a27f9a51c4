/**
 * The YAML view hides metadata.managedFields, as k9s' YAML view and
 * `kubectl get -o yaml` do; `m` (k9s: "Toggle ManagedFields") shows them and
 * hides them again. `e` edits without them, and the stored ones stay.
 */
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {createCluster, type ManagedFieldsEntry} from '../../../source/engine/index.js';
import {editText} from '../../../source/ui/actions/edit.js';
import {objectYaml} from '../../../source/ui/details/yaml-text.js';
import {renderApp} from '../actions/harness.js';

const managed: ManagedFieldsEntry[] = [{
	manager: 'kubectl-client-side-apply',
	operation: 'Update',
	apiVersion: 'v1',
	time: '2026-01-01T09:00:00Z',
	fieldsType: 'FieldsV1',
	fieldsV1: {'f:data': {'.': {}, 'f:color': {}}},
}];

function clusterWithSettings() {
	const cluster = createCluster({seed: 2});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', managedFields: managed}, data: {color: 'blue'}});
	return cluster;
}

test('objectYaml leaves managedFields out unless asked, and keeps the rest of metadata', t => {
	const object = clusterWithSettings().get('ConfigMap', 'settings', 'default')!;
	t.truthy(object.metadata.managedFields, 'the stored object has them');
	const hidden = objectYaml(object);
	t.false(hidden.includes('managedFields'));
	t.regex(hidden, /^ {2}name: settings$/m);
	t.regex(hidden, /^ {2}uid: /m);
	const shown = objectYaml(object, {managedFields: true});
	t.regex(shown, /^ {2}managedFields:\n {4}- manager: kubectl-client-side-apply$/m);
	t.false(editText(object).includes('managedFields'), 'kubectl edit leaves them out too');
});

test.serial('y hides managedFields; m shows them with a flash, m again hides them; the key is in the hints and the help', async t => {
	const app = await renderApp({cluster: clusterWithSettings(), namespace: 'default'});
	try {
		await app.press(':', 'c', 'm', 'enter');
		await app.waitFor(f => f.includes('settings'), 'the configmaps view');
		await app.press('/', ...'settings', 'enter', 'y');
		let frame = await app.waitFor(f => f.includes('kind: ConfigMap'), 'yaml');
		t.false(frame.includes('managedFields'), 'hidden at first');
		t.regex(frame, /<m> Toggle ManagedFields/, 'the key is in the hints');
		await app.press('m');
		frame = await app.waitFor(f => f.includes('managedFields:'), 'managed fields shown');
		t.regex(frame, /manager: kubectl-client-side-apply/);
		t.regex(frame, /toggled managed fields/);
		await app.press('m');
		frame = await app.waitFor(f => !f.includes('managedFields:'), 'managed fields hidden again');
		t.regex(frame, /name: settings/);
		await app.press('?');
		frame = await app.waitFor(f => /Toggle ManagedFields/.test(f) && !f.includes('kind: ConfigMap'), 'the help');
		t.regex(frame, /<m>\s+Toggle ManagedFields/, 'help lists the key');
	} finally {
		await app.cleanup();
	}
});

test.serial('e edits the object without its managedFields; the stored ones stay', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-editor-'));
	const script = join(dir, 'editor.sh');
	const copy = join(dir, 'seen.yaml');
	writeFileSync(script, `#!/bin/sh\ncp "$1" '${copy}'\nsed -i -e 's/color: blue/color: green/' "$1"\n`);
	chmodSync(script, 0o755);
	const saved = process.env['KUBE_EDITOR'];
	process.env['KUBE_EDITOR'] = script;
	const cluster = clusterWithSettings();
	const app = await renderApp({cluster, namespace: 'default'});
	try {
		await app.press(':', 'c', 'm', 'enter');
		await app.waitFor(f => f.includes('settings'), 'the configmaps view');
		await app.press('/', ...'settings', 'enter', 'e');
		await app.waitFor(f => f.includes('configmap/settings edited'), 'the flash');
		t.false(readFileSync(copy, 'utf8').includes('managedFields'), 'the editor never saw them');
		const stored = cluster.get('ConfigMap', 'settings', 'default')!;
		t.is((stored as {data?: Record<string, string>}).data?.['color'], 'green');
		t.deepEqual(stored.metadata.managedFields, managed);
	} finally {
		await app.cleanup();
		rmSync(dir, {recursive: true, force: true});
		if (saved === undefined) delete process.env['KUBE_EDITOR'];
		else process.env['KUBE_EDITOR'] = saved;
	}
});
