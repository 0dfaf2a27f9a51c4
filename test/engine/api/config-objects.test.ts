import test from 'ava';
import {createCluster, KubeError, type Cluster} from '../../../source/engine/index.js';
import {validateConfigKey} from '../../../source/engine/api/config-objects.js';

const configMap = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings'}, data, ...extra});
const secret = (extra: Record<string, unknown>) => ({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'creds'}, ...extra});
const b64 = (text: string) => Buffer.from(text).toString('base64');

function snapshot(cluster: Cluster): string {
	return JSON.stringify([cluster.list('configmap'), cluster.list('secret')]);
}

function refuses(t: any, cluster: Cluster, manifest: unknown, message: string | RegExp): void {
	const before = snapshot(cluster);
	const error = t.throws(() => cluster.apply(manifest as any), {instanceOf: KubeError}) as KubeError;
	t.is(error.code, 'Invalid');
	if (typeof message === 'string') t.is(error.message, message);
	else t.regex(error.message, message);
	t.is(snapshot(cluster), before, 'a refused write changes nothing');
}

const keyRule = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

test('config keys follow IsConfigMapKey', t => {
	const cases: Array<[string, string[]]> = [
		['app.properties', []],
		['KEY_name-1', []],
		['bad key', [keyRule]],
		['a/b', [keyRule]],
		['.', ["must not be '.'"]],
		['..', ["must not be '..'"]],
		['..data', ["must not start with '..'"]],
		['k'.repeat(254), ['must be no more than 253 characters']],
	];
	for (const [key, errors] of cases) t.deepEqual(validateConfigKey(key), errors, key);
});

test('a ConfigMap is stored with data and binaryData; bad keys, overlaps and size are refused', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const [stored] = cluster.apply(configMap({'app.properties': 'mode=fast\n'}, {binaryData: {'logo.png': b64('\u0089PNG')}}));
	t.deepEqual(stored!['data'], {'app.properties': 'mode=fast\n'});
	refuses(t, cluster, configMap({'bad key': 'x'}), `ConfigMap "settings" is invalid: data[bad key]: Invalid value: "bad key": ${keyRule}`);
	refuses(t, cluster, configMap({same: 'x'}, {binaryData: {same: b64('y')}}), 'ConfigMap "settings" is invalid: data[same]: Invalid value: "same": duplicate of key present in binaryData');
	refuses(t, cluster, configMap({big: 'x'.repeat(1024 * 1024 + 1)}), 'ConfigMap "settings" is invalid: data: Too long: must have at most 1048576 bytes');
	refuses(t, cluster, configMap({}, {binaryData: {raw: 'not base64!'}}), 'ConfigMap "settings" is invalid: binaryData[raw]: Invalid value: "not base64!": illegal base64 data');
	cluster.apply({...configMap({exactly: 'x'.repeat(1024 * 1024)}), metadata: {name: 'full'}});
	t.is((cluster.get('configmap', 'full')!['data'] as Record<string, string>)['exactly']!.length, 1024 * 1024, 'exactly 1 MiB is allowed');
});

test('an immutable ConfigMap refuses changes to its data and to the flag', t => {
	const cluster = createCluster({seed: 2, nodes: 1});
	cluster.apply(configMap({a: '1'}, {immutable: true}));
	refuses(t, cluster, configMap({a: '2'}, {immutable: true}), 'ConfigMap "settings" is invalid: data: Forbidden: field is immutable when `immutable` is set');
	refuses(t, cluster, configMap({a: '1'}, {immutable: false}), 'ConfigMap "settings" is invalid: immutable: Forbidden: field is immutable when `immutable` is set');
	// Labels may still change; deletion still works.
	cluster.apply({...configMap({a: '1'}, {immutable: true}), metadata: {name: 'settings', labels: {team: 'a'}}});
	t.deepEqual(cluster.get('configmap', 'settings')!.metadata.labels, {team: 'a'});
	cluster.delete('configmap', 'settings');
	t.is(cluster.get('configmap', 'settings'), undefined);
});

