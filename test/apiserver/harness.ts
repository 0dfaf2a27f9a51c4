/** A served cluster in this process and the real kubectl against it, with a kubeconfig in a temp dir. */
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {request} from 'node:https';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {startApiServer, type ApiServer, type ApiServerOptions} from '../../source/apiserver/server.js';
import {writeKubeconfig} from '../../source/apiserver/kubeconfig.js';

export const hasKubectl = spawnSync('kubectl', ['version', '--client'], {stdio: 'ignore'}).status === 0;

/**
 * A kubectl test file's served cluster: made by `setup` before the file's
 * tests and closed after them. `run` is `test.serial`, or its skip where
 * kubectl is not on PATH (said once, naming `what` when given).
 */
export function kubectlSuite(setup: (cluster: Cluster) => void, options: {what?: string; server?: ApiServerOptions} = {}): {run: typeof test.serial | typeof test.serial.skip; served: () => Served} {
	let served: Served | undefined;
	if (!hasKubectl && options.what) console.log(`kubectl is not on PATH: ${options.what} are skipped`);
	test.before(async () => {
		served = await serve(setup, options.server);
	});
	test.after.always(async () => {
		await served?.close();
	});
	return {run: hasKubectl ? test.serial : test.serial.skip, served: () => served!};
}

export type Served = {
	cluster: Cluster;
	server: ApiServer;
	dir: string;
	kubeconfig: string;
	/** Run kubectl to the end: exit code and output. */
	kubectl: (args: string[], input?: string) => Promise<Result>;
	/** Start kubectl and leave it running (watches); `stop` ends it. */
	start: (args: string[]) => Running;
	/** A raw HTTPS request to the server, with the token unless `token` is given. */
	call: (method: string, url: string, options?: {body?: string | Buffer; type?: string; token?: string; accept?: string}) => Promise<{code: number; body: string}>;
	close: () => Promise<void>;
};

export type Result = {code: number; stdout: string; stderr: string};
export type Running = {output: () => string; done: Promise<Result>; stop: () => void};

export async function serve(setup: (cluster: Cluster) => void, options: ApiServerOptions = {}, made?: Cluster): Promise<Served> {
	const cluster = made ?? createCluster({seed: 7, nodes: 2});
	setup(cluster);
	const server = await startApiServer(cluster, options);
	const dir = mkdtempSync(path.join(os.tmpdir(), 'kubarium-api-'));
	const kubeconfig = path.join(dir, 'config');
	writeKubeconfig(kubeconfig, server.url, server.token, server.certificate);
	const env = {...process.env, KUBECONFIG: kubeconfig, HOME: dir, KUBECACHEDIR: path.join(dir, 'cache')};
	const children = new Set<ReturnType<typeof spawn>>();
	const start = (args: string[], input?: string): Running => {
		const child = spawn('kubectl', ['--cache-dir', path.join(dir, 'cache'), ...args], {env});
		children.add(child);
		child.on('close', () => children.delete(child));
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.stdin.end(input ?? '');
		const done = new Promise<Result>(resolve => child.on('close', code => resolve({code: code ?? -1, stdout, stderr})));
		return {output: () => stdout, done, stop: () => child.kill('SIGTERM')};
	};
	const call: Served['call'] = (method, url, options = {}) => new Promise((resolve, reject) => {
		const headers: Record<string, string> = {Accept: options.accept ?? 'application/json'};
		const token = options.token ?? server.token;
		if (token) headers['Authorization'] = `Bearer ${token}`;
		if (options.type) headers['Content-Type'] = options.type;
		// Node sends a DELETE's body unframed unless its length is given.
		if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
		const req = request(`${server.url}${url}`, {method, headers, ca: server.certificate}, response => {
			let body = '';
			response.on('data', chunk => (body += chunk));
			response.on('end', () => resolve({code: response.statusCode ?? 0, body}));
		});
		req.on('error', reject);
		req.end(options.body);
	});
	return {
		cluster, server, dir, kubeconfig, start, call,
		kubectl: (args, input) => start(args, input).done,
		close: async () => {
			// A kubectl still waiting (a failed or timed-out test) ends with the server.
			for (const child of children) child.kill('SIGKILL');
			await server.close();
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** Wait for kubectl (another process) until `condition` holds; virtual time does not move meanwhile. */
export async function until(condition: () => boolean, what: string): Promise<void> {
	for (let i = 0; i < 2000; i++) {
		if (condition()) return;
		await new Promise(resolve => setTimeout(resolve, 10));
	}
	throw new Error(`timed out waiting until ${what}`);
}
