import {chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {kubectlSuite, serve, type Served} from './harness.js';

/** kubectl create token, and requests made with the token: the ServiceAccount is the user, RBAC decides. */

const lines = (...rows: string[]) => rows.map(r => `${r}\n`).join('');

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: short-lived}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1"}
`);
	cluster.advance(5000);
}, {what: 'the token tests'});

async function token(...args: string[]): Promise<string> {
	const made = await served().kubectl(['create', 'token', ...args]);
	if (made.code !== 0) throw new Error(made.stderr);
	return made.stdout.trim();
}

run('a token of kubectl create token acts as its ServiceAccount, which RBAC lets do only what it is bound to', async t => {
	const reader = await token('reader');
	t.regex(reader, /^[\w-]+\.[\w-]+\.[\w-]+$/);
	const claims = JSON.parse(Buffer.from(reader.split('.')[1]!, 'base64url').toString('utf8'));
	t.like(claims, {sub: 'system:serviceaccount:default:reader', iss: 'https://kubernetes.default.svc.cluster.local', aud: ['https://kubernetes.default.svc.cluster.local']});
	t.is(claims.exp - claims.iat, 3600);
	t.is(claims['kubernetes.io'].serviceaccount.uid, served().cluster.get('ServiceAccount', 'reader')!.metadata.uid);
	const as = (...args: string[]) => served().kubectl([`--token=${reader}`, ...args]);
	t.is((await as('auth', 'whoami')).stdout, lines(
		'ATTRIBUTE   VALUE',
		'Username    system:serviceaccount:default:reader',
		'Groups      [system:serviceaccounts system:serviceaccounts:default system:authenticated]',
	));
	const refused = await as('get', 'configmaps');
	t.deepEqual([refused.code, refused.stderr], [1, 'Error from server (Forbidden): configmaps is forbidden: User "system:serviceaccount:default:reader" cannot list resource "configmaps" in API group "" in the namespace "default"\n']);
	t.is((await served().kubectl(['create', 'rolebinding', 'reader-view', '--clusterrole=view', '--serviceaccount=default:reader'])).code, 0);
	const allowed = await as('get', 'configmaps', 'settings', '-o', 'name');
	t.deepEqual([allowed.code, allowed.stdout], [0, 'configmap/settings\n']);
	const write = await as('delete', 'configmap', 'settings');
	t.regex(write.stderr, /^Error from server \(Forbidden\): configmaps "settings" is forbidden: User "system:serviceaccount:default:reader" cannot delete resource "configmaps"/);
	// Impersonation is a permission of its own.
	const impersonate = await as('get', 'configmaps', '--as', 'jane');
	t.is(impersonate.stderr, 'Error from server (Forbidden): users "jane" is forbidden: User "system:serviceaccount:default:reader" cannot impersonate resource "users" in API group "" at the cluster scope\n');
});

run('a token expires by the cluster\'s clock, dies with its ServiceAccount, and asks for at least ten minutes', async t => {
	const short = await token('short-lived', '--duration=10m');
	const as = (...args: string[]) => served().kubectl([`--token=${short}`, ...args]);
	t.is((await as('auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}')).stdout, 'system:serviceaccount:default:short-lived');
	served().cluster.advance(10 * 60_000);
	const expired = await as('auth', 'whoami');
	t.deepEqual([expired.code, expired.stderr], [1, 'error: You must be logged in to the server (Unauthorized)\n']);
	const other = await token('short-lived');
	t.is((await served().kubectl([`--token=${other}`, 'auth', 'whoami', '-o', 'name'])).code, 0);
	await served().kubectl(['delete', 'serviceaccount', 'short-lived']);
	t.is((await served().kubectl([`--token=${other}`, 'auth', 'whoami'])).stderr, 'error: You must be logged in to the server (Unauthorized)\n');
	const tooShort = await served().kubectl(['create', 'token', 'reader', '--duration=1m']);
	t.deepEqual([tooShort.code, tooShort.stderr], [1, 'error: failed to create token: TokenRequest.authentication.k8s.io "reader" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes\n']);
	const missing = await served().kubectl(['create', 'token', 'nope']);
	t.deepEqual([missing.code, missing.stderr], [1, 'error: failed to create token: serviceaccounts "nope" not found\n']);
	t.is((await served().kubectl(['--token=not-a-token', 'get', 'pods'])).stderr, 'error: You must be logged in to the server (Unauthorized)\n');
});

// The signing key kept in a file (the config dir's service-account.key) outlasts the server: a restarted one takes the tokens it issued.
run('with its key file, a server started again takes the tokens the last one issued; a server with a key of its own does not', async t => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'kubarium-sa-key-'));
	const keyFile = path.join(dir, 'service-account.key');
	let first: Served | undefined;
	let again: Served | undefined;
	let other: Served | undefined;
	try {
		first = await serve(() => undefined, {serviceAccountKeyFile: keyFile}, served().cluster);
		const made = await first.kubectl(['create', 'token', 'reader']);
		t.is(made.code, 0, made.stderr);
		const reader = made.stdout.trim();
		t.regex(readFileSync(keyFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
		t.is(statSync(keyFile).mode & 0o777, 0o600);
		await first.close();
		first = undefined;
		again = await serve(() => undefined, {serviceAccountKeyFile: keyFile}, served().cluster);
		const whoami = await again.kubectl([`--token=${reader}`, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
		t.is(whoami.stdout, 'system:serviceaccount:default:reader', whoami.stderr);
		other = await serve(() => undefined, {}, served().cluster);
		const refused = await other.kubectl([`--token=${reader}`, 'auth', 'whoami']);
		t.deepEqual([refused.code, refused.stderr], [1, 'error: You must be logged in to the server (Unauthorized)\n']);
		// A key file that holds no key is made again.
		writeFileSync(keyFile, 'not a key');
		chmodSync(keyFile, 0o644);
		await again.close();
		again = await serve(() => undefined, {serviceAccountKeyFile: keyFile}, served().cluster);
		t.is((await again.kubectl(['create', 'token', 'reader'])).code, 0);
		t.regex(readFileSync(keyFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
		t.is(statSync(keyFile).mode & 0o777, 0o600, 'readable by its owner only, whatever the file it replaced');
	} finally {
		await first?.close();
		await again?.close();
		await other?.close();
		rmSync(dir, {recursive: true, force: true});
	}
});
