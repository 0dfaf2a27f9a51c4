import test from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {threeWayMerge} from '../../source/engine/api/apply-merge.js';

test('re-applying a pod keeps what the scheduler and kubelet set', t => {
	const cluster = createCluster({seed: 4});
	const manifest = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web', labels: {app: 'web'}}, spec: {containers: [{name: 'nginx', image: 'nginx:1.25'}]}};
	cluster.apply(manifest);
	cluster.advance(10_000);
	const running = cluster.get('pod', 'web')!;
	t.truthy(running.spec.nodeName);
	cluster.apply({...manifest, metadata: {...manifest.metadata, labels: {app: 'web', tier: 'front'}}});
	const after = cluster.get('pod', 'web')!;
	t.is(after.spec.nodeName, running.spec.nodeName);
	t.is(after.status.phase, 'Running');
	t.deepEqual(after.metadata.labels, {app: 'web', tier: 'front'});
	
});

test('a field the previous apply set and the new one leaves out is removed; others stay', t => {
	const cluster = createCluster({seed: 4});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cfg', labels: {a: '1', b: '2'}}, data: {x: '1'}, binaryData: {y: 'AA=='}});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cfg', labels: {a: '1'}}, data: {x: '2'}});
	const cfg = cluster.get('cm', 'cfg')!;
	t.deepEqual(cfg['data'], {x: '2'});
	t.is(cfg['binaryData'], undefined);
	t.deepEqual(cfg.metadata.labels, {a: '1'});
});

test('re-applying a NodePort Service keeps its allocated cluster IP and node port', t => {
	const cluster = createCluster({seed: 4});
	const service = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web'}, spec: {type: 'NodePort', selector: {app: 'web'}, ports: [{port: 80}]}};
	const [first] = cluster.apply(service);
	const [second] = cluster.apply(service);
	t.is(second!.spec.clusterIP, first!.spec.clusterIP);
	t.is(second!.spec.ports[0].nodePort, first!.spec.ports[0].nodePort);
});

test('lists of objects merge by their key; scalars and plain lists are replaced', t => {
	const live = {containers: [{name: 'a', image: 'x:1', terminationMessagePath: '/dev/termination-log'}], args: ['1', '2']};
	const previous = {containers: [{name: 'a', image: 'x:1'}], args: ['1', '2']};
	const desired = {containers: [{name: 'a', image: 'x:2'}, {name: 'b', image: 'y:1'}], args: ['3']};
	t.deepEqual(threeWayMerge(live, previous, desired), {
		containers: [{name: 'a', image: 'x:2', terminationMessagePath: '/dev/termination-log'}, {name: 'b', image: 'y:1'}],
		args: ['3'],
	});
});

test('a pod manifest without a spec or containers is refused with the field, not a crash', t => {
	const cluster = createCluster({seed: 4});
	for (const spec of [undefined, {}, {containers: 'nginx'}]) {
		const error = t.throws(() => cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'bare'}, ...(spec === undefined ? {} : {spec})}));
		t.is((error as {code?: string}).code, 'Invalid');
		t.true(error!.message.startsWith('Pod "bare" is invalid: '), error!.message);
	}
	t.is(cluster.get('pod', 'bare'), undefined);
});
