/**
 * The dashboard on a real cluster: `kubarium serve`'s API server on a free
 * port (a real API server as far as the client can tell), the dashboard on
 * its kubeconfig through the remote source, keys in, and the served engine
 * read back. Waits are for the network (the watch bringing the change), so
 * they poll; virtual time moves only when the test advances the served
 * cluster.
 */
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {KubeConfig} from '@kubernetes/client-node';
import React, {act} from 'react';
import {render} from 'ink-testing-library';
import {App} from '../../../source/ui/app/app.js';
import type {AppApi} from '../../../source/ui/app/contract.js';
import {Preferences} from '../../../source/ui/prefs.js';
import {loadTheme} from '../../../source/ui/theme/load.js';
import {connectRun, disposeCurrent, RemoteApp, type RemoteRun} from '../../../source/ui/remote/remote-app.js';
import {startApiServer, type ApiServer} from '../../../source/apiserver/server.js';
import {serve, type Served} from '../../apiserver/harness.js';
import {makeConfigDir, pressKeys, settle} from '../harness.js';
import '../../../source/ui/extensions.js';

(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = true;

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

type Remote = {
	served: Served;
	run: RemoteRun;
	api: () => AppApi;
	frame: () => string;
	press: (...keys: string[]) => Promise<void>;
	waitFor: (check: (frame: string) => boolean, what: string) => Promise<string>;
	until: (condition: () => boolean, what: string) => Promise<void>;
	close: () => Promise<void>;
};

function shop(cluster: Served['cluster']): void {
	cluster.apply([
		{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop'}},
		{
			apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop'},
			spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}}},
		},
	]);
}

async function open(options: {served?: Served; context?: boolean; view?: string; kubeconfig?: (served: Served) => string} = {}): Promise<Remote> {
	const served = options.served ?? await serve(shop);
	served.cluster.advance(60_000);
	const kubeconfig = options.kubeconfig?.(served) ?? served.kubeconfig;
	const run = connectRun({kubeconfig, backoff: {initialMs: 50, maxMs: 200, forbiddenMs: 200}});
	const configDir = makeConfigDir();
	const prefs = new Preferences(configDir);
	const loaded = loadTheme('default', {configDir});
	let api: AppApi | undefined;
	let ui!: ReturnType<typeof render>;
	const common = {
		prefs, theme: loaded.theme, namespace: 'shop', configDir, size: {columns: 120, rows: 40}, initialView: options.view ?? 'Deployment',
		runExternal: <T,>(fn: () => T) => fn(), onApi: (a: AppApi) => {
			api = a;
		},
	};
	await act(async () => {
		ui = render(options.context
			? <RemoteApp {...common} initial={run} kubeconfig={kubeconfig} backoff={{initialMs: 50, maxMs: 200}} />
			: <App {...common} cluster={run.source} model={run.model} simulation={run.simulation} />);
	});
	Object.defineProperty(ui.stdout, 'columns', {get: () => 120});
	for (let i = 0; i < 200 && ui.stdin.listenerCount('readable') === 0; i++) await act(settle);
	const flush = async () => act(async () => {
		run.simulation.advance(0);
		await settle();
	});
	const remote: Remote = {
		served, run,
		api: () => api!,
		frame: () => ui.lastFrame() ?? '',
		press: (...keys) => pressKeys(ui.stdin, keys),
		async waitFor(check, what) {
			const deadline = performance.now() + 15_000;
			while (performance.now() < deadline) {
				await flush();
				const frame = ui.lastFrame() ?? '';
				if (check(frame)) return frame;
				await act(() => sleep(20));
			}
			throw new Error(`Timed out waiting for ${what}; last frame:\n${ui.lastFrame()}`);
		},
		async until(condition, what) {
			const deadline = performance.now() + 15_000;
			while (performance.now() < deadline) {
				if (condition()) return;
				await act(() => sleep(20));
			}
			throw new Error(`Timed out waiting until ${what}`);
		},
		async close() {
			await act(async () => {
				ui.unmount();
			});
			run.simulation.stop();
			run.model.dispose();
			run.source.dispose();
			// A context switched to is the app's own; its watches end here too.
			disposeCurrent();
			await served.close();
		},
	};
	return remote;
}

