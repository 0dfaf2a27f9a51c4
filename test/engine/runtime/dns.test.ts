/**
 * Cluster DNS from inside a pod: busybox's nslookup answers Services by the
 * pod's search path with the ClusterIP, a headless Service with its ready
 * endpoints, and NXDOMAIN (exit 1) for a name no Service has.
 */
import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';

function cluster() {
	const c = createCluster({seed: 3});
	c.apply(`
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: box, namespace: shop, labels: {app: box}}
spec:
  containers:
  - {name: box, image: busybox:1.36, command: [sh, -c, sleep 3600]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: box}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: peers, namespace: shop}
spec:
  clusterIP: None
  selector: {app: box}
  ports: [{port: 80}]
`);
	c.advance(20_000);
	return c;
}

test('nslookup of a Service by its short name, with the namespace, and fully qualified gives its ClusterIP', t => {
	const c = cluster();
	const ip = c.get('Service', 'web', 'shop')!.spec!['clusterIP'] as string;
	for (const name of ['web', 'web.shop', 'web.shop.svc.cluster.local']) {
		const result = c.exec('box', ['nslookup', name], {namespace: 'shop'});
		t.is(result.exitCode, 0, name);
		t.is(result.stdout, `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.shop.svc.cluster.local\nAddress: ${ip}\n\n`, name);
	}
	t.regex(c.exec('box', ['nslookup', 'kubernetes.default'], {namespace: 'shop'}).stdout, /Name:\tkubernetes\.default\.svc\.cluster\.local\nAddress: 10\.96\.0\.1\n/);
});

test('a headless Service resolves to its ready endpoints; an unknown name is NXDOMAIN for each search domain, exit 1', t => {
	const c = cluster();
	const podIp = c.get('Pod', 'box', 'shop')!.status!['podIP'] as string;
	t.regex(c.exec('box', ['nslookup', 'peers'], {namespace: 'shop'}).stdout, new RegExp(`Address: ${podIp.replaceAll('.', '\\.')}\\n`));
	const missing = c.exec('box', ['sh', '-c', 'nslookup db'], {namespace: 'shop'});
	t.is(missing.exitCode, 1);
	t.true(missing.stdout.includes("** server can't find db.shop.svc.cluster.local: NXDOMAIN"));
	t.true(missing.stdout.includes("** server can't find db: NXDOMAIN"));
});

test('in a cluster that runs CoreDNS behind kube-dns, lookups are answered only while a CoreDNS pod is ready: scaled to zero, every lookup times out', t => {
	const c = createCluster({seed: 3, demo: true});
	c.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'box', namespace: 'shop'}, spec: {containers: [{name: 'box', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600']}]}});
	c.advance(30_000);
	t.is(c.get('Service', 'kube-dns', 'kube-system')?.spec?.clusterIP, '10.96.0.10');
	const lookup = () => c.exec('box', ['nslookup', 'web'], {namespace: 'shop'});
	const fetch = () => c.exec('box', ['wget', '-q', '-O-', 'http://web'], {namespace: 'shop'});
	t.regex(lookup().stdout, /Name:\tweb\.shop\.svc\.cluster\.local\n/);
	t.is(fetch().exitCode, 0);
	c.scale('Deployment', 'coredns', 0, {namespace: 'kube-system'});
	c.advance(40_000);
	t.deepEqual({...lookup()}, {stdout: ';; connection timed out; no servers could be reached\n\n', stderr: '', exitCode: 1});
	t.like(fetch(), {stderr: "wget: bad address 'web'\n", exitCode: 1});
	// An address needs no lookup.
	const ip = c.get('Service', 'web', 'shop')!.spec!.clusterIP as string;
	t.is(c.exec('box', ['wget', '-q', '-O-', `http://${ip}`], {namespace: 'shop'}).exitCode, 0);
	c.scale('Deployment', 'coredns', 2, {namespace: 'kube-system'});
	c.advance(40_000);
	t.regex(lookup().stdout, /Name:\tweb\.shop\.svc\.cluster\.local\n/);
});

test('a default-deny egress policy stops a pod\'s DNS queries too, until a rule lets UDP 53 out; a rule for TCP 53 alone does not', t => {
	const c = createCluster({seed: 3, demo: true});
	c.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'box', namespace: 'shop'}, spec: {containers: [{name: 'box', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600']}]}});
	c.advance(30_000);
	const lookup = () => c.exec('box', ['nslookup', 'web'], {namespace: 'shop'}).exitCode;
	t.is(lookup(), 0);
	c.apply({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'deny-egress', namespace: 'shop'}, spec: {podSelector: {}, policyTypes: ['Egress']}});
	t.is(lookup(), 1);
	c.apply({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'dns-tcp', namespace: 'shop'}, spec: {podSelector: {}, policyTypes: ['Egress'], egress: [{ports: [{port: 53, protocol: 'TCP'}]}]}});
	t.is(lookup(), 1, 'a DNS query is UDP');
	c.apply({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'dns', namespace: 'shop'}, spec: {podSelector: {}, policyTypes: ['Egress'], egress: [{
		to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}, podSelector: {matchLabels: {'k8s-app': 'kube-dns'}}}],
		ports: [{port: 53, protocol: 'UDP'}],
	}]}});
	t.is(lookup(), 0);
});

