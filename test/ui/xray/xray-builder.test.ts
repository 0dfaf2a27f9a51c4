import test from 'ava';
import fc from 'fast-check';
import {createCluster, type Cluster} from '../../../source/engine/index.js';
import {buildXray, flattenXray, newXrayMemo, type XrayNode} from '../../../source/ui/xray/xray-tree.js';
import {XrayBuilder} from '../../../source/ui/xray/xray-builder.js';

/** Two Deployments (one with a ConfigMap and a Secret), a Service over one, a PDB, a ServiceAccount and a NetworkPolicy. */
function cluster(): Cluster {
	const c = createCluster({seed: 3, nodes: 2});
	const deployment = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name},
		spec: {replicas, selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'main', image: 'nginx:1.27', ...extra}]}}},
	});
	c.apply([
		{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'conf'}, data: {a: '1'}},
		{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'creds'}, stringData: {b: '2'}},
		deployment('web', 12, {envFrom: [{configMapRef: {name: 'conf'}}, {secretRef: {name: 'creds'}}]}),
		deployment('api', 5),
		{apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {selector: {app: 'web'}, ports: [{port: 80}]}},
		{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'web'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'web'}}}},
		{apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'api'}, spec: {podSelector: {matchLabels: {app: 'api'}}}},
	]);
	c.advance(30_000);
	return c;
}

/** The rows as text: what the page draws of each, and each node's id. */
function drawn(roots: readonly XrayNode[]): string[] {
	return flattenXray(roots).map(r => `${r.prefix}${r.node.kind}/${r.node.name} ${r.node.health} ${r.node.info} [${r.node.id}]`);
}

const kinds = ['Deployment', 'ReplicaSet', 'Service', 'Pod', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceAccount'];

test('a build in turns of any size gives the tree of a whole build, ids unique', t => {
	const c = cluster();
	fc.assert(fc.property(fc.constantFrom(...kinds), fc.integer({min: 1, max: 50}), (kind, steps) => {
		const builder = new XrayBuilder(c, kind, 'default', steps);
		builder.want(1);
		let turns = 1;
		while (builder.busy) {
			builder.turn();
			turns++;
		}
		const whole = buildXray(c, kind, 'default');
		const rows = drawn(builder.roots!);
		t.deepEqual(rows, drawn(whole));
		t.is(new Set(flattenXray(whole).map(r => r.node.id)).size, rows.length);
		return turns >= 1;
	}), {numRuns: 60});
});

test('a large tree takes several turns and shows nothing until the first build ends; a small one is whole at once', t => {
	const c = cluster();
	const big = new XrayBuilder(c, 'Deployment', 'default', 5);
	big.want(1);
	t.true(big.busy);
	t.is(big.roots, undefined);
	while (!big.turn());
	t.false(big.busy);
	t.truthy(big.roots);
	const small = new XrayBuilder(c, 'Deployment', 'default');
	small.want(1);
	t.false(small.busy);
	t.deepEqual(drawn(small.roots!), drawn(buildXray(c, 'Deployment', 'default')));
});

test('a rebuild with the memo reuses unchanged pods and redraws what changed: a pod, and the ConfigMap its pods refer to', t => {
	const c = cluster();
	const memo = newXrayMemo();
	const first = buildXray(c, 'Deployment', 'default', memo);
	const pods = (roots: XrayNode[]) => flattenXray(roots).filter(r => r.node.kind === 'Pod').map(r => r.node);
	const again = buildXray(c, 'Deployment', 'default', memo);
	t.true(pods(again).every((node, i) => node === pods(first)[i]), 'unchanged pods keep their nodes');
	c.delete('ConfigMap', 'conf');
	const [api] = c.list('Pod').filter(p => p.metadata.labels?.['app'] === 'api');
	c.delete('Pod', api!.metadata.name, {gracePeriodSeconds: 0});
	c.advance(5000);
	const after = buildXray(c, 'Deployment', 'default', memo);
	t.deepEqual(drawn(after), drawn(buildXray(c, 'Deployment', 'default')));
	t.true(pods(after).filter(node => node.name.startsWith('web-')).every(node => node.health === 'fault'), 'web pods now miss their ConfigMap');
	t.regex(drawn(after).join('\n'), /ConfigMap\/conf fault not found/);
});

test('a change while a tree is built is built next, and a version built already starts nothing', t => {
	const c = cluster();
	const builder = new XrayBuilder(c, 'Deployment', 'default', 10);
	builder.want(1);
	builder.turn();
	c.scale('Deployment', 'api', 2, {namespace: 'default'});
	c.advance(5000);
	builder.want(2);
	let ended = 0;
	while (!builder.turn());
	ended++;
	t.true(builder.busy, 'a second build started for version 2');
	while (builder.busy) if (builder.turn()) ended++;
	t.is(ended, 2);
	t.deepEqual(drawn(builder.roots!), drawn(buildXray(c, 'Deployment', 'default')));
	t.regex(drawn(builder.roots!).join('\n'), /Deployment\/api ok 2\/2/);
	builder.want(2);
	t.false(builder.busy, 'the tree of version 2 is built already');
});