test.serial('the views show the served cluster\'s objects, with the context in the header and no simulation keys', async t => {
	const remote = await open({view: 'Pod'});
	try {
		const pods = remote.served.cluster.list('Pod', {namespace: 'shop'}).map(p => p.metadata.name);
		t.is(pods.length, 2);
		const frame = await remote.waitFor(f => pods.every(name => f.includes(name)), 'the served pods');
		t.regex(frame, /Cluster:\s+kubarium 127\.0\.0\.1:\d+/);
		t.regex(frame, /live/);
		t.regex(frame, /Running/);
		// Kill and trace exist only in the simulation: gone from the hints, and their keys do nothing.
		t.notRegex(frame, /<t>\s+Trace/);
		await remote.press('?');
		const help = await remote.waitFor(f => /Logs/.test(f), 'the help');
		t.notRegex(help, /Trace/);
		t.notRegex(help, /Kill Node/);
		await remote.press('esc', ':', 's', 'p', 'e', 'e', 'd', ' ', '1', '0', 'enter');
		await remote.waitFor(f => f.includes('Time controls: only in the simulated cluster'), 'the speed refusal');
	} finally {
		await remote.close();
	}
});

test.serial('scale, set image and restart on a Deployment are the API server\'s, read back from the engine', async t => {
	const remote = await open();
	try {
		const {cluster} = remote.served;
		await remote.waitFor(f => /web\s+2\/2/.test(f), 'the web deployment');
		await remote.press('s');
		await remote.waitFor(f => f.includes('Replicas:'), 'the scale prompt');
		await remote.press('backspace', '4', 'enter');
		await remote.waitFor(f => f.includes('scaled to 4'), 'the scale flash');
		t.is(cluster.get('Deployment', 'web', 'shop')!.spec.replicas, 4);
		cluster.advance(30_000);
		await remote.waitFor(f => /web\s+4\/4/.test(f), 'the scaled deployment through the watch');

		await remote.press('i');
		await remote.waitFor(f => f.includes('Container=Image:'), 'the set image prompt');
		await remote.press('ctrl-u', ...'nginx=nginx:1.27'.split(''), 'enter');
		await remote.waitFor(f => f.includes('image updated'), 'the set image flash');
		t.is(cluster.get('Deployment', 'web', 'shop')!.spec.template.spec.containers[0].image, 'nginx:1.27');
		cluster.advance(60_000);

		await remote.press('r');
		await remote.waitFor(f => /Restart/.test(f) && /deployment/.test(f), 'the restart question');
		await remote.press('y');
		await remote.waitFor(f => f.includes('restarted'), 'the restart flash');
		const restartedAt = cluster.get('Deployment', 'web', 'shop')!.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'] as string;
		t.regex(restartedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

		// Undo, as kubectl rollout undo: the previous ReplicaSet's template comes back.
		cluster.advance(120_000);
		t.is(cluster.list('ReplicaSet', {namespace: 'shop'}).length, 3, 'one ReplicaSet per template');
		await remote.until(() => remote.run.source.list('ReplicaSet', {namespace: 'shop'}).length >= 3, `the ReplicaSets reached the informer (${remote.run.source.list('ReplicaSet').length} of ${cluster.list('ReplicaSet').length})`);
		await remote.press('u');
		await remote.waitFor(f => /Undo/.test(f), 'the undo question');
		await remote.press('y');
		await remote.waitFor(f => f.includes('rolled back'), 'the undo flash');
		t.is(cluster.get('Deployment', 'web', 'shop')!.spec.template.spec.containers[0].image, 'nginx:1.27');
		t.is(cluster.get('Deployment', 'web', 'shop')!.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], undefined);
	} finally {
		await remote.close();
	}
});

test.serial('delete with a propagation policy, cordon, uncordon and drain a node, through the API', async t => {
	const remote = await open({view: 'Pod'});
	try {
		const {cluster} = remote.served;
		const victim = cluster.list('Pod', {namespace: 'shop'}).map(p => p.metadata.name).sort()[0]!;
		await remote.waitFor(f => f.includes(victim), 'the pods');
		await remote.press('/', ...victim.split(''), 'enter');
		await remote.press('ctrl-d');
		await remote.waitFor(f => /Delete/.test(f) && f.includes(victim), 'the delete dialog');
		await remote.press('enter');
		await remote.waitFor(f => f.includes('deleted (background'), 'the delete flash');
		t.truthy(cluster.get('Pod', victim, 'shop')?.metadata.deletionTimestamp ?? 'gone');
		cluster.advance(60_000);
		t.is(cluster.get('Pod', victim, 'shop'), undefined);

		await remote.press('esc', ':', 'n', 'o', 'enter');
		// A node that runs one of web's pods, to drain it at the end.
		const node = cluster.list('Pod', {namespace: 'shop'}).find(p => p.status?.phase === 'Running')!.spec.nodeName as string;
		await remote.waitFor(f => f.includes(node), 'the nodes');
		await remote.press('/', ...node.split(''), 'enter');
		await remote.press('c');
		await remote.waitFor(f => f.includes(`node/${node} cordoned`), 'the cordon flash');
		t.true(cluster.get('Node', node)!.spec.unschedulable);
		await remote.waitFor(f => /SchedulingDisabled/.test(f), 'the cordoned node through the watch');
		await remote.press('u');
		await remote.waitFor(f => f.includes(`node/${node} uncordoned`), 'the uncordon flash');
		t.falsy(cluster.get('Node', node)!.spec.unschedulable);
		// Drain: cordon, then an Eviction per pod through the API.
		const onNode = cluster.list('Pod', {fieldSelector: `spec.nodeName=${node}`}).filter(p => !p.metadata.ownerReferences?.some(r => r.kind === 'DaemonSet'));
		t.true(onNode.length > 0, 'the node runs pods to evict');
		await remote.press('r');
		await remote.waitFor(f => f.includes('Cordon it, then evict its pods'), 'the drain choices');
		await remote.press('enter');
		await remote.waitFor(f => f.includes(`node/${node} drained`), 'the drain flash');
		t.true(cluster.get('Node', node)!.spec.unschedulable);
		for (const pod of onNode) t.truthy(cluster.get('Pod', pod.metadata.name, pod.metadata.namespace)?.metadata.deletionTimestamp ?? 'evicted', `${pod.metadata.name} evicted`);
		cluster.advance(60_000);
		t.deepEqual(cluster.list('Pod', {fieldSelector: `spec.nodeName=${node}`}).filter(p => onNode.some(o => o.metadata.uid === p.metadata.uid)), []);
		// Killing a machine is the simulation's: the key is not bound.
		await remote.press('ctrl-k');
		t.false(remote.frame().includes('Kill node'));
	} finally {
		await remote.close();
	}
});

