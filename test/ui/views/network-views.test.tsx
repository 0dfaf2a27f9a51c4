import test from 'ava';
import {readFileSync} from 'node:fs';
import {createCluster} from '../../../source/engine/index.js';
import {renderApp} from '../actions/harness.js';
import {columnSets} from '../../../source/ui/render/registry.js';
import {kindForAlias} from '../../../source/ui/app/commands.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/docs/${name}`, import.meta.url), 'utf8');

function cluster() {
	const c = createCluster({seed: 5, nodes: 2, ingressNginx: true});
	c.apply(fixture('php-apache.yaml'));
	c.apply(fixture('hpa-php-apache.yaml'));
	c.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'hello-app', image: 'gcr.io/google-samples/hello-app:1.0'}]}}}});
	c.expose('deployment', 'web', {port: 8080});
	c.apply(fixture('example-ingress.yaml'));
	c.apply(fixture('test-networkpolicy.yaml'));
	c.advance(60_000);
	return c;
}

test('k9s aliases open the new views', t => {
	t.is(kindForAlias('hpa'), 'HorizontalPodAutoscaler');
	t.is(kindForAlias('ing'), 'Ingress');
	t.is(kindForAlias('netpol'), 'NetworkPolicy');
	t.is(kindForAlias('ingressclasses'), 'IngressClass');
});

test('rows: k9s\' columns for hpa, ingress, ingressclass and networkpolicy', t => {
	const c = cluster();
	const now = c.now();
	const row = (kind: string, name: string, namespace?: string) => columnSets[kind]!.row(c.get(kind, name, namespace)!, {now}).cells;
	t.deepEqual(columnSets['HorizontalPodAutoscaler']!.columns.map(col => col.name), ['NAME', 'REFERENCE', 'TARGETS%', 'MINPODS', 'MAXPODS', 'REPLICAS', 'LABELS', 'AGE']);
	t.deepEqual(row('HorizontalPodAutoscaler', 'php-apache').slice(0, 6), ['php-apache', 'Deployment/php-apache', '0%/50%', '1', '10', '1']);
	const ip = (c.get('Ingress', 'example-ingress') as any).status.loadBalancer.ingress[0].ip;
	t.deepEqual(row('Ingress', 'example-ingress').slice(0, 5), ['example-ingress', 'nginx', 'hello-world.example', ip, '80']);
	t.deepEqual(row('IngressClass', 'nginx').slice(0, 3), ['nginx (default)', 'k8s.io/ingress-nginx', '<none>']);
	t.deepEqual(columnSets['NetworkPolicy']!.columns.map(col => col.name), ['NAME', 'POD-SELECTOR', 'ING-SELECTOR', 'ING-PORTS', 'ING-BLOCK', 'EGR-SELECTOR', 'EGR-PORTS', 'EGR-BLOCK', 'LABELS', 'AGE']);
	t.deepEqual(row('NetworkPolicy', 'test-network-policy').slice(0, 8), [
		'test-network-policy', 'role=db', 'ns:project=myproject,po:role=frontend', 'TCP:6379', '172.17.0.0/16[172.17.1.0/24]', '', 'TCP:5978', '10.0.0.0/24',
	]);
	// An autoscaler at its maximum is coloured as a fault, as in k9s.
	const hpa = structuredClone(c.get('HorizontalPodAutoscaler', 'php-apache')!);
	hpa.status.currentReplicas = 10;
	t.is(columnSets['HorizontalPodAutoscaler']!.health(hpa, {now}), 'error');
});

test.serial(':hpa lists the autoscaler and d describes it with kubectl\'s text', async t => {
	const app = await renderApp({cluster: cluster(), namespace: 'default'});
	try {
		await app.press(':', 'h', 'p', 'a', 'enter');
		let frame = await app.waitFor(f => f.includes('Deployment/php-apache'), 'the hpa view');
		t.regex(frame, /TARGETS%\s+MINPODS\s+MAXPODS\s+REPLICAS/);
		t.regex(frame, /php-apache\s+Deployment\/php-apache\s+0%\/50%\s+1\s+10\s+1/);
		await app.press('d');
		frame = await app.waitFor(f => f.includes('( current / target )'), 'the describe view');
		t.regex(frame, /resource cpu on pods {2}\(as a percentage of request\):\s+0% \(\d+m\) \/ 50%/);
		t.regex(frame, /Deployment pods:\s+1 current \/ 1 desired/);
	} finally {
		await app.cleanup();
	}
});

test.serial(':ing and :netpol list their objects', async t => {
	const app = await renderApp({cluster: cluster(), namespace: 'default'});
	try {
		await app.press(':', 'i', 'n', 'g', 'enter');
		await app.waitFor(f => /example-ingress\s+nginx\s+hello-world\.example\s+172\.18\.255\.\d+\s+80/.test(f), 'the ingress view');
		await app.press(':', 'n', 'e', 't', 'p', 'o', 'l', 'enter');
		await app.waitFor(f => /test-network-policy\s+role=db/.test(f), 'the networkpolicy view');
		t.pass();
	} finally {
		await app.cleanup();
	}
});
