import test from 'ava';
import {createCluster, type KubeObject} from '../../../source/engine/index.js';
import '../../../source/ui/extensions.js';
import {startDashboard} from '../harness.js';

test.serial('nodes: the PODS column follows pods bound to, moved off and deleted from a node', async t => {
	const cluster = createCluster({seed: 2, nodes: 2});
	const store = cluster.context.store;
	const nodes = cluster.list('Node').map(n => n.metadata.name);
	const [first, second] = [nodes[0]!, nodes[1]!];
	const create = (name: string, node: string) => store.create({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'default'}, spec: {nodeName: node, containers: [{name: 'web', image: 'nginx'}]}} as unknown as KubeObject);
	for (let i = 0; i < 7; i++) create(`a-${i}`, first);
	for (let i = 0; i < 3; i++) create(`b-${i}`, second);
	const podsOn = (node: string) => cluster.list('Pod').filter(p => p.spec?.nodeName === node).length;
	const podsCell = (frame: string, node: string) => {
		const header = frame.split('\n').find(line => /\bNAME\b.*\bPODS\b/.test(line))!;
		const line = frame.split('\n').find(l => l.startsWith(`${node} `) || l.includes(` ${node} `))!;
		const end = header.indexOf('PODS') + 'PODS'.length;
		return Number(line.slice(0, end).trim().split(/\s+/).at(-1));
	};
	const shell = await startDashboard({cluster, namespace: 'default', size: {columns: 160, rows: 30}});
	try {
		await shell.press(':', ...'no', 'enter');
		let frame = await shell.waitFor(f => f.includes('nodes') && f.includes(second), 'the nodes view');
		const before = [podsOn(first), podsOn(second)];
		t.deepEqual([podsCell(frame, first), podsCell(frame, second)], before);
		store.patch(store.get('Pod', 'default', 'a-0')!, draft => void (draft.spec!.nodeName = second));
		store.remove(store.get('Pod', 'default', 'a-1')!);
		create('b-new', second);
		await shell.advance(1000);
		frame = await shell.waitFor(f => podsCell(f, second) === before[1]! + 2, 'the counts moved');
		t.is(podsCell(frame, first), before[0]! - 2);
		t.is(podsCell(frame, second), podsOn(second));
	} finally {
		await shell.unmount();
	}
});
