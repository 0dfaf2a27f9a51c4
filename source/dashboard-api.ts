/**
 * The Kubernetes API the dashboard serves while it runs, so kubectl can drive
 * the cluster on screen: the same server as `kubarium serve`, on 127.0.0.1,
 * with its kubeconfig in the config dir (read-only under --readonly). The dashboard's own loop moves time;
 * the screen shows what kubectl changes at the next tick.
 */
import path from 'node:path';
import type {Cluster} from './engine/index.js';
import {certificateAuthorityKeyName, serviceAccountKeyName, startApiServer, type ApiServer} from './apiserver/server.js';
import {writeKubeconfig} from './apiserver/kubeconfig.js';

/** The port the API takes when none is asked for, as `kubarium serve`'s; any free one when it is taken. */
export const defaultApiPort = 6443;

export type DashboardApi = {
	url: string;
	/** The kubeconfig written for it. */
	kubeconfig: string;
	close(): Promise<void>;
};

/**
 * Serve `cluster` and write its kubeconfig to `<configDir>/kubeconfig`.
 * `port` undefined: `preferredPort` (6443), or any free port when it is taken. An asked-for
 * port that is taken, or a kubeconfig that cannot be written, rejects with
 * the message to show.
 */
export async function startDashboardApi(cluster: Cluster, options: {port?: number; configDir: string; preferredPort?: number; readOnly?: boolean}): Promise<DashboardApi> {
	let server: ApiServer;
	const serviceAccountKeyFile = path.join(options.configDir, serviceAccountKeyName);
	const certificateAuthorityKeyFile = path.join(options.configDir, certificateAuthorityKeyName);
	try {
		server = await startApiServer(cluster, {port: options.port ?? options.preferredPort ?? defaultApiPort, readOnly: options.readOnly, serviceAccountKeyFile, certificateAuthorityKeyFile});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'EADDRINUSE') throw new Error(`the API could not start: ${(error as Error).message}`);
		if (options.port !== undefined) throw new Error(`the API could not start: port ${options.port} on 127.0.0.1 is in use (try --api-port 0 for a free one)`);
		server = await startApiServer(cluster, {port: 0, readOnly: options.readOnly, serviceAccountKeyFile, certificateAuthorityKeyFile});
	}
	const kubeconfig = path.join(options.configDir, 'kubeconfig');
	try {
		writeKubeconfig(kubeconfig, server.url, server.token, server.certificate);
	} catch (error) {
		await server.close();
		throw new Error(`the API could not start: cannot write the kubeconfig ${kubeconfig}: ${(error as Error).message}`);
	}
	return {url: server.url, kubeconfig, close: () => server.close()};
}
