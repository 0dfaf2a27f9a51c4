import test from 'ava';
import {hasKubectl, serve, type Served} from './harness.js';

/**
 * Paged lists: `limit` and `continue` as the API server pages over etcd
 * (apiserver/pkg/storage/etcd3/store.go and storage/continue.go, v1.32): an
 * opaque token of the list's resourceVersion and the next key, later pages
 * read at that version, `remainingItemCount` without selectors, 410 Expired
 * with a token that goes on at the latest version once the version is
 * compacted, BadRequest for a token the server did not write. kubectl's
 * `--chunk-size` follows the tokens and prints one table (kubectl get's own
 * behaviour against a kind cluster).
 */

let served: Served;

const configMap = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {tier: 'a'}) =>
	({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'paging', labels}, data});

test.before(async () => {
	served = await serve(cluster => {
		cluster.apply({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'paging'}});
		for (const name of ['c', 'a', 'e', 'b', 'd']) cluster.apply(configMap(name, {v: '1'}));
		cluster.advance(1000);
	}, {watchCacheSize: 8});
});
test.after.always(async () => {
	await served?.close();
});

type List = {metadata: {resourceVersion: string; continue?: string; remainingItemCount?: number}; items: Array<{metadata: {name: string; resourceVersion: string}; data?: Record<string, string>}>};
type Status = {code: number; reason: string; message: string; metadata: {continue?: string}};

async function list(query: string): Promise<{code: number; body: List & Status}> {
	const reply = await served.call('GET', `/api/v1/namespaces/paging/configmaps?${query}`);
	return {code: reply.code, body: JSON.parse(reply.body)};
}

const token = (value: string) => JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
const names = (body: List) => body.items.map(i => i.metadata.name);

test.serial('pages in key order with an opaque token and the remaining count; later pages read at the first page\'s version', async t => {
	const first = await list('limit=2');
	t.is(first.code, 200);
	t.deepEqual(names(first.body), ['a', 'b']);
	t.is(first.body.metadata.remainingItemCount, 4);
	const rv = Number(first.body.metadata.resourceVersion);
	t.deepEqual(token(first.body.metadata.continue!), {v: 'meta.k8s.io/v1', rv, start: 'b\u0000'});
	// Changes between pages do not show: the pages are one list at rv.
	const cluster = served.cluster;
	const oldC = cluster.get('ConfigMap', 'c', 'paging')!;
	cluster.apply(configMap('c', {v: '2'}));
	cluster.apply(configMap('bb', {v: '1'}));
	cluster.delete('ConfigMap', 'd', {namespace: 'paging'});
	const second = await list(`limit=2&continue=${first.body.metadata.continue}`);
	t.deepEqual(names(second.body), ['c', 'd']);
	t.is(second.body.metadata.resourceVersion, String(rv));
	t.is(second.body.items[0]!.metadata.resourceVersion, oldC.metadata.resourceVersion);
	t.deepEqual(second.body.items[0]!.data, {v: '1'});
	t.is(second.body.metadata.remainingItemCount, 2);
	const third = await list(`limit=2&continue=${second.body.metadata.continue}`);
	t.deepEqual(names(third.body), ['e', 'kube-root-ca.crt']);
	t.is(third.body.metadata.continue, undefined);
	t.is(third.body.metadata.remainingItemCount, undefined);
	// A new list sees the present.
	t.deepEqual(names((await list('limit=500')).body), ['a', 'b', 'bb', 'c', 'e', 'kube-root-ca.crt']);
	cluster.apply(configMap('d', {v: '1'}));
	cluster.delete('ConfigMap', 'bb', {namespace: 'paging'});
});

test.serial('a selector pages without a remaining count', async t => {
	const first = await list('limit=2&labelSelector=tier%3Da');
	t.deepEqual(names(first.body), ['a', 'b']);
	t.is(first.body.metadata.remainingItemCount, undefined);
	t.truthy(first.body.metadata.continue);
	const rest = await list(`limit=10&labelSelector=tier%3Da&continue=${first.body.metadata.continue}`);
	t.deepEqual(names(rest.body), ['c', 'd', 'e']);
});

test.serial('a token whose version was compacted is 410 Expired, with a token that goes on at the latest version', async t => {
	const first = await list('limit=2');
	for (let i = 0; i < 12; i++) served.cluster.apply(configMap('e', {v: String(i)}));
	const expired = await list(`limit=2&continue=${first.body.metadata.continue}`);
	t.is(expired.code, 410);
	t.is(expired.body.reason, 'Expired');
	t.is(expired.body.message, 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
	t.deepEqual(token(expired.body.metadata.continue!), {v: 'meta.k8s.io/v1', rv: -1, start: 'b\u0000'});
	const onward = await list(`limit=10&continue=${expired.body.metadata.continue}`);
	t.is(onward.code, 200);
	t.deepEqual(names(onward.body), ['c', 'd', 'e', 'kube-root-ca.crt']);
	t.deepEqual(onward.body.items[2]!.data, {v: '11'});
	t.is(onward.body.metadata.resourceVersion, served.cluster.resourceVersion);
});

test.serial('tokens the server did not write and continue with a resourceVersion are BadRequest', async t => {
	const bad = await list('continue=not-a-token');
	t.is(bad.code, 400);
	t.regex(bad.body.message, /^invalid continue token: continue key is not valid: /);
	const version = await list(`continue=${Buffer.from(JSON.stringify({v: 'v0', rv: 5, start: 'a\u0000'})).toString('base64url')}`);
	t.is(version.body.message, 'invalid continue token: continue key is not valid: server does not recognize this encoded version "v0"');
	const zero = await list(`continue=${Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv: 0, start: 'a\u0000'})).toString('base64url')}`);
	t.is(zero.body.message, 'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
	const first = await list('limit=1');
	const both = await list(`limit=1&resourceVersion=1&continue=${first.body.metadata.continue}`);
	t.is(both.code, 400);
	t.is(both.body.message, 'specifying resource version is not allowed when using continue');
	const limit = await list('limit=two');
	t.is(limit.code, 400);
});

const run = hasKubectl ? test.serial : test.serial.skip;
if (!hasKubectl) console.log('kubectl is not on PATH: the kubectl paging tests are skipped');

run('kubectl get --chunk-size follows the tokens and prints one table', async t => {
	const whole = await served.kubectl(['get', 'cm', '-n', 'paging']);
	const chunked = await served.kubectl(['get', 'cm', '-n', 'paging', '--chunk-size=2']);
	t.is(chunked.code, 0);
	t.is(chunked.stdout, whole.stdout);
	t.is(chunked.stdout.split('\n')[0], 'NAME               DATA   AGE');
	t.is(chunked.stdout.trim().split('\n').length, 7);
	const named = await served.kubectl(['get', 'cm', '-n', 'paging', '--chunk-size=1', '-o', 'name']);
	t.is(named.stdout, ['a', 'b', 'c', 'd', 'e', 'kube-root-ca.crt'].map(n => `configmap/${n}\n`).join(''));
});
