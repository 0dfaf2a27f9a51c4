import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster} from '../../../source/engine/index.js';
import {kindPulses} from '../../../source/ui/pulse/pulse-model.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/docs/${name}`, import.meta.url), 'utf8');

test('pulse counts HPAs (faulty when they cannot scale), Ingresses (faulty without an address) and NetworkPolicies', t => {
	const cluster = createCluster({seed: 6, nodes: 2});
	cluster.apply(fixture('hpa-php-apache.yaml'));
	cluster.apply(fixture('example-ingress.yaml'));
	cluster.apply(fixture('test-networkpolicy.yaml'));
	cluster.advance(20_000);
	const source = {now: () => cluster.now(), list: (kind: string) => cluster.list(kind)};
	const pulse = Object.fromEntries(kindPulses(source).map(p => [p.kind, p]));
	// No target Deployment: AbleToScale False. No ingress controller: no address.
	t.like(pulse['HorizontalPodAutoscaler'], {total: 1, faults: 1});
	t.like(pulse['Ingress'], {total: 1, faults: 1});
	t.like(pulse['NetworkPolicy'], {total: 1, faults: 0});
	cluster.apply(fixture('php-apache.yaml'));
	cluster.advance(60_000);
	t.like(Object.fromEntries(kindPulses(source).map(p => [p.kind, p]))['HorizontalPodAutoscaler'], {total: 1, faults: 0});
});