test.serial('describe is built from the served object and its events; logs and a shell work over the API', async t => {
	const remote = await open({view: 'Pod'});
	try {
		const {cluster} = remote.served;
		const pod = cluster.list('Pod', {namespace: 'shop'}).map(p => p.metadata.name).sort()[0]!;
		await remote.waitFor(f => f.includes(pod), 'the pods');
		await remote.press('/', ...pod.split(''), 'enter', 'd');
		const described = await remote.waitFor(f => /Controlled By:\s+ReplicaSet\/web-/.test(f), 'the describe page');
		t.regex(described, new RegExp(`Name:\\s+${pod}`));
		await remote.press('shift-g');
		const events = await remote.waitFor(f => /Events:/.test(f), 'the events at the end of describe');
		t.regex(events, /Normal\s+Scheduled\s+.*default-scheduler/);
		await remote.press('esc', 's');
		await remote.waitFor(f => new RegExp(`^root@${pod}:/#\\s*$`, 'm').test(f), 'bash\'s prompt from the container');
		await remote.press(...'echo hello-remote'.split(''), 'enter');
		await remote.waitFor(f => /^hello-remote\s*$/m.test(f), 'the command output');
		await remote.press(...'cat /etc/hostname'.split(''), 'enter');
		await remote.waitFor(f => new RegExp(`^${pod}\\s*$`, 'm').test(f), 'the hostname');
		// Logs follow the container's log through the API.
		const first = cluster.logs(pod, {namespace: 'shop'})[0]!;
		t.truthy(first);
		await remote.press('esc', 'l');
		await remote.waitFor(f => f.includes(first.slice(0, 60)) && /Autoscroll:On/.test(f), 'the pod\'s log');
	} finally {
		await remote.close();
	}
});

test.serial('the server goes away: the header and a flash say so, the last rows stay, a request fails in words; it comes back and the dashboard recovers', async t => {
	const remote = await open();
	try {
		const {served} = remote;
		await remote.waitFor(f => /web\s+2\/2/.test(f), 'the web deployment');
		const port = served.server.port;
		const token = served.server.token;
		// It stops listening and drops every connection, watches included.
		await served.server.close();
		const down = await remote.waitFor(f => /✘ disconnected/.test(f) && /Lost the connection to kubarium: (The connection to the server 127\.0\.0\.1:\d+ was refused|Unable to connect to the server 127\.0\.0\.1:\d+: read ECONNRESET)/.test(f), 'the disconnected header and its reason');
		t.regex(down, /web\s+2\/2/, 'the last data stays on screen');
		await remote.press('s');
		await remote.waitFor(f => f.includes('Replicas:'), 'the scale prompt');
		await remote.press('backspace', '3', 'enter');
		await remote.waitFor(f => /was refused/.test(f) && f.includes('Replicas:'), 'the refused request, in the dialog');
		await remote.press('esc');
		// The server comes back on the same port; a change made meanwhile shows once the watches resume.
		served.cluster.scale('Deployment', 'web', 5, {namespace: 'shop'});
		served.cluster.advance(30_000);
		let back: ApiServer | undefined;
		try {
			// A new serving certificate from the same authority, which the kubeconfig trusts.
			back = await startApiServer(served.cluster, {port, token});
			const up = await remote.waitFor(f => /web\s+5\/5/.test(f) && !/disconnected/.test(f), 'the recovered view');
			t.regex(up, /live/);
		} finally {
			await back?.close();
		}
	} finally {
		await remote.close().catch(() => undefined);
	}
});

