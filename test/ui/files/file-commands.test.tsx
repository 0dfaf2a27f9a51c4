import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {parseAllDocuments} from 'yaml';
import {createCluster} from '../../../source/engine/index.js';
import {pathBase} from '../../../source/ui/files/file-commands.js';
import {completePath} from '../../../source/ui/files/path-completion.js';
import {suggest} from '../../../source/ui/app/commands.js';
import {startDashboard} from '../harness.js';

const work = mkdtempSync(join(tmpdir(), 'kubarium-files-'));
const home = mkdtempSync(join(tmpdir(), 'kubarium-home-'));
pathBase.cwd = work;
pathBase.home = home;
test.after.always(() => {
	rmSync(work, {recursive: true, force: true});
	rmSync(home, {recursive: true, force: true});
});

const configMap = (name: string, value = '1') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: "${value}"\n`;

/** Type a `:` command and press Enter. */
async function command(press: (...keys: string[]) => Promise<void>, line: string): Promise<void> {
	await press(':');
	await press(...[...line]);
	await press('enter');
}

test.serial(':apply FILE with one object flashes kubectl\'s line; again, it is unchanged', async t => {
	writeFileSync(join(work, 'one.yaml'), configMap('settings'));
	const ui = await startDashboard({cluster: createCluster({seed: 3})});
	try {
		await command(ui.press, 'apply one.yaml');
		await ui.waitFor(f => f.includes('configmap/settings created'), 'the result in the flash');
		t.is(ui.cluster.get('cm', 'settings')!['data'] && (ui.cluster.get('cm', 'settings')!['data'] as Record<string, string>)['key'], '1');
		await command(ui.press, 'apply one.yaml');
		await ui.waitFor(f => f.includes('configmap/settings unchanged'), 'unchanged');
	} finally {
		await ui.unmount();
	}
});

test.serial(':apply DIR shows one line per object on a page, in kubectl\'s order, and flashes the tally', async t => {
	const dir = join(work, 'k8s');
	mkdirSync(dir, {recursive: true});
	writeFileSync(join(dir, 'a.yaml'), `${configMap('alpha')}---\n${configMap('beta')}`);
	writeFileSync(join(dir, 'b.json'), JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'token'}, stringData: {t: 'x'}}));
	const cluster = createCluster({seed: 3});
	cluster.apply(configMap('beta', '0'));
	const ui = await startDashboard({cluster});
	try {
		await command(ui.press, 'apply k8s');
		const frame = await ui.waitFor(f => f.includes('secret/token created'), 'the page of results');
		const lines = frame.split('\n');
		const at = (text: string) => lines.findIndex(l => l.includes(text));
		t.true(at('configmap/alpha created') >= 0 && at('configmap/alpha created') < at('configmap/beta configured') && at('configmap/beta configured') < at('secret/token created'), frame);
		t.true(frame.includes('Applied k8s: 2 created, 1 configured'), frame);
		t.true(frame.includes('apply k8s'), 'the crumb names the apply');
		t.truthy(ui.cluster.get('secret', 'token'));
	} finally {
		await ui.unmount();
	}
});

test.serial(':apply with an invalid object refuses the whole file and names the document; a missing path gets kubectl\'s message', async t => {
	writeFileSync(join(work, 'mixed.yaml'), `${configMap('fine')}---\n${configMap('Not_Valid')}`);
	const ui = await startDashboard({cluster: createCluster({seed: 3}), size: {columns: 140, rows: 30}});
	try {
		await command(ui.press, 'apply mixed.yaml');
		const frame = await ui.waitFor(f => f.includes('refused'), 'the refusal page');
		t.true(frame.replace(/\s+/g, ' ').includes('error when creating "mixed.yaml" (document 2): ConfigMap "Not_Valid" is invalid'), frame);
		t.true(frame.includes('✗ error: Error from server (Invalid)'), frame);
		t.is(ui.cluster.get('cm', 'fine'), undefined, 'nothing was applied');
		await ui.press('esc');
		await command(ui.press, 'apply nowhere.yaml');
		await ui.waitFor(f => f.includes('✗ error: the path "nowhere.yaml" does not exist'), 'kubectl\'s missing-path message');
		writeFileSync(join(work, 'broken.yaml'), 'kind: [ConfigMap\n');
		await command(ui.press, 'apply broken.yaml');
		await ui.waitFor(f => /✗ error: error parsing broken\.yaml: error converting YAML to JSON: yaml: line \d+:/.test(f), 'the YAML error');
	} finally {
		await ui.unmount();
	}
});

test.serial(':apply resolves ~ against the home directory; read-only refuses it', async t => {
	writeFileSync(join(home, 'home.yaml'), configMap('from-home'));
	const ui = await startDashboard({cluster: createCluster({seed: 3})});
	try {
		await command(ui.press, 'apply ~/home.yaml');
		await ui.waitFor(f => f.includes('configmap/from-home created'), 'the file under ~');
		t.truthy(ui.cluster.get('cm', 'from-home'));
	} finally {
		await ui.unmount();
	}
	const readonly = await startDashboard({cluster: createCluster({seed: 3}), readonly: true});
	try {
		await command(readonly.press, 'apply ~/home.yaml');
		await readonly.waitFor(f => f.includes('Apply: not allowed, the dashboard is read-only'), 'the read-only refusal');
		t.is(readonly.cluster.get('cm', 'from-home'), undefined);
	} finally {
		await readonly.unmount();
	}
});

test.serial('Tab completes paths in :apply: a unique match, a directory with its slash, the common start of several', async t => {
	const dir = join(work, 'tabs');
	mkdirSync(join(dir, 'manifests'), {recursive: true});
	writeFileSync(join(dir, 'manifests', 'web-deploy.yaml'), configMap('web-deploy'));
	writeFileSync(join(dir, 'manifests', 'web-svc.yaml'), configMap('web-svc'));
	writeFileSync(join(dir, 'manifests', 'notes.txt'), 'x');
	t.deepEqual(completePath('tabs/ma', {cwd: work}), ['tabs/manifests/']);
	t.deepEqual(completePath('tabs/manifests/w', {cwd: work, accept: name => name.endsWith('.yaml')}), ['tabs/manifests/web-', 'tabs/manifests/web-deploy.yaml', 'tabs/manifests/web-svc.yaml']);
	t.deepEqual(completePath('tabs/manifests/n', {cwd: work, accept: name => name.endsWith('.yaml')}), [], 'not a manifest');
	t.deepEqual(suggest('apply tabs/manifests/web-s', {namespaces: [], themes: [], history: []}), ['apply tabs/manifests/web-svc.yaml']);

	const ui = await startDashboard({cluster: createCluster({seed: 3})});
	try {
		await ui.press(':');
		await ui.press(...[...'apply tabs/ma']);
		await ui.press('tab');
		await ui.waitFor(f => f.includes('apply tabs/manifests/'), 'the directory completed');
		await ui.press(...[...'web-d']);
		await ui.press('tab');
		await ui.waitFor(f => f.includes('apply tabs/manifests/web-deploy.yaml'), 'the file completed');
		await ui.press('enter');
		await ui.waitFor(f => f.includes('configmap/web-deploy created'), 'the completed path applied');
		t.truthy(ui.cluster.get('cm', 'web-deploy'));
	} finally {
		await ui.unmount();
	}
});

test.serial(':export FILE writes the user\'s objects as YAML and flashes the count; the file applies to a fresh cluster', async t => {
	const ui = await startDashboard();
	try {
		await command(ui.press, 'export out/shop.yaml');
		await ui.waitFor(f => f.includes('✗ error: cannot write out/shop.yaml: the directory out does not exist'), 'the missing directory');
		mkdirSync(join(work, 'out'));
		await command(ui.press, 'export out/shop.yaml');
		const frame = await ui.waitFor(f => /Exported \d+ objects to out\/shop\.yaml/.test(f), 'the export flash');
		const count = Number(/Exported (\d+) objects/.exec(frame)![1]);
		const text = readFileSync(join(work, 'out', 'shop.yaml'), 'utf8');
		const docs = parseAllDocuments(text).map(d => d.toJS() as {kind: string; metadata: {name: string; namespace?: string}; status?: unknown});
		t.is(docs.length, count);
		t.true(docs.some(d => d.kind === 'Deployment' && d.metadata.name === 'web'));
		t.false(docs.some(d => d.kind === 'ReplicaSet' || d.kind === 'Event' || d.status !== undefined || d.metadata.namespace === 'kube-system'));
		const fresh = createCluster({seed: 4});
		fresh.apply(text);
		t.deepEqual(fresh.list('Deployment').map(d => d.metadata.name).sort(), ui.cluster.list('Deployment').filter(d => d.metadata.namespace !== 'kube-system').map(d => d.metadata.name).sort());
	} finally {
		await ui.unmount();
	}
});
