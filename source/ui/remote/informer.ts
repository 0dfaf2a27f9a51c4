/**
 * One kind of a real cluster, kept current as client-go's informers keep it:
 * list, then watch from the list's resourceVersion (client-node's
 * `ListWatch`, which lists again when the server answers 410 Gone). When the
 * watch fails (the server went away, a proxy cut it) the informer starts
 * again after a backoff that doubles up to a ceiling, and its last objects
 * stay as they were meanwhile. A 403 marks the kind forbidden with the
 * server's message; the view shows it instead of rows.
 */
import type {KubeConfig, KubernetesObject} from '@kubernetes/client-node';
import {ListWatch, Watch} from './kubernetes-client.js';
import {apiVersionOf, type KubeObject, type ResourceType, type WatchEvent} from '../../engine/index.js';
import {KubeApiError, resourcePath, type KubeHttp} from './kube-http.js';

export type InformerState =
	| {type: 'starting'}
	| {type: 'synced'}
	| {type: 'failed'; error: KubeApiError; retryInMs: number}
	| {type: 'forbidden'; message: string}
	| {type: 'stopped'};

export type BackoffOptions = {
	/** First wait after a failure (default 500 ms). */
	initialMs?: number;
	/** Longest wait (default 30 s). */
	maxMs?: number;
	/** Wait before asking again for a kind the user may not list (default 60 s). */
	forbiddenMs?: number;
};

export class KindInformer {
	readonly type: ResourceType;
	state: InformerState = {type: 'starting'};
	private readonly listWatch: ListWatch<KubernetesObject>;
	private retryTimer: ReturnType<typeof setTimeout> | undefined;
	private failures = 0;
	private stopped = false;

	constructor(
		type: ResourceType,
		config: KubeConfig,
		private readonly http: KubeHttp,
		private readonly emit: (event: WatchEvent) => void,
		private readonly changed: () => void,
		private readonly backoff: Required<BackoffOptions>,
	) {
		this.type = type;
		const apiVersion = apiVersionOf(type);
		const list = async () => {
			const body = await http.request<{items?: KubeObject[]; metadata?: {resourceVersion?: string}}>(resourcePath(type));
			// List items carry no kind; the views read it.
			for (const item of body.items ?? []) {
				item.kind = type.kind;
				item.apiVersion = apiVersion;
			}
			this.failures = 0;
			this.setState({type: 'synced'});
			return {items: body.items ?? [], metadata: body.metadata ?? {}} as never;
		};
		this.listWatch = new ListWatch<KubernetesObject>(resourcePath(type), new Watch(config), list, false);
		const withKind = (object: KubernetesObject) => {
			const kube = object as unknown as KubeObject;
			kube.kind ??= type.kind;
			kube.apiVersion ??= apiVersion;
			return kube;
		};
		this.listWatch.on('add', object => this.emit({type: 'ADDED', object: withKind(object)}));
		this.listWatch.on('update', object => this.emit({type: 'MODIFIED', object: withKind(object)}));
		this.listWatch.on('delete', object => this.emit({type: 'DELETED', object: withKind(object)}));
		this.listWatch.on('error', error => this.failed(error));
	}

	start(): void {
		this.stopped = false;
		void this.listWatch.start().catch((error: unknown) => this.failed(error));
	}

	stop(): void {
		this.stopped = true;
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.retryTimer = undefined;
		void this.listWatch.stop();
		this.setState({type: 'stopped'});
	}

	get(name: string, namespace?: string): KubeObject | undefined {
		return this.listWatch.get(name, this.type.namespaced ? namespace : undefined) as KubeObject | undefined;
	}

	list(namespace?: string): KubeObject[] {
		return this.listWatch.list(namespace) as unknown as KubeObject[];
	}

	private failed(cause: unknown): void {
		if (this.stopped) return;
		const error = asApiError(cause);
		let delay: number;
		if (error.code === 403) {
			this.setState({type: 'forbidden', message: error.message});
			delay = this.backoff.forbiddenMs;
		} else {
			delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.failures);
			this.failures++;
			this.setState({type: 'failed', error, retryInMs: delay});
		}
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => {
			this.retryTimer = undefined;
			if (this.stopped) return;
			// As client-go's reflector does after a failed watch, list again: ListWatch lists only without a
			// resourceVersion, and the list tells what changed (or went) while the connection was down.
			(this.listWatch as unknown as {resourceVersion: string}).resourceVersion = '';
			this.start();
		}, delay);
		this.retryTimer.unref?.();
	}

	private setState(state: InformerState): void {
		const before = this.state;
		this.state = state;
		if (before.type !== state.type || (before.type === 'failed' && state.type === 'failed' && before.error.message !== state.error.message)) this.changed();
	}
}

/** Any failure as a KubeApiError: a Status, a watch's HTTP status, or a transport error in kubectl's words. */
export function asApiError(cause: unknown): KubeApiError {
	if (cause instanceof KubeApiError) return cause;
	const error = cause as {statusCode?: number; code?: string | number; message?: string; type?: string};
	const status = typeof error?.statusCode === 'number' ? error.statusCode : typeof error?.code === 'number' ? error.code : 0;
	if (status === 403) return new KubeApiError(error.message ?? 'Forbidden', 403, 'Forbidden');
	if (status > 0) return new KubeApiError(error.message ?? `the server responded with ${status}`, status);
	const text = String(error?.message ?? cause);
	if (error?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(text)) {
		const host = /ECONNREFUSED ([^\s]+)/.exec(text)?.[1];
		return new KubeApiError(`The connection to the server ${host ?? ''} was refused - did you specify the right host or port?`.replace('server  was', 'server was'), 0, 'Unreachable');
	}
	// node-fetch says `request to https://host:port/path?query failed, reason: read ECONNRESET`: the host and the reason are what matter.
	const fetchFailure = /request to https?:\/\/([^/\s]+)\S* failed, reason: (.*)$/.exec(text);
	if (fetchFailure) return new KubeApiError(`Unable to connect to the server ${fetchFailure[1]}: ${fetchFailure[2]}`, 0, 'Unreachable');
	return new KubeApiError(`Unable to connect to the server: ${text}`, 0, 'Unreachable');
}