test.serial(':ctx lists the kubeconfig\'s contexts; a name that is not one is refused', async t => {
	const remote = await open({context: true});
	try {
		await remote.waitFor(f => /web\s+2\/2/.test(f), 'the web deployment');
		await remote.press(':', 'c', 't', 'x', 'enter');
		const list = await remote.waitFor(f => f.includes('Switch context'), 'the contexts');
		t.regex(list, /\(\*\) kubarium/);
		await remote.press('esc', ':', 'c', 't', 'x', ' ', 'n', 'o', 'p', 'e', 'enter');
		await remote.waitFor(f => f.includes('no context exists with the name: "nope"'), 'the refusal');
		t.pass();
	} finally {
		await remote.close();
	}
});

test.serial('RBAC: a kind the user may not list shows the server\'s reason; a refused action flashes the verb, resource and namespace', async t => {
	const rbac = await serve(cluster => {
		shop(cluster);
		cluster.apply([
			{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: {name: 'deployment-reader'}, rules: [{apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch']}]},
			{apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: {name: 'jane-reads'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'deployment-reader'}, subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane'}]},
		]);
	});
	// The same credentials, impersonating jane (the kubeconfig's `as`, sent as Impersonate-User).
	const asJane = (served: Served) => {
		const config = new KubeConfig();
		config.loadFromFile(served.kubeconfig);
		const user = config.getCurrentUser()!;
		(user as {impersonateUser?: string}).impersonateUser = 'jane';
		const file = join(served.dir, 'jane');
		writeFileSync(file, config.exportConfig());
		return file;
	};
	const remote = await open({served: rbac, kubeconfig: asJane});
	try {
		await remote.waitFor(f => /web\s+2\/2/.test(f), 'the deployments jane may list');
		await remote.press('s');
		await remote.waitFor(f => f.includes('Replicas:'), 'the scale prompt');
		await remote.press('backspace', '5', 'enter');
		// The dialog wraps the message over its lines.
		await remote.waitFor(f => f.replace(/[\s│]+/g, ' ').includes('deployments.apps "web" is forbidden: User "jane" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop"'), 'the refusal');
		t.is(rbac.cluster.get('Deployment', 'web', 'shop')!.spec.replicas, 2);
		await remote.press('esc', ':', 'p', 'o', 'enter');
		await remote.waitFor(f => f.includes('pods is forbidden: User "jane" cannot list resource "pods" in API group "" at the cluster scope'), 'the pods view\'s reason');
		t.false(remote.frame().includes('disconnected'), 'a refusal is not a lost connection');
	} finally {
		await remote.close();
	}
});

test.serial(':ctx NAME switches to another context of the kubeconfig: its cluster\'s objects, its name in the header', async t => {
	const second = await serve(cluster => cluster.apply([
		{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop'}},
		{
			apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'other', namespace: 'shop'},
			spec: {replicas: 1, selector: {matchLabels: {app: 'other'}}, template: {metadata: {labels: {app: 'other'}}, spec: {containers: [{name: 'redis', image: 'redis:7'}]}}},
		},
	]));
	second.cluster.advance(60_000);
	// One kubeconfig with a context for each served cluster.
	const both = (first: Served) => {
		const [one, two] = [first, second].map(served => {
			const config = new KubeConfig();
			config.loadFromFile(served.kubeconfig);
			return config;
		});
		const merged = new KubeConfig();
		merged.loadFromOptions({
			clusters: [{...one!.getCurrentCluster()!, name: 'one'}, {...two!.getCurrentCluster()!, name: 'two'}],
			users: [{...one!.getCurrentUser()!, name: 'one'}, {...two!.getCurrentUser()!, name: 'two'}],
			contexts: [{name: 'first', cluster: 'one', user: 'one'}, {name: 'second', cluster: 'two', user: 'two'}],
			currentContext: 'first',
		});
		const file = join(first.dir, 'both');
		writeFileSync(file, merged.exportConfig());
		return file;
	};
	const remote = await open({context: true, kubeconfig: both});
	try {
		await remote.waitFor(f => /web\s+2\/2/.test(f) && /Cluster:\s+first /.test(f), 'the first context');
		await remote.press(':', 'c', 't', 'x', ' ', 's', 'e', 'c', 'o', 'n', 'd', 'enter');
		const switched = await remote.waitFor(f => /Cluster:\s+second /.test(f) && /other\s+1\/1/.test(f), 'the second context\'s deployments');
		t.notRegex(switched, /web\s+2\/2/);
		t.true(switched.includes(`127.0.0.1:${second.server.port}`));
		t.is(remote.api().cluster.name, 'second');
	} finally {
		await remote.close();
		await second.close();
	}
});
