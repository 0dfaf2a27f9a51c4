import test from 'ava';
import {createCluster, type KubeObject} from '../../../source/engine/index.js';
import {describe} from '../../../source/ui/details/describe/describe.js';
import {tabwrite} from '../../../source/ui/details/tabwriter.js';
import {humanDuration, rfc1123z} from '../../../source/ui/details/time-format.js';
import {objectYaml, decodedSecretYaml, maskSecret} from '../../../source/ui/details/yaml-text.js';

const pod = {
	apiVersion: 'v1', kind: 'Pod',
	metadata: {name: 'web', labels: {app: 'web', tier: 'front'}, annotations: {note: 'evil\x1b]0;pwned\x07 \x1b[2Jtext'}},
	spec: {containers: [{name: 'nginx', image: 'nginx:1.27', ports: [{containerPort: 80}], env: [{name: 'MODE', value: 'prod'}]}]},
};

test('human durations follow kubectl', t => {
	const cases: Array<[number, string]> = [[5_000, '5s'], [119_000, '119s'], [200_000, '3m20s'], [600_000, '10m'], [3 * 3600_000 + 60_000, '3h1m'], [30 * 3600_000, '30h'], [50 * 3600_000, '2d2h'], [400 * 86400_000, '400d']];
	for (const [ms, text] of cases) t.is(humanDuration(ms), text, String(ms));
	t.is(rfc1123z('2026-01-01T09:00:00Z'), 'Thu, 01 Jan 2026 09:00:00 +0000');
});

test('tabwriter aligns column blocks and leaves the last cell unpadded', t => {
	t.deepEqual(tabwrite(['Name:\tweb', 'Namespace:\tdefault', 'Containers:', '  Type\tStatus', '  Ready\tTrue']), [
		'Name:       web',
		'Namespace:  default',
		'Containers:',
		'  Type   Status',
		'  Ready  True',
	]);
});

test('describe pod: header, containers, conditions, events with the kubelet\'s reasons', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(pod);
	cluster.advance(30_000);
	const live = cluster.get('Pod', 'web')!;
	const text = describe(live, cluster);
	t.regex(text, /^Name:\s+web$/m);
	t.regex(text, /^Namespace:\s+default$/m);
	t.regex(text, /^Labels:\s+app=web\n\s+tier=front$/m);
	t.regex(text, /^Status:\s+Running$/m);
	t.regex(text, /^Node:\s+kubarium-worker\d?\/172\./m);
	t.regex(text, /^Containers:\n {2}nginx:\n/m);
	t.regex(text, /^ {4}Image:\s+nginx:1\.27$/m);
	t.regex(text, /^ {4}Port:\s+80\/TCP$/m);
	t.regex(text, /^ {4}State:\s+Running$/m);
	t.regex(text, /^ {4}Ready:\s+True$/m);
	t.regex(text, /^ {4}Restart Count:\s+0$/m);
	t.regex(text, /^ {6}MODE:\s+prod$/m);
	t.regex(text, /^Conditions:\n {2}Type\s+Status$/m);
	t.regex(text, /^Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n {2}----\s+------\s+----\s+----\s+-------$/m);
	t.regex(text, /^ {2}Normal\s+Scheduled\s+\d+s\s+default-scheduler\s+Successfully assigned default\/web to kubarium-worker/m);
	t.regex(text, /^ {2}Normal\s+Started\s+\d+s\s+kubelet\s+/m);
	// The annotation's escape sequences are gone, its text stays.
	t.regex(text, /^(Annotations:)?\s+note: evil text$/m);
	t.false(text.includes('\x1b'));
});

test('describe pod lists the ephemeral containers kubectl debug added after the pod\'s own, with their state', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(pod);
	cluster.advance(30_000);
	cluster.replaceEphemeralContainers('web', [{name: 'debugger-abcde', image: 'busybox:1.36', command: ['sleep', '1d'], targetContainerName: 'nginx'}]);
	cluster.advance(5_000);
	const text = describe(cluster.get('Pod', 'web')!, cluster);
	t.regex(text, /^Containers:\n {2}nginx:\n[^]*\nEphemeral Containers:\n {2}debugger-abcde:\n {4}Container ID:\s+containerd:\/\/[0-9a-f]{64}\n {4}Image:\s+busybox:1\.36\n[^]*\n {4}Command:\n {6}sleep\n {6}1d\n {4}State:\s+Running\n[^]*\nConditions:/m);
	t.regex(text, /^ {2}Normal\s+Started\s+\d+s\s+kubelet\s+Started container debugger-abcde$/m);
});

test('repeated events show as (xN over AGE)', t => {
	const cluster = createCluster({seed: 3});
	const [created] = cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c'}, data: {a: '1'}});
	cluster.context.events.warning(created!, 'Oops', 'it broke', {component: 'tester'});
	cluster.advance(120_000);
	cluster.context.events.warning(created!, 'Oops', 'it broke', {component: 'tester'});
	cluster.advance(60_000);
	cluster.context.events.warning(created!, 'Oops', 'it broke', {component: 'tester'});
	cluster.advance(10_000);
	const text = describe(cluster.get('ConfigMap', 'c')!, cluster);
	t.regex(text, /^ {2}Warning\s+Oops\s+10s \(x3 over 3m10s\)\s+tester\s+it broke$/m);
	t.regex(text, /^Data\n====\na:\n----\n1$/m);
});

test('describe without events says <none>', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'quiet'}, data: {}});
	t.regex(describe(cluster.get('ConfigMap', 'quiet')!, cluster), /^Events:\s+<none>$/m);
});

test('describe node lists its conditions, capacity and pods', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	cluster.apply(pod);
	cluster.advance(10_000);
	const text = describe(cluster.get('Node', 'kubarium-worker')!, cluster);
	t.regex(text, /^Roles:\s+<none>$/m);
	t.regex(text, /^ {2}Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status$/m);
	t.regex(text, /^Capacity:\n {2}cpu:\s+4$/m);
	t.regex(text, /^Non-terminated Pods:\s+\(1 in total\)$/m);
	t.regex(text, /^ {2}default\s+web\s+/m);
});

test('yaml puts apiVersion, kind and metadata first and status last, escapes control characters', t => {
	const cluster = createCluster({seed: 3});
	cluster.apply(pod);
	cluster.advance(5_000);
	const text = objectYaml(cluster.get('Pod', 'web')!);
	const lines = text.split('\n');
	t.is(lines[0], 'apiVersion: v1');
	t.is(lines[1], 'kind: Pod');
	t.is(lines[2], 'metadata:');
	t.true(text.indexOf('\nspec:') < text.indexOf('\nstatus:'));
	t.false(text.includes('\x1b'));
	t.regex(text, /note: "evil\\e\]0;pwned\\a \\e\[2Jtext"/);
});

test('secrets are masked, and decode shows the values', t => {
	const secret: KubeObject = {apiVersion: 'v1', kind: 'Secret', metadata: {name: 's', uid: '', resourceVersion: '', creationTimestamp: ''}, data: {password: Buffer.from('hunter2').toString('base64')}};
	const masked = objectYaml(maskSecret(secret));
	t.false(masked.includes('aHVudGVyMg=='));
	t.regex(masked, /password: "?\*{7}"?/);
	t.regex(decodedSecretYaml(secret), /password: hunter2/);
});
