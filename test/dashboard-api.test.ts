/**
 * The API the dashboard serves beside itself: the port it takes, the
 * kubeconfig it writes, and a clear message when it cannot start.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {parse} from 'yaml';
import {createCluster} from '../source/engine/index.js';
import {startDashboardApi} from '../source/dashboard-api.js';

function occupy(): Promise<{server: Server; port: number}> {
	return new Promise(resolve => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => resolve({server, port: (server.address() as {port: number}).port}));
	});
}

async function getJson(url: string, token: string, ca: string): Promise<{status: number; body: any}> {
	const {request} = await import('node:https');
	return new Promise((resolve, reject) => {
		const req = request(url, {headers: {authorization: `Bearer ${token}`}, ca}, response => {
			let body = '';
			response.on('data', chunk => (body += chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, body: JSON.parse(body)}));
		});
		req.on('error', reject);
		req.end();
	});
}

test('the API serves the dashboard\'s own cluster and writes a kubeconfig for it', async t => {
	const configDir = mkdtempSync(path.join(os.tmpdir(), 'kubarium-dash-api-'));
	const cluster = createCluster({seed: 3, nodes: 1, demo: true});
	const api = await startDashboardApi(cluster, {port: 0, configDir});
	try {
		t.is(api.kubeconfig, path.join(configDir, 'kubeconfig'));
		const config = parse(readFileSync(api.kubeconfig, 'utf8'));
		t.is(config['current-context'], 'kubarium');
		t.is(config.clusters[0].cluster.server, api.url);
		const ca = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
		const list = await getJson(`${api.url}/apis/apps/v1/namespaces/shop/deployments`, config.users[0].user.token, ca);
		t.is(list.status, 200);
		t.deepEqual(list.body.items.map((d: any) => d.metadata.name).sort(), cluster.list('Deployment', {namespace: 'shop'}).map(d => d.metadata.name).sort());
	} finally {
		await api.close();
		rmSync(configDir, {recursive: true, force: true});
	}
});

test('a taken port: an asked-for one is an error that says what to do; the preferred one gives way to a free port', async t => {
	const configDir = mkdtempSync(path.join(os.tmpdir(), 'kubarium-dash-api-'));
	const taken = await occupy();
	const cluster = createCluster({seed: 3, nodes: 1});
	try {
		await t.throwsAsync(startDashboardApi(cluster, {port: taken.port, configDir}), {
			message: `the API could not start: port ${taken.port} on 127.0.0.1 is in use (try --api-port 0 for a free one)`,
		});
		const api = await startDashboardApi(cluster, {configDir, preferredPort: taken.port});
		t.not(new URL(api.url).port, String(taken.port));
		await api.close();
	} finally {
		taken.server.close();
		rmSync(configDir, {recursive: true, force: true});
	}
});

test('a kubeconfig that cannot be written stops the API with the path and the reason', async t => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'kubarium-dash-api-'));
	const notADir = path.join(dir, 'file');
	writeFileSync(notADir, 'x');
	try {
		const error = await t.throwsAsync(startDashboardApi(createCluster({seed: 3, nodes: 1}), {port: 0, configDir: notADir}));
		t.regex(error!.message, new RegExp(`^the API could not start: cannot write the kubeconfig ${path.join(notADir, 'kubeconfig').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});
