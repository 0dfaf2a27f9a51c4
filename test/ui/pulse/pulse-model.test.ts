import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {kindPulses, PulseHistory, sparkline} from '../../../source/ui/pulse/pulse-model.js';

test('counts and faults per kind follow the cluster', t => {
	const cluster = createCluster({seed: 5, nodes: 2});
	cluster.apply([
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'ok'}, spec: {containers: [{name: 'c', image: 'nginx'}]}},
		{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'huge'}, spec: {containers: [{name: 'c', image: 'nginx', resources: {requests: {cpu: '64'}}}]}},
	]);
	cluster.advance(30_000);
	const pulses = kindPulses(cluster);
	t.deepEqual(pulses.find(p => p.kind === 'Pod'), {kind: 'Pod', total: 2, faults: 1});
	t.deepEqual(pulses.find(p => p.kind === 'Node'), {kind: 'Node', total: 2, faults: 0});
	const events = pulses.find(p => p.kind === 'Event')!;
	t.true(events.faults >= 1, 'FailedScheduling is a warning');
	t.deepEqual(kindPulses(cluster, 'kube-system').find(p => p.kind === 'Pod'), {kind: 'Pod', total: 0, faults: 0});
});

test('the history samples once per interval of virtual time and stays bounded', t => {
	let now = 0;
	let requests = 0;
	const history = new PulseHistory(() => ({cpuMilli: now / 10, memoryBytes: 1024, requestsTotal: requests}), () => now, 1000, 3);
	t.true(history.sample());
	t.false(history.sample(), 'same instant: no new point');
	for (let i = 1; i <= 5; i++) {
		now += 1000;
		requests += 10 * i;
		history.sample();
		history.sample();
	}
	t.deepEqual(history.samples().map(s => s.at), [3000, 4000, 5000]);
	t.deepEqual(history.samples().map(s => s.requests), [30, 40, 50]);
});

test('sparklines scale to the largest value and pad on the left', t => {
	t.is(sparkline([0, 1, 2, 4], 4), '▁▃▅█');
	t.is(sparkline([5], 3), '  █');
	t.is(sparkline([0, 0], 2), '▁▁');
});