test('CoreDNS reads its Corefile at start: a directive it does not know stops it with its own words and its new pods crash-loop; the old ones answer until they go, then lookups time out, until the ConfigMap is fixed', t => {
	const c = createCluster({seed: 3, demo: true});
	c.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'box', namespace: 'shop'}, spec: {containers: [{name: 'box', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600']}]}});
	c.advance(30_000);
	const corefile = (c.get('ConfigMap', 'coredns', 'kube-system')!.data as {Corefile: string}).Corefile;
	t.regex(corefile, /^\.:53 \{\n {4}errors\n/);
	const dnsPods = () => c.list('Pod', {namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns'});
	t.true(dnsPods().every(p => p.status?.phase === 'Running'));
	// Running pods keep the configuration they read; a restart reads the broken one.
	c.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'coredns', namespace: 'kube-system'}, data: {Corefile: corefile.replace('    forward .', '    forwardd .')}});
	c.restart('Deployment', 'coredns', {namespace: 'kube-system'});
	c.advance(120_000);
	const crashing = dnsPods().filter(p => (p.status?.containerStatuses as any)?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
	t.true(crashing.length >= 1, 'the new pods crash-loop');
	const lines = c.logs(crashing[0]!.metadata.name, {namespace: 'kube-system', previous: true});
	t.deepEqual(lines, ["/etc/coredns/Corefile:13 - Error during parsing: Unknown directive 'forwardd'"]);
	t.like((crashing[0]!.status?.containerStatuses as any)[0].lastState.terminated, {exitCode: 1, reason: 'Error'});
	// The rollout keeps the old pods while the new one is not ready: they still answer.
	t.is(c.exec('box', ['nslookup', 'web'], {namespace: 'shop'}).exitCode, 0);
	for (const pod of dnsPods().filter(p => p.status?.phase === 'Running' && (p.status?.containerStatuses as any)?.[0]?.ready)) c.delete('Pod', pod.metadata.name, {namespace: 'kube-system'});
	c.advance(60_000);
	t.false(dnsPods().some(p => (p.status?.containerStatuses as any)?.[0]?.ready), 'every CoreDNS pod now runs the broken Corefile');
	t.is(c.exec('box', ['nslookup', 'web'], {namespace: 'shop'}).stdout, ';; connection timed out; no servers could be reached\n\n');
	c.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'coredns', namespace: 'kube-system'}, data: {Corefile: corefile}});
	c.advance(600_000);
	t.true(dnsPods().every(p => p.status?.phase === 'Running' && (p.status?.containerStatuses as any)?.[0]?.ready), 'the next restart reads the fixed Corefile');
	t.is(c.exec('box', ['nslookup', 'web'], {namespace: 'shop'}).exitCode, 0);
});