test('a Secret merges stringData into base64 data, its keys winning; type defaults to Opaque', t => {
	const cluster = createCluster({seed: 3, nodes: 1});
	const [stored] = cluster.apply(secret({data: {user: b64('admin'), password: b64('old')}, stringData: {password: 's3cr3t'}}));
	t.is(stored!['type'], 'Opaque');
	t.deepEqual(stored!['data'], {user: 'YWRtaW4=', password: 'czNjcjN0'});
	t.false('stringData' in stored!, 'stringData is write-only');
	refuses(t, cluster, secret({stringData: {'no spaces': 'x'}}), `Secret "creds" is invalid: data[no spaces]: Invalid value: "no spaces": ${keyRule}`);
	refuses(t, cluster, secret({data: {k: '***'}}), 'Secret "creds" is invalid: data[k]: Invalid value: "<secret contents redacted>": illegal base64 data');
	refuses(t, cluster, secret({stringData: {k: 'x'.repeat(1024 * 1024 + 1)}}), 'Secret "creds" is invalid: data: Too long: must have at most 1048576 bytes');
	refuses(t, cluster, secret({type: 'kubernetes.io/tls', data: {user: b64('x')}}), /^Secret "creds" is invalid: \[.*type: Invalid value: "kubernetes.io\/tls": field is immutable\]$/);
});

test('Secret types require their keys', t => {
	const cluster = createCluster({seed: 4, nodes: 1});
	const cases: Array<[Record<string, unknown>, string]> = [
		[{type: 'kubernetes.io/tls', stringData: {'tls.crt': 'cert'}}, 'data[tls.key]: Required value'],
		[{type: 'kubernetes.io/tls', stringData: {}}, '[data[tls.key]: Required value, data[tls.crt]: Required value]'],
		[{type: 'kubernetes.io/dockerconfigjson', stringData: {}}, 'data[.dockerconfigjson]: Required value'],
		[{type: 'kubernetes.io/dockerconfigjson', stringData: {'.dockerconfigjson': '{not json'}}, 'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": '],
		[{type: 'kubernetes.io/basic-auth', stringData: {}}, '[data[username]: Required value, data[password]: Required value]'],
		[{type: 'kubernetes.io/ssh-auth', stringData: {}}, 'data[ssh-privatekey]: Required value'],
		[{type: 'kubernetes.io/service-account-token'}, 'metadata.annotations[kubernetes.io/service-account.name]: Required value'],
	];
	for (const [extra, message] of cases) {
		const name = `${String(extra['type']).replace(/[^a-z]/g, '')}x`;
		const expected = `Secret "${name}" is invalid: ${message}`;
		const manifest = {...secret(extra), metadata: {name}};
		if (message.endsWith(': ')) refuses(t, cluster, manifest, new RegExp(`^${expected.replace(/[[\].*+?^${}()|\\]/g, '\\$&')}`));
		else refuses(t, cluster, manifest, expected);
	}
	const [tls] = cluster.apply({...secret({type: 'kubernetes.io/tls', stringData: {'tls.crt': 'CERT', 'tls.key': 'KEY'}}), metadata: {name: 'tls'}});
	t.deepEqual(Object.keys(tls!['data'] as object).sort(), ['tls.crt', 'tls.key']);
	const [docker] = cluster.apply({...secret({type: 'kubernetes.io/dockerconfigjson', stringData: {'.dockerconfigjson': '{"auths":{}}'}}), metadata: {name: 'pull'}});
	t.is(docker!['type'], 'kubernetes.io/dockerconfigjson');
	const [custom] = cluster.apply({...secret({type: 'example.com/custom', stringData: {anything: 'goes'}}), metadata: {name: 'custom'}});
	t.is(custom!['type'], 'example.com/custom');
});

test('an immutable Secret refuses new data', t => {
	const cluster = createCluster({seed: 5, nodes: 1});
	cluster.apply(secret({immutable: true, stringData: {token: 'abc'}}));
	refuses(t, cluster, secret({immutable: true, stringData: {token: 'def'}}), 'Secret "creds" is invalid: data: Forbidden: field is immutable when `immutable` is set');
	t.is((cluster.get('secret', 'creds')!['data'] as Record<string, string>)['token'], b64('abc'));
});
