import test from 'ava';
import {Twins} from '../twins.js';

/*
 * Drains as state: a drain a PodDisruptionBudget holds (its retries every
 * 5 s, the pods it asks for again), one that gives up at its timeout (the
 * errors name pod versions the store has moved past), one stopped, reloaded
 * in place between their rounds.
 */

const guarded = [
	{
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'guarded'},
		spec: {replicas: 3, selector: {matchLabels: {app: 'guarded'}}, template: {metadata: {labels: {app: 'guarded'}}, spec: {containers: [{name: 'main', image: 'nginx:1.27'}]}}},
	},
	{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'guarded'}, spec: {minAvailable: 3, selector: {matchLabels: {app: 'guarded'}}}},
];

test('drains held by a disruption budget, timed out and stopped, reloaded between their rounds: they go on as their twins', t => {
	const twins = new Twins(t, {seed: 5, nodes: 3});
	twins.run(c => c.apply(guarded));
	twins.advance(30_000);
	const nodes = twins.run(c => [...new Set(c.list('pods', {labelSelector: 'app=guarded'}).map(p => p.spec?.nodeName as string))]);
	t.true(nodes.length >= 2);
	const [first, second] = nodes as [string, string];
	twins.run(c => c.drain(first, {ignoreDaemonSets: true, timeoutSeconds: 12}));
	twins.advance(2000);
	twins.reload();
	t.true((twins.part('drains') as unknown[]).length > 0);
	twins.advance(5000);
	twins.reload();
	twins.run(c => c.drainStatus(first));
	twins.run(c => c.drain(second, {ignoreDaemonSets: true}));
	twins.advance(6000);
	twins.reload();
	twins.advance(9000);
	t.true(Boolean(twins.run(c => c.drainStatus(first))?.error), 'the first drain gave up at its timeout');
	twins.reload();
	twins.run(c => c.stopDrain(second));
	twins.reload();
	// The pods named in the errors change: the drain holds older versions than the store's.
	twins.run(c => c.scale('deploy', 'guarded', 4));
	twins.run(c => {
		for (const pod of c.list('pods', {labelSelector: 'app=guarded'})) if (pod.spec?.nodeName === first) c.delete('pod', pod.metadata.name);
	});
	twins.advance(1000);
	t.true(JSON.stringify(twins.part('drains')).includes('"object"'), 'a pod version the store has moved past');
	twins.reload();
	twins.run(c => c.uncordon(first));
	twins.run(c => c.drain(first, {ignoreDaemonSets: true}));
	twins.advance(4000);
	twins.reload();
	twins.advance(30_000);
	twins.run(c => [c.drainStatus(first), c.drainStatus(second)], 'the drains at the end');
	twins.same('at the end');
});
