/**
 * The kubeconfig kubectl reads to reach the server: a cluster, a user with
 * the bearer token and a context, all named `kubarium`. Written into a file of
 * its own, or added to an existing one keeping every other entry (as kind does).
 */
import {mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync} from 'node:fs';
import path from 'node:path';
import {parse, stringify} from 'yaml';

export const contextName = 'kubarium';

type Named = {name: string; [key: string]: unknown};

function upsert(list: unknown, entry: Named): Named[] {
	const items = Array.isArray(list) ? (list as Named[]).filter(item => item?.name !== entry.name) : [];
	return [...items, entry];
}

/** Write (or update) `file` so that its `kubarium` context reaches `server` with `token`, trusting `certificate`; makes it the current context. */
export function writeKubeconfig(file: string, server: string, token: string, certificate: string): void {
	let config: Record<string, unknown> = {apiVersion: 'v1', kind: 'Config', preferences: {}};
	if (existsSync(file)) {
		const text = readFileSync(file, 'utf8');
		const parsed = text.trim() === '' ? {} : parse(text);
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} is not a kubeconfig (expected a YAML mapping)`);
		config = parsed as Record<string, unknown>;
	}
	config['clusters'] = upsert(config['clusters'], {name: contextName, cluster: {server, 'certificate-authority-data': Buffer.from(certificate).toString('base64')}});
	config['users'] = upsert(config['users'], {name: contextName, user: {token}});
	config['contexts'] = upsert(config['contexts'], {name: contextName, context: {cluster: contextName, user: contextName, namespace: 'default'}});
	config['current-context'] = contextName;
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(file, stringify(config), {mode: 0o600});
	chmodSync(file, 0o600);
}
