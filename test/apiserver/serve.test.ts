import test from 'ava';
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {parse} from 'yaml';
import {parseServeFlags, ServeFlagError} from '../../source/serve.js';
import {writeKubeconfig} from '../../source/apiserver/kubeconfig.js';

test('serve flags: defaults, values, and a clear message for each bad one', t => {
	t.deepEqual(parseServeFlags([]), {port: 6443, empty: false, speed: 1, help: false});
	t.like(parseServeFlags(['--port', '0', '--seed=4', '--nodes', '5', '--empty', '--speed', 'x10', '--kubeconfig', 'k']), {port: 0, seed: 4, nodes: 5, empty: true, speed: 10, kubeconfig: 'k'});
	t.like(parseServeFlags(['--strict-images']), {strictImages: true});
	const bad: Array<[string[], string]> = [
		[['--port', '70000'], 'Invalid value for --port: "70000" (expected an integer 0-65535)'],
		[['--speed', '3'], 'Invalid value for --speed: "3" (expected 0, 1, 10 or 60)'],
		[['--nodes', '0'], 'Invalid value for --nodes: "0" (expected an integer 1-1000)'],
		[['--port'], 'Flag --port needs a value'],
		[['--empty=yes'], 'Flag --empty takes no value'],
		[['--strict-images=no'], 'Flag --strict-images takes no value'],
		[['--nope'], 'Unknown flag --nope (see kubarium serve --help)'],
		[['pods'], 'Unexpected argument "pods" (kubarium serve takes only flags; see --help)'],
	];
	for (const [argv, message] of bad) t.is((t.throws(() => parseServeFlags(argv), {instanceOf: ServeFlagError}))?.message, message);
});

test('the kubeconfig gains the kubarium context and keeps every other entry', t => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'kubarium-kc-'));
	try {
		const file = path.join(dir, 'config');
		writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: [{name: kind-a, cluster: {server: "https://127.0.0.1:1"}}]\ncontexts: [{name: kind-a, context: {cluster: kind-a, user: kind-a}}]\nusers: [{name: kind-a, user: {token: x}}]\ncurrent-context: kind-a\n');
		writeKubeconfig(file, 'https://127.0.0.1:2', 'secret', 'CERT');
		writeKubeconfig(file, 'https://127.0.0.1:3', 'secret2', 'CERT');
		const config = parse(readFileSync(file, 'utf8'));
		t.deepEqual(config.clusters.map((c: any) => c.name), ['kind-a', 'kubarium']);
		t.is(config.clusters[1].cluster.server, 'https://127.0.0.1:3');
		t.deepEqual(config.users[1], {name: 'kubarium', user: {token: 'secret2'}});
		t.is(config['current-context'], 'kubarium');
		t.is(statSync(file).mode & 0o777, 0o600);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('the API server reaches the engine only through its public entry', t => {
	// Besides the engine, only the finder of the files the package ships (the OpenAPI and protobuf data).
	const allowed = ['../engine/index.js', '../package-files.js'];
	const folder = new URL('../../source/apiserver/', import.meta.url);
	for (const file of readdirSync(folder)) {
		const text = readFileSync(new URL(file, folder), 'utf8');
		for (const [, target] of text.matchAll(/from '([^']+)'/g)) {
			if (target!.startsWith('../')) t.true(allowed.includes(target!), `${file} imports ${target}`);
		}
	}
});
